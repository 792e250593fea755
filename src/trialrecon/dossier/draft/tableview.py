"""A table read for labelling: what each column and each row says, read once per table.

The reader (:mod:`.tables`) gives the grid, the header rows, the stub and the group rows. This
module reads what a person reads from them before looking at a single number:

- *header rows*: the reader's, plus leading body rows that hold no number ("All grades |
  Grade 1-2 | Grade ≥3", "n (%) | n (%)"); a cell that only states a format ("n (%)",
  "Mean (SD)") gives the column its format and stays out of the column label;
- *columns*: the arm or cohort a header names (the trial's declared arms, a pooled "Total"),
  the denominator (``n = 141``), an effect measure ("RR (95% CI)", "Adjusted OR"), a P value
  or CI column, an adverse-event grade ("Grade 3-4", "III-IV", "All grades"), the analysis
  set and the adjustment it states, and "X versus Y" for the arms an effect compares;
- *rows*: the stub as printed; a row that holds only a P value (or only between-arm columns)
  above rows without one heads them, like a group row ("Sex 0.41" over "Male", "Female"); a
  group row stating per-arm denominators ("n=266 in the twice-daily group") gives them;
- *the table*: its kind (adverse events, baseline, response, regression, outcomes), the
  formats and tests its notes state ("Data are median (IQR) or n (%)", "P from Fisher's
  exact test"), the analysis set its caption names (:mod:`.tablesets`), and whether it is a
  table of one outcome by subgroup (:mod:`.subgroups`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from trialrecon.dossier.draft import cues, stubs, tablerows
from trialrecon.dossier.draft.document import Table
from trialrecon.dossier.draft.lexicon import Names
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.nsubgroups import SubgroupRow, subgroup_rows
from trialrecon.dossier.draft.setheadings import set_heading
from trialrecon.dossier.draft.tablerows import (
    N_STUB,
    arm_cells,
    caption_tests,
    counts_group,
    counts_only,
    legend_only,
    section_heading,
    summary_row,
    time_heading,
)
from trialrecon.dossier.draft.tablerows import n_row as counts_row
from trialrecon.dossier.draft.tables import is_data as _is_data
from trialrecon.dossier.draft.tablesets import excluded_set, named_set, pooled_set, without_glossary

_N_IN = re.compile(r"(?<![a-z])[nN]\s*=\s*(\d[\d,\u2009\u202f]*)")
_FORMAT_ONLY = re.compile(
    r"^\s*(?:[nN]|No\.?|number|%|n\s*/\s*N|n/N|\(%\)|\(n\)|N\s*\(%\)|n\s*\(%\)|no\.?\s*\(%\)|"
    r"%\s*\(n\)|n\s*\(%\)\s*or\s*.*|mean\s*(?:\(|±|\+/-)\s*(?:sd|se|sem)\)?|"
    r"median\s*[(\[]\s*(?:iqr|range|q1[-,;]\s*q3|min[-,]\s*max)\s*[)\]]|"
    r"mean\s*\(95%\s*ci\)|(?:mean|median)|n\s*\(%\)\s*/\s*mean.*)\s*$", re.IGNORECASE)
_N_ONLY = re.compile(r"^[(\[]?\s*(?:[nN]|No\.)\s*=\s*[\d,\s\u2009]+[)\]]?$")
_BULLET = re.compile(r"^[\s•·\-–—*▪◦‣∙]+")
_VERSUS = re.compile(r"(.+?)\s+(?:versus|vs\.?|v\.?|compared with)\s+(.+)", re.IGNORECASE)


def label_text(text: str) -> str:
    """A stub or header as printed, without a leading bullet and with single spaces (a space
    a removed mark leaves before a comma is not printed: "Age^{*}, years" is "Age, years")."""
    # a superscript digit after a word is a note mark ("Pathogen¹"); after a unit an exponent
    text = re.sub(r"(?<=[A-Za-z]{4})[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?=\s|$|[,;:])", "", text)
    return re.sub(r"\s+([,;:.)])", r"\1", re.sub(r"\s+", " ", _BULLET.sub("", text))).strip()


_FORMAT_WORDS = re.compile(
    r"^\s*%\s+|\s*,?\s*(?<![A-Za-z])(?:\(\s*n\s*\)|n\s*\(%\)|no\.?\s*\(%\)|%\s*\(n\)|\(%\)|%|"
    r"mean\s*(?:\(\s*sd\s*\)|±\s*sd|\(\s*se\s*\))|median\s*[(\[]\s*(?:iqr|range)\s*[)\]]|"
    r"mean|median|n/n\s*\(%\))\s*$", re.IGNORECASE)


def bare(label: str) -> str:
    """A stub without the format it states: "% Male (n)" -> "Male", "Age, mean (SD)" -> "Age"."""
    text, previous = label, None
    while text != previous:
        previous = text
        text = _FORMAT_WORDS.sub("", text).strip(" ,;:")
        text = re.sub(r"\s+[-–—]$", "", text)
    return text or label


def n_of(text: str) -> str:
    """The last ``n = 141`` of ``text`` as a plain number, or ""."""
    found = _N_IN.findall(text)
    return re.sub(r"[,\u2009\u202f]", "", found[-1]) if found else ""


@dataclass(frozen=True)
class Column:
    index: int
    label: str  # the header path as printed (format-only cells left out)
    arm: str = ""
    arm_rule: str = ""
    cohort: str = ""
    denominator: str = ""
    effect: str = ""  # risk_ratio, odds_ratio, hazard_ratio, mean_difference, ...
    p: bool = False
    ci: bool = False
    grade: str = ""  # any_grade, grade12, grade3plus, ...
    population: str = ""
    adjustment: str = ""
    versus: str = ""
    formats: tuple[str, ...] = ()
    related: bool = False  # "treatment-related", "drug-related"
    notes: str = ""  # the footnotes its header's marks point to
    extra: str = ""  # header words naming neither the arm nor the statistic (a subgroup, a time)
    n_column: bool = False  # prints each row's number of patients ("Total patients", "n")
    time: str = ""  # a time or stage heading above it ("Final Assessment", "Week 12")

    @property
    def between(self) -> bool:
        """A column of statistics between arms (an effect, its CI, a P value)."""
        return bool(self.effect or self.p or self.ci)


@dataclass(frozen=True)
class Row:
    index: int
    label: str  # the row as printed: group heading(s) and stub joined with " / "
    stub: str  # the row's own stub
    group: str  # the heading it falls under ("" when none)
    heading: bool = False  # a row that only heads the rows below (a P value beside it)
    formats: tuple[str, ...] = ()
    denominators: tuple[tuple[str, str], ...] = ()  # (arm, n) from its group row
    notes: str = ""  # the footnotes its stub's marks point to
    effect: str = ""  # the effect measure its notes name ("treatment effects are ...")
    population: str = ""  # the analysis set a row above names ("ITT sample (n = 418)")
    n_row: bool = False  # a row giving each arm's n for the rows below ("Participants with")
    partition: bool | None = None  # its group's rows share out the column (levels of one
    # characteristic: True), or do not (items of a section: False); None when unknown
    nesting: str = ""  # "sure" under two stacked group rows, "unknown" after one such block
    siblings: int = 0  # rows under the same group (itself included)
    p_heading: bool = False  # its group is a stub row printing a value its rows leave empty
    levels: bool | None = None  # its group names a variable whose levels the rows are (True),
    # a part of the table (False), or cannot be told (None); see stubs.group_verdict
    levels_why: str = ""
    time: str = ""  # the stage a full-width row above names ("Course 1"; tablerows.staged)


@dataclass
class TableView:
    table: Table
    kind: str
    caption: str
    header_rows: int
    columns: list[Column]
    rows: dict[int, Row]
    formats: tuple[str, ...]  # the caption's and unmarked notes' formats
    tests: dict[str, tuple[tuple[str, str], ...]]  # a note's mark -> (kind of value, test)
    population: str
    related: bool
    context: str  # caption, stub header and unmarked notes, folded
    effect: str = ""  # the effect measure the unmarked notes name
    count_unit: str = "patients"  # what the table's counts count
    unit_rows: bool = False  # a row's stub names a unit ("Households"): counts of two units
    stub_columns: int = field(default=0)
    unnamed_set: bool = False  # the columns count patients of a set the table does not name
    column_counts: set[str] = field(default_factory=set)  # the arm columns' n
    row_counts: dict[int, set[str]] = field(default_factory=dict)  # each row's n/N denominators
    method_tests: tuple[tuple[str, str], ...] = ()  # (kind of values or "", test) in methods
    set_rows: dict[int, Row] = field(default_factory=dict)  # rows naming a set and its n's
    method_population: str = ""  # the set the methods analyse by, for an outcome table
    stub_head: str = ""  # the stub column's own header when it names a characteristic
    several_ae: bool = False  # the paper has more than one adverse-event table
    note_sets: frozenset[str] = frozenset()  # sets read from a note's words, not its name
    method_models: tuple[tuple[str, str], ...] = ()  # (kind of outcome, model) the methods name
    caption_tests: tuple[tuple[str, str], ...] = ()  # (kind of value, test) the caption names
    subgroups: dict[int, SubgroupRow] = field(default_factory=dict)  # rows of a subgroup table

    def data_columns(self) -> list[Column]:
        return [c for c in self.columns if c.index >= self.stub_columns]

    def effect_of_p(self, col: Column) -> Column | None:
        """The effect column a P value column belongs to: the nearest effect on its left
        (else on its right)."""
        effects = [c for c in self.columns if c.effect]
        left = [c for c in effects if c.index < col.index]
        return left[-1] if left else (effects[0] if effects else None)


def is_data(text: str) -> bool:
    """The reader's test for a number, and an interval printed with "to" ("1.10 (0.70 to
    1.72)"), which a row of only between-arm values may print."""
    return _is_data(text) or _is_data(re.sub(r"(?<=\d)\s+to\s+(?=[-−–]?\d)", "-", text))


