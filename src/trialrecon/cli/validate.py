"""``trialrecon validate DOSSIER... [--sources DIR]``: check dossiers before running the pipeline.

Besides the dossier's own rules, every row whose source names its text in ``trial.yaml``
(``seed:`` or ``file:``) is audited against that text (:mod:`trialrecon.dossier.audit`).
"""

from __future__ import annotations

import argparse

from trialrecon.dossier import validate_dossier
from trialrecon.dossier.audit import audit_dossier, audited_sources

NAME = "validate"
HELP = "Check one or more dossiers (data/raw/<trial>) and list every problem."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dossiers", nargs="+", metavar="DOSSIER",
                        help="a dossier folder, for example data/raw/talent")
    parser.add_argument("--sources", metavar="DIR", default=None,
                        help="folder of the source texts named by 'seed:' and 'file:' in "
                             "trial.yaml (default: the shared seeds folder beside the "
                             "repository)")


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.dossiers:
        problems = validate_dossier(path) + audit_dossier(path, args.sources)
        for problem in problems:
            print(problem)
        audited = audited_sources(path, args.sources)
        checked = f" (anchors checked against sources {', '.join(audited)})" if audited else ""
        if problems:
            status = 1
            print(f"{path}: {len(problems)} problem(s){checked}")
        else:
            print(f"{path}: valid{checked}")
    return status
