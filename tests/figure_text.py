"""The texts of a drawn matplotlib figure: their sizes and whether any two overlap.

Used by the figure tests (Kaplan-Meier, forest and rate plots, the notebooks' figures): a
figure is drawn, every visible text (figure texts, axes texts and annotations, axis labels,
tick labels, legend texts) is measured with the renderer, and the pairs whose boxes overlap by
more than half a pixel are returned.
"""

from __future__ import annotations

import itertools
from typing import Any

from matplotlib.text import Text


def visible_texts(fig: Any) -> list[Text]:
    """Every visible, non-empty text of ``fig``."""
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [t for t in texts if t.get_figure() is fig or t.get_figure() is None]


def overlapping(fig: Any, tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of texts of ``fig`` whose drawn boxes overlap (in pixels, beyond ``tolerance``)."""
    if not hasattr(fig.canvas, "get_renderer"):  # a figure shown inline and closed
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in visible_texts(fig)]
    out = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > tolerance and dy > tolerance:
            out.append((a, b))
    return out


def smallest_points(fig: Any) -> float:
    """The smallest font size of the figure's texts, in points at the figure's size."""
    return min((t.get_fontsize() for t in visible_texts(fig)), default=99.0)
