"""P values of a rebuilt 2x2 table against the reported P, under the test the paper names.

Check ``tests-from-counts``; reference: Fisher 1935; Pearson 1900; Yates 1934; the mid-P of
Lancaster 1961 (J Am Stat Assoc 56:223).

The table is rebuilt from the two arms' events (or every integer count their percentages
allow) over each arm's denominator. Rules (issue 22; each has a clean and an error case in the
planted corpus):

* **the test the paper names** (the row's ``test``): a 2x2 test (chi-square with or without
  Yates' correction, Fisher's exact, the z test) is recomputed alone; a test named only
  "chi-square" is Pearson's with or without Yates' correction (both are chi-square tests; a
  paper that means one of them names the correction). Reproduced: consistent.
  Reproduced only by another 2x2 test: questionable, and the finding names both (a P value
  only another test than the one the Methods name reproduces). Reproduced by none:
  inconsistent.
* **no test named**: the family (chi-square, Yates, Fisher, Fisher's mid-P) is tried and the
  finding says which tests reproduce the P; a P between the family's smallest and largest P
  is reproduced by a test between them (an unconditional exact test, another continuity
  correction). None does: questionable at most, since the test is an assumption the paper
  does not state.
* **not a 2x2 test**: a named test that is not a test of the two counts (stratified, CMH,
  log-rank, Wilcoxon, regression, GEE...), an ``adjusted`` or ``stratified`` P, a
  non-inferiority, equivalence or interaction P, and a P printed beside the events of a
  time-to-event endpoint (the endpoint's log-rank comparison) are not checked.
* **the denominator**: the P is tested over the denominators the paper gives the counts: the
  stated one (a column header's n), the population the row names (``population``), the
  population that governs the quantity (the patients who started treatment for adverse
  events), or the arm; both arms over the same kind. The counts come from the P's own table
  or sentence (same place, same ``population``); a P whose grade level that place prints only
  by its disjoint grades (grade 3 and grade 4 for grade 3-4) uses their sum, and since which
  grades such a P compares is then not stated, the other levels its grades make up are tried
  too (an adverse-event table whose P column does not say its grades). Counts are never
  borrowed from another table or analysis set.
* **two subgroups of one cohort**: a P with no arm and no subgroup whose place prints no
  arm's counts but the counts of exactly two subgroups, each over its stated n (response by
  biomarker status in a single-arm trial: "7 of 18 with and 5 of 25 without, P = 0.03,
  Fisher's exact test"), compares those two subgroups: recomputed the same way, over the
  stated denominators;
* **identical arms**: a P of a characteristic (``Histology``) whose levels (``Histology:
  Adenocarcinoma``...) its table prints for both arms as the same shares (the same counts
  over the same stated n) is 1 under every test of the two distributions (chi-square,
  Fisher's, a rank or trend test: the statistic is 0); a printed P below 0.99 is
  inconsistent, whatever test the paper used;
* **grades unstated**: a table's P transcribed as the event's any-grade level (a P column
  that names no grades) whose place prints the event only by its grade levels may compare any
  split of the grades or their whole distribution (an r x 2 or trend test): when no level
  reproduces it, it is not a finding. A P whose grades the paper states (a footnote "grade
  3-4", transcribed as that level) is judged as before;
* **a table's row P quoted in the text** for one grade level (the same value as the table's
  P of the whole event, grades unstated): when the level's own 2x2 tests give it to within
  one unit of its last printed digit, consistent (the attribution changes nothing); a larger
  gap (a row's 0.05 quoted for a grade whose counts give 0.02) stays a finding;
* a one-sided P (declared) is compared with the one-sided tests; an undeclared P that only a
  one-sided test reproduces is questionable;
* a P of three or more decimals whose recomputed value, rounded to the printed decimals, is
  within one unit of its last printed digit is reproduced (software differs in the last
  digit: tie handling, the rule of the two-sided Fisher P).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from trialrecon.checks.context import (
    Check,
    Context,
    NotApplicable,
    Row,
    compatible,
    is_nan,
    quote,
)
from trialrecon.checks.denominators import denominators, grim_counts
from trialrecon.checks.findings import Finding
from trialrecon.checks.pvalues import overlap, p_interval, significant
from trialrecon.stats.rounding import STANDARD_SCHEMES, decimals_of, half_unit
from trialrecon.stats.twobytwo import TEST_LABELS, two_by_two_ps

# The named tests of a 2x2 table and the P each gives (keys of :func:`two_by_two_ps`).
NAMED: dict[str, str] = {"chi_square": "chi2", "z_test": "chi2", "chi_square_yates": "chi2_yates",
                         "fisher_exact": "fisher"}
FAMILY: tuple[str, ...] = ("chi2", "chi2_yates", "fisher", "fisher_midp")
# A test named plainly "chi-square" may carry Yates' continuity correction.
NAMED_FAMILY: dict[str, tuple[str, ...]] = {"chi_square": ("chi2", "chi2_yates")}
ONE_SIDED: tuple[str, ...] = ("fisher_one_sided", "chi2_one_sided")
LABELS: dict[str, str] = TEST_LABELS
SKIP_HYPOTHESES = frozenset({"non_inferiority", "equivalence", "interaction", "heterogeneity"})


@dataclass(frozen=True)
class ArmCounts:
    """Candidate counts of one arm, its denominators (label, n) and the rows behind them."""

    counts: tuple[int, ...]
    dens: tuple[tuple[str, int, bool], ...]  # (label, n, stated by the paper)
    rows: tuple[Row, ...]
    # the P's grade level printed only by its parts: which grades it compares is unstated,
    # so the other levels the place's grades make up are tried too (level -> count)
    levels: tuple[tuple[str, int], ...] = ()


def _local(ctx: Context, p: Row, arm: str, quantity: str) -> list[Row]:
    """Count and percent rows of the P's place (table or sentence) and analysis set."""
    rows = [r for r in ctx.where(arm=arm, source=p["source"], cohort=p["cohort"],
                                 subgroup=p["subgroup"], quantity=quantity,
                                 category=p["category"], data_cut=p["data_cut"])
            if ctx.numeric(r) and r["statistic"] in ("count", "percent")
            and compatible(r, p, ("population",))]
    same_place = [r for r in rows if r["location"] == p["location"]]
    if same_place or p["row"] or p["column"]:
        return same_place  # a table's P uses that table's counts, never another's
    return rows


