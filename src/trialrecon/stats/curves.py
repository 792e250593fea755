"""Digitized Kaplan-Meier clicks and numbers at risk, cleaned for reconstruction.

The deterministic, logged preprocessing that comes before Guyot's algorithm
(:mod:`trialrecon.stats.guyot`): the scale of the y axis, the range of survival values,
dropped, clamped, sorted and merged clicks, monotonicity, the point (0, 1), and checks of the
printed numbers at risk. Every change is a :class:`Fix`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCALES = ("probability", "percent", "cumulative_incidence", "cumulative_incidence_percent")
MONOTONE_METHODS = ("carry_forward", "isotonic")


class CurveInputError(ValueError):
    """Clicks or numbers at risk that cannot be reconstructed; the message names file and row."""


@dataclass(frozen=True)
class Fix:
    """One logged preprocessing change: what was done, to how many rows, and the detail."""

    step: str
    count: int
    detail: str


@dataclass(frozen=True)
class GuyotOptions:
    """Settings of the preprocessing and of the algorithm's guards."""

    monotone: str = "carry_forward"  # or "isotonic" (pool-adjacent-violators)
    vertical_tol_frac: float = 0.001  # clicks closer in time than this share of the range merge
    range_tol: float = 0.05  # survival this far outside [0, 1] is clamped; further is an error
    max_iter: int = 100  # cap on the censoring-correction rounds per interval
    boundary_tol_frac: float = 0.003  # clicks this close before a printed time may move onto it
    flat_tol: float = 0.02  # a step within this of S = 0.5 ...
    flat_min_frac: float = 0.05  # ... and longer than this share of the range triggers a warning

    def __post_init__(self) -> None:
        if self.monotone not in MONOTONE_METHODS:
            raise ValueError(f"monotone must be one of {MONOTONE_METHODS}, not {self.monotone!r}")




# --------------------------------------------------------------------------------------------
# scale and range
# --------------------------------------------------------------------------------------------


def _rowlist(rows: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(r) for r in rows[:limit].tolist())
    return shown + (f" and {rows.size - limit} more" if rows.size > limit else "")


