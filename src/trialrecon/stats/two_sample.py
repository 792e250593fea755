"""Sample sizes and power of two-arm comparisons of a proportion, a mean or an ordinal outcome.

The calculations papers state in their "sample size" paragraph, each in the variants in use,
so that a stated n can be traced to the calculation (and the convention) that gives it:

* two proportions (control ``p0``, experimental ``p1``; ``p1`` may be below ``p0``, a
  reduction): the normal approximation with the pooled variance under H0 (Fleiss, Levin &
  Paik 2003, Statistical Methods for Rates and Proportions, 3rd ed., eq. 4.14; R
  ``power.prop.test``), the same with the continuity correction of Fleiss, Tytun & Ury (1980,
  Biometrics 36:343-346), the unpooled (Wald) variance, the arcsine transformation (Cohen
  1988, Statistical Power Analysis, ch. 6) and the exact power of Fisher's exact test by
  enumeration of every 2x2 table (Casagrande, Pike & Smith 1978, Appl Stat 27:176-180, who
  used it to justify the corrected formula);
* non-inferiority of two proportions (Blackwelder 1982, Control Clin Trials 3:345-353): the
  margin widens the distance to the null;
* two means (a continuous outcome): the normal approximation and the t test with its
  noncentral t power (R ``power.t.test``), superiority or non-inferiority (Julious 2004, Stat
  Med 23:1921-1986);
* an ordinal outcome compared by the proportional-odds model (Whitehead 1993, Stat Med
  12:2257-2271);
* dropout inflation n / (1 - d) and the cruder n (1 + d); the design effect of cluster
  randomization 1 + (m - 1) ICC (Donner, Birkett & Buck 1981, Am J Epidemiol 114:906-914) and
  its version for clusters of varying size 1 + ((CV^2 + 1) m - 1) ICC (Eldridge, Ashby & Kerry
  2006, Int J Epidemiol 35:1292-1300).

Conventions: ``ratio`` is the allocation k of k:1, experimental to control; ``n`` is the
control arm's size and the experimental arm has k n; ``sided`` is ``one_sided`` or
``two_sided`` (a two-sided alpha is split between the tails and only the tail of the assumed
effect counts toward power, as in the papers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from trialrecon.stats.events import check_sided, one_sided_level

PROPORTION_METHODS: tuple[str, ...] = ("pooled", "pooled_cc", "unpooled", "arcsine")
METHOD_LABELS: dict[str, str] = {
    "pooled": "normal approximation, pooled variance (Fleiss)",
    "pooled_cc": "normal approximation with continuity correction (Fleiss, Tytun & Ury)",
    "unpooled": "normal approximation, unpooled variance",
    "arcsine": "arcsine transformation",
    "fisher_exact": "exact power of Fisher's exact test",
    "normal": "normal approximation (two-sample z)",
    "t": "two-sample t test (noncentral t)",
    "whitehead": "proportional odds (Whitehead 1993)",
}
_FISHER_N_MAX = 2000  # per arm: enumeration of (n0 + 1) (n1 + 1) tables beyond this is slow


def _probability(name: str, value: float) -> float:
    v = float(value)
    if not 0.0 < v < 1.0 or math.isnan(v):
        raise ValueError(f"{name} must lie strictly between 0 and 1 (got {value})")
    return v


def _positive(name: str, value: float) -> float:
    v = float(value)
    if not (v > 0 and math.isfinite(v)):
        raise ValueError(f"{name} must be a positive number (got {value})")
    return v


@dataclass(frozen=True)
class TwoArmSize:
    """A two-arm sample size: the control arm's unrounded and rounded size, and both arms'."""

    method: str
    n_raw: float  # control arm, unrounded
    n_control: int
    n_experimental: int
    alpha: float
    sided: str
    power: float

    @property
    def n_total(self) -> int:
        return self.n_control + self.n_experimental


def _size(method: str, n_raw: float, ratio: float, alpha: float, sided: str,
          power: float) -> TwoArmSize:
    n0 = math.ceil(n_raw - 1e-9)
    return TwoArmSize(method, n_raw, n0, math.ceil(ratio * n_raw - 1e-9), alpha, sided, power)


# ------------------------------------------------------------------------ two proportions


def _check_proportions(p0: float, p1: float, alpha: float, power: float,
                       sided: str) -> tuple[float, float, float]:
    p0, p1 = _probability("p0", p0), _probability("p1", p1)
    if p0 == p1:
        raise ValueError("p0 and p1 must differ (no difference to detect)")
    _probability("power", power)
    check_sided(sided)
    return p0, p1, one_sided_level(alpha, sided)


def two_proportions_n(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8,
                      sided: str = "two_sided", ratio: float = 1.0,
                      method: str = "pooled", margin: float = 0.0) -> TwoArmSize:
    """Patients per arm to detect ``p1`` against ``p0`` (normal approximations).

    ``method``: ``pooled`` n = [z_a sqrt(pbar qbar (1 + 1/k)) + z_b sqrt(p0 q0 + p1 q1 / k)]^2
    / d^2 with pbar = (p0 + k p1) / (1 + k) (Fleiss, Levin & Paik 2003, eq. 4.14);
    ``pooled_cc`` that n inflated as n/4 [1 + sqrt(1 + 2 (k + 1) / (k n |d|))]^2 (Fleiss, Tytun
    & Ury 1980); ``unpooled`` (z_a + z_b)^2 (p0 q0 + p1 q1 / k) / d^2; ``arcsine``
    (z_a + z_b)^2 (1 + 1/k) / h^2 with h = 2 asin(sqrt p1) - 2 asin(sqrt p0) (Cohen 1988).
    ``margin`` > 0 makes it a non-inferiority design (Blackwelder 1982): the distance to the
    null is |p1 - p0 + margin| with the unpooled variance (the pooled variance has no meaning
    under a shifted null), and alpha is one-sided.
    """
    if margin:
        p0, p1 = _probability("p0", p0), _probability("p1", p1)
        a = one_sided_level(alpha, sided)
    else:
        p0, p1, a = _check_proportions(p0, p1, alpha, power, sided)
    k = _positive("the allocation ratio", ratio)
    z_a, z_b = float(stats.norm.isf(a)), float(stats.norm.ppf(_probability("power", power)))
    var1 = p0 * (1 - p0) + p1 * (1 - p1) / k
    if margin:
        d = abs(p1 - p0 + _positive("the margin", margin))
        return _size("non_inferiority", (z_a + z_b) ** 2 * var1 / d ** 2, k, alpha, sided,
                     power)
    d = abs(p1 - p0)
    if method == "arcsine":
        h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))
        return _size(method, (z_a + z_b) ** 2 * (1 + 1 / k) / h ** 2, k, alpha, sided, power)
    if method == "unpooled":
        return _size(method, (z_a + z_b) ** 2 * var1 / d ** 2, k, alpha, sided, power)
    if method not in ("pooled", "pooled_cc"):
        raise ValueError(f"method must be one of {', '.join(PROPORTION_METHODS)} "
                         f"(got {method!r})")
    pbar = (p0 + k * p1) / (1 + k)
    n = (z_a * math.sqrt(pbar * (1 - pbar) * (1 + 1 / k)) + z_b * math.sqrt(var1)) ** 2 / d ** 2
    if method == "pooled_cc":
        n = n / 4 * (1 + math.sqrt(1 + 2 * (k + 1) / (k * n * d))) ** 2
    return _size(method, n, k, alpha, sided, power)


def two_proportions_power(n0: float, n1: float, p0: float, p1: float, alpha: float = 0.05,
                          sided: str = "two_sided", method: str = "pooled",
                          margin: float = 0.0) -> float:
    """Power of ``n0`` control and ``n1`` experimental patients (the inverse of the above).

    The probability that the test statistic falls beyond the critical value in the direction
    of the assumed effect: Phi((|d| - c - z_a se0) / se1), se0 the standard error under H0
    (pooled), se1 under H1, c = (1/n0 + 1/n1) / 2 with the continuity correction.
    """
    n0, n1 = _positive("n0", n0), _positive("n1", n1)
    p0, p1 = _probability("p0", p0), _probability("p1", p1)
    z_a = float(stats.norm.isf(one_sided_level(alpha, sided)))
    se1 = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    if margin:
        return float(stats.norm.cdf(abs(p1 - p0 + margin) / se1 - z_a))
    d = abs(p1 - p0)
    if method == "arcsine":
        h = abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0)))
        return float(stats.norm.cdf(h / math.sqrt(1 / n0 + 1 / n1) - z_a))
    if method == "unpooled":
        return float(stats.norm.cdf(d / se1 - z_a))
    pbar = (n0 * p0 + n1 * p1) / (n0 + n1)
    se0 = math.sqrt(pbar * (1 - pbar) * (1 / n0 + 1 / n1))
    cc = (1 / n0 + 1 / n1) / 2 if method == "pooled_cc" else 0.0
    return float(stats.norm.cdf((d - cc - z_a * se0) / se1))


def fisher_exact_power(n0: int, n1: int, p0: float, p1: float, alpha: float = 0.05,
                       sided: str = "two_sided") -> float:
    """Exact power of Fisher's exact test: the sum over every 2x2 table it rejects.

    For each total t of successes the conditional distribution of the experimental arm's
    successes is hypergeometric; the two-sided P value sums the tables no more probable than
    the observed one (R ``fisher.test``, relative tolerance 1e-7), the one-sided P value the
    tail in the direction of ``p1``. Each rejected table (x0, x1) adds
    Bin(x0; n0, p0) Bin(x1; n1, p1). Casagrande, Pike & Smith (1978).
    """
    n0, n1 = int(n0), int(n1)
    if min(n0, n1) < 1 or max(n0, n1) > _FISHER_N_MAX:
        raise ValueError(f"Fisher's exact power needs 1 <= n <= {_FISHER_N_MAX} per arm")
    p0, p1 = _probability("p0", p0), _probability("p1", p1)
    one_sided_level(alpha, sided)  # validates alpha and sidedness
    reject = _fisher_rejections(n0, n1, float(alpha), sided, up=p1 > p0)
    b0 = stats.binom.pmf(np.arange(n0 + 1), n0, p0)
    b1 = stats.binom.pmf(np.arange(n1 + 1), n1, p1)
    return float(b0 @ reject @ b1)


def _fisher_rejections(n0: int, n1: int, alpha: float, sided: str, up: bool) -> np.ndarray:
    """R[x0, x1] = 1 when Fisher's test rejects the table with x0 and x1 successes."""
    x0 = np.arange(n0 + 1)[:, None]
    x1 = np.arange(n1 + 1)[None, :]
    t = x0 + x1
    # log hypergeometric probability of x1 given the total t (N = n0 + n1, t successes)
    logp = (special.gammaln(n1 + 1) - special.gammaln(x1 + 1) - special.gammaln(n1 - x1 + 1)
            + special.gammaln(n0 + 1) - special.gammaln(x0 + 1) - special.gammaln(n0 - x0 + 1)
            - special.gammaln(n0 + n1 + 1) + special.gammaln(t + 1)
            + special.gammaln(n0 + n1 - t + 1))
    prob = np.exp(logp)
    out = np.zeros((n0 + 1, n1 + 1))
    for total in range(n0 + n1 + 1):
        lo, hi = max(0, total - n0), min(n1, total)
        cols = np.arange(lo, hi + 1)
        pr = prob[total - cols, cols]
        if sided == "one_sided":
            tail = np.cumsum(pr[::-1])[::-1] if up else np.cumsum(pr)
            pval = tail
        else:
            order = np.sort(pr)
            cum = np.cumsum(order)
            idx = np.searchsorted(order, pr * (1 + 1e-7), side="right") - 1
            pval = cum[idx]
        out[total - cols, cols] = pval <= alpha * (1 + 1e-12)
    return out


