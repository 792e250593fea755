"""One severity policy for every check: what makes a result inconsistent, questionable, a note.

Every check decides its severity through this module, so two checks that meet the same
situation (a number reproduced only by truncating it, a denominator the paper does not
state) give it the same severity. :data:`POLICY` is the table the README and the report
print; :func:`compare_printed` compares two printed statements of one number and
:func:`sum_reconciles` a printed sum against its target, both under the policy's rounding
rules.

Rounding rules. A printed number stands for the values that round to it. Standard rounding
(half up, half even) reconciles: *consistent*. One non-standard scheme applied to every
number involved (truncation, or rounding twice) reconciles only as *questionable*. A mix of
schemes (one number truncated, the other rounded) is never accepted: a paper that prints
one value two ways has still printed two different numbers, and a reader who quotes either
gets a different answer, so it stays *inconsistent*; the report names the mix as the benign
reading the authors may confirm.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from trialrecon.stats.rounding import (
    SCHEMES,
    STANDARD_SCHEMES,
    Interval,
    exact,
    half_unit,
    printed_interval,
    scheme_interval,
)

NON_STANDARD_SCHEMES: tuple[str, ...] = tuple(s for s in SCHEMES if s not in STANDARD_SCHEMES)
SCHEME_LABELS: dict[str, str] = {
    "half_up": "rounded half up", "half_even": "rounded half to even",
    "truncate": "truncated", "round_twice": "rounded twice",
}


@dataclass(frozen=True)
class PolicyRow:
    severity: str
    meaning: str
    examples: str


POLICY: tuple[PolicyRow, ...] = (
    PolicyRow("error", "the check itself failed (a bug to report, never a silent pass)",
              "an exception inside a check"),
    PolicyRow("inconsistent",
              "no standard reading reconciles the printed numbers",
              "32 vs 31 months; a percentage no count over any plausible denominator gives; "
              "categories that sum above their total; also when only a mix of schemes "
              "(31 truncated, 32 rounded) would reconcile two statements"),
    PolicyRow("questionable",
              "reconciled only by a reading the paper does not state",
              "one non-standard rounding applied to every number involved (truncation, "
              "rounding twice: 8/55 = 14.545 printed 14.6); a denominator the paper does not "
              "give (another population, the total minus the missing, the sum of the "
              "categories); a one-sided P value not declared as such; categories that fall "
              "short of their total with no missing category listed"),
    PolicyRow("note",
              "a soft signal, or a difference the dossier marks as an update",
              "HR against the ratio of medians; a value that supersedes an earlier one"),
    PolicyRow("consistent",
              "standard rounding (half up or half even) under a natural denominator "
              "reproduces every printed number",
              "16/53 = 30.19 printed 30.2"),
)


def for_reading(*, standard: bool = True, natural: bool = True, declared: bool = True) -> str:
    """The severity of a result that some reading reproduces.

    ``standard``: the rounding is half up or half even; ``natural``: the denominator (or
    population, or total) is the one the paper states or implies; ``declared``: the reading
    (one-sided test, a category) is what the paper says. All three: consistent; otherwise
    questionable. A result no reading reproduces is inconsistent (:data:`NONE`).
    """
    return "consistent" if standard and natural and declared else "questionable"


NONE = "inconsistent"


@dataclass(frozen=True)
class Comparison:
    """Two printed statements of one number under the policy."""

    severity: str
    scheme: str = ""  # the scheme that reconciles them ("" when none does)
    tried: tuple[str, ...] = ()
    mixed: str = ""  # a mix of schemes that would reconcile them (not accepted)

    @property
    def agree(self) -> bool:
        return self.severity == "consistent"


def _clip(iv: Interval, domain: tuple[Fraction | None, Fraction | None]) -> Interval:
    return iv.clip(*domain)


def compare_printed(a: str, b: str, comparator_a: str = "=", comparator_b: str = "=",
                    domain: tuple[Fraction | None, Fraction | None] = (None, None)
                    ) -> Comparison:
    """Compare two printed numbers under the policy's rounding rules.

    Standard rounding intervals that overlap: consistent. Otherwise each non-standard
    scheme applied to both: questionable when one reconciles them. Otherwise inconsistent,
    with the mix of schemes (if any) that would reconcile them in ``mixed``. A bound (``<``,
    ``>=``...) is a bound under every scheme.
    """
    ca, cb = comparator_a or "=", comparator_b or "="
    ia = _clip(printed_interval(a, ca), domain)
    ib = _clip(printed_interval(b, cb), domain)
    tried = [f"rounded: {a} is {ia.as_text()}, {b} is {ib.as_text()}"]
    if ia.overlaps(ib):
        return Comparison("consistent", "half_up", tuple(tried))
    if ca != "=" or cb != "=":
        return Comparison(NONE, "", tuple(tried))

    def iv(text: str, scheme: str) -> Interval:
        return _clip(scheme_interval(text, scheme), domain)

    for scheme in NON_STANDARD_SCHEMES:
        sa, sb = iv(a, scheme), iv(b, scheme)
        tried.append(f"both {SCHEME_LABELS[scheme]}: {a} is {sa.as_text()}, {b} is "
                     f"{sb.as_text()}")
        if sa.overlaps(sb):
            return Comparison("questionable", scheme, tuple(tried))
    mixed = ""
    for sa_name, sb_name in itertools.permutations(("half_up", *NON_STANDARD_SCHEMES), 2):
        if iv(a, sa_name).overlaps(iv(b, sb_name)):
            mixed = f"{a} {SCHEME_LABELS[sa_name]} and {b} {SCHEME_LABELS[sb_name]}"
            break
    if mixed:
        tried.append(f"a mix of schemes would reconcile them ({mixed}); the policy does not "
                     "accept one value printed two ways")
    return Comparison(NONE, "", tuple(tried), mixed)


@dataclass(frozen=True)
class SumCheck:
    """A printed sum (of percentages) against a target under the policy."""

    severity: str
    scheme: str
    low: Fraction
    high: Fraction


def sum_reconciles(printed: list[str], targets: list[Fraction]) -> SumCheck:
    """Can numbers printed as ``printed`` sum to one of ``targets``?

    Under standard rounding each number may be half a unit off, so the sum lies within the
    sum of half units of the printed sum (the slack). Under one non-standard scheme for all
    (truncation, rounding twice) the interval of the true sum shifts. Returns the first
    reading that reaches a target: consistent for standard rounding, questionable for a
    non-standard scheme; inconsistent (with the standard interval) otherwise.
    """
    total = sum((exact(p) for p in printed), Fraction(0))
    slack = sum((half_unit(p) for p in printed), Fraction(0))
    if any(total - slack <= t <= total + slack for t in targets):
        return SumCheck("consistent", "half_up", total - slack, total + slack)
    for scheme in NON_STANDARD_SCHEMES:
        ivs = [scheme_interval(p, scheme) for p in printed]
        lo = sum((i.low for i in ivs if i.low is not None), Fraction(0))
        hi = sum((i.high for i in ivs if i.high is not None), Fraction(0))
        if any(lo <= t < hi for t in targets):
            return SumCheck("questionable", scheme, lo, hi)
    return SumCheck(NONE, "", total - slack, total + slack)


def worst(severities: list[str] | tuple[str, ...]) -> str:
    """The most severe of several severities (the order of :data:`POLICY`)."""
    order = [row.severity for row in POLICY]
    return min(severities, key=order.index) if severities else "consistent"


def compare_rows(a: dict, b: dict) -> Comparison:
    """:func:`compare_printed` for two dossier rows (value, comparator, unit's domain)."""
    from trialrecon.checks.context import domain

    negative = str(a["value"]).startswith("-") or str(b["value"]).startswith("-")
    return compare_printed(str(a["value"]), str(b["value"]), a["comparator"] or "=",
                           b["comparator"] or "=", domain(a["unit"], "-" if negative else ""))


def rounding_only(a: str, b: str | Fraction) -> bool:
    """Two numbers within one unit of the last printed digit of each other (or of the value
    ``b`` a count gives): a difference of rounding alone, a minor point (18% and 19% of 18.50%,
    32 and 31 months, 10.9% printed for 10.80%)."""
    try:
        x = exact(a)
        y = b if isinstance(b, Fraction) else exact(b)
    except (ValueError, ZeroDivisionError):
        return False
    unit = 2 * half_unit(a)
    if not isinstance(b, Fraction):
        unit = max(unit, 2 * half_unit(b))
    return abs(x - y) <= unit
