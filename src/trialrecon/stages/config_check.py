"""The workflow configuration checked beyond its JSON schema, before any stage runs.

``config/config.yaml`` is data a user edits (and ``snakemake --config`` can override any
key), so the Snakefile checks, after the schema (``workflow/schemas/config.schema.yaml``):

- every number is finite (the schema lets NaN through ``exclusiveMinimum``: every comparison
  with NaN is false; the bounded YAML loader refuses ``.nan`` in the file, this catches an
  override);
- notebook parameter names are Python identifiers and not keywords: papermill writes
  ``name = value`` into the notebook, so a name is code (a key
  ``x = __import__("os").system(...)#`` would run); values are quoted by papermill;
- ``design.figure_prefix`` is a relative folder name (it becomes a link in ``design.md``;
  ``javascript:...`` or ``../..`` must never reach it);
- ``selection.data_cut`` is ``primary``, ``latest``, ``first``, a date, or a data cut that a
  configured trial's ``trial.yaml`` names (a label nobody has would be refused by one stage
  and ignored by another).

:func:`config_problems` returns the problems, each one line naming the key.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from trialrecon.dossier import names
from trialrecon.dossier.safe_read import InputRefused
from trialrecon.dossier.safe_yaml import YamlRefused, load_file
from trialrecon.dossier.selection import POLICY_CUTS

_PREFIX = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,99}")


def _numbers(value: Any, path: str) -> Iterable[str]:
    """Keys (as dotted paths) whose value is a number that is not finite."""
    stack = [(value, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, float) and not math.isfinite(current):
            yield where
        elif isinstance(current, dict):
            stack += [(v, f"{where}.{k}" if where else str(k)) for k, v in current.items()]
        elif isinstance(current, list):
            stack += [(v, f"{where}[{i + 1}]") for i, v in enumerate(current)]


def parameter_name_problem(name: Any) -> str | None:
    """Why ``name`` cannot be a notebook parameter (papermill writes ``name = value``)."""
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii() \
            or keyword.iskeyword(name) or len(name) > 64:
        return (f"'{str(name)[:60]}' is not a parameter name (ASCII letters, digits and '_', "
                "not starting with a digit, not a Python keyword)")
    return None


def _notebook_problems(config: dict[str, Any]) -> list[str]:
    out = []
    params = (config.get("notebooks") or {}).get("parameters") or {}
    for notebook, values in params.items() if isinstance(params, dict) else ():
        for name in values if isinstance(values, dict) else ():
            why = parameter_name_problem(name)
            if why:
                out.append(f"notebooks.parameters.{notebook}: {why}")
    return out


def _prefix_problem(config: dict[str, Any]) -> list[str]:
    prefix = (config.get("design") or {}).get("figure_prefix")
    if prefix is None:
        return []
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix) or ".." in prefix.split("/"):
        return [f"design.figure_prefix: '{str(prefix)[:60]}' is not a relative folder name "
                "(letters, digits, '_', '.', '-' and '/', no '..', no scheme such as "
                "'javascript:')"]
    return []


def trial_cut_names(dossier_dir: Path, trials: Iterable[str]) -> set[str]:
    """Data cut dates and analysis names the trials' ``trial.yaml`` files name."""
    out: set[str] = set()
    for trial in trials:
        path = dossier_dir / trial / "trial.yaml"
        try:
            raw = load_file(path, within=path.parent)
        except (YamlRefused, InputRefused):
            continue  # the dossier stage reports it
        raw = raw if isinstance(raw, dict) else {}
        for key in ("sources", "data_cuts"):
            for entry in raw.get(key) or [] if isinstance(raw.get(key), list) else []:
                if isinstance(entry, dict):
                    out.update(str(entry[k]) for k in ("data_cut", "analysis") if entry.get(k))
    return out


def _cut_problem(config: dict[str, Any], root: Path) -> list[str]:
    cut = str((config.get("selection") or {}).get("data_cut") or "primary")
    if cut in POLICY_CUTS or names.is_date(cut):
        return []
    trials = [str(t) for t in config.get("trials") or []]
    known = trial_cut_names(root / str(config.get("dossier_dir", "data/raw")), trials)
    if cut in known:
        return []
    return [f"selection.data_cut: '{cut[:60]}' names no data cut of the trials "
            f"({', '.join(sorted(known)[:20]) or 'they name none'}); use primary, latest, "
            "first, a date or one of these"]


def config_problems(config: dict[str, Any], root: Path | None = None) -> list[str]:
    """Every problem of a configuration the schema accepted (empty: it is usable)."""
    root = Path.cwd() if root is None else Path(root)
    out = [f"{key}: not a finite number" for key in sorted(_numbers(config, ""))]
    out += _notebook_problems(config) + _prefix_problem(config) + _cut_problem(config, root)
    return out
