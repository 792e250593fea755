"""The dossier stage of the pipeline: validate a dossier and write its tidy table.

Outputs are written to temporary files and renamed into place only when the
dossier is valid, so an invalid dossier leaves nothing half-written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from trialrecon.dossier import Dossier, load_dossier, tidy_table
from trialrecon.dossier.safe_write import frame_csv
from trialrecon.report.files import atomic_write_text
from trialrecon.report.markdown import escape


def validation_summary(dossier: Dossier) -> str:
    """A short Markdown summary of what the dossier holds."""
    values = dossier.values
    trial = dossier.trial
    lines = [
        f"# Dossier `{trial.id}`: {escape(trial.title)}",
        "",
        f"Valid: {len(values)} values in {values['file'].nunique()} file(s), "
        f"{len(trial.sources)} source(s), {len(trial.cohorts)} cohort(s), "
        f"{len(trial.arms)} arm(s).",
        "",
        "| source | location | values |",
        "|---|---|---:|",
    ]
    counts = values.groupby(["source", "location"], sort=True).size()
    lines += [f"| {escape(s)} | {escape(loc)} | {n} |" for (s, loc), n in counts.items()]
    markers = values.loc[values["marker"] != "", "marker"].value_counts().sort_index()
    if len(markers):
        lines += ["", "Markers: " + ", ".join(f"{m} ({n})" for m, n in markers.items())]
    return "\n".join(lines) + "\n"


def write_dossier_outputs(dossier_dir: str | Path, table_path: str | Path,
                          summary_path: str | Path) -> None:
    """Validate ``dossier_dir``; write the tidy CSV and the summary, or raise DossierError."""
    dossier = load_dossier(dossier_dir)
    table: pd.DataFrame = tidy_table(dossier)
    atomic_write_text(Path(table_path), frame_csv(table))
    atomic_write_text(Path(summary_path), validation_summary(dossier))
