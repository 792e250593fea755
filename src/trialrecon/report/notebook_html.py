"""HTML of an executed notebook that works in a classroom without network.

nbconvert's ``lab`` template loads require.js, MathJax and Mermaid from a CDN. Here the
template ``templates/nbconvert/offline.html.j2`` drops those three blocks, and the formulas
of the Markdown cells (``$...$`` and ``$$...$$``) are turned into MathML at build time with
latex2mathml, which browsers render natively (MathML Core). Code spans and fenced code are
left alone, so a ``$`` in code stays a dollar. Images are already embedded as data URIs by
nbconvert, so the page is one self-contained file.
"""

from __future__ import annotations

import copy
import re
from importlib import resources

import nbformat

_FENCE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")


def latex_to_mathml(latex: str, display: bool) -> str:
    """MathML for one formula (``display``: a block formula)."""
    from latex2mathml.converter import convert

    return convert(latex.strip(), display="block" if display else "inline")


def _convert_text(text: str) -> str:
    text = _DISPLAY.sub(lambda m: "\n\n" + latex_to_mathml(m.group(1), True) + "\n\n", text)
    return _INLINE.sub(lambda m: latex_to_mathml(m.group(1), False), text)


def markdown_with_mathml(source: str) -> str:
    """A Markdown cell's source with its formulas as MathML, code untouched."""
    out, last = [], 0
    for block in _FENCE.finditer(source):
        out.append(_convert_outside_code_spans(source[last:block.start()]))
        out.append(block.group(0))
        last = block.end()
    out.append(_convert_outside_code_spans(source[last:]))
    return "".join(out)


def _convert_outside_code_spans(text: str) -> str:
    out, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_convert_text(text[last:span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_convert_text(text[last:]))
    return "".join(out)


def offline_template_dir() -> str:
    return str(resources.files("trialrecon.report").joinpath("templates", "nbconvert"))


def render_offline_html(nb: nbformat.NotebookNode) -> str:
    """HTML of an executed notebook: lab template, no network, formulas as MathML."""
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_with_mathml(cell.source)
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[offline_template_dir()])
    exporter.template_file = "offline.html.j2"
    body, _ = exporter.from_notebook_node(nb)
    return body