def _atoms(ctx: Context, quantity: str) -> frozenset[str]:
    parts = ctx.vocab.attribute(quantity, "includes") or ()
    if not parts:
        return frozenset({quantity})
    return frozenset(a for q in parts if not ctx.vocab.attribute(q, "includes") for a in [q])


def _disjoint_parts(ctx: Context, p: Row, arm: str, quantity: str = "") -> list[Row] | None:
    """Count rows of disjoint levels that make up a level at the P's place (grade 3 + 4)."""
    quantity = quantity or p["quantity"]
    target = _atoms(ctx, quantity)
    if len(target) < 2:
        return None
    cands = [q for q in (ctx.vocab.attribute(quantity, "includes") or ())]
    found: dict[str, Row] = {}
    for q in cands:
        rows = [r for r in _local(ctx, p, arm, q) if r["statistic"] == "count"]
        if rows:
            found[q] = rows[0]
    # the largest disjoint levels first, so grade 1-2 is preferred to grade 1 and grade 2
    chosen: list[str] = []
    covered: set[str] = set()
    for q in sorted(found, key=lambda q: -len(_atoms(ctx, q))):
        atoms = _atoms(ctx, q)
        if not atoms & covered:
            chosen.append(q)
            covered |= atoms
    if covered != set(target) or len(chosen) < 2:
        return None
    return [found[q] for q in chosen]


