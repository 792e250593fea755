"""One PDF page's shapes, words and images, read with PDFium (pypdfium2).

Why PDFium rather than pdfplumber (pdfminer; measured when both were installed, and
pdfplumber is no longer a dependency): on a page holding a
3-arm figure of 3,000 patients per arm (3,800 path objects) pdfplumber took 2.3 s to list the
objects and words, PDFium 0.23 s; PDFium is the C++ engine of Chromium, hardened against broken
files, gives path segments, stroke and fill colours, dash arrays and character boxes, and also
renders the page for the overlay and decodes embedded images. Form XObjects (matplotlib draws
every marker as one) are walked with their matrices composed, so every point is in page space.
"""

from __future__ import annotations

import ctypes
import math

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as R

from trialrecon.dossier.digitize.geometry import RGB, PageContent, PlacedImage, Shape, Style, Word
from trialrecon.dossier.digitize.limits import Deadline, DigitizeError, Limits

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def open_pdf(data: bytes, name: str) -> pdfium.PdfDocument:
    """The document, or a one-line refusal (broken, encrypted, not a PDF)."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise DigitizeError(f"{name}: not a readable PDF ({reason})") from None


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner`` then ``outer`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _matrix(obj) -> Matrix:
    m = R.FS_MATRIX()
    if not R.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _rgb(getter, obj) -> RGB | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return None
    if a.value == 0:
        return None  # fully transparent: not seen
    return (int(r.value), int(g.value), int(b.value))


def _dash(obj, scale: float) -> tuple[float, ...]:
    n = R.FPDFPageObj_GetDashCount(obj)
    if n <= 0 or n > 32:
        return ()
    arr = (ctypes.c_float * n)()
    if not R.FPDFPageObj_GetDashArray(obj, arr, n):
        return ()
    values = tuple(abs(float(v)) * scale for v in arr)
    return () if not any(values) else values


class _Walker:
    """Walks a page's objects depth first, forms included, within the limits."""

    def __init__(self, page_height: float, origin: tuple[float, float], limits: Limits,
                 deadline: Deadline) -> None:
        self.height = page_height
        self.origin = origin
        self.limits = limits
        self.deadline = deadline
        self.objects = 0
        self.segments = 0
        self.shapes: list[Shape] = []
        self.images: list[tuple[int, Matrix, object]] = []

    def walk(self, count: int, get, matrix: Matrix, depth: int) -> None:
        if depth > self.limits.max_form_depth:
            raise DigitizeError(f"forms nested deeper than {self.limits.max_form_depth} levels")
        for i in range(count):
            self.objects += 1
            if self.objects > self.limits.max_objects:
                raise DigitizeError(f"more than {self.limits.max_objects} objects on the page "
                                    "(limit)")
            if self.objects % 5000 == 0:
                self.deadline.check("reading the page's objects")
            obj = get(i)
            kind = R.FPDFPageObj_GetType(obj)
            m = _compose(_matrix(obj), matrix)
            if kind == R.FPDF_PAGEOBJ_PATH:
                self._path(obj, m)
            elif kind == R.FPDF_PAGEOBJ_FORM:
                n = R.FPDFFormObj_CountObjects(obj)
                self.walk(max(n, 0), lambda k, o=obj: R.FPDFFormObj_GetObject(o, k), m,
                          depth + 1)
            elif kind == R.FPDF_PAGEOBJ_IMAGE:
                self.images.append((len(self.images), m, obj))

    def _to_page(self, pts: np.ndarray, m: Matrix) -> np.ndarray:
        a, b, c, d, e, f = m
        x = a * pts[:, 0] + c * pts[:, 1] + e
        y = b * pts[:, 0] + d * pts[:, 1] + f
        return np.column_stack([x - self.origin[0], self.origin[1] - y])

    def _path(self, obj, m: Matrix) -> None:
        n = R.FPDFPath_CountSegments(obj)
        if n <= 0:
            return
        self.segments += n
        if self.segments > self.limits.max_segments:
            raise DigitizeError(f"more than {self.limits.max_segments} path segments on the "
                                "page (limit)")
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        if not R.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
            return
        if not stroke.value and not fill_mode.value:
            return  # a clipping path or an invisible one
        scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
        width = ctypes.c_float()
        R.FPDFPageObj_GetStrokeWidth(obj, width)
        style = Style(
            stroke=_rgb(R.FPDFPageObj_GetStrokeColor, obj) if stroke.value else None,
            fill=_rgb(R.FPDFPageObj_GetFillColor, obj) if fill_mode.value else None,
            width=float(width.value) * scale,
            dash=_dash(obj, scale) if stroke.value else (),
        )
        if style.stroke is None and style.fill is None:
            return
        x, y = ctypes.c_float(), ctypes.c_float()
        pts: list[tuple[float, float]] = []
        curved = False
        closed = False

        def flush() -> None:
            if pts:
                arr = self._to_page(np.array(pts, dtype=float), m)
                self.shapes.append(Shape(arr, style, closed, curved, len(self.shapes)))

        for i in range(n):
            seg = R.FPDFPath_GetPathSegment(obj, i)
            kind = R.FPDFPathSegment_GetType(seg)
            R.FPDFPathSegment_GetPoint(seg, x, y)
            if kind == R.FPDF_SEGMENT_MOVETO:
                flush()
                pts, curved, closed = [], False, False
            elif kind == R.FPDF_SEGMENT_BEZIERTO:
                curved = True
            pts.append((float(x.value), float(y.value)))
            if R.FPDFPathSegment_GetClose(seg):
                closed = True
                if pts:
                    pts.append(pts[0])
        flush()


