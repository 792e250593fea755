"""P from a CI (:mod:`trialrecon.stats.ci_p`), GRIM/GRIMMER and the t test from summaries
(:mod:`trialrecon.stats.summary`), Poisson rate ratios (:mod:`trialrecon.stats.rates`).

R 4.2.2 references:

    poisson.test(c(30, 45), c(720, 740))$conf.int    # 0.4167838 1.1117750
    poisson.test(c(0, 4), c(500, 480))$conf.int      # 0 1.454272
    sp <- sqrt((49 * 2.0^2 + 49 * 2.1^2) / 98); t <- 0.9 / (sp * sqrt(2 / 50))
    2 * pt(-t, 98)                                   # 0.03056401 (t = 2.194469)
    se <- sqrt(2.0^2 / 50 + 2.1^2 / 50); df <- se^4 / ((2.0^2/50)^2/49 + (2.1^2/50)^2/49)
    2 * pt(-0.9 / se, df)                            # 0.03056968 (df 97.77)
    se <- 0.30 / (2 * qnorm(.975)); 2 * pnorm(-0.23 / se)   # 0.002653381
    2 * pt(-0.23 / (0.30 / (2 * qt(.975, 748))), 748)       # 0.002698996
"""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialrecon.stats.ci_p import p_from_difference_ci, p_from_ratio_ci, p_range
from trialrecon.stats.rates import rate, rate_ratio_interval
from trialrecon.stats.summary import (
    grim_applies,
    grim_totals,
    grimmer,
    se_of_mean,
    t_test_p,
    t_test_p_range,
)


def test_altman_bland_ratio_example():
    """Altman & Bland (2011), BMJ 343:d2304: RR 0.81 (0.70 to 0.94) gives P = 0.005."""
    assert p_from_ratio_ci(0.81, 0.70, 0.94) == pytest.approx(0.005, abs=6e-4)


def test_difference_p_normal_and_t_match_r():
    assert p_from_difference_ci(0.23, 0.08, 0.38) == pytest.approx(0.002653381, abs=1e-8)
    assert p_from_difference_ci(0.23, 0.08, 0.38, df=748) == pytest.approx(0.002698996,
                                                                            abs=1e-8)


def test_p_range_covers_the_rounding_box_and_the_null():
    """0.75 (0.51-1.11) over its rounding: the extremes lie at the corners; a box holding the
    null value gives P = 1 at its top."""
    lo, hi = p_range((0.745, 0.755), (0.505, 0.515), (1.105, 1.115), ratio=True)
    assert lo < p_from_ratio_ci(0.75, 0.51, 1.11) < hi
    assert p_range((-0.05, 0.05), (-1.0, -0.9), (0.9, 1.0), ratio=False)[1] == 1.0


def test_grim_by_hand():
    """n = 28, mean 5.19: 5.19 x 28 = 145.32; 145/28 = 5.1786 (5.18), 146/28 = 5.2143
    (5.21): no whole total, impossible. n = 20, mean 2.45 = 49/20. With n = 200 and two
    decimals every mean is possible, so GRIM does not apply."""
    assert grim_totals("5.19", 28) == []
    assert grim_totals("2.45", 20) == [49]
    assert grim_applies("5.19", 28) and not grim_applies("5.19", 200)


def test_grimmer_by_hand():
    """n = 20, total 49 (mean 2.45). SD 1.10: Q = 19 SD^2 + 49^2/20 lies in [19 x 1.095^2 +
    120.05, 19 x 1.105^2 + 120.05] = [142.83, 143.25], so Q = 143, odd like 49: possible.
    SD 1.30: Q in [19 x 1.295^2 + 120.05, 19 x 1.305^2 + 120.05] = [151.91, 152.41], so
    Q = 152, even, while 49 is odd: impossible; as a population SD (divisor 20) Q in
    [153.59, 154.11], Q = 154, even again: impossible too."""
    assert grimmer("2.45", "1.10", 20)
    assert not grimmer("2.45", "1.30", 20)
    assert not grimmer("2.45", "1.30", 20, population_sd=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=7), min_size=3, max_size=40))
def test_grim_and_grimmer_accept_every_real_sample(data):
    """Any whole-number sample, summarised to two decimals, passes both tests."""
    n = len(data)
    mean = f"{sum(data) / n:.2f}"
    sd = f"{statistics.stdev(data):.2f}"
    assert grim_totals(mean, n)
    assert grimmer(mean, sd, n)
    assert grimmer(mean, f"{statistics.pstdev(data):.2f}", n, population_sd=True)


def test_t_test_from_summaries_matches_r():
    assert t_test_p(5.2, 2.0, 50, 4.3, 2.1, 50, welch=False) == pytest.approx(0.03056401,
                                                                              abs=1e-7)
    assert t_test_p(5.2, 2.0, 50, 4.3, 2.1, 50, welch=True) == pytest.approx(0.03056968,
                                                                             abs=1e-7)
    lo, hi = t_test_p_range((5.15, 5.25), (1.95, 2.05), 50, (4.25, 4.35), (2.05, 2.15), 50,
                            welch=False)
    assert lo < 0.0306 < hi and hi < 0.1


def test_se_of_mean_by_hand():
    """1.10 / sqrt(380) = 1.10 / 19.4936 = 0.056429."""
    assert se_of_mean(1.10, 380) == pytest.approx(0.056429, abs=1e-6)


def test_rate_ratio_intervals_match_r_and_hand():
    """Wald by hand: (30/720)/(45/740) = 0.685185; exp(+-1.959964 sqrt(1/30 + 1/45)) =
    exp(+-0.461991): 0.431696 and 1.087522."""
    assert rate(30, 720, 100) == pytest.approx(4.166667, abs=1e-6)
    wald = rate_ratio_interval(30, 720, 45, 740, "wald")
    assert wald[0] == pytest.approx(0.431696, abs=1e-6)
    assert wald[1] == pytest.approx(1.087522, abs=1e-6)
    exact = rate_ratio_interval(30, 720, 45, 740, "exact")
    assert exact[0] == pytest.approx(0.4167838, abs=1e-6)
    assert exact[1] == pytest.approx(1.1117750, abs=1e-6)
    zero = rate_ratio_interval(0, 500, 4, 480, "exact")
    assert zero[0] == 0 and zero[1] == pytest.approx(1.454272, abs=1e-6)
    assert rate_ratio_interval(0, 500, 4, 480, "wald") is None
    assert math.isinf(rate_ratio_interval(3, 100, 0, 100, "exact")[1])
    with pytest.raises(ValueError):
        rate_ratio_interval(3, 0, 4, 100, "wald")


def test_combined_sd_by_hand():
    """172 (27.5), n = 1161 with 174 (26.8), n = 1164: (1160 x 756.25 + 1163 x 718.24 +
    1161 x 1164 / 2325 x 2^2) / 2324 = (877250 + 835313.1 + 2325.0) / 2324 = 737.904, whose
    root is 27.164; over the rounding of the means (171.5-172.5, 173.5-174.5: a difference of
    1 to 3) and SDs the range is 27.10 to 27.24."""
    from trialrecon.stats.summary import combined_sd, combined_sd_range

    assert combined_sd(172, 27.5, 1161, 174, 26.8, 1164) == pytest.approx(27.164, abs=1e-3)
    lo, hi = combined_sd_range((171.5, 172.5), (27.45, 27.55), 1161, (173.5, 174.5),
                               (26.75, 26.85), 1164)
    assert lo == pytest.approx(27.10, abs=0.01) and hi == pytest.approx(27.237, abs=1e-3)
