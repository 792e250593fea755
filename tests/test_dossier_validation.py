"""Each validation rule with a small bad fixture and the exact message expected.

The fixtures are made from ``tests/fixtures/mini`` (a valid fictional dossier) by
changing one cell or one file, so each test breaks exactly one rule.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialrecon.dossier import DossierError, load_dossier, validate_dossier

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def _edit(folder: Path, row_id: str, column: str, value: str) -> None:
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0].keys())
    for row in rows:
        if row["id"] == row_id:
            row[column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _messages(folder: Path) -> list[str]:
    return [str(p).replace(str(folder) + "/", "") for p in validate_dossier(folder)]


def test_the_fixture_is_valid(mini: Path):
    assert validate_dossier(mini) == []
    dossier = load_dossier(mini)
    assert len(dossier.values) == 10
    row = dossier.values.set_index("id").loc["female_a_pct"]
    assert row["value_num"] == 50.0 and row["line"] == 5 and row["file"] == "values.csv"


# (row id, column, new text, the exact message); values.csv line numbers count the header as 1.
CASES = [
    ("orr_a", "quantity", "orr_central",
     "values.csv, row 6, column 'quantity': unknown quantity 'orr_central' "
     "(see data/raw/README.md) [unknown-quantity]"),
    ("orr_a", "cohort", "panNET",
     "values.csv, row 6, column 'cohort': unknown cohort 'panNET' "
     "(trial.yaml lists: a, b, total) [unknown-cohort]"),
    ("female_a_n", "value", "41",
     "values.csv, row 4, column 'value': count 41 is above its denominator 40 "
     "[count-above-denominator]"),
    ("female_a_n", "value", "-2",
     "values.csv, row 4, column 'value': count -2 is negative [negative-count]"),
    ("female_a_pct", "value", "150.0",
     "values.csv, row 5, column 'value': percent 150.0 is outside 0-100 [percent-range]"),
    ("orr_a_lo", "value", "45.0",
     "values.csv, row 7, column 'value': CI lower bound 45.0 exceeds its upper bound 41.2 "
     "[ci-order]"),
    ("orr_a", "location", "",
     "values.csv, row 6, column 'location': 'location' is empty [required]"),
    ("orr_a", "anchor", "",
     "values.csv, row 6, column 'anchor': 'anchor' is empty [required]"),
    ("orr_a", "anchor", "one two three four five six seven eight nine ten eleven twelve thirteen",
     "values.csv, row 6, column 'anchor': anchor has 13 words, at most 12 [anchor-length]"),
    ("orr_a_hi", "id", "orr_a",
     "values.csv, row 8, column 'id': id 'orr_a' is already used in values.csv, row 6 "
     "[duplicate-id]"),
    ("orr_a", "value", "25,0",
     "values.csv, row 6, column 'value': value '25,0' is not a plain decimal number (ASCII "
     "digits, at most 15 before and 20 after the point) [malformed-number]"),
    ("p", "value", ".001",
     "values.csv, row 11, column 'value': value '.001' is not a plain decimal number (ASCII "
     "digits, at most 15 before and 20 after the point) (write .001 as 0.001) "
     "[malformed-number]"),
    ("start", "value", "May 2016",
     "values.csv, row 10, column 'value': date 'May 2016' is not a real date written YYYY, "
     "YYYY-MM or YYYY-MM-DD [malformed-date]"),
    ("os_b", "value", "31",
     "values.csv, row 9, column 'value': value '31' given together with a marker "
     "[marker-and-value]"),
    ("orr_a", "value", "",
     "values.csv, row 6, column 'value': value is empty and no marker says why [value-missing]"),
    ("p", "value", "1.5",
     "values.csv, row 11, column 'value': P value 1.5 is outside 0-1 [p-value-range]"),
    ("orr_a", "source", "abstract",
     "values.csv, row 6, column 'source': unknown source 'abstract' (trial.yaml lists: paper) "
     "[unknown-source]"),
    ("orr_a", "unit", "%",
     "values.csv, row 6, column 'unit': unknown unit '%' (see data/raw/README.md) "
     "[unknown-unit]"),
    ("orr_a", "supersedes", "orr_b",
     "values.csv, row 6, column 'supersedes': supersedes unknown id 'orr_b' "
     "[unknown-supersedes]"),
]


@pytest.mark.parametrize(("row_id", "column", "text", "message"), CASES,
                         ids=[c[3].rsplit("[", 1)[1].rstrip("]") + f"-{c[1]}" for c in CASES])
def test_each_rule_gives_its_message(mini: Path, row_id, column, text, message):
    _edit(mini, row_id, column, text)
    assert _messages(mini) == [message]


def test_sic_lets_an_impossible_printed_value_through(mini: Path):
    """A value checked against the source and kept as printed is not refused."""
    _edit(mini, "female_a_pct", "value", "150.0")
    _edit(mini, "female_a_pct", "note", "[sic] as printed")
    assert validate_dossier(mini) == []


def test_all_problems_are_reported_at_once(mini: Path):
    _edit(mini, "orr_a", "quantity", "nonsense")
    _edit(mini, "female_a_n", "value", "-1")
    _edit(mini, "start", "value", "2016-13")
    rules = [p.rule for p in validate_dossier(mini)]
    assert rules == ["negative-count", "unknown-quantity", "malformed-date"]


def test_missing_values_file(mini: Path):
    (mini / "values.csv").unlink()
    assert _messages(mini) == ["values.csv: no values*.csv file in the dossier [file-missing]"]


def test_missing_trial_yaml(mini: Path):
    (mini / "trial.yaml").unlink()
    messages = _messages(mini)
    assert messages[0] == "trial.yaml: file is missing [file-missing]"


def test_file_not_utf8(mini: Path):
    path = mini / "values.csv"
    data = path.read_bytes().replace(b"Female 20", b"F\xe9male 20")
    path.write_bytes(data)
    offset = data.index(b"\xe9")  # the first byte that is not UTF-8, on line 4
    assert _messages(mini) == [f"values.csv, row 4: file is not UTF-8 (byte {offset}) [not-utf8]"]


def test_missing_column(mini: Path):
    path = mini / "values.csv"
    text = path.read_text(encoding="utf-8").replace(",anchor,", ",excerpt,", 1)
    path.write_text(text, encoding="utf-8")
    assert _messages(mini) == [
        "values.csv, row 1, column 'anchor': column 'anchor' is missing [header]",
        "values.csv, row 1, column 'excerpt': unknown column 'excerpt' [header]",
    ]


def test_unknown_cohort_part_in_trial_yaml(mini: Path):
    path = mini / "trial.yaml"
    path.write_text(path.read_text().replace("parts: [a, b]", "parts: [a, c]"))
    assert _messages(mini) == [
        "trial.yaml, column 'cohorts': cohort 'total' pools unknown cohort 'c' [cohort-parts]"
    ]


def test_second_values_file_is_read_and_ids_are_unique_across_files(mini: Path):
    (mini / "values_registry.csv").write_text(
        (mini / "values.csv").read_text().splitlines()[0] + "\n"
        "orr_a,paper,Registry,,,enrollment 70,total,,,enrolled,,count,70,,patients,,,,,,,\n",
        encoding="utf-8",
    )
    assert _messages(mini) == [
        "values_registry.csv, row 2, column 'id': id 'orr_a' is already used in values.csv, "
        "row 6 [duplicate-id]"
    ]


def test_load_raises_with_every_problem(mini: Path):
    _edit(mini, "orr_a", "quantity", "nonsense")
    with pytest.raises(DossierError) as info:
        load_dossier(mini)
    assert [p.rule for p in info.value.problems] == ["unknown-quantity"]


def test_cli_validate_exit_status(mini: Path):
    ok = subprocess.run([sys.executable, "-m", "trialrecon.cli", "validate", str(mini)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("valid")
    _edit(mini, "female_a_n", "value", "-2")
    bad = subprocess.run([sys.executable, "-m", "trialrecon.cli", "validate", str(mini)],
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "column 'value': count -2 is negative [negative-count]" in bad.stdout


# ----------------------------------------------------------------- the format of any trial
# tests/fixtures/format_examples holds two FICTIONAL dossiers with every construct of the
# data dictionary's section "Outcomes, effects, grades, flow and designs of any trial".

EXAMPLES = Path(__file__).parent / "fixtures" / "format_examples"


@pytest.fixture
def rct(tmp_path: Path) -> Path:
    target = tmp_path / "formex_rct"
    shutil.copytree(EXAMPLES / "formex_rct", target)
    return target


def _line(folder: Path, row_id: str) -> int:
    with (folder / "values.csv").open(encoding="utf-8", newline="") as handle:
        ids = [r["id"] for r in csv.DictReader(handle)]
    return ids.index(row_id) + 2  # the header is line 1


@pytest.mark.parametrize("name", ["formex_rct", "formex_phase2"])
def test_the_format_examples_are_valid(name: str):
    assert [str(p) for p in validate_dossier(EXAMPLES / name)] == []


def test_the_format_examples_exercise_every_new_construct():
    """Every outcome, effect, flow, grade and design quantity, every new statistic, every
    optional column and every closed list the examples are meant to show appears in them."""
    from trialrecon.dossier import vocabulary

    vocab = vocabulary()
    frames = [load_dossier(EXAMPLES / n).values for n in ("formex_rct", "formex_phase2")]
    rows = [r for f in frames for r in f.to_dict("records")]
    used = {r["quantity"] for r in rows}
    kinds = {"outcome", "effect"}
    wanted = {q for q, d in vocab.quantities.items() if d.get("kind") in kinds
              or q.startswith(("ae_grade", "trae_grade")) or d.get("itemized")
              or q in ("analysed", "allocated", "lost_to_follow_up", "completed",
                       "stable_disease_lasting", "relative_dose_intensity", "design_type",
                       "design_n1", "design_r1", "design_r", "design_margin", "design_sd",
                       "design_difference", "design_dropout", "design_expected_n",
                       "design_pet", "design_ratio", "design_icc", "design_cv",
                       "design_clusters", "design_cluster_size")}
    assert sorted(wanted - used) == []
    stats_used = {r["statistic"] for r in rows}
    assert {"sd", "se", "iqr_low", "iqr_high", "rate", "geometric_mean", "cv"} <= stats_used
    for col in ("adjustment", "test", "population", "hypothesis"):
        assert {r[col] for r in rows} - {""}, col
    assert {r["population"] for r in rows} >= {"itt", "per_protocol", "safety", "liveborn"}
    assert {r["arm"] for r in rows} >= {"both"}  # the pooled arm
    assert {r["value"] for r in rows if r["quantity"] == "design_type"} >= {
        "simon_optimal", "simon_minimax", "two_proportions", "continuous"}


def test_a_pooled_arm_is_not_one_of_the_trials_arms():
    trial = load_dossier(EXAMPLES / "formex_rct").trial
    assert [a.id for a in trial.arms] == ["drugx", "placebo"]
    assert [(a.id, a.role, a.parts) for a in trial.pooled_arms] == [
        ("both", "pooled", ("drugx", "placebo"))]
    assert trial.arm("both") is not None and trial.population_ids() == ("liveborn",)


# (row id, column, new text, the rule expected, a fragment of its message)
FORMAT_REFUSALS = [
    ("rds_rr_p", "test", "chi2", "unknown-test", "unknown test 'chi2'"),
    ("rds_rr_estimate", "test", "fisher_exact", "test-statistic", "not a estimate"),
    # a CI bound's test is the interval's method: from ci_methods, not from the tests
    ("rds_rr_ci_low", "test", "fisher_exact", "unknown-test", "clopper_pearson, wilson"),
    ("rds_rr_p", "test", "clopper_pearson", "unknown-test", "fisher_exact"),
    ("fl_x_itt", "population", "intention", "unknown-population", "itt, modified_itt"),
    ("rds_rr_estimate", "adjustment", "crude", "unknown-adjustment", "unadjusted, adjusted"),
    ("rds_drugx_n", "hypothesis", "non_inferiority", "hypothesis-statistic", "not a count"),
    ("rds_drugx_n", "adjustment", "adjusted", "adjustment-statistic", "not a count"),
    ("rds_rr_estimate", "statistic", "mean", "statistic-quantity",
     "risk_ratio takes the statistics estimate, ci_low, ci_high, p_value, not 'mean'"),
    ("rds_rr_estimate", "value", "-0.75", "effect-not-positive", "a ratio of -0.75"),
    ("rds_rr_estimate", "unit", "percent", "unit-statistic", "allowed: none, ratio"),
    ("los_mdiff", "unit", "percent", "percent-range", "percentage_points"),
    ("inf_x_rate", "unit", "patients", "unit-statistic", "a rate is in a unit saying per what"),
    ("inf_x_rate", "value", "-4.2", "rate-negative", "a rate of -4.2 is negative"),
    ("hb_drugx_sd", "value", "-1.10", "spread-negative", "a sd of -1.10 is negative"),
    ("rds_drugx_n", "unit", "cm/s", "unknown-unit", "unknown unit 'cm/s'"),
    ("rds_drugx_n", "unit", "g/dL", "unit-statistic", "a count of outcome cannot be in unit"),
    ("egfr", "unit", "mL/min/1.73 m\u00b2", "unit-format", "ASCII letters"),
    ("egfr", "unit", "Months", "unit-near-miss", "is written 'months'"),
    ("d_type", "value", "simon", "unknown-design-type", "simon_optimal"),
    ("fu_med", "category", "survivors; KM", "category-terms", "'KM' is not a term"),
    ("os_lm_event", "category", "after completing treatment", "landmark", "a time such as"),
    ("fu_iqr_lo", "value", "31.0", "iqr-order", "IQR lower bound 31.0 exceeds"),
    ("rds_arr2_estimate", "adjustment", "adjusted: model <2>", "adjustment-model", "ASCII"),
    ("rds_arr2_estimate", "adjustment", "adjust: model 2", "unknown-adjustment", "unknown"),
]


@pytest.mark.parametrize(("row_id", "column", "text", "rule", "fragment"), FORMAT_REFUSALS,
                         ids=[f"{c[3]}-{c[1]}" for c in FORMAT_REFUSALS])
def test_the_format_refuses_what_is_malformed(rct: Path, row_id, column, text, rule, fragment):
    line = _line(rct, row_id)
    _edit(rct, row_id, column, text)
    problems = validate_dossier(rct)
    assert [(p.rule, p.line) for p in problems] == [(rule, line)], [str(p) for p in problems]
    assert fragment in problems[0].message
    assert problems[0].column == ("value" if rule in ("percent-range", "iqr-order") else column)


def test_a_risk_difference_in_percent_is_refused_once_for_its_unit(rct: Path):
    """-3.3 'percent' breaks two rules (unit and range); both name the way out."""
    _edit(rct, "rds_rd_estimate", "unit", "percent")
    assert [p.rule for p in validate_dossier(rct)] == ["unit-statistic", "percent-range"]


def test_a_simon_boundary_is_a_whole_number(tmp_path: Path):
    target = tmp_path / "formex_phase2"
    shutil.copytree(EXAMPLES / "formex_phase2", target)
    line = _line(target, "da_r1")
    _edit(target, "da_r1", "value", "1.5")
    assert _messages(target) == [f"values.csv, row {line}, column 'value': design_r1 1.5 is not "
                                 "a whole number [not-whole]"]
    _edit(target, "da_r1", "value", "1")
    _edit(target, "sd16_a", "category", "long")
    assert [p.rule for p in validate_dossier(target)] == ["category-duration"]


@pytest.mark.parametrize(("row_id", "column", "text"), [
    ("rdi", "value", "112.0"),                       # dose intensity above 100 percent
    ("egfr", "unit", "umol/L"),                      # a unit as printed
    ("os_lm_event", "category", "5 years since surgery"),
    ("fu_med", "category", "OS; survivors"),         # an endpoint id is a term too
    ("inf_x_rate", "unit", "per_1000_device_days"),  # any rate unit
    ("rds_rd_estimate", "unit", "per_1000"),         # a risk difference per 1000
    ("hb_md_estimate", "value", "-0.23"),            # differences may be negative
    ("rds_drugx_n", "unit", "infants"),
    ("rds_arr_estimate", "adjustment", "adjusted: age, sex (model 3)"),
])
def test_the_format_accepts_what_papers_print(rct: Path, row_id, column, text):
    _edit(rct, row_id, column, text)
    assert [str(p) for p in validate_dossier(rct)] == []


def test_pooled_arms_and_populations_in_trial_yaml(rct: Path):
    path = rct / "trial.yaml"
    base = path.read_text(encoding="utf-8")
    path.write_text(base.replace("parts: [drugx, placebo]", "parts: [drugx, other]"))
    assert _messages(rct) == [
        "trial.yaml, column 'arms': pooled arm 'both' lists 'other', which is not a randomized "
        "arm of trial.yaml [arm-parts]"]
    path.write_text(base.replace("    parts: [drugx, placebo]",
                                 "    role: experimental\n    parts: [drugx, placebo]"))
    assert [p.rule for p in validate_dossier(rct)] == ["arm-role"]
    path.write_text(base.replace("  - id: liveborn", "  - id: itt"))
    rules = [p.rule for p in validate_dossier(rct)]
    assert rules[0] == "population-exists"
    path.write_text(base.replace("    role: comparator\n", ""))
    assert _messages(rct) == ["trial.yaml, column 'arms': arm 'placebo' lacks 'role' [required]"]


def test_an_undeclared_population_is_refused(rct: Path):
    path = rct / "trial.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - id: liveborn", "  - id: born"))
    problems = validate_dossier(rct)
    assert {p.rule for p in problems} == {"unknown-population"}
    assert all("liveborn" in p.message for p in problems)


# ----------------------------------------------------------------- ambiguous data cuts
# Each case writes the mini dossier's sources and rows' data_cut so that one cut could be
# read two ways (or could not have been reported); validation must refuse it, naming where.

TWO_SOURCES = """sources:
  - id: paper
    kind: paper
    citation: "Fictional A, et al. J Test Oncol 1:1-2, 2020"
    published: {pub_a}
    data_cut: {cut_a}
    analysis: {name_a}
  - id: update
    kind: paper
    citation: "Fictional A, et al. J Test Oncol 3:1-2, 2023"
    published: 2023-03-01
    data_cut: 2022-09
    analysis: {name_b}
