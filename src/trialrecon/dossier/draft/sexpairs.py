"""A stub naming both sexes over cells of two counts ("Males/Females, n | 115/106").

Characteristics tables often print the men and the women of a column in one cell, "a/b",
under a stub naming both ("Male/female", "Men/Women, n", "Sex (M/F)"). The "a/b" is then
two counts, the men's and the women's, each over the column's n; not "a of b". Any other
"a/b" is a count over its own denominator, and the bare second number of it no value of
its own (the data dictionary).
"""

from __future__ import annotations

import re
from dataclasses import replace

from trialrecon.dossier.draft.numbers import Item
from trialrecon.dossier.draft.quantities import Label

_MALE = r"(?:males?|men|m)"
_FEMALE = r"(?:females?|women|f)"
# the two sexes, either order, at the start of the stub or in its brackets ("Sex (M/F)")
_PAIR = re.compile(rf"(?:^|\(|\bsex\s*,?\s*|\bgender\s*,?\s*)\s*({_MALE}|{_FEMALE})\s*/\s*"
                   rf"({_MALE}|{_FEMALE})\b", re.IGNORECASE)


def sex_order(stub: str) -> tuple[str, str] | None:
    """("male", "female") or ("female", "male") in the order the stub names them, or None."""
    m = _PAIR.search(stub.strip())
    if not m:
        return None
    first = "female" if re.fullmatch(_FEMALE, m.group(1), re.IGNORECASE) else "male"
    second = "female" if re.fullmatch(_FEMALE, m.group(2), re.IGNORECASE) else "male"
    return (first, second) if first != second else None


def cell_items(items: list[Item], stub: str) -> tuple[list[Item], list[Label]]:
    """The items of a cell worth a row, each with its first labels: under a stub naming both
    sexes, the two counts of "a/b" (the first sex's, then the second's); else every item but
    the bare n of an "a/b"."""
    order = sex_order(stub)
    pairs = [i for i in items if i.pattern == "events over n" and i.statistic == "count"]
    if order and len(pairs) == 2 and pairs[0].denominator and not pairs[1].denominator:
        kept = [replace(pairs[0], denominator=""), pairs[1]]
        labels = [Label(quantity=q) for q in order]
        for lab in labels:
            lab.rules.append("quantity: one of the two sexes of a stub naming both ('a/b')")
        return kept, labels
    kept = [i for i in items if not (i.pattern == "events over n" and i.statistic == "count"
                                     and not i.denominator)]
    return kept, [Label() for _ in kept]
