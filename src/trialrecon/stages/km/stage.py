"""From a loaded dossier to the Kaplan-Meier stage's files under ``results/<trial>/km/``.

For every survival endpoint (quantities ``pfs``, ``os``, ``dor``; a ``category`` such as ``TTP``
makes its own endpoint) of every cohort:

* when ``data/raw/<trial>/curves/<endpoint>_<cohort>.clicks.csv`` exists, the digitized curve is
  rebuilt by the Guyot algorithm (:mod:`trialrecon.stats.guyot`);
* otherwise the published summaries (median with CI, N, events, landmark rates, accrual dates,
  median follow-up) calibrate exponential and Weibull models per arm
  (:mod:`trialrecon.stats.survmodel`) and, with two or more arms, a joint proportional-hazards
  model that also meets the printed hazard ratios (:mod:`trialrecon.stats.jointmodel`), all
  labelled model-based everywhere. One method per endpoint is shown, the one that meets the
  most printed numbers (:mod:`trialrecon.stages.km.models`).

Which row of the dossier is used is decided by the selection policy
(:mod:`trialrecon.dossier.selection`; by default the primary analysis, the original
publication's numbers before their updates); the CI, events, landmark rates, HR and follow-up
of an endpoint come from the data cut of its median. Every output row names the ids of the
rows it used and the data cut. Whatever is missing is written as a row saying what is missing.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trialrecon.dossier import Dossier
from trialrecon.dossier.digitized import CurveFiles, find_curves, read_clicks, read_nar
from trialrecon.dossier.selection import DEFAULT, Policy
from trialrecon.report.files import atomic_write_text, inside
from trialrecon.report.tables import write_data_table, write_table
from trialrecon.stages.km import models as kmm
from trialrecon.stages.km.findings import curve_findings, write_findings
from trialrecon.stages.km.inputs import (
    Chooser,
    _select,
    endpoints_of,
    gather_inputs,
    hr_anchor,
    printed_hr,
)
from trialrecon.stages.km.models import ArmResult, EndpointResult, method_name
from trialrecon.stages.km.report import (
    assumptions_text,
    figure_labels,
    fragment,
    km_figure,
)
from trialrecon.stages.km.shown import compute_shown
from trialrecon.stats import survmodel as sm
from trialrecon.stats.curves import CurveInputError, GuyotOptions
from trialrecon.stats.km import CONF_TYPES

DEFAULTS: dict[str, Any] = {
    "seed": 20210701,  # seed of the representative pseudo data and of the band's draws
    "draws": 200,  # random trials behind the model's uncertainty band and HR distribution
    "models": ["exponential", "weibull", "joint"],
    "dropout_rate": None,  # loss to follow-up per month (exponential); None: fitted
    "match_tolerance": 0.10,  # relative gap below which a rebuilt summary "matches"
    "rate_tolerance": 0.05,  # gap (probability) below which a landmark rate "matches"
    "ci_type": "log-log",  # CI of the Kaplan-Meier curve and its median: log-log | log | plain
    "monotone": "carry_forward",  # Guyot preprocessing: carry_forward | isotonic
    "vertical_tol_frac": 0.001,  # Guyot preprocessing: clicks this close in time merge
    "grid_points": 121,  # time points of the model band
    "figure_formats": ["png"],  # per-trial KM figures; add svg or pdf for vector copies
    "figure_events": False,  # a row of cumulative events under the numbers at risk
}
SUMMARY_COLUMNS = [
    "endpoint", "cohort", "arm", "data_cut", "method", "basis", "status", "chosen", "missing",
    "n", "events_reported",
    "median_reported", "ci_low_reported", "ci_high_reported", "median_rebuilt", "ci_low_rebuilt",
    "ci_high_rebuilt", "events_rebuilt", "median_diff", "ci_low_diff", "ci_high_diff",
    "events_diff", "shape", "scale", "accrual_months", "cutoff_months", "follow_up_months",
    "fit_rmse", "fit_max_abs", "rows_used", "notes",
]
FIGURE_FORMATS = ("png", "svg", "pdf")
COLUMNS = {
    "hazard_ratios": [
        "endpoint", "cohort", "experimental", "comparator", "data_cut", "method", "basis",
        "chosen", "hr_rebuilt", "hr_low_rebuilt", "hr_high_rebuilt", "p_logrank_rebuilt",
        "hr_reported", "hr_low_reported", "hr_high_reported", "p_reported", "p_comparator",
        "hr_in_printed_ci", "log_hr_diff", "rows_used", "notes"],
    "hr_simulation": [
        "endpoint", "cohort", "experimental", "comparator", "model", "basis", "draws",
        "hr_low", "hr_median", "hr_high", "hr_reported", "share_below_reported", "compatible",
        "statement"],
    "constraints": [
        "endpoint", "cohort", "method", "chosen", "subject", "constraint", "key", "reported",
        "rebuilt", "gap", "allowed_gap", "met", "within_rounding"],
    "model_choice": ["endpoint", "cohort", "method", "met", "constraints", "shared_shape",
                     "reason", "notes"],
}


def settings_with_defaults(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The stage settings: ``settings`` over :data:`DEFAULTS`; unknown keys are refused."""
    settings = dict(settings or {})
    settings.pop("validation", None)  # the validation stage's own section
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown km settings: {', '.join(unknown)}")
    s = {**DEFAULTS, **settings}
    if s["dropout_rate"] is not None and not 0 <= float(s["dropout_rate"]) <= 1.0:
        raise ValueError("km dropout_rate must be null (fitted) or between 0 and 1 per month")
    if s["ci_type"] not in CONF_TYPES:
        raise ValueError(f"km ci_type must be one of {', '.join(CONF_TYPES)}")
    bad = sorted(set(s["figure_formats"]) - set(FIGURE_FORMATS))
    if bad:
        raise ValueError(f"km figure_formats: unknown {', '.join(bad)}")
    bad = sorted(set(s["models"]) - set(kmm.ALL_MODELS))
    if bad:
        raise ValueError(f"km models: unknown {', '.join(bad)}")
    return s


