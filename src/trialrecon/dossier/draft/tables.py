"""Laying out a table: spans resolved into a grid, then its header, stub and group rows.

:func:`assemble` is called by :meth:`.document.Builder.table` with the raw rows a reader
found (cells with ``rowspan``/``colspan``, header flags). It lays the cells out as HTML
does (a cell takes the first free slot of its row; a row span reserves the slots below),
pads short rows so the grid is rectangular, writes the rows into the document's text (one
line per grid row, cells separated by tabs) and then reads the grid as a person does:

- **header rows**: the rows the source marks as header (``thead``, or rows of ``th``
  cells); else the leading rows whose cells right of the stub are labels, not data (a
  label may start with a digit, as ``95% CI`` does, and may be long); a row of ``n = 75``
  cells right below, with nothing in the stub, continues the header;
- **stub columns**: column 0 when its body cells are labels, and column 1 too when its
  body cells are labels as well (a two-column stub: a group in column 0, or an indent
  column left empty, and the item in column 1);
- **group rows**: body rows whose only printed cells are in the stub (a full-width
  "Site", "Grade 3-4 toxicity"): they head the rows below them until the next group row
  of their level or an outer one, a row printed at the group's level where the group's
  rows are printed further in (indented, or in the inner column of a two-column stub), or
  the end. Group rows set in one style (plain, italic, bold) are of one level, the style
  met first being the outer one; a group row right above another of its style and place
  heads it and the group rows of that level after it ("Secondary Outcomes" above "Other
  Respiratory Measures" and "Adverse Infant Outcomes");
- labels: the header path above each column, the group and stub path of each body row,
  without the marks, bullets and dashes printed as characters (:func:`.label_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.document import (
    Cell,
    Footnote,
    RawCell,
    Table,
    label_text,
    strip_marks,
)

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Builder

MAX_SPAN = 200  # a colspan or rowspan above this is a typo in the markup, not a table
MAX_CELLS = 200_000
# A data cell: numbers, signs and the few markers tables print instead of a number.
_DATA = re.compile(r"(?:[\s\d.,·:;/%()\[\]<>=≤≥±~+\-−–—×*†‡§¶#]|NR|NE|NA|ND|NS|NC|n/a|N/A"
                   r"|not reached|not estimable|not evaluable|\.\.)+", re.IGNORECASE)
_N_CELL = re.compile(r"^[(\[]?\s*(?:[nN]|No\.)\s*=\s*[\d,  ]+\s*[)\]]?$")


# "P = 0.41", "p<0.0001", "P-value = .03": a P value printed with its letter is a number
_P_PREFIX = re.compile(r"^[pP](?:[\s-]*value)?\s*(?=[=<>≤≥])")
# cells that print no number and no label: a dash, "NA", an ellipsis
_EMPTY_MARKER = re.compile(r"[\s\-–—−.…]*|N/?A|n/a|NA", re.IGNORECASE)


def is_data(text: str) -> bool:
    """The cell holds a number (or a marker standing for one), not a label."""
    text = _P_PREFIX.sub("", strip_marks(text))
    return bool(text) and bool(re.search(r"\d|NR|NE|\.\.|not reached|not estimable", text,
                                         re.IGNORECASE)) and bool(_DATA.fullmatch(text))


def is_label(text: str) -> bool:
    """The cell holds printed words (a label), not a number nor a dash standing for none."""
    plain = strip_marks(text)
    return bool(plain) and not is_data(plain) and not _EMPTY_MARKER.fullmatch(plain)


def _layout(rows: list[list[RawCell]]) -> tuple[list[tuple[int, int, RawCell, int, int]],
                                                  list[list[int]]]:
    """(row, col, cell, rowspan, colspan) of each cell, and the grid of cell indices."""
    placed: list[tuple[int, int, RawCell, int, int]] = []
    grid: list[list[int]] = []
    n_rows = len(rows)
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        col = 0
        for raw in row:
            while col < len(grid[r]) and grid[r][col] >= 0:
                col += 1
            colspan = max(1, min(raw.colspan, MAX_SPAN))
            rowspan = raw.rowspan if raw.rowspan > 0 else n_rows - r  # 0: to the end
            rowspan = max(1, min(rowspan, MAX_SPAN, n_rows - r))
            k = len(placed)
            placed.append((r, col, raw, rowspan, colspan))
            for rr in range(r, r + rowspan):
                while len(grid) <= rr:
                    grid.append([])
                need = col + colspan
                grid[rr].extend([-1] * max(0, need - len(grid[rr])))
                for cc in range(col, col + colspan):
                    if grid[rr][cc] < 0:
                        grid[rr][cc] = k
            col += colspan
    width = max((len(g) for g in grid), default=0)
    for g in grid:
        g.extend([-1] * (width - len(g)))
    return placed, grid


def assemble(builder: Builder, label: str, caption: str, span: tuple[int, int],
             rows: list[list[RawCell]], notes: list[tuple[str, list[tuple[str, str, str]]]],
             header_rows: int | None) -> Table:
    """The table laid out, written into the builder's text, and read (see the module)."""
    rows = [r for r in rows if r] or [[RawCell((("", "", ""),))]]
    if sum(len(r) for r in rows) > MAX_CELLS:
        rows = rows[: max(1, MAX_CELLS // max(1, len(rows[0])))]
    placed, grid = _layout(rows)
    rendered = {k: builder.render(list(raw.segments)) for k, (_, _, raw, _, _) in
                enumerate(placed)}
    cells: list[Cell | None] = [None] * len(placed)
    for r, line in enumerate(grid):
        if r:
            builder._write("\n")
        for c, k in enumerate(line):
            if c:
                builder._write("\t")
            if k < 0:
                continue
            row0, col0, raw, rowspan, colspan = placed[k]
            if (row0, col0) != (r, c):
                continue
            text, marks = rendered[k]
            start, end = builder._write(text)
            # an empty cell (spaces only) is not an indented label
            cells[k] = Cell(text, start, end, r, c, rowspan, colspan, raw.header,
                            tuple(lab for kind, lab, _, _ in marks if kind == "footnote"),
                            raw.indent if strip_marks(text) else 0,
                            raw.emphasis if strip_marks(text) else "")
    body_end = builder.pos
    # slots no cell covers (short rows) get an empty cell each, so every slot has one
    for r, line in enumerate(grid):
        for c, k in enumerate(line):
            if k < 0:
                line[c] = len(cells)
                cells.append(Cell("", body_end, body_end, r, c))
    done = [c for c in cells if c is not None]
    footnotes = _notes(builder, notes)
    return read_grid(label, caption, span, tuple(done), tuple(tuple(g) for g in grid),
                 header_rows, footnotes, body_end)


def _notes(builder: Builder, notes: list[tuple[str, list[tuple[str, str, str]]]]) -> tuple[
        Footnote, ...]:
    out = []
    for mark, segments in notes:
        text, _ = builder.render(segments)
        if not text:
            continue
        line = ("^{" + mark + "} " + text) if mark else text
        builder._gap()
        start, end = builder._write(line)
        out.append(Footnote(mark, line, start, end))
    return tuple(out)


# ----------------------------------------------------------------- reading the grid


def _origin_cells(grid: tuple[tuple[int, ...], ...], cells: tuple[Cell, ...],
                  r: int) -> list[Cell]:
    return [cells[k] for c, k in enumerate(grid[r]) if cells[k].row == r and cells[k].col == c]


def _header_count(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...],
                  given: int | None) -> int:
    n_rows = len(grid)
    if given:
        count = min(given, n_rows)
    else:
        count = 0
        while count < n_rows:
            row = _origin_cells(grid, cells, count)
            printed = [c for c in row if c.plain]
            if printed and all(c.header for c in printed):
                count += 1
            else:
                break
        if count == 0:
            while count < n_rows - 1:
                row = [c for c in _origin_cells(grid, cells, count) if c.plain]
                right = [c for c in row if c.col > 0]
                if not right or any(is_data(c.text) and not _N_CELL.match(c.plain)
                                    for c in right):
                    break
                count += 1
            count = max(count, 1) if n_rows > 1 else 0
    # a row of "n = 75" cells right below the header continues it, and so do sub-header
    # rows the markup put in the body ("All grades | Grade 1-2 | Grade ≥3", "n (%)")
    while count < n_rows:
        right = [c for c in _origin_cells(grid, cells, count) if c.plain and c.col > 0]
        stub_empty = not cells[grid[count][0]].plain or cells[grid[count][0]].row < count
        if right and stub_empty and all(_N_CELL.match(c.plain) for c in right):
            count += 1
        elif count and _sub_header(right) and _names_data_columns(right, cells, grid,
                                                                   count + 1):
            count += 1
        else:
            break
    return count


MAX_SUB_HEADER_WORDS = 8  # longer cells are text of a table of words, not a sub-header


def _sub_header(right: list[Cell]) -> bool:
    """Cells right of the stub that only name columns: labels (not every one an ``n =``)."""
    return bool(right) and all(is_label(c.text) and len(c.plain.split()) <= MAX_SUB_HEADER_WORDS
                               for c in right) and not all(_N_CELL.match(c.plain) for c in right)


def _names_data_columns(right: list[Cell], cells: tuple[Cell, ...],
                        grid: tuple[tuple[int, ...], ...], start: int) -> bool:
    """A cell of ``right`` stands over a column that holds a number in a row from ``start`` on.

    A sub-header names such columns; a label over columns without numbers below (a group
    heading in the second column of a two-column stub) is not one.
    """
    below = {c.col for r in range(start, len(grid)) for c in _origin_cells(grid, cells, r)
             if c.col > 0 and is_data(c.text) and not _N_CELL.match(c.plain)}
    return any(c.col + k in below for c in right for k in range(c.colspan))


def _stub_count(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...], head: int) -> int:
    """How many leading columns are the stub (see the module docstring)."""
    n_cols = len(grid[0]) if grid else 0
    if n_cols < 2:
        return n_cols
    if head:
        # columns under an empty header, or under the stub's own header spanning them
        corner = cells[grid[head - 1][0]]
        unlabeled = 0
        for c in range(min(2, n_cols - 1)):
            above = [cells[grid[r][c]] for r in range(head)]
            if all(not a.plain for a in above) or (c and cells[grid[head - 1][c]] is corner):
                unlabeled += 1
            else:
                break
        if unlabeled and any(cells[grid[r][c]].plain for r in range(head)
                             for c in range(unlabeled, n_cols)):
            return unlabeled if unlabeled == 2 or not _labels_in(cells, grid, head, 1) else 2

    seen0, label0 = _column_labels(cells, grid, head, 0)
    if seen0 and label0 < 0.5 * seen0:
        return 0
    return 2 if n_cols >= 3 and (_labels_in(cells, grid, head, 1)
                                 or _level_column(cells, grid, head, 1)) else 1


