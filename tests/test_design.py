"""Single-arm designs checked against published tables, hand calculations and naive searches."""

from __future__ import annotations

import math
import warnings
from functools import cache

import numpy as np
import pytest

from trialrecon.stats.single_arm import (
    SimonDesign,
    SimonSearchLimitWarning,
    apply_decision_rule,
    exact_p_value,
    exact_single_stage,
    inflate_for_non_evaluable,
    normal_approx_n,
    simon_reject_probability,
    simon_two_stage,
    single_stage_reject_probability,
)

# --------------------------------------------------------------------- independent references
# A naive implementation written for the tests only: exact binomial sums with math.comb and
# plain loops over every (n1, r1, r, n), no numpy, no shared code with trialrecon.stats.single_arm.


@cache
def _pmf(k: int, n: int, p: float) -> float:
    if k < 0 or k > n:
        return 0.0
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


@cache
def _sf(k: int, n: int, p: float) -> float:
    """P(X > k) for X ~ Bin(n, p)."""
    return sum(_pmf(j, n, p) for j in range(max(k + 1, 0), n + 1))


def _naive_reject(r1: int, n1: int, r: int, n: int, p: float) -> float:
    return sum(_pmf(x1, n1, p) * _sf(r - x1, n - n1, p) for x1 in range(r1 + 1, n1 + 1))


def _naive_simon(p0, p1, alpha, power, n_max):
    """Every feasible design; optimal = min EN (then smaller n), minimax = min n then min EN."""
    feasible = []
    for n in range(2, n_max + 1):
        for n1 in range(1, n):
            for r1 in range(0, n1):
                pet = 1 - _sf(r1, n1, p0)
                en = n1 + (1 - pet) * (n - n1)
                for r in range(r1, n):
                    if (_naive_reject(r1, n1, r, n, p0) <= alpha
                            and _naive_reject(r1, n1, r, n, p1) >= power):
                        feasible.append((r1, n1, r, n, en, pet))
    optimal = min(feasible, key=lambda d: (round(d[4], 9), d[3]))
    minimax = min(feasible, key=lambda d: (d[3], round(d[4], 9)))
    return optimal, minimax, feasible


def _naive_single_stage(p0, p1, alpha, power):
    n = 0
    while True:
        n += 1
        for r in range(0, n + 2):
            if _sf(r - 1, n, p0) <= alpha:
                if _sf(r - 1, n, p1) >= power:
                    return n, r
                break


# ------------------------------------------------------------------------- exact single stage


def test_exact_single_stage_hand_calculation():
    """p0 = 0.05, p1 = 0.5, alpha = 0.05, power = 0.8, worked by hand:
    n = 3: r = 2 (P(X>=1|.05) = .1426 > .05; P(X>=2|.05) = .00725), power P(X>=2|.5) = .5 < .8
    n = 4: r = 2 (P(X>=1) = .1855; P(X>=2) = .0140), power 1 - 5/16 = .6875 < .8
    n = 5: r = 2 (P(X>=1) = .2262; P(X>=2) = 1 - .95^5 - 5(.05)(.95^4) = .0226),
           power 1 - (1 + 5)/32 = .8125 >= .8  -> n = 5, r = 2.
    """
    d = exact_single_stage(0.05, 0.5, 0.05, 0.8)
    assert (d.n, d.r) == (5, 2)
    assert d.alpha == pytest.approx(1 - 0.95**5 - 5 * 0.05 * 0.95**4)
    assert d.power == pytest.approx(1 - 6 / 32)


@pytest.mark.parametrize(
    ("p0", "p1", "alpha", "power", "n", "r"),
    [
        # A'Hern (2001), Stat Med 20:859-866, Table 1 (r/n with reject H0 when >= r responses).
        # NB the helper that wrote this test recalled these two entries from the table; the
        # naive enumeration below checks them independently.
        (0.05, 0.20, 0.05, 0.80, 27, 4),
        (0.10, 0.30, 0.05, 0.80, 25, 6),
        # TALENT (Capdevila 2021, J Clin Oncol 39:2304), Statistical Considerations: "55 patients
        # per group" for H0 ORR 10%, H1 25%, 90% power, alpha 5%.
        (0.10, 0.25, 0.05, 0.90, 55, 10),
    ],
)
def test_exact_single_stage_published(p0, p1, alpha, power, n, r):
    d = exact_single_stage(p0, p1, alpha, power)
    assert (d.n, d.r) == (n, r)
    assert d.alpha <= alpha and d.power >= power
    assert _naive_single_stage(p0, p1, alpha, power) == (n, r)


