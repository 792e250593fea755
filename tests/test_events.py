"""Event-driven designs (trialrecon.stats.events, .sample_size) against hand calculations, rpact.

Reference values come from three places, never from this package's own output:

* hand calculations, written out in each test (normal quantiles to six decimals:
  z_0.975 = 1.959964, z_0.95 = 1.644854, z_0.90 = 1.281552, z_0.80 = 0.841621);
* R package rpact 3.x (Debian ``r-cran-rpact``), whose ``getSampleSizeSurvival`` computes
  Schoenfeld's and Freedman's events and the patients that deliver them under uniform
  accrual, follow-up, piecewise-exponential survival and dropout; the R code is in the
  docstrings;
* the published formulas of Schoenfeld (1983), Freedman (1982), Lachin and Foulkes (1986) and
  Parmar et al. (1998), evaluated by hand.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialrecon.stats import events as ev
from trialrecon.stats import sample_size as ss

Z975, Z95, Z90, Z80 = 1.959964, 1.644854, 1.281552, 0.841621


# ---------------------------------------------------------------------- events for an HR


def test_schoenfeld_by_hand():
    """Schoenfeld (1983): D = (z_a + z_b)^2 / (p (1 - p) log(HR)^2).

    HR 0.6, one-sided alpha 0.025, power 0.90, 1:1:
    (1.959964 + 1.281552)^2 = 10.507426; log(0.6)^2 = 0.260943; D = 10.507426 / (0.25 *
    0.260943) = 161.07, so 162 events.
    """
    d = ev.schoenfeld_events(0.6, alpha=0.025, power=0.9)
    assert d.events_raw == pytest.approx(10.507426 / (0.25 * 0.260943), rel=1e-5)
    assert d.events == 162
    # two-sided 0.05 is the same test as one-sided 0.025
    assert ev.schoenfeld_events(0.6, 0.05, 0.9, sided="two_sided").events_raw == pytest.approx(
        d.events_raw, rel=1e-12)
    # an HR above 1 of the same size needs the same events
    assert ev.schoenfeld_events(1 / 0.6, 0.025, 0.9).events_raw == pytest.approx(d.events_raw)


def test_schoenfeld_unequal_allocation_by_hand():
    """2:1 allocation: p = 2/3, p (1 - p) = 2/9. HR 0.6, one-sided 0.025, power 0.90:
    D = 10.507426 / (2/9 * 0.260943) = 181.20 (rpact 181.202166, test_rpact_sample_sizes)."""
    d = ev.schoenfeld_events(0.6, 0.025, 0.9, ratio=2)
    assert d.events_raw == pytest.approx(10.507426 / (2 / 9 * 0.260943), rel=1e-5)
    assert d.events == 182


def test_freedman_by_hand():
    """Freedman (1982): D = (z_a + z_b)^2 (1 + k HR)^2 / (k (1 - HR)^2).

    HR 0.5, 1:1, two-sided 0.05, power 0.80: (1.959964 + 0.841621)^2 = 7.848879;
    (1.5)^2 / 0.25 = 9; D = 70.64 (Schoenfeld: 7.848879 / (0.25 * 0.480453) = 65.35).
    """
    f = ev.freedman_events(0.5, 0.05, 0.8, sided="two_sided")
    assert f.events_raw == pytest.approx(7.848879 * 9, rel=1e-5)
    assert f.events == 71
    s = ev.schoenfeld_events(0.5, 0.05, 0.8, sided="two_sided")
    assert s.events_raw == pytest.approx(7.848879 / (0.25 * math.log(0.5) ** 2), rel=1e-5)
    assert s.events == 66
    # Freedman's split of the events: the experimental share is k HR / (1 + k HR) = 1/3
    assert f.events_experimental == pytest.approx(f.events_raw / 3)


def test_power_and_detectable_hr_by_hand():
    """100 events, 1:1, one-sided 0.025. Power against HR 0.6:
    Phi(0.510826 * sqrt(25) - 1.959964) = Phi(0.594166) = 0.72380.
    HR detected with 90% power: exp(-(1.959964 + 1.281552) / 5) = exp(-0.648303) = 0.52293.
    """
    assert ev.events_power(100, 0.6, 0.025) == pytest.approx(0.72380, abs=5e-5)
    assert ev.detectable_hr(100, 0.025, 0.9) == pytest.approx(0.52293, abs=5e-5)
    assert ev.detectable_hr(100, 0.025, 0.9, benefit_below_one=False) == pytest.approx(
        1 / 0.52293, abs=2e-4)
    # Freedman: c = 3.241516 / sqrt(100) = 0.3241516, HR = 0.675848 / 1.324152 = 0.51040
    assert ev.detectable_hr(100, 0.025, 0.9, method="freedman") == pytest.approx(0.51040,
                                                                                  abs=5e-5)


def test_freedman_detectable_hr_with_too_few_events_is_nan():
    # c = 3.241516 / sqrt(9) > 1: no HR below 1 is detectable with 9 events
    assert math.isnan(ev.detectable_hr(9, 0.025, 0.9, method="freedman"))


def test_hr_from_medians():
    """CABINET epNET medians 8.4 and 3.9 months: exponential HR = 3.9 / 8.4 = 0.4643."""
    assert ev.hr_from_medians(8.4, 3.9) == pytest.approx(0.464286, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(hr=st.floats(0.2, 0.95), alpha=st.floats(0.001, 0.1), power=st.floats(0.5, 0.99),
       ratio=st.floats(0.25, 4.0), method=st.sampled_from(ev.METHODS),
       sided=st.sampled_from(ev.SIDES))
def test_the_inverse_questions_invert_the_events(hr, alpha, power, ratio, method, sided):
    """For any valid design: the power of the required events is the target power, and the
    detectable HR of those events is the target HR."""
    d = ev.required_events(hr, alpha, power, ratio, sided, method)
    assert ev.events_power(d.events_raw, hr, alpha, ratio, sided, method) == pytest.approx(
        power, abs=1e-9)
    assert ev.detectable_hr(d.events_raw, alpha, power, ratio, sided, method) == pytest.approx(
        hr, rel=1e-9)
    assert ev.events_power(d.events, hr, alpha, ratio, sided, method) >= power - 1e-12


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ev.schoenfeld_events(1.0), "differ from 1"),
    (lambda: ev.schoenfeld_events(-0.5), "positive"),
    (lambda: ev.schoenfeld_events(0.6, alpha=1.2), "alpha"),
    (lambda: ev.schoenfeld_events(0.6, power=0), "power"),
    (lambda: ev.schoenfeld_events(0.6, ratio=0), "allocation ratio"),
    (lambda: ev.schoenfeld_events(0.6, sided="both"), "sided"),
    (lambda: ev.required_events(0.6, method="exact"), "method"),
    (lambda: ev.events_from_ci(0.5, 0.4), "below the upper"),
    (lambda: ss.event_probability(0.1, 0, 0), "cannot both be zero"),
    (lambda: ss.PiecewiseExponential((1.0,), (0.1,)), "start at time 0"),
])
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------- events from a CI


def test_events_implied_by_a_printed_ci_by_hand():
    """Parmar et al. (1998): se = (log high - log low) / (2 z), D = 1 / (se^2 p (1 - p)).

    CABINET epNET, HR 0.38 (0.25 to 0.59), 2:1: se = (log 0.59 - log 0.25) / 3.919928 =
    (-0.527633 + 1.386294) / 3.919928 = 0.219050; D = 1 / (0.047983 * 2/9) = 93.78.
    Printed to two decimals, the bounds stand for [0.245, 0.255) and [0.585, 0.595): the
    widest interval (0.245, 0.595) gives se = 0.226336, D = 87.83, the narrowest (0.255,
    0.585) se = 0.211856, D = 100.29.
    """
    imp = ev.events_from_ci(0.25, 0.59, 0.95, ratio=2, decimals=2)
    assert imp.se == pytest.approx(0.219050, abs=1e-6)
    assert imp.events == pytest.approx(93.78, abs=0.01)
    assert imp.events_low == pytest.approx(87.83, abs=0.01)
    assert imp.events_high == pytest.approx(100.29, abs=0.01)
    # equal arms: D = 4 / se^2
    assert ev.events_from_ci(0.25, 0.59).events == pytest.approx(4 / 0.219050**2, rel=1e-5)


def test_events_from_ci_round_trip():
    """A CI built from D events with Schoenfeld's variance gives back D."""
    d, p = 140.0, 2 / 3
    se = 1 / math.sqrt(d * p * (1 - p))
    low, high = math.exp(math.log(0.5) - 1.959964 * se), math.exp(math.log(0.5) + 1.959964 * se)
    assert ev.events_from_ci(low, high, ratio=2).events == pytest.approx(d, rel=1e-5)


