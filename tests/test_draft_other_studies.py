"""Numbers about other studies (``external_*``) told from this trial's (otherstudies.py).

The paper below is fictional, written for the test: a trial named FICT-1 in its title, an
Introduction, a statistical-methods paragraph and a Discussion that quotes other studies
and restates the trial's own numbers. Which numbers are another study's was decided by
hand from the sentences, one convention of trial reports per assertion.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import trial_yaml

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.externalrows import label_external
from trialrecon.dossier.draft.numbers import find_items
from trialrecon.dossier.draft.otherstudies import (
    BEFORE,
    DISCUSSION,
    METHODS,
    cites_result,
    external_spans,
    markers,
    named_study,
    own_names,
    references,
)

PAPER = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
<front><article-meta>
<title-group><article-title>Drug X versus placebo in a fictional disease (FICT-1): a
randomised trial</article-title></title-group>
</article-meta></front>
<body>
<sec><title>Introduction</title>
<p>The disease affects 12% of adults <xref ref-type="bibr" rid="b1">1</xref>. In the FICT-1
trial, we tested 30 mg of drug X.</p>
<p>A phase I trial combined drug X with drug Z <xref ref-type="bibr" rid="b1">1</xref>. This
phase I trial showed a 25% partial response. When we planned our trial, there were 3
published clinical trials.</p></sec>
<sec><title>Methods</title>
<sec><title>Statistical analysis</title>
<p>A sample size of 150 patients gave 80% power, assuming a response rate of 20% with placebo
as in an earlier trial <xref ref-type="bibr" rid="b2">2</xref>. Drug Y had a relative risk of
0.71 (95% CI 0.52-0.97) in that setting <xref ref-type="bibr" rid="b3">3</xref>.</p></sec></sec>
<sec><title>Discussion</title>
<p>In FICT-1, 34% of patients responded with drug X. In the ZETA trial, diarrhoea occurred
in 27% of patients <xref ref-type="bibr" rid="b4">4</xref>. However, a dose of 200 mg was
given. Smith et al. reported an odds ratio of 1.54 (95% CI 1.01-2.37)
<xref ref-type="bibr" rid="b5">5</xref>.</p>
<p>Only 15% of our patients stopped treatment (Table 2).</p>
<p>Response was 41% in the drug X group, versus 35% in the ZETA trial
<xref ref-type="bibr" rid="b4">4</xref>.</p></sec>
</body>
<back><ref-list><ref id="b1"><mixed-citation>A 2010.</mixed-citation></ref></ref-list></back>
</article>
"""


@pytest.fixture
def rows(tmp_path: Path) -> dict[str, dict[str, str]]:
    (tmp_path / "paper.nxml").write_text(PAPER, encoding="utf-8")
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    _, drafts = draft_source(tmp_path / "paper.nxml", read_names(tmp_path / "trial.yaml"),
                             "paper")
    found: dict[str, dict[str, str]] = {}
    for d in drafts:
        fields = dict(d.fields, needs_review=str(d.needs_review))
        found.setdefault(d.fields["value"], fields)
    return found


def _external(row: dict[str, str]) -> bool:
    return row["quantity"].startswith("external_")


def test_the_introduction_quotes_other_studies_unless_it_names_this_trial(rows) -> None:
    assert _external(rows["12"]) and rows["12"]["arm"] == ""
    assert rows["12"]["needs_review"] == "True"
    assert not _external(rows["30"])  # "In the FICT-1 trial, we tested 30 mg"
    # "This phase I trial" of an Introduction is the trial the last sentence cited
    assert rows["25"]["quantity"] == "external_orr"
    # "... our trial, there were 3 published clinical trials": the number counts them
    assert _external(rows["3"]) and rows["3"]["statistic"] == "count"


def test_a_discussion_sentence_continues_the_study_it_follows(rows) -> None:
    assert _external(rows["27"])  # "In the ZETA trial, ... 27% [4]"
    assert rows["27"]["category"].startswith("ZETA trial (ref 4)")
    assert _external(rows["200"])  # "However, a dose of 200 mg was given."
    assert rows["200"]["category"].startswith("ZETA trial")
    assert rows["200"]["unit"] == "mg"
    for value in ("1.54", "1.01", "2.37"):  # "Smith et al. reported an odds ratio of ..."
        assert _external(rows[value]) and rows[value]["arm"] == ""
        assert rows[value]["unit"] == "ratio"
        assert rows[value]["category"].startswith("Smith et al. (ref 5)")


def test_this_trials_numbers_restated_in_the_discussion_stay_its_own(rows) -> None:
    assert not _external(rows["34"])  # "In FICT-1, 34% ...": the title's acronym
    assert not _external(rows["15"])  # "our patients", "(Table 2)"
    # "41% in the drug X group, versus 35% in the ZETA trial [4]"
    assert not _external(rows["41"])
    assert _external(rows["35"]) and rows["35"]["arm"] == ""


def test_methods_quote_a_result_but_not_a_design_assumption(rows) -> None:
    for value in ("150", "80", "20"):  # a sample size sentence borrowing a figure
        assert not _external(rows[value]), value
    assert _external(rows["0.71"])  # "Drug Y had a relative risk of 0.71 ... [3]"


