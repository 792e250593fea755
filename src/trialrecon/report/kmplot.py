"""Kaplan-Meier figures in the style of a clinical journal (NEJM, JCO).

One figure per endpoint and cohort, drawn from plain arrays (:class:`Curve`, :class:`KMPlot`):

* the Kaplan-Meier curve of each arm's pseudo data with censor ticks and its pointwise CI
  band (:mod:`trialrecon.stats.km`, the configured interval type), a model's band of
  simulated trials or the clicked points of a digitized curve;
* the printed median and its CI at S = 0.5: a whisker without caps, an upper limit not
  reached drawn as an open arrow labelled "NR", a median not reached likewise;
* numbers at risk (time >= t) under the axis at the x ticks, one coloured row per arm, and
  optionally the cumulative events;
* the legend, the hazard ratio (95% CI) and the log-rank P in a panel right of the plot, so
  nothing covers a curve; one colour per arm role (:data:`trialrecon.report.figures.
  ROLE_COLORS`).

The layout is fixed in inches (no automatic layout pass), which keeps drawing cheap.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from trialrecon.report.figures import ROLE_LINESTYLES, apply_style, role_color  # noqa: E402
from trialrecon.stats.km import at_risk, confidence_limits, cumulative_events, kaplan_meier  # noqa: E402,E501

Y_LABELS = {
    "pfs": "Probability of progression-free survival",
    "os": "Probability of overall survival",
    "dor": "Probability of remaining in response",
    "ttp": "Probability of no progression",
    "dfs": "Probability of disease-free survival",
    "efs": "Probability of event-free survival",
}


def y_label(endpoint: str, description: str = "") -> str:
    """The y axis of an endpoint: its own wording, else 'Probability of <description>'."""
    if endpoint in Y_LABELS:
        return Y_LABELS[endpoint]
    return f"Probability of {description}" if description else "Probability event-free"


@dataclass(frozen=True)
class Printed:
    """The printed median and CI of one arm (months; None when not printed)."""

    median: float | None = None
    median_nr: bool = False
    ci_low: float | None = None
    ci_high: float | None = None
    ci_high_nr: bool = False


@dataclass(frozen=True)
class Curve:
    """One arm: pseudo data, what the figure draws beside them, and how it is named."""

    name: str
    role: str
    time: np.ndarray
    event: np.ndarray
    band: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # grid, low, high
    clicks: tuple[np.ndarray, np.ndarray] | None = None
    printed: Printed = field(default_factory=Printed)
    # the estimate and its pointwise limits as computed elsewhere (the KM stage: lifelines,
    # trialrecon.stats.lifelines_fit.curve); None computes them here with stats.km
    estimate: tuple | None = None


@dataclass(frozen=True)
class KMPlot:
    title: str
    ylabel: str
    curves: tuple[Curve, ...]
    xlabel: str = "Months"
    notes: tuple[str, ...] = ()  # lines of the side panel (HR, log-rank P, method)
    band_label: str = "model: 95% band of simulated trials"
    level: float = 0.95
    conf_type: str = "log-log"
    show_events: bool = False


# the layout, in inches
WIDTH, PANEL = 10.4, 2.95
LEFT, BOTTOM_ROW, TOP = 1.45, 0.27, 0.55
PLOT_H = 3.7
GAP = 0.75  # between the plot and the panel: room for the "median NR" labels
NOTE_CHARS = 44  # characters per line of the side panel
LEGEND_ROW = 0.21  # inches per legend entry


def _ticks(t_max: float) -> np.ndarray:
    ticks = MaxNLocator(nbins=8, steps=[1, 2, 3, 5, 6, 10], integer=True).tick_values(0.0, t_max)
    return ticks[(ticks >= 0) & (ticks <= t_max * 1.0001)]


def _styles(curves: tuple[Curve, ...]) -> list[tuple[str, str]]:
    """(colour, line style) of each curve: the role's colour; arms of one role differ by style."""
    seen: dict[str, int] = {}
    out = []
    for c in curves:
        k = seen.get(c.role, 0)
        seen[c.role] = k + 1
        out.append((role_color(c.role), ROLE_LINESTYLES[k % len(ROLE_LINESTYLES)]))
    return out


def _estimate(c: Curve, plot: KMPlot) -> tuple:
    """The curve's estimate and limits: the caller's (lifelines), else stats.km's."""
    if c.estimate is not None:
        return c.estimate
    km = kaplan_meier(c.time, c.event)
    return (km, *confidence_limits(km, plot.level, plot.conf_type))


