"""Every stage takes any dossier that validation accepts (property-based, with hypothesis).

Random dossiers are drawn that are valid by construction: one to three arms (or a single-arm
trial), pooled cohorts, several sources and data cuts, medians with and without their CIs,
"not reached" markers, a median outside its own CI (a paper error the tool must report, not
crash on), hazard ratios with or without CI and P, three-arm ratios with ``versus``, counts
and percentages, landmark rates, design rows, follow-up and accrual dates, categories with
any text. For each, validation must accept it and every stage's entry function must finish
and write its files, all inside its output folder.
"""

from __future__ import annotations

import csv
import shutil
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trialrecon.dossier import COLUMNS, OPTIONAL_COLUMNS, load_dossier, validate_dossier
from trialrecon.stages.crosstrial.stage import write_crosstrial_outputs
from trialrecon.stages.design.stage import write_design_outputs
from trialrecon.stages.dossier import write_dossier_outputs
from trialrecon.stages.km.stage import write_km_outputs
from trialrecon.stages.reconcile import write_reconciliation
from trialrecon.stages.report import build_index

KM_FAST = {"draws": 5, "grid_points": 11, "models": ["exponential"]}
CATEGORY_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " /.:-_()|*<>[]",
                        min_size=1, max_size=20).map(str.strip).filter(bool)


@st.composite
def trial_shape(draw):
    """Design, arms, cohorts (maybe one pooled) and sources (maybe with data cuts)."""
    n_arms = draw(st.sampled_from([0, 2, 3]))
    arms = [("a", "experimental"), ("b", "comparator"), ("c", "experimental")][:n_arms]
    if n_arms == 3:
        arms = [("a", "experimental"), ("c", "experimental"), ("b", "comparator")]
    n_cohorts = draw(st.integers(1, 2))
    cohorts = [f"k{i}" for i in range(n_cohorts)]
    pooled = n_cohorts == 2 and draw(st.booleans())
    n_sources = draw(st.integers(1, 3))
    cut_dates = draw(st.lists(st.sampled_from(["2015-03", "2017-06-30", "2019", "2021-11"]),
                              min_size=n_sources, max_size=n_sources))
    with_cuts = draw(st.booleans())
    return {"arms": arms, "cohorts": cohorts, "pooled": pooled,
            "sources": [(f"s{i}", draw(st.sampled_from(["paper", "abstract", "label",
                                                         "conference_abstract", "news"])),
                         cut_dates[i] if with_cuts else "") for i in range(n_sources)]}


def _trial_yaml(shape: dict) -> str:
    lines = ["id: anytrial", 'title: "Any trial: a drawn dossier"',
             f"design: {'randomized' if shape['arms'] else 'single_arm'}",
             "primary_endpoint: [os, pfs]", "sources:"]
    for sid, kind, cut in shape["sources"]:
        lines += [f"  - id: {sid}", f"    kind: {kind}", f'    citation: "Source {sid}"']
        if cut:
            lines.append(f'    data_cut: "{cut}"')
    lines.append("cohorts:")
    for c in shape["cohorts"]:
        lines += [f"  - id: {c}", f'    label: "Cohort {c}"']
    if shape["pooled"]:
        parts = ", ".join(shape["cohorts"])
        lines += ["  - id: pool", '    label: "Both"', f"    parts: [{parts}]"]
    if shape["arms"]:
        lines.append("arms:")
        for a, role in shape["arms"]:
            lines += [f"  - id: {a}", f'    label: "Arm {a}"', f"    role: {role}"]
    return "\n".join(lines) + "\n"


