"""The reconciliation checks: every inconsistency the printed numbers of a dossier can prove.

Each check is a small function ``(Context) -> list[Finding]`` registered as a :class:`Check`
with an id, a version, a one-line description and its reference. :func:`run_checks` runs them
all, each inside its own try/except, so a failing check becomes a finding of severity
``error`` and never a crash or a silent pass.

Severities: ``inconsistent`` (nothing standard explains the numbers), ``questionable``
(explained only by a non-standard rounding, an unstated denominator or an undeclared
one-sided test), ``note`` (a soft signal), ``consistent``. Rounding is handled with intervals
(:mod:`trialrecon.rounding`): a printed number stands for every value that rounds to it.

The checks know nothing of any particular trial: they read the meaning of each quantity from
the controlled vocabulary (``population``, ``partition_of``, ``ratio_of``) and the cohorts,
arms and sources from ``trial.yaml``.
"""

from __future__ import annotations

import itertools
import math
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from scipy import stats

from trialrecon.dossier import Dossier, vocabulary
from trialrecon.findings import (
    SEVERITIES,
    Finding,
    TriageEntry,
    ValueRef,
    stable_id,
)
from trialrecon.rounding import (
    SCHEMES,
    STANDARD_SCHEMES,
    Interval,
    decimals_of,
    exact,
    format_fraction,
    half_unit,
    printed_interval,
    reproduces,
    round_half_up,
)

Row = dict[str, Any]

# Categories that stand for "not known" in a partition: a total minus these is a denominator
# some papers use, and a partition that lists one cannot be excused as partially listed.
MISSING_LIKE = frozenset({"missing", "unknown", "not available", "not assessed", "not known"})
# Relations between quantities come from the vocabulary (``estimated``, ``includes``,
# ``union_of``), so a new quantity joins these checks by its entry there.
_QUANTITIES = vocabulary().quantities
ESTIMATED_RATES = frozenset(q for q, d in _QUANTITIES.items() if d.get("estimated"))
AT_LEAST: tuple[tuple[str, str], ...] = tuple(
    (q, part) for q, d in _QUANTITIES.items() for part in d.get("includes", ())
) + tuple((q, part) for q, d in _QUANTITIES.items() for part in d.get("union_of", ()))
UNION_OF: dict[str, tuple[str, str]] = {
    q: (d["union_of"][0], d["union_of"][1]) for q, d in _QUANTITIES.items() if d.get("union_of")
}
SKIP_KINDS = frozenset({"design", "external", "conduct"})


class NotApplicable(Exception):
    """Raised by a check that cannot run on this dossier; the message says why."""


# ----------------------------------------------------------------------------- context


@dataclass
class Context:
    """The dossier as the checks see it, with lookups and a finding factory."""

    dossier: Dossier
    rows: list[Row]
    check_id: str = ""
    check_version: str = ""
    seen: set[str] = field(default_factory=set)
    skipped: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, dossier: Dossier) -> Context:
        rows = dossier.values.to_dict("records")
        return cls(dossier=dossier, rows=rows)

    @property
    def trial_id(self) -> str:
        return self.dossier.trial.id

    @property
    def vocab(self):  # noqa: ANN201 - the Vocabulary dataclass of trialrecon.dossier
        return vocabulary()

    def kind(self, quantity: str) -> str:
        return str(self.vocab.quantities.get(quantity, {}).get("kind", ""))

    def partition_of(self, quantity: str) -> str:
        return str(self.vocab.quantities.get(quantity, {}).get("partition_of", "") or "")

    def source_kind(self, source: str) -> str:
        return next((s.kind for s in self.dossier.trial.sources if s.id == source), "")

    def is_registry(self, row: Row) -> bool:
        return self.source_kind(row["source"]) == "registry"

    def see(self, rows: Iterable[Row]) -> None:
        self.seen.update(r["id"] for r in rows)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def parts(self, cohort: str) -> tuple[str, ...]:
        return next((c.parts for c in self.dossier.trial.cohorts if c.id == cohort), ())

    def arm_role(self, arm: str) -> str:
        return next((a.role for a in self.dossier.trial.arms if a.id == arm), "")

    def numeric(self, row: Row) -> bool:
        return not row["marker"] and not _nan(row["value_num"])

    def population_counts(self, row: Row, exclude: str = "") -> list[tuple[str, int, Row]]:
        """Population counts (denominator candidates) of the row's cohort, arm and subgroup.

        Registry counts are used only for registry rows: a registry's enrollment is compared
        with the paper by its own check, not used to recompute the paper's percentages.
        """
        out = []
        pops = set(self.vocab.populations())
        for r in self.rows:
            if (r["quantity"] in pops and r["quantity"] != exclude and r["statistic"] == "count"
                    and self.numeric(r) and r["cohort"] == row["cohort"]
                    and r["arm"] == row["arm"] and r["subgroup"] == row["subgroup"]
                    and (self.is_registry(r) == self.is_registry(row))):
                out.append((r["quantity"], int(r["value_num"]), r))
        return out

    def finding(self, severity: str, title: str, sentence: str, rows: list[Row], *,
                recomputation: dict[str, Any] | None = None, nearest: str | None = None,
                ruled_out: Iterable[str] = (), discriminator: str = "") -> Finding:
        ids = [r["id"] for r in rows]
        return Finding(
            id=stable_id(self.check_id, self.trial_id, ids, discriminator),
            check=self.check_id,
            check_version=self.check_version,
            trial=self.trial_id,
            severity=severity,
            title=title,
            sentence=sentence,
            values=[ValueRef.from_row(r) for r in _unique(rows)],
            recomputation=recomputation or {},
            nearest=nearest,
            explanations_ruled_out=list(ruled_out),
        )


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _unique(rows: list[Row]) -> list[Row]:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["id"] not in seen:
            seen.add(r["id"])
            out.append(r)
    return out


def _domain(unit: str) -> tuple[Fraction | None, Fraction | None]:
    if unit == "percent":
        return Fraction(0), Fraction(100)
    if unit in ("proportion", "probability"):
        return Fraction(0), Fraction(1)
    return Fraction(0), None


def _interval(row: Row) -> Interval:
    lo, hi = _domain(row["unit"])
    return printed_interval(row["value"], row["comparator"] or "=").clip(lo, hi)


def _q(row: Row) -> str:
    """A value quoted with where it stands, for sentences."""
    return f"{ValueRef.from_row(row).printed()} ({row['location']})"


def _f(x: Fraction | float, digits: int = 4) -> str:
    if isinstance(x, Fraction):
        return format_fraction(x, digits)
    return f"{x:.{digits}g}"


def _group(rows: Iterable[Row], cols: tuple[str, ...]) -> dict[tuple[str, ...], list[Row]]:
    out: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in rows:
        out[tuple(str(r[c]) for c in cols)].append(r)
    return out


STATEMENT = ("source", "location", "row", "column", "cohort", "arm", "subgroup", "quantity",
             "category")


def _statements(rows: Iterable[Row]) -> list[dict[str, list[Row]]]:
    """Rows of one printed statement (an estimate with its CI and P) keyed by statistic.

    Rows share source, location, table cell and quantity; when a location states the same
    quantity twice, the anchor tells the statements apart.
    """
    out = []
    for group in _group(rows, STATEMENT).values():
        by_stat: dict[str, list[Row]] = defaultdict(list)
        for r in group:
            by_stat[r["statistic"]].append(r)
        if all(len(v) == 1 for v in by_stat.values()):
            out.append({k: v for k, v in by_stat.items()})
            continue
        for sub in _group(group, ("anchor",)).values():
            out.append({r["statistic"]: [r] for r in sub})
    return [{k: v[0] for k, v in s.items()} for s in out]  # type: ignore[misc]


def _count_partner(ctx: Context, row: Row) -> Row | None:
    """The count printed with a percentage (same statement), if any."""
    cands = [r for r in ctx.rows if r["statistic"] == "count" and ctx.numeric(r)
             and all(r[c] == row[c] for c in STATEMENT)]
    if len(cands) > 1:
        cands = [r for r in cands if r["anchor"] == row["anchor"]] or cands[:0]
    return cands[0] if len(cands) == 1 else None


def _missing_like(category: str) -> bool:
    return category.strip().lower() in MISSING_LIKE


# --------------------------------------------------------------- check 1: same quantity

SAME_KEY = ("cohort", "arm", "subgroup", "quantity", "category", "statistic", "unit", "level")


