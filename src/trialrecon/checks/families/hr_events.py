"""The number of events a hazard ratio's confidence interval implies, against the events printed.

Check ``hr-events``; reference: Parmar MKB, Torri V, Stewart L. Extracting summary statistics
to perform meta-analyses of the published literature for survival endpoints. Stat Med
1998;17:2815-34 (the variance of the log hazard ratio is about 1/V with V = E r / (1 + r)^2,
E the events and r the allocation ratio: 4/E for 1:1); Schoenfeld 1983 (Biometrics 39:499).

The width of a hazard ratio's interval is fixed by the number of events: the standard error
of log HR is (log upper - log lower) / (2 z), so the events the interval implies are
E = 1 / (SE^2 p (1 - p)), p the share of patients in one arm (the arms' randomized counts;
1:1 when the paper does not print them). The implied events are computed over every value
the printed bounds round from, and compared with the events printed for the same endpoint,
comparison, subgroup and data cut (the total, or the two arms' sum).

Only hazard ratios between arms are compared (a prognostic factor's hazard ratio, which
names a category, and interaction terms are not), with the events of the same analysis set
(``population``). Rule: the relation is an approximation
(unequal events per arm, strata and ties move it by up to about a third), so a ratio of
printed to implied events inside [:data:`LOW`, :data:`HIGH`] is consistent, and outside it
the finding is ``questionable``: the interval and the events cannot both describe one
analysis of these patients. The usual cause is a count of another thing printed as the
events (responders printed as the events of the duration of response, patients as
progressions).
"""

from __future__ import annotations

import math

from scipy import stats

from trialrecon.checks.context import Check, Context, NotApplicable, Row, box, quote, statements
from trialrecon.checks.findings import Finding

LOW, HIGH = 0.6, 1.6


def implied_events(lo: tuple[float, float], hi: tuple[float, float], level: float,
                   share: float) -> tuple[float, float]:
    """Events a hazard ratio interval implies, over the rounding boxes of its bounds.

    SE = (log hi - log lo) / (2 z); events = 1 / (SE^2 p (1 - p)) (Parmar et al. 1998). The
    widest interval gives the fewest events.
    """
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    q = share * (1 - share)
    widest = (math.log(hi[1]) - math.log(lo[0])) / (2 * z)
    narrowest = max((math.log(hi[0]) - math.log(lo[1])) / (2 * z), 1e-9)
    return 1 / (widest ** 2 * q), 1 / (narrowest ** 2 * q)


def _arm_share(ctx: Context, row: Row) -> tuple[float, list[Row]]:
    """The share of the comparison's patients in its first arm (0.5 when not printed)."""
    arms = [a.id for a in ctx.dossier.trial.arms if not a.parts]
    pair = ([row["arm"], row["versus"]] if row["arm"] and row["versus"] else
            arms if len(arms) == 2 else [])
    sizes = []
    for arm in pair:
        rows = [r for q in ("randomized", "enrolled") for r in ctx.where(
            quantity=q, statistic="count", cohort=row["cohort"], arm=arm, subgroup="")
            if ctx.numeric(r) and not ctx.is_registry(r)]
        if not rows:
            return 0.5, []
        sizes.append(rows[0])
    if len(sizes) != 2:
        return 0.5, []
    n1, n2 = (float(r["value_num"]) for r in sizes)
    return n1 / (n1 + n2), sizes


def _events(ctx: Context, est: Row) -> list[Row]:
    """The events printed for the hazard ratio's comparison: a total or the two arms' counts."""
    endpoint = str(ctx.vocab.attribute(est["quantity"], "ratio_of") or "")
    q = ctx.vocab.events_quantity(endpoint)
    rows = [r for r in ctx.where(quantity=q, statistic="count", cohort=est["cohort"],
                                 subgroup=est["subgroup"], data_cut=est["data_cut"])
            if ctx.numeric(r) and not ctx.is_registry(r) and not r["category"]
            # events of the hazard ratio's own analysis set (a model of a subset is not the
            # trial's deaths)
            and str(r.get("population") or "") == str(est.get("population") or "")]
    rows.sort(key=lambda r: (r["source"] != est["source"], r["location"] != est["location"]))
    total = [r for r in rows if not r["arm"]]
    if total and not est["arm"]:
        return total[:1]
    arms = ([est["arm"], est["versus"]] if est["arm"] else
            [a.id for a in ctx.dossier.trial.arms if not a.parts])
    if len(arms) != 2:
        return []
    per = [next((r for r in rows if r["arm"] == a), None) for a in arms]
    return [r for r in per if r is not None] if all(per) else []


