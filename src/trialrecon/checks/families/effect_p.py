"""P values of between-arm effects from the arms' data under the test named, and against the
estimate's own confidence interval.

Check ``effect-p``; reference: Pearson 1900; Yates 1934; Fisher 1935; Student 1908; Welch
1947; Altman & Bland 2011, BMJ 343:d2304; Nuijten et al. 2016 (statcheck).

A P value printed with an effect estimate (a ``p_value`` row of ``risk_ratio``,
``odds_ratio``, ``risk_difference``, ``mean_difference``, ``rate_ratio``...) and a P value
printed beside two means without counts (an ``outcome`` P) is recomputed in up to three ways:

* **from counts** (risk ratio, odds ratio, risk difference; unadjusted P only): the 2x2 tests
  of :func:`trialrecon.stats.twobytwo.two_by_two_ps` (chi-square with and without Yates'
  correction, Fisher's exact test and its mid-P) and the Wald test of the crude estimate
  (log risk ratio over Katz's SE, log odds ratio over Woolf's, the risk difference over its
  unpooled SE: what an unadjusted regression prints);
* **from means** (mean difference or an outcome P; unadjusted only): Student's pooled and
  Welch's t test from the two means, SDs (an SE times sqrt n) and sizes, over the rounding
  of the printed means and SDs;
* **from the estimate's interval**: the P the interval implies (Altman & Bland 2011; log
  scale for ratios, and for differences also the t distribution with n1 + n2 - 2 degrees of
  freedom when the arms' sizes are printed), over the rounding of the three printed numbers.

Rules (each has an error and a clean case in the planted corpus):

* **the test named** (``test``) picks the recomputation: ``chi_square``, ``chi_square_yates``,
  ``fisher_exact`` the 2x2 test; ``t_test``, ``welch_t_test``, ``anova`` the t test; a model's
  Wald test (``logistic_wald``, ``poisson``, ``z_test``, ``ancova``, ``mixed_model``, ``gee``)
  the interval. Reproduced: consistent. Reproduced only by another test: questionable, the
  finding names both. Reproduced by none: inconsistent ("gross" when significance at 0.05
  flips).
* **no test named**: every recomputation is tried and the finding names those that reproduce
  the P. None does: questionable, since the test is an assumption the paper does not state;
  inconsistent only when both the arms' data and the interval were tried and significance
  flips. With only the interval to go by, a P within a factor of 2 of the one it implies is
  not a finding (Fisher's exact test or a score test beside a Wald interval differ so).
* **a named test without the data it needs** (a chi-square P beside an odds ratio whose arms'
  counts are printed under another quantity): the estimate's interval bounds the P every test
  of the comparison gives within a factor of 2; a P outside that reach is a finding,
  inconsistent when significance at 0.05 flips, else questionable (it rests on the named
  test's P lying near the interval's).
* a test that is none of these (Wilcoxon, log-rank, CMH, likelihood ratio, proportional odds,
  trend...), a non-inferiority, equivalence or interaction P and a P without data or interval
  are not judged; an adjusted P is judged against its own interval only.
* a P declared one-sided is compared with one-sided P values; an undeclared P that only a
  one-sided P reproduces is questionable.
* **an interval against its own data**: a mean difference that is the two printed means'
  difference, whose P the t test of those means reproduces, has the t test's standard error;
  an interval around it that implies another P is too narrow or too wide: inconsistent.
* P values beside two arms' counts without an estimate are the ``tests-from-counts`` check's;
  a P beside two means (an ``outcome`` or a continuous ``baseline_value``: Table 1's t tests)
  is this check's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from trialrecon.checks.comparisons import (
    NOT_NULL_HYPOTHESES,
    adjusted,
    arm_cell,
    cell_size,
    comparison_arms,
    link_by_adjustment,
)
from trialrecon.checks.context import (
    Check,
    Context,
    Row,
    quote,
    statements,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.pvalues import overlap, p_interval, significant
from trialrecon.stats import twobytwo as tb
from trialrecon.stats.ci_p import p_range
from trialrecon.stats.rounding import printed_interval
from trialrecon.stats.summary import t_test_p_range

COUNT_MEASURES = ("risk_ratio", "odds_ratio", "risk_difference")
# Quantities printed per arm whose P (arm empty) compares the arms' means.
ARM_QUANTITIES = ("outcome", "baseline_value")
LABELS: dict[str, str] = {
    **tb.TEST_LABELS, "wald": "Wald test of the crude estimate", "t_pooled": "Student's t test",
    "t_welch": "Welch's t test", "ci": "the P the interval implies (normal)",
    "ci_t": "the P the interval implies (t)",
}
# What each named test is recomputed as; tests absent here are not judged.
NAMED: dict[str, tuple[str, ...]] = {
    "chi_square": ("chi2",), "chi_square_yates": ("chi2_yates",), "fisher_exact": ("fisher",),
    "z_test": ("chi2", "wald", "ci"), "logistic_wald": ("wald", "ci"), "poisson": ("ci",),
    "cox_wald": ("ci",), "t_test": ("t_pooled", "ci_t", "ci"), "anova": ("t_pooled", "ci_t", "ci"),
    "welch_t_test": ("t_welch", "ci_t", "ci"), "ancova": ("ci_t", "ci"),
    "mixed_model": ("ci_t", "ci"), "gee": ("ci",),
}
ONE_SIDED = {"fisher": "fisher_one_sided", "chi2": "chi2_one_sided"}
# P values of two tests of one comparison (Fisher's or a score test beside a Wald interval)
# rarely differ by more than this factor at the sizes of trials.
OTHER_TEST_FACTOR = 2.0


@dataclass
class Evidence:
    """Two-sided (and one-sided) P intervals by recomputation, the rows and what was tried."""

    two: dict[str, tuple[float, float]] = field(default_factory=dict)
    one: dict[str, tuple[float, float]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    data: str = ""  # "counts" or "means" when the arms' data were used
    stated: bool = True  # every size the data path used is printed
    log_scale: tuple[float, float] | None = None  # a difference's interval read as a ratio's
    mean_diff: tuple[float, float] | None = None  # m1 - m2 over the means' rounding
    estimate: tuple[float, float] | None = None  # the printed estimate's rounding


def check_effect_p(ctx: Context) -> list[Finding]:
    """Each effect's P value under its test (see the module docstring)."""
    out = []
    cand = [r for r in ctx.rows if ctx.numeric(r) and (
        ctx.kind(r["quantity"]) == "effect"
        or (r["quantity"] in ARM_QUANTITIES and r["statistic"] == "p_value" and not r["arm"]))]
    for st in link_by_adjustment(statements(cand)):
        p = st.get("p_value")
        if p is None:
            continue
        reason = _skip_reason(ctx, p)
        if reason:
            ctx.skip(reason)
            continue
        ev = _evidence(ctx, p, st)
        if ev is None:
            ctx.skip("P value without the arms' data or an interval to recompute it from")
            continue
        ctx.see([p, *ev.rows])
        if p["test"] and not any(k in ev.two for k in NAMED[p["test"]]):
            finding = _interval_reach(ctx, p, ev) if "ci" in ev.two else None
            if finding is None:
                ctx.skip("the named test cannot be recomputed from what is printed, and the "
                         "interval's P is within a factor of 2 of the reported one")
            else:
                out.append(finding)
            continue
        finding = _judge(ctx, p, ev)
        if finding is None:
            ctx.skip("no test named and only the interval: a P within a factor of 2 of the "
                     "interval's (another test of the same comparison)")
            continue
        out.append(finding)
    return out


