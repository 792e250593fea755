"""The quantity, category and unit of a table cell's number, from its row, column and table.

The rules of :mod:`.cells` that say *what* a number is (statistic, arm and denominator are
read there): an effect column gives its effect measure (or the one the row's or the table's
notes name); a row naming a time-to-event endpoint its median, rate or events; adverse-event
tables the grade of the column and the term; baseline tables the characteristic (``male``,
``female``, ``age``, ``ecog``, ``prior_treatment``, else ``baseline`` with ``Characteristic:
level`` or ``baseline_value``); response tables the response category; a table of one
outcome by subgroup (:mod:`.subgroups`) ``outcome`` with the outcome as category and the
row's patients as subgroup; any other table ``outcome`` with the row's outcome. Each rule
that can be wrong on an ordinary table records a guess on the :class:`Label`. A row whose
stub states a format its heading does not ("Weight, mean (SD)" under "Parity, n (%)") is no
level of that heading: its category is its own name. A count in patients whose note or stub
says n counts something else ("n is the number of nodules") is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.aemeasures import MEASURES, ae_measure, row_time
from trialrecon.dossier.draft.endpointwords import (
    DEATH,
    all_cause_death,
    caption_landmark,
    landmark,
)
from trialrecon.dossier.draft.lexicon import Names, lexicon
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.stubs import level_like, name_of, split_stub
from trialrecon.dossier.draft.tablerows import caption_variable
from trialrecon.dossier.draft.tableview import Column, Row, TableView, bare

_NUMBERISH = re.compile(r"\d|not reached|\bNR\b|\bNE\b", re.IGNORECASE)
_STAT_WORDS = re.compile(r"^(?:median|mean|range|iqr|sd|se|n|no\.|%|min(?:imum)?|max(?:imum)?|"
                         r"rates?(?: per .*)?|incidence(?: rate)?|number|percentage|"
                         r"mean\s*\(sd\)|mean\s*±\s*sd|median\s*\((?:iqr|range)\)|q1.*|q3.*|"
                         r"median\s*\(95%,?\s*ci\)|median \(months\)|interquartile range)"
                         r"(?:\s*[,(].*)?$", re.IGNORECASE)
_TIME_UNITS = {"months": "months", "month": "months", "mo": "months", "years": "years",
               "year": "years", "yrs": "years", "y": "years", "weeks": "weeks", "week": "weeks",
               "days": "days", "day": "days", "d": "days", "hours": "hours", "h": "hours"}
_ANY = re.compile(r"^(?:any|all|total|overall|any (?:adverse )?events?|any aes?|all aes?|"
                  r"any teaes?|patients with (?:any|at least (?:one|1)\b).*|"
                  r"at least (?:one|1)\b.*|total.*)$",
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
    subgroup: str = ""
    rules: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)

    def guess(self, what: str) -> None:
        self.guesses.append(what)


def _group(row: Row) -> str:
    """The heading a row stands under (the innermost), or ""."""
    return row.group.split(" / ")[-1] if row.group else ""


def _stat_stub(row: Row) -> bool:
    """The stub names a statistic of its group's characteristic ("Age, years / Median")."""
    return bool(row.group) and bool(_STAT_WORDS.match(row.stub))


# "n is the number of nodules seen and N the total number of scans": what n or N counts
_N_COUNTS = re.compile(r"\b[nN]\b (?:is|=|denotes|represents|gives) (?:the )?(?:total )?"
                       r"number of ((?:[\w-]+ ){0,3}[\w-]+)")
_PERSONS = re.compile(r"\b(?:patients?|participants?|subjects?|women|men|persons?|people|"
                      r"individuals?|children|cases|mothers|volunteers)\b", re.IGNORECASE)


