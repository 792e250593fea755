"""The review letter: numbered concerns, most important first, ready to paste into a review form.

Each concern is one cause (:mod:`trialrecon.checks.causes`) of severity inconsistent (major
concerns) or questionable (minor points), in the report's rank order, with the printed
sentences it quotes, the arithmetic in one line and a neutral question to the authors.
Causes triaged as ``false_alarm`` or ``explained`` are left out, confirmed ones are kept;
notes (updates, soft signals) and errors of the pipeline are not concerns for the authors.
Text from the dossier is escaped for Markdown (:func:`md`); the report's copy button gives the
same letter as plain text (:func:`plain`). Nothing depends on the clock.
"""

from __future__ import annotations

import re

from trialrecon.checks import Reconciliation
from trialrecon.checks.cause_base import Cause
from trialrecon.report.markdown import escape

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")

LEFT_OUT_VERDICTS = frozenset({"false_alarm", "explained"})
MAX_QUOTES = 4


def md(text: object) -> str:
    """Text from a dossier as Markdown (:func:`trialrecon.report.markdown.escape`)."""
    return escape(text)


def plain(markdown: str) -> str:
    """The letter as plain text for a review form: the backslash escapes removed."""
    return _ESCAPED.sub(r"\1", markdown)


def in_letter(cause: Cause) -> bool:
    """A concern for the authors: inconsistent or questionable, not triaged away."""
    verdict = (cause.triage or {}).get("verdict", "")
    return cause.severity in ("inconsistent", "questionable") and verdict not in \
        LEFT_OUT_VERDICTS


def left_out(rec: Reconciliation) -> list[Cause]:
    """Causes a reviewer triaged as false alarms or explained (not in the letter)."""
    return [c for c in rec.causes if (c.triage or {}).get("verdict", "") in LEFT_OUT_VERDICTS]


def _quote_lines(cause: Cause) -> list[str]:
    seen: dict[tuple[str, str, str], str] = {}
    sources = {q.source for q in cause.quotes}
    for q in cause.quotes:
        if not q.anchor:
            continue
        where = q.location + (f", row \"{q.row}\"" if q.row else "")
        if len(sources) > 1:
            where = f"{q.source}, {where}"
        seen.setdefault((q.source, q.location, q.anchor), f"{md(where)}: \u201c{md(q.anchor)}"
                                                          f"\u201d")
    lines = list(seen.values())
    if len(lines) > MAX_QUOTES:
        lines = lines[:MAX_QUOTES] + [f"and {len(lines) - MAX_QUOTES} more places listed in "
                                      "the reconciliation report"]
    return lines


def _concern(number: int, cause: Cause) -> list[str]:
    out = [f"{number}. **{md(cause.title)}**", ""]
    for line in _quote_lines(cause):
        out.append(f"   - {line}")
    if cause.arithmetic:
        out.append(f"   - Arithmetic: {md(cause.arithmetic)}")
    if cause.question:
        out.append(f"   - Question: {md(cause.question)}")
    out.append("")
    return out


def render_letter(rec: Reconciliation, citations: list[str] | None = None) -> str:
    """The review letter of one reconciliation, as Markdown."""
    concerns = [c for c in rec.causes if in_letter(c)]
    major = [c for c in concerns if c.severity == "inconsistent"]
    minor = [c for c in concerns if c.severity == "questionable"]
    out = [f"# Statistical review: {md(rec.title)}", ""]
    if citations:
        out += ["Report reviewed: " + "; ".join(md(c) for c in citations) + ".", ""]
    out += [
        "I recomputed the numbers the report prints from the report itself (counts, "
        "percentages, medians, intervals, sums and the registry record). The points below are "
        "the ones the numbers cannot reconcile, the most important first (the primary "
        "endpoint and efficacy before safety and baseline, the Abstract and Results before "
        "tables and the Discussion). Each quotes the text, gives the arithmetic in one line "
        "and asks a question.", "",
    ]
    if not concerns:
        out += ["The printed numbers are consistent with each other; I have no concern about "
                "them.", ""]
    number = 0
    for heading, group in (("Major concerns", major), ("Minor points", minor)):
        if not group:
            continue
        out += [f"## {heading}", ""]
        if heading == "Minor points":
            out += ["These are reproduced only by a reading the report does not state (a "
                    "denominator, a rounding rule); stating it would settle each.", ""]
        for cause in group:
            number += 1
            out += _concern(number, cause)
    return "\n".join(out).rstrip() + "\n"
