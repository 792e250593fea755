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
    assert (p["quantity"], p["category"], p["unit"]) == ("outcome", "Transfusion", "probability")


_OUTCOME_HEADER = ["", "Drug X (%)", "Placebo (%)", "HR/OR (95% CI)", "P"]
_OUTCOME_BODY = [("Complete response", "60", "50", "1.50 (1.10-2.05)", "0.01"),
                 ("Death within 30 days", "8", "9", "0.90 (0.55-1.45)", "0.7"),
                 ("Overall survival", "40", "35", "0.85 (0.70-1.03)", "0.09")]


def test_mixed_hazard_and_odds_ratio_column(tmp_path: Path) -> None:
    """An "HR/OR" column: the rows of patients with or without an outcome give odds ratios,
    the row of a time-to-event endpoint a hazard ratio; their P values go with them."""
    rows = _draft(tmp_path, "Outcomes by arm", _OUTCOME_HEADER, _OUTCOME_BODY)
    cr = _at(rows, "Complete response", "HR/OR (95% CI)", "estimate")
    assert (cr["quantity"], cr["value"]) == ("odds_ratio", "1.50")
    death = _at(rows, "Death within 30 days", "HR/OR (95% CI)", "estimate")
    assert death["quantity"] == "odds_ratio"
    assert _at(rows, "Complete response", "P", "p_value")["quantity"] == "odds_ratio"
    os_ = _at(rows, "Overall survival", "HR/OR (95% CI)", "estimate")
    assert (os_["quantity"], os_["value"]) == ("os_hr", "0.85")


def test_title_landmark_gives_rates_their_category(tmp_path: Path) -> None:
    """"All estimates are at 3 years unless stated": an endpoint's percentages are its
    rates at that landmark; a title naming two landmarks gives none."""
    rows = _draft(tmp_path, "Outcomes by arm; all estimates are at 3 years unless stated",
                  _OUTCOME_HEADER, _OUTCOME_BODY)
    rate = _at(rows, "Overall survival", "Drug X (%)", "percent")
    assert (rate["quantity"], rate["category"], rate["value"]) == ("os_rate", "3 years", "40")
    rows = _draft(tmp_path, "Outcomes at 1 year and at 3 years", _OUTCOME_HEADER,
                  _OUTCOME_BODY)
    assert _at(rows, "Overall survival", "Drug X (%)", "percent")["category"] == ""


def test_declared_endpoints_are_told_apart(tmp_path: Path) -> None:
    """Several declared endpoints sharing words ("survival from ...", "cumulative incidence
    of ..."): a shared name names none of them, the longest name found wins (the
    vocabulary's "overall survival" over a declared endpoint's "survival"), and a synonym in
    the label's parentheses names its endpoint."""
    from fictional_trial import trial_yaml

    from trialrecon.dossier.draft import read_names
    from trialrecon.dossier.draft.cues import endpoint_of

    text = trial_yaml() + (
        "endpoints:\n"
        '  - id: spp\n    label: "survival from progression (survival post progression)"\n'
        '  - id: spr\n    label: "survival from response"\n'
        '  - id: cip\n    label: "cumulative incidence of progression (competing risks)"\n'
        '  - id: cid\n    label: "cumulative incidence of death without progression"\n')
    (tmp_path / "trial.yaml").write_text(text, encoding="utf-8")
    declared = read_names(tmp_path / "trial.yaml").endpoints
    expected = {"Overall survival": "os", "Progression-free survival": "pfs",
                "Survival post progression": "spp", "Survival from response": "spr",
                "Cumulative incidence of progression": "cip",
                "Cumulative incidence of death without progression": "cid",
                "Cumulative incidence of death": "cid",
                "Competing risks": ""}
    assert {t: endpoint_of(t, declared) for t in expected} == expected


def test_days_of_a_schedule_are_no_patient_counts(tmp_path: Path) -> None:
    """"Drug X 20 mg/m2 on days 1-5" and "days 1, 3 and 5" in a sentence about the
    randomised treatment: the day numbers are schedule rows (flagged for their category),
    never numbers of patients randomised."""
    from test_draft_text_classes import _draft_sentence

    rows = _draft_sentence(tmp_path, "Results", "Patients were randomised to Drug X "
                           "20 mg/m2 on days 1-5 or Placebo given on days 1, 3 and 8.")
    days = [r for r in rows if r.fields["value"] in ("1", "5", "3", "8")]
    assert days
    for r in days:
        assert (r.fields["quantity"], r.fields["unit"]) == ("schedule", "days"), r.fields
        assert r.needs_review
    assert [r.fields["quantity"] for r in rows if r.fields["value"] == "120"] == ["randomized"]
