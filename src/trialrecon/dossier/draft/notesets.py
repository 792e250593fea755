"""The analysis set a table note declares by its denominators alone.

A note attached to a block of outcome rows that says only what the values are over ("The
denominators are 266 for progesterone and 265 for placebo", "Values represent 52 subjects
in the standard arm and 58 in the other") restricts those rows to the patients for whom
the measure was obtained: the randomized minus those with no assessment, the data
dictionary's ``completers``, unless the note or the table names another set. The note does
not say the word, so the label is a guess (the drafted row stays ``needs_review``).

Not here: denominators a group row states with words that name patients of their own
("Participants with mRS outcome", "the population assessed for toxicity"): a set the row
names, or a subgroup; adverse-event tables keep the safety set (:mod:`.cells`).
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.tableview import Row, TableView

# a note whose words say what the numbers are over
_DENOMINATOR_NOTE = re.compile(
    r"\bdenominators?\b|\b(?:values?|data|results?|figures?)\b[^.;]{0,40}"
    r"\b(?:represent|are based on|were available|refer to)\b", re.IGNORECASE)

COMPLETERS = "completers"


def note_set(v: TableView, row: Row) -> str:
    """``completers`` for a row of an outcome table whose per-arm denominators a note of
    its own (or of its heading) states, each below its column's n; else ""."""
    if v.kind in ("ae", "baseline") or not row.denominators:
        return ""
    if not _DENOMINATOR_NOTE.search(row.notes or ""):
        return ""
    sizes = {c.arm: c.denominator for c in v.data_columns()
             if c.arm and not c.between and c.denominator.isdigit()}
    below = [int(n) < int(sizes[a]) for a, n in row.denominators
             if a in sizes and n.isdigit()]
    return COMPLETERS if below and all(below) else ""
