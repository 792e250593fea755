"""The stage layer: one module per Snakemake stage, from a loaded dossier to that stage's files.

:mod:`.dossier` (validation and the tidy table), :mod:`.design`, :mod:`.km`,
:mod:`.km_validation`, :mod:`.reconcile`, :mod:`.crosstrial`, :mod:`.notebooks` and
:mod:`.report` (the index page).

May import: every other layer (dossier, stats, checks, report). Imported only by the workflow
scripts (``workflow/scripts/``), the CLI, the notebooks and the tests.
"""