# ---------------------------------------------------------------------- event probability


def test_event_probability_exponential_by_hand():
    """Lachin and Foulkes (1986): P = l/(l+e) [1 - (exp(-(l+e)F) - exp(-(l+e)(A+F))) /
    ((l+e) A)]. Median 4 months (l = log 2 / 4 = 0.173287), A = 24, F = 12, no dropout:
    exp(-2.079442) = 0.125000, exp(-6.238325) = 0.001953; P = 1 - 0.123047 / 4.158883 =
    0.970413. With dropout e = 0.01 per month: l + e = 0.183287, exp(-2.199442) = 0.110866,
    exp(-6.598325) = 0.001363; P = 0.945441 * (1 - 0.109503 / 4.398883) = 0.921906.
    """
    lam = math.log(2) / 4
    assert ss.event_probability(lam, 24, 12) == pytest.approx(0.970413, abs=2e-6)
    assert ss.event_probability(lam, 24, 12, dropout=0.01) == pytest.approx(0.921906, abs=2e-6)
    # no accrual period: 1 - exp(-l F)
    assert ss.event_probability(lam, 0, 12) == pytest.approx(1 - 0.125, abs=1e-9)
    # a piecewise model with equal pieces is the exponential
    pw = ss.PiecewiseExponential((0.0, 5.0, 20.0), (lam, lam, lam))
    assert ss.event_probability(pw, 24, 12) == pytest.approx(0.970413, abs=2e-6)


