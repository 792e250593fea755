"""Reading a journal's PDF (two columns, as printed) into a :class:`.document.Document`.

The steps, each in its own module:

1. :mod:`.pdf_extract`: the glyphs (with font, size, baseline) and ruling lines of each
   page, read by PDFium in a bounded child process;
2. :mod:`.pdf_layout`: lines with their superscripts and subscripts, running heads and page
   numbers dropped, columns found, reading order;
3. :mod:`.pdf_tables`: tables by caption and ruling lines, read into header rows, columns,
   rows with spans, group rows, indented stubs and footnotes; figures are found here: the
   text inside a plot (tick labels, a number-at-risk table) down to its caption is left
   out, it is not the paper's text;
4. :mod:`.pdf_text`: headings by font, paragraphs rejoined across lines, columns and pages,
   hyphenation undone, list items, figure captions;
5. here: the title (the largest heading of the first page), the Abstract (a heading
   "Abstract" or "Summary", its subsections in the next heading style, until a heading of
   another style or the text leaves the full-width box for the columns), the body's
   heading levels (the styles ranked by size, capitals, weight, standing alone, slant;
   Introduction, Methods, Results, Discussion name the top level), back matter
   (References, Acknowledgements...) left out, and the document built.

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from trialrecon.dossier.draft.document import Builder, Document
from trialrecon.dossier.draft.html_reader import BACK_MATTER
from trialrecon.dossier.draft.pdf_extract import LIMITS, Limits, Page, PdfError, extract
from trialrecon.dossier.draft.pdf_layout import (
    Columns,
    Line,
    Region,
    dominant_columns,
    drop_furniture,
    find_columns,
    page_lines,
    reading_order,
)
from trialrecon.dossier.draft.pdf_tables import Found, PdfTable, find_tables, raw_rows
from trialrecon.dossier.draft.pdf_text import FIGURE, Item, Style, read_flow

_ABSTRACT = re.compile(r"^\s*(abstract|summary)\s*:?\s*$", re.IGNORECASE)
_TOP = re.compile(r"^\s*(?:\d+\.?\s*)?(introduction|background|methods?|materials and methods|"
                  r"patients and methods|results|discussion|conclusions?)\s*:?\s*$",
                  re.IGNORECASE)


# ---------------------------------------------------------------------------- figures


def _clusters(boxes: list[tuple[float, float, float, float]]) -> list[list[float]]:
    """Graphic boxes merged where they touch (within 4 pt)."""
    out: list[list[float]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        merged = [list(box)]
        for c in out:
            if c[0] - 4 <= box[2] and box[0] <= c[2] + 4 and c[1] - 4 <= box[3] and \
                    box[1] <= c[3] + 4:
                merged.append(c)
        for c in merged[1:]:
            out.remove(c)
        out.append([min(b[0] for b in merged), min(b[1] for b in merged),
                    max(b[2] for b in merged), max(b[3] for b in merged)])
    return out


def figure_text(page: Page, lines: list[Line], tables: list[Found],
                cols: Columns | None = None) -> set[int]:
    """The lines printed inside a figure (down to its caption): not the paper's text."""
    taken = [f.region for f in tables]
    boxes = [g for g in page.graphics if not any(
        r.x0 - 2 <= g[0] and g[2] <= r.x1 + 2 and r.top - 2 <= g[1] and g[3] <= r.bottom + 2
        for r in taken)]
    rules = [(r.x0, r.top, r.x1, r.bottom) for r in page.rules if not any(
        t.x0 - 2 <= r.x0 and r.x1 <= t.x1 + 2 and t.top - 2 <= r.top <= t.bottom + 2
        for t in taken)]
    if not boxes:
        return set()
    cols = cols or find_columns(lines)
    out: set[int] = set()
    for c in _clusters(boxes + rules):
        if c[2] - c[0] < 30 or c[3] - c[1] < 30:
            continue
        first, last = cols.of(c[0], c[0] + 1), cols.of(c[2] - 1, c[2])
        x0 = cols.starts[first] if first >= 0 else c[0]
        x1 = cols.ends[last] if last >= 0 else c[2]
        x0, x1 = min(x0, c[0]), max(x1, c[2])
        below = [ln for ln in lines if c[3] - 2 <= ln.top <= c[3] + 160 and ln.x0 < x1
                 and ln.x1 > x0 and FIGURE.match(ln.text)]
        end = min((ln.top for ln in below), default=_small_below(lines, c, x0, x1))
        for ln in lines:
            if ln.x0 >= x0 - 4 and ln.x1 <= x1 + 4 and c[1] - 4 <= ln.base and ln.top < end \
                    and not FIGURE.match(ln.text):
                out.add(id(ln))
    return out


