"""Classes of numbers printed in running text that are not data of the trial (issue 20).

Each sentence below is made up for the test; it prints one number of a class the dossier
never holds (a cross-reference, a grade range's label, an identifier, a citation year...)
beside numbers that are data, which must still be read.
"""

from __future__ import annotations

import pytest

from trialrecon.dossier.draft.notdata import not_data_spans
from trialrecon.dossier.draft.numbers import find_items


def _values(text: str) -> list[str]:
    return [i.value for i in find_items(text, prose=True)]


@pytest.mark.parametrize(("text", "kept"), [
    # cross-references in lower case and to supplements
    ("Nausea was rarer with drug X (table 3) in 41 of 120 patients.", ["41", "120"]),
    ("Survival did not differ (figure 2B); 17 patients died.", ["17"]),
    ("Details are in Additional file 4, Table S4, for 12 patients.", ["12"]),
    ("Centres are listed in the appendix pp 3–5 and 22 enrolled.", ["22"]),
    ("Tables 2, 3 and 4 show 55 events.", ["55"]),
    # the second number of a grade range is a label, like the first
    ("Grade 3–4 neutropenia occurred in 30 (25%) patients.", ["30", "25"]),
    ("grades 3 to 5 pneumonitis in 11 patients", ["11"]),
    # ordinals of a course, session, visit or exon
    ("After course 2 the rate was 34%.", ["34"]),
    ("Forms were completed at sessions 2–7 by 80 participants.", ["80"]),
    ("deletions in exon 19 were seen in 14 patients", ["14"]),
    # web addresses and identifiers
    ("See http://www.example.org/1471-2407/12/271/prepub for 9 reviews.", ["9"]),
    ("In the EORTC 40015 study 85 patients were treated.", ["85"]),
    ("The ongoing ABCD 30610/EFGH 0538 study will enrol 700.", ["700"]),
    ("the landmark Intergroup 0096 study, with 417 patients", ["417"]),
    ("registered with ISRCTN, number 91927162, and 547 were enrolled", ["547"]),
    ("protocol XYZ12-01 enrolled 160 patients", ["160"]),
    ("ethics reference 07/H1008/229 covered 40 sites", ["40"]),
    ("registration number 2012345678; 40 sites", ["40"]),
    ("a budget of 1000000 for 40 sites", ["1000000", "40"]),
    # the literature
    ("as Smith et al. 2010 found in 35% of patients", ["35"]),
    ("based on earlier results (Grant 2002, Lorente 2007) of 12%", ["12"]),
    ("the 2010 Cochrane review pooled 6 trials", ["6"]),
    # the base of a power of ten whose exponent was lost
    ("non-inferiority p=8.82 × 10 and 60 children", ["8.82", "60"]),
    # names that carry a number
    ("5-FU 400 mg/m² was given", ["400"]),
    ("TGF-β1 fell in 23 patients", ["23"]),
    ("2-fluoroadenine is toxic in 4 of 10", ["4", "10"]),
    ("patients with type 2 diabetes, 14 of 60", ["14", "60"]),
    ("3D conformal radiotherapy in 88 patients", ["88"]),
    # the base of a rate per thousand; the definition of an analysis set
    ("phlebitis rates were 59.8/1,000 device days and 60.9/1000 days", ["59.8", "60.9"]),
    ("All 155 patients who received at least one dose of the study drug", ["155"]),
    ("patients who received at least 1 dose were analysed (n=98)", ["98"]),
    # a point of a scale named by its label
    ("intensity was rated 1 = mild, 2 = moderate, 3 = severe by 90 women", ["90"]),
    ("ranked as 0 (no symptoms) to 6 (death) in 2325 patients", ["2325"]),
    ("An mRS score of 0 represents no symptoms", []),
])
def test_not_data_left_out(text: str, kept: list[str]) -> None:
    assert _values(text) == kept


@pytest.mark.parametrize(("text", "kept"), [
    # grouping by a thin or no-break space is a number, not a code with a leading zero
    ("a sample size of approximately 10\u2009000 would be required", ["10000"]),
    ("Of the 42\u00a0000 patients", ["42000"]),
    # a comma ends the label of a session: the next number is data
    ("The two follow-ups (session 7, 26 weeks) were", ["26"]),
    # a decade of other studies may be held (external_other)
    ("studies from the 1960s", ["1960"]),
    # dates keep their parts
    ("enrolled between March 2010 and May 2012", ["2010-03", "2012-05"]),
    ("on 2015-01-03 at 08.30", ["2015-01-03", "08.30"]),
    # a P value, a decimal and a percentage with a leading zero are data
    ("P = 0.05 and 0.3% of 1200", ["0.05", "0.3", "1200"]),
    # a performance status cut-off may be an eligibility criterion: kept
    ("Age was at least 18 years with performance status 0–2", ["18", "0", "2"]),
    # a count out of a thousand is a denominator
    ("events occurred in 110/1000 patients", ["110", "1000"]),
    ("at least one serious event occurred in 12 patients", ["12"]),
    # "max 10" is no power of ten
    ("a max 10 days", ["10"]),
])
def test_data_kept(text: str, kept: list[str]) -> None:
    assert _values(text) == kept


def test_spans_cover_the_number() -> None:
    text = "see table 2"
    (a, b), = not_data_spans(text)
    assert text[a:b] == "table 2"
