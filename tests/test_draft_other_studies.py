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
from trialrecon.dossier.draft.otherstudies import (
    BEFORE,
    DISCUSSION,
    METHODS,
    external_spans,
    markers,
    own_names,
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
trial, we tested 30 mg of drug X.</p></sec>
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


def test_a_discussion_sentence_continues_the_study_it_follows(rows) -> None:
    assert _external(rows["27"])  # "In the ZETA trial, ... 27% [4]"
    assert _external(rows["200"])  # "However, a dose of 200 mg was given."
    for value in ("1.54", "1.01", "2.37"):  # "Smith et al. reported an odds ratio of ..."
        assert _external(rows[value]) and rows[value]["arm"] == ""


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
