"""Labels a sentence names outright (:mod:`.sentences`).

- **The comparison of a time-to-event endpoint**: "median PFS was 10.3 vs 7.4 months (P =
  0.42)", "the difference between groups for local progression-free survival (p=0.20)": a P
  value between the two arms of a randomized trial, read as the endpoint itself (``pfs``,
  ``os``, a declared endpoint), is the test of that endpoint's comparison, which the
  dossiers write on the endpoint's hazard-ratio quantity (``pfs_hr``), as the tables do with
  the P value beside a hazard ratio. A P value across three or more groups ("8.4 vs. 1.8 vs.
  2.0 months, P < 0.001") compares no two arms and is left alone.
- **The criteria or software a version belongs to**: "RECIST version 1.1", "Stata (version
  13.1)", "MedCalc version 11.6.1.0", "the NCI CTC 3.0 grading scale": the name printed right
  before the version is its ``category``; the long names of the usual criteria ("Response
  Evaluation Criteria in Solid Tumors", "Common Terminology Criteria for Adverse Events") are
  written as their abbreviations. The category stays a guess (a paper may name a product and
  its maker, "SAS software").
- **Events listed with their counts**: "Other grade 3 reported toxicities included diarrhoea
  (n=7), hyponatremia (n=1) ... in the once-daily group": each count is of the event named
  before it, at the grade named before the list, in the arm named after it (a guess).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.textrules import guess, hr_named, is_sure, sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

_TTE = re.compile(r"^(?:pfs|os|dfs|efs|rfs|ttp|dor|idfs|pfs2|mfs|rpfs|ttf|dss|ttr)$")
_VS = re.compile(r"\b(?:vs\.?|versus|compared with)\s*-?\d")  # "a vs b": between numbers


def label_endpoint_p(s: Sentence) -> None:
    """A P value read as a time-to-event endpoint, between two arms: ``<endpoint>_hr``."""
    declared = {ident for ident, _ in s.ctx.names.endpoints}
    if len(s.ctx.arms) != 2:
        return
    for d in s.rows:
        q = d.fields["quantity"]
        if d.item is None or d.fields["statistic"] != "p_value" or not (
                _TTE.match(q) or q in declared):
            continue
        if _groups_compared(s, d) > 2 or not _between_arms(s, d):
            continue  # "8.4 vs. 1.8 vs. 2.0 months, P < 0.001": across subgroups
        # the endpoint the clause names, a declared one first ("metastatic progression-free
        # survival (p=0.24)" is no P of the progression-free survival named before it)
        q = hr_named(s.unit.text, s.span(d), s.ctx.names) or q
        d.fields["quantity"] = f"{q}_hr"
        d.fields["arm"] = ""
        d.rules.append(f"quantity: the P value of the comparison of {q} (written on {q}_hr)")


_BETWEEN = re.compile(r"\bbetween (?:the )?(?:two )?(?:treatment |randomi[sz]ed )?"
                      r"(?:groups|arms)\b")
_NOT_ARMS = re.compile(r"\b(?:interaction|heterogeneity|trend|subtypes?|subgroups?)\b")


def _between_arms(s: Sentence, p: Draft) -> bool:
    """The P value compares the arms: the sentence names an arm, or says "between groups",
    or sets two numbers against each other; a test of interaction, of heterogeneity or
    across subtypes compares no arms."""
    clause = s.low[max(0, s.span(p)[0] - 150):s.span(p)[0]]
    if _NOT_ARMS.search(clause):
        return False
    return bool(s.arms) or bool(_BETWEEN.search(s.low)) or bool(_VS.search(clause))


def _groups_compared(s: Sentence, p: Draft) -> int:
    """How many numbers the P value's clause compares: "a vs b vs c" compares three."""
    start = s.span(p)[0]
    clause = re.split(r"[;]", s.low[max(0, start - 150):start])[-1]
    return len(_VS.findall(clause)) + 1


