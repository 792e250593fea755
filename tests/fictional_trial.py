"""The fictional two-arm trial (Drug X against placebo) the drafting and reading tests describe
their fixtures with: one ``trial.yaml`` text, with the variations each test needs."""

from __future__ import annotations


def trial_yaml(cohort: str = "All randomised patients", populations: str = "",
               total: bool = False) -> str:
    """``trial.yaml`` of the fictional trial: its cohort's label, ``populations`` as YAML
    list items (indented two spaces), and a pooled "Total" arm when ``total``."""
    text = ('id: fict\ntitle: "Fictional"\ndesign: randomized\nsources:\n  - id: paper\n'
            '    kind: paper\n    citation: "Fictional 2024"\n')
    if populations:
        text += "populations:\n" + populations
    text += (f'cohorts:\n  - id: all\n    label: "{cohort}"\narms:\n'
             '  - id: drug_x\n    label: "Drug X"\n    role: experimental\n'
             '  - id: placebo\n    label: "Placebo"\n    role: comparator\n')
    if total:
        text += '  - id: total\n    label: "Total"\n    parts: [drug_x, placebo]\n'
    return text


def drafted_at(rows: list[dict[str, str]], row: str, column: str,
               statistic: str) -> dict[str, str]:
    """The one drafted row at a table cell (row and column as printed) with ``statistic``."""
    found = [r for r in rows if r["row"] == row and r["column"] == column and
             r["statistic"] == statistic]
    assert len(found) == 1, (row, column, statistic, found)
    return found[0]


def results_builder(methods: str = ""):
    """A JATS document builder of the fictional paper, opened at its Results section, after a
    statistical-methods paragraph ``methods`` when one is given."""
    from trialrecon.dossier.draft.document import Builder

    b = Builder("fict.nxml", "jats")
    if methods:
        b.open_section("Methods", 1)
        b.open_section("Statistical analysis", 2)
        b.block([(methods, "", "")])
    b.open_section("Results", 1)
    return b
