"""Writing output files so that a reader never sees half a file, with ordinary permissions."""

from __future__ import annotations

from pathlib import Path

from trialrecon.dossier import safe_write

FILE_MODE = safe_write.FILE_MODE


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (mode 0644);
    a failure leaves the previous file (:func:`trialrecon.dossier.safe_write.atomic_write_text`)."""
    safe_write.atomic_write_text(path, text)


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
