"""The typed objects of a dossier: the trial, its sources, cohorts and arms, and problems.

Plain frozen dataclasses with no behaviour beyond lookups; :mod:`trialrecon.dossier.loader`
builds them from the files and refuses bad input with :class:`Problem` lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One broken rule: where it is and what is wrong."""

    file: str
    line: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, row {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message} [{self.rule}]"


class DossierError(Exception):
    """Raised by :func:`load_dossier` when a dossier breaks any rule."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    citation: str
    seed: str = ""


@dataclass(frozen=True)
class Cohort:
    id: str
    label: str
    parts: tuple[str, ...] = ()
    setting: str = ""


@dataclass(frozen=True)
class Arm:
    id: str
    label: str
    role: str


@dataclass(frozen=True)
class Trial:
    id: str
    title: str
    design: str
    sources: tuple[Source, ...]
    cohorts: tuple[Cohort, ...]
    arms: tuple[Arm, ...] = ()
    registry_id: str = ""
    setting: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def cohort(self, cohort_id: str) -> Cohort:
        return next(c for c in self.cohorts if c.id == cohort_id)

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


@dataclass(frozen=True)
class Dossier:
    """A validated dossier: the trial and its tidy table of values."""

    path: Path
    trial: Trial
    values: pd.DataFrame

