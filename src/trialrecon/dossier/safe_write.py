"""Writing files safely: never over an input or into a dossier, atomically, CSV cells inert.

Three rules for every file the project writes (the drafts, the curve files, the stages'
tables and reports, the command line's outputs):

1. **Never over an input, never into a dossier unless asked.** :func:`guard_output` compares
   the output with the inputs after resolving both (``..``, links), so ``--out`` equal to the
   paper, ``trial.yaml`` or the clicks file, or written as ``data/raw/x/sub/../values_x.csv``,
   is refused; a path inside a dossier (a folder holding ``trial.yaml``) is refused unless
   the command's purpose is to write there (the digitizer's ``curves/``).
2. **Atomically.** :func:`atomic_write_text` writes a temporary file in the same folder and
   renames it over the target, so a reader never sees half a file and a failure (a full
   disk, a crash) leaves the previous file as it was.
3. **CSV cells a spreadsheet would execute are neutralised** (:func:`cell`): a text cell
   that starts with ``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab or a
   carriage return gets a leading apostrophe, which Excel, LibreOffice and Google Sheets
   show as text instead of running ``=cmd|' /C calc'!A0``. Numbers are never touched: a
   number written as text (``-0.5``, ``+3``, ``-1.2e-3``) stays as it is, and so does a
   lone ``-`` or ``+`` (a placeholder, not a formula). Every CSV writer of the project goes
   through :func:`csv_text` or :func:`frame_csv`.

Part of the input layer (the lowest one that writes files): imports nothing from the project.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FILE_MODE = 0o644
# What a spreadsheet reads as the start of a formula (ASCII and full-width forms).
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class OutputRefused(ValueError):
    """An output path that would overwrite an input or write into a dossier."""


def cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet executes: a formula-like text gets a ``'``."""
    if not isinstance(value, str) or not value or value[0] not in _FORMULA_START:
        return value
    if value in ("-", "+") or _NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_text(header: Sequence[str] | None, rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (Unix line ends) of ``header`` and ``rows``, every text cell through
    :func:`cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header is not None:
        writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buf.getvalue()


def frame_csv(table: pd.DataFrame, float_format: str | None = None) -> str:
    """A table as CSV text (no index, Unix line ends), its text cells through :func:`cell`."""
    safe = table.copy()
    for col in safe.columns:
        if safe[col].dtype == object:
            safe[col] = safe[col].map(cell)
    safe.columns = [cell(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, float_format=float_format, lineterminator="\n")


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder.

    ``mkstemp`` creates the temporary file (never following a link) readable by its owner
    only; it is given :data:`FILE_MODE` before it replaces ``path``, so outputs are 0644. On
    any failure the temporary file is removed and ``path`` keeps its previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def enclosing_dossier(path: str | Path) -> Path | None:
    """The dossier folder (one holding ``trial.yaml``) that ``path`` is in or is, if any."""
    here = Path(path).resolve()
    for folder in (here, *here.parents):
        if (folder / "trial.yaml").is_file():
            return folder
    return None


def guard_output(path: str | Path, inputs: Iterable[str | Path] = (), *,
                 dossier_ok: bool = False, what: str = "output") -> Path:
    """``path`` resolved, when writing it overwrites no input and (unless ``dossier_ok``)
    puts nothing into a dossier; else :class:`OutputRefused` saying why, in one line."""
    target = Path(path).resolve()
    if target.is_dir():
        raise OutputRefused(f"{path}: is a folder; give a file name for the {what}")
    for given in inputs:
        if given is None:
            continue
        source = Path(given)
        same = target == source.resolve()
        try:
            same = same or (target.exists() and os.path.samefile(target, source))
        except OSError:
            pass
        if same:
            raise OutputRefused(f"{path}: is the input {given}; the {what} would overwrite it")
    dossier = enclosing_dossier(target.parent)
    if dossier is not None and not dossier_ok:
        raise OutputRefused(f"{path}: is inside the dossier {dossier}; write the {what} outside "
                            "it (a dossier holds only what a person reviewed)")
    return target