def plain_unit(v: TableView, row: Row, lab: Label, printed: str) -> str:
    """The unit of a number no rule gave one: the table's count unit for a count (a guess
    when the row's notes and stub say n or N counts other things), percent, a probability,
    else the unit printed beside it or ``none``.

    A stub naming a unit ("Households 32 498") counts that unit; the other counts of a table
    that prints such a row may count that unit or the patients (a cluster trial's table of
    households and of women): patients, flagged."""
    count_unit, said = v.count_unit, f"{row.notes} {row.stub}"
    own = cues.stub_unit(row.stub)
    if lab.statistic == "count" and own:
        return own
    if lab.statistic == "count" and count_unit == "patients" and v.unit_rows:
        lab.guess("unit: the table also counts households or clusters: which does this row?")
    if lab.statistic == "count" and count_unit == "patients":
        others = [m.group(1).split(" and ")[0] for m in _N_COUNTS.finditer(said)
                  if not _PERSONS.search(m.group(1))]
        if others:
            lab.guess(f"unit: a note says n or N counts '{others[0]}', not patients")
    return {"count": count_unit, "percent": "percent",
            "p_value": "probability"}.get(lab.statistic, "") or printed or "none"


def _other_format(stub: str, heading: str) -> bool:
    """Both state a format and they share none ("Weight, mean (SD)" under "Parity, n (%)"):
    the row is a characteristic of its own, no level of the heading."""
    own, heads = _kinds(cues.formats_of(stub)), _kinds(cues.formats_of(heading))
    return bool(own and heads and not own & heads)


def _kinds(formats: tuple[str, ...]) -> set[str]:
    """Counts ("n", "n (%)", "%") or summaries (a mean, a median): a level "n+" under
    "Nodes, n (%)" states a count as its heading does."""
    return {"count" if f in ("n_pct", "pct_n", "pct", "n") else "summary" for f in formats}


def category_of(row: Row, lab: Label) -> str:
    """A row's category by the data dictionary's three steps: the stub without its format
    legend and unit (:func:`.stubs.split_stub`); ``Group: level`` under a heading that names
    a variable whose levels the rows are; the stub alone under a heading that only names a
    part of the table (the verdict of :func:`.stubs.group_verdict`); a stub that is a
    statistic ("Median") takes its group's name. An undecided verdict is a guess."""
    stub = split_stub(row.stub)
    group = _group(row)
    if _stat_stub(row):
        return name_of(group)
    if not group or row.levels is False or _other_format(row.stub, group):
        return stub.name
    level = f"{name_of(group)}: {stub.name}"
    _nested_level(row, group, lab)
    if row.levels is True and row.partition is False:
        # "Positive, Exon19 del, Exon21 L858R, Negative": levels that add up to more than
        # the column, so some are sub-levels the layout does not show
        lab.guess("category: the levels add up to more than the column's total")
    if row.levels is True:
        return level
    lab.guess(f"category: whether '{group}' names a variable whose levels its rows are "
              f"({row.levels_why})")
    return level if level_like(row.stub) else stub.name


def _nested_level(row: Row, group: str, lab: Label) -> None:
    """A level under two headings ("Tumour stage / Colon / T3", "Surgery / Rectal /
    Anterior resection"): when the outer heading is no part of the table (a section, a
    divider, the whole) and the inner one names no variable of its own ("Domains"), the outer
    may name the variable and the inner a subset of patients, which ``Group: level`` of the
    inner heading alone loses: a guess."""
    heads = row.group.split(" / ")
    if len(heads) < 2:
        return
    outer = name_of(heads[-2])
    if cues.first("group_sections", outer) in ("section", "divider", "whole") or \
            cues.first("group_sections", name_of(group)) == "variable":
        return
    lab.guess(f"category: '{group}' stands under '{outer}', which may name the variable "
              f"(and '{group}' a subset of patients)")


def unit_of(row: Row, col: Column) -> str:
    """The unit printed for a row's measurement: at the end of its stub, of its heading
    (when the stub is a statistic or a level of it), in the column's header; else ""."""
    unit = split_stub(row.stub).unit
    if not unit and row.group and (_stat_stub(row) or row.levels is True):
        unit = split_stub(_group(row)).unit
    for part in reversed(col.label.split(" / ") if not unit else ()):
        unit = split_stub(part).unit
        if unit:
            break
    return unit


def score_unit(name: str) -> str:
    """The unit a measurement's name implies: ``points`` for a score or scale the name calls
    one (``NIHSS``, ``EQ-5D``, ``HSI score``, ``out of 100``), ``pH`` for an acidity; else
    ""."""
    return cues.first("score_names", name)


