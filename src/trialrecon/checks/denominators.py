"""Plausible denominators of a printed percentage, and GRIM counts (Brown & Heathers 2017).

Shared by the percentage, 2x2-test and pooled checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from trialrecon.checks.context import (
    Context,
    Row,
    compatible,
    fmt,
    is_nan,
    missing_like,
)
from trialrecon.stats.rounding import (
    STANDARD_SCHEMES,
    decimals_of,
    exact,
    half_unit,
    reproduces,
    round_half_up,
)


@dataclass(frozen=True)
class Denominator:
    label: str
    n: int
    natural: bool
    rows: tuple[str, ...] = ()
    governs: bool = False  # the population the paper defines for this kind of quantity
    local: bool = False  # the paper states it for this row: its denominator, its table's n,
    # or the analysis set its ``population`` names
    rank: int = 9  # stated 0, analysis set 1, same table 2, governing 3, other natural 4
    place: bool = False  # printed at the row's own place (its cell, table or sentence)


# The analysis sets of the ``population`` column and the population counts that print them.
POPULATION_QUANTITIES: dict[str, tuple[str, ...]] = {
    "safety": ("safety_population", "treated"), "as_treated": ("treated",),
    "evaluable": ("evaluable_response",), "itt": ("randomized",),
    "modified_itt": ("treated",), "full_analysis": (), "per_protocol": (), "completers": (),
}


def governing_populations(ctx: Context, quantity: str) -> list[str]:
    """Populations that are the natural denominator of ``quantity``'s kind (``governs``)."""
    kind = ctx.kind(quantity)
    key = ("governing", kind)
    if key not in ctx.memo:  # the vocabulary is read once per kind, not once per row
        ctx.memo[key] = [q for q, d in ctx.vocab.quantities.items()
                         if kind in (d.get("governs") or ())]
    return list(ctx.memo[key])


def _population_rank(row: Row, q: str, r: Row, local: bool, governing: list[str]) -> int:
    """Where a population count stands among a row's denominators (smaller first)."""
    pop = str(row.get("population") or "")
    if pop and (str(r.get("population") or "") == pop or q in POPULATION_QUANTITIES.get(pop, ())):
        return 1
    if local:
        return 2
    return 3 if q in governing else 4


# Units other than patients that a table may describe (a cluster trial's table of households):
# a one-row count labelled by one of these words counts that unit.
UNIT_WORDS = frozenset({"households", "families", "homes", "dwellings", "villages", "clusters",
                        "schools", "practices", "wards", "communities"})


def unit_totals(ctx: Context, row: Row) -> list[Denominator]:
    """Counts of another unit (``Households``: a one-row count named by a word of
    :data:`UNIT_WORDS`) printed in the row's own table column: the table states that its rows
    describe that unit, so each is a natural denominator of the column's percentages."""
    if not str(row["location"]).startswith("Table") or not row.get("column"):
        return []
    out = []
    for r in ctx.where(source=row["source"], location=row["location"], statistic="count",
                       cohort=row["cohort"], arm=row["arm"], subgroup=row["subgroup"]):
        label = str(r["category"] or r.get("row") or "").strip().lower()
        if (r.get("column") == row["column"] and label in UNIT_WORDS and ctx.numeric(r)
                and r["id"] != row["id"]):
            out.append(Denominator(f"{label} (its table's count)", int(r["value_num"]), True,
                                   (r["id"],), local=True, rank=2, place=True))
    return out


