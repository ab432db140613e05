"""Numbers under a seal: what a seal's lettering over a value does to its reading.

A seal stamped over 三's last columns (grey after colour-to-grey conversion, 200 DPI) lies
over two 0s: its lettering makes the first reading of each "C" or a Chinese character, unsure.
Second readings of an unsure line are read the way the recogniser's own pipeline pads a
line (`recognize_lines(..., wide=True)`): there both read "0" and the rules settle the cells
(session 6's tight batches read them "A" and "U" and left two unknowns).

A grey seal's star or lettering over a value is cut as a line of its own and read as a
stray, unsure digit: inside a seal's ring (`scan.seals.seal_discs`) such a line is dropped
when the cell's other lines read surely as a number, and the cell keeps its doubt.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from extract.geometry import BBox
from extract.page import TextBox
from extract.scan.ocr import LineResult, get_engine
from extract.scan.scanned_page import (
    _dark_only,
    _doubtful,
    _LineCrop,
    _nothing_left,
    _seal_fragments,
    _without_fragments,
    _without_stray_seal_characters,
    read_upright_image,
    straighten,
)
from extract.scan.seals import SealDisc, seal_discs, without_seal_ink, without_seal_strokes
from extract.settings import DEFAULT_SETTINGS
from extract.tables.grid import grids_on_page
from scanlib import embedded_page_image

ROOT = Path(__file__).resolve().parents[1]
ZEROS = ROOT / "samples" / "scanned" / "scan-r2025-zeros-split-unable-01.pdf"


@pytest.mark.skipif(not ZEROS.exists(), reason="sample scan not generated")
def test_zeros_under_a_grey_seal_offer_zero():
    """三's last four columns of 1.予以公开 and 2.部分公开 on page 3, the seal's ring and
    lettering over their right half: each cell's reading, or one of its second readings, is "0"."""
    engine = get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)
    image = embedded_page_image(ZEROS, 2)
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


def _ring_page(dpi: float, ring: bool) -> np.ndarray:
    """An A4-wide strip of a ruled table (grey print on white), with a grey round seal's
    ring (42 mm across, 1 mm stroke, mid-grey as a red seal turned grey) over its right side."""
    px = dpi / 25.4
    page = np.full((int(120 * px), int(180 * px)), 255, np.uint8)
    for k in range(8):  # rows every 12 mm, columns every 20 mm
        cv2.line(page, (0, int((10 + 12 * k) * px)), (page.shape[1], int((10 + 12 * k) * px)), 30, 2)
    for k in range(10):
        cv2.line(page, (int((5 + 20 * k) * px), 0), (int((5 + 20 * k) * px), page.shape[0]), 30, 2)
    for k in range(7):
        cv2.putText(page, "0", (int((12 + 20 * k) * px), int((19 + 12 * k) * px)), cv2.FONT_HERSHEY_SIMPLEX, px / 6, 20, 2)
    if ring:
        cv2.circle(page, (int(130 * px), int(60 * px)), int(21 * px), 120, max(2, int(px)))
    return page


def test_a_grey_seal_ring_is_found_and_a_ruled_table_is_no_seal():
    for dpi in (150.0, 300.0):
        discs = seal_discs(_ring_page(dpi, ring=True), dpi)
        assert len(discs) == 1, (dpi, discs)
        px = dpi / 25.4
        assert abs(discs[0].x - 130 * px) < 2 * px and abs(discs[0].radius - 21 * px) < 2 * px
        assert seal_discs(_ring_page(dpi, ring=False), dpi) == []


def _line(text: str, confidence: float, top: int) -> tuple[TextBox, _LineCrop]:
    box_px = (100, top, 140, top + 20)
    return TextBox(text, BBox(*(v * 0.48 for v in box_px)), confidence, "ocr"), _LineCrop(np.zeros((20, 40), np.uint8), box_px)


