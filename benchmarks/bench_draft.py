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

    .venv/bin/python benchmarks/bench_draft.py [--gold DIR ...] [--sources DIR] [--wrong N]
"""

from __future__ import annotations

import argparse
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


def _results(folders: list[Path], sources: Path | None) -> list[tuple[str, GoldResult]]:
    out = []
    for folder in folders:
        for dossier in sorted(p for p in folder.iterdir() if (p / "trial.yaml").is_file()):
            result = score_gold(dossier, sources)
            if result is None:
                print(f"{dossier.name}: its paper is not at hand (skipped)")
                continue
            out.append((dossier.name, result))
    for trial, source_id in SEED_CASES:
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
    args = parser.parse_args()
    folders = [f for f in (args.gold or [GOLD]) if f.is_dir()]
    sources = args.sources or default_sources_dir(ROOT / "data" / "raw" / "talent")
    if sources is None:
        print("no shared seeds folder found; give --sources DIR")
        return 2
    results = _results(folders, sources)
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


if __name__ == "__main__":
    raise SystemExit(main())
