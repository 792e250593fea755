"""The Kaplan-Meier stage on the gold dossiers of real papers: what it rebuilds and refuses.

Each gold dossier (``tests/fixtures/gold/<id>``, transcribed from a real trial report) is
copied into a temporary ``data/raw`` and run through the stage with the pipeline's settings.
Printed per paper and time-to-event endpoint with a printed hazard ratio (or a median): the
method shown, each arm's N, printed against rebuilt median (and CI), the printed HR against
the Cox HR of the shown pseudo data, where each curve ends against the longest printed
follow-up, the reconciliation findings of the curves, and anything refused with its reason.

    .venv/bin/python benchmarks/km_gold_papers.py [--draws 200] [--only pmc5555437]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from trialrecon.dossier import load_dossier
from trialrecon.stages.km.stage import write_km_outputs

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"


def _num(x: object) -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    if math.isnan(v):
        return "-"
    return "NR" if math.isinf(v) else f"{v:.3g}"


def printed_follow_up(dossier: object) -> float:
    """The longest printed follow-up statistic of the dossier, in months (0 when none)."""
    from trialrecon.dossier import names

    v = dossier.values  # type: ignore[attr-defined]
    rows = v[(v["quantity"] == "follow_up") & (v["marker"] == "")
             & v["statistic"].isin(["median", "iqr_high", "range_high", "value"])]
    months = [float(r.value_num) * names.TIME_UNIT_MONTHS.get(r.unit, math.nan)
              for r in rows.itertuples()]
    return max([m for m in months if not math.isnan(m)], default=0.0)


def report(paper: Path, work: Path, draws: int) -> None:
    raw = work / "data" / "raw" / paper.name
    shutil.copytree(paper, raw)
    dossier = load_dossier(raw)
    out = work / "results" / paper.name / "km"
    write_km_outputs(dossier, out, {"draws": draws})
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    hrs = (pd.read_csv(out / "hazard_ratios.csv", keep_default_na=False)
           if (out / "hazard_ratios.csv").is_file() else pd.DataFrame())
    choice = (pd.read_csv(out / "model_choice.csv", keep_default_na=False)
              if (out / "model_choice.csv").is_file() else pd.DataFrame())
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    longest = printed_follow_up(dossier)
    print(f"\n== {paper.name}: {dossier.trial.title[:90]}")
    print(f"   longest printed follow-up statistic: {longest:g} months" if longest else
          "   no follow-up printed")
    if summary["endpoint"].eq("").all():
        print("   no time-to-event endpoint with a median or an HR")
        return
    for (endpoint, cohort), rows in summary.groupby(["endpoint", "cohort"], sort=False):
        shown = rows[rows["chosen"].astype(str) == "True"]
        c = choice[(choice["endpoint"] == endpoint) & (choice["cohort"] == cohort)]
        head = f"   {endpoint.upper()} {cohort}: "
        if shown.empty:
            why = c["reason"].iloc[0] if not c.empty else "no method"
            print(head + f"REFUSED: {why}")
            continue
        method = shown["method"].iloc[0]
        print(head + f"{method} ({c['met'].iloc[0]} of {c['constraints'].iloc[0]} printed "
              "numbers met)")
        for r in shown.itertuples():
            name = f"{r.endpoint}_{r.cohort}" + (f"_{r.arm}" if r.arm else "")
            ipd = pd.read_csv(out / "ipd" / f"{name}_{method.replace('model:', '')}.csv")
            print(f"      {r.arm or cohort:<12} N {r.n:<5} median printed "
                  f"{_num(r.median_reported)} ({_num(r.ci_low_reported)}-"
                  f"{_num(r.ci_high_reported)}) rebuilt {_num(r.median_rebuilt)} "
                  f"({_num(r.ci_low_rebuilt)}-{_num(r.ci_high_rebuilt)}); events printed "
                  f"{_num(r.events_reported)} rebuilt {_num(r.events_rebuilt)}; curve ends "
                  f"{ipd['time'].max():.1f} (cut-off {_num(r.cutoff_months)})")
        if not hrs.empty:
            h = hrs[(hrs["endpoint"] == endpoint) & (hrs["cohort"] == cohort)
                    & (hrs["method"] == method)]
            for x in h.itertuples():
                print(f"      HR {x.experimental} vs {x.comparator}: printed "
                      f"{_num(x.hr_reported)} ({_num(x.hr_low_reported)}-"
                      f"{_num(x.hr_high_reported)}), rebuilt {_num(x.hr_rebuilt)} "
                      f"({_num(x.hr_low_rebuilt)}-{_num(x.hr_high_rebuilt)})")
        if not c.empty and c["notes"].iloc[0]:
            print(f"      notes: {c['notes'].iloc[0][:300]}")
    for f in found:
        print(f"   finding ({f['severity']}): {f['sentence'][:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="km-gold-"))
    try:
        for paper in sorted(p for p in GOLD.iterdir() if (p / "trial.yaml").is_file()):
            if not args.only or paper.name in args.only:
                report(paper, work, args.draws)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
