"""The Kaplan-Meier stage on what real papers print (issue 23 items 3-4, issue 25 item 1).

Made-up dossiers print the things real papers print and the stage used to get wrong: N of the
analysis set of the endpoint, an HR printed as the comparator against the experimental arm, an
HR of another analysis set, the cut-off from the dates, a follow-up among survivors beside the
same numbers without a definition, an endpoint with an HR and events but no median, a pooled
cohort, a digitized figure with its numbers at risk, a median beyond the dates' reach, a
median "not reached" with events in more than half. Every expected number is worked out in the
test from the rows it writes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import dossier_builder as builder
import numpy as np
import pandas as pd
import pytest
from dossier_builder import cohort_yaml, source_yaml, trial_yaml, value_row

from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS, load_dossier, names, validate_dossier
from trialrecon.stages.km import findings as kf
from trialrecon.stages.km.inputs import gather_inputs, printed_hr
from trialrecon.stages.km.stage import write_km_outputs
from trialrecon.stages.reconcile import write_reconciliation
from trialrecon.stats import km, twoarm
from trialrecon.stats import survmodel as sm

FAST = {"draws": 10, "grid_points": 21}

RANDOMIZED = trial_yaml("paperlike", "A made-up randomized trial printed like a real paper",
                        "randomized", [source_yaml("paper", "Made up")],
                        [cohort_yaml("all", "All patients")])
COLUMNS_ALL = [*COLUMNS, *OPTIONAL_COLUMNS]  # with population, versus...


def write_dossier(folder: Path, trial_yaml: str, rows: list[dict[str, str]]) -> Path:
    """``trial.yaml`` and ``values.csv`` with the optional columns (population, versus...)."""
    return builder.write_dossier(folder, trial_yaml, rows, COLUMNS_ALL)


def row(id_: str, location: str, arm: str, quantity: str, statistic: str, value: str,
        unit: str, cohort: str = "all", **extra: str) -> dict[str, str]:
    return value_row(id_, quantity, statistic, value, unit, location=location, cohort=cohort,
                     arm=arm, columns=COLUMNS_ALL, **extra)


def randomized_rows() -> list[dict[str, str]]:
    mitt = {"population": "modified_itt"}
    return [
        row("n_d", "Table 1", "drug", "randomized", "count", "120", "patients"),
        row("n_p", "Table 1", "placebo", "randomized", "count", "118", "patients"),
        row("a_d", "Table 2", "drug", "analysed", "count", "115", "patients", **mitt),
        row("a_p", "Table 2", "placebo", "analysed", "count", "110", "patients", **mitt),
        row("pfs_d", "Table 2", "drug", "pfs", "median", "8.0", "months", **mitt),
        row("pfs_d_lo", "Table 2", "drug", "pfs", "ci_low", "6.5", "months", **mitt),
        row("pfs_d_hi", "Table 2", "drug", "pfs", "ci_high", "9.9", "months", **mitt),
        row("pfs_p", "Table 2", "placebo", "pfs", "median", "5.0", "months", **mitt),
        row("pfs_p_lo", "Table 2", "placebo", "pfs", "ci_low", "4.1", "months", **mitt),
        row("pfs_p_hi", "Table 2", "placebo", "pfs", "ci_high", "6.0", "months", **mitt),
        # the HR printed as placebo against drug
        row("pfs_hr", "Results", "placebo", "pfs_hr", "estimate", "1.60", "ratio",
            versus="drug", **mitt),
        row("pfs_hr_lo", "Results", "placebo", "pfs_hr", "ci_low", "1.20", "ratio",
            versus="drug", **mitt),
        row("pfs_hr_hi", "Results", "placebo", "pfs_hr", "ci_high", "2.10", "ratio",
            versus="drug", **mitt),
        # OS: no median; an HR of the modified ITT set and one of the safety set
        row("os_hr", "Results", "", "os_hr", "estimate", "0.80", "ratio", **mitt),
        row("os_hr_lo", "Results", "", "os_hr", "ci_low", "0.60", "ratio", **mitt),
        row("os_hr_hi", "Results", "", "os_hr", "ci_high", "1.05", "ratio", **mitt),
        row("os_hr_saf", "Table 4", "", "os_hr", "estimate", "0.50", "ratio",
            population="safety"),
        row("deaths_d", "Results", "drug", "deaths", "count", "60", "patients", **mitt),
        row("deaths_p", "Results", "placebo", "deaths", "count", "70", "patients", **mitt),
        row("start", "Results", "", "enrollment_start", "date", "2014-01", "date"),
        row("end", "Results", "", "enrollment_end", "date", "2015-07", "date"),
        row("cutoff", "Results", "", "data_cutoff", "date", "2017-07", "date"),
        # the same follow-up twice: in the Abstract without its definition, in the Results
        # among survivors
        row("fu_ab", "Abstract", "", "follow_up", "median", "30", "months"),
        row("fu_re", "Results", "", "follow_up", "median", "30", "months",
            category="survivors"),
    ]


@pytest.fixture(scope="module")
def paperlike(tmp_path_factory):
    base = tmp_path_factory.mktemp("paperlike")
    folder = write_dossier(base / "paperlike", RANDOMIZED, randomized_rows())
    assert not validate_dossier(folder), [str(p) for p in validate_dossier(folder)]
    dossier = load_dossier(folder)
    out = base / "km"
    write_km_outputs(dossier, out, FAST)
    return dossier, out


def test_n_cut_off_and_follow_up_as_printed(paperlike):
    dossier, _ = paperlike
    inp = gather_inputs(dossier, "pfs", "", "all", "drug")
    assert inp.summary.n == 115 and inp.ids["n"] == "a_d"  # the modified ITT set, not 120
    # cut-off July 2017 minus first enrollment January 2014: 42 months
    assert inp.summary.cutoff == pytest.approx(42.0)
    assert inp.summary.accrual == pytest.approx(18.0)
    kinds = [(f.kind, f.statistic, f.months) for f in inp.summary.all_follow_ups()]
    assert kinds == [("survivors", "median", 30.0)]  # the Abstract's undefined copy left out
    assert any("without its definition" in n for n in inp.notes)


def test_hr_orientation_and_analysis_set(paperlike):
    dossier, _ = paperlike
    h = printed_hr(dossier, "pfs", "", "all", "drug", "placebo", "", "", population="modified_itt")
    assert h.hr.estimate == pytest.approx(1 / 1.60)  # drug vs placebo
    assert (h.hr.ci_low, h.hr.ci_high) == pytest.approx((1 / 2.10, 1 / 1.20))
    assert any("inverted" in n for n in h.notes)
    h = printed_hr(dossier, "os", "", "all", "drug", "placebo", "", "", population="modified_itt")
    assert h.hr.estimate == 0.80  # the safety set's 0.50 compares other curves
    assert any("another analysis set" in n and "os_hr_saf" in n for n in h.notes)


def test_an_endpoint_with_an_hr_and_no_median_gets_curves(paperlike):
    """OS prints no median: each arm's deaths, the cut-off and the HR rebuild both curves."""
    _, out = paperlike
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    os_rows = summary[(summary["endpoint"] == "os") & (summary["chosen"].astype(str) == "True")]
    assert sorted(os_rows["arm"]) == ["drug", "placebo"]
    hr = pd.read_csv(out / "hazard_ratios.csv", keep_default_na=False)
    shown = hr[(hr["endpoint"] == "os") & (hr["chosen"].astype(str) == "True")].iloc[0]
    assert float(shown["hr_reported"]) == 0.80
    assert abs(math.log(float(shown["hr_rebuilt"]) / 0.80)) < 0.15
    for arm, deaths in (("drug", 60), ("placebo", 70)):
        ipd = _ipd(out, "os_all_" + arm, os_rows)
        assert abs(int(ipd["event"].sum()) - deaths) <= 3
        assert len(ipd) == {"drug": 115, "placebo": 110}[arm]


