"""Drafting from a structured document (JATS, HTML, and a PDF reader's).

- Tables are drafted by :mod:`.cells` from what each table's structure says
  (:mod:`.tableview`): header n's, every body cell, with the arms' sizes of the baseline
  table, the tests the methods name (:func:`method_tests`) and the analysis set they analyse
  by (:func:`method_population`) as context.
- Text is cut into the units of :mod:`.drafter` (a sentence of a paragraph, a table title, a
  marked table footnote, a figure caption) and labelled by :func:`.drafter.draft_unit`:
  ``location`` is the section heading as printed, ``Abstract`` for the Abstract and its
  structured parts; in the Introduction or Discussion a sentence with a citation mark is
  about another study (``external_*``). A number that is part of an arm's name ("the 3 cm
  group") is left out.
- Every sentence's row is flagged ``needs_review`` (its labels are read from the words around
  the number), unless it repeats a table cell's number and names that cell's row: then it
  takes the cell's labels, and its flag (:mod:`.crossref`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.captionsubgroup import label_subgroups
from trialrecon.dossier.draft.cells import arm_sizes, draft_table
from trialrecon.dossier.draft.cimethods import apply_ci_method
from trialrecon.dossier.draft.copyguard import guard_copies
from trialrecon.dossier.draft.crosslevels import name_unnamed_levels
from trialrecon.dossier.draft.crossref import borrow_labels, index_cells
from trialrecon.dossier.draft.document import Document, Table
from trialrecon.dossier.draft.drafter import Draft, Unit, _clean, _sentences, draft_unit
from trialrecon.dossier.draft.lexicon import Lexicon, Names, lexicon
from trialrecon.dossier.draft.methodkinds import methods_sentences, stated_kind_tests
from trialrecon.dossier.draft.methodstatements import apply_statements, read_statements
from trialrecon.dossier.draft.normalise import fold, normalise
from trialrecon.dossier.draft.numbers import HAS_NUMBER_WORD
from trialrecon.dossier.draft.otherstudies import (
    BEFORE,
    DISCUSSION,
    METHODS,
    arm_group,
    cites_result,
    external_spans,
    is_external,
    markers,
    named_study,
    next_state,
    next_study,
    own_names,
    references,
)
from trialrecon.dossier.draft.restate import index_rows, restate_rows
from trialrecon.dossier.draft.sentences import TextContext, label_sentence
from trialrecon.dossier.draft.tables import is_data
from trialrecon.dossier.draft.tableview import view
from trialrecon.dossier.draft.textnames import table_names
from trialrecon.dossier.draft.textrules import label_declared_set
from trialrecon.dossier.draft.unsure import flag_unsure, restated_tests

EXTERNAL_SECTIONS = ("introduction", "background", "discussion", "comment",
                     "research in context", "evidence before this study",
                     "implications of all the available evidence")
_BEFORE_TRIAL = ("introduction", "background")
# a sentence worth reading for numbers: digits, markers or numbers in words ("Seven hundred
# and eighty-seven women were randomly allocated")
_NUMBERISH = re.compile(r"\d|not reached|\bNR\b|\bNE\b|" + HAS_NUMBER_WORD.pattern,
                        re.IGNORECASE)
SURE_QUANTITY = ("stub-term", "header-n")


def _location(doc: Document, section: int) -> tuple[str, str, str]:
    """(location, heading, top heading) of a block in section ``section``."""
    path = doc.section_path(section)
    if not path:
        return "Title", "", ""
    if path[0].kind == "abstract":
        return "Abstract", path[-1].heading, "abstract"
    return path[-1].heading, path[-1].heading, path[0].heading


def _place(doc: Document, section: int) -> str:
    """How the numbers of a section may be another study's (:mod:`.otherstudies`)."""
    path = doc.section_path(section)
    heads = [fold(s.heading).strip(" :") for s in path]
    if path and path[0].kind == "abstract":
        return METHODS if any(re.search(r"background|introduction|context|rationale", h)
                              for h in heads) else ""
    if any(h in _BEFORE_TRIAL for h in heads):
        return BEFORE
    if any(h in EXTERNAL_SECTIONS for h in heads):
        return DISCUSSION
    return METHODS if any(re.search(r"statistic|sample size|power", h) for h in heads) else ""


