"""Event-driven designs of two-arm trials with a time-to-event endpoint.

A trial comparing two arms by the log-rank test (or the Cox model) gets its power from the
number of *events*, not of patients. This module answers the questions of such a design:

* how many events a target hazard ratio needs, for a one- or two-sided alpha, a power and a
  k:1 allocation (Schoenfeld 1983; Freedman 1982 as an alternative);
* the inverse questions: the power that a number of events gives against a hazard ratio, the
  hazard ratio it detects with a given power, and the hazard ratio implied by two medians;
* the number of events a printed confidence interval of a hazard ratio implies (Parmar et al.
  1998), the information the interval carries;
* how many patients deliver those events: :mod:`trialrecon.stats.sample_size` (uniform
  accrual, follow-up, piecewise-exponential survival and dropout; Lachin and Foulkes 1986,
  Lakatos 1988).

Conventions: the hazard ratio is experimental over control (below 1 is a benefit); ``ratio``
is the allocation k of k:1, experimental to control, so ``ratio = 2`` puts 2/3 of the patients
on the experimental arm; ``sided`` is ``"one_sided"`` or ``"two_sided"`` and a two-sided alpha
is split evenly between the tails. Powers count rejections in the direction of the assumed
effect only (the other tail adds at most alpha/2 and is ignored, as in the papers).

References
----------
Schoenfeld DA. Sample-size formula for the proportional-hazards regression model.
Biometrics 1983;39:499-503.

Freedman LS. Tables of the number of patients required in clinical trials using the logrank
test. Stat Med 1982;1:121-129.

Parmar MKB, Torri V, Stewart L. Extracting summary statistics to perform meta-analyses of
the published literature for survival endpoints. Stat Med 1998;17:2815-2834.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

SIDES = ("one_sided", "two_sided")
METHODS = ("schoenfeld", "freedman")


# ------------------------------------------------------------------------------ checking input


def _positive(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number (got {value!r})") from exc
    if not (v > 0 and math.isfinite(v)):
        raise ValueError(f"{name} must be a positive number (got {value})")
    return v


def _non_negative(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number (got {value!r})") from exc
    if not (v >= 0 and math.isfinite(v)):
        raise ValueError(f"{name} must be zero or a positive number (got {value})")
    return v


def _probability(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number (got {value!r})") from exc
    if not 0.0 < v < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1 (got {value})")
    return v


def check_hr(hr: float) -> float:
    """A hazard ratio: positive, finite and not 1 (a design needs an effect)."""
    v = _positive("the hazard ratio", hr)
    if v == 1.0:
        raise ValueError("the hazard ratio must differ from 1 (no effect to detect)")
    return v


def check_sided(sided: str) -> str:
    if sided not in SIDES:
        raise ValueError(f"sided must be one of {', '.join(SIDES)} (got {sided!r})")
    return sided


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    return method


def one_sided_level(alpha: float, sided: str) -> float:
    """The level of each tail: alpha itself, or alpha / 2 for a two-sided test."""
    alpha = _probability("alpha", alpha)
    level = alpha if check_sided(sided) == "one_sided" else alpha / 2
    if level >= 0.5:
        raise ValueError(f"alpha of each tail must be below 0.5 (got {alpha} {sided})")
    return level


def z_alpha(alpha: float, sided: str) -> float:
    """The critical value z of the test: upper alpha (one-sided) or alpha/2 (two-sided)."""
    return float(stats.norm.isf(one_sided_level(alpha, sided)))


def allocation_fraction(ratio: float) -> float:
    """The share of patients on the experimental arm under k:1 allocation: k / (k + 1)."""
    k = _positive("the allocation ratio", ratio)
    return k / (k + 1.0)


# ------------------------------------------------------------------------------ events for an HR


@dataclass(frozen=True)
class EventsDesign:
    """The events a log-rank comparison needs.

    ``events_raw`` is the formula's value, ``events`` its ceiling (a count);
    ``events_experimental`` and ``events_control`` split ``events_raw`` as Freedman's model
    expects under the alternative (the experimental share is k HR / (1 + k HR)).
    """

    method: str
    hr: float
    alpha: float
    sided: str
    power: float
    ratio: float
    events_raw: float
    events: int
    events_experimental: float
    events_control: float


def _events_raw(hr: float, z: float, ratio: float, method: str) -> float:
    p = allocation_fraction(ratio)
    if method == "schoenfeld":
        return z**2 / (p * (1 - p) * math.log(hr) ** 2)
    return z**2 * (1 + ratio * hr) ** 2 / (ratio * (1 - hr) ** 2)


def required_events(hr: float, alpha: float = 0.025, power: float = 0.9, ratio: float = 1.0,
                    sided: str = "one_sided", method: str = "schoenfeld") -> EventsDesign:
    """Number of events for a log-rank test to detect ``hr`` with the given alpha and power.

    Schoenfeld (1983): D = (z_alpha + z_beta)^2 / (p (1 - p) log(HR)^2), with p = k / (k + 1)
    the share on the experimental arm. Freedman (1982):
    D = (z_alpha + z_beta)^2 (1 + k HR)^2 / (k (1 - HR)^2).

    Parameters
    ----------
    hr : float
        Hazard ratio to detect, experimental over control (positive, not 1).
    alpha : float
        Type I error: of one tail (``sided="one_sided"``) or of both (``"two_sided"``).
    power : float
        Probability of rejecting H0 when the hazard ratio is ``hr``.
    ratio : float
        Allocation k of k:1, experimental to control.
    sided : {"one_sided", "two_sided"}
    method : {"schoenfeld", "freedman"}

    Returns
    -------
    EventsDesign

    References
    ----------
    Schoenfeld DA. Biometrics 1983;39:499-503. Freedman LS. Stat Med 1982;1:121-129.
    """
    hr, method = check_hr(hr), check_method(method)
    power = _probability("power", power)
    z = z_alpha(alpha, sided) + float(stats.norm.ppf(power))
    raw = _events_raw(hr, z, _positive("the allocation ratio", ratio), method)
    share = ratio * hr / (1 + ratio * hr)
    return EventsDesign(method=method, hr=hr, alpha=float(alpha), sided=sided, power=power,
                        ratio=float(ratio), events_raw=raw,
                        events=int(math.ceil(raw - 1e-9)),
                        events_experimental=raw * share, events_control=raw * (1 - share))


def schoenfeld_events(hr: float, alpha: float = 0.025, power: float = 0.9, ratio: float = 1.0,
                      sided: str = "one_sided") -> EventsDesign:
    """Schoenfeld's number of events (see :func:`required_events`).

    References
    ----------
    Schoenfeld DA. Sample-size formula for the proportional-hazards regression model.
    Biometrics 1983;39:499-503.
    """
    return required_events(hr, alpha, power, ratio, sided, "schoenfeld")


def freedman_events(hr: float, alpha: float = 0.025, power: float = 0.9, ratio: float = 1.0,
                    sided: str = "one_sided") -> EventsDesign:
    """Freedman's number of events (see :func:`required_events`).

    References
    ----------
    Freedman LS. Tables of the number of patients required in clinical trials using the
    logrank test. Stat Med 1982;1:121-129.
    """
    return required_events(hr, alpha, power, ratio, sided, "freedman")


def drift(events: float, hr: float, ratio: float = 1.0, method: str = "schoenfeld") -> float:
    """The expected value of the log-rank Z statistic (sign: positive for any effect).

    Schoenfeld: |log HR| sqrt(D p (1 - p)); Freedman: sqrt(D k) |1 - HR| / (1 + k HR).
    """
    d, hr, method = _non_negative("events", events), check_hr(hr), check_method(method)
    k = _positive("the allocation ratio", ratio)
    if method == "schoenfeld":
        p = allocation_fraction(k)
        return abs(math.log(hr)) * math.sqrt(d * p * (1 - p))
    return math.sqrt(d * k) * abs(1 - hr) / (1 + k * hr)


def events_power(events: float, hr: float, alpha: float = 0.025, ratio: float = 1.0,
                 sided: str = "one_sided", method: str = "schoenfeld") -> float:
    """Power of a log-rank test with ``events`` events against ``hr``: Phi(drift - z_alpha).

    References
    ----------
    Schoenfeld DA. Biometrics 1983;39:499-503. Freedman LS. Stat Med 1982;1:121-129.
    """
    return float(stats.norm.cdf(drift(events, hr, ratio, method) - z_alpha(alpha, sided)))


def detectable_hr(events: float, alpha: float = 0.025, power: float = 0.9, ratio: float = 1.0,
                  sided: str = "one_sided", method: str = "schoenfeld",
                  benefit_below_one: bool = True) -> float:
    """The hazard ratio that ``events`` events detect with the given power.

    Schoenfeld: exp(-(z_alpha + z_beta) / sqrt(D p (1 - p))). Freedman: with
    c = (z_alpha + z_beta) / sqrt(D k), HR = (1 - c) / (1 + c k); nan when c >= 1 (too few
    events for any hazard ratio below 1). ``benefit_below_one=False`` returns the hazard ratio
    above 1 instead (the reciprocal for Schoenfeld).

    References
    ----------
    Schoenfeld DA. Biometrics 1983;39:499-503. Freedman LS. Stat Med 1982;1:121-129.
    """
    d = _positive("events", events)
    power, method = _probability("power", power), check_method(method)
    k = _positive("the allocation ratio", ratio)
    z = z_alpha(alpha, sided) + float(stats.norm.ppf(power))
    if method == "schoenfeld":
        p = allocation_fraction(k)
        hr = math.exp(-z / math.sqrt(d * p * (1 - p)))
        return hr if benefit_below_one else 1 / hr
    c = z / math.sqrt(d * k)
    if benefit_below_one:
        return (1 - c) / (1 + c * k) if c < 1 else math.nan
    # HR above 1: sqrt(D k) (HR - 1) / (1 + k HR) = z, so HR = (1 + c) / (1 - c k)
    return (1 + c) / (1 - c * k) if c * k < 1 else math.nan


def hr_from_medians(median_experimental: float, median_control: float) -> float:
    """The hazard ratio two medians imply under exponential survival: m_control / m_exp.

    Exponential survival has hazard log(2) / median, so the ratio of hazards is the inverse
    ratio of medians (exact for exponential curves only).
    """
    return (_positive("the control median", median_control)
            / _positive("the experimental median", median_experimental))


# ------------------------------------------------------------------ events implied by a CI


@dataclass(frozen=True)
class ImpliedEvents:
    """The events (information) a printed CI of a hazard ratio implies.

    ``se`` is the standard error of log HR, ``information`` = 1 / se^2, and ``events`` =
    information / (p (1 - p)) under Schoenfeld's variance. ``events_low`` and
    ``events_high`` span the values for every pair of bounds that rounds to the printed ones
    (when the printed decimals are given), nan otherwise.
    """

    se: float
    information: float
    events: float
    events_low: float
    events_high: float
    ratio: float
    level: float


def _events_of_bounds(low: float, high: float, z: float, p: float) -> float:
    se = (math.log(high) - math.log(low)) / (2 * z)
    return 1 / (se**2 * p * (1 - p))


def events_from_ci(low: float, high: float, level: float = 0.95, ratio: float = 1.0,
                   decimals: int | None = None) -> ImpliedEvents:
    """Events implied by the width of a hazard ratio's confidence interval.

    The interval exp(log HR +- z se) gives se = (log high - log low) / (2 z); with
    Schoenfeld's var(log HR) = 1 / (D p (1 - p)), D = 1 / (se^2 p (1 - p)) (4 / se^2 for
    equal arms, Parmar et al. 1998). With ``decimals`` the bounds are read as rounded
    numbers: the range covers every bound within half a unit of the printed one.

    References
    ----------
    Parmar MKB, Torri V, Stewart L. Stat Med 1998;17:2815-2834.
    Schoenfeld DA. Biometrics 1983;39:499-503.
    """
    low, high = _positive("the lower bound", low), _positive("the upper bound", high)
    if not low < high:
        raise ValueError(f"the lower bound must be below the upper bound (got {low}, {high})")
    level = _probability("the confidence level", level)
    z = float(stats.norm.isf((1 - level) / 2))
    p = allocation_fraction(ratio)
    se = (math.log(high) - math.log(low)) / (2 * z)
    d = _events_of_bounds(low, high, z, p)
    lo = hi = math.nan
    if decimals is not None:
        h = 0.5 * 10.0 ** (-int(decimals))
        narrow = (low + h, high - h)
        wide = (max(low - h, 1e-12), high + h)
        hi = _events_of_bounds(*narrow, z, p) if narrow[0] < narrow[1] else math.inf
        lo = _events_of_bounds(*wide, z, p)
    return ImpliedEvents(se=se, information=1 / se**2, events=d, events_low=lo,
                         events_high=hi, ratio=float(ratio), level=level)
