"""Plain text and Markdown into a :class:`.document.Document`, and a Document as a Layout.

:func:`document_from_text` reads the plain form of :mod:`.reader` (the text, Markdown and
PDF readers' output) with :mod:`.layout`'s rules and keeps its offsets: ``Document.text`` is
the text itself. Its tables have no spans (the plain form has none); their header, stub and
group rows are read by :mod:`.tables` from the cells.

:func:`layout_of` goes the other way for the structured readers (JATS, HTML): the
:class:`.layout.Layout` the audit's place finder (:func:`.layout.place_spans`) reads, with
the document's own headings (the Abstract's structured parts left out, so ``Abstract``
names the whole Abstract), tables, footnotes, figure captions and boxed panels.
"""

from __future__ import annotations

import re
from dataclasses import replace

from trialrecon.dossier.draft.document import Block, Cell, Document, Figure, Footnote, Section
from trialrecon.dossier.draft.layout import Footnote as LayoutFootnote
from trialrecon.dossier.draft.layout import Heading, Layout, Legend, Line, Row, parse_layout
from trialrecon.dossier.draft.layout import Panel as LayoutPanel
from trialrecon.dossier.draft.layout import Table as LayoutTable
from trialrecon.dossier.draft.tables import read_grid

_MARK = re.compile(r"\^\{?([a-z*†‡§])\}?\s*$")


def document_from_text(text: str, source: str = "", kind: str = "text") -> Document:
    """The document of a plain text (offsets are the text's own)."""
    layout = parse_layout(text)
    sections: list[Section] = []
    stack: list[int] = []
    abstract_level = 0
    for h in layout.headings:
        while stack and sections[stack[-1]].level >= h.level:
            stack.pop()
        if abstract_level and h.level <= abstract_level:
            abstract_level = 0
        if h.title.strip().lower().rstrip(":") in ("abstract", "summary"):
            abstract_level = h.level
        parent = stack[-1] if stack else -1
        title_start = h.start + layout.text[h.start:h.end].find(h.title)
        sections.append(Section(h.title, h.level, parent, title_start,
                                title_start + len(h.title), "abstract" if abstract_level
                                else "body"))
        stack.append(len(sections) - 1)
    doc_sections = tuple(sections)
    tables = tuple(_table(t, text) for t in layout.tables)
    figures = tuple(Figure(f"Figure {g.number}", text[g.start:g.end], g.start, g.end,
                           text[g.start:g.end]) for g in layout.legends)
    blocks = tuple(_blocks(layout, doc_sections))
    title = doc_sections[0].heading if doc_sections else ""
    return Document(source, kind, title, text, doc_sections, blocks, tables, figures)


def _blocks(layout: Layout, sections: tuple[Section, ...]) -> list[Block]:
    heads = {h.start for h in layout.headings}
    rows = {r.start for t in layout.tables for r in t.rows}
    out: list[Block] = []
    for line in layout.lines:
        if not line.text.strip() or line.start in heads or line.start in rows \
                or layout.in_island(line.start):
            continue
        sec = max((i for i, s in enumerate(sections) if s.start <= line.start), default=-1)
        out.append(Block("paragraph", line.text, line.start, line.end, sec))
    return out


def _table(t: LayoutTable, full: str) -> object:
    cells: list[Cell] = []
    width = max((len(r.cells) for r in t.rows), default=1)
    grid: list[tuple[int, ...]] = []
    end = t.rows[-1].end if t.rows else t.title_span[1]
    for r, row in enumerate(t.rows):
        line = []
        for c in range(width):
            if c < len(row.cells):
                a, b = row.spans[c]
                raw = full[a:b]
                a0 = a + len(raw) - len(raw.lstrip())
                text = row.cells[c]
                mark = _MARK.search(text)
                cells.append(Cell(text, a0, a0 + len(text), r, c,
                                  marks=(mark.group(1),) if mark else ()))
            else:
                cells.append(Cell("", row.end, row.end, r, c))
            line.append(len(cells) - 1)
        grid.append(tuple(line))
    notes = tuple(Footnote(n.mark, n.text, n.start, n.end) for n in t.footnotes)
    start, stop = t.title_span
    label = re.match(r"\s*(\S+\s+\S+?)[.:]?(?:\s|$)", full[start:stop])
    table = read_grid(label.group(1) if label else f"Table {t.number}", t.title, (start, stop),
                      tuple(cells), tuple(grid), None, notes, end)
    # the plain form has no spans: a header printed once stands over the empty cells
    # right of it (as a person reads "PanNETs (n = 55) | | GI-NETs ...")
    labels = []
    for c in range(table.n_cols):
        path = []
        for r in range(table.header_rows):
            k = c
            while k > table.stub_columns and not table.cell_at(r, k).plain:
                k -= 1
            text = table.cell_at(r, k).plain if k >= table.stub_columns or c < \
                table.stub_columns else ""
            if text and (not path or path[-1] != text):
                path.append(text)
        labels.append(" / ".join(path))
    return replace(table, column_labels=tuple(labels))


def layout_of(doc: Document) -> Layout:
    """The layout the audit reads, made from a structured document."""
    if doc.kind == "text":
        return parse_layout(doc.text)
    lines, pos = [], 0
    for raw in doc.text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    # the Abstract is named "Abstract" whatever its printed heading ("Summary"), as the
    # drafter names it, and its structured parts are inside it, not places of their own
    headings = tuple(Heading("Abstract" if s.kind == "abstract" else s.heading, s.level, True,
                             s.start, s.end) for s in doc.sections
                     if not (s.kind == "abstract" and s.level > 1))
    tables = []
    for t in doc.tables:
        rows = []
        for r in range(t.n_rows):
            cells, spans = [], []
            for c in range(t.n_cols):
                cell = t.cell_at(r, c)
                origin = cell.row == r and cell.col == c
                cells.append(cell.text if origin else "")
                spans.append((cell.start, cell.end) if origin else (cell.end, cell.end))
            a, b = t.row_span(r)
            rows.append(Row(a, b, tuple(cells), tuple(spans)))
        notes = tuple(LayoutFootnote(n.mark, n.start, n.end, n.text) for n in t.footnotes)
        tables.append(LayoutTable(t.number, t.caption, (t.start, t.end), tuple(rows), notes))
    legends = tuple(Legend(f.label.split()[-1], f.start, f.end) for f in doc.figures)
    panels = tuple(LayoutPanel(p.title, p.start, p.end) for p in doc.panels)
    # a panel is set apart like a table: the section it stands in goes on after it
    islands = tuple(sorted([(t.start, t.end) for t in tables]
                           + [(g.start, g.end) for g in legends]
                           + [(p.start, p.end) for p in panels]))
    return Layout(doc.text, tuple(lines), headings, tuple(tables), legends, islands, panels)
