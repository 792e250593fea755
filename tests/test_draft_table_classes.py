"""Classes of table layouts the drafter labels by their structure (issue 20, table cells).

Each test builds a small table of its own words with the layout of the class (the
:class:`~trialrecon.dossier.draft.document.Builder` every reader drives) for the fictional
two-arm trial of ``fictional_trial.py``, and checks the labels the data dictionary
(data/raw/README.md) gives its cells, written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import drafted_at as _at
from fictional_trial import results_builder, trial_yaml

from trialrecon.dossier.draft import read_names
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.methodtests import model_test
from trialrecon.dossier.draft.quantities import score_unit
from trialrecon.dossier.draft.structured import draft_document
from trialrecon.dossier.draft.stubs import split_stub
from trialrecon.dossier.draft.subgroups import caption_outcome


def _cell(text: str, header: bool = False, indent: int = 0) -> RawCell:
    return RawCell(((text, "", ""),), header=header, indent=indent)


def _draft(tmp_path: Path, caption: str, header: list[str], body: list[tuple[str, ...]],
           notes: list[tuple[str, str]] = (), indents: dict[int, int] | None = None,
           header_notes: dict[int, str] | None = None, methods: str = "",
           stub_marks: dict[int, str] | None = None, populations: str = ""
           ) -> list[dict[str, str]]:
    """Draft one table (``body`` rows of stub and cells; ``indents`` {row: indent} of the
    stub; ``header_notes`` {column: mark} of a header cell's footnote mark; ``methods`` a
    paragraph of the statistical methods; ``stub_marks`` {row: mark} on a stub;
    ``populations`` the trial's declared sets as YAML list items)."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(populations=populations), encoding="utf-8")
    b = results_builder(methods)
    head = []
    for c, text in enumerate(header):
        segments = [(text, "", "")]
        if header_notes and c in header_notes:
            segments.append(("", "footnote", header_notes[c]))
        head.append(RawCell(tuple(segments), header=True))
    rows = [head]
    for k, row in enumerate(body):
        if len(row) == 1:  # a heading across the table (a mark of its own in stub_marks)
            mark = (("", "footnote", stub_marks[k]),) if stub_marks and k in stub_marks else ()
            rows.append([RawCell(((row[0], "", ""), *mark), colspan=len(header))])
        else:
            stub = _cell(row[0], indent=(indents or {}).get(k, 0))
            if stub_marks and k in stub_marks:
                stub = RawCell(((row[0], "", ""), ("", "footnote", stub_marks[k])))
            rows.append([stub, *(_cell(x) for x in row[1:])])
    b.table("Table 2", [(caption, "", "")], rows=rows,
            notes=[(m, [(text, "", "")]) for m, text in notes], header_rows=1)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


# ------------------------------------------------------------- an outcome by subgroup

_SUBGROUP_HEADER = ["", "Drug X, n (%)", "Placebo, n (%)", "P"]
_SUBGROUP_BODY = [
    ("All patients", "60/100 (60.0)", "45/90 (50.0)", "0.17"),
    ("Complete", "20/100 (20.0)", "15/90 (16.7)", "0.55"),
    ("First-line therapy", "50/80 (62.5)", "36/70 (51.4)", "0.17"),
    ("Second-line therapy", "10/20 (50.0)", "9/20 (45.0)", "0.75"),
    ("Weight ≥ 90 kg", "12/25 (48.0)", "10/22 (45.5)", "0.86"),
    ("Region",),
    ("North", "33/55 (60.0)", "20/41 (48.8)", "0.27"),
    ("South", "27/45 (60.0)", "25/49 (51.0)", "0.38"),
]


def test_rows_sharing_out_the_columns_n_are_subgroups_of_the_captions_outcome(tmp_path):
    """"Healing rates in assessable patients": the first row counts every patient (100 and
    90), "First-line" and "Second-line therapy" share them out (80 + 20, 70 + 20): a table of
    one outcome by subgroup. Its rows take the outcome as category and their own patients
    as subgroup ("Region: North" under a heading naming the variable); the indented
    "Complete", with every patient's n, is a level of the outcome."""
    rows = _draft(tmp_path, "Healing rates in assessable patients", _SUBGROUP_HEADER,
                  _SUBGROUP_BODY, indents={1: 1})
    overall = _at(rows, "All patients", "Drug X, n (%)", "count")
    assert (overall["quantity"], overall["category"], overall["subgroup"],
            overall["denominator"]) == ("outcome", "Healing", "", "100")
    level = _at(rows, "All patients / Complete", "Placebo, n (%)", "percent")
    assert (level["category"], level["subgroup"]) == ("Healing: Complete", "")
    first = _at(rows, "First-line therapy", "Placebo, n (%)", "count")
    assert (first["category"], first["subgroup"], first["denominator"], first["value"]) == \
        ("Healing", "First-line therapy", "70", "36")
    p = _at(rows, "Weight ≥ 90 kg", "P", "p_value")
    assert (p["category"], p["subgroup"]) == ("Healing", "Weight ≥ 90 kg")
    north = _at(rows, "Region / North", "Drug X, n (%)", "percent")
    assert (north["category"], north["subgroup"], north["denominator"]) == \
        ("Healing", "Region: North", "55")
    # the outcome was cut from the caption: every row says so
    assert all(r["review"] for r in rows if r["row"])


def test_an_outcome_table_whose_later_rows_count_fewer_patients_is_no_subgroup_table(tmp_path):
    """Outcomes measured on fewer patients (lost to follow-up, a questionnaire's
    responders: 95 and 88, then 60 and 58) do not share the column's n out: the rows stay
    outcomes of their own, with no subgroup."""
    body = [("Healed", "60/100 (60.0)", "45/90 (50.0)", "0.17"),
            ("Relapse", "10/95 (10.5)", "12/88 (13.6)", "0.52"),
            ("Satisfied", "40/60 (66.7)", "30/58 (51.7)", "0.10"),
            ("Readmitted", "5/100 (5.0)", "8/90 (8.9)", "0.29")]
    rows = _draft(tmp_path, "Outcomes by study group", _SUBGROUP_HEADER, body)
    relapse = _at(rows, "Relapse", "Drug X, n (%)", "count")
    assert (relapse["category"], relapse["subgroup"]) == ("Relapse", "")
    assert not any(r["subgroup"] for r in rows)


def test_subgroups_of_an_outcome_its_own_row_names(tmp_path):
    """A row printing its own outcome ("Relapse overall") heads the subgroups below it, no
    guess: "Site A" and "Site B" share its patients out (60 + 40, 50 + 40). "Men" and
    "Women", indented under the outcome row, are levels of a variable the table does not
    print; "Older than 70 years" shares out no total (a subgroup, or an outcome of fewer
    patients): both flagged."""
    body = [("Relapse overall", "20/100 (20.0)", "30/90 (33.3)", "0.04"),
            ("Men", "9/45 (20.0)", "13/40 (32.5)", "0.20"),
            ("Women", "11/55 (20.0)", "17/50 (34.0)", "0.11"),
            ("Site A", "8/60 (13.3)", "16/50 (32.0)", "0.02"),
            ("Site B", "12/40 (30.0)", "14/40 (35.0)", "0.63"),
            ("Older than 70 years", "6/30 (20.0)", "9/25 (36.0)", "0.19")]
    rows = _draft(tmp_path, "Relapse in assessable patients", _SUBGROUP_HEADER, body,
                  indents={1: 1, 2: 1})
    found = {r["row"]: (r["category"], r["subgroup"], r["review"]) for r in rows
             if r["column"] == "Drug X, n (%)" and r["statistic"] == "count"}
    assert found == {
        "Relapse overall": ("Relapse overall", "", ""),
        "Relapse overall / Men": ("Relapse overall", "Men", "yes"),
        "Relapse overall / Women": ("Relapse overall", "Women", "yes"),
        "Site A": ("Relapse overall", "Site A", ""),
        "Site B": ("Relapse overall", "Site B", ""),
        "Older than 70 years": ("Relapse overall", "Older than 70 years", "yes")}


@pytest.mark.parametrize("caption,outcome", [
    ("Healing rates in assessable patients at the end of treatment", "Healing"),
    ("Relapse by subgroup", "Relapse"),
    ("Response rate according to baseline characteristics", "Response"),
    ("Patients", ""),
])
def test_the_outcome_a_caption_names(caption, outcome):
    assert caption_outcome(caption) == outcome


# ------------------------------------------------- a set named by a note's words


def test_a_note_excluding_patients_from_the_analysis_names_a_modified_itt_set(tmp_path):
    """"Total† (n = 95)", the dagger printed as text, its note: "Three patients withdrew
    before the first dose and were excluded from the analysis": the columns count a
    modified intention-to-treat set (randomized patients left out), and the arm columns
    that add up to the total (48 + 47) count parts of it. Read from the note's words, not
    a name: flagged."""
    header = ["Response", "Total† (n = 95)", "Drug X (n = 48)", "Placebo (n = 47)"]
    body = [("Partial response", "20 (21.1%)", "12 (25.0%)", "8 (17.0%)"),
            ("Stable disease", "40 (42.1%)", "20 (41.7%)", "20 (42.6%)")]
    notes = [("†", "Three patients withdrew before the first dose and were excluded from "
                   "the analysis.")]
    rows = _draft(tmp_path, "Tumour response", header, body, notes)
    cells = [r for r in rows if r["row"] == "Partial response"]
    assert len(cells) == 6
    assert {r["population"] for r in cells} == {"modified_itt"}
    assert all(r["review"] for r in cells)
    n = [r for r in rows if r["row"] == "" and r["value"] == "48"]
    assert [(r["quantity"], r["population"]) for r in n] == [("analysed", "modified_itt")]


def test_a_note_on_other_things_names_no_set(tmp_path):
    """A note that excludes nothing from the analysis ("Responses were assessed by RECIST")
    gives no set."""
    header = ["Response", "Total† (n = 95)", "Drug X (n = 48)", "Placebo (n = 47)"]
    body = [("Partial response", "20 (21.1%)", "12 (25.0%)", "8 (17.0%)")]
    rows = _draft(tmp_path, "Tumour response", header, body,
                  [("†", "Responses were assessed by RECIST version 1.1.")])
    assert {r.get("population", "") for r in rows} == {""}


# ---------------------------------------------------------- units a stub prints


@pytest.mark.parametrize("stub,name,unit", [
    ("Lesion volume (cc)", "Lesion volume", "cc"),  # cubic centimetres
    ("Albumin (gm/dL)", "Albumin", "g/dL"),  # only a misspelling of the listed g/dL
    ("Serum iron (mg Fe/gm dry weight)", "Serum iron", ""),  # no unit words: kept in the name
])
def test_units_at_the_end_of_a_stub(stub, name, unit):
    found = split_stub(stub)
    assert (found.name, found.unit) == ((name, unit) if unit else (stub, ""))


@pytest.mark.parametrize("name,unit", [
    ("pH of the dialysate", "pH"), ("pH", "pH"), ("Pain score", "points"),
    ("Phosphate", ""), ("Graph reading", ""),
    # a standardised score has no unit; a rating printed with its range is in points
    ("Birth weight z-score", "none"), ("Height SDS", "none"),
    ("Confidence in quitting (1–10)", "points"), ("Pain (0 to 100)", "points"),
    ("Platelets (10–50)", ""), ("Visits (1–2)", ""),
])
def test_the_unit_a_measurements_name_implies(name, unit):
    assert score_unit(name) == unit


def test_the_p_value_of_a_count_under_a_percent_legend_is_of_a_categorical_characteristic(
        tmp_path):
    """"Current smoker (%) | 19 (31.1) | 29 (48.3) | .053": the stub's "(%)" says the cells
    are a count and its percentage, so the P value compares a categorical characteristic
    (``baseline``); "HbA (%) | 67.8 ± 11.4" is a mean of a percentage, whose P value is of
    a measurement (``baseline_value``)."""
    header = ["Characteristic", "Drug X (N=61)", "Placebo (N=60)", "p value"]
    body = [("Current smoker (%)", "19 (31.1)", "29 (48.3)", ".053"),
            ("HbA (%)", "67.8 ± 11.4", "67.4 ± 10.4", ".837")]
    rows = _draft(tmp_path, "Baseline characteristics", header, body)
    smoker = _at(rows, "Current smoker (%)", "p value", "p_value")
    assert (smoker["quantity"], smoker["category"]) == ("baseline", "Current smoker")
    assert _at(rows, "HbA (%)", "p value", "p_value")["quantity"] == "baseline_value"


def test_a_mean_of_an_acidity_is_in_ph(tmp_path):
    header = ["Characteristic", "Drug X (n = 40)", "Placebo (n = 40)"]
    body = [("pH of the dialysate, mean (SD)", "7.31 (0.05)", "7.29 (0.06)")]
    rows = _draft(tmp_path, "Dialysis measurements", header, body)
    mean = _at(rows, "pH of the dialysate, mean (SD)", "Drug X (n = 40)", "mean")
    assert (mean["value"], mean["unit"]) == ("7.31", "pH")


def test_a_length_of_stay_with_no_unit_printed_is_proposed_in_days(tmp_path):
    """"ICU length of stay" and "Days at home" print no unit: a length of stay and a number
    of days are counted in days (proposed, flagged); "Peak lactate" stays without a unit."""
    header = ["Outcome", "Drug X (n = 40)", "Placebo (n = 40)", "Mean difference (95% CI)"]
    body = [("ICU length of stay, median (IQR)", "6 (4–9)", "8 (5–12)", ""),
            ("Days at home, mean (SD)", "20.5 (6.1)", "18.2 (7.0)", "2.3 (−0.6 to 5.2)"),
            ("Peak lactate, mean (SD)", "2.1 (0.8)", "2.4 (0.9)", "−0.3 (−0.7 to 0.1)")]
    rows = _draft(tmp_path, "Secondary outcomes", header, body)
    stay = _at(rows, "ICU length of stay, median (IQR)", "Drug X (n = 40)", "median")
    home = _at(rows, "Days at home, mean (SD)", "Mean difference (95% CI)", "estimate")
    lactate = _at(rows, "Peak lactate, mean (SD)", "Placebo (n = 40)", "mean")
    assert [(r["unit"], r["review"]) for r in (stay, home, lactate)] == \
        [("days", "yes"), ("days", "yes"), ("none", "yes")]


# ------------------------------------------- tests the methods name per kind of outcome

_METHODS = ("Continuous outcomes were compared with linear regression, binary outcomes with "
            "logistic regression, and survival with Cox proportional hazards "
            "regression. Baseline weight was entered as a continuous covariate.")


def test_the_methods_model_for_each_kind_of_outcome_gives_the_p_values_test(tmp_path):
    """The methods name one model per kind of outcome: an adjusted mean difference's P value
    is the linear model's (an ANCOVA), an odds ratio's the logistic model's Wald test, a
    hazard ratio's the Cox model's; proposed from the methods, so flagged."""
    header = ["Outcome", "Drug X (n = 50)", "Placebo (n = 50)", "Adjusted effect (95% CI)",
              "Adjusted P"]
    body = [("Pain score, mean (SD)", "3.1 (1.2)", "3.9 (1.4)",
             "Mean difference −0.8 (−1.3 to −0.3)", "0.002"),
            ("Readmission, n (%)", "5 (10.0)", "11 (22.0)", "OR 0.39 (0.13 to 1.21)", "0.10"),
            ("Overall survival", "", "", "HR 0.70 (0.45 to 1.09)", "0.11")]
    rows = _draft(tmp_path, "Outcomes", header, body, methods=_METHODS)
    tests = {r["row"]: (r["quantity"], r["test"], r["review"]) for r in rows
             if r["statistic"] == "p_value"}
    assert tests["Pain score, mean (SD)"] == ("mean_difference", "ancova", "yes")
    assert tests["Readmission, n (%)"] == ("odds_ratio", "logistic_wald", "yes")
    assert tests["Overall survival"] == ("os_hr", "cox_wald", "yes")


@pytest.mark.parametrize("quantity,adjustment,words,test", [
    ("mean_difference", "unadjusted", "", "t_test"),
    ("mean_difference", "adjusted", "", "ancova"),
    ("mean_difference", "", "", ""),  # a linear model: adjusted or not is not said
    ("ratio_of_means", "adjusted", "", "poisson"),
    ("odds_ratio", "adjusted", "Shift in disability (ordinal)", "proportional_odds"),
    ("odds_ratio", "adjusted", "Readmission", "logistic_wald"),
    ("risk_ratio", "", "", "other"),  # a log-binomial model: no test of the list
    ("risk_difference", "", "", ""),  # no model named estimates it
    ("os_hr", "", "", ""),  # no Cox model named
])
def test_the_test_of_an_effect_is_the_model_that_estimates_it(quantity, adjustment, words,
                                                               test):
    models = (("mean", "linear"), ("count", "poisson"), ("ordinal", "proportional_odds"),
              ("binary", "logistic_wald"), ("binary", "other"))
    assert model_test(models, quantity, adjustment, words) == test


# ------------------------------------------------- denominators a row's note states


@pytest.mark.parametrize("note,denominators", [
    ("Values represent 40 participants in the Drug X group and 38 on placebo.", ["40", "38"]),
    ("Three participants in the placebo group withdrew before the scan.", ["50", "50"]),
])
def test_a_note_on_the_stub_saying_what_the_values_are_over_gives_the_denominators(
        tmp_path, note, denominators):
    """"Liver stiffness (kPa)^a", a: "Values represent 40 participants in the Drug X group
    and 38 on placebo": its means are over 40 and 38, not the columns' 50 (the data
    dictionary: a note on the row prints the n it is over); a note that only tells of
    withdrawals gives none."""
    header = ["Outcome", "Drug X (n = 50)", "Placebo (n = 50)"]
    body = [("Liver stiffness (kPa), mean (SD)", "7.2 (2.1)", "8.0 (2.6)")]
    rows = _draft(tmp_path, "Imaging outcomes", header, body, [("a", note)],
                  stub_marks={0: "a"})
    means = [r for r in rows if r["statistic"] == "mean"]
    assert [r["denominator"] for r in means] == denominators


def test_a_heading_rows_effect_is_over_the_set_its_levels_count(tmp_path):
    """"Severity of illness | | | OR 1.10" heads "Mild 30/95", "Severe 10/95": its odds ratio
    compares the patients its levels count (95 and 93, a declared set: the patients with a
    final assessment), not the columns' 100 and 98. The heading row prints only an interval
    with "to", a number all the same."""
    sets = "  - id: assessed\n    label: \"patients with a final assessment (95 and 93)\"\n"
    header = ["Outcome", "Drug X (n = 100)", "Placebo (n = 98)", "OR (95% CI)"]
    body = [("Severity of illness", "", "", "1.10 (0.70 to 1.72)"),
            ("Mild", "30/95 (31.6)", "28/93 (30.1)", ""),
            ("Severe", "10/95 (10.5)", "12/93 (12.9)", "")]
    rows = _draft(tmp_path, "Outcomes at the final visit", header, body, populations=sets)
    odds = _at(rows, "Severity of illness", "OR (95% CI)", "estimate")
    assert (odds["quantity"], odds["population"]) == ("odds_ratio", "assessed")


# ------------------------------------------- the set a note's denominators declare


_QOL_HEADER = ["Outcome", "Drug X (n = 120)", "Placebo (n = 118)", "Difference (95% CI)"]
_QOL_BODY = [("Serious complication", "30/120 (25.0)", "28/118 (23.7)", "1.05 (0.67 to 1.65)"),
             ("Wellbeing at 6 months",),
             ("Pain score", "41.2 (20.3)", "44.0 (21.5)", "-2.8 (-9.1 to 3.5)"),
             ("Energy score", "50.1 (18.0)", "49.5 (19.2)", "0.6 (-5.2 to 6.4)")]


@pytest.mark.parametrize("note,population", [
    ("The denominators are 90 for Drug X and 85 for placebo.", "completers"),
    ("Values represent 90 participants in the Drug X group and 85 on placebo.", "completers"),
    ("Scores range from 0 to 100; higher is better.", ""),
])
def test_a_heading_note_stating_smaller_denominators_declares_the_patients_assessed(
        tmp_path, note, population):
    """"Wellbeing at 6 months^a", a: "The denominators are 90 for Drug X and 85 for
    placebo": its rows are over the patients with the assessment (90 and 85 of the columns'
    120 and 118), the data dictionary's ``completers``; the note does not say the word, so
    every such row is flagged. The row above the heading keeps the columns' set (none named),
    and a note that states no denominators declares no set."""
    rows = _draft(tmp_path, "Outcomes", _QOL_HEADER, _QOL_BODY, [("a", note)],
                  stub_marks={1: "a"})
    pain = "Wellbeing at 6 months / Pain score"
    for column, statistic in (("Drug X (n = 120)", "mean"), ("Placebo (n = 118)", "sd"),
                              ("Difference (95% CI)", "estimate")):
        cell = _at(rows, pain, column, statistic)
        assert cell["population"] == population
        if population:
            assert cell["review"] == "yes"
    mean = _at(rows, pain, "Drug X (n = 120)", "mean")
    assert mean["denominator"] == ("90" if population else "120")
    above = _at(rows, "Serious complication", "Drug X (n = 120)", "count")
    assert (above["population"], above["denominator"]) == ("", "120")


def test_a_note_of_denominators_in_an_adverse_event_table_keeps_the_safety_set(tmp_path):
    """The same note over adverse-event rows: the set is the safety set an adverse-event
    table is over, not the patients assessed for an outcome."""
    header = ["Adverse event", "Drug X (n = 120)", "Placebo (n = 118)"]
    body = [("Any grade",), ("Nausea", "30 (33.3)", "20 (23.5)"),
            ("Fatigue", "12 (13.3)", "10 (11.8)")]
    rows = _draft(tmp_path, "Adverse events", header, body,
                  [("a", "The denominators are 90 for Drug X and 85 for placebo.")],
                  stub_marks={0: "a"})
    assert {r["population"] for r in rows if r["row"].endswith("Nausea")} == {"safety"}


# ------------------------------------------------ haematological response levels


def test_the_response_levels_of_acute_leukaemia_are_levels_of_best_response(tmp_path):
    """An outcome table of an acute-leukaemia trial prints the response to induction as the
    IWG 2003 / ELN 2017 levels, which share out the patients (52 + 8 + 25 + 15 = 100; 47 +
    10 + 29 + 12 = 98): complete remission, CR with incomplete count recovery, resistant
    disease and death during induction are levels of ``best_response`` (the data
    dictionary), not outcomes of their own; the overall remission rate stays ``orr`` and
    an outcome of its own (30-day mortality) stays ``outcome``. The stub of a solid
    tumour's partial response keeps ``PR``."""
    header = ["Outcome", "Drug X (n = 100)", "Placebo (n = 98)"]
    body = [("Complete remission", "52 (52)", "47 (48)"),
            ("CR with incomplete count recovery", "8 (8)", "10 (10)"),
            ("Overall response (CR + CRi)", "60 (60)", "57 (58)"),
            ("Resistant disease", "25 (25)", "29 (30)"),
            ("Induction death", "15 (15)", "12 (12)"),
            ("30-day mortality", "9 (9)", "8 (8)")]
    rows = _draft(tmp_path, "Outcomes of induction", header, body)
    expected = {"Complete remission": ("best_response", "CR"),
                "CR with incomplete count recovery": ("best_response", "CRi"),
                "Overall response (CR + CRi)": ("orr", ""),
                "Resistant disease": ("best_response", "Resistant disease"),
                "Induction death": ("best_response", "Induction death"),
                "30-day mortality": ("outcome", "30-day mortality")}
    for stub, labels in expected.items():
        cell = _at(rows, stub, "Placebo (n = 98)", "count")
        assert (cell["quantity"], cell["category"]) == labels, stub


@pytest.mark.parametrize("stub,level", [
    ("CRi", "CRi"), ("CR with incomplete platelet recovery", "CRi"),
    ("Complete remission with incomplete haematological recovery", "CRi"),
    ("CRh", "CRh"), ("Morphologic leukemia-free state", "MLFS"),
    ("Complete remission", "CR"), ("CR", "CR"), ("Partial remission", "PR"),
    ("Primary refractory disease", "Resistant disease"),
    ("Death in aplasia", "Induction death"), ("Stable disease", "SD"),
])
def test_a_response_stub_names_its_level(stub, level):
    """The lexicon's response levels, a remission with incomplete recovery before CR (whose
    abbreviation it begins with)."""
    from trialrecon.dossier.draft.lexicon import lexicon
    assert lexicon().response_category(stub) == level


# ------------------------------------------- a block measuring what another counts


def _two_blocks(tmp_path: Path, second: str) -> list[dict[str, str]]:
    """A baseline table with a count block and a block ``second`` over the same arms."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    head = lambda text, span=1: RawCell(((text, "", ""),), colspan=span, header=True)  # noqa: E731
    arms = ["Drug X (n = 60)", "Placebo (n = 58)", "P"]
    rows = [[head(""), head("Patients, n (%)", 3), head(second, 3)],
            [head("Site of infection"), *(head(a) for a in arms), *(head(a) for a in arms)],
            [_cell("Lung"), _cell("20 (33.3)"), _cell("18 (31.0)"), _cell("0.85"),
             _cell("9.5 (7.0 to 12.0)"), _cell("10.0 (8.0 to 13.5)"), _cell("0.41")],
            [_cell("Urinary tract"), _cell("12 (20.0)"), _cell("15 (25.9)"), _cell("0.51"),
             _cell("6.0 (4.5 to 8.0)"), _cell("7.5 (5.0 to 9.0)"), _cell("0.33")],
            [_cell("Duration for all sites"), _cell(""), _cell(""), _cell(""),
             _cell("8.0 (5.0 to 11.0)"), _cell("8.5 (6.0 to 12.0)"), _cell("0.62")]]
    b.table("Table 1", [("Infections at baseline; values are n (%) or median (IQR)", "", "")],
            rows=rows, notes=[], header_rows=2)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


def test_a_block_measuring_the_patients_another_block_counts(tmp_path):
    """"Patients, n (%)" then "Duration of fever (days)" over the same arms: the second
    block's medians are a measurement (its spanning header) of the patients the row counts
    in the first block, so "Lung" there is "Duration of fever: Lung" over 20 (Drug X) and
    18 (placebo), and its P value compares the measurement; the count block keeps the
    row's site. A row naming the measurement itself keeps its stub, over an n not printed.
    Every such label is a guess."""
    rows = _two_blocks(tmp_path, "Duration of fever (days)")
    median = _at(rows, "Lung", "Duration of fever (days) / Placebo (n = 58)", "median")
    assert (median["quantity"], median["category"], median["denominator"], median["unit"],
            median["review"]) == ("baseline_value", "Duration of fever: Lung", "18", "days",
                                  "yes")
    high = _at(rows, "Urinary tract", "Duration of fever (days) / Drug X (n = 60)", "iqr_high")
    assert (high["category"], high["denominator"]) == ("Duration of fever: Urinary tract", "12")
    p = _at(rows, "Lung", "Duration of fever (days) / P", "p_value")
    assert (p["quantity"], p["category"]) == ("baseline_value", "Duration of fever: Lung")
    count = _at(rows, "Lung", "Patients, n (%) / Drug X (n = 60)", "count")
    assert count["category"].endswith("Lung") and "fever" not in count["category"]
    assert count["denominator"] == "60"
    whole = _at(rows, "Duration for all sites", "Duration of fever (days) / Drug X (n = 60)",
                "median")
    assert (whole["category"], whole["denominator"]) == ("Duration for all sites", "")


def test_a_second_block_without_a_unit_is_not_read_as_a_measurement(tmp_path):
    """A spanning header without a unit ("Second course") may name a time or a subgroup:
    its medians keep the row's own category and the column's n."""
    rows = _two_blocks(tmp_path, "Second course")
    median = _at(rows, "Lung", "Second course / Placebo (n = 58)", "median")
    assert "Second course" not in median["category"] and median["denominator"] != "18"


# ------------------------------------------------- a test named by a mark in the caption


@pytest.mark.parametrize("symbol", ["*", "†"])
def test_a_caption_naming_the_test_with_an_exception_by_mark(tmp_path, symbol):
    """"Tests are by Wilcoxon rank-sum test except for *(log-rank test)": the P values
    printed with the symbol after the number ("<0.001*") are the log-rank test's, every
    other P value the rank-sum test's, whatever the row prints (percentages, means)."""
    caption = f"Toxicity by arm; tests are by Wilcoxon rank-sum test except for " \
              f"{symbol}(log-rank test)"
    header = ["Toxicity", "Drug X", "Placebo", "P-value"]
    body = [("Nausea", "5%", "10%", "0.01"),
            ("Mean days in hospital", "19.7", "16.7", "0.04"),
            ("Median days to neutrophil recovery", "20", "24", f"<0.001{symbol}")]
    rows = _draft(tmp_path, caption, header, body)
    tests = {stub: _at(rows, stub, "P-value", "p_value")["test"] for stub, *_ in body}
    assert tests == {"Nausea": "wilcoxon_rank_sum",
                     "Mean days in hospital": "wilcoxon_rank_sum",
                     "Median days to neutrophil recovery": "log_rank"}


# ------------------------------------ a subgroup's variable named by another table


def _baseline_then_subgroups(tmp_path: Path, second_variable: str = "") -> list[dict[str, str]]:
    """Table 1 prints the sites of infection under their characteristic (and, when
    ``second_variable``, "Lung" again under it); Table 2 a cure rate by subgroup (therapy
    shares the patients out), then a relapse rate over indented rows of fewer patients
    naming sites with no heading."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    head = [RawCell(((t, "", ""),), header=True)
            for t in ("Characteristic", "Drug X (n = 60)", "Placebo (n = 58)")]
    body = [[RawCell((("Site of infection", "", ""),), colspan=3)],
            [_cell("Lung"), _cell("20 (33.3)"), _cell("18 (31.0)")],
            [_cell("Urinary tract"), _cell("12 (20.0)"), _cell("15 (25.9)")],
            [_cell("Other"), _cell("28 (46.7)"), _cell("25 (43.1)")]]
    if second_variable:
        body += [[RawCell(((second_variable, "", ""),), colspan=3)],
                 [_cell("Lung"), _cell("7 (11.7)"), _cell("6 (10.3)")],
                 [_cell("Bone"), _cell("53 (88.3)"), _cell("52 (89.7)")]]
    b.table("Table 1", [("Baseline characteristics", "", "")], rows=[head, *body], notes=[],
            header_rows=1)
    head = [RawCell(((t, "", ""),), header=True)
            for t in ("", "Drug X, n (%)", "Placebo, n (%)", "P-value")]
    body = [[_cell("Cure overall"), _cell("50/60 (83.3)"), _cell("40/58 (69.0)"), _cell("0.07")],
            [_cell("Culture-based therapy"), _cell("45/54 (83.3)"), _cell("36/52 (69.2)"),
             _cell("0.10")],
            [_cell("Empiric therapy"), _cell("5/6 (83.3)"), _cell("4/6 (66.7)"), _cell("1.00")],
            [_cell("Relapse overall"), _cell("6/60 (10.0)"), _cell("9/58 (15.5)"), _cell("0.41")],
            [_cell("Lung", indent=1), _cell("2/20 (10.0)"), _cell("4/18 (22.2)"),
             _cell("0.40")],
            [_cell("Urinary tract", indent=1), _cell("1/12 (8.3)"), _cell("3/15 (20.0)"),
             _cell("0.61")]]
    b.table("Table 2", [("Cure rates", "", "")], rows=[head, *body], notes=[], header_rows=1)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")
            if d.fields["location"] == "Table 2"]


def test_a_subgroup_takes_the_characteristic_another_table_names_for_its_level(tmp_path):
    """"Relapse overall 6/60" then, indented, "Lung 2/20": a subgroup whose variable Table 2
    does not print, while Table 1 prints "Lung" as a level of "Site of infection": the
    subgroup is "Site of infection: Lung" (flagged, as the variable is still a guess)."""
    rows = _baseline_then_subgroups(tmp_path)
    lung = _at(rows, "Relapse overall / Lung", "Drug X, n (%)", "count")
    assert (lung["category"], lung["subgroup"], lung["denominator"], lung["review"]) == \
        ("Relapse overall", "Site of infection: Lung", "20", "yes")


def test_a_level_of_two_characteristics_names_no_variable(tmp_path):
    """"Lung" is a level of two characteristics of Table 1 ("Site of infection", "Site of
    metastasis"): which one the subgroup is cannot be told, so it keeps its stub."""
    rows = _baseline_then_subgroups(tmp_path, "Site of metastasis")
    lung = _at(rows, "Relapse overall / Lung", "Drug X, n (%)", "count")
    assert lung["subgroup"] == "Lung"
    urinary = _at(rows, "Relapse overall / Urinary tract", "Drug X, n (%)", "count")
    assert urinary["subgroup"] == "Site of infection: Urinary tract"


# ------------------------------------------------------ a level defined by its note


def test_a_header_levels_note_naming_it_stays_in_the_category(tmp_path):
    """Arms in the rows, the levels of "Dose (Gy)" in the header, "44-46^a" with a: "Full
    dose.": the level is the dose the protocol calls full, "Dose (Gy): 44-46 (full dose)";
    a note that is a sentence ("Patients were re-planned ...") names no level."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)

    def head(text: str, mark: str = "", span: int = 1) -> RawCell:
        note = (("", "footnote", mark),) if mark else ()
        return RawCell(((text, "", ""), *note), colspan=span, header=True)

    rows = [[head(""), head("Dose (Gy)", span=3)],
            [head(""), head("<44"), head("44–46", "a"), head(">46", "b")],
            [_cell("Drug X (n = 100)"), _cell("1 (1%)"), _cell("95 (95%)"), _cell("4 (4%)")],
            [_cell("Placebo (n = 98)"), _cell("2 (2%)"), _cell("90 (92%)"), _cell("6 (6%)")]]
    b.table("Table 3", [("Radiotherapy delivered; data are n (%)", "", "")], rows=rows,
            notes=[("a", [("Full dose.", "", "")]),
                   ("b", [("Patients were re-planned after week 2.", "", "")])],
            header_rows=2)
    names = read_names(tmp_path / "trial.yaml")
    drafted = [d.fields for d in draft_document(b.build(), names, "paper")]
    full = _at(drafted, "Placebo (n = 98)", "Dose (Gy) / 44–46", "count")
    assert (full["arm"], full["category"]) == ("placebo", "Dose (Gy): 44–46 (full dose)")
    high = _at(drafted, "Drug X (n = 100)", "Dose (Gy) / >46", "count")
    assert high["category"] == "Dose (Gy): >46"


# ------------------------------------------------------------- a column of levels

def test_a_column_of_levels_beside_the_characteristics_is_part_of_the_stub(tmp_path):
    """"Feature | Level | Drug X n (%) | Placebo n (%)": the second column names each
    characteristic's levels ("18-39", "60+", "Urban", "None", "1"), which read as numbers but
    are labels. It is the stub's inner column: every level is labelled with its
    characteristic and level, and no level is read as a count of an arm called "Level"."""
    header = ["Feature", "Level", "Drug X, n (%)", "Placebo, n (%)"]
    body = [("Patients", "", "120", "118"),
            ("Age band", "18-39", "40 (33)", "38 (32)"),
            ("", "40-59", "50 (42)", "49 (42)"),
            ("", "60+", "30 (25)", "31 (26)"),
            ("Residence", "Urban", "70 (58)", "66 (56)"),
            ("", "Rural", "50 (42)", "52 (44)"),
            ("Prior visits", "None", "60 (50)", "58 (49)"),
            ("", "1", "40 (33)", "41 (35)"),
            ("", "2 or more", "20 (17)", "19 (16)")]
    rows = _draft(tmp_path, "Characteristics of the patients at entry", header, body)
    assert not [r for r in rows if r["column"] == "Level"]
    first = _at(rows, "Age band / 18-39", "Placebo, n (%)", "count")
    assert (first["category"], first["value"]) == ("Age band: 18-39", "38")
    later = _at(rows, "Age band / 60+", "Drug X, n (%)", "percent")
    assert (later["category"], later["value"]) == ("Age band: 60+", "25")
    one = _at(rows, "Prior visits / 1", "Drug X, n (%)", "count")
    assert (one["category"], one["value"]) == ("Prior visits: 1", "40")


def test_a_row_after_sub_levels_that_share_out_their_headings_count_is_its_sibling(tmp_path):
    """"Reason for referral" lists "Pain 30", then "Swelling 20" heading three sub-levels
    printed further in (8 + 5 + 7 = 20, its own count in each arm: 8 + 4 + 6 = 18), then
    "Other 50" printed at the sub-levels' indentation. The sub-levels have shared out
    "Swelling" exactly, so "Other" (which alone exceeds it) is a reason of its own, a sibling
    of "Swelling", not one of its sub-levels."""
    header = ["", "Drug X, n (%)", "Placebo, n (%)"]
    body = [("Reason for referral",),
            ("Pain", "30 (30.0)", "28 (29.5)"),
            ("Swelling", "20 (20.0)", "18 (18.9)"),
            ("Sudden", "8 (8.0)", "8 (8.4)"),
            ("Gradual", "5 (5.0)", "4 (4.2)"),
            ("Recurrent", "7 (7.0)", "6 (6.3)"),
            ("Other", "50 (50.0)", "49 (51.6)")]
    rows = _draft(tmp_path, "Characteristics of the patients at entry", header, body,
                  indents={1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 2})
    assert _at(rows, "Reason for referral / Swelling / Gradual", "Drug X, n (%)",
               "count")["value"] == "5"
    other = [r for r in rows if r["statistic"] == "count" and r["value"] == "50"]
    assert [r["row"] for r in other] == ["Reason for referral / Other"]
    assert "Swelling" not in other[0]["category"]
