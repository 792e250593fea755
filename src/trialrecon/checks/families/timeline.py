"""The trial's analyses in time: what later data cuts can and cannot say.

Check ``timeline``; reference: the Kaplan-Meier estimator's behaviour under continued
follow-up (Kaplan & Meier 1958) and the reverse Kaplan-Meier median follow-up (Schemper &
Smith 1996, Control Clin Trials 17:343).

Across data cuts, in time order: cumulative counts (deaths, events, patients treated) never
fall; the median follow-up grows; a median reached at one cut and "not reached" at a later
one is unusual (the estimate can move, rarely back above one half); a hazard ratio's
interval narrows only with more events, so a narrower interval with fewer events needs an
explanation. Within one cut: the median follow-up cannot exceed the time from the first
enrolment to the data cut-off, and accrual cannot end after the cut-off.

Cuts are ordered by their dates; an undated cut is placed by its first publication, which
follows the cut-off by an unknown time, so a finding that relies on an undated cut's place
is at most questionable.
"""

from __future__ import annotations

import math
from collections import defaultdict

from trialrecon.checks.context import Check, Context, NotApplicable, Row, describe, quote
from trialrecon.checks.findings import Finding
from trialrecon.dossier import names
from trialrecon.stats.rounding import exact, half_unit

CUMULATIVE_POPULATIONS = ("treated", "safety_population", "crossover", "screened")
KEY = ("cohort", "arm", "versus", "subgroup", "quantity", "category", "statistic")


def _cut_order(ctx: Context, key: str) -> int:
    cut = ctx.dossier.cut(key)
    return cut.order if cut else -1


def _dated(ctx: Context, key: str) -> bool:
    cut = ctx.dossier.cut(key)
    return bool(cut and cut.date)


def _by_cut(ctx: Context, rows: list[Row]) -> list[tuple[str, Row]]:
    """One row per known data cut (an original, first in file order), in time order."""
    per: dict[str, Row] = {}
    for r in sorted(rows, key=lambda r: (bool(r["supersedes"]), r["file"], int(r["line"]))):
        if r["data_cut"] and ctx.dossier.cut(r["data_cut"]) is not None:
            per.setdefault(r["data_cut"], r)
    return sorted(per.items(), key=lambda kv: _cut_order(ctx, kv[0]))


def check_timeline(ctx: Context) -> list[Finding]:
    """Counts, follow-up, medians and intervals across data cuts; dates within a cut."""
    out = _within_cuts(ctx)
    if not ctx.multi_cut:
        if not out:
            raise NotApplicable("one data cut and no follow-up with accrual dates to compare")
        return out
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in ctx.rows:
        if not ctx.is_registry(r):
            groups[tuple(str(r[c]) for c in KEY)].append(r)
    for group in groups.values():
        first = group[0]
        q = first["quantity"]
        if first["statistic"] == "count" and (ctx.vocab.attribute(q, "events_of")
                                              or q in CUMULATIVE_POPULATIONS):
            out += _never_falls(ctx, group)
        elif q == "follow_up" and first["statistic"] == "median":
            out += _never_falls(ctx, group, what="median follow-up")
        elif ctx.vocab.attribute(q, "endpoint") and first["statistic"] == "median":
            out += _reached_then_not(ctx, group)
    out += _intervals_and_events(ctx)
    return out


def _never_falls(ctx: Context, group: list[Row], what: str = "") -> list[Finding]:
    numeric = [r for r in group if ctx.numeric(r)]
    steps = _by_cut(ctx, numeric)
    out = []
    for (k0, a), (k1, b) in zip(steps, steps[1:], strict=False):
        ctx.see([a, b])
        lo_a = exact(a["value"]) - half_unit(a["value"])
        hi_b = exact(b["value"]) + half_unit(b["value"])
        label = what or a["quantity"].replace("_", " ")
        rec = {"method": f"{label} at a later data cut >= at an earlier one",
               "inputs": {a["id"]: a["value"], b["id"]: b["value"]},
               "tried": [f"{ctx.cut_name(k0)}: {a['value']}", f"{ctx.cut_name(k1)}: {b['value']}"]}
        if hi_b > lo_a or _months(b) >= _months(a):
            rec["result"] = "does not fall"
            out.append(ctx.finding(
                "consistent", f"{label} does not fall: {a['value']} -> {b['value']}",
                f"{describe(a).capitalize()}: {quote(a)} at {ctx.cut_name(k0)}, {quote(b)} at "
                f"{ctx.cut_name(k1)}.", [a, b], recomputation=rec, discriminator="falls"))
            continue
        rec["result"] = "falls"
        certain = _dated(ctx, k0) and _dated(ctx, k1)
        out.append(ctx.finding(
            "inconsistent" if certain else "questionable",
            f"{label} falls from {a['value']} to {b['value']} at a later data cut",
            f"{describe(a).capitalize()} is {quote(a)} at {ctx.cut_name(k0)} but {quote(b)} at "
            f"the later {ctx.cut_name(k1)}; a cumulative count and a follow-up cannot fall."
            + ("" if certain else " (One of the cuts is undated: its place in time comes from "
                                  "its publication.)"), [a, b], recomputation=rec,
            nearest=f">= {a['value']}", discriminator="falls",
            ruled_out=["rounding of both values"]))
    return out


