"""Labelling from a table's structure (:mod:`trialrecon.dossier.draft.cells` and friends).

The fixture ``tests/fixtures/labelling/fictional_rct.nxml`` is a fictional randomised trial
written for these tests: a baseline table whose characteristics carry their P value on a
heading row above their levels, a "Total" column, a "Data are ..." note naming three formats;
an outcome table with n/N (%) cells, a risk-ratio column, an adjusted odds-ratio column and a
P value whose footnote names Fisher's exact test; an adverse-event table with grade columns
under arm headers ("All grades", "Grade III–IV"). Every expected label below was written by
hand from the data dictionary (data/raw/README.md), not from the drafter's output.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import cues, draft_source, read_names
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.lexicon import TermIndex
from trialrecon.dossier.draft.structured import draft_document

FIXTURE = Path(__file__).parent / "fixtures" / "labelling" / "fictional_rct.nxml"
TRIAL = trial_yaml(total=True)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    folder = tmp_path_factory.mktemp("fict")
    (folder / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    _, rows = draft_source(FIXTURE, read_names(folder / "trial.yaml"), "paper")
    return [{**d.fields, "review": "yes" if d.needs_review else ""} for d in rows]


def _one(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def test_header_n_is_the_arms_size_in_a_baseline_table(drafts: list[dict[str, str]]) -> None:
    row = _one(drafts, location="Table 1", column="Drug X (n = 100)", row="", value="100")
    assert (row["quantity"], row["arm"], row["statistic"], row["unit"]) == \
        ("randomized", "drug_x", "count", "patients")
    total = _one(drafts, location="Table 1", column="Total (n = 200)", row="", value="200")
    assert total["arm"] == "total" and total["review"] == ""


def test_a_heading_row_with_its_p_value_heads_the_levels(drafts: list[dict[str, str]]) -> None:
    male = _one(drafts, location="Table 1", row="Sex / Male", column="Placebo (n = 100)",
                statistic="count")
    assert (male["quantity"], male["category"], male["value"], male["denominator"]) == \
        ("male", "", "51", "100")
    current = _one(drafts, location="Table 1", row="Smoking status / Current",
                   column="Drug X (n = 100)", statistic="percent")
    assert (current["quantity"], current["category"], current["value"], current["unit"]) == \
        ("baseline", "Smoking status: Current", "20", "percent")
    p = _one(drafts, location="Table 1", row="Sex", column="P")
    assert (p["statistic"], p["arm"], p["unit"], p["value"]) == \
        ("p_value", "", "probability", "0.57")


def test_note_formats_give_median_range_and_mean_sd(drafts: list[dict[str, str]]) -> None:
    """"Data are median (range), n (%) or mean (SD)": 61 (35–80) is a median and a range;
    72.5 (11.0) a mean and an SD (a decimal is never a count); a continuous characteristic's
    category is its stub without the unit printed at its end, which goes to ``unit`` (the
    data dictionary's step 1: "Intracerebral haematoma volume (mL)" is the category
    "Intracerebral haematoma volume" in mL)."""
    age = [r for r in drafts if r["row"] == "Age, years / Median (range)"
           and r["column"] == "Drug X (n = 100)"]
    assert [(r["quantity"], r["statistic"], r["value"], r["unit"]) for r in age] == [
        ("age", "median", "61", "years"), ("age", "range_low", "35", "years"),
        ("age", "range_high", "80", "years")]
    weight = [r for r in drafts if r["row"] == "Weight (kg)" and r["column"] == "Placebo (n = 100)"]
    assert [(r["quantity"], r["category"], r["statistic"], r["value"], r["unit"])
            for r in weight] == [("baseline_value", "Weight", "mean", "70.1", "kg"),
                                 ("baseline_value", "Weight", "sd", "12.4", "kg")]


def test_outcome_table_effect_columns_and_the_p_value_test(drafts: list[dict[str, str]]) -> None:
    count = _one(drafts, location="Table 2", row="Treatment failure", statistic="count",
                 arm="placebo")
    assert (count["quantity"], count["category"], count["value"], count["denominator"]) == \
        ("outcome", "Treatment failure", "32", "97")
    rr = [r for r in drafts if r["column"] == "RR (95% CI)" and r["row"] == "Hospital admission"]
    assert [(r["quantity"], r["statistic"], r["value"], r["unit"], r["arm"]) for r in rr] == [
        ("risk_ratio", "estimate", "1.21", "ratio", ""),
        ("risk_ratio", "ci_low", "0.53", "ratio", ""),
        ("risk_ratio", "ci_high", "2.78", "ratio", "")]
    adjusted = _one(drafts, column="Adjusted OR (95% CI)", row="Treatment failure",
                    statistic="estimate")
    assert (adjusted["quantity"], adjusted["adjustment"], adjusted["category"]) == \
        ("odds_ratio", "adjusted", "Treatment failure")
    # the plain P value goes with the unadjusted estimate; footnote a names the test
    p = _one(drafts, column="P value", row="Treatment failure")
    assert (p["quantity"], p["statistic"], p["test"], p["value"], p["adjustment"]) == \
        ("risk_ratio", "p_value", "fisher_exact", "0.046", "")


def test_adverse_event_grades_and_safety_population(drafts: list[dict[str, str]]) -> None:
    g34 = _one(drafts, location="Table 3", row="Nausea", column="Drug X (n = 99) / Grade III–IV",
               statistic="count")
    assert (g34["quantity"], g34["category"], g34["value"], g34["denominator"],
            g34["population"], g34["arm"]) == \
        ("ae_grade34", "Nausea", "3", "99", "safety", "drug_x")
    anyae = _one(drafts, location="Table 3", row="Any adverse event",
                 column="Placebo (n = 98) / All grades", statistic="percent")
    assert (anyae["quantity"], anyae["category"], anyae["value"]) == ("ae_any_grade", "any", "71")
    n = _one(drafts, location="Table 3", row="", value="98")
    assert (n["quantity"], n["population"], n["arm"]) == ("safety_population", "safety", "placebo")


def test_unflagged_rows_are_the_ones_labelled_by_sure_rules(drafts: list[dict[str, str]]) -> None:
    """The methods name the chi-square test and an ITT analysis; a table that names neither
    leaves the reviewer to say which applies, so those rows are flagged."""
    p = _one(drafts, column="P value", row="Hospital admission")
    assert p["review"] == "yes"
    assert _one(drafts, row="Sex", column="P")["review"] == "yes"
    assert all(r["review"] == "" for r in drafts if r["location"] == "Table 3")


@pytest.mark.parametrize(("header", "grade"), [
    ("Grade 1–2", "grade12"), ("Grade ≥3", "grade3plus"), ("Grade≥3", "grade3plus"),
    ("III–IV", "grade34"), ("Grade III/IV", "grade34"), ("All grades", "any_grade"),
    ("Grade 5", "grade5"), ("Gr1–2", "grade12"), ("Grade 3", "grade3"), ("Any grade", "any_grade"),
])
def test_grade_columns(header: str, grade: str) -> None:
    assert cues.grade(header) == grade


@pytest.mark.parametrize(("header", "effect"), [
    ("RR (95% CI)", "risk_ratio"), ("Adjusted OR", "odds_ratio"),
    ("Mean difference", "mean_difference"), ("Hazard ratio (95% CI)", "hazard_ratio"),
    ("Odds ratio bupropion versus NRT (95% CI)", "odds_ratio"),
    ("Risk difference, % (95% CI)", "risk_difference"), ("Drug X (n = 100)", ""),
    ("Overall / G3b and/or A3 / (n = 187)", ""), ("Ticagrelor (N = 5581)", ""),
])
def test_effect_columns(header: str, effect: str) -> None:
    assert cues.effect(header) == effect


def test_p_ci_adjustment_population_and_test_cues() -> None:
    assert cues.is_p_header("P value") and cues.is_p_header("p") and cues.is_p_header("P-value")
    assert not cues.is_p_header("Placebo")
    assert cues.is_ci_header("95% CI") and not cues.is_ci_header("RR (95% CI)")
    assert cues.adjustment_of("Adjusted OR") == "adjusted"
    assert cues.adjustment_of("Unadjusted p-Value") == "unadjusted"
    assert cues.population_of("Baseline characteristics of the intention-to-treat population") \
        == "itt"
    assert cues.population_of("Adverse events (safety population)") == "safety"
    assert cues.test_of("P value from Fisher's exact test.") == "fisher_exact"
    assert cues.test_of("Mann-Whitney U test") == "wilcoxon_rank_sum"
    assert cues.formats_of("Data are median (IQR) or n (%).") == ("median_iqr", "n_pct")


def test_term_index_finds_overlapping_and_compound_terms() -> None:
    index = TermIndex([("os", "overall survival"), ("os_rate", "overall survival rate"),
                       ("pfs_hr", "hazard ratio+progression"), ("ae", "grade ≥3")])
    names = {h.name for h in index.hits("the overall survival rate at 2 years")}
    assert names == {"os", "os_rate"}
    assert [h.name for h in index.hits("hazard ratio for progression or death")] == ["pfs_hr"]
    assert [h.name for h in index.hits("adverse events of grade ≥3")] == ["ae"]


def _long_table(rows: int) -> object:
    b = Builder("long.nxml", "jats")
    b.open_section("Results", 1)
    body = [[RawCell((("Event", "", ""),), header=True),
             RawCell((("Drug X (n = 500)", "", ""),), header=True),
             RawCell((("Placebo (n = 500)", "", ""),), header=True)]]
    body += [[RawCell(((f"Event {k}", "", ""),)), RawCell(((f"{k % 50} ({k % 10}%)", "", ""),)),
              RawCell(((f"{k % 40} ({k % 8}%)", "", ""),))] for k in range(rows)]
    b.table("Table 1", [("Adverse events", "", "")], rows=body, notes=[], header_rows=1)
    return b.build()


def test_a_long_table_drafts_in_time_proportional_to_its_size(tmp_path: Path) -> None:
    """Doubling a table's rows must not quadruple the drafting time (no scan of every row
    per cell). Not a timing test of speed itself (benchmarks/bench_draft.py prints that):
    the ratio of two runs, with a wide margin for a busy machine."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    names = read_names(tmp_path / "trial.yaml")
    small, large = _long_table(400), _long_table(1600)
    draft_document(small, names, "paper")  # warm the caches
    start = time.perf_counter()
    assert len(draft_document(small, names, "paper")) == 400 * 4 + 2
    t_small = time.perf_counter() - start
    start = time.perf_counter()
    assert len(draft_document(large, names, "paper")) == 1600 * 4 + 2
    t_large = time.perf_counter() - start
    assert t_large < 10 * t_small + 0.5, (t_small, t_large)


