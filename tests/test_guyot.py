"""Tests of the Guyot reconstruction (trialrecon.stats.guyot) and the click readers (digitized).

References: the true patient data of lifelines' bundled data sets (Rossi; GBSG2, Schumacher et al.
1994), hand calculations written out below, and R's survival package for the Kaplan-Meier values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trialrecon.cli import main
from trialrecon.dossier.digitized import read_clicks, read_nar
from trialrecon.stages.km import validation as kv
from trialrecon.stats.curves import CurveInputError, GuyotOptions
from trialrecon.stats.guyot import reconstruct_curve
from trialrecon.stats.km import km_at, km_median, km_steps


def step_clicks(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact coordinates of both corners of every step, plus the end of the curve."""
    return kv.digitize(np.asarray(time, float), np.asarray(event), np.random.default_rng(0), 0.0,
                       1.0, 1, 1)


def per_interval(time: np.ndarray, event: np.ndarray, at: np.ndarray) -> tuple[list, list]:
    ends = np.append(at[1:], np.inf)
    ev = [int(((time >= a) & (time < b) & (event == 1)).sum()) for a, b in zip(at, ends,
                                                                                strict=True)]
    ce = [int(((time >= a) & (time < b) & (event == 0)).sum()) for a, b in zip(at, ends,
                                                                                strict=True)]
    return ev, ce


def steps(res) -> pd.DataFrame:
    return res.intervals[res.intervals["interval"] != "total"]


# ---------------------------------------------------------------------------------------------
# our Kaplan-Meier against R
# ---------------------------------------------------------------------------------------------


def test_km_steps_matches_r_survival():
    """R 4 / survival 3.5-3, the AML "Maintained" group:

        library(survival)
        time <- c(9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161)
        status <- c(1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0)
        fit <- survfit(Surv(time, status) ~ 1)
        round(fit$surv, 6)   # at 9 13 18 23 28 31 34 45 48 161
        # 0.909091 0.818182 0.715909 0.613636 0.613636 0.490909 0.368182 0.368182 0.184091 0.184091
        summary(fit)$table["median"]   # 31
    """
    time = np.array([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161], float)
    status = np.array([1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0])
    st, ss = km_steps(time, status)
    r_times = [9, 13, 18, 23, 28, 31, 34, 45, 48, 161]
    r_surv = [0.909091, 0.818182, 0.715909, 0.613636, 0.613636, 0.490909, 0.368182, 0.368182,
              0.184091, 0.184091]
    np.testing.assert_allclose(km_at(np.array(r_times, float), st, ss), r_surv, atol=1e-6)
    assert km_median(st, ss) == 31


# ---------------------------------------------------------------------------------------------
# synthetic truth
# ---------------------------------------------------------------------------------------------

# A hand-made arm of 24 patients with censoring inside the intervals (times in months).
HAND_TIME = np.array([1, 2, 2, 3, 4, 4.5, 5, 6, 6, 7, 8, 9, 9.5, 10, 11, 12, 12, 13, 14, 15,
                      16, 18, 20, 20], float)
HAND_EVENT = np.array([1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0])


@pytest.mark.parametrize("total_events", [None, int(HAND_EVENT.sum())])
def test_exact_coordinates_rebuild_events_and_censorings(total_events):
    at = np.array([0.0, 5.0, 10.0, 15.0])
    nar = kv.numbers_at_risk(HAND_TIME, at)
    # hand count from the table above: 24 at 0; 18 at 5 (6 times below 5: 1, 2, 2, 3, 4, 4.5);
    # 11 at 10 (13 below 10); 5 at 15 (19 below 15)
    assert nar.tolist() == [24, 18, 11, 5]
    t, s = step_clicks(HAND_TIME, HAND_EVENT)
    res = reconstruct_curve(t, s, at, nar, total_events=total_events)
    ev, ce = per_interval(HAND_TIME, HAND_EVENT, at)
    if total_events is None:
        # without the total, the paper's rule for the last interval guesses the censoring from
        # the earlier rate; the earlier intervals are still exact
        assert steps(res)["events_rebuilt"].tolist()[:3] == ev[:3]
        assert steps(res)["censored_rebuilt"].tolist()[:3] == ce[:3]
    else:
        assert steps(res)["events_rebuilt"].tolist() == ev
        assert steps(res)["censored_rebuilt"].tolist() == ce
    assert steps(res)["n_risk_rebuilt"].tolist() == nar.tolist()