def denominators(ctx: Context, row: Row) -> list[Denominator]:
    """Every plausible denominator of a percentage, the paper's own first, de-duplicated by n.

    Order: the stated denominator; the analysis set the row's ``population`` names; a
    population count of the same table or sentence (a column header's n); the population
    that governs the quantity (the safety population of adverse events); the partition's
    population, the enrolled and the randomized; then the others. Populations of another
    analysis set than the row's ``population`` are not natural.
    """
    out: list[Denominator] = []
    if not is_nan(row["denominator_num"]):
        out.append(Denominator("stated denominator", int(row["denominator_num"]), True,
                               local=True, rank=0, place=True))
    part_of = ctx.partition_of(row["quantity"])
    governing = governing_populations(ctx, row["quantity"])
    pops = ctx.population_counts(row, exclude=row["quantity"])
    pop = str(row.get("population") or "")
    for q, n, r in pops:
        local = r["source"] == row["source"] and r["location"] == row["location"]
        rank = _population_rank(row, q, r, local, governing)
        other_set = bool(pop and r.get("population") and r.get("population") != pop)
        natural = not other_set and (rank <= 2 or q == part_of
                                     or q in ("enrolled", "randomized") or q in governing)
        out.append(Denominator(q, n, natural, (r["id"],), governs=q in governing,
                               local=rank <= 2 and not other_set, rank=rank, place=local))
    out.extend(unit_totals(ctx, row))
    missing, partition = _block_counts(ctx, row, bool(part_of))
    if missing and not missing_like(row["category"]):
        for d in list(out):
            out.append(Denominator(f"{d.label} minus stated missing ({missing})",
                                   d.n - missing, False))
    if partition is not None:
        out.append(partition)
    best: dict[int, Denominator] = {}
    for d in out:
        if d.n > 0 and (d.n not in best or (d.natural, -d.rank) > (best[d.n].natural,
                                                                    -best[d.n].rank)):
            best[d.n] = d
    return sorted(best.values(), key=lambda d: (not d.natural, d.rank, d.n))


def _block_counts(ctx: Context, row: Row, partition: bool) -> tuple[int, Denominator | None]:
    """The stated missing count of the row's block and, for a partition, the sum of its
    categories; computed once per block (``ctx.memo``): every row of a table asks."""
    key = ("block_counts", row["quantity"], row["source"], row["location"], row["cohort"],
           row["arm"], row["subgroup"], partition)
    if key not in ctx.memo:
        same = [r for r in ctx.where(quantity=row["quantity"], statistic="count",
                                     source=row["source"], location=row["location"],
                                     cohort=row["cohort"], arm=row["arm"],
                                     subgroup=row["subgroup"]) if ctx.numeric(r)]
        missing = sum(int(r["value_num"]) for r in same if missing_like(r["category"]))
        total = Denominator("sum of the partition's categories",
                            sum(int(r["value_num"]) for r in same), False,
                            tuple(r["id"] for r in same)) if partition and len(same) > 1 \
            else None
        ctx.memo[key] = (missing, total)
    return ctx.memo[key]  # type: ignore[no-any-return]


def largest_denominator(count: int, printed: str, low: int, high: int) -> int | None:
    """The largest n in [low, high] (and at least ``count``) whose count / n gives the
    printed percentage under standard rounding, or None.

    100 count / n falls as n grows, so the n that round to the printed value form one run,
    ending near 100 count / (printed - half a unit): only the few n at that end are tried,
    instead of every n of the window (constant time, whatever the population's size).
    """
    value, half = exact(printed), half_unit(printed)
    low = max(low, count, 1)
    if count == 0 or value - half <= 0:
        top = high
    else:
        top = min(high, math.floor(Fraction(100 * count) / (value - half)) + 1)
    for n in range(top, max(low, top - 3) - 1, -1):
        if any(reproduces(count, n, printed, s) for s in STANDARD_SCHEMES):
            return n
    return None


# Unstated populations tried below the natural denominator, at most (a window of this many
# sizes: beyond a few thousand patients every one-decimal percentage has a count anyway).
MAX_UNSTATED_WINDOW = 2000
# A safety population is at most the randomized count, and rarely much smaller.
UNSTATED_POPULATION_SHARE = 0.8


