"""Tests of the Kaplan-Meier stage (trialrecon.stages.km) on a made-up dossier and on TALENT."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dossier_builder import cohort_yaml, source_yaml, trial_yaml, value_row, write_dossier

from trialrecon.dossier import load_dossier, validate_dossier
from trialrecon.stages.km import validation as kv
from trialrecon.stages.km.stage import write_km_outputs

ROOT = Path(__file__).resolve().parents[1]
FAST = {"draws": 20}

TRIAL_YAML = trial_yaml("toy", "A made-up randomized trial", "randomized",
                        [source_yaml("paper", "Made up"),
                         source_yaml("review", "Made up review", "review")],
                        [cohort_yaml("all", "All patients")])


def row(id_, source, location, arm, quantity, statistic, value, unit, **extra) -> dict:
    return value_row(id_, quantity, statistic, value, unit, source=source, location=location,
                     arm=arm, **extra)


def toy_rows() -> list[dict]:
    return [
        row("n_drug", "paper", "Table 2", "drug", "randomized", "count", "120", "patients"),
        row("n_pbo", "paper", "Table 2", "placebo", "randomized", "count", "60", "patients"),
        # the same median twice: the table (preferred) and the discussion
        row("pfs_drug_tab", "paper", "Table 2", "drug", "pfs", "median", "9.2", "months"),
        row("pfs_drug_lo", "paper", "Table 2", "drug", "pfs", "ci_low", "7.4", "months"),
        row("pfs_drug_hi", "paper", "Table 2", "drug", "pfs", "ci_high", "11.5", "months"),
        row("pfs_drug_disc", "paper", "Discussion", "drug", "pfs", "median", "9", "months"),
        # an update of the placebo median that must not be used
        row("pfs_pbo_tab", "paper", "Table 2", "placebo", "pfs", "median", "4.1", "months"),
        row("pfs_pbo_lo", "paper", "Table 2", "placebo", "pfs", "ci_low", "3.0", "months"),
        row("pfs_pbo_hi", "paper", "Table 2", "placebo", "pfs", "ci_high", "5.6", "months"),
        row("pfs_pbo_upd", "review", "Table 3 footnote a", "placebo", "pfs", "median", "4.4",
            "months", supersedes="pfs_pbo_tab"),
        row("hr", "paper", "Table 2", "", "pfs_hr", "estimate", "0.45", "ratio"),
        row("hr_lo", "paper", "Table 2", "", "pfs_hr", "ci_low", "0.32", "ratio"),
        row("hr_hi", "paper", "Table 2", "", "pfs_hr", "ci_high", "0.63", "ratio"),
        row("start", "paper", "Results", "", "enrollment_start", "date", "2016-01", "date"),
        row("end", "paper", "Results", "", "enrollment_end", "date", "2017-07", "date"),
        row("fu", "paper", "Results", "", "follow_up", "median", "14", "months"),
        # OS: only a median for the drug arm; placebo has nothing -> a "missing" row
        row("os_drug", "paper", "Results", "drug", "os", "median", "", "months",
            marker="not_reached"),
    ]


def make_dossier(folder: Path, rows: list[dict]) -> Path:
    write_dossier(folder, TRIAL_YAML, rows)
    problems = validate_dossier(folder)
    assert not problems, [str(p) for p in problems]
    return folder


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    base = tmp_path_factory.mktemp("km")
    dossier = load_dossier(make_dossier(base / "toy", toy_rows()))
    out = base / "out"
    written = write_km_outputs(dossier, out, FAST)
    return dossier, out, written


def test_model_based_rows_use_the_preferred_rows(toy):
    _, out, _ = toy
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    pfs = summary[summary["endpoint"] == "pfs"]
    assert set(pfs["method"]) == {"model:exponential", "model:weibull", "model:joint"}
    assert (pfs["basis"] == "model-based").all()
    drug = pfs[pfs["arm"] == "drug"].iloc[0]
    assert drug["rows_used"].split()[:3] == ["pfs_drug_tab", "pfs_drug_lo", "pfs_drug_hi"]
    assert float(drug["median_reported"]) == 9.2
    placebo = pfs[pfs["arm"] == "placebo"].iloc[0]
    assert "pfs_pbo_upd" not in placebo["rows_used"]
    assert float(placebo["median_reported"]) == 4.1
    # accrual January 2016 to July 2017 = 18 months; cut-off 14 + 18/2 = 23 months
    assert float(drug["accrual_months"]) == 18
    assert float(drug["cutoff_months"]) == 23


def test_missing_inputs_give_a_row_saying_what_is_missing(toy):
    _, out, _ = toy
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    os_pbo = summary[(summary["endpoint"] == "os") & (summary["arm"] == "placebo")]
    assert os_pbo["status"].tolist() == ["missing"]
    assert "median" in os_pbo["missing"].iloc[0]
    os_drug = summary[(summary["endpoint"] == "os") & (summary["arm"] == "drug")]
    assert "not identified" in os_drug["missing"].iloc[0] + os_drug["notes"].iloc[0]


def test_hazard_ratio_table_and_figures(toy):
    _, out, written = toy
    hr = pd.read_csv(out / "hazard_ratios.csv", keep_default_na=False)
    row_ = hr[hr["method"] == "model:weibull"].iloc[0]
    assert float(row_["hr_reported"]) == 0.45
    assert row_["experimental"] == "drug"
    assert 0.2 < float(row_["hr_rebuilt"]) < 0.8
    # PNG only by default; km.figure_formats adds vector copies
    assert (out / "km_pfs_all.png").exists() and not (out / "km_pfs_all.svg").exists()
    ipd = pd.read_csv(out / "ipd" / "pfs_all_drug_weibull.csv")
    assert list(ipd.columns) == ["arm", "time", "event", "basis"]
    assert len(ipd) == 120 and set(ipd["basis"]) == {"model-based"}
    assert all(p.exists() for p in written)


def test_digitized_curve_uses_guyot(tmp_path):
    """A curve under curves/ is rebuilt by Guyot; N comes from the dossier."""
    folder = make_dossier(tmp_path / "toy", toy_rows())
    d = kv.load(kv.DATASETS[1])  # Rossi, weeks; arms 1 (aid) and 0
    curves = folder / "curves"
    curves.mkdir()
    clicks, nar = [], []
    at = np.arange(0.0, 52.0, 10.0)
    for arm, name, n_keep in ((1, "drug", 120), (0, "placebo", 60)):
        part = d[d["arm"] == arm].iloc[:n_keep]
        t, s = kv.digitize(part["time"].to_numpy(), part["event"].to_numpy(),
                           np.random.default_rng(0), 0.0, 1.0, 1, 1)
        clicks += [{"arm": name, "time": a, "survival": b} for a, b in zip(t, s, strict=True)]
        nar += [{"arm": name, "time": a, "n_risk": int(b)}
                for a, b in zip(at, kv.numbers_at_risk(part["time"].to_numpy(), at),
                                strict=True)]
    pd.DataFrame(clicks).to_csv(curves / "pfs_all.clicks.csv", index=False)
    pd.DataFrame(nar).to_csv(curves / "pfs_all.nar.csv", index=False)
    out = tmp_path / "out"
    write_km_outputs(load_dossier(folder), out, FAST)
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    pfs = summary[summary["endpoint"] == "pfs"]
    assert set(pfs["method"]) == {"guyot"}
    assert (pfs["basis"] == "digitized curve").all()
    assert sorted(pfs["n"].astype(int)) == [60, 120]
    intervals = pd.read_csv(out / "intervals.csv", keep_default_na=False)
    body = intervals[intervals["interval"] != "total"]
    assert (body["n_risk_reported"] == body["n_risk_rebuilt"]).all()
    hr = pd.read_csv(out / "hazard_ratios.csv", keep_default_na=False)
    assert "guyot" in set(hr["method"])


def test_bad_curve_file_is_reported_not_fatal(tmp_path):
    folder = make_dossier(tmp_path / "toy", toy_rows())
    (folder / "curves").mkdir()
    (folder / "curves" / "pfs_all.clicks.csv").write_text("arm,time,survival\ndrug,0,1\n"
                                                          "drug,3,1.7\n", encoding="utf-8")
    out = tmp_path / "out"
    write_km_outputs(load_dossier(folder), out, FAST)
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    pfs = summary[summary["endpoint"] == "pfs"]
    assert (pfs["status"] == "missing").all()
    assert "pfs_all.clicks.csv, row 3" in pfs["missing"].iloc[0]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_talent_every_endpoint_and_deterministic(tmp_path):
    dossier = load_dossier(ROOT / "data" / "raw" / "talent")
    a, b = tmp_path / "a", tmp_path / "b"
    write_km_outputs(dossier, a, FAST)
    write_km_outputs(dossier, b, FAST)
    assert digest(a) == digest(b)
    summary = pd.read_csv(a / "summary.csv", keep_default_na=False)
    got = {(r.endpoint, r.cohort) for r in summary.itertuples()}
    # Results section: PFS for the three cohorts, OS for panNET and GI-NET;
    # Table 2: duration of response for panNET, GI-NET and the total
    assert got == {("pfs", "panNET"), ("pfs", "GI-NET"), ("pfs", "total"), ("os", "panNET"),
                   ("os", "GI-NET"), ("dor", "panNET"), ("dor", "GI-NET"), ("dor", "total")}
    total = summary[(summary["endpoint"] == "pfs") & (summary["cohort"] == "total")].iloc[0]
    # Results, abstract and discussion all print 15.7 (14.1 to 19.5): the Results row is used
    assert total["rows_used"].split()[0] == "res_pfs_tot_median"
    assert float(total["median_reported"]) == 15.7
    assert (summary["status"] != "missing").all()
    assert (a / "km_pfs_total.png").exists()


def test_pseudo_data_are_written_at_full_precision(toy):
    """IPD and bands are data: reading the file back gives the numbers in memory exactly,
    while the readable summary keeps six significant digits."""
    from trialrecon.stages.km.stage import reconstruct, settings_with_defaults

    dossier, out, _ = toy
    results = reconstruct(dossier, settings_with_defaults(FAST))
    arm = next(r for r in results[("pfs", "", "all")].arms if r.arm == "drug")
    # pandas' default parser rounds the last bit; its round-trip parser reads the text exactly
    ipd = pd.read_csv(out / "ipd" / "pfs_all_drug_weibull.csv", float_precision="round_trip")
    assert np.array_equal(ipd["time"].to_numpy(), arm.ipd["weibull"]["time"].to_numpy())
    band = pd.read_csv(out / "bands" / "pfs_all_drug_joint.csv", float_precision="round_trip")
    assert np.array_equal(band["band_low"].to_numpy(), arm.bands["joint"]["band_low"].to_numpy(),
                          equal_nan=True)
    summary = pd.read_csv(out / "summary.csv", dtype=str, keep_default_na=False)
    assert all(len(x.replace("-", "").replace(".", "")) <= 6 + 4 for x in summary["scale"]
               if x)  # six significant digits (with room for an exponent)


def test_checkmate067_uses_only_numbers_of_the_median_data_cut():
    """Three arms and twelve data cuts: OS medians of the 3-year analysis are rebuilt with
    that analysis' minimum follow-up (36 months), not the primary analysis' 9 months, and
    with its 3-year landmark rates; each experimental arm gets its HR against ipilimumab."""
    from trialrecon.stages.km.inputs import gather_inputs

    dossier = load_dossier(ROOT / "data" / "raw" / "checkmate067")
    inp = gather_inputs(dossier, "os", "", "itt", "nivolumab")
    assert inp.summary.median == 37.6 and inp.summary.follow_up is None
    assert [(f.kind, f.months) for f in inp.summary.all_follow_ups()] == [("minimum", 36.0)]
    assert [(lm.months, lm.rate) for lm in inp.summary.landmarks] == [(36.0, 0.52)]
    assert "the median follow-up printed only for another data cut" in " ".join(inp.notes)