def _row_has_data(t: Table, r: int) -> bool:
    return any(is_data(t.cell_at(r, c).plain) for c in range(t.stub_columns, t.n_cols)
               if t.is_origin(r, c))


def _header_rows(t: Table) -> int:
    """The reader's header rows plus leading body rows without a number."""
    n = t.header_rows
    while n < t.n_rows and n < t.header_rows + 3 and n not in t.group_rows:
        cells = [t.cell_at(n, c).plain for c in range(t.stub_columns, t.n_cols)
                 if t.is_origin(n, c)]
        filled = [c for c in cells if c]
        if len(filled) < 2 or any(is_data(c) for c in filled):
            break
        if t.stub_columns and t.cell_at(n, 0).plain and all(_N_ONLY.match(c) for c in filled):
            break  # "ITT sample | (n = 418) | ...": the set of the rows below, not a header
        n += 1
    return n


def _column_label(t: Table, c: int, header_rows: int) -> tuple[str, tuple[str, ...]]:
    """(label, formats of format-only cells) of column ``c``."""
    parts = [p for p in t.column_labels[c].split(" / ") if p] if t.header_rows else []
    formats: list[str] = []
    for r in range(t.header_rows, header_rows):
        text = label_text(t.cell_at(r, c).plain)
        if not text:
            continue
        if _FORMAT_ONLY.match(text):
            formats.extend(cues.formats_of(text))
        elif text not in parts:
            parts.append(text)
    if parts and _FORMAT_ONLY.match(parts[-1]):
        formats.extend(cues.formats_of(parts[-1]))  # "Grade III / N" and "Grade III / %"
    formats.extend(cues.formats_of(" / ".join(parts)))
    return " / ".join(parts), tuple(dict.fromkeys(formats))


