"""Arms, units and statistics of numbers in sentences, as trial reports print them per arm.

Each test drafts a fictional one-paragraph paper written here (no real paper's words) with a
fictional trial's arms, and checks the labels the data dictionary (data/raw/README.md) asks
for: the arm a reporting convention names ("a vs b months in B", "for groups A and B,
respectively", "A and B ... a and b"), the unit and statistic printed once for a run of
numbers ("29.8 versus 18.5%"), quartiles, rates "per 1,000 device days", and a chi-square
with its degrees of freedom. A label read from a convention that can mislead stays flagged.
"""

from __future__ import annotations

from pathlib import Path

from trialrecon.dossier.draft import draft_source, read_names
from trialrecon.dossier.draft.lexicon import names_of


def _trial(arms: list[tuple[str, str, str]]) -> str:
    text = ('id: fict\ntitle: "Fictional"\ndesign: randomized\nsources:\n  - id: paper\n'
            '    kind: paper\n    citation: "Fictional 2024"\ncohorts:\n  - id: all\n'
            '    label: "All randomised patients"\narms:\n')
    for ident, label, role in arms:
        text += f'  - id: {ident}\n    label: "{label}"\n    role: {role}\n'
    return text


DRUG_PLACEBO = [("drug_x", "Drug X", "experimental"), ("placebo", "Placebo", "comparator")]
LETTERED = [("grp_a", "Group A (oral drug Q)", "experimental"),
            ("grp_b", "Group B (infused drug R)", "comparator")]
COMBINED = [("q_plus_r", "Drugq+Drugr", "experimental"), ("r_alone", "Drugr", "comparator")]


def _draft(tmp_path: Path, arms: list[tuple[str, str, str]], sentence: str) -> list:
    """The drafted rows of ``sentence``, the Results paragraph of a fictional paper."""
    (tmp_path / "trial.yaml").write_text(_trial(arms), encoding="utf-8")
    paper = tmp_path / "paper.html"
    paper.write_text(f"<html><body><h2>Results</h2><p>{sentence}</p></body></html>",
                     encoding="utf-8")
    return draft_source(paper, read_names(tmp_path / "trial.yaml"), "paper")[1]


def _at(rows: list, value: str) -> object:
    found = [d for d in rows if d.fields["value"] == value]
    assert len(found) == 1, [d.fields for d in found]
    return found[0]


# ------------------------------------------------------------------------------ arms


def test_one_arm_named_after_a_pair_is_the_second_numbers(tmp_path):
    """"(10.3 vs. 7.4 months in Drugr alone)": 7.4 is Drugr's; 10.3 the other arm's
    (flagged: read from the two-arm design, not from a word at the number)."""
    rows = _draft(tmp_path, COMBINED, "Drugq plus Drugr did not prolong survival compared "
                                      "with Drugr alone (10.3 vs. 7.4 months in Drugr alone, "
                                      "P = 0.42).")
    assert _at(rows, "7.4").fields["arm"] == "r_alone"
    first = _at(rows, "10.3")
    assert first.fields["arm"] == "q_plus_r" and first.needs_review
    assert first.fields["unit"] == "months"  # printed once after the run


def test_respectively_over_two_runs_with_lettered_groups(tmp_path):
    """"10.2 and 10.8 months ..., while ... 20.0 and 25.3 months, for groups A and B,
    respectively": each run takes the groups in order; the follow-up before them none."""
    rows = _draft(tmp_path, LETTERED,
                  "After a median follow-up of 42 months, median time to progression was 10.2 "
                  "and 10.8 months (p = 0.74), while median survival was 20.0 and 25.3 months "
                  "(p = 0.099), for groups A and B, respectively.")
    assert [_at(rows, v).fields["arm"] for v in ("10.2", "10.8", "20.0", "25.3")] == \
        ["grp_a", "grp_b", "grp_a", "grp_b"]
    assert _at(rows, "42").fields["arm"] == ""


