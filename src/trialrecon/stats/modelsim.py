"""Random trials from a calibrated model: the uncertainty band and what it is drawn from.

A calibrated model (:class:`trialrecon.stats.survmodel.ModelFit`) stands for one trial among
many that could have produced the printed numbers. Drawing ``draws`` random trials of the
same size and design from it and taking pointwise 2.5 and 97.5 percentiles of their
Kaplan-Meier curves gives the band the figures show; the same draws, paired across arms,
give the distribution of the hazard ratio (:func:`trialrecon.stats.jointmodel.hr_distribution`).

References
----------
Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall, 1993, chapter 6
(the parametric bootstrap: resampling from a fitted model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialrecon.stats.km import TOLERANCE, km_at, km_steps
from trialrecon.stats.survmodel import ModelFit, random_trial


def simulate_trials(fit: ModelFit, draws: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``draws`` random trials of one arm's model (times and events), from ``seed``."""
    rng = np.random.default_rng(seed)
    return [random_trial(fit.shape, fit.scale, fit.design, fit.n, rng) for _ in range(draws)]


def band_from_trials(trials: list[tuple[np.ndarray, np.ndarray]], fit: ModelFit,
                     grid: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """Pointwise percentiles of the Kaplan-Meier curves of simulated trials, with the model."""
    curves = km_curves(trials, grid)
    a = (1.0 - level) / 2.0
    lo, hi = nan_quantiles(curves, (a, 1.0 - a))
    return pd.DataFrame({"time": grid, "model": fit.survival(grid), "band_low": lo,
                         "band_high": hi})


def km_curves(trials: list[tuple[np.ndarray, np.ndarray]], grid: np.ndarray) -> np.ndarray:
    """The Kaplan-Meier curve of each trial at ``grid`` (NaN past its last observed time).

    Trials of one size without tied or near-tied times (simulated ones) are done all at once:
    sorted row by row, each row's curve is the running product of 1 - event / at-risk, the
    same numbers :func:`trialrecon.stats.km.km_steps` gives; other trials one by one through
    it (which makes near ties ties, as R's ``timefix``).
    """
    sizes = {t.size for t, _ in trials}
    if len(sizes) == 1 and trials and sizes.pop() > 0:
        time = np.stack([t for t, _ in trials])
        event = np.stack([e for _, e in trials]).astype(float)
        order = np.argsort(time, axis=1, kind="stable")
        time = np.take_along_axis(time, order, axis=1)
        loosest = TOLERANCE * np.maximum(1.0, np.abs(time).max(axis=1, keepdims=True))
        if not (time[:, 1:] - time[:, :-1] <= loosest).any():
            event = np.take_along_axis(event, order, axis=1)
            n = time.shape[1]
            surv = np.cumprod(1.0 - event / np.arange(n, 0, -1, dtype=float), axis=1)
            # the last sorted time at or before each grid point, row by row
            idx = np.stack([np.searchsorted(row, grid, side="right") for row in time]) - 1
            rows = np.arange(time.shape[0])[:, None]
            out = np.where(idx >= 0, surv[rows, np.maximum(idx, 0)], 1.0)
            out[grid[None, :] > time[:, -1:]] = np.nan
            return out
    curves = np.empty((len(trials), grid.size))
    for b, (t, e) in enumerate(trials):
        st, ss = km_steps(t, e)
        cur = km_at(grid, st, ss)
        cur[grid > t.max()] = np.nan  # beyond the last observed time the curve is unknown
        curves[b] = cur
    return curves


def nan_quantiles(values: np.ndarray, probs: tuple[float, ...]) -> list[np.ndarray]:
    """Quantiles of each column ignoring NaN, as ``np.nanquantile`` (linear), vectorized.

    A column of NaN only gives NaN.
    """
    ordered = np.sort(values, axis=0)  # NaN sort last
    count = (~np.isnan(values)).sum(axis=0)
    cols = np.arange(values.shape[1])
    out = []
    for p in probs:
        pos = p * np.maximum(count - 1, 0)
        below = np.floor(pos).astype(int)
        above = np.minimum(below + 1, np.maximum(count - 1, 0))
        frac = pos - below
        lo_v = ordered[below, cols]
        hi_v = ordered[above, cols]
        diff = hi_v - lo_v  # numpy's linear interpolation, from whichever end is nearer
        q = np.where(frac >= 0.5, hi_v - diff * (1.0 - frac), lo_v + diff * frac)
        out.append(np.where(count > 0, np.where(frac == 0, lo_v, q), np.nan))
    return out


def uncertainty_band(
    fit: ModelFit, grid: np.ndarray, draws: int = 200, seed: int = 1, level: float = 0.95,
) -> pd.DataFrame:
    """Pointwise percentiles of the Kaplan-Meier curves of ``draws`` random trials."""
    return band_from_trials(simulate_trials(fit, draws, seed), fit, grid, level)
