"""Model-based survival curves from published summaries (no digitized curve available).

This is a *model*, not data: when a paper gives only a median with its confidence interval, the
number of patients, perhaps the number of events, the accrual period and the median follow-up,
a parametric survival model per arm is calibrated to those numbers and pseudo patient data are
drawn from it under stated assumptions (:data:`ASSUMPTIONS`). Everything this module returns
carries ``basis = "model-based"``.

Methods:

* survival models: exponential and Weibull, S(t) = exp(-(t / scale) ** shape), with the scale
  set so that the Kaplan-Meier median of the representative pseudo data equals the reported
  median (the model median, when no scale does);
* follow-up: uniform accrual over the reported period and administrative censoring at a data
  cut-off C; the reverse Kaplan-Meier median follow-up (Schemper M, Smith TL. Control Clin
  Trials 1996;17:343-346) of such a design is C - A/2, which fixes C from the reported median
  follow-up; with no follow-up but a known number of events, C is solved from the events;
* the reported median's confidence interval is compared with the interval lifelines computes
  for the pseudo data (Brookmeyer R, Crowley J. Biometrics 1982;38:29-41, by inversion of the
  pointwise Kaplan-Meier band), and the Weibull shape is chosen on a grid to bring the rebuilt
  interval (and events) closest to the reported ones;
* pseudo data: the representative data set pairs stratified quantiles of entry, event and
  dropout times with a seeded permutation (deterministic); the uncertainty band takes pointwise
  2.5 and 97.5 percentiles of the Kaplan-Meier curves of repeated random draws;
* two arms: Cox hazard ratio (Cox DR. J R Stat Soc B 1972;34:187-220) and log-rank P
  (Mantel N. Cancer Chemother Rep 1966;50:163-170) of the pseudo data, by lifelines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from trialrecon.stats.km import km_at, km_steps

BASIS = "model-based"
MODELS = ("exponential", "weibull")

ASSUMPTIONS = (
    "model-based reconstruction, not data: the curves show what a parametric model calibrated "
    "to the published summaries implies",
    "patients enter uniformly over the reported accrual period",
    "administrative censoring at one data cut-off C; the reported median follow-up is read as "
    "the reverse Kaplan-Meier median, C minus half the accrual period",
    "when no median follow-up is reported but the number of events is, C is chosen so that the "
    "expected number of events equals the reported one",
    "optional loss to follow-up: exponential dropout at a constant monthly rate (default none)",
    "survival is exponential or Weibull within each arm; the Weibull shape is chosen on a grid "
    "to match the reported confidence interval of the median and the reported events",
    "for duration of response the clock starts at enrollment, not at response: the time to "
    "response is ignored, which overstates follow-up slightly",
)


@dataclass(frozen=True)
class Summary:
    """What a paper reports about one arm's (or cohort's) time-to-event endpoint.

    Times in months. ``median=None`` with ``median_not_reached`` for "not reached"; likewise
    ``ci_high`` with ``ci_high_not_reached``. Missing values are ``None``.
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
    rebuilt: dict[str, float]  # median, ci_low, ci_high, events of the representative data
    errors: dict[str, float]  # rebuilt minus reported, for each reported target
    matched: bool
    notes: list[str] = field(default_factory=list)
    basis: str = BASIS

    def survival(self, t: np.ndarray) -> np.ndarray:
        return np.exp(-((np.asarray(t, dtype=float) / self.scale) ** self.shape))

    def quantile_time(self, p: np.ndarray) -> np.ndarray:
        """Event time with P(T <= t) = p."""
        return self.scale * (-np.log1p(-np.asarray(p, dtype=float))) ** (1.0 / self.shape)


class SummaryError(ValueError):
    """The reported summaries are not enough to calibrate any model."""


# --------------------------------------------------------------------------------------------
# data sets from a model
# --------------------------------------------------------------------------------------------


