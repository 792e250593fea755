"""A sentence that repeats a table's number takes the table's labels.

The Abstract and the Results restate numbers of the tables ("the response rate was 19.4% in
the gefitinib group"); the data dictionary asks for the same labels on both statements, so
that the reconciliation compares them. A number of a sentence borrows the labels (quantity,
category, statistic, unit, arm and the optional columns) of a table cell when:

- the cell prints the same value, as a compatible statistic (a sentence's plain number may be
  the cell's median, mean, percent or count; its interval the cell's CI, range or IQR, the
  same bound); a number printed in words borrows them as a guess ("three vs eight" meets a
  cell by chance as often as it restates one);
- the sentence names the cell's row: most of the words of the row's outcome or
  characteristic (its category, else its stub) stand in the sentence;
- the cell's arm, when it has one, is the arm the sentence names (a mention of the arm's
  label, short form or id), and no other arm's cell printing the same value is named too.

When the candidates that remain disagree, nothing is borrowed. The borrowed row is flagged
exactly when the table's row is: its labels are as sure as the table's. Where the sentence
prints its own denominator ("12 of 55"), that one is kept; location, anchor and footnote
stay the sentence's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.lexicon import Names
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.tableview import bare
from trialrecon.dossier.draft.textnames import TableNames, entry_of, key

BORROWED = ("quantity", "category", "statistic", "unit", "arm", "versus", "adjustment",
            "population", "test", "hypothesis", "sided", "cohort", "subgroup")
_COMPATIBLE = {
    "value": {"median", "mean", "percent", "count", "estimate", "value"},
    "estimate": {"estimate", "median", "mean", "percent"},
    "percent": {"percent"}, "count": {"count"}, "p_value": {"p_value"},
    "median": {"median"}, "mean": {"mean"},
    "ci_low": {"ci_low"}, "ci_high": {"ci_high"},
    "pair_low": {"ci_low", "range_low", "iqr_low"}, "pair_high": {"ci_high", "range_high",
                                                                  "iqr_high"},
    "range_low": {"range_low", "iqr_low", "ci_low"}, "range_high": {"range_high", "iqr_high",
                                                                    "ci_high"},
    "iqr_low": {"iqr_low"}, "iqr_high": {"iqr_high"},
}
_STOP = {"the", "and", "with", "for", "from", "was", "were", "patients", "participants",
         "group", "groups", "arm", "rate", "total", "any", "all", "number", "yes", "no",
         "median", "mean", "range", "months", "years", "days", "weeks", "not", "than",
         "other", "others", "none", "unknown", "missing", "events", "event", "adverse"}


@lru_cache(maxsize=16384)
def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z][a-z0-9-]+", fold(text)) if w not in _STOP)


def _name_words(d: Draft) -> frozenset[str]:
    """The words naming a cell's row: its category without the level's colon, or its stub."""
    category = d.fields.get("category", "")
    if category and category != "any":
        return _words(category.replace(":", " "))
    stub = d.fields.get("row", "").split(" / ")
    return _words(" ".join(bare(p) for p in stub[-2:]))


def index_cells(cells: list[Draft]) -> dict[float, list[Draft]]:
    """The table cells' draft rows by value (built once per document)."""
    out: dict[float, list[Draft]] = defaultdict(list)
    for d in cells:
        try:
            out[float(d.fields["value"])].append(d)
        except ValueError:
            continue
    return out


def _grade_of(quantity: str) -> str:
    m = re.match(r"t?r?ae_(.+)$", quantity)
    return m.group(1) if m else ""


