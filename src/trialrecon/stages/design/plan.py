"""A randomized trial's transcribed design: does it reproduce, and where are its boundaries.

From the design rows of one endpoint (:func:`trialrecon.stages.design.events.design_rows`):
the HR the assumed medians imply against ``design_hr``, the events Schoenfeld's and
Freedman's formulas need (fixed, and inflated for the planned interim analyses) against
``design_events``, the power of the planned events, the HR they detect when no HR is
transcribed, the printed information fractions against planned events over final events,
the patients that deliver the events under the assumed accrual, follow-up and control median,
and the Lan-DeMets boundaries of the planned analyses (Z, nominal P, HR), with what each
reported analysis observed against its boundary. :func:`events_tables` assembles the whole
randomized part of the design stage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trialrecon.dossier import Dossier
from trialrecon.dossier.selection import DEFAULT, Policy
from trialrecon.stages.design.events import (
    Alpha,
    DesignRows,
    Found,
    _alpha,
    _planned_final,
    _probability,
    _spending_kind,
    design_rows,
    power_tables,
    reproduces_printed,
)
from trialrecon.stats import events as ev
from trialrecon.stats import group_sequential as gs
from trialrecon.stats import sample_size as ss

CHECK_COLUMNS = ["endpoint", "item", "method", "stated", "computed", "reproduces", "basis",
                 "row_ids", "note"]
BOUNDARY_COLUMNS = ["endpoint", "look", "analysis", "fraction", "planned_events", "z",
                    "nominal_p_one_sided", "nominal_p_two_sided", "hr_boundary",
                    "alpha_spent", "alpha_increment", "spending", "observed_cut",
                    "observed_events", "observed_hr", "observed_z", "observed_p",
                    "crossed", "observed_ids"]
MATCH_TOLERANCE = 0.05  # a reported analysis is a planned look when its events are this close


@dataclass
class EventsTables:
    """The randomized part of the design stage, ready to write."""

    by_cut: pd.DataFrame
    power: pd.DataFrame
    check: pd.DataFrame
    boundaries: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    curves: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.by_cut.empty and self.check.empty


@dataclass(frozen=True)
class Plan:
    """One endpoint's design read from its rows."""

    endpoint: str
    alpha: Alpha
    sided: str
    power: float | None
    hr: float | None
    hr_basis: str
    final: Found | None
    looks: list[tuple[str, float, float, str]]  # (analysis, fraction, planned events, ids)
    spending: str
    ratio: Found


def _ratio_for(endpoint: str, by_cut: list[dict[str, Any]]) -> Found:
    for r in by_cut:
        if r["endpoint"] == endpoint and r["chosen"]:
            return Found(r["ratio"], r["ratio_basis"], r["ratio_ids"])
    return Found(1.0, "1:1 assumed")


def _looks(d: DesignRows, final: Found | None, notes: list[str]) -> list[tuple]:
    """Planned interim analyses: (name, fraction, events, ids), events over final events
    when both are printed, else the printed fraction."""
    by_name: dict[str, dict[str, pd.Series]] = {}
    for r in d.rows.get("design_interim", []):
        kind = {"events": "events", "percent": "fraction", "proportion": "fraction"}.get(
            r["unit"])
        if kind is None:
            notes.append(f"{d.endpoint}: {r['id']} ({r['category'] or 'design_interim'}, "
                         f"{r['value']} {r['unit']}) is not an analysis time; not used")
            continue
        by_name.setdefault(r["category"] or r["id"], {}).setdefault(kind, r)
    looks = []
    for name, got in by_name.items():
        if "events" in got and final is not None:
            n = float(got["events"]["value_num"])
            looks.append((name, n / final.value, n, got["events"]["id"]))
        elif "fraction" in got:
            f = _probability(got["fraction"])
            looks.append((name, f, f * final.value if final else math.nan,
                          got["fraction"]["id"]))
    return sorted((x for x in looks if 0 < x[1] < 1), key=lambda x: x[1])


def read_plan(dossier: Dossier, d: DesignRows, by_cut: list[dict[str, Any]],
              s: dict[str, Any], notes: list[str]) -> Plan:
    alpha = _alpha(d, s)
    power_row = d.first("design_power")
    hr, hr_basis = d.value("design_hr"), "design_hr"
    med_c, med_e = d.value("design_median_control"), d.value("design_median_experimental")
    if hr is None and med_c and med_e:
        hr, hr_basis = ev.hr_from_medians(med_e, med_c), "assumed medians (exponential)"
    final = _planned_final(d)
    spend_row = d.first("design_spending")
    spending = _spending_kind(spend_row["value"]) if spend_row is not None else ""
    if spend_row is not None and not spending:
        notes.append(f"{d.endpoint}: spending '{spend_row['value']}' ({spend_row['id']}) is not "
                     "recognised; no boundaries computed")
    return Plan(endpoint=d.endpoint, alpha=alpha, sided=alpha.sided,
                power=_probability(power_row) if power_row is not None else None, hr=hr,
                hr_basis=hr_basis, final=final, looks=_looks(d, final, notes),
                spending=spending, ratio=_ratio_for(d.endpoint, by_cut))


