"""``trialrecon digitize`` on vector PDFs drawn from known patient data (issue 23).

The figures come from ``tests/digitize_figures.py``: real patient data bundled with lifelines
(Rossi et al. 1980 recidivism; the NCCTG lung cancer trial, Loprinzi et al., J Clin Oncol
1994;12:601-607) and a simulated three-arm trial, drawn by matplotlib with journal features.
The truth is their own Kaplan-Meier estimate, numbers at risk (patients with time >= t) and Cox
log hazard ratio. Bounds from the issue: max |dS| <= 0.01 and |d log HR| <= 0.05 for a vector
figure, numbers at risk read exactly. ``benchmarks/bench_digitize.py`` prints the same measures
for more figures.
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from digitize_figures import Arm, FigureSpec, evaluate, truth_for, write_figure, write_page  # noqa: E402,E501
from dossier_builder import write_dossier  # noqa: E402

from trialrecon.cli import main as cli  # noqa: E402
from trialrecon.dossier import COLUMNS, validate_dossier  # noqa: E402
from trialrecon.dossier.digitize import DigitizeError, Limits, ReadOptions, read_figure  # noqa: E402,E501
from trialrecon.dossier.digitize.output import slug  # noqa: E402
from trialrecon.dossier.digitized import read_clicks, read_nar  # noqa: E402
from trialrecon.dossier.names import TIME_UNIT_MONTHS  # noqa: E402


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli(["digitize", *args])
    return code, out.getvalue()


def slugged(truth):
    arms = [Arm(slug(a.name), a.time, a.event) for a in truth.arms]
    return replace(truth, arms=arms, nar=truth.nar.assign(arm=truth.nar["arm"].map(slug)))


def read_back(folder: Path, stem: str = "os_all") -> tuple[pd.DataFrame, pd.DataFrame | None]:
    clicks = pd.read_csv(folder / f"{stem}.clicks.csv")
    nar = folder / f"{stem}.nar.csv"
    return clicks, (pd.read_csv(nar) if nar.exists() else None)


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("figures")


@pytest.mark.parametrize("spec", [
    FigureSpec("rossi", "rossi"),  # 2 arms, overlapping early, one dashed, coloured risk table
    FigureSpec("lung3", "lung"),  # 3 arms: solid, dashed, dotted
    # black curves told apart by dash only, plus signs, percent axis, TrueType text, "0·2"
    FigureSpec("sim3_mono", "sim3", style="mono", percent=True, censor="+", risk_colour=False,
               fonttype=42),
    # the project's own figure (report.kmplot): a narrow risk table, labels close to the axis
    FigureSpec("kmplot_waltons", "waltons", style="kmplot"),
], ids=lambda s: s.name)
def test_vector_figure_is_read_within_the_issue_bounds(spec, figures, tmp_path):
    pdf, _, truth = write_figure(spec, figures)
    code, text = run(str(pdf), "--out", str(tmp_path / "curves"), "--endpoint", "os",
                     "--time-unit", "as-read")
    assert code == 0, text
    clicks, nar = read_back(tmp_path / "curves")
    score = evaluate(spec.name, "vector", slugged(truth), clicks, nar, 0.001 * truth.x_max)
    assert score.arms_read == len(truth.arms)
    assert score.max_abs_s <= 0.01
    assert score.log_hr_error <= 0.05
    assert score.nar_exact, (nar, truth.nar)
    # the curve is exact: every corner of the true step function, up to float rounding
    assert score.max_abs_s_all < 0.05


def test_censor_marks_and_arms_come_from_the_figure(figures, tmp_path):
    spec = FigureSpec("lung3", "lung")
    pdf, _, truth = write_figure(spec, figures)
    code, text = run(str(pdf), "--out", str(tmp_path), "--endpoint", "os",
                     "--time-unit", "as-read")
    assert code == 0, text
    clicks, _ = read_back(tmp_path)
    assert sorted(clicks["arm"].unique()) == ["ecog_0", "ecog_1", "ecog_2"]  # legend text
    for arm in truth.arms:
        drawn = np.unique(arm.time[(arm.event == 0) & (arm.time <= truth.x_max)])
        got = np.sort(clicks[(clicks["arm"] == slug(arm.name)) &
                             (clicks["kind"] == "censor")]["time"].to_numpy())
        # marks closer than a marker's width merge on the page: never more marks than drawn,
        # each at a drawn time
        assert 0.75 * drawn.size <= got.size <= drawn.size
        assert np.abs(got[:, None] - drawn[None, :]).min(axis=1).max() < 1e-3


def test_the_files_are_what_the_pipeline_reads_and_are_reproducible(figures, tmp_path):
    pdf, _, _ = write_figure(FigureSpec("rossi", "rossi"), figures)
    outputs = []
    for k in (1, 2):
        out = tmp_path / f"run{k}"
        code, text = run(str(pdf), "--out", str(out), "--endpoint", "os")
        assert code == 0, text
        outputs.append([(out / n).read_bytes() for n in
                        ("os_all.clicks.csv", "os_all.nar.csv", "os_all.overlay.png")])
        clicks = read_clicks(out / "os_all.clicks.csv")
        nar = read_nar(out / "os_all.nar.csv")
        assert set(clicks["arm"]) == set(nar["arm"]) == {"no_financial_aid", "financial_aid"}
    assert outputs[0] == outputs[1]
    # the x axis says "Weeks": times converted to the pipeline's months
    nar = pd.read_csv(tmp_path / "run1" / "os_all.nar.csv")
    assert nar["time"].max() == pytest.approx(60 * TIME_UNIT_MONTHS["weeks"], rel=1e-6)
    assert "converted from weeks to months" in text


def test_a_second_run_does_not_overwrite_without_force(figures, tmp_path):
    pdf, _, _ = write_figure(FigureSpec("rossi", "rossi"), figures)
    assert run(str(pdf), "--out", str(tmp_path), "--endpoint", "os")[0] == 0
    code, text = run(str(pdf), "--out", str(tmp_path), "--endpoint", "os")
    assert code == 2 and "already exists" in text and "--force" in text
    assert run(str(pdf), "--out", str(tmp_path), "--endpoint", "os", "--force")[0] == 0


def test_a_cumulative_incidence_figure_is_read_as_one_minus_survival(figures, tmp_path):
    spec = FigureSpec("cumulative", "rossi", cumulative=True, legend=False)
    pdf, _, truth = write_figure(spec, figures)
    code, text = run(str(pdf), "--out", str(tmp_path), "--endpoint", "os", "--time-unit",
                     "as-read", "--arm", "blue=no_financial_aid", "--arm", "red=financial_aid")
    assert code == 0, text
    clicks, nar = read_back(tmp_path)
    score = evaluate("cumulative", "vector", slugged(truth), clicks, nar, 0.001 * truth.x_max)
    assert score.max_abs_s <= 0.01 and score.nar_exact


def test_a_log_axis_is_calibrated_in_log10(figures, tmp_path):
    spec = FigureSpec("gbsg2_log", "gbsg2", log_y=True)
    pdf, _, truth = write_figure(spec, figures)
    code, text = run(str(pdf), "--out", str(tmp_path), "--endpoint", "os", "--time-unit",
                     "as-read")
    assert code == 0, text
    assert "y 0.05-1 (log" in text
    clicks, nar = read_back(tmp_path)
    score = evaluate(spec.name, "vector", slugged(truth), clicks, nar, 0.001 * truth.x_max)
    assert score.max_abs_s <= 0.01 and score.nar_exact


def test_the_figure_is_found_on_a_two_column_page(tmp_path):
    spec = FigureSpec("page", "rossi", width_in=3.6)
    pdf = tmp_path / "article.pdf"
    truth = write_page(spec, pdf)
    for extra in (["--page", "2"], []):  # given, or found by searching the pages
        out = tmp_path / ("given" if extra else "searched")
        code, text = run(str(pdf), "--out", str(out), "--endpoint", "os", "--time-unit",
                         "as-read", *extra)
        assert code == 0, text
        assert "page 2" in text
        clicks, nar = read_back(out)
        score = evaluate("page", "vector", slugged(truth), clicks, nar, 0.001 * truth.x_max)
        assert score.max_abs_s <= 0.01 and score.nar_exact
    code, text = run(str(pdf), "--out", str(tmp_path / "p1"), "--page", "1", "--endpoint", "os")
    assert code == 2 and "no Kaplan-Meier figure found on page 1" in text


def _two_black_curves(path: Path) -> None:
    """Two arms drawn alike (black, solid): nothing tells them apart."""
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for shift in (0.0, 0.1):
        t = np.arange(0, 31, 3.0)
        ax.step(t, np.exp(-(0.03 + shift / 10) * t), where="post", color="black", lw=1)
    ax.set_xticks([0, 10, 20, 30])
    ax.set_yticks([0, 0.5, 1.0])
    fig.savefig(path, metadata={"CreationDate": None})
    plt.close(fig)


def test_arms_that_look_alike_are_refused_until_named(tmp_path):
    pdf = tmp_path / "alike.pdf"
    _two_black_curves(pdf)
    code, text = run(str(pdf), "--out", str(tmp_path / "c"), "--endpoint", "os")
    assert code == 2
    assert text.strip().splitlines()[-1].count("\n") == 0
    assert "cannot be told apart" in text and "--arm N=ID" in text
    assert (tmp_path / "c" / "os_all.overlay.png").exists()  # to look at before naming them
    code, text = run(str(pdf), "--out", str(tmp_path / "c"), "--endpoint", "os", "--force",
                     "--arm", "1=upper", "--arm", "2=lower")
    assert code == 0, text
    clicks, _ = read_back(tmp_path / "c")
    upper = clicks[clicks["arm"] == "upper"]["survival"].min()
    lower = clicks[clicks["arm"] == "lower"]["survival"].min()
    assert upper > lower


TRIAL = """\
id: aid
title: "Financial aid and re-arrest"
design: randomized
sources:
  - id: book
    kind: paper
    citation: "Rossi, Berk, Lenihan 1980"
