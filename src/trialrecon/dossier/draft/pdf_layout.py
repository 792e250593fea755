"""A PDF page's glyphs as lines in reading order: scripts attached, columns kept apart.

How a page is read (:mod:`.pdf_extract` gives the glyphs and rules):

1. **Lines.** Glyphs sharing a baseline are one row; a row is cut where the gap between two
   glyphs is wider than :data:`PIECE_GAP` times the font size (a column gutter, a table's
   column gap) and is not a word space the PDF prints (stretched in a justified line), so
   two columns printed side by side never make one line.
2. **Superscripts and subscripts.** A piece set smaller than a line next to it and raised
   above its baseline (by 0.12-0.75 of the line's size) is a superscript of that line; one
   lowered (by 0.06-0.5) is a subscript. Its glyphs join the line, flagged, so a citation
   "¹²" or a footnote mark "ᵃ" stays where it is printed instead of making a line of its own.
3. **Running heads and page numbers.** The lines at the top and bottom edges of a page,
   set apart from the text by a gap, are dropped when they are a page number or are
   printed (digits aside) at an edge of two pages or more.
4. **Columns.** The left edges of the lines narrower than 60% of the text width cluster
   where columns start; a column runs from its start to the next column's start. A line
   (or a table or figure region) crossing from one column into the next spans the page.
5. **Reading order.** Spanning items cut the page into bands; within a band, the columns
   are read left to right, each top to bottom.

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from trialrecon.dossier.draft.pdf_extract import Glyph, Page

PIECE_GAP = 1.2  # a gap wider than this many font sizes cuts a row into pieces
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?$",
                          re.IGNORECASE)


@dataclass
class Line:
    """A run of glyphs on one baseline (with its superscripts and subscripts)."""

    page: int
    glyphs: list[Glyph]
    scripts: list[int]  # per glyph: 0 on the line, 1 superscript, -1 subscript
    x0: float
    x1: float
    base: float
    size: float  # the size of the glyphs on the baseline (the most common one)
    bold: bool
    italic: bool
    col: int = 0  # column index on its page; -1 spanning
    col_x0: float = 0.0  # the column's left and right edges
    col_x1: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def top(self) -> float:
        return self.base - 0.8 * self.size

    @property
    def bottom(self) -> float:
        return self.base + 0.25 * self.size

    @cached_property
    def text(self) -> str:
        """The characters with spaces where the gaps are (scripts included, unmarked)."""
        return spaced(self.glyphs)

    def main_glyphs(self) -> list[Glyph]:
        return [g for g, s in zip(self.glyphs, self.scripts, strict=True) if s == 0]


def space_between(a: Glyph, b: Glyph, explicit: bool = False) -> bool:
    """A word space stands between two neighbouring glyphs.

    The PDF's own word space decides: a space character where the glyphs do not overlap,
    one PDFium infers from the text's positioning where they leave a gap. Without one, a
    gap of a third of the size is a space (a PDF that positions words without spaces), or
    of 0.6 of the size where the line's other words are spaced explicitly (``explicit``:
    a glyph from a fallback font has a box narrower than its advance). Gaps alone mislead: an italic
    glyph's box reaches over the gap after it, letter-spaced capitals have gaps between
    letters.
    """
    gap = b.x0 - a.x1
    size = min(a.size, b.size) or 1.0
    # a raised glyph (a smaller one above the line) followed by one back on the line: the
    # space PDFium infers there is a word space too ("mg/m² day", a thin space)
    back_down = a.size < b.size and b.base - a.base >= 0.3 * size
    if b.space and (abs(a.base - b.base) < 0.3 * size or back_down):
        return gap > (-0.15 if b.space == 1 else 0.0) * size
    return gap > (0.6 if explicit else 0.35) * size


def spaced(glyphs: list[Glyph]) -> str:
    explicit = any(g.space == 1 for g in glyphs)
    out = []
    for i, g in enumerate(glyphs):
        if i and space_between(glyphs[i - 1], g, explicit):
            out.append(" ")
        out.append(g.text)
    return "".join(out)


def _make_line(page: int, glyphs: list[Glyph], scripts: list[int] | None = None) -> Line:
    scripts = scripts or [0] * len(glyphs)
    order = sorted(range(len(glyphs)), key=lambda k: (glyphs[k].x0, glyphs[k].x1))
    glyphs = [glyphs[k] for k in order]
    scripts = [scripts[k] for k in order]
    main = [g for g, s in zip(glyphs, scripts, strict=True) if s == 0] or glyphs
    sizes = Counter(round(g.size * 2) / 2 for g in main)
    size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    base = statistics.median(g.base for g in main)
    bold = sum(g.bold for g in main) * 2 > len(main)
    italic = sum(g.italic for g in main) * 2 > len(main)
    return Line(page, glyphs, scripts, min(g.x0 for g in glyphs), max(g.x1 for g in glyphs),
                base, size, bold, italic)


def _rows(glyphs: tuple[Glyph, ...]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline (within a small tolerance)."""
    rows: list[list[Glyph]] = []
    current: list[Glyph] = []
    base = None
    for g in sorted(glyphs, key=lambda g: (g.base, g.x0)):
        if base is not None and g.base - base > 0.45:  # one line's glyphs share a baseline
            rows.append(current)
            current = []
        if not current:
            base = g.base
        current.append(g)
    if current:
        rows.append(current)
    return rows


