"""Every check on the planted-error corpus at once: precision and recall 1.0 overall.

Per-check scores are in ``tests/checks/test_<family>.py``; printed here with ``pytest -s``.
"""

from __future__ import annotations

from trialrecon.checks import CHECKS


def test_planted_corpus_precision_and_recall(expected, score):
    assert set(expected) == {c.id for c in CHECKS}, "every check has planted errors"
    scores = [score(check) for check in expected]
    tp = sum(s.true_positives for s in scores)
    flagged = sum(s.flagged for s in scores)
    found = sum(s.found for s in scores)
    planted = sum(s.planted for s in scores)
    lines = [s.line() for s in scores]
    print("\n" + "\n".join(lines) + f"\noverall precision {tp / flagged:.2f} "
          f"recall {found / planted:.2f}")
    assert tp == flagged and found == planted, "\n".join(lines)


def test_every_check_ran_and_looked_at_values(planted):
    assert planted.not_run == {}
    assert not [f for f in planted.findings if f.severity == "error"]
    for check in CHECKS:
        assert planted.coverage[check.id] > 0, check.id
