"""``trialrecon digitize``: read a Kaplan-Meier figure into the dossier's curve files.

    trialrecon digitize paper.pdf --page 6 --out data/raw/<trial>/curves/
    trialrecon digitize figure.png --x-max 36 --nar nar.csv --out data/raw/<trial>/curves/

Writes ``<endpoint>_<cohort>.clicks.csv`` (and ``.nar.csv``) in ``--out`` and an overlay PNG of
what was read, drawn over the figure (``<endpoint>_<cohort>.overlay.png`` beside them, or
``--overlay``). What cannot be read is refused in one line (exit status 2). See
docs/digitizing.md.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from trialrecon.dossier import safe_read
from trialrecon.dossier.bounded import Budget, BudgetExceeded, run_bounded
from trialrecon.dossier.digitize.limits import DigitizeError
from trialrecon.dossier.digitized import read_nar
from trialrecon.dossier.loader import MAX_TRIAL_BYTES
from trialrecon.dossier.model import Problem
from trialrecon.dossier.safe_write import guard_output
from trialrecon.dossier.trial_yaml import parse_trial
from trialrecon.dossier.vocabulary import vocabulary

if TYPE_CHECKING:  # the reader (PDFium, Pillow) is imported when the command runs
    import pandas as pd

    from trialrecon.dossier.digitize.output import DossierArms

NAME = "digitize"
HELP = "read a Kaplan-Meier figure (PDF or image) into a dossier's curve files"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
BUDGET = Budget(seconds=55.0, memory=1536 * 1024**2)  # reading one figure (bounded.run_bounded)
TIME_UNITS = ("auto", "months", "weeks", "days", "years", "as-read")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("figure", type=Path, help="a PDF (vector figure, or an image in it), "
                                                  "PNG or JPEG")
    parser.add_argument("--out", required=True, type=Path,
                        help="the dossier's curves folder (data/raw/<trial>/curves/)")
    parser.add_argument("--page", type=int, help="PDF page (1-based); default: search all")
    parser.add_argument("--figure", type=int, dest="figure_no",
                        help="which figure of the page (1-based, top to bottom)")
    parser.add_argument("--endpoint", help="endpoint id of the file names (default: from the "
                                           "y axis title)")
    parser.add_argument("--cohort", help="cohort id of the file names (default: the dossier's "
                                         "only cohort, else 'all')")
    parser.add_argument("--arm", action="append", default=[], metavar="CURVE=ID",
                        help="name a curve's arm; CURVE is its legend text, number or colour "
                             "name (repeat)")
    parser.add_argument("--nar", type=Path, help="numbers at risk CSV (arm,time,n_risk) for an "
                                                 "image, or to replace the table read")
    parser.add_argument("--x-min", type=float, default=0.0, help="image: value at the first x "
                                                                 "tick (default 0)")
    parser.add_argument("--x-max", type=float, help="image: value at the last x tick")
    parser.add_argument("--y-min", type=float, default=0.0, help="image: value at the lowest y "
                                                                 "tick (default 0)")
    parser.add_argument("--y-max", type=float, default=1.0,
                        help="image: value at the top y tick (default 1; 100 for percent)")
    parser.add_argument("--time-unit", choices=TIME_UNITS, default="auto",
                        help="unit of the x axis; the files are in months (default: from the "
                             "axis title)")
    parser.add_argument("--overlay", type=Path, help="where to write the overlay PNG")
    parser.add_argument("--force", action="store_true", help="replace existing files")


def _dossier(out: Path) -> DossierArms | None:
    """Arms, cohorts and endpoints of the trial.yaml beside the curves folder, if it parses."""
    from trialrecon.dossier.digitize.output import DossierArms

    path = out.parent / "trial.yaml"
    if not path.is_file() or path.is_symlink():
        return None
    try:
        text = safe_read.read_text(path, MAX_TRIAL_BYTES, within=out.parent)
    except safe_read.InputRefused as exc:
        raise DigitizeError(str(exc)) from None
    problems: list[Problem] = []
    trial = parse_trial(path, text, out.parent.name, problems)
    if trial is None:
        return None
    vocab = vocabulary(trial.endpoints)
    return DossierArms(tuple((a.id, a.label) for a in trial.arms),
                       tuple(c.id for c in trial.cohorts), tuple(vocab.endpoints))


def _endpoint(given: str | None, y_title: str, dossier: DossierArms | None) -> str:
    if given:
        endpoint = given
    else:
        vocab = vocabulary()
        # letters only: a title read from rotated text may have lost or gained spaces
        text = re.sub(r"[^a-z]", "", y_title.lower())
        hits = [e for e in vocab.endpoints if re.sub(r"[^a-z]", "", _label(e).lower()) in text]
        if not hits:
            raise DigitizeError("the endpoint cannot be told from the figure"
                                + (f" (y axis: '{y_title}')" if y_title else "")
                                + "; give --endpoint (pfs, os, dor, ...)")
        endpoint = max(hits, key=lambda e: len(_label(e)))
    known = dossier.endpoints if dossier else vocabulary().endpoints
    if endpoint not in known or not _ID.match(endpoint):
        raise DigitizeError(f"--endpoint {endpoint}: not an endpoint id ({', '.join(known)})")
    return endpoint


def _label(endpoint: str) -> str:
    from trialrecon.dossier.vocabulary import _raw

    return str(_raw()["endpoints"].get(endpoint, endpoint))


def _cohort(given: str | None, dossier: DossierArms | None) -> str:
    if given:
        if not _ID.match(given) or (dossier and given not in dossier.cohorts):
            known = f" ({', '.join(dossier.cohorts)})" if dossier else ""
            raise DigitizeError(f"--cohort {given}: not a cohort id of the dossier{known}")
        return given
    if dossier is None:
        return "all"
    if len(dossier.cohorts) == 1:
        return dossier.cohorts[0]
    raise DigitizeError(f"the dossier has cohorts {', '.join(dossier.cohorts)}; give --cohort")


def _given_arms(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        key, sep, arm = v.rpartition("=")
        if not sep or not key or not _ID.match(arm):
            raise DigitizeError(f"--arm {v}: write CURVE=ID with an id of letters, digits, "
                                "'_' or '-'")
        out[key] = arm
    return out


def run(args: argparse.Namespace) -> int:
    """Refusals (DigitizeError, CurveInputError: ValueErrors) reach the CLI's one-line handler;
    anything else a hostile file provokes is also one line, never a traceback."""
    try:
        return _run(args)
    except (ValueError, OSError):
        raise
    except Exception as exc:  # noqa: BLE001 - a broken file must not print a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise DigitizeError(f"{args.figure}: could not be read ({type(exc).__name__}"
                            f"{': ' + first[:200] if first else ''})") from None


def _run(args: argparse.Namespace) -> int:
    from trialrecon.dossier.digitize import RasterOptions, ReadOptions, read_figure
    from trialrecon.dossier.digitize.output import (
        arm_names,
        clicks_table,
        time_factor,
        write_curve_files,
    )
    from trialrecon.dossier.digitized import read_clicks

    raster = RasterOptions(args.x_min, args.x_max, args.y_min, args.y_max)
    # PDFium and Pillow run in a child process held to a memory and time budget: a
    # decompression bomb or a file that sends the engine round in circles is one line
    try:
        reading = run_bounded(read_figure, args.figure,
                              ReadOptions(args.page, args.figure_no, raster), budget=BUDGET,
                              what=f"{args.figure}: reading the figure")
    except BudgetExceeded as exc:
        raise DigitizeError(str(exc)) from None
    fig = reading.figure
    dossier = _dossier(args.out)
    stem = f"{_endpoint(args.endpoint, fig.y_title, dossier)}_{_cohort(args.cohort, dossier)}"
    overlay = args.overlay or args.out / f"{stem}.overlay.png"
    inputs = [args.figure, args.nar]
    for target in (overlay, args.out / f"{stem}.clicks.csv", args.out / f"{stem}.nar.csv"):
        guard_output(target, inputs, dossier_ok=True, what="curve file")  # never over an input
    where = f"page {fig.page} " if fig.page else ""
    print(f"read the {fig.kind} figure {where}of {args.figure}: {fig.scale_note}")
    given = _given_arms(args.arm)
    try:
        names, notes = arm_names(fig, given, dossier)
    except DigitizeError:
        _overlay(reading, overlay, [c.label or c.name or str(i + 1)
                                    for i, c in enumerate(fig.curves)], args.force)
        raise
    _overlay(reading, overlay, names, args.force)
    if fig.ambiguous and (fig.kind == "raster" or len(given) < len(fig.curves)):
        raise DigitizeError(f"{fig.ambiguous}; see {overlay}" + (
            "" if fig.kind == "raster" else ", then name every curve with --arm N=ID"))
    factor, unit_note = time_factor(args.time_unit, fig.x_title)
    clicks = clicks_table(fig, names, factor)
    nar = _nar(args.nar, fig, names, factor)
    paths = write_curve_files(args.out, stem, clicks, nar, args.force)
    read_clicks(paths[0])  # the pipeline's own readers accept what was written
    if nar is not None:
        read_nar(paths[1])
    for i, (c, name) in enumerate(zip(fig.curves, names, strict=True), start=1):
        label = f" '{c.label}'" if c.label else ""
        print(f"  curve {i}{label} ({c.style_text or c.name}) -> arm {name}: "
              f"{len(c.time)} corners, {len(c.censor_time)} censor marks")
    for line in [unit_note, *notes, *fig.notes]:
        print(f"  note: {line}")
    if nar is None:
        print("  note: no numbers at risk (give --nar arm,time,n_risk for an image)")
    print("wrote " + ", ".join(str(p) for p in paths) + f" and {overlay}")
    return 0


def _overlay(reading, path: Path, names: list[str], force: bool) -> None:
    from trialrecon.dossier.digitize.overlay import draw_overlay

    if path.is_symlink():
        raise DigitizeError(f"{path}: is a symbolic link; not written")
    if path.exists() and not force:
        raise DigitizeError(f"{path}: already exists (give --force to replace it)")
    draw_overlay(reading.figure, reading.background, reading.scale, reading.offset, path, names)


def _nar(path: Path | None, fig, names: list[str], factor: float) -> pd.DataFrame | None:
    from trialrecon.dossier.digitize.output import nar_table

    if path is None:
        return nar_table(fig, names, factor)
    nar = read_nar(path)
    if len(names) == 1 and set(nar["arm"]) == {""}:
        nar["arm"] = names[0]
    unknown = sorted(set(nar["arm"]) - set(names))
    if unknown:
        raise DigitizeError(f"{path}: arm(s) {', '.join(unknown)} are not curves read "
                            f"({', '.join(names)}); use the same names or --arm")
    return nar[["arm", "time", "n_risk"]].assign(time=nar["time"] * factor)