def test_arms_listed_before_a_run_without_respectively(tmp_path):
    """"The median duration of Drugq plus Drugr and Drugr treatment was 1.8 (range ...) and
    2.8 (range ...) months": in order, spreads with their numbers, flagged (no
    'respectively')."""
    rows = _draft(tmp_path, COMBINED,
                  "The median duration of Drugq plus Drugr and Drugr treatment was 1.8 (range, "
                  "0.2-31.5 months) and 2.8 (range, 0.3-30.1 months).")
    assert [_at(rows, v).fields["arm"] for v in ("1.8", "0.2", "31.5")] == ["q_plus_r"] * 3
    assert [_at(rows, v).fields["arm"] for v in ("2.8", "0.3", "30.1")] == ["r_alone"] * 3
    assert _at(rows, "1.8").needs_review


def test_the_arm_after_a_number_is_not_the_next_numbers(tmp_path):
    """"2.0 and 14.5 months in A and 2.8 and 13.2 months in B": 2.8 is B's, not A's (the
    arm named right before it is the number before's)."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "The median times were 2.0 months and 14.5 months in the Drug X group and "
                  "2.8 months and 13.2 months in the placebo group.")
    assert _at(rows, "14.5").fields["arm"] == "drug_x"
    assert [_at(rows, v).fields["arm"] for v in ("2.8", "13.2")] == ["placebo", "placebo"]


def test_initials_that_are_words_are_no_arm_names():
    """"Once-daily radiotherapy" has the initials "or", "Alternative treatment" "at": in
    the folded text they are the words "or" and "at", so no alias; "NRT plus bupropion" is
    not named by "nrt" where another arm is labelled "NRT"."""
    names = names_of({"cohorts": [{"id": "all", "label": "All"}], "arms": [
        {"id": "od", "label": "Once-daily radiotherapy"},
        {"id": "alt", "label": "Alternative treatment (pills)"},
        {"id": "nrt", "label": "NRT"}, {"id": "combo", "label": "NRT plus bupropion"},
        {"id": "qr", "label": "Drugq+Drugr"}]})
    aliases = {a.ident: a.aliases for a in names.arm_names}
    assert "or" not in aliases["od"] and "at" not in aliases["alt"]
    assert "nrt" in aliases["nrt"] and "nrt" not in aliases["combo"]
    assert "drugq plus drugr" in aliases["qr"]
    assert [h.name for h in names.find("cisplatin on day 1, or etoposide", "arm")] == []


# ------------------------------------------------------------------ units and statistics


def test_a_percent_printed_once_after_a_run(tmp_path):
    """"(29.8 versus 18.5%)", "(35.9 vs. 35.1%)": both numbers are percents."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "Abstinence was higher with a history of depression (29.8 versus 18.5%, "
                  "P = 0.06).")
    first = _at(rows, "29.8").fields
    assert (first["statistic"], first["unit"]) == ("percent", "percent")


def test_two_design_parameters_are_no_run(tmp_path):
    """"an α level (two-sided) of 0.05 and 80% power", "α = 0.05, 90% power": the alpha
    is a probability, not a percent printed once for both."""
    for sentence in ("We assumed an α level (two-sided) of 0.05 and 80% power.",
                     "The sample size gave α = 0.05, 90% power."):
        rows = _draft(tmp_path, DRUG_PLACEBO, sentence)
        assert _at(rows, "0.05").fields["unit"] != "percent", sentence


def test_quartiles_after_a_median(tmp_path):
    """"121 hours (quartiles 86.5 and 172.5 hours)": the quartiles are iqr_low and
    iqr_high in hours, of the arm named after the median; a number printed with its
    quartiles is a median."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "The median therapy was 121 hours (quartiles 86.5 and 172.5 hours) in the "
                  "Drug X group and 113 hours (quartiles 72 and 172 hours) in the placebo "
                  "group (P = 0.21).")
    low, high = _at(rows, "86.5").fields, _at(rows, "172.5").fields
    assert (low["statistic"], high["statistic"]) == ("iqr_low", "iqr_high")
    assert low["unit"] == high["unit"] == "hours"
    assert low["arm"] == high["arm"] == "drug_x"
    assert _at(rows, "113").fields["statistic"] == "median"
    assert _at(rows, "72").fields["arm"] == "placebo"


def test_a_rate_per_a_number_of_days(tmp_path):
    """"68 per 1,000 device days (Drug X)": a rate in per_1000_device_days of Drug X, and
    the 1,000 is no row of its own."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "Complication rates were 68 per 1,000 device days (Drug X) and 66 per "
                  "1,000 device days (placebo).")
    rate = _at(rows, "68").fields
    assert (rate["statistic"], rate["unit"], rate["arm"]) == \
        ("rate", "per_1000_device_days", "drug_x")
    assert _at(rows, "66").fields["arm"] == "placebo"
    assert not [d for d in rows if d.fields["value"] == "1000"]


