"""Patient flow: the vocabulary's identities (screened = screen failures + randomized, ...) and
reasons against their total.

Check ``flow-sums``; reference: arithmetic of the CONSORT flow diagram (Schulz, Altman & Moher
2010, BMJ 340:c332, item 13a and the flow diagram).

Rules (each has an error and a clean case in the planted corpus):

* **Identities** are data: ``identities`` in the vocabulary (screening, treatment start,
  completion, analysis). Within one cohort, arm, source and data cut the total (category empty)
  is compared with the sum of its parts (category empty); an identity with a part the dossier
  does not print is not applicable, never a finding. Every alternative the identity names
  (randomized or enrolled, randomized or allocated) and every printed statement of a part is
  tried: consistent when some choice adds up. For the analysis identity the analysed and the
  excluded patients share one ``population`` (per protocol, ...).
* **Counted apart**: completion (completed + discontinued) may leave out the patients who
  never started, were lost to follow-up or withdrew consent when the diagram counts them in
  boxes of their own, and may be counted among the treated; a sum that one of these printed
  readings closes is consistent, and the finding says which. No reading: *inconsistent*,
  except for completion, *questionable*: a diagram may count those who stopped the
  intervention among those who completed follow-up.
* **Reasons** (an *itemized* quantity: screen failures, not treated, discontinued, excluded
  from analysis) printed at one place sum to the total printed there: above it,
  *inconsistent*, except for screen failures, where a patient may fail several criteria
  and papers often say so in words the dossier does not hold: consistent, the finding saying
  so (a reviewer would not send it; issue 22, reasons per patient); below it,
  *inconsistent* only when the list closes with "other" or "unknown", or with a reason the
  paper gives as the rest ("the remaining 20 continued without medication": its category or
  anchor says remaining, remainder or the rest), since it then claims every patient;
  otherwise a partial list of reasons, not a finding.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

from trialrecon.checks.context import Check, Context, Row, quote
from trialrecon.checks.findings import Finding

# Categories that close a list of reasons: with one of them the list claims every patient.
CLOSING = frozenset({"other", "others", "other reasons", "other reason", "unknown", "missing",
                     "not known", "not reported", "other or unknown", "unknown or other"})
# Words that make a reason the rest of the total ("the remaining 20", "the rest").
REMAINDER = re.compile(r"\b(?:the )?(?:remaining|remainder|the rest)\b", re.IGNORECASE)
# Boxes a completion sum may leave out (the diagram counts them apart).
APART = ("not_treated", "lost_to_follow_up", "withdrew_consent")
MAX_COMBOS = 64
# Identities whose terms a diagram may define otherwise (why a failure is only questionable).
SOFT_IDENTITIES = {
    "completion": " This assumes completing and discontinuing split the randomized patients; "
                  "a diagram may count those who stopped the intervention among those who "
                  "completed follow-up, and the paper does not say which it does.",
}
# Reasons one patient may have several of (every unmet eligibility criterion).
MULTIPLE_REASONS = frozenset({"screen_failure"})


def _counts(ctx: Context, place: tuple[str, ...], quantity: str,
            population: str = "") -> list[Row]:
    cohort, arm, subgroup, source, cut = place
    return [r for r in ctx.where(cohort=cohort, arm=arm, subgroup=subgroup, source=source,
                                 quantity=quantity, statistic="count", category="")
            if ctx.numeric(r) and (r["comparator"] or "=") == "="
            and str(r.get("data_cut") or "") == cut
            and str(r.get("population") or "") == population]


def _distinct(rows: list[Row]) -> list[Row]:
    seen: dict[str, Row] = {}
    for r in rows:
        seen.setdefault(str(r["value"]), r)
    return list(seen.values())


def check_flow(ctx: Context) -> list[Finding]:
    """Flow identities and reasons against totals (see the module docstring)."""
    out: list[Finding] = []
    flow_q = {q for ident in ctx.vocab.identities for alts in (ident.total, *ident.parts)
              for q in alts}
    places = {(r["cohort"], r["arm"], r["subgroup"], r["source"], str(r.get("data_cut") or ""))
              for r in ctx.rows if r["quantity"] in flow_q and r["statistic"] == "count"}
    for place in sorted(places):
        for ident in ctx.vocab.identities:
            pops = [""]
            if ident.same_population:
                pops = sorted({str(r.get("population") or "") for q in ident.parts[0]
                               for r in ctx.where(cohort=place[0], arm=place[1],
                                                  subgroup=place[2], source=place[3],
                                                  quantity=q, statistic="count")})
            for pop in pops:
                f = _identity(ctx, ident, place, pop)
                if f is not None:
                    out.append(f)
    out.extend(_reasons(ctx))
    return out


def _identity(ctx: Context, ident, place: tuple[str, ...], pop: str) -> Finding | None:
    totals = _distinct([r for q in ident.total for r in _counts(ctx, place, q)])
    parts = []
    for alts in ident.parts:
        rows = _distinct([r for q in alts for r in _counts(
            ctx, place, q, pop if ident.same_population else "")])
        if not rows:
            return None  # a part the dossier does not print: not applicable
        parts.append(rows)
    if not totals:
        return None
    combos = list(itertools.islice(itertools.product(totals, *parts), MAX_COMBOS))
    for combo in combos:
        total, *ps = combo
        if int(total["value_num"]) == sum(int(p["value_num"]) for p in ps):
            ctx.see(combo)
            return ctx.finding("consistent", f"{ident.name}: {_sum_text(ps)} = "
                               f"{total['value']}", f"{quote(total)} ({total['quantity']}) = "
                               f"{_sum_text(ps)}.", list(combo),
                               recomputation=_rec(ident, combo), discriminator=ident.name)
    apart = _apart(ctx, ident, place, combos)
    if apart is not None:
        return apart
    total, *ps = combos[0]
    s = sum(int(p["value_num"]) for p in ps)
    ctx.see(combos[0])
    soft = ident.name in SOFT_IDENTITIES
    return ctx.finding(
        "questionable" if soft else "inconsistent",
        f"{ident.name}: {_sum_text(ps)} = {s}, not {total['value']}",
        f"{quote(total)} ({total['quantity']}) should equal {_sum_text(ps)} = {s} "
        f"({ident.description})." + (SOFT_IDENTITIES[ident.name] if soft else ""),
        list(combos[0]), recomputation=_rec(ident, combos[0]),
        discriminator=ident.name, nearest=str(s),
        ruled_out=["every printed statement of each term",
                   "patients counted apart (not treated, lost to follow-up, withdrew consent)"
                   if ident.name == "completion" else "the identity's alternative terms"])


def _apart(ctx: Context, ident, place: tuple[str, ...],
           combos: list[tuple[Row, ...]]) -> Finding | None:
    """A completion sum closed by boxes the diagram counts apart, or among the treated."""
    if ident.name != "completion":
        return None
    extra = [rows[0] for q in APART if (rows := _distinct(_counts(ctx, place, q)))]
    treated = _distinct(_counts(ctx, place, "treated"))
    for combo in combos:
        total, *ps = combo
        s = sum(int(p["value_num"]) for p in ps)
        for t in treated:
            if int(t["value_num"]) == s:
                rows = [t, *ps]
                ctx.see(rows)
                return ctx.finding("consistent", f"completion among the treated: "
                                   f"{_sum_text(ps)} = {t['value']}", f"{quote(t)} (treated) = "
                                   f"{_sum_text(ps)}: the diagram counts completion among the "
                                   "patients who started.", rows,
                                   recomputation=_rec(ident, (t, *ps)), discriminator=ident.name)
        for k in range(1, len(extra) + 1):
            for add in itertools.combinations(extra, k):
                if s + sum(int(a["value_num"]) for a in add) == int(total["value_num"]):
                    rows = [total, *ps, *add]
                    ctx.see(rows)
                    return ctx.finding(
                        "consistent", f"completion: {_sum_text([*ps, *add])} = "
                        f"{total['value']}", f"{quote(total)} = {_sum_text([*ps, *add])}: the "
                        f"diagram counts {', '.join(a['quantity'] for a in add)} apart.", rows,
                        recomputation=_rec(ident, (total, *ps, *add)), discriminator=ident.name)
    return None


def _sum_text(rows: list[Row] | tuple[Row, ...]) -> str:
    return " + ".join(f"{r['value']} ({r['quantity']})" for r in rows)


def _rec(ident, rows: tuple[Row, ...] | list[Row]) -> dict:
    total, *ps = rows
    s = sum(int(p["value_num"]) for p in ps)
    return {"method": f"flow identity '{ident.name}': {ident.description}",
            "inputs": {r["id"]: r["value"] for r in rows},
            "result": f"{_sum_text(ps)} = {s} against {total['value']}"}


def _remainder(row: Row) -> bool:
    """A reason the paper gives as the rest of the patients ("the remaining 20 ..."): like
    "other", it claims every patient no other reason counts."""
    return bool(REMAINDER.search(f"{row['category']} {row.get('anchor') or ''}"))


def _closing_words(row: Row) -> str:
    if _remainder(row) and str(row["category"]).strip().lower() not in CLOSING:
        return f", although '{row['category']}' are given as the remaining patients"
    return f", although the list closes with '{row['category']}'"


def _reasons(ctx: Context) -> list[Finding]:
    out = []
    itemized = {q for q, d in ctx.vocab.quantities.items() if d.get("itemized")}
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in ctx.rows:
        if r["quantity"] in itemized and r["statistic"] == "count" and ctx.numeric(r) \
                and (r["comparator"] or "=") == "=":
            groups[tuple(str(r.get(c) or "") for c in (
                "source", "location", "cohort", "arm", "subgroup", "quantity", "population",
                "data_cut"))].append(r)
    for group in groups.values():
        totals = _distinct([r for r in group if not r["category"]])
        reasons = [r for r in group if r["category"]]
        if len(totals) != 1 or not reasons:
            continue
        total = totals[0]
        s = sum(int(r["value_num"]) for r in reasons)
        t = int(total["value_num"])
        closed = [r for r in reasons if str(r["category"]).strip().lower() in CLOSING
                  or _remainder(r)]
        rows = [total, *reasons]
        terms = " + ".join(f"{r['value']} ({r['category']})" for r in reasons)
        rec = {"method": "reasons sum to their total", "inputs": {r["id"]: r["value"]
                                                                  for r in rows},
               "result": f"{terms} = {s} against {t}"}
        if s == t:
            ctx.see(rows)
            out.append(ctx.finding("consistent", f"reasons sum to {t}", f"{quote(total)} = "
                                   f"{terms}.", rows, recomputation=rec, discriminator="reasons"))
        elif s > t or closed:
            ctx.see(rows)
            several = s > t and total["quantity"] in MULTIPLE_REASONS
            out.append(ctx.finding(
                "consistent" if several else "inconsistent", f"reasons sum to {s}, total {t}",
                f"The reasons {terms} sum to {s}, " + ("more than" if s > t else "less than")
                + f" {quote(total)}" + ("" if s > t else _closing_words(closed[0])) + "."
                + (" A screened patient may fail several criteria, each counted among the "
                   "reasons: no inconsistency." if several else ""), rows,
                recomputation=rec, discriminator="reasons", nearest=str(s)))
        else:
            ctx.skip("reasons that fall short of their total without 'other' (a partial list)")
    return out


CHECK = Check(
    "flow-sums", "1",
    "Patient flow: screened, randomized, treated, completed and analysed add up (the "
    "vocabulary's identities); reasons sum to their total",
    "arithmetic of the CONSORT flow diagram (Schulz, Altman & Moher 2010)",
    check_flow,
)
