"""Running every check on a dossier: findings, causes, coverage, what could not run, triage.

:func:`run_checks` runs each check inside its own try/except, so a failing check becomes a
finding of severity ``error`` and never a crash or a silent pass.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from trialrecon.checks.catalog import CHECKS
from trialrecon.checks.cause_base import Cause
from trialrecon.checks.causes import build_causes, cause_verdict
from trialrecon.checks.context import Check, Context, NotApplicable
from trialrecon.checks.findings import SEVERITIES, Finding, TriageEntry, stable_id
from trialrecon.checks.ranking import primary_endpoint, rank_causes
from trialrecon.dossier import Dossier


@dataclass
class Reconciliation:
    """Everything the report shows for one dossier."""

    trial: str
    title: str
    findings: list[Finding]
    checks: list[dict[str, str]]
    coverage: dict[str, int]
    not_run: dict[str, str]
    skipped: dict[str, dict[str, int]]
    stale_triage: list[str]
    causes: list[Cause] = field(default_factory=list)
    primary_endpoint: str = ""

    def counts_by_severity(self) -> dict[str, int]:
        """Findings by severity (consistent results included)."""
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def counts_by_check(self) -> dict[str, dict[str, int]]:
        return {c["id"]: {s: sum(f.check == c["id"] and f.severity == s for f in self.findings)
                          for s in SEVERITIES} for c in self.checks}

    def cause_counts(self) -> dict[str, int]:
        """Causes by severity: what the report's summary and the index page count."""
        return {s: sum(c.severity == s for c in self.causes) for s in SEVERITIES
                if s != "consistent"}

    def cause_counts_by_check(self) -> dict[str, dict[str, int]]:
        """Causes with a member of each check, by the cause's severity."""
        return {c["id"]: {s: sum(c["id"] in k.checks and k.severity == s for k in self.causes)
                          for s in SEVERITIES if s != "consistent"} for c in self.checks}

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial": self.trial, "title": self.title, "checks": self.checks,
            "primary_endpoint": self.primary_endpoint,
            "counts_by_severity": self.counts_by_severity(),
            "counts_by_check": self.counts_by_check(),
            "cause_counts_by_severity": self.cause_counts(),
            "cause_counts_by_check": self.cause_counts_by_check(),
            "coverage": self.coverage, "not_run": self.not_run, "skipped": self.skipped,
            "stale_triage": self.stale_triage,
            "causes": [c.to_dict() for c in self.causes],
            "findings": [f.to_dict() for f in self.findings],
        }


def run_checks(dossier: Dossier, triage: dict[str, TriageEntry] | None = None,
               checks: tuple[Check, ...] = CHECKS) -> Reconciliation:
    """Run every check on a dossier; exceptions become findings of severity ``error``."""
    ctx = Context.of(dossier)
    findings: list[Finding] = []
    coverage: dict[str, int] = {}
    not_run: dict[str, str] = {}
    skipped: dict[str, dict[str, int]] = {}
    for check in checks:
        ctx.check_id, ctx.check_version = check.id, check.version
        ctx.seen, ctx.skipped = set(), {}
        try:
            found = check.func(ctx)
        except NotApplicable as exc:
            not_run[check.id] = str(exc)
            found = []
        except Exception as exc:  # noqa: BLE001 - a failing check must not stop the others
            last = traceback.extract_tb(exc.__traceback__)[-1]
            found = [Finding(
                id=stable_id(check.id, dossier.trial.id, [], "error"), check=check.id,
                check_version=check.version, trial=dossier.trial.id, severity="error",
                title=f"check failed: {type(exc).__name__}",
                sentence=f"The check could not complete: {type(exc).__name__}: {exc} "
                         f"({last.name}, line {last.lineno}).",
                recomputation={"method": "none", "result": str(exc)})]
        coverage[check.id] = len(ctx.seen)
        skipped[check.id] = dict(sorted(ctx.skipped.items()))
        findings.extend(_dedupe(found))
    triage = triage or {}
    for f in findings:
        if f.id in triage:
            f.triage = {"verdict": triage[f.id].verdict, "note": triage[f.id].note}
    findings.sort(key=lambda f: (f.rank, f.check, f.id))
    causes = rank_causes(ctx, build_causes(ctx, findings))
    for c in causes:
        c.triage = ({"verdict": triage[c.id].verdict, "note": triage[c.id].note,
                     "from": "cause"} if c.id in triage else cause_verdict(c))
    known = {f.id for f in findings} | {c.id for c in causes}
    return Reconciliation(
        trial=dossier.trial.id, title=dossier.trial.title, findings=findings,
        checks=[{"id": c.id, "version": c.version, "description": c.description,
                 "reference": c.reference} for c in checks],
        coverage=coverage, not_run=not_run, skipped=skipped,
        stale_triage=sorted(set(triage) - known), causes=causes,
        primary_endpoint=primary_endpoint(ctx))


def _dedupe(found: list[Finding]) -> list[Finding]:
    """One finding per id (the same values compared twice by one check say the same thing)."""
    out: dict[str, Finding] = {}
    for f in found:
        if f.id not in out or f.rank < out[f.id].rank:
            out[f.id] = f
    return list(out.values())
