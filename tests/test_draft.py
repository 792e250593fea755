"""``trialrecon draft``: the drafter on TALENT's paper, the readers, bad input and --merge.

The level reached on TALENT is measured against the hand-made dossier (the reference is
the transcription a person made from the same paper, data/raw/talent/values.csv); the
figures are printed by benchmarks/bench_draft.py. The small documents below are fictional,
written for the test, with the numbers each pattern should give worked out by hand.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialrecon.dossier import COLUMNS, MAX_ANCHOR_WORDS, OPTIONAL_COLUMNS
from trialrecon.dossier.audit import _read, default_sources_dir
from trialrecon.dossier.draft import SourceError, draft_source, draft_text, read_names
from trialrecon.dossier.draft.evaluate import score
from trialrecon.dossier.draft.normalise import normal, normalise
from trialrecon.dossier.draft.reader import read_source

ROOT = Path(__file__).resolve().parents[1]
TALENT = ROOT / "data" / "raw" / "talent"
SEEDS = default_sources_dir(TALENT)
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="the shared seeds folder is not here")

TRIAL = """id: demo
title: "A fictional two-cohort single-arm trial"
design: single_arm
sources:
  - id: paper
    kind: paper
    citation: "Fictional 2024"
cohorts:
  - id: A
    label: "Cohort A (pancreatic)"
  - id: B
    label: "Cohort B (lung)"
  - id: total
    label: "All patients"
    parts: [A, B]
"""

PAPER = """# A fictional trial

## Results

A total of 60 patients were enrolled. The overall response rate was 25.0% (95% CI, 14.7 to 37.9).
The median progression-free survival was 9.1 months (95% CI, 7.0 to 12.2) and 14.0 months in
cohort A and cohort B, respectively. Grade 3 or higher adverse events occurred in
18 patients (30.0%); P = .04.

Table 2. Response

| Response | Cohort A (n = 40) | Cohort B (n = 20) |
|---|---|---|
| Partial response | 10 (25.0) | 5 (25.0) |
| Stable disease | 20 (50.0) | 9 (45.0) |
"""


def _rows(drafts: list) -> list[dict[str, str]]:
    return [d.fields for d in drafts]


def _one(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    (tmp_path / "paper.md").write_text(PAPER, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ the patterns, by hand


def test_a_small_markdown_paper_drafts_as_a_person_would(demo: Path) -> None:
    names = read_names(demo / "trial.yaml")
    _, drafts = draft_source(demo.parent / "paper.md", names, "paper")
    rows = _rows(drafts)
    assert _one(rows, value="60")["quantity"] == "enrolled"
    orr = _one(rows, value="25.0", location="Results")
    assert (orr["quantity"], orr["statistic"], orr["unit"], orr["cohort"]) == (
        "orr", "percent", "percent", "total")
    assert _one(rows, value="14.7")["statistic"] == "ci_low"
    assert _one(rows, value="37.9")["statistic"] == "ci_high"
    # "9.1 ... and 14.0 months in cohort A and cohort B, respectively"
    pfs_a, pfs_b = _one(rows, value="9.1"), _one(rows, value="14.0")
    assert (pfs_a["quantity"], pfs_a["statistic"], pfs_a["unit"], pfs_a["cohort"]) == (
        "pfs", "median", "months", "A")
    assert pfs_b["cohort"] == "B" and _one(rows, value="12.2")["cohort"] == "A"
    ae = _one(rows, value="18")
    assert (ae["quantity"], ae["statistic"], ae["unit"]) == ("ae_grade3plus", "count", "patients")
    p = _one(rows, statistic="p_value")
    assert (p["value"], p["comparator"], p["quantity"]) == ("0.04", "", "ae_grade3plus")
    # the table: the header's n is a count, each cell a count and a percent of the column
    assert _one(rows, value="40")["quantity"] == "enrolled"
    pr_b = [r for r in rows if r["row"] == "Partial response" and r["cohort"] == "B"]
    assert {(r["statistic"], r["value"], r["category"], r["denominator"]) for r in pr_b} == {
        ("count", "5", "PR", "20"), ("percent", "25.0", "PR", "20")}
    assert all(r["location"] == "Table 2" for r in pr_b)


def test_every_draft_anchor_is_short_and_found_in_the_source(demo: Path) -> None:
    names = read_names(demo / "trial.yaml")
    source, drafts = draft_source(demo.parent / "paper.md", names, "paper")
    text = normalise(source.text).text
    for d in drafts:
        assert len(d.fields["anchor"].split()) <= MAX_ANCHOR_WORDS
        assert normal(d.fields["anchor"]) in text, d.fields["anchor"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc ORR PFS HR P<=%().,;:-0123456789\n\t")),
               max_size=300))
def test_any_text_drafts_without_error_and_anchors_stay_verbatim(text: str) -> None:
    names = read_names(ROOT / "data" / "raw" / "talent" / "trial.yaml")
    drafts = draft_text(text, names, "jco2021")
    norm = normalise(text).text
    for d in drafts:
        assert set(d.fields) >= set(COLUMNS) - {"id"}
        assert len(d.fields["anchor"].split()) <= MAX_ANCHOR_WORDS
        assert normal(d.fields["anchor"]) in norm
        assert d.needs_review or d.fields["quantity"]


# ---------------------------------------------------------------------- TALENT's paper


@needs_seeds
def test_talent_draft_reaches_the_measured_level() -> None:
    """The level reached (benchmarks/bench_draft.py): 98.0% reproduced, 87.8% labelled.

    Asserted a little below what was measured so a harmless change of wording in the
    lexicon does not fail it, and above the issue's targets (90% and 75%).
    """
    doc = _read((SEEDS / "000_b2b5ef46d79f5bfb.txt").resolve())
    drafts = draft_text(doc.layout.text, read_names(TALENT / "trial.yaml"), "jco2021")
    s = score(doc, TALENT, "jco2021", drafts)
    assert s.rows == 458
    assert s.reproduced_share >= 0.97
    assert s.labelled_share >= 0.85


# ------------------------------------------------------------------ readers: HTML and PDF


def test_html_tables_and_headings(tmp_path: Path, demo: Path) -> None:
    page = ("<html><body><h2>Results</h2><p>The median <i>PFS</i> was 9.1 months.</p>"
            "<table><caption>Table 2. Response</caption><tr><th>Response</th>"
            "<th>Cohort A (n = 40)</th></tr><tr><td>Partial response</td><td>10 (25.0)"
            "<sup>a</sup></td></tr></table><script>var x = 99;</script></body></html>")
    path = tmp_path / "paper.html"
    path.write_text(page, encoding="utf-8")
    rows = _rows(draft_source(path, read_names(demo / "trial.yaml"), "paper")[1])
    assert _one(rows, value="9.1")["location"] == "Results"
    cell = _one(rows, value="10")
    assert (cell["location"], cell["row"], cell["footnote"], cell["cohort"]) == (
        "Table 2", "Partial response", "a", "A")
    assert not [r for r in rows if r["value"] == "99"]  # scripts are not text


def _pdf(path: Path, lines: list[tuple[float, float, str, float]]) -> None:
    """A one-page PDF with text at (x, y) in inches and font size (matplotlib's PDF backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    for x, y, text, size in lines:
        fig.text(x / 8.5, y / 11, text, fontsize=size)
    fig.savefig(path, format="pdf")
    plt.close(fig)


def test_pdf_text_layer_is_read(tmp_path: Path, demo: Path) -> None:
    path = tmp_path / "paper.pdf"
    _pdf(path, [(1, 10, "Results", 16),
                (1, 9.5, "The overall response rate was 25.0% (95% CI, 14.7 to 37.9).", 10),
                (1, 9.2, "A total of 60 patients were enrolled.", 10)])
    source = read_source(path)
    assert source.kind == "pdf" and "# Results" in source.text
    rows = _rows(draft_source(path, read_names(demo / "trial.yaml"), "paper")[1])
    orr = _one(rows, value="25.0")
    assert (orr["location"], orr["quantity"], orr["statistic"]) == ("Results", "orr", "percent")
    assert _one(rows, value="37.9")["statistic"] == "ci_high"


def test_a_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])  # lines only, like a scanned page: no characters
    ax.axis("off")
    path = tmp_path / "scan.pdf"
    fig.savefig(path, format="pdf")
    plt.close(fig)
    with pytest.raises(SourceError, match="no text layer"):
        read_source(path)


