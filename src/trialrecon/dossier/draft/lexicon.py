"""The drafter's lexicon (``lexicon.yaml``) and the cohort and arm names of a trial.

:class:`Lexicon` finds the terms of each quantity in a normalised context and proposes the
quantity whose term is longest and nearest to a number. :class:`Names` does the same for the
cohorts and arms of ``trial.yaml`` (their ids, labels and the usual plural and short forms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.safe_yaml import YamlRefused, load_file


@dataclass(frozen=True)
class Hit:
    """A term found in a context: what it names, where, and which term."""

    name: str
    term: str
    start: int
    end: int


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(fold(term)) + r"(?![a-z0-9])")


@dataclass(frozen=True, eq=False)
class Lexicon:
    quantities: dict[str, dict[str, Any]]
    response_categories: dict[str, list[str]]
    stub_categories: frozenset[str]
    pooled_terms: tuple[str, ...]
    skip_sections: tuple[str, ...]

    def unit(self, quantity: str) -> str:
        return str(self.quantities.get(quantity, {}).get("unit", "none"))

    def statistic(self, quantity: str) -> str:
        return str(self.quantities.get(quantity, {}).get("statistic", "value"))

    def hits(self, context: str) -> list[Hit]:
        """Every quantity term in ``context`` (normalised text), compound terms included."""
        out = []
        for name, patterns in _compiled().items():
            for term, parts in patterns:
                found = [p.search(context) for p in parts]
                if all(found):
                    last = max(found, key=lambda m: m.start())  # type: ignore[union-attr]
                    out.append(Hit(name, term, last.start(), last.end()))  # type: ignore[union-attr]
        return out

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
def _compiled() -> dict[str, list[tuple[str, list[re.Pattern[str]]]]]:
    return {name: [(t, [_term_pattern(p) for p in t.split("+")])
                   for t in entry.get("terms", [])]
            for name, entry in lexicon().quantities.items()}


@cache
def lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    text = resources.files("trialrecon.dossier.draft").joinpath("lexicon.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return Lexicon(raw["quantities"], raw["response_categories"],
                   frozenset(raw["stub_categories"]), tuple(raw["pooled_terms"]),
                   tuple(raw["skip_sections"]))


def best_hit(hits: list[Hit], position: int, end: int | None = None) -> tuple[Hit, float] | None:
    """The hit that best names the number at ``position``..``end``: near, long, before it.

    Papers name the quantity before its number ("the median PFS was 15.7 months"), or as
    the noun right after it ("21 centers"); a term further after counts for less. Longer
    terms are more specific. The second value is the score (lower is better).
    """
    end = position if end is None else end
    scored = []
    for h in hits:
        length = len(h.term.replace("+", " "))
        if h.end <= position:
            score = float(position - h.end) - 2 * length
        elif 0 <= h.start - end <= 3:
            score = -50.0 - length  # the noun of the number: "21 centers", "37 deaths"
        elif h.start >= end:
            score = 60 + 2.0 * (h.start - end) - 2 * length
        else:
            continue
        scored.append((score, h))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0])
    return scored[0][1], scored[0][0]


# ------------------------------------------------------------------ cohorts and arms


@dataclass(frozen=True)
class Names:
    """The cohorts and arms of a trial and the words that name them in a paper."""

    cohorts: tuple[tuple[str, tuple[str, ...]], ...]  # (id, aliases)
    arms: tuple[tuple[str, tuple[str, ...], str], ...]  # (id, aliases, role)
    pooled: str  # the cohort that pools the others (or the only cohort)
    sources: tuple[str, ...]

    def find(self, context: str, kind: str) -> list[Hit]:
        """Mentions of cohorts (``kind="cohort"``) or arms in normalised ``context``."""
        entries = self.cohorts if kind == "cohort" else [(a, al) for a, al, _ in self.arms]
        out = []
        for ident, aliases in entries:
            for alias in aliases:
                for m in _term_pattern(alias).finditer(context):
                    out.append(Hit(ident, alias, m.start(), m.end()))
        # a longer alias inside which a shorter one was found wins (no double mentions)
        out.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[Hit] = []
        for h in out:
            if not any(k.start <= h.start and h.end <= k.end for k in kept):
                kept.append(h)
        return kept

    def experimental(self) -> str:
        exp = [a for a, _, role in self.arms if role == "experimental"]
        return exp[0] if len(exp) == 1 else ""


_GENERIC = {"cohort", "arm", "group", "patients", "all", "with", "the", "of", "and", "mg",
            "daily", "orally", "once", "net", "nets", "tumor", "tumors"}


def _aliases(ident: str, label: str) -> tuple[str, ...]:
    out = {fold(ident), fold(ident) + "s", fold(label)}
    words = [w for w in re.findall(r"[a-z0-9][a-z0-9-]*", fold(label)) if w not in _GENERIC
             and not w.isdigit() and len(w) > 2]
    if words:
        out.add(words[0])
        out.add(" ".join(words[:2]))
    head = fold(label).split(" cohort")[0]
    bare = fold(label).split("(")[0].strip()  # "Cohort A (pancreatic)" -> "cohort a"
    out.update({head, head + "s", bare})
    return tuple(sorted(a for a in out if a and len(a) > 1))


def read_names(trial_yaml: str | Path) -> Names:
    """The cohorts, arms and source ids of a ``trial.yaml`` (read safely, checked lightly)."""
    path = Path(trial_yaml)
    try:
        raw = load_file(path, follow_link=True)  # a file the user named
    except (OSError, UnicodeDecodeError, YamlRefused) as exc:
        raise ValueError(f"{path}: cannot read trial.yaml ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("cohorts"), list):
        raise ValueError(f"{path}: trial.yaml needs a list of cohorts")
    cohorts = [(str(c["id"]), _aliases(str(c["id"]), str(c.get("label", ""))),
                bool(c.get("parts"))) for c in raw["cohorts"] if isinstance(c, dict) and "id" in c]
    arms = [(str(a["id"]), _aliases(str(a["id"]).replace("_", " "), str(a.get("label", ""))),
             str(a.get("role", ""))) for a in raw.get("arms") or [] if isinstance(a, dict)]
    pooled = next((c for c, _, parts in cohorts if parts), cohorts[0][0] if len(cohorts) == 1
                  else "")
    pooled_aliases = tuple(fold(t) for t in lexicon().pooled_terms)
    cohort_entries = tuple((c, al + (pooled_aliases if c == pooled and len(cohorts) > 1 else ()))
                           for c, al, _ in cohorts)
    sources = tuple(str(s.get("id")) for s in raw.get("sources") or [] if isinstance(s, dict))
    return Names(cohort_entries, tuple(arms), pooled, sources)
