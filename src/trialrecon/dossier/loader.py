"""Loading and validating a dossier: from the files to :class:`Dossier`, or every problem.

A dossier is a folder ``data/raw/<trial>/`` with ``trial.yaml`` and one or more
``values*.csv`` files (the format is documented in ``data/raw/README.md``). Validation is the
gate of the pipeline: whatever a later stage could not use safely is refused here, all
problems at once, each naming the file, the line and the column. Files must be regular
files inside the folder (no symlinks, devices or pipes), UTF-8 without a byte-order mark and
within a size limit; a file whose name differs from ``values*.csv`` only in case is refused,
not skipped.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from trialrecon.dossier import cuts, names, safe_read
from trialrecon.dossier.digitized import curve_name_problems
from trialrecon.dossier.model import Dossier, DossierError, Problem, Trial
from trialrecon.dossier.trial_yaml import parse_trial
from trialrecon.dossier.values import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    Row,
    _RowRules,
    bound_problems,
    cross_problems,
    read_rows,
)
from trialrecon.dossier.vocabulary import vocabulary

MAX_TRIAL_BYTES = 1_000_000
MAX_VALUES_BYTES = 20_000_000
LOADED_COLUMNS: tuple[str, ...] = (*COLUMNS, *OPTIONAL_COLUMNS, "value_num", "denominator_num",
                                   "file", "line", "cut_order")


# ---------------------------------------------------------------------------- files


def _regular_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a plain file the dossier may contain, or None."""
    try:
        safe_read.check_file(path, 1 << 62, within=path.parent)
    except safe_read.InputRefused as exc:
        return exc.why
    return None


def read_text(path: Path, limit: int, problems: list[Problem]) -> str | None:
    """The file's text (through :mod:`.safe_read`), or None with a problem: not a regular
    file of the dossier, too large, not UTF-8."""
    try:
        return safe_read.read_text(path, limit, within=path.parent)
    except safe_read.InputRefused as exc:
        problems.append(Problem(str(path), exc.line, None, exc.rule, exc.why))
        return None


def value_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The ``values*.csv`` files; near misses (``values.CSV``, a link, a folder) are problems."""
    out = []
    for p in sorted(folder.iterdir()):
        name = p.name
        if not name.lower().startswith("values") or not name.lower().endswith(".csv"):
            continue
        if not (name.startswith("values") and name.endswith(".csv")):
            problems.append(Problem(str(p), None, None, "file-name",
                                    f"'{name}' is not read: values files are named "
                                    "values*.csv in lower case"))
            continue
        why = _regular_file_problem(p)
        if why is not None:
            problems.append(Problem(str(p), None, None, "not-a-file", why))
            continue
        out.append(p)
    return out


# ---------------------------------------------------------------------------- scan


def _scan(path: Path) -> tuple[Trial | None, list[tuple[str, int, Row]], list[Problem]]:
    problems: list[Problem] = []
    if path.is_symlink() or not path.is_dir():
        return None, [], [Problem(str(path), None, None, "dossier-missing",
                                  "dossier folder does not exist (or is a link)")]
    trial_path = path / "trial.yaml"
    text = read_text(trial_path, MAX_TRIAL_BYTES, problems)
    trial = None if text is None else parse_trial(trial_path, text, path.name, problems)
    files = value_files(path, problems)
    if not files and not any(p.rule in ("file-name", "not-a-file") for p in problems):
        problems.append(Problem(str(path / "values.csv"), None, None, "file-missing",
                                "no values*.csv file in the dossier"))
    vocab = vocabulary(*((trial.endpoints, trial.population_ids()) if trial is not None
                          else ((), ())))
    rules = _RowRules(trial, vocab)
    all_rows: list[tuple[str, int, Row]] = []
    for f in files:
        text = read_text(f, MAX_VALUES_BYTES, problems)
        if text is None:
            continue
        rows = read_rows(str(f), text, problems)
        for line, row in rows:
            problems.extend(rules.check(str(f), line, row))
        problems.extend(bound_problems(str(f), rows))
        all_rows.extend((str(f), line, row) for line, row in rows)
    problems.extend(cross_problems(all_rows))
    if trial is not None:
        problems += cuts.name_problems(trial, str(trial_path))
        problems += cuts.date_problems(trial, str(trial_path), all_rows)
        problems += [Problem(line.split(": ", 1)[0], None, None, "curve-file",
                             line.split(": ", 1)[1])
                     for line in curve_name_problems(path / "curves", vocab.endpoints,
                                                     [c.id for c in trial.cohorts])]
    if files and not all_rows and not problems:
        problems.append(Problem(str(files[0]), None, None, "empty-dossier",
                                "the dossier has no values (only headers)"))
    return trial, all_rows, problems


def validate_dossier(path: str | Path) -> list[Problem]:
    """Every problem of the dossier at ``path`` (an empty list when it is valid)."""
    return _scan(Path(path))[2]


def _to_float(text: str) -> float:
    return float(text) if names.is_number(text) else math.nan


def load_dossier(path: str | Path) -> Dossier:
    """Load and validate a dossier; raise :class:`DossierError` listing every problem.

    The loaded table has every column of ``values.csv`` (the optional ones empty when
    absent), the numbers as floats (``value_num``, ``denominator_num``), the file and line of
    each row, and its data cut: ``data_cut`` holds the cut's key (the row's own, else its
    source's; empty when unknown) and ``cut_order`` its place in time (-1 when unknown).
    """
    path = Path(path)
    trial, rows, problems = _scan(path)
    if problems or trial is None:
        raise DossierError(problems)
    vocab = vocabulary(trial.endpoints, trial.population_ids())
    dates = cuts.label_dates(trial)
    records = []
    for fname, line, row in rows:
        numeric = vocab.is_numeric(row["statistic"]) and not row["marker"]
        records.append({
            **row,
            "data_cut": cuts.row_cut(row["data_cut"], row["source"], trial, dates),
            "value_num": _to_float(row["value"]) if numeric else math.nan,
            "denominator_num": _to_float(row["denominator"]),
            "file": Path(fname).name,
            "line": line,
        })
    all_cuts = cuts.build_cuts(trial, ((r["data_cut"], r["source"]) for r in records))
    order = {c.key: c.order for c in all_cuts}
    for r in records:
        r["cut_order"] = order.get(r["data_cut"], -1)
    frame = pd.DataFrame.from_records(records, columns=list(LOADED_COLUMNS))
    return Dossier(path=path, trial=trial, values=frame, cuts=all_cuts)


def tidy_table(dossier: Dossier) -> pd.DataFrame:
    """The dossier's values as the tidy table the pipeline writes: trial id first."""
    frame = dossier.values.copy()
    frame.insert(0, "trial", dossier.trial.id)
    return frame
