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
4. **restated** -- one problem of a number printed in several places (the same check, the
   same severity, statements that agree): one cause.
5. **attached** -- a finding that uses a statement a cause of rule 1 blames joins that
   cause (correcting the statement comes first); a finding about a set of categories (a
   partition's sum) joins the most severe cause that already holds one of its rows; sums
   over one table's categories that fall short alike (the levels of one subgroup family)
   are one *shifted total* otherwise.
6. **single** -- every other finding is a cause of its own.
7. **column** -- single causes of one check about cells of one table column (the P values
   of a P column that no test reproduces), or about numbers of one printed sentence, are one
   cause: one point for the authors.

The explainers live in :mod:`.cause_statements` and :mod:`.cause_percentages`, the record
and its wording in :mod:`.cause_base`.

Each cause says what it explains, what would resolve it (the value that makes every member
consistent), the arithmetic in one line and a neutral question for the authors. Its id
(``cause-<10 hex>``) hashes the trial, the kind and the explanation's key (the culprit rows,
the column and denominator, the table and scheme, or the single finding's id), so it
survives unrelated edits and triage by cause id carries over; triage of member findings
still applies (:func:`cause_verdict`).
"""

from __future__ import annotations

from collections import defaultdict

from trialrecon.checks.cause_base import (
    STATEMENT_KEYS,
    Cause,
    _and,
    _n,
    _num,
    _printed,
    _rows_of,
    _the,
    cause_id,
)
from trialrecon.checks.cause_percentages import (
    denominator_causes,
    rounding_causes,
)
from trialrecon.checks.cause_statements import (
    statement_causes,
)
from trialrecon.checks.context import Context, Row
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import (
    worst,
)
from trialrecon.checks.titles import subject

# ------------------------------------------------------------------ single and attached


def _category_set(f: Finding, by_id: dict[str, Row]) -> bool:
    """A finding about several categories of one quantity (a partition's sum)."""
    rows = _rows_of(f, by_id)
    by_q: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_q[r["quantity"]].add(str(r.get("category") or r.get("subgroup") or ""))
    return any(len(c) >= 2 for c in by_q.values())


def _sum_question(f: Finding, by_id: dict[str, Row]) -> str:
    """The question a reviewer asks of levels that do not add up: their sum against the total.

    The levels are the labelled rows (category or subgroup) of the quantity printed in the
    most categories, of its most common statistic; the total is another row the finding
    quotes (a column's n, an unlabelled count), else the value that would reconcile them.
    """
    rows = _rows_of(f, by_id)
    def label(r: Row) -> str:
        return str(r.get("category") or r.get("subgroup") or "")
    by_q: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if label(r):
            by_q[r["quantity"]].append(r)
    quantity, labelled = max(by_q.items(), key=lambda kv: len({label(r) for r in kv[1]}))
    stats = [r["statistic"] for r in labelled]
    stat = max(sorted(set(stats)), key=stats.count)
    levels = [r for r in labelled if r["statistic"] == stat]
    totals = [r for r in rows if r not in levels and r["statistic"] == stat
              and (r["quantity"] != quantity or not label(r))]
    totals = totals or [r for r in rows if r not in levels and r["statistic"] == "count"]
    place = _the(str(levels[0]["location"]))
    name = quantity.replace("_", " ")
    nums = [_num(r) for r in levels]
    if any(x is None for x in nums):
        return f"Could the authors check the levels of {name} in {place}?"
    pct = "%" if levels[0].get("unit") == "percent" else ""
    shown = f"{sum(x for x in nums if x is not None):.10g}{pct}"
    if totals:
        against = f" against a total of {totals[0]['value']}"
    else:
        against = f" against a total of {f.nearest}{pct}" if f.nearest else ""
    return (f"Could the authors check the levels of {name} in {place}, which add up to "
            f"{shown}{against}?")


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
    pops = set(ctx.vocab.populations())
    quotes = [v for v in f.values if v.quantity not in pops] or list(f.values)
    if _category_set(f, by_id):
        question = _sum_question(f, by_id)
    elif quotes:
        first = quotes[0]
        question = f"Could the authors check {first.printed()} ({_the(first.location)})?"
        if f.nearest:
            question += f" The nearest consistent value is {f.nearest}."
    else:
        question = "Could the authors check this figure?"
    return Cause(id=cause_id(ctx.trial_id, "single", [f.id]), kind="single",
                 severity=f.severity, title=f.title, explains=f.sentence,
                 resolution=resolution, arithmetic=arithmetic, question=question,
                 members=[f], rows=rows, quotes=quotes)


def _value_ids(findings: list[Finding], pops: set[str]) -> set[str]:
    """The ids of the values the findings quote, population counts left out."""
    return {v.id for f in findings for v in f.values if v.quantity not in pops}


def _attach(causes: list[Cause], held: list[set[str]], f: Finding, pops: set[str]) -> bool:
    """Add a partition-sum finding to the most severe cause that holds one of its rows.

    ``held[i]`` is the set of value ids of ``causes[i]``'s members; it grows with the cause.
    """
    own = _value_ids([f], pops)
    order = [s for s in ("error", "inconsistent", "questionable", "note")]
    best = None
    for i, c in enumerate(causes):
        shared = len(own & held[i])
        if shared:
            score = (order.index(c.severity) if c.severity in order else 9, -shared)
            if best is None or score < best[0]:
                best = (score, i)
    if best is None:
        return False
    cause = causes[best[1]]
    held[best[1]] |= own
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
        groups[(f.check, f.severity, f.claim, *(str(r.get(k) or "") for k in STATEMENT_KEYS),
                str(r["value"]))].append(f)
    out = []
    for key in list(groups):  # restated: each member about its own printed statement
        firsts = [m.values[0].id for m in groups[key] if m.values]
        if len(set(firsts)) < len(firsts):
            for i, m in enumerate(groups.pop(key)):
                groups[(*key, str(i))].append(m)
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


def _blames_culprit(causes: list[Cause], f: Finding, origin: dict[str, set[str]]) -> bool:
    """Add ``f`` to the statement cause whose culprit it uses (the largest gap first).

    A finding built on a statement already shown wrong (an OS median below a PFS median
    that the Discussion misquotes) is explained by correcting that statement first.
    """
    if f.severity == "error":
        return False
    ids = {v.id for v in f.values}
    # another check's finding: one check's own findings on the same rows stay its own causes;
    # a note (an update, a trajectory over data cuts) never joins a discrepancy
    hits = [c for c in causes if ids & set(c.culprits) and f.check not in origin[c.id]
            and (f.severity == "note") == (c.severity == "note")]
    if not hits:
        return False
    cause = max(hits, key=lambda c: (c.magnitude, c.id))
    cause.members.append(f)
    cause.severity = worst([m.severity for m in cause.members])
    cause.explains += f" It also accounts for: {f.title}."
    return True


def build_causes(ctx: Context, findings: list[Finding]) -> list[Cause]:
    """Group the flagged findings into causes (see the module docstring), unranked."""
    by_id = {r["id"]: r for r in [*ctx.rows, *ctx.extra_rows]}
    flagged = [f for f in findings if f.severity != "consistent"]
    causes: list[Cause] = []
    claimed: set[str] = set()
    for explainer in (statement_causes, denominator_causes, rounding_causes):
        for cause in explainer(ctx, [f for f in flagged if f.id not in claimed], by_id):
            causes.append(cause)
            claimed.update(m.id for m in cause.members)
    rest = [f for f in flagged if f.id not in claimed]
    origin = {c.id: set(c.checks) for c in causes}
    rest = [f for f in rest if not _blames_culprit(causes, f, origin)]
    later = [f for f in rest if _category_set(f, by_id) and f.severity != "error"]
    causes += restated_causes(ctx, [f for f in rest if f not in later], by_id)
    pops = set(ctx.vocab.populations())
    held = [_value_ids(c.members, pops) for c in causes]
    alone = [f for f in later if not _attach(causes, held, f, pops)]
    causes += family_causes(ctx, alone, by_id)
    return column_causes(ctx, causes, by_id)


def column_causes(ctx: Context, causes: list[Cause], by_id: dict[str, Row]) -> list[Cause]:
    """Single causes of one check about cells of one table column: one cause.

    The P values of a table's P column that no test reproduces, or the cells of one column
    that one check flags alike, are one point for the authors ("the P values of Table 3"),
    with every finding a member.
    """
    groups: dict[tuple[str, ...], list[Cause]] = defaultdict(list)
    out: list[Cause] = []
    for c in causes:
        first = c.quotes[0] if c.kind == "single" and c.quotes else None
        if first is None or c.severity in ("error", "note"):
            out.append(c)
        elif first.column:
            groups[(c.checks[0], first.source, first.location, first.column, first.cohort,
                    first.subgroup)].append(c)
        elif (first.id in by_id and not first.row
              and ctx.kind(first.quantity) not in ("design", "conduct")):
            # text: the printed sentence (a design row that several findings start from is
            # their shared premise, not a sentence with several slips)
            groups[(c.checks[0], first.source, first.location, "",
                    ctx.sentence(by_id[first.id]))].append(c)
        else:
            out.append(c)
    for key, members in groups.items():
        if len(members) == 1:
            out += members
            continue
        findings = [f for c in members for f in c.members]
        claims = list(dict.fromkeys(c.title.rsplit(": ", 1)[-1] for c in members))
        what = (f"column '{key[3]}'" if key[3] else "one sentence")
        title = (f"{key[2]}, {what}: {_n(len(members), 'point')} flagged alike ("
                 + "; ".join(claims[:2]) + (f"; {len(claims) - 2} more" if len(claims) > 2
                                            else "") + ")")
        cause = _merge(ctx, "column", [*key], findings, title, by_id,
                       f"{_n(len(members), 'point')} of {what} of {key[2]} are "
                       "flagged alike: " + " ".join(f.sentence for f in findings[:4])
                       + (f" ({len(findings) - 4} more)" if len(findings) > 4 else ""))
        cause.resolution = ("Check the column as a whole (its test, its denominators): "
                            + "; ".join(c.resolution for c in members[:2]))
        cause.question = (f"How were the values of {what} of {key[2]} obtained? "
                          + " ".join(c.question for c in members[:2]))
        cause.magnitude = max(c.magnitude for c in members)
        out.append(cause)
    return out


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

