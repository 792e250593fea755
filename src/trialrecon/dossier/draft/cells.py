"""Drafting a table cell from what its row, its column and the table say (:mod:`.tableview`).

For each number of a cell, the pattern it is printed in (:mod:`.numbers`) and the formats the
row, the column, the caption and the notes state give the statistic ("62 (29-84)" under "Data
are median (IQR)" is a median and two quartiles); the table's kind, the row and the column
give the quantity and category (the rules are in :mod:`.quantities`):

- a column of an effect measure ("RR (95% CI)", "Adjusted OR", "Mean difference") gives that
  effect quantity, with the row's outcome as category; a hazard ratio belongs to the endpoint
  the row (or the caption) names, else it is a guess;
- a row naming a time-to-event endpoint gives the endpoint (median), its rate (a percentage)
  or its events (a count);
- adverse-event tables: the grade of the column ("Grade 1-2", "Grade ≥3", "III-IV", "All
  grades"; ``trae_`` when the table or column says treatment-related), the term as category
  (``any`` for any adverse event); the safety population unless the table names another;
- baseline tables: ``male``, ``female``, ``age``, ``ecog`` (the score as category) where the
  characteristic is one of them, else ``baseline`` with ``Characteristic: level`` (a count)
  or ``baseline_value`` with the characteristic (a mean, a median);
- response tables: ``best_response`` (CR, PR, SD, PD, NE), ``orr``, ``dcr``, ``pcr``;
- otherwise ``outcome`` with the row's outcome as category.

The arm is the column's (the trial's declared arm the header names, a pooled "Total"),
none for between-arm columns; the denominator the column's ``n =`` (or the n/N of the cell,
or what the group row states per arm); the P value's test the footnote that names it.
Every label whose rule can be wrong on an ordinary table is a *guess*, and a row with a
guess is flagged ``needs_review``. Anchor: the row's last words as the validator counts them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from trialrecon.dossier import MAX_ANCHOR_WORDS
from trialrecon.dossier.draft import cues, methodkinds, regression, sexpairs, spangroups
from trialrecon.dossier.draft.document import Document, Table
from trialrecon.dossier.draft.drafter import Draft, _clean
from trialrecon.dossier.draft.lexicon import Names
from trialrecon.dossier.draft.measureblocks import after_labels
from trialrecon.dossier.draft.methodtests import method_models, model_test, table_models
from trialrecon.dossier.draft.normalise import fold, normalise
from trialrecon.dossier.draft.nsubgroups import label_effect
from trialrecon.dossier.draft.numbers import Item, find_items
from trialrecon.dossier.draft.quantities import Label, column_time, plain_unit, quantity, score_unit
from trialrecon.dossier.draft.stubs import split_stub
from trialrecon.dossier.draft.tablerows import (
    group_n,
    n_column_value,
    note_adjustment,
    owner_adjustment,
    table_test,
)
from trialrecon.dossier.draft.tablesets import arm_sizes as arm_sizes  # re-exported
from trialrecon.dossier.draft.tablesets import other_set, row_set, unit_set
from trialrecon.dossier.draft.tableview import Column, Row, TableView, label_text, n_of

_NUMBERISH = re.compile(r"\d|not reached|\bNR\b|\bNE\b", re.IGNORECASE)


# ------------------------------------------------------------------------- statistics


def _formats(v: TableView, row: Row, col: Column) -> tuple[str, ...]:
    """The formats that may apply to a cell, most specific source first."""
    return tuple(dict.fromkeys(row.formats + col.formats + v.formats))


_PAIR_STATS = {"median_iqr": ("median", "iqr_low", "iqr_high"),
               "median_range": ("median", "range_low", "range_high"),
               "mean_range": ("mean", "range_low", "range_high"),
               "median_ci": ("median", "ci_low", "ci_high"),
               "mean_ci": ("mean", "ci_low", "ci_high"),
               "est_ci": ("estimate", "ci_low", "ci_high")}


def _pair_format(formats: tuple[str, ...], lab: Label, col: Column) -> tuple[str, str, str]:
    if col.effect:
        return "estimate", "ci_low", "ci_high"
    for f in formats:
        if f in _PAIR_STATS:
            return _PAIR_STATS[f]
    lab.guess("statistic: an interval the table does not name")
    return "median", "range_low", "range_high"


def _statistics(items: list[Item], formats: tuple[str, ...], col: Column, row: Row,
                lab_of: list[Label], text: str = "") -> None:
    """Set each item's statistic (and unit where the pattern fixes it) in ``lab_of``."""
    for item, lab in zip(items, lab_of, strict=True):
        stat = item.statistic
        if col.p or stat == "p_value":
            lab.statistic, lab.unit = "p_value", "probability"
            continue
        if item.pattern in ("estimate and interval", "estimate and ci", "ratio and ci"):
            est, lo, hi = (("estimate", "ci_low", "ci_high") if item.pattern != "estimate and "
                           "interval" and not formats else _pair_format(formats, lab, col))
            if item.pattern != "estimate and interval" and not col.effect:
                est = next((_PAIR_STATS[f][0] for f in formats if f in _PAIR_STATS
                            and _PAIR_STATS[f][1] == "ci_low"), "estimate")
            lab.statistic = {"estimate": est, "ci_low": lo, "ci_high": hi, "pair_low": lo,
                             "pair_high": hi}.get(stat, stat)
        elif item.pattern == "count and percent":
            group = [i for i in items if i.group == item.group]
            first = item.start == min(i.start for i in group)
            x = min(group, key=lambda i: i.start)
            lab.statistic = _count_percent(item, formats, lab, "%" in text, first,
                                           bool(re.fullmatch(r"\d+", x.value or "x")),
                                           _measured(row))
        elif item.pattern == "mean and sd":
            lab.statistic = "se" if stat == "sd" and "mean_se" in formats else stat
        elif item.pattern == "range" and col.ci:
            lab.statistic = stat.replace("range", "ci")  # "0.93–1.81" under "95% CI"
        elif item.pattern == "range":
            opening = min(i.start for i in items if i.group == item.group)
            bracket = text[:opening].rstrip().endswith("[")  # "[21-100]": a range
            iqr = "median_iqr" in formats and "median_range" not in formats and not bracket
            lab.statistic = stat.replace("range", "iqr") if iqr else stat
        elif stat in ("value", "estimate"):
            lab.statistic = _plain(item, formats, col, row, lab)
        else:
            lab.statistic = stat
        if lab.statistic == "percent":
            lab.unit = "percent"


