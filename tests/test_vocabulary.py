"""The controlled vocabulary and the data dictionary (data/raw/README.md) agree."""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# ------------------------------------------------------------ the format of any trial
ATTRIBUTES = {"kind", "description", "population", "partition_of", "partition_by", "ratio_of",
              "includes", "union_of", "at_least", "estimated", "endpoint", "events_of",
              "rate_of", "baseline", "governs", "statistics", "free_unit", "itemized", "whole",
              "may_exceed_100", "effect_of", "scale", "null_value", "label_of",
              "category_terms", "category_is"}


def test_every_quantity_entry_has_known_attributes_only():
    """An unquoted comma in a flow mapping once split a description into a junk key."""
    for name, entry in vocabulary().quantities.items():
        assert set(entry) <= ATTRIBUTES, (name, set(entry) - ATTRIBUTES)
        assert all(v is not None for v in entry.values()), name


def test_grades_are_ordered_as_data():
    """Grade 5 <= grade >= 3 <= any grade, grade 3 and 4 <= grade 3-4: stated by `includes`
    step by step in the YAML and closed by the vocabulary (so every pair is known)."""
    q = vocabulary().quantities
    for prefix in ("ae_", "trae_"):
        def inc(big: str) -> set[str]:
            return set(q[prefix + big].get("includes", ()))  # noqa: B023

        assert {f"{prefix}grade{g}" for g in ("1", "2", "3", "4", "5", "12", "34", "3plus",
                                              "2plus")} <= inc("any_grade")
        assert {f"{prefix}grade{g}" for g in ("3", "4", "34", "5")} <= inc("grade3plus")
        assert {f"{prefix}grade3", f"{prefix}grade4"} == inc("grade34")
        assert f"{prefix}grade3plus" not in inc("grade34")  # the order is not reversed
    for name, entry in q.items():
        assert name not in entry.get("includes", ()), f"{name} includes itself"


def test_new_attributes_name_known_things():
    vocab = vocabulary()
    q = vocab.quantities
    for name, entry in q.items():
        for stat in entry.get("statistics", ()):
            assert stat in vocab.statistics, (name, stat)
        if "effect_of" in entry:
            assert entry["effect_of"] in q and entry["scale"] in ("ratio", "difference",
                                                                  "number_needed"), name
            if entry["scale"] != "number_needed":
                assert entry["null_value"] == (1 if entry["scale"] == "ratio" else 0), name
        for key in ("label_of", "category_terms"):
            if key in entry:
                assert vocab.closed_list(entry[key]), (name, key)
    for identity in vocab.identities:
        for alternatives in (identity.total, *identity.parts):
            assert all(a in q for a in alternatives), identity.name
    assert {i.name for i in vocab.identities} >= {"screening", "treatment_start"}


def test_every_closed_list_is_documented(documented):
    text = README.read_text(encoding="utf-8")
    vocab = vocabulary()
    for entries in (vocab.tests, vocab.adjustments, vocab.hypotheses, vocab.populations_builtin,
                    vocab.design_types):
        assert sorted(set(entries) - documented) == []
    for term in vocab.follow_up_terms:  # terms with spaces: quoted whole
        assert f"`{term}`" in text.replace("\n", " ").replace("`from\n", "`from "), term


def test_free_unit_quantities_are_the_documented_ones():
    text = README.read_text(encoding="utf-8")
    para = text[text.index("**Units as printed.**"):text.index("characters (`umol/L`")]
    listed = set(re.findall(r"`([a-z_0-9]+)`", para))
    free = {q for q, d in vocabulary().quantities.items() if d.get("free_unit")}
    assert free == listed


# ---- property: any row built from the vocabulary's valid combinations validates
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "format_examples" / "formex_rct"
TIME_STATS = {"median", "mean", "range_low", "range_high", "ci_low", "ci_high", "iqr_low",
              "iqr_high"}


def _unit(vocab, quantity: str, statistic: str) -> str:
    """A unit chosen from the data dictionary's words, not from the validator's code."""
    entry = vocab.quantities[quantity]
    fixed = {"count": "patients", "percent": "percent", "proportion": "proportion",
             "p_value": "probability", "date": "date", "label": "none", "rate": "per_1000",
             "cv": "percent"}
    if statistic in fixed:
        return fixed[statistic]
    if entry.get("endpoint") and statistic in TIME_STATS:
        return "months"
    if entry.get("ratio_of") and statistic in ("estimate", "ci_low", "ci_high"):
        return "ratio"
    scale = {"ratio": "ratio", "number_needed": "patients", "difference": "percentage_points"}
    if entry.get("scale") and statistic in ("estimate", "ci_low", "ci_high", "se"):
        return scale[entry["scale"]]
    return "none"


