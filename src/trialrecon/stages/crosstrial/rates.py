"""Response and adverse-event rates of every trial with exact CIs, and single-arm p0/p1."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from trialrecon.dossier import Dossier, vocabulary
from trialrecon.dossier.selection import (
    Statement,
    statements,
)
from trialrecon.stages.crosstrial.common import (
    CrossTrialSettings,
    _arm_label,
    _arm_role,
    _choose,
    _cohort_setting,
    _provenance,
    _row_label,
    trial_label,
)
from trialrecon.stats.proportions import proportion_ci
from trialrecon.stats.rounding import STANDARD_SCHEMES, reproduces

# ---------------------------------------------------------------- rates with exact CIs


@dataclass(frozen=True)
class CountResolution:
    count: int | None
    n: int | None
    count_basis: str  # "reported", "inferred" or ""
    denominator_basis: str
    consistent: bool


def _reproduces(x: int, n: int, printed: str, scale: int) -> bool:
    return any(reproduces(x, n, printed, scheme, scale) for scheme in STANDARD_SCHEMES)


def _denominators(dossier: Dossier, s: Statement, order: Sequence[str]) -> list[tuple[int, str]]:
    """Candidate denominators: the row's own, then population counts of its cohort and arm."""
    row = s.rows.get("percent", s.rows.get("proportion"))
    out: list[tuple[int, str]] = []
    if row is not None and row["denominator"]:
        out.append((int(float(row["denominator"])), "denominator printed with the value"))
    v = dossier.values
    pops = v[v["quantity"].isin(order) & (v["statistic"] == "count")
             & (v["cohort"] == row["cohort"]) & (v["arm"] == row["arm"])
             & (v["subgroup"] == row["subgroup"]) & v["value_num"].notna()]
    pops = pops.assign(_q=pops["quantity"].map(list(order).index),
                       _other=(pops["source"] != row["source"]).astype(int))
    for _, p in pops.sort_values(["_q", "_other", "file", "line"]).iterrows():
        n = int(p["value_num"])
        if n > 0 and n not in [c for c, _ in out]:
            out.append((n, f"{p['quantity']} ({p['source']}, {p['location']})"))
    return out


def _partner_count(dossier: Dossier, s: Statement, partners: Sequence[str]) -> int | None:
    if "count" in s.rows:
        return int(s.num("count"))
    row = s.first
    v = dossier.values
    hit = v[v["quantity"].isin([row["quantity"], *partners]) & (v["statistic"] == "count")
            & (v["cohort"] == row["cohort"]) & (v["arm"] == row["arm"])
            & (v["subgroup"] == row["subgroup"]) & (v["supersedes"] == "")
            & v["value_num"].notna()]
    return int(hit.sort_values(["file", "line"]).iloc[0]["value_num"]) if len(hit) else None


def resolve_count(dossier: Dossier, s: Statement, partners: Sequence[str],
                  population_order: Sequence[str]) -> CountResolution:
    """The count and denominator behind a printed rate (see the module docstring)."""
    stat = "percent" if "percent" in s.rows else "proportion"
    printed, scale = s.text(stat), (100 if stat == "percent" else 1)
    value = s.num(stat) / scale
    candidates = _denominators(dossier, s, population_order)
    x = _partner_count(dossier, s, partners)
    if not candidates:
        return CountResolution(x, None, "reported" if x is not None else "", "", False)
    if x is not None:
        for n, basis in candidates:
            if x <= n and _reproduces(x, n, printed, scale):
                return CountResolution(x, n, "reported", basis, True)
        n, basis = candidates[0]
        return CountResolution(x, n, "reported", basis, False)
    for n, basis in candidates:
        guess = round(value * n)
        for cand in (guess, guess - 1, guess + 1):
            if 0 <= cand <= n and _reproduces(cand, n, printed, scale):
                return CountResolution(cand, n, "inferred", basis, True)
    n, basis = candidates[0]
    return CountResolution(min(max(round(value * n), 0), n), n, "inferred", basis, False)


RATE_COLUMNS = ("trial", "trial_label", "design", "setting", "cohort", "cohort_label", "arm",
                "arm_label", "arm_role", "subgroup", "label", "quantity", "category",
                "printed", "rate_percent", "count", "n", "count_basis", "denominator_basis",
                "count_reproduces_printed", "ci_method", "ci_level", "ci_low", "ci_high",
                "printed_ci_low", "printed_ci_high", "text", "updated", "update_note",
                "data_cut", "source", "source_kind", "location", "ids")


