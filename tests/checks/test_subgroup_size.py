"""The ``subgroup-size`` check (:mod:`trialrecon.checks.families.subgroup_size`): planted errors.

The planted cohort ``r2_ss`` (build_values.py) has 20 and 25 patients of genotype A, 40 and 35
of genotype B at baseline; a subgroup count over 38 patients of genotype B in the placebo arm
of the same set is impossible (38 > 35), and over 24 or 30 patients of genotype A in the
per-protocol set (50 and 52 patients, no larger than the 60 randomized) is questionable.
"""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("subgroup-size")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()