@st.composite
def vocabulary_row(draw):
    vocab = vocabulary((), ("liveborn",))
    quantity = draw(st.sampled_from(sorted(vocab.quantities)))
    entry = vocab.quantities[quantity]
    listed = entry.get("statistics") or sorted(vocab.statistics)
    statistic = draw(st.sampled_from(sorted(listed)))
    unit = _unit(vocab, quantity, statistic)
    row = {"quantity": quantity, "statistic": statistic, "unit": unit}
    positive = (entry.get("scale") in ("ratio", "number_needed") or entry.get("ratio_of")
                or entry.get("endpoint") or statistic in ("sd", "se", "cv", "rate"))
    number = {"count": st.integers(0, 50).map(str),
              "percent": st.floats(0, 100).map(lambda x: f"{x:.1f}"),
              "proportion": st.floats(0, 1).map(lambda x: f"{x:.3f}"),
              "p_value": st.floats(0, 1).map(lambda x: f"{x:.3f}")}.get(
        statistic, st.floats(0.1, 500).map(lambda x: f"{x:.2f}") if positive
        else st.floats(-500, 500).map(lambda x: f"{x:.2f}"))
    if entry.get("whole") and statistic in ("count", "value"):
        # whole numbers; a count stays within the denominator of 50 written below
        number = st.integers(0, 50 if statistic == "count" else 60).map(str)
    if entry.get("label_of"):
        row["value"] = draw(st.sampled_from(vocab.closed_list(entry["label_of"])))
    elif statistic == "date":
        row["value"] = "2020-05"
    elif statistic == "label":
        row["value"] = "version 1.1"
    else:
        row["value"] = draw(number)
    if statistic == "count":
        row["denominator"] = "50"
    if entry.get("rate_of"):
        row["category"] = draw(st.sampled_from(["12 months", "3 years after surgery"]))
    elif entry.get("category_is") == "duration":
        row["category"] = "16 weeks"
    elif entry.get("category_terms"):
        terms = draw(st.lists(st.sampled_from(vocab.closed_list(entry["category_terms"])),
                              min_size=1, max_size=3, unique=True))
        row["category"] = "; ".join(terms)
    else:
        row["category"] = draw(st.sampled_from(["", "Nausea", "Region: Europe"]))
    row["arm"] = draw(st.sampled_from(["", "drugx", "placebo", "both"]))
    row["population"] = draw(st.sampled_from(["", *vocab.analysis_sets]))
    design = entry.get("kind") == "design"
    if statistic not in ("count", "date", "label") and not design:
        row["adjustment"] = draw(st.sampled_from(["", *vocab.adjustments]))
    if statistic == "p_value" or design:
        row["test"] = draw(st.sampled_from(["", *vocab.tests]))
    elif statistic in ("ci_low", "ci_high"):  # the interval's method
        row["test"] = draw(st.sampled_from(["", *vocab.ci_methods]))
    if statistic in ("p_value", "estimate", "ci_low", "ci_high") or design:
        row["hypothesis"] = draw(st.sampled_from(["", *vocab.hypotheses]))
    return row


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(vocabulary_row(), min_size=1, max_size=40))
def test_any_row_from_the_vocabulary_validates(rows):
    from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS, validate_dossier

    header = [*COLUMNS, *OPTIONAL_COLUMNS]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "formex_rct"
        folder.mkdir()
        shutil.copy(EXAMPLE / "trial.yaml", folder / "trial.yaml")
        with (folder / "values.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for i, drawn in enumerate(rows):
                row = dict.fromkeys(header, "")
                # each row its own subgroup: rows drawn independently must not meet in the
                # cross-row rules (a CI's bounds in order), which other tests cover
                row.update(id=f"r{i}", source="paper", location="Table 1", anchor="drawn",
                           cohort="all", subgroup=f"drawn {i}", **drawn)
                writer.writerow(row)
        assert [str(p) for p in validate_dossier(folder)] == []