def _arms(dossier: Any) -> list[str]:
    return [a.id for a in dossier.trial.arms] if dossier.trial.design == "randomized" else [""]


def _arm_seed(base: int, *parts: str) -> int:
    """A seed per endpoint/cohort/arm derived from the configured one (stable across runs)."""
    text = "/".join(parts)
    return (base + sum((i + 1) * ord(ch) for i, ch in enumerate(text))) % (2**32)


# --------------------------------------------------------------------------------------------
# digitized curves
# --------------------------------------------------------------------------------------------


def _curve_files(dossier: Dossier) -> dict[tuple[str, str], CurveFiles]:
    return {(c.endpoint, c.cohort): c for c in find_curves(
        dossier.path, dossier.vocab.endpoints, [c.id for c in dossier.trial.cohorts])}


def run_digitized(files: CurveFiles, arms: list[ArmResult], s: dict[str, Any]) -> None:
    """Rebuild each arm of a digitized curve; N and events from the dossier when known."""
    from trialrecon.stats.guyot import reconstruct_arms

    try:
        clicks = read_clicks(files.clicks)
        nar = read_nar(files.nar) if files.nar else None
    except CurveInputError as exc:
        for r in arms:
            r.errors.append(str(exc))
        return
    by_arm = {r.arm: r for r in arms}
    if set(clicks["arm"]) - set(by_arm):
        unknown = sorted(set(clicks["arm"]) - set(by_arm))
        for r in arms:
            r.errors.append(f"{files.clicks}: arm(s) {', '.join(unknown)} not in trial.yaml")
        return
    n = {a: r.inputs.summary.n for a, r in by_arm.items() if r.inputs.summary}
    other_set = set()
    for arm, start in _figure_n(nar).items():
        # the figure's own number at risk at time 0 is the N of its population (treated,
        # evaluable...), which the dossier's N (randomized, enrolled) need not be
        if arm in n and n[arm] != start:
            by_arm[arm].inputs.notes.append(
                f"the figure starts with {start} at risk, the dossier's N is {n[arm]}"
                + (f" ({by_arm[arm].inputs.population})" if by_arm[arm].inputs.population
                   else "") + ": the figure's population is rebuilt, without the dossier's "
                "events")
            other_set.add(arm)
        n.pop(arm, None)
    ev = {a: r.inputs.summary.events for a, r in by_arm.items()
          if r.inputs.summary and r.inputs.summary.events is not None and a not in other_set}
    opts = GuyotOptions(monotone=s["monotone"], vertical_tol_frac=s["vertical_tol_frac"])
    try:
        out = reconstruct_arms(clicks, nar, n or None, ev or None, opts, str(files.clicks),
                               str(files.nar) if files.nar else "numbers at risk")
    except CurveInputError as exc:
        for r in arms:
            r.errors.append(str(exc))
        return
    for arm, g in out.items():
        by_arm[arm].guyot = g
        by_arm[arm].ipd["guyot"] = g.ipd
        if nar is not None:
            table = nar if "arm" in nar.columns else nar.assign(arm="")
            by_arm[arm].nar = table[table["arm"].astype(str) == arm].sort_values("time")
            by_arm[arm].nar_file = str(files.nar)


