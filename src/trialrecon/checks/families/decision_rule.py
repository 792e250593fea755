"""The decision rule of every single-arm design against the observed responders and the claim.

Check ``decision-rule``; reference: A'Hern 2001, Br J Cancer 84:1283; Simon 1989, Control Clin
Trials 10:1.
"""

from __future__ import annotations

import re

from trialrecon.checks.context import (
    Check,
    Context,
    NotApplicable,
    Row,
    quote,
)
from trialrecon.checks.design_single_arm import Rule, rule_of
from trialrecon.checks.findings import Finding
from trialrecon.checks.pvalues import overlap, p_interval
from trialrecon.checks.stated_designs import StatedDesign, stated_designs

STAGE_ONE = re.compile(r"stage\s*(1|one|i)\b|first stage", re.I)
# Tests of one rate against a fixed p0; any other named test compares groups.
ONE_SAMPLE_TESTS = frozenset({"", "exact_binomial", "z_test"})


def check_decision_rule(ctx: Context) -> list[Finding]:
    """Each single-arm design's rule applied to each cohort it governs.

    The rule is the stated one (Simon: stop when at most r1 of n1 respond, success when more
    than r of n respond; single stage: more than r of n), else the one the design implies:
    A'Hern's critical count at the planned n (the smallest r with P(X >= r | p0) <= alpha),
    or the named Simon design with the planned n. For each cohort with observed responders
    (a ``responders`` count, else CR + PR) and a denominator: continuing past the first stage
    with stage-1 responders (``responders`` of category ``stage 1``) not above r1 is
    inconsistent; a stated conclusion (``design_conclusion``, label ``met`` / ``not_met``)
    the rule contradicts is inconsistent (every statement of one claim, in the abstract and
    the discussion alike, is one finding: one cause); a P value the paper reports for the
    response rate is compared with the exact one-sided binomial P under p0, unless its
    ``test`` names a comparison of groups (Fisher's exact, chi-square, log-rank, ...: the
    response of two subgroups compared, not the rate against p0) or its ``hypothesis`` one.
    Each finding cites the row at fault first (the claim, the P, the first-stage count), so
    the letter's question names it rather than the design.
    """
    designs = [d for d in stated_designs(ctx.dossier, ctx.rows) if d.single_arm]
    if not designs:
        raise NotApplicable("no single-arm design in the dossier")
    out: list[Finding] = []
    for d in designs:
        rule = rule_of(d)
        p0 = d.probability("design_p0")
        if rule is None or p0 is None:
            ctx.skip("a single-arm design without a rule (p0, alpha and planned n)")
            continue
        design_rows = [r for q in ("design_p0", "design_alpha", "design_n_per_group",
                                   "design_n_total", "design_r1", "design_n1", "design_r")
                       if (r := d.first(q)) is not None and not r["arm"]]
        ctx.see(design_rows)
        for cohort in d.applies_to:
            out += _cohort(ctx, d, rule, p0, cohort, design_rows)
    return out


def _cohort(ctx: Context, d: StatedDesign, rule: Rule, p0: float, cohort: str,
            design_rows: list[Row]) -> list[Finding]:
    from trialrecon.stats.single_arm import exact_p_value

    obs = _observed_responders(ctx, cohort)
    out: list[Finding] = []
    stage1 = _stage_one(ctx, cohort)
    if rule.kind == "simon" and stage1 is not None:
        out.append(_stage_one_finding(ctx, d, rule, cohort, stage1, obs, design_rows))
    if obs is None:
        ctx.skip("cohort without observed responders")
        return out
    x, n_obs, rows_obs = obs
    ctx.see(rows_obs)
    met = x > rule.r
    pval = exact_p_value(x, n_obs, p0)
    how = "stated" if rule.stated else "implied by the design"
    rec = {"method": "the design's decision rule; exact one-sided binomial P(X >= x | p0)",
           "inputs": {"x": x, "n": n_obs, "p0": p0, "r": rule.r, "n_planned": rule.n},
           "tried": [f"rule ({how}): {rule.text}"],
           "result": f"{x} responders: rule {'met' if met else 'not met'}; P = {pval:.4g}"}
    verdict = f"{x}/{n_obs} responders {'exceed' if met else 'do not exceed'} r = {rule.r}"
    claims = _conclusions(ctx, d, cohort)
    reported = [q for q in ctx.rows if q["quantity"] in ("orr", "responders")
                and q["statistic"] == "p_value" and q["cohort"] == cohort
                and not q["arm"] and not q["subgroup"] and ctx.numeric(q)
                and str(q.get("test") or "") in ONE_SAMPLE_TESTS and not q.get("hypothesis")]
    values = sorted({c["value"] for c in claims})
    for value in values:
        same = [c for c in claims if c["value"] == value]
        ctx.see(same)
        claimed = value == "met"
        ok = claimed == met
        where = "; ".join(dict.fromkeys(str(c["location"]) for c in same))
        out.append(ctx.finding(
            "consistent" if ok else "inconsistent",
            f"{cohort}: the claim '{value}' {'agrees with' if ok else 'contradicts'} the "
            "rule", f"In {cohort}, {verdict} (rule {how}: {rule.text}); the paper states the "
            f"design's end point {'was met' if claimed else 'was not met'} ({where}).",
            [*same, *rows_obs, *design_rows], recomputation=rec,
            discriminator=f"{cohort}|claim" + (f"|{value}" if len(values) > 1 else ""),
            nearest=None if ok else ("met" if met else "not met"),
            ruled_out=[] if ok else [f"the rule {rule.text}"]))
    for q in reported:
        ctx.see([q])
        ok = overlap((pval, pval), p_interval(q))
        out.append(ctx.finding(
            "consistent" if ok else "inconsistent",
            f"{cohort}: reported P {q['value']} {'agrees' if ok else 'disagrees'} with the "
            f"exact binomial P {pval:.3g}",
            f"In {cohort}, {x}/{n_obs} responders give an exact one-sided P of {pval:.3g} "
            f"under p0 = {p0:g}; the paper reports {quote(q)}.",
            [q, *rows_obs, *design_rows], recomputation=rec, discriminator=cohort,
            nearest=None if ok else f"{pval:.3g}",
            ruled_out=[] if ok else ["exact binomial P at the observed count"]))
    if not claims and not reported:
        out.append(ctx.finding(
            "consistent", f"{cohort}: {x}/{n_obs} responders, rule {'met' if met else 'not met'}",
            f"In {cohort}, {verdict} (rule {how}: {rule.text}; exact P = {pval:.3g} under "
            f"p0 = {p0:g}).", [*design_rows, *rows_obs], recomputation=rec,
            discriminator=cohort))
    return out


