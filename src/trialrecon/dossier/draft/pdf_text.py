"""A PDF's lines in reading order read as headings, paragraphs, list items and captions.

- **Body text** is the size most of the glyphs are set in.
- **A heading** is a short line (14 words at most, no closing full stop or comma) set apart
  from the body by its font: larger, bold, italic, small capitals or capitals; a bold or
  italic heading at the body's size must also stand on its own (the line before it closes
  a paragraph, the line itself stops short of the column's edge). Lines of one heading
  style right under each other are one heading. Small capitals are read back as written
  (``R`` large and ``ESULTS`` small is ``Results``, never a heading ``R``).
- **A run-in heading** is a bold run at the start of a paragraph (at most 8 words, ending
  in a colon or full stop, or followed by roman text): ``Background:`` heads its paragraph.
- **Paragraphs**: a line continues the paragraph above unless it is indented, a clear gap
  stands above it, the line above stopped short of the column's edge (in justified text),
  or its size differs. Lines are joined with a space; a word broken at a line end by a
  hyphen is joined without it when the document prints the whole word elsewhere, when the
  hyphen is a soft one (U+2010, U+00AD), or when its first half is not a word of the
  document (``chemothe-`` ``rapy``), and keeps it when it is printed hyphenated elsewhere,
  its first half is a word (``two-`` ``thirds``) or it joins a number in words
  (``Fifty-`` ``six``).
- **Lists**: a line starting with a bullet starts a list item (the bullet dropped).
- **Captions**: a paragraph starting with ``Figure 2:`` (``Fig. 2.``; the label bold or
  followed by punctuation) is a figure caption.

Part of the input layer: imports only :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace

from trialrecon.dossier.draft.pdf_layout import Line, Region, _make_line, spaced
from trialrecon.dossier.draft.pdf_marks import (
    Segment,
    bracket_citations,
    glyph_segments,
    plain_text,
)

FIGURE = re.compile(r"^\s*((?:Supplementary\s+|Extended Data\s+)?(?:Figure|FIGURE|Figs?\.?|FIG\.?))"
                    r"\s*([A-Z]?\d{1,3}[A-Za-z]?(?:[–-]\d{1,3})?)(?:\s*[.:|]|\s|$)")
_BULLET = re.compile(r"^\s*[•▪◦●■\u2022\u25aa]\s*")
_WORD = re.compile(r"[^\W\d_][\w'’‐-]*[^\W\d_]|[^\W\d_]")
_TENS = frozenset("twenty thirty forty fifty sixty seventy eighty ninety".split())
_UNITS = frozenset("one two three four five six seven eight nine".split())


@dataclass(frozen=True)
class Style:
    """How a line is set: size, weight, slant, capitals ("small", "all" or "")."""

    size: float
    bold: bool
    italic: bool
    caps: str
    runin: bool = False

    @property
    def font(self) -> tuple[float, bool, bool]:
        """Size, weight and slant: what the lines of one wrapped heading share."""
        return (self.size, self.bold, self.italic)

    def prominence(self) -> tuple[float, int, int, int, int]:
        return (self.size, bool(self.caps), self.bold, not self.runin, self.italic)


@dataclass
class Item:
    """A piece of the paper's flow: a heading, a paragraph, a list item, a table..."""

    kind: str  # "heading" | "paragraph" | "list_item" | "figure" | "region"
    lines: list[Line] = field(default_factory=list)
    style: Style | None = None
    region: Region | None = None
    text: str = ""  # a heading's text
    segments: list[Segment] = field(default_factory=list)
    label: str = ""  # a figure caption's label


def _small_caps(glyphs: list) -> bool:
    letters = [g for g in glyphs if g.text.isalpha()]
    sizes = sorted({round(g.size, 1) for g in letters})
    if len(sizes) < 2 or not 0.55 <= sizes[0] / sizes[-1] <= 0.9:
        return False
    big = [g for g in letters if g.size > (sizes[0] + sizes[-1]) / 2]
    return bool(big) and all(g.text.isupper() for g in big)


def style_of(line: Line) -> Style:
    main = line.main_glyphs() or line.glyphs
    size = round(max(g.size for g in main) * 2) / 2
    bold = sum(g.bold for g in main) >= 0.9 * len(main)
    italic = sum(g.italic for g in main) >= 0.9 * len(main)
    letters = [g.text for g in main if g.text.isalpha()]
    caps = "small" if _small_caps(main) else (
        "all" if len(letters) >= 3 and all(c.isupper() for c in letters) else "")
    if caps == "small":
        size = round(max(g.size for g in main) * 2) / 2
    return Style(size, bold, italic, caps)


