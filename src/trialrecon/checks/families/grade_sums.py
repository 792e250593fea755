"""Adverse-event grade levels of one event as sums: grade 1 + grade 2 = grade 1-2, the single
grades = any grade.

Check ``grade-sums``; reference: arithmetic over the vocabulary's ``includes`` (NCI CTCAE:
each event has one grade, and a worst-grade table counts each patient once, at the worst grade).

The grade levels are data: the vocabulary's ``includes``, made transitive, gives each level
the single grades it spans (grade 3-4 spans grade 3 and grade 4; any grade spans 1 to 5).
Within one table cell group (same source, place, cohort, arm, subgroup, term, analysis set,
data cut and unit) a level T is compared with printed levels that split it exactly (disjoint,
together spanning T; the fewest such levels). Rules (each has an error and a clean case in the
planted corpus):

* the parts sum **below** T: *inconsistent* (a patient or event in T has a grade, so it is
  in one part, whichever way the table counts);
* **above** T: *inconsistent* for event counts (an event has one grade); for patients
  *questionable*, since it assumes a worst-grade table (a table counting every grade a
  patient had may count one patient twice), which the paper does not state;
* a level split only in part (grade 5 not printed) can only be **exceeded**: a sum of the
  printed parts above T is judged as above; a sum below T is not a finding (the missing level
  may hold the rest);
* percentages of one column are summed when the counts are not printed (their rounding
  allowed for).

That a level is never below a level it includes (grade >= 3 above any grade) is the
``ranges-pooled`` check's.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import combinations

from trialrecon.checks.context import Check, Context, Row, quote
from trialrecon.checks.findings import Finding
from trialrecon.stats.rounding import exact, half_unit

GROUP = ("source", "location", "cohort", "arm", "versus", "subgroup", "category",
         "population", "data_cut", "statistic", "unit")
MAX_PARTS = 6


def _spans(ctx: Context) -> dict[str, frozenset[str]]:
    """The single grades each grade level spans (a level without ``includes`` spans itself)."""
    quantities = ctx.vocab.quantities
    out: dict[str, frozenset[str]] = {}
    for q, d in quantities.items():
        inc = d.get("includes") or ()
        if inc:
            out[q] = frozenset(x for x in inc if not quantities.get(x, {}).get("includes"))
            for x in out[q]:
                out.setdefault(x, frozenset({x}))
    return out


def _cover(total: frozenset[str], levels: dict[str, frozenset[str]],
           exact_cover: bool) -> list[str] | None:
    """The fewest disjoint printed levels inside ``total`` that span it (``exact_cover``), or
    that span as much of it as possible with at least two levels (partial)."""
    inside = [q for q, s in levels.items() if s < total]
    best: list[str] | None = None
    best_key: tuple[int, int] | None = None
    for k in range(2, min(len(inside), MAX_PARTS) + 1):
        for combo in combinations(sorted(inside), k):
            sets = [levels[q] for q in combo]
            union = frozenset().union(*sets)
            if sum(len(s) for s in sets) != len(union):
                continue  # overlapping levels
            if exact_cover and union != total:
                continue
            key = (-len(union), k)
            if best_key is None or key < best_key:
                best, best_key = list(combo), key
        if exact_cover and best is not None:
            return best
    return best


def check_grade_sums(ctx: Context) -> list[Finding]:
    """Grade levels of one event against the sum of the levels that split them."""
    spans = _spans(ctx)
    out = []
    rows = [r for r in ctx.rows if r["quantity"] in spans and ctx.numeric(r)
            and r["statistic"] in ("count", "percent") and (r["comparator"] or "=") == "="]
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in rows:
        groups[tuple(str(r.get(c) or "") for c in GROUP)].append(r)
    splits: list[tuple[Row, list[Row], bool]] = []
    counted = _counted(groups)
    for key, group in groups.items():
        if key[GROUP.index("statistic")] == "percent" and _has_counts(counted, key):
            continue
        by_q: dict[str, Row] = {}
        for r in group:
            if r["quantity"] in by_q and by_q[r["quantity"]]["value"] != r["value"]:
                by_q[r["quantity"]] = {}  # two different values of one level: unusable
            else:
                by_q.setdefault(r["quantity"], r)
        levels = {q: spans[q] for q, r in by_q.items() if r}
        for total_q, total_span in levels.items():
            if len(total_span) < 2:
                continue
            parts = _cover(total_span, levels, exact_cover=True)
            complete = parts is not None
            if parts is None:
                parts = _cover(total_span, levels, exact_cover=False)
            if parts is None:
                continue
            splits.append((by_q[total_q], [by_q[q] for q in parts], complete))
    exact_rows: dict[tuple[str, str], int] = defaultdict(int)
    for total, parts, complete in splits:
        if complete and total["statistic"] == "count" and _sum(parts) == exact(
                str(total["value"])):
            exact_rows[(total["source"], total["location"])] += 1
    for total, parts, complete in splits:
        f = _judge(ctx, total, parts, complete,
                   exact_rows[(total["source"], total["location"])])
        if f is not None:
            out.append(f)
    return out


def _sum(rows: list[Row]) -> Fraction:
    return sum((exact(str(r["value"])) for r in rows), Fraction(0))


def _counted(groups: dict[tuple[str, ...], list[Row]]) -> set[tuple[str, ...]]:
    """The group keys (up to the statistic) that have counts, indexed once: asking each group
    of percentages against every other group is quadratic in the groups."""
    i = GROUP.index("statistic")
    return {k[:i] for k in groups if k[i] == "count"}


def _has_counts(counted: set[tuple[str, ...]], key: tuple[str, ...]) -> bool:
    i, u = GROUP.index("statistic"), GROUP.index("unit")
    return key[:i] in counted and key[u] == "percent"


def _judge(ctx: Context, total: Row, parts: list[Row], complete: bool,
           exact_elsewhere: int) -> Finding | None:
    s = _sum(parts)
    t = exact(str(total["value"]))
    slack = Fraction(0)
    if total["statistic"] == "percent":
        slack = sum((half_unit(str(p["value"])) for p in parts), half_unit(str(total["value"])))
    terms = " + ".join(f"{p['value']} ({_level(ctx, p)})" for p in parts)
    unit = "%" if total["statistic"] == "percent" else ""
    rows = [total, *parts]
    rec = {"method": ("the disjoint grade levels that span it" if complete else
                      "the printed grade levels inside it (not every grade printed)")
                     + ", worst grade per patient",
           "inputs": {p["quantity"]: p["value"] for p in parts} | {total["quantity"]:
                                                                   total["value"]},
           "result": f"{terms} = {_fmt(s)}{unit}"}
    below, above = s + slack < t, s - slack > t
    if not above and not (complete and below):
        if not complete:
            return None  # a partial split that does not exceed the level proves nothing
        ctx.see(rows)
        return ctx.finding("consistent", f"{_level(ctx, total)} = {terms}",
                           f"{quote(total)} ({_level(ctx, total)}) is the sum of {terms}.",
                           rows, recomputation=rec, discriminator="grades")
    ctx.see(rows)
    if below:
        return ctx.finding(
            "inconsistent", f"grade levels sum to {_fmt(s)}{unit}, {_level(ctx, total)} "
            f"{total['value']}{unit}",
            f"{quote(total)} ({_level(ctx, total)}) exceeds the sum of the grades it spans, "
            f"{terms} = {_fmt(s)}{unit}: every patient or event counted there has one of "
            "these grades.", rows, recomputation=rec, discriminator="grades",
            nearest=f"{_fmt(s)}{unit}", ruled_out=["rounding"] if slack else [])
    events = total["unit"] == "events"
    return ctx.finding(
        "inconsistent" if events else "questionable",
        f"grade levels sum to {_fmt(s)}{unit}, above {_level(ctx, total)} "
        f"{total['value']}{unit}",
        f"The grades within {_level(ctx, total)} sum to {terms} = {_fmt(s)}{unit}, more than "
        f"{quote(total)}."
        + (" Each event has one grade." if events else
           " In a table of each patient's worst grade they add up exactly; the paper does not "
           "say whether a patient is counted under every grade he had"
           + (f", but {exact_elsewhere} other rows of {total['location']} add up exactly, "
              "as a worst-grade table does." if exact_elsewhere else ".")),
        rows, recomputation=rec, discriminator="grades", nearest=f"{_fmt(s)}{unit}",
        ruled_out=["rounding"] if slack else [])


def _level(ctx: Context, row: Row) -> str:
    from trialrecon.checks.titles import quantity_label

    return quantity_label(str(row["quantity"]), ctx.vocab)


def _fmt(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):.4g}"


CHECK = Check(
    "grade-sums", "1",
    "Grade levels of one event against the sum of the grades they span (grade 1 + grade 2 = "
    "grade 1-2)",
    "arithmetic over the vocabulary's includes (NCI CTCAE grades)",
    check_grade_sums,
)
