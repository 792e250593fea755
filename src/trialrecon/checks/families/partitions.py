"""Categories of a partition sum to their total; their percentages to 100.

Check ``partitions``; reference: arithmetic of partitions.

A partition is a quantity the vocabulary marks ``partition_of`` a population (response
categories, strata with their missing, primary sites, the levels of one characteristic of a
table column), per source, place, cohort and arm; and the levels of a subgroup family
(``<parent> / <family> <level>``). Rules that keep lists that are not partitions apart
(issue 22; each has a clean and an error case in the planted corpus):

* **the table's own population first**: the categories sum to the row's stated denominator
  (a column header's n) or the analysis set its ``population`` names before the population
  the vocabulary names (the treated patients a table describes, not the enrolled);
* **a list without "Other"** (nor a missing category) that falls short of its total is not
  a sum error: the paper may list only some categories (adverse biochemical factors, a
  partial breakdown such as "1 CR and 6 PR" in a sentence). A list that has "Other" or a
  missing category claims every patient: a shortfall is questionable with "Other" only (a
  missing category may be unlisted), inconsistent with a missing category; a sum above the
  total is inconsistent either way;
* **missing data in a footnote** ("not reported: 6 and 3") of the same table, for the same
  quantity, cohort and arm, is added to the sum, and the listed percentages then sum to the
  listed share (100 x (n - missing) / n), not to 100; a footnote's missing count over all
  arms together ("missing for one participant") holds an arm's shortfall up to that many
  (consistent), never more;
* **a list that is complete in the other columns**: a list without "Other" or missing that
  falls short of its column's n while the same levels of the same characteristic in another
  column of the table sum exactly to that column's n is meant to hold every patient: the
  shortfall is questionable (a level left out of one column only), not a partial list;
* **a best response with its not-evaluable level** (CR, PR, SD, PD and NE) claims every
  patient like a list with a missing category: a shortfall is inconsistent, unless the list
  sums to the population the vocabulary names for it (the evaluable patients, counted in the
  same place) while the column header's n is larger;
* **nested categories** (codons within KRAS-mutant, exon 19 within EGFR-positive): a
  characteristic named after a level of another (``EGFR mutation positive`` after
  ``EGFR mutation: Positive``) sums to that level's count, not to the column's n; a list
  whose sum is exactly the count of a level of another characteristic of the column is a
  breakdown of that level; a level of the same list whose words begin with another level's
  words (``FGFR2 fusion with BICC1 partner`` after ``FGFR2 fusion``, at most its count; not
  levels of numbers only, such as ``0`` and ``0-1``), or whose table row is printed under
  that level (``Alteration / FGFR2 fusion / BICC1 partner``), is that level's breakdown and
  is left out of the sum and of the percentages;
* **a category stated twice** in one place (a percentage repeated in one section) counts
  once; a list in which one category's count is the sum of the others is that category with
  its breakdown, not a partition;
* **one characteristic under two outer headings** (the levels of ``Lower tumour: stage 2`` in a
  staging block, then ``Lower tumour: resection`` in a surgery block of the same table: the
  stub's group heading, the part of ``row`` before the characteristic and its level, differs)
  are two lists, each summed on its own, never one; a level whose own stub states a format
  (``Ovarian cyst, n (%)`` under a characteristic's levels) is a characteristic of its own
  that the layout left under the heading, not one of its levels;
* **one-row yes/no characteristics** (``Hypertension``, ``Current smoker``: a stub with no
  ``Characteristic: level`` form, data dictionary category step 3) are each a characteristic
  of their own, not levels of one: a column of them is no partition, whatever its sum;
* **cumulative levels** bounded on the same side (``Onset: <=3`` and ``Onset: <=4.5`` hours)
  nest one in the other, so they are not summed; levels bounded on opposite sides
  (``<=3`` and ``>3``) still are;
* **levels a patient can share** (organs involved, sites of metastasis, prior therapies): a
  list of three or more levels whose counts exceed the total while every level's printed
  percentage is its count over that total (within one unit of its last digit), and the
  percentages too exceed 100 beyond their rounding, counts each level over all the patients:
  a multi-response list, not a partition.
  A slip in one count breaks its own percentage and is still flagged, as is a two-level list
  (``Sex: male / female``) and a list with a missing level (``EGFR: positive / negative / not
  evaluable``: a status, one per patient), which a patient cannot share;
* **a cumulative level of an ordinal scale** (``mRS >3``) against the scale's single levels
  printed beside it (``mRS 4`` + ``mRS 5`` + ``mRS 6``): fewer than they sum to, or exactly
  the sum with the boundary level included, is inconsistent (:mod:`trialrecon.checks.
  cumulative`);
* **subgroup levels whose denominators add up to the overall row's** split its patients, so
  their counts add up to its count; **a table row printed under a row of its own count**
  counts a subset of it (:mod:`trialrecon.checks.nested`);
* percentages sum to 100 within the sum of their half units; percentages of a list that is
  not complete (its counts fall short) are not summed against 100.
"""