def _rate_record(dossier: Dossier, s: Statement, settings: CrossTrialSettings,
                 population_order: Sequence[str], update: bool) -> dict:
    trial = dossier.trial
    row = s.first
    stat = "percent" if "percent" in s.rows else "proportion"
    scale = 100.0 if stat == "percent" else 1.0
    partners = settings.count_partners.get(row["quantity"], ())
    res = resolve_count(dossier, s, partners, population_order)
    low = high = math.nan
    if res.count is not None and res.n is not None and 0 <= res.count <= res.n:
        lo, hi = proportion_ci(res.count, res.n, settings.ci_method, settings.ci_level)
        low, high = 100 * lo, 100 * hi
    rate = 100 * s.num(stat) / scale
    frac = f"{res.count}/{res.n} = " if res.n is not None and res.count is not None else ""
    ci = f" ({low:.1f}-{high:.1f})" if not math.isnan(low) else ""
    flag = "" if res.consistent or res.n is None else " *"
    return {
        "trial": trial.id,
        "trial_label": trial_label(trial),
        "design": trial.design,
        "setting": _cohort_setting(trial, row["cohort"]),
        "cohort": row["cohort"],
        "cohort_label": trial.cohort(row["cohort"]).label,
        "arm": row["arm"],
        "arm_label": _arm_label(trial, row["arm"]) if row["arm"] else "",
        "arm_role": _arm_role(trial, row["arm"]),
        "subgroup": row["subgroup"],
        "label": _row_label(trial, row["cohort"], row["arm"], row["subgroup"]),
        "quantity": row["quantity"],
        "category": row["category"],
        "printed": s.text(stat),
        "rate_percent": rate,
        "count": res.count,
        "n": res.n,
        "count_basis": res.count_basis,
        "denominator_basis": res.denominator_basis,
        "count_reproduces_printed": res.consistent,
        "ci_method": settings.ci_method,
        "ci_level": settings.ci_level,
        "ci_low": low,
        "ci_high": high,
        "printed_ci_low": s.num("ci_low") * 100 / scale,
        "printed_ci_high": s.num("ci_high") * 100 / scale,
        "text": f"{frac}{s.text(stat)}{'%' if stat == 'percent' else ''}{ci}{flag}",
        **_provenance(s, row, dossier, update),
    }


def _rate_table(dossiers: Iterable[Dossier], quantities: Sequence[str],
                categories: Sequence[str] | None, settings: CrossTrialSettings,
                population_order: Sequence[str]) -> pd.DataFrame:
    """Rates of ``quantities`` (one per trial, cohort, arm, subgroup; first quantity wins)."""
    records = []
    for order, dossier in enumerate(dossiers):
        v = dossier.values
        mask = v["quantity"].isin(quantities)
        if categories is not None:
            mask &= v["category"].str.lower().isin([c.lower() for c in categories])
        keep = v[mask & v["statistic"].isin(["percent", "proportion", "count", "ci_low",
                                             "ci_high"])]
        groups: dict[tuple, list[Statement]] = {}
        for s in statements(keep):
            if not ({"percent", "proportion"} & set(s.rows)):
                continue
            r = s.first
            groups.setdefault((r["cohort"], r["arm"], r["subgroup"]), []).append(s)
        cohorts = [c.id for c in dossier.trial.cohorts]
        arms = [a.id for a in dossier.trial.arms]
        for (cohort, arm, _sub), members in groups.items():
            members.sort(key=lambda s: list(quantities).index(s.first["quantity"]))
            best_q = members[0].first["quantity"]
            members = [m for m in members if m.first["quantity"] == best_q]
            for s, update in _choose(members, dossier, settings.policy(),
                                     ("ci_low", "ci_high", "count")):
                rec = _rate_record(dossier, s, settings, population_order, update)
                rec["_order"] = (order, cohorts.index(cohort),
                                 arms.index(arm) if arm in arms else -1, s.first["line"],
                                 update)
                records.append(rec)
    records.sort(key=lambda r: r["_order"])
    return pd.DataFrame([{c: r[c] for c in RATE_COLUMNS} for r in records],
                        columns=list(RATE_COLUMNS))


def _population_order(first: Sequence[str] = ()) -> list[str]:
    pops = vocabulary().populations()
    return [*[p for p in first if p in pops], *[p for p in pops if p not in first]]


def response_rate_table(dossiers: Iterable[Dossier],
                        settings: CrossTrialSettings | None = None) -> pd.DataFrame:
    """Response rates of every cohort and arm with exact CIs (Clopper & Pearson 1934)."""
    settings = settings or CrossTrialSettings()
    return _rate_table(dossiers, settings.response_quantities, None, settings,
                       _population_order())


def ae_grade3_table(dossiers: Iterable[Dossier],
                    settings: CrossTrialSettings | None = None) -> pd.DataFrame:
    """Grade 3 or higher adverse-event rates (category ``any``) per cohort and arm.

    ``ae_grade3plus`` is preferred over ``ae_grade34`` when a cohort and arm report both;
    the denominator is searched in the safety population first.
    """
    settings = settings or CrossTrialSettings()
    return _rate_table(dossiers, settings.ae_quantities, settings.ae_categories, settings,
                       _population_order(("safety_population", "treated")))


def design_hypotheses(dossiers: Iterable[Dossier]) -> pd.DataFrame:
    """The p0 and p1 of every single-arm dossier (``design_p0``/``design_p1`` rows), percent."""
    records = []
    for dossier in dossiers:
        if dossier.trial.design != "single_arm":
            continue
        v = dossier.values
        rows = v[v["quantity"].isin(["design_p0", "design_p1"]) & v["value_num"].notna()
                 & v["statistic"].isin(["percent", "proportion"])]
        for _, r in rows.sort_values(["file", "line"]).iterrows():
            scale = 1.0 if r["statistic"] == "percent" else 100.0
            records.append({"trial": dossier.trial.id, "quantity": r["quantity"],
                            "name": r["quantity"].removeprefix("design_"),
                            "percent": r["value_num"] * scale, "printed": r["value"],
                            "comparator": r["comparator"] or "=", "cohort": r["cohort"],
                            "source": r["source"], "location": r["location"], "id": r["id"]})
    out = pd.DataFrame(records, columns=["trial", "quantity", "name", "percent", "printed",
                                         "comparator", "cohort", "source", "location", "id"])
    return out.drop_duplicates(["trial", "quantity", "percent"]).reset_index(drop=True)
