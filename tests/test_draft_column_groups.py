"""Tables printing the arms again under each of several spanning time headings (issue 20).

A characteristics table may print "Drug X | P | Placebo" once under each of "At baseline",
"At the end of treatment" and "After 5 years", with each group's n in a body row ``n``.
The data dictionary (data/raw/README.md, "a time or stage printed in a column heading
above the arms") joins the time to every category; each number is over its own group's n;
a group whose n's are the counts a declared set's label states is of that set. Small
tables of their own words for the fictional trial of ``fictional_trial.py``; the labels
expected are written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fictional_trial import drafted_at as _at
from fictional_trial import results_builder, trial_yaml

from trialrecon.dossier.draft import read_names
from trialrecon.dossier.draft.captionsubgroup import added_subgroup
from trialrecon.dossier.draft.document import Builder, RawCell
from trialrecon.dossier.draft.lexicon import _label_counts
from trialrecon.dossier.draft.methodkinds import kind_test, stated_kind_tests
from trialrecon.dossier.draft.sexpairs import sex_order
from trialrecon.dossier.draft.structured import draft_document, figure_name
from trialrecon.dossier.draft.stubs import split_stub
from trialrecon.dossier.draft.tablerows import time_heading
from trialrecon.dossier.draft.tablesets import declared_set

_TIMES = ("At study start", "At the end of treatment", "After 5 years")
_ARMS = ("Drug X", "p-value", "Placebo")
# each group's n, then rows printed once per group (Drug X, P, Placebo)
_BODY = [
    ("n", "100", "", "98", "90", "", "85", "70", "", "60"),
    ("Age, mean", "70", "", "71", "74", "", "75", "78", "", "79"),
    ("Current smokers, n (%)", "20 (20.0)", "0.70", "18 (18.4)", "18 (20.0)", "0.80",
     "16 (18.8)", "14 (20.0)", "0.90", "12 (20.0)"),
]
_SETS = ('  - id: end_treatment\n    label: "patients counted at the end of treatment '
         '(90 drug X, 85 placebo)"\n'
         '  - id: five_years\n    label: "patients counted after 5 years (70 drug X, '
         '60 placebo)"\n')
_METHODS = ("Student's t-test was used for continuous variables and the chi-square test "
            "was used for discrete variables.")


def _text(text: str, header: bool = False, colspan: int = 1) -> RawCell:
    return RawCell(((text, "", ""),), colspan=colspan, header=header)


def _draft(tmp_path: Path, caption: str, methods: str = "",
           populations: str = _SETS) -> list[dict[str, str]]:
    """Draft the three-group table (caption ``caption``) with the methods paragraph
    ``methods`` and the trial's declared sets ``populations``."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(populations=populations), encoding="utf-8")
    b = results_builder(methods)
    top = [_text("", header=True)] + [_text(t, header=True, colspan=3) for t in _TIMES]
    second = [_text("", header=True)] + [_text(a, header=True) for _ in _TIMES for a in _ARMS]
    rows = [top, second] + [[_text(x) for x in row] for row in _BODY]
    b.table("Table 1", [(caption, "", "")], rows=rows, notes=[], header_rows=2)
    names = read_names(tmp_path / "trial.yaml")
    return [{**d.fields, "review": "yes" if d.needs_review else ""}
            for d in draft_document(b.build(), names, "paper")]


_CAPTION = "Characteristics of the patients at baseline, at the end of treatment and after 5 years"


def test_the_time_of_a_spanning_heading_joins_every_category(tmp_path: Path) -> None:
    rows = _draft(tmp_path, _CAPTION)
    late = _at(rows, "Current smokers, n (%)", "After 5 years / Drug X", "count")
    assert (late["quantity"], late["category"], late["value"]) == \
        ("baseline", "Current smokers, after 5 years", "14")
    start = _at(rows, "Current smokers, n (%)", "At study start / Placebo", "percent")
    assert start["category"] == "Current smokers, at study start"
    p = _at(rows, "Current smokers, n (%)", "At the end of treatment / p-value", "p_value")
    # a yes/no row printed "n (%)" is counted: its P value is of the count, not a mean
    assert (p["quantity"], p["category"]) == ("baseline", "Current smokers, at the end of "
                                                          "treatment")
    # a quantity of no category of its own ("Age, mean") takes the time alone
    age = _at(rows, "Age, mean", "After 5 years / Placebo", "mean")
    assert (age["quantity"], age["category"], age["value"]) == ("age", "after 5 years", "79")


