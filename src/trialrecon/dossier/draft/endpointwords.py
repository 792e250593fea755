"""Words of a table's row or title that say which endpoint and time its numbers are of.

Death from any cause as a stub names it ("All-cause mortality", "Death by day 90": the
events of overall survival when a hazard ratio stands beside them, the data dictionary's
rule) and the landmark of a survival estimate ("5-year", "at 3 years") in a stub or in the
title that gives every estimate of the table its time ("all estimates are at 5 years").
Imported by :mod:`.quantities`.
"""

from __future__ import annotations

import re

from trialrecon.dossier.draft.normalise import fold

DEATH = re.compile(r"\b(?:deaths?|died|mortality|dead)\b", re.IGNORECASE)
# death from any cause, perhaps by a time ("Death by day 90", "All-cause mortality"); a cause
# ("Cardiovascular death") or a composite ("Death or MI") is another outcome, not OS events
_ALL_CAUSE_DEATH = re.compile(
    r"^(?:all[- ]cause |overall |any )?(?:deaths?|mortality|died)"
    r"(?: (?:from|of|due to) (?:any|all) causes?| \(?any cause\)?)?"
    r"(?: (?:by|at|within|before|after|through|up to) [\w .,-]*)?$", re.IGNORECASE)


def all_cause_death(stub: str) -> bool:
    """The stub names death from any cause and nothing else (footnote marks and a
    parenthesised unit or note left out)."""
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", fold(stub))
    text = re.sub(r"[*\u2020\u2021\u00a7\u00b6]+|\b[a-z]$", " ", text)
    text = re.sub(r"[,;:]\s*(?:n|no\.?|number|%|n/n)\s*$", " ", text.strip())  # a format legend
    return bool(_ALL_CAUSE_DEATH.match(re.sub(r"\s+", " ", text).strip(" :,;")))



def landmark(text: str) -> str:
    m = re.search(r"(\d+(?:\.\d+)?)[- ](?:year|yr)s?\b|(\d+(?:\.\d+)?)\s*(years?|months?|weeks?)\b"
                  r"|(\d+(?:\.\d+)?)[- ]month", fold(text))
    if not m:
        return ""
    if m.group(1):
        return f"{m.group(1)} years"
    if m.group(2):
        unit = m.group(3) if m.group(3).endswith("s") else m.group(3) + "s"
        return f"{m.group(2)} {unit}"
    return f"{m.group(4)} months"


def caption_landmark(caption: str) -> str:
    """The one landmark a table's title gives its estimates ("estimates are at 5 years",
    "3-year rates"); "" when it names none or several."""
    found = {landmark(m.group(0)) for m in re.finditer(
        r"\b(?:at|by)\s+\d+(?:\.\d+)?\s*(?:years?|months?|weeks?)\b|"
        r"\b\d+(?:\.\d+)?[- ](?:year|month)\b", fold(caption))}
    found.discard("")
    return next(iter(found)) if len(found) == 1 else ""
