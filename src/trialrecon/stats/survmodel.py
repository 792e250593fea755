"""Model-based survival curves from published summaries (no digitized curve available).

This is a *model*, not data: when a paper gives only a median with its confidence interval, the
number of patients, perhaps the number of events, landmark rates, the accrual period and the
median follow-up, a parametric survival model per arm is calibrated to those numbers and
pseudo patient data are drawn from it under stated assumptions (:data:`ASSUMPTIONS`).
Everything this module returns carries ``basis = "model-based"``. The joint calibration of
two or more arms under proportional hazards is in :mod:`trialrecon.stats.jointmodel`.

Methods:

* survival models: exponential and Weibull, S(t) = exp(-(t / scale) ** shape), with the scale
  set so that the Kaplan-Meier median of the representative pseudo data equals the reported
  median (the model median, when no scale does);
* follow-up: uniform accrual over the reported period and administrative censoring at a data
  cut-off C; the reverse Kaplan-Meier median follow-up (Schemper and Smith 1996) of such a
  design is C - A/2, which fixes C from the reported median follow-up; with no follow-up but a
  known number of events, C is solved from the events;
* the rebuilt median, its CI and landmark rates are those of the Kaplan-Meier estimate of the
  pseudo data (:mod:`trialrecon.stats.km`, R's conventions); the Weibull shape is chosen on a
  grid to bring the rebuilt interval, events and landmark rates closest to the reported ones;
* pseudo data: the representative data set pairs stratified event quantiles with entry (and
  dropout) quantiles from a seeded, shifted golden-ratio sequence, a rank-1 lattice
  (randomised quasi-Monte Carlo: Cranley and Patterson 1976), deterministic for a seed; the
  uncertainty band takes pointwise 2.5 and 97.5 percentiles of the Kaplan-Meier curves of
  repeated random draws;
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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trialrecon.stats import twoarm
from trialrecon.stats.km import kaplan_meier, km_at, km_median, km_steps, median_ci
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
GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0  # the step of the entry sequence
PLASTIC2 = 1.0 / 1.3247179572447460 ** 2  # the step of the dropout sequence

ASSUMPTIONS = (
    "model-based reconstruction, not data: the curves show what a parametric model calibrated "
    "to the published summaries implies",
    "patients enter uniformly over the reported accrual period",
    "administrative censoring at one data cut-off C; the reported median follow-up is read as "
    "the reverse Kaplan-Meier median, C minus half the accrual period; with only a minimum "
    "follow-up printed, C is the accrual period plus that minimum",
    "when no median follow-up is reported but the number of events is, C is chosen so that the "
    "expected number of events equals the reported one",
    "optional loss to follow-up: exponential dropout at a constant monthly rate (default none)",
    "survival is exponential or Weibull within each arm; the Weibull shape is chosen on a grid "
    "to match the reported confidence interval of the median, the reported events and the "
    "landmark rates",
    "joint model: all arms share one Weibull shape and differ by a constant hazard ratio "
    "(proportional hazards); the shape is chosen to match the medians, their CIs, events, "
    "landmark rates and the printed hazard ratio with its CI",
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
    ``median``, ``ci_low``, ``ci_high`` to half a unit of the printed number (its rounding).
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


@dataclass(frozen=True)
class Design:
    """The assumed trial conduct: accrual period, data cut-off (both from first entry), dropout."""

    accrual: float
    cutoff: float  # inf when there is no administrative censoring
    dropout_rate: float = 0.0


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
# data sets from a model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """The parts of the representative data that do not depend on the scale.

    Event times are ``scale * q``; ``limit`` is each patient's censoring time (cut-off minus
    entry, or dropout). Built once per design, so calibrating the scale costs no rebuilding.

    Patient ``i`` (of ``n``) has the event quantile ``(i + 1/2) / n`` and the entry quantile
    ``frac(s + i * (sqrt(5) - 1) / 2)``, a golden-ratio (Kronecker) sequence shifted by a
    seeded ``s``: the pairs cover the unit square evenly, where a random permutation leaves
    clumps and gaps that move the sample's events, median and hazard ratio from the model's.
    A dropout time, when a dropout rate is set, takes a second sequence (step ``1 / g**2``,
    ``g`` the plastic number).
    """

    q: np.ndarray
    limit: np.ndarray

    @classmethod
    def build(cls, shape: float, design: Design, n: int, seed: int) -> Sample:
        rng = np.random.default_rng(seed)
        i = np.arange(n)
        p = (i + 0.5) / n
        q = (-np.log1p(-p)) ** (1.0 / shape)
        entry = design.accrual * np.mod(rng.random() + i * GOLDEN, 1.0)
        if design.dropout_rate > 0:
            dropout = -np.log1p(-np.mod(rng.random() + i * PLASTIC2, 1.0)) / design.dropout_rate
        else:
            dropout = np.full(n, np.inf)
        return cls(q, np.minimum(design.cutoff - entry, dropout))

    def observe(self, scale: float) -> tuple[np.ndarray, np.ndarray]:
        event_t = scale * self.q
        return np.minimum(event_t, self.limit), (event_t <= self.limit).astype(int)

    def km_median(self, scale: float) -> float:
        time, event = self.observe(scale)
        st, ss = km_steps(time, event)
        m = km_median(st, ss, float(time.max()))
        return math.inf if math.isnan(m) else m


@functools.lru_cache(maxsize=256)
def build_sample(shape: float, design: Design, n: int, seed: int) -> Sample:
    """:meth:`Sample.build`, remembered: a calibration asks for the same sample many times."""
    return Sample.build(shape, design, n, seed)


def representative_ipd(
    shape: float, scale: float, design: Design, n: int, seed: int,
) -> pd.DataFrame:
    """Deterministic pseudo data: stratified quantiles paired by a seeded permutation."""
    time, event = Sample.build(shape, design, n, seed).observe(scale)
    return pd.DataFrame({"time": time, "event": event})


def random_trial(
    shape: float, scale: float, design: Design, n: int, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """One random trial from the model (for the uncertainty band): times and events."""
    event_t = scale * rng.weibull(shape, n)
    entry = rng.uniform(0.0, design.accrual, n) if design.accrual > 0 else np.zeros(n)
    dropout = (rng.exponential(1.0 / design.dropout_rate, n) if design.dropout_rate > 0
               else np.full(n, np.inf))
    limit = np.minimum(design.cutoff - entry, dropout)
    return np.minimum(event_t, limit), (event_t <= limit).astype(int)


def random_ipd(
    shape: float, scale: float, design: Design, n: int, rng: np.random.Generator,
) -> pd.DataFrame:
    """:func:`random_trial` as a table."""
    time, event = random_trial(shape, scale, design, n, rng)
    return pd.DataFrame({"time": time, "event": event})


def expected_events(shape: float, scale: float, design: Design, n: int) -> float:
    """Expected number of events at the cut-off: N * P(T <= min(C - U, D)), U ~ U(0, A)."""
    u = (np.arange(200) + 0.5) / 200 * design.accrual if design.accrual > 0 else np.zeros(1)
    horizon = design.cutoff if not math.isinf(design.cutoff) else 60.0 * scale
    limit = np.clip(horizon - u, 0.0, None)

    def cdf(t: np.ndarray) -> np.ndarray:
        return -np.expm1(-((t / scale) ** shape))

    if design.dropout_rate == 0:
        return float(n * cdf(limit).mean())
    # P(T <= lim, T <= D) = integral of dF(t) * exp(-rate * t) over [0, lim], on a grid of each lim
    t = limit[:, None] * np.linspace(0.0, 1.0, 401)[None, :]
    d_f = np.diff(cdf(t), axis=1)
    mid = 0.5 * (t[:, 1:] + t[:, :-1])
    return float(n * (d_f * np.exp(-design.dropout_rate * mid)).sum(axis=1).mean())


# --------------------------------------------------------------------------------------------
# rebuilt summaries
# --------------------------------------------------------------------------------------------


def km_median_ci(ipd: pd.DataFrame, level: float = 0.95,
                 conf_type: str = "log-log") -> dict[str, float]:
    """Median, its CI (R's conventions, :mod:`trialrecon.stats.km`) and events; NR is ``inf``."""
    return rebuilt_summary(ipd["time"].to_numpy(), ipd["event"].to_numpy(), level, conf_type)


def rebuilt_summary(time: np.ndarray, event: np.ndarray, level: float = 0.95,
                    conf_type: str = "log-log",
                    landmarks: tuple[Landmark, ...] = ()) -> dict[str, float]:
    """What a paper would print about pseudo data: median, CI, events, landmark rates.

    A landmark beyond the last observed time has no Kaplan-Meier estimate (NaN).
    """
    km = kaplan_meier(time, event)
    m = median_ci(km, level, conf_type)
    out = {"median": m.median, "ci_low": m.ci_low, "ci_high": m.ci_high,
           "events": float(m.events)}
    for lm in landmarks:
        out[lm.key] = (float(km_at(np.array([lm.months]), km.time, km.survival)[0])
                       if lm.months <= km.last_time else math.nan)
    return out


def targets_of(s: Summary) -> dict[str, float]:
    """The reported numbers to match; not reached is ``inf``."""
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
    if s.events is not None:
        out["events"] = float(s.events)
    for lm in s.landmarks:
        out[lm.key] = lm.rate
    return out


# --------------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------------


def design_from_summary(s: Summary, dropout_rate: float = 0.0) -> tuple[Design | None, list[str]]:
    """Accrual and cut-off from the summary; ``None`` cut-off means solve it from events."""
    notes: list[str] = []
    accrual = s.accrual
    if accrual is None:
        accrual = 0.0
        notes.append("accrual period not reported: all patients assumed to enter at once")
    if s.follow_up is not None:
        if s.follow_up < accrual / 2.0:
            # patients entering after the cut-off cannot be in the analysis: the reported
            # accrual period belongs to a later or larger data set than this follow-up
            notes.append(
                f"the accrual period ({accrual:.1f} months) is longer than twice the median "
                f"follow-up ({s.follow_up:g} months), so not every patient can have entered "
                f"before the cut-off; accrual shortened to {2 * s.follow_up:.1f} months "
                "(assumption)")
            accrual = 2.0 * s.follow_up
        return Design(accrual, s.follow_up + accrual / 2.0, dropout_rate), notes
    if s.min_follow_up is not None:
        notes.append(f"median follow-up not reported: the cut-off is the accrual period plus "
                     f"the minimum follow-up ({s.min_follow_up:g} months)")
        return Design(accrual, accrual + s.min_follow_up, dropout_rate), notes
    if s.events is not None:
        notes.append("median follow-up not reported: cut-off solved from the events")
        return None, notes
    notes.append("neither median follow-up nor events reported: no administrative censoring "
                  "assumed (all patients followed to the event)")
    return Design(accrual, math.inf, dropout_rate), notes


def solve_cutoff(shape: float, scale: float, accrual: float, dropout: float, n: int,
                 events: int) -> float | None:
    """The cut-off at which the model expects ``events`` events (None when none does)."""
    def gap(c: float) -> float:
        return expected_events(shape, scale, Design(accrual, c, dropout), n) - events

    return bisect_root(gap, accrual + 1e-6, accrual + 50.0 * scale, 1e-6)


def solve_scale_from_events(shape: float, design: Design, n: int, events: int) -> float | None:
    """The scale at which the model expects ``events`` events under ``design``."""
    def gap(log_scale: float) -> float:
        return events - expected_events(shape, math.exp(log_scale), design, n)

    root = bisect_root(gap, math.log(1e-3), math.log(1e5), 1e-9)
    return None if root is None else math.exp(root)


def bisect_root(f, lo: float, hi: float, xtol: float) -> float | None:  # noqa: ANN001
    """The root of an increasing ``f`` on [lo, hi] by bisection; None without a sign change.

    Plain bisection (to ``xtol``) instead of SciPy's Brent method: the stage needs a root
    now and then, and importing ``scipy.optimize`` costs more than all of its bisections.
    """
    f_lo, f_hi = f(lo), f(hi)
    if f_lo > 0 or f_hi < 0:
        return None
    while hi - lo > xtol:
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def shape_grid(s: Summary, model: str, notes: list[str],
               shapes: np.ndarray | None = None) -> np.ndarray:
    """The Weibull shapes to try: 1 alone when nothing printed can identify the shape."""
    if model == "exponential":
        return np.array([1.0])
    if s.median is None or (s.ci_low is None and s.ci_high is None and s.events is None
                            and not s.landmarks):
        notes.append("Weibull shape not identified by the reported numbers: shape 1 "
                     "(exponential) kept")
        return np.array([1.0])
    return np.geomspace(*SHAPE_GRID) if shapes is None else shapes


def fit_model(
    s: Summary, model: str, seed: int = 1, dropout_rate: float = 0.0, tol: float = 0.10,
    shapes: np.ndarray | None = None, conf_type: str = "log-log", rate_tol: float = 0.05,
) -> ModelFit:
    """Calibrate one model to a summary (see the module docstring for the method).

    Raises :class:`SummaryError` when the summary cannot pin a model down (no N, or neither a
    median nor events).
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}")
    check_identified(s)
    base_design, notes = design_from_summary(s, dropout_rate)
    targets = targets_of(s)
    grid = shape_grid(s, model, notes, shapes)
    best: ModelFit | None = None
    best_loss = math.inf
    for shape in grid.tolist():
        scale, design, more = arm_scale(shape, s, base_design, seed, dropout_rate)
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
    if not best.matched:
        best.notes.append(not_matched_note(best, f"no {model} parameter set", tol))
    return best


def check_identified(s: Summary) -> None:
    """Raise :class:`SummaryError` when no N, or neither a median nor events."""
    if s.n is None or s.n <= 0:
        raise SummaryError("number of patients missing")
    if s.median is None and s.events is None:
        raise SummaryError("median not reached and no number of events: the scale is not "
                           "identified" if s.median_not_reached else "no median and no events")


def not_matched_note(fit: ModelFit, what: str, tol: float) -> str:
    """Which reported number the fit misses most, for the notes."""
    def size(k: str) -> float:
        r = relative_error(k, fit.errors[k], fit.targets[k])
        return abs(r)

    worst = max(fit.errors, key=size)
    return (f"{what} reproduces the reported numbers within {tol:.0%}: largest gap on {worst} "
            f"({fmt(fit.rebuilt[worst])} rebuilt against {fmt(fit.targets[worst])} reported)")


def arm_scale(shape: float, s: Summary, base: Design | None, seed: int,
              dropout: float) -> tuple[float | None, Design | None, list[str]]:
    """The calibrated scale (and the design) of one arm at a given shape, from its own summary.

    With a median: the scale whose representative data have that Kaplan-Meier median; with a
    median not reached: the scale that gives the reported events. ``(None, None, notes)``
    when the summary does not identify it. Remembered: the joint calibrations, with and
    without the printed HR, ask for the same arms at the same shapes.
    """
    scale, design, notes = _arm_scale(shape, s, base, seed, dropout)
    return scale, design, list(notes)


@functools.lru_cache(maxsize=4096)
def _arm_scale(shape: float, s: Summary, base: Design | None, seed: int,
               dropout: float) -> tuple[float | None, Design | None, tuple[str, ...]]:
    notes: list[str] = []
    accrual = base.accrual if base is not None else (s.accrual or 0.0)
    design = base
    if s.median is not None:
        scale = s.median / math.log(2.0) ** (1.0 / shape)
    elif design is not None and s.events is not None:
        scale = solve_scale_from_events(shape, design, s.n, s.events)
        if scale is None:
            return None, None, tuple(notes)
    else:
        return None, None, tuple(notes)
    if design is None:
        if s.events is None:
            return None, None, tuple(notes)
        cutoff = solve_cutoff(shape, scale, accrual, dropout, s.n, s.events)
        if cutoff is None:
            return None, None, tuple(notes)
        design = Design(accrual, cutoff, dropout)
        notes.append(f"cut-off solved from events: {cutoff:.1f} months after first entry")
    sample = build_sample(shape, design, s.n, seed)
    if s.median is not None:
        scale = match_km_median(sample, scale, s.median)
    else:
        scale = match_events(sample, scale, int(s.events))
    return scale, design, tuple(notes)


def evaluate_arm(model: str, shape: float, scale: float, design: Design, s: Summary, seed: int,
                 targets: dict[str, float], tol: float, conf_type: str, rate_tol: float,
                 notes: list[str] | None = None) -> ModelFit:
    """The rebuilt summaries of one arm's representative data and their gaps."""
    time, event = build_sample(shape, design, s.n, seed).observe(scale)
    rebuilt = rebuilt_summary(time, event, s.ci_level, conf_type, s.landmarks)
    errors = errors_of(rebuilt, targets)
    return ModelFit(model, shape, scale, design, s.n, rebuilt, errors,
                    is_match(errors, targets, tol, rate_tol), list(notes or []),
                    targets=targets, seed=seed)


def match_km_median(sample: Sample, scale: float, target: float) -> float:
    """Rescale so the Kaplan-Meier median of the representative data is closest to ``target``.

    The model median equals the reported one by construction, but a finite censored sample's
    Kaplan-Meier median does not. Between two changes in the order of event and censoring
    times the sample's median is proportional to the scale (event times are ``scale * q``),
    so the step ``scale * target / median`` lands on the target unless the order changes on
    the way (without censoring before the median, the first step is the closed form: the
    target over the median of the sorted ``q``, by R's rule the midpoint of the two middle
    values for an even N). A few such steps start from the model scale; when they miss, a
    bisection on the scale factor (0.5 to 2) closes the gap: the KM median
    is a non-decreasing step function of the factor, and the side of the step closer to the
    target is kept. Without a crossing the model scale is kept.
    """
    guess = scale
    for _ in range(4):
        m = sample.km_median(guess)
        if math.isclose(m, target, rel_tol=1e-12):
            return guess
        if not math.isfinite(m) or m <= 0:
            break
        guess *= target / m
    lo, hi = math.log(0.5), math.log(2.0)
    if sample.km_median(scale * math.exp(lo)) > target:
        return scale
    if sample.km_median(scale * math.exp(hi)) < target:
        return scale
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if sample.km_median(scale * math.exp(mid)) < target:
            lo = mid
        else:
            hi = mid
    m_lo = sample.km_median(scale * math.exp(lo))
    m_hi = sample.km_median(scale * math.exp(hi))
    return scale * math.exp(lo if abs(m_lo - target) < abs(m_hi - target) else hi)


def match_events(sample: Sample, scale: float, target: int) -> float:
    """Rescale so the representative data hold ``target`` events (fewer events as scale grows)."""
    def count(log_f: float) -> int:
        return int((scale * math.exp(log_f) * sample.q <= sample.limit).sum())

    lo, hi = math.log(0.5), math.log(2.0)
    if count(lo) < target or count(hi) > target:
        return scale
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if count(mid) > target:
            lo = mid
        else:
            hi = mid
    return scale * math.exp(hi)


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
