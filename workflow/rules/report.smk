# Last stage: the single entry page that ties every output together.
# Included last, so ALL_OUTPUTS already lists what every other stage writes.

REPORT_INPUTS = list(ALL_OUTPUTS)


rule report:
    input:
        REPORT_INPUTS,
    output:
        "results/report/index.html",
    log:
        "logs/report.log",
    benchmark:
        "logs/benchmark/report.tsv"
    conda:
        "../../environment.yml"
    params:
        trials=TRIALS,
        dossier_dir=DOSSIER_DIR,
    script:
        "../scripts/report.py"


ALL_OUTPUTS.append("results/report/index.html")
