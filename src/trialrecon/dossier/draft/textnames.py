"""What a sentence names: the outcome or characteristic a table of the same paper labels.

The data dictionary asks a sentence's number to reuse the category of the table row that
reports the same thing ("respiratory distress syndrome" in the Abstract is the table's
``Neonatal RDS``), so that the reconciliation compares them. A sentence rarely prints the
row's words as the table does; it spells out an abbreviation, drops a format or a unit, uses
the other spelling of a word. The words of both are therefore compared as *keys*:

- folded, British and American spellings made one (``haem``/``hem``, ``oe``/``e``,
  ``-ise``/``-ize``), a plural as its singular;
- an abbreviation the paper defines ("respiratory distress syndrome (RDS)") stands for its
  words and its words for it (:func:`abbreviations`);
- stop words and words that say how a number is printed (``n``, ``%``, ``mean``, ``SD``,
  ``patients``) are left out.

:class:`TableNames` holds every (quantity, category) a document's tables drafted, with the
labels a sentence borrows (population, unit, adjustment, test); :meth:`TableNames.named`
finds the rows a stretch of a sentence names: most of a row's key words stand in it, the
words nearest the number winning; numbers alone never name a row (any "1" of a sentence
would otherwise name the ``ECOG / 1`` row).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.normalise import fold

_STOP = frozenset(
    "the and with for from was were are is been be had has have that this these those than "
    "patients patient participants participant subjects n no yes number numbers mean median sd "
    "se iqr range total any all in of at on to by or a an as per its their who which after "
    "before during within between among into over under vs versus group groups arm arms "
    "rate rates proportion percentage percent value values other overall incidence ratio "
    "data count counts score scores level levels".split())
_SPELLING = ((re.compile(r"haem"), "hem"), (re.compile(r"oe(?=[a-z])"), "e"),
             (re.compile(r"ae(?=[a-z])"), "e"), (re.compile(r"isation"), "ization"),
             (re.compile(r"ise(d|s)?$"), r"ize\1"), (re.compile(r"our$"), "or"),
             (re.compile(r"tre$"), "ter"))
_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)*|\d+(?:\.\d+)?")


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """A word as compared: folded, one spelling, singular."""
    w = fold(word).replace("’", "'").strip("'-")
    for pattern, repl in _SPELLING:
        w = pattern.sub(repl, w)
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w


def words_at(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of every word of ``text`` that can name something."""
    out = []
    for m in _WORD.finditer(fold(text)):
        for part in re.split(r"-", m.group()) if "-" in m.group() else [m.group()]:
            k = key(part)
            if k and k not in _STOP and (len(k) > 1 or k.isdigit()):
                out.append((k, m.start(), m.end()))
    return out


# levels too vague to name a row on their own
_VAGUE = frozenset("other unknown missing none never former current present absent positive "
                   "negative normal abnormal male female".split())


def content_keys(text: str) -> frozenset[str]:
    return frozenset(k for k, _, _ in words_at(text))


# ------------------------------------------------------------------ abbreviations

_DEFINED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-]{1,9}?s?)\s*[);,]")


def _long_form(words: list[str], abbr: str) -> list[str] | None:
    """The shortest run of trailing ``words`` whose letters spell ``abbr`` in order, its
    first letter starting the first word (the usual way an abbreviation is made)."""
    letters = [c for c in abbr.lower() if c.isalnum()]
    if len(letters) < 2:
        return None
    for k in range(1, min(len(words), len(letters) + 2) + 1):
        run = words[-k:]
        if not run[0] or run[0][0].lower() != letters[0]:
            continue
        text = " ".join(run).lower()
        pos, ok = 0, True
        for c in letters:
            pos = text.find(c, pos)
            if pos < 0:
                ok = False
                break
            pos += 1
        initials = sum(1 for w in run if w and w[0].lower() in letters)
        if ok and initials >= min(len(run), 2) - (1 if len(run) > 3 else 0):
            return run
    return None


