"""Time the reconciliation checks against the size of a dossier.

Builds dossiers of about 500, 5,000 and 50,000 rows by repeating the planted-error corpus
(tests/fixtures/planted) with fresh ids and subgroups, so every copy is checked like the
original, then times :func:`trialrecon.checks.run_checks` on each and prints the time per
row and the ratio between sizes (linear scaling: the ratio of times equals the ratio of
sizes).

    python benchmarks/bench_reconcile.py [--sizes 500 5000 50000]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path

from trialrecon.checks import run_checks
from trialrecon.dossier import load_dossier

PLANTED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "planted"


def build(folder: Path, rows_wanted: int) -> int:
    """A copy of the planted corpus repeated until it has about ``rows_wanted`` rows."""
    folder.parent.mkdir(parents=True)
    shutil.copytree(PLANTED, folder)
    with (PLANTED / "values.csv").open(encoding="utf-8", newline="") as fh:
        base = list(csv.DictReader(fh))
    out = []
    copy = 0
    while len(out) < rows_wanted:
        for r in base:
            ids = {k: (f"{r[k]}_x{copy}" if r[k] else "") for k in ("id", "supersedes")}
            sub = f"{r['subgroup']}x{copy}" if copy else r["subgroup"]
            out.append({**r, **ids, "subgroup": sub})
        copy += 1
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(base[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    return len(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 50000])
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / str(size) / "planted"
            n = build(folder, size)
            dossier = load_dossier(folder)
            start = time.perf_counter()
            rec = run_checks(dossier)
            seconds = time.perf_counter() - start
            results.append((n, seconds, len(rec.findings)))
            print(f"{n:>7} rows: {seconds:8.2f} s  {1000 * seconds / n:6.3f} ms/row  "
                  f"{len(rec.findings)} findings", flush=True)
    for (n0, s0, _), (n1, s1, _) in zip(results, results[1:], strict=False):
        print(f"{n0} -> {n1} rows: size x{n1 / n0:.1f}, time x{s1 / s0:.1f}")


if __name__ == "__main__":
    main()
