"""A first ``trial.yaml`` drafted from a paper, every guess marked with a YAML comment.

What the paper states is taken as it prints it: the title (the article title), the registry
number (the first one a sentence about registration prints, else the first one printed), the
source (kind ``paper``, the citation from the front matter, the publication date, the file as
``file:``). What is read from the tables: the arms, from the column headers of the first table
whose columns print ``n =`` (each arm's label as printed, without its ``n``; its size in a
comment; ``placebo``, ``control``, ``usual care`` and the like make the comparator, the other
arms experimental; a "Total" column a pooled arm). The design is ``randomized`` when two arms
are found or the title or abstract says the trial was randomised. One cohort, ``all``. The
primary endpoint when the text names a time-to-event endpoint the vocabulary knows as
primary. Everything that is a guess says so in a comment beside it: a reviewer confirms or
corrects it before the dossier goes to ``data/raw``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.document import Document
from trialrecon.dossier.draft.front import REGISTRY, Front
from trialrecon.dossier.draft.lexicon import lexicon
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.tables import is_data
from trialrecon.dossier.draft.tableview import label_text, n_of

_COMPARATOR = re.compile(r"\b(placebo|control|usual care|standard|observation|sham|alone|"
                         r"no (?:treatment|intervention)|comparator|routine)\b", re.IGNORECASE)
_N_PART = re.compile(r"[(\[]?\s*\b[nN]\s*=\s*[\d,\s\u2009]+[)\]]?")
_PRIMARY = re.compile(r"primary (?:end ?point|outcome|efficacy end ?point|objective)s?"
                      r"(?: measure)?(?: was| is| were|,|:)\s+(?:the\s+)?([^.;]{3,120})",
                      re.IGNORECASE)


@dataclass
class ArmGuess:
    ident: str
    label: str
    role: str
    size: str
    where: str
    parts: list[str] = field(default_factory=list)


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:30].strip("_") or "arm"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


_FORMAT_TAIL = re.compile(r"(?:^|\s+)(?:no\.?\s*\(%\)|n\s*\(%\)|\(%\)|%|n)\s*$",
                          re.IGNORECASE)
_FORMAT_HEAD = re.compile(r"^\s*(?:no\.?\s*\(%\)|n\s*\(%\)|\(%\))\s+", re.IGNORECASE)


def _arm_label(column: str) -> str:
    """The arm a column header names, without its ``n =`` and format words ("No. (%)")."""
    parts = [label_text(_N_PART.sub(" ", p)) for p in column.split(" / ")]
    parts = [_FORMAT_HEAD.sub("", _FORMAT_TAIL.sub("", p)).strip(" ,;:") for p in parts]
    return " ".join(p for p in parts if p and not is_data(p))


def _lowest_repeated(labels: list[str]) -> list[str] | None:
    """When headers print subgroups over the arms ("Overall / Ticagrelor", "Overall /
    Clopidogrel", "With PCI / Ticagrelor", ...), the arms are the repeated lowest labels."""
    lowest = [_arm_label(label.split(" / ")[-1]) for label in labels if " / " in label]
    distinct = list(dict.fromkeys(lowest))
    if len(lowest) == len(labels) and 2 <= len(distinct) < len(lowest):
        return distinct
    return None


def arms_from_tables(doc: Document) -> list[ArmGuess]:
    """The arms the first table with ``n =`` column headers names (and a pooled total);
    without one, the data columns of the first baseline table. A table whose columns name a
    comparator (placebo, control, usual care...) comes before one that does not: columns of
    subgroups ("High-risk stratum", "Coronary heart disease") also print their n."""
    found = _arms(doc, with_n=True) + _arms(doc, with_n=False)
    return next((arms for arms in found if any(_COMPARATOR.search(a.label) for a in arms)),
                found[0] if found else [])


def _arms(doc: Document, with_n: bool) -> list[list[ArmGuess]]:
    pooled_words = tuple(fold(t) for t in lexicon().pooled_terms) + ("overall", "all")
    found: list[list[ArmGuess]] = []
    for t in doc.tables:
        if not with_n and cues.kind_of(t.caption, "") != "baseline":
            continue
        columns = []
        for c in range(t.stub_columns, t.n_cols):
            label = t.column_labels[c]
            if with_n and not n_of(label) or not label or \
                    cues.is_p_header(label.split(" / ")[-1]) or cues.effect(label):
                continue
            head = " / ".join(label.split(" / ")[:next(
                (i + 1 for i, p in enumerate(label.split(" / ")) if n_of(p)), 1)])
            if head not in [h for h, _ in columns]:
                columns.append((head, n_of(head)))
        if len(columns) < 2:
            continue
        taken: set[str] = set()
        out = []
        repeated = _lowest_repeated([t.column_labels[c] for c in range(t.stub_columns, t.n_cols)
                                     if (n_of(t.column_labels[c]) or not with_n)
                                     and t.column_labels[c]
                                     and not cues.is_p_header(t.column_labels[c].split(" / ")[-1])
                                     and not cues.effect(t.column_labels[c])])
        if repeated:
            columns = [(label, "repeated") for label in repeated]
        for head, size in columns:
            label = _arm_label(head)
            if not label:
                continue
            pooled = any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", fold(label))
                         for w in pooled_words)
            role = "pooled" if pooled else "comparator" if _COMPARATOR.search(label) \
                else "experimental"
            out.append(ArmGuess(_slug(_main(label), taken), label, role, size, t.label))
        real = [a for a in out if a.role != "pooled"]
        if len(real) >= 2:
            _settle_roles(real)
            for a in out:
                if a.role == "pooled":
                    a.parts = [r.ident for r in real]
            found.append(out)
    return found


