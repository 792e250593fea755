"""Spot checks of TALENT's registry transcription (data/raw/talent/values_registry.csv).

The reference is the ClinicalTrials.gov record NCT02678780 as stored in
shared/seeds/001_a7ae0674209bea1b.txt; each case names the record section it was read from.
The registry rows are loaded through ``load_dossier`` from a copy of the dossier holding only
``trial.yaml`` and ``values_registry.csv``, so a problem in the paper's ``values.csv`` (another
transcription) does not mask or fail these checks; one test validates the real dossier and
keeps only the problems that point at the registry file.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from trialrecon.dossier import load_dossier, validate_dossier

DOSSIER = Path(__file__).resolve().parents[1] / "data" / "raw" / "talent"
REGISTRY_FILE = "values_registry.csv"
# The source documents sit in shared/seeds beside the repository (as in CI) when available.
_SEED_NAME = "001_a7ae0674209bea1b.txt"
_CANDIDATES = [Path(__file__).resolve().parents[2] / "shared" / "seeds" / _SEED_NAME,
               Path("/work/shared/seeds") / _SEED_NAME]
SEED = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])
INC = "Eligibility Criteria / Inclusion Criteria"
EXC = "Eligibility Criteria / Exclusion Criteria"


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The registry rows, loaded by ``load_dossier`` from a registry-only copy of the dossier."""
    folder = tmp_path_factory.mktemp("registry_only") / "talent"  # folder name = trial id
    folder.mkdir()
    shutil.copy(DOSSIER / "trial.yaml", folder / "trial.yaml")
    shutil.copy(DOSSIER / REGISTRY_FILE, folder / REGISTRY_FILE)
    return load_dossier(folder).values


def one(frame: pd.DataFrame, **match: str) -> pd.Series:
    """The single row whose columns equal ``match`` (fails when zero or several match)."""
    sel = frame
    for col, val in match.items():
        sel = sel[sel[col] == val]
    assert len(sel) == 1, f"{len(sel)} rows match {match}"
    return sel.iloc[0]


def test_registry_rows_valid_in_full_dossier() -> None:
    # The real dossier also holds the paper's rows; only problems in the registry file
    # (including an id that clashes with a paper id) are this transcription's to fix.
    mine = [p for p in validate_dossier(DOSSIER) if Path(p.file).name == REGISTRY_FILE]
    assert mine == [], "\n".join(str(p) for p in mine)


def test_every_row_is_a_registry_row(reg: pd.DataFrame) -> None:
    assert set(reg["source"]) == {"registry"}
    assert reg["id"].str.startswith("reg_").all()
    assert set(reg["file"]) == {REGISTRY_FILE}


# --- spot checks against the record, one per printed statement ---------------------------


def test_enrollment(reg: pd.DataFrame) -> None:
    # Basic Information: "Total Enrollment / 123 participants". The record prints no
    # ACTUAL/ESTIMATED label, so category stays empty and the note says so.
    row = one(reg, quantity="enrolled", source="registry")
    assert (row["location"], row["cohort"], row["statistic"]) == (
        "Basic Information", "total", "count")
    assert row["value_num"] == 123 and row["unit"] == "patients"
    assert row["category"] == "" and "ACTUAL/ESTIMATED" in row["note"]


@pytest.mark.parametrize(
    ("quantity", "location", "printed"),
    [
        ("study_start", "Basic Information", "2015-10-31"),  # "Study Start Date 2015-10-31"
        ("study_completion", "Basic Information", "2020-08-31"),  # "Study Completion Date ..."
        ("last_update", "Record header", "2025-07-24"),  # "Last Updated: 2025-07-24"
    ],
)
def test_registry_dates(reg: pd.DataFrame, quantity: str, location: str, printed: str) -> None:
    row = one(reg, quantity=quantity)
    assert (row["location"], row["value"], row["statistic"], row["unit"]) == (
        location, printed, "date", "date")
    assert pd.isna(row["value_num"])  # dates are text, never numbers


def test_no_primary_completion_or_first_posted(reg: pd.DataFrame) -> None:
    # The stored record shows neither a primary completion date nor a first-posted date;
    # a row for either would be invented.
    assert not reg["quantity"].isin(["primary_completion", "first_posted"]).any()


def test_planned_sample(reg: pd.DataFrame) -> None:
    # Detailed Description: "Number of patients: 110 patients" (no per-cohort split printed).
    row = one(reg, quantity="design_n_total")
    assert (row["location"], row["cohort"], row["value_num"]) == (
        "Detailed Description", "total", 110)
    assert not (reg["quantity"] == "design_n_per_group").any()


