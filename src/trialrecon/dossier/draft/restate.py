"""A sentence that restates a table row by its numbers takes the row's labels.

The Abstract and the Results repeat a table's row in prose: "eradication was more frequent in
the infusion group (90.6% vs. 78.4%; P = 0.020)", "(10 (7 to 14) days vs. 12 (7 to 19)
days)", "(HR 1.03; 95% CI, 0.74-1.43)". The data dictionary asks a statement of the same
thing in the text to reuse the table's category (and so its quantity, statistic and unit),
so that the reconciliation compares the two. The words of such a sentence often do not name
the row as the table does ("microbiological outcome" for ``Eradication overall``), so
:mod:`.crossref`, which needs them, leaves these numbers unlabelled; their *numbers* say it:

- a *run* is a stretch of a sentence's numbers, next to each other (at most a short clause
  apart), each equal to a different cell of one table row, as a compatible statistic (a
  plain number the cell's median, mean, count, percent or estimate; a bracketed pair the
  cell's IQR, range or CI bounds; a percent only a percent; a P value only a P value), over
  the same denominator where both print one;
- a run of two or more numbers restates the row when one of its numbers has a decimal
  point, or it holds three numbers, or the sentence names the row (most of its words): two
  small whole numbers meet some row of a long table by chance;
- a number takes the row whose run through it is the longest; two rows with runs as long
  (the same numbers in two tables) leave it alone unless the sentence names one of them;
- within the row, a number takes the cell of the arm the sentence names for it, else the
  first free cell of the row (the table's column order is the usual order of the prose);
- a P value printed right after a run ("(90.6% vs. 78.4%; P = 0.020)") that the table does
  not print is the comparison of that row: its quantity and category, no arm;
- a number no rule read (no quantity, or a generic one) whose value, printed with a decimal
  point, is one cell of the tables and no other takes that cell's labels as a guess (flagged).

A number so labelled takes the cell's labels (quantity, category, statistic, unit, arm and
the optional columns) and its flag, as a number :mod:`.crossref` borrows for; it keeps its
own location, anchor and denominator, and a population only where the sentence names a set
(adverse events keep the safety set). Sentences about other studies are left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from trialrecon.dossier.draft import cues, textterms
from trialrecon.dossier.draft.crossref import (
    BORROWED,
    _name_words,
    _names_row,
    _names_set,
    _words,
)
from trialrecon.dossier.draft.drafter import Draft, Unit
from trialrecon.dossier.draft.lexicon import Names
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.textnames import TableNames, entry_of
from trialrecon.dossier.draft.textrules import is_sure

_KIND = {"value": "central", "estimate": "central", "count": "central", "percent": "central",
         "median": "central", "mean": "central",
         "pair_low": "low", "range_low": "low", "iqr_low": "low", "ci_low": "low",
         "pair_high": "high", "range_high": "high", "iqr_high": "high", "ci_high": "high",
         "p_value": "p_value", "sd": "sd", "se": "se"}
_GAP = 80  # characters between two numbers of one run at most
_P_GAP = re.compile(r"^[\s%)\]a-z]{0,12}[;,]?\s*\(?\s*(?:two-sided\s+)?p\s*(?:value\s*)?"
                    r"(?:[=<>≤≥]|$)")
RULE = "labels: a run of numbers of the table row"
LONE = "labels: the one table cell of the value"

RowKey = tuple[str, str]  # (location, row) of a table cell


@dataclass(frozen=True)
class _Number:
    """A number of the sentence: its draft row, value and place."""

    draft: Draft
    value: float
    start: int
    end: int


@dataclass
class RowIndex:
    """The table cells' draft rows by value, and the cells of each table row."""

    by_value: dict[float, list[Draft]]
    rows: dict[RowKey, list[Draft]]


def index_rows(cells: list[Draft]) -> RowIndex:
    """The cells of the tables (header n's, whose row is empty, aside) by value and row."""
    by_value: dict[float, list[Draft]] = defaultdict(list)
    rows: dict[RowKey, list[Draft]] = defaultdict(list)
    for d in cells:
        if not d.fields.get("row") or d.fields.get("marker"):
            continue
        try:
            value = float(d.fields["value"])
        except ValueError:
            continue
        by_value[value].append(d)
        rows[_key(d)].append(d)
    return RowIndex(dict(by_value), dict(rows))


def _key(d: Draft) -> RowKey:
    return d.fields["location"], d.fields["row"]


