"""A finer, separately written evaluation of group-sequential exit probabilities.

Shared by ``tests/test_group_sequential.py`` and ``benchmarks/gs_accuracy.py`` to measure
how close boundaries (the project's, rpact's) come to the alpha they should spend. The
method is the recursive numerical integration of Armitage, McPherson and Rowe (1969) as
Jennison and Turnbull (2000, ch. 19) describe it, written here without the package's code:
the score statistic S_k = Z_k sqrt(t_k) has independent N(0, t_k - t_{k-1}) increments
under H0; the sub-density of the paths still inside the boundaries is carried from look to
look on a Simpson grid of ``grid`` points (4001 by default, ten times the package's),
reaching ``width`` standard deviations below the mean of a one-sided test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats


def _simpson_grid(lo: float, hi: float, grid: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(lo, hi, grid)
    w = np.full(grid, 2.0)
    w[1::2] = 4.0
    w[0] = w[-1] = 1.0
    return x, w * (hi - lo) / (3.0 * (grid - 1))


def exit_probabilities(fractions: Sequence[float], upper: Sequence[float], two_sided: bool,
                       grid: int = 4001, width: float = 12.0) -> np.ndarray:
    """P(the test stops at look k) under H0: the first crossing of +-upper (two-sided) or of
    upper (one-sided) at look k; ``grid`` must be odd."""
    t = np.asarray(fractions, dtype=float)
    out = np.zeros(t.size)
    out[0] = stats.norm.sf(upper[0]) * (2.0 if two_sided else 1.0)
    root = math.sqrt(t[0])
    x, w = _simpson_grid(-upper[0] * root if two_sided else -width * root,
                         upper[0] * root, grid)
    mass = w * stats.norm.pdf(x / root) / root  # Simpson weight times density
    for k in range(1, t.size):
        sd = math.sqrt(t[k] - t[k - 1])
        b = upper[k] * math.sqrt(t[k])
        cross = stats.norm.sf((b - x) / sd)
        if two_sided:
            cross = cross + stats.norm.cdf((-b - x) / sd)
        out[k] = float(mass @ cross)
        if k == t.size - 1:
            break
        x_new, w_new = _simpson_grid(-b if two_sided else -width * math.sqrt(t[k]), b, grid)
        dens = np.empty(grid)
        for start in range(0, grid, 400):  # blocks keep the kernel matrix small
            block = x_new[start:start + 400, None]
            dens[start:start + 400] = np.exp(-0.5 * ((block - x[None, :]) / sd) ** 2) @ mass
        x, mass = x_new, w_new * dens / (sd * math.sqrt(2.0 * math.pi))
    return out
