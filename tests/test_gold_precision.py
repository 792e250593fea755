"""Precision and recall of the checks on the gold dossiers, against hand verdicts.

Each gold dossier's ``verdicts.yaml`` judges every finding the checks flag on it (real, with
the problem of ``problems.yaml`` it shows, or a false alarm, with the reporting convention
that explains it), judged by hand against the paper's XML (issue 22, item 5; the figures per
paper are printed by ``benchmarks/bench_precision.py``). A new finding fails here until it is
judged; a verdict whose finding is gone fails as stale; the totals may not fall below what
was measured when the verdicts were written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from trialrecon.checks import run_checks
from trialrecon.checks.findings import Finding, ValueRef
from trialrecon.checks.precision import (
    VERDICT_VALUES,
    VERDICTS_FILE,
    Judged,
    Verdict,
    finding_key,
    flagged,
    score,
)
from trialrecon.dossier import load_dossier

GOLD = Path(__file__).parent / "fixtures" / "gold"
FOLDERS = sorted(p for p in GOLD.glob("*") if (p / "trial.yaml").is_file())
# Measured on 9 gold dossiers (bench_precision.py): 214 of 215 flagged findings real, 90 of 91
# provable problems shown (before branch recall 204 of 214 and 81 of 96). Issue 22 asks
# >= 0.90 for both.
PRECISION_FLOOR = 0.995  # 214/215 = 0.9953; one false alarm more (214/216 = 0.9907) fails
RECALL_FLOOR = 0.985  # 90/91 = 0.989; one problem fewer (89/91 = 0.978) fails


@cache
def _findings(name: str) -> tuple[Finding, ...]:
    """The flagged findings of one gold dossier (the checks run once per session)."""
    return tuple(flagged(run_checks(load_dossier(GOLD / name)).findings))


@cache
def _judged(name: str) -> Judged:
    return Judged.read(GOLD / name)


def test_every_gold_dossier_has_verdicts() -> None:
    assert FOLDERS, "tests/fixtures/gold holds no dossier"
    assert [p.name for p in FOLDERS if not (p / VERDICTS_FILE).is_file()] == []


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_every_flagged_finding_is_judged(folder: Path) -> None:
    judged = _judged(folder.name)
    new = [f for f in _findings(folder.name) if finding_key(f) not in judged.verdicts]
    assert not new, (
        f"{len(new)} finding(s) flagged on {folder.name} have no verdict. Judge each against "
        f"the paper and add it to {folder / VERDICTS_FILE} (key, verdict: real with problem: "
        "<id in problems.yaml>, or false_alarm with class: and reason: the convention):\n"
        + "\n".join(f"  {finding_key(f)}  [{f.severity}] {f.sentence}" for f in new))


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_no_stale_verdict(folder: Path) -> None:
    keys = {finding_key(f) for f in _findings(folder.name)}
    stale = sorted(set(_judged(folder.name).verdicts) - keys)
    assert not stale, (f"{folder / VERDICTS_FILE}: no finding matches these verdicts any more "
                       f"(remove them, or judge the finding that replaced them): {stale}")


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_verdicts_are_well_formed(folder: Path) -> None:
    judged = _judged(folder.name)
    for v in judged.verdicts.values():
        assert v.verdict in VERDICT_VALUES, (v.key, v.verdict)
        if v.verdict == "real":
            assert v.problem in judged.problems, (
                f"{v.key}: problem {v.problem!r} is not in {folder.name}/problems.yaml")
        else:
            assert v.convention and v.reason, f"{v.key}: a false alarm names its convention"
    unknown = [m for m in judged.missed if m not in judged.problems]
    assert not unknown, f"missed problems not in problems.yaml: {unknown}"


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_missed_list_matches_the_findings(folder: Path) -> None:
    """``missed`` lists exactly the provable problems no real finding shows."""
    s = score(folder.name, list(_findings(folder.name)), _judged(folder.name))
    assert sorted(_judged(folder.name).missed) == sorted(s.missed)


def test_total_precision_and_recall_floors() -> None:
    scores = [score(p.name, list(_findings(p.name)), _judged(p.name)) for p in FOLDERS]
    flagged_n = sum(s.flagged for s in scores)
    real = sum(s.real for s in scores)
    provable = sum(len(s.provable) for s in scores)
    found = sum(len(s.found) for s in scores)
    assert real / flagged_n >= PRECISION_FLOOR, f"precision {real}/{flagged_n}"
    assert found / provable >= RECALL_FLOOR, f"recall {found}/{provable}"


def _finding(check: str, ids: list[str], severity: str = "inconsistent") -> Finding:
    values = [ValueRef(*([i] + [""] * 15 + [0])) for i in ids]
    return Finding(id=f"{check}-x", check=check, check_version="1", trial="t",
                   severity=severity, title="", sentence="", values=values)


def test_key_is_the_check_and_the_sorted_value_ids() -> None:
    a = _finding("percentages", ["b_pct", "a_n"])
    b = _finding("percentages", ["a_n", "b_pct", "a_n"], severity="questionable")
    assert finding_key(a) == finding_key(b) == "percentages:a_n+b_pct"
    assert finding_key(_finding("partitions", ["a_n", "b_pct"])) != finding_key(a)


def test_score_counts_real_false_and_unjudged() -> None:
    judged = Judged(verdicts={}, missed=[], problems={"p1": True, "p2": True, "p3": False})
    judged.verdicts = {
        "percentages:a": Verdict("percentages:a", "real", problem="p1"),
        "partitions:b": Verdict("partitions:b", "false_alarm", convention="c", reason="r")}
    found = [_finding("percentages", ["a"]), _finding("partitions", ["b"]),
             _finding("arms", ["c"]), _finding("arms", ["d"], severity="consistent")]
    s = score("x", found, judged)
    assert (s.flagged, s.real, s.false_alarms, s.unjudged) == (3, 1, 1, ["arms:c"])
    assert (s.found, s.missed, s.precision, s.recall) == (["p1"], ["p2"], 1 / 3, 0.5)
