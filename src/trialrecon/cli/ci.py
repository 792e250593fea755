"""``trialrecon ci``: seven confidence intervals for x/n, and which reproduce printed bounds."""

from __future__ import annotations

import argparse
import json
from typing import Any

from trialrecon.stats import proportions as pr

NAME = "ci"
HELP = ("Confidence intervals for a proportion x/n by seven methods; with --reported, which "
        "methods reproduce a printed interval at its printed precision.")


def confidence_level(text: str) -> float:
    """A confidence level as a proportion: ``90`` (percent) and ``0.90`` both give 0.90."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    level = value / 100.0 if 1.0 < value < 100.0 else value
    if not 0.0 < level < 1.0:
        raise argparse.ArgumentTypeError(
            f"a confidence level is a percentage (95) or a proportion (0.95); got {text!r}")
    return level


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("x", type=int, help="number of responders (successes)")
    parser.add_argument("n", type=int, help="number of patients")
    parser.add_argument("--level", type=confidence_level, default=0.95,
                        help="confidence level, as a percentage (95) or a proportion (0.95); "
                             "default 95%%")
    parser.add_argument("--reported", nargs=2, metavar=("LOW", "HIGH"),
                        help="printed bounds as printed, e.g. 30.7 58.6 (percent by default)")
    parser.add_argument("--scale", type=float, default=100.0,
                        help="unit of the printed bounds: 100 for percent (default), "
                             "1 for proportions")
    parser.add_argument("--json", action="store_true", help="print a JSON object")


def compute(args: argparse.Namespace) -> dict[str, Any]:
    cis = pr.all_cis(args.x, args.n, args.level)
    out: dict[str, Any] = {
        "x": args.x, "n": args.n, "level": args.level, "scale": args.scale,
        "intervals": {m: {"lower": lo * args.scale, "upper": hi * args.scale}
                      for m, (lo, hi) in cis.items()},
    }
    if args.reported:
        low, high = args.reported
        try:
            low_f, high_f = float(low), float(high)
        except ValueError as exc:
            raise ValueError(f"--reported needs two numbers (got {low!r} {high!r})") from exc
        ident = pr.identify_ci_method(
            args.x, args.n, low_f, high_f, decimals=pr.decimals_of(low),
            decimals_high=pr.decimals_of(high), scale=args.scale, level=args.level)
        out["reported"] = {"low": low_f, "high": high_f}
        out["matching_methods"] = ident.matching_methods
        out["closest"] = {"method": ident.closest.method, "distance": ident.closest.distance}
        out["comparison"] = [
            {"method": m.method, "lower": m.lower, "upper": m.upper, "matches": m.matches,
             "distance": m.distance} for m in ident.matches]
    return out


def _off_by(distance: float, scale: float) -> str:
    """How far a computed bound is from the printed one, with its unit."""
    if scale == 100:
        return f"off by {distance:.2f} percentage point{'' if distance == 1 else 's'}"
    if scale == 1:
        return f"off by {distance:.4f} on the proportion scale"
    return f"off by {distance:.4g} in the printed unit (1/{scale:g})"


def _label(method: str) -> str:
    return pr.METHOD_LABELS.get(method, method.replace("_", " "))


def format_text(res: dict[str, Any]) -> str:
    unit = "%" if res["scale"] == 100 else ""
    lines = [f"x = {res['x']}, n = {res['n']}, estimate {res['x'] / res['n'] * res['scale']:.2f}"
             f"{unit}, {res['level'] * 100:g}% confidence intervals", ""]
    matches = {c["method"]: c for c in res.get("comparison", [])}
    head = f"  {'method':<40} {'lower':>9} {'upper':>9}"
    if matches:
        head += f"  reproduces {res['reported']['low']:g} to {res['reported']['high']:g}?"
    lines.append(head)
    for m, b in res["intervals"].items():
        line = f"  {pr.METHOD_LABELS[m]:<40.40} {b['lower']:>9.3f} {b['upper']:>9.3f}"
        if m in matches:
            c = matches[m]
            line += "  yes" if c["matches"] else f"  no ({_off_by(c['distance'], res['scale'])})"
        lines.append(line)
    if matches:
        found = "; ".join(_label(m) for m in res["matching_methods"]) or "none"
        lines += ["", f"Methods reproducing the printed bounds: {found}"]
        if not res["matching_methods"]:
            c = res["closest"]
            lines.append(f"Closest: {_label(c['method'])}, "
                         f"{_off_by(c['distance'], res['scale'])}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    res = compute(args)
    print(json.dumps(res, indent=2) if args.json else format_text(res))
    return 0
