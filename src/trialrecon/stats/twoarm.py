"""Two-arm comparisons of survival data in numpy: Cox hazard ratio and log-rank test.

One binary covariate (1 = experimental arm, 0 = comparator), as R's
``coxph(Surv(time, event) ~ arm)`` (Efron's handling of tied event times, Newton-Raphson
from 0, Wald interval) and ``survdiff(Surv(time, event) ~ arm)``. Written out here because
the model-based reconstruction fits hundreds of simulated trials, where a general-purpose
fitter costs more than the whole reconstruction; the tests compare both with R.

References
----------
Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220.
Efron B. The efficiency of Cox's likelihood function for censored data. J Am Stat Assoc
1977;72:557-565.
Mantel N. Evaluation of survival data and two new rank order statistics arising in its
consideration. Cancer Chemother Rep 1966;50:163-170.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trialrecon.stats.km import z_value


@dataclass(frozen=True)
class CoxResult:
    """log HR (experimental vs comparator), its standard error and the Wald interval."""

    log_hr: float
    se: float
    hr: float
    hr_low: float
    hr_high: float
    converged: bool


@dataclass(frozen=True)
class _RiskTable:
    """Per distinct event time: at risk and events, overall and in the experimental arm."""

    n: np.ndarray
    n1: np.ndarray
    d: np.ndarray
    d1: np.ndarray


def _risk_table(time: np.ndarray, event: np.ndarray, arm: np.ndarray) -> _RiskTable:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    arm = np.asarray(arm).astype(bool)
    ev_t = np.unique(time[event])
    sorted_all = np.sort(time)
    sorted_1 = np.sort(time[arm])
    n = sorted_all.size - np.searchsorted(sorted_all, ev_t, side="left")
    n1 = sorted_1.size - np.searchsorted(sorted_1, ev_t, side="left")
    e_all = np.sort(time[event])
    e_1 = np.sort(time[event & arm])
    d = np.searchsorted(e_all, ev_t, side="right") - np.searchsorted(e_all, ev_t, side="left")
    d1 = np.searchsorted(e_1, ev_t, side="right") - np.searchsorted(e_1, ev_t, side="left")
    return _RiskTable(n.astype(float), n1.astype(float), d.astype(float), d1.astype(float))


def _efron_terms(tab: _RiskTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Efron's tie correction expanded: one entry per event (r = 0 .. d-1 at each time)."""
    d = tab.d.astype(int)
    rep = np.repeat(np.arange(d.size), d)
    r = np.arange(rep.size) - np.repeat(np.cumsum(d) - d, d)
    frac = r / tab.d[rep]
    n0 = (tab.n - tab.n1)[rep]
    n1 = tab.n1[rep]
    d0 = (tab.d - tab.d1)[rep]
    d1 = tab.d1[rep]
    return n0 - frac * d0, n1 - frac * d1, rep, d1


def _partial_likelihood_terms(time: np.ndarray, event: np.ndarray, arm: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray, float]:
    """Per event: at risk in each arm (Efron-corrected at ties) and the experimental events.

    Without tied times (simulated trials) one sort gives the risk sets; ties take the
    general path of :func:`_risk_table` and Efron's expansion.
    """
    time = np.asarray(time, dtype=float)
    order = np.argsort(time, kind="stable")
    t = time[order]
    if t.size > 1 and bool((t[1:] == t[:-1]).any()):
        tab = _risk_table(time, event, arm)
        a0, a1, _, _ = _efron_terms(tab)
        return a0, a1, float(tab.d1.sum())
    ev = np.asarray(event)[order].astype(bool)
    a = np.asarray(arm)[order].astype(float)
    n1 = np.cumsum(a[::-1])[::-1]  # experimental patients with time >= t_i
    n = np.arange(t.size, 0, -1, dtype=float)
    return (n - n1)[ev], n1[ev], float(a[ev].sum())


def cox_binary(time: np.ndarray, event: np.ndarray, arm: np.ndarray, level: float = 0.95,
               max_iter: int = 30, eps: float = 1e-9) -> CoxResult:
    """Cox proportional-hazards fit of one 0/1 covariate (Cox 1972; Efron 1977 for ties).

    Parameters
    ----------
    time, event : observed times and 1/0 event indicators of all patients
    arm : 1 for the experimental arm, 0 for the comparator
    level : confidence level of the Wald interval exp(b +- z se)

    Returns
    -------
    CoxResult
        ``hr`` is 0 or ``inf`` (not converged) when every event falls in one arm.
    """
    a0, a1, events_1 = _partial_likelihood_terms(time, event, arm)

    def loglik(b: float) -> tuple[float, float, float]:
        w = _exp(min(b, 700.0))
        den = a0 + a1 * w
        share = a1 * w / den
        ll = b * events_1 - float(np.log(den).sum())
        return ll, events_1 - float(share.sum()), float((share * (1.0 - share)).sum())

    b = 0.0
    ll, score, info = loglik(b)
    converged = False
    for _ in range(max_iter):
        if info <= 0:
            break
        step = score / info
        new = b + step
        ll_new, score_new, info_new = loglik(new)
        halvings = 0
        while ll_new < ll - 1e-12 and halvings < 30:  # step halving, as R's coxph
            step /= 2.0
            new = b + step
            ll_new, score_new, info_new = loglik(new)
            halvings += 1
        done = abs(ll_new - ll) <= eps * max(abs(ll), 1.0)
        b, ll, score, info = new, ll_new, score_new, info_new
        if done:
            converged = True
            break
    se = 1.0 / math.sqrt(info) if info > 0 else math.inf
    z = z_value(level)
    return CoxResult(b, se, _exp(b), _exp(b - z * se), _exp(b + z * se),
                     converged and math.isfinite(se))


def _exp(x: float) -> float:
    """exp without overflow: ``inf`` past the float range (an infinite coefficient)."""
    return math.exp(x) if x < 709.0 else math.inf


@dataclass(frozen=True)
class LogRank:
    observed_1: float
    expected_1: float
    variance: float
    chi2: float
    p_value: float


def logrank(time: np.ndarray, event: np.ndarray, arm: np.ndarray) -> LogRank:
    """The log-rank test of two arms (Mantel 1966), as R's ``survdiff`` with ``rho = 0``."""
    tab = _risk_table(time, event, arm)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = tab.n1 / tab.n
        expected = float((tab.d * share).sum())
        var_terms = np.where(tab.n > 1, tab.d * share * (1.0 - share) * (tab.n - tab.d)
                             / (tab.n - 1.0), 0.0)
    var = float(var_terms.sum())
    observed = float(tab.d1.sum())
    stat = (observed - expected) ** 2 / var if var > 0 else 0.0
    # P(chi-square with 1 df > x) = erfc(sqrt(x / 2))
    return LogRank(observed, expected, var, stat, math.erfc(math.sqrt(stat / 2.0)))