def _date_cmp(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def check_same_quantity(ctx: Context) -> list[Finding]:
    """The same quantity stated in several places agrees within rounding.

    Each printed number is the interval of values that round to it (comparators respected:
    ``< .001`` is (0, .001)); two statements agree when the open intervals overlap. Dates are
    compared at the coarser precision. A row that ``supersedes`` another is an update: a
    difference is reported as a note. Registry rows are left to the registry check.
    Reference: rounding intervals as in Brown & Heathers (2017), GRIM.
    """
    cands = [r for r in ctx.rows if not ctx.is_registry(r) and not r["marker"] and r["value"]
             and r["statistic"] != "label"]
    by_id = {r["id"]: r for r in ctx.rows}
    out = []
    for group in _group(cands, SAME_KEY).values():
        if len(group) < 2:
            continue
        ctx.see(group)
        bad = []
        for a, b in itertools.combinations(group, 2):
            if a["denominator"] and b["denominator"] and a["denominator"] != b["denominator"]:
                continue  # different populations, not the same quantity
            if a["statistic"] == "date":
                agree = _date_cmp(a["value"], b["value"])
                ia = ib = None
            else:
                ia, ib = _interval(a), _interval(b)
                agree = ia.overlaps(ib)
            if agree:
                continue
            update = bool(a["supersedes"]) != bool(b["supersedes"])
            if update:
                newer, older = (a, b) if a["supersedes"] else (b, a)
                target = by_id.get(newer["supersedes"])
                if target is not None and target is not older and (
                        target["value"] == older["value"] or (
                            target["statistic"] != "date"
                            and _interval(target).overlaps(_interval(older)))):
                    continue  # older restates the superseded value: the direct pair reports it
            bad.append((a, b, ia, ib, update))
        if not bad:
            out.append(ctx.finding(
                "consistent", f"{group[0]['quantity']} stated {len(group)} times, all agree",
                f"The {len(group)} statements of {_what(group[0])} agree within rounding.",
                group, recomputation={"method": "rounding-interval overlap",
                                      "inputs": {r["id"]: r["value"] for r in group}}))
            continue
        for a, b, ia, ib, update in bad:
            rec = {"method": "rounding-interval overlap (|a-b| < half unit a + half unit b)",
                   "inputs": {a["id"]: a["value"], b["id"]: b["value"]},
                   "tried": [f"{a['id']}: {ia.as_text() if ia else a['value']}",
                             f"{b['id']}: {ib.as_text() if ib else b['value']}"],
                   "result": "no overlap"}
            if update:
                newer, older = (a, b) if a["supersedes"] else (b, a)
                out.append(ctx.finding(
                    "note", f"{a['quantity']} updated: {older['value']} -> {newer['value']}",
                    f"{_cap(_what(a))} is {_q(older)} and, in an update, {_q(newer)}.",
                    [a, b], recomputation=rec, ruled_out=["same value within rounding"]))
                continue
            out.append(ctx.finding(
                "inconsistent", f"{a['quantity']} stated as {a['value']} and {b['value']}",
                f"{_cap(_what(a))} is given as {_q(a)} and as {_q(b)}; no rounding "
                f"reconciles the two.", [a, b], recomputation=rec,
                ruled_out=["rounding of either value (intervals do not overlap)",
                           "an update (neither row supersedes the other)"]))
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _what(row: Row) -> str:
    bits = [row["statistic"], row["quantity"]]
    if row["category"]:
        bits.append(f"[{row['category']}]")
    bits.append(f"in {row['cohort']}")
    if row["arm"]:
        bits.append(f"({row['arm']})")
    if row["subgroup"]:
        bits.append(f"subgroup {row['subgroup']}")
    return " ".join(bits)


# --------------------------------------------------------------- check 2: percentages


@dataclass(frozen=True)
class Denominator:
    label: str
    n: int
    natural: bool
    rows: tuple[str, ...] = ()


def _denominators(ctx: Context, row: Row) -> list[Denominator]:
    """Every plausible denominator of a percentage, natural ones first, de-duplicated by n."""
    out: list[Denominator] = []
    if not _nan(row["denominator_num"]):
        out.append(Denominator("stated denominator", int(row["denominator_num"]), True))
    part_of = ctx.partition_of(row["quantity"])
    pops = ctx.population_counts(row, exclude=row["quantity"])
    local = [p for p in pops if p[2]["source"] == row["source"]
             and p[2]["location"] == row["location"]]
    for q, n, r in sorted(pops, key=lambda p: p not in local):
        natural = q == part_of or q in ("enrolled", "randomized")
        out.append(Denominator(q, n, natural, (r["id"],)))
    same = [r for r in ctx.rows if r["quantity"] == row["quantity"]
            and r["statistic"] == "count" and ctx.numeric(r)
            and all(r[c] == row[c] for c in ("source", "location", "cohort", "arm", "subgroup"))]
    missing = sum(int(r["value_num"]) for r in same if _missing_like(r["category"]))
    if missing and not _missing_like(row["category"]):
        for d in list(out):
            out.append(Denominator(f"{d.label} minus stated missing ({missing})",
                                   d.n - missing, False))
    if part_of and len(same) > 1:
        out.append(Denominator("sum of the partition's categories",
                               sum(int(r["value_num"]) for r in same), False,
                               tuple(r["id"] for r in same)))
    best: dict[int, Denominator] = {}
    for d in out:
        if d.n > 0 and (d.n not in best or (d.natural and not best[d.n].natural)):
            best[d.n] = d
    return sorted(best.values(), key=lambda d: (not d.natural, d.n))


def _pooled_derivable(ctx: Context, row: Row) -> bool:
    parts = ctx.parts(row["cohort"])
    if not parts:
        return False
    for part in parts:
        if not any(r["cohort"] == part and r["quantity"] == row["quantity"]
                   and r["category"] == row["category"] and r["arm"] == row["arm"]
                   and r["statistic"] == "count" and ctx.numeric(r) for r in ctx.rows):
            return False
    return True


def _percent_rows(ctx: Context) -> list[Row]:
    return [r for r in ctx.rows if r["statistic"] == "percent" and ctx.numeric(r)
            and (r["comparator"] in ("", "=")) and ctx.kind(r["quantity"]) not in SKIP_KINDS
            and ctx.kind(r["quantity"]) != "ratio" and r["quantity"] not in ESTIMATED_RATES]


def check_percentages(ctx: Context) -> list[Finding]:
    """Each percentage recomputed from its count over every plausible denominator.

    Schemes: half up and half even (standard), truncation and rounding twice (non-standard).
    Consistent when a natural denominator (the stated one, the partition's population, the
    enrolled or randomized count) reproduces the value under a standard scheme; questionable
    when only another population, the total minus a stated missing, the partition's sum or a
    non-standard scheme does; inconsistent otherwise, with the nearest value. A percentage
    without a count is tested as in the GRIM test of Brown & Heathers (2017): does any integer
    count over a plausible denominator give it?
    """
    out = []
    for row in _percent_rows(ctx):
        ctx.see([row])
        partner = _count_partner(ctx, row)
        dens = _denominators(ctx, row)
        if partner is None and _pooled_derivable(ctx, row):
            ctx.skip("pooled percentage without a count: recomputed by the ranges/pooled check")
            continue
        if not dens:
            ctx.skip("no denominator known for the percentage")
            continue
        if partner is not None:
            ctx.see([partner])
            out.append(_percent_with_count(ctx, row, partner, dens))
        else:
            out.append(_percent_without_count(ctx, row, dens))
    return out


def _percent_with_count(ctx: Context, row: Row, partner: Row,
                        dens: list[Denominator]) -> Finding:
    count = int(partner["value_num"])
    tried, hits = [], []
    for d in dens:
        for scheme in SCHEMES:
            ok = reproduces(count, d.n, row["value"], scheme)
            got = SCHEMES[scheme](Fraction(100 * count, d.n), decimals_of(row["value"]))
            tried.append(f"{count}/{d.n} ({d.label}) {scheme}: {_f(got)}"
                         f"{' = printed' if ok else ''}")
            if ok:
                hits.append((d, scheme))
    rows = [row, partner] + [r for d in dens for r in ctx.rows if r["id"] in d.rows][:3]
    rec = {"method": "count / denominator x 100, rounded to the printed decimals",
           "inputs": {"count": count, "printed": row["value"]}, "tried": tried}
    good = [(d, s) for d, s in hits if d.natural and s in STANDARD_SCHEMES]
    if good:
        d, s = good[0]
        rec["result"] = f"{count}/{d.n} ({d.label}, {s})"
        return ctx.finding("consistent", f"{row['value']}% = {count}/{d.n}",
                           f"{_q(row)} is {count}/{d.n} ({d.label}).", [row, partner],
                           recomputation=rec)
    if hits:
        d, s = sorted(hits, key=lambda h: (h[1] not in STANDARD_SCHEMES, not h[0].natural))[0]
        rec["result"] = f"{count}/{d.n} ({d.label}, {s})"
        why = []
        if not d.natural:
            why.append(f"the denominator {d.n} ({d.label})")
        if s not in STANDARD_SCHEMES:
            why.append(f"{s.replace('_', ' ')} rounding")
        return ctx.finding(
            "questionable", f"{row['value']}% reproduced only with {' and '.join(why)}",
            f"{_q(row)} with count {count} is reproduced only with {' and '.join(why)}, not by a "
            "natural denominator under standard rounding.", rows, recomputation=rec,
            ruled_out=[f"{count}/{d2.n} ({d2.label}) under half up / half even" for d2 in dens
                       if d2.natural], discriminator=row["id"])
    nearest = _nearest_count(count, dens, row["value"])
    rec["result"] = "no denominator and scheme reproduces the printed value"
    return ctx.finding(
        "inconsistent", f"{row['value']}% not reproduced by {count} over any denominator",
        f"{_q(row)} with count {count} matches no plausible denominator under any rounding; the "
        f"nearest is {nearest}.", rows, recomputation=rec, nearest=nearest,
        ruled_out=[f"{count}/{d.n} ({d.label})" for d in dens], discriminator=row["id"])


def _nearest_count(count: int, dens: list[Denominator], printed: str) -> str:
    """The closest recomputed value, and the denominator the printed value would need."""
    target = exact(printed)
    d = min(dens, key=lambda d: (abs(Fraction(100 * count, d.n) - target), not d.natural))
    value = round_half_up(Fraction(100 * count, d.n), decimals_of(printed))
    text = f"{_f(value)}% ({count}/{d.n}, {d.label})"
    ref = dens[0].n
    needed = [n for n in range(max(count, 1), 2 * ref + 1)
              if any(reproduces(count, n, printed, s) for s in STANDARD_SCHEMES)]
    if needed:
        n = min(needed, key=lambda n: (abs(n - ref), n))
        text += f"; the printed value needs a denominator of {n} ({count}/{n})"
    return text


def _grim(n: int, printed: str, schemes: Iterable[str]) -> list[int]:
    """Every integer count k in 0..n whose k/n rounds to the printed percentage (GRIM)."""
    target = exact(printed)
    guess = int(target * n / 100)
    ks = range(max(0, guess - 2), min(n, guess + 3) + 1)
    return [k for k in ks if any(reproduces(k, n, printed, s) for s in schemes)]


def _percent_without_count(ctx: Context, row: Row, dens: list[Denominator]) -> Finding:
    tried = []
    for standard in (True, False):
        schemes = STANDARD_SCHEMES if standard else tuple(SCHEMES)
        for d in dens:
            ks = _grim(d.n, row["value"], schemes)
            tried.append(f"n = {d.n} ({d.label}): counts {ks or 'none'}"
                         f"{'' if standard else ' (any scheme)'}")
            if ks:
                rec = {"method": "GRIM: integer counts k with k/n rounding to the printed value",
                       "inputs": {"printed": row["value"]}, "tried": tried,
                       "result": f"{ks[0]}/{d.n} ({d.label})"}
                if standard:
                    return ctx.finding(
                        "consistent", f"{row['value']}% = {ks[0]}/{d.n}",
                        f"{_q(row)} is reproduced by {ks[0]}/{d.n} ({d.label}).", [row],
                        recomputation=rec)
                return ctx.finding(
                    "questionable", f"{row['value']}% needs non-standard rounding",
                    f"{_q(row)} is reproduced only with non-standard rounding "
                    f"({ks[0]}/{d.n}, {d.label}).", [row], recomputation=rec,
                    ruled_out=["any integer count over the plausible denominators, standard "
                               "rounding"])
    target = exact(row["value"])
    best = min(((abs(Fraction(100 * k, d.n) - target), k, d) for d in dens
                for k in _grim(d.n, str(round(float(target))), ("half_up",)) or
                [int(target * d.n / 100)]), key=lambda t: t[0])
    value = round_half_up(Fraction(100 * best[1], best[2].n), decimals_of(row["value"]))
    nearest = f"{_f(value)}% ({best[1]}/{best[2].n}, {best[2].label})"
    return ctx.finding(
        "inconsistent", f"{row['value']}% is not k/n for any count k",
        f"No whole number of patients over any plausible denominator gives {_q(row)}; the "
        f"nearest is {nearest}.", [row],
        recomputation={"method": "GRIM over plausible denominators", "inputs":
                       {"printed": row["value"]}, "tried": tried, "result": "none"},
        nearest=nearest, ruled_out=[f"any k/{d.n} ({d.label})" for d in dens])


# ---------------------------------------------------------------- check 3: partitions


def _subgroup_family(subgroup: str) -> tuple[str, str] | None:
    """``"GI / Grade 1"`` -> (parent ``"GI"``, family ``"Grade"``); None when not a level."""
    if " / " not in subgroup:
        return None
    parent, level = subgroup.split(" / ", 1)
    family = level.rsplit(" ", 1)[0] if " " in level else ""
    return parent, family


def check_partitions(ctx: Context) -> list[Finding]:
    """Categories of a partition sum to their total, and their percentages to 100.

    A partition is a quantity the vocabulary marks ``partition_of`` a population (response
    categories, strata with their missing, primary sites), per source, location, cohort and
    arm; and the levels of a subgroup family (``<parent> / <family> <level>``), which must sum
    to the parent's count, or at least agree with the other families of the same parent.
    A shortfall with no missing category listed is questionable (an unlisted category could
    explain it); any other difference is inconsistent. Percentages may miss 100 by at most the
    sum of their half units.
    """
    out = []
    parts = [r for r in ctx.rows if ctx.partition_of(r["quantity"]) and ctx.numeric(r)]
    for group in _group(parts, ("source", "location", "cohort", "arm", "subgroup",
                                "quantity")).values():
        counts = [r for r in group if r["statistic"] == "count"]
        pcts = [r for r in group if r["statistic"] == "percent"]
        if len(counts) >= 2:
            out.extend(_count_partition(ctx, counts))
        if len(pcts) >= 2:
            f = _percent_partition(ctx, pcts, counts)
            if f:
                out.append(f)
    out.extend(_subgroup_partitions(ctx))
    return out


def _total_candidates(ctx: Context, ref: Row, quantity: str) -> list[Row]:
    rows = [r for r in ctx.rows if r["quantity"] == quantity and r["statistic"] == "count"
            and ctx.numeric(r) and r["cohort"] == ref["cohort"] and r["arm"] == ref["arm"]
            and r["subgroup"] == ref["subgroup"] and ctx.is_registry(r) == ctx.is_registry(ref)]
    for scope in (("source", "location"), ("source",), ()):
        local = [r for r in rows if all(r[c] == ref[c] for c in scope)]
        if local:
            return local
    return []


def _count_partition(ctx: Context, counts: list[Row]) -> list[Finding]:
    ref = counts[0]
    total_q = ctx.partition_of(ref["quantity"])
    totals = _total_candidates(ctx, ref, total_q)
    ctx.see(counts)
    if not totals:
        ctx.skip("partition without a total")
        return []
    ctx.see(totals)
    s = sum(int(r["value_num"]) for r in counts)
    values = sorted({int(r["value_num"]) for r in totals})
    rec = {"method": "sum of the categories against the total",
           "inputs": {r["category"]: int(r["value_num"]) for r in counts},
           "tried": [f"total {total_q} = {v}" for v in values], "result": f"sum {s}"}
    cats = " + ".join(f"{int(r['value_num'])} {r['category']}" for r in counts)
    if s in values:
        tot = next(r for r in totals if int(r["value_num"]) == s)
        return [ctx.finding("consistent", f"{ref['quantity']} sums to {s}",
                            f"The categories of {ref['quantity']} in {ref['cohort']} "
                            f"({ref['location']}) sum to the {total_q} count {s}.",
                            [*counts, tot], recomputation=rec)]
    tot = totals[0]
    total = int(tot["value_num"])
    has_missing = any(_missing_like(r["category"]) for r in counts)
    severity = "questionable" if s < total and not has_missing else "inconsistent"
    why = (" An unlisted category (such as missing) could explain the shortfall."
           if severity == "questionable" else "")
    return [ctx.finding(
        severity, f"{ref['quantity']} categories sum to {s}, total {total}",
        f"In {ref['cohort']} ({ref['location']}), {cats} = {s}, but the {total_q} count is "
        f"{_q(tot)}.{why}", [*counts, tot], recomputation=rec, nearest=str(total),
        ruled_out=[] if severity == "questionable" else ["a missing category (one is listed)"
                                                         if has_missing else
                                                         "an unlisted category (the sum "
                                                         "exceeds the total)"])]


def _percent_partition(ctx: Context, pcts: list[Row], counts: list[Row]) -> Finding | None:
    ctx.see(pcts)
    with_pct = {r["category"] for r in pcts}
    lacking = [r for r in counts if r["category"] not in with_pct and r["value_num"] > 0]
    total = sum((exact(r["value"]) for r in pcts), Fraction(0))
    slack = sum((half_unit(r["value"]) for r in pcts), Fraction(0))
    targets = [Fraction(100)]
    if lacking and not all(_missing_like(r["category"]) for r in lacking):
        if total <= 100 + slack:
            ctx.skip("percentages of a partly printed partition")
            return None
    if lacking:
        tot = _total_candidates(ctx, pcts[0], ctx.partition_of(pcts[0]["quantity"]))
        miss = sum(int(r["value_num"]) for r in lacking)
        for t in tot:
            if t["value_num"] > 0:
                targets.append(Fraction(100) * (int(t["value_num"]) - miss) / int(t["value_num"]))
    if not counts and total <= 100 + slack:
        ctx.skip("percentages of a partition without counts (may be partly listed)")
        return None
    ok = any(abs(total - t) <= slack for t in targets)
    rec = {"method": "sum of the printed percentages against 100, slack = sum of half units",
           "inputs": {r["category"]: r["value"] for r in pcts},
           "tried": [f"target {_f(t)}" for t in targets],
           "result": f"sum {_f(total)} (slack {_f(slack)})"}
    ref = pcts[0]
    if ok:
        return ctx.finding("consistent", f"{ref['quantity']} percentages sum to {_f(total)}",
                           f"The percentages of {ref['quantity']} in {ref['cohort']} "
                           f"({ref['location']}) sum to {_f(total)}, 100 within rounding.",
                           pcts, recomputation=rec, discriminator="percent-sum")
    return ctx.finding(
        "inconsistent", f"{ref['quantity']} percentages sum to {_f(total)}",
        f"The percentages of {ref['quantity']} in {ref['cohort']} ({ref['location']}) sum to "
        f"{_f(total)}; rounding allows at most {_f(slack)} away from 100.", pcts,
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
        totals = [r for r in ctx.rows if r["quantity"] == quantity and r["category"] == category
                  and r["statistic"] == "count" and ctx.numeric(r) and r["cohort"] == cohort
                  and r["arm"] == arm and r["subgroup"] in (parent, f"{parent} overall")]
        sums = {f: sum(int(r["value_num"]) for r in members) for f, members in families.items()
                if len(members) >= 2}
        if not sums:
            continue
        if totals:
            reference, ref_rows = int(totals[0]["value_num"]), [totals[0]]
            ref_label = f"the {parent} total {_q(totals[0])}"
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
            missing = any(_missing_like(r["subgroup"].rsplit(" ", 1)[-1]) for r in members)
            severity = "questionable" if s < reference and not missing else "inconsistent"
            out.append(ctx.finding(
                severity, f"{parent} / {family}: {quantity} sums to {s}, not {reference}",
                f"The {family} levels of {parent} ({arm or 'all arms'}) sum to {s} {quantity}, "
                f"against {ref_label}.", members + ref_rows, recomputation=rec,
                nearest=str(reference)))
    return out


# ------------------------------------------------------------ check 4: proportion CIs


def check_proportion_cis(ctx: Context) -> list[Finding]:
    """Each reported CI of a proportion reproduced by a named method.

    The counts come from the printed count, or from every integer count over a plausible
    denominator that reproduces the printed percentage; the methods are those of
    :mod:`trialrecon.proportions` (Clopper-Pearson, Wilson, Wilson with continuity correction
    of Newcombe 1998, Agresti-Coull, Jeffreys and Wald of Brown, Cai & DasGupta 2001, mid-p).
    Inconsistent when no method reproduces both bounds at the printed precision.
    """
    from trialrecon.proportions import identify_ci_method

    out = []
    cand = [r for r in ctx.rows if ctx.numeric(r) and r["unit"] in ("percent", "proportion")
            and ctx.kind(r["quantity"]) not in SKIP_KINDS | {"ratio"}
            and r["quantity"] not in ESTIMATED_RATES]
    for st in _statements(cand):
        if "ci_low" not in st or "ci_high" not in st:
            continue
        est = st.get("percent") or st.get("proportion")
        if est is None:
            continue
        lo, hi = st["ci_low"], st["ci_high"]
        rows = [est, lo, hi]
        ctx.see(rows)
        scale = 100.0 if est["unit"] == "percent" else 1.0
        level = float(lo["level"] or 95) / 100
        pairs = _count_pairs(ctx, est)
        if not pairs:
            ctx.skip("CI without a count or denominator")
            continue
        best = None
        tried = []
        for x, n, label in pairs:
            ident = identify_ci_method(
                x, n, float(lo["value_num"]), float(hi["value_num"]),
                decimals=decimals_of(lo["value"]), decimals_high=decimals_of(hi["value"]),
                scale=scale, level=level)
            tried.append(f"{x}/{n} ({label}): "
                         + (", ".join(ident.matching_methods) or
                            f"none; closest {ident.closest.method} "
                            f"{ident.closest.lower:.2f} to {ident.closest.upper:.2f}"))
            if ident.matching_methods:
                rec = {"method": "proportion CI method identification", "inputs":
                       {"x": x, "n": n, "reported": [lo["value"], hi["value"]],
                        "level": level}, "tried": tried,
                       "result": ", ".join(ident.matching_methods)}
                out.append(ctx.finding(
                    "consistent", f"CI {lo['value']}-{hi['value']} = "
                    f"{ident.matching_methods[0]} for {x}/{n}",
                    f"The CI ({lo['value']} to {hi['value']}) of {_q(est)} is reproduced by "
                    f"{', '.join(ident.matching_methods)} for {x}/{n} ({label}).", rows,
                    recomputation=rec))
                best = None
                break
            if best is None or ident.closest.distance < best[0].closest.distance:
                best = (ident, label)
        else:
            ident, label = best  # type: ignore[misc]
            c = ident.closest
            nearest = f"{c.method}: {c.lower:.2f} to {c.upper:.2f} ({ident.x}/{ident.n}, {label})"
            out.append(ctx.finding(
                "inconsistent", f"CI {lo['value']}-{hi['value']} matches no method",
                f"No standard method reproduces the CI ({lo['value']} to {hi['value']}) of "
                f"{_q(est)}; the closest is {nearest}.", rows,
                recomputation={"method": "proportion CI method identification",
                               "inputs": {"reported": [lo["value"], hi["value"]],
                                          "level": level}, "tried": tried,
                               "result": "no method matches"},
                nearest=nearest, ruled_out=[f"the seven methods for {p[0]}/{p[1]}"
                                            for p in pairs]))
    return out


def _count_pairs(ctx: Context, est: Row) -> list[tuple[int, int, str]]:
    """Candidate (x, n) for a printed proportion: its count, or GRIM counts per denominator."""
    dens = _denominators(ctx, est)
    partner = _count_partner(ctx, est)
    printed = est["value"] if est["unit"] == "percent" else str(exact(est["value"]) * 100)
    out = []
    for d in dens:
        if partner is not None:
            x = int(partner["value_num"])
            if x <= d.n and any(reproduces(x, d.n, printed, s) for s in STANDARD_SCHEMES):
                out.append((x, d.n, d.label))
        else:
            out.extend((k, d.n, d.label) for k in _grim(d.n, printed, STANDARD_SCHEMES))
    if partner is not None and not out and dens:
        out.append((int(partner["value_num"]), dens[0].n, dens[0].label))
    return out


# ------------------------------------------------------------- check 5: ratio estimates


def _z(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _p_from_ci(est: float, lo: float, hi: float, level: float) -> float:
    """Two-sided P from an estimate and its CI (Altman & Bland 2011, BMJ 343:d2304).

    SE = (log hi - log lo) / (2 z); z = |log est| / SE; P from the exact normal tail.
    """
    se = (math.log(hi) - math.log(lo)) / (2 * _z(level))
    if se <= 0:
        return 0.0 if est != 1 else 1.0
    return float(2 * stats.norm.sf(abs(math.log(est)) / se))


def _box(row: Row) -> tuple[float, float]:
    iv = _interval(row)
    lo = float(iv.low) if iv.low is not None else 0.0
    hi = float(iv.high) if iv.high is not None else math.inf
    return max(lo, 1e-12), hi


def implied_p_interval(est: Row, lo: Row, hi: Row, level: float) -> tuple[float, float]:
    """Range of the Altman-Bland P over the rounding box of (estimate, lower, upper)."""
    e, l_, h = _box(est), _box(lo), _box(hi)
    es = list(e) + ([1.0] if e[0] <= 1 <= e[1] else [])
    ps = [_p_from_ci(a, b, c, level) for a in es for b in l_ for c in h if b < c]
    return min(ps), max(ps)


def _p_interval(row: Row) -> tuple[float, float]:
    iv = printed_interval(row["value"], row["comparator"] or "=").clip(Fraction(0), Fraction(1))
    return float(iv.low or 0), float(iv.high if iv.high is not None else 1)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _significant(p: tuple[float, float], alpha: float = 0.05) -> bool | None:
    if p[1] < alpha:
        return True
    if p[0] > alpha:
        return False
    return None


def check_ratio_estimates(ctx: Context) -> list[Finding]:
    """HR, OR and RR: estimate inside the CI, log symmetry, and the P implied by the CI.

    The P value is recovered from the CI as in Altman & Bland (2011), BMJ 343:d2304, evaluated
    over the rounding box of the three printed numbers, and compared with the reported P
    (comparator aware). A difference where significance at 0.05 flips is a gross
    inconsistency as statcheck defines it (Nuijten et al. 2016, Behav Res Methods 48:1205).
    A reported P matching only the one-sided implied P is questionable unless declared.
    """
    out = []
    cand = [r for r in ctx.rows if ctx.kind(r["quantity"]) == "ratio" and ctx.numeric(r)]
    for st in _statements(cand):
        est, lo, hi, p = (st.get(k) for k in ("estimate", "ci_low", "ci_high", "p_value"))
        if est is None or lo is None or hi is None:
            continue
        ctx.see([x for x in (est, lo, hi, p) if x])
        level = float(lo["level"] or 95) / 100
        e, a, b = est["value_num"], lo["value_num"], hi["value_num"]
        if not (a <= e <= b):
            out.append(ctx.finding(
                "inconsistent", f"estimate {est['value']} outside its CI {lo['value']}-"
                f"{hi['value']}", f"The {est['quantity']} {_q(est)} lies outside its own CI "
                f"({lo['value']} to {hi['value']}).", [est, lo, hi],
                recomputation={"method": "lower <= estimate <= upper",
                               "inputs": {"estimate": e, "lower": a, "upper": b},
                               "result": "outside"}, discriminator="inside",
                ruled_out=["rounding (the printed order is already wrong)"]))
            continue
        if a <= 0:
            ctx.skip("ratio CI with a non-positive bound")
            continue
        out.append(_log_symmetry(ctx, est, lo, hi))
        if p is not None:
            out.append(_p_versus_ci(ctx, est, lo, hi, p, level))
    return out


def _log_symmetry(ctx: Context, est: Row, lo: Row, hi: Row) -> Finding:
    """A Wald CI on the log scale is symmetric: estimate^2 = lower x upper (within rounding)."""
    e, l_, h = _box(est), _box(lo), _box(hi)
    sq = (e[0] ** 2, e[1] ** 2)
    prod = (l_[0] * h[0], l_[1] * h[1])
    geo = math.sqrt(lo["value_num"] * hi["value_num"])
    rec = {"method": "log-scale symmetry: estimate^2 against lower x upper over rounding box",
           "inputs": {"estimate": est["value"], "lower": lo["value"], "upper": hi["value"]},
           "tried": [f"estimate^2 in [{sq[0]:.5g}, {sq[1]:.5g}]",
                     f"lower x upper in [{prod[0]:.5g}, {prod[1]:.5g}]"],
           "result": f"geometric mean of the bounds {geo:.4g}"}
    if _overlap(sq, prod):
        return ctx.finding("consistent", f"CI of {est['value']} symmetric on the log scale",
                           f"The CI ({lo['value']} to {hi['value']}) is centred on {_q(est)} on "
                           "the log scale.", [est, lo, hi], recomputation=rec,
                           discriminator="symmetry")
    return ctx.finding(
        "questionable", f"CI {lo['value']}-{hi['value']} not centred on {est['value']}",
        f"On the log scale the CI ({lo['value']} to {hi['value']}) is centred on {geo:.3g}, not "
        f"on {_q(est)}: not a Wald interval, or a misprint.", [est, lo, hi], recomputation=rec,
        nearest=f"{geo:.3g}", discriminator="symmetry",
        ruled_out=["rounding of the three numbers"])


def _p_versus_ci(ctx: Context, est: Row, lo: Row, hi: Row, p: Row, level: float) -> Finding:
    two = implied_p_interval(est, lo, hi, level)
    one = (two[0] / 2, two[1] / 2)
    rep = _p_interval(p)
    rows = [est, lo, hi, p]
    declared_one = p["sided"] == "one_sided"
    rec = {"method": "P from CI (Altman & Bland 2011), exact normal, over the rounding box",
           "inputs": {"estimate": est["value"], "lower": lo["value"], "upper": hi["value"],
                      "level": level, "reported_p": f"{p['comparator'] or '='} {p['value']}"},
           "tried": [f"two-sided implied P in [{two[0]:.3g}, {two[1]:.3g}]",
                     f"one-sided implied P in [{one[0]:.3g}, {one[1]:.3g}]"],
           "result": f"reported P in [{rep[0]:.3g}, {rep[1]:.3g}]"}
    primary = one if declared_one else two
    label = "one-sided (declared)" if declared_one else "two-sided"
    if _overlap(primary, rep):
        return ctx.finding("consistent", f"P {p['value']} agrees with the CI",
                           f"The {label} P implied by the CI ({primary[0]:.3g} to "
                           f"{primary[1]:.3g}) agrees with {_q(p)}.", rows, recomputation=rec,
                           discriminator="p")
    if not declared_one and _overlap(one, rep):
        return ctx.finding(
            "questionable", f"P {p['value']} matches only a one-sided test",
            f"{_q(p)} agrees with the one-sided P implied by the CI ({one[0]:.3g} to "
            f"{one[1]:.3g}), not the two-sided ({two[0]:.3g} to {two[1]:.3g}); the paper does "
            "not say the test is one-sided.", rows, recomputation=rec, discriminator="p",
            nearest=f"{two[0]:.3g} to {two[1]:.3g}",
            ruled_out=["two-sided P over the rounding box"])
    gross = (_significant(primary) is not None and _significant(rep) is not None
             and _significant(primary) != _significant(rep))
    rec["gross"] = gross
    title = ("gross inconsistency: " if gross else "") + f"P {p['value']} disagrees with the CI"
    return ctx.finding(
        "inconsistent", title,
        f"The CI ({lo['value']} to {hi['value']}) around {_q(est)} implies a {label} P between "
        f"{primary[0]:.3g} and {primary[1]:.3g}, but the paper reports {_q(p)}"
        + ("; significance at 0.05 flips." if gross else "."), rows, recomputation=rec,
        discriminator="p", nearest=f"{primary[0]:.3g} to {primary[1]:.3g}",
        ruled_out=["rounding of estimate and bounds", "a one-sided test"])


# --------------------------------------------------------- check 6: HR against medians


def _medians(ctx: Context, quantity: str, cohort: str, subgroup: str,
             source: str) -> dict[str, Row]:
    rows = [r for r in ctx.rows if r["quantity"] == quantity and r["statistic"] == "median"
            and ctx.numeric(r) and r["cohort"] == cohort and r["subgroup"] == subgroup
            and r["arm"] and not ctx.is_registry(r)]
    out: dict[str, Row] = {}
    for r in sorted(rows, key=lambda r: r["source"] != source):
        out.setdefault(ctx.arm_role(r["arm"]), r)
    return out


def check_hr_medians(ctx: Context) -> list[Finding]:
    """The ratio of median survival times against the reported HR (a soft note).

    Under exponential survival the HR equals median(comparator) / median(experimental); the
    check notes an HR whose CI excludes that ratio (rounding box of both medians). Only a
    note: the relation fails when hazards are not constant.
    """
    out = []
    if len(ctx.dossier.trial.arms) != 2:
        raise NotApplicable("needs a trial with exactly two arms")
    cand = [r for r in ctx.rows if ctx.kind(r["quantity"]) == "ratio" and ctx.numeric(r)]
    for st in _statements(cand):
        est, lo, hi = st.get("estimate"), st.get("ci_low"), st.get("ci_high")
        if est is None or lo is None or hi is None:
            continue
        base = str(ctx.vocab.quantities[est["quantity"]].get("ratio_of", ""))
        meds = _medians(ctx, base, est["cohort"], est["subgroup"], est["source"])
        if "experimental" not in meds or "comparator" not in meds:
            ctx.skip("HR without both arms' medians")
            continue
        me, mc = meds["experimental"], meds["comparator"]
        rows = [est, lo, hi, me, mc]
        ctx.see(rows)
        ie, ic = _box(me), _box(mc)
        ratio = (ic[0] / ie[1], ic[1] / ie[0] if ie[0] > 0 else math.inf)
        ci = (_box(lo)[0], _box(hi)[1])
        rec = {"method": "median(comparator) / median(experimental), exponential survival",
               "inputs": {"experimental": me["value"], "comparator": mc["value"],
                          "hr": est["value"], "ci": [lo["value"], hi["value"]]},
               "tried": [f"median ratio in [{ratio[0]:.3g}, {ratio[1]:.3g}]"],
               "result": f"point ratio {mc['value_num'] / me['value_num']:.3g}"}
        if _overlap(ratio, ci):
            out.append(ctx.finding(
                "consistent", f"median ratio within the HR CI ({est['value']})",
                f"The median ratio {mc['value']}/{me['value']} = "
                f"{mc['value_num'] / me['value_num']:.2f} lies within the CI of {_q(est)}.",
                rows, recomputation=rec))
        else:
            out.append(ctx.finding(
                "note", f"median ratio {mc['value_num'] / me['value_num']:.2f} outside HR CI",
                f"The median ratio {mc['value']}/{me['value']} = "
                f"{mc['value_num'] / me['value_num']:.2f} lies outside the CI ({lo['value']} to "
                f"{hi['value']}) of {_q(est)}; a soft signal, as hazards need not be constant.",
                rows, recomputation=rec, nearest=f"{mc['value_num'] / me['value_num']:.2f}"))
    return out


# ------------------------------------------------------------ check 7: tests from counts


def _arm_counts(ctx: Context, p: Row, arm: str) -> tuple[list[int], int, list[Row]] | None:
    """Candidate event counts and the size of an arm for the comparison a P value belongs to."""
    rows = [r for r in ctx.rows if r["arm"] == arm and r["source"] == p["source"]
            and all(r[c] == p[c] for c in ("cohort", "subgroup", "quantity", "category"))
            and ctx.numeric(r) and r["statistic"] in ("count", "percent")]
    local = [r for r in rows if r["location"] == p["location"]] or rows
    count = next((r for r in local if r["statistic"] == "count"), None)
    pct = next((r for r in local if r["statistic"] == "percent"), None)
    ref = count or pct
    if ref is None:
        return None
    dens = _denominators(ctx, ref)
    if not dens:
        return None
    n = dens[0].n
    if count is not None:
        return [int(count["value_num"])], n, [count]
    ks = _grim(n, pct["value"], STANDARD_SCHEMES)  # type: ignore[index]
    return (ks, n, [pct]) if ks else None  # type: ignore[list-item]


def _two_by_two_ps(a: int, n1: int, b: int, n2: int) -> dict[str, float]:
    """P values of a 2x2 table: Fisher's exact (two- and one-sided), chi-square with and
    without Yates' correction (Pearson 1900; Yates 1934; Fisher 1935)."""
    table = [[a, n1 - a], [b, n2 - b]]
    out = {"fisher": float(stats.fisher_exact(table).pvalue)}
    out["fisher_one_sided"] = min(float(stats.fisher_exact(table, alternative="greater").pvalue),
                                  float(stats.fisher_exact(table, alternative="less").pvalue))
    if (a + b) in (0, n1 + n2):
        out["chi2"] = out["chi2_yates"] = 1.0
    else:
        out["chi2"] = float(stats.chi2_contingency(table, correction=False).pvalue)
        out["chi2_yates"] = float(stats.chi2_contingency(table, correction=True).pvalue)
    return out


def check_tests_from_counts(ctx: Context) -> list[Finding]:
    """Fisher's exact and chi-square P values of a rebuilt 2x2 table against the reported P.

    The table is rebuilt from the events (or the percentages, every integer count that gives
    them) of the two arms; Fisher (1935) exact test, Pearson's chi-square with and without
    Yates' correction. Consistent when any two-sided test reproduces the reported P (comparator
    aware); questionable when only a one-sided Fisher test does and none is declared.
    """
    arms = [a for a in ctx.dossier.trial.arms]
    if len(arms) != 2:
        raise NotApplicable("needs a trial with exactly two arms")
    exp = next((a.id for a in arms if a.role == "experimental"), arms[0].id)
    comp = next(a.id for a in arms if a.id != exp)
    out = []
    for p in [r for r in ctx.rows if r["statistic"] == "p_value" and not r["arm"]
              and ctx.numeric(r) and ctx.kind(r["quantity"]) not in ("ratio", "design")]:
        ce, cc = _arm_counts(ctx, p, exp), _arm_counts(ctx, p, comp)
        if ce is None or cc is None:
            ctx.skip("P value without both arms' counts")
            continue
        rows = [p, *ce[2], *cc[2]]
        ctx.see(rows)
        rep = _p_interval(p)
        combos = list(itertools.product(ce[0], cc[0]))[:100]
        found: dict[str, tuple[int, int, float]] = {}
        tried = []
        for a, b in combos:
            ps = _two_by_two_ps(a, ce[1], b, cc[1])
            tried.append(f"{a}/{ce[1]} vs {b}/{cc[1]}: " +
                         ", ".join(f"{k} {v:.3g}" for k, v in ps.items()))
            for k, v in ps.items():
                if _overlap((v, v), rep) and k not in found:
                    found[k] = (a, b, v)
        rec = {"method": "2x2 table rebuilt from the arms; Fisher exact and chi-square",
               "inputs": {"reported_p": f"{p['comparator'] or '='} {p['value']}"},
               "tried": tried}
        two = [k for k in ("fisher", "chi2", "chi2_yates") if k in found]
        declared = p["sided"] == "one_sided"
        if two or (declared and "fisher_one_sided" in found):
            k = two[0] if two else "fisher_one_sided"
            a, b, v = found[k]
            rec["result"] = f"{k} P = {v:.3g} for {a}/{ce[1]} vs {b}/{cc[1]}"
            out.append(ctx.finding("consistent", f"P {p['value']} reproduced ({k})",
                                   f"{_q(p)} is reproduced by {k.replace('_', ' ')} for "
                                   f"{a}/{ce[1]} vs {b}/{cc[1]}.", rows, recomputation=rec))
            continue
        if "fisher_one_sided" in found:
            a, b, v = found["fisher_one_sided"]
            rec["result"] = f"one-sided Fisher P = {v:.3g}"
            out.append(ctx.finding(
                "questionable", f"P {p['value']} matches only a one-sided Fisher test",
                f"{_q(p)} is reproduced only by a one-sided Fisher test ({a}/{ce[1]} vs "
                f"{b}/{cc[1]}), which the paper does not declare.", rows, recomputation=rec,
                ruled_out=["two-sided Fisher", "chi-square with and without Yates"]))
            continue
        a, b = combos[0]
        ps = _two_by_two_ps(a, ce[1], b, cc[1])
        gross = _significant((ps["fisher"], ps["fisher"])) != _significant(rep) and \
            _significant(rep) is not None
        rec["result"] = "no test reproduces the reported P"
        rec["gross"] = gross
        # Counts read back from percentages over an assumed arm size: the analysis population
        # (safety, evaluable) may differ, so without printed counts the finding is softer.
        inferred = any(r["statistic"] == "percent" for r in rows)
        out.append(ctx.finding(
            "questionable" if inferred and not gross else "inconsistent",
            ("gross inconsistency: " if gross else "")
            + f"P {p['value']} not reproduced by the counts",
            f"For {a}/{ce[1]} vs {b}/{cc[1]} Fisher's exact P is {ps['fisher']:.3g} and "
            f"chi-square P {ps['chi2']:.3g}, against {_q(p)}.", rows, recomputation=rec,
            nearest=f"Fisher P {ps['fisher']:.3g}",
            ruled_out=["Fisher exact (two- and one-sided)", "chi-square with/without Yates"]))
    return out


# ------------------------------------------------------------ check 8: decision rule


def _design_value(ctx: Context, quantity: str) -> tuple[float, Row] | None:
    rows = [r for r in ctx.rows if r["quantity"] == quantity and ctx.numeric(r)
            and not ctx.is_registry(r)]
    if not rows:
        return None
    r = rows[0]
    v = float(r["value_num"])
    return (v / 100 if r["unit"] == "percent" else v), r


def check_decision_rule(ctx: Context) -> list[Finding]:
    """The single-stage design's rule (reject H0 when X >= r) against the design and the data.

    r is the smallest count with P(X >= r | p0) <= alpha at the planned n (A'Hern 2001, Br J
    Cancer 84:1283; Simon 1989 for the framework). The planned n must attain the stated power
    at p1; the observed responders give the exact one-sided P under p0, compared with any P
    the paper reports for the response rate.
    """
    from trialrecon.design import exact_p_value, exact_single_stage

    got = {q: _design_value(ctx, q) for q in ("design_p0", "design_p1", "design_alpha",
                                               "design_power", "design_n_per_group",
                                               "design_n_total")}
    n_row = got["design_n_per_group"] or got["design_n_total"]
    if got["design_p0"] is None or got["design_alpha"] is None or n_row is None:
        raise NotApplicable("no single-arm design (p0, alpha and planned n) in the dossier")
    p0, p0_row = got["design_p0"]
    alpha, a_row = got["design_alpha"]
    n, nr = int(n_row[0]), n_row[1]
    r = next(k for k in range(n + 2) if k > n or exact_p_value(k, n, p0) <= alpha)
    out = []
    design_rows = [p0_row, a_row, nr]
    ctx.see(design_rows)
    if got["design_p1"] and got["design_power"]:
        p1, p1_row = got["design_p1"]
        power, pw_row = got["design_power"]
        ctx.see([p1_row, pw_row])
        attained = float(stats.binom.sf(r - 1, n, p1)) if r <= n else 0.0
        minimal = exact_single_stage(p0, p1, alpha, power)
        rec = {"method": "exact single-stage binomial design (A'Hern 2001)",
               "inputs": {"p0": p0, "p1": p1, "alpha": alpha, "power": power, "n": n},
               "tried": [f"r = {r} at n = {n}: P(X >= r | p0) = "
                         f"{exact_p_value(r, n, p0) if r <= n else 0:.4f}",
                         f"power at p1 = {attained:.4f}",
                         f"smallest exact design n = {minimal.n}, r = {minimal.r}"],
               "result": f"attained power {attained:.4f}"}
        rows = [*design_rows, p1_row, pw_row]
        if attained + 1e-9 >= power:
            out.append(ctx.finding("consistent", f"planned n = {n} attains the power",
                                   f"With n = {n} and the rule X >= {r}, alpha is at most "
                                   f"{alpha:g} and the power at p1 = {p1:g} is {attained:.3f}.",
                                   rows, recomputation=rec, discriminator="n"))
        else:
            out.append(ctx.finding(
                "inconsistent", f"planned n = {n} does not attain {power:g} power",
                f"With n = {n} (rule X >= {r}) the power at p1 = {p1:g} is only {attained:.3f}, "
                f"below the stated {power:g}; the exact design needs n = {minimal.n}.", rows,
                recomputation=rec, nearest=f"n = {minimal.n}", discriminator="n",
                ruled_out=["exact binomial rule at the stated n"]))
    cohorts = ([c.id for c in ctx.dossier.trial.cohorts if not c.parts]
               if got["design_n_per_group"] else [p0_row["cohort"]])
    for cohort in cohorts:
        obs = _observed_responders(ctx, cohort)
        if obs is None:
            ctx.skip("cohort without observed responders")
            continue
        x, n_obs, rows_obs = obs
        ctx.see(rows_obs)
        pval = exact_p_value(x, n_obs, p0)
        met = x >= r
        reported = [q for q in ctx.rows if q["quantity"] in ("orr", "responders")
                    and q["statistic"] == "p_value" and q["cohort"] == cohort
                    and not q["arm"] and not q["subgroup"] and ctx.numeric(q)]
        rec = {"method": "exact one-sided binomial P(X >= x | p0)",
               "inputs": {"x": x, "n": n_obs, "p0": p0, "r": r}, "tried": [],
               "result": f"P = {pval:.4g}; rule {'met' if met else 'not met'}"}
        if not reported:
            out.append(ctx.finding(
                "consistent", f"{cohort}: {x}/{n_obs} responders, rule X >= {r} "
                f"{'met' if met else 'not met'}",
                f"In {cohort}, {x} responders of {n_obs} {'meet' if met else 'do not meet'} the "
                f"rule X >= {r} (exact P = {pval:.3g} under p0 = {p0:g}).",
                [*design_rows, *rows_obs], recomputation=rec, discriminator=cohort))
            continue
        for q in reported:
            ctx.see([q])
            rep = _p_interval(q)
            ok = _overlap((pval, pval), rep)
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"{cohort}: reported P {q['value']} {'agrees' if ok else 'disagrees'} with the "
                f"exact binomial P {pval:.3g}",
                f"In {cohort}, {x}/{n_obs} responders give an exact one-sided P of {pval:.3g} "
                f"under p0 = {p0:g}; the paper reports {_q(q)}.",
                [*design_rows, *rows_obs, q], recomputation=rec, discriminator=cohort,
                nearest=None if ok else f"{pval:.3g}",
                ruled_out=[] if ok else ["exact binomial P at the observed count"]))
    return out


def _observed_responders(ctx: Context, cohort: str) -> tuple[int, int, list[Row]] | None:
    """Responders and evaluable patients of a cohort: a responders count, or CR + PR."""
    def first(q: str) -> Row | None:
        return next((r for r in ctx.rows if r["quantity"] == q and r["cohort"] == cohort
                     and r["statistic"] == "count" and not r["arm"] and not r["subgroup"]
                     and ctx.numeric(r) and not ctx.is_registry(r)), None)

    resp = first("responders")
    rows: list[Row] = []
    if resp is not None:
        x, rows = int(resp["value_num"]), [resp]
    else:
        br = [r for r in ctx.rows if r["quantity"] == "best_response" and r["cohort"] == cohort
              and r["statistic"] == "count" and r["category"] in ("CR", "PR") and ctx.numeric(r)
              and not r["arm"] and not r["subgroup"]]
        if not br:
            return None
        by_cat = {r["category"]: r for r in br}
        rows = list(by_cat.values())
        x = sum(int(r["value_num"]) for r in rows)
    den = first("evaluable_response") or first("enrolled") or first("treated")
    if den is None:
        return None
    return x, int(den["value_num"]), [*rows, den]


# ------------------------------------------------------------- check 9: registry vs paper


def _months(date: str) -> int:
    y, m = int(date[:4]), int(date[5:7]) if len(date) >= 7 else 1
    return 12 * y + m


def check_registry(ctx: Context) -> list[Finding]:
    """Registry record against the paper: enrollment and its type, planned size, dates, dose.

    Rows of a source of kind ``registry`` are compared with rows of the other sources for the
    same quantity (rounding intervals as in the same-quantity check; dates at the coarser
    precision). Enrollment is compared with the paper's count of the same cohort or the sum
    over the pooled cohort's parts; an ``anticipated``/``estimated`` enrollment is compared with
    the planned size. The registry's study start may precede the paper's enrollment start by up
    to a month.
    """
    reg = [r for r in ctx.rows if ctx.is_registry(r) and (r["value"] or r["marker"])]
    if not reg:
        raise NotApplicable("no registry source in the dossier")
    paper = [r for r in ctx.rows if not ctx.is_registry(r) and r["value"] and not r["marker"]]
    out = []
    for rr in reg:
        ctx.see([rr])
        matches = _registry_partners(ctx, rr, paper)
        if not matches:
            ctx.skip("registry value with no counterpart in the papers")
            continue
        for pr, how, soft in matches:
            ctx.see([pr])
            out.append(_registry_pair(ctx, rr, pr, how, soft))
    return out


def _registry_partners(ctx: Context, rr: Row, paper: list[Row]) -> list[tuple[Row, str, bool]]:
    q = rr["quantity"]
    same = [p for p in paper if all(p[c] == rr[c] for c in
                                    ("quantity", "statistic", "unit", "category", "arm",
                                     "subgroup"))]
    direct = [p for p in same if p["cohort"] == rr["cohort"]]
    if q in ("enrolled", "randomized"):
        anticipated = rr["category"].lower() in ("anticipated", "estimated")
        if anticipated:
            plan = [p for p in paper if p["quantity"] == "design_n_total"
                    and p["cohort"] == rr["cohort"]]
            return [(p, "anticipated enrollment vs planned total", False) for p in plan[:1]]
        pops = [p for p in paper if p["quantity"] == q and p["statistic"] == "count"
                and p["cohort"] == rr["cohort"] and p["arm"] == rr["arm"]
                and not p["subgroup"]]
        soft = not rr["category"]
        return [(p, "enrollment (type not printed)" if soft else "actual enrollment", soft)
                for p in pops[:1]]
    if q == "design_n_total":
        tot = [p for p in paper if p["quantity"] == "design_n_total" and p["cohort"] ==
               rr["cohort"]]
        if tot:
            return [(tot[0], "planned total", False)]
        per = [p for p in paper if p["quantity"] == "design_n_per_group"]
        if per:
            return [(per[0], "planned n per group x number of cohorts", False)]
        return []
    if q == "study_start" and not direct:
        starts = [p for p in paper if p["quantity"] == "enrollment_start"
                  and p["cohort"] == rr["cohort"]]
        return [(p, "registry study start vs paper enrollment start (one month tolerance)", True)
                for p in starts[:1]]
    if not direct and rr["cohort"] not in ("",):
        parent = next((c.id for c in ctx.dossier.trial.cohorts if rr["cohort"] in c.parts), "")
        direct = [p for p in same if p["cohort"] == parent]
    return [(p, "same quantity", False) for p in direct[:1]]


def _registry_pair(ctx: Context, rr: Row, pr: Row, how: str, soft: bool) -> Finding:
    rows = [rr, pr]
    rec: dict[str, Any] = {"method": how, "inputs": {rr["id"]: rr["value"],
                                                      pr["id"]: pr["value"]}}
    if rr["statistic"] == "date":
        if "tolerance" in how:
            diff = abs(_months(rr["value"]) - _months(pr["value"]))
            ok = diff <= 1
            rec["result"] = f"{diff} month(s) apart"
        else:
            ok = _date_cmp(rr["value"], pr["value"])
            rec["result"] = "equal at the coarser precision" if ok else "different"
    elif pr["quantity"] == "design_n_per_group" and rr["quantity"] == "design_n_total":
        k = len([c for c in ctx.dossier.trial.cohorts if not c.parts])
        ok = int(pr["value_num"]) * k == int(rr["value_num"])
        rec["result"] = f"{pr['value']} x {k} = {int(pr['value_num']) * k}"
    else:
        ok = _interval(rr).overlaps(_interval(pr))
        rec["result"] = "agree within rounding" if ok else "differ beyond rounding"
    if ok:
        return ctx.finding("consistent", f"registry {rr['quantity']} agrees",
                           f"The registry's {_q(rr)} agrees with {_q(pr)} ({how}).", rows,
                           recomputation=rec)
    severity = "questionable" if soft else "inconsistent"
    return ctx.finding(
        severity, f"registry {rr['quantity']} {rr['value']} vs paper {pr['value']}",
        f"The registry gives {_q(rr)}, the paper {_q(pr)} ({how})."
        + (" The registry does not say whether its figure is actual or anticipated, or a "
           "tolerance applies." if soft else ""), rows, recomputation=rec, nearest=pr["value"],
        ruled_out=["rounding"] if not soft else [])


# ---------------------------------------------------------- check 10: impossibilities


def check_impossible(ctx: Context) -> list[Finding]:
    """Values no data can produce: a lower bound above the estimate or the upper bound,
    a count above its denominator, a percentage outside 0-100 (a proportion outside 0-1), a
    median outside its range, and 'not reached' where another place prints a number.
    (Ratio estimates outside their CI are reported by the ratio check.)
    """
    out = []
    for r in ctx.rows:
        if not ctx.numeric(r):
            continue
        lim = {"percent": 100.0, "proportion": 1.0}.get(r["statistic"]) or (
            100.0 if r["unit"] == "percent" and r["statistic"] not in ("value",) else None)
        if lim is not None and r["quantity"] not in ("eligibility",):
            ctx.see([r])
            if not 0 <= r["value_num"] <= lim:
                out.append(ctx.finding(
                    "inconsistent", f"{r['statistic']} {r['value']} outside 0-{lim:g}",
                    f"{_q(r)} is outside 0 to {lim:g}.", [r],
                    recomputation={"method": "range of a percentage or proportion",
                                   "inputs": {"value": r["value"]}, "result": "outside"},
                    discriminator="range"))
        if r["statistic"] == "count" and r["unit"] == "patients":
            ctx.see([r])
            dens = []
            if not _nan(r["denominator_num"]):
                dens.append(("stated denominator", int(r["denominator_num"]), None))
            if ctx.kind(r["quantity"]) != "population":
                dens += [(q, n, d) for q, n, d in ctx.population_counts(r)]
            if dens:
                label, n, drow = max(dens, key=lambda d: d[1])
                if r["value_num"] > n:
                    out.append(ctx.finding(
                        "inconsistent", f"count {r['value']} above its denominator {n}",
                        f"{_q(r)} exceeds the largest denominator it can have, {n} ({label}).",
                        [r] + ([drow] if drow else []),
                        recomputation={"method": "count <= denominator",
                                       "inputs": {"count": r["value"], "denominator": n},
                                       "tried": [f"{lab} {m}" for lab, m, _ in dens],
                                       "result": "count above every denominator"},
                        discriminator="count"))
    cand = [r for r in ctx.rows if ctx.numeric(r) and ctx.kind(r["quantity"]) != "ratio"]
    for st in _statements(cand):
        out.extend(_bound_order(ctx, st))
    out.extend(_not_reached(ctx))
    return out


def _bound_order(ctx: Context, st: dict[str, Row]) -> list[Finding]:
    out = []
    pairs = (("ci_low", "ci_high"), ("range_low", "range_high"))
    point = next((st[k] for k in ("median", "estimate", "percent", "proportion", "mean")
                  if k in st), None)
    for lo_k, hi_k in pairs:
        lo, hi = st.get(lo_k), st.get(hi_k)
        if lo is None or hi is None:
            continue
        rows = [x for x in (point, lo, hi) if x is not None]
        ctx.see(rows)
        problems = []
        if lo["value_num"] > hi["value_num"]:
            problems.append(f"lower {lo['value']} above upper {hi['value']}")
        if point is not None and not lo["value_num"] <= point["value_num"] <= hi["value_num"]:
            if not (lo_k == "ci_low" and point["statistic"] == "mean"):
                problems.append(f"{point['statistic']} {point['value']} outside "
                                f"{lo['value']}-{hi['value']}")
        rec = {"method": "lower <= point <= upper",
               "inputs": {x["statistic"]: x["value"] for x in rows},
               "result": "; ".join(problems) or "in order"}
        kind = "CI" if lo_k == "ci_low" else "range"
        if problems:
            out.append(ctx.finding(
                "inconsistent", f"{kind} out of order: {problems[0]}",
                f"The {kind} of {_what(lo)} ({lo['location']}) is impossible: "
                f"{'; '.join(problems)}.", rows, recomputation=rec, discriminator=kind,
                ruled_out=["rounding (the printed order is already wrong)"]))
        else:
            out.append(ctx.finding("consistent", f"{kind} in order", f"The {kind} of "
                                   f"{_what(lo)} ({lo['location']}) is in order.", rows,
                                   recomputation=rec, discriminator=kind))
    return out


def _not_reached(ctx: Context) -> list[Finding]:
    out = []
    for group in _group([r for r in ctx.rows if r["statistic"] in ("median", "ci_high")
                         and (r["marker"] == "not_reached" or ctx.numeric(r))],
                        SAME_KEY[:-1]).values():
        nr = [r for r in group if r["marker"] == "not_reached"]
        nums = [r for r in group if ctx.numeric(r)]
        for a in nr:
            for b in nums:
                if a["source"] == b["source"] and a["location"] == b["location"] and \
                        a["anchor"] == b["anchor"]:
                    continue
                ctx.see([a, b])
                sev = "note" if (a["supersedes"] or b["supersedes"]) else "inconsistent"
                out.append(ctx.finding(
                    sev, f"{a['quantity']} 'not reached' vs {b['value']}",
                    f"{_cap(_what(a))} is 'not reached' in {a['location']} but "
                    f"{_q(b)} elsewhere.", [a, b],
                    recomputation={"method": "a marker against a number",
                                   "inputs": {a["id"]: "not_reached", b["id"]: b["value"]},
                                   "result": "contradiction"}, discriminator="not_reached",
                    ruled_out=[] if sev == "note" else ["an update (no supersedes)"]))
    return out


# ------------------------------------------------------- check 11: ranges and pooled


def check_ranges_pooled(ctx: Context) -> list[Finding]:
    """Pooled figures against their parts.

    An overall range must be the union of the parts' ranges (low = min of lows, high = max of
    highs); a pooled count must be the sum of the parts' counts, and a pooled percentage
    without a count is recomputed from the summed counts over the summed denominators; a
    quantity that includes another (reductions *or* interruptions, grade >= 3 ...) cannot be
    below it, and a union cannot exceed the sum of its two parts.
    """
    out = []
    for cohort in ctx.dossier.trial.cohorts:
        if cohort.parts:
            out.extend(_pooled_ranges(ctx, cohort.id, cohort.parts))
            out.extend(_pooled_counts(ctx, cohort.id, cohort.parts))
    out.extend(_at_least(ctx))
    return out


def _part_rows(ctx: Context, ref: Row, parts: tuple[str, ...], stat: str) -> list[Row] | None:
    got = []
    for part in parts:
        cands = [r for r in ctx.rows if r["cohort"] == part and r["statistic"] == stat
                 and ctx.numeric(r) and all(r[c] == ref[c] for c in
                                             ("quantity", "category", "arm", "subgroup"))
                 and (r["unit"] == ref["unit"] or stat != ref["statistic"])
                 and ctx.is_registry(r) == ctx.is_registry(ref)]
        local = [r for r in cands if r["source"] == ref["source"]
                 and r["location"] == ref["location"]]
        same_src = [r for r in cands if r["source"] == ref["source"]]
        pick = local or same_src or cands
        if not pick:
            return None
        got.append(pick[0])
    return got


def _pooled_ranges(ctx: Context, cohort: str, parts: tuple[str, ...]) -> list[Finding]:
    out = []
    pooled = [r for r in ctx.rows if r["cohort"] == cohort and ctx.numeric(r)
              and r["statistic"] in ("range_low", "range_high")]
    for r in pooled:
        prs = _part_rows(ctx, r, parts, r["statistic"])
        if prs is None:
            continue
        ctx.see([r, *prs])
        pick = min if r["statistic"] == "range_low" else max
        target = pick(prs, key=lambda x: x["value_num"])
        ok = _interval(r).overlaps(_interval(target))
        rec = {"method": f"pooled {r['statistic']} = {pick.__name__} of the parts'",
               "inputs": {x["cohort"]: x["value"] for x in prs} | {cohort: r["value"]},
               "result": f"expected {target['value']}"}
        out.append(ctx.finding(
            "consistent" if ok else "inconsistent",
            f"pooled {r['statistic']} {r['value']} "
            f"{'is' if ok else 'is not'} the {pick.__name__} of the parts",
            f"The {cohort} {r['statistic'].replace('_', ' ')} of {r['quantity']} is {_q(r)}; "
            f"the parts give {target['value']} "
            f"({', '.join(x['cohort'] + ' ' + x['value'] for x in prs)}).",
            [r, *prs], recomputation=rec, nearest=None if ok else target["value"],
            ruled_out=[] if ok else ["rounding"]))
    return out


def _pooled_counts(ctx: Context, cohort: str, parts: tuple[str, ...]) -> list[Finding]:
    out = []
    pooled = [r for r in ctx.rows if r["cohort"] == cohort and ctx.numeric(r)
              and r["statistic"] in ("count", "percent")
              and ctx.kind(r["quantity"]) not in SKIP_KINDS
              and r["quantity"] not in ESTIMATED_RATES]
    for r in pooled:
        prs = _part_rows(ctx, r, parts, "count")
        if prs is None:
            continue
        total = sum(int(x["value_num"]) for x in prs)
        if r["statistic"] == "count":
            ctx.see([r, *prs])
            ok = int(r["value_num"]) == total
            rec = {"method": "pooled count = sum of the parts' counts",
                   "inputs": {x["cohort"]: x["value"] for x in prs}, "result": f"sum {total}"}
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"pooled count {r['value']} {'=' if ok else '!='} sum of parts {total}",
                f"{_q(r)} for {cohort}; the parts sum to {total}.", [r, *prs],
                recomputation=rec, nearest=None if ok else str(total)))
            continue
        if _count_partner(ctx, r) is not None:
            continue  # the percentage check recomputes it from its own count
        dens = []
        for x in prs:
            d = _denominators(ctx, x)
            if not d:
                break
            dens.append(d[0].n)
        if len(dens) != len(prs):
            continue
        ctx.see([r, *prs])
        n = sum(dens)
        ok = any(reproduces(total, n, r["value"], s) for s in STANDARD_SCHEMES)
        val = round_half_up(Fraction(100 * total, n), decimals_of(r["value"]))
        rec = {"method": "pooled percentage = sum of counts / sum of denominators",
               "inputs": {x["cohort"]: f"{x['value']}/{d}" for x, d in zip(prs, dens,
                                                                           strict=True)},
               "result": f"{total}/{n} = {_f(val)}%"}
        out.append(ctx.finding(
            "consistent" if ok else "inconsistent",
            f"pooled {r['value']}% {'=' if ok else '!='} {total}/{n}",
            f"{_q(r)} for {cohort}; the parts give {total}/{n} = {_f(val)}%.", [r, *prs],
            recomputation=rec, ruled_out=[] if ok else ["half-up and half-even rounding"],
            nearest=None if ok else _nearest_count(
                total, [Denominator("sum of the parts' denominators", n, True)], r["value"])))
    return out


