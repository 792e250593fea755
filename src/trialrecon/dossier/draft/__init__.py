"""Drafting a dossier from its source: readers, layout, number patterns, lexicon, registry.

The input side of the audit and of ``trialrecon draft``:

- :mod:`.reader` reads plain text or Markdown, HTML and PDF (pdfplumber) into one plain form;
- :mod:`.normalise` and :mod:`.layout` find what a person finds in it (headings, tables,
  footnotes, legends, the places a location names);
- :mod:`.numbers`, :mod:`.lexicon` and :mod:`.drafter` draft one row per printed number;
- :mod:`.output` writes the draft and compares it with a dossier; :mod:`.evaluate` scores it;
- :mod:`.registry` reads a ClinicalTrials.gov record (API version 2, JSON) into registry rows.

Part of the input layer: it imports only :mod:`trialrecon.dossier` (and nothing above it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trialrecon.dossier.draft.drafter import Draft, draft_text
from trialrecon.dossier.draft.lexicon import Names, read_names
from trialrecon.dossier.draft.reader import MAX_SOURCE_BYTES, SourceError, SourceText, read_source


def draft_source(path: str | Path, names: Names, source_id: str,
                 progress: Callable[[int, int], None] | None = None) -> tuple[SourceText,
                                                                                list[Draft]]:
    """The source at ``path`` read, and its draft rows; :class:`SourceError` on bad input."""
    source = read_source(path)
    drafts = draft_text(source.text, names, source_id, progress)
    if not drafts:
        raise SourceError(f"{path}: no numbers found in the text; nothing to draft")
    return source, drafts


__all__ = ["MAX_SOURCE_BYTES", "Draft", "Names", "SourceError", "SourceText", "draft_source",
           "draft_text", "read_names", "read_source"]
