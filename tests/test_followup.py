"""The conduct behind a rebuilt curve (trialrecon.stats.followup) and the calibrations that use
it (trialrecon.stats.survmodel, jointmodel): follow-up by its definition, dropout fitted to the
printed events, a scale without a median, "not reached" honoured, quartiles.

References are written out in each test: the closed forms of the follow-up statistics under
uniform entry on [0, A], exponential (or Weibull) survival and exponential dropout (Schemper and
Smith, Control Clin Trials 1996;17:343-346, for the reverse Kaplan-Meier reading), computed by
hand from the definitions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trialrecon.stats import followup as fu
from trialrecon.stats import jointmodel as jm
from trialrecon.stats import survmodel as sm
from trialrecon.stats.followup import Design, FollowUp


def test_kind_of_reads_the_category_terms():
    assert fu.kind_of(["survivors", "reverse Kaplan-Meier"]) == "survivors"
    assert fu.kind_of(["reverse Kaplan-Meier", "from randomization"]) == "potential"
    assert fu.kind_of([]) == "potential"
    assert fu.kind_of(["OS", "observation time"]) == "observation"
    assert fu.kind_of(["censored patients"]) == "censored"
    assert fu.kind_of(["minimum"]) == "minimum"
    assert FollowUp("potential", "median", 42, "reverse Kaplan-Meier").stated
    assert not FollowUp("potential", "median", 42, "").stated
    assert not FollowUp("potential", "median", 42, "all patients").stated


def test_potential_follow_up_without_dropout():
    """Uniform entry on [0, 24], cut-off 40: the censoring time C - U is uniform on [16, 40], so
    its median is 28 = C - A/2, its quartiles 22 and 34, its range 16 to 40."""
    d = Design(24.0, 40.0, 0.0)
    got = [fu.model_follow_up("potential", q, 1.0, 10.0, d) for q in (0.5, 0.25, 0.75, 1.0, 0.0)]
    assert got == pytest.approx([28.0, 22.0, 34.0, 40.0, 16.0], abs=1e-7)
    for stat, value in (("median", 28.0), ("iqr_low", 22.0), ("iqr_high", 34.0)):
        assert fu.cutoff_for(FollowUp("potential", stat, value), 1.0, 10.0, 24.0, 0.0) == \
            pytest.approx(40.0)


def test_potential_follow_up_with_dropout_by_hand():
    """With dropout at 0.02 a month the censoring survival is (C - t)/A exp(-0.02 t) on
    [C - A, C]: for C = 40, A = 24 the median t solves (40 - t)/24 exp(-0.02 t) = 1/2; by hand
    (Newton from 28): t = 21.54 (18.46 / 24 x exp(-0.431) = 0.769 x 0.650 = 0.500)."""
    d = Design(24.0, 40.0, 0.02)
    t = fu.model_follow_up("potential", 0.5, 1.0, 10.0, d)
    assert (40.0 - t) / 24.0 * math.exp(-0.02 * t) == pytest.approx(0.5, abs=1e-9)
    assert t == pytest.approx(21.54, abs=0.01)
    back = fu.cutoff_for(FollowUp("potential", "median", t), 1.0, 10.0, 24.0, 0.02)
    assert back == pytest.approx(40.0, abs=1e-6)


def test_survivors_follow_up_of_an_exponential_by_hand():
    """Exponential survival (rate l), entry uniform on [0, A], no dropout: a survivor's follow-up
    f = C - U has density proportional to exp(-l f) on [C - A, C], so its median is
    -log((exp(-l (C - A)) + exp(-l C)) / 2) / l. With l = log 2 / 12, A = 40.5, C = 45:
    -log((0.771 + 0.0743) / 2) / 0.05776 = 14.91, below the potential follow-up's
    C - A/2 = 24.75."""
    lam = math.log(2.0) / 12.0
    a, c = 40.5, 45.0
    by_hand = -math.log((math.exp(-lam * (c - a)) + math.exp(-lam * c)) / 2.0) / lam
    got = fu.model_follow_up("survivors", 0.5, 1.0, 1.0 / lam, Design(a, c, 0.0))
    assert got == pytest.approx(by_hand, abs=1e-3)
    assert by_hand == pytest.approx(14.91, abs=0.01)
    back = fu.cutoff_for(FollowUp("survivors", "median", by_hand), 1.0, 1.0 / lam, a, 0.0)
    assert back == pytest.approx(c, abs=1e-2)


def test_observation_time_by_hand():
    """Observation time min(T, C - U): with exponential median 10 (l = log 2 / 10) and
    everyone followed at least C - A = 15 months, P(obs > t) = exp(-l t) down to t = 10, so the
    median observation time is the survival median, 10; the cut-off that gives it is any C >= A
    + 10, the closed form's C = 10 + A P(C - U > 10) = 10 + A."""
    lam = math.log(2.0) / 10.0
    got = fu.model_follow_up("observation", 0.5, 1.0, 1.0 / lam, Design(20.0, 35.0, 0.0))
    assert got == pytest.approx(10.0, abs=1e-6)
    assert fu.cutoff_for(FollowUp("observation", "median", 10.0), 1.0, 1.0 / lam, 20.0,
                         0.0) == pytest.approx(30.0)
    assert fu.cutoff_for(FollowUp("observation", "median", 11.0), 1.0, 1.0 / lam, 20.0,
                         0.0) is None  # longer than the patients live: no cut-off gives it


