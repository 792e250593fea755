"""Text as a reader compares it: markup, dashes, signs and cell separators made uniform.

A person who checks an anchor against a paper reads ``<i>P</i> <.001`` as ``P <.001``, a
table row whose cells are joined by tabs as one line, ``\\geq`` as ``≥`` and an en dash as a
hyphen. :func:`normalise` makes those readings literal so that a plain substring search
finds what a person finds, and keeps, for every character of the result, the offset of the
character of the original it came from (so a match can be shown in the source).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Characters read as the same: every dash and minus sign as a hyphen, typographic quotes as
# straight ones, the comparison signs written out as the dossier writes them.
_CHAR_MAP = {
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'",
    "\u2265": ">=", "\u2264": "<=", "\u2266": "<=", "\u2267": ">=",
    "\u00d7": "x", "\u2248": "~",
    "\u00b7": ".",  # the Lancet's decimal point: 11·3 reads 11.3
}  # fmt: skip
# LaTeX commands that papers converted to text keep (``\geq 25%``), read as their sign.
_LATEX = {
    "geq": "≥", "ge": "≥", "leq": "≤", "le": "≤", "times": "×", "pm": "±", "%": "%",
    "alpha": "α", "beta": "β", "mu": "μ", "approx": "≈", "sim": "~", "lt": "<", "gt": ">",
}  # fmt: skip
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵃᵇᶜᵈᵉᶠ"
_SPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000|]+")

# One pass per rule, in this order; each is (pattern, replacement) where the replacement is
# a string or a function of the match giving the text that stands for it.
Replacement = str | Callable[[re.Match[str]], str]
_RULES: tuple[tuple[re.Pattern[str], Replacement], ...] = (
    # an HTML tag such as <i>, </sup>, <br/> (not "<10%" nor "< .001")
    (re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>"), ""),
    (re.compile(r"&(nbsp|lt|gt|amp|le|ge|minus|ndash|mdash);"),
     lambda m: {"nbsp": " ", "lt": "<", "gt": ">", "amp": "&", "le": "<=", "ge": ">=",
                "minus": "-", "ndash": "-", "mdash": "-"}[m.group(1)]),
    # a Markdown link [text](target): the text stays
    (re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)"), lambda m: m.group(1)),
    # superscript citation and footnote marks: ^{12,13}, ^a, ¹¹ (never part of a number); a
    # mark leaves no space before punctuation ("Age^{*}, years" reads "Age, years")
    (re.compile(r"(?:\^\{[^}\n]*\}|\^[0-9a-z,\-–]+|\^\s?(?=\S)|[" + _SUPERSCRIPTS
                + r"]+)(?=[,.;:!?)\]])"), ""),
    (re.compile(r"\^\{[^}\n]*\}|\^[0-9a-z,\-–]+|\^\s?(?=\S)|[" + _SUPERSCRIPTS + r"]+"), " "),
    # an ordinal suffix reads as its number: "30th" and "30<sup>th</sup>" as "30"
    (re.compile(r"(?<=\d)(?:st|nd|rd|th)\b"), ""),
    # LaTeX commands and math delimiters
    (re.compile(r"\\([A-Za-z]+|%)"), lambda m: _LATEX.get(m.group(1), m.group(1))),
    (re.compile(r"[\\$*]"), ""),
)


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset in the original."""

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that normalised characters start..end came from."""
        if start >= len(self.offsets):
            last = self.offsets[-1] + 1 if self.offsets else 0
            return last, last
        stop = self.offsets[end - 1] + 1 if end > start else self.offsets[start]
        return self.offsets[start], stop


def _apply(text: str, offsets: list[int], pattern: re.Pattern[str],
           repl: Replacement) -> tuple[str, list[int]]:
    out: list[str] = []
    out_offsets: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last:m.start()])
        out_offsets.extend(offsets[last:m.start()])
        new = repl if isinstance(repl, str) else repl(m)
        if isinstance(repl, str) or m.lastindex is None or new != m.group(1):
            out.append(new)
            out_offsets.extend([offsets[m.start()]] * len(new))
        else:  # the replacement is group 1 itself: keep its own offsets
            out.append(new)
            out_offsets.extend(offsets[m.start(1):m.end(1)])
        last = m.end()
    out.append(text[last:])
    out_offsets.extend(offsets[last:])
    return "".join(out), out_offsets


def normalise(text: str, lower: bool = True, signs: bool = True) -> Normalised:
    """``text`` with markup removed, signs unified, whitespace collapsed and lower-cased.

    Whitespace includes tabs and ``|``, the separators of table cells, so a table row reads
    as its cells separated by single spaces. ``lower=False`` keeps the case and
    ``signs=False`` the printed characters (dashes, ``≥``): the drafter cuts anchors from
    that text so they stay verbatim, a unit's exponent too ("kg/m²").
    """
    offsets = list(range(len(text)))
    if not signs:  # a unit's exponent (kg/m², mm³) is printed text, no mark: it stays
        text = _UNIT_POWER.sub(lambda m: _KEEP[m.group(0)], text)
    for pattern, repl in _RULES:
        text, offsets = _apply(text, offsets, pattern, repl)
    chars: list[str] = []
    out_offsets: list[int] = []
    pending_space = False
    for i, (ch, off) in enumerate(zip(text, offsets, strict=True)):
        if not signs and ch in _GROUP_SPACES and _groups_digits(text, i):
            # a thin space grouping thousands ("19 984") is part of the number: kept
            chars.append(ch)
            out_offsets.append(off)
            continue
        if _SPACE.match(ch):
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            out_offsets.append(off)
            pending_space = False
        mapped = _CHAR_MAP.get(ch, ch) if signs else ch
        for new in mapped.lower() if lower else mapped:
            chars.append(new)
            out_offsets.append(off)
    return Normalised("".join(chars).translate(_KEPT), tuple(out_offsets))


# an exponent after a length unit ("m", "cm", "mm", "kg/m"), held in private-use characters
# (one for one, so offsets stay) while the marks are taken out
_UNIT_POWER = re.compile(r"(?<=[/ckdmµμ\s(]m)[²³](?![⁰¹²³⁴⁵⁶⁷⁸⁹])")
_KEEP = {"²": "\ue002", "³": "\ue003"}
_KEPT = str.maketrans({v: k for k, v in _KEEP.items()})


_GROUP_SPACES = "\u2009\u202f\u00a0\u2008\u2007\u2006\u2005"  # as grammar.GROUP_SPACES


def _groups_digits(text: str, i: int) -> bool:
    """The space at ``i`` stands between a digit and exactly three digits."""
    return (i > 0 and text[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", text[i + 1:i + 5])
            is not None)


def normal(text: str) -> str:
    """Only the normalised text of ``text`` (for comparing two short strings)."""
    return normalise(text).text


_FOLD = {**{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
         "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}


def fold(text: str) -> str:
    """``text`` lower-cased with dashes and quotes unified, character for character.

    Unlike :func:`normal` it keeps the length, so positions found in the folded text are
    positions in ``text`` (the drafter matches its lexicon on folded sentences).
    """
    return "".join(_FOLD.get(c, c.lower() if len(c.lower()) == 1 else c) for c in text)
