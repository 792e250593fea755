"""Pseudo patient data drawn from a calibrated survival model, and its calibration steps.

The *representative* data set of a model (:class:`Sample`) pairs stratified event quantiles
with entry (and dropout) quantiles from a seeded, shifted golden-ratio sequence, a rank-1
lattice (randomised quasi-Monte Carlo: Cranley and Patterson 1976), deterministic for a seed;
random trials from the same model (:func:`random_trial`) make the uncertainty band. The
calibrations that need the finite sample rather than the model live here too: the scale at
which the sample's Kaplan-Meier median is the printed one (:func:`match_km_median`), holds
the printed events (:func:`match_events`), or keeps the curve above 0.5 to the end of
follow-up when the printed median is not reached (:func:`honour_not_reached`).

References
----------
Cranley R, Patterson TNL. Randomization of number theoretic methods for multiple
integration. SIAM J Numer Anal 1976;13:904-914.
Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
1958;53:457-481.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trialrecon.stats.followup import Design
from trialrecon.stats.km import km_median, km_steps

GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0  # the step of the entry sequence
PLASTIC2 = 1.0 / 1.3247179572447460 ** 2  # the step of the dropout sequence


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


def honour_not_reached(sample: Sample, scale: float) -> tuple[float, bool]:
    """The smallest scale (at least ``scale``) whose sample's curve never falls to 0.5.

    A printed "not reached" says the Kaplan-Meier curve stays above 0.5 to the end of
    follow-up. A scale taken from the events or from a hazard ratio may give a curve that
    crosses; the sample's median is a non-decreasing step function of the scale, so a
    bisection on the scale factor (1 to 64) finds where it stops crossing. Returns the scale
    and whether it had to change.
    """
    if math.isinf(sample.km_median(scale)):
        return scale, False
    lo, hi = 0.0, math.log(64.0)
    if math.isfinite(sample.km_median(scale * math.exp(hi))):
        return scale * math.exp(hi), True
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if math.isinf(sample.km_median(scale * math.exp(mid))):
            hi = mid
        else:
            lo = mid
    return scale * math.exp(hi), True
