"""Camera captures (issue 17, class 3): a page photographed at an angle (keystone) or lying
curled near the binding is flattened from its table's own rulings before the grid is built
(extract/scan/perspective.py), and its boxes still map back onto the stored image.

The pages are made here: a digital sample's page (section 三 continued, and 四) rendered at
150 dpi and warped by a known perspective, or a ruled grid drawn and curled.
"""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from extract.read.pdf import read_page
from extract.scan.ocr import get_engine
from extract.scan.perspective import estimate_flattening
from extract.page import PageImage
from extract.scan.pixels import ink_mask, seal_mask, to_gray_without_red, without_colour_cast
from extract.scan.scanned_page import read_scanned_page, scan_frame, straighten
from extract.settings import DEFAULT_SETTINGS
from extract.tables.grid import grids_on_page

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "samples" / "r2021-split-unable-norepeat-01.pdf"
PAGE_INDEX = 3  # page 4: the end of 三 (continued from page 3) and 四
DPI = 150.0
DESK = 150  # grey of the desk around the sheet


def _keystone_matrix(width: int, height: int, kx: float, ky: float) -> np.ndarray:
    """Perspective of a camera not square to the sheet: the top edge kx shorter than the
    bottom one (fraction of the width), the left edge ky shorter than the right one (a
    negative value: the other way); the sheet shrunk to 94 % inside the frame."""
    fit = 0.94
    mx, my, w, h = width * (1 - fit) / 2, height * (1 - fit) / 2, width * fit, height * fit
    dst = [
        [mx + max(kx, 0) * w / 2, my + max(ky, 0) * h / 2],
        [mx + w - max(kx, 0) * w / 2, my + max(-ky, 0) * h / 2],
        [mx + w - max(-kx, 0) * w / 2, my + h - max(-ky, 0) * h / 2],
        [mx + max(-kx, 0) * w / 2, my + h - max(ky, 0) * h / 2],
    ]
    src = [[0, 0], [width, 0], [width, height], [0, height]]
    return cv2.getPerspectiveTransform(np.float32(src), np.float32(dst))


def _photograph(gray: np.ndarray, matrix: np.ndarray, seed: int = 3) -> np.ndarray:
    """The sheet warped by `matrix` onto the desk, slightly blurred and noisy (BGR)."""
    h, w = gray.shape
    out = cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=DESK)
    out = cv2.GaussianBlur(out, (0, 0), 0.5).astype(np.float32)
    out += np.random.default_rng(seed).normal(0, 4, out.shape)
    return cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


@pytest.fixture(scope="module")
def source():
    """The digital page: its rendering at DPI (grey) and its text-layer reading."""
    doc = pdfium.PdfDocument(str(SOURCE))
    try:
        gray = doc[PAGE_INDEX].render(scale=DPI / 72, grayscale=True).to_numpy()
        gray = np.ascontiguousarray(gray if gray.ndim == 2 else gray[:, :, 0])
        content = read_page(doc, PAGE_INDEX, DEFAULT_SETTINGS)
    finally:
        doc.close()
    return gray, content


@pytest.fixture(scope="module")
def keystoned(source):
    gray, _ = source
    matrix = _keystone_matrix(gray.shape[1], gray.shape[0], 0.05, -0.045)
    return PageImage(PAGE_INDEX + 1, _photograph(gray, matrix), DPI), matrix


def _project(matrix: np.ndarray, x: float, y: float) -> tuple[float, float]:
    u, v, w = matrix @ np.array([x, y, 1.0])
    return u / w, v / w


def test_a_keystoned_table_comes_out_with_parallel_axis_aligned_rulings(source, keystoned) -> None:
    """Every crossing of the printed table's rulings, carried through the camera's
    perspective and then through the scan stage's own correction (`scan_frame`, inverted:
    stored image -> frame read), lies on one row line and one column line again."""
    _, content = source
    page, camera = keystoned
    upright = straighten(page, engine=None, turns=0)
    assert upright.flattening is not None and upright.flattening.corner_shift_px > 10
    to_image = np.array(scan_frame(page, upright).to_image).reshape(3, 3)
    to_read = np.linalg.inv(to_image)
    px = DPI / 72.0
    grids = grids_on_page(content, DEFAULT_SETTINGS)
    assert grids
    for grid in grids:
        points = np.array(
            [[_project(to_read, *(np.array(_project(camera, x * px, y * px)) / px)) for x in grid.xs] for y in grid.ys]
        )  # [row line, column line, (x, y)] in points of the frame read
        # Without the correction a row's ends differ by 8 pt and a column's by 5 pt here; with it,
        # by about 0.1 pt.
        assert np.ptp(points[:, :, 1], axis=1).max() < 0.5, "a row ruling still slopes"
        assert np.ptp(points[:, :, 0], axis=0).max() < 0.5, "a column ruling still leans"


