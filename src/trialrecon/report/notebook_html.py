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


# Colours of nbconvert's prompts and code highlighting that reach 4.5:1 against their
# background (WCAG 2.1 AA; the defaults are 2.2:1 for the prompts, 4.2:1 for comments).
READABLE_CSS = """
.jp-InputPrompt, .jp-OutputPrompt { color: #595959 !important; opacity: 1 !important; }
.highlight .c, .highlight .c1, .highlight .ch, .highlight .cm, .highlight .cp, .highlight .cpf,
.highlight .cs { color: #3a6363 !important; }
.highlight .m, .highlight .mb, .highlight .mf, .highlight .mh, .highlight .mi, .highlight .mo,
.highlight .il { color: #006000 !important; }
.highlight .ow, .highlight .nd { color: #7a1fb3 !important; }
.highlight .s, .highlight .s1, .highlight .s2, .highlight .sa, .highlight .sd, .highlight .se,
.highlight .si, .highlight .sb { color: #a3222a !important; }
.highlight .k, .highlight .kn, .highlight .kc, .highlight .nb,
.highlight .bp { color: #006000 !important; }
.highlight .nf, .highlight .nc, .highlight .nn { color: #0033b3 !important; }
.highlight .o { color: #555555 !important; }
"""


def page_styles() -> str:
    """The style added to every notebook page: readable colours and the report's print style."""
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("trialrecon.report", "templates"))
    return READABLE_CSS + env.get_template("print.css.j2").render()


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
    style = f"<style>{page_styles()}</style>\n"
    return body.replace("</head>", style + "</head>", 1) if "</head>" in body else style + body
