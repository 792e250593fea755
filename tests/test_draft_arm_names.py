"""Arms whose names contain one another, the pooled column, and full-width headings over
indented levels (issue 20, classes of reporting conventions).

A combination trial names its arms one inside the other ("Zanolimab/Ferotide" against
"Zanolimab"); a baseline table adds a column of every patient headed by a pooling word alone
("Overall (n = 300)"); a full-width heading ("Smoking status, n (%)") heads the levels printed
indented below it, and the next flush-left row ("Weight (kg), mean (SD)") is a characteristic
of its own. Each test builds its own small table or sentence (fictional drug names) and checks
the labels the data dictionary (data/raw/README.md) gives, written by hand.
"""

from __future__ import annotations

from pathlib import Path

from fictional_trial import drafted_at, trial_yaml
from test_draft_table_classes import _draft as table_draft

from trialrecon.dossier.draft import read_names
from trialrecon.dossier.draft.armnames import drop_fragments, header_name, is_fragment
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.lexicon import names_of
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.setheadings import set_aliases, set_heading
from trialrecon.dossier.draft.structured import draft_document
from trialrecon.dossier.draft.subgroups import caption_outcome
from trialrecon.dossier.draft.tablesets import without_row_set

_COMBINATION = {
    "cohorts": [{"id": "all", "label": "All randomised patients"}],
    "arms": [
        {"id": "zan_fer", "label": "Zanolimab/Ferotide (fixed combination)",
         "role": "experimental"},
        {"id": "zan", "label": "Zanolimab (monotherapy)", "role": "comparator"},
        {"id": "overall", "label": "Overall", "parts": ["zan_fer", "zan"]},
    ],
    "sources": [{"id": "paper", "kind": "paper"}],
}

_COMBINATION_YAML = (
    'id: fict\ntitle: "Fictional"\ndesign: randomized\nsources:\n  - id: paper\n'
    '    kind: paper\n    citation: "Fictional 2024"\ncohorts:\n  - id: all\n'
    '    label: "All randomised patients"\narms:\n'
    '  - id: zan_fer\n    label: "Zanolimab/Ferotide (fixed combination)"\n'
    '    role: experimental\n'
    '  - id: zan\n    label: "Zanolimab (monotherapy)"\n    role: comparator\n'
    '  - id: overall\n    label: "Overall"\n    parts: [zan_fer, zan]\n')


def test_a_name_inside_a_combination_names_the_monotherapy_alone() -> None:
    assert is_fragment("zanolimab", "Zanolimab/Ferotide (fixed combination)")
    assert is_fragment("drug a", "Drug A + Drug B")
    assert not is_fragment("zanolimab", "Zanolimab (monotherapy)")
    # printed alone somewhere in the label: not only a fragment
    assert not is_fragment("drug a", "Drug A/Drug B, then Drug A")
    kept = drop_fragments({"c": ("drug a", "drug a/drug b"), "m": ("drug a",)},
                          {"c": "Drug A/Drug B", "m": "Drug A"})
    assert kept == {"c": ("drug a/drug b",), "m": ("drug a",)}


def test_headers_of_a_combination_and_its_monotherapy() -> None:
    names = names_of(_COMBINATION)
    assert names.arm_of_header("Zanolimab/Ferotide (n = 150)")[0] == "zan_fer"
    assert names.arm_of_header("Zanolimab (n = 150)")[0] == "zan"
    assert names.arm_of_header("Zanolimab, n (%)")[0] == "zan"


def test_the_second_name_of_a_respectively_list_is_the_monotherapy() -> None:
    names = names_of(_COMBINATION)
    text = fold("12.0% and 8.0% in the Zanolimab/Ferotide and Zanolimab groups, respectively")
    hits = names.find(text, "arm")
    assert [h.name for h in hits] == ["zan_fer", "zan"]
    # the longer name is one mention, not also a mention of the shorter one inside it
    assert hits[0].term == "zanolimab/ferotide"


def test_a_pooling_word_alone_heads_the_pooled_column() -> None:
    names = names_of(_COMBINATION)
    assert header_name("Overall (n = 300)") == "overall"
    assert names.arm_of_header("Overall (n = 300)") == ("overall", "pooled column")
    assert names.arm_of_header("All, n (%)")[0] == "overall"
    # a pooling word that is not the header's whole name heads no pooled column
    assert names.arm_of_header("Overall survival")[0] == ""
    # without a declared pooled arm, no column is given one
    alone = {**_COMBINATION, "arms": _COMBINATION["arms"][:2]}
    assert names_of(alone).arm_of_header("Overall (n = 300)") == ("", "")


