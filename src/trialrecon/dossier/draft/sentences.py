"""Labelling the numbers of a sentence (Abstract, Methods, Results, Discussion, legends).

:func:`~trialrecon.dossier.draft.drafter.draft_unit` reads a sentence's numbers and proposes
labels from the words around each; this module reads the sentence the way a trial report
writes it and corrects them:

- **arms**: "X of Y patients (Z%) in the A group vs ... in the B group": the arm named right
  after a number (after "in", "among", "with", "for"), else right before it in the same
  clause; the arms of a "respectively" list in order, and of "a vs b ... in the A and B
  groups" named after the comparison in order; in a two-arm trial, the number on the
  other side of "vs" from a named arm is the other arm's, and "a and b months in A" share A.
  Arms are named by their labels (:class:`~.lexicon.Names`) or by their role words
  ("placebo group", "control arm", "intervention group"). A count or characteristic of the
  whole trial, with no arm named, is the pooled arm's when ``trial.yaml`` declares one.
  Between-arm statistics (effects, hazard ratios, P values) have no arm. A number's spread
  ("[IQR 28.0–69.0]", "(range, 0.2-31.5 months)") neither hides the arm named after it nor
  lacks one: it is of that number's arm. A number of the whole trial (follow-up, schedule,
  eligibility, flow totals) takes no arm named far from it.
- **effects** (:mod:`.texteffects`): "(RR 0.75, 95% CI 0.51–1.11; P = 0.14)", "adjusted
  odds ratio 0.88", "HR for death 0.7": the effect quantity, its adjustment and category;
- **categories**: an outcome, characteristic or adverse event the sentence names takes the
  category (and quantity) of the table row that reports it; the terms printed at the numbers
  (a level after a count, an outcome before a parenthesis of counts, a performance-status
  score) are read by :mod:`.textterms`;
- the other shapes of trial reports (landmark rates, designs, doses and schedules, dates,
  follow-up, units after numbers) are in :mod:`.textrules` and :mod:`.textshapes`, the flow
  of patients in :mod:`.textflow`;
- **other studies**: a number of a sentence about other studies stays ``external_*`` (an
  odds ratio, dose or outcome the sentence's shape reads is the other study's), and is
  ``external_pfs`` or ``external_orr`` only where the sentence names that endpoint since
  the number before (or a response right after it: "25% partial response");
- **flags**: a row is left unflagged only when every label came from a rule that reads it
  from the sentence's own words without a choice (an effect and the outcome it names, an arm
  named right after the number, a design parameter, ...); every other row says in its rules
  why it is a guess, and so does a number printed in words (data, or prose: "the two sites").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from trialrecon.dossier.draft import (
    textflow,
    textnamed,
    textrules,
    textruns,
    textsaid,
    textsets,
    textshapes,
    textstats,
    textterms,
)
from trialrecon.dossier.draft.drafter import Draft, Unit
from trialrecon.dossier.draft.externalrows import label_external
from trialrecon.dossier.draft.lexicon import Hit, Names
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.otherstudies import study_at
from trialrecon.dossier.draft.texteffects import BETWEEN, label_effects
from trialrecon.dossier.draft.textflags import (
    CONDUCT,
    between_arms,
    external_quantity,
    flag_row,
    safety_set,
)
from trialrecon.dossier.draft.textnames import TableNames
from trialrecon.dossier.draft.textrules import guess, is_sure

_ROLE_WORDS = {
    "comparator": r"placebo|control|controls|standard(?: of care| care| treatment| therapy)?|"
                  r"usual care|comparator|sham|observation",
    "experimental": r"experimental|intervention|active(?: treatment| drug)?|investigational",
}
_ROLE_NOUN = r"(?:\s+(?:group|groups|arm|arms|patients|participants|women|men|children|" \
             r"infants|recipients|subjects|cohort))"
_LINK_AFTER = re.compile(r"^[\s,;:]*(?:\(|\[)?\s*(?:(?:and|or)\s+)?(?:in|among|for|with|on|of|"
                         r"receiving|given|treated with|allocated to|assigned to|randomi[sz]ed to)"
                         r"\s+(?:the\s+|both\s+|all\s+|those\s+)?", re.IGNORECASE)
_VS = re.compile(r"\b(?:vs\.?|versus|v\.?|compared (?:with|to)|against|than)\s", re.IGNORECASE)
# "... (185 patients) or routine change ...": the arm named after "and"/"or" starts the next
# item of a list, it is not the number's before it
_NEXT_ITEM = re.compile(r"\b(?:and|or|vs\.?|versus|while|whereas)\s+(?:the\s+)?$")
_NEW_CLAUSE = re.compile(r"\b(?:and|or|vs\.?|versus|while|whereas)\s")
_AND = re.compile(r"^[\s%a-z.,]*?\b(?:and|&)\s", re.IGNORECASE)
_PATIENT_LEVEL = frozenset((
    "randomized", "enrolled", "treated", "analysed", "age", "male", "female",
    "ecog", "baseline", "baseline_value", "prior_treatment", "not_treated", "discontinued",
    "completed", "lost_to_follow_up", "withdrew_consent", "evaluable_response",
    "safety_population", "excluded_from_analysis"))
# quantities of the whole trial more often than of one arm
_WHOLE_TRIAL = frozenset(("follow_up", "schedule", "eligibility", "assessment_time",
                          "enrolled", "screened", "randomized"))
# numbers of the whole trial that are never one arm's (a schedule or an assessment may be)
_TRIAL_TIMES = frozenset(("follow_up", "eligibility"))



@dataclass
class TextContext:
    """What every sentence of a document is read with: the trial's names and the tables'."""

    names: Names
    tables: TableNames
    experimental: str = ""
    comparator: str = ""
    arms: tuple[str, ...] = ()  # the randomized arms
    details: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (arm, its label's detail word)
    method_population: str = ""  # the analysis set the methods analyse by
    survival: bool = False  # the tables report a time-to-event endpoint

    @classmethod
    def of(cls, names: Names, tables: TableNames, method_population: str = "") -> TextContext:
        arms = tuple(a.ident for a in names.randomized_arms)
        roles = {role: [a.ident for a in names.randomized_arms if a.role == role]
                 for role in ("experimental", "comparator")}
        return cls(names, tables,
                   roles["experimental"][0] if len(roles["experimental"]) == 1 else "",
                   roles["comparator"][0] if len(roles["comparator"]) == 1 else "", arms,
                   _details(names), method_population, any(
                       re.match(r"^(?:os|pfs|deaths|[a-z0-9]+_(?:hr|rate|events))$", e.quantity)
                       for e in tables.entries) or bool(names.endpoints))


_DETAIL_GENERIC = frozenset("with without plus and the of in or dose doses loading every "
                            "once twice daily weekly per given group arm treatment therapy "
                            "care standard usual".split())


def _details(names: Names) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The first word of each arm label's parenthesised detail that no other arm's label
    uses ("Standard Treatment (transfusions, with chelation)" is named "transfusions")."""
    firsts: dict[str, str] = {}
    every: dict[str, set[str]] = {}
    for arm in names.randomized_arms:
        label = max(arm.aliases, key=len)
        words = set(re.findall(r"[a-z][a-z-]+", label))
        every[arm.ident] = words
        inner = re.search(r"\(([^)]*)\)", label)
        if inner:
            first = next((w for w in re.findall(r"[a-z][a-z-]+", inner.group(1))
                          if len(w) > 3 and w not in _DETAIL_GENERIC), "")
            if first:
                firsts[arm.ident] = first
    out = []
    for ident, word in firsts.items():
        if not any(word in w for other, w in every.items() if other != ident):
            stem = word[:-1] if word.endswith("s") else word
            out.append((ident, re.compile(rf"\b{re.escape(stem)}s?\b")))
    return tuple(out)


