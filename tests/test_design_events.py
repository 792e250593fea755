"""The randomized part of the design stage: events, power, detectable HRs, design checks.

A made-up two-arm trial with a transcribed design and two data cuts, and the real dossiers
(CABINET's two cohorts, A021202, CLEOPATRA, CheckMate 067). Expected values are worked out
by hand in the docstrings (z_0.975 = 1.959964, z_0.80 = 0.841621, z_0.90 = 1.281552) or
come from rpact 3.x (R code given), never from this package's output.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dossier_builder import cohort_yaml, source_yaml, trial_yaml, value_row, write_dossier

from trialrecon.dossier import load_dossier
from trialrecon.stages.design.stage import write_design_outputs

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"

RCT_YAML = trial_yaml(
    "rct", "A made-up randomized trial with an interim analysis", "randomized",
    [source_yaml("interim", "Nobody N. Interim analysis. Made up for a test. 2020",
            published="2020-09", data_cut="2020-06", analysis="interim"),
     source_yaml("final", "Nobody N. Final analysis. Made up for a test. 2021",
            published="2021-09", data_cut="2021-06", analysis="final")],
    [cohort_yaml("main", "Main | <b>cohort</b> $5")], head="primary_endpoint: pfs\n")


def _row(id_: str, source: str, quantity: str, statistic: str, value: str, unit: str,
         **extra: str) -> dict[str, str]:
    return value_row(id_, quantity, statistic, value, unit, source=source, location="Methods",
                     cohort="main", **extra)


@pytest.fixture
def rct(tmp_path: Path) -> Path:
    """Design: HR 0.70 from medians 6 and 8.57 months, two-sided alpha 5%, power 90%, 1:1,
    332 PFS events with an interim analysis at 50% (O'Brien-Fleming-type spending), accrual
    24 and follow-up 12 months. Interim: 90 + 76 events, HR 0.72 (0.53 to 0.98); final:
    160 + 172 events... the final prints HR 0.74 (0.60 to 0.92)."""
    rows = [
        _row("d_hr", "interim", "design_hr", "value", "0.70", "ratio", category="PFS"),
        _row("d_mc", "interim", "design_median_control", "value", "6", "months",
             category="PFS"),
        _row("d_me", "interim", "design_median_experimental", "value", "8.57", "months",
             category="PFS"),
        _row("d_alpha", "interim", "design_alpha", "value", "5", "percent", sided="two_sided"),
        _row("d_power", "interim", "design_power", "value", "90", "percent"),
        _row("d_events", "interim", "design_events", "value", "332", "events",
             category="PFS final"),
        _row("d_ia", "interim", "design_interim", "value", "50", "percent",
             category="PFS interim"),
        _row("d_spend", "interim", "design_spending", "label", "Lan-DeMets O'Brien-Fleming",
             "none"),
        _row("d_accr", "interim", "design_accrual", "value", "24", "months"),
        _row("d_fu", "interim", "design_follow_up", "value", "12", "months"),
        _row("n_drug", "interim", "randomized", "count", "190", "patients", arm="drug"),
        _row("n_pbo", "interim", "randomized", "count", "190", "patients", arm="placebo"),
        _row("i_ev_d", "interim", "pfs_events", "count", "76", "events", arm="drug"),
        _row("i_ev_p", "interim", "pfs_events", "count", "90", "events", arm="placebo"),
        _row("i_hr", "interim", "pfs_hr", "estimate", "0.72", "ratio"),
        _row("i_lo", "interim", "pfs_hr", "ci_low", "0.53", "ratio"),
        _row("i_hi", "interim", "pfs_hr", "ci_high", "0.98", "ratio"),
        _row("f_ev_d", "final", "pfs_events", "count", "160", "events", arm="drug"),
        _row("f_ev_p", "final", "pfs_events", "count", "172", "events", arm="placebo"),
        _row("f_hr", "final", "pfs_hr", "estimate", "0.74", "ratio"),
        _row("f_lo", "final", "pfs_hr", "ci_low", "0.60", "ratio"),
        _row("f_hi", "final", "pfs_hr", "ci_high", "0.92", "ratio"),
    ]
    return write_dossier(tmp_path / "rct", RCT_YAML, rows)


def test_made_up_trial(rct: Path, tmp_path: Path):
    """By hand (Schoenfeld, 1:1, two-sided 0.05):

    * interim, 166 events: sqrt(166 / 4) = 6.442049; power at HR 0.72:
      Phi(0.328504 * 6.442049 - 1.959964) = Phi(0.156263) = 0.5621; HR detectable with
      80% power exp(-2.801585 / 6.442049) = 0.6473; information fraction 166 / 332 = 0.5;
    * design: 6 / 8.57 = 0.700117 rounds to the printed 0.70; fixed events
      (1.959964 + 1.281552)^2 / (0.25 * log(0.7)^2) = 10.507426 / 0.031804 = 330.38 -> 331;
    * with the interim (rpact, below) 331.507 -> 332 events, the stated number; the interim
      boundary is Z 2.962588, nominal two-sided P 2 * (1 - Phi(2.962588)) = 0.003051, as an
      HR with the planned 166 events exp(-2.962588 / 6.442049) = 0.6314: the interim's 0.72
      does not cross it;
    * patients: event probabilities 1 - (exp(-12 l) - exp(-36 l)) / (24 l) with l =
      log 2 / 6 = 0.115525 (control) and 0.7 l (drug): 0.915467 and 0.832789, mean 0.874128;
      332 / 0.874128 = 379.81 -> 380 (whole pairs).

    rpact::

        d <- getDesignGroupSequential(kMax = 2, alpha = 0.05, sided = 2,
                                      typeOfDesign = "asOF", informationRates = c(0.5, 1),
                                      beta = 0.1)
        d$criticalValues                                  # 2.962588043 1.968595646
        getSampleSizeSurvival(design = d, hazardRatio = 0.7, accrualTime = c(0, 24),
                              followUpTime = 12, median2 = 6)$maxNumberOfEvents  # 331.5071
    """
    out = tmp_path / "results" / "rct" / "design"
    written = {p.name for p in write_design_outputs(load_dossier(rct), out, {})}
    assert {"events_by_cut.csv", "events_power.csv", "events_design_check.csv",
            "events_boundaries.csv", "events_power_curve.png", "events_power_curve.svg",
            "design.md"} <= written

    by_cut = pd.read_csv(out / "events_by_cut.csv", keep_default_na=False)
    assert list(by_cut["cut_key"]) == ["2020-06", "2021-06"]
    interim = by_cut.iloc[0]
    assert interim["events"] == 166 and interim["events_basis"] == "printed per arm"
    assert interim["events_ids"] == "i_ev_d i_ev_p"
    assert interim["information_fraction"] == pytest.approx(0.5)
    assert by_cut.iloc[1]["information_fraction"] == pytest.approx(1.0)
    assert bool(interim["chosen"])  # the primary analysis: the first full publication

    power = pd.read_csv(out / "events_power.csv", keep_default_na=False)
    row = power[(power["method"] == "schoenfeld") & (power["data_cut"].str.startswith(
        "2020-06"))].iloc[0]
    assert row["power_observed_hr"] == pytest.approx(0.5621, abs=1e-4)
    assert row["detectable_hr_power_80"] == pytest.approx(0.6473, abs=1e-4)
    assert row["sided"] == "two_sided" and row["alpha"] == pytest.approx(0.05)

    check = pd.read_csv(out / "events_design_check.csv", keep_default_na=False)
    item = check.set_index(["item", "method"])["computed"]
    assert float(item[("design HR from the assumed medians", "")]) == pytest.approx(0.700117,
                                                                                    abs=1e-6)
    fixed = "events for the design HR and power (one analysis)"
    staged = "events for the design HR and power (with the interim analyses)"
    assert float(item[(fixed, "schoenfeld")]) == 331
    assert float(item[(staged, "schoenfeld")]) == 332
    reproduces = check.set_index(["item", "method"])["reproduces"]
    assert reproduces[(staged, "schoenfeld")] == "True"
    assert float(item[("patients expected to give the events", "schoenfeld")]) == 380

    bounds = pd.read_csv(out / "events_boundaries.csv")
    first = bounds.iloc[0]
    assert first["z"] == pytest.approx(2.962588, abs=1e-5)
    assert first["nominal_p_two_sided"] == pytest.approx(0.003051, abs=1e-6)
    assert first["hr_boundary"] == pytest.approx(0.6314, abs=1e-4)
    assert first["observed_events"] == 166 and str(first["crossed"]) == "False"

    md = (out / "design.md").read_text(encoding="utf-8")
    assert "### Randomized comparisons" in md
    # text from the dossier is escaped: no table break, no raw HTML
    assert "Main \\| &lt;b&gt;cohort&lt;/b&gt;" in md and "<b>" not in md


def test_randomized_outputs_are_deterministic(rct: Path, tmp_path: Path):
    d = load_dossier(rct)
    first = write_design_outputs(d, tmp_path / "one", {})
    second = write_design_outputs(d, tmp_path / "two", {})
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name


def test_relevant_hr_and_alpha_from_the_configuration(rct: Path, tmp_path: Path):
    """166 events, HR 0.6 relevant: Phi(0.510826 * 6.442049 - 1.959964) = Phi(1.330777) =
    0.9084; the dossier's design_alpha applies to PFS, the configured alpha to nothing else."""
    out = tmp_path / "d"
    write_design_outputs(load_dossier(rct), out, {"relevant_hr_by_trial": {"rct": 0.6}})
    power = pd.read_csv(out / "events_power.csv", keep_default_na=False)
    row = power[(power["method"] == "schoenfeld")].iloc[0]
    assert row["relevant_hr"] == 0.6
    assert row["power_relevant_hr"] == pytest.approx(0.9084, abs=1e-4)
    assert row["alpha_basis"].startswith("row d_alpha")


def _schoenfeld_row(trial: str, tmp_path: Path, cohort: str, endpoint: str = "pfs") -> dict:
    out = tmp_path / trial
    write_design_outputs(load_dossier(RAW / trial), out, {})
    power = pd.read_csv(out / "events_power.csv", keep_default_na=False)
    sel = power[(power["method"] == "schoenfeld") & (power["chosen"])
                & (power["cohort"] == cohort) & (power["endpoint"] == endpoint)]
    assert len(sel) == 1
    return sel.iloc[0].to_dict()


@pytest.mark.parametrize(("trial", "cohort", "low", "high", "hr", "detectable", "power"), [
    # se = (log high - log low) / 3.919928; detectable = exp(-2.801585 se);
    # power = Phi(|log HR| / se - 1.959964). The information 1 / se^2 does not depend on the
    # allocation, so neither do these numbers.
    # CABINET epNET, 0.38 (0.25-0.59): se 0.219050, Phi(4.417190 - 1.959964) = 0.99300
    ("cabinet", "epNET", 0.25, 0.59, 0.38, 0.54135, 0.99300),
    # CABINET pNET, 0.23 (0.12-0.42): se 0.319588, Phi(4.598646 - 1.959964) = 0.99584
    ("cabinet", "pNET", 0.12, 0.42, 0.23, 0.40846, 0.99584),
    # A021202, 0.54 (0.37-0.79): se 0.193506, Phi(3.184326 - 1.959964) = 0.88960
    ("a021202", "epNET", 0.37, 0.79, 0.54, 0.58151, 0.88960),
])
def test_nets_detectable_hr_and_power(trial, cohort, low, high, hr, detectable, power,
                                      tmp_path: Path):
    """Chan et al. (N Engl J Med 2025) and Bergsland et al. (J Clin Oncol 2025) print no
    event counts: the events are those the printed CI implies."""
    row = _schoenfeld_row(trial, tmp_path, cohort)
    assert (row["hr"], row["ci_low"], row["ci_high"]) == (hr, low, high)
    assert row["events_basis"].startswith("implied by the CI")
    assert row["detectable_hr_power_80"] == pytest.approx(detectable, abs=2e-5)
    assert row["power_observed_hr"] == pytest.approx(power, abs=2e-5)


def test_cabinet_report_shows_both_cohorts(tmp_path: Path):
    out = tmp_path / "cabinet"
    write_design_outputs(load_dossier(RAW / "cabinet"), out, {})
    md = (out / "design.md").read_text(encoding="utf-8")
    for cohort in ("Extrapancreatic NET cohort: PFS", "Pancreatic NET cohort: PFS"):
        line = next(x for x in md.splitlines() if x.startswith(f"| {cohort}"))
        assert "randomized 134:69" in line or "randomized 64:31" in line
    assert "HR detectable, 80% power" in md and "power at the observed HR" in md


def test_cleopatra_design_and_second_interim(tmp_path: Path):
    """CLEOPATRA OS (Swain et al.): final analysis at 385 deaths, interim analyses at 165 and
    267 deaths, Lan-DeMets O'Brien-Fleming, overall alpha 5%; 43% and 69% of the planned
    events printed. By hand: 165 / 385 = 42.86% and 267 / 385 = 69.35% round to them. At the
    second interim (267 deaths, HR 0.66) Z = -log(0.66) * sqrt(267 / 4) = 0.415515 *
    8.170067 = 3.3948 against the boundary 2.461952 (rpact, test_group_sequential): crossed."""
    out = tmp_path / "cleopatra"
    write_design_outputs(load_dossier(RAW / "cleopatra"), out, {})
    check = pd.read_csv(out / "events_design_check.csv", keep_default_na=False)
    fractions = check[check["item"].str.startswith("information fraction")]
    assert list(fractions["reproduces"]) == ["True", "True"]
    assert list(fractions["computed"].round(2)) == [42.86, 69.35]
    bounds = pd.read_csv(out / "events_boundaries.csv")
    ia2 = bounds[bounds["analysis"] == "OS interim 2"].iloc[0]
    assert ia2["z"] == pytest.approx(2.461952, abs=1e-5)
    assert ia2["observed_events"] == 267 and ia2["observed_hr"] == 0.66
    assert ia2["observed_z"] == pytest.approx(3.3948, abs=1e-4)
    assert str(ia2["crossed"]) == "True"
    by_cut = pd.read_csv(out / "events_by_cut.csv", keep_default_na=False)
    final = by_cut[(by_cut["endpoint"] == "os") & (by_cut["cut_key"] == "final OS")].iloc[0]
    # the label's 168 + 221 deaths of the final analysis, over the 385 planned
    assert final["events"] == 389 and final["events_ids"] == "lab_deaths_per lab_deaths_pbo"
    assert final["information_fraction"] == pytest.approx(389 / 385)


def test_three_arm_trial_pairs_the_arms(tmp_path: Path):
    """CheckMate 067 prints HRs of each nivolumab arm versus ipilimumab (rows with arm and
    versus); the allocation is that of the two arms compared (314 and 315 randomized)."""
    out = tmp_path / "checkmate067"
    write_design_outputs(load_dossier(RAW / "checkmate067"), out, {})
    by_cut = pd.read_csv(out / "events_by_cut.csv", keep_default_na=False)
    ni = by_cut[by_cut["comparison"].str.contains("nivo_ipi vs ipilimumab")]
    assert len(ni) and set(ni["ratio_basis"]) == {"randomized 314:315"}
    assert ni.iloc[0]["ratio"] == pytest.approx(314 / 315, rel=1e-5)
