"""The readers into the document model: JATS and HTML fixtures with their grids written out.

The fixtures (tests/fixtures/readers/fictional.nxml and .html) are small fictional papers
written for the test, with merged header cells,
row-spanning stubs, full-width group rows and footnotes; the expected grid, labels and
notes below were written by hand from the markup, not taken from the readers' output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.document import check_document
from trialrecon.dossier.draft.normalise import normal, normalise
from trialrecon.dossier.draft.reader import SourceError, read_document

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
JATS = (FIXTURES / "fictional.nxml").read_text(encoding="utf-8")
HTML = (FIXTURES / "fictional.html").read_text(encoding="utf-8")

TRIAL = trial_yaml(cohort="All patients")


@pytest.fixture
def jats(tmp_path: Path) -> Path:
    path = tmp_path / "paper.nxml"
    path.write_text(JATS, encoding="utf-8")
    return path


def _grid(table) -> list[list[str]]:
    return [[table.cell_at(r, c).plain for c in range(table.n_cols)]
            for r in range(table.n_rows)]


def test_jats_sections_abstract_and_title(jats: Path) -> None:
    doc = read_document(jats)
    assert doc.kind == "jats" and check_document(doc) == []
    assert doc.title == "A fictional trial of drug X"
    assert [(s.heading, s.level, s.kind) for s in doc.sections] == [
        ("Summary", 1, "abstract"), ("Background", 2, "abstract"), ("Findings", 2, "abstract"),
        ("Introduction", 1, "body"), ("Methods", 1, "body"), ("2.1 Patients", 2, "body"),
        ("Results", 1, "body")]
    assert ("pmcid", "PMC0000001") in doc.meta
    # the reference list (back matter) is not read; the citation is a mark, not a number
    assert "Someone" not in doc.text
    intro = next(b for b in doc.blocks if "previous trial" in b.text)
    assert intro.cites and "1" not in normal(intro.text).replace("40%", "")
    assert any(b.kind == "list_item" and b.plain == "Age 18 years or older" for b in doc.blocks)
    assert doc.figures[0].label == "Figure 1"
    assert doc.figures[0].caption == "Trial profile Of 200 screened, 150 were enrolled."


def test_jats_table_with_spans_groups_and_footnotes(jats: Path) -> None:
    t = read_document(jats).tables[0]
    assert (t.label, t.caption) == ("Table 1", "Adverse events")
    assert _grid(t) == [
        ["Event", "Drug X (n = 75)", "Drug X (n = 75)", "Placebo (N=74)", "Placebo (N=74)"],
        ["Event", "Grade 1–2", "Grade ≥3", "Grade 1–2", "Grade ≥3"],
        ["Haematological"] * 5,
        ["Neutropenia", "12 (16%)", "5 (7%)", "3 (4%)", "0"],
        ["Anaemia", "20 (27%)", "1 (1%)", "18 (24%)", "2 (3%)"],
        ["Non-haematological"] * 5,
        ["Rash", "30 (40%)", "4 (5%)", "9 (12%)", "0"],
    ]
    assert (t.header_rows, t.stub_columns, t.group_rows) == (2, 1, (2, 5))
    assert t.column_labels == ("Event", "Drug X (n = 75) / Grade 1–2", "Drug X (n = 75) / Grade ≥3",
                               "Placebo (N=74) / Grade 1–2", "Placebo (N=74) / Grade ≥3")
    assert t.row_labels[3] == "Haematological / Neutropenia"
    assert t.row_labels[6] == "Non-haematological / Rash"
    assert t.cell_at(3, 0).marks == ("a",) and t.cell_at(6, 2).marks == ("b",)
    assert [(n.mark, n.text) for n in t.footnotes] == [
        ("", "Data are n (%)."), ("a", "^{a} Including febrile neutropenia."),
        ("b", "^{b} One grade 5 event.")]


def test_jats_rowspan_stub_and_digit_labels(jats: Path) -> None:
    t = read_document(jats).tables[1]
    assert _grid(t) == [["Endpoint", "Subgroup", "Drug X", "Placebo"],
                        ["Overall survival", "<60 years", "12·1", "9·8"],
                        ["Overall survival", "Codon 12", "NR", "7·0"]]
    assert (t.header_rows, t.stub_columns) == (1, 2)
    assert t.row_labels[1] == "Overall survival / <60 years"
    assert t.row_labels[2] == "Overall survival / Codon 12"


def test_jats_draft_uses_the_structure(jats: Path, tmp_path: Path) -> None:
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    doc, drafts = draft_source(jats, read_names(tmp_path / "trial.yaml"), "paper")
    rows = [d.fields for d in drafts]
    cell = next(r for r in rows if r["location"] == "Table 1" and r["value"] == "5")
    assert (cell["row"], cell["column"], cell["arm"], cell["denominator"]) == (
        "Haematological / Neutropenia", "Drug X (n = 75) / Grade ≥3", "drug_x", "75")
    assert cell["anchor"] == "Neutropenia 12 (16%) 5 (7%)"
    placebo = next(r for r in rows if r["location"] == "Table 1" and r["value"] == "18")
    assert (placebo["arm"], placebo["denominator"]) == ("placebo", "74")
    os_ = next(r for r in rows if r["value"] == "11.3")
    assert (os_["location"], os_["statistic"]) == ("Abstract", "median")
    assert {r["value"] for r in rows if r["location"] == "Abstract"} >= {"11.3", "9.9", "12.6"}
    ext = next(r for r in rows if r["value"] == "40" and r["location"] == "Introduction")
    assert ext["quantity"].startswith("external_")
    assert next(d for d in drafts if d.fields is ext).needs_review
    dates = {r["value"] for r in rows if r["statistic"] == "date"}
    assert dates == {"2011-10", "2013-03"}
    norm = normalise(doc.text).text
    for d in drafts:
        assert normal(d.fields["anchor"]) in norm, d.fields["anchor"]
        assert "^" not in d.fields["anchor"] and "<" not in d.fields["anchor"].replace("<60", "")


def test_html_table_group_rows_long_headers_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "paper.html"
    path.write_text(HTML, encoding="utf-8")
    doc = read_document(path)
    assert doc.kind == "html" and check_document(doc) == []
    assert doc.title == "A fictional HTML trial"
    assert "var x" not in doc.text and "Other trial" not in doc.text
    assert [(s.heading, s.kind) for s in doc.sections][:2] == [("Abstract", "abstract"),
                                                              ("Methods", "abstract")]
    t = doc.tables[0]
    assert (t.label, t.caption) == ("Table 3", "Toxicity by site")
    assert _grid(t) == [["", "Gefitinib (n = 75)", "Gefitinib (n = 75)"],
                        ["", "95% CI", "Grade ≥3"],
                        ["Site", "Site", "Site"],
                        ["Lung", "10 (13%)", "2 (3%)"],
                        ["Any grade 3-5 toxicity described in more than five words",
                         "40 (53%)", "12 (16%)"]]
    assert (t.header_rows, t.stub_columns, t.group_rows) == (2, 1, (2,))
    assert t.column_labels[1:] == ("Gefitinib (n = 75) / 95% CI", "Gefitinib (n = 75) / Grade ≥3")
    assert t.row_labels[3] == "Site / Lung"
    assert t.cell_at(3, 2).marks == ("a",)
    assert [(n.mark, n.plain if hasattr(n, "plain") else n.text) for n in t.footnotes] == [
        ("", "Abbreviations: CI, confidence interval."), ("a", "^{a} Two events were fatal.")]


@pytest.mark.parametrize(("content", "message"), [
    (b"<?xml version='1.0'?><article><body><p>unclosed", "not well-formed"),
    (b"<?xml version='1.0'?><notjats/>", "no <article>"),
])
def test_bad_jats_is_one_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.nxml"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        read_document(path)


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE article [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
            b'<article><body><p>x &c; &ext; 12 patients</p></body></article>')
    path = tmp_path / "bomb.nxml"
    path.write_bytes(bomb)
    doc = read_document(path)
    assert "aaaaaaaaaa" not in doc.text and "root:" not in doc.text
    assert "12 patients" in doc.text


def test_the_audit_reads_a_jats_source(jats: Path, tmp_path: Path) -> None:
    """A right table cell and an Abstract row under "Summary" pass; a planted slip is caught."""
    import csv

    from trialrecon.dossier import COLUMNS
    from trialrecon.dossier.audit import audit_dossier

    folder = tmp_path / "fict"
    folder.mkdir()
    (folder / "paper.nxml").write_text(JATS, encoding="utf-8")
    citation = '    citation: "Fictional 2024"\n'
    (folder / "trial.yaml").write_text(
        TRIAL.replace(citation, citation + "    file: paper.nxml\n"), encoding="utf-8")
    rows = [
        {"id": "t1_neut", "location": "Table 1", "row": "Haematological / Neutropenia",
         "column": "Drug X (n = 75) / Grade ≥3", "anchor": "Neutropenia 12 (16%) 5 (7%)",
         "arm": "drug_x", "quantity": "ae_grade3plus", "statistic": "count", "value": "5",
         "unit": "patients"},
        {"id": "abs_os", "location": "Abstract", "anchor": "Median overall survival was 11·3",
         "arm": "drug_x", "quantity": "os", "statistic": "median", "value": "11.3",
         "unit": "months"},
        {"id": "slip", "location": "Table 1", "row": "Anaemia", "column":
         "Placebo (N=74) / Grade ≥3", "anchor": "Anaemia 20 (27%) 1 (1%) 18 (24%) 2 (3%)",
         "arm": "placebo", "quantity": "ae_grade3plus", "statistic": "count", "value": "1",
         "unit": "patients"},
    ]
    with (folder / "values.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow({c: {"source": "paper", "cohort": "all", **r}.get(c, "")
                             for c in COLUMNS})
    problems = audit_dossier(folder)
    assert [(p.line, p.rule) for p in problems] == [(4, "value-not-in-cell")]
