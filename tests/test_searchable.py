"""`extract FILE --searchable OUT.pdf`: a scan's pages untouched, with an invisible text
layer where the OCR read each line (extract/scan/searchable.py).

One OCR run serves the end-to-end checks: a mixed PDF made at test time from a scanned
page turned by a quarter and skewed by a degree (scan-r2022-landscape-review-01 page 4:
the 四 table printed landscape, fed sideways) and a digital page. The geometry is
checked apart, without OCR: the scan stage's map back from the straightened frame
against pixels turned and rotated by numpy/OpenCV, and the /Rotate + CropBox step
against pdfium's own device-to-page transform.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from extract.cli import main
from extract.scan.searchable import _PageTransform, page_transform
from extract.page import ScanFrame
from extract.page import PageImage
from extract.scan.scanned_page import scan_frame, straighten

ROOT = Path(__file__).resolve().parents[1]
TURNED_SCAN = ROOT / "samples" / "scanned" / "scan-r2022-landscape-review-01.pdf"  # page 4: turned 90°, skew -1°
DIGITAL = ROOT / "samples" / "r2019-zeros-township-01.pdf"
OFD_SCAN = ROOT / "samples" / "ofd" / "ofd-scan-r2022-other-single-01.ofd"  # 4 pages, one JPEG each


# ---------------------------------------------------------------- geometry, no OCR


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_scan_frame_maps_the_straightened_page_back_onto_the_stored_pixels(turns: int) -> None:
    """A page with rulings and one dark mark, skewed by 1.5° and then turned: straightened
    again, the mark's centre in the upright frame maps back to where it is in the stored
    image (within a pixel or two)."""
    dpi = 100.0
    upright = np.full((1100, 850), 255, np.uint8)
    for y in range(150, 1000, 60):
        cv2.line(upright, (80, y), (770, y), 0, 2)
    cv2.rectangle(upright, (600, 283), (640, 313), 0, -1)  # the mark: off centre, between two rulings
    matrix = cv2.getRotationMatrix2D((425, 550), -1.5, 1.0)
    skewed = cv2.warpAffine(upright, matrix, (850, 1100), borderValue=255)
    # Stored turned clockwise by `turns` quarters: reading it takes `turns` counter-clockwise ones.
    stored = np.ascontiguousarray(np.rot90(skewed, -turns))
    page = PageImage(1, cv2.cvtColor(stored, cv2.COLOR_GRAY2BGR), dpi)
    straight = straighten(page, engine=None, turns=turns)
    assert straight.turns == turns and abs(straight.skew_deg) > 1.0
    frame = scan_frame(page, straight)

    def mark_centre(gray: np.ndarray) -> tuple[float, float]:
        count, labels, stats, centres = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8))
        def squareness(k: int) -> float:  # the mark is 40 x 30 px; rulings are long and thin
            w, h = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
            return stats[k, cv2.CC_STAT_AREA] if 0.5 < w / h < 2 else 0

        best = max(range(1, count), key=squareness)
        return tuple(centres[best])

    ux, uy = mark_centre(straight.gray)
    sx, sy = mark_centre(stored)
    pt = 72.0 / dpi
    x, y = frame.image_point(ux * pt, uy * pt)
    assert abs(x - sx * pt) < 1.5 and abs(y - sy * pt) < 1.5
    assert (frame.width, frame.height) == pytest.approx((stored.shape[1] * pt, stored.shape[0] * pt))


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_displayed_page_to_user_space_agrees_with_pdfium(tmp_path: Path, rotate: int) -> None:
    """/Rotate and an offset CropBox: the writer's display -> user space step is pdfium's
    FPDF_DeviceToPage (the transform Chromium's viewer uses)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(600, 800))
    page = pdf.pages[0]
    page.obj.CropBox = pikepdf.Array([30, 40, 530, 740])
    page.obj.Rotate = rotate
    path = tmp_path / "rotated.pdf"
    pdf.save(path)
    display_w, display_h = (700, 500) if rotate in (90, 270) else (500, 700)
    identity = ScanFrame((1, 0, 0, 0, 1, 0, 0, 0, 1), display_w, display_h)
    ours = _PageTransform(identity, (30, 40, 530, 740), rotate)
    with pikepdf.open(path) as saved:
        assert page_transform(saved.pages[0], identity).rotate == rotate
    doc = pdfium.PdfDocument(str(path))
    pdfium_page = doc[0]  # kept: the raw handle lives as long as this object
    raw_page = pdfium_page.raw
    for u, v in ((0, 0), (display_w, 0), (120, 333), (display_w - 7, display_h - 11)):
        px, py = pdfium_c.c_double(), pdfium_c.c_double()
        # Device pixels at 1 px per point: the device frame is the displayed page.
        assert pdfium_c.FPDF_DeviceToPage(raw_page, 0, 0, display_w, display_h, 0, u, v, px, py)
        assert ours(u, v) == pytest.approx((px.value, py.value), abs=1.01)


def test_a_cell_whose_ocr_lines_miss_its_number_gets_the_records_number(tmp_path: Path) -> None:
    """A seal's lettering read over a cell (the table's arithmetic gave the value): the
    copy's text at that cell is the record's number, not the lettering; a cell whose line
    holds its number keeps that line; prose stays. Checked in pdfium's text of the copy."""
    from PIL import Image

    from extract.geometry import BBox
    from extract.page import PageContent, TextBox
    from extract.scan.searchable import CellText, write_searchable

    image = tmp_path / "page.png"
    Image.new("L", (850, 1100), 255).save(image, dpi=(100, 100))  # 612 x 792 pt
    identity = ScanFrame((1, 0, 0, 0, 1, 0, 0, 0, 1), 612.0, 792.0)
    boxes = (TextBox("年度报告", BBox(100, 50, 300, 70), 0.99, "ocr"),
             TextBox("局", BBox(405, 205, 440, 235), 0.8, "ocr"),  # seal lettering over the cell of 17
             TextBox("25", BBox(470, 210, 490, 228), 0.99, "ocr"))
    page = PageContent(1, 612.0, 792.0, boxes, (), "ocr", scan_frame=identity)
    cells = (CellText(1, BBox(400, 200, 450, 240), "17"), CellText(1, BBox(450, 200, 500, 240), "25"))
    out = tmp_path / "copy.pdf"
    result = write_searchable(image, [page], out, pdfa=False, cells=cells)
    assert result.lines == 3
    text_page = pdfium.PdfDocument(str(out))[0].get_textpage()

    def text_in(x0: float, top: float, x1: float, bottom: float) -> str:  # page frame -> user space
        return text_page.get_text_bounded(x0, 792 - bottom, x1, 792 - top).replace("\r\n", "").strip()

    assert text_in(400, 200, 450, 240) == "17"
    assert text_in(450, 200, 500, 240) == "25"
    assert "局" not in text_page.get_text_range() and "年度报告" in text_page.get_text_range()


# ---------------------------------------------------------------- end to end, one OCR run


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> dict:
    """A mixed PDF (a digital first page with the title, then the turned scanned page of
    四), its searchable copy and record (one report)."""
    folder = tmp_path_factory.mktemp("searchable")
    source = folder / "mixed.pdf"
    with pikepdf.open(TURNED_SCAN) as scan, pikepdf.open(DIGITAL) as digital:
        combined = pikepdf.new()
        combined.pages.append(digital.pages[0])
        combined.pages.append(scan.pages[3])
        combined.save(source)
    out, record = folder / "mixed.searchable.pdf", folder / "mixed.json"
    code = main([str(source), "--searchable", str(out), "--out", str(record), "-q"])
    return {"source": source, "out": out, "code": code, "record": json.loads(record.read_text(encoding="utf-8"))}


def test_the_copy_has_the_same_pages_and_is_pdfa(mixed: dict) -> None:
    assert mixed["code"] == 0
    assert len(pdfium.PdfDocument(str(mixed["out"]))) == len(pdfium.PdfDocument(str(mixed["source"]))) == 2
    from pikepdf import pdfa

    report = pdfa.validate_written(mixed["out"], "2b")
    assert report.passed, [str(f) for f in report.findings][:3]
    with pikepdf.open(mixed["out"]) as pdf:
        assert not pdf.is_encrypted
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name.GTS_PDFA1 and len(intent.DestOutputProfile.read_bytes()) > 1000
        font = pdf.pages[1].Resources.Font["/FExtractOcr"]
        assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor


def test_page_images_and_the_text_page_are_byte_identical(mixed: dict) -> None:
    with pikepdf.open(mixed["source"]) as source, pikepdf.open(mixed["out"]) as copy:
        images = [{name: image.read_raw_bytes() for name, image in page.get_images().items()} for page in source.pages]
        copied = [{name: image.read_raw_bytes() for name, image in page.get_images().items()} for page in copy.pages]
        assert images[1] and copied == images
        # The digital page: its content streams as they were, nothing added.
        def contents(page) -> list[bytes]:
            streams = page.obj.Contents
            return [s.read_raw_bytes() for s in (streams if isinstance(streams, pikepdf.Array) else [streams])]

        assert contents(copy.pages[0]) == contents(source.pages[0])
        # The scanned page: its own streams after the text layer, untouched.
        assert contents(copy.pages[1])[1:] == contents(source.pages[1])
        assert b"\n3 Tr\n" in copy.pages[1].obj.Contents[0].read_bytes()


def test_every_number_of_the_record_is_in_the_text_layer_inside_its_cell(mixed: dict) -> None:
    """On the turned page: pdfium's text inside each cell's bbox (the record's page frame
    mapped onto the page as stored) holds the cell's value."""
    cells = {k: c for k, c in mixed["record"]["cells"].items() if c["page"] == 2 and c["value"] is not None}
    assert len(cells) >= 15  # the 四 table: 3 rows x 5 columns
    assert not _cells_missing_from_the_text_layer(mixed["out"], 1, cells, _frame_of_scanned_page(mixed["source"]))
    # And the prose/labels of the page are there too (the --full-text lines).
    assert "行政复议" in pdfium.PdfDocument(str(mixed["out"]))[1].get_textpage().get_text_range()


def _frame_of_scanned_page(source: Path, index: int = 1, turns: int = 1) -> ScanFrame:
    """The scan frame the pipeline used for page `index` + 1 (geometry only: no OCR)."""
    from extract.read import ofd as ofd_reader
    from extract.read import pdf as pdf_reader
    from extract.settings import DEFAULT_SETTINGS

    reader = ofd_reader if source.suffix == ".ofd" else pdf_reader
    doc = reader.open_ofd(source, DEFAULT_SETTINGS) if reader is ofd_reader else reader.open_pdf(source, DEFAULT_SETTINGS)
    images = reader.page_images(doc, index)
    image = reader.scanned_page_image(doc, index, images, DEFAULT_SETTINGS.min_render_dpi,
                                      DEFAULT_SETTINGS.max_render_dpi)
    doc.close()
    # The turn the OCR decided is in the record's page (the turned PDF page: 1 quarter);
    # the deskew is measured from the pixels alone.
    return scan_frame(image, straighten(image, engine=None, turns=turns))


def _cells_missing_from_the_text_layer(copy: Path, index: int, cells: dict, frame: ScanFrame) -> list:
    """The cells whose value pdfium does not find in the copy's page `index` (0-based)
    inside the cell's bbox (the record's page frame mapped to the page as stored)."""
    doc = pdfium.PdfDocument(str(copy))
    text_page = doc[index].get_textpage()
    with pikepdf.open(copy) as pdf:
        to_pdf = page_transform(pdf.pages[index], frame)
    missing = []
    for key, cell in cells.items():
        x0, top, x1, bottom = cell["bbox"]
        corners = [to_pdf(x, y) for x in (x0, x1) for y in (top, bottom)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        found = text_page.get_text_bounded(min(xs), min(ys), max(xs), max(ys))
        if str(cell["value"]) not in found.replace(" ", "").replace(",", ""):
            missing.append((key, cell["value"], found))
    return missing


def test_a_scanned_ofd_gets_a_copy_of_its_own_page_images_with_the_text_layer(tmp_path: Path) -> None:
    """One page of the scanned OFD (page 3: table 四, skewed 1.6°): the copy's page is the
    OFD page's size and its image is the OFD's JPEG file byte for byte; every number of
    the record is in the text layer inside its cell; PDF/A-2b."""
    from pikepdf import pdfa

    from extract.read.ofd import open_ofd, page_image_files
    from extract.settings import DEFAULT_SETTINGS

    out, record = tmp_path / "scan.pdf", tmp_path / "scan.json"
    assert main([str(OFD_SCAN), "--pages", "3", "--searchable", str(out), "--out", str(record), "-q"]) == 0
    assert len(pdfium.PdfDocument(str(out))) == 1
    ofd = open_ofd(OFD_SCAN, DEFAULT_SETTINGS)
    stored, drawing = page_image_files(ofd, 2), ofd.drawing(2)
    ofd.close()
    with pikepdf.open(out) as pdf:
        page = pdf.pages[0]
        assert [image.read_raw_bytes() for image in page.get_images().values()] == stored
        assert stored[0][:2] == b"\xff\xd8"  # a JPEG, passed through
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, drawing.width, drawing.height], abs=0.01)
    assert pdfa.validate_written(out, "2b").passed
    cells = {k: c for k, c in json.loads(record.read_text(encoding="utf-8"))["cells"].items()
             if c["page"] == 3 and isinstance(c["value"], int)}
    assert len(cells) >= 15
    assert not _cells_missing_from_the_text_layer(out, 0, cells, _frame_of_scanned_page(OFD_SCAN, 2, turns=0))


