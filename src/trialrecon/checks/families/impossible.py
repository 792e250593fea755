"""Values no data can produce.

Check ``impossible``; reference: arithmetic.

Rules (issue 22): a quantity the vocabulary marks ``may_exceed_100`` (relative dose intensity:
more drug than planned) may exceed 100%; "not reached" and a number of another analysis set
or model (``population``, ``adjustment``) are two numbers, not a contradiction.

**A denominator above its analysis set**: a count or percentage of a table with a stated
denominator and an analysis set (``population``) is over more patients than every size the
same table (its cells, title or footnotes) prints for that set and arm (24/266 when a
footnote gives the set's 265): inconsistent.

**An extreme value against its mean and SD** (Samuelson 1968, Am Stat 22(4):10): every one
of n observations lies within s (n - 1) / sqrt(n) of their mean, s the sample SD; a printed
minimum or maximum farther from the printed mean than that (each taken at the end of its
rounding that favours the data) is impossible: a Glasgow Coma Scale of 13 (2.2) [5.0-150]
among 1161 patients needs an SD of at least 4.0 for its maximum of 150. The n is the
statement's stated denominator; without one nothing is judged.
"""

from __future__ import annotations

import math

from trialrecon.checks.context import (
    SAME_KEY,
    Check,
    Context,
    Row,
    cap,
    compatible,
    describe,
    group_by,
    is_nan,
    quote,
    statements,
)
from trialrecon.checks.findings import Finding
from trialrecon.stats.rounding import printed_interval


def check_impossible(ctx: Context) -> list[Finding]:
    """Values no data can produce: a lower bound above the estimate or the upper bound,
    a count above its denominator, a percentage outside 0-100 (a proportion outside 0-1), a
    median outside its range, and 'not reached' where another place prints a number.
    (Ratio estimates outside their CI are reported by the ratio check.)

    Rules (issue 22): a quantity the vocabulary marks ``may_exceed_100`` (relative dose
    intensity: more drug than planned) may exceed 100%; 'not reached' and a number of another
    analysis set or model (``population``, ``adjustment``) are two numbers.
    """
    out = []
    for r in ctx.rows:
        if not ctx.numeric(r):
            continue
        lim = {"percent": 100.0, "proportion": 1.0}.get(r["statistic"]) or (
            100.0 if r["unit"] == "percent" and r["statistic"] not in ("value",) else None)
        if ctx.vocab.attribute(r["quantity"], "may_exceed_100") and r["statistic"] != "count":
            lim = None  # relative dose intensity above 100%: more drug than planned
        if lim is not None and r["quantity"] not in ("eligibility",):
            ctx.see([r])
            if not 0 <= r["value_num"] <= lim:
                out.append(ctx.finding(
                    "inconsistent", f"{r['statistic']} {r['value']} outside 0-{lim:g}",
                    f"{quote(r)} is outside 0 to {lim:g}.", [r],
                    recomputation={"method": "range of a percentage or proportion",
                                   "inputs": {"value": r["value"]}, "result": "outside"},
                    discriminator="range"))
        if r["statistic"] == "count" and r["unit"] == "patients" \
                and ctx.kind(r["quantity"]) != "external":
            ctx.see([r])
            dens = []
            if not is_nan(r["denominator_num"]):
                dens.append(("stated denominator", int(r["denominator_num"]), None))
            if ctx.kind(r["quantity"]) != "population":
                dens += [(q, n, d) for q, n, d in ctx.population_counts(r)]
            if dens:
                label, n, drow = max(dens, key=lambda d: d[1])
                if r["value_num"] > n:
                    out.append(ctx.finding(
                        "inconsistent", f"count {r['value']} above its denominator {n}",
                        f"{quote(r)} exceeds the largest denominator it can have, {n} ({label}).",
                        [r] + ([drow] if drow else []),
                        recomputation={"method": "count <= denominator",
                                       "inputs": {"count": r["value"], "denominator": n},
                                       "tried": [f"{lab} {m}" for lab, m, _ in dens],
                                       "result": "count above every denominator"},
                        discriminator="count"))
    cand = [r for r in ctx.rows if ctx.numeric(r) and ctx.kind(r["quantity"]) != "ratio"]
    for st in statements(cand):
        out.extend(_bound_order(ctx, st))
        out.extend(_extreme_vs_sd(ctx, st))
    out.extend(_not_reached(ctx))
    out.extend(_denominator_above_set(ctx))
    return out


