"""Renderers of the reconciliation report: HTML (self-contained, offline), Markdown, CSV, JSON.

Every text that comes from a dossier is escaped: the HTML template is rendered by Jinja2 with
autoescape on, the Markdown through a filter that neutralises table pipes and markup. The
output is deterministic: no timestamps, findings sorted by severity, check and id.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from trialrecon.checks import Reconciliation
from trialrecon.checks.findings import SEVERITIES
from trialrecon.report.markdown import escape

CSV_COLUMNS: tuple[str, ...] = (
    "id", "check", "check_version", "severity", "title", "sentence", "value_ids", "values",
    "locations", "nearest", "triage_verdict", "triage_note",
)  # fmt: skip


def _md(text: Any) -> str:
    """Escape text for Markdown: no table breaks, raw HTML, links or emphasis (one line)."""
    return escape(text)


def _env(markdown: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("trialrecon.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False)
        if markdown else True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md
    return env


def _context(rec: Reconciliation) -> dict[str, Any]:
    return {
        "r": rec,
        "severities": SEVERITIES,
        "by_check": rec.counts_by_check(),
        "by_sev": rec.counts_by_severity(),
    }


def render_html(rec: Reconciliation) -> str:
    """One self-contained HTML page: summary, filterable table, findings with arithmetic."""
    ctx = _context(rec)
    ctx["r"] = _as_view(rec)
    return _env(markdown=False).get_template("reconciliation.html.j2").render(**ctx)


def render_markdown(rec: Reconciliation) -> str:
    ctx = _context(rec)
    ctx["r"] = _as_view(rec)
    return _env(markdown=True).get_template("reconciliation.md.j2").render(**ctx)


def _as_view(rec: Reconciliation) -> Any:
    """The reconciliation with findings as plain dicts (templates index them uniformly)."""

    class View:
        pass

    view = View()
    for k, v in vars(rec).items():
        setattr(view, k, v)
    view.findings = [f.to_dict() for f in rec.findings]  # type: ignore[attr-defined]
    return view


def render_json(rec: Reconciliation) -> str:
    return json.dumps(rec.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render_csv(rec: Reconciliation) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for f in rec.findings:
        w.writerow([
            f.id, f.check, f.check_version, f.severity, f.title, f.sentence,
            ";".join(v.id for v in f.values),
            "; ".join(f"{v.id}={v.printed()}" for v in f.values),
            "; ".join(f"{v.id}: {v.where()}" for v in f.values),
            f.nearest or "",
            (f.triage or {}).get("verdict", ""), (f.triage or {}).get("note", ""),
        ])
    return buf.getvalue()