def _ipd(out: Path, name: str, chosen: pd.DataFrame) -> pd.DataFrame:
    method = chosen["method"].iloc[0].replace("model:", "")
    return pd.read_csv(out / "ipd" / f"{name}_{method}.csv", float_precision="round_trip")


def test_curves_reach_the_printed_follow_up(paperlike):
    """The cut-off from the dates is 42 months: every shown curve that has not fallen to 0
    reaches past the survivors' median follow-up of 30 months (and the model's cut-off is the
    dates')."""
    _, out = paperlike
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    chosen = summary[summary["chosen"].astype(str) == "True"]
    assert set(chosen["cutoff_months"].astype(float).round(6)) == {42.0}
    for r in chosen.itertuples():
        ipd = _ipd(out, f"{r.endpoint}_all_{r.arm}", chosen[chosen["endpoint"] == r.endpoint])
        steps_t, steps_s = km.km_steps(ipd["time"].to_numpy(), ipd["event"].to_numpy())
        if steps_s.size and steps_s[-1] == 0:
            continue
        assert ipd["time"].max() > 30.0


def test_shown_numbers_are_lifelines_and_agree_with_numpy(paperlike, monkeypatch, tmp_path):
    """Every median, CI and HR in the tables comes from lifelines (the adapter is called for
    each arm and method, and for each comparison), and equals the numpy implementation's on
    the written pseudo data (to the six significant digits the tables keep)."""
    from trialrecon.stats import lifelines_fit as lf

    dossier, out = paperlike
    calls = {"curve": 0, "cox": 0, "logrank": 0}
    for name in calls:
        original = getattr(lf, name)

        def counted(*a, _f=original, _n=name, **k):
            calls[_n] += 1
            return _f(*a, **k)

        monkeypatch.setattr(lf, name, counted)
    write_km_outputs(dossier, tmp_path / "km", FAST)
    summary = pd.read_csv(tmp_path / "km" / "summary.csv", keep_default_na=False)
    shown_rows = summary[summary["method"].str.startswith(("model:", "guyot", "mixture"))]
    assert calls["curve"] >= len(shown_rows)
    hr = pd.read_csv(tmp_path / "km" / "hazard_ratios.csv", keep_default_na=False)
    assert calls["cox"] == len(hr) and calls["logrank"] == len(hr)
    for r in shown_rows.itertuples():
        ipd = pd.read_csv(tmp_path / "km" / "ipd" /
                          f"{r.endpoint}_all_{r.arm}_{r.method.replace('model:', '')}.csv",
                          float_precision="round_trip")
        ref = sm.km_median_ci(ipd)  # numpy
        assert float(r.median_rebuilt) == pytest.approx(ref["median"], rel=1e-5)
        for key in ("ci_low", "ci_high"):
            got = float(getattr(r, f"{key}_rebuilt"))
            assert got == pytest.approx(ref[key], rel=1e-5) or (math.isinf(got)
                                                                 and math.isinf(ref[key]))
    for h in hr.itertuples():
        method = h.method.replace("model:", "")
        e = pd.read_csv(tmp_path / "km" / "ipd" / f"{h.endpoint}_all_drug_{method}.csv")
        c = pd.read_csv(tmp_path / "km" / "ipd" / f"{h.endpoint}_all_placebo_{method}.csv")
        t = np.concatenate([e["time"], c["time"]])
        ev = np.concatenate([e["event"], c["event"]])
        arm = np.concatenate([np.ones(len(e), int), np.zeros(len(c), int)])
        assert float(h.hr_rebuilt) == pytest.approx(twoarm.cox_binary(t, ev, arm).hr, rel=1e-5)
        assert float(h.p_logrank_rebuilt) == pytest.approx(twoarm.logrank(t, ev, arm).p_value,
                                                           rel=1e-5)