def _at_least(ctx: Context) -> list[Finding]:
    out = []
    key = ("cohort", "arm", "subgroup", "category", "statistic", "unit")
    pct = [r for r in ctx.rows if ctx.numeric(r) and r["statistic"] in ("percent", "count")]
    for big_q, small_q in AT_LEAST:
        bigs = [r for r in pct if r["quantity"] == big_q]
        smalls = [r for r in pct if r["quantity"] == small_q]
        for b in bigs:
            for s in smalls:
                if any(b[c] != s[c] for c in key):
                    continue
                ctx.see([b, s])
                ib, is_ = _interval(b), _interval(s)
                ok = ib.high is None or is_.low is None or ib.high > is_.low
                rec = {"method": f"{big_q} >= {small_q}",
                       "inputs": {b["id"]: b["value"], s["id"]: s["value"]},
                       "result": "possible" if ok else "below its part"}
                out.append(ctx.finding(
                    "consistent" if ok else "inconsistent",
                    f"{big_q} {b['value']} {'>=' if ok else '<'} {small_q} {s['value']}",
                    f"{_q(b)} ({big_q}) {'can' if ok else 'cannot'} include {_q(s)} "
                    f"({small_q}).", [b, s], recomputation=rec,
                    nearest=None if ok else f">= {s['value']}",
                    ruled_out=[] if ok else ["rounding of both values"]))
    for union, (p1, p2) in UNION_OF.items():
        for u in [r for r in pct if r["quantity"] == union]:
            a = [r for r in pct if r["quantity"] == p1 and all(r[c] == u[c] for c in key)]
            b = [r for r in pct if r["quantity"] == p2 and all(r[c] == u[c] for c in key)]
            if not a or not b:
                continue
            iu, ia, ib = _interval(u), _interval(a[0]), _interval(b[0])
            if iu.low is None or ia.high is None or ib.high is None:
                continue
            ctx.see([u, a[0], b[0]])
            ok = iu.low < ia.high + ib.high
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"{union} {u['value']} {'<=' if ok else '>'} {a[0]['value']} + {b[0]['value']}",
                f"{_q(u)} {'does not exceed' if ok else 'exceeds'} the sum of its parts "
                f"{_q(a[0])} and {_q(b[0])}.", [u, a[0], b[0]],
                recomputation={"method": "union <= sum of its parts", "inputs":
                               {u["id"]: u["value"], a[0]["id"]: a[0]["value"],
                                b[0]["id"]: b[0]["value"]}}, discriminator="union-sum"))
    return out


