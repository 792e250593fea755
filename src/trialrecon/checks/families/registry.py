"""The registry record against the paper.

Check ``registry``; reference: ClinicalTrials.gov data elements.
"""

from __future__ import annotations

from typing import Any

from trialrecon.checks.context import (
    Check,
    Context,
    NotApplicable,
    Row,
    quote,
    same_date,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS, compare_rows


def _months(date: str) -> int:
    y, m = int(date[:4]), int(date[5:7]) if len(date) >= 7 else 1
    return 12 * y + m


def check_registry(ctx: Context) -> list[Finding]:
    """Registry record against the paper: enrollment and its type, planned size, dates, dose.

    Rows of a source of kind ``registry`` are compared with rows of the other sources for the
    same quantity (rounding intervals as in the same-quantity check; dates at the coarser
    precision). Enrollment is compared with the paper's count of the same cohort or the sum
    over the pooled cohort's parts; an ``anticipated``/``estimated`` enrollment is compared with
    the planned size. The registry's study start may precede the paper's enrollment start by up
    to a month.
    """
    reg = [r for r in ctx.rows if ctx.is_registry(r) and (r["value"] or r["marker"])]
    if not reg:
        raise NotApplicable("no registry source in the dossier")
    paper = [r for r in ctx.rows if not ctx.is_registry(r) and r["value"] and not r["marker"]]
    in_paper = {r["id"] for r in paper}
    out = []
    for rr in reg:
        ctx.see([rr])
        matches = _registry_partners(ctx, rr, paper, in_paper)
        if not matches:
            ctx.skip("registry value with no counterpart in the papers")
            continue
        for pr, how, soft in matches:
            ctx.see([pr])
            out.append(_registry_pair(ctx, rr, pr, how, soft))
    return out


def _registry_partners(ctx: Context, rr: Row, paper: list[Row],
                       in_paper: set[str]) -> list[tuple[Row, str, bool]]:
    q = rr["quantity"]
    same = [p for p in ctx.where(quantity=q, statistic=rr["statistic"], unit=rr["unit"],
                                 category=rr["category"], arm=rr["arm"],
                                 subgroup=rr["subgroup"]) if p["id"] in in_paper]
    direct = [p for p in same if p["cohort"] == rr["cohort"]]
    if q in ("enrolled", "randomized"):
        anticipated = rr["category"].lower() in ("anticipated", "estimated")
        if anticipated:
            plan = [p for p in paper if p["quantity"] == "design_n_total"
                    and p["cohort"] == rr["cohort"]]
            return [(p, "anticipated enrollment vs planned total", False) for p in plan[:1]]
        pops = [p for p in paper if p["quantity"] == q and p["statistic"] == "count"
                and p["cohort"] == rr["cohort"] and p["arm"] == rr["arm"]
                and not p["subgroup"]]
        soft = not rr["category"]
        return [(p, "enrollment (type not printed)" if soft else "actual enrollment", soft)
                for p in pops[:1]]
    if q == "design_n_total":
        tot = [p for p in paper if p["quantity"] == "design_n_total" and p["cohort"] ==
               rr["cohort"]]
        if tot:
            return [(tot[0], "planned total", False)]
        per = [p for p in paper if p["quantity"] == "design_n_per_group"]
        if per:
            return [(per[0], "planned n per group x number of cohorts", False)]
        return []
    if q == "study_start" and not direct:
        starts = [p for p in paper if p["quantity"] == "enrollment_start"
                  and p["cohort"] == rr["cohort"]]
        return [(p, "registry study start vs paper enrollment start (one month tolerance)", True)
                for p in starts[:1]]
    if not direct and rr["cohort"] not in ("",):
        parent = next((c.id for c in ctx.dossier.trial.cohorts if rr["cohort"] in c.parts), "")
        direct = [p for p in same if p["cohort"] == parent]
    return [(p, "same quantity", False) for p in direct[:1]]


def _registry_pair(ctx: Context, rr: Row, pr: Row, how: str, soft: bool) -> Finding:
    rows = [rr, pr]
    rec: dict[str, Any] = {"method": how, "inputs": {rr["id"]: rr["value"],
                                                      pr["id"]: pr["value"]}}
    scheme = ""
    if rr["statistic"] == "date":
        if "tolerance" in how:
            diff = abs(_months(rr["value"]) - _months(pr["value"]))
            ok = diff <= 1
            rec["result"] = f"{diff} month(s) apart"
        else:
            ok = same_date(rr["value"], pr["value"])
            rec["result"] = "equal at the coarser precision" if ok else "different"
    elif pr["quantity"] == "design_n_per_group" and rr["quantity"] == "design_n_total":
        k = len([c for c in ctx.dossier.trial.cohorts if not c.parts])
        ok = int(pr["value_num"]) * k == int(rr["value_num"])
        rec["result"] = f"{pr['value']} x {k} = {int(pr['value_num']) * k}"
    else:  # the severity policy's rounding rules (checks.severity)
        cmp = compare_rows(rr, pr)
        ok, scheme = cmp.agree, cmp.scheme if cmp.severity == "questionable" else ""
        rec["tried"] = list(cmp.tried)
        rec["result"] = ("agree within rounding" if ok else f"agree only if both are "
                         f"{SCHEME_LABELS[scheme]}" if scheme else "differ beyond rounding")
    if ok:
        return ctx.finding("consistent", f"registry {rr['quantity']} agrees",
                           f"The registry's {quote(rr)} agrees with {quote(pr)} ({how}).", rows,
                           recomputation=rec)
    severity = "questionable" if soft or scheme else "inconsistent"
    return ctx.finding(
        severity, f"registry {rr['quantity']} {rr['value']} vs paper {pr['value']}",
        f"The registry gives {quote(rr)}, the paper {quote(pr)} ({how})."
        + (" The registry does not say whether its figure is actual or anticipated, or a "
           "tolerance applies." if soft else ""), rows, recomputation=rec, nearest=pr["value"],
        ruled_out=["rounding"] if not soft else [])


CHECK = Check(
    "registry", "1",
    'Registry record against the paper: enrollment, planned size, dates, cohorts, dose',
    'ClinicalTrials.gov data elements',
    check_registry,
)
