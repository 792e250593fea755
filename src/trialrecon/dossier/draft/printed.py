"""The forms in which a dossier value can stand in a source: ``.001`` for 0.001, words.

A dossier writes ``0.001`` where the paper prints ``P < .001``, ``100000`` for ``100,000``,
``2015-09`` for ``September 2015`` and ``16`` for "Sixteen" (with a note saying so).
:func:`printed_forms` lists the normalised forms (see :mod:`.normalise`) a value may take,
and :func:`find_value` looks for any of them in a normalised text as a whole number (not
the 5 of 5.5 nor the 23 of 2023).
"""

from __future__ import annotations

import re

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
MARKER_PHRASES = {
    "not_reached": ("not reached", "not yet reached", "not been reached", "nr"),
    "not_estimable": ("not estimable", "could not be estimated", "ne", "not evaluable"),
}


def number_words(n: int, british: bool = False) -> str:
    """``171`` -> ``one hundred seventy-one`` (American style), for 0-999,999.

    ``british=True`` puts "and" before the tens and units of a hundred or a thousand, as
    British English prints them: ``787`` -> ``seven hundred and eighty-seven``, ``1005`` ->
    ``one thousand and five``.
    """
    joint = " and " if british else " "
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else
                                               joint + number_words(rest, british))
    rest = n % 1000
    return number_words(n // 1000, british) + " thousand" + (
        "" if rest == 0 else (joint if rest < 100 else " ") + number_words(rest, british))


# "once", "twice", "thrice": how many times, printed as a word
_TIMES = {1: "once", 2: "twice", 3: "thrice"}


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _thousands(digits: str) -> list[str]:
    if len(digits) <= 3:
        return []
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return [",".join(groups), " ".join(groups)]


def _month_names(month: int) -> list[str]:
    """``september``, ``sep``, ``sep.``, ``sept``, ``sept.``: the names a month is printed by."""
    full = MONTHS[month - 1]
    short = [full[:3]] + (["sept"] if month == 9 else [])
    return [full] + [s for a in short if a != full for s in (a, a + ".")]


def _date_forms(value: str) -> list[str]:
    """The normalised forms of a date ``YYYY-MM`` or ``YYYY-MM-DD`` (ordinals normalise away).

    A month and year: ``march 2016``, ``march, 2016``, ``mar. 2016``; a day: ``march 30,
    2016``, ``march, 30 2016`` (``March, 30th 2016``), ``30 march 2016``, ``30 of march
    2016``, ``08 march 2013``, ``2016 mar 30``, with every name of the month.
    """
    parts = value.split("-")
    forms = [value]
    if len(parts) < 2 or not parts[1].isdigit() or not 1 <= int(parts[1]) <= 12:
        return forms
    year, names = parts[0], _month_names(int(parts[1]))
    if len(parts) == 2:
        return forms + [f"{m}{sep} {year}" for m in names for sep in ("", ",")]
    days = [str(int(parts[2]))] + ([parts[2]] if parts[2].startswith("0") else [])
    for m in names:
        for d in days:
            forms += [f"{m} {d}, {year}", f"{m} {d} {year}", f"{m}, {d} {year}",
                      f"{m}, {d}, {year}", f"{d} {m} {year}", f"{d} {m}, {year}",
                      f"{d} of {m} {year}", f"{year} {m} {d}"]
    return forms


def printed_forms(value: str, statistic: str = "", note: str = "") -> list[str]:
    """The normalised forms in which ``value`` may be printed (most literal first)."""
    value = value.strip()
    if statistic == "date":
        return _date_forms(value)
    forms = [value.lower()]
    m = re.fullmatch(r"(-?)(\d+)(\.\d+)?", value)
    if not m:
        return forms
    sign, whole, frac = m.group(1), m.group(2), m.group(3) or ""
    if whole == "0" and frac:
        forms.append(f"{sign}{frac}")  # .001 for 0.001
    forms += [f"{sign}{t}{frac}" for t in _thousands(whole)]
    words = note.lower()
    if value in ("0", "0.0"):
        forms += ["no", "none", "zero", "neither"]  # "No grade 5 events were reported"
    if not frac and not sign and int(whole) < 1_000_000:
        if "word" in words:
            for british in (False, True):
                said = number_words(int(whole), british)
                forms += [said, said.replace("-", " ")]
            forms += [_TIMES[int(whole)]] if int(whole) in _TIMES else []
        if "roman" in words and 0 < int(whole) < 4000:
            forms.append(roman(int(whole)))
    return forms


def find_value(text: str, forms: list[str]) -> int:
    """The position in ``text`` of the first form standing as a whole number, or -1."""
    best = -1
    for form in forms:
        if not form:
            continue
        if form[0].isalpha():
            pattern = r"(?<![a-z])" + re.escape(form) + r"(?![a-z])"
        else:
            pattern = r"(?<!\d)(?<!\d\.)(?<!\d,)" + re.escape(form) + r"(?![\d])(?!\.\d)(?!,\d{3})"
        m = re.search(pattern, text)
        if m and (best < 0 or m.start() < best):
            best = m.start()
    return best
