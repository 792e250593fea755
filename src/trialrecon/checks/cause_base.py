"""What every kind of cause shares: the :class:`Cause` record, its stable id, and wording.

The grouping itself is described in :mod:`trialrecon.checks.causes`; the explainers live
in :mod:`.cause_statements` and :mod:`.cause_percentages`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from trialrecon.checks.context import Context, Row
from trialrecon.checks.findings import Finding, ValueRef
from trialrecon.checks.titles import inline
from trialrecon.stats.rounding import (
    Interval,
    exact,
    format_fraction,
    printed_interval,
)

KINDS: tuple[str, ...] = ("statement", "update", "denominator", "shifted_total", "rounding",
                          "restated", "single", "column", "error")
# What makes rows statements of one number (as the same-quantity check has it).
STATEMENT_KEYS = ("quantity", "category", "statistic", "cohort", "arm", "subgroup", "unit",
                  "level")


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
    culprits: list[str] = field(default_factory=list)  # ids of the rows the cause blames
    magnitude: float = 0.0
    triage: dict[str, str] | None = None
    rank: int = 0
    importance: list[str] = field(default_factory=list)
    minor: bool = False  # a minor point (see trialrecon.checks.ranking): the letter's closing
    minor_reason: str = ""  # paragraph; why it is minor ("" when it is not)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "rank": self.rank, "kind": self.kind, "severity": self.severity,
            "title": self.title, "explains": self.explains, "resolution": self.resolution,
            "arithmetic": self.arithmetic, "question": self.question,
            "members": [f.id for f in self.members],
            "checks": sorted({f.check for f in self.members}),
            "quotes": [q.id for q in self.quotes], "importance": self.importance,
            "minor": self.minor, "minor_reason": self.minor_reason, "triage": self.triage,
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


def _short_place(rows: list[Row], with_source: bool = False) -> str:
    """Up to two places by name; more as ``5 places in 4 sources`` (for titles)."""
    places = list(dict.fromkeys((r["source"], r["location"]) for r in rows))
    if len(places) <= 2:
        return _place(rows, with_source)
    sources = {s for s, _ in places}
    return f"{len(places)} places in {len(sources)} source{'' if len(sources) == 1 else 's'}"


def _place(rows: list[Row], with_source: bool = False) -> str:
    places = list(dict.fromkeys(
        (f"{r['source']}, {r['location']}" if with_source else str(r["location"]))
        for r in rows))
    return _and(places)



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
    return inline(text)


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
    verdict = "they overlap" if ic.overlaps(ir) else "the two do not overlap"
    return f"{_printed(r)} stands for {_span(ir)}, {_printed(c)} for {_span(ic)}: {verdict}"


def _span(iv: Interval) -> str:
    """``15.55 to 15.65``; ``below 0.001``; ``above 2``."""
    if iv.low is None and iv.high is not None:
        return f"below {format_fraction(iv.high)}"
    if iv.high is None and iv.low is not None:
        return f"above {format_fraction(iv.low)}"
    if iv.low is None or iv.high is None:
        return "any value"
    return f"{format_fraction(iv.low)} to {format_fraction(iv.high)}"


def _gap(a: Row, b: Row) -> float:
    x, y = _num(a), _num(b)
    if x is None or y is None or y == 0:
        return 0.0
    return abs(x - y) / abs(y)


