"""Tables on a PDF page: found by their caption and ruling lines, their notes read.

A table is found where a caption line starts with its label (``Table 2:``, ``TABLE II.``,
the label bold or followed by punctuation, no other caption between it and the rule) and
a horizontal rule runs under it. From there:

- **extent**: the lines below the rule within its width, set no larger than the table's
  first line, down to the last rule over the whole width (or, in a table with no bottom
  rule, down to the first line that reads as a note). The lines after it are the table's
  footnotes: a note starts on a line opening with a mark, or after a short line ending a
  sentence; marks inside a line split it (the Lancet runs its notes together);
- **the header rule**: the first level of rules over a sixth of the width (header cells
  spanning rows leave it short) with lines above it and a body row right under it (a
  label then a number, or a group heading alone); short rules side by side under
  spanning labels, with such a level a few lines below, are inside the header;
- the header and body lines are read into a grid by :mod:`.pdf_grid`;
- **continued tables**: table lines at the top of the next page, within the width of a
  table that ran to the bottom of its page without a bottom rule, continue it; a header
  printed again is recognised by its text and left out;
- **notes continued**: notes that run to the last line of a page in mid-sentence go on in
  the first lines at the top of the next page (within the table's width, no larger than
  the notes, up to a gap, a caption or a heading).

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialrecon.dossier.draft.jats import _split_notes, merge_marks
from trialrecon.dossier.draft.pdf_extract import Page, Rule
from trialrecon.dossier.draft.pdf_grid import (
    Chunk,
    PdfTable,
    _body,
    _columns,
    _header,
    chunks_of,
    raw_rows,
)
from trialrecon.dossier.draft.pdf_layout import Line, Region, _make_line
from trialrecon.dossier.draft.pdf_marks import Segment, glyph_segments
from trialrecon.dossier.draft.tables import is_data

__all__ = ["CAPTION", "Chunk", "Found", "PdfTable", "find_tables", "raw_rows"]

CAPTION = re.compile(r"^\s*(Table|TABLE)\s+(\d{1,3}[A-Za-z]?|[IVXL]{1,6})(?:\s*[.:|]|\s|$)")
_NOTE = re.compile(r"^\s*(?:[*†‡§¶#]|Data are\b|Values are\b|Abbreviations?\b|Results are\b|"
                   r"Note[sd]?\b|NOTE\b|Percentages\b|[a-z]\s)")


def _merge_rules(rules: tuple[Rule, ...]) -> list[Rule]:
    """Horizontal rules joined where one stroke was drawn cell by cell."""
    flat = sorted((r for r in rules if r.horizontal and r.x1 - r.x0 >= 4),
                  key=lambda r: (round((r.top + r.bottom) / 2), r.x0))
    out: list[Rule] = []
    for r in flat:
        prev = out[-1] if out else None
        if prev and abs((prev.top + prev.bottom) / 2 - (r.top + r.bottom) / 2) < 1.0 \
                and r.x0 - prev.x1 <= 2.0:
            out[-1] = Rule(prev.x0, min(prev.top, r.top), max(prev.x1, r.x1),
                           max(prev.bottom, r.bottom))
        else:
            out.append(r)
    return out


def _is_caption(line: Line) -> re.Match[str] | None:
    m = CAPTION.match(line.text)
    if not m:
        return None
    label_glyphs = line.glyphs[: max(1, len(m.group(1)) + len(m.group(2)))]
    punctuated = bool(re.search(r"[.:|]\s*$", m.group(0)))
    return m if punctuated or all(g.bold for g in label_glyphs) else None


def _notes(lines: list[Line], x0: float, x1: float, numbered: bool) -> list[tuple[str, list[
        Segment]]]:
    """Footnotes under a table: a note starts on a line that starts with a mark, or after
    a line that stopped short of the table's right edge with a full stop; marks inside a
    line split it."""
    paragraphs: list[list[Segment]] = []
    prev: Line | None = None
    for line in lines:
        segs = glyph_segments(line.glyphs, line.scripts, in_table=True,
                              numbered_notes=numbered)
        starts_marked = bool(segs) and segs[0][1] == "footnote"
        # a note ends on a short line with a full stop; ragged lines wrap before the edge
        ended = prev is not None and prev.x1 < x1 - 3 * line.size and \
            prev.text.rstrip().endswith((".", ":", ")")) and not line.text[:1].islower()
        new = prev is None or starts_marked or ended
        if new:
            paragraphs.append(segs)
        else:
            last = paragraphs[-1]
            text = last[-1][0] if last and not last[-1][1] else ""
            if text.endswith("-") and segs and segs[0][0][:1].islower():
                last[-1] = (text[:-1], "", "")
            else:
                last.append((" ", "", ""))
            last.extend(segs)
        prev = line
    notes: list[tuple[str, list[Segment]]] = []
    for segs in paragraphs:
        notes.extend(_split_notes("", merge_marks(segs)))
    return notes


def _label(m: re.Match[str]) -> str:
    return f"Table {m.group(2)}"


# ---------------------------------------------------------------------------- finding


def _inside(line: Line, x0: float, x1: float) -> bool:
    return line.x0 >= x0 - 4 and line.x1 <= x1 + 4


def _levels(rules: list[Rule], x0: float, x1: float) -> list[tuple[float, float, Rule]]:
    """(y, share of the table's width covered, the longest rule) of each level of rules."""
    out: list[list[object]] = []
    for r in sorted(rules, key=lambda r: r.top):
        y = (r.top + r.bottom) / 2
        if out and abs(out[-1][0] - y) < 1.0:  # type: ignore[operator]
            out[-1][1].append(r)  # type: ignore[union-attr]
        else:
            out.append([y, [r]])
    width = max(x1 - x0, 1.0)
    return [(y, sum(r.x1 - r.x0 for r in rs) / width, max(rs, key=lambda r: r.x1 - r.x0))
            for y, rs in out]  # type: ignore[misc,union-attr]


def _body_like(row: list[Line], x0: float, heading: bool = True) -> bool:
    """Lines (one row) that read as a body row: a line opening with a label and holding a
    number after it, or (``heading``) a group heading alone (a header line holds labels
    only, or the number pieces of labels wrapped from the line above)."""
    for line in row:
        chunks = chunks_of(line)
        if not is_data(chunks[0].text) and any(is_data(c.text) for c in chunks[1:]):
            return True
    return heading and len(row) == 1 and len(chunks_of(row[0])) == 1 and \
        not is_data(chunks_of(row[0])[0].text) and chunks_of(row[0])[0].x0 < x0 + 40


def _header_rule(levels: list[tuple[float, float, Rule]], lines: list[Line], x0: float,
                 x1: float, rules: list[Rule]) -> float | None:
    """The y of the rule under the header: the first level of rules over a sixth of the
    width (header cells spanning rows leave it short) with header lines above it and a
    body-like row right under it. A level of short rules (several, or one stopping short
    of the right edge: rules under spanning labels) with another such level a few lines
    below is inside the header; under the last rule over the whole width (which may close
    the table, notes under it) a body row must hold numbers (a note reads as a heading)."""
    last_full = max((y for y, cover, _ in levels if cover >= 0.8), default=None)
    wide = [(y, r) for y, cover, r in levels if cover >= 0.15
            and any(ln.base < y for ln in lines) and any(ln.base > y for ln in lines)]
    for k, (y, longest) in enumerate(wide):
        segments = [r for r in rules if abs((r.top + r.bottom) / 2 - y) < 1.0]
        short = len(segments) >= 2 or longest.x1 < x1 - 1.5
        if short and k + 1 < len(wide) and \
                sum(y < ln.base < wide[k + 1][0] for ln in lines) <= 4:
            continue
        first = min((ln for ln in lines if ln.base > y), key=lambda ln: ln.base)
        row = [ln for ln in lines if first.base <= ln.base < first.base + 1.3 * first.size]
        if _body_like(row, x0, heading=y != last_full):  # a row's first line may hold
            return y  # no label
    return wide[0][0] if wide else None


def _stop(line: Line) -> bool:
    text = line.text
    return bool(CAPTION.match(text) or re.match(r"^\s*(Figure|FIGURE|Fig\.?)\s+\d", text))


def _note_like(line: Line, x0: float, x1: float) -> bool:
    segs = glyph_segments(line.glyphs, line.scripts, in_table=True)
    marked = bool(segs) and segs[0][1] == "footnote"
    one_piece = len(chunks_of(line)) == 1 and line.x1 - line.x0 > 0.5 * (x1 - x0)
    return one_piece and (marked or bool(_NOTE.match(line.text)))


@dataclass
class Found:
    """A table found on a page: what it read, its region and the lines it used."""

    table: PdfTable
    region: Region
    used: set[int]
    open_end: bool  # no bottom rule: it may continue on the next page
    open_notes: bool = False  # its notes run to the page's last line mid-sentence


def _read(page: Page, lines: list[Line], rules: list[Rule], top: Rule | None,
          start: float, x0: float, x1: float, table: PdfTable,
          continuing: str | None = None) -> tuple[set[int], float, bool]:
    """Read the table's header, body and notes from the lines below ``start``.

    ``continuing``: the header text of the table this part continues (on a new page): a
    header printed again is left out; without one, every line is a body row.
    """
    below = _by_baseline([ln for ln in lines if ln.base > start and _inside(ln, x0, x1)],
                         page.number)
    if not below:
        return set(), start, False
    tsize = below[0].size
    cand: list[Line] = []
    for ln in below:
        if _stop(ln) or ln.size > tsize + 0.6:
            break
        if cand and ln.base - cand[-1].base > 5 * tsize:
            break
        cand.append(ln)
    if not cand:
        return set(), start, False
    last = cand[-1].bottom + 2
    inner = [r for r in rules if start + 0.5 < r.top < last and r.x0 >= x0 - 4
             and r.x1 <= x1 + 4 and r is not top]
    levels = _levels(inner, x0, x1)
    head_y = _header_rule(levels, cand, x0, x1, inner)
    if head_y is None or continuing is not None and " ".join(
            ln.text for ln in cand if ln.base < head_y) != continuing:
        head_y = start
    bottom = next((r for y, cover, r in reversed(levels) if cover >= 0.8 and y > head_y
                   and any(head_y < ln.base < y for ln in cand)), None)
    header_lines = [ln for ln in cand if ln.base < head_y]
    body_lines = [ln for ln in cand
                  if ln.base > head_y and (bottom is None or ln.base < bottom.top)]
    rest = [ln for ln in cand if bottom is not None and ln.base > bottom.top]
    if bottom is None:
        cut = next((k for k, ln in enumerate(body_lines) if _note_like(ln, x0, x1)),
                   len(body_lines))
        body_lines, rest = body_lines[:cut], body_lines[cut:]
    notes: list[Line] = []
    for ln in rest:
        ref = notes[-1].base if notes else (bottom.top if bottom else
                                            (body_lines[-1].base if body_lines else start))
        if ln.base - ref > 3.0 * ln.size or ln.size > tsize + 0.3 or \
                max(g.size for g in ln.glyphs) > tsize + 1.5:  # a heading in small capitals
            break
        notes.append(ln)
    if not body_lines:
        return set(), start, False
    key = " ".join(ln.text for ln in header_lines)
    table.numbered = table.numbered or any(ln.scripts and ln.scripts[0] > 0 and
                                           ln.glyphs[0].text.isdigit() for ln in notes)
    col_x = table.col_x or _columns([chunks_of(ln) for ln in body_lines])
    if not col_x:
        return set(), start, False
    table.col_x, table.n_cols = col_x, len(col_x)
    if header_lines and continuing is None:
        table.header = _header(header_lines, col_x, inner, table.numbered)
        table.header_key = key
    _body(body_lines, col_x, table)
    if notes:
        table.notes_from, table.note_lines = len(table.notes), notes
    table.notes += _notes(notes, x0, x1, table.numbered)
    last_base = (notes[-1].base if notes else body_lines[-1].base) + 0.5
    taken = [ln for ln in cand if ln.base < last_base]
    used = {id(part) for ln in taken for part in ln.extra.get("parts", [ln])}  # type: ignore[attr-defined]
    end = max(ln.bottom for ln in taken)
    return used, end, bottom is None


def _by_baseline(lines: list[Line], page: int) -> list[Line]:
    """Lines on one baseline joined into one table line (its pieces kept in ``extra``)."""
    out: list[Line] = []
    groups: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.base, ln.x0)):
        if groups and abs(groups[-1][0].base - ln.base) < 0.3 * ln.size:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    for group in groups:
        if len(group) == 1:
            line = group[0]
        else:
            line = _make_line(page, [g for ln in group for g in ln.glyphs],
                              [s for ln in group for s in ln.scripts])
        line.extra["parts"] = group
        out.append(line)
    return out


