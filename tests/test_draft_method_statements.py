"""What a paper states once for a kind of value, carried to every value of that kind (issue 20,
a new user's check of unseen papers).

Two classes: a Statistical analysis section stating how every estimate of a kind was made
("hazard ratios from a Cox model stratified by the stratification factors", "all P values are
two-sided"), and a table note naming one test per kind of row ("P values by Fisher's exact
test or t-test unless otherwise specified"). Each test drafts a small paper of its own words
for the fictional two-arm trial of ``fictional_trial.py`` and checks the rows against the
data dictionary (data/raw/README.md: ``test`` is "the test the paper names for that value (a
footnote, the Methods for that kind of analysis)"), written by hand.
"""

from __future__ import annotations

from pathlib import Path

from fictional_trial import trial_yaml
from test_draft_table_classes import _at, _draft

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.tablerows import caption_test, caption_tests

_HEADER = ["", "Drug X (n = 100)", "Placebo (n = 100)", "P"]
_BODY = [("Age, years, mean (SD)", "61.2 (8.1)", "60.4 (8.9)", "0.51"),
         ("Male, n (%)", "55 (55)", "48 (48)", "0.32"),
         ("Diabetes, n (%)", "12 (12)", "20 (20)", "0.12")]


def _p(rows: list[dict[str, str]], row: str) -> dict[str, str]:
    return _at(rows, row, "P", "p_value")


# ------------------------------------------------- a table note naming a test per kind


def test_a_note_naming_two_tests_gives_each_row_the_one_for_its_values(tmp_path):
    """"P values by Fisher's exact test or t-test unless otherwise specified": a mean's P
    value is the t test's, a count's Fisher's; the row whose stub carries a mark naming the
    Wilcoxon test keeps that one."""
    rows = _draft(tmp_path, "Baseline characteristics", _HEADER, _BODY,
                  notes=[("", "P values by Fisher's exact test or t-test unless otherwise "
                              "specified."), ("a", "Wilcoxon rank-sum test.")],
                  stub_marks={2: "a"})
    assert _p(rows, "Age, years, mean (SD)")["test"] == "t_test"
    assert _p(rows, "Male, n (%)")["test"] == "fisher_exact"
    assert _p(rows, "Diabetes, n (%)")["test"] == "wilcoxon_rank_sum"
    assert all(_p(rows, r[0])["review"] == "" for r in _BODY[:2])


def test_a_note_naming_the_test_of_each_kind_in_words(tmp_path):
    """"χ² test for categorical and t-test for continuous variables"."""
    rows = _draft(tmp_path, "Baseline characteristics", _HEADER, _BODY,
                  notes=[("", "χ² test for categorical and t-test for continuous variables.")])
    assert _p(rows, "Age, years, mean (SD)")["test"] == "t_test"
    assert _p(rows, "Male, n (%)")["test"] == "chi_square"
    assert _p(rows, "Diabetes, n (%)")["test"] == "chi_square"


def test_two_tests_for_one_kind_of_row_leave_the_test_to_the_reviewer(tmp_path):
    """"Categorical variables were compared with the chi-square or Fisher's exact test":
    which of the two a count's P value is, the note does not say: no test, flagged."""
    rows = _draft(tmp_path, "Baseline characteristics", _HEADER, _BODY,
                  notes=[("", "Categorical variables were compared with the chi-square or "
                              "Fisher's exact test; continuous variables with the t-test.")])
    male = _p(rows, "Male, n (%)")
    assert male["test"] == "" and male["review"] == "yes"
    assert _p(rows, "Age, years, mean (SD)")["test"] == "t_test"


