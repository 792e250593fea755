"""Reading a JATS XML article (PubMed Central ``.nxml``) into a :class:`.document.Document`.

The parser is lxml's with everything that reaches outside the file switched off: no
network, no DTD loading or validation, no entity expansion, libxml2's default depth limit
(256) and no huge-tree mode; the size is bounded before parsing (:data:`.reader.
MAX_SOURCE_BYTES`). Comments and processing instructions are dropped.

What is read (JATS 1.x element names):

- ``front``: the article title, the PMC id and DOI, and the abstract(s): the main
  ``abstract`` (its ``title`` or "Abstract") with its ``sec`` subsections (Background,
  Methods, Findings, Interpretation, ...); another abstract with a title (an author
  summary) as its own section; table-of-contents abstracts and ``trans-abstract`` are left
  out;
- ``body`` and ``floats-group``: ``sec`` with ``label`` and ``title`` as nested sections,
  ``p``, ``list-item``, ``boxed-text``, ``disp-quote``, ``supplementary-material``
  captions, ``fig`` captions, ``table-wrap`` (``label``, ``caption``, every ``table`` with
  ``thead``/``tbody``/``tfoot``, ``th``/``td`` with ``colspan``/``rowspan``,
  ``table-wrap-foot`` with ``fn``/``label``/``p``);
- inline: ``xref ref-type="bibr"`` is a citation mark (never a number of the text);
  ``xref`` to a ``table-fn`` or ``fn`` and a superscript letter or symbol are footnote
  marks; other ``xref`` (a figure, a table) are printed text; superscript digits are
  written as Unicode superscripts (``10⁹/L``); ``sub``, ``inline-formula`` and styled
  text are printed text; ``break`` is a space;
- ``back`` (acknowledgements, references, notes, appendices) is not read.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from trialrecon.dossier.draft.document import Builder, Document, RawCell

Segment = tuple[str, str, str]
_SUP_DIGITS = str.maketrans("0123456789+-−()=", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾⁼")
_MARK_TEXT = re.compile(r"^\s*[a-zA-Z*†‡§¶#‖]{1,2}(?:\s*,\s*[a-zA-Z*†‡§¶#‖]{1,2})*\s*$")
_SEPARATOR = re.compile(r"^[\s,;\-–—]*$")
_INDENT = re.compile(r"^[\s\u00a0\u2002\u2003\u2009\u200a\u2000-\u2008]+")
_BLOCKS = frozenset({"table-wrap", "table-wrap-group", "fig", "fig-group", "list",
                     "disp-formula", "boxed-text", "disp-quote", "supplementary-material",
                     "def-list", "statement", "preformat"})
_SKIP_INLINE = frozenset({"fn", "table-wrap", "fig", "object-id", "graphic", "media",
                          "alt-text", "long-desc", "tex-math"})


class JatsError(ValueError):
    """The file is not a JATS article lxml can parse (the message says why)."""


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True, recover=recover)


def parse(data: bytes) -> etree._Element:
    """The root element of ``data`` parsed safely (see the module docstring)."""
    try:
        root = etree.fromstring(data, _parser(False))
    except etree.XMLSyntaxError as exc:
        root = None
        if "entity" in str(exc.msg).lower():
            try:  # a named entity of the DTD (never loaded): read the rest, the entity left out
                root = etree.fromstring(data, _parser(True))
            except etree.XMLSyntaxError:
                root = None
        if root is None:
            raise JatsError(f"not well-formed XML ({exc.msg})") from exc
    if root is None:
        raise JatsError("no XML element in the file")
    return root


def _tag(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _tag(c) == name]


def _first(el: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if el is None:
            return None
        el = next(iter(_kids(el, name)), None)
    return el


def _text(el: etree._Element | None) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip() if el is not None else ""


# ----------------------------------------------------------------------------- inline


class InlineWalker:
    """Collects the segments of mixed content, printed text and marks; a reader says in
    ``_child`` what each of its inline elements adds (JATS here, HTML in html_reader)."""

    def of(self, el: etree._Element, with_tail: bool = False) -> list[Segment]:
        out: list[Segment] = []
        self._content(el, out)
        if with_tail and el.tail:
            out.append((el.tail, "", ""))
        return merge_marks(out)

    def _content(self, el: etree._Element, out: list[Segment]) -> None:
        if el.text:
            out.append((el.text, "", ""))
        for child in el:
            self._child(child, out)
            if child.tail:
                out.append((child.tail, "", ""))

    def _child(self, el: etree._Element, out: list[Segment]) -> None:
        raise NotImplementedError


class _Inline(InlineWalker):
    """The segments of JATS mixed content: printed text and marks."""

    def __init__(self, fn_labels: dict[str, str]) -> None:
        self.fn_labels = fn_labels  # fn id -> its label, for an xref printed empty

    def _child(self, el: etree._Element, out: list[Segment]) -> None:
        tag = _tag(el)
        if tag in _SKIP_INLINE or not tag:
            return
        if tag == "xref":
            self._xref(el, out)
        elif tag == "sup" and _ordinal(el, out):
            out.append((_text(el), "", ""))  # "30<sup>th</sup>": the ordinal, not a mark
        elif tag == "sup":
            self._sup(el, out)
        elif tag == "break":
            out.append((" ", "", ""))
        elif tag in ("inline-formula", "disp-formula"):
            out.append((" " if tag == "disp-formula" else "", "", ""))
            out.append((_formula_text(el), "", ""))
        elif tag in ("p", "list-item", "title", "label"):
            out.append((" ", "", ""))
            self._content(el, out)
            out.append((" ", "", ""))
        else:
            self._content(el, out)

    def _xref(self, el: etree._Element, out: list[Segment]) -> None:
        kind = el.get("ref-type", "")
        label = _text(el)
        if kind == "bibr":
            out.append(("", "citation", label or el.get("rid", "")))
        elif kind in ("table-fn", "fn"):
            rid = (el.get("rid") or "").split()
            label = label or next((self.fn_labels[r] for r in rid if r in self.fn_labels), "")
            if label:
                out.append(("", "footnote", label))
        else:
            self._content(el, out)

    def _sup(self, el: etree._Element, out: list[Segment]) -> None:
        inner: list[Segment] = []
        self._content(el, inner)
        if any(kind for _, kind, _ in inner) and all(kind or _SEPARATOR.match(text)
                                                     for text, kind, _ in inner):
            out.extend(inner)  # a superscript holding only references or note marks
            return
        text = "".join(t for t, k, _ in inner if not k)
        if _MARK_TEXT.match(text):
            out.append(("", "footnote", re.sub(r"\s+", "", text)))
        elif re.fullmatch(r"[\d+\-−()=\s]+", text):
            out.append((text.strip().translate(_SUP_DIGITS), "", ""))
        else:
            out.extend(inner)


def _ordinal(el: etree._Element, before: list[Segment]) -> bool:
    """A superscript ``st``/``nd``/``rd``/``th`` right after a digit (``30th``, ``2nd``)."""
    return bool(before) and not before[-1][1] and before[-1][0][-1:].isdigit() and \
        _text(el).lower() in ("st", "nd", "rd", "th")


def _formula_text(el: etree._Element) -> str:
    """A formula's printed text: its MathML (or, lacking one, its TeX) characters."""
    math = [m for m in el.iter() if _tag(m) == "math"]
    if math:
        return re.sub(r"\s+", " ", "".join(math[0].itertext())).strip()
    return _text(el)


