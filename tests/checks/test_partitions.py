"""The ``partitions`` check (:mod:`trialrecon.checks.families.partitions`): planted errors."""

from __future__ import annotations


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("partitions")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def _levels(char: str, levels: list[tuple[str, int, str]]) -> list[dict[str, str]]:
    """Table 1 rows of one characteristic in the drug column (n = 50): count and percent."""
    from mini_rct import row

    out = []
    for name, n, pct in levels:
        key = name.split()[-1].lower()
        kw = {"location": "Table 1", "denominator": 50, "column": "Drug (n = 50)"}
        out.append(row(f"{key}_n", "drug", "baseline", f"{char}: {name}", "count", n, **kw))
        out.append(row(f"{key}_pct", "drug", "baseline", f"{char}: {name}", "percent", pct,
                       **kw))
    return out


def test_levels_a_patient_shares_are_no_partition(tmp_path):
    """Organs involved: liver 36/50 = 72%, lung 18/50 = 36%, other 19/50 = 38%: the counts sum
    to 73 of 50 and the percentages to 146, each level over all 50 patients: no finding."""
    from mini_rct import run

    rows = _levels("Organs involved", [("Liver", 36, "72"), ("Lung", 18, "36"),
                                       ("Other", 19, "38")])
    findings, skipped = run(tmp_path, rows, ("partitions",))
    assert [f for f in findings if f.severity != "consistent"] == []
    assert any("share" in k for k in skipped)


def test_a_slip_or_a_status_with_its_missing_level_is_still_flagged(tmp_path):
    """Other 29 printed 38% (29/50 = 58%): that count is a slip, the list 83 of 50 is flagged.
    EGFR positive 20 (40%), negative 19 (38%), not evaluable 14 (28%) = 53 of 50: a status with
    its not-evaluable level is one per patient, flagged although each percentage fits."""
    from mini_rct import run

    slip = _levels("Organs involved", [("Liver", 36, "72"), ("Lung", 18, "36"),
                                       ("Other", 29, "38")])
    findings, _ = run(tmp_path / "slip", slip, ("partitions",))
    assert any(f.severity == "inconsistent" and "83" in f.title for f in findings)
    status = _levels("EGFR mutation", [("Positive", 20, "40"), ("Negative", 19, "38"),
                                       ("Not evaluable", 14, "28")])
    findings, _ = run(tmp_path / "status", status, ("partitions",))
    assert any(f.severity == "inconsistent" and "53" in f.title for f in findings)


def _blocked(block: str, levels: list[tuple[str, int]]) -> list[dict[str, str]]:
    """Drug-column counts (n = 50) of the characteristic 'Upper tumour' under an outer heading."""
    from mini_rct import row

    kw = {"location": "Table 1", "denominator": 50, "column": "Drug (n = 50)"}
    return [row(f"{block[:4].lower()}_{k}", "drug", "baseline", f"Upper tumour: {name}",
                "count", n, row=f"{block} / Upper tumour / {name}", **kw)
            for k, (name, n) in enumerate(levels)]


def test_one_characteristic_under_two_outer_headings_is_two_lists(tmp_path):
    """Staging: stage 2 20 + stage 3 30 = 50; Operation: resected 41 + not resected 9 = 50.
    Summed as one list they would be 100 of 50; each heading's list is a partition of its own."""
    from mini_rct import run

    rows = (_blocked("Staging", [("stage 2", 20), ("stage 3", 30)])
            + _blocked("Operation", [("resected", 41), ("not resected", 9)]))
    findings, _ = run(tmp_path, rows, ("partitions",))
    assert [f.title for f in findings if f.severity != "consistent"] == []
    assert sum(f.severity == "consistent" for f in findings) == 2


def test_a_slip_within_one_outer_heading_is_still_flagged(tmp_path):
    """Operation: resected 43 + not resected 9 = 52 of 50 (a slip), staging 20 + 30 = 50."""
    from mini_rct import run

    rows = (_blocked("Staging", [("stage 2", 20), ("stage 3", 30)])
            + _blocked("Operation", [("resected", 43), ("not resected", 9)]))
    findings, _ = run(tmp_path, rows, ("partitions",))
    bad = [f for f in findings if f.severity == "inconsistent"]
    assert len(bad) == 1 and "52" in bad[0].title


def test_a_level_whose_stub_states_its_own_format_is_no_level(tmp_path):
    """Parity: 0 30 + 1 20 = 50; the row 'Anaemia at entry, n (%)' printed flush after the
    levels (and left under the heading by the layout) is a characteristic of its own: not
    summed with them (51 of 50); a slip among the levels (31 + 20) is still flagged."""
    from mini_rct import row, run

    kw = {"location": "Table 1", "denominator": 50, "column": "Drug (n = 50)"}

    def rows(first: int) -> list[dict[str, str]]:
        return [row("p0", "drug", "baseline", "Parity: 0", "count", first,
                    row="Parity, n (%) / 0", **kw),
                row("p1", "drug", "baseline", "Parity: 1", "count", 20,
                    row="Parity, n (%) / 1", **kw),
                row("an", "drug", "baseline", "Parity: Anaemia at entry", "count", 1,
                    row="Parity, n (%) / Anaemia at entry, n (%)", **kw)]

    findings, _ = run(tmp_path / "clean", rows(30), ("partitions",))
    assert [f.title for f in findings if f.severity != "consistent"] == []
    findings, _ = run(tmp_path / "slip", rows(31), ("partitions",))
    assert [f.severity for f in findings if f.severity != "consistent"] == ["inconsistent"]


def test_cumulative_level_below_its_levels_is_impossible(tmp_path):
    """Grades 0-3 of 60 patients: 20, 20, 12, 8. 'Grade >=2' printed 15 < 12 + 8 = 20: it
    cannot count fewer than the levels it holds; printed 30 (above, not the >1 sum either)
    could hold unprinted levels: no finding."""
    from mini_rct import row, run

    def rows(cum: int) -> list[dict[str, str]]:
        out = [row(f"g{k}", "drug", "outcome", f"Grade {k}", "count", n, denominator=60)
               for k, n in enumerate((20, 20, 12, 8))]
        return [*out, row("cum", "drug", "outcome", "Grade >=2", "count", cum, denominator=60)]

    findings, _ = run(tmp_path, rows(15), ("partitions",))
    assert [f.severity for f in findings if "cum" in {v.id for v in f.values}] == ["inconsistent"]
    findings, _ = run(tmp_path / "b", rows(30), ("partitions",))
    assert [f for f in findings if "cum" in {v.id for v in f.values}] == []
