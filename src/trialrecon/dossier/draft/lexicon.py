"""The drafter's lexicon (``lexicon.yaml``) and the names a trial gives its groups.

:class:`Lexicon` finds the terms of each quantity in a normalised context and proposes the
quantity whose term is longest and nearest to a number. Matching is indexed: every term's
pattern is compiled once, and a context is tried only against the terms whose rarest word it
contains (a set lookup), so a long table costs time in proportion to its cells; the hits of a
context are cached, since every cell of a row shares the row's context and every cell of a
column the column's.

:class:`Names` does the same for the cohorts, arms, endpoints and analysis sets of
``trial.yaml`` (their ids, labels and the usual plural, short and initial forms), and says
which arm a column header names (:meth:`Names.arm_of_header`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from trialrecon.dossier.draft.armnames import drop_fragments, is_pooling_header
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.setheadings import set_aliases
from trialrecon.dossier.safe_yaml import YamlRefused, load_file

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    """A term found in a context: what it names, where, and which term."""

    name: str
    term: str
    start: int
    end: int


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(fold(term)) + r"(?![a-z0-9])")


@dataclass(frozen=True)
class _Term:
    name: str
    term: str
    parts: tuple[re.Pattern[str], ...]
    keys: tuple[str, ...]  # one word of each part that a context must contain


def _key_word(part: str) -> str:
    words = _WORD.findall(fold(part))
    return max(words, key=len) if words else ""


class TermIndex:
    """Terms (``name -> [term, ...]``, ``a+b`` = both parts) found fast in many contexts."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        self.by_key: dict[str, list[_Term]] = {}
        self.always: list[_Term] = []  # terms with no word to index them by
        for name, term in terms:
            parts = tuple(p for p in term.split("+") if p.strip()) or (term,)
            entry = _Term(name, term, tuple(_term_pattern(p) for p in parts),
                          tuple(_key_word(p) for p in parts))
            key = entry.keys[0]
            (self.by_key.setdefault(key, []) if key else self.always).append(entry)
        self._cached = lru_cache(maxsize=8192)(self._find)

    def hits(self, context: str) -> list[Hit]:
        """Every term in ``context`` (folded text); a compound term at its last part."""
        return list(self._cached(context))

    def _find(self, context: str) -> tuple[Hit, ...]:
        words = set(_WORD.findall(context))
        candidates = [t for w in words for t in self.by_key.get(w, ())] + self.always
        out = []
        for t in candidates:
            if any(k and k not in words for k in t.keys[1:]):
                continue
            found = [p.search(context) for p in t.parts]
            if all(found):
                last = max(found, key=lambda m: m.start())  # type: ignore[union-attr]
                out.append(Hit(t.name, t.term, last.start(), last.end()))  # type: ignore[union-attr]
        out.sort(key=lambda h: (h.start, h.name, h.term))
        return tuple(out)


@dataclass(frozen=True, eq=False)
class Lexicon:
    quantities: dict[str, dict[str, Any]]
    response_categories: dict[str, list[str]]
    stub_categories: frozenset[str]
    pooled_terms: tuple[str, ...]
    skip_sections: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)  # the other sections of the file

    def unit(self, quantity: str) -> str:
        return str(self.quantities.get(quantity, {}).get("unit", "none"))

    def statistic(self, quantity: str) -> str:
        return str(self.quantities.get(quantity, {}).get("statistic", "value"))

    def hits(self, context: str) -> list[Hit]:
        """Every quantity term in ``context`` (normalised text), compound terms included."""
        return _index().hits(context)

    def response_category(self, label: str) -> str:
        key = fold(label)
        for category, terms in self.response_categories.items():
            if any(_term_pattern(t).search(key) for t in terms):
                return category
        return ""

    def skipped(self, heading: str) -> bool:
        key = fold(heading).strip(" :")
        return any(key == s or key.startswith(s) for s in self.skip_sections)


