"""Causes of the *statement* kind: one printed statement compared with several others.

See :mod:`trialrecon.checks.causes` (rule 1) for how references and culprits are chosen.
"""

from __future__ import annotations

from collections import defaultdict

from trialrecon.checks.cause_base import (
    STATEMENT_KEYS,
    Cause,
    _and,
    _cap,
    _gap,
    _inline,
    _interval_line,
    _n,
    _num,
    _place,
    _printed,
    _rows_of,
    _short_place,
    _the,
    _vals,
    _who,
    cause_id,
    location_rank,
)
from trialrecon.checks.context import Context, Row, compatible
from trialrecon.checks.findings import Finding, ValueRef
from trialrecon.checks.severity import (
    compare_rows,
    worst,
)
from trialrecon.checks.titles import quantity_label, subject

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
    """The statements of the same number: same cut, a compatible variant (never a suggested
    fix taken from another data cut, an adjusted estimate or a one-sided P)."""
    # looked up in the context's index: a scan of every row per blamed statement would make
    # the causes quadratic in the size of the dossier
    return [r for r in ctx.where(**{k: str(row.get(k) or "") for k in STATEMENT_KEYS})
            if (r["value"] or r.get("marker")) and not r.get("supersedes")
            and compatible(r, row) and (not ctx.multi_cut or not r["data_cut"]
                                         or not row["data_cut"]
                                         or r["data_cut"] == row["data_cut"])]


def _reference(ctx: Context, row: Row) -> Row:
    """The statement of this number that most others agree with; then the one no other
    check finds impossible (a percentage no count gives is the likelier slip); then the most
    authoritative place."""
    group = _group_rows(ctx, row) or [row]
    ids = tuple(sorted(str(r["id"]) for r in group))
    found = ctx.memo.get(("reference", ids))
    if found is None:
        support = _support(group)
        found = min(group, key=lambda r: (-support[_printing(r)], r["id"] in ctx.suspects,
                                          location_rank(ctx, r), str(r["id"])))
        ctx.memo[("reference", ids)] = found
    return found


def _printing(r: Row) -> tuple[str, ...]:
    """What :func:`_agree` reads of a row: rows printed alike agree with the same others."""
    return tuple(str(r.get(k) or "") for k in ("value", "marker", "statistic", "comparator",
                                                "unit", "level", "data_cut"))


def _support(group: list[Row]) -> dict[tuple[str, ...], int]:
    """For each way the group prints the number, how many other statements agree with it:
    compared once per pair of printings, not per pair of rows (a dossier may state one
    number hundreds of times)."""
    kinds: dict[tuple[str, ...], list[Row]] = {}
    for r in group:
        kinds.setdefault(_printing(r), []).append(r)
    out = {}
    for k, rows in kinds.items():
        rep = rows[0]
        out[k] = sum(len(others) - (o == k) if _agree(rep, others[0]) else 0
                     for o, others in kinds.items())
    return out


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
    # rows another check flags on their own (a GRIM-impossible percentage): likelier culprits
    ctx.suspects = {f.values[0].id for f in findings
                    if len(f.values) == 1 and f.severity in ("inconsistent", "questionable")}
    blamed: list[tuple[Finding, Row, Row]] = []
    for f in findings:
        pair = _statement_pair(f, by_id)
        if pair is not None:
            culprit, other = _culprit(ctx, *pair)
            blamed.append((f, culprit, other))
    if not blamed:
        return []
    # A node is one culprit as blamed by one check with one kind of severity (an update or a
    # discrepancy): causes never mix checks, nor updates with inconsistencies.
    def node(f: Finding, c: Row) -> tuple[str, bool, str]:
        return (f.check, f.severity == "note", c["id"])

    uf = _Union()
    culprits = {node(f, c): c for f, c, _ in blamed}
    by_sentence: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for (check, note, cid), c in culprits.items():
        # an update is one per place; a discrepancy one per printed sentence or table cell
        # (points from one sentence are one item for the authors, issue 22)
        key = ((c["source"], c["location"]) if note else (ctx.sentence(c),))
        by_sentence[(check, str(note), *key)].append("\x1f".join((check, str(note), cid)))
    for names in by_sentence.values():
        for x in names[1:]:
            uf.union(names[0], x)
    # culprits of one check and kind that state one number and agree are one cause; compared
    # only within their number's group, so the grouping stays linear in the findings
    same_number: dict[tuple[str, ...], list[tuple[str, bool, str]]] = defaultdict(list)
    for x in sorted(culprits):
        c = culprits[x]
        same_number[(x[0], str(x[1]), *(str(c.get(k) or "") for k in STATEMENT_KEYS))].append(x)
    for keys in same_number.values():
        for i, x in enumerate(keys):
            for y in keys[i + 1:]:
                if _agree(culprits[x], culprits[y]):
                    uf.union("\x1f".join((x[0], str(x[1]), x[2])),
                             "\x1f".join((y[0], str(y[1]), y[2])))
    groups: dict[str, list[tuple[Finding, Row, Row]]] = defaultdict(list)
    for item in blamed:
        f, c, _ = item
        groups[uf.find("\x1f".join((f.check, str(f.severity == "note"), c["id"])))].append(item)
    return [_statement_cause(ctx, items) for items in groups.values()]


def _statement_cause(ctx: Context, items: list[tuple[Finding, Row, Row]]) -> Cause:
    members = [f for f, _, _ in items]
    update = all(f.severity == "note" for f in members)
    culprits = sorted({c["id"]: c for _, c, _ in items}.values(),
                      key=lambda r: (int(r.get("line") or 0), str(r["id"])))
    refs: dict[str, Row] = {}
    for _, c, other in items:
        refs.setdefault(c["id"], other if update else _reference(ctx, c))
    cohorts = ctx.cohort_names
    ref_rows = list({r["id"]: r for r in refs.values()}.values())
    with_source = len({r["source"] for r in culprits + ref_rows}) > 1
    c_place, r_place = _place(culprits, with_source), _place(ref_rows, with_source)
    c_short, r_short = _short_place(culprits, with_source), _short_place(ref_rows, with_source)
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
        where = c_short if len(places) <= 2 else (
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
        title = f"{head} ({c_short}): {vals} vs {rvals} ({r_short})"
    else:
        title = f"{c_short}: " + "; ".join(
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
        magnitude=magnitude, culprits=[] if update else [c["id"] for c in culprits])


