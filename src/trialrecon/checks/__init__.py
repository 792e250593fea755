"""The judgement layer: reconciliation checks of a dossier's printed numbers, and findings.

The check families are in :mod:`.families`, one module each, each defining its ``CHECK``
(``same_quantity``, ``percentages``, ``partitions``, ``proportion_ci``, ``ratio_ci_p``,
``hr_medians``, ``tests_from_counts``, ``decision_rule``, ``registry``, ``impossible``,
``ranges_pooled``, ``timeline``, ``arms``, ``landmark_rates``). Here, the machinery every check
shares: :mod:`.context` and :mod:`.denominators`, the :mod:`.catalog` of checks,
:mod:`.findings` (findings, stable ids, triage), :mod:`.severity`, :mod:`.titles`, the causes
(:mod:`.causes`, :mod:`.cause_base`, :mod:`.cause_statements`, :mod:`.cause_percentages`),
their :mod:`.ranking`, and the :mod:`.runner`.

May import: :mod:`trialrecon.dossier` and :mod:`trialrecon.stats`. Never stages, report or CLI.
"""

from trialrecon.checks.catalog import CHECKS
from trialrecon.checks.context import Check, Context, NotApplicable
from trialrecon.checks.runner import Reconciliation, run_checks

__all__ = ["CHECKS", "Check", "Context", "NotApplicable", "Reconciliation", "run_checks"]