# ------------------------------------------------------------------- the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trialrecon.cli", "draft", *args],
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"No numbers in this text at all.\n", "no numbers found"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" * 50, "a binary file"),
    (b"%PDF-1.4\n%garbage that is no pdf\n", "not a readable PDF"),
])
def test_bad_input_is_one_message_exit_2_and_no_file(tmp_path: Path, demo: Path,
                                                     content: bytes, message: str) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    out = tmp_path / "out" / "values.draft.csv"
    result = _cli(str(source), "--trial", str(demo / "trial.yaml"), "--source-id", "paper",
                  "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_size_limit(tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trialrecon.dossier.draft import reader

    monkeypatch.setattr(reader, "MAX_SOURCE_BYTES", 100)
    source = tmp_path / "long.txt"
    source.write_text("The ORR was 25%. " * 20, encoding="utf-8")
    with pytest.raises(SourceError, match="more than the limit of 100"):
        read_source(source)


def test_the_draft_is_never_values_csv(tmp_path: Path, demo: Path) -> None:
    for out in (tmp_path / "values.csv", demo / "values.draft.csv"):
        result = _cli(str(tmp_path / "paper.md"), "--trial", str(demo / "trial.yaml"),
                      "--source-id", "paper", "--out", str(out))
        assert result.returncode == 2 and not out.exists(), result.stderr


def test_unknown_source_id(tmp_path: Path, demo: Path) -> None:
    result = _cli(str(tmp_path / "paper.md"), "--trial", str(demo / "trial.yaml"),
                  "--source-id", "nope", "--out", str(tmp_path / "d.csv"))
    assert result.returncode == 2 and "source id 'nope'" in result.stderr


@needs_seeds
def test_merge_marks_what_the_dossier_already_holds(tmp_path: Path) -> None:
    out = tmp_path / "values.draft.csv"
    result = _cli(str(SEEDS / "000_b2b5ef46d79f5bfb.txt"), "--trial", str(TALENT / "trial.yaml"),
                  "--source-id", "jco2021", "--out", str(out), "--merge")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    header = list(rows[0])
    assert header[:len(COLUMNS)] == list(COLUMNS)
    assert header[len(COLUMNS):] == [*OPTIONAL_COLUMNS, "confidence", "rule", "needs_review",
                                     "merge", "dossier_id"]
    held = [r for r in rows if r["merge"] == "in_dossier"]
    assert len(held) >= 400 and len({r["id"] for r in rows}) == len(rows)
    # the Abstract's ORR is the dossier's abs_orr_tot: same value, location and anchor
    orr = next(r for r in rows if "abs_orr_tot" in r["dossier_id"].split())
    assert (orr["value"], orr["location"], orr["statistic"]) == ("29.9", "Abstract", "percent")
    assert "already in" in result.stdout
