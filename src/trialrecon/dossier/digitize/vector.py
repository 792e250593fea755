"""Kaplan-Meier figures of one vector PDF page: axes, curves, legend, censor marks, risk table.

The order: axes from the tick labels (:mod:`.axes`), the plot's frame, legend keys
(:mod:`.legend`, kept out of the curves), step curves by style (:mod:`.curves`), censor marks,
then the numbers at risk under the plot (:mod:`.risktable`). A pair of axes holding no step
curve (a forest plot, a bar chart) is not a Kaplan-Meier figure and is passed over.
"""

from __future__ import annotations

import numpy as np

from trialrecon.dossier.digitize.axes import Axes, find_axes
from trialrecon.dossier.digitize.curves import (
    VectorCurve,
    find_censor_marks,
    find_curves,
    plot_region,
)
from trialrecon.dossier.digitize.geometry import PageContent, Word, hex_colour
from trialrecon.dossier.digitize.legend import legend_entries, match_legend
from trialrecon.dossier.digitize.model import ReadCurve, ReadFigure
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


def read_vector_page(page: PageContent, page_number: int | None = None) -> list[ReadFigure]:
    """Every Kaplan-Meier figure on the page, top to bottom then left to right."""
    entries = legend_entries(page.shapes, page.words)
    legend_orders = {e.order for e in entries}
    figures = []
    for axes in find_axes(page.words, page.shapes):
        region = plot_region(axes, page.shapes)
        found, notes = find_curves(page.shapes, axes, region, legend_orders)
        if not found:
            continue
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
        rows, row_notes = read_risk_table(page.words, axes, region)
        notes += row_notes
        matched, match_notes = match_rows(rows, curves) if rows else ({}, [])
        notes += match_notes
        x_title, y_title = _titles(page, axes, region, min((r.top for r in rows), default=None))
        keys = [c.style.key() for c in found]
        shared = sorted({c.style.describe() for c in found if keys.count(c.style.key()) > 1})
        ambiguous = (f"{len(found)} curves, but some share one line style ({'; '.join(shared)}):"
                     " the arms cannot be told apart" if shared else "")
        figures.append(ReadFigure(
            kind="vector", box=axes.box, curves=curves, x_ticks=list(axes.x.ticks),
            y_ticks=list(axes.y.ticks), risk_rows=rows, nar_arm=matched, notes=notes,
            x_title=x_title, y_title=y_title, cumulative=found[0].rising, page=page_number,
            region=_overlay_region(axes, region, rows, page.words),
            scale_note=_scale_note(axes), ambiguous=ambiguous))
    figures.sort(key=lambda f: (round(f.box[1] / 20), f.box[0]))
    return figures


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
