"""Ranking causes by importance: the order of the report, the index page and the letter.

**Minor points.** Each cause carries ``minor`` (a bool) and ``minor_reason`` (a short text,
"" when not minor), set by :func:`minor_reason` for inconsistent and questionable causes:

* ``registry record``: a registry's counts, dates or sites against the paper (enrolment in
  the record against the paper, sites listed against "21 institutions");
* ``rounding only``: the numbers differ by rounding alone: a rounding cause, or every member
  within one unit of the last printed digit of the other number or of the value its natural
  denominator gives (18% and 19% of 18.50%, 32 and 31 months), counts excepted;
* ``baseline``: baseline characteristics whose percentages or category sums miss their
  column (missing values: 53 of 55).

The review letter puts minor points in a short closing paragraph; they never rank ahead of
another point for the authors.

A cause ranks by, in turn (:data:`RULES`, printed in the report and the README):

1. tier: pipeline errors, then points for the authors (inconsistent, then questionable), then
   minor points (inconsistent, then questionable), then notes;
2. what it touches: the primary endpoint, then other efficacy (response, time to event,
   hazard ratios), then safety, then population counts, then baseline characteristics,
   then conduct and design, then numbers quoted from other studies;
3. where: the Abstract and Results, then tables and figures, then other sections, then the
   Discussion; another source (review, registry) after the paper;
4. what a reader quotes (medians, rates, counts, estimates) before derived numbers
   (confidence bounds, range ends, P values);
5. how far apart the numbers are (relative gap, largest first);
6. how many findings it explains (more first); then the id, so the order is stable.

A cause's class on rules 2 to 4 is the best (most important) of the rows it involves. The
primary endpoints are ``primary_endpoint`` of ``trial.yaml`` (with their hazard ratios, event
counts and landmark rates), or by default the response rate (``orr``) for a single-arm trial
and ``pfs`` otherwise.
"""

from __future__ import annotations

from trialrecon.checks.cause_base import Cause, location_rank
from trialrecon.checks.context import Context, Row
from trialrecon.checks.findings import SEVERITIES, Finding

RULES: tuple[tuple[str, str], ...] = (
    ("tier", "pipeline errors; points for the authors (inconsistent, then questionable); minor "
             "points (registry records, rounding only, baseline missing values); notes"),
    ("endpoint", "primary endpoint, other efficacy, safety, populations, baseline, "
                 "conduct and design, other studies"),
    ("place", "Abstract and Results, tables and figures, other sections, Discussion; other "
              "sources after the paper"),
    ("quoted", "numbers a reader quotes (medians, rates, counts, estimates) before derived "
               "ones (confidence bounds, range ends, P values)"),
    ("gap", "how far apart the numbers are, largest first"),
    ("size", "how many findings the cause explains, most first; then the id"),
)
ENDPOINT_CLASSES: tuple[str, ...] = ("primary endpoint", "efficacy", "safety", "population",
                                     "baseline", "conduct or design", "other studies")
PLACE_CLASSES: tuple[str, ...] = ("Abstract or Results", "a table or figure", "another section",
                                  "the Discussion")
DERIVED = frozenset({"ci_low", "ci_high", "range_low", "range_high", "p_value"})
_KIND_CLASS = {"response": 1, "time_to_event": 1, "ratio": 1, "safety": 2, "population": 3,
               "characteristic": 4, "conduct": 5, "design": 5, "external": 6}


def primary_endpoints(ctx: Context) -> tuple[str, ...]:
    """``primary_endpoint`` of trial.yaml; by default ``orr`` (single arm) or ``pfs``."""
    trial = ctx.dossier.trial
    declared = tuple(getattr(trial, "primary_endpoints", ()) or ())
    if declared:
        return declared
    return ("orr",) if trial.design == "single_arm" else ("pfs",)


def primary_endpoint(ctx: Context) -> str:
    return ", ".join(primary_endpoints(ctx))


