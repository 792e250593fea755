"""What the dossier says about a trial's conduct: accrual, the data cut-off, follow-up.

For one endpoint of one cohort and arm, from the data cut of the endpoint's median (or HR):

* the accrual period, from the enrollment dates (the cohort's, else a pooled cohort's);
* the data cut-off in months from the first entry, when both dates are known: the cut's own
  date (a source's ``data_cut`` in ``trial.yaml``) or a ``data_cutoff`` row, minus the first
  enrollment date;
* every printed follow-up statistic with its definition: the terms of the ``follow_up``
  category (``survivors``, ``reverse Kaplan-Meier``, ``observation time``, ``minimum``, an
  endpoint id; :func:`trialrecon.stats.followup.kind_of`); a follow-up naming another
  endpoint is left out, one naming this endpoint is preferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trialrecon.dossier import Dossier, names
from trialrecon.stats.followup import FollowUp, kind_of

FOLLOW_UP_STATISTICS = ("median", "iqr_low", "iqr_high", "range_low", "range_high", "value")


@dataclass
class Conduct:
    """Accrual, cut-off and follow-up of one endpoint, with the rows used and notes."""

    accrual: float | None = None
    cutoff: float | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    cutoff_date: str = ""
    start_date: str = ""
    cutoff_source: str = ""  # the source whose data cut-off date it is, when no row prints it
    ids: dict[str, str] = field(default_factory=dict)  # start, end, cutoff, follow-up keys


def cohort_chain(trial: Any, cohort: str) -> list[str]:
    """The cohort, then the pooled cohorts that contain it (trial-level values live there)."""
    chain = [cohort]
    chain += [c.id for c in trial.cohorts if cohort in c.parts]
    chain += [c.id for c in trial.cohorts if c.id not in chain]
    return chain


def _rows(values: pd.DataFrame, **match: str) -> pd.DataFrame:
    mask = values["subgroup"] == ""
    for col, val in match.items():
        mask &= values[col] == val
    return values[mask]


def _months(row: pd.Series) -> float:
    factor = names.TIME_UNIT_MONTHS.get(row["unit"])
    if factor is None:
        raise ValueError(f"{row['file']}, row {row['line']}: unit {row['unit']} is not a time")
    return float(row["value_num"]) * factor


def gather_conduct(dossier: Dossier, endpoint: str, cohort: str, arm: str,
                   choose: Any) -> Conduct:
    """Accrual, cut-off and follow-up statistics (see the module docstring).

    ``choose`` is the stage's row chooser, set to the endpoint's data cut; rows of another
    cut are left out.
    """
    out = Conduct()
    v = dossier.values
    chain = cohort_chain(dossier.trial, cohort)
    for c in chain:
        start = choose.first(_rows(v, quantity="enrollment_start", cohort=c, statistic="date"))
        end = choose.first(_rows(v, quantity="enrollment_end", cohort=c, statistic="date"))
        if start is not None and end is not None:
            out.accrual = names.date_months(end["value"]) - names.date_months(start["value"])
            out.start_date = str(start["value"])
            out.used += [start["id"], end["id"]]
            out.ids.update(start=str(start["id"]), end=str(end["id"]))
            break
    if out.accrual is None:
        out.missing.append("accrual dates")
    _cutoff(dossier, chain, choose, out)
    _follow_ups(dossier, endpoint, chain, arm, choose, out)
    return out


def _cutoff(dossier: Dossier, chain: list[str], choose: Any, out: Conduct) -> None:
    """The data cut-off in months from the first entry, from the cut's date or a row."""
    if not out.start_date:
        return
    cut = dossier.cut(choose.cut or "")
    date, row_id = (cut.date, "") if cut is not None and cut.date else ("", "")
    if not date:
        for c in chain:
            row = choose.first(_rows(dossier.values, quantity="data_cutoff", cohort=c,
                                     statistic="date"))
            if row is not None and (not choose.cut or not row["data_cut"]
                                    or row["data_cut"] == choose.cut):
                date, row_id = str(row["value"]), str(row["id"])
                break
    if not date or not names.is_date(date):
        return
    months = names.date_months(date) - names.date_months(out.start_date)
    if months <= 0:
        out.notes.append(f"the data cut-off {date} is not after the first enrollment "
                         f"{out.start_date}: not used")
        return
    out.cutoff, out.cutoff_date = months, date
    if row_id:
        out.used.append(row_id)
        out.ids["cutoff"] = row_id
    elif cut is not None:
        out.cutoff_source = ", ".join(cut.sources)


def _follow_ups(dossier: Dossier, endpoint: str, chain: list[str], arm: str, choose: Any,
                out: Conduct) -> None:
    """Every printed follow-up statistic of the endpoint, one row per definition and statistic."""
    endpoints = {e.lower() for e in dossier.vocab.endpoints}
    for c in chain:
        fu = _rows(dossier.values, quantity="follow_up", cohort=c)
        fu = fu[fu["arm"].isin([arm, ""]) & fu["statistic"].isin(FOLLOW_UP_STATISTICS)
                & (fu["marker"] == "")]
        if fu.empty:
            continue
        terms = fu["category"].map(lambda x: {t.strip().lower() for t in str(x).split(";")
                                              if t.strip()})
        named = terms.map(lambda t: t & endpoints)
        mine = fu[named.map(lambda n: endpoint in n)]
        general = fu[named.map(lambda n: not n)]
        pool = mine if not mine.empty else general
        other = fu[named.map(lambda n: bool(n) and endpoint not in n)]
        if not other.empty and pool.empty:
            out.notes.append("follow-up printed only for other endpoints (rows "
                             f"{', '.join(other['id'])}): not used")
        got = _statistics(pool, choose, out)
        if any(f.stated for f in got):
            dropped = [f for f in got if not f.stated]
            if dropped:  # the abstract's "median follow-up 45 months" beside the Results'
                out.notes.append("follow-up printed without its definition left out beside "
                                 "the one printed with it (" + ", ".join(
                                     f"{f.statistic} {f.months:g}" for f in dropped) + ")")
            got = [f for f in got if f.stated]
        if got:
            out.follow_ups = tuple(got)
            return
    out.missing.append("median follow-up")


def _statistics(pool: pd.DataFrame, choose: Any, out: Conduct) -> list[FollowUp]:
    picked: dict[tuple[str, str], FollowUp] = {}
    for _, row in choose.ranked(pool).iterrows():
        if choose.cut and row["data_cut"] and row["data_cut"] != choose.cut:
            stat = "median" if row["statistic"] == "median" else str(row["statistic"])
            out.notes.append(f"the {stat} follow-up printed only for another data cut "
                             f"({row['data_cut']}, row {row['id']}): not used")
            continue
        terms = [t for t in str(row["category"]).split(";") if t.strip()]
        kind = kind_of(terms)
        if kind == "minimum" and row["statistic"] not in ("value", "median"):
            continue
        stat = "value" if kind == "minimum" else str(row["statistic"])
        if (kind, stat) in picked:
            continue
        try:
            months = _months(row)
        except ValueError:
            continue
        picked[(kind, stat)] = FollowUp(kind, stat, months, str(row["category"]),
                                        _half_unit(row))
        out.used.append(str(row["id"]))
        out.ids[picked[(kind, stat)].key] = str(row["id"])
    return list(picked.values())


def _half_unit(row: pd.Series) -> float:
    text = str(row["value"]).strip()
    decimals = len(text.split(".")[1]) if "." in text else 0
    factor = names.TIME_UNIT_MONTHS.get(row["unit"], 1.0)
    return 0.5 * 10.0 ** (-decimals) * factor
