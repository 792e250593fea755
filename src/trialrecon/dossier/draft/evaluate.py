"""How far a draft reproduces a hand-made dossier: the figures the benchmarks print.

Two measures.

**Reproduced and labelled** (:func:`score`, the seed benchmark of issue 16): a hand-made row
is *reproduced* when a draft row has the same value (or marker) and statistic, stands inside
the hand-made anchor where the audit finds it, and names the same location; it is
*labelled* when that draft row also proposes the same quantity and cohort.

**Every field right** (:func:`score_fields`, issue 20, the gold dossiers). A draft row and a
gold row are *paired* when they are about the same printed number: the draft's number stands
inside the gold anchor where the audit finds it in the gold location (the occurrence of the
anchor inside the place ``location`` names; the location itself is then compared as a field),
and the values are equal (numerically: ``0.05`` and ``.05``; the same marker; dates and labels
as text). Pairs are one to one: among the candidates of a gold row the draft row with the most
fields right is taken (ties: the first in reading order), best pairs first. A paired draft row
is *right* when every field of :data:`FIELDS` agrees, compared as follows:

- ``location``: as a heading is read (case, markup, spacing and a final colon aside);
- ``row``, ``column``: as printed, after the audit's normalisation (case, whitespace,
  dashes and minus signs, footnote and citation marks aside), a leading bullet of a part
  ("• Respiratory") aside, as the data dictionary leaves bullets out of labels;
- ``anchor``: *anchor-compatible*: the draft's own anchor is found in the source (the
  audit's normalisation) at a place that holds the draft's number;
- ``category``, ``subgroup``: case, spaces and dashes aside;
- ``value``: numerically equal (text for dates and labels), or the same marker;
- ``comparator``: empty is ``=``; ``level``: empty is ``95``; ``denominator``: numerically
  equal or both empty;
- ``cohort``, ``arm``, ``quantity``, ``statistic``, ``unit``, ``marker``, ``sided`` and the
  optional columns ``versus``, ``adjustment``, ``test``, ``population``, ``hypothesis``,
  ``data_cut``: equal after stripping spaces (an absent column is empty).

``footnote``, ``note``, ``supersedes`` and ``id`` are not compared (a reviewer's words and
the dossier's bookkeeping). Recall = right pairs / gold rows; precision = right pairs / draft
rows; *unflagged right* = right pairs whose draft row is not flagged ``needs_review`` /
unflagged draft rows (a draft row paired with no gold row is not right).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from trialrecon.dossier.audit import SourceDoc, _rows
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.layout import _key, place_spans
from trialrecon.dossier.draft.normalise import normal


@dataclass(frozen=True)
class Score:
    rows: int  # hand-made rows of the source
    reproduced: int  # same value, statistic and location, at the anchor
    labelled: int  # ... and the same quantity and cohort
    drafted: int  # draft rows
    needs_review: int

    @property
    def reproduced_share(self) -> float:
        return self.reproduced / self.rows if self.rows else math.nan

    @property
    def labelled_share(self) -> float:
        return self.labelled / self.rows if self.rows else math.nan


def same_value(a: dict[str, str], b: dict[str, str]) -> bool:
    """Equal numbers (0.05 and .05), equal markers, or equal text (dates, labels)."""
    if a.get("marker") or b.get("marker"):
        return a.get("marker") == b.get("marker")
    try:
        return math.isclose(float(a["value"]), float(b["value"]), abs_tol=1e-12)
    except ValueError:
        return a["value"].strip() == b["value"].strip()


def anchor_spans(doc: SourceDoc, row: dict[str, str], named: set[str]) -> list[tuple[int, int]]:
    """Where the row's anchor stands in its location (original offsets)."""
    found = doc.find_all(normal(row["anchor"]))
    spans = place_spans(doc.layout, row["location"], named) or []
    return [(a, b) for a, b in found if any(s <= a < e for s, e in spans)]


def matches(doc: SourceDoc, row: dict[str, str], drafts: list[Draft],
            named: set[str]) -> list[Draft]:
    """The draft rows that reproduce ``row`` (value, statistic, location, at the anchor)."""
    spans = anchor_spans(doc, row, named)
    return [d for d in drafts if any(a <= d.offset < b for a, b in spans)
            and d.fields["statistic"] == row["statistic"] and same_value(d.fields, row)
            and _key(d.fields["location"]) == _key(row["location"])]


def score(doc: SourceDoc, dossier: Path, source_id: str, drafts: list[Draft]) -> Score:
    """The draft's figures against the hand-made rows of ``source_id`` in ``dossier``."""
    rows = [r for _, _, r in _rows(dossier) if r["source"] == source_id]
    named = {_key(r["location"]) for r in rows}
    reproduced = labelled = 0
    for row in rows:
        found = matches(doc, row, drafts, named)
        if found:
            reproduced += 1
            if any(d.fields["quantity"] == row["quantity"] and d.fields["cohort"] == row["cohort"]
                   for d in found):
                labelled += 1
    return Score(len(rows), reproduced, labelled, len(drafts),
                 sum(d.needs_review for d in drafts))


# --------------------------------------------------------------- every field right

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe63\uff0d]")


