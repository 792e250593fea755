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

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from trialrecon.dossier import Dossier, Trial, vocabulary  # noqa: E402
from trialrecon.dossier.selection import Statement, statements  # noqa: E402
from trialrecon.report.figures import save_figure  # noqa: E402
from trialrecon.report.forest import hazard_ratio_figure, rate_figure  # noqa: E402
from trialrecon.report.tables import write_table
from trialrecon.stats.proportions import proportion_ci  # noqa: E402
from trialrecon.stats.rounding import STANDARD_SCHEMES, reproduces  # noqa: E402

UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class CrossTrialSettings:
    """The ``crosstrial`` section of the workflow configuration (every key optional)."""

    formats: tuple[str, ...] = ("png", "svg")
    setting_order: tuple[str, ...] = ("pancreatic", "extrapancreatic", "mixed")
    source_priority: tuple[str, ...] = ("paper", "abstract", "review", "registry")
    response_quantities: tuple[str, ...] = ("orr",)
    # Quantities whose count stands for the numerator of a response rate.
    count_partners: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {"orr": ("responders",)})
    ae_quantities: tuple[str, ...] = ("ae_grade3plus", "ae_grade34")
    ae_categories: tuple[str, ...] = ("any",)
    ci_method: str = "clopper_pearson"
    ci_level: float = 0.95

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> CrossTrialSettings:
        """Settings from a config mapping; unknown keys are refused with a clear message."""
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown crosstrial setting(s): {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key == "count_partners":
                out[key] = {str(k): tuple(v) for k, v in dict(value).items()}
            elif key == "ci_level":
                out[key] = float(value)
                if not 0 < out[key] < 1:
                    raise ValueError("crosstrial ci_level must lie between 0 and 1")
            elif key == "ci_method":
                out[key] = str(value)
            else:
                out[key] = tuple(str(v) for v in value)
        return cls(**out)


# --------------------------------------------------------------------------- labels


def trial_label(trial: Trial) -> str:
    """A short display name: the title up to its first colon."""
    return trial.title.split(":", 1)[0].strip() or trial.id


def _cohort_setting(trial: Trial, cohort_id: str) -> str:
    cohort = trial.cohort(cohort_id)
    return cohort.setting or trial.setting or UNSPECIFIED


def _row_label(trial: Trial, cohort_id: str, arm_id: str = "", subgroup: str = "") -> str:
    """Trial name, then the cohort only when the trial has several, then arm and subgroup."""
    parts = [trial_label(trial)]
    if len(trial.cohorts) > 1:
        parts.append(trial.cohort(cohort_id).label)
    if subgroup:
        parts.append(subgroup)
    if arm_id:
        parts.append(_arm_label(trial, arm_id))
    return ": ".join(parts[:1]) + "".join(f" | {p}" for p in parts[1:])


def _arm_label(trial: Trial, arm_id: str) -> str:
    return next((a.label for a in trial.arms if a.id == arm_id), arm_id)


def _arm_role(trial: Trial, arm_id: str) -> str:
    if not arm_id:
        return "single_arm" if trial.design == "single_arm" else ""
    return next((a.role for a in trial.arms if a.id == arm_id), "")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


# ----------------------------------------------------------------------- statements


def _rank(statement: Statement, trial: Trial, priority: Sequence[str],
          wanted: Sequence[str]) -> tuple[int, int, int, str, int]:
    kind = trial.source(statement.first["source"]).kind
    kind_rank = priority.index(kind) if kind in priority else len(priority)
    missing = sum(1 for s in wanted if s not in statement.rows)
    return (int(statement.updated), kind_rank, missing, statement.first["file"],
            int(statement.first["line"]))


def _choose(candidates: list[Statement], trial: Trial, priority: Sequence[str],
            wanted: Sequence[str]) -> list[Statement]:
    """The preferred original statement, then the preferred updated one (when any)."""
    ranked = sorted(candidates, key=lambda s: _rank(s, trial, priority, wanted))
    chosen = [s for s in ranked if not s.updated][:1] + [s for s in ranked if s.updated][:1]
    return chosen


def _provenance(s: Statement, row: pd.Series, trial: Trial) -> dict[str, Any]:
    """Where a chosen statement comes from, for the CSV behind a figure."""
    return {
        "updated": s.updated,
        "update_note": _update_note(s),
        "source": row["source"],
        "source_kind": trial.source(row["source"]).kind,
        "location": row["location"],
        "ids": s.ids,
    }


def _update_note(statement: Statement) -> str:
    if not statement.updated:
        return ""
    row = statement.first
    note = next((r["note"] for r in statement.rows.values() if r["note"]), "")
    return f"updated ({row['location']}{': ' + note if note else ''})"


# ---------------------------------------------------------------------- hazard ratios


def _hr_text(est: str, low: str, high: str, level: str) -> str:
    if not est:
        return ""
    if not (low and high):
        return est
    suffix = "" if level in ("", "95") else f" [{level}% CI]"
    return f"{est} ({low}-{high}){suffix}"


def _hr_record(dossier: Dossier, s: Statement, n_statements: int, agree: bool) -> dict:
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
        "label": _row_label(trial, row["cohort"], subgroup=row["subgroup"]),
        "quantity": row["quantity"],
        "endpoint": est["category"] or vocabulary().quantities[est["quantity"]].get(
            "ratio_of", est["quantity"]).upper(),
        "estimate": s.num("estimate"),
        "ci_low": s.num("ci_low"),
        "ci_high": s.num("ci_high"),
        "level": float(level) if level else 95.0,
        "p_value": s.num("p_value"),
        "p_comparator": (p_row["comparator"] or "=") if p_row is not None else "",
        "p_sided": p_row["sided"] if p_row is not None else "",
        "text": _hr_text(s.text("estimate"), s.text("ci_low"), s.text("ci_high"), level),
        **_provenance(s, row, trial),
        "n_statements": n_statements,
        "statements_agree": agree,
    }