@pytest.mark.parametrize("dropout", [0.0, 0.03])
def test_expected_events_of_an_exponential_by_hand(dropout):
    """Exponential event rate l, dropout d, follow-up x uniform on [C - A, C]: a patient has the
    event with probability l / (l + d) (1 - exp(-(l + d) x)); its mean over x is
    l / (l + d) [1 - (exp(-(l + d)(C - A)) - exp(-(l + d) C)) / ((l + d) A)]."""
    lam, a, c, n = math.log(2.0) / 9.0, 30.0, 42.0, 250
    k = lam + dropout
    by_hand = n * lam / k * (1.0 - (math.exp(-k * (c - a)) - math.exp(-k * c)) / (k * a))
    got = fu.expected_events(1.0, 1.0 / lam, Design(a, c, dropout), n)
    assert got == pytest.approx(by_hand, rel=2e-4)


def test_solve_dropout_recovers_the_rate():
    """The events a dropout rate of 0.025 a month gives, solved back to that rate."""
    design = Design(30.0, 60.0, 0.025)
    events = fu.expected_events(1.3, 20.0, design, 300)
    rate = fu.solve_dropout(1.3, 20.0, 30.0, 60.0, 300, events)
    assert rate == pytest.approx(0.025, rel=1e-3)
    assert fu.solve_dropout(1.3, 20.0, 30.0, 60.0, 300, events * 1.5) == 0.0  # too many events


def test_printed_follow_up_in_survivors_keeps_the_accrual():
    """The issue's case: a follow-up of 9.2 months among survivors with an accrual of 40.5 months
    read as the overall (reverse Kaplan-Meier) follow-up cut the accrual to 18.4 months and
    ended the curves near 18 months; read as the survivors' follow-up it keeps the 40.5-month
    accrual and the curve reaches past it."""
    s = sm.Summary(n=200, median=8.0, ci_low=6.5, ci_high=9.8, accrual=40.5,
                   follow_ups=(FollowUp("survivors", "median", 9.2, "survivors"),))
    fit = sm.fit_model(s, "weibull", seed=3)
    assert fit.design.accrual == 40.5
    assert fit.design.cutoff > 40.5
    survivors = fu.model_follow_up("survivors", 0.5, fit.shape, fit.scale, fit.design)
    assert survivors == pytest.approx(9.2, abs=0.05)
    assert fit.ipd()["time"].max() > 35.0
    wrong = sm.fit_model(sm.Summary(n=200, median=8.0, ci_low=6.5, ci_high=9.8, accrual=40.5,
                                    follow_up=9.2), "weibull", seed=3)
    assert wrong.design.accrual == pytest.approx(18.4)  # the potential reading shortens it


def test_dropout_is_fitted_to_the_printed_events():
    """Cut-off fixed by the dates (60 months), accrual 30, median 20, 120 events of 300: without
    dropout the model expects far more events; the fitted dropout brings the rebuilt events to
    the printed 120 (the sample's count within 2%), a configured 0 does not."""
    s = sm.Summary(n=300, median=20.0, ci_low=17.0, ci_high=24.0, events=120, accrual=30.0,
                   cutoff=60.0)
    fitted = sm.fit_model(s, "exponential", seed=2, dropout_rate=None)
    assert fitted.design.dropout_rate > 0.01
    assert abs(fitted.rebuilt["events"] - 120) <= 3
    assert any("dropout fitted" in n for n in fitted.notes)
    fixed = sm.fit_model(s, "exponential", seed=2, dropout_rate=0.0)
    assert fixed.design.dropout_rate == 0.0
    assert fixed.rebuilt["events"] > 150


def test_early_closure_is_rebuilt_with_dropout():
    """No follow-up printed, 30 events of 200 after 24 months of accrual, median 30: even a
    cut-off at the end of accrual gives about 46 events without dropout, so no cut-off meets
    the events (the trial closed early or lost patients); the cut-off goes to the end of accrual
    and the dropout rate takes up the rest (not rebuilt at all before)."""
    s = sm.Summary(n=200, median=30.0, events=30, accrual=24.0)
    assert fu.expected_events(1.0, 30.0 / math.log(2.0), Design(24.0, 24.0, 0.0), 200) > 45
    fit = sm.fit_model(s, "exponential", seed=4, dropout_rate=None)
    assert fit.design.cutoff == pytest.approx(24.0, abs=1e-6)
    assert fit.design.dropout_rate > 0
    assert abs(fit.rebuilt["events"] - 30) <= 2
    with pytest.raises(sm.SummaryError):  # without dropout no design meets the events
        sm.fit_model(s, "exponential", seed=4, dropout_rate=0.0)