def _observe(
    event_t: np.ndarray, entry: np.ndarray, dropout: np.ndarray, design: Design,
) -> pd.DataFrame:
    limit = np.minimum(design.cutoff - entry, dropout)
    time = np.minimum(event_t, limit)
    return pd.DataFrame({"time": time, "event": (event_t <= limit).astype(int)})


def representative_ipd(
    shape: float, scale: float, design: Design, n: int, seed: int,
) -> pd.DataFrame:
    """Deterministic pseudo data: stratified quantiles paired by a seeded permutation."""
    rng = np.random.default_rng(seed)
    p = (np.arange(n) + 0.5) / n
    event_t = scale * (-np.log1p(-p)) ** (1.0 / shape)
    entry = design.accrual * rng.permutation(p)
    if design.dropout_rate > 0:
        dropout = -np.log1p(-rng.permutation(p)) / design.dropout_rate
    else:
        dropout = np.full(n, np.inf)
    return _observe(event_t, entry, dropout, design)


def random_ipd(
    shape: float, scale: float, design: Design, n: int, rng: np.random.Generator,
) -> pd.DataFrame:
    """One random trial from the model (for the uncertainty band)."""
    event_t = scale * rng.weibull(shape, n)
    entry = rng.uniform(0.0, design.accrual, n) if design.accrual > 0 else np.zeros(n)
    dropout = (rng.exponential(1.0 / design.dropout_rate, n) if design.dropout_rate > 0
               else np.full(n, np.inf))
    return _observe(event_t, entry, dropout, design)


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


def km_median_ci(ipd: pd.DataFrame, level: float = 0.95) -> dict[str, float]:
    """Median and its CI as lifelines computes them (Brookmeyer-Crowley by band inversion).

    Not reached is ``inf``.
    """
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    kmf = KaplanMeierFitter(alpha=1.0 - level).fit(ipd["time"], ipd["event"])
    ci = median_survival_times(kmf.confidence_interval_)
    return {"median": float(kmf.median_survival_time_), "ci_low": float(ci.iloc[0, 0]),
            "ci_high": float(ci.iloc[0, 1]), "events": float(ipd["event"].sum())}


def _targets(s: Summary) -> dict[str, float]:
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
    return out


def _errors(rebuilt: dict[str, float], targets: dict[str, float]) -> dict[str, float]:
    """Rebuilt minus reported; both not reached is 0, one not reached is inf (signed)."""
    out = {}
    for key, want in targets.items():
        got = rebuilt[key]
        if math.isinf(want) and math.isinf(got):
            out[key] = 0.0
        else:
            out[key] = got - want
    return out


def _loss(errors: dict[str, float], targets: dict[str, float]) -> float:
    """Sum of squared relative errors; a bound reached on one side only costs 1."""
    total = 0.0
    for key, err in errors.items():
        want = targets[key]
        if math.isinf(err) or math.isinf(want):
            total += 0.0 if err == 0 else 1.0
        else:
            total += (err / max(abs(want), 1e-9)) ** 2
    return total


def _is_match(errors: dict[str, float], targets: dict[str, float], tol: float) -> bool:
    """Every target within ``tol`` relative error (events: also within 1), "not reached" alike."""
    for key, err in errors.items():
        want = targets[key]
        if math.isinf(want) or math.isinf(err):
            if err != 0:
                return False
            continue
        allowed = tol * abs(want)
        if key == "events":
            allowed = max(allowed, 1.0)
        if abs(err) > allowed:
            return False
    return True


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
    if s.events is not None:
        notes.append("median follow-up not reported: cut-off solved from the events")
        return None, notes
    notes.append("neither median follow-up nor events reported: no administrative censoring "
                  "assumed (all patients followed to the event)")
    return Design(accrual, math.inf, dropout_rate), notes


def _scale_for(shape: float, s: Summary, design: Design | None) -> float | None:
    if s.median is not None:
        return s.median / math.log(2.0) ** (1.0 / shape)
    return None


