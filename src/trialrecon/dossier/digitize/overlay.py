"""The overlay: what was read, drawn over the original figure, for the user to check by eye.

Each curve as read is drawn as a thin step line in a colour chosen to stand out from the
figure's own (magenta, cyan, orange, lime), its censor marks as small rings, its name at its
end; the calibrated ticks as crosses with their values along the plot box; the numbers at risk
as read, in the overlay colour of the arm they were matched to, just above the printed ones.
Pillow draws it, so the output is the same bytes for the same input.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from trialrecon.dossier.digitize.model import ReadFigure

INK = ((230, 0, 200), (0, 190, 230), (255, 140, 0), (60, 200, 20), (120, 60, 255),
       (200, 160, 0))


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def draw_overlay(fig: ReadFigure, background: Image.Image, scale: float,
                 offset: tuple[float, float], path: Path, names: list[str]) -> Path:
    """Write the overlay PNG to ``path``; ``names`` are the arm names, one per curve."""
    up = 2 if background.width < 1200 else 1
    band = (len(fig.curves) + 1) * 16 * up + 10 * up  # a white band on top for the key
    picture = background.convert("RGB").resize((background.width * up,
                                                background.height * up),
                                               Image.Resampling.LANCZOS)
    img = Image.new("RGB", (picture.width, picture.height + band), (255, 255, 255))
    img.paste(picture, (0, band))
    k = scale * up
    ox, oy = offset

    def px(x: float, y: float) -> tuple[float, float]:
        return ((x - ox) * k, (y - oy) * k + band)

    draw = ImageDraw.Draw(img)
    font = _font(max(11, int(round(4.2 * k if fig.kind == "vector" else 11 * up))))
    lw = max(1, int(round(up * (1 if fig.kind == "raster" else 0.35 * scale))))
    left, top, right, bottom = fig.box
    for pos, val in fig.x_ticks:
        x, y = px(pos, bottom)
        draw.line([(x, y - 6 * up), (x, y + 6 * up)], fill=(0, 150, 0), width=lw)
        draw.text((x + 2, y + 6 * up), f"{val:g}", fill=(0, 150, 0), font=font)
    for pos, val in fig.y_ticks:
        x, y = px(left, pos)
        draw.line([(x - 6 * up, y), (x + 6 * up, y)], fill=(0, 150, 0), width=lw)
        draw.text((x + 8 * up, y - 6 * up), f"{val:g}", fill=(0, 150, 0), font=font)
    for i, (curve, name) in enumerate(zip(fig.curves, names, strict=True)):
        ink = INK[i % len(INK)]
        pts = [px(float(x), float(y)) for x, y in curve.xy]
        if len(pts) >= 2:
            draw.line(pts, fill=ink, width=lw)
        r = 3 * up
        for x, y in curve.censor_xy:
            cx, cy = px(float(x), float(y))
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=max(1, lw))
        if pts:
            draw.text((pts[-1][0] + 4, pts[-1][1] - 14 * up), name, fill=ink, font=font)
    for row_index, arm in fig.nar_arm.items():
        row = fig.risk_rows[row_index]
        ink = INK[arm % len(INK)]
        for x, n in zip(row.xs.tolist(), row.n.tolist(), strict=True):
            cx, cy = px(x, row.top)
            draw.text((cx + 3 * up, cy - 16 * up), str(n), fill=ink, font=font)
    _key(draw, fig, names, font, up)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=False)
    return path


def _key(draw: ImageDraw.ImageDraw, fig: ReadFigure, names: list[str], font, up: int) -> None:
    """A key in the top left corner: which overlay colour is which arm."""
    y = 4 * up
    draw.text((6 * up, y), "read by trialrecon digitize:", fill=(0, 0, 0), font=font)
    for i, (curve, name) in enumerate(zip(fig.curves, names, strict=True)):
        y += 16 * up
        ink = INK[i % len(INK)]
        draw.line([(6 * up, y + 7 * up), (30 * up, y + 7 * up)], fill=ink, width=2 * up)
        marks = len(curve.censor_xy)
        draw.text((34 * up, y), f"{name}: {len(curve.xy)} corners, {marks} censor marks",
                  fill=ink, font=font)
