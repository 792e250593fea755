"""Loading and validating a dossier: from the files to :class:`Dossier`, or every problem.

A dossier is a folder ``data/raw/<trial>/`` with ``trial.yaml`` and one or more
``values*.csv`` files (the format is documented in ``data/raw/README.md``). This
module turns it into typed objects and a tidy table, one row per reported value,
and refuses bad input with one :class:`Problem` per broken rule, each naming the
file, the line and the column, all problems at once.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from trialrecon.dossier.model import Arm, Cohort, Dossier, DossierError, Problem, Source, Trial
from trialrecon.dossier.vocabulary import Vocabulary, vocabulary

COLUMNS: tuple[str, ...] = (
    "id", "source", "location", "row", "column", "anchor", "cohort", "arm", "subgroup",
    "quantity", "category", "statistic", "value", "comparator", "unit", "denominator",
    "marker", "sided", "level", "footnote", "supersedes", "note",
)  # fmt: skip
REQUIRED: tuple[str, ...] = (
    "id", "source", "location", "anchor", "cohort", "quantity", "statistic", "unit",
)  # fmt: skip
MAX_ANCHOR_WORDS = 12
# A reviewer who checked a value against the source and kept an impossible one as
# printed writes "[sic]" in its note: validation then lets it through so the
# reconciliation report can flag it, instead of refusing the dossier.
SIC = "[sic]"

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_TRIAL_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
# Values of these rows are paired bound by bound (lower, upper) for the order checks.
_PAIRS = {"ci_low": "ci_high", "range_low": "range_high"}


# ---------------------------------------------------------------- reading files


def _value_files(path: Path) -> list[Path]:
    return sorted(p for p in path.glob("values*.csv") if p.is_file())


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem when missing or not UTF-8."""
    if not path.is_file():
        problems.append(Problem(str(path), None, None, "file-missing", "file is missing"))
        return None
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(str(path), None, None, "not-utf8",
                                "file starts with a byte-order mark; save it as UTF-8 without BOM"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(str(path), line, None, "not-utf8",
                                f"file is not UTF-8 (byte {exc.start})"))
        return None


# ------------------------------------------------------------------ trial.yaml


