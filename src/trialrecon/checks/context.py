"""What every check works with: the dossier's rows, lookups, shared helpers and :class:`Check`.

Each check family (one module of this package) is a function ``(Context) -> list[Finding]``
registered as a :class:`Check` with an id, a version, a one-line description and its
reference. Rounding is handled with intervals (:mod:`trialrecon.stats.rounding`): a printed
number stands for every value that rounds to it. The checks know nothing of any particular
trial: they read the meaning of each quantity from the controlled vocabulary
(``population``, ``partition_of``, ``ratio_of``) and the cohorts, arms and sources from
``trial.yaml``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from trialrecon.checks.findings import Finding, ValueRef, stable_id
from trialrecon.checks.titles import humanize, make_title, quantity_label
from trialrecon.dossier import Dossier, Vocabulary, vocabulary
from trialrecon.stats.rounding import Interval, format_fraction, printed_interval

Row = dict[str, Any]

# Categories that stand for "not known" in a partition: a total minus these is a denominator
# some papers use, and a partition that lists one cannot be excused as partially listed. A
# category of a characteristic (``ECOG: Missing``) is judged by its level.
MISSING_LIKE = frozenset({"missing", "unknown", "not available", "not assessed", "not known",
                          "not reported", "no data", "data missing", "unknown or missing",
                          "missing or unknown", "not done", "not tested", "na", "n/a"})
# Categories that close a list ("Other"): a list that has one claims to hold every patient.
OTHER_LIKE = frozenset({"other", "others", "other or unknown", "other/unknown", "mixed"})
# Columns that tell two statements of one quantity apart (issue 21's format): values that
# differ in any of them are different numbers, never two statements of one number (a one-
# and a two-sided P of one test, adjusted and unadjusted estimates, an ITT and a per-protocol
# count, two tests, a non-inferiority and a superiority P). An empty cell: the paper does not
# say, so the row may be a statement of any of them.
VARIANT = ("sided", "hypothesis", "adjustment", "population", "test")
# Relations between quantities come from the vocabulary (``estimated``, ``includes``,
# ``union_of``), so a new quantity joins these checks by its entry there.
_QUANTITIES = vocabulary().quantities
AT_LEAST: tuple[tuple[str, str], ...] = tuple(
    (q, part) for q, d in _QUANTITIES.items()
    for part in (*d.get("includes", ()), *d.get("union_of", ()), *d.get("at_least", ())))
UNION_OF: dict[str, tuple[str, str]] = {
    q: (d["union_of"][0], d["union_of"][1]) for q, d in _QUANTITIES.items() if d.get("union_of")
}
SKIP_KINDS = frozenset({"design", "external", "conduct"})


class NotApplicable(Exception):
    """Raised by a check that cannot run on this dossier; the message says why."""


@dataclass
class Context:
    """The dossier as the checks see it, with lookups and a finding factory."""

    dossier: Dossier
    rows: list[Row]
    check_id: str = ""
    check_version: str = ""
    seen: set[str] = field(default_factory=set)
    skipped: dict[str, int] = field(default_factory=dict)
    _indexes: dict[tuple[str, ...], dict[tuple[str, ...], list[Row]]] = field(
        default_factory=dict, repr=False)
    # rows a check read from files other than values.csv (numbers at risk of curves/*.nar.csv),
    # so causes and reports can quote them like any value
    extra_rows: list[Row] = field(default_factory=list)
    _population_sizes: frozenset[int] | None = field(default=None, repr=False)
    _sentences: dict[str, str] | None = field(default=None, repr=False)
    suspects: set[str] = field(default_factory=set, repr=False)  # see cause_statements
    _updates: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    _population_cache: dict[tuple[str, ...], list[tuple[str, int, Row]]] = field(
        default_factory=dict, repr=False)
    _population_rows: dict[tuple[str, ...], list[Row]] | None = field(default=None, repr=False)
    # answers a check computes once for every row that asks the same question (the rows of
    # one table share their block, their denominator...): keyed by the helper and its key
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, dossier: Dossier) -> Context:
        rows = dossier.values.to_dict("records")
        return cls(dossier=dossier, rows=rows)

    @property
    def trial_id(self) -> str:
        return self.dossier.trial.id

    @property
    def vocab(self) -> Vocabulary:
        """The dossier's vocabulary (the built-in one and the trial's own endpoints)."""
        return self.dossier.vocab

    def where(self, **match: str) -> list[Row]:
        """Rows whose columns equal ``match``, from an index built once per set of columns.

        Checks look rows up by cohort, arm, quantity and so on many times; indexing the rows
        once keeps a check linear in the size of the dossier instead of quadratic.
        """
        cols = tuple(sorted(match))
        index = self._indexes.get(cols)
        if index is None:
            index = defaultdict(list)
            for r in self.rows:
                index[tuple(str(r[c]) for c in cols)].append(r)
            self._indexes[cols] = index
        return index.get(tuple(str(match[c]) for c in cols), [])

    @property
    def multi_cut(self) -> bool:
        """True when the dossier names two or more data cuts (several analyses)."""
        return len(self.dossier.cuts) >= 2

    def cut_name(self, key: str) -> str:
        cut = self.dossier.cut(key)
        return cut.name if cut else "data cut not stated"

    def supersedes_chain(self, row: Row) -> list[str]:
        """The ids a row updates, directly or through the rows it updates, in order."""
        out: list[str] = []
        seen: set[str] = set()
        node = row["supersedes"]
        while node and node not in seen and (target := self.row(node)) is not None:
            out.append(node)
            seen.add(node)
            node = target["supersedes"]
        return out

    def updates(self, newer: Row, older: Row) -> bool:
        """True when ``newer`` updates ``older`` through ``supersedes``, directly or through a
        chain: a constant-time ancestor test on the forest of updates, built once."""
        if self._updates is None:
            self._updates = _update_forest(self.rows)
        a, b = self._updates.get(str(newer["id"])), self._updates.get(str(older["id"]))
        return a is not None and b is not None and a != b and b[0] < a[0] and a[1] <= b[1]

    def row(self, row_id: str) -> Row | None:
        """The row with this id, or None."""
        rows = self.where(id=row_id)
        return rows[0] if rows else None

    def kind(self, quantity: str) -> str:
        return str(self.vocab.quantities.get(quantity, {}).get("kind", ""))

    def estimated(self, quantity: str) -> bool:
        """A model estimate (a landmark rate), not a count over patients."""
        return bool(self.vocab.quantities.get(quantity, {}).get("estimated"))

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
        return not row["marker"] and not is_nan(row["value_num"])

    def population_counts(self, row: Row, exclude: str = "") -> list[tuple[str, int, Row]]:
        """Population counts (denominator candidates) of the row's cohort, arm and subgroup.

        Registry counts are used only for registry rows: a registry's enrollment is compared
        with the paper by its own check, not used to recompute the paper's percentages. A
        count of another data cut is never a denominator. Only population rows are looked
        at (an index of them, built once), and the answer is kept per cohort, arm, subgroup,
        kind of source, data cut and exclusion: every row of a table asks the same question.
        """
        cut = str(row.get("data_cut") or "")
        registry = self.is_registry(row)
        key = (str(row["cohort"]), str(row["arm"]), str(row["subgroup"]), cut, exclude,
               "r" if registry else "")
        found = self._population_cache.get(key)
        if found is None:
            if self._population_rows is None:
                pops = set(self.vocab.populations())
                self._population_rows = group_by(
                    (r for r in self.rows if r["statistic"] == "count" and r["quantity"] in pops),
                    ("cohort", "arm", "subgroup"))
            found = [(r["quantity"], int(r["value_num"]), r)
                     for r in self._population_rows.get(key[:3], ())
                     if r["quantity"] != exclude and self.numeric(r)
                     and self.is_registry(r) == registry
                     and (not cut or not r["data_cut"] or r["data_cut"] == cut)]
            self._population_cache[key] = found
        return list(found)

    def population_sizes(self) -> frozenset[int]:
        """Every size a population of the trial has in the dossier: population counts of any
        cohort, arm, analysis set or place, stated denominators, and the sums of the arms'
        counts of one population at one place. A denominator the trial has none of is never
        proposed to explain a printed percentage (2,727 in a trial of 1,400)."""
        if self._population_sizes is None:
            pops = set(self.vocab.populations())
            sizes: set[int] = set()
            per_place: dict[tuple[str, ...], int] = defaultdict(int)
            for r in self.rows:
                if not is_nan(r.get("denominator_num")):
                    sizes.add(int(r["denominator_num"]))
                if r["quantity"] in pops and r["statistic"] == "count" and self.numeric(r):
                    sizes.add(int(r["value_num"]))
                    if r["arm"]:
                        per_place[(r["source"], r["location"], r["cohort"], r["quantity"],
                                   str(r.get("population") or ""), r["data_cut"])] += int(
                            r["value_num"])
            sizes.update(per_place.values())
            self._population_sizes = frozenset(n for n in sizes if n > 0)
        return self._population_sizes

    def sentence(self, row: Row) -> str:
        """The printed sentence or table cell a row stands in (an id for grouping).

        A table row (``row`` or ``column`` given) stands in its cell. Text rows of one place
        whose anchors share a run of :data:`SENTENCE_RUN` words are one sentence: anchors
        are windows of at most 12 words around each number, and the windows of one sentence
        overlap ("pulmonary embolism (n=4), hyponatremia (n=2)" and "hyponatremia (n=2),
        dyspnoea (n=1)").
        """
        if self._sentences is None:
            self._sentences = _sentences(self.rows)
        if row.get("row") or row.get("column"):
            return "\x1f".join(str(row.get(k) or "") for k in ("source", "location", "row",
                                                                "column"))
        return self._sentences.get(str(row["id"]), str(row["id"]))

    def finding(self, severity: str, title: str, sentence: str, rows: list[Row], *,
                recomputation: dict[str, Any] | None = None, nearest: str | None = None,
                ruled_out: Iterable[str] = (), discriminator: str = "") -> Finding:
        """A finding of the running check; ``title`` is the check's short claim.

        The displayed title (subject, cohort, location, values) and the wording of sentence,
        recomputation and ruled-out list are made here for every check alike
        (:mod:`.titles`): vocabulary ids become words, per-scheme lines of one denominator
        are merged, and ruled-out items that only repeat the recomputation are dropped.
        """
        ids = [r["id"] for r in rows]
        uniq = unique_rows(rows)
        rec = tidy_recomputation(recomputation or {})
        return Finding(
            id=stable_id(self.check_id, self.trial_id, ids, discriminator),
            check=self.check_id,
            check_version=self.check_version,
            trial=self.trial_id,
            severity=severity,
            title=make_title(title, uniq, self.cohort_names, self.vocab),
            sentence=humanize(sentence, self.vocab),
            values=[ValueRef.from_row(r) for r in uniq],
            recomputation=rec,
            nearest=humanize(nearest) if nearest else nearest,
            explanations_ruled_out=tidy_ruled_out(list(ruled_out), rec.get("tried", [])),
            claim=humanize(title),
        )

    @property
    def cohort_names(self) -> dict[str, str]:
        """How titles name cohorts: by id, a pooled cohort by its label (``All patients``)."""
        return {c.id: (c.label[:1].lower() + c.label[1:] if c.parts else c.id)
                for c in self.dossier.trial.cohorts}


def _update_forest(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """(enter, leave) times of each row in a walk of the forest of updates.

    Each row updates at most one other (``supersedes``); an older row is an ancestor of a
    newer one exactly when its interval contains the newer's. Built without recursion (a
    chain may be as long as the dossier); rows in a cycle (refused by validation) get none.
    """
    ids = {str(r["id"]) for r in rows}
    children: dict[str, list[str]] = defaultdict(list)
    parent: dict[str, str] = {}
    for r in rows:
        sup = str(r.get("supersedes") or "")
        if sup and sup in ids and sup != str(r["id"]):
            children[sup].append(str(r["id"]))
            parent[str(r["id"])] = sup
    out: dict[str, tuple[int, int]] = {}
    clock = 0
    for root in sorted(i for i in ids if i not in parent):
        stack: list[tuple[str, bool]] = [(root, False)]
        enter: dict[str, int] = {}
        while stack:
            node, done = stack.pop()
            if done:
                out[node] = (enter[node], clock)
                clock += 1
                continue
            enter[node] = clock
            clock += 1
            stack.append((node, True))
            stack.extend((c, False) for c in children.get(node, ()))
    return out


SENTENCE_RUN = 4
_TOKEN = re.compile(r"[\w.%·-]+")


def _sentences(rows: list[Row]) -> dict[str, str]:
    """Row id -> sentence id for text rows: anchors of one place sharing a run of words."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_run: dict[tuple[str, ...], str] = {}
    for r in rows:
        if r.get("row") or r.get("column") or not r.get("anchor"):
            continue
        rid = str(r["id"])
        find(rid)
        words = _TOKEN.findall(str(r["anchor"]).lower())
        place = (str(r["source"]), str(r["location"]))
        for i in range(max(0, len(words) - SENTENCE_RUN + 1)):
            key = (*place, *words[i:i + SENTENCE_RUN])
            if key in by_run:
                parent[find(rid)] = find(by_run[key])
            else:
                by_run[key] = rid
        if len(words) < SENTENCE_RUN:  # a short anchor: one sentence with the same anchor
            key = (*place, "\x1e", *words)
            if key in by_run:
                parent[find(rid)] = find(by_run[key])
            else:
                by_run[key] = rid
    return {x: find(x) for x in parent}


