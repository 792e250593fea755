"""``trialrecon design``: two-arm sample sizes and the designs a dossier states.

Two proportions (``--p0`` control, ``--p1`` experimental; ``--p1`` below ``--p0`` is a
reduction, or ``--two-arm`` for an increase), with ``--margin`` a non-inferiority design; two
means (``--sd --difference``, with ``--margin`` non-inferiority); ``--loss`` a dropout
fraction and ``--cluster-size --icc [--cv]`` a cluster design. A dossier folder prints every
design it states, per cohort, with the verdict of each element and the rule applied to each
cohort (:mod:`trialrecon.stages.design.cohorts`).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from trialrecon.dossier import load_dossier
from trialrecon.stats import two_sample as ts


def _inflate(n: int, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.cluster_size is not None or args.icc is not None:
        if args.cluster_size is None or args.icc is None:
            raise ValueError("a cluster design needs --cluster-size and --icc together")
        de = ts.design_effect(args.cluster_size, args.icc, args.cv or 0.0)
        n_c = math.ceil(n * de - 1e-9)
        out["design_effect"] = de
        out["n_per_arm_clustered"] = n_c
        out["clusters_per_arm"] = math.ceil(n_c / args.cluster_size - 1e-9)
        n = n_c
    if args.loss:
        out["n_per_arm_after_loss"] = math.ceil(ts.inflate_dropout(n, args.loss) - 1e-9)
        out["n_per_arm_after_loss_multiplied"] = math.ceil(
            ts.inflate_dropout(n, args.loss, "multiply") - 1e-9)
    return out


def compute_two_arm(args: argparse.Namespace) -> dict[str, Any]:
    """Every two-arm calculation for the arguments, as plain data."""
    alpha = 0.05 if args.alpha is None else args.alpha
    power = 0.80 if args.power is None else args.power
    sided = args.sided or ("one_sided" if args.margin else "two_sided")
    k = args.ratio
    rows = []
    if args.sd is not None:
        if args.difference is None and not args.margin:
            raise ValueError("two means need --sd and --difference (or --margin)")
        distance = (args.margin or 0.0) + (args.difference or 0.0) if args.margin else \
            args.difference
        for method in ("normal", "t"):
            size = ts.two_means_n(distance, args.sd, alpha, power, sided, k, method)
            rows.append({"method": method, "label": ts.METHOD_LABELS[method],
                         "n_raw": size.n_raw, "n_control": size.n_control,
                         "n_experimental": size.n_experimental, "n_total": size.n_total,
                         **_inflate(size.n_control, args)})
        kind = "two means" + (" (non-inferiority)" if args.margin else "")
    else:
        if args.p0 is None or args.p1 is None:
            raise ValueError("two proportions need --p0 and --p1")
        methods = ("non_inferiority",) if args.margin else (*ts.PROPORTION_METHODS,
                                                              "fisher_exact")
        for method in methods:
            if method == "fisher_exact":
                approx = ts.two_proportions_n(args.p0, args.p1, alpha, power, sided, k,
                                              "pooled_cc")
                if approx.n_control > 600:
                    continue
                size = ts.fisher_exact_n(args.p0, args.p1, alpha, power, sided, k)
            else:
                size = ts.two_proportions_n(args.p0, args.p1, alpha, power, sided, k,
                                            "pooled" if method == "non_inferiority" else method,
                                            margin=args.margin or 0.0)
            rows.append({"method": method, "label": ts.METHOD_LABELS.get(
                method, "non-inferiority, unpooled variance (Blackwelder 1982)"),
                "n_raw": size.n_raw, "n_control": size.n_control,
                "n_experimental": size.n_experimental, "n_total": size.n_total,
                **_inflate(size.n_control, args)})
        kind = "two proportions" + (" (non-inferiority)" if args.margin else
                                    (" (a reduction)" if args.p1 < args.p0 else ""))
    return {"inputs": {"kind": kind, "p0": args.p0, "p1": args.p1, "sd": args.sd,
                       "difference": args.difference, "margin": args.margin, "alpha": alpha,
                       "sided": sided, "power": power, "ratio": k, "loss": args.loss},
            "two_arm": rows}


def format_two_arm(res: dict[str, Any]) -> str:
    i = res["inputs"]
    what = (f"p0 = {i['p0']:g} (control), p1 = {i['p1']:g} (experimental)" if i["p0"] is not None
            else f"difference {i['difference']}, SD {i['sd']:g}")
    if i["margin"]:
        what += f", non-inferiority margin {i['margin']:g}"
    lines = [f"{i['kind']}: {what}, alpha = {i['alpha']:g} ({i['sided'].replace('_', '-')}), "
             f"power = {i['power']:g}, allocation {i['ratio']:g}:1 (experimental:control)", "",
             f"  {'calculation':<72} {'n (exact)':>10} {'per arm':>8} {'total':>6}"]
    for r in res["two_arm"]:
        extra = []
        if "n_per_arm_clustered" in r:
            extra.append(f"design effect {r['design_effect']:.3f}: {r['n_per_arm_clustered']} "
                         f"per arm in {r['clusters_per_arm']} clusters")
        if "n_per_arm_after_loss" in r:
            extra.append(f"with {i['loss']:g} lost: {r['n_per_arm_after_loss']} per arm "
                         f"(n / (1 - d); n (1 + d) gives {r['n_per_arm_after_loss_multiplied']})")
        lines.append(f"  {r['label']:<72} {r['n_raw']:>10.2f} {r['n_control']:>8} "
                     f"{r['n_total']:>6}" + (f"  [{'; '.join(extra)}]" if extra else ""))
    return "\n".join(lines)


def compute_dossier(path: str) -> dict[str, Any]:
    """Every stated design of a dossier, per cohort, as plain data."""
    from trialrecon.stages.design.cohorts import cohort_design_tables

    folder = Path(path)
    if not (folder / "trial.yaml").is_file():
        raise ValueError(f"{path} is not a dossier folder (no trial.yaml)")
    dossier = load_dossier(folder)
    tables = cohort_design_tables(dossier)
    return {"trial": dossier.trial.id,
            **{name: table.astype(object).where(table.notna(), None).to_dict("records")
               for name, table in tables.items()}}


def format_dossier(res: dict[str, Any]) -> str:
    lines = [f"{res['trial']}: {len(res['stated_designs'])} stated design(s)"]
    for d in res["stated_designs"]:
        name = d["cohort"] + (f", {d['design']}" if d["design"] else "")
        lines += ["", f"{name}: {d['kind']}" + ("" if d["kind_stated"] else
                                                 " (read from its rows)")]
        for key in ("p0", "p1", "alpha", "power", "n", "r1", "n1", "r", "dropout", "margin",
                    "sd", "difference", "ratio", "hr", "events"):
            if d[key]:
                lines.append(f"  {key}: {d[key]}")
        for c in res["design_checks"]:
            if c["cohort"] == d["cohort"] and c["design"] == d["design"]:
                lines.append(f"  [{c['severity']}] {c['sentence']}")
    if res["design_decisions"]:
        lines += ["", "Decision rules"]
        lines += [f"  [{r['severity']}] {r['sentence']}" for r in res["design_decisions"]]
    return "\n".join(lines)