def _stage_one_finding(ctx: Context, d: StatedDesign, rule: Rule, cohort: str, stage1: Row,
                       obs: tuple[int, int, list[Row]] | None,
                       design_rows: list[Row]) -> Finding:
    x1 = int(stage1["value_num"])
    ctx.see([stage1])
    went_on = obs is not None and obs[1] > (rule.n1 or 0)
    rows = [stage1, *design_rows, *(obs[2][-1:] if obs else [])]
    rec = {"method": "Simon's first-stage rule", "inputs": {"x1": x1, "r1": rule.r1,
                                                            "n1": rule.n1},
           "tried": [rule.text], "result": f"{x1} {'>' if x1 > (rule.r1 or 0) else '<='} r1"}
    if x1 > (rule.r1 or 0) or not went_on:
        return ctx.finding("consistent", f"{cohort}: stage 1, {x1} responders of {rule.n1}",
                           f"In {cohort}, {x1} first-stage responders of {rule.n1} "
                           f"{'allow' if x1 > (rule.r1 or 0) else 'stop'} the trial at r1 = "
                           f"{rule.r1}.", rows, recomputation=rec,
                           discriminator=f"{cohort}|stage1")
    return ctx.finding(
        "inconsistent", f"{cohort}: continued past stage 1 with {x1} responders (r1 = {rule.r1})",
        f"In {cohort}, {x1} first-stage responders of {rule.n1} do not exceed r1 = {rule.r1}, "
        f"so the design stops after the first stage; the cohort went on to {obs[1]} patients.",
        rows, recomputation=rec, discriminator=f"{cohort}|stage1", nearest="stop at stage 1",
        ruled_out=[f"the rule {rule.text}"])


def _conclusions(ctx: Context, d: StatedDesign, cohort: str) -> list[Row]:
    return [r for r in ctx.where(quantity="design_conclusion", cohort=cohort)
            if r["value"] in ("met", "not_met") and not ctx.is_registry(r)
            and (not d.key or not r["category"] or d.key in r["category"]
                 or r["category"] in d.key)]


def _stage_one(ctx: Context, cohort: str) -> Row | None:
    return next((r for r in ctx.where(quantity="responders", cohort=cohort, statistic="count")
                 if STAGE_ONE.search(str(r["category"])) and ctx.numeric(r)
                 and not r["arm"] and not r["subgroup"] and not ctx.is_registry(r)), None)


def _observed_responders(ctx: Context, cohort: str) -> tuple[int, int, list[Row]] | None:
    """Responders and evaluable patients of a cohort: a responders count, or CR + PR."""
    def first(q: str) -> Row | None:
        return next((r for r in ctx.rows if r["quantity"] == q and r["cohort"] == cohort
                     and r["statistic"] == "count" and not r["arm"] and not r["subgroup"]
                     and not STAGE_ONE.search(str(r["category"]))
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
    "decision-rule", "2",
    "The decision rule of every single-arm design against the responders and the conclusion",
    "A'Hern 2001, Br J Cancer 84:1283; Simon 1989, Control Clin Trials 10:1",
    check_decision_rule,
)
