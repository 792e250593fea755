"""The reconciliation checks on the TALENT dossier (data/raw/talent).

Two inconsistencies any reviewer with the paper finds (Capdevila et al., J Clin Oncol
39:2304, 2021): the panNET median OS is 32 months in the Results and 31 in the Discussion;
the Discussion's "good PFS outcomes (28 and 37 months, respectively)" against Results medians
of 15.6 (panNET) and 15.7 (GI-NET) months. Rows are picked by location, quantity and cohort.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialrecon.checks import run_checks
from trialrecon.dossier import load_dossier

TALENT = Path(__file__).resolve().parents[2] / "data" / "raw" / "talent"


@pytest.fixture(scope="module")
def talent():
    return run_checks(load_dossier(TALENT))


def _rows(dossier, location, quantity, cohort, value):
    v = dossier.values
    sel = v[(v.location == location) & (v.quantity == quantity) & (v.cohort == cohort)
            & (v.statistic == "median") & (v.value == value)]
    assert len(sel) == 1, (location, quantity, cohort, value)
    return sel.iloc[0]["id"]


def _finding(rec, a, b):
    hits = [f for f in rec.findings if {a, b} <= {v.id for v in f.values}]
    assert hits, f"no finding compares {a} and {b}"
    return hits[0]


@pytest.mark.parametrize("quantity,cohort,results,discussion", [
    ("os", "panNET", "32", "31"),
    ("pfs", "panNET", "15.6", "28"),
    ("pfs", "GI-NET", "15.7", "37"),
])
def test_talent_known_inconsistencies(talent, quantity, cohort, results, discussion):
    d = load_dossier(TALENT)
    a = _rows(d, "Results", quantity, cohort, results)
    b = _rows(d, "Discussion", quantity, cohort, discussion)
    f = _finding(talent, a, b)
    assert f.severity == "inconsistent" and f.check == "same-quantity"
    quoted = {v.location: v for v in f.values}
    assert set(quoted) == {"Results", "Discussion"}
    assert quoted["Results"].value == results and quoted["Discussion"].value == discussion
    assert all(v.anchor for v in f.values)
    assert results in f.sentence and discussion in f.sentence


def test_talent_runs_without_errors(talent):
    assert not [f for f in talent.findings if f.severity == "error"]
    assert talent.coverage["same-quantity"] > 0 and talent.coverage["percentages"] > 0