def _months(row: Row) -> float:
    return float(row["value_num"]) * names.TIME_UNIT_MONTHS.get(row["unit"], 1.0)


def _reached_then_not(ctx: Context, group: list[Row]) -> list[Finding]:
    steps = _by_cut(ctx, [r for r in group if ctx.numeric(r) or r["marker"] == "not_reached"])
    out = []
    for (k0, a), (k1, b) in zip(steps, steps[1:], strict=False):
        if ctx.numeric(a) and b["marker"] == "not_reached":
            ctx.see([a, b])
            out.append(ctx.finding(
                "questionable", f"median {a['value']} at {ctx.cut_name(k0)}, not reached later",
                f"{describe(a).capitalize()} is {quote(a)} at {ctx.cut_name(k0)} but 'not "
                f"reached' at the later {ctx.cut_name(k1)}: more follow-up rarely lifts a "
                "Kaplan-Meier curve back above one half.", [a, b],
                recomputation={"method": "a reached median stays reached with more follow-up",
                               "inputs": {a["id"]: a["value"], b["id"]: "not_reached"},
                               "result": "not reached at the later cut"},
                discriminator="reached-then-not"))
    return out


def _hr_statements(ctx: Context) -> dict[tuple[str, ...], dict[str, dict[str, Row]]]:
    """Hazard-ratio CIs per comparison and data cut: {comparison: {cut: {stat: row}}}."""
    out: dict[tuple[str, ...], dict[str, dict[str, Row]]] = defaultdict(dict)
    for r in ctx.rows:
        if (ctx.kind(r["quantity"]) == "ratio" and r["statistic"] in ("ci_low", "ci_high")
                and ctx.numeric(r) and r["data_cut"] and not r["subgroup"]):
            key = (r["cohort"], r["arm"], r["versus"], r["quantity"], r["category"])
            out[key].setdefault(r["data_cut"], {}).setdefault(r["statistic"], r)
    return out


def _events_at(ctx: Context, endpoint: str, cohort: str, cut: str) -> tuple[int, list[Row]]:
    """Events of an endpoint at a cut: the total row, else the sum over arms; (0, []) if none."""
    q = ctx.vocab.events_quantity(endpoint)
    rows = [r for r in ctx.where(quantity=q, cohort=cohort, data_cut=cut, statistic="count",
                                 subgroup="") if ctx.numeric(r)]
    total = [r for r in rows if not r["arm"]]
    if total:
        return int(total[0]["value_num"]), total[:1]
    per_arm: dict[str, Row] = {}
    for r in rows:
        per_arm.setdefault(r["arm"], r)
    if len(per_arm) == len(ctx.dossier.trial.arms) and per_arm:
        return sum(int(r["value_num"]) for r in per_arm.values()), list(per_arm.values())
    return 0, []


def _intervals_and_events(ctx: Context) -> list[Finding]:
    """A hazard ratio's interval that narrows at a later cut while its events fall."""
    out = []
    for key, per_cut in _hr_statements(ctx).items():
        cohort, _, _, quantity, _ = key
        endpoint = str(ctx.vocab.attribute(quantity, "ratio_of") or "")
        cuts = sorted((k for k, st in per_cut.items() if {"ci_low", "ci_high"} <= set(st)),
                      key=lambda k: _cut_order(ctx, k))
        for k0, k1 in zip(cuts, cuts[1:], strict=False):
            e0, r0 = _events_at(ctx, endpoint, cohort, k0)
            e1, r1 = _events_at(ctx, endpoint, cohort, k1)
            if not (r0 and r1):
                continue
            a, b = per_cut[k0], per_cut[k1]
            if min(a["ci_low"]["value_num"], b["ci_low"]["value_num"]) <= 0:
                continue
            w0 = math.log(a["ci_high"]["value_num"] / a["ci_low"]["value_num"])
            w1 = math.log(b["ci_high"]["value_num"] / b["ci_low"]["value_num"])
            rows = [a["ci_low"], a["ci_high"], b["ci_low"], b["ci_high"], *r0, *r1]
            ctx.see(rows)
            if w1 < w0 * 0.95 and e1 < e0:
                out.append(ctx.finding(
                    "questionable", f"{quantity} interval narrows while events fall",
                    f"The {quantity} CI narrows from {a['ci_low']['value']}-"
                    f"{a['ci_high']['value']} ({ctx.cut_name(k0)}, {e0} events) to "
                    f"{b['ci_low']['value']}-{b['ci_high']['value']} ({ctx.cut_name(k1)}, "
                    f"{e1} events): the width of a hazard ratio's interval shrinks with the "
                    "number of events (Schoenfeld 1983), not against it.", rows,
                    recomputation={"method": "log CI width against the number of events",
                                   "inputs": {"width": [round(w0, 4), round(w1, 4)],
                                              "events": [e0, e1]},
                                   "result": "narrower with fewer events"},
                    discriminator="width-events"))
    return out