def find_tables(page: Page, lines: list[Line],
                carry: Found | None = None) -> tuple[list[Found], Found | None]:
    """The tables on ``page`` (and the one left open at its bottom, for the next page).

    ``carry`` is a table left open at the bottom of the previous page: rules at the top of
    this page over the same width continue it.
    """
    rules = _merge_rules(page.rules)
    found: list[Found] = []
    used: set[int] = set()
    if carry is not None:
        cont = _continue_notes(page, lines, carry) if carry.open_notes else \
            _continue(page, lines, rules, carry)
        if cont is not None:
            found.append(cont)
            used |= cont.used
    open_table: Found | None = None
    for cap in sorted(lines, key=lambda ln: (ln.base, ln.x0)):
        m = _is_caption(cap)
        if m is None or id(cap) in used:
            continue
        top = min((r for r in rules if cap.base < r.top < cap.base + 10 * cap.size
                   and r.x0 <= cap.x0 + 15 and r.x1 >= cap.x0 + 60 and r.x1 - r.x0 >= 60),
                  key=lambda r: r.top, default=None)
        if top is None:
            continue
        x0, x1 = top.x0, top.x1
        if any(_is_caption(ln) for ln in lines if cap.base < ln.base < top.top
               and ln is not cap):
            continue  # a sentence naming a table, above the table's own caption
        caption_lines = [cap] + sorted(
            (ln for ln in lines if cap.base < ln.base < top.top and _inside(ln, x0, x1)
             and id(ln) not in used), key=lambda ln: ln.base)
        segs: list[Segment] = []
        for ln in caption_lines:
            segs += [(" ", "", "")] + glyph_segments(ln.glyphs, ln.scripts)
        segs = merge_marks(segs)
        text = "".join(t for t, k, _ in segs if not k).lstrip()
        caption = [(text[len(m.group(0).strip()):].lstrip(" .:|"), "", "")] if \
            text.startswith(m.group(0).strip()) else segs
        caption = _rest_marks(caption, segs)
        table = PdfTable(_label(m), caption, x0=x0, x1=x1)
        got, end, open_end = _read(page, lines, rules, top, top.top, x0, x1, table)
        if not got:
            continue
        got |= {id(ln) for ln in caption_lines}
        used |= got
        region = Region(page.number, x0, cap.top, x1, end, "table", table)
        found.append(Found(table, region, got, open_end))
        if open_end and end > 0.8 * page.height:
            open_table = found[-1]
        elif _notes_open(table, lines):
            found[-1].open_notes = True
            open_table = found[-1]
    return found, open_table


