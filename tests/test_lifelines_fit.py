"""The lifelines adapter (trialrecon.stats.lifelines_fit) against R and the numpy code.

References: R 4.2.2, survival 3.5-3 (R code in each test; GBSG2 and Rossi are lifelines'
bundled data sets written to CSV for R), and the project's numpy Kaplan-Meier, Cox and
log-rank (:mod:`trialrecon.stats.km`, :mod:`trialrecon.stats.twoarm`), themselves tested
against R. ``tests/test_timefix.py`` runs the adapter on random near-tied data sets.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from trialrecon.stats import km, twoarm
from trialrecon.stats import lifelines_fit as lf


def _gbsg2() -> pd.DataFrame:
    from lifelines import datasets

    raw = datasets.load_gbsg2()
    return pd.DataFrame({"time": raw["time"].astype(float), "event": raw["cens"].astype(int),
                         "arm": (raw["horTh"] == "yes").astype(int)})


def _rossi() -> pd.DataFrame:
    from lifelines import datasets

    raw = datasets.load_rossi()
    return pd.DataFrame({"time": raw["week"].astype(float),
                         "event": raw["arrest"].astype(int), "arm": raw["fin"].astype(int)})


def test_gbsg2_cox_and_logrank_match_r():
    """R::

        m <- coxph(Surv(time, cens) ~ I(horTh == "yes"), data = g); c(coef(m), sqrt(vcov(m)))
        # -0.3640098833 0.1250445704
        s <- summary(m); c(s$waldtest["pvalue"], s$logtest["pvalue"])
        survdiff(Surv(time, cens) ~ horTh, data = g)$chisq   # 8.564780854

    The Wald P is erfc(|b / se| / sqrt 2) = erfc(2.911043 / 1.414214) = 0.0036018 by hand.
    """
    d = _gbsg2()
    cox = lf.cox(d["time"], d["event"], d["arm"])
    assert (cox.log_hr, cox.se) == pytest.approx((-0.3640098833, 0.1250445704), abs=1e-9)
    assert cox.converged and cox.note == ""
    assert cox.p_wald == pytest.approx(math.erfc(0.3640098833 / 0.1250445704 / math.sqrt(2)),
                                       rel=1e-7)
    assert (cox.hr_low, cox.hr_high) == pytest.approx(
        (math.exp(-0.3640098833 - 1.959963985 * 0.1250445704),
         math.exp(-0.3640098833 + 1.959963985 * 0.1250445704)), rel=1e-8)
    lr = lf.logrank(d["time"], d["event"], d["arm"])
    assert lr.chi2 == pytest.approx(8.564780854, abs=1e-8)
    assert lr.chi2 == pytest.approx((lr.observed_1 - lr.expected_1) ** 2 / lr.variance,
                                    rel=1e-12)


def test_gbsg2_medians_and_ci_match_r():
    """R: summary(survfit(Surv(time, cens) ~ horTh, data = g, conf.type = "log-log"))$table
    prints medians 1528 (CI 1280 to 1814, 205 events) without and 2018 (1918 to NA, 94
    events) with hormone therapy; NA is "not reached" (inf)."""
    d = _gbsg2()
    for arm, expected in ((0, (1528.0, 1280.0, 1814.0, 205)),
                          (1, (2018.0, 1918.0, math.inf, 94))):
        part = d[d["arm"] == arm]
        m = lf.median_ci(part["time"], part["event"])
        assert (m.median, m.ci_low, m.ci_high, m.events) == expected


@pytest.mark.parametrize(("conf_type", "expected"), [
    ("log-log", (5.5, 1.0, 8.0)), ("log", (5.5, 3.0, math.inf)), ("plain", (5.5, 3.0, 8.0))])
def test_exact_half_plateau_gives_r_s_midpoint_not_lifelines_first_time(conf_type, expected):
    """Ten events at 1..10: S = 0.5 from 5 to 6. R: summary(survfit(Surv(1:10, rep(1, 10))
    ~ 1, conf.type = ct))$table prints median 5.5 and CI 1, 8 (log-log), 3, NA (log), 3, 8
    (plain); lifelines' own ``median_survival_time_`` is 5, the first time S <= 0.5."""
    from lifelines import KaplanMeierFitter

    t, e = np.arange(1.0, 11.0), np.ones(10)
    assert KaplanMeierFitter().fit(t, e).median_survival_time_ == 5.0
    m = lf.median_ci(t, e, 0.95, conf_type)
    assert (m.median, m.ci_low, m.ci_high) == expected
    assert m.conf_type == conf_type