@cache
def _index() -> TermIndex:
    return TermIndex((name, t) for name, entry in lexicon().quantities.items()
                     for t in entry.get("terms", []))


@cache
def lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    text = resources.files("trialrecon.dossier.draft").joinpath("lexicon.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    known = {"quantities", "response_categories", "stub_categories", "pooled_terms",
             "skip_sections"}
    return Lexicon(raw["quantities"], raw["response_categories"],
                   frozenset(raw["stub_categories"]), tuple(raw["pooled_terms"]),
                   tuple(raw["skip_sections"]), {k: v for k, v in raw.items() if k not in known})


def best_hit(hits: list[Hit], position: int, end: int | None = None,
             group_end: int | None = None) -> tuple[Hit, float] | None:
    """The hit that best names the number at ``position``..``end``: near, long, before it.

    Papers name the quantity before its number ("the median PFS was 15.7 months"), or as
    the noun right after it ("21 centers"); a term further after counts for less. Longer
    terms are more specific. The second value is the score (lower is better). The noun
    may follow the number's group ("104 (73%) died": ``group_end`` is where "73" ends).
    """
    end = position if end is None else end
    nouns = {end} if group_end is None else {end, group_end}
    scored = []
    for h in hits:
        length = len(h.term.replace("+", " "))
        if h.end <= position:
            score = float(position - h.end) - 2 * length
        elif any(0 <= h.start - e <= 3 for e in nouns):
            score = -50.0 - length  # the noun of the number: "21 centers", "37 deaths"
        elif h.start >= end:
            score = 60 + 2.0 * (h.start - end) - 2 * length
        else:
            continue
        scored.append((score, h))
    if not scored:
        return None
    scored.sort(key=lambda s: (s[0], s[1].start, s[1].name))
    return scored[0][1], scored[0][0]


# ------------------------------------------------------------------ cohorts and arms

_GENERIC = {"cohort", "arm", "group", "patients", "all", "with", "the", "of", "and", "mg",
            "daily", "orally", "once", "net", "nets", "tumor", "tumors", "plus", "alone",
            "therapy", "treatment", "study", "care", "dose", "in", "per", "for", "or",
            "a", "an", "to", "on", "by", "at", "vs", "versus", "x", "iv"}
_COMPARATOR_WORDS = ("placebo", "control", "usual care", "standard care", "standard of care",
                     "standard", "comparator", "observation", "sham", "no treatment")
_EXPERIMENTAL_WORDS = ("experimental", "intervention", "active", "investigational")


def _main_label(label: str) -> str:
    """A label without its parenthesised details: "Drug X (45 Gy in 30 fractions)"."""
    return re.sub(r"\s*\([^)]*\)", " ", label).strip() or label


def _synonyms(label: str) -> tuple[str, ...]:
    """Other names of an endpoint: one given in its label's parentheses repeating the
    label's head word ("survival from CR (survival post CR)": ``survival post cr``), and the
    label before a qualifier ("death in CR without relapse": ``death in cr``); a detail in
    parentheses ("competing risks", "patients in CR") is no name of it."""
    words = fold(_main_label(label)).split()
    if not words:
        return ()
    out = []
    # "death in CR without relapse" is printed "death in CR": the name before its qualifier
    short = re.split(r"\s+(?:without|excluding|other than)\s+", " ".join(words), maxsplit=1)
    if len(short) == 2 and len(short[0].split()) >= 3:
        out.append(short[0])
    for inner in re.findall(r"\(([^)]*)\)", fold(label)):
        for part in inner.split(";"):
            part = " ".join(part.split())
            if len(part.split()) >= 2 and part.split()[0] == words[0]:
                out.append(part)
    return tuple(out)


