"""What the dossier says about one survival endpoint: the inputs of the Kaplan-Meier stage.

For an endpoint, cohort and arm: the median with its CI, N, events, accrual dates and the
median follow-up, each from the preferred statement of the dossier (:func:`rank_rows`),
with the ids of the rows used and a list of what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trialrecon.stats import survmodel as sm

ENDPOINTS = ("pfs", "os", "dor")
EVENT_QUANTITY = {"pfs": "pfs_events", "os": "deaths"}
SOURCE_RANK = {"paper": 0, "abstract": 1, "review": 2, "registry": 3}
MONTHS_PER = {"months": 1.0, "weeks": 12.0 / 52.1775, "days": 12.0 / 365.25, "years": 12.0}


# --------------------------------------------------------------------------------------------
# choosing the rows
# --------------------------------------------------------------------------------------------


def _location_rank(location: str) -> int:
    loc = location.lower()
    if loc.startswith("table") and "footnote" not in loc:
        return 0
    if loc.startswith("table"):
        return 1
    if loc.startswith("results"):
        return 2
    if loc.startswith("abstract"):
        return 3
    if loc.startswith("discussion"):
        return 5
    return 4


def rank_rows(rows: pd.DataFrame, trial: Any) -> pd.DataFrame:
    """Candidate rows, best first; superseding (updated) rows are left out."""
    if rows.empty:
        return rows
    order = {s.id: i for i, s in enumerate(trial.sources)}
    kinds = {s.id: s.kind for s in trial.sources}
    rows = rows[rows["supersedes"] == ""]
    key = pd.DataFrame({
        "kind": rows["source"].map(lambda s: SOURCE_RANK.get(kinds.get(s, ""), 9)),
        "order": rows["source"].map(lambda s: order.get(s, 99)),
        "loc": rows["location"].map(_location_rank),
        "file": rows["file"], "line": rows["line"],
    }, index=rows.index)
    return rows.loc[key.sort_values(["kind", "order", "loc", "file", "line"]).index]


def _select(values: pd.DataFrame, **match: str) -> pd.DataFrame:
    mask = values["subgroup"] == ""
    for col, val in match.items():
        mask &= values[col] == val
    return values[mask]


def _months(row: pd.Series) -> float:
    factor = MONTHS_PER.get(row["unit"])
    if factor is None:
        raise ValueError(f"{row['file']}, row {row['line']}: unit {row['unit']} is not a time")
    return float(row["value_num"]) * factor


@dataclass
class EndpointInputs:
    """What the dossier says about one endpoint of one cohort and arm."""

    endpoint: str
    category: str
    cohort: str
    arm: str
    summary: sm.Summary | None
    rows_used: list[str]
    missing: list[str]
    notes: list[str] = field(default_factory=list)
    range_high: float | None = None  # the longest reported time (a range's upper end)
    events_derived: bool = False  # events are derived from a pooled cohort, not reported


def _date_months(text: str) -> float:
    parts = [int(p) for p in text.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 7
    day = parts[2] if len(parts) > 2 else 1
    return year * 12 + (month - 1) + (day - 1) / 30.4375


def _first(rows: pd.DataFrame, trial: Any) -> pd.Series | None:
    ranked = rank_rows(rows, trial)
    return None if ranked.empty else ranked.iloc[0]


def _cohort_chain(trial: Any, cohort: str) -> list[str]:
    """The cohort, then the pooled cohorts that contain it (trial-level values live there)."""
    chain = [cohort]
    chain += [c.id for c in trial.cohorts if cohort in c.parts]
    chain += [c.id for c in trial.cohorts if c.id not in chain]
    return chain


def gather_inputs(dossier: Any, endpoint: str, category: str, cohort: str,
                  arm: str) -> EndpointInputs:
    """Collect median, CI, N, events, accrual and follow-up for one endpoint/cohort/arm."""
    v = dossier.values
    trial = dossier.trial
    used: list[str] = []
    missing: list[str] = []
    notes: list[str] = []
    ep = _select(v, quantity=endpoint, category=category, cohort=cohort, arm=arm)
    med = _first(ep[ep["statistic"] == "median"], trial)
    median = None
    not_reached = False
    if med is None or med["marker"] in ("not_reported", "not_estimable"):
        missing.append("median")
    else:
        used.append(med["id"])
        if med["marker"] == "not_reached":
            not_reached = True
        else:
            median = _months(med)
    ci = {}
    level = 0.95
    for stat in ("ci_low", "ci_high"):
        cands = ep[ep["statistic"] == stat]
        if med is not None:  # the same statement as the median first
            same = cands[(cands["source"] == med["source"])
                         & (cands["location"] == med["location"])]
            cands = same if not same.empty else cands
        row = _first(cands, trial)
        if row is None:
            continue
        used.append(row["id"])
        ci[stat] = "NR" if row["marker"] == "not_reached" else _months(row)
        if row["level"]:
            level = float(row["level"]) / 100.0
    if not ci:
        missing.append("CI of the median")
    range_high = None
    rng_rows = ep[ep["statistic"] == "range_high"]
    if med is not None:
        same = rng_rows[(rng_rows["source"] == med["source"])
                        & (rng_rows["location"] == med["location"])]
        rng_rows = same if not same.empty else rng_rows
    rng_row = _first(rng_rows[rng_rows["marker"] == ""], trial)
    if rng_row is not None:
        range_high = _months(rng_row)
        used.append(rng_row["id"])

    n = None
    pops = ("responders",) if endpoint == "dor" else ("randomized", "enrolled")
    for pop in pops:
        row = _first(_select(v, quantity=pop, cohort=cohort, arm=arm, statistic="count",
                             category=""), trial)
        if row is not None:
            n = int(row["value_num"])
            used.append(row["id"])
            break
    if n is None and endpoint == "dor":
        resp = _select(v, quantity="best_response", cohort=cohort, arm=arm, statistic="count")
        resp = resp[resp["category"].isin(["CR", "PR"])]
        if not resp.empty:
            best = rank_rows(resp, trial)
            first = best.iloc[0]
            same = best[(best["source"] == first["source"])
                        & (best["location"] == first["location"])]
            n = int(same["value_num"].sum())
            used += same["id"].tolist()
            notes.append("N of the duration of response = CR + PR counts")
    if n is None:
        missing.append("number of patients" if endpoint != "dor" else "number of responders")

    events = None
    if endpoint in EVENT_QUANTITY:
        row = _first(_select(v, quantity=EVENT_QUANTITY[endpoint], cohort=cohort, arm=arm,
                             statistic="count"), trial)
        if row is not None:
            events = int(row["value_num"])
            used.append(row["id"])

    accrual = None
    for c in _cohort_chain(trial, cohort):
        start = _first(_select(v, quantity="enrollment_start", cohort=c, statistic="date"), trial)
        end = _first(_select(v, quantity="enrollment_end", cohort=c, statistic="date"), trial)
        if start is not None and end is not None:
            accrual = _date_months(end["value"]) - _date_months(start["value"])
            used += [start["id"], end["id"]]
            break
    if accrual is None:
        missing.append("accrual dates")

    follow_up = None
    for c in _cohort_chain(trial, cohort):
        fu = _select(v, quantity="follow_up", cohort=c, statistic="median")
        fu = fu[fu["arm"].isin([arm, ""])]
        specific = fu[fu["category"].str.lower() == endpoint]
        row = _first(specific if not specific.empty else fu[fu["category"] == ""], trial)
        if row is not None:
            follow_up = _months(row)
            used.append(row["id"])
            break
    if follow_up is None:
        missing.append("median follow-up")

    summary = None
    if n is not None and (median is not None or not_reached):
        summary = sm.Summary(
            n=n, median=median, median_not_reached=not_reached,
            ci_low=ci.get("ci_low") if ci.get("ci_low") != "NR" else None,
            ci_high=ci.get("ci_high") if ci.get("ci_high") != "NR" else None,
            ci_high_not_reached=ci.get("ci_high") == "NR", ci_level=level, events=events,
            accrual=accrual, follow_up=follow_up)
    return EndpointInputs(endpoint, category, cohort, arm, summary, used, missing, notes,
                          range_high)


def endpoints_of(dossier: Any) -> list[tuple[str, str, str]]:
    """(endpoint, category, cohort) with at least one median row, in a fixed order."""
    v = dossier.values
    rows = v[v["quantity"].isin(ENDPOINTS) & (v["subgroup"] == "")
             & (v["statistic"] == "median")]
    cohorts = [c.id for c in dossier.trial.cohorts]
    keys = {(r.quantity, r.category, r.cohort) for r in rows.itertuples()}
    return sorted(keys, key=lambda k: (ENDPOINTS.index(k[0]), k[1], cohorts.index(k[2])
                                       if k[2] in cohorts else 99, k[2]))
