"""Single-arm designs as stated: boundaries against their attained alpha and power, the rule.

The boundaries follow Simon's convention (the format's ``design_r1`` and ``design_r``): stop
after the first stage when at most r1 of n1 respond, declare the treatment worth pursuing
when more than r of n respond. A single-stage design has no r1; A'Hern's critical count
(reject when at least r_A respond) is r_A = r + 1.

* Stated boundaries: their attained alpha (the probability under p0 of passing both
  stages) must not exceed the stated alpha by more than :data:`ALPHA_TOLERANCE`, and their
  power under p1 must not fall short of the stated power by more than
  :data:`POWER_TOLERANCE`; otherwise the boundary is misstated (inconsistent), unless an
  unstated reading of alpha (the other sidedness) reconciles it (questionable).
* A design named optimal, minimax or admissible must be that design for its parameters
  (Simon 1989; Jung et al. 2004); another kind's boundaries are questionable (the name is
  wrong), valid boundaries of no kind a note.
* Stated expected sample size and probability of early termination must round to those of
  the stated boundaries.
* Without stated boundaries the planned n must attain the stated power with A'Hern's
  critical count (single stage) or be the named Simon design's n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trialrecon.checks.design_calc import Item, alpha_readings, printed_matches
from trialrecon.checks.stated_designs import SIMON_KINDS, StatedDesign, _num
from trialrecon.stats import single_arm as sa

Row = dict[str, Any]
ALPHA_TOLERANCE = 0.005
POWER_TOLERANCE = 0.01
SMALL_SHORTFALL = 0.03


@dataclass(frozen=True)
class Rule:
    """The decision rule of a single-arm design, in Simon's convention."""

    kind: str  # simon | single_stage
    r1: int | None
    n1: int | None
    r: int
    n: int
    stated: bool
    rows: tuple[str, ...]

    @property
    def text(self) -> str:
        final = f"more than {self.r} responders of {self.n}"
        if self.kind == "simon":
            return f"continue past {self.n1} patients only with more than {self.r1} " \
                   f"responders; success with {final}"
        return f"success with {final}"


def _level(alpha: float, sided: str) -> float:
    return alpha if sided == "one_sided" else alpha / 2


def _planned_n(d: StatedDesign) -> tuple[int, Row] | None:
    for q in ("design_n_per_group", "design_n_total"):
        for r in d.all_rows(q):
            if _num(r) is not None and not r["arm"]:
                return int(round(_num(r))), r
    return None


def _parameter_rows(d: StatedDesign) -> list[Row]:
    return [r for q in ("design_p0", "design_p1", "design_alpha", "design_power")
            if (r := d.first(q)) is not None]


def rule_of(d: StatedDesign, sided_default: str = "one_sided") -> Rule | None:
    """The stated rule, else the rule the named design implies at the planned n."""
    planned = _planned_n(d)
    r, r1, n1 = d.whole("design_r"), d.whole("design_r1"), d.whole("design_n1")
    if planned is None:
        return None
    n, n_row = planned
    ids = tuple(d.ids("design_r1", "design_n1", "design_r")) + (n_row["id"],)
    if r is not None and r1 is not None and n1 is not None:
        return Rule("simon", r1, n1, r, n, True, ids)
    if r is not None:
        return Rule("single_stage", None, None, r, n, True, ids)
    p0, p1 = d.probability("design_p0"), d.probability("design_p1")
    rd = alpha_readings(d, sided_default)[0]
    if p0 is None or rd is None:
        return None
    level = _level(rd.alpha, rd.sided)
    if d.kind in SIMON_KINDS and p1 is not None and d.probability("design_power"):
        for design in _named(d, p0, p1, level, d.probability("design_power") or 0.8):
            if design.n == n:
                return Rule("simon", design.r1, design.n1, design.r, n, False, ids)
        return None
    r_ahern = next(k for k in range(n + 2) if k > n or sa.exact_p_value(k, n, p0) <= level)
    return Rule("single_stage", None, None, r_ahern - 1, n, False, ids)


def _named(d: StatedDesign, p0: float, p1: float, level: float,
           power: float) -> list[sa.SimonDesign]:
    try:
        found = sa.simon_two_stage(p0, p1, level, power, n_max=200)
    except ValueError:
        return []
    wanted = {"simon_optimal": ["optimal"], "simon_minimax": ["minimax"]}.get(
        d.kind, ["optimal", "minimax"])
    return [found[k] for k in wanted]