def _versus(label: str, names: Names) -> tuple[str, str]:
    m = _VERSUS.search(label)
    if not m:
        return "", ""
    arm, _ = names.arm_of_header(m.group(1))
    versus, _ = names.arm_of_header(m.group(2))
    return (arm, versus) if arm and versus and arm != versus else ("", "")


def _notes(t: Table, marks: list[str]) -> str:
    """The text of the footnotes ``marks`` point to."""
    texts = [f.text for m in dict.fromkeys(marks) for f in [t.footnote(m)] if f is not None]
    return " ".join(texts)


_GENERIC_EFFECT = re.compile(r"treatment effects?|\beffects?\b|\bdifferences?\b|\bratios?\b",
                             re.IGNORECASE)


def _column(t: Table, c: int, header_rows: int, names: Names) -> Column:
    label, formats = _column_label(t, c, header_rows)
    last = label.split(" / ")[-1] if label else ""
    if c < t.stub_columns:
        return Column(c, label, formats=formats)
    # a footnote symbol may be printed as text in the header ("Total† (n = 155)"), not in
    # the ``^{#}`` of a mark the reader found (a "^" note)
    heads = re.sub(r"\^\{[^}]*\}", " ", " ".join(t.cell_at(r, c).text for r in range(header_rows)))
    printed = [f.mark for f in t.footnotes if f.mark and not f.mark.isalnum() and f.mark in heads]
    notes = _notes(t, [m for r in range(header_rows) for m in t.cell_at(r, c).marks] + printed)
    formats = tuple(dict.fromkeys(formats + cues.formats_of(notes)))
    effect = cues.effect(label)
    if not effect and _GENERIC_EFFECT.search(label) and (
            _VERSUS.search(label) or not names.arm_of_header(label)[0]):
        effect = "unnamed"
    p = cues.is_p_header(last) and not effect
    ci = cues.is_ci_header(last)
    arm, rule = ("", "") if (effect or p or ci) else names.arm_of_header(label)
    vs_arm, versus = _versus(label, names)
    if effect and vs_arm:
        arm, rule = vs_arm, "header names the arms compared"
    cohort = next((h.name for h in names.find(fold(label), "cohort")), "") \
        if len(names.cohorts) > 1 else ""
    grade = ""
    for part in reversed(label.split(" / ")):
        grade = cues.grade(part)
        if grade:
            break
    n_column = bool(_N_COLUMN.match(label_text(last))) and _whole_numbers(t, c, header_rows)
    return Column(c, label, arm, rule, cohort, n_of(label), effect, p, ci,
                  "" if n_column else grade, named_set(label, names) or excluded_set(notes),
                  cues.adjustment_of(label), versus, formats,
                  bool(re.search(r"related|\btrae", fold(label))), notes,
                  _between_extra(label, names) if (effect or p or ci) else
                  _extra(label, arm, names) if arm and not n_column else "", n_column,
                  "" if n_column else time_heading(label))


