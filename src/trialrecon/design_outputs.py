"""From a loaded dossier to the design stage's files under ``results/<trial>/design/``.

Everything shown is computed here from the dossier's rows: the design parameters
(``design_p0``, ``design_p1``, ``design_alpha``, ``design_power``, ``design_n_per_group``), the
responders (``best_response`` CR + PR counts) and their denominators (``evaluable_response``,
``enrolled``), and every printed confidence interval of a proportion. The statistical methods
live in :mod:`trialrecon.design` and :mod:`trialrecon.proportions`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from trialrecon import design as dz  # noqa: E402
from trialrecon import proportions as pr  # noqa: E402
from trialrecon.plots import save_figure  # noqa: E402
from trialrecon.tables import write_table

DEFAULTS: dict[str, Any] = {
    # (alpha, sidedness) pairs and powers of the sensitivity table
    "sensitivity_alphas": [
        {"alpha": 0.025, "sided": "one_sided"},
        {"alpha": 0.05, "sided": "one_sided"},
        {"alpha": 0.05, "sided": "two_sided"},
    ],
    "sensitivity_powers": [0.80, 0.90],
    # fractions of non-evaluable patients to inflate the sample size for
    "non_evaluable_fractions": [0.05, 0.10],
    # how to read an alpha the paper does not say is one- or two-sided
    "alpha_sided_default": "one_sided",
    "simon_n_max": 100,
    "exact_n_max": 1000,
    # quantities whose printed CIs are CIs of a binomial proportion
    "ci_quantities": ["orr", "orr_investigator", "dcr"],
    "oc_points": 101,
    # figure links in the Markdown fragment are relative to results/<trial>/
    "figure_prefix": "design/",
}

# Which best-response categories make up the numerator of each rate.
NUMERATOR_CATEGORIES: dict[str, tuple[str, ...]] = {
    "orr": ("CR", "PR"),
    "orr_investigator": ("CR", "PR"),
    "dcr": ("CR", "PR", "SD"),
}
POPULATIONS: tuple[str, ...] = ("evaluable_response", "enrolled", "randomized", "treated")
DESIGN_QUANTITIES: tuple[str, ...] = (
    "design_p0", "design_p1", "design_alpha", "design_power", "design_n_per_group",
)  # fmt: skip

AHERN_RULE = "A'Hern (2001): reject H0 when responders >= r"
SIMON_RULE = "Simon (1989): stop if stage-1 responders <= r1; reject H0 when responders > r"


def settings_with_defaults(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The stage settings: ``settings`` over :data:`DEFAULTS`; unknown keys are refused."""
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown design settings: {', '.join(unknown)}")
    return {**DEFAULTS, **settings}


# ------------------------------------------------------------------------------ reading rows


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    """Table rows first (the brief's preference), then file and line order."""
    key = (~rows["location"].str.startswith("Table")).astype(int)
    return rows.assign(_k=key).sort_values(["_k", "file", "line"], kind="stable").drop(columns="_k")


def _to_probability(row: pd.Series) -> float:
    unit = row["unit"]
    if unit == "percent":
        return float(row["value_num"]) / 100.0
    if unit in ("proportion", "probability"):
        return float(row["value_num"])
    raise ValueError(f"row {row['id']}: unit {unit!r} is not a probability unit")


@dataclass(frozen=True)
class DesignParameters:
    """The design as stated in the dossier, with the ids of the rows it came from."""

    p0: float
    p1: float
    alpha: float
    power: float
    sided: str
    n_per_group: int | None
    row_ids: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)


