"""The transcription audit: every anchor found in its source, every value in its anchor.

A dossier row says where its number stands (``location``, ``row``, ``column``) and quotes
the place (``anchor``). When ``trial.yaml`` names the text a source was read from (``seed:``,
a file of the shared seeds folder, or ``file:``, a path beside the dossier or under the
sources folder), the audit
reads that text (:mod:`trialrecon.dossier.draft.reader`) and checks, for each row:

1. the anchor occurs in the source once both are normalised (whitespace, dashes and minus
   signs, markup, table-cell separators: :mod:`~trialrecon.dossier.draft.normalise`);
2. the location names a place of the source (a heading, a table, its title or a footnote, a
   figure legend, the front matter) and the anchor occurs inside it;
3. the value stands in the anchor in one of its printed forms (``.001`` for 0.001, ``<``,
   thousands separators, a number written as words when the note says so); a row whose
   note says the value is not printed (counted or derived) skips this check;
4. for a table row with ``row`` and ``column`` labels that the table's stub and header
   resolve, the anchor stands on that row and the value in that cell.

Each miss is a :class:`~trialrecon.dossier.model.Problem` naming file, row and column, with
the closest passage of the source. The audit reads the CSV files itself (it needs only the
text of a few columns), so it runs on a dossier that does not validate yet.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trialrecon.dossier import safe_read
from trialrecon.dossier.draft.document import Document, label_text
from trialrecon.dossier.draft.document import Table as DocTable
from trialrecon.dossier.draft.layout import Layout, Row, Table, _key, parse_layout, place_spans
from trialrecon.dossier.draft.normalise import Normalised, normal, normalise
from trialrecon.dossier.draft.printed import MARKER_PHRASES, find_value, printed_forms
from trialrecon.dossier.draft.reader import MAX_SOURCE_BYTES, SourceError, read_document
from trialrecon.dossier.draft.textdoc import layout_of
from trialrecon.dossier.loader import MAX_VALUES_BYTES
from trialrecon.dossier.model import Problem
from trialrecon.dossier.paths import find_repo_root
from trialrecon.dossier.safe_yaml import YamlRefused, load_file
from trialrecon.dossier.values import COLUMNS, OPTIONAL_COLUMNS

# Notes that say the value is not printed as a number at the place (a count of listed
# items, a derived total): the anchor is still checked, the value is not.
NOT_PRINTED = re.compile(r"\bno(?:t| total| number)? printed\b", re.IGNORECASE)
MAX_COLUMNS = len(COLUMNS) + len(OPTIONAL_COLUMNS)  # a wider header is refused by validation
_DATA_CELL = re.compile(r"^[<>=~≤≥]?\s*[-−]?\.?\d")


@dataclass(frozen=True)
class SourceDoc:
    """A source text read for the audit: its layout and normalised form."""

    path: Path
    layout: Layout
    norm: Normalised
    document: Document | None = None  # the structured document (JATS, HTML, PDF readers)

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """Original-text spans of every occurrence of normalised ``needle``."""
        out, pos = [], 0
        while needle:
            i = self.norm.text.find(needle, pos)
            if i < 0:
                break
            out.append(self.norm.original_span(i, i + len(needle)))
            pos = i + 1
        return out


def _read(path: Path) -> SourceDoc:
    """The source at ``path``, read once per version of the file (size and time)."""
    stat = path.stat()
    return _read_version(path, stat.st_size, stat.st_mtime_ns)


@cache
def _read_version(path: Path, size: int, mtime: int) -> SourceDoc:
    return source_doc(path, read_document(path))


def source_doc(path: Path, document: Document) -> SourceDoc:
    """The audit's view of a read document: its layout and normalised text."""
    layout = parse_layout(document.text) if document.kind == "text" else layout_of(document)
    return SourceDoc(path, layout, normalise(document.text), document)


