"""Forest plots and rate plots: one row per estimate, its CI, and its numbers beside it.

Drawn from plain tables (pandas DataFrames with the columns the cross-trial stage writes):
hazard ratios on a log axis with a line at 1, rates in percent with single-arm p0/p1 marks.
Figures are sized in inches from the number of rows and the longest label, so they stay
readable with many trials.
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
    ax.set_yticklabels([r.label for r in reversed(rows)])
    for tick, r in zip(ax.get_yticklabels(), reversed(rows), strict=True):
        if r.header:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, n - 0.3)


def _text_columns(ax: Any, rows: Sequence[PlotRow], headers: Sequence[str]) -> None:
    """Right-hand text columns: the numbers of each row, printed beside it."""
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    n = len(rows)
    xs = [1.03 + (1.9 / 4.2) * k for k in range(len(headers))]
    for x, h in zip(xs, headers, strict=True):
        ax.text(x, n - 0.3, h, transform=trans, fontsize=9, fontweight="bold", va="bottom")
    for i, r in enumerate(rows):
        y = n - 1 - i
        for x, t in zip(xs, (r.text, *r.extra), strict=False):
            ax.text(x, y, t, transform=trans, va="center", fontsize=9,
                    color="dimgray" if r.style == "updated" else "black")


def _figure(rows: Sequence[PlotRow], n_text_cols: int, legend: bool) -> tuple[Any, Any]:
    """A figure sized in inches: labels on the left, the plot, text columns on the right."""
    apply_style()
    label_in = 0.4 + 0.075 * max((len(r.label) * (1.12 if r.header else 1.0) for r in rows),
                                 default=10)
    plot_in, text_in = 4.2, 1.9 * n_text_cols + 0.2
    top_in, bottom_in = 0.75, 0.65 + (0.45 if legend else 0.0)
    width, height = label_in + plot_in + text_in, top_in + bottom_in + 0.3 * len(rows)
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(left=label_in / width, right=(label_in + plot_in) / width,
                        top=1 - top_in / height, bottom=bottom_in / height)
    return fig, ax


def _legend_below(fig: Any, ax: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower left", ncol=min(4, len(handles)), fontsize=8,
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
    ax.set_xlabel(xlabel)


LABEL_CHARS = 72


def _short(label: str) -> str:
    """Labels longer than the figure can hold end with an ellipsis (the CSV has them whole)."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 3].rstrip() + "..."


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
    fig, ax = _figure(rows, len(headers), legend=updated)
    _draw_rows(ax, rows)
    _log_axis(ax, rows, "Hazard ratio (log scale); < 1 favours the experimental arm")
    _text_columns(ax, rows, headers)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
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
        label = "  " + (r["label"].split(" | ", 1)[1] if " | " in r["label"] else "all patients")
        if several_quantities:
            label += f" [{r['quantity']}]"
        if r["updated"]:
            label = f"    updated: {r.get('data_cut') or r['location']}"
        label = _short(label)
        style = "updated" if r["updated"] else (r["arm_role"] or "single_arm")
        rows.append(PlotRow(label=label, estimate=r["rate_percent"], low=r["ci_low"],
                            high=r["ci_high"], text=r["text"], style=style, group=r["trial"]))
    return rows


def rate_figure(table: pd.DataFrame, title: str, xlabel: str,
                hypotheses: pd.DataFrame | None = None) -> Any:
    """Rates with exact CIs, one row per trial, cohort and arm; single-arm p0/p1 marked."""
    rows = _rate_rows(table)
    fig, ax = _figure(rows, 1, legend=True)
    _draw_rows(ax, rows)
    top = max([v for r in rows for v in (r.high, r.estimate) if not math.isnan(v)] or [10.0])
    ax.set_xlim(-1, min(100.0, top * 1.1 + 5))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="0.9", zorder=0)
    _text_columns(ax, rows, ["n/N = rate (CI)"])
    n = len(rows)
    styles = {"p0": ("--", "tab:gray"), "p1": (":", "tab:green")}
    for _, h in (hypotheses if hypotheses is not None else pd.DataFrame()).iterrows():
        ys = [n - 1 - i for i, r in enumerate(rows) if r.group == h["trial"]]
        if not ys:
            continue
        ls, color = styles.get(h["name"], ("-.", "black"))
        ax.plot([h["percent"], h["percent"]], [min(ys) - 0.4, max(ys) + 0.4], ls=ls,
                color=color, lw=1.4,
                label=f"{h['trial']} {h['name']} = {h['printed']}%")
    roles = sorted({r.style for r in rows if not r.header})
    for role in roles:
        marker, face, edge = _STYLE[role]
        ax.plot([], [], marker=marker, mfc=face, mec=edge, ls="", color=edge,
                label=role.replace("_", " "))
    _legend_below(fig, ax)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
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
