"""Causes: the findings that one explanation accounts for, grouped into one item.

A reviewer wants one item per explanation, not one per pair of numbers. After the checks
have run, :func:`build_causes` groups the flagged findings (every severity but consistent)
by explanation, each kind of explanation in turn, on the structure of the findings' rows
(never on a check's name, so a new check is grouped without code of its own):

1. **statement** -- one printed statement compared with several others. For each number
   stated in several places (same quantity, statistic, cohort, arm, subgroup, category) the
   *reference* statement is the one most others agree with (then the more authoritative
   place: the paper before other sources; tables and Results, then the Abstract, then other
   sections, the Discussion last). Every pairwise finding blames its *culprit*: the
   statement that is not the reference (or, when neither is, the one farther from it), or
   the newer of an update. Culprits of one sentence (same source, location, excerpt and
   quantity; for updates any quantity) are one cause, and so are culprits that restate the
   same value elsewhere. The Discussion's "28 and 37 months" is one cause with three
   members.
2. **denominator** -- percentages of one table column or text passage (source, location,
   cohort, arm, subgroup) that one denominator other than the stated one reproduces under
   standard rounding: 16/53 and 12/53 printed as 30.2 and 22.6 where 55 is stated. When that
   denominator is the sum of a partition's categories, the cause is a *shifted total*.
3. **rounding** -- percentages of one table or passage reproduced by a natural denominator
   only under one non-standard scheme (rounded twice, truncated).
4. **attached** -- a finding about a set of categories (a partition's sum) joins the most
   severe cause that already holds one of its rows.
5. **single** -- every other finding is a cause of its own.

Each cause says what it explains, what would resolve it (the value that makes every member
consistent), the arithmetic in one line and a neutral question for the authors. Its id
(``cause-<10 hex>``) hashes the trial, the kind and the explanation's key (the culprit rows,
the column and denominator, the table and scheme, or the single finding's id), so it
survives unrelated edits and triage by cause id carries over; triage of member findings
still applies (:func:`cause_verdict`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from trialrecon.checks.context import Context, Row, count_partner, fmt
from trialrecon.checks.denominators import denominators
from trialrecon.checks.findings import Finding, ValueRef
from trialrecon.checks.severity import (
    NON_STANDARD_SCHEMES,
    SCHEME_LABELS,
    compare_rows,
    worst,
)
from trialrecon.checks.titles import quantity_label, subject
from trialrecon.stats.rounding import (
    SCHEMES,
    STANDARD_SCHEMES,
    decimals_of,
    exact,
    printed_interval,
    reproduces,
    round_half_up,
)

KINDS: tuple[str, ...] = ("statement", "update", "denominator", "shifted_total", "rounding",
                          "restated", "single", "error")
STATEMENT_KEYS = ("quantity", "category", "statistic", "cohort", "arm", "subgroup")


@dataclass
class Cause:
    """One explanation and the findings it accounts for."""

    id: str
    kind: str
    severity: str
    title: str
    explains: str
    resolution: str
    arithmetic: str
    question: str
    members: list[Finding]
    rows: list[Row] = field(default_factory=list, repr=False)
    quotes: list[ValueRef] = field(default_factory=list)
    magnitude: float = 0.0
    triage: dict[str, str] | None = None
    rank: int = 0
    importance: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "rank": self.rank, "kind": self.kind, "severity": self.severity,
            "title": self.title, "explains": self.explains, "resolution": self.resolution,
            "arithmetic": self.arithmetic, "question": self.question,
            "members": [f.id for f in self.members],
            "checks": sorted({f.check for f in self.members}),
            "quotes": [q.id for q in self.quotes], "importance": self.importance,
            "triage": self.triage,
        }

    @property
    def checks(self) -> list[str]:
        return sorted({f.check for f in self.members})


def cause_id(trial: str, kind: str, key: list[str] | tuple[str, ...]) -> str:
    """``cause-<10 hex>`` from the trial, the kind of explanation and its key."""
    text = "\x1f".join([trial, kind, *key])
    return f"cause-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"


# --------------------------------------------------------------------------- helpers


def _rows_of(f: Finding, by_id: dict[str, Row]) -> list[Row]:
    return [by_id[v.id] for v in f.values if v.id in by_id]


def _num(row: Row) -> float | None:
    try:
        return float(exact(str(row["value"])))
    except (ValueError, TypeError):
        return None


def _printed(row: Row) -> str:
    return ValueRef.from_row(row).printed()


def _and(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def location_rank(ctx: Context, row: Row) -> tuple[int, int]:
    """Authority of a place: (source kind, section); smaller is more authoritative."""
    kinds = {"paper": 0, "abstract": 1, "review": 2, "label": 2, "registry": 3}
    loc = str(row.get("location") or "").lower()
    if loc.startswith(("table", "figure", "results")):
        section = 0
    elif loc.startswith("abstract"):
        section = 1
    elif loc.startswith("discussion"):
        section = 3
    else:
        section = 2
    return kinds.get(ctx.source_kind(row["source"]), 2), section


def _place(rows: list[Row], with_source: bool = False) -> str:
    places = list(dict.fromkeys(
        (f"{r['source']}, {r['location']}" if with_source else str(r["location"]))
        for r in rows))
    return _and(places)


# ------------------------------------------------------------------------ statements


def _statement_pair(f: Finding, by_id: dict[str, Row]) -> tuple[Row, Row] | None:
    rows = _rows_of(f, by_id)
    if len(rows) != 2:
        return None
    a, b = rows
    if any(str(a.get(k) or "") != str(b.get(k) or "") for k in STATEMENT_KEYS):
        return None
    if (a["source"], a["location"], a.get("anchor")) == (b["source"], b["location"],
                                                         b.get("anchor")):
        return None
    return a, b


def _agree(a: Row, b: Row) -> bool:
    if a.get("marker") or b.get("marker") or not a["value"] or not b["value"]:
        return (a.get("marker") or a["value"]) == (b.get("marker") or b["value"])
    if a["statistic"] == "date":
        n = min(len(str(a["value"])), len(str(b["value"])))
        return str(a["value"])[:n] == str(b["value"])[:n]
    return compare_rows(a, b).agree


def _group_rows(ctx: Context, row: Row) -> list[Row]:
    return [r for r in ctx.rows if all(str(r.get(k) or "") == str(row.get(k) or "")
                                       for k in STATEMENT_KEYS)
            and (r["value"] or r.get("marker")) and not r.get("supersedes")
            and ctx.is_registry(r) == ctx.is_registry(row)]


def _reference(ctx: Context, row: Row) -> Row:
    """The statement of this number that most others agree with, the most authoritative."""
    group = _group_rows(ctx, row) or [row]
    return min(group, key=lambda r: (-sum(_agree(r, o) for o in group if o is not r),
                                     location_rank(ctx, r), str(r["id"])))


def _culprit(ctx: Context, a: Row, b: Row) -> tuple[Row, Row]:
    """(culprit, other) of a pairwise finding."""
    if bool(a.get("supersedes")) != bool(b.get("supersedes")):
        return (a, b) if a.get("supersedes") else (b, a)
    ref = _reference(ctx, a)
    if a is ref or a["id"] == ref["id"] or (_agree(a, ref) and not _agree(b, ref)):
        return b, a
    if b["id"] == ref["id"] or (_agree(b, ref) and not _agree(a, ref)):
        return a, b
    na, nb, nr = _num(a), _num(b), _num(ref)
    if na is not None and nb is not None and nr is not None and nr != 0:
        if abs(na - nr) != abs(nb - nr):
            return (a, b) if abs(na - nr) > abs(nb - nr) else (b, a)
    return (a, b) if location_rank(ctx, a) >= location_rank(ctx, b) else (b, a)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def statement_causes(ctx: Context, findings: list[Finding], by_id: dict[str, Row]
                     ) -> list[Cause]:
    """Pairwise findings grouped by the statement they blame (see the module docstring)."""
    blamed: list[tuple[Finding, Row, Row]] = []
    for f in findings:
        pair = _statement_pair(f, by_id)
        if pair is not None:
            culprit, other = _culprit(ctx, *pair)
            blamed.append((f, culprit, other))
    if not blamed:
        return []
    uf = _Union()
    culprits = {c["id"]: c for _, c, _ in blamed}
    note = {c["id"]: f.severity == "note" for f, c, _ in blamed}
    by_sentence: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for cid, c in culprits.items():
        # an update is one per place; a discrepancy one per sentence and quantity
        key = ((c["source"], c["location"]) if note[cid] else
               (c["source"], c["location"], str(c.get("anchor") or ""), c["quantity"]))
        by_sentence[(str(note[cid]), *key)].append(cid)
    for ids in by_sentence.values():
        for x in ids[1:]:
            uf.union(ids[0], x)
    ids = sorted(culprits)
    for i, x in enumerate(ids):
        for y in ids[i + 1:]:
            cx, cy = culprits[x], culprits[y]
            if note[x] == note[y] and all(str(cx.get(k) or "") == str(cy.get(k) or "")
                                          for k in STATEMENT_KEYS) and _agree(cx, cy):
                uf.union(x, y)
    groups: dict[str, list[tuple[Finding, Row, Row]]] = defaultdict(list)
    for item in blamed:
        groups[uf.find(item[1]["id"])].append(item)
    return [_statement_cause(ctx, items) for items in groups.values()]


def _statement_cause(ctx: Context, items: list[tuple[Finding, Row, Row]]) -> Cause:
    members = [f for f, _, _ in items]
    update = all(f.severity == "note" for f in members)
    culprits = list({c["id"]: c for _, c, _ in items}.values())
    refs: dict[str, Row] = {}
    for _, c, other in items:
        refs.setdefault(c["id"], other if update else _reference(ctx, c))
    cohorts = ctx.cohort_names
    ref_rows = list({r["id"]: r for r in refs.values()}.values())
    with_source = len({r["source"] for r in culprits + ref_rows}) > 1
    c_place, r_place = _place(culprits, with_source), _place(ref_rows, with_source)
    quantities = {c["quantity"] for c in culprits}
    kind = "update" if update else "statement"
    # one line per distinct (subject, old, new): a value restated in two places once
    changes = list(dict.fromkeys(
        (subject(c, cohorts), _printed(refs[c["id"]]), _printed(c)) for c in culprits))
    if len(members) == 1:
        title = members[0].title
    elif update:
        labels = _and(list(dict.fromkeys(_inline(quantity_label(c["quantity"]))
                                          for c in culprits)))
        places = list(dict.fromkeys(str(c["location"]) for c in culprits))
        where = c_place if len(places) <= 2 else (
            f"{len(places)} places of {_and(sorted({c['source'] for c in culprits}))}")
        title = f"{_cap(labels)} updated in {where}: " + "; ".join(
            f"{who} {old} to {new}" for who, old, new in changes[:2]) + (
            f"; {len(changes) - 2} more" if len(changes) > 2 else "")
    elif len(quantities) == 1 and len({c["statistic"] for c in culprits}) == 1:
        head = subject({**culprits[0], "cohort": "", "arm": "", "subgroup": "",
                        "category": ""}, cohorts)
        vals = _and(list(dict.fromkeys(f"{_printed(c)} ({_who(c, cohorts)})"
                                       for c in culprits)))
        rvals = _vals([refs[c["id"]] for c in culprits])
        title = f"{head} ({c_place}): {vals} vs {rvals} ({r_place})"
    else:
        title = f"{c_place}: " + "; ".join(
            f"{who} {old} vs {new}" for who, old, new in changes[:3]) + (
            f"; {len(changes) - 3} more" if len(changes) > 3 else "")
    pairs = _and(list(dict.fromkeys(f"{_printed(c)} for {_inline(subject(c, cohorts))}"
                                    for c in culprits)))
    rpairs = _and(list(dict.fromkeys(f"{_printed(refs[c['id']])} ({_who(c, cohorts)})"
                                     for c in culprits)))
    mixed = [m.split(": ", 1)[1].split(" (", 1)[0] for f in members
             for m in f.explanations_ruled_out if m.startswith("a mix of schemes: ")]
    if update:
        explains = ("Later figures replace earlier ones (the dossier marks them as updates): "
                    + "; ".join(f"{who}: {old} to {new}" for who, old, new in changes)
                    + f". This one update accounts for {_n(len(members), 'finding')}.")
        resolution = "Nothing to correct: cite the update or the original consistently."
        question = ""
    else:
        explains = (f"{_cap(_the(c_place))} gives {pairs}, against {rpairs} in "
                    f"{_the(r_place)}, as most statements of "
                    f"{'this number' if len(culprits) == 1 else 'these numbers'} say. The "
                    f"{c_place} figure{'' if len(culprits) == 1 else 's'} "
                    f"account{'s' if len(culprits) == 1 else ''} for "
                    f"{_n(len(members), 'finding')}.")
        if mixed:
            explains += (f" Only a mix of schemes ({mixed[0]}) would reconcile them, and the "
                         "severity policy does not accept one value printed two ways.")
        resolution = (f"{_cap(_the(c_place))} would read "
                      f"{_vals([refs[c['id']] for c in culprits])} (as "
                      f"{_the(r_place)}), or say what {_vals(culprits)} "
                      f"measure{'s' if len(culprits) == 1 else ''}.")
        question = (f"Which is correct: {_vals([refs[c['id']] for c in culprits])} "
                    f"({_the(r_place)}) or {_vals(culprits)} "
                    f"({_the(c_place)})? If the {c_place} figure"
                    f"{'s' if len(culprits) > 1 else ''} measure"
                    f"{'' if len(culprits) > 1 else 's'} something else, could "
                    f"{'they' if len(culprits) > 1 else 'it'} be named?")
        if mixed:
            question += (f" If the difference comes from two rounding schemes ({mixed[0]}), "
                         "could one be used throughout?")
    arithmetic = "; ".join(_interval_line(c, refs[c["id"]]) for c in culprits)
    rows = culprits + ref_rows
    magnitude = max((_gap(c, refs[c["id"]]) for c in culprits), default=0.0)
    return Cause(
        id=cause_id(ctx.trial_id, kind, sorted(c["id"] for c in culprits)), kind=kind,
        severity=worst([f.severity for f in members]), title=title, explains=explains,
        resolution=resolution, arithmetic=arithmetic, question=question, members=members,
        rows=rows, quotes=[ValueRef.from_row(r) for r in ref_rows + culprits],
        magnitude=magnitude)


def _vals(rows: list[Row]) -> str:
    """``15.6 and 15.7 months``: values of one unit joined, the unit once."""
    texts = list(dict.fromkeys(_printed(r) for r in rows))
    units = {str(r["unit"]) for r in rows}
    if len(texts) > 1 and len(units) == 1 and all(t.endswith(" " + str(rows[0]["unit"]))
                                                  for t in texts):
        unit = " " + str(rows[0]["unit"])
        return _and([t[: -len(unit)] for t in texts]) + unit
    return _and(texts)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _inline(text: str) -> str:
    """A subject inside a sentence: ``Median PFS, panNET`` -> ``median PFS, panNET``."""
    return text if text[:2].isupper() or text.startswith("Ki-67") else \
        text[:1].lower() + text[1:]


_SECTIONS = ("abstract", "introduction", "methods", "results", "discussion", "conclusion")


def _the(place: str) -> str:
    """``Discussion`` -> ``the Discussion``; table and source names stay as they are."""
    return f"the {place}" if place.lower().startswith(_SECTIONS) else place


def _who(row: Row, cohorts: dict[str, str]) -> str:
    return " ".join(x for x in (cohorts.get(row["cohort"], row["cohort"]), row.get("arm") or "")
                    if x)


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def _interval_line(c: Row, r: Row) -> str:
    if not c["value"] or not r["value"] or c["statistic"] == "date":
        return f"{_printed(r)} against {_printed(c)}"
    try:
        ic = printed_interval(str(c["value"]), c["comparator"] or "=")
        ir = printed_interval(str(r["value"]), r["comparator"] or "=")
    except ValueError:
        return f"{_printed(r)} against {_printed(c)}"
    verdict = "they overlap" if ic.overlaps(ir) else "they do not overlap"
    return (f"{_printed(r)} stands for {ir.as_text()}, {_printed(c)} for {ic.as_text()}: "
            f"{verdict}")


def _gap(a: Row, b: Row) -> float:
    x, y = _num(a), _num(b)
    if x is None or y is None or y == 0:
        return 0.0
    return abs(x - y) / abs(y)


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
    natural = next((d for d in dens if d.natural), None)
    return _Pct(f, pct, count, natural.n if natural else 0,
                natural.label if natural else "")


def _fits(count: int, n: int, printed: str, schemes: tuple[str, ...]) -> bool:
    return n > 0 and any(reproduces(count, n, printed, s) for s in schemes)


def _candidates(p: _Pct) -> set[int]:
    top = 3 * max(p.natural, p.count, 10)
    return {n for n in range(max(p.count, 1), top + 1)
            if _fits(p.count, n, str(p.row["value"]), STANDARD_SCHEMES)}


def _column(p: _Pct) -> tuple[str, ...]:
    r = p.row
    return (r["source"], r["location"], r["cohort"], r["arm"] or "", r["subgroup"] or "")


def denominator_causes(ctx: Context, findings: list[Finding], by_id: dict[str, Row]
                       ) -> list[Cause]:
    """Percentages of one column that one unstated denominator reproduces (two or more)."""
    facts = [p for f in findings if (p := _percent_facts(ctx, f, by_id)) is not None]
    columns: dict[tuple[str, ...], list[_Pct]] = defaultdict(list)
    for p in facts:
        columns[_column(p)].append(p)
    out = []
    for key, items in columns.items():
        cands = {id(p): _candidates(p) for p in items}
        left = list(items)
        while len(left) >= 2:
            ns = sorted({n for p in left for n in cands[id(p)]})
            scored = [(sum(n in cands[id(p)] for p in left), n) for n in ns]
            scored = [s for s in scored if s[0] >= 2]
            if not scored:
                break
            ref = left[0].natural or 0
            _, n = max(scored, key=lambda s: (s[0], -abs(s[1] - ref), s[1]))
            members = [p for p in left if n in cands[id(p)]]
            out.append(_denominator_cause(ctx, key, n, members))
            left = [p for p in left if p not in members]
    return out


def _denominator_cause(ctx: Context, key: tuple[str, ...], n: int, items: list[_Pct]) -> Cause:
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
    natural = p0.natural
    printed = _and([f"{p.row['value']}%" for p in items])
    title = f"{head} ({p0.row['location']}): {printed} are over {n}" + (
        f", not {natural}" if natural else "")
    over_n = _and([f"{p.count}/{n} = {_pct(p.count, n, p.row['value'])}%" for p in items])
    explains = (f"{_n(len(items), 'percentage')} of {p0.row['location']} ({head}) "
                f"{'is' if len(items) == 1 else 'are'} reproduced by one denominator, {n} "
                f"({what}): {over_n}.")
    if natural:
        explains += f" The natural denominator is {natural} ({p0.natural_label})."
    resolution = (f"State the denominator {n} and what it counts, or print the percentages over "
                  f"{natural}: " + _and([f"{p.count}/{natural} = "
                                         f"{_pct(p.count, natural, p.row['value'])}%"
                                         for p in items]) + "." if natural else
                  f"State the denominator {n} and what it counts.")
    arithmetic = "; ".join(
        f"{p.count}/{n} = {float(Fraction(100 * p.count, n)):.3f}% -> {p.row['value']}%"
        + (f" (over {natural}: {_pct(p.count, natural, p.row['value'])}%)" if natural else "")
        for p in items)
    question = (f"Which denominator do the percentages of {head} in {p0.row['location']} "
                f"use? {n} reproduces {printed}" + (f"; the stated {natural} does not." if
                                                    natural else "."))
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
        printed = _and([f"{p.row['value']}%" for p, _ in items])
        title = (f"{location}: {printed} reproduced only if {how} "
                 f"({items[0][0].count}/{items[0][0].natural} = "
                 f"{_exact_text(items[0][0].count, items[0][0].natural)})")
        lines = [f"{p.count}/{p.natural} = {_exact_text(p.count, p.natural)}: half up "
                 f"{_scheme(p, 'half_up')}, {how} {p.row['value']}" for p, _ in items]
        explains = (f"{_n(len(items), 'percentage')} of {location} "
                    f"{'is' if len(items) == 1 else 'are'} reproduced by the natural "
                    f"denominator only if {how}, one rounding habit: " + "; ".join(lines) + ".")
        resolution = "Round once, half up: " + _and(
            [f"{p.row['value']}% -> {_scheme(p, 'half_up')}%" for p, _ in items]) + "."
        question = (f"Were the percentages in {location} {how}? Rounding once, half up, gives "
                    + _and([f"{_scheme(p, 'half_up')}%" for p, _ in items]) + ".")
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


# ------------------------------------------------------------------ single and attached


def _category_set(f: Finding, by_id: dict[str, Row]) -> bool:
    """A finding about several categories of one quantity (a partition's sum)."""
    rows = _rows_of(f, by_id)
    by_q: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_q[r["quantity"]].add(str(r.get("category") or r.get("subgroup") or ""))
    return any(len(c) >= 2 for c in by_q.values())


def single_cause(ctx: Context, f: Finding, by_id: dict[str, Row]) -> Cause:
    rows = _rows_of(f, by_id)
    rec = f.recomputation or {}
    arithmetic = "; ".join(x for x in (str(rec.get("method") or ""),
                                       str(rec.get("result") or "")) if x)
    if f.severity == "error":
        return Cause(id=cause_id(ctx.trial_id, "error", [f.id]), kind="error",
                     severity="error", title=f.title, explains=f.sentence,
                     resolution="A bug in trialrecon: please report it.",
                     arithmetic=arithmetic, question="", members=[f], rows=rows)
    resolution = (f"The nearest consistent value: {f.nearest}." if f.nearest else
                  "See the member finding for what was tried.")
    if len(f.values) >= 2 and len({v.location for v in f.values}) >= 2:
        question = ("Could the authors check these figures against each other ("
                    + _and([f"{v.printed()}, {v.location}" for v in f.values[:3]]) + ")?")
    elif f.values:
        question = (f"Could the authors check how {f.values[0].printed()} "
                    f"({f.values[0].location}) was computed?")
    else:
        question = "Could the authors check this figure?"
    return Cause(id=cause_id(ctx.trial_id, "single", [f.id]), kind="single",
                 severity=f.severity, title=f.title, explains=f.sentence,
                 resolution=resolution, arithmetic=arithmetic, question=question,
                 members=[f], rows=rows, quotes=list(f.values))


def _attach(causes: list[Cause], f: Finding, by_id: dict[str, Row], ctx: Context) -> bool:
    """Add a partition-sum finding to the most severe cause that holds one of its rows."""
    pops = set(ctx.vocab.populations())
    own = {v.id for v in f.values if v.quantity not in pops}
    order = [s for s in ("error", "inconsistent", "questionable", "note")]
    best = None
    for c in causes:
        held = {v.id for m in c.members for v in m.values if v.quantity not in pops}
        shared = len(own & held)
        if shared:
            score = (order.index(c.severity) if c.severity in order else 9, -shared)
            if best is None or score < best[0]:
                best = (score, c)
    if best is None:
        return False
    cause = best[1]
    cause.members.append(f)
    cause.severity = worst([m.severity for m in cause.members])
    cause.explains += f" It also accounts for: {f.title}."
    return True


def _merge(ctx: Context, kind: str, key: list[str], members: list[Finding], title: str,
           by_id: dict[str, Row], explains: str) -> Cause:
    """One cause from several findings of one kind (a restated value, one table's sums)."""
    cause = single_cause(ctx, members[0], by_id)
    cause.id, cause.kind, cause.title = cause_id(ctx.trial_id, kind, key), kind, title
    cause.members = list(members)
    cause.severity = worst([m.severity for m in members])
    cause.rows = [r for m in members for r in _rows_of(m, by_id)]
    cause.quotes = list({v.id: v for m in members for v in m.values}.values())
    cause.explains = explains
    return cause


def restated_causes(ctx: Context, findings: list[Finding], by_id: dict[str, Row]
                    ) -> list[Cause]:
    """One cause for one problem of a number restated in several places (same check)."""
    groups: dict[tuple[str, ...], list[Finding]] = defaultdict(list)
    for f in findings:
        rows = _rows_of(f, by_id)
        if f.severity == "error" or not rows:
            groups[("single", f.id)].append(f)
            continue
        r = rows[0]
        groups[(f.check, f.severity, *(str(r.get(k) or "") for k in STATEMENT_KEYS),
                str(r["value"]))].append(f)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(single_cause(ctx, members[0], by_id))
            continue
        first = _rows_of(members[0], by_id)[0]
        places = _and(list(dict.fromkeys(m.values[0].location for m in members)))
        claim = members[0].claim.removeprefix(f"{_printed(first)} ")
        title = f"{subject(first, ctx.cohort_names)}: {_printed(first)} ({places}) {claim}"
        out.append(_merge(ctx, "restated", sorted(m.id for m in members), members, title,
                          by_id, f"The same figure, {_printed(first)}, is printed in {places},"
                          f" and each time {members[0].sentence[:1].lower()}"
                          f"{members[0].sentence[1:]}"))
    return out


def family_causes(ctx: Context, findings: list[Finding], by_id: dict[str, Row]
                  ) -> list[Cause]:
    """Sums over the categories of one table that fall short alike: one cause."""
    groups: dict[tuple[str, ...], list[Finding]] = defaultdict(list)
    for f in findings:
        r = _rows_of(f, by_id)[0]
        family = str(r.get("subgroup") or "").rsplit(" ", 1)[0] or str(r["quantity"])
        groups[(f.check, f.severity, r["source"], r["location"], family)].append(f)
    out = []
    for key, members in groups.items():
        if len(members) == 1:
            out.append(single_cause(ctx, members[0], by_id))
            continue
        family = key[4]
        claims = [m.claim.removeprefix(f"{family}: ") for m in members]
        title = (f"{key[3]}: the {family} levels miss their totals alike ("
                 + "; ".join(claims[:3]) + (f"; {len(claims) - 3} more" if len(claims) > 3
                                            else "") + ")")
        cause = _merge(ctx, "shifted_total", list(key), members, title, by_id,
                       f"{_n(len(members), 'sum')} over the same categories ({family}, "
                       f"{key[3]}) miss their totals in the same way, as when one category "
                       "(such as unknown) is left out: " + " ".join(m.sentence for m in members))
        cause.resolution = ("List the category that is left out (for example unknown), or "
                            "correct the counts: " + _and([f"{m.claim}" for m in members]) + ".")
        cause.question = (f"Do the {family} levels in {key[3]} leave out some patients (for "
                          "example those with an unknown value)? Their sums miss the totals: "
                          + "; ".join(claims) + ".")
        out.append(cause)
    return out


def build_causes(ctx: Context, findings: list[Finding]) -> list[Cause]:
    """Group the flagged findings into causes (see the module docstring), unranked."""
    by_id = {r["id"]: r for r in ctx.rows}
    flagged = [f for f in findings if f.severity != "consistent"]
    causes: list[Cause] = []
    claimed: set[str] = set()
    for explainer in (statement_causes, denominator_causes, rounding_causes):
        for cause in explainer(ctx, [f for f in flagged if f.id not in claimed], by_id):
            causes.append(cause)
            claimed.update(m.id for m in cause.members)
    rest = [f for f in flagged if f.id not in claimed]
    later = [f for f in rest if _category_set(f, by_id) and f.severity != "error"]
    causes += restated_causes(ctx, [f for f in rest if f not in later], by_id)
    alone = [f for f in later if not _attach(causes, f, by_id, ctx)]
    causes += family_causes(ctx, alone, by_id)
    return causes


def cause_verdict(cause: Cause) -> dict[str, str] | None:
    """The verdict the members' triage gives a cause, when the cause has none of its own.

    Every member triaged with one verdict: that verdict. Some members confirmed: confirmed
    (a confirmed member proves the cause real). Otherwise none.
    """
    triaged = [m for m in cause.members if m.triage]
    if not triaged:
        return None
    verdicts = {m.triage["verdict"] for m in triaged if m.triage}
    notes = [m.triage.get("note", "") for m in triaged if m.triage and m.triage.get("note")]
    if len(triaged) == len(cause.members) and len(verdicts) == 1:
        return {"verdict": verdicts.pop(), "note": " ".join(dict.fromkeys(notes)),
                "from": "members"}
    if "confirmed" in verdicts:
        k = sum(1 for m in triaged if m.triage and m.triage["verdict"] == "confirmed")
        return {"verdict": "confirmed", "note": " ".join(dict.fromkeys(notes)),
                "from": f"{k} of {len(cause.members)} members"}
    return None