def abbreviations(text: str) -> dict[str, tuple[str, ...]]:
    """{abbreviation key: the keys of its long form} for every "long form (ABBR)" of ``text``
    whose abbreviation is printed with a capital letter."""
    out: dict[str, tuple[str, ...]] = {}
    for m in _DEFINED.finditer(text):
        abbr = m.group(1)
        if not re.search(r"[A-Z]", abbr) or abbr.isdigit():
            continue
        before = re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text[max(0, m.start() - 120):m.start()])
        run = _long_form(before, re.sub(r"s$", "", abbr) if abbr[-1] == "s" and
                         abbr[:-1].isupper() else abbr)
        if run:
            keys = tuple(k for k, _, _ in words_at(" ".join(run)))
            if keys:
                out.setdefault(key(abbr), keys)
    for m in _LISTED.finditer(text):  # "Abbreviations: CI, confidence interval; RDS, ..."
        abbr, long = m.group(1), m.group(2).split()
        run = _long_form(long, abbr) if len(long) <= len(abbr) + 2 else None
        if run == long:
            keys = tuple(k for k, _, _ in words_at(" ".join(run)))
            if keys:
                out.setdefault(key(abbr), keys)
    return out


# an entry of an abbreviation list: "RDS, respiratory distress syndrome;" (after a ";", a
# ":" or a sentence's end)
_LISTED = re.compile(r"(?:[;:.]\s*|^)([A-Z][A-Za-z0-9]{1,9}),\s+([a-z][a-z -]{2,60}?)(?=\s*[;.]|$)",
                     re.MULTILINE)


# ------------------------------------------------------------------ the tables' names


@dataclass(frozen=True)
class Named:
    """A (quantity, category) of the tables and the labels a sentence may borrow from it."""

    quantity: str
    category: str
    keys: frozenset[str]
    stub: str = ""  # the row's stub, for a quantity without a category ("Male")
    level: frozenset[str] = frozenset()  # the keys of a "Group: level" category's level
    population: str = ""
    unit: str = ""
    statistics: frozenset[str] = frozenset()
    rows: int = 0  # table cells drafted with it
    unsure: bool = False  # a cell of it guessed its quantity or category


@dataclass
class TableNames:
    """Every (quantity, category) the tables drafted, by the keys of the category."""

    entries: list[Named] = field(default_factory=list)
    abbr: dict[str, tuple[str, ...]] = field(default_factory=dict)
    distinct: frozenset[frozenset[str]] = frozenset()  # levels that name one row only
    # the analysis sets the tables give adverse events, most cells first
    safety_sets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[frozenset[str], set[str]] = defaultdict(set)
        for e in self.entries:
            if e.level:
                seen[e.level].add(e.category)
        self.distinct = frozenset(level for level, cats in seen.items() if len(cats) == 1 and all(
            len(k) >= 5 and not k.isdigit() and k not in _VAGUE for k in level))

    def expand(self, keys: Iterable[str]) -> set[str]:
        """Keys with each abbreviation's long form added (and a long form's abbreviation)."""
        out = set(keys)
        for k in list(out):
            out.update(self.abbr.get(k, ()))
        for short, long in self.abbr.items():
            if long and all(w in out for w in long):
                out.add(short)
        return out

    def top(self, text: str, stop: int, after: int | None = None) -> set[tuple[str, str, str]]:
        """The (quantity, category, stub) of the entries named best before ``stop``."""
        found = self.named(text, stop, after=after)
        if not found:
            return set()
        best = found[0][1]
        return {(e.quantity, e.category, e.stub) for e, sc in found if sc >= best - 1e-9}

    def named(self, text: str, stop: int, quantities: Iterable[str] | None = None,
              after: int | None = None) -> list[tuple[Named, float]]:
        """The entries that ``text[:stop]`` names (or ``text[stop:after]`` after the number),
        best first, with a score (higher is better): the share of the entry's keys printed,
        then how near the number the last of them stands."""
        allowed = set(quantities) if quantities is not None else None
        positions: dict[str, int] = {}
        for k, s, _ in words_at(text[:stop]):
            positions[k] = s
        if after:
            for k, _, _ in words_at(text[stop:after]):
                positions.setdefault(k, -1)  # after the number: a weaker place
        for k, p in list(positions.items()):
            for w in self.abbr.get(k, ()):
                positions.setdefault(w, p)
        for short, long in self.abbr.items():
            if long and all(w in positions for w in long):
                positions.setdefault(short, max(positions[w] for w in long))
        out = []
        for e in self.entries:
            if allowed is not None and e.quantity not in allowed:
                continue
            hit = [k for k in e.keys if k in positions]
            need = len(e.keys) if len(e.keys) <= 2 else (2 * len(e.keys) + 2) // 3
            share = len(hit) / len(e.keys) if e.keys else 0.0
            if (not e.keys or len(hit) < need) and e.level and e.level in self.distinct and \
                    all(k in positions for k in e.level):
                hit, share = list(e.level), 0.9  # "in adenocarcinoma": the level alone
            elif not e.keys or len(hit) < need:
                continue
            if all(k.isdigit() for k in hit):
                continue  # "1" in "day 1" names no "ECOG / 1" row: a level needs its word
            near = max(positions[k] for k in hit)
            distance = (stop - near) / 400 if near >= 0 else 0.5
            out.append((e, share + 0.01 * len(hit) - distance))
        out.sort(key=lambda x: (-x[1], x[0].quantity, x[0].category))
        return out


