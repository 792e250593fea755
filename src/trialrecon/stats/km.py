"""The project's one Kaplan-Meier implementation: numpy step functions with R's conventions.

Every Kaplan-Meier estimate, median, confidence interval and number at risk of the project
(pseudo data of the model-based and digitized reconstructions, their validation, the figures)
comes from this module, so one convention holds everywhere. The conventions are those of R's
``survival`` package (Therneau; ``survfit``, ``quantile.survfit``), against which the tests
compare printed values:

* times closer than R's ``timefix`` tolerance are one time (``survival::aeqSurv``, the
  default of ``survfit``, ``coxph`` and ``survdiff``): sorted distinct times whose gap is at
  most ``sqrt(.Machine$double.eps)``, absolutely or relative to the mean of the distinct
  times, join the group of the time before them, and every time takes its group's smallest
  value. Times computed in floating point (days over 30.4375, say) that should tie then tie;
  ``timefix=False`` keeps them apart, as ``survfit(..., timefix = FALSE)``;
* survival just after each event time, ``S(t) = prod (1 - d_i / n_i)``, with ``n_i`` the
  number with time >= t_i (censored at t_i count as at risk at t_i);
* Greenwood's variance of the cumulative hazard, ``sum d_i / (n_i (n_i - d_i))`` (infinite
  once ``n_i = d_i``);
* pointwise confidence limits ``log-log`` (the default here), ``log`` or ``plain``, undefined
  (NaN) where R leaves them undefined: at S = 0 for ``log`` and ``log-log``;
* the median is the first time the curve is at 0.5 or below; when it sits exactly on 0.5
  (within a tolerance for floating error, R's ``sqrt(.Machine$double.eps)``), the midpoint of
  that plateau: the time it is reached and the next drop (``print.survfit``; a plateau that
  ends the curve gives the time it is reached);
* the CI of the median is where the lower and upper limits cross 0.5 (Brookmeyer and
  Crowley); a limit that never crosses is *not reached* (``inf`` in :class:`MedianCI`).

References
----------
Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
1958;53:457-481.
Greenwood M. The natural duration of cancer. Reports on Public Health and Medical Subjects
1926;33:1-26.
Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
1982;38:29-41.
Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. Wiley, 1980
(the log-log interval).
Therneau TM. A Package for Survival Analysis in R. R package ``survival`` 3.5.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

TOLERANCE = math.sqrt(np.finfo(float).eps)  # R: sqrt(.Machine$double.eps)
CONF_TYPES = ("log-log", "log", "plain")


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier estimate: one entry per distinct event time.

    ``survival`` is the estimate just after each time; ``var_cumhaz`` the Greenwood variance
    of the cumulative hazard there (``inf`` after a time where everyone at risk had the
    event); ``last_time`` the largest observed time, event or censored, as given (before
    ``timefix``).
    """

    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    survival: np.ndarray
    var_cumhaz: np.ndarray
    last_time: float
    n: int


@dataclass(frozen=True)
class MedianCI:
    """A median and its confidence interval; ``inf`` means not reached."""

    median: float
    ci_low: float
    ci_high: float
    events: int
    level: float = 0.95
    conf_type: str = "log-log"


def near_tie_cuts(sorted_t: np.ndarray, tolerance: float) -> np.ndarray | None:
    """The values R's ``aeqSurv`` maps sorted times onto; None when no two are near-tied.

    Distinct finite times whose gap to the one before is at most ``tolerance``, or at most
    ``tolerance`` times the mean of the distinct times, are not cut points: they fall into
    the group of the time before them (a chain of small gaps makes one group).
    """
    if sorted_t.size < 2:
        return None
    lo, hi = float(sorted_t[0]), float(sorted_t[-1])
    if -math.inf < lo and hi < math.inf:
        # fast path (the model search calls this thousands of times): no positive gap within
        # the loosest threshold, since the mean distinct |t| is at most the largest |t|
        gaps = sorted_t[1:] - sorted_t[:-1]
        loosest = tolerance * max(1.0, abs(lo), abs(hi))
        if gaps.min() > loosest or not gaps[gaps <= loosest].any():
            return None
    y = sorted_t[np.isfinite(sorted_t)]
    if y.size < 2:
        return None
    gaps = np.diff(y)
    distinct = gaps > 0
    uniq = np.concatenate([y[:1], y[1:][distinct]])
    if uniq.size < 2:
        return None
    dy = gaps[distinct]
    tied = (dy <= tolerance) | (dy <= tolerance * float(np.mean(np.abs(uniq))))
    if not tied.any():
        return None
    return uniq[np.concatenate([[True], ~tied])]


