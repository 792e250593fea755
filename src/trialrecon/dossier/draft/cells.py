"""Drafting a table cell from what its row, its column and the table say (:mod:`.tableview`).

For each number of a cell, the pattern it is printed in (:mod:`.numbers`) and the formats the
row, the column, the caption and the notes state give the statistic ("62 (29-84)" under "Data
are median (IQR)" is a median and two quartiles); the table's kind, the row and the column
give the quantity and category:

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
guess is flagged ``needs_review``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialrecon.dossier import MAX_ANCHOR_WORDS
from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.document import Document, Table
from trialrecon.dossier.draft.drafter import Draft, _clean
from trialrecon.dossier.draft.lexicon import Names, lexicon
from trialrecon.dossier.draft.normalise import fold, normalise
from trialrecon.dossier.draft.numbers import Item, find_items
from trialrecon.dossier.draft.tableview import Column, Row, TableView, label_text, n_of, view

_NUMBERISH = re.compile(r"\d|not reached|\bNR\b|\bNE\b", re.IGNORECASE)
_STAT_WORDS = re.compile(r"^(?:median|mean|range|iqr|sd|se|n|no\.?|%|min(?:imum)?|max(?:imum)?|"
                         r"mean\s*\(sd\)|mean\s*±\s*sd|median\s*\((?:iqr|range)\)|q1.*|q3.*|"
                         r"median\s*\(95%,?\s*ci\)|median \(months\)|interquartile range)"
                         r"(?:\s*[,(].*)?$", re.IGNORECASE)
_LEVEL = re.compile(r"^(?:yes|no|none|nil|mild|moderate|severe|low|medium|intermediate|high|"
                    r"normal|abnormal|other|others|unknown|missing|present|absent|positive|"
                    r"negative|[<>≤≥]\s*\d.*|\d+(?:\s*[-–]\s*\d+)?(?:\s*\+)?|"
                    r"\d+\s*(?:or|to)\s*(?:more|\d+).*)$", re.IGNORECASE)
_UNIT_IN_LABEL = re.compile(r"(?:\(([^()]{1,30})\)|,\s*([A-Za-z/%0-9. ²³µ^-]{1,25}))\s*$")
_FREE_UNIT = re.compile(r"^[A-Za-z0-9 /.%^()*_-]{1,40}$")
_TIME_UNITS = {"months": "months", "month": "months", "mo": "months", "years": "years",
               "year": "years", "yrs": "years", "y": "years", "weeks": "weeks", "week": "weeks",
               "days": "days", "day": "days", "d": "days", "hours": "hours", "h": "hours"}
_ANY = re.compile(r"^(?:any|all|total|overall|any (?:adverse )?events?|any aes?|all aes?|"
                  r"any teaes?|patients with (?:any|at least one).*|at least one.*|total.*)$",
                  re.IGNORECASE)
_AE_SPECIAL = (("ae_serious", re.compile(r"\bserious\b|\bsaes?\b", re.IGNORECASE)),
               ("ae_discontinuation", re.compile(r"discontinu|withdraw|leading to (?:study )?"
                                                 r"(?:drug )?(?:stop|termination)",
                                                 re.IGNORECASE)),
               ("ae_death", re.compile(r"\bdeaths?\b|\bdied\b|fatal|grade 5", re.IGNORECASE)))


@dataclass
class Label:
    """The labels of one number and the guesses among them."""

    quantity: str = ""
    category: str = ""
    statistic: str = ""
    unit: str = ""
    arm: str = ""
    versus: str = ""
    population: str = ""
    adjustment: str = ""
    test: str = ""
    hypothesis: str = ""
    sided: str = ""
    denominator: str = ""
    rules: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)

    def guess(self, what: str) -> None:
        self.guesses.append(what)


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
                lab_of: list[Label]) -> None:
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
            lab.statistic = _count_percent(item, formats, lab)
        elif item.pattern == "mean and sd":
            lab.statistic = "se" if stat == "sd" and "mean_se" in formats else stat
        elif item.pattern == "range":
            iqr = "median_iqr" in formats and "median_range" not in formats
            lab.statistic = stat.replace("range", "iqr") if iqr else stat
        elif stat in ("value", "estimate"):
            lab.statistic = _plain(item, formats, col, row, lab)
        else:
            lab.statistic = stat
        if lab.statistic == "percent":
            lab.unit = "percent"


def _count_percent(item: Item, formats: tuple[str, ...], lab: Label) -> str:
    """``x (y)``: a count and percent, or a mean and SD, as the formats and the numbers say."""
    first = item.statistic == "count" if item.unit != "percent" else False
    whole = bool(re.fullmatch(r"\d+", item.value or "x"))
    if item.unit == "percent" or ("n_pct" in formats or "pct_n" in formats) and \
            (whole or not first):
        if first and not whole:
            lab.guess("statistic: a count that is not a whole number")
        return item.statistic  # the pattern (and "% (n)" in find_items) decided
    for f, pair in (("mean_sd", ("mean", "sd")), ("mean_se", ("mean", "se"))):
        if f in formats:
            return pair[0] if first else pair[1]
    if whole or not first:
        if "n" not in formats and "pct" not in formats and "n_pct" not in formats:
            lab.guess("statistic: 'x (y)' with no format stated")
        return item.statistic
    lab.guess("statistic: 'x (y)' of a decimal with no format stated")
    return "mean"


def _plain(item: Item, formats: tuple[str, ...], col: Column, row: Row, lab: Label) -> str:
    if item.marker:
        return "estimate" if col.effect else "median"
    if col.effect:
        return "estimate"
    if item.unit == "percent" or "pct" in formats[:1]:
        return "percent"
    for f, stat in (("n", "count"), ("pct", "percent"), ("median", "median"), ("mean", "mean")):
        if f in formats[:2]:
            return stat
    if re.fullmatch(r"\d+", item.value or "x"):
        lab.guess("statistic: a whole number read as a count")
        return "count"
    lab.guess("statistic: a plain number")
    return "value"


# --------------------------------------------------------------------------- quantity


def _unit_of_label(label: str) -> str:
    """The unit a row or column label prints ("Weight (kg)", "Age, years"), or ""."""
    m = _UNIT_IN_LABEL.search(label.strip())
    if not m:
        return ""
    unit = (m.group(1) or m.group(2) or "").strip()
    unit = unit.replace("µ", "u").replace("μ", "u").replace("²", "2").replace("³", "3")
    low = unit.lower()
    if low in _TIME_UNITS:
        return _TIME_UNITS[low]
    if low in ("%", "percent", "n", "n (%)", "no.", "range", "iqr", "sd", "median", "mean") \
            or not _FREE_UNIT.match(unit) or not re.search(r"[a-z]", low):
        return ""
    return unit if re.search(r"/|\bmg\b|\bkg\b|\bcm\b|\bmm|\bg\b|\bl\b|mmol|u/l|score|"
                             r"points|gy|\bm2\b|bpm", low) else ""


def _category_name(row: Row) -> str:
    """The characteristic or outcome a row names: its stub, or its group when the stub is a
    statistic ("Age, years / Median" names "Age, years")."""
    if row.group and _STAT_WORDS.match(row.stub):
        return row.group.split(" / ")[-1]
    return row.stub


_DIVIDER = re.compile(r"\b(outcomes?|end ?points?|measures?|results?|efficacy|safety)\b",
                      re.IGNORECASE)


def _outcome_category(row: Row) -> str:
    """An outcome as its table names it: the stub; ``Group: level`` for a level of a grouped
    outcome ("Severity of respiratory disease / Mild"); a divider group ("Secondary
    outcomes") is not part of it."""
    group = row.group.split(" / ")[-1] if row.group else ""
    if not group or _DIVIDER.search(group):
        return row.stub
    if _STAT_WORDS.match(row.stub):
        return group
    return f"{group}: {row.stub}"


def _outcome_category_sure(row: Row) -> bool:
    """Whether :func:`_outcome_category` is sure: no group, a divider, or a level under it
    (an outcome's own name under a group may stand alone in a reviewer's dossier)."""
    group = row.group.split(" / ")[-1] if row.group else ""
    return not group or bool(_DIVIDER.search(group)) or bool(_STAT_WORDS.match(row.stub)) \
        or bool(_LEVEL.match(row.stub))


def _level_category(row: Row) -> str:
    """``Characteristic: level`` of a baseline count ("Sex / Male" -> "Sex: Male")."""
    if row.group:
        return f"{row.group.split(' / ')[-1]}: {row.stub}"
    return row.stub


def _endpoint(v: TableView, row: Row, names: Names) -> str:
    return cues.endpoint_of(row.label, names.endpoints)


def _landmark(text: str) -> str:
    m = re.search(r"(\d+(?:\.\d+)?)[- ](?:year|yr)s?\b|(\d+(?:\.\d+)?)\s*(years?|months?|weeks?)\b"
                  r"|(\d+(?:\.\d+)?)[- ]month", fold(text))
    if not m:
        return ""
    if m.group(1):
        return f"{m.group(1)} years"
    if m.group(2):
        unit = m.group(3) if m.group(3).endswith("s") else m.group(3) + "s"
        return f"{m.group(2)} {unit}"
    return f"{m.group(4)} months"


def _quantity(v: TableView, row: Row, col: Column, lab: Label, names: Names) -> None:
    """Set the quantity, category and unit of a number of a per-arm or between-arm column."""
    stat = lab.statistic
    if col.effect:
        _effect_quantity(v, row, col, lab, names)
        return
    owner = v.effect_of_p(col) if col.p else None
    if owner is not None and _row_has_effect(v, row, owner):
        _effect_quantity(v, row, owner, lab, names)
        lab.rules.append("quantity: the P value of the effect beside it")
        return
    endpoint = _endpoint(v, row, names)
    if endpoint and v.kind in ("outcome", "response", "other", "regression") and \
            not _AE_SPECIAL[2][1].search(row.stub) or endpoint and row.stub.lower() in (
                "median", "median (95% ci)"):
        _endpoint_quantity(endpoint, row, col, lab, names)
        return
    if v.kind == "ae":
        _ae_quantity(v, row, col, lab)
    elif v.kind == "baseline":
        _baseline_quantity(row, lab)
    elif v.kind == "response" or cues.first("response_rows", row.stub) or \
            lexicon().response_category(row.stub):
        _response_quantity(row, lab)
    else:
        lab.quantity, lab.category = "outcome", _outcome_category(row)
        lab.rules.append("quantity: outcome of the row")
        if not _outcome_category_sure(row):
            lab.guess("category: an item under a group")
        if v.kind not in ("outcome",):
            lab.guess("quantity: a table whose kind is not read")
        if stat not in ("count", "percent", "p_value"):
            lab.unit = lab.unit or _unit_of_label(row.label) or _unit_of_label(col.label)


def _row_has_effect(v: TableView, row: Row, col: Column) -> bool:
    """The row prints a number in effect column ``col``."""
    cell = v.table.cell_at(row.index, col.index)
    return bool(_NUMBERISH.search(cell.plain))


def _effect_measure(v: TableView, row: Row, col: Column, lab: Label) -> str:
    """The effect measure of a cell: the column's, else the row's or the table's notes'."""
    if col.effect != "unnamed":
        return col.effect
    if row.effect:
        lab.rules.append("effect: named by the row's footnote")
        return row.effect
    if v.effect:
        lab.rules.append("effect: named by the table's notes")
        return v.effect
    lab.guess("quantity: an effect column that names no measure")
    formats = row.formats + col.formats + v.formats
    return "mean_difference" if any(f.startswith("mean") for f in formats[:1]) else "risk_ratio"


def _effect_quantity(v: TableView, row: Row, col: Column, lab: Label, names: Names) -> None:
    effect = _effect_measure(v, row, col, lab)
    lab.rules.append(f"quantity: effect column '{col.label}'")
    if effect == "hazard_ratio":
        endpoint = _endpoint(v, row, names) or cues.endpoint_of(v.caption, names.endpoints)
        if endpoint:
            lab.quantity, lab.category = f"{endpoint}_hr", ""
            if v.kind == "regression":
                lab.guess("quantity: a hazard ratio of a covariate in a model")
        else:
            lab.quantity, lab.category = "outcome", _category_name(row)
            lab.guess("quantity: a hazard ratio of an endpoint not named")
    else:
        lab.quantity, lab.category = effect, _outcome_category(row)
        if not _outcome_category_sure(row):
            lab.guess("category: an item under a group")
    if lab.statistic == "p_value":
        lab.unit = "probability"
    elif effect in ("risk_ratio", "odds_ratio", "hazard_ratio", "rate_ratio", "ratio_of_means"):
        lab.unit = "ratio"
    elif effect == "risk_difference":
        lab.unit = "percentage_points"
    elif effect in ("nnt", "nnh"):
        lab.unit = "patients"
    elif effect == "std_mean_difference":
        lab.unit = "none"
    else:
        lab.unit = _unit_of_label(row.label) or "none"
        lab.guess("unit: of a difference")


def _endpoint_quantity(endpoint: str, row: Row, col: Column, lab: Label, names: Names) -> None:
    stat = lab.statistic
    text = f"{row.label} {col.label}"
    lab.rules.append(f"quantity: endpoint '{endpoint}' of the row")
    if re.search(r"\bevents?\b|\bdeaths?\b|\bdied\b|no\. of|number of", fold(text)) and \
            stat in ("count", "percent"):
        lab.quantity = "deaths" if endpoint == "os" else f"{endpoint}_events"
    elif stat == "percent" or _landmark(text) and stat in ("estimate", "ci_low", "ci_high"):
        lab.quantity, lab.category = f"{endpoint}_rate", _landmark(text)
        if not lab.category:
            lab.guess("category: a landmark not printed")
        if stat == "estimate":
            lab.statistic = "percent"
    elif stat == "p_value":
        lab.quantity = f"{endpoint}_hr"
        lab.guess("quantity: a P value between survival curves")
    else:
        lab.quantity = endpoint
        unit = _unit_of_label(row.label) or _unit_of_label(row.group) or \
            _TIME_UNITS.get(next(iter(re.findall(r"\b(months?|years?|weeks?|days?)\b",
                                                 fold(text))), ""), "")
        lab.unit = unit or "months"
        if not unit:
            lab.guess("unit: of a time not printed")
        if stat == "estimate":
            lab.statistic = "median"
            lab.guess("statistic: an endpoint's estimate read as its median")


def _ae_quantity(v: TableView, row: Row, col: Column, lab: Label) -> None:
    prefix = "trae_" if (v.related or col.related) else "ae_"
    category = "any" if _ANY.match(row.stub) else row.stub
    for quantity, pattern in _AE_SPECIAL:
        if pattern.search(row.stub) and not col.grade:
            lab.quantity, lab.category = quantity, "any"
            lab.rules.append(f"quantity: '{row.stub}' of an adverse-event table")
            return
    grade = col.grade or cues.grade(row.group) or cues.grade(v.caption)
    if not grade:
        grade = cues.grade(row.stub)
        if grade:
            category = "any"
    if not grade:
        grade = "any_grade"
        lab.guess("quantity: an adverse event of no grade printed")
    lab.quantity, lab.category = prefix + grade, category
    lab.rules.append(f"quantity: grade '{grade}' of an adverse-event table")
    if lab.statistic == "p_value":
        lab.guess("quantity: a P value of an adverse-event table")


def _baseline_quantity(row: Row, lab: Label) -> None:
    name = _category_name(row)
    own = cues.first("baseline_quantities", row.stub)
    parent = cues.first("baseline_quantities", row.group.split(" / ")[-1]) if row.group else ""
    stat = lab.statistic
    lab.rules.append("quantity: characteristic of a baseline table")
    if own in ("female", "male") or parent in ("female", "male") and own in ("female", "male"):
        lab.quantity, lab.category = own, ""
    elif own == "age" and stat not in ("count", "percent") or parent == "age" and \
            _STAT_WORDS.match(row.stub):
        lab.quantity, lab.category = "age", ""
        if stat != "p_value":
            lab.unit = "years"
    elif parent == "ecog" or own == "ecog" and stat not in ("count", "percent"):
        lab.quantity = "ecog"
        lab.category = row.stub if parent == "ecog" else ""
    elif "prior_treatment" in (own, parent) and stat in ("count", "percent", "p_value"):
        lab.quantity = "prior_treatment"
        lab.category = row.stub if parent == "prior_treatment" else ""
    elif stat in ("count", "percent"):
        lab.quantity, lab.category = "baseline", _level_category(row)
        if not row.group:
            lab.guess("category: a characteristic with no level printed")
    elif stat == "p_value":
        lab.quantity, lab.category = "baseline", name
        lab.guess("quantity: the P value of a characteristic")
    else:
        lab.quantity, lab.category = "baseline_value", name
        lab.unit = _unit_of_label(name) or _unit_of_label(row.label)
        if not lab.unit:
            lab.unit = "none"
            lab.guess("unit: a characteristic's unit not printed")


def _response_quantity(row: Row, lab: Label) -> None:
    code = lexicon().response_category(row.stub)
    kind = cues.first("response_rows", row.stub) or cues.first("response_rows", row.group)
    lab.rules.append("quantity: row of a response table")
    if kind == "pcr":
        lab.quantity = "pcr"
    elif kind and not code or kind and re.search(r"\+|rate|overall|objective", fold(row.stub)):
        lab.quantity = kind
    elif code:
        lab.quantity, lab.category = "best_response", code
    else:
        lab.quantity, lab.category = "outcome", _category_name(row)
        lab.guess("quantity: a row of a response table")


# ---------------------------------------------------------------------------- cells


def _arm(v: TableView, col: Column, lab: Label, names: Names) -> None:
    if col.between:
        lab.arm, lab.versus = (col.arm, col.versus) if col.versus else ("", "")
        roles = {a.ident: a.role for a in names.randomized_arms}
        if len(roles) == 2 and roles.get(lab.arm) == "experimental" and \
                roles.get(lab.versus) == "comparator":
            lab.arm, lab.versus = "", ""  # the usual direction of a two-arm trial
        if len(names.randomized_arms) > 2 and not col.versus:
            lab.guess("arm: a comparison of more than two arms")
        return
    if not names.arm_names:
        return
    lab.arm = col.arm
    if col.arm:
        lab.rules.append(f"arm: {col.arm_rule}")
    elif re.search(r"\b(total|all patients|overall|combined|both)\b", fold(col.label)):
        lab.rules.append("arm: a total column")
    else:
        lab.guess("arm: a column naming no declared arm")


def _denominator(row: Row, col: Column, item: Item, lab: Label) -> None:
    if lab.statistic in ("p_value", "estimate", "ci_low", "ci_high") and col.between:
        return
    if item.denominator:
        lab.denominator = item.denominator
        return
    for arm, n in row.denominators:
        if arm == lab.arm:
            lab.denominator = n
            return
    lab.denominator = col.denominator or n_of(row.stub)


def _optional(v: TableView, row: Row, col: Column, marks: tuple[str, ...], lab: Label,
              names: Names) -> None:
    lab.population = col.population or v.population or \
        names.population_of_counts(v.row_counts.get(row.index, set())) or \
        names.population_of_counts({n for _, n in row.denominators}) or \
        names.population_of_counts(v.column_counts)
    if lab.population and lab.population in dict(names.population_counts):
        lab.rules.append("population: the declared set whose counts the row prints")
    if not lab.population and lab.denominator and col.denominator and \
            lab.denominator != col.denominator and any(a == lab.arm for a, _ in row.denominators):
        lab.guess("population: the row counts a set of its own")
    if not lab.population and v.kind == "ae" and lab.quantity.startswith(("ae_", "trae_")):
        lab.population = "safety"
        lab.rules.append("population: an adverse-event table")
    if lab.statistic in ("count", "percent") and not col.between:
        lab.adjustment = ""
    else:
        lab.adjustment = col.adjustment or cues.adjustment_of(row.label)
    if lab.statistic == "p_value":
        tests = {v.tests[m] for m in marks if m in v.tests} or \
            {t for m, t in v.tests.items() if m == ""}
        if len(tests) == 1:
            lab.test = tests.pop()
        elif len(tests) > 1:
            lab.guess("test: notes name several tests")
        elif v.method_tests:
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
    words = normalise(doc.text[start:cell.end], lower=False, signs=False).text.split(" ")
    return " ".join(words[-MAX_ANCHOR_WORDS:])


def _cell_drafts(doc: Document, v: TableView, row: Row, col: Column, names: Names,
                 source_id: str) -> list[Draft]:
    t = v.table
    cell = t.cell_at(row.index, col.index)
    text, origin = _clean(cell.text, cell.start)
    if not origin:
        return []
    formats = _formats(v, row, col)
    items = [i for i in find_items(text, "pct_n" in formats)
             if not (i.pattern == "events over n" and i.statistic == "count" and not i.denominator)]
    if not items:
        return []
    labels = [Label() for _ in items]
    _statistics(items, formats, col, row, labels)
    out = []
    anchor = _anchor(doc, t, row.index, col.index)
    for item, lab in zip(items, labels, strict=True):
        _quantity(v, row, col, lab, names)
        _arm(v, col, lab, names)
        _denominator(row, col, item, lab)
        _optional(v, row, col, cell.marks, lab, names)
        if not lab.unit:
            lab.unit = {"count": v.count_unit, "percent": "percent",
                        "p_value": "probability"}.get(lab.statistic, "") or item.unit or "none"
        out.append(_draft(lab, item, source_id, v, row, col, cell.marks, anchor,
                          origin[item.start] if item.start < len(origin) else origin[-1],
                          names))
    return out


def _draft(lab: Label, item: Item, source_id: str, v: TableView, row: Row, col: Column,
           marks: tuple[str, ...], anchor: str, offset: int, names: Names) -> Draft:
    fields = {
        "source": source_id, "location": v.table.label, "row": row.label, "column": col.label,
        "anchor": anchor, "cohort": col.cohort or names.pooled, "arm": lab.arm,
        "subgroup": "", "quantity": lab.quantity, "category": lab.category,
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
    if v.unnamed_set and not fields["population"]:
        lab.guess("population: the columns count an analysis set the table does not name")
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
            if v.kind == "ae" or lab.population in ("safety", "as_treated"):
                lab.quantity = "safety_population"
                lab.population = lab.population or "safety"
            elif v.kind == "baseline" and lab.population in ("", "itt") or \
                    sizes and sizes.get(lab.arm) == col.denominator and not lab.population:
                lab.quantity = "randomized" if names.arm_names else "enrolled"
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


def _depth(label: str, cell: object) -> int:
    parts = label.split(" / ")
    plain = label_text(getattr(cell, "plain", ""))
    return next((i + 1 for i, p in enumerate(parts) if p == plain), len(parts))


def _row_counts(v: TableView) -> dict[int, set[str]]:
    """{row: the n/N denominators its arm columns print}."""
    out: dict[int, set[str]] = {}
    for r in v.rows:
        found = set()
        for col in v.data_columns():
            if col.between or not v.table.is_origin(r, col.index):
                continue
            found.update(i.denominator for i in find_items(v.table.cell_at(r, col.index).plain)
                         if i.denominator and i.statistic == "count")
        out[r] = found
    return out


def arm_sizes(tables: tuple[Table, ...], names: Names) -> dict[str, str]:
    """{arm: n} of the first baseline table's column headers (the randomized arms' sizes)."""
    for t in tables:
        v = view(t, names)
        if v.kind == "baseline":
            sizes = {c.arm: c.denominator for c in v.data_columns() if c.arm and c.denominator}
            if sizes:
                return sizes
    return {}


def _other_set(v: TableView, sizes: dict[str, str]) -> bool:
    """An analysis table whose column n's are not the arms' sizes and that names no set."""
    if v.kind in ("baseline", "ae") or v.population or not sizes:
        return False
    return any(c.arm in sizes and c.denominator and c.denominator != sizes[c.arm]
               for c in v.data_columns())


def draft_table(doc: Document, t: Table, names: Names, source_id: str,
                sizes: dict[str, str] | None = None,
                method_tests: frozenset[str] = frozenset()) -> list[Draft]:
    """Every draft row of table ``t``: its header n's and its body cells.

    ``sizes``: the arms' sizes as the baseline table prints them; an analysis table whose
    columns count other numbers of patients, and that names no analysis set, has every row
    flagged (its set is one the reviewer must name).
    """
    v = view(t, names)
    v.method_tests = method_tests
    if _other_set(v, sizes or {}):
        v.unnamed_set = True
    v.column_counts = {c.denominator for c in v.data_columns() if c.arm and c.denominator}
    v.row_counts = _row_counts(v)
    out = _header_drafts(doc, v, names, source_id, sizes or {})
    for r, row in v.rows.items():
        for col in v.data_columns():
            if t.is_origin(r, col.index) and _NUMBERISH.search(t.cell_at(r, col.index).plain):
                out.extend(_cell_drafts(doc, v, row, col, names, source_id))
    return out
