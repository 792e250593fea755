"""The shapes of names and values a dossier may use: ids, dates, numbers, landmarks.

Ids become parts of file names (``km_<endpoint>_<cohort>.png``, ``results/<trial>/``), so
they are restricted to letters, digits, ``_`` and ``-`` and a bounded length; everything else
that reaches a file name goes through :func:`slug`. Numbers are plain ASCII decimals of a
bounded length (no exponents, no other scripts' digits, no thousands separators), so no
printed value can overflow or be read as something it is not.
"""

from __future__ import annotations

import datetime as dt
import re

TRIAL_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}", re.ASCII)
ENTRY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII)  # source, cohort, arm
ROW_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,127}", re.ASCII)
ENDPOINT_ID = re.compile(r"[a-z][a-z0-9_]{0,31}", re.ASCII)
NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,20})?", re.ASCII)
DATE = re.compile(r"([0-9]{4})(-([0-9]{2})(-([0-9]{2}))?)?", re.ASCII)
LANDMARK = re.compile(r"([0-9]{1,4}(\.[0-9]{1,2})?)[ -]?(months?|mo|years?|yrs?|yr|y|weeks?|wk|"
                      r"days?|d)", re.ASCII | re.IGNORECASE)
MONTHS_PER_UNIT = {"month": 1.0, "mo": 1.0, "year": 12.0, "yr": 12.0, "y": 12.0,
                   "week": 12.0 / 52.1775, "wk": 12.0 / 52.1775, "day": 12.0 / 365.25,
                   "d": 12.0 / 365.25}
# Months in one unit of time (the dossier's time units); a year is 12 months, a month the
# mean Gregorian month.
TIME_UNIT_MONTHS = {"months": 1.0, "weeks": 12.0 / 52.1775, "days": 12.0 / 365.25,
                    "years": 12.0, "hours": 12.0 / (365.25 * 24)}
_SLUG = re.compile(r"[^A-Za-z0-9_-]+", re.ASCII)
# A unit as printed, for the quantities that allow one (outcome means, lab values, doses):
# ASCII letters and digits, then also space / . % ^ ( ) * _ - ; at most 40 characters.
# "umol/L" for umol/L, "mL/min/1.73 m2", "cm/s", "Gy", "10^9/L".
FREE_UNIT = re.compile(r"[A-Za-z0-9%][A-Za-z0-9 /.%^()*_-]{0,39}", re.ASCII)
# The name of a model after an adjustment ("adjusted: model 2", "adjusted: age, sex").
MODEL_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.()+/-]{0,59}", re.ASCII)
# An event rate's unit: per, an optional power of ten, then what it is per, in words joined
# by '_': per_1000, per_100_person_years, per_1000_device_days, per_patient.
RATE_UNIT = re.compile(r"per(?:_(1|10|100|1000|10000|100000))?((?:_[a-z][a-z0-9]*){0,4})",
                       re.ASCII)
# Origins a landmark may be counted from and still be the usual landmark of a curve.
USUAL_ORIGINS = frozenset({"randomization", "randomisation", "enrollment", "enrolment",
                           "registration", "study entry", "inclusion"})
_FROM = re.compile(r"\s+(?:from|after|since)\s+", re.IGNORECASE)


def is_number(text: str) -> bool:
    """A plain decimal as the dossier writes numbers: ``12``, ``-0.5``, ``0.001``."""
    return NUMBER.fullmatch(text) is not None


def is_date(text: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real day, month or year (1800-2199)."""
    m = DATE.fullmatch(text)
    if m is None:
        return False
    year = int(m.group(1))
    month = int(m.group(3)) if m.group(3) else 1
    day = int(m.group(5)) if m.group(5) else 1
    if not 1800 <= year <= 2199:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def date_months(text: str) -> float:
    """A date as months since year 0 (a year alone is its middle, a month its first day)."""
    parts = [int(p) for p in text.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 7
    day = parts[2] if len(parts) > 2 else 1
    return year * 12 + (month - 1) + (day - 1) / 30.4375


def duration_months(text: str) -> float | None:
    """A time written ``12 months``, ``2-year``, ``5 yr``, in months; None otherwise."""
    m = LANDMARK.fullmatch(text.strip())
    if m is None:
        return None
    return float(m.group(1)) * MONTHS_PER_UNIT[m.group(3).lower().rstrip("s")]


def landmark_origin(category: str) -> tuple[float, str] | None:
    """A landmark and what it is counted from: ``3 years after completing 35 cycles`` is
    (36.0, ``completing 35 cycles``); ``5 years`` is (60.0, ``""``); None if not a time."""
    head, *origin = _FROM.split(category.strip(), maxsplit=1)
    months = duration_months(head)
    if months is None:
        return None
    return months, (origin[0].strip() if origin else "")


def landmark_months(category: str) -> float | None:
    """The landmark time of a rate's category in months: ``12 months``, ``2-year``, ``5 yr``,
    ``12 months from randomization``. A landmark counted from another event (``3 years after
    completing treatment``) is not a time on the trial's curves: None."""
    parsed = landmark_origin(category)
    if parsed is None or (parsed[1] and parsed[1].lower() not in USUAL_ORIGINS):
        return None
    return parsed[0]


def rate_scale(unit: str) -> tuple[float, str] | None:
    """The multiplier and base of a rate unit: ``per_1000_person_years`` is (1000.0,
    ``person_years``); ``per_patient`` (1.0, ``patient``); None if not a rate unit."""
    m = RATE_UNIT.fullmatch(unit)
    if m is None or (m.group(1) is None and not m.group(2)):
        return None
    return float(m.group(1) or 1), m.group(2).lstrip("_")


def slug(text: str, limit: int = 60) -> str:
    """A file-name part from any text: ASCII letters, digits, ``_`` and ``-`` only, bounded.

    ``x/../../tmp/PWNED`` becomes ``x_tmp_PWNED``; an empty result becomes ``_``.
    """
    cleaned = _SLUG.sub("_", text).strip("_-")
    return (cleaned[:limit].rstrip("_-") or "_") if cleaned else "_"
