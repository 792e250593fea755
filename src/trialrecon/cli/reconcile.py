"""``trialrecon reconcile DOSSIER --out DIR [--fail-on LEVEL]``: the reconciliation report.

Exit status: 0 when the report was written (and, with ``--fail-on``, no cause at that level
or worse remains); 1 when ``--fail-on`` finds such a cause (causes triaged as false alarms
or explained do not count); 2 for bad input (no dossier folder, an invalid dossier or
triage file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from trialrecon.dossier import DossierError
from trialrecon.dossier.safe_write import enclosing_dossier, guard_output
from trialrecon.stages.reconcile import (
    FAIL_LEVELS,
    FILE_NAMES,
    failing_causes,
    write_reconciliation,
)

NAME = "reconcile"
HELP = "Check a dossier's numbers against each other and write the reconciliation report."
EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dossier", metavar="DOSSIER", help="a dossier folder, e.g. data/raw/talent")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="folder for reconciliation.html, .md, .csv, .json and the "
                             "review letter (review_letter.txt, plain text; review_letter.md)")
    parser.add_argument("--triage", metavar="FILE", default=None,
                        help="triage file (default: DOSSIER/triage.yaml when present)")
    parser.add_argument("--fail-on", choices=tuple(FAIL_LEVELS), default=None,
                        help="exit with status 1 when a cause of this severity or worse "
                             "remains (inconsistent: error or inconsistent; questionable: "
                             "also questionable); false alarms and explained causes of the "
                             "triage file do not count")
    parser.epilog = ("exit status: 0 report written; 1 --fail-on found a cause; 2 bad input")


def run(args: argparse.Namespace) -> int:
    if not Path(args.dossier).is_dir():
        raise ValueError(f"dossier folder not found: {args.dossier}")
    out = Path(args.out)
    if enclosing_dossier(out) is not None:
        raise ValueError(f"{out}: is inside the dossier {enclosing_dossier(out)}; write the "
                         "report outside it")
    outputs = {fmt: guard_output(out / name, [args.triage], what="report")
               for fmt, name in FILE_NAMES.items()}
    try:
        rec = write_reconciliation(args.dossier, outputs, args.triage)
    except DossierError as exc:
        raise ValueError(f"invalid dossier {args.dossier} ({len(exc.problems)} problem(s); "
                         f"run 'trialrecon validate {args.dossier}')") from exc
    counts = ", ".join(f"{n} {s}" for s, n in rec.cause_counts().items() if n) or "none"
    print(f"{rec.trial}: {len(rec.causes)} causes ({counts}) from "
          f"{sum(f.severity != 'consistent' for f in rec.findings)} flagged findings; "
          f"report in {out}")
    if args.fail_on:
        failing = failing_causes(rec, args.fail_on)
        if failing:
            print(f"--fail-on {args.fail_on}: {len(failing)} cause(s) at that level or worse: "
                  + ", ".join(failing))
            return EXIT_FAIL_ON
    return EXIT_OK
