"""The reconciliation stage: run the checks on a dossier and write the report's four files."""

from __future__ import annotations

from pathlib import Path

from trialrecon.checks import Reconciliation, run_checks
from trialrecon.checks.findings import load_triage
from trialrecon.dossier import load_dossier
from trialrecon.report.files import atomic_write_text
from trialrecon.report.reconciliation import render_csv, render_html, render_json, render_markdown


def write_reconciliation(dossier_dir: str | Path, outputs: dict[str, str | Path],
                         triage_path: str | Path | None = None) -> Reconciliation:
    """Run the checks on a dossier and write the outputs named in ``outputs``.

    ``outputs`` maps a format (``html``, ``md``, ``csv``, ``json``) to a path. The triage file
    defaults to ``<dossier>/triage.yaml`` when present.
    """
    dossier = load_dossier(dossier_dir)
    named = triage_path is not None  # a file the user named must exist
    if triage_path is None:
        triage_path = Path(dossier_dir) / "triage.yaml"
    rec = run_checks(dossier, load_triage(triage_path, required=named))
    renderers = {"html": render_html, "md": render_markdown, "csv": render_csv,
                 "json": render_json}
    unknown = set(outputs) - set(renderers)
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(sorted(unknown))}")
    for fmt, path in outputs.items():
        atomic_write_text(Path(path), renderers[fmt](rec))
    return rec
