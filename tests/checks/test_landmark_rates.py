"""The ``landmark-vs-median`` check (:mod:`trialrecon.checks.families.landmark_rates`): planted
errors and the Weibull reach computed by hand."""

from __future__ import annotations

import math

import pytest

from trialrecon.checks.families import landmark_rates as lr


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("landmark-vs-median")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_reach_at_the_corners_by_hand():
    # median 10 to 12, shapes 0.4 to 4, landmark 12 months:
    # S = exp(-log 2 (12 / 10) ** 4) = 0.2375 ... exp(-log 2 (12 / 12) ** k) = 0.5
    low, high = lr.reachable(12.0, (10.0, 12.0))
    assert low == pytest.approx(math.exp(-math.log(2) * 1.2 ** 4))
    assert high == pytest.approx(0.5)
    # a landmark before the median: shape 0.4 gives the lowest, shape 4 the highest rate
    low, high = lr.reachable(3.0, (29.5, 30.5))
    assert low == pytest.approx(math.exp(-math.log(2) * (3 / 29.5) ** 0.4))
    assert high == pytest.approx(math.exp(-math.log(2) * (3 / 30.5) ** 4))
