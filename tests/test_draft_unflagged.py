"""Unflagged draft rows a reviewer would take as they stand (issue 20, a new user's check).

Each test drafts a small table of its own words, with the layout of one class of wrong
unflagged row, for the fictional two-arm trial of ``fictional_trial.py``, and checks the
row against the data dictionary (data/raw/README.md) by hand.
"""

from __future__ import annotations

from test_draft_table_classes import _at, _draft

from trialrecon.dossier import MAX_ANCHOR_WORDS
from trialrecon.dossier.draft.normalise import normalise
from trialrecon.dossier.draft.quantities import Label, category_of
from trialrecon.dossier.draft.tableview import Row


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


def test_an_abbreviation_list_states_no_set_and_a_row_naming_its_own_set_takes_it(tmp_path):
    """The notes spell out "ITT" among other abbreviations: no statement that the rows are
    the ITT set. A row naming the per-protocol set takes it; a row naming a set the trial
    does not declare ("in patients with a first response") gets none and is flagged."""
    rows = _draft(tmp_path, "Relapse by week 24",
                  ["", "Drug X", "Placebo"],
                  [("Relapse (per-protocol set), n/N (%)", "12/80 (15.0)", "20/85 (23.5)"),
                   ("Relapse in patients with a first response, n/N (%)", "12/40 (30.0)",
                    "20/44 (45.5)"),
                   ("Relapse, n/N (%)", "14/100 (14.0)", "22/100 (22.0)")],
                  notes=[("", "ITT, intention to treat; PP, per-protocol; DX, drug X.")])
    pp = _at(rows, "Relapse (per-protocol set), n/N (%)", "Drug X", "count")
    assert pp["population"] == "per_protocol"
    own = _at(rows, "Relapse in patients with a first response, n/N (%)", "Drug X", "count")
    assert own["population"] == "" and own["review"] == "yes"
    plain = _at(rows, "Relapse, n/N (%)", "Drug X", "count")
    assert plain["population"] != "itt"


def test_a_row_whose_format_differs_from_its_headings_is_no_level_of_it():
    """The reader may leave flush-left rows under a heading ("Earlier surgeries, n (%)"),
    a variable whose levels its rows are: a row stating "mean (SD)" is still no level of
    it (its category is its own name), while a level printed as "n (%)" stays one."""
    heading = "Earlier surgeries, n (%)"
    pulse = Row(5, f"{heading} / Resting pulse (bpm), mean (SD)",
                "Resting pulse (bpm), mean (SD)", heading, levels=True, partition=True)
    assert category_of(pulse, Label()) == "Resting pulse"
    one = Row(2, f"{heading} / 1", "1", heading, levels=True, partition=True)
    assert category_of(one, Label()) == "Earlier surgeries: 1"


def test_a_count_whose_note_says_n_counts_other_things_than_patients_is_flagged(tmp_path):
    """A stub's note says n counts polyps removed and N polyps seen: the count "41/120" is
    no count of patients, so a row proposing the table's unit (patients) is flagged; a
    row without such a note keeps patients unflagged."""
    rows = _draft(tmp_path, "Secondary endpoints at month 6 (ITT population)",
                  ["", "Drug X (n = 100)", "Placebo (n = 100)"],
                  [("Removal rate, n/N (%)", "41/120 (34.2)", "30/118 (25.4)"),
                   ("Bleeding, n (%)", "4 (4.0)", "6 (6.0)")],
                  notes=[("a", "n is the number of polyps removed and N is the total "
                          "number of polyps seen.")],
                  stub_marks={0: "a"})
    removal = _at(rows, "Removal rate, n/N (%)", "Drug X (n = 100)", "count")
    assert removal["review"] == "yes" or removal["unit"] != "patients", removal
    bleeding = _at(rows, "Bleeding, n (%)", "Drug X (n = 100)", "count")
    assert bleeding["unit"] == "patients"


def test_a_units_exponent_stays_in_the_anchor_and_is_still_found(tmp_path):
    """"Body surface area (m²)" printed in a stub: the anchor keeps the exponent ("m²", not
    "m") and, read as the audit reads it (normalise), still stands in the printed row."""
    stub = "Body surface area (m\u00b2), mean (SD)"
    rows = _draft(tmp_path, "Baseline characteristics",
                  ["", "Drug X (n = 100)", "Placebo (n = 100)"],
                  [(stub, "1.82 (0.21)", "1.79 (0.19)")])
    mean = _at(rows, stub, "Drug X (n = 100)", "mean")
    assert "(m\u00b2)" in mean["anchor"], mean["anchor"]
    printed = f"{stub} 1.82 (0.21) 1.79 (0.19)"
    assert normalise(mean["anchor"]).text in normalise(printed).text


def test_a_level_printing_n_is_still_a_level_of_a_count_heading():
    """"N+" reads as the format "n" but counts as its heading "Nodes, n (%)" does: a level."""
    heading = "Nodes, n (%)"
    level = Row(3, f"{heading} / n+", "n+", heading, levels=True, partition=True)
    assert category_of(level, Label()) == "Nodes: n+"
