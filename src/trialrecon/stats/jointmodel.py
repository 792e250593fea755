"""Joint calibration of the arms of a randomized trial under proportional hazards.

Fitting each arm alone leaves the hazard ratio to chance: whatever shapes the arms' own
medians and intervals pick, their pseudo data give some HR, often far from the printed one.
Here all arms share one Weibull shape ``k`` and differ by constant hazard ratios, so that
``S_e(t) = S_c(t) ** HR`` with ``HR = (scale_c / scale_e) ** k`` (a Weibull proportional-
hazards model; Collett 2015, section 5.6):

* an arm with a printed median gets the scale whose representative pseudo data have that
  Kaplan-Meier median (:func:`trialrecon.stats.survmodel.arm_scale`);
* an arm whose median is not reached gets its scale from a printed HR against an arm that has
  one (``scale_e = scale_c * HR ** (-1 / k)``), else from its events;
* the shape is then chosen to bring everything else printed closest to the rebuilt values:
  each arm's median CI, events and landmark rates, and each printed HR and its CI against
  the Cox HR of the pseudo data (a coarse geometric grid, then a finer one around the best).

With both medians printed the printed HR pins the shape (``k = log HR / log(m_c / m_e)``), so
that value is always among those tried. Without any printed HR the same model, calibrated
to the medians, intervals and events alone, says which HRs the medians imply: the
distribution of the Cox HR over trials simulated from it (:func:`simulate_hrs`) tells
whether a printed HR is compatible with the printed medians under proportional hazards.

References
----------
Collett D. Modelling Survival Data in Medical Research, 3rd ed. CRC Press, 2015 (the Weibull
proportional-hazards model).
Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from trialrecon.stats import survmodel as sm
from trialrecon.stats import targets as tg
from trialrecon.stats import twoarm

JOINT = "joint"
COARSE = (0.3, 5.0, 25)  # the geometric grid of shared shapes: low, high, points
FINE_POINTS = 9  # shapes tried between the neighbours of each of the best coarse ones
FINE_AROUND = 3  # how many of the best coarse shapes are refined
HR_WEIGHT = 4.0  # the printed HR and its CI weigh this much more than the other numbers


@dataclass(frozen=True)
class ArmInput:
    """One arm to calibrate: its id, its summary and the seed of its representative data."""

    arm: str
    summary: sm.Summary
    seed: int


@dataclass(frozen=True)
class PrintedHR:
    """A printed hazard ratio of ``experimental`` against ``comparator`` (values may be None)."""

    experimental: str
    comparator: str
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    level: float = 0.95
    half_units: Mapping[str, float] = field(default_factory=dict, compare=False)

    def targets(self) -> dict[str, float]:
        out = {"hr": self.estimate, "hr_ci_low": self.ci_low, "hr_ci_high": self.ci_high}
        return {k: float(v) for k, v in out.items() if v is not None and v > 0}


@dataclass
class HRFit:
    """A printed HR against the model's and the Cox HR of the representative pseudo data."""

    printed: PrintedHR
    model_hr: float
    rebuilt: dict[str, float]  # hr, hr_ci_low, hr_ci_high, p_logrank
    errors: dict[str, float]
    targets: dict[str, float]


@dataclass
class JointFit:
    """The shared shape, each arm's fit (model ``joint``) and each printed HR's fit."""

    shape: float
    fits: dict[str, sm.ModelFit]
    hrs: list[HRFit]
    used_hr: bool
    loss: float
    matched: bool
    notes: list[str] = field(default_factory=list)


def _hr_link(arm: str, known: Mapping[str, float], hrs: Sequence[PrintedHR],
             shape: float) -> float | None:
    """The scale of ``arm`` from a printed HR against an arm whose scale is known."""
    for h in hrs:
        if h.estimate is None or h.estimate <= 0:
            continue
        if h.experimental == arm and h.comparator in known:
            return known[h.comparator] * h.estimate ** (-1.0 / shape)
        if h.comparator == arm and h.experimental in known:
            return known[h.experimental] * h.estimate ** (1.0 / shape)
    return None


