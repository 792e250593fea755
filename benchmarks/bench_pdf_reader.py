"""Print each paper of ../shared/papers as a two-column journal PDF and read it back.

The truth is the JATS reading of the same paper: every paper is read from its XML, written
as a journal page (tests/journal_pdf.py: two columns, an Abstract box, small-capital
headings, superscript citations, ruled tables in a column or across the page, figures with
tick labels, a running head and page numbers) in two styles (``lancet``, ``plain``),
printed with headless Chromium into a temporary folder, and read by the PDF reader. Per
paper and style it prints:

- ``cells``: body cells of the JATS tables found in the PDF reading with the same table,
  row path, column path and text (recall; ``prec`` = share of the PDF's cells that match);
  ``stub``: the same with the row's own stub label in place of its path (where the two
  readings group rows differently, e.g. a JATS stub printed across both stub columns that
  the JATS reading takes as a heading of its own);
- ``numbers``: the numbers of the text (not the tables) in the same section, as a multiset
  (recall and precision: a stray citation or page number costs precision);
- ``heads``: section headings found with the same text, level and kind (of the JATS ones);
- ``notes``/``caps``: table footnotes (mark and text) and figure captions found;
- ``draft``: rows drafted from the PDF equal in every field (the anchor aside) to rows
  drafted from the JATS, as a share of the JATS draft (the trial is a one-cohort, no-arm
  stand-in: the figure measures what the reading gives the drafter);
- ``s``: seconds to read the PDF.

``--libraries`` also times the glyph extraction of PDFium (pypdfium2, used) and pdfminer
(pdfplumber, the engine PDFium replaced: no longer a dependency, so it is timed only where
it is installed, ``pip install pdfplumber``). Nothing of the papers is kept unless ``--keep DIR``.

    .venv/bin/python benchmarks/bench_pdf_reader.py [--papers DIR] [--styles lancet,plain]
        [--only PMC5555437,...] [--keep DIR] [--libraries]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from journal_pdf import STYLES, Comparison, chromium, compare, draft_rows, journal_pdf  # noqa: E402
from journal_pdf import overlap as multiset_overlap  # noqa: E402

from trialrecon.dossier.draft import draft_document, read_names  # noqa: E402
from trialrecon.dossier.draft.document import check_document  # noqa: E402
from trialrecon.dossier.draft.reader import read_document  # noqa: E402

TRIAL = """id: bench
title: "bench"
design: single_arm
sources: [{id: paper, kind: paper, citation: "bench"}]
cohorts: [{id: all, label: "All patients"}]
"""
TARGET_CELLS = 0.95


def _libraries(pdf: Path) -> tuple[float, float, int, int]:
    """(seconds PDFium, seconds pdfminer, glyphs PDFium, chars pdfminer) for one file."""
    import pdfplumber  # not a dependency: main() checks that it is installed

    from trialrecon.dossier.draft.pdf_extract import extract_json

    data = pdf.read_bytes()
    start = time.perf_counter()
    result = extract_json(data)
    pdfium_s = time.perf_counter() - start
    glyphs = sum(len(p["glyphs"]["text"]) for p in result["pages"])  # type: ignore[index]
    start = time.perf_counter()
    with pdfplumber.open(pdf) as doc:
        chars = sum(len([c for c in p.chars if c["text"].strip()]) for p in doc.pages)
    return pdfium_s, time.perf_counter() - start, glyphs, chars


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=next(
        (p / "shared" / "papers" for p in ROOT.parents if (p / "shared" / "papers").is_dir()),
        None))
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--only", default="", help="comma-separated paper names (PMC...)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep (and reuse) the printed PDFs in this folder")
    parser.add_argument("--libraries", action="store_true",
                        help="also time PDFium and pdfminer on the glyphs of each PDF")
    args = parser.parse_args()
    if args.papers is None or not args.papers.is_dir():
        print("no ../shared/papers folder found; give --papers DIR")
        return 2
    if chromium() is None:
        print("chromium is not installed (apt-get install -y chromium): nothing to print")
        return 2
    if args.libraries and importlib.util.find_spec("pdfplumber") is None:
        print("--libraries compares with pdfminer: pip install pdfplumber first (it is not "
              "a dependency)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "trial.yaml").write_text(TRIAL, encoding="utf-8")
        names = read_names(Path(tmp) / "trial.yaml")
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return _run(args, names, folder)


def _run(args: argparse.Namespace, names: object, folder: Path) -> int:
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    papers = [p for p in sorted(args.papers.glob("*.nxml")) if not only or p.stem in only]
    styles = [s for s in args.styles.split(",") if s]
    header = (f"{'paper':<11} {'style':<6} {'pages':>5} {'cells':>12} {'prec':>6} {'stub':>6} "
              f"{'numbers':>7} {'prec':>6} {'heads':>6} {'notes':>6} {'caps':>5} "
              f"{'title':>5} {'draft':>6} {'s':>5} {'problems':>8}")
    print(header + ("   pdfium s  pdfminer s" if args.libraries else ""))
    totals: dict[str, list[Comparison]] = {s: [] for s in styles}
    draft_totals = {s: [0, 0] for s in styles}
    lib_totals = [0.0, 0.0]
    for path in papers:
        truth = read_document(path)
        truth_draft = draft_rows(draft_document(truth, names, "paper"))
        for style in styles:
            pdf = folder / f"{path.stem}-{style}.pdf"
            if not pdf.is_file():
                journal_pdf(truth, style, folder, pdf.stem)
            start = time.perf_counter()
            doc = read_document(pdf)
            seconds = time.perf_counter() - start
            c = compare(truth, doc)
            totals[style].append(c)
            matched, n_truth, _ = multiset_overlap(truth_draft,
                                                   draft_rows(draft_document(doc, names,
                                                                             "paper")))
            draft_totals[style][0] += matched
            draft_totals[style][1] += n_truth
            pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(
                b"/Type /Pages")
            line = (f"{path.stem:<11} {style:<6} {pages:>5} "
                    f"{c.cells[0]:>5}/{c.cells[1]:<5} {Comparison.share(c.cells, True):>6.1%} "
                    f"{Comparison.share(c.stub_cells):>6.1%} "
                    f"{Comparison.share(c.numbers):>7.1%} "
                    f"{Comparison.share(c.numbers, True):>6.1%} "
                    f"{Comparison.share(c.headings):>6.1%} {Comparison.share(c.notes):>6.1%} "
                    f"{Comparison.share(c.captions):>5.0%} {'yes' if c.title else 'no':>5} "
                    f"{matched / n_truth if n_truth else 1:>6.1%} {seconds:>5.1f} "
                    f"{len(check_document(doc)):>8}")
            if args.libraries:
                a, b, _, _ = _libraries(pdf)
                lib_totals[0] += a
                lib_totals[1] += b
                line += f"   {a:>8.2f}  {b:>10.2f}"
            print(line, flush=True)
    status = 0
    for style in styles:
        cs = totals[style]
        if not cs:
            continue

        def pooled(field: str, cs: list[Comparison] = cs) -> tuple[int, int, int]:
            parts = [getattr(c, field) for c in cs]
            return (sum(p[0] for p in parts), sum(p[1] for p in parts),
                    sum(p[2] for p in parts))

        cells = pooled("cells")
        matched, n_truth = draft_totals[style]
        print(f"{'all':<11} {style:<6} {'':>5} {cells[0]:>5}/{cells[1]:<5} "
              f"{Comparison.share(cells, True):>6.1%} "
              f"{Comparison.share(pooled('stub_cells')):>6.1%} "
              f"{Comparison.share(pooled('numbers')):>7.1%} "
              f"{Comparison.share(pooled('numbers'), True):>6.1%} "
              f"{Comparison.share(pooled('headings')):>6.1%} "
              f"{Comparison.share(pooled('notes')):>6.1%} "
              f"{Comparison.share(pooled('captions')):>5.0%} "
              f"{sum(c.title for c in cs):>3}/{len(cs):<1} "
              f"{matched / n_truth if n_truth else 1:>6.1%}")
        if Comparison.share(cells) < TARGET_CELLS:
            status = 1
    if args.libraries:
        print(f"glyph extraction, all files: PDFium {lib_totals[0]:.1f} s, "
              f"pdfminer {lib_totals[1]:.1f} s")
    print(f"target: >= {TARGET_CELLS:.0%} of the JATS table cells in every style: "
          f"{'met' if status == 0 else 'NOT met'}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
