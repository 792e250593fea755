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
    for extra in project["optional-dependencies"].values():
        pip_names |= {_name(r) for r in extra}
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


def test_a_jupyter_front_end_is_in_both_files():
    """docs/notebooks.md tells teachers to run ``jupyter lab``: both routes install it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert "jupyterlab" in {_name(r) for r in extras["dev"]}
    assert "jupyterlab" in {_name(r) for r in extras["notebooks"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "jupyterlab" in {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    assert "jupyter lab" in (ROOT / "docs" / "notebooks.md").read_text()


def test_the_documented_jupyter_command_starts():
    """The command of docs/notebooks.md, in this environment: ``jupyter lab --version``
    answers and JupyterLab finds a Python kernel (the one papermill runs the notebooks with)."""
    import shutil
    import subprocess
    import sys

    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        jupyter = Path(shutil.which("jupyter") or "")
    assert jupyter.is_file(), "jupyter is not installed: pip install -e '.[dev]' (or .[notebooks])"
    version = subprocess.run([str(jupyter), "lab", "--version"], capture_output=True, text=True,
                             timeout=120)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().split(".")[0] == "4"
    kernels = subprocess.run([str(jupyter), "kernelspec", "list"], capture_output=True,
                             text=True, timeout=120)
    assert kernels.returncode == 0 and "python3" in kernels.stdout