@pytest.mark.parametrize(("p0", "p1", "alpha", "power"),
                         [(0.2, 0.4, 0.05, 0.8), (0.3, 0.5, 0.1, 0.9), (0.01, 0.1, 0.05, 0.8),
                          (0.6, 0.8, 0.025, 0.9)])
def test_exact_single_stage_against_naive(p0, p1, alpha, power):
    d = exact_single_stage(p0, p1, alpha, power)
    assert (d.n, d.r) == _naive_single_stage(p0, p1, alpha, power)
    assert d.alpha == pytest.approx(_sf(d.r - 1, d.n, p0))
    assert d.power == pytest.approx(_sf(d.r - 1, d.n, p1))


def test_exact_p_value_against_r():
    """R: binom.test(9, 55, p = 0.1, alternative = "greater")$p.value  -> 0.09436302563
          binom.test(23, 52, p = 0.1, alternative = "greater")$p.value -> 1.916566145e-10
          binom.test(5, 20, p = 0.1, alternative = "greater")$p.value  -> 0.04317449528
    """
    assert exact_p_value(9, 55, 0.1) == pytest.approx(0.09436302563, rel=1e-9)
    assert exact_p_value(23, 52, 0.1) == pytest.approx(1.916566145e-10, rel=1e-8)
    assert exact_p_value(5, 20, 0.1) == pytest.approx(0.04317449528, rel=1e-9)
    assert exact_p_value(0, 20, 0.1) == 1.0
    assert exact_p_value(1, 1, 0.3) == pytest.approx(0.3)


def test_decision_rule():
    d = exact_single_stage(0.10, 0.25, 0.05, 0.90)
    below = apply_decision_rule(d, d.r - 1, d.n, 0.05)
    at = apply_decision_rule(d, d.r, d.n, 0.05)
    assert not below.meets_critical_count and at.meets_critical_count
    # at the design's own n, meeting r and P <= alpha are the same statement
    assert at.significant and not below.significant
    assert at.p_value == pytest.approx(d.alpha)


# ---------------------------------------------------------------------- normal approximations


def test_normal_approximation_by_hand():
    """p0 = .10, p1 = .25, one-sided alpha .05 (z = 1.644854), power .90 (z = 1.281552):
    K = 1.644854 * sqrt(.09) + 1.281552 * sqrt(.1875) = 0.493456 + 0.554929 = 1.048385
    n = (K / .15)^2 = 48.849 -> 49;
    with continuity correction n/4 (1 + sqrt(1 + 2/(48.849 * .15)))^2 = 55.315 -> 56;
    two-sided (z = 1.959964): K = .587989 + .554929 = 1.142918, n = 58.056 -> 59.
    """
    a = normal_approx_n(0.10, 0.25, 0.05, 0.90)
    assert a.n_raw == pytest.approx(48.849, abs=1e-3) and a.n == 49
    cc = normal_approx_n(0.10, 0.25, 0.05, 0.90, continuity=True)
    assert cc.n_raw == pytest.approx(55.315, abs=1e-3) and cc.n == 56
    two = normal_approx_n(0.10, 0.25, 0.05, 0.90, sided="two_sided")
    assert two.n_raw == pytest.approx(58.056, abs=1e-3) and two.n == 59


def test_inflation_for_non_evaluable():
    assert inflate_for_non_evaluable(49, 0.10) == 55  # 49 / 0.9 = 54.4
    assert inflate_for_non_evaluable(90, 0.10) == 100  # exactly 100, not 101
    assert inflate_for_non_evaluable(40, 0.0) == 40
    with pytest.raises(ValueError):
        inflate_for_non_evaluable(40, 1.0)


# ---------------------------------------------------------------------------- Simon two-stage