from __future__ import annotations

import re
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
    other_like,
    quote,
)
from trialrecon.checks.cumulative import cumulative_levels
from trialrecon.checks.denominators import POPULATION_QUANTITIES
from trialrecon.checks.findings import Finding
from trialrecon.checks.nested import nested_rows, subgroup_levels
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


PLACE = ("source", "location", "column", "cohort", "arm", "subgroup", "quantity",
         "_characteristic", "_block", "data_cut")


# The format a stub prints after a characteristic's name: ", n (%)", "mean (SD)", "(%)".
_FORMAT_SUFFIX = re.compile(r"(?:,\s*|\s+)(?:n\s*\(%\)|no\.\s*\(%\)|\(%\)|n/N\s*\(%\)|"
                            r"(?:mean|median)\s*\([^)]*\))\s*$", re.IGNORECASE)


def _own_format(row: Row) -> bool:
    """A level whose own stub states a format ("Cyst over 25 mm, n (%)") heads its own
    numbers: a characteristic of its own printed after the levels, not one of them."""
    parts = str(row.get("row") or "").split(" / ")
    return len(parts) >= 2 and bool(_FORMAT_SUFFIX.search(parts[-1]))


def _block(row: Row) -> str:
    """The outer heading of a table row, the part of ``row`` before its characteristic and
    level (``Staging`` of ``Staging / Lower tumour / 2a``); empty for a shorter label."""
    parts = [p.strip().lower() for p in str(row.get("row") or "").split(" / ")]
    return " / ".join(parts[:-2]) if len(parts) >= 3 else ""


def check_partitions(ctx: Context) -> list[Finding]:
    """Categories of a partition sum to their total, and their percentages to 100 (see the
    module docstring for what is not a partition)."""
    out = []
    parts = [{**r, "_characteristic": _characteristic(ctx, r), "_block": _block(r)}
             for r in ctx.rows
             if ctx.partition_of(r["quantity"]) and ctx.numeric(r) and not _own_format(r)]
    for group in group_by(parts, PLACE).values():
        if _yes_no_items(ctx, group[0]):
            ctx.skip("one-row yes/no characteristics (each its own characteristic)")
            continue
        counts = _without_sublevels(_once(r for r in group if r["statistic"] == "count"))
        pcts = _without_sublevels(_once(r for r in group if r["statistic"] == "percent"))
        if _cumulative(counts) or _cumulative(pcts):
            ctx.skip("cumulative levels bounded on the same side (nested, not a partition)")
            continue
        status = "complete"
        if len(counts) >= 2:
            found, status = _count_partition(ctx, counts, pcts)
            out.extend(found)
        elif len(pcts) >= 2 and _nested_parent(ctx, pcts)[0] is not None:
            status = "nested"
        if len(pcts) >= 2 and status == "complete":
            extra = _footnote_missing(ctx, counts) if counts else []
            f = _percent_partition(ctx, pcts, [*counts, *extra])
            if f:
                out.append(f)
        elif len(pcts) >= 2:
            ctx.skip("percentages of a partial list or of a nested breakdown (not of 100)")
    out.extend(_subgroup_partitions(ctx))
    out.extend(cumulative_levels(ctx))
    out.extend(subgroup_levels(ctx))
    out.extend(nested_rows(ctx))
    return out


