"""What reading a figure produces: curves in figure and data coordinates, numbers at risk."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from trialrecon.dossier.digitize.geometry import RGB, hex_colour


@dataclass(eq=False)
class ReadCurve:
    """One arm's curve as read: corners of the steps and censor marks, both ways."""

    colour: RGB
    dashed: bool
    xy: np.ndarray  # (k, 2) corners in figure coordinates (points or pixels, y down)
    censor_xy: np.ndarray  # (m, 2) centres of censor marks in figure coordinates
    time: np.ndarray = field(default_factory=lambda: np.zeros(0))
    survival: np.ndarray = field(default_factory=lambda: np.zeros(0))
    censor_time: np.ndarray = field(default_factory=lambda: np.zeros(0))
    censor_survival: np.ndarray = field(default_factory=lambda: np.zeros(0))
    label: str = ""  # the legend's text for it, when read
    name: str = ""  # the arm name written to the files
    style_text: str = ""

    def describe(self) -> str:
        what = f"{hex_colour(self.colour)} {'dashed' if self.dashed else 'solid'}"
        if self.style_text:
            what = self.style_text
        label = f" '{self.label}'" if self.label else ""
        return f"{what}{label}"


@dataclass(eq=False)
class RiskRow:
    """One printed row of numbers at risk: its label, colour, times and counts."""

    label: str
    colour: RGB
    time: np.ndarray
    n: np.ndarray
    top: float = 0.0  # where it was read (figure coordinates), for the overlay
    xs: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(eq=False)
class ReadFigure:
    """A Kaplan-Meier figure as read, with what the user should know about it."""

    kind: str  # "vector" or "raster"
    box: tuple[float, float, float, float]  # plot box in figure coordinates
    curves: list[ReadCurve]
    x_ticks: list[tuple[float, float]]  # (position, value)
    y_ticks: list[tuple[float, float]]
    risk_rows: list[RiskRow] = field(default_factory=list)
    nar_arm: dict[int, int] = field(default_factory=dict)  # risk row -> curve index
    notes: list[str] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""
    cumulative: bool = False  # curves rise (cumulative incidence): survival is 1 - value
    page: int | None = None  # 1-based page of a PDF
    region: tuple[float, float, float, float] | None = None  # what to show in the overlay
    scale_note: str = ""  # how the axes were calibrated
    ambiguous: str = ""  # why the arms cannot be told apart, when they cannot
