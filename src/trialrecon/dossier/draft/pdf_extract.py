"""The glyphs and ruling lines of a PDF's pages (PDFium through pypdfium2), read with bounds.

What is read, page by page: every glyph that is printed upright (its character, box,
baseline, size, font and whether the font is bold or italic), every straight thin path
(a ruling line: a stroked line or a filled thin rectangle, as typesetters and browsers
draw table rules), and the boxes of the other graphics (curves, plots, images) so that
the text inside a figure can be told from the paper's text.

PDFium (the PDF engine of Chromium) was chosen over pdfminer (under pdfplumber) after
measuring both on journal PDFs printed from the 30 papers of ``../shared/papers``
(``benchmarks/bench_pdf_reader.py --libraries``): the same glyphs with their fonts, sizes
and baselines in a fraction of the time, and a parser that repairs a broken
cross-reference table as a browser does.

Hostile input is bounded: the work runs in a child process (this file run as a script)
with limits on its address space and CPU time, a wall-clock timeout, and at most so many
pages, glyphs and graphic objects per page (:class:`Limits`, :data:`LIMITS`). A PDF bomb,
a broken file, a password or a crash of the engine becomes one :class:`PdfError`
sentence, never a hang or a traceback. No image is decoded (so no PIL decompression-bomb
limit is involved). The plain text of a PDF (``reader.read_source``, which the
transcription audit searches) is the text of the document built from this reading: one
engine, one set of bounds.

Part of the input layer: imports nothing from ``trialrecon`` outside :mod:`trialrecon.dossier`.
"""

from __future__ import annotations

import array
import base64
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """The bounds of one extraction (the child process is held to them)."""

    pages: int = 300  # a paper with its appendix; a larger PDF is a book, not a trial report
    glyphs: int = 3_000_000  # in the whole document (a dense 300-page appendix has ~1.5 M)
    objects: int = 100_000  # graphic objects looked at per page (a scatter plot has more)
    seconds: float = 120.0  # wall-clock for the whole extraction
    memory: int = 3 * 1024**3  # address space of the child process, bytes


LIMITS = Limits()


class PdfError(ValueError):
    """The PDF cannot be read: the message says why, in one sentence."""


@dataclass(frozen=True)
class Glyph:
    """One printed character (coordinates in points, y from the top of the page)."""

    text: str
    x0: float
    x1: float
    base: float  # the baseline
    size: float  # the font size as printed (the text matrix applied)
    font: int  # index into Page.fonts
    bold: bool
    italic: bool
    space: int = 0  # a word space right before it: 1 printed in the PDF, 2 inferred by PDFium


