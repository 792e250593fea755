"""The ``event-rates`` check (:mod:`trialrecon.checks.families.rates`): rates against events
and exposure, rate ratios and differences, pooled rates. References: 30/720 x 100 = 4.17 and
45/740 x 100 = 6.08 per 100 person-years; (30/720)/(45/740) = 0.685, Wald interval 0.432 to
1.088 (tests/test_summary_stats.py); R poisson.test(c(30,45), c(720,740)) 0.417 to 1.112."""

from __future__ import annotations

from conftest import matches
from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("event-rates")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_names_the_poisson_interval(planted):
    f = next(f for f in planted.findings if f.check == "event-rates"
             and matches(f, ["r1_est", "r1_lo"]))
    assert f.severity == "consistent" and "Poisson Wald" in f.sentence


def test_an_adjusted_rate_ratio_is_not_judged(tmp_path):
    rows = [row("x", "drug", "outcome", "Inf", "rate", "4.2", unit="per_100_person_years"),
            row("y", "placebo", "outcome", "Inf", "rate", "6.1", unit="per_100_person_years"),
            row("rr", "", "rate_ratio", "Inf", "estimate", "0.50", adjustment="adjusted")]
    findings, skipped = run(tmp_path, rows, ("event-rates",))
    assert findings == [] and skipped
