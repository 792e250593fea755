"""The structured document every reader builds: sections, paragraphs, tables as grids, figures.

A reader (JATS, HTML, text, PDF) turns a paper into one :class:`Document`. Everything in it
stands somewhere in ``Document.text``, a plain rendering of the paper (one block per
paragraph, heading, table row or footnote, separated by blank lines; table cells by tabs;
citation and footnote marks written ``^{...}``, which :mod:`.normalise` reads as a space).
Every element keeps its ``start``/``end`` offsets in that text, so a drafted number has an
offset, an anchor is searched for with a plain substring search, and the audit shows where
it found something.

Invariants (:func:`check_document` tests them; every reader's output must pass):

- ``document.text[x.start:x.end] == x.text`` for every section heading, block, table
  caption, cell, footnote and figure caption;
- a table's ``grid`` is rectangular (``n_rows`` rows of ``n_cols`` slots), every slot holds
  the index of the cell covering it, and cell ``k`` covers exactly the slots
  ``row..row+rowspan-1`` x ``col..col+colspan-1``;
- a :class:`Panel` (a boxed text with a title) spans its title and blocks;
- ``header_rows`` leading grid rows are the column header; ``stub_columns`` (0, 1 or 2)
  leading columns are the stub; ``group_rows`` are body rows that only carry a heading
  for the rows below them (a full-width "Site" or a stub cell alone on its row);
- ``column_labels[c]`` is the header path above column ``c`` as printed (the distinct
  non-empty header cells from top to bottom joined with `` / ``: ``Gefitinib (n = 75) /
  Grade ≥3``); ``row_labels[r]`` is the stub path of body row ``r`` (its group heading,
  then its stub cells, joined with `` / ``: ``Sex / Male``); both are "" where nothing is
  printed;
- marks are kept out of labels and of ``Cell.plain``; they are listed in ``Cell.marks``
  and resolved to the table's :class:`Footnote` by their mark.

Part of the input layer: imports nothing from ``trialrecon`` (the model is plain data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# how a mark is written in Document.text (and ^a, the plain form of older text conversions)
MARK_RENDER = re.compile(r"\^\{([^}\n]*)\}|\^([a-z*†‡§])(?![a-z])")


# what may follow a mark without a space between: punctuation ("Age^{*}, years") or a space
_CLOSING = re.compile(r"[\s,.;:!?)\]}]|$")


def _mark_gap(m: re.Match[str]) -> str:
    """A removed mark leaves a space only where it stood between two words."""
    return "" if _CLOSING.match(m.string, m.end()) else " "


def strip_marks(text: str) -> str:
    """``text`` with its rendered marks (``^{a}``, ``^{12,13}``) removed, spaces collapsed.

    ``Age^{*}, years`` reads ``Age, years``: a mark before punctuation leaves no space.
    """
    return re.sub(r"\s+", " ", MARK_RENDER.sub(_mark_gap, text)).strip()


@dataclass(frozen=True)
class Mark:
    """A citation or footnote mark printed in a block or cell (absolute offsets)."""

    kind: str  # "citation" (a reference to another paper) | "footnote" (a table-fn or fn)
    label: str  # "12,13" | "a" | "*"
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """A heading and the part of the paper it opens."""

    heading: str  # as printed
    level: int  # 1 = top (Abstract, Introduction, Methods, ...), 2 = its subsection, ...
    parent: int  # index in Document.sections, -1 for a top section
    start: int  # the heading's span in Document.text
    end: int
    kind: str = "body"  # "abstract" (the Abstract and its subsections) | "body" | "back"

    @property
    def text(self) -> str:
        return self.heading


@dataclass(frozen=True)
class Block:
    """A paragraph-like run of text: a paragraph, a list item, a boxed text, a caption."""

    kind: str  # "paragraph" | "list_item" | "boxed" | "supplementary" | "title" | "other"
    text: str  # the rendering (marks as ^{...})
    start: int
    end: int
    section: int  # index in Document.sections, -1 in the front matter
    marks: tuple[Mark, ...] = ()

    @property
    def plain(self) -> str:
        return strip_marks(self.text)

    @property
    def cites(self) -> bool:
        """The block cites another paper (a citation mark stands in it)."""
        return any(m.kind == "citation" for m in self.marks)


@dataclass(frozen=True)
class Cell:
    """One printed table cell, at its top-left grid slot, with its spans."""

    text: str  # the rendering (marks as ^{...})
    start: int
    end: int
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # a th, or in thead
    marks: tuple[str, ...] = ()  # footnote marks printed on the cell ("a", "*")
    indent: int = 0  # how far the printed label is indented (0: flush left)

    @property
    def plain(self) -> str:
        return strip_marks(self.text)


@dataclass(frozen=True)
class Footnote:
    """A note under a table: its mark ("" for an unmarked note) and text."""

    mark: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table as a grid of cells with its header, stub, group rows and footnotes."""

    label: str  # "Table 2", "Table II" (as printed; "Table N" by order when none is)
    caption: str  # the title as printed ("" when none)
    start: int  # the caption line's span ("Table 2. Response ...")
    end: int
    cells: tuple[Cell, ...]
    grid: tuple[tuple[int, ...], ...]  # grid[r][c] = index of the cell covering the slot
    header_rows: int
    stub_columns: int
    group_rows: tuple[int, ...]
    column_labels: tuple[str, ...]  # per column
    row_labels: tuple[str, ...]  # per grid row (body rows; "" for header and group rows)
    row_groups: tuple[str, ...]  # per grid row: its group heading ("" when none)
    footnotes: tuple[Footnote, ...] = ()
    body_end: int = 0  # end of the last row in Document.text

    @property
    def text(self) -> str:
        return self.caption_line

    @property
    def caption_line(self) -> str:
        return f"{self.label}. {self.caption}" if self.caption else self.label

    @property
    def number(self) -> str:
        """``2`` of ``Table 2`` (the label's last word)."""
        return self.label.split()[-1] if self.label.split() else ""

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return len(self.grid[0]) if self.grid else 0

    def cell_at(self, row: int, col: int) -> Cell:
        return self.cells[self.grid[row][col]]

    def is_origin(self, row: int, col: int) -> bool:
        """The slot is where its cell starts (not a slot a span covers)."""
        cell = self.cell_at(row, col)
        return cell.row == row and cell.col == col

    def body_rows(self) -> list[int]:
        groups = set(self.group_rows)
        return [r for r in range(self.header_rows, self.n_rows) if r not in groups]

    def footnote(self, mark: str) -> Footnote | None:
        return next((f for f in self.footnotes if f.mark == mark), None)

    def row_span(self, row: int) -> tuple[int, int]:
        """The span in Document.text of grid row ``row`` (its line)."""
        spans = [(c.start, c.end) for c in (self.cell_at(row, k) for k in range(self.n_cols))
                 if c.row == row]
        if not spans:
            return (0, 0)
        return min(a for a, _ in spans), max(b for _, b in spans)