def _skip_reason(ctx: Context, p: Row) -> str:
    if p["hypothesis"] in NOT_NULL_HYPOTHESES:
        return f"{p['hypothesis'].replace('_', '-')} P (not a test of no difference)"
    if p["test"] and p["test"] not in NAMED:
        return f"P of a test not recomputed from summaries ({p['test']})"
    if p["quantity"] == "median_difference":
        return "P of a median difference (a rank test; its interval is not symmetric)"
    arms = comparison_arms(ctx, p)
    if arms is None:
        return "P without two arms to compare"
    if p["quantity"] in ARM_QUANTITIES and all(
            arm_cell(ctx, p, arm, p["quantity"], "count") is not None for arm in arms):
        return "P beside two arms' counts (the tests-from-counts check's)"
    return ""


def _evidence(ctx: Context, p: Row, st: dict[str, Row]) -> Evidence | None:
    ev = Evidence()
    est = st.get("estimate")
    is_adjusted = adjusted(p) or (est is not None and adjusted(est))
    arms = comparison_arms(ctx, p)
    df = None
    if arms is not None and not is_adjusted:
        if p["quantity"] in COUNT_MEASURES:
            _from_counts(ctx, p, arms, ev)
        elif p["quantity"] in ("mean_difference", *ARM_QUANTITIES):
            df = _from_means(ctx, p, arms, ev)
    if df is None and arms is not None and p["quantity"] == "mean_difference":
        sizes = [arm_cell(ctx, p, arm, "outcome", "mean") for arm in arms]
        ns = [cell_size(ctx, r) for r in sizes if r is not None]
        df = sum(n for n, _ in ns) - 2 if len(ns) == 2 and all(ns) else None  # type: ignore[misc]
    lo, hi = st.get("ci_low"), st.get("ci_high")
    if est is not None and lo is not None and hi is not None:
        _from_interval(ctx, p, est, lo, hi, df, ev)
    return ev if ev.two else None


