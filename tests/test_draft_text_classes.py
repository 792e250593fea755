"""Classes of numbers in the text of a trial report, labelled as the data dictionary says.

The paper ``tests/fixtures/labelling/fictional_text_classes.html`` is fictional, written
for these tests: a Results paragraph with best-response levels printed before and after
their numbers, adverse events with their denominators ("12 (10%) of 120 patients in the
Drug X group"), and an adverse-event table over the safety population. The expected labels
follow data/raw/README.md (best_response categories CR, PR, SD, PD; the arm named right
after a number; adverse events carry the safety set the paper defines).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names

FIXTURE = Path(__file__).parent / "fixtures" / "labelling" / "fictional_text_classes.html"
TRIAL = trial_yaml(populations='  - id: wound_set\n'
                            '    label: "patients with a wound assessment (50 and 48)"\n')


@pytest.fixture(scope="module")
def text_rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    folder = tmp_path_factory.mktemp("textclasses")
    (folder / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    _, drafted = draft_source(FIXTURE, read_names(folder / "trial.yaml"), "paper")
    return [d.fields for d in drafted if d.fields["location"] == "Results"]


def _value(rows: list[dict[str, str]], value: str) -> dict[str, str]:
    found = [r for r in rows if r["value"] == value]
    assert len(found) == 1, found
    return found[0]


def _draft_sentence(tmp_path: Path, heading: str, sentence: str) -> list:
    """The draft of a one-paragraph HTML paper: ``heading``, then "We randomly assigned 120
    patients." and ``sentence``, drafted with the fictional trial's names."""
    (tmp_path / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text(f"<html><body><h2>{heading}</h2><p>We randomly assigned 120 patients. "
                     f"{sentence}</p></body></html>", encoding="utf-8")
    return draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")[1]


@pytest.mark.parametrize(("value", "level"), [
    ("4", "CR"),  # "complete response, 4%": the level before the number
    ("29", "PR"),
    ("30", "SD"), ("25", "SD"),  # "30 patients (25%) had stable disease": the level after
    ("20", "PD"), ("17", "PD"),  # "and 20 (17%) progressive disease"
])
def test_best_response_levels_named_at_the_number(text_rows, value, level):
    row = _value(text_rows, value)
    assert (row["quantity"], row["category"]) == ("best_response", level)


def test_the_arm_named_after_a_denominator(text_rows):
    """"6 (5%) of 118 patients in the placebo group": the denominator between the number
    and the arm does not hide the arm."""
    assert _value(text_rows, "6")["arm"] == "placebo"
    assert _value(text_rows, "5")["arm"] == "placebo"
    assert _value(text_rows, "12")["arm"] == "drug_x"


def test_an_adverse_event_in_the_text_takes_the_tables_safety_set(text_rows):
    """Alopecia is in no table: its population is the set of the tables'
    adverse events all the same."""
    row = _value(text_rows, "3")
    assert row["quantity"].startswith("ae_") and row["population"] == "safety"


def test_a_dose_per_square_metre_keeps_its_unit(text_rows):
    """"75 mg/m<sup>2</sup>": the superscript is part of the unit, not a mark."""
    row = _value(text_rows, "75")
    assert (row["quantity"], row["unit"]) == ("dose", "mg/m2")


def test_denominators_of_a_declared_set_give_its_population(text_rows):
    """"Wound infection in 11/50 (22%) ... and 7/48 (15%)": 50 and 48 are the per-arm sizes
    the declared set's label gives, so the numbers are of that set (as a table column whose
    n is that set's, data dictionary ``population``)."""
    for value in ("11", "22", "7", "15"):
        assert _value(text_rows, value)["population"] == "wound_set"


def test_an_arm_named_in_a_sentence_is_no_term_of_the_quantity(tmp_path):
    """"... and 148 to once-daily radiotherapy": "daily" is a word of the arm's name there,
    not a dose (the lexicon's term of ``dose``); the count is of the randomized."""
    trial = TRIAL.replace('label: "Drug X"', 'label: "Twice-daily radiotherapy"').replace(
        'label: "Placebo"', 'label: "Once-daily radiotherapy"')
    (tmp_path / "trial.yaml").write_text(trial, encoding="utf-8")
    paper = tmp_path / "paper.md"
    paper.write_text("# Results\n\nWe randomly assigned 150 patients to twice-daily "
                     "radiotherapy and 148 to once-daily radiotherapy.\n", encoding="utf-8")
    _, drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")
    row = _value([d.fields for d in drafted], "148")
    assert (row["arm"], row["quantity"]) == ("placebo", "randomized")


def test_a_hazard_ratio_of_survival_with_no_qualifier_is_overall_survival(text_rows):
    """"Survival did not differ ... (adjusted hazard ratio 0.92 ...)": survival with no
    qualifier (not progression-free, not disease-specific) is overall survival."""
    for value in ("0.92", "0.77", "1.10"):
        assert _value(text_rows, value)["quantity"] == "os_hr"


def test_the_verb_after_a_count_and_its_percent_names_it(text_rows):
    """"After a median follow-up of 40 months, 61 (51%) died": "died" right after the
    count's group names it, before the follow-up named earlier."""
    assert _value(text_rows, "61")["quantity"] == "deaths"
    assert _value(text_rows, "51")["quantity"] == "deaths"


@pytest.mark.parametrize(("sentence", "value", "planned"), [
    ("The final analysis was scheduled after a follow-up period of 4 years.", "4", True),
    ("Patients were followed up for a planned follow-up of 5 years.", "5", True),
    ("The median follow-up was 6.2 years.", "6.2", False)])
def test_a_planned_follow_up_period_is_no_median_follow_up(tmp_path, sentence, value, planned):
    """A scheduled follow-up period is the design's (``design_follow_up``, flagged for the
    reviewer), not a median follow-up of the patients that a Results median could contradict;
    a printed median stays one."""
    drafted = _draft_sentence(tmp_path, "Statistical analysis", sentence)
    row = next(d for d in drafted if d.fields["value"] == value)
    if planned:
        assert (row.fields["quantity"], row.fields["statistic"]) == ("design_follow_up",
                                                                      "value")
        assert row.needs_review
    else:
        assert (row.fields["quantity"], row.fields["statistic"]) == ("follow_up", "median")


@pytest.mark.parametrize(("sentence", "value", "part"), [
    ("Patients were enrolled at 41 centres in Spain, two centres in Chile and one in Peru.",
     "41", True),
    ("Patients were enrolled at 44 centres in Spain, Chile and Peru.", "44", False)])
def test_the_places_of_one_country_of_several_are_no_total(tmp_path, sentence, value, part):
    """"41 centres in Spain, two centres in Chile and one in Peru": 41 counts one country's
    centres, not the trial's 44, and is flagged; "44 centres in Spain, Chile and Peru" is the
    total, a sure count."""
    drafted = _draft_sentence(tmp_path, "Results", sentence)
    row = next(d for d in drafted if d.fields["value"] == value)
    assert row.fields["quantity"] == "centers"
    assert row.needs_review is part


@pytest.mark.parametrize(("sentence", "flagged"), [
    ("For the biomarker-high subgroup (n = 40), the hazard ratio for progression was 0.52.",
     True),
    ("For all patients, the hazard ratio for progression was 0.81.", False)])
def test_numbers_of_a_sentence_on_a_subgroup_are_flagged(tmp_path, sentence, flagged):
    """A hazard ratio in a sentence that opens on a subgroup is the subgroup's, not the
    trial's (an Abstract giving the whole trial's HR, then a subgroup's): flagged so the
    reviewer names the subgroup; a sentence on all patients is not."""
    drafted = _draft_sentence(tmp_path, "Results", sentence)
    row = next(d for d in drafted if d.fields["value"] in ("0.52", "0.81"))
    assert row.fields["quantity"] == "pfs_hr"
    assert any(r.startswith("guess: subgroup") for r in row.rules) is flagged


@pytest.mark.parametrize(("sentence", "quantity"), [
    ("Among responders, the median DOR was 9.1 months with drug X vs 4.2 months with placebo "
     "(HR 0.85 [95% CI: 0.30, 3.90]).", "dor_hr"),
    ("The median PFS was 9.1 months with drug X vs 4.2 months with placebo (HR 0.85 [95% CI: "
     "0.30, 3.90]).", "pfs_hr")])
def test_a_hazard_ratio_after_a_duration_of_response_is_its(tmp_path, sentence, quantity):
    """A hazard ratio printed after the medians of the duration of response compares the
    responders' durations (``dor_hr``), not progression-free survival."""
    drafted = _draft_sentence(tmp_path, "Efficacy", sentence)
    assert next(d for d in drafted if d.fields["value"] == "0.85").fields["quantity"] == quantity


@pytest.mark.parametrize(("sentence", "value", "analysed"), [
    ("The efficacy population comprised patients with at least 2 evaluable follow-up scans.",
     "2", False),
    ("The efficacy population comprised 104 evaluable patients.", "104", True)])
def test_a_threshold_in_a_definition_is_no_count_of_patients(tmp_path, sentence, value,
                                                             analysed):
    """"patients with at least 2 evaluable scans" defines a set: the 2 is a threshold, not a
    count of analysed patients that a Results count could contradict."""
    drafted = _draft_sentence(tmp_path, "Statistical analysis", sentence)
    row = next(d for d in drafted if d.fields["value"] == value)
    assert any(r.startswith("sure quantity: flow") for r in row.rules) is analysed