def _block_units(doc: Document, lex: Lexicon, arm_names: Names | None = None
                 ) -> Iterator[Unit]:
    names = own_names(doc.title)
    for block in doc.blocks:
        path = doc.section_path(block.section)
        if any(lex.skipped(s.heading) for s in path):
            continue
        location, heading, _ = _location(doc, block.section)
        place = _place(doc, block.section)
        text, origin = _clean(block.text, block.start)
        cites = [(m.start, m.label) for m in block.marks if m.kind == "citation"]
        state: bool | None = None  # whose numbers the paragraph's last marker announced
        study = ""  # the other study the paragraph is about
        for sentence, offsets in _sentences(text, origin):
            if not offsets:
                continue
            spans: list[tuple[int, int, str]] = []
            if place:
                # a mark printed right after the sentence's full stop is still its own
                own = [(c, label) for c, label in cites if offsets[0] <= c <= offsets[-1] + 8]
                marks = [bisect_left(offsets, c) for c, _ in own]
                found = markers(sentence, marks, names, guidance=place != METHODS or
                                location == "Abstract", before_trial=place == BEFORE)
                if place == DISCUSSION and arm_names is not None and \
                        not any(k.other for k in found):
                    found = sorted(found + arm_group(fold(sentence), [
                        (h.start, h.end) for h in arm_names.find(fold(sentence), "arm")]),
                        key=lambda k: k.start)
                refs = references([label for _, label in own])
                got = external_spans(sentence, found, state, place, study)
                if place == METHODS and cites_result(sentence, found, marks):
                    got = [(0, len(sentence), next_study(found, ""))]
                spans = [(offsets[a], offsets[b - 1] + 1, named_study(label, refs))
                         for a, b, label in got if b > a]
                state, study = next_state(found, state), next_study(found, study)
            if _NUMBERISH.search(sentence):
                yield Unit(sentence, offsets, location, heading=heading, external=bool(spans),
                           external_spans=tuple(spans))


def figure_name(label: str) -> str:
    """A figure as the data dictionary names its place ("Figure 1 legend"), whatever the
    journal's abbreviation ("Fig 1", "Fig. 2A", "FIG. 3"); another label stays as printed."""
    m = re.match(r"^\s*fig(?:ure|\.)?\s*(\w+)\s*\.?\s*$", label, re.IGNORECASE)
    return f"Figure {m.group(1)}" if m else label


def _caption_units(doc: Document) -> Iterator[Unit]:
    for fig in doc.figures:
        text, origin = _clean(fig.text, fig.start)
        for sentence, offsets in _sentences(text, origin):
            if offsets and _NUMBERISH.search(sentence):
                yield Unit(sentence, offsets, f"{figure_name(fig.label)} legend")
    for t in doc.tables:
        text, origin = _clean(t.caption_line, t.start)
        label_len = len(normalise(t.label, lower=False, signs=False).text)
        if _NUMBERISH.search(text[label_len:]):
            yield Unit(text[label_len:], origin[label_len:], f"{t.label} title")
        for note in t.footnotes:
            if not note.mark:
                continue  # unmarked notes ("Data are n (%)") say how to read the cells
            text, origin = _clean(note.text, note.start)
            for sentence, offsets in _sentences(text, origin):
                if offsets and _NUMBERISH.search(sentence):
                    yield Unit(sentence, offsets, f"{t.label} footnote {note.mark}")


