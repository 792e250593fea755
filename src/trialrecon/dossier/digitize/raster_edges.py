"""Corners of a curve drawn with a line wider than its steps, read from the line's edges.

Used by :mod:`.raster` for lines at least ``THICK`` pixels wide (a vector page rendered at
high resolution). Imports numpy only.

A step curve y(x) stroked with a line of width w covers, in column x, the rows from
y(x - w/2) - w/2 to y(x + w/2) + w/2 (its top edge is the curve half a width to the left,
raised by half a width; its bottom edge the curve half a width to the right, lowered by half a
width). So every column of the traced line gives the curve at two times, and steps shorter
than the line is wide, which run together into one slanted band, are read where they are;
taking the run's centre (right for a thin line) would put each such drop half a width early or
late. The samples are made non-decreasing (pool-adjacent-violators; Barlow et al. 1972,
Statistical inference under order restrictions), then split into plateaus.
"""

from __future__ import annotations

import numpy as np

from trialrecon.stats.curves import pava_nonincreasing

THICK = 6.0  # line width (pixels) from which a curve is read from its edges


def _isotonic(y: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence nearest ``y`` in least squares: the clicks' own
    pool-adjacent-violators fit (:func:`~trialrecon.stats.curves.pava_nonincreasing`) of -y."""
    return -pava_nonincreasing(-y)


def edge_corners(cols: np.ndarray, top: np.ndarray, bottom: np.ndarray,
                 width: float) -> np.ndarray:
    """Corner points (x, y) of the step curve whose traced runs are ``top``..``bottom``."""
    half = width / 2.0
    x = np.concatenate([cols - half, cols + half]).astype(float)
    # a run's rows are whole pixels: its edges lie half a pixel outside their centres
    y = np.concatenate([top - 0.5 + half, bottom + 0.5 - half]).astype(float)
    order = np.lexsort((y, x))
    x, y = x[order], _isotonic(y[order])
    pts: list[tuple[float, float]] = [(float(x[0]), float(y[0]))]
    level_sum, count = float(y[0]), 1
    for i in range(1, x.size):
        level = level_sum / count
        if y[i] > level + 0.8:
            drop = (x[i - 1] + x[i]) / 2.0
            pts[-1] = (pts[-1][0], level)
            pts += [(drop, level), (drop, float(y[i]))]
            level_sum, count = float(y[i]), 1
        else:
            level_sum += float(y[i])
            count += 1
            pts[-1] = (pts[-1][0], level_sum / count)
    pts.append((float(x[-1]), level_sum / count))
    return np.array(pts, dtype=float)
