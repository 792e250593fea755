"""What the words of a table say: its kind, effect measures, grades, formats, tests, sets.

The patterns are the sections of ``lexicon.yaml`` below ``table_kinds`` (regular expressions
on folded text), compiled once. Each function takes printed text (a caption, a column header,
a stub, a footnote) and returns the key of the first section entry that matches, or "".
Roman numerals of grades ("Grade III-IV") are read as digits first.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from trialrecon.dossier.draft.lexicon import lexicon
from trialrecon.dossier.draft.normalise import fold

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_ROMAN_GRADE = re.compile(r"\b(grades?|gr\.?|g)\s*(iv|v|i{1,3})\b((?:\s*(?:[-/,]|or|and|to)\s*"
                          r"(?:iv|v|i{1,3})\b)*)")
_ROMAN_ALONE = re.compile(r"^\s*(iv|v|i{1,3})(?:\s*[-/]\s*(iv|v|i{1,3}))?\s*$")


@cache
def _section(name: str) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    raw = lexicon().extra.get(name, {})
    return tuple((key, tuple(re.compile(p) for p in patterns)) for key, patterns in raw.items())


def plain(text: str) -> str:
    """Folded text with Roman grades as digits and spacing made single."""
    low = re.sub(r"\s+", " ", fold(text)).strip()
    low = low.replace("≥", ">=").replace("≤", "<=")
    low = re.sub(r">=\s+", ">=", low)

    def arabic(m: re.Match[str]) -> str:
        rest = re.sub(r"(iv|v|i{1,3})\b", lambda r: _ROMAN[r.group(1)], m.group(3))
        return f"{m.group(1)} {_ROMAN[m.group(2)]}{rest}"

    low = _ROMAN_GRADE.sub(arabic, low)
    alone = _ROMAN_ALONE.match(low)
    if alone:  # a grade column headed only "III-IV" under a "Grade" spanning header
        low = "grade " + _ROMAN[alone.group(1)] + (f"-{_ROMAN[alone.group(2)]}"
                                                   if alone.group(2) else "")
    return low.replace(">=", "≥").replace("grade≥", "grade ≥")


@lru_cache(maxsize=16384)
def first(section: str, text: str) -> str:
    """The first key of ``section`` whose patterns match ``text``, or ""."""
    low = plain(text)
    for key, patterns in _section(section):
        if any(p.search(low) for p in patterns):
            return key
    return ""


@lru_cache(maxsize=16384)
def every(section: str, text: str) -> tuple[str, ...]:
    """Every key of ``section`` whose patterns match ``text``, in the section's order."""
    low = plain(text)
    return tuple(key for key, patterns in _section(section) if any(p.search(low) for p in patterns))


@lru_cache(maxsize=16384)
def earliest(section: str, text: str) -> str:
    """The key of ``section`` whose match starts first in ``text`` (longest on a tie)."""
    low = plain(text)
    best: tuple[int, int, str] | None = None
    for key, patterns in _section(section):
        for p in patterns:
            m = p.search(low)
            if m and (best is None or (m.start(), -(m.end() - m.start())) < best[:2]):
                best = (m.start(), -(m.end() - m.start()), key)
    return best[2] if best else ""


def grade(header: str) -> str:
    """The adverse-event grade a column header names (``grade34``, ``any_grade``) or ""."""
    return first("ae_grades", header)


@cache
def _abbreviations() -> tuple[tuple[str, re.Pattern[str]], ...]:
    raw = lexicon().extra.get("effect_abbreviations", {})
    return tuple((key, re.compile(p)) for key, patterns in raw.items() for p in patterns)


@lru_cache(maxsize=16384)
def effect(header: str) -> str:
    """The effect measure a header names (``risk_ratio``, ``hazard_ratio``, ...) or "".

    Words are matched on folded text, abbreviations (``OR``, ``HR``, ``RR``) as printed: the
    word "or" ("G3b and/or A3") names no odds ratio."""
    found = _effects_named(header)
    return min(found)[2] if found else ""


