"""The ``ratio-ci-p`` check (:mod:`trialrecon.checks.families.ratio_ci_p`): planted errors."""

from __future__ import annotations

import math

from conftest import matches

from trialrecon.checks.families.ratio_ci_p import p_from_ci


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("ratio-ci-p")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_gross_inconsistency_is_named(planted):
    """statcheck's gross inconsistency: significance at 0.05 flips (P 0.20 vs CI-implied 0.0005)."""
    f = next(f for f in planted.findings if matches(f, ["q5a_hr", "q5a_p"]))
    assert f.recomputation["gross"] is True and f.claim.startswith("gross")


def test_p_from_ci_altman_bland_example():
    """Altman & Bland (2011) BMJ 343:d2304, worked example: RR 0.81 (95% CI 0.70 to 0.94).

    By hand: log 0.81 = -0.2107; SE = (log 0.94 - log 0.70) / (2 x 1.96) = 0.2948/3.92
    = 0.0752; z = 0.2107/0.0752 = 2.80; P = 2 x (1 - Phi(2.80)) = 0.005.
    """
    p = p_from_ci(0.81, 0.70, 0.94, 0.95)
    assert math.isclose(p, 0.005, abs_tol=0.0006)
