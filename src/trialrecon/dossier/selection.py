"""Which statement of a number to use: one policy for every stage.

A number is often printed several times: in the abstract and the results, in a table, in a
later publication of another data cut, in a review or a label. Every stage that needs *one*
value (the design's parameters, the medians the Kaplan-Meier stage rebuilds, the hazard
ratio of a forest plot) orders the candidates with :func:`rank_rows` or
:func:`rank_statements`, by these keys in turn:

1. the data cut: the policy's cut first (by default the primary analysis: the cut a source
   calls primary, else that of the first full publication); rows of an unknown cut next;
   then the other cuts, nearest first;
2. originals before updates (rows with ``supersedes``), or the reverse when the policy asks
   for the latest cut;
3. the kind of source, in the policy's order (by default the vocabulary's: paper, abstract,
   conference abstract, review, label, ... registry);
4. the order of the sources in ``trial.yaml``;
5. the place in the source: a table, a table footnote, the results, the abstract, other
   text, the discussion last;
6. for statements, complete ones first (with the statistics a stage wants, such as a CI);
7. file and line.

A *statement* is the set of rows that print one number together (an estimate with its CI
and P value, a percentage with its count), read from the same source, location, table cell,
cohort, arm, comparison, subgroup, quantity, category and data cut.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from trialrecon.dossier.cuts import source_cut
from trialrecon.dossier.model import DataCut, Dossier
from trialrecon.dossier.vocabulary import vocabulary

POLICY_CUTS = ("primary", "latest", "first")
FULL_PUBLICATIONS = ("paper", "abstract", "conference_abstract")


@dataclass(frozen=True)
class Policy:
    """Which data cut and which kinds of source a stage prefers."""

    data_cut: str = "primary"  # primary | latest | first | a cut's key or label
    source_priority: tuple[str, ...] = ()  # empty: the vocabulary's order of source kinds

    @classmethod
    def from_settings(cls, raw: Mapping[str, Any] | None) -> Policy:
        """From the ``selection`` section of the workflow configuration (keys optional)."""
        raw = dict(raw or {})
        unknown = sorted(set(raw) - {"data_cut", "source_priority"})
        if unknown:
            raise ValueError(f"unknown selection settings: {', '.join(unknown)}")
        return cls(data_cut=str(raw.get("data_cut", "primary")),
                   source_priority=tuple(raw.get("source_priority") or ()))

    def kinds(self) -> tuple[str, ...]:
        return self.source_priority or vocabulary().source_kinds


DEFAULT = Policy()


def chosen_cut(dossier: Dossier, policy: Policy = DEFAULT) -> DataCut | None:
    """The data cut the policy selects, or None when the dossier names no cut.

    ``primary``: the first cut a source calls primary, else the cut of the first full
    publication (a paper or an abstract, by publication date, then trial.yaml order), else
    the first cut. Raises ValueError when the policy names a cut the dossier does not have.
    """
    if not dossier.cuts:
        return None
    if policy.data_cut == "latest":
        return dossier.cuts[-1]
    if policy.data_cut == "first":
        return dossier.cuts[0]
    if policy.data_cut == "primary":
        named = [c for c in dossier.cuts if any("primary" in x.lower() for x in c.labels)]
        if named:
            return named[0]
        return _first_publication_cut(dossier) or dossier.cuts[0]
    found = next((c for c in dossier.cuts if policy.data_cut in (c.key, c.date, *c.labels)),
                 None)
    if found is None:
        raise ValueError(f"{dossier.trial.id}: no data cut '{policy.data_cut}' (the dossier has "
                         f"{', '.join(c.name for c in dossier.cuts)})")
    return found


def _first_publication_cut(dossier: Dossier) -> DataCut | None:
    """The cut of the first full publication: the one its source declares, else the first of
    the cuts its rows name (a paper reporting an interim and a final analysis reports the
    interim as its own primary analysis; the later one updates it)."""
    by_source: dict[str, DataCut] = {}
    for c in dossier.cuts:  # in time order: the first cut naming a source is its own
        for s in c.sources:
            by_source.setdefault(s, c)
    trial = dossier.trial
    for s in trial.sources:
        own = dossier.cut(source_cut(s.id, trial)) if (s.data_cut or s.analysis) else None
        if own is not None:
            by_source[s.id] = own
    for kind in FULL_PUBLICATIONS:
        cands = [(s.published or "9999", i, s.id) for i, s in enumerate(trial.sources)
                 if s.kind == kind and s.id in by_source]
        if cands:
            return by_source[min(cands)[2]]
    return None


def location_rank(location: str) -> int:
    """Tables first, then table footnotes, results, abstract, other text, discussion last."""
    loc = location.lower()
    if loc.startswith("table") and "footnote" not in loc:
        return 0
    if loc.startswith("table"):
        return 1
    if loc.startswith("results"):
        return 2
    if loc.startswith("abstract"):
        return 3
    if loc.startswith("discussion"):
        return 5
    return 4


class _Ranker:
    """The ordering keys of one dossier under one policy."""

    def __init__(self, dossier: Dossier, policy: Policy, prefer_cut: str | None):
        self.policy = policy
        cut = dossier.cut(prefer_cut) if prefer_cut else chosen_cut(dossier, policy)
        self.target = cut
        kinds = policy.kinds()
        trial = dossier.trial
        self.kind_rank = {s.id: (kinds.index(s.kind) if s.kind in kinds else len(kinds))
                          for s in trial.sources}
        self.source_rank = {s.id: i for i, s in enumerate(trial.sources)}
        self.order = {c.key: c.order for c in dossier.cuts}
        self.updates_first = policy.data_cut == "latest"

    def cut_rank(self, key: str) -> int:
        if self.target is None or key == self.target.key:
            return 0
        if key not in self.order:
            return 1
        return 2 + abs(self.order[key] - self.target.order)

    def key(self, row: Mapping[str, Any]) -> tuple:
        updated = bool(row["supersedes"])
        return (self.cut_rank(str(row["data_cut"])),
                updated != self.updates_first,
                self.kind_rank.get(row["source"], 99), self.source_rank.get(row["source"], 99),
                location_rank(str(row["location"])))


def rank_rows(rows: pd.DataFrame, dossier: Dossier, policy: Policy = DEFAULT, *,
              prefer_cut: str | None = None) -> pd.DataFrame:
    """``rows`` best first under the policy (see the module docstring).

    ``prefer_cut`` overrides the policy's cut (for example: the cut of the median already
    chosen, so its CI and events come from the same analysis).
    """
    if rows.empty:
        return rows
    ranker = _Ranker(dossier, policy, prefer_cut)
    keys = {i: (*ranker.key(r), r["file"], int(r["line"])) for i, r in rows.iterrows()}
    return rows.loc[sorted(rows.index, key=keys.__getitem__)]


def first_row(rows: pd.DataFrame, dossier: Dossier, policy: Policy = DEFAULT, *,
              prefer_cut: str | None = None) -> pd.Series | None:
    """The best of ``rows`` under the policy, or None when there is none."""
    ranked = rank_rows(rows, dossier, policy, prefer_cut=prefer_cut)
    return None if ranked.empty else ranked.iloc[0]


def rank_statements(candidates: Sequence[Statement], dossier: Dossier,
                    policy: Policy = DEFAULT, wanted: Iterable[str] = (), *,
                    prefer_cut: str | None = None) -> list[Statement]:
    """Statements best first; complete ones (with the ``wanted`` statistics) first among equals."""
    ranker = _Ranker(dossier, policy, prefer_cut)
    wanted = tuple(wanted)

    def key(s: Statement) -> tuple:
        first = s.first
        missing = sum(1 for w in wanted if w not in s.rows)
        return (*ranker.key(first), missing, first["file"], int(first["line"]))

    return sorted(candidates, key=key)


@dataclass(frozen=True)
class Statement:
    """Rows printing one number together, keyed by statistic (estimate, ci_low, count...)."""

    rows: dict[str, pd.Series]

    @property
    def first(self) -> pd.Series:
        return min(self.rows.values(), key=lambda r: (r["file"], r["line"]))

    def text(self, statistic: str) -> str:
        row = self.rows.get(statistic)
        return "" if row is None else str(row["value"])

    def num(self, statistic: str) -> float:
        row = self.rows.get(statistic)
        return math.nan if row is None else float(row["value_num"])

    @property
    def updated(self) -> bool:
        return any(r["supersedes"] for r in self.rows.values())

    @property
    def data_cut(self) -> str:
        return str(self.first["data_cut"])

    @property
    def ids(self) -> str:
        return " ".join(r["id"] for r in sorted(self.rows.values(),
                                                key=lambda r: (r["file"], r["line"])))


_STATEMENT_KEY = ("source", "location", "row", "column", "cohort", "arm", "versus", "subgroup",
                  "quantity", "category", "data_cut")


def statements(values: pd.DataFrame) -> list[Statement]:
    """Split value rows into statements, in file order.

    Rows sharing the statement key (and whether they update an earlier value) are read in
    file order; a statistic already present starts a new statement, so a table cell that
    prints two estimates yields two statements.
    """
    if values.empty:
        return []
    frame = values.assign(_updated=values["supersedes"] != "").sort_values(["file", "line"])
    out: list[Statement] = []
    for _, group in frame.groupby([*_STATEMENT_KEY, "_updated"], sort=False):
        current: dict[str, pd.Series] = {}
        for _, row in group.iterrows():
            if row["statistic"] in current:
                out.append(Statement(current))
                current = {}
            current[row["statistic"]] = row
        if current:
            out.append(Statement(current))
    return sorted(out, key=lambda s: (s.first["file"], s.first["line"]))
