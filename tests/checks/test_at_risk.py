"""The ``numbers-at-risk`` check (:mod:`trialrecon.checks.families.at_risk`): the numbers at
risk of curves/*.nar.csv become findings with the file's lines behind them."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import PLANTED, matches

from trialrecon.checks import run_checks
from trialrecon.dossier import load_dossier


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("numbers-at-risk")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_a_rise_quotes_the_two_lines_of_the_file(planted):
    f = next(f for f in planted.findings if matches(f, ["nar_os_c1_drug_3", "nar_os_c1_drug_4"]))
    assert f.severity == "inconsistent"
    lines = sorted(v.line for v in f.values)
    assert lines == [3, 4] and all(v.file.endswith("os_c1.nar.csv") for v in f.values)
    assert "40" in f.sentence and "45" in f.sentence


def test_the_rise_reaches_a_cause(planted):
    """Like any finding, the rise is a member of a cause (the report and the letter)."""
    assert any(matches(m, ["nar_dor_c1_drug_2", "nar_dor_c1_drug_3"])
               for c in planted.causes for m in c.members)


def test_unreadable_file_is_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    (folder / "curves" / "os_c2.nar.csv").write_text("when,at\n1,2\n", encoding="utf-8")
    rec = run_checks(load_dossier(folder))
    assert any("no time and n_risk" in reason for reason in rec.skipped["numbers-at-risk"])


def test_no_curves_folder_is_not_applicable():
    rec = run_checks(load_dossier(Path(__file__).resolve().parents[2] / "data" / "raw" / "talent"))
    assert "numbers-at-risk" in rec.not_run
