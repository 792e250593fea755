"""The reconciliation checks on the planted-error corpus, plus unit tests of their arithmetic.

The corpus (tests/fixtures/planted, see build_values.py there) plants at least three
inconsistencies per check, and as many clean values; expected.yaml lists both by value id.
Precision and recall are measured per check and printed (pytest -s); both must be 1.0.
"""

from __future__ import annotations

import csv
import math
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from trialrecon.checks import CHECKS, Check, _p_from_ci, run_checks
from trialrecon.dossier import load_dossier
from trialrecon.findings import load_triage, stable_id
from trialrecon.rounding import (
    printed_interval,
    reproduces,
    round_half_even,
    round_half_up,
    round_twice,
    truncate,
)

PLANTED = Path(__file__).parent / "fixtures" / "planted"


@pytest.fixture(scope="module")
def planted():
    return run_checks(load_dossier(PLANTED))


def _matches(finding, ids) -> bool:
    return set(ids) <= {v.id for v in finding.values}


def test_planted_corpus_precision_and_recall(planted):
    expected = yaml.safe_load((PLANTED / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) == {c.id for c in CHECKS}, "every check has planted errors"
    total_tp = total_flag = total_planted = total_found = 0
    lines = []
    for check, spec in expected.items():
        assert len(spec["planted"]) >= 3 and len(spec["clean"]) >= 3, check
        findings = [f for f in planted.findings if f.check == check]
        flagged = [f for f in findings if f.severity != "consistent"]
        tp = [f for f in flagged if any(_matches(f, p["values"]) and f.severity == p["severity"]
                                        for p in spec["planted"])]
        found = [p for p in spec["planted"]
                 if any(_matches(f, p["values"]) and f.severity == p["severity"]
                        for f in flagged)]
        precision = len(tp) / len(flagged) if flagged else 1.0
        recall = len(found) / len(spec["planted"])
        lines.append(f"{check:18s} precision {precision:.2f} recall {recall:.2f} "
                     f"({len(found)}/{len(spec['planted'])} planted, {len(flagged)} flagged)")
        total_tp, total_flag = total_tp + len(tp), total_flag + len(flagged)
        total_planted, total_found = total_planted + len(spec["planted"]), total_found + len(found)
        for group in spec["clean"]:
            assert any(_matches(f, group) and f.severity == "consistent" for f in findings), \
                f"{check}: clean group {group} not found consistent"
            assert not any(_matches(f, group) for f in flagged), f"{check}: {group} flagged"
    precision, recall = total_tp / total_flag, total_found / total_planted
    print("\n" + "\n".join(lines) + f"\noverall precision {precision:.2f} recall {recall:.2f}")
    assert precision == 1.0 and recall == 1.0, "\n".join(lines)


def test_every_check_ran_and_looked_at_values(planted):
    assert planted.not_run == {}
    assert not [f for f in planted.findings if f.severity == "error"]
    for check in CHECKS:
        assert planted.coverage[check.id] > 0, check.id


def test_gross_inconsistency_is_named(planted):
    """statcheck's gross inconsistency: significance at 0.05 flips (P 0.20 vs CI-implied 0.0005)."""
    f = next(f for f in planted.findings if _matches(f, ["q5a_hr", "q5a_p"]))
    assert f.recomputation["gross"] is True and f.title.startswith("gross")


def test_finding_has_required_fields(planted):
    f = next(f for f in planted.findings if _matches(f, ["q1a_res", "q1a_dis"]))
    d = f.to_dict()
    for key in ("id", "check", "check_version", "trial", "severity", "title", "sentence",
                "values", "recomputation", "nearest", "explanations_ruled_out", "triage"):
        assert key in d
    v = d["values"][0]
    for key in ("id", "source", "location", "row", "column", "anchor", "cohort", "arm",
                "quantity", "category", "statistic", "value", "unit", "file", "line"):
        assert key in v
    assert {v["location"] for v in d["values"]} == {"Results", "Discussion"}


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
    fid = next(f.id for f in planted.findings if _matches(f, ["q1a_res", "q1a_dis"]))
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


def test_printed_intervals():
    # 15.6 and 15.7: (15.55, 15.65) and (15.65, 15.75) touch only at an open end.
    assert not printed_interval("15.6").overlaps(printed_interval("15.7"))
    assert printed_interval("44").overlaps(printed_interval("44.2"))  # (43.5, 44.5) has 44.2
    assert not printed_interval("31").overlaps(printed_interval("32"))
    assert printed_interval("0.001", "<").overlaps(printed_interval("0.0004"))
    assert not printed_interval("0.001", "<").overlaps(printed_interval("0.02"))
    assert printed_interval("90", ">").overlaps(printed_interval("93.7"))
    assert not printed_interval("90", ">").overlaps(printed_interval("89.9"))


def test_rounding_schemes_by_hand():
    # 8/55 = 14.5454...%: half up 14.5; rounded first to 14.55 then to 14.6 (double rounding).
    x = Fraction(800, 55)
    assert round_half_up(x, 1) == Fraction("14.5") and round_twice(x, 1) == Fraction("14.6")
    # 38/55 = 69.09%: truncation to 0 decimals gives 69, half up gives 69.
    assert truncate(Fraction(3800, 55), 1) == Fraction("69.0")
    # ties: 12.5 -> 13 half up, 12 half even; 0.125 to 2 decimals -> 0.13 / 0.12
    assert round_half_up(Fraction(25, 2), 0) == 13 and round_half_even(Fraction(25, 2), 0) == 12
    assert round_half_even(Fraction(1, 8), 2) == Fraction("0.12")
    assert reproduces(52, 55, "94.6", "round_twice") and not reproduces(52, 55, "94.6", "half_up")


def test_p_from_ci_altman_bland_example():
    """Altman & Bland (2011) BMJ 343:d2304, worked example: RR 0.81 (95% CI 0.70 to 0.94).

    By hand: log 0.81 = -0.2107; SE = (log 0.94 - log 0.70) / (2 x 1.96) = 0.2948/3.92
    = 0.0752; z = 0.2107/0.0752 = 2.80; P = 2 x (1 - Phi(2.80)) = 0.005.
    """
    p = _p_from_ci(0.81, 0.70, 0.94, 0.95)
    assert math.isclose(p, 0.005, abs_tol=0.0006)
