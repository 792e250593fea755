"""Kaplan-Meier figures as clinical journals print them (NEJM, JCO; survminer's layout).

One figure per endpoint and cohort, drawn from plain arrays (:class:`Curve`, :class:`KMPlot`)
at a journal's column width (:data:`SINGLE_COLUMN`, 3.5 in, the default; :data:`DOUBLE_COLUMN`,
7 in), every text at least :data:`MIN_POINTS` (7 pt) at that size, stacked top to bottom:

* the title (wrapped to the width) and the legend above the plot, so the legend covers no
  curve: each arm's key shows its colour *and* its line style (Okabe and Ito's colour-blind-safe
  palette, :data:`trialrecon.report.figures.ARM_COLORS`; arms that print in grey stay apart);
* the curves (Kaplan-Meier of each arm's pseudo data) with censor ticks, survival in percent
  on a short y label (``Progression-free survival (%)``); a model's band of simulated trials as
  one light fill per arm (left out with three arms or more, where fills become a smear); the
  clicked points of a digitized curve;
* each printed median as a diamond on the 50% line at its time, labelled with its value
  (labels lifted a tier where they would meet); its CI as a whisker without caps, on the
  line for one arm and on a row under the line for several (whiskers apart in time share a
  row, :func:`ci_rows`), joined to the diamond by a thin drop; an upper limit or a median
  not reached drawn as an open arrow to the edge labelled "NR";
* the numbers at risk (time >= t) under the axis, one row per arm in its colour, each number
  under its x tick, and optionally the cumulative events;
* the notes (hazard ratios, log-rank P, the method) and the data cut, wrapped to the width.

The layout is computed in inches from measured text sizes (no automatic layout pass), so that
no two labels overlap at either width (``tests/test_kmplot.py`` checks the drawn boxes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.patheffects import withStroke  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from trialrecon.report.figures import apply_style, arm_styles  # noqa: E402
from trialrecon.stats.km import at_risk, cumulative_events, kaplan_meier  # noqa: E402

SINGLE_COLUMN, DOUBLE_COLUMN = 3.5, 7.0  # inches: a journal's one and two columns
MIN_POINTS = 7.0
SIZES = {"title": 8.5, "axis": 8.0, "tick": 7.5, "legend": 7.5, "risk": 7.0, "note": 7.0}

Y_LABELS = {
    "pfs": "Progression-free survival (%)",
    "os": "Overall survival (%)",
    "dor": "Remaining in response (%)",
    "ttp": "Free of progression (%)",
    "dfs": "Disease-free survival (%)",
    "efs": "Event-free survival (%)",
}
MAX_Y_LABEL = 30  # characters: longer labels are cut at a comma, a parenthesis or "="


def y_label(endpoint: str, description: str = "") -> str:
    """A short y label: the endpoint's own, else its description cut to a few words."""
    if endpoint in Y_LABELS:
        return Y_LABELS[endpoint]
    text = " ".join(description.split())
    for cut in (" = ", "(", ",", ";", ":"):
        if len(text) > MAX_Y_LABEL and cut in text:
            text = text.split(cut, 1)[0].strip()
    if not text or len(text) > MAX_Y_LABEL:
        text = endpoint.replace("_", " ").upper() if endpoint else "Event-free"
    return f"{text[:1].upper()}{text[1:]} (%)"


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
    notes: tuple[str, ...] = ()  # lines under the figure (HR, log-rank P, method)
    band_label: str = "model: 95% band of simulated trials"
    level: float = 0.95
    conf_type: str = "log-log"
    show_events: bool = False
    data_cut: str = ""  # the data cut-off the curves stand for, named under the figure