def _arm_counts(ctx: Context, p: Row, arm: str) -> ArmCounts | None:
    """Candidate event counts and denominators of one arm for the P's comparison."""
    local = _local(ctx, p, arm, p["quantity"])
    count = next((r for r in local if r["statistic"] == "count"), None)
    pct = next((r for r in local if r["statistic"] == "percent"), None)
    parts = None
    if count is None and pct is None:
        parts = _disjoint_parts(ctx, p, arm)
        if parts is None:
            return None
    ref = count or pct or parts[0]  # type: ignore[index]
    dens = tuple((d.label, d.n, d.label == "stated denominator" or d.local)
                 for d in denominators(ctx, ref) if d.natural)
    if not dens:
        return None
    if parts is not None:
        return ArmCounts((sum(int(r["value_num"]) for r in parts),), dens, tuple(parts),
                         _other_levels(ctx, p, arm))
    if count is not None:
        return ArmCounts((int(count["value_num"]),), dens, (count,))
    ks = tuple(k for _, n, _ in dens[:1] for k in grim_counts(n, pct["value"], STANDARD_SCHEMES))
    return ArmCounts(ks, dens, (pct,)) if ks else None  # type: ignore[arg-type]


def _other_levels(ctx: Context, p: Row, arm: str) -> tuple[tuple[str, int], ...]:
    """Counts of the other grade levels of the P's family that its place prints or makes up
    (grade 3-4, grade 3 or higher, any grade, single grades)."""
    family = p["quantity"].split("_", 1)[0] + "_"
    out = []
    for q in ctx.vocab.quantities:
        if q == p["quantity"] or not q.startswith(family) or "grade" not in q:
            continue
        direct = [r for r in _local(ctx, p, arm, q) if r["statistic"] == "count"]
        if direct:
            out.append((q, int(direct[0]["value_num"])))
            continue
        parts = _disjoint_parts(ctx, p, arm, q)
        if parts is not None:
            out.append((q, sum(int(r["value_num"]) for r in parts)))
    return tuple(out)


def _pairs(e: ArmCounts, c: ArmCounts) -> list[tuple[int, int, int, int, bool]]:
    """(a, n1, b, n2, stated) tables: both arms over one kind of denominator, stated first."""
    out = []
    for (le, ne, se), (lc, nc, sc) in itertools.product(e.dens[:4], c.dens[:4]):
        if le != lc:
            continue  # both arms over one kind of denominator, never a mix
        for a, b in itertools.product(e.counts, c.counts):
            if a <= ne and b <= nc:
                out.append((a, ne, b, nc, se and sc))
    return list(dict.fromkeys(out))[:60]


def _other_level(ce: ArmCounts, cc: ArmCounts, rep: tuple[float, float],
                 tables: list[tuple[int, int, int, int, bool]]) -> str:
    """A grade level (printed or made up from its grades at the P's place) whose counts give
    the P under a 2x2 test, when the P's own level is itself made up from its grades."""
    if not ce.levels or not cc.levels or not tables:
        return ""
    _, n1, _, n2, _ = tables[0]
    theirs = dict(cc.levels)
    for q, a in ce.levels:
        if q not in theirs or a > n1 or theirs[q] > n2:
            continue
        ps = two_by_two_ps(a, n1, theirs[q], n2)
        lo, hi = min(ps[k] for k in FAMILY), max(ps[k] for k in FAMILY)
        if overlap((lo, hi), rep):
            return (f"the {q.replace('_', ' ')} counts {a}/{n1} vs {theirs[q]}/{n2} give "
                    f"{lo:.3g} to {hi:.3g}")
    return ""


def _last_digit(p: Row, rep: tuple[float, float]) -> tuple[float, float]:
    """A printed P widened by one unit of its last digit each way: statistical software
    differs in the last digit (tie handling, the two-sided Fisher rule), so a P whose
    recomputed value, rounded to the printed decimals, is within one unit of the printed last
    digit is reproduced (0.6835 rounds to 0.684, one unit from a printed 0.685)."""
    if (p["comparator"] or "=") != "=" or decimals_of(str(p["value"])) < 3:
        return rep  # a bound, or a P of two decimals: its rounding is already coarse
    unit = 2 * float(half_unit(str(p["value"])))
    return max(0.0, rep[0] - unit), min(1.0, rep[1] + unit)


