"""Cross-trial tables and figures: hazard ratios, subgroups, response and adverse-event rates.

Every function here reads loaded :class:`~trialrecon.dossier.Dossier` objects and nothing
else: which trial is randomized, which cohort is pancreatic, which statement of a number is
the original one, all come from the dossiers (``trial.yaml`` and the ``values*.csv`` rows),
never from trial names in code.

Choices, in one place:

* A *statement* is the set of rows that print one number together (an estimate with its CI
  and P value, a percentage with its count), read from the same source, location, table cell,
  cohort, arm, subgroup, quantity and category.
* Among several statements of one number the original publication wins: sources are ranked
  by kind (``paper``, ``abstract``, ``review``, ``registry``), then complete statements
  (with a CI) before incomplete ones, then file order. Rows that carry ``supersedes`` (a later
  data cut, a prescribing-information update) never replace the original; they are shown as
  a second row marked *updated*.
* Response and adverse-event rates get an exact two-sided interval (Clopper & Pearson 1934,
  Biometrika 26:404-413) through :func:`trialrecon.stats.proportions.proportion_ci`. The count is
  the printed count where the dossier has one, otherwise the integer count that reproduces
  the printed percentage over a denominator the dossier states (the GRIM idea of Brown &
  Heathers 2017, Soc Psychol Personal Sci 8:363-369); the table says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from trialrecon.dossier import Dossier, Trial, vocabulary  # noqa: E402
from trialrecon.dossier.selection import (  # noqa: E402
    DEFAULT,
    Policy,
    Statement,
    statements,
)
from trialrecon.report.figures import save_figure  # noqa: E402
from trialrecon.report.files import atomic_write_text, inside
from trialrecon.report.forest import hazard_ratio_figure, rate_figure  # noqa: E402
from trialrecon.report.markdown import escape
from trialrecon.report.tables import write_table
from trialrecon.stages.crosstrial.common import (  # noqa: E402
    CrossTrialSettings,
    _choose,
    _cohort_setting,
    _provenance,
    _row_label,
    _slug,
    trial_label,
)
from trialrecon.stages.crosstrial.rates import (  # noqa: E402
    ae_grade3_table,
    design_hypotheses,
    response_rate_table,
)

__all__ = [
    "CrossTrialSettings", "ae_grade3_table", "design_hypotheses", "hazard_ratio_figure",
    "hazard_ratio_table", "rate_figure", "response_rate_table", "subgroup_tables",
    "write_crosstrial_outputs",
]  # fmt: skip

# ---------------------------------------------------------------------- hazard ratios


def _hr_text(est: str, low: str, high: str, level: str) -> str:
    if not est:
        return ""
    if not (low and high):
        return est
    suffix = "" if level in ("", "95") else f" [{level}% CI]"
    return f"{est} ({low}-{high}){suffix}"


def _hr_record(dossier: Dossier, s: Statement, n_statements: int, agree: bool,
               update: bool) -> dict:
    trial = dossier.trial
    row = s.first
    est = s.rows["estimate"]
    level = next((r["level"] for k, r in s.rows.items() if k.startswith("ci_")), "")
    p_row = s.rows.get("p_value")
    return {
        "setting": _cohort_setting(trial, row["cohort"]),
        "trial": trial.id,
        "trial_label": trial_label(trial),
        "cohort": row["cohort"],
        "cohort_label": trial.cohort(row["cohort"]).label,
        "subgroup": row["subgroup"],
        "label": _row_label(trial, row["cohort"], subgroup=row["subgroup"],
                            comparison=_comparison(trial, row["arm"], row["versus"])),
        "comparison": _comparison(trial, row["arm"], row["versus"]),
        "quantity": row["quantity"],
        "endpoint": est["category"] or str(dossier.vocab.quantities[est["quantity"]].get(
            "ratio_of", est["quantity"])).upper(),
        "estimate": s.num("estimate"),
        "ci_low": s.num("ci_low"),
        "ci_high": s.num("ci_high"),
        "level": float(level) if level else 95.0,
        "p_value": s.num("p_value"),
        "p_comparator": (p_row["comparator"] or "=") if p_row is not None else "",
        "p_sided": p_row["sided"] if p_row is not None else "",
        "text": _hr_text(s.text("estimate"), s.text("ci_low"), s.text("ci_high"), level),
        **_provenance(s, row, dossier, update),
        "n_statements": n_statements,
        "statements_agree": agree,
    }


def _hr_groups(dossier: Dossier, rows: pd.DataFrame, policy: Policy,
               by: Sequence[str]) -> list[dict]:
    """One record per group of statements (and one for its latest update).

    ``n_statements`` counts the group's statements of the chosen statement's data cut that
    are not corrections, and ``statements_agree`` says whether they print the same numbers.
    """
    wanted = ("estimate", "ci_low", "ci_high")
    records = []
    stmts = [s for s in statements(rows) if "estimate" in s.rows]
    groups: dict[tuple, list[Statement]] = {}
    for s in stmts:
        groups.setdefault(tuple(s.first[c] for c in (*by, "arm", "versus")), []).append(s)
    for members in groups.values():
        chosen = _choose(members, dossier, policy, wanted)
        cut = chosen[0][0].data_cut
        originals = [m for m in members if not m.updated and m.data_cut == cut]
        agree = len({tuple(m.text(k) for k in wanted if k in m.rows) for m in originals}) <= 1
        for s, update in chosen:
            records.append(_hr_record(dossier, s, len(originals), agree, update))
    return records


def _comparison(trial: Trial, arm: str, versus: str) -> str:
    """``A vs B`` for a statistic between two arms named in the row (trials of 3+ arms).

    The arms' ids, not their labels: a label is a regimen, too long for a figure's row.
    """
    if not arm or not versus:
        return ""
    return f"{arm} vs {versus}"


def _between_arms(values: pd.DataFrame) -> pd.Series:
    """Rows comparing arms: arm empty (two arms), or arm and versus both named."""
    return (values["arm"] == "") | (values["versus"] != "")


def _primary_ratio_quantities(dossier: Dossier) -> list[str]:
    """The hazard-ratio quantities of the primary endpoints (``pfs`` when none is named).

    A primary endpoint without a hazard ratio (a response rate) contributes nothing.
    """
    vocab = dossier.vocab
    primary = dossier.trial.primary_endpoints or ("pfs",)
    return [q for p in primary for q, d in vocab.quantities.items() if d.get("ratio_of") == p]


HR_COLUMNS = ("setting", "trial", "trial_label", "cohort", "cohort_label", "subgroup", "label",
              "comparison", "quantity", "endpoint", "estimate", "ci_low", "ci_high", "level",
              "p_value", "p_comparator", "p_sided", "text", "updated", "update_note",
              "data_cut", "source", "source_kind", "location", "ids", "n_statements",
              "statements_agree")


def hazard_ratio_table(dossiers: Iterable[Dossier],
                       settings: CrossTrialSettings | None = None) -> pd.DataFrame:
    """The primary-endpoint hazard ratio of every cohort of every randomized dossier.

    One row per trial, cohort and endpoint (TTP rows, category ``TTP``, are their own
    endpoint), from the preferred original statement; an updated statement (``supersedes``)
    adds a second row with ``updated`` true. Sorted by setting, then dossier order.
    """
    settings = settings or CrossTrialSettings()
    records: list[dict] = []
    for order, dossier in enumerate(dossiers):
        if dossier.trial.design != "randomized":
            continue
        v = dossier.values
        rows = v[v["quantity"].isin(_primary_ratio_quantities(dossier))
                 & (v["subgroup"] == "") & _between_arms(v)]
        cohort_order = [c.id for c in dossier.trial.cohorts]
        for rec in _hr_groups(dossier, rows, settings.policy(),
                              ("cohort", "quantity", "category")):
            rec["_order"] = (order, cohort_order.index(rec["cohort"]), rec["endpoint"],
                             rec["comparison"], rec["updated"])
            records.append(rec)
    return _sorted_by_setting(records, settings.setting_order, HR_COLUMNS)


def _sorted_by_setting(records: list[dict], order: Sequence[str],
                       columns: Sequence[str]) -> pd.DataFrame:
    def key(rec: dict) -> tuple:
        s = rec["setting"]
        return (order.index(s) if s in order else len(order), s, rec["_order"])

    records = sorted(records, key=key)
    return pd.DataFrame([{c: r[c] for c in columns} for r in records], columns=list(columns))


# -------------------------------------------------------------------------- subgroups


def _events_text(dossier: Dossier, rec: dict) -> dict[str, str]:
    """Per arm, 'events/N' printed next to a subgroup HR (same source, location, subgroup)."""
    ratio_of = str(dossier.vocab.quantities[rec["quantity"]].get("ratio_of", ""))
    events_q = dossier.vocab.events_quantity(ratio_of)
    v = dossier.values
    rows = v[(v["quantity"] == events_q) & (v["statistic"] == "count")
             & (v["source"] == rec["source"]) & (v["location"] == rec["location"])
             & (v["cohort"] == rec["cohort"]) & (v["subgroup"] == rec["subgroup"])]
    out = {}
    for arm in dossier.trial.arms:
        hit = rows[rows["arm"] == arm.id]
        if len(hit):
            r = hit.iloc[0]
            out[f"events_{arm.id}"] = f"{r['value']}/{r['denominator']}" if r["denominator"] \
                else str(r["value"])
    return out


def subgroup_tables(dossiers: Iterable[Dossier],
                    settings: CrossTrialSettings | None = None) -> dict[str, pd.DataFrame]:
    """One table per dossier, source, location, cohort and ratio quantity with subgroup HRs.

    Keys are file-name stems (``subgroups_<trial>_<cohort>_<location>_<quantity>``); rows
    keep the order the subgroups are printed in. Columns as in :func:`hazard_ratio_table`
    plus ``events_<arm>`` ("events/N") where the dossier has the events per arm.
    """
    settings = settings or CrossTrialSettings()
    ratios = [q for q, d in vocabulary().quantities.items() if d.get("kind") == "ratio"]
    out: dict[str, pd.DataFrame] = {}
    for dossier in dossiers:
        v = dossier.values
        rows = v[v["quantity"].isin(ratios) & (v["subgroup"] != "") & _between_arms(v)]
        if rows.empty:
            continue
        records = _hr_groups(dossier, rows, settings.policy(),
                             ("source", "location", "cohort", "quantity", "subgroup", "category"))
        tables: dict[tuple, list[dict]] = {}
        for rec in records:
            rec.update(_events_text(dossier, rec))
            key = (rec["source"], rec["location"], rec["cohort"], rec["quantity"])
            tables.setdefault(key, []).append(rec)
        for (source, location, cohort, quantity), recs in tables.items():
            name = f"subgroups_{dossier.trial.id}_{cohort}_{_slug(location)}_{quantity}"
            if source != recs[0]["source"] or name in out:
                name += f"_{_slug(source)}"
            events = sorted({k for r in recs for k in r if k.startswith("events_")})
            columns = [*HR_COLUMNS, *events]
            out[name] = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in recs],
                                     columns=columns)
    return out


# ----------------------------------------------------------------------------- files


def write_crosstrial_outputs(dossiers: Sequence[Dossier], outdir: Path,
                             settings: dict[str, Any] | None = None,
                             selection: Policy = DEFAULT) -> list[Path]:
    """Write every cross-trial CSV, figure (PNG and SVG) and a Markdown fragment to ``outdir``.

    Files: ``hazard_ratios``, ``response_rates`` (+ ``response_rate_hypotheses.csv``),
    ``ae_grade3`` and one ``subgroups_*`` per subgroup table; each figure has its CSV. A table
    with no rows gets its CSV (header only) and no figure. Returns the paths written.
    """
    cfg = CrossTrialSettings.from_dict(settings, selection)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    md = ["# Across trials", ""]

    def emit(name: str, table: pd.DataFrame, fig_fn: Any, heading: str) -> None:
        written.append(write_table(table, inside(outdir, f"{name}.csv")))
        md.extend([f"## {escape(heading)}", ""])
        if table.empty:
            md.extend(["No dossier reports these values.", ""])
            return
        written.extend(save_figure(fig_fn(), inside(outdir, f"{name}.png"), cfg.formats))
        if "png" in cfg.formats:
            md.append(f"![{escape(heading)}]({name}.png)")
        md.extend(["", f"Data: [{name}.csv]({name}.csv)", ""])

    hr = hazard_ratio_table(dossiers, cfg)
    emit("hazard_ratios", hr, lambda: hazard_ratio_figure(
        hr, "Primary-endpoint hazard ratios of the randomized trials, by setting"),
        "Primary-endpoint hazard ratios")
    for name, table in subgroup_tables(dossiers, cfg).items():
        first = table.iloc[0]
        title = (f"{first['trial_label']}: subgroups, {first['location']} "
                 f"({first['quantity']}, {first['cohort_label']})")
        emit(name, table, lambda t=table, ti=title: hazard_ratio_figure(t, ti, False), title)
    rr = response_rate_table(dossiers, cfg)
    hyp = design_hypotheses(dossiers)
    written.append(write_table(hyp, outdir / "response_rate_hypotheses.csv"))
    emit("response_rates", rr, lambda: rate_figure(
        rr, f"Response rates ({', '.join(cfg.response_quantities)}) with exact "
        f"{100 * cfg.ci_level:g}% CIs (* no count over the denominator reproduces the printed "
        "rate)", "Response rate (%)", hyp), "Response rates")
    ae = ae_grade3_table(dossiers, cfg)
    emit("ae_grade3", ae, lambda: rate_figure(
        ae, "Grade 3 or higher adverse events, any term", "Patients with an event (%)"),
        "Grade 3 or higher adverse events")
    frag = outdir / "crosstrial.md"
    atomic_write_text(frag, "\n".join(md).rstrip() + "\n")
    written.append(frag)
    return written