def _fits(x: _Number, cell: Draft, grade: str) -> bool:
    """The sentence's number can be the cell's: a compatible statistic, a percent only a
    percent, the same denominator and adjustment where both print one, the quantity the
    sentence's own words name (a duration of treatment is no baseline row that prints the
    same median), the grade it names ("grade 3-4 oesophagitis" is not the grade 3 column)."""
    fields = x.draft.fields
    text_kind = _KIND.get(fields["statistic"])
    if text_kind is None or text_kind != _KIND.get(cell.fields["statistic"]):
        return False
    text_percent = fields["statistic"] == "percent" or (
        x.draft.item is not None and x.draft.item.unit == "percent")
    cell_percent = cell.fields["statistic"] == "percent" or cell.fields.get("unit") == "percent"
    if text_percent != cell_percent and text_kind == "central":
        return False
    if (fields.get("comparator") or "=") != (cell.fields.get("comparator") or "="):
        return False  # "an Apgar score < 4": a threshold, no cell's count
    for name in ("denominator", "adjustment"):
        own, theirs = fields.get(name, ""), cell.fields.get(name, "")
        if own and theirs and own.split(":")[0] != theirs.split(":")[0]:
            return False
    if is_sure(x.draft, "quantity") and fields["quantity"] != cell.fields["quantity"]:
        return False
    cell_grade = re.match(r"t?r?ae_(.+)$", cell.fields["quantity"])
    return not (grade and cell_grade and cell_grade.group(1) != grade)


def _numbers(rows: list[Draft]) -> list[_Number]:
    out = []
    for d in rows:
        if d.item is None or d.fields.get("marker") or (d.item.words):
            continue
        try:
            out.append(_Number(d, float(d.fields["value"]), d.item.start, d.item.end))
        except ValueError:
            continue
    return sorted(out, key=lambda x: x.start)


def _prefer(x: _Number, cells: list[Draft], used: set[int],
            run: list[tuple[int, Draft]], numbers: list[_Number]) -> Draft | None:
    """The free cell for ``x``: in the column of the numbers of its own group already in
    the run ("RR 0.98, 95% CI 0.82-1.17" is one column's estimate and bounds), of the arm
    the sentence names for it, else the first in the table's order."""
    free = [c for c in cells if id(c) not in used]
    group = x.draft.item.group if x.draft.item is not None else None
    mates = {c.fields["column"] for i, c in run
             if numbers[i].draft.item is not None and numbers[i].draft.item.group == group}
    if not mates and run and _KIND.get(x.draft.fields["statistic"]) in ("low", "high") and \
            _KIND.get(run[-1][1].fields["statistic"]) in ("central", "low"):
        mates = {run[-1][1].fields["column"]}  # "1.21 [95% CI 1.02, 1.44]": one cell's bounds
    if mates:
        free = [c for c in free if c.fields["column"] in mates]
    if not free:
        return None
    arm = x.draft.fields.get("arm", "")
    named = any(r.startswith(("arm: after", "arm: respectively"))
                for r in x.draft.rules)
    if arm:
        same = [c for c in free if c.fields.get("arm") == arm]
        if same:
            return same[0]
        if named and all(c.fields.get("arm") for c in free):
            return None  # the sentence names another arm for this number
    return free[0]


def _runs(numbers: list[_Number], cells: list[Draft], grade: str
          ) -> list[list[tuple[int, Draft]]]:
    """The runs of ``numbers`` through the cells of one table row: lists of (index of the
    number, its cell), each cell used once per run."""
    runs: list[list[tuple[int, Draft]]] = []
    current: list[tuple[int, Draft]] = []
    used: set[int] = set()
    for i, x in enumerate(numbers):
        fit = [c for c in cells if _same(x, c) and _fits(x, c, grade)]
        near = bool(current) and x.start - numbers[current[-1][0]].end <= _GAP
        cell = _prefer(x, fit, used, current, numbers) if fit and near else None
        if cell is None:
            if len(current) > 1:
                runs.append(current)
            current, used = [], set()
            cell = _prefer(x, fit, used, current, numbers) if fit else None
            if cell is None:
                continue
        current.append((i, cell))
        used.add(id(cell))
    if len(current) > 1:
        runs.append(current)
    return [run for run in runs if not _cut(run, numbers)]


