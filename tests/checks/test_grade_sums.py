"""The ``grade-sums`` check (:mod:`trialrecon.checks.families.grade_sums`): grade levels of
one event against the grades they span, read from the vocabulary's ``includes``."""

from __future__ import annotations

from conftest import matches
from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("grade-sums")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_a_level_split_in_part_is_judged_only_when_exceeded(tmp_path):
    """Any grade 30 with grade 1-2 20 and grade 3-4 8 (no grade 5 printed): 28 below 30 may
    be grade 5 patients; not a finding."""
    rows = [row(f"g_{q}", "drug", f"ae_{q}", "Rash", "count", v, denominator=100)
            for q, v in (("any_grade", 30), ("grade12", 20), ("grade34", 8))]
    findings, _ = run(tmp_path, rows, ("grade-sums",))
    assert findings == []


def test_the_table_shows_its_worst_grade_convention(tmp_path):
    """Three terms add up exactly; the fourth (5 + 1 = 6 above 5) is said against them."""
    rows = []
    for term, (anyg, g12, g3p) in {"Rash": (10, 8, 2), "Nausea": (6, 6, 0),
                                   "Fatigue": (9, 7, 2), "Anemia": (5, 5, 1)}.items():
        for q, v in (("any_grade", anyg), ("grade12", g12), ("grade3plus", g3p)):
            rows.append(row(f"{term.lower()}_{q}", "drug", f"ae_{q}", term, "count", v,
                            denominator=100, location="Table 3"))
    findings, _ = run(tmp_path, rows, ("grade-sums",))
    flagged = [f for f in findings if f.severity != "consistent"]
    assert len(flagged) == 1 and flagged[0].severity == "questionable"
    assert "3 other rows of Table 3 add up exactly" in flagged[0].sentence
    assert matches(flagged[0], ["anemia_any_grade", "anemia_grade12", "anemia_grade3plus"])


def test_a_grade_3_or_higher_count_above_any_grade_is_ranges_pooled(tmp_path):
    """The order of grade levels (grade >= 3 <= any grade) is the ranges-pooled check's: it
    reads the same closed ``includes``; grade-sums does not repeat it."""
    rows = [row("g_any", "drug", "ae_any_grade", "Rash", "count", 8, denominator=100),
            row("g_3p", "drug", "ae_grade3plus", "Rash", "count", 10, denominator=100)]
    findings, _ = run(tmp_path, rows, ("ranges-pooled", "grade-sums"))
    assert [(f.check, f.severity) for f in findings] == [("ranges-pooled", "inconsistent")]
