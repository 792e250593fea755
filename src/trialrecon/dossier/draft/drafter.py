"""Drafting a dossier from a source text: one row per printed number, labelled by rules.

The text is cut into units (a sentence of a section, a table cell, a footnote, a figure
legend); :func:`~trialrecon.dossier.draft.numbers.find_items` finds the numbers of each
unit and the statistic their pattern implies; the lexicon (:mod:`.lexicon`) proposes the
quantity from the words around the number (in a table: the row's stub, then the column's
header, then the title), and the trial's cohort and arm names propose the cohort and arm
(a column header; the cohort named right after the number; "respectively" lists; the
section heading; the pooled cohort as the fallback). Every proposal carries the rule that
made it and a confidence; a row whose quantity no rule proposes is flagged
``needs_review``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from trialrecon.dossier import MAX_ANCHOR_WORDS
from trialrecon.dossier.draft.layout import (
    TOP_SECTIONS,
    Heading,
    Layout,
    Row,
    Table,
    parse_layout,
)
from trialrecon.dossier.draft.lexicon import Hit, Lexicon, Names, best_hit, lexicon
from trialrecon.dossier.draft.normalise import fold, normalise
from trialrecon.dossier.draft.numbers import Item, find_items

_SENTENCE_END = re.compile(r"(?<!\bvs\.)(?<!\bv\.)(?<!\bNo\.)(?<!\bFig\.)(?<!\bal\.)(?<!\be\.g\.)"
                           r"(?<!\bi\.e\.)(?<!\bRef\.)(?<!\bref\.)(?<=[.!?])\s+(?=[A-Z(\[])")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_N_HEADER = re.compile(r"\(\s*[nN]\s*=\s*(\d+)\s*\)")
_FOOTMARK = re.compile(r"\s*\^\{?([a-z])\}?\s*$")
_TIME = re.compile(r"\b(months?|years?|weeks?|days?)\b", re.IGNORECASE)


@dataclass
class Unit:
    """A piece of text whose numbers are drafted together."""

    text: str  # markup removed, case and signs as printed
    origin: tuple[int, ...]  # offset in the source text of each character
    location: str
    heading: str = ""
    row: str = ""
    column: str = ""
    context: str = ""  # table: stub, header and title words (folded)
    column_context: str = ""
    table_context: str = ""
    footnote: str = ""
    header_n: str = ""
    anchor: str = ""  # table cells: the row's cells as printed up to this one
    percent_first: bool = False  # the table prints "% (n)"
    external: bool = False  # a sentence citing another study (Introduction, Discussion)
    # where its numbers are another study's (source offsets) and the words naming it
    external_spans: tuple[tuple[int, int, str], ...] = ()  # (otherstudies.py)


@dataclass
class Proposal:
    value: str
    rule: str
    confidence: float


@dataclass
class Draft:
    """One drafted row: the dossier's columns plus where it came from and how sure it is."""

    fields: dict[str, str]
    offset: int  # where the number stands in the source text
    rules: list[str] = field(default_factory=list)
    confidence: float = 0.0
    needs_review: bool = False
    item: Item | None = None  # the number as the pattern read it (sentences: its place)


# ------------------------------------------------------------------------------- units


def _clean(text: str, start: int) -> tuple[str, tuple[int, ...]]:
    norm = normalise(text, lower=False, signs=False)
    return norm.text, tuple(start + o for o in norm.offsets)


def _title(heading: str) -> str:
    letters = [c for c in heading if c.isalpha()]
    if letters and (all(c.isupper() for c in letters) or all(c.islower() for c in letters)):
        small = {"and", "of", "the", "in", "for", "with", "or", "to", "a"}
        words = heading.lower().split()
        return " ".join(w if (i and w in small) else w[:1].upper() + w[1:]
                        for i, w in enumerate(words))
    return heading


_METHODS = ("methods", "patients and methods", "materials and methods", "study design")


