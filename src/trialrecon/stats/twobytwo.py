"""Effect measures of two independent proportions, their confidence intervals, 2x2 P values.

The table is ``a`` events of ``n1`` in group 1 (the experimental arm) and ``b`` of ``n2`` in
group 2 (the comparator). Ratios and differences are group 1 against group 2.

Confidence intervals, each named after the paper it implements:

* risk ratio: ``log`` (the log-scale Wald interval of Katz, Baptista, Azen & Pike 1978,
  Biometrics 34:469-474; epitools ``riskratio.wald``), ``log_cc`` (the same after adding 0.5
  to every cell, used only when a cell is zero: Haldane 1956, Ann Hum Genet 20:309),
  ``koopman`` (the score interval of Koopman 1984, Biometrics 40:513-517) and ``mn_score``
  (Miettinen & Nurminen 1985, Stat Med 4:213-226: the score interval with the variance
  inflated by N/(N-1));
* odds ratio: ``woolf`` (the logit interval of Woolf 1955, Ann Hum Genet 19:251-253;
  epitools ``oddsratio.wald``), ``woolf_cc`` (0.5 added to every cell, only with a zero
  cell), ``exact`` (the conditional exact interval of Cornfield 1956, Proc 3rd Berkeley Symp
  4:135-148, around the conditional maximum-likelihood estimate; R ``fisher.test``) and
  ``mid_p`` (the conditional mid-P interval; epitools ``oddsratio.midp``);
* risk difference: ``wald`` (Newcombe 1998 method 1; R ``prop.test(correct = FALSE)``),
  ``wald_cc`` (method 2, with the continuity correction (1/n1 + 1/n2)/2; R ``prop.test``),
  ``newcombe`` (the hybrid score interval, method 10 of Newcombe 1998, Stat Med 17:873-890),
  ``newcombe_cc`` (method 11, from continuity-corrected Wilson intervals), ``mee`` (the
  score interval of Mee 1984, Biometrics 40:1175-1176), ``mn_score`` (Miettinen & Nurminen
  1985) and ``agresti_caffo`` (one success and one failure added per group: Agresti & Caffo
  2000, Am Stat 54:280-288).

The restricted maximum-likelihood estimates behind the score intervals are the closed forms
of Farrington & Manning (1990), Stat Med 9:1447-1454. P values of the 2x2 tests:
:func:`two_by_two_ps` (Pearson 1900; Yates 1934; Fisher 1935; Lancaster 1961 for mid-P).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scipy import optimize, stats
from scipy.stats.contingency import odds_ratio as _scipy_odds_ratio

from trialrecon.stats.proportions import proportion_ci

MEASURES: tuple[str, ...] = ("risk_ratio", "odds_ratio", "risk_difference")
CI_METHODS: dict[str, tuple[str, ...]] = {
    "risk_ratio": ("log", "log_cc", "koopman", "mn_score"),
    "odds_ratio": ("woolf", "woolf_cc", "exact", "mid_p"),
    "risk_difference": ("wald", "wald_cc", "newcombe", "newcombe_cc", "mee", "mn_score",
                        "agresti_caffo"),
}
CI_LABELS: dict[str, str] = {
    "log": "log (Katz 1978)", "log_cc": "log with 0.5 added to each cell (Katz; Haldane)",
    "koopman": "Koopman score (1984)", "mn_score": "Miettinen-Nurminen score (1985)",
    "woolf": "Woolf logit (1955)", "woolf_cc": "Woolf logit with 0.5 added to each cell",
    "exact": "exact conditional (Cornfield 1956; Fisher)", "mid_p": "conditional mid-P",
    "wald": "Wald", "wald_cc": "Wald with continuity correction",
    "newcombe": "Newcombe hybrid score (1998)",
    "newcombe_cc": "Newcombe hybrid score with continuity correction",
    "mee": "Mee score (1984)", "agresti_caffo": "Agresti-Caffo (2000)",
}
ESTIMATE_LABELS: dict[str, str] = {
    "sample": "from the counts", "cc": "with 0.5 added to each cell",
    "cmle": "conditional maximum likelihood (Fisher)",
}
INF = math.inf


def _check(a: int, n1: int, b: int, n2: int) -> None:
    for x in (a, n1, b, n2):
        if isinstance(x, bool) or int(x) != x:
            raise ValueError(f"counts must be whole numbers (got {a}/{n1}, {b}/{n2})")
    if n1 <= 0 or n2 <= 0 or not 0 <= a <= n1 or not 0 <= b <= n2:
        raise ValueError(f"need 0 <= events <= n and n >= 1 (got {a}/{n1}, {b}/{n2})")


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1 (got {level})")
    return float(stats.norm.ppf(1.0 - (1.0 - level) / 2.0))


def zero_cell(a: int, n1: int, b: int, n2: int) -> bool:
    """True when a cell of the 2x2 table is zero (events or non-events of either group)."""
    return 0 in (a, n1 - a, b, n2 - b)


# ------------------------------------------------------------------------ estimates


def risk_ratio(a: float, n1: float, b: float, n2: float) -> float:
    """(a/n1) / (b/n2); infinite when b = 0 < a, NaN when both are 0."""
    if b == 0:
        return INF if a > 0 else math.nan
    return (a / n1) / (b / n2)


def odds_ratio(a: float, n1: float, b: float, n2: float) -> float:
    """a (n2 - b) / ((n1 - a) b); infinite or NaN on a zero denominator."""
    num, den = a * (n2 - b), (n1 - a) * b
    if den == 0:
        return INF if num > 0 else math.nan
    return num / den


def risk_difference(a: int, n1: int, b: int, n2: int) -> float:
    """a/n1 - b/n2, on the proportion scale."""
    return a / n1 - b / n2


def estimates(measure: str, a: int, n1: int, b: int, n2: int) -> dict[str, float]:
    """Every standard point estimate of ``measure``: from the counts; with 0.5 added to each
    cell when a cell is zero; and, for the odds ratio, the conditional MLE (R ``fisher.test``).
    """
    _check(a, n1, b, n2)
    if measure == "risk_difference":
        return {"sample": risk_difference(a, n1, b, n2)}
    f = risk_ratio if measure == "risk_ratio" else odds_ratio
    out = {"sample": f(a, n1, b, n2)}
    if zero_cell(a, n1, b, n2):
        out["cc"] = f(a + 0.5, n1 + 1, b + 0.5, n2 + 1)
    if measure == "odds_ratio":
        out["cmle"] = float(_scipy_odds_ratio([[a, n1 - a], [b, n2 - b]],
                                              kind="conditional").statistic)
    elif measure != "risk_ratio":
        raise ValueError(f"unknown measure {measure!r}")
    return {k: v for k, v in out.items() if not math.isnan(v)}


def nnt(rd: float) -> float:
    """Number needed to treat (or harm) for one more event: 1/|RD| (Laupacis, Sackett &
    Roberts 1988, N Engl J Med 318:1728); infinite when RD = 0."""
    return INF if rd == 0 else 1.0 / abs(rd)


# ------------------------------------------------------------- risk ratio intervals


def _log_interval(est: float, se: float, z: float) -> tuple[float, float]:
    return est * math.exp(-z * se), est * math.exp(z * se)


def _rr_log(a: float, n1: float, b: float, n2: float, z: float) -> tuple[float, float] | None:
    if a == 0 or b == 0:
        return None
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return _log_interval(risk_ratio(a, n1, b, n2), se, z)


def _rr_restricted(x1: int, n1: int, x2: int, n2: int, phi: float) -> tuple[float, float]:
    """Restricted MLEs (p1, p2) under p1 = phi p2 (Farrington & Manning 1990, eq. 2.3)."""
    n = n1 + n2
    a_ = n * phi
    b_ = -(n1 * phi + x1 + n2 + x2 * phi)
    c_ = x1 + x2
    p2 = (-b_ - math.sqrt(max(b_ * b_ - 4 * a_ * c_, 0.0))) / (2 * a_)
    return phi * p2, p2


def _rr_score(x1: int, n1: int, x2: int, n2: int, phi: float, inflate: bool) -> float:
    """Score statistic of H0: p1/p2 = phi, decreasing in phi."""
    p1, p2 = x1 / n1, x2 / n2
    t1, t2 = _rr_restricted(x1, n1, x2, n2, phi)
    var = t1 * (1 - t1) / n1 + phi * phi * t2 * (1 - t2) / n2
    if inflate:
        var *= (n1 + n2) / (n1 + n2 - 1)
    diff = p1 - phi * p2
    if var <= 0:
        return math.copysign(INF, diff) if diff else 0.0
    return diff / math.sqrt(var)


def _root_log(f: Callable[[float], float], lo: float, hi: float) -> float:
    """The root of a decreasing f on (lo, hi), searched on the log scale."""
    g = lambda t: f(math.exp(t))  # noqa: E731
    return math.exp(optimize.brentq(g, math.log(lo), math.log(hi), xtol=1e-13, rtol=1e-13))


def _rr_score_interval(x1: int, n1: int, x2: int, n2: int, z: float,
                       inflate: bool) -> tuple[float, float] | None:
    if x1 == 0 and x2 == 0:
        return None
    est = risk_ratio(x1, n1, x2, n2)
    tiny, huge = 1e-10, 1e10

    def stat(phi: float) -> float:
        return _rr_score(x1, n1, x2, n2, phi, inflate)

    low = 0.0 if x1 == 0 or stat(tiny) <= z else _root_log(lambda p: stat(p) - z, tiny,
                                                           min(est, huge))
    high = INF if x2 == 0 or stat(huge) >= -z else _root_log(lambda p: stat(p) + z,
                                                             max(est, tiny), huge)
    return low, high


# ------------------------------------------------------------- odds ratio intervals


def _or_woolf(a: float, n1: float, b: float, n2: float, z: float) -> tuple[float, float] | None:
    c, d = n1 - a, n2 - b
    if 0 in (a, b, c, d):
        return None
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return _log_interval(odds_ratio(a, n1, b, n2), se, z)


def _or_exact(a: int, n1: int, b: int, n2: int, level: float) -> tuple[float, float]:
    res = _scipy_odds_ratio([[a, n1 - a], [b, n2 - b]], kind="conditional")
    ci = res.confidence_interval(confidence_level=level)
    return float(ci.low), float(ci.high)


def _or_mid_p(a: int, n1: int, b: int, n2: int, level: float) -> tuple[float, float]:
    """Mid-P limits: P(A > a) + P(A = a)/2 = alpha/2 (lower), P(A < a) + P(A = a)/2 = alpha/2
    (upper), A non-central hypergeometric given the margins (Fisher's distribution)."""
    alpha = (1 - level) / 2
    m = a + b
    lo_a, hi_a = max(0, m - n2), min(n1, m)

    def dist(psi: float) -> stats.rv_discrete:
        return stats.nchypergeom_fisher(n1 + n2, n1, m, psi)

    def upper_tail(psi: float) -> float:
        d = dist(psi)
        return float(d.sf(a) + 0.5 * d.pmf(a)) - alpha

    def lower_tail(psi: float) -> float:
        d = dist(psi)
        return float(d.cdf(a - 1) + 0.5 * d.pmf(a)) - alpha

    tiny, huge = 1e-8, 1e8
    low = 0.0 if a == lo_a else math.exp(optimize.brentq(
        lambda t: upper_tail(math.exp(t)), math.log(tiny), math.log(huge), xtol=1e-12))
    high = INF if a == hi_a else math.exp(optimize.brentq(
        lambda t: lower_tail(math.exp(t)), math.log(tiny), math.log(huge), xtol=1e-12))
    return low, high


# ------------------------------------------------------------- risk difference intervals


def _rd_restricted(p1: float, n1: int, p2: float, n2: int, delta: float) -> tuple[float, float]:
    """Restricted MLEs (p1, p2) under p1 - p2 = delta (Farrington & Manning 1990, eq. 2.2:
    the root of a cubic in trigonometric form)."""
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = b ** 3 / (27 * a ** 3) - b * c / (6 * a * a) + d / (2 * a)
    u2 = b * b / (9 * a * a) - c / (3 * a)
    u = math.copysign(math.sqrt(max(u2, 0.0)), v) if v != 0 else math.sqrt(max(u2, 0.0))
    if u == 0:
        t1 = -b / (3 * a)
    else:
        w = (math.pi + math.acos(max(-1.0, min(1.0, v / u ** 3)))) / 3
        t1 = 2 * u * math.cos(w) - b / (3 * a)
    t1 = min(1.0, max(0.0, t1))
    return t1, min(1.0, max(0.0, t1 - delta))


def _rd_score(x1: int, n1: int, x2: int, n2: int, delta: float, inflate: bool) -> float:
    p1, p2 = x1 / n1, x2 / n2
    t1, t2 = _rd_restricted(p1, n1, p2, n2, delta)
    var = t1 * (1 - t1) / n1 + t2 * (1 - t2) / n2
    if inflate:
        var *= (n1 + n2) / (n1 + n2 - 1)
    diff = p1 - p2 - delta
    if var <= 0:
        return math.copysign(INF, diff) if diff else 0.0
    return diff / math.sqrt(var)


def _rd_score_interval(x1: int, n1: int, x2: int, n2: int, z: float,
                       inflate: bool) -> tuple[float, float]:
    est = x1 / n1 - x2 / n2
    eps = 1e-12

    def stat(delta: float) -> float:
        return _rd_score(x1, n1, x2, n2, delta, inflate)

    low = -1.0 if est <= -1 + eps or stat(-1 + eps) <= z else optimize.brentq(
        lambda d: stat(d) - z, -1 + eps, est, xtol=1e-13)
    high = 1.0 if est >= 1 - eps or stat(1 - eps) >= -z else optimize.brentq(
        lambda d: stat(d) + z, est, 1 - eps, xtol=1e-13)
    return float(low), float(high)


def _rd_wald(a: int, n1: int, b: int, n2: int, z: float, cc: bool) -> tuple[float, float]:
    p1, p2 = a / n1, b / n2
    half = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if cc:
        half += (1 / n1 + 1 / n2) / 2
    d = p1 - p2
    return max(-1.0, d - half), min(1.0, d + half)


def _rd_newcombe(a: int, n1: int, b: int, n2: int, level: float,
                 cc: bool) -> tuple[float, float]:
    method = "wilson_cc" if cc else "wilson"
    l1, u1 = proportion_ci(a, n1, method, level)
    l2, u2 = proportion_ci(b, n2, method, level)
    p1, p2 = a / n1, b / n2
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def _rd_agresti_caffo(a: int, n1: int, b: int, n2: int, z: float) -> tuple[float, float]:
    p1, p2 = (a + 1) / (n1 + 2), (b + 1) / (n2 + 2)
    half = z * math.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
    return max(-1.0, p1 - p2 - half), min(1.0, p1 - p2 + half)


# ------------------------------------------------------------------------ dispatch


def confidence_intervals(measure: str, a: int, n1: int, b: int, n2: int,
                         level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Every interval of :data:`CI_METHODS` for ``measure`` that the table allows.

    The log and logit intervals need every cell they divide by; with a zero cell their
    0.5-corrected forms stand in (and only then). Differences are on the proportion scale.
    """
    _check(a, n1, b, n2)
    z = _z(level)
    zero = zero_cell(a, n1, b, n2)
    out: dict[str, tuple[float, float] | None] = {}
    if measure == "risk_ratio":
        out["log"] = _rr_log(a, n1, b, n2, z)
        out["log_cc"] = _rr_log(a + 0.5, n1 + 1, b + 0.5, n2 + 1, z) if zero else None
        out["koopman"] = _rr_score_interval(a, n1, b, n2, z, inflate=False)
        out["mn_score"] = _rr_score_interval(a, n1, b, n2, z, inflate=True)
    elif measure == "odds_ratio":
        out["woolf"] = _or_woolf(a, n1, b, n2, z)
        out["woolf_cc"] = _or_woolf(a + 0.5, n1 + 1, b + 0.5, n2 + 1, z) if zero else None
        if a + b not in (0, n1 + n2):
            out["exact"] = _or_exact(a, n1, b, n2, level)
            out["mid_p"] = _or_mid_p(a, n1, b, n2, level)
    elif measure == "risk_difference":
        out["wald"] = _rd_wald(a, n1, b, n2, z, cc=False)
        out["wald_cc"] = _rd_wald(a, n1, b, n2, z, cc=True)
        out["newcombe"] = _rd_newcombe(a, n1, b, n2, level, cc=False)
        out["newcombe_cc"] = _rd_newcombe(a, n1, b, n2, level, cc=True)
        out["mee"] = _rd_score_interval(a, n1, b, n2, z, inflate=False)
        out["mn_score"] = _rd_score_interval(a, n1, b, n2, z, inflate=True)
        out["agresti_caffo"] = _rd_agresti_caffo(a, n1, b, n2, z)
    else:
        raise ValueError(f"unknown measure {measure!r}; choose from {', '.join(MEASURES)}")
    return {k: v for k, v in out.items() if v is not None}


def nnt_interval(rd_low: float, rd_high: float) -> tuple[float, float] | None:
    """The NNT interval from a risk-difference interval that excludes 0: (1/|high|, 1/|low|)
    ordered (Altman 1998, BMJ 317:1309-1312); None when it includes 0 (the NNT interval then
    runs through infinity)."""
    if rd_low <= 0 <= rd_high:
        return None
    x, y = 1 / abs(rd_low), 1 / abs(rd_high)
    return min(x, y), max(x, y)


# ------------------------------------------------------------------------ 2x2 tests

TEST_LABELS: dict[str, str] = {
    "chi2": "chi-square", "chi2_yates": "chi-square with Yates' correction",
    "fisher": "Fisher's exact test", "fisher_midp": "Fisher's mid-P",
    "fisher_one_sided": "one-sided Fisher's exact test", "chi2_one_sided": "one-sided chi-square",
}


def two_by_two_ps(a: int, n1: int, b: int, n2: int) -> dict[str, float]:
    """P values of the table [[a, n1 - a], [b, n2 - b]], keyed as :data:`TEST_LABELS`.

    Pearson's chi-square (Pearson 1900) with and without Yates' correction (Yates 1934;
    the two-sample z test of proportions gives the uncorrected P), half the uncorrected one
    as its one-sided P; Fisher's exact test (Fisher 1935; two-sided as R sums the tables no
    more probable than the observed one), its smaller one-sided tail, and its mid-P (the
    two-sided P less half the probability of the observed table; Lancaster 1961, J Am Stat
    Assoc 56:223-234). A table with no event (or only events) gives P = 1.
    """
    _check(a, n1, b, n2)
    table = [[a, n1 - a], [b, n2 - b]]
    out = {"fisher": float(stats.fisher_exact(table).pvalue)}
    out["fisher_one_sided"] = min(float(stats.fisher_exact(table, alternative="greater").pvalue),
                                  float(stats.fisher_exact(table, alternative="less").pvalue))
    point = float(stats.hypergeom.pmf(a, n1 + n2, a + b, n1))
    out["fisher_midp"] = max(0.0, out["fisher"] - 0.5 * point)
    if (a + b) in (0, n1 + n2):
        out["chi2"] = out["chi2_yates"] = 1.0
    else:
        out["chi2"] = float(stats.chi2_contingency(table, correction=False).pvalue)
        out["chi2_yates"] = float(stats.chi2_contingency(table, correction=True).pvalue)
    out["chi2_one_sided"] = out["chi2"] / 2
    return out