def test_an_unsure_line_in_a_seal_over_a_sure_number_is_dropped_and_leaves_its_doubt():
    """A grey seal's star over "4", cut as a line of its own above the print: "4" (0.39)
    over "4" (0.93) read 44 (scan-r2023-word-tbrl). In the seal's ring it is dropped, and
    the cell's "4" keeps the dropped line's low confidence (a warning, never sure)."""
    seal = [SealDisc(120.0, 110.0, 120.0)]
    star, printed = _line("4", 0.39, 90), _line("4", 0.93, 112)
    boxes, crops = [star[0], printed[0]], [star[1], printed[1]]
    fragments = _seal_fragments(boxes, crops, [0, 0], seal, 0.9)
    assert fragments == {0: 0.39}
    kept, _ = _without_fragments(boxes, [None, None], [0, 0], fragments)
    assert [(b.text, b.confidence) for b in kept] == [("4", 0.39)]
    # outside any seal, both unsure, or the sure line no number: the lines stay as read
    assert _seal_fragments(boxes, crops, [0, 0], [SealDisc(900.0, 900.0, 120.0)], 0.9) == {}
    assert _seal_fragments(boxes, crops, [0, 0], [], 0.9) == {}
    unsure = [star[0], replace(printed[0], confidence=0.5)]
    assert _seal_fragments(unsure, crops, [0, 0], seal, 0.9) == {}
    word = [star[0], replace(printed[0], text="城")]
    assert _seal_fragments(word, crops, [0, 0], seal, 0.9) == {}
    # lines of two different cells are never one cell's fragment
    assert _seal_fragments(boxes, crops, [0, 1], seal, 0.9) == {}


def _zero_under_ring(dpi: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A value cell's line crop (150-300 dpi grey scan): a printed "0" (thin, near black)
    with a grey seal's ring (a 1.2 mm mid-grey band, ~115 as measured on tbrl) running across it, the stamp's ink
    laid over the print (multiplied, as a stamp pad prints over toner). -> the crop, the
    digit's pixels and the ring's pixels."""
    px = dpi / 25.4
    height, width = int(7 * px), int(14 * px)
    digit = np.zeros((height, width), np.uint8)
    cv2.putText(digit, "0", (int(3 * px), int(5.5 * px)), cv2.FONT_HERSHEY_SIMPLEX, px / 9, 255, max(2, int(px / 3)))
    ring = np.zeros_like(digit)
    cv2.circle(ring, (int(26 * px), int(-12 * px)), int(27 * px), 255, int(1.2 * px))
    paper = np.full((height, width), 235.0)
    page = paper * np.where(digit > 0, 50 / 235, 1.0) * np.where(ring > 0, 112 / 235, 1.0)
    page = cv2.GaussianBlur(page, (0, 0), 0.7) + np.random.default_rng(seed).normal(0, 5, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8), digit > 0, (ring > 0) & (digit == 0)


def test_a_seal_ring_across_a_zero_is_taken_out_and_the_zero_kept():
    """tbrl's "a" for 0 (a grey seal's ring across the digit): the darkest-strokes reread
    keeps the ring (its grey is darker than the cut), so no second reading offered "0". With
    the broad strokes taken out, the ring goes and the digit stays whole, also where the
    two cross; a crop without broad strokes is left alone."""
    for dpi, seed in ((150.0, 1), (200.0, 2), (300.0, 3)):
        crop, digit, ring = _zero_under_ring(dpi, seed)
        cleaned = without_seal_strokes(crop, dpi)
        assert cleaned is not None
        ink = cleaned == 0
        assert ink[digit].mean() > 0.85, (dpi, ink[digit].mean())
        eroded_ring = cv2.erode(ring.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        assert ink[eroded_ring].mean() < 0.05, (dpi, ink[eroded_ring].mean())
        assert (_dark_only(crop) == 0)[eroded_ring].mean() > 0.5  # what the old reread kept
    plain = np.full((21, 42), 235, np.uint8)
    cv2.putText(plain, "0", (12, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 40, 2)
    assert without_seal_strokes(plain, 150.0) is None


def test_a_lone_latin_letter_in_a_cell_is_read_again():
    """"a" read confidently (0.92) where a 0 lies under a seal: no label of the template
    reads as one or two Latin letters, so such a reading gets second readings; blank marks
    and numbers do not."""
    settings = DEFAULT_SETTINGS
    assert _doubtful(LineResult("a", 0.92), settings)
    assert _doubtful(LineResult("UP", 0.95), settings)
    assert not _doubtful(LineResult("/", 0.95), settings)
    assert not _doubtful(LineResult("-", 0.95), settings)
    assert not _doubtful(LineResult("0", 0.95), settings)


def test_a_character_or_mark_beside_a_number_on_a_seal_goes_only_when_the_seal_was_it():
    """"茶3897" / "0." on a red seal at JPEG q40: the line read again with the seal's ink
    taken out gives the number alone, so the character was seal ink; any other reading
    leaves the line as it was (no number: reported unreadable)."""
    first = [LineResult("茶3897", 0.95), LineResult("0.", 0.93), LineResult("茶3897", 0.95), LineResult("规章", 0.99)]
    stray = [True, True, True, False]
    again = {0: LineResult("3897", 0.97), 1: LineResult("0", 0.99), 2: LineResult("3891", 0.97)}
    out = _without_stray_seal_characters(first, [0, 1, 2, 3], again, stray)
    assert [(r.text, r.confidence) for r in out] == [("3897", 0.95), ("0", 0.93), ("茶3897", 0.95), ("规章", 0.99)]
    # not on a seal (stray False): as read
    assert _without_stray_seal_characters(first[:1], [0], {0: LineResult("3897", 0.97)}, [False])[0].text == "茶3897"


def test_a_line_of_red_seal_ink_over_a_number_is_dropped():
    """The straight lettering of a red seal, whitened at q40, left a line of its own over
    871,194 that read as nothing ("?"): on red ink, unsure, over a surely read number, it is
    dropped. Nothing left of it once the seal's ink is out: the cell keeps no doubt;
    otherwise it keeps the line's (a warning)."""
    residue, printed = _line("?", 0.0, 90), _line("871,194", 0.99, 112)
    boxes, crops = [residue[0], printed[0]], [residue[1], printed[1]]
    assert _seal_fragments(boxes, crops, [0, 0], [], 0.9, [True, False], {0}) == {0: 1.0}
    assert _seal_fragments(boxes, crops, [0, 0], [], 0.9, [True, False], set()) == {0: 0.0}
    assert _seal_fragments(boxes, crops, [0, 0], [], 0.9, [False, False], {0}) == {}
    # beside a label (a section band's 第二十条第（六）项): only a line nothing was left of goes
    letters, label = _line("WT09", 0.14, 90), _line("第二十条第（六）项", 0.99, 112)
    band, band_crops = [letters[0], label[0]], [letters[1], label[1]]
    assert _seal_fragments(band, band_crops, [0, 0], [], 0.9, [True, False], {0}) == {0: 1.0}
    assert _seal_fragments(band, band_crops, [0, 0], [], 0.9, [True, False], set()) == {}


