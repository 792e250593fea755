"""Tables of a regression model (issue 20, table cells): covariates, levels and references;
and what a table says of all its rows (the set its arm columns count, the variable its
caption names).

Each test builds a small multivariable table of its own words for the fictional two-arm trial
of ``fictional_trial.py`` (Drug X, experimental, against placebo) and checks the labels the
data dictionary ("Regression models", data/raw/README.md) gives its cells, written by hand:
``Variable: level vs reference`` for a level, ``Variable: level (reference)`` for the
reference's printed 1, the arms for a covariate whose levels are the arms, the model's
adjustment and Wald test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import drafted_at as _at
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import read_names
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.regression import level_name
from trialrecon.dossier.draft.structured import draft_document


def _draft(tmp_path: Path, caption: str, spans: list[tuple[str, int]] | None,
           header: list[str], body: list[tuple[str, ...]],
           notes: list[str] = ()) -> list[dict[str, str]]:
    """Draft one table: ``spans`` a first header row of (label, columns spanned) when the
    table has one, ``header`` the header row above the body, ``body`` rows of a stub and
    cells (a row of one cell is a heading across the table), ``notes`` unmarked notes."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    rows: list[list[RawCell]] = []
    if spans:
        rows.append([RawCell(((text, "", ""),), colspan=n, header=True) for text, n in spans])
    rows.append([RawCell(((text, "", ""),), header=True) for text in header])
    for row in body:
        if len(row) == 1:
            rows.append([RawCell(((row[0], "", ""),), colspan=len(header))])
        else:
            rows.append([RawCell(((text, "", ""),)) for text in row])
    b.table("Table 3", [(caption, "", "")], rows=rows,
            notes=[("", [(text, "", "")]) for text in notes],
            header_rows=len(rows) - len(body))
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


_COX_SPANS = [("", 1), ("Overall survival", 3), ("Progression-free survival", 3)]
_COX_HEADER = ["", "HR", "95% CI", "P", "HR", "95% CI", "P"]
_COX_BODY = [
    ("Treatment",),
    ("Placebo", "1", "", "", "1", "", ""),
    ("Drug X", "0.70", "0.52–0.94", "0.018", "0.81", "0.63–1.04", "0.10"),
    ("Performance status",),
    ("0", "1", "", "", "1", "", ""),
    ("1–2", "1.71", "1.16–2.51", "0.006", "1.38", "0.95–1.99", "0.090"),
    ("Number of organs involved",),
    ("1", "1", "", "", "1", "", ""),
    ("2", "1.58", "1.05–2.37", "0.027", "1.48", "1.02–2.14", "0.040"),
    ("≥3", "2.60", "1.50–4.49", "0.001", "2.31", "1.34–3.97", "0.003"),
]


def test_a_level_is_against_its_covariates_reference_in_a_multivariable_cox_table(tmp_path):
    """"Performance status / 1–2 | 1.71 | 1.16–2.51 | 0.006" under a reference row "0 | 1":
    the hazard ratio of PS 1–2 against PS 0, of the endpoint its spanning header names,
    adjusted (the caption's multivariable model), its P value the Cox model's Wald test."""
    rows = _draft(tmp_path, "Multivariable Cox regression analysis", _COX_SPANS, _COX_HEADER,
                  _COX_BODY)
    est = _at(rows, "Performance status / 1–2", "Overall survival / HR", "estimate")
    assert (est["quantity"], est["category"], est["value"], est["adjustment"]) == \
        ("os_hr", "Performance status: 1–2 vs 0", "1.71", "adjusted")
    for column, statistic in (("Overall survival / 95% CI", "ci_low"),
                              ("Overall survival / 95% CI", "ci_high"),
                              ("Overall survival / P", "p_value")):
        r = _at(rows, "Performance status / 1–2", column, statistic)
        assert (r["quantity"], r["category"], r["adjustment"]) == \
            ("os_hr", "Performance status: 1–2 vs 0", "adjusted"), column
    p = _at(rows, "Performance status / 1–2", "Progression-free survival / P", "p_value")
    assert (p["quantity"], p["category"], p["value"], p["test"]) == \
        ("pfs_hr", "Performance status: 1–2 vs 0", "0.090", "cox_wald")
    three = _at(rows, "Number of organs involved / ≥3", "Progression-free survival / HR",
                "estimate")
    assert (three["category"], three["value"]) == ("Number of organs involved: ≥3 vs 1", "2.31")


