"""Confidence intervals for a proportion, checked against R, scipy and hand calculations."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from scipy.stats import binomtest

from trialrecon.stats.proportions import (
    METHOD_LABELS,
    METHODS,
    all_cis,
    decimals_of,
    identify_ci_method,
    proportion_ci,
)

# R 4.x reference values (r-base-core), printed with
#   for (xn in list(c(23,52),c(9,55),c(32,107),c(0,10),c(10,10),c(1,1),c(3,17))) {
#     a <- prop.test(xn[1], xn[2])$conf.int; b <- binom.test(xn[1], xn[2])$conf.int
#     cat(xn, sprintf("%.8f", c(a, b)), "\n") }
# prop.test (default correct = TRUE) is the Wilson interval with continuity correction;
# binom.test is Clopper-Pearson. (None of these x equals n/2, where prop.test drops its
# correction: test_prop_test_drops_the_correction_at_half.)
R_REFERENCE = [
    # x, n, prop.test low, high, binom.test low, high
    (23, 52, 0.30729238, 0.58580601, 0.30469562, 0.58672444),
    (9, 55, 0.08202562, 0.29301357, 0.07765882, 0.28803000),
    (32, 107, 0.21637155, 0.39642167, 0.21437165, 0.39522158),
    (0, 10, 0.00000000, 0.34453722, 0.00000000, 0.30849711),
    (10, 10, 0.65546278, 1.00000000, 0.69150289, 1.00000000),
    (1, 1, 0.05462076, 1.00000000, 0.02500000, 1.00000000),
    (3, 17, 0.04672957, 0.44195592, 0.03798507, 0.43431787),
]


@pytest.mark.parametrize(("x", "n", "pt_lo", "pt_hi", "bt_lo", "bt_hi"), R_REFERENCE)
def test_against_r_prop_test_and_binom_test(x, n, pt_lo, pt_hi, bt_lo, bt_hi):
    wcc = proportion_ci(x, n, "wilson_cc")
    cp = proportion_ci(x, n, "clopper_pearson")
    assert wcc == pytest.approx((pt_lo, pt_hi), abs=1e-8)
    assert cp == pytest.approx((bt_lo, bt_hi), abs=1e-8)


def test_other_level_against_r():
    """R: prop.test(3, 17, conf.level = 0.9)$conf.int  -> 0.05562462 0.40143616
          binom.test(3, 17, conf.level = 0.9)$conf.int -> 0.04989815 0.39564143
          prop.test(40, 120)$conf.int                  -> 0.25153443 0.42597382
          binom.test(40, 120)$conf.int                 -> 0.24993509 0.42517829
    """
    assert proportion_ci(3, 17, "wilson_cc", 0.90) == pytest.approx((0.05562462, 0.40143616),
                                                                     abs=1e-8)
    assert proportion_ci(3, 17, "clopper_pearson", 0.90) == pytest.approx(
        (0.04989815, 0.39564143), abs=1e-8)
    assert proportion_ci(40, 120, "wilson_cc") == pytest.approx((0.25153443, 0.42597382),
                                                                abs=1e-8)
    assert proportion_ci(40, 120, "clopper_pearson") == pytest.approx(
        (0.24993509, 0.42517829), abs=1e-8)


@pytest.mark.parametrize(("x", "n"), [(0, 5), (1, 5), (7, 19), (23, 52), (55, 55), (120, 300)])
@pytest.mark.parametrize(("ours", "theirs"), [("clopper_pearson", "exact"),
                                              ("wilson", "wilson"),
                                              ("wilson_cc", "wilsoncc")])
def test_against_scipy_binomtest(x, n, ours, theirs):
    """scipy.stats.binomtest(x, n).proportion_ci(method=...) implements three of the methods."""
    ci = binomtest(x, n).proportion_ci(confidence_level=0.95, method=theirs)
    assert proportion_ci(x, n, ours) == pytest.approx((ci.low, ci.high), abs=1e-9)


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    (10, 20, 0.2992980082, 0.7007019918),
    (26, 52, 0.3688586296, 0.6311413704),
    (1, 2, 0.0945312057, 0.9054687943),
    (50, 100, 0.4038315304, 0.5961684696),
    (13, 27, 0.2915386696, 0.6764617733),
    (14, 27, 0.3235382267, 0.7084613304),
])
def test_prop_test_drops_the_correction_at_half(x, n, low, high):
    """R's prop.test corrects by min(0.5, |x - n/2|) (``YATES``): nothing at x = n/2, where
    its interval is Wilson's (prop.test(..., correct = FALSE) prints the same), the full 1/2
    at x = (n -+ 1)/2::

        for (xn in list(c(10,20), c(26,52), c(1,2), c(50,100), c(13,27), c(14,27))) {
          a <- prop.test(xn[1], xn[2])$conf.int
          b <- prop.test(xn[1], xn[2], correct = FALSE)$conf.int
          cat(xn, sprintf("%.10f", c(a, b)), "\n") }
        # 10 20 0.2992980082 0.7007019918 0.2992980082 0.7007019918
        # 26 52 0.3688586296 0.6311413704 0.3688586296 0.6311413704
        # 1 2 0.0945312057 0.9054687943 0.0945312057 0.9054687943
        # 50 100 0.4038315304 0.5961684696 0.4038315304 0.5961684696
        # 13 27 0.2915386696 0.6764617733 0.3074322698 0.6601438425
        # 14 27 0.3235382267 0.7084613304 0.3398561575 0.6925677302
        prop.test(10, 20, conf.level = 0.9)$conf.int   # 0.327403767885 0.672596232115
    """
    assert proportion_ci(x, n, "wilson_cc") == pytest.approx((low, high), abs=1e-10)
    if 2 * x == n:
        assert proportion_ci(x, n, "wilson_cc") == pytest.approx(proportion_ci(x, n, "wilson"),
                                                                 abs=1e-15)
    assert proportion_ci(10, 20, "wilson_cc", 0.9) == pytest.approx(
        (0.327403767885, 0.672596232115), abs=1e-12)


def test_an_interval_printed_by_prop_test_at_half_is_recognised():
    """x = 10 of n = 20: prop.test prints 29.9 to 70.1 (above), the method labelled R
    prop.test reproduces it; Newcombe's formula, which keeps the correction (SciPy's
    ``binomtest(10, 20).proportion_ci(method="wilsoncc")`` gives 0.278537 to 0.721463),
    is recognised under the same name."""
    ident = identify_ci_method(10, 20, 29.9, 70.1, decimals=1)
    assert "wilson_cc" in ident.matching_methods and "wilson" in ident.matching_methods
    assert "R prop.test" in METHOD_LABELS["wilson_cc"]
    newcombe = identify_ci_method(10, 20, 27.9, 72.1, decimals=1)
    assert newcombe.matching_methods == ["wilson_cc"]
    assert (newcombe.closest.lower, newcombe.closest.upper) == pytest.approx(
        (27.853670, 72.146330), abs=1e-5)
    # away from n/2 the correction stays: Wilson's 9/20 (25.8 to 65.8) is not wilson_cc
    assert "wilson_cc" not in identify_ci_method(9, 20, 25.8, 65.8,
                                                 decimals=1).matching_methods


def test_wald_and_agresti_coull_by_hand():
    # x = 23, n = 52: p = 0.442308, se = sqrt(p q / n) = 0.068872, z = 1.959964
    z = 1.959963984540054
    p = 23 / 52
    se = math.sqrt(p * (1 - p) / 52)
    assert proportion_ci(23, 52, "wald") == pytest.approx((p - z * se, p + z * se), abs=1e-12)
    # Agresti-Coull: n~ = 52 + z^2 = 55.841459, p~ = (23 + z^2/2) / n~ = 0.446276
    n_t = 52 + z * z
    p_t = (23 + z * z / 2) / n_t
    half = z * math.sqrt(p_t * (1 - p_t) / n_t)
    assert proportion_ci(23, 52, "agresti_coull") == pytest.approx((p_t - half, p_t + half),
                                                                   abs=1e-12)
    assert p_t == pytest.approx(0.446276, abs=1e-6)


def test_edge_cases_closed_forms():
    a = 0.05
    # Clopper-Pearson at x = 0: upper = 1 - (a/2)^(1/n); at x = n: lower = (a/2)^(1/n).
    assert proportion_ci(0, 8, "clopper_pearson") == pytest.approx((0.0, 1 - (a / 2) ** (1 / 8)))
    assert proportion_ci(8, 8, "clopper_pearson") == pytest.approx(((a / 2) ** (1 / 8), 1.0))
    # Mid-p at x = 0 solves (1 - p)^n / 2 = a/2, so upper = 1 - a^(1/n); n = 1, x = 1: p/2 = a/2.
    assert proportion_ci(0, 8, "mid_p") == pytest.approx((0.0, 1 - a ** (1 / 8)), abs=1e-10)
    assert proportion_ci(1, 1, "mid_p") == pytest.approx((a, 1.0), abs=1e-10)
    # Wilson at x = 0: upper = z^2 / (n + z^2).
    z2 = 1.959963984540054**2
    assert proportion_ci(0, 8, "wilson") == pytest.approx((0.0, z2 / (8 + z2)), abs=1e-12)
    # Jeffreys (Brown, Cai & DasGupta 2001): lower 0 at x = 0, upper 1 at x = n.
    assert proportion_ci(0, 8, "jeffreys")[0] == 0.0
    assert proportion_ci(8, 8, "jeffreys")[1] == 1.0
    # Wald collapses to a point at x = 0 and x = n: the reason it is a poor interval.
    assert proportion_ci(0, 8, "wald") == (0.0, 0.0)
    assert proportion_ci(1, 1, "wald") == (1.0, 1.0)


@pytest.mark.parametrize(("x", "n"), [(0, 1), (1, 1), (0, 30), (30, 30), (12, 30)])
def test_every_method_within_unit_interval_and_contains_estimate(x, n):
    for method, (low, high) in all_cis(x, n).items():
        assert 0.0 <= low <= x / n <= high <= 1.0, method


def test_symmetry_x_and_n_minus_x():
    for method in METHODS:
        low, high = proportion_ci(7, 30, method)
        low2, high2 = proportion_ci(23, 30, method)
        assert (low, high) == pytest.approx((1 - high2, 1 - low2), abs=1e-9), method


def test_mid_p_bounds_solve_their_equations():
    # Checked with scipy's binomial directly, independently of the root finder's tolerance.
    low, high = proportion_ci(9, 55, "mid_p")
    upper_tail = stats.binom.sf(9, 55, low) + 0.5 * stats.binom.pmf(9, 55, low)
    lower_tail = stats.binom.cdf(8, 55, high) + 0.5 * stats.binom.pmf(9, 55, high)
    assert upper_tail == pytest.approx(0.025, abs=1e-10)
    assert lower_tail == pytest.approx(0.025, abs=1e-10)
    # mid-p lies inside Clopper-Pearson (it is less conservative)
    cp = proportion_ci(9, 55, "clopper_pearson")
    assert cp[0] < low and high < cp[1]


def test_identify_talent_panNET_orr():
    """TALENT (Capdevila 2021) Table 2: panNET ORR 44.2% (95% CI, 30.7 to 58.6), 23 PR of 52
    patients with tumour assessment. prop.test(23, 52) gives 30.73 to 58.58 (R above)."""
    ident = identify_ci_method(23, 52, 30.7, 58.6, decimals=1)
    assert ident.matching_methods == ["wilson_cc"]
    assert ident.closest.method == "wilson_cc"
    assert ident.closest.distance == 0.0
    cp = next(m for m in ident.matches if m.method == "clopper_pearson")
    assert not cp.matches
    # Clopper-Pearson lower 30.4696 vs printed 30.7: max abs difference 0.2304
    assert cp.distance == pytest.approx(0.2304, abs=1e-3)
    # best first: matches before non-matches, then by distance
    distances = [m.distance for m in ident.matches[1:]]
    assert distances == sorted(distances)


def test_identify_none_matches_reports_closest():
    # 9 of 56 (enrolled) against the printed 8.2 to 29.3: no method reproduces both bounds;
    # Wilson-cc for 9/56 is 8.052 to 28.828 (scipy binomtest wilsoncc), off by 0.472.
    ident = identify_ci_method(9, 56, 8.2, 29.3, decimals=1)
    assert ident.matching_methods == []
    assert ident.closest.method == "wilson_cc"
    ref = binomtest(9, 56).proportion_ci(method="wilsoncc")
    assert ident.closest.distance == pytest.approx(100 * (0.293 - ref.high), abs=1e-9)


def test_rounding_boundaries():
    # Clopper-Pearson 0/10 is 0 to 30.8497 (R binom.test above). A printed "30.8" is off by
    # 0.0497 <= 0.05: it rounds to 30.8, so it matches; "30.9" is off by 0.0503 and does not;
    # "31" with no decimal is off by 0.15 <= 0.5 and matches; "30.7" is off by 0.15 and does not.
    assert "clopper_pearson" in identify_ci_method(0, 10, 0, 30.8, decimals=1).matching_methods
    assert "clopper_pearson" not in identify_ci_method(0, 10, 0, 30.9,
                                                       decimals=1).matching_methods
    assert "clopper_pearson" in identify_ci_method(0, 10, 0, 31, decimals=0).matching_methods
    assert "clopper_pearson" not in identify_ci_method(0, 10, 0, 30.7,
                                                       decimals=1).matching_methods
    # Per-bound precision: "0" and "30.85" (2 decimals) for the upper bound 30.8497.
    ident = identify_ci_method(0, 10, 0, 30.85, decimals=0, decimals_high=2)
    assert "clopper_pearson" in ident.matching_methods
    ident = identify_ci_method(0, 10, 0, 30.86, decimals=0, decimals_high=2)
    assert "clopper_pearson" not in ident.matching_methods


def test_proportion_scale():
    ident = identify_ci_method(23, 52, 0.307, 0.586, decimals=3, scale=1.0)
    assert ident.matching_methods == ["wilson_cc"]


@pytest.mark.parametrize(("text", "expected"), [("30.7", 1), ("58", 0), ("0.001", 3),
                                                ("-1.25", 2), ("100", 0), (" 8.20 ", 2)])
def test_decimals_of(text, expected):
    assert decimals_of(text) == expected


def test_decimals_of_rejects_text():
    with pytest.raises(ValueError, match="not a number"):
        decimals_of("NR")


@pytest.mark.parametrize(("x", "n", "message"), [(5, 3, "between 0 and n"),
                                                 (0, 0, "at least 1"),
                                                 (-1, 5, "between 0 and n")])
def test_bad_counts(x, n, message):
    with pytest.raises(ValueError, match=message):
        proportion_ci(x, n, "wilson")
    with pytest.raises(ValueError, match=message):
        identify_ci_method(x, n, 1, 2, decimals=0)


def test_bad_method_and_level():
    with pytest.raises(ValueError, match="unknown method"):
        proportion_ci(1, 2, "exactish")
    with pytest.raises(ValueError, match="level"):
        all_cis(1, 2, level=1.5)


def test_cli_ci_json(capsys):
    import json

    from trialrecon.cli import main

    assert main(["ci", "23", "52", "--reported", "30.7", "58.6", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["matching_methods"] == ["wilson_cc"]
    assert set(res["intervals"]) == set(METHODS)
    # R: prop.test(23, 52)$conf.int -> 0.30729238 0.58580601
    assert res["intervals"]["wilson_cc"]["lower"] == pytest.approx(30.729238, abs=1e-6)


def test_cli_ci_text(capsys):
    from trialrecon.cli import main

    assert main(["ci", "9", "56", "--reported", "8.2", "29.3"]) == 0
    out = capsys.readouterr().out
    assert "reproducing the printed bounds: none" in out
    assert "Closest: Wilson score with continuity correction" in out  # the method in words


@pytest.mark.parametrize("argv", [["ci", "5", "3"], ["ci", "0", "0"],
                                  ["ci", "1", "2", "--reported", "a", "b"]])
def test_cli_ci_bad_input(argv, capsys):
    from trialrecon.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
