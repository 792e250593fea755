"""Classes of table layouts the drafter labels by their structure (issue 20, table cells).

Each test builds a small table of its own words with the layout of the class (the
:class:`~trialrecon.dossier.draft.document.Builder` every reader drives) for the fictional
two-arm trial of ``fictional_trial.py``, and checks the labels the data dictionary
(data/raw/README.md) gives its cells, written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import read_names
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.quantities import score_unit
from trialrecon.dossier.draft.structured import draft_document
from trialrecon.dossier.draft.stubs import split_stub
from trialrecon.dossier.draft.subgroups import caption_outcome


def _cell(text: str, header: bool = False, indent: int = 0) -> RawCell:
    return RawCell(((text, "", ""),), header=header, indent=indent)


def _draft(tmp_path: Path, caption: str, header: list[str], body: list[tuple[str, ...]],
           notes: list[tuple[str, str]] = (), indents: dict[int, int] | None = None,
           header_notes: dict[int, str] | None = None) -> list[dict[str, str]]:
    """Draft one table (``body`` rows of stub and cells; ``indents`` {row: indent} of the
    stub; ``header_notes`` {column: mark} of a header cell's footnote mark)."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    head = []
    for c, text in enumerate(header):
        segments = [(text, "", "")]
        if header_notes and c in header_notes:
            segments.append(("", "footnote", header_notes[c]))
        head.append(RawCell(tuple(segments), header=True))
    rows = [head]
    for k, row in enumerate(body):
        if len(row) == 1:  # a heading across the table
            rows.append([RawCell(((row[0], "", ""),), colspan=len(header))])
        else:
            rows.append([_cell(row[0], indent=(indents or {}).get(k, 0)),
                         *(_cell(x) for x in row[1:])])
    b.table("Table 2", [(caption, "", "")], rows=rows,
            notes=[(m, [(text, "", "")]) for m, text in notes], header_rows=1)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


def _at(rows: list[dict[str, str]], row: str, column: str, statistic: str) -> dict[str, str]:
    found = [r for r in rows if r["row"] == row and r["column"] == column and
             r["statistic"] == statistic]
    assert len(found) == 1, (row, column, statistic, found)
    return found[0]


# ------------------------------------------------------------- an outcome by subgroup

_SUBGROUP_HEADER = ["", "Drug X, n (%)", "Placebo, n (%)", "P"]
_SUBGROUP_BODY = [
    ("All patients", "60/100 (60.0)", "45/90 (50.0)", "0.17"),
    ("Complete", "20/100 (20.0)", "15/90 (16.7)", "0.55"),
    ("First-line therapy", "50/80 (62.5)", "36/70 (51.4)", "0.17"),
    ("Second-line therapy", "10/20 (50.0)", "9/20 (45.0)", "0.75"),
    ("Weight ≥ 90 kg", "12/25 (48.0)", "10/22 (45.5)", "0.86"),
    ("Region",),
    ("North", "33/55 (60.0)", "20/41 (48.8)", "0.27"),
    ("South", "27/45 (60.0)", "25/49 (51.0)", "0.38"),
]


def test_rows_sharing_out_the_columns_n_are_subgroups_of_the_captions_outcome(tmp_path):
    """"Healing rates in assessable patients": the first row counts every patient (100 and
    90), "First-line" and "Second-line therapy" share them out (80 + 20, 70 + 20): a table of
    one outcome by subgroup. Its rows take the outcome as category and their own patients
    as subgroup ("Region: North" under a heading naming the variable); the indented
    "Complete", with every patient's n, is a level of the outcome."""
    rows = _draft(tmp_path, "Healing rates in assessable patients", _SUBGROUP_HEADER,
                  _SUBGROUP_BODY, indents={1: 1})
    overall = _at(rows, "All patients", "Drug X, n (%)", "count")
    assert (overall["quantity"], overall["category"], overall["subgroup"],
            overall["denominator"]) == ("outcome", "Healing", "", "100")
    level = _at(rows, "All patients / Complete", "Placebo, n (%)", "percent")
    assert (level["category"], level["subgroup"]) == ("Healing: Complete", "")
    first = _at(rows, "First-line therapy", "Placebo, n (%)", "count")
    assert (first["category"], first["subgroup"], first["denominator"], first["value"]) == \
        ("Healing", "First-line therapy", "70", "36")
    p = _at(rows, "Weight ≥ 90 kg", "P", "p_value")
    assert (p["category"], p["subgroup"]) == ("Healing", "Weight ≥ 90 kg")
    north = _at(rows, "Region / North", "Drug X, n (%)", "percent")
    assert (north["category"], north["subgroup"], north["denominator"]) == \
        ("Healing", "Region: North", "55")
    # the outcome was cut from the caption: every row says so
    assert all(r["review"] for r in rows if r["row"])


def test_an_outcome_table_whose_later_rows_count_fewer_patients_is_no_subgroup_table(tmp_path):
    """Outcomes measured on fewer patients (lost to follow-up, a questionnaire's
    responders: 95 and 88, then 60 and 58) do not share the column's n out: the rows stay
    outcomes of their own, with no subgroup."""
    body = [("Healed", "60/100 (60.0)", "45/90 (50.0)", "0.17"),
            ("Relapse", "10/95 (10.5)", "12/88 (13.6)", "0.52"),
            ("Satisfied", "40/60 (66.7)", "30/58 (51.7)", "0.10"),
            ("Readmitted", "5/100 (5.0)", "8/90 (8.9)", "0.29")]
    rows = _draft(tmp_path, "Outcomes by study group", _SUBGROUP_HEADER, body)
    relapse = _at(rows, "Relapse", "Drug X, n (%)", "count")
    assert (relapse["category"], relapse["subgroup"]) == ("Relapse", "")
    assert not any(r["subgroup"] for r in rows)


def test_a_subgroup_under_an_outcome_row_names_a_variable_not_printed(tmp_path):
    """A row printing its own outcome ("Relapse overall") heads the subgroups below it;
    "Site A", indented under that outcome, is a level of a variable the table does not
    print: flagged. The outcome named by the row itself is no guess."""
    body = [("Relapse overall", "20/100 (20.0)", "30/90 (33.3)", "0.04"),
            ("Site A", "8/60 (13.3)", "16/50 (32.0)", "0.02"),
            ("Site B", "12/40 (30.0)", "14/40 (35.0)", "0.63"),
            ("Older than 70 years", "6/30 (20.0)", "9/25 (36.0)", "0.19")]
    rows = _draft(tmp_path, "Relapse in assessable patients", _SUBGROUP_HEADER, body,
                  indents={1: 1, 2: 1})
    overall = _at(rows, "Relapse overall", "Drug X, n (%)", "count")
    assert (overall["category"], overall["subgroup"], overall["review"]) == \
        ("Relapse overall", "", "")
    site = _at(rows, "Relapse overall / Site A", "Drug X, n (%)", "count")
    assert (site["category"], site["subgroup"], site["review"]) == \
        ("Relapse overall", "Site A", "yes")
    older = _at(rows, "Older than 70 years", "Placebo, n (%)", "count")
    assert (older["category"], older["subgroup"], older["review"]) == \
        ("Relapse overall", "Older than 70 years", "")


@pytest.mark.parametrize("caption,outcome", [
    ("Healing rates in assessable patients at the end of treatment", "Healing"),
    ("Relapse by subgroup", "Relapse"),
    ("Response rate according to baseline characteristics", "Response"),
    ("Patients", ""),
])
def test_the_outcome_a_caption_names(caption, outcome):
    assert caption_outcome(caption) == outcome


# ------------------------------------------------- a set named by a note's words


def test_a_note_excluding_patients_from_the_analysis_names_a_modified_itt_set(tmp_path):
    """"Total† (n = 95)", the dagger printed as text, its note: "Three patients withdrew
    before the first dose and were excluded from the analysis": the columns count a
    modified intention-to-treat set (randomized patients left out), and the arm columns
    that add up to the total (48 + 47) count parts of it. Read from the note's words, not
    a name: flagged."""
    header = ["Response", "Total† (n = 95)", "Drug X (n = 48)", "Placebo (n = 47)"]
    body = [("Partial response", "20 (21.1%)", "12 (25.0%)", "8 (17.0%)"),
            ("Stable disease", "40 (42.1%)", "20 (41.7%)", "20 (42.6%)")]
    notes = [("†", "Three patients withdrew before the first dose and were excluded from "
                   "the analysis.")]
    rows = _draft(tmp_path, "Tumour response", header, body, notes)
    cells = [r for r in rows if r["row"] == "Partial response"]
    assert len(cells) == 6
    assert {r["population"] for r in cells} == {"modified_itt"}
    assert all(r["review"] for r in cells)
    n = [r for r in rows if r["row"] == "" and r["value"] == "48"]
    assert [(r["quantity"], r["population"]) for r in n] == [("analysed", "modified_itt")]


def test_a_note_on_other_things_names_no_set(tmp_path):
    """A note that excludes nothing from the analysis ("Responses were assessed by RECIST")
    gives no set."""
    header = ["Response", "Total† (n = 95)", "Drug X (n = 48)", "Placebo (n = 47)"]
    body = [("Partial response", "20 (21.1%)", "12 (25.0%)", "8 (17.0%)")]
    rows = _draft(tmp_path, "Tumour response", header, body,
                  [("†", "Responses were assessed by RECIST version 1.1.")])
    assert {r.get("population", "") for r in rows} == {""}


# ---------------------------------------------------------- units a stub prints


@pytest.mark.parametrize("stub,name,unit", [
    ("Lesion volume (cc)", "Lesion volume", "cc"),  # cubic centimetres
    ("Albumin (gm/dL)", "Albumin", "g/dL"),  # only a misspelling of the listed g/dL
    ("Serum iron (mg Fe/gm dry weight)", "Serum iron", ""),  # no unit words: kept in the name
])
def test_units_at_the_end_of_a_stub(stub, name, unit):
    found = split_stub(stub)
    assert (found.name, found.unit) == ((name, unit) if unit else (stub, ""))


@pytest.mark.parametrize("name,unit", [
    ("pH of the dialysate", "pH"), ("pH", "pH"), ("Pain score", "points"),
    ("Phosphate", ""), ("Graph reading", ""),
])
def test_the_unit_a_measurements_name_implies(name, unit):
    assert score_unit(name) == unit


def test_a_mean_of_an_acidity_is_in_ph(tmp_path):
    header = ["Characteristic", "Drug X (n = 40)", "Placebo (n = 40)"]
    body = [("pH of the dialysate, mean (SD)", "7.31 (0.05)", "7.29 (0.06)")]
    rows = _draft(tmp_path, "Dialysis measurements", header, body)
    mean = _at(rows, "pH of the dialysate, mean (SD)", "Drug X (n = 40)", "mean")
    assert (mean["value"], mean["unit"]) == ("7.31", "pH")


def test_a_length_of_stay_with_no_unit_printed_is_proposed_in_days(tmp_path):
    """"ICU length of stay" and "Days at home" print no unit: a length of stay and a number
    of days are counted in days (proposed, flagged); "Peak lactate" stays without a unit."""
    header = ["Outcome", "Drug X (n = 40)", "Placebo (n = 40)", "Mean difference (95% CI)"]
    body = [("ICU length of stay, median (IQR)", "6 (4–9)", "8 (5–12)", ""),
            ("Days at home, mean (SD)", "20.5 (6.1)", "18.2 (7.0)", "2.3 (−0.6 to 5.2)"),
            ("Peak lactate, mean (SD)", "2.1 (0.8)", "2.4 (0.9)", "−0.3 (−0.7 to 0.1)")]
    rows = _draft(tmp_path, "Secondary outcomes", header, body)
    stay = _at(rows, "ICU length of stay, median (IQR)", "Drug X (n = 40)", "median")
    home = _at(rows, "Days at home, mean (SD)", "Mean difference (95% CI)", "estimate")
    lactate = _at(rows, "Peak lactate, mean (SD)", "Placebo (n = 40)", "mean")
    assert [(r["unit"], r["review"]) for r in (stay, home, lactate)] == \
        [("days", "yes"), ("days", "yes"), ("none", "yes")]
