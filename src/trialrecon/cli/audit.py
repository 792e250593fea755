"""``trialrecon audit PAPER --out DIR``: from a paper to a provisional audit, in one command.

1. Reads the paper (PMC JATS XML, HTML, PDF, text) and drafts ``trial.yaml`` from it: title,
   registry number, the arms the table headers name (labels as printed, sizes in comments),
   one cohort, the primary endpoint the text names, the source with its citation and dates
   from the front matter; every guess is marked with a YAML comment
   (:mod:`trialrecon.dossier.draft.trialdraft`).
2. Drafts one row per printed number with those names (``values.draft.csv``: every column
   of the dossier plus ``confidence``, ``rule`` and ``needs_review``).
3. Validates the rows not flagged ``needs_review`` (every row with ``--all-rows``): the rows
   the dossier's rules or the transcription audit refuse are left out of the provisional
   dossier and listed, with the reason, in ``validation.txt``. Flagged rows stay out by
   default because a guessed label makes findings that are drafting errors (and a few
   dozen numbers under one wrong label make the reconciliation slow).
4. Writes the reconciliation (``reconciliation.html``, ``.md``, ``.csv``, ``.json``) and the
   review letter (``review_letter.md``) of the provisional dossier, each marked UNREVIEWED
   DRAFT, the letter opening with the rows that need review.

Everything goes under ``--out`` (the provisional dossier in ``DIR/<trial id>/``); nothing is
written beside the paper or into ``data/raw``. An ``--out`` that is the paper itself, a file,
or a folder inside an existing dossier of ``data/raw`` is refused. The reviewed dossier then
goes into ``data/raw/<trial>`` as described in ``data/raw/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from pathlib import Path

from trialrecon.cli import UserError
from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS, DossierError, validate_dossier
from trialrecon.dossier.audit import audit_dossier
from trialrecon.dossier.draft import SourceError, draft_document, read_document
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.front import front_matter
from trialrecon.dossier.draft.lexicon import names_of
from trialrecon.dossier.draft.output import assign_ids, to_csv
from trialrecon.dossier.draft.trialdraft import draft_trial, trial_dict
from trialrecon.dossier.paths import find_repo_root
from trialrecon.dossier.safe_write import atomic_write_text
from trialrecon.report.markdown import escape
from trialrecon.stages.reconcile import FILE_NAMES, write_reconciliation

NAME = "audit"
HELP = ("Draft trial.yaml and the values of a paper, validate them and write a provisional "
        "reconciliation and review letter (an unreviewed draft) under --out.")
BANNER = ("**UNREVIEWED DRAFT.** Every row was drafted by machine from the paper and no "
          "person has checked it; the findings below may come from drafting errors. Unless "
          "--all-rows was given, only the rows the drafter did not flag are reconciled. "
          "Review the rows listed first, then the trial.yaml guesses.")
MAX_ROUNDS = 20  # validation rounds: each removes the rows refused in the round before


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paper", metavar="PAPER",
                        help="the paper (.nxml or .xml from PubMed Central, .html, .pdf, .txt)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="folder for the drafted dossier, the reconciliation and the letter")
    parser.add_argument("--id", default=None, metavar="TRIAL_ID",
                        help="the trial id (default: from the paper's file name)")
    parser.add_argument("--all-rows", action="store_true",
                        help="reconcile every drafted row that validates, the rows flagged "
                             "needs_review included (default: only the unflagged rows, so "
                             "that the findings are not drafting errors)")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def check_out(paper: Path, out: Path) -> None:
    """Refuse an ``--out`` that is the paper, a file, or inside an existing raw dossier."""
    paper, target = paper.resolve(), out.resolve()
    if target == paper or target.is_file():
        raise UserError(f"--out {out} is a file (the paper or another); give a folder")
    try:
        root = find_repo_root(target if target.exists() else target.parent)
    except FileNotFoundError:
        return
    raw = (root / "data" / "raw").resolve()
    if _inside(target, raw):
        parts = target.relative_to(raw).parts
        if parts and (raw / parts[0] / "trial.yaml").is_file():
            raise UserError(f"--out {out} is inside the dossier data/raw/{parts[0]}; write the "
                            "draft elsewhere and copy the reviewed rows in")


def _trial_id(paper: Path, given: str | None) -> str:
    ident = given or re.sub(r"[^a-z0-9_-]+", "_", paper.stem.lower()).strip("_-")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", ident or ""):
        raise UserError(f"trial id '{ident}' must be lower-case letters, digits, '_' or '-'")
    return ident


def _values_csv(drafts: list[Draft]) -> str:
    columns = (*COLUMNS, *OPTIONAL_COLUMNS)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for d in drafts:
        writer.writerow({c: d.fields.get(c, "") for c in columns})
    return buf.getvalue()


def provisional(dossier: Path, drafts: list[Draft], sources: Path) -> tuple[list[Draft],
                                                                             list[str]]:
    """Write the rows that validate into ``dossier/values.csv``; (kept rows, problems)."""
    kept, lines = list(drafts), []
    for _ in range(MAX_ROUNDS):
        atomic_write_text(dossier / "values.csv", _values_csv(kept))
        problems = validate_dossier(dossier) + audit_dossier(dossier, sources)
        refused = {p.line for p in problems if p.line is not None and
                   p.file.endswith("values.csv")}
        lines.extend(str(p) for p in problems)
        if not problems:
            return kept, lines
        if not refused:
            raise UserError("the drafted trial.yaml does not validate: " + str(problems[0]))
        kept = [d for n, d in enumerate(kept, start=2) if n not in refused]
    raise UserError("validation did not settle; see validation.txt")


def _reasons(d: Draft) -> str:
    guesses = [r.removeprefix("guess: ") for r in d.rules if r.startswith("guess:")]
    return "; ".join(guesses) or "no rule labels it with confidence"


def review_first(drafts: list[Draft], left_out: set[str]) -> str:
    """The Markdown section listing the rows a reviewer should check first."""
    rows = [d for d in drafts if d.needs_review or d.fields["id"] in left_out]
    lines = [f"## Rows to review first ({len(rows)} of {len(drafts)})", "",
             "| id | location | anchor | quantity | why |", "|---|---|---|---|---|"]
    for d in rows:
        why = "left out: refused by validation" if d.fields["id"] in left_out else _reasons(d)
        lines.append("| " + " | ".join(escape(x) for x in (
            d.fields["id"], d.fields["location"], d.fields["anchor"],
            d.fields["quantity"] or "?", why)) + " |")
    return "\n".join(lines) + "\n"


def _mark_outputs(out: Path, first: str) -> None:
    letter = out / FILE_NAMES["letter"]
    atomic_write_text(letter, f"# UNREVIEWED DRAFT\n\n{BANNER}\n\n{first}\n---\n\n"
                      + letter.read_text(encoding="utf-8"))
    md = out / FILE_NAMES["md"]
    atomic_write_text(md, f"> {BANNER}\n\n" + md.read_text(encoding="utf-8"))
    page = out / FILE_NAMES["html"]
    html = page.read_text(encoding="utf-8")
    banner = ('<p role="alert" style="border:2px solid #b00;padding:.6em;margin:.6em">'
              '<strong>UNREVIEWED DRAFT.</strong> Drafted by machine from the paper; no person '
              'has checked the rows. See review_letter.md for the rows to review first.</p>')
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, html, count=1)
    atomic_write_text(page, html)


def run(args: argparse.Namespace) -> int:
    paper, out = Path(args.paper), Path(args.out)
    check_out(paper, out)
    trial_id = _trial_id(paper, args.id)
    try:
        document = read_document(paper)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    trial_text, guesses = draft_trial(paper, document, front_matter(paper, document), trial_id)
    names = names_of(trial_dict(trial_text))
    drafts = draft_document(document, names, "paper")
    if not drafts:
        raise UserError(f"{paper}: no numbers found in the text; nothing to draft")
    assign_ids(drafts)
    dossier = out / trial_id
    dossier.mkdir(parents=True, exist_ok=True)
    atomic_write_text(dossier / "trial.yaml", trial_text)
    atomic_write_text(out / "values.draft.csv", to_csv(drafts))
    candidates = drafts if args.all_rows else [d for d in drafts if not d.needs_review]
    kept, problems = provisional(dossier, candidates, paper.resolve().parent)
    atomic_write_text(out / "validation.txt", "\n".join(problems) + ("\n" if problems else ""))
    left_out = {d.fields["id"] for d in candidates} - {d.fields["id"] for d in kept}
    try:
        rec = write_reconciliation(dossier, {fmt: out / name for fmt, name in FILE_NAMES.items()})
    except DossierError as exc:
        raise UserError(f"the provisional dossier does not load ({exc.problems[0]})") from exc
    _mark_outputs(out, review_first(drafts, left_out))
    review = sum(d.needs_review for d in drafts)
    print(f"{trial_id}: {len(drafts)} rows drafted ({review} need review, {len(left_out)} left "
          f"out by validation); {len(guesses)} guesses in trial.yaml; {len(rec.causes)} causes "
          f"in the provisional reconciliation of {len(kept)} rows; everything in {out} "
          "(UNREVIEWED DRAFT)")
    return 0
