"""From a file to one Kaplan-Meier figure: PDF pages (vector, else embedded images) or an image.

The file is checked before anything parses it (a regular file, not a link, within the size
limit, a PDF or PNG/JPEG by its first bytes). In a PDF, the pages asked for (``page``) or the
first ``Limits.max_pages`` are searched; vector figures are read from the paths and text, and a
page without one has its large images read as raster figures. Exactly one figure must remain
after ``page`` and ``figure`` are applied, else the refusal lists what was found.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from trialrecon.dossier import safe_read
from trialrecon.dossier.digitize import pdfpage
from trialrecon.dossier.digitize.limits import Deadline, DigitizeError, Limits
from trialrecon.dossier.digitize.model import ReadFigure
from trialrecon.dossier.digitize.raster_axes import RasterOptions
from trialrecon.dossier.digitize.raster_figure import read_raster
from trialrecon.dossier.digitize.vector import describe, read_vector_page

OVERLAY_SCALE = 3.0  # pixels per PDF point of the page rendered under the overlay


@dataclass(frozen=True)
class ReadOptions:
    """What the user said about the figure."""

    page: int | None = None  # 1-based
    figure: int | None = None  # 1-based among the figures of the page
    raster: RasterOptions = field(default_factory=RasterOptions)
    limits: Limits = field(default_factory=Limits)


@dataclass
class Reading:
    """The figure read, and the picture the overlay is drawn on (with its coordinates)."""

    figure: ReadFigure
    background: Image.Image
    scale: float  # background pixels per figure unit
    offset: tuple[float, float]  # figure coordinates of the background's top left
    source: str


def _kind(path: Path, limits: Limits) -> tuple[str, bytes]:
    """The file's kind and bytes, read through the gate (:mod:`trialrecon.dossier.safe_read`)."""
    try:
        data = safe_read.read_bytes(path, limits.max_file_bytes)
    except safe_read.InputRefused as exc:
        raise DigitizeError(str(exc)) from None
    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf", data
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return "image", data
    raise DigitizeError(f"{path}: not a PDF, PNG or JPEG file")


def load_image(path: Path, data: bytes, limits: Limits) -> np.ndarray:
    """RGB pixels of a PNG or JPEG, refusing decompression bombs and broken files."""
    import io

    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                w, h = im.size
                if w * h > limits.max_image_pixels:
                    raise DigitizeError(f"{path}: {w} x {h} pixels, more than the limit of "
                                        f"{limits.max_image_pixels}")
                im.load()
                return np.asarray(im.convert("RGB"))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DigitizeError(f"{path}: image of more than {limits.max_image_pixels} pixels "
                            "(decompression bomb guard)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, DigitizeError):
            raise
        raise DigitizeError(f"{path}: not a readable image ({str(exc).splitlines()[0]})") \
            from None


def read_figure(path: str | Path, options: ReadOptions | None = None) -> Reading:
    """The one Kaplan-Meier figure of ``path`` that the options point at."""
    opts = options or ReadOptions()
    path = Path(path)
    deadline = Deadline(opts.limits.seconds)
    kind, data = _kind(path, opts.limits)
    if kind == "image":
        pixels = load_image(path, data, opts.limits)
        fig = read_raster(pixels, opts.raster, deadline)
        return Reading(fig, Image.fromarray(pixels), 1.0, (0.0, 0.0), str(path))
    return _read_pdf(path, data, opts, deadline)


def _read_pdf(path: Path, data: bytes, opts: ReadOptions, deadline: Deadline) -> Reading:
    doc = pdfpage.open_pdf(data, str(path))
    try:
        n = len(doc)
        if opts.page is not None and not 1 <= opts.page <= n:
            raise DigitizeError(f"{path}: --page {opts.page}, but the document has {n} pages")
        pages = [opts.page] if opts.page else list(range(1, min(n, opts.limits.max_pages) + 1))
        found: list[tuple[ReadFigure, int]] = []  # (figure, image index or -1)
        for number in pages:
            deadline.check(f"reading page {number}")
            content = pdfpage.read_page(doc, number - 1, opts.limits, deadline)

            def render(box, scale, index=number - 1):
                return pdfpage.render_box(doc, index, box, scale, opts.limits)

            figures = read_vector_page(content, number, render, deadline)
            found += [(f, -1) for f in figures]
            if not figures:
                found += _raster_figures(doc, number, content, opts, deadline)
        fig, image = _choose(path, found, opts, n if opts.page is None else None)
        if image >= 0:
            pixels = pdfpage.image_pixels(doc, fig.page - 1, image, opts.limits, deadline)
            return Reading(fig, Image.fromarray(pixels), 1.0, (0.0, 0.0), str(path))
        picture, scale = pdfpage.render_page(doc, fig.page - 1, OVERLAY_SCALE, opts.limits)
        left, top, right, bottom = fig.region or fig.box
        box = tuple(int(round(v * scale)) for v in (max(left, 0), max(top, 0), right, bottom))
        return Reading(fig, picture.crop(box), scale, (box[0] / scale, box[1] / scale),
                       str(path))
    finally:
        doc.close()


def _raster_figures(doc, number: int, content, opts: ReadOptions,
                    deadline: Deadline) -> list[tuple[ReadFigure, int]]:
    """Large images of a page without a vector figure, read as raster figures."""
    out = []
    for img in content.images:
        x0, y0, x1, y1 = img.box
        if x1 - x0 < 100 or y1 - y0 < 70 or img.width_px < 200 or img.height_px < 150:
            continue
        pixels = pdfpage.image_pixels(doc, number - 1, img.index, opts.limits, deadline)
        try:
            fig = read_raster(pixels, opts.raster, deadline)
        except DigitizeError:
            continue  # an image that is not a Kaplan-Meier figure
        fig.page = number
        out.append((fig, img.index))
    return out


def _choose(path: Path, found: list[tuple[ReadFigure, int]], opts: ReadOptions,
            searched: int | None) -> tuple[ReadFigure, int]:
    first = min(searched or 0, opts.limits.max_pages)
    where = f"page {opts.page}" if opts.page else f"the first {first} pages"
    if not found:
        raise DigitizeError(f"{path}: no Kaplan-Meier figure found on {where} (no axes with "
                            "tick labels around step-shaped curves)")
    if opts.figure is not None:
        pages = {f.page for f, _ in found}
        if len(pages) > 1:
            raise DigitizeError(f"{path}: figures on pages {', '.join(map(str, sorted(pages)))};"
                                " give --page with --figure")
        if not 1 <= opts.figure <= len(found):
            raise DigitizeError(f"{path}: --figure {opts.figure}, but {where} has "
                                f"{len(found)} Kaplan-Meier figure(s)")
        return found[opts.figure - 1]
    if len(found) > 1:
        seen: dict[int | None, int] = {}
        parts = []
        for f, _ in found:
            seen[f.page] = seen.get(f.page, 0) + 1
            parts.append(f"page {f.page} figure {seen[f.page]}: {describe(f)}")
        listing = "; ".join(parts)
        raise DigitizeError(f"{path}: {len(found)} Kaplan-Meier figures ({listing}); choose one "
                            "with --page and --figure")
    return found[0]
