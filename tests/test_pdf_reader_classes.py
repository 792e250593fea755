"""Classes of journal typesetting the PDF reader reads as the JATS reader reads the XML.

Each test writes a small fictional page (no real study) in a style of ``tests/journal_pdf.py``
and prints it with headless Chromium into a temporary folder; the expectations are written
by hand from the HTML (what a person reads on the printed page). The classes were found by
``benchmarks/bench_draft.py --pdf``, where the draft of a printed gold paper lost rows the
JATS draft got right:

- a unit label ("N (%)") printed once under a spanning arm label, flush left or centred,
  names the unit of every column under that arm;
- group rows in italic head the plain group rows under them, and an item printed one step
  in after items two steps in is no longer under the inner group;
- a stub label whose bracket is still open goes on in the next line, even one starting
  with a digit ("... fewer than" / "3 times a week)");
- a table's notes that run to the foot of a page in mid-sentence go on at the top of the
  next page;
- a thin space after an exponent ("mg/m² day") and a number in words broken at its hyphen
  ("Fifty-" / "six") are read as printed.

Skipped with the reason where Chromium is not installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from journal_pdf import _CSS, chromium, print_pdf

from trialrecon.dossier.draft.document import Document, Table, strip_marks
from trialrecon.dossier.draft.reader import read_document

pytestmark = pytest.mark.skipif(chromium() is None,
                                reason="chromium is not installed (apt-get install -y "
                                       "chromium): the pages cannot be printed as PDFs")


def _read(tmp_path: Path, style: str, body: str, name: str = "page",
          columns: bool = True) -> Document:
    """``body`` printed under a title in ``style`` (in two columns unless ``columns`` is
    False: a forced page break needs the page's own flow) and read back."""
    if columns:
        body = f'<div class="cols">{body}</div>'
    page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><style>"
            + _CSS[style] + "</style></head><body><h1 class=\"title\">A fictional trial of "
            "fictomab in fictional carcinoma</h1>" + body + "</body></html>")
    return read_document(print_pdf(page, tmp_path / f"{name}-{style}.pdf"))


def _table(doc: Document, label: str) -> Table:
    return next(t for t in doc.tables if t.label == label)


def _caption(label: str, text: str, style: str) -> str:
    sep = ":" if style == "lancet" else "."
    return f'<div class="cap"><b>{label}{sep}</b> {text}</div>'


UNIT_TABLE = """
<div class="tw wide">{cap}<table><thead>
<tr><th rowspan="2">Adverse event</th><th colspan="3" class="span">Fictomab (n=80)</th>
<th colspan="3" class="span">Placebo (n=76)</th><th rowspan="3">p value</th></tr>
<tr><th>All grades</th><th>Grade 1–2</th><th>Grade ≥3</th>
<th>All grades</th><th>Grade 1–2</th><th>Grade ≥3</th></tr>
<tr><th></th><th colspan="3">N (%)</th><th colspan="3">N (%)</th></tr>
</thead><tbody>
<tr><td class="stub">Rash</td><td>31 (39%)</td><td>29 (36%)</td><td>2 (3%)</td>
<td>12 (16%)</td><td>12 (16%)</td><td>0</td><td>0·01</td></tr>
<tr><td class="stub">Diarrhoea</td><td>22 (28%)</td><td>20 (25%)</td><td>2 (3%)</td>
<td>19 (25%)</td><td>18 (24%)</td><td>1 (1%)</td><td>0·70</td></tr>
<tr><td class="stub">Fatigue</td><td>17 (21%)</td><td>17 (21%)</td><td>0</td>
<td>15 (20%)</td><td>14 (18%)</td><td>1 (1%)</td><td>0·84</td></tr>
</tbody></table></div>
"""


@pytest.mark.parametrize("style", ["lancet", "plain"])
def test_a_unit_label_under_a_spanning_label_names_its_columns(tmp_path: Path,
                                                               style: str) -> None:
    # lancet sets header labels flush left, plain centres them: "N (%)" stands under the
    # first, or the middle, of the three columns of its arm, and names all three
    body = UNIT_TABLE.format(cap=_caption("Table 1", "Adverse events", style))
    t = _table(_read(tmp_path, style, body), "Table 1")
    assert t.column_labels == (
        "Adverse event", "Fictomab (n=80) / All grades / N (%)",
        "Fictomab (n=80) / Grade 1–2 / N (%)", "Fictomab (n=80) / Grade ≥3 / N (%)",
        "Placebo (n=76) / All grades / N (%)", "Placebo (n=76) / Grade 1–2 / N (%)",
        "Placebo (n=76) / Grade ≥3 / N (%)", "p value")


GROUP_TABLE = """
<div class="tw wide">{cap}<table><thead>
<tr><th>Outcome</th><th>Fictomab (n=120)</th><th>Placebo (n=118)</th><th>p value</th></tr>
</thead><tbody>
<tr><td class="stub"><i>Quality of life</i></td><td></td><td></td><td></td></tr>
<tr><td class="stub">Domains</td><td></td><td></td><td></td></tr>
<tr><td class="stub" style="padding-left: 14pt">Physical</td><td>71 (12)</td><td>70 (13)</td>
<td>0·52</td></tr>
<tr><td class="stub" style="padding-left: 14pt">Mental</td><td>66 (15)</td><td>68 (14)</td>
<td>0·31</td></tr>
<tr><td class="stub" style="padding-left: 7pt">Anxiety score</td><td>34 (9)</td>
<td>35 (10)</td><td>0·44</td></tr>
<tr><td class="stub"><i>Side effects</i></td><td></td><td></td><td></td></tr>
<tr><td class="stub" style="padding-left: 7pt">Any side effect</td><td>40/120 (33%)</td>
<td>31/118 (26%)</td><td>0·23</td></tr>
<tr><td class="stub">Side effects reported</td><td></td><td></td><td></td></tr>
<tr><td class="stub" style="padding-left: 14pt">Headache</td><td>12/120 (10%)</td>
<td>9/118 (8%)</td><td>0·54</td></tr>
<tr><td class="stub" style="padding-left: 14pt">Nausea</td><td>10/120 (8%)</td>
<td>7/118 (6%)</td><td>0·47</td></tr>
<tr><td class="stub" style="padding-left: 7pt">Stopped treatment</td><td>6/120 (5%)</td>
<td>4/118 (3%)</td><td>0·55</td></tr>
</tbody></table></div>
"""


