"""What ``trialrecon digitize`` writes: the dossier's curve files, with names that fit it.

Files (read back by :mod:`trialrecon.dossier.digitized` before the command reports success):

* ``<endpoint>_<cohort>.clicks.csv``: ``arm,time,survival,kind``; ``kind`` is ``corner`` for
  the corners of the steps and ``censor`` for a censor mark (a point on the curve, so a reader
  that ignores the column still reads a correct curve); survival on the probability scale;
* ``<endpoint>_<cohort>.nar.csv``: ``arm,time,n_risk``, when numbers at risk are known.

Arm names: ``--arm LABEL=ID`` wins, where LABEL is the legend's text, the curve's number or its
colour name; otherwise a ``trial.yaml`` beside the curves folder names the arms, each legend
text matched to the arm whose label or id shares most words with it; otherwise the legend text
or colour name itself, made safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trialrecon.dossier.digitize.geometry import colour_name
from trialrecon.dossier.digitize.limits import DigitizeError
from trialrecon.dossier.digitize.model import ReadCurve, ReadFigure
from trialrecon.dossier.names import TIME_UNIT_MONTHS
from trialrecon.dossier.safe_write import atomic_write_text, csv_text

_TOKEN = re.compile(r"[a-z0-9]+")
_UNITS = {"month": "months", "week": "weeks", "day": "days", "year": "years"}


@dataclass(frozen=True)
class DossierArms:
    """Arm ids and labels, cohort ids and endpoint ids of the dossier the files go into."""

    arms: tuple[tuple[str, str], ...]
    cohorts: tuple[str, ...]
    endpoints: tuple[str, ...]


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def slug(text: str) -> str:
    """A safe arm name from free text: lower case letters, digits, '_' and '-'."""
    s = re.sub(r"[^a-z0-9_-]+", "_", text.lower()).strip("_")
    return s[:60] or "arm"


def arm_names(fig: ReadFigure, given: dict[str, str], dossier: DossierArms | None
              ) -> tuple[list[str], list[str]]:
    """One name per curve, and notes on how they were chosen."""
    notes: list[str] = []
    names: list[str | None] = [None] * len(fig.curves)
    for key, value in given.items():
        k = key.lower()
        hits = [i for i, c in enumerate(fig.curves)
                if k in (str(i + 1), c.label.lower(), c.name.lower(), c.style_text.lower())]
        if not hits:  # a colour name, when one curve has it
            hits = [i for i, c in enumerate(fig.curves) if k == colour_name(c.colour)]
        if len(hits) != 1:
            known = ", ".join(f"{i + 1} ({c.label or c.name or c.style_text})"
                              for i, c in enumerate(fig.curves))
            raise DigitizeError(f"--arm {key}={value}: no single curve is called {key!r} "
                                f"(curves: {known})")
        names[hits[0]] = value
    if dossier is not None and dossier.arms:
        for i, c in enumerate(fig.curves):
            if names[i] is None and c.label:
                names[i] = _match_arm(c, dossier)
        if any(n is None for n in names):
            missing = [str(i + 1) for i, n in enumerate(names) if n is None]
            raise DigitizeError(
                f"curve(s) {', '.join(missing)} could not be matched to an arm of trial.yaml "
                f"({', '.join(a for a, _ in dossier.arms)}); give --arm N=ID for each")
        ids = {a for a, _ in dossier.arms}
        bad = sorted({n for n in names if n not in ids})
        if bad:
            raise DigitizeError(f"arm name(s) {', '.join(bad)} are not arms of trial.yaml "
                                f"({', '.join(sorted(ids))})")
        notes.append("arms named after trial.yaml: " + ", ".join(
            f"'{c.label or c.name}' -> {n}" for c, n in zip(fig.curves, names, strict=True)))
    for i, c in enumerate(fig.curves):
        if names[i] is None:
            names[i] = slug(c.label or c.name or f"curve{i + 1}")
    if len(set(names)) != len(names):
        raise DigitizeError(f"two curves would get the same arm name ({', '.join(names)}); "
                            "name them with --arm N=ID")
    return [str(n) for n in names], notes


def _match_arm(curve: ReadCurve, dossier: DossierArms) -> str | None:
    """The arm whose label or id shares most words with the legend text (a unique best)."""
    want = _tokens(curve.label)
    scores = []
    for arm_id, label in dossier.arms:
        have = _tokens(label) | _tokens(arm_id.replace("_", " "))
        score = len(want & have) / max(len(want | have), 1)
        scores.append((score, arm_id))
    scores.sort(reverse=True)
    if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
        return scores[0][1]
    return None


def time_factor(unit: str, x_title: str) -> tuple[float, str]:
    """Months per axis unit, and what was decided (``unit`` auto reads the axis title)."""
    if unit == "as-read":
        return 1.0, "times kept in the axis' own unit"
    if unit == "auto":
        words = _tokens(x_title)
        found = sorted({_UNITS[w.rstrip("s")] for w in words if w.rstrip("s") in _UNITS})
        if len(found) == 1:
            unit = found[0]
        else:
            return 1.0, ("time unit not found in the x axis title" +
                         (f" '{x_title}'" if x_title else "") + ": times taken as months "
                         "(give --time-unit)")
    factor = TIME_UNIT_MONTHS[unit]
    note = "times in months" if unit == "months" else \
        f"times converted from {unit} to months (x {factor:.6g})"
    return factor, note


def _fmt(v: float) -> str:
    text = f"{v:.7g}"
    return "0" if text == "-0" else text


def clicks_table(fig: ReadFigure, names: list[str], factor: float) -> pd.DataFrame:
    rows = []
    for c, name in zip(fig.curves, names, strict=True):
        s = np.clip(c.survival, 0.0, 1.0)
        rows += [(name, t * factor, v, "corner") for t, v in zip(c.time, s, strict=True)]
        cs = np.clip(c.censor_survival, 0.0, 1.0)
        rows += [(name, t * factor, v, "censor") for t, v in zip(c.censor_time, cs, strict=True)]
    table = pd.DataFrame(rows, columns=["arm", "time", "survival", "kind"])
    table["time"] = table["time"].clip(lower=0.0)
    return table


def nar_table(fig: ReadFigure, names: list[str], factor: float) -> pd.DataFrame | None:
    rows = []
    for r_index, c_index in sorted(fig.nar_arm.items(), key=lambda kv: kv[1]):
        r = fig.risk_rows[r_index]
        rows += [(names[c_index], t * factor, int(n)) for t, n in zip(r.time, r.n, strict=True)]
    return pd.DataFrame(rows, columns=["arm", "time", "n_risk"]) if rows else None


def _csv(table: pd.DataFrame) -> str:
    return csv_text(list(table.columns), ([_fmt(v) if isinstance(v, float) else v for v in rec]
                                          for rec in table.itertuples(index=False)))


def write_text(path: Path, text: str, force: bool) -> Path:
    """Write a file of the output folder: no links followed, nothing overwritten unless asked,
    atomically (a temporary file renamed into place)."""
    if path.is_symlink():
        raise DigitizeError(f"{path}: is a symbolic link; not written")
    if path.exists() and not force:
        raise DigitizeError(f"{path}: already exists (give --force to replace it)")
    return atomic_write_text(path, text)


def write_curve_files(folder: Path, stem: str, clicks: pd.DataFrame, nar: pd.DataFrame | None,
                      force: bool) -> list[Path]:
    """The clicks (and numbers at risk) files, in ``folder``; all checked before any is written.

    Without numbers at risk an older ``.nar.csv`` would pair with the new curve, so it is
    removed (with ``force``) or the command refuses.
    """
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DigitizeError(f"{folder}: not a folder")
    clicks_path, nar_path = folder / f"{stem}.clicks.csv", folder / f"{stem}.nar.csv"
    for p in (clicks_path, nar_path):
        if p.is_symlink():
            raise DigitizeError(f"{p}: is a symbolic link; not written")
        if p.exists() and not force:
            raise DigitizeError(f"{p}: already exists (give --force to replace it)")
    folder.mkdir(parents=True, exist_ok=True)
    out = [write_text(clicks_path, _csv(clicks), force)]
    if nar is not None:
        out.append(write_text(nar_path, _csv(nar), force))
    elif nar_path.exists():
        nar_path.unlink()
    return out
