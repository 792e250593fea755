#!/usr/bin/env python3
"""Set up a local environment and run the pipeline or the tests.

    python3 tasks.py run    # create .venv if absent, install, run snakemake --cores 4
    python3 tasks.py test   # create .venv if absent, install, run the test suite
    python3 tasks.py setup  # create .venv if absent and install, nothing else

Only the standard library is used here, so this works on a machine that has
nothing but Python 3.11+ and pip.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".trialrecon-installed"


def _requirements_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _step(text: str) -> None:
    print(f"tasks.py: {text}", flush=True)


def ensure_environment() -> None:
    """Create .venv and install the package with its test tools, unless already done.

    Says what it installs before it does, and lets pip show its progress (one line per
    package), so the first run is never a minute of silence.
    """
    if not (BIN / "python").exists():
        _step(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _requirements_hash():
        return
    pip = [str(BIN / "python"), "-m", "pip", "install", "--progress-bar", "off"]
    _step("1/2 upgrading pip in .venv")
    subprocess.run([*pip, "--quiet", "--upgrade", "pip"], check=True)
    _step("2/2 installing trialrecon (editable) with its 'dev' extra into .venv: the pipeline "
          "(snakemake, lifelines, pandas, scipy, matplotlib, papermill, nbconvert ...), the "
          "tests and docs tools (pytest, ruff, snakefmt, selenium, hypothesis, mkdocs) and "
          "JupyterLab for the notebooks; a few minutes the first time")
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_requirements_hash())
    _step(f"installed; activate with: source {BIN / 'activate'}")


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    ensure_environment()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if argv[0] == "run":
        cmd = [str(BIN / "snakemake"), "--cores", "4", *argv[1:]]
        _step("running the pipeline: snakemake --cores 4 (results in results/, the entry page "
              "results/report/index.html)")
    elif argv[0] == "test":
        # One worker per CPU (pytest-xdist); a test file stays on one worker, so its
        # module-scoped fixtures (a planted reconciliation, a workflow run) are built once.
        parallel = [] if any(a.startswith("-n") for a in argv[1:]) else ["-n", "auto",
                                                                         "--dist", "loadfile"]
        cmd = [str(BIN / "python"), "-m", "pytest", *parallel, *argv[1:]]
        _step("running the tests: python -m pytest " + " ".join([*parallel, *argv[1:]]))
    else:
        return 0
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
