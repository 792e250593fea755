"""The typed objects of a dossier: the trial, its sources, cohorts and arms, and problems.

Plain frozen dataclasses with no behaviour beyond lookups; :mod:`trialrecon.dossier.loader`
builds them from the files and refuses bad input with :class:`Problem` lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trialrecon.dossier.vocabulary import Vocabulary, vocabulary


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
    """A document the numbers were read from, with the analysis (data cut) it reports."""

    id: str
    kind: str
    citation: str
    seed: str = ""  # the file in shared/seeds it was read from
    file: str = ""  # or a path to its text, relative to the dossier or a --sources folder
    published: str = ""  # publication date, YYYY[-MM[-DD]]
    data_cut: str = ""  # data cut-off date of the analysis it reports
    analysis: str = ""  # the analysis it reports, as the source names it (primary, final...)
    url: str = ""


@dataclass(frozen=True)
class Cohort:
    id: str
    label: str
    parts: tuple[str, ...] = ()
    setting: str = ""


@dataclass(frozen=True)
class Arm:
    """An arm; a pooled arm (``parts``, role ``pooled``) is a column that adds arms up."""

    id: str
    label: str
    role: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataCut:
    """One analysis of the trial: a data cut-off date when printed, else the analysis' name.

    ``key`` identifies the cut in the ``data_cut`` column of the loaded values (the date, or
    the label when no date is printed); ``order`` sorts cuts in time (0 is the first);
    ``sources`` lists the sources that report it.
    """

    key: str
    date: str = ""
    labels: tuple[str, ...] = ()
    order: int = 0
    sources: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How outputs name the cut: ``2011-05 (primary)``, or the label alone."""
        if self.date and self.labels:
            return f"{self.date} ({', '.join(self.labels)})"
        return self.date or ", ".join(self.labels) or self.key


@dataclass(frozen=True)
class Trial:
    id: str
    title: str
    design: str
    sources: tuple[Source, ...]
    cohorts: tuple[Cohort, ...]
    arms: tuple[Arm, ...] = ()  # the randomized arms (pooled arms are kept apart)
    registry_id: str = ""
    setting: str = ""
    area: str = ""
    primary_endpoints: tuple[str, ...] = ()
    endpoints: tuple[tuple[str, str], ...] = ()  # (id, label) declared in trial.yaml
    # analyses quoted by sources that do not report them themselves: (label, date or "")
    quoted_cuts: tuple[tuple[str, str], ...] = ()
    # pooled pseudo-arms (a "both arms" or "all iron isomaltoside" column), by their parts
    pooled_arms: tuple[Arm, ...] = ()
    populations: tuple[tuple[str, str], ...] = ()  # (id, label) analysis sets declared
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def cohort(self, cohort_id: str) -> Cohort:
        return next(c for c in self.cohorts if c.id == cohort_id)

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def arm(self, arm_id: str) -> Arm | None:
        return next((a for a in (*self.arms, *self.pooled_arms) if a.id == arm_id), None)

    def population_ids(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.populations)


@dataclass(frozen=True)
class Dossier:
    """A validated dossier: the trial, its tidy table of values and its data cuts.

    Every row of ``values`` carries the key of its data cut in ``data_cut`` (empty when
    neither the row nor its source says) and the cut's place in time in ``cut_order``
    (-1 when unknown).
    """

    path: Path
    trial: Trial
    values: pd.DataFrame
    cuts: tuple[DataCut, ...] = ()

    @property
    def vocab(self) -> Vocabulary:
        """The vocabulary with this trial's own endpoints and analysis sets added."""
        return vocabulary(self.trial.endpoints, self.trial.population_ids())

    def cut(self, key: str) -> DataCut | None:
        return next((c for c in self.cuts if c.key == key), None)

