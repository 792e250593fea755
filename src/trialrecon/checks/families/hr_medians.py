"""The ratio of the medians against the hazard ratio (a soft note).

Check ``hr-vs-medians``; reference: constant-hazard relation HR = median ratio.

Rule (issue 22): only hazard ratios between the arms are compared with the arms' medians; a
prognostic factor's hazard ratio (a row with a category: "OPN, per unit", "High vs Low") and
an interaction term are not.
"""

from __future__ import annotations

import math

from trialrecon.checks.context import (
    Check,
    Context,
    NotApplicable,
    Row,
    box,
    quote,
    statements,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.pvalues import overlap


def _medians(ctx: Context, quantity: str, cohort: str, subgroup: str,
             source: str) -> dict[str, Row]:
    rows = [r for r in ctx.where(quantity=quantity, statistic="median", cohort=cohort,
                                 subgroup=subgroup)
            if ctx.numeric(r) and r["arm"] and not ctx.is_registry(r)]
    out: dict[str, Row] = {}
    for r in sorted(rows, key=lambda r: r["source"] != source):
        out.setdefault(ctx.arm_role(r["arm"]), r)
    return out


def check_hr_medians(ctx: Context) -> list[Finding]:
    """The ratio of median survival times against the reported HR (a soft note).

    Under exponential survival the HR equals median(comparator) / median(experimental); the
    check notes an HR whose CI excludes that ratio (rounding box of both medians). Only a
    note: the relation fails when hazards are not constant.
    """
    out = []
    if len(ctx.dossier.trial.arms) != 2:
        raise NotApplicable("needs a trial with exactly two arms")
    # hazard ratios between the arms only: a prognostic factor's HR (a category) or an
    # interaction term does not compare the arms' medians
    cand = [r for r in ctx.rows if ctx.kind(r["quantity"]) == "ratio" and ctx.numeric(r)
            and not r["category"] and r.get("hypothesis") not in ("interaction",
                                                                  "heterogeneity")]
    for st in statements(cand):
        est, lo, hi = st.get("estimate"), st.get("ci_low"), st.get("ci_high")
        if est is None or lo is None or hi is None:
            continue
        base = str(ctx.vocab.quantities[est["quantity"]].get("ratio_of", ""))
        meds = _medians(ctx, base, est["cohort"], est["subgroup"], est["source"])
        if "experimental" not in meds or "comparator" not in meds:
            ctx.skip("HR without both arms' medians")
            continue
        me, mc = meds["experimental"], meds["comparator"]
        rows = [est, lo, hi, me, mc]
        ctx.see(rows)
        ie, ic = box(me), box(mc)
        ratio = (ic[0] / ie[1], ic[1] / ie[0] if ie[0] > 0 else math.inf)
        ci = (box(lo)[0], box(hi)[1])
        rec = {"method": "median(comparator) / median(experimental), exponential survival",
               "inputs": {"experimental": me["value"], "comparator": mc["value"],
                          "hr": est["value"], "ci": [lo["value"], hi["value"]]},
               "tried": [f"median ratio in [{ratio[0]:.3g}, {ratio[1]:.3g}]"],
               "result": f"point ratio {mc['value_num'] / me['value_num']:.3g}"}
        if overlap(ratio, ci):
            out.append(ctx.finding(
                "consistent", f"median ratio within the HR CI ({est['value']})",
                f"The median ratio {mc['value']}/{me['value']} = "
                f"{mc['value_num'] / me['value_num']:.2f} lies within the CI of {quote(est)}.",
                rows, recomputation=rec))
        else:
            out.append(ctx.finding(
                "note", f"median ratio {mc['value_num'] / me['value_num']:.2f} outside HR CI",
                f"The median ratio {mc['value']}/{me['value']} = "
                f"{mc['value_num'] / me['value_num']:.2f} lies outside the CI ({lo['value']} to "
                f"{hi['value']}) of {quote(est)}; a soft signal, as hazards need not be constant.",
                rows, recomputation=rec, nearest=f"{mc['value_num'] / me['value_num']:.2f}"))
    return out


CHECK = Check(
    "hr-vs-medians", "1",
    'Median ratio against the HR (soft, exponential survival)',
    'constant-hazard relation HR = median ratio',
    check_hr_medians,
)