def _once(rows) -> list[Row]:
    """One row per category: a category stated twice in one place is one statement."""
    seen: dict[str, Row] = {}
    for r in rows:
        seen.setdefault(str(r["category"]).strip().lower(), r)
    return list(seen.values())


def _characteristic(ctx: Context, row: Row) -> str:
    """``Region`` of ``Region: Europe`` for a quantity partitioned by characteristic."""
    if ctx.vocab.attribute(row["quantity"], "partition_by") != "characteristic":
        return ""
    return row["category"].split(":", 1)[0].strip().lower() if ":" in row["category"] else ""


def _yes_no_items(ctx: Context, row: Row) -> bool:
    """Rows of a characteristic-partitioned quantity without ``Characteristic: level``: each is
    a yes/no characteristic printed as its own row, so the group is no partition."""
    return (ctx.vocab.attribute(row["quantity"], "partition_by") == "characteristic"
            and not row["_characteristic"])


_UPPER = ("\u2264", "<")  # <= 3, < 3
_LOWER = ("\u2265", ">")  # >= 3, > 3


def _cumulative(rows: list[Row]) -> bool:
    """Two levels bounded on the same side (``<=3`` and ``<=4.5``): one contains the other."""
    sides = []
    for r in rows:
        level = str(r["category"]).split(":", 1)[-1].strip()
        sides.append("upper" if level.startswith(_UPPER) else
                     "lower" if level.startswith(_LOWER) else "")
    return sides.count("upper") >= 2 or sides.count("lower") >= 2


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _nested_parent(ctx: Context, counts: list[Row]) -> tuple[Row | None, str]:
    """The count of the level a nested characteristic breaks down, and how it was found.

    ``EGFR mutation positive: Exon19 del`` is nested in ``EGFR mutation: Positive``: the
    characteristic's words are another characteristic's followed by one of its levels.
    """
    ref = counts[0]
    name = ref["_characteristic"] if "_characteristic" in ref else _characteristic(ctx, ref)
    if not name:
        return None, ""
    mine = _words(name)
    cands = [r for r in ctx.where(quantity=ref["quantity"], statistic="count",
                                  source=ref["source"], cohort=ref["cohort"], arm=ref["arm"],
                                  subgroup=ref["subgroup"])
             if ctx.numeric(r) and ":" in r["category"] and r["data_cut"] == ref["data_cut"]]
    for r in sorted(cands, key=lambda r: r["location"] != ref["location"]):
        parent, level = (x.strip() for x in r["category"].split(":", 1))
        if parent.lower() == name:
            continue
        if mine in (_words(parent) + _words(level), _words(level) + _words(parent),
                    _words(level)):
            return r, "named after the level"
    total = sum(int(r["value_num"]) for r in counts)
    for r in cands:  # only asked when the list misses its column's n
        if (r["location"] == ref["location"] and int(r["value_num"]) == total
                and r["category"].split(":", 1)[0].strip().lower() != name):
            return r, "the sum of a level of another characteristic"
    return None, ""


def _without_sublevels(counts: list[Row]) -> list[Row]:
    """The list without the levels that break down another level of it: ``FGFR2 fusion
    with BICC1 partner`` (7) within ``FGFR2 fusion`` (18). A level nests in another when its
    words begin with all of the other's words, the other has a word that is not a number, or
    its table row is printed under the other level (row ``Alteration / FGFR2 fusion / BICC1
    partner``); and its value (count or percentage) is at most the other's."""
    words = {r["id"]: _words(_level(r)) for r in counts}
    keep = []
    for r in counts:
        mine = words[r["id"]]
        path = [_words(x) for x in str(r.get("row") or "").split(" / ")]
        parent = next((o for o in counts if o["id"] != r["id"]
                       and ((len(words[o["id"]]) < len(mine)
                             and mine[:len(words[o["id"]])] == words[o["id"]]
                             and any(not w.isdigit() for w in words[o["id"]]))
                            or (len(path) >= 2 and path[-2] == words[o["id"]]))
                       and r["value_num"] <= o["value_num"]), None)
        if parent is None:
            keep.append(r)
    return keep