def _bracketed(tables: list[tuple[int, int, int, int, bool]], rep: tuple[float, float]
               ) -> tuple[int, int, int, int, float, float] | None:
    """A table whose usual tests' P values (chi-square, Yates, Fisher, mid-P) span the
    reported P: the 2x2 tests form a continuum between the least and the most conservative,
    so with no test named a P between them is reproduced by some admissible test."""
    for a, n1, b, n2, _ in tables:
        ps = two_by_two_ps(a, n1, b, n2)
        lo, hi = min(ps[k] for k in FAMILY), max(ps[k] for k in FAMILY)
        if overlap((lo, hi), rep):
            return a, n1, b, n2, lo, hi
    return None


def _skip_reason(ctx: Context, p: Row) -> str:
    """Why a P value is not a 2x2 test of the two arms' counts ("" when it may be)."""
    if p["test"] and p["test"] not in NAMED:
        return f"P of a test that is not a 2x2 test of the counts ({p['test']})"
    if p["adjustment"] in ("adjusted", "stratified") or p["adjustment"].startswith("adjusted"):
        return "adjusted or stratified P (not a test of the crude counts)"
    if p["hypothesis"] in SKIP_HYPOTHESES:
        return f"{p['hypothesis'].replace('_', '-')} P (not a test of no difference)"
    if ctx.vocab.attribute(p["quantity"], "events_of") and not p["test"]:
        return "P beside the events of a time-to-event endpoint (its log-rank comparison)"
    return ""


def _level_counts(ctx: Context, p: Row, arm: str) -> dict[str, Row]:
    """The counts of the levels (``Characteristic: level``) of the P's characteristic that
    the P's table prints for one arm, each over its stated denominator."""
    prefix = f"{str(p['category']).strip().lower()}:"
    out: dict[str, Row] = {}
    for r in ctx.where(arm=arm, source=p["source"], cohort=p["cohort"], subgroup=p["subgroup"],
                       quantity=p["quantity"], location=p["location"], statistic="count",
                       data_cut=p["data_cut"]):
        cat = str(r["category"]).strip().lower()
        if (cat.startswith(prefix) and ctx.numeric(r) and not is_nan(r["denominator_num"])
                and r["denominator_num"] > 0):
            out.setdefault(cat, r)
    return out


def _identical_levels(ctx: Context, p: Row, exp: str, comp: str) -> Finding | None:
    """A P of a characteristic whose levels both arms print as the same shares: every test of
    the two distributions gives P = 1."""
    if not p["category"] or ":" in str(p["category"]):
        return None
    e, c = _level_counts(ctx, p, exp), _level_counts(ctx, p, comp)
    if len(e) < 2 or set(e) != set(c):
        return None
    same = all(Fraction(int(e[k]["value_num"]), int(e[k]["denominator_num"]))
               == Fraction(int(c[k]["value_num"]), int(c[k]["denominator_num"])) for k in e)
    if not same:
        return None
    rows = [p, *e.values(), *c.values()]
    ctx.see(rows)
    levels = "; ".join(f"{e[k]['category']} {int(e[k]['value_num'])}/"
                       f"{int(e[k]['denominator_num'])} vs {int(c[k]['value_num'])}/"
                       f"{int(c[k]['denominator_num'])}" for k in e)
    rec = {"method": "the two arms' distributions over the characteristic's levels",
           "inputs": {"reported_p": f"{p['comparator'] or '='} {p['value']}"},
           "tried": [levels], "result": "identical shares: every test gives P = 1"}
    if p_interval(p)[1] >= 0.99:
        return ctx.finding("consistent", f"P {p['value']} of identical arms",
                           f"{quote(p)}: the arms print the same shares ({levels}), so every "
                           "test gives P = 1.", rows, recomputation=rec)
    return ctx.finding(
        "inconsistent", f"P {p['value']} but the arms are identical",
        f"The arms print the same shares of every level ({levels}): the statistic of any test "
        f"of the two distributions is 0 and its P is 1, against {quote(p)}.", rows,
        recomputation=rec, nearest="P = 1",
        ruled_out=["any test of the two distributions (chi-square, Fisher, rank, trend)"])


