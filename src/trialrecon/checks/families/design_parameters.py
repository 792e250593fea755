"""Every stated design against its stated parameters, per cohort.

Check ``design-parameters``; references: A'Hern 2001, Br J Cancer 84:1283; Simon 1989, Control
Clin Trials 10:1; Jung et al. 2004, J Stat Plan Inference 125:257; Fleiss, Levin & Paik 2003;
Fleiss, Tytun & Ury 1980, Biometrics 36:343; Schoenfeld 1983, Biometrics 39:499; Whitehead
1993, Stat Med 12:2257.
"""

from __future__ import annotations

from trialrecon.checks.context import Check, Context, NotApplicable
from trialrecon.checks.design_judge import judge
from trialrecon.checks.findings import Finding
from trialrecon.checks.stated_designs import stated_designs


def check_design_parameters(ctx: Context) -> list[Finding]:
    """Each design of each cohort (:mod:`trialrecon.checks.stated_designs`) recomputed.

    Single-arm designs: the attained alpha and power of the stated boundaries (a misstated
    boundary exceeds the stated alpha or falls short of the stated power), the named kind of
    Simon design, the stated expected size and probability of early termination, or the
    power of the planned n. Two-arm designs: the stated n against every calculation in use,
    saying when only an unstated convention (sidedness, continuity correction, dropout as
    n (1 + d)) reproduces it, and larger stated n through the stated dropout. Event-driven
    designs: the planned events (Schoenfeld, Freedman). Stated ratios against the
    proportions they come from. The rules are in :mod:`trialrecon.checks.design_calc` and
    :mod:`trialrecon.checks.design_single_arm`.
    """
    designs = stated_designs(ctx.dossier, ctx.rows)
    if not designs:
        raise NotApplicable("the dossier states no design")
    out = []
    for d in designs:
        cohort_rows = [r for r in ctx.rows if r["cohort"] == d.cohort]
        items = judge(d, cohort_rows)
        if not items:
            ctx.skip(f"a {d.kind or 'design'} without the parameters to recompute it")
        for item in items:
            ctx.see(item.rows)
            out.append(ctx.finding(
                item.severity, f"{d.label}: {item.what}", item.sentence, item.rows,
                recomputation={"method": item.method, "inputs": {"design": d.kind},
                               "tried": item.tried, "result": item.computed},
                nearest=item.nearest, discriminator=f"{d.key}|{item.what}",
                ruled_out=[] if item.severity == "consistent" else item.tried[:0]))
    return out


CHECK = Check(
    "design-parameters", "1",
    "Every stated design against its stated parameters (n, boundaries, events)",
    "A'Hern 2001; Simon 1989; Jung et al. 2004; Fleiss, Levin & Paik 2003; Schoenfeld 1983",
    check_design_parameters,
)