_N_COLUMN = re.compile(r"^(?:total(?: patients| participants| n)?|n|no\.?|number(?: of (?:patients|"
                       r"participants|subjects))?(?: (?:assessed|evaluated|analy[sz]ed))?|"
                       r"patients(?: assessed| evaluated)?)$", re.IGNORECASE)


def _whole_numbers(t: Table, c: int, header_rows: int) -> bool:
    cells = [t.cell_at(r, c).plain for r in range(header_rows, t.n_rows)
             if t.is_origin(r, c) and t.cell_at(r, c).plain]
    return bool(cells) and all(re.fullmatch(r"\d[\d,]*", x) for x in cells)


_ARMISH = re.compile(r"^(?:(?:treatment|intervention|control|experimental|study|trial)\s+)?"
                     r"(?:group|arm|cohort)(?:\s+\w{1,3})?$|^total$|^all$|^overall$",
                     re.IGNORECASE)


def _extra(label: str, arm: str | None, names: Names) -> str:
    """The parts of a column's header that name neither its arm nor what it prints: a
    subgroup ("NSTE-ACS with revascularization / Clopidogrel"), a time ("6 weeks / Drug");
    ``arm`` None for a comparison's header (its parts naming arms were taken out before)."""
    out = []
    for part in label.split(" / "):
        raw = label_text(_N_IN.sub(" ", part))
        text = raw.strip(" ()[],;:")
        if not text or _FORMAT_ONLY.match(raw) or _FORMAT_ONLY.match(text) or \
                _N_ONLY.match(part.strip()) or legend_only(raw) or \
                cues.grade(text) or _ARMISH.match(text) or names.arm_of_header(part)[0] == arm:
            continue
        out.append(text)
    return " / ".join(out)


