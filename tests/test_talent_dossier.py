"""Checks of the TALENT dossier against the paper it was transcribed from.

Source: Capdevila J, et al. Lenvatinib in patients with advanced grade 1/2 pancreatic and
gastrointestinal neuroendocrine tumors: results of the phase II TALENT trial (GETNE1509).
J Clin Oncol 39:2304-2312, 2021 (shared seed 000_b2b5ef46d79f5bfb.txt).

The expected values below were read off the paper by hand, independently of the CSV, so a
mistyped or dropped row makes a test fail.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trialrecon.dossier import load_dossier, validate_dossier

DOSSIER = Path(__file__).resolve().parents[1] / "data" / "raw" / "talent"
PAPER = "jco2021"


@pytest.fixture(scope="module")
def paper_values() -> pd.DataFrame:
    values = load_dossier(DOSSIER).values
    return values[values["source"] == PAPER]


def _lookup(values: pd.DataFrame, location: str, cohort: str, quantity: str, category: str,
            statistic: str) -> pd.DataFrame:
    mask = (
        (values["location"] == location)
        & (values["cohort"] == cohort)
        & (values["quantity"] == quantity)
        & (values["category"] == category)
        & (values["statistic"] == statistic)
    )
    return values[mask]


# (location, cohort, quantity, category, statistic, every value printed there, as printed).
# A list of several values means the paper states the same quantity more than once in that place.
SPOT_CHECKS = [
    # Table 2, Partial response, panNETs: 23 (44.2)
    ("Table 2", "panNET", "best_response", "PR", "count", ["23"]),
    ("Table 2", "panNET", "best_response", "PR", "percent", ["44.2"]),
    # Table 2, Progressive disease, panNETs: 2 (3.9) -- kept as printed (2/52 is 3.8%)
    ("Table 2", "panNET", "best_response", "PD", "percent", ["3.9"]),
    # Table 2, Not evaluable, GI-NETs: 3 (5.5) with footnote b
    ("Table 2", "GI-NET", "best_response", "NE", "count", ["3"]),
    # Table 2, Patients with tumor assessment, Total: 107 (96.4)
    ("Table 2", "total", "evaluable_response", "", "count", ["107"]),
    # Table 2, Overall response rate (95% CI), Total: 29.9% (21.6 to 39.6)
    ("Table 2", "total", "orr", "", "ci_low", ["21.6"]),
    ("Table 2", "total", "orr", "", "ci_high", ["39.6"]),
    # Table 2, Disease control rate, GI-NETs: 92.7% (81.6 to 97.6)
    ("Table 2", "GI-NET", "dcr", "", "percent", ["92.7"]),
    # Table 2, Median duration of response, months (range), GI-NETs: 33.9 (10.6-38.3)
    ("Table 2", "GI-NET", "dor", "", "range_low", ["10.6"]),
    # Table 2 footnote a: "Four patients (three panNETs and one GI-NET) withdrew ..."
    ("Table 2 footnote a", "panNET", "withdrew_consent", "", "count", ["3"]),
    # Table 1, Ki67 index stratified, 10%-20%, panNET: 26 (48.2)
    ("Table 1", "panNET", "ki67_stratum", "10%-20%", "percent", ["48.2"]),
    # Table 1, Ki67 index stratified, Missing, GI-NET: 2 (no percentage printed)
    ("Table 1", "GI-NET", "ki67_stratum", "Missing", "count", ["2"]),
    # Table 1, Median years from initial diagnosis (range), panNET: 4.4 (0.98-13.2)
    ("Table 1", "panNET", "time_from_diagnosis", "", "range_low", ["0.98"]),
    # Table 1, Previous treatments, Somatostatin analogs, GI-NET: 56 (100) with footnote b
    ("Table 1", "GI-NET", "prior_treatment", "Somatostatin analogs", "percent", ["100"]),
    # Table 1, Previous treatments, Everolimus, panNET: 38 (69.0)
    ("Table 1", "panNET", "prior_treatment", "Everolimus", "percent", ["69.0"]),
    # Table 3, Hypertension, GI-NETs (n = 56), Grade 3/4: 13 (23.2)
    ("Table 3", "GI-NET", "ae_grade34", "Hypertension", "count", ["13"]),
    ("Table 3", "GI-NET", "ae_grade34", "Hypertension", "percent", ["23.2"]),
    # Table 3, Diarrhea, GI-NETs (n = 56), Grade 1/2: 28 (50)
    ("Table 3", "GI-NET", "ae_grade12", "Diarrhea", "percent", ["50"]),
    # Table 3, Epistaxis, PanNETs (n = 55), Grade 1/2: 8 (14.6)
    ("Table 3", "panNET", "ae_grade12", "Epistaxis", "count", ["8"]),
    # Abstract: "The overall response rate was 29.9% (95% CI, 21.6 to 39.6)"
    ("Abstract", "total", "orr", "", "percent", ["29.9"]),
    # Abstract: "93.7% of patients required dose reductions or interruptions"
    ("Abstract", "total", "dose_reduction_or_interruption", "", "percent", ["93.7"]),
    # Abstract and Results: "Between September 2015 and March 2017"
    ("Abstract", "total", "enrollment_start", "", "date", ["2015-09"]),
    ("Results", "total", "enrollment_end", "", "date", ["2017-03"]),
    # Procedures: "progressive dose reductions (20/14/10 mg)"
    ("Procedures", "total", "dose_level", "first reduction", "value", ["20"]),
    ("Procedures", "total", "dose_level", "third reduction", "value", ["10"]),
    # Statistical Considerations: "ORR data (9.3%) from the only MKI (sunitinib)"
    ("Statistical Considerations", "total", "design_historical_orr", "sunitinib", "percent",
     ["9.3"]),
    # Statistical Considerations: "55 patients per group", "90% power and α -error of 5%"
    ("Statistical Considerations", "total", "design_n_per_group", "", "value", ["55"]),
    ("Statistical Considerations", "total", "design_power", "", "percent", ["90"]),
    ("Statistical Considerations", "total", "design_alpha", "", "percent", ["5"]),
    # Statistical Considerations: "R statistical software program v.2.14.2"
    ("Statistical Considerations", "total", "criteria_version", "R statistical software",
     "label", ["2.14.2"]),
    # Results: small intestine (n = 44; 81.5%) among GI-NET primary sites
    ("Results", "GI-NET", "primary_site", "Small intestine", "count", ["44"]),
    ("Results", "GI-NET", "primary_site", "Small intestine", "percent", ["81.5"]),
    # Results: investigators' ORR "33.6% (42.3% and 25.4% for the panNET and GI-NET ...)"
    ("Results", "GI-NET", "orr_investigator", "", "percent", ["25.4"]),
    # Results: panNET median PFS "15.6 (95% CI, 11.4 to not reached)"
    ("Results", "panNET", "pfs", "", "median", ["15.6"]),
    # Results: "The median OS was 32 months (95% CI, 26.47 to not reached)"
    ("Results", "panNET", "os", "", "median", ["32"]),
    ("Results", "panNET", "os", "", "ci_low", ["26.47"]),
    # Results: "A total of 37 deaths (33.3%)"
    ("Results", "total", "deaths", "", "count", ["37"]),
    # Results: discontinuation "GI-NETs (n = 10, 17.8%)"
    ("Results", "GI-NET", "discontinuation_toxicity", "", "percent", ["17.8"]),
    # Results: "hypertension (22.7%), asthenia (13.6%), and diarrhea (10.9%)" (grade 3/4)
    ("Results", "total", "ae_grade34", "Asthenia", "percent", ["13.6"]),
    # Discussion: panNET PFS "(28 and 37 months, respectively)" and
    # "PFS and OS (15.7 and 31 months, respectively)": two statements, both kept
    ("Discussion", "panNET", "pfs", "", "median", ["15.7", "28"]),
    ("Discussion", "GI-NET", "pfs", "", "median", ["37"]),
    # Discussion: "31 months" for panNET OS, kept although Results print 32
    ("Discussion", "panNET", "os", "", "median", ["31"]),
    # Discussion: panNET ORR "44.2% centrally confirmed" and "the strong ORR (44%)"
    ("Discussion", "panNET", "orr", "", "percent", ["44", "44.2"]),
    # Discussion: AXINET "a trend toward better PFS (17.2 v 12.3 months)"
    ("Discussion", "GI-NET", "external_pfs", "axitinib plus octreotide, AXINET (ref 18)",
     "median", ["17.2"]),
    # Figure 2 legend: "(A) patients with pancreatic NETs (n = 23)"
    ("Figure 2 legend", "panNET", "responders", "", "count", ["23"]),
]


@pytest.mark.parametrize(
    ("location", "cohort", "quantity", "category", "statistic", "expected"), SPOT_CHECKS
)
def test_spot_check_against_paper(paper_values: pd.DataFrame, location: str, cohort: str,
                                  quantity: str, category: str, statistic: str,
                                  expected: list[str]) -> None:
    found = _lookup(paper_values, location, cohort, quantity, category, statistic)
    assert sorted(found["value"]) == sorted(expected)
    # value_num must agree with the printed text for numeric statistics.
    if statistic not in ("date", "label"):
        assert sorted(found["value_num"]) == sorted(float(v) for v in expected)


def test_not_reached_bounds_are_markers(paper_values: pd.DataFrame) -> None:
    """Results: "15.6 (95% CI, 11.4 to not reached)" and OS "26.47 to not reached" (panNET);
    GI-NET median OS "not reached"."""
    pfs_high = _lookup(paper_values, "Results", "panNET", "pfs", "", "ci_high")
    os_high = _lookup(paper_values, "Results", "panNET", "os", "", "ci_high")
    os_gi = _lookup(paper_values, "Results", "GI-NET", "os", "", "median")
    for found in (pfs_high, os_high, os_gi):
        assert list(found["marker"]) == ["not_reached"]
        assert list(found["value"]) == [""]
        assert found["value_num"].isna().all()


def test_design_comparators_as_printed(paper_values: pd.DataFrame) -> None:
    """Statistical Considerations: "an ORR < 10%", "ORR ≥ 25%", "Two-sided P values of ≤ .05"."""
    p0 = _lookup(paper_values, "Statistical Considerations", "total", "design_p0", "", "percent")
    p1 = _lookup(paper_values, "Statistical Considerations", "total", "design_p1", "", "percent")
    sig = _lookup(paper_values, "Statistical Considerations", "total", "significance_level", "",
                  "value")
    assert list(zip(p0["comparator"], p0["value"], strict=True)) == [("<", "10")]
    assert list(zip(p1["comparator"], p1["value"], strict=True)) == [(">=", "25")]
    assert list(zip(sig["comparator"], sig["value"], sig["sided"], strict=True)) == [
        ("<=", "0.05", "two_sided")
    ]


def test_table_cells_carry_column_header_denominator(paper_values: pd.DataFrame) -> None:
    """Every cell of Tables 1-3 carries the n of its column header (55, 56 or 111)."""
    header_n = {"panNET": "55", "GI-NET": "56", "total": "111"}
    cells = paper_values[
        paper_values["location"].isin(["Table 1", "Table 2", "Table 3"])
        & (paper_values["row"] != "")
    ]
    assert len(cells) > 0
    assert (cells["denominator"] == cells["cohort"].map(header_n)).all()


def test_footnote_marks_as_printed(paper_values: pd.DataFrame) -> None:
    """Table 2: footnote a on the three 'Patients with tumor assessment' cells (count and
    percent), footnote b on 'Not evaluable' GI-NETs 3 (5.5) and Total 3 (2.8); Table 1:
    footnote b on Somatostatin analogs GI-NET 56 (100), footnote a on the tumor grade rows."""
    t2 = paper_values[paper_values["location"] == "Table 2"]
    assert set(t2.loc[t2["footnote"] == "a", "quantity"]) == {"evaluable_response"}
    assert (t2["footnote"] == "a").sum() == 6
    assert set(t2.loc[t2["footnote"] == "b", "category"]) == {"NE"}
    assert (t2["footnote"] == "b").sum() == 4
    t1 = paper_values[paper_values["location"] == "Table 1"]
    assert set(t1.loc[t1["footnote"] == "b", "category"]) == {"Somatostatin analogs"}
    assert set(t1.loc[t1["footnote"] == "a", "quantity"]) == {"tumor_grade"}


# Rows per location, counted by hand from the paper (a count and its percent are two rows, a
# median with its range three, an estimate with its CI three).
EXPECTED_ROWS = {
    # 2 column headers (n = 55, n = 56) + age 3x2 + female 2x2 + ECOG 0 2x2 + Ki67 median 3x2
    # + Ki67 strata (3 strata x 2 cohorts x 2 + Missing 1x2 = 14) + years from diagnosis 3x2
    # + grade 3 levels x 2 cohorts x 2 = 12 + previous treatments (resection primary 4,
    # metastases 4, SSA 4, chemotherapy 2+1, everolimus 2+1, sunitinib 2+1, other TA 2+1 = 24)
    # = 2 + 6 + 4 + 4 + 6 + 14 + 6 + 12 + 24 = 78
    "Table 1": 78,
    # "One patient also received interferon."
    "Table 1 footnote b": 1,
    # 3 column headers + tumor assessment 2x3 + CR 1x3 (all "0") + PR, SD, PD 2x3 each
    # + NE (panNET "0", GI-NET and Total count + percent) 5 + ORR 3x3 + DCR 3x3 + DoR 3x3
    # = 3 + 6 + 3 + 18 + 5 + 9 + 9 + 9 = 62
    "Table 2": 62,
    # "Four patients (three panNETs and one GI-NET)": 4, 3, 1
    "Table 2 footnote a": 3,
    # 2 column headers + 20 events x 2 cohorts x 2 grades x (count + percent) = 2 + 160
    "Table 3": 162,
    # "(Common Terminology Criteria for Adverse Events, v.4.03)"
    "Table 3 title": 1,
    # 21 institutions, 4 countries, 24 mg, September 2015, March 2017, 111, 55, 56,
    # follow-up 23, ORR 29.9 + CI (3), 44.2, 16.4, DoR 19.9 (8.4-30.8) and 33.9 (10.6-38.3)
    # (6), PFS 15.7 + CI (3), 93.7% = 3 + 2 + 3 + 1 + 3 + 2 + 6 + 3 + 1 = 24
    "Abstract": 24,
    # 21 centers, age >= 18, RECIST 1.1, progression during the last 12 months,
    # ECOG 0-1 (2), >= 2 previous lines of TAs = 7
    "Study Design and Participants": 7,
    # 24 mg, RECIST v.1.1, CTCAE v.4.03, dose levels 20/14/10 (3), weeks 6 and 12 (2),
    # every 12 weeks, cutoff 12 weeks = 10
    "Procedures": 10,
    # RECIST v.1.1
    "Outcome Measures": 1,
    # RECIST 1.1, 9.3%, < 10%, >= 25%, 55 per group, 90% power, alpha 5%, P <= .05, R 2.14.2
    "Statistical Considerations": 9,
    # dates 2 + 111 + GI-NET sites 4 x 2 + ORR with CI 3 x 3 + investigator ORR 3
    # + DoR overall 3 + DoR by cohort 6 + follow-up 23 + PFS with CI 3 x 3 + deaths 2
    # + OS panNET 3 + OS GI-NET 1 + dose reduction + interruption 2 + treatment duration 2
    # + median dose 1 + discontinuation 3 x 2 + grade 3/4 rates 3
    # = 2 + 1 + 8 + 9 + 3 + 3 + 6 + 1 + 9 + 2 + 3 + 1 + 2 + 2 + 1 + 6 + 3 = 62
    "Results": 62,
    # 24 mg, PRRT 18%, ORR 16.4%, ORR 44.2%, other TAs < 10%, chemotherapy 28%-33% (2),
    # combinations 31%-41% (2), surufatinib 19% and 10% (2), axitinib ORR 17.5%, PFS 17.2 v
    # 12.3 (2), 29.9% overall, DoR 19.9 and 33.9 (2), PFS 28 and 37 (2), ORR 44%, PFS and OS
    # 15.7 and 31 (2), full cohort PFS 15.7 + CI (3), pazopanib 11 months, 2.1%, 21.9%,
    # cabozantinib 15%, SANET-p 4% and 14%, SANET-ep 34% and 8%, > 90%, 20 mg QD, 14%
    # = 1+1+1+1+1+2+2+2+1+2+1+2+2+1+2+3+1+1+1+1+2+2+1+1+1 = 36
    "Discussion": 36,
    # n = 23 and n = 9
    "Figure 2 legend": 2,
}


def test_row_counts_per_location(paper_values: pd.DataFrame) -> None:
    counts = paper_values["location"].value_counts().to_dict()
    assert counts == EXPECTED_ROWS


def test_dossier_is_valid() -> None:
    assert [str(p) for p in validate_dossier(DOSSIER)] == []