def _figure_n(nar: pd.DataFrame | None) -> dict[str, int]:
    """Each arm's number at risk at time 0 in the figure's table, when printed."""
    if nar is None or nar.empty:
        return {}
    table = nar if "arm" in nar.columns else nar.assign(arm="")
    zero = table[table["time"].astype(float) == 0.0]
    return {str(r.arm): int(r.n_risk) for r in zero.itertuples()}


# --------------------------------------------------------------------------------------------
# comparisons between arms
# --------------------------------------------------------------------------------------------


def comparisons(dossier: Dossier, arms: list[ArmResult]) -> list[tuple[ArmResult, ArmResult,
                                                                        str]]:
    """(experimental, comparator, versus) pairs: the two arms, or each arm against a comparator.

    In a two-arm trial the hazard ratio rows leave ``arm`` empty (``versus`` ""); with more
    arms each experimental arm is compared with each comparator arm, as ``arm``/``versus``.
    """
    roles = {a.id: a.role for a in dossier.trial.arms}
    if len(arms) == 2:
        exp = next((r for r in arms if roles.get(r.arm) == "experimental"), arms[0])
        return [(exp, next(r for r in arms if r is not exp), "")]
    return [(e, c, c.arm) for e in arms for c in arms
            if roles.get(e.arm) == "experimental" and roles.get(c.arm) == "comparator"]


def _gather_hrs(dossier: Dossier, result: EndpointResult, policy: Policy) -> None:
    if len(result.arms) < 2 or result.endpoint == "dor":
        return
    for exp, comp, versus in comparisons(dossier, result.arms):
        h = printed_hr(dossier, result.endpoint, result.category, result.cohort, exp.arm,
                       comp.arm, versus, exp.inputs.data_cut, policy, exp.inputs.population)
        result.hrs.append(h)
        result.notes += [n for n in h.notes if n not in result.notes]


def hr_rows(result: EndpointResult) -> list[dict[str, Any]]:
    """Cox HR and log-rank P of each method's pseudo data against the printed HR, CI and P."""
    out = []
    chosen = result.chosen()
    by_arm = {r.arm: r for r in result.arms}
    for h in result.hrs:
        exp = by_arm[h.hr.experimental]
        base = {"endpoint": result.label, "cohort": result.cohort,
                "experimental": h.hr.experimental, "comparator": h.hr.comparator,
                "data_cut": exp.inputs.data_cut_name, "hr_reported": h.hr.estimate,
                "hr_low_reported": h.hr.ci_low, "hr_high_reported": h.hr.ci_high,
                "p_reported": h.p_value, "p_comparator": h.p_comparator,
                "rows_used": " ".join(h.rows_used)}
        methods = [m for m in kmm.methods_of(result)]
        for method in methods:
            reb = kmm.comparison_rebuilt(result, method, h)
            if not reb:
                continue
            est = h.hr.estimate
            inside = (None if h.hr.ci_low is None or h.hr.ci_high is None
                      else h.hr.ci_low <= reb["hr"] <= h.hr.ci_high)
            out.append({**base, "method": method_name(method),
                        "basis": "digitized curve" if method == "guyot" else sm.BASIS,
                        "chosen": method == chosen, "hr_rebuilt": reb["hr"],
                        "hr_low_rebuilt": reb["hr_ci_low"], "hr_high_rebuilt": reb["hr_ci_high"],
                        "p_logrank_rebuilt": reb["p_logrank"], "hr_in_printed_ci": inside,
                        "log_hr_diff": (math.log(reb["hr"]) - math.log(est)
                                        if est and est > 0 and reb["hr"] > 0 else None)})
        if not methods:
            out.append({**base, "method": "none", "basis": "",
                        "notes": "no pseudo data for both arms"})
    return out


