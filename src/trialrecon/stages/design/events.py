"""What the printed numbers of a randomized trial imply for its power and its design.

For every hazard ratio a randomized dossier prints between two arms (per cohort, endpoint
and data cut), this module finds the events behind it (the ``deaths`` / ``pfs_events`` /
``<endpoint>_events`` counts of the two arms or of the trial at the same cut, else the events
the width of the printed CI implies), the allocation (randomized counts per arm, else
``allocation_ratio`` rows, else 1:1) and the alpha (the dossier's ``design_alpha``, else the
configured one), and computes the power the trial had against the HR it observed and against
a clinically relevant HR, the HR it could detect with 80% and 90% power, and the information
fraction of each data cut. Where a design is transcribed (``design_hr``, ``design_events``,
``design_interim``, ``design_spending``, medians, accrual, follow-up, alpha, power) it checks
whether the printed numbers reproduce it and computes the group-sequential boundaries.

The statistics are :mod:`trialrecon.stats.events` and :mod:`trialrecon.stats.group_sequential`;
which statement of a number is used follows :mod:`trialrecon.dossier.selection`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trialrecon.dossier import Dossier
from trialrecon.dossier.selection import DEFAULT, Policy, Statement, rank_rows, rank_statements
from trialrecon.dossier.selection import statements as split_statements
from trialrecon.stats import events as ev
from trialrecon.stats.rounding import exact, printed_interval

EVENT_DEFAULTS: dict[str, Any] = {
    # the clinically relevant hazard ratio every randomized comparison is powered against
    "relevant_hr": 0.70,
    "relevant_hr_by_trial": {},
    # alpha of the power calculations when the dossier states none
    "randomized_alpha": {"alpha": 0.05, "sided": "two_sided"},
    # how to read a randomized trial's design_alpha that does not say one- or two-sided
    "randomized_alpha_sided_default": "two_sided",
    "detectable_powers": [0.80, 0.90],
    # relative gap under which computed events "reproduce" the planned events
    "design_events_tolerance": 0.02,
    "power_curve_points": 141,
}
WANTED = ("estimate", "ci_low", "ci_high")
CI_BASIS = "implied by the CI (Parmar 1998)"
OBSERVED_POWER_NOTE = ("power at the observed HR is a function of the P value alone "
                       "(Hoenig and Heisey 2001): it says how surprising the result was, not "
                       "how well the trial was designed")


@dataclass(frozen=True)
class Comparison:
    """Two arms compared by a hazard ratio in one cohort, for one endpoint."""

    cohort: str
    quantity: str
    category: str
    endpoint: str
    arm: str  # as printed on the HR rows ("" for a two-arm trial)
    versus: str
    experimental: str  # arm ids behind the HR, "" when the dossier does not say
    control: str
    label: str


@dataclass(frozen=True)
class Found:
    """A number read from the dossier, how it was obtained, and the rows behind it."""

    value: float
    basis: str
    ids: str = ""
    low: float = math.nan
    high: float = math.nan


# ------------------------------------------------------------------------------ comparisons


def _comparison(dossier: Dossier, row: pd.Series) -> Comparison:
    trial, vocab = dossier.trial, dossier.vocab
    endpoint = str(vocab.attribute(row["quantity"], "ratio_of") or row["quantity"])
    experimental, control = row["arm"], row["versus"]
    if not experimental and len(trial.arms) == 2:
        roles = {a.role: a.id for a in trial.arms}
        experimental = roles.get("experimental", trial.arms[0].id)
        control = next(a.id for a in trial.arms if a.id != experimental)
    name = (row["category"] or endpoint).upper() if not row["category"] else row["category"]
    arms = f"{experimental} vs {control}" if experimental and control else "between arms"
    cohort = trial.cohort(row["cohort"]).label
    return Comparison(cohort=row["cohort"], quantity=row["quantity"],
                      category=row["category"], endpoint=endpoint, arm=row["arm"],
                      versus=row["versus"], experimental=experimental, control=control,
                      label=f"{cohort}: {name}, {arms}")


def hr_statements(dossier: Dossier) -> dict[Comparison, list[Statement]]:
    """Hazard-ratio statements between two arms (no subgroups), grouped by comparison."""
    v = dossier.values
    ratio_qs = [q for q, d in dossier.vocab.quantities.items() if d.get("ratio_of")]
    rows = v[v["quantity"].isin(ratio_qs) & (v["subgroup"] == "")
             & ((v["arm"] == "") | (v["versus"] != ""))
             & v["statistic"].isin(["estimate", "ci_low", "ci_high", "p_value"])]
    out: dict[Comparison, list[Statement]] = {}
    for s in split_statements(rows):
        if "estimate" not in s.rows or not math.isfinite(s.num("estimate")):
            continue
        if s.num("estimate") <= 0:
            continue
        out.setdefault(_comparison(dossier, s.first), []).append(s)
    return out


# ------------------------------------------------------------------------------ events and arms


def _counts(dossier: Dossier, quantity: str, comp: Comparison, arm: str,
            category: str) -> pd.DataFrame:
    v = dossier.values
    return v[(v["quantity"] == quantity) & (v["cohort"] == comp.cohort) & (v["arm"] == arm)
             & (v["subgroup"] == "") & (v["statistic"] == "count") & (v["category"] == category)
             & v["value_num"].notna()]


def _best(dossier: Dossier, rows: pd.DataFrame, policy: Policy,
          cut: str | None) -> pd.Series | None:
    if cut is not None:
        rows = rows[rows["data_cut"] == cut]
    if rows.empty:
        return None
    return rank_rows(rows, dossier, policy, prefer_cut=cut).iloc[0]


def printed_events(dossier: Dossier, comp: Comparison, cut: str,
                   policy: Policy) -> Found | None:
    """Events of the comparison printed at the data cut: both arms' counts, else the total."""
    q = dossier.vocab.events_quantity(comp.endpoint)
    category = comp.category
    if comp.experimental and comp.control:
        rows = [_best(dossier, _counts(dossier, q, comp, a, category), policy, cut)
                for a in (comp.experimental, comp.control)]
        if all(r is not None for r in rows):
            return Found(sum(float(r["value_num"]) for r in rows), "printed per arm",
                         " ".join(r["id"] for r in rows))
    if len(dossier.trial.arms) <= 2:
        row = _best(dossier, _counts(dossier, q, comp, "", category), policy, cut)
        if row is not None:
            return Found(float(row["value_num"]), "printed total", row["id"])
    return None


