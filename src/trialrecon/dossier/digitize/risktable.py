"""The numbers-at-risk table under a vector figure, from the text layer.

Lines of words below the x tick labels are read top down. A line is a row of the table when it
holds at least two whole numbers centred within a quarter of the tick spacing of an x position,
and nothing else between the ticks; its time points are the calibrated x of those centres,
snapped to the nearest quarter of the tick step (numbers are printed at ticks or between them).
Text left of the plot is the row's label. A line without numbers that mentions *risk* opens the
at-risk block; one that mentions *event* or *censor* opens a block that is not read (cumulative
events). The table ends at the first wide vertical gap after a row.

Rows are matched to curves by the colour of their numbers or label, then by their label against
the legend's text, then by order (the legend's, else the curves' top-down order at the start);
an assignment under which more patients are at risk than the curve allows (n(t)/N above S(t-),
impossible for a Kaplan-Meier estimate) is replaced by one that fits, with a note.
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from trialrecon.dossier.digitize.axes import Axes
from trialrecon.dossier.digitize.geometry import RGB, Word, parse_count
from trialrecon.dossier.digitize.model import ReadCurve, RiskRow

_WORD = re.compile(r"[a-z0-9]+")


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines and abs(lines[-1][0].cy - w.cy) < 0.45 * max(w.size, lines[-1][0].size):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _snap_time(t: float, step: float) -> float:
    quarter = step / 4.0
    k = round(t / quarter)
    if abs(t - k * quarter) < 0.12 * step:
        return float(round(k * quarter, 10))
    return float(round(t, 6))


def read_risk_table(words: list[Word], axes: Axes,
                    region: tuple[float, float, float, float]) -> tuple[list[RiskRow], list[str]]:
    """Rows of numbers at risk under the figure, and notes on what was skipped."""
    left, _, right, bottom = region
    pos = np.array([p for p, _ in axes.x.ticks])
    spacing = float(np.median(np.diff(np.sort(pos))))
    step = float(np.median(np.diff(sorted(v for _, v in axes.x.ticks))))
    label_bottom = max(w.bottom for w in axes.x_labels)
    size = float(np.median([w.size for w in axes.x_labels]))
    below = [w for w in words if w.top >= label_bottom - 0.1 * size
             and left - 0.6 * (right - left) < w.cx < right + 0.15 * (right - left)
             and w.top < label_bottom + 1.2 * (bottom - region[1])]
    rows: list[RiskRow] = []
    notes: list[str] = []
    reading = True
    last_y = label_bottom
    for line in _lines(below):
        y = float(np.mean([w.cy for w in line]))
        if rows and y - last_y > 4.0 * size:
            break  # a wide gap: the table has ended
        text = " ".join(w.text for w in line).lower()
        cells = [(w, parse_count(w.text)) for w in line if w.cx > left - 0.5 * spacing]
        counts = [(w, n) for w, n in cells if n is not None and (
            float(np.min(np.abs(pos - w.cx))) < 0.25 * spacing
            or _between_ticks(w.cx, pos, spacing))]
        aligned = {id(w) for w, _ in counts}
        # words left of the first count are the row's label, even close to the axis (a
        # narrow figure's "control 129 126 ..."); any other word makes it no row of counts
        first = min((w.x0 for w, _ in counts), default=right)
        others = [w for w, n in cells if id(w) not in aligned and not _is_bracketed(w.text)
                  and w.x1 > first]
        if len(counts) < 2 or others:
            if "risk" in text:
                reading = True
            elif "event" in text or "censor" in text:
                reading = False
            continue
        if not reading:
            continue
        label_words = [w for w in line if w.x1 <= first and id(w) not in aligned]
        times = np.array([_snap_time(float(axes.x.value(w.cx)), step) for w, _ in counts])
        n = np.array([c for _, c in counts], dtype=int)
        if np.any(np.diff(times) <= 0):
            notes.append(f"a row of numbers at y={y:.0f} is not in time order; not read")
            continue
        colour = _row_colour([w for w, _ in counts] + label_words)
        rows.append(RiskRow(" ".join(w.text for w in label_words), colour, times, n, y,
                            np.array([w.cx for w, _ in counts])))
        last_y = y
    return rows, notes


def _between_ticks(x: float, pos: np.ndarray, spacing: float) -> bool:
    """Numbers printed at half ticks (a table finer than the axis)."""
    mids = (pos[:-1] + pos[1:]) / 2
    return bool(mids.size) and float(np.min(np.abs(mids - x))) < 0.12 * spacing


def _is_bracketed(text: str) -> bool:
    return bool(re.fullmatch(r"[(\[]\d{1,7}[)\]]", text.strip()))


def _row_colour(words: list[Word]) -> RGB:
    colours = [w.color for w in words]
    return max(set(colours), key=lambda c: (colours.count(c), c))


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _label_match(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    if a.strip().lower() == b.strip().lower():
        return 1.0
    return len(ta & tb) / len(ta | tb)


def _feasible(row: RiskRow, curve: ReadCurve) -> float:
    """How far the at-risk fraction exceeds the curve (0 when n(t)/N <= S(t-) everywhere)."""
    if row.n.size == 0 or row.n[0] <= 0 or curve.time.size == 0:
        return 0.0
    frac = row.n / row.n[0]
    worst = 0.0
    for t, f in zip(row.time.tolist(), frac.tolist(), strict=True):
        before = curve.survival[curve.time < t]
        s = float(before.min()) if before.size else 1.0
        worst = max(worst, f - s)
    return worst


def match_rows(rows: list[RiskRow], curves: list[ReadCurve]) -> tuple[dict[int, int], list[str]]:
    """Risk row index -> curve index, and how it was decided."""
    notes: list[str] = []
    out: dict[int, int] = {}
    free_rows = list(range(len(rows)))
    free_curves = list(range(len(curves)))
    for i in list(free_rows):  # by colour, when the numbers are printed in the curve's colour
        r = rows[i]
        if max(r.colour) - min(r.colour) < 30 and max(r.colour) < 90:
            continue  # black or grey text tells nothing
        near = [j for j in free_curves
                if sum((a - b) ** 2 for a, b in zip(curves[j].colour, r.colour, strict=True))
                < 40 ** 2]
        if len(near) == 1:
            out[i] = near[0]
            free_rows.remove(i)
            free_curves.remove(near[0])
    for i in list(free_rows):  # by the label against the legend text
        scores = [(_label_match(rows[i].label, curves[j].label), j) for j in free_curves
                  if curves[j].label]
        scores.sort(reverse=True)
        if scores and scores[0][0] >= 0.5 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            out[i] = scores[0][1]
            free_rows.remove(i)
            free_curves.remove(scores[0][1])
    if free_rows and len(free_rows) == len(free_curves):
        by_order = dict(zip(free_rows, free_curves, strict=True))
        best = min(itertools.permutations(free_curves),
                   key=lambda perm: (round(sum(_feasible(rows[i], curves[j]) for i, j in
                                               zip(free_rows, perm, strict=True)), 3),
                                     perm != tuple(free_curves)))
        chosen = dict(zip(free_rows, best, strict=True))
        if chosen != by_order:
            notes.append("numbers at risk matched to curves by what each curve allows "
                         "(the order of the rows did not fit)")
        else:
            notes.append("numbers at risk matched to curves by order")
        out.update(chosen)
    elif free_rows:
        notes.append(f"{len(free_rows)} row(s) of numbers at risk not matched to a curve")
    for i, j in out.items():
        excess = _feasible(rows[i], curves[j])
        if excess > 0.05:
            notes.append(f"row '{rows[i].label}': {excess:.0%} more patients at risk than the "
                         "curve allows; check the overlay")
    return out, notes