def _small_below(lines: list[Line], box: list[float], x0: float, x1: float) -> float:
    """Where a figure without a caption under it ends: below the lines right under the
    plot set no larger than its own labels (tick labels, a number-at-risk table)."""
    inside = [ln.size for ln in lines if box[1] - 2 <= ln.base <= box[3] + 2
              and ln.x0 >= x0 - 4 and ln.x1 <= x1 + 4]
    limit = max(inside, default=0.0) + 0.3
    end = box[3] + 4
    for ln in sorted((ln for ln in lines if ln.top >= box[3] - 2 and ln.x0 >= x0 - 4
                      and ln.x1 <= x1 + 4), key=lambda ln: ln.top):
        if ln.size > limit or ln.top > end + 1.5 * ln.size:
            break
        end = ln.bottom + 0.5
    return end


# ------------------------------------------------------------------------------ roles


def _roles(items: list[Item], body: float) -> list[str]:
    """Each item's role: title, front, abstract, abstract_sub, close, body, or its kind."""
    heads = [it for it in items if it.kind == "heading" and it.lines[0].page == 1
             and len(it.text.split()) >= 2 and not _TOP.match(it.text)
             and not _ABSTRACT.match(it.text)]  # a title, not a section's heading
    title = max(heads, key=lambda it: (it.style.size, -items.index(it)), default=None)
    if title is not None and title.style.size < body + 2:
        title = None
    roles: list[str] = []
    state = "front"
    top_style: Style | None = None
    sub_style: Style | None = None
    spanning = 0
    for it in items:
        role = it.kind
        if it is title:
            role = "title"
        elif it.kind == "heading":
            if state == "front" and _ABSTRACT.match(it.text):
                role, state, top_style, spanning = "abstract", "abstract", it.style, 0
            elif state == "abstract" and sub_style is None and top_style is not None and \
                    it.style.prominence() < top_style.prominence():
                role, sub_style = "abstract_sub", it.style
            elif state == "abstract" and it.style == sub_style:
                role = "abstract_sub"
            else:
                role, state = "body", "body"
        elif state == "abstract" and it.kind in ("paragraph", "list_item"):
            first = it.lines[0]
            if first.col < 0 or sum(ln.col < 0 for ln in it.lines) > len(it.lines) / 2:
                spanning += 1
            elif spanning and len(it.lines) >= 2 and sum(
                    ln.col >= 0 and ln.x1 - ln.x0 > 0.8 * (ln.col_x1 - ln.col_x0)
                    for ln in it.lines) * 2 >= len(it.lines):
                # the text left the full-width box for the columns: the headings right
                # before it head the body
                k = len(roles)
                while k and roles[k - 1] == "abstract_sub" and items[k - 1].lines[0].col >= 0:
                    roles[k - 1] = "body"
                    k -= 1
                roles.insert(k, "close")
                state = "body"
        roles.append(role)
    return roles


