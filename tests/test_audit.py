"""The transcription audit (trialrecon.dossier.audit) on the real dossiers and on planted slips.

The dossiers' sources are the documents of the shared seeds folder (``seed:`` in their
``trial.yaml``); every row must be found there. The slips are typed into a temporary copy
the way a transcriber makes them: a digit changed, the value of another row or of the
next cell of the same table row, a wrong location. Each must come back as a problem naming
the file and row.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialrecon.dossier.audit import audit_dossier, audited_sources, default_sources_dir
from trialrecon.dossier.draft.layout import parse_layout, place_spans
from trialrecon.dossier.draft.normalise import normal, normalise
from trialrecon.dossier.draft.printed import find_value, number_words, printed_forms

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEEDS = default_sources_dir(RAW / "talent")
# The dossiers whose sources are in the shared seeds; every other dossier is audited too
# when its trial.yaml names a text (seed: or file:) that is there.
WITH_SEEDS = ["talent", "cabinet", "a021202", "promid", "clarinet", "netter1", "netter2",
              "radiant3", "radiant4", "sun1111"]
DOSSIERS = sorted(p.parent.name for p in RAW.glob("*/trial.yaml"))
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="the shared seeds folder is not here")


# ----------------------------------------------------------------- the real dossiers


@needs_seeds
@pytest.mark.parametrize("trial", DOSSIERS)
def test_every_anchor_of_every_dossier_is_found(trial: str) -> None:
    if trial in WITH_SEEDS:
        assert audited_sources(RAW / trial), f"{trial}: no source names its text"
    problems = audit_dossier(RAW / trial)
    assert problems == [], "\n".join(str(p) for p in problems)


@needs_seeds
def test_validate_runs_the_audit_and_names_the_sources() -> None:
    out = subprocess.run([sys.executable, "-m", "trialrecon.cli", "validate", str(RAW / "talent")],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "anchors checked against sources jco2021, registry" in out.stdout


# ------------------------------------------------------------------------ planted slips


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _changed_digit(value: str, rng: random.Random) -> str:
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    i = rng.choice(digits)
    new = rng.choice([d for d in "0123456789" if d != value[i]])
    if i == 0 and new == "0" and len(value) > 1 and value[1] != ".":
        new = "9"  # a leading zero would read as another number form, not a slip
    return value[:i] + new + value[i + 1:]


def _once_in_source(anchor: str, normalised_text: str) -> bool:
    return normalised_text.count(normal(anchor)) == 1


def _plant(folder: Path, rng: random.Random, per_kind: int) -> dict[int, str]:
    """Plant slips in folder/values.csv; {csv line: what was planted}."""
    fields, rows = _read(folder / "values.csv")
    source_text = {s: normalise((SEEDS / f).read_text(encoding="utf-8")).text
                   for s, f in _seeds(folder).items()}
    numeric = [i for i, r in enumerate(rows) if r["value"] and r["statistic"] not in
               ("date", "label") and r["source"] in source_text]
    planted: dict[int, str] = {}

    def take(pool: list[int]) -> int | None:
        pool = [i for i in pool if i + 2 not in planted]
        return rng.choice(pool) if pool else None

    for _ in range(per_kind):  # a digit typed wrong
        i = take(numeric)
        if i is None:
            break
        old = rows[i]["value"]
        rows[i]["value"] = _changed_digit(old, rng)
        planted[i + 2] = f"digit: {rows[i]['id']} {old} -> {rows[i]['value']}"
    tables = [i for i in numeric if rows[i]["location"].startswith("Table") and rows[i]["row"]]
    def same(j: int, i: int, *cols: str) -> bool:
        return all(rows[j][c] == rows[i][c] for c in ("location", "statistic", *cols))

    for _ in range(per_kind):  # the value of another row of the same table and column
        i = take(tables)
        if i is None:
            break
        others = [j for j in tables if same(j, i, "column") and rows[j]["row"] != rows[i]["row"]
                  and float(rows[j]["value"]) != float(rows[i]["value"])]
        if others:
            j = rng.choice(others)
            planted[i + 2] = f"row: {rows[i]['id']} {rows[i]['value']} -> {rows[j]['value']}"
            rows[i]["value"] = rows[j]["value"]
    for _ in range(per_kind):  # the value of the next cell of the same row (the anchor has it)
        i = take(tables)
        if i is None:
            break
        others = [j for j in tables if same(j, i, "row") and rows[j]["column"] != rows[i]["column"]
                  and float(rows[j]["value"]) != float(rows[i]["value"])]
        if others:
            j = rng.choice(others)
            planted[i + 2] = f"cell: {rows[i]['id']} {rows[i]['value']} -> {rows[j]['value']}"
            rows[i]["value"] = rows[j]["value"]
    single = [i for i, r in enumerate(rows) if r["source"] in source_text
              and _once_in_source(r["anchor"], source_text[r["source"]])]
    for _ in range(per_kind):  # a wrong location (the anchor is printed once, elsewhere)
        i = take(single)
        if i is None:
            break
        same_source = sorted({r["location"] for r in rows if r["source"] == rows[i]["source"]})
        choices = [loc for loc in same_source if loc != rows[i]["location"]]
        if not choices:
            continue
        new = rng.choice(choices)
        planted[i + 2] = f"location: {rows[i]['id']} {rows[i]['location']} -> {new}"
        rows[i]["location"] = new
    _write(folder / "values.csv", fields, rows)
    return planted


def _seeds(folder: Path) -> dict[str, str]:
    import yaml

    raw = yaml.safe_load((folder / "trial.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s["seed"] for s in raw["sources"] if s.get("seed")}


@needs_seeds
@pytest.mark.parametrize(("trial", "seed", "per_kind"),
                         [("talent", 16, 6), ("cabinet", 17, 6), ("radiant4", 18, 2)])
def test_planted_slips_are_all_caught(tmp_path: Path, trial: str, seed: int,
                                      per_kind: int) -> None:
    folder = tmp_path / trial
    shutil.copytree(RAW / trial, folder)
    planted = _plant(folder, random.Random(seed), per_kind)
    assert len(planted) >= 2 * per_kind
    problems = audit_dossier(folder, SEEDS)
    caught = {p.line for p in problems if Path(p.file).name == "values.csv"}
    missed = {line: what for line, what in planted.items() if line not in caught}
    assert missed == {}, missed
    # only the planted rows are reported, each as one line naming file, row and column
    assert caught == set(planted)
    assert all(str(p).startswith(f"{folder / 'values.csv'}, row ") and "column '" in str(p)
               for p in problems)


@needs_seeds
def test_at_least_twenty_slips_planted_in_all(tmp_path: Path) -> None:
    total = 0
    for trial, seed, per_kind in [("talent", 16, 6), ("cabinet", 17, 6), ("radiant4", 18, 2)]:
        folder = tmp_path / trial
        shutil.copytree(RAW / trial, folder)
        total += len(_plant(folder, random.Random(seed), per_kind))
    assert total >= 20


@needs_seeds
def test_a_miss_names_the_closest_passage(tmp_path: Path) -> None:
    folder = tmp_path / "talent"
    shutil.copytree(RAW / "talent", folder)
    fields, rows = _read(folder / "values.csv")
    row = next(r for r in rows if r["id"] == "abs_followup_tot_median")
    row["anchor"] = "The median follow up was 32 months."  # a digit swap in the quote
    _write(folder / "values.csv", fields, rows)
    problems = audit_dossier(folder, SEEDS)
    assert len(problems) == 1
    message = str(problems[0])
    assert "column 'anchor'" in message and "anchor-not-found" in message
    assert 'closest passage: "The median follow-up was 23 months.' in message


# ------------------------------------------------------------------ the pieces, by hand


def test_normalise_reads_markup_signs_and_cells_as_a_person_does() -> None:
    assert normal("HR, 0.34; 95% CI, 0.20–0.59; <i>P</i> =.000072") == \
        "hr, 0.34; 95% ci, 0.20-0.59; p =.000072"
    assert normal("Two-sided *P* values of $\\leq .05$") == "two-sided p values of <= .05"
    assert normal("Somatostatin analogs\t47 (85.5)\t56 (100) ^b") == \
        "somatostatin analogs 47 (85.5) 56 (100)"
    assert normal("ORR \\geq 25%") == normal("ORR ≥ 25%") == "orr >= 25%"
    assert normal("[Table 2](#) presents") == "table 2 presents"
    assert normal("| a | b |") == "a b"


def test_normalise_keeps_the_original_offsets() -> None:
    text = "The <i>P</i> value\twas −0.5"
    n = normalise(text)
    i = n.text.index("-0.5")
    start, end = n.original_span(i, i + 4)
    assert text[start:end] == "−0.5"
    j = n.text.index("p value")
    assert text[slice(*n.original_span(j, j + 1))] == "P"


def test_printed_forms_of_a_value() -> None:
    assert ".001" in printed_forms("0.001")
    assert "100,000" in printed_forms("100000")
    assert "september 2015" in printed_forms("2015-09", "date")
    assert "one hundred seventy-one" in printed_forms("171", "count", "printed in words")
    assert "one hundred seventy-one" not in printed_forms("171", "count", "")
    assert "ii" in printed_forms("2", "value", "printed as the Roman numeral II")
    assert number_words(16) == "sixteen" and number_words(40) == "forty"


def test_find_value_takes_whole_numbers_only() -> None:
    assert find_value("ecog ps 0-1 in 5.5% of", ["5"]) == -1
    assert find_value("in 2023", ["23"]) == -1
    assert find_value("recist v.1.1 and", ["1.1"]) == 9
    assert find_value("(95% ci, 0.20-0.59)", ["0.59"]) >= 0
    assert find_value("platelets >= 100,000/mm3", ["100"]) == -1


SMALL = """Title of a trial

