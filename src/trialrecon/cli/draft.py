"""``trialrecon draft SOURCE --trial TRIAL.yaml --source-id ID --out FILE``: a first dossier.

Reads a paper (PMC JATS XML, HTML, PDF, text or Markdown)
or, with ``--registry``, a ClinicalTrials.gov
record (API v2 JSON), and writes one draft row per printed number in the dossier's format
plus ``confidence``, ``rule`` and ``needs_review``. It never writes ``values.csv``: a person
reviews the draft and copies the rows into the dossier. ``--merge`` marks the rows the
dossier beside ``--trial`` already holds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trialrecon.cli import UserError
from trialrecon.dossier import safe_read
from trialrecon.dossier.audit import source_doc
from trialrecon.dossier.draft import SourceError, draft_source, read_names
from trialrecon.dossier.draft.output import assign_ids, merge, to_csv
from trialrecon.dossier.draft.registry import read_record, registry_rows
from trialrecon.dossier.loader import MAX_TRIAL_BYTES
from trialrecon.dossier.model import Problem
from trialrecon.dossier.safe_write import OutputRefused, atomic_write_text, guard_output
from trialrecon.dossier.trial_yaml import parse_trial

NAME = "draft"
HELP = ("Draft dossier rows from a paper (text, Markdown, HTML, PDF) or a registry record "
        "(--registry); the draft is for review, never values.csv.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE",
                        help="the paper (.nxml, .xml, .html, .pdf, .txt, .md) or"
                             ", with --registry, the "
                             "record (.json)")
    parser.add_argument("--trial", required=True, metavar="TRIAL_YAML",
                        help="the trial's trial.yaml (cohorts, arms and source ids)")
    parser.add_argument("--source-id", required=True, metavar="ID",
                        help="the source id of trial.yaml the rows belong to")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="the draft CSV to write (for example values.draft.csv)")
    parser.add_argument("--registry", action="store_true",
                        help="SOURCE is a ClinicalTrials.gov study record (API v2 JSON)")
    parser.add_argument("--merge", action="store_true",
                        help="mark the rows the dossier beside --trial already holds")


def _check_out(out: Path, args: argparse.Namespace) -> None:
    """The draft overwrites no input and goes into no dossier (both resolved: ``..`` and
    links cannot get round it)."""
    resolved = out.resolve()
    if resolved.name == "values.csv":
        raise UserError("the draft is never written as values.csv; name it values.draft.csv "
                        "or similar and copy the reviewed rows into the dossier")
    if resolved.name.startswith("values") and resolved.suffix == ".csv" and \
            (resolved.parent / "trial.yaml").is_file():
        raise UserError(f"{out} would be read as part of the dossier in {resolved.parent}; "
                        "write the draft outside the dossier folder")
    try:
        guard_output(out, (args.source, args.trial), what="draft")
    except OutputRefused as exc:
        raise UserError(str(exc)) from None


def _check_trial(path: str) -> None:
    """``--trial`` through the gate and the validator's trial.yaml rules (its folder name
    aside): a broken file is refused here with its line and key, never a traceback."""
    problems: list[Problem] = []
    try:
        text = safe_read.read_text(path, MAX_TRIAL_BYTES, follow_link=True)
    except safe_read.InputRefused as exc:
        raise UserError(str(exc)) from None
    parse_trial(Path(path), text, Path(path).parent.name, problems)
    problems = [p for p in problems if p.rule != "trial-id"]
    if problems:
        more = f" (and {len(problems) - 1} more; run trialrecon validate)" if len(problems) > 1 \
            else ""
        raise UserError(f"{problems[0]}{more}")


def _progress(done: int, total: int) -> None:
    if total >= 2000 and (done == total or done % max(1, total // 10) == 0):
        print(f"drafting: {100 * done // total}% of {total} text units", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _check_out(out, args)
    _check_trial(args.trial)
    names = read_names(args.trial)
    if names.sources and args.source_id not in names.sources:
        raise UserError(f"source id '{args.source_id}' is not in {args.trial} "
                        f"(it lists: {', '.join(names.sources)})")
    try:
        if args.registry:
            drafts = registry_rows(read_record(args.source), names, args.source_id)
            document = None
        else:
            document, drafts = draft_source(args.source, names, args.source_id, _progress)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    assign_ids(drafts)
    status = None
    if args.merge:
        if args.registry:
            raise UserError("--merge compares a paper's draft with the dossier; a registry "
                            "draft has no source text to place its rows in")
        dossier = Path(args.trial).parent
        assert document is not None
        doc = source_doc(Path(args.source), document)
        result = merge(doc, dossier, args.source_id, drafts)
        status = result.status
        print(f"{result.in_dossier} drafted rows already in {dossier}, {result.new} new; "
              f"{len(result.not_drafted)} rows of the dossier's source '{args.source_id}' "
              "not drafted")
    atomic_write_text(out, to_csv(drafts, status))  # a failure leaves the previous file
    review = sum(d.needs_review for d in drafts)
    print(f"{len(drafts)} draft rows ({review} need review) written to {out}")
    return 0