@dataclass(frozen=True)
class Figure:
    label: str  # "Figure 2"
    caption: str  # the caption as printed (title and legend)
    start: int  # the span of "Figure 2. caption" in Document.text
    end: int
    text: str = ""


@dataclass(frozen=True)
class Panel:
    """A boxed text set apart from the running text ("Research in context", "Key points").

    ``start``/``end`` span the whole panel in ``Document.text``, its title first; the
    section it stands in goes on after it (the panel is not part of that section's text).
    """

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One paper as a reader read it."""

    source: str  # the file name
    kind: str  # "jats" | "html" | "text" | "pdf"
    title: str
    text: str
    sections: tuple[Section, ...]
    blocks: tuple[Block, ...]
    tables: tuple[Table, ...]
    figures: tuple[Figure, ...]
    meta: tuple[tuple[str, str], ...] = field(default=())  # ("doi", ...), ("pmcid", ...)
    panels: tuple[Panel, ...] = field(default=())  # boxed texts with a title

    def section_path(self, index: int) -> tuple[Section, ...]:
        """The sections enclosing section ``index``, outermost first."""
        path: list[Section] = []
        while 0 <= index < len(self.sections):
            path.insert(0, self.sections[index])
            index = self.sections[index].parent
        return tuple(path)

    def section_at(self, offset: int) -> int:
        """The index of the section whose part of the text holds ``offset`` (-1: front)."""
        found = -1
        for i, s in enumerate(self.sections):
            if s.start > offset:
                break
            found = i
        return found


# ------------------------------------------------------------------------------ building


class Builder:
    """Writes ``Document.text`` block by block and records each element's span.

    Readers call the methods in reading order; :meth:`build` returns the frozen document.
    Inline content is given as *segments*: ``(text, kind, label)`` with kind ``""`` for
    printed text, ``"citation"`` or ``"footnote"`` for a mark (rendered ``^{label}``).
    """

    def __init__(self, source: str, kind: str) -> None:
        self.source, self.kind = source, kind
        self.parts: list[str] = []
        self.pos = 0
        self.title = ""
        self.sections: list[Section] = []
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.figures: list[Figure] = []
        self.stack: list[int] = []  # open sections
        self.meta: list[tuple[str, str]] = []
        self.panels: list[Panel] = []
        self._open_panels: list[tuple[str, int, int]] = []  # title, start, open sections

    # low level
    def _write(self, text: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def _gap(self) -> None:
        if self.pos:
            self._write("\n\n")

    def render(self, segments: list[tuple[str, str, str]]) -> tuple[str, list[tuple[str, str,
                                                                                    int, int]]]:
        """Segments as one line of text, and the (kind, label, start, end) of its marks."""
        out, marks, n = [], [], 0
        for text, kind, label in segments:
            if kind:
                piece = "^{" + label.replace("}", ")").replace("\n", " ") + "}"
                marks.append((kind, label, n, n + len(piece)))
            else:
                piece = text.replace("\n", " ").replace("\t", " ")
            out.append(piece)
            n += len(piece)
        line = "".join(out)
        # collapse runs of spaces without moving the marks' offsets wrongly: redo offsets
        return _collapse(line, marks)

    # elements
    def set_title(self, segments: list[tuple[str, str, str]]) -> None:
        line, _ = self.render(segments)
        if not line:
            return
        self.title = strip_marks(line)
        self._gap()
        self._write("# ")
        start, end = self._write(line)
        self.blocks.append(Block("title", line, start, end, -1))

    def open_section(self, heading: str, level: int, kind: str = "body") -> int:
        heading = re.sub(r"\s+", " ", heading).strip()
        while self.stack and self.sections[self.stack[-1]].level >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else -1
        self._gap()
        self._write("#" * min(level + 1, 6) + " ")
        start, end = self._write(heading)
        self.sections.append(Section(heading, level, parent, start, end, kind))
        self.stack.append(len(self.sections) - 1)
        return len(self.sections) - 1

    def close_to(self, level: int) -> None:
        """Close the open sections of ``level`` or deeper (back to the enclosing one)."""
        while self.stack and self.sections[self.stack[-1]].level >= level:
            self.stack.pop()

    @property
    def current(self) -> int:
        return self.stack[-1] if self.stack else -1

    def block(self, segments: list[tuple[str, str, str]], kind: str = "paragraph") -> None:
        line, marks = self.render(segments)
        if not line.strip():
            return
        self._gap()
        start, end = self._write(line)
        self.blocks.append(Block(kind, line, start, end, self.current,
                                 tuple(Mark(k, lab, start + a, start + b)
                                       for k, lab, a, b in marks)))

    def open_panel(self, title: list[tuple[str, str, str]]) -> None:
        """A boxed text starts: its title (a ``boxed`` block); its blocks follow.

        Call :meth:`close_panel` after its last block: the sections opened inside the
        panel close with it, and the section it stands in goes on. A panel without a title
        is written as its blocks only (nothing can name it as a place).
        """
        before = len(self.blocks)
        self.block(title, "boxed")
        if len(self.blocks) > before:
            block = self.blocks[-1]
            self._open_panels.append((block.plain, block.start, len(self.stack)))
        else:
            self._open_panels.append(("", -1, len(self.stack)))

    def close_panel(self) -> None:
        if not self._open_panels:
            return
        title, start, depth = self._open_panels.pop()
        del self.stack[depth:]
        if title and start >= 0:
            self.panels.append(Panel(title, start, self.pos))

    def figure(self, label: str, segments: list[tuple[str, str, str]]) -> None:
        caption, _ = self.render(segments)
        line = f"{label}. {caption}" if caption else label
        self._gap()
        start, end = self._write(line)
        self.figures.append(Figure(label, caption, start, end, line))

    def table(self, label: str, caption: list[tuple[str, str, str]],
              rows: list[list[RawCell]], notes: list[tuple[str, list[tuple[str, str, str]]]],
              header_rows: int | None = None) -> None:
        """A table from its raw rows (cells with spans); ``header_rows`` if the source says.

        ``None`` lets :func:`trialrecon.dossier.draft.tables.shape` find the header from
        the cells (leading rows of header cells, or of label-like cells).
        """
        from trialrecon.dossier.draft.tables import assemble

        caption_text, _ = self.render(caption)
        line = f"{label}. {caption_text}" if caption_text else label
        self._gap()
        cap_start, cap_end = self._write(line)
        self._write("\n")
        table = assemble(self, label, caption_text, (cap_start, cap_end), rows, notes,
                         header_rows)
        self.tables.append(table)

    def build(self) -> Document:
        text = "".join(self.parts) + ("\n" if self.parts else "")
        return Document(self.source, self.kind, self.title, text, tuple(self.sections),
                        tuple(self.blocks), tuple(self.tables), tuple(self.figures),
                        tuple(self.meta), tuple(sorted(self.panels, key=lambda p: p.start)))


@dataclass(frozen=True)
class RawCell:
    """A cell as a reader finds it, before the grid is laid out."""

    segments: tuple[tuple[str, str, str], ...]
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # th, or a cell of thead
    indent: int = 0  # indentation of the printed text (leading em spaces, a CSS indent)


def _collapse(line: str, marks: list[tuple[str, str, int, int]]) -> tuple[str, list[tuple[
        str, str, int, int]]]:
    """Spaces collapsed and trimmed, with the marks' offsets moved along."""
    keep: list[int] = []  # old offset of each kept character
    out: list[str] = []
    prev_space = True
    for i, ch in enumerate(line):
        if ch == " ":
            if prev_space:
                continue
            prev_space = True
        else:
            prev_space = False
        out.append(ch)
        keep.append(i)
    while out and out[-1] == " ":
        out.pop()
        keep.pop()
    new_of = {old: new for new, old in enumerate(keep)}
    moved = []
    for kind, label, a, b in marks:
        na = next((new_of[i] for i in range(a, b) if i in new_of), None)
        if na is not None:
            moved.append((kind, label, na, na + (b - a)))
    return "".join(out), moved


