"""Dossiers and sources at the sizes validation accepts, for the hostile tests and
``benchmarks/bench_scale.py``: every builder writes a *valid* dossier (or source) of ``n``
rows in the shape that once made a step quadratic or worse.

- :func:`flat`: ``n`` rows in one cohort, arm and subgroup: a population count and adverse
  events (counts and percentages of many terms, some with stated denominators), so every
  count looks for its denominator among the others;
- :func:`chain`: ``n`` medians, each superseding the one before (one chain of length ``n``);
- :func:`cuts`: ``n`` rows, each of its own data cut (a date);
- :func:`wide_header`: a values file whose header has ``n`` columns (refused);
- :func:`sentence` and :func:`html_table`: a source with ``n`` numbers in one sentence, or
  a table of ``n`` rows, for the drafter.

The trial and every number are fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

COLUMNS = ("id,source,location,row,column,anchor,cohort,arm,subgroup,quantity,category,"
           "statistic,value,comparator,unit,denominator,marker,sided,level,footnote,supersedes,"
           "note,data_cut").split(",")
TRIAL = """id: {id}
title: "A fictional trial built for scale tests"
design: single_arm
sources:
  - id: paper
    kind: paper
    citation: "Fictional A, et al. J Test Oncol 1:1-2, 2020"
    published: 2020-06-01
cohorts:
  - id: a
    label: "Cohort A"
"""
TEXT = {"source": "paper", "location": "Results", "anchor": "x", "cohort": "a"}


def write(folder: Path, rows: list[dict[str, str]], trial_id: str | None = None) -> Path:
    """A dossier folder with ``trial.yaml`` and ``values.csv`` of ``rows``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trial.yaml").write_text(TRIAL.format(id=trial_id or folder.name),
                                       encoding="utf-8")
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r.get(c, "") for c in COLUMNS])
    return folder


def _flat_rows(n: int) -> Iterator[dict[str, str]]:
    yield {**TEXT, "id": "enrolled", "quantity": "enrolled", "statistic": "count",
           "value": "400", "unit": "patients", "location": "Table 1"}
    for i in range(1, n):
        term = f"event {i // 2}"
        count = str(i % 397)
        if i % 2:
            yield {**TEXT, "id": f"ae_{i}", "location": "Table 2", "row": term,
                   "quantity": "ae_any_grade", "category": term, "statistic": "count",
                   "value": count, "unit": "patients",
                   "denominator": "400" if i % 3 == 0 else ""}
        else:
            yield {**TEXT, "id": f"ae_{i}", "location": "Table 2", "row": term,
                   "quantity": "ae_any_grade", "category": term, "statistic": "percent",
                   "value": f"{(i - 1) % 397 / 4:.2f}", "unit": "percent"}


def flat(folder: Path, n: int) -> Path:
    return write(folder, list(_flat_rows(n)))


def chain(folder: Path, n: int) -> Path:
    rows = [{**TEXT, "id": f"m{i}", "quantity": "pfs", "statistic": "median",
             "value": f"{8 + i % 10}.{i % 9}", "unit": "months",
             "supersedes": f"m{i - 1}" if i else ""} for i in range(n)]
    return write(folder, rows)


def cuts(folder: Path, n: int) -> Path:
    start = dt.date(1990, 1, 1)
    rows = [{**TEXT, "id": f"os{i}", "quantity": "os", "statistic": "median",
             "value": f"{10 + i % 7}.{i % 10}", "unit": "months",
             "data_cut": (start + dt.timedelta(days=i)).isoformat()} for i in range(n)]
    return write(folder, rows)


def wide_header(folder: Path, n: int) -> Path:
    write(folder, list(_flat_rows(3)))
    header = COLUMNS + [f"extra{i}" for i in range(n - len(COLUMNS))]
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerow(["x"] * len(header))
    return folder


def sentence(path: Path, n: int) -> Path:
    """A Markdown source whose Results hold one sentence of ``n`` numbers (count and %)."""
    pairs = ", ".join(f"{i % 97} ({(i % 97) * 1.1:.1f}%)" for i in range(n // 2))
    path.write_text(f"# Results\n\nThe events were {pairs}.\n", encoding="utf-8")
    return path


def html_table(path: Path, n: int) -> Path:
    """An HTML source with one table of ``n`` body rows of two cohorts."""
    rows = "".join(f"<tr><td>Event {i}</td><td>{i % 40} ({i % 40 * 2.5:.1f})</td>"
                   f"<td>{i % 30} ({i % 30 * 3.3:.1f})</td></tr>" for i in range(n))
    path.write_text("<html><body><h1>Results</h1><table><caption>Table 2. Adverse events"
                    "</caption><thead><tr><th>Event</th><th>Cohort A (n = 40)</th>"
                    "<th>Cohort B (n = 30)</th></tr></thead><tbody>" + rows +
                    "</tbody></table></body></html>", encoding="utf-8")
    return path
