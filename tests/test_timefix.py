"""R's ``timefix`` (survival::aeqSurv) in the project's Kaplan-Meier, Cox and log-rank code.

References: R 4.2.2 with survival 3.5-3 (Debian ``r-base-core``, ``r-cran-survival``; R is
not a dependency of the project); the R code is in each test. ``tests/r_reference.py``
draws the random data sets and runs R on them when ``Rscript`` is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
import r_reference as rr

from trialrecon.stats import km, lifelines_fit, twoarm


def test_near_ties_are_made_ties_as_aeqsurv_does():
    """R::

        x <- c(10, 10 + 1e-7, 10 + 2e-7, 10 + 5e-7, 20, 20 - 1e-7, 30)
        cat(sprintf("%.17g", aeqSurv(Surv(x, rep(1, 7)))[, 1]))
        # 10 10 10 10.000000500000001 19.999999899999999 19.999999899999999 30
        cat(sprintf("%.17g", aeqSurv(Surv(c(0.1 + 0.2, 0.3, 1, 2), rep(1, 4)))[, 1]))
        # 0.29999999999999999 0.29999999999999999 1 2
        cat(sprintf("%.17g", aeqSurv(Surv(c(1e-9, 5e-9, 3e-8, 1), rep(1, 4)))[, 1]))
        # 1.0000000000000001e-09 1.0000000000000001e-09 2.9999999999999997e-08 1

    The tolerance is sqrt(.Machine$double.eps) = 1.49e-8 times the mean distinct time (16.4
    in the first: 2.3e-7), or absolute: a chain of gaps of 1e-7 joins 10 + 2e-7 to 10, the
    gap of 3e-7 after it does not; 1e-9 and 5e-9 are 4e-9 apart, absolutely within.
    """
    cases = [
        ([10, 10 + 1e-7, 10 + 2e-7, 10 + 5e-7, 20, 20 - 1e-7, 30],
         ["10", "10", "10", "10.000000500000001", "19.999999899999999",
          "19.999999899999999", "30"]),
        ([0.1 + 0.2, 0.3, 1, 2], ["0.29999999999999999", "0.29999999999999999", "1", "2"]),
        ([1e-9, 5e-9, 3e-8, 1],
         ["1.0000000000000001e-09", "1.0000000000000001e-09", "2.9999999999999997e-08", "1"]),
    ]
    for x, r_printed in cases:
        assert [f"{v:.17g}" for v in km.fix_near_ties(np.array(x))] == r_printed


def test_fix_near_ties_leaves_distinct_times_alone():
    t = np.array([3.0, 1.0, 2.0, 2.0, np.inf])
    assert np.array_equal(km.fix_near_ties(t), t)
    assert np.array_equal(km.fix_near_ties(np.array([1.0, 1.0 + 1e-9]), tolerance=0.0),
                          [1.0, 1.0 + 1e-9])


# One small data set with three kinds of near tie: 0.1 + 0.2 against 0.3 (floating error),
# 2 + 1e-9 against 2, 4 - 3e-8 against 4 (within 1.49e-8 x mean 3.2 = 4.8e-8); 3 + 1e-6 stays
# apart from 3.
SMALL_T = np.array([0.1 + 0.2, 0.3, 1.5, 2, 2 + 1e-9, 3, 3 + 1e-6, 4 - 3e-8, 4, 5, 6, 7])
SMALL_E = np.array([1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0])
SMALL_A = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("impl", ["numpy", "lifelines"])
def test_small_near_tied_set_against_r(impl):
    """R::

        t <- c(0.1 + 0.2, 0.3, 1.5, 2, 2 + 1e-9, 3, 3 + 1e-6, 4 - 3e-8, 4, 5, 6, 7)
        e <- c(1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0); a <- c(1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1)
        f <- survfit(Surv(t, e) ~ 1); k <- f$n.event > 0
        cbind(f$time[k], f$n.risk[k], f$n.event[k], f$surv[k])
        #  0.30000000 12 2 0.833333333333
        #  2.00000000  9 2 0.648148148148
        #  3.00000000  7 1 0.555555555556
        #  3.00000100  6 1 0.462962962963
        #  3.99999997  5 2 0.277777777778
        #  6.00000000  2 1 0.138888888889
        m <- coxph(Surv(t, e) ~ a); c(coef(m), sqrt(vcov(m)))   # -0.489509182308 0.672988298878
        survdiff(Surv(t, e) ~ a)$chisq                         # 0.556281322525
        m0 <- coxph(Surv(t, e) ~ a, control = coxph.control(timefix = FALSE))
        c(coef(m0), sqrt(vcov(m0)))                            # -0.483689379068 0.674342406056
        sum(survfit(Surv(t, e) ~ 1, timefix = FALSE)$n.event > 0)   # 9 event times
    """
    mod = lifelines_fit if impl == "lifelines" else None
    fit = (mod.kaplan_meier(SMALL_T, SMALL_E) if mod
           else km.kaplan_meier(SMALL_T, SMALL_E))
    assert fit.time == pytest.approx([0.3, 2, 3, 3.000001, 3.99999997, 6], abs=1e-8)
    assert list(fit.n_risk) == [12, 9, 7, 6, 5, 2]
    assert list(fit.n_event) == [2, 2, 1, 1, 2, 1]
    assert fit.survival == pytest.approx([0.833333333333, 0.648148148148, 0.555555555556,
                                          0.462962962963, 0.277777777778, 0.138888888889],
                                         abs=1e-12)
    cox = (mod.cox if mod else twoarm.cox_binary)(SMALL_T, SMALL_E, SMALL_A)
    assert (cox.log_hr, cox.se) == pytest.approx((-0.489509182308, 0.672988298878), abs=1e-10)
    lr = (mod.logrank if mod else twoarm.logrank)(SMALL_T, SMALL_E, SMALL_A)
    assert lr.chi2 == pytest.approx(0.556281322525, abs=1e-11)
    off = (mod.cox if mod else twoarm.cox_binary)(SMALL_T, SMALL_E, SMALL_A, timefix=False)
    assert (off.log_hr, off.se) == pytest.approx((-0.483689379068, 0.674342406056), abs=1e-10)
    off_km = (mod.kaplan_meier if mod else km.kaplan_meier)(SMALL_T, SMALL_E, timefix=False)
    assert off_km.time.size == 9


def test_step_functions_and_counts_use_the_fixed_times():
    """km_steps, at_risk and cumulative_events agree with kaplan_meier on the small set: by
    0.3 two events happened (0.1 + 0.2 is 0.3 for R), and just after 2, at 2 + 5e-10, the
    patient of 2 + 1e-9 (2 for R) is no longer at risk."""
    st, ss = km.km_steps(SMALL_T, SMALL_E)
    fit = km.kaplan_meier(SMALL_T, SMALL_E)
    assert np.array_equal(st, fit.time) and np.array_equal(ss, fit.survival)
    assert list(km.at_risk(SMALL_T, np.array([0.3, 2.0, 2 + 5e-10]))) == [12, 9, 7]
    assert list(km.at_risk(SMALL_T, np.array([2 + 5e-10]), timefix=False)) == [8]
    assert list(km.cumulative_events(SMALL_T, SMALL_E, np.array([0.3]))) == [2]
    assert list(km.cumulative_events(SMALL_T, SMALL_E, np.array([0.3]), timefix=False)) == [1]


@pytest.fixture(scope="module")
def r_answers(tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[list[rr.DataSet], rr.RAnswers, rr.RAnswers]:
    """Sixty random data sets and R's answers with and without timefix (one R run each)."""
    if rr.rscript() is None:
        pytest.skip("Rscript with survival is not installed")
    sets = rr.data_sets(60)
    workdir = tmp_path_factory.mktemp("r")
    return sets, rr.run_r(sets, workdir, timefix=True), rr.run_r(sets, workdir, timefix=False)


