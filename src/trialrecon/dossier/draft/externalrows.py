"""The labels of a number about another study (``external_*``), from the words around it.

The data dictionary writes such a row with the study in ``category`` ("the study, its
references, a colon, what is measured": ``ZETA trial (ref 4): diarrhoea``), no arm (the
``arm`` column names this trial's arms only), no analysis set of this trial, and the unit the
sentence prints. What the sentence's shape made of the number is corrected where the words
say it plainly:

- an estimate printed with its interval ("1.58 (95% CI 1.50-1.66)") is an ``estimate``, and
  an estimate or bound of a ratio the sentence names (odds ratio, relative risk, rate ratio,
  hazard ratio, OR, RR, HR) is in ``ratio``;
- a time or dose unit printed after the number, or after the list it ends ("12, 24 or 48
  hours", "150- and 300-mg doses"), is the unit;
- a number of studies ("six trials", "36 bupropion trials") is a ``count`` in ``none``.

Every label stays a guess (``needs_review``): the category's words are read, not checked.
"""

from __future__ import annotations

import re

_RATIO = re.compile(r"\b(?:odds ratio|relative risk|risk ratio|relative rate|rate ratio|"
                    r"hazard ratio|ratio|OR|RR|HR|aOR|aHR|IRR)\b")
_INTERVAL_AFTER = re.compile(r"^\s*[\(\[]\s*(?:95\s*%\s*)?(?:CI|confidence interval)\b",
                             re.IGNORECASE)
# the rest of a list of numbers the unit is printed after ("12, 24 or 48 hours", "72- to 96")
_LIST = r"(?:(?:\s*(?:-|\u2013|to|and|or|then|,))+\s*[\d.]+)*\s*-?\s*"
_UNITS = {"hours": r"hours?|hrs?|h", "days": r"days?", "weeks": r"weeks?|wk",
          "months": r"months?|mo", "years": r"years?|yrs?",
          "mg/m2": r"mg/m(?:2|\u00b2)|mg\s*m(?:\u207b\u00b2|-2|\u22122)",
          "mg/kg": r"mg/kg", "mg": r"mg", "g": r"g", "Gy": r"Gy"}
_UNIT_AFTER = [(unit, re.compile(r"^" + _LIST + r"(?:" + words + r")(?![\w/])"))
               for unit, words in _UNITS.items()]
_STUDIES_AFTER = re.compile(r"^\s+(?:[\w-]+\s+){0,3}?(?:trials|studies|reports|reviews)\b",
                            re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,\u00b7]\d+)*")


def label_external(fields: dict[str, str], study: str, text: str, at: int) -> list[str]:
    """Relabel ``fields``, the row of the number at index ``at`` of the sentence ``text``,
    as another study's (``study``: the words naming it, "" when none); the rules applied."""
    rules = []
    fields["arm"] = ""
    fields["population"] = ""
    measure = fields.get("category", "")
    if ":" in measure:
        measure = ""  # a level of this trial's table ("Type of infection: Abdominal")
    category = f"{study}: {measure}" if study and measure else study or measure
    if category != fields.get("category", ""):
        fields["category"] = category
        rules.append(f"category: the other study as the sentence names it ('{category}')")
    m = _NUMBER.match(text, at)
    after = text[m.end() if m else at:]
    stat = fields.get("statistic", "")
    if stat == "value" and _INTERVAL_AFTER.match(after):
        fields["statistic"] = stat = "estimate"
        rules.append("statistic: an estimate printed with its interval")
    if stat in ("estimate", "ci_low", "ci_high") and fields.get("unit") in ("", "none") and \
            _RATIO.search(text[:at]):
        fields["unit"] = "ratio"
        rules.append("unit: a ratio the sentence names")
    if after.lstrip().startswith("%"):
        return rules
    for unit, pattern in _UNIT_AFTER:
        if pattern.match(after):
            fields["unit"] = unit
            if stat == "count":
                fields["statistic"] = "value"
            rules.append(f"unit: '{unit}' printed after the number")
            return rules
    if _STUDIES_AFTER.match(after):
        fields["statistic"], fields["unit"] = "count", "none"
        rules.append("statistic: a number of studies")
    return rules
