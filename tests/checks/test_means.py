"""The ``means-sd`` check (:mod:`trialrecon.checks.families.means`): planted errors (GRIM,
GRIMMER, SE against SD, an SD that is an SE, a mean difference, a pooled mean) and what it
leaves alone. Hand calculations of GRIM and GRIMMER are in tests/test_summary_stats.py."""

from __future__ import annotations

from conftest import matches
from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("means-sd")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def _one(planted, ids):
    return next(f for f in planted.findings if f.check == "means-sd" and matches(f, ids))


def test_sentences_quote_the_arithmetic(planted):
    assert "1.10 g/dL (Table 3) over sqrt(380) = 0.0564" in _one(planted, ["m13_se"]).sentence
    assert "0.60 - 0.37 = 0.2300" in _one(planted, ["m14_est"]).sentence
    assert "sqrt(370) = 19.2" in _one(planted, ["m15_placebo_sd"]).sentence
    assert "does not say" in _one(planted, ["m17_mean"]).sentence  # a score: an assumption


def test_grim_never_runs_on_measurements(tmp_path):
    """2.47 g/dL over 20 patients is no count: GRIM says nothing (it would fail for a count)."""
    rows = [row("m", "drug", "outcome", "Hb", "mean", "2.47", unit="g/dL", denominator=20)]
    findings, _ = run(tmp_path, rows, ("means-sd",))
    assert findings == []


def test_a_restated_adjusted_mean_difference_is_not_judged(tmp_path):
    """'1.37 mL smaller with drug' restates the adjusted MD -1.37 the other way round."""
    rows = [row("x", "drug", "outcome", "Vol", "mean", "3.72", unit="mL"),
            row("y", "placebo", "outcome", "Vol", "mean", "4.90", unit="mL"),
            row("adj", "", "mean_difference", "Vol", "estimate", "-1.37", unit="mL",
                adjustment="adjusted"),
            row("txt", "placebo", "mean_difference", "Vol", "estimate", "1.37", unit="mL",
                versus="drug", location="Discussion")]
    findings, skipped = run(tmp_path, rows, ("means-sd",))
    assert findings == [] and skipped


def test_a_mean_difference_whose_p_names_a_model_is_not_the_raw_difference(tmp_path):
    """An MMRM difference of 2.3 beside raw means 10.0 and 8.0: the P column names the mixed
    model, so the difference is a model's (least-squares) estimate."""
    rows = [row("x", "drug", "outcome", "Score", "mean", "10.0", unit="points"),
            row("y", "placebo", "outcome", "Score", "mean", "8.0", unit="points"),
            row("md", "", "mean_difference", "Score", "estimate", "2.3", unit="points",
                row="Score"),
            row("p", "", "mean_difference", "Score", "p_value", "0.01", test="mixed_model",
                row="Score", column="P")]
    findings, skipped = run(tmp_path, rows, ("means-sd",))
    assert findings == [] and skipped


def test_a_pooled_sd_the_arms_cannot_give(tmp_path):
    """All patients 173 (SD 27.5) from 172 (27.5), n = 1161 and 174 (26.8), n = 1164: the SD
    together is at most sqrt((1160 x 27.55^2 + 1163 x 26.85^2 + 1161 x 1164 / 2325 x 3^2) /
    2324) = sqrt((880443 + 838433 + 5231) / 2324) = 27.24 (means 171.5-172.5 and
    173.5-174.5 differ by at most 3): 27.5 is impossible."""
    trial_rows = []
    for arm, mean, sd, n in (("drug", "172", "27.5", 1161), ("placebo", "174", "26.8", 1164)):
        trial_rows += [row(f"m_{arm}", arm, "baseline_value", "SBP", "mean", mean, unit="mmHg",
                           denominator=n, location="Table 1"),
                       row(f"s_{arm}", arm, "baseline_value", "SBP", "sd", sd, unit="mmHg",
                           denominator=n, location="Table 1")]
    trial_rows += [row("m_all", "", "baseline_value", "SBP", "mean", "173", unit="mmHg",
                       location="Results"),
                   row("s_all", "", "baseline_value", "SBP", "sd", "27.5", unit="mmHg",
                       location="Results")]
    findings, _ = run(tmp_path, trial_rows, ("means-sd",))
    flagged = [f for f in findings if f.severity != "consistent"]
    assert len(flagged) == 1 and flagged[0].severity == "inconsistent"
    assert "27.24" in flagged[0].sentence
    assert any(f.severity == "consistent" and matches(f, ["m_all", "m_drug"]) for f in findings)