def test_italic_group_rows_head_plain_ones_and_indents_end_inner_groups(
        tmp_path: Path) -> None:
    body = GROUP_TABLE.format(cap=_caption("Table 2", "Secondary outcomes", "lancet"))
    t = _table(_read(tmp_path, "lancet", body), "Table 2")
    labels = [x for x in t.row_labels if x]
    assert labels == [
        "Quality of life / Domains / Physical", "Quality of life / Domains / Mental",
        "Quality of life / Anxiety score", "Side effects / Any side effect",
        "Side effects / Side effects reported / Headache",
        "Side effects / Side effects reported / Nausea", "Side effects / Stopped treatment"]
    cells = {c.plain: c.emphasis for c in t.cells if c.col == 0}
    assert cells["Quality of life"] == "italic" and cells["Side effects reported"] == ""


WRAPPED_TABLE = """
<div class="tw">{cap}<table style="width: 60mm"><thead>
<tr><th style="width: 32mm">Outcome</th><th>Fictomab</th><th>Placebo</th></tr>
</thead><tbody>
<tr><td class="stub">Headache</td><td>12/120<br>(10.0)</td><td>9/118<br>(7.6)</td></tr>
<tr><td class="stub">Noncompliant (did not<br>start or used it fewer than<br>3 times a week)</td>
<td>13/120<br>(10.8)</td><td>15/118<br>(12.7)</td></tr>
<tr><td class="stub">Stopped treatment<br>early</td><td>6/120<br>(5.0)</td>
<td>4/118<br>(3.4)</td></tr>
</tbody></table></div>
"""


def test_a_stub_label_with_an_open_bracket_goes_on_in_the_next_line(tmp_path: Path) -> None:
    # the plain style sets cells at the bottom of their row: the numbers stand on the
    # label's last two lines, and the last line starts with a digit
    body = WRAPPED_TABLE.format(cap=_caption("Table 3", "Compliance", "plain"))
    t = _table(_read(tmp_path, "plain", body), "Table 3")
    assert [x for x in t.row_labels if x] == [
        "Headache", "Noncompliant (did not start or used it fewer than 3 times a week)",
        "Stopped treatment early"]


NOTES_OVER_A_PAGE = """
<div class="tw wide">{cap}<table><thead>
<tr><th>Outcome</th><th>Fictomab (n=120)</th><th>Placebo (n=118)</th><th>Effect (95% CI)</th>
</tr></thead><tbody>
<tr><td class="stub">Days in hospital<sup>a</sup></td><td>4·1 (3·0)</td><td>4·5 (3·2)</td>
<td>0·91 (0·80–1·04)</td></tr>
<tr><td class="stub">Infection</td><td>8/120 (7%)</td><td>9/118 (8%)</td>
<td>0·87 (0·35–2·19)<sup>b</sup></td></tr>
</tbody></table>
<div class="notes"><div>Values are n (%) or mean (SD). Abbreviations: CI, confidence
interval; SD, standard deviation; n, number of</div></div></div>
<div style="break-before: page" class="notes">participants with data.</div>
<div class="notes"><div><sup>a</sup>Treatment effects are ratios of means.</div>
<div><sup>b</sup>Treatment effects are relative risks.</div></div>
<h2 class="s">Discussion</h2><p>The fictional trial found no difference in the days spent
in hospital between the groups.</p>
"""


def test_notes_running_over_a_page_are_the_tables(tmp_path: Path) -> None:
    body = NOTES_OVER_A_PAGE.format(cap=_caption("Table 4", "Secondary outcomes", "plain"))
    doc = _read(tmp_path, "plain", body, columns=False)
    notes = [(n.mark, strip_marks(n.text).strip()) for n in _table(doc, "Table 4").footnotes]
    assert notes == [
        ("", "Values are n (%) or mean (SD). Abbreviations: CI, confidence interval; SD, "
             "standard deviation; n, number of participants with data."),
        ("a", "Treatment effects are ratios of means."),
        ("b", "Treatment effects are relative risks.")]
    assert [s.heading for s in doc.sections][-1] == "Discussion"


def test_a_thin_space_after_an_exponent_and_a_number_in_words_at_a_line_end(
        tmp_path: Path) -> None:
    # the filler puts the line end of the justified paragraph right after "Fifty-"
    body = ("<p>Patients received fictomab 240&thinsp;mg/m<sup>2</sup>&thinsp;day 1 every "
            "21&thinsp;days.</p><p style=\"width: 85mm; text-align: justify\">The fictional "
            "trial enrolled patients at twelve centres between the spring and the autumn of "
            "the year and xxxx of them Fifty-six patients were never smokers.</p>")
    doc = _read(tmp_path, "lancet", body, columns=False)
    printed = pdfium.PdfDocument(str(tmp_path / "page-lancet.pdf"))[0]
    assert re.search(r"Fifty(?:\ufffe|-\r?\n)six", printed.get_textpage().get_text_range())
    text = " ".join(b.plain for b in doc.blocks)
    assert "240 mg/m² day 1 every 21 days" in text.replace("\u2009", " ")
    assert "of them Fifty-six patients" in text
