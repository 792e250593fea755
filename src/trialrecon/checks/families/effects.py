"""Risk ratios, odds ratios, risk differences and numbers needed to treat from the arms' counts.

Check ``effect-measures``; reference: Katz et al. 1978, Biometrics 34:469; Woolf 1955, Ann Hum
Genet 19:251; Cornfield 1956; Koopman 1984, Biometrics 40:513; Miettinen & Nurminen 1985, Stat
Med 4:213; Newcombe 1998, Stat Med 17:873; Altman 1998, BMJ 317:1309.

Rules (each has an error and a clean case in the planted corpus):

* **What is recomputed.** A printed ``risk_ratio``, ``odds_ratio``, ``risk_difference``,
  ``nnt`` or ``nnh`` estimate (with its CI when printed) of a category, from the two arms'
  ``outcome`` counts of the same category (:mod:`trialrecon.checks.comparisons` says which
  arms and which cells), each over its stated denominator. The estimates tried: from the
  counts; with 0.5 added to every cell when a cell is zero; for the odds ratio also the
  conditional maximum-likelihood estimate (R ``fisher.test``). The CI methods tried are those
  of :mod:`trialrecon.stats.twobytwo` (RR log/Katz, Koopman and Miettinen-Nurminen score; OR
  Woolf, exact conditional (Cornfield) and mid-P; RD Wald with and without continuity
  correction, Newcombe hybrid score with and without, Mee and Miettinen-Nurminen score,
  Agresti-Caffo; the 0.5-corrected log and logit forms only where a cell is zero), and the
  finding names every method that reproduces the printed interval at its printed precision.
  An NNT is 1/|RD|, printed rounded or rounded up (Altman 1998 advises rounding up); its
  interval inverts an RD interval that excludes 0.
* **Orientation.** Experimental over comparator (``arm`` over ``versus`` when given). The
  reversed orientation (placebo over drug, an absolute risk reduction printed positive) is a
  presentation, not an error: consistent, and the finding says so.
* **Adjusted estimates** (``adjustment`` adjusted or stratified) come from a model the counts
  cannot reproduce: not judged (the check's skip list says so). An estimate is judged as
  unadjusted when ``adjustment`` is empty or ``unadjusted``.
* **Severity.** An estimate no reading reproduces is *inconsistent* when both counts have
  stated denominators and one analysis set; with a denominator the paper does not state (the
  arm's randomized count) or arms of different analysis sets it is *questionable*. An
  estimate that matches with an interval no method reproduces is *questionable* (the paper
  may have used another method), and *inconsistent* when the printed interval and every
  method disagree on whether it holds the null value.
* **Last digits.** An interval that a standard method gives only after rounding twice or
  truncation is *consistent*, the finding saying so: the paper names no interval method, and
  other methods (profile likelihood, a regression's interval) differ from the standard ones
  by that much (issue 22). An estimate that only truncation or rounding twice gives, or an
  interval every method misses by one unit of the last digit, is *questionable* and marked a
  rounding-only (minor) point; *consistent* when every number involved has four or more
  significant digits (1.156 printed for 1.15547, 0.9634 for 0.963451): the software's own
  rounding at a precision no reader relies on, no point a reviewer would send (issue 22).
* **No counts, percentages printed:** the estimate against the range the two printed
  percentages allow (interval arithmetic over their rounding); outside it: inconsistent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from trialrecon.checks.comparisons import (
    adjusted,
    arm_cell,
    cell_size,
    comparison_arms,
    fmt_num,
    link_by_adjustment,
    reproduces,
    restated_adjusted,
)
from trialrecon.checks.context import Check, Context, Row, box, quote, statements
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import NON_STANDARD_SCHEMES, SCHEME_LABELS
from trialrecon.stats import twobytwo as tb
from trialrecon.stats.rounding import exact, half_unit

MEASURES: tuple[str, ...] = ("risk_ratio", "odds_ratio", "risk_difference", "nnt", "nnh")
NAMES = {"risk_ratio": "risk ratio", "odds_ratio": "odds ratio",
         "risk_difference": "risk difference", "nnt": "NNT", "nnh": "NNH"}
# Tests of the counts: the printed interval of such a statement is judged against the count
# methods; another test (GEE, a mixed or stratified model) brings its own interval.
COUNT_TESTS = frozenset({"", "chi_square", "chi_square_yates", "fisher_exact", "z_test",
                         "logistic_wald", "exact_binomial"})
# Printed to this many significant digits, a last-digit difference is the software's rounding.
SIGNIFICANT_NOTE = 4
RD_SCALE = {"percentage_points": 100.0, "percent": 100.0, "proportion": 1.0,
            "probability": 1.0, "none": 1.0, "": 1.0}


@dataclass(frozen=True)
class Table:
    """The two arms' counts over their denominators, and the rows behind them."""

    a: int
    n1: int
    b: int
    n2: int
    rows: tuple[Row, ...]
    stated: bool  # both denominators stated and both counts of one analysis set

    def swapped(self) -> Table:
        return Table(self.b, self.n2, self.a, self.n1, self.rows, self.stated)

    def text(self) -> str:
        return f"{self.a}/{self.n1} vs {self.b}/{self.n2}"


