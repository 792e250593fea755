"""HTML helpers of the report pages: Markdown fragments rendered safely, figures inlined.

Raw HTML in a fragment is escaped (mistune with ``escape=True``); images become data URIs so
a page works offline as one file; links are rebased to work from the page's folder.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from pathlib import Path

import mistune

_markdown = mistune.create_markdown(escape=True, plugins=["table"])


@dataclass(frozen=True)
class Figure:
    title: str
    data_uri: str


def data_uri(path: Path) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
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


def render_markdown(text: str) -> str:
    """Markdown from the pipeline's own fragments, rendered with every raw HTML tag escaped.

    Headings move down one level (a fragment's ``##`` becomes ``<h3>``) so that they
    sit under the trial's ``<h2>`` on the index page.
    """
    html = str(_markdown(text))
    for level in (5, 4, 3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>",
                                                                      f"</h{level + 1}>")
    return html


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
