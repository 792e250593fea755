"""The controlled vocabulary of ``values.csv`` (quantities, statistics, units, markers).

It lives in ``vocabulary.yaml`` beside this module because the checks rely on its meaning;
``data/raw/README.md`` documents every entry and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Identity:
    """A sum the patient flow obeys: ``total`` = the sum of ``parts`` (see vocabulary.yaml).

    ``total`` and each part are alternatives: the first quantity of the tuple the dossier
    has stands for it (``randomized``, else ``enrolled``).
    """

    name: str
    total: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...]
    same_population: bool = False
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    quantities: dict[str, dict[str, Any]]
    statistics: dict[str, dict[str, Any]]
    units: frozenset[str]
    markers: frozenset[str]
    comparators: frozenset[str]
    sided: frozenset[str]
    endpoints: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    count_units: frozenset[str] = frozenset()
    adjustments: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    ci_methods: tuple[str, ...] = ()
    hypotheses: tuple[str, ...] = ()
    populations_builtin: tuple[str, ...] = ()
    populations_declared: tuple[str, ...] = ()
    design_types: tuple[str, ...] = ()
    design_conclusions: tuple[str, ...] = ()
    follow_up_terms: tuple[str, ...] = ()
    identities: tuple[Identity, ...] = ()

    @property
    def analysis_sets(self) -> tuple[str, ...]:
        """Values the ``population`` column may take: built-in and the trial's own."""
        return self.populations_builtin + self.populations_declared

    def closed_list(self, name: str) -> tuple[str, ...]:
        """A named list of the vocabulary (``design_types``, ``follow_up_terms``)."""
        return tuple(getattr(self, name, ()) or ())

    def is_numeric(self, statistic: str) -> bool:
        return bool(self.statistics.get(statistic, {}).get("numeric", True))

    def populations(self) -> list[str]:
        return list(self._populations)

    @cached_property
    def _populations(self) -> tuple[str, ...]:
        # asked for once per printed percentage: computed once per vocabulary
        return tuple(q for q, d in self.quantities.items() if d.get("population"))

    def attribute(self, quantity: str, key: str) -> Any:
        """One attribute of a quantity's entry (``kind``, ``ratio_of``, ...), or None."""
        return self.quantities.get(quantity, {}).get(key)

    def events_quantity(self, endpoint: str) -> str:
        """The quantity counting events of an endpoint (``deaths`` for ``os``)."""
        return next((q for q, d in self.quantities.items() if d.get("events_of") == endpoint),
                    f"{endpoint}_events")

    def hr_quantity(self, endpoint: str) -> str:
        """The hazard-ratio quantity of an endpoint (``os_hr`` for ``os``)."""
        return next((q for q, d in self.quantities.items() if d.get("ratio_of") == endpoint),
                    f"{endpoint}_hr")


def _endpoint_family(endpoint: str, label: str) -> dict[str, dict[str, Any]]:
    """The four quantities every time-to-event endpoint has, described from its label."""
    return {
        endpoint: {"kind": "time_to_event", "endpoint": True, "description": label},
        f"{endpoint}_hr": {"kind": "ratio", "ratio_of": endpoint,
                           "description": f"hazard ratio for {label}"},
        f"{endpoint}_rate": {"kind": "time_to_event", "estimated": True, "rate_of": endpoint,
                             "description": f"{label} rate at a landmark time (category is "
                                            "the time)"},
        f"{endpoint}_events": {"kind": "time_to_event", "events_of": endpoint,
                               "description": f"patients with an event of {label}"},
    }


def _close_includes(quantities: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``includes`` made transitive: grade 3 within grade 3-4 within grade >= 3 gives grade 3
    within grade >= 3. The YAML states each step once; checks see every pair."""
    direct = {q: tuple(d.get("includes") or ()) for q, d in quantities.items()}

    def reach(q: str) -> list[str]:
        seen: list[str] = []
        stack = list(direct.get(q, ()))
        while stack:
            node = stack.pop(0)
            if node not in seen and node != q:
                seen.append(node)
                stack.extend(direct.get(node, ()))
        return seen

    return {q: ({**d, "includes": reach(q)} if direct[q] else d) for q, d in quantities.items()}


def _identities(raw: dict[str, Any]) -> tuple[Identity, ...]:
    def alternatives(x: Any) -> tuple[str, ...]:
        return tuple(x) if isinstance(x, list) else (str(x),)

    return tuple(Identity(name, alternatives(e["total"]),
                          tuple(alternatives(p) for p in e["parts"]),
                          bool(e.get("same_population")), str(e.get("description", "")))
                 for name, e in (raw or {}).items())


def _with_endpoints(quantities: dict[str, dict[str, Any]],
                    endpoints: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Add each endpoint's family, keeping every quantity defined explicitly."""
    out = dict(quantities)
    for endpoint, label in endpoints.items():
        family = _endpoint_family(endpoint, label)
        for name, entry in family.items():
            role = next((k for k in ("events_of", "ratio_of", "rate_of") if k in entry), None)
            taken = role is not None and any(d.get(role) == endpoint for d in out.values())
            if name not in out and not taken:
                out[name] = entry
    return out


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("trialrecon.dossier").joinpath("vocabulary.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def vocabulary(extra_endpoints: tuple[tuple[str, str], ...] = (),
               extra_populations: tuple[str, ...] = ()) -> Vocabulary:
    """The controlled vocabulary shipped with the package (``vocabulary.yaml``).

    ``extra_endpoints`` are (id, label) pairs a dossier declares in ``trial.yaml``; each gets
    the same four quantities as a built-in endpoint. ``extra_populations`` are the analysis
    sets it declares (``populations:``), allowed in the ``population`` column.
    """
    raw = _raw()
    endpoints = {**raw["endpoints"], **dict(extra_endpoints)}
    return Vocabulary(
        quantities=_close_includes(_with_endpoints(raw["quantities"], endpoints)),
        statistics=raw["statistics"],
        units=frozenset(raw["units"]),
        markers=frozenset(raw["markers"]),
        comparators=frozenset(raw["comparators"]),
        sided=frozenset(raw["sided"]),
        endpoints=tuple(endpoints),
        source_kinds=tuple(raw["source_kinds"]),
        count_units=frozenset(raw["count_units"]),
        adjustments=tuple(raw["adjustments"]),
        tests=tuple(raw["tests"]),
        ci_methods=tuple(raw.get("ci_methods", ())),
        hypotheses=tuple(raw["hypotheses"]),
        populations_builtin=tuple(raw["populations"]),
        populations_declared=tuple(p for p in extra_populations if p not in raw["populations"]),
        design_types=tuple(raw["design_types"]),
        design_conclusions=tuple(raw.get("design_conclusions", ())),
        follow_up_terms=tuple(raw["follow_up_terms"]),
        identities=_identities(raw.get("identities")),
    )
