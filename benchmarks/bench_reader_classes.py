"""Count, over the papers of ../shared/papers, the reader and audit problem classes of issue 20.

For each class: how often the situation occurs in the corpus ("seen") and how often the
reader or the audit still gets it wrong ("wrong"). The detectors read the grid and the text
with rules of their own (written here, not imported from the reader), so the script can be
run against an older checkout to compare (``PYTHONPATH=<old>/src``):

- ``subheader``: tables whose first body rows, before the first row with a number, print
  labels right of the stub ("All grades | Grade 1-2", "n (%)"); wrong: left in the body;
- ``summary_heading``: stub rows that fill only columns the next row leaves empty (the P
  value of "Sex" above "Male", "Female"); wrong: the next row's label lacks the heading;
- ``n_heading``: stub rows of "(n = 418)" cells above rows with numbers; wrong: likewise;
- ``flat_group``: in a table with indented labels, a group row followed by labels not
  indented; wrong: the next row's label lacks the group;
- ``empty_indent``: stub cells of spaces only read as indented labels (wrong, each);
- ``mark_punct``: a mark right before punctuation (``Age^{*}, years``); wrong: the
  normalised text leaves a space before the punctuation;
- ``note_marks``: notes whose mark is printed as a character (``*Pearson``, ``; †These``);
  wrong: the note has no mark, or holds another note's mark inside it;
- ``dates``: dates printed in the text (``Sept 30, 2017``, ``March, 30th 2016``, ``08
  March 2013``); wrong: the audit's printed forms of the date do not find it;
- ``panel``: boxed panels with running text of their section after them; wrong: the
  section, with the panel named as a place too, does not reach that text;
- ``words_and`` / ``times``: numbers in words with "and" ("seven hundred and
  eighty-seven") and "twice"; wrong: the forms of the value with a "printed as a word" note
  do not find them.

    .venv/bin/python benchmarks/bench_reader_classes.py [--papers DIR] [-v]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

from lxml import etree

from trialrecon.dossier.draft.document import Document, Table
from trialrecon.dossier.draft.layout import _key, place_spans
from trialrecon.dossier.draft.normalise import normal
from trialrecon.dossier.draft.printed import find_value, printed_forms
from trialrecon.dossier.draft.reader import read_document
from trialrecon.dossier.draft.textdoc import layout_of

ROOT = Path(__file__).resolve().parents[1]
_NUMBER = re.compile(r"^[pP]?\s*[=<>≤≥]?\s*[<>≤≥]?\s*[-−–]?[\d.·]")
_N = re.compile(r"^[(\[]?\s*(?:[nN]|No\.)\s*=\s*[\d,  ]+\s*[)\]]?$")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_ORD = r"(?:st|nd|rd|th|\^\{(?:st|nd|rd|th)\})?"
_DATE = re.compile(rf"\b(?:\d{{1,2}}{_ORD}\s+{_MONTH},?\s+(?:19|20)\d\d|"
                   rf"{_MONTH},?\s+\d{{1,2}}{_ORD},?\s+(?:19|20)\d\d|{_MONTH},?\s+(?:19|20)\d\d)\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    """British words of 0-999 ("seven hundred and eighty-seven"), written here on purpose."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " and " + _words(n % 100))


def _right(t: Table, r: int) -> list[str]:
    return [t.cell_at(r, c).plain for c in range(1, t.n_cols)
            if t.is_origin(r, c) and t.cell_at(r, c).plain]


def _filled(t: Table, r: int) -> set[int]:
    return {c for c in range(max(1, t.stub_columns), t.n_cols)
            if t.is_origin(r, c) and t.cell_at(r, c).plain}


def _carried(t: Table, r: int, label: str) -> bool:
    return label in t.row_labels[r].split(" / ")[:-1] or t.row_groups[r].endswith(label)