def _complete_elsewhere(ctx: Context, counts: list[Row]) -> list[Row]:
    """The same levels in another column (arm) of the same table, summing exactly to that
    column's n: the rows of that list and its total, or [] when no column does."""
    ref = counts[0]
    mine = {str(r["category"]).strip().lower() for r in counts}
    others = [r for r in ctx.where(quantity=ref["quantity"], statistic="count",
                                   source=ref["source"], location=ref["location"],
                                   cohort=ref["cohort"], subgroup=ref["subgroup"])
              if r["arm"] != ref["arm"] and ctx.numeric(r) and r["data_cut"] == ref["data_cut"]]
    for _, rows in sorted(group_by(others, ("arm",)).items()):
        rows = _once(rows)
        if {str(r["category"]).strip().lower() for r in rows} != mine:
            continue
        s = sum(int(r["value_num"]) for r in rows)
        tot = next((t for t in _total_candidates(ctx, rows[0], ctx.partition_of(
            ref["quantity"])) if int(t["value_num"]) == s), None)
        if tot is not None:
            return [*rows, tot] if tot["quantity"] != "stated denominator" else rows
    return []


def _breakdown(counts: list[Row]) -> bool:
    """One category's count is the sum of the others: a category and its breakdown ("Other
    6: exon 18 3, exon 20 3" in a footnote), not a partition."""
    values = [int(r["value_num"]) for r in counts]
    return len(values) >= 3 and any(2 * v == sum(values) for v in values)


def _footnote_missing(ctx: Context, counts: list[Row]) -> list[Row]:
    """Missing-data counts printed in a footnote of the same table (same quantity and arm)."""
    ref = counts[0]
    have = {r["id"] for r in counts}
    name = ref.get("_characteristic", "")
    prefix = f"{ref['location']} "
    out = []
    for r in ctx.where(quantity=ref["quantity"], statistic="count", source=ref["source"],
                       cohort=ref["cohort"], arm=ref["arm"], subgroup=ref["subgroup"]):
        if (r["id"] not in have and ctx.numeric(r) and missing_like(r["category"])
                and str(r["location"]).startswith(prefix) and r["data_cut"] == ref["data_cut"]
                and _characteristic(ctx, r) == name):
            out.append(r)
    return _once(out)


def _pooled_missing(ctx: Context, counts: list[Row]) -> list[Row]:
    """Missing-data counts a note of the same table gives for all arms together (arm empty or
    a pooled arm of every arm): an arm's shortfall up to that many is accounted for."""
    ref = counts[0]
    if not ref["arm"]:
        return []
    real = {a.id for a in ctx.dossier.trial.arms if not a.parts}
    whole = {"", *(a.id for a in ctx.dossier.trial.pooled_arms if set(a.parts) == real)}
    name = ref.get("_characteristic", "")
    prefix = f"{ref['location']} "
    out = [r for r in ctx.where(quantity=ref["quantity"], statistic="count",
                                source=ref["source"], cohort=ref["cohort"],
                                subgroup=ref["subgroup"])
           if r["arm"] in whole and ctx.numeric(r) and missing_like(r["category"])
           and str(r["location"]).startswith(prefix) and r["data_cut"] == ref["data_cut"]
           and _characteristic(ctx, r) == name]
    return _once(out)


def _total_candidates(ctx: Context, ref: Row, quantity: str) -> list[Row]:
    """Count rows the partition should sum to: the table's own population first.

    The row's stated denominator (a column header's n), then a count of the analysis set its
    ``population`` names, then ``quantity``: the population the vocabulary names, or for a
    characteristic of a table column any population count of the same cohort and arm;
    nearest place first.
    """
    if not is_nan(ref["denominator_num"]):
        return [{**ref, "quantity": "stated denominator", "value": ref["denominator"],
                 "value_num": ref["denominator_num"], "statistic": "count"}]
    pops = set(ctx.vocab.populations())
    pop = str(ref.get("population") or "")
    rows = [r for r in ctx.where(cohort=ref["cohort"], arm=ref["arm"], subgroup=ref["subgroup"],
                                 statistic="count")
            if r["quantity"] in pops and ctx.numeric(r)
            and ctx.is_registry(r) == ctx.is_registry(ref)]
    if pop:
        own = [r for r in rows if r.get("population") == pop
               or r["quantity"] in POPULATION_QUANTITIES.get(pop, ())]
        if own:
            rows = own
        elif quantity != "population":
            rows = [r for r in rows if r["quantity"] == quantity]
    elif quantity != "population":
        rows = [r for r in rows if r["quantity"] == quantity]
    for scope in (("source", "location"), ("source",), ()):
        local = [r for r in rows if all(r[c] == ref[c] for c in scope)]
        if local:
            return local
    return []


