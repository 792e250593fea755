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
  ``ae_serious``, ...) come before the generic one.

Written from the data dictionary's conventions, not from any one paper.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.stubs import level_like

# the words of an adverse-event summary row ("Any AE", "Serious adverse events", "TEAEs")
_AE_WORDS = re.compile(r"\b(?:adverse (?:events?|reactions?|effects?)|t?r?aes?|saes?|"
                       r"teaes?|toxicit(?:y|ies))\b", re.IGNORECASE)


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


def flag_unsure(drafts: list[Draft]) -> None:
    """Flag the rows whose labels, read together, are guesses (a sentence's row that took a
    table cell's labels is flagged with it)."""
    for d in drafts:
        if d.needs_review:
            continue
        if _bare_level(d):
            _flag(d, "category: a level whose characteristic no heading names "
                     "(write 'Characteristic: level')")
        elif _ae_summary(d):
            _flag(d, "quantity: adverse events labelled as a generic outcome (an ae_* "
                     "quantity names them)")


__all__ = ["flag_unsure"]
