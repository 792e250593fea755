"""A table repeating an earlier table's analysis in a subgroup its title alone names.

Papers often print a model or a summary twice: for all patients, then "in patients with
diabetes", with the same title but for the words naming the subgroup ("... in an elderly
community population" and "... in elderly with ischemic heart disease from a community").
Nothing on the second table's rows says the subgroup, so every number of it takes the
subgroup its title adds ("Ischemic heart disease"), as a proposal for review (a title may
also narrow the population in other words than a subgroup).
"""

from __future__ import annotations

import difflib
import re

from trialrecon.dossier.draft.document import Table
from trialrecon.dossier.draft.drafter import Draft

# where the subgroup's words end ("with diabetes from a community", "with IHD treated ...")
_STOP = re.compile(r"^(?:from|in|at|of|who|whose|and|or|after|before|during|treated|"
                   r"receiving|by|to|on|for|versus|vs\.?)$", re.IGNORECASE)
_MIN_SAME = 0.7  # the share of the two titles' words that agree


def added_subgroup(earlier: str, later: str) -> str:
    """The subgroup ``later`` names by a "with ..." phrase that ``earlier``, otherwise the
    same title, does not have; or ""."""
    a, b = earlier.split(), later.split()
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in a], b=[w.lower() for w in b],
                                      autojunk=False)
    if len(a) < 6 or matcher.ratio() < _MIN_SAME:
        return ""
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    adding = [op for op in changes if "with" in (w.lower() for w in b[op[3]:op[4]])]
    if len(adding) != 1 or any("with" in (w.lower() for w in a[op[1]:op[2]]) for op in changes):
        return ""
    _, _, _, j1, j2 = adding[0]
    new = b[j1:j2]
    lowered = [w.lower() for w in new]
    words = []
    for w in new[lowered.index("with") + 1:]:
        word = w.strip(".,;:()")
        if not word or _STOP.match(word):
            break
        words.append(word)
        if w != word and w.rstrip(".,;:)") != w:  # the phrase ends at its punctuation
            break
    if not 1 <= len(words) <= 5:
        return ""
    text = " ".join(words)
    return text[0].upper() + text[1:]


def caption_subgroups(tables: list[Table]) -> dict[str, str]:
    """{table label: subgroup} for each table whose title is an earlier table's with a
    subgroup added (:func:`added_subgroup`)."""
    out: dict[str, str] = {}
    for k, later in enumerate(tables):
        for earlier in tables[:k]:
            found = added_subgroup(earlier.caption, later.caption)
            if found:
                out[later.label] = found
                break
    return out


def label_subgroups(drafts: list[Draft], tables: list[Table]) -> None:
    """Give the cells of such a table the subgroup its title adds, flagged for review."""
    subgroups = caption_subgroups(tables)
    for d in drafts:
        sub = subgroups.get(d.fields.get("location", ""), "")
        if sub and not d.fields.get("subgroup"):
            d.fields["subgroup"] = sub
            d.rules.append(f"guess: subgroup: the table's title adds '{sub}' to an earlier "
                           "table's")
            d.needs_review = True