@pytest.mark.parametrize("cohort", ["panNET", "GI-NET"])
def test_dose_per_cohort(reg: pd.DataFrame, cohort: str) -> None:
    # Study Groups, Cohort A (pancreas) and Cohort B (GI tract): "Dosing schedule of 24 mg
    # once a day of Lenvatinib" (unit mg, as the paper's dose rows, so the two compare).
    row = one(reg, quantity="dose", cohort=cohort)
    assert (row["location"], row["value_num"], row["unit"]) == ("Study Groups", 24, "mg")
    # The record lists no reduced dose levels (the paper's 20/14/10 mg are not in it).
    assert not (reg["quantity"] == "dose_level").any()


def test_who_classification_per_cohort(reg: pd.DataFrame) -> None:
    # Study Groups: both cohorts are "grade 1/2 (G1/G2) of 2010 WHO ... classification".
    rows = reg[(reg["quantity"] == "criteria_version") & (reg["category"] == "WHO classification")]
    assert sorted(rows["cohort"]) == ["GI-NET", "panNET"]
    assert set(rows["value"]) == {"2010"} and set(rows["location"]) == {"Study Groups"}


@pytest.mark.parametrize(
    ("location", "category", "statistic", "comparator", "value", "unit", "cohort"),
    [
        # Inclusion 16: "Males or females age ≥ 18 years at the time of informed consent."
        (INC, "minimum age", "value", ">=", 18, "years", "total"),
        # Minimum Eligible Age: "18 Years"
        ("Eligibility Criteria / Minimum Eligible Age", "minimum age", "value", ">=", 18, "years",
         "total"),
        # Inclusion 9: "ECOG Performance Status of 0 - 1"
        (INC, "ECOG performance status", "range_low", "", 0, "none", "total"),
        (INC, "ECOG performance status", "range_high", "", 1, "none", "total"),
        # Inclusion 3: progression "within 12 months (... i.e., within ≤ 13 months)"
        (INC, "progression within the last months", "value", "<=", 12, "months", "total"),
        (INC, "progression within the last months, scan allowance", "value", "<=", 13,
         "months", "total"),
        # Inclusion 4.1: panNET "only one previous line of targeted agent(s)-based therapy"
        (INC, "previous lines of targeted agents (inclusion)", "value", "", 1, "none", "panNET"),
        # Exclusion 2: "Two or more prior lines of targeted agents-based therapy in pancreatic"
        (EXC, "previous lines of targeted agents (exclusion)", "value", ">=", 2, "none", "panNET"),
        # Inclusion 5 / exclusion 3: one previous chemotherapy line allowed in panNET
        (INC, "previous lines of chemotherapy (inclusion)", "value", "<=", 1, "none", "panNET"),
        (EXC, "previous lines of chemotherapy (exclusion)", "value", ">", 1, "none", "panNET"),
        # Inclusion 1.1 / 1.2: "Ki67<20%" for the pancreatic and the GI tumor types
        (INC, "Ki-67 index", "value", "<", 20, "percent", "panNET"),
        (INC, "Ki-67 index", "value", "<", 20, "percent", "GI-NET"),
        # Inclusion 4.2: GI origin, "octreotide LAR 30 mg every 28 days"
        (INC, "antitumoral dose: octreotide LAR", "value", "", 30, "mg", "GI-NET"),
        # Exclusion 11: "Prolongation of QTcF interval to > 480 msec."
        (EXC, "QTcF (msec)", "value", ">", 480, "none", "total"),
    ],
)
def test_eligibility_numbers(reg: pd.DataFrame, location: str, category: str, statistic: str,
                             comparator: str, value: float, unit: str, cohort: str) -> None:
    row = one(reg, quantity="eligibility", location=location, category=category,
              statistic=statistic, cohort=cohort)
    assert (row["comparator"], row["value_num"], row["unit"]) == (comparator, value, unit)


@pytest.mark.parametrize(
    ("category", "printed", "n_statements"),
    [
        # "RECIST v 1.1" (Detailed Description) + "RECIST 1.1" in inclusion 2.1, 2.2 and 3
        ("RECIST", "1.1", 4),
        # Inclusion 8: "(following CTCAE V 4.03 grade levels)"
        ("CTCAE", "4.03", 1),
    ],
)
def test_criteria_versions(reg: pd.DataFrame, category: str, printed: str,
                           n_statements: int) -> None:
    rows = reg[(reg["quantity"] == "criteria_version") & (reg["category"] == category)]
    assert len(rows) == n_statements
    assert set(rows["value"]) == {printed} and set(rows["statistic"]) == {"label"}


