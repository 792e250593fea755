"""Unflagged draft rows a reviewer would take as they stand (issue 20, a new user's check).

Each test drafts a small table of its own words, with the layout of one class of wrong
unflagged row, for the fictional two-arm trial of ``fictional_trial.py``, and checks the
row against the data dictionary (data/raw/README.md) by hand.
"""

from __future__ import annotations

import pytest
from fictional_trial import trial_yaml
from test_draft_table_classes import _at, _draft
from test_draft_text_classes import _draft_sentence

from trialrecon.dossier import MAX_ANCHOR_WORDS
from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.normalise import normalise
from trialrecon.dossier.draft.quantities import Label, category_of
from trialrecon.dossier.draft.stubs import split_stub
from trialrecon.dossier.draft.tableview import Row


def test_an_anchor_never_has_more_words_than_the_validator_takes(tmp_path):
    """A long stub with counts whose thousands are grouped by a thin space ("12 345"): the
    anchor ends on the drafted number and has at most MAX_ANCHOR_WORDS words, as the
    validator (dossier.values) refuses longer ones."""
    rows = _draft(tmp_path, "Household characteristics at baseline",
                  ["", "Drug X (n=20 000)", "Placebo (n=19 000)"],
                  [("Houses with a tin, slate, or thatched roof (any of those kinds)",
                    "12\u2008345 (62%)", "11\u2008222 (59%)")])
    assert rows
    for r in rows:
        assert len(r["anchor"].split()) <= MAX_ANCHOR_WORDS, r["anchor"]
    placebo = [r for r in rows if r["column"] == "Placebo (n=19 000)" and r["row"]]
    assert placebo and all(r["anchor"].endswith("11 222 (59%)") for r in placebo)


def test_an_abbreviation_list_states_no_set_and_a_row_naming_its_own_set_takes_it(tmp_path):
    """The notes spell out "ITT" among other abbreviations: no statement that the rows are
    the ITT set. A row naming the per-protocol set takes it; a row naming a set the trial
    does not declare ("in patients with a first response") gets none and is flagged."""
    rows = _draft(tmp_path, "Relapse by week 24",
                  ["", "Drug X", "Placebo"],
                  [("Relapse (per-protocol set), n/N (%)", "12/80 (15.0)", "20/85 (23.5)"),
                   ("Relapse in patients with a first response, n/N (%)", "12/40 (30.0)",
                    "20/44 (45.5)"),
                   ("Relapse, n/N (%)", "14/100 (14.0)", "22/100 (22.0)")],
                  notes=[("", "ITT, intention to treat; PP, per-protocol; DX, drug X.")])
    pp = _at(rows, "Relapse (per-protocol set), n/N (%)", "Drug X", "count")
    assert pp["population"] == "per_protocol"
    own = _at(rows, "Relapse in patients with a first response, n/N (%)", "Drug X", "count")
    assert own["population"] == "" and own["review"] == "yes"
    plain = _at(rows, "Relapse, n/N (%)", "Drug X", "count")
    assert plain["population"] != "itt"


def test_a_row_whose_format_differs_from_its_headings_is_no_level_of_it():
    """The reader may leave flush-left rows under a heading ("Earlier surgeries, n (%)"),
    a variable whose levels its rows are: a row stating "mean (SD)" is still no level of
    it (its category is its own name), while a level printed as "n (%)" stays one."""
    heading = "Earlier surgeries, n (%)"
    pulse = Row(5, f"{heading} / Resting pulse (bpm), mean (SD)",
                "Resting pulse (bpm), mean (SD)", heading, levels=True, partition=True)
    assert category_of(pulse, Label()) == "Resting pulse"
    one = Row(2, f"{heading} / 1", "1", heading, levels=True, partition=True)
    assert category_of(one, Label()) == "Earlier surgeries: 1"


def test_a_count_whose_note_says_n_counts_other_things_than_patients_is_flagged(tmp_path):
    """A stub's note says n counts polyps removed and N polyps seen: the count "41/120" is
    no count of patients, so a row proposing the table's unit (patients) is flagged; a
    row without such a note keeps patients unflagged."""
    rows = _draft(tmp_path, "Secondary endpoints at month 6 (ITT population)",
                  ["", "Drug X (n = 100)", "Placebo (n = 100)"],
                  [("Removal rate, n/N (%)", "41/120 (34.2)", "30/118 (25.4)"),
                   ("Bleeding, n (%)", "4 (4.0)", "6 (6.0)")],
                  notes=[("a", "n is the number of polyps removed and N is the total "
                          "number of polyps seen.")],
                  stub_marks={0: "a"})
    removal = _at(rows, "Removal rate, n/N (%)", "Drug X (n = 100)", "count")
    assert removal["review"] == "yes" or removal["unit"] != "patients", removal
    bleeding = _at(rows, "Bleeding, n (%)", "Drug X (n = 100)", "count")
    assert bleeding["unit"] == "patients"