def test_the_reference_rows_printed_1_is_the_reference_with_no_adjustment(tmp_path):
    """The reference's 1 is fixed by the model, not estimated: an estimate of the level
    written "(reference)", with no adjustment and no test, and no CI or P value rows."""
    rows = _draft(tmp_path, "Multivariable Cox regression analysis", _COX_SPANS, _COX_HEADER,
                  _COX_BODY)
    ref = _at(rows, "Performance status / 0", "Overall survival / HR", "estimate")
    assert (ref["quantity"], ref["category"], ref["value"], ref["adjustment"], ref["test"]) == \
        ("os_hr", "Performance status: 0 (reference)", "1", "", "")
    assert not [r for r in rows if r["row"] == "Performance status / 0" and
                r["statistic"] != "estimate"]


def test_a_covariate_whose_levels_are_the_arms_gives_the_between_arm_effect(tmp_path):
    """"Treatment / Drug X | 0.70" against "Placebo | 1": the adjusted hazard ratio of the
    trial's comparison, in its usual direction (no arm, no versus, no category); the
    reference row is the placebo arm's."""
    rows = _draft(tmp_path, "Multivariable Cox regression analysis", _COX_SPANS, _COX_HEADER,
                  _COX_BODY)
    hr = _at(rows, "Treatment / Drug X", "Overall survival / HR", "estimate")
    assert (hr["arm"], hr["versus"], hr["category"], hr["adjustment"]) == \
        ("", "", "", "adjusted")
    ref = _at(rows, "Treatment / Placebo", "Overall survival / HR", "estimate")
    assert (ref["arm"], ref["category"]) == ("placebo", "Treatment: Placebo (reference)")


def test_arms_compared_the_other_way_round_name_arm_and_versus(tmp_path):
    """Drug X as the reference: placebo's ratio is printed the other way round, so it names
    ``arm`` placebo and ``versus`` drug_x (the data dictionary's ``versus``)."""
    body = [("Treatment",), ("Drug X", "1", "", ""),
            ("Placebo", "1.43", "1.06–1.92", "0.018")]
    rows = _draft(tmp_path, "Multivariate Cox model of overall survival", None,
                  ["", "HR", "95% CI", "P"], body)
    hr = _at(rows, "Treatment / Placebo", "HR", "estimate")
    assert (hr["quantity"], hr["arm"], hr["versus"], hr["category"]) == \
        ("os_hr", "placebo", "drug_x", "")


def test_a_reference_named_by_a_word_or_in_the_stub(tmp_path):
    """"Female (reference) | Reference" prints no number: no row; the level below it is
    against "Female" (the stub's "(reference)" left out). A logistic model's odds ratio
    P value is its Wald test; "Univariable" in the caption makes it unadjusted."""
    body = [("Age, years", "1.03", "1.01–1.05", "0.002"), ("Sex",),
            ("Female (reference)", "Reference", "", ""), ("Male", "1.52", "1.10–2.10", "0.011")]
    rows = _draft(tmp_path, "Univariable logistic regression of response", None,
                  ["", "OR", "95% CI", "P"], body)
    assert not [r for r in rows if r["row"].startswith("Sex / Female")]
    male = _at(rows, "Sex / Male", "OR", "estimate")
    assert (male["quantity"], male["category"], male["adjustment"]) == \
        ("odds_ratio", "Sex: Male vs Female", "unadjusted")
    assert _at(rows, "Sex / Male", "P", "p_value")["test"] == "logistic_wald"
    age = _at(rows, "Age, years", "OR", "estimate")
    assert (age["category"], age["adjustment"]) == ("Age", "unadjusted")


