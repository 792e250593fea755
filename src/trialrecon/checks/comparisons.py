"""The two arms of a between-arm statistic and the cells each arm prints (shared by the
effect, P value, mean and rate checks).

A between-arm row (a risk ratio, a mean difference, a P value) compares ``arm`` against
``versus`` when both are given, and otherwise, in a trial with exactly two arms that are not
pools, the experimental arm against the comparator (data/raw/README.md, "Outcomes and effect
measures"). Each arm's cell (its count, mean, SD, rate) is a row of the same cohort,
subgroup, category and data cut, read from the statement's own place first (same source and
location), else from its source; never from another source, whose analysis may differ.
Rows of another analysis set (``population``) never stand for each other.
"""

from __future__ import annotations

import math
from fractions import Fraction

from trialrecon.checks.context import Context, Row, is_nan
from trialrecon.checks.denominators import denominators
from trialrecon.stats.rounding import SCHEMES, decimals_of, exact, half_unit

# Tests whose P comes from the model an estimate's (Wald) interval comes from.
WALD_TESTS = frozenset({"logistic_wald", "cox_wald", "poisson", "z_test", "t_test",
                        "welch_t_test", "ancova", "anova", "mixed_model", "gee"})
# Hypotheses whose P is not a test of no difference.
NOT_NULL_HYPOTHESES = frozenset({"non_inferiority", "equivalence", "interaction",
                                 "heterogeneity"})


def adjusted(row: Row) -> bool:
    """An adjusted or stratified estimate or P (``adjusted``, ``adjusted: model 2``, ...)."""
    adj = str(row.get("adjustment") or "")
    return adj == "stratified" or adj.startswith("adjusted")


def plain_arms(ctx: Context) -> list[str]:
    """The trial's arms that are not pools of other arms."""
    return [a.id for a in ctx.dossier.trial.arms if not a.parts]


def pool_parts(ctx: Context, row: Row) -> list[str] | None:
    """The arms a pooled row adds up: a pooled arm's ``parts``, or every arm for the total
    column (``arm`` empty) of a trial with two or more arms; None for an arm's own row."""
    pooled = {a.id: a.parts for a in ctx.dossier.trial.pooled_arms}
    if row["arm"] in pooled:
        return list(pooled[row["arm"]])
    if not row["arm"] and len(plain_arms(ctx)) >= 2:
        return plain_arms(ctx)
    return None


def comparison_arms(ctx: Context, row: Row) -> tuple[str, str] | None:
    """(arm, versus) a between-arm row compares, or None when the dossier does not say."""
    arms = plain_arms(ctx)
    if row["arm"] and row.get("versus"):
        return str(row["arm"]), str(row["versus"])
    if len(arms) != 2:
        return None
    if row["arm"]:
        if row["arm"] not in arms:
            return None
        return str(row["arm"]), next(a for a in arms if a != row["arm"])
    roles = {a.id: a.role for a in ctx.dossier.trial.arms if a.id in arms}
    exp = next((a for a in arms if roles[a] == "experimental"), arms[0])
    return exp, next(a for a in arms if a != exp)


def compatible_population(a: Row, b: Row) -> bool:
    """Rows that may describe one analysis set: equal ``population`` or one unstated."""
    pa, pb = str(a.get("population") or ""), str(b.get("population") or "")
    return not pa or not pb or pa == pb


def arm_cell(ctx: Context, ref: Row, arm: str, quantity: str, statistic: str) -> Row | None:
    """The arm's row of ``quantity``/``statistic`` for the comparison ``ref`` belongs to.

    Same cohort, subgroup, category and data cut as ``ref``, a compatible population, the
    same source; rows at ``ref``'s location first. None when absent, or when the rows of the
    nearest place disagree and no population tells them apart.
    """
    cands = [r for r in ctx.where(cohort=ref["cohort"], arm=arm, subgroup=ref["subgroup"],
                                  quantity=quantity, category=ref["category"],
                                  statistic=statistic, source=ref["source"])
             if ctx.numeric(r) and (r["comparator"] or "=") == "="
             and str(r.get("data_cut") or "") == str(ref.get("data_cut") or "")
             and compatible_population(r, ref)]
    local = [r for r in cands if r["location"] == ref["location"]]
    pick = local or cands
    if len({r["value"] for r in pick}) > 1:
        same = [r for r in pick if str(r.get("population") or "") ==
                str(ref.get("population") or "")]
        pick = same if len({r["value"] for r in same}) == 1 else []
    return pick[0] if pick else None


