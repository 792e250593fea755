"""The workflow's config is validated against its schema with a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(*config: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "-n", "--config", *config],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_shipped_config_is_valid():
    run = subprocess.run([sys.executable, "-m", "snakemake", "-n"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]


def test_an_unknown_key_is_named():
    run = _dry_run("trails=[talent]")
    assert run.returncode != 0
    message = "Additional properties are not allowed ('trails' was unexpected)"
    assert message in run.stdout + run.stderr


def test_a_bad_value_is_named():
    run = _dry_run("design={'alpha_sided_default': 'both'}")
    assert run.returncode != 0
    assert "'both' is not one of ['one_sided', 'two_sided']" in run.stdout + run.stderr
