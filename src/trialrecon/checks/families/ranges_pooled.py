"""Pooled ranges, counts and percentages against their parts.

Check ``ranges-pooled``; reference: arithmetic.

Pools are cohorts with ``parts`` and, in a table, the columns that add arms up: an arm with
``parts`` (a pooled "All iron" column) and the total column (arm empty) beside the arms'
columns of one table (issue 22: a pooled rate is judged against its arms' counts). A pooled
count is the sum of its parts' counts; a pooled percentage is the pooled count over the sum
of the parts' denominators (each part's stated denominator or its table's n), never another
denominator. Population and event counts of arms are the ``arms`` check's.

A quantity that includes another (grade 3 or higher includes grade 3-4) is compared with it
only over one analysis set: two values whose rows name different populations (acute toxicity
over the radiotherapy toxicity population, late toxicity over the late toxicity population)
are different quantities (issue 22; a clean and an error case in the planted corpus).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from trialrecon.checks.context import (
    AT_LEAST,
    SKIP_KINDS,
    UNION_OF,
    Check,
    Context,
    Row,
    count_partner,
    fmt,
    interval_of,
    quote,
)
from trialrecon.checks.denominators import (
    Denominator,
    arm_part_rows,
    arm_parts,
    nearest_count,
    part_denominator,
    part_rows,
    parts_denominators,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import compare_rows, rounding_only
from trialrecon.stats.rounding import (
    SCHEMES,
    STANDARD_SCHEMES,
    decimals_of,
    reproduces,
    round_half_up,
)


def check_ranges_pooled(ctx: Context) -> list[Finding]:
    """Pooled figures against their parts.

    An overall range must be the union of the parts' ranges (low = min of lows, high = max of
    highs); a pooled count must be the sum of the parts' counts, and a pooled percentage
    without a count is recomputed from the summed counts over the summed denominators; a
    quantity that includes another (reductions *or* interruptions, grade >= 3 ...) cannot be
    below it, and a union cannot exceed the sum of its two parts.
    """
    out = []
    for cohort in ctx.dossier.trial.cohorts:
        if cohort.parts:
            out.extend(_pooled_ranges(ctx, cohort.id, cohort.parts))
            out.extend(_pooled_counts(ctx, cohort.id, cohort.parts))
    out.extend(_pooled_arms(ctx))
    out.extend(_stated_pools(ctx))
    out.extend(_at_least(ctx))
    return out


def _pooled_arms(ctx: Context) -> list[Finding]:
    """Pooled-arm and total columns against their arms (see the module docstring)."""
    out = []
    events = {q for q, d in ctx.vocab.quantities.items()
              if d.get("population") or d.get("events_of")}
    for r in ctx.rows:
        if (r["statistic"] not in ("count", "percent") or not ctx.numeric(r)
                or ctx.kind(r["quantity"]) in SKIP_KINDS or ctx.estimated(r["quantity"])
                or ctx.is_registry(r) or r["quantity"] in events
                or r["comparator"] not in ("", "=")):
            continue
        parts = arm_parts(ctx, r)
        prs = arm_part_rows(ctx, r, parts) if parts else None
        if prs is None:
            continue
        total = sum(int(x["value_num"]) for x in prs)
        terms = " + ".join(f"{int(x['value_num'])} ({x['arm']})" for x in prs)
        if r["statistic"] == "count":
            ctx.see([r, *prs])
            ok = int(r["value_num"]) == total
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"pooled count {r['value']} {'=' if ok else '!='} sum of the arms {total}",
                f"{quote(r)} for the pooled column; the arms give {terms} = {total}.",
                [r, *prs], recomputation={"method": "pooled count = sum of the arms' counts",
                                          "inputs": {x["arm"]: x["value"] for x in prs},
                                          "result": f"sum {total}"},
                nearest=None if ok else str(total), discriminator="arm-pool",
                ruled_out=[] if ok else ["rounding (whole counts)"]))
            continue
        dens = [part_denominator(ctx, x) for x in prs]
        if not all(dens):
            continue
        n = sum(d for d in dens if d)
        partner = count_partner(ctx, r)
        k = int(partner["value_num"]) if partner is not None else total
        rows = [r, *([partner] if partner is not None else []), *prs]
        ctx.see(rows)
        ok = any(reproduces(k, n, r["value"], sc) for sc in STANDARD_SCHEMES)
        val = round_half_up(Fraction(100 * k, n), decimals_of(r["value"]))
        rec = {"method": "pooled percentage = pooled count / sum of the arms' denominators",
               "inputs": {x["arm"]: f"{x['value']}/{d}" for x, d in zip(prs, dens, strict=True)},
               "tried": [f"{k}/{n}"], "result": f"{k}/{n} = {fmt(val)}%",
               "rounding_only": rounding_only(r["value"], Fraction(100 * k, n))}
        out.append(ctx.finding(
            "consistent" if ok else "inconsistent",
            f"pooled {r['value']}% {'=' if ok else '!='} {k}/{n}",
            f"{quote(r)} for the pooled column; the arms give {k}/{n} = {fmt(val)}% "
            f"({terms} over {' + '.join(str(d) for d in dens)}).", rows, recomputation=rec,
            discriminator="arm-pool", nearest=None if ok else f"{fmt(val)}% ({k}/{n})",
            ruled_out=[] if ok else ["half-up and half-even rounding over the arms' "
                                     "denominators"]))
    return out


def _arms_elsewhere(ctx: Context, r: Row, arms: tuple[str, ...]) -> list[Row] | None:
    """Each arm's count of the row's quantity in the one table of its source that prints them.

    None when no place prints a count for every arm, or two places print different ones (which
    of them the sentence pools is then a guess)."""
    found: dict[str, list[Row]] = defaultdict(list)
    for x in ctx.where(source=r["source"], cohort=r["cohort"], subgroup=r["subgroup"],
                       quantity=r["quantity"], category=r["category"], statistic="count",
                       data_cut=r["data_cut"]):
        if x["arm"] in arms and ctx.numeric(x) and x["row"] and x["population"] == r[
                "population"]:
            found[x["location"]].append(x)
    full = [sorted(v, key=lambda x: arms.index(x["arm"])) for v in found.values()
            if sorted(x["arm"] for x in v) == sorted(arms)]
    counts = {tuple(x["value"] for x in v) for v in full}
    return full[0] if len(counts) == 1 else None


def _stated_pools(ctx: Context) -> list[Finding]:
    """A sentence's percentage of all patients (arm empty) against a table's arm counts.

    "59% were male" beside a baseline table printing each arm's men: the pooled share is the
    summed count over the summed denominators. A share that only truncation gives is
    questionable, as everywhere (the severity policy). A share that no rounding gives is left
    alone: a sentence often counts over the patients with a known value (a mutation among
    those tested) or over another unit (women, where the table counts infants), and nothing
    printed tells which."""
    out = []
    arms = tuple(a.id for a in ctx.dossier.trial.arms if not a.parts)
    if len(arms) < 2:
        return out
    for r in ctx.rows:
        if (r["statistic"] != "percent" or r["arm"] or r["row"] or r["column"]
                or not ctx.numeric(r) or ctx.kind(r["quantity"]) in SKIP_KINDS
                or ctx.estimated(r["quantity"]) or ctx.is_registry(r)
                or r["comparator"] not in ("", "=") or count_partner(ctx, r) is not None):
            continue
        prs = _arms_elsewhere(ctx, r, arms)
        dens = [part_denominator(ctx, x) for x in prs] if prs else []
        if not prs or not all(dens):
            continue
        k, n = sum(int(x["value_num"]) for x in prs), sum(d for d in dens if d)
        schemes = [sc for sc in SCHEMES if reproduces(k, n, r["value"], sc)]
        if not schemes:
            ctx.skip("a share of all patients over another denominator, it seems")
            continue
        ctx.see([r, *prs])
        severity = ("consistent" if set(schemes) & set(STANDARD_SCHEMES)
                    else "questionable" if schemes else "inconsistent")
        val = round_half_up(Fraction(100 * k, n), decimals_of(r["value"]))
        terms = " + ".join(f"{x['value']} ({x['arm']})" for x in prs)
        out.append(ctx.finding(
            severity, f"all patients {r['value']}% = {k}/{n}",
            f"{quote(r)} of all patients; {prs[0]['location']} gives {terms} = {k} of "
            f"{' + '.join(str(d) for d in dens)} = {n}, {fmt(val)}%"
            + (f" ({', '.join(schemes)} only)." if severity != "consistent" else "."),
            [r, *prs],
            recomputation={"method": "a share of all patients = the arms' counts summed over "
                                     "their denominators summed",
                           "inputs": {x["arm"]: f"{x['value']}/{d}"
                                      for x, d in zip(prs, dens, strict=True)},
                           "tried": [f"{k}/{n}"], "result": f"{k}/{n} = {fmt(val)}%"},
            discriminator="stated-pool",
            nearest=None if severity == "consistent" else f"{fmt(val)}% ({k}/{n})",
            ruled_out=[] if severity == "consistent" else [
                "half-up and half-even rounding over the summed denominators"]))
    return out


def _pooled_ranges(ctx: Context, cohort: str, parts: tuple[str, ...]) -> list[Finding]:
    out = []
    pooled = [r for r in ctx.rows if r["cohort"] == cohort and ctx.numeric(r)
              and r["statistic"] in ("range_low", "range_high")]
    for r in pooled:
        prs = part_rows(ctx, r, parts, r["statistic"])
        if prs is None:
            continue
        ctx.see([r, *prs])
        pick = min if r["statistic"] == "range_low" else max
        target = pick(prs, key=lambda x: x["value_num"])
        cmp = compare_rows(r, target)  # the severity policy's rounding rules
        ok = cmp.agree
        rec = {"method": f"pooled {r['statistic']} = {pick.__name__} of the parts'",
               "inputs": {x["cohort"]: x["value"] for x in prs} | {cohort: r["value"]},
               "tried": list(cmp.tried), "result": f"expected {target['value']}"}
        out.append(ctx.finding(
            cmp.severity,
            f"pooled {r['statistic']} {r['value']} "
            f"{'is' if ok else 'is not'} the {pick.__name__} of the parts",
            f"The {cohort} {r['statistic'].replace('_', ' ')} of {r['quantity']} is {quote(r)}; "
            f"the parts give {target['value']} "
            f"({', '.join(x['cohort'] + ' ' + x['value'] for x in prs)}).",
            [r, *prs], recomputation=rec, nearest=None if ok else target["value"],
            ruled_out=[] if ok else ["rounding"]))
    return out


def _pooled_counts(ctx: Context, cohort: str, parts: tuple[str, ...]) -> list[Finding]:
    out = []
    pooled = [r for r in ctx.rows if r["cohort"] == cohort and ctx.numeric(r)
              and r["statistic"] in ("count", "percent")
              and ctx.kind(r["quantity"]) not in SKIP_KINDS
              and not ctx.estimated(r["quantity"])]
    for r in pooled:
        prs = part_rows(ctx, r, parts, "count")
        if prs is None:
            continue
        total = sum(int(x["value_num"]) for x in prs)
        if r["statistic"] == "count":
            ctx.see([r, *prs])
            ok = int(r["value_num"]) == total
            rec = {"method": "pooled count = sum of the parts' counts",
                   "inputs": {x["cohort"]: x["value"] for x in prs}, "result": f"sum {total}"}
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"pooled count {r['value']} {'=' if ok else '!='} sum of parts {total}",
                f"{quote(r)} for {cohort}; the parts sum to {total}.", [r, *prs],
                recomputation=rec, nearest=None if ok else str(total)))
            continue
        partner = count_partner(ctx, r)
        numerator = int(partner["value_num"]) if partner is not None else total
        sums = parts_denominators(ctx, prs)
        if not sums:
            continue
        rows = [r, *([partner] if partner is not None else []), *prs]
        ctx.see(rows)
        tried = [f"{numerator}/{n} ({label})" for label, n in sums]
        hit = next(((label, n) for label, n in sums if any(
            reproduces(numerator, n, r["value"], sc) for sc in STANDARD_SCHEMES)), None)
        label, n = hit or sums[0]
        val = round_half_up(Fraction(100 * numerator, n), decimals_of(r["value"]))
        rec = {"method": "pooled percentage = count / sum of the parts' denominators",
               "inputs": {x["cohort"]: x["value"] for x in prs} | {"count": numerator},
               "tried": tried, "result": f"{numerator}/{n} = {fmt(val)}% ({label})"}
        ok = hit is not None
        out.append(ctx.finding(
            "consistent" if ok else "inconsistent",
            f"pooled {r['value']}% {'=' if ok else '!='} {numerator}/{n}",
            f"{quote(r)} for {cohort}; the parts give {numerator}/{n} = {fmt(val)}% "
            f"({label}).", rows,
            recomputation=rec, ruled_out=[] if ok else [
                "half-up and half-even rounding over the parts' denominators",
                "another denominator of the pooled cohort (the parts define the pool)"],
            nearest=None if ok else nearest_count(
                numerator, [Denominator("sum of the parts' denominators", n, True)],
                r["value"])))
    return out


def _at_least_sentence(ctx: Context, b: Row, s: Row, big_q: str, small_q: str,
                       ok: bool) -> str:
    """Patients counted in both (includes) or a survival at least another (at_least)."""
    if small_q in (ctx.vocab.attribute(big_q, "at_least") or ()):
        return (f"{quote(b)} ({big_q}) {'is' if ok else 'cannot be'} at least {quote(s)} "
                f"({small_q}): an event of {small_q.removesuffix('_rate')} includes death.")
    return (f"{quote(b)} ({big_q}) {'can' if ok else 'cannot'} include {quote(s)} "
            f"({small_q}).")


def _other_sets(a: Row, b: Row) -> bool:
    """Both rows name their analysis set, and the sets differ."""
    pa, pb = str(a.get("population") or ""), str(b.get("population") or "")
    return bool(pa and pb and pa != pb)


# A relapse presupposes a remission: where the trial's patients start with disease (it reports
# their remissions or responses), relapse- or disease-free survival is counted from remission
# among the remitters (Cheson et al. 2003, J Clin Oncol 21:4642, the IWG criteria of AML), so it
# bounds nothing of every patient's overall survival. A pathological response is no such
# signal: after neoadjuvant treatment every patient goes to surgery and is followed from there.
FROM_REMISSION = frozenset({"rfs", "dfs"})
NOT_REMISSION = frozenset({"pcr"})


def _from_remission(ctx: Context, b: Row, s: Row, small_q: str) -> bool:
    """The small survival may count the remitters only, not the patients of the big one."""
    if small_q.removesuffix("_rate") not in FROM_REMISSION:
        return False
    if s.get("population") and s.get("population") == b.get("population"):
        return False
    return any(r["cohort"] == s["cohort"] and r["quantity"] not in NOT_REMISSION
               and ctx.kind(r["quantity"]) == "response" for r in ctx.rows)


def _at_least(ctx: Context) -> list[Finding]:
    out = []
    key = ("cohort", "arm", "versus", "subgroup", "category", "statistic", "unit", "data_cut")
    pct = [r for r in ctx.rows if ctx.numeric(r)
           and r["statistic"] in ("percent", "count", "median")]
    by_quantity: dict[str, dict[tuple[str, ...], list[Row]]] = defaultdict(
        lambda: defaultdict(list))
    for r in pct:
        by_quantity[r["quantity"]][tuple(str(r[c]) for c in key)].append(r)
    for big_q, small_q in AT_LEAST:
        if big_q not in by_quantity or small_q not in by_quantity:
            continue
        smalls_at = by_quantity[small_q]
        for b in [r for rows in by_quantity[big_q].values() for r in rows]:
            for s in smalls_at.get(tuple(str(b[c]) for c in key), []):
                if _other_sets(b, s):
                    ctx.skip("values over two named analysis sets")
                    continue
                if _from_remission(ctx, b, s, small_q):
                    ctx.skip(f"{small_q} may count from remission among the remitters")
                    continue
                ctx.see([b, s])
                ib, is_ = interval_of(b), interval_of(s)
                ok = ib.high is None or is_.low is None or ib.high > is_.low
                rec = {"method": f"{big_q} >= {small_q}",
                       "inputs": {b["id"]: b["value"], s["id"]: s["value"]},
                       "result": "possible" if ok else "below its part"}
                out.append(ctx.finding(
                    "consistent" if ok else "inconsistent",
                    f"{big_q} {b['value']} {'>=' if ok else '<'} {small_q} {s['value']}",
                    _at_least_sentence(ctx, b, s, big_q, small_q, ok), [b, s], recomputation=rec,
                    nearest=None if ok else f">= {s['value']}",
                    ruled_out=[] if ok else ["rounding of both values"]))
    for union, (p1, p2) in UNION_OF.items():
        for u in [r for rows in by_quantity.get(union, {}).values() for r in rows]:
            where = tuple(str(u[c]) for c in key)
            a = by_quantity.get(p1, {}).get(where, [])
            b = by_quantity.get(p2, {}).get(where, [])
            if not a or not b:
                continue
            iu, ia, ib = interval_of(u), interval_of(a[0]), interval_of(b[0])
            if iu.low is None or ia.high is None or ib.high is None:
                continue
            ctx.see([u, a[0], b[0]])
            ok = iu.low < ia.high + ib.high
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"{union} {u['value']} {'<=' if ok else '>'} {a[0]['value']} + {b[0]['value']}",
                f"{quote(u)} {'does not exceed' if ok else 'exceeds'} the sum of its parts "
                f"{quote(a[0])} and {quote(b[0])}.", [u, a[0], b[0]],
                recomputation={"method": "union <= sum of its parts", "inputs":
                               {u["id"]: u["value"], a[0]["id"]: a[0]["value"],
                                b[0]["id"]: b[0]["value"]}}, discriminator="union-sum"))
    return out


CHECK = Check(
    "ranges-pooled", "1",
    'Pooled ranges, counts and percentages against their parts; a union not below its parts',
    'arithmetic',
    check_ranges_pooled,
)
