# Stage: figures and tables across trials (trialrecon.stages.crosstrial): primary-endpoint hazard
# ratios by setting, subgroup forest plots, response and grade >= 3 adverse-event rates.


rule crosstrial:
    input:
        expand("results/{trial}/dossier.csv", trial=TRIALS),
    output:
        directory("results/crosstrial"),
    log:
        "logs/crosstrial.log",
    benchmark:
        "logs/benchmark/crosstrial.tsv"
    conda:
        "../../environment.yml"
    params:
        dossiers=[f"{DOSSIER_DIR}/{trial}" for trial in TRIALS],
        settings=config.get("crosstrial", {}),
        selection=config.get("selection", {}),
    script:
        "../scripts/crosstrial.py"


ALL_OUTPUTS.append("results/crosstrial")