def _cut(run: list[tuple[int, Draft]], numbers: list[_Number]) -> bool:
    """A run that cuts a comparison in two: the number printed right before or after it in
    the same clause, printed alike ("4.2% ... vs. 5.8%"), is no cell of the row, so the
    two numbers of the run that match are a coincidence."""
    first, last = run[0][0], run[-1][0]
    for inside, outside in ((first, first - 1), (last, last + 1)):
        if not 0 <= outside < len(numbers):
            continue
        a, b = sorted((numbers[inside], numbers[outside]), key=lambda n: n.start)
        if (numbers[outside].draft.fields.get("comparator") or "=") != "=":
            continue  # "1 or more outcomes (180/398 ...)": a threshold, no number compared
        if b.start - a.end <= _GAP and \
                numbers[inside].draft.fields["statistic"] == numbers[outside].draft.fields[
                    "statistic"] and (numbers[inside].draft.item is None or numbers[
                    outside].draft.item is None or numbers[inside].draft.item.group != numbers[
                    outside].draft.item.group):
            return True
    return False


def _same(x: _Number, cell: Draft) -> bool:
    """The same number printed to the same decimals ("5.0" is no cell's "5")."""
    try:
        return abs(float(cell.fields["value"]) - x.value) < 1e-9 and \
            _decimals(cell.fields["value"]) == _decimals(x.draft.fields["value"])
    except ValueError:
        return False


def _decimals(value: str) -> int:
    return len(value.split(".", 1)[1]) if "." in value else 0


def _specific(run: list[tuple[int, Draft]], numbers: list[_Number], arms_named: bool) -> bool:
    """A run that does not meet a row by chance: one of its numbers has a decimal point; or,
    of whole numbers, three or more, two of them different and 10 or more, in a sentence
    naming arms (small whole numbers, "(n=5) ... (n=1)", "between 10 and 30 smokers", meet
    some row of a long table)."""
    values = [numbers[i].draft.fields["value"] for i, _ in run]
    if any("." in v for v in values):
        return True
    return arms_named and len(values) >= 3 and len({v for v in values if float(v) >= 10}) >= 2


def _named(sentence: str, cells: list[Draft], tables: TableNames | None) -> bool:
    """The sentence names the row: most of the words of its category (or stub)."""
    return any(_names_row(_name_words(c), _words(sentence), tables) for c in cells[:1])


def restate_rows(rows: list[Draft], unit: Unit, index: RowIndex, names: Names,
                 tables: TableNames | None = None) -> list[Draft]:
    """``rows`` of one sentence, the numbers of a run through a table row labelled as the
    row's cells (and a lone decimal of one cell as that cell's, flagged)."""
    if not rows or not index.rows or unit.external:
        return rows
    numbers = _numbers(rows)
    grade = cues.grade(unit.text) if re.search(r"\bgrade|\bgr\.?\s*\d", fold(unit.text)) \
        else ""
    chosen = _choose(numbers, unit.text, index, names, tables, grade)
    sentence_set = _names_set(unit.text, names)
    for i, (_, cell, _) in chosen.items():
        _take(numbers[i].draft, cell, sentence_set)
    _p_after_run(unit, numbers, chosen, sentence_set)
    _lone_cells(numbers, chosen, index, grade, sentence_set)
    return rows


Chosen = dict[int, tuple[RowKey, Draft, list[tuple[int, Draft]]]]


def _choose(numbers: list[_Number], sentence: str, index: RowIndex, names: Names,
            tables: TableNames | None, grade: str) -> Chosen:
    """{index of a number: (its row, its cell, its run)}: the longest run through it, of one
    row (or of the one row the sentence names, when several are as long)."""
    keys = {_key(c) for x in numbers for c in index.by_value.get(x.value, ())}
    arms_named = bool(names.arm_names and names.find(fold(sentence), "arm"))
    best: dict[int, list[tuple[RowKey, list[tuple[int, Draft]]]]] = defaultdict(list)
    for key in sorted(keys):
        for run in _runs(numbers, index.rows[key], grade):
            if not _specific(run, numbers, arms_named) and not _top_named(
                    sentence, numbers[run[0][0]], index.rows[key], tables):
                continue
            if not arms_named and len({c.fields["column"] for _, c in run}) == 1 and \
                    run[0][1].fields.get("arm"):
                continue  # one arm's cell, and a sentence naming no arm: the whole trial's?
            for i, _ in run:
                best[i].append((key, run))
    chosen: Chosen = {}
    for i, found in best.items():
        longest = max(len(run) for _, run in found)
        top = [(key, run) for key, run in found if len(run) == longest]
        if len({key for key, _ in top}) > 1:
            top = [(key, run) for key, run in top
                   if _named(sentence, index.rows[key], tables) or _top_named(
                       sentence, numbers[i], index.rows[key], tables)]
            if len({key for key, _ in top}) != 1:
                continue
        key, run = top[0]
        chosen[i] = (key, dict(run)[i], run)
    # a run is taken whole or not at all: a number of it that another row claims as well
    # makes the whole run a doubt
    return {i: c for i, c in chosen.items()
            if all(j in chosen and chosen[j][2] is c[2] for j, _ in c[2])}


