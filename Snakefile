# trialrecon: regenerate every result from the transcribed numbers in data/raw.
# Run from the repository root: snakemake --cores 4

from snakemake.utils import min_version, validate

from trialrecon.dossier.safe_yaml import load_file

min_version("9.0")

# The config is data a user edits: read it once with the bounded loader (no aliases, repeated
# keys or deep nesting) so a broken file stops here with its line, before Snakemake loads it.
load_file("config/config.yaml")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/dossier.smk"
include: "workflow/rules/design.smk"
include: "workflow/rules/km.smk"
include: "workflow/rules/reconcile.smk"
include: "workflow/rules/crosstrial.smk"
include: "workflow/rules/notebooks.smk"
# Stages added by later work go here, before report.smk.
include: "workflow/rules/report.smk"


rule all:
    input:
        ALL_OUTPUTS,
    default_target: True
