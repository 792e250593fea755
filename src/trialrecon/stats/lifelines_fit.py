"""The survival numbers a reader sees, computed by lifelines with R's conventions.

lifelines (Davidson-Pilon 2019) fits the Kaplan-Meier estimate (``KaplanMeierFitter``),
the Cox model (``CoxPHFitter``) and the log-rank test (``statistics.logrank_test``); this
adapter feeds them and reads them so that every number agrees with R's ``survival``
package (Therneau), the reference the project's tests use, and returns the project's own
frozen results (:class:`~trialrecon.stats.km.KaplanMeier`,
:class:`~trialrecon.stats.km.MedianCI`, :class:`~trialrecon.stats.twoarm.CoxResult`,
:class:`~trialrecon.stats.twoarm.LogRank`). Where lifelines and R differ, R wins:

* **timefix**: R's ``survfit``, ``coxph`` and ``survdiff`` first make times closer than
  ``sqrt(.Machine$double.eps)`` equal (``aeqSurv``); lifelines does not, so the times are
  fixed here before lifelines sees them (:func:`trialrecon.stats.km.fix_near_ties`);
* **the median**: lifelines takes the first time S(t) <= 0.5; R's ``print.survfit`` takes,
  when the curve sits exactly on 0.5, the midpoint between that time and the next drop
  (:func:`trialrecon.stats.km.km_median`), applied here to lifelines' curve;
* **the confidence interval**: lifelines' ``confidence_interval_`` is the log-log
  ("exponential Greenwood") interval, R's ``conf.type = "log-log"``, and is used as is (0
  where S = 0 becomes undefined, R's NA). R's default ``conf.type = "log"`` and ``"plain"``
  are not in lifelines: they are computed from Greenwood's variance of lifelines' event
  table (:func:`trialrecon.stats.km.confidence_limits`). The median's CI is where a limit
  crosses 0.5 (Brookmeyer and Crowley 1982), by R's rule;
* **ties in the Cox model**: lifelines' ``CoxPHFitter`` uses Efron's method, R's default;
  its Newton-Raphson is run until the log-likelihood stops changing (its default tests can
  stop 1e-7 short of the maximum), so that the coefficient agrees with R's to 1e-9, and
  refitted with smaller first steps where its full steps diverge (R halves them);
* **a monotone likelihood** (every event in one arm while the other is at risk): R warns
  "coefficient may be infinite" and lifelines warns of "separation"; here
  ``converged=False`` with the note of :func:`trialrecon.stats.twoarm.cox_binary`, decided
  exactly from the data (:func:`trialrecon.stats.twoarm.monotone_direction`).

lifelines costs milliseconds a call (``benchmarks/bench_lifelines.py``): it computes the
handful of curves and comparisons a report shows, while the model search, which fits
thousands of simulated trials, uses the numpy code of :mod:`.km` and :mod:`.twoarm`,
tested against lifelines and R.

References
----------
Davidson-Pilon C. lifelines: survival analysis in Python. J Open Source Softw
2019;4(40):1317.
Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481. Cox DR. J R Stat Soc B
1972;34:187-220. Efron B. J Am Stat Assoc 1977;72:557-565. Mantel N. Cancer Chemother Rep
1966;50:163-170. Brookmeyer R, Crowley J. Biometrics 1982;38:29-41.
Therneau TM. A Package for Survival Analysis in R. R package ``survival`` 3.5.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from trialrecon.stats import km, twoarm

# lifelines' CoxPHFitter tests convergence before it takes the Newton step it has just
# computed, and returns the point without that step: with its defaults (stop when the step
# is below 1e-7, or the Newton decrement is) the coefficient can stay 1e-8 to 1e-7 from R's.
# Here the step tests are switched off and it stops when the log-likelihood no longer
# changes in double precision (relative 1e-15), one step after the last one that mattered.
COX_FIT_OPTIONS = {"precision": 1e-300, "r_precision": 1e-15}
# First step sizes tried in turn when lifelines' Newton-Raphson diverges (0.95: its default).
STEP_SIZES = (0.95, 0.5, 0.1)


def _arrays(time: np.ndarray, event: np.ndarray, timefix: bool) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(time, dtype=float)
    return (km.fix_near_ties(t) if timefix else t), np.asarray(event).astype(bool)


def _kaplan_meier_fitter(time: np.ndarray, event: np.ndarray, level: float):  # noqa: ANN202
    from lifelines import KaplanMeierFitter  # lifelines is slow to import; only when used

    return KaplanMeierFitter(alpha=1.0 - level).fit(time, event)


def kaplan_meier(time: np.ndarray, event: np.ndarray, timefix: bool = True) -> km.KaplanMeier:
    """lifelines' Kaplan-Meier estimate at its event times, as :func:`km.kaplan_meier`.

    Survival from ``survival_function_``; numbers at risk and events from ``event_table``;
    Greenwood's variance of the cumulative hazard, sum d / (n (n - d)), from the same table.
    """
    t, e = _arrays(time, event, timefix)
    return _from_fitter(_kaplan_meier_fitter(t, e, 0.95), _last(time))


def _last(time: np.ndarray) -> float:
    """The largest time as given, before timefix (as :func:`km.kaplan_meier`'s last_time)."""
    t = np.asarray(time, dtype=float)
    return float(t.max()) if t.size else 0.0


def _from_fitter(kmf, last_time: float) -> km.KaplanMeier:  # noqa: ANN001
    table = kmf.event_table
    rows = table[table["observed"] > 0]
    times = rows.index.to_numpy(dtype=float)
    n_risk = rows["at_risk"].to_numpy(dtype=int)
    n_event = rows["observed"].to_numpy(dtype=int)
    survival = kmf.survival_function_.iloc[:, 0].reindex(times).to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        terms = np.where(n_risk > n_event,
                         n_event / (n_risk * np.maximum(n_risk - n_event, 1.0)), np.inf)
    return km.KaplanMeier(times, n_risk, n_event, survival, np.cumsum(terms), last_time,
                          int(table["removed"].sum()))


def confidence_limits(kmf, fit: km.KaplanMeier, level: float, conf_type: str  # noqa: ANN001
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise limits at the event times: lifelines' log-log interval, or R's ``log`` /
    ``plain`` from Greenwood's variance; NaN where R's are undefined (NA)."""
    if conf_type != "log-log":
        return km.confidence_limits(fit, level, conf_type)
    ci = kmf.confidence_interval_.reindex(fit.time)
    lower = ci.iloc[:, 0].to_numpy(dtype=float)
    upper = ci.iloc[:, 1].to_numpy(dtype=float)
    undefined = (fit.survival <= 0) | ~np.isfinite(fit.var_cumhaz)
    return np.where(undefined, np.nan, lower), np.where(undefined, np.nan, upper)


def curve(time: np.ndarray, event: np.ndarray, level: float = 0.95, conf_type: str = "log-log",
          timefix: bool = True) -> tuple[km.KaplanMeier, np.ndarray, np.ndarray]:
    """The estimate and its pointwise limits at the event times, for a figure.

    One lifelines fit; the limits as :func:`confidence_limits` (NaN where R's are NA).
    """
    if conf_type not in km.CONF_TYPES:
        raise ValueError(f"conf_type must be one of {km.CONF_TYPES}, not {conf_type!r}")
    t, e = _arrays(time, event, timefix)
    kmf = _kaplan_meier_fitter(t, e, level)
    fit = _from_fitter(kmf, _last(time))
    lower, upper = confidence_limits(kmf, fit, level, conf_type)
    return fit, lower, upper


def median_ci(time: np.ndarray, event: np.ndarray, level: float = 0.95,
              conf_type: str = "log-log", timefix: bool = True) -> km.MedianCI:
    """Median and its CI from lifelines' curve and limits, by R's rules; ``inf`` = not reached.

    ``conf_type`` as R's ``survfit`` (``"log-log"``, ``"log"``, ``"plain"``); the project's
    default is ``"log-log"`` (SAS's, and lifelines'), R's is ``"log"``.
    """
    return median_ci_of(curve(time, event, level, conf_type, timefix), level, conf_type)


def median_ci_of(estimate: tuple[km.KaplanMeier, np.ndarray, np.ndarray], level: float = 0.95,
                 conf_type: str = "log-log") -> km.MedianCI:
    """:func:`median_ci` of a curve already fitted by :func:`curve` (one fit, many numbers)."""
    fit, lower, upper = estimate

    def reached(x: float) -> float:
        return math.inf if math.isnan(x) else x

    return km.MedianCI(reached(km.km_median(fit.time, fit.survival)),
                       reached(km.median_time(fit.time, lower)),
                       reached(km.median_time(fit.time, upper)),
                       int(fit.n_event.sum()), level, conf_type)


def survival_at(estimate: tuple[km.KaplanMeier, np.ndarray, np.ndarray],
                months: float) -> float:
    """lifelines' estimate at a time (a landmark rate); NaN beyond the last observed time."""
    fit = estimate[0]
    if months > fit.last_time:
        return math.nan
    return float(km.km_at(np.array([months]), fit.time, fit.survival)[0])


def quantile_of(estimate: tuple[km.KaplanMeier, np.ndarray, np.ndarray], level: float) -> float:
    """The first time lifelines' curve is at or below ``level`` (R's rule); ``inf`` if never."""
    fit = estimate[0]
    q = km.km_quantile(fit.time, fit.survival, level)
    return math.inf if math.isnan(q) else q


def cox(time: np.ndarray, event: np.ndarray, arm: np.ndarray, level: float = 0.95,
        timefix: bool = True, lr_test: bool = True,
        start: float | None = None) -> twoarm.CoxResult:
    """lifelines' Cox model of the arm (1 experimental, 0 comparator; Efron's ties).

    Hazard ratio and Wald interval from ``params_``, ``standard_errors_`` and
    ``confidence_intervals_``, the Wald P from the same (``summary``'s "p", without the cost
    of building ``summary``), the likelihood-ratio P from ``log_likelihood_ratio_test``.
    lifelines has no score test: ``p_score`` is NaN here (R's "Score (logrank) test" is
    :func:`logrank`'s when no times are tied; with ties
    :func:`trialrecon.stats.twoarm.cox_binary` gives it). ``lr_test=False`` leaves ``p_lr``
    NaN (lifelines' likelihood-ratio test refits the null model: a report that shows no
    likelihood-ratio P saves that). A monotone likelihood, or a fit lifelines reports as not
    converged, gives ``converged=False`` and a note.

    ``start`` is a log HR to start lifelines' Newton-Raphson from (the numpy fit's, for
    example): from there it needs two steps instead of about five, and still stops only by
    its own test, so the estimate is lifelines' (``tests/test_lifelines_fit.py`` checks it
    equals the cold start's to 1e-9, the adapter's agreement with R). Not used on a monotone
    likelihood.
    """
    t, e = _arrays(time, event, timefix)
    a = np.asarray(arm).astype(float)
    frame = pd.DataFrame({"time": t, "event": e.astype(int), "arm": a})
    direction = twoarm.monotone_direction(t, e, a, timefix=False)
    initial = None
    if start is not None and math.isfinite(start) and direction == 0 and a.size > 1:
        initial = start * float(np.std(a, ddof=1))  # lifelines fits the standardized column
    cph, failed = _fit_cox(frame, level, retry=direction == 0, initial=initial)
    if cph is None:
        return _not_fitted(direction, failed[0])
    b = float(cph.params_["arm"])
    se = float(cph.standard_errors_["arm"])
    ci = cph.confidence_intervals_.loc["arm"].to_numpy(dtype=float)
    note = _cox_note(direction, failed)
    return twoarm.CoxResult(b, se, _exp(b), _exp(ci[0]), _exp(ci[1]), not note, note,
                            p_wald=twoarm.chi2_1_p((b / se) ** 2),  # summary's "p", cheaper
                            p_lr=(float(cph.log_likelihood_ratio_test().p_value) if lr_test
                                  else math.nan))


def _fit_cox(frame: pd.DataFrame, level: float, retry: bool,  # noqa: ANN202
             initial: float | None = None):
    """lifelines' fit and its convergence complaints; None and the error if it failed.

    lifelines' Newton-Raphson has no step halving: from 0 on a small, unbalanced sample its
    full steps can overshoot and diverge (overflow, "delta contains nan") where R's halving
    converges. Such a fit is retried with smaller first steps (``step_size``, which lifelines
    lets grow back towards 1 as the fit settles), unless the likelihood is monotone anyway.
    A fit from ``initial`` (on lifelines' standardized scale) that fails is retried from 0.
    """
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning

    result: tuple = (None, ["lifelines did not fit the model"])
    steps = STEP_SIZES if retry else STEP_SIZES[:1]
    attempts = ([(STEP_SIZES[0], initial)] if initial is not None else []) + [
        (step, None) for step in steps]
    for step, point in attempts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # record, never raise: lifelines overflows on the way
            try:
                cph = CoxPHFitter(alpha=1.0 - level).fit(
                    frame, "time", "event", fit_options={**COX_FIT_OPTIONS, "step_size": step},
                    initial_point=None if point is None else np.array([point]))
            except ConvergenceError as exc:
                result = (None, [str(exc)])
                continue
        failed = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
                  and ("failed to converge" in str(w.message)
                       or "still high" in str(w.message))]
        result = (cph, failed)
        if not failed:
            break
    return result


def _cox_note(direction: int, failed: list[str]) -> str:
    if direction:
        return twoarm.MONOTONE_NOTE.format(where="infinite" if direction > 0 else "0")
    if failed:
        return "lifelines did not converge: " + failed[0].split("\n")[0]
    return ""


def _not_fitted(direction: int, message: str) -> twoarm.CoxResult:
    note = _cox_note(direction, [message]) or message.split("\n")[0]
    return twoarm.CoxResult(math.nan, math.nan, math.nan, math.nan, math.nan, False, note)


def _exp(x: float) -> float:
    return math.exp(x) if x < 709.0 else math.inf


def logrank(time: np.ndarray, event: np.ndarray, arm: np.ndarray,
            timefix: bool = True) -> twoarm.LogRank:
    """lifelines' log-rank test of the two arms (R's ``survdiff``, ``rho = 0``).

    The chi-square and P are lifelines'; the observed and expected events of the
    experimental arm and the variance are counted from the same risk sets
    (:func:`trialrecon.stats.twoarm.logrank`), so chi2 = (O - E)^2 / V can be checked.
    """
    from lifelines.statistics import logrank_test

    t, e = _arrays(time, event, timefix)
    one = np.asarray(arm).astype(bool)
    result = logrank_test(t[one], t[~one], e[one], e[~one])
    counts = twoarm.logrank(t, e, one, timefix=False)
    return twoarm.LogRank(counts.observed_1, counts.expected_1, counts.variance,
                          float(result.test_statistic), float(result.p_value))
