"""What the rebuilt curves contradict: findings the reconciliation reports with their rows.

A Kaplan-Meier curve obeys three facts that do not depend on any model:

* it is at least the share still at risk: ``S(t-) >= n(t) / N`` for the numbers at risk
  ``n(t)`` of its figure (every patient at risk at ``t`` has had no event before it), so a
  printed median before a time at which more than half of the patients are still at risk,
  or a printed rate at a landmark below the share at risk after it, cannot be;
* it has no estimate beyond its longest follow-up: the data cut-off minus the first
  enrollment (the printed dates; a month-only date counts to its month's end), or the time
  the figure's numbers at risk reach zero; a median, a CI limit or a landmark rate beyond it
  cannot be;
* it is at most ``1 - D / N`` at its end (each of ``D`` events takes at least ``1 / N`` of
  it), so a median printed as "not reached" with more than half of the patients having had
  the event cannot be.

These are ``inconsistent``. A digitized figure read off the page adds one softer finding
(``questionable``): the rebuilt curve (Guyot) at a printed median or landmark more than
:data:`READING_TOLERANCE` from 0.5 or the printed rate, a gap no reading error explains.
Rising numbers at risk are the checks' concern (:mod:`trialrecon.checks.families`), not
repeated here.

Each finding names the dossier rows it rests on; the stage writes them to
``results/<trial>/km/findings.json`` and the reconciliation reads that file
(:mod:`trialrecon.stages.reconcile`).

Reference: Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am
Stat Assoc 1958;53:457-481 (the estimator, and why it never drops below the share at risk).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from trialrecon.dossier import Dossier, names
from trialrecon.stages.km.models import ArmResult, EndpointResult
from trialrecon.stats.km import km_at

CHECK_ID = "km-curves"
VERSION = "1"
DESCRIPTION = ("What the rebuilt Kaplan-Meier curves contradict: a median or landmark rate "
               "the numbers at risk, the follow-up dates or the events rule out")
REFERENCE = "S(t-) >= n(t)/N; no estimate beyond the longest follow-up; S(end) <= 1 - D/N"
READING_TOLERANCE = 0.05  # survival: a digitized curve read off a page is this good or better


def _finding(severity: str, claim: str, sentence: str, rows: list[str],
             recomputation: dict[str, Any], discriminator: str,
             nearest: str | None = None) -> dict[str, Any]:
    return {"check": CHECK_ID, "version": VERSION, "severity": severity, "claim": claim,
            "sentence": sentence, "rows": [r for r in dict.fromkeys(rows) if r],
            "recomputation": recomputation, "nearest": nearest,
            "discriminator": discriminator}


def _subject(res: EndpointResult, r: ArmResult) -> str:
    who = f"{r.arm}, {res.cohort}" if r.arm else res.cohort
    return f"{res.label.upper()} ({who})"


def _last_day_months(date: str) -> float:
    """A date's last moment in months: a month-only date counts to its month's end."""
    parts = date.split("-")
    if len(parts) == 1:
        return float(int(parts[0]) * 12 + 12)
    extra = 1.0 if len(parts) == 2 else 1.0 / 30.4375
    return names.date_months(date) + extra


# --------------------------------------------------------------------------------------------
# the figure's numbers at risk
# --------------------------------------------------------------------------------------------


def _at_risk(res: EndpointResult, r: ArmResult, rel: str) -> list[dict[str, Any]]:
    nar, s = r.nar, r.inputs.summary
    if nar is None or nar.empty or s is None:
        return []
    table = nar.sort_values("time")
    zero = table[table["time"] == 0.0]
    if zero.empty:
        return []
    total = int(zero.iloc[0]["n_risk"])
    if total <= 0:
        return []
    out = []
    ids = r.inputs.ids
    where = f"{rel}, line {{}}"
    if s.median is not None and "median" in ids:
        latest = s.median + s.half_units.get("median", 0.0)  # the printed median's rounding
        after = table[(table["time"] > latest) & (table["n_risk"] * 2 > total)]
        if not after.empty:
            row = after.iloc[-1]
            share = int(row["n_risk"]) / total
            out.append(_finding(
                "inconsistent", "median before half the patients leave the risk set",
                f"The printed median {res.label.upper()} of {s.median:g} months cannot be: the "
                f"figure's numbers at risk show {int(row['n_risk'])} of {total} patients still "
                f"at risk at {row['time']:g} months, so the Kaplan-Meier curve stays at or "
                f"above {share:.3f} until then and its median is later than "
                f"{row['time']:g} months.",
                [ids["median"], ids.get("n", "")],
                {"method": "S(t-) >= n(t) / N", "inputs": {
                    "median_months": s.median, "at_risk": int(row["n_risk"]), "N": total,
                    "time_months": float(row["time"]),
                    "numbers_at_risk": where.format(int(row["line"]))},
                 "result": f"S({row['time']:g}-) >= {share:.3f} > 0.5"},
                f"{res.label}|{res.cohort}|{r.arm}|nar-median",
                nearest=f"a median later than {row['time']:g} months"))
    for lm in s.landmarks:
        key = ids.get(lm.key)
        if key is None:
            continue
        after = table[table["time"] > lm.months]
        ended = table[(table["time"] <= lm.months) & (table["n_risk"] == 0)]
        top = lm.rate + lm.half_unit
        if not after.empty and int(after.iloc[0]["n_risk"]) / total > top:
            row = after.iloc[0]
            share = int(row["n_risk"]) / total
            out.append(_finding(
                "inconsistent", f"{lm.label} rate below the share still at risk",
                f"The printed {lm.label} rate {_subject(res, r)} of {lm.rate:.3g} cannot be: "
                f"{int(row['n_risk'])} of {total} patients are still at risk at "
                f"{row['time']:g} months in the figure, so the curve is at least "
                f"{share:.3f} at {lm.months:g} months.",
                [key, ids.get("n", "")],
                {"method": "S(t-) >= n(t) / N", "inputs": {
                    "rate": lm.rate, "landmark_months": lm.months, "at_risk": int(row["n_risk"]),
                    "N": total, "numbers_at_risk": where.format(int(row["line"]))},
                 "result": f"S({lm.months:g}) >= {share:.3f}"},
                f"{res.label}|{res.cohort}|{r.arm}|nar-rate|{lm.key}",
                nearest=f"at least {share:.3f}"))
        elif not ended.empty and lm.rate - lm.half_unit > 0:
            row = ended.iloc[0]
            out.append(_finding(
                "inconsistent", f"{lm.label} rate after the last patient left follow-up",
                f"The printed {lm.label} rate {_subject(res, r)} of {lm.rate:.3g} cannot be "
                f"read off the curve: its figure has no patient at risk from {row['time']:g} "
                f"months, before the {lm.months:g}-month landmark.",
                [key], {"method": "no estimate beyond the last patient at risk", "inputs": {
                    "landmark_months": lm.months, "numbers_at_risk":
                    where.format(int(row["line"]))}, "result": "no estimate"},
                f"{res.label}|{res.cohort}|{r.arm}|nar-end|{lm.key}"))
    return out


# --------------------------------------------------------------------------------------------
# the reach of the follow-up dates
# --------------------------------------------------------------------------------------------


def _reach(res: EndpointResult, r: ArmResult) -> list[dict[str, Any]]:
    s, c = r.inputs.summary, r.inputs.conduct
    if s is None or c is None or not c.cutoff_date or not c.start_date:
        return []
    longest = _last_day_months(c.cutoff_date) - names.date_months(c.start_date)
    ids = dict(r.inputs.ids)
    date_rows = [ids.get("start", ""), ids.get("cutoff", "")]
    whose = (f"the data cut-off {c.cutoff_date}" + (f" (of {c.cutoff_source})"
                                                     if c.cutoff_source else ""))
    base = {"method": "no Kaplan-Meier estimate beyond the longest follow-up",
            "inputs": {"first_enrollment": c.start_date, "data_cutoff": c.cutoff_date,
                       "longest_follow_up_months": round(longest, 3)}}
    out = []
    checks = [("median", s.median, "median"), ("ci_low", s.ci_low, "lower CI limit"),
              ("ci_high", s.ci_high, "upper CI limit")]
    checks += [(lm.key, lm.months, f"{lm.label} landmark") for lm in s.landmarks]
    checks += [(f.key, f.months, f"follow-up ({f.statistic.replace('_', ' ')}"
                + (f", {f.label})" if f.label else ")")) for f in s.all_follow_ups()]
    for key, months, what in checks:
        if months is None or key not in ids or months <= longest:
            continue
        out.append(_finding(
            "inconsistent", f"{what} beyond the longest possible follow-up",
            f"The {what} {_subject(res, r)} at {months:g} months is beyond the longest "
            f"follow-up the dates allow: the first patient enrolled on {c.start_date} and "
            f"{whose} is {longest:.1f} months later, so no patient can be followed to "
            f"{months:g} months and the curve has no estimate there.",
            [ids[key], *date_rows], {**base, "result": f"{months:g} > {longest:.1f}"},
            # a follow-up row is shared by the endpoints and arms: one finding for it
            f"reach|{key}" if key.startswith("follow_up:") else
            f"{res.label}|{res.cohort}|{r.arm}|reach|{key}",
            nearest=f"at most {longest:.1f} months"))
    return out


# --------------------------------------------------------------------------------------------
# a median not reached with more than half of the patients having had the event
# --------------------------------------------------------------------------------------------


def _not_reached(res: EndpointResult, r: ArmResult) -> list[dict[str, Any]]:
    s, ids = r.inputs.summary, r.inputs.ids
    if (s is None or not s.median_not_reached or s.events is None or r.inputs.events_derived
            or "events" not in ids or "n" not in ids or 2 * s.events <= s.n):
        return []
    end = 1.0 - s.events / s.n
    return [_finding(
        "inconsistent", "median not reached with events in more than half",
        f"The median {_subject(res, r)} is printed as not reached, but {s.events} of {s.n} "
        f"patients had the event: every event lowers the Kaplan-Meier curve by at least "
        f"1/{s.n}, so it ends at or below {end:.3f}, under 0.5, and its median is reached.",
        [ids.get("median", ""), ids["events"], ids["n"]],
        {"method": "S(end) <= 1 - D / N", "inputs": {"events": s.events, "N": s.n},
         "result": f"S(end) <= {end:.3f}"},
        f"{res.label}|{res.cohort}|{r.arm}|nr-events")]


# --------------------------------------------------------------------------------------------
# a digitized figure against the printed numbers
# --------------------------------------------------------------------------------------------


def _figure(res: EndpointResult, r: ArmResult, rel: str) -> list[dict[str, Any]]:
    s, g = r.inputs.summary, r.guyot
    if s is None or g is None:
        return []
    time = g.ipd["time"].to_numpy(float)
    event = g.ipd["event"].to_numpy().astype(bool)
    from trialrecon.stats.km import km_steps

    st, ss = km_steps(time, event)
    last = float(time.max()) if time.size else 0.0
    ids = r.inputs.ids
    out = []
    if s.median is not None and "median" in ids and s.median <= last:
        half = s.half_units.get("median", 0.0)
        before, after = (float(km_at(np.array([x]), st, ss)[0])
                         for x in (s.median - half, s.median + half))
        gap = max(after - 0.5, 0.5 - before, 0.0)  # the curve crosses 0.5 elsewhere
        if gap > READING_TOLERANCE:
            at = after if after - 0.5 > 0.5 - before else before
            out.append(_figure_finding(res, r, rel, "median", s.median, 0.5, at, gap,
                                       ids["median"]))
    for lm in s.landmarks:
        if lm.key not in ids or lm.months > last:
            continue
        at = float(km_at(np.array([lm.months]), st, ss)[0])
        gap = abs(at - lm.rate) - lm.half_unit
        if gap > READING_TOLERANCE:
            out.append(_figure_finding(res, r, rel, f"{lm.label} rate", lm.months, lm.rate, at,
                                       gap, ids[lm.key]))
    return out


def _figure_finding(res: EndpointResult, r: ArmResult, rel: str, what: str, months: float,
                    level: float, at: float, gap: float, row: str) -> dict[str, Any]:
    return _finding(
        "questionable", f"{what} off the figure's curve",
        f"The figure's curve {_subject(res, r)}, rebuilt from its digitized points ({rel}), "
        f"is at {at:.3f} at {months:g} months, where the printed {what} puts it at "
        f"{level:.3g}: {gap:.3f} further than the printed rounding allows, more than reading "
        f"a printed figure misses by ({READING_TOLERANCE:g}).",
        [row], {"method": "Guyot reconstruction of the digitized figure",
                "inputs": {"months": months, "printed": level, "curve": round(at, 6)},
                "result": f"gap {gap:.3f} > {READING_TOLERANCE:g}"},
        f"{res.label}|{res.cohort}|{r.arm}|figure|{what}", nearest=f"{at:.3f}")


def curve_findings(dossier: Dossier, results: dict[tuple[str, str, str], EndpointResult]
                   ) -> list[dict[str, Any]]:
    """Every finding of every endpoint, arm by arm, in a fixed order."""
    out: list[dict[str, Any]] = []
    for res in results.values():
        for r in res.arms:
            rel = _relative(dossier.path, r.nar_file)
            out += _at_risk(res, r, rel) + _reach(res, r) + _not_reached(res, r)
            out += _figure(res, r, rel or "curves/")
    unique: dict[tuple, dict[str, Any]] = {}
    for f in out:  # one finding per claim on the same rows (a follow-up shared by endpoints)
        unique.setdefault((f["discriminator"], tuple(f["rows"])), f)
    return list(unique.values())


def _relative(root: Path, path: str) -> str:
    if not path:
        return ""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def write_findings(findings: list[dict[str, Any]], path: Path) -> None:
    """The findings as JSON, keys sorted: byte-identical for the same inputs."""
    from trialrecon.report.files import atomic_write_text

    atomic_write_text(path, json.dumps(_plain({"check": CHECK_ID, "version": VERSION,
                                               "description": DESCRIPTION,
                                               "reference": REFERENCE, "findings": findings}),
                                       indent=1, sort_keys=True, allow_nan=False) + "\n")


def _plain(x: Any) -> Any:
    """Plain JSON values: numpy numbers as Python ones, inf and NaN as text."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return v if math.isfinite(v) else ("inf" if v > 0 else "-inf" if v < 0 else "nan")
    return x