def _between_extra(label: str, names: Names) -> str:
    """Spanning header parts of an effect, CI or P column naming a subgroup or time."""
    return _extra(" / ".join(p for p in label.split(" / ")[:-1] if not (
        names.arm_of_header(p)[0] or cues.effect(p) or cues.is_p_header(p) or
        cues.is_ci_header(p) or _VERSUS.search(p))), None, names)


def _spanned_comparisons(columns: list[Column]) -> list[Column]:
    """Between-arm columns keep a spanning subgroup label only where arm columns stand under
    it too ("With PCI / Drug, Placebo, HR"), not an endpoint's ("Overall survival / HR")."""
    spans = {c.extra.split(" / ")[0] for c in columns if c.arm and c.extra}
    return [replace(c, extra="") if c.between and c.extra and (
        c.extra.split(" / ")[0] not in spans or _TIME_SPAN.search(c.extra)) else c
        for c in columns]


# a time point spanning a table's columns goes into the category (the data dictionary)
_TIME_SPAN = re.compile(r"\b(?:baseline|assessment|visit|follow[- ]up|final|end of|day|days|"
                        r"weeks?|months?|years?|hours?|discharge|admission)\b", re.IGNORECASE)


def _between_only(t: Table, r: int, columns: list[Column]) -> bool:
    """Row ``r`` holds numbers only in between-arm columns (a P value beside a heading)."""
    cells = [(columns[c], t.cell_at(r, c).plain) for c in range(t.stub_columns, t.n_cols)
             if t.is_origin(r, c)]
    data = [col for col, text in cells if is_data(text)]
    return bool(data) and all(col.between for col in data) and \
        any(not col.between for col in columns[t.stub_columns:])


_N_FOR_ARM = re.compile(r"(\d[\d,]*)\s+(?:(?:patients|participants|subjects|women|men|infants|"
                        r"children)\s+)?(?:for|in|on)\s+(?:the\s+)?([^,;.]+?)(?=\s+and\s+\d|[,;.]|$)")
# a note saying what the values are over ("The denominators are ...", "Values for LIC
# represent 52 subjects in the standard arm and 58 on the alternative arm")
_OVER_WORDS = re.compile(r"denominators?|\b(?:values?|data|results?)\b[^.;]{0,40}\b(?:represent|"
                         r"are based on|were available)", re.IGNORECASE)


def _denominators(text: str, names: Names) -> tuple[tuple[str, str], ...]:
    """(arm, n) pairs a group row or a note states: "n=266 in the twice-daily group; n=263
    in the once-daily group", "The denominators are 266 for progesterone and 265 for
    placebo", "Values represent 52 subjects in the standard arm and 58 on the other"."""
    out = []
    for part in re.split(r"[;,]", text):
        n = n_of(part)
        if not n:
            continue
        arm, _ = names.arm_of_header(part)
        if arm:
            out.append((arm, n))
    if not out and _OVER_WORDS.search(text):
        for m in _N_FOR_ARM.finditer(text):
            arm, _ = names.arm_of_header(m.group(2))
            if arm:
                out.append((arm, m.group(1).replace(",", "")))
    return tuple(out)


def _format_row(t: Table, r: int) -> tuple[str, ...]:
    """The formats a body row without numbers states for the rows below ("N (%)")."""
    cells = [label_text(t.cell_at(r, c).plain) for c in range(t.stub_columns, t.n_cols)
             if t.is_origin(r, c)]
    filled = [c for c in cells if c]
    if filled and all(_FORMAT_ONLY.match(c) for c in filled):
        return tuple(dict.fromkeys(f for c in filled for f in cues.formats_of(c)))
    return ()


