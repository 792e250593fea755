"""Real papers printed as two-column journal PDFs read back as their JATS reading reads.

Three papers of ``../shared/papers`` (a Lancet Oncology, a Circulation-style cardiology and
a Scientific Reports-style nephrology report, with column-wide and page-wide tables,
tables continued on the next page, spanning headers under short rules, wrapped cells) are
printed in both styles of ``tests/journal_pdf.py`` into a temporary folder and read by the
PDF reader; the JATS reading of the same XML is the truth. The bounds are those the
benchmark (``benchmarks/bench_pdf_reader.py``) reaches on all 30 papers, a little lower.
Skipped with the reason where the papers or Chromium are missing; nothing of the papers is
kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from journal_pdf import STYLES, Comparison, chromium, compare, journal_pdf

from trialrecon.dossier.draft.document import check_document
from trialrecon.dossier.draft.reader import read_document

ROOT = Path(__file__).resolve().parents[1]
PAPERS = next((p / "shared" / "papers" for p in ROOT.parents
               if (p / "shared" / "papers").is_dir()), None)
CHOSEN = ("PMC5555437", "PMC4132637", "PMC5816600")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PAPERS is None,
                       reason="../shared/papers (the 30 PMC JATS papers) is not beside the "
                              "repository"),
    pytest.mark.skipif(chromium() is None,
                       reason="chromium is not installed (apt-get install -y chromium): the "
                              "papers cannot be printed as PDFs"),
]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("paper", CHOSEN)
def test_printed_paper_reads_as_its_jats(paper: str, style: str, tmp_path: Path) -> None:
    assert PAPERS is not None
    truth = read_document(PAPERS / f"{paper}.nxml")
    doc = read_document(journal_pdf(truth, style, tmp_path))
    assert check_document(doc) == []
    c = compare(truth, doc)
    assert c.title
    assert Comparison.share(c.stub_cells) >= 0.97, c.stub_cells
    assert Comparison.share(c.stub_cells, precision=True) >= 0.97, c.stub_cells
    assert Comparison.share(c.numbers) >= 0.95 and Comparison.share(c.numbers, True) >= 0.9
    assert Comparison.share(c.headings) >= 0.9, c.headings
    assert Comparison.share(c.captions) >= 0.6