def measured_unit(row: Row, col: Column, lab: Label, what: str) -> str:
    """The unit of a mean, median or difference of a row: printed, a score's points, else
    ``none`` (nothing printed says; a guess for ``what``)."""
    unit = unit_of(row, col) or score_unit(category_of(row, Label()))
    if not unit:
        lab.guess(f"unit: {what} whose unit is not printed")
    return unit or "none"


def _endpoint(v: TableView, row: Row, names: Names) -> str:
    """The time-to-event endpoint a row names; ``os`` for deaths compared by a hazard ratio
    (the data dictionary: deaths printed with a hazard ratio for death are the events of
    overall survival, "Death by day 90 | 250 (22%) | HR 0.92")."""
    return cues.endpoint_of(row.label, names.endpoints) or ("os" if _death_hr(v, row) else "")


def _death_hr(v: TableView, row: Row) -> bool:
    """The row counts deaths from any cause and prints a hazard ratio beside them."""
    if not DEATH.search(row.stub) or v.kind == "ae" or not all_cause_death(row.stub):
        return False
    return any(c.effect == "hazard_ratio" and not _mixed_ratio(c) or c.effect == "unnamed" and
               cues.effect(v.table.cell_at(row.index, c.index).plain) == "hazard_ratio"
               for c in v.columns if c.effect)


_KM_RATES = re.compile(r"kaplan[- ]meier (?:rates?|estimates?|estimated|event rates?|percent)"
                       r"|\bkm (?:rates?|estimates?|%)|\bkm-estimated", re.IGNORECASE)


def quantity(v: TableView, row: Row, col: Column, lab: Label, names: Names) -> None:
    """Set the quantity, category and unit of a number of a per-arm or between-arm column.

    A percentage the table calls a Kaplan-Meier rate (caption, notes or its column header)
    is not a count over patients: the data dictionary makes it an ``<endpoint>_rate`` of an
    endpoint to declare, so a percentage labelled otherwise is a guess. The count printed
    beside such a rate ("10.0 (533)" under "% (n)") is that endpoint's events
    (``<endpoint>_events``), so an ``outcome`` count of such a table is a guess too.
    """
    _quantity(v, row, col, lab, names)
    km = _KM_RATES.search(f"{v.context} {fold(col.label)} {fold(col.notes)}")
    if lab.statistic == "percent" and not lab.quantity.endswith("_rate") and km:
        lab.guess("quantity: a Kaplan-Meier rate (the table says so), an endpoint's rate")
    elif lab.statistic == "count" and lab.quantity == "outcome" and km:
        lab.guess("quantity: the events of an endpoint whose Kaplan-Meier rate the table "
                  "prints (an endpoint's events)")


