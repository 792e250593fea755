"""The terms a sentence prints at its numbers: a level after a count, an outcome before them.

**A level after a count.**
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

**An outcome before a parenthesis of counts.** "There was no increase in venous
thromboembolic events (39 [3%] patients in the A group vs 37 [3%] in the B group; p=0.98)",
"Seizure was the most common safety outcome (77 [7%] ... vs 85 [7%])": the numbers of a
parenthesis that opens on a count are of the term printed right before it (of the subject of
"X was the most common Y"), an ``outcome`` (the data dictionary: "its category the outcome as
the paper names it"), or an adverse event when the clause speaks of them. Used only where no
table row was named (:func:`.textrules.label_named` reuses the table's words first), and a
guess: the tables may name the same outcome in other words.

**A performance-status score.** "More than 95% of patients had a performance status of 0–1",
"ECOG PS 0 or 1", "performance status of 0 to 1 (83.5%)": ``ecog`` with the score as
category (``0-1``, ``>2``), the score printed right after the number (after the small words
a count is followed by), else right before it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.textnames import Named, content_keys, words_at
from trialrecon.dossier.draft.textrules import guess, is_sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.drafter import Draft
    from trialrecon.dossier.draft.sentences import Sentence

# how this module's rules begin in a row's rules (:mod:`.restate` leaves such rows alone:
# the sentence named what they are of)
RULES = ("labels: the level", "labels: the term printed", "labels: the performance-status")
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
        # (a row a table's name before the number labelled for sure is relabelled too: in a
        # list, the name before a number is the previous number's level)
        if item is None or d.fields["statistic"] not in _COUNTED:
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


# ------------------------------------------------------- "X (n [p%] vs m [q%]; p=...)"

# statistics of an outcome's numbers printed in the parenthesis after its name
_OUTCOME_STATS = frozenset(("count", "percent", "mean", "median", "sd", "p_value"))
# quantities a row may have from the nearest term alone, which the printed term corrects
_LOOSE = frozenset(("", "outcome", "pfs_events", "os_events", "randomized", "enrolled",
                    "primary_site"))
# words that end the term before a parenthesis (read backwards from it)
_TERM_STOP = frozenset(
    "in of with for to by at on from the a an no any some was were had has have is are been "
    "be being there and or than between vs versus among after before during within without "
    "increase increased decrease decreased reduction reduced fewer more less higher lower "
    "difference differences similar significant significantly not did do does occurred "
    "reported observed developed experienced had common most frequent frequently these "
    "this that which who whom their its our receive received receiving given assigned "
    "allocated randomised randomized treated included including include such as mainly mostly "
    "especially namely different comparable equal two three four five six seven eight nine "
    "ten".split())
# terms that name who or when, not what is counted
_NOT_A_TERM = re.compile(r"\b(?:groups?|arms?|patients?|participants?|subjects?|women|men|"
                         r"children|infants|cohorts?|total|overall|population|all|days?|"
                         r"weeks?|months?|years?|hours?|cycles?|courses?|visits?|baseline)\b")


def _term_before(text: str, low: str, paren: int) -> str:
    """The words printed right before ``paren`` back to a preposition, verb or clause
    break ("no increase in venous thromboembolic events (" gives "venous thromboembolic
    events"), as printed; "" when there are none or they name an arm, a time or patients."""
    words = list(re.finditer(r"[^\s,;:()\[\]]+", low[max(0, paren - 80):paren]))
    base = max(0, paren - 80)
    kept: list[re.Match[str]] = []
    for m in reversed(words):
        word = m.group()
        if word in _TERM_STOP or re.search(r"\d", word) or len(kept) == 6 or \
                re.search(r"[,;:()\[\]]", low[base + m.end():base + (kept[-1].start()
                                                                    if kept else paren - base)]):
            break
        kept.append(m)
    if not kept:
        return ""
    start, end = base + kept[-1].start(), base + kept[0].end()
    term = text[start:end].strip(" .-")
    if _NOT_A_TERM.search(low[start:end]) or not re.search(r"[a-z]{4}", low[start:end]):
        return ""
    return term


# "Seizure was the most common safety outcome (77 [7%] ...)": the subject is the term
_MOST_COMMON = re.compile(r"\s+(?:was|were)\s+(?:the\s+)?most\s+(?:common|frequent|frequently "
                          r"reported)\b[^()\[\];]*$")
# a sentence about adverse events: the term is an event's, whose quantity (grade, serious,
# related) the sentence's words rarely settle
_ADVERSE = re.compile(r"adverse|toxicit|side[- ]effect|\bgrade\b|serious|complication")


def _quantity_of(low: str, paren: int, current: str) -> str:
    """``outcome``, unless the clause before the parenthesis speaks of adverse events:
    ``ae_serious`` for serious ones, else the quantity the row has (the grade and relation
    are the reviewer's to name)."""
    before = low[max(0, paren - 150):paren]
    clause = re.split(r";|,\s|\band\b|\.\s", before)[-1]
    if not _ADVERSE.search(clause):
        return "outcome"
    return "ae_serious" if re.search(r"\bserious\b", clause) else current


def _printed_term(text: str, low: str, paren: int) -> str:
    """The term a parenthesis of numbers is about: the subject of "X was the most common
    Y (", else the words right before the parenthesis."""
    common = _MOST_COMMON.search(low[max(0, paren - 120):paren])
    if common:
        return _term_before(text, low, max(0, paren - 120) + common.start())
    return _term_before(text, low, paren)


def _open_paren(low: str, start: int) -> int:
    """The position of the parenthesis ``start`` stands inside (-1 when none)."""
    depth = 0
    for i in range(start - 1, -1, -1):
        c = low[i]
        if c in ")]":
            depth += 1
        elif c in "([":
            if depth == 0:
                return i if c == "(" else _open_paren(low, i) if i else -1
            depth -= 1
    return -1


def _free(d: Draft) -> bool:
    """Whether nothing else named what ``d`` is of."""
    return not d.fields["category"] and d.fields["quantity"] in _LOOSE and \
        not is_sure(d, "quantity")


def _opens_on_a_count(s: Sentence, paren: int) -> bool:
    """The parenthesis at ``paren`` opens on a count or percent ("(39 [3%] patients")."""
    first = min((s.span(r)[0] for r in s.rows if r.item is not None and
                 s.span(r)[0] > paren), default=-1)
    return first >= 0 and not re.search(r"[a-z]", s.low[paren + 1:first]) and any(
        r.fields["statistic"] in ("count", "percent") for r in s.rows
        if r.item is not None and s.span(r)[0] == first)


def label_terms_before(s: Sentence) -> None:
    """"There was no increase in venous thromboembolic events (39 [3%] patients in the A
    group vs 37 [3%] in the B group; p=0.98)": the numbers of a parenthesis that opens on a
    count are of the term printed right before it, an ``outcome`` of that name (the data
    dictionary: the outcome as the paper names it), when nothing else named any of them
    (the numbers of one parenthesis are of one thing: a table's name for one of them is the
    others' too)."""
    if s.unit.external:
        return
    inside: dict[int, list[Draft]] = {}
    for d in s.rows:
        paren = _open_paren(s.low, s.span(d)[0]) if d.item is not None else -1
        if paren >= 0 and d.fields["statistic"] in _OUTCOME_STATS:
            inside.setdefault(paren, []).append(d)
    for paren, rows in inside.items():
        if not all(_free(d) for d in rows) or not _opens_on_a_count(s, paren):
            continue
        term = _printed_term(s.unit.text, s.low, paren)
        if not term or any(True for _ in s.ctx.names.find(fold(term), "arm")):
            continue  # "assigned to drug A (274 patients)": an arm
        for d in rows:
            d.fields["quantity"] = _quantity_of(s.low, paren, d.fields["quantity"])
            d.fields["category"] = term
            if d.fields["statistic"] == "p_value":
                d.fields["arm"] = ""
            d.rules.append(f"labels: the term printed before the parenthesis ('{term}')")
            guess(d, "category: the term printed before the numbers (the table's words?)")


# ------------------------------------------------------------ a performance-status score

# "performance status of 0-1", "ECOG PS 0 or 1", "a WHO performance score of >2"
_PS = re.compile(r"\b(?:performance[- ]status|performance score|\bps)\b\s*(?:\((?:ecog|who)\)\s*)?"
                 r"(?:(?:score|grade)\s+)?(?:of\s+)?(<=|>=|<|>|≤|≥)?\s*([0-4])"
                 r"(?:\s*(?:-|–|to|or|and)\s*([0-4]))?(?!\.?\d|\s*%)")


def _score(match: re.Match[str]) -> str:
    """The ECOG category a printed score names: ``0-1`` for "0 to 1" or "0 or 1"."""
    sign, low, high = match.group(1) or "", match.group(2), match.group(3)
    sign = {"≤": "<=", "≥": ">="}.get(sign, sign)
    return f"{sign}{low}-{high}" if high else f"{sign}{low}"


def label_performance_status(s: Sentence) -> None:
    """"More than 95% of patients had a performance status of 0–1", "ECOG performance
    status of 0 to 1 (83.5%)": a count or percent of patients at a performance-status
    score is ``ecog`` with the score as category (the data dictionary: "category is the
    score"), the score printed right after the number, else right before it; a guess."""
    if s.unit.external or not re.search(r"performance|\bps\b", s.low):
        return
    for d in s.rows:
        if d.item is None or d.fields["statistic"] not in _COUNTED or \
                d.fields["quantity"] not in ("", "ecog", "baseline", "outcome", "age"):
            continue
        # (the number's own start: a score may be read as the count of a percent after it,
        # "status of 0 to 1 (83.5%)")
        start, end = s.span(d)[0], s.group_span(d)[1]
        after = _PS.search(s.low[end:end + 70])
        gap = s.low[end:end + after.start()] if after else ""
        if after and set(re.findall(r"[a-z]+|\d", gap)) <= _LINK | {"ecog", "who", "overall"}:
            found = after
        else:
            before = list(_PS.finditer(s.low[max(0, start - 70):start]))
            tail = s.low[max(0, start - 70) + before[-1].end():start] if before else ""
            found = before[-1] if before and re.fullmatch(r"[\s(\[,:]*", tail) else None
        if found is None:
            continue
        d.fields["quantity"], d.fields["category"] = "ecog", _score(found)
        d.rules.append(f"labels: the performance-status score printed at the number "
                       f"({d.fields['category']})")
        guess(d, "category: the performance-status score printed at the number")
