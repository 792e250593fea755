"""Numbers printed in running text that are not data of the trial (issue 20, precision).

A dossier holds the trial's own numbers (data/raw/README.md): counts, rates, estimates,
design parameters. Papers print many other numbers a careful reviewer never transcribes,
and :func:`not_data_spans` finds the spans of those classes so :func:`.numbers.find_items`
reads no number from them: the numbers of labels (:data:`LABELS`: "Table 2", NCT02678780,
"phase 3", reference marks) and these classes:

- cross-references in any case and to supplements: "(table 2)", "figure 2A",
  "Additional file 2", "appendix pp 1–2", "Supplementary Table S3";
- the category a grade range names ("grade 3–4", "grades 3 to 5", "grade 3 or 4"): the
  second number of such a range is a label, as the first already is;
- the ordinal of a visit, course, session or exon ("course 1", "sessions 2–7", "exon 19"):
  it names a time point or a category, never a value;
- addresses of the web (URLs, DOIs) and identifiers: a registry or protocol number after an
  acronym ("EORTC 40015", "CALGB 30610/RTOG 0538", "ISRCTN 11036523"), a code with a
  leading zero ("Intergroup 0096", "LU12-01"), a reference code mixing letters and digits
  between slashes ("07/H1008/229"), an integer of seven or more digits printed without
  grouping after a word naming an identifier ("registration number 2012345678");
- the literature: author-year citations ("Smith et al. 2010", "(Grant 2002, Lorente
  2007)"), a year standing before a capitalised name ("the 2010 Cochrane review", "PASS
  2008"); a decade ("studies from the 1960s") is kept: a dossier may hold it of other
  studies;
- the base of a power of ten whose exponent the text lost ("8.82 × 10"): the 10 is no data;
- names that carry a number: a locant of a chemical name ("5-FU", "2-fluoroadenine"), a
  Greek letter and its index ("TGF-β1"), "type 2 diabetes", "3D radiotherapy";
- the base of a rate per thousand ("59.8/1,000 device days") and the "at least one dose"
  that defines an analysis set;
- a point of a scale named by its label ("1 = mild", "0 (no symptoms)", "an mRS score of 0
  represents"): the number is the label of a category.

Each class is a reporting convention of many journals, not the words of one paper.
"""

from __future__ import annotations

import re

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
# "3–4", "3 to 5", "2, 3 and 4": after a comma, "and" or "or" only where the list of labels
# ends there ("appendix pp 3–5 and 22 enrolled", "session 7, 26 weeks": the label ends)
_LABEL = r"[A-Z]?\d+[A-Za-z]?"
_RANGE_TAIL = (rf"(?:\s*(?:-|–|—|to)\s*{_LABEL}|\s*(?:,|and|or)\s*{_LABEL}"
               r"(?=\s*(?:[,;.)\]]|$|and\b|or\b)))*")
# a grade range goes on after "or" and "and" ("grade 3 or 4 neutropenia")
_GRADE_TAIL = rf"(?:\s*(?:-|–|—|to|or|and|/)\s*{_LABEL})*"