# Levels of a status that a patient without a result takes: the status is one per patient.
NOT_ASSESSABLE = frozenset({"not evaluable", "not evaluated", "ne", "indeterminate",
                            "inconclusive", "unclassified", "equivocal", "not determined"})


def _level(row: Row) -> str:
    return str(row["category"]).split(":", 1)[-1].strip().lower()


def _multi_response(counts: list[Row], pcts: list[Row], total: int) -> bool:
    """Three or more levels above their total, each printed as its count over that total, whose
    percentages also exceed 100 beyond rounding: levels a patient can share."""
    if len(counts) < 3 or total <= 0 or sum(int(r["value_num"]) for r in counts) <= total:
        return False
    if any(missing_like(r["category"]) or _level(r) in NOT_ASSESSABLE for r in counts):
        return False  # a status with its missing level (not evaluable): one per patient
    by_cat = {str(r["category"]).strip().lower(): r for r in pcts}
    slack = 0.0
    for r in counts:
        pct = by_cat.get(str(r["category"]).strip().lower())
        if pct is None:
            return False
        half = float(half_unit(str(pct["value"])))
        # within one unit of the last digit: a rounding slip of one level (flagged by the
        # percentages check) does not make the list a partition
        if abs(100 * int(r["value_num"]) / total - float(pct["value_num"])) > 2 * half + 1e-9:
            return False  # this level's count is not its percentage of the total: a slip
        slack += half
    return sum(float(by_cat[str(r["category"]).strip().lower()]["value_num"])
               for r in counts) > 100 + slack


