"""The same quantity stated in several places agrees within rounding, within one data cut.

Check ``same-quantity``; reference: rounding intervals (Brown & Heathers 2017).

Statements of one data cut must agree: two printed numbers agree when the intervals of the
values that round to them overlap. Statements of different data cuts are the trajectory of
the quantity over the trial's analyses: an update, reported as a note with every cut's
value, never as an inconsistency (whether the trajectory is possible is the timeline
check's question). A row that ``supersedes`` another, directly or through a chain of
updates, is an update too. In a dossier with several data cuts, a statement whose cut is not
stated is compared with every cut's statement: it must agree with one of them.

Rules that keep different numbers apart (issue 22, each with a clean and an error case in the
planted corpus):

* **variants of one comparison** (:data:`~trialrecon.checks.context.VARIANT`): two rows whose
  ``hypothesis`` (non-inferiority vs superiority), ``adjustment`` (adjusted vs unadjusted),
  ``population`` (ITT vs per-protocol vs safety) or ``test`` differ are two numbers, never
  compared. A row that leaves such a column empty states one of the variants: it is flagged
  only when it agrees with none of the variants it could state; an Abstract's row without
  ``population`` (the whole cohort, by the data dictionary) that agrees only with a subset's
  value (per protocol, treated) is questionable: an Abstract quoting the per-protocol result
  as the trial's. A number in the body (Results, Discussion) without ``population`` that
  agrees with one analysis set of the table beside it quotes that set: no finding. A count
  of an analysis set (enrolled, analysed) without ``population`` is the whole cohort's:
  enrolled 302 and enrolled 200 of a substudy are two sets; the intention-to-treat set is
  the whole cohort, so an Abstract's arm size and a table's ITT column are one number.
  An ``interaction`` or ``heterogeneity`` P is another test than the comparison's (whose
  ``hypothesis`` is empty): never compared with it.
* **one- and two-sided P values of one test**: a ``one_sided`` P and another P of the same
  comparison are compared by their relation, not as one number: the one-sided P is half the
  two-sided one (the direction of the effect) or one minus half of it (the other direction),
  0.002 and 0.999 = 1 - 0.002/2, 0.350 and 0.825. Consistent when a reading holds within
  rounding; inconsistent otherwise (0.002 against a one-sided 0.30). Two P values both
  declared one-sided that sum to 1 within rounding (0.004 and 0.996) are the two directions
  of one test; otherwise they are compared as one number.
* **planned sizes before and after a dropout allowance**: two planned sizes of a design
  that states a dropout allowance (``design_dropout``) are the size before and after it (71
  per arm, then 80): checked against the allowance when printed, not compared otherwise.
* rows of different stated denominators describe different populations (as before).
* **a design revised in the paper itself**: a design parameter (a planned sample size) that
  ``supersedes`` another of the same source is the revision the paper reports (a masked
  review reducing the sample size): consistent, the sentence keeping both values. An update
  of a result, or of a design by another source, stays a note.
* **versions**: labels of one quantity and category (``criteria_version`` of ``NCI CTCAE``)
  that are version numbers (``3.0``, ``v4``, ``version 4.03``) name one version: two that
  differ within one data cut are inconsistent (grading by CTCAE 3.0 in a footnote, 4.0 in the
  Methods); ``4`` and ``4.0`` are one version. Labels in words (a spending function's name)
  are worded freely and never compared.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from fractions import Fraction

from trialrecon.checks.context import (
    SAME_KEY,
    VARIANT,
    Check,
    Context,
    Row,
    cap,
    compatible,
    describe,
    group_by,
    interval_of,
    quote,
    same_date,
)
from trialrecon.checks.findings import Finding
from trialrecon.checks.severity import SCHEME_LABELS, compare_rows, rounding_only
from trialrecon.stats.rounding import Interval

UNKNOWN_CUT = ""


def _agree(a: Row, b: Row) -> bool:
    if a["statistic"] == "date":
        return same_date(a["value"], b["value"])
    return interval_of(a).overlaps(interval_of(b))


def _shown(row: Row) -> str:
    return row["value"] if row["statistic"] == "date" else interval_of(row).as_text()


def check_same_quantity(ctx: Context) -> list[Finding]:
    """The same quantity stated in several places agrees within rounding (see the module).

    Each printed number is the interval of values that round to it (comparators respected:
    ``< .001`` is (0, .001)); two statements agree when the open intervals overlap. Dates are
    compared at the coarser precision. Registry rows are left to the registry check; rows of
    different stated denominators describe different populations and are not compared.
    """
    cands = [r for r in ctx.rows if not ctx.is_registry(r) and not r["marker"] and r["value"]
             and r["statistic"] != "label"]
    out: list[Finding] = _versions(ctx)
    for group in group_by(cands, SAME_KEY).values():
        if len(group) < 2:
            continue
        ctx.see(group)
        if not ctx.multi_cut:
            out += _within_cut(ctx, group)
            continue
        by_cut: dict[str, list[Row]] = defaultdict(list)
        for r in group:
            by_cut[r["data_cut"]].append(r)
        unknown = by_cut.pop(UNKNOWN_CUT, [])
        for rows in by_cut.values():
            if len(rows) >= 2:
                out += _within_cut(ctx, rows)
        if len(unknown) >= 2:
            out += _within_cut(ctx, unknown)
        for variant in group_by(group, VARIANT).values():  # one trajectory per variant
            cuts: dict[str, list[Row]] = defaultdict(list)
            for r in variant:
                cuts[r["data_cut"]].append(r)
            lost = cuts.pop(UNKNOWN_CUT, [])
            if len(cuts) >= 2:
                out.append(_trajectory(ctx, cuts))
            if lost and cuts:
                out += _unknown_cut(ctx, lost, cuts)
    return out


def _version(text: str) -> Fraction | None:
    """``3.0``, ``v4``, ``version 4.03`` -> the number; None for a label in words."""
    t = str(text).strip().lower()
    for prefix in ("version", "ver.", "v"):
        if t.startswith(prefix):
            t = t[len(prefix):].strip()
            break
    try:
        return Fraction(t) if t and all(ch.isdigit() or ch == "." for ch in t) \
            and t.count(".") <= 1 else None
    except ValueError:
        return None


def _versions(ctx: Context) -> list[Finding]:
    """Version labels of one quantity and category within one data cut name one version."""
    rows = [r for r in ctx.rows if r["statistic"] == "label" and not ctx.is_registry(r)
            and _version(r["value"]) is not None]
    out = []
    for group in group_by(rows, (*SAME_KEY, "data_cut")).values():
        if len(group) < 2:
            continue
        ctx.see(group)
        by_version: dict[Fraction, list[Row]] = defaultdict(list)
        for r in group:
            by_version[_version(r["value"])].append(r)  # type: ignore[index]
        if any(_related(ctx, a, b) for a, b in itertools.combinations(group, 2)):
            continue
        ref = group[0]
        if len(by_version) == 1:
            out.append(ctx.finding(
                "consistent", f"{ref['category'] or ref['quantity']} version {ref['value']}",
                f"Every statement names one version of {ref['category'] or ref['quantity']}: "
                + ", ".join(quote(r) for r in group) + ".", group,
                recomputation={"method": "version numbers of one label compared",
                               "inputs": {r["id"]: r["value"] for r in group},
                               "result": "one version"}))
            continue
        named = " and ".join(" / ".join(quote(r) for r in rs) for rs in by_version.values())
        out.append(ctx.finding(
            "inconsistent", f"{ref['category'] or ref['quantity']} version "
            + " vs ".join(rs[0]["value"] for rs in by_version.values()),
            f"The paper names two versions of {ref['category'] or ref['quantity']}: {named}.",
            group, recomputation={"method": "version numbers of one label compared",
                                  "inputs": {r["id"]: r["value"] for r in group},
                                  "result": f"{len(by_version)} versions"},
            ruled_out=["a data cut or an update (none is stated)"]))
    return out


def _related(ctx: Context, a: Row, b: Row) -> tuple[Row, Row] | None:
    """(newer, older) when one row updates the other through ``supersedes``, else None."""
    if ctx.updates(a, b):
        return a, b
    if ctx.updates(b, a):
        return b, a
    return None


def _restates_superseded(ctx: Context, newer: Row, other: Row) -> bool:
    """``other`` restates a value that ``newer`` updates: the direct pair reports it."""
    by_id = {r["id"]: r for r in ctx.where(quantity=newer["quantity"])}
    return any(t in by_id and _agree(by_id[t], other) for t in ctx.supersedes_chain(newer))


NOT_SIDED = tuple(c for c in VARIANT if c != "sided")


def _one_sided_pair(a: Row, b: Row) -> bool:
    """A P value declared one-sided against one that is not: two numbers of one test."""
    return (a["statistic"] == "p_value" and (a["sided"] == "one_sided")
            != (b["sided"] == "one_sided"))


def _opposite_directions(a: Row, b: Row) -> bool:
    """Two P values declared one-sided whose sum is 1 within rounding: one test, its two
    directions (0.004 and 0.996)."""
    if not (a["statistic"] == "p_value" and a["sided"] == b["sided"] == "one_sided"):
        return False
    ia, ib = interval_of(a), interval_of(b)
    if ia.low is None or ia.high is None:
        return False
    other = Interval(1 - ia.high, 1 - ia.low, ia.high_closed, ia.low_closed)
    return other.overlaps(ib) and not ia.overlaps(ib)


def _same_set(ctx: Context, a: Row, b: Row) -> bool:
    """Counts of an analysis set: an empty ``population`` is the whole cohort, not "unsaid"
    (enrolled 302 and enrolled 200 of a plasma substudy are two sets)."""
    if ctx.kind(a["quantity"]) != "population":
        return True
    return _set_of(a) == _set_of(b)


def _set_of(row: Row) -> str:
    """The analysis set a count is of: the intention-to-treat set is every randomized
    patient, the set an empty ``population`` names (the data dictionary), so the Abstract's
    "randomized to A (n = 477)" and a table's ITT column "A (n = 462)" are one number."""
    population = str(row.get("population") or "")
    return "" if population == "itt" else population


