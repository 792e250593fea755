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
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from trialrecon.checks import Reconciliation
from trialrecon.checks.cause_base import Cause
from trialrecon.checks.findings import SEVERITIES, Finding
from trialrecon.checks.ranking import RULES
from trialrecon.checks.severity import POLICY
from trialrecon.dossier.safe_write import csv_text
from trialrecon.report.letter import left_out, md, plain, render_letter

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
    return env


def _facets(findings: list[Finding]) -> dict[str, list[str]]:
    """Checks, cohorts, sources and locations a set of findings touches (filter values)."""
    return {
        "check": sorted({f.check for f in findings}),
        "cohort": sorted({v.cohort for f in findings for v in f.values if v.cohort}),
        "source": sorted({v.source for f in findings for v in f.values if v.source}),
        "location": sorted({v.location for f in findings for v in f.values if v.location}),
    }


def _cause_view(c: Cause) -> dict[str, Any]:
    return {**c.to_dict(), "facets": _facets(c.members),
            "member_findings": [f.to_dict() for f in c.members]}


def _context(rec: Reconciliation, letter: str) -> dict[str, Any]:
    causes = [_cause_view(c) for c in rec.causes]
    options = {key: sorted({v for c in causes for v in c["facets"][key]}) for key, _ in FILTERS}
    consistent = [f.to_dict() for f in rec.findings if f.severity == "consistent"]
    return {
        "r": rec, "causes": causes, "severities": FLAGGED, "options": options,
        "filters": FILTERS, "cause_counts": rec.cause_counts(),
        "cause_by_check": rec.cause_counts_by_check(), "by_check": rec.counts_by_check(),
        "n_findings": sum(f.severity != "consistent" for f in rec.findings),
        "consistent": consistent, "policy": POLICY, "rules": RULES, "letter": plain(letter),
        "left_out": left_out(rec),
    }


def render_html(rec: Reconciliation, letter: str | None = None) -> str:
    """One self-contained page: summary, filterable causes, letter, policy, ranking."""
    letter = render_letter(rec) if letter is None else letter
    return _env(markdown=False).get_template("reconciliation.html.j2").render(
        **_context(rec, letter))


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
