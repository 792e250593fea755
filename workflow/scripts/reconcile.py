"""Write the reconciliation report of one dossier (rule reconcile)."""

import sys
from pathlib import Path

from trialrecon.checks.findings import TriageError
from trialrecon.stages.reconcile import StageFindingsError, write_reconciliation

with open(snakemake.log[0], "w", encoding="utf-8") as log:
    try:
        rec = write_reconciliation(snakemake.params.dossier, dict(snakemake.output.items()),
                                   stage_findings=(Path(snakemake.input.km) / "findings.json",))
    except (TriageError, StageFindingsError) as exc:  # one line naming the file, no traceback
        log.write(f"{exc}\n")
        sys.stderr.write(f"{exc}\n")
        sys.exit(1)
    log.write(f"{rec.trial}: causes {rec.cause_counts()}, findings {rec.counts_by_severity()}\n")
