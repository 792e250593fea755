"""Kaplan-Meier curves of a vector figure: step-shaped strokes inside the plot, by style.

Every stroked, open shape inside the plot whose segments are all horizontal or vertical and
which only falls (survival) or only rises (cumulative incidence) is a *piece*. Pieces of one
style (stroke colour, width, dash pattern) are joined into a curve from the longest one outwards,
a piece joining only where it neither overlaps the curve nor breaks its monotony nor leaves a
wide gap: so a curve drawn as one path, as one path per step, or with its dashes drawn as
separate segments reads the same, and a median guide line or a legend key of the same colour is
left out. A curve must start near the top (survival) or the bottom (cumulative incidence) of the
axis. Small shapes centred on a curve (a tick, a plus, a circle) are its censor marks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trialrecon.dossier.digitize.axes import Axes
from trialrecon.dossier.digitize.geometry import PIECES, Shape, Style

_EPS = 0.08  # points: what counts as horizontal or vertical in a PDF's float coordinates


@dataclass(eq=False)
class Piece:
    """A monotone staircase fragment, its points sorted left to right."""

    points: np.ndarray
    style: Style
    rising: bool | None  # True: y falls on the page (the value rises); None: flat
    order: int = -1  # the shape it came from

    @property
    def x0(self) -> float:
        return float(self.points[0, 0])

    @property
    def x1(self) -> float:
        return float(self.points[-1, 0])

    @property
    def y_first(self) -> float:
        return float(self.points[0, 1])

    @property
    def y_last(self) -> float:
        return float(self.points[-1, 1])


@dataclass(eq=False)
class VectorCurve:
    """An assembled curve: its corners on the page, style and the pieces it used."""

    style: Style
    points: np.ndarray
    rising: bool
    pieces: int
    censor: np.ndarray  # (m, 2) mark centres, filled in later
    orders: frozenset[int] = frozenset()  # the shapes it is made of


def plot_region(axes: Axes, shapes: list[Shape]) -> tuple[float, float, float, float]:
    """The plot's frame: the axis lines where drawn, else the tick span widened by 5%."""
    left, top, right, bottom = axes.box
    w, h = right - left, bottom - top
    best_x = None
    best_y = None
    for s in shapes:
        if s.style.stroke is None or len(s.points) != 2:
            continue
        (ax, ay), (bx, by) = s.points
        if abs(ay - by) < _EPS and min(ax, bx) < left + 0.05 * w and \
                max(ax, bx) > right - 0.05 * w and bottom - 0.02 * h <= ay <= bottom + 0.2 * h:
            if best_x is None or ay < best_x[0]:
                best_x = (ay, min(ax, bx), max(ax, bx))
        if abs(ax - bx) < _EPS and min(ay, by) < top + 0.05 * h and \
                max(ay, by) > bottom - 0.05 * h and left - 0.2 * w <= ax <= left + 0.02 * w:
            if best_y is None or ax > best_y[0]:
                best_y = (ax, min(ay, by), max(ay, by))
    r_left = best_y[0] if best_y else left - 0.05 * w
    r_bottom = best_x[0] if best_x else bottom + 0.05 * h
    r_right = max(best_x[2], right) if best_x else right + 0.05 * w
    r_top = min(best_y[1], top) if best_y else top - 0.05 * h
    return (r_left, r_top, r_right, r_bottom)


def _is_steps(p: np.ndarray) -> bool:
    """Monotone, and falling (or rising) mostly in vertical segments: a step curve.

    Drawing programs simplify paths, so two drops a fraction of a point apart may be joined by
    one steep segment; a segment counts as vertical when its horizontal extent is under half a
    point (or a quarter of its height). A smooth curve (a fitted model) falls in slanted
    segments and is not a step curve.
    """
    d = np.diff(p, axis=0)
    if np.any(d[:, 0] < -_EPS):
        return False  # goes back left
    dy = d[:, 1]
    if np.any(dy > _EPS) and np.any(dy < -_EPS):
        return False
    fall = np.abs(dy)
    vertical = np.abs(d[:, 0]) <= np.maximum(0.5, 0.25 * fall)
    if fall.sum() > 0.5 and fall[vertical].sum() < 0.8 * fall.sum():
        return False
    horizontal = fall <= np.maximum(0.3, 0.05 * np.abs(d[:, 0]))
    other = ~(vertical | horizontal)
    length = np.hypot(d[:, 0], d[:, 1])
    return bool(length[other].sum() <= 0.1 * max(length.sum(), 1e-9))