def ci_events(s: Statement, ratio: float) -> Found | None:
    """Events implied by the statement's CI, with the range its printed rounding allows."""
    if "ci_low" not in s.rows or "ci_high" not in s.rows:
        return None
    low, high = s.num("ci_low"), s.num("ci_high")
    if not (0 < low < high):
        return None
    level_text = s.rows["ci_low"]["level"]
    level = float(level_text) / 100 if level_text else 0.95
    decimals = max(_decimals(s.text("ci_low")), _decimals(s.text("ci_high")))
    imp = ev.events_from_ci(low, high, level, ratio, decimals)
    return Found(imp.events, CI_BASIS,
                 f"{s.rows['ci_low']['id']} {s.rows['ci_high']['id']}",
                 imp.events_low, imp.events_high)


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def allocation(dossier: Dossier, comp: Comparison, policy: Policy) -> Found:
    """k of k:1 (experimental to control): randomized counts, else allocation_ratio rows."""
    if not (comp.experimental and comp.control):
        return Found(1.0, "1:1 assumed (the arms are not named)")
    v = dossier.values
    counts = []
    for a in (comp.experimental, comp.control):
        rows = _counts(dossier, "randomized", comp, a, "")
        counts.append(_best(dossier, rows, policy, None))
    if all(r is not None and float(r["value_num"]) > 0 for r in counts):
        e, c = (float(r["value_num"]) for r in counts)
        return Found(e / c, f"randomized {e:g}:{c:g}", " ".join(r["id"] for r in counts))
    weights = []
    for a in (comp.experimental, comp.control):
        rows = v[(v["quantity"] == "allocation_ratio") & (v["arm"] == a)
                 & v["value_num"].notna()]
        same = rows[rows["cohort"] == comp.cohort]
        weights.append(_best(dossier, same if len(same) else rows, policy, None))
    if all(r is not None and float(r["value_num"]) > 0 for r in weights):
        e, c = (float(r["value_num"]) for r in weights)
        return Found(e / c, f"allocation {e:g}:{c:g}", " ".join(r["id"] for r in weights))
    return Found(1.0, "1:1 assumed (no counts or allocation ratio)")


