"""Each percentage recomputed from its count over every plausible denominator.

Check ``percentages``; reference: GRIM test: Brown & Heathers 2017, Soc Psychol Personal Sci 8:363.

Rules of the denominator (issue 22; each has a clean and an error case in the planted corpus):

* **the paper's own denominator first**: the row's stated denominator, the analysis set its
  ``population`` names (a per-protocol table), its table's n, then the population that
  governs the quantity (the safety population of adverse events), then the enrolled and
  randomized (:func:`trialrecon.checks.denominators.denominators`);
* a row whose **stated denominator** does not give the percentage while only a population
  printed elsewhere does (a column header of n = 75 over percentages of the 77 treated) is
  questionable, and the column's percentages become one cause;
* a percentage whose denominator is **stated nowhere near it** (not with the number, not in
  its table, not by its ``population``) is at most questionable, and its sentence says so;
  without a count either, it is checked only when the quantity describes the cohort (a
  baseline characteristic) or a population governs it (a share of an unstated subset,
  relapse among the abstinent, proves nothing against the trial's other populations);
* **another unit than patients**: a table column that prints a count of another unit (a
  cluster trial's ``Households``, a one-row count named by a word of
  :data:`trialrecon.checks.denominators.UNIT_WORDS`) describes that unit: the count is a
  natural denominator of the column's percentages (piped water in 89% of the households),
  tried beside the populations of patients; a percentage neither reproduces is still flagged;
* **no fitted explanation**: the denominator a printed value "needs" is proposed only when
  the trial has a population of that size and the sentence's other percentages do not point
  to the natural one;
* **missing data in the table's footnote** ("missing for 18 patients for statin use"): a
  percentage of a characteristic whose table footnotes a missing count for it is over the
  patients with data, so its stated denominator less that count (less any part of it, when
  the footnote counts the arms together) is natural;
* **percentages forced to sum to 100**: the levels of one characteristic printed with their
  counts over the column's stated n, whose percentages sum to exactly 100 and are the
  largest-remainder rounding of the counts (Hamilton's method: each level rounded down, the
  units left over given to the largest remainders), are reproduced, although one level is a
  unit off plain rounding; a level off plain rounding that the largest remainders do not
  give is not; levels printed as percentages only (a "%" column) are reproduced when some
  whole counts summing to the stated n give every printed level by largest remainders;
* **a percentage printed as a bound** (``<1%``, ``>99%``, comparator ``<``, ``<=``, ``>``,
  ``>=``) with its count: the exact share over the row's natural denominator must lie within
  the bound ("3 (<1%)" of 263 is 1.14%, not below 1%: inconsistent when the denominator is
  stated, questionable when not); a bound only another population meets is questionable;
* a pooled-arm or total-column percentage is judged against its arms by ``ranges-pooled``.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from trialrecon.checks.context import (
    SKIP_KINDS,
    Check,
    Context,
    Row,
    count_partner,
    fmt,
    missing_like,
    quote,
)
from trialrecon.checks.denominators import (
    Denominator,
    denominators,
    grim_counts,
    nearest_count,
    others_fit,
    pooled_arm_derivable,
    pooled_derivable,
    unstated_population,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS, rounding_only
from trialrecon.stats.rounding import (
    SCHEMES,
    STANDARD_SCHEMES,
    decimals_of,
    exact,
    reproduces,
    round_half_up,
)


def _percent_rows(ctx: Context) -> list[Row]:
    return [r for r in ctx.rows if r["statistic"] == "percent" and ctx.numeric(r)
            and (r["comparator"] in ("", "=")) and ctx.kind(r["quantity"]) not in SKIP_KINDS
            and ctx.kind(r["quantity"]) != "ratio" and not ctx.estimated(r["quantity"])]


BOUNDS = {"<": lambda x, b: x < b, "<=": lambda x, b: x <= b, ">": lambda x, b: x > b,
          ">=": lambda x, b: x >= b}


def _bound_rows(ctx: Context) -> list[Row]:
    return [r for r in ctx.rows if r["statistic"] == "percent" and ctx.numeric(r)
            and r["comparator"] in BOUNDS and ctx.kind(r["quantity"]) not in SKIP_KINDS
            and ctx.kind(r["quantity"]) != "ratio" and not ctx.estimated(r["quantity"])]


def _bound_percent(ctx: Context, row: Row, partner: Row, dens: list[Denominator]) -> Finding:
    """A percentage printed as a bound ("<1%") against its count's exact share."""
    count, cmp = int(partner["value_num"]), str(row["comparator"])
    bound = exact(str(row["value"]))
    within = [d for d in dens if d.n > 0 and BOUNDS[cmp](Fraction(100 * count, d.n), bound)]
    tried = [f"{count}/{d.n} ({d.label}) = {float(Fraction(100 * count, d.n)):.2f}%"
             for d in dens if d.n > 0]
    rec = {"method": "count / denominator x 100 against the printed bound",
           "inputs": {"count": count, "printed": f"{cmp} {row['value']}"}, "tried": tried}
    printed = f"{cmp}{row['value']}%"
    natural = [d for d in within if d.natural]
    if natural:
        d = natural[0]
        rec["result"] = f"{count}/{d.n} ({d.label}) is {printed}"
        return ctx.finding("consistent", f"{printed} = {count}/{d.n}",
                           f"{quote(row)}: {count}/{d.n} ({d.label}) is {printed}.",
                           [row, partner], recomputation=rec)
    first = next(d for d in dens if d.n > 0)
    share = float(Fraction(100 * count, first.n))
    if within:
        d = within[0]
        rec["result"] = f"only {count}/{d.n} ({d.label}) is {printed}"
        return ctx.finding(
            "questionable", f"{printed} is {count}/{d.n} ({d.label}) only",
            f"{quote(row)}: {count}/{first.n} ({first.label}) is {share:.2f}%, not {printed}; "
            f"only {count}/{d.n} ({d.label}) is.", [row, partner], recomputation=rec,
            discriminator=row["id"])
    stated = any(d.local for d in dens)
    rec["result"] = f"{count}/{first.n} = {share:.2f}%, not {printed}"
    return ctx.finding(
        "inconsistent" if stated else "questionable",
        f"{printed} but {count}/{first.n} is {share:.2f}%",
        f"{quote(row)} with count {count}: {count}/{first.n} ({first.label}) is {share:.2f}%, "
        f"not {printed}, nor over any other denominator." + ("" if stated else _UNSTATED),
        [row, partner], recomputation=rec, nearest=f"{share:.1f}%",
        ruled_out=[f"{count}/{d.n} ({d.label})" for d in dens], discriminator=row["id"])