def _scales(shape: float, arms: Sequence[ArmInput], hrs: Sequence[PrintedHR],
            plans: Mapping[str, sm.Plan],
            ) -> tuple[dict[str, float], dict[str, sm.Design], list[str]] | None:
    """Every arm's scale and design at one shared shape; None when some arm is not identified.

    Arms with a median first, then arms linked by a printed HR to an arm with a scale, then
    the others by their own landmark rates or events. A linked arm whose median is printed as
    not reached is kept above 0.5 (:func:`trialrecon.stats.survmodel.honour_not_reached`).
    """
    scales: dict[str, float] = {}
    designs: dict[str, sm.Design] = {}
    notes: list[str] = []
    for a in arms:
        if a.summary.median is not None:
            scale, design, more = sm.arm_scale(shape, a.summary, plans[a.arm], a.seed)
            if scale is None or design is None:
                return None
            scales[a.arm], designs[a.arm] = scale, design
            notes += more
    pending = [a for a in arms if a.arm not in scales]
    while pending:
        linked = [(a, _hr_link(a.arm, scales, hrs, shape)) for a in pending]
        own = [a for a in pending if sm.scale_source(a.summary, plans[a.arm]) is not None]
        a, scale = next(((a, x) for a, x in linked if x is not None),
                        (own[0] if own else pending[0], None))
        s = a.summary
        if scale is not None:
            design = sm.arm_design(shape, scale, s, plans[a.arm], True)
            if design is None:
                return None
            if s.median_not_reached:
                raised, moved = sm.honour_not_reached(
                    sm.build_sample(shape, design, s.n, a.seed), scale)
                if moved:
                    notes.append(f"{a.arm}: median not reached: the scale the printed HR gives "
                                 f"was raised {raised / scale:.3g}-fold so that the curve "
                                 "stays above 0.5")
                    scale = raised
        else:
            scale, design, more = sm.arm_scale(shape, s, plans[a.arm], a.seed)
            if scale is None or design is None:
                return None
            notes += more
        scales[a.arm], designs[a.arm] = scale, design
        pending.remove(a)
    return scales, designs, notes


