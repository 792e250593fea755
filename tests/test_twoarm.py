"""Cox hazard ratio and log-rank test in numpy (trialrecon.stats.twoarm) against R.

R 4.x, survival 3.5.3; lifelines' GBSG2 and Rossi data written to gbsg2.csv and rossi.csv.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trialrecon.stages.km import validation as kv
from trialrecon.stats import twoarm


def _arrays(name: int):
    d = kv.load(kv.DATASETS[name])
    return d["time"].to_numpy(float), d["event"].to_numpy(), d["arm"].to_numpy()


def test_gbsg2_hormone_therapy_matches_coxph_and_survdiff():
    """R::

        m <- coxph(Surv(time, cens) ~ I(horTh == "yes"), data = g); c(coef(m), sqrt(vcov(m)))
        [1] -0.3640098833  0.1250445704
        survdiff(Surv(time, cens) ~ horTh, data = g)$chisq
        [1] 8.564780854
    """
    t, e, a = _arrays(0)
    cox = twoarm.cox_binary(t, e, a)
    assert cox.log_hr == pytest.approx(-0.3640098833, abs=1e-9)
    assert cox.se == pytest.approx(0.1250445704, abs=1e-9)
    assert twoarm.logrank(t, e, a).chi2 == pytest.approx(8.564780854, abs=1e-8)


def test_rossi_financial_aid_matches_coxph_and_survdiff():
    """R::

        m <- coxph(Surv(week, arrest) ~ fin, data = rossi); c(coef(m), sqrt(vcov(m)))
        [1] -0.3690692103  0.1897224368
        survdiff(Surv(week, arrest) ~ fin, data = rossi)$chisq
        [1] 3.837569577
    """
    t, e, a = _arrays(1)
    cox = twoarm.cox_binary(t, e, a)
    assert cox.log_hr == pytest.approx(-0.3690692103, abs=1e-9)
    assert cox.se == pytest.approx(0.1897224368, abs=1e-9)
    assert twoarm.logrank(t, e, a).chi2 == pytest.approx(3.837569577, abs=1e-8)


def test_tied_event_times_use_efron():
    """R::

        tt <- c(1,1,2,2,2,3,4,4,5,6,7,8,8,9,10); ee <- c(1,1,1,0,1,1,1,1,0,1,1,1,0,1,0)
        aa <- c(1,0,1,0,0,1,1,0,1,0,1,0,1,0,1)
        m <- coxph(Surv(tt, ee) ~ aa); c(coef(m), sqrt(vcov(m)), exp(confint(m)))
        [1] -0.3543043202  0.6069607573  0.2135411885  2.3055445690
        sd <- survdiff(Surv(tt, ee) ~ aa); c(sd$chisq, 1 - pchisq(sd$chisq, 1))
        [1] 0.3532845388 0.5522596954
    """
    tt = np.array([1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10.0])
    ee = np.array([1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0])
    aa = np.array([1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    cox = twoarm.cox_binary(tt, ee, aa)
    assert (cox.log_hr, cox.se) == pytest.approx((-0.3543043202, 0.6069607573), abs=1e-9)
    assert (cox.hr_low, cox.hr_high) == pytest.approx((0.2135411885, 2.3055445690), abs=1e-8)
    lr = twoarm.logrank(tt, ee, aa)
    assert (lr.chi2, lr.p_value) == pytest.approx((0.3532845388, 0.5522596954), abs=1e-9)


def test_all_events_in_one_arm_give_an_infinite_interval_not_an_error():
    """R::

        m <- coxph(Surv(1:6, c(1,1,1,0,0,0)) ~ c(1,1,1,0,0,0))
        # Warning: Ran out of iterations and did not converge
        c(coef(m), sqrt(vcov(m)), m$iter)   # 21.94154728873 24795.05701996 20

    The same 20 iterations of Newton-Raphson from 0 as R's ``coxfit6.c`` stop at the same
    coefficient; the likelihood is monotone, so the fit is not converged and says why.
    """
    t = np.array([1, 2, 3, 4, 5, 6.0])
    e = np.array([1, 1, 1, 0, 0, 0])
    a = np.array([1, 1, 1, 0, 0, 0])
    cox = twoarm.cox_binary(t, e, a)
    assert cox.log_hr == pytest.approx(21.94154728873, rel=1e-8)
    assert cox.se == pytest.approx(24795.05701996, rel=1e-6)
    assert cox.hr_low == 0.0 and math.isinf(cox.hr_high)
    assert not cox.converged
    assert "hazard ratio may be infinite" in cox.note and twoarm.R_ITER_WARNING in cox.note
    assert twoarm.monotone_direction(t, e, a) == 1


def test_monotone_likelihood_is_reported_where_r_warns():
    """Two monotone likelihoods on which R's log-likelihood converges and it warns::

        t <- c(1:10, 1.5 + 0:9); e <- rep(1:0, each = 10); a <- e
        m <- coxph(Surv(t, e) ~ a)
        # Warning: Loglik converged before variable  1 ; coefficient may be infinite.
        c(coef(m), sqrt(vcov(m)))   # 21.2028947065 12710.1327298201
        t2 <- c(1:6, 2:11, 3.5, 7.5); e2 <- c(rep(1, 6), rep(0, 10), 1, 1)
        a2 <- c(rep(0, 6), rep(1, 10), 0, 0)
        m2 <- coxph(Surv(t2, e2) ~ a2)   # the same warning
        c(coef(m2), sqrt(vcov(m2)))      # -22.2018720768 16011.2813294424
    """
    t = np.r_[np.arange(1, 11.0), 1.5 + np.arange(10.0)]
    e = np.r_[np.ones(10), np.zeros(10)]
    cox = twoarm.cox_binary(t, e, e)
    assert (cox.log_hr, cox.se) == pytest.approx((21.2028947065, 12710.1327298201), rel=1e-7)
    assert not cox.converged and twoarm.R_LOGLIK_WARNING in cox.note
    assert "may be infinite" in cox.note
    t2 = np.r_[np.arange(1, 7.0), np.arange(2, 12.0), 3.5, 7.5]
    e2 = np.r_[np.ones(6), np.zeros(10), 1, 1]
    a2 = np.r_[np.zeros(6), np.ones(10), 0, 0]
    cox2 = twoarm.cox_binary(t2, e2, a2)
    assert (cox2.log_hr, cox2.se) == pytest.approx((-22.2018720768, 16011.2813294424), rel=1e-7)
    assert not cox2.converged and "hazard ratio may be 0" in cox2.note
    assert twoarm.monotone_direction(t, e, e) == 1
    assert twoarm.monotone_direction(t2, e2, a2) == -1


def test_monotone_direction_needs_every_event_on_one_side():
    """By hand: a comparator event while an experimental patient is still at risk (time 2.5,
    the one of time 3) makes the score change sign, so the likelihood has a finite maximum;
    a comparator event once every experimental patient has left (time 4) does not; without
    events, or with everybody in one arm, the coefficient is not identified (0)."""
    a = np.array([1, 1, 1, 0, 0, 0])
    e = np.array([1, 1, 1, 1, 0, 0])
    assert twoarm.monotone_direction(np.array([1, 2, 3, 2.5, 5, 6.0]), e, a) == 0
    t = np.array([1, 2, 3, 4, 5, 6.0])
    assert twoarm.monotone_direction(t, e, a) == 1
    assert twoarm.monotone_direction(t, np.ones(6), np.ones(6)) == 0
    assert twoarm.monotone_direction(t, np.zeros(6), a) == 0


def test_wald_score_and_likelihood_ratio_p_values_match_summary_coxph():
    """R (the tied data of test_tied_event_times_use_efron)::

        s <- summary(coxph(Surv(tt, ee) ~ aa))
        s$waldtest["pvalue"]; s$sctest["pvalue"]; s$logtest["pvalue"]
        # 0.5593985 0.5573716 0.5583140 (score 0.344275673277 with Efron's ties; survdiff's
        # chi-square is 0.353284538845)
    """
    tt = np.array([1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10.0])
    ee = np.array([1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0])
    aa = np.array([1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    cox = twoarm.cox_binary(tt, ee, aa)
    assert (cox.p_wald, cox.p_score, cox.p_lr) == pytest.approx(
        (0.5593985, 0.5573716, 0.5583140), abs=5e-8)
    # the score test at 0: 0.344275673277 -> P = erfc(sqrt(0.344275673277 / 2))
    assert cox.p_score == pytest.approx(math.erfc(math.sqrt(0.344275673277 / 2)), abs=1e-11)
