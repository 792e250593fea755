"""What a row's stub and its group heading say: a name, a unit, a level or a section.

The data dictionary builds the ``category`` of a characteristic, an outcome or an adverse
event from the row's own stub in three steps (``data/raw/README.md``, "Where a number
stands"); this module holds the mechanical parts of them:

1. :func:`split_stub` leaves out the legend of the cell format a stub carries (``n (%)``,
   ``% (n)``, ``mean (SD)``, ``median (IQR)``, ...) and a unit printed at its end (``,
   years``, ``(mL)``, ``, mm Hg``), and returns the unit in the vocabulary's spelling
   (``years``, ``mmHg``, ``percent``) or as printed in ASCII (``mg/dL``, ``10^9/L``,
   ``umol/L``);
2. and 3. :func:`group_verdict` says whether a group heading names a variable whose levels
   its rows are (``Sex / Male`` is ``Sex: Male``) or only a part of the table (``Secondary
   outcomes / Neonatal RDS`` is ``Neonatal RDS``), from what the rows print: levels share
   out the column (their percentages add up to about 100), are short level-like labels
   (numbers, ranges, thresholds, yes/no, grades), stand under a heading row that prints the
   variable's one P value; items of a section state their own formats or units, are
   measurements of their own (means, medians), or are outcomes with their own effect
   estimates; the heading's words (``Demographics``, ``Secondary outcomes``, ``Day 90`` name
   a part; ``Type of infection``, ``Site`` a variable) count too. Where the evidence is
   thin or split, the verdict is unsure and the row is flagged.

Written from the data dictionary's conventions, not from any one paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.document import Table

# -------------------------------------------------------------------------- step 1

# the legend of a cell format at the end of a stub (folded, lower case)
_LEGEND_END = re.compile(
    r"(?:^|[\s,;:]+)(?:"
    r"n\s*/\s*n\s*\(\s*%\s*\)|(?:n|no\.?|number|numbers)\s*\(\s*(?:%|percent(?:age)?s?)\s*\)|"
    r"%\s*\(\s*n\s*\)|\(\s*n\s*\)|n\s*,\s*%|"
    r"means?\s*(?:\(|\[)\s*(?:sd|se|sem|s\.d\.|standard deviation)\s*(?:\)|\])|"
    r"means?\s*(?:±|\+/-|\+-)\s*(?:sd|se|sem|s\.d\.)|"
    r"(?:mean|median)\s*\(\s*95\s*%,?\s*ci\s*\)|"
    r"medians?\s*[(\[]\s*(?:iqr|range|interquartile range|q1\s*[-–,;]\s*q3|"
    r"min\.?\s*[-–,:;]\s*max\.?|minimum\s*[-–,:;]\s*maximum|"
    r"(?:25th|p25|q1)\s*[-–,;]\s*(?:75th|p75|q3)(?:\s*percentiles?)?)\s*[)\]]"
    r"(?:\s*;\s*range)?|"
    r"(?:median|mean)\s*\(\s*(?:iqr|range|sd)\s*\)|"
    # the same legends in brackets: "ADL score (mean ± SD)", "Visits (median, IQR)"
    r"[(\[]\s*(?:means?\s*(?:±|\+/-|\+-|,)\s*(?:sd|se|sem|s\.d\.)|"
    r"medians?\s*(?:,|\()\s*(?:iqr|range|interquartile range)\s*\)?|"
    r"(?:n|no\.?)\s*(?:,|\()\s*%\s*\)?)\s*[)\]]|"
    r"(?:n|no\.?)|"
    r"(?:(?<=,)|(?<=, ))(?:mean|median)"  # "Age, mean": the statistic alone, after a comma
    r")\s*$")
_LEGEND_START = re.compile(r"^%\s+(?=\S)")
# the legend printed around the name: "Median age (range)", "Mean weight (SD)" are the age and
# the weight in the format "median (range)", "mean (SD)"
_LEGEND_AROUND = re.compile(
    r"^(?:medians?|means?)\s+(?P<name>[^()\[\]]+?)\s*[(\[]\s*(?:range|iqr|interquartile range|"
    r"sd|se|sem|s\.d\.|min\.?\s*[-–,]\s*max\.?)\s*[)\]]$", re.IGNORECASE)
# a unit word (after folding; µ read as u), and the ones the vocabulary spells its own way
_UNIT_WORDS = frozenset((
    "years year yrs yr y months month mo mos weeks week wk wks days day d hours hour h hr hrs "
    "minutes minute min mins seconds second sec secs s mmhg hg cmh2o kg g gm mg ug mcg ng pg "
    "l ml dl ul mmol umol nmol pmol mol meq iu u mu miu ku fl pl % bpm cm mm m km m2 mm2 mm3 "
    "um gy cgy cc kcal cells copies fe dry wt liver dw mosm osm aud usd eur gbp beats breaths "
    "units unit lpm").split())
_TIME = {"years": "years", "year": "years", "yrs": "years", "yr": "years", "y": "years",
         "months": "months", "month": "months", "mo": "months", "mos": "months",
         "weeks": "weeks", "week": "weeks", "wk": "weeks", "wks": "weeks", "days": "days",
         "day": "days", "d": "days", "hours": "hours", "hour": "hours", "h": "hours",
         "hr": "hours", "hrs": "hours"}
# a unit at the end: in brackets, after a comma, or after a dash set off by spaces ("Age
# group - years"; "4.54-kg" is no such dash) (tried in this order)
_UNIT_ENDS = (re.compile(r"\s*\(([^()]{1,40})\)\s*$"), re.compile(r"\s*\[([^\[\]]{1,40})\]\s*$"),
              re.compile(r"\s*,\s*([^,;()\[\]]{1,30})\s*$"),
              re.compile(r"\s+[-–—]\s+([^,;()\[\]\-–—]{1,30})\s*$"))
_BARE_UNIT_END = re.compile(r"\s+(\S*/\S+)\s*$")  # "NT-proBNP ng/L": a unit with a slash
_POWER = re.compile(r"^(?:[x×]\s*)?10\s*(?:\^\s*(\d+)|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s*")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _ascii_unit(unit: str) -> str:
    """A printed unit in the ASCII the data dictionary asks for (``µmol/L`` -> ``umol/L``,
    ``× 10⁹/L`` -> ``10^9/L``, ``kg/m²`` -> ``kg/m2``, ``mm Hg`` -> ``mmHg``,
    ``gm/dL`` -> ``g/dL``)."""
    text = unit.strip().replace("µ", "u").replace("μ", "u").replace("·", ".")
    power = _POWER.match(text)
    if power:
        exp = power.group(1) or power.group(2).translate(_SUPER)
        text = f"10^{exp}" + text[power.end():].lstrip()
    text = text.replace("²", "2").replace("³", "3").replace("$", "").replace("×", "x")
    text = re.sub(r"(?i)\bmm\s+hg\b", "mmHg", text)
    text = re.sub(r"\bgm(?=/)", "g", text)  # "gm/dL" only misspells the listed g/dL
    return re.sub(r"\s+", " ", text).strip()


def unit_name(printed: str) -> str:
    """The unit a stub prints, in the vocabulary's spelling where it has one (``years``,
    ``hours``, ``mmHg``, ``percent``), else as printed in ASCII; "" when ``printed`` is no
    unit ("(RS6)", "(1–10)", "(>1 mm)", "days well at home")."""
    text = printed.strip()
    if not text or re.search(r"[<>≤≥=±]|\b(?:range|iqr|sd|se|n|no|vs|versus|or|and|of|"
                             r"score|scale|total|all)\b", text, re.IGNORECASE):
        return ""
    low = text.lower().replace("µ", "u").replace("μ", "u")
    if low == "%":
        return "percent"
    if low in _TIME:
        return _TIME[low]
    body = _POWER.sub("", low).strip()
    if re.match(r"^[\d.]", body) and not _POWER.match(low):
        return ""  # "(1 mm)", "(24 h)": a quantity, not a unit
    tokens = [w for w in re.split(r"[\s/.·*^()$\-]+", body.replace("²", "2").replace("³", "3"))
              if w]
    if not tokens or not all(w in _UNIT_WORDS or re.fullmatch(r"\d+(?:\.\d+)?", w)
                             for w in tokens):
        return ""
    if all(re.fullmatch(r"[\d.]+", w) for w in tokens) or any(
            a in _TIME and re.fullmatch(r"[\d.]+", b) for a, b in pairwise(tokens)):
        return ""  # "(1-10)"; "day 90", "week 4": a time point, not a unit
    ascii_unit = _ascii_unit(text)
    if ascii_unit.lower() == "mmhg":
        return "mmHg"
    return ascii_unit if len(ascii_unit) <= 40 else ""


@dataclass(frozen=True)
class Stub:
    """A stub after step 1: its name, the unit it printed ("" when none), the legend it
    carried (the format words left out)."""

    name: str
    unit: str = ""
    legend: bool = False


def split_stub(text: str) -> Stub:
    """Step 1 of the category: ``text`` without the legend of its cell format and without a
    unit printed at its end (``Intracerebral haematoma volume (mL)`` is the name
    ``Intracerebral haematoma volume`` in ``mL``; ``Primary outcome (RS6) % (n)`` is
    ``Primary outcome (RS6)``; ``Age, median (range), years`` is ``Age`` in ``years``)."""
    name, unit, legend = re.sub(r"\s+", " ", text).strip(), "", False
    previous = None
    while name != previous:
        previous = name
        folded = name.lower()
        m = _LEGEND_END.search(folded)
        if m and m.start() > 0:
            name, legend = name[:m.start()].rstrip(" ,;:-–—"), True
            continue
        m = _LEGEND_START.match(name)
        if m:
            name, legend = name[m.end():], True
            continue
        m = _LEGEND_AROUND.match(name)
        if m:
            inner = m.group("name")
            name, legend = (inner[:1].upper() + inner[1:]) if name[:1].isupper() else inner, True
            continue
        m = next((m for p in _UNIT_ENDS for m in [p.search(name)]
                  if m and m.start() > 0 and unit_name(m.group(1))), None)
        if m:
            unit = unit_name(m.group(1))  # the first printed of two ("nmol/l [mg/l]")
            name = name[:m.start()].rstrip(" ,;:-–—")
            continue
        m = _BARE_UNIT_END.search(name)
        if m and m.start() > 0 and unit_name(m.group(1)):
            unit = unit_name(m.group(1))  # the first printed of two ("nmol/l [mg/l]")
            name = name[:m.start()].rstrip(" ,;:-–—")
    return Stub(name or text.strip(), unit, legend)


def name_of(text: str) -> str:
    """The name step 1 leaves of ``text``."""
    return split_stub(text).name


# ------------------------------------------------------------------------ steps 2, 3

# a stub that is a level of some variable whatever the variable ("Yes", ">70", "2–3",
# "Grade 3", "Stage IV", "Missing")
_LEVEL = re.compile(
    r"^(?:yes|no|none|nil|never|ever|current|former|mild|moderate|severe|very severe|low|"
    r"medium|intermediate|high|good|fair|poor|normal|abnormal|other|others|unknown|missing|"
    r"missing data|not known|not assessed|not evaluable|not available|n/?a|present|absent|"
    r"positive|negative|male|female|men|women|single|multiple|both|neither|"
    r"[<>≤≥≦≧]\s*=?\s*\d.*|\d+(?:[.,·]\d+)?\s*(?:[-–—]|to)\s*\d+(?:[.,·]\d+)?.*|"
    r"\d+(?:[.,·]\d+)?\s*(?:\+|or more|or less|and over|and above)?|"
    r"(?:grade|stage|class|type|score|level|category|group|tertile|quartile|quintile|"
    r"ps|who ps|ecog|nyha|mrs|gcs|asa)\s*[\divx]+[a-c]?(?:\s*[-–/,]\s*[\divx]+[a-c]?)?|"
    r"[ivx]{1,4}[a-c]?(?:\s*[-–/]\s*[ivx]{1,4}[a-c]?)?|[a-z]?\d[a-z]?|[tnm][0-4x][a-c]?|"
    r"n[0+]|m1[a-c]?)$", re.IGNORECASE)


def level_like(stub: str) -> bool:
    """A stub that reads as a level of some variable ("Yes", ">70", "Grade 3", "IV")."""
    return bool(_LEVEL.match(name_of(stub).strip(" .:")))


@dataclass(frozen=True)
class Member:
    """What the verdict reads of one row under a group heading."""

    stub: str
    own_format: bool  # the stub states a format or unit of its own ("Age, mean (SD)")
    continuous: bool  # its arm cells print means or medians, no count
    own_effect: bool  # it prints its own effect estimate or P value
    counts: bool  # its arm cells print counts (with or without a percentage)


@dataclass(frozen=True)
class Verdict:
    """``levels`` True: the rows are levels of the heading's variable (``Group: level``);
    False: the heading names a part of the table (the stub alone); None: unsure."""

    levels: bool | None
    why: str


def group_verdict(heading: str, members: list[Member], partition: bool | None,
                  p_heading: bool, nested: bool = False) -> Verdict:
    """Whether ``heading`` names a variable whose levels ``members`` are.

    ``partition``: the members' percentages (or counts) add up to the column's total (True),
    to much more or less (False), or cannot be added (None); ``p_heading``: the heading is a
    stub row that prints a value (a P value, a total) its rows leave empty; ``nested``: the
    heading stands under another one (the part of the table is the outer heading)."""
    split = split_stub(heading)
    kind = cues.first("group_sections", split.name)
    if kind == "divider":
        return Verdict(False, "the heading divides the table (a role, a time, a set)")
    if kind == "whole":
        return Verdict(None, "the heading names the whole (its rows are parts or subgroups)")
    levels = sum(level_like(m.stub) for m in members)
    # "Stroke subtype / Lacunar infarction, n (%)": a legend every row repeats is the table's
    # style, no format of a row's own, where the rows share the column out
    styled = partition is True and not any(split_stub(m.stub).unit for m in members)
    if members and not styled and all(m.own_format and not level_like(m.stub) for m in members):
        return Verdict(False, "each row is a characteristic of its own (its own format or "
                              "unit)")
    if nested and kind != "section" and members and \
            not any(m.own_format and not level_like(m.stub) for m in members):
        # "Side effects reported / Headache", "Perinatal mortality / Stillbirth", "Quality
        # of life domains / Vitality": inside a part of the table, a heading whose rows
        # print no format or unit of their own names what they are levels or items of,
        # even when each row has its own effect
        return Verdict(True, "a heading inside a part of the table, over rows without "
                             "a format of their own")
    score, why = 0, []
    if partition is True:
        score, why = score + 3, why + ["the rows add up to the column's total"]
    elif partition is False:
        score, why = score - 1, why + ["the rows add up to more than the column's total"]
    if levels and 2 * levels >= len(members):
        score, why = score + 2, why + ["the rows are level-like labels"]
    if p_heading:
        score, why = score + 2, why + ["the heading prints the variable's value"]
    if kind in ("variable", "variable_words"):
        score, why = score + 1, why + ["the heading names a variable"]
    elif kind == "section":
        score, why = score - 3, why + ["the heading names a part of the table"]
    if not styled and any(m.own_format and not level_like(m.stub) for m in members):
        score, why = score - 2, why + ["rows state their own format or unit"]
    if members and all(m.continuous for m in members):
        if split.unit:  # "NO (umol/L) / Baseline samples": one measurement, its conditions
            score, why = score + 2, why + ["the rows measure the heading's quantity"]
        elif not levels:
            score, why = score - 2, why + ["each row is a measurement of its own"]
    if members and all(m.own_effect for m in members) and not levels and partition is not True:
        score, why = score - 2, why + ["each row has its own effect or P value"]
    if score >= 2:
        return Verdict(True, "; ".join(why))
    if score <= -2:
        return Verdict(False, "; ".join(why))
    return Verdict(None, "; ".join(why) or "nothing tells")


# ------------------------------------------------------------- what the rows print


def _percent(text: str) -> float | None:
    m = re.search(r"\(\s*<?\s*(\d+(?:[.·]\d+)?)\s*%?\s*\)", text)
    return float(m.group(1).replace("·", ".")) if m else None


def _count(text: str) -> int | None:
    m = re.match(r"^\s*(\d+)\s*(?:$|\()", text)
    return int(m.group(1)) if m else None


def partition(t: Table, members: list[int], columns: list[tuple[int, str]]) -> bool | None:
    """Whether rows ``members`` share out the columns ``(index, n)`` (the first two): their
    percentages add up to about 100, or, where no percentage is printed, their counts to
    the column's n (True: levels of one characteristic); to much more or much less (False:
    items); or cannot be added up (None)."""
    verdicts = []
    for c, n in columns[:2]:
        found = [_percent(t.cell_at(r, c).plain) for r in members]
        counts = [_count(t.cell_at(r, c).plain) for r in members]
        if len(members) < 2:
            continue
        if all(p is not None for p in found):
            total, target = sum(p for p in found if p is not None), 100.0
            tolerance = max(2.0, 0.5 * len(members))  # each percentage rounded
        elif n.isdigit() and all(k is not None for k in counts) and not any(found):
            total, target, tolerance = float(sum(k for k in counts if k is not None)), \
                float(n), 0.5
        else:
            continue
        verdicts.append(True if abs(total - target) <= tolerance else
                        False if total > target + tolerance else None)
    if verdicts and verdicts[0] is not None and all(v == verdicts[0] for v in verdicts):
        return verdicts[0]
    return None


def may_lead(heading: str) -> bool:
    """A heading whose first rows may be its levels and the rest rows of their own (not a
    part of the table nor a divider, whose rows are all items)."""
    return cues.first("group_sections", name_of(heading)) not in ("section", "divider",
                                                                   "whole")


def leading_levels(t: Table, members: list[int], columns: list[tuple[int, str]]) -> int:
    """How many of ``members``, from the first, share out the columns when they all do not:
    a group's levels followed by rows the printed layout leaves under it (``Type of
    infection / Abdominal, ..., Bloodstream`` then ``Nosocomial infection``); 0 if none."""
    for k in range(len(members) - 1, 1, -1):
        if partition(t, members[:k], columns) is True:
            return k
    return 0


def member(t: Table, r: int, stub: str, arms: list[int], between: list[int]) -> Member:
    """What :func:`group_verdict` reads of row ``r`` (its stub ``stub``): the per-arm
    columns ``arms`` and the between-arm columns ``between``."""
    cells = [t.cell_at(r, c).plain for c in arms if t.is_origin(r, c)]
    cells = [x for x in cells if re.search(r"\d", x)]
    counts = any(re.match(r"^\s*\d[\d,]*\s*(?:/\s*\d|\(\s*<?\s*\d+(?:[.,·]\d+)?\s*%?\s*\)|$)", x)
                 for x in cells)
    continuous = bool(cells) and not any("%" in x for x in cells) and all(
        "±" in x or re.search(r"\d[.,·]\d", x) or
        re.search(r"\d\s*[(\[]\s*-?\d[\d.,·]*\s*(?:to|-|–|,)\s*-?\d", x) for x in cells)
    own_effect = any(t.is_origin(r, c) and re.search(r"\d", t.cell_at(r, c).plain)
                     for c in between)
    split = split_stub(stub)
    return Member(stub, split.legend or bool(split.unit), continuous and not counts, own_effect,
                  counts)
