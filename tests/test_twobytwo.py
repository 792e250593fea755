"""Effect measures of two proportions, their intervals and the 2x2 tests
(:mod:`trialrecon.stats.twobytwo`) against R, published tables and hand calculations.

R 4.2.2 with epitools 0.5-10.1 (Debian r-cran-epitools); epitools puts the reference group in
the first row and the non-events in the first column:

    library(epitools)
    m <- function(a, n1, b, n2) matrix(c(n2 - b, b, n1 - a, a), 2, byrow = TRUE)
    f <- function(a, n1, b, n2) matrix(c(a, n1 - a, b, n2 - b), 2, byrow = TRUE)
    riskratio.wald(m(40, 400, 52, 390))$measure[2, ]   # 0.750000 0.508866 1.105399
    oddsratio.wald(m(40, 400, 52, 390))$measure[2, ]   # 0.722222 0.466014 1.119290
    oddsratio.midp(m(40, 400, 52, 390))$measure[2, ]   # (median-unbiased) 0.463887 1.119688
    fisher.test(f(40, 400, 52, 390))                   # 0.722525 (0.453376, 1.144567) P 0.150726
    prop.test(c(40, 52), c(400, 390), correct = FALSE) # -0.078083 0.011416, P 0.144216
    prop.test(c(40, 52), c(400, 390))                  # -0.080615 0.013948, P 0.177226
    riskratio.wald(m(3, 20, 10, 20))$measure[2, ]      # 0.300000 0.096756 0.930171
    oddsratio.wald(m(3, 20, 10, 20))$measure[2, ]      # 0.176471 0.039053 0.797419
    oddsratio.midp(m(3, 20, 10, 20))$measure[2, ]      # 0.033788 0.805877
    fisher.test(f(3, 20, 10, 20))                      # 0.184812 (0.026328, 0.944574) P 0.040742
    chisq.test(f(3, 20, 10, 20), correct = FALSE)$p.value  # 0.018125 (Yates: 0.042818)
    fisher.test(f(1, 20, 7, 20))$p.value               # 0.043596

The score intervals (Koopman, Mee, Miettinen-Nurminen) have no base-R function; R computed
them by brute force, the restricted MLE by numerical optimisation of the binomial likelihood
(not the closed form under test) and the limits by uniroot (script in the test docstrings).
"""

from __future__ import annotations

import math

import pytest
from scipy import optimize, stats

from trialrecon.stats import twobytwo as tb


def close(x: float, y: float, tol: float = 5e-6) -> bool:
    return math.isclose(x, y, abs_tol=tol)


def test_katz_woolf_and_exact_match_epitools_and_fisher_test():
    rr = tb.confidence_intervals("risk_ratio", 40, 400, 52, 390)["log"]
    assert close(rr[0], 0.508866) and close(rr[1], 1.105399)
    ors = tb.confidence_intervals("odds_ratio", 40, 400, 52, 390)
    assert close(ors["woolf"][0], 0.466014) and close(ors["woolf"][1], 1.119290)
    # R's uniroot stops at its tolerance: agreement to 1e-4 is what fisher.test prints
    assert close(ors["exact"][0], 0.453376, 1e-4) and close(ors["exact"][1], 1.144567, 1e-4)
    assert close(ors["mid_p"][0], 0.463887, 1e-4) and close(ors["mid_p"][1], 1.119688, 1e-4)
    est = tb.estimates("odds_ratio", 40, 400, 52, 390)
    assert close(est["sample"], 0.722222) and close(est["cmle"], 0.722525, 1e-4)
    small = tb.confidence_intervals("odds_ratio", 3, 20, 10, 20)
    assert close(small["woolf"][0], 0.039053) and close(small["woolf"][1], 0.797419)
    assert close(small["exact"][0], 0.026328, 1e-4) and close(small["exact"][1], 0.944574, 1e-4)
    assert close(small["mid_p"][0], 0.033788, 1e-4) and close(small["mid_p"][1], 0.805877, 1e-4)
    rr_small = tb.confidence_intervals("risk_ratio", 3, 20, 10, 20)["log"]
    assert close(rr_small[0], 0.096756) and close(rr_small[1], 0.930171)


def test_katz_by_hand():
    """RR = (40/400)/(52/390) = 0.1/0.133333 = 0.75; SE(log RR) = sqrt(1/40 - 1/400 + 1/52
    - 1/390) = sqrt(0.025 - 0.0025 + 0.0192308 - 0.0025641) = sqrt(0.0391667) = 0.197906;
    0.75 exp(-+1.959964 x 0.197906) = 0.75 x 0.678488 = 0.508866 and 0.75 x 1.473865 =
    1.105399."""
    lo, hi = tb.confidence_intervals("risk_ratio", 40, 400, 52, 390)["log"]
    assert close(lo, 0.75 * math.exp(-1.959964 * 0.197906), 2e-6)
    assert close(hi, 0.75 * math.exp(1.959964 * 0.197906), 2e-6)


