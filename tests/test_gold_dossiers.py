"""Every gold dossier validates, its anchors audited against its paper.

A gold dossier is a hand transcription of one of the 30 PubMed Central papers of
../shared/papers (each folder's NOTES.md says how it was made). Its rows are right by
construction, so any problem `trialrecon validate` reports is a defect of the readers or of
the audit (or a transcription slip to send back to its author). A new folder is picked up
by its presence; the audit needs the paper its ``seed:`` names, so a dossier is skipped,
with the reason, where ../shared/papers is not beside the repository.

A paper's own typographic slip that no audit rule should learn ("38, 3°C" for 38.3 °C) is
listed in the dossier's ``audit_exceptions.yaml`` (row id, audit rule, reason). Only this
test reads that file, and each entry must still match a problem the audit reports, so an
exception cannot outlive its slip or hide another problem of the row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from trialrecon.dossier import validate_dossier
from trialrecon.dossier.audit import audit_dossier, audited_sources, default_sources_dir
from trialrecon.dossier.model import Problem
from trialrecon.dossier.safe_yaml import load_file

GOLD = Path(__file__).parent / "fixtures" / "gold"
FOLDERS = sorted(p for p in GOLD.glob("*") if (p / "trial.yaml").is_file())
EXCEPTIONS = "audit_exceptions.yaml"
# the audit rules a typographic slip can break (the anchor itself is quoted verbatim)
EXCEPTED_RULES = frozenset({"value-not-in-anchor", "value-not-in-cell"})


def _row_ids(folder: Path) -> dict[tuple[str, int], str]:
    """{(values file, line of the row): row id} over the dossier's values files."""
    ids: dict[tuple[str, int], str] = {}
    for path in sorted(folder.glob("values*.csv")):
        reader = csv.DictReader(path.read_text(encoding="utf-8").splitlines(keepends=True))
        for row in reader:
            ids[(str(path), reader.line_num)] = row.get("id") or ""
    return ids


def _exceptions(folder: Path) -> dict[tuple[str, str], str]:
    """{(row id, rule): reason} of the dossier's audit_exceptions.yaml (empty without one)."""
    path = folder / EXCEPTIONS
    if not path.is_file():
        return {}
    entries = load_file(path)
    assert isinstance(entries, list), f"{path}: a list of entries"
    out: dict[tuple[str, str], str] = {}
    for entry in entries:
        assert isinstance(entry, dict) and set(entry) == {"id", "rule", "reason"}, \
            f"{path}: each entry has id, rule and reason: {entry}"
        assert entry["rule"] in EXCEPTED_RULES, f"{path}: {entry['rule']} cannot be excepted"
        assert str(entry["reason"]).strip(), f"{path}: {entry['id']} gives no reason"
        out[(str(entry["id"]), str(entry["rule"]))] = str(entry["reason"])
    return out


def _excepted(problems: list[Problem], folder: Path) -> tuple[list[Problem], set[tuple[str,
                                                                                      str]]]:
    """The problems no exception covers, and the exceptions no problem matched."""
    listed = _exceptions(folder)
    ids = _row_ids(folder)
    left, used = [], set()
    for p in problems:
        key = (ids.get((p.file, p.line or -1), ""), p.rule)
        if key in listed:
            used.add(key)
        else:
            left.append(p)
    return left, set(listed) - used


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_gold_dossier_validates_against_its_paper(folder: Path) -> None:
    seeds = default_sources_dir(folder)
    if seeds is None or not (seeds.parent / "papers").is_dir():
        pytest.skip("../shared/papers (the PMC papers the gold dossiers transcribe) is absent")
    assert audited_sources(folder, seeds), f"{folder.name}: no source names its paper (seed:)"
    problems, stale = _excepted(validate_dossier(folder) + audit_dossier(folder, seeds), folder)
    assert [f"{p.line} {p.column} {p.rule}: {p.message}" for p in problems] == []
    assert not stale, f"{folder.name}: {EXCEPTIONS} lists rows the audit no longer flags: {stale}"


def test_an_exception_covers_only_its_row_and_rule(tmp_path: Path) -> None:
    """An excepted (row, rule) drops that problem only; one matching nothing is reported."""
    (tmp_path / "values.csv").write_text("id,value\nslip,38.3\nother,1\n", encoding="utf-8")
    (tmp_path / EXCEPTIONS).write_text(
        "- id: slip\n  rule: value-not-in-anchor\n  reason: printed '38, 3'\n"
        "- id: other\n  rule: value-not-in-cell\n  reason: stale\n", encoding="utf-8")
    values = str(tmp_path / "values.csv")
    problems = [Problem(values, 2, "value", "value-not-in-anchor", "38.3 not in the anchor"),
                Problem(values, 2, "value", "value-not-in-cell", "not in the cell"),
                Problem(values, 3, "value", "value-not-in-anchor", "1 not in the anchor")]
    left, stale = _excepted(problems, tmp_path)
    assert [(p.line, p.rule) for p in left] == [(2, "value-not-in-cell"),
                                                (3, "value-not-in-anchor")]
    assert stale == {("other", "value-not-in-cell")}
    (tmp_path / EXCEPTIONS).write_text("- id: slip\n  rule: anchor-not-found\n  reason: x\n",
                                       encoding="utf-8")
    with pytest.raises(AssertionError, match="cannot be excepted"):
        _exceptions(tmp_path)


def test_there_are_gold_dossiers() -> None:
    assert FOLDERS, "tests/fixtures/gold holds no dossier"
