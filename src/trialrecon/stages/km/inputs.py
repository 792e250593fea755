"""What the dossier says about one survival endpoint: the inputs of the Kaplan-Meier stage.

For an endpoint, cohort and arm: the median with its CI, N, events, accrual dates and the
median follow-up, each from the statement the selection policy prefers
(:mod:`trialrecon.dossier.selection`), with the ids of the rows used and a list of what is
missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from trialrecon.dossier import Dossier, names
from trialrecon.dossier.selection import DEFAULT, Policy, first_row, rank_rows
from trialrecon.stages.km.conduct import Conduct, gather_conduct
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
    population: str = ""  # the analysis set the median (or HR) row names
    conduct: Conduct | None = None
    ids: dict[str, str] = field(default_factory=dict)  # what -> row id (median, n, rate@12...)


RESPONSE_ENDPOINTS = ("dor", "ttr")  # endpoints of responders: N is the responders
# The population quantity that counts an analysis set when no ``analysed`` row does.
SET_COUNTS: dict[str, tuple[str, ...]] = {
    "itt": ("randomized",), "full_analysis": ("randomized",),
    "safety": ("safety_population", "treated"), "as_treated": ("treated",),
    "evaluable": ("evaluable_response",),
}


def _median_statement(ep: pd.DataFrame, choose: Chooser, used: list[str],
                      halves: dict[str, float]) -> dict[str, Any]:
    """The median of the endpoint with its CI, quartiles and range, from one statement."""
    med = choose.first(ep[ep["statistic"] == "median"])
    out: dict[str, Any] = {"row": med, "median": None, "not_reached": False, "level": 0.95,
                           "ids": {}}
    if med is None or med["marker"] in ("not_reported", "not_estimable"):
        return out
    used.append(med["id"])
    out["ids"]["median"] = str(med["id"])
    if med["marker"] == "not_reached":
        out["not_reached"] = True
    else:
        out["median"] = _months(med)
        halves["median"] = _half(med, _factor(med))
    for stat in ("ci_low", "ci_high", "iqr_low", "iqr_high", "range_high"):
        row = choose.first(_same_statement(ep[ep["statistic"] == stat], med))
        if row is None or (stat == "range_high" and row["marker"]):
            continue
        if stat.startswith("iqr") and (row["source"], row["location"]) != (med["source"],
                                                                            med["location"]):
            continue  # quartiles only when printed with the median
        used.append(row["id"])
        out["ids"][stat] = str(row["id"])
        if row["marker"] == "not_reached":
            out[stat] = "NR"
            continue
        if row["marker"]:
            continue
        out[stat] = _months(row)
        key = {"iqr_low": "q1", "iqr_high": "q3"}.get(stat, stat)
        halves[key] = _half(row, _factor(row))
        if stat.startswith("ci") and row["level"]:
            out["level"] = float(row["level"]) / 100.0
    return out


def population_n(dossier: Dossier, endpoint: str, cohort: str, arm: str, population: str,
                 choose: Chooser) -> tuple[int | None, list[str], list[str]]:
    """N of the population the endpoint is analysed in, the rows used and notes.

    The set the median (or HR) row names in ``population``: its ``analysed`` count, else
    the population quantity that counts it (``randomized`` for ITT, ``treated`` for a
    safety set); without a set, the randomized (or enrolled) patients; responders for a
    duration of (or time to) response.
    """
    v = dossier.values
    notes: list[str] = []
    if population:
        rows = _select(v, quantity="analysed", cohort=cohort, arm=arm, statistic="count",
                       population=population)
        cands = [rows] + [_select(v, quantity=q, cohort=cohort, arm=arm, statistic="count",
                                  category="") for q in SET_COUNTS.get(population, ())]
        for cand in cands:
            row = choose.first(cand[cand["marker"] == ""])
            if row is not None:
                return int(row["value_num"]), [row["id"]], notes
        notes.append(f"no count of the {population} population printed: N from the "
                     "default population")
    pops = ("responders",) if endpoint in RESPONSE_ENDPOINTS else ("randomized", "enrolled")
    for pop in pops:
        row = choose.first(_select(v, quantity=pop, cohort=cohort, arm=arm, statistic="count",
                                   category=""))
        if row is not None:
            return int(row["value_num"]), [row["id"]], notes
    if endpoint in RESPONSE_ENDPOINTS:
        resp = _select(v, quantity="best_response", cohort=cohort, arm=arm, statistic="count")
        resp = resp[resp["category"].isin(["CR", "PR"])]
        if not resp.empty:
            best = choose.ranked(resp)
            first = best.iloc[0]
            same = best[(best["source"] == first["source"])
                        & (best["location"] == first["location"])]
            notes.append("N of the duration of response = CR + PR counts")
            return int(same["value_num"].sum()), same["id"].tolist(), notes
    return None, [], notes


def gather_inputs(dossier: Dossier, endpoint: str, category: str, cohort: str,
                  arm: str, policy: Policy = DEFAULT, anchor: pd.Series | None = None
                  ) -> EndpointInputs:
    """Collect median, CI, N, events, landmark rates, accrual and follow-up for one arm.

    The median is chosen under the selection policy; everything else of the endpoint comes
    preferably from the median's data cut (without a median, from the cut and population of
    ``anchor``, the endpoint's printed HR), so one analysis is rebuilt.
    """
    v = dossier.values
    choose = Chooser(dossier, policy)
    used: list[str] = []
    missing: list[str] = []
    notes: list[str] = []
    halves: dict[str, float] = {}
    ep = _select(v, quantity=endpoint, category=category, cohort=cohort, arm=arm)
    stmt = _median_statement(ep, choose, used, halves)
    med = stmt["row"]
    ref = med if med is not None else anchor
    if ref is not None:
        choose.cut = str(ref["data_cut"])
    if stmt["median"] is None and not stmt["not_reached"]:
        missing.append("median")
    if med is not None and not any(k in stmt for k in ("ci_low", "ci_high")):
        missing.append("CI of the median")
    population = str(ref["population"]) if ref is not None else ""
    n, n_ids, n_notes = population_n(dossier, endpoint, cohort, arm, population, choose)
    used += n_ids
    ids = dict(stmt["ids"])
    if len(n_ids) == 1:
        ids["n"] = n_ids[0]
    notes += n_notes
    if n is None:
        missing.append("number of patients" if endpoint not in RESPONSE_ENDPOINTS
                       else "number of responders")

    def same_cut(row: pd.Series | None, what: str) -> pd.Series | None:
        """``row`` when it belongs to the median's data cut (or either cut is unknown)."""
        if row is None or not choose.cut or not row["data_cut"] or row["data_cut"] == choose.cut:
            return row
        notes.append(f"{what} printed only for another data cut ({row['data_cut']}, row "
                     f"{row['id']}): not used")
        return None

    events = None
    if endpoint != "dor":  # the events of a duration of response are not printed as such
        rows = _select(v, quantity=dossier.vocab.events_quantity(endpoint), cohort=cohort,
                       arm=arm, statistic="count", category=category)
        rows = rows[rows["marker"] == ""]
        row = same_cut(choose.first(rows), "the number of events")
        if row is not None:
            events = int(row["value_num"])
            used.append(row["id"])
            ids["events"] = str(row["id"])

    conduct = gather_conduct(dossier, endpoint, cohort, arm, choose)
    used += conduct.used
    notes += conduct.notes
    ids.update(conduct.ids)
    missing += [m for m in conduct.missing if m != "median follow-up"
                or conduct.cutoff is None]
    landmarks: tuple[sm.Landmark, ...] = ()
    if not category:  # a category endpoint's category is not a landmark
        landmarks, lm_ids = landmark_rates(dossier, endpoint, cohort, arm, choose)
        used += lm_ids
        ids.update(landmark_ids(dossier, landmarks, lm_ids))

    if stmt["median"] is None and events is None and not landmarks:
        missing.append("events or a landmark rate")  # what fixes a curve without a median
    summary = None
    if n is not None and (stmt["median"] is not None or stmt["not_reached"] or events is not None
                          or landmarks):
        ci_low, ci_high = stmt.get("ci_low"), stmt.get("ci_high")
        summary = sm.Summary(
            n=n, median=stmt["median"], median_not_reached=stmt["not_reached"],
            ci_low=ci_low if ci_low != "NR" else None,
            ci_high=ci_high if ci_high != "NR" else None, ci_high_not_reached=ci_high == "NR",
            ci_level=stmt["level"], events=events, accrual=conduct.accrual,
            landmarks=landmarks, half_units=halves, follow_ups=conduct.follow_ups,
            cutoff=conduct.cutoff,
            q1=stmt.get("iqr_low") if stmt.get("iqr_low") != "NR" else None,
            q3=stmt.get("iqr_high") if stmt.get("iqr_high") != "NR" else None)
    cut = dossier.cut(choose.cut or "")
    range_high = stmt.get("range_high")
    return EndpointInputs(endpoint, category, cohort, arm, summary, used, missing, notes,
                          range_high if isinstance(range_high, float) else None,
                          data_cut=choose.cut or "", data_cut_name=cut.name if cut else "",
                          population=population, conduct=conduct, ids=ids)


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


