"""Rows nested in other rows: subgroup levels against their overall row, a table row printed
under another against the row that heads it.

Used by the ``partitions`` check (:mod:`trialrecon.checks.families.partitions`); reference:
arithmetic of partitions and subsets.

Rules (issue 22; each has a clean and an error case in the planted corpus):

* **subgroup levels that partition their patients**: the levels of one subgroup family
  (``Type of infection: Abdominal``, ``Type of infection: Respiratory`` ...) of one outcome,
  arm and place, each with its stated denominator, whose denominators add up to the stated
  denominator of the outcome's overall row (subgroup empty) at the same place, split those
  patients: their counts add up to the overall count. Otherwise *inconsistent*. Denominators
  that do not add up (a patient in several levels, levels left out) prove nothing: no
  finding.
* **a row printed under a row that prints its own count** (its ``row`` path extends the
  other's, ``MIC >= 1.5 mg/l / Klebsiella spp.`` under ``MIC >= 1.5 mg/l``) in the same
  column, outcome and arm counts a subset of the heading row's patients: its count and its
  stated denominator are at most the heading row's. Above: *inconsistent* (the rows belong
  under another heading, or the heading's numbers are another set's).

May import: what the checks layer may.
"""

from __future__ import annotations

from collections import defaultdict

from trialrecon.checks.context import Context, Row, is_nan, quote
from trialrecon.checks.findings import Finding

PLACE = ("source", "location", "cohort", "arm", "quantity", "category", "population",
         "data_cut")


def _key(r: Row, cols: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(r.get(c) or "") for c in cols)


def _counts(ctx: Context) -> list[Row]:
    return [r for r in ctx.rows if r["statistic"] == "count" and ctx.numeric(r)
            and (r["comparator"] or "=") == "=" and not ctx.is_registry(r)]


def _den(r: Row) -> int | None:
    return None if is_nan(r["denominator_num"]) else int(r["denominator_num"])


def subgroup_levels(ctx: Context) -> list[Finding]:
    """Levels of a subgroup family whose denominators split the overall row's (docstring)."""
    overall: dict[tuple[str, ...], Row] = {}
    fams: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in _counts(ctx):
        sub = str(r["subgroup"] or "")
        if not sub:
            overall.setdefault(_key(r, PLACE), r)
        elif ":" in sub and " / " not in sub:
            fams[(*_key(r, PLACE), sub.split(":", 1)[0].strip().lower())].append(r)
    out = []
    for key, members in fams.items():
        tot = overall.get(key[:-1])
        dens = [_den(r) for r in members]
        if tot is None or _den(tot) is None or len(members) < 2 or None in dens \
                or sum(dens) != _den(tot):  # type: ignore[arg-type]
            continue
        s = sum(int(r["value_num"]) for r in members)
        rows = [tot, *members]
        ctx.see(rows)
        terms = " + ".join(f"{r['value']}/{r['denominator']}" for r in members)
        rec = {"method": "levels whose denominators split the overall row's: counts add up",
               "inputs": {r["id"]: f"{r['value']}/{r['denominator']}" for r in rows},
               "result": f"{terms}: {s}/{sum(dens)} against {tot['value']}/{tot['denominator']}"}  # type: ignore[arg-type]
        family = members[0]["subgroup"].split(":", 1)[0].strip()
        if s == int(tot["value_num"]):
            out.append(ctx.finding("consistent", f"{family}: levels sum to {s}",
                                   f"The {family} levels {terms} add up to {quote(tot)}.", rows,
                                   recomputation=rec))
            continue
        out.append(ctx.finding(
            "inconsistent", f"{family}: levels sum to {s}, overall {tot['value']}",
            f"The {family} levels {terms} split the overall row's {tot['denominator']} "
            f"patients (their denominators add up to it), but their counts sum to {s}, not "
            f"{quote(tot)}.", rows, recomputation=rec, nearest=str(s)))
    return out


def nested_rows(ctx: Context) -> list[Finding]:
    """Each table row under a heading row of its own count against that row (docstring)."""
    by_path: dict[tuple[str, ...], dict[str, Row]] = defaultdict(dict)
    cols = ("source", "location", "column", "cohort", "arm", "quantity", "category",
            "data_cut")
    for r in _counts(ctx):
        if r["row"]:
            by_path[_key(r, cols)].setdefault(str(r["row"]).strip(), r)
    out = []
    for paths in by_path.values():
        for path, child in sorted(paths.items()):
            parent = paths.get(path.rsplit(" / ", 1)[0]) if " / " in path else None
            if parent is None:
                continue
            over = [(what, a, b) for what, a, b in (
                ("count", int(child["value_num"]), int(parent["value_num"])),
                ("denominator", _den(child), _den(parent)))
                if a is not None and b is not None and a > b]
            ctx.see([child, parent])
            if not over:
                continue
            said = "; ".join(f"its {w} {a} exceeds the heading row's {b}" for w, a, b in over)
            out.append(ctx.finding(
                "inconsistent", f"a row above the row it is printed under ({child['row']})",
                f"{quote(child)} is printed under {parent['row']!r}, {quote(parent)}, so it "
                f"counts a subset of that row's patients, but {said}.", [child, parent],
                recomputation={"method": "a row under a heading row counts a subset of it",
                               "inputs": {child["id"]: child["value"],
                                          parent["id"]: parent["value"]},
                               "result": said},
                nearest=f"<= {parent['value']}"))
    return out
