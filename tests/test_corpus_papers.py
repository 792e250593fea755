"""The 30 PMC papers of ../shared/papers: every one reads, every grid is sound, spot checks.

Skipped where the folder is absent (it is not part of the repository). The spot checks were
written by hand from the XML of each paper (the cell text between <td> tags, the header
cells above it, the label and text of a <fn>), not from the reader's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialrecon.dossier.draft.document import check_document
from trialrecon.dossier.draft.reader import read_document

ROOT = Path(__file__).resolve().parents[1]
PAPERS = next((p / "shared" / "papers" for p in ROOT.parents
               if (p / "shared" / "papers").is_dir()), None)
needs_papers = pytest.mark.skipif(
    PAPERS is None, reason="../shared/papers (the 30 PMC JATS papers) is not beside the repository")
FILES = sorted(PAPERS.glob("*.nxml")) if PAPERS else []


@needs_papers
@pytest.mark.slow
def test_all_thirty_papers_read_with_sound_grids() -> None:
    assert len(FILES) == 30
    for path in FILES:
        doc = read_document(path)
        assert doc.kind == "jats" and doc.title, path.name
        assert check_document(doc) == [], path.name
        assert doc.tables, path.name
        assert any(s.kind == "abstract" for s in doc.sections), path.name


def _find(doc, label: str, row: str, column: str) -> str:
    t = next(t for t in doc.tables if t.label == label)
    r = next(r for r in t.body_rows() if t.row_labels[r] == row)
    c = next(c for c in range(t.n_cols) if t.column_labels[c] == column)
    return t.cell_at(r, c).plain


@needs_papers
def test_convert_lancet_oncology_table_1() -> None:
    """PMC5555437 Table 1: a two-column stub under full-width group rows, middle dots."""
    doc = read_document(PAPERS / "PMC5555437.nxml")
    assert _find(doc, "Table 1", "Sex / Male", "Twice-daily radiotherapy (n=274)") == "147 (54%)"
    assert _find(doc, "Table 1", "Ethnicity / African",
                 "Once-daily radiotherapy (n=273)") == "1 (<1%)"
    assert _find(doc, "Table 1", "Gross tumour volume (cc)",
                 "Twice-daily radiotherapy (n=274)") == "81·6 (1·6–635·1)"
    t1 = doc.tables[0]
    assert t1.footnotes[0].mark == "" and t1.footnotes[0].text.startswith("Data are median (IQR)")
    assert t1.footnote("*").text.startswith("^{*} Eastern Cooperative Oncology Group")
    # the UICC/AJCC stage group row cites reference 18: a mark, not a number of the label
    assert "UICC/AJCC stage" in t1.row_groups
    t4 = doc.tables[3]
    assert "Twice-daily group / Grade 3" in t4.column_labels


@needs_papers
def test_addiction_percent_first_table() -> None:
    """PMC4282128 Table 2: header in thead, "% (n)" cells, odds ratios with CIs.

    The rows "ITT sample | (n = 418) | (n = 409) | (n = 244)" and "Treated sample | (n = 418)
    | (n = 373) | (n = 223)" head the three outcome rows printed below each of them.
    """
    doc = read_document(PAPERS / "PMC4282128.nxml")
    t = doc.tables[1]
    assert t.column_labels[:4] == ("Outcome measure", "NRT", "Bupropion", "Combination")
    assert _find(doc, "Table 2", "ITT sample / Primary outcome (RS6) % (n)",
                 "Bupropion") == "26.7 (109)"
    assert _find(doc, "Table 2", "Treated sample / Primary outcome (RS6) % (n)",
                 "Bupropion") == "27.9 (104)"
    assert _find(doc, "Table 2", "ITT sample / Secondary outcome (DH4) % (n)",
                 "Odds ratio bupropion versus NRT (95% CI)") == "0.814 (0.618–1.07)"
    assert _find(doc, "Table 2", "ITT sample", "Bupropion") == "(n = 409)"


@needs_papers
def test_bmc_medicine_indented_groups() -> None:
    """PMC2944158 Table 1: group rows with empty cells, items indented with an em space."""
    doc = read_document(PAPERS / "PMC2944158.nxml")
    t = doc.tables[0]
    assert t.column_labels[1] == "3-Day Routine Change Group (n = 177)"
    assert _find(doc, "Table 1", "Reason for admission, n (%) / • Respiratory",
                 "Clinically Indicated Change Group (n = 185)") == "34 (18%)"
    assert _find(doc, "Table 1", "Age, mean (SD)",
                 "3-Day Routine Change Group (n = 177)") == "65.1 (17.3)"