# Simon R (1989), Optimal two-stage designs for phase II clinical trials, Control Clin Trials
# 10:1-10. Table 1 gives designs for p1 - p0 = 0.20, Table 2 for p1 - p0 = 0.15; columns
# r1/n1, r/n, EN(p0), PET(p0) for the optimal and the minimax design.
SIMON_TABLES = [
    # table, p0, p1, alpha, beta, optimal (r1, n1, r, n, EN, PET), minimax (same)
    ("Table 1", 0.05, 0.25, 0.05, 0.20, (0, 9, 2, 17, 12.0, 0.63), (0, 12, 2, 16, 13.8, 0.54)),
    ("Table 1", 0.10, 0.30, 0.05, 0.20, (1, 10, 5, 29, 15.0, 0.74), (1, 15, 5, 25, 19.5, 0.55)),
    ("Table 1", 0.10, 0.30, 0.05, 0.10, (2, 18, 6, 35, 22.5, 0.73), (2, 22, 6, 33, 26.2, 0.62)),
    ("Table 1", 0.20, 0.40, 0.05, 0.20, (3, 13, 12, 43, 20.6, 0.75),
     (4, 18, 10, 33, 22.3, 0.72)),
    ("Table 1", 0.20, 0.40, 0.05, 0.10, (4, 19, 15, 54, 30.4, 0.67),
     (5, 24, 13, 45, 31.2, 0.66)),
    ("Table 1", 0.30, 0.50, 0.05, 0.20, (5, 15, 18, 46, 23.6, 0.72),
     (6, 19, 16, 39, 25.7, 0.67)),
    ("Table 1", 0.30, 0.50, 0.05, 0.10, (8, 24, 24, 63, 34.7, 0.73),
     (7, 24, 21, 53, 36.6, 0.56)),
    ("Table 2", 0.05, 0.20, 0.05, 0.20, (0, 10, 3, 29, 17.6, 0.60), (0, 13, 3, 27, 19.8, 0.51)),
    ("Table 2", 0.10, 0.25, 0.05, 0.20, (2, 18, 7, 43, 24.7, 0.73), (2, 22, 7, 40, 28.8, 0.62)),
    ("Table 2", 0.10, 0.25, 0.05, 0.10, (2, 21, 10, 66, 36.8, 0.65),
     (3, 31, 9, 55, 40.0, 0.62)),
]


def _as_row(d: SimonDesign) -> tuple:
    return (d.r1, d.n1, d.r, d.n, round(d.expected_n, 1), round(d.pet, 2))


@pytest.mark.parametrize(("table", "p0", "p1", "alpha", "beta", "optimal", "minimax"),
                         SIMON_TABLES)
def test_simon_published_tables(table, p0, p1, alpha, beta, optimal, minimax):
    designs = simon_two_stage(p0, p1, alpha, 1 - beta)
    assert _as_row(designs["optimal"]) == optimal, table
    assert _as_row(designs["minimax"]) == minimax, table
    for d in designs.values():
        assert d.alpha <= alpha and d.power >= 1 - beta


@pytest.mark.parametrize(("p0", "p1", "alpha", "power", "n_max"),
                         [(0.2, 0.5, 0.10, 0.80, 20), (0.1, 0.4, 0.05, 0.80, 22)])
def test_simon_against_naive_search(p0, p1, alpha, power, n_max):
    opt, mm, feasible = _naive_simon(p0, p1, alpha, power, n_max)
    designs = simon_two_stage(p0, p1, alpha, power, n_max=n_max)
    for ours, ref in ((designs["optimal"], opt), (designs["minimax"], mm)):
        assert (ours.r1, ours.n1, ours.n) == (ref[0], ref[1], ref[3])
        assert ours.expected_n == pytest.approx(ref[4])
        assert ours.pet == pytest.approx(ref[5])
        # the reported r is feasible in the naive search, and its attained error rates agree
        assert (ours.r1, ours.n1, ours.r, ours.n) in {d[:4] for d in feasible}
        assert ours.alpha == pytest.approx(_naive_reject(ours.r1, ours.n1, ours.r, ours.n, p0))
        assert ours.power == pytest.approx(_naive_reject(ours.r1, ours.n1, ours.r, ours.n, p1))


