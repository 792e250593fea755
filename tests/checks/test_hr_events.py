"""The ``hr-events`` check (:mod:`trialrecon.checks.families.hr_events`): planted errors and
the Parmar relation computed by hand."""

from __future__ import annotations

import math

from conftest import matches

from trialrecon.checks.families.hr_events import implied_events


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("hr-events")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_implied_events_by_hand():
    """Parmar, Torri & Stewart (1998), Stat Med 17:2815: var(log HR) = 4 / events for 1:1.

    By hand, HR 0.70 (95% CI 0.51 to 0.96): SE = (log 0.96 - log 0.51) / (2 x 1.959964)
    = (-0.040822 + 0.673345) / 3.919928 = 0.161361, events = 4 / 0.161361^2 = 153.6.
    With 2:1 allocation (p = 2/3) the same interval implies 1 / (SE^2 x 2/9) = 172.8.
    """
    low, high = implied_events((0.51, 0.51), (0.96, 0.96), 0.95, 0.5)
    assert math.isclose(low, 153.6, abs_tol=0.1) and math.isclose(high, 153.6, abs_tol=0.1)
    low, _ = implied_events((0.51, 0.51), (0.96, 0.96), 0.95, 2 / 3)
    assert math.isclose(low, 172.8, abs_tol=0.1)


def test_implied_events_widen_with_the_rounding_of_the_bounds():
    """0.51 stands for 0.505 to 0.515 and 0.96 for 0.955 to 0.965: the widest interval
    (0.505, 0.965) gives the fewest events, the narrowest (0.515, 0.955) the most."""
    low, high = implied_events((0.505, 0.515), (0.955, 0.965), 0.95, 0.5)
    z = 1.959964
    assert math.isclose(low, 4 / ((math.log(0.965 / 0.505) / (2 * z)) ** 2), rel_tol=1e-6)
    assert math.isclose(high, 4 / ((math.log(0.955 / 0.515) / (2 * z)) ** 2), rel_tol=1e-6)


def test_responders_printed_as_dor_events_are_named(planted):
    f = next(f for f in planted.findings if matches(f, ["q13f_lo", "q13f_ev"]))
    assert f.severity == "questionable" and "150" in f.sentence and "more" in f.sentence


def test_prognostic_hazard_ratios_are_not_compared(planted):
    """Only hazard ratios between arms: none of the planted HRs with a category is checked."""
    for f in planted.findings:
        if f.check == "hr-events":
            assert all(not v.category for v in f.values if v.quantity.endswith("_hr"))
