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
"""

from __future__ import annotations

from trialrecon.checks.context import Check, Context, Row, describe, statements
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
    return out


CHECK = Check(
    "quantile-order", "1",
    "Median within its IQR, IQR within the range",
    "arithmetic (order statistics); Hyndman & Fan 1996",
    check_quantile_order,
)
