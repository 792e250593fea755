"""A paper's front matter: what ``trialrecon audit`` needs to draft ``trial.yaml``'s source.

From JATS XML (PubMed Central): ``article-title``, the authors (``contrib`` of type author),
``journal-title``, ``pub-date`` (epub first, then ppub, then any), ``volume``, ``fpage`` /
``lpage`` or ``elocation-id``, and the ``article-id``s (PMID, PMC, DOI). From HTML: the
Highwire ``citation_*`` meta tags journals print for indexers. From any document: the title,
and the trial registration numbers its text prints (ClinicalTrials.gov, ISRCTN, ANZCTR,
EudraCT, ChiCTR, DRKS, UMIN, CTRI). The XML is parsed as :mod:`.jats` parses it (no network,
no entities, no DTD); the page with lxml's HTML parser, after the size check of
:mod:`.reader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from trialrecon.dossier.draft.document import Document
from trialrecon.dossier.draft.reader import HTML_SUFFIXES, XML_SUFFIXES, _check_size

REGISTRY = re.compile(r"\b(NCT\d{8}|ISRCTN\s?\d{8}|ACTRN\d{14}|EudraCT\s*(?:No\.?|number)?\s*:?"
                      r"\s*\d{4}-\d{6}-\d{2}|ChiCTR[-A-Z0-9]{6,20}|DRKS\d{8}|UMIN\d{9}|"
                      r"CTRI/\d{4}/\d{2,3}/\d{6})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class Front:
    """What a paper says about itself (every field "" when it does not say)."""

    title: str = ""
    authors: list[str] = field(default_factory=list)  # "Kim HR"
    journal: str = ""
    published: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    volume: str = ""
    pages: str = ""
    ids: dict[str, str] = field(default_factory=dict)  # pmid, pmcid, doi
    registry_ids: list[str] = field(default_factory=list)

    def citation(self) -> str:
        """"Kim HR, Jang JS, Sun JM, et al. Title. Journal 2017;8:15943-51" (as far as known)."""
        names = ", ".join(self.authors[:3]) + (", et al." if len(self.authors) > 3 else "")
        parts = [p for p in (names.rstrip("."), self.title.rstrip(".")) if p]
        where = self.journal
        if self.published:
            where += f" {self.published[:4]}"
        if self.volume:
            where += f";{self.volume}"
        if self.pages:
            where += f":{self.pages}"
        if where.strip():
            parts.append(where.strip())
        return ". ".join(parts)


def _text(el: object) -> str:
    if el is None:
        return ""
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()  # type: ignore[attr-defined]


def _local(el: object) -> str:
    from lxml import etree

    tag = getattr(el, "tag", None)
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _find(root: object, name: str) -> list[object]:
    return [e for e in root.iter() if _local(e) == name]  # type: ignore[attr-defined]


def _date(el: object) -> str:
    def part(name: str) -> str:
        found = [e for e in el.iter() if _local(e) == name]  # type: ignore[attr-defined]
        return _text(found[0]) if found else ""

    year, month, day = part("year"), part("month"), part("day")
    if not re.fullmatch(r"(19|20)\d\d", year):
        return ""
    if month and not month.isdigit():
        month = str(_MONTHS.index(month[:3].lower()) + 1) if month[:3].lower() in _MONTHS else ""
    if not (month.isdigit() and 1 <= int(month) <= 12):
        return year
    if day.isdigit() and 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{int(month):02d}"


def _jats(data: bytes) -> Front:
    from trialrecon.dossier.draft.jats import parse

    root = parse(data)
    meta = next(iter(_find(root, "article-meta")), None)
    out = Front()
    if meta is None:
        return out
    out.title = _text(next(iter(_find(meta, "article-title")), None))
    for contrib in _find(meta, "contrib"):
        if contrib.get("contrib-type", "author") != "author":  # type: ignore[attr-defined]
            continue
        surname = _text(next(iter(_find(contrib, "surname")), None))
        given = _text(next(iter(_find(contrib, "given-names")), None))
        if surname:
            initials = "".join(w[0] for w in re.split(r"[\s-]+", given) if w[:1].isalpha())
            out.authors.append(f"{surname} {initials}".strip())
    out.journal = _text(next(iter(_find(root, "journal-title")), None))
    dates = {(d.get("pub-type") or d.get("date-type") or ""): _date(d)  # type: ignore[attr-defined]
             for d in _find(meta, "pub-date")}
    out.published = next((dates[k] for k in ("epub", "pub", "ppub", "collection", "")
                          if dates.get(k)), next((v for v in dates.values() if v), ""))
    out.volume = _text(next(iter(_find(meta, "volume")), None))
    first = _text(next(iter(_find(meta, "fpage")), None))
    last = _text(next(iter(_find(meta, "lpage")), None))
    out.pages = f"{first}-{last}" if first and last and first != last else first or \
        _text(next(iter(_find(meta, "elocation-id")), None))
    for aid in _find(meta, "article-id"):
        kind = {"pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid", "doi": "doi"}.get(
            aid.get("pub-id-type", ""), "")  # type: ignore[attr-defined]
        if kind:
            out.ids[kind] = _text(aid)
    return out


def _html(data: bytes) -> Front:
    from trialrecon.dossier.draft.html_reader import parse_html

    root = parse_html(data.decode("utf-8", errors="replace"))
    meta: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").lower()
        if name.startswith(("citation_", "dc.")) and el.get("content"):
            meta.setdefault(name, []).append(el.get("content").strip())
    out = Front()
    out.title = (meta.get("citation_title") or meta.get("dc.title") or [""])[0]
    for author in meta.get("citation_author", []):
        if "," in author:
            surname, given = (p.strip() for p in author.split(",", 1))
        else:
            *given_parts, surname = author.split() or [""]
            given = " ".join(given_parts)
        initials = "".join(w[0] for w in re.split(r"[\s.-]+", given) if w[:1].isalpha())
        out.authors.append(f"{surname} {initials}".strip())
    out.journal = (meta.get("citation_journal_title") or [""])[0]
    raw_date = (meta.get("citation_publication_date") or meta.get("citation_date")
                or meta.get("dc.date") or [""])[0]
    m = re.match(r"((?:19|20)\d\d)(?:[/-](\d\d?))?(?:[/-](\d\d?))?", raw_date)
    if m:
        out.published = m.group(1) + "".join(f"-{int(g):02d}" for g in m.groups()[1:] if g)
    out.volume = (meta.get("citation_volume") or [""])[0]
    first = (meta.get("citation_firstpage") or [""])[0]
    last = (meta.get("citation_lastpage") or [""])[0]
    out.pages = f"{first}-{last}" if first and last else first
    for key, name in (("citation_doi", "doi"), ("citation_pmid", "pmid")):
        if meta.get(key):
            out.ids[name] = meta[key][0]
    return out


def front_matter(path: Path, document: Document) -> Front:
    """The front matter of the paper at ``path`` (read as ``document``)."""
    suffix = path.suffix.lower()
    out = Front()
    try:
        if suffix in XML_SUFFIXES:
            out = _jats(_check_size(path))
        elif suffix in HTML_SUFFIXES:
            out = _html(_check_size(path))
    except (ValueError, UnicodeDecodeError):
        out = Front()  # the reader has read it already; only the front matter is missing
    out.title = out.title or document.title
    found = [re.sub(r"\s+", "", m.group(1)) for m in REGISTRY.finditer(document.text)]
    out.registry_ids = list(dict.fromkeys(found))
    return out
