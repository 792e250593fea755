"""What a table's rows and headings say beside their numbers (helpers of :mod:`.tableview`).

- rows that give each arm's n: a stub saying it counts the patients ("n", "Participants with
  mRS outcome"), or an analysis set under "Number of patients";
- full-width rows, and the group headings that say their levels are counted;
- rows printing a mean or median (no level of a counted characteristic);
- header cells that only state the cell format ("Number n (%)");
- a time or stage a heading above a column names ("Final Assessment", "Week 12"), which the
  data dictionary joins to the category after a comma;
- the adjustment a table's notes state for its effects ("from unadjusted Cox models").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues, stubs
from trialrecon.dossier.draft.document import Table
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.tablesets import without_glossary

if TYPE_CHECKING:
    from trialrecon.dossier.draft.tableview import Column, Row, TableView


def whole(t: Table, r: int) -> bool:
    """Row ``r`` is one cell across the table (a full-width group heading)."""
    return len({t.grid[r][c] for c in range(t.n_cols)}) == 1


def section_heading(t: Table, r: int) -> bool:
    """Row ``r`` is a full-width heading over rows printed at its own level (a section of
    the table: the flush-left rows below it are its rows until the next heading). One whose
    first row below is printed further in ("Race, n (%)" over indented "White", "Asian")
    heads those indented levels only: the next flush-left row ("BMI") is outside it."""
    if not whole(t, r):
        return False
    below = next((k for k in range(r + 1, t.n_rows) if t.cell_at(k, 0).plain), None)
    return below is None or t.cell_at(below, 0).indent <= t.cell_at(r, 0).indent


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
                          r"(?:at )?(?:the )?end of (?:the )?(?:treatment|study|follow-?up|"
                          r"intervention|therapy|trial|supplementation)|(?:at )?(?:day|week|"
                          r"month|year|visit|cycle|course)s? \d+|"
                          r"(?:after |at )?\d+(?:\.\d+)? (?:days?|weeks?|months?|years?)"
                          r"(?: of (?:follow-?up|treatment|therapy|intervention))?|"
                          r"at (?:the )?(?:study )?(?:start|inclusion|entry|enrol?ment|"
                          r"randomi[sz]ation)(?: of (?:the )?(?:study|trial|intervention|"
                          r"treatment))?|"
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


_COUNTS_WORDS = re.compile(r"categorical|discrete|dichotomous|binary|counts?\b|proportions?|"
                           r"percentages?|frequenc", re.I)
_MEASURE_WORDS = re.compile(r"\bmeans?\b|medians?|central tendency|continuous|laboratory|"
                            r"\bsd\b|standard deviation", re.I)
# The values a test is for when a note names it with no words on the rows: "P values by
# Fisher's exact test or t-test" compares counts by the one and measurements by the other.
_TEST_VALUES = {**dict.fromkeys(("chi_square", "chi_square_yates", "fisher_exact", "cmh",
                                 "exact_binomial", "trend"), "counts"),
                **dict.fromkeys(("t_test", "welch_t_test", "paired_t_test", "wilcoxon_rank_sum",
                                 "wilcoxon_signed_rank", "anova", "kruskal_wallis"), "measure")}
CLAUSE = re.compile(r";\s*|,\s*(?:and\s+|or\s+|while\s+|whereas\s+)?|"
                    r"\s+(?:and|or|while|whereas)\s+|\s+(?=(?:except|apart from|other than)\b)")
# the formats of a row that say it prints counts, or measurements ("(%)" alone is no count:
# "HbA (%)" is a mean of a percentage)
_COUNT_FORMATS = frozenset({"n_pct", "pct_n", "n"})
_MEASURE_FORMATS = frozenset({"mean_sd", "mean_se", "median_iqr", "median_range", "mean_range",
                              "mean_ci", "median_ci", "mean", "median"})


def values_named(text: str) -> str:
    """``counts`` when ``text`` speaks of categorical values only, ``measure`` of means or
    continuous values only, else ""."""
    counts, measure = bool(_COUNTS_WORDS.search(text)), bool(_MEASURE_WORDS.search(text))
    return "counts" if counts and not measure else "measure" if measure and not counts else ""


def caption_tests(caption: str) -> tuple[tuple[str, str], ...]:
    """(kind, test) of each test a caption or note names: kind ``counts`` when its clause
    speaks of categorical values, ``measure`` of means, medians or continuous values; a
    clause saying neither gives the kind of values the test compares (a chi-square or
    Fisher's test counts, a t or rank-sum test measurements), else its sentence's words
    ("Measures of central tendency ...; differences were assessed via t-test"; "P values by
    Fisher's exact test or t-test"; "chi-square test for categorical and t-test for
    continuous variables")."""
    out = []
    for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", caption):
        if not cues.test_of(sentence):
            continue
        for clause in CLAUSE.split(sentence):
            if _INTERVAL.search(clause) and not _P_WORDS.search(clause):
                continue  # "95% exact binomial confidence interval": no test of a P value
            for test in cues.named_tests(clause):
                if _EXCEPT.match(clause):  # the rows it names, not a kind of value
                    kind = f"except {clause}"
                else:
                    kind = values_named(clause) or _TEST_VALUES.get(test) or \
                        values_named(sentence)
                out.append((kind, test))
    return tuple(dict.fromkeys(out))


_INTERVAL = re.compile(r"confidence intervals?|\bci\b", re.IGNORECASE)
_P_WORDS = re.compile(r"\bp\b|p[- ]values?|\btests?\b", re.IGNORECASE)
# a clause naming the rows a test is used for instead of the usual one ("..., except
# Fisher's exact test used for sickle cell genotype")
_EXCEPT = re.compile(r"^\W*(?:except|apart from|other than|but)\b", re.IGNORECASE)
_GENERIC_WORDS = frozenset({"test", "tests", "used", "with", "were", "was", "value", "values",
                            "variables", "variable", "data", "patients", "number", "total",
                            "which", "where", "that", "those", "from", "compared"})


def _names_row(clause: str, stub: str) -> bool:
    """Whether an exception clause names the row: a word of four letters or more of its
    stub (its format and generic words aside) is in the clause."""
    words = {w for w in re.findall(r"[a-z][a-z0-9-]{3,}", stubs.split_stub(stub).name.lower())
             if w not in _GENERIC_WORDS}
    return bool(words & set(re.findall(r"[a-z][a-z0-9-]{3,}", clause.lower())))


def caption_test(tests: tuple[tuple[str, str], ...], counts: bool, measure: bool,
                 stub: str = "") -> str:
    """The one test the caption names for a row printing counts or measurements (or for the
    row ``stub`` an exception names), or ""."""
    named = {test for kind, test in tests if kind.startswith("except ") and stub and
             _names_row(kind, stub)}
    if named:
        return named.pop() if len(named) == 1 else ""
    tests = tuple((kind, test) for kind, test in tests if not kind.startswith("except "))
    kinds = {"counts"} if counts and not measure else {"measure"} if measure and not counts \
        else set()
    found = {test for kind, test in tests if kind in kinds or not kind} or \
        {test for _, test in tests}  # "86 (3)" reads as a count: the only test named
    return found.pop() if len(found) == 1 else ""


def row_values(v: TableView, row: Row) -> tuple[bool, bool]:
    """Whether ``row`` prints counts, and whether measurements: as its stub's (or its
    headings') format says, else as its arm cells read."""
    formats = set(row.formats)
    counts, measure = bool(formats & _COUNT_FORMATS), bool(formats & _MEASURE_FORMATS)
    if counts != measure:
        return counts, measure
    member = stubs.member(v.table, row.index, row.stub,
                          [c.index for c in v.data_columns() if c.arm], [])
    return member.counts, member.continuous


def row_caption_test(v: TableView, row: Row) -> str:
    """The test the caption names for the kind of values ``row`` prints (counts or
    measurements), or ""."""
    return caption_test(v.caption_tests, *row_values(v, row), row.stub)


# a stub that names no thing of its own, only "some level" of a variable ("Any", "Other")
_CATCH_ALL = re.compile(r"^(?:any|none|other|others|at least one)$", re.IGNORECASE)
# where a caption's subject ends: the patients, arms or time it is reported in or by
_CAPTION_END = re.compile(r"\s+(?:in|among|by|according to|across|during|at|for|of (?:the )?"
                          r"(?:patients|participants|subjects|population))\s", re.IGNORECASE)
# captions naming parts of a table or many things, not one variable
_NOT_ONE_VARIABLE = re.compile(
    r"\b(?:and|outcomes?|end ?points?|characteristics|events?|results?|efficacy|safety|"
    r"data|analys[ie]s|summary|comparison|variables|parameters|measures|effects?|rates?|"
    r"response|table)\b|,|;", re.IGNORECASE)


def caption_variable(v: TableView) -> str:
    """The variable a caption names when the table's rows, printed without a heading, are
    its levels ("Concomitant antimicrobial therapy in clinically evaluable population" over
    "Any", "Penicillins", "Vancomycin"): the caption's subject (up to the patients, arms or
    time it is reported in), when it names one thing and a row without a heading names no
    thing of its own ("Any", "Other", "None"); else ""."""
    flat = [r for r in v.rows.values() if not r.group and not r.heading and not r.n_row]
    if not flat or not any(_CATCH_ALL.match(stubs.name_of(r.stub)) for r in flat):
        return ""
    subject = _CAPTION_END.split(v.caption.strip(), maxsplit=1)[0].strip(" .:;")
    if not subject or len(subject.split()) > 6 or _NOT_ONE_VARIABLE.search(subject):
        return ""
    return subject


def table_test(v: TableView, row: Row, col: Column, marks: tuple[str, ...]) -> tuple[str, str]:
    """(test, "") of a P value in ``row`` and ``col`` whose cell prints ``marks``, as the
    table names it, or ("", why) when it names several and not which is this row's, or
    ("", "") when it names none.

    The most specific statement first: a note the cell's own marks point to, the row's stub
    ("Log-rank P value") and a note it points to, then the table-wide ones (the unmarked
    notes, a note on the column's header), then the caption; a statement naming a test for
    each kind of value ("Fisher's exact test or t-test unless otherwise specified") gives
    the row the one for the values it prints (counts or measurements)."""
    counts, measure = row_values(v, row)
    levels = (tuple(pair for m in dict.fromkeys(marks) if m for pair in v.tests.get(m, ())),
              caption_tests(f"{row.notes} {row.stub}"),
              tuple(dict.fromkeys(v.tests.get("", ()) + caption_tests(col.notes))),
              v.caption_tests)
    trailing = re.search(r"([*†‡§¶#]+)\s*$", v.table.cell_at(row.index, col.index).plain)
    for pairs in levels:
        if not pairs:
            continue
        test = _marked_exception(pairs, trailing.group(1) if trailing else "", marks) or \
            caption_test(pairs, counts, measure, row.stub)
        if test:
            return test, ""
        if all(kind.startswith("except ") for kind, _ in pairs):
            continue  # only the rows an exception names
        return "", "test: notes name several tests, not which is this row's"
    return "", ""


def _marked_exception(pairs: tuple[tuple[str, str], ...], trailing: str,
                      marks: tuple[str, ...]) -> str:
    """The test of an exception a caption or note names by a mark ("tests are by Wilcoxon
    rank-sum test except for *(log-rank test)") when the P value carries that mark, as a
    footnote mark or as a symbol printed after the number ("<0.0001*"); else ""."""
    for kind, test in pairs:
        if kind.startswith("except "):
            for symbol in re.findall(r"[*†‡§¶#]+", kind):
                if symbol == trailing or symbol in marks:
                    return test
    return ""


# a note's sentence about the table's effects or their model ("P-values and hazard ratios come
# from unadjusted Cox models"); one about multiplicity ("P values adjusted for multiple
# comparisons") states no adjustment for covariates
_EFFECT_NOTE = re.compile(r"\b(?:hazard|odds|risk|rate) ratios?\b|\b(?:hrs?|ors?|rrs?)\b|"
                          r"\bmodels?\b|\bregression\b|\bestimates?\b")
_MULTIPLICITY = re.compile(r"multiple (?:comparisons|testing)|multiplicity|bonferroni|\bholm\b|"
                           r"false discovery")


def note_adjustment(v: TableView, col: Column, marks: tuple[str, ...]) -> str:
    """The adjustment the table's notes (unmarked, or marked on the cell) state for its
    effects, when the sentences naming an effect or model state one kind only, for a number
    of a between-arm column (an effect, its CI, a P value); else ""."""
    if not col.between:
        return ""
    notes = " ".join(n.text for n in v.table.footnotes if not n.mark or n.mark in marks)
    found = {cues.adjustment_of(s) for s in re.split(r"(?<=\.)\s+", without_glossary(notes))
             if _EFFECT_NOTE.search(fold(s)) and not _MULTIPLICITY.search(fold(s))}
    found.discard("")
    return found.pop() if len(found) == 1 else ""


def n_column_value(v: TableView, row: Row, col: Column) -> str:
    """The row's number in the n column of the same arm ("Total patients 529")."""
    if col.n_column:
        return ""
    for c in v.columns:
        if c.n_column and c.arm == col.arm and v.table.is_origin(row.index, c.index):
            return v.table.cell_at(row.index, c.index).plain.replace(",", "")
    return ""


def group_n(v: TableView, row: Row, col: Column) -> str:
    """The n an ``n`` row of the same block prints in column ``col`` above ``row`` ("Age
    (years) / n | 232 | 118 | 350" above "Mean (SD)"), or "": the statistics of the block are
    over the patients with data on it, in every column, a total column too (the data
    dictionary: "its row or a row heading above it prints the n it is over")."""
    if not row.group or col.between or col.n_column:
        return ""
    for r in range(row.index - 1, v.header_rows - 1, -1):
        above = v.rows.get(r)
        if above is None or above.group != row.group:
            return ""  # the block ends at a row of another group (or a group row)
        if above.n_row and v.table.is_origin(r, col.index):
            text = v.table.cell_at(r, col.index).plain.replace(",", "").strip()
            return text if text.isdigit() else ""
    return ""


def owner_adjustment(v: TableView, col: Column) -> str:
    """The adjustment of the table's one effect column ("Adjusted HR") for a CI or P value
    column beside it, or "": beside several effects a plain P may be the crude one's."""
    effects = [c for c in v.columns if c.effect]
    if (col.p or col.ci) and not col.effect and len(effects) == 1:
        return effects[0].adjustment
    return ""


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
