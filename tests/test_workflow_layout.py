"""The layout the Snakemake workflow catalog expects, and the workflow files' formatting.

The catalog lists a repository under "standardized usage" when its workflow is
``workflow/Snakefile``, ``config/README.md`` explains the configuration and
``.snakemake-workflow-catalog.yml`` says how to run it; it also runs ``snakemake --lint`` and
``snakefmt --check`` on the Snakefile and ``workflow/rules/*.smk``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def _property_names(node: object) -> Iterator[str]:
    """Every key the schema defines, at any depth (in ``properties``, also inside ``items``)."""
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield name
            yield from _property_names(sub)
        for key in ("items", "additionalProperties"):
            yield from _property_names(node.get(key))


def _sections(node: dict, name: str = "") -> Iterator[tuple[str, dict]]:
    """(dotted name, schema) of every object whose keys each get a row in the README.

    A record whose keys are all required (``randomized_alpha``: ``alpha`` and ``sided``) is
    one value, described in its own row, not a section.
    """
    keys = node.get("properties") or {}
    if keys and (not name or set(node.get("required", [])) != set(keys)):
        yield name, node
        for key, sub in keys.items():
            if isinstance(sub, dict):
                yield from _sections(sub, f"{name}.{key}".lstrip("."))


def test_the_workflow_is_where_the_catalog_looks():
    assert (ROOT / "workflow" / "Snakefile").is_file()
    assert list((ROOT / "workflow" / "rules").glob("*.smk"))
    assert not (ROOT / "Snakefile").exists(), "Snakemake would run it instead of workflow/"


def test_the_config_readme_describes_every_key():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    readme = (ROOT / "config" / "README.md").read_text(encoding="utf-8")
    missing = sorted({n for n in _property_names(schema) if f"`{n}`" not in readme})
    assert missing == []
    no_row = [f"{section}.{key}".lstrip(".")
              for section, sub in _sections(schema) for key in sub["properties"]
              if f"| `{key}` |" not in readme]
    assert no_row == []


def test_the_readme_rule_would_catch_a_missing_key():
    schema = {"properties": {
        "a": {"type": "object", "properties": {
            "b": {"type": "array", "items": {"properties": {"c": {}}}},
            "d": {"type": "object", "properties": {"e": {}}, "required": ["e"]}}}}}
    assert list(_property_names(schema)) == ["a", "b", "c", "d", "e"]
    assert [name for name, _ in _sections(schema)] == ["", "a"]


def test_the_catalog_settings_parse():
    settings = yaml.safe_load((ROOT / ".snakemake-workflow-catalog.yml").read_text())
    usage = settings["usage"]
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    assert set(usage["software-stack-deployment"]) >= {"conda", "apptainer", "apptainer+conda"}
    assert all(isinstance(v, bool) for v in usage["software-stack-deployment"].values())


def test_snakefmt_finds_nothing_to_change():
    snakefmt = shutil.which("snakefmt", path=str(Path(sys.executable).parent))
    if snakefmt is None:
        pytest.skip("snakefmt is not installed (pip install -e '.[dev]')")
    files = [ROOT / "workflow" / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
    run = subprocess.run([snakefmt, "--check", *map(str, files)], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_snakemake_lint_is_clean():
    run = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