def _settle_roles(arms: list[ArmGuess]) -> None:
    """One comparator at least, and not every arm one: an arm whose label adds to another's
    ("Standard care+CTCA" beside "Standard care") is the experimental one."""
    words = {a.ident: set(re.findall(r"[a-z0-9]+", fold(a.label))) for a in arms}
    comparators = [a for a in arms if a.role == "comparator"]
    if len(comparators) > 1:
        for a in comparators:
            if any(words[b.ident] < words[a.ident] for b in arms if b is not a):
                a.role = "experimental"
    if not any(a.role == "comparator" for a in arms):
        arms[-1].role = "comparator"  # a guess: the last arm, as tables often print
    if all(a.role == "comparator" for a in arms):
        arms[0].role = "experimental"


def _main(label: str) -> str:
    """The words of a label an id is made of: no details in parentheses, no "Experimental
    arm" or "Control group" before the treatment's name."""
    text = re.sub(r"\s*\([^)]*\)", " ", label).strip() or label
    short = re.sub(r"^(?:experimental|control|intervention|comparator)\s+(?:arm|group)\s+", "",
                   text, flags=re.IGNORECASE)
    return short or text


def _registry(doc: Document, front: Front) -> str:
    for block in doc.blocks:
        if re.search(r"regist", block.plain, re.IGNORECASE):
            m = REGISTRY.search(block.plain)
            if m:
                return re.sub(r"\s+", "", m.group(1))
    return front.registry_ids[0] if front.registry_ids else ""


def primary_endpoint(doc: Document) -> str:
    """The vocabulary endpoint the paper calls primary (``os``, ``pfs``), or ""."""
    for block in doc.blocks:
        m = _PRIMARY.search(block.plain)
        if m:
            endpoint = cues.endpoint_of(m.group(1))
            if endpoint:
                return endpoint
    return ""


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def draft_trial(path: Path, doc: Document, front: Front, trial_id: str) -> tuple[str, list[str]]:
    """(``trial.yaml`` text, the guesses it marks) for the paper at ``path``."""
    arms = arms_from_tables(doc)
    randomised = bool(re.search(r"randomi[sz]", fold(f"{doc.title} {doc.text[:20000]}")))
    design = "randomized" if len([a for a in arms if a.role != "pooled"]) >= 2 or randomised \
        else "single_arm"
    guesses: list[str] = []
    lines = [f"# Drafted by 'trialrecon audit' from {path.name}: an UNREVIEWED DRAFT.",
             "# Lines marked 'guess' were inferred; confirm or correct each before use.",
             f"id: {trial_id}", f"title: {_q(front.title or doc.title or trial_id)}"]
    registry = _registry(doc, front)
    if registry:
        lines.append(f"registry_id: {_q(registry)}")
    lines.append(f"design: {design}  # guess: "
                 + ("two or more arms in the table headers" if len(arms) >= 2
                    else "the paper says randomised" if randomised else "no arms found"))
    guesses.append(f"design: {design}")
    endpoint = primary_endpoint(doc)
    if endpoint:
        lines.append(f"primary_endpoint: {endpoint}  # guess: the endpoint the text calls "
                     "primary")
        guesses.append(f"primary_endpoint: {endpoint}")
    lines += ["sources:", "  - id: paper", "    kind: paper",
              f"    citation: {_q(front.citation() or doc.title or path.name)}"
              + ("" if front.authors else "  # guess: no author list in the file"),
              f"    file: {_q(path.name)}"]
    if front.published:
        lines.append(f"    published: {front.published}")
    if front.ids.get("doi"):
        lines.append(f"    url: {_q('https://doi.org/' + front.ids['doi'])}")
    everyone = "All randomized patients" if design == "randomized" else "All patients"
    lines += ["cohorts:", "  - id: all", f"    label: {_q(everyone)}  # guess: one cohort"]
    guesses.append("cohorts: one cohort 'all'")
    if arms and design == "randomized":
        lines.append("arms:")
        for a in arms:
            lines += [f"  - id: {a.ident}", f"    label: {_q(a.label)}"]
            if a.role == "pooled":
                lines.append(f"    parts: [{', '.join(a.parts)}]  # guess: a total column")
            else:
                size = (f"named under several column groups of {a.where}"
                        if a.size == "repeated" else f"n = {a.size} in the {a.where} header"
                        if a.size else f"a column of the {a.where} header")
                lines.append(f"    role: {a.role}  # guess: {size}")
            guesses.append(f"arm {a.ident}: {a.role}")
    return "\n".join(lines) + "\n", guesses


def trial_dict(text: str) -> dict[str, Any]:
    """The drafted ``trial.yaml`` read back (it is checked like any other)."""
    from trialrecon.dossier.safe_yaml import loads

    raw = loads(text)
    return raw if isinstance(raw, dict) else {}