def _stands_for_another(group: list[Row], a: Row, b: Row,
                        labelled: frozenset[str] | None = None) -> Row | None:
    """The row of another variant than ``b`` that ``a`` (a variant column left empty) agrees
    with, if any.

    A row that does not say whether it is adjusted (say) is a statement of one of the
    variants: it disagrees with ``b`` only when no variant it could state agrees with it.
    ``labelled``: the variant columns some row of ``group`` fills (when the caller knows).
    """
    empty = [c for c in NOT_SIDED if not a.get(c)]
    if labelled is None:
        labelled = _labelled(group)
    if not any(k in labelled for k in empty):
        return None  # no row of the group states another variant in a column a leaves empty
    return next((c for c in group if c is not a and c is not b
                 and compatible(a, c, NOT_SIDED)
                 and any((c.get(k) and c.get(k) != b.get(k))
                         # or both unlabelled where b is labelled: the unlabelled analysis
                         # (a crude ratio beside an adjusted model's) stated twice
                         or (not c.get(k) and b.get(k)) for k in empty)
                 and not _one_sided_pair(a, c) and _agree(a, c)), None)


def _labelled(group: list[Row]) -> frozenset[str]:
    """The variant columns that some row of ``group`` fills."""
    return frozenset(k for k in NOT_SIDED if any(r.get(k) for r in group))