def _quantity(v: TableView, row: Row, col: Column, lab: Label, names: Names) -> None:
    stat = lab.statistic
    if col.effect:
        _effect_quantity(v, row, col, lab, names)
        return
    owner = v.effect_of_p(col) if col.p or col.ci else None
    if owner is not None and _row_has_effect(v, row, owner):
        effects = [c for c in v.columns if c.effect and _row_has_effect(v, row, c)]
        same = [c for c in effects if c.adjustment == col.adjustment]
        span = [c for c in effects if _span(c) and _span(c) == _span(col)]
        if len(effects) > 1:
            if len(span) == 1:
                owner = span[0]  # "Overall survival / HR | 95% CI | P", then the same for PFS
            elif len(same) == 1:
                owner = same[0]  # "Adjusted p value" beside "Adjusted OR", a plain P the RR's
            else:
                lab.guess("quantity: a P value beside several effects")
        _effect_quantity(v, row, owner, lab, names)
        lab.rules.append("quantity: the P value or CI of the effect beside it")
        return
    endpoint = _endpoint(v, row, names)
    if endpoint and v.kind in ("outcome", "response", "other", "regression") and \
            (not _AE_SPECIAL[2][1].search(row.stub) or _death_hr(v, row)) or \
            endpoint and row.stub.lower() in (
                "median", "median (95% ci)"):
        _endpoint_quantity(endpoint, row, col, lab, names, v.caption)
        return
    if v.kind == "ae":
        _ae_quantity(v, row, col, lab)
    elif v.kind == "baseline":
        _baseline_quantity(v, row, col, lab, _continuous(v, row))
    elif v.kind == "response" or cues.first("response_rows", bare(row.stub)) or \
            _RESPONSE_STUB.match(bare(row.stub)):
        _response_quantity(row, lab)
    elif row.index in v.subgroups:
        _subgroup_quantity(v, row, col, lab)
    else:
        lab.rules.append("quantity: outcome of the row")
        named = cues.population_of(row.stub) if len(row.stub.split()) <= 4 else ""
        if named and row.group:  # "ICU mortality / ITT": the outcome in an analysis set
            lab.quantity, lab.category, lab.population = "outcome", name_of(_group(row)), named
            lab.unit = split_stub(_group(row)).unit if stat not in ("count", "percent",
                                                                     "p_value") else ""
        else:
            lab.quantity, lab.category = "outcome", category_of(row, lab)
            subject = caption_variable(v) if not row.group else ""
            if subject:  # the caption names the variable whose levels the rows are
                lab.category = f"{subject}: {lab.category}"
                lab.rules.append(f"category: a level of the caption's '{subject}'")
            delivered = cues.first("treatment_rows", name_of(row.stub)) or \
                cues.first("treatment_rows", name_of(_group(row))) if row.group else \
                cues.first("treatment_rows", name_of(row.stub))
            if delivered:  # "Chemotherapy cycles delivered / 4": the specific quantity
                lab.quantity = delivered
                lab.rules.append(f"quantity: treatment delivered ('{delivered}')")
        if re.search(r"[<>≤≥]\s*\d|\baged?\b", row.stub):
            lab.guess("subgroup: a row naming a threshold may be a subgroup of patients")
        if v.kind not in ("outcome",):
            lab.guess("quantity: a table whose kind is not read")
        if stat not in ("count", "percent", "p_value"):
            lab.unit = lab.unit or unit_of(row, col) or score_unit(lab.category)


def _subgroup_quantity(v: TableView, row: Row, col: Column, lab: Label) -> None:
    """A row of a table of an outcome by subgroup (:mod:`.subgroups`): the outcome as
    category, the patients the row counts as subgroup."""
    found = v.subgroups[row.index]
    lab.quantity, lab.category, lab.subgroup = "outcome", found.outcome, found.subgroup
    lab.rules.append("quantity: outcome of a table by subgroup (the row's n/N shares out "
                     "the column's)")
    if found.guess or not found.outcome:
        lab.guess(f"category or subgroup: {found.guess or 'an outcome not named'}")
    if lab.statistic not in ("count", "percent", "p_value"):
        lab.unit = lab.unit or unit_of(row, col)


def _span(col: Column) -> str:
    """The spanning header above a column ("Overall survival" of "Overall survival / HR"),
    or "" when its header has one level."""
    head, _, rest = col.label.partition(" / ")
    return head if rest else ""


def _row_has_effect(v: TableView, row: Row, col: Column) -> bool:
    """The row prints a number in effect column ``col``."""
    cell = v.table.cell_at(row.index, col.index)
    return bool(_NUMBERISH.search(cell.plain))


def _mixed_ratio(col: Column) -> bool:
    """An effect column naming both a hazard ratio and an odds ratio ("HR/OR (95% CI)")."""
    return col.effect == "hazard_ratio" and "odds_ratio" in cues.effects(col.label)


