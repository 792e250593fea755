"""Cross-trial tables and figures, on small made-up dossiers and on the real ones.

References are hand calculations written out next to each assertion, R's binom.test for the
exact intervals, and, for the real dossiers, the hazard ratios as printed in the sources
(CABINET: Chan et al., N Engl J Med 2025 abstract and the 2025 review's Table 3 and its
footnote a; the review's Table 2 for the pivotal trials; Alliance A021202: J Clin Oncol 2025
abstract).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from dossier_builder import cohort_yaml, source_yaml, trial_yaml, value_row, write_dossier

from trialrecon.dossier import load_dossier
from trialrecon.stages.crosstrial.stage import (
    CrossTrialSettings,
    ae_grade3_table,
    design_hypotheses,
    hazard_ratio_figure,
    hazard_ratio_table,
    rate_figure,
    response_rate_table,
    subgroup_tables,
    write_crosstrial_outputs,
)

REPO = Path(__file__).resolve().parents[1]

def rct_yaml(id_: str, title: str, setting: str, extra: str = "") -> str:
    return trial_yaml(id_, f"{title}: a made-up randomized trial", "randomized",
                      [source_yaml("paper"),
                       source_yaml("review", "Somebody S. A made-up review. 2025", "review")],
                      [cohort_yaml("main", "Main cohort")],
                      head=f"setting: {setting}\n{extra}")


TWO_COHORT_YAML = trial_yaml(
    "beta", "BETA: two cohorts", "randomized", [source_yaml("paper")],
    [cohort_yaml("ep", "Extrapancreatic cohort", setting="extrapancreatic"),
     cohort_yaml("mx", "Mixed cohort", setting="mixed")])

SINGLE_ARM_YAML = trial_yaml("delta", "DELTA (X1): a made-up single-arm trial", "single_arm",
                             [source_yaml("paper")], [cohort_yaml("one", "Cohort one")], arms="")


def _row(id_, cohort, quantity, statistic, value, unit, source="paper", location="Results",
         **extra):
    return value_row(id_, quantity, statistic, value, unit, source=source, location=location,
                     cohort=cohort, **extra)


def _hr(prefix, cohort, est, lo, hi, quantity="pfs_hr", **extra):
    return [_row(f"{prefix}_est", cohort, quantity, "estimate", est, "ratio", **extra),
            _row(f"{prefix}_lo", cohort, quantity, "ci_low", lo, "ratio", **extra),
            _row(f"{prefix}_hi", cohort, quantity, "ci_high", hi, "ratio", **extra)]


@pytest.fixture
def dossiers(tmp_path):
    """alpha (pancreatic), beta (extrapancreatic + mixed cohorts), gamma (OS primary), delta."""
    table_cell = {"location": "Table 5", "row": "Subgroup", "column": "HR (95% CI)"}
    alpha = [
        # The review states the HR first in file order; the paper must still win.
        *_hr("rev", "main", "0.51", "0.31", "0.81", source="review"),
        *_hr("pap", "main", "0.50", "0.30", "0.80"),
        _row("pap_p", "main", "pfs_hr", "p_value", "0.001", "probability", comparator="<"),
        *_hr("upd", "main", "0.52", "0.31", "0.85", source="review", location="Table 3 note",
             supersedes="pap_est", note="label update"),
        *_hr("os", "main", "0.90", "0.60", "1.30", quantity="os_hr"),
        *_hr("sg_a", "main", "0.40", "0.20", "0.80", subgroup="Grade 1", **table_cell),
        *_hr("sg_b", "main", "0.70", "0.35", "1.40", subgroup="Grade 2", **table_cell),
        _row("sg_a_ev_d", "main", "pfs_events", "count", "16", "events", arm="drug",
             subgroup="Grade 1", denominator="28", **table_cell),
        _row("sg_a_ev_p", "main", "pfs_events", "count", "10", "events", arm="placebo",
             subgroup="Grade 1", denominator="13", **table_cell),
        _row("n_d", "main", "randomized", "count", "134", "patients", arm="drug"),
        _row("n_p", "main", "randomized", "count", "64", "patients", arm="placebo"),
        _row("orr_d", "main", "orr", "percent", "5", "percent", arm="drug"),
        _row("orr_p", "main", "orr", "percent", "18", "percent", arm="placebo"),
        _row("saf_d", "main", "safety_population", "count", "132", "patients", arm="drug"),
        _row("ae3_d", "main", "ae_grade3plus", "percent", "62", "percent", arm="drug",
             category="any"),
        _row("ae34_d", "main", "ae_grade34", "percent", "60", "percent", arm="drug",
             category="any"),
        _row("ae34_p", "main", "ae_grade34", "percent", "27", "percent", arm="placebo",
             category="any"),
        _row("ae34_p_term", "main", "ae_grade34", "percent", "3", "percent", arm="placebo",
             category="Hypertension"),
    ]
    beta = [
        *_hr("ep", "ep", "0.38", "0.25", "0.59"),
        *_hr("mx_ttp", "mx", "0.34", "0.20", "0.59", category="TTP"),
    ]
    gamma = [
        *_hr("pfs", "main", "0.60", "0.40", "0.90"),
        *_hr("os", "main", "0.84", "0.60", "1.17", quantity="os_hr"),
    ]
    delta = [
        _row("enr", "one", "enrolled", "count", "55", "patients"),
        _row("ev", "one", "evaluable_response", "count", "52", "patients"),
        _row("orr", "one", "orr", "percent", "44.2", "percent", denominator="55"),
        _row("orr_lo", "one", "orr", "ci_low", "30.7", "percent", denominator="55"),
        _row("orr_hi", "one", "orr", "ci_high", "58.6", "percent", denominator="55"),
        _row("resp", "one", "responders", "count", "23", "patients"),
        _row("p0", "one", "design_p0", "percent", "10", "percent", comparator="<"),
        _row("p1", "one", "design_p1", "percent", "25", "percent", comparator=">="),
    ]
    paths = [
        write_dossier(tmp_path / "alpha", rct_yaml("alpha", "ALPHA", "pancreatic"), alpha),
        write_dossier(tmp_path / "beta", TWO_COHORT_YAML, beta),
        write_dossier(tmp_path / "gamma",
                      rct_yaml("gamma", "GAMMA", "mixed", "primary_endpoint: os\n"), gamma),
        write_dossier(tmp_path / "delta", SINGLE_ARM_YAML, delta),
    ]
    return [load_dossier(p) for p in paths]


# ---------------------------------------------------------------------- hazard ratios


def test_hazard_ratio_table_rows_order_and_choices(dossiers):
    table = hazard_ratio_table(dossiers)
    got = list(zip(table["trial"], table["cohort"], table["endpoint"], table["text"],
                   table["updated"], strict=True))
    assert got == [
        ("alpha", "main", "PFS", "0.50 (0.30-0.80)", False),  # paper beats review
        ("alpha", "main", "PFS", "0.52 (0.31-0.85)", True),  # the update, second
        ("beta", "ep", "PFS", "0.38 (0.25-0.59)", False),
        ("beta", "mx", "TTP", "0.34 (0.20-0.59)", False),
        ("gamma", "main", "OS", "0.84 (0.60-1.17)", False),  # primary_endpoint: os
    ]
    assert list(table["setting"]) == ["pancreatic", "pancreatic", "extrapancreatic", "mixed",
                                      "mixed"]
    first = table.iloc[0]
    assert (first["estimate"], first["ci_low"], first["ci_high"]) == (0.50, 0.30, 0.80)
    assert first["p_value"] == 0.001 and first["p_comparator"] == "<"
    assert first["n_statements"] == 2 and not first["statements_agree"]  # 0.50 vs 0.51
    assert "label update" in table.iloc[1]["update_note"]


def test_source_priority_is_configurable(dossiers):
    cfg = CrossTrialSettings.from_dict({"source_priority": ["review", "paper"]})
    table = hazard_ratio_table(dossiers, cfg)
    assert table.iloc[0]["text"] == "0.51 (0.31-0.81)"


def test_unknown_setting_is_refused():
    with pytest.raises(ValueError, match="unknown crosstrial setting"):
        CrossTrialSettings.from_dict({"colour": "red"})


def test_subgroup_table_keeps_printed_order_and_events(dossiers):
    tables = subgroup_tables(dossiers)
    assert list(tables) == ["subgroups_alpha_main_table_5_pfs_hr"]
    table = tables["subgroups_alpha_main_table_5_pfs_hr"]
    assert list(table["subgroup"]) == ["Grade 1", "Grade 2"]
    assert list(table["text"]) == ["0.40 (0.20-0.80)", "0.70 (0.35-1.40)"]
    assert list(table["events_drug"]) == ["16/28", ""]
    assert list(table["events_placebo"]) == ["10/13", ""]


def test_forest_figure_prints_numbers_on_a_log_axis(dossiers):
    table = hazard_ratio_table(dossiers)
    fig = hazard_ratio_figure(table, "test")
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert set(table["text"]) <= texts
    assert ax.get_xscale() == "log"
    xlow, xhigh = ax.get_xlim()
    assert xlow < 1 < xhigh
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.get_lines())
    # Tick labels run bottom to top; the plot reads top to bottom.
    headers = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert headers[::-1] == ["Pancreatic", "Extrapancreatic", "Mixed"]


# ------------------------------------------------------------------------------ rates


def test_response_rate_count_and_denominator(dossiers):
    table = response_rate_table(dossiers).set_index(["trial", "arm"])
    single = table.loc[("delta", "")]
    # 23/55 = 41.8% does not print as 44.2; 23/52 = 44.23% does: the evaluable denominator.
    assert (single["count"], single["n"], single["count_basis"]) == (23, 52, "reported")
    assert single["denominator_basis"].startswith("evaluable_response")
    # R 4.x: binom.test(23, 52)$conf.int -> 0.30469562 0.58672444
    assert single["ci_low"] == pytest.approx(30.469562, abs=1e-5)
    assert single["ci_high"] == pytest.approx(58.672444, abs=1e-5)
    assert (single["printed_ci_low"], single["printed_ci_high"]) == (30.7, 58.6)
    drug = table.loc[("alpha", "drug")]
    # 5% of 134: 6/134 = 4.48 -> "4", 7/134 = 5.22 -> "5", 8/134 = 5.97 -> "6".
    assert (drug["count"], drug["n"], drug["count_basis"]) == (7, 134, "inferred")
    assert drug["count_reproduces_printed"]
    placebo = table.loc[("alpha", "placebo")]
    # 18% of 64: 11/64 = 17.19 -> "17", 12/64 = 18.75 -> "19": no count reproduces it.
    assert not placebo["count_reproduces_printed"]
    assert placebo["text"].endswith("*")


def test_ae_table_prefers_grade3plus_and_the_safety_population(dossiers):
    table = ae_grade3_table(dossiers).set_index(["trial", "arm"])
    assert sorted(table.index) == [("alpha", "drug"), ("alpha", "placebo")]
    drug = table.loc[("alpha", "drug")]
    assert drug["quantity"] == "ae_grade3plus" and drug["printed"] == "62"
    # 82/132 = 62.12% -> "62"; 81/132 = 61.36 -> "61"; 83/132 = 62.88 -> "63".
    assert (drug["count"], drug["n"]) == (82, 132)
    placebo = table.loc[("alpha", "placebo")]
    assert placebo["quantity"] == "ae_grade34" and placebo["printed"] == "27"
    # 17/64 = 26.56 -> "27" (the randomized count: the placebo arm has no safety population).
    assert (placebo["count"], placebo["n"]) == (17, 64)


def test_design_hypotheses_and_marks_on_the_figure(dossiers):
    hyp = design_hypotheses(dossiers)
    assert list(zip(hyp["trial"], hyp["name"], hyp["percent"], strict=True)) == [
        ("delta", "p0", 10.0), ("delta", "p1", 25.0)]
    fig = rate_figure(response_rate_table(dossiers), "t", "x", hyp)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    # the legend names the trial by its label, not its id
    assert "DELTA (X1) p0 = 10%" in labels and "DELTA (X1) p1 = 25%" in labels


# ------------------------------------------------------------------------------ files


def test_outputs_written_and_deterministic(dossiers, tmp_path):
    first = write_crosstrial_outputs(dossiers, tmp_path / "a", {})
    second = write_crosstrial_outputs(dossiers, tmp_path / "b", {})
    names = sorted(p.name for p in first)
    assert names == sorted(p.name for p in second)
    for stem in ("hazard_ratios", "response_rates", "ae_grade3",
                 "subgroups_alpha_main_table_5_pfs_hr"):
        assert {f"{stem}.csv", f"{stem}.png", f"{stem}.svg"} <= set(names)
    for a, b in zip(sorted(first), sorted(second), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    csv_table = pd.read_csv(tmp_path / "a" / "hazard_ratios.csv", keep_default_na=False)
    assert list(csv_table["text"]) == list(hazard_ratio_table(dossiers)["text"])
    assert "![" in (tmp_path / "a" / "crosstrial.md").read_text("utf-8")


def test_empty_tables_get_a_header_only_csv(dossiers, tmp_path):
    only_single_arm = [d for d in dossiers if d.trial.design == "single_arm"]
    written = {p.name for p in write_crosstrial_outputs(only_single_arm, tmp_path, {})}
    assert "hazard_ratios.csv" in written and "hazard_ratios.png" not in written
    assert (tmp_path / "hazard_ratios.csv").read_text("utf-8").count("\n") == 1


# ---------------------------------------------------------------- the real dossiers

# Primary-endpoint HRs as printed in the sources (original publication first).
PRINTED_PRIMARY_HR = {
    ("cabinet", "pNET"): ["0.23 (0.12-0.42)", "0.22 (0.12-0.41)"],  # NEJM; Table 3 fn a
    ("cabinet", "epNET"): ["0.38 (0.25-0.59)", "0.40 (0.26-0.61)"],
    ("a021202", "epNET"): ["0.54 (0.37-0.79)"],
    ("promid", "midgut"): ["0.34 (0.20-0.59)"],  # TTP
    ("clarinet", "gepnet"): ["0.47 (0.30-0.73)"],
    ("netter1", "midgut"): ["0.21 (0.13-0.33)"],
    ("netter2", "gepnet"): ["0.276 (0.182-0.418)"],
    ("radiant3", "pnet"): ["0.35 (0.27-0.45)"],
    ("radiant4", "gi_lung"): ["0.48 (0.35-0.67)"],
    ("sun1111", "pnet"): ["0.42 (0.26-0.66)"],
}


def _real_dossiers():
    raw = REPO / "data" / "raw"
    folders = sorted(p.parent for p in raw.glob("*/trial.yaml"))
    if not folders:
        pytest.skip("no dossiers under data/raw")
    return [load_dossier(p) for p in folders]


def test_real_forest_table_holds_every_randomized_primary_hr():
    real = _real_dossiers()
    table = hazard_ratio_table(real)
    randomized = {d.trial.id for d in real if d.trial.design == "randomized"}
    assert set(table["trial"]) == randomized
    for (trial, cohort), printed in PRINTED_PRIMARY_HR.items():
        if trial not in randomized:
            continue
        rows = table[(table["trial"] == trial) & (table["cohort"] == cohort)]
        assert list(rows["text"]) == printed, (trial, cohort)
        assert list(rows["updated"]) == [False, True][: len(printed)]
    assert table.loc[table["trial"] == "promid", "endpoint"].tolist() == ["TTP"]
    fig = hazard_ratio_figure(table, "real")
    assert set(table["text"]) <= {t.get_text() for t in fig.axes[0].texts}


def test_real_talent_response_rates_and_hypotheses():
    real = [d for d in _real_dossiers() if d.trial.id == "talent"]
    if not real:
        pytest.skip("no TALENT dossier")
    table = response_rate_table(real).set_index("cohort")
    # 23 responders of 52 evaluable (panNET), 9 of 55 (GI-NET), 32 of 107 (total):
    # R 4.x binom.test(9, 55)$conf.int -> 0.07765882 0.28803000
    assert (table.loc["panNET", "count"], table.loc["panNET", "n"]) == (23, 52)
    assert (table.loc["GI-NET", "count"], table.loc["GI-NET", "n"]) == (9, 55)
    assert (table.loc["total", "count"], table.loc["total", "n"]) == (32, 107)
    assert table.loc["GI-NET", "ci_low"] == pytest.approx(7.765882, abs=1e-5)
    assert table.loc["GI-NET", "ci_high"] == pytest.approx(28.803, abs=1e-5)
    hyp = design_hypotheses(real)
    assert dict(zip(hyp["name"], hyp["percent"], strict=True)) == {"p0": 10.0, "p1": 25.0}
    assert not any(math.isnan(x) for x in table["ci_low"])