def _rows(t: Table, header_rows: int, columns: list[Column], names: Names
          ) -> tuple[dict[int, Row], dict[int, Row]]:
    rows: dict[int, Row] = {}
    set_rows: dict[int, Row] = {}
    heading = ""
    group_denoms: tuple[tuple[str, str], ...] = ()
    last_group = whole_group = ""
    running: tuple[str, ...] = ()  # formats a format-only row states for the rows below
    body = list(range(header_rows, t.n_rows))
    group_marks: list[str] = []
    set_group = ""
    set_counts: dict[str, tuple[tuple[str, str], ...]] = {}  # set -> each arm's n
    marks_of: dict[str, list[str]] = {}  # heading path -> the marks of its heading rows
    outer, nesting, previous_group_row = "", "", -2
    table_denoms: tuple[tuple[str, str], ...] = ()  # "N | 216 | 221" above every heading
    for i, r in enumerate(body):
        if r in t.group_rows:
            if label_text(t.row_groups[r]).startswith(f"{last_group} / ") and last_group:
                # the reader nested it already (by the style and place of the group rows,
                # the data dictionary's reach): its paths are the rows' paths
                outer, nesting = "", ""
            elif previous_group_row == r - 1 and last_group:
                outer, nesting = last_group, "sure"  # two group rows stacked: nested
            elif nesting:
                # a later group row: under the same outer heading or not (flagged)
                nesting = "unknown"
            previous_group_row = r
            heading, running, set_group = "", (), ""
            group_denoms = _denominators(t.row_groups[r], names)
            last_group = label_text(t.row_groups[r])
            whole_group = last_group if section_heading(t, r) else whole_group
            if named_here := set_heading(last_group.split(" / ")[-1]):  # rows under "ITT"
                set_group, set_rows[r] = last_group, Row(r, last_group, last_group, "", True,
                                                         (), group_denoms, "", "", named_here)
            # a nested heading's rows read the notes of every heading above them too
            # ("Psychological Health ## / Quality of life domains / Vitality")
            group_marks = marks_of.get(last_group.rpartition(" / ")[0], []) + \
                [m for c in range(t.n_cols) if t.is_origin(r, c) for m in t.cell_at(r, c).marks]
            marks_of[last_group] = group_marks
            continue
        if not _row_has_data(t, r):
            running = _format_row(t, r) or running
            named = _set_row(t, r, columns, names)
            if named is not None:
                set_rows[r] = named
                set_group, group_denoms, heading = named.stub, named.denominators, ""
            continue
        group = label_text(t.row_groups[r])
        if group != last_group:
            heading, last_group, group_marks = "", group, list(marks_of.get(group, []))
            group_denoms = () if not set_group else group_denoms
        marks = group_marks + [m for c in range(max(1, t.stub_columns))
                               for m in t.cell_at(r, c).marks]
        notes = _notes(t, marks)
        denoms = group_denoms or _denominators(notes, names) or table_denoms
        parts = [label_text(p) for p in t.row_labels[r].split(" / ")] if t.row_labels[r] \
            else []
        parts = [p for p in parts if p]
        if group and len(parts) > 1 and (
                bare(parts[-1]) != parts[-1] and bare(parts[-2]) != parts[-2]
                or counts_group(parts[-2]) and summary_row(t, r, columns)):
            # "Race, n (%)" heads its levels; "Duration of infertility (years), mean (SD)",
            # which states a format of its own, is a characteristic of its own: no level of
            # the heading (its category is its own stub), though the heading still stands
            # in its row path (the data dictionary's reach: up to the next heading)
            own_path, group = True, ""
        else:
            own_path = False
        if whole_group and not group and parts and parts[0] != whole_group and \
                t.stub_columns <= 1:
            parts = [whole_group, *parts]  # a flush-left row under a full-width heading
        if set_group and parts and parts[0] != set_group:
            parts = [set_group, *parts]  # under "ITT sample (n = 418)"
        if nesting and group and parts and parts[0] != outer:
            parts = [outer, *parts]  # "Surgical procedure / Lower oesophageal / Total ..."
        stub = parts[-1] if parts else ""
        own_label = " / ".join(parts)
        set_population = set_rows[max(set_rows)].population if set_group and set_rows else ""
        if _between_only(t, r, columns) and i + 1 < len(body) and body[i + 1] not in \
                t.group_rows and not _between_data(t, body[i + 1], columns):
            rows[r] = Row(r, own_label, stub, " / ".join(parts[:-1]), True,
                          cues.formats_of(f"{stub} {notes}") + running, denoms, notes,
                          cues.effect(notes), set_population)
            heading = stub
            continue
        if heading and _between_data(t, r, columns):
            heading = ""  # a row with its own P value stands on its own
        n_row = counts_row(t, r, columns, stub)
        stub_set = named_set(stub, names) if len(parts) > 1 else ""
        if stub_set and not n_row and N_STUB.match(parts[-2]) and counts_only(t, r, columns):
            # "Number of patients / ITT 120 120": the n of each arm in a set the rows
            # below name again ("ICU mortality / ITT 18 (15.0%)"), not of the rows below
            n_row, set_counts[stub_set] = True, arm_cells(t, r, columns)
            rows[r] = Row(r, " / ".join(parts), stub, " / ".join(parts[:-1]), False,
                          (), (), notes, "", stub_set, True)
            continue
        if stub_set in set_counts and not denoms:
            denoms = set_counts[stub_set]
        if n_row:
            group_denoms = arm_cells(t, r, columns)
            table_denoms = group_denoms if not (group or set_group) else table_denoms
        if heading:
            parts = parts[:-1] + [heading, stub] if parts else [heading]
        inner = [p for p in parts[:-1] if p != set_group and not own_path]  # (no set rows)
        rows[r] = Row(r, " / ".join(parts), stub, " / ".join(inner), False,
                      tuple(dict.fromkeys(cues.formats_of(stub) + cues.formats_of(
                          f"{' '.join(parts)} {notes}"))) + running, denoms,
                      notes, cues.effect(notes), set_population, n_row,
                      nesting=nesting if group else "", p_heading=bool(heading))
    return _with_partitions(t, rows, columns), set_rows


