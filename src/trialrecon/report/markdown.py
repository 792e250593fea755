"""Markdown that data cannot break: every text from a dossier is escaped before it is written.

Text from a dossier (a title, an anchor, a category, a note) is data, never markup: raw HTML,
links (``[x](javascript:...)``), images, emphasis, code spans and table pipes are all
neutralised with CommonMark's backslash escapes, so the text reads the same in a Markdown
viewer and on the report page, and a newline cannot start a new block.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

# ASCII punctuation that can open or close markup anywhere in a line (CommonMark 2.4).
_SPECIAL = frozenset("\\`*_{}[]()<>#!|~&")


def escape(value: Any) -> str:
    """``value`` as Markdown text: special characters backslash-escaped, one line."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # newlines and tabs would start blocks or break tables
    return "".join(f"\\{ch}" if ch in _SPECIAL else ch for ch in text)


def code(value: Any) -> str:
    """``value`` as an inline code span (an id): shown literally by any CommonMark renderer.

    The fence is one backtick longer than the longest run inside, and padded with spaces
    when the text starts or ends with a backtick, so no id can close the span early and
    leave a tag or a link outside it; whitespace is collapsed to keep the span on one line.
    """
    text = " ".join(("" if value is None else str(value)).split())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell(value: Any, spec: str = "") -> str:
    """A table cell: numbers formatted with ``spec`` (empty for NaN), text escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if spec and isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, spec)
    return escape(value)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]],
          specs: dict[int, str] | None = None) -> str:
    """A Markdown table; ``specs`` maps a column index to a number format."""
    specs = specs or {}
    lines = ["| " + " | ".join(escape(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(cell(v, specs.get(i, "")) for i, v in enumerate(row))
                     + " |")
    return "\n".join(lines)
