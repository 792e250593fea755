"""Arm names that contain one another, and the pooled column of a table.

Trials of a combination against one of its parts print the arms' names one inside the other:
"Drug A/Drug B" (or "Drug A + Drug B") against "Drug A". A word taken from the combination's
name ("drug a") is then a fragment of that name but the whole name of the monotherapy arm, so
it must name the monotherapy arm alone: a header "Drug A (n = 40)" or the second name of
"in the Drug A/Drug B and Drug A groups, respectively" is the monotherapy arm, and the longer
name, where printed, wins over the shorter one found inside it (``lexicon._find_names``).

A baseline table's column of all randomized patients is headed by a pooling word alone
("Overall (n = 939)", "All (n = 200)", "Total"); when trial.yaml declares a pooled arm, that
column is the pooled arm. The word must be the header's whole name: "Overall survival" heads
no pooled column.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.normalise import fold

# a name joined to the next one by these is part of a combination's name
_JOINED = re.compile(r"\s*(?:/|\+|&|\band\b|\bplus\b|\bwith\b)\s*[a-z0-9]")
# the words a pooled column's header may consist of (its n aside)
_POOLING_HEADERS = frozenset({"overall", "all", "total", "all patients", "all participants",
                              "all subjects", "both groups", "both arms", "combined",
                              "pooled", "total population", "overall population"})
# the n, the statistic and the punctuation printed with an arm's column name
_HEADER_DETAIL = re.compile(
    r"\((?:[^()]*\d[^()]*)\)|\bn\s*=\s*\d[\d,]*|\bn\s*\(\s*%\s*\)|\bno\.?\s*\(\s*%\s*\)"
    r"|\bmean\s*\(\s*sd\s*\)|\bmedian\s*\(\s*iqr\s*\)|\bn\b|%|[,;:*†‡§¶#]")


def is_fragment(alias: str, label: str) -> bool:
    """Whether ``alias`` is printed in the arm's ``label`` only as the first part of a
    combination's name ("r-a" in "r-a/r-b (...)"), not as a name standing alone."""
    text = fold(label)
    found = False
    for m in re.finditer(r"(?<![a-z0-9])" + re.escape(alias) + r"(?![a-z0-9])", text):
        found = True
        if not _JOINED.match(text, m.end()):
            return False
    return found


def drop_fragments(aliases: dict[str, tuple[str, ...]], labels: dict[str, str]
                   ) -> dict[str, tuple[str, ...]]:
    """Each arm's aliases without those that another arm shares and that are only a fragment
    of this arm's combination name: the shorter name then names the other arm alone."""
    out: dict[str, tuple[str, ...]] = {}
    for ident, own in aliases.items():
        others = {a for other, al in aliases.items() if other != ident for a in al}
        out[ident] = tuple(a for a in own
                           if a not in others or not is_fragment(a, labels.get(ident, "")))
    return out


def header_name(header: str) -> str:
    """A column header's name without its n, statistic and marks: "Overall (n = 939)"
    -> "overall"."""
    text = _HEADER_DETAIL.sub(" ", fold(header))
    return " ".join(re.sub(r"[()\[\]]", " ", text).split())


def is_pooling_header(header: str) -> bool:
    """Whether a column header names all patients and nothing else ("Overall (n = 939)",
    "Total, n (%)")."""
    return header_name(header) in _POOLING_HEADERS
