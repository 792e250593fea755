"""Simulated trials confirm the power the formulas promise, within Monte Carlo error.

Each design is run as real trials would be: patients enter uniformly, event times are drawn
from exponential (or piecewise-exponential) distributions, the analysis is held when the
planned number of events has occurred (event-driven), and the log-rank statistic is computed
from the simulated data by the few lines of numpy below, which share nothing with the
package. The share of trials that reject H0 must lie within 3.5 Monte Carlo standard errors
of the power computed by :mod:`trialrecon.stats.events` and
:mod:`trialrecon.stats.group_sequential`. Seeds are fixed, so the test is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trialrecon.stats import events as ev
from trialrecon.stats import group_sequential as gs
from trialrecon.stats import sample_size as ss

REPS = 2000
Z_ONE_SIDED_025 = 1.959964


def _logrank_z(entry: np.ndarray, times: np.ndarray, group: np.ndarray,
               cutoff: np.ndarray) -> np.ndarray:
    """Log-rank Z (positive when the experimental arm, group 1, has fewer events) of each
    simulated trial (one per row), analysed at calendar time ``cutoff``."""
    reps, n = times.shape
    entered = entry <= cutoff[:, None]
    y = np.where(entered, np.minimum(times, cutoff[:, None] - entry), -1.0)
    event = entered & (times <= cutoff[:, None] - entry)
    order = np.argsort(y, axis=1)
    rows = np.arange(reps)[:, None]
    g, d = np.broadcast_to(group, (reps, n))[rows, order], event[rows, order]
    # patients not yet entered sort first with y = -1 and no event: never at risk at an event
    at_risk = np.arange(n, 0, -1)[None, :]
    at_risk_exp = np.cumsum(g[:, ::-1], axis=1)[:, ::-1]
    u = np.sum(d * (g - at_risk_exp / at_risk), axis=1)
    v = np.sum(d * at_risk_exp * (at_risk - at_risk_exp) / at_risk**2, axis=1)
    return -u / np.sqrt(v)


def _event_driven_trials(rng: np.random.Generator, n_exp: int, n_ctl: int, hazard: float,
                         hr: float, accrual: float, looks: list[int]) -> np.ndarray:
    """Z at each look (columns) of REPS trials analysed when ``looks[k]`` events occurred."""
    group = np.r_[np.ones(n_exp), np.zeros(n_ctl)]
    rate = np.where(group == 1, hazard * hr, hazard)
    entry = rng.uniform(0, accrual, (REPS, group.size))
    times = rng.exponential(1.0, (REPS, group.size)) / rate
    calendar = np.sort(entry + times, axis=1)
    return np.column_stack([_logrank_z(entry, times, group, calendar[:, d - 1]) for d in looks])


def _within_mc_error(rejected: float, power: float, reps: int = REPS) -> bool:
    se = math.sqrt(power * (1 - power) / reps)
    return abs(rejected - power) < 3.5 * se


def test_fixed_design_equal_allocation():
    """Schoenfeld: HR 0.7, one-sided 0.025, power 0.80, 1:1 -> 247 events (500 patients)."""
    design = ev.schoenfeld_events(0.7, 0.025, 0.8)
    z = _event_driven_trials(np.random.default_rng(20240101), 250, 250, math.log(2) / 12, 0.7,
                             24, [design.events])
    rejected = float((z[:, 0] > Z_ONE_SIDED_025).mean())
    assert _within_mc_error(rejected, ev.events_power(design.events, 0.7, 0.025))


def test_fixed_design_two_to_one():
    """Schoenfeld: HR 0.75, one-sided 0.025, power 0.90, 2:1 -> 572 events (900 patients).

    Schoenfeld's variance treats k:1 and 1:k alike, but the trials do not: with HR 0.6 and
    182 events, 20,000 simulated trials (seed 7) rejected in 91.3% at 2:1 and 87.8% at 1:2
    against the formula's 90.1%. The effect here is milder, where the formula is closer.
    """
    design = ev.schoenfeld_events(0.75, 0.025, 0.9, ratio=2)
    z = _event_driven_trials(np.random.default_rng(20240202), 600, 300, math.log(2) / 6, 0.75,
                             24, [design.events])
    rejected = float((z[:, 0] > Z_ONE_SIDED_025).mean())
    assert _within_mc_error(rejected, ev.events_power(design.events, 0.75, 0.025, ratio=2))


def test_group_sequential_design_power_and_type_one_error():
    """O'Brien-Fleming-type spending, looks at 50%, 75% and 100% of the events, HR 0.7,
    one-sided 0.025, power 0.90: the maximum events are Schoenfeld's times the inflation."""
    plan = gs.spending_boundaries([0.5, 0.75, 1.0], 0.025, "obrien_fleming", power=0.9)
    d_max = math.ceil(ev.schoenfeld_events(0.7, 0.025, 0.9).events_raw * plan.inflation)
    looks = [round(d_max * 0.5), round(d_max * 0.75), d_max]
    design = gs.spending_boundaries([d / d_max for d in looks], 0.025, "obrien_fleming")
    z = _event_driven_trials(np.random.default_rng(20240303), 350, 350, math.log(2) / 12, 0.7,
                             24, looks)
    rejected = float((z >= np.array(design.z)).any(axis=1).mean())
    drift = ev.drift(d_max, 0.7)
    assert _within_mc_error(rejected, float(gs.rejection_probability(design, drift).sum()))
    z0 = _event_driven_trials(np.random.default_rng(20240404), 350, 350, math.log(2) / 12, 1.0,
                              24, looks)
    assert _within_mc_error(float((z0 >= np.array(design.z)).any(axis=1).mean()), 0.025)


