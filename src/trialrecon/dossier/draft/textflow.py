"""The flow of patients a sentence prints (CONSORT), read into labels (:mod:`.sentences`).

- "Of 1000 patients screened, 210 were excluded ...; 787 were randomised": the verb or noun
  right after a count (or the "Of N ..." before it) names ``screened``, ``screen_failure``
  ("met any of the exclusion criteria"), ``randomized``, ``enrolled``, ``treated``
  ("received <an arm's name>"), ``not_treated`` ("received no treatment"), ``discontinued``,
  ``lost_to_follow_up``, ``completed`` ("received all of their allocated treatment"),
  ``withdrew_consent``, ``analysed``, ``excluded_from_analysis``, ``safety_population``
  ("evaluable for toxicity", "toxicity was assessed in 266"), ``evaluable_response``,
  ``male``/``female`` ("were women"), ``orr`` ("responded"); deaths and progressions of a
  survival analysis;
- the arm may stand between the count and its word ("64 (53%) of 121 patients in the A group
  had died"); counts joined by "and" share the word after the last, and a count joined by
  "and" to a flow count before it is the same step; a verb may come first ("we recruited 547
  patients");
- a number after a threshold ("with at least 1 evaluable scan") is a definition, no count;
- a count after a preposition whose participle has no auxiliary ("in 14 participants
  randomised to A") names patients, not a step of the flow;
- "Of the 787 women recruited, 398 (50.6%) ..." gives the denominator; else a flow percent's
  denominator is a guess (it stands in an earlier sentence).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.textrules import guess, is_sure, sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# (quantity, pattern right after the count: the words that say what was counted)
_FLOW_AFTER = (
    ("screened", r"(?:were |had been |was )?(?:screened|assessed for eligibility|"
                 r"assessed for inclusion|evaluated for eligibility)"),
    ("screen_failure", r"(?:were |was )?(?:excluded before|ineligible|not eligible|"
                       r"did not meet (?:the )?(?:inclusion|eligibility)|declined to participate|"
                       r"refused to participate|failed screening|met (?:any|one|at least one|"
                       r"one or more)? ?(?:of )?(?:the )?exclusion criteri)"),
    ("excluded_from_analysis", r"(?:were |was )?excluded from (?:the |this |all )?"
                               r"(?:[a-z-]+ )?analys[ie]s"),
    ("randomized", r"(?:were |was |had been )?(?:randomly (?:assigned|allocated)|"
                   r"randomi[sz]ed|underwent randomi[sz]ation|assigned at random)"),
    ("enrolled", r"(?:were |was )?(?:enrolled|enroled|recruited|registered|accrued)"),
    ("completed", r"received all (?:of )?(?:their |the )?(?:randomi[sz]ed |allocated |assigned |"
                  r"planned |study )?(?:treatments?|doses?|infusions?|cycles?)"),
    ("not_treated", r"(?:(?:did not|never) (?:receive|start)(?:d)? (?:any |the |their )?"
                    r"(?:allocated |assigned |study |randomi[sz]ed |trial )?(?:treatment|drug|"
                    r"intervention)|were not treated|received no (?:study |allocated |trial )?"
                    r"(?:treatment|drug|intervention))"),
    ("treated", r"(?:were treated|received at least one dose|received (?:the )?(?:study |"
                r"allocated |assigned )?(?:treatment|drug|intervention)|started treatment)"),
    ("withdrew_consent", r"(?:withdrew (?:their |informed )?consent|withdrawn consent)"),
    ("lost_to_follow_up", r"(?:were |was )?lost to follow-?up"),
    ("completed", r"(?:completed (?:the )?(?:study|trial|treatment|follow-?up|protocol)|"
                  r"were followed up)"),
    ("discontinued", r"(?:discontinued|withdrew|were withdrawn|stopped (?:the )?(?:study|"
                     r"treatment))"),
    ("safety_population", r"(?:were |was )?(?:evaluable|assessable|assessed|evaluated|"
                          r"analy[sz]ed|included) for (?:toxicity|safety|adverse events)"),
    ("evaluable_response", r"(?:were |was )?(?:evaluable|assessable|assessed|evaluated) for "
                           r"(?:tumou?r )?response"),
    ("analysed", r"(?:were |was )?(?:included in (?:the )?(?:[a-z-]+ )?analys[ie]s|analy[sz]ed|"
                 r"evaluable|assessable)"),
    ("male", r"(?:were|was) (?:male|men|boys)\b"),
    ("female", r"(?:were|was) (?:female|women|girls)\b"),
    ("orr", r"(?:had )?responded\b"),
    ("deaths", r"(?:had )?died\b|deaths?\b"),
    ("pfs_events", r"(?:had )?(?:disease )?progress(?:ed|ion)\b"),
)
# "of 273 patients in the twice-daily group had died": the arm between the count and its verb
_IN_ARM = r"(?:(?:in|on|of|from) (?:the |each |both )?[a-z0-9 -]{1,40}?(?:group|arm|cohort)s?" \
          r",?\s+)?"
_FLOW_RE = tuple((q, re.compile(r"^\s*%?\s*(?:\)\s*|\]\s*)?(?:[a-z-]+\s+){0,3}?(?:\([^)]*\)\s*)?"
                                r"(?:patients?\s+|participants?\s+|women\s+|children\s+|"
                                r"subjects?\s+)?" + _IN_ARM + rx)) for q, rx in _FLOW_AFTER)
# "we recruited 547 patients", "we randomly assigned 150 patients": the verb before the count
_FLOW_BEFORE = re.compile(r"\b(?:we|they|investigators) (?:have |had )?(randomly assigned|"
                          r"randomi[sz]ed|enrolled|recruited|screened|included)"
                          r" (?:a total of |an? |the )?$")
_OF_N = re.compile(r"\b(?:of|among) (?:the |these |all )?(\d[\d,]*) (?:patients |participants |"
                   r"women |children |subjects )?(?:who (?:were |had been )?)?"
                   r"(screened|randomi[sz]ed|enrolled|assessed|eligible|included|treated)")
_COUNT_STATS = ("count", "value", "percent")
# "with at least 1 evaluable scan": a number after a threshold word defines, it counts nobody
_THRESHOLD_BEFORE = re.compile(r"\b(?:at least|at most|a minimum of|a maximum of|no more than|"
                               r"no fewer than|more than|fewer than|up to)\s*$|[≥≤]\s*$")


def _tail(s: Sentence, d: Draft) -> str:
    """The words after a number's group, up to the next number."""
    end = s.group_span(d)[1]
    nxt = min((s.group_span(r)[0] for r in s.rows if r.item is not None and d.item is not None
               and r.item.group != d.item.group and s.group_span(r)[0] >= end),
              default=len(s.low))
    return s.low[end:min(nxt, end + 90)]