def merge_marks(segments: list[Segment]) -> list[Segment]:
    """Adjacent marks of one kind joined ("1", "-", "3" -> "1-3"); brackets round them gone.

    ``[12, 13]`` and ``(12)`` around citation marks are the citation's own punctuation,
    not text of the sentence, so they go with the marks.
    """
    out: list[Segment] = []
    for seg in segments:
        text, kind, label = seg
        if kind and out and out[-1][1] == kind:
            out[-1] = ("", kind, out[-1][2] + label)
            continue
        if kind and len(out) >= 2 and out[-2][1] == kind and _SEPARATOR.match(out[-1][0]) \
                and "\n" not in out[-1][0]:
            sep = out.pop()[0].strip()
            out[-1] = ("", kind, out[-1][2] + (sep if sep in "-–—" else sep + " ") + label)
            continue
        out.append(seg)
    # brackets that hold only citation marks
    for i, (_, kind, _) in enumerate(out):
        if kind != "citation" or i == 0 or i + 1 >= len(out):
            continue
        before, after = out[i - 1][0], out[i + 1][0]
        if re.search(r"[\[(]\s*$", before) and re.match(r"^\s*[\])]", after) \
                and not out[i - 1][1] and not out[i + 1][1]:
            out[i - 1] = (re.sub(r"\s*[\[(]\s*$", "", before), "", "")
            out[i + 1] = (re.sub(r"^\s*[\])]", "", after), "", "")
    return out


