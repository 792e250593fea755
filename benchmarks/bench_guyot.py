"""Throughput of the Guyot reconstruction: curves per second on one core.

Builds 1,000 synthetic digitized curves (300 clicks each, numbers at risk at 10 times) from
simulated trials, then times ``trialrecon.stats.guyot.reconstruct_curve`` on all of them, the
preprocessing, diagnostics and output tables included. Input generation is not timed.

    python benchmarks/bench_guyot.py [--curves 1000] [--points 300] [--intervals 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from trialrecon.stats.guyot import reconstruct_curve
from trialrecon.stats.km import km_steps


def synthetic_curve(
    rng: np.random.Generator, points: int, intervals: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One simulated trial arm read off its Kaplan-Meier plot with half a pixel of error."""
    n = int(rng.integers(150, 500))
    event_t = rng.exponential(rng.uniform(10, 40), n)
    cens_t = rng.uniform(5, 60, n)
    t_obs = np.minimum(event_t, cens_t)
    event = event_t <= cens_t
    st, ss = km_steps(t_obs, event)
    prev = np.concatenate([[1.0], ss[:-1]])
    t = np.concatenate([[0.0], np.repeat(st, 2), [t_obs.max()]])
    s = np.concatenate([[1.0], np.column_stack([prev, ss]).ravel(), [ss[-1]]])
    if t.size > points:  # keep a regular subset: the clicks a user would make on a busy plot
        keep = np.unique(np.linspace(0, t.size - 1, points).round().astype(int))
        t, s = t[keep], s[keep]
    elif t.size < points:  # pad with clicks along the flat tail
        extra = points - t.size
        t = np.concatenate([t, np.linspace(t[-1], t[-1] + 1, extra + 1)[1:]])
        s = np.concatenate([s, np.full(extra, s[-1])])
    span = t.max()
    t = t + rng.normal(0, 0.5 * span / 800, t.size)
    s = s + rng.normal(0, 0.5 / 500, s.size)
    nar_t = np.linspace(0, t_obs.max(), intervals + 1)[:-1]
    sorted_obs = np.sort(t_obs)
    nar_n = sorted_obs.size - np.searchsorted(sorted_obs, nar_t, side="left")
    return t, s, nar_t, nar_n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curves", type=int, default=1000)
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--intervals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    curves = [synthetic_curve(rng, args.points, args.intervals) for _ in range(args.curves)]
    reconstruct_curve(*curves[0])  # warm-up: imports and first-call costs
    start = time.perf_counter()
    for t, s, nar_t, nar_n in curves:
        reconstruct_curve(t, s, nar_t, nar_n)
    elapsed = time.perf_counter() - start
    print(f"Guyot reconstruction: {args.curves} curves of {args.points} clicks, "
          f"{args.intervals} numbers-at-risk intervals")
    print(f"  total {elapsed:.2f} s, {elapsed / args.curves * 1000:.2f} ms per curve, "
          f"{args.curves / elapsed:.0f} curves per second (target >= 200)")


if __name__ == "__main__":
    main()
