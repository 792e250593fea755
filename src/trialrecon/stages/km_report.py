"""The Kaplan-Meier stage's figures, its Markdown fragment and its list of assumptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from trialrecon.report.figures import save_figure  # noqa: E402
from trialrecon.report.markdown import escape  # noqa: E402
from trialrecon.stats import survmodel as sm  # noqa: E402

if TYPE_CHECKING:
    from trialrecon.stages.km import ArmResult

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
            # a median printed outside its own CI is a paper error the report flags; the
            # figure still draws it, with the bar from the CI's nearer end
            ax.errorbar([s_in.median], [0.5], xerr=[[max(s_in.median - lo, 0.0)],
                                                    [max(hi - s_in.median, 0.0)]],
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
        lines.append("| " + " | ".join(escape(_fmt(d.get(c))) for c in cols) + " |")
    if not hrs.empty:
        lines += ["", "Hazard ratios of the pseudo data against the reported ones:", ""]
        hc = ["endpoint", "cohort", "method", "hr_rebuilt", "hr_low_rebuilt", "hr_high_rebuilt",
              "p_logrank_rebuilt", "hr_reported", "hr_low_reported", "hr_high_reported",
              "p_reported"]
        lines.append("| " + " | ".join(hc) + " |")
        lines.append("|" + "---|" * len(hc))
        for row in hrs.itertuples(index=False):
            d = row._asdict()
            lines.append("| " + " | ".join(escape(_fmt(d.get(c))) for c in hc) + " |")
    if figures:
        lines += ["", "Figures: " + ", ".join(f"`km/{f}`" for f in figures)]
    return "\n".join(lines) + "\n"


def assumptions_text(s: dict[str, Any]) -> str:
    lines = ["# Assumptions of the model-based reconstruction", ""]
    lines += [f"- {a}" for a in sm.ASSUMPTIONS]
    lines += ["", "Settings: " + ", ".join(f"{k} = {v}" for k, v in sorted(s.items())), ""]
    return "\n".join(lines)