def check_effect_measures(ctx: Context) -> list[Finding]:
    """Each unadjusted effect estimate from the arms' counts (see the module docstring)."""
    out = []
    cand = [r for r in ctx.rows if r["quantity"] in MEASURES and ctx.numeric(r)]
    for st in link_by_adjustment(statements(cand)):
        est = st.get("estimate")
        if est is None:
            continue
        if adjusted(est) or restated_adjusted(ctx, est) is not None:
            ctx.skip("adjusted estimate (or its restatement): its model is not reproducible "
                     "from counts")
            continue
        arms = comparison_arms(ctx, est)
        if arms is None:
            ctx.skip("effect without two arms to compare")
            continue
        if _scale(est) is None:
            ctx.skip("risk difference in a unit the check does not read")
            continue
        lo, hi = st.get("ci_low"), st.get("ci_high")
        source_q = str(ctx.vocab.attribute(est["quantity"], "effect_of") or "outcome")
        table = _table(ctx, est, arms, source_q)
        if table is not None:
            ctx.see([est, *([lo, hi] if lo and hi else []), *table.rows])
            test = str((st.get("p_value") or est).get("test") or "")
            out.append(_judge_counts(ctx, est, lo, hi, table, test))
            continue
        pcts = [arm_cell(ctx, est, arm, source_q, "percent") for arm in arms]
        if pcts[0] is None or pcts[1] is None:
            ctx.skip("effect without both arms' counts or percentages")
            continue
        finding = _judge_percents(ctx, est, pcts[0], pcts[1])
        if finding is not None:
            ctx.see([est, *pcts])
            out.append(finding)
    return out


def _table(ctx: Context, est: Row, arms: tuple[str, str], quantity: str) -> Table | None:
    counts = [arm_cell(ctx, est, arm, quantity, "count") for arm in arms]
    if counts[0] is None or counts[1] is None:
        return None
    sizes = [cell_size(ctx, c) for c in counts]
    if sizes[0] is None or sizes[1] is None:
        return None
    (n1, s1), (n2, s2) = sizes  # type: ignore[misc]
    a, b = int(counts[0]["value_num"]), int(counts[1]["value_num"])
    if not (0 <= a <= n1 and 0 <= b <= n2) or min(n1, n2) <= 0:
        return None  # a count above its denominator is the impossible check's
    one_set = str(counts[0].get("population") or "") == str(counts[1].get("population") or "")
    return Table(a, n1, b, n2, (counts[0], counts[1]), s1 and s2 and one_set)


def _scale(est: Row) -> float | None:
    if est["quantity"] == "risk_difference":
        return RD_SCALE.get(str(est["unit"]))
    return 1.0


def _estimates(measure: str, t: Table) -> dict[str, float]:
    if measure in ("nnt", "nnh"):
        return {"sample": tb.nnt(tb.risk_difference(t.a, t.n1, t.b, t.n2))}
    return tb.estimates(measure, t.a, t.n1, t.b, t.n2)


