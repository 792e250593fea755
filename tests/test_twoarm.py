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
    """R: coxph(Surv(1:6, c(1,1,1,0,0,0)) ~ c(1,1,1,0,0,0)) warns "coefficient may be
    infinite" and stops at coefficient 21.9, se 24795 (the divergence stops a step later here).
    """
    t = np.array([1, 2, 3, 4, 5, 6.0])
    e = np.array([1, 1, 1, 0, 0, 0])
    a = np.array([1, 1, 1, 0, 0, 0])
    cox = twoarm.cox_binary(t, e, a)
    assert cox.log_hr > 20 and cox.se > 1e4
    assert cox.hr_low == 0.0 and math.isinf(cox.hr_high)
