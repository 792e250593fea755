"""Writing small fictional dossiers for tests (imported by the test modules)."""

from __future__ import annotations

import csv
from pathlib import Path

from trialrecon.dossier import COLUMNS


def write_dossier(folder: Path, trial_yaml: str, rows: list[dict[str, str]]) -> Path:
    """Write ``trial.yaml`` and ``values.csv`` (rows keyed by the dossier columns) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trial.yaml").write_text(trial_yaml, encoding="utf-8")
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder
