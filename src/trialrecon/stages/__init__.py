"""The stage layer: one module or package per Snakemake stage, from a loaded dossier to that
stage's files.

Modules: :mod:`.dossier` (validation and the tidy table), :mod:`.reconcile`, :mod:`.notebooks`
and :mod:`.report` (the index page). Packages, for the larger stages, each with its entry
module ``stage`` and the helpers beside it: :mod:`.design` (design and power), :mod:`.km`
(approximate Kaplan-Meier curves, and their ``validation``) and :mod:`.crosstrial`.

May import: every other layer (dossier, stats, checks, report). Imported only by the workflow
scripts (``workflow/scripts/``), the CLI, the notebooks and the tests.
"""