def _tables(doc: Document, seen: Counter, wrong: Counter, where: dict) -> None:
    for t in doc.tables:
        if t.n_cols < 2:
            continue
        numbers = [r for r in range(t.n_rows) if any(_NUMBER.match(x) and not _N.match(x)
                                                     for x in _right(t, r))]
        first = min(numbers, default=None)
        lead = [r for r in range(1, first or 0)
                if _right(t, r) and not all(_N.match(x) for x in _right(t, r))
                and all(x.strip("–—-. ") and not _NUMBER.match(x) for x in _right(t, r))]
        if lead and lead[0] <= t.header_rows:
            seen["subheader"] += 1
            if any(r >= t.header_rows for r in lead):
                wrong["subheader"] += 1
                where["subheader"].append(f"{doc.source} {t.label}")
        for r in range(t.header_rows, t.n_rows - 1):
            stub = t.cell_at(r, 0).plain if t.is_origin(r, 0) else ""
            nxt = t.cell_at(r + 1, 0).plain
            if not stub or not nxt:
                continue
            mine, theirs = _filled(t, r), _filled(t, r + 1)
            kind = ""
            if mine and not mine & theirs and len(theirs) >= 2 and len(mine) < len(theirs):
                kind = "summary_heading"
            elif _right(t, r) and all(_N.match(x) for x in _right(t, r)) and theirs:
                kind = "n_heading"
            if kind:
                seen[kind] += 1
                if not _carried(t, r + 1, stub):
                    wrong[kind] += 1
                    where[kind].append(f"{doc.source} {t.label} {stub[:40]!r}")
        indented = any(t.cell_at(r, 0).indent and t.cell_at(r, 0).plain
                       for r in range(t.header_rows, t.n_rows))
        for r in range(t.header_rows, t.n_rows):
            cell = t.cell_at(r, 0)
            if t.is_origin(r, 0) and cell.indent and not cell.plain:
                seen["empty_indent"] += 1
                wrong["empty_indent"] += 1
                where["empty_indent"].append(f"{doc.source} {t.label} row {r}")
            if indented and t.stub_columns == 1 and r + 1 < t.n_rows and cell.plain \
                    and not _filled(t, r) and t.cell_at(r + 1, 0).plain \
                    and t.cell_at(r + 1, 0).indent <= cell.indent and _filled(t, r + 1):
                seen["flat_group"] += 1
                if not _carried(t, r + 1, cell.plain):
                    wrong["flat_group"] += 1
                    where["flat_group"].append(f"{doc.source} {t.label} {cell.plain[:40]!r}")
        for n in t.footnotes:
            body = re.sub(r"^\^\{[^}]*\}\s*", "", n.text)
            printed = re.match(r"\s*[*†‡§¶#‖¹²³]\s*[A-Za-z]", body) or re.search(
                r"[.;]\s+[*†‡§¶#‖]\s?[A-Z]", body)
            if printed or re.search(r"[*†‡§¶#‖¹²³]", n.mark):
                seen["note_marks"] += 1
            if printed:
                wrong["note_marks"] += 1
                where["note_marks"].append(f"{doc.source} {t.label} {body[:40]!r}")