def label_flow(s: Sentence) -> None:
    _label_flow(s)
    _flow_after_and(s)


def _flow_after_and(s: Sentence) -> None:
    """"Toxicity was assessed in 266 (97%) of 273 patients in the A group and 263 (97%) of
    270 patients in the B group": a count joined by "and" to the flow count before it (same
    statistic, nothing but its n and arm between) is the same step of the flow."""
    rows = [d for d in s.rows if d.item is not None]
    for k, d in enumerate(rows):
        if k == 0 or is_sure(d, "quantity") or d.fields["statistic"] not in ("count", "percent"):
            continue
        prev = next((r for r in reversed(rows[:k]) if r.fields["statistic"] ==
                     d.fields["statistic"] and r.item is not None and d.item is not None
                     and r.item.group != d.item.group), None)
        if prev is None or not any(r.startswith("sure quantity: flow") for r in prev.rules):
            continue
        gap = s.low[s.span(prev)[1]:s.span(d)[0]]
        if len(gap) < 80 and re.fullmatch(r"[^.;]*?\band\s*", gap) and \
                not re.search(r"\b(?:were|was|had|did)\b", gap):
            for r in rows:  # the count and its percent
                if r.item is not None and d.item is not None and r.item.group == d.item.group:
                    r.fields["quantity"], r.fields["category"] = prev.fields["quantity"], ""
                    sure(r, "quantity", "flow: the step of the count before it, joined by 'and'")
                    _flow_denominator(s, d, r)


def _label_flow(s: Sentence) -> None:
    for d in s.rows:
        if d.item is None or d.fields["statistic"] not in _COUNT_STATS or d.item.unit not in (
                "", "percent") or is_sure(d, "quantity"):
            continue
        if d.fields["statistic"] == "value" and not re.fullmatch(r"\d+", d.fields["value"]):
            continue
        head = next((r for r in s.rows if r.item is not None and d.item is not None
                     and r.item.group == d.item.group), d)
        if _THRESHOLD_BEFORE.search(s.low[max(0, s.span(head)[0] - 20):s.span(head)[0]]):
            continue
        tail = _tail(s, head)
        found = _flow_after(s, head, tail)
        if found and _noun_phrase(s, head, tail):
            continue  # "which occurred in 14 participants randomised to X": no flow
        if not found and _FLOW_BEFORE.search(s.low[:s.group_span(head)[0]]) and \
                re.match(r"^\s*(?:patients|participants|women|men|children|infants|subjects)\b",
                         tail):
            found = _of_quantity(_FLOW_BEFORE.search(s.low[:s.group_span(head)[0]]).group(1))
        if not found and _SAFETY_BEFORE.search(s.low[:s.group_span(head)[0]]):
            found = "safety_population"  # "Toxicity was assessed in 266 (97%) of 273"
        if not found and _received_arm(s, head, tail):
            found = "treated"
        if not found:
            of = _OF_N.search(s.low)
            if of and s.group_span(d)[0] == s.low.find(of.group(1), of.start()):
                found = _of_quantity(of.group(2))
        if not found:
            continue
        if found == "enrolled" and s.ctx.names.arms and re.search(r"random", tail):
            found = "randomized"
        if found in ("deaths", "pfs_events") and not s.ctx.survival:
            continue  # a death in a trial with no survival analysis is an outcome
        d.fields["quantity"] = found
        d.fields["category"] = ""
        if d.fields["statistic"] == "value":
            d.fields["statistic"] = "count"
        if d.fields["statistic"] == "count":
            d.fields["unit"] = "events" if found == "pfs_events" else "patients"
        sure(d, "quantity", f"flow: '{tail.strip()[:30]}'")
        sure(d, "statistic", "a count of patients")
        _flow_denominator(s, head, d)


