"""How the drafter labels the numbers of other studies (``external_*``) on the gold dossiers.

For each gold dossier the paper is drafted with its ``trial.yaml`` and paired with the gold
rows exactly as ``bench_draft.py`` pairs them
(:func:`trialrecon.dossier.draft.evaluate.score_fields`); then, for the gold rows whose
quantity is ``external_*``:

- *paired*: a draft row stands at the number; *right*: every field agrees; *but category*:
  every field but the category agrees (the category names the study in a reviewer's words,
  which no rule reproduces); *quantity*: the draft's quantity is the gold one; *unflagged
  wrong*: a paired row that is wrong and not flagged ``needs_review``;
- *own as external*: gold rows of this trial (not ``external_*``) whose paired draft row
  was drafted ``external_*`` (a restated result taken for another study's).

The most common (field, gold, draft) disagreements other than the category follow.

    .venv/bin/python benchmarks/bench_external.py [--gold DIR] [--sources DIR] [--wrong N]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from trialrecon.dossier.audit import default_sources_dir, source_doc
from trialrecon.dossier.draft import draft_source
from trialrecon.dossier.draft.evaluate import _candidates, gold_rows, paper_source
from trialrecon.dossier.draft.lexicon import read_names

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("gold", "paired", "right", "but_category", "quantity", "unflagged_wrong",
           "own_as_external")


def _pairs(doc, gold: list[dict[str, str]], drafts) -> dict[int, tuple[int, list[str]]]:
    """gold index -> (draft index, wrong fields), one to one, best pairs first."""
    used_gold: set[int] = set()
    used_draft: set[int] = set()
    out = {}
    for _, gi, di, wrong in sorted(_candidates(doc, gold, drafts),
                                   key=lambda p: (p[0], p[1], drafts[p[2]].offset, p[2])):
        if gi not in used_gold and di not in used_draft:
            used_gold.add(gi)
            used_draft.add(di)
            out[gi] = (di, wrong)
    return out


def measure(dossier: Path, sources: Path | None, wrong: Counter) -> Counter | None:
    """The figures of one gold dossier (None when its paper is not at hand)."""
    found = paper_source(dossier, sources)
    if found is None:
        return None
    source_id, paper = found
    document, drafts = draft_source(paper, read_names(dossier / "trial.yaml"), source_id)
    doc = source_doc(paper, document)
    gold = [r for r in gold_rows(dossier, source_id) if r.get("anchor")]
    out: Counter = Counter()
    for gi, (di, bad) in _pairs(doc, gold, drafts).items():
        external = gold[gi]["quantity"].startswith("external_")
        draft = drafts[di]
        if not external:
            out["own_as_external"] += draft.fields["quantity"].startswith("external_")
            continue
        out["paired"] += 1
        out["right"] += not bad
        out["but_category"] += bad in ([], ["category"])
        out["quantity"] += "quantity" not in bad
        out["unflagged_wrong"] += bool(bad) and not draft.needs_review
        wrong.update((f, gold[gi].get(f, ""), draft.fields.get(f, ""))
                     for f in bad if f != "category")
    out["gold"] = sum(r["quantity"].startswith("external_") for r in gold)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("--wrong", type=int, default=20)
    args = parser.parse_args()
    sources = args.sources or default_sources_dir(args.gold)
    wrong: Counter = Counter()
    total: Counter = Counter()
    print(f"{'paper':<14}" + "".join(f"{c:>17}" for c in COLUMNS))
    for dossier in sorted(p for p in args.gold.iterdir() if (p / "trial.yaml").is_file()):
        got = measure(dossier, sources, wrong)
        if got is None:
            continue
        total.update(got)
        print(f"{dossier.name:<14}" + "".join(f"{got[c]:>17}" for c in COLUMNS))
    print(f"{'all':<14}" + "".join(f"{total[c]:>17}" for c in COLUMNS))
    print("\nmost common disagreements (field, gold <- draft), the category aside:")
    for (name, gold, draft), n in wrong.most_common(args.wrong):
        print(f"  {n:>3}  {name}: {gold!r} <- {draft!r}")


if __name__ == "__main__":
    main()
