"""Deterministic table output: the CSV twin of :func:`trialrecon.report.figures.save_figure`.

Every CSV a stage writes goes through :func:`write_table` or :func:`write_data_table`, with
Unix line endings, so the same inputs give the same bytes. Tables meant for reading (summaries,
comparisons) share one float format, six significant digits; tables that *are* data (pseudo
patient times, rebuilt curves and bands) keep every float at its shortest round-trip
representation, so reading the file back gives exactly the numbers in memory: a time of
15.138571428571428 stays that, where six digits would move an event past its click. Text
cells a spreadsheet would run as a formula are neutralised
(:func:`trialrecon.dossier.safe_write.cell`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from trialrecon.dossier.safe_write import frame_csv
from trialrecon.report.files import atomic_write_text

FLOAT_FORMAT = "%.6g"


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """Write a table for reading to ``path`` as CSV (no index, six significant digits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, frame_csv(table, FLOAT_FORMAT))
    return path


def write_data_table(table: pd.DataFrame, path: Path) -> Path:
    """Write a table of data to ``path`` as CSV, floats as their shortest round-trip text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, frame_csv(table))
    return path