def _count_partition(ctx: Context, counts: list[Row], pcts: list[Row] | None = None
                     ) -> tuple[list[Finding], str]:
    """The categories' sum against the total; (findings, "complete", "partial" or "nested")."""
    ref = counts[0]
    totals = _total_candidates(ctx, ref, ctx.partition_of(ref["quantity"]))
    parent, how = None, ""
    if sum(int(r["value_num"]) for r in counts) not in {int(r["value_num"]) for r in totals}:
        parent, how = _nested_parent(ctx, counts)
        if parent is not None:
            totals = [{**parent, "quantity": f"the level {parent['category']}"}]
    ctx.see(counts)
    status = "nested" if parent is not None else "complete"
    if not totals:
        ctx.skip("partition without a total")
        return [], "partial"
    if (sum(int(r["value_num"]) for r in counts) not in {int(r["value_num"]) for r in totals}
            and _breakdown(counts)):
        ctx.skip("a category with its own breakdown (one count is the sum of the others)")
        return [], "nested"
    extra = _footnote_missing(ctx, counts)
    members = [*counts, *extra]
    s = sum(int(r["value_num"]) for r in members)
    if s not in {int(r["value_num"]) for r in totals} and not is_nan(ref["denominator_num"]):
        # a column header's n over a list of a smaller set the table also counts (the
        # evaluable patients of a response table): the list sums to that set
        natural = [r for r in _total_candidates(ctx, {**ref, "denominator_num": float("nan")},
                                                ctx.partition_of(ref["quantity"]))
                   if int(r["value_num"]) == s]
        totals = natural or totals
    ctx.see(totals + extra)
    values = sorted({int(r["value_num"]) for r in totals})
    rec = {"method": "sum of the categories against the total"
                     + (f" (nested: {how})" if parent else ""),
           "inputs": {r["category"]: int(r["value_num"]) for r in members},
           "tried": [f"total {r['quantity']} = {int(r['value_num'])}" for r in totals],
           "result": f"sum {s}"}
    cats = " + ".join(f"{int(r['value_num'])} {r['category']}" for r in members)
    if s in values:
        tot = next(r for r in totals if int(r["value_num"]) == s)
        return [ctx.finding("consistent", f"{ref['quantity']} sums to {s}",
                            f"The categories of {ref['quantity']} in {ref['cohort']} "
                            f"({ref['location']}) sum to the {tot['quantity']} count {s}.",
                            [*members, tot], recomputation=rec)], status
    pooled = _pooled_missing(ctx, counts)
    short = min((v - s for v in values if v > s), default=None)
    if pooled and short is not None and short <= sum(int(r["value_num"]) for r in pooled):
        tot = next(r for r in totals if int(r["value_num"]) == s + short)
        miss = " + ".join(f"{r['value']} ({r['arm'] or 'all arms'})" for r in pooled)
        return [ctx.finding("consistent", f"{ref['quantity']} sums to {s} of {s + short}",
                            f"In {ref['cohort']} ({ref['location']}), {cats} = {s}, {short} "
                            f"short of {quote(tot)}: the missing data the table's note counts "
                            f"over all arms ({miss}) hold them.", [*members, *pooled, tot],
                            recomputation=rec)], status
    tot = totals[0]
    total = int(tot["value_num"])
    if _multi_response(counts, pcts or [], total):
        ctx.skip("levels a patient can share (each printed over all the patients)")
        return [], "partial"
    has_missing = any(missing_like(r["category"]) for r in members) or (
        ref["quantity"] == "best_response" and any(_level(r) in NOT_ASSESSABLE for r in counts))
    closed = has_missing or any(other_like(r["category"]) for r in counts)
    elsewhere = [] if closed or s > total else _complete_elsewhere(ctx, counts)
    if s < total and not closed and not elsewhere:
        ctx.skip("categories short of their total with no Other or missing category "
                 "(a list that need not be complete)")
        return [], "partial"
    severity = "questionable" if s < total and not has_missing else "inconsistent"
    why = (" The list has an 'Other' category but no missing one: unlisted missing data could "
           "explain the shortfall." if severity == "questionable" and not elsewhere else "")
    if elsewhere:
        other = elsewhere[0]
        listed = " + ".join(str(r["value"]) for r in elsewhere
                            if r["quantity"] == ref["quantity"])
        why = (f" The same levels in {other['arm'] or 'the other column'} of this table sum "
               f"exactly to its n ({listed}), so the table lists every level; a level left out "
               "of this column only (or a slip in one count) would explain the shortfall.")
    return [ctx.finding(
        severity, f"{ref['quantity']} categories sum to {s}, total {total}",
        f"In {ref['cohort']} ({ref['location']}), {cats} = {s}, but the {tot['quantity']} count is "
        f"{quote(tot)}.{why}", [*members, tot], recomputation=rec, nearest=str(total),
        ruled_out=[] if severity == "questionable" else ["a missing category (one is listed)"
                                                         if has_missing else
                                                         "an unlisted category (the sum "
                                                         "exceeds the total)"])], (
        status if s >= total else "partial")


def _percent_partition(ctx: Context, pcts: list[Row], counts: list[Row]) -> Finding | None:
    ctx.see(pcts)
    with_pct = {r["category"] for r in pcts}
    lacking = [r for r in counts if r["category"] not in with_pct and r["value_num"] > 0]
    total = sum((exact(r["value"]) for r in pcts), Fraction(0))
    slack = sum((half_unit(r["value"]) for r in pcts), Fraction(0))
    targets = [Fraction(100)]
    labels = ["target 100"]
    closed = any(missing_like(r["category"]) or other_like(r["category"])
                 for r in [*pcts, *counts])
    if total <= 100 + slack and not closed and not counts:
        ctx.skip("percentages of a list without Other or missing (may be partly listed)")
        return None
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
    verdict = sum_reconciles([r["value"] for r in pcts], targets)  # the severity policy
    rec = {"method": "sum of the printed percentages against 100, slack = sum of half units",
           "inputs": {r["category"]: r["value"] for r in pcts},
           "tried": labels,
           "result": f"sum {fmt(total)} (slack {fmt(slack)})"}
    ref = pcts[0]
    rec["rounding_only"] = verdict.severity == "questionable"
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