def _external(d: Draft, unit: Unit) -> None:
    q = d.fields["quantity"]
    d.fields["quantity"] = ("external_orr" if q.startswith("orr") else
                            "external_pfs" if q.startswith("pfs") else "external_other")
    d.fields["arm"] = ""
    d.rules.append(f"external: a sentence citing another study in {unit.heading}")
    d.needs_review = True


def _finish(d: Draft, unit: Unit) -> Draft:
    """A sentence's draft row before its shape is read: an IQR printed as such, a number of
    another study as ``external_*``."""
    stat = d.fields["statistic"]
    if stat.startswith("range_") and re.search(r"\biqr\b|interquartile", fold(unit.text)):
        d.fields["statistic"] = stat.replace("range", "iqr")
    if is_external(unit.external_spans, d.offset):
        _external(d, unit)
    return d


_ARM_BY_NUMBER = re.compile(r"\d[\d.·]*\s*(?:[A-Za-z]{1,4}\s+)?(?:group|arm)s?\b", re.IGNORECASE)


def _in_arm_name(d: Draft, unit: Unit, names: Names) -> bool:
    """The number is part of an arm's name as the sentence prints it ("the 3 cm group")."""
    if not names.arm_names or not unit.origin:
        return False
    for m in _ARM_BY_NUMBER.finditer(unit.text):
        if unit.origin[m.start()] == d.offset and re.search(
                r"\bthe\s+$|\bboth\s+$", unit.text[max(0, m.start() - 6):m.start()]):
            return True  # "the 3 cm group", "the 45 Gy arm"
    for hit in names.find(fold(unit.text), "arm"):
        if len(hit.term.split()) > 5 or not re.search(r"\d", hit.term):
            continue
        start, end = unit.origin[hit.start], unit.origin[min(hit.end, len(unit.origin)) - 1]
        if start <= d.offset <= end:
            return True
    return False


def method_population(doc: Document) -> str:
    """The analysis set the methods analyse by (``itt``, ``modified_itt``), or ""."""
    for block in doc.blocks:
        path = " ".join(fold(s.heading) for s in doc.section_path(block.section))
        if re.search(r"statistic|analys|methods", path):
            found = cues.population_of(block.plain)
            if found in ("itt", "modified_itt"):
                return found
    return ""


def method_tests(doc: Document) -> tuple[tuple[str, str], ...]:
    """The tests the paper's methods name (its statistical-analysis paragraphs): ("", test)
    for each, and (kind, test) for a test a clause names for a kind of values
    (:func:`.methodkinds.stated_kind_tests`)."""
    sentences = methods_sentences([(" ".join(fold(s.heading) for s in doc.section_path(
        block.section)), block.plain) for block in doc.blocks])
    found = sorted({("", test) for test in map(cues.test_of, sentences) if test})
    return tuple(found) + stated_kind_tests(sentences)


# A methods sentence naming a logistic model fitted with covariates ("logistic regression
# adjusting for age and centre", "adjusted for ... in a logistic model").
_ADJUSTED_LOGISTIC = re.compile(r"logistic\b.{0,200}?\badjust\w*\b|\badjust\w*\b.{0,200}?"
                                r"\blogistic\b")


def method_adjusted_odds(doc: Document) -> bool:
    """Whether the paper's methods fit a logistic model adjusted for covariates: its odds
    ratios may be that model's, which the arms' counts do not reproduce."""
    for block in doc.blocks:
        path = " ".join(fold(s.heading) for s in doc.section_path(block.section))
        if re.search(r"statistic|analys|methods", path):
            if any(_ADJUSTED_LOGISTIC.search(fold(sentence)) and
                   not re.search(r"\bunadjusted\b|\bcrude\b", fold(sentence))
                   for sentence in re.split(r"(?<=[.;])\s+", block.plain)):
                return True
    return False


