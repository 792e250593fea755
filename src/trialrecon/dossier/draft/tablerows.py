"""What a table's rows and headings say beside their numbers (helpers of :mod:`.tableview`).

- rows that give each arm's n: a stub saying it counts the patients ("n", "Participants with
  mRS outcome"), or an analysis set under "Number of patients";
- full-width rows, and the group headings that say their levels are counted;
- rows printing a mean or median (no level of a counted characteristic);
- header cells that only state the cell format ("Number n (%)");
- a time or stage a heading above a column names ("Final Assessment", "Week 12"), which the
  data dictionary joins to the category after a comma.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues, stubs
from trialrecon.dossier.draft.document import Table

if TYPE_CHECKING:
    from trialrecon.dossier.draft.tableview import Column, Row, TableView


def whole(t: Table, r: int) -> bool:
    """Row ``r`` is one cell across the table (a full-width group heading)."""
    return len({t.grid[r][c] for c in range(t.n_cols)}) == 1


def counts_group(label: str) -> bool:
    """A group heading that says its levels are counted ("Type of infection n (%)")."""
    return bool({"n_pct", "pct", "n"} & set(cues.formats_of(label)))


def summary_row(t: Table, r: int, columns: list[Column]) -> bool:
    """A row printing a mean or median ("7.0 (6.0 to 8.0)", "44.9 ± 17.8"), no count: not a
    level of a counted characteristic."""
    cells = [t.cell_at(r, c).plain for c in range(t.stub_columns, t.n_cols)
             if columns[c].arm and t.is_origin(r, c) and t.cell_at(r, c).plain]
    return bool(cells) and all(
        "±" in x or re.search(r"\d\s*\(\s*-?\d[\d.,·]*\s*(?:to|-|–)\s*-?\d", x) for x in cells)


N_STUB = re.compile(r"^(?:n|no\.?|number(?: of (?:patients|participants|subjects))?"
                    r"(?: analy[sz]ed)?|"
                    r"(?:patients|participants|subjects)(?: with .*| analy[sz]ed| evaluated)?|"
                    r"analy[sz]ed|evaluable|total (?:patients|participants))\s*[a-z*†‡§]?$",
                    re.IGNORECASE)


def n_row(t: Table, r: int, columns: list[Column], stub: str) -> bool:
    """A row whose arm cells are only whole numbers and whose stub says it counts the
    patients ("n", "Participants with mRS outcome"): the n of the rows below it."""
    return bool(N_STUB.match(stub)) and counts_only(t, r, columns)


def counts_only(t: Table, r: int, columns: list[Column]) -> bool:
    """Row ``r``'s arm cells are whole numbers only (each arm's n)."""
    cells = [t.cell_at(r, c).plain for c in range(t.stub_columns, t.n_cols)
             if columns[c].arm and t.is_origin(r, c)]
    return bool(cells) and all(re.fullmatch(r"\d[\d,]*", c) for c in cells)


def arm_cells(t: Table, r: int, columns: list[Column]) -> tuple[tuple[str, str], ...]:
    """(arm, number) of row ``r``'s arm cells."""
    return tuple((columns[c].arm, t.cell_at(r, c).plain.replace(",", ""))
                 for c in range(t.stub_columns, t.n_cols)
                 if columns[c].arm and t.is_origin(r, c) and t.cell_at(r, c).plain)


def legend_only(text: str) -> bool:
    """A header cell that only states the cell format ("Number n (%)", "Incidence n (%)")."""
    split = stubs.split_stub(text)
    return split.legend and bool(re.fullmatch(r"(?:number|no\.?|incidence|frequency|"
                                              r"patients|participants)?", split.name.lower()))


# a column heading naming a time or stage of the assessment (the data dictionary: it joins
# the category after a comma)
TIME_HEADING = re.compile(r"^(?:final assessment|(?:change )?from baseline(?: to .*)?|"
                          r"end of (?:treatment|study|follow-?up)|(?:at )?(?:day|week|"
                          r"month|year|visit|cycle|course)s? \d+|"
                          r"\d+ (?:days?|weeks?|months?|years?)|"
                          r"(?:final|last|first) (?:visit|assessment|follow-?up))$",
                          re.IGNORECASE)


def time_heading(label: str) -> str:
    """The time or stage a heading above the column names ("Final Assessment"), or ""."""
    parts = [" ".join(p.split()).strip(" :") for p in label.split(" / ")[:-1]]
    found = [p for p in parts if TIME_HEADING.match(p)]
    return found[0] if len(found) == 1 else ""


def stage_groups(stubs_by_group: dict[str, list[str]]) -> dict[str, str]:
    """The time or stage each full-width group row names ("Course 1", "Week 12") when the
    table repeats the same stubs under two or more such rows: the stage then joins the
    category of its rows as a time in a column heading does (the data dictionary), else two
    courses' rows of one term would be one quantity. A lone stage row, or stage rows over
    different stubs, stay groups."""
    stages = {g: " ".join(g.split(" / ")[-1].split()).strip(" :")
              for g in stubs_by_group}
    stages = {g: t for g, t in stages.items() if TIME_HEADING.match(t)}
    seen: dict[str, int] = {}
    for g in stages:
        for stub in set(stubs_by_group[g]):
            seen[stub.lower()] = seen.get(stub.lower(), 0) + 1
    return {g: t for g, t in stages.items()
            if len(stages) >= 2 and any(seen[x.lower()] >= 2 for x in stubs_by_group[g])}


_COUNTS_WORDS = re.compile(r"categorical|counts?\b|proportions?|percentages?|frequenc", re.I)
_MEASURE_WORDS = re.compile(r"\bmeans?\b|medians?|central tendency|continuous|laboratory|"
                            r"\bsd\b|standard deviation", re.I)


def caption_tests(caption: str) -> tuple[tuple[str, str], ...]:
    """(kind, test) of each sentence of a caption naming a test: kind ``counts`` when the
    sentence speaks of categorical values, ``measure`` of means or medians, else ""
    ("Measures of central tendency ...; differences were assessed via t-test")."""
    out = []
    for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", caption):
        test = cues.test_of(sentence)
        if test:
            kind = "counts" if _COUNTS_WORDS.search(sentence) else \
                "measure" if _MEASURE_WORDS.search(sentence) else ""
            out.append((kind, test))
    return tuple(out)


def caption_test(tests: tuple[tuple[str, str], ...], counts: bool, measure: bool) -> str:
    """The one test the caption names for a row printing counts or measurements, or ""."""
    kinds = {"counts"} if counts and not measure else {"measure"} if measure and not counts \
        else set()
    found = {test for kind, test in tests if kind in kinds or not kind} or \
        {test for _, test in tests}  # "86 (3)" reads as a count: the only test named
    return found.pop() if len(found) == 1 else ""


def row_caption_test(v: TableView, row: Row) -> str:
    """The test the caption names for the kind of values ``row`` prints (counts or
    measurements), or ""."""
    member = stubs.member(v.table, row.index, row.stub,
                          [c.index for c in v.data_columns() if c.arm], [])
    return caption_test(v.caption_tests, member.counts, member.continuous)


def staged(rows: dict[int, Row]) -> dict[int, Row]:
    """Each row under a full-width stage row ("Course 1") with that stage as its time, when
    the stages repeat the same stubs (:func:`stage_groups`)."""
    by_group: dict[str, list[str]] = {}
    for row in rows.values():
        if row.group and not row.n_row:
            by_group.setdefault(row.group, []).append(row.stub)
    stages = stage_groups(by_group)
    return {r: replace(row, time=stages[row.group]) if row.group in stages else row
            for r, row in rows.items()}
