"""Pseudo individual patient data from a digitized Kaplan-Meier curve (Guyot reconstruction).

Implements the iterative algorithm of Guyot P, Ades AE, Ouwens MJNM, Welton NJ. "Enhanced
secondary analysis of survival data: reconstructing the data from published Kaplan-Meier
survival curves." BMC Medical Research Methodology 2012;12:9.

The clicked points are first cleaned by deterministic, logged steps (:func:`clean_clicks`,
:func:`clean_nar`); every change is a :class:`Fix` in the result. The algorithm then works
interval by interval between the times where numbers at risk are printed: it guesses the number
censored in the interval from the drop of the curve, spreads those censorings evenly over the
interval, derives the events at each click from the Kaplan-Meier product, and corrects the number
censored until the rebuilt number at risk at the start of the next interval equals the printed one.
The last interval uses the average censoring rate of the earlier ones, or the reported total
number of events when known (both as in the paper).

Departures from the paper, each to keep the output consistent or the loop finite:

* censorings of interval ``i`` are spread up to the printed time ``t[i+1]`` (the paper uses the
  first click at or after it), so the pseudo data's own number at risk at every printed time
  equals the rebuilt number;
* censorings are written at their spread times, not at the midpoints between clicks;
* the correction loop stops after ``max_iter`` rounds or when it revisits a number of censorings
  (rounding can make it oscillate forever); it then keeps the closest candidate and says so;
* a printed interval without any click gets a click at its start, carrying the curve forward;
* when an interval holds more events than the printed numbers at risk allow even with no
  censoring, clicks within ``boundary_tol_frac`` of the range before the next printed time are
  moved onto that time (a drop read a pixel too early) if that brings the count closer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trialrecon.stats.curves import (
    CurveInputError,
    Fix,
    GuyotOptions,
    clean_clicks,
    clean_nar,
)
from trialrecon.stats.km import flat_median_warning, km_at, km_median, km_steps


@dataclass(frozen=True)
class FitDiagnostics:
    """Agreement between the cleaned clicks and the Kaplan-Meier curve of the pseudo data."""

    n_points: int
    rmse: float
    mean_abs: float
    max_abs: float
    n_total: int
    events_reported: float  # NaN when not given
    events_rebuilt: int


@dataclass
class GuyotResult:
    """Pseudo data of one arm with everything a reviewer needs to judge it."""

    arm: str
    ipd: pd.DataFrame  # columns time, event (1 event, 0 censored)
    intervals: pd.DataFrame
    fit: FitDiagnostics
    clicks: pd.DataFrame  # the cleaned clicks: time, survival, synthetic
    median: float  # median of the rebuilt curve (NaN when not reached)
    fixes: list[Fix] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)




def _fill_empty_intervals(
    t: np.ndarray, s: np.ndarray, tr: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Fix]]:
    """Give every interval between printed times at least one click (a carried-forward point)."""
    fixes: list[Fix] = []
    synthetic = np.zeros(t.size, dtype=bool)
    bounds = np.concatenate([tr, [np.inf]])
    lower = np.searchsorted(t, bounds[:-1], side="left")
    upper_excl = np.searchsorted(t, bounds[1:], side="left")
    empty = np.flatnonzero(lower >= upper_excl)
    if empty.size:
        at = tr[empty]
        idx = np.searchsorted(t, at, side="left")
        s_at = s[idx - 1]  # the curve carried forward from the click before
        t = np.insert(t, idx, at)
        s = np.insert(s, idx, s_at)
        synthetic = np.insert(synthetic, idx, True)
        fixes.append(Fix("empty_interval", int(empty.size),
                         "no click in the interval(s) starting at time "
                         f"{', '.join(f'{x:g}' for x in at)}: added a carried-forward click"))
    return t, s, synthetic, fixes


def _drop_after_zero_at_risk(
    t: np.ndarray, s: np.ndarray, tr: np.ndarray, nr: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list[Fix]]:
    """Nobody is at risk from the first printed zero on: clicks from that time are unusable."""
    if nr[-1] != 0 or tr.size < 2:
        return t, s, []
    keep = t < tr[-1]
    if keep.all():
        return t, s, []
    n = int((~keep).sum())
    return t[keep], s[keep], [Fix("after_zero_at_risk", n,
                                  f"dropped {n} clicks at or after time {tr[-1]:g} "
                                  "where no one is at risk")]


# --------------------------------------------------------------------------------------------
# the algorithm
# --------------------------------------------------------------------------------------------


@dataclass
class _Pass:
    """Outcome of one pass of the Kaplan-Meier recursion over an interval."""

    ncens: int
    d: list[int]
    c: list[int]
    n_after: int
    km_after: float


def _interval_pass(
    ts: list[float], ss: list[float], t_end: float, n0: int, ncens: int, km0: float, first: bool,
) -> _Pass:
    """Events and censorings at each click of an interval for a given number censored.

    ``ncens`` censorings sit at ``ts[0] + j * h`` (j = 1..ncens, h = span / (ncens + 1)); click
    ``j`` owns those in ``[ts[j], ts[j+1])``, the last click those up to ``t_end``. Events follow
    from the Kaplan-Meier product: d = round(n * (1 - S_click / KM_last)).
    """
    t_lo = ts[0]
    h = (t_end - t_lo) / (ncens + 1) if ncens > 0 else 0.0
    k = len(ts)
    nh = n0
    km = km0
    d_out = [0] * k
    c_out = [0] * k
    below_prev = 0
    for j in range(k):
        if not (first and j == 0) and nh > 0 and km > 0.0:
            dj = round(nh * (1.0 - ss[j] / km))
            if dj > 0:
                if dj > nh:
                    dj = nh
                km *= 1.0 - dj / nh
                d_out[j] = dj
                nh -= dj
        if ncens > 0:
            bound = ts[j + 1] if j + 1 < k else t_end
            below = min(max(math.ceil((bound - t_lo) / h) - 1, 0), ncens) if h > 0 else ncens
            cj = below - below_prev
            below_prev = below
            if cj > nh:
                cj = nh  # nobody left to censor
            c_out[j] = cj
            nh -= cj
    return _Pass(ncens, d_out, c_out, nh, km)


def _solve(
    run: Callable[[int], _Pass], start: int, target_of: Callable[[_Pass], int], max_iter: int,
) -> tuple[_Pass, int, bool]:
    """Adjust the number censored until ``target_of(pass)`` is 0, guarding against cycles.

    ``target_of`` returns the excess (positive: too many remain or too many events: censor
    more). Returns the pass kept, the rounds used and whether it matched exactly.
    """
    tried: dict[int, tuple[int, _Pass]] = {}
    ncens = max(start, 0)
    for it in range(1, max_iter + 1):
        p = run(ncens)
        excess = target_of(p)
        tried[ncens] = (excess, p)
        if excess == 0:
            return p, it, True
        if excess < 0 and ncens == 0:
            break  # even without censoring too few remain: nothing more to adjust
        nxt = max(ncens + excess, 0)
        if nxt in tried:
            break  # rounding makes the correction oscillate: keep the best seen
        ncens = nxt
    best = min(tried.items(), key=lambda kv: (abs(kv[1][0]), kv[0]))
    return best[1][1], len(tried), best[1][0] == 0


@dataclass
class _CoreOut:
    d: np.ndarray  # events at each click
    c: np.ndarray  # censorings owned by each click
    cens_times: np.ndarray
    n_end: int  # still at risk after the last click: censored there
    n_start: np.ndarray  # rebuilt number at risk at each printed time
    notes: list[str]
    fixes: list[Fix]  # clicks moved across a printed time
    t: np.ndarray  # click times as finally used


def _guyot_core(
    t: np.ndarray, s: np.ndarray, tr: np.ndarray, nr: np.ndarray, total_events: int | None,
    max_iter: int, boundary_tol: float = 0.0,
) -> _CoreOut:
    """The interval-by-interval recursion of Guyot et al. (2012), on cleaned inputs."""
    m = tr.size
    kk = t.size
    lower = np.searchsorted(t, tr, side="left")
    upper = np.concatenate([lower[1:] - 1, [kk - 1]])
    tl = t.tolist()
    sl = s.tolist()
    d = np.zeros(kk, dtype=int)
    c = np.zeros(kk, dtype=int)
    cens_times: list[np.ndarray] = []
    n_start = np.zeros(m, dtype=int)
    ncens_done = np.zeros(m, dtype=int)
    notes: list[str] = []
    moved: list[Fix] = []
    n_now = int(nr[0])
    km = 1.0

    def place(p: _Pass, lo: int, t_end: float) -> None:
        k = len(p.d)
        d[lo: lo + k] = p.d
        c[lo: lo + k] = p.c
        if p.ncens > 0 and sum(p.c) > 0:
            # the same arithmetic as _interval_pass, so each click gets exactly its own times
            t_lo = tl[lo]
            h = (t_end - t_lo) / (p.ncens + 1)
            bounds = np.array(tl[lo + 1: lo + k] + [t_end])
            below = np.clip(np.ceil((bounds - t_lo) / h) - 1, 0, p.ncens).astype(int)
            first_j = np.concatenate([[0], below[:-1]]) + 1
            for j in np.flatnonzero(np.array(p.c) > 0).tolist():
                idx = np.arange(first_j[j], first_j[j] + p.c[j])
                cens_times.append(t_lo + h * idx)

    for i in range(m):
        lo, hi = int(lower[i]), int(upper[i])
        n_start[i] = n_now
        ts, ss = tl[lo: hi + 1], sl[lo: hi + 1]
        first = i == 0
        if n_now == 0:
            continue
        if i < m - 1:
            t_end = float(tr[i + 1])
            target = int(nr[i + 1])
            s_lo, s_next = sl[lo], sl[int(lower[i + 1])]
            guess = round(n_now * s_next / s_lo - target) if s_lo > 0 else n_now - target

            def run(nc: int, ts=ts, ss=ss, t_end=t_end, n0=n_now, km0=km, first=first) -> _Pass:
                return _interval_pass(ts, ss, t_end, n0, nc, km0, first)

            p, rounds, exact = _solve(run, guess, lambda q, tg=target: q.n_after - tg, max_iter)
            if p.n_after < target and p.ncens == 0 and boundary_tol > 0:
                # Too many events even without censoring: drops clicked just before the printed
                # time may belong after it (pixel error). Try them on the printed time.
                edge = float(tr[i + 1]) - boundary_tol
                movable = [k for k in range(lo + 1, hi + 1) if tl[k] >= edge]
                if movable:
                    k0 = movable[0]

                    def run2(nc: int, ts=tl[lo:k0], ss=sl[lo:k0], t_end=t_end, n0=n_now, km0=km,
                             first=first) -> _Pass:
                        return _interval_pass(ts, ss, t_end, n0, nc, km0, first)

                    p2, r2, e2 = _solve(run2, guess, lambda q, tg=target: q.n_after - tg,
                                        max_iter)
                    if abs(p2.n_after - target) < abs(p.n_after - target):
                        for k in movable:
                            tl[k] = float(tr[i + 1])
                        lower[i + 1] = k0
                        upper[i] = k0 - 1
                        p, rounds, exact = p2, r2, e2
                        moved.append(Fix(
                            "boundary", len(movable),
                            f"{len(movable)} click(s) within {boundary_tol:.3g} before the printed "
                            f"time {tr[i + 1]:g} moved onto it: the numbers at risk put their "
                            "drop after it"))
            if not exact:
                notes.append(
                    f"interval {i + 1} (from {tr[i]:g}): rebuilt {p.n_after} at risk at "
                    f"{tr[i + 1]:g} against {target} printed, after {rounds} rounds")
            place(p, lo, t_end)
            ncens_done[i] = sum(p.c)
            n_now, km = p.n_after, p.km_after
            continue
        # the last interval
        t_end = tl[hi]
        if m > 1 and tl[int(upper[m - 2])] > tl[int(lower[0])]:
            rate = ncens_done[: m - 1].sum() / (tl[int(upper[m - 2])] - tl[int(lower[0])])
            guess = min(round(rate * (t_end - tl[lo])), n_now)
        else:
            guess = 0

        def run_last(nc: int, ts=ts, ss=ss, t_end=t_end, n0=n_now, km0=km, first=first) -> _Pass:
            return _interval_pass(ts, ss, t_end, n0, nc, km0, first)

        if total_events is None:
            p = run_last(guess)
        else:
            before = int(d[:lo].sum())
            if before >= total_events:
                p = _Pass(0, [0] * len(ts), [0] * len(ts), n_now, km)
                if before > total_events:
                    notes.append(f"{before} events rebuilt before the last interval, more than "
                                 f"the {total_events} reported; none added after {tr[i]:g}")
            else:
                p, rounds, exact = _solve(
                    run_last, guess, lambda q, b=before: b + sum(q.d) - total_events, max_iter)
                if not exact:
                    notes.append(f"rebuilt {before + sum(p.d)} events against {total_events} "
                                 f"reported, after {rounds} rounds")
        place(p, lo, t_end)
        n_now = p.n_after
    ct = np.concatenate(cens_times) if cens_times else np.zeros(0)
    return _CoreOut(d, c, ct, n_now, n_start, notes, moved, np.array(tl))

# --------------------------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------------------------


def reconstruct_curve(
    time: np.ndarray, survival: np.ndarray, nar_time: np.ndarray | None = None,
    nar_n: np.ndarray | None = None, n_total: int | None = None, total_events: int | None = None,
    options: GuyotOptions | None = None, arm: str = "", source: str = "clicks",
    click_rows: np.ndarray | None = None, nar_source: str = "numbers at risk",
    nar_rows: np.ndarray | None = None,
) -> GuyotResult:
    """Rebuild pseudo individual patient data of one arm (Guyot et al. 2012, BMC MRM 12:9).

    ``survival`` is on the probability scale (see :func:`survival_from_scale`). ``nar_time`` /
    ``nar_n`` are the printed numbers at risk; ``n_total`` (N) and ``total_events`` are used when
    given. ``source``/``click_rows`` and ``nar_source``/``nar_rows`` name files and rows in errors.
    """
    opt = options or GuyotOptions()
    t, s, fixes = clean_clicks(time, survival, opt, source, click_rows)
    tr, nr, nar_fixes = clean_nar(nar_time, nar_n, n_total, nar_source, nar_rows)
    fixes += nar_fixes
    t, s, more = _drop_after_zero_at_risk(t, s, tr, nr)
    fixes += more
    if t.size == 0:
        raise CurveInputError(f"{source}: no clicks before the time no one is at risk")
    t, s, synthetic, more = _fill_empty_intervals(t, s, tr)
    fixes += more
    core = _guyot_core(t, s, tr, nr, total_events, opt.max_iter,
                       opt.boundary_tol_frac * float(t[-1] - t[0]))
    fixes += core.fixes
    t = core.t

    times = np.concatenate([np.repeat(t, core.d), core.cens_times,
                            np.full(core.n_end, t[-1])])
    events = np.concatenate([np.ones(int(core.d.sum()), dtype=int),
                             np.zeros(core.cens_times.size + core.n_end, dtype=int)])
    order = np.lexsort((1 - events, times))
    ipd = pd.DataFrame({"time": times[order], "event": events[order]})

    steps_t, steps_s = km_steps(ipd["time"].to_numpy(), ipd["event"].to_numpy())
    rebuilt = km_at(t, steps_t, steps_s)
    err = rebuilt - s
    fit = FitDiagnostics(
        n_points=int(t.size), rmse=float(np.sqrt(np.mean(err**2))),
        mean_abs=float(np.mean(np.abs(err))), max_abs=float(np.max(np.abs(err))),
        n_total=int(nr[0]),
        events_reported=float("nan") if total_events is None else float(total_events),
        events_rebuilt=int(events.sum()),
    )
    warnings = list(core.notes)
    flat = flat_median_warning(steps_t, steps_s, float(t[-1]), opt.flat_tol, opt.flat_min_frac)
    if flat:
        warnings.append(flat)
    return GuyotResult(
        arm=arm, ipd=ipd, intervals=_interval_table(ipd, tr, nr, total_events, arm), fit=fit,
        clicks=pd.DataFrame({"time": t, "survival": s, "synthetic": synthetic}),
        median=km_median(steps_t, steps_s, float(times.max())), fixes=fixes, warnings=warnings,
    )


def _interval_table(
    ipd: pd.DataFrame, tr: np.ndarray, nr: np.ndarray, total_events: int | None, arm: str,
) -> pd.DataFrame:
    """Printed against rebuilt numbers at risk, with the rebuilt events and censorings.

    One row per interval between printed times, then a row ``total`` (all patients; the
    reported total events, when given, sit in ``events_reported`` of that row).
    """
    time = np.sort(ipd["time"].to_numpy())
    ev = np.sort(ipd["time"].to_numpy()[ipd["event"].to_numpy() == 1])
    ends = np.append(tr[1:], np.inf)
    left = np.searchsorted(time, tr, side="left")
    right = np.searchsorted(time, ends, side="left")
    ev_n = np.searchsorted(ev, ends, side="left") - np.searchsorted(ev, tr, side="left")
    m = tr.size
    events_reported = np.full(m + 1, np.nan)
    if total_events is not None:
        events_reported[-1] = total_events
    return pd.DataFrame({
        "arm": [arm] * (m + 1),
        "interval": [str(i) for i in range(1, m + 1)] + ["total"],
        "t_start": np.append(tr, tr[0]),
        "t_end": np.append(ends, np.inf),
        "n_risk_reported": np.append(nr, nr[0]),
        "n_risk_rebuilt": np.append(time.size - left, time.size),
        "losses_reported": np.append(nr[:-1] - nr[1:], [np.nan, np.nan]),
        "losses_rebuilt": np.append(right - left, time.size),
        "events_reported": events_reported,
        "events_rebuilt": np.append(ev_n, ev.size),
        "censored_rebuilt": np.append((right - left) - ev_n, time.size - ev.size),
    })


def reconstruct_arms(
    clicks: pd.DataFrame, nar: pd.DataFrame | None, n_total: dict[str, int] | int | None = None,
    total_events: dict[str, int] | int | None = None, options: GuyotOptions | None = None,
    source: str = "clicks", nar_source: str = "numbers at risk",
) -> dict[str, GuyotResult]:
    """Rebuild every arm of tidy ``clicks`` (arm, time, survival) and ``nar`` (arm, time, n_risk).

    Without an ``arm`` column everything is one arm named "". A ``line`` column, when present,
    gives the file's line numbers for error messages.
    """
    clicks = clicks if "arm" in clicks.columns else clicks.assign(arm="")
    if nar is not None and "arm" not in nar.columns:
        nar = nar.assign(arm="")
    results: dict[str, GuyotResult] = {}
    arms = sorted(clicks["arm"].astype(str).unique())
    if nar is not None:
        missing = sorted(set(nar["arm"].astype(str)) - set(arms))
        if missing:
            named = ", ".join(repr(a) if a else "(no arm column)" for a in missing)
            clicked = ", ".join(repr(a) if a else "(no arm column)" for a in arms)
            raise CurveInputError(f"{nar_source}: numbers at risk for arm(s) {named}, but the "
                                  f"clicks have arm(s) {clicked}")
    for arm in arms:
        cl = clicks[clicks["arm"].astype(str) == arm]
        nr = None if nar is None else nar[nar["arm"].astype(str) == arm]
        results[arm] = reconstruct_curve(
            cl["time"].to_numpy(float), cl["survival"].to_numpy(float),
            None if nr is None or nr.empty else nr["time"].to_numpy(float),
            None if nr is None or nr.empty else nr["n_risk"].to_numpy(float),
            _per_arm(n_total, arm), _per_arm(total_events, arm), options, arm,
            source=source if not arm else f"{source} (arm {arm})",
            click_rows=cl["line"].to_numpy() if "line" in cl.columns else None,
            nar_source=nar_source,
            nar_rows=None if nr is None or "line" not in nr.columns else nr["line"].to_numpy(),
        )
    return results


def _per_arm(value: dict[str, int] | int | None, arm: str) -> int | None:
    if isinstance(value, dict):
        v = value.get(arm)
        return None if v is None else int(v)
    return None if value is None else int(value)


def format_report(result: GuyotResult) -> str:
    """A few lines of plain text for the console: fixes, diagnostics, warnings."""
    f = result.fit
    name = f"arm {result.arm}" if result.arm else "curve"
    lines = [f"{name}: N = {f.n_total}, events rebuilt = {f.events_rebuilt}"
             + ("" if math.isnan(f.events_reported) else f" (reported {f.events_reported:g})"),
             f"  fit to clicks ({f.n_points} points): RMSE {f.rmse:.4f}, mean |diff| "
             f"{f.mean_abs:.4f}, max |diff| {f.max_abs:.4f}",
             "  median of the rebuilt curve: "
             + ("not reached" if math.isnan(result.median) else f"{result.median:g}")]
    for fx in result.fixes:
        lines.append(f"  fixed [{fx.step}] {fx.detail}")
    for w in result.warnings:
        lines.append(f"  warning: {w}")
    tab = result.intervals[result.intervals["interval"] != "total"]
    for row in tab.itertuples():
        lines.append(f"  interval {row.interval} from {row.t_start:g}: at risk printed "
                     f"{row.n_risk_reported}, rebuilt {row.n_risk_rebuilt}; events "
                     f"{row.events_rebuilt}, censored {row.censored_rebuilt}")
    return "\n".join(lines)
