"""Cross-trial tables, forest plots and rate figures of every configured trial (rule crosstrial)."""

from pathlib import Path

from trialrecon.dossier import load_dossier
from trialrecon.dossier.selection import Policy
from trialrecon.stages.crosstrial.stage import write_crosstrial_outputs

written = write_crosstrial_outputs([load_dossier(p) for p in snakemake.params.dossiers],
                                   Path(snakemake.output[0]), dict(snakemake.params.settings),
                                   Policy.from_settings(snakemake.params.selection))
Path(snakemake.log[0]).write_text("".join(f"{p}\n" for p in written), encoding="utf-8")
