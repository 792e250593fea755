"""The judgement layer: reconciliation checks of a dossier's printed numbers, and findings.

The check families are in :mod:`.families`, one module each, each defining its ``CHECK``
(``same_quantity``, ``percentages``, ``partitions``, ``proportion_ci``, ``ratio_ci_p``,
``hr_medians``, ``tests_from_counts``, ``design_parameters``, ``decision_rule``, ``registry``,
``impossible``, ``ranges_pooled``, ``timeline``, ``arms``, ``landmark_rates``, ``hr_events``,
``at_risk``, ``effects``, ``effect_p``, ``means``, ``quantiles``, ``grade_sums``, ``flow``,
``rates``).
Here, the machinery every check shares: :mod:`.context`, :mod:`.denominators` and
:mod:`.comparisons` (the two arms of a between-arm statistic and their cells), the
:mod:`.catalog` of checks, :mod:`.findings` (findings, stable ids, triage), :mod:`.severity`,
:mod:`.titles`, the causes
(:mod:`.causes`, :mod:`.cause_base`, :mod:`.cause_statements`, :mod:`.cause_percentages`),
their :mod:`.ranking`, the :mod:`.runner`, and :mod:`.precision` (findings scored against
hand verdicts on the gold dossiers).

May import: :mod:`trialrecon.dossier` and :mod:`trialrecon.stats`. Never stages, report or CLI.
"""

from trialrecon.checks.catalog import CHECKS
from trialrecon.checks.context import Check, Context, NotApplicable
from trialrecon.checks.runner import Reconciliation, run_checks

__all__ = ["CHECKS", "Check", "Context", "NotApplicable", "Reconciliation", "run_checks"]