_PAIRED = ("n_pct", "pct_n", "mean_sd", "mean_se")


def _measured(row: Row) -> bool:
    """The stub names a measurement in a unit of its own or a score ("Systolic blood
    pressure, mm Hg", "NIHSS score"), and states no count format: its numbers are no
    counts."""
    stub = split_stub(row.stub)
    if {"n_pct", "pct_n", "n", "pct"} & set(cues.formats_of(row.stub)):
        return False
    return stub.unit not in ("", "percent") or bool(score_unit(stub.name))


_COMMA_INTERVAL = re.compile(r"(-?\d[\d.·]*)\s*[(\[]\s*(-?\d[\d.·]*)\s*[,;]\s*"
                             r"(-?\d[\d.·]*)\s*[)\]]")


def _comma_intervals(items: list[Item], text: str) -> list[Item]:
    """``1.14 (0.88, 1.47)``: three plain numbers an estimate and its interval, printed with a
    comma between the bounds (the number patterns read only ``to`` and dashes)."""
    out = list(items)
    for m in _COMMA_INTERVAL.finditer(text):
        found = [k for k, i in enumerate(out) if i.pattern == "number" and
                 i.start in (m.start(1), m.start(2), m.start(3))]
        if len(found) == 3:
            group = out[found[0]].group
            for k, stat in zip(found, ("estimate", "pair_low", "pair_high"), strict=True):
                out[k] = replace(out[k], statistic=stat, pattern="estimate and interval",
                                 group=group)
    return out


