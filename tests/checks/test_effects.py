"""The ``effect-measures`` check (:mod:`trialrecon.checks.families.effects`): planted errors,
the methods it names, and the reporting conventions it must not flag.

Reference values (R 4.2.2, epitools; see tests/test_twobytwo.py for the R code): 40/400 vs
52/390 gives RR 0.750 (Katz 0.509 to 1.105), OR 0.722 (Woolf 0.466 to 1.119), RD -3.33
percentage points (Wald -7.81 to 1.14); 3/20 vs 10/20 gives the conditional MLE 0.185 (exact
0.026 to 0.945, fisher.test).
"""

from __future__ import annotations

from conftest import matches
from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("effect-measures")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def _one(planted, ids):
    return next(f for f in planted.findings if f.check == "effect-measures" and matches(f, ids))


def test_names_the_method_of_each_interval(planted):
    assert "log (Katz 1978)" in _one(planted, ["e1_est"]).sentence
    assert "exact conditional (Cornfield 1956; Fisher)" in _one(planted, ["e2_est"]).sentence
    assert "Newcombe hybrid score" in _one(planted, ["e3_est"]).sentence
    assert "0.5 added to each cell" in _one(planted, ["e6_est"]).sentence
    reversed_ = _one(planted, ["e5_est"])
    assert reversed_.severity == "consistent" and "comparator over experimental" in \
        reversed_.sentence


def test_writes_the_arithmetic_and_the_gross_flip(planted):
    """RR 0.80 against (40/400)/(52/390) = 0.1000/0.1333 = 0.7500."""
    f = _one(planted, ["e11_est"])
    assert "(40/400) / (52/390) = 0.1000 / 0.1333 = 0.7500" in f.sentence
    assert _one(planted, ["e13_est"]).recomputation["gross"] is True


def test_adjusted_estimates_are_not_judged(planted):
    assert not [f for f in planted.findings if f.check == "effect-measures"
                and matches(f, ["e8_est"])]
    assert any("adjusted" in k for k in planted.skipped["effect-measures"])


def _counts(a=40, n1=400, b=52, n2=390):
    return [row("x_n", "drug", "outcome", "Death", "count", a, denominator=n1),
            row("p_n", "placebo", "outcome", "Death", "count", b, denominator=n2)]


def test_a_restated_adjusted_estimate_is_not_crude(tmp_path):
    """The Results repeat the table's adjusted RR 0.60 without saying it is adjusted."""
    rows = _counts() + [
        row("adj", "", "risk_ratio", "Death", "estimate", "0.60", adjustment="adjusted"),
        row("txt", "", "risk_ratio", "Death", "estimate", "0.60", location="Results")]
    findings, skipped = run(tmp_path, rows, ("effect-measures",))
    assert findings == [] and skipped


def test_an_interval_from_a_named_model_is_not_judged_from_counts(tmp_path):
    """A GEE interval (twins) is wider than any count method; the estimate is still judged."""
    rows = _counts(26, 402, 23, 388) + [
        row("rr", "", "risk_ratio", "Death", "estimate", "1.09", row="Death"),
        row("lo", "", "risk_ratio", "Death", "ci_low", "0.62", row="Death"),
        row("hi", "", "risk_ratio", "Death", "ci_high", "1.92", row="Death"),
        row("p", "", "risk_ratio", "Death", "p_value", "0.763", row="Death", test="gee",
            column="P")]
    findings, skipped = run(tmp_path, rows, ("effect-measures",))
    assert [f.severity for f in findings] == ["consistent"]
    assert any("gee" in k for k in skipped)


def test_an_interval_only_rounded_twice_is_consistent(tmp_path):
    """20/200 vs 22/200: OR (20 x 178) / (180 x 22) = 0.899, Woolf 0.4740 to 1.7049 (exp(log
    0.899 +- 1.96 sqrt(1/20 + 1/180 + 1/22 + 1/178))); printed 0.47-1.71, 1.7049 -> 1.705 ->
    1.71 only when rounded twice. The paper names no interval method, so this is within what
    other methods give: consistent, saying so (issue 22). 1.73 stays a finding."""
    def rows(hi: str) -> list[dict[str, str]]:
        return _counts(20, 200, 22, 200) + [
            row("or", "", "odds_ratio", "Death", "estimate", "0.90"),
            row("lo", "", "odds_ratio", "Death", "ci_low", "0.47"),
            row("hi", "", "odds_ratio", "Death", "ci_high", hi)]
    findings, _ = run(tmp_path, rows("1.71"), ("effect-measures",))
    assert len(findings) == 1 and findings[0].severity == "consistent"
    assert findings[0].recomputation["rounding_only"] is True
    assert "rounded twice" in findings[0].sentence
    findings, _ = run(tmp_path / "b", rows("1.73"), ("effect-measures",))
    assert [f.severity for f in findings] == ["questionable"]


def test_the_format_example_is_consistent():
    from conftest import PLANTED

    from trialrecon.checks import run_checks
    from trialrecon.dossier import load_dossier

    rec = run_checks(load_dossier(PLANTED.parent / "format_examples" / "formex_rct"))
    mine = [f for f in rec.findings if f.check == "effect-measures"]
    assert mine and all(f.severity == "consistent" for f in mine)


def test_a_last_digit_at_four_significant_digits_is_consistent(tmp_path):
    """88/106 vs 81/108: RR = 0.830189/0.75 = 1.106918, Katz interval 0.963451 to 1.271749;
    printed 1.1069 (0.9634 to 1.2718): each bound one unit of the fourth decimal off, a
    precision no reader quotes and no reviewer sends (issue 22): consistent, the finding
    saying so. The same interval printed 0.9624 to 1.2718 (ten units off) stays flagged."""
    rows = _counts(88, 106, 81, 108) + [
        row("rr", "", "risk_ratio", "Death", "estimate", "1.1069"),
        row("lo", "", "risk_ratio", "Death", "ci_low", "0.9634"),
        row("hi", "", "risk_ratio", "Death", "ci_high", "1.2718")]
    findings, _ = run(tmp_path, rows, ("effect-measures",))
    assert [f.severity for f in findings] == ["consistent"]
    assert findings[0].recomputation["rounding_only"] is True
    assert "last" in findings[0].sentence and "0.963451" in findings[0].sentence
    rows[-2] = row("lo", "", "risk_ratio", "Death", "ci_low", "0.9624")
    findings, _ = run(tmp_path / "far", rows, ("effect-measures",))
    assert [f.severity for f in findings] == ["questionable"]
