"""The ``timeline`` check (:mod:`trialrecon.checks.families.timeline`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("timeline")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()
