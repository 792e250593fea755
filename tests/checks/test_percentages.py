"""The ``percentages`` check (:mod:`trialrecon.checks.families.percentages`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("percentages")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_no_denominator_the_trial_lacks_is_proposed():
    """nearest_count proposes a denominator only of a size some population of the trial has,
    and not when the sentence's other percentages point to the natural one (issue 22)."""
    from trialrecon.checks.denominators import Denominator, nearest_count

    dens = [Denominator("stated denominator", 110, True)]
    # 12/88 = 13.6%: proposed only if the trial has a population of 88
    assert "needs a denominator of 88" in nearest_count(12, dens, "13.6", frozenset({88, 110}))
    assert "needs a denominator" not in nearest_count(12, dens, "13.6", frozenset({110}))
    assert "needs a denominator" not in nearest_count(12, dens, "13.6", frozenset({88, 110}),
                                                      contradicted=True)


def test_a_percentage_without_a_stated_denominator_is_at_most_questionable(planted):
    """33.3% of a cohort of 20 (no count gives it) states no denominator: questionable, and
    the sentence says the finding rests on that."""
    from conftest import matches

    f = next(f for f in planted.findings if f.check == "percentages" and matches(f, ["q2e_pct"]))
    assert f.severity == "questionable" and "does not state the denominator" in f.sentence


def _household_rows(piped: int, pct: str) -> list[dict[str, str]]:
    """A cluster trial's Table 1 column of households: 'Households 400', then 'Households with
    piped water', 'Tin roof' as n (%) over the 400 households, beside 1,000 randomized women."""
    from mini_rct import row

    kw = {"location": "Table 1", "column": "Drug clusters"}
    return [row("rand_d", "drug", "randomized", "", "count", 1000, location="Results"),
            row("hh_n", "drug", "baseline", "Households", "count", 400, **kw),
            row("pw_n", "drug", "baseline", "Households with piped water", "count", piped, **kw),
            row("pw_pct", "drug", "baseline", "Households with piped water", "percent", pct,
                **kw),
            row("roof_n", "drug", "baseline", "Tin roof", "count", 90, **kw),
            row("roof_pct", "drug", "baseline", "Tin roof", "percent", "23", **kw)]


def test_a_table_of_households_is_over_its_households(tmp_path):
    """230/400 = 57.5 -> 58% and 90/400 = 22.5 -> 23% (half up): over the households the
    column counts, not over the 1,000 randomized women (23.0% and 9.0%): no finding."""
    from mini_rct import run

    findings, _ = run(tmp_path, _household_rows(230, "58"), ("percentages",))
    assert [f.title for f in findings if f.severity != "consistent"] == []
    assert sum(f.severity == "consistent" for f in findings) == 2


def test_a_slip_over_the_households_is_still_flagged(tmp_path):
    """250/400 = 62.5%, printed 58%: neither the 400 households nor the 1,000 women give it."""
    from mini_rct import run

    findings, _ = run(tmp_path, _household_rows(250, "58"), ("percentages",))
    bad = [f for f in findings if f.severity in ("inconsistent", "questionable")]
    assert len(bad) == 1 and "58%" in bad[0].title


def _percent_levels(pcts: list[str]) -> list[dict[str, str]]:
    """A '%' column (n = 40) printing only percentages of one characteristic's three levels."""
    from mini_rct import row

    kw = {"location": "Table 1", "denominator": 40, "column": "Drug (n = 40) %"}
    return [row(f"lvl{k}_pct", "drug", "baseline", f"Stage: {level}", "percent", p, **kw)
            for k, (level, p) in enumerate(zip(("I", "II", "III"), pcts, strict=True))]


def test_percentages_only_forced_to_sum_to_100_are_reproduced(tmp_path):
    """Counts 5, 7, 28 of 40 are 12.5, 17.5 and 70%: plain rounding prints 13, 18, 70 (101);
    largest remainders (12, 17, 70 rounded down, the one unit left to the first .5) print
    13, 17, 70. No count of 40 gives 17% by plain rounding (7/40 = 17.5%), yet the column is
    the largest-remainder rounding of 5, 7, 28: no finding."""
    from mini_rct import run

    findings, _ = run(tmp_path, _percent_levels(["13", "17", "70"]), ("percentages",))
    assert [f.title for f in findings if f.severity != "consistent"] == []


def test_percentages_only_that_no_counts_give_are_still_flagged(tmp_path):
    """13, 16, 71 of 40 also sum to 100, but 16% and 71% are no count's share of 40 under any
    rounding near them (6/40 = 15%, 7/40 = 17.5%; 28/40 = 70%, 29/40 = 72.5%): flagged."""
    from mini_rct import run

    findings, _ = run(tmp_path, _percent_levels(["13", "16", "71"]), ("percentages",))
    assert {f.values[0].id for f in findings
            if f.severity in ("inconsistent", "questionable")} >= {"lvl1_pct", "lvl2_pct"}