def landmark_ids(dossier: Dossier, landmarks: tuple[sm.Landmark, ...],
                 used: list[str]) -> dict[str, str]:
    """``rate@<months>`` -> the id of the rate's own row (not its CI's)."""
    rows = dossier.values.set_index("id").loc[used] if used else None
    out: dict[str, str] = {}
    if rows is None:
        return out
    for lm in landmarks:
        hit = rows[(rows["category"] == lm.label) & rows["statistic"].isin(list(RATE_STATISTICS))]
        if not hit.empty:
            out[lm.key] = str(hit.index[0])
    return out


@dataclass
class HRInput:
    """A printed hazard ratio of one comparison, with its P value and the rows it came from."""

    hr: PrintedHR
    versus: str  # "" in a two-arm trial, else the comparator's id (the ``versus`` column)
    p_value: float | None
    p_comparator: str
    rows_used: list[str]
    notes: list[str] = field(default_factory=list)


UNADJUSTED = ("", "unadjusted", "stratified")


def _hr_candidates(dossier: Dossier, endpoint: str, category: str, cohort: str,
                   experimental: str, comparator: str, versus: str) -> list[tuple[pd.DataFrame,
                                                                                 bool]]:
    """HR rows of the comparison as (rows, inverted): a two-arm trial's HR is written with
    ``arm`` empty, or as one arm ``versus`` the other (the comparator's HR against the
    experimental arm is the inverse of the one the curves need)."""
    rows = _select(dossier.values, quantity=dossier.vocab.hr_quantity(endpoint), cohort=cohort,
                   category=category)
    if versus:
        return [(rows[(rows["arm"] == experimental) & (rows["versus"] == versus)], False)]
    return [(rows[(rows["arm"] == "") & (rows["versus"] == "")], False),
            (rows[(rows["arm"] == experimental) & (rows["versus"] == comparator)], False),
            (rows[(rows["arm"] == comparator) & (rows["versus"] == experimental)], True)]


