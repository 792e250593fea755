"""``trialrecon digitize`` on images (PNG, JPEG, an image placed in a PDF) of known figures.

As ``tests/test_digitize.py``, with the issue's bounds for images: max |dS| <= 0.02 (with a
time slack of two pixels, see ``tests/digitize_figures.py``) and |d log HR| <= 0.08. An image's
axis values and numbers at risk cannot be read without OCR, so the test gives them as a user
would (``--x-max``, ``--y-max``, ``--nar``) and names the arms by their colours.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from digitize_figures import COLOURS, Arm, FigureSpec, evaluate, write_figure
from PIL import Image

from trialrecon.cli import main as cli
from trialrecon.dossier.digitize.geometry import colour_name
from trialrecon.dossier.digitize.output import slug


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli(["digitize", *args])
    return code, out.getvalue()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def read_image(image: Path, spec: FigureSpec, truth, out: Path, *extra: str):
    arms = [Arm(slug(a.name), a.time, a.event) for a in truth.arms]
    truth_s = replace(truth, arms=arms, nar=truth.nar.assign(arm=truth.nar["arm"].map(slug)))
    nar_csv = out.parent / "nar.input.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    truth_s.nar.to_csv(nar_csv, index=False)
    colours = COLOURS
    if spec.style == "kmplot":  # the project's figure: its own colour per arm role
        from trialrecon.report.figures import arm_styles

        colours = tuple(c for c, _ in arm_styles(["experimental" if k else "comparator"
                                                  for k in range(len(arms))]))
    names = [f"--arm={colour_name(_rgb(colours[k]))}={a.name}" for k, a in enumerate(arms)]
    code, text = run(str(image), "--out", str(out), "--endpoint", "os", "--time-unit",
                     "as-read", "--x-max", f"{truth.ticks[-1]:g}", "--y-max",
                     "100" if spec.percent else "1", "--nar", str(nar_csv), *names, *extra)
    assert code == 0, text
    clicks = pd.read_csv(out / "os_all.clicks.csv")
    nar = pd.read_csv(out / "os_all.nar.csv")
    tau = 2.0 * truth.x_max / truth.extra["plot_px"]
    return evaluate(spec.name, "raster", truth_s, clicks, nar, tau), text


@pytest.mark.parametrize("spec, fmt", [
    (FigureSpec("rossi", "rossi"), "png"),  # overlapping curves, one dashed
    (FigureSpec("rossi", "rossi"), "jpg"),
    (FigureSpec("crossing", "cross"), "png"),  # curves that cross, many censor ticks
    (FigureSpec("waltons", "waltons", risk_colour=False), "png"),  # dashed drops into gaps
    (FigureSpec("lung_3arms", "lung"), "png"),  # three arms: solid, dashed, dotted
    (FigureSpec("lung_3arms", "lung"), "jpg"),  # the dotted arm falls to 0 under the axis
    (FigureSpec("sim3_percent", "sim3", percent=True, censor="+"), "png"),  # plus signs
    (FigureSpec("waltons", "waltons", style="kmplot"), "png"),  # bands, a side legend
], ids=lambda v: v if isinstance(v, str) else v.name)
def test_image_is_read_within_the_issue_bounds(spec, fmt, tmp_path):
    _, png, truth = write_figure(spec, tmp_path / "fig")
    image = png
    if fmt == "jpg":
        image = png.with_suffix(".jpg")
        Image.open(png).convert("RGB").save(image, quality=90)
    score, text = read_image(image, spec, truth, tmp_path / "c")
    assert score.max_abs_s <= 0.02, text
    assert score.log_hr_error <= 0.08
    assert "from the options" in text  # the user is told where the axis values came from


def test_an_image_needs_its_axis_range(tmp_path):
    _, png, _ = write_figure(FigureSpec("rossi", "rossi"), tmp_path)
    code, text = run(str(png), "--out", str(tmp_path / "c"), "--endpoint", "os")
    assert code == 2 and "--x-max" in text and "OCR" in text


def test_an_image_without_axes_is_refused(tmp_path):
    rng = np.random.default_rng(1)
    noise = (rng.random((300, 400, 3)) * 255).astype(np.uint8)
    Image.fromarray(noise).save(tmp_path / "noise.png")
    Image.new("RGB", (400, 300), "white").save(tmp_path / "blank.png")
    for name in ("noise.png", "blank.png"):
        code, text = run(str(tmp_path / name), "--out", str(tmp_path / "c"), "--x-max", "10",
                         "--endpoint", "os")
        assert code == 2 and "no axes found" in text, text
        assert len(text.strip().splitlines()) == 1


def test_an_image_placed_in_a_pdf_is_read(tmp_path):
    """A PDF whose figure is a bitmap (a scanned or pasted figure) goes the raster way."""
    spec = FigureSpec("rossi", "rossi")
    _, png, truth = write_figure(spec, tmp_path / "fig")
    pdf = tmp_path / "pasted.pdf"
    Image.open(png).convert("RGB").save(pdf, resolution=150)
    score, text = read_image(pdf, spec, truth, tmp_path / "c")
    assert "raster figure page 1" in text
    assert score.max_abs_s <= 0.02 and score.log_hr_error <= 0.08


def test_a_thick_line_is_read_from_its_edges():
    """Steps shorter than the line is wide run together into one slanted band; the band's
    edges still give the curve. By hand: a curve at row 10.5 until x = 50, 14.5 until x = 53,
    then 18.5, stroked 12 pixels wide (square ends), covers in column x the rows from
    min y over [x - 6, x + 6] minus 6 to max y over it plus 6 (pixel rows whole: a line edge
    at 4.5 makes row 5 the first)."""
    from trialrecon.dossier.digitize.raster_edges import edge_corners

    def y(x: float) -> float:
        return 10.5 if x < 50 else (14.5 if x < 53 else 18.5)

    cols = np.arange(20, 90)
    top = np.array([min(y(x - 6), y(x + 6)) - 6 + 0.5 for x in cols])
    bottom = np.array([max(y(x - 6), y(x + 6)) + 6 - 0.5 for x in cols])
    corners = edge_corners(cols, top, bottom, 12.0)
    drops = corners[1:-1:2]  # (x, level before) pairs, then (x, level after)
    assert [round(float(v), 1) for v in np.unique(corners[:, 1])] == [10.5, 14.5, 18.5]
    xs = sorted({float(x) for x, _ in drops})
    assert len(xs) == 2 and abs(xs[0] - 49.5) <= 1.0 and abs(xs[1] - 52.5) <= 1.0
    # the run centres (a thin line's reading) would put the first drop 6 pixels early
    centre = (top + bottom) / 2
    assert centre[list(cols).index(44)] > 10.5 + 1


def test_drop_pieces_out_of_order_are_pooled():
    """Pieces of one vertical found a column apart in the wrong order become one drop at their
    mean weighted by height (pool adjacent violators): (10*2 + 9*6) / 8 = 9.25."""
    from trialrecon.dossier.digitize.raster import _in_order

    assert _in_order([5.0, 10.0, 9.0, 20.0], [1.0, 2.0, 6.0, 3.0]) == [5.0, 9.25, 9.25, 20.0]