def test_each_column_group_is_over_its_own_n(tmp_path: Path) -> None:
    rows = _draft(tmp_path, _CAPTION)
    for column, n in (("At study start / Drug X", "100"), ("At study start / Placebo", "98"),
                      ("At the end of treatment / Drug X", "90"),
                      ("At the end of treatment / Placebo", "85"),
                      ("After 5 years / Drug X", "70"), ("After 5 years / Placebo", "60")):
        assert _at(rows, "Current smokers, n (%)", column, "count")["denominator"] == n
        assert _at(rows, "Age, mean", column, "mean")["denominator"] == n


def test_a_group_whose_n_a_declared_set_states_is_of_that_set(tmp_path: Path) -> None:
    rows = _draft(tmp_path, _CAPTION)
    n_start = _at(rows, "n", "At study start / Drug X", "count")
    assert (n_start["quantity"], n_start["population"]) == ("randomized", "")
    n_end = _at(rows, "n", "At the end of treatment / Placebo", "count")
    assert (n_end["quantity"], n_end["population"], n_end["value"]) == \
        ("analysed", "end_treatment", "85")
    assert _at(rows, "Current smokers, n (%)", "After 5 years / Placebo",
               "count")["population"] == "five_years"
    assert _at(rows, "Current smokers, n (%)", "At study start / Placebo",
               "count")["population"] == ""


def test_a_caption_naming_a_time_names_no_set(tmp_path: Path) -> None:
    """The caption says "after 5 years" (words of a declared set's label): a time, not a set
    of patients, so the first group's numbers take no set from it."""
    rows = _draft(tmp_path, "Characteristics after 5 years of follow-up")
    assert _at(rows, "Age, mean", "At study start / Drug X", "mean")["population"] == ""


def test_the_methods_test_for_the_kind_of_values(tmp_path: Path) -> None:
    """The methods name the chi-square test for discrete variables: a table P value of
    counts takes it, for review; without the methods it has none."""
    p = _at(_draft(tmp_path, _CAPTION, _METHODS), "Current smokers, n (%)",
            "At study start / p-value", "p_value")
    assert (p["test"], p["review"]) == ("chi_square", "yes")
    (tmp_path / "bare").mkdir()
    bare = _at(_draft(tmp_path / "bare", _CAPTION), "Current smokers, n (%)",
               "At study start / p-value", "p_value")
    assert bare["test"] == ""


def test_stated_kind_tests() -> None:
    pairs = stated_kind_tests([_METHODS])
    assert ("counts", "chi_square") in pairs and ("measure", "t_test") in pairs
    assert kind_test(pairs, counts=True, measure=False) == "chi_square"
    assert kind_test(pairs, counts=False, measure=True) == "t_test"
    assert kind_test(pairs, counts=True, measure=True) == ""
    # two tests for the counts ("chi-square and Fisher's exact test"): not which
    two = stated_kind_tests(["Categorical data were tested using chi-square and Fisher's "
                             "exact test."])
    assert kind_test(two, counts=True, measure=False) == ""
    # a test named with no kind of values ("analysed with the log-rank test"): none
    assert stated_kind_tests(["Survival was compared with the log-rank test."]) == ()


@pytest.mark.parametrize(("label", "time"), [
    ("At study start / Drug X", "At study start"),
    ("At the end of treatment / Placebo", "At the end of treatment"),
    ("After 5 years / Placebo", "After 5 years"),
    ("2.5 years of follow-up / Drug X", "2.5 years of follow-up"),
    ("At randomisation / Drug X", "At randomisation"),
    ("Final Assessment / Drug X", "Final Assessment"),
    ("Men / Drug X", ""),
    ("Drug X", ""),
])
def test_time_headings(label: str, time: str) -> None:
    assert time_heading(label) == time


def test_a_statistic_after_a_comma_leaves_the_stub() -> None:
    assert split_stub("Age, mean").name == "Age"
    assert split_stub("Weight, median").name == "Weight"
    assert split_stub("Mean").name == "Mean"  # the whole stub: no name left, kept