def _column_labels(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...], head: int,
                   col: int) -> tuple[int, int]:
    """(printed body cells that start in column ``col``, how many of them are labels)."""
    n_cols = len(grid[0])
    seen = label = 0
    for r in range(head, len(grid)):
        c = cells[grid[r][col]]
        if c.row != r or c.col != col or not c.plain or c.colspan == n_cols:
            continue
        seen += 1
        label += not is_data(c.text)
    return seen, label


def _labels_in(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...], head: int,
               col: int) -> bool:
    seen, label = _column_labels(cells, grid, head, col)
    return bool(seen) and label >= 0.8 * seen


# a level printed as bounds, not a value: "65-69", "85+", ">= 65" (whole numbers, no format)
_LEVEL_BOUNDS = re.compile(r"^(?:[<>≤≥]=?\s*\d{1,3}|\d{1,3}\s*[-–−]\s*\d{1,3}|\d{1,3}\s*\+|"
                           r"\d{1,3})$")
_STATISTIC_HEAD = re.compile(r"range|iqr|min|max|\bci\b|%|\bn\b|no\.|mean|median|\bsd\b|"
                             r"value|\bp\b|number|total|score|age|years", re.IGNORECASE)


def _level_column(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...], head: int,
                  col: int) -> bool:
    """Column ``col`` lists the levels of the characteristics beside it ("Classification":
    "65-69", "85+", "Excellent", "None", "1"): a header naming no statistic, worded levels
    for at least half its printed cells and every other one a level written as a whole
    number or bounds ("2", "65-69", "85+"), which reads as a number but is a label.
    """
    header = " ".join(cells[grid[r][col]].plain for r in range(head))
    if not head or not header or _STATISTIC_HEAD.search(header):
        return False
    body = [c.plain for r in range(head, len(grid)) for c in [cells[grid[r][col]]]
            if c.row == r and c.col == col and c.plain and c.colspan < len(grid[0])]
    words = [x for x in body if not is_data(x)]
    return len(body) >= 3 and 2 * len(words) >= len(body) and all(
        x in words or _LEVEL_BOUNDS.match(x) for x in body)


