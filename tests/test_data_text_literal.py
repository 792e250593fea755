"""Text from a dossier is drawn and printed literally: never read as mathtext by matplotlib,
never as HTML or a link by a Markdown renderer (issue 26 item 7).

A subgroup printed "US$ 5% vs US$ 10%" holds two dollar signs, which matplotlib would read as
a mathtext formula (and fail on, or draw in italics without the dollars); the figures must
show it as printed. Stale triage ids are printed in ``reconciliation.md``: an id written as a
tag or a ``javascript:`` link must come out as inert text.
"""

from __future__ import annotations

import html as htmllib

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from trialrecon.report import kmplot  # noqa: E402
from trialrecon.report.forest import hazard_ratio_figure  # noqa: E402

DOLLARS = "US$ 5% vs US$ 10%"


def _drawn_texts(fig) -> list:
    from matplotlib.text import Text

    fig.canvas.draw()  # mathtext, when on, parses here and raises on this text
    return [t for t in fig.findobj(Text) if t.get_text()]


def _forest_table(label: str) -> pd.DataFrame:
    return pd.DataFrame([{"setting": "mixed", "subgroup": label, "label": label,
                          "endpoint": "PFS", "updated": False, "estimate": 0.5,
                          "ci_low": 0.3, "ci_high": 0.8, "text": "0.50 (0.30-0.80)",
                          "location": "Table 2", "data_cut": ""}])


def test_a_subgroup_with_two_dollars_is_drawn_literally_in_the_forest_plot():
    fig = hazard_ratio_figure(_forest_table(DOLLARS), f"Hazard ratios, {DOLLARS}",
                              by_setting=False)
    texts = _drawn_texts(fig)
    shown = {t.get_text() for t in texts}
    assert DOLLARS in shown and f"Hazard ratios, {DOLLARS}" in shown
    assert not any(t.get_parse_math() for t in texts if "$" in t.get_text())


def test_arm_names_and_title_with_dollars_are_drawn_literally_in_the_km_figure():
    rng = np.random.default_rng(1)
    t = rng.exponential(10, 40)
    curves = (kmplot.Curve(f"{DOLLARS} arm", "experimental", t, np.ones(40, dtype=int)),
              kmplot.Curve("$x$ control", "comparator", t * 0.7, np.ones(40, dtype=int)))
    fig = kmplot.km_plot(kmplot.KMPlot(f"PFS - {DOLLARS}", kmplot.y_label("pfs"), curves))
    texts = _drawn_texts(fig)
    dollar_texts = [t for t in texts if "$" in t.get_text()]
    assert any(DOLLARS in t.get_text() for t in dollar_texts)
    assert any("$x$ control" in t.get_text() for t in dollar_texts)
    assert not any(t.get_parse_math() for t in dollar_texts)


# ---------------------------------------------------------------------------- Markdown ids

HOSTILE_IDS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
               "[x](javascript:alert(1))", "`<script>alert(2)</script>`",
               "a``b <img src=y onerror=alert(3)>", "x\n\n<script>alert(4)</script>"]


def _raw_html(markdown: str) -> str:
    """The HTML a renderer that passes raw HTML through makes of ``markdown``."""
    import mistune

    return mistune.create_markdown(escape=False)(markdown)


def _inert(html: str) -> bool:
    return "<script" not in html and "<img" not in html and "javascript:" not in \
        "".join(part.split(">", 1)[0] for part in html.split("<a ")[1:])


def test_the_hostile_ids_would_be_live_markup_unescaped():
    # The test's own premise: without escaping, these ids do render as tags or links.
    assert not all(_inert(_raw_html(f"Stale: `{i}` and {i}")) for i in HOSTILE_IDS)
    assert not _inert(_raw_html(HOSTILE_IDS[0]))


@given(st.text(min_size=1))
def test_an_id_as_a_code_span_is_one_literal_code_element(text):
    from trialrecon.report.markdown import code

    collapsed = " ".join(text.split())
    if not collapsed:
        assert code(text) == ""
        return
    html = _raw_html(f"id {code(text)} end")
    assert html.count("<code>") == 1 and _inert(html)
    inner = html.split("<code>", 1)[1].rsplit("</code>", 1)[0]
    assert htmllib.unescape(inner).strip() == collapsed.strip()


def test_stale_triage_ids_and_other_ids_in_reconciliation_md_are_inert():
    from trialrecon.checks import Reconciliation
    from trialrecon.report.reconciliation import render_markdown

    rec = Reconciliation(trial="mini", title="A <b>title</b>", findings=[],
                         checks=[{"id": HOSTILE_IDS[0], "title": "t"}],
                         coverage={}, not_run={HOSTILE_IDS[1]: "reason <script>x</script>"},
                         skipped={}, stale_triage=list(HOSTILE_IDS))
    markdown = render_markdown(rec)
    assert "Stale triage entries" in markdown
    html = _raw_html(markdown)
    assert _inert(html), html
    for ident in HOSTILE_IDS:  # each id still readable, as text
        assert htmllib.escape(" ".join(ident.split()), quote=False) in html