# R's clinfun::ph2simon (clinfun 1.1.6, built from its source, github.com/veseshan/clinfun,
# since CRAN could not be reached here), with nmax large enough to hold the optimum:
#   for (a in list(c(.25,.40,.05,.1), c(.3,.45,.05,.1), c(.2,.35,.05,.1), c(.5,.65,.05,.1),
#                  c(.6,.75,.05,.2), c(.4,.55,.05,.1))) {
#     x <- ph2simon(a[1], a[2], a[3], a[4], nmax = 300)$out; o <- x[which.min(x[, 5]), ]
#     cat(a, "| opt", o[1:4], round(o[5], 3), round(o[6], 4), "| minimax", x[1, 1:4],
#         round(x[1, 5], 3), round(x[1, 6], 4), "\n") }
CLINFUN = [
    # p0, p1, alpha, beta, optimal (r1, n1, r, n, EN, PET), minimax (same)
    (0.25, 0.40, 0.05, 0.1, (10, 37, 31, 99, 56.162, 0.6909), (13, 57, 27, 83, 72.107, 0.419)),
    (0.30, 0.45, 0.05, 0.1, (13, 40, 40, 110, 60.773, 0.7032),
     (27, 77, 33, 88, 78.512, 0.8625)),
    (0.20, 0.35, 0.05, 0.1, (8, 37, 22, 83, 51.448, 0.6859), (8, 42, 21, 77, 58.418, 0.5309)),
    (0.50, 0.65, 0.05, 0.1, (22, 42, 60, 105, 62.285, 0.678), (28, 57, 54, 93, 75.0, 0.5)),
    (0.60, 0.75, 0.05, 0.2, (17, 27, 46, 67, 39.349, 0.6913),
     (18, 30, 43, 62, 43.795, 0.5689)),
    (0.40, 0.55, 0.05, 0.1, (19, 45, 49, 104, 63.961, 0.6786),
     (24, 62, 45, 94, 78.88, 0.4725)),
]


