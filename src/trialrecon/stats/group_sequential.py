"""Group-sequential efficacy boundaries: Lan-DeMets alpha spending and classical tests.

A trial that looks at its data K times, at information fractions t_1 < ... < t_K = 1, has
sequential statistics Z_1, ..., Z_K that are jointly normal with corr(Z_i, Z_j) =
sqrt(t_i / t_j) and means theta sqrt(I_k) (the canonical joint distribution, Jennison and
Turnbull 2000, ch. 3). Boundaries c_k are chosen so that the probability of crossing one
at look k, having crossed none before, equals what a spending function allows (Lan and
DeMets 1983), or so that one constant gives the whole alpha (Pocock 1977; O'Brien and
Fleming 1979). Probabilities are computed by recursive numerical integration of the
density of the continuing paths on a Simpson grid (Armitage, McPherson and Rowe 1969;
Jennison and Turnbull 2000, ch. 19), deterministic and without simulation.

Conventions: ``alpha`` is one-sided, or two-sided with ``sided="two_sided"`` (symmetric
boundaries +-c_k, each tail spending half); ``z`` are the upper boundaries; cumulative
alpha counts both tails of a two-sided test. Spending functions take the one-tail level:

* ``obrien_fleming``: alpha(t) = 2 - 2 Phi(z_{alpha/2} / sqrt(t)) (Lan and DeMets 1983);
* ``pocock``: alpha(t) = alpha log(1 + (e - 1) t) (Lan and DeMets 1983);
* ``power``: alpha(t) = alpha t^rho (Kim and DeMets 1987; rho = 3 by default).

References
----------
Lan KKG, DeMets DL. Discrete sequential boundaries for clinical trials. Biometrika
1983;70:659-663.

O'Brien PC, Fleming TR. A multiple testing procedure for clinical trials. Biometrics
1979;35:549-556.

Pocock SJ. Group sequential methods in the design and analysis of clinical trials.
Biometrika 1977;64:191-199.

Kim K, DeMets DL. Design and analysis of group sequential tests based on the type I error
spending rate function. Biometrika 1987;74:149-154.

Armitage P, McPherson CK, Rowe BC. Repeated significance tests on accumulating data. J R
Stat Soc A 1969;132:235-244.

Jennison C, Turnbull BW. Group Sequential Methods with Applications to Clinical Trials.
Chapman & Hall/CRC, 2000.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

SPENDING = ("obrien_fleming", "pocock", "power")
CLASSICAL = ("pocock_classical", "obrien_fleming_classical")
SIDES = ("one_sided", "two_sided")
_GRID = 401  # Simpson points per look (odd)
_WIDTH = 10.0  # a one-sided test's continuation region reaches this many SDs below the mean
_Z_MAX = 40.0  # a boundary that spends nothing
_ROOT_2PI = math.sqrt(2 * math.pi)


# ------------------------------------------------------------------------------ inputs


def check_fractions(fractions: Sequence[float]) -> tuple[float, ...]:
    """Information fractions: increasing, in (0, 1], the last equal to 1."""
    try:
        t = tuple(float(x) for x in fractions)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"information fractions must be numbers (got {fractions!r})") from exc
    if not t:
        raise ValueError("give at least one analysis")
    if any(not (0 < x <= 1) or math.isnan(x) for x in t):
        raise ValueError(f"information fractions must lie in (0, 1] (got {list(t)})")
    if any(b <= a for a, b in zip(t, t[1:], strict=False)):
        raise ValueError(f"information fractions must increase (got {list(t)})")
    if abs(t[-1] - 1.0) > 1e-12:
        raise ValueError(f"the last analysis must be at information fraction 1 (got {t[-1]})")
    return (*t[:-1], 1.0)


def _check_alpha(alpha: float, sided: str) -> float:
    if sided not in SIDES:
        raise ValueError(f"sided must be one of {', '.join(SIDES)} (got {sided!r})")
    a = float(alpha)
    if not 0 < a < (1 if sided == "one_sided" else 2) or math.isnan(a):
        raise ValueError(f"alpha must lie strictly between 0 and 1 (got {alpha})")
    if a >= 0.5 * (1 if sided == "one_sided" else 2):
        raise ValueError(f"alpha of each tail must be below 0.5 (got {alpha})")
    return a


def spending(t: float | Sequence[float] | np.ndarray, alpha: float,
             kind: str = "obrien_fleming", rho: float = 3.0) -> np.ndarray:
    """Alpha spent by information fraction ``t`` for a one-tail level ``alpha``.

    Parameters
    ----------
    t : array_like
        Information fractions in [0, 1].
    alpha : float
        One-sided level (each tail's, for a two-sided test).
    kind : {"obrien_fleming", "pocock", "power"}
        ``obrien_fleming``: 2 - 2 Phi(z_{alpha/2} / sqrt(t)); ``pocock``:
        alpha log(1 + (e - 1) t); ``power``: alpha t^rho.
    rho : float
        Exponent of the power family.

    References
    ----------
    Lan KKG, DeMets DL. Biometrika 1983;70:659-663. Kim K, DeMets DL. Biometrika
    1987;74:149-154.
    """
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    if kind == "obrien_fleming":
        with np.errstate(divide="ignore"):
            z = stats.norm.isf(alpha / 2) / np.sqrt(t)
        return np.where(t > 0, 2 * stats.norm.sf(z), 0.0)
    if kind == "pocock":
        return alpha * np.log1p((math.e - 1) * t)
    if kind == "power":
        if not rho > 0:
            raise ValueError(f"rho must be positive (got {rho})")
        return alpha * t**rho
    raise ValueError(f"spending must be one of {', '.join(SPENDING)} (got {kind!r})")


# ------------------------------------------------------------------------------ integration


def _simpson(lo: float, hi: float, n: int = _GRID) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(lo, hi, n)
    w = np.ones(n)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    return x, w * (hi - lo) / (3 * (n - 1))


class _Paths:
    """The sub-density of the paths that have crossed no boundary yet, look after look.

    Works on the score scale S_k = Z_k sqrt(t_k) (information in units of the maximum), whose
    increments are independent N(drift dt, dt) (Jennison and Turnbull 2000, ch. 19).
    """

    def __init__(self, drift: float):
        self.drift = drift
        self.t = 0.0
        self.nodes: np.ndarray | None = None
        self.mass: np.ndarray | None = None  # Simpson weight times density at the nodes

    def _mean_sd(self, t: float) -> tuple[np.ndarray | float, float]:
        dt = t - self.t
        base = 0.0 if self.nodes is None else self.nodes
        return base + self.drift * dt, math.sqrt(dt)

    def cross(self, t: float, upper: float, lower: float) -> tuple[float, float]:
        """P(first crossing above ``upper``, below ``lower``) at a look at fraction ``t``."""
        mean, sd = self._mean_sd(t)
        b = upper * math.sqrt(t)
        up = stats.norm.sf((b - mean) / sd)
        if self.nodes is None:
            low = stats.norm.cdf((lower * math.sqrt(t) - mean) / sd) if math.isfinite(
                lower) else 0.0
            return float(up), float(low)
        if not math.isfinite(lower):
            return float(np.dot(self.mass, up)), 0.0
        low = stats.norm.cdf((lower * math.sqrt(t) - mean) / sd)
        return float(np.dot(self.mass, up)), float(np.dot(self.mass, low))

    def advance(self, t: float, upper: float, lower: float, grid: int = _GRID) -> None:
        """Move to the look at ``t``, keeping the paths inside (lower, upper)."""
        mean, sd = self._mean_sd(t)
        b = upper * math.sqrt(t)
        a = lower * math.sqrt(t) if math.isfinite(lower) else -math.inf
        centre = self.drift * t
        lo = max(a, centre - _WIDTH * math.sqrt(t))
        hi = min(b, centre + _WIDTH * math.sqrt(t))
        if hi <= lo:  # nothing continues
            self.nodes, self.mass, self.t = np.array([lo]), np.zeros(1), t
            return
        nodes, weights = _simpson(lo, hi, grid)
        if self.nodes is None:
            dens = stats.norm.pdf((nodes - mean) / sd) / sd
        else:
            # the normal density written out: scipy's pdf is slow on a grid this size
            x = (nodes[:, None] - mean[None, :]) / sd
            dens = (np.exp(-0.5 * x * x) @ self.mass) / (sd * _ROOT_2PI)
        self.nodes, self.mass, self.t = nodes, weights * dens, t


def _crossings(t: Sequence[float], upper: Sequence[float], lower: Sequence[float],
               drift: float) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of first crossing the upper and the lower boundary at each look.

    ``lower`` of -inf means no lower boundary.
    """
    paths = _Paths(drift)
    up, low = np.zeros(len(t)), np.zeros(len(t))
    for k in range(len(t)):
        up[k], low[k] = paths.cross(t[k], upper[k], lower[k])
        if k < len(t) - 1:
            paths.advance(t[k], upper[k], lower[k])
    return up, low


def crossing_probabilities(fractions: Sequence[float], upper: Sequence[float],
                           lower: Sequence[float] | None = None,
                           drift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """P(first crossing of the upper, and of the lower, boundary at each look).

    Parameters
    ----------
    fractions : sequence of float
        Information fractions of the looks.
    upper, lower : sequence of float
        Boundaries on the Z scale (``lower`` None: no lower boundary).
    drift : float
        theta sqrt(I_max): Z_k has mean ``drift * sqrt(t_k)``.

    References
    ----------
    Armitage P, McPherson CK, Rowe BC. J R Stat Soc A 1969;132:235-244. Jennison C,
    Turnbull BW. Group Sequential Methods, 2000, ch. 19.
    """
    t = check_fractions(fractions)
    if len(upper) != len(t) or (lower is not None and len(lower) != len(t)):
        raise ValueError("give one boundary per analysis")
    low = [-math.inf] * len(t) if lower is None else [float(x) for x in lower]
    return _crossings(t, [float(x) for x in upper], low, float(drift))


# ------------------------------------------------------------------------------ designs


@dataclass(frozen=True)
class GroupSequentialDesign:
    """Efficacy boundaries of a group-sequential test.

    ``z`` are the upper boundaries (the lower ones are -z for a two-sided test);
    ``nominal_p`` the one-sided P value each boundary corresponds to, 1 - Phi(z_k);
    ``alpha_spent`` the cumulative type I error after each look (both tails of a two-sided
    test) and ``alpha_increments`` its increments; ``inflation`` the maximum information
    relative to a single analysis with the same alpha and ``power`` (Jennison and Turnbull's
    R), nan when no power is given.
    """

    fractions: tuple[float, ...]
    alpha: float
    sided: str
    spending: str
    z: tuple[float, ...]
    nominal_p: tuple[float, ...]
    alpha_spent: tuple[float, ...]
    alpha_increments: tuple[float, ...]
    power: float = math.nan
    inflation: float = math.nan
    drift: float = math.nan

    @property
    def lower(self) -> tuple[float, ...] | None:
        return tuple(-z for z in self.z) if self.sided == "two_sided" else None

    def hr_boundaries(self, events: Sequence[float], ratio: float = 1.0) -> tuple[float, ...]:
        """The boundaries as hazard ratios: HR_k = exp(-z_k / sqrt(D_k p (1 - p))).

        With D_k events at look k and p = k/(k+1) on the experimental arm (Schoenfeld's
        variance of log HR), a hazard ratio at or below HR_k crosses the boundary.
        """
        if len(events) != len(self.z):
            raise ValueError("give the events of every analysis")
        p = ratio / (1 + ratio)
        return tuple(math.exp(-z / math.sqrt(d * p * (1 - p))) if d > 0 else math.nan
                     for z, d in zip(self.z, events, strict=True))


def _tail_level(alpha: float, sided: str) -> float:
    return alpha if sided == "one_sided" else alpha / 2


def _solve_boundary(paths: _Paths, t: float, target: float, two_sided: bool) -> float:
    """The boundary at fraction ``t`` that spends ``target`` (per tail) under H0."""
    if target <= 1e-15:
        return _Z_MAX

    def excess(c: float) -> float:
        return paths.cross(t, c, -c if two_sided else -math.inf)[0] - target

    if excess(_Z_MAX) > 0:
        return _Z_MAX
    return float(optimize.brentq(excess, 0.0 if two_sided else -_Z_MAX / 4, _Z_MAX,
                                 xtol=1e-10, rtol=1e-12))


def _finish(t: tuple[float, ...], alpha: float, sided: str, kind: str, z: list[float],
            power: float | None) -> GroupSequentialDesign:
    two = sided == "two_sided"
    up, _ = _crossings(t, z, [-x for x in z] if two else [-math.inf] * len(t), 0.0)
    inc = up * (2 if two else 1)
    design = GroupSequentialDesign(
        fractions=t, alpha=alpha, sided=sided, spending=kind, z=tuple(z),
        nominal_p=tuple(float(stats.norm.sf(x)) for x in z),
        alpha_spent=tuple(float(x) for x in np.cumsum(inc)),
        alpha_increments=tuple(float(x) for x in inc))
    if power is None:
        return design
    drift = drift_for_power(design, power)
    fixed = float(stats.norm.isf(_tail_level(alpha, sided)) + stats.norm.ppf(power))
    return GroupSequentialDesign(**{**design.__dict__, "power": float(power),
                                    "inflation": (drift / fixed) ** 2, "drift": drift})


def spending_boundaries(fractions: Sequence[float], alpha: float = 0.025,
                        kind: str = "obrien_fleming", sided: str = "one_sided",
                        power: float | None = None, rho: float = 3.0) -> GroupSequentialDesign:
    """Lan-DeMets efficacy boundaries for looks at ``fractions`` of the information.

    At each look the boundary spends alpha(t_k) - alpha(t_{k-1}) of the type I error given
    the looks before (each tail, for a two-sided test); with ``power`` the maximum
    information's inflation over a single analysis is computed too.

    Parameters
    ----------
    fractions : sequence of float
        Information fractions (events over the final events), the last equal to 1.
    alpha : float
        One-sided level, or the two-sided level with ``sided="two_sided"``.
    kind : {"obrien_fleming", "pocock", "power"}
        The spending function (:func:`spending`).
    sided : {"one_sided", "two_sided"}
    power : float, optional
        Power the design should have at the alternative, for the inflation factor.
    rho : float
        Exponent of the power family.

    Returns
    -------
    GroupSequentialDesign

    References
    ----------
    Lan KKG, DeMets DL. Discrete sequential boundaries for clinical trials. Biometrika
    1983;70:659-663. Jennison C, Turnbull BW. Group Sequential Methods, 2000, ch. 7 and 19.
    """
    t = check_fractions(fractions)
    alpha = _check_alpha(alpha, sided)
    tail = _tail_level(alpha, sided)
    spent = spending(np.array(t), tail, kind, rho)
    spent[-1] = tail  # the whole alpha is spent at the end, whatever rounding says
    two = sided == "two_sided"
    paths = _Paths(0.0)
    z: list[float] = []
    prev = 0.0
    for k in range(len(t)):
        z.append(_solve_boundary(paths, t[k], float(spent[k] - prev), two))
        prev = float(spent[k])
        if k < len(t) - 1:
            paths.advance(t[k], z[k], -z[k] if two else -math.inf)
    return _finish(t, alpha, sided, kind, z, power)


def classical_boundaries(fractions: Sequence[float], alpha: float = 0.025,
                         kind: str = "pocock_classical", sided: str = "one_sided",
                         power: float | None = None) -> GroupSequentialDesign:
    """Pocock's (1977) constant boundaries or O'Brien and Fleming's (1979) c / sqrt(t_k).

    One constant is solved so that the test has level alpha over all looks.

    References
    ----------
    Pocock SJ. Biometrika 1977;64:191-199. O'Brien PC, Fleming TR. Biometrics
    1979;35:549-556. Jennison C, Turnbull BW. Group Sequential Methods, 2000, ch. 2.
    """
    t = check_fractions(fractions)
    alpha = _check_alpha(alpha, sided)
    if kind not in CLASSICAL:
        raise ValueError(f"kind must be one of {', '.join(CLASSICAL)} (got {kind!r})")
    shape = np.ones(len(t)) if kind == "pocock_classical" else 1 / np.sqrt(np.array(t))
    two = sided == "two_sided"
    target = _tail_level(alpha, sided)

    def excess(c: float) -> float:
        z = list(c * shape)
        up, _ = _crossings(t, z, [-x for x in z] if two else [-math.inf] * len(t), 0.0)
        return float(up.sum()) - target

    c = float(optimize.brentq(excess, 0.1, 20, xtol=1e-11, rtol=1e-13))
    return _finish(t, alpha, sided, kind, [float(x) for x in c * shape], power)


def rejection_probability(design: GroupSequentialDesign, drift: float) -> np.ndarray:
    """P(the upper boundary is first crossed at each look) when E(Z_k) = drift sqrt(t_k)."""
    up, _ = _crossings(design.fractions, list(design.z),
                       list(design.lower) if design.lower else [-math.inf] * len(design.z),
                       float(drift))
    return up


def drift_for_power(design: GroupSequentialDesign, power: float) -> float:
    """The drift theta sqrt(I_max) at which the design rejects H0 with probability ``power``."""
    if not 0 < power < 1:
        raise ValueError(f"power must lie strictly between 0 and 1 (got {power})")
    return float(optimize.brentq(lambda d: rejection_probability(design, d).sum() - power,
                                 0.0, 20.0, xtol=1e-11, rtol=1e-13))


def expected_fraction(design: GroupSequentialDesign, drift: float) -> float:
    """Expected information at the end (in units of the maximum) under ``drift``.

    The trial stops at look k with the probability of a first crossing there (upper or,
    for a two-sided test, lower); otherwise it runs to the end.
    """
    t = design.fractions
    up, low = _crossings(t, list(design.z),
                         list(design.lower) if design.lower else [-math.inf] * len(t),
                         float(drift))
    stop = up + low
    stop[-1] = 0.0
    return float(np.dot(stop, t) + (1 - stop.sum()) * t[-1])


def fixed_drift(alpha: float, power: float, sided: str = "one_sided") -> float:
    """z_alpha + z_beta: the drift of a single analysis with the given alpha and power."""
    alpha = _check_alpha(alpha, sided)
    return float(stats.norm.isf(_tail_level(alpha, sided)) + stats.norm.ppf(power))
