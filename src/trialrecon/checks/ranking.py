"""Ranking causes by importance: the order of the report, the index page and the letter.

A cause ranks by, in turn (:data:`RULES`, printed in the report and the README):

1. severity: error, inconsistent, questionable, note;
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
from trialrecon.checks.findings import SEVERITIES

RULES: tuple[tuple[str, str], ...] = (
    ("severity", "error, inconsistent, questionable, note"),
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


def importance_key(ctx: Context, cause: Cause) -> tuple:
    rows = cause.rows or []
    pops = set(ctx.vocab.populations())
    topical = [r for r in rows if r["quantity"] not in pops] or rows
    endpoint = min((endpoint_class(ctx, r) for r in topical), default=9)
    place = min((place_class(ctx, r) for r in rows), default=9)
    quoted = min((int(r["statistic"] in DERIVED) for r in topical), default=1)
    sev = SEVERITIES.index(cause.severity) if cause.severity in SEVERITIES else 9
    return (sev, endpoint, place, quoted, -round(cause.magnitude, 6), -len(cause.members),
            cause.id)


def explain_key(key: tuple) -> list[str]:
    """The ranking key in words, shown with each cause."""
    sev, endpoint, place, quoted, gap, size, _ = key
    where = PLACE_CLASSES[place % 4] if place < 9 else "unknown place"
    if place >= 4 and place < 9:
        where += " of another source"
    return [SEVERITIES[sev] if sev < len(SEVERITIES) else "?",
            ENDPOINT_CLASSES[endpoint] if endpoint < len(ENDPOINT_CLASSES) else "other",
            where, "derived number" if quoted else "quoted number",
            f"gap {-gap:.0%}" if gap else "no gap measured",
            f"{-size} finding{'' if size == -1 else 's'}"]


def rank_causes(ctx: Context, causes: list[Cause]) -> list[Cause]:
    """Sort causes by importance (see :data:`RULES`) and number them from 1."""
    keyed = sorted(((importance_key(ctx, c), c) for c in causes), key=lambda kc: kc[0])
    for i, (key, cause) in enumerate(keyed, start=1):
        cause.rank = i
        cause.importance = explain_key(key)
    return [c for _, c in keyed]
