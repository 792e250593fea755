"""Printing a paper as a two-column journal PDF, to measure the PDF reader against JATS.

A paper read from its JATS XML (the structured document of
:mod:`trialrecon.dossier.draft.jats`) is written as one HTML page in the manner of a
journal's typeset PDF, then printed with headless Chromium. The reading of that PDF can be
compared with the JATS reading of the same paper, which is the truth: same words, same
numbers, same table cells. Imported by the PDF reader's tests and by
``benchmarks/bench_pdf_reader.py``, and (:func:`printed_gold`) by ``benchmarks/bench_draft.py
--pdf``, which scores the draft of a printed gold paper against its gold dossier; nothing of
the papers is written outside a temporary folder.

Two visual styles:

- ``lancet``: sans-serif, the Summary in a shaded box, bold small-caps section headings,
  bold run-on-line subheadings, superscript citations, middle dots left as printed, tables
  with a rule under the caption, one across the table under the header and one at the
  bottom, footnotes run together in one paragraph, a running head ("Articles") and a
  footer with the page number;
- ``plain``: serif, the Abstract with run-in bold subheadings ("Background:"), centred
  small-caps section headings, italic subheadings, first-line indents, booktabs tables
  (top, middle and bottom rules, the middle one under the header's last row only, a short
  rule under each spanning header), one footnote a line, a running head with the
  journal's citation and a centred page number.

Both set the body in two columns (CSS ``column-count: 2``), put tables of few columns in
one column and wide ones across the page (``column-span: all``), hyphenate long words with
soft hyphens, print superscripts (citations, footnote marks, the exponent of ``10⁹``) as
raised small text and Unicode subscript digits (``FEV₁``) as lowered ones, set a table
cell the paper prints all in italic or bold in that style (a group row's emphasis tells its
level), print author-year citations in parentheses, and draw each figure as a small plot with tick
labels and a number-at-risk table (text a reader has to leave out: it is not in the
paper's text).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from trialrecon.dossier.audit import source_doc
from trialrecon.dossier.draft import draft_document, read_names
from trialrecon.dossier.draft.document import Document, Table, strip_marks
from trialrecon.dossier.draft.evaluate import GoldResult, gold_rows, score_fields
from trialrecon.dossier.draft.reader import read_document

STYLES = ("lancet", "plain")
_MARK = re.compile(r"\^\{([^}\n]*)\}")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾⁼", "0123456789+−()=")
_SUP_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾⁼]+")
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUB_RUN = re.compile(r"[₀₁₂₃₄₅₆₇₈₉]+")
_WORD = re.compile(r"[A-Za-z]{10,}")

_CSS = {
    "lancet": """
