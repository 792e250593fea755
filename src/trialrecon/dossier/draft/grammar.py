"""The number grammar shared by the drafter and the transcription audit.

How a paper prints a number, and what number it is:

- decimal point ``.`` or the Lancet's middle dot ``·`` (``11·3`` is 11.3); a leading point
  without a zero (``.05``, ``P = .001``);
- thousands grouped by commas (``1,296``) or by thin or narrow no-break spaces
  (``19 984``, U+2009 / U+202F / U+00A0; an ordinary space never groups digits: "2 123"
  is two numbers);
- a minus written ``-``, ``−`` (U+2212) or an en dash where no number stands right before
  it (``(–0·5 to 1·2)``); a dash right after a number is a range separator (``0·99–1·45``,
  ``18–65``);
- dates ``October 2011``, ``October, 2011``, ``Oct 12, 2011``, ``Sept 30, 2017``,
  ``12 October 2011``, ``08 March 2013``, ``March, 30th 2016``, ``30th of March 2016``;
- markers in place of a number: ``NR``, ``not reached``, ``not yet reached``, ``had not
  been reached``, ``NE``, ``not estimable``.

:data:`NUM` is the pattern of one printed number; :func:`parse_number` gives the number a
dossier writes (``11.3``, ``0.001``, ``19984``, ``-0.5``); :func:`format_number` prints a
value in one of :data:`STYLES` (the property tests check that parsing gives it back).
The composite patterns (estimate and CI, ``n/N (%)``, ``% (n)``, ``mean ± SD``, ``median
(IQR)``, ``(range)``) are in :mod:`.numbers`, built on these.
"""

from __future__ import annotations

import re

DECIMAL_POINTS = ".\u00b7"  # full stop, middle dot
GROUP_SPACES = "\u2009\u202f\u00a0\u2008\u2007\u2006\u2005"  # thin, narrow no-break, no-break,
# punctuation, figure, six-per-em and four-per-em spaces
MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (where it is a sign)
_P = "[" + DECIMAL_POINTS + "]"
_G = "[," + GROUP_SPACES + "]"
NUM = (rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:[{GROUP_SPACES}]\d{{3}})+|\d+)"
       rf"(?:{_P}\d+)?|{_P}\d+)")
MARKERS = {
    "not_reached": re.compile(r"\b(?:had |has |was |were )?not (?:yet |been |yet been )?"
                              r"reached\b|\bNR\b", re.IGNORECASE),
    "not_estimable": re.compile(r"\bnot estimable\b|\bcould not be estimated\b|\bNE\b",
                                re.IGNORECASE),
}
MARKER_PATTERN = (r"(?:had |has )?not (?:yet |been |yet been )?reached|not estimable|NR|NE")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
         r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_ORDINAL = r"(?:st|nd|rd|th)?"
DATE = re.compile(rf"\b(?:(?P<dayfirst>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?)?{MONTH},?\s+"
                  rf"(?:(?P<day>\d{{1,2}}){_ORDINAL},?\s+)?"
                  r"(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
STYLES = ("plain", "middle_dot", "comma_thousands", "thin_thousands", "unicode_minus",
          "en_dash_minus", "leading_point")


def parse_number(printed: str) -> str:
    """The number a dossier writes for ``printed``: ``11·3`` -> ``11.3``, ``−2`` -> ``-2``.

    ``printed`` is one number as :data:`NUM` (with an optional sign) matches it; a comma
    or thin space groups thousands, a middle dot is the decimal point, ``.05`` is ``0.05``.
    """
    text = printed.strip()
    sign = ""
    if text and text[0] in MINUS_SIGNS:
        sign, text = "-", text[1:].lstrip()
    for ch in "," + GROUP_SPACES:
        text = text.replace(ch, "")
    text = text.replace("\u00b7", ".")
    if text.startswith("."):
        text = "0" + text
    return sign + text


def format_number(value: str, style: str) -> str:
    """``value`` (as a dossier writes it: ``-1234.5``) printed in ``style`` of :data:`STYLES`."""
    sign, body = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, frac = body.partition(".")
    point = "\u00b7" if style == "middle_dot" else "."
    if style == "comma_thousands":
        whole = f"{int(whole):,}"
    elif style == "thin_thousands" and len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", "\u2009")
    if style == "leading_point" and whole == "0" and frac:
        whole = ""
    sign = {"unicode_minus": "\u2212", "en_dash_minus": "\u2013"}.get(style, "-") if sign else ""
    return sign + whole + (point + frac if frac else "")


def marker_of(text: str) -> str:
    """``not_reached`` or ``not_estimable`` when ``text`` is such a marker, else ""."""
    for name, pattern in MARKERS.items():
        if pattern.fullmatch(text.strip()) or pattern.search(text) and len(text) < 40 and \
                not re.search(r"\d", text):
            return name
    return ""


def parse_date(text: str) -> str:
    """``October, 2011`` -> ``2011-10``; ``Oct 12, 2011`` and ``12 October 2011`` -> a day."""
    m = DATE.search(text)
    if not m:
        return ""
    month = next(i for i, full in enumerate(MONTH_NAMES, 1)
                 if full.startswith(m.group("month").lower()[:3]))
    value = f"{m.group('year')}-{month:02d}"
    day = m.group("day") or m.group("dayfirst")
    if day and 1 <= int(day) <= 31:
        value += f"-{int(day):02d}"
    return value