def read_design_parameters(
    values: pd.DataFrame, alpha_sided_default: str = "one_sided"
) -> tuple[DesignParameters | None, list[str]]:
    """The stated design, or None with the list of missing quantities."""
    found: dict[str, pd.DataFrame] = {}
    for q in DESIGN_QUANTITIES:
        rows = values[(values["quantity"] == q) & values["value_num"].notna()]
        if len(rows):
            found[q] = _ordered(rows)
    needed = ("design_p0", "design_p1", "design_alpha", "design_power")
    missing = [q for q in needed if q not in found]
    if missing:
        return None, missing
    notes = []
    for q, rows in found.items():
        if rows["value_num"].nunique() > 1:
            notes.append(f"{q} has differing values {sorted(rows['value_num'].unique())}; "
                         f"the first ({rows.iloc[0]['id']}) is used")
    first = {q: rows.iloc[0] for q, rows in found.items()}
    sided = first["design_alpha"]["sided"] or alpha_sided_default
    if not first["design_alpha"]["sided"]:
        notes.append(f"the paper does not say whether alpha is one- or two-sided; read as "
                     f"{alpha_sided_default.replace('_', '-')}")
    n_row = first.get("design_n_per_group")
    params = DesignParameters(
        p0=_to_probability(first["design_p0"]),
        p1=_to_probability(first["design_p1"]),
        alpha=_to_probability(first["design_alpha"]),
        power=_to_probability(first["design_power"]),
        sided=sided,
        n_per_group=None if n_row is None else int(round(float(n_row["value_num"]))),
        row_ids={q: list(rows["id"]) for q, rows in found.items()},
        notes=notes,
    )
    return params, []


def _same_group(values: pd.DataFrame, cohort: str, arm: str, subgroup: str) -> pd.DataFrame:
    return values[(values["cohort"] == cohort) & (values["arm"] == arm)
                  & (values["subgroup"] == subgroup)]


@dataclass(frozen=True)
class Count:
    """A count read from the dossier and the ids of the rows it was summed from."""

    value: int
    basis: str
    row_ids: tuple[str, ...]


def responder_count(group: pd.DataFrame, categories: Iterable[str]) -> Count | None:
    """Sum of ``best_response`` counts over ``categories`` from one place of the paper.

    All categories must come from the same source and location (preferring a table), so a
    count is never assembled from two different statements.
    """
    categories = tuple(categories)
    rows = group[(group["quantity"] == "best_response") & (group["statistic"] == "count")
                 & group["value_num"].notna() & group["category"].isin(categories)]
    for (_, _), place in _ordered(rows).groupby(["source", "location"], sort=False):
        picked = [place[place["category"] == c] for c in categories]
        if all(len(p) for p in picked):
            ids = tuple(p.iloc[0]["id"] for p in picked)
            total = sum(int(round(float(p.iloc[0]["value_num"]))) for p in picked)
            return Count(total, "+".join(categories), ids)
    return None


def population_counts(group: pd.DataFrame, quantity: str) -> list[Count]:
    """Distinct counts of a population quantity, table rows first."""
    rows = _ordered(group[(group["quantity"] == quantity) & (group["statistic"] == "count")
                          & group["value_num"].notna()])
    out: dict[int, list[str]] = {}
    for _, row in rows.iterrows():
        out.setdefault(int(round(float(row["value_num"]))), []).append(row["id"])
    return [Count(v, quantity, tuple(ids)) for v, ids in out.items()]


# ------------------------------------------------------------------------------ design tables


@dataclass
class DesignResults:
    params: DesignParameters
    exact: dz.SingleStageDesign
    simon: dict[str, dz.SimonDesign] | None
    normal: list[dz.NormalApproxSize]
    simon_error: str = ""


def compute_designs(params: DesignParameters, s: dict[str, Any]) -> DesignResults:
    """Exact, normal-approximation and Simon designs at the stated parameters."""
    one_sided_alpha = params.alpha if params.sided == "one_sided" else params.alpha / 2
    exact = dz.exact_single_stage(params.p0, params.p1, one_sided_alpha, params.power,
                                  n_max=s["exact_n_max"])
    normal = [
        dz.normal_approx_n(params.p0, params.p1, params.alpha, params.power, sided=sided,
                           continuity=cc)
        for sided in ("one_sided", "two_sided") for cc in (False, True)
    ]
    try:
        simon = dz.simon_two_stage(params.p0, params.p1, one_sided_alpha, params.power,
                                   n_max=s["simon_n_max"])
        error = ""
    except ValueError as exc:
        simon, error = None, str(exc)
    return DesignResults(params, exact, simon, normal, error)


def parameters_table(params: DesignParameters) -> pd.DataFrame:
    rows = [
        ("p0", params.p0, "design_p0"), ("p1", params.p1, "design_p1"),
        ("alpha", params.alpha, "design_alpha"), ("power", params.power, "design_power"),
        ("n_per_group", params.n_per_group, "design_n_per_group"),
    ]  # fmt: skip
    return pd.DataFrame(
        [{"parameter": name, "value": value,
          "sided": params.sided if name == "alpha" else "",
          "row_ids": " ".join(params.row_ids.get(q, []))} for name, value, q in rows]
    )


