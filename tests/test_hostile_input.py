"""Hostile and broken input: a clear refusal or a flagged finding, never a crash or a hang.

Each case corrupts a copy of the fictional dossier tests/fixtures/mini (or its triage file)
and states the exact outcome: validation refuses it with a named rule, file, row and column;
or validation accepts it and the stages report it (a finding, a skipped item) while every
file stays inside the output folder. Every case runs under an alarm, so a hang (a YAML alias
bomb, a huge field) fails the test instead of stalling the suite.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from trialrecon.checks.findings import TriageError, load_triage
from trialrecon.dossier import load_dossier, validate_dossier
from trialrecon.stages.km.stage import write_km_outputs
from trialrecon.stages.reconcile import write_reconciliation

MINI = Path(__file__).parent / "fixtures" / "mini"
SECONDS = 20


@contextmanager
def time_limit(seconds: int = SECONDS) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM; the suite runs on Linux)."""
    def stop(signum, frame):  # noqa: ARG001 - the signal handler's signature
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "values.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _save(folder: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    header = header or list(dict.fromkeys(k for r in rows for k in r))
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])


def edit(row_id: str, **changes: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = _rows(folder)
        for r in rows:
            if r["id"] == row_id:
                r.update(changes)
        _save(folder, rows)
    return apply


def trial_text(old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "trial.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return apply


def write_trial(text: str) -> Callable[[Path], None]:
    return lambda folder: (folder / "trial.yaml").write_text(text, encoding="utf-8")


def add_row(**values: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = _rows(folder)
        rows.append({**dict.fromkeys(rows[0], ""), **values})
        _save(folder, rows)
    return apply


def header_only(folder: Path) -> None:
    _save(folder, [], list(_rows(folder)[0]))


def second_note_column(folder: Path) -> None:
    rows = _rows(folder)
    _save(folder, rows, [*rows[0], "note"])


def extra_file(name: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    return lambda folder: make(folder / name)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def copy_values(path: Path) -> None:
    shutil.copy(path.parent / "values.csv", path)


BOMB = ('id: mini\nx: &a ["l", "l", "l", "l", "l", "l", "l", "l"]\n'
        + "".join(f"x{i}: &a{i} [*{'a' if i == 0 else 'a' + str(i - 1)}] \n" for i in range(30)))
MINI_YAML = (MINI / "trial.yaml").read_text(encoding="utf-8")
_ROW = {"source": "paper", "location": "Results", "anchor": "x", "cohort": "a"}

# (case, mutation, rule validation must report, text the message must contain)
REFUSED = [
    ("cohort id with ../", trial_text("id: b\n", "id: ../evil\n"), "id-format", "'../evil'"),
    ("cohort id with /", trial_text("id: b\n", "id: b/c\n"), "id-format", "'b/c'"),
    ("negative HR", add_row(id="hr", **_ROW, quantity="os_hr", statistic="estimate",
                            value="-0.5", unit="ratio"), "ratio-not-positive", "row 12"),
    ("HR of 0", add_row(id="hr", **_ROW, quantity="os_hr", statistic="estimate", value="0",
                        unit="ratio"), "ratio-not-positive", "column 'value'"),
    ("median in mg", add_row(id="m", **_ROW, quantity="os", statistic="median", value="8",
                             unit="mg"), "unit-quantity", "column 'unit'"),
    ("count in months", edit("enrolled_a", unit="months"), "unit-statistic", "row 2"),
    ("median of -8.5", add_row(id="m", **_ROW, quantity="pfs", statistic="median",
                               value="-8.5", unit="months"), "time-not-positive", "row 12"),
    ("median of 0", add_row(id="m", **_ROW, quantity="pfs", statistic="median", value="0",
                            unit="months"), "time-not-positive", "row 12"),
    ("400-digit count", edit("enrolled_a", value="9" * 400), "malformed-number",
     "column 'value'"),
    ("4,000-digit count", edit("enrolled_a", value="9" * 4000), "too-long", "column 'value'"),
    ("200,000-character anchor", edit("orr_a", anchor="x" * 200_000), "too-long",
     "column 'anchor'"),
    ("30 MB title", write_trial(MINI_YAML.replace("A small", "A" * 30_000_000)),
     "file-too-large", "trial.yaml"),
    ("3,000-character title", trial_text("title: \"A small", "title: \"" + "A" * 3000),
     "too-long", "'title'"),
    ("deep YAML nesting", write_trial(MINI_YAML + "extra: " + "[" * 5000 + "]" * 5000),
     "yaml", "nested deeper"),
    ("YAML alias bomb", write_trial(BOMB), "yaml", "anchors (&a) are not allowed"),
    ("duplicate YAML key", write_trial(MINI_YAML + "design: randomized\n"), "yaml",
     "key 'design' repeated"),
    ("misspelt trial.yaml key", write_trial(MINI_YAML + "primary_endpont: os\n"),
     "unknown-key", "primary_endpont"),
    ("second note column", second_note_column, "header", "column 'note' appears 2 times"),
    ("header-only values", header_only, "empty-dossier", "no values"),
    ("values file is a folder", extra_file("values_x.csv", Path.mkdir), "not-a-file",
     "values_x.csv"),
    ("values file is a FIFO", extra_file("values_x.csv", fifo), "not-a-file", "pipe"),
    ("values file links to /dev/zero", extra_file("values_x.csv", link_to("/dev/zero")),
     "not-a-file", "symbolic link"),
    ("dangling symlink", extra_file("values_x.csv", link_to("/nonexistent/x.csv")),
     "not-a-file", "symbolic link"),
    ("symlink out of the dossier", extra_file("values_y.csv", link_to("/etc/hostname")),
     "not-a-file", "symbolic link"),
    ("upper-case extension", extra_file("values_more.CSV", copy_values), "file-name",
     "values_more.CSV"),
    ("31 February", edit("start", value="2015-02-31"), "malformed-date", "row 10"),
    ("Arabic-Indic digits", edit("enrolled_a", value="\u0663\u0664"), "malformed-number",
     "row 2"),
    ("fullwidth digits", edit("enrolled_a", value="\uff13\uff14"), "malformed-number",
     "row 2"),
    ("CI level 150", edit("orr_a_lo", level="150"), "ci-level", "column 'level'"),
    ("CI level 0", edit("orr_a_lo", level="0"), "ci-level", "column 'level'"),
    ("row superseding itself", edit("orr_a", supersedes="orr_a"), "self-supersedes", "row 6"),
    ("cycle of supersedes", lambda f: (edit("orr_a", supersedes="orr_a_lo")(f),
                                       edit("orr_a_lo", supersedes="orr_a")(f)),
     "supersedes-cycle", "leads back"),
    ("cohort among its own parts", trial_text("parts: [a, b]", "parts: [a, b, total]"),
     "cohort-parts", "lists itself"),
    ("cycle of parts", trial_text("  - id: a\n    label: \"Cohort A\"\n",
                                  "  - id: a\n    label: \"Cohort A\"\n    parts: [total]\n"),
     "cohort-cycle", "through its parts"),
    ("NUL byte in a note", edit("orr_a", note="bad\x00note"), "nul-byte", "column 'note'"),
    ("trial.yaml is a link", lambda f: ((f / "t.yaml").write_text(MINI_YAML),
                                        (f / "trial.yaml").unlink(),
                                        (f / "trial.yaml").symlink_to(f / "t.yaml")),
     "not-a-file", "symbolic link"),
    ("curve file is a link", lambda f: ((f / "curves").mkdir(),
                                        (f / "curves" / "os_a.clicks.csv").symlink_to(
                                            "/etc/hostname")),
     "curve-file", "not a regular file"),
    ("versus without an arm", add_row(id="v", **_ROW, quantity="os_hr", statistic="estimate",
                                      value="0.5", unit="ratio", versus="b"), "unknown-arm",
     "column 'versus'"),
    ("landmark that is no time", add_row(id="l", **_ROW, quantity="os_rate",
                                         category="at the end", statistic="percent",
                                         value="40", unit="percent"), "landmark",
     "column 'category'"),
    ("unknown data cut", add_row(id="d", **_ROW, quantity="enrolled", statistic="count",
                                 value="3", unit="patients", data_cut="later"),
     "unknown-data-cut", "column 'data_cut'"),
]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


@pytest.mark.parametrize(("case", "mutate", "rule", "text"), REFUSED,
                         ids=[c[0] for c in REFUSED])
def test_refused_with_a_named_rule(mini: Path, case, mutate, rule, text):
    mutate(mini)
    with time_limit():
        problems = validate_dossier(mini)
    assert problems, f"{case}: accepted"
    matching = [p for p in problems if p.rule == rule]
    assert matching, f"{case}: rules {[p.rule for p in problems]}, expected {rule}"
    assert any(text in str(p) for p in matching), [str(p) for p in matching]
    assert all(len(str(p)) < 2000 for p in problems)  # one readable line, never the input


def _outside(root: Path) -> list[Path]:
    parent = root.parent
    return [p for p in parent.rglob("*") if p.is_file() and root not in p.parents
            and p.parent != parent and "mini" not in p.parts]


def test_a_path_in_a_category_stays_a_file_name(mini: Path, tmp_path: Path):
    """A category of ``x/../../../../tmp/PWNED`` becomes part of one file's name."""
    add_row(id="m", **_ROW, quantity="pfs", category="x/../../../../tmp/PWNED",
            statistic="median", value="8.5", unit="months")(mini)
    add_row(id="n", **{**_ROW, "location": "Table 1"}, quantity="enrolled", statistic="count",
            value="40", unit="patients")(mini)
    out = tmp_path / "results" / "km"
    with time_limit(60):
        written = write_km_outputs(load_dossier(mini), out, {"draws": 5})
    assert written and all(out.resolve() in Path(p).resolve().parents for p in written)
    assert not Path("/tmp/PWNED").exists() and not list(tmp_path.rglob("PWNED*"))
    assert any("x_tmp_PWNED" in Path(p).name for p in written)


def test_a_median_outside_its_own_ci_is_a_finding_and_the_km_stage_completes(mini, tmp_path):
    for row_id, stat, value in (("m", "median", "20.0"), ("m_lo", "ci_low", "8.0"),
                                ("m_hi", "ci_high", "15.0")):
        add_row(id=row_id, **_ROW, quantity="pfs", statistic=stat, value=value,
                unit="months", level="95")(mini)
    assert validate_dossier(mini) == []
    with time_limit(60):
        write_km_outputs(load_dossier(mini), tmp_path / "km", {"draws": 5})
        rec = write_reconciliation(mini, {"json": tmp_path / "r.json"})
    assert (tmp_path / "km" / "summary.csv").is_file()
    bad = [f for f in rec.findings if {"m", "m_lo", "m_hi"} <= {v.id for v in f.values}
           and f.severity == "inconsistent"]
    assert bad and bad[0].check == "impossible"


TRIAGE_CASES = [
    ("misspelt top key", "finding:\n  x-1: {verdict: confirmed}\n", "unknown key(s) finding"),
    ("YAML error", "findings: [unclosed\n", "not valid YAML"),
    ("alias bomb", 'a: &a ["x"]\nfindings: {b: *a}\n', "anchors (&a) are not allowed"),
    ("unknown verdict", "findings:\n  x-1: {verdict: maybe}\n", "verdict 'maybe'"),
    ("unknown entry key", "findings:\n  x-1: {verdict: confirmed, nte: x}\n",
     "unknown key(s) nte"),
]


@pytest.mark.parametrize(("case", "text", "message"), TRIAGE_CASES,
                         ids=[c[0] for c in TRIAGE_CASES])
def test_triage_problems_are_one_clear_error(tmp_path: Path, case, text, message):
    path = tmp_path / "triage.yaml"
    path.write_text(text, encoding="utf-8")
    with time_limit(), pytest.raises(TriageError) as info:
        load_triage(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_a_named_triage_file_that_is_missing_is_an_error(mini: Path, tmp_path: Path):
    with pytest.raises(TriageError, match="triage file not found"):
        write_reconciliation(mini, {"json": tmp_path / "r.json"}, tmp_path / "nope.yaml")


def test_a_median_in_hours_is_a_time_the_km_stage_reads(mini: Path, tmp_path: Path):
    """Validation accepts every time unit for a median; the KM stage must convert each."""
    add_row(id="h", **_ROW, quantity="pfs", statistic="median", value="36", unit="hours")(mini)
    assert validate_dossier(mini) == []
    with time_limit(60):
        write_km_outputs(load_dossier(mini), tmp_path / "km", {"draws": 5})
    assert (tmp_path / "km" / "summary.csv").is_file()


# ------------------------------------------------------------------ the command-line path
# Each case runs ``python -m trialrecon.cli`` in a child process, as a contributor's CI would:
# the harness holds it to TIME_LIMIT seconds (a hang fails the test) and to MEMORY_LIMIT
# bytes of address space (a blow-up fails it too), and states the exact outcome: the exit
# status and the line naming the file. Nothing of a file outside may reach the output. The
# cases of a test run side by side (a command's start-up is most of its time).

TIME_LIMIT = 45
MEMORY_LIMIT = 2 * 1024**3
PAPER = "# Results\n\nOf 40 patients, 12 (30%) had a response.\n"
DRAFT = ("draft", "--trial", "mini/trial.yaml", "--source-id", "paper", "--out")


def _held() -> None:
    """In the child, before it runs: at most MEMORY_LIMIT of address space."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cli(cases: list[tuple[str | Path, ...]], cwd: Path) -> list[tuple[int, str, str]]:
    """Exit status, stdout and stderr of ``trialrecon ARGS`` for each case, run in ``cwd``,
    held to the limits; at most three at a time."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}

    def one(args: tuple[str | Path, ...]) -> tuple[int, str, str]:
        done = subprocess.run([sys.executable, "-m", "trialrecon.cli", *map(str, args)],
                              cwd=cwd, capture_output=True, text=True, timeout=TIME_LIMIT,
                              env=env, preexec_fn=_held)
        return done.returncode, done.stdout, done.stderr

    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(one, cases))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with the mini dossier (``mini/``) and a paper beside it (``paper.md``)."""
    shutil.copytree(MINI, tmp_path / "mini")
    (tmp_path / "paper.md").write_text(PAPER, encoding="utf-8")
    return tmp_path


def _dossier(work: Path, case: str) -> Path:
    """A copy of the mini dossier in ``case/mini`` (its folder name is its id)."""
    return Path(shutil.copytree(MINI, work / case / "mini"))


def test_cli_validate_refuses_links_pipes_and_devices_and_prints_nothing_of_them(work: Path):
    linked = _dossier(work, "linked")  # a source's file: a link to /etc/passwd
    (work / "srcs").mkdir()
    (work / "srcs" / "paper.md").symlink_to("/etc/passwd")
    trial = linked / "trial.yaml"
    trial.write_text(trial.read_text(encoding="utf-8").replace(
        '2020"\n', '2020"\n    file: paper.md\n', 1), encoding="utf-8")
    os.mkfifo(_dossier(work, "fifo") / "values_x.csv")
    (_dossier(work, "zero") / "values_x.csv").symlink_to("/dev/zero")
    zero_yaml = _dossier(work, "zeroyaml") / "trial.yaml"
    zero_yaml.unlink()
    zero_yaml.symlink_to("/dev/zero")
    [(status, out, err)] = cli([("validate", "linked/mini", "fifo/mini", "zero/mini",
                                 "zeroyaml/mini", "--sources", "srcs")], cwd=work)
    link = "is a symbolic link; copy the file into the dossier instead"
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        f"linked/mini/trial.yaml, column 'sources': file 'paper.md' of source 'paper' is "
        f"refused: {link} (not-a-file) [source-file]",
        "linked/mini: 1 problem(s)",
        "fifo/mini/values_x.csv: is a pipe (FIFO), not a regular file [not-a-file]",
        "fifo/mini: 1 problem(s)",
        f"zero/mini/values_x.csv: {link} [not-a-file]",
        "zero/mini: 1 problem(s)",
        f"zeroyaml/mini/trial.yaml: {link} [not-a-file]",
        "zeroyaml/mini: 1 problem(s)"]
    assert "root:" not in out


def test_cli_draft_and_audit_refuse_special_inputs_and_outputs_over_inputs(work: Path):
    os.mkfifo(work / "t.fifo")
    (work / "z.md").symlink_to("/dev/zero")
    (work / "mini" / "sub").mkdir()
    before = {p: p.read_bytes() for p in (work / "paper.md", work / "mini" / "trial.yaml")}
    cases = {
        ("draft", "paper.md", "--trial", "t.fifo", "--source-id", "paper", "--out", "o.csv"):
            "draft: error: t.fifo: is a pipe (FIFO), not a regular file (not-a-file)",
        ("z.md", "o.csv"): "draft: error: z.md: is a device, not a regular file (not-a-file)",
        ("paper.md", "paper.md"):
            "draft: error: paper.md: is the input paper.md; the draft would overwrite it",
        ("paper.md", "mini/trial.yaml"): "draft: error: mini/trial.yaml: is the input "
            "mini/trial.yaml; the draft would overwrite it",
        ("paper.md", "mini/sub/../values_x.csv"): "draft: error: mini/sub/../values_x.csv "
            f"would be read as part of the dossier in {work / 'mini'}; write the draft outside "
            "the dossier folder",
        ("audit", "t.fifo", "--out", "aud"):
            "audit: error: t.fifo: is a pipe (FIFO), not a regular file (not-a-file)",
        ("audit", "paper.md", "--out", "paper.md"):
            "audit: error: --out paper.md is a file (the paper or another); give a folder",
    }
    runs = [args if args[0] in ("draft", "audit") else (DRAFT[0], args[0], *DRAFT[1:], args[1])
            for args in cases]
    for args, line, got in zip(runs, cases.values(), cli(runs, cwd=work), strict=True):
        assert got == (2, "", f"trialrecon {line}\n"), args
    assert {p: p.read_bytes() for p in before} == before
    assert not any((work / p).exists() for p in ("o.csv", "aud", "mini/values_x.csv"))


def test_cli_a_failing_draft_leaves_the_previous_output_and_pdf_bombs_stop(work: Path):
    import zlib

    from test_pdf_reader_bounds import make_pdf

    (work / "keep.csv").write_text("reviewed\n", encoding="utf-8")
    (work / "empty.md").write_text("# Results\n\nNo numbers at all.\n", encoding="utf-8")
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    zeros = b"\0" * (4 << 20)
    stream = b"".join([packer.compress(zeros) for _ in range(128)] + [packer.flush()])
    (work / "bomb.pdf").write_bytes(make_pdf(stream, b"/Filter /FlateDecode"))  # 512 MB inflated
    claims = make_pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET").replace(b"/Size 6", b"/Size 999999999")
    (work / "claims.pdf").write_bytes(claims)  # a cross-reference claiming a billion objects
    os.mkfifo(work / "mini" / "values_y.csv")  # --merge reads the dossier: never this pipe
    (work / "mini" / "values_z.csv").symlink_to("/dev/zero")
    runs = [(DRAFT[0], "empty.md", *DRAFT[1:], "keep.csv"),
            (DRAFT[0], "bomb.pdf", *DRAFT[1:], "keep.csv"),
            (DRAFT[0], "claims.pdf", *DRAFT[1:], "keep.csv"),
            (DRAFT[0], "paper.md", *DRAFT[1:], "merged.csv", "--merge")]
    empty, *pdfs, merged = cli(runs, cwd=work)
    assert merged == (0, "0 drafted rows already in mini, 3 new; 10 rows of the dossier's "
                         "source 'paper' not drafted\n3 draft rows (3 need review) written to "
                         "merged.csv\n", "")
    runs.pop()
    assert empty == (2, "", "trialrecon draft: error: empty.md: no numbers found in the text; "
                            "nothing to draft\n")
    for (_, name, *_), (status, out, err) in zip(runs[1:], pdfs, strict=True):
        assert (status, out) == (2, ""), (name, err)
        assert err.startswith(f"trialrecon draft: error: {name}: ") and err.count("\n") == 1
    assert (work / "keep.csv").read_text(encoding="utf-8") == "reviewed\n"
