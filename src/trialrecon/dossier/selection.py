"""Statements of a number: the rows a source prints together, and which statement to use.

A *statement* is the set of rows that print one number together (an estimate with its CI
and P value, a percentage with its count), read from the same source, location, table cell,
cohort, arm, subgroup, quantity and category.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


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
    def ids(self) -> str:
        return " ".join(r["id"] for r in sorted(self.rows.values(),
                                                key=lambda r: (r["file"], r["line"])))


_STATEMENT_KEY = ("source", "location", "row", "column", "cohort", "arm", "subgroup",
                  "quantity", "category")


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