def test_exact_coordinates_rebuild_rossi_event_times():
    d = kv.load(kv.DATASETS[1])
    for arm in (0, 1):
        part = d[d["arm"] == arm]
        t_true, e_true = part["time"].to_numpy(), part["event"].to_numpy()
        at = np.arange(0.0, 52.0, 10.0)
        t, s = step_clicks(t_true, e_true)
        res = reconstruct_curve(t, s, at, kv.numbers_at_risk(t_true, at))
        truth = pd.Series(t_true[e_true == 1]).value_counts().sort_index()
        rebuilt = res.ipd.loc[res.ipd["event"] == 1, "time"].value_counts().sort_index()
        pd.testing.assert_series_equal(rebuilt, truth, check_names=False, check_index_type=False)
        assert int((res.ipd["event"] == 0).sum()) == int((e_true == 0).sum())


@pytest.mark.parametrize("seed", range(10))
def test_gbsg2_with_pixel_error_meets_the_accuracy_bounds(seed):
    """GBSG2 hormone therapy arms, numbers at risk every 250 days, plot of 800 x 500 pixels.

    Pixel error: Gaussian, standard deviation half a pixel on both axes. (At one pixel the
    survival bound fails for some seeds; results/validation/km/accuracy.csv shows it.) The
    bound on S(t) is 0.011: a merged vertical run keeps its lowest click, a clicked point,
    and the worst of these ten seeds is then 0.0105 (0.0084 when runs moved to their mean
    time, which put the drop between the clicks).
    """
    row, _, _ = kv.run_scenario(kv.DATASETS[0], 0.5, 1000 + seed)
    assert abs(row["log_hr_error"]) < 0.02
    assert row["max_abs_s_error_at_nar"] < 0.011
    # the truth itself: log HR of hormone therapy in GBSG2 by lifelines' Cox model
    assert row["log_hr_true"] == pytest.approx(-0.364, abs=0.001)


# ---------------------------------------------------------------------------------------------
# failure shapes of real clicks: the reconstruction finishes and says what it fixed
# ---------------------------------------------------------------------------------------------


def fixes_of(res) -> set[str]:
    return {f.step for f in res.fixes}


def test_non_monotone_points_are_fixed_and_logged():
    t = np.array([0, 1, 2, 3, 4, 5, 6], float)
    s = np.array([1, 0.9, 0.92, 0.8, 0.83, 0.7, 0.7])
    for method in ("carry_forward", "isotonic"):
        res = reconstruct_curve(t, s, [0, 3], [50, 40], options=GuyotOptions(monotone=method))
        assert "monotone" in fixes_of(res)
        assert (np.diff(res.clicks["survival"]) <= 1e-12).all()
        assert len(res.ipd) == 50


def test_isotonic_pools_adjacent_violators():
    # 0.9 then 0.92 pool to their mean 0.91 (hand calculation)
    res = reconstruct_curve([0, 1, 2, 3], [1, 0.9, 0.92, 0.8], [0], [30],
                            options=GuyotOptions(monotone="isotonic", vertical_tol_frac=0))
    np.testing.assert_allclose(res.clicks["survival"], [1, 0.91, 0.91, 0.8])


def test_duplicated_times_and_vertical_runs_collapse():
    # a dense trace: many clicks down the same vertical line at t = 2, and a duplicate at 4
    t = np.array([0, 1, 2, 2, 2.0005, 2.001, 3, 4, 4, 6])
    s = np.array([1, 1, 1, 0.95, 0.9, 0.85, 0.85, 0.85, 0.8, 0.8])
    res = reconstruct_curve(t, s, [0, 3], [40, 34])
    assert "vertical_runs" in fixes_of(res)
    assert res.clicks["time"].is_monotonic_increasing
    assert res.clicks["time"].duplicated().sum() == 0
    # the drop at t = 2 from 1 to 0.85 in 40 patients: round(40 * 0.15) = 6 events
    assert int(res.ipd.loc[(res.ipd["time"] > 1.5) & (res.ipd["time"] < 2.5), "event"].sum()) == 6


def test_a_merged_vertical_run_keeps_a_clicked_point():
    """A run of clicks down one drop (3.37, 3.38, 3.38) merges into its lowest click: time
    3.38 and survival 0.70, a point that was clicked, not the mean time 3.3767."""
    t = np.array([0, 1, 3.37, 3.38, 3.38, 6])
    s = np.array([1, 0.9, 0.8, 0.75, 0.70, 0.7])
    res = reconstruct_curve(t, s, [0], [50], options=GuyotOptions(vertical_tol_frac=0.01))
    clicked = set(zip(t.tolist(), s.tolist(), strict=True))
    kept = list(zip(res.clicks["time"].tolist(), res.clicks["survival"].tolist(), strict=True))
    assert (3.38, 0.70) in kept
    assert all(point in clicked for point in kept)


