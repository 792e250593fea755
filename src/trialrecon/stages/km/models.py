"""The reconstructions of one endpoint: per-arm and joint models, the printed numbers they
meet, and which model the outputs show.

For an endpoint of a cohort, every arm gets the per-arm models of the configuration
(exponential, Weibull) or its Guyot reconstruction; with two or more arms the joint model
(:mod:`trialrecon.stats.jointmodel`) fits them together, with and without the printed HRs.
Each method is scored on the printed numbers (each arm's median, its CI, events, landmark
rates; each HR and its CI): a number is *met* when the rebuilt one is within the match
tolerance, and *within rounding* when it rounds to the printed one. The endpoint's figure and
tables mark one method, the same for every arm: the one that meets the most printed numbers
(then the most within rounding, then the smallest loss), with the reason written out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from trialrecon.dossier.names import slug
from trialrecon.stages.km.inputs import EndpointInputs, HRInput
from trialrecon.stats import jointmodel as jm
from trialrecon.stats import modelsim
from trialrecon.stats import survmodel as sm
from trialrecon.stats import targets as tg
from trialrecon.stats.guyot import GuyotResult

PER_ARM = sm.MODELS
JOINT = jm.JOINT
ALL_MODELS = (*PER_ARM, JOINT)
FREE = "joint_without_hr"  # the joint model calibrated without the printed HRs
MIXTURE = "mixture"  # a pooled cohort: its parts' shown curves together
METHODS = ("guyot", MIXTURE, *ALL_MODELS)
MIXTURE_WHY = "a pooled cohort's curve is the mixture of its cohorts' shown curves"


@dataclass
class ArmResult:
    """One arm of one endpoint: its inputs, fits, pseudo data and bands by method."""

    inputs: EndpointInputs
    fits: dict[str, sm.ModelFit] = field(default_factory=dict)
    ipd: dict[str, pd.DataFrame] = field(default_factory=dict)
    bands: dict[str, pd.DataFrame] = field(default_factory=dict)
    draws: dict[str, list[tuple[np.ndarray, np.ndarray]]] = field(default_factory=dict)
    guyot: GuyotResult | None = None
    errors: list[str] = field(default_factory=list)
    seed: int = 1
    # the numbers a reader sees, by lifelines (:mod:`trialrecon.stages.km.shown`): each
    # method's curve with its pointwise limits, and the rebuilt numbers of the methods that
    # are not fitted models (guyot, mixture)
    curves: dict[str, tuple] = field(default_factory=dict)
    shown: dict[str, dict[str, float]] = field(default_factory=dict)
    nar: pd.DataFrame | None = None  # the figure's numbers at risk (time, n_risk, line)
    nar_file: str = ""

    @property
    def arm(self) -> str:
        return self.inputs.arm


@dataclass(frozen=True)
class Constraint:
    """One printed number against its rebuilt value under one method."""

    method: str
    subject: str  # the arm, or "experimental vs comparator" for an HR
    key: str  # median, ci_low, ci_high, events, rate@<months>, hr, hr_ci_low, hr_ci_high
    label: str
    reported: float
    rebuilt: float
    gap: float
    allowed: float
    met: bool
    within_rounding: bool


@dataclass
class Choice:
    method: str
    met: int
    total: int
    reason: str


@dataclass
class EndpointResult:
    """Every arm of one endpoint of one cohort, the joint fits and the choice among methods."""

    endpoint: str
    category: str
    cohort: str
    arms: list[ArmResult]
    hrs: list[HRInput] = field(default_factory=list)
    joint: jm.JointFit | None = None
    joint_free: jm.JointFit | None = None
    constraints: list[Constraint] = field(default_factory=list)
    choice: Choice | None = None
    hr_sims: dict[tuple[str, str, str], jm.HRDistribution] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    digitized: bool = False  # a digitized curve is rebuilt instead of models
    # (method, experimental, comparator) -> Cox HR, CI and log-rank P by lifelines
    shown_hr: dict[tuple[str, str, str], dict[str, float]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The endpoint's name in file names: a category (free text) goes through ``slug``."""
        return self.endpoint + (f"_{slug(self.category)}" if self.category else "")

    def chosen(self) -> str | None:
        return self.choice.method if self.choice else None