def test_a_flat_scan_is_left_alone(source) -> None:
    """Deskewed flatbed pages have parallel rulings: nothing to flatten, the page is read
    exactly as before."""
    gray, _ = source
    assert estimate_flattening(gray, ink_mask(gray, DPI), DPI) is None


def test_rulings_that_meet_no_common_point_leave_the_page_alone() -> None:
    """Horizontal rulings tilted every which way are no perspective: nothing is done."""
    image = np.full((1200, 900), 246, np.uint8)
    rng = np.random.default_rng(5)
    for k, y in enumerate(range(200, 1000, 60)):
        tilt = (1 if k % 2 else -1) * rng.uniform(8, 14)  # px over the run
        cv2.line(image, (120, int(y - tilt)), (780, int(y + tilt)), 0, 2)
    for x in (120, 450, 780):
        cv2.line(image, (x, 180), (x, 1000), 0, 2)
    assert estimate_flattening(image, ink_mask(image, DPI), DPI) is None


def _curled_grid(curl_px: float) -> np.ndarray:
    """A ruled grid whose horizontal rulings bow towards the page's middle row near the
    left edge (a sheet dipping into the binding): by curl_px at the grid's left border."""
    h, w = 1400, 1000
    flat = np.full((h, w), 246, np.uint8)
    for y in range(200, 1201, 50):
        cv2.line(flat, (100, y), (900, y), 0, 2)
    for x in (100, 250, 400, 550, 700, 900):
        cv2.line(flat, (x, 200), (x, 1200), 0, 2)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    weight = np.clip(1.0 - xs / 400.0, 0, 1) ** 2  # 1 at the page edge, 0 from x = 400
    weight /= (1.0 - 100 / 400.0) ** 2  # curl_px at the grid's left border
    shrink = curl_px / (h / 2 - 200) * weight  # the top and bottom rulings bow curl_px
    map_y = h / 2 + (ys - h / 2) / (1.0 - shrink)
    return cv2.remap(flat, xs, map_y, cv2.INTER_LINEAR, borderValue=246)


def _ruling_rows(gray: np.ndarray, column: int) -> np.ndarray:
    """Centre rows of the dark runs crossing one pixel column."""
    dark = gray[:, column - 2 : column + 3].mean(axis=1) < 128
    edges = np.flatnonzero(np.diff(dark.astype(np.int8)))
    return (edges[0::2] + edges[1::2]) / 2


def test_curled_rulings_are_straightened() -> None:
    image = _curled_grid(6.0)
    near, far = _ruling_rows(image, 110), _ruling_rows(image, 600)
    assert len(near) == len(far) and np.abs(near - far).max() > 5  # bowed as made
    flattening = estimate_flattening(image, ink_mask(image, DPI), DPI)
    assert flattening is not None and flattening.curl_map is not None
    flat = flattening.apply(image)
    near, far = _ruling_rows(flat, 110), _ruling_rows(flat, 600)
    assert len(near) == len(far) and np.abs(near - far).max() <= 1.5


def _numbers(grid) -> list[list[str]]:
    return [[re.sub(r"\D", "", cell.text) for cell in grid.row_cells(row)] for row in range(grid.n_rows)]


def test_a_keystoned_page_reads_like_its_text_layer(source, keystoned) -> None:
    """End to end on one page: the tables read from the photograph have the text layer's
    rows and columns and the same numbers in every cell, and a cell's box maps back onto
    the photograph where the camera put that cell (what a searchable copy or a crop
    relies on)."""
    _, digital = source
    page, camera = keystoned
    engine = get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)
    content = read_scanned_page(page, engine, DEFAULT_SETTINGS, page_text=False)
    read, printed = grids_on_page(content, DEFAULT_SETTINGS), grids_on_page(digital, DEFAULT_SETTINGS)
    assert [(g.n_rows, g.n_cols) for g in read] == [(g.n_rows, g.n_cols) for g in printed]
    for got, want in zip(read, printed):
        assert _numbers(got) == _numbers(want)
    px = DPI / 72.0
    for got, want in zip(read, printed):
        for cell_read, cell_printed in zip(got.cells, want.cells):
            x, y = content.scan_frame.image_point(*cell_read.bbox.center)
            u, v = _project(camera, *(np.array(cell_printed.bbox.center) * px))
            assert abs(x - u / px) < 2.0 and abs(y - v / px) < 2.0


