"""Column groups under spanning headings, each with its own n (helpers of :mod:`.cells`).

A table may print the same arms several times side by side, each group under a heading of
its own ("At study start | At the end of intervention | After 10 years", each over
"Active | P | Placebo"), and give each group's n in a body row ``n`` under the headings.
The arm alone then no longer tells which n a number is over: each number takes the n
printed in its own column of that row (the first group's n would be over every group).
Each group's n may be the counts a declared analysis set's label states
("208 active, 194 placebo"): the numbers of that group are of that set. A baseline table's
``n`` row in a group that names no set counts the randomized patients, as a baseline
table's header n does (the data dictionary).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.lexicon import Names

if TYPE_CHECKING:
    from trialrecon.dossier.draft.quantities import Label
    from trialrecon.dossier.draft.tableview import Column, Row, TableView


def _prefix(col: Column) -> str:
    """The spanning heading of a column ("At study start" of "At study start / Active")."""
    return col.label.rpartition(" / ")[0]


def _grouped(v: TableView) -> bool:
    """The table prints some arm in two or more columns, under distinct spanning headings."""
    by_arm: dict[str, set[str]] = {}
    for c in v.data_columns():
        if c.arm and not c.between and not c.n_column:
            by_arm.setdefault(c.arm, set()).add(_prefix(c))
    return any(len(heads) >= 2 and "" not in heads for heads in by_arm.values())


def _n_row_above(v: TableView, row: Row) -> Row | None:
    """The nearest body row above ``row`` (or ``row`` itself) that gives each arm's n."""
    for r in range(row.index, v.header_rows - 1, -1):
        above = v.rows.get(r)
        if above is not None and above.n_row:
            return above
    return None


def _whole(v: TableView, r: int, c: int) -> str:
    text = v.table.cell_at(r, c).plain.replace(",", "")
    return text if re.fullmatch(r"\d+", text) else ""


def group_counts(v: TableView, row: Row, col: Column) -> dict[int, str]:
    """{column index: n} of the arm columns of ``col``'s group, read from the ``n`` row
    that stands above ``row``; empty when the table has no such groups."""
    if not _grouped(v) or not _prefix(col):
        return {}
    n_row = _n_row_above(v, row)
    if n_row is None:
        return {}
    out = {}
    for c in v.data_columns():
        if c.arm and not c.between and _prefix(c) == _prefix(col):
            n = _whole(v, n_row.index, c.index)
            if n:
                out[c.index] = n
    return out


def own_group(v: TableView, row: Row, col: Column, lab: Label, names: Names,
              item_denominator: str) -> None:
    """Give ``lab`` the n and the analysis set of its own column group (module docstring)."""
    counts = group_counts(v, row, col)
    if not counts:
        return
    if row.n_row and not col.between:
        _n_row_label(v, counts, lab, names)
        return
    own = counts.get(col.index, "")
    if own and not item_denominator and lab.denominator and lab.denominator != own and \
            lab.statistic not in ("p_value", "estimate", "ci_low", "ci_high"):
        lab.denominator = own
        lab.rules.append("denominator: the n its column group's n row prints")
    declared = names.population_of_counts(set(counts.values()))
    if declared and not lab.population:
        lab.population = declared
        lab.rules.append("population: the declared set whose counts its column group's n "
                         "row prints")


def _n_row_label(v: TableView, counts: dict[int, str], lab: Label, names: Names) -> None:
    """An ``n`` row's number: of the declared set its group's counts are, else (in a
    baseline table) the randomized patients."""
    declared = names.population_of_counts(set(counts.values()))
    if declared:
        lab.quantity, lab.population = "analysed", declared
        lab.rules.append("population: the declared set whose counts its column group's n "
                         "row prints")
    elif v.kind == "baseline" and not lab.population and names.arm_names:
        lab.quantity = "randomized"
        lab.rules.append("quantity: a baseline table's n row in a group naming no set")
