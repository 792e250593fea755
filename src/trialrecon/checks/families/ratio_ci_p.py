"""Hazard, odds and risk ratios: inside the CI, log-symmetric, P implied by the CI.

Check ``ratio-ci-p``; reference: Altman & Bland 2011, BMJ 343:d2304; Nuijten et al. 2016, Behav
Res Methods 48:1205 (statcheck).

Rule (an unstated interval method): the P implied by a CI assumes a Wald interval on the log
scale, which is centred on the estimate. When the printed CI is not centred (log symmetry
fails beyond rounding) and the paper states no interval method for it (no ``test`` on the CI
rows, and the P row names no model Wald test: ``cox_wald``, ``logistic_wald``), the interval
may be a profile-likelihood, exact or bootstrap one, so a P that disagrees with it rests on an
assumption the paper does not make: the finding says so and is at most ``questionable``.
Unless the two sides contradict whatever the method: the CI excludes 1 while P is not below
1 - level (or the reverse), which stays ``inconsistent``. A P finding on an off-centre CI
carries the symmetry point in its sentence (one point for the authors, not two).
"""

from __future__ import annotations

import math

from trialrecon.checks.context import (
    Check,
    Context,
    Row,
    box,
    quote,
    statements,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.pvalues import overlap, p_interval, significant
from trialrecon.stats.ci_p import p_from_ratio_ci as p_from_ci  # noqa: F401 (shared)
from trialrecon.stats.ci_p import p_range


def implied_p_interval(est: Row, lo: Row, hi: Row, level: float) -> tuple[float, float]:
    """Range of the Altman-Bland P over the rounding box of (estimate, lower, upper)."""
    return p_range(box(est), box(lo), box(hi), level, ratio=True)


def check_ratio_estimates(ctx: Context) -> list[Finding]:
    """HR, OR and RR: estimate inside the CI, log symmetry, and the P implied by the CI.

    The P value is recovered from the CI as in Altman & Bland (2011), BMJ 343:d2304, evaluated
    over the rounding box of the three printed numbers, and compared with the reported P
    (comparator aware). A difference where significance at 0.05 flips is a gross
    inconsistency as statcheck defines it (Nuijten et al. 2016, Behav Res Methods 48:1205).
    A reported P matching only the one-sided implied P is questionable unless declared.
    """
    out = []
    cand = [r for r in ctx.rows if ctx.kind(r["quantity"]) == "ratio" and ctx.numeric(r)]
    for st in statements(cand):
        est, lo, hi, p = (st.get(k) for k in ("estimate", "ci_low", "ci_high", "p_value"))
        if est is None or lo is None or hi is None:
            continue
        ctx.see([x for x in (est, lo, hi, p) if x])
        level = float(lo["level"] or 95) / 100
        e, a, b = est["value_num"], lo["value_num"], hi["value_num"]
        if not (a <= e <= b):
            out.append(ctx.finding(
                "inconsistent", f"estimate {est['value']} outside its CI {lo['value']}-"
                f"{hi['value']}", f"The {est['quantity']} {quote(est)} lies outside its own CI "
                f"({lo['value']} to {hi['value']}).", [est, lo, hi],
                recomputation={"method": "lower <= estimate <= upper",
                               "inputs": {"estimate": e, "lower": a, "upper": b},
                               "result": "outside"}, discriminator="inside",
                ruled_out=["rounding (the printed order is already wrong)"]))
            continue
        if a <= 0:
            ctx.skip("ratio CI with a non-positive bound")
            continue
        sym = _log_symmetry(ctx, est, lo, hi)
        if p is None:
            out.append(sym)
            continue
        centred = sym.severity == "consistent"
        pf = _p_versus_ci(ctx, est, lo, hi, p, level,
                          wald_assumed=not centred and not _wald_stated(lo, hi, p))
        if not centred and pf.severity != "consistent":
            # one point for the authors: the off-centre CI is part of the P's disagreement
            pf.sentence += f" {sym.sentence}"
            pf.recomputation["symmetry"] = sym.recomputation.get("result", "")
            out.append(pf)
        else:
            out.extend([sym, pf])
    return out


def _sides_contradict(lo: Row, hi: Row, p: Row, level: float) -> bool:
    """The CI excludes 1 while P is not below 1 - level, or the reverse, over rounding.

    A test and the interval that inverts it agree on which side of 1 the data lie whatever
    the interval's method, so this contradiction needs no Wald assumption.
    """
    alpha = round(1 - level, 10)
    excludes = box(hi)[1] < 1 or box(lo)[0] > 1
    includes = box(lo)[1] <= 1 <= box(hi)[0]
    rep = p_interval(p)
    return (excludes and rep[0] >= alpha) or (includes and rep[1] < alpha)


WALD_TESTS = frozenset({"cox_wald", "logistic_wald"})


def _wald_stated(lo: Row, hi: Row, p: Row) -> bool:
    """The paper names the interval's method: on a CI row, or a model's Wald test for the P."""
    return bool(lo.get("test") or hi.get("test")) or (p.get("test") or "") in WALD_TESTS


def _log_symmetry(ctx: Context, est: Row, lo: Row, hi: Row) -> Finding:
    """A Wald CI on the log scale is symmetric: estimate^2 = lower x upper (within rounding)."""
    e, l_, h = box(est), box(lo), box(hi)
    sq = (e[0] ** 2, e[1] ** 2)
    prod = (l_[0] * h[0], l_[1] * h[1])
    geo = math.sqrt(lo["value_num"] * hi["value_num"])
    rec = {"method": "log-scale symmetry: estimate^2 against lower x upper over rounding box",
           "inputs": {"estimate": est["value"], "lower": lo["value"], "upper": hi["value"]},
           "tried": [f"estimate^2 in [{sq[0]:.5g}, {sq[1]:.5g}]",
                     f"lower x upper in [{prod[0]:.5g}, {prod[1]:.5g}]"],
           "result": f"geometric mean of the bounds {geo:.4g}"}
    if overlap(sq, prod):
        return ctx.finding("consistent", f"CI of {est['value']} symmetric on the log scale",
                           f"The CI ({lo['value']} to {hi['value']}) is centred on {quote(est)} on "
                           "the log scale.", [est, lo, hi], recomputation=rec,
                           discriminator="symmetry")
    return ctx.finding(
        "questionable", f"CI {lo['value']}-{hi['value']} not centred on {est['value']}",
        f"On the log scale the CI ({lo['value']} to {hi['value']}) is centred on {geo:.3g}, not "
        f"on {quote(est)}: not a Wald interval, or a misprint.", [est, lo, hi], recomputation=rec,
        nearest=f"{geo:.3g}", discriminator="symmetry",
        ruled_out=["rounding of the three numbers"])


def _p_versus_ci(ctx: Context, est: Row, lo: Row, hi: Row, p: Row, level: float,
                 wald_assumed: bool = False) -> Finding:
    """The reported P against the P a Wald CI implies.

    ``wald_assumed``: the CI is not centred on the log scale and no interval method is stated,
    so a disagreement is at most questionable (the module's rule).
    """
    two = implied_p_interval(est, lo, hi, level)
    one = (two[0] / 2, two[1] / 2)
    rep = p_interval(p)
    rows = [est, lo, hi, p]
    declared_one = p["sided"] == "one_sided"
    rec = {"method": "P from CI (Altman & Bland 2011), exact normal, over the rounding box",
           "inputs": {"estimate": est["value"], "lower": lo["value"], "upper": hi["value"],
                      "level": level, "reported_p": f"{p['comparator'] or '='} {p['value']}"},
           "tried": [f"two-sided implied P in [{two[0]:.3g}, {two[1]:.3g}]",
                     f"one-sided implied P in [{one[0]:.3g}, {one[1]:.3g}]"],
           "result": f"reported P in [{rep[0]:.3g}, {rep[1]:.3g}]"}
    primary = one if declared_one else two
    label = "one-sided (declared)" if declared_one else "two-sided"
    if overlap(primary, rep):
        return ctx.finding("consistent", f"P {p['value']} agrees with the CI",
                           f"The {label} P implied by the CI ({primary[0]:.3g} to "
                           f"{primary[1]:.3g}) agrees with {quote(p)}.", rows, recomputation=rec,
                           discriminator="p")
    if not declared_one and overlap(one, rep):
        return ctx.finding(
            "questionable", f"P {p['value']} matches only a one-sided test",
            f"{quote(p)} agrees with the one-sided P implied by the CI ({one[0]:.3g} to "
            f"{one[1]:.3g}), not the two-sided ({two[0]:.3g} to {two[1]:.3g}); the paper does "
            "not say the test is one-sided.", rows, recomputation=rec, discriminator="p",
            nearest=f"{two[0]:.3g} to {two[1]:.3g}",
            ruled_out=["two-sided P over the rounding box"])
    gross = (significant(primary) is not None and significant(rep) is not None
             and significant(primary) != significant(rep))
    rec["gross"] = gross
    title = ("gross inconsistency: " if gross else "") + f"P {p['value']} disagrees with the CI"
    sentence = (f"The CI ({lo['value']} to {hi['value']}) around {quote(est)} implies a {label} P "
                f"between {primary[0]:.3g} and {primary[1]:.3g}, but the paper reports {quote(p)}"
                + ("; significance at 0.05 flips." if gross else "."))
    if wald_assumed and not _sides_contradict(lo, hi, p, level):
        rec["assumption"] = "a Wald interval on the log scale (the paper names no method)"
        return ctx.finding(
            "questionable", f"P {p['value']} disagrees with a Wald reading of the CI",
            sentence + " This assumes a Wald interval, which the paper does not state and which "
            "the CI, not centred on the estimate, does not look like.", rows, recomputation=rec,
            discriminator="p", nearest=f"{primary[0]:.3g} to {primary[1]:.3g}",
            ruled_out=["rounding of estimate and bounds", "a one-sided test"])
    return ctx.finding(
        "inconsistent", title, sentence, rows, recomputation=rec,
        discriminator="p", nearest=f"{primary[0]:.3g} to {primary[1]:.3g}",
        ruled_out=["rounding of estimate and bounds", "a one-sided test"])


CHECK = Check(
    "ratio-ci-p", "1",
    'HR/OR/RR: estimate inside CI, log symmetry, P implied by the CI',
    "Altman & Bland 2011, BMJ 343:d2304; Nuijten et al. 2016, Behav Res Methods 48:1205 "
    "(statcheck)",
    check_ratio_estimates,
)