# Analysis sets a number without ``population`` stands for (the data dictionary: empty is the
# cohort's randomized or enrolled patients)
WHOLE_COHORT = frozenset({"", "itt", "modified_itt", "full_analysis"})


def _headline(ctx: Context, row: Row) -> bool:
    """An Abstract's number (the Abstract section or an abstract source): read on its own, as
    the trial's result. A number in the body stands beside the tables it cites and may quote
    any analysis set they print."""
    return (str(row["location"]).startswith("Abstract")
            or ctx.source_kind(row["source"]) in ("abstract", "conference_abstract"))


def _subset_only(ctx: Context, a: Row, b: Row, c: Row) -> Finding:
    """``a`` names no analysis set and agrees only with a subset's value (``c``), not with the
    whole cohort's (``b``): questionable (an Abstract quoting the per-protocol result)."""
    rec = {"method": "a number without its analysis set against each set's value",
           "inputs": {a["id"]: a["value"], b["id"]: b["value"], c["id"]: c["value"]},
           "result": f"agrees with the {c['population']} value only"}
    return ctx.finding(
        "questionable", f"{a['value']} is the {c['population'].replace('_', '-')} value",
        f"{quote(a)} names no analysis set, so it reads as the whole cohort's, but it agrees "
        f"only with the {c['population'].replace('_', '-')} value {quote(c)}, not with "
        f"{quote(b)} ({b['population'] or 'the cohort'}).", [a, b, c], recomputation=rec,
        discriminator="subset", nearest=b["value"],
        ruled_out=["rounding of either value"])


