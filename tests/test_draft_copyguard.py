"""A number of the text that took a table cell's labels keeps them unflagged only when the
copy is checked (src/trialrecon/dossier/draft/copyguard.py; issue 20: unflagged rows must be
right).

Every row and table here is written for these tests: small synthetic draft rows of one
sentence and the table cells they copy, and one small HTML page about the fictional Drug X
trial (tests/fictional_trial.py).
"""

from __future__ import annotations

from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.copyguard import guard_copies, named_grade
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.restate import index_rows

_RUN = "labels: a run of numbers of the table row: Table 2, row '{row}', column '{column}'"


def _cell(row: str, column: str, value: str, quantity: str, arm: str, **more: str) -> Draft:
    fields = dict(location="Table 2", row=row, column=column, value=value, quantity=quantity,
                  category=more.pop("category", row), arm=arm, statistic="count",
                  population=more.pop("population", ""), unit="patients", marker="")
    fields.update(more)
    return Draft(fields, 0, ["table cell"], 0.9, False)


def _text(cell: Draft, value: str, rule: str = _RUN, **more: str) -> Draft:
    """A text row that copied ``cell``'s labels (unflagged), with its own ``value``."""
    fields = dict(cell.fields, location="Results", row="", column="", value=value)
    fields.update(more)
    return Draft(fields, 0, ["pattern: number", rule.format(
        row=cell.fields["row"], column=cell.fields["column"])], 0.8, False)


def test_a_copy_of_a_cell_printing_the_same_numbers_stays_unflagged():
    """"(41 vs 38)" restating the counts of a row "Relapse" of both arms: the copy is right."""
    cells = [_cell("Relapse", "Drug X", "41", "outcome", "drug_x"),
             _cell("Relapse", "Placebo", "38", "outcome", "placebo")]
    rows = [_text(cells[0], "41"), _text(cells[1], "38")]
    guard_copies(rows, "Relapse was as frequent in both groups (41 vs 38).", [],
                 index_rows(cells))
    assert [r.needs_review for r in rows] == [False, False]
    assert [r.fields["quantity"] for r in rows] == ["outcome", "outcome"]


def test_a_copy_of_a_cell_that_prints_another_number_is_flagged():
    """A sentence naming the row "Relapse" whose number (12, weeks) is none of the cells of
    the row's column (41): the copy rests on the words alone."""
    cell = _cell("Relapse", "Drug X", "41", "outcome", "drug_x")
    row = _text(cell, "12", rule="labels: those of Table 2, row '{row}', column '{column}'")
    guard_copies([row], "Relapse was assessed 12 weeks after treatment.", [],
                 index_rows([cell]))
    assert row.needs_review


def test_the_grade_the_sentence_before_names_overrides_a_grade_3_column():
    """A table printing grade 3 and grade 4 apart; "Grade 3-4 adverse events are shown in
    Table 2. The most common was diarrhoea (19% vs 11%)": the 19 is the grade 3 column's
    number, yet the words say grade 3-4, so the row takes ae_grade34, as a guess."""
    cells = [_cell("Diarrhoea", "Drug X / Grade 3", "19", "ae_grade3", "drug_x"),
             _cell("Diarrhoea", "Drug X / Grade 4", "0", "ae_grade4", "drug_x")]
    row = _text(cells[0], "19")
    guard_copies([row], "The most common was diarrhoea (19% vs 11%).",
                 ["Grade 3-4 adverse events are shown in Table 2."], index_rows(cells))
    assert row.fields["quantity"] == "ae_grade34"
    assert row.needs_review
    same = _text(cells[0], "19")
    guard_copies([same], "The most common grade 3 event was diarrhoea (19%).", [],
                 index_rows(cells))
    assert (same.fields["quantity"], same.needs_review) == ("ae_grade3", False)


def test_named_grade_reads_the_sentence_first_then_the_nearest_before():
    assert named_grade("Grade 3 neutropenia (13%)", ["Grade 3-4 events"]) == "grade3"
    assert named_grade("Neutropenia (13%)", ["No event.", "Grade 3-4 events"]) == "grade34"
    assert named_grade("Neutropenia (13%)", ["Severe events were rare."]) == ""


def test_a_row_naming_an_analysis_set_the_sentence_does_not_name_is_flagged():
    """"The trial closed with 827 participants (418 Drug X, 409 placebo)" restating the row
    "ITT sample": the counts may be those randomised, not the set analysed."""
    cells = [_cell("ITT sample", "Drug X", "418", "analysed", "drug_x", population="itt"),
             _cell("ITT sample", "Placebo", "409", "analysed", "placebo", population="itt")]
    rows = [_text(cells[0], "418"), _text(cells[1], "409")]
    guard_copies(rows, "The trial closed with 827 participants (418 Drug X, 409 placebo).",
                 [], index_rows(cells))
    assert all(r.needs_review for r in rows)
    said = [_text(cells[0], "418"), _text(cells[1], "409")]
    guard_copies(said, "The intention-to-treat population was 418 and 409 patients.", [],
                 index_rows(cells))
    assert not any(r.needs_review for r in said)


def test_the_other_arms_reading_names_the_quantity_of_a_copied_arm():
    """"median use 51.0 days ... versus 52.0 days": the first arm's number was read from the
    words (a duration of treatment), the second copied a baseline table's row: the words say
    what both numbers are, so the second takes that quantity, as a guess."""
    cell = _cell("Treatment taken (days)", "Placebo", "52.0", "baseline_value", "placebo",
                 statistic="median", category="Treatment taken")
    copied = _text(cell, "52.0")
    own = Draft(dict(copied.fields, arm="drug_x", value="51.0", quantity="treatment_duration",
                     category=""), 0, ["pattern: number",
                                       "sure quantity: a duration of treatment"], 0.8, False)
    guard_copies([own, copied], "median use was 51.0 days in the Drug X group versus 52.0 "
                 "days in the placebo group", [], index_rows([cell]))
    assert (copied.fields["quantity"], copied.fields["category"]) == ("treatment_duration", "")
    assert copied.needs_review and not own.needs_review


def test_a_paper_whose_paragraph_names_grade_3_4_over_a_grade_3_column(tmp_path):
    """End to end: no row of the sentence is left unflagged as the grade 3 column's."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    table = ("<table><caption>Table 3. Adverse events</caption><thead><tr><th>Event</th>"
             "<th>Drug X (n=100) Grade 3 %</th><th>Drug X (n=100) Grade 4 %</th>"
             "<th>Placebo (n=100) Grade 3 %</th><th>Placebo (n=100) Grade 4 %</th></tr>"
             "</thead><tbody><tr><td>Diarrhoea</td><td>19</td><td>0</td><td>11</td><td>0</td>"
             "</tr><tr><td>Nausea</td><td>7</td><td>1</td><td>4</td><td>0</td></tr>"
             "</tbody></table>")
    paper = tmp_path / "paper.html"
    paper.write_text("<html><body><h1>Fictional</h1><h2>Results</h2><p>Grade 3-4 adverse "
                     "events are shown in Table 3. The most common (Drug X vs placebo) was "
                     f"diarrhoea (19% vs 11%, p = 0.08).</p>{table}</body></html>",
                     encoding="utf-8")
    _, drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")
    text = [d for d in drafted if d.fields["location"] == "Results"
            and d.fields["value"] in ("19", "11")]
    assert text
    assert not [d.fields for d in text
                if d.fields["quantity"] == "ae_grade3" and not d.needs_review]