def _piece(shape: Shape, region: tuple[float, float, float, float]) -> Piece | None:
    """The shape as a staircase piece clipped to the region's right edge, or None."""
    if shape.style.stroke is None or shape.curved or (shape.closed and len(shape.points) > 2):
        return None
    p = shape.points
    if len(p) < 2:
        return None
    if p[-1, 0] < p[0, 0] - _EPS:
        p = p[::-1]
    left, top, right, bottom = region
    if p[:, 0].max() < left - 1 or p[:, 0].min() > right + 1 or \
            p[:, 1].max() < top - 1 or p[:, 1].min() > bottom + 1:
        return None
    if not _is_steps(p):
        return None
    p = _clip_right(p, right)
    if p is None:
        return None
    dy = np.diff(p[:, 1])
    rising = None if not np.any(np.abs(dy) > _EPS) else bool(np.any(dy < -_EPS))
    keep = np.concatenate([[True], np.any(np.abs(np.diff(p, axis=0)) > 1e-6, axis=1)])
    return Piece(p[keep], shape.style, rising, shape.order)


def _clip_right(p: np.ndarray, right: float) -> np.ndarray | None:
    """The polyline up to x = right (a clipped curve keeps its hidden part in the file)."""
    if p[0, 0] > right + 0.5:
        return None
    inside = p[:, 0] <= right + 0.5
    if inside.all():
        return p
    k = int(np.argmin(inside))  # the first point beyond
    a = p[k - 1]
    return np.vstack([p[:k], [[right, a[1]]]])


def _fits(piece: Piece, chosen: list[Piece], rising: bool, gap: float) -> bool:
    """The piece extends the curve: no overlap, monotone with its neighbours, a small gap."""
    tol = 0.3
    before = [c for c in chosen if c.x1 <= piece.x0 + tol]
    after = [c for c in chosen if c.x0 >= piece.x1 - tol]
    if len(before) + len(after) != len(chosen):
        return False  # overlaps a piece already in the curve
    sign = -1.0 if rising else 1.0  # survival falls: y (down the page) grows with x
    if before:
        left = max(before, key=lambda c: (c.x1, sign * c.y_last))
        if piece.x0 - left.x1 > gap or sign * (piece.points[:, 1].min() if sign > 0 else
                                                 piece.points[:, 1].max()) < \
                sign * left.y_last - tol:
            return False
    if after:
        right = min(after, key=lambda c: (c.x0, sign * c.y_first))
        if right.x0 - piece.x1 > gap or sign * (piece.points[:, 1].max() if sign > 0 else
                                                 piece.points[:, 1].min()) > \
                sign * right.y_first + tol:
            return False
    return bool(before or after)


def _assemble(pieces: list[Piece], rising: bool, gap: float) -> tuple[list[Piece], list[Piece]]:
    """The longest piece and every piece that extends it (repeated to a fixed point)."""
    pool = sorted(pieces, key=lambda p: (-(p.x1 - p.x0), p.x0, p.y_first))
    chosen = [pool.pop(0)]
    changed = True
    while changed and pool:
        changed = False
        for p in list(pool):
            if _fits(p, chosen, rising, gap):
                chosen.append(p)
                pool.remove(p)
                changed = True
    chosen.sort(key=lambda p: (p.x0, p.y_first if not rising else -p.y_first))
    return chosen, pool