def method_name(method: str) -> str:
    """How tables name a method: ``guyot``, ``mixture``, ``model:weibull``, ``model:joint``."""
    return method if method in ("guyot", MIXTURE) else f"model:{method}"


# --------------------------------------------------------------------------------------------
# fitting
# --------------------------------------------------------------------------------------------


def run_arm_models(inputs: EndpointInputs, s: dict[str, Any], seed: int) -> ArmResult:
    """The per-arm models of the configuration for one arm."""
    res = ArmResult(inputs, seed=seed)
    if inputs.summary is None:
        return res
    for model in (m for m in s["models"] if m in PER_ARM):
        try:
            fit = sm.fit_model(inputs.summary, model, seed=seed, dropout_rate=s["dropout_rate"],
                               tol=s["match_tolerance"], conf_type=s["ci_type"],
                               rate_tol=s["rate_tolerance"])
        except sm.SummaryError as exc:
            res.errors.append(f"{model}: {exc}")
            continue
        res.fits[model] = fit
        res.ipd[model] = fit.ipd()
    return res


def run_joint(result: EndpointResult, s: dict[str, Any]) -> None:
    """The joint model of the arms with summaries, with and without the printed HRs."""
    arms = [jm.ArmInput(r.arm, r.inputs.summary, r.seed) for r in result.arms
            if r.inputs.summary is not None]
    if JOINT not in s["models"] or len(arms) < 2 or result.digitized:
        return
    printed = [h.hr for h in result.hrs]
    kw = {"dropout_rate": s["dropout_rate"], "tol": s["match_tolerance"],
          "conf_type": s["ci_type"], "rate_tol": s["rate_tolerance"]}
    try:
        result.joint = jm.fit_joint(arms, printed, use_hr=True, **kw)
    except sm.SummaryError as exc:
        result.notes.append(f"joint model: {exc}")
        return
    by_arm = {r.arm: r for r in result.arms}
    for arm, fit in result.joint.fits.items():
        by_arm[arm].fits[JOINT] = fit
        by_arm[arm].ipd[JOINT] = fit.ipd()
    if any(h.targets() for h in printed):
        try:
            result.joint_free = jm.fit_joint(arms, printed, use_hr=False, **kw)
        except sm.SummaryError as exc:
            result.notes.append(f"joint model without the printed HR: {exc}")


# --------------------------------------------------------------------------------------------
# constraints and the choice
# --------------------------------------------------------------------------------------------


def _label(key: str, arm: ArmResult | None) -> str:
    if key.startswith("rate@") and arm is not None and arm.inputs.summary is not None:
        lm = next((x for x in arm.inputs.summary.landmarks if x.key == key), None)
        return f"rate at {lm.label}" if lm else key
    if key.startswith("follow_up:"):
        _, kind, stat = key.split(":")
        return f"follow-up {stat.replace('_', ' ')} ({kind})"
    return {"ci_low": "CI low of the median", "ci_high": "CI high of the median",
            "q1": "first quartile", "q3": "third quartile",
            "hr": "HR", "hr_ci_low": "CI low of the HR", "hr_ci_high": "CI high of the HR"
            }.get(key, key)


def _constraint(method: str, subject: str, key: str, label: str, want: float, got: float,
                err: float, half: float | None, s: dict[str, Any]) -> Constraint:
    tol, rate_tol = s["match_tolerance"], s["rate_tolerance"]
    met = tg.is_met(key, err, want, tol, rate_tol)
    if key.startswith("hr") and math.isfinite(want):
        allowed = want * (math.exp(tol) - 1.0)
    else:
        allowed = tg.allowed_gap(key, want, tol, rate_tol) if math.isfinite(want) else 0.0
    half = 0.5 if key == "events" else half
    within = (err == 0 or (half is not None and not math.isnan(err) and not math.isinf(err)
                           and abs(err) <= half + 1e-9))
    return Constraint(method, subject, key, label, want, got, err, allowed, met, within)


