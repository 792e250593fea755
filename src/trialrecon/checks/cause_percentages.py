"""Causes of percentages: one unstated denominator, or one non-standard rounding habit.

See :mod:`trialrecon.checks.causes` (rules 2 and 3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from trialrecon.checks.cause_base import (
    Cause,
    _and,
    _inline,
    _n,
    _rows_of,
    _the,
    _who,
    cause_id,
)
from trialrecon.checks.context import Context, Row, count_partner, fmt
from trialrecon.checks.denominators import denominators
from trialrecon.checks.findings import Finding, ValueRef
from trialrecon.checks.severity import (
    NON_STANDARD_SCHEMES,
    SCHEME_LABELS,
    worst,
)
from trialrecon.checks.titles import subject
from trialrecon.stats.rounding import (
    SCHEMES,
    STANDARD_SCHEMES,
    decimals_of,
    exact,
    reproduces,
    round_half_up,
)

# ------------------------------------------------------------------------ percentages


@dataclass(frozen=True)
class _Pct:
    finding: Finding
    row: Row
    count: int
    natural: int  # the first natural denominator (stated, partition, enrolled), 0 if none
    natural_label: str


def _percent_facts(ctx: Context, f: Finding, by_id: dict[str, Row]) -> _Pct | None:
    """The percentage a finding is about, its count and natural denominator, if any."""
    rows = _rows_of(f, by_id)
    pcts = [r for r in rows if r["statistic"] == "percent"]
    if len(pcts) != 1:
        return None
    pct = pcts[0]
    partner = count_partner(ctx, pct)
    if partner is not None and partner["id"] in {r["id"] for r in rows}:
        count = int(partner["value_num"])
    else:
        parts = [r for r in rows if r["statistic"] == "count" and r["cohort"] != pct["cohort"]
                 and r["quantity"] == pct["quantity"] and r["category"] == pct["category"]]
        if not parts:
            return None
        count = sum(int(r["value_num"]) for r in parts)
    dens = denominators(ctx, pct)
    # the natural denominator that some scheme reproduces (the stated one when none does)
    natural = next((d for d in dens if d.natural and _fits(count, d.n, str(pct["value"]),
                                                          tuple(SCHEMES))),
                   next((d for d in dens if d.natural), None))
    return _Pct(f, pct, count, natural.n if natural else 0,
                natural.label if natural else "")


def _fits(count: int, n: int, printed: str, schemes: tuple[str, ...]) -> bool:
    return n > 0 and any(reproduces(count, n, printed, s) for s in schemes)


def _candidates(ctx: Context, p: _Pct) -> set[int]:
    """Denominators that reproduce the percentage and that the trial has.

    A size no population of the trial has (:meth:`Context.population_sizes`), other than
    the sum of the partition's categories or the total minus its stated missing, is an
    explanation fitted to a slip, never proposed.
    """
    top = 3 * max(p.natural, p.count, 10)
    sizes = set(ctx.population_sizes()) | {d.n for d in denominators(ctx, p.row)}
    return {n for n in sizes if max(p.count, 1) <= n <= top
            and _fits(p.count, n, str(p.row["value"]), STANDARD_SCHEMES)}


def _column(p: _Pct) -> tuple[str, ...]:
    r = p.row
    return (r["source"], r["location"], r["cohort"], r["arm"] or "", r["subgroup"] or "")


def _contradicted(ctx: Context, members: list[_Pct], n: int) -> bool:
    """Another percentage of the block fits a natural denominator but not ``n``.

    One denominator explains a table block (a characteristic's levels, a sentence) only if
    the block's other percentages agree with it: 12/88 is no explanation where the same
    sentence's other percentages are over 110. A percentage no denominator gives (a
    misprint) points nowhere and contradicts nothing.
    """
    ids = {m.row["id"] for m in members}
    for m in members:
        for r in ctx.where(source=m.row["source"], location=m.row["location"],
                           cohort=m.row["cohort"], arm=m.row["arm"], subgroup=m.row["subgroup"],
                           quantity=m.row["quantity"], statistic="percent"):
            if r["id"] in ids or not ctx.numeric(r):
                continue
            if not (m.row["row"] or m.row["column"]) and r["anchor"] != m.row["anchor"]:
                continue
            partner = count_partner(ctx, r)
            if partner is None:
                continue
            k = int(partner["value_num"])
            if _fits(k, n, str(r["value"]), STANDARD_SCHEMES):
                continue
            if any(d.natural and _fits(k, d.n, str(r["value"]), STANDARD_SCHEMES)
                   for d in denominators(ctx, r)):
                return True
    return False


def denominator_causes(ctx: Context, findings: list[Finding], by_id: dict[str, Row]
                       ) -> list[Cause]:
    """Percentages of one column that one unstated denominator reproduces (two or more);
    then the unexplained percentages of one block of a column (see :func:`_block_cause`)."""
    facts = [p for f in findings if (p := _percent_facts(ctx, f, by_id)) is not None]
    columns: dict[tuple[str, ...], list[_Pct]] = defaultdict(list)
    for p in facts:
        columns[_column(p)].append(p)
    out = []
    for key, items in columns.items():
        cands = {id(p): _candidates(ctx, p) for p in items}
        left = list(items)
        while len(left) >= 2:
            ns = sorted({n for p in left for n in cands[id(p)]})
            scored = [(sum(n in cands[id(p)] for p in left), n) for n in ns]
            scored = [s for s in scored if s[0] >= 2 and not _contradicted(
                ctx, [p for p in left if s[1] in cands[id(p)]], s[1])]
            if not scored:
                break
            ref = left[0].natural or 0
            _, n = max(scored, key=lambda s: (s[0], -abs(s[1] - ref), s[1]))
            members = [p for p in left if n in cands[id(p)]]
            out.append(_denominator_cause(ctx, key, n, members))
            left = [p for p in left if p not in members]
        out += _block_causes(ctx, key, left)
    return out


def _block_causes(ctx: Context, key: tuple[str, ...], left: list[_Pct]) -> list[Cause]:
    """Percentages of one block (quantity) of a column that no denominator explains.

    Two or more percentages of one characteristic's levels (or one outcome) in one column
    that the stated denominator does not give under any rounding are one point for the
    authors, with no denominator proposed: the slip may be in the percentages.
    """
    blocks: dict[str, list[_Pct]] = defaultdict(list)
    for p in left:
        if p.natural and not _fits(p.count, p.natural, str(p.row["value"]), tuple(SCHEMES)):
            blocks[_block(p.row)].append(p)
    return [_denominator_cause(ctx, (*key, block), 0, items)
            for block, items in blocks.items() if len(items) >= 2]


def _block(row: Row) -> str:
    category = str(row["category"])
    return f"{row['quantity']}:{category.split(':', 1)[0] if ':' in category else ''}"


def _denominator_cause(ctx: Context, key: tuple[str, ...], n: int, items: list[_Pct]) -> Cause:
    if n == 0:
        return _unexplained_cause(ctx, key, items)
    p0 = items[0]
    label = next((d.label for d in denominators(ctx, p0.row) if d.n == n), "")
    shifted = "sum of the partition" in label
    kind = "shifted_total" if shifted else "denominator"
    what = ("the categories listed" if shifted else label or "a denominator the paper does "
            "not state")
    cohorts = ctx.cohort_names
    quantities = {p.row["quantity"] for p in items}
    head = subject({**p0.row, "category": "", "statistic": ""}, cohorts) if len(
        quantities) == 1 else _who(p0.row, cohorts)
    stated = next((d for d in denominators(ctx, p0.row) if d.rank == 0 and d.n != n), None)
    natural = stated.n if stated is not None else p0.natural
    natural_label = "the stated denominator" if stated is not None else p0.natural_label
    printed = _pct_list([str(p.row["value"]) for p in items])
    title = f"{head} ({p0.row['location']}): {printed} are over {n}" + (
        f", not {natural}" if natural else "")
    over_n = _and([f"{p.count}/{n} = {_pct(p.count, n, p.row['value'])}%" for p in items])
    explains = (f"{_n(len(items), 'percentage')} of {_the(p0.row['location'])} ({_inline(head)}) "
                f"{'is' if len(items) == 1 else 'are'} reproduced by one denominator, {n} "
                f"({what}): {over_n}.")
    if natural:
        explains += f" The natural denominator is {natural} ({natural_label})."
    resolution = (f"State the denominator {n} and what it counts, or print the percentages over "
                  f"{natural}: " + _and([f"{p.count}/{natural} = "
                                         f"{_pct(p.count, natural, p.row['value'])}%"
                                         for p in items]) + "." if natural else
                  f"State the denominator {n} and what it counts.")
    arithmetic = "; ".join(
        f"{p.count}/{n} = {float(Fraction(100 * p.count, n)):.3f}% → {p.row['value']}%"
        + (f" (over {natural}: {_pct(p.count, natural, p.row['value'])}%)" if natural else "")
        for p in items)
    question = (f"Which denominator do the percentages of {_inline(head)} in "
                f"{_the(p0.row['location'])} use? {n} reproduces {printed}"
                + (f"; the stated {natural} does not." if natural else "."))
    if shifted:
        question += " Are some patients missing from the categories listed?"
    rows = [p.row for p in items]
    magnitude = max((abs(float(exact(str(p.row["value"]))) - 100 * p.count / natural) /
                     (100 * p.count / natural) for p in items if natural and p.count), default=0)
    return Cause(
        id=cause_id(ctx.trial_id, kind, [*key, str(n)]), kind=kind,
        severity=worst([p.finding.severity for p in items]), title=title, explains=explains,
        resolution=resolution, arithmetic=arithmetic, question=question,
        members=[p.finding for p in items], rows=rows,
        quotes=[ValueRef.from_row(r) for r in rows], magnitude=magnitude)


def _unexplained_cause(ctx: Context, key: tuple[str, ...], items: list[_Pct]) -> Cause:
    """Percentages of one block that the stated denominator does not give (none proposed)."""
    p0 = items[0]
    cohorts = ctx.cohort_names
    head = subject({**p0.row, "category": "", "statistic": ""}, cohorts)
    natural = p0.natural
    printed = _pct_list([str(p.row["value"]) for p in items])
    over = _and([f"{p.count}/{natural} = {_pct(p.count, natural, p.row['value'])}%"
                 for p in items])
    title = f"{head} ({p0.row['location']}): {printed} are not over {natural}"
    explains = (f"{_n(len(items), 'percentage')} of {_the(p0.row['location'])} ({_inline(head)}) "
                f"are not given by their counts over {natural} ({p0.natural_label}) under any "
                f"rounding: {over}. No population of the trial gives all of them, so no "
                "denominator is proposed: the percentages themselves may be misprinted.")
    rows = [p.row for p in items]
    magnitude = max((abs(float(exact(str(p.row["value"]))) - 100 * p.count / natural) /
                     (100 * p.count / natural) for p in items if natural and p.count), default=0)
    return Cause(
        id=cause_id(ctx.trial_id, "denominator", [*key, "none"]), kind="denominator",
        severity=worst([p.finding.severity for p in items]), title=title, explains=explains,
        resolution=f"Print {over}, or state the denominator the percentages use.",
        arithmetic="; ".join(f"{p.count}/{natural} = {float(Fraction(100 * p.count, natural)):.3f}%"
                             f", printed {p.row['value']}%" for p in items),
        question=(f"Which denominator do the percentages of {_inline(head)} in "
                  f"{_the(p0.row['location'])} use? Over {natural} they would read "
                  + _and([f"{_pct(p.count, natural, p.row['value'])}%" for p in items]) + "."),
        members=[p.finding for p in items], rows=rows,
        quotes=[ValueRef.from_row(r) for r in rows], magnitude=magnitude)


def _pct(count: int, n: int, printed: str) -> str:
    return fmt(round_half_up(Fraction(100 * count, n), decimals_of(str(printed))))


def rounding_causes(ctx: Context, findings: list[Finding], by_id: dict[str, Row]
                    ) -> list[Cause]:
    """Percentages a natural denominator reproduces only under one non-standard scheme."""
    groups: dict[tuple[str, ...], list[tuple[_Pct, str]]] = defaultdict(list)
    for f in findings:
        p = _percent_facts(ctx, f, by_id)
        if p is None or not p.natural or _fits(p.count, p.natural, str(p.row["value"]),
                                               STANDARD_SCHEMES):
            continue
        scheme = next((s for s in NON_STANDARD_SCHEMES
                       if _fits(p.count, p.natural, str(p.row["value"]), (s,))), "")
        if scheme:
            groups[(p.row["source"], p.row["location"], scheme)].append((p, scheme))
    out = []
    for (source, location, scheme), items in groups.items():
        how = SCHEME_LABELS[scheme]
        printed = _pct_list([str(p.row["value"]) for p, _ in items])
        title = (f"{location}: {printed} reproduced only if {how} "
                 f"({items[0][0].count}/{items[0][0].natural} = "
                 f"{_exact_text(items[0][0].count, items[0][0].natural)})")
        lines = list(dict.fromkeys(
            f"{p.count}/{p.natural} = {_exact_text(p.count, p.natural)}: half up "
            f"{_scheme(p, 'half_up')}, {how} {p.row['value']}" for p, _ in items))
        explains = (f"{_n(len(items), 'percentage')} of {_the(location)} "
                    f"{'is' if len(items) == 1 else 'are'} reproduced by the natural "
                    f"denominator only if {how}, one rounding habit: " + "; ".join(lines) + ".")
        resolution = "Round once, half up: " + _and(
            list(dict.fromkeys(f"{p.row['value']}% → {_scheme(p, 'half_up')}%"
                               for p, _ in items))) + "."
        question = (f"Were the percentages in {_the(location)} {how}? Rounding once, half up, "
                    "gives "
                    + _and(list(dict.fromkeys(f"{_scheme(p, 'half_up')}%" for p, _ in items)))
                    + ".")
        rows = [p.row for p, _ in items]
        out.append(Cause(
            id=cause_id(ctx.trial_id, "rounding", [source, location, scheme]), kind="rounding",
            severity=worst([p.finding.severity for p, _ in items]), title=title,
            explains=explains, resolution=resolution, arithmetic="; ".join(lines),
            question=question, members=[p.finding for p, _ in items], rows=rows,
            quotes=[ValueRef.from_row(r) for r in rows]))
    return out


def _exact_text(count: int, n: int) -> str:
    return f"{float(Fraction(100 * count, n)):.4g}"


def _scheme(p: _Pct, scheme: str) -> str:
    return fmt(SCHEMES[scheme](Fraction(100 * p.count, p.natural),
                               decimals_of(str(p.row["value"]))))




def _pct_list(values: list[str]) -> str:
    """``24.1% (2×) and 58.2%``: printed percentages, repeats counted once."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return _and([f"{v}%" + (f" ({k}×)" if k > 1 else "") for v, k in counts.items()])
