"""The P value a confidence interval implies, on the log scale (ratios) or as printed
(differences), evaluated over the rounding box of the printed numbers.

Altman & Bland (2011), BMJ 343:d2304 ("How to obtain the P value from a confidence
interval"): the standard error is the interval's width over 2 z (on the log scale for a
ratio), the test statistic the estimate (its log) over that error, and P its two-sided
normal tail. For a difference of means the t distribution with the trial's degrees of
freedom may replace the normal one (Altman & Bland give the normal form for large samples).
"""

from __future__ import annotations

import itertools
import math

from scipy import stats


def quantile(level: float, df: float | None = None) -> float:
    """The two-sided critical value of a ``level`` interval: normal, or t with ``df``."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1 (got {level})")
    q = 1 - (1 - level) / 2
    return float(stats.norm.ppf(q) if df is None else stats.t.ppf(q, df))


def _tail(stat: float, df: float | None) -> float:
    return float(2 * (stats.norm.sf(stat) if df is None else stats.t.sf(stat, df)))


def p_from_ratio_ci(est: float, lo: float, hi: float, level: float = 0.95) -> float:
    """Two-sided P of a ratio from its CI (Altman & Bland 2011): SE = (log hi - log lo)/(2 z),
    z = |log est| / SE, P from the normal tail. 1 when the estimate is the null (1)."""
    if min(est, lo, hi) <= 0:
        raise ValueError(f"ratio, lower and upper must be positive (got {est}, {lo}, {hi})")
    se = (math.log(hi) - math.log(lo)) / (2 * quantile(level))
    if se <= 0:
        return 0.0 if est != 1 else 1.0
    return _tail(abs(math.log(est)) / se, None)


def p_from_difference_ci(est: float, lo: float, hi: float, level: float = 0.95,
                         df: float | None = None) -> float:
    """Two-sided P of a difference from its CI: SE = (hi - lo)/(2 q), q the normal (or t with
    ``df``) quantile, statistic |est|/SE (Altman & Bland 2011)."""
    se = (hi - lo) / (2 * quantile(level, df))
    if se <= 0:
        return 0.0 if est != 0 else 1.0
    return _tail(abs(est) / se, df)


def p_range(est: tuple[float, float], lo: tuple[float, float], hi: tuple[float, float],
            level: float = 0.95, *, ratio: bool, df: float | None = None) -> tuple[float, float]:
    """Smallest and largest implied P over the box of (estimate, lower, upper) intervals.

    P falls as the estimate moves away from the null and rises with the interval's width,
    so the extremes lie at the box's corners, or at the null when the estimate's interval
    holds it (P = 1 there).
    """
    null = 1.0 if ratio else 0.0
    ests = list(est) + ([null] if est[0] <= null <= est[1] else [])
    ps = []
    for e, a, b in itertools.product(ests, lo, hi):
        if a >= b or (ratio and min(e, a) <= 0):
            continue
        ps.append(p_from_ratio_ci(e, a, b, level) if ratio
                  else p_from_difference_ci(e, a, b, level, df))
    if not ps:
        raise ValueError("no corner of the box gives a valid interval")
    return min(ps), max(ps)