def _effect_measure(v: TableView, row: Row, col: Column, lab: Label,
                    names: Names | None = None) -> str:
    """The effect measure of a cell: the column's, else the cell's own words ("Ordinal OR
    0·88 (0·76 to 1·03)"), the row's or the table's notes'."""
    if _mixed_ratio(col):
        # "HR/OR (95% CI)": hazard ratios of the rows naming a time-to-event endpoint, odds
        # ratios of the others (a response, a death by a day: patients with or without it)
        lab.rules.append("effect: a hazard-ratio-or-odds-ratio column, by the row")
        named = cues.endpoint_of(row.label, names.endpoints) if names is not None else ""
        return "hazard_ratio" if named else "odds_ratio"
    if col.effect != "unnamed":
        return col.effect
    own = cues.effect(v.table.cell_at(row.index, col.index).plain)
    if own:
        lab.rules.append("effect: named in the cell")
        return own
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
    effect = _effect_measure(v, row, col, lab, names)
    lab.rules.append(f"quantity: effect column '{col.label}'")
    if effect == "hazard_ratio":
        endpoint = _endpoint(v, row, names) or cues.endpoint_of(col.label, names.endpoints) \
            or cues.endpoint_of(v.caption, names.endpoints)
        if endpoint:
            lab.quantity, lab.category = f"{endpoint}_hr", ""
            if v.kind == "regression":
                lab.guess("quantity: a hazard ratio of a covariate in a model")
        else:
            lab.quantity, lab.category = "outcome", category_of(row, lab)
            lab.guess("quantity: a hazard ratio of an endpoint not named")
    else:
        lab.quantity, lab.category = effect, category_of(row, lab)
    if lab.statistic == "p_value":
        lab.unit = "probability"
    elif effect in ("risk_ratio", "odds_ratio", "hazard_ratio", "rate_ratio", "ratio_of_means",
                    "win_ratio"):
        lab.unit = "ratio"
    elif effect == "win_difference":
        lab.unit = "proportion"
    elif effect == "risk_difference":
        lab.unit = "percentage_points"
    elif effect in ("nnt", "nnh"):
        lab.unit = "patients"
    elif effect == "std_mean_difference":
        lab.unit = "none"
    else:
        lab.unit = measured_unit(row, col, lab, "a difference")


def _endpoint_quantity(endpoint: str, row: Row, col: Column, lab: Label, names: Names,
                       caption: str = "") -> None:
    stat = lab.statistic
    text = f"{row.label} {col.label}"
    lab.rules.append(f"quantity: endpoint '{endpoint}' of the row")
    if re.search(r"\bevents?\b|\bdeaths?\b|\bdied\b|no\. of|number of", fold(text)) and \
            stat in ("count", "percent"):
        lab.quantity = "deaths" if endpoint == "os" else f"{endpoint}_events"
    elif stat == "percent" or landmark(text) and stat in ("estimate", "ci_low", "ci_high"):
        lab.quantity, lab.category = f"{endpoint}_rate", landmark(text)
        if not lab.category and caption:
            # "all estimates are at 5 years unless stated": the title's one landmark
            lab.category = caption_landmark(caption)
            if lab.category:
                lab.rules.append("category: the landmark the table's title states")
        if not lab.category:
            lab.guess("category: a landmark not printed")
        if stat == "estimate":
            lab.statistic = "percent"
    elif stat == "p_value":
        lab.quantity = f"{endpoint}_hr"
        lab.guess("quantity: a P value between survival curves")
    else:
        lab.quantity = endpoint
        unit = unit_of(row, col) or \
            _TIME_UNITS.get(next(iter(re.findall(r"\b(months?|years?|weeks?|days?)\b",
                                                 fold(text))), ""), "")
        lab.unit = unit or "months"
        if not unit:
            lab.guess("unit: of a time not printed")
        if stat == "estimate":
            lab.statistic = "median"
            lab.guess("statistic: an endpoint's estimate read as its median")


def _note_grade(notes: str) -> str:
    """The grade a column's footnote gives its counts ("moderate or severe intensity")
    when it names a range of severity, not a single word of it."""
    found = cues.grade(notes)
    return found if found in ("grade2plus", "grade3plus", "grade34") and \
        re.search(r"grade|severe", notes, re.IGNORECASE) else ""


def _ae_quantity(v: TableView, row: Row, col: Column, lab: Label) -> None:
    if ae_measure(v, row, col, lab):
        return
    prefix = "trae_" if (v.related or col.related) else "ae_"
    term = name_of(row.stub)
    category = "any" if _ANY.match(term) else term
    for quantity, pattern in _AE_SPECIAL:
        if pattern.search(row.stub) and not col.grade:
            lab.quantity, lab.category = quantity, "any"
            lab.rules.append(f"quantity: '{row.stub}' of an adverse-event table")
            return
    grade = col.grade or cues.grade(row.group) or cues.grade(v.caption) or \
        _note_grade(col.notes)
    if not grade:
        grade = cues.grade(row.stub)
        if grade:  # "Leukopenia / I–II": the grade is the row, the term its group
            category = name_of(_group(row)) if row.group else "any"
    if not grade:
        grade = "any_grade"
        lab.guess("quantity: an adverse event of no grade printed")
    lab.quantity, lab.category = prefix + grade, category
    lab.rules.append(f"quantity: grade '{grade}' of an adverse-event table")
    if lab.statistic == "p_value":
        lab.guess("quantity: a P value of an adverse-event table")


