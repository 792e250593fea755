"""Findings of the reconciliation checks: what was compared, what came out, and triage.

A finding's id is stable: it hashes only the check, the trial and the ids of the values it
involves (plus a discriminator such as the denominator tried), so adding or editing
unrelated rows of a dossier never renames it, and a reviewer's triage stays attached.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Most severe first; the report sorts by this order.
SEVERITIES: tuple[str, ...] = ("error", "inconsistent", "questionable", "note", "consistent")
VERDICTS: tuple[str, ...] = ("confirmed", "false_alarm", "explained")
VALUE_FIELDS: tuple[str, ...] = (
    "id", "source", "location", "row", "column", "anchor", "cohort", "arm", "subgroup",
    "quantity", "category", "statistic", "value", "comparator", "unit", "file", "line",
)  # fmt: skip


MARKER_TEXT = {"not_reached": "not reached", "not_estimable": "not estimable",
               "not_reported": "not reported"}
_SINGULAR = {"patients": "patient", "events": "event", "months": "month", "years": "year",
             "weeks": "week", "days": "day", "centers": "center", "countries": "country"}


def unit_text(value: str, unit: str) -> str:
    """The unit as printed after ``value``: ``%`` for percent, singular after exactly 1."""
    if unit == "percent":
        return "%"
    if unit in ("", "none", "ratio", "probability", "proportion", "date"):
        return ""
    try:
        one = float(value) == 1.0
    except ValueError:
        one = False
    return _SINGULAR.get(unit, unit) if one else unit


@dataclass(frozen=True)
class ValueRef:
    """One printed value a finding quotes, with where it stands."""

    id: str
    source: str
    location: str
    row: str
    column: str
    anchor: str
    cohort: str
    arm: str
    subgroup: str
    quantity: str
    category: str
    statistic: str
    value: str
    comparator: str
    unit: str
    file: str
    line: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ValueRef:
        data = {k: ("" if row.get(k) is None else str(row.get(k))) for k in VALUE_FIELDS}
        value = data["value"] or row.get("marker", "") or ""
        return cls(**{**data, "value": str(value), "line": int(row.get("line") or 0)})

    def printed(self) -> str:
        """The value as a reader sees it: comparator, number and unit (1 patient, 2 patients)."""
        comp = "" if self.comparator in ("", "=") else self.comparator + " "
        if self.value in MARKER_TEXT:
            return MARKER_TEXT[self.value]
        unit = unit_text(self.value, self.unit)
        return f"{comp}{self.value}{'' if unit in ('', '%') else ' '}{unit}"

    def where(self) -> str:
        parts = [self.source, self.location]
        if self.row:
            parts.append(f"row '{self.row}'")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


@dataclass
class Finding:
    """One result of one check on one group of values."""

    id: str
    check: str
    check_version: str
    trial: str
    severity: str
    title: str
    sentence: str
    values: list[ValueRef] = field(default_factory=list)
    recomputation: dict[str, Any] = field(default_factory=dict)
    nearest: str | None = None
    explanations_ruled_out: list[str] = field(default_factory=list)
    triage: dict[str, str] | None = None
    claim: str = ""  # the check's own short wording, before the title was made readable

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data; each value also carries its ``printed`` text."""
        data = asdict(self)
        data["values"] = [{**asdict(v), "printed": v.printed()} for v in self.values]
        return data

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)


def stable_id(check: str, trial: str, value_ids: list[str] | tuple[str, ...],
              discriminator: str = "") -> str:
    """``<check>-<10 hex>`` from the check, the trial, the sorted value ids and a discriminator."""
    key = "\x1f".join([check, trial, *sorted(set(value_ids)), discriminator])
    return f"{check}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


# ---------------------------------------------------------------------------- triage


@dataclass(frozen=True)
class TriageEntry:
    verdict: str
    note: str = ""


def load_triage(path: str | Path | None) -> dict[str, TriageEntry]:
    """Read ``triage.yaml``; a missing file gives no entries.

    ``{findings: {<finding id>: {verdict, note}}, causes: {<cause id>: {verdict, note}}}``;
    both sections are optional and their ids are returned in one mapping (finding ids are
    ``<check>-<hex>``, cause ids ``cause-<hex>``). Raises ValueError naming the entry when a
    verdict is not one of VERDICTS.
    """
    if path is None:
        return {}
    path = Path(path)
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k) or {}, dict)
                                            for k in ("findings", "causes")):
        raise ValueError(f"{path}: expected a mapping 'findings: {{<finding id>: ...}}' "
                         "(and optionally 'causes: {<cause id>: ...}')")
    out: dict[str, TriageEntry] = {}
    entries = [*(raw.get("findings") or {}).items(), *(raw.get("causes") or {}).items()]
    for fid, entry in entries:
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: entry '{fid}' must be a mapping with 'verdict'")
        verdict = str(entry.get("verdict", ""))
        if verdict not in VERDICTS:
            raise ValueError(f"{path}: entry '{fid}' has verdict '{verdict}'; "
                             f"use one of {', '.join(VERDICTS)}")
        out[str(fid)] = TriageEntry(verdict, str(entry.get("note", "") or ""))
    return out
