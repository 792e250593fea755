"""Drafting a dossier from its source: readers, layout, number patterns, lexicon, registry.

The input side of the audit and of ``trialrecon draft``:

- :mod:`.document` is the structured document every reader builds (sections, paragraphs,
  tables as grids with header, stub and group rows, footnotes, figure captions);
  :mod:`.jats` and :mod:`.html_reader` read JATS XML and HTML into it, :mod:`.pdf_reader`
  a journal's PDF (two columns, ruled tables; :mod:`.pdf_extract`, :mod:`.pdf_layout`,
  :mod:`.pdf_tables`, :mod:`.pdf_text`, :mod:`.pdf_marks`), :mod:`.reader` text or
  Markdown into a plain form that :mod:`.textdoc` turns into one; :mod:`.tables` lays
  out a table's spans and reads its grid;
- :mod:`.grammar` is the number grammar the drafter and the audit share;
- :mod:`.normalise` and :mod:`.layout` find what a person finds in it (headings, tables,
  footnotes, legends, the places a location names);
- :mod:`.numbers`, :mod:`.lexicon` and :mod:`.drafter` draft one row per printed number of
  a text; :mod:`.structured` drafts a structured document: its tables from what their
  structure says (:mod:`.tableview` reads a table once, :mod:`.cues` the words of its
  captions, headers, stubs and notes, :mod:`.cells` and :mod:`.quantities` label each cell),
  its sentences by :mod:`.drafter`, a sentence repeating a table's number with that cell's
  labels (:mod:`.crossref`);
- :mod:`.front` reads a paper's front matter and :mod:`.trialdraft` drafts a ``trial.yaml``
  from it (``trialrecon audit``);
- :mod:`.output` writes the draft and compares it with a dossier; :mod:`.evaluate` scores it,
  field by field against a gold dossier;
- :mod:`.registry` reads a ClinicalTrials.gov record (API version 2, JSON) into registry rows.

Part of the input layer: it imports only :mod:`trialrecon.dossier` (and nothing above it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trialrecon.dossier.draft.document import Document
from trialrecon.dossier.draft.drafter import Draft, draft_text
from trialrecon.dossier.draft.lexicon import Names, read_names
from trialrecon.dossier.draft.reader import (
    MAX_SOURCE_BYTES,
    SourceError,
    SourceText,
    read_document,
    read_source,
)


def draft_document(document: Document, names: Names, source_id: str,
                   progress: Callable[[int, int], None] | None = None) -> list[Draft]:
    """The draft rows of a document: from its structure (JATS, HTML, PDF) or its text."""
    if document.kind == "text":
        return draft_text(document.text, names, source_id, progress)
    from trialrecon.dossier.draft.structured import draft_document as structured

    return structured(document, names, source_id, progress)


def draft_source(path: str | Path, names: Names, source_id: str,
                 progress: Callable[[int, int], None] | None = None) -> tuple[Document,
                                                                                list[Draft]]:
    """The source at ``path`` read, and its draft rows; :class:`SourceError` on bad input."""
    source = read_document(path)
    drafts = draft_document(source, names, source_id, progress)
    if not drafts:
        raise SourceError(f"{path}: no numbers found in the text; nothing to draft")
    return source, drafts


__all__ = ["MAX_SOURCE_BYTES", "Document", "Draft", "Names", "SourceError", "SourceText",
           "draft_document", "draft_source", "draft_text", "read_document", "read_names",
           "read_source"]