# class -> the patterns of its spans
CLASSES: dict[str, tuple[str, ...]] = {
    "cross-reference": (
        r"\b(?i:tables?|figures?|figs?\.?|appendix(?:\s+pp?\.?)?|additional\s+files?|"
        r"supplementary\s+(?:tables?|figures?|files?|appendix)|online\s+(?:tables?|figures?))"
        r"\s+[A-Z]?\d+[A-Za-z]?" + _RANGE_TAIL,
    ),
    "grade range": (r"\b[Gg]rades?\s+\d+" + _GRADE_TAIL,),
    "ordinal of a course, session, visit or exon": (
        r"\b(?:[Cc]ourses?|[Ss]essions?|[Vv]isits?|[Ee]xons?)\s+\d+(?![.,·]\d)" + _RANGE_TAIL,
    ),
    "web address": (r"\bhttps?://\S+|\bwww\.\S+|\bdoi:\s*\S+|\b10\.\d{4,}/\S+",),
    "identifier": (
        # a registry or protocol number after an acronym, with codes joined by slashes
        r"\b[A-Z]{2,}(?:\s+(?:number|no\.?|identifier|reference)[:.]?)?\s+"
        r"(?:\d{4,}|0\d+|\d+/0\d+)(?:/(?:[A-Z]+\s+)?\d+)*(?![.,·]\d)",
        # a code with a leading zero ("Intergroup 0096", "LU12-01"); not a group of a
        # number grouped by spaces ("10 000")
        r"(?<![\w.,·/:–-])(?<!\d\s)(?<!\d[\u2009\u202f\u00a0])0\d+(?!\d|[.,·:/-]\d|\s*%)"
        r"|(?<=[A-Za-z]\d-)0\d+\b|(?<=[A-Za-z]\d\d-)0\d+\b",
        # a reference code mixing letters and digits between slashes
        r"\b\d+/[A-Z]+\d+(?:/\d+)*\b",
        # an integer of seven or more digits without grouping after a word naming an
        # identifier (a bare "1000000" is a value: tests/test_grammar.py)
        r"(?i:\b(?:numbers?|no\.|identifier|id|registration|approval|reference|code|"
        r"protocol)\b)[\s:#.]*\d{7,}(?!\d|[.,·]\d)",
    ),
    "year of the literature": (
        r"\bet\s+al\.?,?\s*\(?(?:19|20)\d\d[a-z]?",
        rf"(?<=[(;,] )(?!(?:{_MONTHS})\b)[A-Z][a-z]+,?\s+(?:19|20)\d\d[a-z]?(?=\s*[,;)])",
        rf"(?<=\()(?!(?:{_MONTHS})\b)[A-Z][a-z]+,?\s+(?:19|20)\d\d[a-z]?(?=\s*[,;)])",
        r"\b(?:19|20)\d\d(?=\s+[A-Z][a-z]+)",
    ),
    "base of a lost power of ten": (r"(?:×|(?<![A-Za-z])x)\s*10\b(?![.,·]\d|\s*%)",),
    "number of a name": (
        r"\b\d+-[A-Z]{2,}\b",
        r"\b\d+'?(?:,\d+'?)*-(?=(?:chloro|fluoro|bromo|iodo|hydroxy|methyl|ethyl|amino|"
        r"deoxy|oxo|nitro|thio|aza|acetyl)[a-z])",
        r"[α-ωΑ-Ω]\d+",
        r"\b[Tt]ype\s+\d(?=\s+(?:diabetes|errors?)\b)",
        r"\b[234]D\b",
    ),
    # the base of a rate per thousand ("59.8/1,000 device days"): a unit, not a count
    "base of a rate": (r"(?<=[.·]\d)/\s*10*(?:[,\u2009\u202f\u00a0 ]?000)+\b",),
    # "at least one dose": the definition of an analysis set, not a count
    "definition of an analysis set": (
        r"\b(?i:at\s+least\s+(?:one|1))(?=\s+(?:dose|cycle|infusion|administration)s?\b)",
    ),
    "scale point": (
        r"\b\d+\s*=\s*(?=[a-z])",
        r"\b\d+\s+(?=\((?:no|none|mild|moderate|severe|light|heavy|death|dead|normal|slight)\b)",
        r"\b\d+(?=\s+represents\b)",
    ),
}
# The numbers of labels: identifiers, table and figure numbers, phases, reference marks.
# Matched on their own: their spans may overlap those of the classes above.
LABELS = re.compile(
    r"\b(?:Table|TABLE|Tables|Figure|FIGURE|Fig\.?|FIG\.?|Figs\.?|ref(?:erence)?s?\.?|phase|"
    r"Phase|PHASE|Cohort|Appendix|Patient|cycle|Version|[Gg]rade|Class|[Ss]tage)\s+[\dIVX]+[A-Za-z]?(?:\s*(?:,|and|-)\s*"
    r"\d+[A-Za-z]?)*|\b[A-Za-z]+[-]?\d+[A-Za-z\d]*|\b\d+[A-Za-z]+\d[\w]*"
    r"|\(\d\)(?=\s+[a-z])|\b\d+-sided\b|\b(?:19|20)\d\d\s*;\s*\d+|\d+:\d+(?:-\d+)?")
NOT_DATA = re.compile("|".join(f"(?:{p})" for ps in CLASSES.values() for p in ps))


def not_data_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every span of ``text`` that prints a number that is not data."""
    return [m.span() for pattern in (LABELS, NOT_DATA) for m in pattern.finditer(text)]


__all__ = ["CLASSES", "NOT_DATA", "not_data_spans"]