@dataclass(frozen=True)
class Rule:
    """A ruling line: a thin straight horizontal or vertical stroke."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    rules: tuple[Rule, ...]
    graphics: tuple[tuple[float, float, float, float], ...]  # (x0, top, x1, bottom) boxes
    fonts: tuple[str, ...]


# ----------------------------------------------------------------------- the child's side


def _pack(code: str, values: list[float] | list[int]) -> str:
    """Numbers as base64 of a packed array (the JSON stays small and fast to read)."""
    return base64.b64encode(array.array(code, values).tobytes()).decode("ascii")


def _unpack(code: str, text: str) -> array.array:
    values = array.array(code)
    values.frombytes(base64.b64decode(text))
    return values

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_BOLD = ("bold", "black", "heavy", "semibold", "demi", "-bd", "extrabold", "ultra")
_ITALIC = ("italic", "oblique", "-it", "slanted")


def _font_style(name: str, flags: int, weight: int) -> tuple[bool, bool]:
    low = name.lower().split("+")[-1]
    bold = any(k in low for k in _BOLD) or weight >= 600 or bool(flags & (1 << 18))
    italic = any(k in low for k in _ITALIC) or bool(flags & (1 << 6))
    return bold, italic


def _page_glyphs(raw: object, textpage: object, height: float, fonts: dict[str, int],
                 styles: list[tuple[bool, bool]], budget: int, limit: int) -> dict[str, str]:
    """The upright glyphs of one page: their characters, boxes and sizes, font indices."""
    import ctypes

    f = raw  # the pypdfium2.raw module
    n = f.FPDFText_CountChars(textpage)
    if n > budget:
        raise PdfError(f"more than {limit:,} characters (not a paper)")
    rect = f.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = f.FS_MATRIX()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    p_box = ctypes.byref(rect)
    p_origin, p_matrix = (ctypes.byref(ox), ctypes.byref(oy)), ctypes.byref(matrix)
    p_flags = ctypes.byref(flags)
    generated, unicode, get_matrix = f.FPDFText_IsGenerated, f.FPDFText_GetUnicode, \
        f.FPDFText_GetMatrix
    font_size, char_box, origin = f.FPDFText_GetFontSize, f.FPDFText_GetLooseCharBox, \
        f.FPDFText_GetCharOrigin
    font_info, text_object = f.FPDFText_GetFontInfo, f.FPDFText_GetTextObject
    last_object, font = None, 0
    pending = 0  # a space char was met since the last glyph: 1 printed, 2 inferred
    spaces: list[int] = []
    chars: list[str] = []
    numbers: list[float] = []  # x0, x1, base, size of each glyph
    font_of: list[int] = []
    for i in range(n):
        code = unicode(textpage, i)
        if generated(textpage, i):
            if code == 32 and not pending:
                pending = 2  # a space PDFium infers from the positions
            elif code in (10, 13):
                pending = 0
            continue
        if code == 2:  # PDFium's mark for a hyphen that ends a line
            code = 0x2D
        if code in (32, 0xA0) or 0x2000 <= code <= 0x200A:
            pending = 1  # a word space printed in the PDF: it marks the next glyph
            continue
        if code < 33 or code in (0xAD, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF \
                or code == 0x200B:
            continue  # a soft hyphen or a control character is not printed
        get_matrix(textpage, i, p_matrix)
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
        if abs(b) > 0.05 * abs(a) or abs(c) > 0.05 * abs(d) or a <= 0 or d <= 0:
            continue  # rotated or mirrored text: a margin note, not the paper's flow
        size = font_size(textpage, i) * (a * d - b * c) ** 0.5
        if not 1.0 <= size <= 200.0:
            continue
        char_box(textpage, i, p_box)  # the advance width, not the ink: gaps are spaces
        origin(textpage, i, *p_origin)
        obj = ctypes.cast(text_object(textpage, i), ctypes.c_void_p).value
        if obj != last_object:  # one text object shares one font
            last_object = obj
            font_info(textpage, i, name, 256, p_flags)
            key = name.value.decode("latin-1", "replace")[:100]
            if key not in fonts:
                fonts[key] = len(fonts)
                styles.append(_font_style(key, flags.value,
                                          f.FPDFText_GetFontWeight(textpage, i)))
            font = fonts[key]
        char = chr(code)
        x0, x1 = rect.left, rect.right
        if x1 <= x0:
            x1 = x0 + 0.3 * size
        parts = _LIGATURES.get(char, char)
        width = (x1 - x0) / len(parts)
        for k, part in enumerate(parts):
            chars.append(part)
            numbers.extend((x0 + k * width, x0 + (k + 1) * width, height - oy.value, size))
            font_of.append(font)
            spaces.append(pending if k == 0 else 0)
        pending = 0
    return {"text": "".join(chars), "numbers": _pack("f", numbers),
            "fonts": _pack("H", font_of), "spaces": _pack("B", spaces)}


def _page_graphics(raw: object, page: object, height: float,
                   limit: int) -> tuple[list[list[float]], list[list[float]]]:
    """(rules, other graphic boxes) of one page, as [x0, top, x1, bottom] lists."""
    import ctypes

    f = raw
    rules: list[list[float]] = []
    boxes: list[list[float]] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    bounds = [ctypes.c_float() for _ in range(4)]
    p_bounds = [ctypes.byref(v) for v in bounds]
    kinds = (f.FPDF_PAGEOBJ_PATH, f.FPDF_PAGEOBJ_IMAGE, f.FPDF_PAGEOBJ_SHADING)
    stack = [(f.FPDFPage_CountObjects(page), lambda k: f.FPDFPage_GetObject(page, k), 0)]
    seen = 0
    while stack:
        count, get, depth = stack.pop()
        for k in range(count):
            seen += 1
            if seen > limit:
                return rules, boxes
            obj = get(k)
            kind = f.FPDFPageObj_GetType(obj)
            if kind == f.FPDF_PAGEOBJ_FORM and depth < 4:
                stack.append((f.FPDFFormObj_CountObjects(obj),
                              lambda j, form=obj: f.FPDFFormObj_GetObject(form, j), depth + 1))
                continue
            if kind not in kinds or not f.FPDFPageObj_GetBounds(obj, *p_bounds):
                continue
            x0, y0, x1, y1 = (v.value for v in bounds)
            box = [x0, height - y1, x1, height - y0]
            w, h = x1 - x0, y1 - y0
            if kind == f.FPDF_PAGEOBJ_PATH:
                f.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
                if not fill.value and not stroke.value:
                    continue  # a clipping path, not drawn
                segments = f.FPDFPath_CountSegments(obj)
                thin = (h <= 2.5 and w >= 4.0) or (w <= 2.5 and h >= 4.0)
                if thin and 0 < segments <= 6:
                    rules.append(box)
                    continue
                if segments == 5 and fill.value and not stroke.value:
                    continue  # a filled rectangle: a background tint, not a figure
            if w * h >= 4.0:
                boxes.append(box)
    return rules, boxes


def extract_json(data: bytes, limits: Limits = LIMITS) -> dict[str, object]:
    """The pages of the PDF ``data`` as JSON-ready lists (runs in the child process)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            return {"error": "the PDF is encrypted with a password"}
        reason = str(exc).split(":")[-1].strip(" .()").lower() or "PDFium cannot open it"
        return {"error": f"not a readable PDF ({reason})"}
    count = len(pdf)
    if count == 0:
        return {"error": "the PDF has no pages"}
    if count > limits.pages:
        return {"error": f"{count:,} pages is above the limit of {limits.pages} for a paper"}
    fonts: dict[str, int] = {}
    styles: list[tuple[bool, bool]] = []
    pages, budget = [], limits.glyphs
    for index in range(count):
        page = pdf[index]
        width, height = page.get_width(), page.get_height()
        textpage = page.get_textpage()
        glyphs = _page_glyphs(raw, textpage.raw, height, fonts, styles, budget, limits.glyphs)
        budget -= len(glyphs["text"])
        rules, boxes = _page_graphics(raw, page.raw, height, limits.objects)
        pages.append({"w": width, "h": height, "glyphs": glyphs, "rules": rules,
                      "graphics": boxes})
        textpage.close()
        page.close()
    pdf.close()
    return {"pages": pages, "fonts": [[n, *styles[i]] for n, i in fonts.items()]}


