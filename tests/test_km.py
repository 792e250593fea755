"""The one Kaplan-Meier implementation (trialrecon.stats.km) against R's survival package.

Reference values were printed by R 4.x with survival 3.5.3 (Debian ``r-base-core`` and
``r-cran-survival``; R is not a dependency of the project). The R code is in each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialrecon.stages.km import validation as kv
from trialrecon.stats import km
from trialrecon.stats import survmodel as sm

TIMES = np.array([2, 3, 3, 5, 6, 8, 9, 12], dtype=float)
EVENTS = np.array([1, 1, 0, 1, 0, 1, 1, 0])


def test_estimate_greenwood_and_log_log_limits_match_r():
    """R::

        t <- c(2, 3, 3, 5, 6, 8, 9, 12); e <- c(1, 1, 0, 1, 0, 1, 1, 0)
        f <- survfit(Surv(t, e) ~ 1, conf.type = "log-log"); s <- summary(f)
        data.frame(s$time, s$n.risk, s$n.event, s$surv, f$std.err[f$n.event > 0],
                   s$lower, s$upper)
          time n.risk n.event  surv      std.err          lower        upper
             2      8       1 0.875 0.1336306210 0.387000014032 0.9813929659
             3      7       1 0.750 0.2041241452 0.314807113706 0.9308983171
             5      5       1 0.600 0.3027650354 0.195495866085 0.8522543458
             8      3       1 0.400 0.5082650227 0.066029774328 0.7342253450
             9      2       1 0.200 0.8708233652 0.009583793849 0.5727364856
    """
    fit = km.kaplan_meier(TIMES, EVENTS)
    assert fit.time.tolist() == [2, 3, 5, 8, 9]
    assert fit.n_risk.tolist() == [8, 7, 5, 3, 2]
    assert fit.n_event.tolist() == [1, 1, 1, 1, 1]
    assert fit.survival == pytest.approx([0.875, 0.75, 0.6, 0.4, 0.2], abs=1e-12)
    assert np.sqrt(fit.var_cumhaz) == pytest.approx(
        [0.1336306210, 0.2041241452, 0.3027650354, 0.5082650227, 0.8708233652], abs=1e-9)
    lower, upper = km.confidence_limits(fit, 0.95, "log-log")
    assert lower == pytest.approx([0.387000014032, 0.314807113706, 0.195495866085,
                                   0.066029774328, 0.009583793849], abs=1e-9)
    assert upper == pytest.approx([0.9813929659, 0.9308983171, 0.8522543458, 0.7342253450,
                                   0.5727364856], abs=1e-9)


@pytest.mark.parametrize(("conf_type", "low"), [("log-log", 2.0), ("log", 5.0), ("plain", 3.0)])
def test_median_ci_of_each_interval_type_matches_r(conf_type, low):
    """R: for (ct in c("log-log", "log", "plain"))
    print(summary(survfit(Surv(t, e) ~ 1, conf.type = ct))$table[c("median", "0.95LCL",
    "0.95UCL")]) with t, e as above prints 8 2 NA, 8 5 NA and 8 3 NA."""
    m = km.summarize(TIMES, EVENTS, 0.95, conf_type)
    assert (m.median, m.ci_low, m.ci_high) == (8.0, low, math.inf)


@pytest.mark.parametrize(("conf_type", "expected"), [
    ("log-log", (5.5, 1.0, 8.0)), ("log", (5.5, 3.0, math.inf)), ("plain", (5.5, 3.0, 8.0))])
def test_exact_half_plateau_gives_the_midpoint_as_r(conf_type, expected):
    """Ten events at 1..10: S = 0.5 exactly from 5 to 6, so the median is 5.5.

    R: summary(survfit(Surv(1:10, rep(1, 10)) ~ 1, conf.type = ct))$table prints median
    5.5 and CI 1, 8 (log-log), 3, NA (log), 3, 8 (plain). The product 9/10 * 8/9 * ... is
    0.5000000000000001 in floating point; the tolerance keeps it a plateau.
    """
    m = km.summarize(np.arange(1.0, 11.0), np.ones(10), 0.95, conf_type)
    assert (m.median, m.ci_low, m.ci_high) == expected


def test_upper_limit_is_not_reached_when_the_curve_reaches_zero():
    """Five deaths, no censoring: S reaches 0, where R leaves both limits undefined.

    R: summary(survfit(Surv(1:5, rep(1, 5)) ~ 1))$table gives median 3, 0.95LCL 1,
    0.95UCL NA (a paper prints "NR"); f$upper is 0.969 0.882 0.753 0.582 NA.
    """
    m = km.summarize(np.arange(1.0, 6.0), np.ones(5))
    assert (m.median, m.ci_low, m.ci_high) == (3.0, 1.0, math.inf)
    lower, upper = km.confidence_limits(km.kaplan_meier(np.arange(1.0, 6.0), np.ones(5)))
    assert math.isnan(upper[-1]) and math.isnan(lower[-1])
    assert upper[:4] == pytest.approx([0.9691798, 0.8817564, 0.7528158, 0.5818530], abs=1e-7)


def test_a_curve_ending_on_the_half_plateau_prints_the_time_it_got_there():
    """R: summary(survfit(Surv(c(1, 2, 3, 4), c(1, 1, 0, 0)) ~ 1))$table: median 2, LCL 1,
    UCL NA (print.survfit; quantile.survfit would give 3, the midpoint with the last time)."""
    m = km.summarize(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0]))
    assert (m.median, m.ci_low, m.ci_high) == (2.0, 1.0, math.inf)


def test_rossi_numbers_at_risk_count_time_at_or_after_t():
    """R (lifelines' Rossi data written to rossi.csv):
    summary(survfit(Surv(week, arrest) ~ 1, data = rossi),
            times = c(0, 10, 20, 30, 40, 50, 52))$n.risk
    [1] 432 418 397 374 351 325 322
    """
    d = kv.load(kv.DATASETS[1])
    at = np.array([0, 10, 20, 30, 40, 50, 52.0])
    assert km.at_risk(d["time"].to_numpy(), at).tolist() == [432, 418, 397, 374, 351, 325, 322]


def test_gbsg2_medians_and_ci_match_r():
    """R (lifelines' GBSG2 written to gbsg2.csv):
    summary(survfit(Surv(time, cens) ~ horTh, data = g, conf.type = "log-log"))$table
              records events median 0.95LCL 0.95UCL
    horTh=no      440    205   1528    1280    1814
    horTh=yes     246     94   2018    1918      NA
    """
    d = kv.load(kv.DATASETS[0])
    for arm, expected in ((0, (1528.0, 1280.0, 1814.0, 205)), (1, (2018.0, 1918.0, math.inf, 94))):
        part = d[d["arm"] == arm]
        m = km.summarize(part["time"].to_numpy(), part["event"].to_numpy())
        assert (m.median, m.ci_low, m.ci_high, m.events) == expected


def test_cumulative_events_count_time_at_or_before_t():
    # by hand: events at 2, 3, 5, 8, 9
    assert km.cumulative_events(TIMES, EVENTS, np.array([0, 2, 4, 8, 20.0])).tolist() == [
        0, 1, 2, 4, 5]


@pytest.mark.parametrize("n", [14, 24])
def test_calibrated_median_is_the_one_reported(n):
    """The issue's case: Summary(n, median=10, accrual=12, follow_up=54) used to report a
    rebuilt median of 12.29 (n = 14) or 8.87 (n = 24), tuning on one median definition and
    reporting another. With one definition the rebuilt median is the reported one."""
    for model in sm.MODELS:
        fit = sm.fit_model(sm.Summary(n=n, median=10.0, accrual=12.0, follow_up=54.0), model)
        assert fit.rebuilt["median"] == pytest.approx(10.0, rel=1e-9)
        assert fit.matched


samples = st.lists(st.tuples(st.integers(1, 30), st.booleans()), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(samples)
def test_any_sample_gives_an_ordered_median_ci_and_one_median_rule(data):
    time = np.array([t for t, _ in data], dtype=float)
    event = np.array([int(e) for _, e in data])
    fit = km.kaplan_meier(time, event)
    for conf_type in km.CONF_TYPES:
        m = km.median_ci(fit, 0.95, conf_type)
        # an undefined limit is inf (R's NA): a single death leaves both undefined
        assert m.median <= m.ci_high
        assert m.ci_low <= m.median or math.isinf(m.ci_low)
        lower, upper = km.confidence_limits(fit, 0.95, conf_type)
        ok = ~(np.isnan(lower) | np.isnan(upper))
        assert (lower[ok] <= fit.survival[ok] + 1e-12).all()
        assert (fit.survival[ok] <= upper[ok] + 1e-12).all()
    # the fast median of the calibration loops and the general rule agree
    fast = km.km_median(fit.time, fit.survival)
    general = km.median_time(fit.time, fit.survival)
    assert (math.isnan(fast) and math.isnan(general)) or fast == general
    assert km.at_risk(time, np.array([0.0]))[0] == time.size
