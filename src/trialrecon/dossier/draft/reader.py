"""Reading a source document as plain text: text and Markdown, HTML, PDF.

Every reader produces the same plain text (:mod:`.layout` reads it): one line per
paragraph, heading or table row, table cells separated by tabs, headings whose level is
known written with Markdown ``#``. Bad input (an empty or binary file, a PDF without a text
layer, a file above :data:`MAX_SOURCE_BYTES`) raises :class:`SourceError` with one sentence
saying what is wrong.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from trialrecon.dossier import safe_read
from trialrecon.dossier.bounded import Budget, BudgetExceeded, run_bounded

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Document

MAX_SOURCE_BYTES = 25_000_000  # a paper's PDF with figures is a few MB; its text far less
MAX_PDF_PAGES = 300  # a paper with its appendix; more is a book, not a trial report
MAX_PDF_OBJECTS = 5_000_000  # objects a cross-reference may claim (a paper has thousands)
PDF_BUDGET = Budget(seconds=50.0, memory=1536 * 1024**2)  # pdfminer on one paper
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
XML_SUFFIXES = frozenset({".nxml", ".xml"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


class SourceError(ValueError):
    """A source document that cannot be read: the message says why, in one sentence."""


@dataclass(frozen=True)
class SourceText:
    path: Path
    kind: str  # "text" | "html" | "pdf"
    text: str


def _check_size(path: Path) -> bytes:
    """The bytes of a source the user named, through the gate (:mod:`..safe_read`): a
    regular file (a link to one is followed), at most :data:`MAX_SOURCE_BYTES`."""
    try:
        data = safe_read.read_bytes(path, MAX_SOURCE_BYTES, follow_link=True)
    except safe_read.InputRefused as exc:
        raise SourceError(str(exc)) from None
    if not data.strip():
        raise SourceError(f"{path}: the file is empty")
    return data


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: a binary file, not text, Markdown, HTML or PDF")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8, "
                          "or give the HTML or PDF") from exc


def _markdown_tables(text: str) -> str:
    """Markdown pipe tables as tab-separated rows (separator lines dropped)."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            if re.fullmatch(r"\|[\s:|-]+\|", stripped):
                continue
            out.append("\t".join(c.strip() for c in stripped.strip("|").split("|")))
        else:
            out.append(line)
    return "\n".join(out)


class _HtmlText(HTMLParser):
    """Collects an HTML page's text in the plain form :mod:`.layout` reads."""

    _BLOCKS = frozenset({"p", "div", "section", "article", "li", "ul", "ol", "table",
                         "thead", "tbody", "caption", "figcaption", "blockquote", "br",
                         "header", "footer", "dd", "dt", "pre", "figure"})
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.cells: list[str] | None = None
        self.skip = 0

    def _flush(self) -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.current)).strip()
        self.current = []
        if text:
            self.lines.extend([text, ""])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.current.append("#" * int(tag[1]) + " ")
        elif tag == "tr":
            self._flush()
            self.cells = []
        elif tag in ("td", "th") and self.cells is not None:
            self.current = []
        elif tag == "sup":
            self.current.append("^{")
        elif tag in self._BLOCKS and self.cells is None:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "sup":
            self.current.append("}")
        elif tag in ("td", "th") and self.cells is not None:
            self.cells.append(re.sub(r"\s+", " ", "".join(self.current)).strip())
            self.current = []
        elif tag == "tr" and self.cells is not None:
            if any(self.cells):
                self.lines.append("\t".join(self.cells))
            self.cells = None
        elif tag == "table":
            self.lines.append("")
        elif re.fullmatch(r"h[1-6]", tag) or (tag in self._BLOCKS and self.cells is None):
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML page: headings as ``#`` lines, table rows as tab-separated cells."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    parser._flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parser.lines)).strip() + "\n"


def _pdf_lines(page: object) -> list[tuple[float, float, str]]:
    """(top, font size, text) of each line of a pdfplumber page; wide gaps become tabs."""
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)  # type: ignore[attr-defined]
    rows: list[list[dict[str, float | str]]] = []
    for w in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        if rows and abs(float(rows[-1][0]["top"]) - float(w["top"])) <= 2.5:
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: float(w["x0"]))
        size = max(float(w["size"]) for w in row)
        parts = [str(row[0]["text"])]
        for prev, word in zip(row, row[1:], strict=False):
            gap = float(word["x0"]) - float(prev["x1"])
            parts.append("\t" if gap > 1.5 * float(prev["size"]) else " ")
            parts.append(str(word["text"]))
        out.append((float(row[0]["top"]), size, "".join(parts)))
    return out


def _pdf_pages(path: Path, data: bytes) -> list[list[tuple[float, float, str]]]:
    """The lines of each page (pdfplumber); run in a bounded child (:func:`pdf_to_text`)."""
    import pdfplumber  # imported here: only PDF sources need it

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise SourceError(f"{path}: {len(pdf.pages)} pages, more than the limit of "
                                  f"{MAX_PDF_PAGES} for a paper")
            return [_pdf_lines(page) for page in pdf.pages]
    except SourceError:
        raise
    except RecursionError:
        raise SourceError(f"{path}: not a readable PDF (objects nested too deeply)") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises anything on a broken file
        if _caused_by_memory(exc):
            raise MemoryError from None  # the bounded call reports the memory limit
        raise SourceError(f"{path}: not a readable PDF ({type(exc).__name__})") from None


