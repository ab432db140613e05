"""Cell crops rendered again from the source file: each crop shows the value read there."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest
from conftest import SAMPLES

from extract.pipeline import extract_file
from extract.scan.ocr import get_engine
from extract.show.crops import DocumentCrops, SourceMissing, find_source

DIGITAL = SAMPLES / "r2022-landscape-review-01.pdf"
# Page 4 (四) was scanned sideways: its crops come from the page turned upright.
SCANNED = SAMPLES / "scanned" / "scan-r2022-landscape-review-01.pdf"


@pytest.fixture(scope="module")
def engine():
    return get_engine("rapidocr")


def _numeric_keys(report, per_page: int) -> list[str]:
    """From every page with cells, cells printed as integers: mostly of two or more digits
    (distinct enough to tell apart), spread over the page, and one single digit."""
    keys = []
    for page in sorted({c.page for c in report.cells.values()}):
        plain = [k for k, c in report.cells.items() if c.page == page and c.text.isdigit()]
        long = [k for k in plain if len(report.cells[k].text) >= 2]
        short = [k for k in plain if len(report.cells[k].text) == 1]
        keys += long[:: max(1, len(long) // (per_page - 1))][: per_page - 1] + short[:1]
    return keys


def _read(engine, crops):
    return [r.text.replace(" ", "").replace("O", "0").replace("o", "0") for r in engine.recognize_lines(crops)]


@pytest.mark.parametrize("source", [DIGITAL, SCANNED], ids=["text-layer", "scan"])
def test_crop_reads_the_value_of_its_cell(source, engine):
    report = extract_file(source)
    keys = _numeric_keys(report, 5)
    assert len(keys) >= 10 and len({report.cells[k].page for k in keys}) >= 2
    with DocumentCrops(source, scale=3.0) as crops:
        # An inset (negative margin) keeps the cell's rulings out: one line of digits.
        images = [crops.crop(report.cells[k].page, report.cells[k].bbox, margin_pt=-1.5) for k in keys]
        first = crops.page(report.cells[keys[0]].page)
        assert crops.page(report.cells[keys[0]].page) is first  # rendered once
    read = _read(engine, images)
    printed = [report.cells[k].text for k in keys]
    matches = sum(r == p for r, p in zip(read, printed))
    assert matches >= len(keys) - 1, list(zip(keys, printed, read))
    # The same crops against their neighbours' values mostly disagree: the check can fail.
    shifted = sum(r == p for r, p in zip(read, printed[1:] + printed[:1]))
    assert shifted <= len(keys) // 2


def test_crop_png_and_scale():
    report = extract_file(DIGITAL)
    key = "applications.new_received.total"
    cell = report.cells[key]
    with DocumentCrops(DIGITAL, scale=2.0) as crops:
        png = crops.crop_png(cell.page, cell.bbox, margin_pt=0)
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    width_pt, height_pt = cell.bbox[2] - cell.bbox[0], cell.bbox[3] - cell.bbox[1]
    assert abs(image.shape[1] - 2 * width_pt) <= 2 and abs(image.shape[0] - 2 * height_pt) <= 2
    assert (image < 128).any()  # ink: the printed value


def test_missing_source_and_lookup_by_sha256(tmp_path):
    with pytest.raises(SourceMissing, match="not found"):
        DocumentCrops(tmp_path / "gone.pdf")
    report = extract_file(DIGITAL)
    moved = tmp_path / "batch" / "sub" / "renamed.pdf"
    moved.parent.mkdir(parents=True)
    shutil.copy(DIGITAL, moved)
    found = find_source(tmp_path / report.source.file, report.source.sha256, [tmp_path / "batch"])
    assert found == moved
    with pytest.raises(SourceMissing, match="not found"):
        find_source(report.source.file, "0" * 64, [tmp_path / "batch"])
    # Same name, other content: not taken for the source.
    (tmp_path / "other").mkdir()
    shutil.copy(SCANNED, tmp_path / "other" / report.source.file)
    with pytest.raises(SourceMissing, match="changed"):
        find_source(report.source.file, report.source.sha256, [tmp_path / "other"])


def test_page_outside_the_document_is_a_crop_error():
    from extract.show.crops import CropError

    with DocumentCrops(DIGITAL) as crops:
        with pytest.raises(CropError, match="does not exist"):
            crops.crop(99, (0, 0, 10, 10))
