# Shared definitions: the trials to process and the final outputs of every stage.

from pathlib import Path

TRIALS = list(config["trials"])
DOSSIER_DIR = config.get("dossier_dir", "data/raw")

# Each stage's .smk file appends its final outputs here; rule all asks for them.
ALL_OUTPUTS = []


def dossier_files(wildcards):
    """Every input file of a dossier, so a changed value reruns the stages."""
    folder = Path(DOSSIER_DIR) / wildcards.trial
    return sorted(str(p) for p in folder.rglob("*") if p.is_file())
