"""Unflagged draft rows a reviewer would take as they stand (issue 20, a new user's check).

Each test drafts a small table of its own words, with the layout of one class of wrong
unflagged row, for the fictional two-arm trial of ``fictional_trial.py``, and checks the
row against the data dictionary (data/raw/README.md) by hand.
"""

from __future__ import annotations

from test_draft_table_classes import _draft

from trialrecon.dossier import MAX_ANCHOR_WORDS


def test_an_anchor_never_has_more_words_than_the_validator_takes(tmp_path):
    """A long stub with counts whose thousands are grouped by a thin space ("12 345"): the
    anchor ends on the drafted number and has at most MAX_ANCHOR_WORDS words, as the
    validator (dossier.values) refuses longer ones."""
    rows = _draft(tmp_path, "Household characteristics at baseline",
                  ["", "Drug X (n=20 000)", "Placebo (n=19 000)"],
                  [("Houses with a tin, slate, or thatched roof (any of those kinds)",
                    "12\u2008345 (62%)", "11\u2008222 (59%)")])
    assert rows
    for r in rows:
        assert len(r["anchor"].split()) <= MAX_ANCHOR_WORDS, r["anchor"]
    placebo = [r for r in rows if r["column"] == "Placebo (n=19 000)" and r["row"]]
    assert placebo and all(r["anchor"].endswith("11 222 (59%)") for r in placebo)