def _loose(text: str) -> str:
    """Case, runs of spaces and the kind of dash aside."""
    return re.sub(r"\s+", " ", _DASHES.sub("-", text or "")).strip().casefold()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _same_number(a: str, b: str) -> bool:
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return (a or "").strip() == (b or "").strip()
    return math.isclose(x, y, abs_tol=1e-9)


def _exact(name: str) -> Callable[[dict[str, str], dict[str, str]], bool]:
    return lambda d, g: (d.get(name) or "").strip() == (g.get(name) or "").strip()


_BULLET = re.compile(r"^[\s•·▪◦‣∙*-]+")


def _as_printed(label: str) -> str:
    """A row or column path as a reader compares it: each part without a leading bullet
    (the data dictionary leaves bullets out of labels), then the audit's normalisation."""
    return " / ".join(normal(_BULLET.sub("", p)).strip() for p in (label or "").split(" / "))


def _printed(name: str) -> Callable[[dict[str, str], dict[str, str]], bool]:
    return lambda d, g: _as_printed(d.get(name, "")) == _as_printed(g.get(name, ""))


def _loosely(name: str) -> Callable[[dict[str, str], dict[str, str]], bool]:
    return lambda d, g: _loose(d.get(name, "")) == _loose(g.get(name, ""))


def _defaulted(name: str, default: str) -> Callable[[dict[str, str], dict[str, str]], bool]:
    return lambda d, g: ((d.get(name) or "").strip() or default) == \
        ((g.get(name) or "").strip() or default)


Compare = Callable[[dict[str, str], dict[str, str]], bool]
# The fields compared, in the order the per-field table prints them ("anchor" is special:
# see anchor_compatible).
FIELDS: dict[str, Compare | None] = {
    "location": lambda d, g: _key(d.get("location", "")) == _key(g.get("location", "")),
    "row": _printed("row"),
    "column": _printed("column"),
    "anchor": None,
    "cohort": _exact("cohort"),
    "arm": _exact("arm"),
    "subgroup": _loosely("subgroup"),
    "quantity": _exact("quantity"),
    "category": _loosely("category"),
    "statistic": _exact("statistic"),
    "value": lambda d, g: same_value(d, g),
    "comparator": _defaulted("comparator", "="),
    "unit": _exact("unit"),
    "denominator": lambda d, g: _same_number(d.get("denominator", ""), g.get("denominator", "")),
    "marker": _exact("marker"),
    "sided": _exact("sided"),
    "level": lambda d, g: _same_number((d.get("level") or "").strip() or "95",
                                       (g.get("level") or "").strip() or "95"),
    "versus": _exact("versus"),
    "adjustment": _exact("adjustment"),
    "test": _exact("test"),
    "population": _exact("population"),
    "hypothesis": _exact("hypothesis"),
    "data_cut": _exact("data_cut"),
}


def anchor_compatible(doc: SourceDoc, draft: Draft) -> bool:
    """The draft's anchor is found in the source at a place holding the draft's number."""
    needle = normal(draft.fields.get("anchor", ""))
    return bool(needle) and any(a <= draft.offset < b for a, b in doc.find_all(needle))


def wrong_fields(doc: SourceDoc, draft: Draft, gold: dict[str, str],
                 anchor_ok: bool | None = None) -> list[str]:
    """The fields of :data:`FIELDS` on which ``draft`` and ``gold`` disagree.

    ``anchor_ok``: whether the draft's anchor is compatible, when already known.
    """
    out = []
    for name, same in FIELDS.items():
        if same is None:
            ok = anchor_compatible(doc, draft) if anchor_ok is None else anchor_ok
        else:
            ok = same(draft.fields, gold)
        if not ok:
            out.append(name)
    return out