def test_interval_without_a_click_gets_a_carried_forward_click():
    t = np.array([0, 1, 2, 9, 10])
    s = np.array([1, 0.9, 0.8, 0.7, 0.7])
    res = reconstruct_curve(t, s, [0, 4, 6, 8], [30, 24, 22, 21])
    assert "empty_interval" in fixes_of(res)
    synthetic = res.clicks[res.clicks["synthetic"]]
    assert synthetic["time"].tolist() == [4.0, 6.0]
    assert synthetic["survival"].tolist() == [0.8, 0.8]
    assert steps(res)["n_risk_rebuilt"].tolist() == [30, 24, 22, 21]


def test_flat_tail_with_late_censoring_finishes():
    # every drop before 10, then a long flat tail where the printed numbers fall by censoring
    t = np.array([0, 2, 2, 5, 5, 30])
    s = np.array([1, 1, 0.9, 0.9, 0.8, 0.8])
    res = reconstruct_curve(t, s, [0, 10, 20, 25], [50, 40, 20, 5], total_events=10)
    assert res.fit.events_rebuilt == 10
    assert steps(res)["n_risk_rebuilt"].tolist() == [50, 40, 20, 5]
    late = steps(res).iloc[1:]
    assert late["events_rebuilt"].sum() == 0
    assert late["censored_rebuilt"].tolist() == [20, 15, 5]


def test_curve_reaching_zero_and_zero_at_risk():
    t = np.array([0, 1, 1, 2, 2, 3, 3, 8])
    s = np.array([1, 1, 0.5, 0.5, 0.2, 0.2, 0.0, 0.0])
    res = reconstruct_curve(t, s, [0, 2, 4, 6], [10, 5, 0, 0])
    assert "nar_after_zero" in fixes_of(res)
    assert "after_zero_at_risk" in fixes_of(res)
    assert res.fit.events_rebuilt == 10
    # the curve sits at exactly 0.5 from 1 to 2: R's median is the midpoint of the plateau,
    # survfit(Surv(c(1,1,1,1,1,2,2,2,3,3), rep(1, 10)) ~ 1) prints median 1.5
    assert res.median == 1.5


def test_boundary_click_moved_when_numbers_at_risk_demand_it():
    # truth: 4 deaths at exactly t = 10 (40 -> 36 at risk, printed 40 at 10); the drop was
    # clicked at 9.99
    t = np.array([0, 9.99, 9.99, 20])
    s = np.array([1, 1, 0.9, 0.9])
    res = reconstruct_curve(t, s, [0, 10], [40, 40], total_events=4,
                            options=GuyotOptions(vertical_tol_frac=0))
    assert "boundary" in fixes_of(res)
    assert res.ipd.loc[res.ipd["event"] == 1, "time"].tolist() == [10.0] * 4


def test_oscillating_correction_stops_and_says_so():
    # a tiny arm where rounding cannot hit the printed number: the cap/cycle guard must stop
    t = np.array([0, 1, 1, 2, 2, 3])
    s = np.array([1, 1, 0.66, 0.66, 0.33, 0.33])
    res = reconstruct_curve(t, s, [0, 1.5, 2.5], [3, 2, 2], options=GuyotOptions(max_iter=5))
    assert any("printed" in w for w in res.warnings)


def test_flat_median_warning():
    t = np.array([0, 2, 2, 20, 20, 30])
    s = np.array([1, 1, 0.505, 0.505, 0.3, 0.3])
    res = reconstruct_curve(t, s, [0], [200])
    assert any("flat stretch" in w for w in res.warnings)


# ---------------------------------------------------------------------------------------------
# bad input: a clear error naming the file and the row
# ---------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_increasing_numbers_at_risk_name_file_and_row(tmp_path):
    nar = write(tmp_path / "nar.csv", "time,n_risk\n0,50\n6,40\n12,45\n")
    with pytest.raises(CurveInputError, match=r"nar\.csv, row 4: number at risk increases"):
        read_nar(nar)


def test_survival_above_one_names_file_and_row(tmp_path):
    clicks = write(tmp_path / "c.csv", "time,survival\n0,1\n3,0.9\n5,87\n")
    with pytest.raises(CurveInputError, match=r"c\.csv, row 4: survival 87.* above 1"):
        read_clicks(clicks)


