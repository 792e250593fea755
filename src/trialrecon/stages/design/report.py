"""The design stage's figures and its Markdown fragment for the report.

Power curves and rejection regions of the single-arm designs, and ``design.md``: the stated
design, the exact and Simon designs, the sensitivity table, the decision rule and which CI
method reproduces each printed interval; for randomized trials the power of each comparison
against the hazard ratio, and the section on events, power, detectable HRs, information
fractions, the transcribed design and its boundaries (:mod:`.plan`).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from trialrecon.report.figures import save_figure  # noqa: E402
from trialrecon.report.markdown import escape  # noqa: E402
from trialrecon.stages.design.tables import DesignResults, simon_table  # noqa: E402
from trialrecon.stats import proportions as pr  # noqa: E402

# ------------------------------------------------------------------------------------ figures


def power_curve_figure(oc: pd.DataFrame, res: DesignResults, path: Path) -> list[Path]:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    e = res.exact
    ax.plot(oc["p"], oc["exact_single_stage"], color="black",
            label=f"exact single stage: reject if >= {e.r} of {e.n}")
    styles = {"optimal": "--", "minimax": ":"}
    for kind, d in (res.simon or {}).items():
        ax.plot(oc["p"], oc[f"simon_{kind}"], linestyle=styles.get(kind, "-."),
                label=f"Simon {kind}: {d.r1}/{d.n1}, {d.r}/{d.n}")
    p = res.params
    for x, name in ((p.p0, "p0"), (p.p1, "p1")):
        ax.axvline(x, color="grey", linewidth=0.8)
        ax.text(x, 1.02, f"{name} = {x:g}", ha="center", va="bottom", fontsize=8)
    ax.axhline(p.power, color="tab:blue", linewidth=0.6, linestyle="--",
               label=f"target power {p.power:g}")
    ax.axhline(e.alpha, color="tab:red", linewidth=0.6, linestyle="--",
               label=f"attained alpha (single stage) {e.alpha:.3f}")
    ax.set_xlim(0, min(1.0, p.p1 * 2 + 0.1))
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("true response rate")
    ax.set_ylabel("probability of declaring success")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path, formats=("png", "svg"))


def rejection_region_figure(res: DesignResults, path: Path) -> list[Path]:
    e = res.exact
    k = np.arange(e.n + 1)
    top = int(min(e.n, max(e.r * 2, stats.binom.ppf(0.9999, e.n, res.params.p1))))
    k = k[: top + 1]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    width = 0.4
    for shift, p, color, name in ((-width / 2, res.params.p0, "tab:red", "H0"),
                                  (width / 2, res.params.p1, "tab:blue", "H1")):
        pmf = stats.binom.pmf(k, e.n, p)
        ax.bar(k + shift, pmf, width=width, color=color, alpha=0.35,
               label=f"{name}: Bin({e.n}, {p:g})")
        ax.bar(k[k >= e.r] + shift, pmf[k >= e.r], width=width, color=color, alpha=0.9)
    ax.axvspan(e.r - 0.5, top + 0.5, color="grey", alpha=0.12,
               label=f"rejection region: >= {e.r} responders")
    ax.set_xlabel(f"responders out of {e.n}")
    ax.set_ylabel("probability")
    ax.set_title(f"attained alpha {e.alpha:.3f}, power {e.power:.3f}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path, formats=("png", "svg"))


# ----------------------------------------------------------------------------------- Markdown


def _md_table(df: pd.DataFrame, columns: list[str], formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in df.iterrows():
        cells = []
        for c in columns:
            v = row[c]
            if c in formats and v is not None and not (isinstance(v, float) and math.isnan(v)):
                cells.append(format(v, formats[c]))
            else:
                cells.append(escape(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _sensitivity_pivot(sens: pd.DataFrame) -> str:
    """One row per calculation, one column per (alpha, sidedness, power); stated n in bold."""
    cols: list[tuple[float, str, float]] = list(
        dict.fromkeys(zip(sens["alpha"], sens["sided"], sens["power"], strict=True)))
    header = ["calculation"] + [
        f"alpha {a:g} {'1-sided' if sd == 'one_sided' else '2-sided'}, power {pw:g}"
        for a, sd, pw in cols]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for method in dict.fromkeys(sens["method"]):
        cells = [method]
        for a, sd, pw in cols:
            hit = sens[(sens["method"] == method) & (sens["alpha"] == a) & (sens["sided"] == sd)
                       & (sens["power"] == pw)]
            if not len(hit):
                cells.append("")
                continue
            n = int(hit.iloc[0]["n"])
            cells.append(f"**{n}**" if bool(hit.iloc[0]["reproduces_stated_n"]) else str(n))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _plausible_candidates(ci_summary: pd.DataFrame) -> pd.DataFrame:
    """Per printed CI, the (x, n) candidates consistent with the point estimate, if any."""
    if "point_estimate_consistent" not in ci_summary.columns:
        return ci_summary
    keep = []
    for _, g in ci_summary.groupby("ci_rows", sort=False):
        ok = g[g["point_estimate_consistent"] == True]  # noqa: E712 (column mixes "" and bools)
        keep.append(ok if len(ok) else g)
    return pd.concat(keep)


def _pct(p: float) -> str:
    return f"{100 * p:g}%"


def design_fragment(
    trial_id: str,
    res: DesignResults | None,
    missing: list[str],
    sens: pd.DataFrame | None,
    decision: pd.DataFrame | None,
    ci_summary: pd.DataFrame,
    prefix: str,
) -> str:
    out = ["## Design, power and confidence intervals", ""]
    if res is None:
        out += [f"No single-arm design is stated in the {trial_id} dossier "
                f"(missing: {'; '.join(missing)}), so no sample-size calculation is "
                "reproduced.", ""]
    else:
        p, e = res.params, res.exact
        ids = "; ".join(f"{q}: {' '.join(v)}" for q, v in p.row_ids.items())
        n_txt = f", n = {p.n_per_group} per group" if p.n_per_group is not None else ""
        out += [
            f"Stated design: p0 = {_pct(p.p0)}, p1 = {_pct(p.p1)}, alpha = {_pct(p.alpha)} "
            f"({p.sided.replace('_', '-')}), power = {_pct(p.power)}{n_txt} (rows {ids}).", "",
        ]
        out += [f"- {note}" for note in p.notes]
        out += ["", f"**Exact single-stage design (A'Hern 2001).** n = {e.n}: reject H0 when at "
                f"least r = {e.r} patients respond; attained alpha {e.alpha:.4f}, power "
                f"{e.power:.4f}.", ""]
        if res.simon:
            out += ["**Simon (1989) two-stage designs** (Simon's r: reject H0 when *more than* r "
                    "respond, so r + 1 responders are needed):", ""]
            out.append(_md_table(simon_table(res), ["kind", "r1", "n1", "r", "n", "expected_n",
                                                    "pet", "alpha_attained", "power_attained"],
                                 {"expected_n": ".1f", "pet": ".2f", "alpha_attained": ".4f",
                                  "power_attained": ".4f"}))
            out.append("")
            out += [f"Note: {n}", ""] if (n := next((d.note for d in res.simon.values()
                                                      if d.note), "")) else []
        elif res.simon_error:
            out += [f"Simon two-stage: {res.simon_error}.", ""]
        if sens is not None and len(sens):
            hits = sens[sens["reproduces_stated_n"]]
            if p.n_per_group is not None:
                if len(hits):
                    which = "; ".join(
                        f"{r.method} (alpha {r.alpha:g} {r.sided.replace('_', '-')}, power "
                        f"{r.power:g})" for r in hits.itertuples())
                    out += [f"Calculations giving the stated n = {p.n_per_group}: {which}.", ""]
                else:
                    out += [f"No calculation in the sensitivity table gives the stated "
                            f"n = {p.n_per_group}.", ""]
            out += ["Sample size by calculation and assumption (bold: the stated n; critical "
                    "counts in `sensitivity.csv`):", ""]
            out.append(_sensitivity_pivot(sens))
            out.append("")
        if decision is not None and len(decision):
            out += ["**Decision rule applied to what each cohort observed** (responders = CR + "
                    f"PR; exact one-sided P value under p0 = {_pct(p.p0)}):", ""]
            cols = ["cohort", "responders", "denominator", "n", "ahern_r", "meets_ahern_r",
                    "p_value_exact_one_sided", "significant", "responder_rows",
                    "denominator_rows"]
            out.append(_md_table(decision, cols, {"p_value_exact_one_sided": ".3g"}))
            out.append("")
        elif decision is not None:
            out += ["No cohort has best-response counts and a denominator to apply the rule "
                    "to.", ""]
        out += [f"![Power curve]({prefix}power_curve.png)", "",
                f"![Binomial distributions under p0 and p1]({prefix}rejection_region.png)", ""]
    out += ["**Confidence intervals of proportions: which method reproduces the printed "
            "bounds** (both bounds within rounding of the printed digits).", ""]
    if len(ci_summary):
        ci_summary = _plausible_candidates(ci_summary)
        cols = ["ci_rows", "cohort", "arm", "quantity", "reported_low", "reported_high", "x",
                "n", "matching_methods", "closest_method", "closest_distance"]
        out.append(_md_table(ci_summary, [c for c in cols if c in ci_summary.columns],
                             {"closest_distance": ".2f"}))
        out += ["", "Only the counts whose rate rounds to the printed point estimate are shown "
                "when there are such counts; `ci_methods.csv` lists every candidate count and "
                "denominator, `ci_bounds.csv` every method's bounds.",
                "", "Method names: " + "; ".join(f"`{k}` {v}"
                                                  for k, v in pr.METHOD_LABELS.items()) + "."]
    else:
        out.append("The dossier prints no confidence interval of a proportion.")
    out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ randomized comparisons


def _esc(text: object) -> str:
    """Text from the dossier in a Markdown table: no table breaks, raw HTML or emphasis."""
    s = "" if text is None else str(text)
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("*", "\\*"),
                 ("_", "\\_"), ("`", "\\`"), ("[", "\\["), ("]", "\\]"), ("\n", " ")):
        s = s.replace(a, b)
    return s


def _num(x: object, fmt: str) -> str:
    if x is None or x == "" or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, int | float | np.integer | np.floating):
        return format(float(x), fmt)
    return _esc(x)


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def events_power_figure(curves: list[dict], relevant_hr: float, target_powers: list[float],
                        path: Path) -> list[Path]:
    """Power of each comparison (at its chosen data cut) against the true hazard ratio."""
    shown = curves[:10]
    fig, ax = plt.subplots(figsize=(7.5, 4.6 + 0.22 * len(shown)))
    for i, c in enumerate(shown):
        implied = not str(c["basis"]).startswith("printed")
        events = (f"~{c['events']:.0f} events from the CI" if implied
                  else f"{c['events']:.0f} events")
        label = str(c["label"]).replace("$", r"\$")  # text from the dossier: no mathtext
        line, = ax.plot(c["grid"], c["power"], linewidth=1.4, label=f"{label} ({events})")
        if math.isfinite(c["hr"]) and 0.2 <= c["hr"] < 1:
            y = float(np.interp(c["hr"], c["grid"], c["power"]))
            ax.plot([c["hr"]], [y], "o", color=line.get_color(), markersize=5,
                    zorder=3 + i)
    ax.axvline(relevant_hr, color="grey", linestyle="--", linewidth=0.8)
    ax.text(relevant_hr, 1.02, f"relevant HR {relevant_hr:g}", ha="center", va="bottom",
            fontsize=8)
    for p in target_powers:
        ax.axhline(p, color="grey", linestyle=":", linewidth=0.7)
    ax.set_xscale("log")
    ax.set_xlim(0.2, 1.0)
    ticks = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("true hazard ratio (log scale)")
    ax.set_ylabel("power (Schoenfeld)")
    ax.set_title("Power with the events behind each printed hazard ratio (dot: the HR observed)",
                 fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=7, frameon=False)
    fig.tight_layout()
    return save_figure(fig, path, formats=("png", "svg"))


def _hr_ci(r: dict) -> str:
    text = _num(r["hr"], ".2f")
    if math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"]):
        text += f" ({r['ci_low']:.2f}-{r['ci_high']:.2f})"
    return text


def _events_text(r: dict) -> str:
    if not math.isfinite(r["events"]):
        return "unknown"
    if r["events_basis"].startswith("printed"):
        return f"{r['events']:.0f}"
    return f"~{r['events']:.0f} (CI)"


def _alpha_text(r: dict) -> str:
    return f"{r['alpha']:g} {str(r['sided']).replace('_', '-')}"


def _cut_text(name: object) -> str:
    return _esc(name) if name else "not named"


def _power_section(power: pd.DataFrame, powers: list[float], relevant: float) -> list[str]:
    sch = power[(power["method"] == "schoenfeld") & power["chosen"].astype(bool)]
    if sch.empty:
        return []
    det = [f"detectable_hr_power_{round(100 * p):d}" for p in powers]
    header = ["comparison", "data cut", "HR (95% CI)", "events", "allocation", "alpha",
              "power at the observed HR", f"power at HR {relevant:g}",
              *[f"HR detectable, {100 * p:g}% power" for p in powers]]
    rows = [[_esc(r["comparison"]), _cut_text(r["data_cut"]), _hr_ci(r), _events_text(r),
             _esc(r["ratio_basis"]), _alpha_text(r), _num(r["power_observed_hr"], ".2f"),
             _num(r["power_relevant_hr"], ".2f"), *[_num(r[c], ".2f") for c in det]]
            for r in sch.to_dict("records")]
    by_basis: dict[str, list[str]] = {}
    for e, b in zip(sch["endpoint"], sch["alpha_basis"], strict=True):
        ends = by_basis.setdefault(str(b), [])
        if str(e).upper() not in ends:
            ends.append(str(e).upper())
    bases = "; ".join(f"{' and '.join(e)} from {_esc(b)}" for b, e in by_basis.items())
    return [
        "Power and detectable hazard ratios by Schoenfeld's (1983) formula, for the data cut "
        f"the selection policy chooses, against a clinically relevant HR of {relevant:g} "
        f"(`design.relevant_hr`); alpha: {bases}. Events are the counts the dossier "
        "prints for the two arms at the same data cut; where none are printed, \"~n (CI)\" is "
        "the number the width of the printed 95% CI implies (Parmar et al. 1998; "
        "`events_by_cut.csv` gives the range the CI's rounding allows). Every data cut and "
        "Freedman's (1982) values are in `events_power.csv`.", "",
        _table(rows, header), "",
        "Power at the observed HR is a function of the P value alone (Hoenig and Heisey "
        "2001): it says how surprising the result was, not how well the trial was designed; "
        "the detectable HRs and the power at the relevant HR are the design questions.", "",
    ]


def _cut_section(by_cut: pd.DataFrame) -> list[str]:
    multi = by_cut.groupby("comparison")["cut_key"].transform("nunique") > 1
    rows = by_cut[multi | (by_cut["fraction_basis"].str.startswith("of the planned"))]
    if rows.empty:
        return []
    table = [[_esc(r["comparison"]), _cut_text(r["data_cut"]), _hr_ci(r), _events_text(r),
              _num(r["information_fraction"], ".2f"), _esc(r["fraction_basis"])]
             for r in rows.to_dict("records")]
    return ["**Information fraction at each reported data cut**:", "",
            _table(table, ["comparison", "data cut", "HR (95% CI)", "events",
                           "information fraction", "relative to"]), ""]


def _check_section(check: pd.DataFrame) -> list[str]:
    if check.empty:
        return []
    rows = []
    for r in check.to_dict("records"):
        fmt = ".4f" if isinstance(r["computed"], float) and abs(r["computed"]) < 2 else ".1f"
        rows.append([_esc(r["endpoint"]).upper(), _esc(r["item"]), _esc(r["method"]),
                     _num(r["stated"], "g"), _num(r["computed"], fmt), _num(r["reproduces"], ""),
                     _esc(r["basis"]), _esc(r["row_ids"])])
    return ["**The transcribed design, recomputed from its printed numbers**:", "",
            _table(rows, ["endpoint", "item", "method", "stated", "computed", "reproduces",
                          "assumptions", "rows"]), ""]


def _boundary_section(bounds: pd.DataFrame) -> list[str]:
    if bounds.empty:
        return []
    rows = [[_esc(r["endpoint"]).upper(), _esc(r["analysis"]), _num(r["fraction"], ".3f"),
             _num(r["planned_events"], ".0f"), _num(r["z"], ".3f"),
             _num(r["nominal_p_two_sided"] if r["nominal_p_two_sided"] != "" and math.isfinite(
                 float(r["nominal_p_two_sided"])) else r["nominal_p_one_sided"], ".4f"),
             _num(r["hr_boundary"], ".3f"), _num(r["alpha_spent"], ".4f"),
             _esc(r["observed_cut"]), _num(r["observed_events"], ".0f"),
             _num(r["observed_hr"], ".2f"), _num(r["observed_z"], ".2f"),
             _num(r["crossed"], "")] for r in bounds.to_dict("records")]
    return ["**Group-sequential efficacy boundaries of the planned analyses** (Lan-DeMets "
            "spending; nominal P two-sided for a two-sided design; a reported analysis is "
            "placed at the planned look whose events are within 5% of its own):", "",
            _table(rows, ["endpoint", "analysis", "information fraction", "planned events",
                          "Z boundary", "nominal P", "HR boundary", "cumulative alpha",
                          "reported analysis", "events", "HR", "Z", "crossed"]), ""]


def events_fragment(tables, relevant: float, powers: list[float], prefix: str) -> str:
    """The Markdown section on randomized comparisons (``tables``: plan.EventsTables)."""
    out = ["### Randomized comparisons: what the printed numbers imply", ""]
    if tables.by_cut.empty:
        out += ["The dossier prints no hazard ratio between two arms.", ""]
    out += _power_section(tables.power, powers, relevant)
    out += _cut_section(tables.by_cut)
    out += _check_section(tables.check)
    out += _boundary_section(tables.boundaries)
    out += [f"- {_esc(n)}" for n in tables.notes]
    if tables.notes:
        out.append("")
    if tables.curves:
        out += [f"![Power against the hazard ratio]({prefix}events_power_curve.png)", ""]
    return "\n".join(out)
