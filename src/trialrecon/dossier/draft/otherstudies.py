"""Which numbers of a paper's prose are about other studies (``external_*``).

A trial report cites other studies' numbers where it says what was known before (the
Introduction, an abstract's Background, "Evidence before this study"), where it compares
(the Discussion, "Research in context") and where it justifies its sample size from
earlier results. The words around a number say whose it is:

- **another study**: a citation mark, "Smith et al.", "previous (earlier, prior, published,
  recent, other) studies/trials", "a meta-analysis", "systematic review", "Cochrane",
  "these (those, the above, the original) studies", a named study ("in the CAIRO trial",
  "the Intergroup 0096 study") whose name is not in the paper's title, guidelines and
  recommendations;
- **this trial**: "we", "our", "this (the present, the current) study/trial", "here", a
  reference to the paper's own tables and figures ("(Table 2)"), the trial's own name
  (an acronym of the paper's title: "the TICH-2 trial").

A number takes the kind of the last such marker before it in its sentence, else of the first
after it; a sentence with none continues the paragraph (the Discussion's "In the FNCLCC
study, ... (18%) ... However, a lower dose was given (200 mg/m²)." are both of that study).
In the Introduction every number is another study's unless a marker of this trial precedes
it; a Discussion paragraph opens with this trial's. In the statistical methods and an
abstract's Background only a marker of another study before the number (or a sentence
citing a result: "had a relative risk of 0.77 ... [11]") makes it external, since methods
cite the methods they use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from trialrecon.dossier.draft.numbers import HAS_NUMBER_WORD

_STUDIES = r"(?:stud(?:y|ies)|trials?|reports?|series|cohorts?|registr(?:y|ies)|" \
           r"meta-analys[ie]s|reviews?)"
_BROAD = r"(?:" + _STUDIES[3:-1] + r"|data|results|findings|work|experience|" \
         r"literature|evidence|publications?|observations?)"
# another study, wherever the sentence stands
_OTHER = re.compile(
    r"\bet al\b|"
    r"\b(?:previous(?:ly)?|earlier|prior|published|historical)(?:\s+[\w-]+){0,3}?\s+" + _BROAD +
    r"\b|\b(?:recent|other|several|many|some|similar|larger|smaller|initial|pilot|landmark|"
    r"pivotal|ongoing)(?:\s+[\w-]+){0,3}?\s+" + _STUDIES + r"\b|"
    r"\b(?:these|those|the above|such|both|two|three|four|five|six)"
    r"(?:\s+[\w-]+){0,3}?\s+(?:studies|trials|reviews|meta-analyses|reports|RCTs)\b|"
    r"\bthe (?:original|above|earlier|previous|former|latter) (?:stud(?:y|ies)|trials?)\b|"
    r"\bthis (?:review|meta-analysis|systematic review)\b|"
    r"\bmeta-analys[ie]s\b|\bsystematic review|\bcochrane\b|\bpooled analysis\b|"
    r"\b(?:has|have) been (?:shown|reported|described|demonstrated|tested)\b",
    re.IGNORECASE)
# guidance and practice elsewhere: the Introduction and the Discussion only (a method follows
# a recommendation without quoting another study's number); "the recommended dose" of this
# trial's drug is no other study's
_GUIDANCE = re.compile(r"\bguidelines?\b|\b(?:currently|previously) recommended\b|"
                       r"\brecommended (?:by|in)\b|\brecommendations? (?:of|from|by|are|were)\b|"
                       r"\bcurrent (?:recommendations?|policy|practice)\b",
                       re.IGNORECASE)
# "in the CAIRO trial", "the Intergroup 0096 study", "the French ALFA study": a study named by
# a capitalised word (checked against the paper's title); case as printed
_NAMED = re.compile(r"\b((?:[A-Z][\w/-]*\s+){0,3}?[A-Z][\w/-]*(?:\s+\d[\w/-]*)?)\s+"
                    r"(?:randomi[sz]ed\s+|phase\s+\w+\s+|clinical\s+|non-comparative\s+)*"
                    r"(?:[Tt]rial|[Ss]tudy|[Rr]egistry|[Cc]ohort)\b")
# this trial
_OWN = re.compile(
    r"\b(?:[Ww]e|[Oo]ur|us|[Hh]ere(?:in)?)\b|"
    r"(?i:\b(?:this|the present|the current|the index)(?:\s+[\w-]+){0,3}?\s+"
    r"(?:stud(?:y|ies)|trial|analysis|cohort|series)\b)|"
    r"(?i:\((?:see\s+)?(?:table|fig\.?|figure|supplementary|additional file)s?\b)")
# a sentence of the methods citing a result (not a method): "had a relative risk of 0.77",
# a verb of a finding and a measure of an effect or a rate
_RESULT = re.compile(r"\b(?:had|showed|shown|demonstrated|reported|found|observed|"
                     r"was associated|were associated|resulted in|reduced|increased)\b",
                     re.IGNORECASE)
_EFFECT = re.compile(r"\b(?:relative risk|risk ratio|odds ratio|hazard ratio|rate ratio|"
                     r"reduction|improvement|mortality|incidence|rate|risk)\b|\d\s*%",
                     re.IGNORECASE)
_DESIGN = re.compile(r"\b(?:assum\w*|power|sample size|postulat\w*|expect\w*|anticipat\w*|"
                     r"detect|chose|chosen|we)\b", re.IGNORECASE)

# a sentence of this trial's design, even where it borrows another study's figures ("based
# on data from the X trial (4% had ...)"): its numbers are design_* rows
_DESIGN_SIZE = re.compile(r"\bsample size|\bpower\b|\bsignificance level|\bassum(?:ed|ing)\b",
                          re.IGNORECASE)

BEFORE, DISCUSSION, METHODS = "before", "discussion", "methods"


@dataclass(frozen=True)
class Marker:
    """A place in a sentence that says whose numbers follow (or precede) it."""

    start: int  # index in the sentence
    end: int
    other: bool  # another study's (else this trial's)
    label: str = ""  # how the sentence names the other study ("ZETA trial", "Smith et al.")


_ACRONYM = r"[A-Za-z]*[A-Z][A-Za-z]*[A-Z0-9][\w-]*"


def own_names(title: str) -> frozenset[str]:
    """The trial's own names as its title prints them: an acronym in parentheses that ends
    the title or its first part ("... Haemorrhage (TICH-2): an international ...", "(the
    PROGRESS Study)"), or one naming a trial or study ("results from the PLATO trial")."""
    found: set[str] = set()
    for m in re.finditer(r"\(([^()]*)\)\s*(?::|$)", title or ""):
        found.update(re.findall(r"\b" + _ACRONYM, m.group(1)))
    for m in re.finditer(r"\b" + _ACRONYM, title or ""):
        if re.match(r"(?:\s+[\w-]+){0,3}?\s+(?:[Tt]rial|[Ss]tudy)\b", title[m.end():]):
            found.add(m.group(0))
    return frozenset(a for a in found if sum(c.isupper() for c in a) >= 2
                     and not re.fullmatch(r"[IVX]+", a))  # "phase III trial" names no trial