ABSTRACT

The median PFS was 8.4 months.

METHODS

Patients

Eligible patients were 18 years or older.

RESULTS

Outcomes

The ORR was 20% (95% CI, 10 to 30).

Table 1. Response

Response\tDrug (n = 40)\tPlacebo (n = 20)
Partial response\t8 (20)\t0
^aCentral review.

After the table, 12 patients stopped.

DISCUSSION

We report an ORR of 20%.
"""


def test_places_of_a_small_paper() -> None:
    layout = parse_layout(SMALL)

    def text(location: str, named: frozenset[str] = frozenset()) -> str:
        spans = place_spans(layout, location, named)
        assert spans is not None, location
        return " ".join(SMALL[a:b] for a, b in spans)

    results = text("Results")
    assert "ORR was 20%" in results and "12 patients stopped" in results
    assert "Partial response" not in results and "We report" not in results
    assert "Partial response\t8 (20)" in text("Table 1")
    assert text("Table 1 footnote a").startswith("^aCentral review")
    assert "Eligible" in text("Patients") and "Eligible" in text("Methods")
    # a level-2 heading another row names ends the section before it
    assert "Eligible" not in text("Methods", frozenset({"patients"}))
    assert text("Record header").startswith("Title of a trial")
    assert place_spans(layout, "Table 9") is None
    assert place_spans(layout, "Statistical Considerations") is None
