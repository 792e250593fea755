"""Event rates: a rate against its events and exposure, a rate ratio or difference against the
two rates, a pooled rate against its arms.

Check ``event-rates``; reference: arithmetic of rates (Rothman, Greenland & Lash, Modern
Epidemiology, 3rd ed. 2008, ch. 3 and 14); Poisson intervals of the rate ratio (Wald on the
log scale; the exact conditional interval of R ``poisson.test``).

Rules (each has an error and a clean case in the planted corpus):

* **rate = events / exposure x multiplier**, the multiplier and the base read from the rate's
  unit (``per_100_person_years``: 100 per person-year). The events are the arm's count of the
  same outcome and place; the exposure is a printed value in the base unit (``person_years``)
  for a person-time base, otherwise the count's stated denominator (``per_1000_livebirths``:
  deaths over live births). Outside the rounding of rate and exposure: *inconsistent*.
* **rate ratio and rate difference** of the same outcome (unadjusted: ``adjustment`` empty or
  unadjusted) against the two arms' rates (from events and exposure when printed, else the
  printed rates over their rounding), in either orientation; outside: *inconsistent*. A
  difference is compared only in the rates' own unit. With both arms' events and exposure
  the rate ratio's interval is identified (Poisson Wald, exact conditional); an interval
  neither gives (a negative binomial or robust model is wider) is not a finding.
* **a pooled rate** (an arm with ``parts``, or the total column beside the arms of one
  place) equals the summed events over the summed exposure when every arm prints both, and
  lies between the arms' rates otherwise.
"""

from __future__ import annotations

from trialrecon.checks.comparisons import (
    adjusted,
    arm_cell,
    comparison_arms,
    fmt_num,
    pool_parts,
    reproduces_row,
    restated_adjusted,
)
from trialrecon.checks.context import Check, Context, Row, is_nan, quote, statements
from trialrecon.checks.findings import Finding
from trialrecon.dossier.names import rate_scale
from trialrecon.stats.rates import RATE_RATIO_LABELS, RATE_RATIO_METHODS, rate_ratio_interval
from trialrecon.stats.rounding import printed_interval

TIME_SUFFIXES = ("_years", "_days", "_months", "_weeks", "_hours")
Span = tuple[float, float]


def _iv(row: Row) -> Span:
    iv = printed_interval(str(row["value"]), "=")
    return float(iv.low), float(iv.high)  # type: ignore[arg-type]


def _overlap(a: Span, b: Span) -> bool:
    return a[0] <= b[1] + 1e-12 and b[0] <= a[1] + 1e-12


class Arm:
    """One arm's rate: its printed rate row, events and exposure (when printed)."""

    def __init__(self, rate: Row, events: Row | None, exposure: Span | None,
                 exposure_row: Row | None, per: float) -> None:
        self.rate, self.events, self.exposure = rate, events, exposure
        self.exposure_row, self.per = exposure_row, per

    @property
    def exact(self) -> Span | None:
        """The rate from events and exposure (over the exposure's rounding)."""
        if self.events is None or self.exposure is None or self.exposure[0] <= 0:
            return None
        e = float(self.events["value_num"])
        return e / self.exposure[1] * self.per, e / self.exposure[0] * self.per

    @property
    def span(self) -> Span:
        return self.exact or _iv(self.rate)

    def rows(self) -> list[Row]:
        return [r for r in (self.rate, self.events, self.exposure_row) if r is not None]


def _arm(ctx: Context, rate: Row) -> Arm | None:
    scale = rate_scale(str(rate["unit"]))
    if scale is None:
        return None
    per, base = scale
    events = arm_cell(ctx, rate, rate["arm"], rate["quantity"], "count")
    exposure, exposure_row = None, None
    if base.endswith(TIME_SUFFIXES):
        cands = [r for r in ctx.where(cohort=rate["cohort"], arm=rate["arm"],
                                      subgroup=rate["subgroup"], source=rate["source"],
                                      unit=base) if ctx.numeric(r)
                 and r["category"] in (rate["category"], "")]
        cands.sort(key=lambda r: (r["category"] != rate["category"],
                                  r["location"] != rate["location"]))
        if cands and len({r["value"] for r in cands if r["category"] == cands[0]["category"]
                          and r["location"] == cands[0]["location"]}) == 1:
            exposure_row = cands[0]
            exposure = _iv(exposure_row)
    elif events is not None and not is_nan(events["denominator_num"]):
        n = float(events["denominator_num"])
        exposure = (n, n)
    return Arm(rate, events, exposure, exposure_row, per)