# ------------------------------------------------------------------------------ blocks


class _Reader:
    def __init__(self, builder: Builder, inline: _Inline) -> None:
        self.b, self.inline, self.tables, self.figures = builder, inline, 0, 0

    def flow(self, el: etree._Element, level: int, kind: str = "body") -> None:
        """The block content of ``el`` (a body, section, abstract, boxed text)."""
        for child in el:
            self.element(child, level, kind)

    def element(self, el: etree._Element, level: int, kind: str) -> None:
        tag = _tag(el)
        if tag == "sec":
            self.section(el, level, kind)
        elif tag == "p":
            self.paragraph(el, level, kind)
        elif tag in ("table-wrap", "table-wrap-group"):
            if tag == "table-wrap-group":
                for tw in el.iter():
                    if _tag(tw) == "table-wrap":
                        self.table(tw)
            else:
                self.table(el)
        elif tag in ("fig", "fig-group"):
            for fig in ([el] if tag == "fig" else [f for f in el if _tag(f) == "fig"]):
                self.figure(fig)
        elif tag in ("list", "def-list"):
            for item in el:
                if _tag(item) in ("list-item", "def-item"):
                    self.b.block(self.inline.of(item), "list_item")
        elif tag in ("boxed-text", "disp-quote", "statement"):
            # a panel set apart from the running text: the section goes on after it
            title = _first(el, "caption", "title")
            title = title if title is not None else _first(el, "title")
            self.b.open_panel(self.inline.of(title) if title is not None else [])
            for child in el:
                if _tag(child) not in ("caption", "title", "label"):
                    self.element(child, level, kind)
            self.b.close_panel()
        elif tag == "supplementary-material":
            caption = _first(el, "caption")
            parts = [_first(el, "label"), caption]
            segs = [s for p in parts if p is not None for s in self.inline.of(p) + [(" ", "",
                                                                                   "")]]
            self.b.block(segs, "supplementary")
        elif tag == "disp-formula":
            self.b.block([(_formula_text(el), "", "")], "other")

    def section(self, el: etree._Element, level: int, kind: str) -> None:
        title = _first(el, "title")
        label = _first(el, "label")
        heading = " ".join(t for t in (_text(label), _text(title)) if t)
        if heading:
            self.b.open_section(heading, level, kind)
            self.flow(el, level + 1, kind)
            self.b.close_to(level)
        else:
            self.flow(el, level, kind)

    def paragraph(self, el: etree._Element, level: int, kind: str) -> None:
        """A ``p``, split where a block (a table, a list) stands inside it."""
        segs: list[Segment] = []
        if el.text:
            segs.append((el.text, "", ""))
        for child in el:
            if _tag(child) in _BLOCKS:
                self.b.block(merge_marks(segs))
                segs = []
                self.element(child, level, kind)
            else:
                self.inline._child(child, segs)  # (after the text before it: "30<sup>th")
            if child.tail:
                segs.append((child.tail, "", ""))
        self.b.block(merge_marks(segs))

    def figure(self, el: etree._Element) -> None:
        self.figures += 1
        label = _text(_first(el, "label")) or f"Figure {self.figures}"
        caption = _first(el, "caption")
        segs: list[Segment] = []
        if caption is not None:
            for part in caption:
                if _tag(part) in ("title", "p"):
                    segs.extend(self.inline.of(part) + [(" ", "", "")])
        self.b.figure(label, merge_marks(segs))

    def table(self, el: etree._Element) -> None:
        self.tables += 1
        label = _text(_first(el, "label")).rstrip(".:") or f"Table {self.tables}"
        caption = _first(el, "caption")
        segs: list[Segment] = []
        if caption is not None:
            for part in caption:
                if _tag(part) in ("title", "p"):
                    segs.extend(self.inline.of(part) + [(" ", "", "")])
        rows, heads = [], 0
        tables = [t for t in el.iter() if _tag(t) == "table"]
        for table in tables[:1] + [t for t in tables[1:] if len(tables) > 1]:
            for part in table.iter():
                tag = _tag(part)
                if tag != "tr":
                    continue
                parent = _tag(part.getparent())
                header = parent == "thead"
                cells = [self.cell(td, header) for td in part if _tag(td) in ("td", "th")]
                if header and len(rows) == heads:
                    heads += 1
                rows.append(cells)
        notes = self.notes(el)
        self.b.table(label, merge_marks(segs), rows, notes, heads or None)

    def cell(self, td: etree._Element, header: bool) -> RawCell:
        segs = self.inline.of(td)
        first = segs[0][0] if segs and not segs[0][1] else ""
        indent = len(_INDENT.match(first).group()) if _INDENT.match(first) else 0
        return RawCell(tuple(segs), _int(td.get("rowspan")), _int(td.get("colspan")),
                       header or _tag(td) == "th", indent, emphasis(td, _EMPHASIS))

    def notes(self, el: etree._Element) -> list[tuple[str, list[Segment]]]:
        out: list[tuple[str, list[Segment]]] = []
        for foot in [f for f in el.iter() if _tag(f) == "table-wrap-foot"]:
            for item in foot.iter():
                tag = _tag(item)
                parent = _tag(item.getparent())
                if tag == "fn":
                    label = _text(_first(item, "label"))
                    segs = [s for p in item if _tag(p) != "label"
                            for s in self.inline.of(p, with_tail=False) + [(" ", "", "")]]
                    if not label:
                        label = self.inline.fn_labels.get(item.get("id", ""), "")
                    out.extend(_split_notes(label, segs))
                elif tag == "p" and parent in ("table-wrap-foot", "fn-group"):
                    out.extend(_split_notes("", self.inline.of(item)))
        return out


