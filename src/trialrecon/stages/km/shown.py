"""The numbers a reader sees, computed by lifelines.

The model search fits thousands of candidate curves with the numpy code of
:mod:`trialrecon.stats.km` and :mod:`trialrecon.stats.twoarm`; once each method's pseudo data
are fixed, every Kaplan-Meier estimate, median and CI, quartile, landmark rate and reverse
Kaplan-Meier follow-up that a table, the report or a figure shows, and every Cox hazard ratio
and log-rank P, is computed again by lifelines through the adapter
:mod:`trialrecon.stats.lifelines_fit` (R's conventions): one ``KaplanMeierFitter`` fit per
arm and method serves its summary row, its constraints and its figure. The constraints are
then counted again on these numbers, keeping the method chosen (the two implementations agree
to floating-point error; tested in ``tests/test_lifelines_fit.py``). lifelines is imported
only here and only when there is something to show.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from trialrecon.stages.km import models as kmm
from trialrecon.stages.km.models import ArmResult, EndpointResult
from trialrecon.stats import survmodel as sm
from trialrecon.stats import targets as tg
from trialrecon.stats import twoarm

KM_KEYS = ("median", "ci_low", "ci_high", "events", "q1", "q3")


def _arrays(ipd: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return ipd["time"].to_numpy(dtype=float), ipd["event"].to_numpy().astype(int)


def numbers(estimate: tuple, time: np.ndarray, event: np.ndarray, summary: sm.Summary | None,
            level: float, conf_type: str) -> dict[str, float]:
    """Median, CI, events, quartiles, landmark rates and follow-up of one curve (lifelines)."""
    from trialrecon.stats import lifelines_fit as lf

    m = lf.median_ci_of(estimate, level, conf_type)
    out = {"median": m.median, "ci_low": m.ci_low, "ci_high": m.ci_high,
           "events": float(m.events),
           "q1": lf.quantile_of(estimate, sm.QUARTILES["q1"]),
           "q3": lf.quantile_of(estimate, sm.QUARTILES["q3"])}
    if summary is None:
        return out
    for lm in summary.landmarks:
        out[lm.key] = lf.survival_at(estimate, lm.months)
    reverse = None
    for fu in summary.all_follow_ups():
        if fu.kind == "potential" and 0.0 < fu.quantile < 1.0:
            if reverse is None:  # the reverse Kaplan-Meier estimate: censorings are the events
                reverse = lf.curve(time, 1 - event, level, conf_type)
            out[fu.key] = lf.quantile_of(reverse, 1.0 - fu.quantile)
        else:
            out[fu.key] = sm.data_follow_up(fu, time, event.astype(bool))
    return out


def _arm(r: ArmResult, s: dict[str, Any]) -> None:
    from trialrecon.stats import lifelines_fit as lf

    summary = r.inputs.summary
    level = summary.ci_level if summary is not None else 0.95
    for method, ipd in r.ipd.items():
        time, event = _arrays(ipd)
        estimate = lf.curve(time, event, level, s["ci_type"])
        r.curves[method] = estimate
        got = numbers(estimate, time, event, summary, level, s["ci_type"])
        fit = r.fits.get(method)
        if fit is None:
            r.shown[method] = got
            continue
        for key in list(fit.rebuilt):
            if key in got:
                fit.rebuilt[key] = got[key]
        fit.errors = tg.errors_of(fit.rebuilt, fit.targets)
        fit.matched = tg.is_match(fit.errors, fit.targets, s["match_tolerance"],
                                  s["rate_tolerance"])


def _comparisons(result: EndpointResult) -> None:
    from trialrecon.stats import lifelines_fit as lf

    by_arm = {r.arm: r for r in result.arms}
    for h in result.hrs:
        e, c = by_arm.get(h.hr.experimental), by_arm.get(h.hr.comparator)
        if e is None or c is None:
            continue
        for method in kmm.methods_of(result):
            if method not in e.ipd or method not in c.ipd:
                continue
            te, ee = _arrays(e.ipd[method])
            tc, ec = _arrays(c.ipd[method])
            time = np.concatenate([te, tc])
            event = np.concatenate([ee, ec])
            arm = np.concatenate([np.ones(te.size, int), np.zeros(tc.size, int)])
            start = twoarm.cox_binary(time, event, arm, h.hr.level).log_hr  # a warm start
            cox = lf.cox(time, event, arm, h.hr.level, lr_test=False, start=start)
            lr = lf.logrank(time, event, arm)
            result.shown_hr[(method, e.arm, c.arm)] = {
                "hr": cox.hr, "hr_ci_low": cox.hr_low, "hr_ci_high": cox.hr_high,
                "p_logrank": lr.p_value, "converged": float(cox.converged)}


def compute_shown(result: EndpointResult, s: dict[str, Any]) -> None:
    """Every shown number of one endpoint by lifelines, then the constraints recounted."""
    if not any(r.ipd for r in result.arms):
        return
    for r in result.arms:
        _arm(r, s)
    _comparisons(result)
    kmm.score(result, s, keep_choice=True)


def last_time(r: ArmResult, method: str) -> float:
    """Where a method's curve ends: its largest time (NaN without pseudo data)."""
    ipd = r.ipd.get(method)
    return float(ipd["time"].max()) if ipd is not None and len(ipd) else math.nan
