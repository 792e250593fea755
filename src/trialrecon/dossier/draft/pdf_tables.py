"""Tables on a PDF page: found by their caption and ruling lines, read into rows of cells.

A table is found where a caption line starts with its label (``Table 2:``, ``TABLE II.``,
the label bold or followed by punctuation) and a horizontal rule runs under it. From there:

- **extent**: the rules under the caption that start where the first one does; the lines
  below it, set no larger than the table's first line, down to the last rule (or, in a
  table with no bottom rule, down to the first line that reads as a note). The lines after
  the last rule, in the table's width, are its footnotes;
- **header**: the lines between the first rule and the first rule that runs (in one
  stroke) to the table's right edge over at least half its width; their pieces are header
  cells, joined down a column where a label wraps onto a second line, placed in the
  columns they stand over, and a cell with cells under it spans the columns up to the next
  cell of its own line (or the short rule drawn under it);
- **columns**: the union of the x-ranges of the body's pieces (a row's glyphs cut where a
  gap is wider than :data:`CELL_GAP` times the size), rows with a single piece (group
  headings) left out;
- **rows**: body lines closer together than the usual row pitch (a wrapped cell) are one
  row; a piece covering several columns spans them; a stub label set further right than
  the stub's left edge is indented;
- **continued tables**: rules at the top of a page without a caption, right after a table
  that ran to the bottom of the page before, continue that table (a repeated header is
  dropped).

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from trialrecon.dossier.draft.document import RawCell
from trialrecon.dossier.draft.jats import _split_notes, merge_marks
from trialrecon.dossier.draft.pdf_extract import Glyph, Page, Rule
from trialrecon.dossier.draft.pdf_layout import Line, Region, _make_line
from trialrecon.dossier.draft.pdf_marks import Segment, glyph_segments
from trialrecon.dossier.draft.tables import is_data

CELL_GAP = 0.5  # a gap wider than this many font sizes separates two cells
CAPTION = re.compile(r"^\s*(Table|TABLE)\s+(\d{1,3}[A-Za-z]?|[IVXL]{1,6})(?:\s*[.:|]|\s|$)")
_NOTE = re.compile(r"^\s*(?:[*†‡§¶#]|Data are\b|Values are\b|Abbreviations?\b|Results are\b|"
                   r"Note[sd]?\b|NOTE\b|Percentages\b|[a-z]\s)")


@dataclass
class Chunk:
    """A piece of a table line: the glyphs of one cell on one line."""

    glyphs: list[Glyph]
    scripts: list[int]
    x0: float
    x1: float
    base: float
    cols: tuple[int, int] = (0, 0)  # first and last column it covers

    def segments(self, numbered: bool) -> list[Segment]:
        return glyph_segments(self.glyphs, self.scripts, in_table=True, numbered_notes=numbered)

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


@dataclass
class PdfTable:
    """A table as read from the page (before the document's grid is laid out)."""

    label: str
    caption: list[Segment]
    rows: list[list[Chunk | None]] = field(default_factory=list)  # body: cells by column
    header: list[list[tuple[int, int, int, list[Segment]]]] = field(default_factory=list)
    notes: list[tuple[str, list[Segment]]] = field(default_factory=list)
    n_cols: int = 0
    col_x: list[tuple[float, float]] = field(default_factory=list)
    indents: list[int] = field(default_factory=list)  # per body row: the stub's indent
    numbered: bool = False  # the notes are numbered (superscript digits are note marks)
    header_key: str = ""
    stub_left: float = 0.0
    x0: float = 0.0
    x1: float = 0.0


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


def chunks_of(line: Line, gap: float = CELL_GAP) -> list[Chunk]:
    """A table line cut into cell pieces where a gap is wider than ``gap`` sizes."""
    out: list[Chunk] = []
    for g, s in zip(line.glyphs, line.scripts, strict=True):
        if out:
            last = out[-1]
            size = max(line.size, 1.0)
            if g.x0 - last.x1 <= gap * size or s != 0 and g.x0 - last.x1 <= size:
                last.glyphs.append(g)
                last.scripts.append(s)
                last.x1 = max(last.x1, g.x1)
                continue
        out.append(Chunk([g], [s], g.x0, g.x1, line.base))
    return out


def _union(spans: list[tuple[float, float]]) -> list[list[float]]:
    cols: list[list[float]] = []
    for a, b in sorted(spans):
        if cols and a <= cols[-1][1] + 1.0:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return cols


def _columns(chunks_by_row: list[list[Chunk]]) -> list[tuple[float, float]]:
    """Column x-ranges: the union of the pieces of the rows printed in the most cells (a
    row with fewer pieces may hold a cell spanning columns, which would join them), then
    the pieces of other rows that stand in none of those columns (a column printed only
    on some rows, as a p value on a group's first row)."""
    counts = Counter(len(row) for row in chunks_by_row if len(row) >= 2)
    full = max((n for n, k in counts.items() if k >= max(2, 0.2 * sum(counts.values()))),
               default=2)
    cols = _union([(c.x0, c.x1) for row in chunks_by_row if len(row) >= full for c in row])
    if not cols:
        return [(a, b) for a, b in _union([(c.x0, c.x1) for row in chunks_by_row
                                           for c in row])]
    extra = [(c.x0, c.x1) for row in chunks_by_row if 2 <= len(row) < full for c in row
             if not any(c.x0 < b - 0.5 and c.x1 > a + 0.5 for a, b in cols)]
    return [(a, b) for a, b in _union([(a, b) for a, b in cols] + extra)]


def _cover(col_x: list[tuple[float, float]], x0: float, x1: float) -> tuple[int, int]:
    """The first and last column a piece from ``x0`` to ``x1`` covers."""
    hit = [k for k, (a, b) in enumerate(col_x) if x0 < b - 0.5 and x1 > a + 0.5]
    if hit:
        return hit[0], hit[-1]
    mid = (x0 + x1) / 2
    k = min(range(len(col_x)), key=lambda k: min(abs(col_x[k][0] - mid), abs(col_x[k][1] - mid)))
    return k, k


def _split_pitch(lines: list[Line]) -> float:
    """The baseline distance below which two lines are one row (0: every line a row).

    Lines of a wrapped cell are one line height apart (about 1.2 sizes); rows add their
    padding. Only when both distances occur, and the smaller is a line height, is there
    a threshold between them.
    """
    size = statistics.median(ln.size for ln in lines)
    pitches = sorted(b.base - a.base for a, b in zip(lines, lines[1:], strict=False)
                     if b.base - a.base > 0.6 * size)
    if not pitches:
        return 0.0
    low = pitches[0]
    higher = [p for p in pitches if p > 1.12 * low]
    if low > 1.3 * size or not higher:
        return 0.0
    return (low + higher[0]) / 2


def _span(col_x: list[tuple[float, float]], ch: Chunk) -> tuple[int, int]:
    c0, c1 = _cover(col_x, ch.x0, ch.x1)
    return c0, c1 + 1


def _group_rows(lines: list[Line], col_x: list[tuple[float, float]]) -> list[list[Line]]:
    """Body lines grouped into rows (a wrapped cell's lines are one row)."""
    if not lines:
        return []
    split = _split_pitch(lines)

    def stub(line: Line) -> str:
        first = chunks_of(line)[0]
        return first.text if _cover(col_x, first.x0, first.x1)[0] == 0 else ""

    def data_cols(line: Line) -> set[int]:
        return {c for ch in chunks_of(line) for c in range(*_span(col_x, ch)) if c > 0}

    rows: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        label, row_label = stub(line), any(stub(ln) for ln in rows[-1])
        taken = set().union(*(data_cols(ln) for ln in rows[-1]))
        # a line with its own label and data where the row has data is a row of its own
        complete = bool(label) and row_label and bool(data_cols(line) & taken) and \
            (label[:1].isupper() or label[:1].isdigit())
        if line.base - prev.base < 0.5:
            same = True
        elif split:
            same = line.base - prev.base < split and not complete
        else:  # one pitch throughout: only a stub-only line in lower case continues
            same = bool(label) and row_label and len(chunks_of(line)) == 1 \
                and label[:1].islower()
        if same:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def join_lines(parts: list[list[Segment]]) -> list[Segment]:
    """The segments of a cell's lines joined: a space, none after a hyphen, dash or slash."""
    out: list[Segment] = []
    for part in parts:
        if out and part:
            last = next((t for t, k, _ in reversed(out) if not k), "")
            if not last.endswith(("-", "–", "/", "‐")):
                out.append((" ", "", ""))
        out += part
    return merge_marks(out)


def _wraps(box: dict[str, object], ch: Chunk, line: list[Chunk], size: float) -> bool:
    """``ch`` continues the header label ``box`` on the next line (one line height below,
    under it, and alone under it: several pieces under a label are its sub-labels)."""
    if not 0 < ch.base - box["base"] <= 1.35 * size:  # type: ignore[operator]
        return False
    x0, x1 = box["x0"], box["x1"]
    under = [o for o in line if o.x1 > x0 and o.x0 < x1]  # type: ignore[operator]
    overlap = min(ch.x1, x1) - max(ch.x0, x0)  # type: ignore[type-var,operator]
    return under == [ch] and overlap >= 0.5 * min(ch.x1 - ch.x0, x1 - x0)  # type: ignore[operator]


def _header(lines: list[Line], col_x: list[tuple[float, float]], rules: list[Rule],
            numbered: bool) -> list[list[tuple[int, int, int, list[Segment]]]]:
    """Header rows: (column, colspan, rowspan, segments) of each header cell, row by row."""
    boxes: list[dict[str, object]] = []
    for line in lines:
        chunks = chunks_of(line)
        for ch in chunks:
            c0, c1 = _cover(col_x, ch.x0, ch.x1)
            ruled = False
            below = [r for r in rules if r.top > ch.base and r.top - ch.base < 0.9 * line.size
                     and r.x1 - r.x0 < 0.9 * (col_x[-1][1] - col_x[0][0])]
            for r in sorted(below, key=lambda r: -r.top):  # the nearest short rule under a
                # spanning label alone gives its span
                if r.x0 - 3 <= ch.x0 and ch.x1 <= r.x1 + 3 and not any(
                        o is not ch and o.x1 > r.x0 and o.x0 < r.x1 for o in chunks):
                    c0, c1 = _cover(col_x, r.x0 + 2, r.x1 - 2)
                    ruled = True
            prev = next((b for b in reversed(boxes) if _wraps(b, ch, chunks, line.size)), None)
            if prev is not None:  # the label wraps onto this line
                prev["chunks"].append(ch)  # type: ignore[union-attr]
                prev["base"] = ch.base
                prev["x0"], prev["x1"] = min(prev["x0"], ch.x0), max(prev["x1"], ch.x1)
                if ruled or not prev["ruled"]:
                    keep = not ruled and not prev["ruled"]
                    prev["c0"] = min(prev["c0"], c0) if keep else c0  # type: ignore[type-var]
                    prev["c1"] = max(prev["c1"], c1) if keep else c1  # type: ignore[type-var]
                    prev["ruled"] = ruled or prev["ruled"]
                continue
            boxes.append({"c0": c0, "c1": c1, "top": ch.base, "base": ch.base,
                          "chunks": [ch], "x0": ch.x0, "x1": ch.x1, "ruled": ruled})
    if not boxes:
        return []
    # a label set flush with its first column's left edge, with labels under it, spans
    # the columns up to the next label of its line (a centred label shows its own span)
    boxes.sort(key=lambda b: (b["top"], b["x0"]))
    for b in sorted(boxes, key=lambda b: -b["top"]):  # type: ignore[operator]
        if b["ruled"] or abs(b["x0"] - col_x[b["c0"]][0]) > 2.0:  # type: ignore[index]
            continue
        under = [o for o in boxes if o["top"] > b["base"] + 0.5]
        if not under:
            continue
        first = min(o["top"] for o in under)  # the labels right under this line
        under = [o for o in under if o["top"] < first + 0.5]
        level = [o for o in boxes if abs(o["top"] - b["top"]) < 1.0 and o is not b]
        right = min([o["c0"] for o in level if o["c0"] > b["c1"]] + [len(col_x)])
        c1 = b["c1"]
        while c1 + 1 < right and any(o["c0"] <= c1 + 1 <= o["c1"] for o in under):
            c1 += 1
        b["c1"] = c1
    # levels: a label sits one row below the lowest label over its columns
    for b in boxes:
        above = [o for o in boxes if o["base"] < b["top"] - 0.5
                 and o["c0"] <= b["c1"] and o["c1"] >= b["c0"]]
        b["row"] = 1 + max((o["row"] for o in above), default=-1)  # type: ignore[operator]
    n_rows = 1 + max(b["row"] for b in boxes)  # type: ignore[type-var]
    rows: list[list[tuple[int, int, int, list[Segment]]]] = [[] for _ in range(n_rows)]
    for b in sorted(boxes, key=lambda b: (b["row"], b["c0"])):
        lower = [o for o in boxes if o["row"] > b["row"] and o["c0"] <= b["c1"]
                 and o["c1"] >= b["c0"]]
        rowspan = (min(o["row"] for o in lower) - b["row"]) if lower else n_rows - b["row"]
        segs = join_lines([ch.segments(numbered) for ch in b["chunks"]])  # type: ignore[union-attr]
        rows[b["row"]].append((b["c0"], b["c1"] - b["c0"] + 1, max(1, rowspan), segs))
    return rows


def _body(lines: list[Line], col_x: list[tuple[float, float]], table: PdfTable) -> None:
    """The body rows of ``table`` from its lines (see the module docstring)."""
    stub_left = min((c.x0 for ln in lines for c in chunks_of(ln)
                     if _cover(col_x, c.x0, c.x1)[0] == 0), default=col_x[0][0])
    if table.rows:  # a part on a later page: indents are measured from the first part's stub
        stub_left = table.stub_left
    table.stub_left = stub_left
    for group in _group_rows(lines, col_x):
        cells: list[Chunk | None] = [None] * len(col_x)
        indent = -1  # from the row's first stub line (a wrapped number may stand above it)
        for line in group:
            for ch in chunks_of(line):
                c0, c1 = _cover(col_x, ch.x0, ch.x1)
                ch.cols = (c0, c1)
                if c0 == 0 and indent < 0:
                    indent = int(ch.x0 - stub_left > 0.6 * line.size)
                cur = cells[c0]
                if cur is None:
                    cells[c0] = ch
                else:  # a wrapped cell: its lines joined
                    cur.glyphs = cur.glyphs + ch.glyphs
                    cur.scripts = cur.scripts + ch.scripts
                    cur.cols = (cur.cols[0], max(cur.cols[1], c1))
                    cur.x1 = max(cur.x1, ch.x1)
        table.rows.append(cells)
        table.indents.append(max(indent, 0))


def raw_rows(table: PdfTable) -> tuple[list[list[RawCell]], int]:
    """The table as the document builder's raw rows, and its number of header rows."""
    out: list[list[RawCell]] = []
    n = table.n_cols
    taken: set[tuple[int, int]] = set()  # header slots covered by a cell above
    for r, row in enumerate(table.header):
        cells, col = [], 0
        for c0, span, rowspan, segs in sorted(row):
            span = max(1, min(span, n - c0))
            while col < c0:
                if (r, col) not in taken:
                    cells.append(RawCell((("", "", ""),), header=True))
                col += 1
            if col > c0:
                continue
            cells.append(RawCell(tuple(segs), rowspan, span, True))
            taken |= {(rr, cc) for rr in range(r, r + rowspan) for cc in range(c0, c0 + span)}
            col = c0 + span
        out.append(cells)
    head = len(out)
    for row, indent in zip(table.rows, table.indents, strict=True):
        cells, c = [], 0
        while c < n:
            ch = row[c]
            if ch is None:
                cells.append(RawCell((("", "", ""),)))
                c += 1
                continue
            span = max(1, min(ch.cols[1], n - 1) - c + 1)
            cells.append(RawCell(tuple(_joined(ch, table.numbered)), 1, span, False,
                                 indent if c == 0 else 0))
            c += span
        out.append(cells)
    return out, head


def _joined(ch: Chunk, numbered: bool) -> list[Segment]:
    """A cell's segments, its wrapped lines joined (a line-end hyphen kept, as printed)."""
    lines: list[list[int]] = []
    for k, g in enumerate(ch.glyphs):
        if lines and (abs(ch.glyphs[lines[-1][0]].base - g.base) < 0.6 * g.size
                      or ch.scripts[k] != 0):
            lines[-1].append(k)
        else:
            lines.append([k])
    return join_lines([glyph_segments([ch.glyphs[k] for k in idx],
                                      [ch.scripts[k] for k in idx], in_table=True,
                                      numbered_notes=numbered) for idx in lines])


def _line_from(chunks: list[Chunk], page: int) -> Line:
    glyphs = [g for c in chunks for g in c.glyphs]
    scripts = [s for c in chunks for s in c.scripts]
    return _make_line(page, glyphs, scripts)


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


def _body_like(row: list[Line], x0: float) -> bool:
    """Lines (one row) that read as a body row: a line opening with a label and holding a
    number after it, or a group heading alone (a header line holds labels only, or the
    number pieces of labels wrapped from the line above)."""
    for line in row:
        chunks = chunks_of(line)
        if not is_data(chunks[0].text) and any(is_data(c.text) for c in chunks[1:]):
            return True
    return len(row) == 1 and len(chunks_of(row[0])) == 1 and \
        not is_data(chunks_of(row[0])[0].text) and chunks_of(row[0])[0].x0 < x0 + 40


def _header_rule(levels: list[tuple[float, float, Rule]], lines: list[Line], x0: float,
                 x1: float, rules: list[Rule]) -> float | None:
    """The y of the rule under the header: the first level of rules over a sixth of the
    width (header cells spanning rows leave it short) with header lines above it and a
    body-like row right under it. A level of short
    rules (several, or one stopping short of the right edge: rules under spanning
    labels) with another such level a few lines below is inside the header; the last rule
    over the whole width closes the table (only notes stand under it)."""
    last_full = max((y for y, cover, _ in levels if cover >= 0.8), default=None)
    wide = [(y, r) for y, cover, r in levels if cover >= 0.15 and y != last_full
            and any(ln.base < y for ln in lines) and any(ln.base > y for ln in lines)]
    for k, (y, longest) in enumerate(wide):
        segments = [r for r in rules if abs((r.top + r.bottom) / 2 - y) < 1.0]
        short = len(segments) >= 2 or longest.x1 < x1 - 1.5
        if short and k + 1 < len(wide) and \
                sum(y < ln.base < wide[k + 1][0] for ln in lines) <= 4:
            continue
        first = min((ln for ln in lines if ln.base > y), key=lambda ln: ln.base)
        row = [ln for ln in lines if first.base <= ln.base < first.base + 1.3 * first.size]
        if _body_like(row, x0):  # a row's first line may hold no label
            return y
    return wide[0][0] if wide else None


def _full(rule: Rule, x0: float, x1: float, rules: list[Rule]) -> bool:
    """A rule over the table's width (or from its stub to its right edge) in one stroke.

    Short rules side by side on one level, or one stopping short of the right edge, are
    drawn under spanning header labels (booktabs' trimmed ``cmidrule``): that level is
    inside the header, not under it.
    """
    level = [r for r in rules if abs((r.top + r.bottom) / 2 - (rule.top + rule.bottom) / 2) < 1
             and r.x1 > x0 and r.x0 < x1]
    return rule.x1 >= x1 - 1.5 and rule.x1 - rule.x0 >= 0.5 * (x1 - x0) and len(level) == 1


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
        if ln.base - ref > 3.0 * ln.size or ln.size > tsize + 0.3:
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
        cont = _continue(page, lines, rules, carry)
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
    return found, open_table


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
