"""Reading a source document as plain text: text and Markdown, HTML, PDF.

Every reader produces the same plain text (:mod:`.layout` reads it): one line per
paragraph, heading or table row, table cells separated by tabs, headings whose level is
known written with Markdown ``#``. A PDF is read once, by PDFium in a bounded child process
(:mod:`.pdf_extract`, :mod:`.pdf_reader`): its plain text is the text of the structured
document the drafter reads, not a second reading by another engine. Bad input (an empty
or binary file, a PDF without a text layer, a file above :data:`MAX_SOURCE_BYTES`, a PDF
beyond the reader's bounds) raises :class:`SourceError` with one sentence saying what is
wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from trialrecon.dossier import safe_read

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Document

MAX_SOURCE_BYTES = 25_000_000  # a paper's PDF with figures is a few MB; its text far less
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


def _read_pdf(path: Path, data: bytes) -> Document:
    """The structured document of a PDF (:mod:`.pdf_reader`: PDFium in a bounded child
    process, :mod:`.pdf_extract`); its limits (pages, glyphs, memory, time) and every way
    the file cannot be read become one :class:`SourceError` naming the file."""
    from trialrecon.dossier.draft.pdf_extract import PdfError
    from trialrecon.dossier.draft.pdf_reader import read_pdf

    if data[:5] != b"%PDF-":
        raise SourceError(f"{path}: named .pdf but not a PDF file")
    try:
        return read_pdf(path, data)
    except PdfError as exc:
        raise SourceError(f"{path}: {exc}") from exc


def pdf_to_text(path: Path, data: bytes) -> str:
    """The plain text of a PDF: the text of the document the structured reader builds
    (:func:`_read_pdf`), so what the transcription audit searches is what the drafter read,
    from one PDF engine under one set of bounds."""
    return _read_pdf(path, data).text


def read_source(path: str | Path) -> SourceText:
    """The text of the document at ``path``, read by its kind (suffix, then content)."""
    path = Path(path)
    data = _check_size(path)
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
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
    from trialrecon.dossier.draft.textdoc import document_from_text

    path = Path(path)
    data = _check_size(path)
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        return _read_pdf(path, data)
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