# ------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Check:
    id: str
    version: str
    description: str
    reference: str
    func: Callable[[Context], list[Finding]]


CHECKS: tuple[Check, ...] = (
    Check("same-quantity", "1", "The same quantity stated in several places agrees within "
          "rounding", "rounding intervals (Brown & Heathers 2017)", check_same_quantity),
    Check("percentages", "1", "Each percentage recomputed from its count over every plausible "
          "denominator and rounding scheme", "GRIM test: Brown & Heathers 2017, Soc Psychol "
          "Personal Sci 8:363", check_percentages),
    Check("partitions", "1", "Categories sum to their total; percentages sum to 100",
          "arithmetic of partitions", check_partitions),
    Check("proportion-ci", "1", "Each proportion CI reproduced by a named method",
          "Brown, Cai & DasGupta 2001, Stat Sci 16:101; Newcombe 1998, Stat Med 17:857",
          check_proportion_cis),
    Check("ratio-ci-p", "1", "HR/OR/RR: estimate inside CI, log symmetry, P implied by the CI",
          "Altman & Bland 2011, BMJ 343:d2304; Nuijten et al. 2016, Behav Res Methods "
          "48:1205 (statcheck)", check_ratio_estimates),
    Check("hr-vs-medians", "1", "Median ratio against the HR (soft, exponential survival)",
          "constant-hazard relation HR = median ratio", check_hr_medians),
    Check("tests-from-counts", "1", "Fisher and chi-square P of a rebuilt 2x2 table against "
          "the reported P", "Fisher 1935; Pearson 1900; Yates 1934", check_tests_from_counts),
    Check("decision-rule", "1", "The single-stage design's rule against its power and the "
          "observed responders", "A'Hern 2001, Br J Cancer 84:1283; Simon 1989, Control Clin "
          "Trials 10:1", check_decision_rule),
    Check("registry", "1", "Registry record against the paper: enrollment, planned size, "
          "dates, cohorts, dose", "ClinicalTrials.gov data elements", check_registry),
    Check("impossible", "1", "Impossible values: bounds out of order, counts above "
          "denominators, percentages above 100, not reached against a number",
          "arithmetic", check_impossible),
    Check("ranges-pooled", "1", "Pooled ranges, counts and percentages against their parts; "
          "a union not below its parts", "arithmetic", check_ranges_pooled),
)


