"""A glare spot on a phone capture (extract/scan/glare.py): rulings cut where the lamp's
reflection clipped the page to white are continued across the spot; on a page scanned to
white all over nothing is bridged. Synthetic 200 dpi grey pages: a ruled table, paper 225,
sensor noise, JPEG q70, and a clipped white spot over its right-hand cells."""

from __future__ import annotations

import cv2
import numpy as np

from extract.scan.pixels import ink_mask
from extract.scan.scanned_page import table_rulings
from extract.settings import DEFAULT_SETTINGS
from extract.table_shapes import table_shapes

DPI = 200.0
ROWS = [100, 160, 220, 280, 340, 400, 460]
COLUMNS = [100, 400, 1000]


def _page(paper: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = np.full((600, 1100), paper)
    for y in ROWS:
        page[y : y + 2, COLUMNS[0] : COLUMNS[-1] + 2] = 40.0
    for x in COLUMNS:
        page[ROWS[0] : ROWS[-1] + 2, x : x + 2] = 40.0
    page = cv2.GaussianBlur(page, (0, 0), 0.7) + cv2.GaussianBlur(rng.normal(0, 3, page.shape), (0, 0), 0.7)
    # The reflection: white clipped over a disc, fading to the page over 1/10 inch.
    yy, xx = np.mgrid[: page.shape[0], : page.shape[1]]
    distance = np.hypot(xx - 760, yy - 280)
    lift = np.clip((150 - distance) / 20, 0, 1)
    page = page + (255 + 80 - page) * lift
    ok, jpeg = cv2.imencode(".jpg", np.clip(page, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 70])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def _rows_of_cells(gray: np.ndarray, with_gray: bool) -> list[int]:
    """Per table shape: how many cells it has in its right-hand column."""
    segments, _ = table_rulings(ink_mask(gray, DPI), DPI, DEFAULT_SETTINGS, gray=gray if with_gray else None)
    shapes = table_shapes(segments, DEFAULT_SETTINGS)
    return [sum(1 for r, c, rs, cs in s.spans if c + cs == len(s.xs) - 1) for s in shapes]


def test_rulings_cut_by_a_glare_spot_are_continued_across_it():
    gray = _page(225.0, seed=11)
    assert _rows_of_cells(gray, with_gray=False) != [len(ROWS) - 1]  # the rows under the spot merge
    assert _rows_of_cells(gray, with_gray=True) == [len(ROWS) - 1]


def test_a_page_white_all_over_is_not_bridged():
    """Paper at 252 (a scan whitened by its software): white is no spot there."""
    gray = _page(252.0, seed=11)
    assert _rows_of_cells(gray, with_gray=True) == _rows_of_cells(gray, with_gray=False)


def test_a_blank_cell_under_clipped_white_is_not_known_blank():
    """Of two blank cells, the one under the spot's clipped centre may hide its value; on
    a page white all over, none is singled out."""
    from extract.scan.glare import under_glare

    under_spot = (620, ROWS[3], 900, ROWS[4])  # the right-hand cell's part under the spot
    left = (COLUMNS[0], ROWS[3], COLUMNS[1], ROWS[4])
    assert under_glare(_page(225.0, seed=11), [under_spot, left]) == [0]
    assert under_glare(_page(252.0, seed=11), [under_spot, left]) == []