def cell_size(ctx: Context, row: Row) -> tuple[int, bool] | None:
    """The n a cell is over, and whether the paper states it: the row's ``denominator``,
    else the first natural population count of its arm (an assumption)."""
    if not is_nan(row.get("denominator_num")):
        return int(row["denominator_num"]), True
    dens = [d for d in denominators(ctx, row) if d.natural]
    return (dens[0].n, False) if dens else None


def reproduces(value: float, printed: str, scheme: str = "") -> bool:
    """A computed value prints as ``printed`` under standard rounding (ties either way), or
    under one named non-standard ``scheme`` (``truncate``, ``round_twice``)."""
    if not math.isfinite(value):
        return False
    x = exact(printed)
    if scheme:
        return SCHEMES[scheme](Fraction(value), decimals_of(printed)) == x
    return abs(Fraction(value) - x) <= half_unit(printed) + Fraction(1, 10 ** 12)


def restated_adjusted(ctx: Context, est: Row) -> Row | None:
    """The adjusted estimate an unlabelled one restates, if any.

    A text often repeats a table's adjusted estimate without saying it is adjusted ("1.37 mL
    smaller", the Discussion restating an adjusted mean difference of -1.37). An estimate
    whose ``adjustment`` is empty and whose printed value is that of an adjusted estimate of
    the same quantity and category (in either orientation: the negative of a difference, the
    reciprocal of a ratio within rounding) is that estimate, not a crude one.
    """
    if est.get("adjustment"):
        return None
    ratio = ctx.vocab.attribute(est["quantity"], "scale") == "ratio"
    x = float(est["value_num"])
    for r in ctx.where(cohort=est["cohort"], subgroup=est["subgroup"],
                       quantity=est["quantity"], category=est["category"],
                       statistic="estimate"):
        if r is est or not adjusted(r) or not ctx.numeric(r):
            continue
        y = float(r["value_num"])
        if r["value"] == est["value"] or (not ratio and abs(x + y) < 1e-12) or (
                ratio and y > 0 and reproduces(1 / y, str(est["value"]))):
            return r
    return None


def reproduces_row(value: float, row: Row) -> bool:
    return reproduces(value, str(row["value"]))


def fmt_num(x: float, like: str = "") -> str:
    """A computed number with two more decimals than ``like`` prints (at least 3 digits)."""
    if not math.isfinite(x):
        return "infinite" if x > 0 else "-infinite"
    if like:
        d = len(like.split(".")[1]) if "." in like else 0
        return f"{x:.{d + 2}f}"
    return f"{x:.4g}"


# Columns an estimate and a P value of one comparison share (a table row printing them).
_LINK_KEY = ("source", "location", "row", "cohort", "arm", "versus", "subgroup", "quantity",
             "category", "data_cut", "adjustment")


def link_by_adjustment(stmts: list[dict[str, Row]]) -> list[dict[str, Row]]:
    """A P value of its own cell joins the estimate of the same table row and adjustment.

    A table that prints an unadjusted and an adjusted estimate, each with a P column, leaves
    :func:`~trialrecon.checks.context.statements` two estimates for each P; the
    ``adjustment`` column tells which P belongs to which estimate.
    """
    lone = [s for s in stmts if set(s) == {"p_value"} and s["p_value"]["row"]]
    merged: set[int] = set()
    for s in lone:
        p = s["p_value"]
        cands = [t for t in stmts if "p_value" not in t and "estimate" in t
                 and all(str(t["estimate"].get(c) or "") == str(p.get(c) or "")
                         for c in _LINK_KEY)]
        if len(cands) == 1:
            cands[0]["p_value"] = p
            merged.add(id(s))
    return [s for s in stmts if id(s) not in merged]
