"""The ``statistic-p`` check (:mod:`trialrecon.checks.families.statistic_p`): a P value
against the chi-square, t or z statistic printed beside it."""

from __future__ import annotations

from mini_rct import row, run


def test_planted_errors_found_and_clean_values_kept(score):
    s = score("statistic-p")
    print(s.line())
    assert s.precision == 1.0 and s.recall == 1.0, s.line()


def _stat(test: str, x: str, df: str, p: str, **kw: str) -> list[dict[str, str]]:
    where = {"location": "Results", "test": test, **kw}
    return [row("x", "", "outcome", "Pain", "test_statistic", x, unit="none", **where),
            row("d", "", "outcome", "Pain", "df", df, unit="none", **where),
            row("p", "", "outcome", "Pain", "p_value", p, **where)]


def test_chi_square_p_over_the_statistic_rounding(tmp_path):
    """chi-square(1) = 3.84 gives P 0.0500 (by hand: 1.96^2 = 3.8416, two-sided normal 0.05);
    over 3.835 to 3.845 P runs from 0.0502 to 0.0499, so 0.050 is reproduced and 0.040 is
    not."""
    findings, _ = run(tmp_path, _stat("chi_square", "3.84", "1", "0.050"), ("statistic-p",))
    assert [f.severity for f in findings] == ["consistent"]
    findings, _ = run(tmp_path / "b", _stat("chi_square", "3.84", "1", "0.040"),
                      ("statistic-p",))
    assert [f.severity for f in findings] == ["inconsistent"]


def test_truncated_statistic_is_questionable(tmp_path):
    """chi-square(1) printed 3.9 stands for 3.85 to 3.95 (P 0.0497 to 0.0469) when rounded,
    3.90 to 4.00 (P 0.0483 to 0.0455) when truncated: P 0.0460 only under truncation."""
    findings, _ = run(tmp_path, _stat("chi_square", "3.9", "1", "0.0470"), ("statistic-p",))
    assert [f.severity for f in findings] == ["consistent"]
    findings, _ = run(tmp_path / "b", _stat("chi_square", "3.9", "1", "0.0460"),
                      ("statistic-p",))
    assert [f.severity for f in findings] == ["questionable"]
    assert "truncated" in findings[0].sentence


def test_t_statistic_and_unnamed_test(tmp_path):
    """t(inf) is the normal: z = 1.96 gives 0.050 two-sided, 0.025 one-sided; no test named
    means no finding."""
    findings, _ = run(tmp_path, _stat("z_test", "1.96", "1", "0.050"), ("statistic-p",))
    assert [f.severity for f in findings] == ["consistent"]
    findings, _ = run(tmp_path / "b", _stat("z_test", "1.96", "1", "0.025", sided="one_sided"),
                      ("statistic-p",))
    assert [f.severity for f in findings] == ["consistent"]
    findings, skipped = run(tmp_path / "c", _stat("", "1.96", "1", "0.50"), ("statistic-p",))
    assert findings == [] and any("named" in k for k in skipped)
