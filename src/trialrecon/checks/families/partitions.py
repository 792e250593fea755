"""Categories of a partition sum to their total; their percentages to 100.

Check ``partitions``; reference: arithmetic of partitions.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from trialrecon.checks.context import (
    Check,
    Context,
    Row,
    fmt,
    group_by,
    is_nan,
    missing_like,
    quote,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS, sum_reconciles
from trialrecon.stats.rounding import (
    exact,
    half_unit,
)


def _subgroup_family(subgroup: str) -> tuple[str, str] | None:
    """``"GI / Grade 1"`` -> (parent ``"GI"``, family ``"Grade"``); None when not a level."""
    if " / " not in subgroup:
        return None
    parent, level = subgroup.split(" / ", 1)
    family = level.rsplit(" ", 1)[0] if " " in level else ""
    return parent, family


def check_partitions(ctx: Context) -> list[Finding]:
    """Categories of a partition sum to their total, and their percentages to 100.

    A partition is a quantity the vocabulary marks ``partition_of`` a population (response
    categories, strata with their missing, primary sites), per source, location, cohort and
    arm; and the levels of a subgroup family (``<parent> / <family> <level>``), which must sum
    to the parent's count, or at least agree with the other families of the same parent.
    A shortfall with no missing category listed is questionable (an unlisted category could
    explain it); any other difference is inconsistent. Percentages may miss 100 by at most the
    sum of their half units.
    """
    out = []
    parts = [{**r, "_characteristic": _characteristic(ctx, r)} for r in ctx.rows
             if ctx.partition_of(r["quantity"]) and ctx.numeric(r)]
    for group in group_by(parts, ("source", "location", "column", "cohort", "arm", "subgroup",
                                "quantity", "_characteristic", "data_cut")).values():
        counts = [r for r in group if r["statistic"] == "count"]
        pcts = [r for r in group if r["statistic"] == "percent"]
        if len(counts) >= 2:
            out.extend(_count_partition(ctx, counts))
        if len(pcts) >= 2:
            f = _percent_partition(ctx, pcts, counts)
            if f:
                out.append(f)
    out.extend(_subgroup_partitions(ctx))
    return out


def _characteristic(ctx: Context, row: Row) -> str:
    """``Region`` of ``Region: Europe`` for a quantity partitioned by characteristic."""
    if ctx.vocab.attribute(row["quantity"], "partition_by") != "characteristic":
        return ""
    return row["category"].split(":", 1)[0].strip().lower() if ":" in row["category"] else ""


def _total_candidates(ctx: Context, ref: Row, quantity: str) -> list[Row]:
    """Count rows the partition should sum to, nearest place first.

    ``quantity`` is the population the vocabulary names, or ``population`` for a
    characteristic of a table column: then the column's stated denominator (as a row) or any
    population count of the same cohort and arm.
    """
    if quantity == "population":
        if not is_nan(ref["denominator_num"]):
            return [{**ref, "quantity": "stated denominator", "value": ref["denominator"],
                     "value_num": ref["denominator_num"], "statistic": "count"}]
        pops = set(ctx.vocab.populations())
        rows = [r for r in ctx.where(cohort=ref["cohort"], arm=ref["arm"],
                                     subgroup=ref["subgroup"], statistic="count")
                if r["quantity"] in pops and ctx.numeric(r)
                and ctx.is_registry(r) == ctx.is_registry(ref)]
    else:
        rows = [r for r in ctx.where(quantity=quantity, statistic="count", cohort=ref["cohort"],
                                     arm=ref["arm"], subgroup=ref["subgroup"])
                if ctx.numeric(r) and ctx.is_registry(r) == ctx.is_registry(ref)]
    for scope in (("source", "location"), ("source",), ()):
        local = [r for r in rows if all(r[c] == ref[c] for c in scope)]
        if local:
            return local
    return []


def _count_partition(ctx: Context, counts: list[Row]) -> list[Finding]:
    ref = counts[0]
    total_q = ctx.partition_of(ref["quantity"])
    totals = _total_candidates(ctx, ref, total_q)
    ctx.see(counts)
    if not totals:
        ctx.skip("partition without a total")
        return []
    ctx.see(totals)
    s = sum(int(r["value_num"]) for r in counts)
    values = sorted({int(r["value_num"]) for r in totals})
    rec = {"method": "sum of the categories against the total",
           "inputs": {r["category"]: int(r["value_num"]) for r in counts},
           "tried": [f"total {r['quantity']} = {int(r['value_num'])}" for r in totals],
           "result": f"sum {s}"}
    cats = " + ".join(f"{int(r['value_num'])} {r['category']}" for r in counts)
    if s in values:
        tot = next(r for r in totals if int(r["value_num"]) == s)
        return [ctx.finding("consistent", f"{ref['quantity']} sums to {s}",
                            f"The categories of {ref['quantity']} in {ref['cohort']} "
                            f"({ref['location']}) sum to the {tot['quantity']} count {s}.",
                            [*counts, tot], recomputation=rec)]
    tot = totals[0]
    total = int(tot["value_num"])
    has_missing = any(missing_like(r["category"]) for r in counts)
    severity = "questionable" if s < total and not has_missing else "inconsistent"
    why = (" An unlisted category (such as missing) could explain the shortfall."
           if severity == "questionable" else "")
    return [ctx.finding(
        severity, f"{ref['quantity']} categories sum to {s}, total {total}",
        f"In {ref['cohort']} ({ref['location']}), {cats} = {s}, but the {tot['quantity']} count is "
        f"{quote(tot)}.{why}", [*counts, tot], recomputation=rec, nearest=str(total),
        ruled_out=[] if severity == "questionable" else ["a missing category (one is listed)"
                                                         if has_missing else
                                                         "an unlisted category (the sum "
                                                         "exceeds the total)"])]


def _percent_partition(ctx: Context, pcts: list[Row], counts: list[Row]) -> Finding | None:
    ctx.see(pcts)
    with_pct = {r["category"] for r in pcts}
    lacking = [r for r in counts if r["category"] not in with_pct and r["value_num"] > 0]
    total = sum((exact(r["value"]) for r in pcts), Fraction(0))
    slack = sum((half_unit(r["value"]) for r in pcts), Fraction(0))
    targets = [Fraction(100)]
    labels = ["target 100"]
    if lacking and not all(missing_like(r["category"]) for r in lacking):
        if total <= 100 + slack:
            ctx.skip("percentages of a partly printed partition")
            return None
    if lacking:
        tot = _total_candidates(ctx, pcts[0], ctx.partition_of(pcts[0]["quantity"]))
        miss = sum(int(r["value_num"]) for r in lacking)
        for t in tot:
            if t["value_num"] > 0:
                n = int(t["value_num"])
                targets.append(Fraction(100) * (n - miss) / n)
                labels.append(f"target {fmt(targets[-1])} (100 x {n - miss}/{n}: the listed "
                              f"categories without the {miss} missing)")
    if not counts and total <= 100 + slack:
        ctx.skip("percentages of a partition without counts (may be partly listed)")
        return None
    verdict = sum_reconciles([r["value"] for r in pcts], targets)  # the severity policy
    rec = {"method": "sum of the printed percentages against 100, slack = sum of half units",
           "inputs": {r["category"]: r["value"] for r in pcts},
           "tried": labels,
           "result": f"sum {fmt(total)} (slack {fmt(slack)})"}
    ref = pcts[0]
    if verdict.severity == "questionable":
        return ctx.finding(
            "questionable", f"{ref['quantity']} percentages sum to {fmt(total)}",
            f"The percentages of {ref['quantity']} in {ref['cohort']} ({ref['location']}) sum "
            f"to {fmt(total)}, 100 only if every one is {SCHEME_LABELS[verdict.scheme]}.",
            pcts, recomputation=rec, nearest="100", discriminator="percent-sum",
            ruled_out=["standard rounding of each percentage (sum of half units)"])
    if verdict.severity == "consistent":
        return ctx.finding("consistent", f"{ref['quantity']} percentages sum to {fmt(total)}",
                           f"The percentages of {ref['quantity']} in {ref['cohort']} "
                           f"({ref['location']}) sum to {fmt(total)}, 100 within rounding.",
                           pcts, recomputation=rec, discriminator="percent-sum")
    return ctx.finding(
        "inconsistent", f"{ref['quantity']} percentages sum to {fmt(total)}",
        f"The percentages of {ref['quantity']} in {ref['cohort']} ({ref['location']}) sum to "
        f"{fmt(total)}; rounding allows at most {fmt(slack)} away from 100.", pcts,
        recomputation=rec, nearest="100", discriminator="percent-sum",
        ruled_out=["rounding of each percentage (sum of half units)"])


def _subgroup_partitions(ctx: Context) -> list[Finding]:
    out = []
    rows = [r for r in ctx.rows if r["statistic"] == "count" and ctx.numeric(r)
            and _subgroup_family(r["subgroup"])]
    fams: dict[tuple[str, ...], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        parent, family = _subgroup_family(r["subgroup"])  # type: ignore[misc]
        key = (r["source"], r["cohort"], r["arm"], r["quantity"], r["category"], parent)
        fams[key][family].append(r)
    for key, families in fams.items():
        source, cohort, arm, quantity, category, parent = key
        totals = [r for sub in (parent, f"{parent} overall")
                  for r in ctx.where(quantity=quantity, category=category, statistic="count",
                                     cohort=cohort, arm=arm, subgroup=sub) if ctx.numeric(r)]
        sums = {f: sum(int(r["value_num"]) for r in members) for f, members in families.items()
                if len(members) >= 2}
        if not sums:
            continue
        if totals:
            reference, ref_rows = int(totals[0]["value_num"]), [totals[0]]
            ref_label = f"the {parent} total {quote(totals[0])}"
        elif len(sums) >= 2:
            reference = max(set(sums.values()), key=lambda v: (list(sums.values()).count(v), v))
            ref_rows, ref_label = [], f"the other families' sum {reference}"
        else:
            ctx.skip("subgroup family without a total to compare")
            continue
        for family, s in sorted(sums.items()):
            members = families[family]
            ctx.see(members + ref_rows)
            rec = {"method": "sum of a subgroup family's levels against the parent total",
                   "inputs": {r["subgroup"]: int(r["value_num"]) for r in members},
                   "tried": [f"reference {reference}"], "result": f"sum {s}"}
            if s == reference:
                out.append(ctx.finding(
                    "consistent", f"{parent} / {family}: {quantity} sums to {s}",
                    f"The {family} levels of {parent} ({arm or 'all arms'}) sum to {s}.",
                    members + ref_rows, recomputation=rec))
                continue
            missing = any(missing_like(r["subgroup"].rsplit(" ", 1)[-1]) for r in members)
            severity = "questionable" if s < reference and not missing else "inconsistent"
            out.append(ctx.finding(
                severity, f"{parent} / {family}: {quantity} sums to {s}, not {reference}",
                f"The {family} levels of {parent} ({arm or 'all arms'}) sum to {s} {quantity}, "
                f"against {ref_label}.", members + ref_rows, recomputation=rec,
                nearest=str(reference)))
    return out


CHECK = Check(
    "partitions", "1",
    'Categories sum to their total; percentages sum to 100',
    'arithmetic of partitions',
    check_partitions,
)
