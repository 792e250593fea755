"""From a loaded dossier to the Kaplan-Meier stage's files under ``results/<trial>/km/``.

For every survival endpoint (quantities ``pfs``, ``os``, ``dor``; a ``category`` such as ``TTP``
makes its own endpoint) of every cohort:

* when ``data/raw/<trial>/curves/<endpoint>_<cohort>.clicks.csv`` exists, the digitized curve is
  rebuilt by the Guyot algorithm (:mod:`trialrecon.stats.guyot`);
* otherwise the published summaries (median with CI, N, events, accrual dates, median
  follow-up) calibrate exponential and Weibull models (:mod:`trialrecon.stats.survmodel`), labelled
  model-based everywhere.

Which row of the dossier is used is decided by the selection policy
(:mod:`trialrecon.dossier.selection`; by default the primary analysis, the original
publication's numbers before their updates); the CI, events and follow-up of an endpoint come
from the data cut of its median. Every output row names the ids of the rows it used and the
data cut. Whatever is missing is written as a row saying what is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from trialrecon.dossier import Dossier  # noqa: E402
from trialrecon.dossier.digitized import CurveFiles, find_curves, read_clicks, read_nar  # noqa: E402
from trialrecon.dossier.names import slug  # noqa: E402
from trialrecon.dossier.selection import DEFAULT, Policy  # noqa: E402
from trialrecon.report.files import atomic_write_text, inside
from trialrecon.report.tables import write_table
from trialrecon.stages.km_inputs import (  # noqa: E402
    Chooser,
    EndpointInputs,
    _select,
    endpoints_of,
    gather_inputs,
)
from trialrecon.stages.km_report import assumptions_text, fragment, km_figure  # noqa: E402
from trialrecon.stats import survmodel as sm  # noqa: E402
from trialrecon.stats.curves import CurveInputError, GuyotOptions  # noqa: E402
from trialrecon.stats.guyot import GuyotResult, reconstruct_arms  # noqa: E402

DEFAULTS: dict[str, Any] = {
    "seed": 20210701,  # seed of the representative pseudo data and of the band's draws
    "draws": 200,  # random trials behind the model's uncertainty band
    "models": ["exponential", "weibull"],
    "dropout_rate": 0.0,  # loss to follow-up per month (exponential), model-based only
    "match_tolerance": 0.10,  # relative gap below which a rebuilt summary "matches"
    "monotone": "carry_forward",  # Guyot preprocessing: carry_forward | isotonic
    "vertical_tol_frac": 0.001,  # Guyot preprocessing: clicks this close in time merge
    "grid_points": 121,  # time points of the model band
}
SUMMARY_COLUMNS = [
    "endpoint", "cohort", "arm", "data_cut", "method", "basis", "status", "missing", "n",
    "events_reported",
    "median_reported", "ci_low_reported", "ci_high_reported", "median_rebuilt", "ci_low_rebuilt",
    "ci_high_rebuilt", "events_rebuilt", "median_diff", "ci_low_diff", "ci_high_diff",
    "events_diff", "shape", "scale", "accrual_months", "cutoff_months", "follow_up_months",
    "fit_rmse", "fit_max_abs", "rows_used", "notes",
]


def settings_with_defaults(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The stage settings: ``settings`` over :data:`DEFAULTS`; unknown keys are refused."""
    settings = dict(settings or {})
    settings.pop("validation", None)  # the validation stage's own section
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown km settings: {', '.join(unknown)}")
    return {**DEFAULTS, **settings}


def _arms(dossier: Any) -> list[str]:
    return [a.id for a in dossier.trial.arms] if dossier.trial.design == "randomized" else [""]


# --------------------------------------------------------------------------------------------
# one endpoint: model-based or digitized
# --------------------------------------------------------------------------------------------


