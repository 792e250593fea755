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
from trialrecon.stats.rounding import exact, half_unit

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


def reproduces(value: float, printed: str) -> bool:
    """A computed value prints as ``printed`` under standard rounding (ties either way)."""
    if not math.isfinite(value):
        return False
    x, h = exact(printed), half_unit(printed)
    return abs(Fraction(value) - x) <= h + Fraction(1, 10 ** 12)


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