def is_nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def unique_rows(rows: list[Row]) -> list[Row]:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["id"] not in seen:
            seen.add(r["id"])
            out.append(r)
    return out


# Units of differences: their values may be negative.
SIGNED_UNITS = frozenset({"percentage_points", "percent_change", "points"})


def domain(unit: str, value: str = "") -> tuple[Fraction | None, Fraction | None]:
    """The values a number of this unit can take; a printed negative value has no floor."""
    if unit == "percent":
        return Fraction(0), Fraction(100)
    if unit in ("proportion", "probability"):
        return Fraction(0), Fraction(1)
    if unit in SIGNED_UNITS or str(value).strip().startswith("-"):
        return None, None
    return Fraction(0), None


def interval_of(row: Row) -> Interval:
    lo, hi = domain(row["unit"], row["value"])
    return printed_interval(row["value"], row["comparator"] or "=").clip(lo, hi)


def quote(row: Row) -> str:
    """A value quoted with where it stands, for sentences."""
    return f"{ValueRef.from_row(row).printed()} ({row['location']})"


def fmt(x: Fraction | float, digits: int = 4) -> str:
    if isinstance(x, Fraction):
        return format_fraction(x, digits)
    return f"{x:.{digits}g}"


def group_by(rows: Iterable[Row], cols: tuple[str, ...]) -> dict[tuple[str, ...], list[Row]]:
    out: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in rows:
        out[tuple(str(r[c]) for c in cols)].append(r)
    return out