# Above this many statements of one number in one data cut, not every pair is compared.
MAX_PAIRWISE = 300


def _pairs(ctx: Context, group: list[Row]) -> Iterator[tuple[Row, Row]]:
    """The pairs of ``group`` to compare: all of them, or for a group larger than
    :data:`MAX_PAIRWISE` (no paper prints one number hundreds of times: a generated or
    hostile dossier) each row with the first statement and with the row it updates, so the
    cost stays linear; the check notes the shortcut."""
    if len(group) <= MAX_PAIRWISE:
        yield from itertools.combinations(group, 2)
        return
    ctx.skip(f"a number stated more than {MAX_PAIRWISE} times in one data cut: each statement "
             "compared with the first and with the one it updates, not every pair")
    first = group[0]
    by_id = {str(r["id"]): r for r in group}
    for r in group[1:]:
        older = by_id.get(str(r["supersedes"] or ""))
        if older is not None and older is not first:
            yield older, r
        yield first, r


def _within_cut(ctx: Context, group: list[Row]) -> list[Finding]:
    """Pairwise comparison of the statements of one data cut (see :func:`_pairs`)."""
    bad = []
    out: list[Finding] = []
    labelled = _labelled(group)
    for a, b in _pairs(ctx, group):
        if a["denominator"] and b["denominator"] and a["denominator"] != b["denominator"]:
            continue  # different populations, not the same quantity
        if not compatible(a, b, NOT_SIDED) or not _same_set(ctx, a, b):
            continue  # two variants of one comparison: two numbers (see the module)
        stands = [(x, y, c) for x, y in ((a, b), (b, a))
                  if (c := _stands_for_another(group, x, y, labelled)) is not None]
        if stands:
            x, y, c = stands[0]
            if (not x.get("population") and str(c.get("population") or "") not in WHOLE_COHORT
                    and str(y.get("population") or "") in WHOLE_COHORT
                    and not _agree(x, y) and _headline(ctx, x)):
                out.append(_subset_only(ctx, x, y, c))
            continue  # a row of unstated variant that agrees with another variant
        if _one_sided_pair(a, b):
            out.append(_sided(ctx, a, b))
            continue
        if _opposite_directions(a, b):
            out.append(ctx.finding(
                "consistent", f"one-sided P {a['value']} and {b['value']}: two directions",
                f"{quote(a)} and {quote(b)} are both one-sided and sum to 1: the P values of "
                "one test in its two directions.", [a, b], discriminator="sided",
                recomputation={"method": "one-sided P in one direction = 1 - the other's",
                               "inputs": {a["id"]: a["value"], b["id"]: b["value"]}}))
            continue
        if (a["quantity"] in PLANNED_SIZES and not _agree(a, b)
                and _related(ctx, a, b) is None):
            dropout = _dropout(ctx, a, b)
            if dropout is not None:
                out += dropout
                continue
        if _agree(a, b):
            continue
        pair = _related(ctx, a, b)
        if pair is None:
            if a["supersedes"] and _restates_superseded(ctx, a, b):
                continue
            if b["supersedes"] and _restates_superseded(ctx, b, a):
                continue
        elif pair[0]["supersedes"] != pair[1]["id"]:
            continue  # a chain of updates: each direct step is reported on its own
        bad.append((a, b, pair))
    if not bad:
        return out + [ctx.finding(
            "consistent", f"{group[0]['quantity']} stated {len(group)} times, all agree",
            f"The {len(group)} statements of {describe(group[0])} agree within rounding.",
            group, recomputation={"method": "rounding-interval overlap",
                                  "inputs": {r["id"]: r["value"] for r in group}})]
    for a, b, pair in bad:
        rec = {"method": "rounding-interval overlap (|a-b| < half unit a + half unit b)",
               "inputs": {a["id"]: a["value"], b["id"]: b["value"]},
               "tried": [f"{a['id']}: {_shown(a)}", f"{b['id']}: {_shown(b)}"],
               "result": "no overlap"}
        if pair is not None:
            newer, older = pair
            revised = (ctx.kind(newer["quantity"]) == "design"
                       and newer["source"] == older["source"])
            out.append(ctx.finding(
                "consistent" if revised else "note",
                f"{a['quantity']} {'revised' if revised else 'updated'}: {older['value']} -> "
                f"{newer['value']}",
                f"{cap(describe(a))} is {quote(older)} and, "
                f"{'revised in the same paper' if revised else 'in an update'}, {quote(newer)}.",
                [a, b], recomputation=rec, ruled_out=["same value within rounding"]))
            continue
        cut = "" if not ctx.multi_cut else f" (both of the data cut {ctx.cut_name(a['data_cut'])})"
        cmp = compare_rows(a, b) if a["statistic"] != "date" else None  # the severity policy
        if cmp is not None:
            rec["tried"] = list(cmp.tried)
        if cmp is not None and a["statistic"] != "count":
            rec["rounding_only"] = rounding_only(a["value"], b["value"])
        if cmp is not None and cmp.severity == "questionable":
            how = SCHEME_LABELS[cmp.scheme]
            rec["result"] = f"agree only if both are {how}"
            out.append(ctx.finding(
                "questionable", f"{a['quantity']} stated as {a['value']} and {b['value']}",
                f"{cap(describe(a))} is given as {quote(a)} and as {quote(b)}{cut}; the two "
                f"agree only if both are {how}.", [a, b], recomputation=rec,
                ruled_out=["standard rounding of either value"]))
            continue
        out.append(ctx.finding(
            "inconsistent", f"{a['quantity']} stated as {a['value']} and {b['value']}",
            f"{cap(describe(a))} is given as {quote(a)} and as {quote(b)}{cut}; no rounding "
            "reconciles the two.", [a, b], recomputation=rec,
            ruled_out=["rounding of either value (intervals do not overlap)",
                       "one non-standard rounding of both (truncation, rounding twice)",
                       "an update (neither row supersedes the other, and both belong to one "
                       "data cut)" if ctx.multi_cut else
                       "an update (neither row supersedes the other)"]
            + ([f"a mix of schemes: {cmp.mixed} (the severity policy does not accept one "
                "value printed two ways)"] if cmp is not None and cmp.mixed else [])))
    return out