def survival_from_scale(
    values: np.ndarray, scale: str, source: str = "clicks", rows: np.ndarray | None = None,
    range_tol: float = 0.05,
) -> np.ndarray:
    """Convert clicked values to survival probabilities, refusing values far off the scale.

    Values within ``range_tol`` (in probability units) of [0, 1] are left for
    :func:`clean_clicks` to clamp: pixel error near the axes is normal. Values further out mean
    a wrong scale or a wrong column, and raise :class:`CurveInputError` naming the row.
    """
    if scale not in SCALES:
        raise CurveInputError(f"{source}: unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    v = np.asarray(values, dtype=float)
    if scale.endswith("percent"):
        v = v / 100.0
    if scale.startswith("cumulative_incidence"):
        v = 1.0 - v
    rows = np.arange(1, len(v) + 1) if rows is None else np.asarray(rows)
    bad_high = np.flatnonzero(v > 1.0 + range_tol)
    bad_low = np.flatnonzero(v < -range_tol)
    if bad_high.size or bad_low.size:
        i = int(min(np.concatenate([bad_high, bad_low])))
        what = "above 1" if v[i] > 1 else "below 0"
        hint = " (percent values? declare the scale as percent)" if v[i] > 1.5 else ""
        raise CurveInputError(
            f"{source}, row {rows[i]}: survival {values[i]} is {what} on the {scale} scale{hint}"
        )
    return v


# --------------------------------------------------------------------------------------------
# preprocessing
# --------------------------------------------------------------------------------------------


def pava_nonincreasing(y: np.ndarray) -> np.ndarray:
    """Least-squares non-increasing fit by pool-adjacent-violators (Barlow et al. 1972)."""
    means: list[float] = []
    sizes: list[int] = []
    for v in y.tolist():
        means.append(v)
        sizes.append(1)
        # a later block above an earlier one violates "non-increasing": pool them
        while len(means) > 1 and means[-1] > means[-2]:
            m2, n2 = means.pop(), sizes.pop()
            m1, n1 = means.pop(), sizes.pop()
            means.append((m1 * n1 + m2 * n2) / (n1 + n2))
            sizes.append(n1 + n2)
    return np.repeat(np.array(means), np.array(sizes))


def clean_clicks(
    time: np.ndarray, surv: np.ndarray, options: GuyotOptions | None = None,
    source: str = "clicks", rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, list[Fix]]:
    """Turn raw clicks (probability scale) into a non-increasing step curve starting at (0, 1).

    Steps, in order, each logged when it changes anything: drop missing values, drop negative
    times, clamp survival to [0, 1], sort by time, merge clicks closer in time than
    ``vertical_tol_frac`` of the time range into the group's lowest click (a vertical run of a
    dense trace), enforce monotonicity, force the point (0, 1).
    """
    opt = options or GuyotOptions()
    t = np.asarray(time, dtype=float)
    s = np.asarray(surv, dtype=float)
    rows = np.arange(1, len(t) + 1) if rows is None else np.asarray(rows)
    fixes: list[Fix] = []
    if t.size == 0:
        raise CurveInputError(f"{source}: the curve has no points")
    s = survival_from_scale(s, "probability", source, rows, opt.range_tol)

    keep = ~(np.isnan(t) | np.isnan(s))
    if not keep.all():
        fixes.append(Fix("missing", int((~keep).sum()), f"dropped rows {_rowlist(rows[~keep])}"))
        t, s, rows = t[keep], s[keep], rows[keep]
    neg = t < 0
    if neg.any():
        fixes.append(Fix("negative_time", int(neg.sum()),
                         f"dropped clicks with time < 0 (rows {_rowlist(rows[neg])})"))
        t, s, rows = t[~neg], s[~neg], rows[~neg]
    if t.size == 0:
        raise CurveInputError(f"{source}: the curve has no points at time >= 0")
    out = (s < 0) | (s > 1)
    if out.any():
        fixes.append(Fix("clamp", int(out.sum()),
                         f"survival clamped to [0, 1] (rows {_rowlist(rows[out])})"))
        s = np.clip(s, 0.0, 1.0)

    # sort by time; at equal times the higher survival first, so a vertical drop reads downwards
    order = np.lexsort((-s, t))
    if (order != np.arange(t.size)).any():
        moved = int((order != np.arange(t.size)).sum())
        fixes.append(Fix("sort", moved, "clicks reordered by time (higher survival first at ties)"))
        t, s = t[order], s[order]

    t, s, fix = _merge_vertical_runs(t, s, opt.vertical_tol_frac)
    if fix:
        fixes.append(fix)

    if opt.monotone == "carry_forward":
        mono = np.minimum.accumulate(s)
    else:
        mono = pava_nonincreasing(s)
    changed = np.abs(mono - s) > 1e-12
    if changed.any():
        fixes.append(Fix("monotone", int(changed.sum()),
                         f"survival made non-increasing ({opt.monotone.replace('_', '-')}), "
                         f"largest change {np.abs(mono - s).max():.4f}"))
        s = mono

    if t[0] > 0:
        t = np.concatenate([[0.0], t])
        s = np.concatenate([[1.0], s])
        fixes.append(Fix("origin", 1, "added the point (0, 1)"))
    elif s[0] != 1.0:
        fixes.append(Fix("origin", 1, f"survival at time 0 set from {s[0]:.4f} to 1"))
        s = s.copy()
        s[0] = 1.0
        if opt.monotone == "isotonic":
            s = np.minimum(s, 1.0)
    return t, s, fixes


def _merge_vertical_runs(
    t: np.ndarray, s: np.ndarray, tol_frac: float,
) -> tuple[np.ndarray, np.ndarray, Fix | None]:
    """Merge clicks within ``tol_frac`` of the time range of the group's first click.

    A merged group becomes its lowest click (the last of the lowest, at ties), time and
    survival both: a vertical run is the drop of one step, and the bottom of the drop is where
    the curve goes on. The merged click is a clicked point, never a new time between clicks
    (a mean time would move the drop off every click of the run).
    """
    span = float(t[-1] - t[0])
    tol = tol_frac * span if span > 0 else 0.0
    # a group starts where a click lies beyond tol of the current group's first click
    starts = [0]
    first = t[0]
    for i, ti in enumerate(t.tolist()):
        if ti > first + tol:
            starts.append(i)
            first = ti
    if len(starts) == t.size:
        return t, s, None
    idx = np.array(starts)
    ends = np.append(idx[1:], t.size)
    # the lowest click of each run (the last of them at ties)
    bottom = np.array([a + int(np.flatnonzero(s[a:b] == s[a:b].min())[-1])
                       for a, b in zip(idx.tolist(), ends.tolist(), strict=True)])
    new_t, new_s = t[bottom], s[bottom]
    if idx.size and t[0] == 0.0:
        new_t[0] = 0.0  # a run at the origin stays at time 0
    merged = t.size - len(starts)
    fix = Fix("vertical_runs", merged,
              f"{merged} clicks of vertical runs (within {tol:.4g} time units) merged into "
              "the lowest click of their run")
    return new_t, new_s, fix


def clean_nar(
    nar_time: np.ndarray | None, nar_n: np.ndarray | None, n_total: int | None,
    source: str = "numbers at risk", rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, list[Fix]]:
    """Check the numbers at risk; add n at time 0 from N when missing.

    Errors (with the row): a negative or non-integer number, an increase over time, a number at
    time 0 that differs from N, no number at time 0 and no N.
    """
    fixes: list[Fix] = []
    if nar_time is None or len(nar_time) == 0:
        if n_total is None:
            raise CurveInputError(f"{source}: no numbers at risk and no N: nothing to rebuild from")
        return np.array([0.0]), np.array([int(n_total)]), [
            Fix("nar_from_n", 1, f"no numbers at risk: one interval with N = {n_total}")]
    tr = np.asarray(nar_time, dtype=float)
    nr = np.asarray(nar_n, dtype=float)
    rows = np.arange(1, len(tr) + 1) if rows is None else np.asarray(rows)
    for i in range(tr.size):
        if math.isnan(tr[i]) or math.isnan(nr[i]):
            raise CurveInputError(f"{source}, row {rows[i]}: missing time or number at risk")
        if tr[i] < 0:
            raise CurveInputError(f"{source}, row {rows[i]}: negative time {tr[i]:g}")
        if nr[i] < 0 or nr[i] != round(nr[i]):
            raise CurveInputError(
                f"{source}, row {rows[i]}: number at risk {nr[i]:g} is not a whole number >= 0")
    order = np.argsort(tr, kind="stable")
    if (order != np.arange(tr.size)).any():
        fixes.append(Fix("nar_sort", tr.size, "numbers at risk sorted by time"))
        tr, nr, rows = tr[order], nr[order], rows[order]
    dup = np.flatnonzero(np.diff(tr) == 0)
    if dup.size:
        i = int(dup[0]) + 1
        raise CurveInputError(f"{source}, row {rows[i]}: time {tr[i]:g} is listed twice")
    up = np.flatnonzero(np.diff(nr) > 0)
    if up.size:
        i = int(up[0]) + 1
        raise CurveInputError(
            f"{source}, row {rows[i]}: number at risk increases from {nr[i - 1]:g} at time "
            f"{tr[i - 1]:g} to {nr[i]:g} at time {tr[i]:g}")
    if tr[0] > 0:
        if n_total is None:
            raise CurveInputError(
                f"{source}: no number at risk at time 0; give it or give N (--n)")
        if nr[0] > n_total:
            raise CurveInputError(
                f"{source}, row {rows[0]}: {nr[0]:g} at risk exceeds N = {n_total}")
        tr = np.concatenate([[0.0], tr])
        nr = np.concatenate([[float(n_total)], nr])
        fixes.append(Fix("nar_origin", 1, f"added n = {n_total} at risk at time 0 from N"))
    elif n_total is not None and nr[0] != n_total:
        raise CurveInputError(
            f"{source}, row {rows[0]}: {nr[0]:g} at risk at time 0 but N = {n_total}")
    zero = np.flatnonzero(nr == 0)
    if zero.size and zero[0] + 1 < nr.size:
        dropped = nr.size - zero[0] - 1
        fixes.append(Fix("nar_after_zero", int(dropped),
                         f"dropped {dropped} numbers at risk after the first zero"))
        tr, nr = tr[: zero[0] + 1], nr[: zero[0] + 1]
    return tr, nr.astype(int), fixes