@dataclass
class ArmResult:
    inputs: EndpointInputs
    fits: dict[str, sm.ModelFit] = field(default_factory=dict)
    ipd: dict[str, pd.DataFrame] = field(default_factory=dict)
    bands: dict[str, pd.DataFrame] = field(default_factory=dict)
    guyot: GuyotResult | None = None
    errors: list[str] = field(default_factory=list)

    def preferred(self) -> str | None:
        """The model shown in the figure: matched first, then the smaller gap."""
        if self.guyot is not None:
            return "guyot"
        if not self.fits:
            return None
        def key(m: str) -> tuple[bool, float, int]:
            f = self.fits[m]
            gap = sum(0.0 if math.isinf(e) and e == 0 else (1.0 if math.isinf(e) else abs(e))
                      for e in f.errors.values())
            return (not f.matched, gap, sm.MODELS.index(m))
        return min(self.fits, key=key)


def _label(endpoint: str, category: str) -> str:
    """The endpoint's name in file names: a category (free text) goes through ``slug``."""
    return endpoint + (f"_{slug(category)}" if category else "")


def run_models(inputs: EndpointInputs, s: dict[str, Any], seed: int) -> ArmResult:
    res = ArmResult(inputs)
    if inputs.summary is None:
        return res
    for model in s["models"]:
        try:
            fit = sm.fit_model(inputs.summary, model, seed=seed, dropout_rate=s["dropout_rate"],
                               tol=s["match_tolerance"])
        except sm.SummaryError as exc:
            res.errors.append(f"{model}: {exc}")
            continue
        res.fits[model] = fit
        res.ipd[model] = sm.representative_ipd(fit.shape, fit.scale, fit.design, fit.n, seed)
    return res


def _band_grid(results: list[ArmResult], points: int) -> np.ndarray:
    t_max = max((float(df["time"].max()) for r in results for df in r.ipd.values()),
                default=1.0)
    return np.linspace(0.0, t_max, points)


def _arm_seed(base: int, *parts: str) -> int:
    """A seed per endpoint/cohort/arm derived from the configured one (stable across runs)."""
    text = "/".join(parts)
    return (base + sum((i + 1) * ord(ch) for i, ch in enumerate(text))) % (2**32)


def _curve_files(dossier: Dossier) -> dict[tuple[str, str], CurveFiles]:
    return {(c.endpoint, c.cohort): c for c in find_curves(
        dossier.path, dossier.vocab.endpoints, [c.id for c in dossier.trial.cohorts])}


def run_digitized(files: CurveFiles, arms: list[ArmResult], s: dict[str, Any]) -> None:
    """Rebuild each arm of a digitized curve; N and events from the dossier when known."""
    try:
        clicks = read_clicks(files.clicks)
        nar = read_nar(files.nar) if files.nar else None
    except CurveInputError as exc:
        for r in arms:
            r.errors.append(str(exc))
        return
    by_arm = {r.inputs.arm: r for r in arms}
    if set(clicks["arm"]) - set(by_arm):
        unknown = sorted(set(clicks["arm"]) - set(by_arm))
        for r in arms:
            r.errors.append(f"{files.clicks}: arm(s) {', '.join(unknown)} not in trial.yaml")
        return
    n = {a: r.inputs.summary.n for a, r in by_arm.items() if r.inputs.summary}
    ev = {a: r.inputs.summary.events for a, r in by_arm.items()
          if r.inputs.summary and r.inputs.summary.events is not None}
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


# --------------------------------------------------------------------------------------------
# tables
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


