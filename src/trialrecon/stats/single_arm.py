"""Single-arm phase II designs for a response rate, and the decision rule applied to data.

Two conventions for the critical count are in use, and this module keeps both:

* A'Hern (2001), Stat Med 20:859-866, exact single-stage design: **reject H0 when X >= r**
  (``SingleStageDesign.r`` is the minimum number of responders needed).
* Simon (1989), Control Clin Trials 10:1-10, two-stage designs: stop after stage 1 when
  X1 <= r1; **reject H0 when X > r** at the end (``SimonDesign.r`` is the largest count that
  still fails).

So an A'Hern design "10/55" and a Simon design with r = 9, n = 55 need the same 10 responders.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

# Comparisons of attained error rates with their targets allow for floating-point noise only.
_TOL = 1e-12
# The largest total size a Simon search reaches when no n_max is given.
SIMON_N_CAP = 1000


class SimonSearchLimitWarning(UserWarning):
    """A Simon search stopped at its n_max before the optimal design was proved."""


def _check_probability(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number (got {value!r})") from exc
    if not 0.0 < v < 1.0 or math.isnan(v):
        raise ValueError(f"{name} must lie strictly between 0 and 1 (got {value})")
    return v


def check_hypotheses(p0: float, p1: float, alpha: float, power: float) -> tuple[float, ...]:
    """Validate design inputs; return them as floats. Raises ValueError with a clear message."""
    p0 = _check_probability("p0", p0)
    p1 = _check_probability("p1", p1)
    alpha = _check_probability("alpha", alpha)
    power = _check_probability("power", power)
    if p0 >= p1:
        raise ValueError(f"p0 must be smaller than p1 (got p0={p0}, p1={p1})")
    return p0, p1, alpha, power


# --------------------------------------------------------------------------- exact single stage


@dataclass(frozen=True)
class SingleStageDesign:
    """A'Hern (2001) exact single-stage design: reject H0 when at least ``r`` of ``n`` respond.

    ``alpha`` = P(X >= r | p0) and ``power`` = P(X >= r | p1) are the attained values.
    """

    n: int
    r: int
    alpha: float
    power: float
    p0: float
    p1: float


def exact_single_stage(
    p0: float, p1: float, alpha: float, power: float, n_max: int = 1000
) -> SingleStageDesign:
    """A'Hern (2001) exact single-stage design.

    The smallest n for which some critical count r gives P(X >= r | p0) <= alpha and
    P(X >= r | p1) >= power under the binomial distribution; r is the smallest count with
    P(X >= r | p0) <= alpha (the most powerful choice for that n).
    """
    p0, p1, alpha, power = check_hypotheses(p0, p1, alpha, power)
    for n in range(1, int(n_max) + 1):
        k = np.arange(n + 2)
        tail0 = stats.binom.sf(k - 1, n, p0)  # P(X >= k | p0), k = 0..n+1
        r = int(np.argmax(tail0 <= alpha + _TOL))  # tail0[n+1] == 0, so a k always exists
        attained_power = float(stats.binom.sf(r - 1, n, p1))
        if attained_power >= power - _TOL:
            return SingleStageDesign(n, r, float(tail0[r]), attained_power, p0, p1)
    raise ValueError(f"no exact single-stage design with n <= {n_max}")


def exact_p_value(x: int, n: int, p0: float) -> float:
    """One-sided exact binomial P value P(X >= x | n, p0) (the test behind A'Hern 2001)."""
    if n <= 0:
        raise ValueError(f"n must be at least 1 (got n={n})")
    if x < 0 or x > n:
        raise ValueError(f"x must be between 0 and n (got x={x}, n={n})")
    p0 = _check_probability("p0", p0)
    return float(stats.binom.sf(x - 1, n, p0))


def single_stage_reject_probability(
    design: SingleStageDesign, p: np.ndarray | float
) -> np.ndarray:
    """Operating characteristic: P(X >= r | n, p) for each true response rate p."""
    return np.asarray(stats.binom.sf(design.r - 1, design.n, np.asarray(p, dtype=float)))


# ----------------------------------------------------------------------- normal approximations


@dataclass(frozen=True)
class NormalApproxSize:
    """Sample size of the one-sample test of a proportion by the normal approximation.

    ``n_raw`` is the unrounded solution, ``n`` its ceiling.
    """

    p0: float
    p1: float
    alpha: float
    power: float
    sided: str
    continuity: bool
    n_raw: float
    n: int


def normal_approx_n(
    p0: float,
    p1: float,
    alpha: float,
    power: float,
    *,
    sided: str = "one_sided",
    continuity: bool = False,
) -> NormalApproxSize:
    """Normal-approximation sample size for testing H0: p = p0 against p = p1.

    Without correction: n = [(z_a sqrt(p0 q0) + z_b sqrt(p1 q1)) / (p1 - p0)]^2 (Fleiss, Levin &
    Paik 2003, Statistical Methods for Rates and Proportions, 3rd ed., section 2.5), z_a the
    1 - alpha (one-sided) or 1 - alpha/2 (two-sided) normal quantile, z_b that of ``power``.
    With the continuity correction of 1/2 in the test statistic, n solves
    n d - 1/2 = sqrt(n) (z_a sqrt(p0 q0) + z_b sqrt(p1 q1)), which gives
    n_cc = n/4 (1 + sqrt(1 + 2 / (n d)))^2, d = p1 - p0 (the one-sample analogue of the
    Fleiss, Tytun & Ury 1980 correction, Biometrics 36:343-346).
    """
    p0, p1, alpha, power = check_hypotheses(p0, p1, alpha, power)
    if sided not in ("one_sided", "two_sided"):
        raise ValueError(f"sided must be 'one_sided' or 'two_sided' (got {sided!r})")
    a = alpha if sided == "one_sided" else alpha / 2
    z_a = float(stats.norm.ppf(1 - a))
    z_b = float(stats.norm.ppf(power))
    d = p1 - p0
    k = z_a * math.sqrt(p0 * (1 - p0)) + z_b * math.sqrt(p1 * (1 - p1))
    n_raw = (k / d) ** 2
    if continuity:
        n_raw = n_raw / 4 * (1 + math.sqrt(1 + 2 / (n_raw * d))) ** 2
    # Round half-ulp noise down before the ceiling, so an exact 49.0 stays 49.
    return NormalApproxSize(p0, p1, alpha, power, sided, continuity, n_raw,
                            math.ceil(n_raw - 1e-9))


def inflate_for_non_evaluable(n: int, fraction: float) -> int:
    """Patients to enrol so that ``n`` remain evaluable when ``fraction`` are not: ceil(n/(1-f))."""
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"non-evaluable fraction must be in [0, 1) (got {fraction})")
    return math.ceil(n / (1 - fraction) - 1e-9)