STATEMENT = ("source", "location", "row", "column", "cohort", "arm", "versus", "subgroup",
             "quantity", "category", "data_cut")

# What makes two rows statements of the same number (same-quantity and not-reached checks).
SAME_KEY = ("cohort", "arm", "versus", "subgroup", "quantity", "category", "statistic", "unit",
            "level")


def statements(rows: Iterable[Row]) -> list[dict[str, list[Row]]]:
    """Rows of one printed statement (an estimate with its CI and P) keyed by statistic.

    Rows share source, location, table cell and quantity; when a location states the same
    quantity twice, the anchor tells the statements apart, and within one anchor the unit.
    """
    out = []
    for group in group_by(rows, STATEMENT).values():
        by_stat: dict[str, list[Row]] = defaultdict(list)
        for r in group:
            by_stat[r["statistic"]].append(r)
        if all(len(v) == 1 for v in by_stat.values()):
            out.append({k: v for k, v in by_stat.items()})
            continue
        for sub in group_by(group, ("anchor",)).values():
            if len({r["statistic"] for r in sub}) == len(sub):
                out.append({r["statistic"]: [r] for r in sub})
                continue
            # one sentence states a number twice, in two units ("a median of 3668 days
            # (range 348-4488), thus 10 years"): one statement per unit
            out += [{r["statistic"]: [r] for r in part}
                    for part in group_by(sub, ("unit",)).values()]
    return _link_p_values([{k: v[0] for k, v in s.items()} for s in out])  # type: ignore[misc]


