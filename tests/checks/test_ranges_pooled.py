"""The ``ranges-pooled`` check (:mod:`trialrecon.checks.families.ranges_pooled`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("ranges-pooled")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()