def _from_counts(ctx: Context, p: Row, arms: tuple[str, str], ev: Evidence) -> None:
    counts = [arm_cell(ctx, p, arm, "outcome", "count") for arm in arms]
    if counts[0] is None or counts[1] is None:
        return
    sizes = [cell_size(ctx, c) for c in counts]
    if sizes[0] is None or sizes[1] is None:
        return
    (n1, s1), (n2, s2) = sizes  # type: ignore[misc]
    a, b = int(counts[0]["value_num"]), int(counts[1]["value_num"])
    if not (0 <= a <= n1 and 0 <= b <= n2) or min(n1, n2) <= 0:
        return
    ps = tb.two_by_two_ps(a, n1, b, n2)
    wald = _wald_p(str(p["quantity"]), a, n1, b, n2)
    for k in ("chi2", "chi2_yates", "fisher", "fisher_midp"):
        ev.two[k] = (ps[k], ps[k])
    for k, one in ONE_SIDED.items():
        ev.one[k] = (ps[one], ps[one])
    if wald is not None:
        ev.two["wald"] = (wald, wald)
        ev.one["wald"] = (wald / 2, wald / 2)
    ev.rows += counts  # type: ignore[arg-type]
    ev.data = "counts"
    ev.stated = s1 and s2 and (counts[0].get("population") or "") == (
        counts[1].get("population") or "")
    ev.tried.append(f"{a}/{n1} vs {b}/{n2}: " + ", ".join(
        f"{LABELS[k]} {v[0]:.3g}" for k, v in ev.two.items()))


def _wald_p(measure: str, a: int, n1: int, b: int, n2: int) -> float | None:
    """Two-sided P of the crude estimate's Wald test (log scale for ratios)."""
    from scipy import stats

    c, d = n1 - a, n2 - b
    if measure == "risk_difference":
        p1, p2 = a / n1, b / n2
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        return None if se == 0 else float(2 * stats.norm.sf(abs(p1 - p2) / se))
    if 0 in (a, b) or (measure == "odds_ratio" and 0 in (c, d)):
        return None
    if measure == "risk_ratio":
        se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
        z = abs(math.log((a / n1) / (b / n2))) / se if se else math.inf
    else:
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        z = abs(math.log(a * d / (b * c))) / se
    return float(2 * stats.norm.sf(z))


def _rounding(row: Row) -> tuple[float, float]:
    iv = printed_interval(str(row["value"]), "=")
    return float(iv.low), float(iv.high)  # type: ignore[arg-type]


