"""A landmark rate against the median of the same curve.

Check ``landmark-vs-median``. A landmark rate (``os_rate`` at ``12 months``) and the median
describe one Kaplan-Meier curve, so they constrain each other:

* without any model (questionable): the median is the first time the curve is at or below
  0.5, so at a landmark before every value the printed median (and its CI) allows the rate
  is above 50%, and at a landmark after all of them it is at most 50%; only a rate or a
  median of another curve (another definition of the endpoint, a rate that is not a
  Kaplan-Meier estimate) explains a breach, so the check is soft here too;
* under the Weibull curves the Kaplan-Meier stage calibrates (a soft note): a curve with its
  median anywhere in the printed CI (or the median's rounding when no CI is printed) and a
  shape between :data:`trialrecon.stats.survmodel.SHAPE_GRID`'s bounds gives the landmark
  only rates in a range the check computes; a printed rate (with its CI, or its rounding)
  outside that range cannot be reached by the fitted model. Only a note: survival need not
  be Weibull.

A rate and a median are compared when they share cohort, arm, subgroup and data cut.

Reference: Weibull survival S(t) = exp(-log 2 (t / m) ** k) with median m and shape k
(Collett D. Modelling Survival Data in Medical Research, 3rd ed. 2015, section 5.1).
"""

from __future__ import annotations

import math

from trialrecon.checks.context import Check, Context, NotApplicable, Row, box, quote
from trialrecon.checks.findings import Finding
from trialrecon.dossier.names import landmark_months
from trialrecon.stats.survmodel import SHAPE_GRID

SHAPES = (SHAPE_GRID[0], SHAPE_GRID[1])
RATE_SCALE = {"percent": 0.01, "proportion": 1.0, "probability": 1.0}
MONTHS = {"months": 1.0, "weeks": 12.0 / 52.1775, "days": 12.0 / 365.25, "years": 12.0}


def weibull_survival(t: float, median: float, shape: float) -> float:
    """S(t) of the Weibull curve with this median and shape (1 at a median of inf, 0 at 0)."""
    if math.isinf(median):
        return 1.0
    if median <= 0:
        return 0.0
    return math.exp(-math.log(2.0) * (t / median) ** shape)


def reachable(t: float, median: tuple[float, float]) -> tuple[float, float]:
    """The range of S(t) over medians in ``median`` and shapes in :data:`SHAPES`.

    S(t) rises with the median, and with the shape where t is below the median (falls where
    it is above), so the extremes are at the corners of the rectangle.
    """
    values = [weibull_survival(t, m, k) for m in median for k in SHAPES]
    return min(values), max(values)


def _rate_box(ctx: Context, rate: Row, lo: Row | None, hi: Row | None) -> tuple[float, float]:
    """The printed rate as probabilities: its CI when printed, else its rounding."""
    scale = RATE_SCALE[rate["unit"]]
    if lo is not None and hi is not None and ctx.numeric(lo) and ctx.numeric(hi):
        return box(lo)[0] * scale, box(hi)[1] * scale
    low, high = box(rate)
    return low * scale, min(high * scale, 1.0)


def _median_box(rows: dict[str, Row]) -> tuple[float, float] | None:
    """The median in months: its CI when printed, else its rounding; NR is (CI low, inf)."""
    med = rows["median"]
    factor = MONTHS.get(med["unit"])
    if factor is None:
        return None
    lo, hi = rows.get("ci_low"), rows.get("ci_high")
    if med["marker"] == "not_reached":
        start = box(lo)[0] if lo is not None and not lo["marker"] else 0.0
        return start * factor, math.inf
    if med["marker"]:
        return None
    low = box(lo)[0] if lo is not None and not lo["marker"] else box(med)[0]
    high = (math.inf if hi is not None and hi["marker"] == "not_reached" else
            box(hi)[1] if hi is not None and not hi["marker"] else box(med)[1])
    return low * factor, high * factor


def _medians(ctx: Context, endpoint: str) -> list[dict[str, Row]]:
    """Median statements (median with its CI rows) of an endpoint."""
    groups: dict[tuple, dict[str, Row]] = {}
    for r in ctx.rows:
        if (r["quantity"] != endpoint or r["category"] or ctx.is_registry(r)
                or r["statistic"] not in ("median", "ci_low", "ci_high")):
            continue
        key = (r["source"], r["location"], r["cohort"], r["arm"], r["subgroup"], r["data_cut"])
        groups.setdefault(key, {}).setdefault(r["statistic"], r)
    return [g for g in groups.values() if "median" in g]


