"""Readable titles and words, made once for every check (trialrecon.checks.titles)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trialrecon.checks import run_checks
from trialrecon.checks.findings import ValueRef, unit_text
from trialrecon.checks.titles import human_free_of_ids, humanize, quantity_label
from trialrecon.dossier import load_dossier

TALENT = Path(__file__).resolve().parents[2] / "data" / "raw" / "talent"


@pytest.fixture(scope="module")
def talent():
    return run_checks(load_dossier(TALENT))


def test_title_names_quantity_cohort_values_and_places(talent):
    titles = {f.title for f in talent.findings}
    assert "Median OS, panNET: 32 months (Results) vs 31 months (Discussion)" in titles
    assert "Median PFS, GI-NET: 15.7 months (Results) vs 37 months (Discussion)" in titles


def test_no_vocabulary_ids_in_titles_and_sentences(talent):
    for f in talent.findings:
        for text in (f.title, f.sentence):
            assert human_free_of_ids(text), text


def test_plurals():
    assert unit_text("1", "patients") == "patient" and unit_text("2", "patients") == "patients"
    assert unit_text("1.0", "months") == "month" and unit_text("1", "percent") == "%"
    row = {"id": "x", "value": "1", "unit": "patients", "comparator": ""}
    assert ValueRef.from_row(row).printed() == "1 patient"
    assert ValueRef.from_row({**row, "value": "", "marker": "not_reached"}).printed() == \
        "not reached"


def test_labels_and_words():
    assert quantity_label("os") == "OS" and quantity_label("ae_grade34") == "grade 3/4"
    assert humanize("ki67_stratum percentages of evaluable_response") == \
        "Ki-67 percentages of evaluable for response"
    assert humanize("26/54 (round_twice)") == "26/54 (rounding twice)"
    assert re.search(r"\bpooled 13.6% vs 12/111\b", humanize("pooled 13.6% != 12/111"))
