"""The report writers: escaping, self-contained HTML, determinism, the JSON shape, the CLI.

The reconciliation of the planted corpus takes seconds, so the tests that only read it share
one (``planted_report``: its files as bytes, its Reconciliation as a fresh deep copy per test);
a test that changes the dossier, the triage, the umask or runs the CLI makes its own.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest

from trialrecon.checks.runner import Reconciliation
from trialrecon.stages.reconcile import FILE_NAMES, write_reconciliation

ROOT = Path(__file__).resolve().parents[1]
PLANTED = Path(__file__).parent / "fixtures" / "planted"
FORMATS = ("html", "md", "csv", "json", "letter", "letter_text")


def _outputs(folder: Path) -> dict[str, Path]:
    return {fmt: folder / FILE_NAMES[fmt] for fmt in FORMATS}


@dataclass(frozen=True)
class PlantedReport:
    """One reconciliation of the planted corpus, untriaged, in a form no test can change."""

    files: Mapping[str, bytes]  # format -> the file's bytes (read-only mapping of bytes)
    _rec: Reconciliation

    def text(self, fmt: str) -> str:
        return self.files[fmt].decode("utf-8")

    def rec(self) -> Reconciliation:
        """A deep copy: a test that changes it changes nothing another test sees."""
        return copy.deepcopy(self._rec)


@pytest.fixture(scope="module")
def planted_report(tmp_path_factory) -> PlantedReport:
    out = _outputs(tmp_path_factory.mktemp("planted_report"))
    rec = write_reconciliation(PLANTED, out)
    return PlantedReport(MappingProxyType({fmt: path.read_bytes() for fmt, path in out.items()}),
                         copy.deepcopy(rec))


def _run_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run independent commands at the same time (each loads the package and reconciles for
    seconds); their results in the order given."""
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for cmd in commands]
    done = []
    for cmd, proc in zip(commands, procs, strict=True):
        stdout, stderr = proc.communicate()
        done.append(subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr))
    return done


@pytest.fixture
def marked_up(tmp_path: Path) -> Path:
    """The planted corpus with markup in the anchor of a value that is flagged."""
    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["id"] in ("q1a_dis", "q1b_dis"):  # q1b: the letter's first major concern
            row["anchor"] = "<script>alert(1)</script> <b>bold</b> | pipe [j](javascript:x)"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return folder


