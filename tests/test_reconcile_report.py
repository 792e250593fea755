"""The report writers: escaping, self-contained HTML, determinism, the JSON shape, the CLI."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialrecon.stages.reconcile import FILE_NAMES, write_reconciliation

PLANTED = Path(__file__).parent / "fixtures" / "planted"
FORMATS = ("html", "md", "csv", "json", "letter")


def _outputs(folder: Path) -> dict[str, Path]:
    return {fmt: folder / FILE_NAMES[fmt] for fmt in FORMATS}


@pytest.fixture
def marked_up(tmp_path: Path) -> Path:
    """The planted corpus with markup in the anchor of a value that is flagged."""
    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["id"] == "q1a_dis":
            row["anchor"] = "<script>alert(1)</script> <b>bold</b> | pipe"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return folder


def test_html_escapes_markup_from_data(marked_up, tmp_path):
    out = _outputs(tmp_path / "out")
    write_reconciliation(marked_up, out)
    html = out["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
    for fmt in ("md", "letter"):  # Markdown: backslash escapes, never HTML entities
        md = out[fmt].read_text(encoding="utf-8")
        assert "<script>" not in md and "&lt;" not in md and "&amp;" not in md, fmt
        assert "\\<script\\>alert(1)\\</script\\> \\<b\\>bold\\</b\\> \\| pipe" in md, fmt


def test_html_is_self_contained(tmp_path):
    out = _outputs(tmp_path)
    write_reconciliation(PLANTED, out)
    html = out["html"].read_text(encoding="utf-8")
    for external in ("src=\"http", "href=\"http", "<link", "@import", "src=\"//"):
        assert external not in html
    assert "<script>" in html and 'id="f-sev"' in html  # the filter, inline


def test_outputs_deterministic_and_json_shape(tmp_path):
    a, b = _outputs(tmp_path / "a"), _outputs(tmp_path / "b")
    write_reconciliation(PLANTED, a)
    write_reconciliation(PLANTED, b)
    for fmt in FORMATS:
        assert a[fmt].read_bytes() == b[fmt].read_bytes(), fmt
    data = json.loads(a["json"].read_text(encoding="utf-8"))
    assert data["findings"]
    ranks = ["error", "inconsistent", "questionable", "note", "consistent"]
    order = [ranks.index(f["severity"]) for f in data["findings"]]
    assert order == sorted(order)
    for f in data["findings"]:
        assert {"id", "check", "severity", "values"} <= set(f)
    assert data["counts_by_severity"]["inconsistent"] == sum(
        f["severity"] == "inconsistent" for f in data["findings"])
    with a["csv"].open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(data["findings"])


def test_triage_shown_in_report(tmp_path):
    folder = tmp_path / "planted"
    shutil.copytree(PLANTED, folder)
    first = _outputs(tmp_path / "first")
    write_reconciliation(folder, first)
    data = json.loads(first["json"].read_text(encoding="utf-8"))
    fid = next(f["id"] for f in data["findings"] if f["severity"] == "inconsistent")
    (folder / "triage.yaml").write_text(
        f"findings:\n  {fid}:\n    verdict: explained\n    note: typo in the proofs\n",
        encoding="utf-8")
    second = _outputs(tmp_path / "second")
    write_reconciliation(folder, second)
    data = json.loads(second["json"].read_text(encoding="utf-8"))
    f = next(f for f in data["findings"] if f["id"] == fid)
    assert f["triage"] == {"verdict": "explained", "note": "typo in the proofs"}
    assert "typo in the proofs" in second["html"].read_text(encoding="utf-8")
    assert "typo in the proofs" in second["md"].read_text(encoding="utf-8")


def test_cli(tmp_path):
    run = [sys.executable, "-m", "trialrecon.cli", "reconcile"]
    ok = subprocess.run([*run, str(PLANTED), "--out", str(tmp_path)], capture_output=True,
                        text=True)
    assert ok.returncode == 0, ok.stderr
    assert all((tmp_path / FILE_NAMES[fmt]).is_file() for fmt in FORMATS)
    bad = subprocess.run([*run, str(tmp_path / "nope"), "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "not found" in bad.stderr
