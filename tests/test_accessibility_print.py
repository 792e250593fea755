"""Every page of the report for every reader: axe-core finds nothing critical or serious, and
the pages print whole.

axe-core (npm, ``tests/tools``) runs in Debian's chromium on the index page, a reconciliation
report (TALENT's) and a notebook page, at a desktop and a phone width, with every collapsed
section open so that what it holds is checked too. Printing: chromium prints each page to PDF
with the page's print style, and the text of the PDF (pypdfium2) must hold what a reviewer
needs on paper: every quotation of every ranked cause, the whole letter, every section the
screen shows collapsed; and none of the controls. Skipped, with the reason, where chromium,
its driver, selenium or axe-core is missing (see ``tests/browser_tools.py``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from browser_tools import axe_violations, pdf_text, print_pdf, skip_reason, start_browser
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from trialrecon.report.notebook_html import render_offline_html
from trialrecon.stages.reconcile import FILE_NAMES, write_reconciliation
from trialrecon.stages.report import build_index

ROOT = Path(__file__).resolve().parents[1]
TALENT = ROOT / "data" / "raw" / "talent"
SERIOUS = ("critical", "serious")


@pytest.fixture(scope="module")
def browser():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    driver = start_browser()
    yield driver
    driver.quit()


def _notebook_page(path: Path) -> Path:
    """A notebook page with what the real ones hold: Markdown with a formula, code in every
    colour of the highlighter, a stream, a table and an error-free run's prompts."""
    code = ('# a comment\nimport math\n\n@staticmethod\ndef f(x: float = 1.5) -> str:\n'
            '    """doc"""\n    return f"{x:g}" if x is not None and x > 0 else str(-1)\n'
            'print(f(2), math.pi, [1, 2], {"a": True})')
    cell = new_code_cell(code, execution_count=1, outputs=[
        new_output("stream", name="stdout", text="2 3.14159 [1, 2] {'a': True}\n"),
        new_output("execute_result", execution_count=1, data={
            "text/html": "<table><thead><tr><th></th><th>n</th></tr></thead><tbody><tr>"
                         "<th>0</th><td>55</td></tr></tbody></table>",
            "text/plain": "   n\n0 55"})])
    nb = new_notebook(cells=[new_markdown_cell("# A page\n\nThe power $1 - \\beta$ at p1."),
                             cell])
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path.write_text(render_offline_html(nbformat.from_dict(nb)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """TALENT's reconciliation report, an index page that shows it, a notebook page."""
    results = tmp_path_factory.mktemp("results")
    out = {fmt: results / "talent" / name for fmt, name in FILE_NAMES.items()}
    rec = write_reconciliation(TALENT, out)
    index = build_index(results, ROOT / "data" / "raw", ["talent"],
                        results / "report" / "index.html")
    (results / "notebooks").mkdir()
    notebook = _notebook_page(results / "notebooks" / "page.html")
    return {"index": index, "reconciliation": out["html"], "notebook": notebook, "rec": rec,
            "letter": out["letter_text"]}


@pytest.mark.parametrize("width", [1400, 400])
@pytest.mark.parametrize("page", ["index", "reconciliation", "notebook"])
def test_axe_finds_no_critical_or_serious_violation(browser, pages, page, width):
    reason = skip_reason(axe=True)
    if reason:
        pytest.skip(reason)
    browser.set_window_size(width, 1000)
    browser.get(pages[page].as_uri())
    found = axe_violations(browser, open_details=True)
    serious = [v for v in found if v["impact"] in SERIOUS]
    assert serious == [], serious
    browser.set_window_size(1400, 1000)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def test_the_talent_report_prints_every_ranked_cause_with_its_quotes(browser, pages):
    n_pages, text = pdf_text(print_pdf(browser, pages["reconciliation"]))
    rec = pages["rec"]
    assert rec.causes
    missing = [(c.rank, q.anchor) for c in rec.causes for q in c.quotes
               if q.anchor and _collapsed(q.anchor) not in text]
    assert missing == []
    for c in rec.causes:  # every finding of every cause, opened
        for f in c.members:
            assert f.check in text
    letter = pages["letter"].read_text(encoding="utf-8")
    last = [line for line in letter.splitlines() if line.strip()][-1]
    assert _collapsed(last)[-60:] in text  # the letter prints whole, not an 8-line box
    for control in ("Clear filters", "Copy the letter", "click to filter", "Sort by"):
        assert control not in text, control
    assert n_pages > 1


def test_the_index_prints_its_collapsed_sections_and_no_controls(browser, pages):
    _, text = pdf_text(print_pdf(browser, pages["index"]))
    rec = pages["rec"]
    first = next(c for c in rec.causes if c.severity == "inconsistent")
    assert _collapsed(first.title.replace("jco2021, ", ""))[:50] in text  # inside <details>
    assert "Provenance" in text and "Click a figure" not in text


def test_a_notebook_page_prints_with_the_report_style(browser, pages):
    _, text = pdf_text(print_pdf(browser, pages["notebook"]))
    assert "A page" in text and "55" in text
    html = pages["notebook"].read_text(encoding="utf-8")
    assert "@media print" in html and html.index("@media print") < html.index("</head>")
