"""Validation of the Guyot reconstruction on data sets with known patient data.

Two data sets bundled with lifelines (no network): GBSG2 (German Breast Cancer Study Group 2;
Schumacher M et al., J Clin Oncol 1994;12:2086-2093; arms: hormone therapy yes/no, time in days)
and Rossi (Rossi PH, Berk RA, Lenihan KJ. Money, Work and Crime, 1980; arms: financial aid yes/no,
time in weeks). For each arm the true Kaplan-Meier curve is "digitized": every corner of the step
curve is clicked, then moved by Gaussian pixel error on a plot of ``width_px`` x ``height_px``
pixels; numbers at risk are printed every ``nar_step`` time units. The Guyot reconstruction
(:mod:`trialrecon.stats.guyot`, Guyot et al. 2012) rebuilds pseudo data, which are compared with the
truth: survival at the printed times, the median, the events, and the Cox log hazard ratio
(also after rounding the pseudo times to the data's recording grid, since pixel error breaks the
ties of the truth and Cox's Efron handling of ties then differs).

Beside it, the model-based reconstruction is validated on the same data
(:mod:`trialrecon.stages.km.validation_models`): the joint proportional-hazards model and the
per-arm fits rebuilt from the medians, N, events, accrual and follow-up alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from trialrecon.report.figures import ROLE_COLORS, save_figure  # noqa: E402
from trialrecon.report.tables import write_table  # noqa: E402
from trialrecon.stages.km.validation_models import model_accuracy  # noqa: E402
from trialrecon.stats import survmodel as sm  # noqa: E402
from trialrecon.stats.guyot import GuyotResult, reconstruct_curve  # noqa: E402
from trialrecon.stats.km import at_risk, km_at, km_median, km_steps  # noqa: E402
from trialrecon.stats.twoarm import cox_binary  # noqa: E402

DEFAULTS: dict[str, Any] = {
    "seed": 20120209,  # first seed of the pixel-error replicates
    "replicates": 5,  # digitizations with independent pixel error per scenario
    "pixel_sd": [0.0, 0.5, 1.0],  # pixel error (standard deviation, pixels) of each scenario
    "width_px": 800,
    "height_px": 500,
    "model_seed": 20240611,  # seed of the model-based reconstructions' representative data
    "figure_formats": ["png"],
}
ARM_COLORS = {0: ROLE_COLORS["comparator"], 1: ROLE_COLORS["experimental"]}


@dataclass(frozen=True)
class DatasetSpec:
    """A lifelines data set: how to split it into two arms, and its printed at-risk times."""

    name: str
    time: str
    event: str
    arm: str
    experimental: object  # value of ``arm`` for the experimental group
    nar_step: float
    unit: str
    resolution: float  # the time grid the data were recorded on (ties in the truth)


DATASETS = (
    DatasetSpec("gbsg2", "time", "cens", "horTh", "yes", 250.0, "days", 1.0),
    DatasetSpec("rossi", "week", "arrest", "fin", 1, 10.0, "weeks", 1.0),
)


def load(spec: DatasetSpec) -> pd.DataFrame:
    """The data set as ``arm`` (1 experimental, 0 other), ``time``, ``event``."""
    from lifelines import datasets

    raw = {"gbsg2": datasets.load_gbsg2, "rossi": datasets.load_rossi}[spec.name]()
    return pd.DataFrame({
        "arm": (raw[spec.arm] == spec.experimental).astype(int),
        "time": raw[spec.time].astype(float),
        "event": raw[spec.event].astype(int),
    })


def digitize(
    time: np.ndarray, event: np.ndarray, rng: np.random.Generator, pixel_sd: float,
    x_max: float, width_px: int, height_px: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Click both corners of every step of the true curve and its end, with pixel error."""
    st, ss = km_steps(time, event)
    before = np.concatenate([[1.0], ss[:-1]])
    t = np.concatenate([[0.0], np.column_stack([st, st]).ravel(), [time.max()]])
    s = np.concatenate([[1.0], np.column_stack([before, ss]).ravel(), [ss[-1]]])
    if pixel_sd > 0:
        t = t + rng.normal(0.0, pixel_sd * x_max / width_px, t.size)
        s = s + rng.normal(0.0, pixel_sd / height_px, s.size)
    return t, s


