"""Kaplan-Meier curves of a raster image: colour clusters traced as monotone step paths.

Tools: numpy, with Pillow (already installed with matplotlib) to decode; not scikit-image or
OpenCV, after measuring. What the reading needs is per-column runs of pixels, a colour
histogram and a dynamic programme over columns. On a 900 x 600 figure the column runs take 11 ms
in numpy; OpenCV's connected components take 4.5 ms but are not what the programme needs, and
the reading's time (under a second, command start included; ``benchmarks/bench_digitize.py``)
is spent in the programme, which neither library provides. OpenCV's headless wheel is 64 MB,
scikit-image's 14 MB plus four more packages; neither removes a step of the method.

1. Axes and scales: :mod:`.raster_axes`.
2. Colours: pixels of the plot inside the axes that differ from the background are binned
   (16 levels per channel); the most frequent bins that are not a lighter (anti-aliased) shade
   of a stronger colour become cluster centres. A pixel belongs to the centre it lies closest
   to on the line from the background to that colour, if at least 40% of the way (so the pale
   fill of a confidence band, drawn in the arm's colour, is left out).
3. Tracing: in each cluster, every column's runs of pixels are candidates. A run reaching
   out above or below the line (on the side a drop cannot) is cut back to the line and
   recorded as a censor mark; a plus sign's level arms are dropped where the curve falls
   within their reach. A dynamic programme picks at most one run per column so that the curve never
   rises; skipping a column costs 1 and a drop a little per pixel (so it does not fall onto a
   label below it). A second and third curve of one colour are traced from what is left, and
   reported: an image's arms are told apart by colour only.
4. A gap the path skipped (a dash, or where another curve is drawn over it) takes that other
   curve's steps when both ends meet it; else its drop is put where the cluster has strong
   ink between the two levels (a dot or dash of the vertical line), else midway between the
   last ink on the upper line and the first on the lower one. A stroke cut short by a blank
   gap runs on to the next plateau; a last stroke that reaches the x axis ends on it; drops
   found out of order are pooled (a falling curve drops at later and later times). A line
   wider than ``raster_edges.THICK`` pixels is read from its edges (:mod:`.raster_edges`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trialrecon.dossier.digitize.geometry import RGB
from trialrecon.dossier.digitize.limits import DigitizeError
from trialrecon.dossier.digitize.raster_axes import RasterAxes
from trialrecon.dossier.digitize.raster_edges import THICK, edge_corners
from trialrecon.dossier.digitize.raster_marks import _group_marks, _not_arms, _Runs, _trim_ticks

_SKIP = 1.0  # cost of a column without a run
_DROP = 0.01  # cost per pixel of fall


@dataclass
class _Trace:
    colour: RGB
    cols: np.ndarray  # chosen columns, increasing
    top: np.ndarray
    bottom: np.ndarray
    centre: np.ndarray
    width: float  # line thickness in pixels
    rising: bool
    marks: np.ndarray  # (m, 2) censor marks found on the path (x, y)
    thick: bool = False  # a line wider than THICK pixels: read from its edges


def _background(rgb: np.ndarray) -> np.ndarray:
    q = (rgb[::4, ::4].reshape(-1, 3) // 8).astype(np.int64)
    keys, counts = np.unique(q[:, 0] * 1024 + q[:, 1] * 32 + q[:, 2], return_counts=True)
    k = int(keys[np.argmax(counts)])
    return np.array([k // 1024, (k // 32) % 32, k % 32], dtype=float) * 8 + 4


def _alpha(pixels: np.ndarray, bg: np.ndarray, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far each pixel lies from the background towards ``centre``, and how far off it."""
    d = centre - bg
    v = pixels - bg
    a = v @ d / max(float(d @ d), 1e-9)
    resid = np.linalg.norm(v - a[:, None] * d[None, :], axis=1)
    return a, resid


