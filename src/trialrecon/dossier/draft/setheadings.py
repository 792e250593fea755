"""Headings that name an analysis set and nothing else ("ITT", "PP", "Per-protocol
population", "Safety analysis set (n = 310)").

Tables that repeat their rows for two analysis sets print the set as a full-width heading
over each block ("ITT" above "Overall", "Age <35 years"; "PP" above the same rows again) or
as a column heading over each block of columns. The rows or columns under such a heading
are of that set. The heading must be the set's name alone, so that a section heading such as
"Safety" (over adverse events) or "Efficacy" is no set: bare "safety" names a set only with
a word saying so ("safety population", "safety set"), while the usual abbreviations ("ITT",
"mITT", "PP", "FAS") stand alone.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.normalise import fold

# (set, its names); a name ending in "+" needs a set word after it
_NAMES: tuple[tuple[str, str], ...] = (
    ("modified_itt", r"modified intention[- ]to[- ]treat|modified intent[- ]to[- ]treat"
                     r"|modified itt|mitt"),
    ("itt", r"intention[- ]to[- ]treat|intent[- ]to[- ]treat|itt"),
    ("per_protocol", r"per[- ]protocol|pp"),
    ("full_analysis", r"full analysis|fas"),
    ("as_treated", r"as[- ]treated"),
)
_NEEDS_WORD: tuple[tuple[str, str], ...] = (("safety", r"safety"),)
_SET_WORD = r"(?:population|analysis set|analysis population|set|analysis|sample|cohort)"
_DETAIL = re.compile(r"\([^()]*\)|\bn\s*=\s*\d[\d,]*|[,:;*†‡§¶#]")


def _bare(text: str) -> str:
    return " ".join(_DETAIL.sub(" ", fold(text)).split()).removeprefix("the ")


def set_heading(text: str) -> str:
    """The analysis set a heading names when it names that set alone, or ""."""
    bare = _bare(text)
    if not bare:
        return ""
    for ident, pattern in _NAMES:
        if re.fullmatch(rf"(?:{pattern})(?: {_SET_WORD})?", bare):
            return ident
    for ident, pattern in _NEEDS_WORD:
        if re.fullmatch(rf"(?:{pattern}) {_SET_WORD}", bare):
            return ident
    return ""


# a declared set's label headed "<name> [(<abbreviation>)] [analysis] set|population"
_SET_HEAD = re.compile(r"^(?P<name>[a-z][\w -]*?)\s+(?:\((?P<abbr>[a-z0-9-]{1,8})\)\s+)?"
                       r"(?:analysis\s+)?(?:set|population)\b")


def set_aliases(label: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """A declared set's aliases without the words its name is made of when the label calls
    it "<name> set" ("biochemical pregnancy set", "embryo transfer (ET) analysis set"): the
    name alone ("biochemical pregnancy rate", "embryo transfer") is the outcome or the
    procedure the set is defined by, not the set; "<abbreviation> set" ("ET set") names it."""
    m = _SET_HEAD.match(fold(label).strip())
    if not m:
        return aliases
    name = " ".join(m.group("name").split())
    kept = tuple(a for a in aliases if not name.startswith(a))
    extra = (f"{name} set", f"{name} analysis set", f"{name} population") + (
        (f"{m.group('abbr')} set",) if m.group("abbr") else ())
    return tuple(dict.fromkeys(kept + extra))
