"""The reconciliation stage: run the checks on a dossier and write the report's files."""

from __future__ import annotations

from pathlib import Path

from trialrecon.checks import Reconciliation, run_checks
from trialrecon.checks.findings import load_triage
from trialrecon.dossier import load_dossier
from trialrecon.report.files import atomic_write_text
from trialrecon.report.letter import render_letter, render_text_letter
from trialrecon.report.reconciliation import render_csv, render_html, render_json, render_markdown

FORMATS: tuple[str, ...] = ("html", "md", "csv", "json", "letter", "letter_text")
FILE_NAMES: dict[str, str] = {
    "html": "reconciliation.html", "md": "reconciliation.md", "csv": "reconciliation.csv",
    "json": "reconciliation.json", "letter": "review_letter.md",
    "letter_text": "review_letter.txt",
}
# Which causes make ``trialrecon reconcile --fail-on`` fail: the level and every worse one.
FAIL_LEVELS: dict[str, tuple[str, ...]] = {
    "error": ("error",),
    "inconsistent": ("error", "inconsistent"),
    "questionable": ("error", "inconsistent", "questionable"),
}


def write_reconciliation(dossier_dir: str | Path, outputs: dict[str, str | Path],
                         triage_path: str | Path | None = None) -> Reconciliation:
    """Run the checks on a dossier and write the outputs named in ``outputs``.

    ``outputs`` maps a format (``html``, ``md``, ``csv``, ``json``, ``letter``: the review
    letter) to a path. The triage file defaults to ``<dossier>/triage.yaml`` when present.
    """
    unknown = set(outputs) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(sorted(unknown))}")
    dossier = load_dossier(dossier_dir)
    named = triage_path is not None  # a file the user named must exist
    if triage_path is None:
        triage_path = Path(dossier_dir) / "triage.yaml"
    rec = run_checks(dossier, load_triage(triage_path, required=named))
    citations = [s.citation for s in dossier.trial.sources if s.kind != "registry"]
    letter = render_letter(rec, citations, dossier.trial)
    text = render_text_letter(rec, citations, dossier.trial)
    renderers = {"html": lambda r: render_html(r, text, dossier.trial), "md": render_markdown,
                 "csv": render_csv, "json": render_json, "letter": lambda r: letter,
                 "letter_text": lambda r: text}
    for fmt, path in outputs.items():
        atomic_write_text(Path(path), renderers[fmt](rec))
    return rec


def failing_causes(rec: Reconciliation, fail_on: str) -> list[str]:
    """Ids of the causes at ``fail_on`` or worse that no triage calls a false alarm."""
    levels = FAIL_LEVELS[fail_on]
    return [c.id for c in rec.causes if c.severity in levels
            and (c.triage or {}).get("verdict") not in ("false_alarm", "explained")]
