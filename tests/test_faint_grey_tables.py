"""Issue 17, class 2: faint grey table borders on 150 DPI grey scans (see also
test_faint_rulings.py). WPS prints 0.5 pt borders and many offices print them grey; scanned at 150 DPI and JPEG'd, such a line is
~1 px of grey 170-200, 15-25 below the paper where it falls between two sensor rows and
10-20 below a shaded row's fill. Lost, it merges label and value cells or drops a table.

The sample twin samples/scanned/scan-faint-r2024-wps-vertical-01.pdf (made by
samples/make_faint_scans.py: the digital sample's strokes re-printed 0.5 pt grey 0.68,
then scanned at 150 DPI grey, JPEG q45) is read to its grid here without OCR: before the
long pale runs were taken, 二 was not found on its page (only a 6-column piece of 三's head).
Session 8: broken faint rulings are bridged where the page shows the line along the whole
gap (`pixels.bridge_broken_rulings`): 四's sub-header row line under 未经复议直接起诉 (glyph
tops touch it) and the borders of shaded bands (10-20 below the fill).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from extract.scan.pixels import ink_mask, ruling_segments
from extract.scan.scanned_page import straighten, table_rulings
from extract.settings import DEFAULT_SETTINGS
from extract.table_shapes import table_shapes
from scanlib import embedded_page_image

ROOT = Path(__file__).resolve().parents[1]
FAINT = ROOT / "samples" / "scanned" / "scan-faint-r2024-wps-vertical-01.pdf"
FAINT_NARROW = ROOT / "samples" / "scanned" / "scan-faint-r2024-wps-narrow-review-01.pdf"


def _columns(path: Path, index: int) -> list[int]:
    """Column counts of the ruled tables found on a page (upright as scanned: no OCR)."""
    page = embedded_page_image(path, index)
    upright = straighten(page, None, turns=0)
    segments, _ = table_rulings(upright.ink, page.dpi, DEFAULT_SETTINGS, upright.seal)
    return [len(shape.xs) - 1 for shape in table_shapes(segments, DEFAULT_SETTINGS)]


@pytest.mark.skipif(not FAINT.exists(), reason="sample scan not generated")
def test_faint_grey_tables_are_found():
    # Page 2: 二 (4 columns: 信息内容 and three value columns), then the head of 三.
    columns = _columns(FAINT, 1)
    assert len(columns) == 2 and columns[0] == 4, columns


@pytest.mark.skipif(not FAINT.exists() or not FAINT_NARROW.exists(), reason="sample scans not generated")
def test_faint_review_header_and_shaded_bands_are_found():
    # Page 3 of the vertical twin: 三's tail, then 四 with all 15 columns (before the
    # bridge: 10, the 未经复议直接起诉 group's row line broken where glyph tops touch it).
    columns = _columns(FAINT, 2)
    assert len(columns) == 2 and columns[1] == 15, columns
    # Page 2 of the narrow twin: 二 between shaded bands, 4 columns (before: no table).
    assert _columns(FAINT_NARROW, 1) == [4]


def _paper(height: int, width: int, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, 5, (height, width))
    return np.clip(235 + cv2.GaussianBlur(noise, (0, 0), 0.7), 0, 255).astype(np.uint8)


def test_a_long_pale_line_is_ruling_a_short_pale_mark_is_not():
    """150 dpi: a 1 px line 18 below the paper (a faint border split between two sensor
    rows), 1 inch long, is found; the same at 1/3 inch (a pale mark) and paper noise are not."""
    dpi = 150.0
    gray = _paper(300, 400, 1)
    gray[100, 50:200] -= 18  # 1 inch
    gray[200, 50:100] -= 18  # 1/3 inch
    segments, _ = ruling_segments(ink_mask(gray, dpi), dpi)
    lines = [(s.orientation, round(s.position * dpi / 72), round(s.length * dpi / 72)) for s in segments]
    assert [(o, y) for o, y, _ in lines] == [("h", 100)], lines
    assert lines[0][2] >= 140


def _shaded_band_table(line: float, seed: int) -> np.ndarray:
    """A 150 dpi grey scan of a 4-column table of two shaded bands (merged cells, fill 214)
    each over two white rows: 1 px rulings of grey `line`, blurred, noisy, JPEG q45 (the
    way WPS prints a light-grey 0.5 pt border over 二's shaded 第二十条 rows)."""
    rng = np.random.default_rng(seed)
    page = np.full((420, 1100), 235.0)
    left, right, columns = 60, 1040, (300, 550, 800)
    rows = (60, 105, 150, 195, 240, 285, 330)
    for top, bottom in ((60, 105), (195, 240)):
        page[top:bottom, left:right] = 214.0
    for y in rows:
        page[y, left : right + 1] = line
    page[rows[0] : rows[-1] + 1, [left, right]] = line
    for x in columns:  # column lines in the white rows only: a band is one cell
        page[105:196, x] = line
        page[240:331, x] = line
    for top in (105, 150, 240, 285):  # a value's strokes in each white cell
        for x0, x1 in zip((left,) + columns, columns + (right,)):
            cx, cy = (x0 + x1) // 2, top + 22
            page[cy - 7 : cy + 8, cx - 20 : cx + 20 : 6] = 40.0
    page = cv2.GaussianBlur(page, (0, 0), 0.6) + cv2.GaussianBlur(rng.normal(0, 5, page.shape), (0, 0), 0.7)
    ok, jpeg = cv2.imencode(".jpg", np.clip(page, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 45])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def test_shaded_band_borders_are_bridged_and_bands_stay_merged():
    """The band borders (19 below the fill before the blur) are lost by the pixel passes;
    the column lines stopping at them are bridged to each other along the border. The
    bands themselves print no column line: they stay one cell over all four columns."""
    dpi = 150.0
    gray = _shaded_band_table(195.0, seed=3)
    segments, _ = table_rulings(ink_mask(gray, dpi), dpi, DEFAULT_SETTINGS)
    shapes = table_shapes(segments, DEFAULT_SETTINGS)
    assert len(shapes) == 1, shapes
    shape = shapes[0]
    px = dpi / 72
    assert [round(x * px / 10) for x in shape.xs] == [6, 30, 55, 80, 104], shape.xs
    ys = [round(y * px / 5) for y in shape.ys]
    assert ys[-6:] == [21, 30, 39, 48, 57, 66], shape.ys  # every row line from 105 px down
    band = ys.index(39)  # the second band's row: one cell across the table
    assert (band, 0, 1, 4) in shape.spans, shape.spans


def _band_without_lower_border(seed: int) -> np.ndarray:
    """A 150 dpi grey JPEG scan (q45) of a 2-column table whose shaded band (fill 212 on
    paper 235, merged over both columns, its label standing on its lower edge) has no
    border under it left at all, and the header row below it prints its text against the
    same edge: what a WPS-made 二 keeps of its last 第二十条 band on a faint scan."""
    rng = np.random.default_rng(seed)
    page = np.full((330, 1100), 235.0)
    left, right, column = 60, 1040, 400
    page[150:195, left:right] = 212.0
    for y in (60, 105, 150, 240, 285):
        page[y, left : right + 1] = 185.0
    page[60:286, [left, right]] = 185.0
    page[60:151, column] = 185.0
    page[195:286, column] = 185.0
    for top, x0, x1 in ((168, 80, 300), (196, 120, 330), (196, 560, 900)):  # glyph strokes touching the edge
        page[top : top + 25, x0:x1:7] = 45.0
    for top in (75, 120, 255):
        page[top : top + 15, 200:240:6] = 45.0
        page[top : top + 15, 700:740:6] = 45.0
    page = cv2.GaussianBlur(page, (0, 0), 0.6) + cv2.GaussianBlur(rng.normal(0, 5, page.shape), (0, 0), 0.7)
    ok, jpeg = cv2.imencode(".jpg", np.clip(page, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 45])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def test_a_shaded_band_whose_lower_border_is_lost_ends_where_its_fill_stops():
    """No line is left under the band for the bridge to follow (its label and the header
    below touch the edge): the row border is where the fill stops (`fills.fill_edges`), so
    the band stays a row of its own, one cell across, over the header row."""
    dpi = 150.0
    gray = _band_without_lower_border(seed=5)
    segments, _ = table_rulings(ink_mask(gray, dpi), dpi, DEFAULT_SETTINGS)
    shapes = table_shapes(segments, DEFAULT_SETTINGS)
    assert len(shapes) == 1, shapes
    shape = shapes[0]
    px = dpi / 72
    ys = [round(y * px / 5) for y in shape.ys]
    assert ys == [12, 21, 30, 39, 48, 57], shape.ys
    assert (2, 0, 1, 2) in shape.spans and (3, 0, 1, 1) in shape.spans, shape.spans