def _solve_cutoff(shape: float, scale: float, accrual: float, dropout: float, n: int,
                  events: int) -> float | None:
    def gap(c: float) -> float:
        return expected_events(shape, scale, Design(accrual, c, dropout), n) - events

    lo, hi = accrual + 1e-6, accrual + 50.0 * scale
    if gap(lo) > 0 or gap(hi) < 0:
        return None
    return float(optimize.brentq(gap, lo, hi, xtol=1e-4))


def _solve_scale_from_events(shape: float, design: Design, n: int, events: int) -> float | None:
    def gap(log_scale: float) -> float:
        return expected_events(shape, math.exp(log_scale), design, n) - events

    lo, hi = math.log(1e-3), math.log(1e5)
    if gap(lo) < 0 or gap(hi) > 0:
        return None
    return math.exp(optimize.brentq(gap, lo, hi, xtol=1e-6))


def fit_model(
    s: Summary, model: str, seed: int = 1, dropout_rate: float = 0.0, tol: float = 0.10,
    shapes: np.ndarray | None = None,
) -> ModelFit:
    """Calibrate one model to a summary (see the module docstring for the method).

    Raises :class:`SummaryError` when the summary cannot pin a model down (no N, or neither a
    median nor events).
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}")
    if s.n is None or s.n <= 0:
        raise SummaryError("number of patients missing")
    if s.median is None and s.events is None:
        raise SummaryError("median not reached and no number of events: the scale is not "
                           "identified" if s.median_not_reached else "no median and no events")
    base_design, notes = design_from_summary(s, dropout_rate)
    targets = _targets(s)
    if model == "exponential":
        grid = np.array([1.0])
    elif s.median is None or (s.ci_low is None and s.ci_high is None and s.events is None):
        grid = np.array([1.0])
        notes.append("Weibull shape not identified by the reported numbers: shape 1 "
                     "(exponential) kept")
    else:
        grid = np.geomspace(0.4, 4.0, 31) if shapes is None else shapes
    best: ModelFit | None = None
    for shape in grid.tolist():
        fit = _evaluate(shape, s, base_design, targets, seed, dropout_rate, tol, model)
        if fit is None:
            continue
        if best is None or _loss(fit.errors, targets) < _loss(best.errors, targets) - 1e-12:
            best = fit
    if best is None:
        raise SummaryError("no parameter value reproduces the reported events with this design")
    best.notes = notes + best.notes
    if not best.matched:
        worst = max(best.errors, key=lambda k: abs(best.errors[k]) / max(abs(targets[k]), 1e-9)
                    if not math.isinf(targets[k]) else (math.inf if best.errors[k] else 0))
        best.notes.append(
            f"no {model} parameter set reproduces the reported numbers within {tol:.0%}: "
            f"largest gap on {worst} ({_fmt(best.rebuilt[worst])} rebuilt against "
            f"{_fmt(targets[worst])} reported)")
    return best


def _evaluate(
    shape: float, s: Summary, base: Design | None, targets: dict[str, float], seed: int,
    dropout: float, tol: float, model: str,
) -> ModelFit | None:
    notes: list[str] = []
    accrual = base.accrual if base is not None else (s.accrual or 0.0)
    scale = _scale_for(shape, s, base)
    design = base
    if scale is None:  # median not reached: the events give the scale
        if design is None or s.events is None:
            return None
        scale = _solve_scale_from_events(shape, design, s.n, s.events)
        if scale is None:
            return None
    if design is None:
        cutoff = _solve_cutoff(shape, scale, accrual, dropout, s.n, s.events)
        if cutoff is None:
            return None
        design = Design(accrual, cutoff, dropout)
        notes.append(f"cut-off solved from events: {cutoff:.1f} months after first entry")
    if s.median is not None:
        scale = _match_km_median(shape, scale, design, s.n, seed, s.median)
    elif s.events is not None:
        scale = _match_events(shape, scale, design, s.n, seed, s.events)
    ipd = representative_ipd(shape, scale, design, s.n, seed)
    rebuilt = km_median_ci(ipd, s.ci_level)
    errors = _errors(rebuilt, targets)
    return ModelFit(model, shape, scale, design, s.n, rebuilt, errors,
                    _is_match(errors, targets, tol), notes)


def _km_median_of(shape: float, scale: float, design: Design, n: int, seed: int) -> float:
    ipd = representative_ipd(shape, scale, design, n, seed)
    st, ss = km_steps(ipd["time"].to_numpy(), ipd["event"].to_numpy())
    hit = np.flatnonzero(ss <= 0.5)
    return float(st[hit[0]]) if hit.size else math.inf


def _match_km_median(
    shape: float, scale: float, design: Design, n: int, seed: int, target: float,
) -> float:
    """Rescale so the Kaplan-Meier median of the representative data is closest to ``target``.

    The model median equals the reported one by construction, but a finite censored sample's
    Kaplan-Meier median does not; a bisection on the scale factor (0.5 to 2) closes that gap.
    The KM median is a non-decreasing step function of the factor; the factor on the side of the
    step closer to the target is kept. Without a crossing the model scale is kept.
    """
    lo, hi = math.log(0.5), math.log(2.0)
    if _km_median_of(shape, scale * math.exp(lo), design, n, seed) > target:
        return scale
    if _km_median_of(shape, scale * math.exp(hi), design, n, seed) < target:
        return scale
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if _km_median_of(shape, scale * math.exp(mid), design, n, seed) < target:
            lo = mid
        else:
            hi = mid
    m_lo = _km_median_of(shape, scale * math.exp(lo), design, n, seed)
    m_hi = _km_median_of(shape, scale * math.exp(hi), design, n, seed)
    return scale * math.exp(lo if abs(m_lo - target) < abs(m_hi - target) else hi)


def _match_events(
    shape: float, scale: float, design: Design, n: int, seed: int, target: int,
) -> float:
    """Rescale so the representative data hold ``target`` events (fewer events as scale grows)."""
    def count(log_f: float) -> int:
        ipd = representative_ipd(shape, scale * math.exp(log_f), design, n, seed)
        return int(ipd["event"].sum())

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


def _fmt(x: float) -> str:
    return "not reached" if math.isinf(x) else f"{x:.3g}"


# --------------------------------------------------------------------------------------------
# band and comparison
# --------------------------------------------------------------------------------------------


def uncertainty_band(
    fit: ModelFit, grid: np.ndarray, draws: int = 200, seed: int = 1, level: float = 0.95,
) -> pd.DataFrame:
    """Pointwise percentiles of the Kaplan-Meier curves of ``draws`` random trials."""
    rng = np.random.default_rng(seed)
    curves = np.empty((draws, grid.size))
    for b in range(draws):
        ipd = random_ipd(fit.shape, fit.scale, fit.design, fit.n, rng)
        st, ss = km_steps(ipd["time"].to_numpy(), ipd["event"].to_numpy())
        cur = km_at(grid, st, ss)
        # beyond the last observed time the curve is unknown
        cur[grid > ipd["time"].max()] = np.nan
        curves[b] = cur
    a = (1.0 - level) / 2.0
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanquantile(curves, a, axis=0)
            hi = np.nanquantile(curves, 1.0 - a, axis=0)
    return pd.DataFrame({"time": grid, "model": fit.survival(grid), "band_low": lo,
                         "band_high": hi})


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
    reported_p: float | None = None,
) -> ArmComparison:
    """Hazard ratio (experimental vs comparator, Cox 1972) and log-rank P (Mantel 1966)."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    data = pd.concat([experimental.assign(arm=1), comparator.assign(arm=0)], ignore_index=True)
    cph = CoxPHFitter().fit(data[["time", "event", "arm"]], "time", "event")
    ci = cph.confidence_intervals_.loc["arm"]
    lr = logrank_test(experimental["time"], comparator["time"], experimental["event"],
                      comparator["event"])
    return ArmComparison(
        float(np.exp(cph.params_["arm"])), float(np.exp(ci.iloc[0])), float(np.exp(ci.iloc[1])),
        float(lr.p_value), reported_hr, reported_low, reported_high, reported_p)