def _intervals(measure: str, t: Table, level: float) -> dict[str, tuple[float, float]]:
    if measure not in ("nnt", "nnh"):
        return tb.confidence_intervals(measure, t.a, t.n1, t.b, t.n2, level)
    out = {}
    for method, (lo, hi) in tb.confidence_intervals("risk_difference", t.a, t.n1, t.b, t.n2,
                                                    level).items():
        inv = tb.nnt_interval(lo, hi)
        if inv is not None:
            out[method] = inv
    return out


def _prints_as(value: float, row: Row, measure: str, scheme: str = "") -> bool:
    """Standard rounding (or one non-standard ``scheme``); an NNT also rounded up (Altman
    1998 advises it, so rounding up counts as standard for an NNT)."""
    if measure in ("nnt", "nnh") and float(row["value_num"]) < 0:
        value = -value  # an NNH printed as a negative NNT
    if reproduces(value, str(row["value"]), scheme):
        return True
    if not scheme and measure in ("nnt", "nnh") and math.isfinite(value) \
            and "." not in str(row["value"]):
        return math.ceil(value - 1e-12) == abs(int(row["value_num"]))
    return False


@dataclass(frozen=True)
class Reading:
    """What one orientation of the table gives for the printed statement: the estimates and
    intervals, and those that print as printed under each rounding scheme ("" standard)."""

    estimates: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    est_hits: dict[str, tuple[str, ...]]
    ci_hits: dict[str, tuple[str, ...]]


def _reading(measure: str, t: Table, est: Row, lo: Row | None, hi: Row | None,
             scale: float) -> Reading:
    ests = {k: v * scale for k, v in _estimates(measure, t).items()}
    level = float((lo or est)["level"] or 95) / 100
    cis = {k: (x * scale, y * scale) for k, (x, y) in _intervals(measure, t, level).items()} \
        if lo is not None and hi is not None else {}
    est_hits, ci_hits = {}, {}
    for scheme in ("", *NON_STANDARD_SCHEMES):
        est_hits[scheme] = tuple(k for k, v in ests.items() if _prints_as(v, est, measure,
                                                                          scheme))
        ci_hits[scheme] = tuple(k for k, (x, y) in cis.items() if lo is not None
                                and hi is not None and _prints_as(x, lo, measure, scheme)
                                and _prints_as(y, hi, measure, scheme))
    return Reading(ests, cis, est_hits, ci_hits)


def _arithmetic(measure: str, t: Table, scale: float) -> str:
    p1, p2 = t.a / t.n1, t.b / t.n2
    if measure == "risk_ratio":
        return f"({t.a}/{t.n1}) / ({t.b}/{t.n2}) = {p1:.4f} / {p2:.4f} = " + (
            f"{p1 / p2:.4f}" if p2 else "infinite")
    if measure == "odds_ratio":
        c, d = t.n1 - t.a, t.n2 - t.b
        return f"({t.a} x {d}) / ({c} x {t.b}) = " + (
            f"{t.a * d / (c * t.b):.4f}" if c * t.b else "infinite")
    rd = p1 - p2
    if measure == "risk_difference":
        unit = " percentage points" if scale == 100 else ""
        return f"{t.a}/{t.n1} - {t.b}/{t.n2} = {rd * scale:.4g}{unit}"
    return f"1 / |{t.a}/{t.n1} - {t.b}/{t.n2}| = 1 / {abs(rd):.4f} = " + (
        f"{1 / abs(rd):.2f}" if rd else "infinite")


def _ci_text(cis: dict[str, tuple[float, float]], names: tuple[str, ...] | list[str],
             like: str) -> str:
    return "; ".join(f"{tb.CI_LABELS[m]} {fmt_num(cis[m][0], like)} to "
                     f"{fmt_num(cis[m][1], like)}" for m in names)


REVERSED = " (comparator over experimental)"


def _pick(measure: str, fwd: Reading, rev: Reading, field: str) -> tuple[Reading, str, str]:
    """The first reading (orientation, then scheme; standard first) with a hit in ``field``."""
    for scheme in ("", *NON_STANDARD_SCHEMES):
        for reading, orient in ((fwd, ""), (rev, REVERSED)):
            if orient and measure in ("nnt", "nnh"):
                continue
            if getattr(reading, field)[scheme]:
                return reading, orient, scheme
    return fwd, "", "none"


