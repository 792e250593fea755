"""Precision and recall of the checks on hand-judged dossiers (issue 22, item 5).

A gold dossier (``tests/fixtures/gold/<id>/``) holds, besides its values, ``problems.yaml``
(the paper's real problems found by hand, each ``provable`` or not) and ``verdicts.yaml``:
one verdict per finding the checks flag on it (every severity but ``consistent``), judged
by hand against the paper, ``real`` (with the problem it shows) or ``false_alarm`` (with the
reporting convention that explains it), and under ``missed`` the provable problems no
finding shows.

A verdict is keyed by :func:`finding_key`, the check and the sorted ids of the values the
finding quotes: it survives a change of wording, severity or rank, and a new grouping of
the same check's values asks for a new verdict. Precision is real / flagged; recall is the
provable problems some ``real`` verdict names over all provable problems.

May import: :mod:`trialrecon.dossier` and :mod:`trialrecon.checks` (the findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialrecon.checks.findings import Finding
from trialrecon.dossier.safe_yaml import load_file

VERDICTS_FILE = "verdicts.yaml"
PROBLEMS_FILE = "problems.yaml"
VERDICT_VALUES = ("real", "false_alarm")


def finding_key(finding: Finding) -> str:
    """``<check>:<sorted value ids joined by +>``: what the finding compares, not how."""
    return f"{finding.check}:{'+'.join(sorted({v.id for v in finding.values}))}"


def flagged(findings: list[Finding]) -> list[Finding]:
    """The findings a reader is shown as points to consider: every severity but consistent."""
    return [f for f in findings if f.severity != "consistent"]


@dataclass(frozen=True)
class Verdict:
    key: str
    verdict: str
    problem: str = ""
    convention: str = ""
    reason: str = ""


@dataclass
class Judged:
    """A gold dossier's verdicts and problems (the two YAML files, read safely)."""

    verdicts: dict[str, Verdict]
    missed: list[str]
    problems: dict[str, bool]  # problem id -> provable

    @classmethod
    def read(cls, folder: Path) -> Judged:
        data = load_file(folder / VERDICTS_FILE) or {}
        probs = load_file(folder / PROBLEMS_FILE) or {}
        verdicts = {}
        for entry in data.get("findings") or []:
            v = Verdict(key=str(entry["key"]), verdict=str(entry["verdict"]),
                        problem=str(entry.get("problem") or ""),
                        convention=str(entry.get("class") or ""),
                        reason=str(entry.get("reason") or ""))
            if v.key in verdicts:
                raise ValueError(f"{folder / VERDICTS_FILE}: {v.key} judged twice")
            verdicts[v.key] = v
        problems = {str(p["id"]): _yes(p.get("provable")) for p in probs.get("problems") or []}
        return cls(verdicts, [str(m) for m in data.get("missed") or []], problems)


def _yes(value: Any) -> bool:
    return value is True or str(value).lower() in ("yes", "true")


@dataclass
class Score:
    """One dossier's figures."""

    name: str
    flagged: int = 0
    real: int = 0
    false_alarms: int = 0
    unjudged: list[str] = field(default_factory=list)
    provable: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def missed(self) -> list[str]:
        return [p for p in self.provable if p not in self.found]

    @property
    def precision(self) -> float:
        return self.real / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return len(self.found) / len(self.provable) if self.provable else 1.0


def score(name: str, findings: list[Finding], judged: Judged) -> Score:
    """Precision and recall of one dossier's findings against its verdicts."""
    out = Score(name, provable=sorted(p for p, ok in judged.problems.items() if ok))
    shown: set[str] = set()
    for f in flagged(findings):
        out.flagged += 1
        v = judged.verdicts.get(finding_key(f))
        if v is None:
            out.unjudged.append(finding_key(f))
        elif v.verdict == "real":
            out.real += 1
            shown.add(v.problem)
        else:
            out.false_alarms += 1
            out.classes[v.convention] = out.classes.get(v.convention, 0) + 1
    out.found = [p for p in out.provable if p in shown]
    return out