@pytest.mark.parametrize(("p0", "p1", "alpha", "beta", "optimal", "minimax"), CLINFUN)
def test_simon_searches_until_the_optimum_is_proved(p0, p1, alpha, beta, optimal, minimax):
    """Without n_max the search goes past 100 patients when the optimum needs it (three of
    these need more than 100) and stops once no larger design can do better; no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        designs = simon_two_stage(p0, p1, alpha, 1 - beta)
    for kind, ref in (("optimal", optimal), ("minimax", minimax)):
        d = designs[kind]
        assert (d.r1, d.n1, d.r, d.n) == ref[:4], kind
        assert (round(d.expected_n, 3), round(d.pet, 4)) == pytest.approx(ref[4:], abs=1e-9)
        assert d.note == ""


def test_simon_warns_when_the_search_limit_cuts_the_search():
    """p0 .30, p1 .45, alpha .05, power .90 with the old limit of 100 patients: the best
    design within it is 12/39, 37/100 (EN 62.29), as clinfun's default nmax = 100 prints::

        ph2simon(0.3, 0.45, 0.05, 0.1)   # Optimal 12 39 37 100 62.29 0.6182

    but the optimum is 13/40, 40/110 (EN 60.77, above). The warning and the note name the
    limit."""
    with pytest.warns(SimonSearchLimitWarning, match="n_max = 100"):
        designs = simon_two_stage(0.30, 0.45, 0.05, 0.90, n_max=100)
    d = designs["optimal"]
    assert (d.r1, d.n1, d.r, d.n, round(d.expected_n, 2)) == (12, 39, 37, 100, 62.29)
    assert "n_max = 100" in d.note and "n_max = 100" in designs["minimax"].note
    with warnings.catch_warnings():  # 10/29 ... lies well inside 100: proved, no warning
        warnings.simplefilter("error")
        assert simon_two_stage(0.10, 0.30, 0.05, 0.80, n_max=100)["optimal"].note == ""


def test_simon_lower_bound_never_excludes_a_better_design():
    """The bound behind the stopping rule, checked by brute force: for every first-stage
    size and r1 of a small problem, the expected size of each feasible design is at least
    n1 + P(X1 > r1* | p0) (n - n1), r1* the largest r1 whose first stage keeps the power."""
    p0, p1, alpha, power, n_max = 0.2, 0.5, 0.10, 0.80, 20
    _, _, feasible = _naive_simon(p0, p1, alpha, power, n_max)
    for r1, n1, _r, n, en, _pet in feasible:
        r1_star = max(k for k in range(n1) if _sf(k, n1, p1) >= power)
        assert en >= n1 + _sf(r1_star, n1, p0) * (n - n1) - 1e-12
        assert r1 <= r1_star


def test_simon_operating_characteristic():
    d = simon_two_stage(0.10, 0.30, 0.05, 0.80)["optimal"]  # 1/10, 5/29
    p = np.array([0.1, 0.3])
    oc = simon_reject_probability(d, p)
    assert oc == pytest.approx([d.alpha, d.power])
    assert oc[0] == pytest.approx(_naive_reject(1, 10, 5, 29, 0.1))
    grid = np.linspace(0, 1, 51)
    assert np.all(np.diff(simon_reject_probability(d, grid)) >= -1e-15)  # monotone in p


def test_single_stage_operating_characteristic():
    d = exact_single_stage(0.10, 0.25, 0.05, 0.90)
    oc = single_stage_reject_probability(d, np.array([0.10, 0.25]))
    assert oc == pytest.approx([d.alpha, d.power])


def test_simon_no_design_within_n_max():
    with pytest.raises(ValueError, match="n_max"):
        simon_two_stage(0.10, 0.15, 0.05, 0.90, n_max=30)


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [((0.3, 0.2, 0.05, 0.8), "p0 must be smaller than p1"),
     ((0.2, 0.2, 0.05, 0.8), "p0 must be smaller than p1"),
     ((0.0, 0.2, 0.05, 0.8), "p0 must lie strictly between 0 and 1"),
     ((0.1, 1.2, 0.05, 0.8), "p1 must lie strictly between 0 and 1"),
     ((0.1, 0.2, 0.0, 0.8), "alpha must lie strictly between 0 and 1"),
     ((0.1, 0.2, 0.05, 1.0), "power must lie strictly between 0 and 1")],
)
def test_bad_design_input(args, message):
    for fn in (exact_single_stage, simon_two_stage, normal_approx_n):
        with pytest.raises(ValueError, match=message):
            fn(*args)


@pytest.mark.parametrize(("x", "n"), [(5, 3), (0, 0), (-1, 4)])
def test_bad_p_value_input(x, n):
    with pytest.raises(ValueError):
        exact_p_value(x, n, 0.1)


# ------------------------------------------------------------------------------------- CLI


def test_cli_design_json(capsys):
    import json

    from trialrecon.cli import main

    assert main(["design", "--p0", "0.10", "--p1", "0.25", "--alpha", "0.05", "--power", "0.90",
                 "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    exact = res["exact_single_stage"]
    assert (exact["n"], exact["r"]) == (55, 10)
    assert {"n", "r", "alpha", "power"} <= set(exact)
    # Simon (1989) Table 2, p0 .10, p1 .25, alpha .05, beta .10
    for kind, expected in (("optimal", (2, 21, 10, 66)), ("minimax", (3, 31, 9, 55))):
        d = res["simon"][kind]
        assert {"r1", "n1", "r", "n", "expected_n", "pet"} <= set(d)
        assert (d["r1"], d["n1"], d["r"], d["n"]) == expected


def test_cli_design_text(capsys):
    from trialrecon.cli import main

    assert main(["design", "--p0", "0.10", "--p1", "0.30"]) == 0
    out = capsys.readouterr().out
    assert "n = 25, r = 6" in out  # A'Hern: 6/25 at alpha .05, power .80
    assert "1/10" in out and "5/29" in out  # Simon optimal, Table 1


@pytest.mark.parametrize("argv", [["design", "--p0", "0.3", "--p1", "0.2"],
                                  ["design", "--p0", "1.5", "--p1", "0.2"],
                                  ["design", "--p0", "0.1", "--p1", "0.3", "--power", "0"]])
def test_cli_design_bad_input(argv, capsys):
    from trialrecon.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
