"""The workflow's config is validated against its schema with a clear message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

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


@pytest.mark.parametrize("section,values", [
    ("km", {"dropout_rate": 1e6}),
    ("km", {"validation": {"pixel_sd": [1e6]}}),
    ("km", {"validation": {"width_px": 10}}),
    ("km", {"draws": 10**9}),
    ("notebooks", {"names": ["../../etc/passwd"]}),
    ("selection", {"data_cut": ""}),
    ("crosstrial", {"source_priority": ["tabloid"]}),
])
def test_settings_that_would_crash_a_stage_are_refused_by_the_schema(section, values):
    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
    config = {"trials": ["talent"], section: values}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config, schema)


def test_a_yaml_alias_bomb_in_the_config_stops_at_once(tmp_path):
    work = tmp_path / "repo"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(
        ".venv", "results", ".snakemake", ".git", "logs", "*.egg-info"))
    (work / "config" / "config.yaml").write_text(
        'a: &a ["x", "x"]\nb: &b [*a, *a]\ntrials: [talent]\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "snakemake", "-n"], cwd=work,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "anchors (&a) are not allowed" in run.stdout + run.stderr
