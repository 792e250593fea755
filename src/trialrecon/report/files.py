"""Writing output files so that a reader never sees half a file, with ordinary permissions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder.

    ``mkstemp`` creates the temporary file readable by its owner only; it is given
    :data:`FILE_MODE` before it replaces ``path``, so outputs are not 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        # mkstemp makes the file private (0600); every output has one mode, 0644
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OutsideOutputFolder(ValueError):
    """A file name that would land outside the stage's output folder."""


def inside(root: Path, *parts: str) -> Path:
    """``root / parts``, resolved, refusing any path outside ``root``.

    Every output file a stage names from data goes through here, so a ``..``, an absolute
    part or a link inside the folder can never make a stage write elsewhere.
    """
    base = Path(root).resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise OutsideOutputFolder(f"refusing to write {target}: outside {base}")
    return target
