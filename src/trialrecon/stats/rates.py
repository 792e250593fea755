"""Event rates per person-time and the ratio of two rates.

* :func:`rate_ratio_interval`: the ratio of two Poisson rates e1/t1 over e2/t2 with its
  interval, ``wald`` on the log scale (SE = sqrt(1/e1 + 1/e2); Rothman, Greenland & Lash,
  Modern Epidemiology, 3rd ed. 2008, ch. 14) or ``exact``, the conditional interval from
  the binomial split of the events (e1 given e1 + e2 is binomial with p = t1 R / (t1 R + t2);
  Clopper-Pearson limits for p turned into limits for R: R ``poisson.test``).
"""

from __future__ import annotations

import math

from scipy import stats

RATE_RATIO_METHODS: tuple[str, ...] = ("wald", "exact")
RATE_RATIO_LABELS: dict[str, str] = {
    "wald": "Poisson Wald on the log scale",
    "exact": "exact conditional (binomial; R poisson.test)",
}


def rate(events: float, exposure: float, per: float = 1.0) -> float:
    """Events per ``per`` units of exposure."""
    if exposure <= 0:
        raise ValueError(f"exposure must be positive (got {exposure})")
    return events / exposure * per


def rate_ratio_interval(e1: int, t1: float, e2: int, t2: float, method: str,
                        level: float = 0.95) -> tuple[float, float] | None:
    """The ``level`` interval of (e1/t1)/(e2/t2) by ``method``; None when undefined."""
    if min(t1, t2) <= 0 or min(e1, e2) < 0:
        raise ValueError("exposures must be positive and events non-negative")
    alpha = 1 - level
    if method == "wald":
        if e1 == 0 or e2 == 0:
            return None
        r = (e1 / t1) / (e2 / t2)
        half = float(stats.norm.ppf(1 - alpha / 2)) * math.sqrt(1 / e1 + 1 / e2)
        return r * math.exp(-half), r * math.exp(half)
    if method == "exact":
        n = e1 + e2
        if n == 0:
            return None
        p_lo = 0.0 if e1 == 0 else float(stats.beta.ppf(alpha / 2, e1, n - e1 + 1))
        p_hi = 1.0 if e1 == n else float(stats.beta.ppf(1 - alpha / 2, e1 + 1, n - e1))
        lo = p_lo / (1 - p_lo) * t2 / t1
        hi = math.inf if p_hi >= 1 else p_hi / (1 - p_hi) * t2 / t1
        return lo, hi
    raise ValueError(f"unknown method {method!r}; choose from {', '.join(RATE_RATIO_METHODS)}")
