# Stage: approximate Kaplan-Meier curves (trialrecon.stages.km) and their validation
# on lifelines data sets with known patient data (trialrecon.stages.km.validation).


rule km:
    input:
        table="results/{trial}/dossier.csv",
        curves=curve_files,
    output:
        directory("results/{trial}/km"),
    log:
        "logs/km/{trial}.log",
    benchmark:
        "logs/benchmark/km/{trial}.tsv"
    conda:
        "../../environment.yml"
    params:
        dossier=lambda wildcards: f"{DOSSIER_DIR}/{wildcards.trial}",
        settings={k: v for k, v in config.get("km", {}).items() if k != "validation"},
        selection=config.get("selection", {}),
    script:
        "../scripts/km.py"


rule km_validation:
    output:
        directory("results/validation/km"),
    log:
        "logs/km/validation.log",
    benchmark:
        "logs/benchmark/km_validation.tsv"
    conda:
        "../../environment.yml"
    params:
        settings=config.get("km", {}).get("validation", {}),
    script:
        "../scripts/km_validation.py"


ALL_OUTPUTS.extend(expand("results/{trial}/km", trial=TRIALS))
ALL_OUTPUTS.append("results/validation/km")
