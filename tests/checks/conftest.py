"""Shared by the tests of every check family: the planted-error corpus and its scoring.

The corpus (tests/fixtures/planted, see build_values.py there) plants at least three
inconsistencies per check, and as many clean values; expected.yaml lists both by value id.
``quiet`` groups are conventions a check must not flag at all (a list without "Other" that
falls short of its total, a P of a stratified test): no flagged finding of the check may
involve any of their values, so a false alarm on them lowers the check's precision.
A finding matches an entry when the entry's ids are all among the finding's values.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from trialrecon.checks import run_checks
from trialrecon.dossier import load_dossier

PLANTED = Path(__file__).resolve().parents[1] / "fixtures" / "planted"
# the tests' shared helpers (dossier_builder) live one folder up
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def matches(finding, ids) -> bool:
    return set(ids) <= {v.id for v in finding.values}


@dataclass(frozen=True)
class Score:
    check: str
    planted: int
    found: int
    flagged: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.planted

    def line(self) -> str:
        return (f"{self.check:18s} precision {self.precision:.2f} recall {self.recall:.2f} "
                f"({self.found}/{self.planted} planted, {self.flagged} flagged)")


@pytest.fixture(scope="session")
def planted():
    return run_checks(load_dossier(PLANTED))


@pytest.fixture(scope="session")
def expected() -> dict:
    return yaml.safe_load((PLANTED / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def score(planted, expected):
    """``score(check)``: precision and recall of one check on its planted errors.

    Also asserts that every clean group of the check is found consistent and never flagged.
    """
    def compute(check: str) -> Score:
        spec = expected[check]
        assert len(spec["planted"]) >= 3 and len(spec["clean"]) >= 3, check
        findings = [f for f in planted.findings if f.check == check]
        flagged = [f for f in findings if f.severity != "consistent"]
        tp = [f for f in flagged if any(matches(f, p["values"]) and f.severity == p["severity"]
                                        for p in spec["planted"])]
        found = [p for p in spec["planted"]
                 if any(matches(f, p["values"]) and f.severity == p["severity"]
                        for f in flagged)]
        for group in spec["clean"]:
            assert any(matches(f, group) and f.severity == "consistent" for f in findings), \
                f"{check}: clean group {group} not found consistent"
            assert not any(matches(f, group) for f in flagged), f"{check}: {group} flagged"
        for group in spec.get("quiet", []):  # a convention the check must not flag at all
            assert not any(set(group) & {v.id for v in f.values} for f in flagged), \
                f"{check}: quiet group {group} flagged"
        return Score(check, len(spec["planted"]), len(found), len(flagged), len(tp))

    return compute