def _judge_counts(ctx: Context, est: Row, lo: Row | None, hi: Row | None, t: Table,
                  test: str) -> Finding:
    measure = str(est["quantity"])
    scale = _scale(est) or 1.0
    name = NAMES[measure]
    fwd = _reading(measure, t, est, lo, hi, scale)
    rev = _reading(measure, t.swapped(), est, lo, hi, scale)
    has_ci = lo is not None and hi is not None
    rows = [est, *([lo, hi] if has_ci else []), *t.rows]
    printed = est["value"] + (f" ({lo['value']} to {hi['value']})" if has_ci else "")
    arithmetic = _arithmetic(measure, t, scale)
    rec: dict = {"method": f"{name} from the arms' counts ({t.text()}), every standard "
                           "estimate and interval",
                 "inputs": {"counts": t.text(), "printed": printed},
                 "tried": [f"estimate {k}: {fmt_num(v, est['value'])}"
                           for k, v in fwd.estimates.items()]
                 + ([_ci_text(fwd.intervals, list(fwd.intervals), str(lo["value"]))]
                    if has_ci and fwd.intervals else [])}
    use, orient, scheme = _pick(measure, fwd, rev, "est_hits")
    if scheme == "none":
        severity = "inconsistent" if t.stated else "questionable"
        because = "" if t.stated else (" This rests on what the paper does not state: the "
                                       "denominators or one analysis set for both arms.")
        rec["result"] = "no estimate reproduces the printed one, in either direction"
        return ctx.finding(
            severity, f"{name} {est['value']} not reproduced by the counts ({t.text()})",
            f"The {name} {quote(est)} does not follow from the arms' counts: {arithmetic}; "
            f"no standard estimate gives {est['value']} in either direction.{because}", rows,
            recomputation=rec, nearest=fmt_num(next(iter(fwd.estimates.values())), est["value"]),
            ruled_out=["the 0.5 correction and, for odds ratios, the conditional MLE",
                       "the reversed orientation (comparator over experimental)",
                       "truncation and rounding twice"], discriminator="effect")
    if scheme:
        rec["result"] = (f"estimate {', '.join(use.est_hits[scheme])} only if "
                         f"{SCHEME_LABELS[scheme]}")
        rec["rounding_only"] = True
        return ctx.finding(
            _last_digit([est]), f"{name} {est['value']} reproduced only if "
            f"{SCHEME_LABELS[scheme]}",
            f"The {name} {quote(est)} follows from {t.text()}{orient} ({arithmetic}) only if "
            f"{SCHEME_LABELS[scheme]}; standard rounding gives "
            f"{fmt_num(next(iter(use.estimates.values())), est['value'])}.", rows,
            recomputation=rec, discriminator="effect", ruled_out=["standard rounding"])
    if has_ci and test not in COUNT_TESTS:
        ctx.skip(f"interval of a model the counts cannot give ({test}): estimate only")
        has_ci = False
    if has_ci and not use.intervals:
        ctx.skip("no interval to compare (an NNT interval through infinity)")
        has_ci = False
    ci_scheme = _pick(measure, use, use, "ci_hits")[2] if has_ci else ""
    if not has_ci or ci_scheme == "":
        methods = _ci_text(use.intervals, use.ci_hits[""], str(lo["value"])) \
            if has_ci else ""
        rec["result"] = f"estimate: {', '.join(use.est_hits[''])}" + (
            f"; interval: {', '.join(use.ci_hits[''])}" if has_ci else "")
        return ctx.finding(
            "consistent", f"{name} {est['value']} reproduced{orient}",
            f"The {name} {printed} follows from {t.text()}{orient}: {arithmetic}"
            + (f"; the interval is {methods}." if methods else "."), rows, recomputation=rec,
            discriminator="effect")
    if ci_scheme != "none":
        methods = _ci_text(use.intervals, use.ci_hits[ci_scheme], str(lo["value"]))
        rec["result"] = f"interval {methods} only if {SCHEME_LABELS[ci_scheme]}"
        rec["rounding_only"] = True
        # the paper names no interval method (the format has no column for one): a standard
        # method within a second rounding is as close as other methods come (profile
        # likelihood, a regression's interval), no point a reviewer would send
        return ctx.finding(
            "consistent", f"{name} CI {lo['value']}-{hi['value']} reproduced only if "
            f"{SCHEME_LABELS[ci_scheme]}", f"The {name} {est['value']} follows from "
            f"{t.text()}{orient}, and its interval ({lo['value']} to {hi['value']}) only if "
            f"{SCHEME_LABELS[ci_scheme]}: {methods}.", rows, recomputation=rec,
            discriminator="effect", ruled_out=["standard rounding of every method"])
    return _judge_interval(ctx, est, lo, hi, t, use, orient, rows, rec, arithmetic)


