"""Figures are byte-identical across runs and carry no date or version stamp."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from trialrecon.report.figures import save_figure  # noqa: E402


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.step([0, 1, 2, 3], [1.0, 0.8, 0.5, 0.4], where="post")
    ax.set_title("S(t)")
    return fig


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_same_figure_same_bytes(tmp_path, fmt):
    first = save_figure(_figure(), tmp_path / "a" / f"f.{fmt}")[0].read_bytes()
    second = save_figure(_figure(), tmp_path / "b" / f"f.{fmt}")[0].read_bytes()
    assert first == second


def test_no_stamps(tmp_path):
    paths = save_figure(_figure(), tmp_path / "f.png", formats=("png", "svg", "pdf"))
    png, svg, pdf = (p.read_bytes() for p in paths)
    assert b"Software" not in png and b"matplotlib version" not in png
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    assert b"CreationDate" not in pdf and b"Producer" not in pdf


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unsupported figure format '.jpg'"):
        save_figure(_figure(), tmp_path / "f.jpg")