def fisher_exact_n(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8,
                   sided: str = "two_sided", ratio: float = 1.0, n_max: int = 1000) -> TwoArmSize:
    """The smallest control-arm n whose Fisher's exact test reaches ``power`` (about).

    Exact power is a saw-tooth in n, nearly increasing; the search bisects between the
    uncorrected normal approximation's n (always smaller: the exact test is conservative) and
    ``n_max``, then steps down while the power still holds, so a few evaluations suffice.
    """
    p0, p1, _ = _check_proportions(p0, p1, alpha, power, sided)
    k = _positive("the allocation ratio", ratio)

    def reaches(n: int) -> bool:
        return fisher_exact_power(n, math.ceil(k * n - 1e-9), p0, p1, alpha, sided) >= power

    lo = max(1, int(0.9 * two_proportions_n(p0, p1, alpha, power, sided, k,
                                            "unpooled").n_control))
    hi = min(int(n_max), int(1.1 * two_proportions_n(p0, p1, alpha, power, sided, k,
                                                      "pooled_cc").n_control) + 2)
    while not reaches(hi) and hi < int(n_max):
        lo, hi = hi, min(int(n_max), 2 * hi)
    if not reaches(hi):
        raise ValueError(f"no n <= {n_max} per arm reaches power {power} with Fisher's exact "
                         "test")
    while hi - lo > 1:  # invariant: reaches(hi)
        mid = (lo + hi) // 2
        if reaches(mid):
            hi = mid
        else:
            lo = mid
    while hi > 1 and reaches(hi - 1):
        hi -= 1
    return TwoArmSize("fisher_exact", float(hi), hi, math.ceil(k * hi - 1e-9), alpha, sided,
                      power)


