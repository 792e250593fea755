"""Each validation rule with a small bad fixture and the exact message expected.

The fixtures are made from ``tests/fixtures/mini`` (a valid fictional dossier) by
changing one cell or one file, so each test breaks exactly one rule.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialrecon.dossier import DossierError, load_dossier, validate_dossier

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def _edit(folder: Path, row_id: str, column: str, value: str) -> None:
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0].keys())
    for row in rows:
        if row["id"] == row_id:
            row[column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _messages(folder: Path) -> list[str]:
    return [str(p).replace(str(folder) + "/", "") for p in validate_dossier(folder)]


def test_the_fixture_is_valid(mini: Path):
    assert validate_dossier(mini) == []
    dossier = load_dossier(mini)
    assert len(dossier.values) == 10
    row = dossier.values.set_index("id").loc["female_a_pct"]
    assert row["value_num"] == 50.0 and row["line"] == 5 and row["file"] == "values.csv"


# (row id, column, new text, the exact message); values.csv line numbers count the header as 1.
CASES = [
    ("orr_a", "quantity", "orr_central",
     "values.csv, row 6, column 'quantity': unknown quantity 'orr_central' "
     "(see data/raw/README.md) [unknown-quantity]"),
    ("orr_a", "cohort", "panNET",
     "values.csv, row 6, column 'cohort': unknown cohort 'panNET' "
     "(trial.yaml lists: a, b, total) [unknown-cohort]"),
    ("female_a_n", "value", "41",
     "values.csv, row 4, column 'value': count 41 is above its denominator 40 "
     "[count-above-denominator]"),
    ("female_a_n", "value", "-2",
     "values.csv, row 4, column 'value': count -2 is negative [negative-count]"),
    ("female_a_pct", "value", "150.0",
     "values.csv, row 5, column 'value': percent 150.0 is outside 0-100 [percent-range]"),
    ("orr_a_lo", "value", "45.0",
     "values.csv, row 7, column 'value': CI lower bound 45.0 exceeds its upper bound 41.2 "
     "[ci-order]"),
    ("orr_a", "location", "",
     "values.csv, row 6, column 'location': 'location' is empty [required]"),
    ("orr_a", "anchor", "",
     "values.csv, row 6, column 'anchor': 'anchor' is empty [required]"),
    ("orr_a", "anchor", "one two three four five six seven eight nine ten eleven twelve thirteen",
     "values.csv, row 6, column 'anchor': anchor has 13 words, at most 12 [anchor-length]"),
    ("orr_a_hi", "id", "orr_a",
     "values.csv, row 8, column 'id': id 'orr_a' is already used in values.csv, row 6 "
     "[duplicate-id]"),
    ("orr_a", "value", "25,0",
     "values.csv, row 6, column 'value': value '25,0' is not a plain decimal number (ASCII "
     "digits, at most 15 before and 12 after the point) [malformed-number]"),
    ("p", "value", ".001",
     "values.csv, row 11, column 'value': value '.001' is not a plain decimal number (ASCII "
     "digits, at most 15 before and 12 after the point) (write .001 as 0.001) "
     "[malformed-number]"),
    ("start", "value", "May 2016",
     "values.csv, row 10, column 'value': date 'May 2016' is not a real date written YYYY, "
     "YYYY-MM or YYYY-MM-DD [malformed-date]"),
    ("os_b", "value", "31",
     "values.csv, row 9, column 'value': value '31' given together with a marker "
     "[marker-and-value]"),
    ("orr_a", "value", "",
     "values.csv, row 6, column 'value': value is empty and no marker says why [value-missing]"),
    ("p", "value", "1.5",
     "values.csv, row 11, column 'value': P value 1.5 is outside 0-1 [p-value-range]"),
    ("orr_a", "source", "abstract",
     "values.csv, row 6, column 'source': unknown source 'abstract' (trial.yaml lists: paper) "
     "[unknown-source]"),
    ("orr_a", "unit", "%",
     "values.csv, row 6, column 'unit': unknown unit '%' (see data/raw/README.md) "
     "[unknown-unit]"),
    ("orr_a", "supersedes", "orr_b",
     "values.csv, row 6, column 'supersedes': supersedes unknown id 'orr_b' "
     "[unknown-supersedes]"),
]


@pytest.mark.parametrize(("row_id", "column", "text", "message"), CASES,
                         ids=[c[3].rsplit("[", 1)[1].rstrip("]") + f"-{c[1]}" for c in CASES])
def test_each_rule_gives_its_message(mini: Path, row_id, column, text, message):
    _edit(mini, row_id, column, text)
    assert _messages(mini) == [message]


def test_sic_lets_an_impossible_printed_value_through(mini: Path):
    """A value checked against the source and kept as printed is not refused."""
    _edit(mini, "female_a_pct", "value", "150.0")
    _edit(mini, "female_a_pct", "note", "[sic] as printed")
    assert validate_dossier(mini) == []


def test_all_problems_are_reported_at_once(mini: Path):
    _edit(mini, "orr_a", "quantity", "nonsense")
    _edit(mini, "female_a_n", "value", "-1")
    _edit(mini, "start", "value", "2016-13")
    rules = [p.rule for p in validate_dossier(mini)]
    assert rules == ["negative-count", "unknown-quantity", "malformed-date"]


def test_missing_values_file(mini: Path):
    (mini / "values.csv").unlink()
    assert _messages(mini) == ["values.csv: no values*.csv file in the dossier [file-missing]"]


def test_missing_trial_yaml(mini: Path):
    (mini / "trial.yaml").unlink()
    messages = _messages(mini)
    assert messages[0] == "trial.yaml: file is missing [file-missing]"


def test_file_not_utf8(mini: Path):
    path = mini / "values.csv"
    data = path.read_bytes().replace(b"Female 20", b"F\xe9male 20")
    path.write_bytes(data)
    offset = data.index(b"\xe9")  # the first byte that is not UTF-8, on line 4
    assert _messages(mini) == [f"values.csv, row 4: file is not UTF-8 (byte {offset}) [not-utf8]"]


def test_missing_column(mini: Path):
    path = mini / "values.csv"
    text = path.read_text(encoding="utf-8").replace(",anchor,", ",excerpt,", 1)
    path.write_text(text, encoding="utf-8")
    assert _messages(mini) == [
        "values.csv, row 1, column 'anchor': column 'anchor' is missing [header]",
        "values.csv, row 1, column 'excerpt': unknown column 'excerpt' [header]",
    ]


def test_unknown_cohort_part_in_trial_yaml(mini: Path):
    path = mini / "trial.yaml"
    path.write_text(path.read_text().replace("parts: [a, b]", "parts: [a, c]"))
    assert _messages(mini) == [
        "trial.yaml, column 'cohorts': cohort 'total' pools unknown cohort 'c' [cohort-parts]"
    ]


def test_second_values_file_is_read_and_ids_are_unique_across_files(mini: Path):
    (mini / "values_registry.csv").write_text(
        (mini / "values.csv").read_text().splitlines()[0] + "\n"
        "orr_a,paper,Registry,,,enrollment 70,total,,,enrolled,,count,70,,patients,,,,,,,\n",
        encoding="utf-8",
    )
    assert _messages(mini) == [
        "values_registry.csv, row 2, column 'id': id 'orr_a' is already used in values.csv, "
        "row 6 [duplicate-id]"
    ]


def test_load_raises_with_every_problem(mini: Path):
    _edit(mini, "orr_a", "quantity", "nonsense")
    with pytest.raises(DossierError) as info:
        load_dossier(mini)
    assert [p.rule for p in info.value.problems] == ["unknown-quantity"]


def test_cli_validate_exit_status(mini: Path):
    ok = subprocess.run([sys.executable, "-m", "trialrecon.cli", "validate", str(mini)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("valid")
    _edit(mini, "female_a_n", "value", "-2")
    bad = subprocess.run([sys.executable, "-m", "trialrecon.cli", "validate", str(mini)],
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "column 'value': count -2 is negative [negative-count]" in bad.stdout