def _cell(text: str, header: bool = False, indent: int = 0) -> RawCell:
    return RawCell(((text, "", ""),), header=header, indent=indent)


def _draft(tmp_path: Path, yaml_text: str, header: list[str],
           body: list[tuple[tuple[str, ...], int]]) -> list[dict[str, str]]:
    """Draft one table: ``body`` rows of (stub and cells, indent of the stub); a row of one
    cell is a heading across the table."""
    (tmp_path / "trial.yaml").write_text(yaml_text, encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    rows = [[_cell(text, header=True) for text in header]]
    for row, indent in body:
        if len(row) == 1:
            rows.append([RawCell(((row[0], "", ""),), colspan=len(header))])
        else:
            rows.append([_cell(row[0], indent=indent), *(_cell(x) for x in row[1:])])
    b.table("Table 1", [("Baseline characteristics", "", "")], rows=rows, notes=[],
            header_rows=1)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


def test_table_columns_of_a_combination_its_monotherapy_and_all(tmp_path: Path) -> None:
    header = ["", "Zanolimab/Ferotide (n = 150)", "Zanolimab (n = 150)", "Overall (n = 300)"]
    body = [(("Age (years), mean (SD)", "61.0 (8.0)", "60.0 (9.0)", "60.5 (8.5)"), 0)]
    rows = _draft(tmp_path, _COMBINATION_YAML, header, body)
    assert drafted_at(rows, "Age (years), mean (SD)", header[1], "mean")["arm"] == "zan_fer"
    assert drafted_at(rows, "Age (years), mean (SD)", header[2], "mean")["arm"] == "zan"
    assert drafted_at(rows, "Age (years), mean (SD)", header[3], "mean")["arm"] == "overall"


def test_a_flush_left_row_after_indented_levels_leaves_the_heading(tmp_path: Path) -> None:
    header = ["", "Drug X (n = 100)", "Placebo (n = 100)"]
    body = [
        (("Smoking status, n (%)",), 0),
        (("Current", "30 (30.0)", "25 (25.0)"), 1),
        (("Former", "70 (70.0)", "75 (75.0)"), 1),
        (("Weight (kg), mean (SD)", "80.1 (9.0)", "79.5 (8.7)"), 0),
    ]
    rows = _draft(tmp_path, trial_yaml(), header, body)
    weight = drafted_at(rows, "Weight (kg), mean (SD)", header[1], "mean")
    assert weight["arm"] == "drug_x"
    assert "Smoking" not in weight["category"]
    current = drafted_at(rows, "Smoking status, n (%) / Current", header[1], "count")
    assert current["value"] == "30"


def test_flush_left_rows_under_a_section_heading_stay_under_it(tmp_path: Path) -> None:
    """A full-width heading whose rows are printed at its own level is a section of the
    table: its flush-left rows keep it in their row path."""
    header = ["", "Drug X (n = 100)", "Placebo (n = 100)"]
    body = [
        (("Demographics",), 0),
        (("Weight (kg), mean (SD)", "80.1 (9.0)", "79.5 (8.7)"), 0),
        (("Height (cm), mean (SD)", "170.2 (7.0)", "169.8 (7.1)"), 0),
    ]
    rows = _draft(tmp_path, trial_yaml(), header, body)
    height = drafted_at(rows, "Demographics / Height (cm), mean (SD)", header[1], "mean")
    assert height["value"] == "170.2"


def test_a_heading_naming_an_analysis_set_alone() -> None:
    assert set_heading("ITT") == "itt"
    assert set_heading("PP") == "per_protocol"
    assert set_heading("Per-protocol population (n = 180)") == "per_protocol"
    assert set_heading("Modified intention-to-treat analysis") == "modified_itt"
    assert set_heading("Safety population") == "safety"
    # a section heading is no set; nor is a heading saying more than the set
    assert set_heading("Safety") == ""
    assert set_heading("Efficacy") == ""
    assert set_heading("ITT patients with a second biopsy") == ""


def test_rows_under_set_headings_carry_the_set(tmp_path: Path) -> None:
    """The same rows printed twice, under a full-width "ITT" and a "PP" heading."""
    pops = ("  - id: itt\n    label: intention to treat\n"
            "  - id: per_protocol\n    label: per protocol\n")
    header = ["", "Drug X, mean (SD)", "Placebo, mean (SD)"]
    body = [
        (("ITT",), 0),
        (("Week 12", "4.1 (1.0)", "3.2 (1.1)"), 1),
        (("Week 24", "4.6 (1.2)", "3.4 (1.0)"), 1),
        (("PP",), 0),
        (("Week 12", "4.3 (1.0)", "3.3 (1.2)"), 1),
        (("Week 24", "4.8 (1.1)", "3.5 (1.1)"), 1),
    ]
    rows = _draft(tmp_path, trial_yaml(populations=pops), header, body)
    assert drafted_at(rows, "ITT / Week 12", header[1], "mean")["population"] == "itt"
    assert drafted_at(rows, "PP / Week 24", header[2], "mean")["population"] == "per_protocol"


def _n_column_table(tmp_path: Path, caption: str, body: list[tuple[str, ...]]
                    ) -> list[dict[str, str]]:
    """Draft a table whose arms each print an "n" and a "Mean (SD)" column."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    top = [_cell("", header=True), RawCell((("Drug X", "", ""),), colspan=2, header=True),
           RawCell((("Placebo", "", ""),), colspan=2, header=True)]
    second = [_cell(text, header=True) for text in ("", "n", "Mean (SD)", "n", "Mean (SD)")]
    rows = [top, second] + [[_cell(row[0]), *(_cell(x) for x in row[1:])] for row in body]
    b.table("Table 3", [(caption, "", "")], rows=rows, notes=[], header_rows=2)
    return [{**d.fields, "review": "yes" if d.needs_review else ""} for d in
            draft_document(b.build(), read_names(tmp_path / "trial.yaml"), "paper")]


def test_an_outcome_named_in_the_caption_by_subgroup_with_n_columns(tmp_path: Path) -> None:
    """The caption names the outcome in parentheses; "Overall" and two age subgroups whose n
    share out the overall n (30 + 90 = 120, 28 + 90 = 118) are rows of that outcome."""
    drafted = _n_column_table(tmp_path, "Primary endpoint (number of relapse-free weeks)", [
        ("Overall", "120", "5.1 (2.0)", "118", "4.2 (2.1)"),
        ("Age <65 years", "30", "5.5 (2.2)", "28", "4.0 (1.9)"),
        ("Age ≥65 years", "90", "5.0 (1.9)", "90", "4.3 (2.2)")])
    overall = drafted_at(drafted, "Overall", "Drug X / Mean (SD)", "mean")
    assert (overall["category"], overall["subgroup"]) == ("Number of relapse-free weeks", "")
    young = drafted_at(drafted, "Age <65 years", "Placebo / Mean (SD)", "mean")
    assert (young["category"], young["subgroup"]) == ("Number of relapse-free weeks",
                                                      "Age <65 years")
    assert young["arm"] == "placebo" and young["value"] == "4.0"
    assert young["review"] == "yes"  # the outcome is a reading of the caption


def test_rows_that_do_not_share_out_the_first_row_are_not_subgroups(tmp_path: Path) -> None:
    drafted = _n_column_table(tmp_path, "Primary endpoint (number of relapse-free weeks)", [
        ("Overall", "120", "5.1 (2.0)", "118", "4.2 (2.1)"),
        ("Week 12", "110", "5.5 (2.2)", "100", "4.0 (1.9)"),
        ("Week 24", "100", "5.0 (1.9)", "95", "4.3 (2.2)")])
    assert drafted_at(drafted, "Week 24", "Drug X / Mean (SD)", "mean")["subgroup"] == ""


def test_the_outcome_a_caption_names_in_parentheses() -> None:
    assert caption_outcome("Primary efficacy outcome (number of oocytes retrieved) for "
                           "patients randomized") == "Number of oocytes retrieved"
    assert caption_outcome("Secondary endpoints (live birth) in the ITT set") == "Live birth"
    # a caption naming no outcome word before its parentheses keeps the older reading
    assert caption_outcome("Clinical cure rates in evaluable patients") == "Clinical cure"
    assert caption_outcome("Baseline characteristics (ITT population)") == ""


def test_a_stub_naming_the_set_gives_the_outcome_alone(tmp_path: Path) -> None:
    """One outcome printed in two sets, the set in each stub: the category is the outcome,
    the set the row's population."""
    pops = ("  - id: itt\n    label: intention to treat\n"
            "  - id: per_protocol\n    label: per protocol\n")
    header = ["", "Drug X, n/N (%)", "Placebo, n/N (%)"]
    body = [
        (("Early relapse (ITT population)", "12/100 (12.0)", "20/100 (20.0)"), 0),
        (("Early relapse (per-protocol set)", "10/90 (11.1)", "18/92 (19.6)"), 0),
    ]
    rows = _draft(tmp_path, trial_yaml(populations=pops), header, body)
    itt = drafted_at(rows, body[0][0][0], header[1], "count")
    pp = drafted_at(rows, body[1][0][0], header[2], "count")
    assert (itt["category"], itt["population"]) == ("Early relapse", "itt")
    assert (pp["category"], pp["population"]) == ("Early relapse", "per_protocol")
    assert without_row_set("Early relapse in women with a positive test",
                           "Early relapse in women with a positive test, n (%)",
                           "positive_test") == "Early relapse"
    # no population: the words stay
    assert without_row_set("Early relapse (ITT population)", "Early relapse (ITT population)",
                           "") == "Early relapse (ITT population)"


def test_a_set_named_after_an_outcome_is_named_with_its_set_word() -> None:
    """"Positive biopsy set" is a set; "positive biopsy rate" (the outcome) does not name it,
    and "(PB) analysis set" is also named by "PB set"."""
    raw = {**_COMBINATION, "populations": [
        {"id": "pb_set", "label": "positive biopsy (PB) analysis set: randomized patients "
                                  "with a positive biopsy (80 and 90)"}]}
    names = names_of(raw)
    assert names.find(fold("the positive biopsy rate was 17.3% versus 23.9%"),
                      "population") == []
    assert [h.name for h in names.find(fold("in the PB set, 40 of 80"), "population")] == \
        ["pb_set"]
    assert [h.name for h in names.find(fold("in the positive biopsy analysis set"),
                                       "population")] == ["pb_set"]
    assert set_aliases("patients assessed for toxicity", ("patients assessed",)) == \
        ("patients assessed",)  # a label not headed "<name> set" keeps its aliases


def test_a_difference_on_a_subgroup_row_is_of_the_caption_outcome(tmp_path: Path) -> None:
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    top = [_cell("", header=True), RawCell((("Drug X", "", ""),), colspan=2, header=True),
           RawCell((("Placebo", "", ""),), colspan=2, header=True),
           _cell("Difference (95% CI)", header=True)]
    second = [_cell(text, header=True) for text in ("", "n", "Mean (SD)", "n", "Mean (SD)", "")]
    body = [("Overall", "120", "5.1 (2.0)", "118", "4.2 (2.1)", "0.9 (0.4 to 1.4)"),
            ("Men", "60", "5.5 (2.2)", "58", "4.0 (1.9)", "1.5 (0.8 to 2.2)"),
            ("Women", "60", "4.7 (1.9)", "60", "4.4 (2.2)", "0.3 (-0.4 to 1.0)")]
    rows = [top, second] + [[_cell(row[0]), *(_cell(x) for x in row[1:])] for row in body]
    b.table("Table 3", [("Primary outcome (days without pain)", "", "")], rows=rows, notes=[],
            header_rows=2)
    drafted = [d.fields for d in
               draft_document(b.build(), read_names(tmp_path / "trial.yaml"), "paper")]
    men = [r for r in drafted if r["row"] == "Men" and r["value"] == "1.5"]
    assert len(men) == 1
    assert (men[0]["category"], men[0]["subgroup"]) == ("Days without pain", "Men")


_OR_HEADER = ["", "Drug X (n = 100)", "Placebo (n = 100)", "Odds ratio (95% CI)"]
_OR_BODY = [("Remission, n (%)", "40 (40.0)", "28 (28.0)", "1.71 (0.95, 3.09)")]


def test_all_other_models_with_terms_for_covariates_adjust_the_odds_ratios(tmp_path):
    """One logistic model is named without its terms, then "all other logistic regression
    models included terms for treatment group, centre and age": the odds ratios of the
    efficacy table are ``adjusted``."""
    rows = table_draft(tmp_path, "Secondary outcomes", _OR_HEADER, _OR_BODY, methods=(
        "The secondary endpoints were analysed using a logistic regression model. All other "
        "logistic regression models included terms for treatment group, centre and age."))
    estimate = drafted_at(rows, _OR_BODY[0][0], _OR_HEADER[3], "estimate")
    assert (estimate["quantity"], estimate["adjustment"]) == ("odds_ratio", "adjusted")
    assert drafted_at(rows, _OR_BODY[0][0], _OR_HEADER[3], "ci_high")["adjustment"] == \
        "adjusted"


def test_a_logistic_model_named_twice_without_a_clause_on_all_stays_open(tmp_path):
    """Named once with covariates and once without, and no clause speaks of all the models:
    which one the table's odds ratio is from is not said (flagged, no adjustment)."""
    rows = table_draft(tmp_path, "Secondary outcomes", _OR_HEADER, _OR_BODY, methods=(
        "The secondary endpoints were analysed using a logistic regression model. A "
        "logistic regression model with terms for centre and age was also fitted."))
    estimate = drafted_at(rows, _OR_BODY[0][0], _OR_HEADER[3], "estimate")
    assert estimate["adjustment"] == "" and estimate["review"] == "yes"
