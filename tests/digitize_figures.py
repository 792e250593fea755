"""Kaplan-Meier figures with known patient data, for testing ``trialrecon digitize``.

Shared by ``tests/test_digitize*.py`` and ``benchmarks/bench_digitize.py``. Each
:class:`FigureSpec` draws, with matplotlib, the Kaplan-Meier curves of real patient data bundled
with lifelines (Rossi recidivism, GBSG2 breast cancer, Waltons, NCCTG lung) or of a simulated
trial, in a journal-like style: censor ticks, 2 or 3 arms, dashed lines, a legend, a table of
numbers at risk under the x ticks, percent or log axes, a page of two text columns. The truth
(every arm's times and events) comes with it, and :func:`evaluate` measures what was read:

* ``max_abs_s``: the largest vertical distance, on a 2,000-point grid over the visible time
  range, between S_true(t) and the read curve anywhere within ``tau`` of t (a step read a hair
  early is an error in time, not in survival); ``tau`` is 0.1% of the axis for a vector figure
  and two pixels for an image (a line is two or three pixels wide). ``max_abs_s_all`` is the
  plain max |S_read(t) - S_true(t)| on the grid.
* the median of each arm and the log hazard ratio (each arm against the first) rebuilt by the
  Guyot reconstruction (:func:`trialrecon.stats.guyot.reconstruct_arms`) of the read curve and
  numbers at risk, then :func:`trialrecon.stats.twoarm.cox_binary` (Efron), against the same
  statistics of the true data;
* whether every number at risk (and its time) was read exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter  # noqa: E402

from trialrecon.stats.guyot import reconstruct_arms  # noqa: E402
from trialrecon.stats.km import at_risk, km_at, km_median, km_steps  # noqa: E402
from trialrecon.stats.twoarm import cox_binary  # noqa: E402

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Arm:
    name: str
    time: np.ndarray
    event: np.ndarray


@dataclass(frozen=True)
class FigureSpec:
    """One figure to draw: the data and the look."""

    name: str
    dataset: str  # rossi | gbsg2 | waltons | lung | sim3 | cross
    style: str = "journal"  # journal (colours) | mono (black, told apart by dash) | kmplot
    percent: bool = False
    log_y: bool = False
    censor: str = "|"  # "|" ticks or "+" plus signs
    tick: float = 0.0  # x tick step (0: the data set's own)
    legend: bool = True
    risk_colour: bool = True  # numbers at risk printed in the arm's colour
    width_in: float = 6.0
    dpi: int = 150
    fonttype: int = 3  # matplotlib's pdf.fonttype: 3 (Type 3) or 42 (TrueType)
    seed: int = 20240521
    cumulative: bool = False  # draw 1 - S (cumulative incidence)


@dataclass
class Truth:
    arms: list[Arm]
    ticks: np.ndarray
    x_max: float
    y_max: float  # the top of the y axis on the probability scale
    unit: str
    nar: pd.DataFrame  # arm, time, n_risk as printed
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------- data sets


def _arms(dataset: str, seed: int) -> tuple[list[Arm], str, float]:
    """The arms, the time unit and the default tick step."""
    from lifelines import datasets

    if dataset == "rossi":
        d = datasets.load_rossi()
        return [Arm("No financial aid", d.week[d.fin == 0].to_numpy(float),
                    d.arrest[d.fin == 0].to_numpy(int)),
                Arm("Financial aid", d.week[d.fin == 1].to_numpy(float),
                    d.arrest[d.fin == 1].to_numpy(int))], "Weeks", 10.0
    if dataset == "gbsg2":
        d = datasets.load_gbsg2()
        names = {"no": "No tamoxifen", "yes": "Tamoxifen"}
        return [Arm(names[v], d.time[d.horTh == v].to_numpy(float) / DAYS_PER_MONTH,
                    d.cens[d.horTh == v].to_numpy(int)) for v in ("no", "yes")], "Months", 12.0
    if dataset == "waltons":
        d = datasets.load_waltons()
        return [Arm(g, d["T"][d.group == g].to_numpy(float), d.E[d.group == g].to_numpy(int))
                for g in ("control", "miR-137")], "Days", 10.0
    if dataset == "lung":
        d = datasets.load_lung()
        return [Arm(f"ECOG {int(v)}", d.time[d["ph.ecog"] == v].to_numpy(float)
                    / DAYS_PER_MONTH, d.status[d["ph.ecog"] == v].to_numpy(int))
                for v in (0.0, 1.0, 2.0)], "Months", 6.0
    rng = np.random.default_rng(seed)
    if dataset == "sim3":
        return [_simulate(rng, 150, m, 1.0, name) for m, name in
                ((8.0, "Control"), (11.0, "Drug A"), (15.0, "Drug A + B"))], "Months", 6.0
    if dataset == "cross":
        return [_simulate(rng, 200, 12.0, 1.6, "Surgery"),
                _simulate(rng, 200, 12.0, 0.8, "Chemoradiotherapy")], "Months", 6.0
    raise ValueError(f"unknown data set {dataset}")


def _simulate(rng: np.random.Generator, n: int, median: float, shape: float,
              name: str) -> Arm:
    """Weibull survival, uniform accrual over 24 months, a 36-month cut and 1%/month dropout."""
    scale = median / math.log(2) ** (1 / shape)
    t = scale * rng.weibull(shape, n)
    entry = rng.uniform(0, 24, n)
    admin = 36.0 - entry
    drop = rng.exponential(100.0, n)
    obs = np.minimum.reduce([t, admin, drop])
    return Arm(name, np.round(obs, 2), (t <= np.minimum(admin, drop)).astype(int))


def truth_for(spec: FigureSpec) -> Truth:
    arms, unit, step = _arms(spec.dataset, spec.seed)
    step = spec.tick or step
    t_last = max(float(a.time.max()) for a in arms)
    ticks = np.arange(0.0, t_last + 1e-9, step)
    x_max = float(ticks[-1] + (step if t_last > ticks[-1] else 0.0))
    if x_max > ticks[-1]:
        ticks = np.append(ticks, x_max)
    nar = pd.DataFrame([{"arm": a.name, "time": float(t), "n_risk": int(n)} for a in arms
                        for t, n in zip(ticks, at_risk(a.time, ticks), strict=True)])
    return Truth(arms, ticks, x_max, 1.0, unit, nar)


# ---------------------------------------------------------------------------------- drawing

COLOURS = ("#0b5394", "#cc4125", "#38761d")
DASHES = ("-", (0, (5, 2.5)), (0, (1.5, 1.5)))


def _style(spec: FigureSpec, k: int) -> tuple[str, object]:
    if spec.style == "mono":
        return "black", DASHES[k]
    return COLOURS[k], DASHES[k] if k else "-"


def _curve(ax, arm: Arm, colour: str, dash, spec: FigureSpec, x_max: float) -> None:
    st, ss = km_steps(arm.time, arm.event)
    xs = np.concatenate([[0.0], st, [arm.time.max()]])
    ys = np.concatenate([[1.0], ss, ss[-1:] if ss.size else [1.0]])
    cens = np.sort(arm.time[arm.event == 0])
    cs = km_at(cens, st, ss)
    if spec.cumulative:
        ys, cs = 1.0 - ys, 1.0 - cs
    if spec.percent:
        ys, cs = ys * 100, cs * 100
    ax.step(xs, ys, where="post", color=colour, ls=dash, lw=1.3, label=arm.name, zorder=3)
    ax.plot(cens, cs, ls="", marker=spec.censor, ms=4.5, mew=0.8, color=colour, zorder=4)


def _decimal(spec: FigureSpec):
    if spec.style == "mono":  # the Lancet's middle dot
        return FuncFormatter(lambda v, _: f"{v:.1f}".replace(".", "\u00b7"))
    return FuncFormatter(lambda v, _: f"{v:.1f}")


def draw(spec: FigureSpec, truth: Truth, fig=None, rect=None):
    """The figure (or an axes in ``fig`` at ``rect``, in figure fractions, for a page)."""
    plt.rcParams["pdf.fonttype"] = spec.fonttype
    n = len(truth.arms)
    table_h = 0.28 + 0.16 * n
    height = 3.2 + table_h
    own = fig is None
    if own:
        fig = plt.figure(figsize=(spec.width_in, height))
        rect = (0.22, (table_h + 0.55) / height, 0.73, 2.45 / height)
    ax = fig.add_axes(rect)
    for k, arm in enumerate(truth.arms):
        colour, dash = _style(spec, k)
        _curve(ax, arm, colour, dash, spec, truth.x_max)
    ax.set_xlim(0, truth.x_max)
    ax.xaxis.set_major_locator(FixedLocator(truth.ticks))
    ax.set_xticklabels([f"{t:g}" for t in truth.ticks], fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8, direction="out", length=3.5)
    ax.set_xlabel(truth.unit + (" since randomisation" if spec.style == "mono" else ""),
                  fontsize=8.5)
    label = "Cumulative incidence" if spec.cumulative else "Overall survival"
    if spec.log_y:
        ax.set_yscale("log")
        ax.set_ylim(0.05, 1.05)
        ax.yaxis.set_major_locator(FixedLocator([0.05, 0.1, 0.2, 0.5, 1.0]))
        ax.yaxis.set_minor_locator(FixedLocator([]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylabel(label + " (log scale)", fontsize=8.5)
    elif spec.percent:
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylabel(label + " (%)", fontsize=8.5)
    else:
        ax.set_ylim(0, 1.0)
        ax.yaxis.set_major_locator(FixedLocator([0, 0.2, 0.4, 0.6, 0.8, 1.0]))
        ax.yaxis.set_major_formatter(_decimal(spec))
        ax.set_ylabel(label, fontsize=8.5)
    if spec.legend:
        ax.legend(loc="lower left" if spec.cumulative else "upper right", fontsize=7.5,
                  frameon=False, handlelength=2.6)
    _hr_text(ax, truth, spec)
    _risk_table(fig, ax, truth, spec)
    return fig


def _hr_text(ax, truth: Truth, spec: FigureSpec) -> None:
    """A line of annotation inside the plot, as journals print the hazard ratio."""
    a, b = truth.arms[0], truth.arms[1]
    fit = cox_binary(np.concatenate([a.time, b.time]), np.concatenate([a.event, b.event]),
                     np.concatenate([np.zeros(a.time.size), np.ones(b.time.size)]))
    ax.text(0.03, 0.06 if not spec.cumulative else 0.9,
            f"Hazard ratio {fit.hr:.2f} (95% CI {fit.hr_low:.2f}-{fit.hr_high:.2f})",
            transform=ax.transAxes, fontsize=7)


def _risk_table(fig, ax, truth: Truth, spec: FigureSpec) -> None:
    from matplotlib.transforms import blended_transform_factory

    trans = blended_transform_factory(ax.transData, ax.transAxes)
    fig_h = fig.get_size_inches()[1] * ax.get_position().height
    row = 0.16 / fig_h  # rows 0.16 in apart, in axes fractions
    top = -0.52 / fig_h  # under the tick labels and the axis title
    ax.text(-0.08, top, "No. at risk", transform=ax.transAxes, fontsize=7.5,
            fontweight="bold", ha="right", va="center")
    for k, arm in enumerate(truth.arms):
        colour = _style(spec, k)[0] if spec.risk_colour else "black"
        y = top - row * (k + 1)
        ax.text(-0.08, y, arm.name, transform=ax.transAxes, fontsize=7.5, color=colour,
                ha="right", va="center")
        for t, n in zip(truth.ticks, at_risk(arm.time, truth.ticks), strict=True):
            ax.text(t, y, f"{int(n)}", transform=trans, fontsize=7.5, color=colour,
                    ha="center", va="center", clip_on=False)


def _kmplot(spec: FigureSpec, truth: Truth):
    """The project's own figure (CI bands, a side panel legend, numbers at risk)."""
    from trialrecon.report.kmplot import Curve, KMPlot, km_plot

    curves = tuple(Curve(a.name, "experimental" if k else "comparator", a.time, a.event)
                   for k, a in enumerate(truth.arms))
    return km_plot(KMPlot(title="Overall survival", ylabel="Probability of overall survival",
                          curves=curves, xlabel=truth.unit))


