"""Numbers at risk under a Kaplan-Meier figure: they never rise, and start at most at the arm.

Check ``numbers-at-risk``; reference: the Kaplan-Meier estimator (Kaplan & Meier 1958): the
patients at risk at a time are those without the event and not censored before it, so the
number at risk never increases with time, and at time 0 it is at most the patients of the arm.

The numbers at risk are read from the dossier's ``curves/<endpoint>_<cohort>.nar.csv``
(``arm, time, n_risk``, see :mod:`trialrecon.dossier.digitized`). The Kaplan-Meier stage
refuses such a file when it rises; here the rise becomes a finding like any other, with the
two lines of the file behind it, so it reaches the reconciliation report and the letter.

Rules: a number at risk above the one printed at an earlier time of the same arm is
inconsistent; a number at risk at the first time (0) above the arm's randomized (or enrolled)
count of the cohort is inconsistent. A file that cannot be read is skipped with the reason.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from trialrecon.checks.context import Check, Context, NotApplicable, Row, quote
from trialrecon.checks.findings import Finding
from trialrecon.dossier.digitized import MAX_CURVE_BYTES, parse_curve_name

MAX_ROWS = 10_000


def _read(path: Path) -> list[tuple[int, str, float, int]] | str:
    """(line, arm, time, n) of a numbers-at-risk file, or why it cannot be read."""
    if path.is_symlink() or not path.is_file():
        return "not a regular file"
    if path.stat().st_size > MAX_CURVE_BYTES:
        return "file too large"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return f"unreadable ({type(exc).__name__})"
    rows = list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 1]
    if not rows:
        return "empty file"
    header = [h.strip().lower() for h in rows[0]]
    if "time" not in header or "n_risk" not in header:
        return "no time and n_risk columns"
    out = []
    for line, cells in enumerate(rows[1:], start=2):
        if len(cells) != len(header):
            continue
        cell = dict(zip(header, cells, strict=True))
        try:
            t, n = float(cell["time"]), float(cell["n_risk"])
        except ValueError:
            continue
        if n == round(n) and n >= 0 and t >= 0:
            out.append((line, cell.get("arm", "").strip(), t, int(n)))
    return out


def _row(ctx: Context, path: Path, endpoint: str, cohort: str, line: int, arm: str, t: float,
         n: int) -> Row:
    """A numbers-at-risk line as a dossier row (quoted by findings, causes and reports)."""
    source = next((s.id for s in ctx.dossier.trial.sources if s.kind == "paper"),
                  ctx.dossier.trial.sources[0].id if ctx.dossier.trial.sources else "")
    row: Row = {c: "" for c in ctx.rows[0]} if ctx.rows else {}
    row.update({
        "id": f"nar_{endpoint}_{cohort}_{arm or 'all'}_{line}", "source": source,
        "location": f"curves/{path.name}", "row": f"time {t:g}", "column": arm,
        "anchor": f"{arm} {t:g} {n}".strip(), "cohort": cohort, "arm": arm, "subgroup": "",
        "quantity": endpoint, "category": f"at risk at {t:g}", "statistic": "count",
        "value": str(n), "comparator": "", "unit": "patients", "marker": "",
        "value_num": float(n), "denominator_num": float("nan"), "file": str(path),
        "line": line, "data_cut": "", "supersedes": ""})
    return row


def check_numbers_at_risk(ctx: Context) -> list[Finding]:
    """Numbers at risk of the dossier's curves files (see the module docstring)."""
    folder = Path(ctx.dossier.path) / "curves"
    if not folder.is_dir() or folder.is_symlink():
        raise NotApplicable("no numbers at risk (curves/*.nar.csv)")
    cohorts = [c.id for c in ctx.dossier.trial.cohorts]
    files = [(p, parse_curve_name(p.name, ctx.vocab.endpoints, cohorts))
             for p in sorted(folder.glob("*.nar.csv"))]
    files = [(p, parsed) for p, parsed in files if parsed is not None]
    if not files:
        raise NotApplicable("no numbers at risk (curves/*.nar.csv)")
    out = []
    for path, (endpoint, cohort, _) in files:
        got = _read(path)
        if isinstance(got, str):
            ctx.skip(f"numbers at risk not readable: {got}")
            continue
        by_arm: dict[str, list[Row]] = {}
        for line, arm, t, n in sorted(got, key=lambda x: (x[1], x[2], x[0])):
            by_arm.setdefault(arm, []).append(_row(ctx, path, endpoint, cohort, line, arm, t, n))
        for arm, rows in by_arm.items():
            ctx.extra_rows.extend(rows)
            ctx.see(rows)
            out += _rises(ctx, rows) + _start(ctx, rows, cohort, arm)
    return out


def _rises(ctx: Context, rows: list[Row]) -> list[Finding]:
    out = []
    for a, b in zip(rows, rows[1:], strict=False):
        if b["value_num"] <= a["value_num"]:
            continue
        out.append(ctx.finding(
            "inconsistent", f"at risk rises from {a['value']} to {b['value']}",
            f"The number at risk rises from {quote(a)} at {a['row']} to {quote(b)} at "
            f"{b['row']}{' (' + a['arm'] + ')' if a['arm'] else ''}: patients leave the risk "
            "set (events, censoring) and never join it later.", [a, b],
            recomputation={"method": "number at risk never increases with time",
                           "inputs": {a["id"]: a["value"], b["id"]: b["value"]},
                           "result": "rises"},
            nearest=f"<= {a['value']}", discriminator="rise",
            ruled_out=["rounding (whole counts)"]))
    if rows and not out:
        out.append(ctx.finding(
            "consistent", "numbers at risk never rise",
            f"The {len(rows)} numbers at risk of {rows[0]['location']} never rise.", rows,
            recomputation={"method": "number at risk never increases with time",
                           "result": "non-increasing"}, discriminator="rise"))
    return out


def _start(ctx: Context, rows: list[Row], cohort: str, arm: str) -> list[Finding]:
    first = rows[0]
    if first["row"] != "time 0":
        return []
    arms = [arm] if arm else [a.id for a in ctx.dossier.trial.arms if not a.parts]
    sizes = []
    for a in arms:
        found = [r for q in ("randomized", "enrolled") for r in ctx.where(
            quantity=q, statistic="count", cohort=cohort, arm=a if arm else "", subgroup="")
            if ctx.numeric(r) and not ctx.is_registry(r)]
        if found:
            sizes.append(found[0])
        if not arm:
            break
    if not sizes:
        return []
    n = int(sizes[0]["value_num"])
    ok = first["value_num"] <= n
    rec = {"method": "number at risk at time 0 <= patients of the arm",
           "inputs": {first["id"]: first["value"], sizes[0]["id"]: sizes[0]["value"]},
           "result": "within" if ok else "above"}
    return [ctx.finding(
        "consistent" if ok else "inconsistent",
        f"at risk at time 0 {first['value']} {'<=' if ok else '>'} {n}",
        f"{quote(first)} at time 0 {'does not exceed' if ok else 'exceeds'} "
        f"{quote(sizes[0])}.", [first, sizes[0]], recomputation=rec, discriminator="start",
        nearest=None if ok else f"<= {n}", ruled_out=[] if ok else ["rounding (whole counts)"])]


CHECK = Check(
    "numbers-at-risk", "1",
    "Numbers at risk under a Kaplan-Meier figure never rise and start at most at the arm",
    "Kaplan & Meier 1958 (the risk set only shrinks)",
    check_numbers_at_risk,
)
