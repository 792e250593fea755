"""Unflagged rows a reviewer takes as they stand: four classes of label (issue 20).

Each test drafts a small table or sentence of its own words for the fictional two-arm trial
of ``fictional_trial.py`` and checks the rows against the data dictionary
(data/raw/README.md) by hand: either the label is what a careful reviewer writes, or the row
is flagged ``needs_review``.
"""

from __future__ import annotations

import pytest
from fictional_trial import trial_yaml
from test_draft_table_classes import _at, _draft
from test_draft_text_classes import _draft_sentence

from trialrecon.dossier.draft import cues, read_names
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.structured import draft_document
from trialrecon.dossier.draft.stubs import split_stub

_HEADER = ["", "Drug X (n = 50)", "Placebo (n = 40)"]


@pytest.mark.parametrize(("header", "grade"), [
    ("Grade 3 or Grade 4 AEs", "grade34"),
    ("Grade 3/Grade 4", "grade34"),
    ("Grade 3 and grade 4 events", "grade34"),
    ("Grade 1 or Grade 2", "grade12"),
    ("Grade 3 or 4", "grade34"),
    ("Grade 3", "grade3"),
    ("Grade 4", "grade4"),
])
def test_a_grade_range_spelling_the_word_grade_twice_is_the_range(header, grade):
    """"Grade 3 or Grade 4 AEs" counts patients with either grade: ``ae_grade34``, never the
    grade 3 column of a table that prints grade 4 apart."""
    assert cues.grade(header) == grade


def test_grade_3_or_grade_4_columns_and_an_at_least_one_ae_row(tmp_path):
    """A two-level header "Drug X / Grade 3 or Grade 4 AEs" and a first row "Patients with
    at least 1 AE": the count of any adverse event of grade 3 or 4 is ``ae_grade34`` with
    category ``any``; a term below keeps its name."""
    b = _draft_ae(tmp_path)
    anyae = _at(b, "Patients with at least 1 AE", "Drug X (n = 50) / Grade 3 or Grade 4 AEs",
                "count")
    assert (anyae["quantity"], anyae["category"], anyae["value"]) == ("ae_grade34", "any", "20")
    nausea = _at(b, "Nausea", "Placebo (n = 40) / Grade 3 or Grade 4 AEs", "percent")
    assert (nausea["quantity"], nausea["category"], nausea["value"]) == \
        ("ae_grade34", "Nausea", "5.0")
    every = _at(b, "Nausea", "Drug X (n = 50) / All AEs", "count")
    assert (every["quantity"], every["value"]) == ("ae_any_grade", "30")


