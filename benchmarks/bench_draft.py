"""Draft every gold dossier's paper and score the draft field by field; time the drafting.

For each gold dossier under ``tests/fixtures/gold/`` (a hand-made, reviewed transcription of
one of the PubMed Central papers of ``../shared/papers``) and each seed-based case (the
hand-made dossiers of ``data/raw`` whose source texts are the shared seeds), the paper is
drafted with the dossier's own ``trial.yaml`` (its arms, cohorts, endpoints and analysis
sets, as a person declares them before drafting) and compared with the hand-made rows
(:func:`trialrecon.dossier.draft.evaluate.score_fields`):

- a draft row and a gold row are *paired* when the draft's number stands inside the gold
  anchor where the audit finds it in the gold location and the values are equal (one to one,
  the best-agreeing pairs first);
- a pair is *right* when every field agrees: location, row, column (as printed: case,
  spacing, dashes and marks aside), the anchor (the draft's own anchor is found at its
  number), cohort, arm, subgroup, quantity, category (case, spaces and dashes aside),
  statistic, value (numerically), comparator (empty is "="), unit, denominator
  (numerically), marker, sided, level (empty is 95) and the optional columns versus,
  adjustment, test, population, hypothesis and data_cut;
- *recall* = right pairs / gold rows; *precision* = right pairs / draft rows; *unflagged
  right* = right pairs whose draft row is not flagged needs_review / unflagged draft rows;
  the last two columns split the recall between table cells and the rest (text, titles,
  footnotes, legends).

The per-field table gives, among the paired rows, the share with that field right (the
field most often wrong first). Targets (issue 20): recall >= 70% and precision >= 70% from
JATS, unflagged right >= 90%.

``--pdf lancet|plain`` measures the PDF reader against the same gold: each gold paper is
read from its JATS XML, printed as a two-column journal PDF in that style (tests/journal_pdf.py,
headless Chromium, into a temporary folder or ``--keep DIR``, where a PDF already printed is
reused), read back by the PDF reader, drafted with the gold ``trial.yaml`` and scored exactly
as the JATS draft is (the gold anchor is searched in the PDF's text, its location among the
PDF's headings and tables). The JATS figures are printed beside each paper's (the seed cases
have no JATS paper and are left out). Targets (issue 20): recall >= 60% from the PDF.

    .venv/bin/python benchmarks/bench_draft.py [--gold DIR ...] [--sources DIR] [--wrong N]
        [--pdf lancet|plain] [--keep DIR] [--only pmc5555437,...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from trialrecon.dossier.audit import default_sources_dir
from trialrecon.dossier.draft.evaluate import FIELDS, FieldScore, GoldResult, score_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
SEED_CASES = (("talent", "jco2021"), ("cabinet", "nejm2025"), ("cabinet", "review2025"),
              ("a021202", "jco2025"))


def _line(name: str, s: FieldScore, seconds: float | None) -> str:
    secs = f"{seconds:>6.2f}" if seconds is not None else f"{'':>6}"
    return (f"{name:<22} {secs} {s.gold:>5} {s.drafted:>6} {s.paired:>6} {s.right:>6} "
            f"{s.recall:>7.1%} {s.precision:>9.1%} {s.unflagged:>9} {s.unflagged_share:>10.1%} "
            f"{s.table_recall:>7.1%} {s.text_recall:>7.1%}")


def _results(folders: list[Path], sources: Path | None, only: set[str],
             seeds: bool = True) -> list[tuple[str, GoldResult]]:
    out = []
    for folder in folders:
        for dossier in sorted(p for p in folder.iterdir() if (p / "trial.yaml").is_file()):
            if only and dossier.name not in only:
                continue
            result = score_gold(dossier, sources)
            if result is None:
                print(f"{dossier.name}: its paper is not at hand (skipped)")
                continue
            out.append((dossier.name, result))
    if not seeds:
        return out
    for trial, source_id in SEED_CASES:
        if only and f"{trial}/{source_id}" not in only:
            continue
        result = score_gold(ROOT / "data" / "raw" / trial, sources, source_id)
        if result is not None:
            out.append((f"{trial}/{source_id}", result))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", default=None,
                        help="a folder of gold dossiers (default: tests/fixtures/gold)")
    parser.add_argument("--sources", type=Path, default=None,
                        help="the shared seeds folder (its sibling papers/ holds the PMC XML)")
    parser.add_argument("--wrong", type=int, default=0,
                        help="print this many paired rows with a wrong field, per paper")
    parser.add_argument("--pdf", choices=("lancet", "plain"), default=None,
                        help="score the draft of each gold paper printed as a journal PDF")
    parser.add_argument("--keep", type=Path, default=None,
                        help="with --pdf: keep (and reuse) the printed PDFs in this folder")
    parser.add_argument("--only", default="",
                        help="comma-separated dossier names (pmc5555437, talent/jco2021)")
    args = parser.parse_args()
    folders = [f for f in (args.gold or [GOLD]) if f.is_dir()]
    sources = args.sources or default_sources_dir(ROOT / "data" / "raw" / "talent")
    if sources is None:
        print("no shared seeds folder found; give --sources DIR")
        return 2
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if args.pdf:
        return _pdf_main(args, folders, sources, only)
    results = _results(folders, sources, only)
    print(f"{'paper':<22} {'sec':>6} {'gold':>5} {'drafted':>6} {'paired':>6} {'right':>6} "
          f"{'recall':>7} {'precision':>9} {'unflagged':>9} {'unfl.right':>10} {'tables':>7} "
          f"{'text':>7}")
    total, gold_total = FieldScore(), FieldScore()
    for name, r in results:
        print(_line(name, r.score, r.seconds))
        total.add(r.score)
        if "/" not in name:
            gold_total.add(r.score)
        for gid, gold, draft, wrong in r.score.examples[:args.wrong]:
            shown = "; ".join(f"{w}: {gold.get(w, '')!r} drafted {draft.get(w, '')!r}"
                              for w in wrong if w != "anchor")
            print(f"    {gid}: {shown or 'anchor'}")
    print(_line("all gold dossiers", gold_total, None))
    print(_line("all", total, None))
    print("\nper field, among paired rows (most often wrong first):")
    for name in sorted(FIELDS, key=lambda f: -total.wrong[f]):
        print(f"  {name:<12} {total.field_accuracy(name):>7.1%}  ({total.wrong[name]} wrong)")
    return 0


def _pdf_main(args: argparse.Namespace, folders: list[Path], sources: Path,
              only: set[str]) -> int:
    """The PDF draft of every gold paper beside its JATS draft (figures per paper, overall)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from journal_pdf import chromium, printed_gold

    if chromium() is None:
        print("chromium is not installed (apt-get install -y chromium): nothing to print")
        return 2
    jats = _results(folders, sources, only, seeds=False)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = [(name, printed_gold(r, args.pdf, folder), r) for name, r in jats]
    print(f"PDF style {args.pdf}; the JATS draft's recall, precision and unflagged right beside")
    print(f"{'paper':<22} {'sec':>6} {'gold':>5} {'drafted':>6} {'paired':>6} {'right':>6} "
          f"{'recall':>7} {'precision':>9} {'unflagged':>9} {'unfl.right':>10} {'tables':>7} "
          f"{'text':>7} {'JATS rec':>8} {'prec':>6} {'unfl.r':>6}")
    total, jats_total = FieldScore(), FieldScore()
    for name, r, j in results:
        print(_line(name, r.score, r.seconds) + _jats(j.score))
        total.add(r.score)
        jats_total.add(j.score)
        for gid, gold, draft, wrong in r.score.examples[:args.wrong]:
            shown = "; ".join(f"{w}: {gold.get(w, '')!r} drafted {draft.get(w, '')!r}"
                              for w in wrong if w != "anchor")
            print(f"    {gid}: {shown or 'anchor'}")
    print(_line("all gold dossiers", total, None) + _jats(jats_total))
    print("\nper field, among paired rows of the PDF draft (most often wrong first):")
    for name in sorted(FIELDS, key=lambda f: -total.wrong[f]):
        print(f"  {name:<12} {total.field_accuracy(name):>7.1%}  ({total.wrong[name]} wrong)")
    return 0


def _jats(s: FieldScore) -> str:
    return f" {s.recall:>8.1%} {s.precision:>6.1%} {s.unflagged_share:>6.1%}"


if __name__ == "__main__":
    raise SystemExit(main())
