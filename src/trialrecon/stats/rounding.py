"""Printed numbers as intervals, and the rounding schemes papers use.

A number printed as ``15.7`` stands for every value that rounds to it: the interval
[15.65, 15.75] under rounding half up. Two printed statements of one quantity agree when
their intervals overlap; a percentage agrees with its count and denominator when one of
the rounding schemes below turns count / denominator into the printed text.

All arithmetic is exact (:class:`fractions.Fraction`), so ``15.7 - 15.6`` is exactly one
tenth and never a float a hair below it. The idea of checking a printed percentage against
every integer count (the GRIM test) is from Brown & Heathers (2017), Soc Psychol Personal
Sci 8:363-369.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from trialrecon.stats.proportions import decimals_of

__all__ = [
    "Interval", "SCHEMES", "STANDARD_SCHEMES", "decimals_of", "exact", "half_unit",
    "printed_interval", "round_half_even", "round_half_up", "round_twice", "truncate",
    "reproduces", "format_fraction", "scheme_interval",
]  # fmt: skip


def exact(text: str) -> Fraction:
    """The exact value of a printed decimal number (``"0.1"`` is exactly 1/10)."""
    try:
        return Fraction(Decimal(str(text).strip()))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {text!r}") from exc


def half_unit(text: str) -> Fraction:
    """Half a unit of the last printed decimal: 0.05 for ``"15.7"``, 0.5 for ``"32"``."""
    return Fraction(1, 2 * 10 ** decimals_of(text))


@dataclass(frozen=True)
class Interval:
    """A set of real values; ``None`` bounds are infinite. Closed ends are flagged."""

    low: Fraction | None
    high: Fraction | None
    low_closed: bool = False
    high_closed: bool = False

    def overlaps(self, other: Interval) -> bool:
        """True when some value lies in both intervals (open ends exclude their bound)."""
        return _below(self, other) and _below(other, self)

    def clip(self, low: Fraction | None, high: Fraction | None) -> Interval:
        """Restrict to a domain [low, high] (for example 0 to 100 for a percentage)."""
        lo, lo_c = self.low, self.low_closed
        if low is not None and (lo is None or lo < low):
            lo, lo_c = low, True
        hi, hi_c = self.high, self.high_closed
        if high is not None and (hi is None or hi > high):
            hi, hi_c = high, True
        return Interval(lo, hi, lo_c, hi_c)

    def contains(self, x: Fraction) -> bool:
        return self.overlaps(Interval(x, x, True, True))

    def as_text(self) -> str:
        lo = "-inf" if self.low is None else format_fraction(self.low)
        hi = "inf" if self.high is None else format_fraction(self.high)
        return f"{'[' if self.low_closed else '('}{lo}, {hi}{']' if self.high_closed else ')'}"


def _below(a: Interval, b: Interval) -> bool:
    """True when a's lower end lies below b's upper end, so they can meet."""
    if a.low is None or b.high is None:
        return True
    if a.low < b.high:
        return True
    return a.low == b.high and a.low_closed and b.high_closed


def printed_interval(text: str, comparator: str = "=") -> Interval:
    """The values a printed number could stand for, comparator aware.

    ``=`` gives the open rounding interval (x - h, x + h), h half a unit of the last
    decimal; ``<`` gives (-inf, x), ``<=`` (-inf, x], ``>`` (x, inf), ``>=`` [x, inf) (the
    paper states a bound, not a rounded value); ``~`` (about) widens the rounding interval to
    a whole unit of the last decimal or 5% of the value, whichever is larger.
    """
    x = exact(text)
    h = half_unit(text)
    comparator = comparator or "="
    if comparator == "<":
        return Interval(None, x)
    if comparator == "<=":
        return Interval(None, x, high_closed=True)
    if comparator == ">":
        return Interval(x, None)
    if comparator == ">=":
        return Interval(x, None, low_closed=True)
    if comparator == "~":
        w = max(2 * h, abs(x) / 20)
        return Interval(x - w, x + w, True, True)
    if comparator != "=":
        raise ValueError(f"unknown comparator {comparator!r}")
    return Interval(x - h, x + h)


# ------------------------------------------------------------------ rounding schemes


def round_half_up(x: Fraction, decimals: int) -> Fraction:
    """Round to ``decimals`` places, ties away from zero (the school rule)."""
    scale = 10**decimals
    y = abs(x) * scale
    r = Fraction(math.floor(y + Fraction(1, 2)), scale)
    return r if x >= 0 else -r


def round_half_even(x: Fraction, decimals: int) -> Fraction:
    """Round to ``decimals`` places, ties to the even digit (IEEE, R's and Python's round)."""
    scale = 10**decimals
    return Fraction(round(x * scale), scale)  # Fraction.__round__ rounds ties to even


def truncate(x: Fraction, decimals: int) -> Fraction:
    """Cut after ``decimals`` places (towards zero): a non-standard scheme some software uses."""
    scale = 10**decimals
    return Fraction(math.trunc(x * scale), scale)


def round_twice(x: Fraction, decimals: int) -> Fraction:
    """Round half up to one more decimal first, then to ``decimals`` (double rounding)."""
    return round_half_up(round_half_up(x, decimals + 1), decimals)


SCHEMES: dict[str, Callable[[Fraction, int], Fraction]] = {
    "half_up": round_half_up,
    "half_even": round_half_even,
    "truncate": truncate,
    "round_twice": round_twice,
}
STANDARD_SCHEMES: tuple[str, ...] = ("half_up", "half_even")


def scheme_interval(text: str, scheme: str) -> Interval:
    """The values that print as ``text`` under one rounding scheme (``=`` comparator only).

    Standard schemes (half up, half even) give the open interval of :func:`printed_interval`
    (open ends cover both tie rules). Truncation of a non-negative x gives [x, x + u), u one
    unit of the last decimal (a negative x gives (x - u, x]). Rounding twice (half up to one
    more decimal, then half up) gives [x - 0.55u, x + 0.45u) for a non-negative x: 14.6 stands
    for [14.545, 14.645), since 14.545 -> 14.55 -> 14.6. A negative x mirrors it.
    """
    x = exact(text)
    unit = Fraction(1, 10 ** decimals_of(text))
    if scheme in STANDARD_SCHEMES:
        return printed_interval(text, "=")
    if scheme == "truncate":
        if x >= 0:
            return Interval(x, x + unit, low_closed=True)
        return Interval(x - unit, x, high_closed=True)
    if scheme == "round_twice":
        lo, hi = x - Fraction(55, 100) * unit, x + Fraction(45, 100) * unit
        if x >= 0:
            return Interval(lo, hi, low_closed=True)
        return Interval(x - Fraction(45, 100) * unit, x + Fraction(55, 100) * unit,
                        high_closed=True)
    raise ValueError(f"unknown rounding scheme {scheme!r}")


def reproduces(count: int, denominator: int, printed: str, scheme: str,
               scale: int = 100) -> bool:
    """True when ``scheme`` turns count / denominator (times ``scale``) into ``printed``."""
    if denominator <= 0:
        return False
    value = Fraction(count * scale, denominator)
    return SCHEMES[scheme](value, decimals_of(printed)) == exact(printed)


def format_fraction(x: Fraction, digits: int = 4) -> str:
    """A short decimal text for an exact value (for reports)."""
    if x.denominator == 1:
        return str(x.numerator)
    text = f"{float(x):.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"