def _extreme_vs_sd(ctx: Context, st: dict[str, Row]) -> list[Finding]:
    """A printed minimum or maximum within Samuelson's bound of the mean and SD (module)."""
    if "mean" not in st or "sd" not in st or is_nan(st["mean"]["denominator_num"]):
        return []
    n = int(st["mean"]["denominator_num"])
    if n < 2:
        return []
    mean = printed_interval(str(st["mean"]["value"]), "=")
    sd = printed_interval(str(st["sd"]["value"]), "=")
    if None in (mean.low, mean.high, sd.high):
        return []
    reach = float(sd.high) * (n - 1) / math.sqrt(n)  # type: ignore[arg-type]
    out = []
    for key in ("range_low", "range_high"):
        if key not in st:
            continue
        x = printed_interval(str(st[key]["value"]), "=")
        if x.low is None or x.high is None:
            continue
        # the distance from the mean at the ends of both roundings that favour the data
        gap = float(x.low - mean.high) if key == "range_high" else float(mean.low - x.high)
        rows = [st["mean"], st["sd"], st[key]]
        ctx.see(rows)
        if gap <= reach:
            continue
        need = gap * math.sqrt(n) / (n - 1)
        word = "maximum" if key == "range_high" else "minimum"
        out.append(ctx.finding(
            "inconsistent", f"{word} {st[key]['value']} too far from mean {st['mean']['value']} "
            f"(SD {st['sd']['value']})",
            f"With n = {n}, every value lies within SD x (n - 1) / sqrt(n) = "
            f"{reach:.3g} of the mean (Samuelson 1968); the {word} {quote(st[key])} is "
            f"{gap:.3g} from the mean {st['mean']['value']}, which needs an SD of at least "
            f"{need:.2g}, not {st['sd']['value']}.", rows,
            recomputation={"method": "Samuelson's inequality: |x - mean| <= s (n - 1) / sqrt(n)",
                           "inputs": {"mean": st["mean"]["value"], "sd": st["sd"]["value"],
                                      word: st[key]["value"], "n": n},
                           "result": f"{gap:.4g} > {reach:.4g}"},
            ruled_out=["rounding of the mean, SD and extreme"], discriminator="samuelson"))
    return out


def _bound_order(ctx: Context, st: dict[str, Row]) -> list[Finding]:
    out = []
    pairs = (("ci_low", "ci_high"), ("range_low", "range_high"))
    point = next((st[k] for k in ("median", "estimate", "percent", "proportion", "mean")
                  if k in st), None)
    for lo_k, hi_k in pairs:
        lo, hi = st.get(lo_k), st.get(hi_k)
        if lo is None or hi is None:
            continue
        rows = [x for x in (point, lo, hi) if x is not None]
        ctx.see(rows)
        problems = []
        if lo["value_num"] > hi["value_num"]:
            problems.append(f"lower {lo['value']} above upper {hi['value']}")
        if point is not None and not lo["value_num"] <= point["value_num"] <= hi["value_num"]:
            if not (lo_k == "ci_low" and point["statistic"] == "mean"):
                problems.append(f"{point['statistic']} {point['value']} outside "
                                f"{lo['value']}-{hi['value']}")
        rec = {"method": "lower <= point <= upper",
               "inputs": {x["statistic"]: x["value"] for x in rows},
               "result": "; ".join(problems) or "in order"}
        kind = "CI" if lo_k == "ci_low" else "range"
        if problems:
            out.append(ctx.finding(
                "inconsistent", f"{kind} out of order: {problems[0]}",
                f"The {kind} of {describe(lo)} ({lo['location']}) is impossible: "
                f"{'; '.join(problems)}.", rows, recomputation=rec, discriminator=kind,
                ruled_out=["rounding (the printed order is already wrong)"]))
        else:
            out.append(ctx.finding("consistent", f"{kind} in order", f"The {kind} of "
                                   f"{describe(lo)} ({lo['location']}) is in order.", rows,
                                   recomputation=rec, discriminator=kind))
    return out


