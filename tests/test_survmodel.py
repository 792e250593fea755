"""Tests of the model-based reconstruction from published summaries (trialrecon.survmodel).

References: a simulated trial whose truth is known (Weibull survival, uniform accrual, one
cut-off), summarized by lifelines as a paper would; closed-form hand calculations below.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trialrecon.stats import modelsim
from trialrecon.stats import survmodel as sm


def simulated_trial(seed: int = 7) -> tuple[pd.DataFrame, dict]:
    """200 patients, Weibull shape 1.5 with median 12 months, accrual 24 months, cut-off 36."""
    rng = np.random.default_rng(seed)
    n, shape, median, accrual, cutoff = 200, 1.5, 12.0, 24.0, 36.0
    scale = median / math.log(2) ** (1 / shape)
    t = scale * rng.weibull(shape, n)
    entry = rng.uniform(0, accrual, n)
    limit = cutoff - entry
    data = pd.DataFrame({"time": np.minimum(t, limit), "event": (t <= limit).astype(int)})
    return data, {"n": n, "accrual": accrual, "shape": shape}


def summarize(data: pd.DataFrame, accrual: float) -> sm.Summary:
    """What a paper would print: KM median and CI, N, events, reverse-KM median follow-up."""
    from lifelines import KaplanMeierFitter

    rep = sm.km_median_ci(data)
    reverse = KaplanMeierFitter().fit(data["time"], 1 - data["event"])
    return sm.Summary(n=len(data), median=rep["median"], ci_low=rep["ci_low"],
                      ci_high=rep["ci_high"], events=int(data["event"].sum()), accrual=accrual,
                      follow_up=float(reverse.median_survival_time_))


def test_calibrated_model_reproduces_a_known_trial():
    data, truth = simulated_trial()
    summary = summarize(data, truth["accrual"])
    fit = sm.fit_model(summary, "weibull", seed=3)
    assert fit.basis == "model-based"
    model_median = fit.scale * math.log(2) ** (1 / fit.shape)
    assert summary.ci_low <= model_median <= summary.ci_high
    assert summary.ci_low <= fit.rebuilt["median"] <= summary.ci_high
    assert fit.matched, fit.notes
    assert abs(fit.rebuilt["events"] - summary.events) <= 0.1 * summary.events
    # the true shape is 1.5; the CI and the events should point the same way (above 1)
    assert 1.0 < fit.shape < 2.5


def test_no_model_can_match_an_impossibly_narrow_ci():
    # 30 patients cannot give a median CI of 9.9 to 10.1 months
    s = sm.Summary(n=30, median=10.0, ci_low=9.9, ci_high=10.1, accrual=12, follow_up=20)
    for model in sm.MODELS:
        fit = sm.fit_model(s, model, seed=1)
        assert not fit.matched
        assert fit.errors["ci_low"] < -0.5 or fit.errors["ci_high"] > 0.5
        assert any(f"no {model} parameter set reproduces" in n for n in fit.notes)


def test_expected_events_against_closed_form():
    # exponential, uniform accrual over A, cut-off C, no dropout:
    # P(event) = 1 - (exp(-lam (C - A)) - exp(-lam C)) / (lam A)
    lam, accrual, cutoff, n = math.log(2) / 10, 12.0, 30.0, 100
    closed = n * (1 - (math.exp(-lam * (cutoff - accrual)) - math.exp(-lam * cutoff))
                  / (lam * accrual))
    got = sm.expected_events(1.0, 1 / lam, sm.Design(accrual, cutoff), n)
    assert got == pytest.approx(closed, rel=1e-4)


def test_expected_events_with_dropout_closed_form():
    # with exponential dropout at rate mu and no accrual: P = lam/(lam+mu) (1 - exp(-(lam+mu) C))
    lam, mu, cutoff = 0.05, 0.02, 24.0
    closed = 100 * lam / (lam + mu) * (1 - math.exp(-(lam + mu) * cutoff))
    got = sm.expected_events(1.0, 1 / lam, sm.Design(0.0, cutoff, mu), 100)
    assert got == pytest.approx(closed, rel=1e-3)


def test_design_from_follow_up():
    design, notes = sm.design_from_summary(sm.Summary(n=10, median=5, accrual=18, follow_up=23))
    assert design.cutoff == 23 + 18 / 2  # reverse-KM median of uniform entry: C - A/2
    design, notes = sm.design_from_summary(sm.Summary(n=10, median=5, accrual=58,
                                                      follow_up=10.2))
    assert design.accrual == pytest.approx(20.4) and design.cutoff == pytest.approx(20.4)
    assert "accrual shortened" in notes[0]


def test_median_not_reached_calibrates_to_events():
    s = sm.Summary(n=56, median_not_reached=True, events=10, accrual=18, follow_up=23)
    fit = sm.fit_model(s, "exponential", seed=2)
    assert fit.rebuilt["events"] == 10
    assert math.isinf(fit.rebuilt["median"])
    assert fit.matched


def test_missing_inputs_raise_summary_error():
    with pytest.raises(sm.SummaryError, match="not identified"):
        sm.fit_model(sm.Summary(n=20, median_not_reached=True, accrual=6, follow_up=12),
                     "exponential")


def test_representative_data_are_deterministic_and_band_is_ordered():
    design = sm.Design(12.0, 30.0)
    a = sm.representative_ipd(1.3, 15.0, design, 80, seed=5)
    b = sm.representative_ipd(1.3, 15.0, design, 80, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert (a["time"] >= 0).all()
    fit = sm.fit_model(sm.Summary(n=80, median=10, ci_low=7, ci_high=14, accrual=12,
                                  follow_up=24), "weibull", seed=5)
    band = modelsim.uncertainty_band(fit, np.linspace(0, 20, 21), draws=100, seed=1)
    ok = band.dropna()
    assert (ok["band_low"] <= ok["band_high"]).all()
    inside = (ok["band_low"] <= ok["model"]) & (ok["model"] <= ok["band_high"])
    assert inside.mean() > 0.9


def test_compare_arms_recovers_a_known_hazard_ratio():
    # exponential arms with medians 20 and 10 months: true HR 0.5
    design = sm.Design(12.0, 48.0)
    exp_arm = sm.representative_ipd(1.0, 20 / math.log(2), design, 1500, seed=1)
    ctl_arm = sm.representative_ipd(1.0, 10 / math.log(2), design, 1500, seed=2)
    cmp = sm.compare_arms(exp_arm, ctl_arm, reported_hr=0.5)
    assert cmp.hr == pytest.approx(0.5, abs=0.04)
    assert cmp.hr_low < cmp.hr < cmp.hr_high
    assert cmp.p_logrank < 1e-6


def test_a_landmark_rate_is_a_target_of_the_calibration():
    """Median 10 months and a printed 12-month rate of 38%: an exponential curve with that
    median gives exp(-log 2 * 12 / 10) = 43.5% (by hand), more than 5 points off; the
    Weibull fit moves its shape to meet the rate (a shape above 1 lowers S(12))."""
    lm = sm.Landmark(12.0, 0.38, label="12 months")
    s = sm.Summary(n=400, median=10.0, accrual=12.0, follow_up=30.0, landmarks=(lm,))
    expo = sm.fit_model(s, "exponential", seed=4)
    weib = sm.fit_model(s, "weibull", seed=4)
    assert expo.targets["rate@12"] == 0.38
    assert abs(expo.errors["rate@12"]) > 0.04
    assert abs(weib.errors["rate@12"]) < 0.02 and weib.shape > 1.0
    assert weib.matched and not expo.matched


def test_minimum_follow_up_sets_the_cut_off():
    # accrual 18 months, minimum follow-up 36: the last patient enters at 18, so C = 54
    design, notes = sm.design_from_summary(sm.Summary(n=10, median=5, accrual=18,
                                                      min_follow_up=36))
    assert design.cutoff == 54 and "minimum follow-up" in notes[0]