def _centres(pixels: np.ndarray, bg: np.ndarray, min_count: int) -> list[np.ndarray]:
    """Colours of the curves: frequent bins that are not a paler shade of a stronger one."""
    q = (pixels // 16).astype(np.int64)
    keys = q[:, 0] * 256 + q[:, 1] * 16 + q[:, 2]
    uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    means = np.stack([np.bincount(inverse, weights=pixels[:, c]) / counts for c in range(3)], 1)
    centres: list[np.ndarray] = []
    for k in np.argsort(-counts, kind="stable"):
        if counts[k] < min_count:
            break
        c = means[k]
        if np.linalg.norm(c - bg) < 100:
            continue  # too pale for a curve: anti-aliased edges, gridlines, bands
        explained = False
        for j, e in enumerate(centres):
            a, r = _alpha(c[None, :], bg, e)
            if r[0] < 30 and 0.2 <= a[0] <= 1.25:
                explained = True
                if a[0] > 1.05:
                    centres[j] = c  # a stronger shade of the same colour
                break
        if not explained:
            centres.append(c)
        if len(centres) >= 8:
            break
    return centres


def _assign(pixels: np.ndarray, bg: np.ndarray, centres: list[np.ndarray]) -> np.ndarray:
    """Index of each pixel's colour cluster, -1 for none."""
    best = np.full(pixels.shape[0], -1)
    best_r = np.full(pixels.shape[0], np.inf)
    # off the line by at most a quarter of the pixel's distance from the background: a pale
    # pixel of another hue (a confidence band) is not a faint pixel of this colour
    limit = np.maximum(12.0, 0.25 * np.linalg.norm(pixels - bg, axis=1))
    for j, c in enumerate(centres):
        a, r = _alpha(pixels, bg, c)
        ok = (a >= 0.4) & (a <= 1.4) & (r < np.minimum(45.0, limit)) & (r < best_r)
        best[ok] = j
        best_r[ok] = r[ok]
    return best


def _runs(mask: np.ndarray, weight: np.ndarray, x0: int) -> _Runs:
    """Vertical runs of each column of ``mask`` (gaps of one pixel bridged)."""
    m = mask.copy()
    m[1:-1] |= mask[:-2] & mask[2:]  # bridge one-pixel gaps
    padded = np.zeros((m.shape[0] + 2, m.shape[1]), dtype=np.int8)
    padded[1:-1] = m
    d = np.diff(padded, axis=0)
    rs, cs = np.nonzero(d == 1)
    re, ce = np.nonzero(d == -1)
    o1 = np.lexsort((rs, cs))
    o2 = np.lexsort((re, ce))
    rs, cs, re = rs[o1], cs[o1], re[o2] - 1
    cum = np.vstack([np.zeros((1, m.shape[1])), np.cumsum(weight, axis=0)])
    rows = np.arange(weight.shape[0], dtype=float)[:, None]
    cumr = np.vstack([np.zeros((1, m.shape[1])), np.cumsum(weight * rows, axis=0)])
    w = cum[re + 1, cs] - cum[rs, cs]
    centre = np.where(w > 0, (cumr[re + 1, cs] - cumr[rs, cs]) / np.maximum(w, 1e-9),
                      (rs + re) / 2.0)
    return _Runs(cs + x0, rs.astype(float), re.astype(float), centre)


def _dp(runs: _Runs, width: float, height: int, x_first: int, x_last: int,
        thick: bool = False) -> np.ndarray:
    """Indices of the runs on the best monotone path (see the module docstring)."""
    n = runs.col.size
    if n == 0:
        return np.zeros(0, dtype=int)
    half = width / 2.0
    y_hi = runs.top + half
    y_lo = runs.bottom - half
    cost = np.zeros(n)
    back = np.full(n, -1)
    best_key = np.full(height + 2, np.inf)
    best_id = np.full(height + 2, -1)
    order = np.argsort(runs.col, kind="stable")
    cols = runs.col[order]
    bounds = np.flatnonzero(np.diff(cols)) + 1
    groups = np.split(order, bounds)
    near: list[np.ndarray] = []  # the runs of the last two columns (a thick line)
    for g in groups:
        x = int(runs.col[g[0]])
        pm = np.minimum.accumulate(best_key)
        pid = np.maximum.accumulate(np.where(best_key <= pm, np.arange(best_key.size), -1))
        for i in g:
            thr = int(np.clip(np.floor(y_hi[i] + 1.0), -1, height + 1))
            start = (x - x_first) * _SKIP
            c_prev = pm[thr] if thr >= 0 else np.inf
            c = x * _SKIP + _DROP * y_lo[i] + c_prev
            if c < start:
                cost[i] = c
                back[i] = best_id[pid[thr]]
            else:
                cost[i] = start
        if thick:
            _follow_band(runs, g, near, y_hi, y_lo, cost, back)
            near = (near + [g])[-2:]
        for i in g:
            r = int(np.clip(np.ceil(y_lo[i] - 1e-9), 0, height + 1))
            key = cost[i] - (x + 1) * _SKIP - _DROP * y_lo[i]
            if key < best_key[r]:
                best_key[r] = key
                best_id[r] = i
    final = cost + (x_last - runs.col) * _SKIP
    i = int(np.argmin(final))
    path = []
    while i >= 0:
        path.append(i)
        i = int(back[i])
    return np.array(path[::-1], dtype=int)


def _line_width(lengths: np.ndarray) -> float:
    """The plateaus' line width: the shortest run length a sixth of the columns have. The
    median (or the commonest length) is a censor tick's height on a figure dense with them;
    single pixels are specks of anti-aliasing unless most runs are one pixel long."""
    counts = np.bincount(np.clip(lengths.astype(int), 0, 30), minlength=2)
    if counts.argmax() <= 1:
        return 1.0
    counts[:2] = 0
    common = np.flatnonzero(counts >= counts.sum() / 6)
    return float(common[0]) if common.size else 1.0


def _trace(mask: np.ndarray, weight: np.ndarray, box: tuple[int, int, int, int],
           colour: RGB) -> _Trace | None:
    """The best falling step path in ``mask`` (a crop of the plot whose top left is ``box``)."""
    x0, y0 = box[0], box[1]
    runs = _runs(mask, weight, x0)
    if runs.col.size == 0:
        return None
    lengths = runs.bottom - runs.top + 1
    single = np.bincount(runs.col - x0, minlength=mask.shape[1])[runs.col - x0] == 1
    some = lengths[single] if single.any() else lengths
    width = float(np.clip(np.median(some), 1, 30))
    thick = _line_width(some) >= THICK
    reach = (runs.bottom - runs.top) / 2.0  # half a mark's height, before the cut
    tick = _trim_ticks(runs, width)
    keep = _not_arms(runs, tick, reach, width)
    runs = _Runs(runs.col[keep], runs.top[keep], runs.bottom[keep], runs.centre[keep])
    tick = tick[keep]
    path = _dp(runs, width, mask.shape[0], x0, x0 + mask.shape[1] - 1, thick)
    if path.size == 0:
        return None
    cols = runs.col[path]
    mark = tick[path]
    has = ~np.isnan(mark)
    marks = _group_marks(cols[has], mark[has] + y0)
    return _Trace(colour, cols, runs.top[path] + y0, runs.bottom[path] + y0,
                  runs.centre[path] + y0, width, False, marks, thick)


def _flipped(tr: _Trace, corners: np.ndarray, y0: int, height: int
             ) -> tuple[_Trace, np.ndarray]:
    """A trace found in the upside-down crop, back in image rows (a rising curve)."""
    def back(y: np.ndarray) -> np.ndarray:
        return y0 + (height - 1) - (np.asarray(y, dtype=float) - y0)

    marks = tr.marks.copy()
    if marks.size:
        marks[:, 1] = back(marks[:, 1])
    out = _Trace(tr.colour, tr.cols, back(tr.bottom), back(tr.top), back(tr.centre), tr.width,
                 True, marks, tr.thick)
    c = corners.copy()
    if c.size:
        c[:, 1] = back(c[:, 1])
    return out, c


def _between(ink: np.ndarray, crop: tuple[int, int, int, int], x_a: float, x_b: float,
             y_a: float, y_b: float, width: float) -> float | None:
    """The centre of the strokes between two levels near a gap (a drop's dot or dash).

    A row whose centre lies past a plateau's half width is covered by that plateau's line for
    at most half a pixel, so ink stronger than 0.6 there is drawn by something else: the
    vertical stroke of the drop. Taking the rows from the line's edge (not half a pixel
    further) finds the dot of a dotted line that sits at the drop's corner. The stroke may lie
    half a line's width inside the lower plateau's first columns (its line starts under the
    stroke).
    """
    x0, y0 = crop[0], crop[1]
    c0, c1 = int(np.floor(x_a - width)) - x0, int(np.ceil(x_b + width / 2)) - x0 + 1
    r0 = int(np.ceil(y_a + width / 2 + 0.1)) - y0
    r1 = int(np.floor(y_b - width / 2 - 0.1)) - y0 + 1
    if r1 <= r0 or c1 <= c0:
        return None
    sub = ink[max(r0, 0): max(r1, 0), max(c0, 0): max(c1, 0)] > 0.6
    counts = sub.sum(axis=0)
    if counts.sum() == 0:
        return None
    return float((np.arange(max(c0, 0), max(c0, 0) + counts.size) * counts).sum()
                 / counts.sum()) + x0


def _level_cols(ink: np.ndarray, crop: tuple[int, int, int, int], c_from: int, c_to: int,
                y: float, width: float) -> np.ndarray:
    """Columns in [c_from, c_to] with strong ink on the core rows of a line at level ``y``."""
    x0, y0 = crop[0], crop[1]
    r0 = max(int(np.ceil(y - width / 2 + 0.5)) - y0, 0)
    r1 = max(int(np.floor(y + width / 2 - 0.5)) - y0 + 1, r0 + 1)
    a, b = max(c_from - x0, 0), max(c_to - x0 + 1, 0)
    strong = (ink[r0:r1, a:b] > 0.6).any(axis=0)
    return np.flatnonzero(strong) + a + x0


def _gap_drop(ink: np.ndarray | None, crop: tuple[int, int, int, int], x_a: float, x_b: float,
              y_a: float, y_b: float, width: float) -> float:
    """Where a curve drops from level ``y_a`` (last traced at column ``x_a``) to ``y_b``
    (traced from ``x_b``) with no stroke traced between.

    The drop's own stroke, where any of it is drawn (:func:`_between`), places it. Else it lies
    between the last column with ink on the upper line and the first with ink on the lower
    one, whichever run the trace took in a column holding both (a dot of a dotted line at
    the corner): the middle of the two. Without an image, the gap's middle.
    """
    if ink is None:
        return (x_a + x_b) / 2.0
    seen = _between(ink, crop, x_a, x_b, y_a, y_b, width)
    if seen is not None:
        return seen
    reach = int(np.ceil(width))
    upper = _level_cols(ink, crop, int(x_a), int(x_b) + reach, y_a, width)
    lower = _level_cols(ink, crop, int(x_a) - reach, int(x_b), y_b, width)
    u = float(upper.max()) if upper.size else x_a
    lo = float(lower.min()) if lower.size else x_b
    return (max(u, x_a) + min(lo, x_b)) / 2.0


def _blank(ink: np.ndarray | None, crop: tuple[int, int, int, int], x_a: float | None,
           x_b: float, y_a: float, y_b: float) -> bool:
    """No strong ink strictly between columns ``x_a`` and ``x_b`` from row ``y_a`` to ``y_b``
    (a gap of a dashed line, not columns the trace passed over)."""
    if ink is None or x_a is None:
        return True
    x0, y0 = crop[0], crop[1]
    c0, c1 = max(int(x_a) + 1 - x0, 0), max(int(x_b) - x0, 0)
    r0, r1 = max(int(np.floor(y_a)) - y0, 0), max(int(np.ceil(y_b)) - y0 + 1, 0)
    return not bool((ink[r0:r1, c0:c1] > 0.6).any())


def _corners(tr: _Trace, ink: np.ndarray | None = None,
             crop: tuple[int, int, int, int] = (0, 0, 0, 0),
             floor: float | None = None) -> np.ndarray:
    """Corner points (x, y) of the step curve in pixels, swept left to right.

    A column whose run is no taller than the line is on a plateau (its level the run's centre,
    averaged over the plateau); a taller run is a vertical stroke, and adjacent stroke columns
    reaching the same depth are one drop, placed at their centre weighted by their height. A
    plateau found lower than the last one without a stroke between them (a gap: a dash, another
    curve drawn over this one) drops at the middle of the gap. A curve whose last stroke runs
    down to the bottom of the crop, but for a dash's gap, ends on ``floor`` (the x axis line,
    which hides the end of its fall).
    """
    flat_max = tr.width + 1.5
    segs: list[list[float]] = []  # [x_start, x_end, level sum, count]
    drops: list[float] = []  # x of the drop before segs[k + 1]
    last_x = None
    stroke: list[tuple[float, float, float]] = []  # (x, depth, weight) of the current stroke
    from_stroke = False  # the last level is a stroke's depth, no plateau seen at it yet

    def level() -> float:
        return segs[-1][2] / segs[-1][3]

    def close_stroke() -> None:
        nonlocal from_stroke
        if not stroke:
            return
        depth = max(d for _, d, _ in stroke)
        w = np.array([wt for _, _, wt in stroke])
        xd = float(np.dot([x for x, _, _ in stroke], w) / w.sum())
        if segs and depth > level() + 0.8:
            drops.append(xd)
            segs.append([xd, xd, depth, 1])
            from_stroke = True
        stroke.clear()

    for x, top, bottom, centre in zip(tr.cols.tolist(), tr.top.tolist(), tr.bottom.tolist(),
                                      tr.centre.tolist(), strict=True):
        height = bottom - top + 1
        if height <= flat_max:
            close_stroke()
            if not segs:
                segs.append([x, x, centre, 1])
            elif centre > level() + 0.8 and from_stroke and drops and \
                    x - drops[-1] <= 3 * tr.width + 1 and \
                    _blank(ink, crop, last_x, x, level(), centre - tr.width / 2):
                # a drop's stroke cut short by a dash's gap (nothing drawn in the columns
                # between): it goes on down to this plateau
                segs[-1] = [segs[-1][0], x, centre, 1]
                from_stroke = False
            elif centre > level() + 0.8:
                gap_x = float(x)
                if last_x is not None:
                    gap_x = _gap_drop(ink, crop, last_x, x, level(), centre, tr.width)
                drops.append(gap_x)
                segs.append([x, x, centre, 1])
            elif abs(centre - level()) <= 0.8:
                segs[-1][1] = x
                segs[-1][2] += centre
                segs[-1][3] += 1
                from_stroke = False
        else:
            if stroke and (x - stroke[-1][0] > 1 or abs(bottom - tr.width / 2 - stroke[-1][1])
                           > 1.5):
                close_stroke()
            if not segs:
                segs.append([x, x, top + tr.width / 2, 1])
            stroke.append((x, bottom - tr.width / 2, height - tr.width))
        last_x = x
    close_stroke()
    if not segs:
        return np.zeros((0, 2))
    if floor is not None and ink is not None and from_stroke and \
            level() + tr.width / 2 >= crop[1] + ink.shape[0] - 1 - (3 * tr.width + 1):
        segs[-1][2], segs[-1][3] = max(floor, level()), 1
    levels = [sg[2] / sg[3] for sg in segs]
    drops = _in_order(drops, np.diff(levels).tolist())
    pts = [(segs[0][0], segs[0][2] / segs[0][3])]
    for k, xd in enumerate(drops):
        pts += [(xd, segs[k][2] / segs[k][3]), (xd, segs[k + 1][2] / segs[k + 1][3])]
    pts.append((max(float(last_x), pts[-1][0]), segs[-1][2] / segs[-1][3]))
    return np.array(pts, dtype=float)


def _in_order(xs: list[float], heights: list[float]) -> list[float]:
    """Drop positions made non-decreasing, pooling pieces found out of order at their mean.

    A falling curve drops at later times as it goes down. Pieces of one vertical line found a
    column apart in the wrong order (dots of a dotted line, jagged anti-aliasing) are one
    drop: adjacent violators are pooled at their mean weighted by height (isotonic regression,
    pool-adjacent-violators; Barlow et al. 1972, Statistical inference under order
    restrictions).
    """
    blocks: list[list[float]] = []  # [weighted x sum, weight, count]
    for x, h in zip(xs, heights, strict=True):
        w = max(h, 1e-6)
        blocks.append([x * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            top = blocks.pop()
            blocks[-1] = [blocks[-1][0] + top[0], blocks[-1][1] + top[1], blocks[-1][2] + top[2]]
    out: list[float] = []
    for b in blocks:
        out += [b[0] / b[1]] * int(b[2])
    return out


def _is_curve(corners: np.ndarray, ax: RasterAxes, rising: bool) -> bool:
    """A Kaplan-Meier curve: it spans 15% of the plot, falls (or rises) by 4% of its height,
    and starts at the left, or on its baseline (a start hidden under an axis line)."""
    left, top, right, bottom = ax.box
    width, height = right - left, bottom - top
    if corners.shape[0] < 2 or corners[-1, 0] - corners[0, 0] < 0.15 * width:
        return False
    start, end = corners[0, 1], corners[-1, 1]
    if abs(end - start) < 0.04 * height:
        return False  # a line of text, a gridline, a legend key
    base = bottom if rising else top
    if abs(start - base) > 0.15 * height:
        return False
    return bool(corners[0, 0] <= left + 0.1 * width or abs(start - base) <= 0.03 * height)


def _follow_band(runs: _Runs, g: np.ndarray, near: list[np.ndarray], y_hi: np.ndarray,
                 y_lo: np.ndarray, cost: np.ndarray, back: np.ndarray) -> None:
    """Let a run follow one a column or two before it whose edges are no lower than its own.

    The programme's order on levels (a run starts no lower than the last one ended) holds
    for a thin line, but a line wider than the curve's steps draws them as one slanted band
    whose runs in neighbouring columns overlap, each beginning above where the one before it
    ended. Neither edge of the band rises, so its columns may follow one another.
    """
    for i in g:
        for prev in near:
            for j in prev:
                if runs.col[i] - runs.col[j] > 2 or y_lo[j] > y_lo[i] + 1 or \
                        y_hi[j] > y_hi[i] + 1:
                    continue
                c = cost[j] + (runs.col[i] - runs.col[j] - 1) * _SKIP + \
                    _DROP * (y_lo[i] - y_lo[j])
                if c < cost[i]:
                    cost[i], back[i] = c, j


def _cluster_masks(rgb: np.ndarray, ax: RasterAxes) -> tuple[list[tuple[RGB, np.ndarray,
                                                                        np.ndarray]],
                                                             tuple[int, int, int, int]]:
    """(colour, member mask, weight) of each colour cluster inside the plot, and the crop."""
    left, top, right, bottom = ax.box
    pad = int(np.ceil(ax.line / 2)) + 1
    x0, x1 = int(np.ceil(left)) + pad, int(np.floor(right))
    y0, y1 = max(int(np.floor(top)) - 12, 0), int(np.floor(bottom)) - pad
    if x1 - x0 < 20 or y1 - y0 < 20:
        raise DigitizeError("the plot inside the axes is too small to read")
    crop = rgb[y0: y1 + 1, x0: x1 + 1].astype(float)
    bg = _background(rgb)
    flat = crop.reshape(-1, 3)
    ink = np.linalg.norm(flat - bg, axis=1) > 50
    centres = _centres(flat[ink], bg, max(30, (x1 - x0) // 10))
    if not centres:
        raise DigitizeError("no curve found inside the axes (nothing but background)")
    label = np.full(flat.shape[0], -1)
    label[ink] = _assign(flat[ink], bg, centres)
    out = []
    for j, c in enumerate(centres):
        member = (label == j).reshape(crop.shape[:2])
        a, _ = _alpha(flat, bg, c)
        weight = np.where(member, np.clip(a, 0, 1).reshape(crop.shape[:2]), 0.0)
        core = weight > 0.85
        colour = np.median(crop[core], axis=0) if core.sum() > 10 else c
        out.append((tuple(int(round(v)) for v in colour), member, weight))
    return out, (x0, y0, x1, y1)


def _curves_of_cluster(colour: RGB, member: np.ndarray, weight: np.ndarray,
                       crop: tuple[int, int, int, int], ax: RasterAxes
                       ) -> list[tuple[_Trace, np.ndarray, np.ndarray]]:
    """Up to three curves of one colour: trace, remove what was used, trace again."""
    found = []
    mask = member.copy()
    for _ in range(3):
        best = None
        for rising in (False, True):
            m, w = (mask[::-1], weight[::-1]) if rising else (mask, weight)
            tr = _trace(m, w, crop, colour)
            if tr is None:
                continue
            if tr.thick:
                corners = edge_corners(tr.cols, tr.top, tr.bottom, tr.width)
            else:
                corners = _corners(tr, np.where(m, w, 0.0), crop, None if rising else ax.box[3])
            if rising:
                tr, corners = _flipped(tr, corners, crop[1], mask.shape[0])
            if _is_curve(corners, ax, rising) and (best is None or tr.cols.size >
                                                   best[0].cols.size):
                best = (tr, corners)
        if best is None:
            break
        tr, corners = best
        span = corners[-1, 0] - corners[0, 0] + 1
        if found and tr.cols.size < 0.5 * span:
            break  # scraps left by the first curve (edges, marks), not another curve
        found.append((tr, corners, tr.marks))
        pad = int(np.ceil(tr.width / 2)) + 1
        for x, t, b in zip(tr.cols.tolist(), tr.top.tolist(), tr.bottom.tolist(), strict=True):
            c = x - crop[0]
            mask[max(int(t) - crop[1] - pad, 0): int(b) - crop[1] + pad + 1,
                 max(c - 1, 0): c + 2] = False
        if mask.sum() < 0.2 * member.sum():
            break
    return found
