"""Sentence shapes of the Methods, read into labels (the flow of patients: :mod:`.textflow`).

Each function reads one shape CONSORT makes a trial report print (:mod:`.sentences` calls
them in order; a label a shape reads is recorded as sure, anything it cannot tell apart as a
guess):

- **design** (a sample-size or statistical-methods paragraph, or a sentence about power):
  ``design_power``, ``design_alpha`` with ``sided``, ``design_n_per_group``,
  ``design_n_total``, ``design_dropout``, ``design_hr``, ``design_ratio``,
  ``design_events``, ``design_p0``/``design_p1`` ("from 15% to 9%": control, then
  experimental), ``design_difference``, ``design_sd``, ``design_margin``,
  ``design_accrual``, ``design_follow_up``, ``design_interim``; a threshold "P < 0.05 was
  considered significant" is ``significance_level``;
- **conduct**: dates of accrual ("between April 2008 and November 2013 we recruited",
  "recruitment started in ... and was completed in ...", "the first patient was enrolled
  on ..."), the
  data cut-off, centres and countries (and their parts: "39 centres (32 in Australia, 5 in
  New Zealand ...)" with the place as category), the allocation ratio ("randomised 1:1": a
  row per arm);
- **treatment**: doses ("250 mg gefitinib", "tranexamic acid 1 g") and schedules ("every 3
  weeks", "over 30 min", "28-day cycles"), with the drug as category (a guess: the data
  dictionary lets the reviewer name the item); the follow-up with its terms ("among
  survivors", "reverse Kaplan-Meier").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.numbers import HAS_NUMBER_WORD
from trialrecon.dossier.draft.textrules import guess, is_sure, sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# ------------------------------------------------------------------------------ design

_DESIGN_PLACE = re.compile(r"sample size|power|statistic|design|analys")
_DESIGN_WORDS = re.compile(r"\bpower\b|sample size|\bdetect\b|were (?:needed|required)|"
                           r"(?:needed|required) to (?:enter|be (?:enrolled|randomi[sz]ed|"
                           r"included|recruited))|"
                           r"would (?:be )?(?:need|require)|to be enrolled|calculated|"
                           r"type i error|\balpha\b|α")
_DESIGN_AFTER = (
    ("design_power", r"^\s*%?\s*(?:statistical )?power\b"),
    ("design_dropout", r"^\s*%?\s*(?:drop-?outs?|withdrawals?|loss(?:es)? to follow-?up|"
                       r"attrition|non-?evaluable|lost|ineligib)"),
    ("design_n_per_group", r"^\s*(?:patients?|participants?|women|children|subjects?|"
                           r"infants?|devices?)?\s*(?:per|in each|for each|each) "
                           r"(?:group|arm|treatment|cohort)"),
    ("design_events", r"^\s*(?:events|deaths)\b"),
    ("design_alpha", r"^\s*%?\s*(?:(?:two|one)-sided )?(?:level of significance|significance "
                     r"level|type i error)"),
)
_DESIGN_BEFORE = (
    ("design_power", r"power(?: of)?\s*$"),
    ("design_alpha", r"(?:alpha|α|type i error(?: rate)?|significance level|level of "
                     r"significance|two-sided|one-sided|2-sided|1-sided|significance)"
                     r"(?: level)?(?: \(two-sided\)| \(one-sided\))?(?: of| at| =| was| is)?"
                     r"\s*$"),
    ("design_hr", r"(?:hazard ratio|\bhr\b)(?: \(hr\))?(?: for [a-z ]+)?(?: of| =)?\s*$"),
    # not "or" (folded, the word of "a score of 0 or 1" and the odds ratio's OR look alike)
    ("design_ratio", r"(?:odds ratio|risk ratio|relative risk|rate ratio|\brr\b)"
                     r"(?: \([a-z]+\))?(?: of| =)?\s*$"),
    ("design_sd", r"(?:standard deviation|\bsd\b)(?: of| =)?\s*$"),
    ("design_margin", r"margin(?: of| =)?\s*$"),
    ("design_difference", r"(?:difference|reduction|improvement|increase)(?: in [a-z ]+)?"
                          r"(?: of| by| =)?\s*$"),
    ("design_dropout", r"(?:drop-?out|withdrawal|attrition|loss to follow-?up|loss)"
                       r"(?: rate)?(?: of| at| =)?\s*$"),
    ("design_n_total", r"(?:sample size|total|enrol+ment|recruitment target|target)"
                       r"(?: of| was| =| to| set at| was set at)?\s*$"),
    ("design_accrual", r"accrual(?: period| time)?(?: of)?\s*$"),
)
_DESIGN_BEFORE_RE = tuple((q, re.compile(rx)) for q, rx in _DESIGN_BEFORE)
_DESIGN_AFTER_RE = tuple((q, re.compile(rx)) for q, rx in _DESIGN_AFTER)
_SIGNIFICANT = re.compile(r"considered (?:statistically )?significant|statistical significance|"
                          r"significant at|indicate[sd]? (?:statistical )?significance|"
                          r"significance was set|regarded as significant")


def in_design(s: Sentence) -> bool:
    """A sentence of the sample-size calculation."""
    place = fold(f"{s.unit.heading} {s.unit.location}")
    return bool(_DESIGN_WORDS.search(s.low)) and (
        bool(_DESIGN_PLACE.search(place)) or bool(re.search(r"\bpower\b|sample size", s.low)))


def label_design(s: Sentence) -> None:
    if _SIGNIFICANT.search(s.low) and not re.search(r"\bpower\b", s.low):
        _significance(s)
        return
    if not in_design(s):
        return
    for d in s.rows:
        if d.item is None or d.fields["statistic"] in ("p_value", "date", "label") or \
                is_sure(d, "quantity"):
            continue
        start, end = s.span(d)
        before = s.low[max(0, start - 45):start]
        after = s.low[end:end + 40]
        found = next((q for q, rx in _DESIGN_AFTER_RE if rx.match(after)), "") or \
            next((q for q, rx in _DESIGN_BEFORE_RE if rx.search(before)), "")
        if not found and re.match(r"^\s*(?:patients|participants|women|children|subjects|"
                                  r"infants)\b", after) and d.item.unit != "percent":
            found = "design_n_total"
        if not found:
            continue
        _design_row(s, d, found)
    _from_to(s)


_SEVERAL_DESIGNS = re.compile(r"\b(?:additional|allow\w*|increas\w*|achieved|remain\w*|reduc\w*|"
                              r"minimum|target|recruitment|post hoc|observed|would require|"
                              r"comparison|adjust\w*|before|after|final|interim|actual)\b")


def _design_row(s: Sentence, d: Draft, quantity: str) -> None:
    value = d.fields["value"]
    if _SEVERAL_DESIGNS.search(s.low) or s.arms:
        guess(d, "category: the sentence may state a second design or a revised one "
                 "(name it in category)")
    d.fields["quantity"], d.fields["category"] = quantity, ""
    d.fields["statistic"] = "value"
    d.fields["denominator"] = ""
    percent = d.item is not None and d.item.unit == "percent"
    if quantity in ("design_power", "design_dropout", "design_p0", "design_p1"):
        d.fields["unit"] = "percent" if percent else "proportion"
    elif quantity == "design_alpha":
        d.fields["unit"] = "percent" if percent else "probability"
        d.fields["sided"] = _sided(s.low)
    elif quantity in ("design_hr", "design_ratio"):
        d.fields["unit"] = "ratio"
    elif quantity in ("design_n_total", "design_n_per_group"):
        d.fields["unit"] = "patients"
        if not re.fullmatch(r"\d+", value):
            return
    elif quantity == "design_events":
        d.fields["unit"] = "events"
    elif percent:
        d.fields["unit"] = "percent"
        if quantity == "design_difference":
            guess(d, "unit: a difference in percent: percentage points or relative?")
    sure(d, "quantity", f"design: {quantity}")
    sure(d, "statistic", "a design parameter")


def _sided(low: str) -> str:
    m = re.search(r"\b(one|1|two|2)[- ](?:sided|tailed)\b|\b(one|two)-sided\b", low)
    if not m:
        return ""
    word = m.group(1) or m.group(2)
    return "one_sided" if word in ("one", "1") else "two_sided"


def _from_to(s: Sentence) -> None:
    """"from 15% to 9%" (or "44% ... to 56%") in a design sentence: control, experimental."""
    m = re.search(r"\bfrom (?:an? |the )?(?:[a-z-]+ ){0,4}?(\d+(?:\.\d+)?)\s*%?"
                  r"(?:[^%0-9]{0,60}?)\bto (?:an? )?(\d+(?:\.\d+)?)\s*%", s.low)
    if not m:
        return
    if re.search(r"power[^.]{0,20}$", s.low[:m.start()]):
        return  # "the power of the study from 90% to 80%"
    for d in s.rows:
        if d.item is None or is_sure(d, "quantity") and d.fields["quantity"] not in (
                "design_difference",):
            continue
        if d.item.start == m.start(1):
            _design_row(s, d, "design_p0")
        elif d.item.start == m.start(2):
            _design_row(s, d, "design_p1")


def _significance(s: Sentence) -> None:
    thresholds = [d for d in s.rows if d.item is not None and (
        d.fields["statistic"] == "p_value" and d.fields["comparator"] in ("<", "<=") or
        d.item.statistic == "value" and re.match(r"0?\.\d+$", d.fields["value"]))]
    for d in thresholds:
        if True:
            d.fields["quantity"], d.fields["category"] = "significance_level", ""
            d.fields["statistic"], d.fields["unit"] = "value", "probability"
            d.fields["comparator"] = ""
            d.fields["sided"] = _sided(s.low)
            sure(d, "quantity", "a threshold of significance")
            sure(d, "statistic", "a threshold of significance")
            if len(thresholds) > 1:
                guess(d, "category: several thresholds (name what each is for)")


# ----------------------------------------------------------------------------- conduct

_ACCRUAL = re.compile(r"\b(?:enrol+|recruit|randomi[sz]|accru|includ|regist|assign)")
# "This randomized, open-label, multicentre trial was conducted from June 2010 to April 2014":
# "randomized" names the design, not the accrual; the dates are the study's period
_DESIGN_ADJECTIVE = re.compile(
    r"(?<!were )(?<!was )(?<!been )\b(?:randomi[sz]ed|registered)(?=(?:,?\s+(?:and\s+)?(?!(?:"
    r"in|into|to|on|at|for|from|by|the|this|that|a|an|our|each|either|both)\b)[a-z-]+){0,6}"
    r",?\s+(?:trial|study)\b)")
# "Recruitment started in February 2006 and was completed in September 2012"
_STARTED = re.compile(r"\b(?:start|began|begun|commenc|open)\w*\b")
_ENDED = re.compile(r"\b(?:end|complet|clos|finish|stopp|conclud)\w*\b")
# "The first participant enrolled on 15 June 2004"
_FIRST_LAST = re.compile(r"\b(first|last) (?:patient|participant|subject|woman|child|infant)s? "
                         r"(?:was |were )?(?:enrol+ed|recruited|randomi[sz]ed|included|"
                         r"registered|accrued)\b[^.;0-9]{0,20}$")
_CUTOFF = re.compile(r"cut-?off|database (?:lock|was locked)|data were censored|as of\b")
# "We searched PubMed between June 1993 and April 2016 for randomised trials": the dates of a
# literature search (a Research in context panel, a meta-analysis), never the trial's accrual
_LITERATURE_SEARCH = re.compile(r"\bsearch(?:ed|es|ing)?\b|\b(?:pubmed|medline|embase|cochrane|"
                                r"web of science|scopus)\b|\bliterature\b")


# another count of places further in the list: ", one hospital in ...", "and 2 in ..."
_MORE_PLACES = re.compile(r"(?:,|\band)\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|"
                          r"ten)\s+(?:(?:centres?|centers?|sites?|hospitals?|institutions?)\s+)?"
                          r"in\b")


def label_conduct(s: Sentence) -> None:
    dates = [d for d in s.rows if d.fields["statistic"] == "date"]
    if len(dates) == 2 and _ACCRUAL.search(_DESIGN_ADJECTIVE.sub("", s.low)) and \
            not _LITERATURE_SEARCH.search(s.low) and (re.search(
            r"\bbetween\b|\bfrom\b", s.low) or _STARTED.search(
            s.low[:s.span(dates[0])[0]]) and _ENDED.search(s.low[s.span(dates[0])[1]:
                                                                s.span(dates[1])[0]])):
        for d, q in zip(dates, ("enrollment_start", "enrollment_end"), strict=True):
            d.fields["quantity"], d.fields["unit"], d.fields["category"] = q, "date", ""
            sure(d, "quantity", "accrual dates: 'between ... and ...', 'started ... ended'")
    elif len(dates) == 1 and _FIRST_LAST.search(s.low[:s.span(dates[0])[0]]):
        d = dates[0]
        first = _FIRST_LAST.search(s.low[:s.span(d)[0]]).group(1) == "first"
        d.fields["quantity"] = "enrollment_start" if first else "enrollment_end"
        d.fields["unit"], d.fields["category"] = "date", ""
        sure(d, "quantity", "the date the first (last) patient was enrolled")
    elif len(dates) == 1 and _CUTOFF.search(s.low):
        d = dates[0]
        d.fields["quantity"], d.fields["unit"] = "data_cutoff", "date"
        sure(d, "quantity", "the date of the data cut-off")
    for d in s.rows:
        if d.item is None or is_sure(d, "quantity") or not re.fullmatch(r"\d+",
                                                                       d.fields["value"]):
            continue
        tail = s.low[s.span(d)[1]:s.span(d)[1] + 50]
        m = re.match(r"^\s*(?:[a-z-]+\s+){0,3}?(centres|centers|sites|hospitals|institutions|"
                     r"countries)\b", tail)
        if m and d.fields["statistic"] in ("value", "count"):
            q = "countries" if m.group(1) == "countries" else "centers"
            d.fields["quantity"], d.fields["statistic"], d.fields["unit"] = q, "count", q
            d.fields["category"] = ""
            sure(d, "quantity", f"'{m.group(1)}' after the number")
            sure(d, "statistic", "a count of places")
            after = tail[m.end():m.end() + 80]
            if re.match(r"\s+in\b", after) and _MORE_PLACES.search(after):
                # "57 hospitals in one country, one hospital in another": a part, no total
                guess(d, "category: the places of one country of several, not the total")
        if m and d.fields["statistic"] in ("value", "count"):
            _places_of(s, d, s.span(d)[1] + m.end())
        if d.item.pattern == "allocation ratio":
            d.fields["quantity"], d.fields["statistic"], d.fields["unit"] = \
                "allocation_ratio", "value", "none"
            sure(d, "quantity", "an allocation ratio a:b")
    _ratio_arms(s)


_PLACE_ITEM = re.compile(r"(\d+) in ([A-Z][A-Za-z.'’ -]*?[a-z.])(?=\s*(?:,|;|\band\b|\)|$))")


def _places_of(s: Sentence, total: Draft, at: int) -> None:
    """"39 collaborating centres (32 in Australia, 5 in New Zealand, and 2 in Canada)": each
    part is a count of the same places, the place as printed in ``category``."""
    inside = re.match(r"\s*\(([^()]*)\)", s.unit.text[at:])
    if not inside:
        return
    base = at + inside.start(1)
    for m in _PLACE_ITEM.finditer(inside.group(1)):
        for d in s.rows:
            if d.item is not None and s.span(d)[0] == base + m.start(1):
                d.fields["quantity"] = total.fields["quantity"]
                d.fields["statistic"], d.fields["unit"] = "count", total.fields["unit"]
                d.fields["category"] = m.group(2).strip()
                sure(d, "quantity", "a part of the places counted before it")
                sure(d, "category", "the place named with the part")
                sure(d, "statistic", "a count of places")


def _ratio_arms(s: Sentence) -> None:
    """A row per arm of "1:1" (the arms in the order the sentence names them, else as
    declared)."""
    parts = [d for d in s.rows if d.item is not None and d.item.pattern == "allocation ratio"]
    if not parts:
        return
    arms = list(s.ctx.arms)
    named = []
    for hit in s.arms:
        if hit.name in arms and hit.name not in named and hit.start > s.span(parts[0])[0]:
            named.append(hit.name)
    order = named if len(named) == len(parts) else arms
    if len(order) != len(parts):
        for d in parts:
            guess(d, "arm: the ratio's parts and the arms do not pair")
        return
    same = len({d.fields["value"] for d in parts}) == 1
    for d, arm in zip(parts, order, strict=True):
        d.fields["arm"] = arm
        d.rules.append("arm: the ratio's parts in the order of the arms")
        if not same and order is arms:
            guess(d, "arm: the parts of an unequal ratio, in the declared order")
        sure(d, "arm", "allocation")


# --------------------------------------------------------------------------- treatment

# "mg/m²" reaches the sentence as "mg/m " (the normalised text drops superscripts as marks)
_DOSE_UNIT = re.compile(r"^\s?(mg/m2|mg/m²|mg/m(?![a-z0-9/])|mg/kg(?:/day|/d)?|mg|g|µg|μg|mcg|"
                        r"iu|gy|auc)\b")
_SCHEDULE = re.compile(r"(?:every|each|per|over|for|within|after|q)\s*$")
_SCHEDULE_UNIT = re.compile(r"^\s?-?(min(?:utes?)?|h(?:ours?)?|days?|weeks?|months?|cycles?)\b")


# "on days 1-5", "days 1, 3 and 5", "day 8": the number is a day of the schedule
_SCHEDULE_DAYS = re.compile(r"\bdays?\s+(?:\d+\s*(?:[-–—,]|and|to|or)\s*)*$")


def _schedule_day(s: Sentence, d: Draft) -> bool:
    """A number printed as a day of a treatment schedule is no count of patients, whatever
    the sentence's other words (randomised, given) made of it: a schedule row, flagged."""
    start, end = s.span(d)
    if d.fields["statistic"] in ("p_value", "date", "label", "percent") or \
            not _SCHEDULE_DAYS.search(s.low[max(0, start - 40):start]) or \
            re.match(r"\s*(?:%|patients|participants)", s.low[end:end + 14]):
        return False
    d.fields["quantity"], d.fields["unit"] = "schedule", "days"
    if d.fields["statistic"] in ("count", ""):
        d.fields["statistic"] = "value"
    d.rules.append("quantity: a day of the treatment schedule")
    guess(d, "category: name the drug and the part of the schedule (days of the course)")
    return True


