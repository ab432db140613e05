"""Dashed and dotted inner rulings on scans (held-out round 11 s02): a row of short,
regular, collinear marks spanning between two rulings is a ruling; a row of digits, of null
dashes "—" in value cells, or of glyph strokes is not.

The page is drawn here as Word/LibreOffice print it (a solid outer frame, each cell's
dashed border drawn on its own with the pattern starting at the cell's corner) and
degraded as an office scanner does (blur, noise, 200 dpi grey JPEG q55)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from extract.scan.dashes import dashed_rulings
from extract.scan.pixels import bridge_broken_rulings, ink_mask, line_masks, ruling_segments

DPI = 200.0
# Frame (px, row 0 at the top): columns and rows of a 4 x 5 table.
COLUMNS = [100, 400, 560, 720, 880]
ROWS = [100, 160, 220, 280, 340, 400]


def _dashed(img: np.ndarray, p0: tuple[int, int], p1: tuple[int, int], mark: int, gap: int) -> None:
    """A dashed segment from p0 to p1 (horizontal or vertical), starting with a mark at p0."""
    (x0, y0), (x1, y1) = p0, p1
    length = max(abs(x1 - x0), abs(y1 - y0))
    for start in range(0, length, mark + gap):
        end = min(length, start + mark)
        if x0 == x1:
            cv2.line(img, (x0, y0 + start), (x0, y0 + end), 60, 2)
        else:
            cv2.line(img, (x0 + start, y0), (x0 + end, y0), 60, 2)


def _page(mark: int, gap: int) -> np.ndarray:
    img = np.full((560, 1000), 235, np.uint8)
    cv2.rectangle(img, (COLUMNS[0], ROWS[0]), (COLUMNS[-1], ROWS[-1]), 30, 3)
    # Inner rulings cell by cell, each cell's border pattern restarting at its corner.
    for x in COLUMNS[1:-1]:
        for top, bottom in zip(ROWS, ROWS[1:]):
            _dashed(img, (x, top), (x, bottom), mark, gap)
    for y in ROWS[1:-1]:
        for left, right in zip(COLUMNS, COLUMNS[1:]):
            _dashed(img, (left, y), (right, y), mark, gap)
    font = cv2.FONT_HERSHEY_SIMPLEX
    for r, (top, bottom) in enumerate(zip(ROWS, ROWS[1:])):
        cv2.putText(img, f"label {r}", (COLUMNS[0] + 20, bottom - 18), font, 0.9, 30, 2)
        for c, (left, right) in enumerate(zip(COLUMNS[1:], COLUMNS[2:])):
            centre = (left + right) // 2
            if r == 2:  # a row of null dashes: collinear, regular, dash-thin
                cv2.line(img, (centre - 14, (top + bottom) // 2), (centre + 14, (top + bottom) // 2), 30, 2)
            else:
                # Row 3 all "1"s; the first value column all "4"s (a digit with crossing
                # strokes splits into bars as a dashed crossing does).
                text = "1" if r == 3 else "4" if c == 0 else str(7 * r + c)
                cv2.putText(img, text, (centre - 12, bottom - 18), font, 0.9, 30, 2)
    # Below the table: a free-standing row of dashes (a leader) and a row of digits "1".
    _dashed(img, (120, 470), (860, 470), mark, gap)
    for k in range(20):
        cv2.putText(img, "1", (120 + 36 * k, 530), font, 0.9, 30, 2)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    img = np.clip(img + np.random.default_rng(7).normal(0, 4, img.shape), 0, 255).astype(np.uint8)
    return cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 55])[1], cv2.IMREAD_GRAYSCALE)


@pytest.fixture(scope="module", params=[(22, 7), (3, 6)], ids=["dashed", "dotted"])
def page(request):
    return _page(*request.param)


def _near(values, target, tolerance=3):
    return any(abs(v - target) <= tolerance for v in values)


def test_dashed_inner_rulings_are_lines_spanning_the_frame(page, request):
    page_kind = request.node.callspec.id
    ink = ink_mask(page, DPI, bridge=False)
    horizontal, vertical = line_masks(ink, DPI, 0.2)
    drawn = dashed_rulings(ink, DPI, horizontal, vertical)
    # Dashes are each shorter than a ruling run: joined here. (Dots close enough for the
    # scan's blur to fuse them may be runs already.)
    for x in COLUMNS[1:-1] if "dashed" in page_kind else []:
        column = drawn[ROWS[0] + 5 : ROWS[-1] - 5, x - 3 : x + 4].any(axis=1)
        assert column.mean() > 0.98, f"dashed column at x={x}: {column.mean():.2f} drawn"
    for y in ROWS[1:-1] if "dashed" in page_kind else []:
        row = drawn[y - 3 : y + 4, COLUMNS[0] + 5 : COLUMNS[-1] - 5].any(axis=0)
        assert row.mean() > 0.98, f"dashed row at y={y}: {row.mean():.2f} drawn"
    # The page's rulings, as the grid builder gets them (pt): every inner line is one.
    segments, _ = ruling_segments(bridge_broken_rulings(ink, page, DPI), DPI)
    scale = 72.0 / DPI
    for y in ROWS[1:-1]:
        assert any(s.orientation == "h" and abs(s.position - y * scale) < 1.5 and s.end - s.start > 0.9 * (COLUMNS[-1] - COLUMNS[0]) * scale for s in segments)
    for x in COLUMNS[1:-1]:
        long_enough = [s for s in segments if s.orientation == "v" and abs(s.position - x * scale) < 1.5]
        assert sum(s.end - s.start for s in long_enough) > 0.9 * (ROWS[-1] - ROWS[0]) * scale


def test_text_and_free_dashes_are_no_rulings(page):
    ink = ink_mask(page, DPI, bridge=False)
    horizontal, vertical = line_masks(ink, DPI, 0.2)
    drawn = dashed_rulings(ink, DPI, horizontal, vertical)
    # Null dashes across a row's value cells (collinear and regular, but a cell apart), a
    # row of "1"s and a column of "4"s: nothing drawn inside any cell.
    for top, bottom in zip(ROWS, ROWS[1:]):
        for left, right in zip(COLUMNS[1:], COLUMNS[2:]):
            assert not drawn[top + 8 : bottom - 8, left + 8 : right - 8].any()
    # The free row of "1"s and the free dashed leader below the table.
    assert not drawn[ROWS[-1] + 10 :, :].any()
