# Stage: the teaching notebooks in notebooks/, executed with papermill (trialrecon.stages.notebooks).
# Each notebook is run from the repository root and written, with an HTML rendering, to
# results/notebooks/. A failing cell fails the job; the log and stderr show the cell.

NOTEBOOK_SETTINGS = config.get("notebooks", {})
NOTEBOOK_NAMES = list(
    NOTEBOOK_SETTINGS.get(
        "names",
        [
            "01_why_55_patients",
            "02_kaplan_meier",
            "03_hazard_ratios",
            "04_reading_critically",
            "05_events_phase3",
        ],
    )
)


# What each notebook reads, so it reruns when those change (the .ipynb itself is always an input).
NOTEBOOK_READS = {
    "01_why_55_patients": expand(
        "results/{trial}/dossier.csv", trial=configured_trials(["talent"])
    ),
    "02_kaplan_meier": [],
    "03_hazard_ratios": expand("results/{trial}/dossier.csv", trial=TRIALS),
    "04_reading_critically": expand(
        "results/{trial}/reconciliation.json", trial=configured_trials(["talent"])
    ),
    "05_events_phase3": expand(
        "results/{trial}/dossier.csv", trial=configured_trials(["cabinet", "a021202"])
    ),
}


rule notebook:
    input:
        notebook="notebooks/{name}.ipynb",
        reads=lambda wildcards: NOTEBOOK_READS.get(wildcards.name, []),
    output:
        ipynb="results/notebooks/{name}.ipynb",
        html="results/notebooks/{name}.html",
    log:
        "logs/notebooks/{name}.log",
    benchmark:
        "logs/benchmark/notebook/{name}.tsv"
    wildcard_constraints:
        name="|".join(NOTEBOOK_NAMES),
    conda:
        "../../environment.yml"
    params:
        parameters=lambda wildcards: NOTEBOOK_SETTINGS.get("parameters", {}).get(wildcards.name, {}),
        timeout=NOTEBOOK_SETTINGS.get("timeout", 600),
    script:
        "../scripts/run_notebook.py"


ALL_OUTPUTS.extend(
    expand("results/notebooks/{name}.{ext}", name=NOTEBOOK_NAMES, ext=["ipynb", "html"])
)
