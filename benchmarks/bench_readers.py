"""Read (and draft) every paper of ../shared/papers and print, per paper, what was found.

Per paper: seconds to read the JATS into the document model, seconds to draft it, tables,
table cells, numbers found (draft rows) and how many of them are flagged for review. The
trial's arms are not known here (no trial.yaml), so the drafts are drafted against a
one-cohort, no-arm trial: the figures measure reading and number finding, not labelling.

    .venv/bin/python benchmarks/bench_readers.py [--papers DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from trialrecon.dossier.draft import draft_document, read_names
from trialrecon.dossier.draft.document import check_document
from trialrecon.dossier.draft.reader import read_document

ROOT = Path(__file__).resolve().parents[1]
TRIAL = """id: bench
title: "bench"
design: single_arm
sources: [{id: paper, kind: paper, citation: "bench"}]
cohorts: [{id: all, label: "All patients"}]
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=next(
        (p / "shared" / "papers" for p in ROOT.parents if (p / "shared" / "papers").is_dir()),
        None))
    args = parser.parse_args()
    if args.papers is None or not args.papers.is_dir():
        print("no ../shared/papers folder found; give --papers DIR")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "trial.yaml").write_text(TRIAL, encoding="utf-8")
        names = read_names(Path(tmp) / "trial.yaml")
    print(f"{'paper':<16} {'kB':>6} {'read s':>7} {'draft s':>8} {'tables':>7} {'cells':>6} "
          f"{'numbers':>8} {'review':>7} {'problems':>9}")
    totals = [0.0, 0.0, 0, 0, 0, 0, 0]
    for path in sorted(args.papers.glob("*.nxml")):
        start = time.perf_counter()
        doc = read_document(path)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        drafts = draft_document(doc, names, "paper")
        draft_s = time.perf_counter() - start
        cells = sum(len(t.cells) for t in doc.tables)
        review = sum(d.needs_review for d in drafts)
        problems = len(check_document(doc))
        row = [read_s, draft_s, len(doc.tables), cells, len(drafts), review, problems]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{path.stem:<16} {path.stat().st_size / 1000:>6.0f} {read_s:>7.2f} {draft_s:>8.2f} "
              f"{len(doc.tables):>7} {cells:>6} {len(drafts):>8} {review:>7} {problems:>9}")
    print(f"{'all':<16} {'':>6} {totals[0]:>7.2f} {totals[1]:>8.2f} {totals[2]:>7} "
          f"{totals[3]:>6} {totals[4]:>8} {totals[5]:>7} {totals[6]:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