@page { size: A4; margin: 17mm 14mm 16mm 14mm;
  @top-left { content: "Articles"; font: bold 10pt 'Liberation Sans'; color: #444; }
  @bottom-left { content: "www.journal.example/oncology   Vol 18   August 2017";
                 font: 7pt 'Liberation Sans'; }
  @bottom-right { content: counter(page); font: 7pt 'Liberation Sans'; } }
body { font: 8.6pt/1.28 'Liberation Sans', sans-serif; margin: 0; }
h1.title { font: bold 17pt/1.15 'Liberation Sans'; margin: 4mm 0 5mm 0; }
.abstract { background: #eef1f5; border-top: 1.2pt solid #333; padding: 2mm 3mm;
            margin-bottom: 5mm; text-align: justify; }
.abstract h2 { font: bold 12pt 'Liberation Sans'; margin: 0 0 1.5mm 0; }
.abstract h3 { font: bold 8.6pt 'Liberation Sans'; margin: 1.6mm 0 0 0; }
.abstract p { margin: 0; }
.cols { column-count: 2; column-gap: 6mm; text-align: justify; }
.cols p { margin: 0; text-indent: 3.5mm; }
.cols h2 + p, .cols h3 + p, .cols h4 + p { text-indent: 0; }
h2.s { font: bold 11pt 'Liberation Sans'; font-variant: small-caps; margin: 3mm 0 1mm 0; }
h3.s { font: bold 8.6pt 'Liberation Sans'; margin: 2.2mm 0 0.3mm 0; }
h4.s { font: italic 8.6pt 'Liberation Sans'; margin: 2mm 0 0.3mm 0; }
sup { font-size: 0.68em; line-height: 0; }
.tw { margin: 3mm 0 3mm 0; break-inside: avoid; text-align: left; }
.tw.wide { column-span: all; }
.cap { font: 8pt/1.2 'Liberation Sans'; margin-bottom: 1.2mm; padding-bottom: 1mm;
       border-bottom: 0.6pt solid #000; }
.cap b { font-weight: bold; }
table { border-collapse: collapse; font: 7.2pt/1.15 'Liberation Sans'; width: 100%; }
th, td { padding: 1.2pt 4pt 1.2pt 0; vertical-align: top; text-align: left; }
thead { border-bottom: 0.6pt solid #000; }
thead tr:last-child th { padding-bottom: 2pt; }
tbody tr:last-child td { border-bottom: 0.6pt solid #000; }
th { font-weight: normal; }
td.ind { padding-left: 7pt; }
.notes { font: 6.8pt/1.2 'Liberation Sans'; margin-top: 1mm; text-align: justify; }
figure { margin: 3mm 0; break-inside: avoid; }
figcaption { font: 7.6pt/1.2 'Liberation Sans'; }
""",
    "plain": """
@page { size: A4; margin: 20mm 17mm 18mm 17mm;
  @top-right { content: "J Fict Med 2017; 12: 345–356"; font: italic 8pt 'Liberation Serif'; }
  @top-left { content: "Randomised trial report"; font: italic 8pt 'Liberation Serif'; }
  @bottom-center { content: counter(page); font: 9pt 'Liberation Serif'; } }
body { font: 9.5pt/1.22 'Liberation Serif', serif; margin: 0; }
h1.title { font: bold 16pt/1.2 'Liberation Serif'; text-align: center; margin: 2mm 8mm 5mm; }
.abstract { border-top: 0.8pt solid #000; border-bottom: 0.8pt solid #000; padding: 2mm 0;
            margin: 0 6mm 5mm; text-align: justify; font-size: 9pt; }
.abstract h2 { font: 10pt 'Liberation Serif'; font-variant: small-caps; text-align: center;
               letter-spacing: 0.5pt; margin: 0 0 1mm 0; }
.abstract p { margin: 0 0 0.8mm 0; }
.abstract b.runin { font-weight: bold; }
.cols { column-count: 2; column-gap: 7mm; text-align: justify; }
.cols p { margin: 0; text-indent: 4mm; }
h2.s { font: 10.5pt 'Liberation Serif'; font-variant: small-caps; text-align: center;
       letter-spacing: 0.4pt; margin: 3.5mm 0 1.5mm 0; }
h3.s { font: italic 9.5pt 'Liberation Serif'; margin: 2.5mm 0 0.8mm 0; }
h4.s { font: italic 9pt 'Liberation Serif'; margin: 2mm 0 0.5mm 0; }
sup { font-size: 0.7em; line-height: 0; }
.tw { margin: 3mm 0 3mm 0; break-inside: avoid; }
.tw.wide { column-span: all; }
.cap { font: 8.5pt/1.2 'Liberation Serif'; margin-bottom: 1.5mm; text-align: left; }
table { border-collapse: collapse; font: 7.6pt/1.15 'Liberation Serif'; width: 100%;
        border-top: 1pt solid #000; border-bottom: 1pt solid #000; }
th, td { padding: 1.4pt 3pt; vertical-align: bottom; text-align: center; }
td:first-child, th:first-child { text-align: left; }
thead tr:last-child th { border-bottom: 0.5pt solid #000; }
th.span { background: linear-gradient(#000, #000) no-repeat center bottom /
          calc(100% - 6pt) 0.4pt; }
th { font-weight: normal; }
td.stub { text-align: left; }
td.ind { padding-left: 9pt; }
.notes { font: 7.2pt/1.2 'Liberation Serif'; margin-top: 1mm; text-align: left; }
.notes div { margin: 0.3mm 0; }
figure { margin: 3mm 0; break-inside: avoid; }
figcaption { font: 8.5pt/1.2 'Liberation Serif'; text-align: justify; }
""",
}


def chromium() -> str | None:
    """The headless Chromium to print with, or None when none is installed."""
    return next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                                       "google-chrome")) if p), None)


def _hyphenate(word: str) -> str:
    """Soft hyphens every four letters of a long word (not within 3 of its ends)."""
    cuts = list(range(4, len(word) - 3, 4))
    return "".join(("\u00ad" if i in cuts else "") + ch for i, ch in enumerate(word))


def inline(text: str, marks: dict[int, str] | None = None, soft_hyphens: bool = False) -> str:
    """A rendered text of the document as HTML: marks and superscript digits raised."""
    out, pos = [], 0
    for m in _MARK.finditer(text):
        out.append(_plain(text[pos:m.start()], soft_hyphens))
        label = m.group(1)
        if re.search(r"[A-Za-z]{2}", label) and re.search(r"\d{4}", label):
            out.append(f" ({html.escape(label.strip().rstrip(';'))})")  # author and year
        else:
            out.append(f"<sup>{html.escape(label)}</sup>")
        pos = m.end()
    out.append(_plain(text[pos:], soft_hyphens))
    return "".join(out)


def _plain(text: str, soft_hyphens: bool) -> str:
    if soft_hyphens:
        text = _WORD.sub(lambda m: _hyphenate(m.group()), text)
    out, pos = [], 0
    for m in re.finditer(f"{_SUP_RUN.pattern}|{_SUB_RUN.pattern}", text):
        out.append(html.escape(text[pos:m.start()]))
        if _SUB_RUN.fullmatch(m.group()):
            out.append(f"<sub>{html.escape(m.group().translate(_SUBSCRIPT))}</sub>")
        else:
            out.append(f"<sup>{html.escape(m.group().translate(_SUPERSCRIPT))}</sup>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _table_width(t: Table) -> float:
    """Points a table needs at 7pt: the longest single-column cell of each column."""
    widths = [0.0] * t.n_cols
    for c in t.cells:
        if c.colspan == 1:
            widths[c.col] = max(widths[c.col], min(len(c.plain), 40) * 3.6 + 6)
    return sum(widths)


def table_html(t: Table, style: str) -> str:
    wide = _table_width(t) > 235 or t.n_cols > 4 or t.n_rows > 30
    sep = ":" if style == "lancet" else "."
    cap = f'<div class="cap"><b>{html.escape(t.label)}{sep}</b> {inline(t.caption)}</div>'
    head, body = [], []
    groups = set(t.group_rows)
    for r in range(t.n_rows):
        cells = []
        for c in range(t.n_cols):
            if not t.is_origin(r, c):
                continue
            cell = t.cell_at(r, c)
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            tag = "th" if r < t.header_rows else "td"
            classes = []
            if tag == "th" and cell.colspan > 1 and r + cell.rowspan < t.header_rows:
                classes.append("span")
            if (tag == "td" and c == 0 and t.stub_columns == 1 and t.row_groups[r]
                    and r not in groups):
                classes.append("ind")
            if tag == "td" and c < t.stub_columns:
                classes.append("stub")  # stub labels are set flush left in every style
            if classes:
                attrs += f' class="{" ".join(classes)}"'
            cells.append(f"<{tag}{attrs}>{_emphasised(inline(cell.text), cell.emphasis)}"
                         f"</{tag}>")
        (head if r < t.header_rows else body).append("<tr>" + "".join(cells) + "</tr>")
    notes = [(n.mark, n.text[len("^{" + n.mark + "}"):].strip() if n.mark else n.text)
             for n in t.footnotes]
    if style == "lancet":
        notes_html = " ".join((f"<sup>{html.escape(m)}</sup>" if m else "") + inline(x)
                              for m, x in notes)
    else:
        notes_html = "".join("<div>" + (f"<sup>{html.escape(m)}</sup>" if m else "")
                             + inline(x) + "</div>" for m, x in notes)
    return (f'<div class="tw{" wide" if wide else ""}">{cap}<table><thead>{"".join(head)}'
            f'</thead><tbody>{"".join(body)}</tbody></table>'
            + (f'<div class="notes">{notes_html}</div>' if notes else "") + "</div>")


def _emphasised(cell_html: str, emphasis: str) -> str:
    """A cell's text set in the style the paper prints it in (an italic group row stays
    italic in the PDF, as in the journal's own typesetting)."""
    if "italic" in emphasis:
        cell_html = f"<i>{cell_html}</i>"
    if "bold" in emphasis:
        cell_html = f'<b style="font-weight: bold">{cell_html}</b>'
    return cell_html


def figure_html(label: str, caption: str, number: int, style: str) -> str:
    """A small survival-like plot with ticks and a number-at-risk table, then the caption."""
    font = "Liberation Sans" if style == "lancet" else "Liberation Serif"
    steps, y, pts = [], 20.0, []
    for i in range(13):
        steps.append((40 + i * 16, y))
        y = min(120.0, y + 3 + (i * 7 + number * 3) % 9)
    for x, yy in steps:
        pts.append(f"{x},{yy:.0f}")
    ticks_x = "".join(f'<text x="{40 + i * 32}" y="136" font-size="6.5" '
                      f'text-anchor="middle">{i * 6}</text>' for i in range(7))
    ticks_y = "".join(f'<text x="34" y="{124 - i * 25}" font-size="6.5" '
                      f'text-anchor="end">{i * 25}</text>' for i in range(5))
    risk = "".join(f'<text x="{40 + i * 32}" y="{158 + k * 9}" font-size="6" '
                   f'text-anchor="middle">{max(0, 180 - k * 11 - i * (23 + number))}</text>'
                   for k in range(2) for i in range(7))
    svg = (f'<svg viewBox="0 0 250 180" width="100%" font-family="{font}" '
           f'xmlns="http://www.w3.org/2000/svg">'
           f'<line x1="40" y1="125" x2="235" y2="125" stroke="#000" stroke-width="0.7"/>'
           f'<line x1="40" y1="20" x2="40" y2="125" stroke="#000" stroke-width="0.7"/>'
           f'<polyline points="{" ".join(pts)}" fill="none" stroke="#c03" stroke-width="1"/>'
           f'<polyline points="{" ".join(f"{x},{min(124, yy + 9):.0f}" for x, yy in steps)}" '
           f'fill="none" stroke="#036" stroke-width="1"/>{ticks_x}{ticks_y}'
           f'<text x="137" y="146" font-size="6.5" text-anchor="middle">Time (months)</text>'
           f'<text x="2" y="150" font-size="6">Number at risk</text>{risk}</svg>')
    sep = ":" if style == "lancet" else "."
    return (f'<figure>{svg}<figcaption><b>{html.escape(label)}{sep}</b> {inline(caption)}'
            f'</figcaption></figure>')


def _floats_after(doc: Document) -> dict[int, list[str]]:
    """Each table and figure placed after the first paragraph naming it (else in place)."""
    items = sorted([(t.start, "t", i) for i, t in enumerate(doc.tables)]
                   + [(f.start, "f", i) for i, f in enumerate(doc.figures)])
    paragraphs = [(b.start, b.plain.lower()) for b in doc.blocks if b.kind != "title"]
    placed: dict[int, list[str]] = {}
    for start, kind, i in items:
        label = (doc.tables[i].label if kind == "t" else doc.figures[i].label).lower()
        word = label.split()[-1]
        pattern = re.compile(rf"\b(?:{label.split()[0]}s?|fig\.?|figs\.?)\s+(?:\d+\s*(?:,|and|"
                             rf"to|–|-)\s*)*{re.escape(word)}\b")
        at = next((s for s, text in paragraphs if pattern.search(text)), start)
        placed.setdefault(at, []).append(f"{kind}{i}")
    return placed


def paper_html(doc: Document, style: str) -> str:
    """The whole paper as one HTML page in ``style`` (see the module docstring)."""
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not one of {STYLES}")
    floats = _floats_after(doc)
    abstract: list[str] = []
    body: list[str] = []
    events = sorted([(s.start, "s", i) for i, s in enumerate(doc.sections)]
                    + [(b.start, "b", i) for i, b in enumerate(doc.blocks)
                       if b.kind != "title"])
    runin = ""
    figure_no = 0
    for start, kind, i in events:
        if kind == "s":
            s = doc.sections[i]
            target = abstract if s.kind == "abstract" else body
            text = html.escape(s.heading)
            if s.kind == "abstract" and s.level == 1:
                target.append(f"<h2>{text}</h2>")
            elif s.kind == "abstract" and style == "plain":
                runin = f'<b class="runin">{text}:</b> '
            elif s.kind == "abstract":
                target.append(f"<h3>{text}</h3>")
            else:
                tag = f"h{min(s.level + 1, 4)}"
                target.append(f'<{tag} class="s">{text}</{tag}>')
            continue
        b = doc.blocks[i]
        section = doc.sections[b.section] if b.section >= 0 else None
        target = abstract if section is not None and section.kind == "abstract" else body
        content = inline(b.text, soft_hyphens=target is body)
        if b.kind == "list_item":
            target.append(f"<p>• {content}</p>")
        else:
            target.append(f"<p>{runin}{content}</p>")
            runin = ""
        for ref in floats.pop(start, []):
            body.append(_float(doc, ref, style))
            figure_no += ref[0] == "f"
    for refs in floats.values():
        body.extend(_float(doc, ref, style) for ref in refs)
    title = inline(doc.title)
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><style>"
            + _CSS[style] + "</style></head><body>"
            + f'<h1 class="title">{title}</h1>'
            + (f'<div class="abstract">{"".join(abstract)}</div>' if abstract else "")
            + f'<div class="cols">{"".join(body)}</div></body></html>')


def _float(doc: Document, ref: str, style: str) -> str:
    i = int(ref[1:])
    if ref[0] == "t":
        return table_html(doc.tables[i], style)
    f = doc.figures[i]
    return figure_html(f.label, f.caption, i + 1, style)


def print_pdf(page_html: str, out: Path, timeout: float = 180.0) -> Path:
    """``page_html`` printed to ``out`` by headless Chromium (A4, no browser header)."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    out = out.resolve()
    source = out.with_suffix(".html")
    source.write_text(page_html, encoding="utf-8")
    profile = out.parent / f".chromium-{out.stem}"
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--user-data-dir={profile}",
                    f"--print-to-pdf={out}", source.as_uri()],
                   check=True, capture_output=True, timeout=timeout)
    shutil.rmtree(profile, ignore_errors=True)
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no PDF for {source.name}")
    return out


def journal_pdf(doc: Document, style: str, folder: Path, name: str = "") -> Path:
    """The paper ``doc`` printed as a journal PDF in ``style`` into ``folder``."""
    name = name or f"{Path(doc.source).stem}-{style}"
    return print_pdf(paper_html(doc, style), folder / f"{name}.pdf")


def printed_gold(jats: GoldResult, style: str, folder: Path) -> GoldResult:
    """The gold paper of ``jats`` (a JATS draft scored against its gold dossier) printed as
    a journal PDF in ``style``, read back, drafted with the gold ``trial.yaml`` and scored as
    the JATS draft is: the gold anchors are searched in the PDF's text and the locations
    among its headings and tables. The PDF is printed into ``folder`` (reused when there)."""
    pdf = folder / f"{jats.paper.stem}-{style}.pdf"
    if not pdf.is_file():
        journal_pdf(read_document(jats.paper), style, folder, pdf.stem)
    names = read_names(jats.dossier / "trial.yaml")
    start = time.perf_counter()
    document = read_document(pdf)
    drafts = draft_document(document, names, jats.source_id)
    seconds = time.perf_counter() - start
    result = score_fields(source_doc(pdf, document), gold_rows(jats.dossier, jats.source_id),
                          drafts)
    return GoldResult(jats.dossier, jats.source_id, pdf, seconds, result)


# ------------------------------------------------------------------ comparing readings

_NUMBER = re.compile(r"\d+(?:[.,·]\d+)*")
DRAFT_FIELDS = ("location", "row", "column", "cohort", "arm", "subgroup", "quantity",
                "category", "statistic", "value", "comparator", "unit", "denominator",
                "marker", "footnote")


def _norm(text: str) -> str:
    # a note symbol's distance to its word is typography, not text: "‡ Six" reads as "‡Six"
    text = re.sub(r"([*\u2020\u2021\u00a7\u00b6])\s+(?=\w)", r"\1", text.replace("\u2010", "-"))
    return re.sub(r"\s+", " ", text).strip()


def cells(doc: Document) -> list[tuple[str, str, str, str]]:
    """(table, row path, column path, text) of every printed body cell right of the stub."""
    out = []
    for t in doc.tables:
        for r in t.body_rows():
            for c in range(t.stub_columns, t.n_cols):
                cell = t.cell_at(r, c)
                if t.is_origin(r, c) and cell.plain:
                    out.append((t.label, _norm(t.row_labels[r]), _norm(t.column_labels[c]),
                                _norm(cell.plain)))
    return out


def stub_cells(doc: Document) -> list[tuple[str, str, str, str]]:
    """:func:`cells` keyed by the row's own stub label (its group heading left out)."""
    return [(t, r.split(" / ")[-1], c, x) for t, r, c, x in cells(doc)]


def _section_key(doc: Document, index: int) -> str:
    path = doc.section_path(index)
    return " / ".join(_norm(s.heading).lower() for s in path) if path else "(front)"


def numbers(doc: Document) -> list[tuple[str, str]]:
    """(section path, number) of every number printed in the text's blocks."""
    return [(_section_key(doc, b.section), n) for b in doc.blocks if b.kind != "title"
            for n in _NUMBER.findall(b.plain)]


def headings(doc: Document) -> list[tuple[str, int, str]]:
    return [(_norm(s.heading).lower(), s.level, s.kind) for s in doc.sections]


def notes(doc: Document) -> list[tuple[str, str, str]]:
    return [(t.label, n.mark, _norm(strip_marks(n.text))) for t in doc.tables
            for n in t.footnotes]


def captions(doc: Document) -> list[tuple[str, str]]:
    """(label, caption) of each figure; the label's closing punctuation left out (some XML
    labels carry it, "FIGURE 1:")."""
    return [(f.label.rstrip(" .:|"), _norm(strip_marks(f.caption))) for f in doc.figures]


def overlap(truth: list, found: list) -> tuple[int, int, int]:
    """(matched, truth size, found size) of two multisets."""
    a, b = Counter(truth), Counter(found)
    return sum((a & b).values()), sum(a.values()), sum(b.values())


@dataclass
class Comparison:
    """How a PDF reading compares with the JATS reading of the same paper."""

    cells: tuple[int, int, int]
    stub_cells: tuple[int, int, int]
    numbers: tuple[int, int, int]
    headings: tuple[int, int, int]
    notes: tuple[int, int, int]
    captions: tuple[int, int, int]
    title: bool

    @staticmethod
    def share(t: tuple[int, int, int], precision: bool = False) -> float:
        matched, truth, found = t
        base = found if precision else truth
        return matched / base if base else 1.0


def compare(truth: Document, pdf: Document) -> Comparison:
    return Comparison(overlap(cells(truth), cells(pdf)),
                      overlap(stub_cells(truth), stub_cells(pdf)),
                      overlap(numbers(truth), numbers(pdf)),
                      overlap(headings(truth), headings(pdf)), overlap(notes(truth), notes(pdf)),
                      overlap(captions(truth), captions(pdf)),
                      _norm(truth.title) == _norm(pdf.title))


def draft_rows(drafts: list) -> list[tuple[str, ...]]:
    """A draft's rows as tuples of the fields a reviewer checks (the anchor left out)."""
    return [tuple(d.fields.get(k, "") for k in DRAFT_FIELDS) for d in drafts]
