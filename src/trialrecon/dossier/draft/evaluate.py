"""How far a draft reproduces a hand-made dossier: the figures the benchmark prints.

A hand-made row is *reproduced* when a draft row has the same value (or marker) and
statistic, stands inside the hand-made anchor where the audit finds it, and names the same
location; it is *labelled* when that draft row also proposes the same quantity and cohort.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from trialrecon.dossier.audit import SourceDoc, _rows
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.layout import _key, place_spans
from trialrecon.dossier.draft.normalise import normal


@dataclass(frozen=True)
class Score:
    rows: int  # hand-made rows of the source
    reproduced: int  # same value, statistic and location, at the anchor
    labelled: int  # ... and the same quantity and cohort
    drafted: int  # draft rows
    needs_review: int

    @property
    def reproduced_share(self) -> float:
        return self.reproduced / self.rows if self.rows else math.nan

    @property
    def labelled_share(self) -> float:
        return self.labelled / self.rows if self.rows else math.nan


def same_value(a: dict[str, str], b: dict[str, str]) -> bool:
    """Equal numbers (0.05 and .05), equal markers, or equal text (dates, labels)."""
    if a.get("marker") or b.get("marker"):
        return a.get("marker") == b.get("marker")
    try:
        return math.isclose(float(a["value"]), float(b["value"]), abs_tol=1e-12)
    except ValueError:
        return a["value"].strip() == b["value"].strip()


def anchor_spans(doc: SourceDoc, row: dict[str, str], named: set[str]) -> list[tuple[int, int]]:
    """Where the row's anchor stands in its location (original offsets)."""
    found = doc.find_all(normal(row["anchor"]))
    spans = place_spans(doc.layout, row["location"], named) or []
    return [(a, b) for a, b in found if any(s <= a < e for s, e in spans)]


def matches(doc: SourceDoc, row: dict[str, str], drafts: list[Draft],
            named: set[str]) -> list[Draft]:
    """The draft rows that reproduce ``row`` (value, statistic, location, at the anchor)."""
    spans = anchor_spans(doc, row, named)
    return [d for d in drafts if any(a <= d.offset < b for a, b in spans)
            and d.fields["statistic"] == row["statistic"] and same_value(d.fields, row)
            and _key(d.fields["location"]) == _key(row["location"])]


def score(doc: SourceDoc, dossier: Path, source_id: str, drafts: list[Draft]) -> Score:
    """The draft's figures against the hand-made rows of ``source_id`` in ``dossier``."""
    rows = [r for _, _, r in _rows(dossier) if r["source"] == source_id]
    named = {_key(r["location"]) for r in rows}
    reproduced = labelled = 0
    for row in rows:
        found = matches(doc, row, drafts, named)
        if found:
            reproduced += 1
            if any(d.fields["quantity"] == row["quantity"] and d.fields["cohort"] == row["cohort"]
                   for d in found):
                labelled += 1
    return Score(len(rows), reproduced, labelled, len(drafts),
                 sum(d.needs_review for d in drafts))