@lru_cache(maxsize=16384)
def last_effect(text: str) -> str:
    """The effect measure named last in ``text`` (the one nearest a number printed after
    it: "lower relative risk of death (hazard ratio 0.75" is a hazard ratio), or ""."""
    found = _effects_named(text)
    return max(found, key=lambda f: (f[0], -f[1]))[2] if found else ""


def _effects_named(text: str) -> list[tuple[int, int, str]]:
    """(start, minus length, effect) of every effect measure's words and abbreviation."""
    low = plain(text)
    found = []
    for key, patterns in _section("effect_measures"):
        found += [(m.start(), -(m.end() - m.start()), key) for p in patterns
                  for m in p.finditer(low)]
    spaced = re.sub(r"\s+", " ", text).strip()  # as :func:`plain` spaces it
    found += [(m.start(), -(m.end() - m.start()), key) for key, p in _abbreviations()
              for m in p.finditer(spaced)]
    return found


def effects(header: str) -> frozenset[str]:
    """Every effect measure a header names: a mixed column ("HR/OR (95% CI)") names two."""
    low = plain(header)
    found = {key for key, patterns in _section("effect_measures") for p in patterns
             if p.search(low)}
    found |= {key for key, p in _abbreviations() if p.search(header)}
    return frozenset(found)


def is_p_header(header: str) -> bool:
    """A column of P values ("P", "P value", "p-value", "P for interaction")."""
    low = plain(header)
    return bool(re.search(r"(^|[\s/(])p(\s*-?\s*values?)?(\s*(for|of)\b.*)?\s*[a-z*†‡§]?$", low)
                or re.fullmatch(r"p\s*[a-z*†‡§]?|p[- ]?value.*|significance", low))


def is_ci_header(header: str) -> bool:
    """A column holding only a confidence interval ("95% CI")."""
    return bool(re.fullmatch(r"\(?\d+\s*%\s*(ci|confidence intervals?)\)?[a-z*†‡§]?",
                             plain(header)))


def test_of(text: str) -> str:
    """The test a footnote or sentence names (``fisher_exact``), or ""."""
    return earliest("tests", text)


def named_tests(text: str) -> tuple[str, ...]:
    """Every test named in ``text``, in the order printed; a name inside a longer one
    ("t test" of "paired t test") is left out, and a chi-square test "with Yates'
    correction" is that one test."""
    low = plain(text)
    found = sorted((m.start(), -m.end(), key) for key, patterns in _section("tests")
                   for p in patterns for m in p.finditer(low))
    kept: list[tuple[int, int, str]] = []
    for start, neg_end, key in found:  # "fisher's exact test" holds no "t test"
        if not kept or start >= -kept[-1][1]:
            kept.append((start, neg_end, key))
    keys = [key for _, _, key in kept]
    if "chi_square_yates" in keys:
        keys = [k for k in keys if k != "chi_square"]
    return tuple(keys)


def last_test(text: str) -> str:
    """The test named last in ``text`` (the one nearest a P value printed after it), or ""."""
    found = named_tests(text)
    return found[-1] if found else ""


def population_of(text: str) -> str:
    """The analysis set a caption or header names (``itt``, ``safety``), or ""."""
    found = every("populations", text)
    if "modified_itt" in found:
        return "modified_itt"
    return found[0] if found else ""


def adjustment_of(text: str) -> str:
    """``adjusted``, ``unadjusted`` or ``stratified`` as a header says, or ""."""
    return first("adjustments", text)


def formats_of(text: str) -> tuple[str, ...]:
    """The statistic formats ``text`` states, in order of appearance (``n_pct``, ...)."""
    low = plain(text)
    found = []
    for key, patterns in _section("formats"):
        spots = [m.start() for p in patterns for m in [p.search(low)] if m]
        if spots:
            found.append((min(spots), key))
    keys = [k for _, k in sorted(found)]
    for specific, general in _DOMINATES.items():
        if specific in keys:
            keys = [k for k in keys if k not in general]
    return tuple(keys)


# a specific format found makes the general ones it contains redundant
_DOMINATES = {"n_pct": ("n", "pct"), "pct_n": ("n", "pct"), "mean_sd": ("mean",),
              "mean_se": ("mean",), "median_iqr": ("median",), "median_range": ("median",),
              "mean_ci": ("mean", "est_ci"), "median_ci": ("median", "est_ci")}