def unstated_population(ctx: Context, row: Row, dens: list[Denominator],
                        count: int | None) -> tuple[int, int, str] | None:
    """(k, n, population) when a governing population the paper does not state could give
    the printed percentage: ``n`` between 80% of the natural denominator and just below it.

    Adverse events are counted over the treated (safety) population, which papers often do
    not print; a percentage that the randomized count does not reproduce proves nothing then,
    unless no plausible safety population would reproduce it either.
    """
    governing = governing_populations(ctx, row["quantity"])
    if not governing or any(d.governs or d.local for d in dens):
        return None  # the paper states the population (a denominator, the table's n)
    ref = max((d.n for d in dens if d.natural), default=None)
    if ref is None:
        return None
    low = max(1, math.ceil(UNSTATED_POPULATION_SHARE * ref), ref - MAX_UNSTATED_WINDOW)
    if count is not None:
        n = largest_denominator(count, str(row["value"]), low, ref - 1)
        return None if n is None else (count, n, governing[0])
    for n in range(ref - 1, low - 1, -1):  # no count: any count over n (GRIM)
        ks = grim_counts(n, row["value"], STANDARD_SCHEMES)
        if ks:
            return ks[0], n, governing[0]
    return None


def nearest_count(count: int, dens: list[Denominator], printed: str,
                  sizes: frozenset[int] | None = None, contradicted: bool = False) -> str:
    """The closest recomputed value, and the denominator the printed value would need.

    The denominator is proposed only when the trial has a population of that size
    (``sizes``, :meth:`Context.population_sizes`) and the percentages printed with it do
    not contradict it (``contradicted``: they fit the natural denominator); otherwise the
    slip is in the printed value, and no explanation is fitted to it.
    """
    target = exact(printed)
    d = min(dens, key=lambda d: (abs(Fraction(100 * count, d.n) - target), not d.natural))
    value = round_half_up(Fraction(100 * count, d.n), decimals_of(printed))
    text = f"{fmt(value)}% ({count}/{d.n}, {d.label})"
    if contradicted or sizes is None:
        return text
    ref = dens[0].n
    needed = [n for n in sorted(sizes) if max(count, 1) <= n <= 2 * ref
              and any(reproduces(count, n, printed, s) for s in STANDARD_SCHEMES)]
    if needed:
        n = min(needed, key=lambda n: (abs(n - ref), n))
        text += f"; the printed value needs a denominator of {n} ({count}/{n}), a size one of " \
                "the trial's populations has"
    return text


def others_fit(ctx: Context, row: Row, n: int) -> bool:
    """Whether another percentage printed with ``row`` (same sentence, or same block of a
    table: source, place, cohort, arm, subgroup, quantity and anchor or table row group) is
    given by its count over ``n`` under standard rounding.

    Every row of a block asks about the same others and mostly the same ``n``: the block's
    answers are counted once per ``n`` (``ctx.memo``), and the row's own left out, so a table
    of thousands of rows stays linear.
    """
    table = bool(row["row"] or row["column"])
    key = ("others_fit", row["source"], row["location"], row["cohort"], row["arm"],
           row["subgroup"], row["quantity"], table, "" if table else row["anchor"], n)
    found = ctx.memo.get(key)
    if found is None:
        fitting: list[str] = []
        for r in ctx.where(source=row["source"], location=row["location"],
                           cohort=row["cohort"], arm=row["arm"], subgroup=row["subgroup"],
                           quantity=row["quantity"], statistic="percent"):
            if not ctx.numeric(r) or (not table and r["anchor"] != row["anchor"]):
                continue  # a sentence: only the percentages of the same excerpt
            partner = _count_of(ctx, r)
            if partner is not None and any(reproduces(partner, n, r["value"], s)
                                           for s in STANDARD_SCHEMES):
                fitting.append(str(r["id"]))
                if len(fitting) > 1:
                    break  # two fitting rows: some other than any row fits
        found = tuple(fitting)
        ctx.memo[key] = found
    return any(rid != str(row["id"]) for rid in found)


def _count_of(ctx: Context, row: Row) -> int | None:
    from trialrecon.checks.context import count_partner

    partner = count_partner(ctx, row)
    return int(partner["value_num"]) if partner is not None else None


def grim_counts(n: int, printed: str, schemes: Iterable[str]) -> list[int]:
    """Every integer count k in 0..n whose k/n rounds to the printed percentage (GRIM)."""
    target = exact(printed)
    guess = int(target * n / 100)
    ks = range(max(0, guess - 2), min(n, guess + 3) + 1)
    return [k for k in ks if any(reproduces(k, n, printed, s) for s in schemes)]