def _corners(chosen: list[Piece], rising: bool) -> np.ndarray:
    pts = np.vstack([p.points for p in chosen])
    sign = -1.0 if rising else 1.0
    order = np.lexsort((sign * pts[:, 1], pts[:, 0]))
    pts = pts[order]
    keep = np.concatenate([[True], np.any(np.abs(np.diff(pts, axis=0)) > 1e-6, axis=1)])
    return pts[keep]


def as_stroke(shape: Shape) -> Shape:
    """A thin filled rectangle as the line it draws (a dash a PDF printer turned into a shape).

    Chromium, and other printers, write a dashed line as one filled rectangle per dash; such a
    rectangle, at most 3 points thick and axis-aligned, becomes a stroke along its middle, its
    thickness the width, with the dash pattern :data:`PIECES`.
    """
    st = shape.style
    if st.stroke is not None or st.fill is None or not shape.closed or shape.curved or \
            len(shape.points) > 7:
        return shape
    w, h = shape.size
    thick, length = min(w, h), max(w, h)
    if not (0.2 <= thick <= 3.0 and length >= 1.0):
        return shape
    p = shape.points
    area = 0.5 * abs(float(np.dot(p[:-1, 0], p[1:, 1]) - np.dot(p[1:, 0], p[:-1, 1])))
    if area < 0.8 * w * h:
        return shape  # not a rectangle (a dash around a corner, a marker)
    x0, y0, x1, y1 = shape.bbox
    line = np.array([[x0, (y0 + y1) / 2], [x1, (y0 + y1) / 2]]) if w >= h else \
        np.array([[(x0 + x1) / 2, y0], [(x0 + x1) / 2, y1]])
    return Shape(line, Style(st.fill, None, thick, PIECES), False, False, shape.order)


def find_curves(shapes: list[Shape], axes: Axes, region: tuple[float, float, float, float],
                skip: set[int]) -> tuple[list[VectorCurve], list[str]]:
    """Step curves inside ``region`` and notes on what was left out.

    ``skip`` holds the ``order`` of shapes already explained (legend keys). A style holding two
    curves is reported in the notes, and both curves are returned with the same style.
    """
    left, top, right, bottom = region
    width, height = right - left, bottom - top
    by_style: dict[tuple, list[Piece]] = {}
    for s in shapes:
        if s.order in skip:
            continue
        s = as_stroke(s)
        p = _piece(s, region)
        if p is None:
            continue
        if len(p.points) == 2 and ((p.x1 - p.x0) > 0.9 * width or
                                   abs(p.y_last - p.y_first) > 0.9 * height):
            continue  # an axis line or a gridline
        by_style.setdefault(s.style.key(), []).append(p)
    # the figure's direction: survival curves fall, cumulative incidence rises
    # (weighted by width, so that a crowd of censor ticks, drawn either way, has no say)
    votes = [(p.x1 - p.x0) * (1 if p.rising else -1) for ps in by_style.values() for p in ps
             if p.rising is not None]
    rising = sum(votes) > 0
    notes: list[str] = []
    curves: list[VectorCurve] = []
    for key in sorted(by_style, key=str):
        pieces = [p for p in by_style[key] if p.rising in (None, rising)]
        found = 0
        while pieces:
            if max(p.x1 - p.x0 for p in pieces) < 0.1 * width and pieces[0].style.dash != PIECES:
                break  # only short strokes left (marks, keys): a curve has a long path
            chosen, pieces = _assemble(pieces, rising, 0.04 * width)
            pts = _corners(chosen, rising)
            if pts[-1, 0] - pts[0, 0] < 0.15 * width:
                break
            start_ok = (pts[0, 1] > bottom - 0.12 * height) if rising else \
                (pts[0, 1] < top + 0.12 * height)
            if not start_ok or pts[0, 0] > left + 0.1 * width:
                continue  # a guide line (a median drawn to the axis) or an annotation
            drops = int(np.sum(np.abs(np.diff(pts[:, 1])) > _EPS))
            if drops < 1:
                continue
            found += 1
            curves.append(VectorCurve(chosen[0].style, pts, rising, len(chosen),
                                      np.zeros((0, 2)), frozenset(p.order for p in chosen)))
        if found > 1:
            notes.append(f"{found} curves share one line style ({chosen[0].style.describe()})")
    return curves, notes


