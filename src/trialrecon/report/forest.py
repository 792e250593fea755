"""Forest plots and rate plots: one row per estimate, its CI, and its numbers beside it.

Drawn from plain tables (pandas DataFrames with the columns the cross-trial stage writes):
hazard ratios on a log axis with a line at 1, rates in percent with single-arm p0/p1 marks.
Figures are a journal's double column wide (7 in) with every text at least 7 pt; the label
column, the plot and the text columns are sized from the measured widths of their texts, and
labels too long for the column end with an ellipsis (the CSV has them whole), so no two texts
overlap. A rate reads in words: ``12 of 64: 18%`` (``printed 18%, 12/64 is 18.8%`` when the
count does not give the printed rate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from trialrecon.report.figures import ROLE_COLORS, apply_style  # noqa: E402
from trialrecon.report.kmplot import DOUBLE_COLUMN, text_width  # noqa: E402
from trialrecon.report.names import short_arm_label  # noqa: E402

FONT = 7.5  # points: labels, numbers and legend; the title 9
ROW_IN = 0.2  # inches per row


@dataclass(frozen=True)
class PlotRow:
    label: str
    estimate: float = math.nan
    low: float = math.nan
    high: float = math.nan
    text: str = ""
    header: bool = False
    style: str = "main"  # main | updated | experimental | comparator | single_arm
    group: str = ""
    extra: tuple[str, ...] = ()


_STYLE = {
    "main": ("s", "black", "black"),
    "updated": ("D", "none", "dimgray"),
    "experimental": ("o", ROLE_COLORS["experimental"], ROLE_COLORS["experimental"]),
    "comparator": ("o", ROLE_COLORS["comparator"], ROLE_COLORS["comparator"]),
    "single_arm": ("o", ROLE_COLORS["single_arm"], ROLE_COLORS["single_arm"]),
}


def _draw_rows(ax: Any, rows: Sequence[PlotRow]) -> None:
    n = len(rows)
    for i, r in enumerate(rows):
        y = n - 1 - i
        if r.header or math.isnan(r.estimate):
            continue
        marker, face, edge = _STYLE[r.style]
        if not (math.isnan(r.low) or math.isnan(r.high)):
            ax.plot([r.low, r.high], [y, y], color=edge, lw=1.3,
                    ls="--" if r.style == "updated" else "-")
        ax.plot([r.estimate], [y], marker=marker, ms=6, mfc=face, mec=edge, color=edge, ls="")
    ax.set_yticks(range(n))
    ax.set_yticklabels([r.label for r in reversed(rows)], fontsize=FONT)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=FONT)
    for tick, r in zip(ax.get_yticklabels(), reversed(rows), strict=True):
        if r.header:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, n - 0.3)


def _column_widths(rows: Sequence[PlotRow], headers: Sequence[str]) -> list[float]:
    """Inches each text column needs: its widest text or header line, and a gap."""
    widths = []
    for k, h in enumerate(headers):
        texts = [(r.text, *r.extra)[k] for r in rows if len((r.text, *r.extra)) > k]
        head = max((text_width(line, FONT, bold=True) for line in h.split("\n")), default=0)
        widths.append(max([head, *(text_width(t, FONT) for t in texts)]) + 0.15)
    return widths


def _text_columns(ax: Any, rows: Sequence[PlotRow], headers: Sequence[str],
                  widths: Sequence[float], plot_in: float) -> None:
    """Right-hand text columns: the numbers of each row, printed beside it."""
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    n = len(rows)
    xs, x = [], 1.0 + 0.12 / plot_in
    for w in widths:
        xs.append(x)
        x += w / plot_in
    for x, h in zip(xs, headers, strict=True):
        ax.text(x, n - 0.4, h, transform=trans, fontsize=FONT, fontweight="bold", va="bottom")
    for i, r in enumerate(rows):
        y = n - 1 - i
        for x, t in zip(xs, (r.text, *r.extra), strict=False):
            ax.text(x, y, t, transform=trans, va="center", fontsize=FONT,
                    color="dimgray" if r.style == "updated" else "black")


def _fit_label(label: str, width: float, bold: bool) -> str:
    if text_width(label, FONT, bold) <= width:
        return label
    while len(label) > 4 and text_width(label + "...", FONT, bold) > width:
        label = label[:-1]
    return label.rstrip() + "..."


def _figure(rows: list[PlotRow], widths: Sequence[float], legend: bool,
            width: float = DOUBLE_COLUMN) -> tuple[Any, Any, float]:
    """A figure ``width`` inches wide: labels on the left, the plot, text columns right.

    The text columns take what they need, the plot at least 1.6 in, the labels the rest (cut
    with an ellipsis when longer); rows are shortened in place. Returns the plot's width.
    """
    apply_style()
    text_in = sum(widths) + 0.15
    need = max((text_width(r.label, FONT, r.header) for r in rows), default=1.0) + 0.12
    label_in = min(need, max(1.2, width - text_in - 1.6 - 0.15))
    plot_in = max(1.6, width - text_in - label_in - 0.15)
    width = max(width, label_in + plot_in + text_in + 0.15)
    for i, r in enumerate(rows):
        rows[i] = PlotRow(**{**r.__dict__, "label": _fit_label(r.label, label_in - 0.1,
                                                               r.header)})
    top_in, bottom_in = 0.62, 0.45 + (0.42 if legend else 0.0)
    height = top_in + bottom_in + ROW_IN * len(rows)
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(left=(label_in + 0.05) / width,
                        right=(label_in + 0.05 + plot_in) / width,
                        top=1 - top_in / height, bottom=bottom_in / height)
    return fig, ax, plot_in


def _legend_below(fig: Any, ax: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        per_col = max(text_width(x, FONT) for x in labels) + 0.5
        ncol = max(1, min(len(handles), int(fig.get_figwidth() / per_col)))
        fig.legend(handles, labels, loc="lower left", ncol=ncol, fontsize=FONT,
                   frameon=False, bbox_to_anchor=(0.01, 0.0))


def _log_axis(ax: Any, rows: Sequence[PlotRow], xlabel: str) -> None:
    vals = [v for r in rows for v in (r.low, r.high, r.estimate) if not math.isnan(v)] or [1.0]
    lo, hi = min([*vals, 1.0]) / 1.25, max([*vals, 1.0]) * 1.25
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if lo <= t <= hi]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.axvline(1.0, color="gray", lw=1, zorder=0)
    ax.set_xlabel(xlabel, fontsize=FONT)


def _short(label: str) -> str:
    """A label as it is; :func:`_figure` cuts it to the width of the label column."""
    return label


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _hr_rows(table: pd.DataFrame, by_setting: bool) -> list[PlotRow]:
    rows: list[PlotRow] = []
    last = None
    for _, r in table.iterrows():
        if by_setting and r["setting"] != last:
            rows.append(PlotRow(label=_short(_first_upper(str(r["setting"]))), header=True))
            last = r["setting"]
        label = r["subgroup"] if not by_setting else r["label"]
        if r["endpoint"] not in ("PFS", ""):
            label += f" ({r['endpoint']})"
        if r["updated"]:
            label = f"    updated: {r.get('data_cut') or r['location']}"
        extra = tuple(str(r[c]) for c in table.columns if c.startswith("events_"))
        rows.append(PlotRow(label=_short(label), estimate=r["estimate"], low=r["ci_low"],
                            high=r["ci_high"], text=r["text"],
                            style="updated" if r["updated"] else "main", extra=extra))
    return rows


def hazard_ratio_figure(table: pd.DataFrame, title: str, by_setting: bool = True) -> Any:
    """A forest plot (log x axis, line at 1, numbers beside each row) of an HR table."""
    rows = _hr_rows(table, by_setting)
    events = [c for c in table.columns if c.startswith("events_")]
    headers = ["HR (95% CI)", *[f"{c.removeprefix('events_')}\nevents/N" for c in events]]
    updated = bool(table["updated"].any())
    widths = _column_widths(rows, headers)
    fig, ax, plot_in = _figure(rows, widths, legend=updated)
    _draw_rows(ax, rows)
    _log_axis(ax, rows, "Hazard ratio (log scale); < 1 favours the experimental arm")
    _text_columns(ax, rows, headers, widths, plot_in)
    fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    if updated:
        ax.plot([], [], marker="D", mfc="none", mec="dimgray", ls="--", color="dimgray",
                label="a later data cut, or an update of the value (update_note in the CSV)")
        _legend_below(fig, ax)
    return fig


def _rate_rows(table: pd.DataFrame) -> list[PlotRow]:
    rows: list[PlotRow] = []
    last = None
    several_quantities = table["quantity"].nunique() > 1
    for _, r in table.iterrows():
        if r["trial"] != last:
            rows.append(PlotRow(label=str(r["trial_label"]), header=True, group=r["trial"]))
            last = r["trial"]
        # The row label without the trial name, which heads the block.
        label = "  " + (" | ".join(short_arm_label(x) for x in r["label"].split(" | ")[1:])
                        if " | " in r["label"] else "all patients")
        if several_quantities:
            label += f" [{r['quantity']}]"
        if r["updated"]:
            label = f"    updated: {r.get('data_cut') or r['location']}"
        label = _short(label)
        style = "updated" if r["updated"] else (r["arm_role"] or "single_arm")
        rows.append(PlotRow(label=label, estimate=r["rate_percent"], low=r["ci_low"],
                            high=r["ci_high"], text=rate_words(r), style=style,
                            group=r["trial"], extra=(_ci_words(r),)))
    return rows


def _number(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def rate_words(r: Any) -> str:
    """``12 of 64: 18%``; when the count does not give the printed rate, both:
    ``printed 18%; 12 of 64 is 18.8%``. The printed rate keeps its digits as printed."""
    printed = str(r.get("printed", "") or "")
    count, n = _number(r.get("count")), _number(r.get("n"))
    rate = f"{printed}%" if printed else ""
    if count is None or n is None or not n:
        return rate
    frac = f"{int(count)} of {int(n)}"
    if str(r.get("count_reproduces_printed", "True")) in ("False", "false", "0"):
        return f"printed {rate}; {frac} is {100 * count / n:.1f}%"
    return f"{frac}: {rate}" if rate else frac


def _ci_words(r: Any) -> str:
    low, high = _number(r.get("ci_low")), _number(r.get("ci_high"))
    return "" if low is None or high is None else f"{low:.1f} to {high:.1f}"


def rate_figure(table: pd.DataFrame, title: str, xlabel: str,
                hypotheses: pd.DataFrame | None = None) -> Any:
    """Rates with exact CIs, one row per trial, cohort and arm; single-arm p0/p1 marked."""
    rows = _rate_rows(table)
    headers = ["Responders: rate", "95% CI"]
    widths = _column_widths(rows, headers)
    fig, ax, plot_in = _figure(rows, widths, legend=True)
    _draw_rows(ax, rows)
    top = max([v for r in rows for v in (r.high, r.estimate) if not math.isnan(v)] or [10.0])
    ax.set_xlim(-1, min(100.0, top * 1.1 + 5))
    ax.set_xlabel(xlabel, fontsize=FONT)
    ax.grid(axis="x", color="0.9", zorder=0)
    _text_columns(ax, rows, headers, widths, plot_in)
    n = len(rows)
    styles = {"p0": ("--", "0.35"), "p1": (":", "#009E73")}
    names = dict(zip(table["trial"], table["trial_label"], strict=False))
    for _, h in (hypotheses if hypotheses is not None else pd.DataFrame()).iterrows():
        ys = [n - 1 - i for i, r in enumerate(rows) if r.group == h["trial"]]
        if not ys:
            continue
        ls, color = styles.get(h["name"], ("-.", "black"))
        ax.plot([h["percent"], h["percent"]], [min(ys) - 0.4, max(ys) + 0.4], ls=ls,
                color=color, lw=1.4,
                label=f"{names.get(h['trial'], h['trial'])} {h['name']} = {h['printed']}%")
    roles = sorted({r.style for r in rows if not r.header})
    for role in roles:
        marker, face, edge = _STYLE[role]
        ax.plot([], [], marker=marker, mfc=face, mec=edge, ls="", color=edge,
                label=role.replace("_", " "))
    _legend_below(fig, ax)
    fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    return fig


def _effect_rows(table: pd.DataFrame) -> list[PlotRow]:
    rows: list[PlotRow] = []
    last = None
    for _, r in table.iterrows():
        if r["trial"] != last:
            rows.append(PlotRow(label=_short(str(r["trial_label"])), header=True))
            last = r["trial"]
        label = "  " + str(r["label"])
        if r["updated"]:
            label = f"    updated: {r.get('data_cut') or r['location']}"
        rows.append(PlotRow(label=_short(label), estimate=r["estimate"], low=r["ci_low"],
                            high=r["ci_high"], text=str(r["text"]),
                            style="updated" if r["updated"] else "main"))
    return rows


def effect_measures_figure(table: pd.DataFrame, title: str,
                           labels: dict[str, str] | None = None) -> Any:
    """Risk ratios, odds ratios and risk differences: one panel per measure.

    Ratios on a log axis with a line at 1, differences on a linear axis with a line at 0 (in
    the unit the trials print, percentage points or proportions, named on the axis); the
    numbers as printed beside each row. Rows are grouped under the trial's name.
    """
    labels = labels or {}
    measures = list(dict.fromkeys(table["measure"]))
    panels = [(m, _effect_rows(table[table["measure"] == m])) for m in measures]
    apply_style()
    label_in = 0.4 + 0.075 * max((len(r.label) * (1.12 if r.header else 1.0)
                                  for _, rows in panels for r in rows), default=10)
    plot_in, text_in = 4.2, 2.3
    top_in, gap_in, bottom_in = 0.75, 1.0, 0.2
    heights = [0.3 * len(rows) for _, rows in panels]
    width = label_in + plot_in + text_in
    height = top_in + sum(heights) + gap_in * len(panels) + bottom_in
    fig = plt.figure(figsize=(width, height))
    axes, y = [], height - top_in
    for h in heights:  # panels stacked top to bottom, each with room for its x label
        y -= h
        axes.append(fig.add_axes((label_in / width, y / height, plot_in / width, h / height)))
        y -= gap_in
    for ax, (measure, rows) in zip(axes, panels, strict=True):
        _draw_rows(ax, rows)
        name = labels.get(measure, measure.replace("_", " "))
        if measure == "risk_difference":
            units = sorted({str(u) for u in table.loc[table["measure"] == measure, "unit"]})
            ax.axvline(0.0, color="gray", lw=1, zorder=0)
            ax.set_xlabel(f"{name} ({', '.join(u.replace('_', ' ') for u in units)})")
            ax.grid(axis="x", color="0.9", zorder=0)
        else:
            _log_axis(ax, rows, f"{name} (log scale); 1 = no difference")
        _text_columns(ax, rows, [f"{name} (CI)"])
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    return fig