def label_treatment(s: Sentence) -> None:
    for d in s.rows:
        if d.item is None or _schedule_day(s, d) or is_sure(d, "quantity") or \
                d.fields["statistic"] in ("p_value", "date", "label", "percent"):
            continue
        start, end = s.span(d)
        tail = s.unit.text[end:end + 12]
        unit = _DOSE_UNIT.match(tail.lower())
        before = s.low[max(0, start - 25):start]
        if unit and not re.search(r"\b(?:median|mean|total) (?:cumulative )?(?:dose|of)\s*$",
                                  before):
            d.fields["quantity"] = "dose"
            d.fields["unit"] = _dose_unit(tail)
            d.fields["statistic"] = "value"
            d.fields["category"] = _drug(s, start, end)
            sure(d, "quantity", "an amount of a drug or radiation")
            sure(d, "statistic", "a planned dose")
            guess(d, "category: name the drug (and what dose it is)")
            continue
        sched = _SCHEDULE_UNIT.match(s.low[end:end + 12])
        if sched and _SCHEDULE.search(before) and s.unit.location not in ("Abstract",):
            d.fields["quantity"], d.fields["statistic"] = "schedule", "value"
            d.fields["unit"] = _time_unit(sched.group(1))
            d.rules.append("quantity: a time of the treatment schedule")
            guess(d, "category: name the part of the schedule (cycle length, infusion "
                     "duration)")


