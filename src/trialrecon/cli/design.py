"""``trialrecon design``: single-arm designs for a response rate from p0, p1, alpha and power."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from trialrecon.stats import single_arm as dz

NAME = "design"
HELP = ("Exact single-stage (A'Hern 2001), normal-approximation and Simon (1989) two-stage "
        "designs for a response rate.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--p0", type=float, required=True,
                        help="response rate under H0 (uninteresting), e.g. 0.10")
    parser.add_argument("--p1", type=float, required=True,
                        help="response rate under H1 (worth pursuing), e.g. 0.25")
    parser.add_argument("--alpha", type=float, default=0.05, help="type I error (default 0.05)")
    parser.add_argument("--power", type=float, default=0.80, help="power (default 0.80)")
    parser.add_argument("--sided", choices=("one_sided", "two_sided"), default="one_sided",
                        help="alpha is one- or two-sided; exact and Simon designs use alpha/2 "
                             "one-sided when two-sided (default one_sided)")
    parser.add_argument("--simon-n-max", type=int, default=100,
                        help="largest total size searched for Simon designs (default 100)")
    parser.add_argument("--non-evaluable", type=float, nargs="*", default=[0.10],
                        metavar="F", help="fractions of non-evaluable patients to inflate the "
                                          "normal-approximation n for (default 0.10)")
    parser.add_argument("--json", action="store_true", help="print a JSON object")


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """All designs for the arguments, as plain data."""
    p0, p1, alpha, power = dz.check_hypotheses(args.p0, args.p1, args.alpha, args.power)
    one_sided = alpha if args.sided == "one_sided" else alpha / 2
    exact = dz.exact_single_stage(p0, p1, one_sided, power)
    simon = dz.simon_two_stage(p0, p1, one_sided, power, n_max=args.simon_n_max)
    normal = []
    for sided in ("one_sided", "two_sided"):
        for cc in (False, True):
            na = dz.normal_approx_n(p0, p1, alpha, power, sided=sided, continuity=cc)
            row = asdict(na)
            row["n_enrolled_for_non_evaluable"] = {
                f"{f:g}": dz.inflate_for_non_evaluable(na.n, f) for f in args.non_evaluable}
            normal.append(row)
    return {
        "inputs": {"p0": p0, "p1": p1, "alpha": alpha, "power": power, "sided": args.sided},
        "exact_single_stage": {**asdict(exact), "rule": "reject H0 when responders >= r"},
        "simon": {k: {**asdict(d), "rule": "stop if stage-1 responders <= r1; "
                                           "reject H0 when responders > r"}
                  for k, d in simon.items()},
        "normal_approximation": normal,
    }


def format_text(res: dict[str, Any]) -> str:
    i, e = res["inputs"], res["exact_single_stage"]
    lines = [
        f"p0 = {i['p0']:g}, p1 = {i['p1']:g}, alpha = {i['alpha']:g} "
        f"({i['sided'].replace('_', '-')}), power = {i['power']:g}",
        "",
        "Exact single-stage design (A'Hern 2001; reject H0 when responders >= r)",
        f"  n = {e['n']}, r = {e['r']}, attained alpha = {e['alpha']:.4f}, "
        f"attained power = {e['power']:.4f}",
        "",
        "Simon (1989) two-stage designs (stop if <= r1 of n1 respond; reject H0 if > r of n)",
        f"  {'design':<8} {'r1/n1':>7} {'r/n':>7} {'EN(p0)':>7} {'PET(p0)':>8} {'alpha':>7} "
        f"{'power':>7}",
    ]
    for kind, d in res["simon"].items():
        lines.append(f"  {kind:<8} {d['r1']:>3}/{d['n1']:<3} {d['r']:>3}/{d['n']:<3} "
                     f"{d['expected_n']:>7.1f} {d['pet']:>8.3f} {d['alpha']:>7.4f} "
                     f"{d['power']:>7.4f}")
    lines += ["", "Normal approximation (one-sample test of a proportion)",
              f"  {'alpha':<9} {'continuity':<11} {'n (exact)':>9} {'n':>4}  enrolled if "
              "a fraction is non-evaluable"]
    for row in res["normal_approximation"]:
        extra = ", ".join(f"{f}: {n}" for f, n in row["n_enrolled_for_non_evaluable"].items())
        sided = row["sided"].replace("_", "-")
        cc = "yes" if row["continuity"] else "no"
        lines.append(f"  {sided:<9} {cc:<11} {row['n_raw']:>9.2f} {row['n']:>4}  {extra}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    res = compute(args)
    print(json.dumps(res, indent=2) if args.json else format_text(res))
    return 0
