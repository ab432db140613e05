"""`--debug DIR`: what the pipeline saw, for a person to look at. Table extraction is
debugged by looking: for every page with tables, a PNG of the page (upright, as the grid
builder saw it) with rulings in green and merged cells in red, and a text dump of each
grid (row, spans, text, confidence) with the template cell each grid cell was mapped to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np

from .page import Grid, PageContent
from .settings import Settings
from .tables.mapping import Mapping

_DPI = 110.0


def _page_image(path: Path, page: PageContent, settings: Settings) -> np.ndarray:
    """The page in the frame its PageContent uses, at _DPI."""
    from .read import pdf
    from .read.images import IMAGE_SUFFIXES, load_image_pages

    reader: Any = pdf
    if path.suffix.lower() == ".ofd":
        from .read import ofd as reader
    if page.source == "ocr":
        from .scan.ocr import get_engine
        from .scan.scanned_page import straighten

        if path.suffix.lower() in IMAGE_SUFFIXES:
            image = load_image_pages(path, settings)[page.number - 1]
        else:
            doc = reader.open_ofd(path, settings) if reader is not pdf else pdf.open_pdf(path, settings)
            try:
                info = reader.page_images(doc, page.number - 1)
                dpi = min(max(info.native_dpi, settings.min_render_dpi), settings.max_render_dpi)
                image = reader.render_page(doc, page.number - 1, dpi)
            finally:
                doc.close()
        # The turns the reading settled on (a retry's, if one was kept), not a new decision.
        upright = straighten(image, get_engine(settings.ocr_engine, settings.ocr_threads), turns=page.turns)
        gray = upright.gray
        scale = _DPI / image.dpi
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    doc = reader.open_ofd(path, settings) if reader is not pdf else pdf.open_pdf(path, settings)
    try:
        return np.ascontiguousarray(reader.render_page(doc, page.number - 1, _DPI).image)
    finally:
        doc.close()


def write_debug(
    folder: Path, path: Path, pages: Sequence[PageContent], grids: Sequence[Grid], mapping: Mapping, settings: Settings
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    where = {(m.page, id(m.cell)): key for key, m in mapping.cells.items()}
    for key, m in mapping.cells.items():
        if m.glued is not None:  # a label cell whose values were split out of it
            glued_at = (m.page, id(m.glued.cell))
            where[glued_at] = f"{where[glued_at]}+{key}" if glued_at in where else key
    px = _DPI / 72.0
    for page in pages:
        page_grids = [g for g in grids if g.page == page.number]
        if not page_grids:
            continue
        lines = []
        image = _page_image(path, page, settings)
        for s in page.rulings:
            if s.orientation == "h":
                a, b = (int(s.start * px), int(s.position * px)), (int(s.end * px), int(s.position * px))
            else:
                a, b = (int(s.position * px), int(s.start * px)), (int(s.position * px), int(s.end * px))
            cv2.line(image, a, b, (0, 170, 0), 1)
        for k, grid in enumerate(page_grids):
            kind = next((t.kind for t in mapping.tables if any(f is grid for f in t.fragments)), "unclassified")
            lines.append(f"grid {k}: {grid.n_rows} rows x {grid.n_cols} columns, {kind}")
            for cell in grid.cells:
                b = cell.bbox
                cv2.rectangle(image, (int(b.x0 * px) + 1, int(b.top * px) + 1), (int(b.x1 * px) - 1, int(b.bottom * px) - 1), (0, 0, 230), 1)
                key = where.get((grid.page, id(cell)), "")
                text = cell.text.replace("\n", "/")
                lines.append(
                    f"  r{cell.row} c{cell.col} span {cell.row_span}x{cell.col_span} "
                    f"conf {cell.confidence:.2f} {cell.source}: {text!r}" + (f"  -> {key}" if key else "")
                )
        cv2.imwrite(str(folder / f"page-{page.number:03d}.png"), image)
        (folder / f"page-{page.number:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
