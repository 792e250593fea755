"""What the command line prints: a closed pipe is no error, levels as percent or proportion,
ids in words, distances with their unit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trialrecon.cli import main


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_a_pipe_closed_by_head_is_not_an_error():
    """``trialrecon design ... | head -1``: no "Broken pipe", no traceback, status 0."""
    cmd = (f"{sys.executable} -m trialrecon.cli design --hr 0.6 --interim 0.2 0.4 0.6 0.8 "
           "--json | head -1")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip() == "{"
    assert "Broken pipe" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0


@pytest.mark.parametrize("level", ["90", "0.90", "90.0"])
def test_level_as_percent_or_proportion(level, capsys):
    status, out, _ = _run(["ci", "21", "55", "--level", level], capsys)
    assert status == 0 and "90% confidence intervals" in out.splitlines()[0]


@pytest.mark.parametrize("level", ["100", "0", "1", "-5", "ninety"])
def test_impossible_levels_are_refused_in_one_line(level, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ci", "21", "55", "--level", level])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and "--level" in err


def test_ci_names_methods_in_words_and_distances_with_their_unit(capsys):
    """TALENT, GI-NET... any x/n will do: 21/55 against a printed 26.5 to 52.7 matches no
    method; the closest is named by its label, the distance in percentage points."""
    _, out, _ = _run(["ci", "21", "55", "--reported", "26.5", "52.7"], capsys)
    assert "wilson_cc" not in out and "clopper_pearson" not in out
    assert "percentage points" in out
    closest = [line for line in out.splitlines() if line.startswith("Closest:")][0]
    assert "Wilson score with continuity correction" in closest
    _, out, _ = _run(["ci", "21", "55", "--reported", "0.265", "0.527", "--scale", "1"], capsys)
    assert "on the proportion scale" in out


def test_design_names_the_spending_function_in_words(capsys):
    _, out, _ = _run(["design", "--hr", "0.6", "--interim", "0.5", "0.75"], capsys)
    assert "obrien_fleming" not in out and "O'Brien-Fleming-type" in out
    _, out, _ = _run(["design", "--hr", "0.6", "--interim", "0.5", "--spending", "pocock"],
                     capsys)
    assert "Pocock-type" in out
