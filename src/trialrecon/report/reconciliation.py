"""Renderers of the reconciliation report: HTML (one offline file), Markdown, CSV, JSON, letter.

The report lists *causes* (:mod:`trialrecon.checks.causes`), ranked by importance
(:mod:`trialrecon.checks.ranking`), each with the findings it explains; consistent results
follow in a collapsed table. Every text that comes from a dossier is escaped: the HTML
template is rendered by Jinja2 with autoescape on (attributes included), the Markdown
through :func:`trialrecon.report.letter.md` (backslash escapes, never HTML entities). The
output is deterministic: no timestamps, causes in rank order, findings by severity, check
and id.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from trialrecon.checks import Reconciliation
from trialrecon.checks.cause_base import Cause
from trialrecon.checks.findings import SEVERITIES, Finding, ValueRef
from trialrecon.checks.ranking import RULES
from trialrecon.checks.severity import POLICY
from trialrecon.checks.titles import quantity_label
from trialrecon.dossier.model import Trial
from trialrecon.dossier.safe_write import csv_text
from trialrecon.report.letter import LEFT_OUT_VERDICTS, left_out, md, render_text_letter
from trialrecon.report.markdown import code
from trialrecon.report.names import Names, names_of

CSV_COLUMNS: tuple[str, ...] = (
    "id", "check", "check_version", "severity", "title", "sentence", "value_ids", "values",
    "locations", "nearest", "triage_verdict", "triage_note", "cause_id", "cause_rank",
)  # fmt: skip
FLAGGED = tuple(s for s in SEVERITIES if s != "consistent")
FILTERS: tuple[tuple[str, str], ...] = (("check", "Check"), ("cohort", "Cohort"),
                                        ("source", "Source"), ("location", "Location"))


def _env(markdown: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("trialrecon.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False)
        if markdown else True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md
    env.filters["code"] = code  # ids: a code span no id can break out of
    return env


TRIAGE_WORDS = {"false_alarm": "false alarm", "explained": "explained",
                "confirmed": "confirmed"}
STATISTIC_WORDS = {
    "percent": "percentage", "ci_low": "lower CI bound", "ci_high": "upper CI bound",
    "range_low": "lower end of range", "range_high": "upper end of range",
    "p_value": "P value", "value": "", "count": "count", "median": "median", "mean": "mean",
    "estimate": "estimate", "proportion": "proportion",
}


def triage_words(triage: dict[str, str] | None) -> str:
    """``false_alarm`` (from members) -> ``false alarm (set on its findings)``."""
    if not triage:
        return ""
    verdict = str(triage.get("verdict", ""))
    text = TRIAGE_WORDS.get(verdict, verdict.replace("_", " "))
    origin = str(triage.get("from") or "")
    if origin and origin != "cause":
        origin = "its findings" if origin == "members" else \
            origin.replace(" members", " of its findings")
        text += f" (set on {origin})"
    return text


def _facets(findings: list[Finding]) -> dict[str, list[str]]:
    """Checks, cohorts, sources and locations a set of findings touches (filter values)."""
    return {
        "check": sorted({f.check for f in findings}),
        "cohort": sorted({v.cohort for f in findings for v in f.values if v.cohort}),
        "source": sorted({v.source for f in findings for v in f.values if v.source}),
        "location": sorted({v.location for f in findings for v in f.values if v.location}),
    }


def _value_view(v: ValueRef, names: Names, cohorts: dict[str, str]) -> dict[str, Any]:
    """A quoted value in words: who (cohort, arm, subgroup), what, where."""
    who = [cohorts.get(v.cohort, v.cohort), names.arm(v.arm) if v.arm else "", v.subgroup]
    what = quantity_label(v.quantity) + (f" ({v.category})" if v.category else "")
    stat = STATISTIC_WORDS.get(v.statistic, v.statistic.replace("_", " "))
    return {**asdict(v), "printed": v.printed(), "who": ", ".join(x for x in who if x),
            "what": f"{what}, {stat}" if stat else what,
            "place": names.sources.get(v.source, v.source) + (f", {v.location}"
                                                               if v.location else "")}


def _finding_view(f: Finding, names: Names, cohorts: dict[str, str]) -> dict[str, Any]:
    d = f.to_dict()
    d["values"] = [_value_view(v, names, cohorts) for v in f.values]
    d["title"] = names.words(f.title)
    d["sentence"] = names.words(f.sentence)
    d["triage_text"] = triage_words(f.triage)
    return d


def _cause_view(c: Cause, names: Names, cohorts: dict[str, str], shown_rank: int,
                kept: bool) -> dict[str, Any]:
    words = {k: names.words(getattr(c, k)) for k in ("title", "explains", "resolution",
                                                    "arithmetic")}
    quotes = list(dict.fromkeys(
        (names.sources.get(q.source, q.source) + (f", {q.location}" if q.location else "")
         + (f", row \u201c{q.row}\u201d" if q.row else ""), " ".join(q.anchor.split()))
        for q in c.quotes if q.anchor))
    return {**c.to_dict(), **words, "facets": _facets(c.members), "shown_rank": shown_rank,
            "quoted": quotes,
            "kept": kept, "triage_text": triage_words(c.triage),
            "kind_words": c.kind.replace("_", " "),
            "cohort_words": [cohorts.get(x, x) for x in _facets(c.members)["cohort"]],
            "member_findings": [_finding_view(f, names, cohorts) for f in c.members]}


def shown_ranks(causes: list[Cause]) -> dict[str, int]:
    """Ranks as the page shows them: causes triaged away follow all the others."""
    kept = [c for c in causes if (c.triage or {}).get("verdict") not in LEFT_OUT_VERDICTS]
    away = [c for c in causes if c not in kept]
    return {c.id: i for i, c in enumerate([*kept, *away], start=1)}


def kept_counts(rec: Reconciliation) -> tuple[dict[str, int], int]:
    """Causes by severity without those triaged away, and how many were triaged away."""
    counts = {s: 0 for s in FLAGGED}
    away = 0
    for c in rec.causes:
        if (c.triage or {}).get("verdict") in LEFT_OUT_VERDICTS:
            away += 1
        elif c.severity in counts:
            counts[c.severity] += 1
    return counts, away


def _options(causes: list[dict[str, Any]], names: Names,
             cohorts: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Filter options as (value, label): sources by citation, cohorts by label."""
    label = {"source": lambda x: names.sources.get(x, x) + (" (the paper)" if
                                                             names.is_the_paper(x) else ""),
             "cohort": lambda x: cohorts.get(x, x)}
    return {key: [(v, label.get(key, str)(v)) for v in
                  sorted({v for c in causes for v in c["facets"][key]})] for key, _ in FILTERS}


