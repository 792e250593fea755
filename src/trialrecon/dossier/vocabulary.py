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
class Vocabulary:
    quantities: dict[str, dict[str, Any]]
    statistics: dict[str, dict[str, Any]]
    units: frozenset[str]
    markers: frozenset[str]
    comparators: frozenset[str]
    sided: frozenset[str]
    endpoints: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()

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
def vocabulary(extra_endpoints: tuple[tuple[str, str], ...] = ()) -> Vocabulary:
    """The controlled vocabulary shipped with the package (``vocabulary.yaml``).

    ``extra_endpoints`` are (id, label) pairs a dossier declares in ``trial.yaml``; each gets
    the same four quantities as a built-in endpoint.
    """
    raw = _raw()
    endpoints = {**raw["endpoints"], **dict(extra_endpoints)}
    return Vocabulary(
        quantities=_with_endpoints(raw["quantities"], endpoints),
        statistics=raw["statistics"],
        units=frozenset(raw["units"]),
        markers=frozenset(raw["markers"]),
        comparators=frozenset(raw["comparators"]),
        sided=frozenset(raw["sided"]),
        endpoints=tuple(endpoints),
        source_kinds=tuple(raw["source_kinds"]),
    )