def write_figure(spec: FigureSpec, folder: Path) -> tuple[Path, Path, Truth]:
    """The figure as a vector PDF and a PNG, and its truth."""
    folder.mkdir(parents=True, exist_ok=True)
    truth = truth_for(spec)
    if spec.style == "kmplot":
        fig = _kmplot(spec, truth)
        from trialrecon.report.kmplot import _ticks

        ticks = _ticks(max(float(a.time.max()) for a in truth.arms))
        truth = replace(truth, ticks=ticks, nar=pd.DataFrame(
            [{"arm": a.name, "time": float(t), "n_risk": int(n)} for a in truth.arms
             for t, n in zip(ticks, at_risk(a.time, ticks), strict=True)]))
    else:
        fig = draw(spec, truth)
    truth.extra["plot_px"] = fig.axes[0].get_position().width * fig.get_size_inches()[0] * \
        spec.dpi  # the plot's width in the PNG, for the time tolerance of an image
    pdf, png = folder / f"{spec.name}.pdf", folder / f"{spec.name}.png"
    fig.savefig(pdf, metadata={"CreationDate": None, "Producer": None})
    fig.savefig(png, dpi=spec.dpi)
    plt.close(fig)
    return pdf, png, truth


# ------------------------------------------------------------------------- a journal page

