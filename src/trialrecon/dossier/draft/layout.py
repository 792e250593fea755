"""The layout of a source text: headings, tables, figure legends and the places they span.

Works on the plain text every reader produces (:mod:`.reader`): one line per paragraph,
heading or table row, table cells separated by tabs, Markdown headings kept with their
``#``. The rules are those a person uses on a paper converted to text:

- a **table** starts at a line ``Table N`` / ``TABLE N.`` followed by rows with tabs; its
  footnotes are the paragraphs right after the rows that start with a mark (``^a``), with
  ``Abbreviations``, ``NOTE``, ``Adapted from`` or read as an abbreviation list;
- a **figure legend** is a paragraph starting ``FIG N`` or ``Figure N``;
- a **heading** is a short line standing alone (blank lines around it), without a final
  period; Markdown ``#`` gives its level, otherwise an all-capitals heading of several
  words or a standard section name (Abstract, Methods, Results, ...) is level 1 and any
  other is level 2.

Tables and legends are islands: the text after them continues the section they interrupt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# Section names that stand alone as level-1 headings even in one word.
TOP_SECTIONS = frozenset({
    "abstract", "summary", "background", "introduction", "methods", "patients and methods",
    "materials and methods", "results", "discussion", "conclusion", "conclusions",
    "references", "acknowledgment", "acknowledgments", "acknowledgement", "acknowledgements",
    "affiliations", "support", "funding", "context", "disclosures",
})  # fmt: skip
_TABLE_TITLE = re.compile(r"^\s*(?:TABLE|Table)\s+(\d+[A-Z]?)\b[.:]?\s*(.*)$")
_FIGURE = re.compile(r"^\s*(?:FIGURE|Figure|FIG\.?|Fig\.?)\s+(\d+[A-Z]?)\b[.:]?")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FOOTNOTE = re.compile(r"^\s*(?:\^\{?([a-z*†‡§]{1,2})\}?|([ᵃᵇᶜᵈᵉᶠ]))\s*\S")
_TABLE_NOTE = re.compile(r"^\s*(Abbreviations?\b|NOTE\b|Note\b|Adapted from|Data are|Source:)")
_ABBREVIATIONS = re.compile(r"^\s*[^\s,;]{1,25}, [^;]{2,90};")
_FINAL_PUNCT = (".", ",", ";", "?", "!")
MAX_HEADING_WORDS = 12


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Heading:
    title: str
    level: int
    explicit: bool  # the level was written (Markdown), not guessed
    start: int
    end: int


@dataclass(frozen=True)
class Row:
    """A table row: its cells (tab-separated in the text) and their spans."""

    start: int
    end: int
    cells: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Footnote:
    mark: str  # "" for notes without a mark (abbreviations, sources)
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Table:
    number: str
    title: str
    title_span: tuple[int, int]
    rows: tuple[Row, ...]
    footnotes: tuple[Footnote, ...]

    @property
    def name(self) -> str:
        return f"Table {self.number}"

    @property
    def start(self) -> int:
        return self.title_span[0]

    @property
    def body_end(self) -> int:
        return self.rows[-1].end if self.rows else self.title_span[1]

    @property
    def end(self) -> int:
        return self.footnotes[-1].end if self.footnotes else self.body_end


@dataclass(frozen=True)
class Legend:
    number: str
    start: int
    end: int


@dataclass(frozen=True)
class Panel:
    """A boxed text with a title, set apart from the section it stands in."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Layout:
    """Where the headings, tables, legends and panels of one text are."""

    text: str
    lines: tuple[Line, ...]
    headings: tuple[Heading, ...]
    tables: tuple[Table, ...]
    legends: tuple[Legend, ...]
    islands: tuple[tuple[int, int], ...] = field(default=())  # tables, legends, panels
    panels: tuple[Panel, ...] = field(default=())

    def in_island(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.islands)

    def in_float(self, offset: int) -> bool:
        """``offset`` is in a table or a figure legend (a panel holds running text)."""
        return self.table_at(offset) is not None or self.legend_at(offset) is not None

    def panel_at(self, offset: int) -> Panel | None:
        """The innermost panel holding ``offset``."""
        inside = [p for p in self.panels if p.start <= offset < p.end]
        return min(inside, key=lambda p: p.end - p.start) if inside else None

    def table_at(self, offset: int) -> Table | None:
        return next((t for t in self.tables if t.start <= offset < t.end), None)

    def legend_at(self, offset: int) -> Legend | None:
        return next((g for g in self.legends if g.start <= offset < g.end), None)

    def heading_path(self, offset: int) -> tuple[Heading, ...]:
        """The headings enclosing ``offset``, outermost first (levels as detected)."""
        path: list[Heading] = []
        for h in self.headings:
            if h.start > offset:
                break
            while path and path[-1].level >= h.level:
                path.pop()
            path.append(h)
        return tuple(path)