def judge_single_arm(d: StatedDesign, sided_default: str = "one_sided") -> list[Item]:
    p0, p1 = d.probability("design_p0"), d.probability("design_p1")
    power = d.probability("design_power")
    planned = _planned_n(d)
    if p0 is None or p1 is None or power is None or planned is None or p1 <= p0:
        return []
    n, n_row = planned
    readings = alpha_readings(d, sided_default)
    r, r1, n1 = d.whole("design_r"), d.whole("design_r1"), d.whole("design_n1")
    rows = [n_row, *_parameter_rows(d)]
    if r is not None:
        boundary_rows = [x for q in ("design_r1", "design_n1", "design_r")
                         if (x := d.first(q)) is not None]
        simon = r1 is not None and n1 is not None
        stated = sa.simon_characteristics(r1 if simon else -1, n1 if simon else n, r, n, p0, p1)
        item = _boundary_item(d, stated, readings, power, [*boundary_rows, *rows], simon)
        if item.severity != "consistent" and d.kind in SIMON_KINDS:
            level = _level(readings[0].alpha, readings[0].sided)
            named = "; ".join(f"{x.kind} {x.r1}/{x.n1}, {x.r}/{x.n}"
                              for x in _named(d, p0, p1, level, power))
            if named:
                item.sentence += f" Simon's design for these parameters: {named}."
                item.nearest = named
        out = [item]
        if simon:
            out += _summary_items(d, stated, rows)
            if item.severity == "consistent":
                type_row = [x for x in (d.first("design_type"),) if x is not None]
                out += _kind_items(d, stated, readings[0], power,
                                   [*type_row, *boundary_rows, *rows])
        return out
    if d.kind in SIMON_KINDS:
        return _simon_n_item(d, n, p0, p1, readings[0], power, rows)
    return [_single_stage_n_item(d, n, p0, p1, readings, power, rows)]


def _boundary_item(d: StatedDesign, s: sa.SimonDesign, readings: list, power: float,
                   rows: list[Row], simon: bool) -> Item:
    text = (f"{s.r1}/{s.n1}, {s.r}/{s.n}" if simon else f"more than {s.r} of {s.n}")
    what = f"boundaries {text}" if simon else f"boundary {text}"
    verb = "attain" if simon else "attains"
    tried = [f"{rd.text}: one-sided level {_level(rd.alpha, rd.sided):g}" for rd in readings]
    tried.append(f"attained alpha {s.alpha:.4f}, power {s.power:.4f}")
    power_ok = s.power >= power - POWER_TOLERANCE
    fits = [rd for rd in readings if s.alpha <= _level(rd.alpha, rd.sided) + ALPHA_TOLERANCE]
    computed = f"alpha {s.alpha:.4f}, power {s.power:.4f}"
    if power_ok and fits and fits[0].stated:
        return Item(d, what, "consistent", text, computed, "exact binomial (Simon 1989)",
                    f"The {what} {verb} alpha {s.alpha:.4f} and power {s.power:.4f} "
                    f"({fits[0].text}, power {power:g}).", rows, tried)
    if power_ok and fits:
        return Item(d, what, "questionable", text, computed, "exact binomial (Simon 1989)",
                    f"The {what} {verb} alpha {s.alpha:.4f}: within the stated alpha only "
                    f"as {fits[0].text}.", rows, tried)
    level = _level(readings[0].alpha, readings[0].sided)
    faults = []
    if s.alpha > level + ALPHA_TOLERANCE:
        faults.append(f"{verb} alpha {s.alpha:.4f}, above the stated {level:g}")
    if not power_ok:
        faults.append(f"{verb} power {s.power:.4f}, below the stated {power:g}")
    short = power - s.power
    severity = ("questionable" if not faults[:1] or (len(faults) == 1 and not power_ok
                                                      and short <= SMALL_SHORTFALL)
                else "inconsistent")
    return Item(d, what, severity, text, computed, "exact binomial (Simon 1989)",
                f"The stated {what} {' and '.join(faults)}: the boundary is misstated.",
                rows, tried, nearest=computed)


def _summary_items(d: StatedDesign, s: sa.SimonDesign, rows: list[Row]) -> list[Item]:
    out = []
    for q, value, name in (("design_expected_n", s.expected_n, "expected sample size"),
                           ("design_pet", s.pet, "probability of early termination")):
        row = d.first(q)
        if row is None or _num(row) is None:
            continue
        shown = 100 * value if row["unit"] == "percent" else value
        ok = printed_matches(shown, row)
        out.append(Item(d, name, "consistent" if ok else "inconsistent", str(row["value"]),
                        f"{shown:.4g}", "Simon (1989)",
                        f"The stated {name} {row['value']} {'is' if ok else 'is not'} that "
                        f"of the stated boundaries ({shown:.4g}).", [row, *rows],
                        [f"{name} under p0: {shown:.4g}"], nearest=None if ok else
                        f"{shown:.3g}"))
    return out


