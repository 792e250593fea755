"""Kaplan-Meier estimates of pseudo data as plain numpy step functions.

Kaplan EL, Meier P. "Nonparametric estimation from incomplete observations." J Am Stat Assoc
1958;53:457-481.
"""

from __future__ import annotations

import numpy as np


def km_steps(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier estimate (Kaplan and Meier 1958): event times and survival just after."""
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    ev_t = np.unique(time[event])
    if ev_t.size == 0:
        return ev_t, ev_t.copy()
    sorted_t = np.sort(time)
    at_risk = sorted_t.size - np.searchsorted(sorted_t, ev_t, side="left")
    ev_sorted = np.sort(time[event])
    deaths = np.searchsorted(ev_sorted, ev_t, side="right") - np.searchsorted(
        ev_sorted, ev_t, side="left")
    return ev_t, np.cumprod(1.0 - deaths / at_risk)


def km_at(query: np.ndarray, steps_t: np.ndarray, steps_s: np.ndarray) -> np.ndarray:
    """The right-continuous step function of :func:`km_steps` evaluated at ``query``."""
    idx = np.searchsorted(steps_t, np.asarray(query, dtype=float), side="right") - 1
    out = np.ones(idx.shape)
    has = idx >= 0
    out[has] = steps_s[idx[has]]
    return out


def km_median(steps_t: np.ndarray, steps_s: np.ndarray) -> float:
    """First time the curve is at or below 0.5; NaN when it never is."""
    hit = np.flatnonzero(steps_s <= 0.5)
    return float(steps_t[hit[0]]) if hit.size else float("nan")


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