def _from_means(ctx: Context, p: Row, arms: tuple[str, str], ev: Evidence) -> int | None:
    """Both t tests from the arms' means, SDs and sizes; returns the degrees of freedom."""
    q = p["quantity"] if p["quantity"] in ARM_QUANTITIES else str(
        ctx.vocab.attribute(p["quantity"], "effect_of") or "outcome")
    cells = []
    for arm in arms:
        mean = arm_cell(ctx, p, arm, q, "mean")
        if mean is None:
            return None
        spread = arm_cell(ctx, mean, arm, q, "sd")
        se = None if spread is not None else arm_cell(ctx, mean, arm, q, "se")
        size = cell_size(ctx, mean)
        if (spread is None and se is None) or size is None or size[0] < 2:
            return None
        n = size[0]
        sd = _rounding(spread) if spread is not None else tuple(
            x * math.sqrt(n) for x in _rounding(se))  # type: ignore[arg-type]
        cells.append((mean, spread or se, _rounding(mean), sd, size))
    (m1, r1, mb1, sb1, (n1, s1)), (m2, r2, mb2, sb2, (n2, s2)) = cells
    ev.mean_diff = (mb1[0] - mb2[1], mb1[1] - mb2[0])
    for key, welch in (("t_pooled", False), ("t_welch", True)):
        ev.two[key] = t_test_p_range(mb1, sb1, n1, mb2, sb2, n2, welch=welch)  # type: ignore
        ev.one[key] = (ev.two[key][0] / 2, ev.two[key][1] / 2)
    ev.rows += [m1, r1, m2, r2]
    ev.data = "means"
    ev.stated = s1 and s2
    ev.tried.append(f"means {m1['value']} vs {m2['value']} (n {n1} and {n2}): " + ", ".join(
        f"{LABELS[k]} {ev.two[k][0]:.3g} to {ev.two[k][1]:.3g}" for k in ("t_pooled",
                                                                         "t_welch")))
    return n1 + n2 - 2


def _from_interval(ctx: Context, p: Row, est: Row, lo: Row, hi: Row, df: int | None,
                   ev: Evidence) -> None:
    ratio = ctx.vocab.attribute(est["quantity"], "scale") == "ratio"
    level = float(lo["level"] or 95) / 100
    boxes = [_rounding(r) for r in (est, lo, hi)]
    ev.estimate = boxes[0]
    if ratio and min(b[0] for b in boxes) <= 0:
        boxes = [(max(b[0], 1e-12), b[1]) for b in boxes]
    try:
        ev.two["ci"] = p_range(*boxes, level, ratio=ratio)  # type: ignore[misc]
        if df is not None and df > 0 and not ratio:
            ev.two["ci_t"] = p_range(*boxes, level, ratio=False, df=df)  # type: ignore[misc]
    except ValueError:
        return
    for k in ("ci", "ci_t"):
        if k in ev.two:
            ev.one[k] = (ev.two[k][0] / 2, ev.two[k][1] / 2)
    if not ratio and min(b[0] for b in boxes) > 0:
        ev.log_scale = p_range(*boxes, level, ratio=True)  # type: ignore[misc]
    ev.rows += [est, lo, hi]
    ev.tried.append(f"interval {lo['value']} to {hi['value']} around {est['value']}: "
                    + ", ".join(f"{LABELS[k]} {_fmt_p(ev.two[k][0])} to "
                                f"{_fmt_p(ev.two[k][1])}" for k in ("ci", "ci_t") if k in ev.two))


def _fmt_p(x: float) -> str:
    return "< 0.0001" if x < 0.0001 else f"{x:.3g}"


def p_text(p: Row) -> str:
    """``P = 0.144 (Table 2)``, ``P < 0.001 (Results)``."""
    return f"P {'' if p['comparator'] not in ('', '=') else '= '}{quote(p)}"