# ------------------------------------------------------------------------------ measuring


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # at 72 dpi a width in pixels is a width in points


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in inches at ``size`` points (DejaVu Sans, as the figures use)."""
    prop = FontProperties(family="DejaVu Sans", size=size,
                          weight="bold" if bold else "normal")
    width, _, _ = _renderer().get_text_width_height_descent(text, prop, ismath=False)
    return width / 72.0


def _wrap(text: str, size: float, width_in: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width_in`` (measured, not guessed); a leading indent
    is kept, and continuation lines are indented two spaces more."""
    indent = text[: len(text) - len(text.lstrip())]
    lines: list[str] = []
    line = ""
    for word in text.split():
        lead = indent if not lines else indent + "  "
        trial = f"{line} {word}" if line else lead + word
        if line and text_width(trial, size, bold) > width_in:
            lines.append(line)
            line = indent + "  " + word
        else:
            line = trial
    return [*lines, line] if line else lines


def _fit(text: str, size: float, width_in: float) -> str:
    """``text`` cut with an ellipsis to fit ``width_in``."""
    if text_width(text, size) <= width_in:
        return text
    while len(text) > 1 and text_width(text + "\u2026", size) > width_in:
        text = text[:-1]
    return text.rstrip() + "\u2026"


# ------------------------------------------------------------------------------ layout


@dataclass
class Layout:
    """Where everything goes, in inches from the top of a figure ``width`` wide."""

    width: float
    left: float
    right: float
    title: list[str]
    legend_rows: list[list[tuple[dict, str, float]]]
    plot_top: float
    plot_h: float
    risk_top: float
    risk_rows: int
    names_above: bool
    notes: list[str]
    height: float


LINE = 1.32  # line height in font sizes
TICK_ROOM = 0.36  # inches under the axes for the tick labels and the x label


def _pt(points: float) -> float:
    return points / 72.0


def _legend_entries(plot: KMPlot, styles: list[tuple[str, object]]) -> list[tuple[dict, str]]:
    """(how to draw the key, label) of each legend entry."""
    entries: list[tuple[dict, str]] = [
        ({"line": {"color": col, "ls": ls, "lw": 1.4}}, c.name)
        for c, (col, ls) in zip(plot.curves, styles, strict=True)]
    if any((np.asarray(c.event) == 0).any() for c in plot.curves):
        entries.append(({"line": {"ls": "", "marker": "|", "ms": 5, "color": "0.2"}},
                        "censored"))
    if any(c.printed.median is not None or c.printed.median_nr for c in plot.curves):
        entries.append(({"line": {"ls": "-", "marker": "D", "mfc": "0.55", "mec": "black",
                                  "color": "0.2", "ms": 4}}, "printed median (95% CI)"))
    if _draw_bands(plot):
        entries.append(({"bands": [col for col, _ in styles]}, plot.band_label))
    if any(c.clicks is not None for c in plot.curves):
        entries.append(({"line": {"ls": "", "marker": "x", "ms": 4, "color": "0.2"}},
                        "digitized points"))
    return entries


KEY_W = 0.3  # inches of a legend key


def _legend_rows(entries: list[tuple[dict, str]], width: float) -> list[list]:
    """Legend entries flowed into rows no wider than ``width``."""
    rows: list[list[tuple[dict, str, float]]] = [[]]
    used = 0.0
    size = SIZES["legend"]
    for key, label in entries:
        label = _fit(label, size, width - KEY_W - 0.1)
        w = KEY_W + 0.06 + text_width(label, size) + 0.16
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((key, label, w))
        used += w
    return rows


def _t_max(plot: KMPlot) -> float:
    """The last time shown: of the pseudo data, or a printed median beyond them (it stays in
    view); the axis ends 3% further."""
    t_max = max((float(np.max(c.time)) for c in plot.curves if np.size(c.time)), default=1.0)
    for c in plot.curves:
        if c.printed.median is not None and math.isfinite(c.printed.median):
            t_max = max(t_max, c.printed.median)
    return t_max


def _edge_labels(plot: KMPlot) -> list[str]:
    """The labels printed right of the axis, at the heads of the arrows to its edge: "NR",
    or a CI limit beyond the axis as printed (the margin is made as wide as the widest)."""
    end = _t_max(plot) * 1.03
    out = []
    for c in plot.curves:
        p = c.printed
        if p.ci_high_nr or p.median_nr:
            out.append("NR")
        elif p.median is not None and p.ci_high is not None and p.ci_high > end:
            out.append(f"{p.ci_high:g}")
    return out