def _judge_interval(ctx: Context, est: Row, lo: Row, hi: Row, t: Table, use: Reading,
                    orient: str, rows: list[Row], rec: dict, arithmetic: str) -> Finding:
    """The estimate matches, no method gives the printed interval."""
    measure = str(est["quantity"])
    name = NAMES[measure]
    null = {"risk_ratio": 1.0, "odds_ratio": 1.0, "risk_difference": 0.0}.get(measure)
    closest = min(use.intervals, key=lambda m: abs(use.intervals[m][0] - lo["value_num"])
                  + abs(use.intervals[m][1] - hi["value_num"])) if use.intervals else None
    nearest = _ci_text(use.intervals, [closest], str(lo["value"])) if closest else None
    gross = False
    if null is not None and use.intervals:
        lo_b, hi_b = _signed_box(lo), _signed_box(hi)
        printed_excludes = lo_b[0] > null or hi_b[1] < null
        printed_holds = lo_b[1] <= null <= hi_b[0]
        methods_hold = [x <= null <= y for x, y in use.intervals.values()]
        gross = (printed_excludes and all(methods_hold)) or \
            (printed_holds and not any(methods_hold))
    rec["result"] = "no standard method gives the printed interval"
    rec["gross"] = gross
    if closest is not None and not gross:
        c = use.intervals[closest]
        rec["rounding_only"] = all(
            abs(Fraction(x) - exact(str(r["value"]))) <= 2 * half_unit(str(r["value"]))
            for x, r in ((c[0], lo), (c[1], hi)))
    ci = f"({lo['value']} to {hi['value']})"
    sentence = (f"The {name} {est['value']} follows from {t.text()}{orient} ({arithmetic}), "
                f"but no standard method gives its interval {ci}; the closest is {nearest}.")
    if gross:
        sentence += (" Every method and the printed interval disagree on whether the "
                     "interval holds the null value.")
    else:
        sentence += " The paper may have used another method; it does not name one here."
    severity = ("inconsistent" if gross else _last_digit([lo, hi]) if rec.get("rounding_only")
                else "questionable")
    title = (f"{name} CI {lo['value']}-{hi['value']} within the last digit of {closest}"
             if severity == "consistent" else ("gross inconsistency: " if gross else "")
             + f"{name} CI {lo['value']}-{hi['value']} matches no method for {t.text()}")
    if severity == "consistent":
        sentence = (f"The {name} {est['value']} follows from {t.text()}{orient} ({arithmetic}), "
                    f"and its interval {ci} is within one unit of the last of four or more "
                    f"significant digits of {nearest}: the software's own rounding.")
    return ctx.finding(
        severity, title, sentence, rows, recomputation=rec,
        nearest=nearest, ruled_out=[tb.CI_LABELS[m] for m in use.intervals],
        discriminator="effect")


def _significant_digits(text: str) -> int:
    digits = text.strip().lstrip("-+").replace(".", "").lstrip("0")
    return len(digits)


def _last_digit(rows: list[Row]) -> str:
    """The severity of numbers off by one unit of their last digit: *questionable* (a reading
    the paper does not state, :mod:`trialrecon.checks.severity`), but *consistent* when each
    has four or more significant digits (1.156 for 1.15547, 0.9634 for 0.96345): statistical
    software that rounds the proportions before dividing, or truncates, differs there, no
    reader quotes that digit and no reviewer would send it (as a P of three decimals within
    one unit of its last digit, ``tests-from-counts``)."""
    if all(_significant_digits(str(r["value"])) >= SIGNIFICANT_NOTE for r in rows):
        return "consistent"
    return "questionable"