def _dose_unit(tail: str) -> str:
    m = _DOSE_UNIT.match(tail.lower())
    unit = m.group(1) if m else ""
    unit = {"mg/m²": "mg/m2", "mg/m": "mg/m2", "µg": "ug", "μg": "ug", "mcg": "ug", "gy": "Gy",
            "ml": "mL", "auc": "AUC", "iu": "IU", "mg/kg/d": "mg/kg/day"}.get(unit, unit)
    if unit == "mg" and re.match(r"^\s?mg\s+(?:once |twice )?(?:daily|per day|a day|/day|/d)\b",
                                 tail.lower()):
        return "mg/day"
    return unit


# words around a dose that name no drug ("took 150 mg", "200 mg weekly", "either 45 Gy")
_NO_DRUG = frozenset("dose doses with received receive receiving took take taking given "
                     "give fixed daily weekly monthly twice once either over than rather "
                     "and plus or then followed from during each every per total group arm "
                     "arms patients orally oral intravenous intravenously infusion bolus "
                     "loading maintenance starting initial reduced reduction equivalent "
                     "were was into body".split())


def _drug(s: Sentence, start: int, end: int) -> str:
    """The drug a dose is of: the word after "of" ("250 mg of gefitinib"), else the word
    before the number ("gefitinib 250 mg"), else the word after the unit ("150 mg
    bupropion"); words of the schedule or the prose name none."""
    tail = s.unit.text[end:end + 40]
    after = re.match(r"^\s?\S+\s+(?:of\s+)?([A-Za-z][A-Za-z-]{3,})", tail)
    before = re.search(r"([A-Za-z][A-Za-z-]{3,})\s*(?:\(|,)?\s*$", s.unit.text[:start])
    if after and re.match(r"^\s?\S+\s+of\s", tail):
        return after.group(1)
    for m in (before, after):
        if m and fold(m.group(1)) not in _NO_DRUG and not HAS_NUMBER_WORD.fullmatch(
                m.group(1)) and not re.search(r"-daily$", fold(m.group(1))):
            return m.group(1)
    return ""