# ----------------------------------------------------------------------- within one cut


def _cut_date(ctx: Context, cut: str, cohort: str) -> tuple[str, Row | None]:
    """The cut-off date of a cut: its key when a date, else a printed data_cutoff row."""
    if names.is_date(cut):
        return cut, None
    rows = [r for r in ctx.where(quantity="data_cutoff", data_cut=cut) if r["value"]
            and names.is_date(r["value"])]
    rows = [r for r in rows if r["cohort"] in (cohort, "")] or rows
    return (rows[0]["value"], rows[0]) if rows else ("", None)


def _within_cuts(ctx: Context) -> list[Finding]:
    """Median follow-up at most cut-off minus first enrolment; accrual ends by the cut-off."""
    out = []
    starts = [r for r in ctx.rows if r["quantity"] == "enrollment_start" and r["value"]
              and names.is_date(r["value"]) and not ctx.is_registry(r)]
    if not starts:
        return out
    for fu in [r for r in ctx.rows if r["quantity"] == "follow_up" and ctx.numeric(r)
               and r["statistic"] in ("median", "range_high") and not ctx.is_registry(r)]:
        date, date_row = _cut_date(ctx, fu["data_cut"], fu["cohort"])
        if not date:
            continue
        start = _first_enrolment(ctx, fu["cohort"], starts)
        # The earliest possible first enrolment and the latest possible cut-off within the
        # precision printed: a month or a year printed alone spans all of its days.
        span = _latest(date) - _earliest(start["value"])
        if span <= 0:
            continue
        rows = [fu, start] + ([date_row] if date_row else [])
        ctx.see(rows)
        low = (exact(fu["value"]) - half_unit(fu["value"])) * exact(
            str(names.TIME_UNIT_MONTHS.get(fu["unit"], 1.0)))
        rec = {"method": "follow-up <= data cut-off - first enrolment",
               "inputs": {"follow_up": fu["value"], "first_enrolment": start["value"],
                          "cut_off": date}, "result": f"at most {span:.1f} months possible"}
        if float(low) > span:
            out.append(ctx.finding(
                "inconsistent", f"{fu['statistic']} follow-up {fu['value']} {fu['unit']} "
                f"longer than possible ({span:.1f})",
                f"{quote(fu)} exceeds the {span:.1f} months from the first enrolment "
                f"({start['value']}) to the data cut-off ({date}); no patient can have been "
                "followed that long.", rows, recomputation=rec, nearest=f"<= {span:.1f} months",
                discriminator="follow-up-span", ruled_out=["rounding of the follow-up"]))
        else:
            out.append(ctx.finding(
                "consistent", f"follow-up {fu['value']} {fu['unit']} within the "
                f"{span:.1f} months since the first enrolment",
                f"{quote(fu)} fits between the first enrolment ({start['value']}) and the data "
                f"cut-off ({date}).", rows, recomputation=rec, discriminator="follow-up-span"))
    return out


def _first_enrolment(ctx: Context, cohort: str, starts: list[Row]) -> Row:
    """The earliest enrolment start of the cohort, else of a pool containing it, else any."""
    pools = [c.id for c in ctx.dossier.trial.cohorts if cohort in c.parts]
    for scope in ([cohort], pools):
        mine = [r for r in starts if r["cohort"] in scope]
        if mine:
            return min(mine, key=lambda r: r["value"])
    return min(starts, key=lambda r: r["value"])


def _earliest(date: str) -> float:
    parts = date.split("-")
    if len(parts) == 1:
        return names.date_months(f"{parts[0]}-01-01")
    if len(parts) == 2:
        return names.date_months(f"{date}-01")
    return names.date_months(date)


def _latest(date: str) -> float:
    parts = date.split("-")
    if len(parts) == 1:
        return names.date_months(f"{parts[0]}-12-31") + 1 / 30.4375
    if len(parts) == 2:
        return names.date_months(f"{date}-01") + 1.0
    return names.date_months(date) + 1 / 30.4375


CHECK = Check(
    "timeline", "1",
    "Across data cuts counts never fall, follow-up grows, reached medians stay reached; "
    "within a cut, follow-up fits the accrual and cut-off dates",
    "Kaplan & Meier 1958; Schemper & Smith 1996, Control Clin Trials 17:343",
    check_timeline,
)