# ---------------------------------------------------------------------------- two means


def two_means_n(difference: float, sd: float, alpha: float = 0.05, power: float = 0.8,
                sided: str = "two_sided", ratio: float = 1.0, method: str = "t") -> TwoArmSize:
    """Patients per arm to detect a difference of means ``difference`` with common SD ``sd``.

    ``normal``: n = (z_a + z_b)^2 sd^2 (1 + 1/k) / difference^2. ``t``: the smallest n whose
    noncentral-t power reaches ``power`` (R ``power.t.test``, ``strict = FALSE``), solved on a
    continuous n. For non-inferiority pass the distance to the margin as ``difference`` and a
    one-sided alpha (Julious 2004).
    """
    delta, s = _positive("the difference", abs(difference)), _positive("the SD", sd)
    k = _positive("the allocation ratio", ratio)
    a = one_sided_level(alpha, sided)
    z_a, z_b = float(stats.norm.isf(a)), float(stats.norm.ppf(_probability("power", power)))
    n_normal = (z_a + z_b) ** 2 * s ** 2 * (1 + 1 / k) / delta ** 2
    if method == "normal":
        return _size(method, n_normal, k, alpha, sided, power)
    if method != "t":
        raise ValueError(f"method must be 'normal' or 't' (got {method!r})")
    def gap(n: float) -> float:
        return two_means_power(n, k * n, delta, s, alpha, sided, "t") - power
    hi = max(4.0, 2 * n_normal + 10)
    n_raw = float(optimize.brentq(gap, 1.5 + 1e-9 if k >= 1 else 1.5 / k, hi, xtol=1e-10))
    return _size(method, n_raw, k, alpha, sided, power)


