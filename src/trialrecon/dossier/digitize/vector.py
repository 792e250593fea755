"""Kaplan-Meier figures of one vector PDF page: axes, curves, legend, censor marks, risk table.

The order: axes from the tick labels (:mod:`.axes`), the plot's frame, legend keys
(:mod:`.legend`, kept out of the curves), step curves by style (:mod:`.curves`), censor marks,
then the numbers at risk under the plot (:mod:`.risktable`). A pair of axes holding no step
curve (a forest plot, a bar chart) is not a Kaplan-Meier figure and is passed over.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from trialrecon.dossier.digitize.axes import Axes, find_axes
from trialrecon.dossier.digitize.curves import (
    VectorCurve,
    as_stroke,
    dash_shapes,
    find_censor_marks,
    find_curves,
    plot_region,
)
from trialrecon.dossier.digitize.geometry import PageContent, Word, colour_name, hex_colour
from trialrecon.dossier.digitize.legend import (
    LegendEntry,
    dot_entries,
    legend_entries,
    match_legend,
)
from trialrecon.dossier.digitize.limits import Deadline
from trialrecon.dossier.digitize.model import ReadCurve, ReadFigure
from trialrecon.dossier.digitize.raster_axes import PixelAxis, RasterAxes
from trialrecon.dossier.digitize.raster_figure import trace_curves
from trialrecon.dossier.digitize.risktable import match_rows, read_risk_table


def to_values(axes: Axes, xy: np.ndarray, rising: bool) -> tuple[np.ndarray, np.ndarray]:
    """(time, survival probability) of figure points: percent and cumulative axes undone."""
    if xy.size == 0:
        return np.zeros(0), np.zeros(0)
    t = np.asarray(axes.x.value(xy[:, 0]), dtype=float)
    v = np.asarray(axes.y.value(xy[:, 1]), dtype=float)
    if axes.y.percent:
        v = v / 100.0
    return t, (1.0 - v if rising else v)


def _scale_note(axes: Axes) -> str:
    def one(name: str, s, unit: str) -> str:
        vals = [v for _, v in s.ticks]
        how = "tick marks" if s.from_marks else "label centres (no tick marks found)"
        kind = "log" if s.log else "linear"
        return f"{name} {min(vals):g}-{max(vals):g}{unit} ({kind}, {len(vals)} labels at {how})"
    return "; ".join([one("x", axes.x, ""), one("y", axes.y, "%" if axes.y.percent else "")])


def _titles(page: PageContent, axes: Axes, region: tuple[float, float, float, float],
            risk_top: float | None) -> tuple[str, str]:
    """The x axis title (the first text line under the tick labels) and the y axis title."""
    left, top, right, bottom = region
    label_bottom = max(w.bottom for w in axes.x_labels)
    limit = risk_top if risk_top is not None else label_bottom + 0.4 * (bottom - top)
    under = [w for w in page.words if label_bottom - 0.1 < w.top < limit
             and left - 0.05 * (right - left) < w.cx < right + 0.05 * (right - left)]
    x_title = ""
    if under:
        first = min(under, key=lambda w: w.top)
        line = sorted((w for w in under if abs(w.cy - first.cy) < 0.5 * first.size),
                      key=lambda w: w.x0)
        x_title = " ".join(w.text for w in line)
    y_labels_left = min(w.x0 for w in axes.y_labels)
    side = [w for w in page.rotated if y_labels_left - 6 * axes.y_labels[0].size < w.cx <
            y_labels_left and w.bottom > top - 0.2 * (bottom - top) and w.top < bottom]
    y_title = " ".join(w.text for w in sorted(side, key=lambda w: w.x0))
    return x_title, y_title


def _read_curve(axes: Axes, vc: VectorCurve, label: str) -> ReadCurve:
    t, s = to_values(axes, vc.points, vc.rising)
    ct, cs = to_values(axes, vc.censor, vc.rising)
    return ReadCurve(colour=vc.style.stroke or (0, 0, 0), dashed=bool(vc.style.dash),
                     xy=vc.points, censor_xy=vc.censor, time=t, survival=s, censor_time=ct,
                     censor_survival=cs, label=label, style_text=vc.style.describe())


# renders a page box (points) at a scale (pixels per point): (RGB pixels, the scale used)
Renderer = Callable[[tuple[float, float, float, float], float], tuple[np.ndarray, float]]


def read_vector_page(page: PageContent, page_number: int | None = None,
                     render: Renderer | None = None,
                     deadline: Deadline | None = None) -> list[ReadFigure]:
    """Every Kaplan-Meier figure on the page, top to bottom then left to right.

    With ``render``, a plot whose lines are drawn as filled dashes (no path to follow) is
    rendered and its curves traced (:func:`.raster_figure.trace_curves`) within the axes the
    text layer calibrated.
    """
    shapes = [as_stroke(s) for s in page.shapes]  # legend keys of dashes drawn as shapes
    entries = legend_entries(shapes, page.words)
    legend_orders = {e.order for e in entries}
    figures = []
    for axes in find_axes(page.words, page.shapes):
        region = plot_region(axes, page.shapes)
        found, notes = find_curves(page.shapes, axes, region, legend_orders)
        if render is not None and dash_shapes(page.shapes, region) >= 8:
            curves, rising, shared = _rendered(axes, region, render,
                                               entries + dot_entries(page.shapes, page.words),
                                               deadline or Deadline(60.0))
            notes.append("lines drawn as filled dashes: curves traced from the page rendered "
                         "at high resolution, within the axes read from the text")
            ambiguous = "; ".join(shared) + (": told apart by colour only" if shared else "")
        elif found:
            curves, rising, ambiguous = _from_paths(page, found, axes, region, entries,
                                                    legend_orders, notes)
        else:
            continue
        rows, row_notes = read_risk_table(page.words, axes, region)
        notes += row_notes
        matched, match_notes = match_rows(rows, curves) if rows else ({}, [])
        notes += match_notes
        x_title, y_title = _titles(page, axes, region, min((r.top for r in rows), default=None))
        figures.append(ReadFigure(
            kind="vector", box=axes.box, curves=curves, x_ticks=list(axes.x.ticks),
            y_ticks=list(axes.y.ticks), risk_rows=rows, nar_arm=matched, notes=notes,
            x_title=x_title, y_title=y_title, cumulative=rising, page=page_number,
            region=_overlay_region(axes, region, rows, page.words),
            scale_note=_scale_note(axes), ambiguous=ambiguous))
    figures.sort(key=lambda f: (round(f.box[1] / 20), f.box[0]))
    return figures


def _from_paths(page: PageContent, found: list[VectorCurve], axes: Axes,
                region: tuple[float, float, float, float], entries: list[LegendEntry],
                legend_orders: set[int], notes: list[str]) -> tuple[list[ReadCurve], bool, str]:
    """Curves read from their paths, in the legend's order, with censor marks and labels."""
    used = set(legend_orders).union(*(c.orders for c in found))
    find_censor_marks(page.shapes, found, region, used)
    found.sort(key=lambda c: (float(c.points[0, 1]), float(np.mean(c.points[:, 1]))))
    legend = match_legend(entries, [c.style for c in found], region)
    if legend:
        # the legend's order (top to bottom, left to right) is the arms' order
        order = sorted(range(len(found)), key=lambda i: (
            (0, legend[i].y, legend[i].x) if i in legend else (1, 0.0, float(i))))
        found = [found[i] for i in order]
        legend = {k: legend[i] for k, i in enumerate(order) if i in legend}
    curves = [_read_curve(axes, c, legend[i].label if i in legend else "")
              for i, c in enumerate(found)]
    if len(legend) < len(curves):
        notes.append(f"legend text found for {len(legend)} of {len(curves)} curves")
    keys = [c.style.key() for c in found]
    shared = sorted({c.style.describe() for c in found if keys.count(c.style.key()) > 1})
    ambiguous = (f"{len(found)} curves, but some share one line style ({'; '.join(shared)}):"
                 " the arms cannot be told apart" if shared else "")
    return curves, found[0].rising, ambiguous


