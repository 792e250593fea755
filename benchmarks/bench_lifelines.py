"""Cost of the lifelines adapter per call, against the numpy code it stands beside.

For two arms of ``n`` patients each (exponential times, uniform censoring, rounded to 0.1 so
that times tie as printed data do), the median time per call of: the median and its CI of
one arm (:func:`trialrecon.stats.lifelines_fit.median_ci` against
:func:`trialrecon.stats.km.summarize`), the Cox fit (``lifelines_fit.cox`` against
``twoarm.cox_binary``), the log-rank test (``lifelines_fit.logrank`` against
``twoarm.logrank``), and lifelines' bare fitters for the adapter's overhead; then the import
of lifelines in a fresh interpreter, which a stage pays once. Times are CPU times (the
median of ``--repeat`` calls), steadier than wall time on a shared machine. A stage that
shows C medians and H hazard ratios pays about import + C x median + H x (Cox + log-rank).

    .venv/bin/python benchmarks/bench_lifelines.py [--sizes 50 200 500] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from trialrecon.stats import km, twoarm
from trialrecon.stats import lifelines_fit as lf


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    arm = np.repeat([1, 0], n)
    event_t = rng.exponential(np.where(arm == 1, 18.0, 12.0))
    censor_t = rng.uniform(6.0, 48.0, size=2 * n)
    time_ = np.round(np.minimum(event_t, censor_t), 1) + 0.1
    return time_, (event_t <= censor_t).astype(int), arm


def _ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeat):  # CPU time: the machine is shared, wall time drifts with load
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return 1000.0 * statistics.median(times)


def _import_seconds() -> float:
    code = "import time; s = time.process_time(); import lifelines; print(time.process_time() - s)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(run.stdout.strip())


def _calls(t: np.ndarray, e: np.ndarray, a: np.ndarray
           ) -> list[tuple[str, Callable[[], object] | None, Callable[[], object]]]:
    """(label, numpy call or None, lifelines call) on one data set."""
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.statistics import logrank_test

    one = a == 1
    frame = pd.DataFrame({"time": t, "event": e, "arm": a})
    return [
        ("median and CI of one arm", lambda: km.summarize(t[one], e[one]),
         lambda: lf.median_ci(t[one], e[one])),
        ("Cox hazard ratio", lambda: twoarm.cox_binary(t, e, a), lambda: lf.cox(t, e, a)),
        ("log-rank test", lambda: twoarm.logrank(t, e, a), lambda: lf.logrank(t, e, a)),
        ("bare KaplanMeierFitter().fit", None, lambda: KaplanMeierFitter().fit(t[one], e[one])),
        ("bare CoxPHFitter().fit (defaults)", None,
         lambda: CoxPHFitter().fit(frame, "time", "event")),
        ("bare logrank_test", None, lambda: logrank_test(t[one], t[~one], e[one], e[~one])),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500],
                        help="patients per arm")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"import lifelines in a fresh interpreter: {_import_seconds():.2f} CPU-s")
    print(f"{'n/arm':>6} {'call (CPU ms)':<34} {'numpy':>9} {'lifelines':>13} {'ratio':>7}")
    for n in args.sizes:
        t, e, a = _data(n, seed=n)
        rows = _calls(t, e, a)
        totals = {}
        for label, ours, theirs in rows:
            mine = _ms(ours, args.repeat) if ours else float("nan")
            lifelines_ms = _ms(theirs, args.repeat)
            totals[label] = lifelines_ms
            ratio = lifelines_ms / mine if ours else float("nan")
            print(f"{n:>6} {label:<34} {mine:>9.3f} {lifelines_ms:>13.2f} {ratio:>7.0f}")
        per_hr = totals["Cox hazard ratio"] + totals["log-rank test"]
        print(f"{'':>6} per curve {totals['median and CI of one arm']:.1f} ms, per hazard ratio "
              f"(Cox + log-rank) {per_hr:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
