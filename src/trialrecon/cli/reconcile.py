"""``trialrecon reconcile DOSSIER --out DIR``: the reconciliation report of one dossier."""

from __future__ import annotations

import argparse
from pathlib import Path

from trialrecon.dossier import DossierError
from trialrecon.stages.reconcile import write_reconciliation

NAME = "reconcile"
HELP = "Check a dossier's numbers against each other and write the reconciliation report."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dossier", metavar="DOSSIER", help="a dossier folder, e.g. data/raw/talent")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="folder for reconciliation.html, .md, .csv and .json")
    parser.add_argument("--triage", metavar="FILE", default=None,
                        help="triage file (default: DOSSIER/triage.yaml when present)")


def run(args: argparse.Namespace) -> int:
    if not Path(args.dossier).is_dir():
        raise ValueError(f"dossier folder not found: {args.dossier}")
    out = Path(args.out)
    outputs = {fmt: out / f"reconciliation.{fmt}" for fmt in ("html", "md", "csv", "json")}
    try:
        rec = write_reconciliation(args.dossier, outputs, args.triage)
    except DossierError as exc:
        raise ValueError(f"invalid dossier {args.dossier} ({len(exc.problems)} problem(s); "
                         f"run 'trialrecon validate {args.dossier}')") from exc
    counts = ", ".join(f"{n} {s}" for s, n in rec.counts_by_severity().items() if n)
    print(f"{rec.trial}: {len(rec.findings)} findings ({counts}); report in {out}")
    return 0
