"""Classes of wrong unflagged rows a strict check of unseen papers found (issue 20, second
round of held-out papers).

Each test drafts a small table or passage of its own words with the layout of one class,
for the fictional two-arm trial of ``fictional_trial.py``, and checks the labels against the
data dictionary (data/raw/README.md), written out by hand.
"""

from __future__ import annotations

from test_draft_table_classes import _at, _draft
from test_draft_text_flow import _draft as draft_text
from test_draft_text_flow import _row

# ------------------------------------------------ an "n" row heading a characteristic's block

_N_ROW_HEADER = ["", "Drug X (n = 120)", "Placebo (n = 60)", "Total (N = 180)"]
_N_ROW_BODY = [
    ("Age (years)",),
    ("n", "119", "60", "179"),
    ("Mean (SD)", "57.6 (15.5)", "57.9 (16.3)", "57.7 (15.8)"),
    ("Median (min.:max.)", "58.0 (22:93)", "57.5 (20:90)", "58.0 (20:93)"),
    ("Sex, n (%)",),
    ("Men", "50 (41.7)", "30 (50.0)", "80 (44.4)"),
    ("Women", "70 (58.3)", "30 (50.0)", "100 (55.6)"),
]


def test_an_n_row_under_a_characteristic_gives_every_columns_denominator(tmp_path):
    """"Age (years) / n | 119 | 60 | 179": the mean and median below it are over the
    patients with an age, in each arm and in the Total column (179, not the header's 180);
    that is missing data, not an analysis set, so nothing is flagged for the population.
    "Sex" prints no n row: its counts keep the header's n."""
    rows = _draft(tmp_path, "Baseline characteristics (randomized population)",
                  _N_ROW_HEADER, _N_ROW_BODY)
    total_mean = _at(rows, "Age (years) / Mean (SD)", "Total (N = 180)", "mean")
    assert (total_mean["quantity"], total_mean["denominator"], total_mean["population"]) == \
        ("age", "179", "")
    total_median = _at(rows, "Age (years) / Median (min.:max.)", "Total (N = 180)", "median")
    assert total_median["denominator"] == "179"
    drug_sd = _at(rows, "Age (years) / Mean (SD)", "Drug X (n = 120)", "sd")
    assert (drug_sd["denominator"], drug_sd["population"], drug_sd["review"]) == \
        ("119", "", "")
    placebo = _at(rows, "Age (years) / Mean (SD)", "Placebo (n = 60)", "mean")
    assert placebo["denominator"] == "60"
    women = _at(rows, "Sex, n (%) / Women", "Total (N = 180)", "count")
    assert (women["quantity"], women["denominator"]) == ("female", "180")


# ------------------------------------------ levels whose stubs each repeat the cell format

def test_levels_that_each_repeat_the_tables_legend_are_levels_of_their_heading(tmp_path):
    """Every stub of the table ends in "n (%)", the levels of "Infection type" too: a legend
    repeated on every row is the table's style, not a format of a row's own. The three rows
    share each column out (25 + 60 + 15 = 100, 20 + 65 + 15 = 100), so they are levels:
    "Infection type: Bacterial". "Smoking status" (with an "Unknown" level) likewise. A
    block whose rows do not add up ("Comorbidities": 30 + 20) keeps each stub alone."""
    rows = _draft(tmp_path, "Baseline characteristics", ["", "Drug X (n = 100)",
                                                          "Placebo (n = 100)"],
                  [("Male, n (%)", "60 (60.0)", "55 (55.0)"),
                   ("Infection type",),
                   ("Bacterial, n (%)", "25 (25.0)", "20 (20.0)"),
                   ("Viral, n (%)", "60 (60.0)", "65 (65.0)"),
                   ("Fungal, n (%)", "15 (15.0)", "15 (15.0)"),
                   ("Smoking status",),
                   ("Smoker, n (%)", "40 (40.0)", "45 (45.0)"),
                   ("Non-smoker, n (%)", "58 (58.0)", "52 (52.0)"),
                   ("Unknown, n (%)", "2 (2.0)", "3 (3.0)"),
                   ("Comorbidities",),
                   ("Hypertension, n (%)", "30 (30.0)", "28 (28.0)"),
                   ("Diabetes, n (%)", "20 (20.0)", "22 (22.0)")],
                  indents={2: 1, 3: 1, 4: 1, 6: 1, 7: 1, 8: 1, 10: 1, 11: 1})
    viral = _at(rows, "Infection type / Viral, n (%)", "Placebo (n = 100)", "count")
    assert (viral["quantity"], viral["category"], viral["review"]) == \
        ("baseline", "Infection type: Viral", "")
    smoker = _at(rows, "Smoking status / Smoker, n (%)", "Drug X (n = 100)", "percent")
    assert smoker["category"] == "Smoking status: Smoker"
    diabetes = _at(rows, "Comorbidities / Diabetes, n (%)", "Drug X (n = 100)", "count")
    assert diabetes["category"] == "Diabetes"