def test_the_trials_own_name_is_read_from_the_title() -> None:
    assert own_names("Tranexamic acid for haemorrhage (TICH-9): a randomised trial") == \
        {"TICH-9"}
    assert own_names("Results from the ALPHA trial of drug X") == {"ALPHA"}
    # an abbreviation inside the title is no trial's name, nor is "phase III"
    assert own_names("Nicotine replacement therapy (NRT), and NRT plus drug Y: "
                     "a phase III trial") == frozenset()


def test_markers_decide_by_the_nearest_one_before_else_after() -> None:
    text = "The peak of 24 hours was stable, as recommended by the guidelines [7]."
    found = markers(text, [len(text) - 1], frozenset(), guidance=True)
    assert external_spans(text, found, None, DISCUSSION)  # a marker after the number
    plain = "The rates were 12% and 14%."
    assert external_spans(plain, [], True, DISCUSSION)  # continues another study
    assert not external_spans(plain, [], None, DISCUSSION)  # a paragraph's first sentence
    assert external_spans(plain, [], None, BEFORE)  # the Introduction
    assert not external_spans(plain, [], True, METHODS)  # methods need a marker before


def _relabel(text: str, number: str, **fields: str) -> dict[str, str]:
    row = {"statistic": "value", "unit": "none", "category": "", "arm": "drug_x"} | fields
    label_external(row, "ZETA trial (ref 4)", text, text.index(number))
    return row


def test_an_external_row_names_the_study_and_no_arm_of_this_trial() -> None:
    row = _relabel("In the ZETA trial, nausea occurred in 18%.", "18", category="Nausea",
                   statistic="percent", unit="percent", population="as_treated")
    assert (row["category"], row["arm"], row["population"]) == (
        "ZETA trial (ref 4): Nausea", "", "")
    assert (row["statistic"], row["unit"]) == ("percent", "percent")
    # a level of this trial's table is no name of what the other study measured
    assert _relabel("x 5 y", "5", category="Type of infection: Abdominal")["category"] == \
        "ZETA trial (ref 4)"


def test_an_external_rows_shape_as_its_words_print_it() -> None:
    row = _relabel("the relative rate is 1.58 (95% CI 1.50-1.66)", "1.58")
    assert (row["statistic"], row["unit"]) == ("estimate", "ratio")
    row = _relabel("the relative rate is 1.58 (95% CI 1.50-1.66)", "1.50", statistic="ci_low")
    assert row["unit"] == "ratio"
    for text, number, unit in (("replacement at 12, 24 or 48 hours", "12", "hours"),
                               ("from 24, to 48, then to 72 hours", "48", "hours"),
                               ("a 72- to 96-hour resite", "72", "hours"),
                               ("rates for 150- and 300-mg doses", "150", "mg"),
                               ("a daily dose of 20 mg/m2 for five days", "20", "mg/m2")):
        row = _relabel(text, number, statistic="count", unit="patients")
        assert (row["statistic"], row["unit"]) == ("value", unit), text
    row = _relabel("From 132 trials comparing NRT with placebo", "132")
    assert (row["statistic"], row["unit"]) == ("count", "none")
    # a percentage keeps its unit whatever follows
    assert _relabel("in 27% of days", "27", statistic="percent",
                    unit="percent")["unit"] == "percent"


def test_references_as_the_dossiers_write_them() -> None:
    assert references(["4"]) == "ref 4"
    assert references(["5\u20138"]) == "refs 5-8"
    assert references(["1, 5-9"]) == "refs 1, 5-9"
    assert references(["12,13", "12"]) == "refs 12, 13"
    assert named_study("Smith et al.", "ref 3") == "Smith et al. (ref 3)"
    assert named_study("", "ref 3") == "ref 3"


def test_studies_counted_in_words_are_numbers() -> None:
    def words(text: str) -> list[str]:
        return [i.value for i in find_items(text, prose=True) if i.words]

    assert words("Three small randomised, controlled trials suggested a benefit") == ["3"]
    assert words("More recently, two well-conducted RCTs found none") == ["2"]
    assert words("Twenty-five percent of the patients stopped") == ["25"]
    assert words("the difference between the two groups was small") == []


def test_guidance_and_cited_methods_mark_other_studies_only_where_they_quote_them() -> None:
    said = "the 72-96 hours currently recommended by the CDC"
    assert [(k.other, k.label) for k in markers(said, [], frozenset(), True)] == [
        (True, "CDC guidelines")]
    # this trial's drug at "the recommended dose" quotes no other study
    assert markers("Patients received the recommended dose of 200 mg.", [], frozenset(),
                   True) == []
    method = "Multiple imputation with 20 imputations was used as reported previously ."
    result = "Drug Y had a relative risk of 0.71 (95% CI 0.52-0.97) in that setting ."
    for text, quoted in ((method, False), (result, True)):
        cite = [len(text) - 2]
        assert cites_result(text, markers(text, cite, frozenset(), False), cite) is quoted