def _continuous(v: TableView, row: Row) -> bool:
    """The row's arm cells print means or medians, not counts ("12%", "59 (96.7)" under "%")."""
    cells = [v.table.cell_at(row.index, c.index).plain for c in v.columns
             if c.arm and not c.between and v.table.is_origin(row.index, c.index)]
    cells = [x for x in cells if re.search(r"\d", x)]  # "X, n (%)": counts, "%" or not
    counted = "%" in row.stub and all(re.match(r"\s*\d+\s*\(", x) for x in cells)
    return bool(cells) and not counted and not any("%" in x for x in cells) and \
        "n_pct" not in cues.formats_of(row.stub) and all(
        "±" in x or re.search(r"\d[.,·]\d", x) for x in cells)


def _level_category(v: TableView, row: Row, lab: Label, stub_head: str = "") -> str:
    """The category of a baseline count: ``Characteristic: level`` under a heading naming
    the characteristic, or a flat row under a stub column headed by one ("Pathogen"); a
    yes/no characteristic printed as a row of its own is its stub alone."""
    if not row.group and stub_head:
        return f"{stub_head}: {name_of(row.stub)}"
    subject = caption_variable(v) if not row.group else ""
    return f"{subject}: {name_of(row.stub)}" if subject else category_of(row, lab)


# a level that says whether, not which ("Previous adjuvant chemotherapy / No" is no treatment)
_YES_NO = re.compile(r"^(?:yes|no|none|missing(?: data)?|unknown|not known)$", re.IGNORECASE)


def _ecog_level(name: str) -> str:
    """The score an ECOG stub prints ("ECOG PS 0-1" -> "0-1"), or ""."""
    m = re.search(r"(\d(?:\s*(?:[-–/,]|or|to)\s*\d)*)\s*$", name)
    return m.group(1) if m else ""


def _ecog_score(name: str) -> str:
    """The category of a level under a performance-status heading: its score, with the
    scale's words left out ("0 – Normal activity" -> "0"); a level with no score ("Not
    known") is its name."""
    m = re.match(r"^(\d(?:\s*(?:[-–/,]|or|to)\s*\d)*)(?:\s*[-–—:=(]|\s*$)", name)
    return m.group(1) if m else _ecog_level(name) or name


def _baseline_quantity(v: TableView, row: Row, col: Column, lab: Label,
                       continuous: bool = False) -> None:
    """The specific quantity of a characteristic before the generic (``male``, ``age``,
    ``ecog``, ``prior_treatment``, then ``baseline`` or ``baseline_value``); ``continuous``:
    the row's arm cells print a mean or median, no count."""
    stub = split_stub(row.stub)
    group = _group(row)
    own = cues.first("baseline_quantities", stub.name)
    levels = row.levels is True or row.levels is None and level_like(row.stub)
    parent = cues.first("baseline_quantities", name_of(group)) \
        if group and (levels or _stat_stub(row)) else ""
    stat = lab.statistic
    lab.rules.append("quantity: characteristic of a baseline table")
    sex_group = not group or row.levels is False or parent in ("female", "male") or \
        bool(re.search(r"\b(sex|gender)\b", group, re.I))
    if own in ("female", "male") and sex_group:
        lab.quantity, lab.category = own, ""
    elif own == "age" and stat not in ("count", "percent") or parent == "age" and \
            _stat_stub(row):
        lab.quantity, lab.category = "age", ""
        if stat != "p_value":
            lab.unit = unit_of(row, col) or "years"
    elif parent == "ecog" or own == "ecog" and stat not in ("count", "percent"):
        lab.quantity = "ecog"
        lab.category = _ecog_score(stub.name) if parent == "ecog" and not _stat_stub(row) \
            else ""
    elif own == "ecog" and _ecog_level(stub.name):
        lab.quantity, lab.category = "ecog", _ecog_level(stub.name)
    elif "prior_treatment" in (own, parent) and stat in ("count", "percent", "p_value") and \
            not (parent and _YES_NO.match(stub.name)):
        lab.quantity = "prior_treatment"
        lab.category = stub.name if parent == "prior_treatment" else ""
        if not lab.category:
            lab.guess("quantity: a previous treatment with no level (prior_treatment or a "
                      "baseline characteristic)")
    elif stat in ("count", "percent"):
        lab.quantity, lab.category = "baseline", _level_category(v, row, lab, v.stub_head)
    elif stat == "p_value":
        lab.quantity = "baseline_value" if continuous else "baseline"
        lab.category = _level_category(v, row, lab, v.stub_head)
        lab.guess("quantity: the P value of a characteristic")
    else:
        lab.quantity, lab.category = "baseline_value", category_of(row, lab)
        lab.unit = measured_unit(row, col, lab, "a characteristic")