def _guidance(sentence: str, m: re.Match[str]) -> str:
    """Whose guidance ("recommended by the CDC", "NHLBI guidelines"): "CDC guidelines"."""
    by = re.match(r"\s*(?:by|of|from|in)?\s*(?:the\s+)?([A-Z][\w-]*[A-Z][\w-]*)",
                  sentence[m.end():])
    before = re.search(r"\b([A-Z][\w-]*[A-Z][\w-]*)\s+$", sentence[:m.start()])
    who = by or before
    return f"{who.group(1)} guidelines" if who else "guidelines"


def _label(sentence: str, m: re.Match[str]) -> str:
    """The words of an other-study marker that name the study ("Smith et al.", "previous
    randomised trials", "meta-analysis"); "" for a verb ("has been shown")."""
    text = " ".join(m.group(0).split())
    if text.lower() == "et al":
        name = re.search(r"([A-Z][\w'-]+(?:\s+(?:and|&)\s+[A-Z][\w'-]+)?)\s*,?\s*$",
                         sentence[:m.start()])
        return f"{name.group(1)} et al." if name else ""
    return "" if re.match(r"(?i)ha(?:s|ve) been", text) else text


def markers(sentence: str, cites: Sequence[int], names: frozenset[str],
            guidance: bool, before_trial: bool = False) -> list[Marker]:
    """The markers of ``sentence`` in reading order; ``cites``: indices of citation marks;
    ``guidance``: whether guidelines and recommendations count as another study's;
    ``before_trial``: an Introduction's sentence, where "this trial" is the trial the last
    sentence cited ("This phase I trial showed ...") and only "we", "our", "here", "the
    present (current) study" and the trial's own name are this trial's."""
    found = [Marker(m.start(), m.end(), True, _label(sentence, m)) for m in
             _OTHER.finditer(sentence)]
    if guidance:
        found += [Marker(m.start(), m.end(), True, _guidance(sentence, m))
                  for m in _GUIDANCE.finditer(sentence)]
    for m in _NAMED.finditer(sentence):
        words = set(re.findall(r"[\w/-]+", m.group(1)))
        preceding = sentence[max(0, m.start() - 16):m.start()].casefold()
        if words & names or re.search(r"\b(?:this|our|present|current)\s+$", preceding):
            found.append(Marker(m.start(), m.end(), False))  # "this NCRI AML16 trial"
        elif not re.fullmatch(r"(?:the|a|an|in|this|that|each|one|our|phase|[ivx]+)",
                              m.group(1).split()[0].casefold()):
            found.append(Marker(m.start(), m.end(), True, " ".join(m.group(0).split())))
    found += [Marker(c, c + 1, True) for c in cites]
    for name in names:  # "In CONVERT, 2-year survival was ...": the trial's own name
        found += [Marker(m.start(), m.end(), False)
                  for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", sentence)
                  if not any(f.start <= m.start() < f.end for f in found)]
    own = [Marker(m.start(), m.end(), False) for m in _OWN.finditer(sentence)
           if not (before_trial and m.group(0).lower().startswith("this"))]
    # an own marker inside another's ("these studies" is no "we") is left out
    found += [o for o in own if not any(f.start <= o.start < f.end for f in found)]
    return sorted((_counted(sentence, k) for k in found), key=lambda k: (k.start, not k.other))