def test_a_units_exponent_stays_in_the_anchor_and_is_still_found(tmp_path):
    """"Body surface area (m²)" printed in a stub: the anchor keeps the exponent ("m²", not
    "m") and, read as the audit reads it (normalise), still stands in the printed row."""
    stub = "Body surface area (m\u00b2), mean (SD)"
    rows = _draft(tmp_path, "Baseline characteristics",
                  ["", "Drug X (n = 100)", "Placebo (n = 100)"],
                  [(stub, "1.82 (0.21)", "1.79 (0.19)")])
    mean = _at(rows, stub, "Drug X (n = 100)", "mean")
    assert "(m\u00b2)" in mean["anchor"], mean["anchor"]
    printed = f"{stub} 1.82 (0.21) 1.79 (0.19)"
    assert normalise(mean["anchor"]).text in normalise(printed).text


def test_a_level_printing_n_is_still_a_level_of_a_count_heading():
    """"N+" reads as the format "n" but counts as its heading "Nodes, n (%)" does: a level."""
    heading = "Nodes, n (%)"
    level = Row(3, f"{heading} / n+", "n+", heading, levels=True, partition=True)
    assert category_of(level, Label()) == "Nodes: n+"


# ------------------------------------------- a third check on unseen papers (issue 20)


def test_a_level_under_two_headings_whose_outer_one_may_name_the_variable_is_flagged(tmp_path):
    """"Tumour stage" heads "Colon" and "Rectum", each heading its stages: the category
    "Colon: T2" loses what T2 is a level of (the outer heading may name the variable and the
    inner one a subset of patients), so the row is flagged. Under an outer heading that only
    names a part of the table ("Secondary outcomes / Side effects reported / Headache") the
    inner heading is the variable, "Side effects reported: Headache", and no such guess is
    made."""
    rows = _draft(tmp_path, "Baseline characteristics",
                  ["", "Drug X (n=200)", "Placebo (n=200)"],
                  [("Sex",), ("Men", "120 (60%)", "118 (59%)"), ("Women", "80 (40%)", "82 (41%)"),
                   ("Tumour stage",), ("Colon",),
                   ("T2", "30 (15%)", "28 (14%)"), ("T3", "60 (30%)", "62 (31%)"),
                   ("Rectum",),
                   ("T2", "40 (20%)", "41 (21%)"), ("T3", "70 (35%)", "69 (35%)")])
    staged = _at(rows, "Tumour stage / Rectum / T3", "Drug X (n=200)", "count")
    assert staged["value"] == "70" and staged["review"] == "yes"
    men = _at(rows, "Sex / Men", "Drug X (n=200)", "count")
    assert (men["quantity"], men["review"]) == ("male", "")
    part = Row(4, "Secondary outcomes / Side effects reported / Headache", "Headache",
               "Secondary outcomes / Side effects reported", levels=True, partition=None)
    lab = Label()
    assert category_of(part, lab) == "Side effects reported: Headache" and not lab.guesses
    nested = Row(4, "Tumour stage / Colon / T2", "T2", "Tumour stage / Colon", levels=True,
                 partition=None)
    lab = Label()
    assert category_of(nested, lab) == "Colon: T2" and lab.guesses