# ------------------------------------------------------------------------------ design rows


@dataclass(frozen=True)
class DesignRows:
    """The transcribed design of one endpoint, with the ids of its rows."""

    endpoint: str
    rows: dict[str, list[pd.Series]]

    def first(self, quantity: str, units: tuple[str, ...] = ()) -> pd.Series | None:
        rows = [r for r in self.rows.get(quantity, []) if not units or r["unit"] in units]
        return rows[0] if rows else None

    def value(self, quantity: str, units: tuple[str, ...] = ()) -> float | None:
        r = self.first(quantity, units)
        return None if r is None else float(r["value_num"])


DESIGN_QUANTITIES = ("design_hr", "design_events", "design_interim", "design_spending",
                     "design_median_control", "design_median_experimental", "design_accrual",
                     "design_follow_up", "design_alpha", "design_power")


def _endpoint_of(category: str, endpoints: tuple[str, ...]) -> str:
    for token in re.split(r"[^a-z0-9]+", category.lower()):
        if token in endpoints:
            return token
    return ""


def design_rows(dossier: Dossier, policy: Policy = DEFAULT) -> list[DesignRows]:
    """The design rows per endpoint; rows naming no endpoint belong to every design.

    An endpoint is named by the category (``OS final``, ``PFS``); with no named endpoint the
    whole design belongs to the trial's first primary endpoint (``pfs`` when none).
    """
    v = dossier.values
    rows = v[v["quantity"].isin(DESIGN_QUANTITIES)]
    if rows.empty:
        return []
    rows = rank_rows(rows, dossier, policy)
    endpoints = dossier.vocab.endpoints
    named: dict[str, dict[str, list[pd.Series]]] = {}
    shared: dict[str, list[pd.Series]] = {}
    for _, r in rows.iterrows():
        ep = _endpoint_of(r["category"], endpoints)
        target = named.setdefault(ep, {}) if ep else shared
        target.setdefault(r["quantity"], []).append(r)
    if not named:
        primary = (dossier.trial.primary_endpoints or ("pfs",))[0]
        named[primary] = {}
    out = []
    for ep, own in named.items():
        merged = {q: own.get(q, []) + shared.get(q, []) for q in DESIGN_QUANTITIES}
        out.append(DesignRows(ep, {q: r for q, r in merged.items() if r}))
    return out


def _probability(row: pd.Series) -> float:
    x = float(row["value_num"])
    return x / 100 if row["unit"] == "percent" else x


def _spending_kind(label: str) -> str:
    low = label.lower()
    if "pocock" in low:
        return "pocock"
    if "fleming" in low or "o'brien" in low or "obrien" in low:
        return "obrien_fleming"
    return ""


@dataclass(frozen=True)
class Alpha:
    """The alpha of the power calculations and where it comes from."""

    value: float
    sided: str
    basis: str
    ids: str = ""


def _alpha(design: DesignRows | None, s: dict[str, Any]) -> Alpha:
    row = design.first("design_alpha") if design else None
    if row is not None:
        sided = row["sided"] or s["randomized_alpha_sided_default"]
        how = ("" if row["sided"] else f"; not said one- or two-sided, read as "
               f"{sided.replace('_', '-')} (design.randomized_alpha_sided_default)")
        return Alpha(_probability(row), sided, f"row {row['id']}{how}", row["id"])
    spec = s["randomized_alpha"]
    return Alpha(float(spec["alpha"]), str(spec["sided"]),
                 "the configuration (design.randomized_alpha)")