def test_lakatos_delayed_effect():
    """Lakatos (1988): no effect for 3 months, then HR 0.6; control hazard 0.1 per month,
    accrual 12, follow-up 12, one-sided 0.025, power 0.80; analysis at month 24."""
    ctrl = ss.PiecewiseExponential.exponential(0.1)
    exp_arm = ss.PiecewiseExponential((0.0, 3.0), (0.1, 0.06))
    plan = ss.lakatos_sample_size(ctrl, exp_arm, 12, 12, 0.025, 0.8)
    n_arm = int(math.ceil(plan.n_raw / 2))
    rng = np.random.default_rng(20240505)
    group = np.r_[np.ones(n_arm), np.zeros(n_arm)]
    e = rng.exponential(1.0, (REPS, group.size))  # unit exponentials: invert H(t)
    # control: H(t) = 0.1 t; experimental: H(t) = 0.1 t up to 3, then 0.3 + 0.06 (t - 3)
    t_exp = np.where(e < 0.3, e / 0.1, 3 + (e - 0.3) / 0.06)
    times = np.where(group == 1, t_exp, e / 0.1)
    entry = rng.uniform(0, 12, (REPS, group.size))
    z = _logrank_z(entry, times, group, np.full(REPS, 24.0))
    rejected = float((z > Z_ONE_SIDED_025).mean())
    power = ss.lakatos_power(2 * n_arm, ctrl, exp_arm, 12, 12)
    assert _within_mc_error(rejected, power)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_log_rank_helper_matches_lifelines(seed):
    """The numpy log-rank above against lifelines' logrank_test on a few trials."""
    from lifelines.statistics import logrank_test

    rng = np.random.default_rng(seed)
    group = np.r_[np.ones(40), np.zeros(40)]
    times = rng.exponential(1.0, (3, 80)) / np.where(group == 1, 0.07, 0.1)
    entry = rng.uniform(0, 12, (3, 80))
    z = _logrank_z(entry, times, group, np.full(3, 30.0))
    for i in range(3):
        y = np.minimum(times[i], 30.0 - entry[i])
        d = times[i] <= 30.0 - entry[i]
        res = logrank_test(y[group == 1], y[group == 0], d[group == 1], d[group == 0])
        assert z[i] ** 2 == pytest.approx(res.test_statistic, rel=1e-9)
