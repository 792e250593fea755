"""What the dossier says about one survival endpoint: the inputs of the Kaplan-Meier stage.

For an endpoint, cohort and arm: the median with its CI, N, events, accrual dates and the
median follow-up, each from the statement the selection policy prefers
(:mod:`trialrecon.dossier.selection`), with the ids of the rows used and a list of what is
missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from trialrecon.dossier import Dossier, names
from trialrecon.dossier.selection import DEFAULT, Policy, first_row, rank_rows
from trialrecon.stats import survmodel as sm
from trialrecon.stats.jointmodel import PrintedHR

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
    return float(row["value_num"]) * _factor(row)


def _factor(row: pd.Series) -> float:
    factor = names.TIME_UNIT_MONTHS.get(row["unit"])
    if factor is None:
        raise ValueError(f"{row['file']}, row {row['line']}: unit {row['unit']} is not a time")
    return factor


def _half(row: pd.Series, factor: float = 1.0) -> float:
    """Half a unit of the row's printed number, times ``factor`` (its rounding): 0.05 for 15.7.

    As :func:`trialrecon.stats.rounding.half_unit`, written out so that this stage does not
    import the proportion module's SciPy distributions.
    """
    try:
        exponent = Decimal(str(row["value"]).strip()).as_tuple().exponent
    except InvalidOperation:
        return 0.0
    if not isinstance(exponent, int):
        return 0.0
    return 0.5 * 10.0 ** min(exponent, 0) * factor


def _same_statement(cands: pd.DataFrame, row: pd.Series | None) -> pd.DataFrame:
    """The candidates printed with ``row`` (same source and location) when there are any."""
    if row is None or cands.empty:
        return cands
    same = cands[(cands["source"] == row["source"]) & (cands["location"] == row["location"])]
    return same if not same.empty else cands


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
    halves: dict[str, float] = {}
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
            halves["median"] = _half(med, _factor(med))
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
        if ci[stat] != "NR":
            halves[stat] = _half(row, _factor(row))
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

    def same_cut(row: pd.Series | None, what: str) -> pd.Series | None:
        """``row`` when it belongs to the median's data cut (or either cut is unknown)."""
        if row is None or not choose.cut or not row["data_cut"] or row["data_cut"] == choose.cut:
            return row
        notes.append(f"{what} printed only for another data cut ({row['data_cut']}, row "
                     f"{row['id']}): not used")
        return None

    events = None
    if endpoint != "dor":  # the events of a duration of response are not printed as such
        row = same_cut(_first(_select(v, quantity=dossier.vocab.events_quantity(endpoint),
                                      cohort=cohort, arm=arm, statistic="count",
                                      category=category)), "the number of events")
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

    follow_up = min_follow_up = None
    for c in _cohort_chain(trial, cohort):
        fu = _select(v, quantity="follow_up", cohort=c, statistic="median")
        fu = fu[fu["arm"].isin([arm, ""])]
        specific = fu[fu["category"].str.lower() == endpoint]
        row = same_cut(_first(specific if not specific.empty else fu[fu["category"] == ""]),
                       "the median follow-up")
        if row is not None:
            follow_up = _months(row)
            used.append(row["id"])
            break
    if follow_up is None:
        missing.append("median follow-up")
        for c in _cohort_chain(trial, cohort):
            fu = _select(v, quantity="follow_up", cohort=c, category="minimum")
            row = same_cut(_first(fu[fu["arm"].isin([arm, ""])
                                     & fu["statistic"].isin(["value", "median"])]),
                           "the minimum follow-up")
            if row is not None:
                min_follow_up = _months(row)
                used.append(row["id"])
                break

    landmarks: tuple[sm.Landmark, ...] = ()
    if not category:  # a category endpoint's category is not a landmark
        landmarks, lm_ids = landmark_rates(dossier, endpoint, cohort, arm, choose)
        used += lm_ids

    summary = None
    if n is not None and (median is not None or not_reached):
        summary = sm.Summary(
            n=n, median=median, median_not_reached=not_reached,
            ci_low=ci.get("ci_low") if ci.get("ci_low") != "NR" else None,
            ci_high=ci.get("ci_high") if ci.get("ci_high") != "NR" else None,
            ci_high_not_reached=ci.get("ci_high") == "NR", ci_level=level, events=events,
            accrual=accrual, follow_up=follow_up, landmarks=landmarks, half_units=halves,
            min_follow_up=min_follow_up)
    cut = dossier.cut(choose.cut or "")
    return EndpointInputs(endpoint, category, cohort, arm, summary, used, missing, notes,
                          range_high, data_cut=choose.cut or "",
                          data_cut_name=cut.name if cut else "")


RATE_STATISTICS = {"percent": 0.01, "proportion": 1.0}


