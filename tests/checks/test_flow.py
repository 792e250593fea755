"""The ``flow-sums`` check (:mod:`trialrecon.checks.families.flow`): the vocabulary's
identities and reasons against their total."""

from __future__ import annotations

from conftest import matches
from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("flow-sums")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_a_partial_list_of_reasons_is_not_a_finding(planted):
    assert not [f for f in planted.findings if f.check == "flow-sums"
                and matches(f, ["f16_discontinued_adve"])]
    assert any("partial list" in k for k in planted.skipped["flow-sums"])


def test_a_missing_term_makes_an_identity_not_applicable(tmp_path):
    """Screened 1000 and randomized 790 without the screen failures: nothing to add up."""
    rows = [row("s", "", "screened", "", "count", 1000, location="Figure 1"),
            row("r", "", "randomized", "", "count", 790, location="Figure 1")]
    findings, _ = run(tmp_path, rows, ("flow-sums",))
    assert findings == []


def test_boxes_counted_apart_close_the_completion_sum(tmp_path):
    """400 randomized = 360 completed + 30 discontinued + 10 lost to follow-up."""
    rows = [row("r", "drug", "randomized", "", "count", 400, location="Figure 1"),
            row("c", "drug", "completed", "", "count", 360, location="Figure 1"),
            row("d", "drug", "discontinued", "", "count", 30, location="Figure 1"),
            row("l", "drug", "lost_to_follow_up", "", "count", 10, location="Figure 1")]
    findings, _ = run(tmp_path, rows, ("flow-sums",))
    assert [f.severity for f in findings] == ["consistent"]
    assert "apart" in findings[0].sentence


def test_screen_failure_reasons_above_the_total_are_several_per_patient(tmp_path):
    """30 screen failures, reasons 20 + 12 = 32: a patient may fail two criteria (consistent);
    the same layout for discontinuations (one reason each) stays inconsistent."""
    rows = [row("sf", "", "screen_failure", "", "count", 30, location="Figure 1"),
            row("sf1", "", "screen_failure", "Not eligible", "count", 20, location="Figure 1"),
            row("sf2", "", "screen_failure", "Declined", "count", 12, location="Figure 1")]
    findings, _ = run(tmp_path, rows, ("flow-sums",))
    assert [f.severity for f in findings] == ["consistent"]
    assert "several criteria" in findings[0].sentence
    rows = [row("d", "drug", "discontinued", "", "count", 30, location="Figure 1"),
            row("d1", "drug", "discontinued", "Adverse event", "count", 20, location="Figure 1"),
            row("d2", "drug", "discontinued", "Withdrew", "count", 12, location="Figure 1")]
    findings, _ = run(tmp_path / "b", rows, ("flow-sums",))
    assert [f.severity for f in findings] == ["inconsistent"]