def _draft_ae(tmp_path) -> list[dict[str, str]]:
    """An adverse-event table with two header rows: the arms, then "All AEs" and "Grade 3
    or Grade 4 AEs" under each."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)

    def cell(text: str, header: bool = False, colspan: int = 1) -> RawCell:
        return RawCell(((text, "", ""),), header=header, colspan=colspan)

    rows = [[cell("", True), cell("Drug X (n = 50)", True, 2),
             cell("Placebo (n = 40)", True, 2)],
            [cell("AEs, n (%)", True), cell("All AEs", True),
             cell("Grade 3 or Grade 4 AEs", True), cell("All AEs", True),
             cell("Grade 3 or Grade 4 AEs", True)],
            [cell("Patients with at least 1 AE"), cell("45 (90.0)"), cell("20 (40.0)"),
             cell("38 (95.0)"), cell("10 (25.0)")],
            [cell("Nausea"), cell("30 (60.0)"), cell("3 (6.0)"), cell("20 (50.0)"),
             cell("2 (5.0)")]]
    b.table("Table 3", [("Adverse events in the safety population", "", "")], rows=rows,
            notes=[], header_rows=2)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


def test_an_overview_of_safety_is_an_adverse_event_table(tmp_path):
    """"Overview of safety outcomes": a table of adverse events, though its caption says
    "outcomes" too; its rows are ``ae_*`` quantities, never generic outcomes."""
    assert cues.kind_of("Overview of safety outcomes (safety population)", "") == "ae"
    assert cues.kind_of("Summary of safety", "") == "ae"
    assert cues.kind_of("Efficacy and safety outcomes", "") == "outcome"
    rows = _draft(tmp_path, "Overview of safety outcomes", _HEADER,
                  [("Serious AEs", "12 (24.0)", "8 (20.0)"),
                   ("Grade 3 or 4 AEs", "20 (40.0)", "10 (25.0)")])
    serious = _at(rows, "Serious AEs", "Drug X (n = 50)", "count")
    assert (serious["quantity"], serious["category"]) == ("ae_serious", "any")
    severe = _at(rows, "Grade 3 or 4 AEs", "Placebo (n = 40)", "percent")
    assert (severe["quantity"], severe["category"], severe["value"]) == \
        ("ae_grade34", "any", "25.0")


def test_an_adverse_event_summary_left_a_generic_outcome_is_flagged(tmp_path):
    """A table whose caption names neither adverse events nor safety ("Primary and secondary
    outcomes"): a row "Any adverse event" drafted as a generic ``outcome`` is a guess (an
    ``ae_*`` quantity names it) and is flagged; an outcome row of its own stays unflagged."""
    rows = _draft(tmp_path, "Primary and secondary outcomes", _HEADER,
                  [("Healed ulcers, n (%)", "30 (60.0)", "16 (40.0)"),
                   ("Any adverse event, n (%)", "20 (40.0)", "14 (35.0)")])
    ae = [r for r in rows if r["row"] == "Any adverse event, n (%)"]
    assert ae and all(r["review"] == "yes" for r in ae if r["quantity"] == "outcome")
    healed = _at(rows, "Healed ulcers, n (%)", "Drug X (n = 50)", "count")
    assert (healed["quantity"], healed["category"], healed["review"]) == \
        ("outcome", "Healed ulcers", "")


@pytest.mark.parametrize(("stub", "name", "unit"), [
    ("Median age (range), years", "Age", "years"),
    ("Median weight (range), kg", "Weight", "kg"),
    ("Mean BMI (SD)", "BMI", ""),
    ("median follow-up (IQR), months", "follow-up", "months"),
    ("Median (range)", "Median (range)", ""),  # a legend alone names nothing
    ("Median OS (95% CI)", "Median OS (95% CI)", ""),  # an estimate's CI is no legend
])
def test_a_legend_printed_around_the_name_is_left_out(stub, name, unit):
    """"Median age (range), years" is the age in the format "median (range)": step 1 of
    the category leaves out the legend on both sides of the name."""
    got = split_stub(stub)
    assert (got.name, got.unit) == (name, unit)


def test_median_age_range_is_age_and_median_weight_is_weight(tmp_path):
    """A baseline table printing "Median age (range), years": the specific quantity ``age``
    (no category), in years; "Median weight (range), kg" is ``baseline_value`` ``Weight``
    in kg (the legend left out of the category)."""
    rows = _draft(tmp_path, "Baseline characteristics", _HEADER,
                  [("Median age (range), years", "63 (44–82)", "61 (38–80)"),
                   ("Median weight (range), kg", "66.5 (38.0–95.0)", "65.0 (41.0–135.5)")])
    age = _at(rows, "Median age (range), years", "Drug X (n = 50)", "median")
    assert (age["quantity"], age["category"], age["unit"], age["value"]) == \
        ("age", "", "years", "63")
    weight = _at(rows, "Median weight (range), kg", "Placebo (n = 40)", "range_high")
    assert (weight["quantity"], weight["category"], weight["unit"], weight["value"]) == \
        ("baseline_value", "Weight", "kg", "135.5")


def test_a_bare_level_whose_characteristic_no_heading_names_is_flagged(tmp_path):
    """"< 40" and ">= 40" printed under a row "Age, median (range)" that prints its own
    values: no heading names their variable, so a category "< 40" would miss the
    dictionary's "Age: < 40"; such a level is flagged. A level under its heading ("Sex /
    Male" aside, "Smoking / Current") stays unflagged, and so does a yes/no characteristic
    printed as a row of its own ("Hypertension")."""
    rows = _draft(tmp_path, "Baseline characteristics", ["", *(f"{h}, n (%)" for h in _HEADER[1:])],
                  [("Age, median (range)", "44 (18–72)", "45 (19–75)"),
                   ("< 40", "20 (40.0)", "15 (37.5)"),
                   (">= 40", "30 (60.0)", "25 (62.5)"),
                   ("Hypertension", "18 (36.0)", "12 (30.0)"),
                   ("Smoking",),
                   ("Current", "10 (20.0)", "9 (22.5)"),
                   ("Never", "40 (80.0)", "31 (77.5)")])
    for stub in ("< 40", ">= 40"):
        for r in [r for r in rows if r["row"] == stub]:
            assert r["review"] == "yes" or ":" in r["category"], r
    current = _at(rows, "Smoking / Current", "Drug X (n = 50), n (%)", "count")
    assert (current["category"], current["review"]) == ("Smoking: Current", "")
    hyper = _at(rows, "Hypertension", "Placebo (n = 40), n (%)", "count")
    assert (hyper["category"], hyper["review"]) == ("Hypertension", "")


def test_the_dates_of_a_literature_search_are_no_accrual(tmp_path):
    """"We searched PubMed between June 1993 and April 2016 for randomised trials": the
    dates of a literature search (a Research in context panel), never the trial's
    enrollment_start and enrollment_end; the trial's own accrual sentence still is."""
    rows = _draft_sentence(tmp_path, "Evidence before this study",
                           "We searched PubMed between June 1993 and April 2016 for "
                           "randomised trials that included adults with the disease.")
    dates = [d for d in rows if d.fields["statistic"] == "date"]
    assert dates and all(d.fields["quantity"] not in ("enrollment_start", "enrollment_end")
                         or d.needs_review for d in dates)
    rows = _draft_sentence(tmp_path, "Patients",
                           "Between June 2010 and April 2014, 120 patients were enrolled.")
    accrual = {d.fields["quantity"]: d for d in rows if d.fields["statistic"] == "date"}
    assert set(accrual) == {"enrollment_start", "enrollment_end"}
    assert not any(d.needs_review for d in accrual.values())


