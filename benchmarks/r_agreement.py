"""Count disagreements with R ``survival`` on random data sets with near-tied times.

Draws ``--sets`` data sets (``tests/r_reference.py``, fixed seed), has R's ``survfit``,
``coxph`` and ``survdiff`` analyse each with and without ``timefix``, and counts the data
sets where the project's Kaplan-Meier (times, counts, S, Greenwood SE, median and CI) or
Cox/log-rank (coefficient, SE, chi-square, the monotone-likelihood flag) differ from R's.
The same for the lifelines adapter (:mod:`trialrecon.stats.lifelines_fit`). The row "numpy,
timefix off vs R's defaults" is close to what the project gave before it adopted R's rule
(the code before also reported a monotone likelihood as converged).
Needs Rscript with the survival package (not a dependency of the project).

    .venv/bin/python benchmarks/r_agreement.py [--sets 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import r_reference as rr  # noqa: E402


def _count(sets: list[rr.DataSet], answers: rr.RAnswers, ours: bool, lifelines: bool = False
           ) -> tuple[int, int, int]:
    km = sum(rr.km_disagrees(ds, answers.km[i], answers.median[i], ours, lifelines)
             for i, ds in enumerate(sets))
    cox = sum(rr.cox_disagrees(ds, answers.cox[i], ours, lifelines)
              for i, ds in enumerate(sets) if i in answers.cox)
    return km, cox, len(answers.cox)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20250)
    parser.add_argument("--skip-lifelines", action="store_true",
                        help="only the numpy code (lifelines takes about 0.1 s a data set)")
    args = parser.parse_args()
    if rr.rscript() is None:
        print("Rscript with the survival package is not installed", file=sys.stderr)
        return 1
    sets = rr.data_sets(args.sets, args.seed)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        answers = {fix: rr.run_r(sets, Path(tmp), fix) for fix in (True, False)}
    print(f"{len(sets)} data sets (seed {args.seed}); R took {time.perf_counter() - start:.0f} s")
    rows = [("numpy, timefix on (default) vs R's defaults", True, True, False),
            ("numpy, timefix off vs R's defaults", False, True, False),
            ("numpy, timefix off vs R, timefix = FALSE", False, False, False),
            ("lifelines adapter (timefix on) vs R's defaults", True, True, True),
            ("lifelines adapter, timefix off vs R's defaults", False, True, True)]
    if args.skip_lifelines:
        rows = rows[:3]
    print(f"{'comparison':<48} {'KM sets':>12} {'Cox/log-rank sets':>18}")
    for label, ours, theirs, lifelines in rows:
        km, cox, n_cox = _count(sets, answers[theirs], ours, lifelines)
        print(f"{label:<48} {km:>5} / {len(sets):<5} {cox:>9} / {n_cox:<5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
