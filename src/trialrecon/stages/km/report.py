"""The Kaplan-Meier stage's figures, its Markdown fragment and its list of assumptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from trialrecon.report.markdown import escape
from trialrecon.stats import survmodel as sm

if TYPE_CHECKING:
    from trialrecon.stages.km.models import EndpointResult

# --------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------


def _printed(summary: sm.Summary | None) -> Any:
    from trialrecon.report.kmplot import Printed

    if summary is None:
        return Printed()
    return Printed(summary.median, summary.median_not_reached, summary.ci_low, summary.ci_high,
                   summary.ci_high_not_reached)


def _hr_notes(result: EndpointResult, method: str,
              labels: dict[str, str] | None = None) -> list[str]:
    """HR (95% CI) and log-rank P of the shown pseudo data, and the printed ones."""
    from trialrecon.report.kmplot import fmt_p
    from trialrecon.stages.km.models import comparison_rebuilt

    labels = labels or {}
    lines = []
    for h in result.hrs:
        reb = comparison_rebuilt(result, method, h)
        if not reb:
            continue
        lines.append(f"{labels.get(h.hr.experimental, h.hr.experimental)} vs "
                     f"{labels.get(h.hr.comparator, h.hr.comparator)}:")
        lines.append(f"  rebuilt HR {reb['hr']:.2f} ({h.hr.level:.0%} CI {reb['hr_ci_low']:.2f}-"
                     f"{reb['hr_ci_high']:.2f}); log-rank P {fmt_p(reb['p_logrank'])}")
        if h.hr.estimate is not None:
            half = h.hr.half_units
            ci = (f" ({_as_printed(h.hr.ci_low, half.get('hr_ci_low'))}-"
                  f"{_as_printed(h.hr.ci_high, half.get('hr_ci_high'))})"
                  if h.hr.ci_low is not None and h.hr.ci_high is not None else "")
            p = ("" if h.p_value is None else
                 f"; P {h.p_comparator if h.p_comparator not in ('', '=') else '='} "
                 f"{_decimal(h.p_value)}")
            lines.append(f"  printed HR {_as_printed(h.hr.estimate, half.get('hr'))}{ci}{p}")
    return lines


def _as_printed(x: float, half: float | None) -> str:
    """A printed number with the decimals it was printed with (0.80 stays 0.80): its half
    unit says how many; without one, as short as it reads."""
    if not half or half <= 0 or half >= 0.5:
        return f"{x:g}" if not half else f"{x:.0f}"
    return f"{x:.{max(0, round(-math.log10(2 * half)))}f}"


def _decimal(x: float) -> str:
    """A printed number as a decimal, never in exponent notation: 1e-05 is 0.00001."""
    return f"{x:g}" if x >= 1e-4 else f"{x:.12f}".rstrip("0")


def figure_labels(trial: Any) -> dict[str, str]:
    """How a figure names arms and cohorts: labels without doses (``Cabozantinib``)."""
    from trialrecon.report.names import short_arm_label

    return {**{c.id: c.label for c in trial.cohorts},
            **{a.id: short_arm_label(a.label) for a in (*trial.arms, *trial.pooled_arms)}}


def km_figure(result: EndpointResult, roles: dict[str, str], path: Path,
              s: dict[str, Any], description: str = "",
              labels: dict[str, str] | None = None) -> list[Path]:
    """The journal-style figure of one endpoint's shown method (:mod:`trialrecon.report.kmplot`).

    ``labels`` name arms and cohorts in the figure (:func:`figure_labels`); the data cut of
    the printed numbers is named under it.
    """
    labels = labels or {}
    from trialrecon.report.figures import save_figure
    from trialrecon.report.kmplot import Curve, KMPlot, km_plot, y_label
    from trialrecon.stages.km.models import method_name

    method = result.chosen()
    curves = []
    for r in result.arms:
        ipd = r.ipd.get(method) if method else None
        if ipd is None:
            continue
        band = clicks = None
        if method == "guyot" and r.guyot is not None:
            clicks = (r.guyot.clicks["time"].to_numpy(), r.guyot.clicks["survival"].to_numpy())
        elif method in r.bands:
            b = r.bands[method]
            band = (b["time"].to_numpy(), b["band_low"].to_numpy(), b["band_high"].to_numpy())
        name = labels.get(r.arm, r.arm) if r.arm else labels.get(r.inputs.cohort,
                                                                   r.inputs.cohort)
        curves.append(Curve(name, roles.get(r.arm, "single_arm"), ipd["time"].to_numpy(),
                            ipd["event"].to_numpy(), band, clicks, _printed(r.inputs.summary),
                            estimate=r.curves.get(method)))
    if not curves:
        return []
    if method == "guyot":
        kind = "Guyot reconstruction of the digitized curve"
    elif method == "mixture":
        kind = "MODEL-BASED mixture of its cohorts' reconstructions, not data"
    else:
        kind = f"MODEL-BASED reconstruction ({method_name(method)}), not data"
    notes = [f"Shown: {method_name(method)}"]
    if result.choice and result.choice.total:
        notes[0] += f" (meets {result.choice.met} of {result.choice.total} printed numbers)"
    if method == "joint" and result.joint is not None:
        notes.append(f"proportional hazards, shared Weibull shape {result.joint.shape:.2f}")
    notes += _hr_notes(result, method, labels)
    plot = KMPlot(
        title=f"{result.label.upper()} - {result.cohort}: {kind}",
        ylabel=y_label(result.endpoint, description),
        curves=tuple(curves), notes=tuple(notes),
        band_label=f"model: 95% band of {s['draws']} simulated trials",
        conf_type=s["ci_type"], show_events=bool(s["figure_events"]),
        data_cut=next((r.inputs.data_cut_name for r in result.arms
                       if r.inputs.data_cut_name), ""))
    return save_figure(km_plot(plot), path, formats=tuple(s["figure_formats"]),
                       png_compression=1)


# --------------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------------


def _fmt(x: Any, digits: int = 3) -> str:
    """A number or text of a table cell, escaped: text from data is never markup."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and math.isinf(x):
        return "NR"
    if isinstance(x, bool):
        return "yes" if x else ""
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return escape(x)


