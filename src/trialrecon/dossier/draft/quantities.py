"""The quantity, category and unit of a table cell's number, from its row, column and table.

The rules of :mod:`.cells` that say *what* a number is (the statistic, the arm and the
denominator are read there): an effect column gives its effect measure (or the one the
row's or the table's notes name); a row naming a time-to-event endpoint its median, rate or
events; adverse-event tables the grade of the column and the term; baseline tables the
characteristic (``male``, ``female``, ``age``, ``ecog``, ``prior_treatment``, else
``baseline`` with ``Characteristic: level`` or ``baseline_value``); response tables the
response category; any other table ``outcome`` with the row's outcome. Each rule that can be
wrong on an ordinary table records a guess on the :class:`Label`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.lexicon import Names, lexicon
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.tableview import Column, Row, TableView, bare

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




_UNIT_NAMES = {"mm hg": "mmHg", "mmhg": "mmHg", "kg/m2": "kg/m2", "kg/m²": "kg/m2",
               "h": "hours", "hours": "hours", "hrs": "hours", "min": "minutes",
               "%": "", "n": "", "n (%)": ""}


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
    if low in _UNIT_NAMES:
        return _UNIT_NAMES[low]
    if low in ("range", "iqr", "sd", "median", "mean", "no.") or not _FREE_UNIT.match(unit) \
            or not re.search(r"[a-z]", low):
        return ""
    return unit if re.search(r"/|\bmg\b|\bkg\b|\bcm\b|\bmm|\bml\b|\bg\b|\bl\b|mmol|u/l|"
                             r"score|points|gy|\bm2\b|bpm|\bcc\b", low) else ""


def without_unit(name: str) -> str:
    """A characteristic's name without the unit it prints ("Weight (kg)" -> "Weight")."""
    m = _UNIT_IN_LABEL.search(name.strip())
    if m and _unit_of_label(name):
        return name.strip()[:m.start()].strip(" ,")
    return name


def _category_name(row: Row) -> str:
    """The characteristic or outcome a row names: its stub, or its group when the stub is a
    statistic ("Age, years / Median" names "Age, years")."""
    if row.group and _STAT_WORDS.match(row.stub):
        return bare(row.group.split(" / ")[-1])
    return bare(row.stub)


# a group heading that divides a table (into outcomes, time points, analyses) rather than
# naming an outcome whose levels or items the rows are
_DIVIDER = re.compile(r"\b(outcomes?|end ?points?|measures?|results?|efficacy|safety|"
                      r"sensitivity|analys[ie]s|information|days?\s+\d+|weeks?\s+\d+|"
                      r"months?\s+\d+|years?\s+\d+|\d+\s+(?:days?|weeks?|months?|years?)|"
                      r"discharge|follow-?up|baseline)\b", re.IGNORECASE)


def _outcome_category(row: Row) -> str:
    """An outcome as its table names it: the stub; ``Group: level`` for a level of a grouped
    outcome ("Severity of respiratory disease / Mild"); a divider group ("Secondary
    outcomes") is not part of it."""
    group = row.group.split(" / ")[-1] if row.group else ""
    if not group or _DIVIDER.search(group):
        return bare(row.stub)
    if _STAT_WORDS.match(row.stub):
        return bare(group)
    return f"{bare(group)}: {bare(row.stub)}"


_ROLE_NAME = re.compile(r"^(?:primary|secondary|tertiary|main|other|exploratory)\s+"
                        r"(?:outcomes?|end ?points?|measures?)\b", re.IGNORECASE)


def _outcome_category_sure(row: Row) -> bool:
    """Whether :func:`_outcome_category` is sure: no group, a divider, or a level under it
    (an outcome's own name under a group may stand alone in a reviewer's dossier); a stub
    that names the outcome's role ("Primary outcome (RS6)") is not its name."""
    if _ROLE_NAME.match(row.stub):
        return False
    group = row.group.split(" / ")[-1] if row.group else ""
    return not group or bool(_DIVIDER.search(group)) or bool(_STAT_WORDS.match(row.stub)) \
        or bool(_LEVEL.match(bare(row.stub)))


