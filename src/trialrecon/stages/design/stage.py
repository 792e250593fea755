"""The design stage: from a loaded dossier to ``results/<trial>/design/``.

The computations and tables are in :mod:`.tables`, the figures and the Markdown
fragment in :mod:`.report`; this module writes them all.
"""

from __future__ import annotations

from pathlib import Path

from trialrecon.dossier import Dossier
from trialrecon.dossier.selection import DEFAULT, Policy
from trialrecon.report.files import atomic_write_text
from trialrecon.report.tables import write_table
from trialrecon.stages.design.plan import events_tables
from trialrecon.stages.design.report import (
    design_fragment,
    events_fragment,
    events_power_figure,
    power_curve_figure,
    rejection_region_figure,
)
from trialrecon.stages.design.tables import (
    ci_identification_tables,
    compute_designs,
    decision_table,
    exact_table,
    normal_table,
    oc_table,
    parameters_table,
    read_design_parameters,
    sensitivity_table,
    settings_with_defaults,
    simon_table,
)


def write_design_outputs(dossier: Dossier, outdir: Path, settings: dict,
                         policy: Policy = DEFAULT) -> list[Path]:
    """Write the design stage's tables, figures and Markdown fragment; return the paths.

    Works for every dossier: without design rows it still writes the CI method identification
    tables and a fragment saying that no single-arm design is stated. A randomized dossier
    with hazard ratios or a transcribed design also gets the events tables (events by data
    cut, power and detectable HRs, the design check and its boundaries) and their section.
    """
    s = settings_with_defaults(settings)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    params, missing = read_design_parameters(dossier, s["alpha_sided_default"], policy)
    res = sens = decision = None
    if params is not None:
        try:
            res = compute_designs(params, s)
            sens = sensitivity_table(params, s)
        except ValueError as exc:  # e.g. p0 >= p1 as transcribed: say so instead of failing
            missing = [f"a computable design ({exc})"]
            res = sens = None
    if res is not None and params is not None and sens is not None:
        pooled = {c.id for c in dossier.trial.cohorts if getattr(c, "parts", ())}
        cohorts = [c.id for c in dossier.trial.cohorts if c.id not in pooled]
        decision = decision_table(dossier, cohorts, res, policy)
        oc = oc_table(res, s["oc_points"])
        written += [
            write_table(parameters_table(params), outdir / "design_parameters.csv"),
            write_table(exact_table(res), outdir / "exact_design.csv"),
            write_table(normal_table(res, s["non_evaluable_fractions"]),
                       outdir / "normal_approximation.csv"),
            write_table(simon_table(res), outdir / "simon_designs.csv"),
            write_table(sens, outdir / "sensitivity.csv"),
            write_table(oc, outdir / "operating_characteristics.csv"),
            write_table(decision, outdir / "decision.csv"),
        ]
        written += power_curve_figure(oc, res, outdir / "power_curve.png")
        written += rejection_region_figure(res, outdir / "rejection_region.png")
    ci_summary, ci_bounds = ci_identification_tables(dossier, s["ci_quantities"], policy)
    written += [write_table(ci_summary, outdir / "ci_methods.csv"),
                write_table(ci_bounds, outdir / "ci_bounds.csv")]
    fragment = design_fragment(dossier.trial.id, res, missing, sens, decision, ci_summary,
                               s["figure_prefix"])
    if dossier.trial.design == "randomized":
        extra, section = _randomized_outputs(dossier, outdir, s, policy)
        written += extra
        fragment = fragment.rstrip("\n") + "\n\n" + section
    md = outdir / "design.md"
    atomic_write_text(md, fragment)
    written.append(md)
    return written


def _randomized_outputs(dossier: Dossier, outdir: Path, s: dict,
                        policy: Policy) -> tuple[list[Path], str]:
    """Events, power and design-check tables of a randomized dossier, and their section."""
    tables = events_tables(dossier, s, policy)
    relevant = float(dict(s["relevant_hr_by_trial"]).get(dossier.trial.id, s["relevant_hr"]))
    powers = [float(p) for p in s["detectable_powers"]]
    if tables.empty:
        return [], events_fragment(tables, relevant, powers, s["figure_prefix"])
    written = [
        write_table(tables.by_cut, outdir / "events_by_cut.csv"),
        write_table(tables.power, outdir / "events_power.csv"),
        write_table(tables.check, outdir / "events_design_check.csv"),
        write_table(tables.boundaries, outdir / "events_boundaries.csv"),
    ]
    if tables.curves:
        written += events_power_figure(tables.curves, relevant, powers,
                                       outdir / "events_power_curve.png")
    return written, events_fragment(tables, relevant, powers, s["figure_prefix"])
