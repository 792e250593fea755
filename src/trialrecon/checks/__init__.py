"""The judgement layer: reconciliation checks of a dossier's printed numbers, and findings.

One module per check family (``same_quantity``, ``percentages``, ``partitions``,
``proportion_ci``, ``ratio_ci_p``, ``hr_medians``, ``tests_from_counts``, ``decision_rule``,
``registry``, ``impossible``, ``ranges_pooled``), the shared :mod:`.context` and
:mod:`.denominators`, the :mod:`.catalog` of checks, :mod:`.findings` (findings, stable ids,
triage) and :mod:`.runner`.

May import: :mod:`trialrecon.dossier` and :mod:`trialrecon.stats`. Never stages, report or CLI.
"""

from trialrecon.checks.catalog import CHECKS
from trialrecon.checks.context import Check, Context, NotApplicable
from trialrecon.checks.runner import Reconciliation, run_checks

__all__ = ["CHECKS", "Check", "Context", "NotApplicable", "Reconciliation", "run_checks"]
