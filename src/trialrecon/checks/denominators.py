"""Plausible denominators of a printed percentage, and GRIM counts (Brown & Heathers 2017).

Shared by the percentage, 2x2-test and pooled checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from trialrecon.checks.context import (
    Context,
    Row,
    fmt,
    is_nan,
    missing_like,
)
from trialrecon.stats.rounding import (
    STANDARD_SCHEMES,
    decimals_of,
    exact,
    reproduces,
    round_half_up,
)


@dataclass(frozen=True)
class Denominator:
    label: str
    n: int
    natural: bool
    rows: tuple[str, ...] = ()


def denominators(ctx: Context, row: Row) -> list[Denominator]:
    """Every plausible denominator of a percentage, natural ones first, de-duplicated by n."""
    out: list[Denominator] = []
    if not is_nan(row["denominator_num"]):
        out.append(Denominator("stated denominator", int(row["denominator_num"]), True))
    part_of = ctx.partition_of(row["quantity"])
    pops = ctx.population_counts(row, exclude=row["quantity"])
    local = [p for p in pops if p[2]["source"] == row["source"]
             and p[2]["location"] == row["location"]]
    for q, n, r in sorted(pops, key=lambda p: p not in local):
        natural = q == part_of or q in ("enrolled", "randomized")
        out.append(Denominator(q, n, natural, (r["id"],)))
    same = [r for r in ctx.rows if r["quantity"] == row["quantity"]
            and r["statistic"] == "count" and ctx.numeric(r)
            and all(r[c] == row[c] for c in ("source", "location", "cohort", "arm", "subgroup"))]
    missing = sum(int(r["value_num"]) for r in same if missing_like(r["category"]))
    if missing and not missing_like(row["category"]):
        for d in list(out):
            out.append(Denominator(f"{d.label} minus stated missing ({missing})",
                                   d.n - missing, False))
    if part_of and len(same) > 1:
        out.append(Denominator("sum of the partition's categories",
                               sum(int(r["value_num"]) for r in same), False,
                               tuple(r["id"] for r in same)))
    best: dict[int, Denominator] = {}
    for d in out:
        if d.n > 0 and (d.n not in best or (d.natural and not best[d.n].natural)):
            best[d.n] = d
    return sorted(best.values(), key=lambda d: (not d.natural, d.n))


def nearest_count(count: int, dens: list[Denominator], printed: str) -> str:
    """The closest recomputed value, and the denominator the printed value would need."""
    target = exact(printed)
    d = min(dens, key=lambda d: (abs(Fraction(100 * count, d.n) - target), not d.natural))
    value = round_half_up(Fraction(100 * count, d.n), decimals_of(printed))
    text = f"{fmt(value)}% ({count}/{d.n}, {d.label})"
    ref = dens[0].n
    needed = [n for n in range(max(count, 1), 2 * ref + 1)
              if any(reproduces(count, n, printed, s) for s in STANDARD_SCHEMES)]
    if needed:
        n = min(needed, key=lambda n: (abs(n - ref), n))
        text += f"; the printed value needs a denominator of {n} ({count}/{n})"
    return text


def grim_counts(n: int, printed: str, schemes: Iterable[str]) -> list[int]:
    """Every integer count k in 0..n whose k/n rounds to the printed percentage (GRIM)."""
    target = exact(printed)
    guess = int(target * n / 100)
    ks = range(max(0, guess - 2), min(n, guess + 3) + 1)
    return [k for k in ks if any(reproduces(k, n, printed, s) for s in schemes)]