def test_zero_cell_uses_the_half_correction_only_then():
    """0/25 vs 6/25, 0.5 added to every cell: RR = (0.5/26)/(6.5/26) = 0.076923; SE =
    sqrt(1/0.5 - 1/26 + 1/6.5 - 1/26) = sqrt(2 - 0.038462 + 0.153846 - 0.038462) = 1.441153;
    0.076923 exp(-+1.959964 x 1.441153) = 0.004564 and 1.296488 (R: the same arithmetic)."""
    cis = tb.confidence_intervals("risk_ratio", 0, 25, 6, 25)
    assert "log" not in cis
    assert close(cis["log_cc"][0], 0.004564, 2e-6) and close(cis["log_cc"][1], 1.296488)
    est = tb.estimates("risk_ratio", 0, 25, 6, 25)
    assert est["sample"] == 0 and close(est["cc"], 0.076923)
    assert "log_cc" not in tb.confidence_intervals("risk_ratio", 40, 400, 52, 390)
    assert "cc" not in tb.estimates("odds_ratio", 40, 400, 52, 390)


def test_prop_test_wald_intervals():
    cis = tb.confidence_intervals("risk_difference", 40, 400, 52, 390)
    assert close(cis["wald"][0], -0.078083) and close(cis["wald"][1], 0.011416)
    assert close(cis["wald_cc"][0], -0.080615) and close(cis["wald_cc"][1], 0.013948)


@pytest.mark.parametrize("table, m10, m11", [
    ((56, 70, 48, 80), (0.0524, 0.3339), (0.0428, 0.3422)),
    ((9, 10, 3, 10), (0.1705, 0.8090), (0.1013, 0.8387)),
    ((5, 56, 0, 29), (-0.0381, 0.1926), (-0.0667, 0.2037)),
    ((0, 10, 0, 20), (-0.1611, 0.2775), (-0.2005, 0.3445)),
    ((0, 10, 0, 10), (-0.2775, 0.2775), (-0.3445, 0.3445)),
    ((10, 10, 0, 20), (0.6791, 1.0000), (0.6014, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000), (0.5128, 1.0000)),
])
def test_newcombe_methods_10_and_11_reproduce_his_table_ii(table, m10, m11):
    """Newcombe (1998), Stat Med 17:873, Table II: the hybrid score interval (method 10) and
    its continuity-corrected form (method 11) for his worked examples, to 4 decimals."""
    cis = tb.confidence_intervals("risk_difference", *table)
    for got, want in ((cis["newcombe"], m10), (cis["newcombe_cc"], m11)):
        assert round(got[0], 4) == pytest.approx(want[0], abs=1e-9)
        assert round(got[1], 4) == pytest.approx(want[1], abs=1e-9)


def _restricted_mle_numeric(x1: int, n1: int, x2: int, n2: int, link) -> tuple[float, float]:
    """Maximise the binomial likelihood under p1 = link(p2) numerically (no closed form)."""
    def nll(p2: float) -> float:
        p1 = link(p2)
        if not (0 < p1 < 1 and 0 < p2 < 1):
            return 1e12
        return -(stats.binom.logpmf(x1, n1, p1) + stats.binom.logpmf(x2, n2, p2))
    res = optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                   options={"xatol": 1e-12})
    return link(res.x), res.x


@pytest.mark.parametrize("delta", [-0.3, -0.1, 0.0, 0.05, 0.2])
def test_farrington_manning_closed_form_is_the_restricted_mle_of_the_difference(delta):
    p1, p2 = tb._rd_restricted(40 / 400, 400, 52 / 390, 390, delta)
    lo2, hi2 = max(0.0, -delta) + 1e-9, min(1.0, 1 - delta) - 1e-9

    def nll(q2: float) -> float:
        q1 = q2 + delta
        return -(stats.binom.logpmf(40, 400, q1) + stats.binom.logpmf(52, 390, q2))
    best = optimize.minimize_scalar(nll, bounds=(lo2, hi2), method="bounded",
                                    options={"xatol": 1e-12}).x
    assert p1 - p2 == pytest.approx(delta, abs=1e-9)
    assert p2 == pytest.approx(best, abs=1e-6)


