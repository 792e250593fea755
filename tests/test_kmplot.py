"""The journal-style Kaplan-Meier figure (trialrecon.report.kmplot), looked at by its artists.

What the issue asks of the figures, checked on the drawn figure: the legend outside the axes
(so it covers no curve), a CI upper limit not reached drawn as an open arrow labelled "NR"
with no finite whisker, numbers at risk counted as time >= t under the x ticks, one colour
per arm role, and the y label of the endpoint.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from trialrecon.report import kmplot  # noqa: E402
from trialrecon.report.figures import ROLE_COLORS  # noqa: E402
from trialrecon.stats.km import at_risk  # noqa: E402

RNG = np.random.default_rng(3)


def _curve(name, role, printed, n=60, scale=10.0):
    t = RNG.exponential(scale, n)
    limit = RNG.uniform(5, 25, n)
    return kmplot.Curve(name, role, np.minimum(t, limit), (t <= limit).astype(int),
                        printed=printed)


def _figure(show_events=False):
    curves = (
        _curve("drug", "experimental", kmplot.Printed(median=9.0, ci_low=7.0, ci_high_nr=True)),
        _curve("placebo", "comparator", kmplot.Printed(median=4.0, ci_low=3.0, ci_high=6.0),
               scale=5.0),
    )
    plot = kmplot.KMPlot("PFS - all: test", kmplot.y_label("dor"), curves,
                         notes=("rebuilt HR 0.50 (95% CI 0.30-0.80); log-rank P = 0.004",),
                         show_events=show_events)
    return kmplot.km_plot(plot), curves


def test_legend_lies_outside_the_plot_area():
    fig, _ = _figure()
    fig.canvas.draw()
    plot = fig.axes[0].get_window_extent()
    keys = [a.get_window_extent() for a in fig.artists]  # the legend's keys
    labels = [t for t in fig.texts if t.get_text() in ("drug", "placebo", "censored")
              and t.get_position()[0] > 0.5]  # not the labels of the numbers at risk
    assert len(keys) >= 5 and len(labels) == 3
    # right of the axes: the legend cannot cover a curve
    assert min(b.x0 for b in keys + [t.get_window_extent() for t in labels]) > plot.x1
    plt.close(fig)


def test_not_reached_is_an_open_arrow_not_a_whisker():
    fig, curves = _figure()
    ax = fig.axes[0]
    arrows = [a for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch is not None]
    assert len(arrows) == 1
    assert arrows[0].arrow_patch.get_arrowstyle().__class__.__name__ == "CurveB"  # "->"
    labels = [a.get_text() for a in ax.texts if isinstance(a, Annotation)]
    assert "NR" in labels
    # the only whisker at S = 0.5 is the comparator's finite CI, 3 to 6
    whiskers = [line for line in ax.lines if len(line.get_xdata()) == 2
                and line.get_linestyle() != ":"  # the dotted line at 0.5 across the plot
                and np.allclose(line.get_ydata(), line.get_ydata()[0])
                and abs(line.get_ydata()[0] - 0.5) < 0.1]
    assert [tuple(w.get_xdata()) for w in whiskers] == [(3.0, 6.0)]
    plt.close(fig)


def test_numbers_at_risk_under_the_ticks_and_role_colours():
    fig, curves = _figure(show_events=True)
    ax = fig.axes[0]
    ticks = ax.get_xticks()
    drug = [t for t in ax.texts if t.get_color() == ROLE_COLORS["experimental"]
            and not isinstance(t, Annotation)]
    expected = at_risk(curves[0].time, ticks)
    shown = [int(t.get_text()) for t in drug][: len(ticks)]
    assert shown == expected.tolist()
    assert ax.get_ylabel() == "Probability of remaining in response"
    assert {line.get_color() for line in ax.lines if line.get_linewidth() == 1.6} == {
        ROLE_COLORS["experimental"], ROLE_COLORS["comparator"]}
    figure_texts = [t.get_text() for t in fig.texts]
    assert "No. at risk" in figure_texts and "Cumulative events" in figure_texts
    plt.close(fig)


def test_p_values_print_as_journals_do():
    assert kmplot.fmt_p(0.0004) == "< 0.001"
    assert kmplot.fmt_p(0.0312) == "= 0.031"
    assert kmplot.fmt_p(0.27) == "= 0.27"


def test_a_printed_median_beyond_the_pseudo_data_stays_in_view():
    """TALENT's GI-NET duration of response: printed median 33.9 months, pseudo data to 32."""
    c = _curve("GI-NET", "single_arm", kmplot.Printed(median=33.9), n=9, scale=30.0)
    fig = kmplot.km_plot(kmplot.KMPlot("DOR", kmplot.y_label("dor"), (c,)))
    ax = fig.axes[0]
    assert ax.get_xlim()[1] > 33.9 > float(np.max(c.time))
    diamonds = [line for line in ax.lines if line.get_marker() == "D"]
    assert [tuple(d.get_xdata()) for d in diamonds] == [(33.9,)]
    plt.close(fig)
