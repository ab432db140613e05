"""The OCR path: pixel geometry on synthetic images, pinned models, and scans of the real
report read back exactly."""

import json

import cv2
import numpy as np
import pytest
from conftest import huaian_expected
from scanlib import scan_pdf

from extract import extract_file
from extract.records import flatten_tables
from extract.scan.pixels import (
    estimate_skew,
    ink_mask,
    rotate,
    ruling_segments,
    to_gray_without_red,
)


def _grid_image(rows=6, cols=5, cell=(160, 60), margin=80):
    w, h = margin * 2 + cols * cell[0], margin * 2 + rows * cell[1]
    img = np.full((h, w, 3), 255, np.uint8)
    for r in range(rows + 1):
        y = margin + r * cell[1]
        cv2.line(img, (margin, y), (w - margin, y), (0, 0, 0), 3)
    for c in range(cols + 1):
        x = margin + c * cell[0]
        cv2.line(img, (x, margin), (x, h - margin), (0, 0, 0), 3)
    for r in range(rows):
        for c in range(cols):
            cv2.putText(img, str(r * c), (margin + c * cell[0] + 20, margin + r * cell[1] + 42),
                        cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    return img


@pytest.mark.parametrize("angle", [-2.5, -1.0, 0.7, 2.0])
def test_skew_is_measured_from_rulings(angle):
    tilted = rotate(_grid_image(), angle)
    measured = estimate_skew(ink_mask(to_gray_without_red(tilted), 200), 200)
    assert abs(measured + angle) < 0.15
    level = rotate(tilted, measured)
    assert abs(estimate_skew(ink_mask(to_gray_without_red(level), 200), 200)) < 0.1


def test_rulings_become_a_grid_in_points():
    from extract.settings import Settings
    from extract.table_shapes import table_shapes

    segments, _ = ruling_segments(ink_mask(to_gray_without_red(_grid_image()), 200), 200)
    (shape,) = table_shapes(segments, Settings())  # digit strokes are not rulings
    assert (len(shape.ys) - 1, len(shape.xs) - 1) == (6, 5)
    assert len(shape.spans) == 30
    assert abs((shape.ys[1] - shape.ys[0]) - 60 * 72 / 200) < 1.0  # 60 px at 200 dpi, in points


def test_red_seal_is_removed_but_print_under_it_stays():
    img = np.full((200, 200, 3), 255, np.uint8)
    cv2.putText(img, "8", (70, 130), cv2.FONT_HERSHEY_SIMPLEX, 3, (0, 0, 0), 6)
    seal = img.copy()
    cv2.circle(seal, (100, 100), 70, (60, 60, 230), 10)
    blended = (img.astype(np.float32) * seal.astype(np.float32) / 255).astype(np.uint8)  # multiply, as ink
    ink = ink_mask(to_gray_without_red(blended), 200)
    ring = ink_mask(to_gray_without_red(blended), 200)[28:34, 95:105]  # top of the circle
    assert ring.sum() == 0
    digit = ink[80:120, 80:120]
    assert digit.mean() > 40  # the 8 is still ink


def test_model_files_are_pinned_and_checked(tmp_path):
    from pathlib import Path

    import rapidocr

    from extract.scan.ocr.manifest import ModelMismatch, pinned_files

    files = pinned_files("rapidocr", Path(rapidocr.__file__).parent)
    assert set(files) == {"det", "rec", "cls"}
    fake = tmp_path / "models"
    fake.mkdir()
    for path in files.values():
        (fake / path.name).write_bytes(b"not the model")
    with pytest.raises(ModelMismatch, match="sha256"):
        pinned_files("rapidocr", tmp_path)


def test_manifest_copy_in_package_matches_models_dir():
    from conftest import ROOT

    assert (ROOT / "models" / "manifest.json").read_bytes() == (ROOT / "extract" / "scan" / "ocr" / "manifest.json").read_bytes()


@pytest.fixture(scope="module")
def huaian_scan(huaian, tmp_path_factory):
    # page 4 scanned sideways (landscape), page 5 upside down
    out = tmp_path_factory.mktemp("scan") / "huaian-scan.pdf"
    return scan_pdf(huaian, out, dpi=200, quality=45, skew_deg=1.3, turns={4: 1, 5: 2})


def test_scanned_report_reads_exactly(huaian_scan):
    expected, flat = huaian_expected()
    report = extract_file(huaian_scan)
    got = flatten_tables(report.tables)
    assert {k: got[k] for k in flat} == flat
    assert report.report.model_dump() == expected["report"]
    assert report.source.kind == "scanned"
    cell = report.cells["applications.unable_needs_creation.total"]
    assert cell.source == "ocr" and cell.page == 5 and 0.9 <= cell.confidence <= 1.0
    assert [f.rule for f in report.findings if f.severity == "error"] == []


def test_mixed_pdf_reads_text_pages_as_text(huaian, tmp_path):
    _, flat = huaian_expected()
    mixed = scan_pdf(huaian, tmp_path / "mixed.pdf", keep_text_pages=(1, 2, 3, 5, 6))
    report = extract_file(mixed)
    assert report.source.kind == "mixed"
    got = flatten_tables(report.tables)
    assert {k: got[k] for k in flat} == flat
    assert report.cells["applications.new_received.total"].source == "ocr"
    assert report.cells["applications.total_handled.total"].source == "text"


def test_page_images_as_input(huaian, tmp_path):
    """A single PNG page, and a multi-page TIFF straight from a scanner."""
    import pypdfium2 as pdfium
    from PIL import Image

    _, flat = huaian_expected()
    doc = pdfium.PdfDocument(str(huaian))
    arrays = [cv2.cvtColor(doc[i].render(scale=250 / 72).to_numpy()[:, :, :3], cv2.COLOR_BGR2GRAY) for i in (2, 3, 4)]
    png = tmp_path / "page4.png"
    cv2.imwrite(str(png), arrays[1])
    pages = [Image.fromarray(a) for a in arrays]
    report = extract_file(png)
    assert report.tables.applications.unable_not_held.total == 769  # last row on page 4
    assert report.tables.proactive.fees.amount_10k_yuan == 96171.6
    assert report.source.kind == "scanned"

    tiff = tmp_path / "pages3-5.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:], dpi=(250, 250))
    got = flatten_tables(extract_file(tiff).tables)
    assert {k: got[k] for k in flat if not k.startswith("proactive.")} == {
        k: v for k, v in flat.items() if not k.startswith("proactive.")
    }


def test_cli_on_a_scan(huaian_scan):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "extract.cli", str(huaian_scan), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["tables"]["applications"]["new_received"]["total"] == 3119


def _paddle_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("paddle") is not None and importlib.util.find_spec("rapidocr_paddle") is not None


@pytest.mark.paddle
@pytest.mark.skipif(not _paddle_installed(), reason="the [paddle] extra is not installed")
def test_paddle_engine_reads_the_scan_exactly(huaian_scan):
    _, flat = huaian_expected()
    report = extract_file(huaian_scan, ocr_engine="paddle")
    got = flatten_tables(report.tables)
    assert {k: got[k] for k in flat} == flat


def test_unknown_or_missing_engine_is_a_clear_error(huaian_scan):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "extract.cli", str(huaian_scan), "--ocr", "tesseract"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
    from extract.errors import OcrUnavailable

    with pytest.raises(OcrUnavailable, match="unknown OCR engine"):
        extract_file(huaian_scan, ocr_engine="tesseract")


def test_a_ruling_fused_with_a_seal_arc_is_still_found():
    """A grey seal's ring touching a table line makes one thick blob of 'line' pixels;
    the line inside it is recovered, the arc is not."""
    from extract.settings import Settings
    from extract.table_shapes import table_shapes

    img = _grid_image(rows=3, cols=4)
    cv2.ellipse(img, (330, 150), (170, 60), 0, 200, 340, (90, 90, 90), 14)  # grey arc over row line 1
    segments, _ = ruling_segments(ink_mask(to_gray_without_red(img), 200), 200)
    (shape,) = table_shapes(segments, Settings())
    assert (len(shape.ys) - 1, len(shape.xs) - 1) == (3, 4)
    assert len(shape.spans) == 12


def test_second_readings_go_to_stray_characters_not_to_label_pieces():
    from extract.scan.ocr import LineResult
    from extract.scan.scanned_page import _doubtful, _in_label_cells
    from extract.settings import DEFAULT_SETTINGS as sure

    # A vertical label, one character per line, beside a value cell a seal's lettering
    # covers ("然" over 70: a template character, but alone in its cell).
    lines = [LineResult(ch, 0.99) for ch in "三本年度"] + [LineResult("然", 0.99), LineResult("25", 0.99)]
    in_label = _in_label_cells(lines, [0, 0, 0, 0, 1, 2])
    assert in_label == [True, True, True, True, False, False]
    assert [_doubtful(r, sure, lab) for r, lab in zip(lines, in_label)] == [False] * 4 + [True, False]
    assert _doubtful(LineResult("城", 0.99), sure, True)  # not a character of the template
    assert _doubtful(LineResult("7", 0.5), sure) and _doubtful(LineResult("", 0.0), sure)