def check_percentages(ctx: Context) -> list[Finding]:
    """Each percentage recomputed from its count over every plausible denominator.

    Schemes: half up and half even (standard), truncation and rounding twice (non-standard).
    Consistent when a natural denominator (the stated one, the partition's population, the
    enrolled or randomized count) reproduces the value under a standard scheme; questionable
    when only another population, the total minus a stated missing, the partition's sum or a
    non-standard scheme does; inconsistent otherwise, with the nearest value. A percentage
    without a count is tested as in the GRIM test of Brown & Heathers (2017): does any integer
    count over a plausible denominator give it?
    """
    out = []
    for row in _percent_rows(ctx):
        ctx.see([row])
        partner = count_partner(ctx, row)
        dens = denominators(ctx, row)
        if pooled_derivable(ctx, row) or pooled_arm_derivable(ctx, row):
            # a pooled percentage is judged by its parts first (the ranges-pooled check), so
            # no other denominator of the pooled cohort can excuse a sum the parts do not give
            ctx.skip("pooled percentage: recomputed from its parts by the ranges-pooled check")
            continue
        if not dens:
            ctx.skip("no denominator known for the percentage")
            continue
        if partner is not None:
            ctx.see([partner])
            out.append(_percent_with_count(ctx, row, partner, dens))
        else:
            found = _percent_without_count(ctx, row, dens)
            if found is not None:
                out.append(found)
    for row in _bound_rows(ctx):
        partner = count_partner(ctx, row)
        dens = denominators(ctx, row) if partner is not None else []
        if partner is None or not dens:
            ctx.skip("percentage printed as a bound without its count and a denominator")
            continue
        ctx.see([row, partner])
        out.append(_bound_percent(ctx, row, partner, dens))
    return out