_UNREAD = ("", "outcome", "baseline", "baseline_value")


def _lone_cells(numbers: list[_Number], chosen: Chosen, index: RowIndex,
                grade: str, sentence_set: bool) -> None:
    """A number no rule read (no quantity, or only a generic one) whose value, printed with
    a decimal point, is one cell of the tables and no other: that cell's labels, as a guess
    (one decimal number meets a cell by chance in a long paper)."""
    for i, x in enumerate(numbers):
        d = x.draft
        if i in chosen or d.fields["quantity"] not in _UNREAD or "." not in d.fields["value"] \
                or d.fields["statistic"] == "p_value" or is_sure(d, "quantity") or \
                any(r.startswith(("labels: those of", RULE, LONE, *textterms.RULES))
                    for r in d.rules):
            continue  # a row some rule labelled (from the tables, or the sentence's term)
        fit = [c for c in index.by_value.get(x.value, ()) if _same(x, c) and _fits(x, c, grade)]
        if len(fit) != 1:
            continue
        cell = fit[0]
        if d.fields.get("arm") and cell.fields.get("arm") and \
                d.fields["arm"] != cell.fields["arm"]:
            continue
        _take(d, cell, sentence_set, LONE)
        d.rules.append("guess: labels: the one table cell of this value (the sentence names "
                       "neither its row nor the numbers around it)")
        d.needs_review = True


def _top_named(sentence: str, x: _Number, cells: list[Draft],
               tables: TableNames | None) -> bool:
    """The row is among those the sentence names best before this number."""
    if tables is None or not cells:
        return False
    return entry_of(cells[0]) in tables.top(sentence, x.start, after=x.start + 60)


def _take(d: Draft, cell: Draft, sentence_set: bool, rule: str = RULE) -> None:
    own_denominator = d.fields.get("denominator", "")
    own_adjustment = d.fields.get("adjustment", "")
    for k in BORROWED:
        d.fields[k] = cell.fields.get(k, "")
    d.fields["denominator"] = own_denominator
    if own_adjustment.startswith(d.fields.get("adjustment", "") + ":"):
        d.fields["adjustment"] = own_adjustment  # "adjusted: age" says more than "adjusted"
    if d.fields["population"] and not sentence_set and \
            not re.match(r"t?r?ae_", d.fields["quantity"]):
        d.fields["population"] = ""  # a sentence's set is the one it names
    d.rules = [r for r in d.rules if not r.startswith("guess:")]
    d.rules.append(f"{rule}: {cell.fields['location']}, row '{cell.fields['row']}', "
                   f"column '{cell.fields['column']}'")
    d.rules.extend(r for r in cell.rules if r.startswith("guess:"))
    d.needs_review = cell.needs_review
    d.confidence = cell.confidence


def _p_after_run(unit: Unit, numbers: list[_Number],
                 chosen: Chosen, sentence_set: bool) -> None:
    """"(90.6% vs. 78.4%; P = 0.020)": a P value right after a run that the table does not
    print is the comparison of the run's row."""
    low = fold(unit.text)
    for i, x in enumerate(numbers):
        if i == 0 or i in chosen or x.draft.fields["statistic"] != "p_value" or \
                i - 1 not in chosen:
            continue
        _, _, run = chosen[i - 1]
        cells = [c for _, c in run]
        labels = {(c.fields["quantity"], c.fields["category"]) for c in cells}
        if len(labels) != 1 or any(c.fields["statistic"] == "p_value" for c in cells):
            continue
        if not _P_GAP.match(low[numbers[i - 1].end:x.start]):
            continue
        d = x.draft
        d.fields["quantity"], d.fields["category"] = labels.pop()
        d.fields["arm"] = ""
        for k in ("subgroup", "cohort"):
            d.fields[k] = cells[0].fields.get(k, "")
        if sentence_set and cells[0].fields.get("population"):
            d.fields["population"] = cells[0].fields["population"]
        d.rules = [r for r in d.rules if not r.startswith(("guess: quantity", "guess: category",
                                                           "guess: arm"))]
        d.rules.append(f"{RULE}: the P value of the row compared before it")
        d.rules.extend(r for r in cells[0].rules if r.startswith("guess:"))
        d.needs_review = any(r.startswith("guess:") for r in d.rules)
