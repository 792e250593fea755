"""Axes of a raster figure: the axis lines, their tick marks, and the user's axis ranges.

The x axis is the lowest row of dark, grey-free pixels whose longest run is at least 60% of the
longest such run in the image; the y axis the leftmost column likewise (a curve's long plateau
or drop never lies below the x axis or left of the y axis). Tick marks are short dark runs that
touch the axis line on its outer side (else the inner one); the major ticks are the longest, and
their centres are located to a fraction of a pixel by the darkness-weighted centroid.

Without OCR the labels cannot be read, so the values come from the user: ``x_min`` at the first
major tick and ``x_max`` at the last one (likewise for y); evenly spaced ticks fill in between.
When no evenly spaced ticks are found the axis line's ends are used instead, and the reading
says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trialrecon.dossier.digitize.limits import DigitizeError


@dataclass(frozen=True)
class RasterOptions:
    """Axis ranges for an image (the values at the first and last major ticks)."""

    x_min: float = 0.0
    x_max: float | None = None
    y_min: float = 0.0
    y_max: float = 1.0  # 100 for a percent axis
    x_from_user: bool = False  # x_max was given (else the reading refuses)


@dataclass(frozen=True)
class PixelAxis:
    """value = a + b * pixel (log10 of the value on a log axis), with the ticks used."""

    a: float
    b: float
    ticks: tuple[tuple[float, float], ...]
    from_ticks: bool
    log: bool = False

    def value(self, pos):
        v = self.a + self.b * np.asarray(pos, dtype=float)
        return 10.0 ** v if self.log else v

    def position(self, value):
        v = np.asarray(value, dtype=float)
        if self.log:
            v = np.log10(np.maximum(v, 1e-300))
        return (v - self.a) / self.b


@dataclass(frozen=True)
class RasterAxes:
    x: PixelAxis
    y: PixelAxis
    box: tuple[float, float, float, float]  # left, top, right, bottom (pixel centres)
    line: float  # axis line thickness in pixels
    notes: tuple[str, ...]


def darkness(rgb: np.ndarray) -> np.ndarray:
    """0 (white) to 1 (black) for neutral pixels; coloured pixels count as not dark."""
    f = rgb.astype(float)
    lum = f @ np.array([0.299, 0.587, 0.114])
    chroma = f.max(axis=2) - f.min(axis=2)
    return np.where(chroma < 70, np.clip((235.0 - lum) / 200.0, 0.0, 1.0), 0.0)


def _longest_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``mask``: the longest run of True, with its start and end (inclusive)."""
    h, w = mask.shape
    length = np.zeros(h, dtype=int)
    start = np.zeros(h, dtype=int)
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    for r in np.flatnonzero(mask.any(axis=1)):
        s = np.flatnonzero(d[r] == 1)
        e = np.flatnonzero(d[r] == -1)
        k = int(np.argmax(e - s))
        length[r], start[r] = e[k] - s[k], s[k]
    return length, start, start + length - 1


def _axis_line(mask: np.ndarray, lowest: bool) -> tuple[float, float, int, int] | None:
    """(centre, thickness, run start, run end) of the axis line among the rows of ``mask``."""
    length, start, end = _longest_runs(mask)
    if length.max() < 0.3 * mask.shape[1]:
        return None
    ok = np.flatnonzero(length >= 0.6 * length.max())
    r = int(ok.max() if lowest else ok.min())
    rows = [r]
    step = -1 if lowest else 1
    while 0 <= rows[-1] + step < mask.shape[0] and \
            length[rows[-1] + step] >= 0.8 * length[r] and len(rows) < 8:
        rows.append(rows[-1] + step)
    lo, hi = min(rows), max(rows)
    return (lo + hi) / 2.0, float(hi - lo + 1), int(start[r]), int(end[r])


