"""Sentences that restate a table row by its numbers, P values of a time-to-event endpoint and
versions of criteria, labelled as the data dictionary says (data/raw/README.md: "A statement
of the same thing in the text reuses the table's category"; ``E_hr``; ``criteria_version``).

Every paper here is a small HTML page written for these tests about the fictional Drug X trial
(tests/fictional_trial.py): a Results paragraph and, where the test needs one, a table whose
row the paragraph restates in other words than the table's.
"""

from __future__ import annotations

from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names

_ENDPOINT = 'endpoints:\n  - id: tfs\n    label: "treatment-free survival"\nsources:'


def _draft(tmp_path, text: str, table: str = "") -> list[dict[str, str]]:
    """The text rows (not the table's) of a paper: ``text`` under Results, then ``table``."""
    (tmp_path / "trial.yaml").write_text(trial_yaml().replace("sources:", _ENDPOINT, 1),
                                         encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text(f"<html><body><h1>Fictional</h1><h2>Results</h2><p>{text}</p>{table}"
                     "</body></html>", encoding="utf-8")
    _, drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")
    return [dict(d.fields, needs_review="yes" if d.needs_review else "",
                 rules="; ".join(d.rules)) for d in drafted if not d.fields["row"]
            and not d.fields["column"] and d.fields["location"] == "Results"]


def _row(rows: list[dict[str, str]], value: str) -> dict[str, str]:
    found = [r for r in rows if r["value"] == value]
    assert len(found) == 1, found
    return found[0]


def _table(caption: str, header: str, *rows: str) -> str:
    cells = "".join(f"<th>{h}</th>" for h in header.split("|"))
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r.split("|")) + "</tr>"
                   for r in rows)
    return (f"<table><caption>{caption}</caption><thead><tr>{cells}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


_OUTCOMES = _table("Table 2. Outcomes", "Outcome|Drug X (n=96)|Placebo (n=102)|P value",
                   "Eradication overall, n (%)|87 (90.6)|80 (78.4)|0.020",
                   "ICU stay, days, median (IQR)|10 (7 to 14)|12 (7 to 19)|0.044",
                   "Relapse, n (%)|9 (9.4)|13 (12.7)|0.49")


def test_a_sentence_restating_a_row_by_its_numbers_takes_its_labels(tmp_path):
    """"Microbiological outcome was better ... (90.6% vs. 78.4%; P = 0.020)": the words name
    no row of the table, the two percentages are the Eradication row's cells of the two arms
    (and the P value its P value), so the sentence reuses the row's labels."""
    rows = _draft(tmp_path, "Microbiological outcome was better in the Drug X group than in "
                            "the placebo group (90.6% vs. 78.4%; P = 0.020).", _OUTCOMES)
    for value, arm in (("90.6", "drug_x"), ("78.4", "placebo"), ("0.020", "")):
        row = _row(rows, value)
        assert (row["quantity"], row["category"], row["arm"]) == (
            "outcome", "Eradication overall", arm), row
    assert _row(rows, "90.6")["statistic"] == "percent"


def test_a_median_and_its_iqr_restated_take_the_rows_statistics(tmp_path):
    """"(10 (7 to 14) days vs. 12 (7 to 19) days)": the bracketed pair is the row's IQR
    (the table says median (IQR)), in days, of each arm."""
    rows = _draft(tmp_path, "Patients in the Drug X group left intensive care sooner (10 (7 "
                            "to 14) days vs. 12 (7 to 19) days; P = 0.044).", _OUTCOMES)
    expected = {"10": ("median", "drug_x"), "14": ("iqr_high", "drug_x"),
                "12": ("median", "placebo"), "19": ("iqr_high", "placebo")}
    for value, (statistic, arm) in expected.items():
        row = _row(rows, value)
        assert (row["category"], row["statistic"], row["arm"], row["unit"]) == (
            "ICU stay", statistic, arm, "days"), row


def test_an_effect_restated_by_its_estimate_and_bounds_takes_the_rows_category(tmp_path):
    """"(RR 1.47, 95% CI 0.62-3.49)": the estimate and its two bounds are the one cell of
    the Relapse row's effect column."""
    table = _table("Table 3. Effects", "Outcome|Risk ratio (95% CI)",
                   "Relapse|1.47 (0.62-3.49)", "Death|0.81 (0.40-1.62)")
    rows = _draft(tmp_path, "The risk did not differ (RR 1.47, 95% CI 0.62-3.49).", table)
    for value in ("1.47", "0.62", "3.49"):
        row = _row(rows, value)
        assert (row["quantity"], row["category"]) == ("risk_ratio", "Relapse"), row


def test_small_whole_numbers_meeting_a_row_are_no_restatement(tmp_path):
    """"Between 10 and 30 patients attended each session": two whole numbers that a row of
    the adverse-event table prints by chance do not make the sentence that row's."""
    table = _table("Table 4. Adverse events", "Event|Drug X (n=120)|Placebo (n=118)",
                   "Dry mouth|10|30")
    rows = _draft(tmp_path, "Between 10 and 30 patients attended each session.", table)
    for value in ("10", "30"):
        assert "Dry mouth" not in _row(rows, value)["category"]


def test_a_run_that_cuts_a_comparison_in_two_is_a_coincidence(tmp_path):
    """"vomiting (4.2% vs 5.8%) and rash (1.7% vs 2.5%)": 5.8 and 1.7 are one row's cells,
    but each is half of another comparison, so the row is not restated."""
    table = _table("Table 1. Baseline", "Characteristic|Drug X (n=120)|Placebo (n=118)",
                   "Respiratory failure, n (%)|9 (1.7)|7 (5.8)")
    rows = _draft(tmp_path, "Adverse events were rare: vomiting (4.2% in the Drug X group vs. "
                            "5.8% in the placebo group) and rash (1.7% vs. 2.5%).", table)
    for value in ("5.8", "1.7"):
        assert _row(rows, value)["category"] != "Respiratory failure"


def test_one_arms_numbers_in_a_sentence_naming_no_arm_keep_no_arm(tmp_path):
    """"The median age was 61.5 years (IQR 52.0-70.0)": the Drug X column prints the same
    numbers, but a sentence naming no arm may give the whole trial's."""
    table = _table("Table 1. Baseline", "Characteristic|Drug X (n=120)|Placebo (n=118)",
                   "Age, years, median (IQR)|61.5 (52.0-70.0)|60.0 (51.0-69.5)")
    rows = _draft(tmp_path, "The median age was 61.5 years (IQR 52.0-70.0).", table)
    assert _row(rows, "61.5")["arm"] != "drug_x"


def test_a_p_value_between_the_arms_of_an_endpoint_is_its_hazard_ratios(tmp_path):
    """"median treatment-free survival was 10.3 vs 7.4 months (P = 0.42)": the comparison of
    the declared endpoint, written on ``tfs_hr``; across three groups it is not."""
    rows = _draft(tmp_path, "In the Drug X group versus the placebo group, median "
                            "treatment-free survival was 10.3 vs 7.4 months (P = 0.42).")
    assert _row(rows, "0.42")["quantity"] == "tfs_hr"
    rows = _draft(tmp_path, "By mutation status, median treatment-free survival was 8.4 vs. "
                            "1.8 vs. 2.0 months (P = 0.003).")
    assert _row(rows, "0.003")["quantity"] != "tfs_hr"


def test_the_other_arms_number_of_a_declared_endpoint(tmp_path):
    """"median treatment-free survival was 20.7 months (95% CI 16.1-27.9) in the Drug X group
    versus 17.9 months (15.3-21.7) in the placebo group": the name stands far before the
    second median, which is of the declared endpoint all the same."""
    rows = _draft(tmp_path, "The median treatment-free survival was 20.7 months (95% CI "
                            "16.1-27.9) in the Drug X group versus 17.9 months (15.3-21.7) in "
                            "the placebo group.")
    assert _row(rows, "20.7")["quantity"] == "tfs"
    assert _row(rows, "17.9")["quantity"] == "tfs"


def test_a_version_is_of_the_criteria_or_software_named_before_it(tmp_path):
    """"Stata (version 13.1)", "SPSS ver. 16.0", "Response Evaluation Criteria in Solid
    Tumors version 1.1": a ``criteria_version`` label with the name as its category."""
    rows = _draft(tmp_path, "Response was assessed by the Response Evaluation Criteria in "
                            "Solid Tumors version 1.1; analyses used Stata (version 13.1) and "
                            "SPSS ver. 16.0.")
    for value, name in (("1.1", "RECIST"), ("13.1", "Stata"), ("16.0", "SPSS")):
        row = _row(rows, value)
        assert (row["quantity"], row["statistic"], row["category"]) == (
            "criteria_version", "label", name), row


def test_a_lone_decimal_of_one_table_cell_borrows_its_labels_as_a_guess(tmp_path):
    """"26.9% of patch users (versus 26.7% with Drug X)": no words name the row, the two
    numbers are no run (26.9 is a subgroup's), but 26.7 is one cell of the tables and no
    other: its labels, flagged."""
    table = _table("Table 2. Outcomes", "Outcome|Drug X (n=120)|Placebo (n=118)",
                   "Abstinence at 6 months, %|26.7|24.2")
    rows = _draft(tmp_path, "Success was similar, with 26.9% of patch users (versus 26.7% "
                            "with Drug X) being successful.", table)
    row = _row(rows, "26.7")
    assert (row["category"], row["arm"], row["needs_review"]) == (
        "Abstinence at 6 months", "drug_x", "yes"), row
    assert _row(rows, "26.9")["category"] != "Abstinence at 6 months"


def test_events_listed_with_their_counts_take_the_grade_named_before_the_list(tmp_path):
    """"Other grade 3 toxicities included diarrhoea (n=7), urinary retention (n=5) and
    lymphopenia (n=6) in the Drug X group; and rash (n=3) in the placebo group": each count
    is of the event named before it, at grade 3, in the arm named after it (flagged)."""
    rows = _draft(tmp_path, "Other grade 3 toxicities included diarrhoea (n=7), urinary "
                            "retention (n=5) and lymphopenia (n=6) in the Drug X group; and "
                            "rash (n=3) in the placebo group.")
    expected = {"7": ("Diarrhoea", "drug_x"), "5": ("Urinary retention", "drug_x"),
                "6": ("Lymphopenia", "drug_x"), "3": ("Rash", "placebo")}
    for value, (category, arm) in expected.items():
        row = _row(rows, value)
        assert (row["quantity"], row["category"].lower(), row["arm"], row["statistic"]) == (
            "ae_grade3", category.lower(), arm, "count"), row
        assert row["needs_review"] == "yes"