def _adjusted_odds(rows: list[Draft]) -> None:
    """Odds ratios that say neither adjusted nor unadjusted, in a paper whose methods fit an
    adjusted logistic model: which of the two they are is the reviewer's to say."""
    for d in rows:
        if d.fields["quantity"] == "odds_ratio" and not d.fields.get("adjustment") and \
                not any(r.startswith("guess: adjustment") for r in d.rules):
            d.rules.append("guess: adjustment: the methods fit an adjusted logistic model "
                           "(say whether this odds ratio is its estimate)")
            d.needs_review = True


# A table note that counts missing data ("Data were missing in 2 and 5 patients of ...").
_MISSING_NOTE = re.compile(r"\bmissing\b|\bnot (?:available|known|reported|recorded|assessed)\b"
                           r"|\bunknown\b")
# The format a stub heading prints after the characteristic (", n (%)").
_FORMAT_TAIL = re.compile(r"[,;:]?\s*(?:(?:n|no\.?)\s*(?:\(%\))?|\(%\)|%)\s*$", re.IGNORECASE)


def _marked_head(table: Table, mark: str) -> str:
    """The one stub cell of ``table`` that carries ``mark``, without its format; "" when
    none or several do."""
    stubs = {c.plain for c in table.cells
             if mark in c.marks and not c.header and c.col < max(table.stub_columns, 1)}
    return _FORMAT_TAIL.sub("", stubs.pop()).strip() if len(stubs) == 1 else ""


def _note_arms(text: str, names: Names, n: int) -> list[str] | None:
    """The arm of each of a note's ``n`` counts: the arms it names in order ("in 1 and 3
    patients of the A and B groups, respectively"), no arm for one count of no arm."""
    low = fold(text)
    arms = list(dict.fromkeys(h.name for h in names.find(low, "arm")))
    if n == len(arms) and (n == 1 or "respectively" in low):
        return arms
    return [""] if n == 1 and not arms else None


def _footnoted_missing(doc: Document, drafts: list[Draft], names: Names) -> None:
    """The counts of a table note on missing data, whose mark stands on a characteristic's
    stub heading, are that characteristic's missing level (data dictionary: a footnote row
    at ``Table N footnote a``), per arm when the note names them."""
    for t in doc.tables:
        for note in t.footnotes:
            head = _marked_head(t, note.mark) if note.mark else ""
            if not head or not _MISSING_NOTE.search(fold(note.text)):
                continue
            levels = [d for d in drafts if d.fields["location"] == t.label
                      and ":" in d.fields["category"] and fold(
                          d.fields["category"].split(":", 1)[0]).strip() == fold(head)]
            place = f"{t.label} footnote {note.mark}"
            counts = [d for d in drafts if d.fields["location"] == place
                      and re.fullmatch(r"\d+", d.fields["value"])]
            arms = _note_arms(note.text, names, len(counts)) if levels and counts else None
            if arms is None:
                continue
            name = levels[0].fields["category"].split(":", 1)[0].strip()
            for d, arm in zip(counts, arms, strict=True):
                d.fields.update(quantity=levels[0].fields["quantity"], arm=arm,
                                category=f"{name}: Missing", statistic="count",
                                unit="patients")
                d.rules = [r for r in d.rules if not r.startswith("guess:")]
                d.rules.append("footnote: the missing data of the characteristic its mark "
                               "stands on")
                d.confidence, d.needs_review = 0.8, False


