"""Every gold dossier of tests/fixtures/gold validates, its anchors audited against its paper.

A gold dossier is a hand transcription of one of the 30 PubMed Central papers of
../shared/papers (each folder's NOTES.md says how it was made). Its rows are right by
construction, so any problem `trialrecon validate` reports is a defect of the readers or of
the audit (or a transcription slip to send back to its author). A new folder is picked up
by its presence; the audit needs the paper its ``seed:`` names, so a dossier is skipped,
with the reason, where ../shared/papers is not beside the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialrecon.dossier import validate_dossier
from trialrecon.dossier.audit import audit_dossier, audited_sources, default_sources_dir

GOLD = Path(__file__).parent / "fixtures" / "gold"
FOLDERS = sorted(p for p in GOLD.glob("*") if (p / "trial.yaml").is_file())


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_gold_dossier_validates_against_its_paper(folder: Path) -> None:
    seeds = default_sources_dir(folder)
    if seeds is None or not (seeds.parent / "papers").is_dir():
        pytest.skip("../shared/papers (the PMC papers the gold dossiers transcribe) is absent")
    assert audited_sources(folder, seeds), f"{folder.name}: no source names its paper (seed:)"
    problems = validate_dossier(folder) + audit_dossier(folder, seeds)
    assert [f"{p.line} {p.column} {p.rule}: {p.message}" for p in problems] == []


def test_there_are_gold_dossiers() -> None:
    assert FOLDERS, "tests/fixtures/gold holds no dossier"