@dataclass
class Sentence:
    unit: Unit
    low: str
    rows: list[Draft]
    ctx: TextContext
    arms: list[Hit] = field(default_factory=list)

    def span(self, d: Draft) -> tuple[int, int]:
        item = d.item
        return (item.start, item.end) if item is not None else (0, 0)

    def group_span(self, d: Draft) -> tuple[int, int]:
        group = [r for r in self.rows if r.item is not None and d.item is not None
                 and r.item.group == d.item.group]
        return min(r.item.start for r in group), max(r.item.end for r in group)  # type: ignore[union-attr]


# ------------------------------------------------------------------------------- arms


def arm_hits(low: str, ctx: TextContext) -> list[Hit]:
    """The arms a sentence names: by label (short forms included) or by role word."""
    hits = list(ctx.names.find(low, "arm")) if ctx.names.arm_names else []
    found: list[tuple[str, re.Match[str]]] = []
    for role, arm in (("comparator", ctx.comparator), ("experimental", ctx.experimental)):
        if arm:
            pattern = rf"\b(?:{_ROLE_WORDS[role]})(?:{_ROLE_NOUN}\b|(?=\s+(?:and|or|vs\.?|" \
                      rf"versus)\s+(?:the\s+)?[a-z-]+{_ROLE_NOUN}))"
            found += [(arm, m) for m in re.finditer(pattern, low)]
    found += [(arm, m) for arm, rx in ctx.details for m in rx.finditer(low)]
    for arm, m in found:
        if not any(h.start < m.end() and m.start() < h.end for h in hits):
            hits.append(Hit(arm, m.group(), m.start(), m.end()))
    for hit in textruns.shared_noun_hits(low, {a.ident: a.aliases
                                               for a in ctx.names.randomized_arms}):
        if not any(h.start < hit.end and hit.start < h.end for h in hits):
            hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _heads(s: Sentence) -> list[Draft]:
    """One row per number group that can belong to an arm (a count, a percent, a median...)."""
    seen: set[int] = set()
    out = []
    for d in s.rows:
        if d.item is None or d.item.group in seen or d.item.statistic in BETWEEN:
            continue
        seen.add(d.item.group)
        out.append(d)
    return out


