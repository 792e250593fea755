"""Writing output files so that a reader never sees half a file, with ordinary permissions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def default_mode() -> int:
    """The mode ``open()`` would give a new file: 0o666 less the umask (0o644 under 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder.

    ``mkstemp`` creates the temporary file readable by its owner only; it is given the mode
    an ordinary file would have before it replaces ``path``, so outputs are not 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