def _unit_table() -> object:
    b = Builder("units.nxml", "jats")
    b.open_section("Results", 1)
    body = [[RawCell((("", "", ""),), header=True),
             RawCell((("Drug X villages", "", ""),), header=True),
             RawCell((("Placebo villages", "", ""),), header=True)],
            [RawCell((("Households", "", ""),)), RawCell((("412", "", ""),)),
             RawCell((("398", "", ""),))],
            [RawCell((("Goats", "", ""),)), RawCell((("87", "", ""),)),
             RawCell((("93", "", ""),))],
            [RawCell((("Tin roof", "", ""),)), RawCell((("103 (25%)", "", ""),)),
             RawCell((("96 (24%)", "", ""),))]]
    b.table("Table 1", [("Baseline characteristics of the villages", "", "")], rows=body,
            notes=[], header_rows=1)
    return b.build()


def test_a_stub_naming_a_unit_is_a_sure_count_of_that_unit(tmp_path: Path) -> None:
    """'Households 412' counts the households the table's percentages are over: a count,
    not flagged for review; a bare whole number under another stub ('Goats 87') stays a guess."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    rows = [{**d.fields, "needs_review": "yes" if d.needs_review else ""}
            for d in draft_document(_unit_table(), read_names(tmp_path / "trial.yaml"), "paper")]
    households = [r for r in rows if r["value"] in ("412", "398")]
    goats = [r for r in rows if r["value"] in ("87", "93")]
    assert len(households) == 2 and len(goats) == 2
    assert all(r["statistic"] == "count" and r["needs_review"] != "yes" for r in households)
    assert all(r["needs_review"] == "yes" for r in goats)


def test_a_unit_stub_counts_its_unit_and_flags_the_other_counts(tmp_path: Path) -> None:
    """'Households 412' is a count of households (unit ``households``, not patients); 'Tin
    roof 103 (25%)' in the same table may count households or people: its count is flagged
    with the unit as the guess, its percent is not a count and keeps ``percent``."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    drafted = draft_document(_unit_table(), read_names(tmp_path / "trial.yaml"), "paper")
    by_value = {d.fields["value"]: d for d in drafted}
    assert [by_value[x].fields["unit"] for x in ("412", "398")] == ["households", "households"]
    roof = by_value["103"]
    assert roof.fields["statistic"] == "count" and roof.needs_review
    assert any(r.startswith("guess: unit: the table also counts") for r in roof.rules)
    assert by_value["25"].fields["unit"] == "percent"