def _respectively(s: Sentence, heads: list[Draft]) -> dict[int, str] | None:
    """Arms of "in the A and B groups ... 10% and 20%, respectively", in order."""
    m = re.search(r"\brespectively\b", s.low)
    if not m:
        return None
    inside = [h for h in heads if s.span(h)[1] <= m.start()]
    ordered: list[str] = []
    first = s.span(inside[0])[0] if inside else 0
    for hit in s.arms:
        if hit.name not in ordered and (hit.start < first or hit.start > m.start()):
            ordered.append(hit.name)
    if len(inside) < 2 or len(ordered) != len(inside):
        return None
    return {id(h): ordered[i] for i, h in enumerate(inside)}


def _vs_run(s: Sentence, heads: list[Draft], spans: list[tuple[int, int]]) -> list[int]:
    """Indices of the heads of the first "a vs b (vs c)" run with no arm named inside it."""
    for i in range(len(heads) - 1):
        run = [i]
        while run[-1] + 1 < len(heads):
            j = run[-1] + 1
            between = s.low[spans[run[-1]][1]:spans[j][0]]
            if not _VS.search(between) or len(between) > 40 or any(
                    spans[run[-1]][1] <= a.start < spans[j][0] for a in s.arms):
                break
            run.append(j)
        if len(run) > 1 and same_kind(heads[run[0]], heads[run[1]]):
            return run
    return []


