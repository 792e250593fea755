"""Each percentage recomputed from its count over every plausible denominator.

Check ``percentages``; reference: GRIM test: Brown & Heathers 2017, Soc Psychol Personal Sci 8:363.
"""

from __future__ import annotations

from fractions import Fraction

from trialrecon.checks.context import (
    SKIP_KINDS,
    Check,
    Context,
    Row,
    count_partner,
    fmt,
    quote,
)
from trialrecon.checks.denominators import (
    Denominator,
    denominators,
    grim_counts,
    nearest_count,
    pooled_derivable,
    unstated_population,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS
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
        if pooled_derivable(ctx, row):
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
            out.append(_percent_without_count(ctx, row, dens))
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
    rows = [row, partner] + [r for d in dens for i in d.rows for r in ctx.where(id=i)][:3]
    rec = {"method": "count / denominator x 100, rounded to the printed decimals",
           "inputs": {"count": count, "printed": row["value"]}, "tried": tried}
    good = [(d, s) for d, s in hits if d.natural and s in STANDARD_SCHEMES]
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
    nearest = nearest_count(count, dens, row["value"])
    rec["result"] = "no denominator and scheme reproduces the printed value"
    return ctx.finding(
        "inconsistent", f"{row['value']}% not reproduced by {count} over any denominator",
        f"{quote(row)} with count {count} matches no plausible denominator under any rounding; the "
        f"nearest is {nearest}.", rows, recomputation=rec, nearest=nearest,
        ruled_out=[f"{count}/{d.n} ({d.label})" for d in dens], discriminator=row["id"])


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


def _percent_without_count(ctx: Context, row: Row, dens: list[Denominator]) -> Finding:
    tried = []
    for standard in (True, False):
        schemes = STANDARD_SCHEMES if standard else tuple(SCHEMES)
        for d in dens:
            ks = grim_counts(d.n, row["value"], schemes)
            tried.append(f"n = {d.n} ({d.label}): counts {ks or 'none'}"
                         f"{'' if standard else ' (any scheme)'}")
            if ks:
                rec = {"method": "GRIM: integer counts k with k/n rounding to the printed value",
                       "inputs": {"printed": row["value"]}, "tried": tried,
                       "result": f"{ks[0]}/{d.n} ({d.label})"}
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
    return ctx.finding(
        "inconsistent", f"{row['value']}% is not k/n for any count k",
        f"No whole number of patients over any plausible denominator gives {quote(row)}; the "
        f"nearest is {nearest}.", [row],
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