def snap_to_cuts(time: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Each finite time replaced by the largest cut point at or below it."""
    idx = np.searchsorted(cuts, time, side="right") - 1
    out = time.copy()
    ok = np.isfinite(time) & (idx >= 0)
    out[ok] = cuts[idx[ok]]
    return out


def fix_near_ties(time: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Times as R's ``survival::aeqSurv`` leaves them: near-ties made exact ties.

    R's ``survfit``, ``coxph`` and ``survdiff`` apply this by default (``timefix = TRUE``,
    Therneau, survival 3.x, vignette "Roundoff error and tied times"): a time within
    ``tolerance`` (absolute, or relative to the mean of the distinct times) of the distinct
    time before it takes that time's group's smallest value. Returns the input (as a float
    array) unchanged when nothing is near-tied.
    """
    t = np.asarray(time, dtype=float)
    if tolerance <= 0:
        return t
    cuts = near_tie_cuts(np.sort(t), tolerance)
    return t if cuts is None else snap_to_cuts(t, cuts)


def _counts(time: np.ndarray, event: np.ndarray, fix: bool = True
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct event times, number at risk (time >= t) and number of events at each.

    ``fix`` applies :func:`fix_near_ties`, reusing the sort of all times the counts need anyway
    (the model search calls this thousands of times).
    """
    sorted_t = np.sort(time)
    if fix:
        cuts = near_tie_cuts(sorted_t, TOLERANCE)
        if cuts is not None:
            time = snap_to_cuts(time, cuts)
            sorted_t = np.sort(time)
    ev_sorted = np.sort(time[event])
    if ev_sorted.size == 0:
        empty = np.zeros(0)
        return empty, empty.astype(int), empty.astype(int)
    keep = np.concatenate([[True], ev_sorted[1:] != ev_sorted[:-1]])
    ev_t = ev_sorted[keep]
    starts = np.flatnonzero(keep)
    deaths = np.diff(np.append(starts, ev_sorted.size))
    at_risk = sorted_t.size - np.searchsorted(sorted_t, ev_t, side="left")
    return ev_t, at_risk, deaths


def kaplan_meier(time: np.ndarray, event: np.ndarray, timefix: bool = True) -> KaplanMeier:
    """The Kaplan-Meier estimate (Kaplan and Meier 1958) with Greenwood's variance.

    Parameters
    ----------
    time : array of observed times (event or censoring), >= 0
    event : array of 1 (event) and 0 (censored)
    timefix : make near-tied times tied first, as R's ``survfit`` (:func:`fix_near_ties`)

    Returns
    -------
    KaplanMeier
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    # the follow-up the data reach, as given: the fix decides which times are one time, not
    # how far follow-up went (a cut-off at 36 months computed as 36 +- 1e-14 stays 36)
    last = float(time.max()) if time.size else 0.0
    if timefix:
        time = fix_near_ties(time)
    ev_t, n_risk, deaths = _counts(time, event, fix=False)
    surv = np.cumprod(1.0 - deaths / n_risk) if ev_t.size else np.zeros(0)
    with np.errstate(divide="ignore"):
        terms = np.where(n_risk > deaths, deaths / (n_risk * np.maximum(n_risk - deaths, 1)),
                         np.inf)
    var = np.cumsum(terms) if ev_t.size else np.zeros(0)
    return KaplanMeier(ev_t, n_risk, deaths, surv, var, last, int(time.size))


def km_steps(time: np.ndarray, event: np.ndarray, timefix: bool = True
             ) -> tuple[np.ndarray, np.ndarray]:
    """Event times and the Kaplan-Meier survival just after each (no variance: fast path).

    ``timefix`` as in :func:`kaplan_meier`.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    ev_t, n_risk, deaths = _counts(time, event, timefix)
    return ev_t, (np.cumprod(1.0 - deaths / n_risk) if ev_t.size else np.zeros(0))


def km_at(query: np.ndarray, steps_t: np.ndarray, steps_s: np.ndarray) -> np.ndarray:
    """The right-continuous step function of :func:`km_steps` evaluated at ``query``."""
    idx = np.searchsorted(steps_t, np.asarray(query, dtype=float), side="right") - 1
    out = np.ones(idx.shape)
    has = idx >= 0
    out[has] = steps_s[idx[has]]
    return out


def at_risk(time: np.ndarray, at: np.ndarray, timefix: bool = True) -> np.ndarray:
    """Numbers at risk at each time of ``at``: patients with time >= t (R's convention).

    ``timefix`` as in :func:`kaplan_meier` (R's ``summary(survfit(...), times = at)``).
    """
    time = np.asarray(time, dtype=float)
    ordered = np.sort(fix_near_ties(time) if timefix else time)
    return ordered.size - np.searchsorted(ordered, np.asarray(at, dtype=float), side="left")


def cumulative_events(time: np.ndarray, event: np.ndarray, at: np.ndarray,
                      timefix: bool = True) -> np.ndarray:
    """Events with time <= t at each time of ``at`` (the row under a journal's figure).

    ``timefix`` as in :func:`kaplan_meier`.
    """
    time = np.asarray(time, dtype=float)
    if timefix:
        time = fix_near_ties(time)
    ev = np.sort(time[np.asarray(event).astype(bool)])
    return np.searchsorted(ev, np.asarray(at, dtype=float), side="right")


def confidence_limits(
    km: KaplanMeier, level: float = 0.95, conf_type: str = "log-log",
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise lower and upper limits of S at each event time, NaN where undefined.

    ``log-log``: ``S ** exp(+-z se / log S)`` (Kalbfleisch and Prentice); ``log``:
    ``S exp(+-z se)`` capped at 1; ``plain``: ``S (1 +- z se)`` within [0, 1]; ``se`` is the
    Greenwood standard error of the cumulative hazard. As in R, the limits are undefined at
    S = 0 (``log``, ``log-log``) and where the variance is infinite.
    """
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {CONF_TYPES}, not {conf_type!r}")
    z = z_value(level)
    s = km.survival
    se = np.sqrt(km.var_cumhaz)
    with np.errstate(all="ignore"):
        if conf_type == "plain":
            half = z * se * s
            lower = np.maximum(s - half, 0.0)
            upper = np.minimum(s + half, 1.0)
        elif conf_type == "log":
            x = np.where(s == 0, np.nan, s)
            lower = np.where(se == 0, s, np.exp(np.log(x) - z * se))
            upper = np.minimum(np.where(se == 0, s, np.exp(np.log(x) + z * se)), 1.0)
        else:
            x = np.where((s == 0) | (s == 1), np.nan, s)
            half = z * se / np.log(x)
            lower = np.where(se == 0, s, np.exp(-np.exp(np.log(-np.log(x)) - half)))
            upper = np.where(se == 0, s, np.exp(-np.exp(np.log(-np.log(x)) + half)))
    return np.where(np.isfinite(lower), lower, np.nan), np.where(np.isfinite(upper), upper,
                                                                 np.nan)


@functools.lru_cache(maxsize=16)
def z_value(level: float) -> float:
    """The two-sided normal quantile of a confidence level (1.96 for 0.95).

    The standard library's inverse normal (Wichura's algorithm AS 241, accurate to about
    1e-16), which spares the stage importing SciPy's distributions.
    """
    return NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)


def median_time(times: np.ndarray, curve: np.ndarray, tol: float = TOLERANCE) -> float:
    """The time a survival curve first reaches 0.5, as R prints it; NaN when it never does.

    ``times`` are the event times and ``curve`` the curve just after each (a Kaplan-Meier
    estimate or one of its confidence limits, NaN where undefined). R's rule
    (``print.survfit``): the first time the curve is below 0.5 + ``tol``; when it sits there
    on 0.5 (within ``tol``) and drops later, the midpoint between that time and the drop.
    A curve that ends on 0.5 gives the time it got there.
    """
    y = np.asarray(curve, dtype=float)
    keep = ~np.isnan(y) & (y < 0.5 + tol)
    if not keep.any():
        return math.nan
    x = np.asarray(times, dtype=float)[keep]
    y = y[keep]
    if abs(y[0] - 0.5) < tol:
        lower = np.flatnonzero(y < y[0])
        if lower.size:
            return float((x[0] + x[lower[0]]) / 2.0)
    return float(x[0])


def km_median(steps_t: np.ndarray, steps_s: np.ndarray, last_time: float | None = None) -> float:
    """Median of a Kaplan-Meier curve (R's rule, see :func:`median_time`); NaN if not reached.

    A Kaplan-Meier curve never rises, so the crossing is found by bisection instead of
    :func:`median_time`'s scan (the calibration loops call this thousands of times).
    ``last_time`` is accepted for symmetry with R's ``quantile.survfit``, which would
    average a final 0.5 plateau with it; the printed median does not.
    """
    if steps_t.size == 0:
        return math.nan
    neg = -steps_s  # non-decreasing
    i1 = int(np.searchsorted(neg, -(0.5 + TOLERANCE), side="right"))  # first S < 0.5 + tol
    if i1 >= steps_s.size:
        return math.nan
    if abs(steps_s[i1] - 0.5) < TOLERANCE:
        i2 = int(np.searchsorted(neg, -steps_s[i1], side="right"))  # first S below it
        if i2 < steps_s.size:
            return float((steps_t[i1] + steps_t[i2]) / 2.0)
    return float(steps_t[i1])


def km_quantile(steps_t: np.ndarray, steps_s: np.ndarray, level: float) -> float:
    """The first time a Kaplan-Meier curve is at or below ``level``; NaN if it never is.

    :func:`km_median` for any level (``level`` 0.75 gives the first quartile of the time, 0.25
    the third), with R's rule for a curve that sits exactly on the level: the midpoint
    between the time it gets there and the next drop (``quantile.survfit``).
    """
    if steps_t.size == 0:
        return math.nan
    neg = -steps_s
    i1 = int(np.searchsorted(neg, -(level + TOLERANCE), side="right"))
    if i1 >= steps_s.size:
        return math.nan
    if abs(steps_s[i1] - level) < TOLERANCE:
        i2 = int(np.searchsorted(neg, -steps_s[i1], side="right"))
        if i2 < steps_s.size:
            return float((steps_t[i1] + steps_t[i2]) / 2.0)
    return float(steps_t[i1])


def median_ci(km: KaplanMeier, level: float = 0.95, conf_type: str = "log-log") -> MedianCI:
    """The median and its CI (Brookmeyer and Crowley 1982, R's rules); ``inf`` = not reached."""
    lower, upper = confidence_limits(km, level, conf_type)

    def reached(t: float) -> float:
        return math.inf if math.isnan(t) else t

    return MedianCI(reached(km_median(km.time, km.survival)),
                    reached(median_time(km.time, lower)),
                    reached(median_time(km.time, upper)),
                    int(km.n_event.sum()), level, conf_type)


def summarize(time: np.ndarray, event: np.ndarray, level: float = 0.95,
              conf_type: str = "log-log", timefix: bool = True) -> MedianCI:
    """Median, its CI and the number of events of one sample (see :func:`median_ci`)."""
    return median_ci(kaplan_meier(time, event, timefix), level, conf_type)


def flat_median_warning(
    steps_t: np.ndarray, steps_s: np.ndarray, t_max: float, tol: float, min_frac: float,
) -> str | None:
    """Warn when a level within ``tol`` of 0.5 lasts longer than ``min_frac`` of the time range.

    On such a stretch a digitization error of a pixel or two moves the median by the length of
    the stretch, so a median read off (or rebuilt from) the curve is fragile.
    """
    if steps_t.size == 0 or t_max <= 0:
        return None
    starts = np.concatenate([[0.0], steps_t])
    levels = np.concatenate([[1.0], steps_s])
    ends = np.concatenate([steps_t, [t_max]])
    near = np.flatnonzero((np.abs(levels - 0.5) <= tol) & (ends - starts > min_frac * t_max))
    if near.size == 0:
        return None
    j = int(near[0])
    return (f"the median sits on a flat stretch: the curve stays at {levels[j]:.3f} from "
            f"{starts[j]:g} to {ends[j]:g}; a small reading error moves the median across it")