def _ordered_vs(s: Sentence, heads: list[Draft], spans: list[tuple[int, int]],
                out: dict[int, tuple[str, str]]) -> None:
    """"The most common (group A vs group B) were neutropenia (13% vs 22%) and diarrhoea
    (19% vs 11%)": the arms named before a run, in order, for every run; with no arm named,
    the experimental arm first (the usual order: a guess)."""
    start = 0
    ordered: list[str] = []
    while start < len(heads):
        run = _vs_run(s, heads[start:], spans[start:])
        if not run:
            return
        run = [start + i for i in run]
        start = run[-1] + 1
        first, end = spans[run[0]][0], spans[run[-1]][1]
        closed = end + len(re.match(r"[\s%)\]]*", s.low[end:]).group())  # "(81%)"
        after = [a for a in s.arms if end <= a.start < _clause_end(s.low, closed)]
        if any(id(heads[i]) in out for i in run):
            continue
        if after:
            # "229 (84%) of 274 vs 220 (81%) of 273 participants in the A and B groups"
            names = [a.name for a in after]
            if len(run) == len(names) == len(set(names)) and all(
                    re.fullmatch(r"\s*(?:,|and|or|vs\.?|versus)?\s*(?:the\s+)?",
                                 s.low[x.end:y.start])
                    for x, y in zip(after[:-1], after[1:], strict=True)):
                for k, i in enumerate(run):
                    out[id(heads[i])] = (names[k], "the arms named after 'a vs b', in order")
            for i, arm, rule in textruns.arm_after_pair(s, run, heads, after):
                out[id(heads[i])] = (arm, rule)
            continue
        if not ordered:
            for a in s.arms:
                if a.start < first and a.name not in ordered and a.name in s.ctx.arms:
                    ordered.append(a.name)
        if len(ordered) == len(run):
            for k, i in enumerate(run):
                out[id(heads[i])] = (ordered[k], "the arms named before 'a vs b', in order")
        elif not s.arms and len(run) == 2 and s.ctx.experimental and s.ctx.comparator and \
                len(s.ctx.arms) == 2:
            out[id(heads[run[0]])] = (s.ctx.experimental, "'a vs b' with no arm named: "
                                                          "experimental first")
            out[id(heads[run[1]])] = (s.ctx.comparator, "'a vs b' with no arm named: "
                                                        "experimental first")


def _clause_end(low: str, end: int) -> int:
    m = re.search(r"[;)\]]|\.\s", low[end:])
    return end + (m.start() if m else len(low) - end)


def assign_arms(s: Sentence) -> dict[int, tuple[str, str]]:
    """{id of a head row: (arm, rule)} for the sentence's number groups."""
    heads = _heads(s)
    out: dict[int, tuple[str, str]] = {}
    if not heads:
        return out
    listed = (_respectively(s, heads) or textruns.respectively_runs(s, heads)) if s.arms \
        else None
    if listed:
        return {k: (v, "respectively") for k, v in listed.items()}
    spans = [s.group_span(h) for h in heads]
    _ordered_vs(s, heads, spans, out)
    for h, arm, rule in textruns.arms_listed_before(s, heads):
        out.setdefault(id(h), (arm, rule))
    if not s.arms:
        return out
    after_of: dict[int, Hit] = {}
    before_of: dict[int, Hit] = {}
    for i in range(len(heads)):
        start, end = spans[i]
        nxt = spans[i + 1][0] if i + 1 < len(heads) else len(s.low)
        prev = spans[i - 1][1] if i else 0
        after = [a for a in s.arms if end <= a.start < nxt and a.start - end < 90]
        both = after and re.match(r"\s*(?:or|and|vs\.?|versus)\s+(?:to\s+|the\s+)?$",
                                  s.low[after[0].end:after[1].start]) if len(after) > 1 else False
        owned = after and i + 1 < len(heads) and re.fullmatch(
            r"[\s,]*(?:[a-z-]+\s+){0,4}?[(\[]\s*(?:n\s*=\s*)?", s.low[after[0].end:nxt])
        if after and not both and not owned:
            # "12 (10%) of 120 patients in the A group": the denominator is no other number
            tail = _without_spread(re.sub(r"\bof\s+\d[\d,]*\b", "of", textstats.RATE_PER.sub(
                " ", s.low[end:after[0].start])))
            if _LINK_AFTER.match(tail + " ") or re.fullmatch(r"[\s%a-z.,()\[\]]*", tail) \
                    and not _VS.search(tail) and not _NEXT_ITEM.search(tail + " "):
                after_of[i] = after[0]
        # "... (group A) or drug R 5 mg/kg": an arm closing the item before "or" is its own
        before = [a for a in s.arms if prev <= a.start and a.end <= start
                  and ";" not in s.low[a.end:start]
                  and not re.match(r"\s*[)\]]\s*,?\s*or\b", s.low[a.end:start])]
        if before:
            before_of[i] = before[-1]
    # "in group A 88 (61%) and in group B 89 (63%)": each number after its arm
    before_style = 0 in before_of and len(heads) - 1 not in after_of
    for i, h in enumerate(heads):
        if id(h) in out:
            continue
        first, second = (before_of, after_of) if before_style else (after_of, before_of)
        hit = first.get(i) or second.get(i)
        if hit is not None:
            how = "before" if hit is before_of.get(i) else "after"
            if how == "before" and after_of.get(i - 1) is hit:
                if h.fields["quantity"] in _TRIAL_TIMES:
                    # "111 deaths in the control group during a mean follow-up of 4.2
                    # years": the arm the number before names after it is not a
                    # whole-trial number's
                    how = "far from"
                elif _NEW_CLAUSE.search(s.low[hit.end:spans[i][0]]):
                    # "2.0 and 14.5 months in A and 2.8 and 13.2 months in B": the arm
                    # named after the number before is that number's ('and', 'vs' decide)
                    continue
            out[id(h)] = (hit.name, f"{how} '{hit.term}'")
    _by_neighbour(s, heads, spans, out)
    for i, h in enumerate(heads):
        if id(h) not in out:
            before = [a for a in s.arms if a.end <= spans[i][0]]
            hit = before[-1] if before else next(a for a in s.arms)
            out[id(h)] = (hit.name, f"far from '{hit.term}'")
    return out


