"""The test the Methods name for each kind of value (helpers of :mod:`.structured` and
:mod:`.cells`).

Many papers state once, in their statistical methods, which test compared which kind of
variable ("the Chi-square test was used for discrete variables and Student's t-test for
continuous ones") and print the tables' P values with no test of their own. A table P value
then takes the test the Methods name for the kind of values its row prints (counts or
measurements), as a proposal for review: only a clause that itself says the kind of values
counts ("for discrete variables"), never a test the Methods name for something else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.tablerows import CLAUSE, row_values, values_named

if TYPE_CHECKING:
    from trialrecon.dossier.draft.tableview import Row, TableView


def stated_kind_tests(sentences: list[str]) -> tuple[tuple[str, str], ...]:
    """(kind, test) for each test a methods clause names together with the kind of values
    it compares (``counts`` or ``measure``)."""
    out: list[tuple[str, str]] = []
    for sentence in sentences:
        if not cues.test_of(sentence):
            continue
        kind = ""
        for clause in CLAUSE.split(sentence):
            # a clause naming no kind goes with the one before it ("Categorical data were
            # tested using chi-square and Fisher's exact test": both for the counts)
            kind = values_named(clause) or kind
            if kind:
                out.extend((kind, test) for test in cues.named_tests(clause))
    return tuple(dict.fromkeys(out))


def kind_test(pairs: tuple[tuple[str, str], ...], counts: bool, measure: bool) -> str:
    """The one test ``pairs`` name for the kind of values a row prints (counts, or
    measurements, not both), or ""."""
    if counts == measure:
        return ""
    kind = "counts" if counts else "measure"
    found = {test for k, test in pairs if k == kind}
    return found.pop() if len(found) == 1 else ""


def row_test(v: TableView, row: Row) -> str:
    """The test the Methods name for the kind of values table row ``row`` prints, or ""."""
    return kind_test(v.method_tests, *row_values(v, row))


def methods_sentences(blocks: list[tuple[str, str]]) -> list[str]:
    """The sentences of the blocks (heading path, text) under a statistics, analysis or
    methods heading."""
    return [s for path, text in blocks if re.search(r"statistic|analys|methods", path)
            for s in re.split(r"(?<=[.;])\s+", text)]