def part_rows(ctx: Context, ref: Row, parts: tuple[str, ...], stat: str) -> list[Row] | None:
    """The parts' rows of ``stat`` matching a pooled row (same place first), or None."""
    got = []
    for part in parts:
        cands = [r for r in ctx.where(cohort=part, statistic=stat, quantity=ref["quantity"],
                                      category=ref["category"], arm=ref["arm"],
                                      subgroup=ref["subgroup"]) if ctx.numeric(r)
                 and (r["unit"] == ref["unit"] or stat != ref["statistic"])
                 and ctx.is_registry(r) == ctx.is_registry(ref)]
        local = [r for r in cands if r["source"] == ref["source"]
                 and r["location"] == ref["location"]]
        same_src = [r for r in cands if r["source"] == ref["source"]]
        pick = local or same_src or cands
        if not pick:
            return None
        got.append(pick[0])
    return got


def parts_denominators(ctx: Context, parts: list[Row]) -> list[tuple[str, int]]:
    """Sums of the parts' natural denominators, one per kind of population all parts have.

    A pooled percentage is the pooled count over the pooled population, which is the sum of
    the parts' populations of one kind (all enrolled, or all evaluable): never a mix, and
    never a count of the pooled cohort that the parts do not add up to.
    """
    per_part = [{d.label: d.n for d in denominators(ctx, x) if d.natural} for x in parts]
    if not per_part or not all(per_part):
        return []
    common = [label for label in per_part[0] if all(label in p for p in per_part[1:])]
    out = [(f"sum of the parts' {label}", sum(p[label] for p in per_part)) for label in common]
    firsts = sum(min(p.values()) for p in per_part)
    if not out:
        out.append(("sum of the parts' denominators", firsts))
    return out


def pooled_derivable(ctx: Context, row: Row) -> bool:
    """A pooled row whose parts print counts and denominators: the parts judge it."""
    parts = ctx.parts(row["cohort"])
    prs = part_rows(ctx, row, parts, "count") if parts else None
    return prs is not None and bool(parts_denominators(ctx, prs))


def arm_parts(ctx: Context, row: Row) -> tuple[str, ...]:
    """The arms a row's column adds up: a pooled arm's parts, or every arm for a total column
    (arm empty) of a table that also prints the arms (another place: no parts)."""
    pooled = {a.id: a.parts for a in ctx.dossier.trial.pooled_arms}
    if row["arm"] in pooled:
        return pooled[row["arm"]]
    plain = tuple(a.id for a in ctx.dossier.trial.arms if not a.parts)
    if row["arm"] or len(plain) < 2 or not (row["row"] or row["column"]):
        return ()
    return plain


def arm_part_rows(ctx: Context, row: Row, parts: tuple[str, ...]) -> list[Row] | None:
    """The parts' count rows of the same table row (place, quantity, category, analysis set)."""
    got = []
    for arm in parts:
        cands = [r for r in ctx.where(source=row["source"], location=row["location"],
                                      cohort=row["cohort"], arm=arm, subgroup=row["subgroup"],
                                      quantity=row["quantity"], category=row["category"],
                                      statistic="count", data_cut=row["data_cut"])
                 if ctx.numeric(r) and compatible(r, row, ("population",))
                 and (not row["row"] or r["row"] == row["row"])]
        if not cands:
            return None
        got.append(cands[0])
    return got


def part_denominator(ctx: Context, part: Row) -> int | None:
    """A part's denominator as its table states it (the cell's n or the column's n)."""
    local = [d for d in denominators(ctx, part) if d.local and d.natural]
    return local[0].n if local else None


def pooled_arm_derivable(ctx: Context, row: Row) -> bool:
    """A pooled-arm or total-column percentage its parts' counts and denominators give."""
    parts = arm_parts(ctx, row)
    prs = arm_part_rows(ctx, row, parts) if parts else None
    return prs is not None and all(part_denominator(ctx, p) for p in prs)