def _pieces(row: list[Glyph], gap: float = PIECE_GAP) -> list[list[Glyph]]:
    """A row cut where a gap is wider than ``gap`` font sizes."""
    row = sorted(row, key=lambda g: g.x0)
    out: list[list[Glyph]] = [[row[0]]]
    for g in row[1:]:
        prev = out[-1][-1]
        right = max(p.x1 for p in out[-1][-4:])
        size = max(min(prev.size, g.size), 1.0)
        # a word space the PDF prints stretched (justified text) is not a gutter
        if g.x0 - right > gap * size and not (g.space and g.x0 - right < 3.5 * size):
            out.append([g])
        else:
            out[-1].append(g)
    return out


def _host(piece: Line, lines: list[Line], bases: list[float],
          attached: set[int]) -> tuple[int, int] | None:
    """(index of the line ``piece`` is a script of, +1 sup / -1 sub), or None.

    ``lines`` are sorted by baseline (``bases``); a script is at most 0.75 of its line's
    size (16 pt at most) away from that line's baseline.
    """
    best: tuple[float, float, int, int] | None = None
    lo = bisect.bisect_left(bases, piece.base - 12.5)
    hi = bisect.bisect_right(bases, piece.base + 12.5)
    for k in range(lo, hi):
        host = lines[k]
        if host is piece or k in attached or host.size < piece.size * 1.12:
            continue
        d = host.base - piece.base
        if 0.12 * host.size <= d <= 0.75 * host.size:
            kind = 1
        elif -0.5 * host.size <= d <= -0.06 * host.size:
            kind = -1
        else:
            continue
        reach = 0.8 * host.size
        if piece.x0 > host.x1 + reach or piece.x1 < host.x0 - reach:
            continue
        dx = max(0.0, piece.x0 - host.x1, host.x0 - piece.x1)
        key = (dx, abs(d), k, kind)
        if best is None or key < best:
            best = key
    return (best[2], best[3]) if best else None


def page_lines(page: Page) -> list[Line]:
    """The lines of a page, scripts attached (see the module docstring, steps 1 and 2)."""
    lines = [_make_line(page.number, piece) for row in _rows(page.glyphs)
             for piece in _pieces(row)]
    lines.sort(key=lambda ln: (ln.base, ln.x0))
    bases = [ln.base for ln in lines]
    merged: dict[int, list[tuple[Line, int]]] = {}
    attached: set[int] = set()
    for i in sorted(range(len(lines)), key=lambda k: (lines[k].size, k)):
        piece = lines[i]
        if i in merged or len(piece.glyphs) > 40 or len(piece.glyphs) > 12 and not all(
                g.text.isdigit() or g.text in ",;–-−[]()" for g in piece.glyphs):
            continue  # a script is a mark, a list of references or an exponent, not words
        found = _host(piece, lines, bases, attached)
        if found is None:
            continue
        attached.add(i)
        merged.setdefault(found[0], []).append((piece, found[1]))
    out = []
    for i, line in enumerate(lines):
        if i in attached:
            continue
        if i in merged:
            glyphs, scripts = list(line.glyphs), list(line.scripts)
            for piece, kind in merged[i]:
                glyphs += piece.glyphs
                scripts += [kind] * len(piece.glyphs)
            line = _make_line(page.number, glyphs, scripts)
        out.append(line)
    out.sort(key=lambda ln: (round(ln.base, 1), ln.x0))
    return _rejoin(page.number, out)


def _rejoin(page: int, lines: list[Line]) -> list[Line]:
    """Pieces of one baseline joined again where a script now fills the gap between them."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (prev is not None and abs(prev.base - line.base) < 0.3 and prev.size == line.size
                and (any(prev.scripts) or any(line.scripts))
                and -0.5 <= line.x0 - prev.x1 <= PIECE_GAP * line.size):
            out[-1] = _make_line(page, prev.glyphs + line.glyphs, prev.scripts + line.scripts)
        else:
            out.append(line)
    return out


# ------------------------------------------------------------------ running heads and feet


def _furniture_key(line: Line) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.text.strip().lower()))


def _edge_groups(lines: list[Line], height: float) -> set[int]:
    """Lines at the page's top and bottom edges set apart from the rest by a gap."""
    ordered = sorted(lines, key=lambda ln: ln.base)
    out: set[int] = set()
    for seq, inside in ((ordered, lambda ln: ln.base < 0.12 * height),
                        (ordered[::-1], lambda ln: ln.top > 0.88 * height)):
        group: list[Line] = []
        for ln in seq:
            if not inside(ln):
                break
            if group and abs(ln.base - group[-1].base) > 1.7 * max(ln.size, group[-1].size):
                break
            group.append(ln)
        rest = seq[len(group):]
        if group and (not rest or abs(rest[0].base - group[-1].base) >
                      1.7 * max(rest[0].size, group[-1].size)):
            out |= {id(ln) for ln in group}
    return out


def drop_furniture(pages: list[Page], lines: list[list[Line]]) -> list[list[Line]]:
    """The lines without running heads, running feet and page numbers (step 3)."""
    edges = [_edge_groups(ls, page.height) for page, ls in zip(pages, lines, strict=True)]
    seen: Counter[str] = Counter()
    for page_lines_, edge in zip(lines, edges, strict=True):
        seen.update({_furniture_key(ln) for ln in page_lines_ if id(ln) in edge})
    out = []
    for page_lines_, edge in zip(lines, edges, strict=True):
        out.append([ln for ln in page_lines_ if id(ln) not in edge or not (
            _PAGE_NUMBER.match(ln.text.strip()) or (len(pages) > 1 and
                                                     seen[_furniture_key(ln)] >= 2))])
    return out