def test_an_estimate_of_1_with_its_ci_is_no_reference(tmp_path):
    """"North | 1.00 | 0.80–1.25 | 0.99" is an estimate that happens to be 1: with a CI it is
    no reference, and a heading with no reference row keeps its rows' categories."""
    body = [("Region",), ("North", "1.00", "0.80–1.25", "0.99"),
            ("South", "1.20", "0.90–1.60", "0.21")]
    rows = _draft(tmp_path, "Multivariable Cox regression analysis", None,
                  ["", "HR", "95% CI", "P"], body)
    north = _at(rows, "Region / North", "HR", "estimate")
    assert "vs" not in north["category"] and "(reference)" not in north["category"]
    assert north["adjustment"] == "adjusted"


def test_univariable_and_multivariable_models_side_by_side(tmp_path):
    """Spanning headers "Univariable analysis" and "Multivariable analysis": each column's
    estimates take their model's adjustment; "Model 1" and "Model 2" are told apart after
    a colon."""
    body = [("Performance status",), ("0", "1", "", "1", ""), ("1–2", "1.90", "0.001", "1.71",
                                                              "0.006")]
    rows = _draft(tmp_path, "Univariable and multivariable Cox analysis of overall survival",
                  [("", 1), ("Univariable analysis", 2), ("Multivariable analysis", 2)],
                  ["", "HR", "P", "HR", "P"], body)
    uni = _at(rows, "Performance status / 1–2", "Univariable analysis / HR", "estimate")
    multi = _at(rows, "Performance status / 1–2", "Multivariable analysis / P", "p_value")
    assert (uni["adjustment"], multi["adjustment"]) == ("unadjusted", "adjusted")
    assert uni["category"] == multi["category"] == "Performance status: 1–2 vs 0"
    models = _draft(tmp_path, "Cox regression of overall survival",
                    [("", 1), ("Model 1", 2), ("Model 2", 2)], ["", "HR", "P", "HR", "P"], body)
    m2 = _at(models, "Performance status / 1–2", "Model 2 / HR", "estimate")
    assert m2["adjustment"] == "adjusted: model 2"


def test_effect_columns_a_note_names_and_the_p_value_row_of_a_covariate(tmp_path):
    """Columns headed by the endpoints only ("Overall survival") in a table whose note says
    "hazard ratio (95% CI)" are hazard ratios; the "p value" row under a covariate is the P
    value of the covariate as a whole (its variable as category)."""
    body = [("Excision margin",), ("3 cm", "1·00"), ("1 cm", "1·19 (0·99–1·45)"),
            ("p value", "0·070")]
    rows = _draft(tmp_path, "Multivariable analysis of prognostic factors", None,
                  ["", "Overall survival"], body,
                  notes=["Data are hazard ratio (95% CI). p values from Wald test."])
    one = _at(rows, "Excision margin / 1 cm", "Overall survival", "estimate")
    assert (one["quantity"], one["category"], one["value"]) == \
        ("os_hr", "Excision margin: 1 cm vs 3 cm", "1.19")
    ref = _at(rows, "Excision margin / 3 cm", "Overall survival", "estimate")
    assert ref["category"] == "Excision margin: 3 cm (reference)"
    p = _at(rows, "Excision margin / p value", "Overall survival", "p_value")
    assert (p["category"], p["value"], p["unit"]) == ("Excision margin", "0.070", "probability")


def test_a_ci_printed_as_lower_and_upper_columns_and_a_note_naming_the_adjustment(tmp_path):
    """"95% CI" spanning "Lower | Upper": each column holds one bound; a caption naming no
    model kind and a note "Model adjusted for sex" make the estimates adjusted; a covariate
    on a row of its own keeps its stub."""
    rows = _draft(tmp_path, "Independent predictors of overall survival",
                  [("", 1), ("HR", 1), ("95% CI", 2), ("P", 1)], ["", "", "Lower", "Upper", ""],
                  [("Past myocardial infarction", "1.45", "1.30", "1.64", "<0.001")],
                  notes=["Model adjusted for sex and smoking."])
    low = _at(rows, "Past myocardial infarction", "95% CI / Lower", "ci_low")
    high = _at(rows, "Past myocardial infarction", "95% CI / Upper", "ci_high")
    assert (low["value"], high["value"]) == ("1.30", "1.64")
    assert {r["quantity"] for r in (low, high)} == {"os_hr"}
    est = _at(rows, "Past myocardial infarction", "HR", "estimate")
    assert (est["category"], est["adjustment"]) == ("Past myocardial infarction", "adjusted")


