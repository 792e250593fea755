"""``trialrecon draft --registry``: a ClinicalTrials.gov record (API v2 JSON) to registry rows.

The TALENT record is written here by hand in the v2 schema from the record's text in the
shared seeds (001_a7ae0674209bea1b.txt): the structured fields are typed below as the text
prints them (dates without a type, since the text prints none; enrollment 123; minimum age
"18 Years"; the 22 sites' countries), and the free-text fields (detailed description, the
two arms' descriptions, the eligibility criteria) are cut from the seed at test time, so the
repository holds no copy of the text. The rows must reproduce the hand-made
data/raw/talent/values_registry.csv: same quantities, values and types.

A second record is fictional, with posted results, to check the results section by hand.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trialrecon.dossier.audit import default_sources_dir
from trialrecon.dossier.draft import SourceError, read_names
from trialrecon.dossier.draft.evaluate import same_value
from trialrecon.dossier.draft.registry import read_record, registry_rows

ROOT = Path(__file__).resolve().parents[1]
TALENT = ROOT / "data" / "raw" / "talent"
SEEDS = default_sources_dir(TALENT)
SEED = SEEDS / "001_a7ae0674209bea1b.txt" if SEEDS else None
needs_seed = pytest.mark.skipif(SEED is None or not SEED.is_file(),
                                reason="the registry text is not here")
# Countries of the 22 listed sites, in the record's order.
SITE_COUNTRIES = ["Austria"] * 2 + ["Italy"] * 8 + ["Spain"] * 10 + ["United Kingdom"] * 2


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0].strip()


def talent_record() -> dict:
    text = SEED.read_text(encoding="utf-8")  # type: ignore[union-attr]
    groups = _between(text, "Review each arm or cohort in the study, along with the interventions "
                      "and objectives associated with them.", "Interventions\n")
    cohort_a = _between(groups, "Cohort A", "Group Type")
    cohort_b = _between(groups, "Cohort B", "Group Type")
    criteria = "Inclusion Criteria" + _between(text, "Inclusion Criteria", "Minimum Eligible Age")
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT02678780",
                                 "briefTitle": "Lenvatinib Efficacy in Metastatic Neuroendocrine "
                                               "Tumors"},
        "statusModule": {"overallStatus": "COMPLETED",
                         "startDateStruct": {"date": "2015-10-31"},
                         "completionDateStruct": {"date": "2020-08-31"},
                         "lastUpdatePostDateStruct": {"date": "2025-07-24"}},
        "descriptionModule": {"detailedDescription": _between(
            text, "procedures in greater depth.", "Conditions\n")},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"],
                         "designInfo": {"allocation": "NON_RANDOMIZED",
                                        "interventionModel": "PARALLEL",
                                        "primaryPurpose": "TREATMENT",
                                        "maskingInfo": {"masking": "NONE"}},
                         "enrollmentInfo": {"count": 123}},
        "armsInterventionsModule": {
            "armGroups": [{"label": "Cohort A", "type": "EXPERIMENTAL",
                           "description": cohort_a, "interventionNames": ["Drug: Lenvatinib"]},
                          {"label": "Cohort B", "type": "EXPERIMENTAL",
                           "description": cohort_b, "interventionNames": ["Drug: Lenvatinib"]}],
            "interventions": [{"type": "DRUG", "name": "Lenvatinib",
                               "otherNames": ["LENVIMA"]}]},
        "eligibilityModule": {"eligibilityCriteria": criteria, "healthyVolunteers": False,
                              "sex": "ALL", "minimumAge": "18 Years"},
        "contactsLocationsModule": {"locations": [{"country": c} for c in SITE_COUNTRIES]},
    }, "hasResults": True}


def _hand_rows() -> list[dict[str, str]]:
    with (TALENT / "values_registry.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


TYPED = ("enrolled", "study_start", "primary_completion", "study_completion", "first_posted",
         "last_update")


def _reproduced(hand: dict[str, str], rows: list[dict[str, str]]) -> bool:
    """A row of the same quantity and value, and for enrollment and dates the same type.

    The hand-made eligibility rows name each criterion in ``category`` in the
    transcriber's words; the drafter cannot know those, so only the type is compared there.
    """
    return any(r["quantity"] == hand["quantity"] and same_value(r, hand)
               and (hand["quantity"] not in TYPED or r["category"] == hand["category"])
               for r in rows)


@needs_seed
def test_structured_fields_reproduce_the_hand_made_rows_exactly() -> None:
    rows = [d.fields for d in registry_rows(talent_record(), read_names(TALENT / "trial.yaml"),
                                            "registry")]
    structured = ("last_update", "enrolled", "study_start", "study_completion", "centers",
                  "countries", "design_n_total")
    for hand in _hand_rows():
        if hand["quantity"] in structured:
            assert _reproduced(hand, rows), hand["id"]
    enrolled = next(r for r in rows if r["quantity"] == "enrolled")
    assert enrolled["location"] == "protocolSection.designModule.enrollmentInfo"
    assert enrolled["category"] == ""  # the record gives no ACTUAL/ESTIMATED type
    age = next(r for r in rows if r["location"].endswith("minimumAge"))
    assert (age["value"], age["comparator"], age["unit"]) == ("18", ">=", "years")


@needs_seed
def test_most_hand_made_registry_rows_are_reproduced() -> None:
    """Same quantity, value and type: measured 72 of the 74 rows.

    The two left are "2010 WHO (World Health Organization) classification" of the arm
    descriptions, a year read as the version of a classification (the drafter reads the
    year as a number, not as a label).
    """
    rows = [d.fields for d in registry_rows(talent_record(), read_names(TALENT / "trial.yaml"),
                                            "registry")]
    hand = _hand_rows()
    share = sum(_reproduced(h, rows) for h in hand) / len(hand)
    assert share >= 0.95, share
    assert all(r["location"].startswith("protocolSection.") for r in rows)


_ARMS = [{"id": "G0", "title": "Cabozantinib"}, {"id": "G1", "title": "Placebo"}]
FICTIONAL = {
    "protocolSection": {
        "statusModule": {"startDateStruct": {"date": "2020-01", "type": "ACTUAL"},
                         "primaryCompletionDateStruct": {"date": "2024-06",
                                                         "type": "ESTIMATED"}},
        "designModule": {"enrollmentInfo": {"count": 90, "type": "ACTUAL"}},
    },
    "resultsSection": {
        "participantFlowModule": {
            "groups": _ARMS,
            "periods": [{"title": "Overall Study", "milestones": [
                {"type": "STARTED", "achievements": [{"groupId": "G0", "numSubjects": "60"},
                                                     {"groupId": "G1", "numSubjects": "30"}]}]}]},
        "outcomeMeasuresModule": {"outcomeMeasures": [{
            "title": "Progression-free Survival", "paramType": "MEDIAN", "unitOfMeasure": "months",
            "dispersionType": "CONFIDENCE_95",
            "groups": _ARMS,
            "classes": [{"categories": [{"measurements": [
                {"groupId": "G0", "value": "8.4", "lowerLimit": "7.6", "upperLimit": "12.7"},
                {"groupId": "G1", "value": "3.9", "lowerLimit": "3.0", "upperLimit": "5.7"}]}]}],
            "analyses": [{"paramType": "Hazard Ratio (HR)", "paramValue": "0.38",
                          "ciPctValue": "95", "ciLowerLimit": "0.25", "ciUpperLimit": "0.59",
                          "pValue": "<0.001"}]}]},
        "adverseEventsModule": {
            "eventGroups": [{"id": "EG000", "title": "Cabozantinib"}],
            "seriousEvents": [{"term": "Hypertension", "stats": [
                {"groupId": "EG000", "numAffected": 12, "numAtRisk": 59}]}]},
    },
}


def test_results_section_of_a_fictional_record() -> None:
    names = read_names(ROOT / "data" / "raw" / "cabinet" / "trial.yaml")
    rows = [d.fields for d in registry_rows(FICTIONAL, names, "nejm2025")]

    def one(**m: str) -> dict[str, str]:
        found = [r for r in rows if all(r[k] == v for k, v in m.items())]
        assert len(found) == 1, (m, found)
        return found[0]

    assert one(quantity="study_start")["category"] == "actual"
    assert one(quantity="primary_completion")["category"] == "estimated"
    assert one(quantity="randomized", arm="cabozantinib")["value"] == "60"
    assert one(quantity="randomized", arm="placebo")["value"] == "30"
    assert one(quantity="pfs", statistic="median", arm="placebo")["value"] == "3.9"
    assert one(quantity="pfs", statistic="ci_high", arm="cabozantinib")["value"] == "12.7"
    hr = one(quantity="pfs_hr", statistic="estimate")
    assert (hr["value"], hr["unit"], hr["arm"]) == ("0.38", "ratio", "")
    p = one(quantity="pfs_hr", statistic="p_value")
    assert (p["value"], p["comparator"]) == ("0.001", "<")
    ae = one(quantity="ae_any_grade")
    assert (ae["category"], ae["value"], ae["denominator"]) == ("Hypertension", "12", "59")


def test_bad_records(tmp_path: Path) -> None:
    for content, message in (("[1, 2]", "no protocolSection"), ("{not json", "not a JSON"),
                             ("", "the file is empty")):
        path = tmp_path / "r.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(SourceError, match=message):
            read_record(path)


@needs_seed
def test_cli_registry(tmp_path: Path) -> None:
    record = tmp_path / "NCT02678780.json"
    record.write_text(json.dumps(talent_record()), encoding="utf-8")
    out = tmp_path / "values_registry.draft.csv"
    result = subprocess.run([sys.executable, "-m", "trialrecon.cli", "draft", str(record),
                             "--registry", "--trial", str(TALENT / "trial.yaml"),
                             "--source-id", "registry", "--out", str(out)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["source"] for r in rows} == {"registry"}
    assert any(r["quantity"] == "enrolled" and r["value"] == "123" for r in rows)
