"""Readers for digitized Kaplan-Meier curves and their numbers at risk.

Three click formats are read into one tidy table (``arm, time, survival, line``, survival on the
probability scale, ``line`` the 1-based line of the file so errors can name it):

* ``tidy``: a CSV with a header holding ``time`` and ``survival``, optionally ``arm`` and
  ``scale`` (probability, percent, cumulative_incidence, cumulative_incidence_percent);
* ``webplotdigitizer``: WebPlotDigitizer's CSV export, either one dataset as bare ``x,y`` rows or
  all datasets side by side (a row of dataset names, a row ``X,Y,X,Y``, then the values);
* ``digitizeit``: DigitizeIt's ASCII export (tab, semicolon or comma separated, decimal point or
  decimal comma, optional header lines); pairs of columns are datasets as above.

Numbers at risk are a tidy CSV ``arm, time, n_risk`` (``arm`` optional).

The pipeline looks for digitized curves in ``data/raw/<trial>/curves/`` named
``<endpoint>_<cohort>.clicks.csv`` and ``<endpoint>_<cohort>.nar.csv`` (see :func:`find_curves`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trialrecon.dossier import safe_read
from trialrecon.stats.curves import SCALES, CurveInputError, survival_from_scale

FORMATS = ("auto", "tidy", "webplotdigitizer", "digitizeit")
ENDPOINTS = ("pfs", "os", "dor")
_CURVE_NAME = re.compile(r"^(?P<endpoint>[a-z]+)_(?P<cohort>[A-Za-z0-9_-]+)\.clicks\.csv$")


@dataclass(frozen=True)
class CurveFiles:
    """A digitized curve found in a dossier: endpoint, cohort and its two files."""

    endpoint: str
    cohort: str
    clicks: Path
    nar: Path | None


MAX_CURVE_BYTES = 20_000_000


def _read_text(path: Path) -> str:
    """A curve file's text, through the gate (:mod:`.safe_read`): links, folders, pipes,
    devices and huge files are refused."""
    try:
        text = safe_read.read_text(path, MAX_CURVE_BYTES, bom=True)
    except safe_read.InputRefused as exc:
        raise CurveInputError(str(exc)) from None
    if not text.strip():
        raise CurveInputError(f"{path}: the file is empty")
    return text


# A plain decimal, optionally with an exponent (digitizers write 1.5e-3): ASCII digits only,
# so no "inf", "nan", other scripts' digits or 400-digit numbers get through.
_CLICK_NUMBER = re.compile(r"[-+]?[0-9]{1,12}(\.[0-9]{0,20})?([eE][-+]?[0-9]{1,3})?|"
                           r"[-+]?\.[0-9]{1,20}([eE][-+]?[0-9]{1,3})?", re.ASCII)
MAX_CLICK_ROWS = 200_000
MAX_PATIENTS = 200_000  # pseudo patient data of one arm: a bound on memory and time


def _number(text: str, path: Path, line: int, column: str, decimal_comma: bool = False) -> float:
    raw = text.strip()
    if decimal_comma:
        raw = raw.replace(",", ".")
    value = float(raw) if _CLICK_NUMBER.fullmatch(raw) else math.nan
    if not math.isfinite(value):
        raise CurveInputError(
            f"{path}, row {line}: {column} {text.strip()[:40]!r} is not a finite number")
    return value


def _sniff_delimiter(lines: list[str]) -> str:
    sample = [ln for ln in lines[:50] if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in sample) for d in ("\t", ";", ",")}
    # a tab or semicolon present on most lines wins over commas, which may be decimal commas
    for d in ("\t", ";"):
        if counts[d] >= len(sample) * 0.8 and counts[d] > 0:
            return d
    return ","


def _is_numeric_row(cells: list[str], decimal_comma: bool) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return False
    for c in filled:
        try:
            float(c.replace(",", ".") if decimal_comma else c)
        except ValueError:
            return False
    return True


def detect_format(path: str | Path) -> str:
    """``tidy`` when the first row names ``time`` and ``survival``, otherwise the export kind."""
    path = Path(path)
    first = _read_text(path).splitlines()[0].lower()
    cells = [c.strip().strip('"') for c in re.split(r"[,;\t]", first)]
    if "time" in cells and "survival" in cells:
        return "tidy"
    if "digitizeit" in first or "\t" in first or ";" in first:
        return "digitizeit"
    return "webplotdigitizer"


def read_clicks(
    path: str | Path, scale: str | None = None, fmt: str = "auto", arm: str | None = None,
    range_tol: float = 0.05,
) -> pd.DataFrame:
    """Read clicked points into ``arm, time, survival, line`` (survival as a probability).

    ``scale`` declares the y axis for files without a ``scale`` column (default probability);
    ``arm`` names the arm of a single-dataset file. Errors name the file and the row.
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise CurveInputError(f"unknown clicks format {fmt!r}; use one of {', '.join(FORMATS)}")
    kind = detect_format(path) if fmt == "auto" else fmt
    if kind == "tidy":
        raw = _read_tidy_clicks(path)
    else:
        raw = _read_xy_export(path)
    if arm is not None:
        if raw["arm"].nunique() > 1:
            raise CurveInputError(
                f"{path}: holds several datasets ({', '.join(sorted(raw['arm'].unique()))}); "
                "do not give a single arm name")
        raw["arm"] = arm
    if raw.empty:
        raise CurveInputError(f"{path}: no clicked points (the curve is empty)")
    out = []
    for arm_name, part in raw.groupby("arm", sort=True):
        file_scales = sorted(set(part["scale"]) - {""})
        if len(file_scales) > 1:
            raise CurveInputError(f"{path}: arm {arm_name!r} mixes scales {file_scales}")
        if file_scales and scale and file_scales[0] != scale:
            raise CurveInputError(
                f"{path}: the file says scale {file_scales[0]}, the caller {scale}")
        arm_scale = file_scales[0] if file_scales else (scale or "probability")
        if arm_scale not in SCALES:
            row = int(part["line"].iloc[0])
            raise CurveInputError(f"{path}, row {row}: unknown scale {arm_scale!r}; use one of "
                                  f"{', '.join(SCALES)}")
        surv = survival_from_scale(part["value"].to_numpy(float), arm_scale, str(path),
                                   part["line"].to_numpy(), range_tol)
        out.append(pd.DataFrame({"arm": arm_name, "time": part["time"].to_numpy(float),
                                 "survival": surv, "line": part["line"].to_numpy()}))
    return pd.concat(out, ignore_index=True)


