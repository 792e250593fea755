"""Quartiles in order: the median within its interquartile range, the IQR within the range.

Check ``quantile-order``; reference: arithmetic (order statistics: minimum <= lower quartile
<= median <= upper quartile <= maximum, whatever the quantile definition; Hyndman & Fan
1996, Am Stat 50:361 list the definitions, all monotone).

Rules (each has an error and a clean case in the planted corpus): within one printed
statement (a table cell or a passage: same source, place, quantity, category, arm), the
median lies within its IQR, the IQR's lower quartile is not above its upper one, and the IQR
lies within the range. Printed numbers are intervals of their rounding, so equal printed
values, and values that rounding could put in order, are in order. The range's own order and
the median within the range are the ``impossible`` check's.

**Quartiles against a count beyond a threshold** (issue 22): a quartile above a threshold
needs the patients beyond it (``Age: older than 70 years``, 32 of 274, against an upper
quartile of 84 years): at least a quarter of the patients lie at or above the upper quartile,
half at or above the median, three quarters at or above the lower quartile, whatever the
quantile definition (one order statistic of slack is allowed), and likewise below a
threshold. The count is the same arm's, of the characteristic named like the quantity, over
the quartile's stated n; fewer patients beyond the threshold than the quartile needs is
inconsistent (an interval printed as an IQR that is the range).
"""

from __future__ import annotations

import math
import re

from trialrecon.checks.context import Check, Context, Row, describe, is_nan, quote, statements
from trialrecon.checks.findings import Finding
from trialrecon.stats.rounding import printed_interval

# (lower, upper): the printed lower value must be able to lie at or below the upper one.
ORDER: tuple[tuple[str, str], ...] = (
    ("iqr_low", "median"), ("median", "iqr_high"), ("iqr_low", "iqr_high"),
    ("range_low", "iqr_low"), ("iqr_high", "range_high"),
)
NAMES = {"iqr_low": "lower quartile", "iqr_high": "upper quartile", "median": "median",
         "range_low": "minimum", "range_high": "maximum"}


def _can_be_ordered(low: Row, high: Row) -> bool:
    a = printed_interval(str(low["value"]), low["comparator"] or "=")
    b = printed_interval(str(high["value"]), high["comparator"] or "=")
    return a.low is None or b.high is None or a.low < b.high


def check_quantile_order(ctx: Context) -> list[Finding]:
    """Median, quartiles and range of each statement in order (see the module docstring)."""
    out = []
    cand = [r for r in ctx.rows if ctx.numeric(r) and r["statistic"] in NAMES]
    for st in statements(cand):
        if "iqr_low" not in st and "iqr_high" not in st:
            continue
        pairs = [(st[a], st[b]) for a, b in ORDER if a in st and b in st]
        if not pairs:
            continue
        rows = [st[k] for k in ("median", "iqr_low", "iqr_high", "range_low", "range_high")
                if k in st]
        ctx.see(rows)
        bad = [(lo, hi) for lo, hi in pairs if not _can_be_ordered(lo, hi)]
        text = ", ".join(f"{NAMES[k]} {st[k]['value']}" for k in
                         ("range_low", "iqr_low", "median", "iqr_high", "range_high") if k in st)
        rec = {"method": "minimum <= lower quartile <= median <= upper quartile <= maximum",
               "inputs": {NAMES[k]: st[k]["value"] for k in st if k in NAMES},
               "result": "; ".join(f"{NAMES[lo['statistic']]} {lo['value']} above "
                                   f"{NAMES[hi['statistic']]} {hi['value']}"
                                   for lo, hi in bad) or "in order"}
        if not bad:
            out.append(ctx.finding("consistent", "quartiles in order",
                                   f"The quartiles of {describe(rows[0])} ({rows[0]['location']}) "
                                   f"are in order: {text}.", rows, recomputation=rec,
                                   discriminator="quartiles"))
            continue
        lo, hi = bad[0]
        out.append(ctx.finding(
            "inconsistent", f"{NAMES[lo['statistic']]} {lo['value']} above "
            f"{NAMES[hi['statistic']]} {hi['value']}",
            f"The quartiles of {describe(rows[0])} ({rows[0]['location']}) are impossible: "
            f"{rec['result']} ({text}).", rows, recomputation=rec, discriminator="quartiles",
            ruled_out=["rounding (the printed order is already wrong)"]))
    return out + _beyond_thresholds(ctx)


