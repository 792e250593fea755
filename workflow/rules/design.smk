# Stage: design, power and proportion confidence intervals (trialrecon.stages.design).


rule design:
    input:
        "results/{trial}/dossier.csv",
    output:
        directory("results/{trial}/design"),
    log:
        "logs/design/{trial}.log",
    benchmark:
        "logs/benchmark/design/{trial}.tsv"
    conda:
        "../../environment.yml"
    params:
        dossier=lambda wildcards: f"{DOSSIER_DIR}/{wildcards.trial}",
        settings=config.get("design", {}),
        selection=config.get("selection", {}),
    script:
        "../scripts/design.py"


ALL_OUTPUTS.extend(expand("results/{trial}/design", trial=TRIALS))