@pytest.mark.parametrize("impl", ["numpy", "lifelines"])
def test_random_near_tied_sets_agree_with_r(r_answers, impl: str):
    """Sixty random data sets (``tests/r_reference.py``, seed 20250) through R's ``survfit``,
    ``coxph`` and ``survdiff``, with and without ``timefix``: every Kaplan-Meier (times,
    counts, S, Greenwood SE, median and log-log CI), Cox coefficient and SE and log-rank
    chi-square agrees with R's defaults, and with ``timefix = FALSE`` when turned off; the
    sets do have near ties (without the fix most differ from R's defaults).

    ``benchmarks/r_agreement.py`` runs the same on 2,000 sets.
    """
    sets, on, off = r_answers
    lifelines = impl == "lifelines"
    for i, ds in enumerate(sets):
        assert not rr.km_disagrees(ds, on.km[i], on.median[i], True, lifelines), i
        assert not rr.km_disagrees(ds, off.km[i], off.median[i], False, lifelines), i
        assert not rr.cox_disagrees(ds, on.cox[i], True, lifelines), i
        assert not rr.cox_disagrees(ds, off.cox[i], False, lifelines), i
    before = sum(rr.km_disagrees(ds, on.km[i], on.median[i], False, lifelines)
                 for i, ds in enumerate(sets))
    assert before > 10
