"""A cumulative level of an ordinal scale (``mRS >3``, ``ECOG >=2``) against its levels.

Used by the ``partitions`` check (:mod:`trialrecon.checks.families.partitions`); reference:
arithmetic of an ordinal scale's distribution (a dichotomy at k counts exactly the patients
at the levels beyond k).

Rule (issue 22, counts of a cumulative level against its components): within one table or
sentence, cohort, arm and quantity, a count whose category is a scale's name with a bound
(``mRS >3``, ``mRS: >=4``, ``Grade <2``) is compared with the counts of the scale's single
integer levels (``mRS 4``, ``mRS: 5``, ``mRS 6, death``) of the same place and denominator,
when those levels run without a gap from the smallest to the largest printed and the bound
falls inside them:

* the cumulative count below the sum of the printed levels it spans is impossible (it
  contains them all): *inconsistent*;
* above it, unprinted levels may explain the difference, except when the count is exactly
  the sum with the boundary level included (``>3`` counting ``3`` as well, the sum for
  ``>=3``): *inconsistent*, the finding says which dichotomy the count is. Otherwise no
  finding.

May import: what the checks layer may.
"""

from __future__ import annotations

import re
from collections import defaultdict

from trialrecon.checks.context import Context, Row, quote
from trialrecon.checks.findings import Finding

_LEVEL = re.compile(r"^(?P<name>.*?\S)\s*:?\s+(?P<op>>=|<=|\u2265|\u2264|>|<)?\s*"
                    r"(?P<k>\d+)(?:\s*,.*)?$")
_OPS = {">": ">", ">=": ">=", "\u2265": ">=", "<": "<", "<=": "<=", "\u2264": "<="}
PLACE = ("source", "location", "cohort", "arm", "subgroup", "quantity", "population",
         "data_cut", "denominator")


def _parse(category: str) -> tuple[str, str, int] | None:
    """``mRS >3`` -> ("mrs", ">", 3); ``mRS 6, death`` -> ("mrs", "", 6)."""
    m = _LEVEL.match(str(category).strip())
    if not m:
        return None
    return m["name"].strip().lower(), _OPS.get(m["op"] or "", ""), int(m["k"])


def _spans(op: str, k: int, level: int) -> bool:
    return {">": level > k, ">=": level >= k, "<": level < k, "<=": level <= k}[op]


def cumulative_levels(ctx: Context) -> list[Finding]:
    """Each cumulative level against the single levels of its scale (module docstring)."""
    groups: dict[tuple, list[tuple[Row, tuple[str, str, int]]]] = defaultdict(list)
    for r in ctx.rows:
        if r["statistic"] != "count" or not ctx.numeric(r) or (r["comparator"] or "=") != "=":
            continue
        parsed = _parse(r["category"])
        if parsed is not None:
            key = tuple(str(r.get(c) or "") for c in PLACE) + (parsed[0],)
            groups[key].append((r, parsed))
    out = []
    for members in groups.values():
        levels = {p[2]: r for r, p in members if not p[1]}
        if len(levels) < 3 or sorted(levels) != list(range(min(levels), max(levels) + 1)):
            continue
        for r, (_, op, k) in members:
            if op and min(levels) <= k <= max(levels):
                f = _judge(ctx, r, op, k, levels)
                if f is not None:
                    out.append(f)
    return out


def _judge(ctx: Context, cum: Row, op: str, k: int, levels: dict[int, Row]) -> Finding | None:
    parts = [levels[j] for j in sorted(levels) if _spans(op, k, j)]
    if not parts:
        return None
    total = sum(int(r["value_num"]) for r in parts)
    n = int(cum["value_num"])
    terms = " + ".join(f"{r['value']} ({r['category']})" for r in parts)
    rec = {"method": "a cumulative level against the sum of the levels it spans",
           "inputs": {r["id"]: r["value"] for r in (cum, *parts)},
           "result": f"{terms} = {total} against {n}"}
    if n == total:
        ctx.see([cum, *parts])
        return ctx.finding("consistent", f"{cum['category']} = {total}",
                           f"{quote(cum)} = {terms}.", [cum, *parts], recomputation=rec)
    inclusive = {">": ">=", "<": "<=", ">=": ">", "<=": "<"}[op]
    other = [levels[j] for j in sorted(levels) if _spans(inclusive, k, j)]
    other_total = sum(int(r["value_num"]) for r in other)
    if n > total and not (op in (">", "<") and n == other_total):
        ctx.skip("a cumulative level above its printed levels (unprinted levels may explain "
                 "it)")
        return None
    rows = [cum, *sorted({r["id"]: r for r in (*parts, *other)}.values(),
                         key=lambda r: r["id"])]
    ctx.see(rows)
    why = (f"; {n} is the sum for {inclusive}{k} ("
           + " + ".join(r["value"] for r in other) + ")" if n == other_total else
           "; a cumulative level cannot count fewer patients than the levels it contains")
    return ctx.finding(
        "inconsistent", f"{cum['category']} {n}, its levels {total}",
        f"{cum['category']}: {quote(cum)}, but the levels it spans sum to {terms} = "
        f"{total}{why}.", rows, recomputation=rec, nearest=str(total))
