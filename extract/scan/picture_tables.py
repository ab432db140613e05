"""Tables pasted as pictures into a digital page, read by the scan path.

Each picture a reader found on a text page (`read.picture.table_pictures` for a PDF,
`read.ofd.table_pictures` for an OFD: its pixels as displayed and where) is checked for
pixel rulings (cheap: the morphology of `pixels.ruling_segments`, no recognition); one that
forms a ruled grid is read like a scan — per-cell recognition at the picture's own
resolution — and its text boxes and rulings are placed in the page frame (points, top-left
origin, the page as displayed) beside the page's text layer. The grid, mapping and
validation then see one page, whatever drew each table. Photos, logos and seals cost a few
OpenCV passes at most.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Optional

import cv2
import numpy as np

from ..geometry import BBox, Segment
from ..page import PageContent, TextBox
from ..settings import Settings
from ..table_shapes import table_shapes
from .ocr import OcrEngine
from .pixels import estimate_skew, ink_mask, rotate, to_gray_without_red

# The ruled grid a table picture must show: at least this many rows and columns.
_MIN_ROWS = 2
_MIN_COLS = 2


def add_picture_tables(
    page: PageContent,
    pictures: Iterable[tuple[np.ndarray, BBox]],
    engine: Callable[[], OcrEngine],
    settings: Settings,
) -> PageContent:
    """`page` with the tables its pictures hold added. `pictures`: each picture's pixels as
    displayed (upright, BGR or grey) and where it is displayed in the page frame; any
    reader's (`read.picture.table_pictures`, `read.ofd.table_pictures`)."""
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
        from .scanned_page import read_upright_image

        content = read_upright_image(page.number, gray, ink, dpi, ocr, settings, page_text=False, rulings=found)
        placed_boxes, placed_rulings = _place(content, rect)
        boxes += placed_boxes + _blank_cell_marks(placed_boxes, placed_rulings, settings)
        rulings += placed_rulings
    if not rulings:
        return page
    return replace(page, boxes=page.boxes + tuple(boxes), rulings=page.rulings + tuple(rulings))


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

    from .scanned_page import table_rulings

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