def _percent_with_count(ctx: Context, row: Row, partner: Row,
                        dens: list[Denominator]) -> Finding:
    count = int(partner["value_num"])
    tried, hits = [], []
    for d in dens:
        for scheme in SCHEMES:
            ok = reproduces(count, d.n, row["value"], scheme)
            got = SCHEMES[scheme](Fraction(100 * count, d.n), decimals_of(row["value"]))
            tried.append(f"{count}/{d.n} ({d.label}) {scheme}: {fmt(got)}"
                         f"{' = printed' if ok else ''}")
            if ok:
                hits.append((d, scheme))
    rows = [row, partner] + list(itertools.islice(
        (r for d in dens for i in d.rows for r in ctx.where(id=i)), 3))
    natural = next((d for d in dens if d.natural), None)
    rec = {"method": "count / denominator x 100, rounded to the printed decimals",
           "inputs": {"count": count, "printed": row["value"]}, "tried": tried,
           "rounding_only": natural is not None and rounding_only(
               row["value"], Fraction(100 * count, natural.n))}
    good = [(d, s) for d, s in hits if d.natural and s in STANDARD_SCHEMES]
    if any(d.rank == 0 for d in dens) and not any(d.place for d, _ in good):
        # the row states its denominator (a cell's n, a column header) and neither it nor a
        # population of its own table gives the percentage: another population does, which
        # the row does not name (a header of n = 75 over percentages of the 77 treated)
        hits = [(d, s) for d, s in hits if not (d.natural and not d.place)] + [
            (Denominator(d.label, d.n, False, d.rows), s) for d, s in hits
            if d.natural and not d.place]
        good = []
    if not good:
        good = _with_footnoted_missing(ctx, row, count, dens) or _largest_remainder(ctx, row,
                                                                                    dens)
    if good:
        d, s = good[0]
        rec["result"] = f"{count}/{d.n} ({d.label}, {s})"
        return ctx.finding("consistent", f"{row['value']}% = {count}/{d.n}",
                           f"{quote(row)} is {count}/{d.n} ({d.label}).", [row, partner],
                           recomputation=rec)
    unstated = unstated_population(ctx, row, dens, count)
    if unstated is not None and all(d.natural for d, _ in hits):
        # only a non-standard rounding of the randomized count, or nothing, reproduces it,
        # while a safety population the paper does not state would under standard rounding
        return _unstated_note(ctx, row, [row, partner], dens, unstated, rec)
    if hits:
        d, s = sorted(hits, key=lambda h: (h[1] not in STANDARD_SCHEMES, not h[0].natural))[0]
        rec["result"] = f"{count}/{d.n} ({d.label}, {s})"
        why = []
        if not d.natural:
            why.append(f"the denominator {d.n} ({d.label})")
        if s not in STANDARD_SCHEMES:
            why.append(f"{s.replace('_', ' ')} rounding")
        short = (f" ({d.label})" if not d.natural else "") + (
            f", {SCHEME_LABELS[s]}" if s not in STANDARD_SCHEMES else "")
        return ctx.finding(
            "questionable", f"{row['value']}% is {count}/{d.n}{short} only",
            f"{quote(row)} with count {count} is reproduced only with {' and '.join(why)}, "
            "not by a natural denominator under standard rounding.", rows, recomputation=rec,
            ruled_out=[f"{count}/{d2.n} ({d2.label}) under half up / half even" for d2 in dens
                       if d2.natural], discriminator=row["id"])
    fits = others_fit(ctx, row, dens[0].n)  # the sentence's others point to dens[0]
    nearest = nearest_count(count, dens, row["value"], ctx.population_sizes(),
                            contradicted=fits)
    rec["result"] = "no denominator and scheme reproduces the printed value"
    stated = any(d.local for d in dens)
    return ctx.finding(
        "inconsistent" if stated else "questionable",
        f"{row['value']}% not reproduced by {count} over any denominator",
        f"{quote(row)} with count {count} matches no plausible denominator under any rounding; the "
        f"nearest is {nearest}." + ("" if stated else _UNSTATED), rows, recomputation=rec,
        nearest=nearest, ruled_out=[f"{count}/{d.n} ({d.label})" for d in dens],
        discriminator=row["id"])