def arm_constraints(method: str, r: ArmResult, s: dict[str, Any]) -> list[Constraint]:
    fit = r.fits.get(method)
    summary = r.inputs.summary
    if summary is None:
        return []
    if fit is not None:
        targets, rebuilt, errors = fit.targets, fit.rebuilt, fit.errors
    elif method in r.shown:
        targets = sm.targets_of(summary)
        rebuilt = r.shown[method]
        targets = {k: v for k, v in targets.items() if k in rebuilt}
        errors = tg.errors_of(rebuilt, targets)
    else:
        return []
    halves = dict(summary.half_units)
    halves.update({lm.key: lm.half_unit for lm in summary.landmarks})
    halves.update({f.key: f.half_unit for f in summary.all_follow_ups()})
    return [_constraint(method, r.arm or r.inputs.cohort, key, _label(key, r), want,
                        rebuilt[key], errors[key], halves.get(key), s)
            for key, want in targets.items()]


def hr_constraints(method: str, h: HRInput, rebuilt: dict[str, float],
                   s: dict[str, Any]) -> list[Constraint]:
    targets = h.hr.targets()
    errors = tg.errors_of(rebuilt, targets)
    subject = f"{h.hr.experimental} vs {h.hr.comparator}"
    return [_constraint(method, subject, key, _label(key, None), want, rebuilt[key],
                        errors[key], h.hr.half_units.get(key), s)
            for key, want in targets.items()]


def comparison_rebuilt(result: EndpointResult, method: str, h: HRInput) -> dict[str, float]:
    """Cox HR and log-rank P of one method's pseudo data for one printed comparison.

    lifelines' numbers once :mod:`trialrecon.stages.km.shown` has computed them (what the
    tables and figures show); the numpy ones before (the choice among methods).
    """
    shown = result.shown_hr.get((method, h.hr.experimental, h.hr.comparator))
    if shown is not None:
        return shown
    by_arm = {r.arm: r for r in result.arms}
    e, c = by_arm.get(h.hr.experimental), by_arm.get(h.hr.comparator)
    if e is None or c is None or method not in e.ipd or method not in c.ipd:
        return {}
    cmp = sm.compare_arms(e.ipd[method], c.ipd[method], level=h.hr.level)
    return {"hr": cmp.hr, "hr_ci_low": cmp.hr_low, "hr_ci_high": cmp.hr_high,
            "p_logrank": cmp.p_logrank}


def methods_of(result: EndpointResult) -> list[str]:
    """Methods available for every arm with inputs, in a fixed order."""
    arms = [r for r in result.arms if r.ipd]
    if not arms:
        return []
    common = set.intersection(*(set(r.ipd) for r in arms))
    return [m for m in METHODS if m in common]


