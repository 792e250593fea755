"""Validate a dossier and write its tidy table (rule dossier)."""

import sys

from trialrecon.dossier import DossierError
from trialrecon.stages.dossier import write_dossier_outputs

with open(snakemake.log[0], "w", encoding="utf-8") as log:
    try:
        write_dossier_outputs(snakemake.params.dossier, snakemake.output.table,
                              snakemake.output.summary)
    except DossierError as exc:
        message = f"invalid dossier {snakemake.params.dossier}:\n{exc}\n"
        log.write(message)
        sys.stderr.write(message)
        sys.exit(1)
