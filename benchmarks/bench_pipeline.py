"""Cost of the whole workflow: per-rule times of a cold run and the per-trial slope.

Every run happens in a temporary copy of the repository (the files git tracks, plus untracked
ones that are not ignored), so ``results/`` here is never touched.

1. **Cold run** of the configured trials: wall time, then per rule the jobs, job seconds,
   CPU seconds and maximum resident memory read from Snakemake's benchmark files
   (``logs/benchmark/``, one per job, written by each rule's ``benchmark:`` directive), and the
   rule's share of the summed job time. A no-op rerun follows. The CPU seconds of a run are
   those of all its processes (``getrusage``); Snakemake samples a job's memory every 0.5 s for
   its first 15 s and every 30 s after, so the RSS of a long job is a lower bound.
2. **Scaling**: for each size N a fresh copy whose config lists N copies of the chosen
   dossiers (``talent``, ``cabinet``, ``talent``, ... by default), each renamed with a suffix
   (``talent_x000``) and its ``trial.yaml`` id changed to match. The per-trial slope is the
   least-squares slope of wall time (and of job and CPU time) against N; the ``km`` share of
   job time is printed for each N.

The machine is shared, so absolute seconds drift from run to run: compare the ratios (km
share, slope over the reference workload) of one run with those of another. The reference
workload is a fixed single-core computation timed at the start and at the end.

    python benchmarks/bench_pipeline.py [--sizes 10 20 40] [--cores 2]
        [--dossiers talent cabinet] [--no-cold] [--keep DIR] [--json FILE]
    python benchmarks/bench_pipeline.py --sizes 2 4 --no-cold     # smoke test, a few minutes
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path("logs") / "benchmark"
# Notebooks 01 and 04 read the talent dossier by name; a scaled run renames every dossier,
# so it runs only the notebooks that read whatever trials are configured.
SCALED_NOTEBOOKS = ["02_kaplan_meier", "03_hazard_ratios"]


@dataclass(frozen=True)
class RuleCost:
    """Summed cost of every job of one rule, from its benchmark files."""

    rule: str
    jobs: int
    job_s: float
    max_rss_mb: float
    max_job_s: float


@dataclass(frozen=True)
class RunCost:
    """One Snakemake invocation: its wall time and the cost of its jobs by rule."""

    label: str
    trials: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    rules: list[RuleCost] = field(default_factory=list)

    @property
    def job_s(self) -> float:
        return sum(r.job_s for r in self.rules)

    def share(self, rule: str) -> float:
        """Fraction of the summed job time spent in ``rule``."""
        total = self.job_s
        return sum(r.job_s for r in self.rules if r.rule == rule) / total if total else math.nan


def reference_workload() -> float:
    """Seconds of a fixed single-core computation (pure Python and numpy), the run's unit."""
    import numpy as np

    start = time.perf_counter()
    rng = np.random.default_rng(0)
    for _ in range(100):
        x = np.sort(rng.exponential(size=200_000))
        np.cumsum(x)
    total = 0
    for i in range(10_000_000):
        total += i % 7
    return time.perf_counter() - start


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line]


