"""Runs of numbers a sentence prints together, one per arm, with their words printed once.

Trial reports print the numbers of the arms side by side and write what they share once:

- **the unit after the run**: "29.8 versus 18.5%", "34 and 39%", "10.3 vs. 7.4 months",
  "8.4 vs. 1.8 vs. 2.0 months": every number of the run is in the unit printed after its
  last number (a percent makes each a percent);
- **arms listed with a shared noun**: "for groups A and B, respectively", "in arms A, B and
  C": each letter names the arm whose label is that noun and letter ("Group A (XELIRI)");
- **"respectively" over several runs**: "median PFS was 10.2 and 10.8 months, while median
  OS was 20.0 and 25.3 months, for groups A and B, respectively": each run of as many
  numbers as arms named takes the arms in order;
- **one arm named after a two-number run** in a two-arm trial: "(10.3 vs. 7.4 months in
  gefitinib alone)": the arm named is the last number's, the first number is the other
  arm's.

Written from the reporting conventions of trial reports (CONSORT's "results for each group"),
not from any one paper.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.lexicon import Hit
from trialrecon.dossier.draft.textrules import sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# what joins two numbers of one run: "a vs b", "a versus b", "a and b", "a or b" (a bare
# comma does not: "α = 0.05, 90% power")
_JOIN = re.compile(r"\s*(?:,\s*)?(?:vs\.?|versus|v\.|and|or)\s*$", re.IGNORECASE)
# units a run shares (those the number patterns print): a percent or a unit of time
_SHARED = frozenset(("percent", "days", "weeks", "months", "years", "hours", "minutes"))


def _firsts(s: Sentence) -> list[Draft]:
    """The first row of each number group, in reading order."""
    seen: set[int] = set()
    out = []
    for d in sorted((r for r in s.rows if r.item is not None), key=lambda r: r.item.start):  # type: ignore[union-attr]
        if d.item.group not in seen:  # type: ignore[union-attr]
            seen.add(d.item.group)  # type: ignore[union-attr]
            out.append(d)
    return out


def share_units(s: Sentence) -> None:
    """"29.8 versus 18.5%", "10.3 vs. 7.4 months": a bare number joined to the next number
    of the run takes the unit printed after that number (right to left, so that "8.4 vs.
    1.8 vs. 2.0 months" gives all three months)."""
    heads = _firsts(s)
    for a, b in reversed(list(zip(heads[:-1], heads[1:], strict=True))):
        ia, ib = a.item, b.item
        if ia is None or ib is None or ia.unit or ib.unit not in _SHARED or \
                ia.pattern != "number" or ia.statistic != "value" or \
                ib.statistic not in ("value", "percent"):
            continue
        if not _JOIN.match(s.low[ia.end:ib.start]) or ib.start - ia.end > 12:
            continue
        if a.fields["quantity"] != b.fields["quantity"] or \
                a.fields["quantity"].startswith("design_") or _alpha_before(s, ia.start):
            continue  # "an α of 0.05 and 80% power": two parameters, not one run
        ia.unit = ib.unit
        a.fields["unit"] = ib.unit
        if ib.unit == "percent" and a.fields["statistic"] in ("value", "count"):
            ia.statistic = "percent"
            a.fields["statistic"] = "percent"
            sure(a, "statistic", "a percent printed once after the run 'a vs b%'")
        sure(a, "unit", "printed once after the run of numbers")


def _alpha_before(s: Sentence, start: int) -> bool:
    return bool(re.search(r"(?:\b(?:alpha|significance|level|p)|α)[^,;.]{0,25}$",
                          s.low[max(0, start - 40):start]))


# ------------------------------------------------------------------ arms with a shared noun

_NOUNS = ("group", "arm", "cohort")


def shared_noun_hits(low: str, arm_aliases: dict[str, tuple[str, ...]]) -> list[Hit]:
    """"groups A and B", "arms A, B and C": a hit for each letter whose arm is labelled
    with the noun and that letter ("group a")."""
    out: list[Hit] = []
    by_key = {alias: arm for arm, aliases in arm_aliases.items() for alias in aliases}
    rx = re.compile(rf"\b({'|'.join(_NOUNS)})s\s+([a-z0-9]{{1,2}}(?:\s*,\s*[a-z0-9]{{1,2}})*"
                    r"\s*,?\s*(?:and|or|&)\s+[a-z0-9]{1,2})\b")
    for m in rx.finditer(low):
        noun = m.group(1)
        for part in re.finditer(r"[a-z0-9]{1,2}(?=\s*(?:,|and\b|or\b|&|$))", m.group(2)):
            if part.group() in ("and", "or"):
                continue
            arm = by_key.get(f"{noun} {part.group()}")
            if arm is None:
                return out  # "groups a and x": not all letters name arms
            start = m.start(2) + part.start()
            out.append(Hit(arm, f"{noun} {part.group()}", start, start + len(part.group())))
    return out


# ------------------------------------------------------------------ respectively over runs


def respectively_runs(s: Sentence, heads: list[Draft]) -> dict[int, str] | None:
    """"10.2 and 10.8 months (p = 0.74), while OS was 20.0 and 25.3 months, for groups A
    and B, respectively": the last numbers before "respectively" form runs of as many
    numbers as the arms listed (after them, else before them); each run takes the arms in
    order. A number before the runs that is not joined to them ("after a median follow-up
    of 42 months, ...") is no part of them."""
    m = re.search(r"\brespectively\b", s.low)
    if not m:
        return None
    inside = [h for h in heads if h.item is not None and h.item.end <= m.start()]
    if len(inside) < 2:
        return None
    listed = _listed(s, [a for a in s.arms if inside[-1].item.end <= a.start < m.start()])  # type: ignore[union-attr]
    if not listed:
        listed = _listed(s, [a for a in s.arms if a.end <= inside[0].item.start])  # type: ignore[union-attr]
    n = len(listed)
    if n < 2 or len(inside) < n:
        return None
    out: dict[int, str] = {}
    end = len(inside)
    while end >= n and _is_run(s, inside[end - n:end]):
        for arm, h in zip(listed, inside[end - n:end], strict=True):
            out[id(h)] = arm
        end -= n
    if not out or end and _joined(s, inside[end - 1], inside[end]):
        return None
    return out


def _listed(s: Sentence, hits: list[Hit]) -> list[str]:
    """The arms of a list "A and B", "A, B and C" in order (each once), or []."""
    names: list[str] = []
    for x, y in zip(hits[:-1], hits[1:], strict=True):
        if not re.fullmatch(r"\s*(?:,|and|or|&|vs\.?|versus)?\s*(?:,?\s*(?:and|or)\s*)?"
                            r"(?:the\s+)?", s.low[x.end:y.start]):
            return []
    for h in hits:
        if h.name not in names:
            names.append(h.name)
    return names if len(names) == len(hits) else []


def _joined(s: Sentence, x: Draft, y: Draft) -> bool:
    """Two numbers printed as one run: "a and b", "a% vs b%", "a months and b months"."""
    between = s.low[x.item.end:y.item.start]  # type: ignore[union-attr]
    between = re.sub(r"^\s*(?:%|[a-z]+\.?)(?=\s*(?:,\s*)?(?:vs|versus|and|or)\b)", "", between)
    return len(between) <= 16 and bool(_JOIN.match(between))


def _is_run(s: Sentence, run: list[Draft]) -> bool:
    return all(_joined(s, x, y) and x.fields["statistic"] == y.fields["statistic"]
               for x, y in zip(run[:-1], run[1:], strict=True))


# ------------------------------------------------------------------ one arm after a pair


def arm_after_pair(s: Sentence, run: list[int], heads: list[Draft], after: list[Hit]
                   ) -> list[tuple[int, str, str]]:
    """"(10.3 vs. 7.4 months in gefitinib alone)": in a two-arm trial, the one arm named
    right after a pair "a vs b" is b's, and a is the other arm's."""
    arms = s.ctx.arms
    if len(run) != 2 or len(arms) != 2 or len({a.name for a in after}) != 1 or \
            after[0].name not in arms:
        return []
    first, second = heads[run[0]], heads[run[1]]
    if first.item is None or second.item is None:
        return []
    if not re.search(r"\b(?:vs\.?|versus|compared with)\s*$", s.low[first.item.end:
                                                                   second.item.start]):
        return []
    tail = s.low[second.item.end:after[0].start]
    if not re.fullmatch(r"[\s%a-z]*?\b(?:in|for|with|on)\s+(?:the\s+)?", tail) or len(tail) > 30:
        return []
    other = next(a for a in arms if a != after[0].name)
    return [(run[1], after[0].name, f"after '{after[0].term}' (a vs b in B)"),
            (run[0], other, f"the other side of 'vs' (a vs b in '{after[0].term}')")]


# ------------------------------------------------------------------ arms listed before a run

_BRACKETS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


def _and_joined(s: Sentence, x: Draft, y: Draft) -> bool:
    """"1.8 (range, 0.2-31.5 months) and 2.8": joined by "and" once the first number's
    spread and unit are set aside."""
    between = s.low[x.item.end:y.item.start]  # type: ignore[union-attr]
    while _BRACKETS.search(between):
        between = _BRACKETS.sub(" ", between)
    between = re.sub(r"^\s*(?:%|[a-z]+\.?)(?=\s*,?\s*and\b)", "", between)
    return len(between) <= 12 and bool(re.fullmatch(r"\s*,?\s*and\s*", between))


def arms_listed_before(s: Sentence, heads: list[Draft]) -> list[tuple[Draft, str, str]]:
    """"The median duration of A and B administration was 1.8 (range ...) and 2.8 (range
    ...) months": a run "a and b" of as many numbers of one kind as the arms listed last
    before it (no number between them) takes them in order: the convention of
    "respectively" without the word, so a guess."""
    out: list[tuple[Draft, str, str]] = []
    i = 0
    while i < len(heads):
        j = i
        while j + 1 < len(heads) and _and_joined(s, heads[j], heads[j + 1]) and \
                heads[j].fields["statistic"] == heads[j + 1].fields["statistic"]:
            j += 1
        run = heads[i:j + 1]
        i = j + 1
        if len(run) < 2 or any(h.item is None for h in run):
            continue
        first, last = run[0].item.start, run[-1].item.end  # type: ignore[union-attr]
        if any(first <= a.start < last for a in s.arms):
            continue
        prev_end = max((h.item.end for h in heads if h.item is not None  # type: ignore[union-attr]
                        and h.item.end <= first), default=0)
        before = [a for a in s.arms if prev_end <= a.start and a.end <= first]
        listed = _listed(s, before[-len(run):]) if len(before) >= len(run) else []
        if len(listed) != len(run) or not set(listed) <= set(s.ctx.arms):
            continue
        out += [(h, arm, "the arms listed before 'a and b', in order")
                for h, arm in zip(run, listed, strict=True)]
    return out


# ------------------------------------------------------------------ an arm's regimen

_REGIMEN = frozenset(("dose", "schedule", "median_dose"))
_OTHER_REGIMEN = re.compile(r"\bor\b|;|\bversus\b|\bvs\.?\s|\bcompared with\b")


def regimen_arms(s: Sentence) -> None:
    """"Bev 7.5 mg/kg day 1 ... every 21 days (group A, XELIRI) or Bev 5 mg/kg day 1 ...
    (group B, FOLFIRI)", "Patients in group A received 7.5 mg/kg on day 1": a dose or a
    time of the schedule left without an arm (or with one named far from it) is the
    regimen's whose arm is named at its end (the first arm named after it, before any
    "or"), else at its start (the last arm named before it, after any "or"): a guess."""
    if not s.arms:
        return
    for d in s.rows:
        far = any(r.startswith("arm: far from") for r in d.rules)
        if d.item is None or d.fields["quantity"] not in _REGIMEN or \
                d.fields["arm"] and not far or any(r.startswith("sure arm:") for r in d.rules):
            continue
        start, end = d.item.start, d.item.end
        after = next((a for a in s.arms if a.start >= end), None)
        before = next((a for a in reversed(s.arms) if a.end <= start), None)
        if after is not None and not _OTHER_REGIMEN.search(s.low[end:after.start]):
            hit = after
        elif before is not None and not _OTHER_REGIMEN.search(s.low[before.end:start]):
            hit = before
        else:
            continue
        if hit.name not in s.ctx.arms:
            continue
        d.fields["arm"] = hit.name
        d.rules.append(f"guess: arm: the regimen of '{hit.term}' (named at its end or start)")