def _label_words(label: str) -> tuple[str, ...]:
    """The words that name an arm: its label's, the parenthesised details aside unless the
    rest is generic ("Group A (XELIRI-Bev)" is named by "xeliri-bev")."""
    for text in (_main_label(label), label):
        words = re.findall(r"[a-z0-9][a-z0-9-]*", fold(text))
        kept = tuple(w for w in words if w not in _GENERIC and not w.isdigit() and len(w) > 1)
        if kept:
            return kept
    return ()


# initials that are a word of the prose or a statistic's abbreviation: the folded text
# cannot tell "OR" (once-daily radiotherapy) from "or", nor "AT" from "at"
_NOT_INITIALS = frozenset("an as at be by do go he if in is it me my no of on or so to up us "
                          "we ae ci cr hr os pd pr rr sd se".split())


def _initials(label: str) -> str:
    words = [w for w in re.findall(r"[a-z][a-z-]*", fold(_main_label(label)))
             if w not in _GENERIC or w in ("therapy", "treatment", "care")]
    found = "".join(w[0] for w in words) if len(words) >= 2 else ""
    return "" if found in _NOT_INITIALS else found


def _own_aliases(arms: list[tuple[str, tuple[str, ...], str, str]]
                 ) -> list[tuple[str, ...]]:
    """Each arm's aliases without another arm's own name: "NRT plus bupropion" is not named
    by "nrt" where an arm is labelled "NRT" (its first word names that arm)."""
    mains = {ident: fold(_main_label(label)) for ident, _, _, label in arms}
    return [tuple(a for a in aliases if not any(a == m for other, m in mains.items()
                                                 if other != ident))
            for ident, aliases, _, _ in arms]


def _aliases(ident: str, label: str) -> tuple[str, ...]:
    out = {fold(ident), fold(ident) + "s", fold(label)}
    main = fold(_main_label(label))
    out.add(main)
    words = _label_words(label)
    if words:
        out.add(words[0])
        out.add(" ".join(words[:2]))
    head = fold(label).split(" cohort")[0]
    bare = fold(label).split("(")[0].strip()  # "Cohort A (pancreatic)" -> "cohort a"
    out.update({head, head + "s", bare})
    initials = _initials(label)
    if len(initials) >= 2:
        out.add(initials)
    # "Nimotuzumab+Gefitinib" is printed "nimotuzumab plus gefitinib" in the text
    out.update(re.sub(r"\s*\+\s*", " plus ", a) for a in list(out) if "+" in a)
    return tuple(sorted(a for a in out if a and len(a) > 1))


@dataclass(frozen=True)
class ArmName:
    ident: str
    aliases: tuple[str, ...]
    role: str
    words: tuple[str, ...]  # the label's own words (ids and initials aside)
    parts: tuple[str, ...] = ()  # a pooled arm's arms


@dataclass(frozen=True)
class Names:
    """The cohorts, arms, endpoints and analysis sets of a trial and the words that name them."""

    cohorts: tuple[tuple[str, tuple[str, ...]], ...]  # (id, aliases)
    arms: tuple[tuple[str, tuple[str, ...], str], ...]  # (id, aliases, role)
    pooled: str  # the cohort that pools the others (or the only cohort)
    sources: tuple[str, ...]
    endpoints: tuple[tuple[str, tuple[str, ...]], ...] = ()  # declared endpoints
    populations: tuple[tuple[str, tuple[str, ...]], ...] = ()  # declared analysis sets
    arm_names: tuple[ArmName, ...] = ()
    design: str = ""
    population_counts: tuple[tuple[str, frozenset[str]], ...] = ()  # numbers in the labels

    def population_of_counts(self, counts: set[str]) -> str:
        """The declared analysis set whose label states exactly these per-arm counts
        ("live-born infants (402 and 388)"), or ""."""
        if len(counts) < 2:
            return ""
        found = [ident for ident, numbers in self.population_counts if numbers == counts]
        return found[0] if len(found) == 1 else ""

    def find(self, context: str, kind: str) -> list[Hit]:
        """Mentions of cohorts (``kind="cohort"``), arms, endpoints or populations."""
        return list(_find_names(self, context, kind))

    def experimental(self) -> str:
        exp = [a for a, _, role in self.arms if role == "experimental"]
        return exp[0] if len(exp) == 1 else ""

    @property
    def randomized_arms(self) -> tuple[ArmName, ...]:
        return tuple(a for a in self.arm_names if not a.parts)

    @property
    def pooled_arm(self) -> str:
        """The pooled arm of every randomized arm ("Total"), when trial.yaml declares one."""
        every = {a.ident for a in self.randomized_arms}
        return next((a.ident for a in self.arm_names if a.parts and set(a.parts) == every), "")

    def arm_of_header(self, header: str) -> tuple[str, str]:
        """(arm id, rule) a column header names: by its words, by role, or ("", "")."""
        return _arm_of_header(self, header)


