"""The check families: one module per family, each a function and its ``CHECK``.

:mod:`trialrecon.checks.catalog` lists them in the order they run and appear in the report;
the finding machinery they share (context, denominators, severity, titles, causes) stays in
:mod:`trialrecon.checks`.

May import: what the checks layer may (:mod:`trialrecon.checks`, the dossier and stats layers).
"""
