"""A small fictional two-arm trial for the tests of the outcome, effect, grade, flow and rate
checks (imported by tests/checks/test_*.py; every number is made up)."""

from __future__ import annotations

import csv
from pathlib import Path

from trialrecon.checks import run_checks
from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS, load_dossier

TRIAL = """\
id: mini
title: "Mini RCT (fictional)"
design: randomized
sources:
  - {id: paper, kind: paper, citation: "Fictional. J Fict 1:1, 2024"}
cohorts:
  - {id: all, label: "All randomized"}
arms:
  - {id: drug, label: "Drug", role: experimental}
  - {id: placebo, label: "Placebo", role: comparator}
"""
UNITS = {"count": "patients", "percent": "percent", "p_value": "probability"}


def row(id_: str, arm: str, quantity: str, category: str, statistic: str, value: str | int,
        **kw: str | int) -> dict[str, str]:
    """One values.csv row of the paper's Table 2 (cohort ``all``)."""
    out = dict.fromkeys((*COLUMNS, *OPTIONAL_COLUMNS), "")
    out.update(id=id_, source="paper", location=str(kw.pop("location", "Table 2")),
               anchor=f"fictional {id_}", cohort="all", arm=arm, quantity=quantity,
               category=category, statistic=statistic, value=str(value),
               unit=str(kw.pop("unit", UNITS.get(statistic, "ratio"))))
    out.update({k: str(v) for k, v in kw.items()})
    return out


def run(tmp_path: Path, rows: list[dict[str, str]], checks: tuple[str, ...]):
    """Write the dossier, run every check, return the findings of ``checks`` and the skips."""
    folder = tmp_path / "mini"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trial.yaml").write_text(TRIAL, encoding="utf-8")
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=[*COLUMNS, *OPTIONAL_COLUMNS], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    rec = run_checks(load_dossier(folder))
    findings = [f for f in rec.findings if f.check in checks]
    skipped = {k: v for c in checks for k, v in rec.skipped.get(c, {}).items()}
    return findings, skipped