def _count_percent(item: Item, formats: tuple[str, ...], lab: Label, sign: bool,
                   first: bool, x_whole: bool, measured: bool = False) -> str:
    """``x (y)``: a count and percent, or a mean and SD, as the formats and the numbers say
    (``sign``: the cell prints a % sign; ``first``: ``item`` is x; ``x_whole``: x is a
    whole number, as a count must be; ``measured``: the stub names a measurement)."""
    paired = [f for f in formats if f in _PAIRED]
    if formats and formats[0] in ("pct", "n") and x_whole and not measured:
        paired = ["n_pct"]  # the stub says "Male (%)": a count and its percentage
    if not x_whole:  # "72.5 (11.0)" is no count and percent, whatever else the notes list
        paired = [f for f in paired if f != "n_pct"]
    if measured and not sign:  # nor is "81 (12)" of a blood pressure in mm Hg
        paired = [f for f in paired if f not in ("n_pct", "pct_n")]
    chosen = paired[0] if paired else ""
    if sign or chosen in ("n_pct", "pct_n"):
        if item.statistic == "count" and not re.fullmatch(r"\d+", item.value or "x"):
            lab.guess("statistic: a count that is not a whole number")
        return item.statistic  # the pattern (and "% (n)" in find_items) decided
    if chosen:
        return "mean" if first else chosen.split("_")[1]
    if measured:
        lab.guess("statistic: 'x (y)' of a measurement with no mean format stated")
        return "mean" if first else "sd"
    if "n" not in formats and "pct" not in formats:
        lab.guess("statistic: 'x (y)' with no format stated")
    if not x_whole:
        lab.guess("statistic: 'x (y)' of a decimal with no format stated")
        return "mean" if first else "sd"
    return item.statistic


# a column headed by the statistic its plain numbers are ("Mean", "SD", "Min", "Max")
_COLUMN_STATISTICS = {"mean": "mean", "median": "median", "sd": "sd", "s.d.": "sd",
                      "se": "se", "sem": "se", "min": "range_low", "min.": "range_low",
                      "minimum": "range_low", "max": "range_high", "max.": "range_high",
                      "maximum": "range_high", "q1": "iqr_low", "q3": "iqr_high",
                      "25th percentile": "iqr_low", "75th percentile": "iqr_high",
                      "%": "percent", "percent": "percent", "percentage": "percent",
                      "geometric mean": "geometric_mean", "cv": "cv", "cv%": "cv",
                      "cv (%)": "cv"}


def _plain(item: Item, formats: tuple[str, ...], col: Column, row: Row, lab: Label) -> str:
    if item.marker or col.effect:
        return "estimate" if col.effect else "median"
    head = fold(col.label.split(" / ")[-1]).strip() if col.label else ""
    if regression.ci_bound(col.label) and col.ci:  # "95% CI / Lower | Upper"
        return regression.ci_bound(col.label)
    if head in _COLUMN_STATISTICS:
        lab.rules.append(f"statistic: the column '{col.label.split(' / ')[-1]}'")
        return _COLUMN_STATISTICS[head]
    if item.unit == "percent" or "pct" in formats[:1] or cues.bare_percent(col.label):
        return "percent"  # a header "Drug (N = 63) %" whatever the stub says ("N stage (n)")
    for f, stat in (("n", "count"), ("pct", "percent"), ("median", "median"), ("mean", "mean")):
        if f in formats[:2]:
            return stat
    if re.fullmatch(r"\d+", item.value or "x"):
        if not cues.unit_stub(row.label.split(" / ")[-1]):  # "Households 412": a sure count
            lab.guess("statistic: a whole number read as a count")
        return "count"
    lab.guess("statistic: a plain number")
    return "value"


# ---------------------------------------------------------------------------- cells


def _row_arm(row: Row, col: Column, lab: Label, names: Names) -> None:
    """A table with the arms in its rows (and groups or times in its columns)."""
    if lab.arm or col.between or not names.arm_names:
        return
    arm, rule = names.arm_of_header(row.stub)
    if arm:
        lab.arm = arm
        lab.rules.append(f"arm: the row ({rule})")
        lab.guess("arms in the rows: the category is the column's")
        lab.category = ": ".join(p for p in col.label.split(" / ") if p)


def _arm(v: TableView, col: Column, lab: Label, names: Names) -> None:
    if col.between:
        lab.arm, lab.versus = (col.arm, col.versus) if col.versus else ("", "")
        if col.extra and v.kind != "ae":
            lab.guess(f"subgroup or time: the header also says '{col.extra}'")
        roles = {a.ident: a.role for a in names.randomized_arms}
        if len(roles) == 2 and roles.get(lab.arm) == "experimental" and \
                roles.get(lab.versus) == "comparator":
            lab.arm, lab.versus = "", ""  # the usual direction of a two-arm trial
        if len(names.randomized_arms) > 2 and not col.versus:
            lab.guess("arm: a comparison of more than two arms")
        return
    if not names.arm_names:
        if names.design == "randomized":
            lab.guess("arm: the trial declares no arms")
        return
    lab.arm = col.arm
    if col.arm:
        lab.rules.append(f"arm: {col.arm_rule}")
        if col.extra and v.kind != "ae" and col.extra != col.time:
            lab.guess(f"subgroup or time: the header also says '{col.extra}'")
    elif re.search(r"\b(total|all patients|overall|combined|both)\b", fold(col.label)):
        lab.rules.append("arm: a total column")
    else:
        lab.guess("arm: a column naming no declared arm")