def _context(rec: Reconciliation, letter: str, trial: Trial | None = None) -> dict[str, Any]:
    names = names_of(trial)
    cohorts = {c.id: c.label for c in trial.cohorts} if trial else {}
    ranks = shown_ranks(rec.causes)
    causes = sorted((_cause_view(c, names, cohorts, ranks[c.id],
                                 (c.triage or {}).get("verdict") not in LEFT_OUT_VERDICTS)
                     for c in rec.causes), key=lambda c: c["shown_rank"])
    consistent = [_finding_view(f, names, cohorts) for f in rec.findings
                  if f.severity == "consistent"]
    counts, away = kept_counts(rec)
    primary = ", ".join(quantity_label(q) for q in rec.primary_endpoint.split(", ") if q)
    return {
        "r": rec, "causes": causes, "severities": FLAGGED,
        "options": _options(causes, names, cohorts), "filters": FILTERS,
        "cause_counts": counts, "triaged_away": away, "n_kept": sum(counts.values()),
        "cause_by_check": rec.cause_counts_by_check(), "by_check": rec.counts_by_check(),
        "n_findings": sum(f.severity != "consistent" for f in rec.findings),
        "consistent": consistent, "policy": POLICY, "rules": RULES, "letter": letter,
        "left_out": left_out(rec), "primary_words": primary or rec.primary_endpoint,
        "citations": [s.citation for s in trial.sources] if trial else [],
    }


def render_html(rec: Reconciliation, letter: str | None = None,
                trial: Trial | None = None) -> str:
    """One self-contained page: summary, filterable causes, letter, policy, ranking.

    ``letter`` is the plain-text letter (:func:`~trialrecon.report.letter.render_text_letter`),
    shown as text so that it prints whole and copies as it reads.
    """
    letter = render_text_letter(rec, trial=trial) if letter is None else letter
    return _env(markdown=False).get_template("reconciliation.html.j2").render(
        **_context(rec, letter, trial))


def render_markdown(rec: Reconciliation) -> str:
    return _env(markdown=True).get_template("reconciliation.md.j2").render(
        **_context(rec, ""))


def render_json(rec: Reconciliation) -> str:
    return json.dumps(rec.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render_csv(rec: Reconciliation) -> str:
    """One row per finding, with the cause it belongs to (empty for consistent results)."""
    cause_of = {f.id: c for c in rec.causes for f in c.members}
    rows = []
    for f in rec.findings:
        cause = cause_of.get(f.id)
        rows.append([
            f.id, f.check, f.check_version, f.severity, f.title, f.sentence,
            ";".join(v.id for v in f.values),
            "; ".join(f"{v.id}={v.printed()}" for v in f.values),
            "; ".join(f"{v.id}: {v.where()}" for v in f.values),
            f.nearest or "",
            (f.triage or {}).get("verdict", ""), (f.triage or {}).get("note", ""),
            cause.id if cause else "", cause.rank if cause else "",
        ])
    return csv_text(CSV_COLUMNS, rows)
