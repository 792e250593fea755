"""What a page is made of, for the reader: stroked and filled shapes, words, placed images.

Coordinates are PDF points on the page with the origin at the top left and y growing downwards
(as an image's rows do), so the same code measures a vector page and a rendered one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

RGB = tuple[int, int, int]
PIECES = (-1.0,)  # the dash pattern of a line whose dashes are drawn as filled shapes


@dataclass(frozen=True)
class Style:
    """How a shape is drawn: stroke colour (None when not stroked), fill, width, dash."""

    stroke: RGB | None
    fill: RGB | None
    width: float
    dash: tuple[float, ...] = ()

    def key(self) -> tuple:
        """What tells two curves apart: the stroke colour, the width and the dash pattern."""
        return (self.stroke, round(self.width, 1), tuple(round(d, 1) for d in self.dash))

    def describe(self) -> str:
        colour = "no stroke" if self.stroke is None else hex_colour(self.stroke)
        dash = "solid" if not self.dash else "dashed " + "-".join(f"{d:g}" for d in self.dash)
        if self.dash == PIECES:
            dash = "dashed (each dash a filled shape)"
        return f"{colour} {colour_name(self.stroke) if self.stroke else ''}, {dash}, " \
               f"width {self.width:.2g}".replace("  ", " ")


@dataclass(eq=False)
class Shape:
    """One subpath of a path object: its points (k x 2), whether it is closed or curved."""

    points: np.ndarray
    style: Style
    closed: bool = False
    curved: bool = False
    order: int = 0  # drawing order on the page

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        p = self.points
        return float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), \
            float(p[:, 1].max())

    @property
    def size(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.bbox
        return x1 - x0, y1 - y0


@dataclass(frozen=True)
class Word:
    """A run of characters on one line: text, box, font size and fill colour."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    color: RGB = (0, 0, 0)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class PlacedImage:
    """An image drawn on the page: where (page box) and its size in pixels."""

    index: int  # its place among the page's image objects
    box: tuple[float, float, float, float]
    width_px: int
    height_px: int


@dataclass
class PageContent:
    """Everything read from one page."""

    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    images: list[PlacedImage] = field(default_factory=list)
    rotated: list[Word] = field(default_factory=list)  # vertical text, one word per column


def hex_colour(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


_HUES = ((15, "red"), (45, "orange"), (70, "yellow"), (165, "green"), (195, "cyan"),
         (255, "blue"), (290, "purple"), (340, "pink"), (361, "red"))


def colour_name(rgb: RGB | None) -> str:
    """A plain name for a colour (for messages and --arm): black, grey, or its hue's name."""
    if rgb is None:
        return ""
    r, g, b = (v / 255.0 for v in rgb)
    hi, lo = max(r, g, b), min(r, g, b)
    if hi - lo < 0.12 or (hi > 0 and (hi - lo) / hi < 0.15):
        return "black" if hi < 0.35 else "grey"
    if hi == r:
        hue = (60 * (g - b) / (hi - lo)) % 360
    elif hi == g:
        hue = 60 * (b - r) / (hi - lo) + 120
    else:
        hue = 60 * (r - g) / (hi - lo) + 240
    return next(name for limit, name in _HUES if hue < limit)


# A tick label or a number at risk: digits with an optional sign, decimal point (journals print
# "0·2" with a middle dot or "0,2" with a comma), percent sign, or a power of ten "10^-2".
_NUMBER = re.compile(r"^[(\[]?(?P<num>[-+\u2212\u2013]?"
                     r"(\d{1,9}([.\u00b7,]\d{1,6})?|[.\u00b7]\d{1,6}))"
                     r"(?P<pct>\s?%)?[)\]]?$")
_POWER = re.compile(r"^10\^(?P<exp>[-+\u2212\u2013]?\d{1,3})$")


def parse_number(text: str) -> tuple[float, bool] | None:
    """(value, is_percent) of a label such as ``0.25``, ``0·25``, ``25%``, ``10^-1``; else None."""
    text = text.strip()
    power = _POWER.match(text)
    if power:
        exp = int(power["exp"].replace("\u2212", "-").replace("\u2013", "-"))
        return 10.0 ** exp, False
    m = _NUMBER.match(text)
    if not m:
        return None
    raw = m["num"].replace("\u2212", "-").replace("\u2013", "-").replace("\u00b7", ".")
    raw = raw.replace(",", ".")
    value = float(raw)
    if not math.isfinite(value):
        return None
    return value, bool(m["pct"])


def parse_count(text: str) -> int | None:
    """A number at risk: a whole number, thousands separators allowed (``1,024``)."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d{1,7}", text):
        return int(text.replace(",", ""))
    return None
