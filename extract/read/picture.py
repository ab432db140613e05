"""Tables pasted as pictures into a digital page: the pictures of a PDF page that may hold one.

Agencies paste a screenshot of a table (from Excel, another report) into their Word
report: the page has a text layer (caption, prose), but the table itself is pixels. This
module finds the pictures on such a page that are big enough to hold a table, placed
square and not under the text layer, and hands each one's pixels as displayed with its
place on the page; `scan.picture_tables` checks them for a ruled grid and reads the ones
that have one. Pictures too small to hold a table are not decoded at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..geometry import BBox
from ..page import PageContent
from ..settings import Settings
from . import pdf

# A picture narrower than this share of the page, or lower than this (pt: three rows of a
# report table), holds no report table: logos, seals, signatures, icons.
_MIN_WIDTH_SHARE = 0.15
_MIN_HEIGHT_PT = 40.0
# Below this resolution (pixels per inch as placed) 10 pt digits are a few pixels high: a
# thumbnail, not something to read.
_MIN_NATIVE_DPI = 50.0


@dataclass(frozen=True)
class _Picture:
    obj: pdfium.PdfImage
    rect: BBox  # where it is displayed, in the page frame
    turns: int  # quarter turns (counter-clockwise) that make its rendering upright on the page


def table_pictures(
    doc: pdfium.PdfDocument, index: int, page: PageContent, settings: Settings
) -> Iterator[tuple[np.ndarray, BBox]]:
    """The pictures on page `index` that may hold a table, one at a time: each one's pixels
    as displayed (upright, over white) and where it is displayed in the page frame. `page`
    is the page as read from its text layer (a picture under it holds no table). For
    `scan.picture_tables.add_picture_tables`, which reads the ones that hold a ruled grid."""
    pdf_page = doc[index]
    textpage = pdf_page.get_textpage()
    try:
        frame = pdf.page_frame(pdf_page, textpage)
        for picture in _candidates(pdf_page, frame, page, settings.min_text_glyphs):
            yield _upright_pixels(picture), picture.rect
    finally:
        textpage.close()
        pdf_page.close()


def _image_objects(pdf_page: pdfium.PdfPage) -> Iterator[tuple[pdfium.PdfImage, pdf.Matrix]]:
    """Every image object with its full matrix to user space (inside forms too)."""
    parents: dict[int, pdf.Matrix] = {0: pdf.IDENTITY}
    kinds = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
    for obj in pdf_page.get_objects(filter=kinds, max_depth=pdf.MAX_FORM_DEPTH):
        matrix = pdf.compose(pdf.object_matrix(obj.raw), parents[obj.level])
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            parents[obj.level + 1] = matrix
        else:
            yield obj, matrix


def _candidates(pdf_page: pdfium.PdfPage, frame, page: PageContent, min_glyphs: int) -> Iterator[_Picture]:
    """Pictures placed square on the page that are large enough for a table and not
    already covered by the text layer."""
    # pdfium renders an image as its own matrix places it in user space (scale, flips,
    # quarter turns applied); the page frame turns user space clockwise by its rotation.
    # (A form XObject around the image that turns or mirrors it is not undone: never seen.)
    turns = (-frame.rotation // 90) % 4
    for obj, (a, b, c, d, e, f) in _image_objects(pdf_page):
        # The image's unit square in user space: its top-left pixel at (0, 1), its columns
        # along (a, b), its rows downwards along -(c, d).
        top_left = frame.point(c + e, d + f)
        top_right = frame.point(a + c + e, b + d + f)
        bottom_left = frame.point(e, f)
        across = (top_right[0] - top_left[0], top_right[1] - top_left[1])
        down = (bottom_left[0] - top_left[0], bottom_left[1] - top_left[1])
        if not axis_aligned(across, down):
            continue  # placed at an angle: rare for a pasted table, not read
        xs = (top_left[0], top_right[0], bottom_left[0], top_right[0] + down[0])
        ys = (top_left[1], top_right[1], bottom_left[1], top_right[1] + down[1])
        rect = BBox(min(xs), min(ys), max(xs), max(ys))
        if may_hold_table(rect, obj.get_px_size(), page, min_glyphs):
            yield _Picture(obj, rect, turns)


def may_hold_table(rect: BBox, px_size: tuple[int, int], page: PageContent, min_glyphs: int) -> bool:
    """Whether a picture displayed at `rect` (page frame) with `px_size` (width, height)
    pixels is worth checking for a table: large enough, sharp enough, and not under the
    text layer."""
    if rect.width < _MIN_WIDTH_SHARE * page.width or rect.height < _MIN_HEIGHT_PT:
        return False
    long_px, long_pt = max(px_size), max(rect.width, rect.height)
    if long_px / (long_pt / 72.0) < _MIN_NATIVE_DPI:
        return False
    inner = BBox(rect.x0 + 2, rect.top + 2, rect.x1 - 2, rect.bottom - 2)
    covered = sum(1 for box in page.boxes if inner.contains_point(*box.bbox.center))
    # Text drawn over a background picture: the text layer carries it.
    return covered < min_glyphs


def axis_aligned(across: tuple[float, float], down: tuple[float, float]) -> bool:
    """Whether an image drawn with these axes (page frame: `across` = direction of its pixel
    columns, `down` = of its rows) sits square on the page: upright, a quarter turn or
    mirrored, but not oblique."""
    tol = 0.01 * max(1e-6, abs(across[0]) + abs(across[1]), abs(down[0]) + abs(down[1]))
    return all(min(abs(dx), abs(dy)) <= tol < max(abs(dx), abs(dy)) for dx, dy in (across, down))


def _upright_pixels(picture: _Picture) -> np.ndarray:
    """The picture's pixels as displayed on the page, over white."""
    # Rendered by pdfium at the image's native resolution: its matrix (scale, flips,
    # quarter turns) and its soft mask applied, so a transparent screenshot lands on white.
    bitmap = picture.obj.get_bitmap(render=True, scale_to_original=True)
    array = bitmap.to_numpy()
    if array.ndim == 3 and array.shape[2] == 4:
        alpha = array[:, :, 3]
        array = array[:, :, :3]
        if bitmap.format == pdfium_c.FPDFBitmap_BGRA and alpha.min() < 255:
            # Only where something shows through: blending every pixel of an opaque
            # photo would cost more than the rest of the check.
            array = array.copy()
            clear = alpha < 255
            weight = alpha[clear].astype(np.float32)[:, None] / 255.0
            array[clear] = (array[clear] * weight + 255.0 * (1.0 - weight)).astype(np.uint8)
    if picture.turns:
        array = np.rot90(array, picture.turns)
    return np.ascontiguousarray(array)