def hr_simulation_rows(result: EndpointResult) -> list[dict[str, Any]]:
    """The distribution of the Cox HR over simulated trials, and the printed HR among them."""
    rows = []
    for (model, exp, comp), d in sorted(result.hr_sims.items()):
        rows.append({"endpoint": result.label, "cohort": result.cohort, "experimental": exp,
                     "comparator": comp, "model": model, "basis": sm.BASIS,
                     "draws": int(d.hrs.size), "hr_low": d.low, "hr_median": d.median,
                     "hr_high": d.high, "hr_reported": d.printed,
                     "share_below_reported": d.share_below, "compatible": d.compatible,
                     "statement": compatibility_sentence(result, model, exp, comp, d)})
    return rows


def compatibility_sentence(result: EndpointResult, model: str, exp: str, comp: str,
                           d: Any) -> str:
    """'A printed HR of 0.52 is (not) compatible with ...' for the report."""
    if d.printed is None or d.compatible is None:
        return ""
    what = {kmm.FREE: "the printed medians (and their CIs, events and landmark rates) under "
                      "proportional hazards, without the printed HR",
            kmm.JOINT: "the joint proportional-hazards model fitted to all printed numbers"
            }.get(model, f"the {method_name(model)} reconstruction")
    verdict = "is" if d.compatible else "is not"
    return (f"{result.label.upper()} {result.cohort}, {exp} vs {comp}: a printed HR of "
            f"{d.printed:g} {verdict} compatible with {what}: {d.level:.0%} of "
            f"{d.hrs.size} simulated trials give HRs from {d.low:.2f} to {d.high:.2f} "
            f"(median {d.median:.2f}).")


# --------------------------------------------------------------------------------------------
# tables of one arm
# --------------------------------------------------------------------------------------------


def _reported(summary: sm.Summary | None) -> dict[str, float]:
    if summary is None:
        return {}
    return {
        "median_reported": math.inf if summary.median_not_reached else summary.median,
        "ci_low_reported": summary.ci_low,
        "ci_high_reported": math.inf if summary.ci_high_not_reached else summary.ci_high,
        "events_reported": summary.events, "n": summary.n,
        "accrual_months": summary.accrual, "follow_up_months": summary.follow_up,
    }


def summary_rows(result: EndpointResult, r: ArmResult, s: dict[str, Any]) -> list[dict[str, Any]]:
    inp = r.inputs
    chosen = result.chosen()
    base = {"endpoint": result.label, "cohort": inp.cohort, "arm": inp.arm,
            "data_cut": inp.data_cut_name, "rows_used": " ".join(inp.rows_used),
            **_reported(inp.summary)}
    if inp.events_derived:  # the target of the fit, but not a printed number
        base["events_reported"] = None
    rows = []
    if r.guyot is not None:
        g = r.guyot
        rebuilt = {k: r.shown.get("guyot", {}).get(k, math.nan)
                   for k in ("median", "ci_low", "ci_high", "events")}
        rows.append({**base, "method": "guyot", "basis": "digitized curve", "status": "ok",
                     "chosen": chosen == "guyot", "missing": "",
                     **{f"{k}_rebuilt": v for k, v in rebuilt.items()}, **_diffs(base, rebuilt),
                     "n": g.fit.n_total, "fit_rmse": g.fit.rmse, "fit_max_abs": g.fit.max_abs,
                     "notes": "; ".join([f"[{f.step}] {f.detail}" for f in g.fixes]
                                        + g.warnings)})
    if kmm.MIXTURE in r.shown:
        rebuilt = {k: r.shown[kmm.MIXTURE].get(k, math.nan)
                   for k in ("median", "ci_low", "ci_high", "events")}
        rows.append({**base, "method": kmm.MIXTURE, "basis": sm.BASIS, "status": "ok",
                     "chosen": chosen == kmm.MIXTURE, "missing": "",
                     **{f"{k}_rebuilt": v for k, v in rebuilt.items()}, **_diffs(base, rebuilt),
                     "n": len(r.ipd[kmm.MIXTURE]),
                     "notes": "the pseudo data of the cohorts it pools, together"})
    for model, fit in r.fits.items():
        extra = []
        if inp.range_high is not None and inp.range_high > fit.design.cutoff:
            extra.append(f"the reported range ends at {inp.range_high:g} months, beyond the "
                         f"{fit.design.cutoff:.1f}-month cut-off implied by the follow-up "
                         "assumption: that assumption does not hold for this endpoint")
        if model == kmm.JOINT and result.joint is not None:
            extra.append(f"joint model: shared Weibull shape {fit.shape:.3g} for all arms")
        rows.append({**base, "method": method_name(model), "basis": sm.BASIS,
                     "status": "matched" if fit.matched else "not matched",
                     "chosen": chosen == model, "missing": ", ".join(inp.missing),
                     **{f"{k}_rebuilt": v for k, v in fit.rebuilt.items()
                        if not k.startswith("rate@")},
                     **{f"{k}_diff": v for k, v in fit.errors.items() if not k.startswith("rate@")},
                     "shape": fit.shape, "scale": fit.scale,
                     "accrual_months": fit.design.accrual, "cutoff_months": fit.design.cutoff,
                     "notes": "; ".join(inp.notes + fit.notes + extra)})
    if not rows:
        why = ", ".join(inp.missing) or "; ".join(r.errors) or "no usable input"
        rows.append({**base, "method": "none", "basis": "", "status": "missing",
                     "chosen": False, "missing": why, "notes": "; ".join(inp.notes + r.errors)})
    elif r.errors:
        rows[-1]["notes"] = "; ".join(filter(None, [rows[-1].get("notes", "")] + r.errors))
    return rows