def _ids(d: DesignRows, *quantities: str) -> str:
    return " ".join(str(r["id"]) for q in quantities for r in d.rows.get(q, [])[:1])


def _check(endpoint: str, item: str, method: str, stated: Any, computed: float,
           reproduces: Any, basis: str, ids: str, note: str = "") -> dict[str, Any]:
    return dict(zip(CHECK_COLUMNS, (endpoint, item, method, stated, computed, reproduces, basis,
                                    ids, note), strict=True))


def _fraction_checks(d: DesignRows, plan: Plan) -> list[dict[str, Any]]:
    """Printed information fractions against planned events over the planned final events."""
    out = []
    if plan.final is None:
        return out
    events = {r["category"]: r for r in d.rows.get("design_interim", []) if r["unit"] == "events"}
    for r in d.rows.get("design_interim", []):
        if r["unit"] not in ("percent", "proportion") or r["category"] not in events:
            continue
        frac = float(events[r["category"]]["value_num"]) / plan.final.value
        shown = 100 * frac if r["unit"] == "percent" else frac
        out.append(_check(plan.endpoint, f"information fraction of {r['category']}", "",
                          r["value"], shown, reproduces_printed(shown, r),
                          "planned events over planned final events",
                          f"{r['id']} {events[r['category']]['id']} {plan.final.ids}"))
    return out


def _gs_design(plan: Plan) -> gs.GroupSequentialDesign | None:
    if not plan.spending or not plan.looks:
        return None
    fractions = [x[1] for x in plan.looks] + [1.0]
    return gs.spending_boundaries(fractions, plan.alpha.value, plan.spending, plan.sided,
                                  power=plan.power)


