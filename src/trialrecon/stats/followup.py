"""The conduct of a trial behind a rebuilt curve: accrual, cut-off, dropout and follow-up.

A model-based reconstruction (:mod:`trialrecon.stats.survmodel`) draws pseudo patients who
enter uniformly over the accrual period ``A`` (months from the first entry), have an event at
a Weibull time ``T``, may drop out at an exponential time ``D`` (rate ``d`` per month) and are
censored at the data cut-off ``C``: each is followed for ``min(T, D, C - U)``. What a paper
prints about follow-up is a statistic of that conduct, and which one depends on its
definition (the ``follow_up`` terms of the data dictionary):

* **potential follow-up** (the reverse Kaplan-Meier median, Schemper and Smith 1996; the
  default when a paper does not say how): the distribution of the censoring time
  ``min(C - U, D)``, whose survival is ``P(C - U > t) exp(-d t)``; with no dropout its median
  is ``C - A/2``;
* **survivors** (patients alive and followed at the cut-off): ``C - U`` among the patients
  with ``T > C - U`` and ``D > C - U``, so late entrants, who had less time to die, weigh
  more, and the median is *shorter* than ``C - A/2``;
* **censored patients**: the survivors and the patients lost to follow-up (at ``D``);
* **observation time** (the crude median of all follow-up times, deaths included): the
  survival of ``min(T, D, C - U)`` is ``S(t) exp(-d t) P(C - U > t)``;
* **minimum** follow-up: ``C - A``; the longest (a range's upper end): ``C``.

Each statistic grows with ``C``, so a printed one fixes ``C`` given the model
(:func:`cutoff_for`); the expected number of events falls as ``d`` grows, so printed events
fix the dropout rate once ``C`` is fixed otherwise (:func:`solve_dropout`). Everything here
is computed from the model's distributions on fine grids, not from samples: smooth in the
parameters, and cheap enough for the calibration's inner loops.

References
----------
Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time. Control Clin
Trials 1996;17:343-346.
Collett D. Modelling Survival Data in Medical Research, 3rd ed. CRC Press, 2015 (the Weibull
model, section 5.1; censoring mechanisms, section 1.4).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

KINDS = ("potential", "survivors", "censored", "observation", "minimum")
QUANTILES = {"median": 0.5, "iqr_low": 0.25, "iqr_high": 0.75, "range_low": 0.0,
             "range_high": 1.0, "value": 0.0}
GRID = 257  # points of the grids the statistics are computed on
STATED_TERMS = {"reverse kaplan-meier"}  # a potential follow-up the paper says it computed
MAX_DROPOUT = 2.0  # per month: beyond this (a median time to dropout of ten days) no search


@dataclass(frozen=True)
class Design:
    """The assumed trial conduct: accrual period, data cut-off (both from first entry), dropout."""

    accrual: float
    cutoff: float  # inf when there is no administrative censoring
    dropout_rate: float = 0.0


@dataclass(frozen=True)
class FollowUp:
    """A printed follow-up statistic: whose and how (``kind``), which statistic, in months."""

    kind: str  # one of KINDS
    statistic: str  # median, iqr_low, iqr_high, range_low, range_high, value (minimum)
    months: float
    label: str = ""  # the printed category, for example "survivors; reverse Kaplan-Meier"
    half_unit: float = 0.05

    @property
    def key(self) -> str:
        return f"follow_up:{self.kind}:{self.statistic}"

    @property
    def quantile(self) -> float:
        return QUANTILES.get(self.statistic, 0.5)

    @property
    def stated(self) -> bool:
        """Whether the paper says how it was computed (a definition term, not only an origin)."""
        terms = {t.strip().lower() for t in self.label.split(";")}
        return self.kind != "potential" or bool(terms & STATED_TERMS)


def kind_of(terms: Iterable[str]) -> str:
    """The kind of a follow-up from the terms of its category (``survivors; reverse ...``).

    ``minimum`` wins, then whose follow-up (survivors, censored patients), then how
    (observation time); everything else (reverse Kaplan-Meier, all patients, an origin, no
    term at all) is read as the potential follow-up, the reverse Kaplan-Meier convention.
    """
    t = {x.strip().lower() for x in terms}
    if "minimum" in t:
        return "minimum"
    if "survivors" in t:
        return "survivors"
    if "censored patients" in t:
        return "censored"
    if "observation time" in t:
        return "observation"
    return "potential"


# --------------------------------------------------------------------------------------------
# the model's distributions
# --------------------------------------------------------------------------------------------


def weibull_survival(t: np.ndarray, shape: float, scale: float) -> np.ndarray:
    return np.exp(-((np.asarray(t, dtype=float) / scale) ** shape))


def entry_survival(t: np.ndarray, accrual: float, cutoff: float) -> np.ndarray:
    """P(C - U > t) for U uniform on [0, A] (all at 0 when A = 0)."""
    t = np.asarray(t, dtype=float)
    if accrual <= 0:
        return (t < cutoff).astype(float)
    return np.clip((cutoff - t) / accrual, 0.0, 1.0)


def _quantile_of_survival(surv: Callable[[float], float], q: float, hi: float) -> float:
    """The time at which a non-increasing survival function falls to 1 - q (bisection).

    ``surv`` takes and returns plain floats: the calibration calls this in its inner loops,
    where numpy's per-call overhead would dominate.
    """
    target = 1.0 - q
    lo = 0.0
    if surv(hi) > target:
        return hi
    while hi - lo > 1e-9 * max(1.0, hi):
        mid = 0.5 * (lo + hi)
        if surv(mid) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _entry_survival(t: float, accrual: float, cutoff: float) -> float:
    if accrual <= 0:
        return 1.0 if t < cutoff else 0.0
    return min(max((cutoff - t) / accrual, 0.0), 1.0)


def _weighted_quantile(x: np.ndarray, density: np.ndarray, q: float) -> float:
    """The q-quantile of a density tabulated on a grid (trapezoid rule, linear inverse)."""
    mass = np.concatenate([[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * np.diff(x))])
    if mass[-1] <= 0:
        return math.nan
    return float(np.interp(q * mass[-1], mass, x))


def model_follow_up(kind: str, q: float, shape: float, scale: float, design: Design) -> float:
    """A follow-up statistic of the model (see the module docstring); NaN when undefined.

    ``q`` is the quantile: 0.5 for a median, 0.25 and 0.75 for the quartiles, 1 for the
    longest follow-up and 0 for the shortest.
    """
    a, c, d = design.accrual, design.cutoff, design.dropout_rate
    if not math.isfinite(c):
        return math.nan
    if kind == "minimum":
        return max(c - a, 0.0)
    if q >= 1.0:
        return c
    if kind == "potential":
        if q <= 0.0:
            return max(c - a, 0.0)
        return _quantile_of_survival(
            lambda t: _entry_survival(t, a, c) * math.exp(-d * t), q, c)
    if kind == "observation":
        return _quantile_of_survival(
            lambda t: _entry_survival(t, a, c) * math.exp(-d * t - (t / scale) ** shape), q, c)
    if a <= 0 and (kind == "survivors" or d == 0):
        return c  # everyone entered at once: every survivor is followed to the cut-off
    lo = max(c - a, 0.0) if kind == "survivors" else 0.0
    x = np.linspace(lo, c, GRID)
    alive = weibull_survival(x, shape, scale) * np.exp(-d * x)
    admin = np.where(x >= c - a, alive / a, 0.0) if a > 0 else np.zeros_like(x)
    density = admin if kind == "survivors" else admin + d * alive * entry_survival(x, a, c)
    return _weighted_quantile(x, density, q)


def expected_events(shape: float, scale: float, design: Design, n: int) -> float:
    """Expected number of events at the cut-off: N P(T <= min(C - U, D)), U ~ U(0, A).

    The events before time ``x`` of a patient followed for ``x`` are the integral of
    ``f(t) exp(-d t)`` up to ``x``; tabulated once on a grid to the cut-off, they are averaged
    over the potential follow-up ``C - U``, uniform on [C - A, C].
    """
    c = design.cutoff if math.isfinite(design.cutoff) else 60.0 * scale + design.accrual
    t = np.linspace(0.0, c, 2 * GRID)
    cdf = -np.expm1(-((t / scale) ** shape))
    if design.dropout_rate > 0:
        mid = 0.5 * (t[1:] + t[:-1])
        steps = np.diff(cdf) * np.exp(-design.dropout_rate * mid)
        events_by = np.concatenate([[0.0], np.cumsum(steps)])
    else:
        events_by = cdf
    if design.accrual <= 0:
        return float(n * events_by[-1])
    lo = max(c - design.accrual, 0.0)
    x = np.linspace(lo, c, GRID)
    share = np.interp(x, t, events_by)
    if design.accrual > c:  # patients entering after the cut-off are followed for no time
        share = np.concatenate([np.zeros(1), share])
        x = np.concatenate([[c - design.accrual], x])
    mean = float(np.sum(0.5 * (share[1:] + share[:-1]) * np.diff(x))) / design.accrual
    return float(n * mean)


# --------------------------------------------------------------------------------------------
# solving for the conduct
# --------------------------------------------------------------------------------------------


def bisect_root(f: Callable[[float], float], lo: float, hi: float, xtol: float) -> float | None:
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


def cutoff_for(fu: FollowUp, shape: float, scale: float, accrual: float,
               dropout: float) -> float | None:
    """The cut-off at which the model gives the printed follow-up statistic ``fu``.

    Every statistic grows with the cut-off; None when none gives it (a printed observation
    time longer than the model's patients live, for example). The potential follow-up and
    the observation time have closed forms: their survival at the printed value ``v`` is
    ``P(C - U > v) exp(-d v)`` (times ``S(v)``), so ``P(C - U > v)`` is known and, ``C - U``
    being uniform on [C - A, C], ``C = v + A P(C - U > v)``.
    """
    if fu.kind == "minimum":
        return accrual + fu.months
    if fu.quantile >= 1.0:
        return fu.months
    v = fu.months
    if fu.kind in ("potential", "observation"):
        beyond = (1.0 - fu.quantile) * math.exp(dropout * v)
        if fu.kind == "observation":
            alive = math.exp(-((v / scale) ** shape))
            if alive <= 0:
                return None
            beyond /= alive
        if beyond > 1.0 + 1e-12:
            return None  # even everyone followed past v leaves too few beyond it
        return v + accrual * min(beyond, 1.0)

    def gap(c: float) -> float:
        got = model_follow_up(fu.kind, fu.quantile, shape, scale, Design(accrual, c, dropout))
        return (got if math.isfinite(got) else 0.0) - v

    hi = v + accrual + 1.0
    for _ in range(8):
        if gap(hi) >= 0:
            return bisect_root(gap, v, hi, 1e-6 * max(1.0, hi))
        hi = v + 2.0 * (hi - v)
    return None  # no cut-off within 256 accrual periods gives it


def solve_cutoff(shape: float, scale: float, accrual: float, dropout: float, n: int,
                 events: int) -> float | None:
    """The cut-off at which the model expects ``events`` events (None when none does)."""
    def gap(c: float) -> float:
        return expected_events(shape, scale, Design(accrual, c, dropout), n) - events

    return bisect_root(gap, accrual + 1e-6, accrual + 50.0 * scale, 1e-6)


def solve_dropout(shape: float, scale: float, accrual: float, cutoff: float, n: int,
                  events: float | None = None, fu: FollowUp | None = None) -> float:
    """The dropout rate at which the model meets the printed events (else follow-up ``fu``).

    Both fall as dropout grows: 0 when the model without dropout already has no more than
    the printed number, and 0 when no rate up to :data:`MAX_DROPOUT` brings it down to it
    (the follow-up of survivors, for one, never falls below C - A).
    """
    if events is not None:
        def excess(rate: float) -> float:
            return expected_events(shape, scale, Design(accrual, cutoff, rate), n) - events
    elif fu is not None:
        def excess(rate: float) -> float:
            got = model_follow_up(fu.kind, fu.quantile, shape, scale,
                                  Design(accrual, cutoff, rate))
            return (got if math.isfinite(got) else 0.0) - fu.months
    else:
        return 0.0
    if excess(0.0) <= 0:
        return 0.0
    hi = 0.01
    while excess(hi) > 0:
        if hi >= MAX_DROPOUT:
            return 0.0  # out of reach (a survivors' follow-up below C - A): no dropout
        hi *= 4.0
    return illinois_root(excess, hi / 4.0 if hi > 0.01 else 0.0, hi, max(1e-8, 1e-5 * hi))


def illinois_root(f: Callable[[float], float], lo: float, hi: float, xtol: float) -> float:
    """The root of ``f`` between ``lo`` (f > 0) and ``hi`` (f <= 0) by the Illinois method.

    Regula falsi with the stale end's value halved (Dowell and Jarratt 1971): as sure as
    bisection, and on the smooth, monotone functions here it needs a handful of evaluations
    instead of twenty.
    """
    f_lo, f_hi = f(lo), f(hi)
    side = 0
    for _ in range(60):
        if f_hi == f_lo:
            break
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        fx = f(x)
        if fx > 0:
            lo, f_lo = x, fx
            if side == -1:
                f_hi /= 2.0
            side = -1
        else:
            hi, f_hi = x, fx
            if side == 1:
                f_lo /= 2.0
            side = 1
        if hi - lo <= xtol or fx == 0:
            break
    return hi


# --------------------------------------------------------------------------------------------
# the conduct of one arm
# --------------------------------------------------------------------------------------------

# Which printed statistic fixes the cut-off when no cut-off date is printed: the one read
# with the fewest assumptions first (the potential median needs only uniform accrual).
PIN_ORDER = (("potential", "median"), ("survivors", "median"), ("censored", "median"),
             ("observation", "median"), ("potential", "iqr_high"), ("potential", "iqr_low"),
             ("survivors", "iqr_high"), ("survivors", "iqr_low"), ("minimum", "value"),
             ("minimum", "median"), ("potential", "range_high"), ("survivors", "range_high"),
             ("censored", "range_high"), ("observation", "range_high"))


@dataclass(frozen=True)
class Plan:
    """What fixes one arm's conduct before its scale is known.

    ``cutoff`` is fixed (the printed dates); else ``pin``, a printed follow-up statistic,
    fixes it under the model (:func:`cutoff_for`); else, with ``from_events``, the events do
    (:func:`solve_cutoff`); else there is no administrative censoring. ``dropout`` is a rate
    per month, or None to fit it (:func:`solve_dropout`).
    """

    accrual: float
    cutoff: float | None = None
    pin: FollowUp | None = None
    from_events: bool = False
    dropout: float | None = 0.0

    def depends_on_scale(self) -> bool:
        """Whether the cut-off or the dropout rate change with the model's scale."""
        return (self.from_events or self.dropout is None
                or (self.pin is not None and self.pin.kind in ("survivors", "censored",
                                                              "observation")))


def choose_pin(follow_ups: Iterable[FollowUp]) -> FollowUp | None:
    """The printed follow-up statistic that fixes the cut-off (:data:`PIN_ORDER`)."""
    by_key = {(f.kind, f.statistic): f for f in follow_ups}
    return next((by_key[k] for k in PIN_ORDER if k in by_key), None)


def plan_for(accrual: float | None, cutoff: float | None, follow_ups: tuple[FollowUp, ...],
             has_events: bool, dropout: float | None) -> tuple[Plan, list[str]]:
    """The plan of one arm from what is printed, and notes saying how it was read."""
    notes: list[str] = []
    if accrual is None:
        accrual = 0.0
        notes.append("accrual period not reported: all patients assumed to enter at once")
    pin = None
    if cutoff is not None:
        notes.append(f"cut-off {cutoff:.1f} months after the first entry, from the printed "
                     "dates")
        if cutoff < accrual:
            notes.append(f"the cut-off date falls {accrual - cutoff:.1f} months before the end "
                         "of accrual: the patients analysed entered before it; accrual "
                         f"shortened to {cutoff:.1f} months (assumption)")
            accrual = cutoff
    else:
        pin = choose_pin(follow_ups)
        if pin is not None and (pin.kind, pin.statistic) == ("potential", "median") \
                and pin.months < accrual / 2.0:
            # patients entering after the cut-off cannot be in the analysis: the reported
            # accrual period belongs to a later or larger data set than this follow-up
            notes.append(
                f"the accrual period ({accrual:.1f} months) is longer than twice the median "
                f"follow-up ({pin.months:g} months), so not every patient can have entered "
                f"before the cut-off; accrual shortened to {2 * pin.months:.1f} months "
                "(assumption)")
            accrual = 2.0 * pin.months
        if pin is not None and pin.kind == "minimum":
            notes.append(f"median follow-up not reported: the cut-off is the accrual period "
                         f"plus the minimum follow-up ({pin.months:g} months)")
        elif pin is not None and pin.kind != "potential":
            notes.append(f"the printed follow-up ({pin.label or pin.kind}, {pin.statistic} "
                         f"{pin.months:g} months) is read as the {pin.kind} follow-up: the "
                         "cut-off is solved under the model, not as the follow-up plus half "
                         "the accrual")
    from_events = cutoff is None and pin is None and has_events
    if from_events:
        notes.append("median follow-up not reported: cut-off solved from the events")
    elif cutoff is None and pin is None:
        notes.append("neither median follow-up nor events reported: no administrative "
                     "censoring assumed (all patients followed to the event)")
    return Plan(accrual, cutoff, pin, from_events, dropout), notes


def resolve_design(plan: Plan, shape: float, scale: float, n: int, events: int | None,
                   events_free: bool, follow_ups: tuple[FollowUp, ...] = ()
                   ) -> tuple[Design | None, str]:
    """The cut-off and dropout rate of one arm under the model (shape, scale), and a note.

    A printed longest follow-up (a range's upper end) is a floor of the cut-off: someone was
    followed that long. A dropout rate to fit (``plan.dropout`` None) is solved from the
    printed events when they do not set the scale (``events_free``) or the cut-off, else
    from a stated follow-up statistic other than the pin; the cut-off and the rate are
    solved in turn until they settle. With the cut-off solved from the events and no cut-off
    meeting them (fewer events than a cut-off at the end of accrual gives: early closure or
    dropout), the cut-off is put at the end of accrual and the dropout rate fitted to the
    events.
    """
    a = plan.accrual
    fit = plan.dropout is None
    rate = 0.0 if fit else float(plan.dropout or 0.0)
    ev_target = events if fit and events_free and not plan.from_events else None
    fu_target = None
    if fit and ev_target is None:
        fu_target = next((f for f in follow_ups if f != plan.pin and f.kind != "minimum"
                          and f.stated and 0.0 < f.quantile < 1.0), None)
    fit = fit and (ev_target is not None or fu_target is not None)

    # someone was followed this long (a printed range's upper end): the cut-off is no earlier
    floor = max((f.months for f in follow_ups if f.quantile >= 1.0), default=0.0)

    def cut(r: float) -> float | None:
        if plan.cutoff is not None:
            return plan.cutoff
        if plan.pin is not None:
            c = cutoff_for(plan.pin, shape, scale, a, r)
            return None if c is None else max(c, floor)
        if plan.from_events and events is not None:
            return solve_cutoff(shape, scale, a, r, n, events)
        return math.inf

    c = cut(rate)
    if c is None:
        if (plan.from_events and plan.dropout is None and events is not None
                and expected_events(shape, scale, Design(a, a, 0.0), n) > events):
            rate = solve_dropout(shape, scale, a, max(a, 1e-9), n, events)
            return Design(a, max(a, 1e-9), rate), (
                "even a cut-off at the end of accrual gives more events than printed (early "
                f"closure or dropout): cut-off at {a:.1f} months, dropout fitted to the events")
        return None, ""
    if not fit or not math.isfinite(c):
        return Design(a, c, rate), ""
    rounds = 1 if plan.cutoff is not None else 6  # a fixed cut-off does not move with d
    for _ in range(rounds):
        new_rate = solve_dropout(shape, scale, a, c, n, ev_target, fu_target)
        new_c = cut(new_rate)
        if new_c is None:
            break
        settled = abs(new_rate - rate) <= 1e-7 + 1e-4 * rate and abs(new_c - c) <= 1e-6 * c
        rate, c = new_rate, new_c
        if settled:
            break
    return Design(a, c, rate), ""