def _draw_curve(ax, c: Curve, color: str, ls: str, plot: KMPlot) -> None:
    km, lower, upper = _estimate(c, plot)
    xs = np.concatenate([[0.0], km.time, [km.last_time]])
    ys = np.concatenate([[1.0], km.survival, km.survival[-1:] if km.survival.size else [1.0]])
    ax.step(xs, ys, where="post", color=color, ls=ls, lw=1.6, zorder=4)
    ok = ~(np.isnan(lower) | np.isnan(upper))
    if ok.any():  # the band steps with the curve, up to the last time it is defined
        end = km.last_time if ok[-1] else float(km.time[np.flatnonzero(~ok)[0]])
        bx = np.concatenate([[0.0], km.time[ok], [end]])
        lo_y = np.concatenate([[1.0], lower[ok], lower[ok][-1:]])
        hi_y = np.concatenate([[1.0], upper[ok], upper[ok][-1:]])
        ax.fill_between(bx, lo_y, hi_y, step="post", color=color, alpha=0.12, lw=0, zorder=1)
    cens = np.sort(c.time[np.asarray(c.event) == 0])
    if cens.size:
        idx = np.searchsorted(km.time, cens, side="right") - 1
        sv = np.where(idx >= 0, km.survival[np.maximum(idx, 0)], 1.0)
        ax.plot(cens, sv, ls="", marker="|", ms=5, mew=0.8, color=color, zorder=5)
    if c.band is not None:
        grid, lo, hi = c.band
        ax.fill_between(grid, lo, hi, color=color, alpha=0.07, lw=0.6, ls=":", zorder=0,
                        edgecolor=color)
    if c.clicks is not None:
        ax.plot(c.clicks[0], c.clicks[1], ls="", marker="x", ms=3, mew=0.6, color=color,
                alpha=0.55, zorder=3)


def _nr_arrow(ax, x0: float, y: float, x_end: float, color: str, ls: str, text: str) -> None:
    """An open arrow from ``x0`` to the right edge, labelled beyond it (not reached)."""
    ax.annotate("", xy=(x_end, y), xytext=(x0, y),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 1.2, "ls": ls,
                            "shrinkA": 0, "shrinkB": 0}, zorder=6, annotation_clip=False)
    ax.annotate(text, xy=(x_end, y), xytext=(4, 0), textcoords="offset points", color=color,
                fontsize=7.5, ha="left", va="center", annotation_clip=False)


def _draw_printed(ax, c: Curve, color: str, ls: str, y: float, x_end: float) -> None:
    p = c.printed
    if p.median is not None:
        lo = p.ci_low if p.ci_low is not None else p.median
        if p.ci_high_nr:
            _nr_arrow(ax, lo, y, x_end, color, ls, "NR")
        else:
            hi = p.ci_high if p.ci_high is not None else p.median
            ax.plot([lo, hi], [y, y], color=color, lw=1.2, ls=ls, zorder=6)
        ax.plot([p.median], [y], marker="D", ms=5.5, mfc=color, mec="black", mew=0.6, ls="",
                zorder=7)
    elif p.median_nr:
        start = p.ci_low if p.ci_low is not None else x_end * 0.97
        _nr_arrow(ax, start, y, x_end, color, ls, "median NR")
        if p.ci_low is not None:
            ax.plot([p.ci_low], [y], marker="|", ms=7, mew=1.2, color=color, zorder=7)


def _risk_rows(fig, ax, curves: tuple[Curve, ...], styles: list[tuple[str, str]],
               ticks: np.ndarray, show_events: bool, height: float) -> None:
    """Numbers at risk (and events) under the axis, aligned with the x ticks."""
    rows = [(c, "risk", st) for c, st in zip(curves, styles, strict=True)]
    if show_events:
        rows += [(c, "events", st) for c, st in zip(curves, styles, strict=True)]
    trans = blended_transform_factory(ax.transData, fig.transFigure)
    label_x = (LEFT - 0.22) / WIDTH  # clear of the number under the 0 tick
    y_top = (height - TOP - PLOT_H - 0.62) / height
    step = BOTTOM_ROW / height
    fig.text(label_x, y_top + step * 0.9, "No. at risk", fontsize=8, fontweight="bold",
             ha="right", va="center")
    if show_events:
        fig.text(label_x, y_top - step * (len(curves) - 0.1), "Cumulative events", fontsize=8,
                 fontweight="bold", ha="right", va="center")
    for i, (c, what, (color, _)) in enumerate(rows):
        y = y_top - step * (i + (1 if what == "events" else 0))
        values = (at_risk(c.time, ticks) if what == "risk"
                  else cumulative_events(c.time, c.event, ticks))
        fig.text(label_x, y, c.name, fontsize=8, color=color, ha="right", va="center")
        for t, v in zip(ticks.tolist(), values.tolist(), strict=True):
            ax.text(t, y, f"{int(v)}", transform=trans, fontsize=8, color=color, ha="center",
                    va="center", clip_on=False)


