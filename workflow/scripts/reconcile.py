"""Write the reconciliation report of one dossier (rule reconcile)."""

from trialrecon.stages.reconcile import write_reconciliation

with open(snakemake.log[0], "w", encoding="utf-8") as log:
    rec = write_reconciliation(snakemake.params.dossier, dict(snakemake.output.items()))
    log.write(f"{rec.trial}: causes {rec.cause_counts()}, findings {rec.counts_by_severity()}\n")