def test_a_bad_output_path_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    existing = tmp_path / "taken.pdf"
    existing.write_bytes(b"%PDF-1.4\n")
    for out, words in ((tmp_path / "no" / "such" / "x.pdf", "no such folder"), (existing, "already exists"),
                       (tmp_path, "is a folder")):
        assert main([str(DIGITAL), "--searchable", str(out), "-q"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err
    assert existing.read_bytes() == b"%PDF-1.4\n"  # never overwritten


def test_a_digital_document_gets_no_copy_and_says_so(tmp_path: Path, capsys) -> None:
    out = tmp_path / "digital.pdf"
    assert main([str(DIGITAL), "--searchable", str(out), "--out", str(tmp_path / "r.json")]) == 0
    assert not out.exists()
    assert "no scanned page; no searchable copy written" in capsys.readouterr().err


def test_batch_writes_one_copy_per_scanned_document_named_by_its_source(mixed: dict, tmp_path: Path, capfd) -> None:
    """A folder of a mixed scan (in a subfolder) and a digital report: one copy, at the
    scan's relative path; the digital one gets none and the summary says so; a second run
    overwrites nothing."""
    from extract.batch.runner import main as batch_main

    inputs = tmp_path / "archive"
    (inputs / "2019").mkdir(parents=True)
    (inputs / "2019" / "mixed.pdf").write_bytes(mixed["source"].read_bytes())
    (inputs / "digital.pdf").write_bytes(DIGITAL.read_bytes())
    copies, db = tmp_path / "copies", tmp_path / "results.sqlite"
    args = [str(inputs), "--db", str(db), "--searchable", str(copies), "--workers", "1", "--progress-every", "999"]
    assert batch_main(args) == 0
    summary = capfd.readouterr().err
    assert "1  written" in summary and "1  not written: no scanned page" in summary
    assert sorted(p.relative_to(copies).as_posix() for p in copies.rglob("*.pdf")) == ["2019/mixed.pdf"]
    copy = copies / "2019" / "mixed.pdf"
    assert len(pdfium.PdfDocument(str(copy))) == 2
    written = copy.read_bytes()
    # Again: the copy is there, so the document is skipped and nothing is overwritten.
    assert batch_main(args) == 0
    assert copy.read_bytes() == written
    assert "already there (never overwritten)" in capfd.readouterr().err



def test_the_copy_opens_in_chromiums_pdf_viewer_with_the_same_page_count(mixed: dict) -> None:
    """Headless Debian chromium loads its PDF viewer (an extension frame); the viewer's
    state is read over the DevTools protocol of that frame (`docLength_`, a field of
    Chromium's pdf-viewer element)."""
    from browserlib import pdf_viewer_page_count, start_chromium

    driver = start_chromium("900,1200", ["--remote-allow-origins=*"])
    try:
        pages, state = pdf_viewer_page_count(driver, mixed["out"].as_uri(), 30)
        assert pages == len(pdfium.PdfDocument(str(mixed["source"]))), (pages, state)
    finally:
        driver.quit()


def test_a_scan_that_holds_no_report_still_gets_its_copy(tmp_path: Path, capsys, monkeypatch) -> None:
    """A volume's scanned cover is no report (exit 6), but an archive keeps a searchable copy
    of every scan: the copy is written from the pages as first read (not OCR'd twice), and
    the exit code still says "not a report"."""
    from extract import pipeline

    readings = []
    read_volume = pipeline.read_volume
    monkeypatch.setattr(pipeline, "read_volume", lambda *a, **k: readings.append(a) or read_volume(*a, **k))
    cover = pdfium.PdfDocument(str(ROOT / "samples" / "volumes" / "front-volume-scanned-2.pdf"))[0]
    scan = tmp_path / "cover.pdf"
    cover.render(scale=120 / 72).to_pil().convert("L").save(scan, resolution=120)
    out = tmp_path / "cover.searchable.pdf"
    assert main([str(scan), "--searchable", str(out)]) == 6
    assert len(readings) == 1
    err = capsys.readouterr().err
    assert "not an annual report" in err and f"searchable: {out}" in err
    copy = pdfium.PdfDocument(str(out))
    assert len(copy) == 1 and "年度报告汇编" in copy[0].get_textpage().get_text_range().replace("\n", "")

    # In a batch too: the document fails with exit 6, its copy is written all the same.
    from extract.batch.worker import extract_document
    from extract.settings import DEFAULT_SETTINGS

    in_batch = tmp_path / "copies" / "cover.pdf"
    result = extract_document(scan, DEFAULT_SETTINGS, searchable=in_batch)
    assert (result.status, result.exit_code, result.searchable) == ("failed", 6, "written")
    assert str(in_batch) in result.searchable_note
    assert len(pdfium.PdfDocument(str(in_batch))) == 1
