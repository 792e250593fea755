"""Two-arm comparisons of survival data in numpy: Cox hazard ratio and log-rank test.

One binary covariate (1 = experimental arm, 0 = comparator), as R's
``coxph(Surv(time, event) ~ arm)`` (Efron's handling of tied event times, Newton-Raphson
from 0, Wald interval) and ``survdiff(Surv(time, event) ~ arm)``, both with R's default
``timefix`` (near-tied times made tied first, :func:`trialrecon.stats.km.fix_near_ties`).
A monotone likelihood (every event of the risk sets in one arm, so the estimate runs off
to 0 or infinity) is reported as R's ``coxph`` warns of it: not converged, with a note.
Written out here because
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
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from trialrecon.stats.km import TOLERANCE, fix_near_ties, near_tie_cuts, snap_to_cuts, z_value

MONOTONE_NOTE = ("monotone likelihood: the coefficient kept growing while the log-likelihood "
                 "levelled off, so the hazard ratio may be {where}")
# R's coxph warnings, quoted so a reader can match them with R's output
R_LOGLIK_WARNING = "Loglik converged before variable 1; coefficient may be infinite"
R_ITER_WARNING = "Ran out of iterations and did not converge"


@dataclass(frozen=True)
class CoxResult:
    """log HR (experimental vs comparator), its standard error and the Wald interval.

    ``converged`` is False when the iterations ran out or the likelihood is monotone (then
    ``note`` says so, and ``log_hr`` is the last iterate, as R's ``coef`` is). The P values
    are those ``summary(coxph(...))`` prints: Wald, score at log HR 0 ("Score (logrank)
    test", Efron's information with ties) and likelihood ratio; NaN where not computed.
    """

    log_hr: float
    se: float
    hr: float
    hr_low: float
    hr_high: float
    converged: bool
    note: str = ""
    p_wald: float = math.nan
    p_score: float = math.nan
    p_lr: float = math.nan


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


def _partial_likelihood_terms(time: np.ndarray, event: np.ndarray, arm: np.ndarray,
                              timefix: bool = True) -> tuple[np.ndarray, np.ndarray, float]:
    """Per event: at risk in each arm (Efron-corrected at ties) and the experimental events.

    Without tied or near-tied times (simulated trials) one sort gives the risk sets; ties
    take the general path of :func:`_risk_table` and Efron's expansion, near ties first
    made ties (``timefix``, checked on the same sort).
    """
    time = np.asarray(time, dtype=float)
    order = np.argsort(time, kind="stable")
    t = time[order]
    cuts = near_tie_cuts(t, TOLERANCE) if timefix else None
    if cuts is not None:
        time = snap_to_cuts(time, cuts)
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
               max_iter: int = 20, eps: float = 1e-9, timefix: bool = True) -> CoxResult:
    """Cox proportional-hazards fit of one 0/1 covariate (Cox 1972; Efron 1977 for ties).

    Parameters
    ----------
    time, event : observed times and 1/0 event indicators of all patients
    arm : 1 for the experimental arm, 0 for the comparator
    level : confidence level of the Wald interval exp(b +- z se)
    max_iter, eps : R's ``coxph.control(iter.max = 20, eps = 1e-9)``
    timefix : make near-tied times tied first, as R's ``coxph`` (``coxph.control(timefix)``)

    Returns
    -------
    CoxResult
        Not converged, with a note, on a monotone likelihood (say every event falls in one
        arm): R's test, a Newton step still larger than ``eps`` and than ``sqrt(eps)``
        times the coefficient once the log-likelihood has converged.
    """
    a0, a1, events_1 = _partial_likelihood_terms(time, event, arm, timefix)

    def loglik(b: float) -> tuple[float, float, float]:
        w = _exp(min(b, 700.0))
        den = a0 + a1 * w
        share = a1 * w / den
        ll = b * events_1 - float(np.log(den).sum())
        return ll, events_1 - float(share.sum()), float((share * (1.0 - share)).sum())

    start = loglik(0.0)
    fit = _newton_raphson(loglik, start, max_iter, eps)
    b = fit.b
    se = 1.0 / math.sqrt(fit.info) if fit.info > 0 else math.inf
    z = z_value(level)
    note = _note(b, fit.score, fit.info, eps, fit.converged, max_iter)
    converged = fit.converged and not note and math.isfinite(se)
    return CoxResult(b, se, _exp(b), _exp(b - z * se), _exp(b + z * se), converged, note,
                     p_wald=chi2_1_p((b / se) ** 2) if se > 0 else math.nan,
                     p_score=chi2_1_p(start[1] ** 2 / start[2]) if start[2] > 0 else math.nan,
                     p_lr=chi2_1_p(max(2.0 * (fit.ll - start[0]), 0.0)))


def chi2_1_p(stat: float) -> float:
    """P(chi-square with 1 df > stat) = erfc(sqrt(stat / 2)); NaN stays NaN."""
    return math.erfc(math.sqrt(stat / 2.0)) if stat >= 0 else math.nan


def _note(b: float, score: float, info: float, eps: float, converged: bool,
          max_iter: int) -> str:
    """Why the fit is not to be trusted, with R's warning for the same case; "" if it is."""
    if _monotone(b, score, info, eps):
        why = R_LOGLIK_WARNING if converged else R_ITER_WARNING
        return (MONOTONE_NOTE.format(where="infinite" if b > 0 else "0")
                + f" (R's coxph warns \"{why}\")")
    if not converged:
        return (f"the log-likelihood did not converge in {max_iter} iterations "
                f"(R's coxph warns \"{R_ITER_WARNING}\")")
    return ""


class _Fit(NamedTuple):
    b: float
    ll: float
    score: float
    info: float
    converged: bool


def _newton_raphson(loglik: Callable[[float], tuple[float, float, float]],
                    start: tuple[float, float, float], max_iter: int, eps: float) -> _Fit:
    """Maximize the partial likelihood from 0 as R's ``coxph`` does (``coxfit6.c``).

    ``start`` is the log-likelihood, score and information at 0. Converged when a new
    log-likelihood is within a relative ``eps`` of the best so far; a step that lowers it
    (or overflows) is pulled back towards the last accepted point, by 1/2, then 2/3, ... of
    the step. Out of iterations, the last accepted point.
    """
    b = 0.0
    ll_best, score, info = start
    if not info > 0:
        return _Fit(b, ll_best, score, info, False)
    new = b + score / info
    halving = 0
    for _ in range(max_iter):
        ll_new, score_new, info_new = loglik(new)
        finite = math.isfinite(ll_new) and math.isfinite(score_new) and math.isfinite(info_new)
        if finite and abs(ll_new - ll_best) <= eps * abs(ll_new):
            return _Fit(new, ll_new, score_new, info_new, True)
        if not finite or ll_new < ll_best:
            halving += 1
            new = (new + halving * b) / (halving + 1.0)
            continue
        halving = 0
        b, ll_best, score, info = new, ll_new, score_new, info_new
        if not info > 0:
            return _Fit(b, ll_best, score, info, False)
        new = b + score / info
    return _Fit(b, ll_best, score, info, False)


def _monotone(b: float, score: float, info: float, eps: float) -> bool:
    """R's infinite-coefficient test: the Newton step left at the end, |U / I|, exceeds
    ``eps`` and ``sqrt(eps)`` times |b| (``coxph.fit`` with ``coxph.control()``'s ``eps``
    and ``toler.inf``); an information that vanished away from 0 counts too."""
    if not math.isfinite(score) or info <= 0:
        return info <= 0 and b != 0.0
    step = abs(score / info)
    return step > eps and step > math.sqrt(eps) * abs(b)  # coxph.control: toler.inf


def monotone_direction(time: np.ndarray, event: np.ndarray, arm: np.ndarray,
                       timefix: bool = True) -> int:
    """+1 (or -1) when the Cox partial likelihood of ``arm`` rises (or falls) without end.

    Exact, from the data rather than from an iteration: with one 0/1 covariate the score
    is the sum over event times of (experimental events - their expected number), and the
    expectation lies strictly between the least and the largest covariate of the risk set.
    So the likelihood increases for every coefficient when at each event time all events
    are experimental or nobody experimental is at risk, and somewhere an experimental event
    had comparator patients at risk (Bryson and Johnson 1981, Heinze and Schemper 2001:
    monotone likelihood, "separation"); likewise -1. 0 otherwise. Efron's tie correction
    does not change the sign of a time's contribution, so the rule holds with ties.

    Bryson MC, Johnson ME. The incidence of monotone likelihood in the Cox model.
    Technometrics 1981;23:381-383. Heinze G, Schemper M. A solution to the problem of
    monotone likelihood in Cox regression. Biometrics 2001;57:114-119.
    """
    tab = _risk_table(fix_near_ties(time) if timefix else time, event, arm)
    if tab.d.size == 0:
        return 0
    if bool(np.all((tab.d1 == tab.d) | (tab.n1 == 0))) and bool(
            np.any((tab.d1 == tab.d) & (tab.n1 < tab.n))):
        return 1
    if bool(np.all((tab.d1 == 0) | (tab.n1 == tab.n))) and bool(
            np.any((tab.d1 == 0) & (tab.n1 > 0))):
        return -1
    return 0


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


def logrank(time: np.ndarray, event: np.ndarray, arm: np.ndarray,
            timefix: bool = True) -> LogRank:
    """The log-rank test of two arms (Mantel 1966), as R's ``survdiff`` with ``rho = 0``.

    ``timefix`` makes near-tied times tied first, as ``survdiff``'s default.
    """
    tab = _risk_table(fix_near_ties(time) if timefix else time, event, arm)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = tab.n1 / tab.n
        expected = float((tab.d * share).sum())
        var_terms = np.where(tab.n > 1, tab.d * share * (1.0 - share) * (tab.n - tab.d)
                             / (tab.n - 1.0), 0.0)
    var = float(var_terms.sum())
    observed = float(tab.d1.sum())
    stat = (observed - expected) ** 2 / var if var > 0 else 0.0
    return LogRank(observed, expected, var, stat, chi2_1_p(stat))