def _denominator(v: TableView, row: Row, col: Column, item: Item, lab: Label,
                 items: list[Item]) -> None:
    """The number of patients the value refers to: its own n/N, the n its group row gives
    its arm, the row's n column, the column's n; a row under a heading row that prints a
    count takes that count where its percentage says so."""
    if lab.statistic in ("p_value", "estimate", "ci_low", "ci_high") and col.between \
            or row.n_row or col.n_column:
        return
    if item.denominator:
        lab.denominator = item.denominator
        return
    for arm, n in row.denominators:
        if arm == lab.arm:
            lab.denominator = n
            return
    lab.denominator = n_column_value(v, row, col) or group_n(v, row, col) or \
        col.denominator or n_of(row.stub)
    parent = _parent_count(v, row, col)
    if parent and lab.denominator != parent and _share(items, parent) and \
            not _share(items, lab.denominator):
        lab.denominator = parent  # "CT angiography done 121" heads "Spot positive 24 (20%)"
        lab.rules.append("denominator: the count of the row heading it, which its "
                         "percentage reproduces")


def _parent_count(v: TableView, row: Row, col: Column) -> str:
    """The count the row's heading prints in this column, when the heading is a row with
    numbers of its own ("CT angiography done | 121 (11%)" above "Spot positive"), or ""."""
    if not row.group:
        return ""
    head = row.group.split(" / ")[-1]
    for r in range(row.index - 1, v.header_rows - 1, -1):
        above = v.rows.get(r)
        if above is not None and above.stub == head:
            m = re.match(r"^\s*(\d[\d,]*)\s*(?:\(|$)", v.table.cell_at(r, col.index).plain)
            return m.group(1).replace(",", "") if m else ""
    return ""


def _share(items: list[Item], n: str) -> bool:
    """A count and percentage of ``items`` that ``n`` reproduces (to the printed decimals)."""
    counts = [i for i in items if i.statistic == "count" and i.value.isdigit()]
    pcts = [i for i in items if i.statistic == "percent"]
    if not counts or not pcts or not n.isdigit() or int(n) == 0:
        return False
    decimals = len(pcts[0].value.partition(".")[2])
    try:
        printed = float(pcts[0].value)
    except ValueError:
        return False
    return abs(100 * int(counts[0].value) / int(n) - printed) <= 0.5 * 10 ** -decimals + 1e-9