def check_landmark_rates(ctx: Context) -> list[Finding]:
    """Each landmark rate against the median of its curve (see the module docstring)."""
    rate_of = {q: str(d["rate_of"]) for q, d in ctx.vocab.quantities.items()
               if d.get("rate_of")}
    rates = [r for r in ctx.rows if r["quantity"] in rate_of and r["statistic"] in
             ("percent", "proportion") and r["unit"] in RATE_SCALE and ctx.numeric(r)
             and not ctx.is_registry(r) and (r["comparator"] or "=") in ("=", "~")]
    if not rates:
        raise NotApplicable("no landmark rates")
    out = []
    for rate in rates:
        months = landmark_months(str(rate["category"]))
        if months is None:
            ctx.skip("landmark not readable as a time")
            continue
        same = [m for m in _medians(ctx, rate_of[rate["quantity"]])
                if all(m["median"][c] == rate[c] for c in ("cohort", "arm", "subgroup",
                                                           "data_cut"))]
        if not same:
            ctx.skip("rate without a median of the same curve")
            continue
        med = sorted(same, key=lambda m: m["median"]["source"] != rate["source"])[0]
        m_box = _median_box(med)
        if m_box is None:
            ctx.skip("median not usable")
            continue
        bounds = [r for r in ctx.rows if r["quantity"] == rate["quantity"]
                  and r["statistic"] in ("ci_low", "ci_high") and all(
                      r[c] == rate[c] for c in ("source", "location", "cohort", "arm",
                                                "subgroup", "category", "data_cut"))]
        lo = next((r for r in bounds if r["statistic"] == "ci_low"), None)
        hi = next((r for r in bounds if r["statistic"] == "ci_high"), None)
        rows = [rate, *(x for x in (lo, hi) if x is not None), *med.values()]
        ctx.see(rows)
        out.append(_judge(ctx, rate, months, _rate_box(ctx, rate, lo, hi), m_box, med, rows))
    return out


def _fmt_box(b: tuple[float, float], pct: bool = False) -> str:
    if pct:
        return f"{100 * b[0]:.3g}% to {100 * b[1]:.3g}%"
    return f"{b[0]:.4g} to {'not reached' if math.isinf(b[1]) else f'{b[1]:.4g}'}"


def _judge(ctx: Context, rate: Row, months: float, r_box: tuple[float, float],
           m_box: tuple[float, float], med: dict[str, Row], rows: list[Row]) -> Finding:
    lo_s, hi_s = reachable(months, m_box)
    rec = {"method": "Weibull S(t) = exp(-log 2 (t / m) ** k), m in the median's CI, "
                     f"k in [{SHAPES[0]:g}, {SHAPES[1]:g}]",
           "inputs": {"landmark_months": months, "rate": _fmt_box(r_box, True),
                      "median_months": _fmt_box(m_box)},
           "tried": [f"S({months:g}) reachable from {100 * lo_s:.3g}% to {100 * hi_s:.3g}%"],
           "result": ""}
    what = f"the {rate['category']} rate {quote(rate)}"
    median_text = quote(med["median"])
    if months < m_box[0] and r_box[1] < 0.5 or months >= m_box[1] and r_box[0] > 0.5:
        side = "before" if months < m_box[0] else "after"
        rec["result"] = "impossible for any survival curve"
        return ctx.finding(
            "questionable", f"{rate['category']} rate on the wrong side of 50%",
            f"{what[0].upper()}{what[1:]} is {'below' if side == 'before' else 'above'} 50% "
            f"at a landmark {side} every median the printed {median_text} allows "
            f"({_fmt_box(m_box)} months): the median is the first time the curve reaches "
            "50%, so one Kaplan-Meier curve cannot have both; only different definitions of "
            "the endpoint (or a rate that is not read off the curve) explain it.", rows,
            recomputation=rec, ruled_out=["the same Kaplan-Meier curve"])
    if r_box[1] < lo_s or r_box[0] > hi_s:
        rec["result"] = "outside the reachable range"
        nearest = lo_s if r_box[1] < lo_s else hi_s
        return ctx.finding(
            "note", f"{rate['category']} rate out of reach of the median",
            f"No Weibull curve with its median in {_fmt_box(m_box)} months ({median_text}) "
            f"and a shape from {SHAPES[0]:g} to {SHAPES[1]:g} gives {what} "
            f"({_fmt_box(r_box, True)}): such curves give {100 * lo_s:.3g}% to "
            f"{100 * hi_s:.3g}% at {months:g} months. A soft signal: survival need not be "
            "Weibull, but the model-based reconstruction cannot meet both numbers.",
            rows, recomputation=rec, nearest=f"{100 * nearest:.3g}%")
    rec["result"] = "within the reachable range"
    return ctx.finding(
        "consistent", f"{rate['category']} rate within reach of the median",
        f"{what[0].upper()}{what[1:]} lies within the {100 * lo_s:.3g}% to {100 * hi_s:.3g}% "
        f"that Weibull curves with the printed median ({median_text}) give.", rows,
        recomputation=rec)


CHECK = Check(
    "landmark-vs-median", "1",
    "Landmark rates against the median of the same curve (Weibull reach; soft)",
    "median = first time S(t) <= 0.5; Weibull S(t) = exp(-log 2 (t/m)^k)",
    check_landmark_rates,
)