def exact_table(res: DesignResults) -> pd.DataFrame:
    e = res.exact
    return pd.DataFrame([{
        "design": "exact single-stage (A'Hern 2001)", "n": e.n, "r": e.r,
        "alpha_attained": e.alpha, "power_attained": e.power, "p0": e.p0, "p1": e.p1,
        "rule": AHERN_RULE,
    }])


def normal_table(res: DesignResults, fractions: list[float]) -> pd.DataFrame:
    rows = []
    for na in res.normal:
        row: dict[str, Any] = {
            "sided": na.sided, "alpha": na.alpha, "power": na.power,
            "continuity_correction": na.continuity, "n_unrounded": na.n_raw, "n": na.n,
        }
        for f in fractions:
            row[f"n_enrolled_if_{round(100 * f):g}pct_non_evaluable"] = (
                dz.inflate_for_non_evaluable(na.n, f))
        rows.append(row)
    return pd.DataFrame(rows)


def simon_table(res: DesignResults) -> pd.DataFrame:
    cols = ["kind", "r1", "n1", "r", "n", "expected_n", "pet", "alpha_attained",
            "power_attained", "responders_needed", "rule"]
    if res.simon is None:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame([{
        "kind": d.kind, "r1": d.r1, "n1": d.n1, "r": d.r, "n": d.n,
        "expected_n": d.expected_n, "pet": d.pet, "alpha_attained": d.alpha,
        "power_attained": d.power, "responders_needed": d.r + 1, "rule": SIMON_RULE,
    } for d in res.simon.values()], columns=cols)


def sensitivity_table(params: DesignParameters, s: dict[str, Any]) -> pd.DataFrame:
    """n by every calculation over the alpha/power grid, and whether it equals the stated n."""
    rows = []
    for spec in s["sensitivity_alphas"]:
        alpha, sided = float(spec["alpha"]), str(spec["sided"])
        one_sided = alpha if sided == "one_sided" else alpha / 2
        for power in s["sensitivity_powers"]:
            base = {"alpha": alpha, "sided": sided, "power": float(power)}
            exact = dz.exact_single_stage(params.p0, params.p1, one_sided, power,
                                          n_max=s["exact_n_max"])
            rows.append({**base, "method": "exact single-stage (A'Hern)", "n": exact.n,
                         "critical": f"reject if >= {exact.r}"})
            for cc in (False, True):
                na = dz.normal_approx_n(params.p0, params.p1, alpha, power, sided=sided,
                                        continuity=cc)
                label = "normal approximation" + (" with continuity correction" if cc else "")
                rows.append({**base, "method": label, "n": na.n, "critical": ""})
                for f in s["non_evaluable_fractions"]:
                    rows.append({**base, "n": dz.inflate_for_non_evaluable(na.n, f),
                                 "method": f"{label}, +{round(100 * f):g}% non-evaluable",
                                 "critical": ""})
            try:
                simon = dz.simon_two_stage(params.p0, params.p1, one_sided, power,
                                           n_max=s["simon_n_max"])
            except ValueError:
                simon = {}
            for kind, d in simon.items():
                rows.append({**base, "method": f"Simon two-stage {kind}", "n": d.n,
                             "critical": f"{d.r1}/{d.n1}, {d.r}/{d.n} (reject if > {d.r})"})
    table = pd.DataFrame(rows, columns=["method", "alpha", "sided", "power", "n", "critical"])
    stated = params.n_per_group
    table["reproduces_stated_n"] = table["n"] == stated if stated is not None else False
    return table


def oc_table(res: DesignResults, points: int) -> pd.DataFrame:
    p = np.linspace(0.0, 1.0, int(points))
    out = {"p": p, "exact_single_stage": dz.single_stage_reject_probability(res.exact, p)}
    for kind, d in (res.simon or {}).items():
        out[f"simon_{kind}"] = dz.simon_reject_probability(d, p)
        out[f"simon_{kind}_pet"] = dz.simon_pet(d, p)
    return pd.DataFrame(out)


# ------------------------------------------------------------------------------ decision rule