def heading_text(line: Line) -> str:
    """A heading's words as written: small capitals read back to lower case, a printed
    superscript kept (``HR⁺``), a citation or note mark left out."""
    glyphs = list(line.glyphs)
    main = line.main_glyphs() or line.glyphs
    if _small_caps(main):
        top = max(g.size for g in main)
        glyphs = [replace(g, text=g.text.lower()) if s == 0 and g.size < 0.92 * top else g
                  for g, s in zip(line.glyphs, line.scripts, strict=True)]
    return " ".join(plain_text(glyph_segments(glyphs, line.scripts)).split())


class Flow:
    """The reader of a document's flow (see the module docstring)."""

    def __init__(self, lines: list[Line]) -> None:
        counts: Counter[float] = Counter()
        bold = 0
        for ln in lines:
            counts[round(ln.size * 2) / 2] += len(ln.glyphs)
            bold += sum(g.bold for g in ln.glyphs)
        total = sum(counts.values()) or 1
        self.body = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0] if counts else 10.0
        self.body_bold = bold > 0.5 * total
        self.pitch = self._pitch(lines)
        self.justified = self._justified(lines)
        self.words: Counter[str] = Counter()
        for ln in lines:  # words, and the parts of hyphenated words ("two" of "two-sided")
            for w in _WORD.findall(ln.text.lower()):
                self.words[w] += 1
                if "-" in w or "‐" in w:
                    self.words.update(p for p in re.split(r"[-‐]", w) if p)

    def _pitch(self, lines: list[Line]) -> float:
        diffs = [b.base - a.base for a, b in zip(lines, lines[1:], strict=False)
                 if a.page == b.page and a.col == b.col and abs(a.size - self.body) < 0.3
                 and abs(b.size - self.body) < 0.3 and 0.9 * self.body < b.base - a.base
                 < 2.0 * self.body]
        return statistics.median(diffs) if diffs else 1.2 * self.body

    def _justified(self, lines: list[Line]) -> bool:
        body = [ln for ln in lines if abs(ln.size - self.body) < 0.3 and ln.col_x1 > ln.col_x0]
        flush = sum(ln.x1 > ln.col_x1 - 0.8 * ln.size for ln in body)
        return bool(body) and flush > 0.5 * len(body)

    # ------------------------------------------------------------------ classifying

    def is_heading(self, line: Line, prev: Line | None, closed: bool,
                   nxt: Line | None = None) -> bool:
        text = line.text.strip()
        if not text or len(text.split()) > 14 or len(text) > 120 or not re.search(
                r"[^\W\d_]", text):
            return False
        if FIGURE.match(text) or re.match(r"^\s*(Table|TABLE)\s+\d", text) or \
                _BULLET.match(text):
            return False
        style = style_of(line)
        bigger = style.size >= self.body + 0.9
        wrapped = nxt is not None and style_of(nxt).font == style.font and nxt.page == line.page \
            and 0 < nxt.base - line.base < 1.6 * line.size
        if (re.search(r"[,;]$", text) and not (bigger and wrapped)) or (
                text.endswith(".") and not bigger):
            return False
        if style.size < self.body - 0.6 and not (style.bold or style.caps):
            return False
        if bigger or style.caps == "small":
            return True
        letters = sum(c.isalpha() for c in text)
        capitals = style.caps == "all" and letters >= 0.6 * len(text.replace(" ", ""))
        if not (capitals or (style.bold and not self.body_bold) or style.italic):
            return False
        short = line.x1 < line.col_x1 - 3 * line.size or line.col_x1 <= line.col_x0
        if not short and wrapped and nxt is not None:
            short = nxt.x1 < nxt.col_x1 - 3 * nxt.size  # a heading wrapped onto a short line
        if not short and nxt is not None and not wrapped:
            after = style_of(nxt)  # a full line of its own, the text after it set plainly
            short = not (after.bold or after.italic or after.caps)
        # a small gap above a heading is enough to close the paragraph before it
        gap = prev is not None and prev.page == line.page and line.x0 < prev.x1 and \
            prev.x0 < line.x1 and 1.2 * self.pitch < line.base - prev.base < 4 * self.pitch
        # a short bold or italic line (no full stop) followed by plain text is a heading
        # even where the line before fills its column (as a paragraph's last line may)
        after = style_of(nxt) if nxt is not None else None
        bold_alone = after is not None and not (after.bold or after.italic) and (
            style.bold and not self.body_bold or style.italic) and \
            line.x1 - line.x0 < 0.7 * (line.col_x1 - line.col_x0)
        # a whole line bold or italic after a sentence's end, plain text after it, is a
        # heading even where both fill their column (a long heading, a paragraph's end)
        after_sentence = bool(after) and not (after.bold or after.italic) and (
            style.bold and not self.body_bold or style.italic) and prev is not None and \
            prev.text.rstrip().endswith((".", ")", "]")) and not text.endswith(")")
        return short and (closed or gap or prev is None or bold_alone or after_sentence)

    def runin(self, line: Line) -> int:
        """How many glyphs of ``line`` are a run-in bold heading (0: none)."""
        main = [k for k, s in enumerate(line.scripts) if s == 0]
        if len(main) < 3 or not line.glyphs[main[0]].bold or self.body_bold:
            return 0
        n = 0
        while n < len(line.glyphs) and (line.glyphs[n].bold or line.scripts[n]):
            n += 1
        if n >= len(line.glyphs) or n < 2:
            return 0
        text = spaced(line.glyphs[:n]).strip()
        if len(text.split()) > 8 or FIGURE.match(text) or re.match(r"^(Table|TABLE)\s", text):
            return 0
        return n

    def continues(self, para: list[Line], line: Line) -> bool:
        """``line`` continues the paragraph ``para`` (its lines so far)."""
        prev = para[-1]
        if _BULLET.match(line.text) or abs(prev.size - line.size) > 0.6:
            return False
        same_place = prev.page == line.page and prev.col == line.col
        if same_place:
            gap = line.base - prev.base
            if gap > 1.45 * self.pitch or gap < 0:
                return False
        indent = line.x0 - line.col_x0 > 0.6 * line.size
        if indent and prev.x0 - prev.col_x0 < 0.6 * prev.size:
            return False
        # the paragraph's own right edge: a full-width box's last line may fall in a column
        right = max([prev.col_x1] + [ln.x1 for ln in para[-3:]
                                     if ln.page == prev.page and ln.col == prev.col])
        return not (self.justified and prev.x1 < right - 2.0 * prev.size)

    # ------------------------------------------------------------------------ joining

    def _keep_hyphen(self, left: str, right: str, soft: bool) -> bool:
        """A hyphen ending a line is printed in the word (see the module docstring)."""
        a = re.findall(r"[^\W\d_]+$", left)
        b = re.findall(r"^[^\W\d_]+", right)
        if not a or not b:
            return True  # "2008-" "2013", "CD4-" "positive": printed as is
        a_word, b_word = a[0].lower(), b[0].lower()
        if self.words[a_word + b_word]:
            return False
        if self.words[f"{a_word}-{b_word}"] or self.words[f"{a_word}‐{b_word}"]:
            return True
        if a_word in _TENS and b_word in _UNITS:
            return True  # a number in words is written with its hyphen ("Fifty-" "six")
        if soft:  # a soft hyphen, printed as U+2010 by some producers
            return False
        # the first half is counted once where it is broken: a word of the paper seen
        # again ("two-" "thirds") keeps its hyphen, a fragment ("chemothe-") does not
        return self.words[a_word] > 1 and len(a_word) > 1

    def join(self, lines: list[Line]) -> list[Segment]:
        """The segments of a paragraph's lines (see the module docstring)."""
        out: list[Segment] = []
        for line in lines:
            segs = glyph_segments(line.glyphs, line.scripts)
            if out:
                last = next((k for k in range(len(out) - 1, -1, -1) if not out[k][1]), None)
                text = out[last][0].rstrip() if last is not None else ""
                first = next((t for t, k, _ in segs if not k), "")
                if text.endswith(("-", "‐", "\u00ad")) and last == len(out) - 1:
                    keep = self._keep_hyphen(text[:-1], first.lstrip(),
                                             text.endswith(("‐", "\u00ad")))
                    out[last] = (text if keep else text[:-1], "", "")
                    out[last] = (out[last][0].replace("‐", "-"), "", "")
                elif text.endswith(("–", "/")) and last == len(out) - 1:
                    out[last] = (text, "", "")
                else:
                    out.append((" ", "", ""))
            out += segs
        return bracket_citations(out)


