"""Show-through from the back of a duplex sheet (extract/scan/show_through.py): the reverse
side's table, mirrored and faint, must not join the rulings of the table printed on this
side; pale rulings printed inside a black frame stay. Synthetic 200 dpi grey pages made the
way a thin duplex sheet scans: paper, this side's black print, the other side's print some
20 grey levels under the paper, blur, sensor noise and JPEG q55."""

from __future__ import annotations

import cv2
import numpy as np

from extract.scan.pixels import ink_mask
from extract.scan.scanned_page import table_rulings
from extract.settings import DEFAULT_SETTINGS
from extract.table_shapes import table_shapes

DPI = 200.0
PAPER = 231.0


def _scan(page: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = cv2.GaussianBlur(page, (0, 0), 0.7) + cv2.GaussianBlur(rng.normal(0, 4, page.shape), (0, 0), 0.7)
    ok, jpeg = cv2.imencode(".jpg", np.clip(page, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 55])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def _table(page: np.ndarray, left: int, top: int, columns: list[int], rows: list[int], level: float, double: bool) -> None:
    """Rulings (2 px) of a table at `level`; with `double`, its outer border drawn twice
    3 px apart, and a stroke pattern standing for a value in every cell."""
    right, bottom = columns[-1], rows[-1]
    for y in rows:
        page[y : y + 2, left : right + 2] = np.minimum(page[y : y + 2, left : right + 2], level)
    for x in [left] + columns:
        page[top : bottom + 2, x : x + 2] = np.minimum(page[top : bottom + 2, x : x + 2], level)
    if double:
        page[top - 4 : top - 2, left - 4 : right + 6] = level
        page[bottom + 4 : bottom + 6, left - 4 : right + 6] = level
        page[top - 4 : bottom + 6, left - 4 : left - 2] = level
        page[top - 4 : bottom + 6, right + 4 : right + 6] = level
    for y0, y1 in zip(rows, rows[1:]):
        for x0, x1 in zip([left] + columns, columns):
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            page[cy - 12 : cy + 12, cx - 14 : cx + 14 : 5] = np.minimum(page[cy - 12 : cy + 12, cx - 14 : cx + 14 : 5], level)


def _duplex_fragment(seed: int) -> np.ndarray:
    """The last two rows of a table carried onto a page (double outer border), with the
    back side's table showing through: its top line runs through the fragment's second
    row and on past its right border, its body below the fragment."""
    page = np.full((900, 1500), PAPER)
    back = PAPER - 20
    _table(page, 330, 150, [400, 600, 800, 1000, 1300], [150, 260, 420, 560, 700], back, double=False)
    _table(page, 100, 80, [400, 550, 700, 850, 1000, 1150], [80, 130, 180], 60.0, double=True)
    return _scan(page, seed)


def _shapes(gray: np.ndarray, with_gray: bool):
    segments, _ = table_rulings(ink_mask(gray, DPI), DPI, DEFAULT_SETTINGS, gray=gray if with_gray else None)
    return table_shapes(segments, DEFAULT_SETTINGS)


def _px(values) -> list[int]:
    return [round(v * DPI / 72 / 10) * 10 for v in values]


def test_show_through_lines_do_not_join_the_fragment():
    gray = _duplex_fragment(seed=5)
    before = _shapes(gray, with_gray=False)
    # Without the darkness test the back's lines are taken into the fragment's table.
    assert any(max(_px(s.ys)) >= 250 or max(_px(s.xs)) >= 1250 for s in before), [(_px(s.xs), _px(s.ys)) for s in before]
    shapes = [s for s in _shapes(gray, with_gray=True) if min(_px(s.ys)) < 200]
    assert len(shapes) == 1, [(_px(s.xs), _px(s.ys)) for s in shapes]
    xs, ys = _px(shapes[0].xs), _px(shapes[0].ys)
    assert xs[-1] <= 1160 and ys[-1] <= 190, (xs, ys)  # the fragment's frame, nothing beyond
    assert len(ys) == 3, ys  # two rows: the back's top line through row 2 is no row line
    assert len(xs) == 7, xs


def test_pale_rulings_inside_a_black_frame_stay():
    """Black outer border, light-grey inner rulings (printed, 60 under the paper): kept."""
    page = np.full((700, 1300), PAPER)
    left, top, right, bottom = 100, 100, 1100, 500
    _table(page, left, top, [400, 700, 1000, right], [top, 200, 300, 400, bottom], PAPER - 60, double=False)
    for y in (top, bottom):
        page[y : y + 3, left : right + 3] = 50.0
    for x in (left, right):
        page[top : bottom + 3, x : x + 3] = 50.0
    gray = _scan(page, seed=7)
    shapes = _shapes(gray, with_gray=True)
    assert len(shapes) == 1
    assert len(shapes[0].xs) == 5 and len(shapes[0].ys) == 5, (_px(shapes[0].xs), _px(shapes[0].ys))