def _diffs(base: dict[str, Any], rebuilt: dict[str, float]) -> dict[str, float]:
    out = {}
    for key in ("median", "ci_low", "ci_high", "events"):
        want = base.get(f"{key}_reported")
        if want is None or (isinstance(want, float) and math.isnan(want)):
            continue
        got = rebuilt[key]
        out[f"{key}_diff"] = 0.0 if math.isinf(want) and math.isinf(got) else got - want
    return out


def constraint_rows(result: EndpointResult) -> list[dict[str, Any]]:
    return [{"endpoint": result.label, "cohort": result.cohort,
             "method": method_name(c.method), "chosen": c.method == result.chosen(),
             "subject": c.subject, "constraint": c.label, "key": c.key,
             "reported": c.reported, "rebuilt": c.rebuilt, "gap": c.gap, "allowed_gap": c.allowed,
             "met": c.met, "within_rounding": c.within_rounding} for c in result.constraints]


def choice_row(result: EndpointResult) -> dict[str, Any]:
    c = result.choice
    if c is None:
        missing = sorted({m for r in result.arms for m in r.inputs.missing}
                         | {e for r in result.arms for e in r.errors})
        reason = ("no method has pseudo data for every arm" +
                  (f" (missing: {', '.join(missing)})" if missing else ""))
    return {"endpoint": result.label, "cohort": result.cohort,
            "method": method_name(c.method) if c else "none",
            "met": c.met if c else 0, "constraints": c.total if c else 0,
            "shared_shape": (result.joint.shape if result.joint is not None and c
                             and c.method == kmm.JOINT else None),
            "reason": c.reason if c else reason, "notes": "; ".join(result.notes)}


# --------------------------------------------------------------------------------------------
# pooled cohorts of single-arm trials
# --------------------------------------------------------------------------------------------


def _derive_pooled_events(dossier: Dossier, results: dict[tuple[str, str, str], EndpointResult],
                          s: dict[str, Any], policy: Policy = DEFAULT) -> None:
    """A part cohort with a median not reached and no events: pooled events minus the others.

    Only for single-arm trials and only when every other part of the pooled cohort has a
    model; the derived count is itself model-based and the notes say so.
    """
    trial = dossier.trial
    if trial.design == "randomized":
        return
    for (endpoint, category, cohort), res in results.items():
        r = res.arms[0]
        s_in = r.inputs.summary
        if r.fits or s_in is None or not s_in.median_not_reached or s_in.events is not None:
            continue
        for p in (c for c in trial.cohorts if cohort in c.parts):
            choose = Chooser(dossier, policy)
            choose.cut = r.inputs.data_cut or None
            row = choose.first(_select(dossier.values,
                                       quantity=dossier.vocab.events_quantity(endpoint),
                                       cohort=p.id, arm="", statistic="count"))
            others = [results.get((endpoint, category, c)) for c in p.parts if c != cohort]
            if row is None or any(o is None or not o.chosen() or not o.arms[0].fits
                                  for o in others):
                continue
            taken = 0.0
            parts_text = []
            for o in others:
                best = o.arms[0].fits[o.chosen()]
                taken += best.rebuilt["events"]
                parts_text.append(f"{best.rebuilt['events']:.0f} rebuilt for {o.cohort}")
            derived = int(round(row["value_num"] - taken))
            if derived <= 0:
                continue
            r.inputs.summary = sm.Summary(**{**s_in.__dict__, "events": derived})
            r.inputs.events_derived = True
            r.inputs.rows_used.append(row["id"])
            r.inputs.notes.append(
                f"events derived (model-based): {row['value_num']:.0f} reported for {p.id} "
                f"minus {', '.join(parts_text)} = {derived}")
            updated = kmm.run_arm_models(r.inputs, s, r.seed)
            r.fits, r.ipd, r.errors = updated.fits, updated.ipd, updated.errors
            kmm.score(res, s)
            break