def numbers_at_risk(time: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Patients with time >= t (:func:`trialrecon.stats.km.at_risk`)."""
    return at_risk(time, at)


def _log_hr(data: pd.DataFrame) -> float:
    return cox_binary(data["time"].to_numpy(float), data["event"].to_numpy(),
                      data["arm"].to_numpy()).log_hr


def run_scenario(
    spec: DatasetSpec, pixel_sd: float, seed: int, width_px: int = 800, height_px: int = 500,
    data: pd.DataFrame | None = None,
) -> tuple[dict[str, Any], dict[int, GuyotResult], dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Digitize both arms once, rebuild them, and measure the errors against the truth."""
    data = load(spec) if data is None else data
    rng = np.random.default_rng(seed)
    x_max = float(data["time"].max())
    nar_t = np.arange(0.0, x_max, spec.nar_step)
    results: dict[int, GuyotResult] = {}
    clicks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    row: dict[str, Any] = {"dataset": spec.name, "unit": spec.unit, "pixel_sd": pixel_sd,
                           "seed": seed, "nar_step": spec.nar_step}
    worst_nar = 0.0
    worst_grid = 0.0
    grid = np.linspace(0.0, x_max, 401)
    for arm in (0, 1):
        part = data[data["arm"] == arm]
        t_true, e_true = part["time"].to_numpy(), part["event"].to_numpy()
        t, s = digitize(t_true, e_true, rng, pixel_sd, x_max, width_px, height_px)
        clicks[arm] = (t, s)
        res = reconstruct_curve(t, s, nar_t, numbers_at_risk(t_true, nar_t),
                                total_events=int(e_true.sum()), arm=str(arm))
        results[arm] = res
        st, ss = km_steps(t_true, e_true)
        rt, rs = km_steps(res.ipd["time"].to_numpy(), res.ipd["event"].to_numpy())
        worst_nar = max(worst_nar, float(np.abs(km_at(nar_t, rt, rs) - km_at(nar_t, st, ss))
                                         .max()))
        worst_grid = max(worst_grid, float(np.abs(km_at(grid, rt, rs) - km_at(grid, st, ss))
                                           .max()))
        row[f"events_true_arm{arm}"] = int(e_true.sum())
        row[f"events_rebuilt_arm{arm}"] = int(res.ipd["event"].sum())
        row[f"median_true_arm{arm}"] = km_median(st, ss, float(t_true.max()))
        row[f"median_rebuilt_arm{arm}"] = res.median
    pseudo = pd.concat([r.ipd.assign(arm=a) for a, r in results.items()], ignore_index=True)
    true_b, rebuilt_b = _log_hr(data), _log_hr(pseudo)
    # The truth has ties on its recording grid; pixel error breaks them, and Cox's handling of
    # ties (Efron) then differs. Rounding the pseudo times to the grid separates that effect.
    rounded = pseudo.assign(time=np.round(pseudo["time"] / spec.resolution) * spec.resolution)
    rounded_b = _log_hr(rounded)
    row.update({"max_abs_s_error_at_nar": worst_nar, "max_abs_s_error_grid": worst_grid,
                "log_hr_true": true_b, "log_hr_rebuilt": rebuilt_b,
                "log_hr_error": rebuilt_b - true_b,
                "log_hr_error_times_rounded": rounded_b - true_b})
    return row, results, clicks


def settings_with_defaults(settings: dict[str, Any] | None) -> dict[str, Any]:
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown km validation settings: {', '.join(unknown)}")
    return {**DEFAULTS, **settings}


def _figure(
    spec: DatasetSpec, data: pd.DataFrame, results: dict[int, GuyotResult],
    clicks: dict[int, tuple[np.ndarray, np.ndarray]], ax: plt.Axes, pixel_sd: float,
) -> None:
    colors = ARM_COLORS
    for arm in (0, 1):
        part = data[data["arm"] == arm]
        st, ss = km_steps(part["time"].to_numpy(), part["event"].to_numpy())
        ax.step(np.concatenate([[0], st]), np.concatenate([[1], ss]), where="post",
                color="black", lw=2.2, alpha=0.35, label="truth" if arm == 0 else None)
        rt, rs = km_steps(results[arm].ipd["time"].to_numpy(),
                          results[arm].ipd["event"].to_numpy())
        ax.step(np.concatenate([[0], rt]), np.concatenate([[1], rs]), where="post",
                color=colors[arm], lw=1.0, label=f"rebuilt, arm {arm}")
        t, s = clicks[arm]
        ax.scatter(t, s, s=4, color=colors[arm], alpha=0.5, marker="x")
    ax.set_title(f"{spec.name}: truth vs Guyot rebuild ({pixel_sd:g} px error)", fontsize=9)
    ax.set_xlabel(spec.unit)
    ax.set_ylabel("Survival probability")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    _legend_below(ax)


def _legend_below(ax: plt.Axes) -> None:
    """The legend under the axes, where it covers no curve."""
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
              frameon=False)