def check_hr_events(ctx: Context) -> list[Finding]:
    """Events implied by each hazard ratio's interval against the events printed."""
    # hazard ratios between arms only: a prognostic factor's HR (category: "OPN, per unit")
    # or an interaction is not the comparison the trial's events belong to
    cand = [r for r in ctx.rows if ctx.vocab.attribute(r["quantity"], "ratio_of")
            and ctx.numeric(r) and not ctx.is_registry(r) and not r["category"]
            and r.get("hypothesis") not in ("interaction", "heterogeneity")]
    if not cand:
        raise NotApplicable("no hazard ratio with an interval")
    out = []
    for st in statements(cand):
        lo, hi = st.get("ci_low"), st.get("ci_high")
        ref = st.get("estimate") or lo
        if lo is None or hi is None or ref is None or lo["value_num"] <= 0:
            continue
        events = _events(ctx, ref)
        if not events:
            ctx.skip("hazard ratio without printed events of its comparison")
            continue
        share, sizes = _arm_share(ctx, ref)
        level = float(lo["level"] or 95) / 100
        low, high = implied_events(box(lo), box(hi), level, share)
        printed = sum(int(r["value_num"]) for r in events)
        rows = [x for x in (st.get("estimate"), lo, hi) if x is not None] + events + sizes
        ctx.see(rows)
        out.append(_judge(ctx, rows, lo, hi, events, printed, (low, high), share, bool(sizes)))
    return out


def _judge(ctx: Context, rows: list[Row], lo: Row, hi: Row, events: list[Row], printed: int,
           implied: tuple[float, float], share: float, known_share: bool) -> Finding:
    low, high = implied
    ratio = (printed / high, printed / low)
    alloc = (f"{share:.2f} of the patients in one arm" if known_share else
             "1:1 allocation (the arms' sizes are not printed)")
    rec = {"method": "events = 1 / (SE^2 p (1 - p)), SE = (log upper - log lower) / (2 z) "
                     "(Parmar et al. 1998), over the rounding of the bounds",
           "inputs": {"ci": [lo["value"], hi["value"]], "printed_events": printed,
                      "allocation": alloc},
           "tried": [f"implied events {low:.0f} to {high:.0f}",
                     f"printed / implied {ratio[0]:.2f} to {ratio[1]:.2f} "
                     f"(accepted {LOW:g} to {HIGH:g})"],
           "result": f"implied {low:.0f} to {high:.0f} events, printed {printed}"}
    what = " + ".join(quote(r) for r in events)
    interval = f"{lo['value']} to {hi['value']}"
    if ratio[1] >= LOW and ratio[0] <= HIGH:
        return ctx.finding(
            "consistent", f"{printed} events fit the interval {interval}",
            f"The interval {interval} implies {low:.0f} to {high:.0f} events ({alloc}); "
            f"{what} fit.", rows, recomputation=rec, discriminator="events")
    side = "more" if ratio[0] > HIGH else "fewer"
    return ctx.finding(
        "questionable", f"{printed} events vs {low:.0f} to {high:.0f} implied by the interval "
        f"{interval}",
        f"The hazard ratio's interval {interval} implies {low:.0f} to {high:.0f} events "
        f"({alloc}), but the paper prints {what}: {side} than any one analysis of these "
        "patients with that interval would have. The printed count may count something else "
        "(responders, patients) or belong to another analysis.", rows, recomputation=rec,
        nearest=f"{low:.0f} to {high:.0f} events", discriminator="events",
        ruled_out=["rounding of the interval's bounds",
                   f"unequal events per arm, strata and ties (a factor {LOW:g} to {HIGH:g})"])


CHECK = Check(
    "hr-events", "1",
    "The events a hazard ratio's confidence interval implies against the events printed",
    "Parmar, Torri & Stewart 1998, Stat Med 17:2815; Schoenfeld 1983, Biometrics 39:499",
    check_hr_events,
)