def _footnoted_missing(ctx: Context, row: Row) -> list[int]:
    """How many of the row's arm the table's footnote may list as missing for its
    characteristic: exactly the count of a footnote row of the same arm, 0 to the count of
    one that counts the arms together; empty without such a footnote."""
    name = str(row["category"]).split(":", 1)[0].strip().lower()
    others = {a.id for a in ctx.dossier.trial.arms if not a.parts} - {row["arm"]}
    out: set[int] = set()
    for r in ctx.where(quantity=row["quantity"], statistic="count", source=row["source"],
                       cohort=row["cohort"], subgroup=row["subgroup"]):
        head, _, level = str(r["category"]).partition(":")
        if not (ctx.numeric(r) and str(r["location"]).startswith(f"{row['location']} ")
                and head.strip().lower() == name and missing_like(level.strip())
                and r["arm"] not in others and r["data_cut"] == row["data_cut"]):
            continue
        m = int(r["value_num"])
        out.update({m} if r["arm"] == row["arm"] else range(m + 1))
    return sorted(out)


def _with_footnoted_missing(ctx: Context, row: Row, count: int,
                            dens: list[Denominator]) -> list[tuple[Denominator, str]]:
    """The stated denominator less a footnoted missing count that gives the percentage."""
    stated = next((d for d in dens if d.rank == 0), None)
    if stated is None:
        return []
    for m in _footnoted_missing(ctx, row):
        for scheme in STANDARD_SCHEMES:
            if m and reproduces(count, stated.n - m, row["value"], scheme):
                return [(Denominator(f"stated denominator less {m} missing (table footnote)",
                                     stated.n - m, True, stated.rows), scheme)]
    return []


def _head(row: Row) -> str:
    """``Region`` of ``Region: Europe``; empty for a category without a characteristic."""
    cat = str(row["category"])
    return cat.split(":", 1)[0].strip().lower() if ":" in cat else ""


def _levels(ctx: Context, row: Row) -> list[tuple[Row, int]]:
    """The percentages of the row's characteristic at its place (same column), each with its
    count; empty when one has no count."""
    out = []
    for r in ctx.where(quantity=row["quantity"], statistic="percent", source=row["source"],
                       location=row["location"], cohort=row["cohort"], arm=row["arm"],
                       subgroup=row["subgroup"]):
        if not (ctx.numeric(r) and r["column"] == row["column"] and _head(r) == _head(row)
                and r["data_cut"] == row["data_cut"]):
            continue
        partner = count_partner(ctx, r)
        if partner is None:
            return []
        out.append((r, int(partner["value_num"])))
    return out