def _pixel_axis(scale, origin: float, k: float) -> PixelAxis:
    """A page scale (value of a position in points) as one of pixels from ``origin`` at ``k``."""
    return PixelAxis(scale.a + scale.b * origin, scale.b / k,
                     tuple(((p - origin) * k, v) for p, v in scale.ticks), True, scale.log)


def _rendered(axes: Axes, region: tuple[float, float, float, float], render: Renderer,
              entries: list[LegendEntry], deadline: Deadline
              ) -> tuple[list[ReadCurve], bool, list[str]]:
    """Curves traced from the rendered plot, in page coordinates, named by legend colour."""
    left, top, right, bottom = region
    pad = 0.04 * (right - left)
    box = (left - pad, top - pad, right + pad, bottom + pad)
    rgb, k = render(box, min(10.0, 1600.0 / max(right - left, 1.0)))
    ox, oy = box[0], box[1]
    ax = RasterAxes(_pixel_axis(axes.x, ox, k), _pixel_axis(axes.y, oy, k),
                    ((left - ox) * k, (top - oy) * k, (right - ox) * k, (bottom - oy) * k),
                    max(2.0, k), ())
    x_values = [v for _, v in axes.x.ticks]
    y_values = [v for _, v in axes.y.ticks]
    x_origin = 0.0 if min(x_values) <= 0.0 <= max(x_values) else min(x_values)
    curves, rising, shared = trace_curves(rgb, ax, x_origin, (min(y_values), max(y_values)),
                                          axes.y.percent, deadline)
    for c in curves:
        c.xy = c.xy / k + np.array([ox, oy])
        c.censor_xy = c.censor_xy / k + np.array([ox, oy]) if c.censor_xy.size else c.censor_xy
        near = [e for e in entries if e.style.stroke is not None and
                sum((a - b) ** 2 for a, b in zip(e.style.stroke, c.colour, strict=True)) < 45 ** 2]
        labels = {e.label for e in near}
        c.label = labels.pop() if len(labels) == 1 else ""
        c.name = colour_name(c.colour)
        c.style_text = f"{hex_colour(c.colour)} {c.name}, traced"
    curves.sort(key=lambda c: min((e.y for e in entries if e.label == c.label and c.label),
                                  default=1e9))
    return curves, rising, shared


def _overlay_region(axes: Axes, region: tuple[float, float, float, float], rows: list,
                    words: list[Word]) -> tuple[float, float, float, float]:
    """The part of the page the overlay shows: the plot, its labels and its risk table."""
    left, top, right, bottom = region
    y_left = min(w.x0 for w in axes.y_labels)
    low = max([bottom] + [w.bottom for w in axes.x_labels] + [r.top + 8 for r in rows])
    row_left = [w.x0 for w in words if rows and any(abs(w.cy - r.top) < 4 for r in rows)]
    return (min([y_left - 20, *row_left]) - 4, top - 12, right + 12, low + 10)


def describe(fig: ReadFigure) -> str:
    """One line per curve, for listing figures."""
    parts = [f"{len(fig.curves)} curve(s)"]
    parts += [f"{hex_colour(c.colour)}{' dashed' if c.dashed else ''}"
              + (f" '{c.label}'" if c.label else "") for c in fig.curves]
    return ", ".join(parts)