def test_a_cox_table_by_subgroup_gives_its_rows_no_covariate_category(tmp_path):
    """"Cox regression of overall survival by subgroup": each row is the treatment's hazard
    ratio in a subgroup, not a covariate's, so the row is not proposed as a category."""
    rows = _draft(tmp_path, "Cox regression of overall survival by subgroup", None,
                  ["", "HR", "95% CI", "P"], [("Male", "0.70", "0.52–0.94", "0.018")])
    est = _at(rows, "Male", "HR", "estimate")
    assert (est["quantity"], est["category"], est["review"]) == ("os_hr", "", "yes")


@pytest.mark.parametrize(("stub", "level"), [("0 (reference)", "0"), ("Female [ref]", "Female"),
                                             ("Low (Reference group)", "Low"), ("≥3", "≥3")])
def test_the_level_a_stub_names(stub, level):
    assert level_name(stub) == level


# ------------------------------------------------- the analysis set of a between-arm column


def test_a_p_value_between_arm_columns_of_one_set_is_of_that_set(tmp_path):
    """Both arm columns say they count the per-protocol set: the P value between them
    compares that set too (the data dictionary: the value's own table names the set)."""
    rows = _draft(tmp_path, "Clinical cure at the test-of-cure visit", None,
                  ["", "Drug X (per-protocol, n = 90)", "Placebo (per-protocol, n = 88)", "P"],
                  [("Clinical cure", "70 (77.8)", "60 (68.2)", "0.15")])
    assert _at(rows, "Clinical cure", "P", "p_value")["population"] == "per_protocol"
    assert _at(rows, "Clinical cure", "Drug X (per-protocol, n = 90)", "count")["population"] \
        == "per_protocol"


# ------------------------------------------------- the caption's variable as the rows' group


def test_rows_under_no_heading_are_levels_of_the_variable_the_caption_names(tmp_path):
    """"Concomitant medication in the safety population" over "Any", "Aspirin", "Statins":
    the rows are levels of the caption's variable (the "Any" row names nothing of its own),
    so each category is ``Concomitant medication: level``, its P value's too."""
    body = [("Any", "40 (40.0)", "35 (38.9)", "0.88"), ("Aspirin", "12 (12.0)", "9 (10.0)", "0.66"),
            ("Statins", "20 (20.0)", "18 (20.0)", "1.00")]
    rows = _draft(tmp_path, "Concomitant medication in the safety population", None,
                  ["", "Drug X (n = 100)", "Placebo (n = 90)", "P"], body)
    assert _at(rows, "Aspirin", "Drug X (n = 100)", "count")["category"] == \
        "Concomitant medication: Aspirin"
    assert _at(rows, "Any", "P", "p_value")["category"] == "Concomitant medication: Any"


@pytest.mark.parametrize("caption", ["Secondary outcomes in the intention-to-treat population",
                                     "Hospital stay and readmission by arm"])
def test_a_caption_naming_outcomes_or_two_things_gives_no_group(tmp_path, caption):
    """A caption naming a part of a paper's results ("Secondary outcomes") or two things
    ("... and ...") is no variable of the rows: they keep their stubs."""
    body = [("Readmission", "12 (12.0)", "9 (10.0)", "0.66"),
            ("Other", "4 (4.0)", "3 (3.3)", "1.00")]
    rows = _draft(tmp_path, caption, None, ["", "Drug X (n = 100)", "Placebo (n = 90)", "P"], body)
    assert _at(rows, "Readmission", "Drug X (n = 100)", "count")["category"] == "Readmission"
