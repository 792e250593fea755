"""Means, SDs, SEs and sizes of continuous outcomes: what they allow together.

Check ``means-sd``; reference: Brown & Heathers 2017, Soc Psychol Personal Sci 8:363 (GRIM);
Anaya 2016, PeerJ Preprints 4:e2400 (GRIMMER); Altman & Bland 2005, BMJ 331:903 (SD and SE).

Rules (each has an error and a clean case in the planted corpus):

* **GRIM and GRIMMER** run only on means of whole-number data, which the unit says: a count
  unit (``events``, ``episodes``, ``cycles``, ``doses``, ``lesions``, ``births``,
  ``infants``): *inconsistent* when no whole total (GRIM), or no whole sum of squares of the
  right parity (GRIMMER), gives the printed mean and SD at the stated n; or a score in
  ``points`` whose category says ``score``: *questionable* at most, since a score can be an
  average of items or a transformed scale the dossier does not describe. Never on other
  units (laboratory values, times). Only over a stated n (the row's ``denominator``), and
  only where the test can fail (the mean's granularity 1/n coarser than its printed unit;
  the SD's window of sums of squares narrower than 2). An SD that fits only as a population
  SD (divisor n) is questionable.
* **SE against SD**: an SE and an SD printed for one cell satisfy SE = SD / sqrt(n) at the
  stated n (*inconsistent* otherwise; *questionable* over an n the paper does not state).
* **an SD that looks like an SE**: the two arms' SDs of one outcome and place differ by a
  factor of at least 3 that is within 20% of sqrt(n) of the arm with the smaller one: that
  "SD" is most likely an SE (*questionable*: clear evidence, no proof).
* **mean difference against the two means**: an unadjusted mean difference (``adjustment``
  empty or unadjusted, no ANCOVA or mixed-model test on it or on its P, not a restatement of
  an adjusted one) lies within what the two printed means give over their rounding, in
  either orientation; outside: *inconsistent* when the paper says it is unadjusted,
  *questionable* when it does not say (a model could give another difference).
* **a pooled mean** (an arm with ``parts`` or the total column beside the arms', the parts
  printed in one table) lies between its parts' means, and equals their n-weighted mean when
  every part states its n; **a pooled SD** of two parts with stated sizes lies within what
  their means, SDs and sizes give together (within- plus between-group sums of squares).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trialrecon.checks.comparisons import (
    adjusted,
    arm_cell,
    cell_size,
    comparison_arms,
    compatible_population,
    fmt_num,
    plain_arms,
    pool_parts,
    restated_adjusted,
)
from trialrecon.checks.context import SKIP_KINDS, Check, Context, Row, quote
from trialrecon.checks.findings import Finding
from trialrecon.stats.rounding import printed_interval
from trialrecon.stats.summary import combined_sd_range, grim_applies, grim_totals, grimmer

COUNT_SCALE_UNITS = frozenset({"events", "episodes", "cycles", "doses", "lesions", "births",
                               "infants"})
MODEL_TESTS = frozenset({"ancova", "mixed_model", "gee"})
SE_FACTOR_MIN = 3.0
SE_FACTOR_TOLERANCE = 0.2


def _iv(row: Row) -> tuple[float, float]:
    iv = printed_interval(str(row["value"]), "=")
    return float(iv.low), float(iv.high)  # type: ignore[arg-type]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + 1e-12 and b[0] <= a[1] + 1e-12


def check_means(ctx: Context) -> list[Finding]:
    """Means, SDs and SEs against each other (see the module docstring)."""
    out: list[Finding] = []
    means = [r for r in ctx.rows if r["statistic"] == "mean" and ctx.numeric(r)
             and ctx.kind(r["quantity"]) not in SKIP_KINDS and (r["comparator"] or "=") == "="]
    for m in means:
        out.extend(_grim(ctx, m))
        out.extend(_se_sd(ctx, m))
        out.extend(_pooled(ctx, m))
    out.extend(_sd_like_se(ctx, means))
    for md in [r for r in ctx.rows if r["quantity"] == "mean_difference"
               and r["statistic"] == "estimate" and ctx.numeric(r)]:
        f = _mean_difference(ctx, md)
        if f is not None:
            out.append(f)
    return out


def _partner(ctx: Context, m: Row, statistic: str) -> Row | None:
    """The row of ``statistic`` printed with mean ``m`` (same cell and place)."""
    rows = [r for r in ctx.where(cohort=m["cohort"], arm=m["arm"], subgroup=m["subgroup"],
                                 quantity=m["quantity"], category=m["category"],
                                 statistic=statistic, source=m["source"],
                                 location=m["location"])
            if ctx.numeric(r) and compatible_population(r, m)
            and (r.get("data_cut") or "") == (m.get("data_cut") or "")]
    same = [r for r in rows if r["anchor"] == m["anchor"]] or rows
    return same[0] if len(same) == 1 else None


def _integer_scale(m: Row) -> str:
    """'count' for a count unit, 'score' for points of a score, '' otherwise."""
    if m["unit"] in COUNT_SCALE_UNITS:
        return "count"
    if m["unit"] == "points" and "score" in str(m["category"]).lower():
        return "score"
    return ""


def _grim(ctx: Context, m: Row) -> list[Finding]:
    scale = _integer_scale(m)
    size = cell_size(ctx, m)
    if not scale or size is None or not size[1] or size[0] <= 0:
        return []
    n = size[0]
    sd = _partner(ctx, m, "sd")
    hard = "inconsistent" if scale == "count" else "questionable"
    assumption = "" if scale == "count" else (
        " This assumes the score takes whole numbers, which the paper does not say.")
    out = []
    if grim_applies(m["value"], n):
        ctx.see([m])
        totals = grim_totals(m["value"], n)
        rec = {"method": "GRIM (Brown & Heathers 2017): whole totals over n",
               "inputs": {"mean": m["value"], "n": n},
               "tried": [f"{t}/{n} = {t / n:.4f}" for t in range(
                   math.floor(float(m["value_num"]) * n) - 1,
                   math.floor(float(m["value_num"]) * n) + 3)],
               "result": ", ".join(f"{t}/{n}" for t in totals) or "no whole total"}
        if not totals:
            out.append(ctx.finding(
                hard, f"mean {m['value']} impossible for {n} whole numbers (GRIM)",
                f"{quote(m)} is the mean of {n} whole numbers, so it is a whole total over {n}; "
                f"no total gives {m['value']} (the nearest are listed).{assumption}", [m],
                recomputation=rec, discriminator="grim",
                ruled_out=["rounding half up and half even"]))
            return out
        out.append(ctx.finding("consistent", f"mean {m['value']} possible for n = {n} (GRIM)",
                               f"{quote(m)} is {totals[0]}/{n}.", [m], recomputation=rec,
                               discriminator="grim"))
    if sd is None or n < 2 or not _grimmer_can_fail(sd, n):
        return out
    ctx.see([m, sd])
    ok = grimmer(m["value"], sd["value"], n)
    pop = not ok and grimmer(m["value"], sd["value"], n, population_sd=True)
    rec = {"method": "GRIMMER (Anaya 2016): a whole sum of squares of the total's parity",
           "inputs": {"mean": m["value"], "sd": sd["value"], "n": n},
           "result": "possible" if ok else "only as a population SD" if pop else "impossible"}
    if ok:
        out.append(ctx.finding("consistent", f"SD {sd['value']} possible with mean "
                               f"{m['value']}, n = {n} (GRIMMER)", f"{quote(sd)} and "
                               f"{quote(m)} fit {n} whole numbers.", [m, sd], recomputation=rec,
                               discriminator="grimmer"))
    else:
        out.append(ctx.finding(
            "questionable" if pop else hard,
            f"SD {sd['value']} impossible with mean {m['value']} for {n} whole numbers"
            + (" unless a population SD" if pop else "") + " (GRIMMER)",
            f"No {n} whole numbers have mean {m['value']} and sample SD {sd['value']} "
            f"({quote(sd)}): no whole sum of squares of the right parity gives them"
            + ("; an SD with divisor n would." if pop else ".") + assumption, [m, sd],
            recomputation=rec, discriminator="grimmer",
            ruled_out=["rounding half up and half even of mean and SD"]))
    return out


def _grimmer_can_fail(sd: Row, n: int) -> bool:
    lo, hi = _iv(sd)
    return (n - 1) * (hi * hi - max(lo, 0.0) ** 2) < 2


def _se_sd(ctx: Context, m: Row) -> list[Finding]:
    sd, se = _partner(ctx, m, "sd"), _partner(ctx, m, "se")
    size = cell_size(ctx, m) or (cell_size(ctx, sd) if sd is not None else None)
    if sd is None or se is None or size is None or size[0] < 2:
        return []
    n, stated = size
    ctx.see([m, sd, se])
    want = tuple(x / math.sqrt(n) for x in _iv(sd))
    ok = _overlap(want, _iv(se))
    rec = {"method": "SE = SD / sqrt(n)", "inputs": {"sd": sd["value"], "se": se["value"],
                                                      "n": n},
           "result": f"{sd['value']} / sqrt({n}) = {float(sd['value_num']) / math.sqrt(n):.4g}"}
    if ok:
        return [ctx.finding("consistent", f"SE {se['value']} = SD {sd['value']} / sqrt({n})",
                            f"{quote(se)} is {quote(sd)} over sqrt({n}).", [se, sd, m],
                            recomputation=rec, discriminator="se-sd")]
    return [ctx.finding(
        "inconsistent" if stated else "questionable",
        f"SE {se['value']} is not SD {sd['value']} / sqrt({n})",
        f"{quote(se)} should be {quote(sd)} over sqrt({n}) = "
        f"{float(sd['value_num']) / math.sqrt(n):.3g}"
        + ("." if stated else f"; n = {n} is the arm's size, which the paper does not give "
           "for this cell."), [se, sd, m], recomputation=rec, discriminator="se-sd",
        nearest=f"{float(sd['value_num']) / math.sqrt(n):.3g}",
        ruled_out=["rounding of SD and SE"])]


def _sd_like_se(ctx: Context, means: list[Row]) -> list[Finding]:
    out = []
    arms = plain_arms(ctx)
    seen: set[tuple[str, ...]] = set()
    for m in means:
        if m["arm"] not in arms:
            continue
        key = (m["source"], m["location"], m["cohort"], m["subgroup"], m["quantity"],
               m["category"])
        if key in seen:
            continue
        seen.add(key)
        cells = []
        for arm in arms:
            am = arm_cell(ctx, m, arm, m["quantity"], "mean")
            sd = _partner(ctx, am, "sd") if am is not None else None
            size = cell_size(ctx, am) if am is not None else None
            if am is not None and sd is not None and size is not None and sd["value_num"] > 0:
                cells.append((am, sd, size[0]))
        if len(cells) < 2:
            continue
        small = min(cells, key=lambda c: c[1]["value_num"])
        big = max(cells, key=lambda c: c[1]["value_num"])
        factor = big[1]["value_num"] / small[1]["value_num"]
        root = math.sqrt(small[2])
        if factor < SE_FACTOR_MIN or abs(factor / root - 1) > SE_FACTOR_TOLERANCE:
            continue
        ctx.see([small[1], big[1]])
        out.append(ctx.finding(
            "questionable", f"SD {small[1]['value']} looks like an SE "
            f"({big[1]['value']} / sqrt({small[2]}) = {big[1]['value_num'] / root:.3g})",
            f"{quote(small[1])} ({small[1]['arm']}) is {factor:.1f} times smaller than "
            f"{quote(big[1])} ({big[1]['arm']}), close to sqrt({small[2]}) = {root:.1f}: it "
            "looks like a standard error printed as an SD.", [small[1], big[1]],
            recomputation={"method": "ratio of the arms' SDs against sqrt(n)",
                           "inputs": {"sds": [small[1]["value"], big[1]["value"]],
                                      "n": small[2]},
                           "result": f"ratio {factor:.2f}, sqrt(n) {root:.2f}"},
            discriminator="sd-se", nearest=f"SD about {small[1]['value_num'] * root:.3g}"))
    return out


def _mean_difference(ctx: Context, md: Row) -> Finding | None:
    model_p = any(r["test"] in MODEL_TESTS or adjusted(r) for r in ctx.where(
        source=md["source"], location=md["location"], cohort=md["cohort"],
        subgroup=md["subgroup"], quantity=md["quantity"], category=md["category"],
        statistic="p_value") if (r["row"] == md["row"] or r["anchor"] == md["anchor"]))
    if adjusted(md) or md["test"] in MODEL_TESTS or model_p or \
            restated_adjusted(ctx, md) is not None:
        ctx.skip("adjusted mean difference (or its restatement): not the difference of the "
                 "printed means")
        return None
    arms = comparison_arms(ctx, md)
    source_q = str(ctx.vocab.attribute(md["quantity"], "effect_of") or "outcome")
    cells = [arm_cell(ctx, md, arm, source_q, "mean") for arm in arms] if arms else []
    if len(cells) != 2 or cells[0] is None or cells[1] is None:
        return None
    e, c = cells
    ctx.see([md, e, c])
    ie, ic = _iv(e), _iv(c)
    fwd = (ie[0] - ic[1], ie[1] - ic[0])
    shown = _iv(md)
    ok = _overlap(fwd, shown) or _overlap((-fwd[1], -fwd[0]), shown)
    diff = float(e["value_num"]) - float(c["value_num"])
    rec = {"method": "mean difference against the two printed means over their rounding",
           "inputs": {"experimental": e["value"], "comparator": c["value"],
                      "printed": md["value"]},
           "result": f"{e['value']} - {c['value']} = {fmt_num(diff, md['value'])} (range "
                     f"{fmt_num(fwd[0], md['value'])} to {fmt_num(fwd[1], md['value'])})"}
    rows = [md, e, c]
    if ok:
        return ctx.finding("consistent", f"mean difference {md['value']} = {e['value']} - "
                           f"{c['value']}", f"{quote(md)} is {quote(e)} minus {quote(c)}.",
                           rows, recomputation=rec, discriminator="md")
    return ctx.finding(
        "inconsistent" if md["adjustment"] == "unadjusted" else "questionable",
        f"mean difference {md['value']} is not {e['value']} - {c['value']} = "
        f"{fmt_num(diff, md['value'])}", f"The mean difference {quote(md)} does not follow from "
        f"the means {quote(e)} and {quote(c)}: {e['value']} - {c['value']} = "
        f"{fmt_num(diff, md['value'])}, between {fmt_num(fwd[0], md['value'])} and "
        f"{fmt_num(fwd[1], md['value'])} over their rounding."
        + ("" if md["adjustment"] == "unadjusted" else
           " The paper does not say the difference is unadjusted; a model it does not describe "
           "could give another."), rows, recomputation=rec, discriminator="md",
        nearest=fmt_num(diff, md["value"]),
        ruled_out=["rounding of the three numbers", "the reversed orientation"])


@dataclass(frozen=True)
class Part:
    row: Row
    n: int | None


def _pool_parts(ctx: Context, m: Row) -> list[Part] | None:
    """The parts of a pooled mean: the arms of a pooled arm, or every arm for arm ''."""
    parts = pool_parts(ctx, m)
    if not parts:
        return None
    out = []
    for arm in parts:
        r = arm_cell(ctx, m, arm, m["quantity"], "mean")
        if r is None or r["unit"] != m["unit"]:
            return None
        size = cell_size(ctx, r)
        out.append(Part(r, size[0] if size and size[1] else None))
    if len({p.row["location"] for p in out}) != 1:
        return None  # the parts of one pool stand in one table
    return out


def _pooled(ctx: Context, m: Row) -> list[Finding]:
    parts = _pool_parts(ctx, m)
    if not parts:
        return []
    ivs = [_iv(p.row) for p in parts]
    if all(p.n for p in parts):
        total = sum(p.n for p in parts)  # type: ignore[misc]
        span = (sum(p.n * iv[0] for p, iv in zip(parts, ivs, strict=True)) / total,  # type: ignore
                sum(p.n * iv[1] for p, iv in zip(parts, ivs, strict=True)) / total)  # type: ignore
        how = "the n-weighted mean of the parts"
    else:
        span = (min(iv[0] for iv in ivs), max(iv[1] for iv in ivs))
        how = "between the parts' means"
    rows = [m, *(p.row for p in parts)]
    ctx.see(rows)
    ok = _overlap(span, _iv(m))
    terms = ", ".join(f"{p.row['value']} ({p.row['arm']}" + (f", n = {p.n})" if p.n else ")")
                      for p in parts)
    rec = {"method": f"pooled mean {how}", "inputs": {p.row["arm"]: p.row["value"]
                                                     for p in parts},
           "result": f"{span[0]:.4g} to {span[1]:.4g}"}
    sd = _pooled_sd(ctx, m, parts)
    if ok:
        return [ctx.finding("consistent", f"pooled mean {m['value']} fits its parts",
                            f"{quote(m)} is {how} ({terms}).", rows, recomputation=rec,
                            discriminator="pool"), *sd]
    return [*sd, ctx.finding(
        "inconsistent", f"pooled mean {m['value']} is not {how} ({span[0]:.3g} to "
        f"{span[1]:.3g})", f"{quote(m)} cannot be {how}: {terms} give {span[0]:.4g} to "
        f"{span[1]:.4g} over their rounding.", rows, recomputation=rec, discriminator="pool",
        nearest=f"{span[0]:.3g} to {span[1]:.3g}", ruled_out=["rounding of the means"])]


def _pooled_sd(ctx: Context, m: Row, parts: list[Part]) -> list[Finding]:
    """A pooled SD against what two parts' means, SDs and stated sizes allow."""
    sd = _partner(ctx, m, "sd")
    if sd is None or len(parts) != 2 or not all(p.n and p.n > 1 for p in parts):
        return []
    sds = [_partner(ctx, p.row, "sd") for p in parts]
    if sds[0] is None or sds[1] is None:
        return []
    (a, b), (sa, sb) = parts, sds
    span = combined_sd_range(_iv(a.row), _iv(sa), a.n, _iv(b.row), _iv(sb), b.n)  # type: ignore
    rows = [sd, m, a.row, sa, b.row, sb]
    ctx.see(rows)
    terms = (f"{a.row['value']} ({sa['value']}), n = {a.n} and {b.row['value']} "
             f"({sb['value']}), n = {b.n}")
    rec = {"method": "SD of two groups together: ((n1-1)s1^2 + (n2-1)s2^2 + n1 n2/N "
                     "(m1-m2)^2) / (N-1), over the rounding of means and SDs",
           "inputs": {"parts": terms, "pooled": sd["value"]},
           "result": f"{span[0]:.4g} to {span[1]:.4g}"}
    if _overlap(span, _iv(sd)):
        return [ctx.finding("consistent", f"pooled SD {sd['value']} fits its parts",
                            f"{quote(sd)} is what {terms} give together ({span[0]:.3g} to "
                            f"{span[1]:.3g}).", rows, recomputation=rec,
                            discriminator="pool-sd")]
    return [ctx.finding(
        "inconsistent", f"pooled SD {sd['value']} is not what the arms give ({span[0]:.3g} "
        f"to {span[1]:.3g})", f"{quote(sd)} cannot be the SD of the arms together: {terms} "
        f"give {span[0]:.4g} to {span[1]:.4g} over the rounding of every mean and SD.", rows,
        recomputation=rec, discriminator="pool-sd", nearest=f"{span[0]:.3g} to {span[1]:.3g}",
        ruled_out=["rounding of the means and SDs"])]


CHECK = Check(
    "means-sd", "1",
    "Means, SDs and SEs: GRIM/GRIMMER on whole-number scales, SE = SD/sqrt(n), an SD that is "
    "an SE, mean difference against the means, pooled means",
    "Brown & Heathers 2017 (GRIM); Anaya 2016 (GRIMMER); Altman & Bland 2005, BMJ 331:903",
    check_means,
)
