"""The ``partitions`` check (:mod:`trialrecon.checks.families.partitions`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("partitions")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()
