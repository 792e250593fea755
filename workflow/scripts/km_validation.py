"""Validation of the Guyot reconstruction on lifelines data sets (rule km_validation)."""

from pathlib import Path

from trialrecon.stages.km.validation import write_km_validation

written = write_km_validation(Path(snakemake.output[0]), dict(snakemake.params.settings))
Path(snakemake.log[0]).write_text("".join(f"{p}\n" for p in written), encoding="utf-8")