# ------------------------------------------------------------------------- running


@dataclass
class Reconciliation:
    """Everything the report shows for one dossier."""

    trial: str
    title: str
    findings: list[Finding]
    checks: list[dict[str, str]]
    coverage: dict[str, int]
    not_run: dict[str, str]
    skipped: dict[str, dict[str, int]]
    stale_triage: list[str]

    def counts_by_severity(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def counts_by_check(self) -> dict[str, dict[str, int]]:
        return {c["id"]: {s: sum(f.check == c["id"] and f.severity == s for f in self.findings)
                          for s in SEVERITIES} for c in self.checks}

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial": self.trial, "title": self.title, "checks": self.checks,
            "counts_by_severity": self.counts_by_severity(),
            "counts_by_check": self.counts_by_check(), "coverage": self.coverage,
            "not_run": self.not_run, "skipped": self.skipped,
            "stale_triage": self.stale_triage,
            "findings": [f.to_dict() for f in self.findings],
        }


def run_checks(dossier: Dossier, triage: dict[str, TriageEntry] | None = None,
               checks: tuple[Check, ...] = CHECKS) -> Reconciliation:
    """Run every check on a dossier; exceptions become findings of severity ``error``."""
    ctx = Context.of(dossier)
    findings: list[Finding] = []
    coverage: dict[str, int] = {}
    not_run: dict[str, str] = {}
    skipped: dict[str, dict[str, int]] = {}
    for check in checks:
        ctx.check_id, ctx.check_version = check.id, check.version
        ctx.seen, ctx.skipped = set(), {}
        try:
            found = check.func(ctx)
        except NotApplicable as exc:
            not_run[check.id] = str(exc)
            found = []
        except Exception as exc:  # noqa: BLE001 - a failing check must not stop the others
            last = traceback.extract_tb(exc.__traceback__)[-1]
            found = [Finding(
                id=stable_id(check.id, dossier.trial.id, [], "error"), check=check.id,
                check_version=check.version, trial=dossier.trial.id, severity="error",
                title=f"check failed: {type(exc).__name__}",
                sentence=f"The check could not complete: {type(exc).__name__}: {exc} "
                         f"({last.name}, line {last.lineno}).",
                recomputation={"method": "none", "result": str(exc)})]
        coverage[check.id] = len(ctx.seen)
        skipped[check.id] = dict(sorted(ctx.skipped.items()))
        findings.extend(_dedupe(found))
    triage = triage or {}
    for f in findings:
        if f.id in triage:
            f.triage = {"verdict": triage[f.id].verdict, "note": triage[f.id].note}
    known = {f.id for f in findings}
    findings.sort(key=lambda f: (f.rank, f.check, f.id))
    return Reconciliation(
        trial=dossier.trial.id, title=dossier.trial.title, findings=findings,
        checks=[{"id": c.id, "version": c.version, "description": c.description,
                 "reference": c.reference} for c in checks],
        coverage=coverage, not_run=not_run, skipped=skipped,
        stale_triage=sorted(set(triage) - known))


def _dedupe(found: list[Finding]) -> list[Finding]:
    """One finding per id (the same values compared twice by one check say the same thing)."""
    out: dict[str, Finding] = {}
    for f in found:
        if f.id not in out or f.rank < out[f.id].rank:
            out[f.id] = f
    return list(out.values())