# ------------------------------------------------------------------------------ Simon two-stage


@dataclass(frozen=True)
class SimonDesign:
    """Simon (1989) two-stage design, in Simon's convention.

    Enrol ``n1``; stop for futility when at most ``r1`` respond; otherwise enrol up to ``n`` and
    reject H0 when more than ``r`` respond in total. ``expected_n`` and ``pet`` (probability of
    early termination) are under p0; ``alpha`` and ``power`` are attained values. ``note``
    is empty unless the search limit stopped the search before the optimum was proved.
    """

    r1: int
    n1: int
    r: int
    n: int
    expected_n: float
    pet: float
    alpha: float
    power: float
    kind: str
    note: str = ""


def _binomial_tables(p: float, n_max: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PMF[m, k] = P(Bin(m, p) = k), CDF[m, k] = P(<= k), SF[m, j] = P(Bin(m, p) > j - 1).

    SF is shifted by one column so that index 0 stands for "more than -1" (probability 1).
    """
    m = np.arange(n_max + 1)[:, None]
    k = np.arange(n_max + 1)[None, :]
    pmf = stats.binom.pmf(k, m, p)
    cdf = stats.binom.cdf(k, m, p)
    sf = np.concatenate([np.ones((n_max + 1, 1)), stats.binom.sf(k, m, p)], axis=1)
    return pmf, cdf, sf


def _reject_probability(
    pmf: np.ndarray, sf: np.ndarray, n: int, n1: np.ndarray, r_hi: int
) -> np.ndarray:
    """R[i, r1, r] = P(X1 > r1 and X1 + X2 > r) for n1[i], r1 = 0..max(n1), r = 0..r_hi.

    Built for all first-stage sizes at once: the terms pmf(x1) P(X2 > r - x1) are summed over
    x1 > r1 by a reversed cumulative sum along the x1 axis.
    """
    x1 = np.arange(int(n1.max()) + 1)
    r = np.arange(r_hi + 1)
    n2 = (n - n1)[:, None, None]
    j = np.clip(r[None, None, :] - x1[None, :, None], -1, sf.shape[1] - 2) + 1
    terms = pmf[n1[:, None], x1[None, :]][:, :, None] * sf[n2, j]
    tail = np.cumsum(terms[:, ::-1, :], axis=1)[:, ::-1, :]  # tail[i, x, r] = sum over x1 >= x
    # r1 = x - 1: drop x = 0, and pad so that r1 = max(n1) (never continuing) gives 0.
    return np.concatenate([tail[:, 1:, :], np.zeros((len(n1), 1, r_hi + 1))], axis=1)


def simon_frontier(
    p0: float, p1: float, alpha: float, power: float, n_max: int | None = None
) -> list[SimonDesign]:
    """For each total size n, the feasible Simon design with the smallest expected size.

    Feasible: type I error <= alpha and power >= ``power`` (Simon 1989). Search is exhaustive
    over (n1, r1, r) with 1 <= n1 < n, vectorized per n. Two bounds prune work without changing
    any design that :func:`simon_admissible` can return: power of any
    design with final count r is at most P(Bin(n, p1) > r), so r above that is never feasible;
    and EN >= n1, so first stages at least as large as the best EN found at a smaller n cannot
    give a design that is not dominated (larger n and larger EN). Designs found under that
    bound are returned with ``kind`` ``"dominated"``; the others with ``kind`` ``"frontier"``.
    For a feasible (n1, r1) the reported r is the smallest one meeting the alpha constraint.
    ``n_max`` None searches up to the optimal design's n (:func:`_frontier_limit`).
    """
    p0, p1, alpha, power = check_hypotheses(p0, p1, alpha, power)
    n_max = _frontier_limit(p0, p1, alpha, power) if n_max is None else int(n_max)
    if n_max < 2 or n_max > 2000:
        raise ValueError(f"n_max must be between 2 and 2000 (got {n_max})")
    pmf0, cdf0, sf0 = _binomial_tables(p0, n_max)
    pmf1, _, sf1 = _binomial_tables(p1, n_max)

    best_en = math.inf
    out: list[SimonDesign] = []
    for n in range(2, n_max + 1):
        # Largest final count r whose single-stage power still reaches the target.
        single_power = sf1[n, 1 : n + 1]  # P(Bin(n, p1) > r), r = 0..n-1
        ok_r = np.nonzero(single_power >= power - _TOL)[0]
        if ok_r.size == 0:
            continue
        r_hi = int(ok_r.max())
        n1_top = min(n - 1, math.floor(best_en)) if out else n - 1
        if n1_top < 1:
            continue
        n1 = np.arange(1, n1_top + 1)
        rej0 = _reject_probability(pmf0, sf0, n, n1, r_hi)
        rej1 = _reject_probability(pmf1, sf1, n, n1, r_hi)
        r1_idx = np.arange(rej0.shape[1])
        r_idx = np.arange(r_hi + 1)
        valid = (r1_idx[None, :, None] < n1[:, None, None]) & (
            r_idx[None, None, :] >= r1_idx[None, :, None]
        )
        feasible = valid & (rej0 <= alpha + _TOL) & (rej1 >= power - _TOL)
        any_r = feasible.any(axis=2)
        if not any_r.any():
            continue
        first_r = feasible.argmax(axis=2)
        pet = cdf0[n1[:, None], np.minimum(r1_idx[None, :], n1[:, None])]
        en = n1[:, None] + (1 - pet) * (n - n1[:, None])
        en = np.where(any_r, en, np.inf)
        i, r1 = np.unravel_index(int(np.argmin(en)), en.shape)
        r = int(first_r[i, r1])
        expected = float(en[i, r1])
        out.append(SimonDesign(
            r1=int(r1), n1=int(n1[i]), r=r, n=n, expected_n=expected, pet=float(pet[i, r1]),
            alpha=float(rej0[i, r1, r]), power=float(rej1[i, r1, r]),
            kind="frontier" if expected < best_en - _TOL else "dominated"))
        best_en = min(best_en, expected)
    if not out:
        raise ValueError(f"no Simon two-stage design with n <= {n_max}; raise n_max")
    return out


def simon_two_stage(
    p0: float, p1: float, alpha: float, power: float, n_max: int | None = None
) -> dict[str, SimonDesign]:
    """Simon (1989) optimal and minimax two-stage designs.

    Optimal: the smallest expected sample size under p0 among designs with type I error
    <= alpha and power >= ``power``. Minimax: the smallest maximum size n, then the smallest
    expected size. Search is exhaustive over (n1, r1, r, n) with 1 <= n1 < n, but vectorized:
    for each n, all first-stage sizes and critical counts are evaluated as numpy arrays.
    For a feasible (n1, r1) the reported r is the smallest one meeting the alpha constraint.

    The search over n stops once no larger design can have a smaller expected size, which
    is proved, not assumed: a design with first stage n1 continues under p1 with
    probability at least ``power``, so its r1 is at most the largest r1* with
    P(X1 > r1* | p1) >= power, and its expected size is at least
    n1 + P(X1 > r1* | p0) (n - n1); once the smallest such bound over n1 reaches the best
    expected size found, no larger n can do better (the bound only grows with n). The same
    bound skips first stages that cannot improve on the best design.

    Parameters
    ----------
    n_max : the largest total size searched. None (the default) searches until the optimum
        is proved, up to :data:`SIMON_N_CAP`. When the limit stops the search before the
        proof, both designs carry a ``note`` naming it and a
        :class:`SimonSearchLimitWarning` is issued: the "optimal" design is then only the
        best with n <= n_max (R's ``clinfun::ph2simon`` has the same limit, ``nmax = 100``
        by default, without the warning).
    """
    p0, p1, alpha, power = check_hypotheses(p0, p1, alpha, power)
    cap = SIMON_N_CAP if n_max is None else int(n_max)
    if cap < 2 or cap > 2000:
        raise ValueError(f"n_max must be between 2 and 2000 (got {n_max})")
    search = _SimonSearch(p0, p1, alpha, power)
    size, n_from = (min(cap, 100) if n_max is None else cap), 2
    while True:
        search.resize(size)
        proved = search.scan(n_from, size)
        if proved or size >= cap:
            break
        n_from, size = size + 1, min(cap, 2 * size)
    if search.optimal is None or search.minimax is None:
        raise ValueError(f"no Simon two-stage design with n <= {cap}; raise n_max")
    designs = {"optimal": search.optimal, "minimax": search.minimax}
    if proved:
        return designs
    note = (f"search limit n_max = {cap} reached before the optimal design was proved: a "
            f"design with more than {cap} patients may have a smaller expected size; raise "
            "n_max (None searches until proved)")
    warnings.warn(f"Simon two-stage design p0={p0:g}, p1={p1:g}: {note}",
                  SimonSearchLimitWarning, stacklevel=2)
    return {k: dataclasses.replace(d, note=note) for k, d in designs.items()}


class _SimonSearch:
    """State of the search over total sizes n: binomial tables and the best designs so far."""

    def __init__(self, p0: float, p1: float, alpha: float, power: float):
        self.p0, self.p1, self.alpha, self.power = p0, p1, alpha, power
        self.best_en = math.inf
        self.optimal: SimonDesign | None = None
        self.minimax: SimonDesign | None = None

    def resize(self, size: int) -> None:
        """Binomial tables for sizes up to ``size``, and the bound's ingredients per n1."""
        self.pmf0, self.cdf0, self.sf0 = _binomial_tables(self.p0, size)
        self.pmf1, _, self.sf1 = _binomial_tables(self.p1, size)
        self.cont0 = _least_continuation(self.sf0, self.sf1, self.power)

    def en_bound(self, n: int) -> np.ndarray:
        """Lower bounds of the expected size of designs of total n, per n1 = 1 .. n-1."""
        n1 = np.arange(1, n)
        return n1 + self.cont0[1:n] * (n - n1)

    def scan(self, n_from: int, n_to: int) -> bool:
        """Search total sizes n_from .. n_to; True when the optimum is proved on the way."""
        for n in range(n_from, n_to + 2):
            if self.minimax is not None and self.en_bound(n).min() >= self.best_en - _TOL:
                return True
            if n <= n_to:
                self._search_n(n)
        return False

    def _search_n(self, n: int) -> None:
        # Largest final count r whose single-stage power still reaches the target.
        single_power = self.sf1[n, 1 : n + 1]  # P(Bin(n, p1) > r), r = 0..n-1
        ok_r = np.nonzero(single_power >= self.power - _TOL)[0]
        if ok_r.size == 0:
            return
        r_hi = int(ok_r.max())
        n1 = np.arange(1, n)
        if self.minimax is not None:  # only first stages that could beat the best EN
            n1 = n1[self.en_bound(n) < self.best_en + _TOL]
        if n1.size == 0:
            return
        rej0 = _reject_probability(self.pmf0, self.sf0, n, n1, r_hi)
        rej1 = _reject_probability(self.pmf1, self.sf1, n, n1, r_hi)
        r1_idx = np.arange(rej0.shape[1])
        r_idx = np.arange(r_hi + 1)
        valid = (r1_idx[None, :, None] < n1[:, None, None]) & (
            r_idx[None, None, :] >= r1_idx[None, :, None]
        )
        feasible = valid & (rej0 <= self.alpha + _TOL) & (rej1 >= self.power - _TOL)
        any_r = feasible.any(axis=2)
        if not any_r.any():
            return
        first_r = feasible.argmax(axis=2)
        pet = self.cdf0[n1[:, None], np.minimum(r1_idx[None, :], n1[:, None])]
        en = n1[:, None] + (1 - pet) * (n - n1[:, None])
        en = np.where(any_r, en, np.inf)
        i, r1 = np.unravel_index(int(np.argmin(en)), en.shape)
        r = int(first_r[i, r1])
        design_args = dict(
            r1=int(r1), n1=int(n1[i]), r=r, n=n, expected_n=float(en[i, r1]),
            pet=float(pet[i, r1]), alpha=float(rej0[i, r1, r]), power=float(rej1[i, r1, r]),
        )
        if self.minimax is None:
            self.minimax = SimonDesign(kind="minimax", **design_args)
        if design_args["expected_n"] < self.best_en - _TOL:
            self.best_en = design_args["expected_n"]
            self.optimal = SimonDesign(kind="optimal", **design_args)


def _least_continuation(sf0: np.ndarray, sf1: np.ndarray, power: float) -> np.ndarray:
    """Per first-stage size n1: the smallest P(X1 > r1 | p0) of an r1 with
    P(X1 > r1 | p1) >= power (inf when no r1 in 0 .. n1-1 has it: n1 cannot reach the power).

    ``sf[m, j]`` is P(Bin(m, p) > j - 1), so P(X1 > r1) is column r1 + 1.
    """
    size = sf0.shape[0] - 1
    m = np.arange(size + 1)[:, None]
    r1 = np.arange(size + 1)[None, :]
    reach = (sf1[:, 1:] >= power - _TOL) & (r1 < m)  # P1(X1 > r1) is decreasing in r1
    top = reach.sum(axis=1) - 1  # the largest such r1, -1 if none
    out = np.full(size + 1, np.inf)
    ok = top >= 0
    out[ok] = sf0[np.flatnonzero(ok), top[ok] + 1]
    return out

def simon_admissible(
    p0: float, p1: float, alpha: float, power: float, n_max: int | None = None
) -> list[tuple[SimonDesign, float, float]]:
    """Admissible two-stage designs (Jung, Lee, Kim & George 2004, J Stat Plan Inference
    125:257-270): each minimizes the expected loss q n + (1 - q) EN(p0) for some weight q.

    They are the vertices of the lower convex hull of the points (n, EN) of
    :func:`simon_frontier`, from the minimax design (q = 1) to the optimal one (q = 0).
    Returns (design, q_low, q_high) with the interval of weights for which it is best.
    """
    points = [d for d in simon_frontier(p0, p1, alpha, power, n_max) if d.kind == "frontier"]
    hull: list[SimonDesign] = []
    for d in points:  # increasing n, decreasing EN: Andrew's monotone chain, lower hull
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], d) <= _TOL:
            hull.pop()
        hull.append(d)
    out = []
    for j, d in enumerate(hull):
        # the weight q at which d and its neighbour tie: q dn + (1 - q) dEN = 0
        q_high = 1.0 if j == 0 else _tie(hull[j - 1], d)
        q_low = 0.0 if j == len(hull) - 1 else _tie(d, hull[j + 1])
        out.append((replace(d, kind="admissible"), q_low, q_high))
    return out


