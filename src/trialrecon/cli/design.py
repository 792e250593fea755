"""``trialrecon design``: sample sizes of single-arm and randomized designs, and a dossier's.

A dossier folder (``trialrecon design data/raw/<trial>``) prints every design it states, per
cohort, recomputed and judged. Single-arm (a response rate): ``--p0 --p1`` give A'Hern's
exact single-stage design, Simon's two-stage designs and normal approximations. Two arms
compared on a proportion (``--p1`` below ``--p0``, a reduction, or ``--two-arm``) or a mean
(``--sd --difference``), with ``--margin``, ``--loss`` and a cluster design effect:
:mod:`._design_two_arm`. Randomized (a time-to-event endpoint): ``--hr``
gives Schoenfeld's and Freedman's events, with ``--accrual --follow-up --median-control`` the
patients that deliver them, with ``--interim`` the Lan-DeMets boundaries and the inflated
events; ``--events`` asks the inverse questions (power at ``--hr``, detectable HR).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict
from typing import Any, NoReturn

from trialrecon.stats import events as ev
from trialrecon.stats import group_sequential as gs
from trialrecon.stats import sample_size as ss
from trialrecon.stats import single_arm as dz

NAME = "design"
HELP = ("Sample sizes: single-arm designs for a response rate (A'Hern, Simon), two arms "
        "compared on a proportion or a mean, event-driven designs for a hazard ratio "
        "(Schoenfeld, Freedman, Lan-DeMets); every design a dossier states, per cohort.")
EPILOG = """examples:
  trialrecon design data/raw/talent
  trialrecon design --p0 0.12 --p1 0.084            (two proportions, a reduction)
  trialrecon design --p0 0.25 --p1 0.34 --two-arm --power 0.95 --loss 0.1
  trialrecon design --sd 24 --difference 5 --margin 15 --alpha 0.025 --power 0.9
  trialrecon design --p0 0.10 --p1 0.25 --alpha 0.05 --power 0.90
  trialrecon design --hr 0.6 --alpha 0.025 --power 0.9 --ratio 2
  trialrecon design --hr 0.6 --alpha 0.025 --power 0.9 --ratio 2 \\
      --accrual 24 --follow-up 12 --median-control 4 --interim 0.5 0.75
  trialrecon design --events 140 --hr 0.7 --alpha 0.05 --sided two_sided
