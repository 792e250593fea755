"""A raster figure read whole: axes from :mod:`.raster_axes`, curves from :mod:`.raster`.

:func:`trace_curves` also serves a vector page whose curves are not paths a reader can follow
(dashes printed as filled shapes): the page is rendered and traced inside the axes the text
layer calibrated.
"""

from __future__ import annotations

import numpy as np

from trialrecon.dossier.digitize.geometry import colour_name
from trialrecon.dossier.digitize.limits import Deadline, DigitizeError
from trialrecon.dossier.digitize.model import ReadCurve, ReadFigure
from trialrecon.dossier.digitize.raster import (
    _cluster_masks,
    _curves_of_cluster,
    _Trace,
)
from trialrecon.dossier.digitize.raster_axes import RasterAxes, RasterOptions, find_raster_axes


def _fill_gaps(corners: np.ndarray, others: list[np.ndarray], min_gap: float) -> np.ndarray:
    """Steps hidden under another curve: copied from it where both ends of the gap meet it."""
    if corners.shape[0] < 2 or not others:
        return corners
    out = [corners[0]]
    for a, b in zip(corners[:-1], corners[1:], strict=True):
        if b[0] - a[0] >= min_gap and b[1] > a[1] + 0.5:
            for o in others:
                inside = o[(o[:, 0] > a[0]) & (o[:, 0] < b[0])]
                if inside.size == 0:
                    continue
                level_a = _level(o, a[0] + 0.5)
                level_b = _level(o, b[0] - 0.5)
                if abs(level_a - a[1]) <= 1.5 and abs(level_b - b[1]) <= 1.5:
                    out += [p for p in inside]
                    break
        out.append(b)
    pts = np.array(out)
    return pts[np.lexsort((pts[:, 1], pts[:, 0]))]


def _level(corners: np.ndarray, x: float) -> float:
    i = int(np.searchsorted(corners[:, 0], x, side="right")) - 1
    return float(corners[max(i, 0), 1])


def _start_at_origin(corners: np.ndarray, ax: RasterAxes, x_origin: float,
                     y_start_value: float) -> np.ndarray:
    """Every curve starts at (x origin, its start): a start hidden under another curve is put
    back."""
    x0 = float(ax.x.position(x_origin))
    y_start = float(ax.y.position(y_start_value))
    left, top, right, bottom = ax.box
    if corners[0, 0] - x0 > 0.05 * (right - left):
        return corners
    if abs(corners[0, 1] - y_start) > 0.05 * (bottom - top):
        return corners
    if abs(corners[0, 1] - y_start) <= 1.0:
        corners = corners.copy()
        corners[0] = (x0, y_start)
        return corners
    first = np.array([[x0, y_start], [corners[0, 0], y_start]])
    return np.vstack([first, corners])


def _dashed(tr: _Trace, corners: np.ndarray) -> bool:
    span = corners[-1, 0] - corners[0, 0] + 1
    return tr.cols.size < 0.8 * span


def read_raster(rgb: np.ndarray, opts: RasterOptions, deadline: Deadline) -> ReadFigure:
    """The Kaplan-Meier figure of an image (pixel coordinates, y down)."""
    if rgb.ndim != 3 or rgb.shape[0] < 80 or rgb.shape[1] < 100:
        raise DigitizeError("the image is too small to hold a readable figure")
    ax = find_raster_axes(rgb, opts)
    deadline.check("finding the axes of the image")
    percent = opts.y_max > 1.5
    curves, rising, shared = trace_curves(rgb, ax, opts.x_min, (opts.y_min, opts.y_max),
                                          percent, deadline)
    _name_curves(curves)
    curves.sort(key=lambda c: c.name)
    notes = list(ax.notes)
    if percent:
        notes.append(f"y axis read as percent (0-{opts.y_max:g})")
    return ReadFigure(kind="raster", box=ax.box, curves=curves, x_ticks=list(ax.x.ticks),
                      y_ticks=list(ax.y.ticks), notes=notes, cumulative=rising,
                      region=(0.0, 0.0, float(rgb.shape[1]), float(rgb.shape[0])),
                      scale_note=_scale_note(ax, opts),
                      ambiguous="; ".join(shared) + (": an image's curves are told apart by "
                                                     "colour only" if shared else ""))


def trace_curves(rgb: np.ndarray, ax: RasterAxes, x_origin: float,
                 y_range: tuple[float, float], percent: bool, deadline: Deadline
                 ) -> tuple[list[ReadCurve], bool, list[str]]:
    """The curves inside calibrated axes: (curves, rising, colours shared by several)."""
    clusters, crop = _cluster_masks(rgb, ax)
    traced = []
    shared = []
    for colour, member, weight in clusters:
        deadline.check("tracing the curves")
        found = _curves_of_cluster(colour, member, weight, crop, ax)
        if len(found) > 1:
            shared.append(f"{len(found)} curves share the colour {colour_name(colour)}")
        traced += found
    if not traced:
        raise DigitizeError("no step-shaped curve found inside the axes")
    rising = sum(t.rising for t, _, _ in traced) > len(traced) / 2
    traced = [t for t in traced if t[0].rising == rising]
    curves = []
    for k, (tr, corners, marks) in enumerate(traced):
        others = [c for j, (_, c, _) in enumerate(traced) if j != k]
        start = y_range[0] if rising else y_range[1]
        corners = _start_at_origin(_fill_gaps(corners, others, 2.0), ax, x_origin, start)
        curves.append(_to_curve(tr, corners, marks, ax, percent))
    return curves, rising, shared


def _to_curve(tr: _Trace, corners: np.ndarray, marks: np.ndarray, ax: RasterAxes,
              percent: bool) -> ReadCurve:
    def values(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if xy.size == 0:
            return np.zeros(0), np.zeros(0)
        t = ax.x.value(xy[:, 0])
        v = ax.y.value(xy[:, 1])
        if percent:
            v = v / 100.0
        return t, (1.0 - v if tr.rising else v)

    t, s = values(corners)
    ct, cs = values(marks)
    return ReadCurve(colour=tr.colour, dashed=_dashed(tr, corners), xy=corners,
                     censor_xy=marks, time=t, survival=s, censor_time=ct, censor_survival=cs)


def _name_curves(curves: list[ReadCurve]) -> None:
    """Plain names from the colour (and dash), unique: 'blue', 'black-dashed', 'red-2'."""
    for c in curves:
        c.name = colour_name(c.colour) + ("-dashed" if c.dashed else "")
    seen: dict[str, int] = {}
    for c in curves:
        seen[c.name] = seen.get(c.name, 0) + 1
        if [d.name for d in curves].count(c.name) > 1:
            c.name = f"{c.name}-{seen[c.name]}"
        c.style_text = c.name


def _scale_note(ax: RasterAxes, opts: RasterOptions) -> str:
    def one(name: str, axis, lo: float, hi: float) -> str:
        how = f"{len(axis.ticks)} tick marks" if axis.from_ticks else "the axis line's ends"
        return f"{name} {lo:g}-{hi:g} from the options, placed at {how}"
    return "; ".join([one("x", ax.x, opts.x_min, opts.x_max or 0.0),
                      one("y", ax.y, opts.y_min, opts.y_max)])