def test_sites_and_countries(reg: pd.DataFrame) -> None:
    # Locations: 22 site entries (Austria 2: Graz, Vienna; Italy 8: Brescia, Catania, Florence,
    # Meldola, Milan, Modena, Napoli, Verona; Spain 10: Malaga, Donostia, Santander, Oviedo,
    # Barcelona, L'Hospitalet, Madrid x3, Zaragoza; United Kingdom 2: Glasgow, Manchester).
    # Countries: "Austria Italy Spain United Kingdom". No total is printed, hence the notes.
    assert 2 + 8 + 10 + 2 == 22
    centers = one(reg, quantity="centers")
    countries = one(reg, quantity="countries")
    assert (centers["location"], centers["value_num"], centers["unit"]) == (
        "Locations", 22, "centers")
    assert (countries["location"], countries["value_num"], countries["unit"]) == (
        "Countries", 4, "countries")
    assert "count of" in centers["note"] and "count of" in countries["note"]


# --- coverage ------------------------------------------------------------------------------

# Rows per location, counted by reading the record top to bottom, one row per printed number
# (numbers written as words included where they are a criterion's threshold):
EXPECTED_ROWS = {
    # "Last Updated: 2025-07-24"
    "Record header": 1,
    # Total Enrollment 123, Study Start Date, Study Completion Date (Phase 2 is not a value)
    "Basic Information": 3,
    # "RECIST v 1.1" and "Number of patients: 110" ("24 months" of participation fits no
    # quantity and is left out, see the report)
    "Detailed Description": 2,
    # 2 cohorts x (2010 WHO classification + 24 mg once a day); capsule counts left out
    "Study Groups": 4,
    # criterion: rows -> 1.1: 2 (Ki67, mitoses), 1.2: 2, 2.1: 5 (1 lesion, 1.0 cm, 1.5 cm,
    # 1.5 cm, RECIST), 2.2: 1 (RECIST), 3: 3 (12, 13 months, RECIST), 4.1: 1, 4.2: 4 (30 mg,
    # 28 d, 120 mg, 28 d), 5: 1, 7: 1, 8: 2 (grade 2, CTCAE 4.03), 9: 2 (ECOG 0, 1), 10: 1,
    # 11: 3 (150, 90 mmHg, 1 week), 12: 1, 13: 3 (ANC, platelets, Hb), 14: 1, 15: 3, 16: 1,
    # 17: 8 (25 IU/L, 72 h, 30 d, 12 months, 1 month x2, 4 weeks, 30 d), 18: 2 (1 cycle, 30 d)
    # = 2+2+5+1+3+1+4+1+1+2+2+1+3+1+3+1+3+1+8+2 = 47
    INC: 47,
    # 2: 1 (two TA lines), 3: 1 (more than one chemo line), 6: 2 (21, 30 days), 7: 1 (3 weeks),
    # 8: 2 (1+, 1 g/24h), 10: 3 (NYHA II, 6 months, 50%), 11: 1 (480 msec), 13: 2 (0.5
    # teaspoon, 3 weeks), 15: 1 (5 years) = 1+1+2+1+2+3+1+2+1 = 14
    EXC: 14,
    "Eligibility Criteria / Minimum Eligible Age": 1,  # "18 Years"
    "Locations": 1,  # the 22 listed sites, counted
    "Countries": 1,  # the 4 listed countries, counted
}


def test_rows_per_location(reg: pd.DataFrame) -> None:
    assert Counter(reg["location"]) == Counter(EXPECTED_ROWS)
    assert len(reg) == 1 + 3 + 2 + 4 + 47 + 14 + 1 + 1 + 1


@pytest.mark.skipif(not SEED.is_file(), reason="the source record is not on this machine")
def test_anchors_are_verbatim(reg: pd.DataFrame) -> None:
    # Ctrl-F must find every anchor in the record. The stored text escapes some characters
    # for Markdown ("Ki67\<20%") and wraps lines, so backslashes and runs of whitespace are
    # normalised on both sides before searching.
    text = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8").replace("\\", ""))
    missing = [r.id for r in reg.itertuples() if re.sub(r"\s+", " ", r.anchor) not in text]
    assert missing == []