_BRACKETED = re.compile(r"[(\[][^()\[\]]*[)\]]")
_SPREAD = re.compile(r",?\s*(?:interquartile range|iqr|range|95% ci|ci|sd)\s*[:=,]?\s*"
                     r"-?\d[\d.,]*\s*(?:-|–|to)\s*-?\d[\d.,]*\s*[a-z]*,?")


def _without_spread(tail: str) -> str:
    """The words between a number and an arm named after it without the number's spread:
    "51.0 days [interquartile range (IQR) 28.0–69.0] in the A group", "51.0 days, IQR
    28.0–69.0, in the A group" name the arm right after the number."""
    while _BRACKETED.search(tail):
        tail = _BRACKETED.sub(" ", tail)
    return _SPREAD.sub(" ", tail)


def _by_neighbour(s: Sentence, heads: list[Draft], spans: list[tuple[int, int]],
                  out: dict[int, tuple[str, str]]) -> None:
    """A number joined by "vs" to another arm's is the other arm's (two arms); joined by
    "and" to a number of one arm, with no arm between them, it shares that arm."""
    two = len(s.ctx.arms) == 2
    for _ in range(2):
        for i, h in enumerate(heads):
            if id(h) in out:
                continue
            for j in (i + 1, i - 1):
                if not 0 <= j < len(heads) or id(heads[j]) not in out:
                    continue
                a, b = sorted((i, j))
                between = s.low[spans[a][1]:spans[b][0]]
                if any(spans[a][1] <= x.start < spans[b][0] for x in s.arms) and j > i:
                    continue
                arm = out[id(heads[j])][0]
                if _VS.search(between) and two and arm in s.ctx.arms:
                    other = next(x for x in s.ctx.arms if x != arm)
                    out[id(h)] = (other, "the other side of 'vs'")
                    break
                if j == i + 1 and _AND.match(between) and len(between) < 30 and \
                        same_kind(h, heads[j]):
                    out[id(h)] = (arm, "'and' before a number of the arm")
                    break


def same_kind(a: Draft, b: Draft) -> bool:
    return (a.item is not None and b.item is not None
            and (a.item.unit or "") == (b.item.unit or "")
            and a.item.statistic == b.item.statistic)


def _pooled_words(low: str) -> bool:
    return bool(re.search(r"\b(?:all (?:the )?(?:patients|participants|women|children)|overall|"
                          r"in total|a total of|both (?:groups|arms)|whole|entire)\b", low))