# --------------------------------------------------------------------------------------------
# the stage
# --------------------------------------------------------------------------------------------


def reconstruct(dossier: Dossier, s: dict[str, Any],
                policy: Policy = DEFAULT) -> dict[tuple[str, str, str], EndpointResult]:
    """Every endpoint of every cohort: inputs, fits, scores, bands (no files)."""
    curves = _curve_files(dossier)
    arms = _arms(dossier)
    results: dict[tuple[str, str, str], EndpointResult] = {}
    for endpoint, category, cohort in endpoints_of(dossier):
        digitized = (endpoint, cohort) in curves and not category
        res = EndpointResult(endpoint, category, cohort, [], digitized=digitized)
        anchor = hr_anchor(dossier, endpoint, category, cohort, policy)
        for arm in arms:
            inputs = gather_inputs(dossier, endpoint, category, cohort, arm, policy, anchor)
            seed = _arm_seed(s["seed"], endpoint, category, cohort, arm)
            res.arms.append(ArmResult(inputs, seed=seed) if digitized
                            else kmm.run_arm_models(inputs, s, seed))
        if digitized:
            run_digitized(curves[(endpoint, cohort)], res.arms, s)
        _gather_hrs(dossier, res, policy)
        kmm.run_joint(res, s)
        kmm.score(res, s)
        results[(endpoint, category, cohort)] = res
    _derive_pooled_events(dossier, results, s, policy)
    _mixtures(dossier, results, s)
    for res in results.values():
        grid = _band_grid(res.arms, s["grid_points"])

        def seed_of(r: ArmResult, model: str, res: EndpointResult = res) -> int:
            return _arm_seed(s["seed"], "band", res.label, res.cohort, r.arm, model)

        kmm.simulate(res, grid, s, seed_of)
        compute_shown(res, s)
    return results


def _mixtures(dossier: Dossier, results: dict[tuple[str, str, str], EndpointResult],
              s: dict[str, Any]) -> None:
    """A pooled cohort's curve as the mixture of its cohorts' shown curves, arm by arm.

    Its pseudo data are those of the shown method of every cohort it pools, together; it is
    shown when every part has one (:data:`trialrecon.stages.km.models.MIXTURE`).
    """
    parts_of = {c.id: c.parts for c in dossier.trial.cohorts if c.parts}
    for (endpoint, category, cohort), res in results.items():
        parts = [results.get((endpoint, category, p)) for p in parts_of.get(cohort, ())]
        if not parts or any(p is None or p.chosen() is None for p in parts):
            continue
        pieces = [[p.arms[i].ipd.get(p.chosen() or "") for p in parts if i < len(p.arms)]
                  for i in range(len(res.arms))]
        if all(len(x) == len(parts) and all(y is not None for y in x) for x in pieces):
            for r, x in zip(res.arms, pieces, strict=True):
                r.ipd[kmm.MIXTURE] = pd.concat(x, ignore_index=True)
            cuts = {p.arms[0].inputs.data_cut for p in parts} - {res.arms[0].inputs.data_cut}
            if cuts - {""}:
                res.notes.append("the pooled cohort's mixture uses its parts' data cuts ("
                                 + ", ".join(sorted(cuts - {""})) + ")")
            res.notes.append("mixture of " + ", ".join(
                f"{p.cohort} ({kmm.method_name(p.chosen() or '')})" for p in parts))
            kmm.score(res, s)


