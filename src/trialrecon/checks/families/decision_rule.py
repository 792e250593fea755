"""The single-stage design's rule against its power and the observed responders.

Check ``decision-rule``; reference: A'Hern 2001, Br J Cancer 84:1283; Simon 1989, Control Clin
Trials 10:1.
"""

from __future__ import annotations

from scipy import stats

from trialrecon.checks.context import (
    Check,
    Context,
    NotApplicable,
    Row,
    overlap,
    p_interval,
    quote,
)
from trialrecon.checks.findings import Finding


def _design_value(ctx: Context, quantity: str) -> tuple[float, Row] | None:
    rows = [r for r in ctx.rows if r["quantity"] == quantity and ctx.numeric(r)
            and not ctx.is_registry(r)]
    if not rows:
        return None
    r = rows[0]
    v = float(r["value_num"])
    return (v / 100 if r["unit"] == "percent" else v), r


def check_decision_rule(ctx: Context) -> list[Finding]:
    """The single-stage design's rule (reject H0 when X >= r) against the design and the data.

    r is the smallest count with P(X >= r | p0) <= alpha at the planned n (A'Hern 2001, Br J
    Cancer 84:1283; Simon 1989 for the framework). The planned n must attain the stated power
    at p1; the observed responders give the exact one-sided P under p0, compared with any P
    the paper reports for the response rate.
    """
    from trialrecon.stats.single_arm import exact_p_value, exact_single_stage

    got = {q: _design_value(ctx, q) for q in ("design_p0", "design_p1", "design_alpha",
                                               "design_power", "design_n_per_group",
                                               "design_n_total")}
    n_row = got["design_n_per_group"] or got["design_n_total"]
    if got["design_p0"] is None or got["design_alpha"] is None or n_row is None:
        raise NotApplicable("no single-arm design (p0, alpha and planned n) in the dossier")
    p0, p0_row = got["design_p0"]
    if got["design_p1"] is not None and got["design_p1"][0] <= p0:
        # a two-proportion design aiming at a reduction (p1 below p0): not a single-arm rule
        raise NotApplicable("p1 is not above p0: not a single-arm response design")
    alpha, a_row = got["design_alpha"]
    n, nr = int(n_row[0]), n_row[1]
    r = next(k for k in range(n + 2) if k > n or exact_p_value(k, n, p0) <= alpha)
    out = []
    design_rows = [p0_row, a_row, nr]
    ctx.see(design_rows)
    if got["design_p1"] and got["design_power"]:
        p1, p1_row = got["design_p1"]
        power, pw_row = got["design_power"]
        ctx.see([p1_row, pw_row])
        attained = float(stats.binom.sf(r - 1, n, p1)) if r <= n else 0.0
        minimal = exact_single_stage(p0, p1, alpha, power)
        rec = {"method": "exact single-stage binomial design (A'Hern 2001)",
               "inputs": {"p0": p0, "p1": p1, "alpha": alpha, "power": power, "n": n},
               "tried": [f"r = {r} at n = {n}: P(X >= r | p0) = "
                         f"{exact_p_value(r, n, p0) if r <= n else 0:.4f}",
                         f"power at p1 = {attained:.4f}",
                         f"smallest exact design n = {minimal.n}, r = {minimal.r}"],
               "result": f"attained power {attained:.4f}"}
        rows = [*design_rows, p1_row, pw_row]
        if attained + 1e-9 >= power:
            out.append(ctx.finding("consistent", f"planned n = {n} attains the power",
                                   f"With n = {n} and the rule X >= {r}, alpha is at most "
                                   f"{alpha:g} and the power at p1 = {p1:g} is {attained:.3f}.",
                                   rows, recomputation=rec, discriminator="n"))
        else:
            out.append(ctx.finding(
                "inconsistent", f"planned n = {n} does not attain {power:g} power",
                f"With n = {n} (rule X >= {r}) the power at p1 = {p1:g} is only {attained:.3f}, "
                f"below the stated {power:g}; the exact design needs n = {minimal.n}.", rows,
                recomputation=rec, nearest=f"n = {minimal.n}", discriminator="n",
                ruled_out=["exact binomial rule at the stated n"]))
    cohorts = ([c.id for c in ctx.dossier.trial.cohorts if not c.parts]
               if got["design_n_per_group"] else [p0_row["cohort"]])
    for cohort in cohorts:
        obs = _observed_responders(ctx, cohort)
        if obs is None:
            ctx.skip("cohort without observed responders")
            continue
        x, n_obs, rows_obs = obs
        ctx.see(rows_obs)
        pval = exact_p_value(x, n_obs, p0)
        met = x >= r
        reported = [q for q in ctx.rows if q["quantity"] in ("orr", "responders")
                    and q["statistic"] == "p_value" and q["cohort"] == cohort
                    and not q["arm"] and not q["subgroup"] and ctx.numeric(q)]
        rec = {"method": "exact one-sided binomial P(X >= x | p0)",
               "inputs": {"x": x, "n": n_obs, "p0": p0, "r": r}, "tried": [],
               "result": f"P = {pval:.4g}; rule {'met' if met else 'not met'}"}
        if not reported:
            out.append(ctx.finding(
                "consistent", f"{cohort}: {x}/{n_obs} responders, rule X >= {r} "
                f"{'met' if met else 'not met'}",
                f"In {cohort}, {x} responders of {n_obs} {'meet' if met else 'do not meet'} the "
                f"rule X >= {r} (exact P = {pval:.3g} under p0 = {p0:g}).",
                [*design_rows, *rows_obs], recomputation=rec, discriminator=cohort))
            continue
        for q in reported:
            ctx.see([q])
            rep = p_interval(q)
            ok = overlap((pval, pval), rep)
            out.append(ctx.finding(
                "consistent" if ok else "inconsistent",
                f"{cohort}: reported P {q['value']} {'agrees' if ok else 'disagrees'} with the "
                f"exact binomial P {pval:.3g}",
                f"In {cohort}, {x}/{n_obs} responders give an exact one-sided P of {pval:.3g} "
                f"under p0 = {p0:g}; the paper reports {quote(q)}.",
                [*design_rows, *rows_obs, q], recomputation=rec, discriminator=cohort,
                nearest=None if ok else f"{pval:.3g}",
                ruled_out=[] if ok else ["exact binomial P at the observed count"]))
    return out


