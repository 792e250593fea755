"""The PDF reader on a fictional two-column journal PDF whose source is known.

``tests/fixtures/pdf/fict1.nxml`` is a fictional trial report written for these tests (no
real study, drug or patient). ``fict1-lancet.pdf`` and ``fict1-plain.pdf`` are that report
printed as two-column journal pages by ``tests/journal_pdf.py`` with headless Chromium
(``paper_html`` of its JATS reading, then ``print_pdf``): an Abstract box, small-capital
section headings, superscript citations and footnote marks, ``10⁹`` and ``FEV₁``, soft
hyphens, a column-wide table with group rows, a page-wide table with spanning headers, a
plot with tick labels, a running head and page numbers. The expectations below were
written by hand from the XML (the text between its tags), not from the reader's output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from journal_pdf import compare

from trialrecon.dossier.draft import draft_document, read_names
from trialrecon.dossier.draft.document import check_document
from trialrecon.dossier.draft.normalise import normal
from trialrecon.dossier.draft.pdf_marks import bracket_citations, classify_superscript
from trialrecon.dossier.draft.reader import read_document, read_source

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
STYLES = ("lancet", "plain")
TITLE = ("Fictomab versus placebo after induction chemoradiotherapy in limited-stage "
         "fictional carcinoma (FICT-1): a randomised, double-blind, phase 3 trial")


@pytest.fixture(scope="module", params=STYLES)
def doc(request: pytest.FixtureRequest):
    return read_document(FIXTURES / f"fict1-{request.param}.pdf")


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,·]\d+)*", text)


def test_a_sound_document_with_its_title(doc) -> None:
    assert doc.kind == "pdf" and check_document(doc) == []
    assert doc.title == TITLE


def test_sections_headings_by_font_and_the_abstract(doc) -> None:
    # small capitals ("R" large, "ESULTS" small) read back as the word, never "R"
    assert [(s.heading, s.level, s.kind) for s in doc.sections] == [
        ("Summary", 1, "abstract"), ("Background", 2, "abstract"), ("Methods", 2, "abstract"),
        ("Findings", 2, "abstract"), ("Interpretation", 2, "abstract"),
        ("Funding", 2, "abstract"), ("Introduction", 1, "body"), ("Methods", 1, "body"),
        ("Study design and participants", 2, "body"), ("Procedures", 2, "body"),
        ("Statistical analysis", 2, "body"), ("Results", 1, "body"),
        ("Discussion", 1, "body")]


def test_citations_are_marks_and_columns_are_not_merged(doc) -> None:
    intro = [b for b in doc.blocks if doc.sections[b.section].heading == "Introduction"]
    # the two paragraphs as written, the citations 1, 2, 3 and 4 left out of the numbers
    assert [_numbers(b.plain) for b in intro] == [["2", "36", "10·2"], ["1"]]
    assert [m.label for m in intro[0].marks if m.kind == "citation"] == ["1,2", "3", "4"]
    assert intro[0].plain.startswith("Limited-stage fictional carcinoma is treated with "
                                     "concurrent chemoradiotherapy, after which most")
    assert intro[0].plain.endswith("with a median progression-free survival of 10·2 months.")


def test_exponents_subscripts_middle_dots_and_hyphenation(doc) -> None:
    methods = next(b.plain for b in doc.blocks if b.plain.startswith("FICT-1 was a"))
    assert "a neutrophil count of at least 1·5 × 10⁹ per L, a forced expiratory volume in " \
           "1 s (FEV1) of at least 1·2 L" in methods
    # soft hyphens at line ends undone, printed hyphens kept
    assert "placebo-controlled" in methods and "chemoradiotherapy" in methods
    text = " ".join(b.plain for b in doc.blocks)
    assert not re.search(r"\w[-‐] \w", text.replace("double-blind", ""))
    assert "two-thirds" in text and "Quality-of-life" in text
    assert "hazard ratio 0·64 [95% CI 0·47–0·87]; p=0·004" in text


def test_running_heads_page_numbers_and_plot_text_left_out(doc) -> None:
    for printed in ("Articles", "www.journal.example", "J Fict Med", "Randomised trial report",
                    "Number at risk", "Time (months)"):
        assert printed not in doc.text
    assert not any(re.fullmatch(r"[\d\s]+", b.plain) for b in doc.blocks)
    assert [(f.label, f.caption) for f in doc.figures] == [
        ("Figure 1", "Kaplan-Meier estimates of progression-free survival HR=hazard ratio.")]


def _cells(table) -> dict[tuple[str, str], str]:
    return {(table.row_labels[r], table.column_labels[c]): table.cell_at(r, c).plain
            for r in table.body_rows() for c in range(table.stub_columns, table.n_cols)
            if table.is_origin(r, c)}


def test_column_wide_table_with_group_rows_and_a_mark(doc) -> None:
    t = doc.tables[0]
    assert (t.label, t.caption, t.header_rows) == ("Table 1", "Baseline characteristics", 1)
    arms = ("Fictomab (n=120)", "Placebo (n=118)")
    assert _cells(t) == {
        ("Age (years)", arms[0]): "61 (54–67)", ("Age (years)", arms[1]): "62 (55–68)",
        ("Neutrophils (×10⁹ per L)", arms[0]): "4·1 (3·2–5·3)",
        ("Neutrophils (×10⁹ per L)", arms[1]): "4·3 (3·3–5·6)",
        ("Sex / Male", arms[0]): "71 (59%)", ("Sex / Male", arms[1]): "69 (58%)",
        ("Sex / Female", arms[0]): "49 (41%)", ("Sex / Female", arms[1]): "49 (42%)",
        ("ECOG performance status / 0", arms[0]): "68 (57%)",
        ("ECOG performance status / 0", arms[1]): "66 (56%)",
        ("ECOG performance status / 1", arms[0]): "52 (43%)",
        ("ECOG performance status / 1", arms[1]): "52 (44%)"}
    ecog = next(c for c in t.cells if c.plain == "ECOG performance status")
    assert ecog.marks == ("*",)
    assert [(n.mark, re.sub(r"^\^\{.\} ", "", n.text)) for n in t.footnotes] == [
        ("", "Data are median (IQR) or n (%)."), ("*", "Assessed at screening.")]


def test_page_wide_table_with_spanning_header_and_marks(doc) -> None:
    t = doc.tables[1]
    assert (t.label, t.caption) == ("Table 2", "Adverse events in the safety population")
    assert t.header_rows == 2 and t.stub_columns == 1
    assert t.column_labels[1:] == (
        "Fictomab (n=119) / Grade 1–2", "Fictomab (n=119) / Grade ≥3",
        "Placebo (n=118) / Grade 1–2", "Placebo (n=118) / Grade ≥3", "p value")
    assert [t.row_groups[r] for r in t.group_rows] == ["Haematological", "Non-haematological"]
    cells = _cells(t)
    assert cells[("Haematological / Neutropenia", "Fictomab (n=119) / Grade ≥3")] == "14 (12%)"
    assert cells[("Non-haematological / Rash", "p value")] == ">0·99"
    assert cells[("Non-haematological / Infusion reaction", "Fictomab (n=119) / Grade ≥3")] \
        == "2 (2%)"
    marked = {c.plain: c.marks for c in t.cells if c.marks}
    assert marked == {"Neutropenia": ("a",), "2 (2%)": ("b",)}
    assert [n.mark for n in t.footnotes] == ["", "a", "b"]
    assert len([c for c in cells.values() if c]) == 25


def test_the_reading_equals_the_jats_reading_of_the_same_paper(doc) -> None:
    truth = read_document(FIXTURES / "fict1.nxml")
    c = compare(truth, doc)
    assert c.cells == (37, 37, 37) and c.headings == (13, 13, 13) and c.title
    assert c.notes == (5, 5, 5) and c.captions == (1, 1, 1)
    # every number of the text in its section; one more: the subscript of FEV₁, which the
    # JATS reading keeps as a subscript digit and the PDF prints inline (as JATS prints sub)
    assert c.numbers == (94, 94, 95)


def test_drafting_from_the_pdf(doc, tmp_path: Path) -> None:
    (tmp_path / "trial.yaml").write_text(
        'id: fict1\ntitle: "FICT-1"\ndesign: randomized\n'
        'sources: [{id: paper, kind: paper, citation: "Fictional 2019"}]\n'
        'cohorts: [{id: all, label: "All patients"}]\n'
        'arms: [{id: fictomab, label: "Fictomab", role: experimental},\n'
        '       {id: placebo, label: "Placebo", role: comparator}]\n', encoding="utf-8")
    drafts = draft_document(doc, read_names(tmp_path / "trial.yaml"), "paper")
    rows = {(d.fields["location"], d.fields["row"], d.fields["column"], d.fields["value"],
             d.fields["arm"]) for d in drafts}
    assert ("Table 2", "Haematological / Neutropenia", "Fictomab (n=119) / Grade ≥3", "14",
            "fictomab") in rows
    assert not any(d.fields["location"] == "Introduction" and d.fields["value"] in ("3", "4")
                   for d in drafts)  # citation marks are not numbers


def test_the_plain_text_is_the_text_the_drafter_read(doc, tmp_path: Path) -> None:
    """``read_source`` (the plain text, searched for anchors) reads a PDF with the same
    engine and reading as the drafter: every anchor drafted from the PDF is found in it.
    (A second reading by another engine, pdfminer's lines, held about two thirds of them:
    a table row broken across lines, a heading joined to its paragraph.)"""
    (tmp_path / "trial.yaml").write_text(
        'id: fict1\ntitle: "FICT-1"\ndesign: randomized\n'
        'sources: [{id: paper, kind: paper, citation: "Fictional 2019"}]\n'
        'cohorts: [{id: all, label: "All patients"}]\n', encoding="utf-8")
    path = FIXTURES / f"{Path(doc.source).stem}.pdf"
    source = read_source(path)
    assert source.kind == "pdf" and source.text == doc.text
    flat = normal(source.text)
    anchors = [d.fields["anchor"] for d in draft_document(doc, read_names(
        tmp_path / "trial.yaml"), "paper")]
    assert len(anchors) > 100
    assert [a for a in anchors if normal(a) not in flat] == []


@pytest.mark.parametrize(("text", "before", "table", "expected"), [
    ("12,13", "previously.", False, ("", "citation", "12,13")),
    ("2–4", "survival", False, ("", "citation", "2–4")),
    ("9", "1·5 × 10", False, ("⁹", "", "")),
    ("2", "10 mg/m", False, ("²", "", "")),
    ("a", "Neutropenia", True, ("", "footnote", "a")),
    ("*", "status", True, ("", "footnote", "*")),
    ("†,‡", "Other", True, ("", "footnote", "†,‡")),
    ("1", "Vomiting", True, ("", "citation", "1")),
    ("+", "CD4", False, ("⁺", "", "")),
])
def test_superscripts_read_by_what_they_follow(text: str, before: str, table: bool,
                                               expected: tuple[str, str, str]) -> None:
    assert classify_superscript(text, before, in_table=table) == expected


def test_superscript_digits_are_note_marks_in_a_table_with_numbered_notes() -> None:
    assert classify_superscript("1", "Vomiting", True, numbered_notes=True) == (
        "", "footnote", "1")


def test_bracketed_and_author_year_citations_are_marks() -> None:
    segs = bracket_citations([("risk [12, 13] and (Smith et al., 2001; Jones, 1998) "
                               "but not [95% CI 1·1–2·0] nor (n=12)", "", "")])
    assert [s for s in segs if s[1]] == [("", "citation", "12,13"),
                                         ("", "citation", "Smith et al., 2001; Jones, 1998")]
    assert " ".join("".join(t for t, k, _ in segs if not k).split()) == \
        "risk and but not [95% CI 1·1–2·0] nor (n=12)"


def test_reading_twice_gives_the_same_document() -> None:
    path = FIXTURES / "fict1-lancet.pdf"
    assert read_document(path) == read_document(path)
