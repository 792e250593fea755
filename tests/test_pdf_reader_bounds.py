"""Hostile PDFs: each is read within bounds or refused with one sentence, never a traceback.

The PDFs are written here byte by byte (a few objects and their cross-reference table),
except the fictional journal PDF of ``tests/fixtures/pdf`` (see ``test_pdf_reader.py``).
The bomb is a page whose content stream inflates from half a megabyte to 512 MB.
"""

from __future__ import annotations

import re
import time
import zlib
from pathlib import Path

import pytest

from trialrecon.dossier.draft.pdf_extract import Limits, PdfError, extract
from trialrecon.dossier.draft.pdf_reader import read_pdf
from trialrecon.dossier.draft.reader import SourceError, read_document, read_source

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "fict1-plain.pdf"
# both ways in: the structured document (the drafter) and its plain text (the audit's
# reader.read_source) go through the same bounded PDFium reading
READERS = pytest.mark.parametrize("read", [read_document, read_source],
                                  ids=["document", "plain_text"])


def make_pdf(content: bytes, stream_dict: bytes = b"", pages: int = 1) -> bytes:
    """A minimal PDF: ``pages`` pages sharing one content stream, a Helvetica font."""
    kids = b" ".join(b"%d 0 R" % (5 + k) for k in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Length %d %s >>\nstream\n" % (len(content), stream_dict) + content
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
             b"/Resources << /Font << /F1 4 0 R >> >> >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1,
                                                                             xref)
    return bytes(out)


HELLO = make_pdf(b"BT /F1 12 Tf 72 720 Td (A fictional page of text) Tj ET")


def _one_line(exc: BaseException, path: Path) -> str:
    message = str(exc)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


def test_a_minimal_pdf_reads(tmp_path: Path) -> None:
    path = tmp_path / "hello.pdf"
    path.write_bytes(HELLO)
    doc = read_document(path)
    assert doc.kind == "pdf" and [b.plain for b in doc.blocks] == ["A fictional page of text"]


@READERS
def test_not_a_pdf_named_pdf(tmp_path: Path, read) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(SourceError) as caught:
        read(path)
    assert "named .pdf but not a PDF file" in _one_line(caught.value, path)


@READERS
@pytest.mark.parametrize("damage", ["truncated", "garbage", "no objects"])
def test_broken_files_are_refused_in_one_sentence(tmp_path: Path, damage: str, read) -> None:
    data = FIXTURE.read_bytes()
    broken = {"truncated": data[:2000], "garbage": b"%PDF-1.7\n" + bytes(range(256)) * 40,
              "no objects": b"%PDF-1.4\n%%EOF\n"}[damage]
    path = tmp_path / f"{damage.replace(' ', '_')}.pdf"
    path.write_bytes(broken)
    with pytest.raises(SourceError) as caught:
        read(path)
    assert re.search(r"not a readable PDF|no pages|no text layer", _one_line(caught.value, path))


def test_a_wrong_cross_reference_table_is_repaired(tmp_path: Path) -> None:
    """Every offset in the xref table and startxref points to the wrong byte: PDFium
    rebuilds the table by scanning the objects, as a browser does."""
    data = FIXTURE.read_bytes()
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    wrong = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (start + 7), data)
    wrong = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 3),
                   wrong)
    path = tmp_path / "xref.pdf"
    path.write_bytes(wrong)
    doc = read_document(path)
    assert doc.title.startswith("Fictomab versus placebo") and len(doc.tables) == 2


@READERS
def test_no_text_layer(tmp_path: Path, read) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(b"0 0 1 rg 100 100 200 200 re f"))
    with pytest.raises(SourceError) as caught:
        read(path)
    assert "no text layer" in _one_line(caught.value, path)


@READERS
def test_encrypted(tmp_path: Path, read) -> None:
    """A PDF encrypted with a user password (RC4, made by Ghostscript from the minimal PDF
    above: ``gs -sDEVICE=pdfwrite -sOwnerPassword=o -sUserPassword=u``)."""
    path = Path(__file__).parent / "fixtures" / "pdf" / "encrypted.pdf"
    with pytest.raises(SourceError) as caught:
        read(path)
    assert "encrypted with a password" in _one_line(caught.value, path)


def test_page_glyph_and_time_limits() -> None:
    data = FIXTURE.read_bytes()
    with pytest.raises(PdfError, match=r"^2 pages is above the limit of 1 for a paper$"):
        extract(data, Limits(pages=1))
    with pytest.raises(PdfError, match=r"^more than 100 characters \(not a paper\)$"):
        extract(data, Limits(glyphs=100))
    with pytest.raises(PdfError, match=r"took longer than 0\.01 s"):
        extract(data, Limits(seconds=0.01))
    many = make_pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET", pages=12)
    with pytest.raises(PdfError, match="12 pages"):
        read_pdf(Path("many.pdf"), many, Limits(pages=10))


@pytest.mark.slow
def test_a_pdf_bomb_is_stopped(tmp_path: Path) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    zeros = b"\0" * (4 << 20)
    stream = b"".join([packer.compress(zeros) for _ in range(128)] + [packer.flush()])
    assert len(stream) < 1 << 20  # 512 MB inflated from under a megabyte
    data = make_pdf(stream, b"/Filter /FlateDecode")
    start = time.monotonic()
    with pytest.raises(PdfError) as caught:
        extract(data, Limits(seconds=30, memory=256 * 1024**2))
    assert time.monotonic() - start < 40
    assert re.search(r"PDF bomb|no text", str(caught.value)) and "\n" not in str(caught.value)