def _warm_photo(gray: np.ndarray, depth: float) -> tuple[np.ndarray, np.ndarray]:
    """The page as a phone sees it under a warm lamp at its top left (BGR; blue falls by
    up to `depth`, green by half of it, growing away from the lamp), with a red seal
    stamped on it; and where the seal is (bool)."""
    h, w = gray.shape
    bgr = cv2.cvtColor((gray.astype(np.float32) * 246 / 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    seal = np.zeros((h, w), np.uint8)
    cv2.circle(seal, (w * 2 // 3, h // 2), int(DPI * 0.75), 255, int(DPI / 25))
    cv2.circle(seal, (w * 2 // 3, h // 2), int(DPI * 0.2), 255, -1)
    bgr[seal > 0] = (40, 30, 205)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    far = 0.4 + 0.6 * np.hypot(xx / w, yy / h) / np.sqrt(2)
    gain = np.stack([1 - 1.33 * depth * far, 1 - 0.83 * depth * far, 1 - 0.33 * depth * far], axis=-1)
    return np.clip(bgr * gain, 0, 255).astype(np.uint8), seal > 0


def test_a_warm_lamp_is_no_red_seal(source) -> None:
    """A phone photo under warm light tints the whole sheet orange: the red-ink test must
    still take only the seal for red ink, and the grey page read must carry the print's
    ink and no blotches where the tint crosses that test's threshold."""
    gray, _ = source
    photo, seal = _warm_photo(gray, 0.25)
    red = seal_mask(photo)
    assert red is not None
    assert (red[seal] > 0).mean() > 0.9, "the seal is red ink"
    assert (red[~seal] > 0).mean() < 0.01, "the paper is no red ink"
    neutral_ink = ink_mask(to_gray_without_red(_warm_photo(gray, 0.0)[0]), DPI)
    warm_ink = ink_mask(to_gray_without_red(photo), DPI)
    # The same print: ink pixels agree but for JPEG-like edge noise (before the tint was
    # removed, half the sheet turned to ink here).
    assert np.count_nonzero(warm_ink != neutral_ink) < 0.02 * np.count_nonzero(neutral_ink)


def test_a_neutral_page_is_not_recoloured(source) -> None:
    gray, _ = source
    photo, _ = _warm_photo(gray, 0.0)
    assert without_colour_cast(photo) is photo


def test_a_mild_keystone_under_tables_in_mid_page_is_corrected() -> None:
    """Two ruled blocks in the middle of the sheet (二, then 三's first rows), the camera
    3 % off square sideways: the blocks' corners move by less than 3 pt, but their
    horizontal rulings converge by ~7 pt, so row rulings tilt against each other and
    thin rows run together at one end. The page is flattened: every ruling is level
    again, its ends within a pixel."""
    h, w = 1754, 1241
    page = np.full((h, w), 246, np.uint8)
    for y in list(range(700, 1000, 36)) + list(range(1300, 1420, 30)):
        cv2.line(page, (180, y), (1060, y), 0, 2)
    for x in (180, 460, 1060):
        cv2.line(page, (x, 700), (x, 988), 0, 2)
        cv2.line(page, (x, 1300), (x, 1390), 0, 2)
    image = cv2.warpPerspective(page, _keystone_matrix(w, h, 0.0, 0.03), (w, h), borderValue=DESK)
    left, right = _ruling_rows(image, 260), _ruling_rows(image, 980)
    assert len(left) == len(right) == 13 and np.abs(left - right).max() > 5  # tilted as made
    flattening = estimate_flattening(image, ink_mask(image, DPI), DPI)
    assert flattening is not None and flattening.corner_shift_px < 3.0 * DPI / 72
    flat = flattening.apply(image)
    left, right = _ruling_rows(flat, 260), _ruling_rows(flat, 980)
    assert len(left) == len(right) == 13 and np.abs(left - right).max() <= 1.0