def _words(textpage, origin: tuple[float, float],
           limits: Limits) -> tuple[list[Word], list[Word]]:
    """Upright words, and rotated text (a y axis title) as one word per column of characters.

    Characters are grouped into words on one line with gaps under a quarter of the font size.
    """
    n = R.FPDFText_CountChars(textpage)
    if n > limits.max_chars:
        raise DigitizeError(f"more than {limits.max_chars} characters on the page (limit)")
    chars = []
    rotated: list[tuple] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    loose = R.FS_RECTF()
    for i in range(max(n, 0)):
        code = R.FPDFText_GetUnicode(textpage, i)
        if code in (0, 0xFFFE, 0xFFFF) or code > 0x10FFFF or R.FPDFText_IsGenerated(textpage, i):
            continue
        ch = chr(code)
        if ch.isspace():
            continue
        angle = abs(float(R.FPDFText_GetCharAngle(textpage, i)))
        if not R.FPDFText_GetCharBox(textpage, i, left, right, bottom, top):
            continue
        if angle > 0.01:
            rotated.append((ch, left.value - origin[0], origin[1] - top.value,
                            right.value - origin[0], origin[1] - bottom.value,
                            float(R.FPDFText_GetFontSize(textpage, i))))
            continue
        size = float(R.FPDFText_GetFontSize(textpage, i)) or (top.value - bottom.value)
        R.FPDFText_GetFillColor(textpage, i, r, g, b, a)
        # the loose box (the font's ascent to descent) is the same for every character of a
        # line, where the tight box of a "." or a "g" is not: lines are found with it
        line_cy = (top.value + bottom.value) / 2
        if R.FPDFText_GetLooseCharBox(textpage, i, loose):
            line_cy = (loose.top + loose.bottom) / 2
        chars.append((ch, left.value - origin[0], origin[1] - top.value,
                      right.value - origin[0], origin[1] - bottom.value, size,
                      (int(r.value), int(g.value), int(b.value)), origin[1] - line_cy))
    return group_words(chars), _columns(rotated)


