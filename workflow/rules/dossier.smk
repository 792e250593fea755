# Stage 1: validate each dossier and write its tidy table.


rule dossier:
    input:
        dossier_files,
    output:
        table="results/{trial}/dossier.csv",
        summary="results/{trial}/validation.md",
    log:
        "logs/dossier/{trial}.log",
    benchmark:
        "logs/benchmark/dossier/{trial}.tsv"
    conda:
        "../../environment.yml"
    params:
        dossier=lambda wildcards: f"{DOSSIER_DIR}/{wildcards.trial}",
    script:
        "../scripts/dossier.py"


ALL_OUTPUTS.extend(expand("results/{trial}/dossier.csv", trial=TRIALS))
