"""The ``effect-p`` check (:mod:`trialrecon.checks.families.effect_p`): planted errors and the
rules of its module docstring.

References (R 4.2.2): chisq.test(matrix(c(40,360,52,338),2,byrow=TRUE), correct=FALSE)
gives 0.1442 (one-sided 0.0721); fisher.test(matrix(c(3,17,10,10),2,byrow=TRUE)) 0.04074,
its chi-square 0.01812; the t test of 5.2 (2.0) vs 4.3 (2.1), n = 50 each, 0.0306; the P
from the adjusted OR 0.67 (0.50 to 0.90), 2*pnorm(-abs(log(.67))/((log(.9)-log(.5))/3.92))
= 0.0076.
"""

from __future__ import annotations

from conftest import matches
from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("effect-p")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def _one(planted, ids):
    return next(f for f in planted.findings if f.check == "effect-p" and matches(f, ids))


def test_says_which_test_reproduces_the_p(planted):
    assert "chi-square" in _one(planted, ["p1_p"]).sentence
    assert "Fisher's exact test" in _one(planted, ["p5_p"]).sentence
    wrong_test = _one(planted, ["p12_p"])
    assert "Fisher's exact test" in wrong_test.sentence and "chi square" in wrong_test.sentence
    assert "one-sided" in _one(planted, ["p15_p"]).sentence
    assert _one(planted, ["p11_p"]).recomputation["gross"] is True
    assert "does not state: the test" in _one(planted, ["p16_p"]).sentence


def test_p_values_of_other_tests_and_hypotheses_are_not_judged(tmp_path):
    rows = [row("est", "", "risk_ratio", "Death", "estimate", "0.75"),
            row("lo", "", "risk_ratio", "Death", "ci_low", "0.51"),
            row("hi", "", "risk_ratio", "Death", "ci_high", "1.11"),
            row("p_ni", "", "risk_ratio", "Death", "p_value", "0.001",
                hypothesis="non_inferiority"),
            row("p_cmh", "", "odds_ratio", "Death", "p_value", "0.5", test="cmh")]
    findings, skipped = run(tmp_path, rows, ("effect-p",))
    assert findings == []
    assert any("non-inferiority" in k for k in skipped) and any("cmh" in k for k in skipped)


def test_a_difference_whose_interval_and_p_fit_a_ratio(tmp_path):
    """'MD 1.09 (0.97 to 1.24), P = 0.16': as a difference the interval excludes 0 (P far
    below 0.001); on the log scale SE = (log 1.24 - log 0.97)/3.92 = 0.0626, z = log 1.09 /
    0.0626 = 1.38, P = 0.17 within rounding: the finding says the figures read as a ratio."""
    rows = [row("md", "", "mean_difference", "Stay", "estimate", "1.09", unit="days"),
            row("lo", "", "mean_difference", "Stay", "ci_low", "0.97", unit="days"),
            row("hi", "", "mean_difference", "Stay", "ci_high", "1.24", unit="days"),
            row("p", "", "mean_difference", "Stay", "p_value", "0.16", adjustment="adjusted",
                test="ancova")]
    findings, _ = run(tmp_path, rows, ("effect-p",))
    assert [f.severity for f in findings] == ["inconsistent"]
    assert "read as a ratio" in findings[0].sentence


def test_a_p_beside_counts_is_left_to_tests_from_counts(tmp_path):
    rows = [row("x", "drug", "outcome", "Death", "count", 40, denominator=400),
            row("y", "placebo", "outcome", "Death", "count", 52, denominator=390),
            row("p", "", "outcome", "Death", "p_value", "0.144")]
    findings, skipped = run(tmp_path, rows, ("effect-p",))
    assert findings == [] and any("tests-from-counts" in k for k in skipped)