def _notes_open(table: PdfTable, lines: list[Line]) -> bool:
    """The table's notes end on the page's last line, in mid-sentence (no full stop): they
    go on at the top of the next page."""
    if not table.note_lines:
        return False
    last = table.note_lines[-1]
    return not any(ln.base > last.base + 0.5 for ln in lines) and \
        not last.text.rstrip().endswith((".", ":", "!", "?"))


def _continue_notes(page: Page, lines: list[Line], carry: Found) -> Found | None:
    """The end of ``carry``'s notes at the top of this page: the first lines within the
    table's width, set no larger than its notes, up to a gap, a caption or a heading."""
    t = carry.table
    size = max(ln.size for ln in t.note_lines)
    ordered = sorted(lines, key=lambda ln: (ln.base, ln.x0))
    cont: list[Line] = []
    for ln in ordered:
        if not _inside(ln, t.x0, t.x1) or _stop(ln) or ln.size > size + 0.3 or \
                max(g.size for g in ln.glyphs) > size + 1.5 or \
                (cont and ln.base - cont[-1].base > 3.0 * size):
            break
        cont.append(ln)
    if not cont or cont[0].top > 0.3 * page.height:
        return None
    t.notes[t.notes_from:] = _notes(t.note_lines + cont, t.x0, t.x1, t.numbered)
    t.note_lines = t.note_lines + cont
    region = Region(page.number, t.x0, cont[0].top, t.x1, max(ln.bottom for ln in cont),
                    "table", None)
    return Found(t, region, {id(ln) for ln in cont}, False)


def _rest_marks(caption: list[Segment], segs: list[Segment]) -> list[Segment]:
    """The caption after its label, with the marks it carries (a mark on the title)."""
    marks = [s for s in segs if s[1]]
    return merge_marks(caption + marks) if marks else caption


def _continue(page: Page, lines: list[Line], rules: list[Rule], carry: Found) -> Found | None:
    """The part of ``carry``'s table printed at the top of this page, if any: table lines
    at the top of the page within its width, under or over a rule of its width."""
    t = carry.table
    inside = sorted((ln for ln in lines if _inside(ln, t.x0, t.x1)), key=lambda ln: ln.base)
    ruled = [r for r in rules if abs(r.x1 - t.x1) < 4 and r.x1 - r.x0 >= 0.5 * (t.x1 - t.x0)
             and r.top < 0.45 * page.height]
    if not inside or not ruled or _stop(inside[0]) or inside[0].top > 0.3 * page.height:
        return None
    start = inside[0].top - 1
    got, end, open_end = _read(page, lines, rules, None, start, t.x0, t.x1, t,
                               continuing=t.header_key)
    if not got:
        return None
    region = Region(page.number, t.x0, start, t.x1, end, "table", None)
    return Found(t, region, got, open_end)
