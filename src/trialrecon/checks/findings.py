"""Findings of the reconciliation checks: what was compared, what came out, and triage.

A finding's id is stable: it hashes only the check, the trial and the ids of the values it
involves (plus a discriminator such as the denominator tried), so adding or editing
unrelated rows of a dossier never renames it, and a reviewer's triage stays attached.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trialrecon.dossier.safe_yaml import YamlRefused, load_file

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


class TriageError(ValueError):
    """A triage file that cannot be applied; the message names the file and the entry."""


TRIAGE_KEYS = ("findings", "causes")
# Ids as :func:`stable_id` and the causes make them; anything else is refused, so an id never
# carries markup into the report (a stale entry is printed back).
_TRIAGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
ENTRY_KEYS = ("verdict", "note")


def load_triage(path: str | Path | None, required: bool = False) -> dict[str, TriageEntry]:
    """Read ``triage.yaml``: ``{findings: {<finding id>: {verdict, note}}}`` and, optionally,
    ``causes: {<cause id>: {verdict, note}}``; both sections' ids come back in one mapping
    (finding ids are ``<check>-<hex>``, cause ids ``cause-<hex>``).

    A missing file is no triage, unless ``required`` (a file the user named). Raises
    :class:`TriageError` naming the file (and line or entry) for YAML it cannot read (the
    bounded loader: no aliases, repeated keys or deep nesting), an unknown key at the top or
    in an entry (a misspelt ``finding:`` would otherwise apply nothing, silently) and an
    unknown verdict.
    """
    if path is None:
        return {}
    path = Path(path)
    if not os.path.lexists(path):
        if required:
            raise TriageError(f"{path}: triage file not found")
        return {}
    try:
        # a file the user named may be a link; the dossier's own triage.yaml may not
        raw = load_file(path, within=None if required else path.parent, follow_link=required)
    except YamlRefused as exc:
        raise TriageError(f"{path}: {exc}") from None
    raw = raw or {}
    if not isinstance(raw, dict):
        raise TriageError(f"{path}: expected a mapping 'findings: {{<finding id>: ...}}'")
    unknown = sorted(set(map(str, raw)) - set(TRIAGE_KEYS))
    if unknown:
        raise TriageError(f"{path}: unknown key(s) {', '.join(unknown)}; the file holds "
                          "'findings:' (and optionally 'causes:')")
    entries = []
    for key in TRIAGE_KEYS:
        section = raw.get(key) or {}
        if not isinstance(section, dict):
            raise TriageError(f"{path}: '{key}' must map {key[:-1]} ids to verdicts")
        entries += list(section.items())
    out: dict[str, TriageEntry] = {}
    for fid, entry in entries:
        if not isinstance(fid, str) or not _TRIAGE_ID.fullmatch(fid):
            shown = repr(str(fid))[1:-1][:80]
            raise TriageError(f"{path}: '{shown}' is not a finding or cause id (letters, "
                              "digits, '_', '.' and '-', as the report prints them)")
        if not isinstance(entry, dict):
            raise TriageError(f"{path}: entry '{fid}' must be a mapping with 'verdict'")
        extra = sorted(set(map(str, entry)) - set(ENTRY_KEYS))
        if extra:
            raise TriageError(f"{path}: entry '{fid}' has unknown key(s) {', '.join(extra)} "
                              f"(allowed: {', '.join(ENTRY_KEYS)})")
        verdict = str(entry.get("verdict", ""))
        if verdict not in VERDICTS:
            raise TriageError(f"{path}: entry '{fid}' has verdict '{verdict}'; "
                              f"use one of {', '.join(VERDICTS)}")
        out[str(fid)] = TriageEntry(verdict, str(entry.get("note", "") or ""))
    return out
