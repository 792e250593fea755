"""The journal-style Kaplan-Meier figure (trialrecon.report.kmplot), looked at by its artists.

What the issue asks of the figures, checked on the drawn figure: sized for a journal's single
(3.5 in) and double (7 in) column with every text at least 7 pt at that size and no two texts
overlapping (their drawn boxes, at both widths, for one, two and three arms with long names,
bands, not-reached medians and cumulative events); the legend above the plot (so it covers no
curve); a CI upper limit not reached drawn as an open arrow labelled "NR" with no finite
whisker; numbers at risk counted as time >= t under the x ticks; a distinct colour and line
style per arm from the Okabe-Ito palette; a short y label; 300 dpi PNG beside PDF and SVG.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402

from trialrecon.report import kmplot  # noqa: E402
from trialrecon.report.figures import OKABE_ITO, ROLE_COLORS, arm_styles, save_figure  # noqa: E402
from trialrecon.stats.km import at_risk  # noqa: E402

RNG = np.random.default_rng(3)


def _curve(name, role, printed, n=60, scale=10.0, band=False):
    t = RNG.exponential(scale, n)
    limit = RNG.uniform(5, 25, n)
    grid = np.linspace(0, 25, 30)
    b = (grid, 0.9 * np.exp(-grid / scale), np.minimum(1, 1.1 * np.exp(-grid / scale)))
    return kmplot.Curve(name, role, np.minimum(t, limit), (t <= limit).astype(int),
                        band=b if band else None, printed=printed)


def _figure(show_events=False, width=kmplot.SINGLE_COLUMN):
    curves = (
        _curve("drug", "experimental", kmplot.Printed(median=9.0, ci_low=7.0, ci_high_nr=True)),
        _curve("placebo", "comparator", kmplot.Printed(median=4.0, ci_low=3.0, ci_high=6.0),
               scale=5.0),
    )
    plot = kmplot.KMPlot("PFS - all: test", kmplot.y_label("dor"), curves,
                         notes=("rebuilt HR 0.50 (95% CI 0.30-0.80); log-rank P = 0.004",),
                         show_events=show_events)
    return kmplot.km_plot(plot, width), curves


def _plots():
    """Hard cases: three arms with long names, bands, NR medians, events, a long title."""
    long3 = (
        _curve("Nivolumab 1 mg/kg + ipilimumab 3 mg/kg every 3 weeks", "experimental",
               kmplot.Printed(median_nr=True, ci_low=20.0), n=300, scale=60),
        _curve("Nivolumab", "experimental", kmplot.Printed(median=21.3, ci_low=18.0,
                                                           ci_high_nr=True), n=300, scale=30),
        _curve("Ipilimumab", "comparator", kmplot.Printed(median=11.9, ci_low=10.1,
                                                          ci_high=14.2), n=300, scale=15),
    )
    notes = ("Shown: joint Weibull model (meets 17 of 18 printed numbers)",
             "Nivolumab 1 mg/kg + ipilimumab 3 mg/kg every 3 weeks vs Ipilimumab:",
             "  rebuilt HR 0.55 (95% CI 0.44-0.68); log-rank P < 0.001",
             "  printed HR 0.55 (0.45-0.69); P < 0.001")
    yield kmplot.KMPlot("OS - itt: MODEL-BASED reconstruction (joint Weibull, proportional "
                        "hazards, shared shape), not data", kmplot.y_label("os"), long3,
                        notes=notes, data_cut="2017-05-24 (3-year analysis)")
    two = (_curve("Cabozantinib", "experimental", kmplot.Printed(median=8.4, ci_low=7.6,
                                                                 ci_high=12.7), band=True),
           _curve("Placebo", "comparator", kmplot.Printed(median=3.9, ci_low=3.0, ci_high=5.7),
                  scale=4.0, band=True))
    yield kmplot.KMPlot("PFS - epNET", kmplot.y_label("pfs"), two, notes=notes[:1],
                        show_events=True)
    # a CI upper limit beyond the axis (the pseudo data stop at 25 months): an arrow to the
    # edge labelled with the limit as printed, in the margin right of the axis
    beyond = (_curve("Drug", "experimental", kmplot.Printed(median=11.5, ci_low=8.9,
                                                             ci_high=116.7)),
              _curve("Placebo", "comparator", kmplot.Printed(median=2.9, ci_low=2.8,
                                                             ci_high=3.4), scale=4.0))
    yield kmplot.KMPlot("PFS - limit beyond the axis", kmplot.y_label("pfs"), beyond)
    one = (_curve("Pancreatic NET", "single_arm", kmplot.Printed(median_nr=True), n=40,
                  scale=80),)
    yield kmplot.KMPlot("OS - panNET", kmplot.y_label("tst", "Time from randomisation to "
                        "subsequent therapy; tst_rate = alive and free from subsequent "
                        "therapy"), one)


def _texts(fig) -> list[Text]:
    ax = fig.axes[0]
    texts = [*fig.texts, *(t for t in ax.texts if t.get_text()), ax.xaxis.label, ax.yaxis.label,
             *ax.get_xticklabels(), *ax.get_yticklabels()]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("width", [kmplot.SINGLE_COLUMN, kmplot.DOUBLE_COLUMN])
def test_every_text_is_7_points_or_more_and_no_two_overlap(width):
    for plot in _plots():
        fig = kmplot.km_plot(plot, width)
        assert fig.get_figwidth() == pytest.approx(width)
        fig.canvas.draw()  # places the axis labels
        renderer = fig.canvas.get_renderer()
        texts = _texts(fig)
        assert min(t.get_fontsize() for t in texts) >= kmplot.MIN_POINTS
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
        figure = fig.bbox
        for text, box in boxes:  # nothing runs off the figure
            assert box.x0 >= figure.x0 - 0.5 and box.x1 <= figure.x1 + 0.5, (width, text)
            assert box.y0 >= figure.y0 - 0.5 and box.y1 <= figure.y1 + 0.5, (width, text)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            overlap = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0), \
                min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert not (overlap[0] > 0.5 and overlap[1] > 0.5), (width, plot.title, a, b)
        plt.close(fig)


def test_y_labels_are_short():
    assert kmplot.y_label("pfs") == "Progression-free survival (%)"
    label = kmplot.y_label("tst", "Time from randomisation to subsequent therapy; tst_rate = "
                                  "alive and free")
    assert len(label) <= kmplot.MAX_Y_LABEL + 4 and "=" not in label and "_" not in label


def test_each_arm_has_its_own_colour_and_line_style_from_okabe_ito():
    styles = arm_styles(["experimental", "experimental", "comparator"])
    assert len({c for c, _ in styles}) == 3 and len({str(ls) for _, ls in styles}) == 3
    assert {c for c, _ in styles} <= set(OKABE_ITO.values())
    assert styles[2][0] == ROLE_COLORS["comparator"]  # the comparator keeps its colour


def test_print_sizes_save_at_300_dpi_beside_pdf_and_svg(tmp_path):
    from PIL import Image

    fig, _ = _figure()
    paths = save_figure(fig, tmp_path / "km.png", formats=("png", "pdf", "svg"))
    assert [p.suffix for p in paths] == [".png", ".pdf", ".svg"]
    with Image.open(paths[0]) as im:
        assert im.width == round(kmplot.SINGLE_COLUMN * 300)
    assert paths[0].stat().st_size < 600_000


def test_legend_lies_above_the_plot_area():
    fig, _ = _figure()
    fig.canvas.draw()
    plot = fig.axes[0].get_window_extent()
    keys = [a.get_window_extent() for a in fig.artists]  # the legend's keys
    labels = [t for t in fig.texts if t.get_text() in ("drug", "placebo", "censored")
              and t.get_window_extent().y0 > plot.y1]  # not the labels of the numbers at risk
    assert len(keys) >= 3 and len(labels) == 3
    # above the axes: the legend cannot cover a curve
    assert min(b.y0 for b in keys + [t.get_window_extent() for t in labels]) > plot.y1
    plt.close(fig)


def test_not_reached_is_an_open_arrow_not_a_whisker():
    fig, curves = _figure()
    ax = fig.axes[0]
    arrows = [a for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch is not None]
    assert len(arrows) == 1
    assert arrows[0].arrow_patch.get_arrowstyle().__class__.__name__ == "CurveB"  # "->"
    labels = [a.get_text() for a in ax.texts if isinstance(a, Annotation)]
    assert "NR" in labels
    # the only whisker (on its row under S = 0.5) is the comparator's finite CI, 3 to 6
    whiskers = [line for line in ax.lines if len(line.get_xdata()) == 2
                and line.get_linestyle() != ":"  # the dotted line at 0.5 across the plot
                and np.allclose(line.get_ydata(), line.get_ydata()[0])
                and 0.25 < line.get_ydata()[0] <= 0.5]
    assert [tuple(w.get_xdata()) for w in whiskers] == [(3.0, 6.0)]
    plt.close(fig)


def test_numbers_at_risk_under_the_ticks_and_role_colours():
    fig, curves = _figure(show_events=True)
    ax = fig.axes[0]
    ticks = ax.get_xticks()
    drug = [t for t in ax.texts if t.get_color() == ROLE_COLORS["experimental"]
            and not isinstance(t, Annotation) and t.get_text().isdigit()]
    expected = at_risk(curves[0].time, ticks)
    shown = [int(t.get_text()) for t in drug][: len(ticks)]
    assert shown == expected.tolist()
    assert ax.get_ylabel() == "Remaining in response (%)"
    assert {line.get_color() for line in ax.lines if line.get_linewidth() == 1.4} == {
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


def _boxes_overlap(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5


@pytest.mark.parametrize("width", [kmplot.SINGLE_COLUMN, kmplot.DOUBLE_COLUMN])
def test_printed_medians_stand_on_the_50_percent_line_and_their_labels_never_meet(width):
    """Three arms whose printed medians lie 0.2 and 0.3 months apart (labels as wide as
    "10.2" would sit on top of each other at one height): every diamond stands at
    S = 0.5 at its printed median, each median is labelled with its value in its arm's
    colour, and no two labels overlap."""
    medians = (10.0, 10.2, 10.5)
    curves = tuple(_curve(f"arm {k}", role, kmplot.Printed(median=m, ci_low=m - 2,
                                                          ci_high=m + 3))
                   for k, (m, role) in enumerate(zip(medians, ("experimental", "comparator",
                                                                "other"), strict=True)))
    fig = kmplot.km_plot(kmplot.KMPlot("OS", kmplot.y_label("os"), curves), width)
    ax = fig.axes[0]
    diamonds = sorted((float(d.get_xdata()[0]), float(d.get_ydata()[0]))
                      for d in ax.lines if d.get_marker() == "D")
    assert diamonds == [(m, 0.5) for m in medians]
    fig.canvas.draw()
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is None]
    assert sorted(t.get_text() for t in labels) == ["10", "10.2", "10.5"]
    colours = dict(zip(("10", "10.2", "10.5"), (c for c, _ in arm_styles(
        ["experimental", "comparator", "other"])), strict=True))
    assert all(t.get_color() == colours[t.get_text()] for t in labels)
    renderer = fig.canvas.get_renderer()
    for a, b in itertools.combinations(labels, 2):
        assert not _boxes_overlap(a.get_window_extent(renderer),
                                  b.get_window_extent(renderer)), (a.get_text(), b.get_text())
    plt.close(fig)


def test_median_labels_go_up_a_tier_only_where_they_would_meet():
    """Hand layout: an axis 144 pt (2 in) long over 20 months is 7.2 pt a month; a label
    "5" is about 4.8 pt wide at 7.5 pt and starts 3 pt right of its diamond. Medians 5 and
    15 are 72 pt apart: both on the first tier. Medians 5 and 5.1 are 0.72 pt apart: the
    second label goes up one tier (7.5 * 1.25 = 9.375 pt higher)."""
    apart = kmplot.median_labels([5.0, 15.0], 20.0, 2.0)
    assert [dy for _, _, dy, _ in apart] == [3.0, 3.0]
    close = kmplot.median_labels([5.0, 5.1], 20.0, 2.0)
    assert [dy for _, _, dy, _ in close] == [3.0, 3.0 + 9.375]
    last = kmplot.median_labels([19.9], 20.0, 2.0)  # no room on the right: it goes left
    assert last[0][1] < 0 and last[0][3] == "right"


def test_ci_rows_share_a_row_only_when_apart_in_time():
    """By hand, on a 30-month axis: a lone arm's CI lies on the 50% line (row 0); CIs 3-6
    and 8-12 months do not meet (2 months apart, more than 2% of 30), so both take row 1;
    a third CI 5-9 meets both and goes to row 2; two arrows to the edge ("NR") always meet
    there, so the second goes a row down; an arm without a CI takes row 1 and holds nothing."""
    P = kmplot.Printed
    assert kmplot.ci_rows([P(median=4.0, ci_low=3.0, ci_high=6.0)], 30.0) == [0]
    assert kmplot.ci_rows([P(median=4.0, ci_low=3.0, ci_high=6.0),
                           P(median=10.0, ci_low=8.0, ci_high=12.0),
                           P(median=7.0, ci_low=5.0, ci_high=9.0)], 30.0) == [1, 1, 2]
    assert kmplot.ci_rows([P(median=20.0, ci_low=15.0, ci_high_nr=True),
                           P(median_nr=True, ci_low=25.0),
                           P(median=12.0),
                           P(median=10.0, ci_low=9.0, ci_high=11.0)], 30.0) == [1, 2, 1, 1]


def test_printed_hazard_ratios_keep_their_printed_decimals():
    """The figure's note quotes a printed HR as printed: 0.65 (0.53-0.80), never 0.8
    (half units from the dossier: 0.005 for two decimals, 0.05 for one, 0.5 for none)."""
    from trialrecon.stages.km.report import _as_printed

    assert [_as_printed(0.8, 0.005), _as_printed(0.53, 0.005), _as_printed(3.0, 0.05),
            _as_printed(12.0, 0.5)] == ["0.80", "0.53", "3.0", "12"]


def test_censoring_marks_of_a_curve_without_events_sit_at_one():
    """An arm whose patients are all censored has no step: its marks are drawn at S = 1.

    Found by the property test of any valid dossier (a rebuilt arm of one censored patient).
    Kaplan-Meier with no event: S(t) = 1 for every t up to the last time, so each mark's
    height is 1; the other arm's marks sit on its own steps (after one death of 2, S = 0.5).
    """
    alone = kmplot.Curve("all censored", "experimental", np.array([3.0, 9.8]), np.array([0, 0]))
    other = kmplot.Curve("one death", "comparator", np.array([2.0, 5.0]), np.array([1, 0]))
    fig = kmplot.km_plot(kmplot.KMPlot("OS - all: test", kmplot.y_label("os"), (alone, other)))
    marks = [ln for ln in fig.axes[0].lines if ln.get_marker() == "|"]
    heights = sorted(tuple(ln.get_ydata()) for ln in marks)
    plt.close(fig)
    assert heights == [(0.5,), (1.0, 1.0)]
