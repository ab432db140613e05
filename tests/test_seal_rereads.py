"""Numbers under a seal: what a seal's lettering over a value does to its reading.

A seal stamped over 三's last columns (grey after colour-to-grey conversion, 200 DPI) lies
over two 0s: its lettering makes the first reading of each "C" or a Chinese character, unsure.
Second readings of an unsure line are read the way the recogniser's own pipeline pads a
line (`recognize_lines(..., wide=True)`): there both read "0" and the rules settle the cells
(session 6's tight batches read them "A" and "U" and left two unknowns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from extract.page import PageImage
from extract.scan.ocr import get_engine
from extract.scan.scanned_page import read_upright_image, straighten
from extract.settings import DEFAULT_SETTINGS
from extract.tables.grid import grids_on_page

ROOT = Path(__file__).resolve().parents[1]
ZEROS = ROOT / "samples" / "scanned" / "scan-r2025-zeros-split-unable-01.pdf"


def _page_image(path: Path, index: int) -> PageImage:
    doc = pdfium.PdfDocument(str(path))
    page = doc[index]
    picture = next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))))
    pixels = picture.get_bitmap(render=False).to_numpy()
    dpi = pixels.shape[1] / (page.get_size()[0] / 72.0)
    return PageImage(index + 1, np.ascontiguousarray(pixels), dpi)


@pytest.mark.skipif(not ZEROS.exists(), reason="sample scan not generated")
def test_zeros_under_a_grey_seal_offer_zero():
    """三's last four columns of 1.予以公开 and 2.部分公开 on page 3, the seal's ring and
    lettering over their right half: each cell's reading, or one of its second readings, is "0"."""
    engine = get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)
    image = _page_image(ZEROS, 2)
    upright = straighten(image, engine, turns=0)
    px = image.dpi / 72.0
    # Points of the upright page (top-left origin): columns 公益组织 .. 总计, rows from the
    # one above 予以公开 to 部分公开.
    x0, top, x1, bottom = 380.0, 340.0, 525.0, 452.0
    window = (slice(int(top * px), int(bottom * px)), slice(int(x0 * px), int(x1 * px)))
    content = read_upright_image(
        1, upright.gray[window], upright.ink[window], image.dpi, engine, DEFAULT_SETTINGS, False
    )
    cells = [c for g in grids_on_page(content, DEFAULT_SETTINGS) for c in g.cells]
    # The rows of 1.予以公开 and 2.部分公开 (tops at 377 and 411 pt on the page): every value
    # printed in them is 0, eight cells, four of them under the seal.
    rows = [c for c in cells if c.text and any(abs(c.bbox.top - (row - top)) < 3 for row in (377.2, 411.2))]
    assert len(rows) >= 8, [(c.bbox, c.text) for c in cells]
    for cell in rows:
        assert "0" in {cell.text, *cell.alternatives}, (cell.text, cell.alternatives)
