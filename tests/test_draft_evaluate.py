"""The every-field score of a draft against a gold dossier (draft/evaluate.py).

The source is the fictional fixture of tests/test_draft_labels.py; the gold rows and the
draft rows below are written by hand, and the figures each test expects are counted by hand
from them (written out in each test).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS
from trialrecon.dossier.audit import SourceDoc, source_doc
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.evaluate import FIELDS, score_fields, wrong_fields
from trialrecon.dossier.draft.reader import read_document

FIXTURE = Path(__file__).parent / "fixtures" / "labelling" / "fictional_rct.nxml"


@pytest.fixture(scope="module")
def doc() -> SourceDoc:
    return source_doc(FIXTURE, read_document(FIXTURE))


def _row(**fields: str) -> dict[str, str]:
    base = dict.fromkeys((*COLUMNS, *OPTIONAL_COLUMNS), "")
    base.update(source="paper", cohort="all")
    base.update(fields)
    return base


def _gold_nausea() -> dict[str, str]:
    return _row(id="g1", location="Table 3", row="Nausea", column="Drug X (n = 99) / All grades",
                anchor="Nausea 30 (30%)", arm="drug_x", quantity="ae_any_grade",
                category="Nausea", statistic="count", value="30", unit="patients",
                denominator="99", population="safety")


def _draft_at(doc: SourceDoc, gold: dict[str, str], needle: str, review: bool = False,
              **changes: str) -> Draft:
    """A draft row standing where ``needle`` is printed in the source."""
    offset = doc.document.text.index(needle)
    fields = {k: v for k, v in gold.items() if k != "id"}
    fields.update(changes)
    return Draft(fields, offset, [], 0.9, needs_review=review)


def test_every_field_right_counts_once(doc: SourceDoc) -> None:
    gold = _gold_nausea()
    right = _draft_at(doc, gold, "30 (30%)")
    twin = _draft_at(doc, gold, "30 (30%)", category="nausea")  # the same number again
    s = score_fields(doc, [gold], [right, twin])
    # one gold row, two draft rows at its number: one pair (the better), right
    assert (s.gold, s.drafted, s.paired, s.right) == (1, 2, 1, 1)
    assert (s.recall, s.precision) == (1.0, 0.5)
    assert s.unflagged == 2 and s.unflagged_share == 0.5


def test_normalised_comparisons(doc: SourceDoc) -> None:
    """Case, spacing and dashes of a category; "=" and an empty comparator; 95 and an
    empty level; 99 and 99.0 as denominators: all agree."""
    gold = _gold_nausea()
    gold.update(category="Nausea – mild", comparator="=", level="95")
    draft = _draft_at(doc, gold, "30 (30%)", category="nausea  - MILD", comparator="",
                      level="", denominator="99.0")
    assert wrong_fields(doc, draft, gold) == []


def test_wrong_fields_are_named(doc: SourceDoc) -> None:
    gold = _gold_nausea()
    draft = _draft_at(doc, gold, "30 (30%)", quantity="ae_grade12", population="",
                      anchor="not in the paper")
    assert wrong_fields(doc, draft, gold) == ["anchor", "quantity", "population"]
    s = score_fields(doc, [gold], [draft])
    assert (s.paired, s.right) == (1, 0)
    assert s.wrong["quantity"] == 1 and s.field_accuracy("quantity") == 0.0
    assert s.field_accuracy("value") == 1.0


def test_a_number_elsewhere_is_not_paired(doc: SourceDoc) -> None:
    """The same value printed in another cell (30 in "30 (30%)" vs the 30 percent beside it
    is the same cell; Nausea's placebo 12 is not 30) is not a candidate."""
    gold = _gold_nausea()
    elsewhere = _draft_at(doc, gold, "12 (12%)", value="30")
    s = score_fields(doc, [gold], [elsewhere])
    assert (s.paired, s.right) == (0, 0)
    assert math.isclose(s.recall, 0.0) and s.unflagged_share == 0.0


def test_flagged_rows_do_not_count_as_unflagged_right(doc: SourceDoc) -> None:
    gold = _gold_nausea()
    s = score_fields(doc, [gold], [_draft_at(doc, gold, "30 (30%)", review=True)])
    assert (s.right, s.unflagged, s.unflagged_right) == (1, 0, 0)
    assert math.isnan(s.unflagged_share)


def test_the_compared_fields() -> None:
    """The fields the benchmark compares, as its docstring lists them."""
    assert list(FIELDS) == [
        "location", "row", "column", "anchor", "cohort", "arm", "subgroup", "quantity",
        "category", "statistic", "value", "comparator", "unit", "denominator", "marker",
        "sided", "level", "versus", "adjustment", "test", "population", "hypothesis",
        "data_cut"]
