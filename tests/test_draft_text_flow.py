"""Patient-flow, characteristic and accrual sentences of a trial report's text, labelled as the
data dictionary says (data/raw/README.md: "Patient flow (CONSORT)", ``male``/``female``,
``orr``, ``enrollment_start``/``enrollment_end``). Every sentence here is written for these
tests about the fictional Drug X trial (tests/fictional_trial.py)."""

from __future__ import annotations

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names

# a declared time-to-event endpoint: the trial analyses survival, so deaths and progressions
# are its events (a death in a trial without one is an outcome)
_SURVIVAL = 'endpoints:\n  - id: tfs\n    label: "treatment-free survival"\nsources:'


def _draft(tmp_path, text: str, heading: str = "Results") -> list[dict[str, str]]:
    trial = trial_yaml().replace("sources:", _SURVIVAL, 1)
    (tmp_path / "trial.yaml").write_text(trial, encoding="utf-8")
    paper = tmp_path / "paper.html"  # a structured reader: sections and paragraphs
    paper.write_text(f"<html><body><h1>Fictional</h1><h2>{heading}</h2><p>{text}</p>"
                     "</body></html>", encoding="utf-8")
    _, drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")
    return [dict(d.fields, needs_review="yes" if d.needs_review else "", rules="; ".join(d.rules))
            for d in drafted]


def _row(rows: list[dict[str, str]], value: str) -> dict[str, str]:
    found = [r for r in rows if r["value"] == value]
    assert len(found) == 1, found
    return found[0]


def test_the_arm_between_a_count_and_its_verb(tmp_path):
    """"64 (53%) of 121 patients in the Drug X group had died": the arm between the count
    and the verb does not hide the verb."""
    rows = _draft(tmp_path, "At a median follow-up of 40 months, 64 (53%) of 121 patients "
                            "in the Drug X group had died.")
    assert _row(rows, "64")["quantity"] == "deaths"
    assert _row(rows, "53")["quantity"] == "deaths"


def test_counts_joined_by_and_share_the_verb_after_the_last(tmp_path):
    """"71 (59%) of 121 patients in the Drug X group and 82 (68%) of 120 in the placebo
    group had disease progression": both counts are progressions."""
    rows = _draft(tmp_path, "By the cut-off, 71 (59%) of 121 patients in the Drug X group and "
                            "82 (68%) of 120 patients in the placebo group had disease "
                            "progression, and the median overall survival was 20 months.")
    for value in ("71", "59", "82", "68"):
        assert _row(rows, value)["quantity"] == "pfs_events", value


@pytest.mark.parametrize(("sentence", "value", "quantity"), [
    ("Of the 241 participants, 131 (54%) were male.", "131", "male"),
    ("Of 241 patients with a median age of 61 years, 110 (46%) were women.", "110", "female"),
    ("In the Drug X group, 43 patients (35.5%) responded.", "43", "orr"),
    ("Of 241 participants, 229 (95%) received all of their allocated treatment.", "229",
     "completed"),
    ("Only 6 (2%) received no treatment.", "6", "not_treated"),
    ("Before randomisation, 37 patients met any of the exclusion criteria.", "37",
     "screen_failure"),
    ("Between the two sites we recruited 241 patients.", "241", "enrolled"),
    ("In all, 121 patients received Drug X and 120 received placebo.", "120", "treated"),
])
def test_the_flow_word_names_the_count(tmp_path, sentence, value, quantity):
    """The words right after the count (or the verb right before it) name it for sure,
    not the nearest term of the lexicon."""
    row = _row(_draft(tmp_path, sentence), value)
    assert row["quantity"] == quantity
    assert "sure quantity: flow" in row["rules"]


def test_a_count_that_received_a_dose_is_not_the_treated(tmp_path):
    """"12 patients received a dose reduction": no arm is named after the verb."""
    rows = _draft(tmp_path, "Overall, 12 patients received a dose reduction.")
    assert _row(rows, "12")["quantity"] != "treated"