def test_label_counts_in_brackets() -> None:
    assert _label_counts("counted after 10 years (175 active, 136 placebo)") == \
        frozenset({"175", "136"})
    assert _label_counts("live-born infants 402 and 388") == frozenset({"402", "388"})


def test_time_words_alone_name_no_declared_set(tmp_path: Path) -> None:
    (tmp_path / "trial.yaml").write_text(trial_yaml(populations=_SETS), encoding="utf-8")
    names = read_names(tmp_path / "trial.yaml")
    assert declared_set("Cox model after 5 years of follow-up", names) == ""
    assert declared_set("patients counted after 5 years", names) == "five_years"


@pytest.mark.parametrize(("label", "name"), [
    ("Fig 1", "Figure 1"), ("Fig. 2A", "Figure 2A"), ("FIG. 3", "Figure 3"),
    ("Figure 4", "Figure 4"), ("S1 Fig", "S1 Fig")])
def test_figure_legends_are_named_as_the_dictionary_says(label: str, name: str) -> None:
    """PLOS prints "Fig 1", others "Fig. 1" or "Figure 1": the place is `Figure 1 legend`."""
    assert figure_name(label) == name


@pytest.mark.parametrize(("stub", "order"), [
    ("Males/Females, n", ("male", "female")), ("Women/men", ("female", "male")),
    ("Sex (M/F)", ("male", "female")), ("Gender, F/M", ("female", "male")),
    ("Stage III/IV", None), ("Mild/moderate", None)])
def test_a_stub_naming_both_sexes(stub: str, order: tuple[str, str] | None) -> None:
    assert sex_order(stub) == order


def test_a_cell_of_men_and_women_is_two_counts(tmp_path: Path) -> None:
    """"Men/Women | 52/48" is the column's 52 men and 48 women (each over the group's n),
    not 52 of 48; another "a/b" stays a count over its denominator."""
    rows = _draft_rows(tmp_path, [("n", "100", "", "98"), ("Men/Women", "52/48", "", "50/48"),
                                  ("Relapse, n/N", "12/90", "", "15/85")])
    men = [r for r in rows if r["row"] == "Men/Women" and r["column"] == "At study start / "
           "Placebo"]
    assert sorted((r["quantity"], r["value"], r["denominator"]) for r in men) == \
        [("female", "48", "98"), ("male", "50", "98")]
    relapse = _at(rows, "Relapse, n/N", "At study start / Drug X", "count")
    assert (relapse["value"], relapse["denominator"]) == ("12", "90")


def _draft_rows(tmp_path: Path, body: list[tuple[str, ...]]) -> list[dict[str, str]]:
    """Draft a one-group baseline table ("At study start" over Drug X, P, Placebo)."""
    (tmp_path / "trial.yaml").write_text(trial_yaml(), encoding="utf-8")
    b = Builder("fict.nxml", "jats")
    b.open_section("Results", 1)
    rows = [[_text("", header=True), _text("At study start", header=True, colspan=3)],
            [_text("", header=True)] + [_text(a, header=True) for a in _ARMS]]
    rows += [[_text(x) for x in row] for row in body]
    b.table("Table 1", [("Baseline characteristics", "", "")], rows=rows, notes=[],
            header_rows=2)
    return [dict(d.fields) for d in draft_document(b.build(), read_names(tmp_path /
                                                                         "trial.yaml"), "paper")]


@pytest.mark.parametrize(("earlier", "later", "subgroup"), [
    ("Cox regression of death by treatment adjusted for age and stage in all patients",
     "Cox regression of death by treatment adjusted for age and stage in patients with "
     "diabetes mellitus", "Diabetes mellitus"),
    ("Multivariable model of stroke in the elderly population of the trial",
     "Multivariable model of stroke in the elderly with atrial fibrillation from the trial",
     "Atrial fibrillation"),
    # the same title naming a time, not a subgroup: none
    ("Cox regression of death by treatment adjusted for age and stage at 5 years",
     "Cox regression of death by treatment adjusted for age and stage at 10 years", ""),
    # two titles of other analyses: none
    ("Baseline characteristics of the patients", "Adverse events with an incidence above 5%",
     ""),
])
def test_a_subgroup_a_repeated_title_adds(earlier: str, later: str, subgroup: str) -> None:
    assert added_subgroup(earlier, later) == subgroup
