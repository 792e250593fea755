"""The method of a proportion's CI, as the statistical methods name it, on the CI's bounds.

The data dictionary (data/raw/README.md) writes the interval's method in ``test`` on a
``ci_low``/``ci_high`` row ("exact 95% CI" of a proportion is ``clopper_pearson``); the
``proportion-ci`` check then tries that method first. Each test drafts a small paper of its
own words (the fictional trial of ``fictional_trial.py``) and checks the rows by hand.
"""

from __future__ import annotations

from test_draft_method_statements import _draft_paper

_RESULTS = ("The objective response rate was 40% (95% CI 30.3 to 50.3) with drug X. "
            "The median progression-free survival was 6.1 months (95% CI 4.2 to 8.0).")


def _bounds(rows: list[dict[str, str]]) -> dict[str, str]:
    return {r["value"]: r.get("test", "") for r in rows if r["statistic"] in ("ci_low", "ci_high")}


def test_an_exact_interval_named_in_the_methods_reaches_a_rates_bounds(tmp_path):
    """"Response rates with exact (Clopper-Pearson) 95% confidence intervals": the response
    rate's bounds are clopper_pearson; a median's interval is no binomial one."""
    rows = _draft_paper(tmp_path, "Response rates are given with exact (Clopper-Pearson) 95% "
                                  "confidence intervals.", _RESULTS)
    bounds = _bounds(rows)
    assert bounds["30.3"] == bounds["50.3"] == "clopper_pearson"
    assert bounds.get("4.2", "") == bounds.get("8.0", "") == ""


def test_an_exact_test_is_no_interval_and_two_methods_name_none(tmp_path):
    """"An exact binomial test" names a test, not an interval; a paper naming Wilson's
    interval for one thing and an exact one for another leaves both bounds to the reviewer."""
    rows = _draft_paper(tmp_path, "The response rate was compared with 20% by an exact "
                                  "binomial test.", _RESULTS)
    assert _bounds(rows)["30.3"] == ""
    rows = _draft_paper(tmp_path, "Rates are given with Wilson score 95% CIs. The rate of "
                                  "the single arm had an exact 95% confidence interval.",
                        _RESULTS)
    assert _bounds(rows)["30.3"] == ""


def test_a_wilson_interval_with_continuity_correction(tmp_path):
    """"Wilson's score interval with continuity correction" is wilson_cc, not wilson."""
    rows = _draft_paper(tmp_path, "95% CIs were computed by Wilson's score method with "
                                  "continuity correction.", _RESULTS)
    assert _bounds(rows)["30.3"] == "wilson_cc"