def layout(plot: KMPlot, width: float) -> Layout:
    """Sizes and places of every part of the figure at ``width`` inches."""
    inner = width - 0.16
    names = [c.name for c in plot.curves]
    label_w = max((text_width(n, SIZES["risk"]) for n in names), default=0.0)
    names_above = label_w + 0.24 > 0.34 * width  # long names go on a line of their own
    left = 0.52 if names_above else max(0.52, label_w + 0.24)
    right = 0.12 + max((text_width(t, SIZES["legend"]) + _pt(2.0)
                        for t in _edge_labels(plot)), default=0.0)
    title = _wrap(plot.title, SIZES["title"], inner, bold=True)
    legend = _legend_rows(_legend_entries(plot, arm_styles([c.role for c in plot.curves])),
                          inner)
    top = 0.08 + len(title) * _pt(SIZES["title"] * LINE) + 0.04
    top += len(legend) * _pt(SIZES["legend"] * 1.6) + 0.08
    plot_h = min(0.6 * width, 3.3)
    rows = len(plot.curves) * (2 if plot.show_events else 1)
    row_h = _pt(SIZES["risk"] * LINE) * (2 if names_above else 1)
    risk_top = top + plot_h + TICK_ROOM + 0.08
    headers = 2 if plot.show_events else 1
    risk_h = _pt(SIZES["risk"] * LINE) * headers + rows * row_h
    notes = [line for note in (*plot.notes, *((f"Data cut-off: {plot.data_cut}",)
                                              if plot.data_cut else ()))
             for line in (_wrap(note, SIZES["note"], inner) or [""])]
    notes_h = len(notes) * _pt(SIZES["note"] * LINE)
    height = risk_top + risk_h + (0.1 + notes_h if notes else 0.0) + 0.08
    return Layout(width, left, right, title, legend, top, plot_h, risk_top, rows, names_above,
                  notes, height)


# ------------------------------------------------------------------------------ drawing


def _ticks(t_max: float, width: float = SINGLE_COLUMN) -> np.ndarray:
    """The x ticks of a figure ``width`` inches wide: about six in a column, eight in two."""
    nbins = 6 if width < 5 else 8
    ticks = MaxNLocator(nbins=nbins, steps=[1, 2, 3, 5, 6, 10], integer=True).tick_values(
        0.0, t_max)
    return ticks[(ticks >= 0) & (ticks <= t_max * 1.0001)]


def _draw_bands(plot: KMPlot) -> bool:
    """A model's band is drawn for one or two arms; with more, fills only smear."""
    return len(plot.curves) <= 2 and any(c.band is not None for c in plot.curves)


def _estimate(c: Curve):
    """The curve's estimate: the caller's (lifelines, with its limits), else stats.km's."""
    if c.estimate is not None:
        return c.estimate[0]
    return kaplan_meier(c.time, c.event)


def _draw_curve(ax, c: Curve, color: str, ls: object, plot: KMPlot) -> None:
    km = _estimate(c)  # limits are not drawn: overlapping bands only smear
    xs = np.concatenate([[0.0], km.time, [km.last_time]])
    ys = np.concatenate([[1.0], km.survival, km.survival[-1:] if km.survival.size else [1.0]])
    ax.step(xs, ys, where="post", color=color, ls=ls, lw=1.4, zorder=4)
    cens = np.sort(c.time[np.asarray(c.event) == 0])
    if cens.size:
        # The step function's heights, 1 before the first event: a curve with no event at
        # all (every patient censored) has an empty km.survival and its marks sit at 1.
        heights = np.concatenate([[1.0], km.survival])
        sv = heights[np.searchsorted(km.time, cens, side="right")]
        ax.plot(cens, sv, ls="", marker="|", ms=4, mew=0.7, color=color, zorder=5)
    if c.band is not None and _draw_bands(plot):
        grid, lo, hi = c.band
        ax.fill_between(grid, lo, hi, color=color, alpha=0.13, lw=0, zorder=0)
    if c.clicks is not None:
        ax.plot(c.clicks[0], c.clicks[1], ls="", marker="x", ms=3, mew=0.6, color=color,
                alpha=0.6, zorder=3)


