"""The catalog of checks: the order in which they run and appear in the report.

Adding a check is one new module in :mod:`trialrecon.checks.families` (a function and its
``CHECK``) and one line here.
"""

from __future__ import annotations

from trialrecon.checks.context import Check
from trialrecon.checks.families import (
    arms,
    decision_rule,
    hr_medians,
    impossible,
    landmark_rates,
    partitions,
    percentages,
    proportion_ci,
    ranges_pooled,
    ratio_ci_p,
    registry,
    same_quantity,
    tests_from_counts,
    timeline,
)

CHECKS: tuple[Check, ...] = (
    same_quantity.CHECK,
    percentages.CHECK,
    partitions.CHECK,
    proportion_ci.CHECK,
    ratio_ci_p.CHECK,
    hr_medians.CHECK,
    tests_from_counts.CHECK,
    decision_rule.CHECK,
    registry.CHECK,
    impossible.CHECK,
    ranges_pooled.CHECK,
    timeline.CHECK,
    arms.CHECK,
    landmark_rates.CHECK,
)
