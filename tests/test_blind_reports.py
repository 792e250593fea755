"""A blind test of the reconciliation on two fictional reports written for it.

`tests/fixtures/blind/` holds two invented trial reports (`sources/paper.txt`: a single-arm
Simon two-stage phase II, HALDEN-2, and an event-driven randomized phase III, MERIDA-3), each
transcribed into a dossier the way a careful reviewer would, before the reconciliation was
run on it. Errors were planted in the reports (12 and 10) together with reporting
conventions that are not errors (one- and two-sided P values of one test, missing data in a
footnote, a table of the treated patients, nested categories, doses per subgroup, ...).
Each `answer_key.yaml` states every planted error in words with the rows a finding about it
must cite; it is the reference here, never the text of a finding.

Scored on causes (what the review letter lists): a planted error is found when a cause of
severity `questionable` or worse has a member citing all its `rows` (and one of each
`any_rows` list); a cause that finds no planted error is a false alarm; causes finding the
same error beyond the first are duplicates (one item per cause). Ranking: how many false
alarms stand before the last found planted error in the letter's order. The floors asserted
are those measured (see the report of the `blind` helper); lower them never, raise them
when a check improves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml

from trialrecon.checks import run_checks
from trialrecon.dossier import load_dossier

BLIND = Path(__file__).resolve().parent / "fixtures" / "blind"
FLAGGED = ("error", "inconsistent", "questionable")


@dataclass(frozen=True)
class Score:
    planted: int
    found: tuple[str, ...]
    missed: tuple[str, ...]
    false_alarms: tuple[str, ...]
    duplicates: int
    alarms_before_last_found: int

    def line(self) -> str:
        return (f"found {len(self.found)}/{self.planted}, missed {list(self.missed)}, "
                f"false alarms {list(self.false_alarms)}, duplicates {self.duplicates}, "
                f"false alarms ranked before the last planted error "
                f"{self.alarms_before_last_found}")


def _cited(finding) -> set[str]:
    """The rows a finding cites: value ids, and a numbers-at-risk file by its location."""
    ids = {v.id for v in finding.values}
    return ids | {v.location for v in finding.values if v.location.startswith("curves/")}


def _finds(cause, error: dict) -> bool:
    for f in cause.members:
        cited = _cited(f)
        if set(error.get("rows", [])) <= cited and all(
                set(alt) & cited for alt in error.get("any_rows", [])):
            return True
    return False


@cache
def score(trial: str) -> Score:
    key = yaml.safe_load((BLIND / trial / "answer_key.yaml").read_text(encoding="utf-8"))
    rec = run_checks(load_dossier(BLIND / trial))
    causes = [c for c in rec.causes if c.severity in FLAGGED]
    causes.sort(key=lambda c: c.rank)
    found: dict[str, int] = {}
    alarms: list[tuple[int, str]] = []
    duplicates = 0
    for c in causes:
        hits = [e["id"] for e in key["errors"] if _finds(c, e)]
        if not hits:
            alarms.append((c.rank, c.title))
            continue
        new = [h for h in hits if h not in found]
        duplicates += not new
        for h in new:
            found[h] = c.rank
    last = max(found.values(), default=0)
    return Score(
        planted=len(key["errors"]), found=tuple(found),
        missed=tuple(e["id"] for e in key["errors"] if e["id"] not in found),
        false_alarms=tuple(t for _, t in alarms), duplicates=duplicates,
        alarms_before_last_found=sum(r < last for r, _ in alarms))


# Floors measured on this branch (found, false alarms at most, duplicates at most,
# false alarms ranked before the last found planted error at most). Before its fixes the
# checks scored halden2 10/12 with 2 false alarms (one ranked first) and 1 duplicate, and
# merida3 7/10 with 2 false alarms (one a crash of design-parameters).
FLOORS = {"halden2": (12, 0, 0, 0), "merida3": (10, 0, 0, 0)}


@pytest.mark.parametrize("trial", sorted(FLOORS))
def test_blind_report_recall_precision_ranking(trial):
    s = score(trial)
    print(f"\n{trial}: {s.line()}")
    found, alarms, duplicates, ranked = FLOORS[trial]
    assert len(s.found) >= found, s.line()
    assert len(s.false_alarms) <= alarms, s.line()
    assert s.duplicates <= duplicates, s.line()
    assert s.alarms_before_last_found <= ranked, s.line()


@pytest.mark.parametrize("trial", sorted(FLOORS))
def test_blind_dossier_valid_and_key_rows_exist(trial):
    """The key cites rows the dossier holds (a renamed row would silently score a miss)."""
    from trialrecon.dossier.audit import audit_dossier

    assert audit_dossier(BLIND / trial) == []
    key = yaml.safe_load((BLIND / trial / "answer_key.yaml").read_text(encoding="utf-8"))
    dossier = load_dossier(BLIND / trial)
    ids = set(dossier.values["id"])
    for e in key["errors"]:
        for row in [*e.get("rows", []), *(r for alt in e.get("any_rows", []) for r in alt)]:
            assert row in ids or (BLIND / trial / row).is_file(), (e["id"], row)


def test_no_check_fails_on_the_blind_reports():
    for trial in FLOORS:
        rec = run_checks(load_dossier(BLIND / trial))
        assert not [f.title for f in rec.findings if f.severity == "error"], trial
