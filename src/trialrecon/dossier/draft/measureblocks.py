"""A block of columns that measures the patients another block of the same row counts.

A table with two blocks of arm columns under spanning headers, the first counting patients
and the second summarising a measurement of them::

                 | Number n (%)            | MIC (mg/l)
    Pathogen     | Drug X   | Placebo | P  | Drug X            | Placebo           | P
    Organism A   | 8 (7.5%) | 12 (11%)| .5 | 2.0 (1.0 to 2.0)  | 1.5 (1.5 to 2.0)  | .6

reads, in the measurement's block: the spanning header names what is measured (``MIC``, in
``mg/l``) and the row whose patients it is measured on, so the category is ``MIC: Organism
A`` (``Measurement: row``, the data dictionary's ``Characteristic: level``); the median is
over the 8 patients the same row counts for the same arm in the count block, not over the
column's n; the P value of the block compares the measurement (``baseline_value``). A row
that names the measurement itself (``MIC of all isolates``: its first word) keeps its stub,
and where the count block prints nothing for the row, the n the median is over is not
printed.

The header could name a time or a subgroup instead of a measurement; a header with a unit
(``(mg/l)``, ``, days``) seldom does, but every such cell is a guess (``needs_review``).

Also here, as the layout rules :mod:`.cells` applies after its common ones
(:func:`after_labels`): the set a note's denominators declare (:mod:`.notesets`), and a
header level whose mark points to a note naming what the level is (:func:`level_note`).
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.notesets import note_set
from trialrecon.dossier.draft.quantities import Label
from trialrecon.dossier.draft.stubs import split_stub
from trialrecon.dossier.draft.tablesets import without_row_set
from trialrecon.dossier.draft.tableview import Column, Row, TableView

_SUMMARIES = frozenset({"mean", "sd", "se", "median", "iqr_low", "iqr_high", "range_low",
                        "range_high", "ci_low", "ci_high"})
_COUNT = re.compile(r"^\s*(\d+)\s*(?:\(|$)")
_OWN_SET = ("population: the row counts a set of its own",
            "population: the effect compares a set of its own")


def _span(col: Column) -> str:
    """The spanning header over ``col`` (the first part of its header path), or ""."""
    parts = [p for p in col.label.split(" / ") if p]
    return parts[0] if len(parts) >= 2 else ""


def _count_in_row(v: TableView, row: Row, col: Column, span: str) -> tuple[bool, str]:
    """Whether another block of the table counts patients per arm (a column of the same
    arm under another spanning header whose cells are counts), and the count it prints in
    ``row`` for the arm of ``col`` ("" when the row's cell there is empty)."""
    found, blocks = "", False
    for other in v.data_columns():
        if other.index == col.index or other.between or other.arm != col.arm or \
                not _span(other) or _span(other) == span:
            continue
        cells = [v.table.cell_at(r, other.index).plain for r in v.rows
                 if v.table.is_origin(r, other.index)]
        if not any(_COUNT.match(c) for c in cells):
            continue
        blocks = True
        m = _COUNT.match(v.table.cell_at(row.index, other.index).plain)
        found = m.group(1) if m else found
    return blocks, found


def _arm_block(v: TableView, span: str) -> bool:
    """Whether the spanning header heads arm columns of a measurement (a unit printed)."""
    return bool(split_stub(span).unit) and any(
        _span(c) == span and c.arm and not c.between for c in v.data_columns())


def measured_block(v: TableView, row: Row, col: Column, lab: Label) -> None:
    """The category, denominator and quantity of a cell in a measurement block (above)."""
    span = _span(col)
    if not span or not _arm_block(v, span):
        return
    name = split_stub(span).name
    stub = split_stub(row.stub).name
    if col.between:
        if not col.p or lab.statistic != "p_value":
            return
        arm_col = next(c for c in v.data_columns() if _span(c) == span and c.arm)
        blocks, _ = _count_in_row(v, row, arm_col, span)
        if not blocks:
            return
        lab.quantity = "baseline_value" if lab.quantity == "baseline" else lab.quantity
    else:
        if lab.statistic not in _SUMMARIES:
            return
        blocks, count = _count_in_row(v, row, col, span)
        if not blocks:
            return
        lab.denominator = count
    # "MIC of all isolates", "Duration, all sites": the row names the measurement itself
    own = stub.lower().startswith(name.split()[0].lower()) if name.split() else False
    lab.category = stub if own else f"{name}: {stub}"
    lab.guess(f"category: the block '{span}' measures the patients the row counts "
              "in another block")


# a note that only names what a level is ("Full dose.", "Deviation.", "Optimal number of
# fractions, as defined in the protocol."): a short phrase, no number, no sentence
_LEVEL_NOTE = re.compile(r"^(?:\^\{[^}]*\}\s*)?([A-Za-z][A-Za-z' -]{2,60}?)\s*(?:[,.;]|$)")
_SENTENCE_WORDS = re.compile(r"\b(?:is|are|was|were|be|been|test|tests|values?|data|include[sd]?|"
                             r"including|excluding|except|patients?|p)\b", re.IGNORECASE)


def level_note(col: Column, lab: Label) -> None:
    """A level printed in the header with a mark whose note says what the level is
    ("44-46^*", *: "Full dose.") keeps the note's words: ``Dose (Gy): 44-46 (full dose)``,
    the level as the table defines it (the mark itself is left out of every label)."""
    level = col.label.split(" / ")[-1]
    m = _LEVEL_NOTE.match(col.notes.strip())
    if not m or not level or not lab.category.endswith(level) or " / " not in col.label or \
            _SENTENCE_WORDS.search(m.group(1)) or len(m.group(1).split()) > 6:
        return
    lab.category = f"{lab.category} ({m.group(1).strip().lower()})"
    lab.rules.append("category: the note the level's mark points to names it")


def after_labels(v: TableView, row: Row, col: Column, lab: Label) -> None:
    """What a cell's labels take from the table's layout after the common rules: the set a
    note's denominators declare (:mod:`.notesets`), a measurement block (above), a level's
    note (:func:`level_note`), and a stub's own analysis set taken out of the category
    (:func:`~.tablesets.without_row_set`)."""
    if not lab.population and any(g.startswith(_OWN_SET) for g in lab.guesses):
        lab.population = note_set(v, row)
    measured_block(v, row, col, lab)
    if col.notes and not col.between:
        level_note(col, lab)
    lab.category = without_row_set(lab.category, row.stub, lab.population)