def two_means_power(n0: float, n1: float, difference: float, sd: float, alpha: float = 0.05,
                    sided: str = "two_sided", method: str = "t") -> float:
    """Power of a two-sample comparison of means (t: noncentral t; normal: z)."""
    n0, n1 = _positive("n0", n0), _positive("n1", n1)
    a = one_sided_level(alpha, sided)
    ncp = abs(difference) / (sd * math.sqrt(1 / n0 + 1 / n1))
    if method == "normal":
        return float(stats.norm.cdf(ncp - stats.norm.isf(a)))
    df = n0 + n1 - 2
    return float(stats.nct.sf(stats.t.isf(a, df), df, ncp))


# ---------------------------------------------------------------------------- ordinal


def ordinal_experimental(control: list[float], odds_ratio: float) -> list[float]:
    """The experimental arm's category probabilities under proportional odds.

    The odds of being above each cut point (a worse category when categories run from best to
    worst) are multiplied by ``odds_ratio``: odds_e(Y > j) = OR odds_c(Y > j).
    """
    p = np.asarray(control, dtype=float)
    if np.any(p < 0) or not math.isclose(float(p.sum()), 1.0, abs_tol=0.02):
        raise ValueError(f"category probabilities must be non-negative and sum to 1 "
                         f"(sum {p.sum():g})")
    p = p / p.sum()
    above = 1 - np.cumsum(p)[:-1]  # P(Y > j), j = first .. second-to-last category
    odds = above / (1 - above) * _positive("the odds ratio", odds_ratio)
    above_e = np.concatenate([[1.0], odds / (1 + odds), [0.0]])
    return list(above_e[:-1] - above_e[1:])