def endpoint_class(ctx: Context, row: Row) -> int:
    primary = primary_endpoints(ctx)
    q = str(row["quantity"])
    entry = ctx.vocab.quantities.get(q, {})
    related = {str(entry.get(k) or "") for k in ("ratio_of", "events_of", "rate_of")}
    if q in primary or related & set(primary):
        return 0
    return _KIND_CLASS.get(ctx.kind(q), 5)


def place_class(ctx: Context, row: Row) -> int:
    """Abstract and Results 0, tables 1, other sections 2, Discussion 3; +4 off the paper."""
    source, section = location_rank(ctx, row)
    loc = str(row.get("location") or "").lower()
    cls = {0: 1 if loc.startswith(("table", "figure")) else 0, 1: 0, 2: 2, 3: 3}[section]
    return cls + (0 if source == 0 or ctx.source_kind(row["source"]) == "abstract" else 4)


TIERS: tuple[str, ...] = ("pipeline error", "point for the authors", "minor point", "note")


def _rounding_only(f: Finding) -> bool:
    """A finding whose numbers differ by rounding alone (marked by its check)."""
    return bool((f.recomputation or {}).get("rounding_only"))


def minor_reason(ctx: Context, cause: Cause) -> str:
    """Why an inconsistent or questionable cause is a minor point ("" when it is not).

    See the module docstring: a registry record against the paper, a rounding-only
    difference, or baseline characteristics that miss their column.
    """
    if cause.severity not in ("inconsistent", "questionable"):
        return ""
    rows = cause.rows or []
    pops = set(ctx.vocab.populations())
    if any(ctx.is_registry(r) for r in rows) and all(
            ctx.kind(r["quantity"]) in ("population", "conduct", "design") for r in rows):
        return "registry record"
    if cause.kind == "rounding" or (cause.members and all(_rounding_only(f)
                                                          for f in cause.members)):
        return "rounding only"
    topical = [r for r in rows if r["quantity"] not in pops]
    if topical and all(ctx.kind(r["quantity"]) == "characteristic" for r in topical) and \
            {f.check for f in cause.members} <= {"percentages", "partitions", "ranges-pooled"}:
        return "baseline"
    return ""


def importance_key(ctx: Context, cause: Cause) -> tuple:
    rows = cause.rows or []
    pops = set(ctx.vocab.populations())
    topical = [r for r in rows if r["quantity"] not in pops] or rows
    endpoint = min((endpoint_class(ctx, r) for r in topical), default=9)
    place = min((place_class(ctx, r) for r in rows), default=9)
    quoted = min((int(r["statistic"] in DERIVED) for r in topical), default=1)
    sev = SEVERITIES.index(cause.severity) if cause.severity in SEVERITIES else 9
    tier = 0 if cause.severity == "error" else 3 if cause.severity == "note" else (
        2 if cause.minor else 1)
    return (tier, sev, endpoint, place, quoted, -round(cause.magnitude, 6),
            -len(cause.members), cause.id)


def explain_key(key: tuple) -> list[str]:
    """The ranking key in words, shown with each cause."""
    tier, sev, endpoint, place, quoted, gap, size, _ = key
    where = PLACE_CLASSES[place % 4] if place < 9 else "unknown place"
    if place >= 4 and place < 9:
        where += " of another source"
    return [TIERS[tier], SEVERITIES[sev] if sev < len(SEVERITIES) else "?",
            ENDPOINT_CLASSES[endpoint] if endpoint < len(ENDPOINT_CLASSES) else "other",
            where, "derived number" if quoted else "quoted number",
            f"gap {-gap:.0%}" if gap else "no gap measured",
            f"{-size} finding{'' if size == -1 else 's'}"]


def rank_causes(ctx: Context, causes: list[Cause]) -> list[Cause]:
    """Mark minor points, sort causes by importance (see :data:`RULES`), number from 1."""
    for cause in causes:
        cause.minor_reason = minor_reason(ctx, cause)
        cause.minor = bool(cause.minor_reason)
    keyed = sorted(((importance_key(ctx, c), c) for c in causes), key=lambda kc: kc[0])
    for i, (key, cause) in enumerate(keyed, start=1):
        cause.rank = i
        cause.importance = explain_key(key)
    return [c for _, c in keyed]