def _path(parts: list[str]) -> str:
    """Labels joined outermost first, each without its marks (:func:`.label_text`)."""
    out: list[str] = []
    for p in map(label_text, parts):
        if p and (not out or out[-1] != p):
            out.append(p)
    return " / ".join(out)


def read_grid(label: str, caption: str, span: tuple[int, int], cells: tuple[Cell, ...],
          grid: tuple[tuple[int, ...], ...], given: int | None,
          footnotes: tuple[Footnote, ...], body_end: int) -> Table:
    """The table's header rows, stub columns, group rows and labels read from its grid."""
    n_cols = len(grid[0]) if grid else 0
    head = _header_count(cells, grid, given)
    stub = _stub_count(cells, grid, head)
    columns = tuple(_path([cells[grid[r][c]].plain for r in range(head)])
                    for c in range(n_cols))
    if stub == 2:
        groups, row_labels, row_groups = _two_column_stub(cells, grid, head)
    else:
        groups, row_labels, row_groups = _nested_stub(cells, grid, head, stub)
    return Table(label, caption, span[0], span[1], cells, grid, head, stub, tuple(groups),
                 columns, tuple(row_labels), tuple(row_groups), footnotes, body_end)


def _group_row(line: list[Cell], stub: int, r: int) -> bool:
    """Only the stub is printed on row ``r`` (or one cell across the row): a heading of the
    rows below. A cell spanning down from a row above (a P value beside the rows of a
    block) is not printed on this row."""
    data = [c for c in line[stub:] if c.plain and c.col >= stub and c.row == r]
    whole = len({id(c) for c in line}) == 1 and bool(line[0].plain)
    return not data and (any(c.plain for c in line[:stub]) or whole)


