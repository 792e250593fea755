"""P values as printed: the interval a printed P stands for, and whether an interval is
significant.

Part of the checks layer (it may import ``trialrecon.dossier`` and ``trialrecon.stats``).
"""

from __future__ import annotations

from fractions import Fraction

from trialrecon.checks.context import Row
from trialrecon.stats.rounding import printed_interval


def p_interval(row: Row) -> tuple[float, float]:
    """The P values that print as ``row``'s, with a P near 1 printed by its last nines.

    A P of 0.996 rounds to 1.00, which a table does not print for a P value: it prints 0.99
    (or 0.999 at three decimals), so a printed P of only nines stands for every P up to 1.
    """
    iv = printed_interval(row["value"], row["comparator"] or "=").clip(Fraction(0), Fraction(1))
    high = float(iv.high if iv.high is not None else 1)
    if (row["comparator"] or "=") == "=" and _all_nines(str(row["value"])):
        high = 1.0
    return float(iv.low or 0), high


def _all_nines(text: str) -> bool:
    """``0.99``, ``.999``: a P printed as its last value below 1 at that many decimals."""
    digits = text.strip().removeprefix("0").removeprefix(".")
    return text.strip().lstrip("0").startswith(".") and len(digits) >= 2 and set(digits) == {"9"}


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def significant(p: tuple[float, float], alpha: float = 0.05) -> bool | None:
    if p[1] < alpha:
        return True
    if p[0] > alpha:
        return False
    return None