def _bound(limits: Limits) -> None:
    """The child's own bounds on memory and CPU time (set before it reads anything)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    cpu = int(limits.seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _child(argv: list[str]) -> int:
    limits = Limits(**json.loads(argv[1])) if len(argv) > 1 else LIMITS
    _bound(limits)
    data = sys.stdin.buffer.read()
    try:
        result = extract_json(data, limits)
    except PdfError as exc:
        result = {"error": str(exc)}
    except MemoryError:
        result = {"error": f"reading it needs more than {limits.memory / 1024**3:g} GB of "
                           "memory (a PDF bomb?)"}
    sys.stdout.write(json.dumps(result, separators=(",", ":")))
    return 0


# ---------------------------------------------------------------------- the parent's side


def extract(data: bytes, limits: Limits = LIMITS) -> list[Page]:
    """The pages of the PDF ``data``, read in a bounded child process (see the module).

    :class:`PdfError` with one sentence when the file cannot be read within the bounds.
    """
    start = time.monotonic()
    # -I: the script's folder (which holds a numbers.py) is not put on the module path
    command = [sys.executable, "-I", str(Path(__file__).resolve()), json.dumps(asdict(limits))]
    try:
        done = subprocess.run(command, input=data, capture_output=True,
                              timeout=limits.seconds, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PdfError(f"reading it took longer than {limits.seconds:g} s (a PDF bomb, or "
                       "not a paper?)") from exc
    if done.returncode != 0 or not done.stdout:
        seconds = time.monotonic() - start
        why = ("it ran out of time or memory (a PDF bomb?)" if done.returncode < 0 or
               seconds > limits.seconds * 0.9 else "the PDF engine failed on it")
        raise PdfError(f"not a readable PDF: {why}")
    try:
        result = json.loads(done.stdout)
    except ValueError as exc:
        raise PdfError("not a readable PDF: the PDF engine's output was cut short") from exc
    if "error" in result:
        raise PdfError(str(result["error"]))
    return pages_of(result)


def pages_of(result: dict[str, object]) -> list[Page]:
    """The :class:`Page` objects of :func:`extract_json`'s result."""
    fonts = [(str(n), bool(b), bool(i)) for n, b, i in result["fonts"]]  # type: ignore[union-attr]
    names = tuple(n for n, _, _ in fonts)
    pages = []
    for number, p in enumerate(result["pages"], start=1):  # type: ignore[arg-type]
        g = p["glyphs"]
        numbers, font_of = _unpack("f", g["numbers"]), _unpack("H", g["fonts"])
        spaces = _unpack("B", g["spaces"])
        if len(numbers) != 4 * len(g["text"]) or not len(font_of) == len(spaces) == len(
                g["text"]):
            raise PdfError("not a readable PDF: the PDF engine's output is inconsistent")
        glyphs = tuple(Glyph(t, numbers[4 * k], numbers[4 * k + 1], numbers[4 * k + 2],
                             numbers[4 * k + 3], font_of[k], fonts[font_of[k]][1],
                             fonts[font_of[k]][2], spaces[k])
                       for k, t in enumerate(g["text"]))
        rules = tuple(Rule(*r) for r in p["rules"])
        graphics = tuple(tuple(g) for g in p["graphics"])
        pages.append(Page(number, p["w"], p["h"], glyphs, rules, graphics, names))
    return pages


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv))
