"""The term a sentence prints right after a number (draft/textterms.py, data/raw/README.md).

A fictional paper written here: a baseline table with two characteristics printed as group
rows over their levels, and a Results paragraph that lists levels with each number before
its level ("5% favourable, 70% intermediate and 25% poor"). The data dictionary's
category rule (step 2) makes the table's rows ``Cytogenetics: Intermediate``; a sentence
reuses the table's category; the words before a listed number name the previous level.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names

TABLE = ("<table><caption>Table 1. Baseline characteristics</caption><thead><tr>"
         "<th>Characteristic</th><th>Drug X (n=60)</th><th>Placebo (n=60)</th></tr></thead>"
         "<tbody><tr><td>Cytogenetics</td><td></td><td></td></tr>"
         "<tr><td>Favourable</td><td>3 (5%)</td><td>3 (5%)</td></tr>"
         "<tr><td>Intermediate</td><td>41 (68%)</td><td>43 (72%)</td></tr>"
         "<tr><td>Poor</td><td>16 (27%)</td><td>14 (23%)</td></tr>"
         "<tr><td>Histology</td><td></td><td></td></tr>"
         "<tr><td>Adenocarcinoma</td><td>38 (63%)</td><td>38 (63%)</td></tr>"
         "<tr><td>Squamous</td><td>22 (37%)</td><td>22 (37%)</td></tr>"
         "<tr><td>Disease stage</td><td></td><td></td></tr>"
         "<tr><td>II</td><td>18 (30%)</td><td>18 (30%)</td></tr>"
         "<tr><td>III</td><td>42 (70%)</td><td>42 (70%)</td></tr>"
         "<tr><td>Smoking history</td><td></td><td></td></tr>"
         "<tr><td>Never smoker</td><td>2 (3%)</td><td>1 (2%)</td></tr>"
         "<tr><td>Current smoker</td><td>58 (97%)</td><td>59 (98%)</td></tr></tbody></table>")


def _results(tmp_path: Path, sentence: str) -> list:
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text(f"<html><body><h2>Results</h2><p>We randomly assigned 120 patients. "
                     f"{sentence}</p>{TABLE}</body></html>", encoding="utf-8")
    drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")[1]
    return [d for d in drafted if d.fields["location"] == "Results"]


@pytest.mark.parametrize(("sentence", "labels"), [
    ("Cytogenetic risk was 5% favourable, 70% intermediate and 25% poor.",
     {"5": "Cytogenetics: Favourable", "70": "Cytogenetics: Intermediate",
      "25": "Cytogenetics: Poor"}),
    ("Overall, 44 patients (37%) had squamous histology.",
     {"44": "Histology: Squamous", "37": "Histology: Squamous"}),
    ("In all, 76 (63%) had adenocarcinoma and 44 (37%) squamous tumours.",
     {"76": "Histology: Adenocarcinoma", "63": "Histology: Adenocarcinoma",
      "44": "Histology: Squamous", "37": "Histology: Squamous"}),
    ("Three cytogenetic risk groups were defined (5% were favourable, 70% intermediate and "
     "25% poor).", {"70": "Cytogenetics: Intermediate", "25": "Cytogenetics: Poor"}),
    # the characteristic's word before the level, a denominator after the count
    ("Overall, 84 (70%) of 120 were stage III.",
     {"84": "Disease stage: III", "70": "Disease stage: III"}),
    # a level of two words, one of them vague ("never"), that one row of the tables has
    ("Less than 3% of patients were never smokers.", {"3": "Smoking history: Never smoker"}),
])
def test_a_level_printed_after_its_number_names_the_tables_row(tmp_path, sentence, labels):
    rows = {d.fields["value"]: d for d in _results(tmp_path, sentence)}
    for value, category in labels.items():
        row = rows[value]
        assert (row.fields["quantity"], row.fields["category"]) == ("baseline", category)
        assert row.needs_review  # the sentence may count the level in fewer patients


def test_a_level_not_first_after_the_number_names_nothing(tmp_path):
    """"44 patients (37%) were treated for adverse events": the first thing named after the
    number is no level of a table's characteristic, so no level row is taken."""
    rows = _results(tmp_path, "Of them, 44 patients (37%) were treated for adverse events.")
    assert all(not d.fields["category"].startswith("Cytogenetics") for d in rows)


@pytest.mark.parametrize(("sentence", "value", "category"), [
    ("The median follow-up was 38 months (IQR 30-47) for those still alive.", "38",
     "survivors"),
    ("At a median follow-up of 38 months (IQR 30-47), 60 patients were alive.", "38", ""),
])
def test_whose_follow_up_may_follow_its_spread(tmp_path, sentence, value, category):
    """The follow-up terms (data dictionary: "among survivors, 31.0 months" is
    ``survivors``) may be printed after the median's spread; a clause after a comma that
    counts patients alive is no term of the median."""
    row = next(d for d in _results(tmp_path, sentence) if d.fields["value"] == value)
    assert (row.fields["quantity"], row.fields["category"]) == ("follow_up", category)