def _optional(v: TableView, row: Row, col: Column, marks: tuple[str, ...], lab: Label,
              names: Names) -> None:
    # (a baseline table's caption naming the ITT set gives its cells `itt`: data dictionary)
    own = row_set(row.stub, names)  # a row naming its own set: it, never the table's
    named = lab.population or row.population or (own if own is not None else col.population
                                                 or v.population)
    arm_sets = {c.population for c in v.data_columns() if c.arm and not c.between}
    if not named and own is None and col.between and len(arm_sets) == 1:
        named = arm_sets.pop()  # a P value between arm columns that all count one set
    declared = names.population_of_counts(v.row_counts.get(row.index, set())) or \
        names.population_of_counts({n for _, n in row.denominators}) or \
        names.population_of_counts(v.column_counts)
    if declared and named not in dict(names.populations):
        # the columns count a set the trial declares ("96 and 102"): it, before the
        # generic word a caption uses for it ("evaluable")
        lab.population = declared
        lab.rules.append("population: the declared set whose counts the row prints")
        if named:  # "Intention-to-treat population" over a row of a declared subset
            lab.guess(f"population: the table names '{named}', the row counts '{declared}'")
    else:
        lab.population = named
    if not lab.population:
        lab.population = unit_set(v, names)
        if own == "" and not lab.population:
            lab.guess("population: the row names a set of its own the trial does not declare")
    # (a set the methods analyse by is not copied onto rows that do not say it: the data
    # dictionary's population is the value's own table's or sentence's)
    if not lab.population and lab.denominator and col.denominator and \
            lab.denominator != col.denominator and any(a == lab.arm for a, _ in row.denominators) \
            and not (v.kind == "baseline" and group_n(v, row, col)):  # "Age / n": missing data
        lab.guess("population: the row counts a set of its own")
    elif not lab.population and col.between and \
            any(n not in v.column_counts for _, n in row.denominators):
        lab.guess("population: the effect compares a set of its own (the row's n is not "
                  "the columns')")
    if not lab.population and v.kind == "ae" and lab.quantity.startswith((
            "ae_", "trae_", "outcome")):  # an outcome there: a mean grade, days to recovery
        lab.population = "safety"
        lab.rules.append("population: an adverse-event table")
        if v.several_ae:
            lab.guess("population: several adverse-event tables (acute and late, by phase): "
                      "the set or time that tells this one apart is not named")
    if lab.statistic in ("count", "percent") and not col.between:
        lab.adjustment = ""
    else:
        lab.adjustment = col.adjustment or owner_adjustment(v, col) or \
            cues.adjustment_of(row.label) or note_adjustment(v, col, marks)
    if lab.statistic == "p_value":
        test, several = table_test(v, row, col, marks)
        if test:
            lab.test = test
        elif several:
            lab.guess(several)
        elif v.method_tests or v.method_models:  # the model named for this kind of outcome
            models = table_models(v.method_models, v.kind == "regression", col.label)
            lab.test = model_test(models, lab.quantity, lab.adjustment,
                                  f"{row.label} {row.notes} {v.context}") or \
                methodkinds.row_test(v, row)
            lab.guess("test: the methods name tests, the table does not say which")
        if "interaction" in fold(col.label + " " + row.label):
            lab.hypothesis = "interaction"
        notes = " ".join(n.text for n in v.table.footnotes if not n.mark or n.mark in marks)
        sided = re.findall(r"\b(one|two|1|2)[- ]sided\b", fold(notes))
        if len(set(sided)) == 1:
            lab.sided = "one_sided" if sided[0] in ("one", "1") else "two_sided"


def _anchor(doc: Document, t: Table, row: int, col: int) -> str:
    """The row as printed from its first printed cell up to cell ``col`` (last words)."""
    cell = t.cell_at(row, col)
    starts = [t.cell_at(row, c).start for c in range(col + 1)
              if t.is_origin(row, c) and t.cell_at(row, c).plain]
    start = min(starts) if starts else cell.start
    words = normalise(doc.text[start:cell.end], lower=False, signs=False).text.split()
    return " ".join(words[-MAX_ANCHOR_WORDS:])


def _cell_drafts(doc: Document, v: TableView, row: Row, col: Column, names: Names,
                 source_id: str, refs: regression.Refs) -> list[Draft]:
    t = v.table
    cell = t.cell_at(row.index, col.index)
    text, origin = _clean(cell.text, cell.start)
    if not origin:
        return []
    formats = _formats(v, row, col)
    items, labels = sexpairs.cell_items(find_items(text, "pct_n" in formats), row.stub)
    if not items:
        return []
    if any(i.pattern == "events over n" for i in items) and re.search(r"\w\s*/\s*\w", row.stub):
        for lab in labels:  # "Males/Females 112/104": two counts, not n of N
            lab.guess("statistic: x/y under a stub naming two things")
    items = _comma_intervals(items, text)
    _statistics(items, formats, col, row, labels, text)
    stats = [lab.statistic for lab in labels if lab.statistic]
    if len(stats) != len(set(stats)):  # "14.5 (5.8, 33.8) [1.5 (0.6, 3.6)]": two units, two sets
        for lab in labels:
            lab.guess("statistic: the cell prints one statistic twice (another unit or measure)")
    if (row.n_row or col.n_column) and not col.between:
        for lab in labels:
            lab.statistic, lab.quantity, lab.unit = "count", "analysed", v.count_unit
            lab.population = row.population or col.population or v.population
            lab.rules.append("quantity: a row or column giving each arm's n")
            if col.n_column:
                lab.guess("quantity: the patients a row counts (assessed for this term)")
            if not lab.population:
                lab.guess("population: the set a row's n counts")
    out = []
    anchor = _anchor(doc, t, row.index, col.index)
    for item, lab in zip(items, labels, strict=True):
        if not lab.quantity:
            quantity(v, row, col, lab, names)
        _arm(v, col, lab, names)
        _row_arm(row, col, lab, names)
        _denominator(v, row, col, item, lab, items)
        _optional(v, row, col, cell.marks, lab, names)
        spangroups.own_group(v, row, col, lab, names, item.denominator)
        after_labels(v, row, col, lab)  # a note's set, a measurement block, a stub's set
        label_effect(v, row, col, lab)  # (a table of an outcome by subgroup)
        if regression.is_model_cell(v, col, lab):
            regression.label_model_row(v, row, col, lab, names, refs)
        if not lab.unit:
            lab.unit = plain_unit(v, row, lab, item.unit)
        column_time(lab, col.time, row.time)
        out.append(_draft(lab, item, source_id, v, row, col, cell.marks, anchor,
                          origin[item.start] if item.start < len(origin) else origin[-1],
                          names))
    return out