def test_a_seal_speck_read_as_a_character_goes_beside_an_unsure_number():
    """Held-out 9 s12: a red seal's lettering, whitened at q40, left specks read as "茶"
    (0.10) beside 3897, itself unsure (0.67: a seal stroke crosses its 8). Read again
    without the seal's ink the specks are only "：" (`_nothing_left`): they go, and 3897
    keeps its own doubt. A seal-less "/" or "1" is print: nothing goes."""
    specks, printed = _line("茶", 0.10, 90), _line("3897", 0.67, 112)
    boxes, crops = [specks[0], printed[0]], [specks[1], printed[1]]
    emptied = {i for i, again in enumerate(["：", "3R9"]) if _nothing_left(again)}
    assert emptied == {0}
    fragments = _seal_fragments(boxes, crops, [0, 0], [], 0.9, [True, True], emptied)
    assert fragments == {0: 1.0}
    kept, _ = _without_fragments(boxes, [None, None], [0, 0], fragments)
    assert [(b.text, b.confidence) for b in kept] == [("3897", 0.67)]
    assert not _nothing_left("/") and not _nothing_left("1") and not _nothing_left("—")
    # off the seal, or beside a line that is no number, or a number itself: it stays
    assert _seal_fragments(boxes, crops, [0, 0], [], 0.9, [False, True], emptied) == {}
    label = [specks[0], replace(printed[0], text="行政许可", confidence=0.6)]
    assert _seal_fragments(label, crops, [0, 0], [], 0.9, [True, True], emptied) == {}
    digit = [replace(specks[0], text="4"), printed[0]]
    assert _seal_fragments(digit, crops, [0, 0], [], 0.9, [True, True], emptied) == {}


def test_dark_specks_of_a_whitened_red_seal_beside_a_digit_go():
    """A 0 (print) with a dark speck beside it where the stamp's ink was densest (the red
    mask around it): the speck goes, the digit stays; without red ink nearby it stays."""
    crop = np.full((24, 40), 236, np.uint8)
    cv2.putText(crop, "0", (4, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 40, 2)
    digit = crop < 150
    crop[15:18, 26:30] = 45  # the speck
    red = np.zeros_like(crop)
    red[10:22, 24:38] = 255
    cleaned = without_seal_ink(crop, 150.0, red)
    assert cleaned is not None
    assert (cleaned[15:18, 26:30] > 150).all()
    assert (cleaned[digit] < 150).mean() > 0.95
    assert without_seal_ink(crop, 150.0, np.zeros_like(crop)) is None
