"""A table of one outcome by subgroup of patients: which rows are subgroups, and of what.

Some tables print one outcome (or a few) with its rate in each subgroup of patients: the
first row counts every patient of the column ("Overall | 88/106 (83.0%) | 81/108 (75.0%)"),
the rows below count the patients of a subgroup over the subgroup's own size ("Culture-based
therapy | 86/100 | 75/101", "Empiric therapy | 4/6 | 6/7"). The data dictionary writes such a
row's number with the outcome as ``category`` and the patients it counts as ``subgroup``
(``subgroup``: "a subgroup of patients the value refers to").

What makes a table one: every per-arm cell prints ``n/N``, its first such row's N is the
largest of each column (all patients), and some run of two or more consecutive rows shares
that N out exactly in every column (the levels of a variable of the patients: "Culture-based
therapy" and "Empiric therapy" are 100 + 6 = 106). Outcome tables whose later rows count
fewer patients (lost to follow-up, a questionnaire's responders) do not share the column
out, so they stay outcome tables.

Then, in the order printed:

- a row whose N is the column's (every patient) is an outcome: its own stub names it
  ("Eradication overall"), or, when the stub only says "Overall" or "All patients", the
  caption does ("Clinical cure rates in ..." is "Clinical cure": a guess); a row printed
  under such an outcome row with the same N is a level of it (``Clinical cure: Cured``);
- a row with a smaller N is a subgroup of the last outcome: ``category`` is that outcome,
  ``subgroup`` the row's own label built like a category (``Type of infection: Abdominal``
  under a heading naming the variable, the stub alone otherwise). A subgroup row printed
  under an outcome row or another subgroup row is flagged: the variable it is a level of is
  not printed (or its nesting is not what it seems); so is a row of fewer patients outside
  every run that shares the total out ("APACHE II > 20" alone): a subgroup, or an outcome
  measured on fewer patients.

Written from the data dictionary's columns, not from any one paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.stubs import name_of, split_stub

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Table
    from trialrecon.dossier.draft.tableview import Column, Row

_OVER = re.compile(r"^\s*(\d[\d,]*)\s*/\s*(\d[\d,]*)\b")
_NONE = re.compile(r"^\s*0\s*$")  # "0": nobody in the subgroup
_ALL = re.compile(r"^(?:overall|all(?: patients| participants| subjects)?|total|"
                  r"whole (?:population|group|sample)|any)$", re.IGNORECASE)
# the outcome a caption names before "rates in ...", "by subgroup", "according to ..."
# "Primary efficacy outcome (number of oocytes retrieved)", "Secondary endpoint (live birth)"
_NAMED_OUTCOME = re.compile(r"^(?:the\s+)?(?:(?:primary|secondary|main|key)\s+)?(?:efficacy\s+)?"
                            r"(?:outcomes?|end-?\s?points?)\s*\(([^()]{3,80})\)", re.IGNORECASE)
_CAPTION_OUTCOME = re.compile(r"^(.+?)\s+(?:rates?|proportions?|percentages?|incidences?)\b"
                              r"|^(.+?)\s+(?:by|in|among|according to|across)\s", re.IGNORECASE)


@dataclass(frozen=True)
class SubgroupRow:
    """What a row of a subgroup table is about: ``outcome`` (its category), ``subgroup``
    ("" for a row of every patient), ``guess`` (why the outcome may be wrong, or "")."""

    outcome: str
    subgroup: str = ""
    guess: str = ""


def _size(text: str) -> int | None:
    """The N of an ``n/N`` cell, 0 for a bare "0", else None."""
    m = _OVER.match(text)
    if m:
        return int(m.group(2).replace(",", ""))
    return 0 if _NONE.match(text) else None


def _sizes(t: Table, rows: list[int], arms: list[int]) -> dict[int, list[int | None]]:
    return {r: [_size(t.cell_at(r, c).plain) if t.is_origin(r, c) else None for c in arms]
            for r in rows}


def _shared_out(sizes: dict[int, list[int | None]], rows: list[int], total: list[int]
                ) -> set[int]:
    """The rows of every run of two or more consecutive rows whose N add up to ``total`` in
    every column (each row with an N smaller than the total in each)."""
    found: set[int] = set()
    for i in range(len(rows)):
        sums = [0] * len(total)
        for j in range(i, len(rows)):
            here = sizes[rows[j]]
            if any(n is None or n >= t for n, t in zip(here, total, strict=True)):
                break
            sums = [s + (n or 0) for s, n in zip(sums, here, strict=True)]
            if j > i and sums == total:
                found.update(rows[i:j + 1])
            if any(s > t for s, t in zip(sums, total, strict=True)):
                break
    return found


def caption_outcome(caption: str) -> str:
    """The outcome a caption names ("Clinical cure rates in evaluable patients" -> "Clinical
    cure"; "Primary efficacy outcome (number of oocytes retrieved) for ..." -> "number of
    oocytes retrieved", the name in parentheses after a word saying an outcome), or ""."""
    named = _NAMED_OUTCOME.match(caption.strip())
    if named:  # a category begins with a capital, as a stub would
        text = named.group(1).strip(" ,:;")
        return text[:1].upper() + text[1:]
    m = _CAPTION_OUTCOME.match(caption.strip())
    return (m.group(1) or m.group(2)).strip(" ,:;") if m else ""


def all_patients(stub: str) -> bool:
    """A stub naming every patient of the column ("Overall", "All patients", "Total")."""
    return bool(_ALL.match(name_of(stub)))


def read_subgroups(t: Table, rows: dict[int, Row], columns: list[Column], kind: str
                   ) -> dict[int, SubgroupRow]:
    """{row: :class:`SubgroupRow`} of a table of an outcome by subgroup; {} for any other."""
    arms = [c.index for c in columns[t.stub_columns:] if not c.between and not c.n_column]
    body = [r for r in sorted(rows) if not rows[r].heading and not rows[r].n_row]
    if kind in ("ae", "baseline") or not arms or len(body) < 3:
        return {}
    sizes = _sizes(t, body, arms)
    printed = [n for r in body for n in sizes[r]]
    if sum(n is not None for n in printed) < 0.8 * len(printed):
        return {}
    first = sizes[body[0]]
    if any(n is None or n == 0 for n in first):
        return {}
    total = [n for n in first if n is not None]
    shared = _shared_out(sizes, body, total)
    if any(n is not None and n > m for r in body for n, m in zip(sizes[r], total, strict=True)) \
            or not shared:
        return {}
    return _labels(t, rows, body, sizes, total, shared)


def _labels(t: Table, rows: dict[int, Row], body: list[int],
            sizes: dict[int, list[int | None]], total: list[int], shared: set[int]
            ) -> dict[int, SubgroupRow]:
    out: dict[int, SubgroupRow] = {}
    outcome = SubgroupRow(caption_outcome(t.caption), guess="the outcome the caption names")
    outcome_stub = ""
    for r in body:
        row = rows[r]
        whole = all(n is None or n == m for n, m in zip(sizes[r], total, strict=True))
        group = row.group.split(" / ")[-1] if row.group else ""
        if whole and group and group == outcome_stub:
            out[r] = SubgroupRow(f"{outcome.outcome}: {name_of(row.stub)}", guess=outcome.guess)
        elif whole:
            own = name_of(row.stub)
            named = not _ALL.match(own)
            outcome = SubgroupRow(own, guess="") if named else SubgroupRow(
                caption_outcome(t.caption) or own, guess="the outcome the caption names")
            outcome_stub = row.stub
            out[r] = outcome
        else:
            # under a heading that prints no number ("Type of infection"): a level of it
            under = bool(group) and not any(rows[k].stub == group for k in rows if k < r)
            # a threshold keeps its unit ("MIC ≥ 1.5 mg/l"): it defines the patients
            level = name_of(row.stub) if split_stub(row.stub).legend else row.stub
            label = f"{name_of(group)}: {level}" if under else level
            guess = outcome.guess or (
                "" if r in shared and (under or not group) else
                "a subgroup under another row: the variable whose level it is is not printed"
                if r in shared else "a row of fewer patients that shares out no total: a "
                "subgroup, or an outcome measured on fewer patients")
            out[r] = SubgroupRow(outcome.outcome, label, guess)
    return out
