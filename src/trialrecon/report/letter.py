"""The review letter: the points for the authors, most important first, ready to send.

Two renderings of one plan (:func:`plan_letter`):

* ``review_letter.txt`` (:func:`render_text_letter`): plain text to paste into an editorial
  system: no markup, no escapes, no ids (sources by citation, arms by label,
  :mod:`trialrecon.report.names`), one line per paragraph so the form reflows it;
* ``review_letter.md`` (:func:`render_letter`): the same letter as Markdown, every text from
  the dossier escaped (:func:`md`).

The plan: the causes (:mod:`trialrecon.checks.causes`) of severity inconsistent or
questionable that no triage calls a false alarm or explained, in the report's rank order.
Causes that blame the same sentence or table cell of the paper are one point (two numbers of
one sentence are one thing for the authors to fix). Major concerns (inconsistent) come first,
then other points (questionable), then one short paragraph of minor points: differences of
rounding alone, the registry record against the paper, baseline characteristics that miss
their column (:func:`minor_reason`). Notes (updates, soft signals) and errors of the pipeline
are not for the authors. Nothing depends on the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialrecon.checks import Reconciliation
from trialrecon.checks.cause_base import Cause
from trialrecon.checks.findings import ValueRef
from trialrecon.dossier.model import Trial
from trialrecon.dossier.vocabulary import vocabulary
from trialrecon.report.markdown import escape
from trialrecon.report.names import Names, names_of

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")

LEFT_OUT_VERDICTS = frozenset({"false_alarm", "explained"})
MAX_QUOTES = 4
MINOR_ORDER = ("rounding only", "registry record", "baseline")
_MINOR_LEADS = {
    "rounding only": ("Some numbers differ from what their counts give by rounding alone",
                      "Could the rounding rule be stated?"),
    "registry record": ("The registry record and the paper differ",
                        "Could the record be updated, or the difference explained?"),
    "baseline": ("Some baseline characteristics do not match their column, presumably "
                 "because of missing values",
                 "Could the missing values be stated in the table?"),
}
_BASELINE_CHECKS = frozenset({"percentages", "partitions", "ranges-pooled"})
_BASELINE_KINDS = frozenset({"characteristic"})
_REGISTRY_KINDS = frozenset({"population", "conduct", "design"})


def md(text: object) -> str:
    """Text from a dossier as Markdown (:func:`trialrecon.report.markdown.escape`)."""
    return escape(text)


def plain(markdown: str) -> str:
    """Markdown from :func:`md` with the backslash escapes removed."""
    return _ESCAPED.sub(r"\1", markdown)


def in_letter(cause: Cause) -> bool:
    """A concern for the authors: inconsistent or questionable, not triaged away."""
    verdict = (cause.triage or {}).get("verdict", "")
    return cause.severity in ("inconsistent", "questionable") and verdict not in \
        LEFT_OUT_VERDICTS


def left_out(rec: Reconciliation) -> list[Cause]:
    """Causes a reviewer triaged as false alarms or explained (not in the letter)."""
    return [c for c in rec.causes if (c.triage or {}).get("verdict", "") in LEFT_OUT_VERDICTS]


# ------------------------------------------------------------------------------ minor points


def minor_reason(cause: Cause, names: Names | None = None) -> str:
    """Why a cause is a minor point ("" when it is not).

    The checks mark minor points themselves (``Cause.minor_reason``, set by
    :mod:`trialrecon.checks.ranking`); where a cause does not carry the mark, it is inferred
    from what the cause says (:func:`inferred_minor_reason`).
    """
    marked = getattr(cause, "minor_reason", None)
    if isinstance(marked, str):
        return marked
    return inferred_minor_reason(cause, names or Names())


def inferred_minor_reason(cause: Cause, names: Names) -> str:
    """The minor-point rule read off a cause: rounding alone, the registry, baseline columns."""
    if cause.severity not in ("inconsistent", "questionable"):
        return ""
    rows = cause.rows or []
    kind_of = vocabulary().quantities
    kinds = [str(kind_of.get(str(r.get("quantity", "")), {}).get("kind", "")) for r in rows]
    if rows and any(names.source_kinds.get(str(r.get("source", ""))) == "registry"
                    for r in rows) and set(kinds) <= _REGISTRY_KINDS:
        return "registry record"
    rounding = [bool((f.recomputation or {}).get("rounding_only")) for f in cause.members]
    if cause.kind == "rounding" or (rounding and all(rounding)) or \
            "non-standard rounding" in cause.title:
        return "rounding only"
    populations = {q for q, d in kind_of.items() if d.get("population")}
    topical = [k for r, k in zip(rows, kinds, strict=True)
               if str(r.get("quantity", "")) not in populations]
    missing = cause.kind in ("denominator", "shifted_total") or "missing" in cause.title
    if topical and set(topical) <= _BASELINE_KINDS and set(cause.checks) <= _BASELINE_CHECKS \
            and missing:
        return "baseline"
    return ""


# ------------------------------------------------------------------------------ the plan


@dataclass
class Point:
    """One point of the letter: the causes that blame one sentence or table cell."""

    causes: list[Cause]
    quotes: list[ValueRef] = field(default_factory=list)

    @property
    def major(self) -> bool:
        return any(c.severity == "inconsistent" for c in self.causes)


@dataclass
class LetterPlan:
    title: str
    citations: list[str]
    names: Names
    major: list[Point]
    other: list[Point]
    minor: list[tuple[str, list[Cause]]]  # (reason, causes) in MINOR_ORDER

    @property
    def empty(self) -> bool:
        return not (self.major or self.other or self.minor)


def _cell(q: ValueRef) -> tuple[str, ...]:
    """The sentence or table cell a value stands in."""
    if q.row or q.column:
        return (q.source, q.location, q.row, q.column)
    return (q.source, q.location, " ".join(q.anchor.split()))


def _blamed(cause: Cause) -> set[tuple[str, ...]]:
    """The sentences and cells a cause blames: its culprits', else every quote's."""
    quotes = [q for q in cause.quotes if q.anchor]
    culprits = [q for q in quotes if q.id in set(cause.culprits)]
    return {_cell(q) for q in (culprits or quotes)}


def group_points(causes: list[Cause]) -> list[Point]:
    """Causes that blame a common sentence or cell become one point, in rank order."""
    parent = list(range(len(causes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, ...], int] = {}
    for i, cause in enumerate(causes):
        for cell in sorted(_blamed(cause)):
            if cell in first:
                parent[root(i)] = root(first[cell])
            else:
                first[cell] = i
    groups: dict[int, list[Cause]] = {}
    for i, cause in enumerate(causes):
        groups.setdefault(root(i), []).append(cause)
    points = [Point(list(g)) for g in groups.values()]
    for p in points:
        p.causes.sort(key=lambda c: c.rank)
        seen: dict[tuple[str, ...], ValueRef] = {}
        for c in p.causes:
            for q in c.quotes:
                if q.anchor:
                    seen.setdefault((q.source, q.location, q.row, " ".join(q.anchor.split())), q)
        p.quotes = list(seen.values())
    points.sort(key=lambda p: min(c.rank for c in p.causes))
    return points


def plan_letter(rec: Reconciliation, citations: list[str] | None = None,
                trial: Trial | None = None) -> LetterPlan:
    """What the letter says, in order (see the module docstring)."""
    names = names_of(trial)
    concerns = [c for c in rec.causes if in_letter(c)]
    reasons = {c.id: minor_reason(c, names) for c in concerns}
    minor = [(r, [c for c in concerns if reasons[c.id] == r]) for r in
             dict.fromkeys([*MINOR_ORDER, *(v for v in reasons.values() if v)])]
    points = group_points([c for c in concerns if not reasons[c.id]])
    # the report under review: the papers (else abstracts) of the dossier; other sources are
    # cited where they are quoted
    reviewed = [names.citations[s] for s in names.under_review] or list(citations or [])
    return LetterPlan(
        title=rec.title, citations=reviewed, names=names,
        major=[p for p in points if p.major], other=[p for p in points if not p.major],
        minor=[(r, cs) for r, cs in minor if cs])


# ------------------------------------------------------------------------------ wording

INTRO = ("I recomputed the numbers the report prints from the report itself (counts, "
         "percentages, medians, intervals, sums and the registry record). Below are the points "
         "the numbers cannot reconcile, the most important first (the primary endpoint and "
         "efficacy before safety and baseline, the Abstract and Results before tables and the "
         "Discussion). Each quotes the sentence or table cell, gives the arithmetic and asks a "
         "question; points from one sentence are together.")
MINOR_NOTE = ("Differences of rounding alone, of the registry record and of baseline columns "
              "are gathered under minor points at the end.")
NOTHING = "The printed numbers are consistent with each other; I have no concern about them."


def _where(q: ValueRef, names: Names) -> str:
    where = names.place(q.source, q.location)
    return where + (f", row \u201c{q.row}\u201d" if q.row else "")


def _quote_lines(quotes: list[ValueRef], names: Names) -> list[str]:
    lines = [f"{_where(q, names)}: \u201c{' '.join(q.anchor.split())}\u201d" for q in quotes]
    if len(lines) > MAX_QUOTES:
        lines = lines[:MAX_QUOTES] + [f"(and {len(lines) - MAX_QUOTES} more places, listed in "
                                      "the reconciliation report)"]
    return lines


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!)\u201d" else text + "."


def _cause_lines(cause: Cause, names: Names) -> list[tuple[str, str]]:
    """(label, text) lines of one cause: arithmetic and question, in words."""
    out = []
    if cause.arithmetic:
        out.append(("Arithmetic", _sentence(names.words(cause.arithmetic))))
    if cause.question:
        out.append(("Question", names.words(cause.question)))
    return out


def minor_paragraphs(plan: LetterPlan) -> list[str]:
    """One short paragraph per kind of minor point, each item by its title."""
    out = []
    for reason, causes in plan.minor:
        lead, ask = _MINOR_LEADS.get(reason, ("Further minor points", ""))
        items = "; ".join(plan.names.words(c.title) for c in causes)
        out.append(f"{lead}: {items}. {ask}".strip())
    return out


def _opening(plan: LetterPlan) -> list[str]:
    if plan.empty:
        return [NOTHING]
    return [f"{INTRO} {MINOR_NOTE}" if plan.minor else INTRO]


# ------------------------------------------------------------------------------ plain text


def _text_point(number: int, point: Point, names: Names) -> list[str]:
    if len(point.causes) == 1:
        cause = point.causes[0]
        out = [f"{number}. {names.words(cause.title)}"]
        out += [f"   {line}" for line in _quote_lines(point.quotes, names)]
        out += [f"   {label}: {text}" for label, text in _cause_lines(cause, names)]
        return out
    out = [f"{number}. {len(point.causes)} points about one passage:"]
    out += [f"   {line}" for line in _quote_lines(point.quotes, names)]
    for letter, cause in zip("abcdefghijklmnopqrstuvwxyz", point.causes, strict=False):
        out.append(f"   ({letter}) {_sentence(names.words(cause.title))}")
        out += [f"       {label}: {text}" for label, text in _cause_lines(cause, names)]
    return out


def render_text_letter(rec: Reconciliation, citations: list[str] | None = None,
                       trial: Trial | None = None) -> str:
    """The letter as plain text (no markup, no escapes, no ids), one line per paragraph."""
    plan = plan_letter(rec, citations, trial)
    out = [f"Statistical review: {plan.title}"]
    if plan.citations:
        out.append("Report reviewed: " + "; ".join(plan.citations) + ".")
    out += ["", "Dear authors,", ""] + _opening(plan) + [""]
    number = 0
    for heading, group in (("Major concerns", plan.major), ("Other points", plan.other)):
        if group:
            out += [heading, ""]
            for point in group:
                number += 1
                out += _text_point(number, point, plan.names) + [""]
    if plan.minor:
        out += ["Minor points", ""]
        for paragraph in minor_paragraphs(plan):
            out += [paragraph, ""]
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------------------ Markdown


def _md_point(number: int, point: Point, names: Names) -> list[str]:
    if len(point.causes) == 1:
        cause = point.causes[0]
        out = [f"{number}. **{md(names.words(cause.title))}**", ""]
        out += [f"   - {md(line)}" for line in _quote_lines(point.quotes, names)]
        out += [f"   - {label}: {md(text)}" for label, text in _cause_lines(cause, names)]
        return out + [""]
    out = [f"{number}. **{len(point.causes)} points about one passage**", ""]
    out += [f"   - {md(line)}" for line in _quote_lines(point.quotes, names)]
    for letter, cause in zip("abcdefghijklmnopqrstuvwxyz", point.causes, strict=False):
        out.append(f"   - ({letter}) {md(_sentence(names.words(cause.title)))}")
        out += [f"     {label}: {md(text)}" for label, text in _cause_lines(cause, names)]
    return out + [""]


def render_letter(rec: Reconciliation, citations: list[str] | None = None,
                  trial: Trial | None = None) -> str:
    """The review letter of one reconciliation, as Markdown (the same plan as the text)."""
    plan = plan_letter(rec, citations, trial)
    out = [f"# Statistical review: {md(plan.title)}", ""]
    if plan.citations:
        out += ["Report reviewed: " + "; ".join(md(c) for c in plan.citations) + ".", ""]
    out += ["Dear authors,", ""] + [md(p) for p in _opening(plan)] + [""]
    number = 0
    for heading, group in (("Major concerns", plan.major), ("Other points", plan.other)):
        if group:
            out += [f"## {heading}", ""]
            for point in group:
                number += 1
                out += _md_point(number, point, plan.names)
    if plan.minor:
        out += ["## Minor points", ""]
        for paragraph in minor_paragraphs(plan):
            out += [md(paragraph), ""]
    return "\n".join(out).rstrip() + "\n"