# the usual criteria, by their long names: the abbreviation the dossiers write
_CRITERIA = (
    (re.compile(r"response evaluation criteria in solid tumou?rs?"), "RECIST"),
    (re.compile(r"(?:national cancer institute|\bnci\b)[^.;]{0,20}common (?:terminology|toxicity)"
                r" criteria(?: for)?(?: adverse events)?"), "NCI CTCAE"),
    (re.compile(r"common terminology criteria for adverse events"), "CTCAE"),
)
_VERSION_BEFORE = re.compile(r"\b(?:version|ver\.)\s*$")
# "Stata (version 13.1)", "SAS software version 9.4", "RECIST 1.0", "SPSS ver. 16.0"
_NAME_BEFORE = re.compile(r"([A-Z][A-Za-z0-9®™+-]*(?:[ -][A-Z][A-Za-z0-9®™+-]*){0,2})"
                          r"(?:\s+(?:software|package|program))?(?:\s+for\s+Windows)?"
                          r"[\s,]*[(\[]?\s*(?:version|ver\.|v\.?)?\s*$")


def label_versions(s: Sentence) -> None:
    """A number printed after "version" or "ver." is a version (a ``label``); the criteria or
    software it belongs to is its category."""
    for d in s.rows:
        if d.item is None or d.fields["statistic"] in ("p_value", "date", "percent"):
            continue
        start = s.span(d)[0]
        if d.fields["quantity"] != "criteria_version":
            if is_sure(d, "quantity") or not _VERSION_BEFORE.search(s.low[max(0, start - 12):
                                                                           start]):
                continue
            d.fields.update(quantity="criteria_version", statistic="label", unit="none")
            sure(d, "quantity", "a number printed after 'version'")
            sure(d, "statistic", "a version is a label")
        if d.fields.get("category") or is_sure(d, "category"):
            continue
        before = s.unit.text[max(0, start - 120):start]
        named = next((abbr for rx, abbr in _CRITERIA if re.search(
            rx.pattern + r"[^.;:]{0,40}$", before.lower())), "")
        if not named:
            m = _NAME_BEFORE.search(before)
            named = m.group(1).replace("®", "").replace("™", "").strip() if m else ""
        if not named or named.lower() in ("version", "the", "we", "all"):
            continue
        d.fields["category"] = named
        guess(d, f"category: the name printed before the version ('{named}')")


# "diarrhoea (n=7), hyponatremia (n=1), urinary retention (n=5)": a term and its count
_LISTED_TERM = re.compile(r"(?:^|[,;:(]\s*|\band\s+|\bincluded\s+|\bincluding\s+)"
                          r"([a-z][a-z' -]{2,40}?)\s*[(\[]\s*n\s*=\s*$")
_EVENTS = re.compile(r"\b(?:toxicit(?:y|ies)|adverse (?:events?|reactions?)|side[- ]effects?)\b")
_GRADE_AT = re.compile(r"\bgrades?\s*\d(?:\s*(?:-|–|/|or|and|to)\s*\d)?(?:\s*(?:or (?:higher|"
                       r"more|worse)|\+))?")


def label_listed_events(s: Sentence) -> None:
    """"Other grade 3 reported toxicities included diarrhoea (n=7), hyponatremia (n=1) ... in
    the once-daily group": each count printed as "(n=k)" after an event's name is that many
    patients with that event at the grade the sentence names before it (``ae_grade3``), the
    name as printed its category, the arm the one named after it in its clause; a guess."""
    if not _EVENTS.search(s.low):
        return
    for d in s.rows:
        if d.item is None or d.fields["statistic"] not in ("count", "value") or \
                not re.fullmatch(r"\d+", d.fields["value"]) or is_sure(d, "quantity"):
            continue
        start, end = s.span(d)
        term = _LISTED_TERM.search(s.low[max(0, start - 60):start])
        grades = list(_GRADE_AT.finditer(s.low[:start]))
        grade = cues.grade(grades[-1].group()) if grades else ""
        if not term or not grade or not _EVENTS.search(s.low[grades[-1].start():start]):
            continue
        at = max(0, start - 60) + term.start(1)
        name = re.sub(r"^(?:and|or|including|included)\s+", "",
                      s.unit.text[at:at + len(term.group(1))].strip(), flags=re.IGNORECASE)
        d.fields.update(quantity=f"ae_{grade}", category=name[:1].upper() + name[1:],
                        statistic="count", unit="patients")
        clause_end = end + (re.search(r"[;.]|$", s.low[end:]).start())
        after = [a for a in s.arms if end <= a.start < clause_end]
        if after:
            d.fields["arm"] = after[0].name
        d.rules.append(f"quantity: an event listed with its count at {grades[-1].group()!r}")
        sure(d, "statistic", "a count printed as (n=k)")
        guess(d, "category: an event named in a list (its name as printed)")