def summary_rows(label: str, r: ArmResult) -> list[dict[str, Any]]:
    inp = r.inputs
    base = {"endpoint": label, "cohort": inp.cohort, "arm": inp.arm,
            "data_cut": inp.data_cut_name, "rows_used": " ".join(inp.rows_used),
            **_reported(inp.summary)}
    if inp.events_derived:  # the target of the fit, but not a printed number
        base["events_reported"] = None
    rows = []
    if r.guyot is not None:
        g = r.guyot
        rebuilt = sm.km_median_ci(g.ipd, inp.summary.ci_level if inp.summary else 0.95)
        reb = {f"{k}_rebuilt": v for k, v in rebuilt.items()}
        diffs = _diffs(base, rebuilt)
        rows.append({**base, "method": "guyot", "basis": "digitized curve", "status": "ok",
                     "missing": "", **reb, **diffs, "n": g.fit.n_total,
                     "fit_rmse": g.fit.rmse, "fit_max_abs": g.fit.max_abs,
                     "notes": "; ".join([f"[{f.step}] {f.detail}" for f in g.fixes]
                                        + g.warnings)})
    for model, fit in r.fits.items():
        reb = {f"{k}_rebuilt": v for k, v in fit.rebuilt.items()}
        extra = []
        if inp.range_high is not None and inp.range_high > fit.design.cutoff:
            extra.append(f"the reported range ends at {inp.range_high:g} months, beyond the "
                         f"{fit.design.cutoff:.1f}-month cut-off implied by the follow-up "
                         "assumption: that assumption does not hold for this endpoint")
        rows.append({**base, "method": f"model:{model}", "basis": sm.BASIS,
                     "status": "matched" if fit.matched else "not matched",
                     "missing": ", ".join(inp.missing), **reb,
                     **{f"{k}_diff": v for k, v in fit.errors.items()},
                     "shape": fit.shape, "scale": fit.scale,
                     "accrual_months": fit.design.accrual, "cutoff_months": fit.design.cutoff,
                     "notes": "; ".join(inp.notes + fit.notes + extra)})
    if not rows:
        why = ", ".join(inp.missing) or "; ".join(r.errors) or "no usable input"
        rows.append({**base, "method": "none", "basis": "", "status": "missing",
                     "missing": why, "notes": "; ".join(inp.notes + r.errors)})
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


def _comparisons(dossier: Dossier,
                 results: list[ArmResult]) -> list[tuple[ArmResult, ArmResult, str]]:
    """(experimental, comparator, versus) pairs: the two arms, or each arm against a comparator.

    In a two-arm trial the hazard ratio rows leave ``arm`` empty (``versus`` ""); with more
    arms each experimental arm is compared with each comparator arm, as ``arm``/``versus``.
    """
    roles = {a.id: a.role for a in dossier.trial.arms}
    if len(results) == 2:
        exp = next((r for r in results if roles.get(r.inputs.arm) == "experimental"),
                   results[0])
        return [(exp, next(r for r in results if r is not exp), "")]
    return [(e, c, c.inputs.arm) for e in results for c in results
            if roles.get(e.inputs.arm) == "experimental"
            and roles.get(c.inputs.arm) == "comparator"]


def hr_rows(dossier: Dossier, label: str, endpoint: str, cohort: str,
            results: list[ArmResult], policy: Policy = DEFAULT) -> list[dict[str, Any]]:
    """Cox HR and log-rank P of the pseudo data against the reported HR, CI and P."""
    if len(results) < 2 or endpoint == "dor":
        return []
    out = []
    for exp, comp, versus in _comparisons(dossier, results):
        arm = exp.inputs.arm if versus else ""
        hr = _select(dossier.values, quantity=dossier.vocab.hr_quantity(endpoint),
                     cohort=cohort, arm=arm)
        hr = hr[hr["versus"] == versus]
        choose = Chooser(dossier, policy)
        choose.cut = exp.inputs.data_cut or None
        rep: dict[str, float | None] = {}
        used = []
        for stat in ("estimate", "ci_low", "ci_high", "p_value"):
            row = choose.first(hr[hr["statistic"] == stat])
            rep[stat] = None if row is None else float(row["value_num"])
            if row is not None:
                used.append(row["id"] + ("" if row["comparator"] in ("", "=") else
                                         f" ({row['comparator']})"))
        out += _hr_methods(label, cohort, exp, comp, rep, used)
    return out