@st.composite
def dossier_rows(draw, shape: dict) -> list[dict[str, str]]:
    """Rows of values valid by construction, a random selection of every kind of statement."""
    rows: list[dict[str, str]] = []
    cohorts = shape["cohorts"] + (["pool"] if shape["pooled"] else [])
    arms = [a for a, _ in shape["arms"]] or [""]
    sources = [s for s, _, _ in shape["sources"]]
    locations = ["Abstract", "Results", "Table 2", "Discussion", "Table 1 footnote a"]

    def add(quantity, statistic, value, unit, **kw):
        row = dict.fromkeys((*COLUMNS, *OPTIONAL_COLUMNS), "")
        row.update(id=f"r{len(rows)}", source=draw(st.sampled_from(sources)),
                   location=draw(st.sampled_from(locations)), anchor="drawn value",
                   cohort=kw.pop("cohort", draw(st.sampled_from(cohorts))), quantity=quantity,
                   statistic=statistic, value=value, unit=unit)
        row.update({k: str(v) for k, v in kw.items()})
        rows.append(row)
        return row

    for _ in range(draw(st.integers(0, 6))):  # survival medians with optional CI and markers
        ep = draw(st.sampled_from(["pfs", "os", "dor", "efs"]))
        arm = draw(st.sampled_from(arms))
        cohort = draw(st.sampled_from(cohorts))
        marker = draw(st.sampled_from(["", "", "not_reached", "not_estimable"]))
        med = draw(st.floats(0.5, 80).map(lambda x: f"{x:.1f}"))
        add(ep, "median", "" if marker else med, "months", marker=marker, arm=arm, cohort=cohort)
        if draw(st.booleans()):
            lo, hi = sorted(draw(st.lists(st.floats(0.1, 90), min_size=2, max_size=2)))
            add(ep, "ci_low", f"{lo:.1f}", "months", arm=arm, cohort=cohort)
            if draw(st.booleans()):
                add(ep, "ci_high", f"{max(hi, lo):.1f}", "months", arm=arm, cohort=cohort)
            else:
                add(ep, "ci_high", "", "months", marker="not_reached", arm=arm, cohort=cohort)
    for a in arms:  # population counts
        if draw(st.booleans()):
            add("randomized" if a else "enrolled", "count", draw(st.integers(1, 500)),
                "patients", arm=a)
    if len(arms) >= 2:  # hazard ratios, two-arm style or with versus
        for _ in range(draw(st.integers(0, 3))):
            q = draw(st.sampled_from(["pfs_hr", "os_hr", "dfs_hr"]))
            arm, versus = ("", "") if len(arms) == 2 else (arms[0], arms[-1])
            est = draw(st.floats(0.1, 3))
            add(q, "estimate", f"{est:.2f}", "ratio", arm=arm, versus=versus)
            if draw(st.booleans()):
                add(q, "ci_low", f"{est * 0.7:.2f}", "ratio", arm=arm, versus=versus)
                add(q, "ci_high", f"{est * 1.4:.2f}", "ratio", arm=arm, versus=versus)
            if draw(st.booleans()):
                add(q, "p_value", f"{draw(st.floats(0.0001, 1)):.4f}", "probability", arm=arm,
                    versus=versus, comparator=draw(st.sampled_from(["", "<", "="])))
    for _ in range(draw(st.integers(0, 4))):  # counts with percentages of any category
        n = draw(st.integers(1, 300))
        k = draw(st.integers(0, n))
        q = draw(st.sampled_from(["ae_grade34", "orr", "female", "baseline", "ecog",
                                  "deaths", "pfs_events", "subsequent_therapy"]))
        cat = draw(CATEGORY_TEXT)
        if q == "baseline":
            cat = f"{cat.replace(':', ' ')}: level"
        arm = draw(st.sampled_from(arms))
        add(q, "count", k, "patients", denominator=n, category=cat, arm=arm)
        add(q, "percent", f"{100 * k / n:.1f}", "percent", denominator=n, category=cat, arm=arm)
    for _ in range(draw(st.integers(0, 2))):  # landmark rates
        add(draw(st.sampled_from(["os_rate", "pfs_rate"])), "percent",
            f"{draw(st.floats(0, 100)):.0f}", "percent",
            category=draw(st.sampled_from(["12 months", "2-year", "5 years"])),
            arm=draw(st.sampled_from(arms)))
    if draw(st.booleans()):  # design rows
        add("design_p0", "value", "10", "percent")
        add("design_p1", "value", draw(st.sampled_from(["25", "5", "10"])), "percent")
        add("design_alpha", "value", "0.05", "proportion")
        add("design_power", "value", "0.9", "proportion")
        add("design_n_per_group", "value", draw(st.integers(2, 80)), "patients")
    if draw(st.booleans()):  # conduct
        add("enrollment_start", "date", "2014-02", "date")
        add("enrollment_end", "date", draw(st.sampled_from(["2015", "2016-09-30"])), "date")
        add("follow_up", "median", f"{draw(st.floats(1, 60)):.1f}", "months")
    if not rows:
        add("enrolled", "count", 10, "patients")
    return rows


def _write(folder: Path, shape: dict, rows: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trial.yaml").write_text(_trial_yaml(shape), encoding="utf-8")
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=[*COLUMNS, *OPTIONAL_COLUMNS], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@st.composite
def dossiers(draw):
    shape = draw(trial_shape())
    return shape, draw(dossier_rows(shape))


def _files_under(folder: Path) -> set[Path]:
    return {p.resolve() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(dossiers())
def test_every_stage_takes_any_valid_dossier(tmp_path, drawn):
    shape, rows = drawn
    work = tmp_path / "w"
    shutil.rmtree(work, ignore_errors=True)
    raw = work / "data" / "raw" / "anytrial"
    _write(raw, shape, rows)
    problems = validate_dossier(raw)
    assert problems == [], "\n".join(map(str, problems))  # the generator draws valid dossiers
    dossier = load_dossier(raw)
    results = work / "results" / "anytrial"
    write_dossier_outputs(raw, results / "dossier.csv", results / "validation.md")
    write_design_outputs(dossier, results / "design", {})
    write_km_outputs(dossier, results / "km", KM_FAST)
    write_reconciliation(raw, {fmt: results / f"reconciliation.{fmt}"
                               for fmt in ("html", "md", "csv", "json")})
    write_crosstrial_outputs([dossier], work / "results" / "crosstrial", {"formats": ["png"]})
    build_index(work / "results", work / "data" / "raw", ["anytrial"],
                work / "results" / "report" / "index.html")
    written = _files_under(work)
    outside = {p for p in written if work.resolve() / "results" not in p.parents
               and work.resolve() / "data" not in p.parents}
    assert outside == set()
    assert (results / "km" / "summary.csv").is_file()
    assert (results / "reconciliation.json").is_file()