def _kinds(names: Names, kind: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if kind == "cohort":
        return names.cohorts
    if kind == "endpoint":
        return names.endpoints
    if kind == "population":
        return names.populations
    return tuple((a, al) for a, al, _ in names.arms)


@lru_cache(maxsize=8192)
def _find_names(names: Names, context: str, kind: str) -> tuple[Hit, ...]:
    out = []
    words = set(_WORD.findall(context))
    for ident, aliases in _kinds(names, kind):
        for alias in aliases:
            key = _key_word(alias)
            if key and key not in words:
                continue
            for m in _term_pattern(alias).finditer(context):
                out.append(Hit(ident, alias, m.start(), m.end()))
    # a longer alias inside which a shorter one was found wins (no double mentions)
    out.sort(key=lambda h: (h.start, -(h.end - h.start), h.name))
    kept: list[Hit] = []
    for h in out:
        if not any(k.start <= h.start and h.end <= k.end for k in kept):
            kept.append(h)
    return tuple(kept)


@lru_cache(maxsize=4096)
def _arm_of_header(names: Names, header: str) -> tuple[str, str]:
    text = fold(header)
    words = set(re.findall(r"[a-z0-9][a-z0-9-]*", text)) | set(_WORD.findall(text))
    arms = names.randomized_arms
    if not arms:
        return "", ""
    if any(re.search(rf"(?<![a-z]){re.escape(fold(t))}(?![a-z])", text)
           for t in lexicon().pooled_terms) and names.pooled_arm:
        return names.pooled_arm, "pooled column"
    if names.pooled_arm and is_pooling_header(header):  # "Overall (n = 939)"
        return names.pooled_arm, "pooled column"
    named = [a for a in names.arm_names if not a.parts or a.ident != names.pooled_arm]
    full = [(len(a.words), a.ident) for a in named if a.words and all(w in words for w in a.words)]
    full.sort(reverse=True)
    if full and (len(full) == 1 or full[0][0] > full[1][0]):
        return full[0][1], "header names the arm"
    by_id = [a.ident for a in arms if re.search(
        rf"(?<![a-z0-9]){re.escape(fold(a.ident).replace('_', ' '))}(?![a-z0-9])", text)]
    if len(by_id) == 1:
        return by_id[0], "header names the arm's id"
    shared = {w for a in arms for w in a.words if sum(w in b.words for b in arms) > 1}
    distinct = [(sum(w in words for w in a.words if w not in shared), a.ident) for a in arms]
    distinct = sorted((d for d in distinct if d[0]), reverse=True)
    if distinct and (len(distinct) == 1 or distinct[0][0] > distinct[1][0]):
        return distinct[0][1], "header names the arm"
    short = [a.ident for a in arms if any(re.search(rf"(?<![a-z0-9]){re.escape(al)}(?![a-z0-9])",
                                                    text) for al in a.aliases if len(al) <= 6)]
    if len(set(short)) == 1:
        return short[0], "header abbreviates the arm"
    for role, terms in (("comparator", _COMPARATOR_WORDS), ("experimental", _EXPERIMENTAL_WORDS)):
        if any(re.search(rf"(?<![a-z]){t}(?![a-z])", text) for t in terms):
            same = [a.ident for a in arms if a.role == role]
            if len(same) == 1:
                return same[0], f"header says {role}"
    return "", ""


def read_names(trial_yaml: str | Path) -> Names:
    """The cohorts, arms, endpoints, populations and source ids of a ``trial.yaml``."""
    path = Path(trial_yaml)
    try:
        raw = load_file(path, follow_link=True)  # a file the user named
    except (OSError, UnicodeDecodeError, YamlRefused) as exc:
        raise ValueError(f"{path}: cannot read trial.yaml ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("cohorts"), list):
        raise ValueError(f"{path}: trial.yaml needs a list of cohorts")
    return names_of(raw)


def _label_counts(label: str) -> frozenset[str]:
    """The per-arm counts a set's label states: those in its brackets when they hold two or
    more ("counted after 10 years (175 active, 136 placebo)": not the 10), else every
    number of two or more digits."""
    number = r"(?<![\d.])\d{2,}(?![\d.])"
    bracketed = [n for part in re.findall(r"\(([^()]*)\)", label) for n in re.findall(number, part)]
    return frozenset(bracketed if len(bracketed) >= 2 else re.findall(number, label))


def _entries(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw.get(key)
    return [e for e in value if isinstance(e, dict) and "id" in e] if isinstance(value, list) \
        else []


def names_of(raw: dict[str, Any]) -> Names:
    """The :class:`Names` of a parsed ``trial.yaml``."""
    cohorts = [(str(c["id"]), _aliases(str(c["id"]), str(c.get("label", ""))),
                bool(c.get("parts"))) for c in _entries(raw, "cohorts")]
    if not cohorts:
        raise ValueError("trial.yaml needs at least one cohort")
    arms = _entries(raw, "arms")
    declared = [(str(a["id"]), _aliases(str(a["id"]).replace("_", " "), str(a.get("label", ""))),
                 str(a.get("role", "")), str(a.get("label", ""))) for a in arms]
    # "drug a" in "Drug A/Drug B" against "Drug A": the shorter name is the monotherapy's
    arm_aliases = drop_fragments(
        {d[0]: own for d, own in zip(declared, _own_aliases(declared), strict=True)},
        {ident: label for ident, _, _, label in declared})
    arm_names = tuple(
        ArmName(ident, arm_aliases[ident], role, _label_words(label or ident.replace("_", " ")),
                tuple(str(p) for p in a.get("parts") or []))
        for (ident, _, role, label), a in zip(declared, arms, strict=True))
    pooled = next((c for c, _, parts in cohorts if parts), cohorts[0][0] if len(cohorts) == 1
                  else "")
    pooled_aliases = tuple(fold(t) for t in lexicon().pooled_terms)
    cohort_entries = tuple((c, al + (pooled_aliases if c == pooled and len(cohorts) > 1 else ()))
                           for c, al, _ in cohorts)
    sources = tuple(str(s.get("id")) for s in raw.get("sources") or [] if isinstance(s, dict))
    endpoints = tuple((str(e["id"]), _aliases(str(e["id"]), str(e.get("label", ""))) +
                       _synonyms(str(e.get("label", ""))))
                      for e in _entries(raw, "endpoints"))
    populations = tuple((str(p["id"]), set_aliases(str(p.get("label", "")), tuple(
        a for a in _aliases("", str(p.get("label", ""))) if len(a) > 3)))
                        for p in _entries(raw, "populations"))
    counts = tuple((str(p["id"]), _label_counts(str(p.get("label", ""))))
                   for p in _entries(raw, "populations"))
    return Names(cohort_entries, tuple((a.ident, a.aliases, a.role) for a in arm_names), pooled,
                 sources, endpoints, populations, arm_names, str(raw.get("design", "")),
                 counts)