def _hr_groups(dossier: Dossier, rows: pd.DataFrame, priority: Sequence[str],
               by: Sequence[str]) -> list[dict]:
    wanted = ("estimate", "ci_low", "ci_high")
    records = []
    stmts = [s for s in statements(rows) if "estimate" in s.rows]
    groups: dict[tuple, list[Statement]] = {}
    for s in stmts:
        groups.setdefault(tuple(s.first[c] for c in by), []).append(s)
    for members in groups.values():
        originals = [m for m in members if not m.updated]
        agree = len({tuple(m.text(k) for k in wanted if k in m.rows) for m in originals}) <= 1
        for s in _choose(members, dossier.trial, priority, wanted):
            records.append(_hr_record(dossier, s, len(originals), agree))
    return records


def _primary_ratio_quantities(trial: Trial) -> list[str]:
    primary = str(trial.extra.get("primary_endpoint", "pfs"))
    found = [q for q, d in vocabulary().quantities.items() if d.get("ratio_of") == primary]
    if not found:
        raise ValueError(f"{trial.id}: primary_endpoint '{primary}' has no hazard-ratio "
                         "quantity in the vocabulary")
    return found


HR_COLUMNS = ("setting", "trial", "trial_label", "cohort", "cohort_label", "subgroup", "label",
              "quantity", "endpoint", "estimate", "ci_low", "ci_high", "level", "p_value",
              "p_comparator", "p_sided", "text", "updated", "update_note", "source",
              "source_kind", "location", "ids", "n_statements", "statements_agree")


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
        rows = v[v["quantity"].isin(_primary_ratio_quantities(dossier.trial))
                 & (v["subgroup"] == "") & (v["arm"] == "")]
        cohort_order = [c.id for c in dossier.trial.cohorts]
        for rec in _hr_groups(dossier, rows, settings.source_priority,
                              ("cohort", "quantity", "category")):
            rec["_order"] = (order, cohort_order.index(rec["cohort"]), rec["endpoint"],
                             rec["updated"])
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
    ratio_of = vocabulary().quantities[rec["quantity"]].get("ratio_of", "")
    events_q = f"{ratio_of}_events"
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
        rows = v[v["quantity"].isin(ratios) & (v["subgroup"] != "") & (v["arm"] == "")]
        if rows.empty:
            continue
        records = _hr_groups(dossier, rows, settings.source_priority,
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


# ---------------------------------------------------------------- rates with exact CIs


@dataclass(frozen=True)
class CountResolution:
    count: int | None
    n: int | None
    count_basis: str  # "reported", "inferred" or ""
    denominator_basis: str
    consistent: bool


def _reproduces(x: int, n: int, printed: str, scale: int) -> bool:
    return any(reproduces(x, n, printed, scheme, scale) for scheme in STANDARD_SCHEMES)


def _denominators(dossier: Dossier, s: Statement, order: Sequence[str]) -> list[tuple[int, str]]:
    """Candidate denominators: the row's own, then population counts of its cohort and arm."""
    row = s.rows.get("percent", s.rows.get("proportion"))
    out: list[tuple[int, str]] = []
    if row is not None and row["denominator"]:
        out.append((int(float(row["denominator"])), "denominator printed with the value"))
    v = dossier.values
    pops = v[v["quantity"].isin(order) & (v["statistic"] == "count")
             & (v["cohort"] == row["cohort"]) & (v["arm"] == row["arm"])
             & (v["subgroup"] == row["subgroup"]) & v["value_num"].notna()]
    pops = pops.assign(_q=pops["quantity"].map(list(order).index),
                       _other=(pops["source"] != row["source"]).astype(int))
    for _, p in pops.sort_values(["_q", "_other", "file", "line"]).iterrows():
        n = int(p["value_num"])
        if n > 0 and n not in [c for c, _ in out]:
            out.append((n, f"{p['quantity']} ({p['source']}, {p['location']})"))
    return out


def _partner_count(dossier: Dossier, s: Statement, partners: Sequence[str]) -> int | None:
    if "count" in s.rows:
        return int(s.num("count"))
    row = s.first
    v = dossier.values
    hit = v[v["quantity"].isin([row["quantity"], *partners]) & (v["statistic"] == "count")
            & (v["cohort"] == row["cohort"]) & (v["arm"] == row["arm"])
            & (v["subgroup"] == row["subgroup"]) & (v["supersedes"] == "")
            & v["value_num"].notna()]
    return int(hit.sort_values(["file", "line"]).iloc[0]["value_num"]) if len(hit) else None


def resolve_count(dossier: Dossier, s: Statement, partners: Sequence[str],
                  population_order: Sequence[str]) -> CountResolution:
    """The count and denominator behind a printed rate (see the module docstring)."""
    stat = "percent" if "percent" in s.rows else "proportion"
    printed, scale = s.text(stat), (100 if stat == "percent" else 1)
    value = s.num(stat) / scale
    candidates = _denominators(dossier, s, population_order)
    x = _partner_count(dossier, s, partners)
    if not candidates:
        return CountResolution(x, None, "reported" if x is not None else "", "", False)
    if x is not None:
        for n, basis in candidates:
            if x <= n and _reproduces(x, n, printed, scale):
                return CountResolution(x, n, "reported", basis, True)
        n, basis = candidates[0]
        return CountResolution(x, n, "reported", basis, False)
    for n, basis in candidates:
        guess = round(value * n)
        for cand in (guess, guess - 1, guess + 1):
            if 0 <= cand <= n and _reproduces(cand, n, printed, scale):
                return CountResolution(cand, n, "inferred", basis, True)
    n, basis = candidates[0]
    return CountResolution(min(max(round(value * n), 0), n), n, "inferred", basis, False)


RATE_COLUMNS = ("trial", "trial_label", "design", "setting", "cohort", "cohort_label", "arm",
                "arm_label", "arm_role", "subgroup", "label", "quantity", "category",
                "printed", "rate_percent", "count", "n", "count_basis", "denominator_basis",
                "count_reproduces_printed", "ci_method", "ci_level", "ci_low", "ci_high",
                "printed_ci_low", "printed_ci_high", "text", "updated", "update_note",
                "source", "source_kind", "location", "ids")


def _rate_record(dossier: Dossier, s: Statement, settings: CrossTrialSettings,
                 population_order: Sequence[str]) -> dict:
    trial = dossier.trial
    row = s.first
    stat = "percent" if "percent" in s.rows else "proportion"
    scale = 100.0 if stat == "percent" else 1.0
    partners = settings.count_partners.get(row["quantity"], ())
    res = resolve_count(dossier, s, partners, population_order)
    low = high = math.nan
    if res.count is not None and res.n is not None and 0 <= res.count <= res.n:
        lo, hi = proportion_ci(res.count, res.n, settings.ci_method, settings.ci_level)
        low, high = 100 * lo, 100 * hi
    rate = 100 * s.num(stat) / scale
    frac = f"{res.count}/{res.n} = " if res.n is not None and res.count is not None else ""
    ci = f" ({low:.1f}-{high:.1f})" if not math.isnan(low) else ""
    flag = "" if res.consistent or res.n is None else " *"
    return {
        "trial": trial.id,
        "trial_label": trial_label(trial),
        "design": trial.design,
        "setting": _cohort_setting(trial, row["cohort"]),
        "cohort": row["cohort"],
        "cohort_label": trial.cohort(row["cohort"]).label,
        "arm": row["arm"],
        "arm_label": _arm_label(trial, row["arm"]) if row["arm"] else "",
        "arm_role": _arm_role(trial, row["arm"]),
        "subgroup": row["subgroup"],
        "label": _row_label(trial, row["cohort"], row["arm"], row["subgroup"]),
        "quantity": row["quantity"],
        "category": row["category"],
        "printed": s.text(stat),
        "rate_percent": rate,
        "count": res.count,
        "n": res.n,
        "count_basis": res.count_basis,
        "denominator_basis": res.denominator_basis,
        "count_reproduces_printed": res.consistent,
        "ci_method": settings.ci_method,
        "ci_level": settings.ci_level,
        "ci_low": low,
        "ci_high": high,
        "printed_ci_low": s.num("ci_low") * 100 / scale,
        "printed_ci_high": s.num("ci_high") * 100 / scale,
        "text": f"{frac}{s.text(stat)}{'%' if stat == 'percent' else ''}{ci}{flag}",
        **_provenance(s, row, trial),
    }


def _rate_table(dossiers: Iterable[Dossier], quantities: Sequence[str],
                categories: Sequence[str] | None, settings: CrossTrialSettings,
                population_order: Sequence[str]) -> pd.DataFrame:
    """Rates of ``quantities`` (one per trial, cohort, arm, subgroup; first quantity wins)."""
    records = []
    for order, dossier in enumerate(dossiers):
        v = dossier.values
        mask = v["quantity"].isin(quantities)
        if categories is not None:
            mask &= v["category"].str.lower().isin([c.lower() for c in categories])
        keep = v[mask & v["statistic"].isin(["percent", "proportion", "count", "ci_low",
                                             "ci_high"])]
        groups: dict[tuple, list[Statement]] = {}
        for s in statements(keep):
            if not ({"percent", "proportion"} & set(s.rows)):
                continue
            r = s.first
            groups.setdefault((r["cohort"], r["arm"], r["subgroup"]), []).append(s)
        cohorts = [c.id for c in dossier.trial.cohorts]
        arms = [a.id for a in dossier.trial.arms]
        for (cohort, arm, _sub), members in groups.items():
            members.sort(key=lambda s: list(quantities).index(s.first["quantity"]))
            best_q = members[0].first["quantity"]
            members = [m for m in members if m.first["quantity"] == best_q]
            for s in _choose(members, dossier.trial, settings.source_priority,
                             ("ci_low", "ci_high", "count")):
                rec = _rate_record(dossier, s, settings, population_order)
                rec["_order"] = (order, cohorts.index(cohort),
                                 arms.index(arm) if arm in arms else -1, s.first["line"],
                                 s.updated)
                records.append(rec)
    records.sort(key=lambda r: r["_order"])
    return pd.DataFrame([{c: r[c] for c in RATE_COLUMNS} for r in records],
                        columns=list(RATE_COLUMNS))


def _population_order(first: Sequence[str] = ()) -> list[str]:
    pops = vocabulary().populations()
    return [*[p for p in first if p in pops], *[p for p in pops if p not in first]]


def response_rate_table(dossiers: Iterable[Dossier],
                        settings: CrossTrialSettings | None = None) -> pd.DataFrame:
    """Response rates of every cohort and arm with exact CIs (Clopper & Pearson 1934)."""
    settings = settings or CrossTrialSettings()
    return _rate_table(dossiers, settings.response_quantities, None, settings,
                       _population_order())


def ae_grade3_table(dossiers: Iterable[Dossier],
                    settings: CrossTrialSettings | None = None) -> pd.DataFrame:
    """Grade 3 or higher adverse-event rates (category ``any``) per cohort and arm.

    ``ae_grade3plus`` is preferred over ``ae_grade34`` when a cohort and arm report both;
    the denominator is searched in the safety population first.
    """
    settings = settings or CrossTrialSettings()
    return _rate_table(dossiers, settings.ae_quantities, settings.ae_categories, settings,
                       _population_order(("safety_population", "treated")))


def design_hypotheses(dossiers: Iterable[Dossier]) -> pd.DataFrame:
    """The p0 and p1 of every single-arm dossier (``design_p0``/``design_p1`` rows), percent."""
    records = []
    for dossier in dossiers:
        if dossier.trial.design != "single_arm":
            continue
        v = dossier.values
        rows = v[v["quantity"].isin(["design_p0", "design_p1"]) & v["value_num"].notna()
                 & v["statistic"].isin(["percent", "proportion"])]
        for _, r in rows.sort_values(["file", "line"]).iterrows():
            scale = 1.0 if r["statistic"] == "percent" else 100.0
            records.append({"trial": dossier.trial.id, "quantity": r["quantity"],
                            "name": r["quantity"].removeprefix("design_"),
                            "percent": r["value_num"] * scale, "printed": r["value"],
                            "comparator": r["comparator"] or "=", "cohort": r["cohort"],
                            "source": r["source"], "location": r["location"], "id": r["id"]})
    out = pd.DataFrame(records, columns=["trial", "quantity", "name", "percent", "printed",
                                         "comparator", "cohort", "source", "location", "id"])
    return out.drop_duplicates(["trial", "quantity", "percent"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- files


def write_crosstrial_outputs(dossiers: Sequence[Dossier], outdir: Path,
                             settings: dict[str, Any] | None = None) -> list[Path]:
    """Write every cross-trial CSV, figure (PNG and SVG) and a Markdown fragment to ``outdir``.

    Files: ``hazard_ratios``, ``response_rates`` (+ ``response_rate_hypotheses.csv``),
    ``ae_grade3`` and one ``subgroups_*`` per subgroup table; each figure has its CSV. A table
    with no rows gets its CSV (header only) and no figure. Returns the paths written.
    """
    cfg = CrossTrialSettings.from_dict(settings)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    md = ["# Across trials", ""]

    def emit(name: str, table: pd.DataFrame, fig_fn: Any, heading: str) -> None:
        written.append(write_table(table, outdir / f"{name}.csv"))
        md.extend([f"## {heading}", ""])
        if table.empty:
            md.extend(["No dossier reports these values.", ""])
            return
        written.extend(save_figure(fig_fn(), outdir / f"{name}.png", cfg.formats))
        if "png" in cfg.formats:
            md.append(f"![{heading}]({name}.png)")
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
    frag.write_text("\n".join(md).rstrip() + "\n", encoding="utf-8")
    written.append(frag)
    return written
