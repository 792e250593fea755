"""The analysis set a table's caption, header, stub or note names (helpers of :mod:`.tableview`).

- a set the trial declares (``populations:`` of ``trial.yaml``), named by most of the words of
  its label;
- else a set of the lexicon's list (``intention to treat``, ``per-protocol``, ``safety
  population``, ``evaluable``);
- a note on a column header or the table saying randomized patients were excluded from the
  analysis: a modified intention-to-treat set (``modified_itt``), a guess; the arm columns a
  pooled column with such a set adds up count parts of it;
- the arms' sizes the baseline table prints, and whether an analysis table's columns count
  other numbers of patients without naming their set;
- an abbreviation list in the notes ("ITT, intention-to-treat; PP, per-protocol") spells
  words out and states no set of the rows: it is left out before a note's set is read;
- a row whose own label names an analysis set ("Response (per-protocol set)", "Relapse in
  patients with a complete response") takes that set, or none and a flag when the trial
  declares no such set; never the set of the table above it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.lexicon import Names
from trialrecon.dossier.draft.normalise import fold

if TYPE_CHECKING:
    from trialrecon.dossier.draft.tableview import Column, TableView


def named_set(text: str, names: Names) -> str:
    """The set ``text`` names: a declared one first, else one of the lexicon's list; or ""."""
    declared = declared_set(text, names)
    return declared or cues.population_of(text)


# a note saying randomized patients were left out of the analysis ("Five patients withdrew
# before treatment and were excluded from analysis"): the columns count a modified
# intention-to-treat set
_EXCLUDED = re.compile(r"\b(?:excluded|withdr[ae]wn?|removed|omitted)\b[^.;]{0,60}?\b"
                       r"(?:from|in) (?:the |this |all |any )?(?:\w+ )?analy[sz](?:is|es)\b|"
                       r"\bnot (?:included|analy[sz]ed) in (?:the |this )?(?:\w+ )?analy[sz]",
                       re.IGNORECASE)


def excluded_set(notes: str) -> str:
    """``modified_itt`` when ``notes`` say randomized patients were excluded from the
    analysis, else "" (a reading of the note: the rows that take it are flagged)."""
    return "modified_itt" if _EXCLUDED.search(notes) else ""


def pooled_set(columns: list[Column]) -> list[Column]:
    """The columns with the set of a pooled column ("Total (n = 155)" whose note names the
    set) given to the arm columns it adds up (78 + 77): they count parts of that set."""
    pooled = [c for c in columns if c.population and c.denominator.isdigit()]
    parts = [c for c in columns if c.arm and not c.population and c.denominator.isdigit()]
    for total in pooled:
        if len(parts) >= 2 and sum(int(c.denominator) for c in parts) == int(total.denominator):
            return [replace(c, population=total.population) if c in parts else c
                    for c in columns]
    return columns


# one entry of an abbreviation list: a short term, a comma, its expansion ("PP, per-protocol")
_GLOSS = re.compile(r"^\s*[^\s,;]{1,15}(?: [^\s,;]{1,15})?, [^;]{2,80}$")
# a set a row's own label names: "(... set)", "(... population)", "in patients with ..."
_ROW_SET = re.compile(r"\([^()]{0,40}\b(?:set|population|sample)\)|\b(?:in|among) (?:the )?"
                      r"(?:subjects|patients|participants|women|men|those) (?:with|who|having)"
                      r"\b[^,;()]{0,60}", re.IGNORECASE)


def without_glossary(notes: str) -> str:
    """``notes`` without their abbreviation lists (sentences of two or more ``term,
    expansion`` entries joined by semicolons)."""
    kept = []
    for sentence in re.split(r"(?<=\.)\s+", notes):
        entries = sentence.rstrip(". ").split(";")
        if not (len(entries) >= 2 and all(_GLOSS.match(e) for e in entries)):
            kept.append(sentence)
    return " ".join(kept)


def row_set(stub: str, names: Names) -> str | None:
    """The set a row's own label names (None when it names none; "" when the trial declares
    no set of that name and the lexicon knows none)."""
    m = _ROW_SET.search(stub)
    return named_set(m.group(0), names) if m else None


_TIME_WORDS = frozenset({"after", "before", "during", "until", "within", "since", "years",
                         "year", "months", "month", "weeks", "week", "days", "hours", "start",
                         "baseline", "final", "follow-up", "followup", "visit", "intervention",
                         "treatment", "therapy", "study", "trial", "inclusion", "time"})


def without_row_set(category: str, stub: str, population: str) -> str:
    """A category read from a stub that also names the row's analysis set ("Pregnancy loss
    (ITT population)", "Pregnancy loss in women with a positive test") without those words:
    the set is the row's ``population``, so that one outcome in several sets is one
    category (the data dictionary)."""
    m = _ROW_SET.search(stub)
    if not population or not m or m.group(0) not in category:
        return category
    rest = " ".join(category.replace(m.group(0), " ").split()).strip(" ,;:")
    return rest or category


def declared_set(text: str, names: Names) -> str:
    """A trial's own analysis set named by most of its label's words in ``text``."""
    words = set(re.findall(r"[a-z][a-z-]{3,}", fold(text)))
    scored = []
    for ident, aliases in names.populations:
        label = max(aliases, key=len) if aliases else ""
        # the whole label, or its head before the definition ("microbiologically evaluable
        # patients: clinically evaluable with a pathogen identified (96 and 102)")
        for phrase in dict.fromkeys((label, re.split(r"[:;(]", label)[0])):
            own = {w for w in re.findall(r"[a-z][a-z-]{3,}", phrase)} - {
                "patients", "with", "from", "that", "were", "table", "participants"}
            # words of a time ("after 10 years", "at the end of the intervention") name
            # when, not whom: a caption saying only when names no set of patients
            if own and own & words - _TIME_WORDS:
                share = len(own & words) / len(own)
                scored.append((share, len(own & words), ident))
    scored.sort(reverse=True)
    best = {ident: (share, n) for share, n, ident in reversed(scored)}  # each set's best
    ranked = sorted(((sn, ident) for ident, sn in best.items()), reverse=True)
    if ranked and ranked[0][0][0] >= 0.5 and ranked[0][0][1] >= 2 and \
            (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        return ranked[0][1]
    return ""


def arm_sizes(views: list[TableView]) -> dict[str, str]:
    """{arm: n} of the first baseline table's column headers (the randomized arms' sizes)."""
    for v in views:
        if v.kind == "baseline":
            sizes = {c.arm: c.denominator for c in v.data_columns() if c.arm and c.denominator}
            if sizes:
                return sizes
    return {}


def other_set(v: TableView, sizes: dict[str, str]) -> bool:
    """An analysis table whose column n's are not the arms' sizes and that names no set."""
    if v.kind in ("baseline", "ae") or v.population or not sizes:
        return False
    return any(c.arm in sizes and c.denominator and c.denominator != sizes[c.arm]
               for c in v.data_columns())


def unit_set(v: TableView, names: Names) -> str:
    """The declared set of what the table counts when it counts no patients (devices,
    infants), or ""."""
    if v.count_unit == "patients":
        return ""
    stem = v.count_unit.rstrip("s")
    found = [i for i, al in names.populations if stem in i or any(stem in a for a in al)]
    return found[0] if len(found) == 1 else ""
