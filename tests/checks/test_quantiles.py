"""The ``quantile-order`` check (:mod:`trialrecon.checks.families.quantiles`)."""

from __future__ import annotations

from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("quantile-order")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_rounding_can_put_values_in_order(tmp_path):
    """Median 3.4 and lower quartile 3.45: both may be 3.447, so they may be in order."""
    rows = [row("m", "drug", "outcome", "LOS", "median", "3.4", unit="days"),
            row("q1", "drug", "outcome", "LOS", "iqr_low", "3.45", unit="days"),
            row("q3", "drug", "outcome", "LOS", "iqr_high", "5.0", unit="days")]
    findings, _ = run(tmp_path, rows, ("quantile-order",))
    assert [f.severity for f in findings] == ["consistent"]