def label_arms(s: Sentence) -> None:
    names = s.ctx.names
    if not names.arms:
        return
    found = assign_arms(s)
    current: dict[int, tuple[str, str]] = {}
    pooled = names.pooled_arm
    for d in s.rows:
        q = d.fields["quantity"]
        if d.item is not None and id(d) in found:
            current[d.item.group] = found[id(d)]
        if is_sure(d, "arm"):
            continue
        if between_arms(d):
            d.fields["arm"] = ""
            continue
        if q in CONDUCT or q.startswith("design_"):
            d.fields["arm"] = ""
            continue
        got = current.get(d.item.group) if d.item is not None else None
        if got is None and d.fields["statistic"].startswith(("range_", "iqr_", "ci_", "sd")):
            got = _spread_of(s, d, current)
        if got and got[1].startswith("far from") and q in _WHOLE_TRIAL:
            # "At a median follow-up of 45 months (IQR 35-58), ... in the A group": an arm
            # named far from a number of the whole trial is not its arm
            d.fields["arm"] = ""
            guess(d, f"arm: none (the whole trial's?); '{got[1]}'")
        elif got:
            d.fields["arm"] = got[0]
            d.rules.append(f"arm: {got[1]}")
            if got[1].startswith(("the other", "'and'", "far", "'a vs b' with",
                                  "the arms listed before 'a and b'")):
                guess(d, f"arm: {got[1]}")
        elif pooled and (q in _PATIENT_LEVEL or q.startswith(("ae_", "trae_"))):
            d.fields["arm"] = pooled
            if not _pooled_words(s.low):
                guess(d, "arm: the whole trial's (no arm named)")
        else:
            d.fields["arm"] = ""
            if q not in ("", "outcome") and not q.startswith(("external", "design")):
                if q in _PATIENT_LEVEL:
                    guess(d, "arm: none named (the whole trial's?)")


_SPREAD_GAP = re.compile(r"^[\s,;:(\[]*(?:[a-z]+\s*)?[,;(\[]*\s*(?:interquartile range|iqr|range|"
                         r"quartiles|95% ci|ci|sd)?\s*(?:[(\[]\s*iqr\s*[)\]])?[\s,:=]*$")


def _spread_of(s: Sentence, d: Draft, current: dict[int, tuple[str, str]]
               ) -> tuple[str, str] | None:
    """"51.0 days [IQR 28.0–69.0] in the A group": a spread printed in its own group right
    after an arm's number is of that arm."""
    start = s.group_span(d)[0]
    before = [r for r in s.rows if r.item is not None and d.item is not None
              and r.item.group != d.item.group and s.group_span(r)[1] <= start]
    if not before or before[-1].item is None or before[-1].item.group not in current:
        return None
    prev = before[-1]
    if not _SPREAD_GAP.match(s.low[s.group_span(prev)[1]:start]):
        return None
    arm, rule = current[prev.item.group]  # type: ignore[union-attr]
    return arm, f"{rule} (the spread of that number)"


# ----------------------------------------------------------------------- the whole sentence


def label_sentence(unit: Unit, rows: list[Draft], ctx: TextContext) -> list[Draft]:
    """The rows of one sentence, relabelled as the sentence's shape says; each row's flag
    says whether any label is still a guess."""
    if not rows:
        return rows
    s = Sentence(unit, fold(unit.text), rows, ctx)
    s.arms = arm_hits(s.low, ctx)
    textruns.share_units(s)
    textrules.label_units(s)
    textstats.label_rates(s)
    textstats.label_quartiles(s)
    textstats.label_chi_square(s)
    textshapes.label_conduct(s)
    textshapes.label_design(s)
    textflow.label_flow(s)
    textrules.label_declared_endpoints(s)
    textrules.label_duration(s)
    textrules.label_comparators(s)
    textrules.label_landmarks(s)
    label_effects(s)
    textrules.label_named(s)
    textterms.label_levels_after(s)
    textterms.label_terms_before(s)
    textterms.label_performance_status(s)
    textsaid.flag_later_baseline(s)
    textrules.label_responses(s)
    textshapes.label_treatment(s)
    textshapes.label_follow_up(s)
    textrules.label_sd(s)
    textsaid.label_se(s)
    textrules.label_tests(s)
    textshapes.label_subgroup(s)
    textnamed.label_versions(s)
    textstats.label_counts(s)
    label_arms(s)
    textruns.regimen_arms(s)
    textnamed.label_endpoint_p(s)
    textnamed.label_listed_events(s)
    textsets.label_population(s)
    for d in rows:
        study = study_at(unit.external_spans, d.offset)
        if study is not None or d.fields["quantity"] in ("external_pfs", "external_orr"):
            external_quantity(s, d)
        if study is not None:
            at = d.item.start if d.item is not None else bisect_left(unit.origin, d.offset)
            d.rules += label_external(d.fields, study, unit.text, at)
        safety_set(s, d)
        flag_row(s, d)
    return rows