def printed_hr(dossier: Dossier, endpoint: str, category: str, cohort: str, experimental: str,
               comparator: str, versus: str, cut: str, policy: Policy = DEFAULT,
               population: str = "") -> HRInput:
    """The printed HR (estimate, CI, P) of ``experimental`` against ``comparator``.

    In a two-arm trial the HR rows leave ``arm`` empty, or name one arm and the other in
    ``versus`` (an HR of the comparator against the experimental arm is inverted). The
    estimate is chosen under the policy, preferably from ``cut``, from the analysis set of
    the curves (``population``; an HR of another set compares other curves and is left out),
    an unadjusted or stratified estimate before a covariate-adjusted one; its CI and P value
    come from the same statement.
    """
    choose = Chooser(dossier, policy)
    choose.cut = cut or None
    notes: list[str] = []
    groups = []
    for rows, inverted in _hr_candidates(dossier, endpoint, category, cohort, experimental,
                                         comparator, versus):
        est = rows[(rows["statistic"] == "estimate") & (rows["marker"] == "")]
        other = est[(est["population"] != "") & (est["population"] != population)] \
            if population else est.iloc[0:0]
        if not other.empty:
            notes.append("HR printed for another analysis set ("
                         + ", ".join(sorted(set(other["population"]))) + ", rows "
                         + ", ".join(other["id"]) + "): not used for these curves")
        est = est.drop(other.index)
        for adjusted in (False, True):
            part = est[~est["adjustment"].isin(UNADJUSTED) == adjusted]
            if not part.empty:
                groups.append((adjusted, inverted, rows, part))
    best = None
    for adj in (False, True):
        cands = [(inv, rows, part) for a, inv, rows, part in groups if a == adj]
        if not cands:
            continue
        row = choose.first(pd.concat([part for _, _, part in cands]))
        inv, rows, _ = next(c for c in cands if row["id"] in set(c[2]["id"]))
        best = (adj, inv, rows, row)
        break
    est = rows = None
    inverted = adjusted = False
    if best is not None:
        adjusted, inverted, rows, est = best
        if cut and est["data_cut"] and est["data_cut"] != cut:
            notes.append(f"HR printed only for another data cut ({est['data_cut']}, row "
                         f"{est['id']}): not used")
            est = None
    picked: dict[str, pd.Series] = {}
    if est is not None:
        picked["estimate"] = est
        for stat in ("ci_low", "ci_high", "p_value"):
            row = choose.first(_same_statement(rows[(rows["statistic"] == stat)
                                                    & (rows["marker"] == "")], est))
            if row is not None:
                picked[stat] = row
        if adjusted:
            notes.append(f"the printed HR is adjusted ({est['adjustment']}): the curves' "
                         "unadjusted HR may differ")
    num = {k: float(r["value_num"]) for k, r in picked.items()}
    level = next((float(r["level"]) / 100.0 for k, r in picked.items()
                  if k.startswith("ci") and r["level"]), 0.95)
    halves = {key: _half(picked[stat]) for stat, key in
              (("estimate", "hr"), ("ci_low", "hr_ci_low"), ("ci_high", "hr_ci_high"))
              if stat in picked}
    if inverted and num.get("estimate"):
        notes.append(f"HR printed as {comparator} vs {experimental} ({num['estimate']:g}): "
                     f"inverted to {1.0 / num['estimate']:.4g}")
        num, halves = _invert(num, halves)
    used = [r["id"] + ("" if r["comparator"] in ("", "=") else f" ({r['comparator']})")
            for r in picked.values()]
    hr = PrintedHR(experimental, comparator, num.get("estimate"), num.get("ci_low"),
                   num.get("ci_high"), level, halves)
    p = picked.get("p_value")
    return HRInput(hr, versus, num.get("p_value"), "" if p is None else str(p["comparator"]),
                   used, notes)