def test_schoenfeld_simpson_approximation_is_close():
    """Schoenfeld (1983): P ~ 1 - [S(F) + 4 S(F + A/2) + S(F + A)] / 6. Median 4, A = 24,
    F = 12: S(12) = 0.125, S(24) = 0.015625, S(36) = 0.001953; P ~ 1 - 0.189453 / 6 =
    0.968424, close to the exact 0.970413."""
    lam = math.log(2) / 4
    assert ss.simpson_event_probability(lam, 24, 12) == pytest.approx(0.968424, abs=2e-6)


def test_expected_events_grow_to_the_event_probability():
    lam = 0.1
    fractions = [ss.expected_event_fraction(lam, 12, t) for t in (0, 6, 12, 24, 36)]
    assert fractions == sorted(fractions) and fractions[0] == 0
    assert fractions[-1] == pytest.approx(ss.event_probability(lam, 12, 24), rel=1e-12)


def test_rpact_sample_sizes():
    """Events and patients against rpact (typeOfComputation Schoenfeld or Freedman)::

        library(rpact)
        s <- getSampleSizeSurvival(typeOfComputation = "Schoenfeld", hazardRatio = 0.6,
            alpha = 0.025, sided = 1, beta = 0.1, allocationRatioPlanned = 2,
            accrualTime = c(0, 24), followUpTime = 12, median2 = 4)
        s$maxNumberOfEvents; s$maxNumberOfSubjects        # 181.202166 197.014143
        # typeOfComputation = "Freedman", otherwise the same:  158.924774 172.792792
        s <- getSampleSizeSurvival(typeOfComputation = "Schoenfeld", hazardRatio = 0.7,
            alpha = 0.05, sided = 2, beta = 0.2, allocationRatioPlanned = 1,
            accrualTime = c(0, 18), followUpTime = 6, median2 = 10,
            dropoutRate1 = 0.1, dropoutRate2 = 0.1, dropoutTime = 12)
        s$maxNumberOfEvents; s$maxNumberOfSubjects        # 246.787105 465.002068
        s <- getSampleSizeSurvival(typeOfComputation = "Schoenfeld", hazardRatio = 0.75,
            alpha = 0.025, sided = 1, beta = 0.2, accrualTime = c(0, 12), followUpTime = 12,
            piecewiseSurvivalTime = c(0, 6, 12), lambda2 = c(0.05, 0.08, 0.1))
        s$maxNumberOfEvents; s$maxNumberOfSubjects        # 379.351730 555.535535

    rpact's dropout rate 0.1 by month 12 is the exponential hazard -log(0.9) / 12.
    """
    ctrl = ss.PiecewiseExponential.from_median(4)
    d = ev.schoenfeld_events(0.6, 0.025, 0.9, ratio=2)
    assert d.events_raw == pytest.approx(181.202166, abs=1e-5)
    assert ss.sample_size(d.events_raw, ctrl, 0.6, 24, 12, ratio=2).n_raw == pytest.approx(
        197.014143, abs=1e-5)
    f = ev.freedman_events(0.6, 0.025, 0.9, ratio=2)
    assert f.events_raw == pytest.approx(158.924774, abs=1e-5)
    assert ss.sample_size(f.events_raw, ctrl, 0.6, 24, 12, ratio=2).n_raw == pytest.approx(
        172.792792, abs=1e-5)
    d = ev.schoenfeld_events(0.7, 0.05, 0.8, sided="two_sided")
    assert d.events_raw == pytest.approx(246.787105, abs=1e-5)
    n = ss.sample_size(d.events_raw, ss.PiecewiseExponential.from_median(10), 0.7, 18, 6,
                       dropout=-math.log(0.9) / 12)
    assert n.n_raw == pytest.approx(465.002068, abs=1e-5)
    assert (n.n, n.n_experimental, n.n_control) == (466, 233, 233)
    d = ev.schoenfeld_events(0.75, 0.025, 0.8)
    assert d.events_raw == pytest.approx(379.351730, abs=1e-5)
    pw = ss.PiecewiseExponential((0.0, 6.0, 12.0), (0.05, 0.08, 0.1))
    assert ss.sample_size(d.events_raw, pw, 0.75, 12, 12).n_raw == pytest.approx(555.535535,
                                                                                 abs=1e-5)


