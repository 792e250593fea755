"""Risk ratios, odds ratios and risk differences between arms, across trials.

The effect measures of binary outcomes (``risk_ratio``, ``odds_ratio``, ``risk_difference``
in the vocabulary, ``effect_of: outcome``) as the dossiers print them: one row per trial,
cohort, outcome (the category), pair of arms, adjustment and analysis set, from the preferred
statement of the selection policy (a later data cut or a correction as a second row marked
*updated*). Hazard ratios never enter this table, and these measures never enter the
hazard-ratio forests, which read only the ``ratio_of`` quantities of time-to-event endpoints.
Labels come from ``trial.yaml``: the trial's short title, the cohort's and arms' labels.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from trialrecon.dossier import Dossier, Trial
from trialrecon.dossier.selection import statements
from trialrecon.stages.crosstrial.common import (
    CrossTrialSettings,
    _arm_label,
    _choose,
    _provenance,
    trial_label,
)

MEASURES: tuple[str, ...] = ("risk_ratio", "odds_ratio", "risk_difference")
MEASURE_LABELS: dict[str, str] = {"risk_ratio": "Risk ratio", "odds_ratio": "Odds ratio",
                                  "risk_difference": "Risk difference"}
EFFECT_COLUMNS = ("measure", "trial", "trial_label", "cohort", "cohort_label", "outcome",
                  "comparison", "label", "adjustment", "population", "estimate", "ci_low",
                  "ci_high", "level", "unit", "p_value", "p_comparator", "text", "updated",
                  "update_note", "data_cut", "source", "source_kind", "location", "ids")


def _comparison(trial: Trial, arm: str, versus: str) -> str:
    """The arms compared, by their labels: the printed pair, else the trial's two arms."""
    if arm and versus:
        return f"{_arm_label(trial, arm)} vs {_arm_label(trial, versus)}"
    arms = [a for a in trial.arms if not a.parts]
    if len(arms) == 2:
        roles = sorted(arms, key=lambda a: a.role != "experimental")
        return f"{roles[0].label} vs {roles[1].label}"
    return ""


def _text(est: str, low: str, high: str) -> str:
    return est if not (low and high) else f"{est} ({low} to {high})"


def effect_table(dossiers: Iterable[Dossier],
                 settings: CrossTrialSettings | None = None) -> pd.DataFrame:
    """Every printed risk ratio, odds ratio and risk difference between two arms."""
    settings = settings or CrossTrialSettings()
    wanted = ("estimate", "ci_low", "ci_high")
    records = []
    for order, dossier in enumerate(dossiers):
        trial = dossier.trial
        v = dossier.values
        rows = v[v["quantity"].isin(MEASURES) & (v["subgroup"] == "")
                 & ((v["arm"] == "") | (v["versus"] != ""))]
        groups: dict[tuple, list] = {}
        for s in statements(rows):
            if "estimate" not in s.rows:
                continue
            f = s.first
            key = tuple(str(f[c]) for c in ("cohort", "quantity", "category", "arm", "versus",
                                            "adjustment", "population"))
            groups.setdefault(key, []).append(s)
        for (cohort, measure, outcome, arm, versus, adjustment, population), members in \
                groups.items():
            for s, update in _choose(members, dossier, settings.policy(), wanted):
                est = s.rows["estimate"]
                p_row = s.rows.get("p_value")
                level = next((r["level"] for k, r in s.rows.items() if k.startswith("ci_")), "")
                comparison = _comparison(trial, arm, versus)
                population_label = dict(trial.populations).get(population, population)
                label = " | ".join(x for x in (
                    outcome or measure, trial.cohort(cohort).label if len(trial.cohorts) > 1
                    else "", comparison, adjustment, population_label) if x)
                records.append({
                    "measure": measure, "trial": trial.id, "trial_label": trial_label(trial),
                    "cohort": cohort, "cohort_label": trial.cohort(cohort).label,
                    "outcome": outcome, "comparison": comparison, "label": label,
                    "adjustment": adjustment, "population": population,
                    "estimate": s.num("estimate"), "ci_low": s.num("ci_low"),
                    "ci_high": s.num("ci_high"), "level": float(level) if level else 95.0,
                    "unit": est["unit"], "p_value": s.num("p_value"),
                    "p_comparator": (p_row["comparator"] or "=") if p_row is not None else "",
                    "text": _text(s.text("estimate"), s.text("ci_low"), s.text("ci_high")),
                    **_provenance(s, s.first, dossier, update),
                    "_order": (MEASURES.index(measure), order, s.first["file"],
                               int(s.first["line"]), update)})
    records.sort(key=lambda r: r["_order"])
    return pd.DataFrame([{c: r[c] for c in EFFECT_COLUMNS} for r in records],
                        columns=list(EFFECT_COLUMNS))


_PREFERRED_POPULATIONS = ("", "itt", "modified_itt", "full_analysis")


def figure_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One row per measure, trial, cohort, outcome and comparison for the figure.

    The unadjusted estimate of the intention-to-treat (or unnamed) set is preferred, then the
    first printed; its update, if any, stays beside it. The CSV keeps every row.
    """
    if table.empty:
        return table
    rank = table.assign(
        _adj=(~table["adjustment"].isin(["", "unadjusted"])).astype(int),
        _pop=(~table["population"].isin(_PREFERRED_POPULATIONS)).astype(int),
        _pos=range(len(table)))
    key = ["measure", "trial", "cohort", "outcome", "comparison"]
    best = rank.sort_values(["_adj", "_pop", "_pos"]).drop_duplicates(key + ["updated"])
    return best.sort_values("_pos").drop(columns=["_adj", "_pop", "_pos"])
