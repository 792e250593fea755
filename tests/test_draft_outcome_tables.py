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

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.quantities import all_cause_death

FIXTURE = Path(__file__).parent / "fixtures" / "labelling" / "fictional_cardiology.html"
TRIAL = """id: fict
title: "Fictional"
design: randomized
sources:
  - id: paper
    kind: paper
    citation: "Fictional 2024"
cohorts:
  - id: all
    label: "All randomised patients"
arms:
  - id: drug_x
    label: "Drug X"
    role: experimental
  - id: placebo
    label: "Placebo"
    role: comparator
"""


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


def test_kaplan_meier_percentages_are_flagged_counts_are_not(rows):
    table = _where(rows, location="Table 2")
    percents = [r for r in table if r["statistic"] == "percent"]
    assert len(percents) == 4 and all(r["review"] for r in percents)
    counts = [r for r in table if r["statistic"] == "count"]
    assert [r["value"] for r in counts] == ["450", "560", "205", "280"]
    assert not any(r["review"] for r in counts)


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