def _denominator_above_set(ctx: Context) -> list[Finding]:
    """A stated denominator above every size its table (or a note of it) prints for the
    row's analysis set and arm (module docstring)."""
    sizes: dict[tuple[str, ...], list[Row]] = {}
    for r in ctx.rows:
        if r["quantity"] == "analysed" and r["statistic"] == "count" and ctx.numeric(r) \
                and r.get("population"):
            key = (r["source"], _table(r["location"]), r["cohort"], r["arm"],
                   str(r["population"]), str(r.get("data_cut") or ""))
            sizes.setdefault(key, []).append(r)
    out = []
    counted = {(r["location"], r["row"], r["column"], r["arm"]) for r in ctx.rows
               if r["statistic"] == "count"}
    for r in ctx.rows:
        if r["statistic"] == "percent" and (r["location"], r["row"], r["column"],
                                            r["arm"]) in counted:
            continue  # the cell's count says it once
        if r["statistic"] not in ("count", "percent") or is_nan(r["denominator_num"]) \
                or not r.get("population") or not r["location"].startswith("Table"):
            continue
        key = (r["source"], _table(r["location"]), r["cohort"], r["arm"], str(r["population"]),
               str(r.get("data_cut") or ""))
        sets = sizes.get(key, [])
        if not sets or any(s["value_num"] >= r["denominator_num"] for s in sets):
            continue
        ctx.see([r, *sets])
        out.append(ctx.finding(
            "inconsistent", f"denominator {r['denominator']} above its analysis set",
            f"{quote(r)} is over {r['denominator']} patients, more than the "
            f"{' or '.join(quote(s) for s in sets)} of its analysis set "
            f"({r['population']}): a count cannot be over more patients than its set holds.",
            [r, *sets], nearest=f"over {int(max(s['value_num'] for s in sets))}",
            recomputation={"method": "a stated denominator within its analysis set",
                           "inputs": {x["id"]: x["value"] for x in (r, *sets)},
                           "result": f"{r['denominator']} > "
                                     f"{max(s['value_num'] for s in sets):g}"}))
    return out


def _table(location: str) -> str:
    """``Table 3`` of ``Table 3``, ``Table 3 footnote ##`` and ``Table 3 title``."""
    words = str(location).split()
    return " ".join(words[:2]) if words[:1] == ["Table"] else str(location)


def _not_reached(ctx: Context) -> list[Finding]:
    out = []
    for group in group_by([r for r in ctx.rows if r["statistic"] in ("median", "ci_high")
                         and (r["marker"] == "not_reached" or ctx.numeric(r))],
                        SAME_KEY[:-1]).values():
        nr = [r for r in group if r["marker"] == "not_reached"]
        nums = [r for r in group if ctx.numeric(r)]
        for a in nr:
            for b in nums:
                if a["source"] == b["source"] and a["location"] == b["location"] and \
                        a["anchor"] == b["anchor"]:
                    continue
                if not compatible(a, b):
                    continue  # another analysis set or model: another number
                cuts = {a["data_cut"], b["data_cut"]}
                if ctx.multi_cut and len(cuts) == 2 and "" not in cuts:
                    continue  # two analyses: the timeline check judges the change
                ctx.see([a, b])
                sev = "note" if (a["supersedes"] or b["supersedes"]) else (
                    "questionable" if ctx.multi_cut and len(cuts) == 2 else "inconsistent")
                out.append(ctx.finding(
                    sev, f"{a['quantity']} 'not reached' vs {b['value']}",
                    f"{cap(describe(a))} is 'not reached' in {a['location']} but "
                    f"{quote(b)} elsewhere.", [a, b],
                    recomputation={"method": "a marker against a number",
                                   "inputs": {a["id"]: "not_reached", b["id"]: b["value"]},
                                   "result": "contradiction"}, discriminator="not_reached",
                    ruled_out=[] if sev == "note" else ["an update (no supersedes)"]
                    + (["one data cut (one of the two rows states none)"]
                       if sev == "questionable" else [])))
    return out


CHECK = Check(
    "impossible", "1",
    "Impossible values: bounds out of order, counts above denominators, percentages above "
    "100, not reached against a number",
    'arithmetic',
    check_impossible,
)
