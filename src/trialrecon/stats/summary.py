"""Means, standard deviations and sample sizes: what a printed summary of integer data allows,
and the t test from summaries.

* :func:`grim_totals`: the GRIM test of Brown & Heathers (2017), Soc Psychol Personal Sci
  8:363-369: a mean of ``n`` whole numbers is a whole total over ``n``, so only some printed
  means are possible when ``n`` is small against the printed precision.
* :func:`grimmer`: GRIMMER (Anaya 2016, PeerJ Preprints 4:e2400): the sample SD of whole
  numbers comes from a whole sum of squares Q with the parity of the total (x^2 and x are
  both odd or both even), Q = (n - 1) SD^2 + total^2 / n.
* :func:`t_test_p` and :func:`t_test_p_range`: Student's pooled t test and Welch's (1947,
  Biometrika 34:28-35) from two means, SDs and sizes, over the rounding of the printed
  means and SDs.

Rounding is standard (half up or half even, ties either way): a printed ``2.35`` stands for
[2.345, 2.355].
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from scipy import stats

from trialrecon.stats.rounding import decimals_of, exact, round_half_even, round_half_up


def _rounds_to(x: Fraction, printed: str) -> bool:
    d = decimals_of(printed)
    target = exact(printed)
    return round_half_up(x, d) == target or round_half_even(x, d) == target


def _bounds(printed: str) -> tuple[Fraction, Fraction]:
    """The closed interval of values that round to ``printed`` (ties either way)."""
    x = exact(printed)
    h = Fraction(1, 2 * 10 ** decimals_of(printed))
    return x - h, x + h


def grim_totals(mean: str, n: int, items: int = 1) -> list[int]:
    """Whole totals T with T / (n items) rounding to the printed ``mean`` (empty: impossible).

    ``items`` is the number of whole-number items averaged per person (1 for a count or a
    single score).
    """
    if n <= 0 or items <= 0:
        raise ValueError(f"n and items must be positive (got {n}, {items})")
    m = n * items
    lo, hi = _bounds(mean)
    first, last = math.floor(lo * m), math.ceil(hi * m)
    return [t for t in range(first, last + 1) if _rounds_to(Fraction(t, m), mean)]


def grim_applies(mean: str, n: int, items: int = 1) -> bool:
    """GRIM can fail only when the granularity 1/(n items) exceeds the printed unit."""
    return n * items < 10 ** decimals_of(mean)


def grimmer(mean: str, sd: str, n: int, *, population_sd: bool = False) -> bool:
    """True when some whole-number data of size ``n`` print as ``mean`` and ``sd``.

    For each GRIM total T, the SD rounds to the printed one iff the sum of squares Q lies in
    [(n - 1) lo^2 + T^2/n, (n - 1) hi^2 + T^2/n] ([lo, hi] the SD's rounding interval; n in
    place of n - 1 for a population SD); Q must be a whole number with the parity of T.
    """
    if n < 2:
        raise ValueError(f"an SD needs n >= 2 (got {n})")
    lo, hi = _bounds(sd)
    lo = max(lo, Fraction(0))
    div = n if population_sd else n - 1
    for total in grim_totals(mean, n):
        base = Fraction(total * total, n)
        q_lo, q_hi = div * lo * lo + base, div * hi * hi + base
        q = math.ceil(q_lo)
        if (q - total) % 2:
            q += 1
        if q <= q_hi:
            return True
    return False


def t_test_p(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int, *,
             welch: bool) -> float:
    """Two-sided P of the two-sample t test from summaries (pooled, or Welch)."""
    res = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=not welch)
    p = float(res.pvalue)
    return 1.0 if math.isnan(p) else p


def t_test_p_range(m1: tuple[float, float], s1: tuple[float, float], n1: int,
                   m2: tuple[float, float], s2: tuple[float, float], n2: int, *,
                   welch: bool) -> tuple[float, float]:
    """Smallest and largest t-test P over the rounding intervals of means and SDs.

    The statistic grows with |m1 - m2| and shrinks as the SDs grow, so the extremes lie at
    the corners (and at a zero difference, P = 1, when the means' intervals overlap). For
    Welch's test the degrees of freedom move with the SDs too; the corners still bound P
    closely enough for a printed P.
    """
    ps = [t_test_p(a, c, n1, b, d, n2, welch=welch)
          for a, b, c, d in itertools.product(m1, m2, s1, s2) if min(c, d) > 0]
    if m1[0] <= m2[1] and m2[0] <= m1[1]:
        ps.append(1.0)
    if not ps:
        raise ValueError("no corner with positive SDs")
    return min(ps), max(ps)


def se_of_mean(sd: float, n: int) -> float:
    """The standard error of a mean, SD / sqrt(n)."""
    return sd / math.sqrt(n)


def combined_sd(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> float:
    """The sample SD of two groups put together, from their means, SDs and sizes: the sum of
    squares about the grand mean is (n1 - 1) s1^2 + (n2 - 1) s2^2 + n1 n2 / N (m1 - m2)^2
    (the within- and between-group parts), over N - 1."""
    n = n1 + n2
    ss = (n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2 + n1 * n2 / n * (m1 - m2) ** 2
    return math.sqrt(ss / (n - 1))


def combined_sd_range(m1: tuple[float, float], s1: tuple[float, float], n1: int,
                      m2: tuple[float, float], s2: tuple[float, float], n2: int
                      ) -> tuple[float, float]:
    """Smallest and largest :func:`combined_sd` over the rounding intervals: it grows with
    each SD and with |m1 - m2|, so the extremes take the SDs' ends and the smallest and
    largest distance between the means' intervals (0 when they overlap)."""
    d_max = max(abs(m1[1] - m2[0]), abs(m2[1] - m1[0]))
    d_min = 0.0 if m1[0] <= m2[1] and m2[0] <= m1[1] else min(abs(m1[0] - m2[1]),
                                                               abs(m2[0] - m1[1]))
    return (combined_sd(d_min, s1[0], n1, 0.0, s2[0], n2),
            combined_sd(d_max, s1[1], n1, 0.0, s2[1], n2))