_PARAGRAPH = (
    "Patients were randomly assigned in a one-to-one ratio, with stratification by centre and "
    "by performance status, to receive the study treatment or the comparator until disease "
    "progression or unacceptable toxic effects. The primary end point was overall survival in "
    "the intention-to-treat population; secondary end points included progression-free "
    "survival, objective response and safety. Survival was estimated with the Kaplan-Meier "
    "method and compared with a stratified log-rank test, and hazard ratios were estimated "
    "with a Cox model. All 432 participants were followed for 52 weeks after release.")


def _columns(fig, x0: float, x1: float, y_top: float, y_bottom: float, seed: int) -> None:
    """Fill a column with justified-looking lines of body text (8 pt)."""
    import textwrap

    rng = np.random.default_rng(seed)
    words = _PARAGRAPH.split()
    lines = []
    while len(lines) * 0.0125 < (y_top - y_bottom):
        shift = int(rng.integers(0, len(words)))
        text = " ".join(words[shift:] + words[:shift])
        lines += textwrap.wrap(text, 58)
    y = y_top
    for line in lines:
        if y < y_bottom:
            break
        fig.text(x0, y, line, fontsize=7.2, va="top", family="DejaVu Serif")
        y -= 0.0125


def write_page(spec: FigureSpec, path: Path) -> Truth:
    """A two-page PDF: a page of text, then a two-column page with the figure in a column."""
    truth = truth_for(spec)
    with PdfPages(path, metadata={"CreationDate": None, "Producer": None}) as pdf:
        first = plt.figure(figsize=(8.27, 11.69))
        first.text(0.08, 0.95, "Original article", fontsize=14, va="top")
        _columns(first, 0.08, 0.47, 0.9, 0.07, 1)
        _columns(first, 0.53, 0.92, 0.9, 0.07, 2)
        pdf.savefig(first)
        plt.close(first)
        page = plt.figure(figsize=(8.27, 11.69))
        _columns(page, 0.08, 0.47, 0.95, 0.05, 3)
        _columns(page, 0.53, 0.92, 0.95, 0.60, 4)
        draw(replace(spec, width_in=3.6), truth, fig=page, rect=(0.62, 0.34, 0.3, 0.2))
        page.text(0.53, 0.22, "Figure 2. Overall survival in the intention-to-treat "
                  "population.", fontsize=7.5, fontweight="bold", va="top")
        _columns(page, 0.53, 0.92, 0.2, 0.05, 5)
        pdf.savefig(page)
        plt.close(page)
    return truth