def whitehead_n(control: list[float], odds_ratio: float, alpha: float = 0.05,
                power: float = 0.9, sided: str = "two_sided") -> float:
    """Total patients (1:1) for a proportional-odds comparison (Whitehead 1993, eq. 6).

    N = 6 (z_a + z_b)^2 / [log(OR)^2 (1 - sum pbar_i^3)], pbar_i the category probabilities
    averaged over the two arms. Returned unrounded.
    """
    pe = ordinal_experimental(control, odds_ratio)
    pc = np.asarray(control, dtype=float) / float(np.sum(control))
    pbar = (pc + np.asarray(pe)) / 2
    a = one_sided_level(alpha, sided)
    z = float(stats.norm.isf(a) + stats.norm.ppf(_probability("power", power)))
    return 6 * z ** 2 / (math.log(odds_ratio) ** 2 * (1 - float(np.sum(pbar ** 3))))


def whitehead_power(control: list[float], odds_ratio: float, total: float,
                    alpha: float = 0.05, sided: str = "two_sided") -> float:
    """Power of ``total`` patients (1:1) under Whitehead's (1993) formula, inverted:
    Phi(|log OR| sqrt(N (1 - sum pbar^3) / 6) - z_a)."""
    pe = ordinal_experimental(control, odds_ratio)
    pc = np.asarray(control, dtype=float) / float(np.sum(control))
    pbar = (pc + np.asarray(pe)) / 2
    z_a = float(stats.norm.isf(one_sided_level(alpha, sided)))
    info = _positive("the total", total) * (1 - float(np.sum(pbar ** 3))) / 6
    return float(stats.norm.cdf(abs(math.log(odds_ratio)) * math.sqrt(info) - z_a))


# ------------------------------------------------------------- inflation and design effects


def inflate_dropout(n: float, dropout: float, convention: str = "divide") -> float:
    """Patients to enrol so that ``n`` remain when a fraction ``dropout`` is lost (unrounded).

    ``divide``: n / (1 - d), which leaves n on average; ``multiply``: n (1 + d), a common
    shortcut that leaves only n (1 - d^2) on average.
    """
    d = float(dropout)
    if not 0.0 <= d < 1.0:
        raise ValueError(f"the dropout fraction must be in [0, 1) (got {dropout})")
    if convention == "divide":
        return float(n) / (1 - d)
    if convention == "multiply":
        return float(n) * (1 + d)
    raise ValueError(f"convention must be 'divide' or 'multiply' (got {convention!r})")


def design_effect(cluster_size: float, icc: float, cv: float = 0.0) -> float:
    """Variance inflation of cluster randomization: 1 + ((cv^2 + 1) m - 1) ICC.

    With ``cv`` = 0 (clusters of equal size) this is Donner's 1 + (m - 1) ICC; ``cv`` is the
    coefficient of variation of the cluster sizes (Eldridge, Ashby & Kerry 2006).
    """
    m = _positive("the cluster size", cluster_size)
    rho = float(icc)
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"the ICC must be in [0, 1) (got {icc})")
    if float(cv) < 0:
        raise ValueError(f"the CV of cluster sizes must not be negative (got {cv})")
    return 1 + ((float(cv) ** 2 + 1) * m - 1) * rho


# ---------------------------------------------------------------- effect size conversions


def p1_from_odds_ratio(p0: float, odds_ratio: float) -> float:
    """The proportion whose odds are ``odds_ratio`` times those of ``p0``."""
    p0 = _probability("p0", p0)
    o = _positive("the odds ratio", odds_ratio) * p0 / (1 - p0)
    return o / (1 + o)


def p1_from_risk_ratio(p0: float, risk_ratio: float) -> float:
    out = _probability("p0", p0) * _positive("the risk ratio", risk_ratio)
    return _probability("p1 (p0 times the risk ratio)", out)


def solve_power(power_of_n: Callable[[float], float], target: float, n_hi: float) -> float:
    """The smallest continuous n with power_of_n(n) >= target (power increasing in n)."""
    if power_of_n(n_hi) < target:
        raise ValueError("no n below the search limit reaches the target power")
    return float(optimize.brentq(lambda n: power_of_n(n) - target, 1.0, n_hi, xtol=1e-9))
