"""Fisher and chi-square P values of a rebuilt 2x2 table against the reported P.

Check ``tests-from-counts``; reference: Fisher 1935; Pearson 1900; Yates 1934.
"""

from __future__ import annotations

import itertools

from scipy import stats

from trialrecon.checks.context import (
    Check,
    Context,
    NotApplicable,
    Row,
    overlap,
    p_interval,
    quote,
    significant,
)
from trialrecon.checks.denominators import denominators, grim_counts
from trialrecon.checks.findings import Finding
from trialrecon.stats.rounding import (
    STANDARD_SCHEMES,
)


def _arm_counts(ctx: Context, p: Row, arm: str) -> tuple[list[int], int, list[Row]] | None:
    """Candidate event counts and the size of an arm for the comparison a P value belongs to."""
    rows = [r for r in ctx.where(arm=arm, source=p["source"], cohort=p["cohort"],
                                 subgroup=p["subgroup"], quantity=p["quantity"],
                                 category=p["category"])
            if ctx.numeric(r) and r["statistic"] in ("count", "percent")]
    local = [r for r in rows if r["location"] == p["location"]] or rows
    count = next((r for r in local if r["statistic"] == "count"), None)
    pct = next((r for r in local if r["statistic"] == "percent"), None)
    ref = count or pct
    if ref is None:
        return None
    dens = denominators(ctx, ref)
    if not dens:
        return None
    n = dens[0].n
    if count is not None:
        return [int(count["value_num"])], n, [count]
    ks = grim_counts(n, pct["value"], STANDARD_SCHEMES)  # type: ignore[index]
    return (ks, n, [pct]) if ks else None  # type: ignore[list-item]


def _two_by_two_ps(a: int, n1: int, b: int, n2: int) -> dict[str, float]:
    """P values of a 2x2 table: Fisher's exact (two- and one-sided), chi-square with and
    without Yates' correction (Pearson 1900; Yates 1934; Fisher 1935)."""
    table = [[a, n1 - a], [b, n2 - b]]
    out = {"fisher": float(stats.fisher_exact(table).pvalue)}
    out["fisher_one_sided"] = min(float(stats.fisher_exact(table, alternative="greater").pvalue),
                                  float(stats.fisher_exact(table, alternative="less").pvalue))
    if (a + b) in (0, n1 + n2):
        out["chi2"] = out["chi2_yates"] = 1.0
    else:
        out["chi2"] = float(stats.chi2_contingency(table, correction=False).pvalue)
        out["chi2_yates"] = float(stats.chi2_contingency(table, correction=True).pvalue)
    return out


def check_tests_from_counts(ctx: Context) -> list[Finding]:
    """Fisher's exact and chi-square P values of a rebuilt 2x2 table against the reported P.

    The table is rebuilt from the events (or the percentages, every integer count that gives
    them) of the two arms; Fisher (1935) exact test, Pearson's chi-square with and without
    Yates' correction. Consistent when any two-sided test reproduces the reported P (comparator
    aware); questionable when only a one-sided Fisher test does and none is declared.
    """
    arms = [a for a in ctx.dossier.trial.arms]
    if len(arms) != 2:
        raise NotApplicable("needs a trial with exactly two arms")
    exp = next((a.id for a in arms if a.role == "experimental"), arms[0].id)
    comp = next(a.id for a in arms if a.id != exp)
    out = []
    for p in [r for r in ctx.rows if r["statistic"] == "p_value" and not r["arm"]
              and ctx.numeric(r) and ctx.kind(r["quantity"]) not in ("ratio", "design")]:
        ce, cc = _arm_counts(ctx, p, exp), _arm_counts(ctx, p, comp)
        if ce is None or cc is None:
            ctx.skip("P value without both arms' counts")
            continue
        rows = [p, *ce[2], *cc[2]]
        ctx.see(rows)
        rep = p_interval(p)
        combos = list(itertools.product(ce[0], cc[0]))[:100]
        found: dict[str, tuple[int, int, float]] = {}
        tried = []
        for a, b in combos:
            ps = _two_by_two_ps(a, ce[1], b, cc[1])
            tried.append(f"{a}/{ce[1]} vs {b}/{cc[1]}: " +
                         ", ".join(f"{k} {v:.3g}" for k, v in ps.items()))
            for k, v in ps.items():
                if overlap((v, v), rep) and k not in found:
                    found[k] = (a, b, v)
        rec = {"method": "2x2 table rebuilt from the arms; Fisher exact and chi-square",
               "inputs": {"reported_p": f"{p['comparator'] or '='} {p['value']}"},
               "tried": tried}
        two = [k for k in ("fisher", "chi2", "chi2_yates") if k in found]
        declared = p["sided"] == "one_sided"
        if two or (declared and "fisher_one_sided" in found):
            k = two[0] if two else "fisher_one_sided"
            a, b, v = found[k]
            rec["result"] = f"{k} P = {v:.3g} for {a}/{ce[1]} vs {b}/{cc[1]}"
            out.append(ctx.finding("consistent", f"P {p['value']} reproduced ({k})",
                                   f"{quote(p)} is reproduced by {k.replace('_', ' ')} for "
                                   f"{a}/{ce[1]} vs {b}/{cc[1]}.", rows, recomputation=rec))
            continue
        if "fisher_one_sided" in found:
            a, b, v = found["fisher_one_sided"]
            rec["result"] = f"one-sided Fisher P = {v:.3g}"
            out.append(ctx.finding(
                "questionable", f"P {p['value']} matches only a one-sided Fisher test",
                f"{quote(p)} is reproduced only by a one-sided Fisher test ({a}/{ce[1]} vs "
                f"{b}/{cc[1]}), which the paper does not declare.", rows, recomputation=rec,
                ruled_out=["two-sided Fisher", "chi-square with and without Yates"]))
            continue
        a, b = combos[0]
        ps = _two_by_two_ps(a, ce[1], b, cc[1])
        gross = significant((ps["fisher"], ps["fisher"])) != significant(rep) and \
            significant(rep) is not None
        rec["result"] = "no test reproduces the reported P"
        rec["gross"] = gross
        # Counts read back from percentages over an assumed arm size: the analysis population
        # (safety, evaluable) may differ, so without printed counts the finding is softer.
        inferred = any(r["statistic"] == "percent" for r in rows)
        out.append(ctx.finding(
            "questionable" if inferred and not gross else "inconsistent",
            ("gross inconsistency: " if gross else "")
            + f"P {p['value']} not reproduced by the counts",
            f"For {a}/{ce[1]} vs {b}/{cc[1]} Fisher's exact P is {ps['fisher']:.3g} and "
            f"chi-square P {ps['chi2']:.3g}, against {quote(p)}.", rows, recomputation=rec,
            nearest=f"Fisher P {ps['fisher']:.3g}",
            ruled_out=["Fisher exact (two- and one-sided)", "chi-square with/without Yates"]))
    return out


CHECK = Check(
    "tests-from-counts", "1",
    'Fisher and chi-square P of a rebuilt 2x2 table against the reported P',
    'Fisher 1935; Pearson 1900; Yates 1934',
    check_tests_from_counts,
)
