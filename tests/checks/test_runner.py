"""Running the checks: stable finding ids, a failing check, triage."""

from __future__ import annotations

import csv
import shutil

import pytest
import yaml
from conftest import PLANTED, matches

from trialrecon.checks import CHECKS, Check, run_checks
from trialrecon.checks.findings import load_triage, stable_id
from trialrecon.dossier import load_dossier


def test_ids_stable_when_unrelated_rows_change(planted, tmp_path):
    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    for row in rows:
        if row["id"] == "q1e_dis":  # unrelated to the planted findings: change its value
            row["value"] = "44.1"
    extra = dict(rows[0], id="zz_new_row", subgroup="zz", value="7")
    rows.insert(3, extra)  # shifts every line number below it
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    changed = run_checks(load_dossier(folder))
    before = {f.id for f in planted.findings if "q1e_dis" not in {v.id for v in f.values}}
    after = {f.id for f in changed.findings}
    assert before <= after


def test_stable_id_format_and_inputs():
    a = stable_id("same-quantity", "talent", ["b", "a"], "x")
    assert a == stable_id("same-quantity", "talent", ["a", "b"], "x")
    assert a.startswith("same-quantity-") and len(a.split("-")[-1]) == 10
    assert a != stable_id("same-quantity", "talent", ["a", "b"], "y")
    assert a != stable_id("same-quantity", "other", ["a", "b"], "x")


def test_failing_check_becomes_error_finding():
    def broken(ctx):
        raise ZeroDivisionError("boom")

    checks = (Check("broken", "1", "always fails", "none", broken), *CHECKS[:1])
    rec = run_checks(load_dossier(PLANTED), checks=checks)
    errors = [f for f in rec.findings if f.severity == "error"]
    assert len(errors) == 1 and errors[0].check == "broken" and "boom" in errors[0].sentence
    assert rec.findings[0].severity == "error"  # most severe first
    assert any(f.check == "same-quantity" for f in rec.findings)  # the others still ran


def test_triage_attached_and_stale_listed(tmp_path, planted):
    fid = next(f.id for f in planted.findings if matches(f, ["q1a_res", "q1a_dis"]))
    path = tmp_path / "triage.yaml"
    path.write_text(yaml.safe_dump({"findings": {
        fid: {"verdict": "confirmed", "note": "checked in the PDF"},
        "same-quantity-0000000000": {"verdict": "false_alarm"}}}), encoding="utf-8")
    rec = run_checks(load_dossier(PLANTED), load_triage(path))
    f = next(f for f in rec.findings if f.id == fid)
    assert f.triage == {"verdict": "confirmed", "note": "checked in the PDF"}
    assert rec.stale_triage == ["same-quantity-0000000000"]


def test_triage_bad_verdict_is_a_clear_error(tmp_path):
    path = tmp_path / "triage.yaml"
    path.write_text("findings:\n  x-1: {verdict: maybe}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="verdict 'maybe'"):
        load_triage(path)
    assert load_triage(tmp_path / "absent.yaml") == {}


# ------------------------------------------------------------------ arithmetic, by hand
