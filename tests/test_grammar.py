"""The number grammar shared by the drafter and the audit (dossier.draft.grammar).

Property tests: a value printed in each style a journal uses parses back to the value, and
the drafter's pattern finder reads it back from a sentence. The composite cases below are
worked out by hand from the printed form.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialrecon.dossier.draft.grammar import (
    STYLES,
    comma_as_point,
    format_number,
    parse_date,
    parse_number,
)
from trialrecon.dossier.draft.normalise import normal, normalise
from trialrecon.dossier.draft.numbers import find_items
from trialrecon.dossier.draft.printed import find_value, printed_forms

values = st.builds(lambda sign, whole, frac: sign + str(whole) + (("." + frac) if frac else ""),
                   st.sampled_from(["", "-"]), st.integers(0, 9_999_999),
                   st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=4)))


@settings(max_examples=300, deadline=None)
@given(values, st.sampled_from(STYLES))
def test_every_printed_style_parses_back(value: str, style: str) -> None:
    printed = format_number(value, style)
    assert parse_number(printed) == value


@settings(max_examples=200, deadline=None)
@given(values, st.sampled_from(STYLES))
def test_the_drafter_reads_every_style_in_a_sentence(value: str, style: str) -> None:
    printed = format_number(value, style)
    text = normalise(f"The value was {printed} in all.", lower=False, signs=False).text
    items = find_items(text)
    assert [i.value for i in items] == [value], (printed, text)


@settings(max_examples=200, deadline=None)
@given(values, st.sampled_from(STYLES))
def test_the_audit_finds_every_style_in_an_anchor(value: str, style: str) -> None:
    printed = format_number(value, style)
    anchor = normalise(f"the value was {printed} in all").text
    assert find_value(anchor, printed_forms(value)) >= 0, (printed, anchor)


@pytest.mark.parametrize(("text", "expected"), [
    ("HR 1·18 (95% CI 0·99–1·45; p=0·07)",
     [("1.18", "estimate"), ("0.99", "ci_low"), ("1.45", "ci_high"), ("0.07", "p_value")]),
    ("21/438 (5%)", [("21", "count"), ("5", "percent")]),
    ("12(5.3)", [("12", "count"), ("5.3", "percent")]),
    ("P = .001", [("0.001", "p_value")]),
    ("mean 12·3 ± 4·5", [("12.3", "mean"), ("4.5", "sd")]),
    ("difference −0·5 (–1·2 to 0·3)",
     [("-0.5", "estimate"), ("-1.2", "pair_low"), ("0.3", "pair_high")]),
    ("19\u2009984 births", [("19984", "value")]),
    ("aged 18–65 years", [("18", "range_low"), ("65", "range_high")]),
])
def test_composite_patterns(text: str, expected: list[tuple[str, str]]) -> None:
    items = find_items(normalise(text, lower=False, signs=False).text)
    assert [(i.value, i.statistic) for i in items] == expected


def test_percent_first_tables() -> None:
    items = find_items("24.2 (101)", percent_first=True)
    assert [(i.value, i.statistic) for i in items] == [("24.2", "percent"), ("101", "count")]


def test_comparators_and_markers() -> None:
    p = find_items(normalise("p<0·001", lower=False, signs=False).text)[0]
    assert (p.value, p.comparator, p.statistic) == ("0.001", "<", "p_value")
    for text in ("median OS had not been reached", "not yet reached", "NR"):
        items = find_items(text)
        assert [i.marker for i in items] == ["not_reached"], text


@pytest.mark.parametrize(("text", "value"), [
    ("October, 2011", "2011-10"), ("October 2011", "2011-10"), ("Oct 12, 2011", "2011-10-12"),
    ("12 October 2011", "2011-10-12"), ("between March, 2013, and May 2014", "2013-03"),
])
def test_dates(text: str, value: str) -> None:
    assert parse_date(text) == value
    assert find_items(text)[0].value == value


def test_audit_reads_middle_dots_and_dates_in_anchors() -> None:
    assert find_value(normalise("HR 1·18 (0·99–1·45)").text, printed_forms("1.18")) >= 0
    assert find_value(normalise("from October, 2011").text,
                      printed_forms("2011-10", "date")) >= 0


@pytest.mark.parametrize(("text", "expected"), [
    # PMC3580671, a paper printing decimal points, with a few decimal commas
    ("(P = 0,051; RR = 1.1581)", [("0.051", "p_value"), ("1.1581", "value")]),
    ("95% CI = 0.323 to 0,706; P = 0.0002",
     [("0.323", "range_low"), ("0.706", "range_high"), ("0.0002", "p_value")]),
    ("0.130 (0.090 to 0,350)", [("0.130", "estimate"), ("0.090", "pair_low"),
                                ("0.350", "pair_high")]),
    ("P = 1,000", [("1.000", "p_value")]),  # a P value is never a thousand
    ("1,000 patients", [("1000", "value")]),  # a count is
    ("12,345 births", [("12345", "value")]),
    ("performance status of 0,1, or 2", [("0", "value"), ("2", "value")]),  # a list
])
def test_decimal_commas_where_no_thousands_group_can_stand(text: str,
                                                           expected: list[tuple[str, str]]) -> None:
    items = find_items(normalise(text, lower=False, signs=False).text)
    assert [(i.value, i.statistic) for i in items] == expected


def test_a_comma_read_as_a_point_only_where_the_bound_rules_thousands_out() -> None:
    assert parse_number("0,768") == "0.768" and parse_number("−0,25") == "-0.25"
    assert parse_number("1,000") == "1000"
    assert comma_as_point("1,000", 1.0) == "1.000"  # 1000 > 1 >= 1.000
    assert comma_as_point("1,000", 10_000.0) == ""  # one thousand is possible
    assert comma_as_point("2,000", 1.0) == ""  # 2.000 is no P value either
    assert comma_as_point("0.5", 1.0) == ""


def test_the_audit_finds_a_decimal_comma() -> None:
    """The value as a dossier writes it (0.768, 1.000) in the anchor as printed."""
    assert find_value(normal("(P = 0,768)"), printed_forms("0.768", "p_value")) >= 0
    assert find_value(normal("to 0,674; P"), printed_forms("0.674", "ci_high")) >= 0
    assert find_value(normal("2 (1.9%) 3 (2.8%) 1,000"), printed_forms("1.000", "p_value")) > 0
    assert find_value(normal("3 2 1 1,000"), printed_forms("1.000", "mean")) < 0
    assert find_value(normal("3 2 1 1,000"), printed_forms("1000", "count")) > 0
    assert find_value(normal("status 0,1, or 2"), printed_forms("0.1", "value")) < 0
    assert find_value(normal("in 10,768 births"), printed_forms("0.768", "value")) < 0
