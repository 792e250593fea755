"""The catalog of checks: the order in which they run and appear in the report.

Adding a check is one new module in :mod:`trialrecon.checks.families` (a function and its
``CHECK``) and one line here.
"""

from __future__ import annotations

from trialrecon.checks.context import Check
from trialrecon.checks.families import (
    arms,
    at_risk,
    decision_rule,
    design_parameters,
    effect_p,
    effects,
    flow,
    grade_sums,
    hr_events,
    hr_medians,
    impossible,
    landmark_rates,
    means,
    mixed_sets,
    partitions,
    percentages,
    proportion_ci,
    quantiles,
    ranges_pooled,
    rates,
    ratio_ci_p,
    registry,
    same_quantity,
    statistic_p,
    subgroup_size,
    tests_from_counts,
    timeline,
)

CHECKS: tuple[Check, ...] = (
    same_quantity.CHECK,
    mixed_sets.CHECK,
    percentages.CHECK,
    subgroup_size.CHECK,
    partitions.CHECK,
    proportion_ci.CHECK,
    ratio_ci_p.CHECK,
    hr_medians.CHECK,
    tests_from_counts.CHECK,
    statistic_p.CHECK,
    design_parameters.CHECK,
    decision_rule.CHECK,
    registry.CHECK,
    impossible.CHECK,
    ranges_pooled.CHECK,
    timeline.CHECK,
    arms.CHECK,
    landmark_rates.CHECK,
    hr_events.CHECK,
    at_risk.CHECK,
    effects.CHECK,
    effect_p.CHECK,
    means.CHECK,
    quantiles.CHECK,
    grade_sums.CHECK,
    flow.CHECK,
    rates.CHECK,
)