# A note mark printed as a plain character: at the start of a note, or after the end of a
# sentence or of a list item ("...; †These six patients", "§The disease control rate").
_PRINTED_MARK = re.compile(r"(?:^|(?<=[.;:]))(\s*)([*†‡§¶#‖]{1,2}|[¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠ])\s*"
                           r"(?=[A-Za-z0-9(])")
_SUPERSCRIPT_MARKS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠ", "123456789abcdef")


def printed_marks(segs: list[Segment], given: str = "") -> list[Segment]:
    """Note marks printed as plain characters in ``segs`` made marks (see _PRINTED_MARK).

    Only the first text segment and text after a sentence end are read: a ``*`` inside a
    sentence ("P<0·05*") is left as printed. A note whose mark is ``given`` (its label) keeps
    another character printed at its start as text ("d: * agreement ..., ** discordance").
    """
    joined: list[Segment] = []
    for seg in segs:  # runs of printed text read as one ("¹" from a <sup>, then "Fisher")
        if joined and not seg[1] and not joined[-1][1]:
            joined[-1] = (joined[-1][0] + seg[0], "", "")
        else:
            joined.append(seg)
    segs = joined
    out: list[Segment] = []
    for i, (text, kind, label) in enumerate(segs):
        if kind:
            out.append((text, kind, label))
            continue
        first = not any(t.strip() or k for t, k, _ in segs[:i])
        pos = 0
        for m in _PRINTED_MARK.finditer(text):
            if m.start() == 0 and not first or first and m.start() == 0 and given and \
                    m.group(2) != given:
                continue
            out.append((text[pos:m.start()] + m.group(1), "", ""))
            out.append(("", "footnote", m.group(2).translate(_SUPERSCRIPT_MARKS)))
            pos = m.end()
        out.append((text[pos:], "", ""))
    return [s for s in out if s[0] or s[1]]


