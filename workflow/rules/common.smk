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


def curve_files(wildcards):
    """Digitized curves of a dossier (data/raw/<trial>/curves/), when there are any."""
    folder = Path(DOSSIER_DIR) / wildcards.trial / "curves"
    return sorted(str(p) for p in folder.glob("*.csv")) if folder.is_dir() else []


def configured_trials(trials):
    """Only trials of the config: a notebook never asks for a dossier that is not processed."""
    return [t for t in trials if t in TRIALS]