def rate_quantity(dossier: Dossier, endpoint: str) -> str:
    """The landmark-rate quantity of an endpoint (``os_rate`` for ``os``)."""
    return next((q for q, d in dossier.vocab.quantities.items() if d.get("rate_of") == endpoint),
                f"{endpoint}_rate")


def landmark_rates(dossier: Dossier, endpoint: str, cohort: str, arm: str,
                   choose: Chooser) -> tuple[tuple[sm.Landmark, ...], list[str]]:
    """The printed landmark rates of an endpoint, from the median's data cut.

    Rows of quantity ``<endpoint>_rate`` whose ``category`` is a landmark time (``12
    months``, ``2 years``); a rate printed only for another data cut describes another
    analysis and is left out, as are bounds (``<``, ``>``) and markers.
    """
    rows = _select(dossier.values, quantity=rate_quantity(dossier, endpoint), cohort=cohort,
                   arm=arm)
    out: list[sm.Landmark] = []
    used: list[str] = []
    for cat in sorted(set(rows["category"]), key=lambda c: names.landmark_months(c) or 0.0):
        months = names.landmark_months(cat)
        if months is None or months <= 0:
            continue
        here = rows[(rows["category"] == cat) & (rows["marker"] == "")]
        point = here[here["statistic"].isin(list(RATE_STATISTICS))
                     & here["comparator"].isin(["", "=", "~"])]
        row = choose.first(point)
        if row is None or (choose.cut and str(row["data_cut"]) != choose.cut):
            continue
        scale = RATE_STATISTICS[row["statistic"]]
        bounds: dict[str, float] = {}
        for stat in ("ci_low", "ci_high"):
            b = choose.first(_same_statement(here[here["statistic"] == stat], row))
            if b is not None and b["source"] == row["source"]:
                bounds[stat] = float(b["value_num"]) * scale
                used.append(b["id"])
        used.append(row["id"])
        out.append(sm.Landmark(months, float(row["value_num"]) * scale, bounds.get("ci_low"),
                               bounds.get("ci_high"), cat, _half(row, scale)))
    return tuple(out), used


@dataclass
class HRInput:
    """A printed hazard ratio of one comparison, with its P value and the rows it came from."""

    hr: PrintedHR
    versus: str  # "" in a two-arm trial, else the comparator's id (the ``versus`` column)
    p_value: float | None
    p_comparator: str
    rows_used: list[str]


def printed_hr(dossier: Dossier, endpoint: str, category: str, cohort: str, experimental: str,
               comparator: str, versus: str, cut: str, policy: Policy = DEFAULT) -> HRInput:
    """The printed HR (estimate, CI, P) of ``experimental`` against ``comparator``.

    In a two-arm trial the HR rows leave ``arm`` empty; with more arms they name the
    experimental arm in ``arm`` and the comparator in ``versus``. The estimate is chosen
    under the policy, preferably from ``cut``; its CI and P value from the same statement.
    """
    arm = experimental if versus else ""
    rows = _select(dossier.values, quantity=dossier.vocab.hr_quantity(endpoint), cohort=cohort,
                   arm=arm, category=category)
    rows = rows[rows["versus"] == versus]
    choose = Chooser(dossier, policy)
    choose.cut = cut or None
    est = choose.first(rows[(rows["statistic"] == "estimate") & (rows["marker"] == "")])
    if est is not None and cut and est["data_cut"] and est["data_cut"] != cut:
        est = None  # an HR of another data cut compares other curves
        rows = rows.iloc[0:0]
    picked: dict[str, pd.Series] = {}
    if est is not None:
        picked["estimate"] = est
    for stat in ("ci_low", "ci_high", "p_value"):
        row = choose.first(_same_statement(rows[(rows["statistic"] == stat)
                                                & (rows["marker"] == "")], est))
        if row is not None:
            picked[stat] = row
    num = {k: float(r["value_num"]) for k, r in picked.items()}
    level = next((float(r["level"]) / 100.0 for k, r in picked.items()
                  if k.startswith("ci") and r["level"]), 0.95)
    halves = {key: _half(picked[stat]) for stat, key in
              (("estimate", "hr"), ("ci_low", "hr_ci_low"), ("ci_high", "hr_ci_high"))
              if stat in picked}
    used = [r["id"] + ("" if r["comparator"] in ("", "=") else f" ({r['comparator']})")
            for r in picked.values()]
    hr = PrintedHR(experimental, comparator, num.get("estimate"), num.get("ci_low"),
                   num.get("ci_high"), level, halves)
    p = picked.get("p_value")
    return HRInput(hr, versus, num.get("p_value"), "" if p is None else str(p["comparator"]),
                   used)


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
