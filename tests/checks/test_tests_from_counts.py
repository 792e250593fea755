"""The ``tests-from-counts`` check (:mod:`trialrecon.checks.families.tests_from_counts`):
planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("tests-from-counts")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_mid_p_by_hand():
    """Fisher's mid-P (Lancaster 1961) of [[2, 1], [0, 3]], by hand: with margins 3, 3 and 2, 4
    the tables with a = 0, 1, 2 have probabilities C(2,a) C(4,3-a) / C(6,3) = 4/20, 12/20,
    4/20; the two-sided Fisher P sums those no more likely than the observed: 0.4; the mid-P
    subtracts half the observed table's probability: 0.4 - 0.1 = 0.3."""
    import math

    from trialrecon.stats.twobytwo import two_by_two_ps

    ps = two_by_two_ps(2, 3, 0, 3)
    assert math.isclose(ps["fisher"], 0.4) and math.isclose(ps["fisher_midp"], 0.3)


def test_the_named_test_decides(planted):
    """Chi-square named, Fisher's P printed: questionable and naming both (R, by hand in
    build_values.py: Fisher 0.05376, chi-square 0.0291); a stratified log-rank P is not a 2x2
    test of the counts; with no test named, a P between chi-square and Fisher is reproduced."""
    from conftest import matches

    named = next(f for f in planted.findings if matches(f, ["q7i_p"]))
    assert named.severity == "questionable" and "Fisher" in named.title
    assert "chi-square" in named.title
    assert not any(matches(f, ["q7l_p"]) for f in planted.findings
                   if f.check == "tests-from-counts")
    between = next(f for f in planted.findings if matches(f, ["q7k_p"]))
    assert between.severity == "consistent" and "between" in between.sentence
    unnamed = next(f for f in planted.findings if matches(f, ["q7j_p"]))
    assert unnamed.severity == "questionable" and "the test" in unnamed.sentence