PLANNED_SIZES = frozenset({"design_n_per_group", "design_n_total"})


def _dropout(ctx: Context, a: Row, b: Row) -> list[Finding] | None:
    """Two planned sizes of a design that states a dropout allowance: before and after it.

    None when the design states no allowance (the sizes are then compared as one number).
    With the allowance printed (d), the larger must lie between the smaller x (1 + d) and
    the smaller / (1 - d), give or take one patient; without it, the pair is not compared.
    """
    rows = [r for r in ctx.where(quantity="design_dropout", cohort=a["cohort"])
            if not ctx.is_registry(r)]
    if not rows:
        return None
    small, large = sorted((a, b), key=lambda r: float(r["value_num"]))
    printed = [r for r in rows if ctx.numeric(r)]
    if not printed:
        ctx.skip("planned sizes before and after a dropout allowance the paper does not print")
        return []
    d = float(printed[0]["value_num"]) / (100 if printed[0]["unit"] == "percent" else 1)
    n, m = float(small["value_num"]), float(large["value_num"])
    lo, hi = n * (1 + d) - 1, n / max(1 - d, 1e-9) + 1
    ok = lo <= m <= hi
    rec = {"method": "planned size after dropout between n (1 + d) and n / (1 - d)",
           "inputs": {small["id"]: small["value"], large["id"]: large["value"],
                      printed[0]["id"]: printed[0]["value"]},
           "result": f"{lo + 1:.1f} to {hi - 1:.1f}"}
    return [ctx.finding(
        "consistent" if ok else "inconsistent",
        f"planned {small['value']} and {large['value']} {'fit' if ok else 'do not fit'} a "
        f"{printed[0]['value']}{'%' if printed[0]['unit'] == 'percent' else ''} dropout",
        f"{quote(small)} before and {quote(large)} after the dropout allowance "
        f"{quote(printed[0])}: {'within' if ok else 'outside'} {lo + 1:.1f} to {hi - 1:.1f}.",
        [small, large, printed[0]], recomputation=rec, discriminator="dropout",
        ruled_out=[] if ok else ["rounding up to whole patients"])]


