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


def test_unstated_interval_method_is_at_most_questionable(planted):
    """Issue 22 item 2: HR 0.50 (0.20 to 1.60), P 0.40, no interval method named.

    By hand: the CI is centred on sqrt(0.20 x 1.60) = 0.566, not 0.50, on the log scale; the
    Wald reading gives SE = (log 1.60 - log 0.20) / 3.92 = 0.530, z = 0.693 / 0.530 = 1.31,
    P = 0.19, not 0.40. Only the unstated Wald assumption makes that a disagreement; the
    finding says so, holds the symmetry point and is questionable. Naming a Cox model's Wald
    test (q5k) or a CI that excludes 1 (q5j: 0.20 to 0.70 beside P 0.40) keeps it inconsistent.
    """
    hits = [f for f in planted.findings if matches(f, ["q5i_hr", "q5i_p"])]
    assert [f.severity for f in hits] == ["questionable"]
    assert "does not state" in hits[0].sentence and "log scale" in hits[0].sentence
    assert "Wald" in hits[0].recomputation["assumption"]
    for sub in ("q5j", "q5k"):
        f = next(f for f in planted.findings if matches(f, [f"{sub}_hr", f"{sub}_p"]))
        assert f.severity == "inconsistent", sub