def _nr_arrow(ax, x0: float, y: float, x_end: float, color: str, ls: object,
              text: str) -> None:
    """An open arrow from ``x0`` to the right edge, labelled at its head (not reached)."""
    ax.annotate("", xy=(x_end, y), xytext=(x0, y),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 1.1, "ls": ls,
                            "shrinkA": 0, "shrinkB": 0}, zorder=6, annotation_clip=False)
    ax.annotate(text, xy=(x_end, y), xytext=(2, 0), textcoords="offset points", color=color,
                fontsize=SIZES["legend"], ha="left", va="center", annotation_clip=False)


MEDIAN_ROW = 9.0  # points between the CI rows under the 50% line (an "NR" label is 7.5 pt)


def _draw_printed(ax, c: Curve, color: str, ls: object, row: float, x_end: float) -> None:
    """The printed median as a diamond on the 50% line at its time, its CI as a whisker at
    height ``row`` (:func:`ci_rows`: whiskers and their "NR" labels never meet), joined to
    the diamond by a thin drop; a median not reached as an open arrow at that height."""
    p = c.printed
    if p.median is not None:
        lo = p.ci_low if p.ci_low is not None else p.median
        hi = p.ci_high if p.ci_high is not None else p.median
        if p.ci_high_nr:
            _nr_arrow(ax, lo, row, x_end, color, ls, "NR")
        elif hi > x_end:  # a limit beyond the axis: the whisker runs off the edge
            _nr_arrow(ax, lo, row, x_end, color, ls, f"{hi:g}")
        elif hi > lo:
            ax.plot([lo, hi], [row, row], color=color, lw=1.1, ls=ls, zorder=6)
        if row != 0.5:
            ax.plot([p.median, p.median], [row, 0.5], color=color, lw=0.6, zorder=6)
        ax.plot([p.median], [0.5], marker="D", ms=4.5, mfc=color, mec="black", mew=0.5, ls="",
                zorder=7)
    elif p.median_nr:
        start = p.ci_low if p.ci_low is not None else x_end * 0.97
        _nr_arrow(ax, start, row, x_end, color, ls, "NR")
        if p.ci_low is not None:
            ax.plot([p.ci_low], [row], marker="|", ms=6, mew=1.1, color=color, zorder=7)


def _ci_span(p: Printed, x_end: float) -> tuple[float, float] | None:
    """The stretch of the time axis an arm's CI whisker or arrow takes (None: nothing)."""
    if p.median is not None:
        lo = p.ci_low if p.ci_low is not None else p.median
        hi = p.ci_high if p.ci_high is not None else p.median
        if p.ci_high_nr or hi > x_end:
            return lo, math.inf  # an arrow to the edge, its label beyond it
        return (lo, hi) if hi > lo else None
    if p.median_nr:
        return (p.ci_low if p.ci_low is not None else x_end * 0.97), math.inf
    return None


def ci_rows(printed: list[Printed], x_end: float) -> list[int]:
    """The row of each arm's CI under the 50% line: 0 (the line itself) for a lone arm;
    with several arms, the first row (1) whose whiskers it does not meet, so whiskers apart
    in time share a row and two arrows to the edge (their labels there) never do."""
    if len(printed) == 1:
        return [0]
    taken: dict[int, list[tuple[float, float]]] = {}
    out = []
    for p in printed:
        span = _ci_span(p, x_end)
        row = 1
        while span is not None and any(a - 0.02 * x_end < span[1] and span[0] < b
                                       + 0.02 * x_end for a, b in taken.get(row, [])):
            row += 1
        if span is not None:
            taken.setdefault(row, []).append(span)
        out.append(row)
    return out


