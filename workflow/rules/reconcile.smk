# Stage: the reconciliation report (every inconsistency the printed numbers can prove)
# and the review letter.


rule reconcile:
    input:
        table="results/{trial}/dossier.csv",
        dossier=dossier_files,
        km="results/{trial}/km",
    output:
        html="results/{trial}/reconciliation.html",
        md="results/{trial}/reconciliation.md",
        csv="results/{trial}/reconciliation.csv",
        json="results/{trial}/reconciliation.json",
        letter="results/{trial}/review_letter.md",
        letter_text="results/{trial}/review_letter.txt",
    log:
        "logs/reconcile/{trial}.log",
    benchmark:
        "logs/benchmark/reconcile/{trial}.tsv"
    conda:
        "../../environment.yml"
    params:
        dossier=lambda wildcards: f"{DOSSIER_DIR}/{wildcards.trial}",
    script:
        "../scripts/reconcile.py"


ALL_OUTPUTS.extend(
    expand(
        "results/{trial}/reconciliation.{ext}",
        trial=TRIALS,
        ext=["html", "md", "csv", "json"],
    )
)
ALL_OUTPUTS.extend(expand("results/{trial}/review_letter.{ext}", trial=TRIALS, ext=["md", "txt"]))