# a stub that is a response category and nothing else ("PR", "Stable disease")
_RESPONSE_STUB = re.compile(r"^(?:complete|partial)\s+(?:response|remission)|^stable disease|"
                            r"^progressive disease|^(?:cr|pr|sd|pd|cri|crh|mlfs)$|^cr with "
                            r"(?:incompl|partial)|^morphologic(?:al)? leuka?emia|^(?:primary )?"
                            r"(?:resistant|refractory) disease$|^(?:induction death|death in "
                            r"aplasia)$", re.I)  # and the levels of acute leukaemia


def _response_quantity(row: Row, lab: Label) -> None:
    code = lexicon().response_category(bare(row.stub))
    kind = cues.first("response_rows", row.stub) or cues.first("response_rows", row.group)
    lab.rules.append("quantity: row of a response table")
    if kind == "pcr":
        lab.quantity = "pcr"
    elif kind and not code or kind and re.search(r"\+|rate|overall|objective", fold(row.stub)):
        lab.quantity = kind
    elif code:
        lab.quantity, lab.category = "best_response", code
    else:
        lab.quantity, lab.category = "outcome", category_of(row, lab)
        lab.guess("quantity: a row of a response table")


# statistics of a measurement, whose unit a reviewer supplies when nothing printed gives it


_EFFECT_STATISTICS = ("estimate", "ci_low", "ci_high")
# a measurement whose name says it is counted in days when no unit is printed
_DAYS = re.compile(r"\blength of (?:\w+ ){0,3}stay\b|\blos\b|\bdays\b|\bventilator[- ]free\b|"
                   r"\b(?:length|duration) of (?:mechanical )?ventilation\b")


def column_time(lab: Label, time: str, stage: str = "") -> None:
    """The time or stage a heading above the column names joins the category after a comma
    (the data dictionary; not on a header n); a change of a percentage is in percentage
    points; a measurement whose unit nothing printed gives is a guess, in days when its name
    is a length of stay or a number of days ("ICU LOS", "days well at home"). A ``stage``
    a full-width row above names ("Course 1") joins the category too (:func:`.row_time`)."""
    if time and lab.quantity not in ("analysed", "randomized"):  # no category: the time alone
        lab.category = f"{lab.category}, {time.lower()}" if lab.category else time.lower()
        lab.rules.append("category: the time the column's heading names")
    row_time(lab, stage)
    if lab.unit == "percent" and lab.statistic in MEASURES and \
            time.lower().startswith("change"):
        lab.unit = "percentage_points"
    measure = lab.statistic in MEASURES or lab.quantity in (
        "mean_difference", "median_difference") and lab.statistic in _EFFECT_STATISTICS
    if lab.unit == "none" and measure and _DAYS.search(fold(lab.category)):
        lab.unit = "days"  # a length of stay, days alive: counted in days (hours are rare)
        lab.guess("unit: days, read from a length of stay or a number of days it names")
    elif lab.unit == "none" and lab.statistic in MEASURES:
        lab.guess("unit: nothing printed gives the unit of this measurement")
