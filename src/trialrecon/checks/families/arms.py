"""Arms and populations add up: arms to the total, events to their total, subsets to sets.

Check ``arms``; reference: CONSORT 2010 flow diagram items (Schulz, Altman & Moher 2010,
BMJ 340:c332): the numbers randomized to each arm sum to the number randomized, and every
later population (treated, analysed, with an event, crossed over) is a subset of its arm.

Within one source, data cut and, where possible, one place in it:

* the per-arm counts of a population (randomized, enrolled, treated, ...) and of events sum
  to the total printed for the cohort (arm empty);
* treated (or the safety population) is at most randomized, per arm;
* crossovers are at most the comparator arm they cross from;
* events are at most the patients of their arm;
* the per-arm counts of one outcome or adverse event (its category) printed in one passage of
  text sum to its count for all patients printed there ("12 infant deaths: 1 in one group, 2
  in the other" is inconsistent); a table's total column is the ``ranges-pooled`` check's.

Counts are whole numbers, so every comparison is exact.

Rules (issue 22): counts add up only within one unit and analysis set (406 + 393 infants
analysed are not the 787 women randomized: ``population`` and ``unit`` are part of the place);
a pooled arm of every arm (a "Total" column) is the total.

**Treated and never treated** (CONSORT: randomized = treated + not treated): the arms'
treated counts printed at one place, plus the randomized patients the same source counts as
never treated (a total over every arm), are at most the arms' randomized counts together
("1161 received tranexamic acid and 1164 placebo" of 1161 + 1164 randomized, while 15
received no treatment: inconsistent).
"""

from __future__ import annotations

from collections import defaultdict

from trialrecon.checks.context import Check, Context, NotApplicable, Row, quote
from trialrecon.checks.findings import Finding

SUBSETS = (("treated", "randomized"), ("safety_population", "randomized"),
           ("evaluable_response", "randomized"), ("treated", "enrolled"),
           ("safety_population", "enrolled"), ("evaluable_response", "enrolled"))
# Counts of one analysis set and unit at one source and data cut add up (406 + 393 infants
# are not the 787 women randomized).
PLACE = ("source", "data_cut", "population", "unit")


def _counts(ctx: Context, quantity: str) -> list[Row]:
    return [r for r in ctx.where(quantity=quantity, statistic="count", subgroup="",
                                 category="") if ctx.numeric(r) and not ctx.is_registry(r)]


def check_arms(ctx: Context) -> list[Finding]:
    """Per-arm counts against totals, and subsets against their sets (see the module)."""
    arms = [a.id for a in ctx.dossier.trial.arms]
    if len(arms) < 2:
        raise NotApplicable("needs a trial with two or more arms")
    out: list[Finding] = []
    additive = [q for q, d in ctx.vocab.quantities.items()
                if d.get("population") or d.get("events_of")]
    for q in additive:
        out += _arms_sum(ctx, _counts(ctx, q), arms)
    for small, big in SUBSETS:
        out += _at_most(ctx, _counts(ctx, small), _counts(ctx, big), "per arm")
    out += _crossover(ctx)
    for group in _outcome_places(ctx, set(additive)).values():
        out += _arms_sum(ctx, group, arms)
    out += _treated_and_not(ctx, arms)
    for q, d in ctx.vocab.quantities.items():
        if d.get("events_of"):
            out += _at_most(ctx, _counts(ctx, q), _counts(ctx, "randomized")
                            or _counts(ctx, "enrolled"), "events of an arm")
    return out


def _outcome_places(ctx: Context, additive: set[str]) -> dict[tuple[str, ...], list[Row]]:
    """Counts of one outcome or safety event (its category) printed in one passage of text per
    arm and for all patients: the arms' counts are parts of the total (a table's total column
    is the ``ranges-pooled`` check's)."""
    out: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in ctx.rows:
        if (r["statistic"] == "count" and r["quantity"] not in additive and ctx.numeric(r)
                and ctx.kind(r["quantity"]) in ("outcome", "safety")
                and (r["comparator"] or "=") == "=" and not ctx.is_registry(r)
                and not r["row"] and not r["column"]):  # a table's total column: ranges-pooled
            out[tuple(str(r.get(c) or "") for c in ("location", "subgroup", "quantity",
                                                    "category"))].append(r)
    return out


def _treated_and_not(ctx: Context, arms: list[str]) -> list[Finding]:
    """Arms' treated counts of one place plus the never treated of every arm, against the
    arms' randomized counts (see the module docstring)."""
    real = [a.id for a in ctx.dossier.trial.arms if not a.parts]
    whole = {"", *(a.id for a in ctx.dossier.trial.pooled_arms if set(a.parts) == set(real))}
    out = []
    for key, treated in _places(_counts(ctx, "treated")).items():
        cohort, source, cut = key[0], key[1], key[2]
        by_loc: dict[str, dict[str, Row]] = defaultdict(dict)
        for r in treated:
            by_loc[r["location"]].setdefault(r["arm"], r)
        rand: dict[str, Row] = {}
        for r in sorted(_counts(ctx, "randomized"), key=lambda r: str(r["id"])):
            if (r["cohort"] == cohort and r["source"] == source and r["data_cut"] == cut
                    and r["arm"] in real):
                rand.setdefault(r["arm"], r)  # the first by id: the same rows every run
        nts = sorted((r for r in _counts(ctx, "not_treated") if r["cohort"] == cohort
                      and r["source"] == source and r["data_cut"] == cut and r["arm"] in whole),
                     key=lambda r: str(r["id"]))
        if set(rand) != set(real) or not nts:
            continue
        for per_arm in by_loc.values():
            if set(per_arm) != set(real):
                continue
            rows = [*per_arm.values(), nts[0], *rand.values()]
            ctx.see(rows)
            t = sum(int(r["value_num"]) for r in per_arm.values())
            nt, n = int(nts[0]["value_num"]), sum(int(r["value_num"]) for r in rand.values())
            rec = {"method": "treated + never treated <= randomized (CONSORT)",
                   "inputs": {"treated": t, "not treated": nt, "randomized": n},
                   "result": f"{t} + {nt} = {t + nt} against {n}"}
            if t + nt <= n:
                out.append(ctx.finding("consistent", f"treated {t} + not treated {nt} <= {n}",
                                       f"The arms' treated ({t}) and the {nt} never treated "
                                       f"fit within the {n} randomized.", rows,
                                       recomputation=rec))
                continue
            treated_text = " and ".join(quote(r) for r in per_arm.values())
            out.append(ctx.finding(
                "inconsistent", f"treated {t} + not treated {nt} above randomized {n}",
                f"{treated_text} received treatment and {quote(nts[0])} received none: "
                f"{t} + {nt} = {t + nt}, more than the {n} randomized.", rows,
                recomputation=rec, ruled_out=["another data cut (one source and cut)"]))
    return out


