"""A subgroup's stated denominator against the subgroup's size in the baseline table.

Check ``subgroup-size``; reference: the counting identity that a subset of a group is no
larger than the group (a subgroup of an analysis set holds at most the patients the baseline
table gives that level of the characteristic in a set containing it).

A count printed for a subgroup that is a level of a baseline characteristic (``subgroup``
"Pathogen: organism X", the baseline row's ``category`` the same words) with its own
denominator ("2/6") counts patients of that level in one arm; the baseline table prints how
many patients of the arm have that level (3). Rule (issue 22, class "a denominator the row's
own subgroup cannot have", a clean and an error case in the planted corpus):

* same analysis set (both rows' ``population`` equal, empty meaning the randomized): a
  denominator above the baseline count is **inconsistent**;
* a different set, no larger than the baseline table's set in that arm by the sets' printed
  sizes (``analysed`` counts: a microbiologically evaluable set of 90 beside a clinically
  evaluable one of 100): **questionable**, the finding naming the assumption that the smaller
  set lies within the larger one, which the dossier does not state;
* never flagged: a denominator at most the baseline count (missing assessments only lower
  it), sets of unknown size, a row's set larger than the baseline table's, rows of other
  units (isolates, events), other arms, cohorts or data cuts.
"""

from __future__ import annotations

from trialrecon.checks.context import Check, Context, Row, quote
from trialrecon.checks.findings import Finding


def _set_size(ctx: Context, cohort: str, arm: str, population: str) -> Row | None:
    """The printed size of an analysis set in one arm: one value, else unknown."""
    quantity = "analysed" if population else "randomized"
    rows = [r for r in ctx.where(cohort=cohort, arm=arm, quantity=quantity)
            if r["statistic"] == "count" and not r["subgroup"] and ctx.numeric(r)
            and r["population"] == population and not ctx.is_registry(r)]
    if len({int(r["value_num"]) for r in rows}) != 1:
        return None
    return rows[0]


def _levels(ctx: Context) -> dict[tuple[str, str, str, str], list[Row]]:
    """Baseline counts of a characteristic's level, by cohort, arm, level and data cut."""
    out: dict[tuple[str, str, str, str], list[Row]] = {}
    for r in ctx.rows:
        if (r["statistic"] == "count" and r["category"] and r["arm"] and not r["subgroup"]
                and r["unit"] == "patients" and ctx.numeric(r) and not ctx.is_registry(r)
                and ctx.kind(r["quantity"]) == "characteristic"):
            key = (r["cohort"], r["arm"], r["category"], str(r["data_cut"] or ""))
            out.setdefault(key, []).append(r)
    return out


def check_subgroup_sizes(ctx: Context) -> list[Finding]:
    """Flag a subgroup's denominator above that subgroup's size in its baseline table."""
    levels = _levels(ctx)
    if not levels:
        return []
    out = []
    for r in ctx.rows:
        if not (r["statistic"] == "count" and r["subgroup"] and r["arm"]
                and r["unit"] == "patients" and str(r["denominator"]).isdigit()
                and ctx.kind(r["quantity"]) != "characteristic"):
            continue
        key = (r["cohort"], r["arm"], r["subgroup"], str(r["data_cut"] or ""))
        for b in levels.get(key, []):
            finding = _judge(ctx, r, b)
            if finding is not None:
                out.append(finding)
    return out


def _judge(ctx: Context, r: Row, b: Row) -> Finding | None:
    d, size = int(r["denominator"]), int(b["value_num"])
    ctx.see([r, b])
    rec = {"method": "subgroup denominator against the level's baseline count",
           "inputs": {"denominator": d, "baseline count": size},
           "result": f"{d} {'>' if d > size else '<='} {size}"}
    if d <= size:
        return ctx.finding("consistent", f"denominator {d} within the subgroup's {size}",
                           f"The denominator {d} of {quote(r)} is at most the {size} patients "
                           f"{b['location']} gives the subgroup {r['subgroup']}.", [r, b],
                           recomputation=rec)
    base = (f"{quote(r)} is a count of the subgroup {r['subgroup']} with the denominator {d}, "
            f"but {b['location']} gives {size} patients of that level in the {r['arm']} arm")
    if r["population"] == b["population"]:
        return ctx.finding("inconsistent", f"denominator {d} exceeds the subgroup's {size}",
                           base + " in the same analysis set.", [r, b], recomputation=rec)
    own = _set_size(ctx, r["cohort"], r["arm"], r["population"])
    wider = _set_size(ctx, b["cohort"], b["arm"], b["population"])
    if own is None or wider is None or int(own["value_num"]) > int(wider["value_num"]):
        ctx.skip("subgroup denominator of another analysis set of unknown or larger size")
        return None
    return ctx.finding(
        "questionable", f"denominator {d} exceeds the subgroup's {size}",
        base + f" in the {b['population'] or 'randomized'} set ({wider['value']} patients); "
        f"the row's {r['population'] or 'randomized'} set ({own['value']}) is no larger, and "
        "if it lies within that set (the dossier does not state it) the subgroup has at most "
        f"{size} patients there.", [r, b, own, wider], recomputation=rec)


CHECK = Check(
    "subgroup-size", "1",
    "A subgroup's denominator within the subgroup's baseline size",
    "counting identity: a subset is no larger than its set",
    check_subgroup_sizes,
)
