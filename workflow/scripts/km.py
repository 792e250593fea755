"""Kaplan-Meier reconstructions of one trial (rule km)."""

from pathlib import Path

from trialrecon.dossier import load_dossier
from trialrecon.dossier.selection import Policy
from trialrecon.stages.km.stage import write_km_outputs

written = write_km_outputs(load_dossier(snakemake.params.dossier), Path(snakemake.output[0]),
                           dict(snakemake.params.settings),
                           Policy.from_settings(snakemake.params.selection))
Path(snakemake.log[0]).write_text("".join(f"{p}\n" for p in written), encoding="utf-8")