def _hr_methods(label: str, cohort: str, exp: ArmResult, comp: ArmResult,
                rep: dict[str, float | None], used: list[str]) -> list[dict[str, Any]]:
    out = []
    for method in sorted(set(exp.ipd) & set(comp.ipd)):
        cmp = sm.compare_arms(exp.ipd[method], comp.ipd[method], rep["estimate"],
                              rep["ci_low"], rep["ci_high"], rep["p_value"])
        out.append({
            "endpoint": label, "cohort": cohort, "experimental": exp.inputs.arm,
            "comparator": comp.inputs.arm, "data_cut": exp.inputs.data_cut_name,
            "method": method if method == "guyot" else f"model:{method}",
            "basis": "digitized curve" if method == "guyot" else sm.BASIS,
            "hr_rebuilt": cmp.hr, "hr_low_rebuilt": cmp.hr_low, "hr_high_rebuilt": cmp.hr_high,
            "p_logrank_rebuilt": cmp.p_logrank, "hr_reported": rep["estimate"],
            "hr_low_reported": rep["ci_low"], "hr_high_reported": rep["ci_high"],
            "p_reported": rep["p_value"],
            "log_hr_diff": (math.log(cmp.hr) - math.log(rep["estimate"])
                            if rep["estimate"] and rep["estimate"] > 0 and cmp.hr > 0
                            else None),
            "rows_used": " ".join(used),
        })
    if not out:
        out.append({"endpoint": label, "cohort": cohort, "experimental": exp.inputs.arm,
                    "comparator": comp.inputs.arm, "data_cut": exp.inputs.data_cut_name,
                    "method": "none", "hr_reported": rep["estimate"],
                    "rows_used": " ".join(used), "basis": "",
                    "notes": "no pseudo data for both arms"})
    return out


def _derive_pooled_events(dossier: Dossier, label_results: dict[tuple[str, str, str],
                                                               list[ArmResult]],
                          s: dict[str, Any], policy: Policy = DEFAULT) -> None:
    """A part cohort with a median not reached and no events: pooled events minus the others.

    Only for single-arm trials and only when every other part of the pooled cohort has a
    model; the derived count is itself model-based and the notes say so.
    """
    trial = dossier.trial
    if trial.design == "randomized":
        return
    for (endpoint, category, cohort), results in label_results.items():
        r = results[0]
        s_in = r.inputs.summary
        if r.fits or s_in is None or not s_in.median_not_reached or s_in.events is not None:
            continue
        pooled = [c for c in trial.cohorts if cohort in c.parts]
        for p in pooled:
            choose = Chooser(dossier, policy)
            choose.cut = r.inputs.data_cut or None
            row = choose.first(_select(dossier.values,
                                       quantity=dossier.vocab.events_quantity(endpoint),
                                       cohort=p.id, arm="", statistic="count"))
            others = [label_results.get((endpoint, category, c), [None])[0]
                      for c in p.parts if c != cohort]
            if row is None or any(o is None or not o.fits for o in others):
                continue
            taken = 0.0
            parts_text = []
            for o in others:
                best = o.fits[o.preferred()]
                taken += best.rebuilt["events"]
                parts_text.append(f"{best.rebuilt['events']:.0f} rebuilt for {o.inputs.cohort}")
            derived = int(round(row["value_num"] - taken))
            if derived <= 0:
                continue
            new = sm.Summary(**{**s_in.__dict__, "events": derived})
            r.inputs.summary = new
            r.inputs.events_derived = True
            r.inputs.rows_used.append(row["id"])
            r.inputs.notes.append(
                f"events derived (model-based): {row['value_num']:.0f} reported for {p.id} "
                f"minus {', '.join(parts_text)} = {derived}")
            updated = run_models(r.inputs, s, _arm_seed(s["seed"], endpoint, cohort, ""))
            r.fits, r.ipd, r.errors = updated.fits, updated.ipd, updated.errors
            break


# --------------------------------------------------------------------------------------------
# the stage
# --------------------------------------------------------------------------------------------