def test_an_exception_names_the_rows_it_is_for():
    """A caption's "chi-squared tests, except Fisher's exact test used for smoking status":
    the smoking row takes Fisher's, the other count rows the chi-square test, a percentage
    of a measurement ("HbA (%)", cells with decimals) the t test."""
    tests = caption_tests("Means were compared via t-test. Categorical values were compared "
                          "via chi-squared tests, except Fisher's exact test used for "
                          "smoking status.")
    assert caption_test(tests, True, False, "Smoking status, n (%)") == "fisher_exact"
    assert caption_test(tests, True, False, "Male, n (%)") == "chi_square"
    assert caption_test(tests, False, True, "HbA (%)") == "t_test"


def test_a_confidence_interval_method_is_no_test_of_a_p_value():
    """"95% exact binomial confidence interval" names how an interval was computed."""
    assert caption_tests("Data are n (%) and the 95% exact binomial confidence interval.") == ()
    assert caption_tests("P values and 95% CI from the exact binomial test.") == \
        (("counts", "exact_binomial"),)


# ------------------------------------------------ the methods' statements for a kind

_TTE_HEADER = ["Events, n/N (%)", "Drug X (n = 100)", "Placebo (n = 100)", "HR (95% CI)", "P"]
_TTE_BODY = [("Progression-free survival", "45/100 (45)", "60/100 (60)", "0.62 (0.45-0.85)",
              "0.003"),
             ("Overall survival", "30/100 (30)", "35/100 (35)", "0.81 (0.52-1.25)", "0.35")]
_TTE_ROW = _TTE_BODY[0][0]


def test_a_stratified_cox_model_and_log_rank_test_stated_once(tmp_path):
    """"Hazard ratios were estimated with a Cox model stratified by the stratification
    factors, and P values are from the stratified log-rank test": the HR and its CI are
    ``stratified``; its P value is the stratified log-rank test's, ``stratified``."""
    rows = _draft(tmp_path, "Efficacy", _TTE_HEADER, _TTE_BODY,
                  methods="Hazard ratios were estimated with a Cox model stratified by the "
                          "stratification factors, and P values are from the stratified "
                          "log-rank test.")
    hr = _at(rows, _TTE_ROW, "HR (95% CI)", "estimate")
    assert (hr["quantity"], hr["adjustment"]) == ("pfs_hr", "stratified")
    assert _at(rows, _TTE_ROW, "HR (95% CI)", "ci_high")["adjustment"] == "stratified"
    p = _p(rows, _TTE_ROW)
    assert (p["test"], p["adjustment"]) == ("stratified_log_rank", "stratified")


def test_a_cox_model_adjusted_for_covariates(tmp_path):
    """"HRs were estimated with a Cox model adjusted for age and centre": ``adjusted``."""
    rows = _draft(tmp_path, "Efficacy", _TTE_HEADER, _TTE_BODY,
                  methods="HRs were estimated with a Cox model adjusted for age and centre.")
    assert _at(rows, _TTE_ROW, "HR (95% CI)", "estimate")["adjustment"] == "adjusted"
    assert _p(rows, _TTE_ROW)["adjustment"] == "adjusted"


def test_two_analyses_of_one_kind_flag_its_rows(tmp_path):
    """The log-rank test compares the arms and a multivariable Cox model weighs prognostic
    factors: whether a printed HR is the adjusted model's is not said, so its adjustment is
    left empty and the row flagged."""
    rows = _draft(tmp_path, "Efficacy", _TTE_HEADER, _TTE_BODY,
                  methods="Survival was compared with the log-rank test. Multivariable Cox "
                          "regression was performed to adjust for potential confounders.")
    hr = _at(rows, _TTE_ROW, "HR (95% CI)", "estimate")
    assert hr["adjustment"] == "" and hr["review"] == "yes"


def test_multiplicity_and_randomisation_strata_are_no_adjustment_of_an_estimate(tmp_path):
    """"No adjustment was made for multiple comparisons" and "randomisation was stratified
    by centre" say nothing about how the hazard ratios were estimated."""
    rows = _draft(tmp_path, "Efficacy", _TTE_HEADER, _TTE_BODY,
                  methods="Randomisation was stratified by centre. Hazard ratios were "
                          "estimated with a Cox model; no adjustment was made for multiple "
                          "comparisons.")
    assert _at(rows, _TTE_ROW, "HR (95% CI)", "estimate")["adjustment"] == ""