def _odds_doc(methods: str) -> object:
    b = Builder("odds.nxml", "jats")
    b.open_section("Statistical analysis", 1)
    b.block([(methods, "", "")])
    b.close_to(0)
    b.open_section("Results", 1)
    b.block([("Nausea was less frequent with drug X than with placebo (odds ratio 0.61, "
              "95% CI 0.40-0.93).", "", "")])
    return b.build()


@pytest.mark.parametrize(("methods", "adjustment", "flagged"), [
    ("Binary outcomes were compared in a logistic regression model adjusting for site and "
     "body weight.", "adjusted", False),
    ("Binary outcomes were compared with unadjusted odds ratios from a logistic regression "
     "model.", "unadjusted", False),
    ("Crude odds ratios were computed, and a logistic regression model adjusting for site "
     "was fitted.", "", True),
    ("Binary outcomes were compared with the chi-square test.", "", False)])
def test_odds_ratios_of_a_paper_with_an_adjusted_logistic_model_are_flagged(
        tmp_path: Path, methods: str, adjustment: str, flagged: bool) -> None:
    """An odds ratio that says neither adjusted nor crude takes what the methods state for
    every odds ratio (one logistic model, adjusted or not: the data dictionary's "the Methods
    for that kind of analysis"); when they fit a crude and an adjusted one, it may be
    either's: the draft flags it for the reviewer (the counts would not reproduce the
    adjusted one); without a logistic model it is not flagged."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    rows = draft_document(_odds_doc(methods), read_names(tmp_path / "trial.yaml"), "paper")
    odds = [d for d in rows if d.fields["quantity"] == "odds_ratio"
            and d.fields["statistic"] == "estimate"]
    assert len(odds) == 1
    assert odds[0].fields["adjustment"] == adjustment
    assert any(r.startswith("guess: adjustment") for r in odds[0].rules) is flagged


def _missing_table(note: str) -> object:
    b = Builder("missing.nxml", "jats")
    b.open_section("Results", 1)

    def cells(*texts: str) -> list[RawCell]:
        return [RawCell(((t, "", ""),)) for t in texts]

    body = [[RawCell((("Characteristic", "", ""),), header=True),
             RawCell((("Drug X (n = 60)", "", ""),), header=True),
             RawCell((("Placebo (n = 58)", "", ""),), header=True)],
            [RawCell((("Smoking status, n (%)", "", ""), ("", "footnote", "a"))),
             RawCell((("", "", ""),)), RawCell((("", "", ""),))],
            cells("Current", "20 (35.1)", "22 (40.7)"),
            cells("Former", "37 (64.9)", "32 (59.3)")]
    b.table("Table 1", [("Baseline characteristics", "", "")], rows=body,
            notes=[("a", [(note, "", "")])], header_rows=1)
    return b.build()


def test_a_footnote_on_missing_data_is_the_marked_characteristics_missing_level(
        tmp_path: Path) -> None:
    """Smoking status carries mark a; note a: no status for 3 and 4 patients of the drug X and
    placebo groups, respectively (20 + 37 = 57 = 60 - 3; 22 + 32 = 54 = 58 - 4). Each count
    becomes the characteristic's missing level of its arm, unflagged, so the percentages over
    the patients with data are checked against it."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    note = ("Status was missing for 3 and 4 patients of the Drug X and placebo groups, "
            "respectively.")
    rows = draft_document(_missing_table(note), read_names(tmp_path / "trial.yaml"), "paper")
    got = sorted((d.fields["arm"], d.fields["value"], d.fields["category"],
                  d.fields["quantity"], d.needs_review) for d in rows
                 if d.fields["location"] == "Table 1 footnote a")
    level = next(d.fields for d in rows if d.fields["value"] == "20"
                 and d.fields["statistic"] == "count")
    head = level["category"].split(":")[0]
    assert got == [("drug_x", "3", f"{head}: Missing", level["quantity"], False),
                   ("placebo", "4", f"{head}: Missing", level["quantity"], False)]