def test_the_headers_of_a_two_column_stub_name_no_characteristic(tmp_path):
    """"Characteristic | Classification | Drug X | Placebo": the stub's two headers name its
    columns. A yes/no characteristic printed in the outer column with its level cell empty
    ("Living alone") is its stub alone, never "Characteristic / Classification: Living
    alone"; the levels keep their characteristic ("Prior visits: 1"), and a unit printed
    after a dash ("Age group - years") goes to the unit, out of the category."""
    rows = _draft(tmp_path, "Characteristics of the patients at entry",
                  ["Characteristic", "Classification", "Drug X, n (%)", "Placebo, n (%)"],
                  [("Patients", "", "120", "118"),
                   ("Age group - years", "18-39", "40 (33)", "38 (32)"),
                   ("", "40-59", "50 (42)", "49 (42)"),
                   ("", "60+", "30 (25)", "31 (26)"),
                   ("Living alone", "", "36 (30)", "33 (28)"),
                   ("Residence", "Urban", "70 (58)", "66 (56)"),
                   ("", "Rural", "50 (42)", "52 (44)"),
                   ("Prior visits", "None", "60 (50)", "58 (49)"),
                   ("", "1", "40 (33)", "41 (35)"),
                   ("", "2 or more", "20 (17)", "19 (16)")])
    alone = _at(rows, "Living alone", "Drug X, n (%)", "percent")
    assert (alone["quantity"], alone["category"], alone["value"]) == (
        "baseline", "Living alone", "30")
    one = _at(rows, "Prior visits / 1", "Placebo, n (%)", "count")
    assert (one["category"], one["value"]) == ("Prior visits: 1", "41")
    band = _at(rows, "Age group - years / 40-59", "Drug X, n (%)", "count")
    assert (band["category"], band["unit"], band["value"]) == ("Age group: 40-59", "patients",
                                                               "50")


@pytest.mark.parametrize("stub,name,unit", [
    ("Age group - years", "Age group", "years"),  # a unit after a spaced dash
    ("Time to surgery \u2013 days", "Time to surgery", "days"),
    ("Sex - female", "Sex - female", ""),  # no unit words after the dash
    ("Unintended 4.54-kg weight loss", "Unintended 4.54-kg weight loss", ""),  # no spaced dash
    ("ADL score (mean \u00b1 SD)", "ADL score", ""),  # a format legend in brackets
    ("Visits (median, IQR)", "Visits", ""),
    ("Smokers (n, %)", "Smokers", ""),
    ("Haemoglobin (g/dL) (mean \u00b1 SD)", "Haemoglobin", "g/dL"),
    ("Rate (%)", "Rate", "percent"),  # a unit, not a legend
])
def test_a_dash_before_a_unit_and_a_legend_in_brackets_leave_the_name(stub, name, unit):
    found = split_stub(stub)
    assert (found.name, found.unit) == (name, unit)


def test_a_mean_whose_stub_carries_its_legend_in_brackets_is_named_without_it(tmp_path):
    """"ADL score (mean ± SD) 0.8±2.2": the category is "ADL score" (step 1 of the data
    dictionary leaves the legend out), a score in points."""
    rows = _draft(tmp_path, "Baseline characteristics",
                  ["", "Drug X (n = 100)", "Placebo (n = 100)"],
                  [("ADL score (mean \u00b1 SD)", "0.8\u00b12.2", "0.9\u00b12.1"),
                   ("Living alone", "30 (30)", "28 (28)")])
    sd = _at(rows, "ADL score (mean \u00b1 SD)", "Drug X (n = 100)", "sd")
    assert (sd["quantity"], sd["category"], sd["unit"], sd["value"]) == (
        "baseline_value", "ADL score", "points", "2.2")


