"""The ``percentages`` check (:mod:`trialrecon.checks.families.percentages`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("percentages")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_no_denominator_the_trial_lacks_is_proposed():
    """nearest_count proposes a denominator only of a size some population of the trial has,
    and not when the sentence's other percentages point to the natural one (issue 22)."""
    from trialrecon.checks.denominators import Denominator, nearest_count

    dens = [Denominator("stated denominator", 110, True)]
    # 12/88 = 13.6%: proposed only if the trial has a population of 88
    assert "needs a denominator of 88" in nearest_count(12, dens, "13.6", frozenset({88, 110}))
    assert "needs a denominator" not in nearest_count(12, dens, "13.6", frozenset({110}))
    assert "needs a denominator" not in nearest_count(12, dens, "13.6", frozenset({88, 110}),
                                                      contradicted=True)


def test_a_percentage_without_a_stated_denominator_is_at_most_questionable(planted):
    """33.3% of a cohort of 20 (no count gives it) states no denominator: questionable, and
    the sentence says the finding rests on that."""
    from conftest import matches

    f = next(f for f in planted.findings if f.check == "percentages" and matches(f, ["q2e_pct"]))
    assert f.severity == "questionable" and "does not state the denominator" in f.sentence