def default_sources_dir(dossier: Path) -> Path | None:
    """The shared seeds folder: ``../shared/seeds`` beside the repository holding ``dossier``.

    A git worktree kept one level deeper (``wt/<name>``) finds it further up: the nearest
    ``shared/seeds`` above the repository root is taken.
    """
    try:
        root = find_repo_root(dossier)
    except FileNotFoundError:
        return None
    for folder in root.parents:
        if (folder / "shared" / "seeds").is_dir():
            return (folder / "shared" / "seeds").resolve()
    return None


def source_files(dossier: Path, sources_dir: Path | None) -> tuple[dict[str, Path],
                                                                     list[Problem]]:
    """{source id: file} for the sources of ``trial.yaml`` that name their text.

    ``seed:`` is a file of ``sources_dir`` (the shared seeds folder by default) or of the
    shared papers folder beside it (``shared/papers``: the PubMed Central reports); ``file:``
    is a path relative to the dossier, or else to ``sources_dir``. A ``file:`` found in neither
    place is a problem; a seed that is not there is only not audited (the seeds folder is
    not part of the repository).
    """
    fname = str(dossier / "trial.yaml")
    try:
        raw = load_file(dossier / "trial.yaml", within=dossier)
    except YamlRefused:
        return {}, []  # validation reports an unreadable trial.yaml
    sources = raw.get("sources") if isinstance(raw, dict) else None
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for entry in sources if isinstance(sources, list) else []:
        if not isinstance(entry, dict) or not (entry.get("seed") or entry.get("file")):
            continue
        key = "file" if entry.get("file") else "seed"
        name = str(entry[key])
        if Path(name).is_absolute() or ".." in Path(name).parts:
            continue  # validation refuses the path (source-path)
        folders = ([dossier] if key == "file" else []) + ([sources_dir] if sources_dir else [])
        if key == "seed" and sources_dir is not None:
            folders.append(sources_dir.parent / "papers")
        path, refused = _find_source(folders, name)
        if path is not None:
            files[str(entry.get("id"))] = path
        elif refused is not None:
            problems.append(Problem(fname, None, "sources", "source-file",
                                    f"{key} '{name}' of source '{entry.get('id')}' is refused: "
                                    f"{refused.why} ({refused.rule})"))
        elif key == "file":
            where = " or ".join(str(f) for f in folders)
            problems.append(Problem(fname, None, "sources", "source-file",
                                    f"file '{name}' of source '{entry.get('id')}' is not in "
                                    f"{where}"))
    return files, problems


def _find_source(folders: list[Path], name: str) -> tuple[Path | None,
                                                          safe_read.InputRefused | None]:
    """The first folder's file ``name`` that the gate lets through (inside it, no link, a
    regular file within the size limit), or the refusal of the first that exists."""
    refused = None
    for folder in folders:
        try:
            safe_read.check_file(folder / name, MAX_SOURCE_BYTES, within=folder)
        except safe_read.InputRefused as exc:
            if exc.rule != "file-missing" and refused is None:
                refused = exc
            continue
        return folder / name, None
    return None, refused


def _rows(dossier: Path) -> list[tuple[str, int, dict[str, str]]]:
    """The rows of the dossier's values files that the gate lets through and whose header
    is a values header (validation reports the others)."""
    out = []
    for path in sorted(dossier.glob("values*.csv")):
        try:
            text = safe_read.read_text(path, MAX_VALUES_BYTES, within=dossier)
        except safe_read.InputRefused:
            continue
        csv.field_size_limit(max(len(text), 131072))
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip() for h in next(reader, [])]
            if len(header) > MAX_COLUMNS or "anchor" not in header or "source" not in header:
                continue
            for fields in reader:
                if len(fields) != len(header):
                    continue
                row = {k: v.strip() for k, v in zip(header, fields, strict=True) if k}
                if row.get("source"):
                    out.append((str(path), reader.line_num, row))
        except csv.Error:
            continue
    return out


# ------------------------------------------------------------------- closest passage


