"""Axes of a vector figure: tick labels from the text layer, tick marks from the paths.

An x axis is a row of numeric labels on one baseline whose values rise evenly from left to right
(linearly, or evenly in log10 for a log axis); a y axis is a column of numeric labels, right- or
centre-aligned, whose values fall evenly from top to bottom. A y column left of an x row and
just above it makes a pair: the axes of one figure. Each label is then moved onto its tick mark
(a short stroke perpendicular to the axis next to the label) or gridline, because label boxes
are only centred on their ticks to within a point or two; the scale is a least-squares line
through (position, value), checked for residuals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trialrecon.dossier.digitize.geometry import Shape, Word, parse_number


@dataclass(frozen=True)
class Scale:
    """value = a + b * position (linear), or log10(value) = a + b * position (log)."""

    a: float
    b: float
    log: bool
    ticks: tuple[tuple[float, float], ...]  # (position, value) used to fit
    from_marks: bool  # positions are tick marks or gridlines, not label centres
    percent: bool = False

    def value(self, pos: np.ndarray | float) -> np.ndarray:
        v = self.a + self.b * np.asarray(pos, dtype=float)
        return 10.0 ** v if self.log else v

    def position(self, value: np.ndarray | float) -> np.ndarray:
        v = np.asarray(value, dtype=float)
        if self.log:
            v = np.log10(np.maximum(v, 1e-300))
        return (v - self.a) / self.b

    @property
    def span(self) -> tuple[float, float]:
        pos = [p for p, _ in self.ticks]
        return min(pos), max(pos)


@dataclass(frozen=True)
class Axes:
    """A figure's two scales, its plot box (left, top, right, bottom) and the labels used."""

    x: Scale
    y: Scale
    box: tuple[float, float, float, float]
    x_labels: tuple[Word, ...]
    y_labels: tuple[Word, ...]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _numbers(words: list[Word]) -> list[tuple[Word, float, bool]]:
    out = []
    for w in words:
        parsed = parse_number(w.text)
        if parsed is not None:
            out.append((w, parsed[0], parsed[1]))
    return out


def _fit(pos: np.ndarray, val: np.ndarray, log: bool) -> tuple[float, float, float]:
    """(a, b, worst residual in position units) of the least-squares scale."""
    v = np.log10(val) if log else val
    b, a = np.polyfit(pos, v, 1)
    if b == 0:
        return a, b, math.inf
    resid = np.abs((v - a) / b - pos)
    return float(a), float(b), float(resid.max())


def _even(pos: np.ndarray, val: np.ndarray, size: float) -> bool | None:
    """None when not an axis; False when linear, True when logarithmic."""
    if len(pos) < 3 or np.any(np.diff(val) <= 0):
        return None
    tol = max(0.35 * size, 0.004 * float(pos[-1] - pos[0]))
    if _fit(pos, val, False)[2] <= tol:
        return False
    if np.all(val > 0) and _fit(pos, val, True)[2] <= tol:
        return True
    return None


def _runs(items: list[tuple[Word, float, bool]], along: str) -> list[list[tuple]]:
    """Maximal runs of labels with rising values and even spacing along ``x`` or ``y``."""
    key = (lambda t: t[0].cx) if along == "x" else (lambda t: -t[0].cy)
    items = sorted(items, key=key)
    out: list[list[tuple]] = []
    i = 0
    while i < len(items):
        best_j = i
        for j in range(i + 2, len(items)):
            run = items[i: j + 1]
            pos = np.array([key(t) for t in run])
            val = np.array([t[1] for t in run])
            if _even(pos, val, run[0][0].size) is None:
                if np.any(np.diff(val) <= 0):
                    break
                continue
            best_j = j
        if best_j >= i + 2:
            out.append(items[i: best_j + 1])
            i = best_j + 1
        else:
            i += 1
    return out


def x_label_rows(words: list[Word]) -> list[list[tuple]]:
    """Rows of x tick labels: one baseline, one font size, values rising evenly."""
    nums = _numbers(words)
    rows: list[list[tuple]] = []
    for item in sorted(nums, key=lambda t: (t[0].bottom, t[0].x0)):
        for row in rows:
            w = row[0][0]
            if abs(w.bottom - item[0].bottom) < 0.3 * w.size and abs(w.size - item[0].size) < \
                    0.15 * w.size:
                row.append(item)
                break
        else:
            rows.append([item])
    return [run for row in rows for run in _runs(row, "x")]


def y_label_columns(words: list[Word]) -> list[list[tuple]]:
    """Columns of y tick labels: right-aligned (or centred), values rising evenly upwards."""
    nums = _numbers(words)
    found: list[list[tuple]] = []
    for anchor in ("right", "centre"):
        cols: list[list[tuple]] = []
        for item in sorted(nums, key=lambda t: (t[0].x1, t[0].top)):
            x = item[0].x1 if anchor == "right" else item[0].cx
            for col in cols:
                ref = col[0][0].x1 if anchor == "right" else col[0][0].cx
                if abs(ref - x) < 0.35 * col[0][0].size and \
                        abs(col[0][0].size - item[0].size) < 0.15 * col[0][0].size:
                    col.append(item)
                    break
            else:
                cols.append([item])
        for col in cols:
            for run in _runs(col, "y"):
                if not any({id(t[0]) for t in run} <= {id(t[0]) for t in f} for f in found):
                    found.append(run)
    return found