def _planned_final(design: DesignRows | None) -> Found | None:
    """The planned events of the final analysis (a design_events row, ``final`` preferred)."""
    if design is None:
        return None
    rows = [r for r in design.rows.get("design_events", []) if r["unit"] == "events"]
    if not rows:
        return None
    finals = [r for r in rows if "final" in r["category"].lower()] or rows
    r = finals[0]
    note = " (at least)" if r["comparator"] in (">=", ">") else ""
    return Found(float(r["value_num"]), f"planned final events{note}", r["id"])


# ------------------------------------------------------------------------------ tables


def _relevant_hr(dossier: Dossier, s: dict[str, Any]) -> float:
    return float(dict(s["relevant_hr_by_trial"]).get(dossier.trial.id, s["relevant_hr"]))


def _power_key(power: float) -> str:
    return f"detectable_hr_power_{round(100 * power):d}"


def _cut_name(dossier: Dossier, key: str) -> str:
    cut = dossier.cut(key)
    return cut.name if cut else ""


def _by_cut_records(dossier: Dossier, comp: Comparison, stmts: list[Statement],
                    ratio: Found, final: Found | None, policy: Policy) -> list[dict[str, Any]]:
    """One record per data cut at which the comparison's HR is printed."""
    chosen = rank_statements(stmts, dossier, policy, WANTED)[0]
    order = {c.key: c.order for c in dossier.cuts}
    keys = sorted({x.data_cut for x in stmts}, key=lambda k: (order.get(k, 10**6), k))
    records = []
    for key in keys:
        best = rank_statements([x for x in stmts if x.data_cut == key], dossier, policy,
                               WANTED, prefer_cut=key)[0]
        printed = printed_events(dossier, comp, key, policy)
        implied = ci_events(best, ratio.value)
        events = printed or implied
        p_row = best.rows.get("p_value")
        records.append({
            "cohort": comp.cohort, "comparison": comp.label, "endpoint": comp.endpoint,
            "quantity": comp.quantity, "data_cut": _cut_name(dossier, key), "cut_key": key,
            "chosen": best is chosen or best.ids == chosen.ids,
            "hr": best.num("estimate"), "ci_low": best.num("ci_low"),
            "ci_high": best.num("ci_high"),
            "p_value": float(p_row["value_num"]) if p_row is not None else math.nan,
            "p_comparator": (p_row["comparator"] or "=") if p_row is not None else "",
            "hr_ids": best.ids,
            "events": events.value if events else math.nan,
            "events_basis": events.basis if events else "no events and no CI",
            "events_ids": events.ids if events else "",
            "events_implied_by_ci": implied.value if implied else math.nan,
            "events_implied_low": implied.low if implied else math.nan,
            "events_implied_high": implied.high if implied else math.nan,
            "ratio": ratio.value, "ratio_basis": ratio.basis, "ratio_ids": ratio.ids,
        })
    printed = [r["events"] for r in records if r["events_basis"].startswith("printed")]
    finite = [r["events"] for r in records if math.isfinite(r["events"])]
    if final:
        reference, basis = final.value, f"of the {final.basis} ({final.value:g}, {final.ids})"
    elif printed:
        reference, basis = max(printed), "of the most events printed at any cut"
    elif finite:
        reference, basis = max(finite), "of the most events any cut's CI implies"
    else:
        reference, basis = math.nan, ""
    for r in records:
        r["information_fraction"] = r["events"] / reference
        r["fraction_basis"] = basis
    return records


