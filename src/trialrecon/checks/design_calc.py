"""A stated two-arm design against its stated parameters: which calculation gives its n.

For each design of :mod:`.stated_designs` whose kind is ``two_proportions``, ``continuous``,
``ordinal`` or ``cluster``, the sample size is recomputed by every calculation in use
(:mod:`trialrecon.stats.two_sample`) under every reading of alpha, and compared with every n
the paper states (per arm, in total, before and after dropout). The rules:

* A calculation is *as stated* when it uses only what the paper states: its alpha and
  sidedness (an unstated sidedness read as two-sided for comparisons of arms, one-sided for
  single-arm designs; no alpha printed at all read as the usual 0.05 with that sidedness),
  its test when it names one (chi-square without correction, with Yates' correction,
  Fisher's exact test), and its dropout. The other sidedness, a test the paper does not
  name when it names another, an unprinted alpha read with the other sidedness, the dropout
  inflated as n (1 + d), are *unstated conventions*.
* The smallest stated n of a design (the evaluable patients) is judged: reproduced (equal to
  the rounded-up or rounded result) or given at least the stated power, minus
  :data:`POWER_TOLERANCE`, by an as-stated calculation: consistent (a note when it is more
  than :data:`LARGE` times the largest as-stated n and the paper names the test of its
  calculation; with no test named the paper's method may need more patients than the ones
  tried, so a larger n is no point to raise); by an unstated convention only:
  questionable, naming it; by none: inconsistent, or questionable when the power falls short
  by at most :data:`SMALL_SHORTFALL`.
* Every larger stated n must follow from a smaller one (or the computed one) through a
  stated dropout: n / (1 - d) rounded up or to the nearest; n (1 + d) only when the shortfall
  it leaves is below one patient; otherwise questionable (or nothing to judge when no dropout
  is stated).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trialrecon.checks.stated_designs import NOT_THE_PLAN, StatedDesign, _num
from trialrecon.stats import two_sample as ts
from trialrecon.stats.rounding import exact, printed_interval

Row = dict[str, Any]
POWER_TOLERANCE = 0.01  # a stated n within this of the stated power reaches it (rounding)
SMALL_SHORTFALL = 0.03  # below this a power shortfall is questionable, above inconsistent
LARGE = 1.25  # a stated n this many times the largest as-stated n gets a note
TESTS_CC = {"chi_square": ("pooled", "unpooled"), "chi_square_yates": ("pooled_cc",),
            "fisher_exact": ("fisher_exact", "pooled_cc"), "z_test": ("pooled", "unpooled")}


@dataclass
class Item:
    """One stated element of a design, recomputed and judged."""

    design: StatedDesign
    what: str
    severity: str
    stated: str
    computed: str
    method: str
    sentence: str
    rows: list[Row]
    tried: list[str] = field(default_factory=list)
    nearest: str | None = None


@dataclass(frozen=True)
class Reading:
    """An alpha the calculation uses, and whether the paper states it so."""

    alpha: float
    sided: str
    stated: bool
    text: str


def _sided_text(sided: str) -> str:
    return sided.replace("_", "-")


def alpha_readings(d: StatedDesign, default_sided: str) -> list[Reading]:
    """The alpha as stated (an unstated sidedness read as ``default_sided``), then the rest."""
    row = d.first("design_alpha", ("percent", "proportion", "probability"))
    other = {"one_sided": "two_sided", "two_sided": "one_sided"}
    if row is None:
        # no alpha printed: the usual 0.05 with the usual sidedness is the reading every
        # reader makes (as an unstated sidedness is read as the default below); the other
        # sidedness is an unstated convention
        return [Reading(0.05, s, s == default_sided,
                        f"alpha 0.05 {_sided_text(s)} (no alpha is printed)")
                for s in (default_sided, other[default_sided])]
    a = d.probability("design_alpha") or 0.05
    if row["sided"]:
        s = str(row["sided"])
        return [Reading(a, s, True, f"alpha {a:g} {_sided_text(s)} as stated"),
                Reading(a, other[s], False, f"alpha {a:g} {_sided_text(other[s])}, although "
                        f"the paper says {_sided_text(s)}")]
    return [Reading(a, default_sided, True, f"alpha {a:g}, not said one- or two-sided, read "
                    f"as {_sided_text(default_sided)}"),
            Reading(a, other[default_sided], False,
                    f"alpha {a:g} read as {_sided_text(other[default_sided])}")]


@dataclass
class Calc:
    """One calculation under one reading: the n of each arm and the power of given n."""

    method: str
    reading: Reading
    unstated: list[str]
    n0_raw: float
    n1_raw: float
    power: Callable[[float, float], float]

    @property
    def label(self) -> str:
        text = ts.METHOD_LABELS.get(self.method, self.method)
        return f"{text}, {self.reading.text}"

    @property
    def as_stated(self) -> bool:
        return not self.unstated

    @property
    def n_arms(self) -> tuple[int, int]:
        return math.ceil(self.n0_raw - 1e-9), math.ceil(self.n1_raw - 1e-9)


# ---------------------------------------------------------------------- the parameters


def allocation(d: StatedDesign) -> float:
    """k of k:1 from ``allocation_ratio`` rows of two arms (1 when not stated)."""
    rows = [r for r in d.all_rows("allocation_ratio") if _num(r)]
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    if len(arms) != 2:
        return 1.0
    w = {a: next(_num(r) for r in rows if r["arm"] == a) for a in arms}
    return float(w[arms[0]] / w[arms[1]]) if w[arms[1]] else 1.0


def proportions(d: StatedDesign) -> tuple[float, float, list[Row], str] | None:
    """(p0, p1, rows, how p1 was read) of a two-proportion design, or None."""
    p0 = d.probability("design_p0")
    if p0 is None:
        return None
    rows = [d.first("design_p0")]
    p1 = d.probability("design_p1")
    if p1 is not None:
        return p0, p1, [*rows, d.first("design_p1")], "stated"
    diff = d.first("design_difference")
    if diff is not None and _num(diff) is not None:
        v, unit = _num(diff), str(diff["unit"]).lower()
        if "relative" in unit:
            return p0, p0 * (1 - v / 100), [*rows, diff], "p0 less the relative reduction"
        if unit in ("percentage_points", "proportion"):
            step = v / 100 if unit == "percentage_points" else v
            if 0 < p0 + step < 1:
                return p0, p0 + step, [*rows, diff], "p0 plus the difference"
    ratio = d.first("design_ratio")
    if ratio is not None and _num(ratio):
        cat = str(ratio["category"]).lower()
        if "odds" in cat and "ordinal" not in cat:
            return p0, ts.p1_from_odds_ratio(p0, _num(ratio)), [*rows, ratio], "odds ratio"
        if "risk" in cat or "relative" in cat:
            return p0, p0 * _num(ratio), [*rows, ratio], "risk ratio"
    return None


def _named_tests(d: StatedDesign) -> set[str]:
    return {str(r["test"]) for q in ("design_alpha", "design_type", "design_power")
            for r in d.all_rows(q) if r.get("test")}


# ---------------------------------------------------------------------- calculations


def proportion_calcs(d: StatedDesign, p0: float, p1: float, k: float,
                     readings: list[Reading], power: float) -> list[Calc]:
    tests = _named_tests(d)
    named = {m for t in tests for m in TESTS_CC.get(t, ())}
    margin = d.value("design_margin") if d.hypothesis == "non_inferiority" else None
    if margin is not None:
        m_row = d.first("design_margin")
        margin = margin / 100 if m_row["unit"] in ("percent", "percentage_points") else margin
    out = []
    for rd in readings:
        if margin:
            size = ts.two_proportions_n(p0, p1, rd.alpha, power, rd.sided, k, margin=margin)
            out.append(Calc("non_inferiority", rd, [] if rd.stated else [rd.text],
                            size.n_raw, k * size.n_raw,
                            lambda n0, n1, r=rd: ts.two_proportions_power(
                                n0, n1, p0, p1, r.alpha, r.sided, margin=margin)))
            continue
        for method in (*ts.PROPORTION_METHODS, "fisher_exact"):
            unstated = [] if rd.stated else [rd.text]
            if named and method not in named:
                unstated.append(f"{ts.METHOD_LABELS[method]}, not the test the paper names")
            if method == "fisher_exact":
                n_raw = _fisher_n(p0, p1, rd, power, k)
                if n_raw is None:
                    continue
                fn = _fisher_power(p0, p1, rd)
            else:
                n_raw = ts.two_proportions_n(p0, p1, rd.alpha, power, rd.sided, k, method).n_raw
                fn = _proportion_power(p0, p1, rd, method)
            out.append(Calc(method, rd, unstated, n_raw, k * n_raw, fn))
    return out


def _proportion_power(p0: float, p1: float, rd: Reading,
                      method: str) -> Callable[[float, float], float]:
    def power(n0: float, n1: float) -> float:
        return ts.two_proportions_power(n0, n1, p0, p1, rd.alpha, rd.sided, method)
    return power


def _fisher_n(p0: float, p1: float, rd: Reading, power: float, k: float) -> float | None:
    approx = ts.two_proportions_n(p0, p1, rd.alpha, power, rd.sided, k, "pooled_cc")
    if approx.n_control > 600:  # the enumeration grows with n^2: only for moderate trials
        return None
    return ts.fisher_exact_n(p0, p1, rd.alpha, power, rd.sided, k, n_max=1000).n_raw


def _fisher_power(p0: float, p1: float, rd: Reading) -> Callable[[float, float], float]:
    def power(n0: float, n1: float) -> float:
        if max(n0, n1) > 1000:
            return math.nan
        return ts.fisher_exact_power(int(n0), int(n1), p0, p1, rd.alpha, rd.sided)
    return power


def mean_calcs(d: StatedDesign, k: float, readings: list[Reading],
               power: float) -> tuple[list[Calc], list[Row]]:
    sd, diff = d.value("design_sd"), d.value("design_difference")
    margin = d.value("design_margin")
    rows = [r for r in (d.first("design_sd"), d.first("design_difference"),
                        d.first("design_margin")) if r is not None]
    if not sd:
        return [], rows
    if d.hypothesis == "non_inferiority" and margin:
        diff = diff or 0.0
        distances = [(margin - diff, []), (margin + diff, [
            f"the assumed difference of {diff:g} taken in favour of the experimental arm"])]
        if not diff:
            distances = distances[:1]
    elif diff:
        distances = [(diff, [])]
    else:
        return [], rows
    out = []
    for (dist, extra), rd in itertools.product(distances, readings):
        if dist <= 0:
            continue
        for method in ("normal", "t"):
            n_raw = ts.two_means_n(dist, sd, rd.alpha, power, rd.sided, k, method).n_raw
            out.append(Calc(method, rd, ([] if rd.stated else [rd.text]) + extra, n_raw,
                            k * n_raw, lambda n0, n1, r=rd, m=method, x=dist:
                            ts.two_means_power(n0, n1, x, sd, r.alpha, r.sided, m)))
    return out, rows


def ordinal_calcs(d: StatedDesign, readings: list[Reading],
                  power: float) -> tuple[list[Calc], list[Row]]:
    cats = [r for r in d.all_rows("design_p0") if _num(r) is not None]
    ratio = d.first("design_ratio")
    if len(cats) < 3 or ratio is None or not _num(ratio):
        return [], []
    probs = [(_num(r) / 100 if r["unit"] == "percent" else _num(r)) for r in cats]
    odds = _num(ratio)
    out = []
    for rd in readings:
        total = ts.whitehead_n(probs, odds, rd.alpha, power, rd.sided)
        out.append(Calc("whitehead", rd, [] if rd.stated else [rd.text], total / 2, total / 2,
                        lambda n0, n1, r=rd: ts.whitehead_power(probs, odds, n0 + n1, r.alpha,
                                                                  r.sided)))
    return out, [*cats, ratio]


def design_effect_of(d: StatedDesign) -> tuple[float, list[Row]] | None:
    m, icc = d.value("design_cluster_size"), d.value("design_icc")
    if m is None or icc is None:
        return None
    cv = d.value("design_cv") or 0.0
    rows = [r for r in (d.first("design_cluster_size"), d.first("design_icc"),
                        d.first("design_cv")) if r is not None]
    return ts.design_effect(m, icc, cv), rows


# ---------------------------------------------------------------------- n targets


@dataclass(frozen=True)
class Target:
    row: Row
    n: int
    per_arm: bool


def n_targets(d: StatedDesign) -> list[Target]:
    """Every stated n of the design that is part of the plan, smallest (per arm) first."""
    out = []
    for q in ("design_n_per_group", "design_n_total"):
        for r in d.all_rows(q):
            if (_num(r) is None or NOT_THE_PLAN.search(str(r["category"])) or r["comparator"]
                    or r.get("supersedes")):
                continue  # a revised target, an achieved sample, "over n": not the plan
            out.append(Target(r, int(round(_num(r))), q == "design_n_per_group"))
    return sorted(out, key=lambda t: t.n if t.per_arm else t.n / 2)


def arm_sizes(d: StatedDesign, target: Target, k: float,
              cohort_rows: list[Row]) -> tuple[float, float]:
    """(control, experimental) patients a stated n stands for."""
    if not target.per_arm:
        return target.n / (1 + k), target.n * k / (1 + k)
    if not target.row["arm"]:
        return float(target.n), float(target.n) * k
    same_cat = [r for r in d.all_rows("design_n_per_group") if r["arm"] and
                r["arm"] != target.row["arm"] and r["category"] == target.row["category"]]
    others = same_cat or [r for r in cohort_rows if r["quantity"] == "design_n_per_group"
                          and r["arm"] and r["arm"] != target.row["arm"] and _num(r)]
    if others:
        return float(_num(others[0])), float(target.n)
    return float(target.n), float(target.n)


def _dropouts(d: StatedDesign) -> list[tuple[float, Row]]:
    return [((_num(r) / 100 if r["unit"] == "percent" else _num(r)), r)
            for r in d.all_rows("design_dropout") if _num(r) is not None and 0 < _num(r) < 100]


def _candidates(base: float, dropouts: list[tuple[float, Row]]
                ) -> list[tuple[set[int], list[str], list[Row], float]]:
    """Whole numbers ``base`` becomes: as is, and inflated by each stated dropout (and two).

    (values, unstated conventions, rows, shortfall in patients of the n (1 + d) shortcut).
    """
    out = [({math.ceil(base - 1e-9), round(base)}, [], [], 0.0)]
    combos = [c for r in (1, 2) for c in itertools.combinations(dropouts, r)]
    for combo in combos:
        divide, multiply = base, base
        for frac, _ in combo:
            divide, multiply = divide / (1 - frac), multiply * (1 + frac)
        rows = [r for _, r in combo]
        out.append(({math.ceil(divide - 1e-9), round(divide)}, [], rows, 0.0))
        shortfall = base - math.ceil(multiply - 1e-9) * math.prod(1 - f for f, _ in combo)
        if shortfall < 1:
            out.append(({math.ceil(multiply - 1e-9)}, [], rows, shortfall))
        else:
            out.append(({math.ceil(multiply - 1e-9)}, [
                f"dropout added as n (1 + d), which leaves {shortfall:.1f} patients short"],
                rows, shortfall))
    return out


def printed_matches(value: float, row: Row) -> bool:
    """Whether ``value`` rounds to the printed number of ``row``."""
    interval = printed_interval(str(row["value"]), str(row["comparator"] or "="))
    return interval.contains(exact(repr(float(value))))