def _caused_by_memory(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors: a MemoryError may be inside another exception."""
    seen: list[BaseException] = []
    stack: list[object] = [exc]
    while stack and len(seen) < 20:
        current = stack.pop()
        if isinstance(current, MemoryError):
            return True
        if isinstance(current, BaseException) and current not in seen:
            seen.append(current)
            stack += [current.__cause__, current.__context__, *current.args[:3]]
    return False


_PDF_COUNTS = re.compile(rb"/(?:Size|Count)\s+(\d{1,30})|/Index\s*\[([\d\s]{1,200})\]")


def _pdf_sanity(path: Path, data: bytes) -> None:
    """Refuse a PDF whose cross-reference or page tree claims more objects than a paper has
    (pdfminer would loop over them all: an 878-byte file can claim two billion)."""
    for m in _PDF_COUNTS.finditer(data):
        numbers = [int(x) for x in (m.group(1) or m.group(2)).split()]
        claimed = numbers[0] if m.group(1) else sum(numbers[1::2])
        if claimed > MAX_PDF_OBJECTS:
            raise SourceError(f"{path}: the PDF claims {claimed:,} objects, more than the limit "
                              f"of {MAX_PDF_OBJECTS:,}")


def pdf_to_text(path: Path, data: bytes) -> str:
    """The text of a PDF's text layer (pdfplumber): paragraphs, headings by font size, tabs.

    pdfminer runs in a child process held to :data:`PDF_BUDGET` (:mod:`..bounded`): a
    decompression bomb, a cross-reference stream that loops, or a crash of the parser is a
    :class:`SourceError` naming the limit, never a hang or the machine's memory.
    """
    _pdf_sanity(path, data)
    try:
        pages = run_bounded(_pdf_pages, path, data, budget=PDF_BUDGET,
                            what=f"{path}: reading the PDF")
    except BudgetExceeded as exc:
        raise SourceError(str(exc)) from None
    lines = [line for page in pages for line in page]
    if not lines:
        raise SourceError(f"{path}: the PDF has no text layer (a scanned document?); "
                          "run OCR on it first or give the text")
    body = statistics.median(size for _, size, _ in lines)
    sizes = sorted({size for _, size, _ in lines if size >= 1.15 * body}, reverse=True)
    out: list[str] = []
    for page in pages:
        prev_top, prev_size = None, body
        for top, size, text in page:
            if size >= 1.15 * body:
                level = min(sizes.index(size) + 1, 6)
                out.extend(["", "#" * level + " " + text, ""])
            else:
                if prev_top is not None and top - prev_top > 1.8 * prev_size:
                    out.append("")
                out.append(text)
            prev_top, prev_size = top, size
        out.append("")
    return _join_wrapped("\n".join(out))


def _join_wrapped(text: str) -> str:
    """Lines of one paragraph (not table rows, not headings) joined by spaces."""
    out: list[str] = []
    for line in text.split("\n"):
        joinable = (out and out[-1] and not out[-1].startswith("#") and "\t" not in out[-1]
                    and line and not line.startswith("#") and "\t" not in line)
        if joinable:
            out[-1] = out[-1].rstrip("-") + line if out[-1].endswith("-") else out[-1] + " " + line
        else:
            out.append(line)
    return "\n".join(out)


def read_source(path: str | Path) -> SourceText:
    """The text of the document at ``path``, read by its kind (suffix, then content)."""
    path = Path(path)
    data = _check_size(path)
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        if data[:5] != b"%PDF-":
            raise SourceError(f"{path}: named .pdf but not a PDF file")
        return SourceText(path, "pdf", pdf_to_text(path, data))
    text = _decode(path, data)
    if "\x00" in text or sum(ch < " " and ch not in "\t\n\r\f" for ch in text) > len(text) / 100:
        raise SourceError(f"{path}: a binary file, not text, Markdown, HTML or PDF")
    head = text.lstrip()[:500].lower()
    if path.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        return SourceText(path, "html", html_to_text(text))
    return SourceText(path, "text", _markdown_tables(text.replace("\r\n", "\n")))


def _is_jats(path: Path, head: str) -> bool:
    return path.suffix.lower() in XML_SUFFIXES or (
        head.startswith("<?xml") or head.startswith("<!doctype article")) and "<article" in head


def read_document(path: str | Path) -> Document:
    """The structured document at ``path``: JATS XML, HTML, PDF or text, by suffix and content.

    JATS (``.nxml``, ``.xml``), HTML and PDF are read into their structure (:mod:`.jats`,
    :mod:`.html_reader`, :mod:`.pdf_reader`); text and Markdown through the plain form
    (:func:`read_source`) and :func:`.textdoc.document_from_text`. :class:`SourceError`
    on bad input.
    """
    from trialrecon.dossier.draft.html_reader import read_html
    from trialrecon.dossier.draft.jats import JatsError, read_jats
    from trialrecon.dossier.draft.pdf_extract import PdfError
    from trialrecon.dossier.draft.pdf_reader import read_pdf
    from trialrecon.dossier.draft.textdoc import document_from_text

    path = Path(path)
    data = _check_size(path)
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        if data[:5] != b"%PDF-":
            raise SourceError(f"{path}: named .pdf but not a PDF file")
        try:
            return read_pdf(path, data)
        except PdfError as exc:
            raise SourceError(f"{path}: {exc}") from exc
    text = _decode(path, data)
    head = text.lstrip()[:2000].lower()
    if _is_jats(path, head):
        try:
            return read_jats(path, data)
        except JatsError as exc:
            raise SourceError(f"{path}: {exc}") from exc
    if path.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        return read_html(path, text)
    source = read_source(path)
    return document_from_text(source.text, path.name, source.kind)
