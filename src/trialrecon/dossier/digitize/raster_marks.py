"""Censor marks on a traced image curve: ticks and plus signs cut off the runs of pixels.

Used by :mod:`.raster` (the runs are its candidates for the curve). Imports numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class _Runs:
    """Candidate runs: column, top, bottom (inclusive) and weighted centre row."""

    col: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    centre: np.ndarray


def _not_arms(runs: _Runs, tick: np.ndarray, reach: np.ndarray, width: float) -> np.ndarray:
    """Runs to keep: not the level arms of a plus sign where the curve is elsewhere.

    A plus drawn at a censored time reaches as far left and right as up and down, on the
    curve's level at that time. Where the curve drops within that reach, a column holds the
    arm and the curve: the arm's run (on the mark's level, thin) would let the trace drop
    early or late, and is left out. The arm reaches as far as ink on the mark's level runs
    unbroken on both sides (a tick's has a drop beside it); a column with only one run keeps
    it.
    """
    keep = np.ones(runs.col.size, dtype=bool)
    marked = np.flatnonzero(~np.isnan(tick))
    if marked.size == 0:
        return keep
    thin = runs.bottom - runs.top + 1 <= width + 1.5
    by_col: dict[int, list[int]] = {}
    for i, c in enumerate(runs.col.tolist()):
        by_col.setdefault(c, []).append(i)
    def covers(c: int, y: float) -> bool:
        return any(runs.top[j] - 0.5 <= y <= runs.bottom[j] + 0.5 for j in by_col.get(c, []))

    for i in marked:
        x, y = int(runs.col[i]), float(tick[i])
        limit = int(np.floor(reach[i])) + 1
        # the arm's reach: as far as ink on the mark's level runs unbroken on both sides
        m = min(next((d - 1 for d in range(1, limit + 1) if not covers(x - side * d, y)),
                     limit) for side in (1, -1))
        if m < 2:
            continue  # a tick: a drop beside it breaks the level
        for c in range(x - m, x + m + 1):
            arm = [j for j in by_col.get(c, []) if thin[j] and abs(runs.centre[j] - y) <= 1.0]
            if c != x and len(by_col.get(c, [])) > len(arm):
                keep[arm] = False
    return keep


def _one_sided(runs: _Runs, level: np.ndarray, i: int, j: int, on_left: bool) -> None:
    """A tall run with a flat run on one side only (a drop's stroke on the other).

    A mark reaches past the flat run's line on the side a drop cannot: above a run on its
    left, below a run on its right. Reaching past it by about as much on the other side too,
    it is a mark alone and is cut to the line; else a drop passes through it and keeps its
    other end.
    """
    above = runs.top[j] - runs.top[i]
    below = runs.bottom[i] - runs.bottom[j]
    outside, other = (above, below) if on_left else (below, above)
    if outside <= 1.5:
        return
    level[i] = runs.centre[j]
    alone = abs(outside - other) <= 1.5
    if alone or on_left:
        runs.top[i] = runs.top[j]
    if alone or not on_left:
        runs.bottom[i] = runs.bottom[j]
    runs.centre[i] = runs.centre[j] if alone else (runs.top[i] + runs.bottom[i]) / 2


def _trim_ticks(runs: _Runs, width: float) -> np.ndarray:
    """Cut censor ticks off the runs; the level of the tick where a run had one, else NaN.

    A run reaching more than 1.5 pixels above the flat run it overlaps a few columns to the
    left, or below the one a few columns to the right, has a mark across the line (a tick or a
    plus drawn at a drop reaches out on one side only). It is cut to span from the left run's
    top to the right run's bottom, so a drop under a tick stays a drop; the mark sits at the
    level it reaches out from both sides of, else at the side it reaches out on.
    """
    k = int(np.ceil(width)) + 2
    by_col: dict[int, list[int]] = {}
    for i, c in enumerate(runs.col.tolist()):
        by_col.setdefault(c, []).append(i)
    flat_max = width + 1.5
    level = np.full(runs.col.size, np.nan)

    def near(i: int, col: int) -> int | None:
        best, score = None, 0.0
        for j in by_col.get(col, []):
            if runs.bottom[j] - runs.top[j] + 1 > flat_max:
                continue
            overlap = min(runs.bottom[i], runs.bottom[j]) - max(runs.top[i], runs.top[j]) + 1
            if overlap > score:
                best, score = j, overlap
        return best

    def side(i: int, step: int) -> int | None:
        # the nearest flat run the tick overlaps, k to 2k columns away (nearer columns are the
        # tick's own; a drop's stroke beside a tick is passed over)
        for d in range(k, 2 * k + 1):
            j = near(i, int(runs.col[i]) + step * d)
            if j is not None:
                return j
        return None

    for i in range(runs.col.size):
        if runs.bottom[i] - runs.top[i] + 1 <= flat_max:
            continue
        left, right = side(i, -1), side(i, 1)
        if left is None and right is None:
            continue
        if left is None or right is None:
            _one_sided(runs, level, i, left if right is None else right, right is None)
            continue
        up = runs.top[left] - runs.top[i] > 1.5
        down = runs.bottom[i] - runs.bottom[right] > 1.5
        if not (up or down):
            continue
        same = abs(runs.centre[left] - runs.centre[right]) <= 1.0
        if up and (down or same):
            level[i] = runs.centre[left] if same else (runs.centre[left] + runs.centre[right]) / 2
        else:
            level[i] = runs.centre[right] if down else runs.centre[left]
        runs.top[i], runs.bottom[i] = runs.top[left], runs.bottom[right]
        if runs.bottom[i] - runs.top[i] + 1 <= flat_max:
            runs.centre[i] = (runs.centre[left] + runs.centre[right]) / 2
        else:
            runs.centre[i] = (runs.top[i] + runs.bottom[i]) / 2
    return level


def _group_marks(cols: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Adjacent tick columns are one mark, at their mean column."""
    marks: list[list] = []
    for x, y in zip(cols.tolist(), levels.tolist(), strict=True):
        if marks and x - marks[-1][0][-1] <= 1:
            marks[-1][0].append(x)
        else:
            marks.append([[x], y])
    return np.array([(float(np.mean(xs)), y) for xs, y in marks]).reshape(-1, 2)