# --------------------------------------------------------------------------------------------
# pooled cohorts
# --------------------------------------------------------------------------------------------

POOLED = trial_yaml("pooled", "A made-up single-arm trial with two cohorts and their pool",
                    "single_arm", [source_yaml("paper", "Made up")],
                    [cohort_yaml("a", "Cohort A"), cohort_yaml("b", "Cohort B"),
                     cohort_yaml("total", "All patients", parts="[a, b]")], arms="")


def test_a_pooled_cohort_is_the_mixture_of_its_cohorts(tmp_path):
    rows = []
    for cohort, n, med, lo, hi in (("a", "50", "6.0", "4.5", "8.0"),
                                   ("b", "60", "20.0", "16.0", "25.0"),
                                   ("total", "110", "11.0", "8.5", "14.0")):
        rows += [row(f"n_{cohort}", "Table 1", "", "enrolled", "count", n, "patients", cohort),
                 row(f"m_{cohort}", "Table 2", "", "pfs", "median", med, "months", cohort),
                 row(f"l_{cohort}", "Table 2", "", "pfs", "ci_low", lo, "months", cohort),
                 row(f"h_{cohort}", "Table 2", "", "pfs", "ci_high", hi, "months", cohort)]
    rows += [row("start", "Results", "", "enrollment_start", "date", "2016-01", "date", "total"),
             row("end", "Results", "", "enrollment_end", "date", "2017-01", "date", "total"),
             row("fu", "Results", "", "follow_up", "median", "24", "months", "total")]
    folder = write_dossier(tmp_path / "pooled", POOLED, rows)
    write_km_outputs(load_dossier(folder), tmp_path / "km", FAST)
    summary = pd.read_csv(tmp_path / "km" / "summary.csv", keep_default_na=False)
    total = summary[(summary["cohort"] == "total") & (summary["chosen"].astype(str) == "True")]
    assert total["method"].tolist() == ["mixture"]
    ipd = pd.read_csv(tmp_path / "km" / "ipd" / "pfs_total_mixture.csv")
    parts = [summary[(summary["cohort"] == c) & (summary["chosen"].astype(str) == "True")].iloc[0]
             for c in ("a", "b")]
    pieces = [pd.read_csv(tmp_path / "km" / "ipd" /
                          f"pfs_{p.cohort}_{p.method.replace('model:', '')}.csv") for p in parts]
    assert len(ipd) == 110
    assert np.array_equal(np.sort(ipd["time"]), np.sort(pd.concat(pieces)["time"]))


