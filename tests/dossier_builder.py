"""Writing small fictional dossiers for tests (imported by the test modules).

The pieces the test modules used to write out each time: a ``trial.yaml`` of made-up
sources, cohorts and the usual two arms (drug, the experimental arm; placebo, the
comparator), one ``values.csv`` row with its anchor named after its id, and the folder
with both files.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from trialrecon.dossier import COLUMNS

MADE_UP = "Nobody N. Made up for a test. 2024"  # the citation of a made-up paper

DRUG_PLACEBO = """\
arms:
  - id: drug
    label: "Drug"
    role: experimental
  - id: placebo
    label: "Placebo"
    role: comparator
"""


def source_yaml(id_: str, citation: str = MADE_UP, kind: str = "paper", **fields: str) -> str:
    """One entry of ``sources:`` (extra fields such as ``data_cut`` in the order given)."""
    lines = [f"  - id: {id_}", f"    kind: {kind}", f'    citation: "{citation}"']
    return "\n".join([*lines, *(f"    {k}: {v}" for k, v in fields.items())]) + "\n"


def cohort_yaml(id_: str, label: str, **fields: str) -> str:
    """One entry of ``cohorts:`` (``setting``, ``parts``... in the order given)."""
    lines = [f"  - id: {id_}", f'    label: "{label}"']
    return "\n".join([*lines, *(f"    {k}: {v}" for k, v in fields.items())]) + "\n"


def trial_yaml(id_: str, title: str, design: str, sources: Sequence[str],
               cohorts: Sequence[str], arms: str = DRUG_PLACEBO, head: str = "") -> str:
    """A ``trial.yaml``: id, title, design, ``head`` (more top-level lines), the sources,
    the cohorts and the arms (drug and placebo unless told; "" for a single-arm trial)."""
    return (f'id: {id_}\ntitle: "{title}"\ndesign: {design}\n{head}sources:\n'
            + "".join(sources) + "cohorts:\n" + "".join(cohorts) + arms)


def value_row(id_: str, quantity: str, statistic: str, value: str, unit: str, *,
              source: str = "paper", location: str = "Results", cohort: str = "all",
              arm: str = "", columns: Sequence[str] = COLUMNS, **extra: str) -> dict[str, str]:
    """One ``values.csv`` row: every column in ``columns`` ("" unless given), the anchor
    ``anchor <id>``."""
    row = dict.fromkeys(columns, "")
    row.update(id=id_, source=source, location=location, anchor=f"anchor {id_}",
               cohort=cohort, arm=arm, quantity=quantity, statistic=statistic, value=value,
               unit=unit)
    row.update(extra)
    return row


def write_dossier(folder: Path, trial_yaml: str, rows: list[dict[str, str]],
                  columns: Sequence[str] = COLUMNS) -> Path:
    """Write ``trial.yaml`` and ``values.csv`` (rows keyed by ``columns``, the dossier
    columns unless told) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trial.yaml").write_text(trial_yaml, encoding="utf-8")
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder
