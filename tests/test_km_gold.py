"""The Kaplan-Meier stage on the gold dossiers of real papers (tests/fixtures/gold).

The issue's criterion: every time-to-event endpoint with a printed HR gets a rebuilt pair of
curves, and none ends before the printed follow-up allows. Each gold dossier is copied into a
temporary ``data/raw`` and run through the stage with the pipeline's settings (fewer draws).
What a dossier prints is read here from its rows, independently of the stage: an endpoint is
rebuildable when it prints, for each arm, a median, a landmark rate, or events together with
a follow-up or the dates of its data cut-off; one that is not must say what is missing.
``benchmarks/km_gold_papers.py`` prints the same runs in full.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from trialrecon.dossier import load_dossier, names
from trialrecon.stages.km.inputs import is_covariate
from trialrecon.stages.km.stage import write_km_outputs
from trialrecon.stats import km

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
PAPERS = sorted(p.name for p in GOLD.iterdir() if (p / "trial.yaml").is_file())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name in PAPERS:
        work = tmp_path_factory.mktemp(name)
        raw = work / "data" / "raw" / name
        shutil.copytree(GOLD / name, raw)
        dossier = load_dossier(raw)
        if dossier.trial.design != "randomized":
            continue
        result = work / "results" / name / "km"
        write_km_outputs(dossier, result, {"draws": 20})
        out[name] = (dossier, result)
    return out


def _hr_endpoints(dossier) -> set[tuple[str, str, str]]:
    v = dossier.values
    hq = {dossier.vocab.hr_quantity(e): e for e in dossier.vocab.endpoints if e != "dor"}
    rows = v[v["quantity"].isin(list(hq)) & (v["subgroup"] == "")
             & (v["statistic"] == "estimate") & (v["marker"] == "")]
    return {(hq[r.quantity], r.category, r.cohort) for r in rows.itertuples()
            if not is_covariate(r.category)}


def _prints_enough(dossier, endpoint: str, cohort: str) -> bool:
    """A median, a landmark rate, or events with a follow-up or cut-off date, for every arm."""
    v = dossier.values
    here = v[(v["cohort"] == cohort) & (v["subgroup"] == "")]
    has_conduct = (here["quantity"].isin(["follow_up", "data_cutoff"]).any()
                   or any(c.date for c in dossier.cuts))
    for arm in (a.id for a in dossier.trial.arms):
        mine = here[here["arm"] == arm]
        median = ((mine["quantity"] == endpoint) & (mine["statistic"] == "median")).any()
        rate = (mine["quantity"] == f"{endpoint}_rate").any()
        events = (mine["quantity"] == dossier.vocab.events_quantity(endpoint)).any()
        if not (median or rate or (events and has_conduct)):
            return False
    return True


def _label(endpoint: str, category: str) -> str:
    return endpoint + (f"_{names.slug(category)}" if category else "")


def test_every_endpoint_with_an_hr_gets_a_pair_of_curves(runs):
    rebuilt = refused = 0
    for _name, (dossier, out) in runs.items():
        summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
        endpoints = _hr_endpoints(dossier)
        if not endpoints:
            continue
        choice = pd.read_csv(out / "model_choice.csv", keep_default_na=False)
        arms = sorted(a.id for a in dossier.trial.arms)
        for endpoint, category, cohort in endpoints:
            label = _label(endpoint, category)
            shown = summary[(summary["endpoint"] == label) & (summary["cohort"] == cohort)
                            & (summary["chosen"].astype(str) == "True")]
            if _prints_enough(dossier, endpoint, cohort):
                assert sorted(shown["arm"]) == arms, (dossier.trial.id, label)
                rebuilt += 1
            else:
                reason = choice[(choice["endpoint"] == label)
                                & (choice["cohort"] == cohort)]["reason"].iloc[0]
                assert shown.empty and "median" in reason, (dossier.trial.id, label, reason)
                refused += 1
    assert rebuilt >= 4 and refused >= 1  # KCSG and CONVERT PFS and OS; TICH-2 prints no time


def _longest_follow_up(dossier, endpoint: str) -> float:
    v = dossier.values
    rows = v[(v["quantity"] == "follow_up") & (v["marker"] == "")
             & v["statistic"].isin(["median", "iqr_high", "range_high"])]
    endpoints = {e.lower() for e in dossier.vocab.endpoints}
    months = []
    for r in rows.itertuples():
        named = {t.strip().lower() for t in r.category.split(";")} & endpoints
        if named and endpoint not in named:
            continue
        months.append(float(r.value_num) * names.TIME_UNIT_MONTHS[r.unit])
    return max(months, default=0.0)


def test_no_curve_ends_before_the_printed_follow_up_allows(runs):
    """Each shown model's cut-off reaches the longest printed follow-up statistic (a range's
    upper end, a quartile, a median of any definition), and each curve that has not fallen to 0
    runs past the printed median follow-up."""
    checked = 0
    for _name, (dossier, out) in runs.items():
        summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
        shown = summary[(summary["chosen"].astype(str) == "True")
                        & summary["method"].str.startswith("model:")]
        for r in shown.itertuples():
            longest = _longest_follow_up(dossier, r.endpoint)
            if not longest:
                continue
            assert float(r.cutoff_months) >= longest - 0.05, (dossier.trial.id, r.endpoint)
            name = f"{r.endpoint}_{r.cohort}_{r.arm}_{r.method.replace('model:', '')}.csv"
            ipd = pd.read_csv(out / "ipd" / name)
            _, steps_s = km.km_steps(ipd["time"].to_numpy(), ipd["event"].to_numpy())
            median_fu = _median_follow_up(dossier)
            if steps_s.size and steps_s[-1] > 0 and median_fu:
                assert ipd["time"].max() >= median_fu, (dossier.trial.id, r.endpoint, r.arm)
            checked += 1
    assert checked >= 8


def _median_follow_up(dossier) -> float:
    v = dossier.values
    rows = v[(v["quantity"] == "follow_up") & (v["statistic"] == "median")
             & (v["marker"] == "")]
    months = [float(r.value_num) * names.TIME_UNIT_MONTHS[r.unit] for r in rows.itertuples()]
    return max(months, default=math.nan) if months else 0.0
