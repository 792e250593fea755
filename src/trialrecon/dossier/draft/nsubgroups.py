"""A table of one outcome by subgroup whose arms print their n in a column of their own.

The subgroup tables of :mod:`.subgroups` print ``n/N`` in each cell. Others print a mean,
a median or a rate beside an "n" column of each arm, one row for every patient and one for
each subgroup, with the outcome named only by the caption ("Primary efficacy outcome (number
of oocytes retrieved)"):

    |                 | Drug X n | Drug X Mean (SD) | Placebo n | Placebo Mean (SD) |
    | Overall         | 120      | 3.3 (2.7)        | 118       | 3.6 (2.8)         |
    | Age <35 years   | 30       | ...              | 28        | ...               |
    | Age ≥35 years   | 90       | ...              | 90        | ...               |

What makes a table one: the first row of a block (the rows under one analysis-set heading,
or the whole table) is named by a word of every patient alone ("Overall", "All patients"),
the caption names an outcome, and two or more rows below share out that row's n exactly in
every n column (30 + 90 = 120, 28 + 90 = 118). Then every row of the block is of the
caption's outcome (``category``), the rows below the first of the subgroup their stub names
(``subgroup``), the first of every patient (no subgroup). The outcome read from the caption
is a reading of its words: the rows are flagged, as :mod:`.subgroups` flags it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.subgroups import (
    SubgroupRow,
    all_patients,
    caption_outcome,
    read_subgroups,
)

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Table
    from trialrecon.dossier.draft.quantities import Label
    from trialrecon.dossier.draft.tableview import Column, Row, TableView

_COUNT = re.compile(r"^\s*(\d[\d,]*)\s*$")
_GUESS = "the outcome the caption names"


def _n(t: Table, r: int, c: int) -> int | None:
    m = _COUNT.match(t.cell_at(r, c).plain) if t.is_origin(r, c) else None
    return int(m.group(1).replace(",", "")) if m else None


def _blocks(rows: dict[int, Row], body: list[int]) -> list[list[int]]:
    """The body rows split where the analysis set of the heading above them changes."""
    out: list[list[int]] = []
    for r in body:
        if out and rows[out[-1][-1]].population == rows[r].population:
            out[-1].append(r)
        else:
            out.append([r])
    return out


def _shares_out(sizes: list[list[int | None]], total: list[int]) -> bool:
    """Two or more consecutive rows whose n add up to ``total`` in every column."""
    for i in range(len(sizes)):
        sums = [0] * len(total)
        for j in range(i, len(sizes)):
            if any(n is None or n >= m for n, m in zip(sizes[j], total, strict=True)):
                break
            sums = [s + (n or 0) for s, n in zip(sums, sizes[j], strict=True)]
            if j > i and sums == total:
                return True
    return False


def n_column_subgroups(t: Table, rows: dict[int, Row], columns: list[Column]
                       ) -> dict[int, SubgroupRow]:
    """{row: :class:`SubgroupRow`} of a table of one outcome by subgroup with n columns;
    {} for any other table."""
    outcome = caption_outcome(t.caption)
    n_cols = [c.index for c in columns[t.stub_columns:] if c.n_column and c.arm]
    if not outcome or len(n_cols) < 2:
        return {}
    body = [r for r in sorted(rows) if not rows[r].heading and not rows[r].n_row]
    out: dict[int, SubgroupRow] = {}
    for block in _blocks(rows, body):
        first = block[0]
        sizes = [[_n(t, r, c) for c in n_cols] for r in block]
        total = sizes[0]
        if not all_patients(rows[first].stub) or any(n is None for n in total) or \
                not _shares_out(sizes[1:], [n or 0 for n in total]):
            continue
        out[first] = SubgroupRow(outcome, "", _GUESS)
        for r in block[1:]:
            out[r] = SubgroupRow(outcome, rows[r].stub, _GUESS)
    return out


def subgroup_rows(t: Table, rows: dict[int, Row], columns: list[Column], kind: str
                  ) -> dict[int, SubgroupRow]:
    """The rows of a table of an outcome by subgroup: printed ``n/N`` (:mod:`.subgroups`)
    or an n column of each arm (this module); {} for any other table."""
    found = read_subgroups(t, rows, columns, kind)
    if found or kind in ("ae", "baseline"):
        return found
    return n_column_subgroups(t, rows, columns)


def label_effect(v: TableView, row: Row, col: Column, lab: Label) -> None:
    """A between-arm number (difference, ratio, its CI and P value) on a row of a table of
    an outcome by subgroup is of the same outcome and subgroup as the arms' numbers beside
    it, not of a category named "Overall" or "Age <35 years"."""
    found = v.subgroups.get(row.index)
    if found is None or not col.between or lab.quantity in ("", "outcome", "analysed"):
        return
    lab.category, lab.subgroup = found.outcome, found.subgroup
    lab.rules.append("category: the outcome of a table by subgroup (an effect column)")
    if found.guess or not found.outcome:
        lab.guess(f"category or subgroup: {found.guess or 'an outcome not named'}")
