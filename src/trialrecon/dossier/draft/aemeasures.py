"""Means and medians an adverse-event table prints beside its grade percentages.

An adverse-event table may print, under its "% grade 3-4" columns, rows that are no events
("Median days to neutrophil recovery", "Mean blood units"), or a column of each term's mean
grade ("Mean grade"): these are means and medians of an ``outcome`` (:func:`ae_measure`),
called by :mod:`.quantities` before it reads a cell as a count of an event of a grade.
A stage a full-width row names ("Course 1") joins the category (:func:`row_time`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.stubs import name_of

if TYPE_CHECKING:
    from trialrecon.dossier.draft.quantities import Label
    from trialrecon.dossier.draft.tableview import Column, Row, TableView

MEASURES = frozenset({"mean", "median", "sd", "se", "iqr_low", "iqr_high", "range_low",
                       "range_high", "geometric_mean"})


# a stub or column heading that says its numbers are means or medians ("Median days to
# neutrophil recovery", "Mean grade"), and a unit word ending such a stub ("Mean blood units")
_MEASURE_LEAD = re.compile(r"^(?:median|mean|average)\s+(?=\w)", re.IGNORECASE)
_UNIT_TAIL = re.compile(r"\s+(units|days|hours|weeks|months)$", re.IGNORECASE)
_MEASURE_HEAD = re.compile(r"\b(?:median|mean|average)\s+(grade|score)$", re.IGNORECASE)


def _measure_heading(col: Column) -> str:
    """The unit a column heading names after "Mean" ("Mean grade": ``grade``), or ""."""
    found = _MEASURE_HEAD.search(col.label.split(" / ")[-1].strip()) if col.label else None
    return found.group(1).lower() if found else ""


def ae_measure(v: TableView, row: Row, col: Column, lab: Label) -> bool:
    """A mean or median in an adverse-event table is no count of an event of a grade: the
    stub names its own measurement ("Median days to neutrophil recovery" printed under a
    "% grade 3-4" column: the statistic word leaves the category, a unit word ending the stub
    goes to the unit), or the column does ("Mean grade": the mean grade of the term, unit
    ``grade``). A P value of a row whose numbers are such means is the outcome's too (a
    guess when only a column of means stands beside the grade percentages)."""
    lead = _MEASURE_LEAD.match(row.stub)
    heads = [c for c in v.columns if c.arm and not c.between and _measure_heading(c)]
    if lab.statistic == "p_value":
        if not (lead or heads):
            return False
        if not lead:
            lab.guess("quantity: a P value beside grade percentages and mean grades")
    elif lab.statistic not in MEASURES or not (lead or _measure_heading(col)):
        return False
    lab.quantity = "outcome"
    if lead:
        name = row.stub[lead.end():]
        tail = _UNIT_TAIL.search(name)
        if tail:
            name = name[:tail.start()]
            if lab.statistic != "p_value":
                lab.unit = tail.group(1).lower()
        lab.category = name_of(name[:1].upper() + name[1:])
        lab.rules.append("quantity: a mean or median the stub names, in an adverse-event table")
    else:
        lab.category = name_of(row.stub)
        if lab.statistic != "p_value":
            lab.unit = _measure_heading(col)
        lab.rules.append("quantity: a mean the column names, in an adverse-event table")
    return True


def row_time(lab: Label, time: str) -> None:
    """The stage a full-width row above names ("Course 1") joins the category after a comma
    as a column heading's time does (the data dictionary), in place of a ``Stage: term``
    level the group would otherwise give."""
    if not time or not lab.category or lab.quantity == "analysed":
        return
    category = lab.category.removeprefix(f"{time}: ")
    lab.category = f"{category}, {time.lower()}"
    lab.rules.append("category: the stage the full-width row above names")
