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
        targets = [entry.get("partition_of"), entry.get("ratio_of"),
                   *entry.get("includes", ()), *entry.get("union_of", ())]
        for target in filter(None, targets):
            assert target in quantities, f"{name} refers to unknown quantity {target}"
        if "union_of" in entry:
            assert len(entry["union_of"]) == 2, name


def test_partitions_sum_to_populations():
    quantities = vocabulary().quantities
    for name, entry in quantities.items():
        if "partition_of" in entry:
            assert quantities[entry["partition_of"]].get("population"), name
