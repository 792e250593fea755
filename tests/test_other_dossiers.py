"""Checks of the CABINET, Alliance A021202 and pivotal NET trial dossiers against their sources.

Sources (shared seeds):
- CABINET, ``nejm2025``: Chan JA, et al. Phase 3 Trial of Cabozantinib to Treat Advanced
  Neuroendocrine Tumors. N Engl J Med 392:653-665, 2025, abstract (002_e012d838a070526f.txt).
- ``review2025``: Paulson S. Modern Approaches in Neuroendocrine Tumors (NETs). Clinical Advances
  in Hematology & Oncology, case study series, May 2025: Table 2 (pivotal trials), the CABINET
  text and Tables 3-5 with footnotes (003_d9ec351764cc8f0d.txt).
- A021202, ``jco2025``: Bergsland EK, et al. Randomized Phase II Trial of Pazopanib Versus
  Placebo in Patients With Advanced Extrapancreatic Neuroendocrine Tumors (Alliance A021202).
  J Clin Oncol 43:3170-3183, 2025, abstract (004_c30f7f25ad7531a3.txt).

Every expected value below was read off the source by hand, independently of the CSV files, so
a mistyped, misplaced or dropped row makes a test fail.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

from trialrecon.dossier import load_dossier, validate_dossier

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PIVOTAL = ["promid", "clarinet", "netter1", "netter2", "radiant3", "radiant4", "sun1111"]
TRIALS = ["cabinet", "a021202", *PIVOTAL]
PI_NOTE = "prescribing information March 26, 2025 update"


@pytest.fixture(scope="module")
def dossiers() -> dict[str, pd.DataFrame]:
    return {t: load_dossier(RAW / t).values for t in TRIALS}


@pytest.mark.parametrize("trial", TRIALS)
def test_dossier_is_valid(trial: str) -> None:
    assert [str(p) for p in validate_dossier(RAW / trial)] == []


class Spot(NamedTuple):
    """Where a number stands and what it is; `values` lists every statement found there."""

    trial: str
    source: str
    location: str
    cohort: str
    arm: str
    subgroup: str
    quantity: str
    category: str
    statistic: str
    values: list[str]
    comparator: str = ""
    marker: str = ""
    sided: str = ""


# fmt: off
SPOT_CHECKS = [
    # ---- CABINET, NEJM abstract (Results paragraph)
    # "In the cohort of 203 patients with extrapancreatic neuroendocrine tumors"
    Spot("cabinet", "nejm2025", "Abstract", "epNET", "", "", "randomized", "", "count",
         ["203"]),
    # "... the median progression-free survival with cabozantinib was 13.8 months"
    Spot("cabinet", "nejm2025", "Abstract", "pNET", "cabozantinib", "", "pfs", "", "median",
         ["13.8"]),
    # "(stratified hazard ratio, 0.23; 95% CI, 0.12 to 0.42; P<0.001)"
    Spot("cabinet", "nejm2025", "Abstract", "pNET", "", "", "pfs_hr", "", "ci_high", ["0.42"]),
    Spot("cabinet", "nejm2025", "Abstract", "epNET", "", "", "pfs_hr", "", "p_value", ["0.001"],
         comparator="<"),
    # "Grade 3 or higher adverse events were noted in 62 to 65% ... 23 to 27%"
    Spot("cabinet", "nejm2025", "Abstract", "total", "placebo", "", "ae_grade3plus", "any",
         "range_high", ["27"]),
    # "randomly assigned in a 2:1 ratio"
    Spot("cabinet", "nejm2025", "Abstract", "total", "cabozantinib", "", "allocation_ratio", "",
         "value", ["2"]),
    Spot("cabinet", "nejm2025", "Abstract", "total", "placebo", "", "allocation_ratio", "",
         "value", ["1"]),
    # ---- CABINET, review text
    # CABINET Study: "A total of 298 patients enrolled ... between October 2018 and August 2023"
    Spot("cabinet", "review2025", "CABINET Study", "total", "", "", "enrolled", "", "count",
         ["298"]),
    Spot("cabinet", "review2025", "CABINET Study", "total", "", "", "enrollment_end", "", "date",
         ["2023-08"]),
    # epNET section: median PFS 8.4 and, updated in the prescribing information, 8.5
    Spot("cabinet", "review2025", "CABINET: Outcomes in the epNET Cohort", "epNET",
         "cabozantinib", "", "pfs", "", "median", ["8.4", "8.5"]),
    # epNET section: "0% (95% CI, 0-5) with placebo (P = .05)"
    Spot("cabinet", "review2025", "CABINET: Outcomes in the epNET Cohort", "epNET", "", "",
         "orr", "", "p_value", ["0.05"]),
    # epNET section: "(7% with cabozantinib vs 6% with placebo)" grade 5 events
    Spot("cabinet", "review2025", "CABINET: Outcomes in the epNET Cohort", "epNET", "placebo",
         "", "ae_grade5", "any", "percent", ["6"]),
    # pNET section: "median overall survival was 40 months with cabozantinib versus 31.1"
    Spot("cabinet", "review2025", "CABINET: Outcomes in the pNET Cohort", "pNET",
         "cabozantinib", "", "os", "", "median", ["40"]),
    # pNET section: OS "HR, 0.95; 95% CI, 0.45-2.00" (kept as printed, trailing zeros included)
    Spot("cabinet", "review2025", "CABINET: Outcomes in the pNET Cohort", "pNET", "", "",
         "os_hr", "", "ci_high", ["2.00"]),
    # pNET section: "Dose reductions were required in 68% ... compared with 19%"
    Spot("cabinet", "review2025", "CABINET: Outcomes in the pNET Cohort", "pNET", "placebo", "",
         "dose_reduction", "", "percent", ["19"]),
    # ---- CABINET, Table 3 and footnotes
    # Table 3, Median PFS, Patients with pNETs, Placebo (n=31): 4.4 (3.0-5.9)
    Spot("cabinet", "review2025", "Table 3", "pNET", "placebo", "", "pfs", "", "ci_low",
         ["3.0"]),
    # Table 3, column header "Cabozantinib (n=134)"
    Spot("cabinet", "review2025", "Table 3", "epNET", "cabozantinib", "", "randomized", "",
         "count", ["134"]),
    # Table 3 footnote a: pNET "(HR [95% CI], 0.22 [0.12, 0.41])"
    Spot("cabinet", "review2025", "Table 3 footnote a", "pNET", "", "", "pfs_hr", "",
         "estimate", ["0.22"]),
    # Table 3 footnote b: "the ORR in the pNET cohort was 18% (cabozantinib)"
    Spot("cabinet", "review2025", "Table 3 footnote b", "pNET", "cabozantinib", "", "orr", "",
         "percent", ["18"]),
    # ---- CABINET, Table 4 (Grade 3/4 AEs, %)
    # Table 4, VTE, Patients with pNETs, Cabozantinib (n=63): 11
    Spot("cabinet", "review2025", "Table 4", "pNET", "cabozantinib", "", "ae_grade34", "VTE",
         "percent", ["11"]),
    # Table 4, header Placebo (n=67) of Patients with epNETs
    Spot("cabinet", "review2025", "Table 4", "epNET", "placebo", "", "safety_population", "",
         "count", ["67"]),
    # ---- CABINET, Table 5 (GI subgroup)
    # Table 5, Grade 2, Placebo Events/N: 12/28
    Spot("cabinet", "review2025", "Table 5", "epNET", "placebo", "GI / Grade 2", "pfs_events",
         "", "count", ["12"]),
    # Table 5, Prior 177Lu-Dotatate No: HR 0.19 (0.05-0.71)
    Spot("cabinet", "review2025", "Table 5", "epNET", "", "GI / Prior ¹⁷⁷Lu-Dotatate No",
         "pfs_hr", "", "ci_high", ["0.71"]),
    # Table 5, overall: "0.50 (0.28-0.88); 1-sided stratified log-rank P =.007"
    Spot("cabinet", "review2025", "Table 5", "epNET", "", "GI overall", "pfs_hr", "", "p_value",
         ["0.007"], sided="one_sided"),
    # Table 5, Not evaluable, Cabozantinib: 15 (21)
    Spot("cabinet", "review2025", "Table 5", "epNET", "cabozantinib", "GI overall",
         "best_response", "NE", "percent", ["21"]),
    # ---- A021202, JCO abstract (Results paragraph unless noted)
    # Patients and methods: "pazopanib (800 mg once daily)"
    Spot("a021202", "jco2025", "Abstract", "epNET", "pazopanib", "", "dose", "", "value",
         ["800"]),
    # "One hundred seventy-one patients (97 pazopanib and 74 placebo)"
    Spot("a021202", "jco2025", "Abstract", "epNET", "", "", "randomized", "", "count", ["171"]),
    Spot("a021202", "jco2025", "Abstract", "epNET", "placebo", "", "randomized", "", "count",
         ["74"]),
    # "randomly assigned between September 2013 and October 2015"
    Spot("a021202", "jco2025", "Abstract", "epNET", "", "", "enrollment_start", "", "date",
         ["2013-09"]),
    # "The median follow-up was 61 months (95% CI, 60 to 63)"
    Spot("a021202", "jco2025", "Abstract", "epNET", "", "", "follow_up", "", "ci_low", ["60"]),
    # "Median PFS was 11.8 versus 7.6 months"
    Spot("a021202", "jco2025", "Abstract", "epNET", "placebo", "", "pfs", "", "median", ["7.6"]),
    # "(hazard ratio, 0.54 [95% CI, 0.37 to 0.79]; P < .001)"
    Spot("a021202", "jco2025", "Abstract", "epNET", "", "", "pfs_hr", "", "estimate", ["0.54"]),
    # "49 placebo patients crossed over to pazopanib"
    Spot("a021202", "jco2025", "Abstract", "epNET", "placebo", "", "crossover", "", "count",
         ["49"]),
    # "grade 5 death events (8% v 0%, P = .017)"
    Spot("a021202", "jco2025", "Abstract", "epNET", "", "", "ae_grade5", "any", "p_value",
         ["0.017"]),
    # "About half (49%) of the patients had functional tumors"
    Spot("a021202", "jco2025", "Abstract", "epNET", "", "", "functional_tumor", "", "percent",
         ["49"]),
    # ---- Pivotal trials, review Table 2
    # PROMID: "Median TTP: 14.3 months vs 6.0 months with placebo"; "P =.000072"
    Spot("promid", "review2025", "Table 2", "midgut", "placebo", "", "pfs", "TTP", "median",
         ["6.0"]),
    Spot("promid", "review2025", "Table 2", "midgut", "", "", "pfs_hr", "TTP", "p_value",
         ["0.000072"]),
    # CLARINET: "Ki-67 values <10%"; "Median TTP: not reached vs 18.0 months"
    Spot("clarinet", "review2025", "Table 2", "gepnet", "", "", "eligibility", "Ki-67", "value",
         ["10"], comparator="<"),
    Spot("clarinet", "review2025", "Table 2", "gepnet", "lanreotide", "", "pfs", "TTP",
         "median", [""], marker="not_reached"),
    # NETTER-1: "229 patients"; "Median OS: 48.0 months vs 36.3 months with placebo"
    Spot("netter1", "review2025", "Table 2", "midgut", "", "", "randomized", "", "count",
         ["229"]),
    Spot("netter1", "review2025", "Table 2", "midgut", "octreotide_lar", "", "os", "", "median",
         ["36.3"]),
    # NETTER-2: "stratified HR, 0.276; 95% CI, 0.182-0.418; P <.0001"
    Spot("netter2", "review2025", "Table 2", "gepnet", "", "", "pfs_hr", "", "ci_low",
         ["0.182"]),
    Spot("netter2", "review2025", "Table 2", "gepnet", "", "", "pfs_hr", "", "p_value",
         ["0.0001"], comparator="<"),
    # RADIANT-3: "Median OS ... HR, 0.94; 95% CI, 0.7-1.2; P =.30"
    Spot("radiant3", "review2025", "Table 2", "pnet", "", "", "os_hr", "", "ci_low", ["0.7"]),
    Spot("radiant3", "review2025", "Table 2", "pnet", "", "", "os_hr", "", "p_value", ["0.30"]),
    # RADIANT-4: "one-sided P =.037 [boundary for statistical significance was .0002]"
    Spot("radiant4", "review2025", "Table 2", "gi_lung", "", "", "os_hr", "", "p_value",
         ["0.037"], sided="one_sided"),
    Spot("radiant4", "review2025", "Table 2", "gi_lung", "", "", "significance_level", "",
         "value", ["0.0002"]),
    # SUN-1111: FDA approval 2011; "Median OS: not estimable in either arm"
    Spot("sun1111", "review2025", "Table 2", "pnet", "", "", "external_other", "FDA approval",
         "value", ["2011"]),
    Spot("sun1111", "review2025", "Table 2", "pnet", "sunitinib", "", "os", "", "median", [""],
         marker="not_estimable"),
]
# fmt: on


@pytest.mark.parametrize(
    "spot",
    SPOT_CHECKS,
    ids=lambda s: f"{s.trial}-{s.location}-{s.cohort}-{s.arm}-{s.quantity}-{s.statistic}",
)
def test_spot_check(dossiers: dict[str, pd.DataFrame], spot: Spot) -> None:
    v = dossiers[spot.trial]
    keys = ("source", "location", "cohort", "arm", "subgroup", "quantity", "category", "statistic")
    mask = pd.Series(True, index=v.index)
    for key in keys:
        mask &= v[key] == getattr(spot, key)
    hits = v[mask]
    assert sorted(hits["value"]) == sorted(spot.values)
    assert set(hits["marker"]) == {spot.marker}
    if spot.comparator:
        assert set(hits["comparator"]) == {spot.comparator}
    if spot.sided:
        assert set(hits["sided"]) == {spot.sided}


# Rows per (source, location), counted by hand from the sources: one row per printed number,
# a CI as two rows, a count and its percentage as two rows, a 2:1 ratio as two rows.
# fmt: off
ROW_COUNTS: dict[str, dict[tuple[str, str], int]] = {
    "cabinet": {
        # allocation 2 + dose 1; per cohort n 1 + medians 2 + HR/CI 3 + P 1 (x2 = 14);
        # ORR 5%, 19%, and 0% once per cohort (4); grade>=3 ranges, 2 arms x 2 ends (4)
        ("nejm2025", "Abstract"): 3 + 14 + 4 + 4,
        # FDA approval date, age 12
        ("review2025", "Cabozantinib: The Newest Addition to the Oncologist's Toolkit"): 2,
        # 2:1 (2), 60 mg, 298, Oct 2018, Aug 2023, n=203, n=95, 7 and 3 misassigned, PI date
        ("review2025", "CABINET Study"): 2 + 1 + 1 + 2 + 2 + 2 + 1,
        # follow-up 1, PFS 2, 62% 1, HR/CI/P 4, updated PFS 2, OS 2, OS HR/CI 3, OS follow-up
        # 1, ORR 2 arms x (rate, CI) 6 + P 1, grade>=3 2, treatment-related grade 3/4 3,
        # grade 5 2, dose reduction 2, discontinuation 2
        ("review2025", "CABINET: Outcomes in the epNET Cohort"):
            1 + 2 + 1 + 4 + 2 + 2 + 3 + 1 + 7 + 2 + 3 + 2 + 2 + 2,
        # as epNET but: updated ORR 2 more, grade 5 printed once ("No grade 5 events")
        ("review2025", "CABINET: Outcomes in the pNET Cohort"):
            1 + 2 + 1 + 4 + 2 + 2 + 3 + 1 + 7 + 2 + 2 + 3 + 1 + 2 + 2,
        # 116, 70, 46
        ("review2025", "CABINET: Subgroup Analysis"): 3,
        # FDA approval date
        ("review2025", "Cabozantinib in Clinical Practice"): 1,
        # 4 header n; median PFS 4 cells x 3; HR 2 cells x (HR, CI 2, log-rank P); ORR 4
        ("review2025", "Table 3"): 4 + 12 + 8 + 4,
        # PI date; 4 medians; 2 HRs with CI
        ("review2025", "Table 3 footnote a"): 1 + 4 + 6,
        # PI date; 2 ORRs
        ("review2025", "Table 3 footnote b"): 1 + 2,
        # 4 header n; 7 AE rows x 4 columns
        ("review2025", "Table 4"): 4 + 7 * 4,
        # header n 2; medians with CI 2 x 3; HR/CI/P 4; 12 subgroup rows x (2 arms x events
        # and N, HR/CI 3); RECIST v1.1 1; best response 4 x 2 arms x (n, %) less the placebo
        # PR percentage that is not printed
        ("review2025", "Table 5"): 2 + 6 + 4 + 12 * (4 + 3) + 1 + (16 - 1),
    },
    "a021202": {
        # 800 mg, 12 months window, 171/97/74, 2 dates, 75%, 93%, 49%, follow-up with CI 3,
        # PFS 2, HR/CI/P 4, crossover 49, grade>=3 2 + P, grade 5 2 + P
        ("jco2025", "Abstract"): 1 + 1 + 3 + 2 + 1 + 1 + 1 + 3 + 2 + 4 + 1 + 3 + 3,
    },
    "promid": {
        # FDA 1998, 85, TTP 2, TTP HR/CI/P 4, OS 2, OS HR/CI 3
        ("review2025", "Table 2"): 1 + 1 + 2 + 4 + 2 + 3,
        ("review2025", "Somatostatin Analogues (SSAs)"): 1,  # approved in 1998
    },
    "clarinet": {
        # FDA 2014, 204, Ki-67 <10%, PFS 2, HR/CI/P 4, TTP 2 (one not reached), TTP P
        ("review2025", "Table 2"): 1 + 1 + 1 + 2 + 4 + 2 + 1,
        ("review2025", "Somatostatin Analogues (SSAs)"): 1,  # approved in 2014
    },
    "netter1": {
        # FDA 2018, 229, grade 1 or 2 (2), PFS 2 (one not reached), HR/CI/P 4, OS 2,
        # OS HR/CI/P 4
        ("review2025", "Table 2"): 1 + 1 + 2 + 2 + 4 + 2 + 4,
        ("review2025", "Peptide Receptor Radionuclide Therapy (PRRT)"): 1,  # approved 2018
    },
    "netter2": {
        # 226, grade 2 or 3 (2), PFS 2, HR/CI/P 4, OS immature 1
        ("review2025", "Table 2"): 1 + 2 + 2 + 4 + 1,
    },
    "radiant3": {
        # FDA 2011, 410, PFS 2, HR/CI/P 4, OS 2, OS HR/CI/P 4
        ("review2025", "Table 2"): 1 + 1 + 2 + 4 + 2 + 4,
        ("review2025", "Targeted Agents"): 1,  # approved in 2011 for pNETs
    },
    "radiant4": {
        # FDA 2016, 302, PFS 2, HR/CI/P 4, median OS named without number 1, OS HR/CI/P 4,
        # boundary .0002
        ("review2025", "Table 2"): 1 + 1 + 2 + 4 + 1 + 4 + 1,
        ("review2025", "Targeted Agents"): 1,  # expanded in 2016
    },
    "sun1111": {
        # FDA 2011, 171, PFS 2, HR/CI/P 4, OS not estimable 2 arms, OS HR/CI/P 4
        ("review2025", "Table 2"): 1 + 1 + 2 + 4 + 2 + 4,
        ("review2025", "Targeted Agents"): 1,  # approved in 2011
        ("review2025", "Modern Approach to Management of pNETs"): 1,  # since 2011
    },
}
# fmt: on


@pytest.mark.parametrize("trial", TRIALS)
def test_row_counts_per_location(dossiers: dict[str, pd.DataFrame], trial: str) -> None:
    v = dossiers[trial]
    counted = Counter(zip(v["source"], v["location"], strict=True))
    assert dict(counted) == ROW_COUNTS[trial]


def test_cabinet_updates_supersede_the_values_they_update(
    dossiers: dict[str, pd.DataFrame],
) -> None:
    v = dossiers["cabinet"].set_index("id", drop=False)
    updates = v[v["supersedes"] != ""]
    # Updates printed: epNET PFS 8.5 and 4.2 (text and footnote a), HR 0.40 (0.26, 0.61);
    # pNET PFS 13.8 and 3.3 (text and footnote a), HR 0.22 (0.12, 0.41); pNET ORR 18% and 0%
    # (text and footnote b): 4 + 3 + 4 + 3 + 4 = 18
    assert len(updates) == 18
    for _, row in updates.iterrows():
        old = v.loc[row["supersedes"]]
        same = ("source", "cohort", "arm", "quantity", "statistic")
        assert tuple(old[k] for k in same) == tuple(row[k] for k in same)
        # a footnote updates a cell of its own table; a sentence updates its own section
        assert old["location"] == row["location"].split(" footnote ")[0]
        assert row["note"] == PI_NOTE
    # Spot: the footnote's updated epNET PFS 8.5 updates the Table 3 cell 8.4
    pfs = updates[(updates["location"] == "Table 3 footnote a") & (updates["value"] == "8.5")]
    assert v.loc[pfs["supersedes"].item(), "value"] == "8.4"


EXPECTED_SETTINGS = {
    # trial: (trial setting, {cohort: setting})
    "cabinet": ("mixed", {"epNET": "extrapancreatic", "pNET": "pancreatic", "total": "mixed"}),
    "a021202": ("extrapancreatic", {"epNET": "extrapancreatic"}),
    "promid": ("extrapancreatic", {"midgut": "extrapancreatic"}),
    "clarinet": ("mixed", {"gepnet": "mixed"}),
    "netter1": ("extrapancreatic", {"midgut": "extrapancreatic"}),
    "netter2": ("mixed", {"gepnet": "mixed"}),
    "radiant3": ("pancreatic", {"pnet": "pancreatic"}),
    "radiant4": ("extrapancreatic", {"gi_lung": "extrapancreatic"}),
    "sun1111": ("pancreatic", {"pnet": "pancreatic"}),
}


@pytest.mark.parametrize("trial", TRIALS)
def test_settings_and_design(trial: str) -> None:
    t = load_dossier(RAW / trial).trial
    setting, cohorts = EXPECTED_SETTINGS[trial]
    assert t.design == "randomized"
    assert t.setting == setting
    assert {c.id: c.setting for c in t.cohorts} == cohorts
    assert sorted(a.role for a in t.arms) == ["comparator", "experimental"]