def _interval_off(ctx: Context, p: Row, ev: Evidence, test: str, rows: list[Row],
                  rec: dict) -> Finding:
    """A mean difference's P the t test reproduces, but its interval implies another P.

    The t test's interval and its P share one standard error, so an interval around the same
    difference that implies a different P is not the t test's: too narrow or too wide.
    """
    t_p, ci_p = ev.two[test], ev.two.get("ci_t", ev.two["ci"])
    rec["result"] = (f"{LABELS[test]} {_fmt_p(t_p[0])} to {_fmt_p(t_p[1])} reproduces the P; "
                     f"the interval implies {_fmt_p(ci_p[0])} to {_fmt_p(ci_p[1])}")
    width = "narrow" if ci_p[1] < t_p[0] else "wide"
    return ctx.finding(
        "inconsistent" if ev.stated else "questionable",
        f"interval too {width} for P {p['value']} and the arms' data",
        f"{p_text(p)} is the {LABELS[test]} of the arms' means and SDs ({_fmt_p(t_p[0])} to "
        f"{_fmt_p(t_p[1])}), but the printed interval implies P {_fmt_p(ci_p[0])} to "
        f"{_fmt_p(ci_p[1])}: it is too {width} for the same difference and standard error.",
        rows, recomputation=rec, discriminator="interval",
        ruled_out=["rounding of the means, SDs and bounds", "the normal and the t quantile"])


def _same_difference(ev: Evidence) -> bool:
    """The printed difference is the two means' (in either orientation), so the t test's
    standard error is the interval's."""
    if ev.mean_diff is None or ev.estimate is None:
        return False
    d, e = ev.mean_diff, ev.estimate
    return overlap(d, e) or overlap((-d[1], -d[0]), e)


def _other_test_reach(ev: Evidence, rep: tuple[float, float]) -> bool:
    """With no test named and only the interval, a P within a factor of
    :data:`OTHER_TEST_FACTOR` of the interval's implied P may be another test's."""
    return any(overlap((lo / OTHER_TEST_FACTOR, hi * OTHER_TEST_FACTOR), rep)
               for lo, hi in ev.two.values())


def _interval_reach(ctx: Context, p: Row, ev: Evidence) -> Finding | None:
    """A named test the printed data cannot recompute, judged by the interval alone: any
    test of the comparison lies within :data:`OTHER_TEST_FACTOR` of the interval's P."""
    rep = p_interval(p)
    pool = ev.one if p["sided"] == "one_sided" else ev.two
    ci = pool["ci"]
    if overlap((ci[0] / OTHER_TEST_FACTOR, ci[1] * OTHER_TEST_FACTOR), rep):
        return None
    gross = significant(ci) is not None and significant(rep) is not None and \
        significant(ci) != significant(rep)
    shown = f"{_fmt_p(ci[0])}" + (f" to {_fmt_p(ci[1])}" if _fmt_p(ci[1]) != _fmt_p(ci[0])
                                  else "")
    rec = {"method": "P implied by the estimate's interval (Altman & Bland 2011); the named "
                     "test's data are not printed",
           "inputs": {"reported_p": f"{p['comparator'] or '='} {p['value']}",
                      "test": p["test"], "sided": p["sided"] or "not stated"},
           "tried": ev.tried, "result": f"interval P {shown}, reach x{OTHER_TEST_FACTOR:g}",
           "gross": gross}
    name = p["test"].replace("_", " ")
    return ctx.finding(
        "inconsistent" if gross else "questionable",
        ("gross inconsistency: " if gross else "") + f"P {p['value']} far from its interval",
        f"{p_text(p)} ({name}) against P {shown} implied by the interval; the {name} P of the "
        f"same comparison lies within a factor of {OTHER_TEST_FACTOR:g} of it"
        + ("; significance at 0.05 flips." if gross else
           ". This rests on that reach: the arms' data for the named test are not printed."),
        [p, *ev.rows], recomputation=rec, nearest=shown,
        ruled_out=["the interval's P within a factor of 2 (another test of the comparison)"])


