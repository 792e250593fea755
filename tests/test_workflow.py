"""The whole workflow, run in a temporary copy of the repository.

It runs twice, and every output must be byte-identical between the runs. A small
fictional dossier (tests/fixtures/mini) is added to the copy with one config
line, to show that a folder and a config entry are all a new trial needs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow


def _tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line]


def _copy_repository(target: Path) -> None:
    for rel in _tracked_files():
        src = ROOT / rel
        if src.is_file():
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _snakemake(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                          cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("repo")
    _copy_repository(work)
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", work / "data" / "raw" / "mini")
    config_path = work / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["trials"].append("mini")
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return work


def _interrupted_run(work: Path) -> bool:
    """Start a run, SIGKILL it once some jobs are done and others running, then recover with
    --unlock and --rerun-incomplete, as the README says. True when the kill hit a running
    workflow (it had not finished within the wait)."""
    run = subprocess.Popen([sys.executable, "-m", "snakemake", "--cores", "2"], cwd=work,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        if (work / "results" / "talent" / "km").exists():  # some jobs done, some running
            break
        time.sleep(0.5)
    killed = run.poll() is None
    if killed:
        os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    unlock = _snakemake(work, "--unlock")
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    again = _snakemake(work, "--rerun-incomplete")
    assert again.returncode == 0, again.stderr[-4000:]
    return killed


@pytest.fixture(scope="module")
def two_runs(workdir: Path, tmp_path_factory) -> tuple[dict[str, str], dict[str, str], bool]:
    """A clean run, and a second run in a fresh copy that is killed midway and recovered.

    The second run serves both claims at the cost of one: outputs are byte-identical from one
    run to the next, and an interrupted run recovers to the same outputs.
    """
    first = _snakemake(workdir)
    assert first.returncode == 0, first.stderr[-4000:]
    work = tmp_path_factory.mktemp("interrupted") / "repo"
    shutil.copytree(workdir, work, ignore=shutil.ignore_patterns("results", ".snakemake",
                                                                 "logs"))
    killed = _interrupted_run(work)
    return _digest(workdir / "results"), _digest(work / "results"), killed


def test_outputs_are_byte_identical_across_runs(two_runs):
    first, second, _ = two_runs
    assert first and first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_every_trial_gets_its_outputs(two_runs, workdir: Path):
    first, _, _ = two_runs
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    for trial in config["trials"]:
        assert f"{trial}/dossier.csv" in first, trial
        assert f"{trial}/validation.md" in first, trial


def test_a_new_dossier_and_its_config_entry_are_enough(two_runs):
    """The fictional trial 'mini' went through every per-trial stage like the real ones."""
    first, _, _ = two_runs
    talent = {name.split("/", 1)[1] for name in first if name.startswith("talent/")}
    mini = {name.split("/", 1)[1] for name in first if name.startswith("mini/")}
    per_trial_stages = {name.split("/")[0] for name in talent if "/" in name} | {
        name for name in talent if "/" not in name
    }
    for stage in per_trial_stages:
        assert any(m == stage or m.startswith(stage + "/") for m in mini), stage


def test_invalid_dossier_stops_the_run_and_leaves_nothing(workdir: Path, two_runs, tmp_path):
    broken = tmp_path / "repo"
    shutil.copytree(workdir, broken, ignore=shutil.ignore_patterns("results", ".snakemake"))
    values = broken / "data" / "raw" / "mini" / "values.csv"
    values.write_text(values.read_text().replace(",count,20,", ",count,-20,"), encoding="utf-8")
    run = _snakemake(broken, "results/mini/dossier.csv")
    assert run.returncode != 0
    assert "column 'value': count -20 is negative [negative-count]" in run.stderr
    assert not (broken / "results" / "mini" / "dossier.csv").exists()
    assert not (broken / "results" / "mini" / "validation.md").exists()


def test_report_has_a_section_per_trial_and_its_links_resolve(two_runs, workdir: Path):
    page = workdir / "results" / "report" / "index.html"
    html = page.read_text(encoding="utf-8")
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    for trial in config["trials"]:
        assert f'id="trial-{trial}"' in html, trial
    hrefs = re.findall(r'href="([^"#][^"]*)"', html)
    assert hrefs, "the report links to nothing"
    missing = [h for h in hrefs if not (page.parent / h.split("#")[0]).resolve().is_file()]
    assert missing == []
    for h in (h for h in hrefs if "#" in h):  # a link into a page finds its anchor there
        target, anchor = h.split("#", 1)
        assert f'id="{anchor}"' in (page.parent / target).read_text(encoding="utf-8"), h
    assert "src=\"http" not in html and "href=\"http" not in html  # works offline


def test_an_interrupted_run_recovers_to_the_same_outputs(two_runs):
    """SIGKILL in the middle of a run; then --unlock and --rerun-incomplete, as the README says.

    The recovered outputs are byte-identical to an uninterrupted run's.
    """
    first, recovered, killed = two_runs
    assert killed, "the run finished before it could be interrupted"
    assert recovered == first


def test_every_output_has_one_file_mode(two_runs, workdir: Path):
    modes = {oct(p.stat().st_mode & 0o777) for p in (workdir / "results").rglob("*")
             if p.is_file()}
    assert modes == {"0o644"}
