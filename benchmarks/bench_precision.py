"""Precision and recall of the reconciliation checks on the hand-judged gold dossiers.

For every gold dossier (tests/fixtures/gold/<id>/ with a verdicts.yaml), runs the checks and
counts the flagged findings (every severity but consistent), those judged real and those
judged false alarms, and the provable problems of problems.yaml that a real finding shows.
Prints one line per paper, the total, the false alarms by reporting convention and the
missed problems; deterministic (no timing).

    python benchmarks/bench_precision.py
"""

from __future__ import annotations

from pathlib import Path

from trialrecon.checks import run_checks
from trialrecon.checks.precision import VERDICTS_FILE, Judged, Score, score
from trialrecon.dossier import load_dossier

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "gold"


def scores(gold: Path = GOLD) -> list[Score]:
    """One score per gold dossier that has verdicts, by folder name."""
    out = []
    for folder in sorted(p for p in gold.iterdir() if (p / VERDICTS_FILE).is_file()):
        rec = run_checks(load_dossier(folder))
        out.append(score(folder.name, rec.findings, Judged.read(folder)))
    return out


def table(rows: list[Score]) -> str:
    """The plain-text table: per paper, then the total."""
    head = (f"{'paper':12s} {'flagged':>7s} {'real':>5s} {'false':>5s} {'precision':>9s} "
            f"{'provable':>8s} {'found':>5s} {'recall':>6s}  missed")
    lines = [head, "-" * len(head)]
    for s in rows:
        lines.append(_line(s.name, s.flagged, s.real, s.false_alarms, len(s.provable),
                           len(s.found)) + "  " + (", ".join(s.missed) or "-"))
    lines.append("-" * len(head))
    lines.append(_line("total", sum(s.flagged for s in rows), sum(s.real for s in rows),
                       sum(s.false_alarms for s in rows),
                       sum(len(s.provable) for s in rows), sum(len(s.found) for s in rows)))
    unjudged = sum(len(s.unjudged) for s in rows)
    if unjudged:
        lines.append(f"{unjudged} flagged findings have no verdict (counted neither real nor "
                     "false): judge them in verdicts.yaml")
    classes: dict[str, int] = {}
    for s in rows:
        for c, n in s.classes.items():
            classes[c] = classes.get(c, 0) + n
    lines.append("")
    lines.append("false alarms by reporting convention:")
    lines.extend(f"  {n:3d}  {c}" for c, n in sorted(classes.items(), key=lambda x: (-x[1], x[0])))
    return "\n".join(lines)


def _line(name: str, flagged: int, real: int, false: int, provable: int, found: int) -> str:
    precision = f"{real / flagged:.3f}" if flagged else "-"
    recall = f"{found / provable:.3f}" if provable else "-"
    return (f"{name:12s} {flagged:7d} {real:5d} {false:5d} {precision:>9s} {provable:8d} "
            f"{found:5d} {recall:>6s}")


if __name__ == "__main__":
    print(table(scores()))
