"""``trialrecon validate DOSSIER...``: check dossiers before running the pipeline."""

from __future__ import annotations

import argparse

from trialrecon.dossier import validate_dossier

NAME = "validate"
HELP = "Check one or more dossiers (data/raw/<trial>) and list every problem."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dossiers", nargs="+", metavar="DOSSIER",
                        help="a dossier folder, for example data/raw/talent")


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.dossiers:
        problems = validate_dossier(path)
        for problem in problems:
            print(problem)
        if problems:
            status = 1
            print(f"{path}: {len(problems)} problem(s)")
        else:
            print(f"{path}: valid")
    return status