def test_patients_round_to_whole_blocks():
    n = ss.sample_size(181.2, ss.PiecewiseExponential.from_median(4), 0.6, 24, 12, ratio=2)
    assert n.n % 3 == 0 and n.n_experimental == 2 * n.n_control


# ---------------------------------------------------------------------- Lachin-Foulkes, Lakatos


def test_lachin_foulkes_without_censoring_by_hand():
    """With every patient followed to an event P = 1 and phi(l) = l^2. Hazards 0.1 and 0.05,
    1:1, one-sided 0.025, power 0.9: l_bar = 0.075;
    N = [1.959964 * 0.075 * 2 + 1.281552 * sqrt(0.0025/0.5 + 0.01/0.5)]^2 / 0.05^2
      = (0.293995 + 0.202631)^2 / 0.0025 = 98.65."""
    assert ss.lachin_foulkes_n(0.1, 0.05, 0.0, 1e4, 0.025, 0.9) == pytest.approx(98.65, abs=0.01)


def test_lachin_foulkes_grows_with_censoring():
    full = ss.lachin_foulkes_n(0.1, 0.05, 0.0, 1e4)
    assert ss.lachin_foulkes_n(0.1, 0.05, 12, 6) > ss.lachin_foulkes_n(0.1, 0.05, 12, 24) > full


def test_lakatos_agrees_with_schoenfeld_under_proportional_hazards():
    """With proportional hazards and 1:1 allocation the Markov-chain sample size of Lakatos
    (1988) and Schoenfeld's events over the event probability agree closely (Lakatos' model
    follows the drift of the at-risk ratio, which Schoenfeld ignores: a few percent)."""
    ctrl = ss.PiecewiseExponential.exponential(0.1)
    lak = ss.lakatos_sample_size(ctrl, ctrl.scaled(0.6), 12, 24, 0.025, 0.9)
    d = ev.schoenfeld_events(0.6, 0.025, 0.9)
    sch = ss.sample_size(d.events_raw, ctrl, 0.6, 12, 24)
    assert lak.n_raw == pytest.approx(sch.n_raw, rel=0.02)
    assert lak.events == pytest.approx(lak.n_raw * sch.probability_event, rel=1e-3)
    assert ss.lakatos_power(lak.n_raw, ctrl, ctrl.scaled(0.6), 12, 24) == pytest.approx(0.9,
                                                                                        abs=1e-9)


def test_lakatos_delayed_effect_needs_more_patients():
    """An effect that starts after 3 months needs more patients than one from the start."""
    ctrl = ss.PiecewiseExponential.exponential(0.1)
    delayed = ss.PiecewiseExponential((0.0, 3.0), (0.1, 0.06))
    early = ss.lakatos_sample_size(ctrl, ctrl.scaled(0.6), 12, 12)
    late = ss.lakatos_sample_size(ctrl, delayed, 12, 12)
    assert late.n_raw > 1.3 * early.n_raw
