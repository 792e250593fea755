"""The reader and audit classes of problem the gold transcriptions met, one fixture each.

The fixture (tests/fixtures/readers/classes.nxml) is a small fictional paper written for
this test; each table or paragraph in it shows one class as real papers print it (the
papers named in the tests are where the class was met). The expected grids, labels, notes
and audit results below were written by hand from the markup, not from the readers' output.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from trialrecon.dossier import COLUMNS
from trialrecon.dossier.audit import audit_dossier
from trialrecon.dossier.draft.document import check_document, strip_marks
from trialrecon.dossier.draft.grammar import parse_date
from trialrecon.dossier.draft.layout import location_mark, same_mark
from trialrecon.dossier.draft.normalise import normal
from trialrecon.dossier.draft.printed import find_value, number_words, printed_forms
from trialrecon.dossier.draft.reader import read_document
from trialrecon.dossier.draft.tables import is_data

FIXTURE = Path(__file__).parent / "fixtures" / "readers" / "classes.nxml"


@pytest.fixture(scope="module")
def doc():
    document = read_document(FIXTURE)
    assert check_document(document) == []
    return document


def _table(doc, label: str):
    return next(t for t in doc.tables if t.label == label)


def _labels(t) -> list[str]:
    return [t.row_labels[r] for r in t.body_rows()]


def test_stub_row_with_only_a_p_value_heads_the_rows_below(doc) -> None:
    """PMC5362536 Table 1: "Sex | | | 0.41" over "Male", "Female"; a row with its own P
    value ("Smoker") stands on its own."""
    t = _table(doc, "Table 1")
    assert _labels(t) == ["Age, years", "Age, years / Median", "Sex", "Sex / Male",
                          "Sex / Female", "Smoker"]
    assert t.group_rows == ()  # the heading rows keep their P value as a cell of their own
    assert t.row_groups[5] == "Sex" and t.row_groups[7] == ""


def test_sub_header_rows_in_the_body_belong_to_the_header(doc) -> None:
    """PMC5362536 Table 3: the arms in thead, "All grades | Grade 1–2 | Grade ≥3" and "N (%)"
    in tbody before the first row with numbers."""
    t = _table(doc, "Table 2")
    assert t.header_rows == 3
    assert t.column_labels[0] == "Adverse event"
    assert t.column_labels[3] == "Drug Y (n = 78) / Grade ≥3 / N (%)"
    assert t.column_labels[4] == "Drug Z (n = 75) / All grades / N (%)"
    assert _labels(t) == ["Rash", "Diarrhoea"]
    assert _table(doc, "Table 1").header_rows == 2  # the "n (%)" row under the arms


def test_a_row_of_denominators_heads_its_block(doc) -> None:
    """PMC4282128 Table 2: "ITT sample | (n = 80) | (n = 80)" over its outcome rows."""
    t = _table(doc, "Table 3")
    assert _labels(t) == ["ITT sample", "ITT sample / Response, % (n)", "Treated sample",
                          "Treated sample / Response, % (n)"]


def test_headings_nest_by_indentation_and_flat_groups_hold(doc) -> None:
    """PMC5614421 Table 1 (a group row whose levels are not indented in an indented table),
    PMC5010179 Table 1 (two levels of indentation)."""
    t = _table(doc, "Table 4")
    assert _labels(t) == ["Ethnicity / White", "Ethnicity / Other", "Weight, kg",
                          "Reason for admission / Infection", "Reason for admission / Other",
                          "Disease / Site / Lung", "Disease / Stage / IV"]
    assert t.row_groups[t.group_rows[-1]] == "Disease / Stage"


def test_a_cell_of_spaces_is_not_an_indented_label(doc) -> None:
    """PMC3466131 Table 1: an em space alone in the stub of the "N (%)" row made the table
    "indented", so every flush-left row lost its full-width group."""
    t = _table(doc, "Table 5")
    assert all(c.indent == 0 for c in t.cells)
    assert _labels(t)[-2:] == ["Gender / Male", "Gender / Female"]
    assert _labels(t)[:1] == ["Age / Median (range)"]


def test_a_mark_before_punctuation_leaves_no_space(doc) -> None:
    """PMC5976950 Table 1: "Age<xref>*</xref>, years" reads "Age, years"."""
    assert _table(doc, "Table 1").row_labels[2] == "Age, years"
    assert _table(doc, "Table 1").cell_at(2, 0).marks == ("*",)
    assert strip_marks("Age^{*}, years") == "Age, years"
    assert strip_marks("exon^{a}19") == "exon 19"  # between two words a mark is a space
    assert normal("The mean age^{a}, 63 years^{12}.") == "the mean age, 63 years."
    assert "the mean age, 63 years" in normal(doc.text)


def test_note_marks_printed_as_characters(doc) -> None:
    """PMC5362536 Table 1 ("...; †These six patients" inside the abbreviations) and Table 2
    ("§The disease control rate"), PMC3466131 Table 2 ("<sup><bold>1</bold></sup>Fisher")."""
    notes = [(n.mark, n.text) for n in _table(doc, "Table 1").footnotes]
    assert notes == [("*", "^{*} At randomisation."),
                     ("", "Abbreviations: P, P value; n, number;"),
                     ("†", "^{†} Six patients had no sex recorded."),
                     ("§", "^{§} The P values are from the chi-squared test."),
                     ("1", "^{1} Fisher’s exact test for the smokers.")]
    assert location_mark("Table 1 footnote *") == "*"
    assert same_mark("1", "¹") and same_mark("a", "A") and not same_mark("*", "†")


def test_ordinal_superscripts_and_dates_as_printed(doc) -> None:
    """PMC5362536 "March, 30<sup>th</sup> 2016", PMC5976950 "Sept 30, 2017", PMC5830087
    "08 March 2013"."""
    assert "March, 30th 2016" in doc.text  # the ordinal is printed text, not a note mark
    assert parse_date("March, 30th 2016") == "2016-03-30"
    assert parse_date("Sept 30, 2017") == "2017-09-30"
    assert parse_date("08 March 2013") == "2013-03-08"
    assert parse_date("the 30th of March 2016") == "2016-03-30"
    for printed, value in [("March, 30th 2016", "2016-03-30"), ("March, 30 2016", "2016-03-30"),
                           ("Sept 30, 2017", "2017-09-30"), ("Sept. 2015", "2015-09"),
                           ("08 March 2013", "2013-03-08"), ("Feb. 2012", "2012-02")]:
        assert find_value(normal(printed), printed_forms(value, "date")) == 0, printed
    assert find_value(normal("March, 31 2016"), printed_forms("2016-03-30", "date")) < 0


def test_numbers_in_british_words_and_multiples() -> None:
    """PMC5614421: "Seven hundred and eighty-seven women", "over twice the risk"."""
    assert number_words(787, british=True) == "seven hundred and eighty-seven"
    assert number_words(1005, british=True) == "one thousand and five"
    assert number_words(2325, british=True) == "two thousand three hundred and twenty-five"
    assert number_words(787) == "seven hundred eighty-seven"
    text = normal("Seven hundred and eighty-seven women; over twice the risk")
    assert find_value(text, printed_forms("787", "count", "printed in words")) == 0
    assert find_value(text, printed_forms("2", "value", "printed as the word 'twice'")) > 0
    assert find_value(text, printed_forms("2", "value", "")) < 0  # only when the note says so


def test_p_values_printed_with_their_letter_are_data() -> None:
    assert is_data("p = 0.52") and is_data("P<0.0001") and is_data("P-value = .03")
    assert not is_data("p-values") and not is_data("Interaction test p=0.03")


def test_a_boxed_panel_does_not_end_its_section(doc) -> None:
    """PMC5976950: the "Research in context" panel stands inside the Introduction, whose last
    paragraph follows it."""
    assert [(p.title, doc.text[p.start:p.end].split("\n")[0]) for p in doc.panels] == [
        ("Research in context", "Research in context")]
    panel = doc.panels[0]
    inside = doc.text[panel.start:panel.end]
    assert "44 participants" in inside and "within 8 h" not in inside


def _dossier(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    folder = tmp_path / "classes"
    folder.mkdir()
    (folder / "paper.nxml").write_bytes(FIXTURE.read_bytes())
    (folder / "trial.yaml").write_text(
        'id: classes\ntitle: "Classes"\ndesign: randomized\n'
        'sources:\n  - id: paper\n    kind: paper\n    citation: "Fictional 2024"\n'
        '    file: paper.nxml\n'
        'cohorts:\n  - id: all\n    label: "All patients"\n'
        'arms:\n  - id: y\n    label: "Drug Y"\n    role: experimental\n'
        '  - id: z\n    label: "Drug Z"\n    role: comparator\n', encoding="utf-8")
    with (folder / "values.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow({c: {"source": "paper", "cohort": "all", "quantity": "baseline",
                                 "statistic": "count", "unit": "patients", **r}.get(c, "")
                             for c in COLUMNS})
    return folder


RIGHT = [  # rows a person transcribing the fixture writes; every one must pass
    {"id": "male", "location": "Table 1", "row": "Sex / Male", "column": "Drug Y (n = 80)",
     "anchor": "Male 54 (67.5%)", "value": "54"},
    {"id": "sex_p", "location": "Table 1", "row": "Sex", "column": "P", "anchor": "Sex 0.41",
     "statistic": "p_value", "unit": "probability", "value": "0.41"},
    {"id": "age_median", "location": "Table 1", "row": "Age, years / Median",
     "column": "Drug Z (n = 80)", "anchor": "Age, years 0.80 Median 63 62", "value": "62"},
    {"id": "rash_g3", "location": "Table 2", "row": "Rash", "column": "Drug Z (n = 75) / Grade ≥3",
     "anchor": "Rash 37 (47%) 35 (45%) 2 (3%) 34 (45%) 33 (44%) 1 (1%)", "value": "1"},
    {"id": "treated", "location": "Table 3", "row": "Treated sample / Response, % (n)",
     "column": "Drug Z", "anchor": "Response, % (n) 25.6 (20) 21.3 (16)", "value": "21.3",
     "statistic": "percent", "unit": "percent"},
    {"id": "reason_other", "location": "Table 4", "row": "Reason for admission / Other",
     "column": "Drug Z", "anchor": "Other 3 5", "value": "5"},
    {"id": "stage_iv", "location": "Table 4", "row": "Stage / IV", "column": "Drug Z",
     "anchor": "IV 60 59", "value": "59"},
    {"id": "gender", "location": "Table 5", "row": "Gender / Male", "column": "Drug Z",
     "anchor": "Male 79 (55) 92 (65)", "value": "92"},
    {"id": "six", "location": "Table 1 footnote †", "anchor": "Six patients had no sex recorded",
     "value": "6", "note": "printed as a word"},
    {"id": "enrolled", "location": "Abstract", "value": "787", "note": "printed in words",
     "anchor": "Seven hundred and eighty-seven patients were enrolled"},
    {"id": "twice", "location": "Abstract", "value": "2", "statistic": "value",
     "unit": "ratio", "anchor": "the risk was twice as high", "note": "printed as a word"},
    {"id": "end", "location": "Abstract", "value": "2017-09-30", "statistic": "date",
     "unit": "none", "anchor": "Sept 30, 2017"},
    {"id": "cutoff", "location": "Methods", "value": "2016-03-30", "statistic": "date",
     "unit": "none", "anchor": "The data cutoff was March, 30th 2016"},
    {"id": "cutoff_as_read", "location": "Methods", "value": "2016-03-30",
     "statistic": "date", "unit": "none", "anchor": "cutoff was March, 30 2016"},
    {"id": "first", "location": "Methods", "value": "2013-03-08", "statistic": "date",
     "unit": "none", "anchor": "seen on 08 March 2013"},
    {"id": "age", "location": "Methods", "value": "63", "statistic": "mean", "unit": "years",
     "anchor": "The mean age, 63 years"},
    {"id": "panel", "location": "Research in context", "value": "44",
     "anchor": "a total of 44 participants"},
    {"id": "window", "location": "Introduction", "value": "8", "statistic": "value",
     "unit": "hours", "anchor": "within 8 h of onset"},
]
SLIPS = [  # each one wrong, as named in its id: every one must be caught
    {"id": "column_without_grade", "location": "Table 2", "row": "Rash",
     "column": "Drug Z (n = 75)", "anchor": "Rash 37 (47%) 35 (45%) 2 (3%) 34 (45%) 33 (44%)",
     "value": "33"},
    {"id": "wrong_grade", "location": "Table 2", "row": "Rash",
     "column": "Drug Z (n = 75) / Grade 1–2",
     "anchor": "Rash 37 (47%) 35 (45%) 2 (3%) 34 (45%) 33 (44%) 1 (1%)", "value": "1"},
    {"id": "wrong_block", "location": "Table 3", "row": "ITT sample / Response, % (n)",
     "column": "Drug Z", "anchor": "Response, % (n) 25.6 (20) 21.3 (16)", "value": "21.3",
     "statistic": "percent", "unit": "percent"},
    {"id": "wrong_group", "location": "Table 1", "row": "Age, years / Male",
     "column": "Drug Y (n = 80)", "anchor": "Male 54 (67.5%)", "value": "54"},
    {"id": "wrong_note", "location": "Table 1 footnote *",
     "anchor": "Six patients had no sex recorded", "value": "6", "note": "printed as a word"},
    {"id": "wrong_day", "location": "Abstract", "value": "2017-09-03", "statistic": "date",
     "unit": "none", "anchor": "Sept 30, 2017"},
    {"id": "panel_as_introduction", "location": "Introduction", "value": "44",
     "anchor": "a total of 44 participants"},
]


def test_the_audit_passes_every_right_row_and_catches_every_slip(tmp_path: Path) -> None:
    folder = _dossier(tmp_path, RIGHT + SLIPS)
    problems = audit_dossier(folder)
    by_line = {p.line: p.rule for p in problems}
    lines = {r["id"]: i + 2 for i, r in enumerate(RIGHT + SLIPS)}
    assert {r["id"] for r in RIGHT if lines[r["id"]] in by_line} == set()
    assert {r["id"]: by_line.get(lines[r["id"]]) for r in SLIPS} == {
        "column_without_grade": "value-not-in-cell", "wrong_grade": "value-not-in-cell",
        "wrong_block": "value-not-in-cell", "wrong_group": "value-not-in-cell",
        "wrong_note": "anchor-elsewhere", "wrong_day": "value-not-in-anchor",
        "panel_as_introduction": "anchor-elsewhere"}


HTML_PANEL = """<!DOCTYPE html><html><head><meta name="citation_title" content="Boxed"></head>
<body><h2>Introduction</h2><p>Earlier work had 54 participants.</p>
<div class="boxed-text"><div class="caption"><h4>Research in context</h4></div>
<h5>Evidence before this study</h5><p>Two trials had 44 participants.</p></div>
<p>Therefore we enrolled patients within 8 h.</p><h2>Methods</h2><p>Nothing.</p></body></html>"""


def test_an_html_boxed_panel_is_a_panel(tmp_path: Path) -> None:
    """PubMed Central's HTML sets the panel in a div of class boxed-text with a caption."""
    path = tmp_path / "paper.html"
    path.write_text(HTML_PANEL, encoding="utf-8")
    doc = read_document(path)
    assert check_document(doc) == []
    assert [p.title for p in doc.panels] == ["Research in context"]
    assert [s.heading for s in doc.sections if s.level == 1] == ["Introduction", "Methods"]
    inside = doc.text[doc.panels[0].start:doc.panels[0].end]
    assert "44 participants" in inside and "within 8 h" not in inside
    last = next(b for b in doc.blocks if "within 8 h" in b.text)
    assert doc.sections[last.section].heading == "Introduction"
