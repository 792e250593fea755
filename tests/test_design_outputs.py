"""The design stage's files, from small made-up dossiers and from the TALENT dossier."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dossier_builder import cohort_yaml, source_yaml, trial_yaml, value_row, write_dossier

from trialrecon.dossier import load_dossier
from trialrecon.stages.design.stage import write_design_outputs

REPO = Path(__file__).resolve().parents[1]

SINGLE_ARM_YAML = trial_yaml("demo", "A made-up single-arm trial with two cohorts", "single_arm",
                             [source_yaml("paper")],
                             [cohort_yaml("coh_a", "Cohort A"), cohort_yaml("coh_b", "Cohort B"),
                              cohort_yaml("all", "All", parts="[coh_a, coh_b]")], arms="")

RANDOMIZED_YAML = trial_yaml("rct", "A made-up randomized trial", "randomized",
                             [source_yaml("paper")], [cohort_yaml("main", "Main")])


def _row(id_, location, cohort, quantity, statistic, value, unit, **extra):
    row = value_row(id_, quantity, statistic, value, unit, location=location, cohort=cohort)
    if location.startswith("Table"):
        row.update(row=extra.pop("row", quantity), column=extra.pop("column", cohort))
    row.update(extra)
    return row


@pytest.fixture
def single_arm(tmp_path: Path) -> Path:
    """Design p0 20%, p1 40%, one-sided alpha 5%, power 80%, 35 per cohort.

    Cohort A: 1 CR + 12 PR of 33 evaluable (36 enrolled); ORR CI printed as Clopper-Pearson,
    R: binom.test(13, 33)$conf.int * 100 -> 22.9066 57.8606, printed "22.9" "57.9".
    Cohort B: 0 CR + 6 PR of 35 evaluable (35 enrolled); ORR CI printed as R's prop.test,
    prop.test(6, 35)$conf.int * 100 -> 7.1682 34.2982, printed "7.2" "34.3".
    """
    rows = [
        _row("p0", "Statistical Methods", "all", "design_p0", "percent", "20", "percent"),
        _row("p1", "Statistical Methods", "all", "design_p1", "percent", "40", "percent"),
        _row("alpha", "Statistical Methods", "all", "design_alpha", "percent", "5", "percent",
             sided="one_sided"),
        _row("power", "Statistical Methods", "all", "design_power", "percent", "80", "percent"),
        _row("n_group", "Statistical Methods", "all", "design_n_per_group", "value", "35",
             "patients"),
    ]
    for coh, enrolled, evaluable, cr, pr, est, lo, hi in (
        ("coh_a", "36", "33", "1", "12", "39.4", "22.9", "57.9"),
        ("coh_b", "35", "35", "0", "6", "17.1", "7.2", "34.3"),
    ):
        rows += [
            _row(f"{coh}_enr", "Table 1", coh, "enrolled", "count", enrolled, "patients"),
            # a text statement of the same count that the table row must win over
            _row(f"{coh}_enr_text", "Results", coh, "enrolled", "count", enrolled, "patients"),
            _row(f"{coh}_eval", "Table 2", coh, "evaluable_response", "count", evaluable,
                 "patients"),
            _row(f"{coh}_cr", "Table 2", coh, "best_response", "count", cr, "patients",
                 category="CR", row="CR"),
            _row(f"{coh}_pr", "Table 2", coh, "best_response", "count", pr, "patients",
                 category="PR", row="PR"),
            _row(f"{coh}_orr", "Table 2", coh, "orr", "percent", est, "percent"),
            _row(f"{coh}_orr_lo", "Table 2", coh, "orr", "ci_low", lo, "percent", level="95"),
            _row(f"{coh}_orr_hi", "Table 2", coh, "orr", "ci_high", hi, "percent", level="95"),
        ]
    return write_dossier(tmp_path / "demo", SINGLE_ARM_YAML, rows)


@pytest.fixture
def randomized(tmp_path: Path) -> Path:
    """No design rows; ORR 15% (95% CI 8.0 to 24.7) of 80 randomized, no response counts.
    R: binom.test(12, 80)$conf.int * 100 -> 7.9982 24.7364 (12/80 = 15%)."""
    rows = [
        _row("n_drug", "Abstract", "main", "randomized", "count", "80", "patients", arm="drug"),
        _row("orr_drug", "Abstract", "main", "orr", "percent", "15", "percent", arm="drug"),
        _row("orr_drug_lo", "Abstract", "main", "orr", "ci_low", "8.0", "percent", arm="drug"),
        _row("orr_drug_hi", "Abstract", "main", "orr", "ci_high", "24.7", "percent", arm="drug"),
    ]
    return write_dossier(tmp_path / "rct", RANDOMIZED_YAML, rows)


def test_single_arm_outputs(single_arm: Path, tmp_path: Path):
    out = tmp_path / "results" / "demo" / "design"
    written = write_design_outputs(load_dossier(single_arm), out, {})
    names = {p.name for p in written}
    for name in ("design.md", "exact_design.csv", "simon_designs.csv", "sensitivity.csv",
                 "normal_approximation.csv", "operating_characteristics.csv", "decision.csv",
                 "ci_methods.csv", "ci_bounds.csv", "design_parameters.csv",
                 "power_curve.png", "power_curve.svg", "rejection_region.png",
                 "rejection_region.svg"):
        assert name in names and (out / name).stat().st_size > 0, name

    exact = pd.read_csv(out / "exact_design.csv")
    # p0 .2, p1 .4, alpha .05, power .8: n = 35, r = 12 (test_design's naive enumeration gives
    # the same); the percent rows were converted to probabilities.
    assert (exact.loc[0, "n"], exact.loc[0, "r"]) == (35, 12)
    simon = pd.read_csv(out / "simon_designs.csv").set_index("kind")
    # Simon (1989) Table 1, p0 .20, p1 .40, alpha .05, beta .20: 3/13, 12/43 and 4/18, 10/33
    assert tuple(simon.loc["optimal", ["r1", "n1", "r", "n"]]) == (3, 13, 12, 43)
    assert tuple(simon.loc["minimax", ["r1", "n1", "r", "n"]]) == (4, 18, 10, 33)

    decision = pd.read_csv(out / "decision.csv", keep_default_na=False)
    # the pooled cohort is not a design unit
    assert set(decision["cohort"]) == {"coh_a", "coh_b"}
    a = decision[(decision["cohort"] == "coh_a")
                 & (decision["denominator"] == "evaluable_response")]
    assert a.iloc[0]["responders"] == 13 and a.iloc[0]["n"] == 33
    assert a.iloc[0]["responder_rows"] == "coh_a_cr coh_a_pr"
    assert bool(a.iloc[0]["meets_ahern_r"]) is True
    b = decision[(decision["cohort"] == "coh_b") & (decision["denominator"] == "enrolled")]
    assert b.iloc[0]["denominator_rows"].split()[0] == "coh_b_enr"  # table row first
    assert bool(b.iloc[0]["meets_ahern_r"]) is False  # 6 < 12

    ci = pd.read_csv(out / "ci_methods.csv", keep_default_na=False)
    best_a = ci[(ci["cohort"] == "coh_a") & (ci["n"] == 33)].iloc[0]
    assert "clopper_pearson" in best_a["matching_methods"].split()
    best_b = ci[(ci["cohort"] == "coh_b") & (ci["n"] == 35)].iloc[0]
    assert "wilson_cc" in best_b["matching_methods"].split()

    md = (out / "design.md").read_text(encoding="utf-8")
    assert "n = 35: reject H0 when at least r = 12" in md
    assert "Calculations giving the stated n = 35" in md
    assert "power_curve.png" in md


def test_randomized_trial_without_design(randomized: Path, tmp_path: Path):
    out = tmp_path / "results" / "rct" / "design"
    written = write_design_outputs(load_dossier(randomized), out, {})
    assert {p.name for p in written} == {
        "ci_methods.csv", "ci_bounds.csv", "design.md", "stated_designs.csv",
        "design_calculations.csv", "design_checks.csv", "design_decisions.csv"}
    md = (out / "design.md").read_text(encoding="utf-8")
    assert "No single-arm design is stated" in md
    assert "The dossier states no design." in md
    ci = pd.read_csv(out / "ci_methods.csv", keep_default_na=False)
    # x recovered from the point estimate: only 12/80 rounds to 15%
    assert list(ci["x"]) == [12] and list(ci["n"]) == [80]
    assert "clopper_pearson" in ci.iloc[0]["matching_methods"].split()


def test_outputs_are_deterministic(single_arm: Path, tmp_path: Path):
    d = load_dossier(single_arm)
    first = write_design_outputs(d, tmp_path / "one", {})
    second = write_design_outputs(d, tmp_path / "two", {})
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name


def test_unknown_setting_is_refused(single_arm: Path, tmp_path: Path):
    with pytest.raises(ValueError, match="unknown design settings"):
        write_design_outputs(load_dossier(single_arm), tmp_path / "x", {"simon_nmax": 50})


@pytest.mark.skipif(not (REPO / "data/raw/talent/trial.yaml").exists(), reason="no TALENT")
def test_talent(tmp_path: Path):
    """TALENT (Capdevila 2021, J Clin Oncol 39:2304). Statistical Considerations: p0 10%, p1 25%,
    90% power, alpha 5%, 55 per group. Table 2: panNET 0 CR + 23 PR of 52 assessed (55
    enrolled), ORR 44.2% (30.7 to 58.6); GI-NET 0 CR + 9 PR of 55 assessed (56 enrolled),
    16.4% (8.2 to 29.3)."""
    out = tmp_path / "design"
    write_design_outputs(load_dossier(REPO / "data/raw/talent"), out, {})
    sens = pd.read_csv(out / "sensitivity.csv")
    hits = sens[sens["reproduces_stated_n"]]
    assert "exact single-stage (A'Hern)" in set(hits["method"])
    assert "Simon two-stage minimax" in set(hits["method"])
    decision = pd.read_csv(out / "decision.csv").set_index(["cohort", "denominator"])
    assert decision.loc[("panNET", "evaluable_response"), "responders"] == 23
    assert decision.loc[("panNET", "evaluable_response"), "n"] == 52
    assert bool(decision.loc[("panNET", "evaluable_response"), "meets_ahern_r"])
    assert decision.loc[("GI-NET", "enrolled"), "n"] == 56
    # 9 responders against r = 10: the GI-NET cohort did not meet the design's rule
    assert not bool(decision.loc[("GI-NET", "evaluable_response"), "meets_ahern_r"])
    assert not bool(decision.loc[("GI-NET", "enrolled"), "meets_ahern_r"])
    ci = pd.read_csv(out / "ci_methods.csv", dtype=str, keep_default_na=False)
    table2 = ci[(ci["location"] == "Table 2") & (ci["point_estimate_consistent"] == "True")]
    assert len(table2) == 6  # ORR and DCR for panNET, GI-NET, total
    assert set(table2["matching_methods"]) == {"wilson_cc"}


def test_impossible_design_is_reported_not_raised(tmp_path: Path):
    rows = [
        _row("p0", "Methods", "main", "design_p0", "percent", "40", "percent"),
        _row("p1", "Methods", "main", "design_p1", "percent", "20", "percent"),
        _row("alpha", "Methods", "main", "design_alpha", "percent", "5", "percent"),
        _row("power", "Methods", "main", "design_power", "percent", "80", "percent"),
    ]
    yaml_text = SINGLE_ARM_YAML.replace("coh_a", "main").split("  - id: coh_b")[0]
    folder = write_dossier(tmp_path / "demo", yaml_text, rows)
    out = tmp_path / "out"
    written = write_design_outputs(load_dossier(folder), out, {})
    md = (out / "design.md").read_text(encoding="utf-8")
    assert "p0 must be smaller than p1" in md
    assert {p.name for p in written} == {
        "ci_methods.csv", "ci_bounds.csv", "design.md", "stated_designs.csv",
        "design_calculations.csv", "design_checks.csv", "design_decisions.csv"}
