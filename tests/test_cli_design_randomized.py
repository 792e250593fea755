"""``trialrecon design --hr``: event-driven designs from the command line, against rpact."""

from __future__ import annotations

import json

import pytest

from trialrecon.cli import main


def _json(capsys, argv: list[str]) -> dict:
    assert main(["design", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_events_patients_and_boundaries_against_rpact(capsys):
    """HR 0.6, one-sided 0.025, power 0.9, 2:1, accrual 24, follow-up 12, control median 4,
    interim analyses at 50% and 75% (O'Brien-Fleming-type spending)::

        library(rpact)
        s <- getSampleSizeSurvival(hazardRatio = 0.6, alpha = 0.025, sided = 1, beta = 0.1,
            allocationRatioPlanned = 2, accrualTime = c(0, 24), followUpTime = 12,
            median2 = 4)
        s$maxNumberOfEvents; s$maxNumberOfSubjects     # 181.202166 197.014143
        d <- getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1,
            typeOfDesign = "asOF", informationRates = c(0.5, 0.75, 1), beta = 0.1)
        s <- getSampleSizeSurvival(design = d, hazardRatio = 0.6,
            allocationRatioPlanned = 2, accrualTime = c(0, 24), followUpTime = 12,
            median2 = 4)
        s$maxNumberOfEvents; s$maxNumberOfSubjects     # 184.5137752 200.6147284
        d$criticalValues                   # 2.962588043 2.359017707 2.014083676
        s$criticalValuesEffectScale        # 0.5198048574 0.6535115665 0.7301280986
    """
    res = _json(capsys, ["--hr", "0.6", "--alpha", "0.025", "--power", "0.9", "--ratio", "2",
                         "--accrual", "24", "--follow-up", "12", "--median-control", "4",
                         "--interim", "0.5", "0.75"])
    assert res["events"]["schoenfeld"]["events_raw"] == pytest.approx(181.202166, abs=1e-5)
    assert res["events"]["schoenfeld"]["events"] == 182
    assert res["sample_size"]["n_raw"] == pytest.approx(197.014143, abs=1e-5)
    assert res["sample_size"]["n"] == 198  # whole blocks of 3 (2:1)
    g = res["group_sequential"]
    assert g["max_events_raw"] == pytest.approx(184.5137752, abs=1e-5)
    assert g["sample_size"]["n_raw"] == pytest.approx(200.6147284, abs=1e-5)
    assert g["z"] == pytest.approx([2.962588043, 2.359017707, 2.014083676], abs=1e-6)
    assert g["hr_boundaries"] == pytest.approx([0.5198048574, 0.6535115665, 0.7301280986],
                                               abs=1e-6)


def test_given_events_inverse_questions(capsys):
    """"With 140 events, what HR could this trial detect?" Two-sided 0.05, power 0.8, 1:1:
    exp(-(1.959964 + 0.841621) / sqrt(35)) = exp(-0.473557) = 0.6228; power at HR 0.7:
    Phi(0.356675 * 5.916080 - 1.959964) = Phi(0.150127) = 0.5597."""
    res = _json(capsys, ["--events", "140", "--hr", "0.7", "--alpha", "0.05", "--sided",
                         "two_sided", "--power", "0.8"])
    s = res["given_events"]["schoenfeld"]
    assert s["detectable_hr"] == pytest.approx(0.6228, abs=1e-4)
    assert s["power_at_hr"] == pytest.approx(0.5597, abs=1e-4)
    only = _json(capsys, ["--events", "140", "--alpha", "0.05", "--sided", "two_sided",
                          "--power", "0.8"])
    assert only["given_events"]["schoenfeld"]["power_at_hr"] is None
    assert "events" not in only


def test_text_output(capsys):
    assert main(["design", "--hr", "0.6", "--ratio", "2", "--interim", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "181.20 -> 182 events" in out and "Freedman (1982)" in out
    assert "inflation of the maximum information" in out


def test_single_arm_form_still_works(capsys):
    res = _json(capsys, ["--p0", "0.10", "--p1", "0.25", "--alpha", "0.05", "--power", "0.90"])
    assert (res["exact_single_stage"]["n"], res["exact_single_stage"]["r"]) == (55, 10)


@pytest.mark.parametrize("argv", [
    ["design", "--hr", "abc"],
    ["design", "--hr", "1"],
    ["design", "--hr", "0.6", "--p0", "0.1"],
    ["design", "--hr", "0.6", "--accrual", "24"],
    ["design", "--hr", "0.6", "--interim", "0.8", "0.5"],
    ["design", "--hr", "0.6", "--interim", "1.5"],
    ["design", "--hr", "0.6", "--alpha", "0.7"],
    ["design", "--hr", "0.6", "--ratio", "-1"],
    ["design", "--hr", "0.6", "--spending", "haybittle"],
    ["design"],
])
def test_bad_arguments_are_one_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        raise SystemExit(main(argv))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