# --------------------------------------------------------------------------------------------
# findings
# --------------------------------------------------------------------------------------------

SINGLE = trial_yaml("curvy", "A made-up single-arm trial with a digitized figure", "single_arm",
                    [source_yaml("paper", "Made up")], [cohort_yaml("all", "All patients")],
                    arms="")

CLICKS = "time,survival\n0,1\n3,0.9\n6,0.8\n9,0.7\n12,0.62\n15,0.5\n18,0.35\n21,0.3\n"
NAR = "time,n_risk\n0,100\n6,80\n12,60\n18,30\n"


def curvy_rows(median: str, rate6: str) -> list[dict[str, str]]:
    return [row("n", "Table 1", "", "enrolled", "count", "100", "patients"),
            row("pfs_m", "Results", "", "pfs", "median", median, "months"),
            row("r6", "Results", "", "pfs_rate", "percent", rate6, "percent",
                category="6 months"),
            row("os_m", "Results", "", "os", "median", "", "months", marker="not_reached"),
            row("deaths", "Results", "", "deaths", "count", "60", "patients"),
            row("dfs_m", "Results", "", "dfs", "median", "30", "months"),
            row("start", "Results", "", "enrollment_start", "date", "2015-01", "date"),
            row("end", "Results", "", "enrollment_end", "date", "2016-01", "date"),
            row("cutoff", "Results", "", "data_cutoff", "date", "2017-01", "date"),
            row("fu", "Results", "", "follow_up", "median", "16", "months",
                category="reverse Kaplan-Meier")]


def _curvy(tmp_path: Path, median: str, rate6: str) -> tuple[Path, list[dict]]:
    folder = write_dossier(tmp_path / "curvy", SINGLE, curvy_rows(median, rate6))
    (folder / "curves").mkdir()
    (folder / "curves" / "pfs_all.clicks.csv").write_text(CLICKS, encoding="utf-8")
    (folder / "curves" / "pfs_all.nar.csv").write_text(NAR, encoding="utf-8")
    assert not validate_dossier(folder), [str(p) for p in validate_dossier(folder)]
    write_km_outputs(load_dossier(folder), tmp_path / "km", FAST)
    data = json.loads((tmp_path / "km" / "findings.json").read_text(encoding="utf-8"))
    return folder, data["findings"]