def _model_figure(spec: DatasetSpec, data: pd.DataFrame, fits: dict[int, sm.ModelFit],
                  row: dict[str, Any], ax: plt.Axes) -> None:
    """Truth against the joint model rebuilt from the medians, N, events and follow-up."""
    for arm in (0, 1):
        part = data[data["arm"] == arm]
        st, ss = km_steps(part["time"].to_numpy(), part["event"].to_numpy())
        ax.step(np.concatenate([[0], st]), np.concatenate([[1], ss]), where="post",
                color="black", lw=2.2, alpha=0.35, label="truth" if arm == 0 else None)
        ipd = fits[arm].ipd()
        rt, rs = km_steps(ipd["time"].to_numpy(), ipd["event"].to_numpy())
        ax.step(np.concatenate([[0], rt]), np.concatenate([[1], rs]), where="post",
                color=ARM_COLORS[arm], lw=1.0, label=f"model-based, arm {arm}")
    ax.set_title(f"{spec.name}: truth vs joint PH model from medians, N, events, follow-up\n"
                 f"(log HR error {row['log_hr_error']:+.3f}; max |S(t) error| "
                 f"{row['max_abs_s_error_grid']:.3f})", fontsize=9)
    ax.set_xlabel(spec.unit)
    ax.set_ylabel("Survival probability")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    _legend_below(ax)


def write_km_validation(outdir: Path, settings: dict | None = None) -> list[Path]:
    """Run every scenario; write ``accuracy.csv``, ``accuracy_summary.csv``,
    ``accuracy_models.csv`` (the model-based reconstructions) and a figure."""
    s = settings_with_defaults(settings)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rows = []
    shown: dict[str, tuple] = {}
    datasets = [(spec, load(spec)) for spec in DATASETS]
    for spec, data in datasets:
        for sd in s["pixel_sd"]:
            reps = 1 if sd == 0 else s["replicates"]
            for k in range(reps):
                row, results, clicks = run_scenario(spec, float(sd), s["seed"] + k,
                                                    s["width_px"], s["height_px"], data)
                rows.append(row)
                if k == 0 and (spec.name not in shown or sd == sorted(s["pixel_sd"])[-1]):
                    shown[spec.name] = (spec, data, results, clicks, float(sd))
    table = pd.DataFrame(rows)
    written = []
    path = outdir / "accuracy.csv"
    written.append(write_table(table, path))
    summary = (table.groupby(["dataset", "pixel_sd"], sort=True)
               .agg(replicates=("seed", "size"),
                    max_abs_s_error_at_nar=("max_abs_s_error_at_nar", "max"),
                    max_abs_s_error_grid=("max_abs_s_error_grid", "max"),
                    max_abs_log_hr_error=("log_hr_error", lambda x: float(np.abs(x).max())),
                    max_abs_log_hr_error_times_rounded=(
                        "log_hr_error_times_rounded", lambda x: float(np.abs(x).max())))
               .reset_index())
    path = outdir / "accuracy_summary.csv"
    written.append(write_table(summary, path))
    models, joint_fits = model_accuracy(datasets, s["model_seed"])
    written.append(write_table(models, outdir / "accuracy_models.csv"))
    names = sorted(shown)
    fig, axes = plt.subplots(2, len(names), figsize=(6 * len(names), 9.4), squeeze=False)
    specs = {spec.name: (spec, data) for spec, data in datasets}
    for j, name in enumerate(names):
        _figure(*shown[name][:4], axes[0, j], shown[name][4])
        joint_row = models[(models["dataset"] == name) & (models["model"] == "joint")]
        _model_figure(*specs[name], joint_fits[name], joint_row.iloc[0].to_dict(), axes[1, j])
    fig.subplots_adjust(left=0.07, right=0.98, top=0.94, bottom=0.09, hspace=0.45, wspace=0.2)
    written += save_figure(fig, outdir / "validation_km.png", formats=s["figure_formats"])
    return written
