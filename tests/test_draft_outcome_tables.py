"""Outcome tables of cardiology-style reports: what the drafter may not label for sure.

The fixture ``tests/fixtures/labelling/fictional_cardiology.html`` is a fictional two-arm
trial written for these tests: a table of outcomes printed as "% (n)" whose note says the
percentages are Kaplan-Meier rates, with a composite outcome ("Cardiovascular
death/myocardial infarction/stroke") beside all-cause death and hazard-ratio columns; and a
table whose spanning headers ("With surgery", "Without surgery") repeat the arms and the
hazard ratio for two subgroups. The expected labels follow the data dictionary
(data/raw/README.md: deaths with a hazard ratio for death are the events of overall
survival; a Kaplan-Meier percentage is an endpoint's rate, never an outcome percent).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.quantities import all_cause_death

FIXTURE = Path(__file__).parent / "fixtures" / "labelling" / "fictional_cardiology.html"
TRIAL = trial_yaml()


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    folder = tmp_path_factory.mktemp("cardio")
    (folder / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    _, drafted = draft_source(FIXTURE, read_names(folder / "trial.yaml"), "paper")
    return [{**d.fields, "review": "yes" if d.needs_review else ""} for d in drafted]


def _where(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def test_a_composite_outcome_is_not_death(rows):
    composite = _where(rows, location="Table 2",
                       row="Cardiovascular death/myocardial infarction/stroke")
    assert composite and all(r["quantity"] == "outcome" for r in composite)
    assert {r["category"] for r in composite} == {
        "Cardiovascular death/myocardial infarction/stroke"}
    hr = _where(rows, location="Table 2", row="All-cause death", statistic="estimate")
    assert [(r["quantity"], r["value"]) for r in hr] == [("os_hr", "0.73")]


def test_kaplan_meier_percentages_and_composite_events_are_flagged_deaths_are_not(rows):
    """The "% (n)" cells of a table whose note says Kaplan-Meier rates: every percentage is
    an endpoint's rate (flagged); the composite's count is that endpoint's events (the data
    dictionary's ``<endpoint>_events`` of an endpoint to declare, not an ``outcome`` count:
    flagged); all-cause death's count is ``deaths``, the events of overall survival, sure."""
    table = _where(rows, location="Table 2")
    percents = [r for r in table if r["statistic"] == "percent"]
    assert len(percents) == 4 and all(r["review"] for r in percents)
    counts = [r for r in table if r["statistic"] == "count"]
    assert [r["value"] for r in counts] == ["450", "560", "205", "280"]
    assert [(r["quantity"], bool(r["review"])) for r in counts] == [
        ("outcome", True), ("outcome", True), ("deaths", False), ("deaths", False)]


def test_a_comparison_under_a_subgroup_span_is_flagged(rows):
    hrs = _where(rows, location="Table 3", statistic="estimate")
    assert [r["value"] for r in hrs] == ["0.80", "0.65"]
    assert all(r["review"] for r in hrs)


@pytest.mark.parametrize("stub,expected", [
    ("All-cause death", True), ("Death", True), ("Deaths, n (%)", True),
    ("Death by day 90", True), ("Mortality at 1 year", True), ("Death from any cause", True),
    ("Cardiovascular death", False), ("CV death/MI/stroke", False), ("Death or MI", False),
])
def test_death_from_any_cause(stub, expected):
    assert all_cause_death(stub) is expected


def test_two_groups_follow_up_in_one_sentence(tmp_path):
    """"In the survivor group ... 3836 days ..., and in the non-survivor group ... 2505 days":
    each number takes the terms of its own clause; the vocabulary has no term for patients
    who died, so that one is flagged, never called the survivors' follow-up."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    _, drafted = draft_source(FIXTURE.with_name("fictional_follow_up.html"),
                              read_names(tmp_path / "trial.yaml"), "paper")
    medians = {d.fields["value"]: d for d in drafted if d.fields["statistic"] == "median"}
    survivors, died = medians["3836"], medians["2505"]
    assert survivors.fields["category"] == "survivors" and not survivors.needs_review
    assert died.fields["category"] == "" and died.needs_review


def test_a_cell_printing_one_statistic_twice_is_flagged(rows):
    """"14.5 (5.8, 33.8) [1.5 (0.6, 3.6)]" under "CRP, nmol/l [mg/l]": the same median and
    quartiles in two units; no value of the cell is labelled for sure."""
    cell = [r for r in _where(rows, location="Table 4", arm="drug_x") if r["row"]]
    assert [r["value"] for r in cell] == ["14.5", "5.8", "33.8", "1.5", "0.6", "3.6"]
    assert all(r["review"] for r in cell)


def test_two_rows_given_one_label_are_both_flagged(rows):
    """"Overall survival" and "Survival post relapse" each print an HR; whatever the drafter
    calls them, one label cannot be right for both rows."""
    hrs = _where(rows, location="Table 5", statistic="estimate")
    assert [r["value"] for r in hrs] == ["1.04", "0.92"]
    labels = {(r["quantity"], r["category"]) for r in hrs}
    assert len(labels) == 2 or all(r["review"] for r in hrs)


def test_two_columns_given_one_arm_are_flagged(rows):
    """"Drug X, infusion" and "Drug X, bolus" both name the declared arm Drug X: the numbers
    of both columns (their header n included) cannot all be Drug X's."""
    table = _where(rows, location="Table 6")
    drug = [r for r in table if "Drug X" in r["column"]]
    assert {r["value"] for r in drug} >= {"116", "112", "11.23", "9.63"}
    assert all(r["review"] for r in drug if r["arm"] == "drug_x")
    assert any(r["arm"] == "drug_x" for r in drug)


def test_arms_come_from_the_table_that_names_a_comparator():
    """A report whose first table with n = headers prints risk groups (all, high-risk,
    coronary heart disease) and whose second prints the randomised groups: the arms the
    audit drafts are the second table's, labelled without their format ("n (%)")."""
    from trialrecon.dossier.draft.reader import read_document
    from trialrecon.dossier.draft.trialdraft import arms_from_tables

    doc = read_document(FIXTURE.with_name("fictional_subgroup_first.html"))
    arms = arms_from_tables(doc)
    assert [(a.label, a.role) for a in arms] == [("Intervention", "experimental"),
                                                ("Control", "comparator")]


def test_an_n_row_above_every_heading_gives_the_whole_table_its_denominators(rows):
    """"N | 216 | 221" as the table's first row: the percentages under a later heading
    ("History / Smokers (present)") are over 216 and 221 too (20/216 = 9.3%, 11/221 = 5.0%)."""
    smokers = _where(rows, location="Table 7", statistic="percent")
    assert [(r["value"], r["denominator"]) for r in smokers] == [("9.3", "216"), ("5.0", "221")]