@pytest.mark.parametrize("phi", [0.5, 0.75, 1.0, 1.4])
def test_farrington_manning_closed_form_is_the_restricted_mle_of_the_ratio(phi):
    want = _restricted_mle_numeric(40, 400, 52, 390, lambda p2: phi * p2)
    got = tb._rr_restricted(40, 400, 52, 390, phi)
    assert got[0] == pytest.approx(want[0], abs=1e-6) and got[1] == pytest.approx(want[1],
                                                                                  abs=1e-6)


def test_score_intervals_match_r_brute_force():
    """R (restricted MLE by optimize(), limits by uniroot() on the score z = +-1.959964):

        rmle <- function(constr, lo, hi) { nll <- function(p2) { p1 <- constr(p2)
          -(dbinom(a, n1, p1, log = TRUE) + dbinom(b, n2, p2, log = TRUE)) }
          o <- optimize(nll, c(lo, hi), tol = 1e-13); c(constr(o$minimum), o$minimum) }
        zrd <- function(d, infl) { pt <- rmle(function(p2) p2 + d, max(1e-9, -d), min(1, 1 - d))
          v <- (pt[1] * (1 - pt[1]) / n1 + pt[2] * (1 - pt[2]) / n2) *
               ifelse(infl, (n1 + n2) / (n1 + n2 - 1), 1)
          (a / n1 - b / n2 - d) / sqrt(v) }     # zrr likewise with p1 = phi p2

    40/400 vs 52/390: RD Mee -0.078939 0.011534, MN -0.078968 0.011563; RR Koopman 0.509715
    1.102169, MN 0.509592 1.102434. 3/20 vs 10/20: RD Mee -0.589298 -0.062144, MN -0.591869
    -0.058300; RR Koopman 0.098060 0.833992, MN 0.096776 0.843637.
    """
    big_rd = tb.confidence_intervals("risk_difference", 40, 400, 52, 390)
    big_rr = tb.confidence_intervals("risk_ratio", 40, 400, 52, 390)
    small_rd = tb.confidence_intervals("risk_difference", 3, 20, 10, 20)
    small_rr = tb.confidence_intervals("risk_ratio", 3, 20, 10, 20)
    for got, want in ((big_rd["mee"], (-0.078939, 0.011534)),
                      (big_rd["mn_score"], (-0.078968, 0.011563)),
                      (big_rr["koopman"], (0.509715, 1.102169)),
                      (big_rr["mn_score"], (0.509592, 1.102434)),
                      (small_rd["mee"], (-0.589298, -0.062144)),
                      (small_rd["mn_score"], (-0.591869, -0.058300)),
                      (small_rr["koopman"], (0.098060, 0.833992)),
                      (small_rr["mn_score"], (0.096776, 0.843637))):
        assert close(got[0], want[0], 2e-5) and close(got[1], want[1], 2e-5), (got, want)


def test_two_by_two_p_values_match_r():
    big = tb.two_by_two_ps(40, 400, 52, 390)
    assert close(big["chi2"], 0.144216) and close(big["chi2_yates"], 0.177226)
    assert close(big["fisher"], 0.150726)
    small = tb.two_by_two_ps(3, 20, 10, 20)
    assert close(small["chi2"], 0.018125) and close(small["chi2_yates"], 0.042818)
    assert close(small["fisher"], 0.040742)
    assert close(tb.two_by_two_ps(1, 20, 7, 20)["fisher"], 0.043596)
    assert tb.two_by_two_ps(0, 20, 0, 20)["chi2"] == 1.0


def test_nnt_and_its_interval_by_hand():
    """56/70 - 48/80 = 0.8 - 0.6 = 0.2: NNT = 1/0.2 = 5; the Newcombe limits 0.052431 and
    0.333873 give an NNT interval of 1/0.333873 = 2.995 to 1/0.052431 = 19.07 (Altman 1998);
    an RD interval through 0 gives none."""
    assert tb.nnt(0.2) == pytest.approx(5.0)
    lo, hi = tb.nnt_interval(0.052431, 0.333873)
    assert lo == pytest.approx(2.9952, abs=1e-4) and hi == pytest.approx(19.0727, abs=1e-4)
    assert tb.nnt_interval(-0.05, 0.1) is None
    assert tb.nnt(0) == math.inf


def test_refuses_impossible_tables():
    with pytest.raises(ValueError):
        tb.estimates("risk_ratio", 5, 4, 1, 10)
    with pytest.raises(ValueError):
        tb.confidence_intervals("hazard_ratio", 1, 10, 2, 10)
    with pytest.raises(ValueError):
        tb.confidence_intervals("risk_ratio", 1, 10, 2, 10, level=1.5)