# Columns two cells of one table share when one prints the estimate and a neighbour its P.
_SAME_COMPARISON = ("source", "location", "cohort", "arm", "versus", "subgroup", "quantity",
                    "category", "data_cut")


def _link_p_values(stmts: list[dict[str, Row]]) -> list[dict[str, Row]]:
    """A P value printed in a cell of its own joins the estimate of its table row or column.

    Tables often print the P value in a column ("P") or a row ("P value") of its own; it
    belongs to the estimate of the same table row (or column) and comparison, when exactly
    one such estimate lacks a P value.
    """
    lone = [s for s in stmts if set(s) == {"p_value"} and (s["p_value"]["row"]
                                                           or s["p_value"]["column"])]
    if not lone:
        return stmts
    merged: set[int] = set()
    for s in lone:
        p = s["p_value"]
        key = tuple(p[c] for c in _SAME_COMPARISON)
        cands = [t for t in stmts if "p_value" not in t and "estimate" in t
                 and tuple(t["estimate"][c] for c in _SAME_COMPARISON) == key
                 and (t["estimate"]["row"] == p["row"] or t["estimate"]["column"] == p["column"])]
        if len(cands) == 1:
            cands[0]["p_value"] = p
            merged.add(id(s))
    return [s for s in stmts if id(s) not in merged]


