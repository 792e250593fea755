"""Numbers written as words in running text (data dictionary: "Numbers written as words
("Sixteen patients") are transcribed as numbers, with a note"). The sentences are written for
these tests."""

from __future__ import annotations

import pytest

from trialrecon.dossier.draft.numbers import find_items


@pytest.mark.parametrize(("sentence", "values"), [
    ("Seven hundred and eighty-seven women were randomly allocated.", ["787"]),
    ("Deaths were treatment-related (three vs eight).", ["3", "8"]),
    ("Four patients (one in the Drug X group and three in the placebo group) left.",
     ["4", "1", "3"]),
    ("Each centre chose to give four or six cycles.", ["4", "6"]),
    ("The drug was given every eight hours.", ["8"]),
    ("Patients came from eight countries and six hospitals.", ["8", "6"]),
])
def test_numbers_in_words_of_a_sentence(sentence, values):
    assert [i.value for i in find_items(sentence, prose=True) if i.words] == values


@pytest.mark.parametrize("sentence", [
    "No one was lost to follow-up.",
    "A one-sided test was used.",
    "The groups were compared with one another, one by one.",
])
def test_words_that_are_no_numbers(sentence):
    assert [i.value for i in find_items(sentence, prose=True) if i.words] == []


def test_a_table_stub_keeps_the_narrow_reading():
    """A table's stub ("Two or more prior lines") is a label, not a number: the wider
    reading is for prose only."""
    assert [i.value for i in find_items("Two or three metastatic sites") if i.words] == []


@pytest.mark.parametrize("sentence", [
    "Toxicity did not differ between the two groups.",
    "Quit rates were similar at the two sites who dispensed the drug.",
])
def test_a_number_in_words_after_the_is_prose(sentence):
    """"the two groups", "the two sites": a reference back to things already counted."""
    assert [i.value for i in find_items(sentence, prose=True) if i.words] == []