def _columns(chars: list[tuple]) -> list[Word]:
    """Rotated characters read bottom to top, one word per column (2 pt wide)."""
    cols: dict[int, list[tuple]] = {}
    for c in chars:
        cols.setdefault(round((c[1] + c[3]) / 4), []).append(c)
    out = []
    for key in sorted(cols):
        col = sorted(cols[key], key=lambda c: -c[4])
        size = max(c[5] for c in col) or max(c[3] - c[1] for c in col)
        text = col[0][0]
        for prev, c in zip(col[:-1], col[1:], strict=True):
            text += (" " if prev[2] - c[4] > 0.25 * size else "") + c[0]  # a gap is a space
        out.append(Word(text, min(c[1] for c in col),
                        min(c[2] for c in col), max(c[3] for c in col),
                        max(c[4] for c in col), max(c[3] - c[1] for c in col)))
    return out


def group_words(chars: list[tuple]) -> list[Word]:
    """(char, x0, top, x1, bottom, size, colour[, line centre]) tuples into words.

    Characters sit on one line when their line centres (else box centres) are within a third
    of the font size; a gap wider than a quarter of the size ends a word. A smaller, raised run
    right after a word (the exponent of ``10^-2``) is joined to it with ``^``.
    """
    words: list[Word] = []
    if not chars:
        return words

    def centre(c: tuple) -> float:
        return c[7] if len(c) > 7 else (c[2] + c[4]) / 2

    order = sorted(range(len(chars)), key=lambda k: (centre(chars[k]), chars[k][1]))
    lines: list[list[tuple]] = []
    refs: list[float] = []  # each line's first centre; rising, as the characters are sorted
    for k in order:
        c = chars[k]
        cy = centre(c)
        best = None
        for j in range(len(lines) - 1, -1, -1):  # every open line within reach, any column
            if refs[j] < cy - 2 * c[5]:
                break
            ref = lines[j][0]
            if abs(refs[j] - cy) < max(ref[5], c[5]) / 3 \
                    and min(ref[5], c[5]) > 0.8 * max(ref[5], c[5]) \
                    and (best is None or abs(refs[j] - cy) < abs(refs[best] - cy)):
                best = j
        if best is None:
            lines.append([c])
            refs.append(cy)
        else:
            lines[best].append(c)
    for line in lines:
        line.sort(key=lambda c: c[1])
        cur = [line[0]]
        for c in line[1:]:
            if c[1] - cur[-1][3] > 0.25 * max(c[5], cur[-1][5]):
                words.append(_word(cur))
                cur = [c]
            else:
                cur.append(c)
        words.append(_word(cur))
    return _join_superscripts(words)


def _word(chars: list[tuple]) -> Word:
    return Word("".join(c[0] for c in chars), min(c[1] for c in chars),
                min(c[2] for c in chars), max(c[3] for c in chars), max(c[4] for c in chars),
                max(c[5] for c in chars), chars[0][6])


def _join_superscripts(words: list[Word]) -> list[Word]:
    small = [w for w in words]
    out: list[Word] = []
    used: set[int] = set()
    for i, w in enumerate(small):
        if i in used:
            continue
        for j, s in enumerate(small):
            if j == i or j in used or s.size > 0.85 * w.size:
                continue
            if 0 <= s.x0 - w.x1 < 0.3 * w.size and s.cy < w.cy - 0.15 * w.size \
                    and s.bottom > w.top - 0.2 * w.size:
                w = Word(f"{w.text}^{s.text}", w.x0, min(w.top, s.top), s.x1, w.bottom, w.size,
                         w.color)
                used.add(j)
                break
        used.add(i)
        out.append(w)
    return out


