"""Every stated design, per cohort: what the paper states, what reproduces it, the rule applied.

The designs are read by :func:`trialrecon.checks.stated_designs.stated_designs` (one per
cohort, or one per category when a cohort states several) and judged by the checks
``design-parameters`` and ``decision-rule`` (:mod:`trialrecon.checks.design_judge`,
:mod:`trialrecon.checks.families.decision_rule`), so the stage's tables and the
reconciliation report say the same thing. Four tables:

* ``stated_designs.csv``: one row per design: cohort, category, kind, the parameters as
  stated (p0, p1, alpha and its sidedness, power, n, boundaries) and the rows they come from;
* ``design_calculations.csv``: every calculation at the stated parameters: for two-arm
  designs the n of each method under each reading of alpha and the power of the smallest
  stated n; for single-arm designs A'Hern's exact design and Simon's optimal, minimax and
  admissible designs;
* ``design_checks.csv``: each stated element (n, boundaries, EN, PET, events, ratios) with
  the verdict, the calculation that reproduces it and the sentence of the finding;
* ``design_decisions.csv``: each single-arm rule applied to each cohort it governs.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from trialrecon.checks.context import Context
from trialrecon.checks.design_judge import calculations, judge
from trialrecon.checks.design_single_arm import rule_of
from trialrecon.checks.families.decision_rule import check_decision_rule
from trialrecon.checks.stated_designs import StatedDesign, stated_designs
from trialrecon.dossier import Dossier
from trialrecon.stats import single_arm as sa

DESIGN_COLUMNS = ["cohort", "design", "kind", "kind_stated", "applies_to", "p0", "p1", "alpha",
                  "sided", "power", "n", "r1", "n1", "r", "dropout", "margin", "sd",
                  "difference", "ratio", "hr", "events", "row_ids"]
CHECK_COLUMNS = ["cohort", "design", "kind", "item", "severity", "stated", "computed",
                 "method", "sentence", "row_ids"]
DECISION_COLUMNS = ["cohort", "severity", "claim", "sentence", "row_ids"]


def _text(d: StatedDesign, q: str) -> str:
    return "; ".join(f"{r['comparator']}{r['value']}"
                     + (f" {r['unit']}" if r["unit"] not in ("", "none", "patients") else "")
                     + (f" ({r['category']})" if r["category"] and r["category"] != d.key
                        else "")
                     + (f" [{r['arm']}]" if r["arm"] else "") for r in d.all_rows(q))


def design_row(d: StatedDesign) -> dict[str, Any]:
    alpha = d.first("design_alpha")
    n = "; ".join(x for x in (_text(d, "design_n_per_group"), _text(d, "design_n_total")) if x)
    return {
        "cohort": d.cohort, "design": d.key, "kind": d.kind, "kind_stated": d.kind_stated,
        "applies_to": " ".join(d.applies_to), "p0": _text(d, "design_p0"),
        "p1": _text(d, "design_p1"), "alpha": _text(d, "design_alpha"),
        "sided": (alpha["sided"] or "not stated") if alpha is not None else "",
        "power": _text(d, "design_power"), "n": n, "r1": _text(d, "design_r1"),
        "n1": _text(d, "design_n1"), "r": _text(d, "design_r"),
        "dropout": _text(d, "design_dropout"), "margin": _text(d, "design_margin"),
        "sd": _text(d, "design_sd"), "difference": _text(d, "design_difference"),
        "ratio": _text(d, "design_ratio"), "hr": _text(d, "design_hr"),
        "events": _text(d, "design_events"),
        "row_ids": " ".join(r["id"] for rows in d.rows.values() for r in rows),
    }


def _single_arm_calcs(d: StatedDesign, simon_n_max: int) -> list[dict[str, Any]]:
    p0, p1, power = (d.probability(q) for q in ("design_p0", "design_p1", "design_power"))
    alpha_row = d.first("design_alpha")
    if None in (p0, p1, power, alpha_row) or p1 <= p0:
        return []
    alpha = d.probability("design_alpha")
    level = alpha / 2 if alpha_row["sided"] == "two_sided" else alpha
    base = {"cohort": d.cohort, "design": d.key, "kind": d.kind, "alpha": level,
            "sided": "one_sided", "as_stated": True}
    out = []
    exact = sa.exact_single_stage(p0, p1, level, power)
    out.append({**base, "method": "exact single stage (A'Hern 2001)", "n_total": exact.n,
                "r": exact.r - 1, "alpha_attained": exact.alpha,
                "power_attained": exact.power})
    try:
        found = sa.simon_two_stage(p0, p1, level, power, n_max=simon_n_max)
        # without a limit the frontier ends at the optimum just proved: not searched again
        admissible = sa.simon_admissible(p0, p1, level, power, n_max=found["optimal"].n
                                         if simon_n_max is None else simon_n_max)
    except ValueError:
        return out
    designs = [(f"Simon {k}", x) for k, x in found.items()]
    designs += [(f"admissible (q {lo:.2f} to {hi:.2f}; Jung 2004)", x)
                for x, lo, hi in admissible]
    for name, x in designs:
        out.append({**base, "method": name, "n_total": x.n, "r1": x.r1, "n1": x.n1, "r": x.r,
                    "expected_n": x.expected_n, "pet": x.pet, "alpha_attained": x.alpha,
                    "power_attained": x.power})
    return out


def cohort_design_tables(dossier: Dossier, simon_n_max: int = 100
                         ) -> dict[str, pd.DataFrame]:
    """The four per-cohort design tables (empty tables when the dossier states no design)."""
    rows = dossier.values.to_dict("records")
    designs = stated_designs(dossier, rows)
    checks: list[dict[str, Any]] = []
    calcs: list[dict[str, Any]] = []
    for d in designs:
        cohort_rows = [r for r in rows if r["cohort"] == d.cohort]
        for item in judge(d, cohort_rows):
            checks.append({"cohort": d.cohort, "design": d.key, "kind": d.kind,
                           "item": item.what, "severity": item.severity,
                           "stated": item.stated, "computed": item.computed,
                           "method": item.method, "sentence": item.sentence,
                           "row_ids": " ".join(dict.fromkeys(r["id"] for r in item.rows))})
        calcs += (_single_arm_calcs(d, simon_n_max) if d.single_arm
                  else calculations(d, cohort_rows))
    decisions = []
    if any(d.single_arm and rule_of(d) is not None for d in designs):
        ctx = Context.of(dossier)
        ctx.check_id, ctx.check_version = "decision-rule", "2"
        for f in check_decision_rule(ctx):
            decisions.append({"cohort": f.claim.split(":", 1)[0], "severity": f.severity,
                              "claim": f.claim, "sentence": f.sentence,
                              "row_ids": " ".join(v.id for v in f.values)})
    calc_columns = sorted({k for c in calcs for k in c}, key=_calc_order)
    return {
        "stated_designs": pd.DataFrame([design_row(d) for d in designs],
                                       columns=DESIGN_COLUMNS),
        "design_calculations": pd.DataFrame(calcs, columns=calc_columns),
        "design_checks": pd.DataFrame(checks, columns=CHECK_COLUMNS),
        "design_decisions": pd.DataFrame(decisions, columns=DECISION_COLUMNS),
    }


_CALC_ORDER = ["cohort", "design", "kind", "method", "alpha", "sided", "as_stated", "unstated",
               "n_control_unrounded", "n_control", "n_experimental", "n_total", "r1", "n1",
               "r", "expected_n", "pet", "alpha_attained", "power_attained",
               "smallest_stated_n", "power_of_smallest_stated_n"]


def _calc_order(column: str) -> tuple[int, str]:
    return (_CALC_ORDER.index(column) if column in _CALC_ORDER else len(_CALC_ORDER), column)


def cohorts_fragment(tables: dict[str, pd.DataFrame], escape: Any) -> list[str]:
    """The Markdown section: each design, its verdicts, and the rule applied per cohort."""
    designs, checks = tables["stated_designs"], tables["design_checks"]
    out = ["### Every stated design, per cohort", ""]
    if designs.empty:
        return out + ["The dossier states no design.", ""]
    for _, d in designs.iterrows():
        name = f"{d['cohort']}" + (f", {d['design']}" if d["design"] else "")
        kind = d["kind"] + ("" if d["kind_stated"] else " (read from its rows)")
        params = ", ".join(f"{k} {d[k]}" for k in ("p0", "p1", "alpha", "power", "n", "r1",
                                                   "n1", "r", "dropout", "margin", "sd",
                                                   "difference", "ratio", "hr", "events")
                           if d[k])
        out += [f"**{escape(name)}**: {escape(kind)}; {escape(params)}.", ""]
        mine = checks[(checks["cohort"] == d["cohort"]) & (checks["design"] == d["design"])]
        if mine.empty:
            out += ["Not recomputed: the dossier lacks a parameter the calculation needs "
                    "(see `stated_designs.csv`).", ""]
            continue
        out += ["| item | verdict | what the recomputation says |", "|---|---|---|"]
        out += [f"| {escape(r['item'])} | {escape(r['severity'])} | {escape(r['sentence'])} |"
                for _, r in mine.iterrows()]
        out.append("")
    decisions = tables["design_decisions"]
    if len(decisions):
        out += ["**Decision rules applied to each cohort** (responders against the stated or "
                "implied boundary; stated conclusions and P values against the rule):", "",
                "| verdict | finding |", "|---|---|"]
        out += [f"| {escape(r['severity'])} | {escape(r['sentence'])} |"
                for _, r in decisions.iterrows()]
        out.append("")
    out += ["Every calculation at the stated parameters is in `design_calculations.csv`.", ""]
    return out