def _subgroup_pair(ctx: Context, p: Row) -> tuple[ArmCounts, ArmCounts] | None:
    """The counts of the two subgroups a P with no arm compares at its place, each over its
    stated denominator; None unless the place prints exactly two subgroups' counts."""
    if p["arm"] or p["subgroup"]:
        return None
    rows = [r for r in ctx.where(source=p["source"], location=p["location"],
                                 cohort=p["cohort"], quantity=p["quantity"],
                                 category=p["category"], statistic="count")
            if r["subgroup"] and ctx.numeric(r) and r["data_cut"] == p["data_cut"]
            and compatible(r, p, ("population",))]
    if any(r["arm"] for r in rows):
        return None
    first: dict[str, Row] = {}
    for r in rows:
        first.setdefault(r["subgroup"], r)
    if len(first) != 2 or any(is_nan(r["denominator_num"]) or r["denominator_num"] <= 0
                              for r in first.values()):
        return None
    a, b = (ArmCounts((int(r["value_num"]),), (("stated denominator",
                                                 int(r["denominator_num"]), True),), (r,))
            for r in first.values())
    return a, b


def check_tests_from_counts(ctx: Context) -> list[Finding]:
    """Each P value of two arms' (or two subgroups') counts against the 2x2 tests (see the
    module docstring)."""
    arms = [a for a in ctx.dossier.trial.arms if not a.parts]
    exp = next((a.id for a in arms if a.role == "experimental"), arms[0].id) \
        if len(arms) == 2 else ""
    comp = next(a.id for a in arms if a.id != exp) if exp else ""
    out = []
    for p in [r for r in ctx.rows if r["statistic"] == "p_value" and not r["arm"]
              and ctx.numeric(r) and ctx.kind(r["quantity"]) not in ("ratio", "design",
                                                                    "effect")]:
        reason = _skip_reason(ctx, p)
        if reason:
            ctx.skip(reason)
            continue
        ce, cc = (_arm_counts(ctx, p, exp), _arm_counts(ctx, p, comp)) if exp else (None, None)
        if ce is None or cc is None:
            ce, cc = _subgroup_pair(ctx, p) or (None, None)
        if (ce is None or cc is None) and not exp:
            ctx.skip("P value without two arms or two subgroups to compare")
            continue
        if ce is None or cc is None:
            same = _identical_levels(ctx, p, exp, comp)
            if same is not None:
                out.append(same)
                continue
            ctx.skip("P value without both arms' counts at its place")
            continue
        tables = _pairs(ce, cc)
        if not tables:
            ctx.skip("P value without a denominator of one kind for both arms")
            continue
        ctx.see([p, *ce.rows, *cc.rows])
        judged = _judge(ctx, p, ce, cc, tables)
        if judged.severity != "consistent" and _grades_unstated(ctx, p, ce, cc):
            ctx.skip("a P whose grades are not stated (an adverse-event table's P column), "
                     "reproduced by no grade level")
            continue
        quoted = None if judged.severity == "consistent" else _quoted_row_p(
            ctx, p, [*ce.rows, *cc.rows], tables)
        out.append(quoted or judged)
    if not exp and not out:
        raise NotApplicable("needs a trial with exactly two arms, or a P of two subgroups")
    return out


def _any_grade(quantity: str) -> str:
    return quantity.split("_", 1)[0] + "_any_grade"


