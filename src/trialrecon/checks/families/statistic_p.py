"""A P value against the test statistic printed beside it (chi-square(df) = x, t(df) = x).

Check ``statistic-p``; references: Pearson 1900 (the chi-square distribution of the
statistic); Student 1908 (the t distribution); statcheck (Nuijten et al. 2016, Behav Res
Methods 48:1205), which recomputes a P from a reported statistic and its degrees of freedom.

Rules (issue 22, a P value only the printed statistic decides; each has a clean and an error
case in the planted corpus):

* **the statistic, its df and its P of one statement** (same place, outcome and arm) under
  the test the row names (``test`` on the statistic or the P): a chi-square statistic
  (``chi_square``, ``chi_square_yates``, ``likelihood_ratio``, ``kruskal_wallis``, ``cmh``)
  with its df gives P = the upper tail of chi-square(df); a t statistic (``t_test``,
  ``welch_t_test``, ``paired_t_test``) with its df and a z statistic (``z_test``) give the
  two-sided tail (one-sided when the P row says so). No test named, or a test of another
  distribution (an F of ANOVA needs two df), or no df where one is needed: not checked.
* **rounding**: the statistic stands for every value its printed digits round from, so the
  P ranges over the tails of that interval; a P whose printed interval (comparator aware)
  meets that range is reproduced. No tolerance for software: the tail of a given statistic
  is the same in every package.
* **truncation**: a P reproduced only if the statistic was truncated, not rounded (6.66
  printed 6.6), rests on a rounding rule the paper does not state: *questionable*. Otherwise
  *inconsistent* (a *gross* one when the two sides of 0.05 differ).
"""

from __future__ import annotations

from scipy import stats as sps

from trialrecon.checks.context import (
    Check,
    Context,
    Row,
    group_by,
    quote,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.pvalues import overlap, p_interval, significant
from trialrecon.stats.rounding import exact, half_unit

CHI_SQUARE_TESTS = frozenset({"chi_square", "chi_square_yates", "likelihood_ratio",
                              "kruskal_wallis", "cmh"})
T_TESTS = frozenset({"t_test", "welch_t_test", "paired_t_test"})
PLACE = ("source", "location", "row", "cohort", "arm", "versus", "subgroup", "quantity",
         "category", "data_cut", "population")
Span = tuple[float, float]


def _tail(test: str, x: float, df: float | None, one_sided: bool) -> float | None:
    """The P of statistic x under the named test's distribution (None: not one we judge)."""
    if test in CHI_SQUARE_TESTS:
        return float(sps.chi2.sf(max(x, 0.0), df)) if df else None
    if test in T_TESTS:
        return None if not df else float(sps.t.sf(abs(x), df)) * (1 if one_sided else 2)
    if test == "z_test":
        return float(sps.norm.sf(abs(x))) * (1 if one_sided else 2)
    return None


def _p_range(test: str, lo: float, hi: float, df: float | None,
             one_sided: bool) -> Span | None:
    """The P values a statistic anywhere in [lo, hi] gives (the tail falls with |x|)."""
    if test not in CHI_SQUARE_TESTS and lo < 0 < hi:
        lo, hi = 0.0, max(-lo, hi)
    a, b = _tail(test, lo, df, one_sided), _tail(test, hi, df, one_sided)
    if a is None or b is None:
        return None
    return min(a, b), max(a, b)


def _statistic_span(row: Row, truncated: bool) -> Span:
    """Rounded: x +- half a unit; truncated: from x away from zero by a whole unit."""
    x, h = float(exact(str(row["value"]))), float(half_unit(str(row["value"])))
    if not truncated:
        return x - h, x + h
    return (x, x + 2 * h) if x >= 0 else (x - 2 * h, x)


def _one(group: list[Row], statistic: str) -> Row | None:
    rows = [r for r in group if r["statistic"] == statistic]
    return rows[0] if len(rows) == 1 else None


def check_statistic_p(ctx: Context) -> list[Finding]:
    """Each P printed with its test statistic (and df) recomputed from the statistic."""
    out = []
    rows = [r for r in ctx.rows if r["statistic"] in ("test_statistic", "df", "p_value")
            and ctx.numeric(r)]
    for group in group_by(rows, PLACE).values():
        stat, p = _one(group, "test_statistic"), _one(group, "p_value")
        if stat is None or p is None:
            continue
        df_row = _one(group, "df")
        test = str(stat.get("test") or p.get("test") or "")
        df = float(df_row["value_num"]) if df_row is not None else None
        one_sided = p["sided"] == "one_sided"
        x_lo, x_hi = _statistic_span(stat, truncated=False)
        rng = _p_range(test, x_lo, x_hi, df, one_sided)
        if rng is None:
            ctx.skip("a statistic without a named chi-square, t or z test (and its df)")
            continue
        used = [stat, *([df_row] if df_row is not None else []), p]
        ctx.see(used)
        out.append(_judge(ctx, stat, df, p, test, rng, used, one_sided))
    return out


def _judge(ctx: Context, stat: Row, df: float | None, p: Row, test: str, rng: Span,
           used: list[Row], one_sided: bool) -> Finding:
    rep = p_interval(p)
    dist = (f"chi-square({df:g})" if test in CHI_SQUARE_TESTS else
            f"t({df:g})" if test in T_TESTS else "the normal distribution")
    side = " (one-sided)" if one_sided else ""
    said = f"{stat['value']} under {dist}{side} gives P {rng[0]:.4g} to {rng[1]:.4g}"
    rec = {"method": f"P from the printed statistic under {dist}{side}",
           "inputs": {r["id"]: r["value"] for r in used}, "result": said}
    if overlap(rng, rep):
        return ctx.finding("consistent", f"P {p['value']} from the statistic",
                           f"{quote(p)}: the statistic {said}.", used, recomputation=rec)
    t_rng = _p_range(test, *_statistic_span(stat, truncated=True), df, one_sided)
    if t_rng is not None and overlap(t_rng, rep):
        rec["result"] = said + f"; truncated, {t_rng[0]:.4g} to {t_rng[1]:.4g}"
        return ctx.finding(
            "questionable", f"P {p['value']} only from a truncated statistic",
            f"The statistic {said}, against {quote(p)}; only a statistic truncated to its "
            f"printed digits (P {t_rng[0]:.4g} to {t_rng[1]:.4g}) gives it, a rounding rule "
            "the paper does not state.", used, recomputation=rec,
            nearest=f"P {rng[0]:.3g} to {rng[1]:.3g}")
    gross = significant(rng) is not None and significant(rep) is not None \
        and significant(rng) != significant(rep)
    rec["gross"] = gross
    return ctx.finding(
        "inconsistent", ("gross inconsistency: " if gross else "")
        + f"P {p['value']} not from the statistic",
        f"The statistic {said}, against {quote(p)}.", used, recomputation=rec,
        nearest=f"P {rng[0]:.3g} to {rng[1]:.3g}")


CHECK = Check(
    "statistic-p", "1",
    "A P value against the test statistic (chi-square, t, z) and df printed beside it",
    "Pearson 1900; Student 1908; Nuijten et al. 2016 (statcheck)",
    check_statistic_p,
)