def _lines(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _blank(line: Line | None) -> bool:
    return line is None or not line.text.strip()


def _is_heading_text(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > 120 or "\t" in text:
        return False
    if text.rstrip().endswith(_FINAL_PUNCT) or not re.search(r"[A-Za-z]{2}", text):
        return False
    if text.count(",") >= 2:
        return False  # a list (affiliations, disclosures, a place), not a title
    head, colon, tail = text.partition(":")
    if colon and tail.strip() and not re.search(r"[a-z]", tail):
        return False  # "Label: value" (an identifier, a date)
    first = text.lstrip()[0]
    if first.isascii() and first.isdigit():
        return bool(re.match(r"^\s*\d+(\.\d+)*\.?\s+[A-Z]", text))  # "2.1 Patients"
    return first.isupper() or text.strip().lower() in TOP_SECTIONS


def _level(text: str) -> int:
    plain = text.strip().lower().rstrip(":")
    letters = [c for c in text if c.isalpha()]
    caps = letters and all(c.isupper() for c in letters)
    return 1 if plain in TOP_SECTIONS or (caps and len(text.split()) >= 2) else 2


def _row(line: Line) -> Row:
    cells, spans, pos = [], [], line.start
    for cell in line.text.split("\t"):
        cells.append(cell.strip())
        spans.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return Row(line.start, line.end, tuple(cells), tuple(spans))


def _footnote(line: Line) -> Footnote | None:
    m = _FOOTNOTE.match(line.text)
    if m:
        return Footnote(m.group(1) or chr(ord("a") + "ᵃᵇᶜᵈᵉᶠ".index(m.group(2))),
                        line.start, line.end, line.text)
    if _TABLE_NOTE.match(line.text) or _ABBREVIATIONS.match(line.text):
        return Footnote("", line.start, line.end, line.text)
    return None


def _table(lines: list[Line], i: int) -> tuple[Table, int]:
    """The table whose title is lines[i]; the index of the first line after it."""
    m = _TABLE_TITLE.match(lines[i].text)
    assert m is not None
    title_line = lines[i]
    j, rows = i + 1, []
    while j < len(lines) and (not lines[j].text.strip() or "\t" in lines[j].text):
        if "\t" in lines[j].text:
            rows.append(_row(lines[j]))
        elif rows and not any("\t" in ln.text for ln in lines[j + 1:j + 2]):
            break
        j += 1
    notes = []
    while j < len(lines):
        if not lines[j].text.strip():
            j += 1
            continue
        note = _footnote(lines[j]) if rows else None
        if note is None:
            break
        notes.append(note)
        j += 1
    table = Table(m.group(1), m.group(2).strip(), (title_line.start, title_line.end),
                  tuple(rows), tuple(notes))
    return table, j


def parse_layout(text: str) -> Layout:
    """The headings, tables and figure legends of ``text``."""
    lines = _lines(text)
    headings: list[Heading] = []
    tables: list[Table] = []
    legends: list[Legend] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _TABLE_TITLE.match(line.text) and any(
                "\t" in ln.text for ln in lines[i + 1:i + 4]):
            table, i = _table(lines, i)
            tables.append(table)
            continue
        fig = _FIGURE.match(line.text)
        if fig:
            legends.append(Legend(fig.group(1), line.start, line.end))
        else:
            md = _MD_HEADING.match(line.text)
            if md:
                headings.append(Heading(md.group(2), len(md.group(1)), True,
                                        line.start, line.end))
            elif ((line.text.strip().lower().rstrip(":") in TOP_SECTIONS)
                  or (_blank(lines[i - 1] if i else None)
                      and _blank(lines[i + 1] if i + 1 < len(lines) else None)
                      and _is_heading_text(line.text))):
                headings.append(Heading(line.text.strip(), _level(line.text), False,
                                        line.start, line.end))
        i += 1
    islands = tuple(sorted([(t.start, t.end) for t in tables]
                           + [(g.start, g.end) for g in legends]))
    return Layout(text, tuple(lines), tuple(headings), tuple(tables), tuple(legends), islands)


# ------------------------------------------------------------ places named by a location

_TABLE_PLACE = re.compile(r"^table\s+(\w+)(?:\s+(title|footnotes?)\s*(\S*))?$")
_FIGURE_PLACE = re.compile(r"^(?:figure|fig\.?)\s+(\w+)(?:\s+legend)?$")
FRONT_MATTER = frozenset({"title", "header", "record header", "front matter", "title page"})


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """A heading or location compared as a reader would: case, markup and spacing aside."""
    from trialrecon.dossier.draft.normalise import normal

    return normal(text).strip().rstrip(":").strip()


def _marks(layout: Layout, named: set[str]) -> list[Heading]:
    """The headings, plus a standalone line for every named place no heading matches."""
    marks = list(layout.headings)
    found = {_key(h.title) for h in marks}
    for name in named - found:
        marks.extend(Heading(ln.text.strip(), 2, False, ln.start, ln.end)
                     for ln in layout.lines if ln.text.strip() and _key(ln.text) == name
                     and not layout.in_float(ln.start) and not any(
                         p.start == ln.start for p in layout.panels))
    return sorted(marks, key=lambda h: h.start)


def _section_end(layout: Layout, marks: list[Heading], i: int, named: set[str],
                 default: int) -> int:
    """Where the section of ``marks[i]`` ends; inside a panel, at the panel's end at most.

    A heading inside a panel does not end a section outside it (the running text goes on
    after the panel), nor one outside a panel a section inside it.
    """
    own = marks[i]
    box = layout.panel_at(own.start)
    stop = box.end if box is not None else default
    for h in marks[i + 1:]:
        if h.start >= stop:
            break
        if layout.panel_at(h.start) != box:
            continue
        if h.level == 1 or (h.explicit and h.level <= own.level) or _key(h.title) in named:
            return h.start
    return stop


def _minus_islands(layout: Layout, start: int, end: int) -> list[tuple[int, int]]:
    """``start..end`` without the tables, legends and panels inside it (not the panel it is
    in)."""
    spans, pos = [], start
    for a, b in layout.islands:
        if b <= pos or a >= end or a <= start < b:
            continue
        if a > pos:
            spans.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        spans.append((pos, end))
    return spans


_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠ", "0123456789abcdef")


def location_mark(location: str) -> str:
    """The mark of ``Table 2 footnote *`` as written (the normalised key drops ``*``)."""
    m = re.search(r"\bfootnotes?\s+(\S+)\s*$", location.strip(), re.IGNORECASE)
    return m.group(1) if m else ""


def same_mark(printed: str, written: str) -> bool:
    """A note's mark and a location's: the same character, superscript or not, any case."""
    return printed.translate(_SUPERSCRIPT).lower() == written.translate(_SUPERSCRIPT).lower()


def place_spans(layout: Layout, location: str,
                named: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, int]] | None:
    """The spans of the text that ``location`` names, or None when it names nothing there.

    ``location`` is a dossier location: ``Table N`` (its title and rows), ``Table N title``,
    ``Table N footnote x``, ``Figure N legend``, a heading (``Results``; nested as
    ``Eligibility Criteria / Inclusion Criteria``) or the front matter (``Record header``).
    A heading's section ends at the next level-1 heading, at the next heading written with a
    level no deeper than its own, or at the next heading that another location in ``named``
    (keys as :func:`_key` gives them) names; tables and legends inside it are left out.
    """
    key = _key(location)
    named = {n.split(" / ")[-1] for n in named} | {key.split(" / ")[-1]}
    table = _TABLE_PLACE.match(key)
    if table:
        tables = [t for t in layout.tables if t.number.lower() == table.group(1)]
        if not tables:
            return None
        t = tables[0]
        if table.group(2) == "title":
            return [t.title_span]
        if table.group(2):
            mark = location_mark(location)
            spans = [(n.start, n.end) for n in t.footnotes
                     if not mark or same_mark(n.mark, mark)]
            return spans or None
        return [(t.start, t.body_end)]
    figure = _FIGURE_PLACE.match(key)
    if figure:
        spans = [(g.start, g.end) for g in layout.legends if g.number.lower() == figure.group(1)]
        return spans or None
    marks = _marks(layout, {k for k in named if not _TABLE_PLACE.match(k)})
    if key in FRONT_MATTER:
        first = next((h.start for h in marks if h.level == 1 or _key(h.title) in named),
                     len(layout.text))
        return _minus_islands(layout, 0, first)
    parts = [_key(p) for p in location.split(" / ")]
    panels = [p for p in layout.panels if _key(p.title) == parts[-1]]
    if panels:
        return [s for p in panels for s in _minus_islands(layout, p.start, p.end)]
    spans: list[tuple[int, int]] = []
    for i, h in enumerate(marks):
        if _key(h.title) != parts[-1]:
            continue
        if len(parts) > 1 and not any(_key(p.title) == parts[-2] for p in marks[:i]):
            continue
        end = _section_end(layout, marks, i, named, len(layout.text))
        spans.extend(_minus_islands(layout, h.start, end))
    return spans or None
