"""Write the index page of a run (rule report)."""

from pathlib import Path

from trialrecon.stages.report import build_index

build_index(Path("results"), Path(snakemake.params.dossier_dir), list(snakemake.params.trials),
            Path(snakemake.output[0]))