def median_labels(medians: list[float], x_end: float, axis_w: float,
                  size: float = SIZES["legend"]) -> list[tuple[str, float, float, str]]:
    """(text, x offset, y offset in points, alignment) of each printed median's label.

    A label stands just above its diamond, to the right (to the left where it would run
    past the axis); a label that would meet one already placed (measured widths, 2 pt
    apart) goes up a tier, so no two labels overlap however close the medians are.
    """
    per_point = axis_w * 72.0 / x_end  # points per month along the axis
    tier_h = size * 1.25
    placed: list[tuple[int, float, float]] = []  # tier, left, right (points)
    out: list[tuple[str, float, float, str]] = []
    for m in medians:
        text = f"{m:g}"
        width = text_width(text, size) * 72.0
        x = m * per_point
        right = x + 3.0 + width <= x_end * per_point
        left_edge = x + 3.0 if right else x - 3.0 - width
        tier = 0
        while any(t == tier and left_edge - 2.0 < b and a < left_edge + width + 2.0
                  for t, a, b in placed):
            tier += 1
        placed.append((tier, left_edge, left_edge + width))
        out.append((text, 3.0 if right else -3.0, 3.0 + tier * tier_h,
                    "left" if right else "right"))
    return out


def _label_medians(ax, plot: KMPlot, styles, x_end: float, axis_w: float) -> None:
    """Each printed median's value above its diamond (see :func:`median_labels`)."""
    arms = sorted((c.printed.median, color) for c, (color, _) in zip(plot.curves, styles,
                                                                      strict=True)
                  if c.printed.median is not None and math.isfinite(c.printed.median))
    for (text, dx, dy, ha), (m, color) in zip(
            median_labels([m for m, _ in arms], x_end, axis_w), arms, strict=True):
        ax.annotate(text, xy=(m, 0.5), xytext=(dx, dy), textcoords="offset points",
                    color=color, fontsize=SIZES["legend"], ha=ha, va="bottom", zorder=8,
                    annotation_clip=False,  # a white halo keeps it legible over a curve
                    path_effects=[withStroke(linewidth=2.0, foreground="white")])


def _risk_rows(fig, ax, plot: KMPlot, styles, ticks: np.ndarray, lay: Layout) -> None:
    """Numbers at risk (and events) under the axis, each number under its x tick."""
    h = lay.height
    trans = blended_transform_factory(ax.transData, fig.transFigure)
    line = _pt(SIZES["risk"] * LINE)
    y = lay.risk_top + line / 2

    def text(x_in: float, y_in: float, s: str, **kw) -> None:
        fig.text(x_in / lay.width, 1 - y_in / h, s, fontsize=SIZES["risk"], va="center", **kw)

    blocks = [("No. at risk", "risk")] + ([("Cumulative events", "events")]
                                          if plot.show_events else [])
    for header, what in blocks:
        text(0.08, y, header, ha="left", fontweight="bold")
        y += line
        for c, (color, _) in zip(plot.curves, styles, strict=True):
            values = (at_risk(c.time, ticks) if what == "risk"
                      else cumulative_events(c.time, c.event, ticks))
            name = _fit(c.name, SIZES["risk"], (lay.width - 0.2) if lay.names_above
                        else lay.left - 0.2)
            if lay.names_above:
                text(0.08, y, name, ha="left", color=color)
                y += line
            else:
                text(lay.left - 0.16, y, name, ha="right", color=color)
            for t, v in zip(ticks.tolist(), values.tolist(), strict=True):
                ax.text(t, 1 - y / h, f"{int(v)}", transform=trans, fontsize=SIZES["risk"],
                        color=color, ha="center", va="center", clip_on=False)
            y += line


