"""The scan path's cheap geometry: a fine scan's turn and skew measured at the geometry
resolution (its full-resolution ink computed once, on the page as read), and text lines
outside tables detected at ~150 dpi but recognised from the full-resolution image. Pages
are a digital sample rendered at 300 dpi, one shared rendering."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES

pytest.importorskip("rapidocr")

from extract.page import PageImage
from extract.scan import scanned_page as scan
from extract.scan.ocr import get_engine
from extract.scan.pixels import rotate

_DPI = 300


@pytest.fixture(scope="module")
def pages() -> list[np.ndarray]:
    """Pages 1 (title and prose) and 3 (a ruled table) of seed-2024, grey, at 300 dpi."""
    doc = pdfium.PdfDocument(SAMPLES / "seed-2024.pdf")
    try:
        out = []
        for index in (0, 2):
            array = doc[index].render(scale=_DPI / 72).to_numpy()  # BGR(A)
            out.append(cv2.cvtColor(np.ascontiguousarray(array[:, :, :3]), cv2.COLOR_BGR2GRAY))
        return out
    finally:
        doc.close()


@pytest.fixture(scope="module")
def engine():
    return get_engine("rapidocr")


def test_a_fine_scan_is_masked_at_full_resolution_once_and_levelled(pages, engine, monkeypatch):
    skew = 0.8  # degrees, as cv2.getRotationMatrix2D takes them; straighten must undo it
    tilted = rotate(pages[1], -skew)
    shapes = []
    real = scan.ink_mask
    def counted(gray, dpi, **options):
        shapes.append(gray.shape)
        return real(gray, dpi, **options)

    monkeypatch.setattr(scan, "ink_mask", counted)
    upright = scan.straighten(PageImage(3, tilted, _DPI), engine)
    assert upright.turns == 0
    assert abs(upright.skew_deg - skew) < 0.1
    # One mask at full resolution (the deskewed page), the turn and skew on a quarter-size copy.
    assert shapes.count(tilted.shape) == 1
    assert upright.ink.shape == upright.gray.shape == tilted.shape
    assert all(s[0] * s[1] <= 0.3 * tilted.size for s in shapes if s != tilted.shape)


def test_head_lines_found_at_150dpi_read_as_at_full_resolution(pages, engine):
    head = pages[0][: pages[0].shape[0] // 4]
    full = engine.read_page(head)
    coarse = engine.read_page(head, detect_scale=0.5)
    title = [line for line in coarse if "泰山区" in line.text]
    assert title and title[0].confidence > 0.9
    assert {line.text for line in full} == {line.text for line in coarse}
    # Boxes are in the full-resolution pixels, within a few pixels of the full-size pass.
    for line in coarse:
        twin = next(f for f in full if f.text == line.text)
        assert max(abs(a - b) for a, b in zip(line.box, twin.box)) < 12