"""


# The spending functions in words (Lan and DeMets 1983; Kim and DeMets 1987 for the power family).
SPENDING_WORDS = {"obrien_fleming": "O'Brien-Fleming-type", "pocock": "Pocock-type",
                  "power": "power-family (rho = 3)"}


def _one_line_error(prog: str):
    def error(message: str) -> NoReturn:
        print(f"trialrecon {prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)
    return error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.error = _one_line_error(NAME)  # argument errors: one line, exit status 2
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("dossier", nargs="?", metavar="DOSSIER",
                        help="a dossier folder: every design it states, per cohort")
    arm = parser.add_argument_group("single-arm design (response rate)")
    arm.add_argument("--p0", type=float, help="response rate under H0 (uninteresting), e.g. 0.10")
    arm.add_argument("--p1", type=float, help="response rate under H1 (worth pursuing), e.g. 0.25")
    arm.add_argument("--simon-n-max", type=int, default=None,
                     help="largest total size searched for Simon designs (default: search "
                          "until the optimum is proved, up to 1000)")
    arm.add_argument("--non-evaluable", type=float, nargs="*", default=[0.10], metavar="F",
                     help="fractions of non-evaluable patients to inflate the normal-"
                          "approximation n for (default 0.10)")
    two = parser.add_argument_group(
        "two arms (a proportion: --p0 control, --p1 experimental; or a mean)")
    two.add_argument("--two-arm", action="store_true",
                     help="compare two arms on the proportions (implied when p1 < p0)")
    two.add_argument("--sd", type=float, help="common standard deviation of a continuous outcome")
    two.add_argument("--difference", type=float, help="difference of means to detect")
    two.add_argument("--margin", type=float,
                     help="non-inferiority margin (proportion scale, or the outcome's unit)")
    two.add_argument("--loss", type=float, default=0.0,
                     help="fraction lost to follow-up to inflate n for (n / (1 - d))")
    two.add_argument("--cluster-size", type=float, help="mean cluster size (cluster design)")
    two.add_argument("--icc", type=float, help="intracluster correlation coefficient")
    two.add_argument("--cv", type=float, help="coefficient of variation of cluster sizes")
    rct = parser.add_argument_group("randomized design (hazard ratio, log-rank test)")
    rct.add_argument("--hr", type=float, help="hazard ratio to detect, experimental over "
                                              "control, e.g. 0.6")
    rct.add_argument("--events", type=float, help="given events: print the power at --hr and "
                                                  "the detectable hazard ratio instead")
    rct.add_argument("--ratio", type=float, default=1.0,
                     help="allocation k of k:1, experimental to control (default 1)")
    rct.add_argument("--accrual", type=float, help="uniform accrual period (e.g. months)")
    rct.add_argument("--follow-up", type=float, help="follow-up after the end of accrual")
    rct.add_argument("--median-control", type=float,
                     help="median survival of the control arm (exponential)")
    rct.add_argument("--dropout", type=float, default=0.0,
                     help="exponential dropout hazard per time unit (default 0)")
    rct.add_argument("--interim", type=float, nargs="+", metavar="F",
                     help="information fractions of interim analyses, e.g. 0.5 0.75")
    rct.add_argument("--spending", choices=gs.SPENDING, default="obrien_fleming",
                     help="Lan-DeMets spending function: obrien_fleming (O'Brien-Fleming-type, "
                          "the default), pocock (Pocock-type) or power (rho = 3)")
    both = parser.add_argument_group("both")
    both.add_argument("--alpha", type=float, default=None,
                      help="type I error (default 0.05 single-arm, 0.025 randomized)")
    both.add_argument("--power", type=float, default=None,
                      help="power (default 0.80 single-arm, 0.90 randomized)")
    both.add_argument("--sided", choices=("one_sided", "two_sided"), default=None,
                      help="alpha is one- or two-sided; a two-sided alpha is split between "
                           "the tails (default one_sided; two_sided for two arms compared "
                           "on a proportion or a mean without a margin)")
    both.add_argument("--json", action="store_true", help="print a JSON object")


# ------------------------------------------------------------------------------ single arm


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """All single-arm designs for the arguments, as plain data."""
    alpha = 0.05 if args.alpha is None else args.alpha
    power = 0.80 if args.power is None else args.power
    p0, p1, alpha, power = dz.check_hypotheses(args.p0, args.p1, alpha, power)
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
    notes = {d.get("note", "") for d in res["simon"].values()} - {""}
    lines += [f"  note: {n}" for n in sorted(notes)]
    lines += ["", "Normal approximation (one-sample test of a proportion)",
              f"  {'alpha':<9} {'continuity':<11} {'n (exact)':>9} {'n':>4}  enrolled if "
              "a fraction is non-evaluable"]
    for row in res["normal_approximation"]:
        extra = ", ".join(f"{f}: {n}" for f, n in row["n_enrolled_for_non_evaluable"].items())
        sided = row["sided"].replace("_", "-")
        cc = "yes" if row["continuity"] else "no"
        lines.append(f"  {sided:<9} {cc:<11} {row['n_raw']:>9.2f} {row['n']:>4}  {extra}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ randomized


def _clean(x: Any) -> Any:
    """JSON-safe: NaN becomes null."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


def _patients(args: argparse.Namespace, events: float, hr: float) -> dict[str, Any] | None:
    given = [args.accrual is not None, args.follow_up is not None,
             args.median_control is not None]
    if not any(given):
        return None
    if not all(given):
        raise ValueError("patients need --accrual, --follow-up and --median-control together")
    n = ss.sample_size(events, ss.PiecewiseExponential.from_median(args.median_control), hr,
                       args.accrual, args.follow_up, args.ratio, dropout=args.dropout)
    return asdict(n)


def compute_randomized(args: argparse.Namespace) -> dict[str, Any]:
    """Events, patients and boundaries of an event-driven design, as plain data."""
    alpha = 0.025 if args.alpha is None else args.alpha
    power = 0.90 if args.power is None else args.power
    ev.one_sided_level(alpha, args.sided)  # validates alpha and sidedness
    out: dict[str, Any] = {"inputs": {"hr": args.hr, "alpha": alpha, "sided": args.sided,
                                      "power": power, "ratio": args.ratio,
                                      "events": args.events}}
    if args.events is not None:
        out["given_events"] = {
            m: {"power_at_hr": (ev.events_power(args.events, args.hr, alpha, args.ratio,
                                                args.sided, m) if args.hr else None),
                "detectable_hr": ev.detectable_hr(args.events, alpha, power, args.ratio,
                                                  args.sided, m)}
            for m in ev.METHODS}
    if args.hr is None:
        return _clean(out)
    designs = {m: ev.required_events(args.hr, alpha, power, args.ratio, args.sided, m)
               for m in ev.METHODS}
    out["events"] = {m: asdict(d) for m, d in designs.items()}
    base = designs["schoenfeld"].events_raw
    out["sample_size"] = _patients(args, base, args.hr)
    out["group_sequential"] = None
    if args.interim:
        g = gs.spending_boundaries([*args.interim, 1.0], alpha, args.spending, args.sided,
                                   power=power)
        d_max = base * g.inflation
        looks = [f * d_max for f in g.fractions]
        out["group_sequential"] = {
            "spending": args.spending, "fractions": list(g.fractions), "inflation": g.inflation,
            "max_events_raw": d_max, "max_events": int(math.ceil(d_max - 1e-9)),
            "events_at_looks": looks, "z": list(g.z), "nominal_p_one_sided": list(g.nominal_p),
            "hr_boundaries": list(g.hr_boundaries(looks, args.ratio)),
            "alpha_spent": list(g.alpha_spent),
            "sample_size": _patients(args, d_max, args.hr),
        }
    return _clean(out)