@pytest.mark.parametrize(("sentence", "start", "end"), [
    ("Recruitment started in February 2016 and was completed in September 2019.",
     "2016-02", "2019-09"),
    ("Enrolment began on March 1, 2013, and ended on Sept 30, 2017.", "2013-03-01",
     "2017-09-30"),
])
def test_accrual_started_and_ended(tmp_path, sentence, start, end):
    rows = _draft(tmp_path, sentence, "Methods")
    assert (_row(rows, start)["quantity"], _row(rows, end)["quantity"]) == (
        "enrollment_start", "enrollment_end")


def test_the_first_patient_enrolled(tmp_path):
    rows = _draft(tmp_path, "The first participant was enrolled on 15 June 2014.", "Methods")
    assert _row(rows, "2014-06-15")["quantity"] == "enrollment_start"


def test_of_the_n_before_a_flow_count_is_its_denominator(tmp_path):
    """"Of the 241 women recruited, 198 (82.2%) were randomised": the percent is over 241
    (data dictionary: a text's denominator where the sentence prints it)."""
    rows = _draft(tmp_path, "Of the 241 women recruited, 198 (82.2%) were randomised.")
    assert (_row(rows, "198")["denominator"], _row(rows, "82.2")["denominator"]) == ("241",
                                                                                  "241")


def test_a_flow_percent_over_an_n_printed_elsewhere_is_flagged(tmp_path):
    """"Among them, 89 patients (65%) completed treatment": the n is in an earlier
    sentence, so the row is a guess."""
    rows = _draft(tmp_path, "Among them, 89 patients (65%) completed treatment.")
    assert _row(rows, "89")["quantity"] == "completed"
    assert _row(rows, "89")["needs_review"] == "yes"


def test_a_group_of_patients_after_a_preposition_is_no_flow_step(tmp_path):
    """"occurred in 14 participants (23%) randomised to Drug X": the participle without
    an auxiliary describes the patients, the count is of the event."""
    row = _row(_draft(tmp_path, "Iron overload occurred in 14 participants (23%) randomised "
                                "to Drug X."), "14")
    assert row["quantity"] != "randomized" or row["needs_review"] == "yes"


def test_not_receiving_a_part_of_the_treatment_is_no_flow_step(tmp_path):
    """"did not receive concurrent radiotherapy" is an outcome of the treatment given, not
    the randomized patients who never received the allocated intervention."""
    row = _row(_draft(tmp_path, "In all, 25 (9%) of 273 patients in the Drug X group did not "
                                "receive concurrent radiotherapy."), "25")
    assert row["quantity"] != "not_treated"



def test_a_number_of_the_sentence_names_no_numeric_level_of_a_table():
    """A table's "ECOG performance status / 1" row has only "1" for its level: the "1" of
    "day 1" before a number names no such row (numbers alone never name a row), while
    the words of a row still do."""
    from trialrecon.dossier.draft.textnames import Named, TableNames, content_keys

    tables = TableNames([Named("ecog", "1", content_keys("1"), statistics=frozenset({"count"})),
                         Named("outcome", "Wound infection", content_keys("Wound infection"),
                               statistics=frozenset({"count"}))])
    text = "Drug X was given on day 1 and day 8 of each cycle."
    assert tables.named(text, text.index("8")) == []
    text = "Wound infection on day 1 was seen in 8 patients."
    assert [e.category for e, _ in tables.named(text, text.index("8"))] == ["Wound infection"]


def test_an_age_of_n_years_is_no_denominator(tmp_path):
    """"had an average age of 78 y, 73% were female": "of 78 y" counts no patients."""
    rows = _draft(tmp_path, "The subgroup had an average age of 78 y, 73% were female.")
    assert _row(rows, "73")["denominator"] == ""