def _time_unit(word: str) -> str:
    w = word.lower()
    if w.startswith("min"):
        return "min"
    if w.startswith("h"):
        return "hours"
    return w if w.endswith("s") else w + "s"


# --------------------------------------------------------------------------- follow-up

_FOLLOW_TERMS = (("reverse kaplan", "reverse Kaplan-Meier"), ("alive", "survivors"),
                 ("surviv", "survivors"), ("censored", "censored patients"),
                 ("from randomi", "from randomization"), ("minimum", "minimum"),
                 ("all patients", "all patients"))


_CLAUSE_END = re.compile(r";|, and |, whereas | while | whereas |, but ")


def _clause(before: str, after: str) -> str:
    """The clause around a number: ``before`` from its last clause break, ``after`` up to
    its first."""
    cuts = [m.end() for m in _CLAUSE_END.finditer(before)]
    ends = [m.start() for m in _CLAUSE_END.finditer(after)]
    return before[cuts[-1] if cuts else 0:] + after[:ends[0] if ends else len(after)]


# A sentence that opens on a subgroup: "For the biomarker-positive subgroup (n = 31), ...".
_SUBGROUP_OPENING = re.compile(r"^(?:in|for|among|within)\s+(?:the\s+|a\s+|this\s+)?[^,;.]{0,80}?"
                               r"\b(?:subgroups?|subpopulations?|subsets?|strat(?:um|a))\b"
                               r"[^,;]{0,40},")