def _draft(lab: Label, item: Item, source_id: str, v: TableView, row: Row, col: Column,
           marks: tuple[str, ...], anchor: str, offset: int, names: Names) -> Draft:
    fields = {
        "source": source_id, "location": v.table.label, "row": row.label, "column": col.label,
        "anchor": anchor, "cohort": col.cohort or names.pooled, "arm": lab.arm,
        "subgroup": lab.subgroup, "quantity": lab.quantity, "category": lab.category,
        "statistic": lab.statistic, "value": item.value,
        "comparator": item.comparator if item.comparator != "=" else "", "unit": lab.unit,
        "denominator": lab.denominator, "marker": item.marker, "sided": lab.sided,
        "level": item.level if item.level not in ("", "95") else "",
        "footnote": ",".join(marks), "supersedes": "", "note": "", "data_cut": "",
        "versus": lab.versus, "adjustment": lab.adjustment, "test": lab.test,
        "population": lab.population, "hypothesis": lab.hypothesis,
    }
    if not fields["cohort"]:
        lab.guess("cohort: none named")
    if row.nesting == "unknown":
        lab.guess("row: nested group headings; whether this group is still under the outer "
                  "one is not printed")
    if v.unnamed_set and not fields["population"]:
        lab.guess("population: the columns count an analysis set the table does not name")
    elif fields["population"] in v.note_sets:
        lab.guess("population: read from a note's words (patients excluded from the analysis)")
    rules = [f"pattern: {item.pattern}", f"table: {v.kind}", *lab.rules,
             *(f"guess: {g}" for g in lab.guesses)]
    confidence = 0.9 if not lab.guesses else 0.4
    return Draft(fields, offset, rules, confidence, needs_review=bool(lab.guesses))


def _header_drafts(doc: Document, v: TableView, names: Names, source_id: str,
                   sizes: dict[str, str]) -> list[Draft]:
    """The ``n = 141`` of each column header: the size of the arm in the table's set."""
    t, out = v.table, []
    seen: set[int] = set()
    for r in range(v.header_rows):
        for c in range(t.stub_columns, t.n_cols):
            cell = t.cell_at(r, c)
            if not t.is_origin(r, c) or id(cell) in seen or not n_of(cell.plain):
                continue
            seen.add(id(cell))
            col = v.columns[c]
            text, origin = _clean(cell.text, cell.start)
            items = [i for i in find_items(text) if i.value == n_of(cell.plain)]
            if not items or not origin:
                continue
            lab = Label(statistic="count", unit="patients")
            _arm(v, col, lab, names)
            lab.population = col.population or v.population or \
                names.population_of_counts(v.column_counts)
            if v.kind == "baseline" and lab.population == "itt":
                lab.population = ""
            if v.count_unit != "patients":  # the devices or infants the table counts
                lab.quantity, lab.unit = "analysed", v.count_unit
                lab.population = lab.population or unit_set(v, names)
            elif v.kind == "ae" or lab.population in ("safety", "as_treated"):
                lab.quantity = "safety_population"
                lab.population = lab.population or "safety"
            elif v.kind == "baseline" and lab.population in ("", "itt"):
                lab.quantity = "randomized" if names.arm_names else "enrolled"
            elif sizes and sizes.get(lab.arm) == col.denominator and not lab.population:
                lab.quantity = "randomized"
                lab.guess("quantity: the n of an analysis table that counts every randomized "
                          "patient (randomized, or analysed in the ITT set)")
            else:
                lab.quantity = "analysed"
                lab.guess("quantity: the n of an analysis table")
            lab.rules.append("quantity: column header n")
            column = label_text(" / ".join(col.label.split(" / ")[:_depth(col.label, cell)]))
            item = items[-1]
            d = _draft(lab, item, source_id, v, Row(-1, "", "", ""), col, cell.marks,
                       " ".join(normalise(text, lower=False, signs=False).text.split()),
                       origin[item.start], names)
            d.fields["column"], d.fields["note"] = column, "column header n"
            out.append(d)
    return out