def test_a_number_in_words_is_drafted_and_flagged(tmp_path):
    """"the two sites who dispensed the drug": a number in words may be a word of the prose,
    so its row is a guess whatever the words after it say."""
    rows = _draft(tmp_path, "Quit rates did not differ between two sites that dispensed "
                            "Drug X.")
    assert _row(rows, "2")["needs_review"] == "yes"


def test_a_declared_endpoint_named_around_the_vocabularys_term(tmp_path):
    """"local progression-free survival was 20.7 months": the trial declares "local
    progression-free survival" (``lpfs``), whose name holds the vocabulary's
    "progression-free survival"; plain "progression-free survival" stays ``pfs``."""
    trial = trial_yaml().replace("sources:", 'endpoints:\n  - id: lpfs\n    label: "local '
                                 'progression-free survival (at the primary site)"\nsources:', 1)
    (tmp_path / "trial.yaml").write_text(trial, encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text("<html><body><h1>Fictional</h1><h2>Results</h2><p>Median local "
                     "progression-free survival was 20.7 months in the Drug X group. Median "
                     "progression-free survival was 11.3 months in the Drug X group.</p>"
                     "</body></html>", encoding="utf-8")
    _, drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")
    rows = [d.fields for d in drafted]
    assert (_row(rows, "20.7")["quantity"], _row(rows, "11.3")["quantity"]) == ("lpfs", "pfs")


def test_the_duration_of_treatment_with_its_spread(tmp_path):
    """"The median duration of Drug X and placebo administration was 1.8 (range, 0.2-31.5
    months) and 2.8 ...": every number is ``treatment_duration``, in months (data
    dictionary: "duration of treatment")."""
    rows = _draft(tmp_path, "The median duration of Drug X and placebo administration was 1.8 "
                            "(range, 0.2-31.5 months) and 2.8 (range, 0.1-22.6 months) months, "
                            "respectively.")
    for value in ("1.8", "0.2", "31.5", "2.8", "22.6"):
        row = _row(rows, value)
        assert (row["quantity"], row["unit"]) == ("treatment_duration", "months"), value
    assert _row(rows, "1.8")["statistic"] == "median"
    # each range is the spread of the number before it, of that number's arm
    assert [_row(rows, v)["arm"] for v in ("0.2", "31.5", "0.1", "22.6")] == [
        "drug_x", "drug_x", "placebo", "placebo"]


def test_the_arm_named_after_a_number_and_its_spread(tmp_path):
    """"51.0 days [interquartile range (IQR) 28.0–69.0] in the Drug X group versus 52.0
    days [IQR 27.0–76.0] in the placebo group": the spread between a number and the arm
    named after it hides neither the arm nor its own arm."""
    rows = _draft(tmp_path, "Use was similar (51.0 days [interquartile range (IQR) 28.0–69.0] "
                            "in the Drug X group versus 52.0 days [IQR 27.0–76.0] in the "
                            "placebo group).")
    assert [_row(rows, v)["arm"] for v in ("51.0", "28.0", "52.0", "76.0")] == [
        "drug_x", "drug_x", "placebo", "placebo"]


def test_a_usual_duration_is_a_guess(tmp_path):
    """"the average duration of IV therapy is 5-6 days" (a Discussion's general statement):
    no median or mean of this trial's patients, so the quantity is a guess."""
    rows = _draft(tmp_path, "It is known that the average duration of IV therapy is 5-6 days.",
                  "Discussion")
    assert _row(rows, "5")["needs_review"] == "yes"


@pytest.mark.parametrize(("sentence", "value", "comparator"), [
    ("About 10% of devices stayed in situ.", "10", "~"),
    ("Eligible patients needed at least 4 days of therapy.", "4", ">="),
    ("Rash was reported by more than 30% of those taking Drug X.", "30", ">"),
    ("Randomisation was allowed up to 8 h after onset.", "8", "<="),
    ("Women were admitted at 18 weeks' gestation or more.", "18", ">="),
    ("Fewer than 5 patients were lost.", "5", "<"),
    ("Over 36% of the women were obese.", "36", ">"),
    ("Radiotherapy was given in 2 Gy fractions over 45 days.", "45", ""),
])
def test_a_comparator_in_words(tmp_path, sentence, value, comparator):
    """The words at a number say how it compares, as a printed sign would (data dictionary,
    ``comparator``); "over 45 days" is a duration, not "more than"."""
    assert _row(_draft(tmp_path, sentence), value)["comparator"] == comparator


def test_a_mean_and_its_sd(tmp_path):
    """"The mean age was 68·9 years (SD 13·8)": a mean and its SD, of one quantity and unit
    (data dictionary: statistic ``sd``, in the unit of the mean)."""
    rows = _draft(tmp_path, "The mean age was 68·9 years (SD 13·8).")
    mean, sd = _row(rows, "68.9"), _row(rows, "13.8")
    assert (mean["statistic"], sd["statistic"]) == ("mean", "sd")
    assert (sd["quantity"], sd["unit"]) == (mean["quantity"], "years")
    rows = _draft(tmp_path, "Growth was larger with Drug X (3·72 mL, SD 15·9).")
    assert (_row(rows, "3.72")["statistic"], _row(rows, "15.9")["statistic"],
            _row(rows, "15.9")["unit"]) == ("mean", "sd", "mL")


@pytest.mark.parametrize(("sentence", "value", "test"), [
    ("Diarrhoea was more common with Drug X (19% vs 11%, Fisher’s exact test, p = 0.082).",
     "0.082", "fisher_exact"),
    ("Survival did not differ between groups (Kaplan-Meier with log rank, P = 0.53).", "0.53",
     "log_rank"),
    ("Scores were higher with Drug X (P = 0.03, Mann-Whitney test).", "0.03",
     "wilcoxon_rank_sum"),
    ("Pain fell with Drug X (unpaired t-test, P = 0.04).", "0.04", "t_test"),
    ("A goodness-of-fit test showed no lack of fit (P = 0.63).", "0.63", ""),
])
def test_the_test_named_at_a_p_value(tmp_path, sentence, value, test):
    """The test a sentence names beside a P value is its ``test`` (data dictionary: "the
    test the paper names for that value"); "goodness-of-fit test" names no t test."""
    assert _row(_draft(tmp_path, sentence), value).get("test", "") == test


def test_a_sample_size_sentence_with_its_dropout_and_alpha(tmp_path):
    """"Considering a 3% withdrawal rate, 309 patients needed to enter the study", "an 80%
    power at the 5% level of significance": design rows (data dictionary: design_dropout,
    design_n_total, design_power, design_alpha)."""
    rows = _draft(tmp_path, "Considering a 3% withdrawal rate, 309 patients needed to enter "
                            "the study.", "Statistical analysis")
    assert (_row(rows, "3")["quantity"], _row(rows, "309")["quantity"]) == (
        "design_dropout", "design_n_total")
    rows = _draft(tmp_path, "We needed 300 patients to ensure an 80% power at the 5% level of "
                            "significance (two-sided).", "Statistical analysis")
    assert (_row(rows, "80")["quantity"], _row(rows, "5")["quantity"],
            _row(rows, "5")["sided"]) == ("design_power", "design_alpha", "two_sided")


def test_an_arm_named_far_from_a_number_of_the_whole_trial(tmp_path):
    """"At a median follow-up of 45 months, 64 (53%) of 121 patients in the Drug X group had
    died": the follow-up is the whole trial's, not the arm named after the next number."""
    rows = _draft(tmp_path, "At a median follow-up of 45 months (IQR 35–58), 64 (53%) of 121 "
                            "patients in the Drug X group had died.")
    assert (_row(rows, "45")["arm"], _row(rows, "64")["arm"]) == ("", "drug_x")


def test_the_arms_named_after_a_vs_b_in_order(tmp_path):
    """"229 (84%) of 274 vs 220 (81%) of 273 participants in the Drug X and placebo groups":
    the arms named after the comparison, in its order."""
    rows = _draft(tmp_path, "Irradiation was delivered to 229 (84%) of 274 vs 220 (81%) of 273 "
                            "participants in the Drug X and placebo groups.")
    assert [_row(rows, v)["arm"] for v in ("229", "84", "220", "81")] == [
        "drug_x", "drug_x", "placebo", "placebo"]


@pytest.mark.parametrize(("sentence", "value", "quantity"), [
    ("Chemotherapy toxicity was assessed in 266 (97%) of 273 patients in the Drug X group and "
     "263 (96%) of 270 in the placebo group.", "263",
     "safety_population"),
    ("In all, 230 patients were evaluable for toxicity.", "230", "safety_population"),
    ("In all, 211 patients were evaluable for response.", "211", "evaluable_response"),
])
def test_the_sets_assessed_for_safety_and_response(tmp_path, sentence, value, quantity):
    """The patients a safety or response assessment covers are those sets (data dictionary:
    ``safety_population``, ``evaluable_response``)."""
    assert _row(_draft(tmp_path, sentence), value)["quantity"] == quantity


def test_centres_by_country(tmp_path):
    """"39 collaborating centres (32 in Australia, 5 in New Zealand, and 2 in Canada)": each
    part is a count of centres, its country in ``category`` (data dictionary: ``centers``)."""
    rows = _draft(tmp_path, "The trial ran at 39 collaborating centres (32 in Australia, 5 in "
                            "New Zealand, and 2 in Canada).", "Methods")
    assert [(_row(rows, v)["quantity"], _row(rows, v)["category"], _row(rows, v)["statistic"])
            for v in ("32", "5", "2")] == [("centers", "Australia", "count"),
                                           ("centers", "New Zealand", "count"),
                                           ("centers", "Canada", "count")]


@pytest.mark.parametrize(("sentence", "value", "drug"), [
    ("Patients took 150 mg bupropion for the first 6 days.", "150", "bupropion"),
    ("The dose was a 200 mg weekly infusion.", "200", ""),
    ("Patients received either 45 Gy in 30 fractions.", "45", ""),
])
def test_the_drug_of_a_dose(tmp_path, sentence, value, drug):
    """The category of a dose names its drug, never a word of the schedule or the prose
    ("took", "weekly", "either"): better empty (flagged) than a wrong word."""
    row = _row(_draft(tmp_path, sentence, "Methods"), value)
    assert (row["quantity"], row["category"]) == ("dose", drug)


def test_a_number_of_another_study_stays_external(tmp_path):
    """An Introduction's "odds ratio (OR) = 2.07, 95% CI = 1.22-3.53" and "neutropenia (18%)"
    are numbers of other studies: ``external_other`` (data dictionary), not an odds ratio of
    this trial, nor ``external_pfs`` for want of a better word."""
    rows = _draft(tmp_path, "A meta-analysis found a benefit [odds ratio (OR) = 2.07, 95% "
                            "confidence interval (CI) = 1.22-3.53], and the most common events "
                            "were neutropenia (18%) and diarrhoea (12%).", "Introduction")
    assert {_row(rows, v)["quantity"] for v in ("2.07", "1.22", "18", "12")} == {
        "external_other"}


def test_the_endpoint_of_each_number_of_another_study(tmp_path):
    """"response rate was 35-67%, PFS was 12-13 months" in the Introduction (other trials):
    each number is of the endpoint named since the number before it."""
    rows = _draft(tmp_path, "Earlier trials of this regimen were smaller: the response rate "
                            "was 35–67% and PFS was 12–13 months.", "Introduction")
    assert [_row(rows, v)["quantity"] for v in ("35", "67", "12", "13")] == [
        "external_orr", "external_orr", "external_pfs", "external_pfs"]
