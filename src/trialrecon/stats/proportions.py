"""Confidence intervals for a binomial proportion, and which method a paper used.

Seven two-sided intervals for ``x`` successes out of ``n``:

* ``clopper_pearson``: the exact interval of Clopper & Pearson (1934), Biometrika 26:404-413
  (R's ``binom.test``);
* ``wilson``: the score interval of Wilson (1927), JASA 22:209-212;
* ``wilson_cc``: the score interval with continuity correction as R's ``prop.test`` computes
  it: method 4 of Newcombe (1998), Stat Med 17:857-872, except at x = n/2, where R drops
  the correction (see :func:`_wilson_cc`);
* ``agresti_coull``: Agresti & Coull (1998), Am Stat 52:119-126;
* ``jeffreys``: the equal-tailed Jeffreys interval of Brown, Cai & DasGupta (2001), Stat Sci
  16:101-133;
* ``wald``: the normal-approximation interval (the "simple asymptotic" method 1 of Newcombe 1998);
* ``mid_p``: the mid-P exact interval (Lancaster 1961; Berry & Armitage 1995, The Statistician
  44:417-423).

:func:`identify_ci_method` tells which of them reproduce a printed interval at its printed
precision.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from scipy import optimize, stats

METHODS: tuple[str, ...] = (
    "clopper_pearson",
    "wilson",
    "wilson_cc",
    "agresti_coull",
    "jeffreys",
    "wald",
    "mid_p",
)

METHOD_LABELS: dict[str, str] = {
    "clopper_pearson": "Clopper-Pearson (exact)",
    "wilson": "Wilson score",
    "wilson_cc": "Wilson score with continuity correction, as R prop.test",
    "agresti_coull": "Agresti-Coull",
    "jeffreys": "Jeffreys",
    "wald": "Wald",
    "mid_p": "mid-p exact",
}

# Rounding slack: a bound printed as 30.7 stands for any value in [30.65, 30.75]; the epsilon
# absorbs floating-point error when the exact bound sits on the edge.
_EPS = 1e-9


def _check(x: int, n: int, level: float) -> None:
    if isinstance(x, bool) or isinstance(n, bool):
        raise ValueError("x and n must be integers")
    if int(x) != x or int(n) != n:
        raise ValueError(f"x and n must be whole numbers (got x={x}, n={n})")
    if n <= 0:
        raise ValueError(f"n must be at least 1 (got n={n})")
    if x < 0 or x > n:
        raise ValueError(f"x must be between 0 and n (got x={x}, n={n})")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1 (got {level})")


def _z(level: float) -> float:
    return float(stats.norm.ppf(1.0 - (1.0 - level) / 2.0))


def _clip(low: float, high: float) -> tuple[float, float]:
    return max(0.0, low), min(1.0, high)


def _clopper_pearson(x: int, n: int, level: float) -> tuple[float, float]:
    """Clopper & Pearson (1934): beta quantiles, so each tail has at most (1-level)/2."""
    a = (1.0 - level) / 2.0
    low = 0.0 if x == 0 else float(stats.beta.ppf(a, x, n - x + 1))
    high = 1.0 if x == n else float(stats.beta.ppf(1.0 - a, x + 1, n - x))
    return low, high


def _wilson(x: int, n: int, level: float) -> tuple[float, float]:
    """Wilson (1927): invert the score test, centre pulled towards 1/2."""
    z = _z(level)
    p = x / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At x = 0 and x = n the bounds are exactly 0 and 1; set them so rounding cannot move them.
    low = 0.0 if x == 0 else centre - half
    high = 1.0 if x == n else centre + half
    return _clip(low, high)


def _wilson_cc(x: int, n: int, level: float) -> tuple[float, float]:
    """The Wilson interval with continuity correction, as R's ``prop.test(x, n)`` gives it.

    Each bound is Wilson's score bound moved outwards by the correction c/n:
    ``(p' + z^2/2n -+ z sqrt(p'(1-p')/n + z^2/4n^2)) / (1 + z^2/n)`` with p' = (x -+ c)/n,
    0 below and 1 above once p' leaves (0, 1). Newcombe (1998, method 4) always takes
    c = 1/2; R's ``prop.test`` takes c = min(1/2, |x - n/2|) (its ``YATES``, set against the
    null proportion 1/2 it tests), so at x = n/2 the correction vanishes and the interval is
    Wilson's. Elsewhere c = 1/2 and the two agree. :func:`identify_ci_method` accepts either
    form at x = n/2 (SciPy's ``binomtest(...).proportion_ci(method="wilsoncc")`` keeps the
    correction there, as Newcombe does).
    """
    return _corrected_wilson(x, n, level, min(0.5, abs(x - n / 2)))


def _corrected_wilson(x: int, n: int, level: float, c: float) -> tuple[float, float]:
    """Wilson's score bounds at (x - c)/n and (x + c)/n: 0 and 1 once outside (0, 1)."""
    z = _z(level)
    z22n = z * z / (2 * n)

    def bound(p: float, sign: float) -> float:
        root = math.sqrt(p * (1 - p) / n + z22n / (2 * n))
        return (p + z22n + sign * z * root) / (1 + 2 * z22n)

    low = 0.0 if x - c <= 0 else bound((x - c) / n, -1.0)
    high = 1.0 if x + c >= n else bound((x + c) / n, 1.0)
    return _clip(low, high)


def _wilson_cc_newcombe(x: int, n: int, level: float) -> tuple[float, float]:
    """Newcombe's (1998) method 4 as he wrote it: the correction 1/2 at every x."""
    return _corrected_wilson(x, n, level, 0.5)


def _agresti_coull(x: int, n: int, level: float) -> tuple[float, float]:
    """Agresti & Coull (1998): Wald interval after adding z^2/2 successes and failures."""
    z = _z(level)
    n_t = n + z * z
    p_t = (x + z * z / 2) / n_t
    half = z * math.sqrt(p_t * (1 - p_t) / n_t)
    return _clip(p_t - half, p_t + half)


def _jeffreys(x: int, n: int, level: float) -> tuple[float, float]:
    """Brown, Cai & DasGupta (2001): Beta(x+1/2, n-x+1/2) quantiles, ends fixed at 0 and 1."""
    a = (1.0 - level) / 2.0
    low = 0.0 if x == 0 else float(stats.beta.ppf(a, x + 0.5, n - x + 0.5))
    high = 1.0 if x == n else float(stats.beta.ppf(1.0 - a, x + 0.5, n - x + 0.5))
    return low, high


def _wald(x: int, n: int, level: float) -> tuple[float, float]:
    """Normal approximation p +/- z sqrt(p(1-p)/n), truncated to [0, 1]."""
    z = _z(level)
    p = x / n
    half = z * math.sqrt(p * (1 - p) / n)
    return _clip(p - half, p + half)


def _mid_p(x: int, n: int, level: float) -> tuple[float, float]:
    """Mid-P interval (Lancaster 1961; Berry & Armitage 1995).

    The lower bound solves P(X > x) + P(X = x)/2 = (1-level)/2, the upper bound
    P(X < x) + P(X = x)/2 = (1-level)/2; both sides are monotone in p, so a bracketing
    root finder is safe.
    """
    a = (1.0 - level) / 2.0

    def upper_tail(p: float) -> float:
        return float(stats.binom.sf(x, n, p) + 0.5 * stats.binom.pmf(x, n, p)) - a

    def lower_tail(p: float) -> float:
        return float(stats.binom.cdf(x - 1, n, p) + 0.5 * stats.binom.pmf(x, n, p)) - a

    tiny = 1e-15
    low = 0.0 if x == 0 else float(optimize.brentq(upper_tail, tiny, 1 - tiny, xtol=1e-14))
    high = 1.0 if x == n else float(optimize.brentq(lower_tail, tiny, 1 - tiny, xtol=1e-14))
    return low, high


_IMPL: dict[str, Callable[[int, int, float], tuple[float, float]]] = {
    "clopper_pearson": _clopper_pearson,
    "wilson": _wilson,
    "wilson_cc": _wilson_cc,
    "agresti_coull": _agresti_coull,
    "jeffreys": _jeffreys,
    "wald": _wald,
    "mid_p": _mid_p,
}


def proportion_ci(x: int, n: int, method: str, level: float = 0.95) -> tuple[float, float]:
    """The two-sided ``level`` confidence interval for x/n by ``method`` (one of METHODS).

    Bounds are proportions in [0, 1]. The papers behind each method are listed in the module
    docstring.
    """
    _check(x, n, level)
    if method not in _IMPL:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return _IMPL[method](int(x), int(n), level)


def all_cis(x: int, n: int, level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Every method's interval for x/n, keyed by method name in METHODS order."""
    _check(x, n, level)
    return {m: _IMPL[m](int(x), int(n), level) for m in METHODS}


@dataclass(frozen=True)
class MethodMatch:
    """One method's interval compared with a printed one.

    ``lower`` and ``upper`` are in the reported unit (e.g. percent). ``distance`` is the larger
    absolute difference between a computed and a printed bound, in the reported unit, and 0
    when both bounds round to the printed ones (``matches``).
    """

    method: str
    lower: float
    upper: float
    matches: bool
    distance: float


@dataclass(frozen=True)
class CIIdentification:
    """Which methods reproduce a printed interval for x/n; ``matches`` sorted best first."""

    x: int
    n: int
    reported: tuple[float, float]
    decimals: int
    matches: list[MethodMatch]

    @property
    def matching_methods(self) -> list[str]:
        """Methods whose both bounds round to the printed bounds."""
        return [m.method for m in self.matches if m.matches]

    @property
    def closest(self) -> MethodMatch:
        """The best method: a matching one if any, else the one with the smallest distance."""
        return self.matches[0]


def decimals_of(text: str) -> int:
    """Number of decimals printed in a number: ``"30.7"`` -> 1, ``"58"`` -> 0."""
    try:
        exponent = Decimal(str(text).strip()).as_tuple().exponent
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite number: {text!r}")
    return max(0, -exponent)


def _within(value: float, printed: float, decimals: int) -> bool:
    return abs(value - printed) <= 0.5 * 10.0 ** (-decimals) + _EPS


def identify_ci_method(
    x: int,
    n: int,
    reported_low: float,
    reported_high: float,
    *,
    decimals: int,
    scale: float = 100.0,
    level: float = 0.95,
    decimals_high: int | None = None,
) -> CIIdentification:
    """Compare every method's interval for x/n with a printed one.

    A method reproduces the printed interval when each computed bound, times ``scale`` (100 for
    percent), lies within half a unit of the last printed decimal of the printed bound: those
    are exactly the values that round to what is printed. ``decimals`` applies to both bounds
    unless ``decimals_high`` gives the upper bound's own precision. At x = n/2 ``wilson_cc``
    is tried in both forms (R's, without the correction there, and Newcombe's, with it) and
    reported by the closer one.
    """
    _check(x, n, level)
    if decimals < 0 or (decimals_high is not None and decimals_high < 0):
        raise ValueError("decimals must be non-negative")
    if reported_low > reported_high:
        raise ValueError(f"reported lower bound {reported_low} exceeds upper {reported_high}")
    d_high = decimals if decimals_high is None else decimals_high
    rows: list[tuple[int, float, int, MethodMatch]] = []
    for i, (method, bounds) in enumerate(all_cis(x, n, level).items()):
        variants = [bounds]
        if method == "wilson_cc" and 2 * x == n:  # Newcombe's form keeps the correction
            variants.append(_wilson_cc_newcombe(x, n, level))
        for low, high in variants:
            lo_s, hi_s = low * scale, high * scale
            ok = _within(lo_s, reported_low, decimals) and _within(hi_s, reported_high, d_high)
            raw = max(abs(lo_s - reported_low), abs(hi_s - reported_high))
            rows.append((0 if ok else 1, raw, i, MethodMatch(method, lo_s, hi_s, ok,
                                                             0.0 if ok else raw)))
    rows.sort(key=lambda t: (t[0], t[1], t[2]))
    best: dict[str, MethodMatch] = {}
    for r in rows:  # sorted best first: keep each method's better variant
        best.setdefault(r[3].method, r[3])
    return CIIdentification(
        x=int(x),
        n=int(n),
        reported=(float(reported_low), float(reported_high)),
        decimals=decimals,
        matches=list(best.values()),
    )