def check_rates(ctx: Context) -> list[Finding]:
    """Rates, rate ratios and differences, pooled rates (see the module docstring)."""
    out: list[Finding] = []
    arms_of: dict[str, Arm] = {}
    for r in [r for r in ctx.rows if r["statistic"] == "rate" and ctx.numeric(r)
              and (r["comparator"] or "=") == "="]:
        arm = _arm(ctx, r)
        if arm is None:
            continue
        arms_of[r["id"]] = arm
        if arm.exact is not None:
            out.append(_rate(ctx, arm))
        pooled = _pooled(ctx, arm)
        if pooled is not None:
            out.append(pooled)
    cand = [r for r in ctx.rows if r["quantity"] in ("rate_ratio", "rate_difference")
            and ctx.numeric(r)]
    for st in statements(cand):
        est = st.get("estimate")
        if est is None:
            continue
        if adjusted(est) or restated_adjusted(ctx, est) is not None:
            ctx.skip("adjusted rate ratio or difference: not the ratio of the printed rates")
            continue
        f = _between(ctx, est, st.get("ci_low"), st.get("ci_high"))
        if f is not None:
            out.append(f)
    return out


def _rate(ctx: Context, arm: Arm) -> Finding:
    r, span = arm.rate, arm.exact
    assert span is not None and arm.events is not None and arm.exposure is not None
    rows = arm.rows()
    ctx.see(rows)
    e = arm.events["value"]
    t = arm.exposure_row["value"] if arm.exposure_row is not None else \
        f"{arm.exposure[0]:g}"
    mid = sum(arm.exposure) / 2
    calc = f"{e} / {t} x {arm.per:g} = " + fmt_num(float(arm.events["value_num"]) / mid
                                                   * arm.per, r["value"])
    rec = {"method": "rate = events / exposure x multiplier (the rate's unit)",
           "inputs": {"events": e, "exposure": t, "multiplier": arm.per, "printed": r["value"]},
           "result": calc}
    if _overlap(span, _iv(r)):
        return ctx.finding("consistent", f"rate {r['value']} = {e}/{t}",
                           f"{quote(r)} is {calc}.", rows, recomputation=rec,
                           discriminator="rate")
    whole = arm.exposure_row is not None and arm.exposure_row["category"] != r["category"]
    return ctx.finding(
        "questionable" if whole else "inconsistent",
        f"rate {r['value']} is not {e}/{t} x {arm.per:g}",
        f"{quote(r)} does not follow from {quote(arm.events)} over {t}: {calc}."
        + (" The person-time is the arm's whole follow-up; the time at risk of this outcome "
           "(to a first event) may be shorter, and the paper does not give it." if whole
           else ""), rows,
        recomputation=rec, discriminator="rate", nearest=calc.rsplit("= ", 1)[-1],
        ruled_out=["rounding of the rate and the exposure"])


def _pooled(ctx: Context, pool: Arm) -> Finding | None:
    r = pool.rate
    names = pool_parts(ctx, r)
    if not names:
        return None
    parts = []
    for name in names:
        row = arm_cell(ctx, r, name, r["quantity"], "rate")
        if row is None or row["location"] != r["location"] or row["unit"] != r["unit"]:
            return None
        part = _arm(ctx, row)
        if part is None:
            return None
        parts.append(part)
    if all(p.events is not None and p.exposure is not None for p in parts):
        e = sum(float(p.events["value_num"]) for p in parts)  # type: ignore[index]
        t_lo = sum(p.exposure[0] for p in parts)  # type: ignore[index]
        t_hi = sum(p.exposure[1] for p in parts)  # type: ignore[index]
        span = (e / t_hi * pool.per, e / t_lo * pool.per)
        how = "the arms' events over their exposure"
    else:
        span = (min(p.span[0] for p in parts), max(p.span[1] for p in parts))
        how = "between the arms' rates"
    rows = [r, *(x for p in parts for x in p.rows())]
    ctx.see(rows)
    terms = ", ".join(f"{p.rate['value']} ({p.rate['arm']})" for p in parts)
    rec = {"method": f"pooled rate {how}", "inputs": {p.rate["arm"]: p.rate["value"]
                                                     for p in parts},
           "result": f"{span[0]:.4g} to {span[1]:.4g}"}
    if _overlap(span, _iv(r)):
        return ctx.finding("consistent", f"pooled rate {r['value']} fits its arms",
                           f"{quote(r)} is {how} ({terms}).", rows, recomputation=rec,
                           discriminator="pool")
    return ctx.finding(
        "inconsistent", f"pooled rate {r['value']} is not {how} ({span[0]:.3g} to "
        f"{span[1]:.3g})", f"{quote(r)} cannot be {how}: {terms} give {span[0]:.4g} to "
        f"{span[1]:.4g}.", rows, recomputation=rec, discriminator="pool",
        nearest=f"{span[0]:.3g} to {span[1]:.3g}", ruled_out=["rounding"])


