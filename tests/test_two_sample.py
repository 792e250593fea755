"""Two-arm sample sizes (:mod:`trialrecon.stats.two_sample`) and Simon's admissible designs.

References: R 4.2 (``power.prop.test``, ``power.t.test``, Fisher's exact test enumerated with
``fisher.test``), hand calculations written out below, Simon (1989) Table 1.

    power.prop.test(p1 = .36, p2 = .25, power = .9)$n                         # 366.0690
    power.prop.test(n = 250, p1 = .36, p2 = .25)$power                        # 0.7631153
    power.prop.test(p1 = .12, p2 = .084, power = .8)$n                        # 1108.274
    power.prop.test(p1 = .36, p2 = .25, power = .9, alternative = "one.sided")$n  # 298.1742
    power.t.test(delta = 2, sd = 10, power = .8)$n                            # 393.4067
    power.t.test(n = 50, delta = 10, sd = 24, alternative = "one.sided")$power  # 0.6642404
    power.t.test(delta = 15, sd = 24, sig.level = .025, power = .9,
                 alternative = "one.sided")$n                                 # 54.77642
    fp <- function(n0, n1, p0, p1, a, alt = "two.sided") { s <- 0
      for (x0 in 0:n0) for (x1 in 0:n1)
        if (fisher.test(matrix(c(x1, n1 - x1, x0, n0 - x0), 2, byrow = TRUE),
                        alternative = alt)$p.value <= a)
          s <- s + dbinom(x0, n0, p0) * dbinom(x1, n1, p1); s }
    fp(20, 20, .2, .6, .05)                        # 0.6502249
    fp(15, 25, .3, .7, .05)                        # 0.6386173
    fp(20, 20, .2, .6, .05, "greater")             # 0.7534893
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from trialrecon.stats import single_arm as sa
from trialrecon.stats import two_sample as ts


def test_pooled_normal_approximation_against_r():
    assert ts.two_proportions_n(.36, .25, .05, .9).n_raw == pytest.approx(366.0690, abs=1e-3)
    assert ts.two_proportions_power(250, 250, .36, .25, .05) == pytest.approx(0.7631153, 1e-6)
    one = ts.two_proportions_n(.36, .25, .05, .9, "one_sided")
    assert one.n_raw == pytest.approx(298.1742, abs=1e-3) and one.n_control == 299


def test_a_reduction_p1_below_p0():
    size = ts.two_proportions_n(.12, .084, .05, .8)
    assert size.n_raw == pytest.approx(1108.274, abs=1e-3)
    assert (size.n_control, size.n_total) == (1109, 2218)


def test_continuity_correction_by_hand():
    """Fleiss, Tytun & Ury (1980): n' = n/4 (1 + sqrt(1 + 4 / (n |d|))) with 1:1 allocation.

    p0 = .36, p1 = .25: n = 366.0690 (pooled), |d| = .11,
    n' = 366.0690 / 4 x (1 + sqrt(1 + 4 / 40.2676))^2 = 91.5173 x (1 + 1.0485)^2 = 384.04.
    """
    n = 366.0689815731331
    by_hand = n / 4 * (1 + math.sqrt(1 + 4 / (n * 0.11))) ** 2
    got = ts.two_proportions_n(.36, .25, .05, .9, method="pooled_cc")
    assert got.n_raw == pytest.approx(by_hand, rel=1e-9) and got.n_control == 385


def test_unpooled_and_arcsine_by_hand():
    """Unpooled: (1.959964 + 1.281552)^2 (.36 x .64 + .25 x .75) / .11^2 = 362.90.
    Arcsine: h = 2 asin(sqrt .36) - 2 asin(sqrt .25) = 1.287002 - 1.047198 = 0.239804;
    n = 2 (3.241516)^2 / h^2 = 365.44 (Cohen 1988, ch. 6)."""
    z = stats.norm.isf(.025) + stats.norm.ppf(.9)
    assert ts.two_proportions_n(.36, .25, method="unpooled", power=.9).n_raw == pytest.approx(
        z ** 2 * (.36 * .64 + .25 * .75) / .11 ** 2)
    h = 2 * math.asin(math.sqrt(.36)) - 2 * math.asin(math.sqrt(.25))
    assert h == pytest.approx(0.239804, abs=1e-6)
    assert ts.two_proportions_n(.36, .25, method="arcsine", power=.9).n_raw == pytest.approx(
        2 * z ** 2 / h ** 2)


def test_unequal_allocation_power():
    """400 combination (44%) against 700 bupropion (34%), two-sided 0.05 (pooled): by hand
    se1 = sqrt(.34 x .66 / 700 + .44 x .56 / 400) = 0.030595, pbar = (238 + 176) / 1100,
    se0 = sqrt(pbar (1 - pbar) (1/700 + 1/400)) = 0.030369, z = (.10 - 1.96 se0) / se1."""
    se1 = math.sqrt(.34 * .66 / 700 + .44 * .56 / 400)
    pbar = (238 + 176) / 1100
    se0 = math.sqrt(pbar * (1 - pbar) * (1 / 700 + 1 / 400))
    expected = stats.norm.cdf((.10 - stats.norm.isf(.025) * se0) / se1)
    assert ts.two_proportions_power(700, 400, .34, .44) == pytest.approx(expected)
    assert expected == pytest.approx(0.907, abs=1e-3)


@pytest.mark.parametrize(("n0", "n1", "p0", "p1", "sided", "r_value"), [
    (20, 20, .2, .6, "two_sided", 0.6502249209),
    (15, 25, .3, .7, "two_sided", 0.6386172573),
    (20, 20, .2, .6, "one_sided", 0.7534893295),
])
def test_fisher_exact_power_against_r(n0, n1, p0, p1, sided, r_value):
    assert ts.fisher_exact_power(n0, n1, p0, p1, .05, sided) == pytest.approx(r_value, 1e-8)


def test_fisher_exact_n_is_the_first_n_reaching_power():
    size = ts.fisher_exact_n(.2, .6, .05, .8)
    assert ts.fisher_exact_power(size.n_control, size.n_control, .2, .6) >= .8
    assert ts.fisher_exact_power(size.n_control - 1, size.n_control - 1, .2, .6) < .8
    # the exact test is conservative: it needs more than the uncorrected approximation
    assert size.n_control > ts.two_proportions_n(.2, .6, .05, .8).n_raw


def test_non_inferiority_proportions_by_hand():
    """Blackwelder (1982): p0 = p1 = .8, margin .1, one-sided .025, power .9:
    n = (1.959964 + 1.281552)^2 x 2 x .16 / .1^2 = 336.2 per arm."""
    got = ts.two_proportions_n(.8, .8, .025, .9, "one_sided", margin=.1)
    assert got.n_raw == pytest.approx(10.5074 * .32 / .01, rel=1e-4)
    assert got.n_control == 337


def test_two_means_against_r():
    assert ts.two_means_n(2, 10, .05, .8).n_raw == pytest.approx(393.4067, abs=1e-3)
    assert ts.two_means_power(50, 50, 10, 24, .05, "one_sided") == pytest.approx(0.6642404,
                                                                                  1e-6)
    ni = ts.two_means_n(15, 24, .025, .9, "one_sided")
    assert ni.n_raw == pytest.approx(54.77642, abs=1e-3) and ni.n_control == 55
    normal = ts.two_means_n(15, 24, .025, .9, "one_sided", method="normal")
    assert normal.n_raw == pytest.approx(10.507 * 2 * 576 / 225, rel=1e-3)  # 53.80


def test_whitehead_by_hand():
    """TICH-2's assumed mRS distribution, OR 0.79, two-sided 0.05, power 0.9 (Whitehead 1993):
    the experimental arm's cumulative odds are 0.79 times the control's; with pbar the mean of
    the two distributions, N = 6 (1.959964 + 1.281552)^2 / (log(0.79)^2 (1 - sum pbar^3))."""
    control = [.04, .17, .16, .19, .24, .07, .13]
    exp = ts.ordinal_experimental(control, .79)
    assert sum(exp) == pytest.approx(1.0)
    above_c = 1 - sum(control[:3])  # P(mRS > 2), control
    above_e = 1 - sum(exp[:3])
    assert (above_e / (1 - above_e)) / (above_c / (1 - above_c)) == pytest.approx(.79)
    pbar = [(a + b) / 2 for a, b in zip(control, exp, strict=True)]
    z = stats.norm.isf(.025) + stats.norm.ppf(.9)
    expected = 6 * z ** 2 / (math.log(.79) ** 2 * (1 - sum(p ** 3 for p in pbar)))
    assert ts.whitehead_n(control, .79) == pytest.approx(expected)
    assert ts.whitehead_power(control, .79, expected) == pytest.approx(.9)


def test_dropout_and_design_effect():
    assert ts.inflate_dropout(506, .05) == pytest.approx(532.63, abs=1e-2)  # -> 533
    assert math.ceil(ts.inflate_dropout(506, .05, "multiply")) == 532       # CONVERT's 532
    assert ts.design_effect(20, .05) == pytest.approx(1.95)                 # 1 + 19 x .05
    # Eldridge et al. 2006: 1 + ((0.6^2 + 1) 20 - 1) 0.05 = 2.31
    assert ts.design_effect(20, .05, .6) == pytest.approx(2.31)
    with pytest.raises(ValueError):
        ts.inflate_dropout(100, 1.0)


def test_p1_from_ratios():
    assert ts.p1_from_odds_ratio(.25, 1.5) == pytest.approx(1 / 3)  # .5/1.5 odds: .375/1.125
    assert ts.p1_from_risk_ratio(.15, .6) == pytest.approx(.09)


@pytest.mark.parametrize("bad", [
    dict(p0=.3, p1=.3), dict(p0=0, p1=.3), dict(p0=.3, p1=1.2), dict(p0=.2, p1=.3, power=1)])
def test_bad_input(bad):
    with pytest.raises(ValueError):
        ts.two_proportions_n(**{"alpha": .05, "power": .8, **bad})


# ---------------------------------------------------------------- Simon: stated boundaries


def test_characteristics_of_stated_boundaries():
    """Simon (1989) Table 1 (p0 .10, p1 .30): optimal 1/10, 5/29, EN(p0) 15.0, PET 0.74.
    A misstated r = 4 attains alpha 0.1016 (R: x1 <- 2:10; sum(dbinom(x1, 10, .1) *
    pbinom(4 - x1, 19, .1, lower.tail = FALSE))); minimax 4/18, 10/33 of p0 .2, p1 .4 cut to
    n = 30 has power 0.6973 (R: sum(dbinom(5:18, 18, .4) * pbinom(10 - 5:18, 12, .4,
    lower.tail = FALSE)))."""
    ok = sa.simon_characteristics(1, 10, 5, 29, .1, .3)
    assert round(ok.expected_n, 1) == 15.0 and round(ok.pet, 2) == 0.74
    assert ok.alpha <= .05 and ok.power >= .8
    assert sa.simon_characteristics(1, 10, 4, 29, .1, .3).alpha == pytest.approx(0.1016202308)
    assert sa.simon_characteristics(4, 18, 10, 30, .2, .4).power == pytest.approx(0.6972997693)
    single = sa.simon_characteristics(-1, 55, 9, 55, .1, .25)  # A'Hern 10/55
    assert single.alpha == pytest.approx(stats.binom.sf(9, 55, .1))
    with pytest.raises(ValueError):
        sa.simon_characteristics(5, 10, 4, 29, .1, .3)  # r below r1


def test_admissible_designs_span_minimax_to_optimal():
    """Jung et al. (2004): admissible designs minimize q n + (1 - q) EN for some q; the
    minimax design is admissible at q = 1, the optimal at q = 0, and for every q of a design's
    interval no frontier design has a smaller loss."""
    adm = sa.simon_admissible(.1, .3, .05, .8)
    found = sa.simon_two_stage(.1, .3, .05, .8)
    first, last = adm[0][0], adm[-1][0]
    assert (first.r1, first.n1, first.r, first.n) == (1, 15, 5, 25)   # minimax
    assert (last.r1, last.n1, last.r, last.n) == (1, 10, 5, 29)       # optimal
    assert (found["optimal"].n, found["minimax"].n) == (29, 25)
    assert adm[0][2] == 1.0 and adm[-1][1] == 0.0
    frontier = sa.simon_frontier(.1, .3, .05, .8)
    for design, lo, hi in adm:
        q = (lo + hi) / 2
        loss = q * design.n + (1 - q) * design.expected_n
        assert all(loss <= q * f.n + (1 - q) * f.expected_n + 1e-9 for f in frontier)