def _names_row(name: frozenset[str], sentence_words: frozenset[str],
               tables: TableNames | None) -> bool:
    """Most of the words naming a cell's row stand in the sentence, abbreviations the paper
    defines read both ways ("Neonatal RDS" and "respiratory distress syndrome")."""
    if name and len(name & sentence_words) >= max(1, (2 * len(name) + 2) // 3):
        return True
    if not name or tables is None or not tables.abbr:
        return False
    long_name = tables.expand({key(w) for w in name})
    said = tables.expand({key(w) for w in sentence_words})
    return len(long_name) > len(name) and \
        len(long_name & said) >= max(1, (2 * len(long_name) + 2) // 3)


def _matches(row: Draft, sentence: str, sentence_words: frozenset[str], arms: set[str],
             candidates: list[Draft], tables: TableNames | None = None) -> list[Draft]:
    allowed = _COMPATIBLE.get(row.fields["statistic"], {row.fields["statistic"]})
    grade = cues.grade(sentence) if re.search(r"\bgrade|\bgr\.?\s*\d", fold(sentence)) else ""
    found = []
    for c in candidates:
        if c.fields["statistic"] not in allowed:
            continue
        if not _names_row(_name_words(c), sentence_words, tables):
            continue
        if c.fields["arm"] and (row.fields["arm"] and c.fields["arm"] != row.fields["arm"]
                                or not row.fields["arm"] and len(arms) > 1
                                or arms and c.fields["arm"] not in arms):
            continue  # the sentence's own reading of the arm (after, before, respectively)
        cell_grade = _grade_of(c.fields["quantity"])
        if grade and cell_grade and cell_grade != grade:
            continue  # "grade 3-4 oesophagitis" is not the grade 3 column's number
        found.append(c)
    return found


def _named_best(row: Draft, sentence: str, tables: TableNames | None,
                found: list[Draft]) -> list[Draft]:
    """The candidates whose row the sentence names best for this number (the nearest of the
    rows it names: "neutropenia (13% vs 22%) and diarrhoea (19% vs 11%)")."""
    if tables is None or row.item is None or not found:
        return found
    start = row.item.start
    top = tables.top(sentence, start, after=start + 60)
    if not top:
        return found
    return [c for c in found if entry_of(c) in top]


def _names_set(sentence: str, names: Names) -> bool:
    """The sentence names an analysis set (a word of the lexicon's, or a declared set)."""
    return bool(cues.population_of(sentence) or names.find(fold(sentence), "population"))


def borrow_labels(rows: list[Draft], sentence: str, index: dict[float, list[Draft]],
                  names: Names, tables: TableNames | None = None) -> list[Draft]:
    """``rows`` of one sentence, each with the labels of the one table cell it repeats
    (``index``: :func:`index_cells` of the document's table cells; ``tables``: the tables'
    names, to keep the row the sentence names best)."""
    if not rows or not index:
        return rows
    words = _words(sentence)
    arms = {h.name for h in names.find(fold(sentence), "arm")} if names.arm_names else set()
    for row in rows:
        if row.fields.get("marker"):
            continue
        try:
            value = float(row.fields["value"])
        except ValueError:
            continue
        found = _named_best(row, sentence, tables,
                            _matches(row, sentence, words, arms, index.get(value, []),
                                     tables))
        if any(r.startswith("sure quantity:") for r in row.rules):
            # the sentence's own words named the quantity: a cell of another one is no
            # restatement of this number
            found = [c for c in found if c.fields["quantity"] == row.fields["quantity"]]
        keys = {tuple(c.fields[k] for k in BORROWED) for c in found}
        if len(keys) != 1:
            continue
        if any(c.fields["arm"] for c in found) and not arms:
            continue  # an arm's number in a sentence that names no arm
        source = found[0]
        own_denominator = row.fields.get("denominator", "")
        for k in BORROWED:
            row.fields[k] = source.fields[k]
        row.fields["denominator"] = own_denominator
        if row.fields["population"] and not _names_set(sentence, names) and \
                not re.match(r"t?r?ae_", row.fields["quantity"]):
            # the data dictionary: a sentence's population is the set it names itself
            # (adverse events keep their safety set wherever they are printed)
            row.fields["population"] = ""
        row.rules = [r for r in row.rules if not r.startswith("guess:")]
        row.rules.append(f"labels: those of {source.fields['location']}, row "
                         f"'{source.fields['row']}', column '{source.fields['column']}'")
        row.rules.extend(r for r in source.rules if r.startswith("guess:"))
        if row.item is not None and row.item.words:
            # "(three vs eight)": a small number in words meets a cell's by chance as often
            # as it restates it
            row.rules.append("guess: labels: a number in words, the same as a table cell's")
        row.needs_review = source.needs_review or bool(row.item and row.item.words)
        row.confidence = source.confidence
    return rows
