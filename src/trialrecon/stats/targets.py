"""Rebuilt against printed numbers: gaps, the calibration loss and what counts as a match.

A printed number is a *target*; the same summary of pseudo data is its *rebuilt* value. The
gap is rebuilt minus printed (``inf`` when only one of them is "not reached", 0 when both
are). The calibrations of :mod:`trialrecon.stats.survmodel` and
:mod:`trialrecon.stats.jointmodel` minimise the sum of squared relative gaps (log ratios for
hazard ratios); a target is *met* when its gap is within the allowed one: the match
tolerance as a share of the printed value (at least one event for event counts), a fixed gap
on the probability scale for landmark rates.

References
----------
Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
2012;12:9 (agreement of rebuilt and printed summaries as the measure of a reconstruction).
"""

from __future__ import annotations

import math


def errors_of(rebuilt: dict[str, float], targets: dict[str, float]) -> dict[str, float]:
    """Rebuilt minus reported; both not reached is 0, one not reached is inf (signed)."""
    out = {}
    for key, want in targets.items():
        got = rebuilt[key]
        if math.isinf(want) and math.isinf(got):
            out[key] = 0.0
        else:
            out[key] = got - want
    return out


def relative_error(key: str, err: float, want: float) -> float:
    """The error on the loss scale: relative, log ratio for hazard ratios, NaN as a miss."""
    if math.isnan(err):
        return math.inf
    if math.isinf(err) or math.isinf(want):
        return 0.0 if err == 0 else math.inf
    if key.startswith("hr"):
        got = want + err
        return math.log(got / want) if got > 0 and want > 0 else math.inf
    return err / max(abs(want), 1e-9)


def in_loss(key: str) -> bool:
    """Whether a target shapes the curve: a printed follow-up (``follow_up:...``) describes
    the censoring, which the cut-off and the dropout rate are fitted to, not the survival, so
    it is checked (a constraint) but never weighs on the choice of a shape."""
    return not key.startswith("follow_up:")


def loss(errors: dict[str, float], targets: dict[str, float]) -> float:
    """Sum of squared relative errors; a bound reached on one side only (or NaN) costs 1.

    Follow-up targets are left out (:func:`in_loss`).
    """
    total = 0.0
    for key, err in errors.items():
        if not in_loss(key):
            continue
        r = relative_error(key, err, targets[key])
        total += 1.0 if math.isinf(r) else r * r
    return total


def allowed_gap(key: str, want: float, tol: float, rate_tol: float) -> float:
    """The largest gap that still "matches": relative ``tol``, events >= 1, rates ``rate_tol``."""
    if key.startswith("rate@"):
        return rate_tol
    allowed = tol * abs(want)
    return max(allowed, 1.0) if key == "events" else allowed


def is_met(key: str, err: float, want: float, tol: float, rate_tol: float) -> bool:
    """One target within its allowed gap (:func:`allowed_gap`); "not reached" must match."""
    if math.isnan(err):
        return False
    if math.isinf(want) or math.isinf(err):
        return err == 0
    if key.startswith("hr"):
        return abs(relative_error(key, err, want)) <= tol
    return abs(err) <= allowed_gap(key, want, tol, rate_tol) + 1e-12


def is_match(errors: dict[str, float], targets: dict[str, float], tol: float,
             rate_tol: float = 0.05) -> bool:
    """Every target within its allowed gap."""
    return all(is_met(k, e, targets[k], tol, rate_tol) for k, e in errors.items())


def fmt(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "undefined"
    return "not reached" if math.isinf(x) else f"{x:.3g}"