def _largest_remainder(ctx: Context, row: Row,
                       dens: list[Denominator]) -> list[tuple[Denominator, str]]:
    """The stated denominator, when the row's characteristic is printed as the largest-
    remainder rounding of its counts (Hamilton's method, ties either way) summing to 100."""
    stated = next((d for d in dens if d.rank == 0), None)
    if stated is None or not ctx.partition_of(row["quantity"]):
        return []
    levels = _levels(ctx, row)
    if len(levels) < 2 or sum(c for _, c in levels) != stated.n:
        return []
    unit = Fraction(1, 10 ** decimals_of(row["value"]))
    printed = [exact(r["value"]) for r, _ in levels]
    if sum(printed) != 100 or any(decimals_of(r["value"]) != decimals_of(row["value"])
                                  for r, _ in levels):
        return []
    shares = [Fraction(100 * c, stated.n) for _, c in levels]
    floors = [(x // unit) * unit for x in shares]
    up = [p == f + unit for p, f in zip(printed, floors, strict=True)]
    if not all(p in (f, f + unit) for p, f in zip(printed, floors, strict=True)):
        return []
    rest = [x - f for x, f in zip(shares, floors, strict=True)]
    given = [r for r, u in zip(rest, up, strict=True) if u]
    kept = [r for r, u in zip(rest, up, strict=True) if not u]
    if given and kept and min(given) < max(kept):
        return []
    return [(Denominator("stated denominator, the characteristic's percentages forced to sum "
                         "to 100 by largest remainders", stated.n, True, stated.rows),
             "largest remainder")]


def _hamilton(counts: tuple[int, ...], n: int, unit: Fraction) -> list[Fraction]:
    """The percentages of ``counts`` over ``n`` rounded by largest remainders to ``unit``:
    each rounded down, the units short of 100 given to the largest remainders."""
    shares = [Fraction(100 * c, n) for c in counts]
    floors = [(x // unit) * unit for x in shares]
    left = int((100 - sum(floors)) / unit)
    order = sorted(range(len(counts)), key=lambda i: shares[i] - floors[i], reverse=True)
    for i in order[:max(left, 0)]:
        floors[i] += unit
    return floors


def _hamilton_without_counts(ctx: Context, row: Row, dens: list[Denominator]
                             ) -> tuple[int, tuple[int, ...]] | None:
    """(n, counts): whole counts over the stated n whose largest-remainder percentages are
    the printed levels of the row's characteristic (printed without counts, summing to 100
    at one precision); None when none are or the levels are not such a list."""
    stated = next((d for d in dens if d.rank == 0), None)
    if stated is None or not ctx.partition_of(row["quantity"]) or not _head(row):
        return None
    levels = [r for r in ctx.where(quantity=row["quantity"], statistic="percent",
                                   source=row["source"], location=row["location"],
                                   cohort=row["cohort"], arm=row["arm"],
                                   subgroup=row["subgroup"])
              if ctx.numeric(r) and r["column"] == row["column"] and _head(r) == _head(row)
              and r["data_cut"] == row["data_cut"]]
    places = decimals_of(row["value"])
    printed = [exact(r["value"]) for r in levels]
    if len(levels) < 2 or sum(printed) != 100 or any(decimals_of(r["value"]) != places
                                                      for r in levels):
        return None
    unit, n = Fraction(1, 10 ** places), stated.n
    # each level's count lies within one unit of its printed share
    options = [[k for k in range(max(0, int((p - unit) * n / 100)),
                                 min(n, int((p + unit) * n / 100) + 1) + 1)
                if abs(Fraction(100 * k, n) - p) < unit] for p in printed]
    if any(not o for o in options) or math.prod(len(o) for o in options) > 4096:
        return None
    for counts in itertools.product(*options):
        if sum(counts) == n and _hamilton(counts, n, unit) == printed:
            return n, counts
    return None


# Item 2 of issue 22: a finding that rests on a denominator the paper does not state says so
# and is at most questionable.
_UNSTATED = (" The paper does not state the denominator of this percentage (neither with the "
             "number nor in its table), so this rests on the populations it prints elsewhere.")


def _unstated_note(ctx: Context, row: Row, rows: list[Row], dens: list[Denominator],
                   unstated: tuple[int, int, str], rec: dict) -> Finding:
    k, n, population = unstated
    natural = next(d for d in dens if d.natural)
    rec["result"] = f"{k}/{n} (an unstated {population} of {n})"
    return ctx.finding(
        "note", f"{row['value']}% fits an unstated {population.replace('_', ' ')}",
        f"{quote(row)} is not {natural.label} {natural.n}'s share, but the paper does not state "
        f"its {population.replace('_', ' ')}: {k}/{n} would give it ({natural.n - n} "
        f"patient{'s' if natural.n - n != 1 else ''} fewer than {natural.label}).", rows,
        recomputation=rec, nearest=f"{k}/{n}", discriminator=row["id"],
        ruled_out=[f"{natural.label} {natural.n} as the denominator"])


def _percent_without_count(ctx: Context, row: Row, dens: list[Denominator]) -> Finding | None:
    if not any(d.local or d.governs for d in dens) and ctx.kind(row["quantity"]) not in (
            "characteristic", "population"):
        # a share of an unstated subset (relapse among those abstinent at week 4): GRIM over
        # the trial's other populations proves nothing (issue 22)
        ctx.skip("percentage without a count or a denominator the paper gives it")
        return None
    tried = []
    for standard in (True, False):
        hamilton = None if standard else _hamilton_without_counts(ctx, row, dens)
        if hamilton is not None:
            n, counts = hamilton
            return ctx.finding(
                "consistent", f"{row['value']}% of {n}: its characteristic forced to sum to 100",
                f"{quote(row)} and the other levels of its characteristic are the largest-"
                f"remainder rounding of the counts {counts} of the stated {n}.", [row],
                recomputation={"method": "counts whose largest-remainder percentages are "
                               "the printed ones", "inputs": {"printed": row["value"]},
                               "tried": tried, "result": f"{counts} of {n}"})
        schemes = STANDARD_SCHEMES if standard else tuple(SCHEMES)
        for d in dens:
            ks = grim_counts(d.n, row["value"], schemes)
            tried.append(f"n = {d.n} ({d.label}): counts {ks or 'none'}"
                         f"{'' if standard else ' (any scheme)'}")
            if ks:
                rec = {"method": "GRIM: integer counts k with k/n rounding to the printed value",
                       "inputs": {"printed": row["value"]}, "tried": tried,
                       "result": f"{ks[0]}/{d.n} ({d.label})", "rounding_only": d.natural}
                if standard:
                    return ctx.finding(
                        "consistent", f"{row['value']}% = {ks[0]}/{d.n}",
                        f"{quote(row)} is reproduced by {ks[0]}/{d.n} ({d.label}).", [row],
                        recomputation=rec)
                unstated = unstated_population(ctx, row, dens, None)
                if unstated is not None and d.natural:
                    return _unstated_note(ctx, row, [row], dens, unstated, rec)
                return ctx.finding(
                    "questionable", f"{row['value']}% needs non-standard rounding",
                    f"{quote(row)} is reproduced only with non-standard rounding "
                    f"({ks[0]}/{d.n}, {d.label}).", [row], recomputation=rec,
                    ruled_out=["any integer count over the plausible denominators, standard "
                               "rounding"])
    unstated = unstated_population(ctx, row, dens, None)
    if unstated is not None:
        return _unstated_note(ctx, row, [row], dens, unstated,
                              {"method": "GRIM over plausible denominators",
                               "inputs": {"printed": row["value"]}, "tried": tried})
    target = exact(row["value"])
    best = min(((abs(Fraction(100 * k, d.n) - target), k, d) for d in dens
                for k in grim_counts(d.n, str(round(float(target))), ("half_up",)) or
                [int(target * d.n / 100)]), key=lambda t: t[0])
    value = round_half_up(Fraction(100 * best[1], best[2].n), decimals_of(row["value"]))
    nearest = f"{fmt(value)}% ({best[1]}/{best[2].n}, {best[2].label})"
    stated = any(d.local for d in dens)
    return ctx.finding(
        "inconsistent" if stated else "questionable", f"{row['value']}% is not k/n for any count k",
        f"No whole number of patients over any plausible denominator gives {quote(row)}; the "
        f"nearest is {nearest}." + ("" if stated else _UNSTATED), [row],
        recomputation={"method": "GRIM over plausible denominators", "inputs":
                       {"printed": row["value"]}, "tried": tried, "result": "none"},
        nearest=nearest, ruled_out=[f"any k/{d.n} ({d.label})" for d in dens])


CHECK = Check(
    "percentages", "1",
    "Each percentage recomputed from its count over every plausible denominator and rounding "
    "scheme",
    'GRIM test: Brown & Heathers 2017, Soc Psychol Personal Sci 8:363',
    check_percentages,
)