def _set_row_drafts(doc: Document, v: TableView, names: Names, source_id: str
                    ) -> list[Draft]:
    """The n's of a row naming an analysis set ("ITT sample | (n = 418) | ...")."""
    out = []
    for row in v.set_rows.values():
        for col in v.data_columns():
            cell = v.table.cell_at(row.index, col.index)
            n = n_of(cell.plain)
            if not v.table.is_origin(row.index, col.index) or not n:
                continue
            text, origin = _clean(cell.text, cell.start)
            items = [i for i in find_items(text) if i.value == n]
            if not items or not origin:
                continue
            lab = Label(statistic="count", unit="patients", quantity="analysed",
                        population=row.population)
            _arm(v, col, lab, names)
            lab.rules.append("quantity: the n of a row naming an analysis set")
            if not row.population:
                lab.guess("population: a set the row names in words of its own")
            out.append(_draft(lab, items[-1], source_id, v, row, col, cell.marks,
                              _anchor(doc, v.table, row.index, col.index),
                              origin[items[-1].start], names))
    return out


def _depth(label: str, cell: object) -> int:
    parts = label.split(" / ")
    plain = label_text(getattr(cell, "plain", ""))
    return next((i + 1 for i, p in enumerate(parts) if p == plain), len(parts))


def _row_counts(v: TableView) -> dict[int, set[str]]:
    """{row: the n/N denominators its arm columns print}; a heading row printing only an
    effect ("Severity | | | OR 1.03") has those of the levels it heads."""
    out: dict[int, set[str]] = {}
    for r in v.rows:
        found = set()
        for col in v.data_columns():
            if col.between or not v.table.is_origin(r, col.index):
                continue
            found.update(i.denominator for i in find_items(v.table.cell_at(r, col.index).plain)
                         if i.denominator and i.statistic == "count")
        out[r] = found
    for r, row in v.rows.items():
        if row.heading and not out[r]:
            out[r] = set().union(*(out[k] for k, below in v.rows.items() if k > r and
                                   below.group.rpartition(" / ")[2] == row.stub))
    return out


def draft_table(doc: Document, v: TableView, names: Names, source_id: str,
                sizes: dict[str, str] | None = None,
                method_tests: tuple[tuple[str, str], ...] = (),
                method_population: str = "", several_ae: bool = False) -> list[Draft]:
    """Every draft row of a table read as ``v`` (:func:`.tableview.view`): its header n's
    and its body cells.

    ``sizes``: the arms' sizes as the baseline table prints them; an analysis table whose
    columns count other numbers of patients, and that names no analysis set, has every row
    flagged (its set is one the reviewer must name).
    """
    t = v.table
    v.method_tests, v.several_ae = method_tests, several_ae
    v.method_models = method_models(doc)
    if other_set(v, sizes or {}):
        v.unnamed_set = True
    elif v.kind in ("outcome", "response") and not v.population:
        v.method_population = method_population
    v.column_counts = {c.denominator for c in v.data_columns() if c.arm and c.denominator}
    v.row_counts = _row_counts(v)
    out = _header_drafts(doc, v, names, source_id, sizes or {})
    out.extend(_set_row_drafts(doc, v, names, source_id))
    refs = regression.prepare(v)
    for r, row in v.rows.items():
        for col in v.data_columns():
            if t.is_origin(r, col.index) and _NUMBERISH.search(t.cell_at(r, col.index).plain):
                out.extend(_cell_drafts(doc, v, row, col, names, source_id, refs))
    return out
