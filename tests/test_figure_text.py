"""Figures a journal would print: texts of 7 pt or more at their size and no two overlapping.

The cross-trial forest and rate plots of the shipped dossiers are drawn a double column wide
(7 in) and measured with tests/figure_text.py; the detector itself is checked on a figure
whose labels do collide (a test that cannot fail proves nothing). A rate reads in words.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402
from figure_text import overlapping, smallest_points  # noqa: E402

from trialrecon.dossier import load_dossier  # noqa: E402
from trialrecon.report.forest import hazard_ratio_figure, rate_figure, rate_words  # noqa: E402
from trialrecon.report.kmplot import DOUBLE_COLUMN  # noqa: E402
from trialrecon.stages.crosstrial.stage import (  # noqa: E402
    design_hypotheses,
    hazard_ratio_table,
    response_rate_table,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dossiers():
    trials = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["trials"]
    return [load_dossier(ROOT / "data" / "raw" / t) for t in trials]


def test_the_detector_finds_colliding_labels():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.text(0.5, 0.5, "0.2 3x10^-1")
    ax.text(0.52, 0.5, "4x10^-1")
    assert overlapping(fig)
    plt.close(fig)


def test_forest_plot_of_the_shipped_trials(dossiers):
    fig = hazard_ratio_figure(hazard_ratio_table(dossiers), "Primary-endpoint hazard ratios")
    assert fig.get_figwidth() == pytest.approx(DOUBLE_COLUMN)
    assert smallest_points(fig) >= 7
    assert overlapping(fig) == []
    plt.close(fig)


def test_rate_plot_of_the_shipped_trials(dossiers):
    table = response_rate_table(dossiers)
    fig = rate_figure(table, "Response rates", "Response rate (%)", design_hypotheses(dossiers))
    assert fig.get_figwidth() == pytest.approx(DOUBLE_COLUMN)
    assert smallest_points(fig) >= 7
    assert overlapping(fig) == []
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert not any("/" in t and "=" in t for t in texts)  # no "12/64 = 18%"
    plt.close(fig)


def test_a_rate_in_words():
    # CABINET, pancreatic cohort: 12 of 64 responders, printed as 19% and, later, as 18%
    assert rate_words({"printed": "19", "count": 12, "n": 64,
                       "count_reproduces_printed": True}) == "12 of 64: 19%"
    assert rate_words({"printed": "18", "count": 12, "n": 64,
                       "count_reproduces_printed": False}) == "printed 18%; 12 of 64 is 18.8%"
    assert rate_words({"printed": "44.2", "count": None, "n": None}) == "44.2%"
