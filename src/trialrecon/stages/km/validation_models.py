"""Validation of the model-based reconstruction on data sets with known patient data.

The same two lifelines data sets as the Guyot validation (:mod:`trialrecon.stages.
km.validation`): GBSG2 (hormone therapy) and Rossi (financial aid). From the true data the
summaries a paper would print are computed: each arm's Kaplan-Meier median (not reached when
it is not), N and events, the median follow-up (reverse Kaplan-Meier, both arms) and the
accrual period that uniform entry and one cut-off at the last follow-up time imply,
``A = 2 (T_max - median follow-up)`` (Schemper and Smith 1996). Nothing else: no CI, no
hazard ratio. Each model rebuilds both arms from these alone (the joint proportional-hazards
model of :mod:`trialrecon.stats.jointmodel`, and the per-arm exponential and Weibull fits of
:mod:`trialrecon.stats.survmodel`), and its pseudo data are compared with the truth: the
largest |S(t) error| on a grid, each arm's median error and the error of the Cox log hazard
ratio.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from trialrecon.stats import jointmodel as jm
from trialrecon.stats import survmodel as sm
from trialrecon.stats import twoarm
from trialrecon.stats.km import kaplan_meier, km_at, km_median, km_steps

MODELS = ("joint", "weibull", "exponential")


def printed_summaries(data: pd.DataFrame) -> dict[int, sm.Summary]:
    """What a paper would print about each arm (see the module docstring)."""
    time, event = data["time"].to_numpy(float), data["event"].to_numpy()
    reverse = kaplan_meier(time, 1 - event)
    follow_up = km_median(reverse.time, reverse.survival, reverse.last_time)
    accrual = max(2.0 * (float(time.max()) - follow_up), 0.0)
    out = {}
    for arm in (1, 0):
        part = data[data["arm"] == arm]
        t, e = part["time"].to_numpy(float), part["event"].to_numpy()
        st, ss = km_steps(t, e)
        median = km_median(st, ss, float(t.max()))
        out[arm] = sm.Summary(n=len(part), median=None if math.isnan(median) else median,
                              median_not_reached=math.isnan(median), events=int(e.sum()),
                              accrual=accrual, follow_up=follow_up)
    return out


def rebuild(model: str, summaries: dict[int, sm.Summary], seed: int) -> dict[int, sm.ModelFit]:
    """Both arms' fits under one model, from the summaries alone."""
    if model == "joint":
        arms = [jm.ArmInput(str(a), s, seed + a) for a, s in summaries.items()]
        fit = jm.fit_joint(arms)
        return {a: fit.fits[str(a)] for a in summaries}
    return {a: sm.fit_model(s, model, seed=seed + a) for a, s in summaries.items()}


def accuracy_row(name: str, unit: str, model: str, data: pd.DataFrame,
                 fits: dict[int, sm.ModelFit]) -> dict[str, Any]:
    """The errors of one model's pseudo data against the truth."""
    grid = np.linspace(0.0, float(data["time"].max()), 401)
    row: dict[str, Any] = {"dataset": name, "unit": unit, "model": model,
                           "inputs": "medians, N, events, accrual, median follow-up"}
    pseudo = []
    worst = 0.0
    for arm, fit in fits.items():
        part = data[data["arm"] == arm]
        t, e = part["time"].to_numpy(float), part["event"].to_numpy()
        ipd = fit.ipd()
        rt, re_ = ipd["time"].to_numpy(), ipd["event"].to_numpy()
        st, ss = km_steps(t, e)
        pt, ps = km_steps(rt, re_)
        worst = max(worst, float(np.abs(km_at(grid, pt, ps) - km_at(grid, st, ss)).max()))
        true_m = km_median(st, ss, float(t.max()))
        got_m = km_median(pt, ps, float(rt.max()))
        row[f"median_true_arm{arm}"] = math.inf if math.isnan(true_m) else true_m
        row[f"median_rebuilt_arm{arm}"] = math.inf if math.isnan(got_m) else got_m
        row[f"median_error_arm{arm}"] = (0.0 if math.isnan(true_m) and math.isnan(got_m)
                                         else got_m - true_m)
        row[f"shape_arm{arm}"] = fit.shape
        pseudo.append((rt, re_, np.full(rt.size, arm)))
    true_b = twoarm.cox_binary(data["time"], data["event"], data["arm"]).log_hr
    t, e, a = (np.concatenate(x) for x in zip(*pseudo, strict=True))
    rebuilt_b = twoarm.cox_binary(t, e, a).log_hr
    row.update({"max_abs_s_error_grid": worst, "log_hr_true": true_b,
                "log_hr_rebuilt": rebuilt_b, "log_hr_error": rebuilt_b - true_b})
    return row


def model_accuracy(datasets: list[tuple[Any, pd.DataFrame]], seed: int
                   ) -> tuple[pd.DataFrame, dict[str, dict[int, sm.ModelFit]]]:
    """Every model on every data set; the joint fits are returned for the figure."""
    rows = []
    joint_fits = {}
    for spec, data in datasets:
        summaries = printed_summaries(data)
        for model in MODELS:
            fits = rebuild(model, summaries, seed)
            rows.append(accuracy_row(spec.name, spec.unit, model, data, fits))
            if model == "joint":
                joint_fits[spec.name] = fits
    return pd.DataFrame(rows), joint_fits