def test_limits_are_undefined_where_r_leaves_them_na():
    """Five deaths: S reaches 0, where lifelines' interval is (0, 0) and R's NA.
    R: summary(survfit(Surv(1:5, rep(1, 5)) ~ 1))$table: median 3, LCL 1, UCL NA;
    f$upper is 0.969 0.882 0.753 0.582 NA (log-log: survfit(..., conf.type = "log-log"))."""
    m = lf.median_ci(np.arange(1.0, 6.0), np.ones(5))
    assert (m.median, m.ci_low, m.ci_high) == (3.0, 1.0, math.inf)
    _, lower, upper = lf.curve(np.arange(1.0, 6.0), np.ones(5))
    assert math.isnan(lower[-1]) and math.isnan(upper[-1])
    assert upper[:4] == pytest.approx([0.9691798, 0.8817564, 0.7528158, 0.5818530], abs=1e-7)


@pytest.mark.parametrize("data", [_gbsg2, _rossi])
def test_adapter_and_numpy_code_agree(data):
    """Two implementations, one number: the Kaplan-Meier estimate, Greenwood variance,
    median and CI of every interval type and level, the Cox fit and the log-rank test."""
    d = data()
    t, e, a = d["time"].to_numpy(), d["event"].to_numpy(), d["arm"].to_numpy()
    for arm in (0, 1):
        ta, ea = t[a == arm], e[a == arm]
        ours, theirs = km.kaplan_meier(ta, ea), lf.kaplan_meier(ta, ea)
        assert np.array_equal(ours.time, theirs.time)
        assert np.array_equal(ours.n_risk, theirs.n_risk)
        assert np.array_equal(ours.n_event, theirs.n_event)
        assert (ours.last_time, ours.n) == (theirs.last_time, theirs.n)
        assert theirs.survival == pytest.approx(ours.survival, abs=1e-14)
        assert theirs.var_cumhaz == pytest.approx(ours.var_cumhaz, rel=1e-12)
        for conf_type in km.CONF_TYPES:
            for level in (0.9, 0.95):
                assert lf.median_ci(ta, ea, level, conf_type) == km.summarize(
                    ta, ea, level, conf_type)
    # lifelines stops where the log-likelihood stops changing in double precision; that
    # pins the coefficient to about 1e-9 (R's and the numpy code's end on a Newton step)
    ours_cox, theirs_cox = twoarm.cox_binary(t, e, a), lf.cox(t, e, a)
    assert theirs_cox.log_hr == pytest.approx(ours_cox.log_hr, abs=1e-9)
    assert theirs_cox.se == pytest.approx(ours_cox.se, rel=1e-8)
    assert theirs_cox.p_wald == pytest.approx(ours_cox.p_wald, rel=1e-7)
    assert theirs_cox.p_lr == pytest.approx(ours_cox.p_lr, rel=1e-9)
    assert math.isnan(theirs_cox.p_score)
    ours_lr, theirs_lr = twoarm.logrank(t, e, a), lf.logrank(t, e, a)
    assert (theirs_lr.chi2, theirs_lr.p_value) == pytest.approx(
        (ours_lr.chi2, ours_lr.p_value), rel=1e-10)


def test_log_log_limits_are_lifelines_own_and_equal_r_s():
    """R (test_km's data)::

        t <- c(2, 3, 3, 5, 6, 8, 9, 12); e <- c(1, 1, 0, 1, 0, 1, 1, 0)
        s <- summary(survfit(Surv(t, e) ~ 1, conf.type = "log-log")); s$lower; s$upper
        # 0.387000014032 0.314807113706 0.195495866085 0.066029774328 0.009583793849
        # 0.9813929659 0.9308983171 0.8522543458 0.7342253450 0.5727364856
    """
    t = np.array([2, 3, 3, 5, 6, 8, 9, 12], dtype=float)
    e = np.array([1, 1, 0, 1, 0, 1, 1, 0])
    fit, lower, upper = lf.curve(t, e)
    assert fit.survival == pytest.approx([0.875, 0.75, 0.6, 0.4, 0.2], abs=1e-12)
    assert lower == pytest.approx([0.387000014032, 0.314807113706, 0.195495866085,
                                   0.066029774328, 0.009583793849], abs=1e-9)
    assert upper == pytest.approx([0.9813929659, 0.9308983171, 0.8522543458, 0.7342253450,
                                   0.5727364856], abs=1e-9)