def _section(path: tuple[Heading, ...]) -> Heading:
    """The heading a row's location names: the innermost, or its level-1 parent.

    A guessed (plain-text) sub-heading under Abstract, Results or Discussion is most often a
    table caption or a run-in head the conversion set apart, so the section is named; under
    Methods the sub-headings are the CONSORT items (participants, interventions, outcomes,
    sample size, statistical methods) and name the place.
    """
    inner = path[-1]
    if inner.explicit or inner.level == 1 or len(path) < 2:
        return inner
    parent = next((h for h in reversed(path[:-1]) if h.level == 1), None)
    if parent is None or fold(parent.title).strip(" :") in _METHODS:
        return inner
    return parent if fold(parent.title).strip(" :") in TOP_SECTIONS else inner


def _sentences(text: str, origin: tuple[int, ...]) -> Iterator[tuple[str, tuple[int, ...]]]:
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        yield text[pos:m.start()], origin[pos:m.start()]
        pos = m.end()
    yield text[pos:], origin[pos:]


def _paragraphs(layout: Layout) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of text lines: a paragraph, a footnote, a legend, a title.

    Lines wrapped inside a paragraph are joined; a heading, a blank line, a table row or the
    start of a table's title, footnote or legend ends the run.
    """
    breaks = {h.start for h in layout.headings}
    for t in layout.tables:
        breaks.add(t.title_span[0])
        breaks.update(n.start for n in t.footnotes)
        breaks.update(r.start for r in t.rows)
    breaks.update(g.start for g in layout.legends)
    start = end = None
    for line in layout.lines:
        plain = line.text.strip() and line.start not in {h.start for h in layout.headings} \
            and not any(r.start == line.start for t in layout.tables for r in t.rows)
        if start is not None and (not plain or line.start in breaks):
            yield start, end  # type: ignore[misc]
            start = None
        if plain:
            if start is None:
                start = line.start
            end = line.end
    if start is not None:
        yield start, end  # type: ignore[misc]


def _text_units(layout: Layout, lex: Lexicon) -> Iterator[Unit]:
    for start, end in _paragraphs(layout):
        table = layout.table_at(start)
        legend = layout.legend_at(start)
        path = layout.heading_path(start)
        if any(lex.skipped(h.title) for h in path):
            continue
        heading = _title(_section(path).title) if path else "Title"
        if table is not None:
            if start == table.title_span[0]:
                location = f"{table.name} title"
            else:
                note = next((n for n in table.footnotes if n.start == start), None)
                if note is None or not note.mark:
                    continue  # rows are drafted cell by cell; unmarked notes hold no data
                location = f"{table.name} footnote {note.mark}"
        elif legend is not None:
            location = f"Figure {legend.number} legend"
        else:
            location = heading
        text, origin = _clean(layout.text[start:end], start)
        for sentence, offsets in _sentences(text, origin):
            if re.search(r"\d|not reached|not estimable", sentence, re.IGNORECASE):
                yield Unit(sentence, offsets, location, heading=heading)


def _header_labels(table: Table, body_from: int, col: int) -> list[str]:
    """The header cells above column ``col`` (a spanning header first)."""
    labels = []
    for row in table.rows[:body_from]:
        k = col
        while k > 0 and k < len(row.cells) and not row.cells[k]:
            k -= 1  # a spanning header stands in the first column it spans
        if k < len(row.cells) and row.cells[k] and k > 0:
            labels.append(row.cells[k])
    return labels


def _is_header_row(row: Row) -> bool:
    filled = [c for c in row.cells[1:] if c]
    return bool(filled) and not any(re.match(r"^[<>=~≤≥]?\s*[-−]?\.?\d", c) for c in filled) \
        and all(len(c.split()) <= 5 for c in filled)


def _table_units(table: Table) -> Iterator[Unit]:
    body_from = 0
    while body_from < len(table.rows) and _is_header_row(table.rows[body_from]):
        body_from += 1
    # the title and the stub's own header ("Grade 3/4 AE", "Efficacy Parameter") say what
    # the table counts
    title = fold(" ".join([table.title] + [r.cells[0] for r in table.rows[:body_from]]))
    for i, row in enumerate(table.rows[:body_from]):
        for k, cell in enumerate(row.cells):
            m = _N_HEADER.search(cell)
            if m and k > 0:
                labels = _header_labels(table, i, k) + [cell]
                text, origin = _clean(cell, row.spans[k][0])
                yield Unit(text, origin, table.name, column=" / ".join(labels),
                           column_context=fold(" ".join(labels)), table_context=title,
                           header_n=m.group(1), anchor=text)
    group: list[str] = []
    carried: dict[int, str] = {}
    above = ""
    for row in table.rows[body_from:]:
        if _is_header_row(row):
            group = [row.cells[0]] if row.cells[0] else []
            continue
        data = [c for c in row.cells[1:] if c]
        if group and re.search(r"\(range\)|\(%\)|\(95%|\bmedian\b|\bmean\b|, no\.|rate\b",
                               fold(row.cells[0])):
            group = []  # a row that says its own statistic stands at the top level
        if not data or not any(re.search(r"\d", c) for c in row.cells[1:]):
            group = [" ".join(c for c in row.cells if c)]
            carried = {}
            above += " " + fold(group[0])
            continue
        stub_cells = [k for k, c in enumerate(row.cells) if c and not re.search(r"\d", c)
                      and k < 2] or [0]
        for k in stub_cells:
            carried = {j: v for j, v in carried.items() if j < k}
            carried[k] = row.cells[k]
        stub = [carried[j] for j in sorted(carried) if carried[j]]
        label = " / ".join(group + stub)
        first_data = max(stub_cells) + 1
        for k in range(first_data, len(row.cells)):
            cell = row.cells[k]
            if not re.search(r"\d|not reached|NR|NE", cell):
                continue
            labels = _header_labels(table, body_from, k)
            header = " / ".join(labels)
            header_n = next((m.group(1) for lab in labels for m in [_N_HEADER.search(lab)] if m),
                            "")
            mark = _FOOTMARK.search(cell)
            text, origin = _clean(_FOOTMARK.sub("", cell), row.spans[k][0])
            printed = [_FOOTMARK.sub("", c) for c in row.cells[first_data:k + 1] if c.strip()]
            words = stub + printed
            while sum(len(w.split()) for w in words) > MAX_ANCHOR_WORDS and len(words) > 1:
                words = words[1:]
            # counted again as the validator counts (any white space): the cell's words
            # stay, the stub's first words go
            anchor = " ".join(normalise(" ".join(words), lower=False, signs=False)
                              .text.split()[-MAX_ANCHOR_WORDS:])
            yield Unit(text, origin, table.name, row=label, column=header,
                       context=fold(label), column_context=fold(header),
                       table_context=title + above, footnote=mark.group(1) if mark else "",
                       header_n=header_n, anchor=anchor)
        above += " " + fold(label)


# ------------------------------------------------------------------------------ labels


def _quantity(lex: Lexicon, unit: Unit, item: Item, folded: str,
              group_end: int | None = None) -> Proposal:
    """The quantity proposed for ``item``, with its rule and confidence."""
    if unit.header_n:
        if not unit.row:  # a column header "(n = 55)"
            safety = re.search(r"\b(ae|aes|adverse|toxicit)", unit.table_context)
            return Proposal("safety_population" if safety else "", "header-n", 0.7)
    for context, rule, conf in ((unit.context, "stub", 0.9), (unit.column_context, "header", 0.8),
                                (unit.table_context, "table", 0.6)):
        if not context:
            continue
        hits = [h for h in lex.hits(context) if _fits(lex, h.name, item)]
        if hits:
            hit = max(hits, key=lambda h: (len(h.term), h.end))
            return Proposal(hit.name, f"{rule}-term '{hit.term}'", conf)
    hits = [h for h in lex.hits(folded) if _fits(lex, h.name, item)]
    best = best_hit(hits, item.start, item.end, group_end)
    if best is None:
        return Proposal("", "no-term", 0.0)
    hit, score = best
    conf = 0.8 if score < 20 else 0.6 if score < 60 else 0.4
    return Proposal(hit.name, f"text-term '{hit.term}'", conf)


def _fits(lex: Lexicon, quantity: str, item: Item) -> bool:
    """Dates take date quantities, versions criteria_version, other numbers neither."""
    kind = lex.statistic(quantity)
    if item.statistic == "date":
        return kind == "date"
    if item.statistic == "label":
        return quantity == "criteria_version"
    return kind not in ("date", "label")


def _ratio(lex: Lexicon, unit: Unit, folded: str, item: Item, quantity: str) -> str:
    """``pfs_hr`` or ``os_hr`` when the estimate is a hazard ratio, else ``quantity``."""
    before = folded[max(0, item.start - 70):item.start]
    ctx = f"{unit.context} {unit.column_context}"
    if not (re.search(r"\b(hr|hazard ratio)\b", before) or re.search(r"\bhr\b", ctx)):
        return quantity
    scope = f"{ctx} {folded[:item.start]} {unit.table_context} {unit.heading.lower()}"
    os_at = max((m.end() for m in re.finditer(r"\b(overall survival|os|death)\b", scope)),
                default=-1)
    pfs_at = max((m.end() for m in re.finditer(
        r"\b(progression|pfs|ttp|progression-free)\b", scope)), default=-1)
    # the duration of response named last: the responders' HR, not a PFS one
    dor_at = max((m.end() for m in re.finditer(
        r"\b(duration of (?:objective )?response|response duration|dor)\b", scope)), default=-1)
    if dor_at > max(os_at, pfs_at):
        return "dor_hr"
    return "os_hr" if os_at > pfs_at else "pfs_hr"


# a whole number of people as printed: "185 patients", "Fifty-five eligible patients", "n = 120"
_PEOPLE_AFTER = re.compile(r"\s*(?:[a-z-]+\s+)?(?:patients|participants|subjects|women|men|"
                           r"children|infants|people|persons|individuals)\b")
_N_BEFORE = re.compile(r"\bn\s*=\s*$")


def _statistic(lex: Lexicon, item: Item, quantity: str, unit: Unit, before: str,
               after: str = "") -> str:
    stat, ctx = item.statistic, f"{unit.context} {unit.column_context} {before[-60:]}"
    if stat in ("pair_low", "pair_high"):
        side = stat.split("_")[1]
        ci = re.search(r"\b(ci|confidence)\b", ctx) or (
            "range" not in ctx and (item.unit == "percent" or quantity.endswith("_hr")))
        return ("ci_" if ci else "range_") + side
    if stat not in ("estimate", "value"):
        return stat
    if quantity.endswith("_hr"):
        return "estimate"
    if item.unit == "percent" or (not item.unit and "%" in unit.column_context + unit.context
                                  and "no." not in unit.context and not item.marker):
        return "percent"
    if re.search(r"\bmedian\b", ctx):
        return "median"
    if re.search(r"\bmean\b", ctx):
        return "mean"
    default = lex.statistic(quantity)
    if item.value.isdigit() and not item.unit and default in ("count", "value") and (
            _PEOPLE_AFTER.match(after) or _N_BEFORE.search(before)):
        return "count"
    if default == "count" and (not item.value or not item.value.isdigit()):
        return "value"
    return default if default in ("count", "median", "value") else "value"


def _unit(lex: Lexicon, item: Item, statistic: str, quantity: str, sentence: str) -> str:
    if statistic == "percent":
        return "percent"
    if statistic == "p_value":
        return "probability"
    if statistic in ("date", "label"):
        return "date" if statistic == "date" else "none"
    if quantity.endswith("_hr"):
        return "ratio"
    if item.unit and item.unit not in ("probability",):
        return item.unit
    if statistic == "count":
        return "events" if quantity == "pfs_events" else "patients"
    default = lex.unit(quantity) if quantity else "none"
    if default in ("months", "years", "weeks", "days"):
        after = _TIME.search(sentence[item.end:item.end + 80])
        before = _TIME.search(sentence[max(0, item.start - 60):item.start])
        found = after or before
        if found:
            word = found.group(1).lower()
            return word if word.endswith("s") else word + "s"
    return default


def _mentions(names: Names, folded: str, kind: str) -> list[Hit]:
    return names.find(folded, kind)


def _assign(items: list[Item], hits: list[Hit], folded: str) -> dict[int, tuple[str, str, float]]:
    """{item index: (id, rule, confidence)} from the mentions around each number."""
    out: dict[int, tuple[str, str, float]] = {}
    if not hits:
        return out
    heads = [i for i, it in enumerate(items) if it.statistic not in
             ("ci_low", "ci_high", "pair_low", "pair_high", "p_value", "range_high")]
    resp = _RESPECTIVELY.search(folded)
    if resp and heads:
        tail = [h for h in hits if h.start > items[heads[-1]].end]
        groups = sorted({items[i].group for i in heads})
        ids = [h.name for h in tail]
        if len(ids) == len(groups):
            for i, it in enumerate(items):
                if it.group in groups:
                    out[i] = (ids[groups.index(it.group)], "respectively", 0.8)
            return out
    for i, it in enumerate(items):
        nxt = next((items[j].start for j in range(i + 1, len(items))
                    if items[j].group != it.group), len(folded))
        after = [h for h in hits if h.start >= it.end and h.start < nxt and h.start - it.end < 40]
        before = [h for h in hits if h.end <= it.start]
        if after:
            out[i] = (after[0].name, f"after '{after[0].term}'", 0.8)
        elif before:
            out[i] = (before[-1].name, f"before '{before[-1].term}'", 0.7)
    return out


def _sided(before: str) -> str:
    """one_sided or two_sided when the words just before the number say so."""
    m = re.findall(r"\b(one|1|two|2)[- ]sided\b", before[-80:])
    return "" if not m else "one_sided" if m[-1] in ("one", "1") else "two_sided"


def _category(lex: Lexicon, quantity: str, unit: Unit) -> str:
    stub = unit.row.split(" / ")[-1] if unit.row else ""
    if quantity == "best_response" and stub:
        return lex.response_category(stub)
    if quantity in lex.stub_categories and stub:
        return stub  # the term, site, treatment or stratum as the table prints it
    if quantity == "ecog":
        m = re.search(r"\b(\d)\b", stub or unit.context)
        return m.group(1) if m else ""
    return ""


# ------------------------------------------------------------------------------- draft


class _Anchors:
    """The words of a unit and the extent of each group of numbers, found once per unit (a
    sentence of 2,000 numbers would otherwise be split into words 2,000 times)."""

    def __init__(self, unit: Unit, items: list[Item]):
        self.unit = unit
        self.words = [(m.start(), m.end()) for m in re.finditer(r"\S+", unit.text)]
        self.starts = [s for s, _ in self.words]
        self.ends = [e for _, e in self.words]
        self.spans: dict[int, tuple[int, int]] = {}
        for it in items:
            a, b = self.spans.get(it.group, (it.start, it.end))
            self.spans[it.group] = (min(a, it.start), max(b, it.end))

    def anchor(self, item: Item) -> str:
        """Up to :data:`MAX_ANCHOR_WORDS` words around the item's group, two before for one
        after."""
        unit, words = self.unit, self.words
        if unit.anchor:
            return unit.anchor
        a, b = self.spans[item.group]
        lo, hi = bisect.bisect_right(self.ends, a), bisect.bisect_left(self.starts, b) - 1
        if lo > hi:  # no word overlaps the group
            return unit.text[a:b]
        while hi - lo + 1 < MAX_ANCHOR_WORDS and (lo > 0 or hi < len(words) - 1):
            if lo > 0:
                lo -= 1
            room = hi - lo + 1 < MAX_ANCHOR_WORDS and hi < len(words) - 1
            if room and (lo == 0 or (hi - lo) % 3 == 2):  # two words before for one after
                hi += 1
        while hi - lo + 1 > MAX_ANCHOR_WORDS:
            lo += 1
        return unit.text[words[lo][0]:words[hi][1]]


_RATIO = re.compile(r"(?<![\d.:])(\d{1,2})\s?:\s?(\d{1,2})(?:\s?:\s?(\d{1,2}))?(?![\d:])")
_RATIO_WORDS = re.compile(r"random|allocat|assign|ratio", re.IGNORECASE)


def ratio_items(text: str, taken: list[Item]) -> list[Item]:
    """The parts of an allocation ratio ("randomised 1:1", "in the ratio 7 : 7 : 4"), which
    the number patterns leave out (a ratio is no single number)."""
    out: list[Item] = []
    for n, m in enumerate(_RATIO.finditer(text)):
        near = text[max(0, m.start() - 60):m.end() + 40]
        if not _RATIO_WORDS.search(near) or any(it.start < m.end() and m.start() < it.end
                                                for it in taken):
            continue
        for k in range(1, 4):
            if m.group(k):
                out.append(Item(m.group(k), "value", m.start(k), m.end(k),
                                group=10_000 + n, pattern="allocation ratio"))
    return out


def draft_unit(unit: Unit, names: Names, lex: Lexicon, source_id: str) -> list[Draft]:
    """The draft rows of one unit of text."""
    items = find_items(unit.text, unit.percent_first, prose=not unit.row and not unit.column)
    if not unit.row and not unit.column:
        items = sorted(items + ratio_items(unit.text, items), key=lambda i: i.start)
    if not items:
        return []
    folded = fold(unit.text)
    cohorts = _assign(items, _mentions(names, folded, "cohort"), folded)
    arms = _assign(items, _mentions(names, folded, "arm"), folded) if names.arms else {}
    col_cohort = names.find(unit.column_context, "cohort") if unit.column_context else []
    col_arm = names.find(unit.column_context, "arm") if unit.column_context else []
    head_cohort = names.find(fold(unit.heading), "cohort")
    out, group_quantity = [], {}
    # an arm or cohort named in the header ("Twice-daily radiotherapy") says whose number it
    # is, not what it counts: its words are not read for the quantity
    masked = unit.column_context
    for hit in col_cohort + col_arm:
        masked = masked[:hit.start] + " " * (hit.end - hit.start) + masked[hit.end:]
    q_unit = replace(unit, column_context=masked) if masked != unit.column_context else unit
    # so is an arm named in the sentence ("273 to receive once-daily chemoradiotherapy"),
    # a pooled arm's words aside ("a total of 160 patients" counts them)
    q_folded, randomized = folded, {a.ident for a in names.randomized_arms}
    for hit in _mentions(names, folded, "arm") if names.arms else []:
        if hit.name not in randomized:
            continue
        q_folded = q_folded[:hit.start] + " " * (hit.end - hit.start) + q_folded[hit.end:]
    anchors = _Anchors(unit, items)
    group_ends: dict[int, int] = {}
    for it in items:
        group_ends[it.group] = max(group_ends.get(it.group, it.end), it.end)
    first_date = min((it.start for it in items if it.statistic == "date"), default=-1)
    for i, item in enumerate(items):
        q = _quantity(lex, q_unit, item, q_folded, group_ends.get(item.group))
        if item.group in group_quantity and item.statistic != "p_value":
            q = group_quantity[item.group]
        elif item.statistic == "p_value" and out and not unit.row:
            previous = out[-1].fields["quantity"]  # the P value of the estimate before it
            q = Proposal(previous, "p value of the preceding estimate", 0.6) if previous else q
        quantity = _ratio(lex, unit, folded, item, q.value)
        if item.pattern == "events over n" and item.statistic == "count" and not item.denominator:
            quantity = "randomized" if names.arms else "enrolled"
        if unit.header_n and not unit.row:
            quantity = q.value or ("randomized" if names.arms else "enrolled")
        if names.arms and quantity == "enrolled":
            quantity = "randomized"  # a randomized trial's cohorts are counted at randomization
        if item.statistic == "date" and quantity in ("enrollment_start", "enrollment_end"):
            quantity = "enrollment_start" if item.start == first_date else "enrollment_end"
        q = Proposal(quantity, q.rule, q.confidence)
        group_quantity.setdefault(item.group, q)
        statistic = _statistic(lex, item, quantity, unit, folded[:item.start],
                               folded[item.end:item.end + 40])
        if col_cohort:
            cohort = (col_cohort[0].name, f"column '{col_cohort[0].term}'", 0.9)
        elif i in cohorts:
            cohort = (cohorts[i][0], "cohort " + cohorts[i][1], cohorts[i][2])
        elif head_cohort:
            cohort = (head_cohort[0].name, f"heading '{head_cohort[0].term}'", 0.6)
        else:
            cohort = (names.pooled, "pooled cohort (none named)", 0.6 if names.pooled else 0.3)
        arm = ""
        if names.arms and not quantity.endswith("_hr") and statistic != "p_value":
            if col_arm:
                arm = col_arm[-1].name
            elif i in arms:
                arm = arms[i][0]
        fields = {
            "source": source_id, "location": unit.location, "row": unit.row,
            "column": unit.column, "anchor": anchors.anchor(item), "cohort": cohort[0],
            "arm": arm, "quantity": quantity, "category": _category(lex, quantity, unit),
            "statistic": statistic, "value": item.value, "comparator": item.comparator
            if item.comparator != "=" else "", "unit": _unit(lex, item, statistic, quantity,
                                                             unit.text),
            "denominator": item.denominator or (unit.header_n if statistic in
                                                ("count", "percent") and unit.row else ""),
            "marker": item.marker, "level": item.level if item.level not in ("", "95") else "",
            "footnote": unit.footnote, "subgroup": "", "supersedes": "",
            "sided": _sided(folded[:item.start]) if statistic == "p_value"
            or quantity in ("design_alpha", "significance_level") else "",
            "note": "printed in words" if item.words else "",
        }
        confidence = min(q.confidence, cohort[2]) if quantity else 0.0
        rules = [f"pattern: {item.pattern}", f"quantity: {q.rule}", f"cohort: {cohort[1]}"]
        origin = unit.origin[item.start] if item.start < len(unit.origin) else unit.origin[-1]
        out.append(Draft(fields, origin, rules, round(confidence, 2),
                         needs_review=not quantity or confidence < 0.5, item=item))
    return out


def draft_text(text: str, names: Names, source_id: str,
               progress: Callable[[int, int], None] | None = None) -> list[Draft]:
    """Every draft row of a source text, in reading order (tables where they stand)."""
    lex = lexicon()
    layout = parse_layout(text)
    units = list(_text_units(layout, lex))
    for table in layout.tables:
        units.extend(_table_units(table))
    units.sort(key=lambda u: u.origin[0] if u.origin else 0)
    drafts: list[Draft] = []
    for n, unit in enumerate(units):
        drafts.extend(draft_unit(unit, names, lex, source_id))
        if progress is not None:
            progress(n + 1, len(units))
    drafts.sort(key=lambda d: d.offset)
    return drafts