def _power_records(rec: dict[str, Any], alpha: Alpha, relevant: float,
                   powers: list[float]) -> list[dict[str, Any]]:
    out = []
    d, k, hr = rec["events"], rec["ratio"], rec["hr"]
    sided = alpha.sided
    for method in ev.METHODS:
        row = {key: rec[key] for key in ("cohort", "comparison", "endpoint", "data_cut",
                                         "chosen", "hr", "ci_low", "ci_high", "events",
                                         "events_basis", "ratio", "ratio_basis")}
        row.update(method=method, alpha=alpha.value, sided=sided, alpha_basis=alpha.basis,
                   relevant_hr=relevant)
        ok = math.isfinite(d) and d > 0
        row["power_observed_hr"] = (ev.events_power(d, hr, alpha.value, k, sided, method)
                                    if ok and hr != 1 else math.nan)
        row["power_relevant_hr"] = (ev.events_power(d, relevant, alpha.value, k, sided, method)
                                    if ok else math.nan)
        for p in powers:
            row[_power_key(p)] = (ev.detectable_hr(d, alpha.value, p, k, sided, method)
                                  if ok else math.nan)
        out.append(row)
    return out


def _curve(rec: dict[str, Any], alpha: Alpha, points: int) -> dict[str, Any]:
    hrs = np.exp(np.linspace(math.log(0.2), 0.0, int(points)))[:-1]
    sided = alpha.sided
    power = [ev.events_power(rec["events"], h, alpha.value, rec["ratio"], sided) for h in hrs]
    return {"label": rec["comparison"], "events": rec["events"], "basis": rec["events_basis"],
            "hr": rec["hr"], "grid": hrs, "power": np.array(power)}


def power_tables(dossier: Dossier, s: dict[str, Any], policy: Policy = DEFAULT
                 ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Events by data cut, power and detectable HRs, and the power curves to draw.

    ``s`` are the design settings with their defaults. One by-cut row per comparison and
    data cut; two power rows (Schoenfeld, Freedman) per by-cut row; one curve per comparison
    at the cut the selection policy chooses.
    """
    designs = {d.endpoint: d for d in design_rows(dossier, policy)}
    relevant = _relevant_hr(dossier, s)
    powers = [float(p) for p in s["detectable_powers"]]
    by_cut: list[dict[str, Any]] = []
    power: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []
    for comp, stmts in hr_statements(dossier).items():
        design = designs.get(comp.endpoint)
        alpha = _alpha(design, s)
        records = _by_cut_records(dossier, comp, stmts, allocation(dossier, comp, policy),
                                  _planned_final(design), policy)
        by_cut += records
        for rec in records:
            power += _power_records(rec, alpha, relevant, powers)
            if rec["chosen"] and math.isfinite(rec["events"]):
                curves.append(_curve(rec, alpha, s["power_curve_points"]))
    return (pd.DataFrame(by_cut, columns=BY_CUT_COLUMNS),
            pd.DataFrame(power, columns=POWER_COLUMNS + [_power_key(p) for p in powers]),
            curves)


BY_CUT_COLUMNS = ["cohort", "comparison", "endpoint", "quantity", "data_cut", "cut_key",
                  "chosen", "hr", "ci_low", "ci_high", "p_value", "p_comparator", "hr_ids",
                  "events", "events_basis", "events_ids", "events_implied_by_ci",
                  "events_implied_low", "events_implied_high", "ratio", "ratio_basis",
                  "ratio_ids", "information_fraction", "fraction_basis"]
POWER_COLUMNS = ["cohort", "comparison", "endpoint", "data_cut", "chosen", "method", "hr",
                 "ci_low", "ci_high", "events", "events_basis", "ratio", "ratio_basis", "alpha",
                 "sided", "alpha_basis", "power_observed_hr", "relevant_hr",
                 "power_relevant_hr"]


def reproduces_printed(value: float, row: pd.Series) -> bool:
    """Whether ``value`` rounds to the printed number of ``row`` (its rounding interval)."""
    interval = printed_interval(row["value"], row["comparator"] or "=")
    return interval.contains(exact(repr(float(value))))