ENDPOINTS = ("endpoints:\n  - id: spcr\n    label: \"survival from CR (survival post CR)\"\n"
             "  - id: sprel\n    label: \"survival from relapse (survival post relapse)\"\n")


@pytest.mark.parametrize(("sentence", "quantity"), [
    ("No difference was found in overall survival (23% vs 22%; HR 1.08 (0.93-1.26), "
     "P=0.3).", "os_hr"),
    ("No difference was found in relapse-free survival (HR 0.99 (0.83-1.19), P=0.9) or "
     "survival from CR (20% vs 23%; HR 0.96 (0.80-1.16), P=0.7).", "spcr_hr"),
])
def test_a_word_two_declared_endpoints_share_names_neither(tmp_path, sentence, quantity):
    """Two declared endpoints whose labels share their first words ("survival from CR",
    "survival from relapse"): "overall survival" and "survival from CR" before a hazard
    ratio name the endpoint they print in full, not the last declared endpoint whose
    shared word ("survival") stands in them."""
    (tmp_path / "trial.yaml").write_text(trial_yaml() + ENDPOINTS, encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text(f"<html><body><h2>Results</h2><p>{sentence}</p></body></html>",
                     encoding="utf-8")
    drafted = draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")[1]
    last_hr = [d for d in drafted if d.fields["statistic"] == "estimate"][-1]
    assert last_hr.fields["quantity"] == quantity


@pytest.mark.parametrize(("sentence", "value", "quantity", "category"), [
    # "X (n [p%] ... vs m [q%] ...; p=...)": the term before the parenthesis, every number of it
    ("There was no increase in venous thromboembolic events (12 [10%] patients in the Drug X "
     "group vs 10 [8%] in the placebo group; p=0.61).", "12", "outcome",
     "venous thromboembolic events"),
    ("There was no increase in venous thromboembolic events (12 [10%] patients in the Drug X "
     "group vs 10 [8%] in the placebo group; p=0.61).", "8", "outcome",
     "venous thromboembolic events"),
    ("There was no increase in venous thromboembolic events (12 [10%] patients in the Drug X "
     "group vs 10 [8%] in the placebo group; p=0.61).", "0.61", "outcome",
     "venous thromboembolic events"),
    # "X was the most common Y (...)": the subject; Y says an outcome or a serious event
    ("Seizure was the most common safety outcome (15 [13%] patients in the Drug X group vs 11 "
     "[9%] in the placebo group).", "15", "outcome", "Seizure"),
    ("Nervous system disorders were the most common serious adverse events (20 [17%] vs 18 "
     "[15%]).", "20", "ae_serious", "Nervous system disorders"),
])
def test_the_term_printed_before_a_parenthesis_of_counts(tmp_path, sentence, value, quantity,
                                                         category):
    row = next(d for d in _results(tmp_path, sentence) if d.fields["value"] == value)
    assert (row.fields["quantity"], row.fields["category"]) == (quantity, category)
    assert row.needs_review  # the table may name the outcome in other words


@pytest.mark.parametrize("sentence", [
    "Patients were randomly assigned to receive Drug X (62 patients) or placebo (58 patients).",
    "Outcomes were assessed at day 90 (64 [53%] vs 56 [47%]).",
])
def test_an_arm_or_a_time_before_a_parenthesis_is_no_term(tmp_path, sentence):
    rows = [d for d in _results(tmp_path, sentence) if d.fields["value"] in ("62", "64")]
    assert rows and all(not d.fields["category"] for d in rows)


@pytest.mark.parametrize(("sentence", "value", "score"), [
    ("More than 95% of patients overall had a performance status of 0–1.", "95", "0-1"),
    ("The majority (98.1%) were ECOG PS 0 or 1.", "98.1", "0-1"),
    ("Most had adenocarcinoma (65.2%) and ECOG performance status of 0 to 1 (83.5%).", "83.5",
     "0-1"),
    ("In all, 8% had a WHO performance score of >2.", "8", ">2"),
])
def test_a_count_at_a_performance_status_score(tmp_path, sentence, value, score):
    """The data dictionary's ``ecog``: "category is the score"; a range "0 to 1" or "0 or 1"
    is written ``0-1``; the score printed after the number wins over one printed before."""
    row = next(d for d in _results(tmp_path, sentence) if d.fields["value"] == value)
    assert (row.fields["quantity"], row.fields["category"]) == ("ecog", score)
    assert row.needs_review


def test_a_score_named_after_another_characteristic_is_not_its(tmp_path):
    """"adenocarcinoma (65.2%) and ECOG performance status of 0 to 1": the score after
    "and" is the next number's, not the percent of adenocarcinoma."""
    row = next(d for d in _results(tmp_path, "Most had adenocarcinoma (65.2%) and ECOG "
                                   "performance status of 0 to 1 (83.5%).")
               if d.fields["value"] == "65.2")
    assert row.fields["quantity"] != "ecog" or not row.fields["category"]
