"""Text from a dossier in Markdown: escaped with backslashes, never with HTML entities."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from trialrecon.report.letter import md, plain


def _unescaped(text: str, ch: str) -> bool:
    """True when ``ch`` occurs in ``text`` without a backslash of its own before it."""
    return bool(re.search(r"(?<!\\)(?:\\\\)*" + re.escape(ch), text))


@given(st.text())
def test_any_text_is_inert_markdown_and_plain_text_gives_it_back(text):
    out = md(text)
    assert "\n" not in out and "\r" not in out
    for ch in "<>`*_[]|&()":
        assert not _unescaped(out, ch), (ch, out)
    assert plain(out) == " ".join(text.split())


def test_examples():
    assert md("P < .001 & <b>x</b>") == "P \\< .001 \\& \\<b\\>x\\</b\\>"
    assert "&lt;" not in md("<")
    assert plain(md("15.6 (95% CI, 11.4 to not reached)")) == "15.6 (95% CI, 11.4 to not reached)"
