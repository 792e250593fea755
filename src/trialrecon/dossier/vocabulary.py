"""The controlled vocabulary of ``values.csv`` (quantities, statistics, units, markers).

It lives in ``vocabulary.yaml`` beside this module because the checks rely on its meaning;
``data/raw/README.md`` documents every entry and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
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

    def is_numeric(self, statistic: str) -> bool:
        return bool(self.statistics.get(statistic, {}).get("numeric", True))

    def populations(self) -> list[str]:
        return [q for q, d in self.quantities.items() if d.get("population")]


@cache
def vocabulary() -> Vocabulary:
    """The controlled vocabulary shipped with the package (``vocabulary.yaml``)."""
    text = resources.files("trialrecon.dossier").joinpath("vocabulary.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return Vocabulary(
        quantities=raw["quantities"],
        statistics=raw["statistics"],
        units=frozenset(raw["units"]),
        markers=frozenset(raw["markers"]),
        comparators=frozenset(raw["comparators"]),
        sided=frozenset(raw["sided"]),
    )
