"""The controlled vocabulary and the data dictionary (data/raw/README.md) agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trialrecon.dossier import vocabulary

README = Path(__file__).resolve().parents[1] / "data" / "raw" / "README.md"


@pytest.fixture(scope="module")
def documented() -> set[str]:
    return set(re.findall(r"`([A-Za-z0-9_/-]+)`", README.read_text(encoding="utf-8")))


def test_every_quantity_is_documented(documented):
    assert sorted(set(vocabulary().quantities) - documented) == []


def test_every_statistic_unit_and_marker_is_documented(documented):
    vocab = vocabulary()
    names = set(vocab.statistics) | set(vocab.units) | set(vocab.markers)
    assert sorted(names - documented) == []


def test_relations_name_known_quantities():
    quantities = vocabulary().quantities
    for name, entry in quantities.items():
        targets = [entry.get("ratio_of"), entry.get("rate_of"), entry.get("events_of"),
                   *entry.get("includes", ()), *entry.get("union_of", ())]
        for target in filter(None, targets):
            assert target in quantities, f"{name} refers to unknown quantity {target}"
        for key in ("ratio_of", "rate_of", "events_of"):
            if key in entry:
                assert quantities[entry[key]].get("endpoint"), f"{name}: {key} not an endpoint"
        if "union_of" in entry:
            assert len(entry["union_of"]) == 2, name


def test_partitions_sum_to_populations():
    quantities = vocabulary().quantities
    for name, entry in quantities.items():
        if entry.get("partition_of") not in (None, "population"):
            assert quantities[entry["partition_of"]].get("population"), name


def test_every_endpoint_has_its_family():
    vocab = vocabulary((("mace", "major adverse cardiovascular events"),))
    for endpoint in vocab.endpoints:
        assert vocab.quantities[endpoint].get("endpoint"), endpoint
        assert vocab.quantities[vocab.hr_quantity(endpoint)]["ratio_of"] == endpoint
        assert vocab.quantities[vocab.events_quantity(endpoint)]["events_of"] == endpoint
    assert vocab.events_quantity("os") == "deaths" and "os_events" not in vocab.quantities
    assert {"mace", "mace_hr", "mace_rate", "mace_events"} <= set(vocab.quantities)
    assert "mace" not in vocabulary().quantities  # a dossier's endpoint stays its own


def test_every_source_kind_is_documented(documented):
    assert sorted(set(vocabulary().source_kinds) - documented) == []