def _tidy_rows(path: Path, text: str, required: tuple[str, ...],
               delimiter: str = ",") -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: cell}) of a tidy CSV with a header; blank rows skipped.

    A missing required column or a row with the wrong number of fields raises
    :class:`CurveInputError` naming the file and the row.
    """
    csv.field_size_limit(max(len(text), 131072))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise CurveInputError(f"{path}: not valid CSV ({exc})") from None
    if len(rows) > MAX_CLICK_ROWS:
        raise CurveInputError(f"{path}: {len(rows)} rows, at most {MAX_CLICK_ROWS}")
    header = [h.strip().lower() for h in rows[0]] if rows else []
    for col in required:
        if col not in header:
            raise CurveInputError(f"{path}, row 1: missing column {col!r} (have {header})")
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise CurveInputError(
                f"{path}, row {line}: {len(cells)} fields where the header has {len(header)}")
        yield line, dict(zip(header, cells, strict=True))


def _read_tidy_clicks(path: Path) -> pd.DataFrame:
    text = _read_text(path)
    delimiter = _sniff_delimiter(text.splitlines())
    recs = [
        {
            "arm": cells.get("arm", "").strip(),
            "time": _number(cells["time"], path, line, "time"),
            "value": _number(cells["survival"], path, line, "survival"),
            "scale": cells.get("scale", "").strip(),
            "line": line,
        }
        for line, cells in _tidy_rows(path, text, ("time", "survival"), delimiter)
    ]
    return pd.DataFrame(recs, columns=["arm", "time", "value", "scale", "line"])


def _read_xy_export(path: Path) -> pd.DataFrame:
    """Pairs of columns (x, y) after optional header lines; a first header row names datasets."""
    lines = _read_text(path).splitlines()
    if len(lines) > MAX_CLICK_ROWS:
        raise CurveInputError(f"{path}: {len(lines)} rows, at most {MAX_CLICK_ROWS}")
    delim = _sniff_delimiter(lines)
    decimal_comma = delim != "," and any(re.search(r"\d,\d", ln) for ln in lines[:50])
    rows = list(csv.reader(lines, delimiter=delim))
    names: list[str] = []
    first_data = None
    for i, cells in enumerate(rows):
        if _is_numeric_row(cells, decimal_comma):
            first_data = i
            break
        if i == 0 and not names:
            names = [c.strip() for c in cells]
    if first_data is None:
        raise CurveInputError(f"{path}: no numeric rows (the curve is empty)")
    width = max(len(c) for c in rows[first_data:])
    n_sets = max(width // 2, 1)
    labels = []
    for k in range(n_sets):
        label = names[2 * k] if 2 * k < len(names) else ""
        # a second header row "X,Y" is not a dataset name
        labels.append("" if label.lower() in ("x", "") or n_sets == 1 else label)
    if n_sets > 1 and any(not lab for lab in labels):
        labels = [lab or f"dataset{k + 1}" for k, lab in enumerate(labels)]
    recs = []
    for line, cells in enumerate(rows[first_data:], start=first_data + 1):
        if not any(c.strip() for c in cells):
            continue
        if not _is_numeric_row(cells, decimal_comma):
            raise CurveInputError(f"{path}, row {line}: not a row of numbers: {delim.join(cells)}")
        for k in range(n_sets):
            x = cells[2 * k] if 2 * k < len(cells) else ""
            y = cells[2 * k + 1] if 2 * k + 1 < len(cells) else ""
            if not x.strip() and not y.strip():
                continue  # a shorter dataset ends here
            if not x.strip() or not y.strip():
                raise CurveInputError(f"{path}, row {line}: dataset {k + 1} has x or y missing")
            recs.append({"arm": labels[k], "time": _number(x, path, line, "x", decimal_comma),
                         "value": _number(y, path, line, "y", decimal_comma), "scale": "",
                         "line": line})
    return pd.DataFrame(recs, columns=["arm", "time", "value", "scale", "line"])


def read_nar(path: str | Path, arm: str | None = None) -> pd.DataFrame:
    """Read numbers at risk ``arm, time, n_risk`` (plus ``line``); checked per arm.

    Errors name the file and row: a missing column, a value that is not a whole number >= 0, a
    number that increases over time, a time listed twice.
    """
    path = Path(path)
    recs = []
    for line, cells in _tidy_rows(path, _read_text(path), ("time", "n_risk")):
        n = _number(cells["n_risk"], path, line, "n_risk")
        if n > MAX_PATIENTS:
            raise CurveInputError(f"{path}, row {line}: n_risk {n:g} is above {MAX_PATIENTS} "
                                  "patients, the most a reconstruction handles")
        if n < 0 or n != round(n):
            raise CurveInputError(f"{path}, row {line}: n_risk {n:g} is not a whole number >= 0")
        t = _number(cells["time"], path, line, "time")
        if t < 0:
            raise CurveInputError(f"{path}, row {line}: negative time {t:g}")
        recs.append({"arm": arm if arm is not None else cells.get("arm", "").strip(),
                     "time": t, "n_risk": int(n), "line": line})
    if not recs:
        raise CurveInputError(f"{path}: no numbers at risk")
    nar = pd.DataFrame(recs)
    for arm_name, part in nar.groupby("arm", sort=True):
        part = part.sort_values("time", kind="stable")
        t = part["time"].to_numpy()
        n = part["n_risk"].to_numpy()
        lines = part["line"].to_numpy()
        dup = np.flatnonzero(np.diff(t) == 0)
        if dup.size:
            raise CurveInputError(f"{path}, row {lines[dup[0] + 1]}: time {t[dup[0] + 1]:g} is "
                                  f"listed twice{_arm_text(arm_name)}")
        up = np.flatnonzero(np.diff(n) > 0)
        if up.size:
            i = int(up[0]) + 1
            raise CurveInputError(
                f"{path}, row {lines[i]}: number at risk increases from {n[i - 1]} at time "
                f"{t[i - 1]:g} to {n[i]} at time {t[i]:g}{_arm_text(arm_name)}")
    return nar


def _arm_text(arm: str) -> str:
    return f" (arm {arm})" if arm else ""


def parse_curve_name(name: str, endpoints: Iterable[str],
                     cohorts: Iterable[str]) -> tuple[str, str, str] | None:
    """(endpoint, cohort, kind) of ``<endpoint>_<cohort>.<clicks|nar>.csv``, or None.

    ``<endpoint>_<cohort>.overlay.png`` (what ``trialrecon digitize`` read, drawn over the
    figure) is kind ``overlay``. Endpoint and cohort ids may both contain ``_``, so the name is
    split at every ``_`` and kept only where both halves are known ids.
    """
    for kind, suffix in (("clicks", ".clicks.csv"), ("nar", ".nar.csv"),
                         ("overlay", ".overlay.png")):
        if not name.endswith(suffix):
            continue
        stem = name[: -len(suffix)]
        known_c = set(cohorts)
        for endpoint in sorted(set(endpoints), key=len, reverse=True):
            if stem.startswith(endpoint + "_") and stem[len(endpoint) + 1:] in known_c:
                return endpoint, stem[len(endpoint) + 1:], kind
    return None


def curve_name_problems(folder: Path, endpoints: Iterable[str],
                        cohorts: Iterable[str]) -> list[str]:
    """Why files of a dossier's ``curves/`` folder would not be read (one line each)."""
    if not folder.exists():
        return []
    if folder.is_symlink() or not folder.is_dir():
        return [f"{folder}: curves must be a folder, not a link or a file"]
    endpoints, cohorts = list(endpoints), list(cohorts)
    out = []
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file():
            out.append(f"{path}: not a regular file (links, folders and devices are refused)")
        elif parse_curve_name(path.name, endpoints, cohorts) is None:
            out.append(f"{path}: name it <endpoint>_<cohort>.clicks.csv, .nar.csv or "
                       ".overlay.png with an endpoint of the vocabulary and a cohort id of "
                       "trial.yaml")
    return out


def find_curves(dossier_dir: str | Path, endpoints: Iterable[str] = ENDPOINTS,
                cohorts: Iterable[str] | None = None) -> list[CurveFiles]:
    """Digitized curves of a dossier: ``curves/<endpoint>_<cohort>.clicks.csv`` (+ ``.nar.csv``).

    Files whose names do not parse are left to validation (:func:`curve_name_problems`).
    """
    folder = Path(dossier_dir) / "curves"
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for path in sorted(folder.glob("*.clicks.csv")):
        if cohorts is None:
            m = _CURVE_NAME.match(path.name)
            parsed = (m["endpoint"], m["cohort"], "clicks") if m and m["endpoint"] in \
                set(endpoints) else None
        else:
            parsed = parse_curve_name(path.name, endpoints, cohorts)
        if parsed is None or path.is_symlink():
            continue
        nar = path.with_name(path.name.replace(".clicks.csv", ".nar.csv"))
        found.append(CurveFiles(parsed[0], parsed[1], path,
                                nar if nar.is_file() and not nar.is_symlink() else None))
    return found
