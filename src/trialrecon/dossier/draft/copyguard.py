"""A sentence's number that took a table cell's labels keeps them unflagged only when the
copy is checked.

:mod:`.crossref`, :mod:`.textnames` and :mod:`.restate` give a number of the text the labels
of a table cell: the row the sentence names, or the row its numbers restate. The copy is
right when the sentence says the same thing as the cell; it is a guess when

- the number is none of the cells of that row and column, as printed (a row named by its
  words, whose cell holds another number: the copy rests on the words alone);
- the sentence, or the nearest of the two sentences before it in the same section when it
  names none ("Grade 3-4 adverse events are shown in Table 2. The most common were
  diarrhoea (19% vs 11%)"),
  names an adverse-event grade other than the cell's column (a table printing grade 3 and
  grade 4 apart): the number takes the grade the words name, as a guess;
- the cell's row names an analysis set ("ITT sample") the sentence does not name: a count
  of the same size may be another count (those randomised);
- the other arm of the same comparison ("51.0 days ... versus 52.0 days") was read from the
  sentence's own words as another quantity than the one copied: the words say what both
  numbers are, so the copied number takes that quantity, as a guess.

Such a row keeps its labels (or takes the one the words name) and is flagged
``needs_review``; a row already flagged is left alone.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.restate import RowIndex
from trialrecon.dossier.draft.textrules import is_sure

_CELL_RULE = re.compile(r"^labels: (?:those of|a run of numbers of the table row:) (.+?), "
                        r"row '(.*)', column '(.*)'$")
_COPIED = ("labels: those of", "labels: a run of numbers of the table row",
           "labels: the table's")
_GRADE_WORD = re.compile(r"\bgrades?\b|\bgr\.?\s*\d")
_AE = re.compile(r"^(t?r?ae_)(.+)$")
# a stub naming an analysis set: the cell counts that set
_SET_ROW = re.compile(r"\b(?:itt|mitt|intention[- ]to[- ]treat|per[- ]protocol|pp|analys[ie]s"
                      r" (?:set|population|sample)|safety (?:set|population|sample)|"
                      r"full analysis)\b")


def copied(d: Draft) -> bool:
    """The row took a table cell's labels (not as a guess of one lone value)."""
    return any(r.startswith(_COPIED) for r in d.rules)


def _cell_of(d: Draft) -> tuple[str, str, str] | None:
    """(location, row, column) of the cell the row last copied, where the rule says it."""
    for r in reversed(d.rules):
        m = _CELL_RULE.match(r)
        if m:
            return m.group(1), m.group(2), m.group(3)
    return None


def _same_printed(a: str, b: str) -> bool:
    """Two values printed alike: the same number to the same decimals."""
    try:
        same = abs(float(a) - float(b)) < 1e-9
    except ValueError:
        return False
    return same and (a.split(".", 1)[1] if "." in a else "") == \
        (b.split(".", 1)[1] if "." in b else "")


def value_in_cell(d: Draft, index: RowIndex) -> bool | None:
    """Whether the row's value is one printed in the cell it copied (None: no cell known)."""
    cell = _cell_of(d)
    if cell is None:
        return None
    location, row, column = cell
    cells = [c for c in index.rows.get((location, row), ()) if c.fields["column"] == column]
    if not cells:
        return None
    return any(_same_printed(d.fields["value"], c.fields["value"]) for c in cells)


def _row_of(d: Draft) -> str:
    cell = _cell_of(d)
    return cell[1] if cell else ""


def named_grade(text: str, before: list[str]) -> str:
    """The adverse-event grade the sentence names, else the one the nearest sentence before
    it names (a paragraph that opens "Grade 3-4 adverse events are shown in Table 2")."""
    for words in (text, *before):
        if _GRADE_WORD.search(fold(words)):
            found = cues.grade(words)
            if found:
                return found
    return ""


def _flag(d: Draft, why: str) -> None:
    d.rules.append(f"guess: {why}")
    d.needs_review = True


def _sibling_quantity(d: Draft, rows: list[Draft]) -> Draft | None:
    """The other arm's number of the same statistic, read from the sentence's own words
    (not copied) as a sure quantity other than ``d``'s."""
    arm = d.fields.get("arm", "")
    if not arm:
        return None
    for r in rows:
        if r is d or copied(r) or not is_sure(r, "quantity"):
            continue
        if r.fields["statistic"] == d.fields["statistic"] and r.fields.get("arm") and \
                r.fields["arm"] != arm and r.fields["quantity"] != d.fields["quantity"]:
            return r
    return None


def guard_copies(rows: list[Draft], text: str, before: list[str],
                 index: RowIndex) -> list[Draft]:
    """``rows`` of one sentence (``text``; ``before``: the sentences before it in the same
    section, nearest first), each unflagged copy of a table cell checked as the module
    says."""
    grade = named_grade(text, before)
    for d in rows:
        if d.needs_review or not copied(d) or d.fields["location"].lower().startswith("table"):
            continue
        ae = _AE.match(d.fields["quantity"])
        sibling = _sibling_quantity(d, rows)
        if value_in_cell(d, index) is False:
            _flag(d, "labels: the table cell copied prints another number")
        elif ae and grade.startswith("grade") and ae.group(2).startswith("grade") and \
                ae.group(2) != grade:
            d.fields["quantity"] = f"{ae.group(1)}{grade}"
            _flag(d, f"quantity: the grade the words name ({grade}), not the table column's")
        elif _SET_ROW.search(fold(_row_of(d))) and not _SET_ROW.search(fold(text)):
            _flag(d, "labels: the table row names an analysis set the sentence does not")
        elif sibling is not None:
            d.fields["quantity"] = sibling.fields["quantity"]
            d.fields["category"] = sibling.fields["category"]
            _flag(d, "quantity: the one the words name for the other arm of the comparison")
    return rows