def test_findings_of_the_rebuilt_curves(tmp_path):
    """Printed PFS median 10 and 6-month rate 50%, while the figure's numbers at risk leave 60
    of 100 at risk at 12 months (so S >= 0.6 until 12: median > 12, S(6) >= 0.6) and its curve
    crosses 0.5 at 15 months; OS 'not reached' with 60 deaths of 100 (S(end) <= 0.4); a DFS
    median of 30 months after enrollment from January 2015 and a cut-off in January 2017 (at
    most 25 months: January 2015 to the end of January 2017)."""
    folder, found = _curvy(tmp_path, "10", "50")
    by = {}
    for f in found:
        by.setdefault(f["discriminator"].split("|")[3], []).append(f)
    assert [f["rows"] for f in by["nar-median"]] == [["pfs_m", "n"]]
    assert by["nar-median"][0]["severity"] == "inconsistent"
    assert "60 of 100" in by["nar-median"][0]["sentence"]
    assert by["nar-rate"][0]["rows"] == ["r6", "n"]
    assert by["nr-events"][0]["rows"] == ["os_m", "deaths", "n"]
    reach = by["reach"]
    assert [f["rows"] for f in reach] == [["dfs_m", "start", "cutoff"]]
    assert reach[0]["recomputation"]["inputs"]["longest_follow_up_months"] == pytest.approx(
        names.date_months("2017-01") + 1 - names.date_months("2015-01"))
    assert {f["severity"] for f in by["figure"]} == {"questionable"}
    assert sorted(f["rows"][0] for f in by["figure"]) == ["pfs_m", "r6"]
    # the reconciliation reports them with their rows
    rec = write_reconciliation(folder, {"json": tmp_path / "rec.json"},
                               stage_findings=(tmp_path / "km" / "findings.json",))
    mine = [f for f in rec.findings if f.check == kf.CHECK_ID]
    assert len(mine) == len(found)
    assert {v.id for f in mine for v in f.values} >= {"pfs_m", "r6", "os_m", "deaths", "dfs_m"}
    assert any(c["id"] == kf.CHECK_ID for c in rec.checks)


def test_no_finding_when_the_printed_numbers_fit_the_curve(tmp_path):
    """The same figure with a printed median of 15 and a 6-month rate of 80%: nothing from the
    numbers at risk or the figure (OS and DFS still contradict their events and dates)."""
    _, found = _curvy(tmp_path, "15", "80")
    kinds = {f["discriminator"].split("|")[3] for f in found}
    assert kinds == {"nr-events", "reach"}


def test_the_reconcile_rule_reads_the_km_findings():
    """The workflow's reconcile rule takes the KM stage's folder as an input (km depends only on
    the dossier, so the graph stays acyclic) and passes its findings file on."""
    root = Path(__file__).resolve().parents[1]
    rule = (root / "workflow" / "rules" / "reconcile.smk").read_text(encoding="utf-8")
    assert 'km="results/{trial}/km"' in rule
    script = (root / "workflow" / "scripts" / "reconcile.py").read_text(encoding="utf-8")
    assert "findings.json" in script
    km_rule = (root / "workflow" / "rules" / "km.smk").read_text(encoding="utf-8")
    assert "reconciliation" not in km_rule


# --------------------------------------------------------------------------------------------
# the data cut: the paper's own primary analysis
# --------------------------------------------------------------------------------------------

TWO_CUTS = trial_yaml("twocuts",
                      "A made-up paper reporting its interim analysis and a final update",
                      "single_arm", [source_yaml("paper", "Made up")],
                      [cohort_yaml("all", "All patients")], arms="",
                      head='data_cuts:\n  - analysis: "interim analysis"\n'
                           '  - analysis: "final analysis"\n')


def test_the_default_cut_is_the_papers_first_analysis(tmp_path):
    """A paper that reports an interim analysis and a final update, the final rows first in the
    file: the default cut (the primary analysis: the first full publication's own) is the
    interim, the first of the paper's analyses, not the last cut that names the paper."""
    from trialrecon.dossier.selection import chosen_cut

    rows = [row("n", "Table 1", "", "enrolled", "count", "80", "patients"),
            row("m_final", "Results", "", "pfs", "median", "14.0", "months",
                data_cut="final analysis"),
            row("m_interim", "Results", "", "pfs", "median", "11.0", "months",
                data_cut="interim analysis")]
    folder = write_dossier(tmp_path / "twocuts", TWO_CUTS, rows)
    assert not validate_dossier(folder), [str(p) for p in validate_dossier(folder)]
    dossier = load_dossier(folder)
    assert chosen_cut(dossier).labels == ("interim analysis",)
    inp = gather_inputs(dossier, "pfs", "", "all", "")
    assert inp.summary.median == 11.0 and inp.ids["median"] == "m_interim"
