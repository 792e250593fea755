"""Deterministic table output: the CSV twin of :func:`trialrecon.report.figures.save_figure`.

Every CSV a stage writes goes through :func:`write_table`, so all tables share one
float format (six significant digits, which hides floating-point noise between
machines) and Unix line endings, and the same inputs give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from trialrecon.report.files import atomic_write_text

FLOAT_FORMAT = "%.6g"


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """Write ``table`` to ``path`` as CSV (no index), creating the folder; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    atomic_write_text(path, text)
    return path