# ------------------------------------------------------------------------------ checking


def check_document(doc: Document) -> list[str]:
    """Every invariant of the model that ``doc`` breaks (empty when it keeps them all)."""
    problems = []

    def span(what: str, text: str, start: int, end: int) -> None:
        if doc.text[start:end] != text:
            problems.append(f"{what}: text[{start}:{end}] is {doc.text[start:end]!r}, "
                            f"not {text!r}")

    for s in doc.sections:
        span(f"section {s.heading!r}", s.heading, s.start, s.end)
    for b in doc.blocks:
        span(f"{b.kind} block", b.text, b.start, b.end)
    for f in doc.figures:
        span(f.label, f.text, f.start, f.end)
    titles = {(b.start, b.plain) for b in doc.blocks if b.kind == "boxed"}
    for p in doc.panels:
        if (p.start, p.title) not in titles or not p.start < p.end <= len(doc.text):
            problems.append(f"panel {p.title!r}: text[{p.start}:{p.end}] does not start "
                            "with its title block")
    for t in doc.tables:
        if doc.kind == "text":  # the printed line: "TABLE 2. Title", "Table 2: Title"
            if not doc.text[t.start:t.end].lower().startswith(t.label.lower()):
                problems.append(f"{t.label}: the caption line does not start with the label")
        else:
            span(f"{t.label} caption", t.caption_line, t.start, t.end)
        problems += [f"{t.label}: {p}" for p in check_grid(t)]
        for c in t.cells:
            span(f"{t.label} cell ({c.row},{c.col})", c.text, c.start, c.end)
        for n in t.footnotes:
            span(f"{t.label} footnote {n.mark!r}", n.text, n.start, n.end)
    return problems


def check_grid(t: Table) -> list[str]:
    """The grid invariants ``t`` breaks."""
    out = []
    if any(len(r) != t.n_cols for r in t.grid):
        out.append("the grid is not rectangular")
        return out
    for k, c in enumerate(t.cells):
        for r in range(c.row, c.row + c.rowspan):
            for col in range(c.col, c.col + c.colspan):
                if r >= t.n_rows or col >= t.n_cols or t.grid[r][col] != k:
                    out.append(f"cell {k} does not cover slot ({r},{col})")
    covered = sum(c.rowspan * c.colspan for c in t.cells)
    if covered != t.n_rows * t.n_cols:
        out.append(f"cells cover {covered} slots of {t.n_rows * t.n_cols}")
    if not 0 <= t.header_rows <= t.n_rows or t.stub_columns not in (0, 1, 2):
        out.append("header rows or stub columns out of range")
    if len(t.column_labels) != t.n_cols or len(t.row_labels) != t.n_rows \
            or len(t.row_groups) != t.n_rows:
        out.append("labels do not match the grid")
    return out
