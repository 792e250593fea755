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
from trialrecon.dossier.audit import source_doc
from trialrecon.dossier.draft import SourceError, draft_source, read_names
from trialrecon.dossier.draft.output import assign_ids, merge, to_csv
from trialrecon.dossier.draft.registry import read_record, registry_rows

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


def _check_out(out: Path) -> None:
    if out.name == "values.csv":
        raise UserError("the draft is never written as values.csv; name it values.draft.csv "
                        "or similar and copy the reviewed rows into the dossier")
    if out.name.startswith("values") and out.suffix == ".csv" and \
            (out.parent / "trial.yaml").is_file():
        raise UserError(f"{out} would be read as part of the dossier in {out.parent}; "
                        "write the draft outside the dossier folder")


def _progress(done: int, total: int) -> None:
    if total >= 2000 and (done == total or done % max(1, total // 10) == 0):
        print(f"drafting: {100 * done // total}% of {total} text units", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _check_out(out)
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
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_csv(drafts, status), encoding="utf-8")
    review = sum(d.needs_review for d in drafts)
    print(f"{len(drafts)} draft rows ({review} need review) written to {out}")
    return 0
