"""Labels a drafted row cannot be sure of, flagged after every rule has run.

The rules that label a table cell each say when they guess; a few labels are guesses only
in the light of the whole row, and this pass flags them (``needs_review``, the reason in the
row's rules) so that an unflagged row stays one a reviewer takes as it stands (issue 20):

- a categorical characteristic (``baseline``) whose category is a bare level ("< 40",
  "Yes", "2") with no variable before it: the data dictionary writes ``Characteristic:
  level`` (``Age: <60``), and the variable was printed somewhere the drafter did not read
  it (most often a row above that prints its own values: "Age, median (range)" over "< 40"
  and ">= 40");
- a generic ``outcome`` whose category names an adverse-event summary ("Any AE", "Grade 3
  or 4 AEs", "Serious adverse events"): the dictionary's specific quantities (``ae_grade34``,
  ``ae_serious``, ...) come before the generic one;
- a ``baseline`` characteristic the vocabulary has a quantity of its own for ("Primary site
  of cancer: Breast" is ``primary_site`` ``Breast``; "Tumour grade: G2" ``tumor_grade``):
  the specific before the generic, so the generic label is a guess;
- an ``analysed`` count with no analysis set named, in a sentence, or as a column header's n
  that is not the arm's randomized n: the dictionary names the set in ``population`` ("50
  patients (48 response evaluable)" counts two sets; an empty one means everyone
  randomized), so such a count is a guess;
- a generic ``baseline``, ``baseline_value`` or ``outcome`` row with no category: those
  quantities are what their category names.

One label is completed rather than flagged: a sentence's P value that restates a table's
("P = .5639; Table 2" beside the table's "Log-rank P value 0.5639") takes the test the table
names for it, when the table's P values of that quantity and value name one test only.

Written from the data dictionary's conventions, not from any one paper.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.stubs import level_like

# the words of an adverse-event summary row ("Any AE", "Serious adverse events", "TEAEs")
_AE_WORDS = re.compile(r"\b(?:adverse (?:events?|reactions?|effects?)|t?r?aes?|saes?|"
                       r"teaes?|toxicit(?:y|ies))\b", re.IGNORECASE)


# the characteristic of a "Characteristic: level" category the vocabulary names itself
_SPECIFIC = (("primary_site", re.compile(r"^(?:primary (?:tumou?r |cancer |disease )?site|"
                                         r"site of (?:the )?primary)\b", re.IGNORECASE)),
             ("tumor_grade", re.compile(r"^(?:who |tumou?r |histologic(?:al)? )grade\b",
                                        re.IGNORECASE)),
             ("ki67_stratum", re.compile(r"^ki-?67\b", re.IGNORECASE)))


def _flag(d: Draft, why: str) -> None:
    rule = f"guess: {why}"
    if rule not in d.rules:
        d.rules.append(rule)
    d.needs_review = True


def _bare_level(d: Draft) -> bool:
    """A ``baseline`` category that is a level with no variable named before it."""
    category = d.fields.get("category", "")
    return d.fields.get("quantity") == "baseline" and bool(category) and \
        ":" not in category and level_like(category)


def _ae_summary(d: Draft) -> bool:
    """An ``outcome`` whose category names adverse events."""
    return d.fields.get("quantity") == "outcome" and \
        bool(_AE_WORDS.search(d.fields.get("category", "")))


def _specific(d: Draft) -> str:
    """The vocabulary's own quantity of a ``baseline`` row's characteristic, or ""."""
    if d.fields.get("quantity") != "baseline":
        return ""
    name = d.fields.get("category", "").split(":", 1)[0].strip()
    return next((q for q, pattern in _SPECIFIC if pattern.match(name)), "")


def _unnamed_set(d: Draft, randomized: dict[str, set[str]]) -> bool:
    """A count of an analysis set that names no set: in a sentence, or a column header's n
    that is not the arm's randomized n (the set of an empty ``population``)."""
    if d.fields.get("quantity") != "analysed" or d.fields.get("population"):
        return False
    if not d.fields.get("row") and not d.fields.get("column"):
        return True
    return d.fields.get("note") == "column header n" and \
        d.fields.get("value") not in randomized.get(d.fields.get("arm", ""), set())


def _randomized(drafts: list[Draft]) -> dict[str, set[str]]:
    """{arm: the randomized (enrolled) counts the tables' column headers print}."""
    out: dict[str, set[str]] = {}
    for d in drafts:
        if d.fields.get("note") == "column header n" and \
                d.fields.get("quantity") in ("randomized", "enrolled"):
            out.setdefault(d.fields.get("arm", ""), set()).add(d.fields.get("value", ""))
    return out


# generic quantities whose category is what they are about: empty, the label says nothing
_NAMED_BY_CATEGORY = ("baseline", "baseline_value", "outcome")


def _table_tests(drafts: list[Draft]) -> dict[tuple[str, float], set[str]]:
    """{(quantity, value): the tests a table's P values of them name}."""
    tests: dict[tuple[str, float], set[str]] = {}
    for d in drafts:
        if (d.fields.get("row") or d.fields.get("column")) and \
                d.fields.get("statistic") == "p_value" and d.fields.get("test"):
            try:
                value = float(d.fields["value"])
            except ValueError:
                continue
            tests.setdefault((d.fields["quantity"], value), set()).add(d.fields["test"])
    return tests


def restated_tests(drafts: list[Draft]) -> None:
    """A sentence's P value with no test takes the one test of the table's P value of the
    same quantity and value (the number the sentence restates)."""
    tests = _table_tests(drafts)
    for d in drafts:
        if d.fields.get("row") or d.fields.get("column") or d.fields.get("test") or \
                d.fields.get("statistic") != "p_value" or not d.fields.get("quantity"):
            continue
        try:
            found = tests.get((d.fields["quantity"], float(d.fields["value"])), set())
        except ValueError:
            continue
        if len(found) == 1:
            d.fields["test"] = next(iter(found))
            d.rules.append("test: the one the table names for the P value this restates")


def flag_unsure(drafts: list[Draft]) -> None:
    """Flag the rows whose labels, read together, are guesses (a sentence's row that took a
    table cell's labels is flagged with it)."""
    randomized = _randomized(drafts)
    for d in drafts:
        if d.needs_review:
            continue
        if d.fields.get("quantity") in _NAMED_BY_CATEGORY and not d.fields.get("category"):
            _flag(d, f"category: a {d.fields['quantity']} row naming nothing")
        elif _bare_level(d):
            _flag(d, "category: a level whose characteristic no heading names "
                     "(write 'Characteristic: level')")
        elif _ae_summary(d):
            _flag(d, "quantity: adverse events labelled as a generic outcome (an ae_* "
                     "quantity names them)")
        elif _specific(d):
            _flag(d, f"quantity: a characteristic the vocabulary names ({_specific(d)})")
        elif _unnamed_set(d, randomized):
            _flag(d, "population: a count of an analysis set the sentence does not name")


__all__ = ["flag_unsure", "restated_tests"]