def score(result: EndpointResult, s: dict[str, Any], keep_choice: bool = False) -> None:
    """Every method's constraints, then the choice (see the module docstring).

    A digitized curve is shown when there is one, else a pooled cohort's mixture of its
    parts; ``keep_choice`` recounts the constraints (with lifelines' numbers) without
    choosing again.
    """
    methods = methods_of(result)
    rows: list[Constraint] = []
    loss: dict[str, float] = {}
    for method in methods:
        if method == "guyot":
            continue
        cons = [c for r in result.arms for c in arm_constraints(method, r, s)]
        for h in result.hrs:
            reb = comparison_rebuilt(result, method, h)
            if reb:
                cons += hr_constraints(method, h, reb, s)
        rows += cons
        loss[method] = sum(1.0 if math.isinf(x) else x * x for x in
                           (tg.relative_error(c.key, c.gap, c.reported) for c in cons
                            if tg.in_loss(c.key)))
    result.constraints = rows
    if not methods:
        return
    if "guyot" in methods:
        result.choice = Choice("guyot", 0, 0, "a digitized curve is rebuilt (Guyot); no model")
        return
    tally = {m: ([c for c in rows if c.method == m]) for m in methods}
    if keep_choice and result.choice is not None and result.choice.method in tally:
        first = result.choice.method
        ranked = [first] + sorted((m for m in methods if m != first), key=lambda m: (
            -sum(c.met for c in tally[m]), -sum(c.within_rounding for c in tally[m]),
            loss[m], methods.index(m)))
        result.choice = Choice(first, sum(c.met for c in tally[first]), len(tally[first]),
                               _reason(ranked, tally, MIXTURE_WHY if first == MIXTURE else ""))
        return
    if MIXTURE in methods:
        ranked = [MIXTURE] + [m for m in methods if m != MIXTURE]
        result.choice = Choice(MIXTURE, sum(c.met for c in tally[MIXTURE]), len(tally[MIXTURE]),
                               _reason(ranked, tally, MIXTURE_WHY))
        return

    def key(m: str) -> tuple:
        cons = tally[m]
        return (-sum(c.met for c in cons), -sum(c.within_rounding for c in cons), loss[m],
                methods.index(m))

    ranked = sorted(methods, key=key)
    best = ranked[0]
    result.choice = Choice(best, sum(c.met for c in tally[best]), len(tally[best]),
                           _reason(ranked, tally))


def _describe(method: str, cons: list[Constraint]) -> str:
    met = sum(c.met for c in cons)
    text = f"{method_name(method)} meets {met} of {len(cons)} printed numbers"
    missed = [c for c in cons if not c.met]
    if missed:
        worst = sorted(missed, key=lambda c: -abs(tg.relative_error(c.key, c.gap, c.reported)
                                                  if not math.isnan(c.gap) else math.inf))[:2]
        text += " (misses " + "; ".join(
            f"{c.label} of {c.subject}: {tg.fmt(c.rebuilt)} rebuilt, {tg.fmt(c.reported)} "
            "printed" for c in worst) + ")"
    return text


def _reason(ranked: list[str], tally: dict[str, list[Constraint]], why: str = "") -> str:
    """Why the first method is shown: its tally, then each other method's."""
    parts = [_describe(m, tally[m]) for m in ranked]
    head = (f"{method_name(ranked[0])} shown ({why}): {parts[0]}" if why
            else f"{method_name(ranked[0])} shown: {parts[0]}")
    return head + ("; " + "; ".join(parts[1:]) if len(parts) > 1 else "")


# --------------------------------------------------------------------------------------------
# simulated trials: bands and HR distributions
# --------------------------------------------------------------------------------------------


def simulate(result: EndpointResult, grid: np.ndarray, s: dict[str, Any],
             seed_of: Any) -> None:
    """Bands of every model of every arm, and the HR distributions of the joint models.

    The band of a model and the HR distribution of its arms come from the same simulated
    trials: draw ``b`` of the experimental arm against draw ``b`` of the comparator.
    """
    for r in result.arms:
        for model, fit in r.fits.items():
            draws = modelsim.simulate_trials(fit, s["draws"], seed_of(r, model))
            r.draws[model] = draws
            r.bands[model] = modelsim.band_from_trials(draws, fit, grid)
    by_arm = {r.arm: r for r in result.arms}
    for h in result.hrs:
        e, c = by_arm.get(h.hr.experimental), by_arm.get(h.hr.comparator)
        if e is None or c is None:
            continue
        for model in dict.fromkeys((JOINT, result.chosen())):  # once when the joint is shown
            if model in e.draws and model in c.draws:
                result.hr_sims[(model, e.arm, c.arm)] = jm.hr_distribution(
                    e.draws[model], c.draws[model], h.hr.estimate)
        if result.joint_free is not None:
            fe, fc = result.joint_free.fits[e.arm], result.joint_free.fits[c.arm]
            result.hr_sims[(FREE, e.arm, c.arm)] = jm.hr_distribution(
                modelsim.simulate_trials(fe, s["draws"], seed_of(e, FREE)),
                modelsim.simulate_trials(fc, s["draws"], seed_of(c, FREE)), h.hr.estimate)