def _entry_keys(category: str) -> frozenset[str]:
    # "Sex: Male" names both the characteristic and the level; a format or unit in
    # parentheses says how it is printed
    text = re.sub(r"\((?:n|%|no\.?|n/n|mean|median|sd|iqr|range)[^)]*\)|\d+\s*%\s*,?\s*ci\b|"
                  r"\bci\b", " ", category, flags=re.IGNORECASE)
    return content_keys(text)


def entry_of(d: Draft) -> tuple[str, str, str]:
    """(quantity, category, stub) naming a table cell's row: the stub only counts for a
    quantity that has no category ("Sex / Male" is ``male``)."""
    q, c = d.fields.get("quantity", ""), d.fields.get("category", "")
    stub = "" if c else d.fields.get("row", "").split(" / ")[-1]
    return q, c, stub


def table_names(cells: list[Draft], document_text: str) -> TableNames:
    """The names of every (quantity, category) of the tables' draft rows."""
    groups: dict[tuple[str, str, str], list[Draft]] = defaultdict(list)
    for d in cells:
        q, c, stub = entry_of(d)
        if q and (c or stub) and c != "any":
            groups[(q, c, stub)].append(d)
    entries = []
    for (q, c, stub), rows in sorted(groups.items()):
        keys = _entry_keys(c or stub)
        pops = {d.fields.get("population", "") for d in rows}
        units = {d.fields.get("unit", "") for d in rows
                 if d.fields.get("statistic") not in ("count", "percent", "p_value")}
        level = content_keys(c.split(":", 1)[1]) if ":" in c else frozenset()
        entries.append(Named(q, c, keys, stub, level, pops.pop() if len(pops) == 1 else "",
                             units.pop() if len(units) == 1 else "",
                             frozenset(d.fields.get("statistic", "") for d in rows), len(rows),
                             any(r.startswith(("guess: quantity", "guess: category"))
                                 for d in rows for r in d.rules)))
    return TableNames([e for e in entries if e.keys], abbreviations(document_text),
                      safety_sets=_safety_sets(cells))


def _safety_sets(cells: list[Draft]) -> tuple[str, ...]:
    """The analysis sets the tables' adverse-event cells are over, the most used first."""
    count: dict[str, int] = defaultdict(int)
    for d in cells:
        if SAFETY_QUANTITY.match(d.fields.get("quantity", "")) and d.fields.get("population"):
            count[d.fields["population"]] += 1
    return tuple(sorted(count, key=lambda p: (-count[p], p)))


# adverse events and the safety set itself: the data dictionary puts the safety set (the one
# the paper defines) on them wherever they are printed
SAFETY_QUANTITY = re.compile(r"^(?:t?r?ae_[a-z0-9_]+|safety_population)$")