# a number counting the studies a marker names ("2 published clinical trials", "two
# previous studies"): the marker starts at it
_COUNT_BEFORE = re.compile(r"(?:\b\d+|" + HAS_NUMBER_WORD.pattern + r")\s+$", re.IGNORECASE)


def _counted(sentence: str, k: Marker) -> Marker:
    m = _COUNT_BEFORE.search(sentence, 0, k.start) if k.other and k.label else None
    return Marker(m.start(), k.end, True, k.label) if m else k


# a comparison or a contrast between a number and a marker after it: the marker is of the
# other side ("56% and 51%, versus 47% and 41% in the Intergroup study")
_TURN = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)|whereas|while|but|than|unlike)\b|;",
                   re.IGNORECASE)


def arm_group(folded: str, arms: Sequence[tuple[int, int]]) -> list[Marker]:
    """Where a sentence names this trial's arms as groups ("in the Infusion and the Bolus
    group"), for a sentence that names no other study: its numbers there are this trial's.
    ``arms``: where the folded sentence names an arm."""
    return [Marker(start, end, False) for start, end in arms
            if re.search(r"\b(?:groups?|arms?)$", folded[start:end])
            or re.match(r"\s*(?:\([^)]*\)\s*)?(?:groups?|arms?)\b", folded[end:])]


def number_kinds(sentence: str, positions: Sequence[int], found: list[Marker],
                 state: bool | None, place: str) -> list[bool]:
    """Whether the number at each of ``positions`` (indices in ``sentence``) is another
    study's, read from the markers ``found`` and the paragraph's ``state`` (the kind of the
    last marker of an earlier sentence: True another study's, False this trial's, None
    none yet)."""
    out = []
    for pos in positions:
        before = [k for k in found if k.end <= pos]
        after = [k for k in found if k.start >= pos]
        if any(k.other and k.start <= pos < k.end for k in found):
            out.append(True)  # "2 published clinical trials": counts the studies
        elif place == METHODS:
            out.append(bool(before) and before[-1].other)
        elif before:
            out.append(before[-1].other)
        elif after and not _TURN.search(sentence[pos:after[0].start]):
            # (a comparison between: "56%, versus 47% in the X study" reads on)
            out.append(after[0].other)
        elif place == BEFORE:
            out.append(True)  # the Introduction: what was known before the trial
        else:
            out.append(bool(state))  # a sentence continuing the paragraph's study
    return out


