"""``trialrecon km``: pseudo patient data from a digitized Kaplan-Meier curve (Guyot 2012)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from trialrecon.dossier.digitized import FORMATS, MAX_PATIENTS, read_clicks, read_nar
from trialrecon.dossier.safe_write import guard_output
from trialrecon.report.tables import write_data_table, write_table
from trialrecon.stats.curves import MONOTONE_METHODS, SCALES, GuyotOptions
from trialrecon.stats.guyot import format_report, reconstruct_arms

NAME = "km"
HELP = "rebuild pseudo patient data (time, event) from digitized Kaplan-Meier clicks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clicks", required=True, type=Path,
                        help="clicked points: tidy CSV (arm,time,survival), WebPlotDigitizer or "
                             "DigitizeIt export")
    parser.add_argument("--nar", type=Path,
                        help="numbers at risk: CSV with time,n_risk (and arm)")
    parser.add_argument("--n", action="append", default=[], metavar="[ARM=]N",
                        help="patients in the arm (repeat as ARM=N for several arms)")
    parser.add_argument("--events", action="append", default=[], metavar="[ARM=]E",
                        help="total events in the arm (repeat as ARM=E for several arms)")
    parser.add_argument("--scale", choices=SCALES, default=None,
                        help="y axis of the clicks (default probability, or the file's column)")
    parser.add_argument("--format", choices=FORMATS, default="auto", dest="fmt")
    parser.add_argument("--arm", default=None, help="arm name for a single-curve file")
    parser.add_argument("--monotone", choices=MONOTONE_METHODS, default="carry_forward")
    parser.add_argument("--intervals", type=Path, default=None,
                        help="also write the per-interval table (printed vs rebuilt) here")
    parser.add_argument("--out", required=True, type=Path, help="pseudo patient data CSV")


def _per_arm(values: list[str], arms: list[str], what: str) -> dict[str, int] | None:
    """``["134"]`` for one arm or ``["a=134", "b=69"]``; every arm named must exist."""
    if not values:
        return None
    out: dict[str, int] = {}
    lowest = 1 if what == "n" else 0
    for v in values:
        arm, _, num = v.rpartition("=")
        if not arm:
            if len(arms) == 1 and len(values) > 1:
                raise ValueError(f"--{what} is given {len(values)} times for a single curve")
            if len(arms) != 1:
                raise ValueError(f"--{what} {v}: several arms ({', '.join(arms)}); use ARM={v}")
            arm = arms[0]
        if arm not in arms:
            raise ValueError(f"--{what} {v}: no arm {arm!r} in the clicks ({', '.join(arms)})")
        if arm in out:
            raise ValueError(f"--{what} {v}: arm {arm!r} is given twice")
        if not num.strip().isascii() or not num.strip().isdigit():
            raise ValueError(f"--{what} {v}: {num!r} is not a whole number >= {lowest}")
        count = int(num)
        if count < lowest or count > MAX_PATIENTS:
            raise ValueError(f"--{what} {v}: {count} is not between {lowest} and "
                             f"{MAX_PATIENTS}")
        out[arm] = count
    return out


def _check_outputs(args: argparse.Namespace) -> None:
    """The outputs overwrite no input (clicks, numbers at risk, each other) and go into no
    dossier; compared after resolving ``..`` and links."""
    inputs = [args.clicks, args.nar]
    guard_output(args.out, inputs, what="pseudo patient data")
    if args.intervals:
        guard_output(args.intervals, [*inputs, args.out], what="interval table")


def run(args: argparse.Namespace) -> int:
    _check_outputs(args)
    clicks = read_clicks(args.clicks, scale=args.scale, fmt=args.fmt, arm=args.arm)
    nar = read_nar(args.nar, arm=args.arm) if args.nar else None
    arms = sorted(clicks["arm"].unique())
    results = reconstruct_arms(
        clicks, nar, _per_arm(args.n, arms, "n"), _per_arm(args.events, arms, "events"),
        GuyotOptions(monotone=args.monotone), source=str(args.clicks),
        nar_source=str(args.nar) if args.nar else "numbers at risk",
    )
    frames = []
    for arm, res in results.items():
        print(format_report(res))
        frames.append(res.ipd.assign(arm=arm) if arm else res.ipd)
    ipd = pd.concat(frames, ignore_index=True)
    if "arm" in ipd.columns:
        ipd = ipd[["arm", "time", "event"]]
    write_data_table(ipd, args.out)
    print(f"wrote {len(ipd)} rows to {args.out}")
    if args.intervals:
        table = pd.concat([r.intervals for r in results.values()], ignore_index=True)
        write_table(table, Path(args.intervals))
        print(f"wrote the interval table to {args.intervals}")
    return 0
