"""Tables pasted as pictures into a digital report (`extract/picture.py`).

The test PDFs are built here from a generated digital sample with
`samples/make_picture_samples.py`: section 三's fragments are rendered and put back as
pictures, the rest of each page keeping its text layer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES, load_expected

from extract import pipeline
from extract.evaluate import compare
from extract.pipeline import extract_file
from extract.read import pdf
from extract.read.picture import _candidates, _upright_pixels, table_pictures
from extract.scan.picture_tables import add_picture_tables, prepare_table_image
from extract.settings import DEFAULT_SETTINGS

# 三 split over pages 3 and 4, both with text-layer content beside it (二 above, 四 below);
# error-injected (（七）总计 changed), so the rule findings are compared too.
SOURCE = SAMPLES / "r2024-error-grandtotal-01.pdf"
EXPECTED = SAMPLES / "r2024-error-grandtotal-01.expected.json"


def _builder():
    spec = importlib.util.spec_from_file_location("make_picture_samples", SAMPLES / "make_picture_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder():
    return _builder()


@pytest.fixture(scope="module")
def picture_report(builder, tmp_path_factory):
    """Section 三 of the sample as two pictures: on page 3 under the text-layer table 二
    (120 dpi, a screenshot near screen resolution, read upsampled), on page 4 above the
    text-layer table 四 (200 dpi, a picture shrunk to fit)."""
    regions = builder.application_regions(SOURCE)
    assert [r.page for r in regions] == [2, 3]
    out = tmp_path_factory.mktemp("picture") / "picture.pdf"
    builder.replace_with_pictures(SOURCE, out, regions, [120.0, 200.0])
    return out, regions, extract_file(out)


def test_the_built_pdf_has_no_text_where_the_pictures_are(picture_report):
    out, regions, _ = picture_report
    doc = pdfium.PdfDocument(str(out))
    try:
        for region in regions:
            page = pdf.read_page(doc, region.page, DEFAULT_SETTINGS)
            inside = [
                b for b in page.boxes
                if region.x0 <= b.bbox.center[0] <= region.x1 and region.top <= b.bbox.center[1] <= region.bottom
            ]
            assert not inside
            assert len(page.boxes) > 80  # the prose and tables 二 / 四 kept their text layer
            assert pdf.page_images(doc, region.page).coverage > 0.1
    finally:
        doc.close()


def test_section_three_read_from_the_pictures(picture_report):
    out, regions, report = picture_report
    result = compare(out, load_expected(EXPECTED), report.model_dump(mode="json"))
    assert result.wrong == []
    assert result.metadata_diffs == []
    assert result.found_findings == result.expected_findings  # the injected error is still found
    assert result.cells["applications"] == result.correct["applications"] >= 170

    by_page = {r.page + 1: r for r in regions}
    for key, cell in report.cells.items():
        if key.startswith("applications."):
            assert cell.source == "ocr", key
            # page frame: the cell lies inside the picture it was read from
            region = by_page[cell.page]
            x0, top, x1, bottom = cell.bbox
            assert region.x0 - 1 <= x0 < x1 <= region.x1 + 1 and region.top - 1 <= top < bottom <= region.bottom + 1, key
        else:
            assert cell.source == "text", key  # 二 and 四 still come from the text layer
    # Page 3 holds both: the end of 二 from its text layer, the top of 三 from the picture.
    on_page_3 = {(c.source, k.split(".")[0]) for k, c in report.cells.items() if c.page == 3}
    assert on_page_3 == {("text", "proactive"), ("ocr", "applications")}
    assert report.source.kind == "mixed"  # text pages, with the 三 cells read from their pictures


def _photo(width: int, height: int, seed: int) -> np.ndarray:
    """Something like a photograph: a sky gradient, soft shapes, sensor noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.zeros((height, width, 3), np.float32)
    image[:] = (120 + 80 * yy / height)[:, :, None] * np.array([0.8, 0.9, 1.0], np.float32)
    for _ in range(12):
        cx, cy, r = rng.uniform(0, width), rng.uniform(height / 3, height), rng.uniform(30, 200)
        colour = rng.uniform(20, 230, 3)
        mask = ((xx - cx) ** 2 + (yy - cy) ** 2) < r * r
        image[mask] = colour
    image = cv2.GaussianBlur(image, (0, 0), 3) + rng.normal(0, 8, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def _logo(size: int) -> np.ndarray:
    """A red seal-like ring with a star."""
    image = np.full((size, size, 3), 255, np.uint8)
    c = size // 2
    cv2.circle(image, (c, c), int(size * 0.45), (30, 30, 210), max(2, size // 30))
    star = np.array([[c + size * 0.2 * np.cos(a), c + size * 0.2 * np.sin(a)] for a in np.linspace(-np.pi / 2, 1.5 * np.pi, 6)[:-1]])
    cv2.fillPoly(image, [star[[0, 2, 4, 1, 3]].astype(np.int32)], (30, 30, 210))
    return image


@pytest.fixture(scope="module")
def photo_pdf(builder, tmp_path_factory):
    """The digital sample with a photo (1800 x 1200 px, half the page wide) on page 5 and a
    seal-like logo (110 pt, big enough to be checked) on page 1; the tables stay in the
    text layer."""
    out = tmp_path_factory.mktemp("photo") / "photo.pdf"
    # Both in blank space (a picture over text-layer glyphs is not even decoded).
    extras = [(4, (150.0, 590.0, 450.0, 790.0), _photo(1800, 1200, 3)), (0, (400.0, 722.0, 510.0, 832.0), _logo(400))]
    builder.replace_with_pictures(SOURCE, out, [], [], extra_pictures=extras)
    return out


def test_photos_and_logos_cost_no_ocr(photo_pdf, monkeypatch):
    def no_engine(*_):
        raise AssertionError("OCR engine requested for a page without a table picture")

    monkeypatch.setattr(pipeline, "_ocr_engine", no_engine)
    report = extract_file(photo_pdf)
    assert {c.source for c in report.cells.values()} == {"text"}
    assert report.source.kind == "digital"
    expected = load_expected(EXPECTED)
    assert compare(photo_pdf, expected, report.model_dump(mode="json")).wrong == []


def _table_image(candidate):
    """A candidate picture as the scan path prepares it (grey, ink, dpi, rulings), or None."""
    return prepare_table_image(_upright_pixels(candidate), candidate.rect, DEFAULT_SETTINGS)


def _read_pictures(doc, index, page):
    """The page with its pictures' tables added, failing if OCR would be needed."""
    pictures = table_pictures(doc, index, page, DEFAULT_SETTINGS)
    return add_picture_tables(page, pictures, lambda: pytest.fail("OCR requested"), DEFAULT_SETTINGS)


def test_a_photo_is_checked_without_recognition(photo_pdf):
    """A photo big enough to hold a table is decoded and its rulings checked, and that is
    all: no recogniser is asked for (its cost is measured in benchmarks/, not here)."""
    doc = pdfium.PdfDocument(str(photo_pdf))
    try:
        for index in (4, 0):
            page = pdf.read_page(doc, index, DEFAULT_SETTINGS)
            pdf_page = doc[index]
            frame = pdf.page_frame(pdf_page, pdf_page.get_textpage())
            # the picture passes the size filters: its pixels are decoded and checked
            (candidate,) = _candidates(pdf_page, frame, page, DEFAULT_SETTINGS.min_text_glyphs)
            assert _table_image(candidate) is None
            assert _read_pictures(doc, index, page) is page
    finally:
        doc.close()


def test_text_over_a_background_picture_is_left_to_the_text_layer(builder, tmp_path):
    """A picture under text-layer glyphs (a letterhead or a scanned form behind typed
    text) is not read: the text layer already carries what is printed there."""
    r = builder.application_regions(SOURCE)[1]
    source = pdfium.PdfDocument(str(SOURCE))
    try:
        background = builder.render_region(source, r, 100.0)
    finally:
        source.close()
    import pikepdf

    drawn = tmp_path / "drawn.pdf"
    builder.replace_with_pictures(SOURCE, drawn, [], [], extra_pictures=[(r.page, (r.x0, r.top, r.x1, r.bottom), background)])
    # The builder draws the picture last (on top); moved to the start of the page's content,
    # it is a background under the page's own glyphs (drawn on top, it hides them).
    out = tmp_path / "background.pdf"
    with pikepdf.open(drawn) as moved:
        page = moved.pages[r.page]
        operations = pikepdf.parse_content_stream(page)
        assert [str(op) for _, op in operations[-4:]] == ["q", "cm", "Do", "Q"]
        page.Contents = moved.make_stream(pikepdf.unparse_content_stream(operations[-4:] + operations[:-4]))
        moved.save(out)
    doc = pdfium.PdfDocument(str(out))
    try:
        page = pdf.read_page(doc, r.page, DEFAULT_SETTINGS)
        assert _read_pictures(doc, r.page, page) is page
    finally:
        doc.close()


def test_a_turned_page_places_the_picture_in_the_display_frame(picture_report, tmp_path):
    """A page whose content is drawn a quarter turn round in user space and shown upright by
    /Rotate 90: the picture lands at the same place in the page frame, upright, as on the
    plain page (geometry only, no recognition)."""
    from pypdf import PdfReader, PdfWriter, Transformation

    out, regions, _ = picture_report
    region = regions[1]
    writer = PdfWriter(clone_from=PdfReader(str(out)))
    page = writer.pages[region.page]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    page.add_transformation(Transformation().rotate(90).translate(height, 0))
    page.mediabox.upper_right = (height, width)
    page.cropbox.upper_right = (height, width)
    page.rotate(90)
    turned = tmp_path / "turned.pdf"
    with open(turned, "wb") as fh:
        writer.write(fh)

    def picture(path: Path):
        doc = pdfium.PdfDocument(str(path))
        pdf_page = doc[region.page]
        textpage = pdf_page.get_textpage()
        frame = pdf.page_frame(pdf_page, textpage)
        content = pdf.read_page(doc, region.page, DEFAULT_SETTINGS)
        (found,) = list(_candidates(pdf_page, frame, content, DEFAULT_SETTINGS.min_text_glyphs))
        gray = _table_image(found)[0]
        return frame.rotation, found.rect, gray, (content.width, content.height)

    plain_rotation, plain_rect, plain_gray, plain_size = picture(out)
    turned_rotation, turned_rect, turned_gray, turned_size = picture(turned)
    assert (plain_rotation, turned_rotation) == (0, 90)
    assert turned_size == pytest.approx(plain_size, abs=0.01)
    for a, b in zip(plain_rect.as_tuple(), turned_rect.as_tuple()):
        assert a == pytest.approx(b, abs=0.5)
    assert turned_gray.shape == plain_gray.shape
    assert np.mean(np.abs(turned_gray.astype(int) - plain_gray.astype(int))) < 8