def label_subgroup(s: Sentence) -> None:
    """Numbers of a sentence that opens on a subgroup are that subgroup's, not the trial's:
    flagged for the reviewer to name it in ``subgroup``."""
    if not _SUBGROUP_OPENING.match(s.low.strip()):
        return
    for d in s.rows:
        if not d.fields.get("subgroup"):
            guess(d, "subgroup: the sentence opens on a subgroup (name it in subgroup)")


_PLANNED_FOLLOW_UP = re.compile(r"\b(?:schedul|plann|intend|protocol-?specified)\w*\b|"
                                r"follow-?up period\b")


def label_follow_up(s: Sentence) -> None:
    if not re.search(r"follow-?up", s.low):
        return
    for d in s.rows:
        if d.fields["quantity"] != "follow_up" or d.item is None:
            continue
        head = next((r for r in s.rows if r.item is not None and d.item is not None
                     and r.item.group == d.item.group), d)
        if not re.search(r"follow-?up(?: time| duration| period)?(?: \([^)]*\))?"
                         r"(?: (?:for|among|in) [a-z -]{1,30})?,?(?: of| was| is|:| lasted|"
                         r" reached| of about| of approximately)\s*$",
                         s.low[max(0, s.span(head)[0] - 45):s.span(head)[0]]):
            continue
        # the terms of the clause the number stands in: a sentence may give two groups'
        # follow-up ("3836 days in survivors ... 2505 days in non-survivors")
        # (whose follow-up may be said after the number's spread: "45 months (IQR 35-58)
        # for those still alive")
        start = s.span(d)[0]
        after = re.sub(r"\s*[(\[][^()\[\]]*[)\]]|^[^()\[\]]*[)\]]", "",
                       s.low[start:start + 100])  # a spread's own parenthesis closed too
        after = re.split(r"[,.]\s", after[:40])[0]
        clause = _clause(s.low[max(0, start - 90):start], after)
        if re.search(r"non-?surviv|deceased|who died|dead\b", clause):
            d.fields["category"] = ""
            guess(d, "category: the follow-up of patients who died, no term of the vocabulary")
            continue
        if _PLANNED_FOLLOW_UP.search(clause) and not re.search(r"\bmedian\b|\bmean\b", clause):
            # "a scheduled follow-up period of 3 years": the design's, no patient's median
            d.fields.update(quantity="design_follow_up", statistic="value", category="")
            guess(d, "quantity: a planned follow-up period, not an observed follow-up")
            continue
        terms = list(dict.fromkeys(t for w, t in _FOLLOW_TERMS if w in clause))
        d.fields["category"] = "; ".join(terms)
        if d.fields["statistic"] in ("value", "estimate"):
            d.fields["statistic"] = "median" if "median" in s.low else "mean" \
                if "mean" in s.low else d.fields["statistic"]
        sure(d, "quantity", "follow-up")
        sure(d, "category", "the follow-up terms the sentence prints")