def read_page(doc: pdfium.PdfDocument, index: int, limits: Limits,
              deadline: Deadline) -> PageContent:
    """Shapes, words and images of page ``index`` (0-based) in top-left page coordinates."""
    page = doc[index]
    try:
        rotation = page.get_rotation()
        if rotation % 360:
            raise DigitizeError(f"page {index + 1} is rotated by {rotation} degrees; "
                                "rotated pages are not read")
        x0, y0, x1, y1 = page.get_cropbox()
        walker = _Walker(y1 - y0, (x0, y1), limits, deadline)
        n = R.FPDFPage_CountObjects(page.raw)
        walker.walk(max(n, 0), lambda k: R.FPDFPage_GetObject(page.raw, k), _IDENTITY, 0)
        textpage = page.get_textpage()
        try:
            words, rotated = _words(textpage.raw, (x0, y1), limits)
        finally:
            textpage.close()
        images = []
        for k, m, obj in walker.images:
            w, h = ctypes.c_uint(), ctypes.c_uint()
            if not R.FPDFImageObj_GetImagePixelSize(obj, w, h):
                continue
            corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
            pts = walker._to_page(corners, m)
            box = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()),
                   float(pts[:, 1].max()))
            images.append(PlacedImage(k, box, int(w.value), int(h.value)))
        return PageContent(x1 - x0, y1 - y0, walker.shapes, words, images, rotated)
    finally:
        page.close()


def image_pixels(doc: pdfium.PdfDocument, page_index: int, image_index: int,
                 limits: Limits, deadline: Deadline) -> np.ndarray:
    """The RGB pixels of one placed image (decoded by PDFium, bounded in size)."""
    page = doc[page_index]
    try:
        walker = _Walker(0.0, (0.0, 0.0), limits, deadline)
        n = R.FPDFPage_CountObjects(page.raw)
        walker.walk(max(n, 0), lambda k: R.FPDFPage_GetObject(page.raw, k), _IDENTITY, 0)
        _, _, obj = walker.images[image_index]
        w, h = ctypes.c_uint(), ctypes.c_uint()
        R.FPDFImageObj_GetImagePixelSize(obj, w, h)
        if w.value * h.value > limits.max_image_pixels:
            raise DigitizeError(f"an image of {w.value} x {h.value} pixels is above the limit of "
                                f"{limits.max_image_pixels} pixels")
        image = pdfium.PdfImage(obj, page)
        bitmap = image.get_bitmap(render=False)
        return np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        page.close()


def render_page(doc: pdfium.PdfDocument, index: int, scale: float, limits: Limits):
    """The page as a PIL image at ``scale`` pixels per point (bounded in pixels)."""
    page = doc[index]
    try:
        w, h = page.get_size()
        if w * h * scale * scale > limits.max_render_pixels:
            scale = math.sqrt(limits.max_render_pixels / max(w * h, 1.0))
        return page.render(scale=scale).to_pil().convert("RGB"), scale
    finally:
        page.close()


def render_box(doc: pdfium.PdfDocument, index: int, box: tuple[float, float, float, float],
               scale: float, limits: Limits) -> tuple[np.ndarray, float]:
    """RGB pixels of a box of the page (points, top-left origin) at ``scale`` pixels per point,
    lowered to stay within the pixel limit; and the scale used."""
    page = doc[index]
    try:
        w, h = page.get_size()
        x0, y0 = max(box[0], 0.0), max(box[1], 0.0)
        x1, y1 = min(box[2], w), min(box[3], h)
        area = max((x1 - x0) * (y1 - y0), 1.0)
        if area * scale * scale > limits.max_render_pixels:
            scale = math.sqrt(limits.max_render_pixels / area)
        bitmap = page.render(scale=scale, crop=(x0, h - y1, w - x1, y0))
        pixels = np.asarray(bitmap.to_pil().convert("RGB"))
        # the box as asked may reach off the page: pad so pixel (0, 0) is the box's corner
        pad_left, pad_top = int(round((x0 - box[0]) * scale)), int(round((y0 - box[1]) * scale))
        if pad_left or pad_top:
            pixels = np.pad(pixels, ((pad_top, 0), (pad_left, 0), (0, 0)), constant_values=255)
        return pixels, scale
    finally:
        page.close()