def _text(doc: Document, seen: Counter, wrong: Counter, where: dict) -> None:
    for m in re.finditer(r"(\w+)\^\{[^}\n]*\}([,;:)])", doc.text):
        seen["mark_punct"] += 1
        if re.search(r"\s[,;:)]$", normal(m.group())):
            wrong["mark_punct"] += 1
            where["mark_punct"].append(f"{doc.source} {m.group()[:30]!r}")
    for m in _DATE.finditer(doc.text):
        seen["dates"] += 1
        printed = re.sub(r"\^\{(st|nd|rd|th)\}", r"\1", m.group())
        value = _date_value(printed)
        if not value or find_value(normal(m.group()), printed_forms(value, "date")) < 0:
            wrong["dates"] += 1
            where["dates"].append(f"{doc.source} {m.group()!r}")
    for m in re.finditer(r"\b(?:one|two|three|four|five|six|seven|eight|nine) hundred and "
                         r"[a-z]+(?:-[a-z]+)?", doc.text, re.IGNORECASE):
        n = next((k for k in range(100, 1000) if _words(k) == m.group().lower()), None)
        if n is None:
            continue
        seen["words_and"] += 1
        if find_value(normal(m.group()), printed_forms(str(n), "count", "printed in words")) < 0:
            wrong["words_and"] += 1
            where["words_and"].append(f"{doc.source} {m.group()!r}")
    for m in re.finditer(r"\btwice\b", doc.text, re.IGNORECASE):
        seen["times"] += 1
        if find_value(normal(m.group()), printed_forms("2", "count", "printed as a word")) < 0:
            wrong["times"] += 1


def _date_value(text: str) -> str:
    month = next((i for i, m in enumerate(_MONTHS, 1)
                  if re.search(rf"\b{m}", text, re.IGNORECASE)), 0)
    year = re.search(r"(?:19|20)\d\d", text)
    day = re.search(r"(?<![\d])(\d{1,2})(?:st|nd|rd|th)?(?![\d])", text.replace(
        year.group() if year else "####", ""))
    if not month or not year:
        return ""
    return f"{year.group()}-{month:02d}" + (f"-{int(day.group(1)):02d}" if day else "")


def _panels(path: Path, doc: Document, seen: Counter, wrong: Counter, where: dict) -> None:
    """Boxed texts of the XML followed, in their section, by a paragraph of that section."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                  load_dtd=False)).getroot()
    layout = layout_of(doc)
    for box in root.iter("boxed-text"):
        title = box.find("caption/title")
        sec = next((a for a in box.iterancestors() if a.tag == "sec"), None)
        if title is None or sec is None or sec.find("title") is None:
            continue
        later = [p for p in sec.iter("p") if box not in p.iterancestors() and p is not box
                 and p not in box.iterancestors() and p.sourceline > box.sourceline
                 or p.sourceline == box.sourceline and _after(p, box)]
        later = [p for p in later if box not in p.iterancestors()]
        if not later:
            continue
        words = " ".join("".join(later[0].itertext()).split()[:6])
        heading = " ".join("".join(sec.find("title").itertext()).split())
        found = doc.text.find(words)
        if found < 0:
            continue
        seen["panel"] += 1
        named = {_key(heading), _key(" ".join("".join(title.itertext()).split()))}
        spans = place_spans(layout, heading, named) or []
        if not any(a <= found < b for a, b in spans):
            wrong["panel"] += 1
            where["panel"].append(f"{doc.source} in {heading!r}")


def _after(p: etree._Element, box: etree._Element) -> bool:
    """``p`` comes after ``box`` in document order."""
    for el in box.getroottree().iter():
        if el is box:
            return True
        if el is p:
            return False
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=next(
        (p / "shared" / "papers" for p in ROOT.parents if (p / "shared" / "papers").is_dir()),
        None))
    parser.add_argument("-v", action="store_true", help="list where each wrong one is")
    args = parser.parse_args()
    if args.papers is None or not args.papers.is_dir():
        print("no ../shared/papers folder found; give --papers DIR")
        return 2
    seen: Counter = Counter()
    wrong: Counter = Counter()
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted(args.papers.glob("*.nxml")):
        doc = read_document(path)
        _tables(doc, seen, wrong, where)
        _text(doc, seen, wrong, where)
        _panels(path, doc, seen, wrong, where)
    print(f"{'class':<18} {'seen':>6} {'wrong':>6}")
    for name in sorted(seen):
        print(f"{name:<18} {seen[name]:>6} {wrong[name]:>6}")
    if args.v:
        for name, places in sorted(where.items()):
            print(f"\n{name}:")
            for place in places:
                print(f"  {place}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