def _legend_entries(plot: KMPlot, styles: list[tuple[str, str]]) -> list[tuple[dict, str]]:
    """(how to draw the key, label) of each legend entry."""
    entries: list[tuple[dict, str]] = [
        ({"line": {"color": col, "ls": ls, "lw": 1.6}}, c.name)
        for c, (col, ls) in zip(plot.curves, styles, strict=True)]
    entries.append(({"patch": {"facecolor": "0.5", "alpha": 0.25}},
                    f"{plot.level:.0%} CI of the curve ({plot.conf_type})"))
    if any(c.band is not None for c in plot.curves):
        entries.append(({"patch": {"facecolor": "0.5", "alpha": 0.12, "edgecolor": "0.4",
                                   "ls": ":"}}, plot.band_label))
    if any(c.clicks is not None for c in plot.curves):
        entries.append(({"line": {"ls": "", "marker": "x", "color": "0.3"}}, "clicked points"))
    if any((np.asarray(c.event) == 0).any() for c in plot.curves):
        entries.append(({"line": {"ls": "", "marker": "|", "ms": 7, "color": "0.3"}},
                        "censored"))
    if any(c.printed.median is not None or c.printed.median_nr for c in plot.curves):
        entries.append(({"line": {"ls": "-", "marker": "D", "mfc": "0.6", "mec": "black",
                                  "color": "0.3", "ms": 5}},
                        "printed median (CI); NR: not reached"))
    return entries


def _legend(fig, plot: KMPlot, styles: list[tuple[str, str]], height: float) -> None:
    """The legend and the notes in the panel right of the plot, drawn key by key.

    Drawn directly in figure coordinates (a key and a label per entry) rather than with
    matplotlib's legend, whose layout machinery costs more than the rest of the panel.
    """
    x = (WIDTH - PANEL) / WIDTH
    top = 1.0 - TOP / height
    row = LEGEND_ROW / height
    key_w = 0.32 / WIDTH
    entries = _legend_entries(plot, styles)
    for i, (key, label) in enumerate(entries):
        y = top - (i + 0.5) * row
        if "line" in key:
            style = dict(key["line"])
            marker = {k: style.pop(k) for k in ("marker", "mfc", "mec", "ms") if k in style}
            if style.get("ls") != "":
                fig.add_artist(Line2D([x, x + key_w], [y, y], transform=fig.transFigure,
                                      **style))
            if marker:  # the marker alone, at the middle of the key
                fig.add_artist(Line2D([x + key_w / 2], [y], transform=fig.transFigure, ls="",
                                      color=style.get("color"), **marker))
        else:
            fig.add_artist(Rectangle((x, y - row * 0.3), key_w, row * 0.6,
                                     transform=fig.transFigure, **key["patch"]))
        fig.text(x + key_w + 0.1 / WIDTH, y, label, fontsize=8, va="center", ha="left")
    lines = "\n".join(wrapped for note in plot.notes for wrapped in
                      textwrap.wrap(note, NOTE_CHARS, subsequent_indent="    ",
                                    break_on_hyphens=False) or [""])
    if lines:
        fig.text(x, top - (len(entries) + 1) * row, lines, fontsize=8, va="top", ha="left",
                 linespacing=1.35)


def km_plot(plot: KMPlot) -> plt.Figure:
    """Draw ``plot`` (see the module docstring); the caller saves and closes the figure."""
    apply_style()
    rows = len(plot.curves) * (2 if plot.show_events else 1)
    height = TOP + PLOT_H + 0.62 + BOTTOM_ROW * (rows + 1) + 0.15
    fig = plt.figure(figsize=(WIDTH, height))
    ax = fig.add_axes((LEFT / WIDTH, (height - TOP - PLOT_H) / height,
                       (WIDTH - LEFT - PANEL - GAP) / WIDTH, PLOT_H / height))
    t_max = max((float(np.max(c.time)) for c in plot.curves if np.size(c.time)), default=1.0)
    for c in plot.curves:  # the printed median and CI are drawn even beyond the pseudo data
        for t in (c.printed.median, None if c.printed.ci_high_nr else c.printed.ci_high):
            if t is not None and math.isfinite(t):
                t_max = max(t_max, t)
    ticks = _ticks(t_max)
    x_end = t_max * 1.03
    styles = _styles(plot.curves)
    n = len(plot.curves)
    for i, (c, (color, ls)) in enumerate(zip(plot.curves, styles, strict=True)):
        _draw_curve(ax, c, color, ls, plot)
        _draw_printed(ax, c, color, ls, 0.5 + 0.035 * ((n - 1) / 2.0 - i), x_end)
    ax.axhline(0.5, color="0.6", lw=0.6, ls=":", zorder=0)
    ax.set_xlim(0.0, x_end)
    ax.set_ylim(0.0, 1.03)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks.tolist()], fontsize=8.5)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_yticklabels(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], fontsize=8.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel(plot.xlabel, fontsize=9)
    ax.set_ylabel(plot.ylabel, fontsize=9)
    fig.text(LEFT / WIDTH, 1.0 - 0.2 / height, plot.title, fontsize=10, ha="left", va="center")
    _risk_rows(fig, ax, plot.curves, styles, ticks, plot.show_events, height)
    _legend(fig, plot, styles, height)
    return fig


def fmt_p(p: float | None) -> str:
    """A P value as journals print it: < 0.001, else three decimals (two above 0.1)."""
    if p is None or math.isnan(p):
        return "n/a"
    if p < 0.001:
        return "< 0.001"
    return f"= {p:.3f}" if p < 0.1 else f"= {p:.2f}"