def test_not_reached_is_honoured():
    """100 patients, median not reached, 45 events, follow-up 10 months (reverse Kaplan-Meier)
    after 20 months of accrual: the scale that gives 45 events makes the pseudo data's curve
    cross 0.5 before the end of follow-up (a median the paper says was not reached); the scale
    is raised until it does not, and the rebuilt events fall short of 45 instead."""
    s = sm.Summary(n=100, median_not_reached=True, events=45, accrual=20.0, follow_up=10.0)
    plan, _ = sm.plan_from_summary(s, 0.0)
    scale, design, notes = sm.arm_scale(1.0, s, plan, 1)
    from_events = sm.solve_scale_from_events(1.0, design, 100, 45)
    assert scale > from_events
    assert any("not reached" in n for n in notes)
    fit = sm.fit_model(s, "exponential", seed=1, dropout_rate=0.0)
    assert math.isinf(fit.rebuilt["median"])
    assert fit.rebuilt["events"] < 45


def test_scale_from_a_landmark_rate_without_a_median():
    """No median, a 12-month rate of 60%: the exponential scale is 12 / -log(0.6) = 23.49."""
    s = sm.Summary(n=200, landmarks=(sm.Landmark(12.0, 0.60, label="12 months"),),
                   accrual=12.0, follow_up=24.0)
    fit = sm.fit_model(s, "exponential", seed=1)
    assert fit.scale == pytest.approx(12.0 / -math.log(0.6), rel=1e-9)
    assert fit.rebuilt["rate@12"] == pytest.approx(0.60, abs=0.02)


def test_quartiles_are_constraints_that_pick_the_shape():
    """Median 10 with quartiles 4.15 and 20 (an exponential's: log(4/3) / l and log 4 / l for
    l = log 2 / 10) against quartiles 7.5 and 12.7 (a Weibull of shape about 3): the Weibull
    fit takes a shape near 1 for the first and above 2 for the second, and rebuilds them."""
    wide = sm.fit_model(sm.Summary(n=400, median=10.0, q1=4.15, q3=20.0, accrual=12.0,
                                   follow_up=40.0), "weibull", seed=1)
    narrow = sm.fit_model(sm.Summary(n=400, median=10.0, q1=7.5, q3=12.7, accrual=12.0,
                                     follow_up=40.0), "weibull", seed=1)
    assert 0.8 < wide.shape < 1.25
    assert narrow.shape > 2.0
    assert narrow.rebuilt["q1"] == pytest.approx(7.5, rel=0.1)
    assert narrow.rebuilt["q3"] == pytest.approx(12.7, rel=0.1)


def test_an_endpoint_with_an_hr_but_no_median_is_rebuilt_from_the_hr_and_events():
    """Neither arm prints a median; the comparator's 150 events of 250 and a follow-up of 24
    months set its scale, the printed HR 0.7 the experimental arm's (proportional hazards): the
    model's HR is 0.7 exactly and the pseudo data's Cox HR close to it."""
    arms = [jm.ArmInput("e", sm.Summary(n=250, events=125, accrual=24.0, follow_up=24.0), 7),
            jm.ArmInput("c", sm.Summary(n=250, events=150, accrual=24.0, follow_up=24.0), 8)]
    fit = jm.fit_joint(arms, [jm.PrintedHR("e", "c", 0.7, 0.55, 0.89)])
    assert fit.hrs[0].model_hr == pytest.approx(0.7, rel=1e-9)
    assert fit.hrs[0].rebuilt["hr"] == pytest.approx(0.7, rel=0.08)
    assert abs(fit.fits["c"].rebuilt["events"] - 150) <= 1


def test_data_follow_up_of_pseudo_data():
    """The statistics a paper computes from its patients: observation time (all times),
    survivors (censored times), potential (reverse Kaplan-Meier)."""
    time = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    event = np.array([True, False, True, False, False, True])
    assert sm.data_follow_up(FollowUp("observation", "median", 0), time, event) == 3.5
    assert sm.data_follow_up(FollowUp("survivors", "median", 0), time, event) == 4.0
    # reverse KM: the censorings (2, 4, 5) are its events, at risk 5, 3, 2: S = 0.8, 0.533, 0.267
    assert sm.data_follow_up(FollowUp("potential", "median", 0), time, event) == 5.0
    assert sm.data_follow_up(FollowUp("potential", "range_high", 0), time, event) == 6.0
