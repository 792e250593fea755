"""CPU time of one Kaplan-Meier job per dossier, as Snakemake runs it: a fresh interpreter.

Each dossier is rebuilt ``--repeat`` times in its own Python process (imports, loading the
dossier, every reconstruction, the figures and tables, written to a temporary folder); the
process's CPU time (user + system, from ``getrusage`` of the child) is the job's cost, which
on a shared machine drifts less than wall time. Printed per dossier: the fastest and the
median run, and whether lifelines was imported; then the total over all dossiers.

``--src DIR`` runs another checkout's ``src`` (for a before/after comparison: the same
dossiers, the same interpreter and packages). The dossiers are the pipeline's
(``data/raw``) and, with ``--gold``, the gold dossiers of real papers under
``tests/fixtures/gold``.

    .venv/bin/python benchmarks/bench_km_stage.py [--repeat 3] [--gold] [--src DIR]
        [--only talent cabinet] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys, tempfile
from pathlib import Path
from trialrecon.dossier import load_dossier
from trialrecon.stages.km.stage import write_km_outputs
with tempfile.TemporaryDirectory() as out:
    write_km_outputs(load_dossier(Path(sys.argv[1])), Path(out), {})
print("lifelines" in sys.modules)
"""


def run_once(dossier: Path, src: Path | None) -> tuple[float, bool]:
    """CPU seconds of one fresh process rebuilding ``dossier``, and whether it used lifelines."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(dossier)], cwd=cwd, env=env,
                              capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{dossier}: {proc.stderr.strip().splitlines()[-1]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, proc.stdout.strip().endswith("True")


def dossiers(gold: bool, only: list[str]) -> list[Path]:
    found = sorted(p for p in (ROOT / "data" / "raw").iterdir() if (p / "trial.yaml").is_file())
    if gold:
        found += sorted(p for p in (ROOT / "tests" / "fixtures" / "gold").iterdir()
                        if (p / "trial.yaml").is_file())
    return [p for p in found if not only or p.name in only]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gold", action="store_true", help="also the gold dossiers")
    parser.add_argument("--src", type=Path, help="another checkout's src directory")
    parser.add_argument("--only", nargs="*", default=[], help="dossier folder names")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    rows = {}
    print(f"{'dossier':<14}{'min CPU s':>10}{'median':>9}  lifelines")
    for path in dossiers(args.gold, args.only):
        runs = [run_once(path, args.src) for _ in range(max(args.repeat, 1))]
        cpu = [c for c, _ in runs]
        rows[path.name] = {"min": min(cpu), "median": statistics.median(cpu),
                           "lifelines": runs[0][1]}
        print(f"{path.name:<14}{min(cpu):>10.2f}{statistics.median(cpu):>9.2f}  "
              f"{'yes' if runs[0][1] else 'no'}", flush=True)
    total_min = sum(r["min"] for r in rows.values())
    total_med = sum(r["median"] for r in rows.values())
    print(f"{'total':<14}{total_min:>10.2f}{total_med:>9.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