def draft_document(doc: Document, names: Names, source_id: str,
                   progress: Callable[[int, int], None] | None = None) -> list[Draft]:
    """Every draft row of a structured document, in the order of its text."""
    lex = lexicon()
    units = list(_block_units(doc, lex, names)) + list(_caption_units(doc))
    units.sort(key=lambda u: u.origin[0] if u.origin else 0)
    drafts: list[Draft] = []
    views = [view(t, names) for t in doc.tables]  # each table read once
    sizes = arm_sizes(views)
    tests, population = method_tests(doc), method_population(doc)
    several_ae = sum(v.kind == "ae" for v in views) > 1
    for v in views:
        drafts.extend(draft_table(doc, v, names, source_id, sizes, tests, population,
                                  several_ae))
    label_subgroups(drafts, doc.tables)
    table_rows = [d for d in drafts if d.fields["row"] or d.fields["column"]]
    name_unnamed_levels(table_rows)
    _collisions(table_rows, by_row=True)
    cells = index_cells(table_rows)
    table_index = index_rows(table_rows)
    context = TextContext.of(names, table_names(table_rows, doc.text), population)
    for n, unit in enumerate(units):
        rows = [_finish(d, unit) for d in draft_unit(unit, names, lex, source_id)
                if not _in_arm_name(d, unit, names)]
        rows = label_sentence(unit, rows, context)
        rows = borrow_labels(rows, unit.text, cells, names, context.tables)
        rows = restate_rows(rows, unit, table_index, names, context.tables)
        before = [u.text for u in units[max(0, n - 2):n][::-1] if u.location == unit.location]
        rows = guard_copies(rows, unit.text, before, table_index)
        label_declared_set(rows, names)
        _collisions(rows, by_row=False)
        drafts.extend(rows)
        if progress is not None:
            progress(n + 1, len(units))
    _several_designs([d for d in drafts if not d.fields["row"] and not d.fields["column"]])
    _footnoted_missing(doc, drafts, names)
    statements = read_statements(doc)
    apply_statements(drafts, statements, frozenset(
        [i for i, _ in names.endpoints] + list(lex.extra.get("endpoint_terms", {}))))
    if method_adjusted_odds(doc):
        _adjusted_odds(drafts)
    apply_ci_method(drafts, statements.ci_method)
    restated_tests(drafts)
    flag_unsure(drafts)
    drafts.sort(key=lambda d: d.offset)
    return drafts


_LABEL = ("location", "column", "cohort", "arm", "versus", "subgroup", "quantity", "category",
          "statistic", "population", "data_cut", "adjustment", "level", "hypothesis", "sided")


def _collisions(rows: list[Draft], by_row: bool) -> None:
    """Two numbers given the same label where the paper prints two things: the label cannot
    be right for both, so both are flagged. In a table, two rows of one column labelled
    alike ("Overall survival" and "Survival post relapse" both an HR for OS); in one passage
    of text, one label with two values ("0.68 ... 0.64" as one HR). Two columns of one row
    labelled alike (two columns given one arm: "infusion" and "bolus") are flagged too."""
    passes = [("row", _LABEL), ("column", tuple(k if k != "column" else "row" for k in _LABEL))] \
        if by_row else [("value", _LABEL)]
    for apart_by, keys in passes:
        groups: dict[tuple[str, ...], list[Draft]] = {}
        for d in rows:
            if d.fields["quantity"]:
                groups.setdefault(tuple(d.fields.get(k, "") for k in keys), []).append(d)
        for group in groups.values():
            # a cell under an empty stub stands apart from every other one
            if len(group) > 1 and len({d.fields[apart_by] or f"@{d.offset}"
                                       for d in group}) > 1:
                for d in group:
                    d.rules.append("guess: label: another number of this "
                                   f"{'table' if by_row else 'passage'} has the same label")
                    d.needs_review = True


def _several_designs(rows: list[Draft]) -> None:
    """Two values of one design parameter under one heading (a sample size before and after
    an allowance for dropouts, a revised target) each need the category that tells them
    apart: both are flagged."""
    seen: dict[tuple[str, str], list[Draft]] = {}
    for d in rows:
        if d.fields["quantity"].startswith("design_"):
            seen.setdefault((d.fields["location"], d.fields["quantity"]), []).append(d)
    for group in seen.values():
        if len({d.fields["value"] for d in group}) > 1:
            for d in group:
                d.rules.append("guess: category: several values of this design parameter "
                               "(name each in category)")
                d.needs_review = True


__all__ = ["draft_document", "is_data"]
