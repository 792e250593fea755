"""Execute one teaching notebook and render it to HTML (rule notebook)."""
# (not named notebook.py: the scripts folder is on sys.path, and nbconvert imports "notebook")

import sys
from pathlib import Path

from trialrecon.stages.notebooks import NotebookCellError, execute_notebook

with open(snakemake.log[0], "w", encoding="utf-8") as log:
    try:
        execute_notebook(Path(snakemake.input.notebook), Path(snakemake.output.ipynb),
                         Path(snakemake.output.html), dict(snakemake.params.parameters),
                         cwd=Path.cwd(), timeout=int(snakemake.params.timeout))
    except NotebookCellError as exc:
        log.write(f"{exc}\n")
        sys.stderr.write(f"{exc}\n")
        sys.exit(1)
