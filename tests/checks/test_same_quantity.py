"""The ``same-quantity`` check (:mod:`trialrecon.checks.families.same_quantity`): planted errors."""

from __future__ import annotations

from conftest import matches


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("same-quantity")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def test_finding_quotes_both_statements_with_where_they_stand(planted):
    f = next(f for f in planted.findings if matches(f, ["q1a_res", "q1a_dis"]))
    d = f.to_dict()
    for key in ("id", "check", "check_version", "trial", "severity", "title", "sentence",
                "values", "recomputation", "nearest", "explanations_ruled_out", "triage"):
        assert key in d
    v = d["values"][0]
    for key in ("id", "source", "location", "row", "column", "anchor", "cohort", "arm",
                "quantity", "category", "statistic", "value", "unit", "file", "line"):
        assert key in v
    assert {v["location"] for v in d["values"]} == {"Results", "Discussion"}
