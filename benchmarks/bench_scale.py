"""Time every step of the pipeline at 1x, 10x and 100x of the shapes that once grew badly.

Shapes (built by ``tests/hostile/builders.py``, each a valid dossier or source):

- ``flat``: rows in one cohort, arm and subgroup (up to the 100,000 rows validation
  accepts; every count looks for its denominator among the others);
- ``chain``: medians each superseding the one before (one chain);
- ``cuts``: rows each of its own data cut;
- ``wide``: a values header of many columns (validation refuses it, quickly);
- ``sentence``: one sentence of many numbers, drafted; ``table``: an HTML table of many rows.

Steps: ``validate`` (validation and the transcription audit, as ``trialrecon validate``),
``load`` (the loaded table with its data cuts), ``reconcile`` (every check), and the stages
``dossier`` (tidy table), ``design``, ``km`` and ``crosstrial``; ``draft`` for the sources.
Each step runs in a child process held to ``--limit`` seconds (a step past it prints
``> limit``). The last columns are the ratios of times between sizes: near 10 for a linear
step, near 100 for a quadratic one.

    python benchmarks/bench_scale.py [--shapes flat chain ...] [--scale 1 10 100] [--limit 600]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile import builders  # noqa: E402

from trialrecon.dossier.bounded import Budget, BudgetExceeded, run_bounded  # noqa: E402

# Rows (or columns, numbers, table rows) of each shape at 1x.
BASE = {"flat": 1000, "chain": 100, "cuts": 100, "wide": 2000, "sentence": 20, "table": 20}
DOSSIER_STEPS = ("validate", "load", "reconcile", "dossier", "design", "km", "crosstrial")


def _validate(folder: Path) -> None:
    from trialrecon.dossier import validate_dossier
    from trialrecon.dossier.audit import audit_dossier

    validate_dossier(folder)
    audit_dossier(folder, folder)


def _step(name: str, folder: Path, out: Path) -> None:
    from trialrecon.checks import run_checks
    from trialrecon.dossier import load_dossier

    if name == "validate":
        _validate(folder)
        return
    dossier = load_dossier(folder)
    if name == "reconcile":
        run_checks(dossier)
    elif name == "dossier":
        from trialrecon.stages.dossier import write_dossier_outputs

        write_dossier_outputs(folder, out / "dossier.csv", out / "dossier.md")
    elif name == "design":
        from trialrecon.stages.design.stage import write_design_outputs

        write_design_outputs(dossier, out / "design", {})
    elif name == "km":
        from trialrecon.stages.km.stage import write_km_outputs

        write_km_outputs(dossier, out / "km", {"draws": 5})
    elif name == "crosstrial":
        from trialrecon.stages.crosstrial.stage import write_crosstrial_outputs

        write_crosstrial_outputs([dossier], out / "crosstrial", {"formats": ["png"]})


def _draft(source: Path, trial: Path) -> None:
    from trialrecon.dossier.draft import draft_source, read_names

    draft_source(source, read_names(trial), "paper")


def _timed(func: Callable[..., None], *args: object, limit: float) -> float | None:
    start = time.perf_counter()
    try:
        run_bounded(func, *args, budget=Budget(seconds=limit, memory=6 * 1024**3),
                    what="step")
    except BudgetExceeded as exc:
        if "took longer" in str(exc):
            return None
        raise
    return time.perf_counter() - start


def _build(shape: str, n: int, tmp: Path) -> tuple[Path, Path | None]:
    folder = tmp / f"{shape}{n}" / "x"
    if shape in ("sentence", "table"):
        builders.write(tmp / "trial" / "x", [])
        source = tmp / f"{shape}{n}.{'md' if shape == 'sentence' else 'html'}"
        (builders.sentence if shape == "sentence" else builders.html_table)(source, n)
        return source, tmp / "trial" / "x" / "trial.yaml"
    build = {"flat": builders.flat, "chain": builders.chain, "cuts": builders.cuts,
             "wide": builders.wide_header}[shape]
    return build(folder, n), None


def _fmt(seconds: float | None, limit: float) -> str:
    return f"{seconds:9.2f}" if seconds is not None else f"> {limit:g}".rjust(9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=list(BASE))
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--steps", nargs="+", default=list(DOSSIER_STEPS))
    parser.add_argument("--limit", type=float, default=600.0, help="seconds per step")
    args = parser.parse_args()
    print(f"{'shape':<9} {'step':<11}" + "".join(f"{f'{BASE_LABEL(s)}':>11}" for s in args.scale)
          + "   ratios")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes:
            built = {k: _build(shape, BASE[shape] * k, Path(tmp)) for k in args.scale}
            steps = ["draft"] if shape in ("sentence", "table") else (
                ["validate"] if shape == "wide" else args.steps)
            for step in steps:
                times = []
                for k in args.scale:
                    path, trial = built[k]
                    out = Path(tmp) / f"out-{shape}{k}-{step}"
                    func, fargs = ((_draft, (path, trial)) if step == "draft"
                                   else (_step, (step, path, out)))
                    times.append(_timed(func, *fargs, limit=args.limit))
                ratios = " ".join(f"x{b / a:.1f}" if a and b else "-"
                                  for a, b in zip(times, times[1:], strict=False))
                sizes = "/".join(str(BASE[shape] * k) for k in args.scale)
                print(f"{shape:<9} {step:<11}" + "".join(_fmt(t, args.limit) + "  "
                                                         for t in times)
                      + f" {ratios}   (n = {sizes})", flush=True)


def BASE_LABEL(scale: int) -> str:  # noqa: N802 - a column heading
    return f"{scale}x (s)"


if __name__ == "__main__":
    main()