def _two_column_stub(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...],
                     head: int) -> tuple[list[int], list[str], list[str]]:
    """Group rows, row labels and row groups of a table whose stub has two columns.

    A group row (only the stub printed) heads the rows below it: those printed in the outer
    column (or across both) until the next group row of its rank or an outer one
    (:func:`_group_ranks`), or, when the rows right below it print their label in the inner
    column, those rows until the next row printed in the outer column. A label printed in
    the outer column (a row-spanning cell, or a row whose inner cell is printed too) heads
    the rows below that leave that column empty.
    """
    n_rows = len(grid)
    lines = [[cells[k] for k in grid[r]] for r in range(head, n_rows)]
    kinds = ["group" if _group_row(line, 2, head + i) else "" for i, line in enumerate(lines)]
    ranks = _group_ranks(lines, kinds, 2)
    groups: list[int] = []
    row_labels, row_groups = [""] * n_rows, [""] * n_rows
    stack: list[tuple[float, bool, str]] = []  # open group rows: rank, inner rows, label
    outer_label = ""  # printed in the outer column, heading the rows that leave it empty
    for i, line in enumerate(lines):
        r = head + i
        outer = line[0]
        if kinds[i] == "group":
            while stack and (stack[-1][1] or stack[-1][0] >= ranks[i]):
                stack.pop()
            k = _next_labelled(lines, i, 2)
            inner = k is not None and kinds[k] != "group" and not lines[k][0].plain
            stack.append((ranks[i], inner, _path([c.plain for c in (
                [c for c in line[:2] if c.plain] or line[:1])])))
            groups.append(r)
            row_groups[r] = _path([f[2] for f in stack])
            outer_label = ""
            continue
        own = [c.plain for c in line[:2]]
        heads = [f[2] for f in stack]
        if outer.plain and outer.row == r:
            # printed in the outer column: it ends the groups whose rows are printed in
            # the inner column, and heads the rows below that leave it empty
            while stack and stack[-1][1]:
                stack.pop()
            heads, outer_label = [f[2] for f in stack], outer.plain
        else:
            if outer.row < r:  # a row-spanning outer stub
                outer_label, own = outer.plain or outer_label, own[1:]
            heads.append(outer_label)
        row_groups[r] = _path(heads)
        row_labels[r] = _path([*heads, *own])
    return groups, row_labels, row_groups


# ------------------------------------------------------------- headings of a one-column stub

# What heads the rows below it, outermost first: a group row (only the stub printed), a row
# of "(n = 418)" cells (the block's denominators), a row that fills only a column the rows
# below leave empty (the P value or the total of "Sex" above "Male" and "Female"). A row
# followed by rows printed further indented heads them too ("indent"). Group rows rank
# among themselves (see _group_ranks), below every other kind.
_RANK = {"n": 100.0, "summary": 101.0}