def _grades_unstated(ctx: Context, p: Row, ce: ArmCounts, cc: ArmCounts) -> bool:
    """A table's P of the event's any-grade level (what a P column that names no grades is
    transcribed as) whose place prints the event only by its grade levels: which grades, or
    which test of the grade distribution, it compares is not stated."""
    return (p["quantity"] == _any_grade(p["quantity"]) and bool(p["row"] or p["column"])
            and bool(ce.levels) and bool(cc.levels))


def _quoted_row_p(ctx: Context, p: Row, counts: list[Row],
                  tables: list[tuple[int, int, int, int, bool]]) -> Finding | None:
    """A text P beside one grade level's counts that is the P a table prints for the whole
    event (grades unstated, same value): the row's P quoted. When the level's own 2x2 tests
    give it to within one unit of its last printed digit, the attribution changes nothing a
    reader would act on: consistent, saying so. A larger gap stays a finding."""
    if p["row"] or p["column"] or p["quantity"] == _any_grade(p["quantity"]):
        return None
    same = [r for r in ctx.where(source=p["source"], cohort=p["cohort"], arm="",
                                 subgroup=p["subgroup"], category=p["category"],
                                 quantity=_any_grade(p["quantity"]), statistic="p_value")
            if (r["row"] or r["column"]) and r["value"] == p["value"]
            and (r["comparator"] or "=") == (p["comparator"] or "=")
            and str(r.get("data_cut") or "") == str(p.get("data_cut") or "")]
    if not same:
        return None
    unit = 2 * float(half_unit(str(p["value"])))
    lo, hi = p_interval(p)
    for a, n1, b, n2, _ in tables:
        ps = two_by_two_ps(a, n1, b, n2)
        hit = [k for k in FAMILY if overlap((ps[k], ps[k]), (lo - unit, hi + unit))]
        if hit:
            return ctx.finding(
                "consistent", f"P {p['value']} is the table row's P",
                f"{quote(p)} is the P {quote(same[0])} prints for the whole event (its grades "
                f"unstated); for {a}/{n1} vs {b}/{n2} {LABELS[hit[0]]} gives {ps[hit[0]]:.3g}, "
                "within one unit of its last digit.", [p, *counts, same[0]],
                recomputation={"method": "the table row's P quoted for one grade level",
                               "result": f"{LABELS[hit[0]]} {ps[hit[0]]:.3g}"})
    return None


