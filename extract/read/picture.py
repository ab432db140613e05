"""Tables pasted as pictures into a digital page.

Agencies paste a screenshot of a table (from Excel, another report) into their Word
report: the page has a text layer (caption, prose), but the table itself is pixels. Each
picture on such a page that is big enough to hold a table is checked for pixel rulings
(cheap: the morphology of `pixels.ruling_segments`, no recognition); one that forms a ruled
grid is read like a scan — per-cell recognition at the picture's own resolution — and its
text boxes and rulings are placed in the page frame (points, top-left origin, the page as
displayed) beside the page's text layer. The grid, mapping and validation then see one
page, whatever drew each table. Photos, logos and seals cost a bitmap decode and a few
OpenCV passes at most; pictures too small to hold a table are not decoded at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Optional

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..geometry import BBox, Segment
from ..page import PageContent, TextBox
from ..scan.ocr import OcrEngine
from ..scan.pixels import estimate_skew, ink_mask, rotate, to_gray_without_red
from ..settings import Settings
from ..table_shapes import table_shapes
from . import pdf

# A picture narrower than this share of the page, or lower than this (pt: three rows of a
# report table), holds no report table: logos, seals, signatures, icons.
_MIN_WIDTH_SHARE = 0.15
_MIN_HEIGHT_PT = 40.0
# Below this resolution (pixels per inch as placed) 10 pt digits are a few pixels high: a
# thumbnail, not something to read.
_MIN_NATIVE_DPI = 50.0
# The ruled grid a table picture must show: at least this many rows and columns.
_MIN_ROWS = 2
_MIN_COLS = 2


@dataclass(frozen=True)
class _Picture:
    obj: pdfium.PdfImage
    rect: BBox  # where it is displayed, in the page frame
    turns: int  # quarter turns (counter-clockwise) that make its rendering upright on the page


def read_table_pictures(
    doc: pdfium.PdfDocument,
    index: int,
    page: PageContent,
    engine: Callable[[], OcrEngine],
    settings: Settings,
) -> PageContent:
    """`page` (read from its text layer) with the tables held by its pictures added: their
    text boxes (source "ocr") and rulings in the page frame. `engine` is called only when
    a picture holds a ruled grid. The page is returned unchanged when none does."""
    pdf_page = doc[index]
    textpage = pdf_page.get_textpage()
    try:
        frame = pdf.page_frame(pdf_page, textpage)
        pictures = ((_upright_pixels(p), p.rect) for p in _candidates(pdf_page, frame, page, settings.min_text_glyphs))
        return add_picture_tables(page, pictures, engine, settings)
    finally:
        textpage.close()
        pdf_page.close()


def add_picture_tables(
    page: PageContent,
    pictures: Iterable[tuple[np.ndarray, BBox]],
    engine: Callable[[], OcrEngine],
    settings: Settings,
) -> PageContent:
    """`page` with the tables its pictures hold added. `pictures`: each picture's pixels as
    displayed (upright, BGR or grey) and where it is displayed in the page frame; any
    reader's (the PDF's above, the OFD's in `read.ofd`)."""
    boxes: list[TextBox] = []
    rulings: list[Segment] = []
    ocr: Optional[OcrEngine] = None
    for pixels, rect in pictures:
        prepared = prepare_table_image(pixels, rect, settings)
        if prepared is None:
            continue
        gray, ink, dpi, found = prepared
        if ocr is None:
            ocr = engine()
        from ..scan.scanned_page import read_upright_image

        content = read_upright_image(page.number, gray, ink, dpi, ocr, settings, page_text=False, rulings=found)
        placed_boxes, placed_rulings = _place(content, rect)
        boxes += placed_boxes + _blank_cell_marks(placed_boxes, placed_rulings, settings)
        rulings += placed_rulings
    if not rulings:
        return page
    return replace(page, boxes=page.boxes + tuple(boxes), rulings=page.rulings + tuple(rulings))


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


def _table_image(picture: _Picture, settings: Settings):
    """The picture as an upright grey image at a readable resolution, its ink, dpi and
    rulings — or None when its rulings form no table (photos, logos, charts)."""
    return prepare_table_image(_upright_pixels(picture), picture.rect, settings)


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


def prepare_table_image(array: np.ndarray, rect: BBox, settings: Settings):
    """A picture's upright pixels (displayed at `rect`) as a grey image at a readable
    resolution, its ink, dpi and rulings — or None when its rulings form no table."""
    h_px, w_px = array.shape[:2]
    if h_px < 8 or w_px < 8:
        return None
    # Pixels per inch as placed, per axis; read at the scan path's resolution range.
    dpi_x, dpi_y = w_px / (rect.width / 72.0), h_px / (rect.height / 72.0)
    dpi = min(max(max(dpi_x, dpi_y), settings.min_render_dpi), settings.max_render_dpi)
    width, height = round(rect.width / 72.0 * dpi), round(rect.height / 72.0 * dpi)
    if abs(width - w_px) > 1 or abs(height - h_px) > 1:
        shrink = width * height < w_px * h_px
        array = cv2.resize(array, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)

    from ..scan.scanned_page import table_rulings

    gray = to_gray_without_red(array)
    ink = ink_mask(gray, dpi)
    found = table_rulings(ink, dpi, settings)
    if not _holds_table(found[0], settings):
        return None
    # A screenshot is level; a photographed or scanned table pasted in may not be.
    skew = estimate_skew(ink, dpi)
    if abs(skew) >= 0.05:
        gray = rotate(gray, skew)
        ink = ink_mask(gray, dpi)
        found = table_rulings(ink, dpi, settings)
    return gray, ink, dpi, found


def _holds_table(segments: list[Segment], settings: Settings) -> bool:
    return any(len(s.ys) > _MIN_ROWS and len(s.xs) > _MIN_COLS for s in table_shapes(segments, settings))


def _place(content: PageContent, rect: BBox) -> tuple[list[TextBox], list[Segment]]:
    """Boxes and rulings read from a picture (points from its top-left corner) in the page
    frame. Rounding the resampled size leaves the scale a hair off 1; kept exact here."""
    sx = rect.width / content.width if content.width else 1.0
    sy = rect.height / content.height if content.height else 1.0

    def box(b: BBox) -> BBox:
        return BBox(rect.x0 + b.x0 * sx, rect.top + b.top * sy, rect.x0 + b.x1 * sx, rect.top + b.bottom * sy)

    boxes = [replace(t, bbox=box(t.bbox)) for t in content.boxes]
    rulings = [
        Segment("h", rect.top + s.position * sy, rect.x0 + s.start * sx, rect.x0 + s.end * sx)
        if s.orientation == "h"
        else Segment("v", rect.x0 + s.position * sx, rect.top + s.start * sy, rect.top + s.end * sy)
        for s in content.rulings
    ]
    return boxes, rulings


def _blank_cell_marks(boxes: list[TextBox], rulings: list[Segment], settings: Settings) -> list[TextBox]:
    """An empty "ocr" box at the centre of every cell of the picture's tables that holds no
    text, so that a blank cell too is reported as read from the picture (the grid takes a
    cell's source from its boxes, and from the page — here the text layer — without any)."""
    marks = []
    for shape in table_shapes(rulings, settings):
        xs, ys = shape.xs, shape.ys
        for r, c, rs, cs in shape.spans:
            cell = BBox(xs[c], ys[r], xs[c + cs], ys[r + rs])
            if any(cell.contains_point(*b.bbox.center) for b in boxes):
                continue
            x, y = cell.center
            marks.append(TextBox("", BBox(x - 0.5, y - 0.5, x + 0.5, y + 0.5), 1.0, "ocr"))
    return marks