def endpoint_of(text: str, declared: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> str:
    """The time-to-event endpoint ``text`` names: a declared one first, then the vocabulary's."""
    low = plain(text)
    spans = _declared_spans(low, declared)
    vocabulary = [(m.start(), m.end(), key) for key, patterns in _section("endpoint_terms")
                  for p in patterns for m in [p.search(low)] if m]
    # a name inside a longer one names nothing of its own ("survival" of a declared "survival
    # from CR" inside "overall survival"): the longer name wins
    every = spans + vocabulary
    spans = [s for s in spans if not _inside(s, every)]
    if spans:
        return min(spans, key=lambda s: (s[0] - s[1], s[0]))[2]
    vocabulary = [s for s in vocabulary if not _inside(s, every)]
    return min(vocabulary, key=lambda s: (s[0], s[0] - s[1]))[2] if vocabulary else ""


def endpoint_names_at(text: str, declared: tuple[tuple[str, tuple[str, ...]], ...]
                      ) -> list[tuple[int, int, str]]:
    """Every place ``text`` names a declared endpoint, as (start, end, id): a name two
    declared endpoints share ("survival from") and a name inside a longer endpoint name
    ("survival" of a declared "survival from CR" inside "overall survival" or "relapse-free
    survival") left out."""
    low = plain(text)
    spans = _declared_spans(low, declared, every_place=True)
    vocabulary = [(m.start(), m.end(), key) for key, patterns in _section("endpoint_terms")
                  for p in patterns for m in p.finditer(low)]
    return [s for s in spans if not _inside(s, spans + vocabulary)]


def _declared_spans(low: str, declared: tuple[tuple[str, tuple[str, ...]], ...],
                    every_place: bool = False) -> list[tuple[int, int, str]]:
    """Where each declared endpoint's names stand in ``low`` (first place, or every one);
    a name two declared endpoints share ("cumulative incidence", "survival from") names
    neither."""
    seen: dict[str, int] = {}
    for _ident, aliases in declared:
        for a in set(aliases):
            seen[a] = seen.get(a, 0) + 1
    out = []
    for ident, aliases in declared:
        for a in aliases:
            if len(a) <= 2 or seen[a] > 1:
                continue
            found = re.finditer(rf"(?<![a-z0-9]){re.escape(a)}(?![a-z0-9])", low)
            for m in found if every_place else list(found)[:1]:
                out.append((m.start(), m.end(), ident))
    return out


def _inside(span: tuple[int, int, str], every: list[tuple[int, int, str]]) -> bool:
    """``span`` lies within a longer match of another endpoint."""
    return any(o[0] <= span[0] and span[1] <= o[1] and o[1] - o[0] > span[1] - span[0]
               and o[2] != span[2] for o in every)


def kind_of(caption: str, headers: str) -> str:
    """The kind of a table: ``ae``, ``baseline``, ``response``, ``regression``, ``outcome``."""
    return earliest("table_kinds", caption) or first("table_kinds", headers) or "other"


# Stubs that name a unit other than patients ("Households" of a cluster trial's table): their
# whole number is that unit's count, a denominator the table states for its other rows.
_UNIT_STUBS = frozenset({"households", "families", "homes", "dwellings", "villages",
                         "clusters", "schools", "practices", "wards", "communities"})


def unit_stub(stub: str) -> bool:
    """Whether a table stub names a unit other than patients (``Households``)."""
    return plain(stub).strip() in _UNIT_STUBS


def stub_unit(stub: str) -> str:
    """The vocabulary's count unit a unit stub names: ``households`` for a household's
    synonyms, ``clusters`` for the places a cluster trial randomises; "" for other stubs."""
    if not unit_stub(stub):
        return ""
    return "households" if plain(stub).strip() in _HOMES else "clusters"


_HOMES = frozenset({"households", "families", "homes", "dwellings"})


def bare_percent(header: str) -> bool:
    """Whether a column header ends in a bare "%" ("Drug (N = 63) %", not "n (%)"): its plain
    numbers are percentages, whatever count format the stub names."""
    return bool(re.search(r"(?<![(\w])%$", header.strip()))
