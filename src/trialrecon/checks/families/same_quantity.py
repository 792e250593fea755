"""The same quantity stated in several places agrees within rounding, within one data cut.

Check ``same-quantity``; reference: rounding intervals (Brown & Heathers 2017).

Statements of one data cut must agree: two printed numbers agree when the intervals of the
values that round to them overlap. Statements of different data cuts are the trajectory of
the quantity over the trial's analyses: an update, reported as a note with every cut's
value, never as an inconsistency (whether the trajectory is possible is the timeline
check's question). A row that ``supersedes`` another, directly or through a chain of
updates, is an update too. In a dossier with several data cuts, a statement whose cut is not
stated is compared with every cut's statement: it must agree with one of them.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from trialrecon.checks.context import (
    SAME_KEY,
    Check,
    Context,
    Row,
    cap,
    describe,
    group_by,
    interval_of,
    quote,
    same_date,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS, compare_rows

UNKNOWN_CUT = ""


def _agree(a: Row, b: Row) -> bool:
    if a["statistic"] == "date":
        return same_date(a["value"], b["value"])
    return interval_of(a).overlaps(interval_of(b))


def _shown(row: Row) -> str:
    return row["value"] if row["statistic"] == "date" else interval_of(row).as_text()


def check_same_quantity(ctx: Context) -> list[Finding]:
    """The same quantity stated in several places agrees within rounding (see the module).

    Each printed number is the interval of values that round to it (comparators respected:
    ``< .001`` is (0, .001)); two statements agree when the open intervals overlap. Dates are
    compared at the coarser precision. Registry rows are left to the registry check; rows of
    different stated denominators describe different populations and are not compared.
    """
    cands = [r for r in ctx.rows if not ctx.is_registry(r) and not r["marker"] and r["value"]
             and r["statistic"] != "label"]
    out: list[Finding] = []
    for group in group_by(cands, SAME_KEY).values():
        if len(group) < 2:
            continue
        ctx.see(group)
        if not ctx.multi_cut:
            out += _within_cut(ctx, group)
            continue
        by_cut: dict[str, list[Row]] = defaultdict(list)
        for r in group:
            by_cut[r["data_cut"]].append(r)
        unknown = by_cut.pop(UNKNOWN_CUT, [])
        for rows in by_cut.values():
            if len(rows) >= 2:
                out += _within_cut(ctx, rows)
        if len(by_cut) >= 2:
            out.append(_trajectory(ctx, by_cut))
        if unknown and by_cut:
            out += _unknown_cut(ctx, unknown, by_cut)
        elif len(unknown) >= 2:
            out += _within_cut(ctx, unknown)
    return out


def _related(ctx: Context, a: Row, b: Row) -> tuple[Row, Row] | None:
    """(newer, older) when one row updates the other through ``supersedes``, else None."""
    if b["id"] in ctx.supersedes_chain(a):
        return a, b
    if a["id"] in ctx.supersedes_chain(b):
        return b, a
    return None


def _restates_superseded(ctx: Context, newer: Row, other: Row) -> bool:
    """``other`` restates a value that ``newer`` updates: the direct pair reports it."""
    by_id = {r["id"]: r for r in ctx.where(quantity=newer["quantity"])}
    return any(t in by_id and _agree(by_id[t], other) for t in ctx.supersedes_chain(newer))


def _within_cut(ctx: Context, group: list[Row]) -> list[Finding]:
    """Pairwise comparison of the statements of one data cut."""
    bad = []
    for a, b in itertools.combinations(group, 2):
        if a["denominator"] and b["denominator"] and a["denominator"] != b["denominator"]:
            continue  # different populations, not the same quantity
        if _agree(a, b):
            continue
        pair = _related(ctx, a, b)
        if pair is None:
            if a["supersedes"] and _restates_superseded(ctx, a, b):
                continue
            if b["supersedes"] and _restates_superseded(ctx, b, a):
                continue
        elif pair[0]["supersedes"] != pair[1]["id"]:
            continue  # a chain of updates: each direct step is reported on its own
        bad.append((a, b, pair))
    if not bad:
        return [ctx.finding(
            "consistent", f"{group[0]['quantity']} stated {len(group)} times, all agree",
            f"The {len(group)} statements of {describe(group[0])} agree within rounding.",
            group, recomputation={"method": "rounding-interval overlap",
                                  "inputs": {r["id"]: r["value"] for r in group}})]
    out = []
    for a, b, pair in bad:
        rec = {"method": "rounding-interval overlap (|a-b| < half unit a + half unit b)",
               "inputs": {a["id"]: a["value"], b["id"]: b["value"]},
               "tried": [f"{a['id']}: {_shown(a)}", f"{b['id']}: {_shown(b)}"],
               "result": "no overlap"}
        if pair is not None:
            newer, older = pair
            out.append(ctx.finding(
                "note", f"{a['quantity']} updated: {older['value']} -> {newer['value']}",
                f"{cap(describe(a))} is {quote(older)} and, in an update, {quote(newer)}.",
                [a, b], recomputation=rec, ruled_out=["same value within rounding"]))
            continue
        cut = "" if not ctx.multi_cut else f" (both of the data cut {ctx.cut_name(a['data_cut'])})"
        cmp = compare_rows(a, b) if a["statistic"] != "date" else None  # the severity policy
        if cmp is not None:
            rec["tried"] = list(cmp.tried)
        if cmp is not None and cmp.severity == "questionable":
            how = SCHEME_LABELS[cmp.scheme]
            rec["result"] = f"agree only if both are {how}"
            out.append(ctx.finding(
                "questionable", f"{a['quantity']} stated as {a['value']} and {b['value']}",
                f"{cap(describe(a))} is given as {quote(a)} and as {quote(b)}{cut}; the two "
                f"agree only if both are {how}.", [a, b], recomputation=rec,
                ruled_out=["standard rounding of either value"]))
            continue
        out.append(ctx.finding(
            "inconsistent", f"{a['quantity']} stated as {a['value']} and {b['value']}",
            f"{cap(describe(a))} is given as {quote(a)} and as {quote(b)}{cut}; no rounding "
            "reconciles the two.", [a, b], recomputation=rec,
            ruled_out=["rounding of either value (intervals do not overlap)",
                       "one non-standard rounding of both (truncation, rounding twice)",
                       "an update (neither row supersedes the other, and both belong to one "
                       "data cut)" if ctx.multi_cut else
                       "an update (neither row supersedes the other)"]
            + ([f"a mix of schemes: {cmp.mixed} (the severity policy does not accept one "
                "value printed two ways)"] if cmp is not None and cmp.mixed else [])))
    return out


def _first_of_cut(rows: list[Row]) -> Row:
    """The statement that stands for a cut in its trajectory: an original, in file order."""
    return min(rows, key=lambda r: (bool(r["supersedes"]), r["file"], int(r["line"])))


def _trajectory(ctx: Context, by_cut: dict[str, list[Row]]) -> Finding:
    """One quantity over the data cuts: unchanged (consistent) or updated (a note)."""
    cuts = sorted(by_cut, key=lambda k: (ctx.dossier.cut(k).order if ctx.dossier.cut(k)
                                         else 10**6, k))
    firsts = [_first_of_cut(by_cut[k]) for k in cuts]
    path = " -> ".join(f"{r['value']} ({ctx.cut_name(k)}, {r['source']})"
                       for k, r in zip(cuts, firsts, strict=True))
    rec = {"method": "one statement per data cut, in time order",
           "inputs": {r["id"]: r["value"] for r in firsts}, "tried": [path],
           "result": "trajectory over data cuts"}
    ref = firsts[0]
    if all(_agree(ref, r) for r in firsts[1:]):
        return ctx.finding(
            "consistent", f"{ref['quantity']} unchanged over {len(cuts)} data cuts",
            f"{cap(describe(ref))} is the same within rounding at {len(cuts)} data cuts: "
            f"{path}.", firsts, recomputation=rec, discriminator="cuts")
    return ctx.finding(
        "note", f"{ref['quantity']} over {len(cuts)} data cuts: {firsts[0]['value']} -> "
        f"{firsts[-1]['value']}",
        f"{cap(describe(ref))} changes between data cuts, as later analyses do: {path}.",
        firsts, recomputation=rec, discriminator="cuts",
        ruled_out=["an inconsistency (the statements belong to different data cuts)"])


def _unknown_cut(ctx: Context, unknown: list[Row],
                 by_cut: dict[str, list[Row]]) -> list[Finding]:
    """A statement of no stated cut must agree with the statement of some cut."""
    out = []
    firsts = {k: _first_of_cut(v) for k, v in by_cut.items()}
    for r in unknown:
        matching = [k for k, f in firsts.items() if _agree(r, f)]
        rows = [r, *firsts.values()]
        rec = {"method": "rounding-interval overlap with each data cut's statement",
               "inputs": {x["id"]: x["value"] for x in rows},
               "tried": [f"{ctx.cut_name(k)}: {f['value']}" for k, f in firsts.items()],
               "result": ", ".join(ctx.cut_name(k) for k in matching) or "no cut agrees"}
        if matching:
            out.append(ctx.finding(
                "consistent", f"{r['quantity']} {r['value']} matches a data cut",
                f"{quote(r)} states no data cut; it agrees with the "
                f"{ctx.cut_name(matching[0])} statement.", rows, recomputation=rec,
                discriminator=f"unknown-cut:{r['id']}"))
        else:
            out.append(ctx.finding(
                "questionable", f"{r['quantity']} {r['value']} matches no data cut",
                f"{quote(r)} states no data cut and agrees with none of the trial's analyses "
                f"({', '.join(f['value'] for f in firsts.values())}); write its data_cut, or "
                "it is a misprint.", rows, recomputation=rec,
                discriminator=f"unknown-cut:{r['id']}",
                ruled_out=["rounding against every data cut's statement"]))
    return out


CHECK = Check(
    "same-quantity", "2",
    "The same quantity stated in several places agrees within rounding, within one data cut",
    "rounding intervals (Brown & Heathers 2017)",
    check_same_quantity,
)
