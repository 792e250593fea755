"""Every check on the planted-error corpus at once: precision and recall 1.0 overall.

Per-check scores are in ``tests/checks/test_<family>.py``; printed here with ``pytest -s``.
"""

from __future__ import annotations

from trialrecon.checks import CHECKS


def matches(finding, ids) -> bool:
    return set(ids) <= {v.id for v in finding.values}


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


def test_planted_corpus_counted_on_causes(planted, expected):
    """Precision and recall 1.0 counted on causes, not findings.

    The errors were planted independently, so each inconsistent or questionable one must be
    a cause of its own: a cause is a true positive when one of its members is a planted error
    (with the planted severity), and no cause may hold two planted inconsistencies; a planted
    error is found when some cause holds it. Planted updates (notes) printed in one place of
    one later source may share a cause: one later analysis explains them all. Clean groups
    of a check belong to no cause through a finding of that check.
    """
    entries = [(check, p) for check, spec in expected.items() for p in spec["planted"]]

    def holds(cause, check, p) -> bool:
        return any(f.check == check and matches(f, p["values"]) and f.severity == p["severity"]
                   for f in cause.members)

    per_cause = [[e for e in entries if holds(c, *e)] for c in planted.causes]
    true_positives = [c for c, hits in zip(planted.causes, per_cause, strict=True) if hits]
    found = [e for e in entries if any(holds(c, *e) for c in planted.causes)]
    print(f"\ncauses: precision {len(true_positives) / len(planted.causes):.2f} "
          f"recall {len(found) / len(entries):.2f} ({len(planted.causes)} causes, "
          f"{len(entries)} planted errors)")
    assert len(true_positives) == len(planted.causes), [
        c.title for c, hits in zip(planted.causes, per_cause, strict=True) if not hits]
    assert len(found) == len(entries)
    for cause, hits in zip(planted.causes, per_cause, strict=True):
        serious = [h for h in hits if h[1]["severity"] != "note"]
        assert len(serious) <= 1, (cause.title, hits)
        assert len(hits) == 1 or cause.kind == "update", (cause.title, hits)
    for check, spec in expected.items():  # a clean group of a check: no finding of it
        for group in spec.get("quiet", []):
            assert not any(f.check == check and set(group) & {v.id for v in f.values}
                           for c in planted.causes for f in c.members), (check, group)
        for group in spec["clean"]:
            assert not any(f.check == check and matches(f, group)
                           for c in planted.causes for f in c.members), (check, group)