def copy_repository(target: Path) -> None:
    """The repository as a clean clone would have it (working-tree contents), without results."""
    for rel in tracked_files():
        src = ROOT / rel
        if src.is_file():
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def copy_dossier(raw: Path, source: str, new_id: str) -> None:
    """``raw/source`` copied to ``raw/new_id`` with the top-level ``id:`` of trial.yaml changed."""
    dst = raw / new_id
    shutil.copytree(raw / source, dst)
    trial_yaml = dst / "trial.yaml"
    text, count = re.subn(rf"^id:\s*{re.escape(source)}\s*$", f"id: {new_id}",
                          trial_yaml.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit(f"{trial_yaml}: no top-level 'id: {source}' line to rename")
    trial_yaml.write_text(text, encoding="utf-8")


def scaled_copy(work: Path, dossiers: list[str], size: int) -> list[str]:
    """Add ``size`` renamed dossier copies to the copy at ``work`` and list only them."""
    raw = work / "data" / "raw"
    names = []
    for i in range(size):
        source = dossiers[i % len(dossiers)]
        name = f"{source}_x{i:03d}"
        copy_dossier(raw, source, name)
        names.append(name)
    config_path = work / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["trials"] = names
    config.setdefault("notebooks", {})["names"] = SCALED_NOTEBOOKS
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return names


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children_peak_rss_mb() -> float:
    # ru_maxrss of RUSAGE_CHILDREN: the largest waited-for descendant, in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_snakemake(work: Path, cores: int, label: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``snakemake --cores N`` in ``work`` and all its processes.

    A failed run stops the benchmark.
    """
    cpu = _children_cpu_s()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(cores)],
                          cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - start
    (work / f"snakemake-{label}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"snakemake failed in {work} ({label})")
    return wall, _children_cpu_s() - cpu


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "NA" when a job ended before the first memory sample
        return 0.0


def rule_costs(work: Path) -> list[RuleCost]:
    """Per-rule sums of the benchmark files: logs/benchmark/<rule>/<job>.tsv or <rule>.tsv."""
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    folder = work / BENCH_DIR
    for path in sorted(folder.rglob("*.tsv")):
        rel = path.relative_to(folder)
        rule = rel.parts[0] if len(rel.parts) > 1 else path.stem
        with path.open(encoding="utf-8", newline="") as handle:
            rows[rule].extend(csv.DictReader(handle, delimiter="\t"))
    costs = []
    for rule, jobs in rows.items():
        seconds = [_number(j["s"]) for j in jobs]
        costs.append(RuleCost(
            rule=rule, jobs=len(jobs), job_s=sum(seconds),
            max_rss_mb=max(_number(j["max_rss"]) for j in jobs), max_job_s=max(seconds)))
    return sorted(costs, key=lambda c: -c.job_s)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys against xs."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else math.nan


def print_rules(run: RunCost) -> None:
    print(f"{'rule':<14}{'jobs':>5}{'job s':>9}{'mean s':>8}{'max s':>8}"
          f"{'max RSS MB':>12}{'share':>8}")
    for r in run.rules:
        # A job shorter than Snakemake's first 0.5 s memory sample shows its start-up RSS only.
        rss = f"{r.max_rss_mb:.0f}" if r.max_job_s >= 1 else "(short)"
        print(f"{r.rule:<14}{r.jobs:>5}{r.job_s:>9.1f}{r.job_s / r.jobs:>8.1f}{r.max_job_s:>8.1f}"
              f"{rss:>12}{run.share(r.rule):>8.1%}")
    print(f"{'all jobs':<14}{sum(r.jobs for r in run.rules):>5}{run.job_s:>9.1f}")
    print(f"largest single process of the run (Snakemake included): {run.peak_rss_mb:.0f} MB RSS")


def cold_run(base: Path, cores: int) -> RunCost:
    work = base / "cold"
    copy_repository(work)
    trials = len(yaml.safe_load((work / "config" / "config.yaml").read_text())["trials"])
    wall, cpu = run_snakemake(work, cores, "cold")
    run = RunCost("cold", trials, wall, cpu, _children_peak_rss_mb(), rule_costs(work))
    noop, _ = run_snakemake(work, cores, "noop")
    print(f"\nCold run, {trials} configured trials, --cores {cores}: wall {wall:.1f} s, "
          f"job time {run.job_s:.1f} s, CPU {run.cpu_s:.1f} s; no-op rerun {noop:.1f} s")
    print_rules(run)
    return run


def scaled_runs(base: Path, cores: int, sizes: list[int], dossiers: list[str]) -> list[RunCost]:
    runs = []
    for size in sizes:
        work = base / f"n{size}"
        copy_repository(work)
        scaled_copy(work, dossiers, size)
        wall, cpu = run_snakemake(work, cores, f"n{size}")
        runs.append(RunCost(f"n{size}", size, wall, cpu, _children_peak_rss_mb(),
                            rule_costs(work)))
        run = runs[-1]
        print(f"  N = {size:>3}: wall {wall:7.1f} s, job {run.job_s:7.1f} s, "
              f"CPU {run.cpu_s:7.1f} s, km share of job time {run.share('km'):.1%}", flush=True)
    return runs


def print_slopes(runs: list[RunCost], unit: float) -> dict[str, float]:
    xs = [float(r.trials) for r in runs]
    km_job = [sum(c.job_s for c in r.rules if c.rule == "km") for r in runs]
    slopes = {
        "wall_s_per_trial": slope(xs, [r.wall_s for r in runs]),
        "job_s_per_trial": slope(xs, [r.job_s for r in runs]),
        "cpu_s_per_trial": slope(xs, [r.cpu_s for r in runs]),
        "km_job_s_per_trial": slope(xs, km_job),
    }
    s = slopes
    print(f"Per-trial slope over N = {', '.join(str(r.trials) for r in runs)}: "
          f"{s['wall_s_per_trial']:.2f} s wall, {s['job_s_per_trial']:.2f} job-s, "
          f"{s['cpu_s_per_trial']:.2f} CPU-s per added trial; "
          f"km {s['km_job_s_per_trial']:.2f} job-s "
          f"({s['km_job_s_per_trial'] / s['job_s_per_trial']:.1%} of the job-s slope)")
    print(f"  in reference units ({unit:.2f} s each): {s['wall_s_per_trial'] / unit:.2f} wall, "
          f"{s['job_s_per_trial'] / unit:.2f} job, {s['km_job_s_per_trial'] / unit:.2f} km "
          "per added trial")
    per_rule = defaultdict(list)
    for r in runs:
        for c in r.rules:
            per_rule[c.rule].append((r.trials, c.job_s))
    print("  job-s per added trial by rule: " + ", ".join(
        f"{rule} {slope([float(n) for n, _ in pts], [y for _, y in pts]):.2f}"
        for rule, pts in sorted(per_rule.items()) if len(pts) == len(runs)))
    return slopes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 20, 40],
                        help="numbers of dossier copies (none: no scaling runs)")
    parser.add_argument("--cores", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--dossiers", nargs="+", default=["talent", "cabinet"],
                        help="dossiers under data/raw copied in turn")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold run")
    parser.add_argument("--keep", type=Path, help="work here and keep the copies")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if any(n < 1 for n in args.sizes):
        parser.error("--sizes must be positive")
    unit_before = reference_workload()
    base = args.keep or Path(tempfile.mkdtemp(prefix="trialrecon-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    figures: dict[str, object] = {"cores": args.cores}
    try:
        if not args.no_cold:
            figures["cold"] = asdict(cold_run(base, args.cores))
        if args.sizes:
            print(f"\nScaling: copies of {', '.join(args.dossiers)}, --cores {args.cores}")
            runs = scaled_runs(base, args.cores, sorted(args.sizes), args.dossiers)
            figures["scaled"] = [asdict(r) | {"km_share": r.share("km")} for r in runs]
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    unit = (unit_before + reference_workload()) / 2
    figures["reference_s"] = unit
    print(f"\nReference workload: {unit:.2f} s (start {unit_before:.2f} s)")
    if args.sizes and len(set(args.sizes)) >= 2:
        figures["slopes"] = print_slopes(runs, unit)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
