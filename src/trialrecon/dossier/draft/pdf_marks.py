"""A PDF line's glyphs as text segments: spaces from gaps, superscripts as marks.

A raised run of glyphs (:mod:`.pdf_layout` flags them) is read as a person reads it:

- letters or note symbols (``a``, ``b,c``, ``*``, ``†``) are a footnote mark;
- digits after a number or a unit (``10⁹``, ``mg/m²``, ``I²``), or with a sign (``Ca²⁺``,
  ``10⁻³``), are an exponent or a charge, printed as Unicode superscripts as the JATS
  reader prints them;
- other digits (``¹²``, ``²⁻⁴``, ``5,6``) are a citation mark: a reference number, never a
  number of the paper. In a table, where notes may be numbered, digits after a label are
  a footnote mark when the table's notes are numbered;
- signs alone (``⁺``, ``⁻``) are printed superscripts; anything else (``th``, ``®``) is
  printed text.

A lowered run (a subscript: ``FEV₁``, ``CO₂``) is printed inline, as the JATS reader
prints ``sub``. Spaces come from the gaps between glyphs, not from space characters.

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.jats import _MARK_TEXT, _SUP_DIGITS, merge_marks
from trialrecon.dossier.draft.pdf_extract import Glyph
from trialrecon.dossier.draft.pdf_layout import space_between, spaced

Segment = tuple[str, str, str]
_CITATION = re.compile(r"^\d{1,3}(?:\s*[,–\-−]\s*\d{1,3})*$")
_SIGNS = re.compile(r"^[\d+\-−()=]+$")
_UNIT = re.compile(r"(?:^|[\s/(\d·.])(?:[a-zA-Zµμ]|cm|mm|km|dm|µm|μm|mL|dL|ft|in)$")
_BRACKET_CITE = re.compile(r"\[\s*(\d{1,3}(?:\s*[,–\-]\s*\d{1,3})*)\s*\]")
_AUTHOR = (r"(?!(?:Table|Figs?|Figure|Supplementary|Appendix|Jan|Feb|Mar|Apr|May|Jun|Jul|"
           r"Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August|"
           r"September|October|November|December)\b)[A-Z][^\W\d_][\w'’.-]*"
           r"(?:\s+[^\W\d_&][^\W\d]*\.?|\s+&){0,10}?,?\s+(?:19|20)\d{2}[a-z]?")
_AUTHOR_YEAR = re.compile(rf"\s?\(\s*({_AUTHOR}(?:\s*[;,]\s*{_AUTHOR})*)\s*\)")


def _runs(glyphs: list[Glyph], scripts: list[int]) -> list[tuple[int, list[Glyph]]]:
    """Consecutive glyphs of one script level (0, 1 or -1)."""
    out: list[tuple[int, list[Glyph]]] = []
    for g, s in zip(glyphs, scripts, strict=True):
        level = 1 if s > 0 else 0  # a subscript is printed inline
        if out and out[-1][0] == level:
            out[-1][1].append(g)
        else:
            out.append((level, [g]))
    return out


def classify_superscript(text: str, before: str, in_table: bool = False,
                         numbered_notes: bool = False) -> Segment:
    """The segment a superscript ``text`` printed right after ``before`` stands for."""
    text = text.strip()
    if re.fullmatch(r"[\d,;–\-\s]+", text):
        text = text.strip(" ,;")  # a reference list broken at a line end: "17," then "18"
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return ("", "", "")
    if _MARK_TEXT.match(text) or re.fullmatch(r"[$&@~^¤¥£€%!?]{1,2}", compact):
        return ("", "footnote", compact)  # a note's letter or symbol
    bracketed = re.fullmatch(r"[\[(](\d{1,3}(?:[,–-]\d{1,3})*|[a-z])[\])]", compact)
    if bracketed:  # "[1]": a note in a table, a reference elsewhere
        return ("", "footnote" if in_table else "citation", bracketed.group(1))
    after_number = bool(re.search(r"\d[)\]]?$", before)) and not before.endswith(" ")
    charge = bool(re.search(r"[+−]|\d-$", compact))  # Ca²⁺, 10⁻³: a sign is no citation
    if _SIGNS.match(compact) and (after_number or charge or _UNIT.search(before.rstrip())
                                  and not before.endswith(" ")
                                  or not re.search(r"\d", compact)):
        return (compact.translate(_SUP_DIGITS), "", "")
    if _CITATION.match(text):
        if in_table and numbered_notes and re.fullmatch(r"\d{1,2}", compact):
            return ("", "footnote", compact)
        return ("", "citation", re.sub(r"\s*,\s*", ",", text))
    if re.fullmatch(r"[\d,\s]+", text) and in_table and numbered_notes:
        return ("", "footnote", compact)
    return (text, "", "")


def glyph_segments(glyphs: list[Glyph], scripts: list[int], in_table: bool = False,
                   numbered_notes: bool = False) -> list[Segment]:
    """The segments of a run of glyphs (see the module docstring)."""
    out: list[Segment] = []
    printed = ""  # the text so far, to read what a superscript follows
    prev: Glyph | None = None
    explicit = any(g.space == 1 for g in glyphs)
    for level, run in _runs(glyphs, scripts):
        gap = prev is not None and space_between(prev, run[0], explicit)
        if level == 0:
            text = (" " if gap else "") + spaced(run)
            out.append((text, "", ""))
            printed += text
        else:
            seg = classify_superscript(spaced(run), printed, in_table, numbered_notes)
            if seg[1]:
                out.append(seg)
            else:
                text = (" " if gap else "") + seg[0]
                out.append((text, "", ""))
                printed += text
        prev = run[-1]
    return merge_marks(out)


def bracket_citations(segments: list[Segment]) -> list[Segment]:
    """``[12]``, ``[3, 5]``, ``[7–9]`` and ``(Pearson, 1998; Plehn et al., 1999)`` in
    running text read as citation marks."""
    joined: list[Segment] = []
    for seg in segments:  # text pieces of one run joined: a citation may span a line break
        if joined and not seg[1] and not joined[-1][1]:
            joined[-1] = (joined[-1][0] + seg[0], "", "")
        else:
            joined.append(seg)
    out: list[Segment] = []
    for text, kind, label in joined:
        if kind or ("[" not in text and "(" not in text):
            out.append((text, kind, label))
            continue
        found = sorted([(m.start(), m.end(), re.sub(r"\s+", "", m.group(1)))
                        for m in _BRACKET_CITE.finditer(text)]
                       + [(m.start(), m.end(), m.group(1)) for m in _AUTHOR_YEAR.finditer(text)])
        pos = 0
        for start, end, cited in found:
            if start < pos:
                continue
            out.append((text[pos:start], "", ""))
            out.append(("", "citation", cited))
            pos = end
        out.append((text[pos:], "", ""))
    return merge_marks([s for s in out if s[0] or s[1]])


def plain_text(segments: list[Segment]) -> str:
    """The printed text of segments (marks left out)."""
    return "".join(text for text, kind, _ in segments if not kind)
