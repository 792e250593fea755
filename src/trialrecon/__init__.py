"""trialrecon: reproducible statistical reanalysis of published clinical trial reports.

The package's layers, each a subpackage whose docstring says what it may import:

* :mod:`trialrecon.dossier`: the input: loading and validating a dossier, the vocabulary;
* :mod:`trialrecon.stats`: pure statistics, no project imports;
* :mod:`trialrecon.checks`: the reconciliation checks (one module per family in
  :mod:`trialrecon.checks.families`) and their findings;
* :mod:`trialrecon.report`: figures, tables, HTML and Markdown;
* :mod:`trialrecon.stages`: one module or package per Snakemake stage (``design``,
  ``km`` and ``crosstrial`` are packages);
* :mod:`trialrecon.cli`: the ``trialrecon`` command.
"""

__version__ = "0.1.0"