def _pair_score(xrow: list[tuple], ycol: list[tuple]) -> float | None:
    """How well a y label column and an x label row make one figure's axes (lower is better)."""
    x_left = xrow[0][0].cx
    x_span = xrow[-1][0].cx - x_left
    y_right = max(t[0].x1 for t in ycol)
    y_bottom = ycol[0][0].cy  # the lowest label (runs are sorted upwards)
    y_span = y_bottom - ycol[-1][0].cy
    row_y = xrow[0][0].cy
    size = xrow[0][0].size
    dx = x_left - y_right  # the y labels end left of the first x label's centre
    dy = row_y - y_bottom  # the x labels sit below the lowest y label
    if not (-0.5 * size < dx < 0.35 * x_span + 3 * size):
        return None
    if not (-0.5 * size < dy < 0.35 * y_span + 4 * size):
        return None
    if x_span < 4 * size or y_span < 4 * size:
        return None
    return dx / x_span + dy / y_span


def _marks(shapes: list[Shape], vertical: bool) -> np.ndarray:
    """(position, lo, hi, length) of straight strokes along one direction."""
    out = []
    for s in shapes:
        if s.style.stroke is None or s.curved or len(s.points) < 2:
            continue
        p = s.points
        for a, b in zip(p[:-1], p[1:], strict=True):
            dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
            if vertical and dx < 0.05 and dy > 0.5:
                out.append((a[0], min(a[1], b[1]), max(a[1], b[1]), dy))
            elif not vertical and dy < 0.05 and dx > 0.5:
                out.append((a[1], min(a[0], b[0]), max(a[0], b[0]), dx))
    return np.array(out, dtype=float).reshape(-1, 4)


def _snap(labels: list[tuple], marks: np.ndarray, along: str, near: tuple[float, float],
          spacing: float) -> tuple[np.ndarray, bool]:
    """Label positions moved onto their tick marks when every label has one close by.

    ``near`` is the band (across the axis) where a tick mark of this axis lies; ``spacing`` the
    distance between labels, so a mark further than a fifth of it is not this label's.
    """
    centre = np.array([t[0].cx if along == "x" else t[0].cy for t in labels])
    if marks.size == 0:
        return centre, False
    lo, hi = near
    ok = (marks[:, 2] >= lo) & (marks[:, 1] <= hi)
    cand = marks[ok]
    snapped = []
    for c in centre:
        if cand.size == 0:
            return centre, False
        d = np.abs(cand[:, 0] - c)
        k = int(np.argmin(d))
        if d[k] > 0.2 * spacing:
            return centre, False
        snapped.append(cand[k, 0])
    return np.array(snapped), True


def find_axes(words: list[Word], shapes: list[Shape]) -> list[Axes]:
    """Every pair of x and y tick-label sets that frames a plot, best pairs first."""
    rows = x_label_rows(words)
    cols = y_label_columns(words)
    pairs = []
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            score = _pair_score(r, c)
            if score is not None:
                pairs.append((score, i, j))
    pairs.sort()
    used_r: set[int] = set()
    used_c: set[int] = set()
    vert = _marks(shapes, True)
    horiz = _marks(shapes, False)
    out = []
    for _, i, j in pairs:
        if i in used_r or j in used_c:
            continue
        axes = _build(rows[i], cols[j], vert, horiz)
        if axes is not None:
            used_r.add(i)
            used_c.add(j)
            out.append(axes)
    return out


def _build(xrow: list[tuple], ycol: list[tuple], vert: np.ndarray,
           horiz: np.ndarray) -> Axes | None:
    size = xrow[0][0].size
    x_lo, x_hi = xrow[0][0].cx, xrow[-1][0].cx
    y_top, y_bottom = ycol[-1][0].cy, ycol[0][0].cy
    x_spacing = (x_hi - x_lo) / (len(xrow) - 1)
    y_spacing = (y_bottom - y_top) / (len(ycol) - 1)
    # tick marks of x sit between the plot's bottom and the labels' top; gridlines across it
    x_pos, x_marks = _snap(xrow, vert, "x", (y_bottom - 0.5 * size, xrow[0][0].top), x_spacing)
    y_right = max(t[0].x1 for t in ycol)
    y_pos, y_marks = _snap(ycol, horiz, "y", (y_right, x_lo + 0.5 * size), y_spacing)
    x_val = np.array([t[1] for t in xrow])
    y_val = np.array([t[1] for t in ycol])
    x_log = _even(x_pos, x_val, size)
    y_log = _even(-y_pos, y_val, size)
    if x_log is None or y_log is None:
        return None
    xa, xb, _ = _fit(x_pos, x_val, x_log)
    ya, yb, _ = _fit(y_pos, y_val, y_log)
    percent = any(t[2] for t in ycol) or (not y_log and y_val.max() > 1.5
                                          and y_val.max() <= 100.0 + 1e-9)
    xs = Scale(xa, xb, x_log, tuple(zip(x_pos.tolist(), x_val.tolist(), strict=True)), x_marks)
    ys = Scale(ya, yb, y_log, tuple(zip(y_pos.tolist(), y_val.tolist(), strict=True)), y_marks,
               percent)
    box = (float(x_pos.min()), float(y_pos.min()), float(x_pos.max()), float(y_pos.max()))
    return Axes(xs, ys, box, tuple(t[0] for t in xrow), tuple(t[0] for t in ycol))