def decision_table(values: pd.DataFrame, cohorts: list[str], res: DesignResults) -> pd.DataFrame:
    """The design's rule applied to each cohort's responders under each denominator."""
    p = res.params
    one_sided_alpha = p.alpha if p.sided == "one_sided" else p.alpha / 2
    rows = []
    for cohort in cohorts:
        group = _same_group(values, cohort, "", "")
        x = responder_count(group, NUMERATOR_CATEGORIES["orr"])
        if x is None:
            continue
        for quantity in ("evaluable_response", "enrolled"):
            for n in population_counts(group, quantity)[:1]:
                if x.value > n.value:
                    continue
                dec = dz.apply_decision_rule(res.exact, x.value, n.value, one_sided_alpha)
                row = {
                    "cohort": cohort, "responders": x.value,
                    "responder_rows": " ".join(x.row_ids), "denominator": quantity,
                    "n": n.value, "denominator_rows": " ".join(n.row_ids),
                    "observed_rate": x.value / n.value, "design_n": res.exact.n,
                    "ahern_r": res.exact.r, "meets_ahern_r": dec.meets_critical_count,
                    "p_value_exact_one_sided": dec.p_value, "alpha_one_sided": one_sided_alpha,
                    "significant": dec.significant,
                }
                for kind, d in (res.simon or {}).items():
                    row[f"simon_{kind}_r"] = d.r
                    row[f"exceeds_simon_{kind}_r"] = x.value > d.r
                rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- CI method identification


@dataclass(frozen=True)
class ReportedCI:
    low_id: str
    high_id: str
    low_text: str
    high_text: str
    level: float
    row: pd.Series  # the ci_low row (cohort, arm, quantity, location, ...)


def reported_cis(values: pd.DataFrame, quantities: Iterable[str]) -> list[ReportedCI]:
    """Pairs of ci_low/ci_high rows of proportion-type quantities, in file order."""
    rows = values[values["quantity"].isin(list(quantities))
                  & values["statistic"].isin(["ci_low", "ci_high"])
                  & values["unit"].isin(["percent", "proportion"])
                  & values["value_num"].notna()].sort_values(["file", "line"])
    keys = ["source", "location", "row", "column", "cohort", "arm", "subgroup", "quantity",
            "category", "level"]
    out = []
    for _, g in rows.groupby(keys, sort=False):
        lows = g[g["statistic"] == "ci_low"]
        highs = g[g["statistic"] == "ci_high"]
        for (_, lo), (_, hi) in zip(lows.iterrows(), highs.iterrows(), strict=False):
            level = float(lo["level"]) / 100 if lo["level"] else 0.95
            out.append(ReportedCI(lo["id"], hi["id"], lo["value"], hi["value"], level, lo))
    return out


def _point_estimates(group: pd.DataFrame, ci: ReportedCI) -> pd.DataFrame:
    r = ci.row
    est = group[(group["quantity"] == r["quantity"]) & (group["category"] == r["category"])
                & group["statistic"].isin(["percent", "proportion"])
                & group["value_num"].notna()]
    same_place = est[(est["source"] == r["source"]) & (est["location"] == r["location"])]
    return same_place if len(same_place) else _ordered(est)


def _candidates(group: pd.DataFrame, ci: ReportedCI) -> list[tuple[Count, Count]]:
    """(x, n) pairs worth testing for one printed CI: counts from the dossier when there are
    any, otherwise every x whose rate rounds to the printed point estimate."""
    r = ci.row
    ns: list[Count] = []
    for q in POPULATIONS:
        ns.extend(population_counts(group, q))
    same_q = group[(group["quantity"] == r["quantity"]) & (group["denominator_num"].notna())]
    for _, row in _ordered(same_q).iterrows():
        ns.append(Count(int(row["denominator_num"]), "printed denominator", (row["id"],)))
    seen: set[int] = set()
    ns = [n for n in ns if n.value > 0 and not (n.value in seen or seen.add(n.value))]
    x = None
    if r["quantity"] in NUMERATOR_CATEGORIES:
        x = responder_count(group, NUMERATOR_CATEGORIES[r["quantity"]])
    est = _point_estimates(group, ci)
    out = []
    for n in ns:
        if x is not None:
            if x.value <= n.value:
                out.append((x, n))
            continue
        if not len(est):
            continue
        e = est.iloc[0]
        scale = 100.0 if e["unit"] == "percent" else 1.0
        d = pr.decimals_of(e["value"])
        for k in range(n.value + 1):
            if abs(k / n.value * scale - float(e["value_num"])) <= 0.5 * 10.0 ** (-d) + 1e-9:
                out.append((Count(k, f"from point estimate {e['value']}", (e["id"],)), n))
    return out