def _places(rows: list[Row]) -> dict[tuple[str, ...], list[Row]]:
    out: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in rows:
        out[(r["cohort"], *(str(r.get(c) or "") for c in PLACE))].append(r)
    return out


def _arms_sum(ctx: Context, rows: list[Row], arms: list[str]) -> list[Finding]:
    out = []
    # a pooled arm of every arm (a "Total" column) is the total
    whole = {a.id for a in ctx.dossier.trial.pooled_arms if set(a.parts) == set(arms)}
    for group in _places(rows).values():
        totals = [r for r in group if not r["arm"] or r["arm"] in whole]
        per_arm: dict[str, Row] = {}
        for r in sorted(group, key=lambda r: (r["location"] != (totals[0]["location"]
                                                                 if totals else ""))):
            if r["arm"]:
                per_arm.setdefault(r["arm"], r)
        if not totals or set(per_arm) != set(arms):
            continue
        parts = [per_arm[a] for a in arms]
        s = sum(int(r["value_num"]) for r in parts)
        for tot in {int(t["value_num"]): t for t in totals}.values():
            rows = [tot, *parts]
            ctx.see(rows)
            q = tot["quantity"].replace("_", " ")
            terms = " + ".join(f"{int(r['value_num'])} ({r['arm']})" for r in parts)
            rec = {"method": "sum of the arms against the total",
                   "inputs": {r["id"]: r["value"] for r in rows}, "result": f"sum {s}"}
            if s == int(tot["value_num"]):
                out.append(ctx.finding("consistent", f"{q}: arms sum to {s}",
                                       f"The arms' {q} {terms} = {s}, the total {quote(tot)}.",
                                       rows, recomputation=rec, discriminator="arm-sum"))
            else:
                out.append(ctx.finding(
                    "inconsistent", f"{q}: arms sum to {s}, total {tot['value']}",
                    f"The arms' {q} {terms} = {s}, but the total is {quote(tot)}.", rows,
                    recomputation=rec, nearest=str(s), discriminator="arm-sum",
                    ruled_out=["rounding (whole counts)"]))
    return out


def _at_most(ctx: Context, smalls: list[Row], bigs: list[Row], how: str) -> list[Finding]:
    out = []
    big_at: dict[tuple[str, ...], Row] = {}
    for r in bigs:
        big_at.setdefault((r["cohort"], r["arm"], r["source"], r["data_cut"]), r)
        big_at.setdefault((r["cohort"], r["arm"], "", r["data_cut"]), r)
    for s in smalls:
        b = big_at.get((s["cohort"], s["arm"], s["source"], s["data_cut"])) or big_at.get(
            (s["cohort"], s["arm"], "", s["data_cut"]))
        if b is None or b["id"] == s["id"]:
            continue
        ctx.see([s, b])
        rec = {"method": f"{s['quantity']} <= {b['quantity']} ({how})",
               "inputs": {s["id"]: s["value"], b["id"]: b["value"]}}
        ok = s["value_num"] <= b["value_num"]
        rec["result"] = "within" if ok else "above"
        where = s["arm"] or s["cohort"]
        if ok:
            out.append(ctx.finding(
                "consistent", f"{s['quantity']} {s['value']} <= {b['quantity']} {b['value']}",
                f"In {where}, {quote(s)} does not exceed {quote(b)}.", [s, b],
                recomputation=rec, discriminator=f"subset:{b['quantity']}"))
        else:
            out.append(ctx.finding(
                "inconsistent", f"{s['quantity']} {s['value']} above {b['quantity']} "
                f"{b['value']}", f"In {where}, {quote(s)} exceeds {quote(b)}: a subset "
                "cannot be larger than its set.", [s, b], recomputation=rec,
                nearest=f"<= {b['value']}", discriminator=f"subset:{b['quantity']}",
                ruled_out=["rounding (whole counts)"]))
    return out


def _crossover(ctx: Context) -> list[Finding]:
    comparators = {a.id for a in ctx.dossier.trial.arms if a.role == "comparator"}
    cross = [r for r in _counts(ctx, "crossover") if r["arm"] in comparators]
    if not cross:
        return []
    return _at_most(ctx, cross, _counts(ctx, "randomized") or _counts(ctx, "enrolled"),
                    "crossover from the comparator arm")


CHECK = Check(
    "arms", "1",
    "Arms sum to the total randomized, events to the total events; treated, crossover and "
    "events within their arms",
    "CONSORT 2010 flow diagram (Schulz, Altman & Moher 2010, BMJ 340:c332)",
    check_arms,
)
