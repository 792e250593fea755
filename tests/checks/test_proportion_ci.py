"""The ``proportion-ci`` check (:mod:`trialrecon.checks.families.proportion_ci`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("proportion-ci")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_a_named_method_that_does_not_give_the_interval_says_which_does(planted):
    """q4h: the paper names the exact interval; 9/55 printed 8.9 to 28.3 is Wilson's.

    R 4.x: ``binom.test(9, 55)$conf.int * 100`` is 7.77 28.80 (Clopper-Pearson) and
    ``prop.test(9, 55, correct = FALSE)$conf.int * 100`` is 8.86 28.26 (Wilson).
    """
    [f] = [f for f in planted.findings if f.check == "proportion-ci"
           and {"q4h_lo", "q4h_hi"} <= {v.id for v in f.values}]
    assert f.severity == "inconsistent"
    assert "Clopper-Pearson" in f.sentence and "Wilson score" in f.sentence
    assert "7.77 to 28.80" in f.sentence


def test_a_named_method_that_gives_the_interval_is_consistent(planted):
    """q4g: the exact interval named and printed (R: binom.test(23, 52) gives 30.47 58.67)."""
    [f] = [f for f in planted.findings if f.check == "proportion-ci"
           and {"q4g_lo", "q4g_hi"} <= {v.id for v in f.values}]
    assert f.severity == "consistent" and "stated" in f.sentence


def test_every_named_ci_method_can_be_computed():
    """The vocabulary's ci_methods are the methods trialrecon.stats.proportions computes."""
    from trialrecon.dossier.vocabulary import vocabulary
    from trialrecon.stats.proportions import METHODS

    assert set(vocabulary().ci_methods) == set(METHODS)
