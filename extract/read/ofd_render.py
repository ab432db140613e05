"""A page image of an OFD page, drawn from what `ofd` read: its images, paths and text.

Good enough for a reviewer's crop, the debug pictures and the OCR of a page that is more
than one plain picture; not a faithful renderer (no clipping, no embedded fonts, no
transparency groups). Text is drawn in a CJK font found on the system through fontconfig
(fonts-noto-cjk and the like); without one, each glyph is drawn as its box.
Pixels: origin top-left of the page, one pixel = 72/dpi points.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from typing import Callable, Optional

import cv2
import numpy as np

from .ofd_drawing import Drawing


@functools.lru_cache(maxsize=1)
def cjk_font_file() -> Optional[str]:
    """A font file that covers Chinese, from fontconfig; None when there is none."""
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not found:
        return None
    # fc-match always answers something: keep it only if it really has Chinese glyphs.
    try:
        covers = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return found if found in covers else None


@functools.lru_cache(maxsize=64)
def _font(size_px: int):
    from PIL import ImageFont

    file = cjk_font_file()
    return ImageFont.truetype(file, size_px) if file else None


def render(pixels_of: Callable[[str], np.ndarray], drawing: Drawing, dpi: float) -> np.ndarray:
    scale = dpi / 72.0
    width, height = max(1, round(drawing.width * scale)), max(1, round(drawing.height * scale))
    canvas = np.full((height, width, 3), 255, np.uint8)
    for image in drawing.images:
        pixels = pixels_of(image.member)
        if pixels.ndim == 2:
            pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
        h_px, w_px = pixels.shape[:2]
        a, b, c, d, e, f = image.matrix
        # Image pixel (u, v) -> unit square (u / w, v / h) -> page points -> canvas pixels.
        warp = np.array([[a * scale / w_px, c * scale / h_px, e * scale], [b * scale / w_px, d * scale / h_px, f * scale]])
        cv2.warpAffine(pixels, warp, (width, height), dst=canvas, flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_TRANSPARENT)
    for path in drawing.paths:
        polygons = [np.round(np.array(s) * scale).astype(np.int32) for s in path.subpaths]
        if path.filled:
            cv2.fillPoly(canvas, polygons, path.fill[::-1])
        if path.stroked:
            thickness = max(1, round(path.line_width_pt * scale))
            cv2.polylines(canvas, polygons, False, path.stroke[::-1], thickness)
    glyphs = [g for g in drawing.glyphs if g.visible]
    if not glyphs:
        return canvas
    from PIL import Image, ImageDraw

    picture = Image.fromarray(cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB))
    pen = ImageDraw.Draw(picture)
    for glyph in glyphs:
        font = _font(max(1, round(glyph.size_pt * scale)))
        if font is None:
            box = glyph.box
            pen.rectangle([box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale], outline=glyph.colour)
        else:
            pen.text((glyph.origin[0] * scale, glyph.origin[1] * scale), glyph.text, fill=glyph.colour, font=font, anchor="ls")
    return cv2.cvtColor(np.asarray(picture), cv2.COLOR_RGB2BGR)
