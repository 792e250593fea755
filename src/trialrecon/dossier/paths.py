"""Where the dossiers are: the repository root, found from any folder inside it."""

from __future__ import annotations

import os
from pathlib import Path

# The folder whose presence marks the repository root (see find_repo_root).
ROOT_MARKER = Path("data") / "raw"
ROOT_VARIABLE = "TRIALRECON_ROOT"


def find_repo_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``data/raw``.

    ``start`` defaults to the environment variable ``TRIALRECON_ROOT``, else the working
    folder. The notebooks call it so they run unchanged from the repository root (the
    pipeline), from ``notebooks/`` (Jupyter), and, copied elsewhere, with ``repo_root`` set in
    their first cell or ``TRIALRECON_ROOT`` in the environment; the error says so.
    """
    if start is None:
        start = os.environ.get(ROOT_VARIABLE) or None
    here = (Path.cwd() if start is None else Path(start)).resolve()
    for folder in (here, *here.parents):
        if (folder / ROOT_MARKER).is_dir():
            return folder
    raise FileNotFoundError(
        f"no folder containing {ROOT_MARKER} at or above {here}: point the notebook at the "
        f"trialrecon repository with repo_root = \"/path/to/trialrecon\" in its first cell, "
        f"or set the environment variable {ROOT_VARIABLE}=/path/to/trialrecon before starting "
        "Jupyter")
