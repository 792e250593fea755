"""One statement of both arms that quotes each arm from a different analysis set.

Check ``mixed-sets``; reference: CONSORT 2010 (Moher et al., BMJ 2010;340:c869), item 16: each
result is given for a stated analysis set, the same for the groups it compares.

A sentence or table cell that gives a summary for each arm without naming its analysis set
(``population`` empty: an Abstract's "30 (25 to 36) vs 40 (35 to 52) mg") quotes one set,
the same for every arm. When the dossier prints that summary for several analysis sets (an
ITT row and a per-protocol row of one table), each arm's statistics are matched against each
set: a set matches an arm when it prints every statistic the statement gives for that arm and
each agrees within rounding.

Rule (issue 22, class "a statement that mixes analysis sets", a clean and an error case in the
planted corpus): inconsistent when every arm matches some set but no set matches every arm,
and each matching set is printed for the other arms too (so it is a real alternative that
disagrees there): whichever set the statement means, one arm's numbers are not that set's.
Consistent (a finding that says which set) when one set matches every arm.
Never flagged: a statement whose arms all agree with one set (whatever others say), an arm
that agrees with no set (the same-quantity check's question), sets printed for one arm only,
rows with a comparator (``<``), design and external quantities, registry rows, and different
data cuts.
"""

from __future__ import annotations

from collections import defaultdict

from trialrecon.checks.context import (
    SKIP_KINDS,
    Check,
    Context,
    Row,
    group_by,
    interval_of,
)
from trialrecon.checks.findings import Finding

# One statement: the place and what it describes, every arm together.
_PLACE = ("source", "location", "row", "cohort", "versus", "subgroup", "quantity", "category",
          "data_cut", "sided", "hypothesis", "adjustment", "test")
# One value of one arm, whatever the analysis set.
_VALUE = ("cohort", "arm", "versus", "subgroup", "quantity", "category", "statistic", "unit",
          "level", "data_cut", "sided", "hypothesis", "adjustment", "test")

ArmSets = dict[str, dict[str, list[Row]]]  # arm -> population -> matched rows


def _eligible(ctx: Context, r: Row) -> bool:
    return (ctx.numeric(r) and bool(r["arm"]) and not r["comparator"]
            and not ctx.is_registry(r) and ctx.kind(r["quantity"]) not in SKIP_KINDS)


def _printed(ctx: Context) -> dict[tuple[str, ...], dict[str, list[Row]]]:
    """Rows that name their analysis set, by value key, then by set."""
    out: dict[tuple[str, ...], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in ctx.rows:
        if r["population"] and _eligible(ctx, r):
            out[tuple(r[c] for c in _VALUE)][r["population"]].append(r)
    return out


def _sets_of_arm(rows: list[Row], printed: dict[tuple[str, ...], dict[str, list[Row]]]
                 ) -> tuple[set[str], dict[str, list[Row]], set[str]]:
    """The sets printing every statistic of ``rows`` (one arm), those agreeing, their rows."""
    printed_sets: set[str] | None = None
    agreeing: set[str] | None = None
    used: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_set = printed.get(tuple(r[c] for c in _VALUE), {})
        here = set(by_set)
        ok = set()
        for pop, cands in by_set.items():
            hit = [c for c in cands if interval_of(c).overlaps(interval_of(r))]
            if hit:
                ok.add(pop)
                used[pop].append(hit[0])
            else:
                used[pop].append(cands[0])
        printed_sets = here if printed_sets is None else printed_sets & here
        agreeing = ok if agreeing is None else agreeing & ok
    return printed_sets or set(), used, agreeing or set()


def check_mixed_sets(ctx: Context) -> list[Finding]:
    """Flag a statement whose arms reproduce different analysis sets and no common one."""
    printed = _printed(ctx)
    if not printed:
        return []
    out = []
    loose = [r for r in ctx.rows if not r["population"] and _eligible(ctx, r)]
    for _place, rows in sorted(group_by(loose, _PLACE).items()):
        arms = group_by(rows, ("arm",))
        if len(arms) < 2:
            continue
        info = {arm: _sets_of_arm(arm_rows, printed) for (arm,), arm_rows in arms.items()}
        common = set.intersection(*(p for p, _, _ in info.values()))
        if len(common) < 2 or any(not (a & common) for _, _, a in info.values()):
            continue
        ctx.see(rows)
        shared = set.intersection(*(a & common for _, _, a in info.values()))
        out.append(_consistent(ctx, arms, info, sorted(shared)) if shared
                   else _finding(ctx, arms, info, common))
    return out


def _values(arm_rows: list[Row]) -> str:
    unit = arm_rows[0]["unit"]
    return ", ".join(f"{r['statistic']} {r['value']}" for r in arm_rows) + \
        (f" {unit}" if unit not in ("", "percent") else "")


def _consistent(ctx: Context, arms: dict[tuple[str, ...], list[Row]],
                info: dict[str, tuple[set[str], dict[str, list[Row]], set[str]]],
                shared: list[str]) -> Finding:
    quoted = [r for (arm,), arm_rows in sorted(arms.items())
              for r in arm_rows + info[arm][1][shared[0]]]
    first = arms[sorted(arms)[0]][0]
    return ctx.finding(
        "consistent", f"every arm is the {' or '.join(shared)} set's",
        f"{first['location']} gives {first['category'] or first['quantity']} for each arm "
        f"without naming the analysis set; every arm's values are the "
        f"{' or '.join(shared)} set's.", quoted)


def _finding(ctx: Context, arms: dict[tuple[str, ...], list[Row]],
             info: dict[str, tuple[set[str], dict[str, list[Row]], set[str]]],
             common: set[str]) -> Finding:
    parts, quoted = [], []
    for (arm,), arm_rows in sorted(arms.items()):
        _, used, agreeing = info[arm]
        sets = sorted(agreeing & common)
        parts.append(f"{arm} {_values(arm_rows)} is the {' or '.join(sets)} set's")
        quoted.extend(arm_rows)
        for pop in sorted(common):
            quoted.extend(used[pop])
    against = []
    for pop in sorted(common):
        wrong = sorted(arm for arm, (_, _, a) in info.items() if pop not in a)
        against.append(f"as the {pop} set, {' and '.join(wrong)} disagrees")
    first = arms[sorted(arms)[0]][0]
    return ctx.finding(
        "inconsistent", "one statement quotes each arm from a different analysis set",
        f"{first['location']} gives {first['category'] or first['quantity']} for each arm "
        f"without naming the "
        f"analysis set; " + "; ".join(parts) + ". No printed set gives every arm's values ("
        + "; ".join(against) + ").", quoted,
        recomputation={"method": "match of each arm's statistics to each printed analysis set",
                       "inputs": {"sets": sorted(common)},
                       "result": "; ".join(parts)},
        ruled_out=[f"the {pop} set for every arm" for pop in sorted(common)])


CHECK = Check(
    "mixed-sets", "1",
    "A statement of both arms quotes one analysis set",
    "CONSORT 2010 (Moher et al., BMJ 2010;340:c869), item 16",
    check_mixed_sets,
)