def _judge(ctx: Context, p: Row, ev: Evidence) -> Finding | None:
    rep = p_interval(p)
    named = NAMED.get(str(p["test"]), ())
    one_sided = p["sided"] == "one_sided"
    pool = ev.one if one_sided else ev.two
    family = tuple(k for k in (named or tuple(pool)) if k in pool)
    hits = [k for k in family if overlap(pool[k], rep)]
    rows = [p, *ev.rows]
    rec = {"method": "P recomputed from " + ({"counts": "the arms' counts", "means":
                                              "the arms' means and SDs"}.get(ev.data, "")
                                             + (" and " if ev.data and "ci" in ev.two else "")
                                             + ("the estimate's interval" if "ci" in ev.two
                                                else "")),
           "inputs": {"reported_p": f"{p['comparator'] or '='} {p['value']}",
                      "test": p["test"] or "not stated", "sided": p["sided"] or "not stated"},
           "tried": ev.tried}
    if hits and ev.data == "means" and "ci" in ev.two and hits[0] in ("t_pooled", "t_welch") \
            and _same_difference(ev) and not any(overlap(ev.two[k], ev.two[hits[0]])
                                                 for k in ("ci", "ci_t") if k in ev.two):
        return _interval_off(ctx, p, ev, hits[0], rows, rec)
    if hits:
        names = ", ".join(LABELS[k] for k in hits)
        rec["result"] = f"reproduced by {names}"
        return ctx.finding("consistent", f"P {p['value']} reproduced ({LABELS[hits[0]]})",
                           f"{p_text(p)} is reproduced by {names}.", rows, recomputation=rec)
    if not named and not ev.data and _other_test_reach(ev, rep):
        return None
    others = [k for k in ev.two if k not in family and overlap(ev.two[k], rep)] \
        if not one_sided else []
    ones = [k for k in ev.one if overlap(ev.one[k], rep)] if not one_sided else []
    if others or ones:
        # with no test named every two-sided recomputation is in the family: ``others``
        # then is empty and only a one-sided P can be left
        alt = others or ones
        names = ", ".join(LABELS[k] + ("" if others else " (one-sided)") for k in alt)
        why = (f"the paper names {p['test'].replace('_', ' ')}" if others
               else "the paper does not say the test is one-sided")
        rec["result"] = f"reproduced only by {names}"
        return ctx.finding(
            "questionable", f"P {p['value']} reproduced only by {LABELS[alt[0]]}"
            + (" (one-sided)" if not others else ""),
            f"{p_text(p)} is reproduced only by {names}, but {why}.", rows, recomputation=rec,
            ruled_out=[LABELS[k] for k in family])
    ref = pool[family[0]]
    gross = significant(ref) is not None and significant(rep) is not None and \
        significant(ref) != significant(rep)
    strong = bool(named) or (ev.data != "" and "ci" in ev.two and gross)
    severity = "inconsistent" if strong and ev.stated else "questionable"
    rec["result"] = "no recomputation reproduces the reported P"
    rec["gross"] = gross
    because = "" if severity == "inconsistent" else (
        " This rests on what the paper does not state: "
        + ("the test" if not named else "the arms' sizes") + ".")
    if ev.log_scale is not None and overlap(ev.log_scale, rep):
        because += (f" On the log scale the interval gives P {ev.log_scale[0]:.3g} to "
                    f"{ev.log_scale[1]:.3g}, as printed: the figures read as a ratio labelled "
                    "as a difference.")
        rec["log_scale"] = list(ev.log_scale)
    shown = "; ".join(f"{LABELS[k]} {_fmt_p(pool[k][0])}" + (
        f" to {_fmt_p(pool[k][1])}" if pool[k][1] - pool[k][0] > 1e-12
        and _fmt_p(pool[k][1]) != _fmt_p(pool[k][0]) else "")
        for k in (family or tuple(pool)))
    return ctx.finding(
        severity, ("gross inconsistency: " if gross else "")
        + f"P {p['value']} not reproduced",
        f"{p_text(p)} against {shown}" + ("; significance at 0.05 flips." if gross else ".")
        + because, rows, recomputation=rec, nearest=shown,
        ruled_out=[LABELS[k] for k in pool])


CHECK = Check(
    "effect-p", "1",
    "P of an effect from the arms' counts or means under the test named, and against the "
    "estimate's interval",
    "Pearson 1900; Yates 1934; Fisher 1935; Welch 1947; Altman & Bland 2011, BMJ 343:d2304; "
    "Nuijten et al. 2016 (statcheck)",
    check_effect_p,
)
