"""The reconciliation stage: run the checks on a dossier and write the report's files."""

from __future__ import annotations

import json
from pathlib import Path

from trialrecon.checks import CHECKS, Check, Context, NotApplicable, Reconciliation, run_checks
from trialrecon.checks.findings import SEVERITIES, Finding, load_triage
from trialrecon.dossier import load_dossier
from trialrecon.report.files import atomic_write_text
from trialrecon.report.letter import render_letter, render_text_letter
from trialrecon.report.reconciliation import render_csv, render_html, render_json, render_markdown

FORMATS: tuple[str, ...] = ("html", "md", "csv", "json", "letter", "letter_text")
FILE_NAMES: dict[str, str] = {
    "html": "reconciliation.html", "md": "reconciliation.md", "csv": "reconciliation.csv",
    "json": "reconciliation.json", "letter": "review_letter.md",
    "letter_text": "review_letter.txt",
}
# Which causes make ``trialrecon reconcile --fail-on`` fail: the level and every worse one.
FAIL_LEVELS: dict[str, tuple[str, ...]] = {
    "error": ("error",),
    "inconsistent": ("error", "inconsistent"),
    "questionable": ("error", "inconsistent", "questionable"),
}


MAX_STAGE_FINDINGS_BYTES = 5_000_000
STAGE_FINDING_KEYS = ("check", "version", "severity", "claim", "sentence", "rows",
                      "recomputation", "nearest", "discriminator")


class StageFindingsError(ValueError):
    """A stage's findings file the reconciliation cannot read; names the file and entry."""


def stage_check(path: str | Path) -> Check | None:
    """The findings another stage wrote (the Kaplan-Meier stage's ``km/findings.json``) as a
    check of the reconciliation, or None when the file does not exist.

    Each entry names the dossier rows it rests on; the check quotes them like any other
    finding (stable ids, titles, triage). Entries whose rows are not in the dossier are
    skipped and counted.
    """
    path = Path(path)
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_STAGE_FINDINGS_BYTES:
        raise StageFindingsError(f"{path}: larger than {MAX_STAGE_FINDINGS_BYTES} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = list(data["findings"])
        meta = [str(data[k]) for k in ("check", "version", "description", "reference")]
    except (ValueError, KeyError, TypeError) as exc:
        raise StageFindingsError(f"{path}: not a findings file ({exc})") from None
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or set(STAGE_FINDING_KEYS) - set(e) \
                or e["severity"] not in SEVERITIES or not isinstance(e["rows"], list):
            raise StageFindingsError(f"{path}: finding {i + 1} is malformed")

    def run(ctx: Context) -> list[Finding]:
        if not entries:
            raise NotApplicable("the rebuilt curves contradict no printed number")
        out = []
        for e in entries:
            rows = [r for r in (ctx.row(str(i)) for i in e["rows"]) if r is not None]
            if not rows:
                ctx.skip("rows not in the dossier")
                continue
            ctx.see(rows)
            out.append(ctx.finding(str(e["severity"]), str(e["claim"]), str(e["sentence"]),
                                   rows, recomputation=dict(e["recomputation"]),
                                   nearest=e["nearest"], discriminator=str(e["discriminator"])))
        return out

    return Check(meta[0], meta[1], meta[2], meta[3], run)


def write_reconciliation(dossier_dir: str | Path, outputs: dict[str, str | Path],
                         triage_path: str | Path | None = None,
                         stage_findings: tuple[str | Path, ...] = ()) -> Reconciliation:
    """Run the checks on a dossier and write the outputs named in ``outputs``.

    ``outputs`` maps a format (``html``, ``md``, ``csv``, ``json``, ``letter``: the review
    letter) to a path. The triage file defaults to ``<dossier>/triage.yaml`` when present.
    ``stage_findings`` are findings files of other stages (the Kaplan-Meier stage's
    ``results/<trial>/km/findings.json``), each run as one more check (:func:`stage_check`).
    """
    unknown = set(outputs) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(sorted(unknown))}")
    dossier = load_dossier(dossier_dir)
    named = triage_path is not None  # a file the user named must exist
    if triage_path is None:
        triage_path = Path(dossier_dir) / "triage.yaml"
    extra = tuple(c for c in (stage_check(p) for p in stage_findings) if c is not None)
    rec = run_checks(dossier, load_triage(triage_path, required=named), CHECKS + extra)
    citations = [s.citation for s in dossier.trial.sources if s.kind != "registry"]
    letter = render_letter(rec, citations, dossier.trial)
    text = render_text_letter(rec, citations, dossier.trial)
    renderers = {"html": lambda r: render_html(r, text, dossier.trial), "md": render_markdown,
                 "csv": render_csv, "json": render_json, "letter": lambda r: letter,
                 "letter_text": lambda r: text}
    for fmt, path in outputs.items():
        atomic_write_text(Path(path), renderers[fmt](rec))
    return rec


def failing_causes(rec: Reconciliation, fail_on: str) -> list[str]:
    """Ids of the causes at ``fail_on`` or worse that no triage calls a false alarm."""
    levels = FAIL_LEVELS[fail_on]
    return [c.id for c in rec.causes if c.severity in levels
            and (c.triage or {}).get("verdict") not in ("false_alarm", "explained")]