# -------------------------------------------- a study period is not the accrual period

def test_randomized_naming_the_design_does_not_make_a_period_the_accrual(tmp_path):
    """"This randomized, open-label, multicentre trial was conducted from June 2015 to April
    2019": "randomized" names the design, and a trial conducted from one date to another
    says when the study ran (enrolment and follow-up), not when patients were enrolled, so
    neither date is proposed as an accrual date for sure. Patients "randomized between"
    two dates, and a "randomized trial" that "enrolled" patients between them, are the
    accrual still."""
    rows = draft_text(tmp_path, "This randomized, open-label, multicentre trial was "
                                "conducted from June 2015 to April 2019.", "Methods")
    end = _row(rows, "2019-04")
    assert end["quantity"] != "enrollment_end" or end["needs_review"] == "yes", end
    rows = draft_text(tmp_path, "Patients were randomized in this trial between March 2014 "
                                "and May 2016.", "Methods")
    assert _row(rows, "2016-05")["quantity"] == "enrollment_end"
    rows = draft_text(tmp_path, "A randomized controlled trial enrolled patients between "
                                "March 2014 and May 2016.", "Methods")
    assert _row(rows, "2014-03")["quantity"] == "enrollment_start"


# ----------------------------- a sentence naming a table row the table itself was unsure of

def test_a_sentence_is_no_surer_of_a_table_row_than_the_table(tmp_path):
    """A table of model estimates whose kind the drafter does not read flags every cell
    (its quantity is a guess). A sentence naming one of its rows ("an abnormal exercise test
    (15±1.4)") takes the row's labels as proposals, flagged as the row is: the sentence's
    mean is quality of life in those patients, which the row's category does not say."""
    rows = _draft(tmp_path, "Univariable mixed models of the change in scores at 6 months",
                  ["", "Pain score", "Quality of life"],
                  [("Exercise test",), ("Normal", "2.1±0.8", "16.7±0.7"),
                   ("Abnormal", "4.5±1.5", "15.4±1.4")],
                  methods="Quality of life improved least in patients with an abnormal "
                          "exercise test (15±1.4) and most with a normal exercise test "
                          "(17±0.7).")
    cells = [r for r in rows if r["location"] == "Table 2" and r["row"]]
    assert cells and all(r["review"] == "yes" for r in cells)
    mean = [r for r in rows if r["location"] != "Table 2" and r["value"] == "15"]
    assert len(mean) == 1 and mean[0]["review"] == "yes", mean


# ------------------------------- a sentence's own words on its spread, its unit and its time

_BASELINE_HEADER = ["", "Drug X (n = 100)", "Placebo (n = 100)"]
_BASELINE_BODY = [("Age, years", "66.1 ± 8.4", "66.4 ± 8.6"),
                  ("Systolic blood pressure, mm Hg", "137.3 ± 17.6", "136.9 ± 18.0"),
                  ("Total cholesterol, mmol/L", "5.45 ± 0.62", "5.42 ± 0.64")]


_LATER = ("Mean values (mean ± SE) of total cholesterol during follow-up in the Drug X group "
          "and the placebo group were 4.75 ± 0.02 vs. 5.32 ± 0.02 mmol/L, and systolic blood "
          "pressure 134.1 ± 0.38 vs. 134.4 ± 0.38 mm Hg, respectively.")


def _text_rows(tmp_path, sentence: str) -> list[dict[str, str]]:
    rows = _draft(tmp_path, "Baseline characteristics", _BASELINE_HEADER, _BASELINE_BODY,
                  methods=sentence)
    return [r for r in rows if r["location"] != "Table 2"]


