"""Thin, faint grey table borders (as WPS prints them: 0.5 pt grey), scanned in greyscale at
150 DPI, skewed by 2 degrees, JPEG q40: the rulings must still be found and the page
levelled, so the tables read back exactly.

The scan is built at test time from a digital sample: rendered at 600 DPI, its borders
(found by morphology: long thin dark runs) lightened to grey 165, downsampled to 150 DPI
(a 0.5 pt border comes out 1-2 px wide, some 40-70 below the paper),
rotated, noised, JPEG-compressed, wrapped as an image-only PDF in a tmp dir."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from conftest import SAMPLES
from scanlib import add_jpeg_page

from extract.evaluate import evaluate_file
from extract.scan.pixels import estimate_skew, ink_mask, rotate, ruling_segments
from extract.settings import DEFAULT_SETTINGS

SAMPLE = SAMPLES / "r2024-zeros-small-01.pdf"
HIGH_DPI, DPI = 600, 150


def _faint_border_page(page: pdfium.PdfPage, skew_deg: float, rng: np.random.Generator) -> np.ndarray:
    """One page as a faint-bordered grey scan (uint8, DPI)."""
    grey = page.render(scale=HIGH_DPI / 72, grayscale=True).to_numpy()
    grey = grey[:, :, 0] if grey.ndim == 3 else grey
    dark = (grey < 128).astype(np.uint8)
    long_px = int(HIGH_DPI * 0.3)  # longer than any glyph stroke
    h = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_px, 1)))
    v = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_px)))
    out = grey.copy()
    border = cv2.dilate(h | v, np.ones((3, 3), np.uint8)) > 0  # with the anti-aliased edges
    out[border] = np.maximum(out[border], 165)  # black borders printed grey
    small = cv2.resize(out, None, fx=DPI / HIGH_DPI, fy=DPI / HIGH_DPI, interpolation=cv2.INTER_AREA)
    paper = small.astype(np.float32) * (244 / 255)
    rows, cols = paper.shape
    matrix = cv2.getRotationMatrix2D((cols / 2, rows / 2), skew_deg, 1.0)
    tilted = cv2.warpAffine(paper, matrix, (cols, rows), flags=cv2.INTER_LINEAR, borderValue=230)
    noisy = np.clip(tilted + rng.normal(0, 5, tilted.shape), 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 40])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def _faint_scan(src: Path, out: Path, skew_deg: float = 2.0, seed: int = 5) -> tuple[Path, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    src_doc, dst = pdfium.PdfDocument(str(src)), pdfium.PdfDocument.new()
    images = []
    try:
        for i in range(len(src_doc)):
            page = src_doc[i]
            width, height = page.get_size()
            image = _faint_border_page(page, skew_deg if i % 2 else -skew_deg, rng)
            images.append(image)
            add_jpeg_page(dst, width, height, image, 95)
            page.close()
        dst.save(str(out))
    finally:
        dst.close()
        src_doc.close()
    return out, images


def test_faint_grey_borders_are_rulings_and_level_the_page(tmp_path):
    _, images = _faint_scan(SAMPLE, tmp_path / "faint.pdf")
    for i, image in enumerate(images):
        skew = estimate_skew(ink_mask(image, DPI), DPI)
        assert abs(skew + (2.0 if i % 2 else -2.0)) < 0.2, (i, skew)  # the correction undoes the tilt
    level = rotate(images[1], estimate_skew(ink_mask(images[1], DPI), DPI))
    segments, _ = ruling_segments(ink_mask(level, DPI), DPI)
    assert sum(s.orientation == "h" and s.end - s.start > 300 for s in segments) >= 10  # rows of 三 span the page


def test_faint_grey_bordered_scan_reads_exactly(tmp_path):
    scan, _ = _faint_scan(SAMPLE, tmp_path / "faint.pdf")
    result = evaluate_file(scan, SAMPLE.with_suffix("").with_suffix(".expected.json"), DEFAULT_SETTINGS)
    assert result.error is None, result.error
    assert not result.tables_missing
    assert result.wrong == []
    assert sum(result.correct.values()) == sum(result.cells.values()) >= 190
