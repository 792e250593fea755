"""Classes of adverse-event tables with stages and measurements (issue 20, table cells).

Small tables of their own words, drafted for the fictional trial of ``fictional_trial.py``;
the labels expected are the data dictionary's (data/raw/README.md), written by hand.
"""

from __future__ import annotations

from pathlib import Path

from test_draft_table_classes import _at, _draft

_HEADER = ["", "Drug X % grade 3-4", "Drug X mean grade", "Placebo % grade 3-4",
           "Placebo mean grade", "P"]
_CAPTION = "Toxicity by course"


def test_stage_rows_repeating_terms_join_the_category(tmp_path: Path) -> None:
    """Full-width "Cycle 1" / "Cycle 2" rows over the same terms: each number takes its
    cycle after a comma, so the two cycles' rows are two quantities."""
    body = [("Cycle 1",), ("Vomiting", "6%", "0.9", "2%", "0.5", "0.03"),
            ("Rash", "1%", "0.2", "3%", "0.3", "0.5"),
            ("Cycle 2",), ("Vomiting", "4%", "0.6", "5%", "0.6", "0.8"),
            ("Rash", "2%", "0.3", "2%", "0.2", "0.6")]
    rows = _draft(tmp_path, _CAPTION, _HEADER, body)
    first = _at(rows, "Cycle 1 / Vomiting", "Drug X % grade 3-4", "percent")
    second = _at(rows, "Cycle 2 / Vomiting", "Drug X % grade 3-4", "percent")
    assert (first["quantity"], first["category"], first["value"]) == \
        ("ae_grade34", "Vomiting, cycle 1", "6")
    assert (second["category"], second["value"]) == ("Vomiting, cycle 2", "4")


def test_a_lone_stage_row_stays_a_group(tmp_path: Path) -> None:
    """One "Week 12" row over its terms repeats nothing: no stage joins the category."""
    body = [("Week 12",), ("Vomiting", "6%", "0.9", "2%", "0.5", "0.03"),
            ("Rash", "1%", "0.2", "3%", "0.3", "0.5")]
    rows = _draft(tmp_path, _CAPTION, _HEADER, body)
    cell = _at(rows, "Week 12 / Vomiting", "Drug X % grade 3-4", "percent")
    assert "week 12" not in cell["category"].lower()


def test_mean_grade_column_is_an_outcome_mean(tmp_path: Path) -> None:
    """A "mean grade" column gives the mean grade of the term (outcome, unit grade), not a
    count of the event; the row's P value beside it is the outcome's."""
    body = [("Vomiting", "6%", "0.9", "2%", "0.5", "0.03")]
    rows = _draft(tmp_path, _CAPTION, _HEADER, body)
    mean = _at(rows, "Vomiting", "Drug X mean grade", "mean")
    assert (mean["quantity"], mean["category"], mean["unit"], mean["value"]) == \
        ("outcome", "Vomiting", "grade", "0.9")
    assert mean["population"] == "safety"  # the table's patients, as its events
    pct = _at(rows, "Vomiting", "Drug X % grade 3-4", "percent")
    assert pct["quantity"] == "ae_grade34"
    p = _at(rows, "Vomiting", "P", "p_value")
    assert (p["quantity"], p["category"]) == ("outcome", "Vomiting")


def test_measurement_stub_under_a_grade_column(tmp_path: Path) -> None:
    """"Median days to recovery" and "Mean transfusion units" printed in the grade
    percentage columns are a median and a mean of their own outcome: the statistic word
    leaves the category, a unit word ending the stub goes to the unit."""
    body = [("Median days to recovery", "18", "", "21", "", "0.01"),
            ("Mean transfusion units", "7.5", "", "9.0", "", "0.2")]
    rows = _draft(tmp_path, _CAPTION, _HEADER, body)
    med = _at(rows, "Median days to recovery", "Drug X % grade 3-4", "median")
    assert (med["quantity"], med["category"], med["value"]) == \
        ("outcome", "Days to recovery", "18")
    mean = _at(rows, "Mean transfusion units", "Placebo % grade 3-4", "mean")
    assert (mean["quantity"], mean["category"], mean["unit"], mean["value"]) == \
        ("outcome", "Transfusion", "units", "9.0")
    p = _at(rows, "Mean transfusion units", "P", "p_value")
    assert (p["quantity"], p["category"]) == ("outcome", "Transfusion")
