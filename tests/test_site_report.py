"""The index page: escaping, summaries and provenance, on a small results tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from trialrecon.stages.report import build_index, reconciliation_summary, render_markdown

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_markdown_fragments_cannot_inject_markup():
    html = render_markdown("| a |\n|---|\n| <script>alert(1)</script> |\n")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<table>" in html


def test_reconciliation_summary_counts_causes_in_rank_order(tmp_path: Path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"causes": [
        {"id": "b", "rank": 3, "severity": "note", "title": "soft", "members": ["f3"]},
        {"id": "a", "rank": 2, "severity": "questionable", "title": "maybe",
         "members": ["f2"], "checks": ["x"]},
        {"id": "c", "rank": 1, "severity": "inconsistent", "title": "wrong",
         "members": ["f1", "f4"], "checks": ["y"], "triage": {"verdict": "confirmed"}},
    ], "findings": []}))
    counts, top, away = reconciliation_summary(path)
    assert counts == [("inconsistent", 1), ("questionable", 1), ("note", 1)]
    assert [f["id"] for f in top] == ["c", "a"] and away == 0
    assert top[0]["triage"] == "confirmed" and top[0]["findings"] == "2"
    # a cause triaged as a false alarm is neither counted nor ranked: ranks close up
    data = json.loads(path.read_text())
    data["causes"][2]["triage"] = {"verdict": "false_alarm"}
    path.write_text(json.dumps(data))
    counts, top, away = reconciliation_summary(path)
    assert counts == [("questionable", 1), ("note", 1)] and away == 1
    assert [(f["id"], f["rank"]) for f in top] == [("a", "1")]


def test_index_tables_have_human_headers_and_stack_on_phones():
    from trialrecon.report.html import responsive_tables

    html = responsive_tables(render_markdown("| meets_ahern_r | ci_low_reported |\n|---|---|\n"
                                             "| yes | 1.5 |\n"))
    assert "<th>Meets A'Hern's r</th>" in html and "<th>CI low (reported)</th>" in html
    assert '<td data-label="Meets A\'Hern\'s r">yes</td>' in html
    assert 'class="stack"' in html and "meets_ahern_r" not in html


def test_index_escapes_titles_and_hashes_inputs(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data / "mini")
    yaml_path = data / "mini" / "trial.yaml"
    yaml_path.write_text(yaml_path.read_text().replace(
        'title: "A small fictional single-arm trial for tests"',
        'title: "Trial <b>bold</b> & co"'))
    results = tmp_path / "results"
    (results / "mini").mkdir(parents=True)
    (results / "mini" / "reconciliation.json").write_text(json.dumps({"causes": [
        {"id": "cause-x1", "rank": 1, "checks": ["same-quantity"], "severity": "inconsistent",
         "title": "OS <i>32</i> vs 31", "members": ["x1"]}], "findings": []}))
    (results / "mini" / "reconciliation.html").write_text("<html></html>")
    out = build_index(results, data, ["mini"], results / "report" / "index.html")
    html = out.read_text()
    assert "Trial &lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    assert "OS &lt;i&gt;32&lt;/i&gt; vs 31" in html
    assert 'href="../mini/reconciliation.html"' in html
    import hashlib
    digest = hashlib.sha256((data / "mini" / "values.csv").read_bytes()).hexdigest()
    assert digest in html
    assert build_index(results, data, ["mini"], results / "report" / "again.html").read_bytes() \
        == html.encode()


def test_fragment_links_are_rebased_to_the_page(tmp_path: Path):
    from trialrecon.stages.report import rebase_links

    base, page = tmp_path / "results" / "crosstrial", tmp_path / "results" / "report"
    html = '<a href="hazard_ratios.csv">table</a> <a href="#top">top</a>'
    assert rebase_links(html, base, page) == (
        '<a href="../crosstrial/hazard_ratios.csv">table</a> <a href="#top">top</a>')
