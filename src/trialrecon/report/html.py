"""HTML helpers of the report pages: Markdown fragments rendered safely, figures inlined.

Raw HTML in a fragment is escaped (mistune with ``escape=True``); images become data URIs so
a page works offline as one file; links are rebased to work from the page's folder.
"""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mistune

_markdown = mistune.create_markdown(escape=True, plugins=["table"])


@dataclass(frozen=True)
class Figure:
    title: str
    data_uri: str


SCREEN_WIDTH = 700  # pixels: figures on a page; the files beside it keep their print size
SCREEN_COLOURS = 64


def screen_png(path: Path, width: int = SCREEN_WIDTH) -> bytes:
    """The PNG at ``path`` for a page: at most ``width`` pixels wide, in 64 colours.

    Figures are saved at 300 dpi for print; a page embeds them as data URIs, where a fifth of
    the bytes reads as well on a screen (and when enlarged) and keeps the self-contained page
    light. Resampling and the median-cut palette are deterministic: the same bytes each run.
    """
    from PIL import Image

    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        if im.width <= width:
            return data
        height = max(1, round(im.height * width / im.width))
        small = im.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    palette = small.quantize(colors=SCREEN_COLOURS, method=Image.Quantize.MEDIANCUT,
                             dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG")
    return out.getvalue()


def data_uri(path: Path) -> str:
    encoded = base64.b64encode(screen_png(path)).decode("ascii")
    return f"data:image/png;base64,{encoded}"


def title_of(path: Path) -> str:
    return path.stem.replace("_", " ")


def figures_in(folder: Path) -> list[Figure]:
    """Every PNG in ``folder`` (not below it), sorted by name."""
    if not folder.is_dir():
        return []
    return [Figure(title_of(p), data_uri(p)) for p in sorted(folder.glob("*.png"))]


def relative(target: Path, page_dir: Path) -> str:
    return Path(os.path.relpath(target, page_dir)).as_posix()


def render_markdown(text: str, top: int = 3) -> str:
    """Markdown from the pipeline's own fragments, rendered with every raw HTML tag escaped.

    Headings move so that the fragment's highest one is ``<h{top}>`` and none skips a level
    (a fragment's ``##`` and ``###`` under the trial's ``<h2>`` become ``<h3>`` and ``<h4>``).
    """
    return shift_headings(str(_markdown(text)), top)


_HEADING = re.compile(r"<(/?)h([1-6])>")


def shift_headings(html: str, top: int) -> str:
    """Renumber headings: the first level used becomes ``top``, each deeper one the next."""
    levels = sorted({int(m.group(2)) for m in _HEADING.finditer(html)})
    new = {old: min(6, top + i) for i, old in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{new[int(m.group(2))]}>", html)


_IMG_SRC = re.compile(r'<img src="([^"]+)"')
_HREF = re.compile(r'<a href="([^"#:]+)"')


def rebase_links(html: str, base: Path, page_dir: Path) -> str:
    """Point links written relative to ``base`` at the same files from ``page_dir``."""
    return _HREF.sub(lambda m: f'<a href="{relative(base / m.group(1), page_dir)}"', html)


def inline_images(html: str, base: Path) -> tuple[str, set[Path]]:
    """Replace image links relative to ``base`` by data URIs; return the files inlined.

    Fragments link their figures relative to the trial's results folder; the index
    page lives elsewhere and must work as one file, so the pictures go inside it.
    """
    used: set[Path] = set()

    def swap(match: re.Match[str]) -> str:
        target = (base / match.group(1)).resolve()
        if target.suffix == ".png" and target.is_file():
            used.add(target)
            return f'<img src="{data_uri(target)}"'
        return match.group(0)

    return _IMG_SRC.sub(swap, html), used


# Words of CSV column names that a reader spells differently.
_HEADER_WORDS = {
    "ci": "CI", "hr": "HR", "p": "P", "sd": "SD", "orr": "ORR", "dcr": "DCR", "pfs": "PFS",
    "os": "OS", "km": "KM", "pet": "PET", "ahern": "A'Hern's", "nar": "numbers at risk",
    "abs": "abs.", "logrank": "log-rank", "rmse": "RMSE", "ipd": "IPD", "n1": "n1",
    "r1": "r1", "en": "EN", "s": "S(t)", "id": "id", "ids": "ids",
}
_HEADER_SUFFIXES = ("reported", "rebuilt", "true", "printed", "expected", "attained", "grid")
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def human_header(name: str) -> str:
    """A CSV column name as a table header: ``ci_low_reported`` -> ``CI low (reported)``.

    Names that are not snake_case identifiers are returned unchanged.
    """
    if not _SNAKE.match(name):
        return name
    words = name.split("_")
    arm = ""
    if len(words) > 1 and re.fullmatch(r"arm\d+", words[-1]):
        arm = "arm " + words.pop()[3:]
    suffix = ""
    if len(words) > 1 and words[-1] in _HEADER_SUFFIXES:
        suffix = words.pop()
    text = " ".join(_HEADER_WORDS.get(w, w) for w in words)
    if len(text) > 1:
        text = text[:1].upper() + text[1:]
    extra = ", ".join(x for x in (arm, suffix) if x)
    return f"{text} ({extra})" if extra else text


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_TH = re.compile(r"<th(\s[^>]*)?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")


def responsive_tables(html: str) -> str:
    """Human headers and stacked rows for narrow screens in rendered Markdown tables.

    Each ``<th>`` with a snake_case name gets :func:`human_header`; each ``<td>`` gets a
    ``data-label`` with its column's header, so the CSS of the page can show a table as one
    card per row on a phone instead of a table wider than the screen.
    """
    def table(match: re.Match[str]) -> str:
        inner = match.group(1)
        heads: list[str] = []

        def th(m: re.Match[str]) -> str:
            text = _TAG.sub("", m.group(2)).strip()
            label = human_header(text) if text == m.group(2).strip() else m.group(2)
            heads.append(_TAG.sub("", label))
            return f"<th{m.group(1) or ''}>{label}</th>"

        inner = _TH.sub(th, inner)

        def row(m: re.Match[str]) -> str:
            cells = iter(heads)
            return "<tr>" + re.sub(
                r"<td", lambda _: f'<td data-label="{html_escape(next(cells, ""))}"',
                m.group(1)) + "</tr>"

        return '<table class="stack">' + _ROW.sub(row, inner) + "</table>"

    return _TABLE.sub(table, html)


def html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


# ------------------------------------------------------------------------------ reader text

_ID_HEADER = re.compile(r"(^|\s)(rows?|ids?|row ids)(\s*\(|$)", re.I)
_ROWS_NOTE = re.compile(r"\s*\(rows? [^()]*(?:\([^()]*\)[^()]*)*\)")
_BOOL = {"True": "yes", "False": "no"}
_SKIP_TAGS = ("a", "code", "pre", "script", "style")
_PIECES = re.compile(r"(<[^>]+>)")


def _drop_id_columns(table_html: str) -> str:
    """A table without the columns that list row ids (``Responder rows``)."""
    rows = _ROW.findall(table_html)
    if not rows:
        return table_html
    heads = [_TAG.sub("", h[1]).strip() for h in _TH.findall(rows[0])]
    drop = {i for i, h in enumerate(heads) if _ID_HEADER.search(h)}
    if not drop:
        return table_html

    def keep_cells(row: re.Match[str]) -> str:
        cells = re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row.group(1), re.S)
        kept = [c for i, c in enumerate(cells) if i not in drop]
        return "<tr>" + "".join(kept) + "</tr>"

    return _ROW.sub(keep_cells, table_html)


def _words(text: str, humanize: Callable[[str], str] | None) -> str:
    text = _ROWS_NOTE.sub("", text)
    stripped = text.strip()
    if stripped in _BOOL:
        return text.replace(stripped, _BOOL[stripped])
    return humanize(text) if humanize else text


def reader_html(html: str, humanize: Callable[[str], str] | None = None) -> str:
    """A fragment's HTML for readers: no row-id columns or notes, yes/no, ids in words.

    Columns headed ``... rows`` or ``ids`` and ``(rows ...)`` notes are left out (the CSV files
    keep them); ``True``/``False`` cells read yes/no; ``humanize`` (the vocabulary's words,
    :func:`trialrecon.checks.titles.humanize`) is applied to text outside links and code.
    """
    html = re.sub(r'<table[^>]*>.*?</table>', lambda m: _drop_id_columns(m.group(0)), html,
                  flags=re.S)
    out, skip = [], 0
    for piece in _PIECES.split(html):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP_TAGS:
                skip += -1 if piece.startswith("</") else 1
            out.append(piece)
        elif piece and skip <= 0:
            out.append(_words(piece, humanize))
        else:
            out.append(piece)
    return "".join(out)