def _fmt_n(n: dict[str, Any] | None) -> list[str]:
    if n is None:
        return []
    return [f"  P(event): experimental {n['probability_event_experimental']:.3f}, control "
            f"{n['probability_event_control']:.3f}, mean {n['probability_event']:.3f}",
            f"  N = {n['n_raw']:.2f} -> {n['n']} patients ({n['n_experimental']} experimental, "
            f"{n['n_control']} control)"]


def format_randomized(res: dict[str, Any], args: argparse.Namespace) -> str:
    i = res["inputs"]
    k = f"{i['ratio']:g}:1"
    head = (f"alpha = {i['alpha']:g} ({i['sided'].replace('_', '-')}), power = {i['power']:g}, "
            f"allocation {k} (experimental:control)")
    lines = [f"HR = {i['hr']:g}, {head}" if i["hr"] else head, ""]
    if "given_events" in res:
        lines.append(f"With {i['events']:g} events")
        for m, g in res["given_events"].items():
            power = (f"power at HR {i['hr']:g} = {g['power_at_hr']:.4f}; " if g["power_at_hr"]
                     is not None else "")
            det = "none" if g["detectable_hr"] is None else f"{g['detectable_hr']:.4f}"
            lines.append(f"  {m:<11} {power}HR detectable with power {i['power']:g} = {det}")
        lines.append("")
    if "events" not in res:
        return "\n".join(lines).rstrip()
    lines.append("Events for a log-rank test, one analysis")
    for m, d in res["events"].items():
        ref = "Schoenfeld (1983)" if m == "schoenfeld" else "Freedman (1982)"
        lines.append(f"  {ref:<18} {d['events_raw']:9.2f} -> {d['events']} events")
    if res["sample_size"]:
        lines += ["", f"Patients for Schoenfeld's events (uniform accrual {args.accrual:g}, "
                      f"follow-up {args.follow_up:g}, control median {args.median_control:g}, "
                      "exponential survival; Lachin and Foulkes 1986)"]
        lines += _fmt_n(res["sample_size"])
    g = res.get("group_sequential")
    if g:
        fr = ", ".join(f"{f:g}" for f in g["fractions"])
        spending = SPENDING_WORDS.get(g["spending"], g["spending"].replace("_", " "))
        lines += ["", f"Group-sequential design (Lan-DeMets {spending} spending, analyses at "
                      f"information {fr})",
                  f"  inflation of the maximum information R = {g['inflation']:.4f}: "
                  f"{g['max_events_raw']:.2f} -> {g['max_events']} events",
                  f"  {'look':>4} {'fraction':>8} {'events':>7} {'Z':>7} {'nominal P':>10} "
                  f"{'HR bound':>8} {'cum. alpha':>10}"]
        for j, f in enumerate(g["fractions"]):
            lines.append(f"  {j + 1:>4} {f:>8.3f} {g['events_at_looks'][j]:>7.1f} "
                         f"{g['z'][j]:>7.4f} {g['nominal_p_one_sided'][j]:>10.5f} "
                         f"{g['hr_boundaries'][j]:>8.4f} {g['alpha_spent'][j]:>10.5f}")
        lines += _fmt_n(g["sample_size"])
        lines.append("  (nominal P one-sided; HR bound: an observed HR at or below it stops "
                     "the trial for efficacy)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from trialrecon.cli import _design_two_arm as two

    if args.dossier is not None:
        res = two.compute_dossier(args.dossier)
        print(json.dumps(_clean(res), indent=2) if args.json else two.format_dossier(res))
        return 0
    two_arm = args.two_arm or args.sd is not None or (
        args.p0 is not None and args.p1 is not None and args.p1 < args.p0)
    if two_arm:
        res = two.compute_two_arm(args)
        print(json.dumps(_clean(res), indent=2) if args.json else two.format_two_arm(res))
        return 0
    args.sided = args.sided or "one_sided"
    single = args.p0 is not None or args.p1 is not None
    randomized = args.hr is not None or args.events is not None
    if single and randomized:
        raise ValueError("give --p0/--p1 (single-arm) or --hr/--events (randomized), not both")
    if randomized:
        res = compute_randomized(args)
        print(json.dumps(res, indent=2) if args.json else format_randomized(res, args))
        return 0
    if args.p0 is None or args.p1 is None:
        raise ValueError("give --p0 and --p1 (single-arm design) or --hr (randomized design)")
    res = compute(args)
    print(json.dumps(res, indent=2) if args.json else format_text(res))
    return 0
