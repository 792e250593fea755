"""Time the vectorized Simon (1989) two-stage search over a grid of designs.

Grid: p0 in {0.05, 0.10, ..., 0.30}, p1 = p0 + 0.15, one-sided alpha 0.05, power 0.80 and
0.90: twelve designs, each searched until its optimum is proved (``--n-max 100`` gives the
old fixed limit of 100 patients, with a warning where it cuts the search short). Target:
all twelve in under 5 seconds on 2 cores.

    .venv/bin/python benchmarks/bench_simon.py [--repeat 3] [--n-max 100]
"""

from __future__ import annotations

import argparse
import time
import warnings

from trialrecon.stats.single_arm import simon_two_stage

TARGET_SECONDS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the whole grid; the fastest is reported (default 3)")
    parser.add_argument("--n-max", type=int, default=None,
                        help="largest total size searched (default: until the optimum is "
                             "proved)")
    args = parser.parse_args()

    grid = [(round(0.05 * i, 2), power) for i in range(1, 7) for power in (0.80, 0.90)]
    best_total = float("inf")
    rows: list[tuple[float, float, float, str]] = []
    for _ in range(args.repeat):
        run_rows = []
        start_all = time.perf_counter()
        for p0, power in grid:
            start = time.perf_counter()
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                d = simon_two_stage(p0, round(p0 + 0.15, 2), 0.05, power, n_max=args.n_max)
            elapsed = time.perf_counter() - start
            o, m = d["optimal"], d["minimax"]
            run_rows.append((p0, power, elapsed,
                             f"optimal {o.r1}/{o.n1}, {o.r}/{o.n}; minimax {m.r1}/{m.n1}, "
                             f"{m.r}/{m.n}" + ("  (limit reached)" if o.note else "")))
        total = time.perf_counter() - start_all
        if total < best_total:
            best_total, rows = total, run_rows

    print(f"{'p0':>5} {'p1':>5} {'power':>6} {'seconds':>8}  designs")
    for p0, power, elapsed, text in rows:
        print(f"{p0:>5.2f} {p0 + 0.15:>5.2f} {power:>6.2f} {elapsed:>8.3f}  {text}")
    print(f"total for {len(rows)} designs: {best_total:.2f} s "
          f"(mean {best_total / len(rows):.3f} s per design; target < {TARGET_SECONDS:g} s: "
          f"{'met' if best_total < TARGET_SECONDS else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