def cites_result(sentence: str, found: list[Marker], cites: Sequence[int]) -> bool:
    """A methods sentence citing another study's result ("The effect ... had a relative risk
    of 0.77 (95% CI ...) [11]"): a citation, a verb of a result, no word of this trial's
    design."""
    return bool(cites) and not any(not k.other for k in found) and \
        bool(_RESULT.search(sentence)) and bool(_EFFECT.search(sentence)) and \
        not _DESIGN.search(sentence)


def external_spans(sentence: str, found: list[Marker], state: bool | None,
                   place: str, study: str = "") -> list[tuple[int, int, str]]:
    """The stretches of ``sentence`` (indices) whose numbers are another study's, each with
    the words naming that study (the nearest labelled marker of another study before it,
    else after it, else ``study``, the paragraph's): the markers cut the sentence into
    stretches read alike (:func:`number_kinds`)."""
    if place != BEFORE and _DESIGN_SIZE.search(sentence):
        return []  # a sample size, power or significance level: this trial's design
    bounds = [k.start for k in found] + [k.end for k in found] + \
        [m.end() for m in _TURN.finditer(sentence)]
    cuts = sorted({0, len(sentence), *(b for b in bounds if 0 < b < len(sentence))})
    kinds = number_kinds(sentence, cuts[:-1], found, state, place)
    named = [k for k in found if k.other and k.label]
    spans: list[tuple[int, int, str]] = []
    for (a, b), other in zip(zip(cuts, cuts[1:], strict=False), kinds, strict=True):
        if not other:
            continue
        before = [k for k in named if k.end <= a]
        after = [k for k in named if k.start >= a]
        label = before[-1].label if before else after[0].label if after else study
        if spans and spans[-1][1] == a and spans[-1][2] == label:
            spans[-1] = (spans[-1][0], b, label)
        else:
            spans.append((a, b, label))
    return spans


def next_study(found: list[Marker], study: str) -> str:
    """The study a paragraph is about after a sentence: its last labelled marker of another
    study; none once this trial's is the last."""
    if found and not found[-1].other:
        return ""
    named = [k for k in found if k.other and k.label]
    return named[-1].label if named else study


def next_state(found: list[Marker], state: bool | None) -> bool | None:
    """The paragraph's state after a sentence: the kind of its last marker."""
    return found[-1].other if found else state


def study_at(spans: Sequence[tuple[int, int, str]], offset: int) -> str | None:
    """The words naming the other study whose number stands at source ``offset`` ("" when
    the sentence does not name it), None when the number is this trial's."""
    return next((label for a, b, label in spans if a <= offset < b), None)


def is_external(spans: Sequence[tuple[int, int, str]], offset: int) -> bool:
    """Whether the number at source ``offset`` stands where another study's numbers do."""
    return study_at(spans, offset) is not None


def references(labels: Sequence[str]) -> str:
    """The reference numbers of a sentence's citation marks as the dossiers write them in
    a category: "ref 4", "refs 5-8", "refs 1, 5-9"."""
    parts = [p for label in labels for p in re.split(r"\s*,\s*", re.sub(
        r"[\[\]()]", "", label.replace("\u2013", "-").replace("\u2212", "-")).strip()) if p]
    parts = list(dict.fromkeys(parts))
    if not parts:
        return ""
    return ("ref " if len(parts) == 1 and "-" not in parts[0] else "refs ") + ", ".join(parts)


def named_study(label: str, refs: str) -> str:
    """The study as a category starts: its words, then its references in parentheses
    ("ZETA trial (ref 4)"); the references alone where the sentence names no study."""
    if label and refs:
        return f"{label} ({refs})"
    return label or refs