def _invert(num: dict[str, float], halves: dict[str, float]
            ) -> tuple[dict[str, float], dict[str, float]]:
    """An HR of B vs A as A vs B: 1 / HR, the CI's limits inverted and swapped."""
    out = dict(num)
    if num.get("estimate"):
        out["estimate"] = 1.0 / num["estimate"]
    if num.get("ci_low") and num.get("ci_high"):
        out["ci_low"], out["ci_high"] = 1.0 / num["ci_high"], 1.0 / num["ci_low"]
    elif "ci_low" in out or "ci_high" in out:
        out.pop("ci_low", None)
        out.pop("ci_high", None)
    back = {"hr": ("estimate", "hr"), "hr_ci_low": ("ci_high", "hr_ci_high"),
            "hr_ci_high": ("ci_low", "hr_ci_low")}
    new_halves = {}
    for key, (stat, old_key) in back.items():
        if num.get(stat) and old_key in halves:
            new_halves[key] = halves[old_key] / num[stat] ** 2  # d(1/x) = dx / x^2
    return out, new_halves


def hr_anchor(dossier: Dossier, endpoint: str, category: str, cohort: str,
              policy: Policy = DEFAULT) -> pd.Series | None:
    """The printed HR estimate an endpoint without a median is rebuilt for (its cut and set):
    one of the analysis set of the endpoint's events or landmark rates first, unadjusted
    before adjusted, then by the policy."""
    v = dossier.values
    rows = _select(v, quantity=dossier.vocab.hr_quantity(endpoint), cohort=cohort,
                   category=category)
    rows = rows[(rows["statistic"] == "estimate") & (rows["marker"] == "")]
    # the analysis set of the endpoint's other numbers (events, landmark rates) first
    near = _select(v, cohort=cohort)
    near = near[near["quantity"].isin([dossier.vocab.events_quantity(endpoint),
                                       rate_quantity(dossier, endpoint)])]
    sets = set(near["population"])
    for cands in (rows[rows["population"].isin(sets) & rows["adjustment"].isin(UNADJUSTED)],
                  rows[rows["population"].isin(sets)],
                  rows[rows["adjustment"].isin(UNADJUSTED)], rows):
        if not cands.empty:
            return first_row(cands, dossier, policy)
    return None


