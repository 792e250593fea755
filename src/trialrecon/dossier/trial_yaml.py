"""``trial.yaml``: the trial, its sources (with their data cuts), cohorts, arms and endpoints.

Read with the bounded YAML loader (:mod:`.safe_yaml`: no aliases, no repeated keys, bounded
depth and size), then checked key by key: every problem is a :class:`Problem` naming the
file, the key and, where YAML knows it, the line. Unknown keys are refused, so a misspelt
key never goes unnoticed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from trialrecon.dossier import names
from trialrecon.dossier.model import Arm, Cohort, Problem, Source, Trial
from trialrecon.dossier.safe_yaml import YamlRefused, loads
from trialrecon.dossier.vocabulary import vocabulary

TOP_KEYS = ("id", "title", "design", "registry_id", "setting", "area", "primary_endpoint",
            "endpoints", "populations", "data_cuts", "sources", "cohorts", "arms")
DATA_CUT_KEYS = ("analysis", "data_cut")
SOURCE_KEYS = ("id", "kind", "citation", "seed", "file", "published", "data_cut", "analysis",
               "url")
COHORT_KEYS = ("id", "label", "parts", "setting")
ARM_KEYS = ("id", "label", "role", "parts")
ENDPOINT_KEYS = ("id", "label")
POPULATION_KEYS = ("id", "label")
DESIGNS = ("single_arm", "randomized")
ROLES = ("experimental", "comparator")
POOLED_ROLE = "pooled"  # an arm with parts: a column adding up other arms
TEXT_LIMIT = 2000


class _Reader:
    """Collects problems of one trial.yaml while its entries are read."""

    def __init__(self, fname: str, problems: list[Problem]):
        self.fname = fname
        self.problems = problems

    def bad(self, key: str | None, rule: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.fname, line, key, rule, message))

    def text(self, value: Any, key: str, where: str) -> str:
        """A scalar as text (dates as ISO, numbers as written); lists and mappings refused."""
        if value is None:
            return ""
        if isinstance(value, bool):
            self.bad(key, "yaml-type", f"{where}: '{key}' is true/false; quote it if it is text")
            return str(value).lower()
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()[:10]
        if isinstance(value, list | dict):
            self.bad(key, "yaml-type", f"{where}: '{key}' must be a single value")
            return ""
        text = str(value).strip()
        if len(text) > TEXT_LIMIT:
            self.bad(key, "too-long", f"{where}: '{key}' has {len(text)} characters, at most "
                     f"{TEXT_LIMIT}")
            return text[:TEXT_LIMIT]
        if "\x00" in text:
            self.bad(key, "nul-byte", f"{where}: '{key}' contains a NUL byte")
        return text

    def entries(self, items: Any, key: str, allowed: tuple[str, ...],
                required: tuple[str, ...], optional: bool = False) -> list[dict[str, Any]]:
        """The list of mappings under ``key``, each with its keys and unique id checked."""
        if items in (None, []):
            if not optional:
                self.bad(key, "required", f"'{key}' is required")
            return []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.bad(key, "yaml", f"'{key}' must be a list of mappings")
            return []
        seen: set[str] = set()
        out = []
        for i, item in enumerate(items, start=1):
            where = f"entry {i} of '{key}'"
            for unknown in sorted(set(map(str, item)) - set(allowed)):
                self.bad(key, "unknown-key", f"{where} has unknown key '{unknown}' (allowed: "
                         f"{', '.join(allowed)})")
            for req in required:
                if item.get(req) in (None, ""):
                    self.bad(key, "required", f"{where} lacks '{req}'")
            ident = self.text(item.get("id"), "id", where)
            pattern = names.ENDPOINT_ID if key in ("endpoints", "populations") \
                else names.ENTRY_ID
            if ident and not pattern.fullmatch(ident):
                self.bad(key, "id-format", f"{where}: id '{ident}' must be letters, digits, "
                         "'_' or '-' (at most 64 characters, no '/', '.' or spaces)")
            if ident in seen:
                self.bad(key, "duplicate-id", f"'{key}' lists id '{ident}' twice")
            seen.add(ident)
            out.append(item)
        return out


def parse_trial(path: Path, text: str, folder_name: str, problems: list[Problem]) -> Trial | None:
    """The :class:`Trial` of a trial.yaml text, or None with its problems appended."""
    fname = str(path)
    r = _Reader(fname, problems)
    before = len(problems)
    try:
        raw = loads(text)
    except YamlRefused as exc:
        r.bad(None, "yaml", str(exc), exc.line)
        return None
    if not isinstance(raw, dict):
        r.bad(None, "yaml", "trial.yaml must be a mapping")
        return None
    for unknown in sorted(set(map(str, raw)) - set(TOP_KEYS)):
        r.bad(unknown, "unknown-key", f"unknown key '{unknown}' (allowed: {', '.join(TOP_KEYS)})")
    head = {k: r.text(raw.get(k), k, "trial.yaml") for k in
            ("id", "title", "design", "registry_id", "setting", "area")}
    for key in ("id", "title", "design"):
        if not head[key]:
            r.bad(key, "required", f"'{key}' is required")
    if head["id"] and head["id"] != folder_name:
        r.bad("id", "trial-id", f"id '{head['id']}' differs from the folder name '{folder_name}'")
    if head["id"] and not names.TRIAL_ID.fullmatch(head["id"]):
        r.bad("id", "trial-id", "id must be lower case letters, digits, '_' or '-' "
              "(at most 64 characters)")
    if head["design"] and head["design"] not in DESIGNS:
        r.bad("design", "design", f"design '{head['design']}' is not single_arm or randomized")
    sources = [_source(r, s) for s in r.entries(raw.get("sources"), "sources", SOURCE_KEYS,
                                                 ("id", "kind", "citation"))]
    cohorts = [_cohort(r, c) for c in r.entries(raw.get("cohorts"), "cohorts", COHORT_KEYS,
                                                 ("id", "label"))]
    all_arms = [_arm(r, a) for a in r.entries(raw.get("arms"), "arms", ARM_KEYS,
                                               ("id", "label"), optional=True)]
    arms = [a for a in all_arms if not a.parts]
    pooled = [a for a in all_arms if a.parts]
    _check_arm_parts(r, arms, pooled)
    populations = tuple((r.text(e.get("id"), "id", "populations"),
                         r.text(e.get("label"), "label", "populations"))
                        for e in r.entries(raw.get("populations"), "populations",
                                           POPULATION_KEYS, ("id", "label"), optional=True))
    _check_populations(r, populations)
    endpoints = tuple((r.text(e.get("id"), "id", "endpoints"),
                       r.text(e.get("label"), "label", "endpoints"))
                      for e in r.entries(raw.get("endpoints"), "endpoints", ENDPOINT_KEYS,
                                         ("id", "label"), optional=True))
    _check_endpoints(r, endpoints)
    quoted = _quoted_cuts(r, raw.get("data_cuts"))
    primary = _primary_endpoints(r, raw.get("primary_endpoint"), endpoints)
    _check_parts(r, cohorts)
    if head["design"] == "single_arm" and len(all_arms) > 1:
        r.bad("arms", "arms", "a single-arm trial lists several arms; use design: randomized")
    if len(problems) > before:
        return None
    return Trial(id=head["id"], title=head["title"], design=head["design"],
                 sources=tuple(sources), cohorts=tuple(cohorts), arms=tuple(arms),
                 registry_id=head["registry_id"], setting=head["setting"], area=head["area"],
                 primary_endpoints=primary, endpoints=endpoints, quoted_cuts=quoted,
                 pooled_arms=tuple(pooled), populations=populations)


def _source(r: _Reader, item: dict[str, Any]) -> Source:
    where = f"source '{item.get('id')}'"
    v = {k: r.text(item.get(k), k, where) for k in SOURCE_KEYS}
    kinds = vocabulary().source_kinds
    if v["kind"] and v["kind"] not in kinds:
        r.bad("sources", "source-kind", f"{where}: kind '{v['kind']}' is not one of "
              f"{', '.join(kinds)}")
    for key in ("published", "data_cut"):
        if v[key] and not names.is_date(v[key]):
            r.bad("sources", "malformed-date", f"{where}: {key} '{v[key]}' is not a real date "
                  "written YYYY, YYYY-MM or YYYY-MM-DD")
    for key in ("seed", "file"):
        if v[key] and (Path(v[key]).is_absolute() or ".." in Path(v[key]).parts):
            r.bad("sources", "source-path", f"{where}: {key} '{v[key]}' must be a relative path "
                  "without '..'")
    return Source(id=v["id"], kind=v["kind"], citation=v["citation"], seed=v["seed"],
                  file=v["file"], published=v["published"], data_cut=v["data_cut"],
                  analysis=v["analysis"], url=v["url"])


def _cohort(r: _Reader, item: dict[str, Any]) -> Cohort:
    where = f"cohort '{item.get('id')}'"
    parts = item.get("parts") or []
    if not isinstance(parts, list):
        r.bad("cohorts", "yaml", f"{where}: 'parts' must be a list of cohort ids")
        parts = []
    return Cohort(id=r.text(item.get("id"), "id", where), label=r.text(item.get("label"),
                  "label", where), parts=tuple(r.text(p, "parts", where) for p in parts),
                  setting=r.text(item.get("setting"), "setting", where))


def _arm(r: _Reader, item: dict[str, Any]) -> Arm:
    where = f"arm '{item.get('id')}'"
    role = r.text(item.get("role"), "role", where)
    parts = item.get("parts") or []
    if not isinstance(parts, list):
        r.bad("arms", "yaml", f"{where}: 'parts' must be a list of arm ids")
        parts = []
    if parts:
        if role not in ("", POOLED_ROLE):
            r.bad("arms", "arm-role", f"{where}: an arm with parts is pooled; its role is "
                  f"'{POOLED_ROLE}' or empty, not '{role}'")
        role = POOLED_ROLE
    elif not role:
        r.bad("arms", "required", f"{where} lacks 'role'")
    elif role not in ROLES:
        r.bad("arms", "arm-role", f"{where}: role '{role}' is not experimental or comparator"
              " (a pooled arm lists its parts)")
    return Arm(id=r.text(item.get("id"), "id", where),
               label=r.text(item.get("label"), "label", where), role=role,
               parts=tuple(r.text(p, "parts", where) for p in parts))


def _check_arm_parts(r: _Reader, arms: list[Arm], pooled: list[Arm]) -> None:
    """A pooled arm adds up at least two randomized arms, each once (no pooled of pooled)."""
    real = {a.id for a in arms}
    for a in pooled:
        for part in a.parts:
            if part not in real:
                r.bad("arms", "arm-parts", f"pooled arm '{a.id}' lists '{part}', which is not "
                      "a randomized arm of trial.yaml")
        if len(set(a.parts)) < 2 or len(set(a.parts)) != len(a.parts):
            r.bad("arms", "arm-parts", f"pooled arm '{a.id}' must list at least two different "
                  "arms, each once")


def _check_populations(r: _Reader, populations: tuple[tuple[str, str], ...]) -> None:
    builtin = vocabulary().populations_builtin
    for ident, _ in populations:
        if ident in builtin:
            r.bad("populations", "population-exists", f"population '{ident}' is built in; "
                  "remove it from trial.yaml")


def _quoted_cuts(r: _Reader, items: Any) -> tuple[tuple[str, str], ...]:
    """``data_cuts:`` entries: analyses that a source quotes but none reports itself."""
    if items in (None, []):
        return ()
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        r.bad("data_cuts", "yaml", "'data_cuts' must be a list of mappings")
        return ()
    out = []
    for i, item in enumerate(items, start=1):
        where = f"entry {i} of 'data_cuts'"
        for unknown in sorted(set(map(str, item)) - set(DATA_CUT_KEYS)):
            r.bad("data_cuts", "unknown-key", f"{where} has unknown key '{unknown}' (allowed: "
                  f"{', '.join(DATA_CUT_KEYS)})")
        label = r.text(item.get("analysis"), "analysis", where)
        date = r.text(item.get("data_cut"), "data_cut", where)
        if not label:
            r.bad("data_cuts", "required", f"{where} lacks 'analysis'")
        if date and not names.is_date(date):
            r.bad("data_cuts", "malformed-date", f"{where}: data_cut '{date}' is not a real date")
        out.append((label, date))
    return tuple(out)


def _check_endpoints(r: _Reader, endpoints: tuple[tuple[str, str], ...]) -> None:
    builtin = vocabulary()
    for ident, _ in endpoints:
        clash = [q for q in (ident, f"{ident}_hr", f"{ident}_rate", f"{ident}_events")
                 if q in builtin.quantities]
        if clash:
            r.bad("endpoints", "endpoint-exists", f"endpoint '{ident}' would redefine the "
                  f"vocabulary's {', '.join(clash)}; use the built-in quantity")


def _primary_endpoints(r: _Reader, raw: Any,
                       endpoints: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    if raw in (None, "", []):
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out = tuple(r.text(x, "primary_endpoint", "trial.yaml") for x in items)
    known = vocabulary(endpoints).quantities
    for q in out:
        if q not in known:
            r.bad("primary_endpoint", "unknown-quantity", f"primary_endpoint '{q}' is not a "
                  "quantity of the vocabulary (or of this trial's endpoints)")
    return out


def _check_parts(r: _Reader, cohorts: list[Cohort]) -> None:
    """Pooled cohorts name known cohorts, never themselves, and form no cycle."""
    parts = {c.id: c.parts for c in cohorts}
    for c in cohorts:
        for part in c.parts:
            if part == c.id:
                r.bad("cohorts", "cohort-parts", f"cohort '{c.id}' lists itself among its parts")
            elif part not in parts:
                r.bad("cohorts", "cohort-parts", f"cohort '{c.id}' pools unknown cohort '{part}'")
    for start in parts:
        stack = [p for p in parts.get(start, ()) if p != start]  # itself: reported above
        seen: set[str] = set()
        while stack:
            node = stack.pop()
            if node == start:
                r.bad("cohorts", "cohort-cycle", f"cohort '{start}' contains itself through "
                      "its parts (a cycle of pooled cohorts)")
                break
            if node in seen or node not in parts:
                continue
            seen.add(node)
            stack.extend(parts[node])
