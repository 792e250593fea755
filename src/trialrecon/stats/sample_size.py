"""Patients for an event-driven design: accrual, follow-up, survival, dropout.

How many patients deliver the events of :mod:`trialrecon.stats.events` under uniform accrual,
a follow-up period, exponential or piecewise-exponential survival and exponential dropout
(the event probabilities of Lachin and Foulkes 1986, with Schoenfeld's 1983 Simpson-rule
shortcut), the Lachin-Foulkes sample size itself, and the Markov-chain sample size of Lakatos
(1988), which allows non-proportional hazards (a delayed effect, crossing hazards).

Conventions as in :mod:`trialrecon.stats.events`: hazard ratios experimental over control,
``ratio`` the k of k:1 allocation (experimental to control), times in one unit (months).

References
----------
Schoenfeld DA. Sample-size formula for the proportional-hazards regression model.
Biometrics 1983;39:499-503.

Lachin JM, Foulkes MA. Evaluation of sample size and power for analyses of survival with
allowance for nonuniform patient entry, losses to follow-up, noncompliance, and
stratification. Biometrics 1986;42:507-519.

Lakatos E. Sample sizes based on the log-rank statistic in complex clinical trials.
Biometrics 1988;44:229-241.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from trialrecon.stats.events import (
    _non_negative,
    _positive,
    _probability,
    allocation_fraction,
    z_alpha,
)

# ------------------------------------------------------------------ survival and event probability


@dataclass(frozen=True)
class PiecewiseExponential:
    """A piecewise-constant hazard: ``hazards[j]`` on [``starts[j]``, ``starts[j+1]``).

    ``starts`` begins at 0 and increases; the last hazard holds for ever. A single hazard
    is the exponential distribution.
    """

    starts: tuple[float, ...]
    hazards: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.hazards) or not self.starts:
            raise ValueError("a piecewise hazard needs as many starts as hazards (at least one)")
        if self.starts[0] != 0:
            raise ValueError("the first piece of a piecewise hazard must start at time 0")
        if any(b <= a for a, b in zip(self.starts, self.starts[1:], strict=False)):
            raise ValueError("the starts of a piecewise hazard must increase")
        for h in self.hazards:
            _non_negative("a hazard", h)

    @classmethod
    def exponential(cls, hazard: float) -> PiecewiseExponential:
        return cls((0.0,), (_non_negative("the hazard", hazard),))

    @classmethod
    def from_median(cls, median: float) -> PiecewiseExponential:
        """Exponential survival with the given median: hazard log(2) / median."""
        return cls.exponential(math.log(2) / _positive("the median", median))

    def scaled(self, factor: float) -> PiecewiseExponential:
        """Every hazard multiplied by ``factor`` (proportional hazards)."""
        f = _non_negative("the hazard ratio", factor)
        return PiecewiseExponential(self.starts, tuple(h * f for h in self.hazards))

    def hazard(self, t: np.ndarray | float) -> np.ndarray:
        idx = np.searchsorted(np.asarray(self.starts), np.asarray(t, dtype=float), "right") - 1
        return np.asarray(self.hazards)[np.clip(idx, 0, None)]

    def cumulative_hazard(self, t: np.ndarray | float) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        starts, hz = np.asarray(self.starts), np.asarray(self.hazards)
        ends = np.append(starts[1:], np.inf)
        width = np.clip(t[..., None] - starts, 0, ends - starts)
        return (width * hz).sum(axis=-1)

    def survival(self, t: np.ndarray | float) -> np.ndarray:
        return np.exp(-self.cumulative_hazard(t))

    def median(self) -> float:
        return float(optimize.brentq(lambda t: float(self.survival(t)) - 0.5, 0, 1e6))


def _as_model(x: PiecewiseExponential | float) -> PiecewiseExponential:
    return x if isinstance(x, PiecewiseExponential) else PiecewiseExponential.exponential(x)


def _observation_weight(s: np.ndarray, accrual: float, time: float) -> np.ndarray:
    """P(a patient is still under observation s after entry at calendar time ``time``).

    Entry is uniform over [0, accrual]; a patient who entered at u is observed up to
    time - u, so the weight is P(entry <= time - s) = clip((time - s) / accrual, 0, 1).
    """
    if accrual == 0:
        return (s <= time).astype(float)
    return np.clip((time - s) / accrual, 0.0, 1.0)


def _exp_moments(r: float, length: float) -> tuple[float, float]:
    """The integrals of exp(-r u) and of u exp(-r u) over u in [0, length], exactly."""
    x = r * length
    if abs(x) < 1e-6:  # series: no cancellation for tiny rates
        m0 = length * (1 - x / 2 + x * x / 6)
        m1 = length**2 * (0.5 - x / 3 + x * x / 8)
        return m0, m1
    m0 = -math.expm1(-x) / r
    m1 = (-math.expm1(-x) - x * math.exp(-x)) / r**2
    return m0, m1


def expected_event_fraction(survival: PiecewiseExponential | float, accrual: float,
                            time: float, dropout: PiecewiseExponential | float = 0.0) -> float:
    """Expected share of the ``accrual`` period's patients with an event by calendar ``time``.

    Entry uniform over [0, accrual] (all at 0 when accrual = 0), event hazard h, competing
    dropout hazard g: the share is the integral over s in [0, time] of
    h(s) S(s) G(s) w(s), w the probability of being observed s after entry. With
    time = accrual + follow-up and constant hazards this is Lachin and Foulkes' (1986)
    probability of an event, lambda / (lambda + eta) [1 - (exp(-(lambda + eta) F) -
    exp(-(lambda + eta) (A + F))) / ((lambda + eta) A)].

    Parameters
    ----------
    survival : PiecewiseExponential or float
        Event hazard model (a float is an exponential hazard per time unit).
    accrual : float
        Length of the (uniform) accrual period, same unit.
    time : float
        Calendar time of the analysis since the first patient entered.
    dropout : PiecewiseExponential or float
        Hazard of loss to follow-up (default none).

    References
    ----------
    Lachin JM, Foulkes MA. Biometrics 1986;42:507-519.
    """
    a, t = _non_negative("the accrual period", accrual), _non_negative("the analysis time", time)
    ev, dr = _as_model(survival), _as_model(dropout)
    # On each piece between the breakpoints of both hazards and of the observation weight the
    # integrand is h exp(-H(s0) - G(s0) - (h + g)(s - s0)) (c0 + c1 s): integrate it exactly.
    cuts = {0.0, t, *(x for x in (*ev.starts, *dr.starts) if 0 < x < t)}
    if 0 < t - a < t:
        cuts.add(t - a)
    pts = sorted(cuts)
    total = 0.0
    for s0, s1 in zip(pts, pts[1:], strict=False):
        h = float(ev.hazard(s0))
        if h == 0:
            continue
        r = h + float(dr.hazard(s0))
        start = math.exp(-float(ev.cumulative_hazard(s0)) - float(dr.cumulative_hazard(s0)))
        m0, m1 = _exp_moments(r, s1 - s0)
        if a == 0 or s1 <= t - a:  # everyone entered by time t - s is still observed
            weight = m0
        else:  # w(s) = (t - s) / a on this piece, = (t - s0 - u) / a with u = s - s0
            weight = ((t - s0) * m0 - m1) / a
        total += h * start * weight
    return total


def event_probability(survival: PiecewiseExponential | float, accrual: float, follow_up: float,
                      dropout: PiecewiseExponential | float = 0.0) -> float:
    """Probability that a patient has an event by the end of the study (accrual + follow-up).

    See :func:`expected_event_fraction`; follow-up is the time from the last patient's entry
    to the analysis.

    References
    ----------
    Lachin JM, Foulkes MA. Biometrics 1986;42:507-519.
    """
    a = _non_negative("the accrual period", accrual)
    f = _non_negative("the follow-up period", follow_up)
    if a + f == 0:
        raise ValueError("accrual and follow-up cannot both be zero")
    return expected_event_fraction(survival, a, a + f, dropout)


def simpson_event_probability(survival: PiecewiseExponential | float, accrual: float,
                              follow_up: float) -> float:
    """Schoenfeld's (1983) hand approximation of the probability of an event.

    With uniform entry over A and follow-up F after it, a patient is followed between F and
    A + F; Simpson's rule over that range gives
    P(event) ~ 1 - [S(F) + 4 S(F + A/2) + S(F + A)] / 6 (no dropout).

    References
    ----------
    Schoenfeld DA. Sample-size formula for the proportional-hazards regression model.
    Biometrics 1983;39:499-503.
    """
    a = _non_negative("the accrual period", accrual)
    f = _non_negative("the follow-up period", follow_up)
    s = _as_model(survival).survival
    return float(1 - (s(f) + 4 * s(f + a / 2) + s(f + a)) / 6)


@dataclass(frozen=True)
class SampleSize:
    """Patients needed to observe the events of a design.

    ``n_raw`` = events / (p P_E + (1 - p) P_C); ``n`` rounds it up to a multiple of k + 1 when
    k is a whole number (so arms split exactly), else to an integer.
    """

    events: float
    n_raw: float
    n: int
    n_experimental: int
    n_control: int
    probability_event: float
    probability_event_experimental: float
    probability_event_control: float
    accrual: float
    follow_up: float
    ratio: float


def _round_patients(n_raw: float, ratio: float) -> tuple[int, int, int]:
    if float(ratio).is_integer():
        block = int(ratio) + 1
        n = int(math.ceil(n_raw / block - 1e-9)) * block
        return n, n * int(ratio) // block, n // block
    n = int(math.ceil(n_raw - 1e-9))
    n_exp = int(round(n * ratio / (1 + ratio)))
    return n, n_exp, n - n_exp


def sample_size(events: float, control: PiecewiseExponential | float, hr: float | None = None,
                accrual: float = 0.0, follow_up: float = 0.0, ratio: float = 1.0,
                dropout: PiecewiseExponential | float = 0.0,
                experimental: PiecewiseExponential | None = None,
                dropout_experimental: PiecewiseExponential | float | None = None) -> SampleSize:
    """Patients needed so that ``events`` events are expected by the end of the study.

    N = D / (p P_E + (1 - p) P_C) with P_E and P_C the probabilities of an event of each arm
    (:func:`event_probability`) and p = k / (k + 1): Schoenfeld's (1983) events turned into
    patients with the event probabilities of Lachin and Foulkes (1986). The experimental arm's
    hazard is the control's times ``hr`` unless ``experimental`` gives its own model.

    References
    ----------
    Schoenfeld DA. Biometrics 1983;39:499-503. Lachin JM, Foulkes MA. Biometrics
    1986;42:507-519.
    """
    d = _positive("events", events)
    ctrl = _as_model(control)
    if experimental is None:
        if hr is None:
            raise ValueError("give the hazard ratio or the experimental arm's survival")
        experimental = ctrl.scaled(_positive("the hazard ratio", hr))
    drop_e = dropout if dropout_experimental is None else dropout_experimental
    pc = event_probability(ctrl, accrual, follow_up, dropout)
    pe = event_probability(experimental, accrual, follow_up, drop_e)
    p = allocation_fraction(ratio)
    mean = p * pe + (1 - p) * pc
    if mean <= 0:
        raise ValueError("no events are expected: check the hazards and the study length")
    n_raw = d / mean
    n, n_e, n_c = _round_patients(n_raw, ratio)
    return SampleSize(events=d, n_raw=n_raw, n=n, n_experimental=n_e, n_control=n_c,
                      probability_event=mean, probability_event_experimental=pe,
                      probability_event_control=pc, accrual=float(accrual),
                      follow_up=float(follow_up), ratio=float(ratio))


def lachin_foulkes_n(hazard_control: float, hazard_experimental: float, accrual: float,
                     follow_up: float, alpha: float = 0.025, power: float = 0.9,
                     ratio: float = 1.0, sided: str = "one_sided",
                     dropout: float = 0.0) -> float:
    """Lachin and Foulkes' (1986) total sample size for a difference of exponential hazards.

    N = [z_a sqrt(phi(l_bar) (1/Q_E + 1/Q_C)) + z_b sqrt(phi(l_E)/Q_E + phi(l_C)/Q_C)]^2
    / (l_E - l_C)^2, where phi(l) = l^2 / P(event | l) is the variance of the maximum
    likelihood estimate of a hazard per patient, Q_E = k / (k + 1) and Q_C = 1 - Q_E the
    allocation and l_bar = Q_E l_E + Q_C l_C the pooled hazard. Uniform accrual over
    ``accrual``, then ``follow_up``, exponential dropout at rate ``dropout``; returns the
    unrounded N.

    References
    ----------
    Lachin JM, Foulkes MA. Evaluation of sample size and power for analyses of survival with
    allowance for nonuniform patient entry, losses to follow-up, noncompliance, and
    stratification. Biometrics 1986;42:507-519.
    """
    lc = _positive("the control hazard", hazard_control)
    le = _positive("the experimental hazard", hazard_experimental)
    if lc == le:
        raise ValueError("the two hazards must differ")
    qe = allocation_fraction(ratio)
    qc = 1 - qe
    lbar = qe * le + qc * lc

    def phi(lam: float) -> float:
        return lam**2 / event_probability(lam, accrual, follow_up, dropout)

    za = z_alpha(alpha, sided)
    zb = float(stats.norm.ppf(_probability("power", power)))
    root = (za * math.sqrt(phi(lbar) * (1 / qe + 1 / qc))
            + zb * math.sqrt(phi(le) / qe + phi(lc) / qc))
    return root**2 / (le - lc) ** 2


# ------------------------------------------------------------------------------ Lakatos


@dataclass(frozen=True)
class LakatosResult:
    """Lakatos' (1988) log-rank design: patients, expected events, and the per-patient drift.

    ``drift_per_root_n`` is E(Z) / sqrt(N); with N patients the log-rank Z has mean
    drift_per_root_n sqrt(N) and (approximately) unit variance.
    """

    n_raw: float
    n: int
    events: float
    drift_per_root_n: float
    steps: int


def _lakatos_drift(control: PiecewiseExponential, experimental: PiecewiseExponential,
                   accrual: float, follow_up: float, ratio: float,
                   dropout_c: PiecewiseExponential, dropout_e: PiecewiseExponential,
                   steps_per_unit: int) -> tuple[float, float, int]:
    """The Markov-chain drift of the log-rank statistic per root patient and events per patient.

    Time since entry is cut into small intervals; in each, the expected shares of patients at
    risk of each arm follow from the event, dropout and administrative-censoring hazards
    (Lakatos 1988). Each interval contributes its expected events d_i, the ratio of hazards
    theta_i and the ratio at risk phi_i; the drift is
    sum d_i (phi_i theta_i / (1 + phi_i theta_i) - phi_i / (1 + phi_i))
    / sqrt(sum d_i phi_i / (1 + phi_i)^2).
    """
    total = accrual + follow_up
    steps = max(1, int(math.ceil(total * steps_per_unit)))
    edges = np.linspace(0.0, total, steps + 1)
    mid = 0.5 * (edges[1:] + edges[:-1])
    p = allocation_fraction(ratio)
    watch = _observation_weight(mid, accrual, total)  # still before the analysis
    out = []
    for arm, drop, share in ((experimental, dropout_e, p), (control, dropout_c, 1 - p)):
        s_mid = np.exp(-arm.cumulative_hazard(mid) - drop.cumulative_hazard(mid))
        at_risk = share * s_mid * watch
        h = arm.hazard(mid)
        out.append((at_risk, h))
    (r_e, h_e), (r_c, h_c) = out
    width = np.diff(edges)
    d = (r_e * h_e + r_c * h_c) * width
    keep = (r_c > 0) & (r_e > 0) & (d > 0)
    phi = r_e[keep] / r_c[keep]
    theta = h_e[keep] / np.where(h_c[keep] > 0, h_c[keep], np.nan)
    dk = d[keep]
    num = np.nansum(dk * (phi * theta / (1 + phi * theta) - phi / (1 + phi)))
    den = math.sqrt(float(np.sum(dk * phi / (1 + phi) ** 2)))
    return abs(float(num)) / den, float(d.sum()), steps


def lakatos_sample_size(control: PiecewiseExponential | float,
                        experimental: PiecewiseExponential | float, accrual: float,
                        follow_up: float, alpha: float = 0.025, power: float = 0.9,
                        ratio: float = 1.0, sided: str = "one_sided",
                        dropout: PiecewiseExponential | float = 0.0,
                        dropout_experimental: PiecewiseExponential | float | None = None,
                        steps_per_unit: int = 20) -> LakatosResult:
    """Total sample size of a log-rank test by Lakatos' (1988) Markov-chain model.

    Hazards may differ by arm in any way (piecewise exponential: delayed effects, crossing
    hazards), with dropout and uniform accrual; N = ((z_alpha + z_beta) / drift)^2, drift the
    expected log-rank Z per root patient (:func:`_lakatos_drift`). ``steps_per_unit`` sets the
    fineness of the time grid (per unit of the time scale; 20 per month is ample).

    References
    ----------
    Lakatos E. Sample sizes based on the log-rank statistic in complex clinical trials.
    Biometrics 1988;44:229-241.
    """
    a = _non_negative("the accrual period", accrual)
    f = _non_negative("the follow-up period", follow_up)
    if a + f == 0:
        raise ValueError("accrual and follow-up cannot both be zero")
    drop_e = dropout if dropout_experimental is None else dropout_experimental
    mu, events_per_patient, steps = _lakatos_drift(
        _as_model(control), _as_model(experimental), a, f, _positive("the ratio", ratio),
        _as_model(dropout), _as_model(drop_e), int(steps_per_unit))
    if mu == 0:
        raise ValueError("the two arms do not differ: no sample size detects no effect")
    z = z_alpha(alpha, sided) + float(stats.norm.ppf(_probability("power", power)))
    n_raw = (z / mu) ** 2
    return LakatosResult(n_raw=n_raw, n=int(math.ceil(n_raw - 1e-9)),
                         events=n_raw * events_per_patient, drift_per_root_n=mu, steps=steps)


def lakatos_power(n: float, control: PiecewiseExponential | float,
                  experimental: PiecewiseExponential | float, accrual: float, follow_up: float,
                  alpha: float = 0.025, ratio: float = 1.0, sided: str = "one_sided",
                  dropout: PiecewiseExponential | float = 0.0,
                  steps_per_unit: int = 20) -> float:
    """Power of the log-rank test with ``n`` patients under Lakatos' (1988) model.

    References
    ----------
    Lakatos E. Biometrics 1988;44:229-241.
    """
    mu, _, _ = _lakatos_drift(_as_model(control), _as_model(experimental),
                              _non_negative("the accrual period", accrual),
                              _non_negative("the follow-up period", follow_up),
                              _positive("the ratio", ratio), _as_model(dropout),
                              _as_model(dropout), int(steps_per_unit))
    return float(stats.norm.cdf(mu * math.sqrt(_positive("n", n)) - z_alpha(alpha, sided)))