def test_a_sentence_saying_mean_and_se_makes_the_spread_a_standard_error(tmp_path):
    """"(mean ± SE) ... 134.1 ± 0.38 vs. 134.4 ± 0.38 mm Hg": the numbers after ± are
    standard errors; a sentence saying "(mean ± SD)" keeps them standard deviations."""
    rows = _text_rows(tmp_path, _LATER)
    spreads = [r for r in rows if r["value"] == "0.38"]
    assert len(spreads) == 2 and all(r["statistic"] == "se" for r in spreads), spreads
    rows = _text_rows(tmp_path, "At baseline, systolic blood pressure was 137.3 ± 17.6 "
                                "(mean ± SD) in the Drug X group.")
    assert [r["statistic"] for r in rows if r["value"] == "17.6"] == ["sd"]


def test_a_baseline_row_named_with_later_values_is_flagged_and_takes_its_unit(tmp_path):
    """"Systolic blood pressure during follow-up ... 134.1 ± 0.38": the baseline table's row
    is named, but the values are measured during follow-up (an outcome of the same name):
    the borrowed baseline labels are flagged. The unit no word beside the number prints is
    the row's (mmHg), not the months the word "follow-up" first proposed. At baseline, the
    same naming stays unflagged."""
    rows = _text_rows(tmp_path, _LATER)
    mean = [r for r in rows if r["value"] == "134.1"]
    assert len(mean) == 1 and mean[0]["unit"] == "mmHg" and mean[0]["review"] == "yes", mean
    rows = _text_rows(tmp_path, "At baseline, systolic blood pressure was 137.3 ± 17.6 "
                                "(mean ± SD) in the Drug X group.")
    mean = [r for r in rows if r["value"] == "137.3"]
    assert [(r["quantity"], r["unit"], r["review"]) for r in mean] == \
        [("baseline_value", "mmHg", "")]


def test_an_effect_named_by_a_baseline_row_takes_its_category_as_a_guess(tmp_path):
    """"The mean difference in haemoglobin ... was 0.22 (95% CI 0.01 to 0.43)": the only
    table naming haemoglobin is the baseline table, which says what is measured, not which
    outcome (at which time, of which change) the effect compares: the category is a
    guess."""
    rows = _draft(tmp_path, "Baseline characteristics", _BASELINE_HEADER,
                  [*_BASELINE_BODY, ("Haemoglobin, g/dL", "9.7 ± 1.1", "9.6 ± 1.0")],
                  methods="Haemoglobin increased more with Drug X than with placebo from "
                          "baseline to week 4 (mean difference in haemoglobin 0.22, 95% CI "
                          "0.01 to 0.43).")
    effect = [r for r in rows if r["location"] != "Table 2" and r["value"] == "0.22"]
    assert len(effect) == 1 and effect[0]["quantity"] == "mean_difference", effect
    assert effect[0]["review"] == "yes"


# ---------------------------------- a CI column beside an "Adjusted hazard ratio" column

def test_a_ci_column_beside_an_adjusted_effect_is_adjusted_too(tmp_path):
    """"Adjusted hazard ratio | 95% confidence interval | p value": the interval and the P
    value printed in their own columns are those of the adjusted estimate (the data
    dictionary's ``adjustment`` is the estimate's, its CI bounds' and its P value's). A
    table whose effect column says nothing leaves them empty (and a plain P value beside
    several effects, one crude, stays the crude one's: test_draft_labels)."""
    header = ["", "Drug X, n (%)", "Placebo, n (%)", "Adjusted hazard ratio",
              "95% confidence interval", "p value"]
    body = [("Death", "20 (20.0)", "30 (30.0)", "0.62", "0.35 to 1.09", "0.10")]
    rows = _draft(tmp_path, "Deaths", header, body)
    low = _at(rows, "Death", "95% confidence interval", "ci_low")
    high = _at(rows, "Death", "95% confidence interval", "ci_high")
    estimate = _at(rows, "Death", "Adjusted hazard ratio", "estimate")
    assert (estimate["adjustment"], low["adjustment"], high["adjustment"]) == \
        ("adjusted", "adjusted", "adjusted")
    assert _at(rows, "Death", "p value", "p_value")["adjustment"] == "adjusted"
    plain = _draft(tmp_path, "Deaths", [*header[:3], "Hazard ratio", *header[4:]], body)
    assert _at(plain, "Death", "95% confidence interval", "ci_low")["adjustment"] == ""