def _cell(d: dict[str, Any], col: str) -> str:
    """A cell; a printed number keeps all its digits (26.47, not 26.5) and its comparator."""
    x = d.get(col)
    if col.endswith("_reported") and isinstance(x, float) and math.isfinite(x):
        text = f"{x:.15g}"
        comparator = str(d.get("p_comparator") or "") if col == "p_reported" else ""
        return f"{escape(comparator)} {text}" if comparator not in ("", "=", "nan") else text
    return _fmt(x)


def _table(frame: pd.DataFrame, cols: list[str]) -> list[str]:
    cols = [c for c in cols if c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        d = row._asdict()
        lines.append("| " + " | ".join(_cell(d, c) for c in cols) + " |")
    return lines


def fragment(trial_id: str, summary: pd.DataFrame, hrs: pd.DataFrame, choice: pd.DataFrame,
             hr_sims: pd.DataFrame, figures: list[str]) -> str:
    lines = [f"### Kaplan-Meier reconstruction: {trial_id}", ""]
    lines.append("Rows with method `model:*` are **model-based reconstructions, not data**: "
                 "parametric curves calibrated to the published median, CI, N, events, landmark "
                 "rates, accrual and follow-up under the assumptions listed in "
                 "`km/assumptions.md`; `model:joint` fits the arms together under proportional "
                 "hazards so that the printed hazard ratio is met too. Rows with method `guyot` "
                 "are rebuilt from a digitized figure (Guyot et al. 2012). The figure of each "
                 "endpoint shows the method marked `chosen`.")
    lines.append("")
    lines += _table(summary, ["endpoint", "cohort", "arm", "method", "chosen", "status", "n",
                              "median_reported", "ci_low_reported", "ci_high_reported",
                              "median_rebuilt", "ci_low_rebuilt", "ci_high_rebuilt", "missing"])
    if not choice.empty:
        lines += ["", "Method shown per endpoint, and why:", ""]
        for row in choice.itertuples(index=False):
            lines.append(f"- {escape(row.endpoint.upper())} {escape(row.cohort)}: "
                         f"{_fmt(row.reason)}")
    if not hrs.empty:
        lines += ["", "Hazard ratios of the pseudo data against the printed ones:", ""]
        lines += _table(hrs, ["endpoint", "cohort", "experimental", "comparator", "method",
                              "chosen", "hr_rebuilt", "hr_low_rebuilt", "hr_high_rebuilt",
                              "p_logrank_rebuilt", "hr_reported", "hr_low_reported",
                              "hr_high_reported", "p_reported"])
    if not hr_sims.empty:
        said = [t for t in hr_sims["statement"].tolist() if isinstance(t, str) and t]
        if said:
            lines += ["", "The printed hazard ratio among simulated trials "
                      "(`hr_simulation.csv`):", ""]
            lines += [f"- {escape(t)}" for t in said]
    if figures:
        lines += ["", "Figures: " + ", ".join(f"`km/{f}`" for f in figures)]
    return "\n".join(lines) + "\n"


def assumptions_text(s: dict[str, Any]) -> str:
    lines = ["# Assumptions of the model-based reconstruction", ""]
    lines += [f"- {a}" for a in sm.ASSUMPTIONS]
    lines += ["", "Settings: " + ", ".join(f"{k} = {v}" for k, v in sorted(s.items())), ""]
    return "\n".join(lines)