# the share of patients at or above each quartile (at or below: one minus it)
SHARE_ABOVE = {"iqr_low": 0.75, "median": 0.5, "iqr_high": 0.25}
_ABOVE = r"(?:older than|more than|greater than|over|above|>=|>|\u2265)"
_BELOW = r"(?:younger than|less than|under|below|<=|<|\u2264)"


def _threshold(level: str) -> tuple[str, float] | None:
    """``older than 70 years`` -> ("above", 70); ``<65`` -> ("below", 65); else None."""
    for side, words in (("above", _ABOVE), ("below", _BELOW)):
        m = re.fullmatch(rf"\s*{words}\s*(\d+(?:\.\d+)?)\s*(?:years?|y)?\s*", level.lower())
        if m:
            return side, float(m.group(1))
    return None


def _beyond_thresholds(ctx: Context) -> list[Finding]:
    """Each quartile with a stated n against the same arm's count beyond a threshold."""
    out = []
    counts = [r for r in ctx.rows if r["statistic"] == "count" and ctx.numeric(r)
              and ":" in str(r["category"])]
    for q in [r for r in ctx.rows if r["statistic"] in SHARE_ABOVE and ctx.numeric(r)
              and not is_nan(r["denominator_num"]) and r["denominator_num"] > 0]:
        name = str(q["quantity"]).replace("_", " ").lower()
        for c in counts:
            head, level = (x.strip() for x in str(c["category"]).split(":", 1))
            th = _threshold(level)
            if (head.lower() != name or th is None or c["arm"] != q["arm"]
                    or c["cohort"] != q["cohort"] or c["data_cut"] != q["data_cut"]
                    or c["subgroup"] != q["subgroup"]):
                continue
            f = _judge_threshold(ctx, q, c, *th)
            if f is not None:
                out.append(f)
    return out


def _judge_threshold(ctx: Context, q: Row, c: Row, side: str, t: float) -> Finding | None:
    n, k = int(q["denominator_num"]), int(c["value_num"])
    iv = printed_interval(str(q["value"]), q["comparator"] or "=")
    share = SHARE_ABOVE[q["statistic"]] if side == "above" else 1 - SHARE_ABOVE[q["statistic"]]
    beyond = (iv.low is not None and iv.low > t) if side == "above" else \
        (iv.high is not None and iv.high < t)
    if not beyond:
        return None  # the quartile is not beyond the threshold: the count bounds nothing
    need = math.floor(share * n) - 1  # one order statistic of slack for any definition
    ctx.see([q, c])
    rec = {"method": f"patients {side} a quartile {side} the threshold",
           "inputs": {"quartile": q["value"], "n": n, "threshold": t, "count": k},
           "result": f"at least {need} needed, {k} printed"}
    what = f"{NAMES[q['statistic']]} {quote(q)}"
    if k >= need:
        return ctx.finding("consistent", f"{k} {side} {t:g} fits the {NAMES[q['statistic']]}",
                           f"{what} needs at least {need} of {n} patients {side} {t:g}; "
                           f"{quote(c)} has {k}.", [q, c], recomputation=rec,
                           discriminator="threshold")
    return ctx.finding(
        "inconsistent", f"{NAMES[q['statistic']]} {q['value']} needs {need} {side} {t:g}, "
        f"{k} printed",
        f"{what} puts at least {share:.0%} of the {n} patients ({need} or more) {side} "
        f"{t:g}, but only {k} are ({quote(c)}): the interval may be the range, not the IQR.",
        [q, c], recomputation=rec, discriminator="threshold",
        ruled_out=["any quantile definition (one order statistic of slack)"])


CHECK = Check(
    "quantile-order", "1",
    "Median within its IQR, IQR within the range",
    "arithmetic (order statistics); Hyndman & Fan 1996",
    check_quantile_order,
)
