"""The page-geometry passes of scan/pixels.py give what the plain whole-image operations
give (they skip work, never change a pixel), and a broken pale ruling at 300 dpi is still
one ruling with the glyph that broke it kept as print.

The fast forms are checked against the straightforward OpenCV/numpy computations they
replace, on random masks whose runs touch the image's edges (where an opening's window is
clipped) and on masks with nothing in them."""

from __future__ import annotations

import cv2
import numpy as np

from extract.scan import pixels
from extract.scan.scanned_page import _despeckle


def _plain_straight_runs(candidates: np.ndarray, dpi: float, length: int) -> np.ndarray:
    """`pixels._straight_runs` as whole-image morphology."""
    gap = max(3, int(dpi * 0.06))
    out = np.zeros_like(candidates)
    for across, along, bridge in (((1, 3), (length, 1), (gap, 1)), ((3, 1), (1, length), (1, gap))):
        thick = cv2.dilate(candidates, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        runs = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        runs = cv2.bitwise_and(runs, candidates)
        runs = cv2.morphologyEx(runs, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        out = cv2.bitwise_or(out, runs)
    return out


def _random_masks(seed: int, count: int):
    """Binary masks (255 on 0): noise of every density, with long runs laid along rows and
    columns, some from the image's edge."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        height, width = (int(v) for v in rng.integers(4, 160, 2))
        mask = ((rng.random((height, width)) < rng.uniform(0.0, 0.5)) * 255).astype(np.uint8)
        for _ in range(int(rng.integers(0, 6))):
            if rng.random() < 0.5:
                row, start = int(rng.integers(0, height)), int(rng.integers(-20, width))
                mask[row, max(0, start) : max(0, start + int(rng.integers(1, 120)))] = 255
            else:
                col, start = int(rng.integers(0, width)), int(rng.integers(-20, height))
                mask[max(0, start) : max(0, start + int(rng.integers(1, 120))), col] = 255
        yield mask, rng


def test_straight_runs_equal_the_whole_image_opening():
    for mask, rng in _random_masks(seed=3, count=250):
        dpi = float(rng.choice([72.0, 150.0, 200.0, 300.0]))
        length = int(rng.integers(2, 90))
        assert np.array_equal(pixels._straight_runs(mask, dpi, length), _plain_straight_runs(mask, dpi, length))


def test_components_with_stats_equal_opencv():
    for mask, _ in _random_masks(seed=4, count=120):
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        ours = pixels.components_with_stats(mask)
        assert ours[0] == count
        assert np.array_equal(ours[1], labels)
        assert np.array_equal(ours[2][1:], stats[1:, :5])
        assert ours[2][0, cv2.CC_STAT_AREA] == stats[0, cv2.CC_STAT_AREA]


def test_levels_and_thresholds_equal_numpy():
    rng = np.random.default_rng(5)
    for size in ((1, 1), (2, 3), (7, 5), (64, 65)):
        image = rng.integers(0, 256, size, dtype=np.uint8)
        assert pixels.median_level(image) == float(np.median(image))
        for level in (-3.0, 0.0, 11.5, 12.0, 127.5, 254.5, 255.0, 300.0):
            assert np.array_equal(pixels.at_least(image, level), ((image >= level) * 255).astype(np.uint8))
            assert np.array_equal(pixels.at_most(image, level), ((image <= level) * 255).astype(np.uint8))


def test_red_ink_and_despeckle_equal_their_plain_forms():
    rng = np.random.default_rng(6)
    colour = rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)
    colour[:10] = (0, 0, 255)  # pure red, and the extremes of the channel arithmetic
    colour[10:20] = (255, 255, 0)
    b, g, r = (colour[:, :, i].astype(np.int16) for i in range(3))
    assert np.array_equal(pixels._reddish(colour), (r - (g + b) // 2) > 25)
    for mask, _ in _random_masks(seed=7, count=60):
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        keep = stats[:, cv2.CC_STAT_AREA] >= 5
        keep[0] = False
        assert np.array_equal(_despeckle(mask, 5), np.where(keep[labels], 255, 0).astype(np.uint8))


def test_pale_ruling_broken_by_a_glyph_at_300_dpi_is_one_ruling_and_the_glyph_stays():
    """A 0.5 pt grey row line (35 below the paper, 2 px at 300 dpi) between two black
    column lines, with a bold glyph's top standing on it from below over 40 px: the pale
    pass loses the line there (print beside it), the bridge draws it back from the clean
    side, and the glyph's pixels stay ink."""
    dpi = 300.0
    rng = np.random.default_rng(8)
    page = np.full((400, 900), 235, np.uint8)
    page[60:340, 100:103] = 20  # column lines, black
    page[60:340, 800:803] = 20
    page[60:63, 100:803] = 20  # the frame's top and bottom
    page[337:340, 100:803] = 20
    page[200:202, 103:800] = 200  # the pale row line
    page[202:230, 430:470] = 25  # a glyph's stroke touching it from below
    page = np.clip(page.astype(np.int16) + rng.integers(-4, 5, page.shape), 0, 255).astype(np.uint8)
    ink = pixels.ink_mask(page, dpi)
    segments, _ = pixels.ruling_segments(ink, dpi)
    row_lines = [s for s in segments if s.orientation == "h" and abs(s.position - 200.5 * 72 / dpi) < 1.0]
    assert len(row_lines) == 1, row_lines
    assert row_lines[0].start <= 104 * 72 / dpi and row_lines[0].end >= 799 * 72 / dpi
    assert (ink[205:228, 432:468] > 0).all()  # the glyph is print, not erased