@dataclass
class _Frame:
    """An open heading: the rows below it carry its label until it ends."""

    indent: int
    label: str
    kind: str  # "group" | "n" | "summary" | "indent"
    deep: bool  # its rows are printed indented further than it (else at its own level)
    columns: frozenset[int] = frozenset()  # a row that fills one of these ends it
    rank: float = 102.0  # a heading at its level ends it when its rank is this or lower
    counts: dict[int, int] | None = None  # a row heading indented rows: its own count per
    # column, and what its rows have counted so far (``taken``)
    taken: dict[int, int] | None = None
    rows_indent: int = 0  # a deep heading: how far its first row is printed in

    def complete(self, counts: dict[int, int] | None) -> bool:
        """Its rows have shared out its own counts exactly, and a row counting more would
        exceed them: that row is the heading's sibling, not one of its rows."""
        return bool(self.counts and counts and self.taken == self.counts
                    and counts.keys() == self.counts.keys() and any(counts.values()))

    def ended_by(self, indent: int | None, rank: float | None, filled: set[int],
                 outer: frozenset[int] = frozenset()) -> bool:
        """A row at ``indent`` (None: its stub is empty), heading the rows below it with
        ``rank`` (None: it heads none or only indented ones), filling ``filled``, ends it.
        ``outer``: the indents of the headings open around this one."""
        if self.columns & filled:
            return True  # a row with its own P value stands on its own
        if indent is None:
            return False  # nothing printed in the stub: a continuation line
        if self.deep:
            # a group row of an inner style does not end it (a plain group row under an
            # italic one); a row printed at its level or left of it does, and so does one
            # printed left of its rows when an outer heading printed left of that row is
            # open to hold it ("Treatment stopped" one step in, after "Headache" two steps
            # in under "Side effects reported", all under "Side Effects of Therapy")
            inner = self.kind == "group" and rank is not None and \
                self.rank < rank < _RANK["n"]  # (group rows rank below every other kind)
            back_out = indent < self.rows_indent and any(i < indent for i in outer)
            return (indent <= self.indent or back_out) and not inner
        return rank is not None and rank <= self.rank and indent <= self.indent


def _label_cell(line: list[Cell], stub: int) -> Cell:
    """The cell that prints a row's label: the first printed stub cell (or the row's first)."""
    return next((c for c in line[:max(stub, 1)] if c.plain), line[0])


def _next_labelled(lines: list[list[Cell]], i: int, stub: int) -> int | None:
    """The index of the next row below ``lines[i]`` with a label printed in its stub."""
    return next((k for k in range(i + 1, len(lines))
                 if any(c.plain for c in lines[k][:max(stub, 1)])), None)


def _group_ranks(lines: list[list[Cell]], kinds: list[str], stub: int) -> dict[int, float]:
    """The rank of each group row (index into ``lines``): the lower, the outer.

    Group rows set in one style (all plain, all italic) are of one level, and the style
    met first in the table is the outer one: an italic "Side Effects of Therapy" heads the
    plain "Side effects reported" printed below it until the next italic group row. A group
    row right above another of its style and place (nothing of its own between them) heads
    it and the ones of that level after it: "Secondary Outcomes" above "Other Respiratory
    Measures" and, further down, "Adverse Infant Outcomes".
    """
    def style(i: int) -> str:
        return _label_cell(lines[i], stub).emphasis

    def place(i: int) -> tuple[int, int]:
        cell = _label_cell(lines[i], stub)
        return cell.col, cell.indent

    styles: list[str] = []
    for i, kind in enumerate(kinds):
        if kind == "group" and style(i) not in styles:
            styles.append(style(i))
    ranks: dict[int, float] = {}
    above = 0  # how many levels a group row stands above its style's level
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i] != "group":
            continue
        k = _next_labelled(lines, i, stub)
        same = k is not None and kinds[k] == "group" and style(k) == style(i) and \
            place(k) == place(i)
        above = above + 1 if same else 0
        ranks[i] = styles.index(style(i)) - min(above, 9) / 10
    return ranks


def _filled(line: list[Cell], r: int, stub: int) -> set[int]:
    """The columns right of the stub where a printed cell starts on row ``r``."""
    return {c.col for c in line[stub:] if c.plain and c.row == r and c.col >= stub}


def _heading_kind(lines: list[list[Cell]], i: int, stub: int, r: int) -> str:
    """How body row ``lines[i]`` (grid row ``r``) heads the rows below it ("" when not)."""
    line = lines[i]
    if _group_row(line, stub, r):
        return "group"
    if not stub or not line[0].plain or line[0].row != r or i + 1 >= len(lines):
        return ""
    after = lines[i + 1]
    if not after[0].plain or _group_row(after, stub, r + 1):
        return ""
    right = [c for c in line[stub:] if c.plain and c.row == r and c.col >= stub]
    below = [c for c in after[stub:] if c.plain and c.col >= stub]
    if right and all(_N_CELL.match(c.plain) for c in right) and any(is_data(c.text)
                                                                      for c in below):
        return "n"
    mine, theirs = _filled(line, r, stub), _filled(after, r + 1, stub)
    if mine and not mine & theirs and len(theirs) >= 2 and len(mine) < len(theirs):
        return "summary"
    return ""