def _judge(ctx: Context, p: Row, ce: ArmCounts, cc: ArmCounts,
           tables: list[tuple[int, int, int, int, bool]]) -> Finding:
    rows = [p, *ce.rows, *cc.rows]
    rep = _last_digit(p, p_interval(p))
    named = NAMED.get(p["test"], "")
    one_sided = p["sided"] == "one_sided"
    family = ONE_SIDED if one_sided else (NAMED_FAMILY.get(p["test"], (named,)) if named
                                          else FAMILY)
    others = [k for k in (ONE_SIDED if one_sided else FAMILY) if k not in family]
    others += [] if one_sided else list(ONE_SIDED)
    found: dict[str, tuple[int, int, int, int, float]] = {}
    tried = []
    for a, n1, b, n2, _ in tables:
        ps = two_by_two_ps(a, n1, b, n2)
        tried.append(f"{a}/{n1} vs {b}/{n2}: "
                     + ", ".join(f"{LABELS[k]} {ps[k]:.3g}" for k in (*FAMILY, *ONE_SIDED)))
        for k, v in ps.items():
            if k not in found and overlap((v, v), rep):
                found[k] = (a, n1, b, n2, v)
    rec = {"method": "2x2 table rebuilt from the arms; "
                     + (f"the named test ({LABELS[named]})" if named else
                        "chi-square, Yates, Fisher and mid-P (no test named)"),
           "inputs": {"reported_p": f"{p['comparator'] or '='} {p['value']}",
                      "test": p["test"] or "not stated", "sided": p["sided"] or "not stated"},
           "tried": tried}
    hits = [k for k in family if k in found]
    if hits:
        a, n1, b, n2, v = found[hits[0]]
        names = ", ".join(LABELS[k] for k in hits)
        rec["result"] = f"{names}: P = {v:.3g} for {a}/{n1} vs {b}/{n2}"
        return ctx.finding("consistent", f"P {p['value']} reproduced ({LABELS[hits[0]]})",
                           f"{quote(p)} is reproduced by {names} for {a}/{n1} vs {b}/{n2}.",
                           rows, recomputation=rec)
    level = _other_level(ce, cc, rep, tables)
    if level:
        rec["result"] = level
        return ctx.finding(
            "consistent", f"P {p['value']} fits another grade level",
            f"{quote(p)}: the place prints this grade level only by its parts, so which grades "
            f"the P compares is not stated; {level}.", rows, recomputation=rec)
    if not named and not one_sided:
        between = _bracketed(tables, rep)
        if between is not None:
            a, n1, b, n2, lo, hi = between
            rec["result"] = f"between {lo:.3g} and {hi:.3g} for {a}/{n1} vs {b}/{n2}"
            return ctx.finding(
                "consistent", f"P {p['value']} between the 2x2 tests",
                f"{quote(p)} lies between the P values of the usual 2x2 tests for {a}/{n1} vs "
                f"{b}/{n2} ({lo:.3g} to {hi:.3g}); with no test named, a test between them (an "
                "unconditional exact test, another continuity correction) gives it.", rows,
                recomputation=rec)
    alt = [k for k in others if k in found]
    if alt:
        a, n1, b, n2, v = found[alt[0]]
        names = ", ".join(LABELS[k] for k in alt)
        rec["result"] = f"only {names}: P = {v:.3g} for {a}/{n1} vs {b}/{n2}"
        stated = (f"the paper names {LABELS[named]}" if named else "the paper names no test")
        if alt[0] in ONE_SIDED and not one_sided:
            stated = "the paper does not say the test is one-sided"
        return ctx.finding(
            "questionable", f"P {p['value']} is the {LABELS[alt[0]]} P"
            + (f", not {LABELS[named]}" if named else ""),
            f"{quote(p)} is reproduced only by {names} ({a}/{n1} vs {b}/{n2}), but {stated}.",
            rows, recomputation=rec, nearest=f"{LABELS[family[0]]} P",
            ruled_out=[LABELS[k] for k in family])
    a, n1, b, n2, stated_den = tables[0]
    ps = two_by_two_ps(a, n1, b, n2)
    ref = ps[family[0]]
    gross = significant((ref, ref)) != significant(rep) and significant(rep) is not None
    rec["result"] = "no 2x2 test reproduces the reported P"
    rec["gross"] = gross
    inferred = any(r["statistic"] == "percent" for r in rows[1:])
    assumed = [x for x, ok in (("the test", bool(named) or one_sided),
                               ("the counts (read back from percentages)", not inferred),
                               ("the denominators", stated_den)) if not ok]
    severity = "questionable" if assumed else "inconsistent"
    because = (" This rests on what the paper does not state: " + "; ".join(assumed) + "."
               if assumed else "")
    return ctx.finding(
        severity, ("gross inconsistency: " if gross else "")
        + f"P {p['value']} not reproduced by the counts",
        f"For {a}/{n1} vs {b}/{n2} " + ", ".join(
            f"{LABELS[k]} gives {ps[k]:.3g}" for k in (family if named or one_sided
                                                     else FAMILY))
        + f", against {quote(p)}.{because}", rows, recomputation=rec,
        nearest=f"{LABELS[family[0]]} P {ref:.3g}",
        ruled_out=[LABELS[k] for k in (*FAMILY, *ONE_SIDED)])


CHECK = Check(
    "tests-from-counts", "2",
    "P of a rebuilt 2x2 table under the test the paper names (or, when none, which tests "
    "reproduce it)",
    "Fisher 1935; Pearson 1900; Yates 1934; Lancaster 1961 (mid-P)",
    check_tests_from_counts,
)