# "Of the 787 women recruited, 398 (50.6%) were randomised": the n the percent is over
_OF_N_BEFORE = re.compile(r"(?:^|[.;,(]\s*)(?:of|among) (?:the |these |all )?(\d[\d,]*) "
                          r"(?:[a-z-]+ ){0,3}?(?:patients|participants|women|men|children|"
                          r"infants|subjects|people|mothers)\b[a-z ,-]{0,40}?,\s*$")


def _flow_denominator(s: Sentence, head: Draft, d: Draft) -> None:
    """A flow count printed with its percent is over an n: "Of the N ..., " right before
    it gives it; else the n stands elsewhere in the paragraph (a guess to check)."""
    group = [r for r in s.rows if r.item is not None and head.item is not None
             and r.item.group == head.item.group]
    if d.fields.get("denominator") or not any(r.fields["statistic"] == "percent"
                                               for r in group):
        return
    of = _OF_N_BEFORE.search(s.low[:s.group_span(head)[0]])
    if of:
        d.fields["denominator"] = of.group(1).replace(",", "")
        d.rules.append("denominator: 'of the N ...,' before the count")
    else:
        guess(d, "denominator: the n the percent is over (printed before this sentence?)")


def _noun_phrase(s: Sentence, head: Draft, tail: str) -> bool:
    """"in 14 participants randomised to X": a count after a preposition whose participle
    has no auxiliary names a group of patients, it counts no step of the flow."""
    before = s.low[max(0, s.group_span(head)[0] - 20):s.group_span(head)[0]]
    return bool(re.search(r"\b(?:in|among|for|with|to|from)\s*$", before)) and not re.match(
        r"^\s*%?\s*[)\]]?\s*(?:[a-z-]+\s+){0,3}?(?:were|was|had|have|has|did|never)\b", tail)


def _of_quantity(word: str) -> str:
    return {"screened": "screened", "assessed": "screened", "eligible": "enrolled",
            "included": "enrolled", "treated": "treated", "enrolled": "enrolled",
            "recruited": "enrolled"}.get(word, "randomized")


_SAFETY_BEFORE = re.compile(r"\b(?:toxicity|toxicities|safety|adverse events) (?:was|were) "
                            r"(?:assessed|evaluated|evaluable|assessable|analy[sz]ed) in\s*$")
_RECEIVED = re.compile(r"^\s*(?:patients?\s+|participants?\s+|women\s+|children\s+|"
                       r"subjects?\s+)?(?:were given|received|started) (?:the |their )?")


def _received_arm(s: Sentence, head: Draft, tail: str) -> bool:
    """"1161 patients received tranexamic acid": a count received the treatment an arm is
    named by (the arm's label right after the verb) is of the treated."""
    m = _RECEIVED.match(tail)
    if not m:
        return False
    at = s.group_span(head)[1] + m.end()
    return any(a.start == at for a in s.arms)


def _flow_after(s: Sentence, head: Draft, tail: str, hops: int = 2) -> str:
    """The flow word after a count's group; "181 (66%) of 273 patients in the A group and 189
    (70%) of 270 in the B group had disease progression": a group joined by "and" to the
    next one of the same kind shares its verb."""
    found = next((q for q, rx in _FLOW_RE if rx.match(tail)), "")
    if found or hops == 0 or not re.search(r"\b(?:and|or|vs\.?|versus|compared with)\s*$",
                                           tail) or re.search(r"[;.]|, (?:and|but|whereas)",
                                                              tail):
        return found
    end = s.group_span(head)[1]
    nxt = [r for r in s.rows if r.item is not None and head.item is not None
           and r.item.group != head.item.group and s.group_span(r)[0] >= end]
    if not nxt or nxt[0].fields["statistic"] != head.fields["statistic"]:
        return ""
    return _flow_after(s, nxt[0], _tail(s, nxt[0]), hops - 1)
