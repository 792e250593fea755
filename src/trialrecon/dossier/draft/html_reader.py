"""Reading a journal's HTML page into a :class:`.document.Document` (lxml.html).

lxml's HTML parser reads the page (no network; scripts, styles, templates, navigation and
forms are dropped before reading). The same structures as in JATS are found in the usual
publisher markup:

- headings ``h1``-``h6`` open sections at their level (the first ``h1`` is the title when
  no ``<title>``/``citation_title`` says otherwise); a section named Abstract or Summary
  (or an element whose id or class says abstract) is the Abstract, its sub-headings its
  structured parts; References, Acknowledgements and similar back matter are not read;
- ``p``, ``li``, ``blockquote``, ``figcaption``, ``dd`` are blocks; a ``div`` holding text
  directly is one too;
- ``table``: the label and caption from its ``caption``, or from the "Table N" text right
  before it (a heading, a caption ``div``, a paragraph); rows from ``thead``, ``tbody``,
  ``tfoot``; ``th``/``td`` with ``colspan``/``rowspan``; the header from ``thead`` or the
  rows of ``th`` cells (else :mod:`.tables` reads it from the cells); footnotes from
  ``tfoot`` rows holding one cell and from the note-like paragraphs right after the table
  (a mark, "Abbreviations", "Data are", "Note"...), unmarked lines included;
- marks: a superscript or link pointing at a reference (``#B12``, ``#ref12``, ``#CR12``,
  ``#bib12``) is a citation; in running text a superscript of digits is one too; a
  superscript letter or symbol is a footnote mark; in a table cell superscript digits are
  printed (``10⁹``) unless they link to a note.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from trialrecon.dossier.draft.document import Builder, Document, RawCell
from trialrecon.dossier.draft.jats import (
    _INDENT,
    _MARK_TEXT,
    _SUP_DIGITS,
    InlineWalker,
    Segment,
    emphasis,
)

_DROP = ("script", "style", "noscript", "template", "svg", "nav", "form", "button",
         "iframe", "object", "math-alt")
_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "figcaption", "dd", "dt", "pre"})
_CONTAINERS = frozenset({"div", "section", "article", "main", "body", "figure", "ul", "ol",
                         "dl", "header", "footer", "aside", "span", "font", "center"})
# a boxed text set apart from the running text: <aside>, or a container whose class or id
# says so (PMC's "boxed-text", a publisher's "box", "sidebar")
_PANEL = re.compile(r"^aside\b|(?:[\s_-]|^)(?:boxed[-_]?text|box|sidebar|text-?box)"
                    r"(?:$|[\s_-])", re.IGNORECASE)
_REF_LINK = re.compile(r"#(?:b|B|r|R|ref|Ref|CR|cr|bib|Bib|c)\d", re.ASCII)
_TABLE_LABEL = re.compile(r"^\s*((?:TABLE|Table)\s+[0-9IVXLA-Z]+[a-z]?)\b[.:|]?\s*(.*)$", re.S)
_FIG_LABEL = re.compile(r"^\s*((?:FIGURE|Figure|FIG\.?|Fig\.?)\s+\d+[A-Za-z]?)\b[.:|]?\s*(.*)$",
                        re.S)
_NOTE_START = re.compile(r"^\s*(?:[a-z*†‡§¶#]\s|Abbreviations?\b|Data are\b|Values are\b|"
                         r"Results are\b|Note[sd]?\b|NOTE\b|Source\b|Percentages\b)")
BACK_MATTER = re.compile(r"^\s*(?:\d+\.?\s*)?(references?|bibliography|acknowledge?ments?|"
                         r"literature cited|footnotes|author contributions|competing interests|"
                         r"conflicts? of interest|declaration of interests?)\s*$", re.I)


_EMPHASIS = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold"}


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


class _Inline(InlineWalker):
    """The segments of HTML mixed content: printed text and marks."""

    def __init__(self, in_table: bool = False) -> None:
        self.in_table = in_table

    def _child(self, el: etree._Element, out: list[Segment]) -> None:
        tag = _tag(el)
        if not tag or tag in _DROP or tag == "table":
            return
        if tag == "br":
            out.append((" ", "", ""))
        elif tag == "sup":
            self._sup(el, out)
        elif tag == "a" and _REF_LINK.search(el.get("href", "")) and \
                re.fullmatch(r"[\d,\s\-–]+", _text(el) or "x"):
            out.append(("", "citation", _text(el)))
        elif tag in ("p", "div", "li"):
            out.append((" ", "", ""))
            self._content(el, out)
            out.append((" ", "", ""))
        else:
            self._content(el, out)

    def _sup(self, el: etree._Element, out: list[Segment]) -> None:
        text = _text(el)
        links = [a.get("href", "") for a in el.iter("a")]
        if any(_REF_LINK.search(h) for h in links) or (
                not self.in_table and re.fullmatch(r"\d+(?:\s*[,\-–]\s*\d+)*", text)):
            out.append(("", "citation", text))
        elif _MARK_TEXT.match(text) or (self.in_table and links and text):
            out.append(("", "footnote", re.sub(r"\s+", "", text)))
        elif re.fullmatch(r"[\d+\-−()=\s]+", text):
            out.append((text.strip().translate(_SUP_DIGITS), "", ""))
        else:
            self._content(el, out)


def parse_html(data: str) -> etree._Element:
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                  recover=True)
    root = lxml.html.document_fromstring(data, parser=parser)
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    return root


class _Reader:
    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.inline = _Inline()
        self.tables = self.figures = 0
        self.skip_level = 0  # inside a back-matter section of this level
        self.abstract_level = 0
        self.pending_label: tuple[str, list[Segment]] | None = None
        self.consumed: set[int] = set()
        # the consumed elements themselves: lxml makes a new proxy object for an element no
        # one holds, and a new proxy may reuse a freed one's id()
        self.held: list[etree._Element] = []

    def walk(self, el: etree._Element) -> None:
        for child in el:
            if id(child) in self.consumed:
                continue
            self.element(child)

    def element(self, el: etree._Element) -> None:
        tag = _tag(el)
        heading = re.fullmatch(r"h([1-6])", tag)
        if heading:
            self.heading(el, int(heading.group(1)))
        elif self.skip_level:
            if tag in _CONTAINERS:
                self.walk(el)
        elif tag == "table":
            self.table(el)
        elif tag in _BLOCK_TAGS:
            self.block(el)
        elif tag in _CONTAINERS and _PANEL.search(f"{tag} {el.get('class', '')} "
                                                  f"{el.get('id', '')}"):
            self.panel(el)
        elif tag in _CONTAINERS:
            self.container(el)

    def panel(self, el: etree._Element) -> None:
        """A boxed text ("Research in context"): its title names it; no section opens."""
        first = next((d for d in el.iterdescendants() if _tag(d) in _BLOCK_TAGS or re.fullmatch(
            r"h[1-6]", _tag(d)) or re.search(r"\b(?:caption|title)\b", d.get("class", "") or "")),
                     None)  # the title is what the panel starts with: a heading, a caption
        title = first if first is not None and _tag(first) not in _BLOCK_TAGS else None
        if title is not None:
            self.consumed.add(id(title))
            self.held.append(title)
        self.b.open_panel(self.inline.of(title) if title is not None else [])
        self.container(el)
        self.b.close_panel()

    def heading(self, el: etree._Element, level: int) -> None:
        text = _text(el)
        if not text:
            return
        if self.skip_level and level > self.skip_level:
            return
        self.skip_level = 0
        if level == 1 and not self.b.title and not self.b.sections:
            self.b.set_title(self.inline.of(el))
            return
        if _TABLE_LABEL.match(text) or _FIG_LABEL.match(text):
            self.label_text(el)
            return
        if BACK_MATTER.match(text):
            self.skip_level = level
            return
        if self.abstract_level and level <= self.abstract_level:
            self.abstract_level = 0
        kind = "abstract" if self.abstract_level else "body"
        if re.fullmatch(r"(?i)\s*(abstract|summary)\s*", text):
            self.abstract_level, kind = level, "abstract"
        self.b.open_section(text, self._level(level), kind)

    def _level(self, h: int) -> int:
        return max(1, h - 1) if self.b.title else h

    def container(self, el: etree._Element) -> None:
        marker = f"{el.get('id', '')} {el.get('class', '')}".lower()
        if "abstract" in marker and not self.abstract_level and not any(
                s.kind == "abstract" for s in self.b.sections):
            has_heading = any(re.fullmatch(r"h[1-6]", _tag(h)) and
                              re.fullmatch(r"(?i)\s*(abstract|summary)\s*", _text(h))
                              for h in el.iter())
            if not has_heading:
                self.b.open_section("Abstract", 1, "abstract")
                self.abstract_level = 1
        has_text = bool(el.text and el.text.strip()) or any(
            c.tail and c.tail.strip() for c in el)
        blocky = any(_tag(d) in _BLOCK_TAGS or _tag(d) in ("div", "table", "section") or
                     re.fullmatch(r"h[1-6]", _tag(d)) for d in el.iterdescendants())
        if has_text and not blocky:
            self.block(el)  # text straight in a div (a caption, a note): a paragraph
            return
        self.walk(el)

    def label_text(self, el: etree._Element) -> None:
        self.pending_label = (_text(el), self.inline.of(el))

    def block(self, el: etree._Element) -> None:
        text = _text(el)
        if not text:
            return
        fig = _FIG_LABEL.match(text)
        if (_TABLE_LABEL.match(text) and len(text) < 400 and self._table_follows(el)):
            self.label_text(el)
            return
        if fig and len(text) < 2000 and _tag(el) in ("figcaption", "p", "div"):
            self.figures += 1
            segs = self.inline.of(el)
            label = fig.group(1)
            first = segs[0][0] if segs and not segs[0][1] else ""
            if first.strip().startswith(label):
                segs[0] = (first.strip()[len(label):].lstrip(" .:|"), "", "")
            self.b.figure(label, segs)
            return
        kind = "list_item" if _tag(el) == "li" else "boxed" if _tag(el) == "blockquote" \
            else "paragraph"
        self.b.block(self.inline.of(el), kind)

    def _table_follows(self, el: etree._Element) -> bool:
        nxt = el.getnext()
        for _ in range(3):
            if nxt is None:
                parent = el.getparent()
                nxt = parent.getnext() if parent is not None else None
                if nxt is None:
                    return False
            if _tag(nxt) == "table" or nxt.find(".//table") is not None:
                return True
            nxt = nxt.getnext()
        return False

    def table(self, el: etree._Element) -> None:
        self.tables += 1
        cap = el.find("caption")
        label, caption = f"Table {self.tables}", []
        source = (_text(cap), _Inline().of(cap)) if cap is not None else self.pending_label
        self.pending_label = None
        if source is not None:
            m = _TABLE_LABEL.match(source[0])
            segs = list(source[1])
            if m:
                label = re.sub(r"\s+", " ", m.group(1))
                first = segs[0][0] if segs and not segs[0][1] else ""
                if first.strip().startswith(m.group(1)):
                    segs[0] = (first.strip()[len(m.group(1)):].lstrip(" .:|"), "", "")
            caption = segs
        rows, heads, notes = self._rows(el)
        notes += self._notes_after(el)
        self.b.table(label, caption, rows, notes, heads or None)

    def _rows(self, el: etree._Element) -> tuple[list[list[RawCell]], int,
                                                 list[tuple[str, list[Segment]]]]:
        rows: list[list[RawCell]] = []
        heads, notes = 0, []
        cell_inline = _Inline(in_table=True)
        for tr in el.iter("tr"):
            if _ancestor_table(tr) is not el:
                continue
            section = tr.getparent()
            part = _tag(section) if section is not None else ""
            tds = [td for td in tr if _tag(td) in ("td", "th")]
            if part == "tfoot" and len(tds) == 1:
                notes.extend(_split(cell_inline.of(tds[0])))
                continue
            head = part == "thead"
            cells = []
            for td in tds:
                segs = cell_inline.of(td)
                first = segs[0][0] if segs and not segs[0][1] else ""
                m = _INDENT.match(first)
                style = (td.get("style", "") + " " + td.get("class", "")).lower()
                indent = len(m.group()) if m else 0
                if re.search(r"padding-left:\s*[1-9]|text-indent:\s*[1-9]|indent", style):
                    indent = max(indent, 1)
                cells.append(RawCell(tuple(segs), _int(td.get("rowspan")),
                                     _int(td.get("colspan")), head or _tag(td) == "th",
                                     indent, emphasis(td, _EMPHASIS)))
            if head and len(rows) == heads:
                heads += 1
            rows.append(cells)
        return rows, heads, notes

    def _notes_after(self, el: etree._Element) -> list[tuple[str, list[Segment]]]:
        """The note-like paragraphs right after the table (or its wrapper)."""
        notes: list[tuple[str, list[Segment]]] = []
        anchor = el
        while anchor.getnext() is None and anchor.getparent() is not None and \
                _tag(anchor.getparent()) in ("div", "figure") and \
                len(anchor.getparent().findall(".//table")) == 1:
            anchor = anchor.getparent()
        nxt = anchor.getnext()
        while nxt is not None:
            text = _text(nxt)
            if _tag(nxt) == "table" or nxt.find(".//table") is not None or \
                    re.fullmatch(r"h[1-6]", _tag(nxt)):
                break
            segs = _Inline(in_table=True).of(nxt)
            starts_marked = bool(segs) and segs[0][1] == "footnote" or (
                len(segs) > 1 and not segs[0][0].strip() and segs[1][1] == "footnote")
            if not text or not (starts_marked or _NOTE_START.match(text)):
                break
            notes.extend(_split(segs))
            self.consumed.add(id(nxt))
            self.held.append(nxt)
            nxt = nxt.getnext()
        return notes


def _split(segs: list[Segment]) -> list[tuple[str, list[Segment]]]:
    from trialrecon.dossier.draft.jats import _split_notes

    return _split_notes("", segs)


def _ancestor_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and _tag(parent) != "table":
        parent = parent.getparent()
    return parent


def _int(value: str | None) -> int:
    try:
        return max(0, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


def read_html(path: Path, text: str) -> Document:
    """The document of the HTML page ``text`` (from ``path``)."""
    root = parse_html(text)
    builder = Builder(path.name, "html")
    meta_title = root.xpath("//meta[@name='citation_title']/@content")
    if meta_title:
        builder.set_title([(str(meta_title[0]), "", "")])
    body = root.find("body")
    _Reader(builder).walk(body if body is not None else root)
    return builder.build()