# ------------------------------------------------------------------------------ measuring


def read_step(time: np.ndarray, surv: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The step function through read corners: the lowest value at or before each time."""
    order = np.lexsort((-surv, time))
    t, s = time[order], surv[order]
    idx = np.searchsorted(t, at, side="right") - 1
    return np.where(idx >= 0, s[np.maximum(idx, 0)], 1.0)


@dataclass
class Scores:
    figure: str
    kind: str
    max_abs_s: float
    max_abs_s_all: float
    median_error: float  # largest |rebuilt - true| over arms (time units)
    median_rel_error: float
    log_hr_error: float  # largest |rebuilt - true| over arms against the first
    nar_exact: bool
    censor_marks: int  # read, over all arms
    censor_true: int  # distinct censoring positions drawn
    arms_read: int = 0  # curves the command wrote (the truth has len(truth.arms))


def evaluate(name: str, kind: str, truth: Truth, clicks: pd.DataFrame, nar: pd.DataFrame,
             tau: float) -> Scores:
    """Read curves (arm, time, survival[, kind]) and numbers at risk against the truth."""
    worst = worst_all = 0.0
    med_err = med_rel = 0.0
    curves = clicks[clicks.get("kind", pd.Series("corner", index=clicks.index)) != "censor"]
    for arm in truth.arms:
        part = curves[curves["arm"] == arm.name]
        if part.empty:
            return Scores(name, kind, math.inf, math.inf, math.inf, math.inf, math.inf, False,
                          0, 0)
        st, ss = km_steps(arm.time, arm.event)
        end = min(float(arm.time.max()), truth.x_max)
        grid = np.linspace(0.0, end, 2000)
        t_read, s_read = part["time"].to_numpy(), part["survival"].to_numpy()
        true_s = km_at(grid, st, ss)
        err = np.abs(read_step(t_read, s_read, grid) - true_s)
        # with a slack of tau in time: how far S_true(t) lies outside S_read([t - tau, t + tau])
        hi = read_step(t_read, s_read, np.maximum(grid - tau, 0.0))
        lo = read_step(t_read, s_read, grid + tau)
        slack = np.maximum.reduce([np.zeros(grid.size), lo - true_s, true_s - hi])
        worst = max(worst, float(slack.max()))
        worst_all = max(worst_all, float(err.max()))
    # N as a dossier gives it, for an arm whose numbers at risk were not read
    names = {a.name for a in truth.arms}
    curves = curves[curves["arm"].isin(names)]
    nar = None if nar is None else nar[nar["arm"].isin(names)]
    rebuilt = reconstruct_arms(curves[["arm", "time", "survival"]], nar,
                               n_total={a.name: int(a.time.size) for a in truth.arms})
    for arm in truth.arms:
        st, ss = km_steps(arm.time, arm.event)
        true_med = km_median(st, ss, float(arm.time.max()))
        got = rebuilt[arm.name].median
        if math.isnan(true_med) and math.isnan(got):
            continue
        d = abs(got - true_med) if not (math.isnan(true_med) or math.isnan(got)) else math.inf
        med_err = max(med_err, d)
        med_rel = max(med_rel, d / true_med if true_med else math.inf)
    hr_err = 0.0
    ref = truth.arms[0]
    for arm in truth.arms[1:]:
        true_b = cox_binary(np.concatenate([ref.time, arm.time]),
                            np.concatenate([ref.event, arm.event]),
                            np.r_[np.zeros(ref.time.size), np.ones(arm.time.size)]).log_hr
        a, b = rebuilt[ref.name].ipd, rebuilt[arm.name].ipd
        got_b = cox_binary(np.concatenate([a["time"], b["time"]]),
                           np.concatenate([a["event"], b["event"]]),
                           np.r_[np.zeros(len(a)), np.ones(len(b))]).log_hr
        hr_err = max(hr_err, abs(got_b - true_b))
    exact = _nar_exact(truth.nar, nar)
    marks = int((clicks.get("kind", pd.Series(dtype=str)) == "censor").sum())
    true_marks = sum(np.unique(a.time[(a.event == 0) & (a.time <= truth.x_max)]).size
                     for a in truth.arms)
    return Scores(name, kind, worst, worst_all, med_err, med_rel, hr_err, exact, marks,
                  true_marks, int(clicks["arm"].nunique()))


def _nar_exact(want: pd.DataFrame, got: pd.DataFrame | None) -> bool:
    if got is None or got.empty:
        return False
    a = want.sort_values(["arm", "time"]).reset_index(drop=True)[["arm", "time", "n_risk"]]
    b = got.sort_values(["arm", "time"]).reset_index(drop=True)[["arm", "time", "n_risk"]]
    return len(a) == len(b) and bool((a["arm"] == b["arm"]).all()) and \
        bool(np.allclose(a["time"], b["time"], atol=1e-6)) and \
        bool((a["n_risk"].to_numpy() == b["n_risk"].to_numpy()).all())


def write_html_page(spec: FigureSpec, folder: Path) -> tuple[Path, Truth] | None:
    """A two-column A4 page printed by headless Chromium from HTML with the figure as SVG.

    Chromium (Skia) writes text as TrueType and each dash of a dashed line as a filled shape,
    unlike matplotlib's PDF; None when Chromium is not installed.
    """
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    truth = truth_for(spec)
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["svg.hashsalt"] = "digitize"
    fig = draw(spec, truth)
    svg_path = folder / f"{spec.name}.svg"
    fig.savefig(svg_path, metadata={"Date": None})
    plt.close(fig)
    svg = svg_path.read_text(encoding="utf-8")
    svg = svg[svg.index("<svg"):]
    para = " ".join([_PARAGRAPH] * 2)
    html = ("<!doctype html><html><head><meta charset='utf-8'><style>"
            "@page { size: A4; margin: 18mm; } body { font-family: serif; font-size: 9pt; "
            "column-count: 2; column-gap: 8mm; text-align: justify; } figure { break-inside: "
            "avoid; margin: 4mm 0; } figure svg { width: 100%; height: auto; } figcaption "
            "{ font-size: 8pt; font-weight: bold; }</style></head><body>"
            f"<h1>Original article</h1><p>{para}</p><p>{para}</p><figure>{svg}<figcaption>"
            "Figure 2. Overall survival.</figcaption></figure><p>{para}</p><p>{para}</p>"
            "</body></html>").replace("{para}", para)
    html_path = folder / f"{spec.name}.html"
    html_path.write_text(html, encoding="utf-8")
    pdf = folder / f"{spec.name}.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", str(html_path)],
                   check=True, capture_output=True, timeout=120)
    return pdf, truth