def write_km_outputs(dossier: Dossier, outdir: Path, settings: dict,
                     policy: Policy = DEFAULT) -> list[Path]:
    """Write every survival endpoint's reconstruction of a dossier under ``outdir``.

    Files: ``summary.csv`` (one row per endpoint, cohort, arm and method, with what is missing),
    ``hazard_ratios.csv``, ``intervals.csv`` (digitized curves), ``ipd/*.csv`` (pseudo data,
    with a ``basis`` column), ``km_<endpoint>_<cohort>.png/.svg``, ``assumptions.md`` and the
    report fragment ``km.md``. Returns the paths written.
    """
    s = settings_with_defaults(settings)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    curves = _curve_files(dossier)
    arms = _arms(dossier)
    label_results: dict[tuple[str, str, str], list[ArmResult]] = {}
    for endpoint, category, cohort in endpoints_of(dossier):
        results = []
        for arm in arms:
            inputs = gather_inputs(dossier, endpoint, category, cohort, arm, policy)
            seed = _arm_seed(s["seed"], endpoint, category, cohort, arm)
            if (endpoint, cohort) in curves and not category:
                results.append(ArmResult(inputs))
            else:
                results.append(run_models(inputs, s, seed))
        if (endpoint, cohort) in curves and not category:
            run_digitized(curves[(endpoint, cohort)], results, s)
        label_results[(endpoint, category, cohort)] = results
    _derive_pooled_events(dossier, label_results, s, policy)

    summary: list[dict[str, Any]] = []
    hrs: list[dict[str, Any]] = []
    intervals: list[pd.DataFrame] = []
    figures: list[str] = []
    for (endpoint, category, cohort), results in label_results.items():
        label = _label(endpoint, category)
        grid = _band_grid(results, s["grid_points"])
        for r in results:
            for model, fit in r.fits.items():
                seed = _arm_seed(s["seed"], "band", label, cohort, r.inputs.arm, model)
                r.bands[model] = sm.uncertainty_band(fit, grid, s["draws"], seed)
            summary += summary_rows(label, r)
            if r.guyot is not None:
                intervals.append(r.guyot.intervals.assign(endpoint=label, cohort=cohort))
            for method, ipd in r.ipd.items():
                basis = "digitized curve" if method == "guyot" else sm.BASIS
                name = f"{label}_{cohort}" + (f"_{r.inputs.arm}" if r.inputs.arm else "")
                out = ipd.assign(basis=basis)
                if r.inputs.arm:
                    out.insert(0, "arm", r.inputs.arm)
                written.append(write_table(out, inside(outdir, "ipd", f"{name}_{method}.csv")))
            for model, band in r.bands.items():
                name = f"{label}_{cohort}" + (f"_{r.inputs.arm}" if r.inputs.arm else "")
                written.append(write_table(band.assign(basis=sm.BASIS),
                                          inside(outdir, "bands", f"{name}_{model}.csv")))
        hrs += hr_rows(dossier, label, endpoint, cohort, results, policy)
        if any(r.preferred() for r in results):
            paths = km_figure(label, cohort, results, inside(outdir, f"km_{label}_{cohort}.png"))
            written += paths
            figures += [p.name for p in paths if p.suffix == ".png"]

    summary_df = pd.DataFrame(summary, columns=SUMMARY_COLUMNS)
    if summary_df.empty:
        summary_df = pd.DataFrame([{"endpoint": "", "status": "missing",
                                    "missing": "no pfs, os or dor median in the dossier"}],
                                  columns=SUMMARY_COLUMNS)
    written.append(write_table(summary_df, outdir / "summary.csv"))
    hr_df = pd.DataFrame(hrs)
    if not hr_df.empty:
        written.append(write_table(hr_df, outdir / "hazard_ratios.csv"))
    if intervals:
        written.append(write_table(pd.concat(intervals, ignore_index=True),
                                  outdir / "intervals.csv"))
    atomic_write_text(outdir / "assumptions.md", assumptions_text(s))
    written.append(outdir / "assumptions.md")
    md = outdir / "km.md"
    atomic_write_text(md, fragment(dossier.trial.id, summary_df, hr_df, figures))
    written.append(md)
    return written
