"""``trialrecon audit PAPER --out DIR``: from a paper to a provisional, unreviewed audit.

The paper is the fictional JATS fixture of tests/test_draft_labels.py; what trial.yaml should
say was read by hand from its front matter and table headers (authors Able, Baker, Cole,
Dunn; Journal of Fictional Trials 2024;7:101-109, published 12 March 2024; NCT09999999; arms
"Drug X (n = 100)", "Placebo (n = 100)" and a "Total (n = 200)" column).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trialrecon.cli import main
from trialrecon.dossier import validate_dossier
from trialrecon.dossier.safe_yaml import load_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "labelling" / "fictional_rct.nxml"


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "papers" / "fict_rct.nxml"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    return path


def test_audit_writes_a_provisional_dossier_report_and_letter(paper: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    before = paper.read_bytes()
    out = tmp_path / "audit"
    assert main(["audit", str(paper), "--out", str(out)]) == 0
    assert paper.read_bytes() == before and sorted(p.name for p in paper.parent.iterdir()) == \
        ["fict_rct.nxml"]
    dossier = out / "fict_rct"
    for name in ("values.draft.csv", "validation.txt", "reconciliation.html",
                 "reconciliation.md", "reconciliation.csv", "reconciliation.json",
                 "review_letter.md"):
        assert (out / name).is_file(), name
    assert validate_dossier(dossier) == []
    trial = load_file(dossier / "trial.yaml")
    assert trial["registry_id"] == "NCT09999999"
    assert trial["design"] == "randomized" and trial["primary_endpoint"] == "os"
    source = trial["sources"][0]
    assert source["citation"] == ("Able AB, Baker C, Cole D, et al. Drug X versus placebo in "
                                  "fictional disease: a randomised trial. Journal of Fictional "
                                  "Trials 2024;7:101-109")
    assert str(source["published"]) == "2024-03-12" and source["file"] == "fict_rct.nxml"
    arms = {a["id"]: a for a in trial["arms"]}
    assert arms["drug_x"]["label"] == "Drug X" and arms["drug_x"]["role"] == "experimental"
    assert arms["placebo"]["role"] == "comparator"
    assert arms["total"]["parts"] == ["drug_x", "placebo"]
    text = (dossier / "trial.yaml").read_text(encoding="utf-8")
    assert "UNREVIEWED DRAFT" in text and "# guess: n = 100 in the Table 1 header" in text
    letter = (out / "review_letter.md").read_text(encoding="utf-8")
    assert letter.startswith("# UNREVIEWED DRAFT")
    assert letter.index("## Rows to review first") < letter.index("---")
    assert "UNREVIEWED DRAFT" in (out / "reconciliation.html").read_text(encoding="utf-8")
    assert "UNREVIEWED DRAFT" in capsys.readouterr().out


def test_audit_refuses_to_write_over_the_paper(paper: Path) -> None:
    assert main(["audit", str(paper), "--out", str(paper)]) == 2
    assert paper.is_file() and paper.read_bytes() == FIXTURE.read_bytes()


def test_audit_refuses_an_existing_raw_dossier(paper: Path) -> None:
    target = ROOT / "data" / "raw" / "talent" / "audit_here"
    assert main(["audit", str(paper), "--out", str(target)]) == 2
    assert not target.exists()


def test_audit_refuses_a_bad_trial_id(paper: Path, tmp_path: Path) -> None:
    assert main(["audit", str(paper), "--out", str(tmp_path / "o"), "--id", "../x"]) == 2
    assert not (tmp_path / "o").exists()