def test_a_chi_square_and_its_degrees_of_freedom(tmp_path):
    """"(χ²(2) = 3.33, P = 0.19)": test_statistic 3.33 and df 2, unit none, no arm, test
    chi_square; "χ2 = 8.9": the 2 of the name is no number."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "Completion differed between the Drug X and placebo groups "
                  "(χ²(2) = 3.33, P = 0.19) and by site (χ2 = 8.9, P = 0.003).")
    stat, df = _at(rows, "3.33").fields, _at(rows, "2").fields
    assert (stat["statistic"], df["statistic"]) == ("test_statistic", "df")
    assert stat["unit"] == df["unit"] == "none" and stat["arm"] == df["arm"] == ""
    assert stat["test"] == df["test"] == "chi_square"
    assert _at(rows, "8.9").fields["statistic"] == "test_statistic"


def test_whole_numbers_that_count_patients(tmp_path):
    """"(117 in group A and 120 in group B)", "only in one patient": counts of patients;
    "hypertension (13), stroke (2)": itemized counts, flagged (of patients or events?)."""
    rows = _draft(tmp_path, LETTERED,
                  "Treatment was stopped (117 in group A and 120 in group B). Embolism "
                  "occurred only in one patient. Reasons were hypertension (13), heart "
                  "disease (3) and other reasons (4).")
    for value, arm in (("117", "grp_a"), ("120", "grp_b")):
        fields = _at(rows, value).fields
        assert (fields["statistic"], fields["unit"], fields["arm"]) == \
            ("count", "patients", arm)
    assert _at(rows, "1").fields["statistic"] == "count"
    listed = _at(rows, "13")
    assert listed.fields["statistic"] == "count" and listed.needs_review


def test_an_arm_after_or_starts_the_next_item(tmp_path):
    """"Drug X (185 patients) or placebo (177 patients)": the arm after "or" is the next
    number's, not the one before it."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "Patients were randomly assigned to Drug X (185 patients) or placebo "
                  "(177 patients).")
    assert _at(rows, "185").fields["arm"] == "drug_x"
    assert _at(rows, "177").fields["arm"] == "placebo"


def test_the_analysis_set_named_in_the_clause(tmp_path):
    """"In the per-protocol analysis, the difference was ...; 31 (42%) of 74 evaluable
    patients responded": the set named in a number's own clause is its population; the
    randomized count of another clause takes none."""
    rows = _draft(tmp_path, DRUG_PLACEBO,
                  "We randomised 150 patients; in the per-protocol analysis, 41 (55%) of 75 "
                  "patients in the Drug X group responded.")
    assert _at(rows, "41").fields["population"] == "per_protocol"
    assert not _at(rows, "150").fields.get("population")


def test_a_regimen_takes_the_arm_named_at_its_end(tmp_path):
    """"Drug Q 7.5 mg/kg day 1 repeated every 21 days (group A) or drug R 5 mg/kg day 1
    repeated every 14 days (group B)": each dose and time is its regimen's arm, flagged."""
    rows = _draft(tmp_path, LETTERED,
                  "Patients received drug Q 7.5 mg/kg on day 1 repeated every 21 days (group "
                  "A) or drug R 5 mg/kg on day 1 repeated every 14 days (group B).")
    for value, arm in (("7.5", "grp_a"), ("21", "grp_a"), ("5", "grp_b"), ("14", "grp_b")):
        row = _at(rows, value)
        assert row.fields["arm"] == arm, (value, row.fields, row.rules)
        assert row.needs_review