# a group heading that sorts characteristics into sections rather than naming one
_SECTION = re.compile(r"^(?:demographics?|health|(?:medical |past |clinical )?history|clinical|"
                      r"(?:\w+\s+)?characteristics|(?:\w+\s+)?features|"
                      r"disease|tobacco.*|smoking history|social|characteristics?|baseline.*|"
                      r"general|other|comorbidit(?:y|ies)|co-?morbidit(?:y|ies)|risk factors?|"
                      r"coexisting (?:conditions|illness(?:es)?)|concomitant .*|medications?|"
                      r"symptoms?|signs and symptoms|lifestyle|socio-?demographics?)$",
                      re.IGNORECASE)


def _is_level(row: Row) -> bool:
    """The stub is a level of its group ("Male" under "Sex", "Abdominal" under "Type of
    infection"), not a characteristic of its own under a section heading ("% Receiving state
    benefits (n)" under "Demographics", a stub that states its own format)."""
    if not row.group or _SECTION.search(row.group.split(" / ")[-1]):
        return False
    return bare(row.stub) == row.stub


def _level_category(row: Row, stub_head: str = "") -> str:
    """``Characteristic: level`` of a baseline count ("Sex / Male" -> "Sex: Male"; a flat
    row under a stub column headed "Pathogen": "Pathogen: Escherichia coli")."""
    if not row.group and stub_head:
        return f"{stub_head}: {bare(row.stub)}"
    if _is_level(row):
        return f"{bare(row.group.split(' / ')[-1])}: {bare(row.stub)}"
    return f"{bare(row.stub)}: yes"


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


def quantity(v: TableView, row: Row, col: Column, lab: Label, names: Names) -> None:
    """Set the quantity, category and unit of a number of a per-arm or between-arm column."""
    stat = lab.statistic
    if col.effect:
        _effect_quantity(v, row, col, lab, names)
        return
    owner = v.effect_of_p(col) if col.p else None
    if owner is not None and _row_has_effect(v, row, owner):
        effects = [c for c in v.columns if c.effect and _row_has_effect(v, row, c)]
        same = [c for c in effects if c.adjustment == col.adjustment]
        if len(effects) > 1:
            if len(same) == 1:
                owner = same[0]  # "Adjusted p value" beside "Adjusted OR", a plain P the RR's
            else:
                lab.guess("quantity: a P value beside several effects")
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
        _baseline_quantity(row, lab, _continuous(v, row), v.stub_head)
    elif v.kind == "response" or cues.first("response_rows", bare(row.stub)) or \
            _RESPONSE_STUB.match(bare(row.stub)):
        _response_quantity(row, lab)
    else:
        lab.quantity, lab.category = "outcome", _outcome_category(row)
        lab.rules.append("quantity: outcome of the row")
        named = cues.population_of(row.stub) if len(row.stub.split()) <= 4 else ""
        if named and row.group:  # "ICU mortality / ITT": the outcome in an analysis set
            lab.category, lab.population = bare(row.group.split(" / ")[-1]), named
        if not _outcome_category_sure(row):
            lab.guess("category: an item under a group")
        if re.search(r"[<>≤≥]\s*\d|\baged?\b", row.stub):
            lab.guess("subgroup: a row naming a threshold may be a subgroup of patients")
        if v.kind not in ("outcome",):
            lab.guess("quantity: a table whose kind is not read")
        if stat not in ("count", "percent", "p_value"):
            lab.unit = lab.unit or _unit_of_label(row.label) or _unit_of_label(col.label)


def _row_has_effect(v: TableView, row: Row, col: Column) -> bool:
    """The row prints a number in effect column ``col``."""
    cell = v.table.cell_at(row.index, col.index)
    return bool(_NUMBERISH.search(cell.plain))