def _split_notes(mark: str, segs: list[Segment]) -> list[tuple[str, list[Segment]]]:
    """One note per mark: a paragraph ``ᵃ text. ᵇ text.`` holds two notes."""
    out: list[tuple[str, list[Segment]]] = []
    current: list[Segment] = []
    for seg in merge_marks(printed_marks(segs, mark)):
        text, kind, label = seg
        if kind == "footnote" and (current and "".join(t for t, _, _ in current).strip()
                                   or not mark):
            if "".join(t for t, _, _ in current).strip() or mark:
                out.append((mark, current))
            mark, current = label, []
        elif kind == "footnote" and not current:
            mark = mark or label
        else:
            current.append(seg)
    if "".join(t for t, _, _ in current).strip():
        out.append((mark, current))
    return out


_EMPHASIS = {"italic": "italic", "bold": "bold"}
# what prints no word of a cell: marks, citations, a line break
_NOT_WORDS = frozenset({"xref", "sup", "break", "br", "fn"})


def emphasis(el: etree._Element, tags: dict[str, str]) -> str:
    """The emphasis every printed word of ``el`` has ("bold", "italic", "bold italic"; ""
    when one word is set plain). ``tags`` maps an element name to the emphasis it gives.

    Marks and citations are not words; a cell with no word has none.
    """
    found: list[frozenset[str]] = []

    def walk(node: etree._Element, around: frozenset[str]) -> None:
        if re.search(r"[^\W_]", node.text or ""):
            found.append(around)
        for child in node:
            tag = _tag(child)
            if tag and tag not in _NOT_WORDS:  # (a comment prints nothing)
                walk(child, around | ({tags[tag]} if tag in tags else set()))
            if re.search(r"[^\W_]", child.tail or ""):
                found.append(around)

    walk(el, frozenset())
    common = frozenset.intersection(*found) if found else frozenset()
    return " ".join(sorted(common))


def _int(value: str | None) -> int:
    try:
        return max(0, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


def _fn_labels(root: etree._Element) -> dict[str, str]:
    """{fn id: label}, and for a fn without a label, the text of an xref pointing at it."""
    labels = {fn.get("id", ""): _text(_first(fn, "label")) for fn in root.iter()
              if _tag(fn) == "fn" and fn.get("id")}
    for xref in root.iter():
        if _tag(xref) == "xref" and xref.get("ref-type") in ("table-fn", "fn"):
            for rid in (xref.get("rid") or "").split():
                if rid in labels and not labels[rid] and _text(xref):
                    labels[rid] = _text(xref)
    return {k: v for k, v in labels.items() if v}


def read_jats(path: Path, data: bytes) -> Document:
    """The document of the JATS article ``data`` (from ``path``)."""
    root = parse(data)
    if _tag(root) != "article":
        found = next((e for e in root.iter() if _tag(e) == "article"), None)
        if found is None:
            raise JatsError(f"no <article> element (the root is <{_tag(root)}>)")
        root = found
    builder = Builder(path.name, "jats")
    inline = _Inline(_fn_labels(root))
    reader = _Reader(builder, inline)
    meta = _first(root, "front", "article-meta")
    if meta is not None:
        title = _first(meta, "title-group", "article-title")
        if title is not None:
            builder.set_title(inline.of(title))
        for aid in _kids(meta, "article-id"):
            builder.meta.append((aid.get("pub-id-type", ""), _text(aid)))
        _abstracts(meta, reader)
    for part in ("body", "floats-group"):
        el = _first(root, part)
        if el is not None:
            builder.close_to(1)
            reader.flow(el, 1)
    return builder.build()


def _abstracts(meta: etree._Element, reader: _Reader) -> None:
    main_done = False
    for ab in _kids(meta, "abstract"):
        kind = ab.get("abstract-type", "")
        title = _text(_first(ab, "title"))
        if not main_done and kind in ("", "structured", "summary", "executive-summary"):
            reader.b.open_section(title or "Abstract", 1, "abstract")
            main_done = True
            reader.flow(ab, 2, "abstract")
        elif title and kind not in ("toc", "teaser", "graphical"):
            reader.b.open_section(title, 1, "body")
            reader.flow(ab, 2, "body")
        reader.b.close_to(1)