_LEAD_COUNT = re.compile(r"^(\d[\d,]*)(?:\s*\(|\s*$)")


def _counts(line: list[Cell], r: int, stub: int) -> dict[int, int] | None:
    """The count each printed cell right of the stub starts with ("11 (2.4)" -> 11), or None
    when one of them prints no count."""
    out: dict[int, int] = {}
    for c in line[stub:]:
        if c.plain and c.row == r and c.col >= stub:
            m = _LEAD_COUNT.match(c.plain)
            if not m:
                return None
            out[c.col] = int(m.group(1).replace(",", ""))
    return out or None


def _next_printed(lines: list[list[Cell]], i: int) -> int | None:
    """The index of the next row below ``lines[i]`` with a printed stub."""
    return next((k for k in range(i + 1, len(lines)) if lines[k][0].plain), None)


def _nested_stub(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...], head: int,
                 stub: int) -> tuple[list[int], list[str], list[str]]:
    """Group rows, row labels and row groups of a table with a one-column stub (or none).

    Headings nest: each row's label is the labels of the open headings, then its stub. A
    heading whose rows are printed further indented ends at the next row printed at its
    indentation or left of it, or left of its rows where an outer heading printed left of
    that row is open to hold it (a group row of an inner style aside); one whose rows are
    printed at its own level ends at the next heading of its kind or an outer kind, and a
    "summary" heading also at the next row that fills its column. Indentation counts only on
    printed labels (an empty cell of spaces is not an indented label). A row that prints its
    own counts and heads indented rows ends once its rows have shared those counts out
    exactly, at the next row counting more: an "Other" printed at the indentation of the
    sub-levels of "Ovulatory cause" (11 + 1 + 43 = 55, its own count) is a sibling of that
    heading, not a sub-level.
    """
    n_rows = len(grid)
    lines = [[cells[k] for k in grid[r]] for r in range(head, n_rows)]
    groups: list[int] = []
    row_labels, row_groups = [""] * n_rows, [""] * n_rows
    kinds = [_heading_kind(lines, i, stub, head + i) for i in range(len(lines))]
    ranks = _group_ranks(lines, kinds, stub)
    stack: list[_Frame] = []
    for i, line in enumerate(lines):
        r = head + i
        stub_cell = line[0] if stub else None
        printed = stub_cell is not None and bool(stub_cell.plain)
        indent = stub_cell.indent if printed and stub_cell is not None else None
        kind = kinds[i]
        k = _next_printed(lines, i) if printed else None
        below = lines[k][0].indent if k is not None else None
        if not kind and indent is not None and below is not None and below > indent \
                and not _group_row(lines[k], stub, head + k):
            kind = "indent"  # (a row with numbers heads indented rows, not a group row)
        if kind == "group" and indent is None:
            indent = 0  # one cell across the row
        filled = _filled(line, r, stub)
        counts = _counts(line, r, stub)
        rank = ranks[i] if kind == "group" else _RANK.get(kind)
        end = next((k for k, f in enumerate(stack)
                    if f.ended_by(indent, rank, filled,
                                  frozenset(o.indent for o in stack[:k]))
                    or f.complete(counts)), len(stack))
        del stack[end:]
        if stack and stack[-1].taken is not None and counts is not None:
            top = stack[-1]
            top.taken = {c: top.taken.get(c, 0) + counts.get(c, 0) for c in top.counts or {}}
        outer = _path([f.label for f in stack])
        own = stub_cell.plain if stub_cell is not None else ""
        if kind == "group":
            own = own or line[0].plain
            groups.append(r)
            row_groups[r] = _path([outer, own])
        else:
            row_groups[r] = outer
            row_labels[r] = _path([outer, own])
        if kind:
            deep = below is not None and indent is not None and below > indent
            own_counts = counts if kind == "indent" else None
            stack.append(_Frame(indent or 0, own, kind, deep,
                                frozenset(filled) if kind == "summary" else frozenset(),
                                rank if rank is not None else 102.0, own_counts,
                                {} if own_counts else None, below if deep and below else 0))
    return groups, row_labels, row_groups
