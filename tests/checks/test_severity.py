"""One severity policy for every check (trialrecon.checks.severity).

Mixed schemes (one number truncated, the other rounded) never reconcile; one non-standard
scheme for every number makes a result questionable, in every check that compares printed
numbers. Worked by hand in each test.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from dossier_builder import write_dossier
from hypothesis import given
from hypothesis import strategies as st

from trialrecon.checks import run_checks
from trialrecon.checks.findings import SEVERITIES
from trialrecon.checks.severity import POLICY, compare_printed, for_reading, sum_reconciles
from trialrecon.dossier import COLUMNS, load_dossier
from trialrecon.stats.rounding import SCHEMES, decimals_of, exact, scheme_interval


def test_policy_table_covers_every_severity_once():
    assert [p.severity for p in POLICY] == list(SEVERITIES)
    assert all(p.meaning and p.examples for p in POLICY)


def test_rounding_truncation_and_mixed_schemes():
    # 32 and 31 rounded: (31.5, 32.5) and (30.5, 31.5) do not meet; both truncated:
    # [32, 33) and [31, 32) do not meet; 31 truncated [31, 32) meets 32 rounded (31.5, 32.5).
    c = compare_printed("32", "31")
    assert c.severity == "inconsistent" and "31 truncated" in c.mixed
    # 15 and 15.6: rounded (14.5, 15.5) and (15.55, 15.65) do not meet; both truncated:
    # [15, 16) contains [15.6, 15.7): one non-standard scheme throughout, questionable.
    c = compare_printed("15.6", "15")
    assert (c.severity, c.scheme) == ("questionable", "truncate")
    assert compare_printed("44.2", "44").severity == "consistent"
    # a bound is a bound under every scheme: < 0.001 against 0.02 stays inconsistent
    assert compare_printed("0.001", "0.02", "<").severity == "inconsistent"
    assert for_reading(standard=False) == "questionable"
    assert for_reading(natural=False) == "questionable"
    assert for_reading() == "consistent"


def test_sum_of_percentages_under_the_policy():
    # 33.3 + 33.3 + 33.3 = 99.9, slack 0.15: consistent with 100 when rounded
    assert sum_reconciles(["33.3", "33.3", "33.3"], [Fraction(100)]).severity == "consistent"
    # 33.3 + 33.3 + 33.1 = 99.7: rounded, at most 99.85; truncated each stands for
    # [x, x + 0.1), the sum for [99.7, 100.0): 100 is not reached (open end) ...
    assert sum_reconciles(["33.3", "33.3", "33.1"], [Fraction(100)]).severity == "inconsistent"
    # ... but 33.3 + 33.3 + 33.2 = 99.8 truncated is [99.8, 100.1): questionable
    got = sum_reconciles(["33.3", "33.3", "33.2"], [Fraction(100)])
    assert (got.severity, got.scheme) == ("questionable", "truncate")


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=400),
       st.sampled_from(sorted(SCHEMES)), st.integers(min_value=0, max_value=2))
def test_scheme_interval_holds_every_value_the_scheme_prints(k, n, scheme, decimals):
    """Any count over any denominator: the exact value lies in the interval of its print."""
    x = Fraction(100 * k, n)
    printed = SCHEMES[scheme](x, decimals)
    text = f"{float(printed):.{decimals}f}"
    assert decimals_of(text) == decimals and exact(text) == printed
    iv = scheme_interval(text, scheme)
    assert iv.contains(x) or (scheme in ("half_up", "half_even") and
                              abs(x - printed) == Fraction(1, 2 * 10 ** decimals))


TRIAL = """id: mixed
title: "Mixed schemes (synthetic)"
design: single_arm
sources:
  - {id: paper, kind: paper, citation: "Synthetic paper"}
  - {id: registry, kind: registry, citation: "Synthetic registry record"}
cohorts:
  - {id: a, label: "Cohort A"}
  - {id: b, label: "Cohort B"}
  - {id: total, label: "All patients", parts: [a, b]}
"""


def _row(id_, source, location, cohort, quantity, statistic, value, unit, **kw):
    row = dict.fromkeys(COLUMNS, "")
    row.update(id=id_, source=source, location=location, cohort=cohort, quantity=quantity,
               statistic=statistic, value=value, unit=unit, anchor=f"synthetic {id_}", **kw)
    return row


def test_every_check_treats_mixed_schemes_alike(tmp_path: Path):
    """The same two situations in three checks that compare printed numbers.

    31 vs 32 (reconciled only by truncating one and rounding the other): inconsistent in the
    same-quantity, registry and pooled-range checks. 15 vs 15.6 (both truncated reconciles):
    questionable in all three. And a percentage only truncation reproduces (38/55 = 69.09
    printed 69.0) is questionable in the percentage check.
    """
    rows = [
        _row("os_res", "paper", "Results", "a", "os", "median", "32", "months"),
        _row("os_dis", "paper", "Discussion", "a", "os", "median", "31", "months"),
        _row("pfs_res", "paper", "Results", "a", "pfs", "median", "15.6", "months"),
        _row("pfs_dis", "paper", "Discussion", "a", "pfs", "median", "15", "months"),
        _row("cen_reg", "registry", "Locations", "total", "centers", "count", "32", "centers"),
        _row("cen_pap", "paper", "Methods", "total", "centers", "count", "31", "centers"),
        _row("dose_reg", "registry", "Arms", "total", "median_dose", "value", "15.6", "mg"),
        _row("dose_pap", "paper", "Methods", "total", "median_dose", "value", "15", "mg"),
        _row("age_a_lo", "paper", "Table 1", "a", "age", "range_low", "31", "years"),
        _row("age_b_lo", "paper", "Table 1", "b", "age", "range_low", "35", "years"),
        _row("age_t_lo", "paper", "Table 1", "total", "age", "range_low", "32", "years"),
        _row("age_a_hi", "paper", "Table 1", "a", "age", "range_high", "80.6", "years"),
        _row("age_b_hi", "paper", "Table 1", "b", "age", "range_high", "70", "years"),
        _row("age_t_hi", "paper", "Table 1", "total", "age", "range_high", "80", "years"),
        _row("enr_a", "paper", "Table 1", "a", "enrolled", "count", "55", "patients"),
        _row("evr_n", "paper", "Table 1", "a", "prior_treatment", "count", "38", "patients",
             category="Everolimus"),
        _row("evr_pct", "paper", "Table 1", "a", "prior_treatment", "percent", "69.0",
             "percent", category="Everolimus"),
    ]
    rec = run_checks(load_dossier(write_dossier(tmp_path / "mixed", TRIAL, rows)))

    def severity(check, *ids):
        hits = [f for f in rec.findings if f.check == check and
                set(ids) <= {v.id for v in f.values}]
        assert hits, (check, ids)
        return hits[0].severity

    assert severity("same-quantity", "os_res", "os_dis") == "inconsistent"
    assert severity("registry", "cen_reg", "cen_pap") == "inconsistent"
    assert severity("ranges-pooled", "age_t_lo", "age_a_lo") == "inconsistent"
    assert severity("same-quantity", "pfs_res", "pfs_dis") == "questionable"
    assert severity("registry", "dose_reg", "dose_pap") == "questionable"
    assert severity("ranges-pooled", "age_t_hi", "age_a_hi") == "questionable"
    assert severity("percentages", "evr_pct", "evr_n") == "questionable"