@dataclass
class FieldScore:
    """One paper's (or several papers') figures of the every-field measure."""

    gold: int = 0  # gold rows
    drafted: int = 0  # draft rows
    unflagged: int = 0  # draft rows not flagged needs_review
    paired: int = 0  # gold rows paired with a draft row
    right: int = 0  # pairs with every field right
    unflagged_right: int = 0  # ... whose draft row is unflagged
    gold_in_tables: int = 0  # gold rows in table cells (location "Table N")
    right_in_tables: int = 0
    wrong: Counter[str] = field(default_factory=Counter)  # field -> pairs wrong on it
    examples: list[tuple[str, dict[str, str], dict[str, str], list[str]]] = \
        field(default_factory=list)  # (gold id, gold row, draft fields, wrong fields)

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else math.nan

    @property
    def precision(self) -> float:
        return self.right / self.drafted if self.drafted else math.nan

    @property
    def unflagged_share(self) -> float:
        return self.unflagged_right / self.unflagged if self.unflagged else math.nan

    @property
    def table_recall(self) -> float:
        return self.right_in_tables / self.gold_in_tables if self.gold_in_tables else math.nan

    @property
    def text_recall(self) -> float:
        text = self.gold - self.gold_in_tables
        return (self.right - self.right_in_tables) / text if text else math.nan

    def field_accuracy(self, name: str) -> float:
        return 1 - self.wrong[name] / self.paired if self.paired else math.nan

    def add(self, other: FieldScore) -> None:
        for name in ("gold", "drafted", "unflagged", "paired", "right", "unflagged_right",
                     "gold_in_tables", "right_in_tables"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wrong.update(other.wrong)
        self.examples.extend(other.examples)


def _candidates(doc: SourceDoc, rows: list[dict[str, str]], drafts: list[Draft]
                ) -> list[tuple[int, int, int, list[str]]]:
    """(fields wrong, gold index, draft index, wrong fields) of every candidate pair."""
    named = {_key(r["location"]) for r in rows}
    offsets = sorted((d.offset, i) for i, d in enumerate(drafts))
    keys = [o for o, _ in offsets]
    pairs = []
    anchor_ok: dict[int, bool] = {}
    for gi, row in enumerate(rows):
        for a, b in anchor_spans(doc, row, named):
            lo = _bisect(keys, a)
            for k in range(lo, len(keys)):
                if keys[k] >= b:
                    break
                di = offsets[k][1]
                if same_value(drafts[di].fields, row):
                    if di not in anchor_ok:
                        anchor_ok[di] = anchor_compatible(doc, drafts[di])
                    wrong = wrong_fields(doc, drafts[di], row, anchor_ok[di])
                    pairs.append((len(wrong), gi, di, wrong))
    return pairs


def _bisect(keys: list[int], x: int) -> int:
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _in_table(row: dict[str, str]) -> bool:
    """A row of a table cell (``Table 2``; not its title or footnotes)."""
    return bool(re.fullmatch(r"table\s+\S+", _key(row.get("location", ""))))


def score_fields(doc: SourceDoc, rows: Iterable[dict[str, str]],
                 drafts: list[Draft]) -> FieldScore:
    """The every-field figures of ``drafts`` against the gold ``rows`` of one source."""
    gold = [r for r in rows if r.get("anchor")]
    out = FieldScore(gold=len(gold), drafted=len(drafts),
                     unflagged=sum(not d.needs_review for d in drafts),
                     gold_in_tables=sum(_in_table(r) for r in gold))
    used_gold: set[int] = set()
    used_draft: set[int] = set()
    for n_wrong, gi, di, wrong in sorted(_candidates(doc, gold, drafts),
                                         key=lambda p: (p[0], p[1], drafts[p[2]].offset, p[2])):
        if gi in used_gold or di in used_draft:
            continue
        used_gold.add(gi)
        used_draft.add(di)
        out.paired += 1
        out.wrong.update(wrong)
        if n_wrong == 0:
            out.right += 1
            out.unflagged_right += not drafts[di].needs_review
            out.right_in_tables += _in_table(gold[gi])
        else:
            out.examples.append((gold[gi].get("id", ""), gold[gi], drafts[di].fields, wrong))
    return out


def gold_rows(dossier: Path, source_id: str) -> list[dict[str, str]]:
    """The rows of ``dossier`` (every ``values*.csv``) of source ``source_id``."""
    return [r for _, _, r in _rows(dossier) if r["source"] == source_id]


# ------------------------------------------------------------------ a gold dossier


@dataclass
class GoldResult:
    """A gold dossier's paper drafted and scored (what the benchmark prints per paper)."""

    dossier: Path
    source_id: str
    paper: Path
    seconds: float
    score: FieldScore


def paper_source(dossier: Path, sources_dir: Path | None) -> tuple[str, Path] | None:
    """(source id, file) of the first source of ``dossier`` whose text is at hand."""
    from trialrecon.dossier.audit import source_files
    from trialrecon.dossier.safe_yaml import load_file

    files, _ = source_files(dossier, sources_dir)
    raw = load_file(dossier / "trial.yaml", within=dossier)
    for entry in raw.get("sources") or [] if isinstance(raw, dict) else []:
        ident = str(entry.get("id")) if isinstance(entry, dict) else ""
        if ident in files and entry.get("kind") in ("paper", "abstract", "review", None):
            return ident, files[ident]
    return None


def score_gold(dossier: Path, sources_dir: Path | None,
               source_id: str | None = None) -> GoldResult | None:
    """Draft the paper of ``dossier`` with its trial.yaml's names and score every field.

    The names (arms, cohorts, endpoints, analysis sets) are the gold ``trial.yaml``'s, as a
    person drafting the paper would declare them first. None when the paper is not at hand.
    """
    import time

    from trialrecon.dossier.audit import source_doc, source_files
    from trialrecon.dossier.draft import draft_source
    from trialrecon.dossier.draft.lexicon import read_names

    if source_id is None:
        found = paper_source(dossier, sources_dir)
        if found is None:
            return None
        source_id, paper = found
    else:
        files, _ = source_files(dossier, sources_dir)
        if source_id not in files:
            return None
        paper = files[source_id]
    names = read_names(dossier / "trial.yaml")
    start = time.perf_counter()
    document, drafts = draft_source(paper, names, source_id)
    seconds = time.perf_counter() - start
    result = score_fields(source_doc(paper, document), gold_rows(dossier, source_id), drafts)
    return GoldResult(dossier, source_id, paper, seconds, result)
