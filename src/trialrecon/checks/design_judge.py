"""Every stated design against its stated parameters, and the table of calculations behind it.

:func:`judge` turns one :class:`~.stated_designs.StatedDesign` into judged items
(:class:`~.design_calc.Item`): for two-arm designs the stated n against every calculation
(:mod:`.design_calc`); for single-arm designs the stated boundaries against their attained
alpha and power (:mod:`.design_single_arm`); for event-driven designs the planned events
against Schoenfeld's and Freedman's formulas; and stated effect sizes against the
proportions they come from. :func:`calculations` lists every calculation with its n and the
power of the stated n, for the design stage's tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from trialrecon.checks.design_calc import (
    LARGE,
    POWER_TOLERANCE,
    SMALL_SHORTFALL,
    Calc,
    Item,
    Target,
    _candidates,
    _dropouts,
    _named_tests,
    allocation,
    alpha_readings,
    arm_sizes,
    design_effect_of,
    mean_calcs,
    n_targets,
    ordinal_calcs,
    printed_matches,
    proportion_calcs,
    proportions,
)
from trialrecon.checks.design_single_arm import judge_single_arm
from trialrecon.checks.stated_designs import StatedDesign, _num
from trialrecon.stats import events as ev

Row = dict[str, Any]
TWO_ARM = ("two_proportions", "continuous", "ordinal", "cluster")
EVENTS_TOLERANCE = 0.02


def calcs_of(d: StatedDesign, default_sided: str = "two_sided") -> tuple[list[Calc], list[Row]]:
    """Every calculation of a two-arm design (empty when its parameters are incomplete)."""
    power = d.probability("design_power")
    if power is None or d.kind not in TWO_ARM:
        return [], []
    readings = alpha_readings(d, default_sided)
    k = allocation(d)
    rows = [r for r in (d.first("design_alpha"), d.first("design_power")) if r is not None]
    calcs: list[Calc] = []
    props = proportions(d)
    if d.kind == "ordinal":
        calcs, extra = ordinal_calcs(d, readings, power)
        rows += extra
    elif d.kind == "continuous" or (d.kind == "cluster" and d.value("design_sd")):
        calcs, extra = mean_calcs(d, k, readings, power)
        rows += extra
    elif props is not None:
        p0, p1, extra, _how = props
        if abs(p1 - p0) > 1e-12 or d.value("design_margin"):
            calcs = proportion_calcs(d, p0, p1, k, readings, power)
            rows += extra
    if d.kind == "cluster" and calcs:
        de = design_effect_of(d)
        if de is None:
            return [], rows
        factor, de_rows = de
        rows += de_rows
        calcs = [Calc(c.method, c.reading, [*c.unstated], c.n0_raw * factor, c.n1_raw * factor,
                      lambda n0, n1, f=factor, fn=c.power: fn(n0 / f, n1 / f)) for c in calcs]
    return calcs, rows


def calculations(d: StatedDesign, cohort_rows: list[Row]) -> list[dict[str, Any]]:
    """One row per calculation: its n per arm and total, and the power of each stated n."""
    calcs, _ = calcs_of(d)
    targets = n_targets(d)
    out = []
    for c in calcs:
        n0, n1 = c.n_arms
        row = {"cohort": d.cohort, "design": d.key, "kind": d.kind, "method": c.method,
               "alpha": c.reading.alpha, "sided": c.reading.sided,
               "as_stated": c.as_stated, "unstated": "; ".join(c.unstated),
               "n_control_unrounded": c.n0_raw, "n_control": n0, "n_experimental": n1,
               "n_total": n0 + n1}
        if targets:
            t = targets[0]
            a, b = arm_sizes(d, t, allocation(d), cohort_rows)
            row["power_of_smallest_stated_n"] = c.power(a, b)
            row["smallest_stated_n"] = f"{t.n} {'per arm' if t.per_arm else 'in total'}"
        out.append(row)
    return out


def _reproduces(c: Calc, t: Target, dropouts: list) -> tuple[bool, list[str], list[Row]]:
    n0, n1 = c.n_arms
    base = [(float(n0), True), (c.n0_raw, True), (float(n0 + n1), False),
            (c.n0_raw + c.n1_raw, False)]
    for value, per_arm in base:
        if per_arm != t.per_arm:
            continue
        for values, unstated, rows, _ in _candidates(value, dropouts):
            if t.n in values and (rows or not dropouts):
                return True, unstated, rows
    return False, [], []


@dataclass(frozen=True)
class _Reading:
    """How a stated n is read: the evaluable patients, or enrolled before a dropout."""

    extra: tuple[str, ...]
    arms: tuple[float, float]
    dropouts: tuple


def _target_readings(t: Target, arms: tuple[float, float],
                     dropouts: list) -> list[_Reading]:
    if not dropouts:
        return [_Reading((), arms, ())]
    keep = math.prod(1 - f for f, _ in dropouts)
    return [_Reading((), (arms[0] * keep, arms[1] * keep), tuple(dropouts)),
            _Reading(("the stated dropout not allowed for",), arms, ())]


def _judge_smallest(d: StatedDesign, t: Target, calcs: list[Calc], rows: list[Row],
                    cohort_rows: list[Row], power: float, dropouts: list) -> Item:
    """The evaluable n (or, with a stated dropout and no larger n, the n to enrol)."""
    k = allocation(d)
    arms = arm_sizes(d, t, k, cohort_rows)
    tried: list[str] = []
    hits: list[tuple[Calc, list[str], float]] = []  # (calc, unstated, power)
    for rd in _target_readings(t, arms, dropouts):
        for c in calcs:
            ok, extra, _ = _reproduces(c, t, list(rd.dropouts))
            p = c.power(*rd.arms)
            n0, n1 = c.n_arms
            if not rd.extra:
                tried.append(f"{c.label}: n = {n0}{'' if n0 == n1 else f' + {n1}'} per arm; "
                             f"stated n gives power {p:.3f}")
            unstated = [*c.unstated, *extra, *rd.extra]
            if ok:
                hits.append((c, unstated, p))
            elif not math.isnan(p) and p >= power - POWER_TOLERANCE:
                hits.append((c, unstated, p))
    what = f"n = {t.n} {'per arm' if t.per_arm else 'in total'}"
    base_rows = [t.row, *rows, *[r for _, r in dropouts]]
    exact_hits = [c for c, u, _ in hits if not u and _reproduces(c, t, dropouts)[0]]
    stated = [(c, p) for c, u, p in hits if not u]
    biggest = max((c.n_arms[0] for c in calcs if c.as_stated), default=0)
    per_arm_n = t.n if t.per_arm else t.n / (1 + k)
    if dropouts:
        per_arm_n *= math.prod(1 - f for f, _ in dropouts)
    if exact_hits:
        names = "; ".join(sorted({x.label for x in exact_hits}))
        return Item(d, what, "consistent", str(t.n), str(t.n), exact_hits[0].label,
                    f"{what} is what the stated parameters give by {names}"
                    f"{' with the stated dropout' if dropouts else ''}.", base_rows, tried)
    if stated:
        c, p = max(stated, key=lambda x: _safe(x[1]))
        if biggest and per_arm_n > LARGE * biggest and _named_tests(d):
            return Item(d, what, "note", str(t.n), str(c.n_arms[0]), c.label,
                        f"{what} is more than the stated parameters need: {c.label} gives "
                        f"n = {c.n_arms[0]} per arm; the stated n has power {p:.3f}.",
                        base_rows, tried)
        return Item(d, what, "consistent", str(t.n), f"power {p:.3f}", c.label,
                    f"{what} gives power {p:.3f} by {c.label}"
                    f"{' after the stated dropout' if dropouts else ''}, at least the "
                    f"stated {power:g}.", base_rows, tried)
    if hits:
        c, unstated, p = min(hits, key=lambda h: len(h[1]))
        conventions = "; ".join(dict.fromkeys(unstated))
        return Item(d, what, "questionable", str(t.n), str(c.n_arms[0]), c.label,
                    f"{what} is reproduced only under a convention the paper does not state "
                    f"({conventions}): {c.label}.", base_rows, tried,
                    nearest=f"n = {c.n_arms[0]} per arm by {c.label}")
    eff = _target_readings(t, arms, dropouts)[0].arms
    stated_calcs = [c for c in calcs if c.as_stated] or calcs
    best = max(stated_calcs, key=lambda c: _safe(c.power(*eff)))
    p = _safe(best.power(*eff))
    top = max(_safe(c.power(*eff)) for c in calcs)
    named = bool(_named_tests(d))
    severity = ("inconsistent" if named and power - p > SMALL_SHORTFALL else "questionable")
    need = min(stated_calcs, key=lambda c: c.n0_raw)
    why = "" if named else " The paper names no method, so this is not proved."
    other = f" (at most {top:.3f} under any reading)" if top > p + 1e-3 else ""
    return Item(d, what, severity, str(t.n), f"power {p:.3f}", best.label,
                f"{what} gives power {p:.3f} by {best.label}{other}, below the stated "
                f"{power:g}; the stated parameters need n = {need.n_arms[0]} per arm "
                f"({need.label}).{why}", base_rows, tried,
                nearest=f"n = {need.n_arms[0]} per arm")


def _safe(x: float) -> float:
    return -1.0 if math.isnan(x) else x


def _judge_larger(d: StatedDesign, t: Target, smaller: list[Target], calcs: list[Calc],
                  k: float) -> Item | None:
    """A larger stated n: the smaller stated n (or the computed one) through a dropout."""
    dropouts = _dropouts(d)
    what = f"n = {t.n} {'per arm' if t.per_arm else 'in total'}"
    bases: list[tuple[float, str, list[Row]]] = []
    for s in smaller:
        value = s.n if s.per_arm == t.per_arm else (s.n * (1 + k) if s.per_arm else s.n / 2)
        bases.append((value, f"the stated n = {s.n}", [s.row]))
    tried, questionable = [], None
    for value, text, rows in bases:
        for values, unstated, drop_rows, _ in _candidates(value, dropouts):
            tried.append(f"{text}{' with ' + ', '.join(str(r['value']) + '% dropout' for r in drop_rows) if drop_rows else ''}: {sorted(values)}")  # noqa: E501
            if t.n not in values:
                continue
            if not unstated:
                how = (f"{text} inflated for {', '.join(str(r['value']) + '%' for r in drop_rows)}"
                       f" dropout" if drop_rows else f"{text}")
                return Item(d, what, "consistent", str(t.n), str(t.n), how,
                            f"{what} follows from {how}.", [t.row, *rows, *drop_rows], tried)
            questionable = questionable or Item(
                d, what, "questionable", str(t.n), str(t.n), text,
                f"{what} follows from {text} only with {'; '.join(unstated)}.",
                [t.row, *rows, *drop_rows], tried, nearest=None)
    if questionable is not None:
        return questionable
    if not dropouts:
        return None  # a larger n without a stated dropout: nothing to reproduce it with
    biggest = max(math.ceil(v / math.prod(1 - f for f, _ in dropouts)) for v, _, _ in bases)
    return Item(d, what, "inconsistent" if t.n < bases[0][0] else "questionable", str(t.n),
                str(biggest), "dropout inflation",
                f"{what} does not follow from the smaller stated n through the stated dropout "
                f"({', '.join(str(r['value']) + '%' for _, r in dropouts)}).",
                [t.row, *[r for _, _, rs in bases for r in rs], *[r for _, r in dropouts]],
                tried, nearest=f"n = {biggest}")


def judge_two_arm(d: StatedDesign, cohort_rows: list[Row]) -> list[Item]:
    calcs, rows = calcs_of(d)
    power = d.probability("design_power")
    targets = n_targets(d)
    if not calcs or power is None or not targets:
        return []
    k = allocation(d)
    dropouts = _dropouts(d)
    first = targets[0]
    larger = [t for t in targets[1:] if (t.n, t.per_arm) != (first.n, first.per_arm)]
    # with a stated dropout and no larger n, the one n stated is the n to enrol
    enrol = dropouts if dropouts and not larger else []
    out = [_judge_smallest(d, first, calcs, rows, cohort_rows, power, enrol)]
    for j, t in enumerate(targets[1:], start=1):
        same = t.n == targets[0].n and t.per_arm == targets[0].per_arm
        if same:
            continue
        item = _judge_larger(d, t, targets[:j], calcs, k)
        if item is not None:
            out.append(item)
    return out


def judge_effect_sizes(d: StatedDesign) -> list[Item]:
    """A stated ratio against the proportions it is said to come from."""
    out = []
    p0, p1 = d.probability("design_p0"), d.probability("design_p1")
    rows = [d.first("design_p0"), d.first("design_p1")]
    if p0 is None or p1 is None or len(d.all_rows("design_p0")) > 1 and d.kind == "ordinal":
        return out
    ratio = d.first("design_ratio")
    if ratio is not None and _num(ratio) and d.kind == "two_proportions":
        cat = str(ratio["category"]).lower()
        if "odds" in cat and "ordinal" not in cat:
            value, name = (p1 / (1 - p1)) / (p0 / (1 - p0)), "odds ratio"
        elif "risk" in cat:
            value, name = p1 / p0, "risk ratio"
        else:
            value, name = math.nan, ""
        if name:
            out.append(_printed_item(d, ratio, value, name, f"{name} of {p1:g} against {p0:g}",
                                     [ratio, *rows]))
    hr = d.first("design_hr")
    if hr is not None and _num(hr) and d.kind == "event_driven" and 0 < p0 < 1 and 0 < p1 < 1:
        value = math.log(p1) / math.log(p0)
        out.append(_printed_item(d, hr, value, "hazard ratio",
                                 f"log({p1:g}) / log({p0:g}), the hazard ratio of the two "
                                 "landmark survival rates under proportional hazards",
                                 [hr, *rows]))
    return out


def _printed_item(d: StatedDesign, row: Row, value: float, name: str, how: str,
                  rows: list[Row]) -> Item:
    ok = printed_matches(value, row)
    return Item(d, name, "consistent" if ok else "inconsistent", str(row["value"]),
                f"{value:.4g}", how,
                f"The stated {name} {row['value']} {'is' if ok else 'is not'} the {how} "
                f"({value:.4g}).", rows, [f"{how}: {value:.4g}"],
                nearest=None if ok else f"{value:.3g}")


def judge_events(d: StatedDesign) -> list[Item]:
    """Planned events against the events the design HR, alpha and power need."""
    hr, power = d.value("design_hr"), d.probability("design_power")
    events = [r for r in d.all_rows("design_events") if r["unit"] == "events" and _num(r)]
    if not (hr and power and events) or hr == 1:
        return []
    final = next((r for r in events if "final" in str(r["category"]).lower()), events[0])
    stated = _num(final)
    k = allocation(d)
    tried, hits = [], []
    for rd in alpha_readings(d, "two_sided"):
        for method in ev.METHODS:
            need = ev.required_events(hr, rd.alpha, power, k, rd.sided, method)
            tried.append(f"{method}, {rd.text}: {need.events_raw:.1f} -> {need.events}")
            if abs(need.events - stated) <= max(1.0, EVENTS_TOLERANCE * stated):
                hits.append((method, rd))
    rows = [final, *[r for r in (d.first("design_hr"), d.first("design_alpha"),
                                 d.first("design_power")) if r is not None]]
    what = f"{stated:g} events"
    good = [(m, rd) for m, rd in hits if rd.stated]
    if good:
        m, rd = good[0]
        return [Item(d, what, "consistent", str(final["value"]), str(final["value"]), m,
                     f"{what} are what HR {hr:g}, power {power:g} and {rd.text} need "
                     f"({m.capitalize()}).", rows, tried)]
    if hits:
        m, rd = hits[0]
        return [Item(d, what, "questionable", str(final["value"]), "", m,
                     f"{what} are reproduced only with {rd.text} ({m.capitalize()}).", rows,
                     tried)]
    alpha, sided = _first_reading(d)
    need = ev.required_events(hr, alpha, power, k, sided)
    return [Item(d, what, "inconsistent", str(final["value"]), str(need.events), "schoenfeld",
                 f"HR {hr:g} with power {power:g} needs {need.events} events by Schoenfeld's "
                 f"formula, not {what}.", rows, tried, nearest=f"{need.events} events")]


def _first_reading(d: StatedDesign) -> tuple[float, str]:
    rd = alpha_readings(d, "two_sided")[0]
    return rd.alpha, rd.sided


def judge(d: StatedDesign, cohort_rows: list[Row], single_arm_sided: str = "one_sided"
          ) -> list[Item]:
    """Every judged item of one stated design."""
    items: list[Item] = []
    if d.single_arm:
        items += judge_single_arm(d, single_arm_sided)
    elif d.kind in TWO_ARM:
        items += judge_two_arm(d, cohort_rows)
    elif d.kind == "event_driven":
        items += judge_events(d)
        items += _event_patients(d)
    items += judge_effect_sizes(d)
    return items


def _event_patients(d: StatedDesign) -> list[Item]:
    """Stated patients before and after a stated dropout (event-driven designs)."""
    targets = n_targets(d)
    if len(targets) < 2:
        return []
    out = []
    for j, t in enumerate(targets[1:], start=1):
        if t.n == targets[0].n:
            continue
        item = _judge_larger(d, t, targets[:j], [], 1.0)
        if item is not None:
            out.append(item)
    return out