def closest_passage(doc: SourceDoc, anchor: str, width: int = 110) -> str:
    """The passage of the source most like ``anchor`` (original text, spaces collapsed)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", doc.norm.text)]
    target = normal(anchor)
    n = max(1, len(target.split()))
    if not words:
        return ""
    wanted = set(target.split())
    scored = []
    for i in range(0, max(1, len(words) - n + 1)):
        window = {doc.norm.text[a:b] for a, b in words[i:i + n]}
        scored.append((len(window & wanted), i))
    scored.sort(reverse=True)
    best, best_i = -1.0, 0
    for _, i in scored[:40]:
        a, b = words[i][0], words[min(i + n, len(words)) - 1][1]
        ratio = difflib.SequenceMatcher(None, target, doc.norm.text[a:b]).ratio()
        if ratio > best:
            best, best_i = ratio, i
    a, b = words[best_i][0], words[min(best_i + n, len(words)) - 1][1]
    start, end = doc.norm.original_span(a, b)
    passage = re.sub(r"\s+", " ", doc.layout.text[start:end]).strip()
    return passage if len(passage) <= width else passage[: width - 3] + "..."


# ------------------------------------------------------------------------ table cells


def _header_spans(row: Row) -> list[tuple[str, set[int]]]:
    """Each non-empty header cell with the columns it spans (up to the next non-empty)."""
    idx = [i for i, c in enumerate(row.cells) if c]
    out = []
    for k, i in enumerate(idx):
        stop = idx[k + 1] if k + 1 < len(idx) else len(row.cells)
        out.append((_key(row.cells[i]), set(range(i, max(stop, i + 1)))))
    return out


def _is_header(row: Row) -> bool:
    filled = [c for c in row.cells[1:] if c]
    return (len(filled) >= 1 and not any(_DATA_CELL.match(c) for c in filled)
            and all(len(c.split()) <= 5 for c in filled))


@dataclass(frozen=True)
class _Grid:
    headers: tuple[int, ...]  # indices of header and sub-header rows
    paths: tuple[tuple[str, ...], ...]  # the stub labels of each row, outermost first


def _grid(table: Table) -> _Grid:
    headers: list[int] = []
    paths: list[tuple[str, ...]] = []
    group: tuple[str, ...] = ()
    carried: dict[int, str] = {}
    stub_width = 1
    for i, row in enumerate(table.rows):
        leading = i == len(headers) and _is_header(row)
        if leading or (_is_header(row) and headers):
            headers.append(i)
            if leading and i == 0:
                stub_width = len(_header_spans(row)[0][1]) if row.cells[0] else 1
            paths.append(())
            if not leading and row.cells[0]:
                group, carried = (_key(row.cells[0]),), {}
            continue
        data = [c for c in row.cells[stub_width:] if c]
        stubs = row.cells[:stub_width]
        if not data:
            group, carried = (" ".join(_key(c) for c in stubs if c),), {}
            paths.append(group)
            continue
        for j, c in enumerate(stubs):
            if c:
                carried = {k: v for k, v in carried.items() if k < j}
                carried[j] = _key(c)
        paths.append(group + tuple(carried[j] for j in sorted(carried)))
    return _Grid(tuple(headers), tuple(paths))


def _rows_for(table: Table, grid: _Grid, label: str) -> list[int]:
    parts = tuple(_key(p) for p in label.split(" / "))
    hits = [i for i, p in enumerate(grid.paths) if p and p[-len(parts):] == parts]
    return hits or [i for i, p in enumerate(grid.paths) if p and p[-1] == parts[-1]]


def _columns_for(table: Table, grid: _Grid, label: str, before: int) -> set[int]:
    parts = [_key(p) for p in label.split(" / ")]
    heads = [table.rows[i] for i in grid.headers if i < before]
    if not heads:
        return set()
    span: set[int] | None = None
    for head in heads:
        for text, cols in _header_spans(head):
            if text == parts[0]:
                span = cols
                break
        if span is not None:
            break
    if span is None:
        return set()
    for part in parts[1:]:
        sub = {i for head in heads for text, cols in _header_spans(head) if text == part
               for i in cols if i in span}
        if not sub:
            return set()
        span = {i for head in heads for i, c in enumerate(head.cells)
                if i in sub and _key(c) == part} or sub
    return span


def _cell_problem(doc: SourceDoc, table: Table, row: dict[str, str],
                  occurrences: list[tuple[int, int]], forms: list[str]) -> str | None:
    """Why the value is not in the cell that ``row`` and ``column`` name (None: it is).

    The row label is the stub as printed (a group heading and its row joined by ``/``), the
    column label the header (a spanning header and its sub-header joined by ``/``).
    """
    structured = _doc_table(doc, table)
    if structured is not None:
        return _structured_cell_problem(structured, row, occurrences, forms)
    grid = _grid(table)
    hits = _rows_for(table, grid, row["row"])
    if not hits:
        return f"row '{row['row']}' is not a row of {table.name} (no stub reads so)"
    on_row = [i for i in hits if any(a < table.rows[i].end and b > table.rows[i].start
                                     for a, b in occurrences)]
    if not on_row:
        return (f"the anchor is not on row '{row['row']}' of {table.name} "
                f"(that row reads: {_clip(doc.layout.text, table.rows[hits[0]])})")
    for i in on_row:
        cols = _columns_for(table, grid, row["column"], i)
        if not cols:
            return f"column '{row['column']}' is not a column of {table.name} (no header reads so)"
        cells = [normal(c) for k, c in enumerate(table.rows[i].cells) if k in cols]
        spans = [s for k, s in enumerate(table.rows[i].spans) if k in cols]
        if any(find_value(c, forms) >= 0 for c in cells):
            if any(a < e and b > s for a, b in occurrences for s, e in spans):
                return None
            return (f"the anchor does not reach the cell of column '{row['column']}' on row "
                    f"'{row['row']}' of {table.name}; quote the row up to that cell")
        return (f"value {row['value']} is not in the cell of row '{row['row']}', column "
                f"'{row['column']}' of {table.name}, which reads: "
                f"{' | '.join(c for k, c in enumerate(table.rows[i].cells) if k in cols)}")
    return None


def _doc_table(doc: SourceDoc, table: Table) -> DocTable | None:
    if doc.document is None or doc.document.kind == "text":
        return None
    return next((t for t in doc.document.tables if t.start == table.start), None)


def _parts(label: str) -> list[str]:
    """The parts of a row or column label as compared (marks and bullets left out, as the
    reader leaves them out of the printed paths)."""
    return [_key(label_text(p)) for p in label.split(" / ") if label_text(p)]


def _label_matches(printed: str, label: str) -> bool:
    """A label names a printed path when it is the path or its last parts."""
    have, want = _parts(printed), _parts(label)
    return bool(want) and have[-len(want):] == want


def _left_out(have: list[str], want: list[str]) -> tuple[str, ...] | None:
    """The parts of ``have`` after ``want[0]`` that ``want`` leaves out (None: no match).

    ``want`` is matched as an ordered subsequence of ``have``, each part at its first place.
    """
    pos, used = 0, []
    for part in want:
        try:
            pos = have.index(part, pos)
        except ValueError:
            return None
        used.append(pos)
        pos += 1
    return tuple(p for i, p in enumerate(have) if i > used[0] and i not in used)


def _matching(paths: dict[int, str], label: str) -> list[int]:
    """The rows or columns (keys of ``paths``) that ``label`` names.

    A label names a path when it is the path or its last parts (the outer headings left
    out, as ``Male`` for ``Sex / Male``); failing that, when it leaves out inner parts that
    tell none of the paths it names apart (the format row ``n (%)`` printed under every
    column, as in ``Drug X (n = 75) / All grades`` for ``Drug X (n = 75) / All grades /
    n (%)``), but never a part that would (``Drug X (n = 75)`` alone, above three grades).
    """
    want = _parts(label)
    if not want:
        return []
    found = [k for k, p in paths.items() if _label_matches(p, label)]
    if found:
        return found
    left = {k: _left_out(_parts(p), want) for k, p in paths.items()}
    found = [k for k, out in left.items() if out is not None]
    return found if len({left[k] for k in found}) == 1 else []


def _headings_above(t: DocTable, r: int) -> list[str]:
    """The headings above body row ``r``, nearest first: group rows, and stub rows that print
    at most one number (a P value beside "Sex" over "Male" and "Female")."""
    out = []
    for k in range(r - 1, t.header_rows - 1, -1):
        stub = _key(t.cell_at(k, 0).plain)
        printed = [c for c in range(t.stub_columns, t.n_cols)
                   if t.is_origin(k, c) and t.cell_at(k, c).plain]
        if k in t.group_rows:
            out.append(_key(t.row_groups[k].split(" / ")[-1]))
        elif stub and len(printed) <= 1:
            out.append(stub)
    return out


def _under_headings(t: DocTable, r: int, parts: list[str]) -> bool:
    """``parts`` (outermost first) are the headings above row ``r``: the last one the nearest
    heading, the others further up in order (a heading the grid does not nest)."""
    above = _headings_above(t, r)
    if not parts or not above or above[0] != parts[-1]:
        return False
    pos = 1
    for part in reversed(parts[:-1]):
        try:
            pos = above.index(part, pos) + 1
        except ValueError:
            return False
    return True


def _structured_cell_problem(t: DocTable, row: dict[str, str],
                             occurrences: list[tuple[int, int]], forms: list[str]) -> str | None:
    """The cell check on a table read with its structure (row and column paths known)."""
    rows = _matching({r: t.row_labels[r] for r in t.body_rows()}, row["row"])
    want = [_key(p) for p in row["row"].split(" / ") if p]
    if not rows and len(want) > 1:
        rows = [r for r in t.body_rows() if t.row_labels[r] and _key(
            t.row_labels[r].split(" / ")[-1]) == want[-1] and _under_headings(t, r, want[:-1])]
    if not rows:
        return f"row '{row['row']}' is not a row of {t.label} (no stub reads so)"
    cols = _matching({c: t.column_labels[c] for c in range(t.n_cols)}, row["column"])
    if not cols:
        return f"column '{row['column']}' is not a column of {t.label} (no header reads so)"
    for r in rows:
        for c in cols:
            cell = t.cell_at(r, c)
            if find_value(normal(cell.plain), forms) >= 0 and any(
                    a < cell.end and b > cell.start for a, b in occurrences):
                return None
    cells = " | ".join(t.cell_at(r, c).plain for r in rows[:1] for c in cols)
    return (f"value {row['value']} is not in the cell of row '{row['row']}', column "
            f"'{row['column']}' of {t.label} where the anchor stands (the cell reads: {cells})")


def _clip(text: str, row: Row, width: int = 90) -> str:
    line = re.sub(r"\s+", " ", text[row.start:row.end]).strip()
    return line if len(line) <= width else line[: width - 3] + "..."


# ------------------------------------------------------------------------------ audit


def _value_ok(text: str, row: dict[str, str]) -> bool:
    if row.get("marker") in MARKER_PHRASES:
        return any(find_value(text, [p]) >= 0 for p in MARKER_PHRASES[row["marker"]])
    if row.get("marker") or not row.get("value") or NOT_PRINTED.search(row.get("note", "")):
        return True
    forms = printed_forms(row["value"], row.get("statistic", ""), row.get("note", ""))
    return find_value(text, forms) >= 0


def _where(doc: SourceDoc, offset: int) -> str:
    table = doc.layout.table_at(offset)
    if table is not None:
        return table.name
    legend = doc.layout.legend_at(offset)
    if legend is not None:
        return f"Figure {legend.number} legend"
    panel = doc.layout.panel_at(offset)
    if panel is not None:
        return f"the panel '{panel.title}'"
    path = doc.layout.heading_path(offset)
    return path[-1].title if path else "the front matter"


def audit_row(doc: SourceDoc, fname: str, line: int, row: dict[str, str],
              named: set[str]) -> Problem | None:
    """The first check the row fails, as a problem; None when it passes them all."""
    name = doc.path.name
    anchor = normal(row["anchor"])
    found = doc.find_all(anchor) if anchor else []
    if not found:
        return Problem(fname, line, "anchor", "anchor-not-found",
                       f"anchor not found in {name}; closest passage: "
                       f"\"{closest_passage(doc, row['anchor'])}\"")
    spans = place_spans(doc.layout, row["location"], named)
    if spans is None:
        return Problem(fname, line, "location", "location-not-found",
                       f"location '{row['location']}' names no heading, table, footnote or "
                       f"figure legend of {name}")
    inside = [(a, b) for a, b in found if any(s <= a < e for s, e in spans)]
    if not inside:
        return Problem(fname, line, "location", "anchor-elsewhere",
                       f"anchor found in {name}, but in {_where(doc, found[0][0])}, not in "
                       f"{row['location']}")
    texts = [doc.norm.text[i:i + len(anchor)] for i in _norm_starts(doc, anchor, inside)]
    if not any(_value_ok(t, row) for t in texts):
        return Problem(fname, line, "value", "value-not-in-anchor",
                       f"value {row.get('value') or row.get('marker')} not found in the anchor "
                       f"\"{row['anchor']}\" (as printed in {name})")
    table = _table_named(doc.layout, row["location"])
    if table is not None and row.get("row") and row.get("column") and row.get("value") \
            and not NOT_PRINTED.search(row.get("note", "")):
        forms = printed_forms(row["value"], row.get("statistic", ""), row.get("note", ""))
        why = _cell_problem(doc, table, row, inside, forms)
        if why:
            return Problem(fname, line, "value", "value-not-in-cell", why)
    return None


def _norm_starts(doc: SourceDoc, anchor: str, spans: list[tuple[int, int]]) -> list[int]:
    starts, pos = [], 0
    wanted = {a for a, _ in spans}
    while True:
        i = doc.norm.text.find(anchor, pos)
        if i < 0:
            return starts
        if doc.norm.offsets[i] in wanted:
            starts.append(i)
        pos = i + 1


def _table_named(layout: Layout, location: str) -> Table | None:
    m = re.fullmatch(r"table\s+(\w+)", _key(location))
    return next((t for t in layout.tables if m and t.number.lower() == m.group(1)), None)


def audit_dossier(path: str | Path, sources_dir: str | Path | None = None) -> list[Problem]:
    """Every row of the dossier at ``path`` whose anchor or value its source does not bear out.

    ``sources_dir`` is where ``seed:`` and ``file:`` are looked up (default: the shared seeds
    folder beside the repository). Sources that name no text, or whose seed is not there,
    are not audited.
    """
    dossier = Path(path)
    folder = Path(sources_dir) if sources_dir is not None else default_sources_dir(dossier)
    files, problems = source_files(dossier, folder)
    docs: dict[str, SourceDoc] = {}
    for sid, file in files.items():
        try:
            docs[sid] = _read(file.resolve())
        except SourceError as exc:
            problems.append(Problem(str(dossier / "trial.yaml"), None, "sources",
                                    "source-unreadable", str(exc)))
    rows = _rows(dossier)
    named = {sid: {_key(r["location"]) for _, _, r in rows if r["source"] == sid}
             for sid in docs}
    for fname, line, row in rows:
        doc = docs.get(row["source"])
        if doc is None or not row.get("location"):
            continue
        problem = audit_row(doc, fname, line, row, named[row["source"]])
        if problem is not None:
            problems.append(problem)
    return problems


def audited_sources(path: str | Path, sources_dir: str | Path | None = None) -> list[str]:
    """The ids of the sources whose text the audit reads (for a summary line)."""
    dossier = Path(path)
    folder = Path(sources_dir) if sources_dir is not None else default_sources_dir(dossier)
    return sorted(source_files(dossier, folder)[0])
