"""The term a sentence prints right after a number: the level of a characteristic it counts.

A trial report lists the levels of a characteristic with each number before its level:
"cytogenetic risk was 4% favourable, 73% intermediate and 23% adverse", "72% had de novo
AML, 17% secondary AML", "106 patients (66.2%) had adenocarcinoma", "426 (78%) of 547 were
stage III". The tables print the same levels as rows ``Group: level`` (the data dictionary's
category rule, step 2), and a sentence's number reuses the table's category (the dictionary:
"A statement of the same thing in the text reuses the table's category"). The words before a
number in such a list name the *previous* level, so a level printed right after the number
(after the verbs and small words a count is followed by: "had", "were", "of patients")
wins over anything named before it.

The level alone says which row only when one row of the tables has it (``Cytogenetics:
Intermediate`` and ``Wheatley group: Intermediate`` would both fit "intermediate"); then the
characteristic's own words must stand in the sentence too. The label stays a guess (the
sentence may count the level in a subset of the patients the table counts).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.textnames import Named, content_keys, words_at
from trialrecon.dossier.draft.textrules import guess, is_sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# quantities whose table rows are the levels of one characteristic
_LEVELLED = frozenset(("baseline", "ecog", "prior_treatment"))
# statistics of a count of patients at a level
_COUNTED = frozenset(("count", "percent"))
# words a count is followed by before the level it counts ("had a", "were", "of them had")
_LINK = frozenset("had has have having was were are is with of them whom patient patients "
                  "participant participants subject subjects women men children a an the "
                  "overall diagnosed presented".split())
_BREAK = re.compile(r"[;.]|\bwhereas\b|\bwhile\b|\bbut\b")


def _following(s: Sentence, end: int) -> list[str]:
    """The key words printed after ``end`` up to the next number (or clause break), the
    linking words before the first content word left out."""
    nexts = [s.span(r)[0] for r in s.rows if r.item is not None and s.span(r)[0] >= end]
    stop = min(nexts, default=len(s.low))
    cut = _BREAK.search(s.low, end, stop)
    # a denominator printed after the count is part of it ("426 (78%) of 547 were stage III")
    text = re.sub(r"^[\s%)\]]*of\s+\d[\d,]*\b", "", s.low[end:cut.start() if cut else stop])
    words = [w for w in re.findall(r"[a-z0-9][a-z0-9'’/+-]*", text)]
    while words and words[0] in _LINK:
        words.pop(0)
    return [k for k, _, _ in words_at(" ".join(words))]


def _level_after(s: Sentence, following: list[str]) -> Named | None:
    """The one levelled table row whose level is printed first after a number."""
    if not following:
        return None
    sentence = content_keys(s.low)
    levelled = [e for e in s.ctx.tables.entries
                if e.quantity in _LEVELLED and e.level and e.statistics & _COUNTED]
    fits: dict[str, Named] = {}
    for e in levelled:
        group = e.keys - e.level
        words = list(following)
        while words and words[0] in group and words[0] not in e.level:
            words.pop(0)  # "were stage III": the characteristic's word before its level
        if not words or words[0] not in e.level or \
                not e.level <= set(words[:len(e.level) + 1]):
            continue  # the level must be the first thing named after the number
        one_row = sum(o.level == e.level for o in levelled) == 1
        if e.level not in s.ctx.tables.distinct and not group & sentence and \
                not (one_row and len(e.level) > 1):
            continue  # a level of vague words needs its characteristic named
        fits.setdefault(e.category, e)
    if len(fits) != 1:
        return None
    return next(iter(fits.values()))


def label_levels_after(s: Sentence) -> None:
    """A count or percent followed by a level of a table's characteristic takes that row."""
    seen: dict[int, Named] = {}
    for d in s.rows:
        item = d.item
        if item is None or d.fields["statistic"] not in _COUNTED or \
                is_sure(d, "quantity") and is_sure(d, "category"):
            continue
        if d.fields["quantity"] not in ("", "outcome", "baseline", "ecog", "prior_treatment",
                                        "male", "female", "age", "baseline_value"):
            continue
        pick = seen.get(item.group)
        if pick is None:
            pick = _level_after(s, _following(s, s.group_span(d)[1]))
            if pick is None:
                continue
            seen[item.group] = pick
        if (d.fields["quantity"], d.fields["category"]) == (pick.quantity, pick.category):
            continue
        d.fields["quantity"], d.fields["category"] = pick.quantity, pick.category
        d.rules.append(f"labels: the level '{pick.category}' printed right after the number")
        guess(d, "category: the level printed after the number, as the table names it")