def test_empty_curve_is_an_error(tmp_path):
    clicks = write(tmp_path / "c.csv", "time,survival\n")
    with pytest.raises(CurveInputError, match=r"c\.csv: no clicked points"):
        read_clicks(clicks)
    with pytest.raises(CurveInputError, match="no points"):
        reconstruct_curve([], [], [0], [10])


def test_non_numeric_cell_names_file_and_row(tmp_path):
    clicks = write(tmp_path / "c.csv", "time,survival\n0,1\n3,O.9\n")
    with pytest.raises(CurveInputError,
                       match=r"c\.csv, row 3: survival 'O.9' is not a finite number"):
        read_clicks(clicks)


def test_n_at_time_zero_must_equal_n():
    with pytest.raises(CurveInputError, match="row 1: 48 at risk at time 0 but N = 50"):
        reconstruct_curve([0, 1], [1, 0.9], [0, 5], [48, 40], n_total=50)


# ---------------------------------------------------------------------------------------------
# readers
# ---------------------------------------------------------------------------------------------


def test_scales(tmp_path):
    pct = write(tmp_path / "p.csv", "time,survival,scale\n0,100,percent\n2,80,percent\n")
    assert read_clicks(pct)["survival"].tolist() == [1.0, 0.8]
    inc = write(tmp_path / "i.csv", "time,survival\n0,0\n2,0.25\n")
    got = read_clicks(inc, scale="cumulative_incidence")["survival"].tolist()
    assert got == [1.0, 0.75]


def test_webplotdigitizer_exports(tmp_path):
    single = write(tmp_path / "wpd1.csv", "0.01,1.002\n5.2,0.81\n")
    one = read_clicks(single, arm="a")
    assert one["arm"].tolist() == ["a", "a"] and one["line"].tolist() == [1, 2]
    multi = write(tmp_path / "wpd2.csv", "Drug,,Placebo,\nX,Y,X,Y\n0,1,0,1\n4,0.8,3,0.7\n"
                                         "9,0.6,,\n")
    both = read_clicks(multi)
    assert sorted(both["arm"].unique()) == ["Drug", "Placebo"]
    assert both[both["arm"] == "Drug"]["time"].tolist() == [0, 4, 9]
    assert both[both["arm"] == "Placebo"]["line"].tolist() == [3, 4]


def test_digitizeit_export_with_decimal_comma(tmp_path):
    path = write(tmp_path / "dig.txt", "x;y\n0;1\n2,5;0,9\n7,25;0,5\n")
    got = read_clicks(path, fmt="digitizeit")
    assert got["time"].tolist() == [0, 2.5, 7.25]
    assert got["survival"].tolist() == [1, 0.9, 0.5]


# ---------------------------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------------------------


def test_cli_writes_time_event_and_prints_diagnostics(tmp_path, capsys):
    clicks = write(tmp_path / "c.csv", "time,survival\n0,1\n2,0.9\n2,0.8\n5,0.8\n6,0.6\n9,0.6\n")
    nar = write(tmp_path / "n.csv", "time,n_risk\n0,10\n5,8\n")
    out = tmp_path / "ipd.csv"
    assert main(["km", "--clicks", str(clicks), "--nar", str(nar), "--events", "4",
                 "--out", str(out)]) == 0
    ipd = pd.read_csv(out)
    assert list(ipd.columns) == ["time", "event"]
    # hand count: 2 deaths at t = 2 (10 * 0.2) and 2 at t = 6 (8 * (1 - 0.6/0.8)); 6 censored
    assert ipd["event"].sum() == 4 and len(ipd) == 10
    assert "RMSE" in capsys.readouterr().out


def test_cli_several_arms_and_bad_input(tmp_path, capsys):
    clicks = write(tmp_path / "c.csv", "arm,time,survival\na,0,1\na,2,0.9\nb,0,1\nb,3,0.5\n")
    out = tmp_path / "ipd.csv"
    assert main(["km", "--clicks", str(clicks), "--n", "a=10", "--n", "b=4",
                 "--out", str(out)]) == 0
    assert list(pd.read_csv(out).columns) == ["arm", "time", "event"]
    bad = write(tmp_path / "n.csv", "time,n_risk\n0,10\n5,12\n")
    assert main(["km", "--clicks", str(clicks), "--nar", str(bad), "--out", str(out)]) == 2
    assert "n.csv, row 3" in capsys.readouterr().err