# A hazard ratio's category that names levels of a covariate of a model, not an endpoint:
# "Performance status: 1-2 vs 0", "Group: XELIRI-Bev (reference)", "OPN (continuous, per unit)"
COVARIATE = re.compile(r"\bvs\.?\b|\breference\b|\bper unit\b|\bcontinuous\b|:\s",
                       re.IGNORECASE)


def is_covariate(category: str) -> bool:
    """Whether an HR's ``category`` names a covariate of a model (:data:`COVARIATE`)."""
    return bool(category) and COVARIATE.search(str(category)) is not None


def endpoints_of(dossier: Dossier) -> list[tuple[str, str, str]]:
    """(endpoint, category, cohort) with a median row, or (two or more arms) an HR estimate.

    Endpoints are every time-to-event endpoint of the dossier's vocabulary (built-in or
    declared in trial.yaml), in the vocabulary's order. An HR row adds an endpoint unless its
    ``category`` names a covariate of a model (:func:`is_covariate`); a category that names
    the outcome ("IVD complications per 1000 IVD days") makes an endpoint of its own, as for
    medians.
    """
    v = dossier.values
    endpoints = list(dossier.vocab.endpoints)
    rows = v[v["quantity"].isin(endpoints) & (v["subgroup"] == "")
             & (v["statistic"] == "median")]
    cohorts = [c.id for c in dossier.trial.cohorts]
    keys = {(r.quantity, r.category, r.cohort) for r in rows.itertuples()}
    if dossier.trial.design == "randomized" and len(dossier.trial.arms) >= 2:
        hq = {dossier.vocab.hr_quantity(e): e for e in endpoints if e != "dor"}
        hrs = v[v["quantity"].isin(list(hq)) & (v["subgroup"] == "")
                & (v["statistic"] == "estimate") & (v["marker"] == "")
                & ~v["category"].map(is_covariate)]
        keys |= {(hq[r.quantity], r.category, r.cohort) for r in hrs.itertuples()}
    return sorted(keys, key=lambda k: (endpoints.index(k[0]), k[1], cohorts.index(k[2])
                                       if k[2] in cohorts else 99, k[2]))
