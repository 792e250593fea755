"""Recognising printed numbers and the statistic each stands for, from the pattern around it.

A paper prints its numbers in a handful of patterns; each is recognised here, most specific
first, and every number of the pattern becomes an :class:`Item` with its statistic:

- ``x% (95% CI, a to b)``, ``0.38 (0.25-0.59)``, ``HR, 0.34; 95% CI, 0.20-0.59``: an estimate
  and two bounds (``not reached`` as an upper bound is a marker);
- ``19.9 (8.4-30.8)``: an estimate and a range, or a CI when the context says so;
- ``23 (44.2)``, ``(n = 44; 81.5%)``, ``37 deaths (33.3%)``: a count and a percent;
- ``16/28``: a count and its denominator; ``20/14/10 mg``: a list of values;
- ``P < .001``: a P value with its comparator (``P = 1,000`` is 1.000); ``≥ 25%``: a
  comparator;
- ``September 2015``, ``2015-10-31``: dates; ``RECIST v1.1``, ``v.2.14.2``: labels;
- ``28%-33%``, ``31% to 41%``: a range; a number written in words ("Sixteen patients");
- ``not reached``, ``not estimable``: a marker in place of a number.

Numbers that are not data (the classes of :mod:`.notdata`: identifiers such as NCT02678780,
table and figure numbers, reference marks, grade ranges, citation years...) are left out,
and so is the 95 of "95% CI".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialrecon.dossier.draft.grammar import (
    DATE,
    MARKER_PATTERN,
    NUM,
    comma_as_point,
    parse_date,
    parse_number,
)
from trialrecon.dossier.draft.notdata import not_data_spans

# a number, with a minus sign (hyphen, U+2212, or an en dash no number stands right before)
_N = rf"(?<![A-Za-z\d.,/·])(?:[-−–](?=[\d.·]))?(?:{NUM})(?![\d])"
_D = rf"(?<![A-Za-z\d.,·])(?:{NUM})(?![\d])"  # a denominator, after a slash
_MARK = MARKER_PATTERN
_UNIT = r"(?:\s*(?:months?|mo|years?|weeks?|days?|mg(?:/d(?:ay)?)?))?"
_LEVEL = rf"(?P<level>{NUM})\s*%\s*(?:CI|confidence intervals?)(?:\s*[\[(]CI[\])])?\s*[,:=]?\s*"
_TO = r"\s*%?\s*(?:to|-|–|—|,)\s*"
_COMPARATOR = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "=": "=",
               "~": "~", "≈": "~"}
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}


@dataclass
class Item:
    """One printed number (or marker) and what the pattern around it makes of it."""

    value: str  # as a dossier writes it: 0.001 for .001, no thousands separators
    statistic: str  # count, percent, median-or-value ("estimate"), ci_low, range_low, ...
    start: int
    end: int
    comparator: str = ""
    marker: str = ""
    unit: str = ""  # a unit the pattern itself prints (percent, months, mg, ...)
    level: str = ""
    words: bool = False  # printed as words
    group: int = 0  # items of one pattern share a group
    pattern: str = ""
    denominator: str = ""


@dataclass
class _Scan:
    """The numbers found so far in a text and the spans no later pattern may read again.

    The spans are also marked character by character (``covered``), so asking whether a
    match is free costs its own length, not the number of spans taken before it: a sentence
    of 2,000 numbers is read in linear time.
    """

    text: str
    items: list[Item] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)
    groups: int = 0
    covered: bytearray = field(init=False)
    empty: list[int] = field(default_factory=list)  # empty spans taken (rare)

    def __post_init__(self) -> None:
        self.covered = bytearray(len(self.text))

    def take(self, a: int, b: int) -> None:
        self.taken.append((a, b))
        if b > a:
            self.covered[a:b] = b"\x01" * (b - a)
        else:
            self.empty.append(a)

    def free(self, a: int, b: int) -> bool:
        """No taken span overlaps ``[a, b)``."""
        if a >= b:  # an empty match: the plain test, rarely needed
            return all(b <= s or a >= e for s, e in self.taken)
        return self.covered.find(1, a, b) == -1 and not any(a < s < b for s in self.empty)

    def add(self, pattern: str, span: tuple[int, int], items: list[Item]) -> None:
        self.groups += 1
        for item in items:
            item.group, item.pattern = self.groups, pattern
        self.items.extend(items)
        self.take(*span)


def clean_number(text: str) -> str:
    """``.001`` -> ``0.001``, ``100,000`` -> ``100000``, ``−2`` -> ``-2``, ``11·3`` -> ``11.3``."""
    return parse_number(text)


def _unit_of(text: str) -> str:
    text = text.strip().lower()
    if text.startswith("%"):
        return "percent"
    for unit in ("months", "years", "weeks", "days"):
        if text.startswith(unit[:-1]) or (unit == "months" and text.startswith("mo")):
            return unit
    if text.startswith("mg/d"):
        return "mg/day"
    return "mg" if text.startswith("mg") else ""


def _item(m: re.Match[str], name: str, statistic: str, **kw: str) -> Item:
    raw = m.group(name)
    if re.fullmatch(_MARK, raw, flags=re.IGNORECASE):
        marker = "not_reached" if "reach" in raw.lower() or raw.lower() == "nr" \
            else "not_estimable"
        return Item("", statistic, m.start(name), m.end(name), marker=marker, **kw)
    return Item(clean_number(raw), statistic, m.start(name), m.end(name), **kw)


# Patterns, most specific first: (name, regex, function of the match giving items).
def _est_ci(m: re.Match[str]) -> list[Item]:
    unit = "percent" if m.group("pct") else _unit_of(m.group("unit") or "")
    level = clean_number(m.group("level")) if m.groupdict().get("level") else ""
    return [_item(m, "est", "estimate", unit=unit),
            _item(m, "lo", "ci_low", unit=unit, level=level),
            _item(m, "hi", "ci_high", unit=unit, level=level)]


def _est_pair(m: re.Match[str]) -> list[Item]:
    unit = "percent" if m.group("pct") else _unit_of(m.group("unit") or "")
    return [_item(m, "est", "estimate", unit=unit), _item(m, "lo", "pair_low", unit=unit),
            _item(m, "hi", "pair_high", unit=unit)]


def _count_pct(m: re.Match[str]) -> list[Item]:
    return [_item(m, "n", "count"), _item(m, "p", "percent", unit="percent")]


def _n_of_n_pct(m: re.Match[str]) -> list[Item]:
    total = clean_number(m.group("d"))
    return [_item(m, "n", "count", denominator=total),
            _item(m, "p", "percent", unit="percent", denominator=total)]


def _mean_sd(m: re.Match[str]) -> list[Item]:
    return [_item(m, "est", "mean"), _item(m, "sd", "sd")]


def _events(m: re.Match[str]) -> list[Item]:
    total = clean_number(m.group("d"))
    return [_item(m, "n", "count", denominator=total), _item(m, "d", "count")]


def _chain(m: re.Match[str]) -> list[Item]:
    unit = _unit_of(m.group("unit") or "")
    return [Item(clean_number(v.group()), "value", m.start("list") + v.start(),
                 m.start("list") + v.end(), unit=unit)
            for v in re.finditer(NUM, m.group("list"))]


def _p_value(m: re.Match[str]) -> list[Item]:
    item = _item(m, "p", "p_value", comparator=_COMPARATOR.get(m.group("cmp"), "="),
                 unit="probability")
    # "P = 1,000": no P value is a thousand, so the comma is the decimal point
    item.value = comma_as_point(m.group("p"), 1.0) or item.value
    return [item]


def _range(m: re.Match[str]) -> list[Item]:
    unit = "percent" if "%" in m.group() else _unit_of(m.group("unit") or "")
    return [_item(m, "lo", "range_low", unit=unit), _item(m, "hi", "range_high", unit=unit)]


def _month_date(m: re.Match[str]) -> list[Item]:
    return [Item(parse_date(m.group()), "date", m.start(), m.end(), unit="date")]


def _iso_date(m: re.Match[str]) -> list[Item]:
    return [Item(m.group(), "date", m.start(), m.end(), unit="date")]


def _label(m: re.Match[str]) -> list[Item]:
    return [Item(m.group("v"), "label", m.start("v"), m.end("v"), unit="none")]


def _comparison(m: re.Match[str]) -> list[Item]:
    unit = "percent" if m.group("pct") else _unit_of(m.group("unit") or "")
    return [_item(m, "x", "value", comparator=_COMPARATOR[m.group("cmp")], unit=unit)]


def _plain(m: re.Match[str]) -> list[Item]:
    unit = "percent" if m.group("pct") else _unit_of(m.group("unit") or "")
    return [_item(m, "x", "value", unit=unit)]


_PATTERNS: tuple[tuple[str, re.Pattern[str], object], ...] = tuple(
    (name, re.compile(rx, re.IGNORECASE if name in ("month date", "label") else 0), fn)
    for name, rx, fn in (
        ("label", r"(?:\b(?:v|version|RECIST|CTCAE|WHO)\.?\s?v?\.?\s?)(?P<v>\d+(?:\.\d+)+)\b",
         _label),
        ("iso date", r"(?<!\d)\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?(?!\d)",
         _iso_date),
        ("month date", DATE.pattern, _month_date),
        ("p value", rf"\b[Pp]\s*(?:value\s*)?(?P<cmp><=|>=|[=<>≤≥])\s*(?P<p>{_N})", _p_value),
        ("estimate and ci", rf"(?P<est>{_N})(?P<pct>\s*%)?(?P<unit>{_UNIT})\s*[(\[]\s*{_LEVEL}"
                            rf"(?P<lo>{_N}){_TO}(?P<hi>{_N}|{_MARK})\s*%?\s*(?=[)\];,])", _est_ci),
        ("ratio and ci", rf"(?P<est>{_N})(?P<pct>)(?P<unit>)\s*[;,]\s*{_LEVEL}(?P<lo>{_N})"
                         rf"{_TO}(?P<hi>{_N}|{_MARK})", _est_ci),
        ("estimate and interval", rf"(?P<est>{_N})(?P<pct>\s*%)?(?P<unit>{_UNIT})\s*\(\s*"
                                  rf"(?P<lo>{_N})\s*%?\s*(?:to|-|–|—)\s*(?P<hi>{_N}|{_MARK})"
                                  r"\s*%?\s*\)", _est_pair),
        ("percent and n of n", rf"(?P<p>{_N})\s*%\s*[(\[]\s*(?P<n>{_N})\s*(?:/|of)\s*"
                               rf"(?P<d>{_D})\s*[)\]]", _n_of_n_pct),
        ("n of n and percent", rf"(?P<n>{_N})\s*/\s*(?P<d>{_D})\s*[(\[]\s*(?P<p>{_N})\s*%?\s*[)\]]",
         _n_of_n_pct),
        ("mean and sd", rf"(?P<est>{_N})\s*(?:±|\+/-|\+-)\s*(?P<sd>{_N})", _mean_sd),
        ("n equals and percent", rf"\(\s*n\s*=\s*(?P<n>{_N})\s*[;,]\s*(?P<p>{_N})\s*%\s*\)",
         _count_pct),
        ("count, percent and n", rf"(?P<n>{_N})\s*[(\[]\s*(?P<p>{_N})\s*%\s*[)\]]\s+of\s+"
                                 rf"(?:the\s+)?(?P<d>{_D})(?![\d.])", _n_of_n_pct),
        ("count and percent", rf"(?P<n>{_N})\s*(?:[A-Za-z-]+\s+){{0,2}}[(\[]\s*(?P<p>{_N})"
                              rf"\s*%?\s*[)\]]", _count_pct),
        ("ci level", rf"\b{NUM}\s*%\s*(?:CI|confidence)", None),
        ("events over n", rf"(?P<n>{_N})\s*/\s*(?P<d>{_D})(?![\d/])(?!\s*mg)", _events),
        ("list", rf"(?P<list>{NUM}(?:/{NUM}){{2,}})(?P<unit>{_UNIT})", _chain),
        ("range", rf"(?P<lo>{_N})\s*%?\s*(?:-|–|to)\s*(?P<hi>{_N})(?:\s*%|(?P<unit>{_UNIT}))",
         _range),
        ("comparison", rf"(?P<cmp><=|>=|[<>≤≥~≈])\s*(?P<x>{_N})(?P<pct>\s*%)?(?P<unit>{_UNIT})",
         _comparison),
        ("number", rf"(?P<x>{_N})(?P<pct>\s*%)?(?P<unit>{_UNIT})", _plain),
    ))
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<h>" + "|".join(_WORDS) + r")\s+hundred(?:\s+and)?\s+)?"
    r"(?P<t>" + "|".join(_TENS) + r")?(?:[-\s]?(?P<o>" + "|".join(_WORDS) + r"))?\b"
    r"(?=\s+(?:patients|participants|subjects|deaths|events|of the|cohorts|centers|countries|"
    r"institutions|previous|prior|lines?|cycles|weeks|months|years|days|panNETs|GI-NETs|\w+NETs|"
    r"patient|responses?|trials?|studies|doses?|arms?|targeted|grade|\()|\s*\()", re.IGNORECASE)


# In running text a number in words stands before more than a table's stub words: people
# ("Seven hundred and eighty-seven women"), things counted ("eight countries", "six grams"),
# times ("every eight hours"), and in lists and comparisons ("(one vs three)", "four or six
# cycles", "Four patients (one in the A group and three in the B group)").
_NUMBER_WORD = "|".join(list(_WORDS) + list(_TENS))
# a sentence that may hold a number in words (the only kind some sentences print)
HAS_NUMBER_WORD = re.compile(r"\b(?:" + _NUMBER_WORD + r")\b", re.IGNORECASE)
_PROSE_WORD_NUMBER = re.compile(
    # "between the two groups": prose (a match may start at the space before the word)
    r"(?<!\bthe )(?<!\bthese )(?<!\bthose )(?<!\bboth )(?<!\bthe)(?<!\bthese)(?<!\bthose)"
    r"(?<!\bboth)" +
    _WORD_NUMBER.pattern[:_WORD_NUMBER.pattern.index("(?=")] +
    r"(?=\s+(?:patients|participants|subjects|deaths|events|of the|cohorts|centers|countries|"
    r"institutions|previous|prior|lines?|cycles|weeks|months|years|days|hours|minutes|"
    r"patient|responses?|trials?|studies|doses?|arms?|grade|women|men|children|infants|"
    r"mothers|people|persons|individuals|participant|woman|child|infant|centres|sites|"
    r"hospitals|clinics|grams|fractions|sessions|visits|cases|episodes|procedures|"
    r"attempts|effects|times|blocks|percent\b|"
    # studies counted past their adjectives ("three small randomised trials", "two
    # well-conducted RCTs"): how an Introduction or Discussion counts other studies
    r"(?:(?!of\b|the\b|these\b|those\b)[\w-]+,?\s+){1,3}(?:trials|studies|RCTs|reports|"
    r"meta-analyses|reviews)\b|"
    r"(?:vs\.?|versus|or|and|to)\s+(?:" + _NUMBER_WORD + r"|none|no)\b|"
    r"in (?:the|each|both)\b|\()|\s*[()]|\s+(?:vs\.?|versus)\s)", re.IGNORECASE)


def _word_value(m: re.Match[str]) -> int | None:
    if not (m.group("t") or m.group("o")):
        return None
    value = _TENS.get((m.group("t") or "").lower(), 0) + _WORDS.get((m.group("o") or "").lower(), 0)
    if m.group("h"):
        value += 100 * _WORDS[m.group("h").lower()]
    return value


def find_items(text: str, percent_first: bool = False, prose: bool = False) -> list[Item]:
    """Every data number of ``text`` (a sentence or a table cell), in reading order.

    ``percent_first``: the table prints "% (n)" (the percentage before the count), so
    ``45.2 (189)`` is a percent and a count. ``prose``: ``text`` is a sentence, whose
    numbers in words stand before more kinds of words than a table stub's.
    """
    scan = _Scan(text)
    for a, b in not_data_spans(text):
        scan.take(a, b)
    for name, pattern, fn in _PATTERNS:
        for m in pattern.finditer(text):
            if fn is None:  # a span no later pattern may read a number from
                scan.take(m.start(), m.end())
            elif scan.free(m.start(), m.end()):
                scan.add(name, (m.start(), m.end()), fn(m))  # type: ignore[operator]
    for m in (_PROSE_WORD_NUMBER if prose else _WORD_NUMBER).finditer(text):
        value = _word_value(m)
        if value is not None and value > 0 and m.group().strip() and scan.free(m.start(), m.end()):
            scan.add("number in words", (m.start(), m.end()),
                     [Item(str(value), "value", m.start(), m.end(), words=True)])
    for m in re.finditer(r"\b((?:had |has )?not (?:yet |been |yet been )?reached|not estimable)\b",
                         text, re.IGNORECASE):
        if scan.free(m.start(), m.end()):
            marker = "not_reached" if "reached" in m.group().lower() else "not_estimable"
            scan.add("marker", (m.start(), m.end()),
                     [Item("", "estimate", m.start(), m.end(), marker=marker)])
    cell = re.fullmatch(r"\s*(NR|NE)\s*", text)  # a table cell printing only the marker
    if cell and not scan.items:
        scan.add("marker", cell.span(1), [Item("", "estimate", cell.start(1), cell.end(1),
                                               marker="not_reached" if cell.group(1) == "NR"
                                               else "not_estimable")])
    if percent_first:
        for item in scan.items:
            if item.pattern == "count and percent":
                item.statistic = "percent" if item.statistic == "count" else "count"
                item.unit = "percent" if item.statistic == "percent" else ""
    return sorted(scan.items, key=lambda i: i.start)