def _with_partitions(t: Table, rows: dict[int, Row], columns: list[Column]) -> dict[int, Row]:
    """Each grouped row with what its group's rows print together: whether they share out
    the column (:func:`.stubs.partition`), and the verdict on the heading: a variable whose
    levels the rows are, or a part of the table (:func:`.stubs.group_verdict`). A group whose
    first rows share out the column and whose later rows do not is read as two: the levels,
    then rows of their own."""
    by_group: dict[str, list[int]] = {}
    for r, row in rows.items():
        if row.group and not row.heading and not row.n_row:
            by_group.setdefault(row.group, []).append(r)
    data = columns[t.stub_columns:]
    arms = [(c.index, c.denominator) for c in data if c.arm and not c.between] or \
        [(c.index, c.denominator) for c in data if not c.between and not c.n_column]
    between = [c.index for c in data if c.between]
    out = dict(rows)
    for group, members in by_group.items():
        partition = stubs.partition(t, members, arms)
        k = stubs.leading_levels(t, members, arms) if partition is False and \
            stubs.may_lead(group.split(" / ")[-1]) else 0
        for part, share in ((members[:k], True), (members[k:], None)) if k else \
                ((members, partition),):
            found = stubs.group_verdict(
                group.split(" / ")[-1],
                [stubs.member(t, r, rows[r].stub, [a for a, _ in arms], between) for r in part],
                share, any(rows[r].p_heading for r in part), " / " in group)
            for r in part:
                out[r] = replace(out[r], siblings=len(part), partition=share,
                                 levels=found.levels, levels_why=found.why)
    return out


def _set_row(t: Table, r: int, columns: list[Column], names: Names) -> Row | None:
    """A row naming an analysis set with each arm's n ("ITT sample | (n = 418) | ...")."""
    stub = label_text(t.cell_at(r, 0).plain) if t.n_cols else ""
    cells = [(columns[c], t.cell_at(r, c).plain) for c in range(t.stub_columns, t.n_cols)
             if t.is_origin(r, c) and t.cell_at(r, c).plain]
    if not stub or not cells or not all(_N_ONLY.match(text) for _, text in cells):
        return None
    denoms = tuple((col.arm, n_of(text)) for col, text in cells if col.arm)
    notes = _notes(t, list(t.cell_at(r, 0).marks))
    population = named_set(stub, names) or cues.population_of(notes)
    return Row(r, stub, stub, "", True, (), denoms, notes, "", population)


