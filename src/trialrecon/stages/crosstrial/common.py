"""What the cross-trial tables share: settings, labels, and which statement each row shows.

Among several statements of one number the selection policy decides
(:mod:`trialrecon.dossier.selection`); a statement of a later data cut, or one that
supersedes another, is shown as a second row marked *updated*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from trialrecon.dossier import Dossier, Trial
from trialrecon.dossier.selection import (
    DEFAULT,
    Policy,
    Statement,
    rank_statements,
)

UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class CrossTrialSettings:
    """The ``crosstrial`` section of the workflow configuration (every key optional)."""

    formats: tuple[str, ...] = ("png", "svg")
    setting_order: tuple[str, ...] = ("pancreatic", "extrapancreatic", "mixed")
    # Overrides the selection policy's order of source kinds for these figures (empty: keep).
    source_priority: tuple[str, ...] = ()
    response_quantities: tuple[str, ...] = ("orr",)
    # Quantities whose count stands for the numerator of a response rate.
    count_partners: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {"orr": ("responders",)})
    ae_quantities: tuple[str, ...] = ("ae_grade3plus", "ae_grade34")
    ae_categories: tuple[str, ...] = ("any",)
    ci_method: str = "clopper_pearson"
    ci_level: float = 0.95
    selection: Policy = DEFAULT  # the workflow's selection policy (not a key of this section)

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None,
                  selection: Policy = DEFAULT) -> CrossTrialSettings:
        """Settings from a config mapping; unknown keys are refused with a clear message."""
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)} - {"selection"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown crosstrial setting(s): {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key == "count_partners":
                out[key] = {str(k): tuple(v) for k, v in dict(value).items()}
            elif key == "ci_level":
                out[key] = float(value)
                if not 0 < out[key] < 1:
                    raise ValueError("crosstrial ci_level must lie between 0 and 1")
            elif key == "ci_method":
                out[key] = str(value)
            else:
                out[key] = tuple(str(v) for v in value)
        return cls(**out, selection=selection)

    def policy(self) -> Policy:
        """The selection policy of these figures, with this section's source priority."""
        if not self.source_priority:
            return self.selection
        return Policy(data_cut=self.selection.data_cut, source_priority=self.source_priority)


# --------------------------------------------------------------------------- labels


def trial_label(trial: Trial) -> str:
    """A short display name: the title up to its first colon."""
    return trial.title.split(":", 1)[0].strip() or trial.id


def _cohort_setting(trial: Trial, cohort_id: str) -> str:
    """The group a row belongs to: the disease area and the setting (``breast cancer: HER2-
    positive metastatic``), the setting alone when no area is given."""
    cohort = trial.cohort(cohort_id)
    setting = cohort.setting or trial.setting
    if trial.area:
        return f"{trial.area}: {setting}" if setting else trial.area
    return setting or UNSPECIFIED


def _row_label(trial: Trial, cohort_id: str, arm_id: str = "", subgroup: str = "",
               comparison: str = "") -> str:
    """Trial name, then the cohort only when the trial has several, then arm and subgroup."""
    parts = [trial_label(trial)]
    if len(trial.cohorts) > 1:
        parts.append(trial.cohort(cohort_id).label)
    if subgroup:
        parts.append(subgroup)
    if comparison:
        parts.append(comparison)
    elif arm_id:
        parts.append(_arm_label(trial, arm_id))
    return ": ".join(parts[:1]) + "".join(f" | {p}" for p in parts[1:])


def _arm_label(trial: Trial, arm_id: str) -> str:
    return next((a.label for a in trial.arms if a.id == arm_id), arm_id)


def _arm_role(trial: Trial, arm_id: str) -> str:
    if not arm_id:
        return "single_arm" if trial.design == "single_arm" else ""
    return next((a.role for a in trial.arms if a.id == arm_id), "")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


# ----------------------------------------------------------------------- statements


def _choose(candidates: list[Statement], dossier: Dossier, policy: Policy,
            wanted: Sequence[str]) -> list[tuple[Statement, bool]]:
    """The preferred statement, then the latest update of it (a later cut or a correction).

    Each with a flag: True for the update. An update is a statement of a later data cut than
    the chosen one or one that supersedes another row.
    """
    ranked = rank_statements(candidates, dossier, policy, wanted)
    if not ranked:
        return []
    main = ranked[0]
    order = {c.key: c.order for c in dossier.cuts}
    here = order.get(main.data_cut, -1)
    later = [s for s in ranked[1:] if order.get(s.data_cut, -1) > here or
             (s.updated and not main.updated)]
    if not later:
        return [(main, False)]
    latest = max(order.get(s.data_cut, -1) for s in later)
    update = next(s for s in later if order.get(s.data_cut, -1) == latest)
    return [(main, False), (update, True)]


def _provenance(s: Statement, row: pd.Series, dossier: Dossier,
                update: bool) -> dict[str, Any]:
    """Where a chosen statement comes from, for the CSV behind a figure."""
    trial = dossier.trial
    cut = dossier.cut(s.data_cut)
    return {
        "updated": update,
        "update_note": _update_note(s, cut.name if cut else "") if update else "",
        "data_cut": cut.name if cut else "",
        "source": row["source"],
        "source_kind": trial.source(row["source"]).kind,
        "location": row["location"],
        "ids": s.ids,
    }


def _update_note(statement: Statement, cut: str) -> str:
    row = statement.first
    note = next((r["note"] for r in statement.rows.values() if r["note"]), "")
    where = f"{cut}, " if cut and not statement.updated else ""
    return f"updated ({where}{row['location']}{': ' + note if note else ''})"