def test_a_hazard_ratio_named_after_a_relative_risk_is_a_hazard_ratio(tmp_path):
    """"a 25% lower relative risk of death (hazard ratio 0.65 ...)": the measure named
    nearest the number is the hazard ratio, so the row is ``os_hr``, not ``risk_ratio``.
    "When covariates for ... living alone and tobacco use were included ..., the adjusted HR
    was 0.63": the baseline rows the sentence names are no outcome the effect compares, so
    the HR takes no category from them (and stays flagged: no outcome named)."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text(
        "<html><body><h2>Results</h2><table><caption>Table 1. Baseline characteristics"
        "</caption><thead><tr><th></th><th>Drug X (n=120)</th><th>Placebo (n=118)</th></tr>"
        "</thead><tbody><tr><td>Tobacco use</td><td>12 (10)</td><td>14 (12)</td></tr>"
        "<tr><td>Living alone</td><td>30 (25)</td><td>28 (24)</td></tr></tbody></table>"
        "<p>Overall, 20 patients in the drug X group and 30 in the placebo group died, a 25% "
        "lower relative risk of death (hazard ratio 0.65 [95% CI 0.37-0.98], p = 0.04). When "
        "covariates for sex, living alone and tobacco use were included in the model, the "
        "adjusted HR was 0.63 (95% CI 0.35-0.97), p = 0.03.</p></body></html>",
        encoding="utf-8")
    drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")[1]
    by_value = {d.fields["value"]: d for d in drafted if d.fields["location"] == "Results"}
    assert by_value["0.65"].fields["quantity"] == "os_hr"
    assert by_value["0.37"].fields["statistic"] == "ci_low"
    adjusted = by_value["0.63"]
    assert adjusted.fields["category"] not in ("Tobacco use", "Living alone")
    assert adjusted.needs_review


def test_a_performance_status_level_with_words_is_its_score(tmp_path):
    """"WHO performance status / 0 – Normal activity": the category of an ``ecog`` row is the
    score (data dictionary: "category is the score"), the scale's words left out."""
    rows = _draft(tmp_path, "Baseline characteristics",
                  ["", "Drug X (n=100)", "Placebo (n=100)"],
                  [("WHO performance status",),
                   ("0 \u2013 Normal activity", "71 (71%)", "70 (70%)"),
                   ("1 \u2013 Restricted in physical activity", "29 (29%)", "30 (30%)")])
    one = _at(rows, "WHO performance status / 1 \u2013 Restricted in physical activity",
              "Placebo (n=100)", "count")
    assert (one["quantity"], one["category"], one["value"]) == ("ecog", "1", "30")


def test_the_word_or_before_a_number_is_no_odds_ratio_of_a_design(tmp_path):
    """"patients were required to have a WHO performance status of 0 or 1": the sentence
    reads like a design ("were required") but "or" is the word, not an odds ratio, so "1"
    is no ``design_ratio``."""
    drafted = _draft_sentence(tmp_path, "Study design and participants",
                              "To be eligible, patients were required to have a WHO "
                              "performance status of 0 or 1 and adequate organ function.")
    one = [d for d in drafted if d.fields["value"] == "1"]
    assert one and all(d.fields["quantity"] != "design_ratio" for d in one)


def test_a_note_stating_the_models_adjustment_gives_the_effects_theirs(tmp_path):
    """A note "P values and hazard ratios come from unadjusted Cox models": the hazard
    ratio, its CI and P value are ``unadjusted``; the counts get no adjustment. A note
    about multiplicity ("adjusted for multiple comparisons") states none."""
    header = ["", "Drug X % (n)", "Placebo % (n)", "HR (95% CI)", "P value"]
    body = [("All-cause death", "4.3 (224)", "5.8 (290)", "0.76 (0.64, 0.90)", "0.002")]
    rows = _draft(tmp_path, "Outcomes", header, body, notes=[(
        "", "Each group is summarised as the number of events. P values and hazard ratios "
            "(95% CI) come from unadjusted Cox models.")])
    hr = _at(rows, "All-cause death", "HR (95% CI)", "estimate")
    p = _at(rows, "All-cause death", "P value", "p_value")
    count = _at(rows, "All-cause death", "Drug X % (n)", "count")
    assert (hr["adjustment"], p["adjustment"], count["adjustment"]) == (
        "unadjusted", "unadjusted", "")
    rows = _draft(tmp_path, "Outcomes", header, body, notes=[(
        "", "P values were adjusted for multiple comparisons by the Holm method.")])
    assert _at(rows, "All-cause death", "P value", "p_value")["adjustment"] == ""


def test_the_arm_a_number_names_after_it_is_not_the_next_whole_trial_numbers(tmp_path):
    """"... and 30 (25.4%) deaths in the placebo group during a mean follow-up of 4.2
    years": "placebo" is the arm of the deaths before it, not of the follow-up of the whole
    trial, which gets no arm. Arms named before each number ("in the placebo group 89
    (63%)") keep theirs."""
    drafted = _draft_sentence(tmp_path, "Results",
                              "There were 20 (16.7%) deaths in the drug X group and 30 (25.4%) "
                              "deaths in the placebo group during a mean follow-up of 4.2 "
                              "years. In the drug X group 88 (61%) responded and in the "
                              "placebo group 89 (63%) responded.")
    by_value = {d.fields["value"]: d.fields for d in drafted}
    assert (by_value["4.2"]["quantity"], by_value["4.2"]["arm"]) == ("follow_up", "")
    assert by_value["30"]["arm"] == "placebo" and by_value["89"]["arm"] == "placebo"
    assert by_value["88"]["arm"] == "drug_x"
