"""Draft rows as a CSV in the dossier's format, and a draft compared with the dossier.

The draft file has every column of ``values.csv`` (:data:`trialrecon.dossier.COLUMNS` and the
optional ones: ``data_cut``, ``versus``, ``adjustment``, ``test``, ``population``,
``hypothesis``) and the draft's own: ``confidence`` (0 to 1), ``rule`` (the rules that made
the row: the number's pattern, where each label came from, and every ``guess: ...``) and
``needs_review`` (``yes`` when a label is a guess). Text cells a spreadsheet would run as a
formula are neutralised (:func:`trialrecon.dossier.safe_write.cell`). With a dossier to
compare with, ``merge`` says for each row whether the dossier already has it (``in_dossier``
and the dossier's id) or not (``new``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS
from trialrecon.dossier.audit import SourceDoc, _rows
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.evaluate import anchor_spans, same_value
from trialrecon.dossier.draft.layout import _key
from trialrecon.dossier.safe_write import csv_text

DRAFT_COLUMNS: tuple[str, ...] = (*COLUMNS, *OPTIONAL_COLUMNS, "confidence", "rule",
                                  "needs_review")
MERGE_COLUMNS: tuple[str, ...] = ("merge", "dossier_id")


def assign_ids(drafts: list[Draft], prefix: str = "d") -> None:
    """Ids unique in the draft, readable: ``d0012_orr`` (``d0013_review`` when unlabelled)."""
    for n, d in enumerate(drafts, start=1):
        tail = re.sub(r"[^a-z0-9_]", "", d.fields.get("quantity", "").lower()) or "review"
        d.fields["id"] = f"{prefix}{n:04d}_{tail}"


def to_csv(drafts: list[Draft], merge: dict[int, tuple[str, str]] | None = None) -> str:
    """The draft as CSV text (``merge``: {index: (status, dossier id)} adds two columns)."""
    columns = DRAFT_COLUMNS + (MERGE_COLUMNS if merge is not None else ())
    rows = []
    for i, d in enumerate(drafts):
        row = {c: d.fields.get(c, "") for c in (*COLUMNS, *OPTIONAL_COLUMNS)}
        row.update(confidence=f"{d.confidence:.2f}", rule="; ".join(d.rules),
                   needs_review="yes" if d.needs_review else "")
        if merge is not None:
            row["merge"], row["dossier_id"] = merge.get(i, ("new", ""))
        rows.append([row.get(c, "") for c in columns])
    return csv_text(columns, rows)


@dataclass(frozen=True)
class MergeResult:
    status: dict[int, tuple[str, str]]  # draft index -> ("in_dossier", id) or ("new", "")
    not_drafted: tuple[str, ...]  # dossier ids of the source that no draft row reproduces

    @property
    def in_dossier(self) -> int:
        return sum(s == "in_dossier" for s, _ in self.status.values())

    @property
    def new(self) -> int:
        return sum(s == "new" for s, _ in self.status.values())


def merge(doc: SourceDoc, dossier: Path, source_id: str, drafts: list[Draft]) -> MergeResult:
    """Which draft rows the dossier already holds: same value, location and anchor.

    "Same anchor" is read in the source: the drafted number stands inside the place where
    the dossier row's anchor is found, so two anchors quoting the same sentence differently
    still agree.
    """
    rows = [r for _, _, r in _rows(dossier) if r["source"] == source_id]
    named = {_key(r["location"]) for r in rows}
    status: dict[int, tuple[str, str]] = {i: ("new", "") for i in range(len(drafts))}
    not_drafted = []
    for row in rows:
        spans = anchor_spans(doc, row, named)
        hit = next((i for i, d in enumerate(drafts)
                    if any(a <= d.offset < b for a, b in spans) and same_value(d.fields, row)
                    and d.fields["statistic"] == row["statistic"]
                    and _key(d.fields["location"]) == _key(row["location"])), None)
        if hit is None:
            not_drafted.append(row["id"])
        elif status[hit][0] == "new":
            status[hit] = ("in_dossier", row["id"])
        else:
            status[hit] = ("in_dossier", status[hit][1] + " " + row["id"])
    return MergeResult(status, tuple(not_drafted))