def _signed_box(row: Row) -> tuple[float, float]:
    """The rounding interval of a number that may be negative (a risk difference)."""
    from trialrecon.stats.rounding import printed_interval

    iv = printed_interval(str(row["value"]), row["comparator"] or "=")
    return float(iv.low), float(iv.high)  # type: ignore[arg-type]


def _range(measure: str, p1: tuple[float, float], p2: tuple[float, float],
           scale: float) -> tuple[float, float]:
    """The values the estimate can take over the two proportions' rounding intervals."""
    if measure == "risk_difference":
        return (p1[0] - p2[1]) * scale, (p1[1] - p2[0]) * scale
    if measure in ("nnt", "nnh"):
        d_lo, d_hi = p1[0] - p2[1], p1[1] - p2[0]
        if d_lo <= 0 <= d_hi:
            return 1 / max(abs(d_lo), abs(d_hi), 1e-12), math.inf
        small, big = sorted((abs(d_lo), abs(d_hi)))
        return 1 / big, 1 / small
    f = tb.risk_ratio if measure == "risk_ratio" else tb.odds_ratio
    low = f(p1[0], 1, p2[1], 1) if p2[1] > 0 else math.inf
    high = f(p1[1], 1, p2[0], 1) if p2[0] > 0 else math.inf
    return (low if not math.isnan(low) else 0.0), (high if not math.isnan(high) else math.inf)


def _judge_percents(ctx: Context, est: Row, e: Row, c: Row) -> Finding | None:
    measure = str(est["quantity"])
    scale = _scale(est)
    if scale is None or e["unit"] != "percent" or c["unit"] != "percent":
        return None
    p1, p2 = [(max(0.0, x[0] / 100), min(1.0, x[1] / 100)) for x in (box(e), box(c))]
    name = NAMES[measure]
    fwd = _range(measure, p1, p2, scale)
    rev = _range(measure, p2, p1, scale)
    shown = _signed_box(est)
    if measure in ("nnt", "nnh") and "." not in str(est["value"]):
        shown = (shown[0] - 0.5, shown[1])  # rounded up: (N - 1, N]
    ok = [r for r in (fwd, rev) if r[0] <= shown[1] and shown[0] <= r[1]]
    rows = [est, e, c]
    span = f"{fmt_num(fwd[0], est['value'])} to {fmt_num(fwd[1], est['value'])}"
    rec = {"method": f"{name} over the rounding intervals of the two printed percentages",
           "inputs": {"experimental": e["value"], "comparator": c["value"],
                      "printed": est["value"]},
           "tried": [f"experimental over comparator: {span}",
                     f"comparator over experimental: {fmt_num(rev[0], est['value'])} to "
                     f"{fmt_num(rev[1], est['value'])}"]}
    if ok:
        rec["result"] = "within the range"
        return ctx.finding("consistent", f"{name} {est['value']} fits {e['value']}% vs "
                           f"{c['value']}%", f"The {name} {quote(est)} lies within what "
                           f"{quote(e)} and {quote(c)} allow ({span}).", rows,
                           recomputation=rec, discriminator="effect")
    rec["result"] = "outside the range in both directions"
    return ctx.finding(
        "inconsistent", f"{name} {est['value']} not what {e['value']}% vs {c['value']}% give",
        f"The {name} {quote(est)} cannot come from {quote(e)} and {quote(c)}: over their "
        f"rounding the {name} lies between {span} (or, reversed, "
        f"{fmt_num(rev[0], est['value'])} to {fmt_num(rev[1], est['value'])}).", rows,
        recomputation=rec, nearest=span, ruled_out=["rounding of the two percentages",
                                                    "the reversed orientation"],
        discriminator="effect")


CHECK = Check(
    "effect-measures", "1",
    "RR, OR, RD and NNT with their CIs from the arms' counts, each CI method named",
    "Katz et al. 1978; Woolf 1955; Cornfield 1956; Koopman 1984; Miettinen & Nurminen 1985; "
    "Newcombe 1998; Altman 1998",
    check_effect_measures,
)