def _between_data(t: Table, r: int, columns: list[Column]) -> bool:
    return any(columns[c].between and is_data(t.cell_at(r, c).plain)
               for c in range(t.stub_columns, t.n_cols) if t.is_origin(r, c))


def _tests(t: Table) -> dict[str, tuple[tuple[str, str], ...]]:
    """{mark ("" for the unmarked notes): (kind of value, test) of each test named}."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for note in t.footnotes:
        if found := caption_tests(note.text):
            out[note.mark] = tuple(dict.fromkeys(out.get(note.mark, ()) + found))
    return out


_COUNTED = (("infants", r"\b(?:neonatal|infants?|newborns?|bab(?:y|ies))\b"),
            ("devices", r"\b(?:devices?|catheters?|cannulae?|ivds?)\b"),
            ("episodes", r"\bepisodes?\b"), ("lesions", r"\blesions?\b"))


def _count_unit(caption: str) -> str:
    """What a table's counts count, as its caption says (patients unless it names another)."""
    low = fold(caption)
    return next((unit for unit, pattern in _COUNTED if re.search(pattern, low)), "patients")


# a stub column's header naming no characteristic ("Characteristic | Classification")
_GENERIC_HEAD = re.compile(
    r"^(?:|characteristics?|variables?|parameters?|factors?|items?|outcomes?(?: measures?)?|"
    r"measures?|end ?points?|(?:adverse )?events?|toxicit(?:y|ies)|symptoms?|"
    r"(?:sub-?)?categor(?:y|ies)|patients?|subgroups?|baseline characteristics?|demographics?|"
    r"features?|response|results?|group|arm|treatment|variable|classifications?|levels?|values?|"
    r"descriptions?)$", re.IGNORECASE)


def view(t: Table, names: Names) -> TableView:
    """The :class:`TableView` of table ``t`` for a trial with ``names``."""
    header_rows = _header_rows(t)
    columns = pooled_set(_spanned_comparisons([_column(t, c, header_rows, names)
                                               for c in range(t.n_cols)]))
    notes = " ".join(n.text for n in t.footnotes if not n.mark)
    stub_head = " ".join(t.column_labels[:t.stub_columns])
    headers = " ".join(c.label for c in columns)
    kind = cues.kind_of(t.caption, f"{stub_head} {headers}")
    if kind != "ae" and sum(bool(c.grade) for c in columns) >= 2:
        kind = "ae"
    population = named_set(t.caption, names) or cues.population_of(without_glossary(notes)) or \
        excluded_set(notes)
    related = bool(re.search(r"treatment[- ]related|drug[- ]related|related to|\btraes?\b",
                             fold(t.caption)))
    counts = _count_unit(t.caption)
    rows, set_rows = _rows(t, header_rows, columns, names)
    parts = [label_text(c.label) for c in columns[:t.stub_columns] if c.label]
    head = "" if all(_GENERIC_HEAD.match(bare(p)) for p in parts) else bare(" / ".join(parts))
    return TableView(t, kind, t.caption, header_rows, columns, tablerows.staged(rows),
                     cues.formats_of(f"{t.caption} {notes}"), _tests(t), population, related,
                     fold(f"{t.caption} {stub_head} {notes}"), stub_columns=t.stub_columns,
                     effect=cues.effect(notes), count_unit=counts, set_rows=set_rows,
                     stub_head=head, caption_tests=caption_tests(t.caption),
                     unit_rows=any(cues.unit_stub(r.stub) for r in rows.values()),
                     subgroups=subgroup_rows(t, rows, columns, kind),
                     note_sets=frozenset(filter(None, [excluded_set(notes), *(
                         excluded_set(c.notes) for c in columns)])))
