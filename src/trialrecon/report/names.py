"""Words for a dossier's ids in text a reader sees: sources by citation, arms by label.

The checks write their titles, arithmetic and questions with the dossier's short ids
(``jco2021, Abstract``; ``Median OS, nivo_ipi``), which suit the report and the CSV. A letter
to the authors and the index page name them as a reader would: the paper under review by its
sections alone (``the Abstract``), another source by a short citation (``ClinicalTrials.gov
NCT02678780``, ``Larkin et al. 2015``), an arm by its label without doses and schedule
(``Nivolumab + ipilimumab``). Only text the pipeline wrote is rewritten: a quotation of the
paper is never touched (:meth:`Names.words` is not applied to anchors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialrecon.checks.titles import humanize
from trialrecon.dossier.model import Trial

# Source kinds whose text is the report under review (in this order of preference).
UNDER_REVIEW_KINDS: tuple[tuple[str, ...], ...] = (
    ("paper",), ("abstract", "conference_abstract"))
_AUTHOR = re.compile(r"^([A-Z][A-Za-z'\u00C0-\u017F-]+)\s+[A-Z]{1,3}(?:-[A-Z])?\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_DOSE = re.compile(r"\s*\b\d+(?:\.\d+)?\s*(?:mg/kg|mg/m2|mg/m²|mg|µg|ug|g|mcg|GBq|mCi)\b",
                   re.IGNORECASE)
_SCHEDULE = re.compile(r"\s+(?:every|orally|once|twice|daily|intravenously|subcutaneously|"
                       r"intramuscularly|for \d)\b.*$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[_\d]")


def short_citation(citation: str, kind: str = "") -> str:
    """``Capdevila J, et al. J Clin Oncol 39:2304-2312, 2021`` -> ``Capdevila et al. 2021``.

    A registry record keeps its name and number (``ClinicalTrials.gov NCT02678780``); a
    citation without a first author keeps its first phrase, with the year when it has one.
    """
    text = " ".join(citation.split())
    if kind == "registry":
        return re.split(r"\s\(|,\s", text, maxsplit=1)[0]
    years = _YEAR.findall(text)
    year = years[0] if years else ""
    author = _AUTHOR.match(text)
    if author:
        return f"{author.group(1)} et al. {year}".strip()
    head = re.split(r"[.:;(]|,\s", text, maxsplit=1)[0].strip()
    if year and year not in head:
        head = f"{head} ({year})"
    return head or text


def short_arm_label(label: str) -> str:
    """An arm's label without doses and schedule: ``Cabozantinib 60 mg orally once daily`` ->
    ``Cabozantinib``; ``Nivolumab 1 mg/kg + ipilimumab 3 mg/kg every 3 weeks ..., then ...`` ->
    ``Nivolumab + ipilimumab``."""
    text = " ".join(label.split())
    text = re.split(r",\s|;\s", text, maxsplit=1)[0]
    text = _DOSE.sub("", text)
    text = _SCHEDULE.sub("", text).strip(" ,;")
    return text or label


@dataclass(frozen=True)
class Names:
    """How a dossier's ids read in reader-facing text."""

    sources: dict[str, str] = field(default_factory=dict)  # id -> short citation
    source_kinds: dict[str, str] = field(default_factory=dict)
    citations: dict[str, str] = field(default_factory=dict)  # id -> full citation
    under_review: tuple[str, ...] = ()
    arms: dict[str, str] = field(default_factory=dict)  # id -> short label
    cohorts: dict[str, str] = field(default_factory=dict)  # id -> label

    def source(self, source_id: str) -> str:
        """A source in words; the single report under review is "the paper" (empty here)."""
        if self.is_the_paper(source_id):
            return ""
        return self.sources.get(source_id, source_id)

    def is_the_paper(self, source_id: str) -> bool:
        return len(self.under_review) == 1 and source_id in self.under_review

    def place(self, source_id: str, location: str) -> str:
        """``Abstract`` for the paper under review, ``Larkin et al. 2015, Abstract`` else."""
        who = self.source(source_id)
        return f"{who}, {location}" if who and location else (who or location)

    def arm(self, arm_id: str) -> str:
        return self.arms.get(arm_id, arm_id)

    def words(self, text: str) -> str:
        """Text written by the pipeline with ids replaced by words (quotations excluded)."""
        if not text:
            return text
        text = re.sub(r"\s*\*\*\s*", "^", text)  # a power as a reader writes it: (t / m)^k
        for sid in sorted(self.sources, key=len, reverse=True):
            if self.is_the_paper(sid):
                text = re.sub(rf"\b{re.escape(sid)}, ", "", text)
                text = re.sub(rf"\b{re.escape(sid)}\b", "the paper", text)
            elif sid != self.sources[sid]:
                text = re.sub(rf"\b{re.escape(sid)}\b", self.sources[sid], text)
        for table in (self.arms, self.cohorts):
            for key in sorted(table, key=len, reverse=True):
                if _is_token(key, table[key]):
                    text = re.sub(rf"(?<![\w-]){re.escape(key)}(?![\w-])", table[key], text)
        return humanize(text)  # vocabulary ids left in the text: os_rate -> OS rate


def _is_token(key: str, label: str) -> bool:
    """An id that is not itself a word of the label: ``nivo_ipi``, ``gi_lung``, ``lutetium``
    for 177Lu-Dotatate; ``placebo`` for Placebo stays."""
    if key.lower() == label.lower():
        return False
    return bool(_IDENTIFIER.search(key)) or key.lower() not in label.lower()


def names_of(trial: Trial | None) -> Names:
    """The :class:`Names` of a trial (empty when there is none)."""
    if trial is None:
        return Names()
    sources = {s.id: short_citation(s.citation, s.kind) or s.id for s in trial.sources}
    _disambiguate(sources, {s.id: s.citation for s in trial.sources})
    review: tuple[str, ...] = ()
    for kinds in UNDER_REVIEW_KINDS:
        review = tuple(s.id for s in trial.sources if s.kind in kinds)
        if review:
            break
    arms = {a.id: short_arm_label(a.label) for a in (*trial.arms, *trial.pooled_arms)}
    cohorts = {c.id: c.label for c in trial.cohorts if _IDENTIFIER.search(c.id)}
    return Names(sources=sources, source_kinds={s.id: s.kind for s in trial.sources},
                 citations={s.id: s.citation for s in trial.sources}, under_review=review,
                 arms=arms, cohorts=cohorts)


def _disambiguate(short: dict[str, str], full: dict[str, str]) -> None:
    """Two sources with one short name are told apart by a letter (2015a, 2015b)."""
    seen: dict[str, list[str]] = {}
    for sid, name in short.items():
        seen.setdefault(name, []).append(sid)
    for name, ids in seen.items():
        if len(ids) > 1:
            for i, sid in enumerate(ids):
                short[sid] = f"{name}{'abcdefghijklmnopqrstuvwxyz'[i % 26]}" \
                    if _YEAR.search(name[-4:]) else f"{name} ({i + 1})"