def _legend(fig, plot: KMPlot, lay: Layout) -> None:
    """The legend above the plot, drawn key by key in figure coordinates."""
    h, w = lay.height, lay.width
    y = 0.08 + len(lay.title) * _pt(SIZES["title"] * LINE) + 0.04
    row_h = _pt(SIZES["legend"] * 1.6)
    for row in lay.legend_rows:
        x = 0.08
        yc = 1 - (y + row_h / 2) / h
        for key, label, width in row:
            x0, x1 = x / w, (x + KEY_W) / w
            if "line" in key:
                style = dict(key["line"])
                marker = {k: style.pop(k) for k in ("marker", "mfc", "mec", "ms") if k in style}
                if style.get("ls") != "":
                    fig.add_artist(Line2D([x0, x1], [yc, yc], transform=fig.transFigure,
                                          **style))
                if marker:
                    fig.add_artist(Line2D([(x0 + x1) / 2], [yc], transform=fig.transFigure,
                                          ls="", color=style.get("color"), **marker))
            else:  # one light swatch per arm colour, as the bands are drawn
                colors = key["bands"]
                for i, color in enumerate(colors):
                    part = (x1 - x0) / len(colors)
                    fig.add_artist(Rectangle((x0 + i * part, yc - 0.3 * row_h / h), part,
                                             0.6 * row_h / h, transform=fig.transFigure,
                                             facecolor=color, alpha=0.25, lw=0))
            fig.text((x + KEY_W + 0.06) / w, yc, label, fontsize=SIZES["legend"], va="center",
                     ha="left")
            x += width
        y += row_h


def km_plot(plot: KMPlot, width: float = SINGLE_COLUMN) -> plt.Figure:
    """Draw ``plot`` ``width`` inches wide (see the module docstring); the caller saves it."""
    apply_style()
    lay = layout(plot, width)
    h = lay.height
    fig = plt.figure(figsize=(width, h))
    axis_w = width - lay.left - lay.right
    ax = fig.add_axes((lay.left / width, 1 - (lay.plot_top + lay.plot_h) / h, axis_w / width,
                       lay.plot_h / h))
    t_max = _t_max(plot)
    ticks = _ticks(t_max, width)
    x_end = t_max * 1.03
    styles = arm_styles([c.role for c in plot.curves])
    step = _pt(MEDIAN_ROW) / lay.plot_h
    rows = ci_rows([c.printed for c in plot.curves], x_end)
    for c, (color, ls), row in zip(plot.curves, styles, rows, strict=True):
        _draw_curve(ax, c, color, ls, plot)
        _draw_printed(ax, c, color, ls, 0.5 - step * row, x_end)
    _label_medians(ax, plot, styles, x_end, axis_w)
    ax.axhline(0.5, color="0.55", lw=0.5, ls=":", zorder=0)
    ax.set_xlim(0.0, x_end)
    ax.set_ylim(0.0, 1.03)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks.tolist()], fontsize=SIZES["tick"])
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_yticklabels(["0", "20", "40", "60", "80", "100"], fontsize=SIZES["tick"])
    ax.tick_params(length=3, pad=2)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel(plot.xlabel, fontsize=SIZES["axis"], labelpad=2)
    ax.set_ylabel(_fit(plot.ylabel, SIZES["axis"], lay.plot_h), fontsize=SIZES["axis"],
                  labelpad=3)
    for i, line in enumerate(lay.title):
        fig.text(0.08 / width, 1 - (0.08 + (i + 0.5) * _pt(SIZES["title"] * LINE)) / h, line,
                 fontsize=SIZES["title"], fontweight="bold", ha="left", va="center")
    _legend(fig, plot, lay)
    _risk_rows(fig, ax, plot, styles, ticks, lay)
    if lay.notes:
        top = lay.height - 0.08 - len(lay.notes) * _pt(SIZES["note"] * LINE)
        fig.text(0.08 / width, 1 - top / h, "\n".join(lay.notes), fontsize=SIZES["note"],
                 va="top", ha="left", linespacing=LINE)
    return fig


def fmt_p(p: float | None) -> str:
    """A P value as journals print it: < 0.001, else three decimals (two above 0.1)."""
    if p is None or math.isnan(p):
        return "n/a"
    if p < 0.001:
        return "< 0.001"
    return f"= {p:.3f}" if p < 0.1 else f"= {p:.2f}"
