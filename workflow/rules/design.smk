# Stage: design, power and proportion confidence intervals (trialrecon.stages.design).


rule design:
    input:
        "results/{trial}/dossier.csv",
    output:
        directory("results/{trial}/design"),
    params:
        dossier=lambda wildcards: f"{DOSSIER_DIR}/{wildcards.trial}",
        settings=config.get("design", {}),
        selection=config.get("selection", {}),
    log:
        "logs/design/{trial}.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/design.py"


ALL_OUTPUTS.extend(expand("results/{trial}/design", trial=TRIALS))