def count_partner(ctx: Context, row: Row) -> Row | None:
    """The count printed with a percentage (same statement), if any."""
    cands = [r for r in ctx.where(**{c: row[c] for c in STATEMENT}, statistic="count")
             if ctx.numeric(r)]
    if len(cands) > 1:
        cands = [r for r in cands if r["anchor"] == row["anchor"]] or cands[:0]
    return cands[0] if len(cands) == 1 else None


def _level(category: str) -> str:
    """The level of a category: ``Missing`` of ``ECOG PS: Missing``, lower case."""
    text = str(category or "").strip().lower()
    return text.rsplit(":", 1)[1].strip() if ":" in text else text


def missing_like(category: str) -> bool:
    """A category (or the level of ``Characteristic: level``) that stands for "not known"."""
    return _level(category) in MISSING_LIKE


def other_like(category: str) -> bool:
    """A category that closes a list: "Other" (the list then claims every patient)."""
    return _level(category) in OTHER_LIKE


def compatible(a: Row, b: Row, columns: tuple[str, ...] = VARIANT) -> bool:
    """Two rows that may state one number: no column of :data:`VARIANT` differs when both say.

    ``sided`` is left to the caller when ``columns`` omits it (a one-sided P and a two-sided
    P of one test are compared by their relation, not as one number).
    """
    return all(_may_agree(c, a.get(c), b.get(c)) for c in columns)


# Hypotheses of another test than the comparison's own: the data dictionary leaves
# ``hypothesis`` empty for the usual test of no difference, so an empty row never states an
# interaction's or a heterogeneity test's P (0.054 for the treatment, 0.042 for its
# interaction with age are two tests of one model).
OTHER_TESTS = frozenset({"interaction", "heterogeneity"})


def _may_agree(column: str, x: object, y: object) -> bool:
    if column == "hypothesis" and (x in OTHER_TESTS or y in OTHER_TESTS):
        return (x or "") == (y or "")
    return not x or not y or x == y


def same_variant(a: Row, b: Row) -> bool:
    """Rows that state the same variant of a number: every :data:`VARIANT` column equal."""
    return all(str(a.get(c) or "") == str(b.get(c) or "") for c in VARIANT)


def same_date(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_SCHEME_LINE = re.compile(r"^(?P<head>.+?) (?P<scheme>half_up|half_even|truncate|round_twice): "
                          r"(?P<value>.*)$")


def tidy_recomputation(rec: dict[str, Any]) -> dict[str, Any]:
    """Merge per-scheme lines of one denominator (``16/55 (...) half_up: 29.1``) into one.

    ``16/55 (stated denominator): 29.1 half up, 29.1 half even, 29 truncation, ...``; a
    line ending ``= printed`` keeps the mark. Other lines are kept as they are.
    """
    tried = rec.get("tried")
    rec = {**rec, **({"result": humanize(str(rec["result"]))} if rec.get("result") else {})}
    if not tried:
        return rec
    merged: dict[str, list[str]] = {}
    order: list[str] = []
    for line in tried:
        m = _SCHEME_LINE.match(str(line))
        key = m.group("head") if m else str(line)
        if key not in merged:
            merged[key] = []
            order.append(key)
        if m:
            merged[key].append(f"{m.group('value')} {humanize(m.group('scheme'))}")
    out = [f"{k}: {', '.join(merged[k])}" if merged[k] else k for k in order]
    return {**rec, "tried": [humanize(x) for x in out]}


def tidy_ruled_out(items: list[str], tried: list[str]) -> list[str]:
    """Ruled-out items, without those that only name a line of the recomputation."""
    heads = {str(t).split(":")[0].strip() for t in tried}
    kept = [humanize(i) for i in items if i.strip() not in heads]
    if len(kept) < len(items):
        kept.append("every denominator and rounding scheme listed under the recomputation")
    return kept


def describe(row: Row) -> str:
    bits = [row["statistic"], quantity_label(str(row["quantity"]))]
    if row["category"]:
        bits.append(f"[{row['category']}]")
    bits.append(f"in {row['cohort']}")
    if row["arm"]:
        bits.append(f"({row['arm']})")
    if row["subgroup"]:
        bits.append(f"subgroup {row['subgroup']}")
    return " ".join(bits)


def box(row: Row) -> tuple[float, float]:
    iv = interval_of(row)
    lo = float(iv.low) if iv.low is not None else 0.0
    hi = float(iv.high) if iv.high is not None else math.inf
    return max(lo, 1e-12), hi


@dataclass(frozen=True)
class Check:
    id: str
    version: str
    description: str
    reference: str
    func: Callable[[Context], list[Finding]]
