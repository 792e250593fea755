"""Statistics a sentence names in words around its numbers (:mod:`.sentences`).

- **quartiles**: "a median of 113 hours (quartiles 72 and 172 hours)", "(IQR 13 and 33)",
  "25th and 75th percentiles 48 and 90": the two numbers are ``iqr_low`` and ``iqr_high``,
  in the unit printed after the second (else the median's before them);
- **rates per a number of units**: "68 per 1,000 IVD days", "2.1 per 100 patient-years":
  the number is a ``rate`` whose unit names what it is per (``per_1000_ivd_days``, as the
  data dictionary writes rate units), and "1,000" is no number of its own;
- **a chi-square and its degrees of freedom**: "χ²(3) = 13.7", "chi-square (1) = 0.372",
  "χ² = 8.9": ``test_statistic`` and ``df`` (unit ``none``, test ``chi_square``), between
  arms (no arm).

Written from the data dictionary's statistics and rate units, not from any one paper.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.textrules import is_sure, sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

_NUM = r"-?\d[\d,]*(?:\.\d+)?"


def _at(s: Sentence, start: int) -> Draft | None:
    """The row of the number printed at ``start`` (its first row), or None."""
    found = [d for d in s.rows if d.item is not None and d.item.start == start]
    return found[0] if found else None


# ------------------------------------------------------------------------------ quartiles

_QUARTILES = re.compile(
    rf"\b(?:quartiles?|iqr|interquartile range|25th\s*(?:and|-|–|to)\s*75th percentiles?)"
    rf"\s*[:,=]?\s*({_NUM})\s*(?:[a-z]+\s+)?(?:and|to|-|–|,)\s*({_NUM})")
_SPREAD_AFTER = re.compile(r"\s*(?:[a-z]+\s*)?[,;(\[]\s*")  # "113 hours (", "21 min, "
_UNIT_WORD = re.compile(r"\s*(hours?|h|days?|weeks?|months?|years?|minutes?|min)\b")


def label_quartiles(s: Sentence) -> None:
    """"(quartiles 72 and 172 hours)": the lower and upper quartile, in the unit printed
    after the second number (else the unit of the number before the words)."""
    for m in _QUARTILES.finditer(s.low):
        low, high = _at(s, m.start(1)), _at(s, m.start(2))
        if low is None or high is None or low is high or low.item is None or \
                high.item is None:
            continue
        # one spread of the number before it, not two numbers with arms of their own
        low.item.statistic, high.item.statistic = "iqr_low", "iqr_high"
        for d in s.rows:
            if d.item is not None and d.item.group == high.item.group:
                d.item.group = low.item.group
        before = [d for d in s.rows if d.item is not None and d.item.end <= m.start()
                  and d.fields["statistic"] in ("median", "mean", "value")]
        centre = before[-1] if before and _SPREAD_AFTER.fullmatch(
            s.low[before[-1].item.end:m.start()]) else None  # type: ignore[union-attr]
        if centre is not None and centre.fields["statistic"] == "value":
            # "113 hours (quartiles 72 and 172 hours)": a number with its quartiles
            centre.fields["statistic"] = "median"
            sure(centre, "statistic", "a number printed with its quartiles is a median")
        unit = high.fields["unit"] if _UNIT_WORD.match(s.low[m.end(2):]) else ""
        if not unit and centre is not None:
            unit = centre.fields["unit"]
        for d, stat in ((low, "iqr_low"), (high, "iqr_high")):
            d.fields["statistic"] = stat
            sure(d, "statistic", f"'{m.group().split()[0]}' printed before the two numbers")
            if unit and unit != "none":
                d.fields["unit"] = unit
                sure(d, "unit", "the unit of the quartiles")


# ------------------------------------------------------------------------------- rates

RATE_PER = re.compile(
    r"\bper\s+(\d{1,3}(?:,\d{3})+|\d+)\s+((?:[a-z][a-z-]*\s+){0,2}?"
    r"(?:days?|weeks?|months?|years?|hours?|patient-years?|person-years?|patient-days?|"
    r"patients|participants|persons|people|admissions|procedures))\b")


def label_rates(s: Sentence) -> None:
    """"68 per 1,000 IVD days": a rate in ``per_1000_ivd_days``; the "1,000" is dropped."""
    for m in RATE_PER.finditer(s.low):
        per = _at(s, m.start(1))
        ahead = [d for d in s.rows if d.item is not None and d.item.end <= m.start()
                 and re.fullmatch(r"\s*", s.low[d.item.end:m.start()])]
        if per is not None:
            s.rows[:] = [d for d in s.rows if d.item is None or d.item.group != per.item.group]  # type: ignore[union-attr]
        if not ahead:
            continue
        base = m.group(1).replace(",", "")
        what = re.sub(r"[\s-]+", "_", m.group(2).strip())
        d = ahead[-1]
        d.fields["statistic"] = "rate"
        d.fields["unit"] = f"per_{base}_{what}"
        sure(d, "statistic", "a number 'per' a number of units is a rate")
        sure(d, "unit", "the rate's 'per ...' printed after it")


# --------------------------------------------------------------------------- chi-square

# the superscript of "χ²" may be lost in reading ("χ (2) = 3.33")
_CHI = re.compile(rf"(?:χ|\bchi)[- ]?(?:²|2|square[d]?)?\s*(?:\(\s*(\d+)\s*\)|\[\s*(\d+)\s*\])?"
                  rf"\s*(?:=|:)\s*({_NUM})")


def label_chi_square(s: Sentence) -> None:
    """"χ²(3) = 13.7": the chi-square statistic and its degrees of freedom."""
    for m in _CHI.finditer(s.low):
        # "χ2 = 8.9": the 2 of the name is no number of the sentence
        s.rows[:] = [d for d in s.rows if d.item is None or
                     not m.start() < d.item.start < m.start(3) or d.item.start in
                     (m.start(1), m.start(2))]
        df_at = m.start(1) if m.group(1) else m.start(2) if m.group(2) else -1
        pairs = [(_at(s, m.start(3)), "test_statistic")]
        if df_at >= 0:
            pairs.append((_at(s, df_at), "df"))
        for d, stat in pairs:
            if d is None:
                continue
            d.fields["statistic"] = stat
            d.fields["unit"] = "none"
            d.fields["arm"] = ""
            d.fields.setdefault("test", "")
            if not d.fields["test"]:
                d.fields["test"] = "chi_square"
            sure(d, "statistic", "a chi-square printed 'χ²(df) = x'")
            sure(d, "unit", "a test statistic has no unit")
            sure(d, "arm", "a test statistic is between the groups")


# ------------------------------------------------------------------------------- counts

_NOT_COUNTS = re.compile(r"^(?:design_.*|eligibility|schedule|dose|median_dose|dose_level|"
                         r"assessment_time|follow_up|external_.*|baseline_value|age|"
                         r"allocation_ratio|significance_level|criteria_version|.*_hr)$")
_PEOPLE = r"(?:patients?|participants?|subjects?|women|men|children|child|infants?|cases?)"
# "(117 in group A", "46 in each arm", "5 in each group": a number of patients per arm
_IN_ARM = re.compile(r"^\s+in\s+(?:each|both|the|either)?\s*(?:[a-z-]+\s+){0,3}?"
                     r"(?:group|arm|groups|arms)\b")
# "deep vein thrombosis (2), stroke (1)": a number alone in parentheses after words
_ITEMIZED = re.compile(r"[a-z)]\s*\(\s*$")
_ITEMIZED_AFTER = re.compile(r"^\s*\)\s*(?:[,;.]|and\b|or\b|$)")


def label_counts(s: Sentence) -> None:
    """Whole numbers that count patients though no statistic word says so: "(117 in group
    A and 120 in group B)", "only in one patient", "hypertension (13), stroke (1)" (a list
    of reasons, each with its count: a count, of patients unless it says what, a guess)."""
    arm_after = {a.start for a in s.arms}
    for d in s.rows:
        item = d.item
        if item is None or item.unit or d.fields["statistic"] != "value" or \
                is_sure(d, "statistic") or \
                not item.value.isdigit() or _NOT_COUNTS.match(d.fields["quantity"]):
            continue
        after, before = s.low[item.end:item.end + 60], s.low[max(0, item.start - 40):item.start]
        people = re.match(rf"^\s+(?:[a-z-]+\s+)?{_PEOPLE}\b", after)
        in_arm = _IN_ARM.match(after) or any(
            re.fullmatch(r"\s+in\s+(?:the\s+)?", s.low[item.end:a]) for a in arm_after
            if 0 < a - item.end < 12)
        itemized = _ITEMIZED.search(before) and _ITEMIZED_AFTER.match(after)
        if not (people or in_arm or itemized):
            continue
        d.fields["statistic"] = "count"
        d.fields["unit"] = "infants" if people and re.search(r"infant", people.group()) \
            else "patients"
        if itemized and not (people or in_arm):
            d.rules.append("guess: statistic: a whole number alone in parentheses after a "
                           "reason or an event is its count (of patients, or of events?)")
        else:
            sure(d, "statistic", "a whole number of patients (or 'in' an arm)")