def _parse_trial(path: Path, folder_name: str, problems: list[Problem]) -> Trial | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    fname = str(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.append(Problem(fname, line, None, "yaml", f"not valid YAML: {exc}"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(fname, None, None, "yaml", "trial.yaml must be a mapping"))
        return None

    def need(key: str) -> Any:
        if key not in raw or raw[key] in (None, "", []):
            problems.append(Problem(fname, None, key, "required", f"'{key}' is required"))
            return None
        return raw[key]

    trial_id, title, design = need("id"), need("title"), need("design")
    if trial_id is not None and str(trial_id) != folder_name:
        problems.append(Problem(fname, None, "id", "trial-id",
                                f"id '{trial_id}' differs from the folder name '{folder_name}'"))
    if trial_id is not None and not _TRIAL_ID.match(str(trial_id)):
        problems.append(Problem(fname, None, "id", "trial-id",
                                "id must be lower case letters, digits, '_' or '-'"))
    if design is not None and design not in ("single_arm", "randomized"):
        problems.append(Problem(fname, None, "design", "design",
                                f"design '{design}' is not single_arm or randomized"))
    sources = _entries(raw.get("sources"), "sources", ("id", "kind", "citation"), fname, problems)
    cohorts = _entries(raw.get("cohorts"), "cohorts", ("id", "label"), fname, problems)
    arms = _entries(raw.get("arms") or [], "arms", ("id", "label", "role"), fname, problems,
                    optional=True)
    for kind in (s.get("kind") for s in sources):
        if kind not in ("paper", "abstract", "registry", "review"):
            problems.append(Problem(fname, None, "sources", "source-kind",
                                    f"source kind '{kind}' is not paper, abstract, registry "
                                    "or review"))
    for role in (a.get("role") for a in arms):
        if role not in ("experimental", "comparator"):
            problems.append(Problem(fname, None, "arms", "arm-role",
                                    f"arm role '{role}' is not experimental or comparator"))
    cohort_ids = {str(c.get("id")) for c in cohorts}
    for c in cohorts:
        for part in c.get("parts") or []:
            if str(part) not in cohort_ids:
                problems.append(Problem(fname, None, "cohorts", "cohort-parts",
                                        f"cohort '{c.get('id')}' pools unknown cohort '{part}'"))
    if any(p.file == fname for p in problems):
        return None
    known = {"id", "title", "design", "sources", "cohorts", "arms", "registry_id", "setting"}
    return Trial(
        id=str(trial_id),
        title=str(title),
        design=str(design),
        sources=tuple(Source(str(s["id"]), str(s["kind"]), str(s["citation"]),
                             str(s.get("seed", ""))) for s in sources),
        cohorts=tuple(Cohort(str(c["id"]), str(c["label"]),
                             tuple(str(p) for p in c.get("parts") or ()),
                             str(c.get("setting", ""))) for c in cohorts),
        arms=tuple(Arm(str(a["id"]), str(a["label"]), str(a["role"])) for a in arms),
        registry_id=str(raw.get("registry_id", "") or ""),
        setting=str(raw.get("setting", "") or ""),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def _entries(items: Any, key: str, required: Iterable[str], fname: str,
             problems: list[Problem], optional: bool = False) -> list[dict[str, Any]]:
    """The list of mappings under ``key``, each checked for required fields and unique ids."""
    if items is None or items == []:
        if not optional:
            problems.append(Problem(fname, None, key, "required", f"'{key}' is required"))
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(Problem(fname, None, key, "yaml", f"'{key}' must be a list of mappings"))
        return []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        for req in required:
            if item.get(req) in (None, ""):
                problems.append(Problem(fname, None, key, "required",
                                        f"entry {i} of '{key}' lacks '{req}'"))
        ident = str(item.get("id"))
        if ident in seen:
            problems.append(Problem(fname, None, key, "duplicate-id",
                                    f"'{key}' lists id '{ident}' twice"))
        seen.add(ident)
    return items


# ------------------------------------------------------------------ values.csv


def _read_rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a values file as (line number, {column: text}); structural problems noted."""
    text = _read_text(path, problems)
    if text is None:
        return []
    fname = str(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(fname, None, None, "header", "file is empty"))
        return []
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    for col in missing:
        problems.append(Problem(fname, 1, col, "header", f"column '{col}' is missing"))
    for col in unknown:
        problems.append(Problem(fname, 1, col, "header", f"unknown column '{col}'"))
    if missing or unknown:
        return []
    rows = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(Problem(fname, line, None, "field-count",
                                    f"row has {len(fields)} fields, the header {len(header)}"))
            continue
        rows.append((line, {h: f.strip() for h, f in zip(header, fields, strict=True)}))
    return rows


def _row_problems(fname: str, line: int, row: dict[str, str], trial: Trial | None,
                  vocab: Vocabulary) -> list[Problem]:
    """Every rule a single row can break on its own."""
    out: list[Problem] = []

    def bad(column: str, rule: str, message: str) -> None:
        out.append(Problem(fname, line, column, rule, message))

    for col in REQUIRED:
        if not row[col]:
            bad(col, "required", f"'{col}' is empty")
    if row["id"] and not _ID.match(row["id"]):
        bad("id", "id-format", f"id '{row['id']}' must be lower case letters, digits and '_'")
    if trial is not None:
        known = {
            "source": {s.id for s in trial.sources},
            "cohort": {c.id for c in trial.cohorts},
            "arm": {a.id for a in trial.arms},
        }
        for col, ids in known.items():
            if row[col] and row[col] not in ids:
                bad(col, f"unknown-{col}",
                    f"unknown {col} '{row[col]}' (trial.yaml lists: {', '.join(sorted(ids))})")
    vocab_cols = {
        "quantity": vocab.quantities, "statistic": vocab.statistics, "unit": vocab.units,
        "marker": vocab.markers, "comparator": vocab.comparators, "sided": vocab.sided,
    }
    for col, allowed in vocab_cols.items():
        if row[col] and row[col] not in allowed:
            bad(col, f"unknown-{col}", f"unknown {col} '{row[col]}' (see data/raw/README.md)")
    words = len(row["anchor"].split())
    if words > MAX_ANCHOR_WORDS:
        bad("anchor", "anchor-length", f"anchor has {words} words, at most {MAX_ANCHOR_WORDS}")
    out.extend(_value_problems(fname, line, row, vocab))
    return out


def _value_problems(fname: str, line: int, row: dict[str, str],
                    vocab: Vocabulary) -> list[Problem]:
    """Rules on the value itself: presence, form and range."""
    out: list[Problem] = []

    def bad(column: str, rule: str, message: str) -> None:
        out.append(Problem(fname, line, column, rule, message))

    value, stat, sic = row["value"], row["statistic"], SIC in row["note"]
    if row["marker"] and value:
        bad("value", "marker-and-value", f"value '{value}' given together with a marker")
    if not row["marker"] and not value:
        bad("value", "value-missing", "value is empty and no marker says why")
    for col in ("denominator", "level"):
        if row[col] and not _NUMBER.match(row[col]):
            bad(col, "malformed-number", f"{col} '{row[col]}' is not a number")
    if row["denominator"] and _NUMBER.match(row["denominator"]):
        den = float(row["denominator"])
        if den <= 0 or den != int(den):
            bad("denominator", "denominator", f"denominator {row['denominator']} is not a "
                "positive whole number")
    if not value or stat not in vocab.statistics:
        return out
    if not vocab.is_numeric(stat):
        if stat == "date" and not _DATE.match(value):
            bad("value", "malformed-date", f"date '{value}' is not YYYY, YYYY-MM or YYYY-MM-DD")
        return out
    if not _NUMBER.match(value):
        hint = " (write .001 as 0.001)" if re.match(r"^\.\d+$", value) else ""
        bad("value", "malformed-number", f"value '{value}' is not a number{hint}")
        return out
    number = float(value)
    if stat == "count":
        if number < 0:
            bad("value", "negative-count", f"count {value} is negative")
        elif number != int(number):
            bad("value", "count-not-whole", f"count {value} is not a whole number")
        den = row["denominator"]
        if den and _NUMBER.match(den) and number > float(den) and not sic:
            bad("value", "count-above-denominator",
                f"count {value} is above its denominator {den}")
    limits = {"percent": 100.0, "proportion": 1.0}
    if stat in limits and not (0 <= number <= limits[stat]) and not sic:
        bad("value", f"{stat}-range", f"{stat} {value} is outside 0-{limits[stat]:g}")
    if row["unit"] == "percent" and stat != "percent" and not (0 <= number <= 100) and not sic:
        bad("value", "percent-range", f"{value} percent is outside 0-100")
    if stat == "p_value" and not (0 <= number <= 1):
        bad("value", "p-value-range", f"P value {value} is outside 0-1")
    return out


def _bound_problems(fname: str, rows: list[tuple[int, dict[str, str]]]) -> list[Problem]:
    """Lower bounds above their upper bounds (CIs and ranges of the same statement)."""
    groups: dict[tuple[str, ...], dict[str, list[tuple[int, dict[str, str]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    key_cols = ("source", "location", "row", "column", "cohort", "arm", "subgroup",
                "quantity", "category", "level")
    for line, row in rows:
        groups[tuple(row[c] for c in key_cols)][row["statistic"]].append((line, row))
    out = []
    for stats in groups.values():
        for low_stat, high_stat in _PAIRS.items():
            for (line, low), (_, high) in zip(stats.get(low_stat, []), stats.get(high_stat, []),
                                              strict=False):
                lo, hi = low["value"], high["value"]
                if (_NUMBER.match(lo) and _NUMBER.match(hi) and float(lo) > float(hi)
                        and SIC not in low["note"]):
                    kind = "CI" if low_stat == "ci_low" else "range"
                    out.append(Problem(fname, line, "value", f"{kind.lower()}-order",
                                       f"{kind} lower bound {lo} exceeds its upper bound {hi}"))
    return out


def _cross_problems(rows: list[tuple[str, int, dict[str, str]]]) -> list[Problem]:
    """Rules across rows and files: duplicate ids and dangling 'supersedes'."""
    out = []
    first: dict[str, tuple[str, int]] = {}
    for fname, line, row in rows:
        ident = row["id"]
        if ident in first:
            f0, l0 = first[ident]
            out.append(Problem(fname, line, "id", "duplicate-id",
                               f"id '{ident}' is already used in {Path(f0).name}, row {l0}"))
        else:
            first[ident] = (fname, line)
    for fname, line, row in rows:
        if row["supersedes"] and row["supersedes"] not in first:
            out.append(Problem(fname, line, "supersedes", "unknown-supersedes",
                               f"supersedes unknown id '{row['supersedes']}'"))
    return out


# --------------------------------------------------------------------- public


def _scan(path: Path) -> tuple[Trial | None, list[tuple[str, int, dict[str, str]]], list[Problem]]:
    problems: list[Problem] = []
    if not path.is_dir():
        return None, [], [Problem(str(path), None, None, "dossier-missing",
                                  "dossier folder does not exist")]
    trial = _parse_trial(path / "trial.yaml", path.name, problems)
    files = _value_files(path)
    if not files:
        problems.append(Problem(str(path / "values.csv"), None, None, "file-missing",
                                "no values*.csv file in the dossier"))
    vocab = vocabulary()
    all_rows: list[tuple[str, int, dict[str, str]]] = []
    for f in files:
        rows = _read_rows(f, problems)
        for line, row in rows:
            problems.extend(_row_problems(str(f), line, row, trial, vocab))
        problems.extend(_bound_problems(str(f), rows))
        all_rows.extend((str(f), line, row) for line, row in rows)
    problems.extend(_cross_problems(all_rows))
    return trial, all_rows, problems


def validate_dossier(path: str | Path) -> list[Problem]:
    """Every problem of the dossier at ``path`` (an empty list when it is valid)."""
    return _scan(Path(path))[2]


def _to_float(text: str) -> float:
    return float(text) if _NUMBER.match(text) else math.nan


def load_dossier(path: str | Path) -> Dossier:
    """Load and validate a dossier; raise :class:`DossierError` listing every problem."""
    path = Path(path)
    trial, rows, problems = _scan(path)
    if problems or trial is None:
        raise DossierError(problems)
    vocab = vocabulary()
    records = []
    for fname, line, row in rows:
        numeric = vocab.is_numeric(row["statistic"]) and not row["marker"]
        records.append({
            **row,
            "value_num": _to_float(row["value"]) if numeric else math.nan,
            "denominator_num": _to_float(row["denominator"]),
            "file": Path(fname).name,
            "line": line,
        })
    frame = pd.DataFrame.from_records(
        records, columns=[*COLUMNS, "value_num", "denominator_num", "file", "line"]
    )
    return Dossier(path=path, trial=trial, values=frame)


def tidy_table(dossier: Dossier) -> pd.DataFrame:
    """The dossier's values as the tidy table the pipeline writes: trial id first."""
    frame = dossier.values.copy()
    frame.insert(0, "trial", dossier.trial.id)
    return frame
