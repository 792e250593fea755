"""The characteristic another table names for a subgroup whose variable its table leaves out.

A table of an outcome by subgroup may print the levels of a characteristic with no heading
naming it (``Eradication overall`` then, indented, ``Organism A``, ``Organism B``: the
drafter flags "the variable whose level it is is not printed"), while the paper's baseline
table prints the same levels under the characteristic (``Pathogen: Organism A``). The paper
names the variable once; the subgroup is that characteristic's level, ``Pathogen: Organism
A`` (the data dictionary's ``Characteristic: level``). Only where exactly one
characteristic of the paper's tables has that level; the row stays flagged.
"""

from __future__ import annotations

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.normalise import fold

# the guesses of .subgroups on a row of fewer patients under another row, its variable unnamed
UNNAMED = ("guess: category or subgroup: a subgroup under another row: the variable whose "
           "level it is is not printed",
           "guess: category or subgroup: a row of fewer patients that shares out no total")


def _characteristics(rows: list[Draft]) -> dict[str, set[str]]:
    """Level (folded) -> the characteristics whose level it is in the tables' categories
    (``Characteristic: level`` of a count: a measurement on the level's patients, such as
    ``MIC: Organism A``, is no variable with levels)."""
    out: dict[str, set[str]] = {}
    for d in rows:
        category = d.fields["category"]
        if d.fields["quantity"] == "baseline" and ": " in category and \
                d.fields["statistic"] in ("count", "percent"):
            name, _, level = category.partition(": ")
            out.setdefault(fold(level).strip(), set()).add(name)
    return out


def name_unnamed_levels(rows: list[Draft]) -> None:
    """Gives a flagged subgroup whose variable its table does not print the characteristic
    the paper's other tables name for that level, when exactly one does."""
    known = _characteristics(rows)
    for d in rows:
        subgroup = d.fields["subgroup"]
        if not subgroup or ": " in subgroup or not any(r.startswith(UNNAMED) for r in d.rules):
            continue
        found = known.get(fold(subgroup).strip(), set())
        if len(found) == 1:
            d.fields["subgroup"] = f"{next(iter(found))}: {subgroup}"
            d.rules.append("subgroup: the characteristic another table names for this level")