def _draft_paper(tmp_path: Path, methods: str, results: str) -> list[dict[str, str]]:
    """The rows of a small HTML paper: a Statistical analysis section saying ``methods``,
    then a Results paragraph ``results``."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text("<html><body><h2>Methods</h2><h3>Statistical analysis</h3>"
                     f"<p>{methods}</p><h2>Results</h2><p>We randomly assigned 200 patients. "
                     f"{results}</p></body></html>", encoding="utf-8")
    drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")[1]
    return [{**d.fields, "review": "yes" if d.needs_review else ""} for d in drafted
            if d.fields["location"] == "Results"]


def _stat(rows: list[dict[str, str]], value: str) -> dict[str, str]:
    found = [r for r in rows if r["value"] == value]
    assert len(found) == 1, found
    return found[0]


def test_every_p_value_is_two_sided_where_the_methods_say_so(tmp_path):
    """"All P values are two-sided": every P value of the paper is ``two_sided``; the
    hazard ratio's P value takes the only test the methods name for comparing survival, the
    stratified log-rank test, unflagged (no Cox model besides)."""
    rows = _draft_paper(tmp_path, "Progression-free survival was compared with the log-rank "
                                  "test stratified by centre. All P values are two-sided.",
                        "Progression-free survival was longer with Drug X (hazard ratio "
                        "0.62, 95% CI 0.45 to 0.85; P = 0.003). Nausea was more frequent "
                        "with Drug X (30% vs 18%; P = 0.04).")
    p = _stat(rows, "0.003")
    assert (p["statistic"], p["sided"]) == ("p_value", "two_sided")
    assert (p["test"], p["adjustment"]) == ("stratified_log_rank", "stratified")
    assert p["review"] == ""
    assert _stat(rows, "0.04")["sided"] == "two_sided"


def test_a_significance_threshold_says_no_side_of_every_p_value(tmp_path):
    """"Two-sided P values below 0.05 were considered significant" states the threshold, not
    that every P value printed is two-sided; a one-sided design beside a two-sided
    statement leaves the side empty too."""
    rows = _draft_paper(tmp_path, "Two-sided P values below 0.05 were considered significant.",
                        "Nausea was more frequent with Drug X (30% vs 18%; P = 0.04).")
    assert _stat(rows, "0.04")["sided"] == ""
    rows = _draft_paper(tmp_path, "The trial had 80% power at a one-sided alpha of 0.025. All "
                                  "P values are two-sided.",
                        "Nausea was more frequent with Drug X (30% vs 18%; P = 0.04).")
    assert _stat(rows, "0.04")["sided"] == ""


def test_an_adjusted_hazard_ratios_p_value_is_the_cox_models(tmp_path):
    """The methods name a log-rank test and a Cox model: an adjusted HR's P value is the
    Cox model's (a log-rank test adjusts for no covariate), flagged as a guess; a P value of
    an HR that does not say may be either's: no test, flagged."""
    rows = _draft_paper(tmp_path, "Survival was compared with the log-rank test. Hazard "
                                  "ratios were estimated with Cox regression.",
                        "Progression-free survival was longer with Drug X (adjusted hazard "
                        "ratio 0.62, 95% CI 0.45 to 0.85; P = 0.003). Overall survival did "
                        "not differ (hazard ratio 0.91, 95% CI 0.70 to 1.18; P = 0.47).")
    p = _stat(rows, "0.003")
    assert (p["adjustment"], p["test"]) == ("adjusted", "cox_wald")
    assert p["review"] == "yes"
    p = _stat(rows, "0.47")
    assert (p["statistic"], p.get("test", ""), p["review"]) == ("p_value", "", "yes")