def _effect_measure(v: TableView, row: Row, col: Column, lab: Label) -> str:
    """The effect measure of a cell: the column's, else the cell's own words ("Ordinal OR
    0·88 (0·76 to 1·03)"), the row's or the table's notes'."""
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
        if grade:  # "Leukopenia / I–II": the grade is the row, the term its group
            category = bare(row.group.split(" / ")[-1]) if row.group else "any"
    if not grade:
        grade = "any_grade"
        lab.guess("quantity: an adverse event of no grade printed")
    lab.quantity, lab.category = prefix + grade, category
    lab.rules.append(f"quantity: grade '{grade}' of an adverse-event table")
    if lab.statistic == "p_value":
        lab.guess("quantity: a P value of an adverse-event table")


def _counts(label: str) -> bool:
    """A heading that says its rows are counted ("Type of infection, n (%)")."""
    return bool({"n_pct", "pct", "n"} & set(cues.formats_of(label)))


def _continuous(v: TableView, row: Row) -> bool:
    """The row's arm cells print means or medians, no count with a percentage."""
    cells = [v.table.cell_at(row.index, c.index).plain for c in v.columns
             if c.arm and not c.between and v.table.is_origin(row.index, c.index)]
    cells = [x for x in cells if re.search(r"\d", x)]
    return bool(cells) and not any("%" in x for x in cells) and all(
        "±" in x or re.search(r"\d[.,·]\d", x) for x in cells)


def _baseline_quantity(row: Row, lab: Label, continuous: bool = False,
                       stub_head: str = "") -> None:
    """``continuous``: the row's arm cells print a mean or median, no count; ``stub_head``:
    the characteristic the stub column's header names ("Pathogen")."""
    name = _category_name(row)
    own = cues.first("baseline_quantities", without_unit(bare(row.stub)))
    parent = cues.first("baseline_quantities", bare(row.group.split(" / ")[-1])) \
        if _is_level(row) or row.group and _STAT_WORDS.match(row.stub) else ""
    stat = lab.statistic
    lab.rules.append("quantity: characteristic of a baseline table")
    group = row.group.split(" / ")[-1] if row.group else ""
    sex_group = not group or bool(_SECTION.search(group)) or row.partition is False or \
        parent in ("female", "male") or bool(re.search(r"\b(sex|gender)\b", group, re.I))
    if own in ("female", "male") and sex_group:
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
        if not lab.category:
            lab.guess("quantity: a previous treatment with no level (prior_treatment or a "
                      "baseline characteristic)")
    elif stat in ("count", "percent"):
        lab.quantity, lab.category = "baseline", _level_category(row, stub_head)
        if lab.category.endswith(": yes"):
            lab.guess("category: a characteristic with no level printed (': yes')")
        elif row.siblings == 1 and not re.match(r"(?i)^(yes|no|present|absent|positive|"
                                                r"negative)$", bare(row.stub)):
            lab.guess("category: the only level printed of its characteristic")
    elif stat == "p_value" and not continuous:
        lab.quantity = "baseline"
        lab.category = _level_category(row, stub_head) if _is_level(row) or stub_head and \
            not row.group else name
        lab.guess("quantity: the P value of a characteristic")
    elif stat == "p_value":
        lab.quantity, lab.category = "baseline_value", name
        lab.guess("quantity: the P value of a characteristic")
    else:
        # the data dictionary: a continuous characteristic's category "names it with its
        # unit" (LDH (U/L)); under a group heading, the group first, as for a level
        lab.quantity, lab.category = "baseline_value", name
        group_name = row.group.split(" / ")[-1] if row.group else ""
        if group_name and not _STAT_WORDS.match(row.stub) and not _counts(group_name):
            lab.category = f"{bare(group_name)}: {name}"
            lab.guess("category: a measurement under a group heading (the group kept)")
        lab.unit = _unit_of_label(name) or _unit_of_label(row.label)
        if not lab.unit:
            lab.unit = "none"
            lab.guess("unit: a characteristic's unit not printed")


# a stub that is a response category and nothing else ("PR", "Stable disease")
_RESPONSE_STUB = re.compile(r"^(?:complete|partial)\s+(?:response|remission)|^stable disease|"
                            r"^progressive disease|^(?:cr|pr|sd|pd)$", re.IGNORECASE)


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
        lab.quantity, lab.category = "outcome", _category_name(row)
        lab.guess("quantity: a row of a response table")