# ------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Columns:
    """The columns of a page: the x where each starts and where its text ends."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    left: float
    right: float

    def of(self, x0: float, x1: float) -> int:
        """The column an item from ``x0`` to ``x1`` lies in, -1 when it spans columns."""
        inside = [k for k, (a, b) in enumerate(zip(self.starts, self.ends, strict=True))
                  if x0 < b - 2 and x1 > a + 2]
        if len(inside) == 1:
            return inside[0]
        if not inside:
            return min(range(len(self.starts)), key=lambda k: abs(self.starts[k] - x0))
        # crossing a gutter by a hair (a justified line's last glyph) is not spanning
        crossed = [k for k in inside if min(x1, self.ends[k]) - max(x0, self.starts[k])
                   > 0.08 * (self.ends[k] - self.starts[k])]
        return crossed[0] if len(crossed) == 1 else -1


def find_columns(lines: list[Line]) -> Columns:
    """Where the page's columns start and end (step 4)."""
    if not lines:
        return Columns((0.0,), (1e9,), 0.0, 1e9)
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    width = max(right - left, 1.0)
    narrow = [ln for ln in lines if ln.x1 - ln.x0 < 0.6 * width and len(ln.glyphs) >= 8]
    bins = Counter(round(ln.x0 / 3) for ln in narrow)
    need = max(4, int(0.08 * len(narrow)))
    peaks = sorted(b * 3.0 for b, n in bins.items() if n + bins[b - 1] + bins[b + 1] >= need)
    starts: list[float] = []
    for x in peaks:  # nearby peaks are one column (its indented first lines)
        if not starts or x - starts[-1] > 0.2 * width:
            starts.append(x)
    starts = [s for s in starts if any(abs(ln.x0 - s) < 4 for ln in narrow)]
    if len(starts) < 2:
        return Columns((left,), (right,), left, right)
    starts[0] = min(starts[0], left)
    ends = []
    for k, s in enumerate(starts):
        nxt = starts[k + 1] if k + 1 < len(starts) else right + 1
        mine = sorted(ln.x1 for ln in narrow if s - 4 <= ln.x0 < nxt - 4 and ln.x1 < nxt)
        end = mine[int(0.9 * (len(mine) - 1))] if mine else nxt - 4
        ends.append(min(max(end, s + 10), nxt - 1) if k + 1 < len(starts) else right)
    return Columns(tuple(starts), tuple(ends), left, right)


@dataclass
class Region:
    """A table or figure on a page: its box, and what it is (read by its own module)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    kind: str  # "table" | "figure"
    payload: object = None
    col: int = 0


def dominant_columns(found: list[Columns], lines: list[list[Line]]) -> list[Columns]:
    """Each page's columns, a page with too few lines to show its columns given the
    layout most pages show (when its lines fit in those columns)."""
    multi = [c for c in found if len(c.starts) > 1]
    if not multi:
        return found
    key = Counter(tuple(round(x / 6) for x in c.starts) for c in multi).most_common(1)[0][0]
    layout = next(c for c in multi if tuple(round(x / 6) for x in c.starts) == key)
    out = []
    for cols, page_lines_ in zip(found, lines, strict=True):
        if len(cols.starts) == 1 and page_lines_:
            spanning = sum(layout.of(ln.x0, ln.x1) < 0 for ln in page_lines_)
            if spanning <= 0.2 * len(page_lines_):
                cols = layout
        out.append(cols)
    return out


def reading_order(lines: list[Line], regions: list[Region],
                  cols: Columns | None = None) -> list[Line | Region]:
    """The page's lines and regions in reading order (step 5); columns recorded on lines."""
    cols = cols or find_columns(lines)
    items: list[Line | Region] = [*lines, *regions]
    for item in items:
        item.col = cols.of(item.x0, item.x1)
        if isinstance(item, Line):
            if item.col >= 0:
                item.col_x0, item.col_x1 = cols.starts[item.col], cols.ends[item.col]
            else:
                item.col_x0, item.col_x1 = cols.left, cols.right
    spanning = sorted((it for it in items if it.col < 0), key=lambda it: it.top)
    others = sorted((it for it in items if it.col >= 0), key=lambda it: (it.top, it.x0))
    out: list[Line | Region] = []
    pending = others
    for span in spanning:
        band = [it for it in pending if it.top < span.top - 0.5]
        pending = [it for it in pending if it.top >= span.top - 0.5]
        out.extend(sorted(band, key=lambda it: (it.col, it.top, it.x0)))
        out.append(span)
    out.extend(sorted(pending, key=lambda it: (it.col, it.top, it.x0)))
    return out
