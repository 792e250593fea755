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
  "Site", "Grade 3-4 toxicity"): they head the rows below them until the next group row,
  a row printed at the group's level (flush left where the stub indents its items, or in
  the outer column of a two-column stub) or the end;
- labels: the header path above each column, the group and stub path of each body row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.document import Cell, Footnote, RawCell, Table, strip_marks

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
                            raw.indent if strip_marks(text) else 0)
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
    return 2 if n_cols >= 3 and _labels_in(cells, grid, head, 1) else 1


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


def _path(parts: list[str]) -> str:
    out: list[str] = []
    for p in parts:
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
    """Group rows, row labels and row groups of a table whose stub has two columns."""
    n_rows = len(grid)
    groups: list[int] = []
    row_labels, row_groups = [""] * n_rows, [""] * n_rows
    group = ""
    for r in range(head, n_rows):
        line = [cells[k] for k in grid[r]]
        if _group_row(line, 2, r):
            group = _path([c.plain for c in ([c for c in line[:2] if c.plain] or line[:1])])
            groups.append(r)
            row_groups[r] = group
            continue
        outer = line[0]
        own = [c.plain for c in line[:2]]
        if outer.plain and outer.row == r:
            # printed in the outer column: a heading for the rows below that leave it empty
            group = outer.plain
            row_groups[r], row_labels[r] = "", _path(own)
            continue
        if outer.row < r:
            own = own[1:]  # a row-spanning outer stub: the group already names it
            group = outer.plain or group
        row_groups[r] = group
        row_labels[r] = _path([group, *own])
    return groups, row_labels, row_groups


# ------------------------------------------------------------- headings of a one-column stub

# What heads the rows below it, outermost first: a group row (only the stub printed), a row
# of "(n = 418)" cells (the block's denominators), a row that fills only a column the rows
# below leave empty (the P value or the total of "Sex" above "Male" and "Female"). A row
# followed by rows printed further indented heads them too ("indent").
_RANK = {"group": 0, "n": 1, "summary": 2}


@dataclass
class _Frame:
    """An open heading: the rows below it carry its label until it ends."""

    indent: int
    label: str
    kind: str  # "group" | "n" | "summary" | "indent"
    deep: bool  # its rows are printed indented further than it (else at its own level)
    columns: frozenset[int] = frozenset()  # a row that fills one of these ends it

    def ended_by(self, indent: int | None, kind: str, filled: set[int]) -> bool:
        if self.columns & filled:
            return True  # a row with its own P value stands on its own
        if indent is None:
            return False  # nothing printed in the stub: a continuation line
        if self.deep:
            return indent <= self.indent
        return kind in _RANK and _RANK[kind] <= _RANK.get(self.kind, 3) \
            and indent <= self.indent


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


def _next_printed(lines: list[list[Cell]], i: int) -> int | None:
    """The index of the next row below ``lines[i]`` with a printed stub."""
    return next((k for k in range(i + 1, len(lines)) if lines[k][0].plain), None)


def _nested_stub(cells: tuple[Cell, ...], grid: tuple[tuple[int, ...], ...], head: int,
                 stub: int) -> tuple[list[int], list[str], list[str]]:
    """Group rows, row labels and row groups of a table with a one-column stub (or none).

    Headings nest: each row's label is the labels of the open headings, then its stub. A
    heading whose rows are printed further indented ends at the next row printed at its
    indentation or left of it; one whose rows are printed at its own level ends at the next
    heading of its kind or an outer kind, and a "summary" heading also at the next row that
    fills its column. Indentation counts only on printed labels (an empty cell of spaces is
    not an indented label).
    """
    n_rows = len(grid)
    lines = [[cells[k] for k in grid[r]] for r in range(head, n_rows)]
    groups: list[int] = []
    row_labels, row_groups = [""] * n_rows, [""] * n_rows
    stack: list[_Frame] = []
    for i, line in enumerate(lines):
        r = head + i
        stub_cell = line[0] if stub else None
        printed = stub_cell is not None and bool(stub_cell.plain)
        indent = stub_cell.indent if printed and stub_cell is not None else None
        kind = _heading_kind(lines, i, stub, r)
        k = _next_printed(lines, i) if printed else None
        below = lines[k][0].indent if k is not None else None
        if not kind and indent is not None and below is not None and below > indent \
                and not _group_row(lines[k], stub, head + k):
            kind = "indent"  # (a row with numbers heads indented rows, not a group row)
        if kind == "group" and indent is None:
            indent = 0  # one cell across the row
        filled = _filled(line, r, stub)
        end = next((k for k, f in enumerate(stack) if f.ended_by(indent, kind, filled)),
                   len(stack))
        del stack[end:]
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
            stack.append(_Frame(indent or 0, own, kind, deep,
                                frozenset(filled) if kind == "summary" else frozenset()))
    return groups, row_labels, row_groups
