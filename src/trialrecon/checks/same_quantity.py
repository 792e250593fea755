"""The same quantity stated in several places agrees within rounding.

Check ``same-quantity``; reference: rounding intervals (Brown & Heathers 2017).
"""

from __future__ import annotations

import itertools

from trialrecon.checks.context import (
    SAME_KEY,
    Check,
    Context,
    cap,
    describe,
    group_by,
    interval_of,
    quote,
    same_date,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS, compare_rows


def check_same_quantity(ctx: Context) -> list[Finding]:
    """The same quantity stated in several places agrees within rounding.

    Each printed number is the interval of values that round to it (comparators respected:
    ``< .001`` is (0, .001)); two statements agree when the open intervals overlap. Dates are
    compared at the coarser precision. A row that ``supersedes`` another is an update: a
    difference is reported as a note. Registry rows are left to the registry check.
    Reference: rounding intervals as in Brown & Heathers (2017), GRIM.
    """
    cands = [r for r in ctx.rows if not ctx.is_registry(r) and not r["marker"] and r["value"]
             and r["statistic"] != "label"]
    by_id = {r["id"]: r for r in ctx.rows}
    out = []
    for group in group_by(cands, SAME_KEY).values():
        if len(group) < 2:
            continue
        ctx.see(group)
        bad = []
        for a, b in itertools.combinations(group, 2):
            if a["denominator"] and b["denominator"] and a["denominator"] != b["denominator"]:
                continue  # different populations, not the same quantity
            if a["statistic"] == "date":
                agree, cmp = same_date(a["value"], b["value"]), None
            else:  # the severity policy's rounding rules (checks.severity)
                cmp = compare_rows(a, b)
                agree = cmp.agree
            if agree:
                continue
            update = bool(a["supersedes"]) != bool(b["supersedes"])
            if update:
                newer, older = (a, b) if a["supersedes"] else (b, a)
                target = by_id.get(newer["supersedes"])
                if target is not None and target is not older and (
                        target["value"] == older["value"] or (
                            target["statistic"] != "date"
                            and interval_of(target).overlaps(interval_of(older)))):
                    continue  # older restates the superseded value: the direct pair reports it
            bad.append((a, b, cmp, update))
        if not bad:
            out.append(ctx.finding(
                "consistent", f"{group[0]['quantity']} stated {len(group)} times, all agree",
                f"The {len(group)} statements of {describe(group[0])} agree within rounding.",
                group, recomputation={"method": "rounding-interval overlap",
                                      "inputs": {r["id"]: r["value"] for r in group}}))
            continue
        for a, b, cmp, update in bad:
            rec = {"method": "rounding-interval overlap (|a-b| < half unit a + half unit b)",
                   "inputs": {a["id"]: a["value"], b["id"]: b["value"]},
                   "tried": list(cmp.tried) if cmp else [f"dates {a['value']}, {b['value']}"],
                   "result": "no overlap"}
            if update:
                newer, older = (a, b) if a["supersedes"] else (b, a)
                out.append(ctx.finding(
                    "note", f"{a['quantity']} updated: {older['value']} -> {newer['value']}",
                    f"{cap(describe(a))} is {quote(older)} and, in an update, {quote(newer)}.",
                    [a, b], recomputation=rec, ruled_out=["same value within rounding"]))
                continue
            if cmp is not None and cmp.severity == "questionable":
                how = SCHEME_LABELS[cmp.scheme]
                rec["result"] = f"agree only if both are {how}"
                out.append(ctx.finding(
                    "questionable", f"{a['quantity']} stated as {a['value']} and {b['value']}",
                    f"{cap(describe(a))} is given as {quote(a)} and as {quote(b)}; the two "
                    f"agree only if both are {how}.", [a, b], recomputation=rec,
                    ruled_out=["standard rounding of either value"]))
                continue
            out.append(ctx.finding(
                "inconsistent", f"{a['quantity']} stated as {a['value']} and {b['value']}",
                f"{cap(describe(a))} is given as {quote(a)} and as {quote(b)}; no rounding "
                f"reconciles the two.", [a, b], recomputation=rec,
                ruled_out=["rounding of either value (intervals do not overlap)",
                           "one non-standard rounding of both (truncation, rounding twice)",
                           "an update (neither row supersedes the other)"]
                + ([f"a mix of schemes: {cmp.mixed} (the severity policy does not accept "
                    "one value printed two ways)"] if cmp is not None and cmp.mixed else [])))
    return out


CHECK = Check(
    "same-quantity", "1",
    'The same quantity stated in several places agrees within rounding',
    'rounding intervals (Brown & Heathers 2017)',
    check_same_quantity,
)