def level_at(curve: VectorCurve, x: float) -> tuple[float, float]:
    """The curve's y just left and just right of ``x`` (equal away from a step)."""
    pts = curve.points
    xs = pts[:, 0]
    if x <= xs[0]:
        return float(pts[0, 1]), float(pts[0, 1])
    if x >= xs[-1]:
        return float(pts[-1, 1]), float(pts[-1, 1])
    i = int(np.searchsorted(xs, x, side="left"))
    j = int(np.searchsorted(xs, x, side="right"))
    y_left = float(pts[i - 1, 1]) if i > 0 else float(pts[0, 1])
    y_right = float(pts[j - 1, 1]) if j > 0 else float(pts[0, 1])
    return y_left, y_right


def find_censor_marks(shapes: list[Shape], curves: list[VectorCurve],
                      region: tuple[float, float, float, float], used: set[int]) -> None:
    """Small shapes centred on a curve become its censor marks (``curve.censor``)."""
    left, top, right, bottom = region
    limit = max(2.0, 0.06 * min(right - left, bottom - top))
    centres: list[tuple[float, float, float, tuple]] = []
    for s in shapes:
        if s.order in used:
            continue
        w, h = s.size
        if max(w, h) > limit or max(w, h) < 0.8:
            continue
        x0, y0, x1, y1 = s.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (left + 0.5 < cx < right + 0.5 and top - 0.5 < cy < bottom - 0.5):
            continue
        colour = s.style.stroke or s.style.fill
        centres.append((cx, cy, max(h, w), colour))
    centres.sort(key=lambda c: (round(c[0], 1), round(c[1], 1)))
    merged: list[tuple[float, float, float, tuple]] = []
    for c in centres:  # the two strokes of a plus sign are one mark
        if merged and abs(merged[-1][0] - c[0]) < 0.6 and abs(merged[-1][1] - c[1]) < 0.6:
            continue
        merged.append(c)
    marks: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(curves))}
    for cx, cy, size, colour in merged:
        best = None
        for i, curve in enumerate(curves):
            if cx < curve.points[0, 0] - 0.5 or cx > curve.points[-1, 0] + 0.5:
                continue
            yl, yr = level_at(curve, cx)
            dist = min(abs(cy - yl), abs(cy - yr))
            if dist > max(0.8, 0.3 * size):
                continue
            same = colour == curve.style.stroke
            rank = (0 if same else 1, dist)
            if best is None or rank < best[0]:
                best = (rank, i, yl if abs(cy - yl) <= abs(cy - yr) else yr)
        if best is not None:
            marks[best[1]].append((cx, best[2]))
    for i, curve in enumerate(curves):
        curve.censor = np.array(marks[i], dtype=float).reshape(-1, 2)


def dash_shapes(shapes: list[Shape], region: tuple[float, float, float, float]) -> int:
    """Filled shapes inside the plot that are dashes of a line (see :func:`as_stroke`), or
    curved pieces of one (round joins), none larger than a tenth of the plot."""
    left, top, right, bottom = region
    limit = 0.1 * min(right - left, bottom - top)
    n = 0
    for s in shapes:
        if s.style.stroke is not None or s.style.fill is None or not s.closed:
            continue
        if max(s.style.fill) - min(s.style.fill) < 30 and min(s.style.fill) > 200:
            continue  # white or pale grey: a background, a band
        w, h = s.size
        x0, y0, x1, y1 = s.bbox
        if min(w, h) <= 3.0 and max(w, h) <= limit and left <= x0 and x1 <= right + 1 and \
                top - 1 <= y0 and y1 <= bottom + 1:
            n += 1
    return n