def test_html_escapes_markup_from_data(marked_up, tmp_path):
    out = _outputs(tmp_path / "out")
    write_reconciliation(marked_up, out)
    html = out["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
    for fmt in ("md", "letter"):
        md = out[fmt].read_text(encoding="utf-8")
        # Markdown escapes with backslashes (CommonMark), not HTML entities: no tag, no link
        assert "<script>" not in md and "<b>" not in md and "](javascript" not in md, fmt
        assert "&lt;" not in md and "&amp;" not in md, fmt
        assert "\\<b\\>bold\\</b\\> \\| pipe \\[j\\]\\(javascript:x\\)" in md, fmt


def test_html_is_self_contained(planted_report):
    html = planted_report.text("html")
    for external in ("src=\"http", "href=\"http", "<link", "@import", "src=\"//"):
        assert external not in html
    assert "<script>" in html and 'id="f-sev"' in html  # the filter, inline


def test_outputs_deterministic_and_json_shape(planted_report, tmp_path):
    """A second reconciliation, in this test, gives the shared one's bytes."""
    b = _outputs(tmp_path / "b")
    write_reconciliation(PLANTED, b)
    for fmt in FORMATS:
        assert planted_report.files[fmt] == b[fmt].read_bytes(), fmt
    data = json.loads(planted_report.text("json"))
    assert data["findings"]
    ranks = ["error", "inconsistent", "questionable", "note", "consistent"]
    order = [ranks.index(f["severity"]) for f in data["findings"]]
    assert order == sorted(order)
    for f in data["findings"]:
        assert {"id", "check", "severity", "values"} <= set(f)
    assert data["counts_by_severity"]["inconsistent"] == sum(
        f["severity"] == "inconsistent" for f in data["findings"])
    assert len(list(csv.DictReader(io.StringIO(planted_report.text("csv"))))) == \
        len(data["findings"])


def test_triage_shown_in_report(planted_report, tmp_path):
    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    data = json.loads(planted_report.text("json"))  # the untriaged report of the same corpus
    fid = next(f["id"] for f in data["findings"] if f["severity"] == "inconsistent")
    (folder / "triage.yaml").write_text(
        f"findings:\n  {fid}:\n    verdict: explained\n    note: typo in the proofs\n",
        encoding="utf-8")
    second = _outputs(tmp_path / "second")
    write_reconciliation(folder, second)
    data = json.loads(second["json"].read_text(encoding="utf-8"))
    f = next(f for f in data["findings"] if f["id"] == fid)
    assert f["triage"] == {"verdict": "explained", "note": "typo in the proofs"}
    assert "typo in the proofs" in second["html"].read_text(encoding="utf-8")
    assert "typo in the proofs" in second["md"].read_text(encoding="utf-8")


def test_cli(tmp_path):
    run = [sys.executable, "-m", "trialrecon.cli", "reconcile"]
    ok, bad = _run_together([[*run, str(PLANTED), "--out", str(tmp_path / "ok")],
                             [*run, str(tmp_path / "nope"), "--out", str(tmp_path / "bad")]])
    assert ok.returncode == 0, ok.stderr
    assert all((tmp_path / "ok" / FILE_NAMES[fmt]).is_file() for fmt in FORMATS)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "not found" in bad.stderr


def test_output_files_are_0644(tmp_path):
    """Like every other output (mkstemp alone would give 0600), whatever the umask."""
    import os

    out = _outputs(tmp_path)
    mask = os.umask(0o077)
    try:
        write_reconciliation(PLANTED, out)
    finally:
        os.umask(mask)
    for path in out.values():
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_fail_on_exit_codes(tmp_path):
    """0 without --fail-on; 1 when a cause at the level or worse remains; 2 for bad input."""
    run = [sys.executable, "-m", "trialrecon.cli", "reconcile"]
    clean = Path(__file__).resolve().parents[1] / "data" / "raw" / "promid"

    cases = [((str(PLANTED),), 0),
             ((str(PLANTED), "--fail-on", "inconsistent"), 1),
             ((str(PLANTED), "--fail-on", "questionable"), 1),
             ((str(clean), "--fail-on", "questionable"), 0),
             ((str(PLANTED), "--fail-on", "maybe"), 2)]
    # each run its own output folder, so that they can run at the same time
    runs = _run_together([[*run, *args, "--out", str(tmp_path / str(i))]
                          for i, (args, _) in enumerate(cases)])
    assert [r.returncode for r in runs] == [want for _, want in cases], \
        [r.stderr[-500:] for r in runs]


def test_fail_on_ignores_causes_triaged_away(planted_report, tmp_path):
    from trialrecon.stages.reconcile import failing_causes

    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    rec = planted_report.rec()  # the untriaged reconciliation of the same corpus
    bad = failing_causes(rec, "inconsistent")
    assert bad and set(bad) <= {c.id for c in rec.causes if c.severity == "inconsistent"}
    triage = "causes:\n" + "".join(f"  {cid}: {{verdict: false_alarm}}\n" for cid in bad)
    (folder / "triage.yaml").write_text(triage, encoding="utf-8")
    rec = write_reconciliation(folder, _outputs(tmp_path / "b"))
    assert failing_causes(rec, "inconsistent") == []
    assert failing_causes(rec, "questionable")  # the questionable ones remain


def _numbered(letter: str) -> list[str]:
    return [line for line in letter.splitlines() if re.match(r"\d+\. ", line)]


def test_letter_lists_concerns_by_rank_and_leaves_out_false_alarms(planted_report, tmp_path):
    from trialrecon.dossier import load_dossier
    from trialrecon.report.letter import minor_reason, plan_letter

    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    rec = planted_report.rec()  # the untriaged reconciliation of the same corpus
    concerns = [c for c in rec.causes if c.severity in ("inconsistent", "questionable")]
    plan = plan_letter(rec, trial=load_dossier(folder).trial)
    points = [*plan.major, *plan.other]
    in_points = [c for p in points for c in p.causes]
    in_minor = [c for _, cs in plan.minor for c in cs]
    # every concern once: in a numbered point or in the minor paragraph
    assert sorted(c.id for c in in_points + in_minor) == sorted(c.id for c in concerns)
    assert all(minor_reason(c, plan.names) for c in in_minor)
    assert not any(minor_reason(c, plan.names) for c in in_points)
    for fmt in ("letter", "letter_text"):
        letter = planted_report.text(fmt)
        assert len(_numbered(letter)) == len(points), fmt
        assert ("Minor points" in letter) == bool(in_minor), fmt
        assert letter.count("Question: ") == len(in_points), fmt
    # points are in rank order: each point's best rank increases
    firsts = [min(c.rank for c in p.causes) for p in points]
    assert firsts == sorted(firsts)
    first, dropped = in_points[0], in_points[-1]
    (folder / "triage.yaml").write_text(
        f"causes:\n  {first.id}: {{verdict: confirmed}}\n  {dropped.id}: {{verdict: "
        "false_alarm}\n", encoding="utf-8")
    write_reconciliation(folder, _outputs(tmp_path / "b"))
    letter = (tmp_path / "b" / "review_letter.txt").read_text(encoding="utf-8")
    assert dropped.title not in letter and _numbered(letter)[0].startswith("1. ")
    html = (tmp_path / "b" / "reconciliation.html").read_text(encoding="utf-8")
    assert 'id="copy-letter"' in html and _numbered(letter)[0][3:40] in html


def test_the_text_letter_has_no_markup_escapes_or_ids():
    """Pasted into an editorial system, the letter reads as it should: no backslash,
    asterisk or hash, no source, arm or row id, addressed to the authors."""
    from trialrecon.dossier import load_dossier
    from trialrecon.report.letter import render_text_letter

    for trial in ("talent", "checkmate067", "cabinet", "cleopatra"):
        folder = ROOT / "data" / "raw" / trial
        dossier = load_dossier(folder)
        from trialrecon.checks import run_checks

        rec = run_checks(dossier)
        citations = [s.citation for s in dossier.trial.sources]
        letter = render_text_letter(rec, citations, dossier.trial)
        quoted = {q.anchor for c in rec.causes for q in c.quotes}
        generated = letter
        for anchor in sorted(quoted, key=len, reverse=True):
            generated = generated.replace(" ".join(anchor.split()), "")
        assert "Dear authors," in letter
        for mark in ("\\", "*", "#", "**", "`"):
            assert mark not in generated, (trial, mark)
        # ids that look like ids (a digit or an underscore); "registry" is also a word
        ids = {s.id for s in dossier.trial.sources} | {a.id for a in dossier.trial.arms}
        ids = {i for i in ids | set(dossier.values["id"]) if re.search(r"[\d_]", i)}
        words = set(re.findall(r"[\w.-]+", generated))
        assert not ids & words, (trial, sorted(ids & words)[:5])


def test_json_causes_reach_every_flagged_finding(planted_report):
    data = json.loads(planted_report.text("json"))
    held = [m for c in data["causes"] for m in c["members"]]
    flagged = [f["id"] for f in data["findings"] if f["severity"] != "consistent"]
    assert sorted(held) == sorted(flagged)
    assert [c["rank"] for c in data["causes"]] == list(range(1, len(data["causes"]) + 1))
    assert sum(data["cause_counts_by_severity"].values()) == len(data["causes"])
    rows = list(csv.DictReader(io.StringIO(planted_report.text("csv"))))
    assert {r["cause_id"] for r in rows if r["severity"] != "consistent"} == \
        {c["id"] for c in data["causes"]}


def test_html_page_is_responsive_and_says_how_it_ranks(planted_report):
    html = planted_report.text("html")
    assert '<meta name="viewport"' in html and "@media screen and (max-width" in html
    assert "@media print" in html and "details::details-content" in html
    for needed in ('id="showing"', 'id="empty"', 'id="f-cohort"', 'id="f-source"',
                   'id="f-location"', 'data-set-sev="inconsistent"', 'aria-sort',
                   'id="policy"', 'id="ranking"', "<details"):
        assert needed in html, needed
    assert "inputs: {" not in html and '": "' not in html.split("<script>")[0]  # no raw JSON
    md = planted_report.text("md")
    assert "## Severity policy" in md and "## Ranking" in md
    assert not re.search(r"\b1 patients", md) and not re.search(r"\b1 patients", html)
