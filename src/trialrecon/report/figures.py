"""Deterministic figure output, and the colours every figure gives an arm.

Every figure in the project is written through :func:`save_figure`, which strips
the metadata that would differ between runs or machines (PNG ``Software``,
SVG ``Date`` and ``Creator``, PDF ``CreationDate``, ``Producer`` and ``Creator``)
and fixes the SVG hash salt, so the same inputs give byte-identical files.

Every text of every figure is drawn literally: ``text.parse_math`` is off from the moment
this module is imported (every plotting module imports it), because labels, titles and
legends come from dossiers and a subgroup printed "US$ 5% vs US$ 10%" would otherwise be read
as a mathtext formula (an error, or italics without the dollars). No figure of the project
uses mathtext; a ``$`` is a dollar sign.

:data:`ROLE_COLORS` is the one colour of each arm role (``trial.yaml``'s ``role``, or
``single_arm``) in every figure: the Kaplan-Meier figures, their validation and the
cross-trial forest and rate plots, from Okabe and Ito's colour-blind-safe palette. In a
Kaplan-Meier figure every arm also has its own line style (:func:`arm_styles`), so arms stay
apart in grey.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from trialrecon.report.files import FILE_MODE  # noqa: E402

DETERMINISTIC_RC = {
    "svg.hashsalt": "trialrecon",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "savefig.dpi": 120,
    "pdf.fonttype": 42,
    "text.parse_math": False,  # text from data is drawn as printed, never as mathtext
}
PRINT_WIDTH = 7.5  # inches: a figure this wide or narrower is sized for print
PRINT_DPI = 300

_NO_METADATA = {
    ".png": {"Software": None},
    ".svg": {"Date": None, "Creator": None},
    ".pdf": {"CreationDate": None, "Producer": None, "Creator": None},
}


# Okabe and Ito's colour-blind-safe palette (Okabe M, Ito K. Color universal design, 2008),
# in the order arms take them; black is left for text and the axes.
OKABE_ITO = {"blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73",
             "purple": "#CC79A7", "orange": "#E69F00", "sky": "#56B4E9", "yellow": "#F0E442"}
ROLE_COLORS = {
    "experimental": OKABE_ITO["vermillion"],
    "comparator": OKABE_ITO["blue"],
    "single_arm": "#000000",
}
ARM_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
# Each arm its own line style too, so that arms stay apart in grey and for every reader:
# solid, dashed, dash-dot, dotted, long dash, dash-dot-dot.
ROLE_LINESTYLES: tuple[object, ...] = ("-", (0, (5, 2)), (0, (6, 2, 1.5, 2)), (0, (1, 1.6)),
                                       (0, (9, 3)), (0, (6, 2, 1.5, 2, 1.5, 2)))


def role_color(role: str) -> str:
    """The colour of an arm role; an unknown role is drawn as a single arm."""
    return ROLE_COLORS.get(role, ROLE_COLORS["single_arm"])


def arm_styles(roles: list[str]) -> list[tuple[str, object]]:
    """(colour, line style) of each arm, all different.

    The first arm of each role takes the role's colour (experimental vermillion, comparator
    blue); further arms take the next colours of the palette that no arm has; line styles go
    in order, so two arms never share both.
    """
    first = {}
    for i, role in enumerate(roles):
        first.setdefault(role_color(role), i)
    free = [c for c in (*ARM_COLORS, *OKABE_ITO.values()) if c not in first]
    out = []
    for i, role in enumerate(roles):
        color = role_color(role)
        if first[color] != i:
            color = free.pop(0) if free else color
        out.append((color, ROLE_LINESTYLES[i % len(ROLE_LINESTYLES)]))
    return out


def apply_style() -> None:
    """Apply the project's deterministic matplotlib settings."""
    matplotlib.rcParams.update(DETERMINISTIC_RC)


# Texts take ``text.parse_math`` when they are made, so it must hold before any figure is.
apply_style()


def save_figure(fig: Figure, path: str | Path, formats: Iterable[str] | None = None,
                png_compression: int | None = None) -> list[Path]:
    """Save ``fig`` without dates or version stamps and close it.

    ``path`` names the file; with ``formats`` (for example ``("png", "svg")``)
    the suffix of ``path`` is replaced by each format in turn. A PNG of a figure sized for
    print (at most :data:`PRINT_WIDTH` inches wide) is written at :data:`PRINT_DPI` dpi.
    ``png_compression`` (zlib level 0-9, default 6) trades file size for time: a stage drawing many
    figures uses 1, a few per cent larger and a quarter faster to write.
    Returns the paths written.
    """
    base = Path(path)
    suffixes = [f".{f.lstrip('.')}" for f in formats] if formats else [base.suffix]
    written = []
    apply_style()
    for suffix in suffixes:
        if suffix not in _NO_METADATA:
            raise ValueError(f"unsupported figure format {suffix!r}")
        out = base.with_suffix(suffix)
        out.parent.mkdir(parents=True, exist_ok=True)
        extra: dict = ({"pil_kwargs": {"compress_level": png_compression}}
                       if suffix == ".png" and png_compression is not None else {})
        if suffix == ".png" and fig.get_figwidth() <= PRINT_WIDTH:
            extra["dpi"] = PRINT_DPI  # sized for a column: printable resolution
        fig.savefig(out, metadata=_NO_METADATA[suffix], **extra)
        os.chmod(out, FILE_MODE)
        written.append(out)
    plt.close(fig)
    return written