def _frontier_limit(p0: float, p1: float, alpha: float, power: float) -> int:
    """The total size past which every design is dominated: the optimal design's n.

    The optimal design has the smallest expected size of all, so a design with a larger n
    has a larger n and no smaller EN; the proved optimum of :func:`simon_two_stage` bounds
    the frontier without an arbitrary search limit.
    """
    return simon_two_stage(p0, p1, alpha, power)["optimal"].n


def _cross(a: SimonDesign, b: SimonDesign, c: SimonDesign) -> float:
    return ((b.n - a.n) * (c.expected_n - a.expected_n)
            - (b.expected_n - a.expected_n) * (c.n - a.n))


def _tie(a: SimonDesign, b: SimonDesign) -> float:
    """q with q a.n + (1-q) a.EN == q b.n + (1-q) b.EN (a has the smaller n)."""
    d_en = a.expected_n - b.expected_n  # > 0
    return d_en / (d_en + (b.n - a.n))


def simon_characteristics(r1: int, n1: int, r: int, n: int, p0: float, p1: float,
                          kind: str = "stated") -> SimonDesign:
    """Attained alpha and power, PET and EN under p0 of given boundaries (Simon 1989, eqs. 1-2).

    Stop after stage 1 when X1 <= r1 of n1; reject H0 when X1 + X2 > r of n. A single-stage
    design is r1 = -1 and n1 = n (no interim stop).
    """
    r1, n1, r, n = int(r1), int(n1), int(r), int(n)
    if not (1 <= n1 <= n and -1 <= r1 < n1 and r1 <= r < n):
        raise ValueError(f"boundaries must satisfy 1 <= n1 <= n, r1 < n1 and r1 <= r < n "
                         f"(got r1={r1}, n1={n1}, r={r}, n={n})")
    p0, p1 = _check_probability("p0", p0), _check_probability("p1", p1)
    design = SimonDesign(r1, n1, r, n, 0.0, 0.0, 0.0, 0.0, kind)
    pet = float(simon_pet(design, p0)[()]) if r1 >= 0 else 0.0
    return replace(design, expected_n=n1 + (1 - pet) * (n - n1), pet=pet,
                   alpha=float(simon_reject_probability(design, p0)[0]),
                   power=float(simon_reject_probability(design, p1)[0]))