def _half(iv: Interval) -> Interval:
    return Interval(None if iv.low is None else iv.low / 2,
                    None if iv.high is None else iv.high / 2, iv.low_closed, iv.high_closed)


def _complement_half(iv: Interval) -> Interval:
    return Interval(None if iv.high is None else 1 - iv.high / 2,
                    None if iv.low is None else 1 - iv.low / 2, iv.high_closed, iv.low_closed)


def _sided(ctx: Context, a: Row, b: Row) -> Finding:
    """A one-sided P against another P of the same test: half, one minus half, or equal.

    With p the two-sided P, the one-sided P is p/2 in the direction of the effect and
    1 - p/2 in the other; an undeclared P may also be the same one-sided P restated.
    """
    one, other = (a, b) if a["sided"] == "one_sided" else (b, a)
    io, it = interval_of(one), interval_of(other).clip(Fraction(0), Fraction(1))
    readings = [(f"{one['value']} = {other['value']}/2 (the two-sided P halved)", _half(it)),
                (f"{one['value']} = 1 - {other['value']}/2 (the other direction)",
                 _complement_half(it))]
    if other["sided"] != "two_sided":
        readings.append((f"{one['value']} restated (the other P is not declared two-sided)",
                         it))
    tried = [f"{text}: {iv.as_text()}" for text, iv in readings]
    hit = next((text for text, iv in readings if iv.overlaps(io)), "")
    rec = {"method": "one-sided P = two-sided P / 2 or 1 - two-sided P / 2 (one test)",
           "inputs": {one["id"]: one["value"], other["id"]: other["value"]}, "tried": tried,
           "result": hit or "no reading reconciles the two"}
    if hit:
        return ctx.finding(
            "consistent", f"one-sided P {one['value']} fits P {other['value']}",
            f"{quote(one)} (one-sided) and {quote(other)} are two P values of one test: "
            f"{hit}.", [one, other], recomputation=rec, discriminator="sided")
    return ctx.finding(
        "inconsistent", f"one-sided P {one['value']} vs P {other['value']}",
        f"{quote(one)} is declared one-sided, but it is neither half of {quote(other)} nor "
        "one minus half of it, so the two cannot be P values of one test.", [one, other],
        recomputation=rec, discriminator="sided", nearest=readings[0][1].as_text(),
        ruled_out=["rounding of both P values", "the one-sided P in either direction"])


