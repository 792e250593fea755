"""From a loaded dossier to the Kaplan-Meier stage's files under ``results/<trial>/km/``.

For every survival endpoint (quantities ``pfs``, ``os``, ``dor``; a ``category`` such as ``TTP``
makes its own endpoint) of every cohort:

* when ``data/raw/<trial>/curves/<endpoint>_<cohort>.clicks.csv`` exists, the digitized curve is
  rebuilt by the Guyot algorithm (:mod:`trialrecon.guyot`);
* otherwise the published summaries (median with CI, N, events, accrual dates, median
  follow-up) calibrate exponential and Weibull models (:mod:`trialrecon.survmodel`), labelled
  model-based everywhere.

Which row of the dossier is used is decided by :func:`rank_rows`: rows that update another
(``supersedes``) are left out, so the original publication's numbers are reconstructed; then the
source kind (paper, abstract, review, registry), then tables before results text before the
abstract before other text, the discussion last, then file and line. Every output row names the
ids of the rows it used. Whatever is missing is written as a row saying what is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from trialrecon import survmodel as sm  # noqa: E402
from trialrecon.digitized import CurveFiles, find_curves, read_clicks, read_nar  # noqa: E402
from trialrecon.guyot import CurveInputError, GuyotOptions, GuyotResult, reconstruct_arms  # noqa: E402
from trialrecon.plots import save_figure  # noqa: E402
from trialrecon.tables import write_table

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
ENDPOINTS = ("pfs", "os", "dor")
EVENT_QUANTITY = {"pfs": "pfs_events", "os": "deaths"}
HR_QUANTITY = {"pfs": "pfs_hr", "os": "os_hr"}
SOURCE_RANK = {"paper": 0, "abstract": 1, "review": 2, "registry": 3}
MONTHS_PER = {"months": 1.0, "weeks": 12.0 / 52.1775, "days": 12.0 / 365.25, "years": 12.0}
SUMMARY_COLUMNS = [
    "endpoint", "cohort", "arm", "method", "basis", "status", "missing", "n", "events_reported",
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


# --------------------------------------------------------------------------------------------
# choosing the rows
# --------------------------------------------------------------------------------------------


def _location_rank(location: str) -> int:
    loc = location.lower()
    if loc.startswith("table") and "footnote" not in loc:
        return 0
    if loc.startswith("table"):
        return 1
    if loc.startswith("results"):
        return 2
    if loc.startswith("abstract"):
        return 3
    if loc.startswith("discussion"):
        return 5
    return 4


def rank_rows(rows: pd.DataFrame, trial: Any) -> pd.DataFrame:
    """Candidate rows, best first; superseding (updated) rows are left out."""
    if rows.empty:
        return rows
    order = {s.id: i for i, s in enumerate(trial.sources)}
    kinds = {s.id: s.kind for s in trial.sources}
    rows = rows[rows["supersedes"] == ""]
    key = pd.DataFrame({
        "kind": rows["source"].map(lambda s: SOURCE_RANK.get(kinds.get(s, ""), 9)),
        "order": rows["source"].map(lambda s: order.get(s, 99)),
        "loc": rows["location"].map(_location_rank),
        "file": rows["file"], "line": rows["line"],
    }, index=rows.index)
    return rows.loc[key.sort_values(["kind", "order", "loc", "file", "line"]).index]


def _select(values: pd.DataFrame, **match: str) -> pd.DataFrame:
    mask = values["subgroup"] == ""
    for col, val in match.items():
        mask &= values[col] == val
    return values[mask]


def _months(row: pd.Series) -> float:
    factor = MONTHS_PER.get(row["unit"])
    if factor is None:
        raise ValueError(f"{row['file']}, row {row['line']}: unit {row['unit']} is not a time")
    return float(row["value_num"]) * factor


@dataclass
class EndpointInputs:
    """What the dossier says about one endpoint of one cohort and arm."""

    endpoint: str
    category: str
    cohort: str
    arm: str
    summary: sm.Summary | None
    rows_used: list[str]
    missing: list[str]
    notes: list[str] = field(default_factory=list)
    range_high: float | None = None  # the longest reported time (a range's upper end)
    events_derived: bool = False  # events are derived from a pooled cohort, not reported


def _date_months(text: str) -> float:
    parts = [int(p) for p in text.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 7
    day = parts[2] if len(parts) > 2 else 1
    return year * 12 + (month - 1) + (day - 1) / 30.4375


def _first(rows: pd.DataFrame, trial: Any) -> pd.Series | None:
    ranked = rank_rows(rows, trial)
    return None if ranked.empty else ranked.iloc[0]


def _cohort_chain(trial: Any, cohort: str) -> list[str]:
    """The cohort, then the pooled cohorts that contain it (trial-level values live there)."""
    chain = [cohort]
    chain += [c.id for c in trial.cohorts if cohort in c.parts]
    chain += [c.id for c in trial.cohorts if c.id not in chain]
    return chain


def gather_inputs(dossier: Any, endpoint: str, category: str, cohort: str,
                  arm: str) -> EndpointInputs:
    """Collect median, CI, N, events, accrual and follow-up for one endpoint/cohort/arm."""
    v = dossier.values
    trial = dossier.trial
    used: list[str] = []
    missing: list[str] = []
    notes: list[str] = []
    ep = _select(v, quantity=endpoint, category=category, cohort=cohort, arm=arm)
    med = _first(ep[ep["statistic"] == "median"], trial)
    median = None
    not_reached = False
    if med is None or med["marker"] in ("not_reported", "not_estimable"):
        missing.append("median")
    else:
        used.append(med["id"])
        if med["marker"] == "not_reached":
            not_reached = True
        else:
            median = _months(med)
    ci = {}
    level = 0.95
    for stat in ("ci_low", "ci_high"):
        cands = ep[ep["statistic"] == stat]
        if med is not None:  # the same statement as the median first
            same = cands[(cands["source"] == med["source"])
                         & (cands["location"] == med["location"])]
            cands = same if not same.empty else cands
        row = _first(cands, trial)
        if row is None:
            continue
        used.append(row["id"])
        ci[stat] = "NR" if row["marker"] == "not_reached" else _months(row)
        if row["level"]:
            level = float(row["level"]) / 100.0
    if not ci:
        missing.append("CI of the median")
    range_high = None
    rng_rows = ep[ep["statistic"] == "range_high"]
    if med is not None:
        same = rng_rows[(rng_rows["source"] == med["source"])
                        & (rng_rows["location"] == med["location"])]
        rng_rows = same if not same.empty else rng_rows
    rng_row = _first(rng_rows[rng_rows["marker"] == ""], trial)
    if rng_row is not None:
        range_high = _months(rng_row)
        used.append(rng_row["id"])

    n = None
    pops = ("responders",) if endpoint == "dor" else ("randomized", "enrolled")
    for pop in pops:
        row = _first(_select(v, quantity=pop, cohort=cohort, arm=arm, statistic="count",
                             category=""), trial)
        if row is not None:
            n = int(row["value_num"])
            used.append(row["id"])
            break
    if n is None and endpoint == "dor":
        resp = _select(v, quantity="best_response", cohort=cohort, arm=arm, statistic="count")
        resp = resp[resp["category"].isin(["CR", "PR"])]
        if not resp.empty:
            best = rank_rows(resp, trial)
            first = best.iloc[0]
            same = best[(best["source"] == first["source"])
                        & (best["location"] == first["location"])]
            n = int(same["value_num"].sum())
            used += same["id"].tolist()
            notes.append("N of the duration of response = CR + PR counts")
    if n is None:
        missing.append("number of patients" if endpoint != "dor" else "number of responders")

    events = None
    if endpoint in EVENT_QUANTITY:
        row = _first(_select(v, quantity=EVENT_QUANTITY[endpoint], cohort=cohort, arm=arm,
                             statistic="count"), trial)
        if row is not None:
            events = int(row["value_num"])
            used.append(row["id"])

    accrual = None
    for c in _cohort_chain(trial, cohort):
        start = _first(_select(v, quantity="enrollment_start", cohort=c, statistic="date"), trial)
        end = _first(_select(v, quantity="enrollment_end", cohort=c, statistic="date"), trial)
        if start is not None and end is not None:
            accrual = _date_months(end["value"]) - _date_months(start["value"])
            used += [start["id"], end["id"]]
            break
    if accrual is None:
        missing.append("accrual dates")

    follow_up = None
    for c in _cohort_chain(trial, cohort):
        fu = _select(v, quantity="follow_up", cohort=c, statistic="median")
        fu = fu[fu["arm"].isin([arm, ""])]
        specific = fu[fu["category"].str.lower() == endpoint]
        row = _first(specific if not specific.empty else fu[fu["category"] == ""], trial)
        if row is not None:
            follow_up = _months(row)
            used.append(row["id"])
            break
    if follow_up is None:
        missing.append("median follow-up")

    summary = None
    if n is not None and (median is not None or not_reached):
        summary = sm.Summary(
            n=n, median=median, median_not_reached=not_reached,
            ci_low=ci.get("ci_low") if ci.get("ci_low") != "NR" else None,
            ci_high=ci.get("ci_high") if ci.get("ci_high") != "NR" else None,
            ci_high_not_reached=ci.get("ci_high") == "NR", ci_level=level, events=events,
            accrual=accrual, follow_up=follow_up)
    return EndpointInputs(endpoint, category, cohort, arm, summary, used, missing, notes,
                          range_high)


def endpoints_of(dossier: Any) -> list[tuple[str, str, str]]:
    """(endpoint, category, cohort) with at least one median row, in a fixed order."""
    v = dossier.values
    rows = v[v["quantity"].isin(ENDPOINTS) & (v["subgroup"] == "")
             & (v["statistic"] == "median")]
    cohorts = [c.id for c in dossier.trial.cohorts]
    keys = {(r.quantity, r.category, r.cohort) for r in rows.itertuples()}
    return sorted(keys, key=lambda k: (ENDPOINTS.index(k[0]), k[1], cohorts.index(k[2])
                                       if k[2] in cohorts else 99, k[2]))


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
    return endpoint + (f"_{category}" if category else "")


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


def _curve_files(dossier: Any) -> dict[tuple[str, str], CurveFiles]:
    return {(c.endpoint, c.cohort): c for c in find_curves(dossier.path)}


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
            "rows_used": " ".join(inp.rows_used), **_reported(inp.summary)}
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


def hr_rows(dossier: Any, label: str, endpoint: str, cohort: str,
            results: list[ArmResult]) -> list[dict[str, Any]]:
    """Cox HR and log-rank P of the pseudo data against the reported HR, CI and P."""
    if len(results) != 2 or endpoint not in HR_QUANTITY:
        return []
    roles = {a.id: a.role for a in dossier.trial.arms}
    exp = next((r for r in results if roles.get(r.inputs.arm) == "experimental"), results[0])
    comp = next(r for r in results if r is not exp)
    hr = _select(dossier.values, quantity=HR_QUANTITY[endpoint], cohort=cohort, arm="")
    rep: dict[str, float | None] = {}
    used = []
    for stat in ("estimate", "ci_low", "ci_high", "p_value"):
        row = _first(hr[hr["statistic"] == stat], dossier.trial)
        rep[stat] = None if row is None else float(row["value_num"])
        if row is not None:
            used.append(row["id"] + ("" if row["comparator"] in ("", "=") else
                                     f" ({row['comparator']})"))
    out = []
    for method in sorted(set(exp.ipd) & set(comp.ipd)):
        cmp = sm.compare_arms(exp.ipd[method], comp.ipd[method], rep["estimate"],
                              rep["ci_low"], rep["ci_high"], rep["p_value"])
        out.append({
            "endpoint": label, "cohort": cohort, "experimental": exp.inputs.arm,
            "comparator": comp.inputs.arm,
            "method": method if method == "guyot" else f"model:{method}",
            "basis": "digitized curve" if method == "guyot" else sm.BASIS,
            "hr_rebuilt": cmp.hr, "hr_low_rebuilt": cmp.hr_low, "hr_high_rebuilt": cmp.hr_high,
            "p_logrank_rebuilt": cmp.p_logrank, "hr_reported": rep["estimate"],
            "hr_low_reported": rep["ci_low"], "hr_high_reported": rep["ci_high"],
            "p_reported": rep["p_value"],
            "log_hr_diff": (math.log(cmp.hr) - math.log(rep["estimate"])
                            if rep["estimate"] else None),
            "rows_used": " ".join(used),
        })
    if not out:
        out.append({"endpoint": label, "cohort": cohort, "experimental": exp.inputs.arm,
                    "comparator": comp.inputs.arm, "method": "none",
                    "hr_reported": rep["estimate"], "rows_used": " ".join(used),
                    "basis": "", "notes": "no pseudo data for both arms"})
    return out


def _derive_pooled_events(dossier: Any, label_results: dict[tuple[str, str, str],
                                                           list[ArmResult]],
                          s: dict[str, Any]) -> None:
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
            row = _first(_select(dossier.values, quantity=EVENT_QUANTITY.get(endpoint, "-"),
                                 cohort=p.id, arm="", statistic="count"), trial)
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
# figures and text
# --------------------------------------------------------------------------------------------


def km_figure(label: str, cohort: str, results: list[ArmResult], path: Path) -> list[Path]:
    """KM of the pseudo data with CI, model band, published median and CI, numbers at risk."""
    from lifelines import KaplanMeierFitter
    from lifelines.plotting import add_at_risk_counts

    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    fitters = []
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
    model_based = False
    for i, r in enumerate(results):
        method = r.preferred()
        if method is None:
            continue
        color = colors[i % len(colors)]
        name = r.inputs.arm or cohort
        ipd = r.ipd[method]
        kmf = KaplanMeierFitter(label=f"{name} ({'Guyot' if method == 'guyot' else method})")
        kmf.fit(ipd["time"], ipd["event"])
        kmf.plot_survival_function(ax=ax, ci_show=True, color=color, show_censors=False)
        fitters.append(kmf)
        if method == "guyot" and r.guyot is not None:
            c = r.guyot.clicks
            ax.scatter(c["time"], c["survival"], s=8, color=color, alpha=0.6, marker="x",
                       label=f"{name} clicked points")
        elif method in r.bands:
            model_based = True
            b = r.bands[method]
            ax.fill_between(b["time"], b["band_low"], b["band_high"], color=color, alpha=0.10,
                            label=f"{name} model: 95% band of simulated trials")
        s_in = r.inputs.summary
        if s_in is not None and s_in.median is not None:
            lo = s_in.ci_low if s_in.ci_low is not None else s_in.median
            hi = s_in.ci_high if s_in.ci_high is not None else (
                ax.get_xlim()[1] if s_in.ci_high_not_reached else s_in.median)
            ax.errorbar([s_in.median], [0.5], xerr=[[s_in.median - lo], [hi - s_in.median]],
                        fmt="D", color=color, ms=6, capsize=4, mec="black",
                        label=f"{name} published median (CI)")
    ax.axhline(0.5, color="grey", lw=0.6, ls=":")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xlabel("Months")
    ax.set_ylabel("Survival probability")
    kind = "MODEL-BASED reconstruction, not data" if model_based else "Guyot reconstruction"
    ax.set_title(f"{label.upper()} - {cohort}: {kind}", fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    if fitters:
        add_at_risk_counts(*fitters, ax=ax, rows_to_show=["At risk"])
    fig.tight_layout()
    return save_figure(fig, path, formats=("png", "svg"))


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and math.isinf(x):
        return "NR"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def fragment(trial_id: str, summary: pd.DataFrame, hrs: pd.DataFrame, figures: list[str]) -> str:
    lines = [f"### Kaplan-Meier reconstruction: {trial_id}", ""]
    lines.append("Rows with method `model:*` are **model-based reconstructions, not data**: "
                 "parametric curves calibrated to the published median, CI, N, events, accrual "
                 "and follow-up under the assumptions listed in `km/assumptions.md`. Rows with "
                 "method `guyot` are rebuilt from a digitized figure (Guyot et al. 2012).")
    lines.append("")
    cols = ["endpoint", "cohort", "arm", "method", "status", "n", "median_reported",
            "ci_low_reported", "ci_high_reported", "median_rebuilt", "ci_low_rebuilt",
            "ci_high_rebuilt", "missing"]
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "---|" * len(cols))
    for row in summary.itertuples(index=False):
        d = row._asdict()
        lines.append("| " + " | ".join(_fmt(d.get(c)) for c in cols) + " |")
    if not hrs.empty:
        lines += ["", "Hazard ratios of the pseudo data against the reported ones:", ""]
        hc = ["endpoint", "cohort", "method", "hr_rebuilt", "hr_low_rebuilt", "hr_high_rebuilt",
              "p_logrank_rebuilt", "hr_reported", "hr_low_reported", "hr_high_reported",
              "p_reported"]
        lines.append("| " + " | ".join(hc) + " |")
        lines.append("|" + "---|" * len(hc))
        for row in hrs.itertuples(index=False):
            d = row._asdict()
            lines.append("| " + " | ".join(_fmt(d.get(c)) for c in hc) + " |")
    if figures:
        lines += ["", "Figures: " + ", ".join(f"`km/{f}`" for f in figures)]
    return "\n".join(lines) + "\n"


def assumptions_text(s: dict[str, Any]) -> str:
    lines = ["# Assumptions of the model-based reconstruction", ""]
    lines += [f"- {a}" for a in sm.ASSUMPTIONS]
    lines += ["", "Settings: " + ", ".join(f"{k} = {v}" for k, v in sorted(s.items())), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# the stage
# --------------------------------------------------------------------------------------------


def write_km_outputs(dossier: Any, outdir: Path, settings: dict) -> list[Path]:
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
            inputs = gather_inputs(dossier, endpoint, category, cohort, arm)
            seed = _arm_seed(s["seed"], endpoint, category, cohort, arm)
            if (endpoint, cohort) in curves and not category:
                results.append(ArmResult(inputs))
            else:
                results.append(run_models(inputs, s, seed))
        if (endpoint, cohort) in curves and not category:
            run_digitized(curves[(endpoint, cohort)], results, s)
        label_results[(endpoint, category, cohort)] = results
    _derive_pooled_events(dossier, label_results, s)

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
                written.append(write_table(out, outdir / "ipd" / f"{name}_{method}.csv"))
            for model, band in r.bands.items():
                name = f"{label}_{cohort}" + (f"_{r.inputs.arm}" if r.inputs.arm else "")
                written.append(write_table(band.assign(basis=sm.BASIS),
                                          outdir / "bands" / f"{name}_{model}.csv"))
        hrs += hr_rows(dossier, label, endpoint, cohort, results)
        if any(r.preferred() for r in results):
            paths = km_figure(label, cohort, results, outdir / f"km_{label}_{cohort}.png")
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
    (outdir / "assumptions.md").write_text(assumptions_text(s), encoding="utf-8")
    written.append(outdir / "assumptions.md")
    md = outdir / "km.md"
    md.write_text(fragment(dossier.trial.id, summary_df, hr_df, figures), encoding="utf-8")
    written.append(md)
    return written
