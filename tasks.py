#!/usr/bin/env python3
"""Set up a local environment and run the pipeline or the tests.

    python3 tasks.py run    # create .venv if absent, install, run snakemake --cores 4
    python3 tasks.py test   # create .venv if absent, install, run the test suite

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


def ensure_environment() -> None:
    """Create .venv and install the package with its test tools, unless already done."""
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _requirements_hash():
        return
    pip = [str(BIN / "python"), "-m", "pip"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_requirements_hash())


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    ensure_environment()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if argv[0] == "run":
        cmd = [str(BIN / "snakemake"), "--cores", "4", *argv[1:]]
    elif argv[0] == "test":
        cmd = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    else:
        return 0
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
