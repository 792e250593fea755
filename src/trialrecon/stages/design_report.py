"""The design stage's figures and its Markdown fragment for the report.

Power curves and rejection regions of the single-arm designs, and ``design.md``: the stated
design, the exact and Simon designs, the sensitivity table, the decision rule and which CI
method reproduces each printed interval.
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
from trialrecon.stages.design_tables import DesignResults, simon_table  # noqa: E402
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