def test_monotone_likelihood_is_not_converged_and_no_warning_escapes():
    """R: coxph(Surv(1:6, c(1,1,1,0,0,0)) ~ c(1,1,1,0,0,0)) does not converge (coefficient
    infinite); lifelines warns of "complete separation" and stops elsewhere (near 40)."""
    t = np.array([1, 2, 3, 4, 5, 6.0])
    e = np.array([1, 1, 1, 0, 0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cox = lf.cox(t, e, e)
        reverse = lf.cox(t, e, 1 - e)
    assert not cox.converged and "may be infinite" in cox.note and cox.log_hr > 10
    assert not reverse.converged and "may be 0" in reverse.note and reverse.log_hr < -10


def test_bad_conf_type_is_refused():
    with pytest.raises(ValueError, match="conf_type"):
        lf.median_ci(np.arange(1.0, 6.0), np.ones(5), conf_type="arcsine")


def test_a_fit_lifelines_diverges_on_is_refitted_with_smaller_steps():
    """Fifteen patients, one comparator: from 0, lifelines' full Newton steps overshoot and
    overflow ("delta contains nan value(s)") with its default settings; R's step halving
    converges in 5 iterations::

        t <- c(149.144, 824.856, 76.094, 377.425, 203.931, 490.044, 310.462, 161.319,
               310.462, 346.988, 161.319, 112.619, 179.581, 12.175, 66.962)
        e <- c(1,0,0,0,1,1,0,0,0,1,1,0,1,0,1); a <- c(0, rep(1, 14))
        m <- coxph(Surv(t, e) ~ a); c(coef(m), sqrt(vcov(m)))   # -2.43376722523 1.41725675945
    """
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError

    t = np.array([149.144, 824.856, 76.094, 377.425, 203.931, 490.044, 310.462, 161.319,
                  310.462, 346.988, 161.319, 112.619, 179.581, 12.175, 66.962])
    e = np.array([1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1])
    a = np.r_[0, np.ones(14)]
    with warnings.catch_warnings(), pytest.raises(ConvergenceError):
        warnings.simplefilter("ignore")
        CoxPHFitter().fit(pd.DataFrame({"t": t, "e": e, "a": a}), "t", "e")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cox = lf.cox(t, e, a)
    assert cox.converged and cox.note == ""
    assert (cox.log_hr, cox.se) == pytest.approx((-2.43376722523, 1.41725675945), abs=1e-9)


@pytest.mark.parametrize("data", [_gbsg2, _rossi])
def test_a_warm_start_gives_lifelines_own_estimate(data):
    """Started from the numpy estimate (as the KM stage does), lifelines' Newton-Raphson stops
    by its own test at the coefficient and standard error it reaches from 0, to 1e-9 (the
    adapter's agreement with R; GBSG2's tied times leave 2e-11 between the two starts)."""
    d = data()
    t, e, a = d["time"].to_numpy(), d["event"].to_numpy(), d["arm"].to_numpy()
    cold = lf.cox(t, e, a, lr_test=False)
    start = twoarm.cox_binary(t, e, a).log_hr
    warm = lf.cox(t, e, a, lr_test=False, start=start)
    assert warm.log_hr == pytest.approx(cold.log_hr, abs=1e-9)
    assert warm.se == pytest.approx(cold.se, abs=1e-9)
    assert (warm.hr_low, warm.hr_high) == pytest.approx((cold.hr_low, cold.hr_high), rel=1e-9)
    assert warm.converged and math.isnan(warm.p_lr)
    off = lf.cox(t, e, a, lr_test=False, start=start + 0.5)  # a poor start still converges
    assert off.log_hr == pytest.approx(cold.log_hr, abs=1e-9)


def test_one_fit_serves_median_quartiles_and_landmarks():
    """Median and CI, quartiles and a landmark rate of one lifelines fit (curve) against the
    numpy estimate of the same data (GBSG2, the hormone-therapy arm, days)."""
    d = _gbsg2()
    d = d[d["arm"] == 1]
    t, e = d["time"].to_numpy(), d["event"].to_numpy()
    estimate = lf.curve(t, e)
    ref = km.summarize(t, e)
    got = lf.median_ci_of(estimate)
    assert (got.median, got.ci_low, got.ci_high, got.events) == pytest.approx(
        (ref.median, ref.ci_low, ref.ci_high, ref.events))
    steps_t, steps_s = km.km_steps(t, e)
    assert lf.quantile_of(estimate, 0.75) == km.km_quantile(steps_t, steps_s, 0.75)
    q3 = km.km_quantile(steps_t, steps_s, 0.25)
    assert lf.quantile_of(estimate, 0.25) == (math.inf if math.isnan(q3) else q3)
    assert lf.survival_at(estimate, 730.0) == pytest.approx(
        float(km.km_at(np.array([730.0]), steps_t, steps_s)[0]), abs=1e-12)
    assert math.isnan(lf.survival_at(estimate, 1e6))  # beyond the last time: no estimate