def _observed_responders(ctx: Context, cohort: str) -> tuple[int, int, list[Row]] | None:
    """Responders and evaluable patients of a cohort: a responders count, or CR + PR."""
    def first(q: str) -> Row | None:
        return next((r for r in ctx.rows if r["quantity"] == q and r["cohort"] == cohort
                     and r["statistic"] == "count" and not r["arm"] and not r["subgroup"]
                     and ctx.numeric(r) and not ctx.is_registry(r)), None)

    resp = first("responders")
    rows: list[Row] = []
    if resp is not None:
        x, rows = int(resp["value_num"]), [resp]
    else:
        br = [r for r in ctx.rows if r["quantity"] == "best_response" and r["cohort"] == cohort
              and r["statistic"] == "count" and r["category"] in ("CR", "PR") and ctx.numeric(r)
              and not r["arm"] and not r["subgroup"]]
        if not br:
            return None
        by_cat = {r["category"]: r for r in br}
        rows = list(by_cat.values())
        x = sum(int(r["value_num"]) for r in rows)
    den = first("evaluable_response") or first("enrolled") or first("treated")
    if den is None:
        return None
    return x, int(den["value_num"]), [*rows, den]


CHECK = Check(
    "decision-rule", "1",
    "The single-stage design's rule against its power and the observed responders",
    "A'Hern 2001, Br J Cancer 84:1283; Simon 1989, Control Clin Trials 10:1",
    check_decision_rule,
)
