"""The ``mixed-sets`` check (:mod:`trialrecon.checks.families.mixed_sets`): planted errors.

The planted statements (build_values.py, subgroups ``r2_ms*``) give each arm's median and IQR,
mean and SD, or median alone without naming the analysis set, beside a table that prints them
for the ITT and the per-protocol sets; an error quotes the drug arm from one set and the
placebo arm from the other (drug 30 (25 to 36) is ITT, placebo 40 (35 to 52) per protocol,
whose ITT row reads 40 (35 to 50)).
"""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("mixed-sets")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()