def _ticks(dark: np.ndarray, line_lo: int, line_hi: int, outward: int, span: tuple[int, int],
           limit: int) -> list[tuple[float, float]]:
    """(centre, length) of tick marks: dark runs that start next to the axis line.

    ``dark`` has the axis along its columns (rows across it); the tick runs from the line's
    edge ``line_hi`` (outward = +1) or ``line_lo`` (outward = -1) into the figure.
    """
    h = dark.shape[0]
    first = line_hi + 1 if outward > 0 else line_lo - 1
    length = np.zeros(dark.shape[1], dtype=int)
    alive = np.ones(dark.shape[1], dtype=bool)
    for k in range(limit):
        r = first + outward * k
        if not 0 <= r < h:
            break
        alive &= dark[r] > 0.3
        length += alive
    cols = np.zeros(dark.shape[1], dtype=bool)
    cols[span[0]: span[1] + 1] = length[span[0]: span[1] + 1] >= 2
    out = []
    padded = np.concatenate([[False], cols, [False]]).astype(np.int8)
    d = np.diff(padded)
    for s, e in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True):
        if e - s > 6:
            continue  # too wide for a tick (text, a curve)
        run = int(length[s:e].max())
        lo = first if outward > 0 else first - run + 1
        seg = dark[lo: lo + run, s:e]
        weights = seg.sum(axis=0)
        centre = float((np.arange(s, e) * weights).sum() / max(weights.sum(), 1e-9))
        out.append((centre, float(length[s:e].max())))
    return out


def _major(ticks: list[tuple[float, float]]) -> np.ndarray:
    """Centres of the longest ticks when they are evenly spaced, else an empty array."""
    if len(ticks) < 2:
        return np.zeros(0)
    longest = max(t[1] for t in ticks)
    major = np.array([c for c, length in ticks if length >= 0.75 * longest])
    if major.size < 2:
        return np.zeros(0)
    gaps = np.diff(major)
    if major.size > 2 and np.abs(gaps - np.median(gaps)).max() > max(1.5, 0.03 * np.median(gaps)):
        return np.zeros(0)
    return major


def _scale(centres: np.ndarray, lo_val: float, hi_val: float, ends: tuple[float, float],
           name: str, notes: list[str]) -> PixelAxis:
    """A scale through evenly spaced ticks, or through the axis line's ends."""
    if centres.size >= 2:
        values = np.linspace(lo_val, hi_val, centres.size)
        b, a = np.polyfit(centres, values, 1)
        return PixelAxis(float(a), float(b), tuple(zip(centres.tolist(), values.tolist(),
                                                       strict=True)), True)
    notes.append(f"no evenly spaced tick marks on the {name} axis: its line's ends were taken as "
                 f"{lo_val:g} and {hi_val:g}")
    b = (hi_val - lo_val) / (ends[1] - ends[0])
    return PixelAxis(lo_val - b * ends[0], b, ((ends[0], lo_val), (ends[1], hi_val)), False)


def find_raster_axes(rgb: np.ndarray, opts: RasterOptions) -> RasterAxes:
    """The axis lines, tick marks and scales of an image, or a one-line refusal."""
    if opts.x_max is None:
        raise DigitizeError("an image's axis values cannot be read without OCR: give --x-max "
                            "(the value at the last x tick; --x-min, --y-min and --y-max "
                            "default to 0, 0 and 1)")
    dark = darkness(rgb)
    mask = dark > 0.45
    xl = _axis_line(mask, lowest=True)
    yl = _axis_line(mask.T, lowest=False)
    if xl is None or yl is None:
        raise DigitizeError("no axes found in the image (no long dark horizontal and vertical "
                            "lines)")
    xc, xt, x_start, x_end = xl
    yc, yt, y_start, y_end = yl
    if not (y_start < xc <= y_end + 3 and x_start - 3 <= yc < x_end):
        raise DigitizeError("no axes found in the image (the longest lines do not meet)")
    notes: list[str] = []
    x_lo, x_hi = int(np.floor(xc - (xt - 1) / 2)), int(np.ceil(xc + (xt - 1) / 2))
    y_lo, y_hi = int(np.floor(yc - (yt - 1) / 2)), int(np.ceil(yc + (yt - 1) / 2))
    xt_marks = _ticks(dark, x_lo, x_hi, 1, (y_lo, x_end), 12) or \
        _ticks(dark, x_lo, x_hi, -1, (y_hi + 2, x_end), 12)
    yt_marks = _ticks(dark.T, y_lo, y_hi, -1, (y_start, x_hi), 12) or \
        _ticks(dark.T, y_lo, y_hi, 1, (y_start, x_lo - 2), 12)
    x_major = _major(xt_marks)
    y_major = _major(yt_marks)[::-1]  # from the bottom (y_min) up
    xs = _scale(x_major, opts.x_min, opts.x_max, (yc, float(x_end)), "x", notes)
    ys = _scale(y_major, opts.y_min, opts.y_max, (xc, float(y_start)), "y", notes)
    box = (float(yc), float(y_start), float(x_end), float(xc))
    return RasterAxes(xs, ys, box, max(xt, yt), tuple(notes))