"""


def _sources(folder: Path, pub_a="2020-06-01", cut_a="2019-12", name_a="primary",
             name_b="final OS") -> None:
    path = folder / "trial.yaml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("sources:\n", 1)
    rest = rest[rest.index("cohorts:"):]
    path.write_text(head + TWO_SOURCES.format(pub_a=pub_a, cut_a=cut_a, name_a=name_a,
                                              name_b=name_b) + rest, encoding="utf-8")


def _cut_column(folder: Path, cuts: dict[str, str]) -> None:
    """Add the optional data_cut column, filled for the rows named in ``cuts``."""
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [*rows[0].keys(), "data_cut"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "data_cut": cuts.get(r["id"], "")} for r in rows)


def test_two_sources_with_data_cuts_are_valid(mini: Path):
    _sources(mini)
    _cut_column(mini, {"orr_a": "final OS"})
    assert _messages(mini) == []
    assert [c.key for c in load_dossier(mini).cuts] == ["2019-12", "2022-09"]


def test_one_analysis_name_at_two_dates_is_refused(mini: Path):
    _sources(mini, name_a="final OS")
    assert _messages(mini) == [
        "trial.yaml, column 'sources': analysis 'final OS' is dated twice: 2019-12 (source "
        "'paper'), 2022-09 (source 'update'); one analysis has one cut-off, so give the two "
        "analyses different names [cut-name-two-dates]"]


def test_an_analysis_named_like_another_cuts_date_is_refused(mini: Path):
    # Read naively, rows with data_cut 2022-09 (the update's cut) would fall into the
    # primary analysis of 2019-12: the two cuts swap.
    _sources(mini, name_a="2022-09")
    _cut_column(mini, {"orr_a": "2022-09"})
    _edit(mini, "orr_a", "source", "update")
    assert _messages(mini) == [
        "trial.yaml, column 'sources': analysis '2022-09' reads as a date but is dated 2019-12 "
        "(source 'paper'); rows naming '2022-09' would be moved to the wrong cut, so name the "
        "analysis in words [cut-name-is-date]"]


def test_a_row_cut_after_its_sources_publication_is_refused(mini: Path):
    _sources(mini)
    _cut_column(mini, {"orr_a": "2199-12-31"})
    assert _messages(mini) == [
        "values.csv, row 6, column 'data_cut': data_cut 2199-12-31 is after the publication "
        "of source 'paper' (2020-06-01), which cannot report it [cut-after-publication]"]


def test_a_source_cut_after_its_publication_is_refused(mini: Path):
    _sources(mini, cut_a="2020-07")
    assert _messages(mini) == [
        "trial.yaml, column 'sources': source 'paper': data_cut 2020-07 is after its "
        "publication (2020-06-01) [cut-after-publication]"]
    _sources(mini, pub_a="2020", cut_a="2020-07")  # a year alone: the month may be in it
    assert _messages(mini) == []


def test_a_cut_in_the_future_is_refused_when_no_publication_is_dated(mini: Path):
    _cut_column(mini, {})
    path = mini / "trial.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "2020\"\n", "2020\"\n    data_cut: 2199-12-31\n"), encoding="utf-8")
    assert _messages(mini) == [
        "trial.yaml, column 'sources': source 'paper': data_cut 2199-12-31 is after today "
        "[cut-after-publication]"]


def test_a_cut_before_the_trial_started_is_refused(mini: Path):
    _sources(mini)
    _cut_column(mini, {"orr_a": "2016-04"})  # the mini trial prints its start: 2016-05
    assert _messages(mini) == [
        "values.csv, row 6, column 'data_cut': data_cut 2016-04 is before the trial started "
        "(2016-05, the earliest study or enrollment start) [cut-before-start]"]
    _edit(mini, "orr_a", "data_cut", "2016")  # a year alone may hold the start
    assert _messages(mini) == []
    path = mini / "trial.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "cohorts:", "data_cuts:\n  - analysis: pilot\n    data_cut: 2015-01\n"
        "  - analysis: 10-year analysis\n    data_cut: 2031-01\ncohorts:"), encoding="utf-8")
    assert _messages(mini) == [
        "trial.yaml, column 'data_cuts': entry 2 of 'data_cuts' ('10-year analysis'): data_cut "
        "2031-01 is after the last publication of the dossier (2023-03-01) "
        "[cut-after-publication]",
        "trial.yaml, column 'data_cuts': entry 1 of 'data_cuts' ('pilot'): data_cut 2015-01 is "
        "before the trial started (2016-05, the earliest study or enrollment start) "
        "[cut-before-start]"]