def _levels(items: list[Item], roles: list[str]) -> dict[Style, int]:
    """The level of each body heading style (see the module docstring)."""
    styles = {it.style for it, r in zip(items, _expand(roles, items), strict=True)
              if r == "body" and it.style is not None}
    ranked = sorted(styles, key=lambda s: s.prominence(), reverse=True)
    tops = [it.style for it, r in zip(items, _expand(roles, items), strict=True)
            if r == "body" and _TOP.match(it.text)]
    anchor = max(tops, key=lambda s: s.prominence()) if tops else (ranked[0] if ranked else None)
    levels: dict[Style, int] = {}
    below = [s for s in ranked if anchor is not None and s.prominence() < anchor.prominence()]
    for s in ranked:
        levels[s] = 1 if s not in below else min(2 + below.index(s), 4)
    return levels


def _expand(roles: list[str], items: list[Item]) -> list[str]:
    """Roles aligned with items (a "close" marker removed)."""
    out = [r for r in roles if r != "close"]
    return out[: len(items)]


# ---------------------------------------------------------------------------- building


def _table(b: Builder, table: PdfTable) -> None:
    rows, head = raw_rows(table)
    b.table(table.label, table.caption, rows, table.notes, head or None)


def build(source: str, items: list[Item], body: float) -> Document:
    """The document of the flow's items."""
    b = Builder(source, "pdf")
    roles = _roles(items, body)
    levels = _levels(items, roles)
    skipping = 0
    index = 0
    for role in roles:
        if role == "close":
            b.close_to(1)
            continue
        it = items[index]
        index += 1
        text = re.sub(r"\s*:$", "", it.text.strip())
        if role == "title":
            b.set_title([(text, "", "")])
        elif role == "abstract":
            b.open_section(text, 1, "abstract")
        elif role == "abstract_sub":
            b.open_section(text, 2, "abstract")
        elif role == "body":
            level = levels.get(it.style, 1) if it.style else 1
            if BACK_MATTER.match(text):
                skipping = level
                continue
            if skipping and level > skipping:
                continue
            skipping = 0
            b.open_section(text, level)
        elif it.kind == "region" and it.region is not None:
            if isinstance(it.region.payload, PdfTable):
                _table(b, it.region.payload)
        elif it.kind == "figure":
            b.figure(it.label, it.segments)
        elif not skipping:
            b.block(it.segments, it.kind)
    return b.build()


def read_pdf(path: Path, data: bytes, limits: Limits = LIMITS) -> Document:
    """The document of the PDF ``data`` (from ``path``); :class:`PdfError` when unreadable
    within ``limits``."""
    pages = extract(data, limits)
    lines = [page_lines(p) for p in pages]
    if not any(lines):
        raise PdfError("the PDF has no text layer (a scanned document?); run OCR on it first "
                       "or give the text")
    lines = drop_furniture(pages, lines)
    carry: Found | None = None
    tables, rests = [], []
    for page, page_lines_ in zip(pages, lines, strict=True):
        found, carry = find_tables(page, page_lines_, carry)
        used = set().union(*(f.used for f in found)) if found else set()
        tables.append(found)
        rests.append([ln for ln in page_lines_ if id(ln) not in used])
    columns = dominant_columns([find_columns(r) for r in rests], rests)
    flow: list[Line | Region] = []
    for page, rest, found, cols in zip(pages, rests, tables, columns, strict=True):
        drop = figure_text(page, rest, found, cols)
        rest = [ln for ln in rest if id(ln) not in drop]
        regions = [f.region for f in found if f.region.payload is not None]
        flow += reading_order(rest, regions, cols)
    items = read_flow(flow)
    body = _body_size(flow)
    return build(path.name, items, body)


def _body_size(flow: list[Line | Region]) -> float:
    """The size most of the text's glyphs are set in."""
    counts: Counter[float] = Counter()
    for x in flow:
        if isinstance(x, Line):
            counts[round(x.size * 2) / 2] += len(x.glyphs)
    return max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0] if counts else 10.0