def ci_identification_tables(
    values: pd.DataFrame, quantities: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (printed CI, candidate x/n) with the verdict, and the long table of bounds."""
    summary, bounds = [], []
    for ci in reported_cis(values, quantities):
        r = ci.row
        group = _same_group(values, r["cohort"], r["arm"], r["subgroup"])
        scale = 100.0 if r["unit"] == "percent" else 1.0
        est = _point_estimates(group, ci)
        base = {
            "ci_rows": f"{ci.low_id} {ci.high_id}", "source": r["source"],
            "location": r["location"], "cohort": r["cohort"], "arm": r["arm"],
            "subgroup": r["subgroup"], "quantity": r["quantity"], "level": ci.level,
            "reported_low": ci.low_text, "reported_high": ci.high_text,
            "point_estimate": est.iloc[0]["value"] if len(est) else "",
        }
        cands = _candidates(group, ci)
        if not cands:
            summary.append({**base, "x": None, "n": None, "matching_methods": "",
                            "closest_method": "", "closest_distance": None,
                            "note": "no count or denominator in the dossier"})
            continue
        for x, n in cands:
            try:
                ident = pr.identify_ci_method(
                    x.value, n.value, float(ci.low_text), float(ci.high_text),
                    decimals=pr.decimals_of(ci.low_text),
                    decimals_high=pr.decimals_of(ci.high_text), scale=scale, level=ci.level)
            except ValueError as exc:  # a printed CI kept as printed ([sic]) may be impossible
                summary.append({**base, "x": x.value, "n": n.value, "note": str(exc)})
                continue
            consistent = ""
            if len(est):
                e = est.iloc[0]
                tol = 0.5 * 10.0 ** (-pr.decimals_of(e["value"])) + 1e-9
                e_scale = 100.0 if e["unit"] == "percent" else 1.0
                consistent = abs(x.value / n.value * e_scale - float(e["value_num"])) <= tol
            summary.append({
                **base, "x": x.value, "x_basis": x.basis, "x_rows": " ".join(x.row_ids),
                "n": n.value, "n_basis": n.basis, "n_rows": " ".join(n.row_ids),
                "point_estimate_consistent": consistent,
                "matching_methods": " ".join(ident.matching_methods),
                "closest_method": ident.closest.method,
                "closest_distance": ident.closest.distance,
                "closest_bounds": f"{ident.closest.lower:.3f} to {ident.closest.upper:.3f}",
                "note": "",
            })
            for m in ident.matches:
                bounds.append({"ci_rows": base["ci_rows"], "x": x.value, "n": n.value,
                               "method": m.method, "lower": m.lower, "upper": m.upper,
                               "reported_low": ci.low_text, "reported_high": ci.high_text,
                               "matches": m.matches, "distance": m.distance})
    return pd.DataFrame(summary), pd.DataFrame(bounds)


# ------------------------------------------------------------------------------------ figures


def power_curve_figure(oc: pd.DataFrame, res: DesignResults, path: Path) -> list[Path]:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    e = res.exact
    ax.plot(oc["p"], oc["exact_single_stage"], color="black",
            label=f"exact single stage: reject if >= {e.r} of {e.n}")
    styles = {"optimal": "--", "minimax": ":"}
    for kind, d in (res.simon or {}).items():
        ax.plot(oc["p"], oc[f"simon_{kind}"], linestyle=styles.get(kind, "-."),
                label=f"Simon {kind}: {d.r1}/{d.n1}, {d.r}/{d.n}")
    p = res.params
    for x, name in ((p.p0, "p0"), (p.p1, "p1")):
        ax.axvline(x, color="grey", linewidth=0.8)
        ax.text(x, 1.02, f"{name} = {x:g}", ha="center", va="bottom", fontsize=8)
    ax.axhline(p.power, color="tab:blue", linewidth=0.6, linestyle="--",
               label=f"target power {p.power:g}")
    ax.axhline(e.alpha, color="tab:red", linewidth=0.6, linestyle="--",
               label=f"attained alpha (single stage) {e.alpha:.3f}")
    ax.set_xlim(0, min(1.0, p.p1 * 2 + 0.1))
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("true response rate")
    ax.set_ylabel("probability of declaring success")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path, formats=("png", "svg"))


def rejection_region_figure(res: DesignResults, path: Path) -> list[Path]:
    e = res.exact
    k = np.arange(e.n + 1)
    top = int(min(e.n, max(e.r * 2, stats.binom.ppf(0.9999, e.n, res.params.p1))))
    k = k[: top + 1]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    width = 0.4
    for shift, p, color, name in ((-width / 2, res.params.p0, "tab:red", "H0"),
                                  (width / 2, res.params.p1, "tab:blue", "H1")):
        pmf = stats.binom.pmf(k, e.n, p)
        ax.bar(k + shift, pmf, width=width, color=color, alpha=0.35,
               label=f"{name}: Bin({e.n}, {p:g})")
        ax.bar(k[k >= e.r] + shift, pmf[k >= e.r], width=width, color=color, alpha=0.9)
    ax.axvspan(e.r - 0.5, top + 0.5, color="grey", alpha=0.12,
               label=f"rejection region: >= {e.r} responders")
    ax.set_xlabel(f"responders out of {e.n}")
    ax.set_ylabel("probability")
    ax.set_title(f"attained alpha {e.alpha:.3f}, power {e.power:.3f}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path, formats=("png", "svg"))


# ----------------------------------------------------------------------------------- Markdown


def _md_table(df: pd.DataFrame, columns: list[str], formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in df.iterrows():
        cells = []
        for c in columns:
            v = row[c]
            if c in formats and v is not None and not (isinstance(v, float) and math.isnan(v)):
                cells.append(format(v, formats[c]))
            else:
                cells.append("" if v is None else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _sensitivity_pivot(sens: pd.DataFrame) -> str:
    """One row per calculation, one column per (alpha, sidedness, power); stated n in bold."""
    cols: list[tuple[float, str, float]] = list(
        dict.fromkeys(zip(sens["alpha"], sens["sided"], sens["power"], strict=True)))
    header = ["calculation"] + [
        f"alpha {a:g} {'1-sided' if sd == 'one_sided' else '2-sided'}, power {pw:g}"
        for a, sd, pw in cols]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for method in dict.fromkeys(sens["method"]):
        cells = [method]
        for a, sd, pw in cols:
            hit = sens[(sens["method"] == method) & (sens["alpha"] == a) & (sens["sided"] == sd)
                       & (sens["power"] == pw)]
            if not len(hit):
                cells.append("")
                continue
            n = int(hit.iloc[0]["n"])
            cells.append(f"**{n}**" if bool(hit.iloc[0]["reproduces_stated_n"]) else str(n))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _plausible_candidates(ci_summary: pd.DataFrame) -> pd.DataFrame:
    """Per printed CI, the (x, n) candidates consistent with the point estimate, if any."""
    if "point_estimate_consistent" not in ci_summary.columns:
        return ci_summary
    keep = []
    for _, g in ci_summary.groupby("ci_rows", sort=False):
        ok = g[g["point_estimate_consistent"] == True]  # noqa: E712 (column mixes "" and bools)
        keep.append(ok if len(ok) else g)
    return pd.concat(keep)


def _pct(p: float) -> str:
    return f"{100 * p:g}%"


def design_fragment(
    trial_id: str,
    res: DesignResults | None,
    missing: list[str],
    sens: pd.DataFrame | None,
    decision: pd.DataFrame | None,
    ci_summary: pd.DataFrame,
    prefix: str,
) -> str:
    out = ["## Design, power and confidence intervals", ""]
    if res is None:
        out += [f"No single-arm design is stated in the {trial_id} dossier "
                f"(missing: {'; '.join(missing)}), so no sample-size calculation is "
                "reproduced.", ""]
    else:
        p, e = res.params, res.exact
        ids = "; ".join(f"{q}: {' '.join(v)}" for q, v in p.row_ids.items())
        n_txt = f", n = {p.n_per_group} per group" if p.n_per_group is not None else ""
        out += [
            f"Stated design: p0 = {_pct(p.p0)}, p1 = {_pct(p.p1)}, alpha = {_pct(p.alpha)} "
            f"({p.sided.replace('_', '-')}), power = {_pct(p.power)}{n_txt} (rows {ids}).", "",
        ]
        out += [f"- {note}" for note in p.notes]
        out += ["", f"**Exact single-stage design (A'Hern 2001).** n = {e.n}: reject H0 when at "
                f"least r = {e.r} patients respond; attained alpha {e.alpha:.4f}, power "
                f"{e.power:.4f}.", ""]
        if res.simon:
            out += ["**Simon (1989) two-stage designs** (Simon's r: reject H0 when *more than* r "
                    "respond, so r + 1 responders are needed):", ""]
            out.append(_md_table(simon_table(res), ["kind", "r1", "n1", "r", "n", "expected_n",
                                                    "pet", "alpha_attained", "power_attained"],
                                 {"expected_n": ".1f", "pet": ".2f", "alpha_attained": ".4f",
                                  "power_attained": ".4f"}))
            out.append("")
        elif res.simon_error:
            out += [f"Simon two-stage: {res.simon_error}.", ""]
        if sens is not None and len(sens):
            hits = sens[sens["reproduces_stated_n"]]
            if p.n_per_group is not None:
                if len(hits):
                    which = "; ".join(
                        f"{r.method} (alpha {r.alpha:g} {r.sided.replace('_', '-')}, power "
                        f"{r.power:g})" for r in hits.itertuples())
                    out += [f"Calculations giving the stated n = {p.n_per_group}: {which}.", ""]
                else:
                    out += [f"No calculation in the sensitivity table gives the stated "
                            f"n = {p.n_per_group}.", ""]
            out += ["Sample size by calculation and assumption (bold: the stated n; critical "
                    "counts in `sensitivity.csv`):", ""]
            out.append(_sensitivity_pivot(sens))
            out.append("")
        if decision is not None and len(decision):
            out += ["**Decision rule applied to what each cohort observed** (responders = CR + "
                    f"PR; exact one-sided P value under p0 = {_pct(p.p0)}):", ""]
            cols = ["cohort", "responders", "denominator", "n", "ahern_r", "meets_ahern_r",
                    "p_value_exact_one_sided", "significant", "responder_rows",
                    "denominator_rows"]
            out.append(_md_table(decision, cols, {"p_value_exact_one_sided": ".3g"}))
            out.append("")
        elif decision is not None:
            out += ["No cohort has best-response counts and a denominator to apply the rule "
                    "to.", ""]
        out += [f"![Power curve]({prefix}power_curve.png)", "",
                f"![Binomial distributions under p0 and p1]({prefix}rejection_region.png)", ""]
    out += ["**Confidence intervals of proportions: which method reproduces the printed "
            "bounds** (both bounds within rounding of the printed digits).", ""]
    if len(ci_summary):
        ci_summary = _plausible_candidates(ci_summary)
        cols = ["ci_rows", "cohort", "arm", "quantity", "reported_low", "reported_high", "x",
                "n", "matching_methods", "closest_method", "closest_distance"]
        out.append(_md_table(ci_summary, [c for c in cols if c in ci_summary.columns],
                             {"closest_distance": ".2f"}))
        out += ["", "Only the counts whose rate rounds to the printed point estimate are shown "
                "when there are such counts; `ci_methods.csv` lists every candidate count and "
                "denominator, `ci_bounds.csv` every method's bounds.",
                "", "Method names: " + "; ".join(f"`{k}` {v}"
                                                  for k, v in pr.METHOD_LABELS.items()) + "."]
    else:
        out.append("The dossier prints no confidence interval of a proportion.")
    out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------- entry point


def write_design_outputs(dossier: Any, outdir: Path, settings: dict) -> list[Path]:
    """Write the design stage's tables, figures and Markdown fragment; return the paths.

    Works for every dossier: without design rows it still writes the CI method identification
    tables and a fragment saying that no single-arm design is stated.
    """
    s = settings_with_defaults(settings)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    values: pd.DataFrame = dossier.values
    written: list[Path] = []
    params, missing = read_design_parameters(values, s["alpha_sided_default"])
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
        decision = decision_table(values, cohorts, res)
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
    ci_summary, ci_bounds = ci_identification_tables(values, s["ci_quantities"])
    written += [write_table(ci_summary, outdir / "ci_methods.csv"),
                write_table(ci_bounds, outdir / "ci_bounds.csv")]
    fragment = design_fragment(dossier.trial.id, res, missing, sens, decision, ci_summary,
                               s["figure_prefix"])
    md = outdir / "design.md"
    md.write_text(fragment, encoding="utf-8")
    written.append(md)
    return written
