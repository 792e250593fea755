"""The design stage's computations: the stated design, the designs it implies, its tables.

Everything shown is computed here from the dossier's rows: the design parameters
(``design_p0``, ``design_p1``, ``design_alpha``, ``design_power``, ``design_n_per_group``), the
responders (``best_response`` CR + PR counts) and their denominators (``evaluable_response``,
``enrolled``), and every printed confidence interval of a proportion. The statistical methods
live in :mod:`trialrecon.stats.single_arm` and :mod:`trialrecon.stats.proportions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from trialrecon.dossier import Dossier  # noqa: E402
from trialrecon.dossier.selection import DEFAULT, Policy, rank_rows  # noqa: E402
from trialrecon.stages.design.events import EVENT_DEFAULTS  # noqa: E402
from trialrecon.stats import proportions as pr  # noqa: E402
from trialrecon.stats import single_arm as dz  # noqa: E402

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
    "simon_n_max": None,  # None: search until the optimal design is proved
    "exact_n_max": 1000,
    # quantities whose printed CIs are CIs of a binomial proportion
    "ci_quantities": ["orr", "orr_investigator", "dcr"],
    "oc_points": 101,
    # figure links in the Markdown fragment are relative to results/<trial>/
    "figure_prefix": "design/",
    # randomized trials: power, detectable HRs and the transcribed design (.events)
    **EVENT_DEFAULTS,
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


Ranker = Callable[[pd.DataFrame], pd.DataFrame]


def _ranker(dossier: Dossier, policy: Policy) -> Ranker:
    """Rows best first under the selection policy (:mod:`trialrecon.dossier.selection`)."""
    return lambda rows: rank_rows(rows, dossier, policy)


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
    dossier: Dossier, alpha_sided_default: str = "one_sided", policy: Policy = DEFAULT,
) -> tuple[DesignParameters | None, list[str]]:
    """The stated design, or None with the list of missing quantities."""
    values = dossier.values
    _ordered = _ranker(dossier, policy)
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


def responder_count(group: pd.DataFrame, categories: Iterable[str],
                    _ordered: Ranker) -> Count | None:
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


def population_counts(group: pd.DataFrame, quantity: str, _ordered: Ranker) -> list[Count]:
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
            "power_attained", "responders_needed", "rule", "note"]
    if res.simon is None:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame([{
        "kind": d.kind, "r1": d.r1, "n1": d.n1, "r": d.r, "n": d.n,
        "expected_n": d.expected_n, "pet": d.pet, "alpha_attained": d.alpha,
        "power_attained": d.power, "responders_needed": d.r + 1, "rule": SIMON_RULE,
        "note": d.note,  # the search limit, when one stopped the search before the proof
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


def decision_table(dossier: Dossier, cohorts: list[str], res: DesignResults,
                   policy: Policy = DEFAULT) -> pd.DataFrame:
    """The design's rule applied to each cohort's responders under each denominator."""
    values, _ordered = dossier.values, _ranker(dossier, policy)
    p = res.params
    one_sided_alpha = p.alpha if p.sided == "one_sided" else p.alpha / 2
    rows = []
    for cohort in cohorts:
        group = _same_group(values, cohort, "", "")
        x = responder_count(group, NUMERATOR_CATEGORIES["orr"], _ordered)
        if x is None:
            continue
        for quantity in ("evaluable_response", "enrolled"):
            for n in population_counts(group, quantity, _ordered)[:1]:
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


def _point_estimates(group: pd.DataFrame, ci: ReportedCI, _ordered: Ranker) -> pd.DataFrame:
    r = ci.row
    est = group[(group["quantity"] == r["quantity"]) & (group["category"] == r["category"])
                & group["statistic"].isin(["percent", "proportion"])
                & group["value_num"].notna()]
    same_place = est[(est["source"] == r["source"]) & (est["location"] == r["location"])]
    return same_place if len(same_place) else _ordered(est)


def _candidates(group: pd.DataFrame, ci: ReportedCI,
                _ordered: Ranker) -> list[tuple[Count, Count]]:
    """(x, n) pairs worth testing for one printed CI: counts from the dossier when there are
    any, otherwise every x whose rate rounds to the printed point estimate."""
    r = ci.row
    ns: list[Count] = []
    for q in POPULATIONS:
        ns.extend(population_counts(group, q, _ordered))
    same_q = group[(group["quantity"] == r["quantity"]) & (group["denominator_num"].notna())]
    for _, row in _ordered(same_q).iterrows():
        ns.append(Count(int(row["denominator_num"]), "printed denominator", (row["id"],)))
    seen: set[int] = set()
    ns = [n for n in ns if n.value > 0 and not (n.value in seen or seen.add(n.value))]
    x = None
    if r["quantity"] in NUMERATOR_CATEGORIES:
        x = responder_count(group, NUMERATOR_CATEGORIES[r["quantity"]], _ordered)
    est = _point_estimates(group, ci, _ordered)
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
    dossier: Dossier, quantities: Iterable[str], policy: Policy = DEFAULT
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (printed CI, candidate x/n) with the verdict, and the long table of bounds."""
    values, _ordered = dossier.values, _ranker(dossier, policy)
    summary, bounds = [], []
    for ci in reported_cis(values, quantities):
        r = ci.row
        group = _same_group(values, r["cohort"], r["arm"], r["subgroup"])
        scale = 100.0 if r["unit"] == "percent" else 1.0
        est = _point_estimates(group, ci, _ordered)
        base = {
            "ci_rows": f"{ci.low_id} {ci.high_id}", "source": r["source"],
            "location": r["location"], "cohort": r["cohort"], "arm": r["arm"],
            "subgroup": r["subgroup"], "quantity": r["quantity"], "level": ci.level,
            "reported_low": ci.low_text, "reported_high": ci.high_text,
            "point_estimate": est.iloc[0]["value"] if len(est) else "",
        }
        cands = _candidates(group, ci, _ordered)
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
