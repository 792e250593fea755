"""A PDF table's lines read into a grid: columns, rows, header cells with their spans.

The lines of a table (:mod:`.pdf_tables` finds them, split into header and body by the
rule under the header) are read as a person reads a printed table:

- **pieces**: a table line's glyphs cut where a gap is wider than :data:`CELL_GAP` times
  the size (a word space is narrower); a superscript stays with its piece;
- **columns**: the union of the x-ranges of the pieces of the rows printed in the most
  cells (a row with fewer pieces may hold a cell spanning columns, which would join
  them), then the pieces of other rows standing in none of those columns (a column
  printed on some rows only, as a p value on a group's first row);
- **rows**: lines closer together than the rows are (a line height apart, where the rows
  add their padding) are one row, unless the lower line brings its own label (a capital or
  a digit) and numbers where the row has its numbers; with one distance throughout, only a
  lone label in lower case continues the row above (a part of a table continued on another
  page, too short to show both distances, takes the first part's); a label whose bracket
  is still open goes on in the line below, whatever that line starts with. A piece
  covering several columns spans them; a stub label set further right than the stub's left
  edge is indented, by a level for each size (an em) of its offset (measured from its
  first line: a wrapped number may stand above it), so nested groups nest; a cell whose
  letters are all bold or all italic has that emphasis (a group row's style tells its
  level, as in JATS);
- **header**: each header piece stands over the columns it covers (or those of the short
  rule drawn under it); a piece alone under a label, one line height below, continues it;
  a label set flush with its first column, with labels under it, spans the columns up to
  the next label of its line; a label with none under it, alone under a spanning label and
  flush with its first column or centred under it, spans its columns (the unit "N (%)" of
  a group); a label sits one header row below the lowest label over its columns, and spans
  down to the next label under it.

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from trialrecon.dossier.draft.document import RawCell
from trialrecon.dossier.draft.jats import merge_marks
from trialrecon.dossier.draft.pdf_extract import Glyph, Rule
from trialrecon.dossier.draft.pdf_layout import Line
from trialrecon.dossier.draft.pdf_marks import Segment, glyph_segments

CELL_GAP = 0.5  # a gap wider than this many font sizes separates two cells


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
    indents: list[float] = field(default_factory=list)  # per body row: the stub's offset
    # from the stub's left edge, in sizes (-1: no stub label)
    numbered: bool = False  # the notes are numbered (superscript digits are note marks)
    header_key: str = ""
    stub_left: float = 0.0
    split: float = 0.0  # the row pitch threshold of the table's first part
    x0: float = 0.0
    x1: float = 0.0
    note_lines: list[Line] = field(default_factory=list)  # the last part's note lines
    notes_from: int = 0  # where the last part's notes start in ``notes``


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


def _group_rows(lines: list[Line], col_x: list[tuple[float, float]],
                table: PdfTable) -> list[list[Line]]:
    """Body lines grouped into rows (a wrapped cell's lines are one row); a part of a table
    continued on another page, too short to show its pitches, takes the first part's."""
    if not lines:
        return []
    split = _split_pitch(lines) or (table.split if len(lines) < 6 else 0.0)
    table.split = table.split or split

    def stub(line: Line) -> str:
        first = chunks_of(line)[0]
        return first.text if _cover(col_x, first.x0, first.x1)[0] == 0 else ""

    def data_cols(line: Line) -> set[int]:
        return {c for ch in chunks_of(line) for c in range(*_span(col_x, ch)) if c > 0}

    rows: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        label, row_label = stub(line), any(stub(ln) for ln in rows[-1])
        taken = set().union(*(data_cols(ln) for ln in rows[-1]))
        # a label left open (a bracket not closed: "(did not start ... use ≥") goes on
        open_label = bool(label) and _open("".join(stub(ln) for ln in rows[-1]))
        # a line with its own label and data where the row has data is a row of its own
        complete = bool(label) and row_label and bool(data_cols(line) & taken) and \
            (label[:1].isupper() or label[:1].isdigit()) and not open_label
        if line.base - prev.base < 0.5:
            same = True
        elif split:
            same = line.base - prev.base < split and not complete
        else:  # one pitch throughout: only a lone label in lower case continues
            same = bool(label) and row_label and (open_label or (
                len(chunks_of(line)) == 1 and label[:1].islower()))
        if same:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _open(label: str) -> bool:
    """A stub label that cannot end here: a bracket opened and not closed."""
    return label.count("(") > label.count(")") or label.count("[") > label.count("]")


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
    _widen_lowest(boxes, col_x)
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


def _widen_lowest(boxes: list[dict[str, object]], col_x: list[tuple[float, float]]) -> None:
    """A label with no label under it and no other label of its line under the spanning
    label above it, set flush with that label's first column or centred under its columns,
    spans its columns: "N (%)" under "All grades  Grade 1-2  Grade≥3" under "Treatment
    (n=78)" names the unit of the three columns, not of the first (or middle) one alone."""
    for b in boxes:
        if b["ruled"] or any(o["top"] > b["base"] + 0.5 and o["c0"] <= b["c1"]
                             and o["c1"] >= b["c0"] for o in boxes):
            continue  # a label under it: the rule above has given its span
        over = [o for o in boxes if o["base"] < b["top"] - 0.5 and o["c0"] <= b["c0"]
                and o["c1"] >= b["c1"] and o["c1"] - o["c0"] > b["c1"] - b["c0"]]  # type: ignore[operator]
        if not over:
            continue
        parent = max(over, key=lambda o: o["base"])  # type: ignore[arg-type,return-value]
        c0, c1 = int(parent["c0"]), int(parent["c1"])  # type: ignore[call-overload]
        # labels standing beside it on its line (a label wrapped over lines set at the
        # bottom of the header reaches down to it too)
        level = [o for o in boxes if o is not b and o["top"] <= b["base"] + 0.5  # type: ignore[operator]
                 and o["base"] >= b["top"] - 0.5]  # type: ignore[operator]
        if any(o["c0"] <= c1 and o["c1"] >= c0 for o in level):  # type: ignore[operator]
            continue  # its line has other labels under the same spanning label
        x0, x1 = col_x[c0][0], col_x[c1][1]
        flush = b["c0"] == c0 and abs(b["x0"] - x0) <= 2.0  # type: ignore[operator]
        mid = (b["x0"] + b["x1"]) / 2  # type: ignore[operator]
        centred = abs(mid - (x0 + x1) / 2) <= 0.1 * (x1 - x0)
        if flush or centred:
            b["c0"], b["c1"] = c0, c1


def _body(lines: list[Line], col_x: list[tuple[float, float]], table: PdfTable) -> None:
    """The body rows of ``table`` from its lines (see the module docstring)."""
    stub_left = min((c.x0 for ln in lines for c in chunks_of(ln)
                     if _cover(col_x, c.x0, c.x1)[0] == 0), default=col_x[0][0])
    if table.rows:  # a part on a later page: indents are measured from the first part's stub
        stub_left = table.stub_left
    table.stub_left = stub_left
    for group in _group_rows(lines, col_x, table):
        cells: list[Chunk | None] = [None] * len(col_x)
        indent = -1.0  # from the row's first stub line (a wrapped number may stand above it)
        for line in group:
            for ch in chunks_of(line):
                c0, c1 = _cover(col_x, ch.x0, ch.x1)
                ch.cols = (c0, c1)
                if c0 == 0 and indent < 0:
                    indent = max(0.0, (ch.x0 - stub_left) / line.size)
                cur = cells[c0]
                if cur is None:
                    cells[c0] = ch
                else:  # a wrapped cell: its lines joined
                    cur.glyphs = cur.glyphs + ch.glyphs
                    cur.scripts = cur.scripts + ch.scripts
                    cur.cols = (cur.cols[0], max(cur.cols[1], c1))
                    cur.x1 = max(cur.x1, ch.x1)
        table.rows.append(cells)
        table.indents.append(indent)


def _indent_levels(offsets: list[float]) -> list[int]:
    """Indent levels from the stub labels' offsets (in sizes): offsets less than 0.6 apart
    are one level (a thin space more, or labels centred, make no new level); flush left
    is level 0."""
    levels: list[float] = []  # where each level starts
    last = None
    for x in sorted(o for o in offsets if o >= 0):
        if last is None or x - last > 0.6:  # a gap between offsets starts a new level
            levels.append(x)
        last = x
    return [sum(0.6 <= v <= x + 1e-9 for v in levels) for x in offsets]


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
    for row, indent in zip(table.rows, _indent_levels(table.indents), strict=True):
        cells, c = [], 0
        while c < n:
            ch = row[c]
            if ch is None:
                cells.append(RawCell((("", "", ""),)))
                c += 1
                continue
            span = max(1, min(ch.cols[1], n - 1) - c + 1)
            cells.append(RawCell(tuple(_joined(ch, table.numbered)), 1, span, False,
                                 indent if c == 0 else 0, emphasis(ch)))
            c += span
        out.append(cells)
    return out, head


def emphasis(ch: Chunk) -> str:
    """"bold", "italic" or "bold italic" when every printed letter of the cell (its marks
    aside) is set so, as the JATS reader tells a group row's style; "" otherwise."""
    letters = [g for g, s in zip(ch.glyphs, ch.scripts, strict=True)
               if s == 0 and g.text.strip()]
    if not letters:
        return ""
    styles = [name for name, on in (("bold", all(g.bold for g in letters)),
                                    ("italic", all(g.italic for g in letters))) if on]
    return " ".join(styles)


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