def _first_of_cut(rows: list[Row]) -> Row:
    """The statement that stands for a cut in its trajectory: an original, in file order."""
    return min(rows, key=lambda r: (bool(r["supersedes"]), r["file"], int(r["line"])))


def _trajectory(ctx: Context, by_cut: dict[str, list[Row]]) -> Finding:
    """One quantity over the data cuts: unchanged (consistent) or updated (a note)."""
    cuts = sorted(by_cut, key=lambda k: (ctx.dossier.cut(k).order if ctx.dossier.cut(k)
                                         else 10**6, k))
    firsts = [_first_of_cut(by_cut[k]) for k in cuts]
    path = " -> ".join(f"{r['value']} ({ctx.cut_name(k)}, {r['source']})"
                       for k, r in zip(cuts, firsts, strict=True))
    rec = {"method": "one statement per data cut, in time order",
           "inputs": {r["id"]: r["value"] for r in firsts}, "tried": [path],
           "result": "trajectory over data cuts"}
    ref = firsts[0]
    if all(_agree(ref, r) for r in firsts[1:]):
        return ctx.finding(
            "consistent", f"{ref['quantity']} unchanged over {len(cuts)} data cuts",
            f"{cap(describe(ref))} is the same within rounding at {len(cuts)} data cuts: "
            f"{path}.", firsts, recomputation=rec, discriminator="cuts")
    return ctx.finding(
        "note", f"{ref['quantity']} over {len(cuts)} data cuts: {firsts[0]['value']} -> "
        f"{firsts[-1]['value']}",
        f"{cap(describe(ref))} changes between data cuts, as later analyses do: {path}.",
        firsts, recomputation=rec, discriminator="cuts",
        ruled_out=["an inconsistency (the statements belong to different data cuts)"])


def _unknown_cut(ctx: Context, unknown: list[Row],
                 by_cut: dict[str, list[Row]]) -> list[Finding]:
    """A statement of no stated cut must agree with the statement of some cut."""
    out = []
    firsts = {k: _first_of_cut(v) for k, v in by_cut.items()}
    for r in unknown:
        matching = [k for k, f in firsts.items() if _agree(r, f)]
        rows = [r, *firsts.values()]
        rec = {"method": "rounding-interval overlap with each data cut's statement",
               "inputs": {x["id"]: x["value"] for x in rows},
               "tried": [f"{ctx.cut_name(k)}: {f['value']}" for k, f in firsts.items()],
               "result": ", ".join(ctx.cut_name(k) for k in matching) or "no cut agrees"}
        if matching:
            out.append(ctx.finding(
                "consistent", f"{r['quantity']} {r['value']} matches a data cut",
                f"{quote(r)} states no data cut; it agrees with the "
                f"{ctx.cut_name(matching[0])} statement.", rows, recomputation=rec,
                discriminator=f"unknown-cut:{r['id']}"))
        else:
            out.append(ctx.finding(
                "questionable", f"{r['quantity']} {r['value']} matches no data cut",
                f"{quote(r)} states no data cut and agrees with none of the trial's analyses "
                f"({', '.join(f['value'] for f in firsts.values())}); write its data_cut, or "
                "it is a misprint.", rows, recomputation=rec,
                discriminator=f"unknown-cut:{r['id']}",
                ruled_out=["rounding against every data cut's statement"]))
    return out


CHECK = Check(
    "same-quantity", "2",
    "The same quantity stated in several places agrees within rounding, within one data cut",
    "rounding intervals (Brown & Heathers 2017)",
    check_same_quantity,
)
