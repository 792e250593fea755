"""A vector figure's legend: short strokes with text to their right, matched to curves by style.

A legend key is an open, horizontal stroke between 5 and 80 points long whose right end is
followed, on the same line and within a font size, by a word; its label is that word and the
words after it on the line up to a wide gap. A key belongs to the curve whose stroke colour,
width and dash pattern it repeats; the nearest key to the plot wins when several do (a page with
two panels in the same colours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trialrecon.dossier.digitize.geometry import Shape, Style, Word


@dataclass(frozen=True)
class LegendEntry:
    style: Style
    label: str
    x: float  # the key's left end
    y: float
    order: int  # the shape's drawing order


def _label(words: list[Word], x: float, y: float) -> str:
    """The words right of ``x`` on the line at ``y``, up to a gap of two font sizes."""
    line = sorted((w for w in words if abs(w.cy - y) < 0.6 * w.size and w.x0 > x - 0.5),
                  key=lambda w: w.x0)
    if not line or line[0].x0 - x > 1.3 * line[0].size:
        return ""
    out = [line[0]]
    for w in line[1:]:
        if w.x0 - out[-1].x1 > 2.0 * w.size:
            break
        out.append(w)
    return " ".join(w.text for w in out)


def legend_entries(shapes: list[Shape], words: list[Word]) -> list[LegendEntry]:
    """Every legend-like key on the page with its label."""
    found = []
    for s in shapes:
        if s.style.stroke is None or s.curved or s.closed:
            continue
        p = s.points
        if np.ptp(p[:, 1]) > 0.05:
            continue
        length = float(np.ptp(p[:, 0]))
        if not 5.0 <= length <= 80.0:
            continue
        label = _label(words, float(p[:, 0].max()), float(p[0, 1]))
        if label:
            found.append(LegendEntry(s.style, label, float(p[:, 0].min()), float(p[0, 1]),
                                     s.order))
    return found


def match_legend(entries: list[LegendEntry], styles: list[Style],
                 box: tuple[float, float, float, float]) -> dict[int, LegendEntry]:
    """For each curve (by index of ``styles``) the nearest legend entry of the same style.

    Entries are searched around the plot box (a legend beside or under the plot included);
    a curve whose style is shared by another curve gets none (the key cannot tell them apart).
    """
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    keys = [s.key() for s in styles]
    out: dict[int, LegendEntry] = {}
    for i, key in enumerate(keys):
        if keys.count(key) > 1:
            continue
        near = [e for e in entries if e.style.key() == key
                and left - 0.6 * w < e.x < right + 1.0 * w and top - 0.6 * h < e.y < bottom + h]
        if near:
            cx, cy = (left + right) / 2, (top + bottom) / 2
            out[i] = min(near, key=lambda e: ((e.x - cx) ** 2 + (e.y - cy) ** 2, e.order))
    return out


def dot_entries(shapes: list[Shape], words: list[Word]) -> list[LegendEntry]:
    """Legend keys of dotted lines printed as filled dots: the last dot before the text.

    Only their colour is known (no stroke style), so they serve curves traced from a rendered
    page, which are matched to legend entries by colour.
    """
    found = []
    for s in shapes:
        if s.style.stroke is not None or s.style.fill is None or not s.closed:
            continue
        w, h = s.size
        if max(w, h) > 3.0 or max(s.style.fill) - min(s.style.fill) < 30:
            continue
        x0, y0, x1, y1 = s.bbox
        label = _label(words, x1, (y0 + y1) / 2)
        if label:
            found.append(LegendEntry(Style(s.style.fill, None, min(w, h)), label, x0,
                                     (y0 + y1) / 2, s.order))
    return found
