"""Every design a dossier states, per cohort: which rows make up which design.

A paper may state one design for the whole trial, one per cohort (a two-cohort phase II with
two Simon designs), or several in one cohort (one per comparison or outcome; ``category``
names it). The rules, in one place:

* Design rows are the rows of the vocabulary's ``design`` kind (``design_*``,
  ``allocation_ratio``) that are not from a registry and print a number or a label.
* Rows are grouped by cohort. In a cohort with several ``design_type`` rows of different
  categories, each category is a design; a row belongs to the design whose category its own
  category contains (``odds ratio, Cessation: A versus B`` belongs to ``Cessation: A versus
  B``), and a row whose category contains none belongs to every design of the cohort. A
  cohort with one ``design_type`` (or none) has one design of all its rows.
* Within a design the first statement of each quantity is preferred in this order: a row
  whose category is empty or the design's own, then any other, except rows whose category
  says they are not the plan (``achieved``, ``post hoc``, ``actual``, ``revised``,
  ``observed``), which come last. Sample sizes are the exception: every stated n is a target
  the calculation is compared with (before and after dropout, per arm and in total).
* A design's kind is its ``design_type`` label; without one it is read from its rows: Simon
  two-stage with ``design_n1``/``design_r1``, event-driven with ``design_hr`` or
  ``design_events``, continuous with ``design_sd``, a single-arm response design when
  ``design_p1`` is above ``design_p0`` (the format before ``design_type``) or the trial is
  single-arm, two proportions when it is below.
* A single-arm rule applies to the design's own cohort; a design stated on a pooled cohort
  (or per group) applies to every cohort of the trial that states no design of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trialrecon.dossier import Dossier

Row = dict[str, Any]

SINGLE_ARM_KINDS = ("single_stage_exact", "single_stage_normal", "simon_optimal",
                    "simon_minimax", "simon_admissible", "simon_two_stage",
                    "fleming_multistage")
SIMON_KINDS = ("simon_optimal", "simon_minimax", "simon_admissible", "simon_two_stage")
NOT_THE_PLAN = re.compile(r"achiev|post.?hoc|actual|revis|observed|extension", re.I)
N_QUANTITIES = ("design_n_per_group", "design_n_total")


def _is_design_row(dossier: Dossier, row: Row, registry: set[str]) -> bool:
    entry = dossier.vocab.quantities.get(str(row["quantity"]), {})
    if entry.get("kind") != "design" or row["source"] in registry or row["marker"]:
        return False
    if row["quantity"] in ("design_historical_orr", "significance_level", "design_block_size",
                           "design_conclusion"):
        return False
    return bool(row["value"])


@dataclass
class StatedDesign:
    """One design as the dossier states it, with the rows it is read from."""

    cohort: str
    key: str  # the design's category ('' for a cohort's only design)
    kind: str
    kind_stated: bool
    rows: dict[str, list[Row]] = field(default_factory=dict)
    applies_to: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.cohort}{': ' + self.key if self.key else ''}"

    @property
    def single_arm(self) -> bool:
        return self.kind in SINGLE_ARM_KINDS

    @property
    def hypothesis(self) -> str:
        rows = self.all_rows("design_type") + self.all_rows("design_margin")
        return next((str(r["hypothesis"]) for r in rows if r.get("hypothesis")), "")

    def all_rows(self, quantity: str) -> list[Row]:
        return list(self.rows.get(quantity, []))

    def first(self, quantity: str, units: tuple[str, ...] = ()) -> Row | None:
        rows = [r for r in self.rows.get(quantity, []) if not units or r["unit"] in units]
        return rows[0] if rows else None

    def value(self, quantity: str, units: tuple[str, ...] = ()) -> float | None:
        r = self.first(quantity, units)
        return None if r is None or _num(r) is None else _num(r)

    def probability(self, quantity: str) -> float | None:
        """A proportion-like row as a probability (percent / 100)."""
        r = self.first(quantity, ("percent", "proportion", "probability"))
        if r is None or _num(r) is None:
            return None
        return _num(r) / 100 if r["unit"] == "percent" else _num(r)

    def whole(self, quantity: str) -> int | None:
        v = self.value(quantity)
        return None if v is None else int(round(v))

    def ids(self, *quantities: str) -> list[str]:
        return [r["id"] for q in quantities for r in self.rows.get(q, [])[:1]]


def _num(row: Row) -> float | None:
    v = row.get("value_num")
    try:
        out = float(v)
    except (TypeError, ValueError):
        return None
    return None if out != out else out  # NaN


def _rank(row: Row, key: str) -> int:
    cat = str(row["category"])
    if NOT_THE_PLAN.search(cat):
        return 2
    return 0 if cat in ("", key) else 1


def _infer_kind(rows: dict[str, list[Row]], single_arm_trial: bool) -> str:
    if "design_n1" in rows or "design_r1" in rows:
        return "simon_two_stage"
    if "design_hr" in rows or "design_events" in rows:
        return "event_driven"
    if "design_sd" in rows:
        return "continuous"
    if "design_icc" in rows or "design_clusters" in rows:
        return "cluster"
    p0 = _first_num(rows, "design_p0")
    p1 = _first_num(rows, "design_p1")
    if p0 is not None and p1 is not None:
        return "single_stage_exact" if p1 > p0 or single_arm_trial else "two_proportions"
    return ""


def _first_num(rows: dict[str, list[Row]], q: str) -> float | None:
    for r in rows.get(q, []):
        if _num(r) is not None:
            return _num(r)
    return None


def _designs_of_cohort(cohort: str, rows: list[Row],
                       single_arm_trial: bool = False) -> list[StatedDesign]:
    keys = list(dict.fromkeys(str(r["category"]) for r in rows
                              if r["quantity"] == "design_type" and r["value"]))
    several = len(keys) > 1
    designs = {k if several else (keys[0] if keys else ""): {} for k in (keys or [""])}
    for r in rows:
        if several:
            owners = [k for k in keys if k and k in str(r["category"])]
            targets = [max(owners, key=len)] if owners else keys
        else:
            targets = list(designs)
        for k in targets:
            designs[k].setdefault(str(r["quantity"]), []).append(r)
    shared_alpha = [r for r in rows if r["quantity"] == "design_alpha" and _num(r) is not None]
    out = []
    for key, by_q in designs.items():
        if "design_alpha" not in by_q and shared_alpha:
            # one alpha for the cohort's designs: a paper states it once for all comparisons
            by_q["design_alpha"] = shared_alpha[:1]
        ordered = {q: sorted(rs, key=lambda r, k=key: _rank(r, k))
                   if q not in N_QUANTITIES else rs for q, rs in by_q.items()}
        type_row = next((r for r in ordered.get("design_type", []) if r["value"]), None)
        kind = (str(type_row["value"]) if type_row is not None
                else _infer_kind(ordered, single_arm_trial))
        if kind:
            out.append(StatedDesign(cohort, key if several else "", kind, type_row is not None,
                                    ordered))
    return out


def stated_designs(dossier: Dossier, rows: list[Row] | None = None) -> list[StatedDesign]:
    """Every design the dossier states, per cohort, in the order of ``trial.yaml``'s cohorts."""
    rows = dossier.values.to_dict("records") if rows is None else rows
    registry = {s.id for s in dossier.trial.sources if s.kind == "registry"}
    by_cohort: dict[str, list[Row]] = {}
    for r in rows:
        if _is_design_row(dossier, r, registry):
            by_cohort.setdefault(str(r["cohort"]), []).append(r)
    cohorts = [c.id for c in dossier.trial.cohorts]
    pooled = {c.id for c in dossier.trial.cohorts if c.parts}
    plain = [c for c in cohorts if c not in pooled]
    own = {c for c in by_cohort if c not in pooled}
    out: list[StatedDesign] = []
    for cohort in sorted(by_cohort, key=lambda c: cohorts.index(c) if c in cohorts else 10**6):
        for d in _designs_of_cohort(cohort, by_cohort[cohort],
                                    dossier.trial.design == "single_arm"):
            if cohort in pooled or cohort not in plain:
                d.applies_to = tuple(c for c in plain if c not in own) or (cohort,)
            else:
                d.applies_to = (cohort,)
            out.append(d)
    return out