def simon_reject_probability(design: SimonDesign, p: np.ndarray | float) -> np.ndarray:
    """Operating characteristic of a Simon design: P(X1 > r1 and X1 + X2 > r | p)."""
    p = np.atleast_1d(np.asarray(p, dtype=float))
    x1 = np.arange(design.r1 + 1, design.n1 + 1)
    n2 = design.n - design.n1
    terms = stats.binom.pmf(x1[:, None], design.n1, p[None, :]) * stats.binom.sf(
        design.r - x1[:, None], n2, p[None, :]
    )
    return terms.sum(axis=0)


def simon_pet(design: SimonDesign, p: np.ndarray | float) -> np.ndarray:
    """Probability of stopping after stage 1, P(X1 <= r1 | p)."""
    return np.asarray(stats.binom.cdf(design.r1, design.n1, np.asarray(p, dtype=float)))


# ------------------------------------------------------------------------------- decision rule


@dataclass(frozen=True)
class Decision:
    """A'Hern's rule (reject H0 when x >= r) and the exact test applied to an observed count.

    ``meets_critical_count`` compares x with the design's r whatever the observed n;
    ``p_value`` is the exact one-sided P(X >= x | n, p0) for the observed n, and
    ``significant`` says whether it is at most alpha.
    """

    x: int
    n: int
    r: int
    p0: float
    alpha: float
    meets_critical_count: bool
    p_value: float
    significant: bool


def apply_decision_rule(design: SingleStageDesign, x: int, n: int, alpha: float) -> Decision:
    """Apply A'Hern's critical count and the exact binomial test to x responders of n."""
    p = exact_p_value(x, n, design.p0)
    return Decision(
        x=int(x), n=int(n), r=design.r, p0=design.p0, alpha=float(alpha),
        meets_critical_count=x >= design.r, p_value=p, significant=p <= alpha + _TOL,
    )