def test_a_characteristic_the_vocabulary_names_is_flagged_when_left_generic(tmp_path):
    """"Primary site of cancer / Breast" under a heading: the vocabulary's ``primary_site``
    names it (the specific before the generic), so ``baseline`` "Primary site of cancer:
    Breast" is a guess and flagged; "Metastatic site / Liver", which no quantity of the
    vocabulary names, stays ``baseline`` unflagged."""
    rows = _draft(tmp_path, "Baseline characteristics",
                  ["", *(f"{h}, n (%)" for h in _HEADER[1:])],
                  [("Primary site of cancer",),
                   ("Breast", "50 (100)", "40 (100)"),
                   ("Metastatic site",),
                   ("Liver", "20 (40.0)", "12 (30.0)"),
                   ("Bone", "30 (60.0)", "28 (70.0)")])
    primary = [r for r in rows if r["row"] == "Primary site of cancer / Breast"]
    assert primary and all(r["review"] == "yes" or r["quantity"] == "primary_site"
                           for r in primary)
    liver = _at(rows, "Metastatic site / Liver", "Drug X (n = 50), n (%)", "count")
    assert (liver["quantity"], liver["category"], liver["review"]) == \
        ("baseline", "Metastatic site: Liver", "")


def test_a_sentences_count_of_an_unnamed_analysis_set_is_flagged(tmp_path):
    """"The efficacy population included 50 patients (48 response evaluable) in the Drug X
    group and 23 in the placebo group": counts of two sets, none declared; an ``analysed``
    row without a ``population`` names no set and is flagged."""
    rows = _draft_sentence(tmp_path, "Patient disposition",
                           "The primary efficacy population included 50 patients (48 patients "
                           "response evaluable) in the Drug X group and 23 patients in the "
                           "placebo group.")
    unnamed = [d for d in rows if d.fields["quantity"] == "analysed"
               and not d.fields.get("population")]
    assert all(d.needs_review for d in unnamed)


def test_a_sentences_p_value_restating_a_tables_takes_its_test(tmp_path):
    """The table prints "Log-rank P value 0.5639" under the PFS rows and the Results repeat
    "(HR 1.31 [95% CI 0.54, 3.65]; P = .5639; Table 2)": the sentence's P value is the same
    log-rank P value, so it takes the test the table names (``log_rank``); a P value no
    table prints keeps none."""
    from trialrecon.dossier.draft.drafter import Draft
    from trialrecon.dossier.draft.unsure import restated_tests

    def row(value: str, row: str = "", test: str = "") -> Draft:
        return Draft({"quantity": "pfs_hr", "statistic": "p_value", "value": value,
                      "row": row, "column": "P" if row else "", "test": test}, 0)

    table = row("0.5639", "Progression-free survival / Log-rank P value", "log_rank")
    said, other = row("0.5639"), row("0.021")
    restated_tests([table, said, other])
    assert (said.fields["test"], other.fields["test"]) == ("log_rank", "")
    two = [row("0.04", "PFS / Log-rank P value", "log_rank"),
           row("0.04", "PFS / Cox P value", "cox_wald"), row("0.04")]
    restated_tests(two)
    assert two[2].fields["test"] == ""  # two tables' tests: the sentence's is not known


def test_a_generic_row_naming_nothing_and_a_header_n_of_an_unnamed_set_are_flagged():
    """A ``baseline`` (or ``outcome``) row with no category says nothing of what it counts;
    a column header's n drafted as ``analysed`` with no ``population`` is everyone
    randomized, so where it is not the arm's randomized n ("(N = 30)" over an arm of 59) the
    set is unnamed and the row a guess. The header n that is the arm's randomized n, and a
    row that names its characteristic, stay unflagged."""
    from trialrecon.dossier.draft.drafter import Draft
    from trialrecon.dossier.draft.unsure import flag_unsure

    def row(quantity: str, value: str, **fields: str) -> Draft:
        return Draft({"quantity": quantity, "value": value, "statistic": "count",
                      "row": "", "column": "Drug X (N = 59)", "category": "", **fields}, 0)

    header = {"note": "column header n", "arm": "drug_x"}
    randomized = row("randomized", "59", **header)
    same = row("analysed", "59", **header)
    fewer = row("analysed", "30", **header)
    nothing = row("baseline", "2", row="")
    named = row("baseline", "2", row="Sex / Male", category="Sex: Male")
    flag_unsure([randomized, same, fewer, nothing, named])
    assert [d.needs_review for d in (randomized, same, fewer, nothing, named)] == \
        [False, False, True, True, False]
