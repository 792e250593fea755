"""Where the dossiers are: the repository root, found from any folder inside it."""

from __future__ import annotations

from pathlib import Path

# The folder whose presence marks the repository root (see find_repo_root).
ROOT_MARKER = Path("data") / "raw"


def find_repo_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the cwd) that holds ``data/raw``.

    The notebooks call it so they run unchanged from the repository root (the pipeline) and
    from ``notebooks/`` (Jupyter).
    """
    here = Path.cwd() if start is None else Path(start)
    here = here.resolve()
    for folder in (here, *here.parents):
        if (folder / ROOT_MARKER).is_dir():
            return folder
    raise FileNotFoundError(f"no folder containing {ROOT_MARKER} at or above {here}")
