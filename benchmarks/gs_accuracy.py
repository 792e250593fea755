"""How close group-sequential boundaries come to the alpha they should spend: ours and rpact's.

For a grid of Lan-DeMets designs (O'Brien-Fleming-, Pocock- and power-type spending, 2 to 5
looks, equal and unequal spacing, one-sided 0.025 and two-sided 0.05), the cumulative alpha
of each set of boundaries is evaluated by ``tests/gs_reference.py`` (a separately written
recursive integration on a grid ten times finer than the package's, converged to about
1e-12), and compared with the spending function's target at every look. With Rscript and
rpact installed (Debian: ``apt-get install r-cran-rpact``) rpact's boundaries are measured
the same way and the two sets of boundaries compared.

    .venv/bin/python benchmarks/gs_accuracy.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import gs_reference  # noqa: E402

from trialrecon.stats import group_sequential as gs  # noqa: E402

RPACT = {"obrien_fleming": "asOF", "pocock": "asP", "power": "asKD"}
SPACINGS = ([0.5, 1.0], [1 / 3, 2 / 3, 1.0], [0.25, 0.5, 0.75, 1.0], [0.2, 0.4, 0.6, 0.8, 1.0],
            [0.3, 0.6, 1.0], [0.4, 0.7, 0.9, 1.0], [165 / 385, 267 / 385, 1.0])
SIDES = (("one_sided", 0.025), ("two_sided", 0.05))


def designs() -> list[tuple[str, list[float], str, float]]:
    return [(kind, t, sided, alpha) for kind in RPACT for t in SPACINGS
            for sided, alpha in SIDES]


def rpact_boundaries(grid: list[tuple[str, list[float], str, float]]) -> list[list[float]] | None:
    """rpact's critical values for each design, read back exactly (hexadecimal floats)."""
    exe = shutil.which("Rscript")
    if exe is None:
        return None
    lines = ["suppressPackageStartupMessages(library(rpact))"]
    for kind, t, sided, alpha in grid:
        rates = ", ".join(repr(x) for x in t)
        gamma = ", gammaA = 3" if kind == "power" else ""
        lines.append(
            f"d <- getDesignGroupSequential(kMax = {len(t)}, alpha = {alpha}, "
            f"sided = {1 if sided == 'one_sided' else 2}, typeOfDesign = '{RPACT[kind]}', "
            f"informationRates = c({rates}){gamma})")
        lines.append('cat(sprintf("%a", d$criticalValues), "\\n")')
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "rpact.R"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = subprocess.run([exe, str(script)], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return None
    return [[float.fromhex(v) for v in line.split()] for line in run.stdout.splitlines()]


def spending_error(t: list[float], z: list[float], kind: str, sided: str, alpha: float
                   ) -> float:
    """Largest |cumulative alpha - spending target| over the looks."""
    two = sided == "two_sided"
    tail = alpha / 2 if two else alpha
    target = gs.spending(np.array(t), tail, kind, 3.0) * (2 if two else 1)
    target[-1] = alpha
    spent = np.cumsum(gs_reference.exit_probabilities(t, z, two))
    return float(np.abs(spent - target).max())


def main() -> int:
    grid = designs()
    theirs = rpact_boundaries(grid)
    print(f"{len(grid)} designs; rpact {'found' if theirs else 'not available'}")
    ours_err, rpact_err, gaps = [], [], []
    for i, (kind, t, sided, alpha) in enumerate(grid):
        d = gs.spending_boundaries(t, alpha, kind, sided, rho=3.0)
        ours_err.append(spending_error(t, list(d.z), kind, sided, alpha))
        if theirs:
            rpact_err.append(spending_error(t, theirs[i], kind, sided, alpha))
            gaps.append(float(np.abs(np.array(d.z) - np.array(theirs[i])).max()))
    print(f"trialrecon: largest |cumulative alpha - target| {max(ours_err):.2g} "
          f"(median {np.median(ours_err):.2g})")
    if theirs:
        print(f"rpact:      largest |cumulative alpha - target| {max(rpact_err):.2g} "
              f"(median {np.median(rpact_err):.2g})")
        print(f"largest |z trialrecon - z rpact| {max(gaps):.2g} (median {np.median(gaps):.2g}); "
              f"trialrecon closer to the target in "
              f"{sum(a < b for a, b in zip(ours_err, rpact_err, strict=True))} of {len(grid)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
