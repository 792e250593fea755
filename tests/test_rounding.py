"""Printed numbers as intervals and the rounding schemes (trialrecon.stats.rounding), by hand."""

from __future__ import annotations

from fractions import Fraction

from trialrecon.stats.rounding import (
    printed_interval,
    reproduces,
    round_half_even,
    round_half_up,
    round_twice,
    truncate,
)


def test_printed_intervals():
    # 15.6 and 15.7: (15.55, 15.65) and (15.65, 15.75) touch only at an open end.
    assert not printed_interval("15.6").overlaps(printed_interval("15.7"))
    assert printed_interval("44").overlaps(printed_interval("44.2"))  # (43.5, 44.5) has 44.2
    assert not printed_interval("31").overlaps(printed_interval("32"))
    assert printed_interval("0.001", "<").overlaps(printed_interval("0.0004"))
    assert not printed_interval("0.001", "<").overlaps(printed_interval("0.02"))
    assert printed_interval("90", ">").overlaps(printed_interval("93.7"))
    assert not printed_interval("90", ">").overlaps(printed_interval("89.9"))


def test_rounding_schemes_by_hand():
    # 8/55 = 14.5454...%: half up 14.5; rounded first to 14.55 then to 14.6 (double rounding).
    x = Fraction(800, 55)
    assert round_half_up(x, 1) == Fraction("14.5") and round_twice(x, 1) == Fraction("14.6")
    # 38/55 = 69.09%: truncation to 0 decimals gives 69, half up gives 69.
    assert truncate(Fraction(3800, 55), 1) == Fraction("69.0")
    # ties: 12.5 -> 13 half up, 12 half even; 0.125 to 2 decimals -> 0.13 / 0.12
    assert round_half_up(Fraction(25, 2), 0) == 13 and round_half_even(Fraction(25, 2), 0) == 12
    assert round_half_even(Fraction(1, 8), 2) == Fraction("0.12")
    assert reproduces(52, 55, "94.6", "round_twice") and not reproduces(52, 55, "94.6", "half_up")