def _band_grid(arms: list[ArmResult], points: int) -> np.ndarray:
    t_max = max((float(df["time"].max()) for r in arms for df in r.ipd.values()), default=1.0)
    return np.linspace(0.0, t_max, points)


def write_km_outputs(dossier: Dossier, outdir: Path, settings: dict,
                     policy: Policy = DEFAULT) -> list[Path]:
    """Write every survival endpoint's reconstruction of a dossier under ``outdir``.

    Files: ``summary.csv`` (one row per endpoint, cohort, arm and method, with what is missing),
    ``model_choice.csv`` and ``constraints.csv`` (which printed numbers each method meets, and
    the method shown), ``hazard_ratios.csv`` and ``hr_simulation.csv`` (two or more arms),
    ``intervals.csv`` (digitized curves), ``ipd/*.csv`` and ``bands/*.csv`` (pseudo data and
    model bands, full precision), ``km_<endpoint>_<cohort>.<format>``, ``assumptions.md`` and
    the report fragment ``km.md``. Returns the paths written.
    """
    s = settings_with_defaults(settings)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    results = reconstruct(dossier, s, policy)
    written: list[Path] = []
    tables: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "summary", "hazard_ratios", "hr_simulation", "constraints", "model_choice")}
    intervals: list[pd.DataFrame] = []
    figures: list[str] = []
    roles = {a.id: a.role for a in dossier.trial.arms}
    for res in results.values():
        for r in res.arms:
            tables["summary"] += summary_rows(res, r, s)
            if r.guyot is not None:
                intervals.append(r.guyot.intervals.assign(endpoint=res.label, cohort=res.cohort))
            written += _write_arm_data(outdir, res, r)
        tables["hazard_ratios"] += hr_rows(res)
        tables["hr_simulation"] += hr_simulation_rows(res)
        tables["constraints"] += constraint_rows(res)
        tables["model_choice"].append(choice_row(res))
        if res.chosen():
            described = dossier.vocab.quantities.get(res.endpoint, {}).get("description", "")
            paths = km_figure(res, roles, inside(outdir, f"km_{res.label}_{res.cohort}.png"), s,
                              str(described), figure_labels(dossier.trial))
            written += paths
            figures += [p.name for p in paths if p.suffix == ".png"]

    summary_df = pd.DataFrame(tables["summary"], columns=SUMMARY_COLUMNS)
    if summary_df.empty:
        summary_df = pd.DataFrame([{"endpoint": "", "status": "missing",
                                    "missing": "no pfs, os or dor median in the dossier"}],
                                  columns=SUMMARY_COLUMNS)
    written.append(write_table(summary_df, outdir / "summary.csv"))
    frames = {k: pd.DataFrame(v, columns=COLUMNS.get(k)) for k, v in tables.items()
              if k != "summary"}
    for name, frame in frames.items():
        if not frame.empty:
            written.append(write_table(frame, outdir / f"{name}.csv"))
    if intervals:
        written.append(write_table(pd.concat(intervals, ignore_index=True),
                                   outdir / "intervals.csv"))
    atomic_write_text(outdir / "assumptions.md", assumptions_text(s))
    written.append(outdir / "assumptions.md")
    write_findings(curve_findings(dossier, results), outdir / "findings.json")
    written.append(outdir / "findings.json")
    md = outdir / "km.md"
    atomic_write_text(md, fragment(dossier.trial.id, summary_df, frames["hazard_ratios"],
                                   frames["model_choice"], frames["hr_simulation"], figures))
    written.append(md)
    return written


def _write_arm_data(outdir: Path, res: EndpointResult, r: ArmResult) -> list[Path]:
    """Pseudo data and model bands of one arm, written at full precision (they are data)."""
    written = []
    name = f"{res.label}_{res.cohort}" + (f"_{r.arm}" if r.arm else "")
    for method, ipd in r.ipd.items():
        out = ipd.assign(basis="digitized curve" if method == "guyot" else sm.BASIS)
        if r.arm:
            out.insert(0, "arm", r.arm)
        written.append(write_data_table(out, inside(outdir, "ipd", f"{name}_{method}.csv")))
    for model, band in r.bands.items():
        written.append(write_data_table(band.assign(basis=sm.BASIS),
                                        inside(outdir, "bands", f"{name}_{model}.csv")))
    return written
