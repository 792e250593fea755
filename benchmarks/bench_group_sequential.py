"""Time the group-sequential boundaries of five analyses (trialrecon.stats.group_sequential).

Designs: five equally spaced looks, Lan-DeMets O'Brien-Fleming-type and Pocock-type spending,
one-sided 0.025 and two-sided 0.05, without and with the maximum-information inflation for
90% power (which solves for the drift as well); and the classical Pocock and O'Brien-Fleming
constants. The fastest of ``--repeat`` runs is reported per design.

    .venv/bin/python benchmarks/bench_group_sequential.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

from trialrecon.stats import group_sequential as gs

LOOKS = [0.2, 0.4, 0.6, 0.8, 1.0]
TARGET_SECONDS = 1.0  # per design, the slowest kind (with the inflation factor)

DESIGNS: list[tuple[str, Callable[[], gs.GroupSequentialDesign]]] = [
    ("LD O'Brien-Fleming, one-sided 0.025",
     lambda: gs.spending_boundaries(LOOKS, 0.025, "obrien_fleming")),
    ("LD Pocock, one-sided 0.025", lambda: gs.spending_boundaries(LOOKS, 0.025, "pocock")),
    ("LD O'Brien-Fleming, two-sided 0.05",
     lambda: gs.spending_boundaries(LOOKS, 0.05, "obrien_fleming", "two_sided")),
    ("LD O'Brien-Fleming, one-sided 0.025, + inflation (power 0.9)",
     lambda: gs.spending_boundaries(LOOKS, 0.025, "obrien_fleming", power=0.9)),
    ("LD Pocock, two-sided 0.05, + inflation (power 0.9)",
     lambda: gs.spending_boundaries(LOOKS, 0.05, "pocock", "two_sided", power=0.9)),
    ("classical Pocock, two-sided 0.05",
     lambda: gs.classical_boundaries(LOOKS, 0.05, "pocock_classical", "two_sided")),
    ("classical O'Brien-Fleming, two-sided 0.05",
     lambda: gs.classical_boundaries(LOOKS, 0.05, "obrien_fleming_classical", "two_sided")),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of each design; the fastest is reported (default 5)")
    args = parser.parse_args()
    print(f"{'design (5 analyses)':<62} {'seconds':>8}  boundaries (z)")
    slowest = 0.0
    for name, build in DESIGNS:
        best, design = float("inf"), None
        for _ in range(args.repeat):
            start = time.perf_counter()
            design = build()
            best = min(best, time.perf_counter() - start)
        slowest = max(slowest, best)
        extra = "" if math.isnan(design.inflation) else f", inflation {design.inflation:.4f}"
        print(f"{name:<62} {best:>8.3f}  {' '.join(f'{z:.4f}' for z in design.z)}{extra}")
    print(f"slowest design: {slowest:.3f} s (target < {TARGET_SECONDS:g} s: "
          f"{'met' if slowest < TARGET_SECONDS else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