cohorts:
  - id: released
    label: "Released prisoners"
arms:
  - id: aid
    label: "Financial aid"
    role: experimental
  - id: control
    label: "No financial aid"
    role: comparator
"""


def test_legend_text_is_matched_to_the_dossier_arms(figures, tmp_path):
    pdf, _, _ = write_figure(FigureSpec("rossi", "rossi"), figures)
    row = dict.fromkeys(COLUMNS, "")
    row.update(id="n", source="book", location="Table 1", anchor="432 released", cohort="released",
               arm="aid", quantity="randomized", statistic="count", value="216",
               unit="patients")
    dossier = write_dossier(tmp_path / "aid", TRIAL, [row])
    code, text = run(str(pdf), "--out", str(dossier / "curves"), "--endpoint", "os")
    assert code == 0, text
    assert "'No financial aid' -> control" in text and "'Financial aid' -> aid" in text
    assert sorted(read_clicks(dossier / "curves" / "os_released.clicks.csv")["arm"].unique()) \
        == ["aid", "control"]
    # the overlay beside the curve files is a known name: the dossier still validates
    assert (dossier / "curves" / "os_released.overlay.png").exists()
    assert validate_dossier(dossier) == []
    code, text = run(str(pdf), "--out", str(dossier / "curves"), "--endpoint", "os", "--force",
                     "--cohort", "nobody")
    assert code == 2 and "not a cohort id" in text


def test_the_endpoint_is_taken_from_the_y_axis_title_or_asked_for(figures, tmp_path):
    pdf, _, _ = write_figure(FigureSpec("rossi", "rossi"), figures)  # "Overall survival"
    code, text = run(str(pdf), "--out", str(tmp_path))
    assert code == 0, text
    assert (tmp_path / "os_all.clicks.csv").exists()


# ------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("content, message", [
    (b"", "not a PDF, PNG or JPEG"),
    (b"hello world, not a figure", "not a PDF, PNG or JPEG"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "not a readable PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a readable image"),
    (b"\xff\xd8\xff\xe0" + b"\x13" * 100, "not a readable image"),
])
def test_broken_files_are_refused_in_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    code, text = run(str(bad), "--out", str(tmp_path / "c"), "--endpoint", "os")
    assert code == 2
    assert message in text
    assert len(text.strip().splitlines()) == 1 and "Traceback" not in text
    assert not (tmp_path / "c").exists()


def test_a_decompression_bomb_is_refused(tmp_path):
    from PIL import Image

    big = tmp_path / "bomb.png"
    Image.new("1", (12_000, 12_000)).save(big)  # 144 Mpx in a few kB
    code, text = run(str(big), "--out", str(tmp_path / "c"), "--x-max", "10")
    assert code == 2 and "pixels" in text and len(text.strip().splitlines()) == 1


def test_links_folders_and_large_files_are_refused(figures, tmp_path):
    pdf, _, _ = write_figure(FigureSpec("rossi", "rossi"), figures)
    link = tmp_path / "link.pdf"
    link.symlink_to(pdf)
    code, text = run(str(link), "--out", str(tmp_path / "c"))
    assert code == 2 and "symbolic link" in text
    code, text = run(str(tmp_path), "--out", str(tmp_path / "c"))
    assert code == 2 and "not a regular file" in text
    with pytest.raises(DigitizeError, match="more than the limit"):
        read_figure(pdf, ReadOptions(limits=Limits(max_file_bytes=1000)))
    with pytest.raises(DigitizeError, match="objects on the page"):
        read_figure(pdf, ReadOptions(limits=Limits(max_objects=50)))
    code, text = run(str(pdf), "--out", str(tmp_path / "c"), "--page", "9")
    assert code == 2 and "has 1 pages" in text


def test_a_page_without_a_figure_is_refused(tmp_path):
    fig = plt.figure(figsize=(4, 3))
    fig.text(0.1, 0.5, "Results: 12 of 40 patients (30%) responded.")
    fig.savefig(tmp_path / "text.pdf")
    plt.close(fig)
    code, text = run(str(tmp_path / "text.pdf"), "--out", str(tmp_path / "c"))
    assert code == 2 and "no Kaplan-Meier figure found" in text


def test_the_truth_used_here_is_the_data_sets_own():
    """The Rossi data: 432 released prisoners, 114 arrests in 52 weeks (Rossi et al. 1980)."""
    truth = truth_for(FigureSpec("rossi", "rossi"))
    assert sum(a.time.size for a in truth.arms) == 432
    assert sum(int(a.event.sum()) for a in truth.arms) == 114
    assert math.isclose(truth.x_max, 60.0)
