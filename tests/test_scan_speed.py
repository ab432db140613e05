"""Work a scanned page is spared, on real pages of the slash twin (200 DPI grey TIFF, a grey
seal): what is known without reading a crop again is not read again, and the readings
stay as they were. Speed itself is measured in benchmarks/bench_scan.py, not here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extract.read.images import load_image_pages
from extract.scan import scanned_page as scan
from extract.scan.ocr import get_engine
from extract.settings import DEFAULT_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
SLASHES = ROOT / "samples" / "scanned" / "scan-seal-r2022-nulls-slash-01.tif"


class CountingEngine:
    """The real engine, keeping the crops of each recognition call and whether it was wide."""

    def __init__(self, engine):
        self.engine, self.name = engine, engine.name
        self.calls: list[tuple[int, bool]] = []

    def recognize_lines(self, crops, wide=False):
        self.calls.append((len(crops), wide))
        return self.engine.recognize_lines(crops, wide=wide)

    def read_page(self, image, **options):
        return self.engine.read_page(image, **options)

    def detect_lines(self, image, **options):
        return self.engine.detect_lines(image, **options)


@pytest.fixture(scope="module")
def pages():
    if not SLASHES.exists():
        pytest.skip("sample scan not generated")
    return load_image_pages(SLASHES, DEFAULT_SETTINGS)


@pytest.fixture(scope="module")
def engine():
    return get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)


def test_a_slash_keeps_its_one_and_a_sure_label_is_not_read_twice(pages, engine):
    """二's 规章 and 行政规范性文件 rows on page 2 print "/" for nothing to report. The
    recogniser reads a slash "1"; its slant makes it "/" (unsure), and the reading "1" stays
    its alternative, as second readings of slashes said (all 103 of this twin's read "1"
    again): no second reading is asked for. An upright "1" in the same rows stays "1". The
    row label 规章, two characters read surely alone in their cell (as a seal's lettering
    over a number may read), is a template label: not read again either, nor with red seal
    ink in its box (alone in its cell, it is no seal fragment)."""
    page = pages[1]
    upright = scan.straighten(page, engine, turns=0)
    px = page.dpi / 72.0
    # Points of the upright page: 二's first block, its row labels and value columns, from
    # the header row down to 行政规范性文件's row.
    window = (slice(int(350 * px), int(412 * px)), slice(int(40 * px), int(520 * px)))
    counting = CountingEngine(engine)
    content = scan.read_upright_image(
        2, upright.gray[window], upright.ink[window], page.dpi, counting, DEFAULT_SETTINGS, False
    )
    slashes = [box for box in content.boxes if box.text == "/"]
    assert len(slashes) == 4, [(b.text, b.confidence) for b in content.boxes]
    assert all(box.alternatives == ("1",) and box.confidence < DEFAULT_SETTINGS.min_ocr_confidence for box in slashes)
    texts = {box.text for box in content.boxes}
    assert {"规章", "1", "138", "本年制发件数", "现行有效件数"} <= texts
    assert not [call for call in counting.calls if call[1]], counting.calls

    (label,) = [box for box in content.boxes if box.text == "规章"]
    seal = np.zeros(upright.gray[window].shape[:2], dtype=np.uint8)
    x, y = int((label.bbox.x0 + label.bbox.x1) / 2 * px), int((label.bbox.top + label.bbox.bottom) / 2 * px)
    seal[y - 2 : y + 3, x - 2 : x + 3] = 255  # a few red pixels in the label's box
    counting = CountingEngine(engine)
    again = scan.read_upright_image(
        2, upright.gray[window], upright.ink[window], page.dpi, counting, DEFAULT_SETTINGS, False, seal=seal
    )
    # Alone in its cell, the label is no seal fragment: not read again on the seal either.
    assert "规章" in {box.text for box in again.boxes}
    assert not [call for call in counting.calls if call[1]], counting.calls


def test_second_readings_skip_pieces_of_numbered_labels_not_value_cells():
    """A numbered label wrapped in its cell (三's "3.补正后申请内容仍不" over "明确"): its
    number is no value, the piece "明确" is a label's, not read twice; a number with one
    Chinese character on a line of its own (a seal's lettering over a value) is."""
    from extract.scan.ocr import LineResult

    lines = [LineResult("3.补正后申请内容仍不", 0.99), LineResult("明确", 0.99), LineResult("5", 0.99), LineResult("明", 0.99)]
    cells = [0, 0, 1, 1]
    in_label = scan._in_label_cells(lines, cells)
    assert in_label == [True, True, False, False]
    assert [scan._doubtful(r, DEFAULT_SETTINGS, lab) for r, lab in zip(lines, in_label)] == [False, False, False, True]
    # Read surely: a short template label, and a blank mark alone in its cell, cannot change
    # their cell by a second reading; the same mark beside another line, or unsure, can.
    assert scan._second_reading_unused(LineResult("总计", 0.99), False, DEFAULT_SETTINGS)
    assert scan._second_reading_unused(LineResult("无", 1.0), True, DEFAULT_SETTINGS)
    assert not scan._second_reading_unused(LineResult("无", 1.0), False, DEFAULT_SETTINGS)
    assert not scan._second_reading_unused(LineResult("无", 0.8), True, DEFAULT_SETTINGS)
    assert not scan._second_reading_unused(LineResult("明", 1.0), True, DEFAULT_SETTINGS)
    # On a seal, a sure 总计 beside another line of its cell is read again (without the
    # seal's ink it may be no print at all); alone in its cell, or off the seal, it is not.
    lines = [LineResult("总计", 1.0), LineResult("5", 0.99), LineResult("总计", 1.0), LineResult("总计", 1.0)]
    cells, on_seal = [0, 0, 1, 2], [True, False, True, False]
    assert scan._to_read_again(lines, cells, [False] * 4, on_seal, [False] * 4, DEFAULT_SETTINGS) == [0]


def test_an_upright_page_reads_its_sample_lines_one_way_only(pages, engine):
    """The turn vote reads a page's longest lines as they lie; when they read as upright
    Chinese the half-turn is not read. Turned upside down, the same page is read both ways
    and still turned right."""
    gray, dpi = scan.geometry_view(scan.straighten(pages[1], engine, turns=0).gray, pages[1].dpi)
    for applied in (0, 2):
        turned = np.ascontiguousarray(np.rot90(gray, applied))
        counting = CountingEngine(engine)
        found = scan.upright_turns(turned, scan.ink_mask(turned, dpi), dpi, counting)
        assert (found + applied) % 4 == 0
        # Upright: the two longest lines read, as they lie, and nothing more. Upside down:
        # those two, the rest of the sample lines, then all of them turned by a half.
        expected = [(scan._UPRIGHT_LINES, False)] if applied == 0 else [(scan._UPRIGHT_LINES, False), (2, False), (4, False)]
        assert counting.calls == expected, counting.calls