def _kind_items(d: StatedDesign, s: sa.SimonDesign, rd: Any, power: float,
                rows: list[Row]) -> list[Item]:
    if d.kind not in SIMON_KINDS:
        return []
    level = _level(rd.alpha, rd.sided)
    try:
        found = sa.simon_two_stage(d.probability("design_p0"), d.probability("design_p1"),
                                   level, power, n_max=max(200, s.n))
        admissible = sa.simon_admissible(d.probability("design_p0"),
                                         d.probability("design_p1"), level, power,
                                         n_max=max(200, s.n))
    except ValueError:
        return []
    kinds = {k: (x.r1, x.n1, x.r, x.n) for k, x in found.items()}
    adm = [(x.r1, x.n1, x.r, x.n) for x, _, _ in admissible]
    mine = (s.r1, s.n1, s.r, s.n)
    named = d.kind.removeprefix("simon_")
    is_kind = {k for k, v in kinds.items() if v == mine} | ({"admissible"} if mine in adm
                                                            else set())
    listing = "; ".join(f"{k} {v[0]}/{v[1]}, {v[2]}/{v[3]}" for k, v in kinds.items())
    tried = [f"Simon designs at one-sided alpha {level:g}, power {power:g}: {listing}"]
    what = "kind of design"
    if named in is_kind or (named == "two_stage" and is_kind):
        return [Item(d, what, "consistent", named, ", ".join(sorted(is_kind)), "Simon (1989)",
                     f"The stated boundaries are Simon's {', '.join(sorted(is_kind))} design "
                     f"for these parameters.", rows, tried)]
    if named == "two_stage":
        return []
    if is_kind:
        return [Item(d, what, "questionable", named, ", ".join(sorted(is_kind)),
                     "Simon (1989)", f"The stated boundaries are Simon's "
                     f"{', '.join(sorted(is_kind))} design, not the {named} design the paper "
                     f"names ({listing}).", rows, tried)]
    return [Item(d, what, "note", named, "", "Simon (1989)",
                 f"The stated boundaries are valid but not Simon's {named} design for these "
                 f"parameters ({listing}).", rows, tried)]


def _simon_n_item(d: StatedDesign, n: int, p0: float, p1: float, rd: Any, power: float,
                  rows: list[Row]) -> list[Item]:
    designs = _named(d, p0, p1, _level(rd.alpha, rd.sided), power)
    if not designs:
        return []
    hit = [x for x in designs if x.n == n]
    listing = "; ".join(f"{x.kind} {x.r1}/{x.n1}, {x.r}/{x.n}" for x in designs)
    what = f"n = {n}"
    if hit:
        return [Item(d, what, "consistent", str(n), str(n), "Simon (1989)",
                     f"{what} is the n of Simon's {hit[0].kind} design ({listing}).", rows,
                     [listing])]
    return [Item(d, what, "inconsistent", str(n), str(designs[0].n), "Simon (1989)",
                 f"{what} is not the n of the Simon design the parameters give ({listing}).",
                 rows, [listing], nearest=f"n = {designs[0].n}")]


def _single_stage_n_item(d: StatedDesign, n: int, p0: float, p1: float, readings: list,
                         power: float, rows: list[Row]) -> Item:
    tried, fits = [], []
    for rd in readings:
        level = _level(rd.alpha, rd.sided)
        r = next(k for k in range(n + 2) if k > n or sa.exact_p_value(k, n, p0) <= level)
        attained = sa.single_stage_reject_probability(
            sa.SingleStageDesign(n, r, 0.0, 0.0, p0, p1), p1).item() if r <= n else 0.0
        tried.append(f"{rd.text}: reject when >= {r} of {n}; power at p1 = {attained:.4f}")
        if attained >= power - POWER_TOLERANCE:
            fits.append((rd, r, attained))
    minimal = sa.exact_single_stage(p0, p1, _level(readings[0].alpha, readings[0].sided),
                                    power)
    tried.append(f"smallest exact design: n = {minimal.n}, r = {minimal.r}")
    what = f"n = {n}"
    method = "exact single-stage binomial design (A'Hern 2001)"
    if fits and fits[0][0].stated:
        rd, r, att = fits[0]
        return Item(d, what, "consistent", str(n), f"power {att:.3f}", method,
                    f"With n = {n} and the rule 'at least {r} responders', {rd.text}, the "
                    f"power at p1 = {p1:g} is {att:.3f}.", rows, tried)
    if fits:
        rd, r, att = fits[0]
        return Item(d, what, "questionable", str(n), f"power {att:.3f}", method,
                    f"n = {n} attains the power only with {rd.text}.", rows, tried)
    level = _level(readings[0].alpha, readings[0].sided)
    r = next(k for k in range(n + 2) if k > n or sa.exact_p_value(k, n, p0) <= level)
    att = float(sa.single_stage_reject_probability(
        sa.SingleStageDesign(n, r, 0.0, 0.0, p0, p1), p1)) if r <= n else 0.0
    severity = "questionable" if power - att <= SMALL_SHORTFALL else "inconsistent"
    return Item(d, what, severity, str(n), f"power {att:.3f}", method,
                f"With n = {n} (rule 'at least {r} responders') the power at p1 = {p1:g} is "
                f"only {att:.3f}, below the stated {power:g}; the exact design needs "
                f"n = {minimal.n}.", rows, tried, nearest=f"n = {minimal.n}")