def join_words(left: str, right: str) -> str:
    """Two lines of a heading joined (no space after a hyphen or dash that ends the first)."""
    left = left.rstrip()
    if left.endswith(("-", "‐", "–", "/")):
        return left.replace("‐", "-") + right.lstrip()
    return f"{left} {right.lstrip()}"


def split_line(line: Line, n: int) -> tuple[Line, Line]:
    """``line`` cut after its first ``n`` glyphs (a run-in heading and its text)."""
    def part(idx: range) -> Line:
        made = _make_line(line.page, [line.glyphs[k] for k in idx],
                          [line.scripts[k] for k in idx])
        made.col, made.col_x0, made.col_x1 = line.col, line.col_x0, line.col_x1
        return made

    return part(range(n)), part(range(n, len(line.glyphs)))


def read_flow(flow: list[Line | Region]) -> list[Item]:
    """The flow's items: headings, paragraphs, list items, figure captions and regions."""
    lines = [x for x in flow if isinstance(x, Line)]
    reader = Flow(lines)
    items: list[Item] = []
    para: list[Line] = []

    waiting: list[Item] = []  # tables and figures met inside a paragraph: after it

    def flush() -> None:
        nonlocal para
        if para:
            text = para[0].text
            kind = "list_item" if _BULLET.match(text) else "paragraph"
            if kind == "list_item":
                para[0] = _strip_bullet(para[0])
            items.append(Item(kind, para, segments=reader.join(para)))
            para = []
        items.extend(waiting)
        waiting.clear()

    prev: Line | None = None
    following = {id(a): b for a, b in zip(lines, lines[1:], strict=False)}
    for obj in flow:
        if isinstance(obj, Region):  # a float set inside a paragraph does not end it
            (waiting if para else items).append(Item("region", region=obj))
            continue
        line = obj
        n_runin = reader.runin(line)
        labelled = n_runin and spaced(line.glyphs[:n_runin]).rstrip().endswith(":")
        closed = not para or labelled or not reader.continues(para, line)
        last = items[-1] if items else None
        if reader.is_heading(line, prev, closed, following.get(id(line))):
            style = style_of(line)
            if (not para and last is not None and last.kind == "heading"
                    and last.style is not None and last.style.font == style.font
                    and not last.style.runin and last.lines[-1].page == line.page
                    and 0 < line.base - last.lines[-1].base < 1.8 * line.size):
                last.lines.append(line)
                last.text = join_words(last.text, heading_text(line))
            else:
                flush()
                items.append(Item("heading", [line], style, text=heading_text(line)))
            prev = line
            continue
        if closed:
            flush()
            n = n_runin
            if n:
                head, rest = split_line(line, n)
                base = style_of(head)
                items.append(Item("heading", [head], Style(base.size, True, base.italic,
                                                            base.caps, True),
                                  text=re.sub(r"[\s:.–—-]+$", "", heading_text(head))))
                line = rest
        para.append(line)
        prev = line
    flush()
    return [_caption(item) for item in items]


def _strip_bullet(line: Line) -> Line:
    k = 0
    while k < len(line.glyphs) and _BULLET.match(line.glyphs[k].text):
        k += 1
    if k == 0 or k >= len(line.glyphs):
        return line
    return split_line(line, k)[1]


def _caption(item: Item) -> Item:
    """A paragraph that is a figure caption, read as one (its label apart)."""
    if item.kind != "paragraph":
        return item
    text = "".join(t for t, k, _ in item.segments if not k)
    m = FIGURE.match(text.lstrip())
    if not m:
        return item
    label_bold = all(g.bold for g in item.lines[0].glyphs[:3])
    if not (label_bold or re.search(r"[.:|]\s*$", m.group(0))):
        return item
    label = re.sub(r"\s+", " ", m.group(0)).strip().rstrip(".:|").strip()  # as printed
    head = m.group(0).strip()
    segs = list(item.segments)
    first = next(k for k, s in enumerate(segs) if not s[1] and s[0].strip())
    rest = segs[first][0].lstrip()[len(head):].lstrip(" .:|")
    segs[first] = (rest, "", "")
    return Item("figure", item.lines, segments=segs, label=label)