def _event_checks(d: DesignRows, plan: Plan, gsd: gs.GroupSequentialDesign | None,
                  s: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    a, k, sided = plan.alpha.value, plan.ratio.value, plan.sided
    tol = float(s["design_events_tolerance"])
    basis = f"alpha {a:g} {sided.replace('_', '-')}, {plan.ratio.basis}"
    if plan.hr and plan.power:
        for method in ev.METHODS:
            fixed = ev.required_events(plan.hr, a, plan.power, k, sided, method)
            options = [("events for the design HR and power (one analysis)", fixed.events_raw)]
            if gsd is not None:
                options.append(("events for the design HR and power (with the interim "
                                "analyses)", fixed.events_raw * gsd.inflation))
            for item, raw in options:
                stated = plan.final.value if plan.final else None
                ok = (abs(math.ceil(raw - 1e-9) - stated) <= max(1, tol * stated)
                      if stated else "")
                out.append(_check(plan.endpoint, item, method, stated, math.ceil(raw - 1e-9),
                                  ok, f"HR {plan.hr:.4g} ({plan.hr_basis}), power "
                                      f"{plan.power:g}, {basis}",
                                  _ids(d, "design_hr", "design_power", "design_events")))
    if plan.final and plan.hr:
        stated_power = plan.power if plan.power else None
        fixed = ev.events_power(plan.final.value, plan.hr, a, k, sided)
        out.append(_check(plan.endpoint, "power of the planned events (one analysis)",
                          "schoenfeld", stated_power, fixed, "", basis, plan.final.ids))
        if gsd is not None:
            drift = ev.drift(plan.final.value, plan.hr, k)
            out.append(_check(plan.endpoint, "power of the planned events (with the interim "
                              "analyses)", "schoenfeld", stated_power,
                              float(gs.rejection_probability(gsd, drift).sum()), "", basis,
                              plan.final.ids))
    if plan.final and not plan.hr:
        p_share = k / (1 + k)
        for p in ([plan.power] if plan.power else [float(x) for x in s["detectable_powers"]]):
            fixed = ev.detectable_hr(plan.final.value, a, p, k, sided)
            out.append(_check(plan.endpoint, f"HR the planned events detect with power {p:g} "
                              "(one analysis)", "schoenfeld", "", fixed, "", basis,
                              plan.final.ids, "no design HR is transcribed"))
            if gsd is not None:
                drift = gs.drift_for_power(gsd, p)
                hr = math.exp(-drift / math.sqrt(plan.final.value * p_share * (1 - p_share)))
                out.append(_check(plan.endpoint, f"HR the planned events detect with power "
                                  f"{p:g} (with the interim analyses)", "schoenfeld", "", hr,
                                  "", basis, plan.final.ids, "no design HR is transcribed"))
    return out


def _sample_size_check(d: DesignRows, plan: Plan) -> list[dict[str, Any]]:
    med_c = d.value("design_median_control")
    accrual, follow_up = d.value("design_accrual"), d.value("design_follow_up")
    if not (plan.hr and med_c and accrual is not None and follow_up is not None):
        return []
    events = plan.final.value if plan.final else (
        ev.schoenfeld_events(plan.hr, plan.alpha.value, plan.power, plan.ratio.value,
                             plan.sided).events_raw if plan.power else None)
    if not events:
        return []
    n = ss.sample_size(events, ss.PiecewiseExponential.from_median(med_c), plan.hr, accrual,
                       follow_up, plan.ratio.value)
    return [_check(plan.endpoint, "patients expected to give the events", "schoenfeld", "",
                   n.n, "", f"{events:g} events, control median {med_c:g}, accrual "
                   f"{accrual:g}, follow-up {follow_up:g} (Lachin and Foulkes 1986)",
                   _ids(d, "design_median_control", "design_accrual", "design_follow_up"),
                   f"probability of an event {n.probability_event:.3f}")]


def _observed(plan: Plan, by_cut: list[dict[str, Any]], events: float) -> dict[str, Any] | None:
    """The reported analysis of the endpoint whose printed events are nearest ``events``."""
    cands = [r for r in by_cut if r["endpoint"] == plan.endpoint
             and r["events_basis"].startswith("printed") and math.isfinite(r["events"])]
    if not cands or not math.isfinite(events):
        return None
    best = min(cands, key=lambda r: abs(r["events"] - events))
    return best if abs(best["events"] - events) <= MATCH_TOLERANCE * events else None


def _p_text(p: float, comparator: str) -> str:
    if not math.isfinite(p):
        return ""
    return f"{'' if comparator in ('', '=') else comparator}{p:g}"


def _boundary_rows(plan: Plan, gsd: gs.GroupSequentialDesign,
                   by_cut: list[dict[str, Any]]) -> list[dict[str, Any]]:
    final = plan.final.value if plan.final else math.nan
    names = [x[0] for x in plan.looks] + ["final"]
    planned = [x[2] for x in plan.looks] + [final]
    hr_b = gsd.hr_boundaries(planned, plan.ratio.value) if plan.final else [math.nan] * len(
        planned)
    rows = []
    for k, name in enumerate(names):
        row: dict[str, Any] = dict.fromkeys(BOUNDARY_COLUMNS, math.nan)
        row.update(observed_cut="", observed_p="", crossed="", observed_ids="")
        z = gsd.z[k]
        row.update(endpoint=plan.endpoint, look=k + 1, analysis=name,
                   fraction=gsd.fractions[k], planned_events=planned[k], z=z,
                   nominal_p_one_sided=gsd.nominal_p[k],
                   nominal_p_two_sided=(2 * gsd.nominal_p[k] if plan.sided == "two_sided"
                                        else math.nan),
                   hr_boundary=hr_b[k], alpha_spent=gsd.alpha_spent[k],
                   alpha_increment=gsd.alpha_increments[k], spending=plan.spending)
        obs = _observed(plan, by_cut, planned[k])
        if obs is not None:
            p = obs["ratio"] / (1 + obs["ratio"])
            z_obs = -math.log(obs["hr"]) * math.sqrt(obs["events"] * p * (1 - p))
            row.update(observed_cut=obs["data_cut"], observed_events=obs["events"],
                       observed_hr=obs["hr"], observed_z=z_obs,
                       observed_p=_p_text(obs["p_value"], obs["p_comparator"]),
                       crossed=bool(z_obs >= z),
                       observed_ids=f"{obs['hr_ids']} {obs['events_ids']}")
        rows.append(row)
    return rows


def design_check(dossier: Dossier, designs: list[DesignRows], by_cut: list[dict[str, Any]],
                 s: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The design check and the boundaries of every endpoint with design rows."""
    checks: list[dict[str, Any]] = []
    bounds: list[dict[str, Any]] = []
    notes: list[str] = []
    for d in designs:
        plan = read_plan(dossier, d, by_cut, s, notes)
        if plan.hr is not None and d.value("design_hr") is not None:
            med_c = d.value("design_median_control")
            med_e = d.value("design_median_experimental")
            if med_c and med_e:
                implied = ev.hr_from_medians(med_e, med_c)
                row = d.first("design_hr")
                checks.append(_check(plan.endpoint, "design HR from the assumed medians", "",
                                     row["value"], implied, reproduces_printed(implied, row),
                                     "control median / experimental median (exponential)",
                                     _ids(d, "design_hr", "design_median_control",
                                          "design_median_experimental")))
        checks += _fraction_checks(d, plan)
        gsd = _gs_design(plan)
        checks += _event_checks(d, plan, gsd, s)
        checks += _sample_size_check(d, plan)
        if gsd is not None:
            bounds += _boundary_rows(plan, gsd, by_cut)
            if plan.power:
                checks.append(_check(plan.endpoint, "inflation of the maximum information",
                                     plan.spending, "", gsd.inflation, "",
                                     f"power {plan.power:g}", _ids(d, "design_spending")))
    return (pd.DataFrame(checks, columns=CHECK_COLUMNS),
            pd.DataFrame(bounds, columns=BOUNDARY_COLUMNS), notes)


def events_tables(dossier: Dossier, s: dict[str, Any],
                  policy: Policy = DEFAULT) -> EventsTables:
    """Every table of the randomized part of the design stage (``s``: settings with defaults)."""
    by_cut, power, curves = power_tables(dossier, s, policy)
    records = by_cut.to_dict("records")
    check, boundaries, notes = design_check(dossier, design_rows(dossier, policy), records, s)
    return EventsTables(by_cut, power, check, boundaries, notes, curves)