def test_a_footnote_on_anything_else_is_left_as_it_was(tmp_path: Path) -> None:
    """A note on the same mark that does not count missing data ("3 and 4 patients quit
    smoking during the run-in") is not turned into missing levels."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    note = ("Of them, 3 and 4 patients of the Drug X and placebo groups, respectively, quit "
            "during the run-in.")
    rows = draft_document(_missing_table(note), read_names(tmp_path / "trial.yaml"), "paper")
    assert not any("Missing" in d.fields["category"] for d in rows)



@pytest.mark.parametrize(("header", "statistic"), [("Drug X (N = 30) %", "percent"),
                                                   ("Drug X (N = 30) No. (%)", "count")])
def test_a_column_headed_by_a_bare_percent_sign_prints_percentages(header: str,
                                                                   statistic: str) -> None:
    """A plain whole number under a header ending in a bare '%' is a percentage even when the
    stub names a count format first (a stage named 'N stage' reads as an 'n' format); under
    'No. (%)' a lone number stays a count."""
    from types import SimpleNamespace

    from trialrecon.dossier.draft import cells

    item = SimpleNamespace(marker="", unit="", value="40")
    col = SimpleNamespace(effect="", label=header)
    row = SimpleNamespace(label="Nodal stage / 0")
    lab = SimpleNamespace(rules=[], guess=lambda why: lab.rules.append(f"guess: {why}"))
    assert cells._plain(item, ("n", "pct"), col, row, lab) == statistic
