"""environment.yml (conda route) and pyproject.toml (pip route) name the same packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ]", requirement.strip(), maxsplit=1)[0].lower()


def test_conda_and_pip_list_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    pip_names |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    conda_names -= {"python", "pip"}
    assert conda_names == pip_names


def test_version_bounds_agree():
    """Where both files pin a package, they pin it the same way (lifelines needs pandas < 3)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {_name(r): re.sub(r"^[^<>=!~]*", "", r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    for dep in (d for d in env["dependencies"] if isinstance(d, str)):
        name = _name(dep)
        if name in pins:
            assert re.sub(r"^[^<>=!~]*", "", dep) == pins[name], name
    assert pins["pandas"].endswith("<3")
