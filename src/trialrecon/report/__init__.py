"""The presentation layer: figures, tables, HTML and Markdown, templates.

:mod:`.figures` (deterministic figure files), :mod:`.tables` (deterministic CSV files),
:mod:`.files` (atomic writes), :mod:`.html` (safe Markdown and inlined images),
:mod:`.reconciliation` (the reconciliation report's renderers) and ``templates/``.

May import: :mod:`trialrecon.dossier`, :mod:`trialrecon.stats` and :mod:`trialrecon.checks`
(to render findings). Never stages or CLI.
"""