def _hr_fit(h: PrintedHR, fits: Mapping[str, sm.ModelFit],
            samples: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> HRFit:
    te, ee = samples[h.experimental]
    tc, ec = samples[h.comparator]
    time = np.concatenate([te, tc])
    event = np.concatenate([ee, ec])
    arm = np.concatenate([np.ones(te.size, int), np.zeros(tc.size, int)])
    cox = twoarm.cox_binary(time, event, arm, h.level)
    lr = twoarm.logrank(time, event, arm)
    fe, fc = fits[h.experimental], fits[h.comparator]
    rebuilt = {"hr": cox.hr, "hr_ci_low": cox.hr_low, "hr_ci_high": cox.hr_high,
               "p_logrank": lr.p_value}
    targets = h.targets()
    return HRFit(h, (fc.scale / fe.scale) ** fe.shape, rebuilt,
                 tg.errors_of(rebuilt, targets), targets)


def _evaluate(shape: float, arms: Sequence[ArmInput], hrs: Sequence[PrintedHR],
              plans: Mapping[str, sm.Plan], tol: float, conf_type: str, rate_tol: float,
              use_hr: bool) -> JointFit | None:
    got = _scales(shape, arms, hrs if use_hr else (), plans)
    if got is None:
        return None
    scales, designs, scale_notes = got
    fits: dict[str, sm.ModelFit] = {}
    samples = {}
    for a in arms:
        targets = sm.targets_of(a.summary, plans[a.arm])
        fits[a.arm] = sm.evaluate_arm(JOINT, shape, scales[a.arm], designs[a.arm], a.summary,
                                      a.seed, targets, tol, conf_type, rate_tol)
        samples[a.arm] = sm.build_sample(shape, designs[a.arm], a.summary.n,
                                         a.seed).observe(scales[a.arm])
    hr_fits = [_hr_fit(h, fits, samples) for h in hrs]
    total = sum(tg.loss(_smooth_errors(f), f.targets) for f in fits.values())
    if use_hr:
        total += HR_WEIGHT * sum(tg.loss(h.errors, h.targets) for h in hr_fits)
    matched = all(f.matched for f in fits.values()) and (not use_hr or all(
        tg.is_match(h.errors, h.targets, tol, rate_tol) for h in hr_fits))
    return JointFit(shape, fits, hr_fits, use_hr, total, matched, list(scale_notes))


def _smooth_errors(fit: sm.ModelFit) -> dict[str, float]:
    """The errors for the loss, with the model's expected events instead of the sample's count.

    A representative sample's event count is a whole number that stays put over a range of
    shapes; with a flat loss the shape (and so the HR) would be whatever end of the range
    the search hits first. The expected number is smooth in the shape.
    """
    if "events" not in fit.targets:
        return fit.errors
    expected = sm.expected_events(fit.shape, fit.scale, fit.design, fit.n)
    return {**fit.errors, "events": expected - fit.targets["events"]}


def _pinned_shapes(arms: Sequence[ArmInput], hrs: Sequence[PrintedHR]) -> list[float]:
    """Shapes at which a printed HR equals the ratio of two printed medians' hazards."""
    med = {a.arm: a.summary.median for a in arms if a.summary.median is not None}
    out = []
    for h in hrs:
        me, mc = med.get(h.experimental), med.get(h.comparator)
        if h.estimate is None or h.estimate <= 0 or me is None or mc is None or me == mc:
            continue
        k = math.log(h.estimate) / math.log(mc / me)
        if COARSE[0] <= k <= COARSE[1]:
            out.append(k)
    return out


def identified(arms: Sequence[ArmInput], hrs: Sequence[PrintedHR], use_hr: bool) -> bool:
    """Whether anything printed besides the medians can tell the shared shape.

    A printed HR, a CI of a median, a landmark rate, or the events of an arm whose median is
    printed do; the events of an arm whose median is not reached only set its scale.
    """
    if use_hr and any(h.targets() for h in hrs):
        return True
    return any(s.ci_low is not None or s.ci_high is not None or s.landmarks
               or s.q1 is not None or s.q3 is not None
               or (s.events is not None and s.median is not None)
               for s in (a.summary for a in arms))


def fit_joint(arms: Sequence[ArmInput], hrs: Sequence[PrintedHR] = (),
              dropout_rate: float | None = 0.0,
              tol: float = 0.10, conf_type: str = "log-log", rate_tol: float = 0.05,
              use_hr: bool = True) -> JointFit:
    """Calibrate all arms together under proportional hazards (see the module docstring).

    ``use_hr=False`` ignores the printed HRs (their fit is still reported): the model the
    medians, intervals, events and landmark rates alone imply.

    Raises :class:`trialrecon.stats.survmodel.SummaryError` when fewer than two arms have a
    summary or some arm's scale is not identified at any shape.
    """
    if len(arms) < 2:
        raise sm.SummaryError("the joint model needs at least two arms with summaries")
    for a in arms:
        if a.summary.n is None or a.summary.n <= 0:
            raise sm.SummaryError(f"{a.arm}: number of patients missing")
    plans: dict[str, sm.Plan] = {}
    notes: list[str] = []
    for a in arms:
        plans[a.arm], arm_notes = sm.plan_from_summary(a.summary, dropout_rate)
        notes += [f"{a.arm}: {n}" for n in arm_notes]
    args = (arms, hrs, plans, tol, conf_type, rate_tol, use_hr)
    if not identified(arms, hrs, use_hr):
        best = _evaluate(1.0, *args)
        notes.append("shared shape not identified by the reported numbers: shape 1 "
                     "(exponential, proportional hazards) kept")
    else:
        best = _search(args, _pinned_shapes(arms, hrs) if use_hr else [])
    if best is None:
        if not any(sm.scale_source(a.summary, plans[a.arm]) for a in arms):
            raise sm.SummaryError(sm.UNIDENTIFIED)
        raise sm.SummaryError("no shared shape identifies every arm's scale "
                              "(an arm without a median needs a landmark rate, events with a "
                              "follow-up, or a printed HR against an arm with one)")
    best.notes = notes + list(dict.fromkeys(best.notes))
    for arm, fit in best.fits.items():
        if fit.design.dropout_rate > 0 and plans[arm].dropout is None:
            best.notes.append(f"{arm}: dropout fitted: {fit.design.dropout_rate:.3g} per month "
                              "(censoring before the cut-off)")
    return best


def _search(args: tuple, pinned: list[float]) -> JointFit | None:
    """The best shared shape: a coarse geometric grid and the pinned shapes, then finer.

    The loss of a finite sample is rugged in the shape (a median or a CI limit jumps from
    one event time to the next), so the neighbourhoods of the few best coarse shapes are
    refined, not only that of the best. Among equal losses (nothing printed depends on the
    shape) the shape nearest 1, exponential, is kept.
    """
    tried: dict[float, JointFit | None] = {}

    def run(k: float) -> None:
        if k not in tried:
            tried[k] = _evaluate(k, *args)

    for k in [*np.geomspace(*COARSE).tolist(), 1.0, *pinned]:
        run(k)
    ok = {k: f for k, f in tried.items() if f is not None}
    if not ok:
        return None
    grid = sorted(ok)
    def rank(k: float) -> tuple[float, float]:
        return (ok[k].loss, abs(math.log(k)))  # equal losses: the shape nearest 1

    for k_best in sorted(ok, key=rank)[:FINE_AROUND]:
        i = grid.index(k_best)
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
        for k in np.geomspace(lo, hi, FINE_POINTS).tolist() if hi > lo else []:
            run(k)
    ok = {k: f for k, f in tried.items() if f is not None}
    return ok[min(ok, key=rank)]


# --------------------------------------------------------------------------------------------
# simulated trials
# --------------------------------------------------------------------------------------------




@dataclass(frozen=True)
class HRDistribution:
    """Cox HRs of simulated trials and where a printed HR falls among them."""

    hrs: np.ndarray
    low: float  # the 2.5th percentile (for level 0.95)
    median: float
    high: float
    printed: float | None
    share_below: float | None  # share of simulated HRs below the printed one
    compatible: bool | None  # the printed HR within the central ``level`` of simulated HRs
    level: float = 0.95


def hr_distribution(experimental: Sequence[tuple[np.ndarray, np.ndarray]],
                    comparator: Sequence[tuple[np.ndarray, np.ndarray]],
                    printed: float | None = None, level: float = 0.95) -> HRDistribution:
    """The Cox HR of each pair of simulated trials (experimental draw b with comparator draw b)."""
    hrs = []
    for (te, ee), (tc, ec) in zip(experimental, comparator, strict=True):
        arm = np.concatenate([np.ones(te.size, int), np.zeros(tc.size, int)])
        hrs.append(twoarm.cox_binary(np.concatenate([te, tc]), np.concatenate([ee, ec]),
                                     arm).hr)
    values = np.array(hrs)
    finite = values[np.isfinite(values) & (values > 0)]
    a = (1.0 - level) / 2.0
    lo, mid, hi = (np.quantile(finite, [a, 0.5, 1.0 - a]).tolist() if finite.size
                   else [math.nan] * 3)
    share = compatible = None
    if printed is not None and printed > 0 and finite.size:
        share = float((finite < printed).mean())
        compatible = bool(lo <= printed <= hi)
    return HRDistribution(values, lo, mid, hi, printed, share, compatible, level)