def _between(ctx: Context, est: Row, lo: Row | None, hi: Row | None) -> Finding | None:
    pair = comparison_arms(ctx, est)
    if pair is None:
        return None
    rates = [arm_cell(ctx, est, arm, "outcome", "rate") for arm in pair]
    if rates[0] is None or rates[1] is None or rates[0]["unit"] != rates[1]["unit"]:
        return None
    arms = [_arm(ctx, r) for r in rates]
    if arms[0] is None or arms[1] is None:
        return None
    a, b = arms
    ratio = est["quantity"] == "rate_ratio"
    if not ratio and est["unit"] != a.rate["unit"]:
        ctx.skip("rate difference in another unit than the rates")
        return None
    sa, sb = a.span, b.span
    if ratio:
        if min(sa[0], sb[0]) <= 0:
            return None
        fwd, rev = (sa[0] / sb[1], sa[1] / sb[0]), (sb[0] / sa[1], sb[1] / sa[0])
        point = float(a.rate["value_num"]) / float(b.rate["value_num"])
    else:
        fwd, rev = (sa[0] - sb[1], sa[1] - sb[0]), (sb[0] - sa[1], sb[1] - sa[0])
        point = float(a.rate["value_num"]) - float(b.rate["value_num"])
    rows = [est, *a.rows(), *b.rows()]
    ctx.see(rows)
    name = "rate ratio" if ratio else "rate difference"
    op = "/" if ratio else "-"
    calc = f"{a.rate['value']} {op} {b.rate['value']} = {fmt_num(point, est['value'])}"
    rec = {"method": f"{name} against the two arms' rates", "inputs": {
        "experimental": a.rate["value"], "comparator": b.rate["value"], "printed": est["value"]},
        "tried": [f"experimental {op} comparator: {fwd[0]:.4g} to {fwd[1]:.4g}",
                  f"comparator {op} experimental: {rev[0]:.4g} to {rev[1]:.4g}"],
        "result": calc}
    shown = _iv(est)
    if not (_overlap(fwd, shown) or _overlap(rev, shown)):
        return ctx.finding(
            "inconsistent", f"{name} {est['value']} is not {calc}",
            f"The {name} {quote(est)} does not follow from the arms' rates {quote(a.rate)} and "
            f"{quote(b.rate)}: {calc} ({fwd[0]:.4g} to {fwd[1]:.4g} over their rounding).",
            rows, recomputation=rec, discriminator="between", nearest=f"{point:.3g}",
            ruled_out=["rounding", "the reversed orientation"])
    methods = _ratio_interval(a, b, lo, hi) if ratio and lo is not None and hi is not None \
        else []
    if methods:
        rows += [lo, hi]  # type: ignore[list-item]
        rec["result"] += "; interval: " + ", ".join(RATE_RATIO_LABELS[m] for m in methods)
    return ctx.finding(
        "consistent", f"{name} {est['value']} = {calc}",
        f"The {name} {quote(est)} is {calc}" + (
            f"; its interval is the {', '.join(RATE_RATIO_LABELS[m] for m in methods)} one."
            if methods else "."), rows, recomputation=rec, discriminator="between")


def _ratio_interval(a: Arm, b: Arm, lo: Row, hi: Row) -> list[str]:
    if a.events is None or b.events is None or a.exposure is None or b.exposure is None:
        return []
    level = float(lo["level"] or 95) / 100
    out = []
    for m in RATE_RATIO_METHODS:
        iv = rate_ratio_interval(int(a.events["value_num"]), sum(a.exposure) / 2,
                                 int(b.events["value_num"]), sum(b.exposure) / 2, m, level)
        if iv is None:
            continue
        if (reproduces_row(iv[0], lo) and reproduces_row(iv[1], hi)) or (
                reproduces_row(1 / iv[1], lo) and reproduces_row(1 / iv[0], hi)):
            out.append(m)
    return out


CHECK = Check(
    "event-rates", "1",
    "Rates against events and exposure, rate ratios and differences against the rates, pooled "
    "rates against their arms",
    "arithmetic of rates (Rothman, Greenland & Lash 2008); Poisson intervals (R poisson.test)",
    check_rates,
)
