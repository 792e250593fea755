"""Model-based survival curves from published summaries (no digitized curve available).

This is a *model*, not data: when a paper gives only a median with its confidence interval, the
number of patients, perhaps the number of events, landmark rates, quartiles, the accrual period
and follow-up, a parametric survival model per arm is calibrated to those numbers and pseudo
patient data are drawn from it under stated assumptions (:data:`ASSUMPTIONS`). Everything
this module returns carries ``basis = "model-based"``. The joint calibration of two or more
arms under proportional hazards is in :mod:`trialrecon.stats.jointmodel`.

Methods:

* survival models: exponential and Weibull, S(t) = exp(-(t / scale) ** shape), with the scale
  set so that the Kaplan-Meier median of the representative pseudo data equals the reported
  median; without a median, so that the model meets a printed landmark rate, else the printed
  events; a printed "not reached" keeps the curve above 0.5 to the end of follow-up;
* the conduct (:mod:`trialrecon.stats.followup`): uniform accrual, dropout at a constant rate
  and administrative censoring at a data cut-off C, taken from the printed cut-off date when
  there is one, else from the printed follow-up read by its definition (reverse Kaplan-Meier,
  survivors, observation time, minimum: Schemper and Smith 1996), else from the events; the
  dropout rate, unless configured, is fitted to the printed events once C is fixed otherwise;
* the rebuilt median, its CI, quartiles, landmark rates and follow-up are those of the pseudo
  data (:mod:`trialrecon.stats.km`, R's conventions); the Weibull shape is chosen on a grid to
  bring them closest to the reported ones;
* pseudo data: :mod:`trialrecon.stats.pseudodata` (a rank-1 lattice, Cranley and Patterson
  1976); the uncertainty band takes pointwise 2.5 and 97.5 percentiles of the Kaplan-Meier
  curves of repeated random draws;
* two arms: Cox hazard ratio and log-rank P of the pseudo data (:mod:`trialrecon.stats.twoarm`).

References
----------
Cranley R, Patterson TNL. Randomization of number theoretic methods for multiple
integration. SIAM J Numer Anal 1976;13:904-914.
Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time. Control Clin
Trials 1996;17:343-346.
Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
1982;38:29-41.
Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220.
Mantel N. Evaluation of survival data and two new rank order statistics arising in its
consideration. Cancer Chemother Rep 1966;50:163-170.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from trialrecon.stats import twoarm
from trialrecon.stats.followup import (  # noqa: F401 - Design and the solvers, re-exported
    Design,
    FollowUp,
    Plan,
    bisect_root,
    cutoff_for,
    expected_events,
    plan_for,
    resolve_design,
    solve_cutoff,
    solve_dropout,
)
from trialrecon.stats.km import kaplan_meier, km_at, km_quantile, km_steps, median_ci
from trialrecon.stats.pseudodata import (  # noqa: F401 - re-exported
    Sample,
    build_sample,
    honour_not_reached,
    match_events,
    match_km_median,
    random_ipd,
    random_trial,
    representative_ipd,
)
from trialrecon.stats.targets import (
    errors_of,
    fmt,
    is_match,
    loss,
    relative_error,
)

BASIS = "model-based"
MODELS = ("exponential", "weibull")
SHAPE_GRID = (0.4, 4.0, 31)  # geometric grid of Weibull shapes: low, high, points
QUARTILES = {"q1": 0.75, "q3": 0.25}  # quartiles of the time: the curve at 0.75 and 0.25
UNIDENTIFIED = ("no median, no landmark rate, and events without a follow-up or a cut-off "
                "date: the events fix neither the curve nor how long it runs")

ASSUMPTIONS = (
    "model-based reconstruction, not data: the curves show what a parametric model calibrated "
    "to the published summaries implies",
    "patients enter uniformly over the reported accrual period",
    "administrative censoring at one data cut-off C: the printed cut-off date minus the first "
    "entry when both are printed; else from the printed follow-up as its definition says "
    "(the reverse Kaplan-Meier or unqualified median: C minus half the accrual period "
    "without dropout; survivors, censored patients, observation time: solved under the "
    "model; the minimum: the accrual period plus it; the longest: C itself)",
    "when no follow-up and no cut-off date are printed but the number of events is, C is "
    "chosen so that the expected number of events equals the reported one",
    "loss to follow-up before the cut-off: exponential dropout at a constant monthly rate, "
    "fitted to the printed events when the cut-off is fixed otherwise (configured: "
    "km.dropout_rate)",
    "survival is exponential or Weibull within each arm; the Weibull shape is chosen on a grid "
    "to match the reported confidence interval of the median, quartiles, events, landmark "
    "rates and follow-up",
    "an arm without a printed median takes its scale from a printed landmark rate, else from "
    "its events (joint model: from the printed HR against an arm with a scale)",
    "a printed median 'not reached': the curve is kept above 0.5 to the end of follow-up",
    "joint model: all arms share one Weibull shape and differ by a constant hazard ratio "
    "(proportional hazards); the shape is chosen to match the medians, their CIs, events, "
    "landmark rates and the printed hazard ratio with its CI",
    "a pooled cohort is the mixture of its cohorts' curves (their pseudo data together)",
    "for duration of response the clock starts at enrollment, not at response: the time to "
    "response is ignored, which overstates follow-up slightly",
)


@dataclass(frozen=True)
class Landmark:
    """A printed landmark rate: survival ``rate`` (probability) at ``months``, maybe a CI."""

    months: float
    rate: float
    ci_low: float | None = None
    ci_high: float | None = None
    label: str = ""  # as printed, for example "12 months"
    half_unit: float = 0.005  # half a unit of the printed rate, on the probability scale

    @property
    def key(self) -> str:
        return f"rate@{self.months:g}"


@dataclass(frozen=True)
class Summary:
    """What a paper reports about one arm's (or cohort's) time-to-event endpoint.

    Times in months. ``median=None`` with ``median_not_reached`` for "not reached"; likewise
    ``ci_high`` with ``ci_high_not_reached``. Missing values are ``None``. ``half_units`` maps
    ``median``, ``ci_low``, ``ci_high``, ``q1``, ``q3`` to half a unit of the printed number.
    ``follow_up`` is a median follow-up read as the reverse Kaplan-Meier one and
    ``min_follow_up`` a minimum; ``follow_ups`` holds every printed follow-up statistic with
    its definition (:class:`trialrecon.stats.followup.FollowUp`) and ``cutoff`` the data
    cut-off in months from the first entry, when the dates are printed. ``q1`` and ``q3`` are
    the printed quartiles of the time (the curve at 0.75 and 0.25).
    """

    n: int
    median: float | None = None
    median_not_reached: bool = False
    ci_low: float | None = None
    ci_high: float | None = None
    ci_high_not_reached: bool = False
    ci_level: float = 0.95
    events: int | None = None
    accrual: float | None = None
    follow_up: float | None = None
    landmarks: tuple[Landmark, ...] = ()
    half_units: Mapping[str, float] = field(default_factory=dict, compare=False)
    min_follow_up: float | None = None  # the minimum follow-up, when no median is printed
    follow_ups: tuple[FollowUp, ...] = ()
    cutoff: float | None = None
    q1: float | None = None
    q3: float | None = None

    def all_follow_ups(self) -> tuple[FollowUp, ...]:
        """``follow_ups`` with ``follow_up`` and ``min_follow_up`` as statistics of their own."""
        out = list(self.follow_ups)
        if self.follow_up is not None and not any(
                f.kind == "potential" and f.statistic == "median" for f in out):
            out.insert(0, FollowUp("potential", "median", self.follow_up,
                                   half_unit=self.half_units.get("follow_up", 0.05)))
        if self.min_follow_up is not None and not any(f.kind == "minimum" for f in out):
            out.append(FollowUp("minimum", "value", self.min_follow_up))
        return tuple(out)


@dataclass
class ModelFit:
    """A calibrated model with its rebuilt summaries and the differences from the reported ones."""

    model: str
    shape: float
    scale: float
    design: Design
    n: int
    rebuilt: dict[str, float]  # median, ci_low, ci_high, events, rate@<months> of the data
    errors: dict[str, float]  # rebuilt minus reported, for each reported target
    matched: bool
    notes: list[str] = field(default_factory=list)
    basis: str = BASIS
    targets: dict[str, float] = field(default_factory=dict)
    seed: int = 1

    def survival(self, t: np.ndarray) -> np.ndarray:
        return np.exp(-((np.asarray(t, dtype=float) / self.scale) ** self.shape))

    def quantile_time(self, p: np.ndarray) -> np.ndarray:
        """Event time with P(T <= t) = p."""
        return self.scale * (-np.log1p(-np.asarray(p, dtype=float))) ** (1.0 / self.shape)

    def ipd(self) -> pd.DataFrame:
        """The representative pseudo data of this fit."""
        return representative_ipd(self.shape, self.scale, self.design, self.n, self.seed)


class SummaryError(ValueError):
    """The reported summaries are not enough to calibrate any model."""


# --------------------------------------------------------------------------------------------
# rebuilt summaries
# --------------------------------------------------------------------------------------------


def km_median_ci(ipd: pd.DataFrame, level: float = 0.95,
                 conf_type: str = "log-log") -> dict[str, float]:
    """Median, its CI (R's conventions, :mod:`trialrecon.stats.km`) and events; NR is ``inf``."""
    return rebuilt_summary(ipd["time"].to_numpy(), ipd["event"].to_numpy(), level, conf_type)


def rebuilt_summary(time: np.ndarray, event: np.ndarray, level: float = 0.95,
                    conf_type: str = "log-log", landmarks: tuple[Landmark, ...] = (),
                    quartiles: tuple[str, ...] = (),
                    follow_ups: tuple[FollowUp, ...] = ()) -> dict[str, float]:
    """What a paper would print about pseudo data: median, CI, events, landmark rates,
    quartiles (``q1``, ``q3``; ``inf`` when not reached) and follow-up statistics.

    A landmark beyond the last observed time has no Kaplan-Meier estimate (NaN).
    """
    km = kaplan_meier(time, event)
    m = median_ci(km, level, conf_type)
    out = {"median": m.median, "ci_low": m.ci_low, "ci_high": m.ci_high,
           "events": float(m.events)}
    for lm in landmarks:
        out[lm.key] = (float(km_at(np.array([lm.months]), km.time, km.survival)[0])
                       if lm.months <= km.last_time else math.nan)
    for key in quartiles:
        q = km_quantile(km.time, km.survival, QUARTILES[key])
        out[key] = math.inf if math.isnan(q) else q
    for fu in follow_ups:
        out[fu.key] = data_follow_up(fu, np.asarray(time, float), np.asarray(event, bool))
    return out


def data_follow_up(fu: FollowUp, time: np.ndarray, event: np.ndarray) -> float:
    """A follow-up statistic of (pseudo) data, as a paper computes it from its patients.

    Potential follow-up: the reverse Kaplan-Meier estimate (events censor, censorings are
    the events); survivors and censored patients: the times of the censored patients;
    observation time: every time; the minimum: the shortest censored time; a range's upper
    end: the longest time. Quartiles by linear interpolation; NaN when nobody is censored.
    """
    censored = time[~event]
    if fu.kind == "minimum" or (fu.quantile <= 0 and fu.kind != "observation"):
        return float(censored.min()) if censored.size else math.nan
    if fu.quantile >= 1.0:
        return float(time.max()) if time.size else math.nan
    if fu.kind == "potential":
        st, ss = km_steps(time, ~event)
        q = km_quantile(st, ss, 1.0 - fu.quantile)
        return math.inf if math.isnan(q) else q
    pool = time if fu.kind == "observation" else censored
    return float(np.quantile(pool, fu.quantile)) if pool.size else math.nan


def targets_of(s: Summary, plan: Plan | None = None) -> dict[str, float]:
    """The reported numbers to match; not reached is ``inf``.

    The follow-up statistic that fixes the cut-off (``plan.pin``) is met by construction
    and left out.
    """
    out: dict[str, float] = {}
    if s.median is not None:
        out["median"] = s.median
    elif s.median_not_reached:
        out["median"] = math.inf
    if s.ci_low is not None:
        out["ci_low"] = s.ci_low
    if s.ci_high is not None:
        out["ci_high"] = s.ci_high
    elif s.ci_high_not_reached:
        out["ci_high"] = math.inf
    for key in QUARTILES:
        if getattr(s, key) is not None:
            out[key] = float(getattr(s, key))
    if s.events is not None:
        out["events"] = float(s.events)
    for lm in s.landmarks:
        out[lm.key] = lm.rate
    pin = plan.pin if plan is not None else None
    for fu in s.all_follow_ups():
        if fu != pin and fu.key not in out and fu.statistic != "range_low":
            out[fu.key] = fu.months  # the shortest follow-up: a death on day one, or C - A
    return out


def plan_from_summary(s: Summary, dropout_rate: float | None = 0.0) -> tuple[Plan, list[str]]:
    """How one arm's conduct is fixed (:func:`trialrecon.stats.followup.plan_for`)."""
    return plan_for(s.accrual, s.cutoff, s.all_follow_ups(), s.events is not None,
                    dropout_rate)


def design_from_summary(s: Summary, dropout_rate: float = 0.0) -> tuple[Design | None, list[str]]:
    """Accrual and cut-off from the summary; ``None`` cut-off means solve it from events.

    For a cut-off that depends on the model (survivors' follow-up), the exponential model
    with the printed median (else a unit scale) stands in.
    """
    plan, notes = plan_from_summary(s, dropout_rate)
    if plan.from_events:
        return None, notes
    scale = s.median / math.log(2.0) if s.median else 1.0
    design, _ = resolve_design(replace(plan, dropout=plan.dropout or 0.0), 1.0, scale, s.n,
                               s.events, True)
    return design, notes


def scale_source(s: Summary, plan: Plan) -> str | None:
    """What sets an arm's scale: its median, a landmark rate, its events, or nothing."""
    if s.median is not None:
        return "median"
    if any(0.0 < lm.rate < 1.0 for lm in s.landmarks):
        return "landmark"
    if s.events is not None and not plan.from_events:
        return "events"
    return None


def landmark_scale(s: Summary, shape: float) -> float:
    """The scale at which the model meets the printed landmark rate nearest 50%."""
    lm = min((x for x in s.landmarks if 0.0 < x.rate < 1.0), key=lambda x: abs(x.rate - 0.5))
    return lm.months / (-math.log(lm.rate)) ** (1.0 / shape)


def shape_grid(s: Summary, model: str, notes: list[str],
               shapes: np.ndarray | None = None) -> np.ndarray:
    """The Weibull shapes to try: 1 alone when nothing printed can identify the shape."""
    if model == "exponential":
        return np.array([1.0])
    anchored = s.median is not None or bool(s.landmarks)
    others = (s.ci_low is not None or s.ci_high is not None or s.q1 is not None
              or s.q3 is not None or s.events is not None
              or len(s.landmarks) > (0 if s.median is not None else 1))
    if not (anchored and others):
        notes.append("Weibull shape not identified by the reported numbers: shape 1 "
                     "(exponential) kept")
        return np.array([1.0])
    return np.geomspace(*SHAPE_GRID) if shapes is None else shapes


def fit_model(
    s: Summary, model: str, seed: int = 1, dropout_rate: float | None = 0.0, tol: float = 0.10,
    shapes: np.ndarray | None = None, conf_type: str = "log-log", rate_tol: float = 0.05,
) -> ModelFit:
    """Calibrate one model to a summary (see the module docstring for the method).

    ``dropout_rate`` None fits the dropout rate (see :func:`resolve_design`). Raises
    :class:`SummaryError` when the summary cannot pin a model down (no N, or neither a
    median, a landmark rate nor events).
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}")
    check_identified(s)
    plan, notes = plan_from_summary(s, dropout_rate)
    if scale_source(s, plan) is None:
        raise SummaryError(UNIDENTIFIED)
    targets = targets_of(s, plan)
    grid = shape_grid(s, model, notes, shapes)
    best: ModelFit | None = None
    best_loss = math.inf
    for shape in grid.tolist():
        scale, design, more = arm_scale(shape, s, plan, seed)
        if scale is None or design is None:
            continue
        fit = evaluate_arm(model, shape, scale, design, s, seed, targets, tol, conf_type,
                           rate_tol, more)
        f_loss = loss(fit.errors, targets)
        if f_loss < best_loss - 1e-12:
            best, best_loss = fit, f_loss
    if best is None:
        raise SummaryError("no parameter value reproduces the reported events with this design")
    best.notes = notes + best.notes
    if best.design.dropout_rate > 0 and plan.dropout is None:
        best.notes.append(f"dropout fitted: {best.design.dropout_rate:.3g} per month "
                          "(censoring before the cut-off)")
    if not best.matched:
        best.notes.append(not_matched_note(best, f"no {model} parameter set", tol))
    return best


def check_identified(s: Summary) -> None:
    """Raise :class:`SummaryError` when no N, or neither a median, a landmark rate nor events."""
    if s.n is None or s.n <= 0:
        raise SummaryError("number of patients missing")
    if s.median is None and s.events is None and not s.landmarks:
        raise SummaryError("median not reached and no number of events: the scale is not "
                           "identified" if s.median_not_reached else
                           "no median, no landmark rate and no events")


def not_matched_note(fit: ModelFit, what: str, tol: float) -> str:
    """Which reported number the fit misses most, for the notes."""
    def size(k: str) -> float:
        r = relative_error(k, fit.errors[k], fit.targets[k])
        return abs(r)

    worst = max(fit.errors, key=size)
    return (f"{what} reproduces the reported numbers within {tol:.0%}: largest gap on {worst} "
            f"({fmt(fit.rebuilt[worst])} rebuilt against {fmt(fit.targets[worst])} reported)")


def arm_design(shape: float, scale: float, s: Summary, plan: Plan,
               events_free: bool) -> Design | None:
    """:func:`trialrecon.stats.followup.resolve_design` for one arm's summary."""
    design, _ = _design(shape, scale, s, plan, events_free)
    return design


@functools.lru_cache(maxsize=8192)
def _design(shape: float, scale: float, s: Summary, plan: Plan,
            events_free: bool) -> tuple[Design | None, str]:
    return resolve_design(plan, shape, scale, s.n, s.events, events_free, s.all_follow_ups())


def arm_scale(shape: float, s: Summary, plan: Plan,
              seed: int) -> tuple[float | None, Design | None, list[str]]:
    """The calibrated scale (and the design) of one arm at a given shape, from its own summary.

    With a median: the scale whose representative data have that Kaplan-Meier median; else
    the scale that meets a printed landmark rate, else the reported events; a median not
    reached keeps the curve above 0.5 (:func:`honour_not_reached`). ``(None, None, notes)``
    when the summary does not identify it. Remembered: the joint calibrations, with and
    without the printed HR, ask for the same arms at the same shapes.
    """
    scale, design, notes = _arm_scale(shape, s, plan, seed)
    return scale, design, list(notes)


@functools.lru_cache(maxsize=4096)
def _arm_scale(shape: float, s: Summary, plan: Plan,
               seed: int) -> tuple[float | None, Design | None, tuple[str, ...]]:
    source = scale_source(s, plan)
    if source is None:
        return None, None, ()
    notes: list[str] = []
    if source == "events":
        scale, design, note = _events_scale(shape, s, plan)
    else:
        scale = (s.median / math.log(2.0) ** (1.0 / shape) if source == "median"
                 else landmark_scale(s, shape))
        design, note = _design(shape, scale, s, plan, True)
    if scale is None or design is None:
        return None, None, ()
    notes += [note] if note else []
    sample = build_sample(shape, design, s.n, seed)
    new = _match(sample, scale, s, source)
    if source != "events" and plan.depends_on_scale() and abs(new / scale - 1.0) > 1e-3:
        again, _ = _design(shape, new, s, plan, True)
        if again is not None and again != design:  # the conduct moved with the scale
            design = again
            sample = build_sample(shape, design, s.n, seed)
            new = _match(sample, new, s, source)
    scale = new
    if s.median_not_reached:
        raised, moved = honour_not_reached(sample, scale)
        if moved:
            notes.append(f"median not reached: scale raised {raised / scale:.3g}-fold so that "
                         "the curve stays above 0.5 to the end of follow-up")
            scale = raised
    return scale, design, tuple(notes)


def _match(sample: Sample, scale: float, s: Summary, source: str) -> float:
    if source == "median":
        return match_km_median(sample, scale, float(s.median))
    if source == "events":
        return match_events(sample, scale, int(s.events or 0))
    return scale


def _events_scale(shape: float, s: Summary, plan: Plan
                  ) -> tuple[float | None, Design | None, str]:
    """Scale and design from the events, in turn when the conduct depends on the scale."""
    share = min(max((s.events or 0) / s.n, 0.01), 0.95)
    horizon = plan.cutoff or (plan.pin.months if plan.pin else 0.0) or plan.accrual or 12.0
    scale = horizon / (-math.log1p(-share)) ** (1.0 / shape)  # a start: all followed to it
    design, note = None, ""
    for _ in range(4):
        design, note = _design(shape, scale, s, plan, False)
        if design is None:
            return None, None, ""
        new = solve_scale_from_events(shape, design, s.n, int(s.events or 0))
        if new is None:
            return None, None, ""
        moved = abs(new / scale - 1.0) > 1e-4
        scale = new
        if not moved or not plan.depends_on_scale():
            break
    return scale, design, note


def solve_scale_from_events(shape: float, design: Design, n: int, events: int) -> float | None:
    """The scale at which the model expects ``events`` events under ``design``."""
    def gap(log_scale: float) -> float:
        return events - expected_events(shape, math.exp(log_scale), design, n)

    root = bisect_root(gap, math.log(1e-3), math.log(1e5), 1e-9)
    return None if root is None else math.exp(root)


def evaluate_arm(model: str, shape: float, scale: float, design: Design, s: Summary, seed: int,
                 targets: dict[str, float], tol: float, conf_type: str, rate_tol: float,
                 notes: list[str] | None = None) -> ModelFit:
    """The rebuilt summaries of one arm's representative data and their gaps."""
    time, event = build_sample(shape, design, s.n, seed).observe(scale)
    rebuilt = rebuilt_summary(time, event, s.ci_level, conf_type, s.landmarks,
                              tuple(k for k in QUARTILES if k in targets),
                              tuple(f for f in s.all_follow_ups() if f.key in targets))
    errors = errors_of(rebuilt, targets)
    return ModelFit(model, shape, scale, design, s.n, rebuilt, errors,
                    is_match(errors, targets, tol, rate_tol), list(notes or []),
                    targets=targets, seed=seed)


# --------------------------------------------------------------------------------------------
# comparison of two arms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArmComparison:
    """Cox HR and log-rank P of two arms of pseudo data against the reported ones."""

    hr: float
    hr_low: float
    hr_high: float
    p_logrank: float
    reported_hr: float | None
    reported_low: float | None
    reported_high: float | None
    reported_p: float | None
    basis: str = BASIS


def compare_arms(
    experimental: pd.DataFrame, comparator: pd.DataFrame, reported_hr: float | None = None,
    reported_low: float | None = None, reported_high: float | None = None,
    reported_p: float | None = None, level: float = 0.95,
) -> ArmComparison:
    """Hazard ratio (experimental vs comparator, Cox 1972) and log-rank P (Mantel 1966)."""
    time = np.concatenate([experimental["time"].to_numpy(float),
                           comparator["time"].to_numpy(float)])
    event = np.concatenate([experimental["event"].to_numpy(), comparator["event"].to_numpy()])
    arm = np.concatenate([np.ones(len(experimental), int), np.zeros(len(comparator), int)])
    cox = twoarm.cox_binary(time, event, arm, level)
    lr = twoarm.logrank(time, event, arm)
    return ArmComparison(cox.hr, cox.hr_low, cox.hr_high, lr.p_value, reported_hr,
                         reported_low, reported_high, reported_p)
