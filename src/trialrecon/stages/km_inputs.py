"""What the dossier says about one survival endpoint: the inputs of the Kaplan-Meier stage.

For an endpoint, cohort and arm: the median with its CI, N, events, accrual dates and the
median follow-up, each from the statement the selection policy prefers
(:mod:`trialrecon.dossier.selection`), with the ids of the rows used and a list of what is
missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trialrecon.dossier import Dossier, names
from trialrecon.dossier.selection import DEFAULT, Policy, first_row, rank_rows
from trialrecon.stats import survmodel as sm

MONTHS_PER = {"months": 1.0, "weeks": 12.0 / 52.1775, "days": 12.0 / 365.25, "years": 12.0}


# --------------------------------------------------------------------------------------------
# choosing the rows
# --------------------------------------------------------------------------------------------


class Chooser:
    """Picks rows under the selection policy; after the median, from the median's data cut."""

    def __init__(self, dossier: Dossier, policy: Policy = DEFAULT):
        self.dossier = dossier
        self.policy = policy
        self.cut: str | None = None  # set to the median's cut once it is chosen

    def first(self, rows: pd.DataFrame) -> pd.Series | None:
        return first_row(rows, self.dossier, self.policy, prefer_cut=self.cut)

    def ranked(self, rows: pd.DataFrame) -> pd.DataFrame:
        return rank_rows(rows, self.dossier, self.policy, prefer_cut=self.cut)


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
    data_cut: str = ""  # the key of the median's data cut (empty when the dossier names none)
    data_cut_name: str = ""  # how outputs name that cut


def _cohort_chain(trial: Any, cohort: str) -> list[str]:
    """The cohort, then the pooled cohorts that contain it (trial-level values live there)."""
    chain = [cohort]
    chain += [c.id for c in trial.cohorts if cohort in c.parts]
    chain += [c.id for c in trial.cohorts if c.id not in chain]
    return chain


def gather_inputs(dossier: Dossier, endpoint: str, category: str, cohort: str,
                  arm: str, policy: Policy = DEFAULT) -> EndpointInputs:
    """Collect median, CI, N, events, accrual and follow-up for one endpoint/cohort/arm.

    The median is chosen under the selection policy; everything else of the endpoint comes
    preferably from the median's data cut, so one analysis is rebuilt.
    """
    v = dossier.values
    trial = dossier.trial
    choose = Chooser(dossier, policy)
    _first = choose.first
    used: list[str] = []
    missing: list[str] = []
    notes: list[str] = []
    ep = _select(v, quantity=endpoint, category=category, cohort=cohort, arm=arm)
    med = _first(ep[ep["statistic"] == "median"])
    if med is not None:
        choose.cut = str(med["data_cut"])
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
        row = _first(cands)
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
    rng_row = _first(rng_rows[rng_rows["marker"] == ""])
    if rng_row is not None:
        range_high = _months(rng_row)
        used.append(rng_row["id"])

    n = None
    pops = ("responders",) if endpoint == "dor" else ("randomized", "enrolled")
    for pop in pops:
        row = _first(_select(v, quantity=pop, cohort=cohort, arm=arm, statistic="count",
                             category=""))
        if row is not None:
            n = int(row["value_num"])
            used.append(row["id"])
            break
    if n is None and endpoint == "dor":
        resp = _select(v, quantity="best_response", cohort=cohort, arm=arm, statistic="count")
        resp = resp[resp["category"].isin(["CR", "PR"])]
        if not resp.empty:
            best = choose.ranked(resp)
            first = best.iloc[0]
            same = best[(best["source"] == first["source"])
                        & (best["location"] == first["location"])]
            n = int(same["value_num"].sum())
            used += same["id"].tolist()
            notes.append("N of the duration of response = CR + PR counts")
    if n is None:
        missing.append("number of patients" if endpoint != "dor" else "number of responders")

    events = None
    if endpoint != "dor":  # the events of a duration of response are not printed as such
        row = _first(_select(v, quantity=dossier.vocab.events_quantity(endpoint),
                             cohort=cohort, arm=arm, statistic="count"))
        if row is not None:
            events = int(row["value_num"])
            used.append(row["id"])

    accrual = None
    for c in _cohort_chain(trial, cohort):
        start = _first(_select(v, quantity="enrollment_start", cohort=c, statistic="date"))
        end = _first(_select(v, quantity="enrollment_end", cohort=c, statistic="date"))
        if start is not None and end is not None:
            accrual = names.date_months(end["value"]) - names.date_months(start["value"])
            used += [start["id"], end["id"]]
            break
    if accrual is None:
        missing.append("accrual dates")

    follow_up = None
    for c in _cohort_chain(trial, cohort):
        fu = _select(v, quantity="follow_up", cohort=c, statistic="median")
        fu = fu[fu["arm"].isin([arm, ""])]
        specific = fu[fu["category"].str.lower() == endpoint]
        row = _first(specific if not specific.empty else fu[fu["category"] == ""])
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
    cut = dossier.cut(choose.cut or "")
    return EndpointInputs(endpoint, category, cohort, arm, summary, used, missing, notes,
                          range_high, data_cut=choose.cut or "",
                          data_cut_name=cut.name if cut else "")


def endpoints_of(dossier: Dossier) -> list[tuple[str, str, str]]:
    """(endpoint, category, cohort) with at least one median row, in a fixed order.

    Endpoints are every time-to-event endpoint of the dossier's vocabulary (built-in or
    declared in trial.yaml), in the vocabulary's order.
    """
    v = dossier.values
    endpoints = list(dossier.vocab.endpoints)
    rows = v[v["quantity"].isin(endpoints) & (v["subgroup"] == "")
             & (v["statistic"] == "median")]
    cohorts = [c.id for c in dossier.trial.cohorts]
    keys = {(r.quantity, r.category, r.cohort) for r in rows.itertuples()}
    return sorted(keys, key=lambda k: (endpoints.index(k[0]), k[1], cohorts.index(k[2])
                                       if k[2] in cohorts else 99, k[2]))
