"""The text-layer reader's fast glyph loop (extract/read/pdf.py `_text_boxes`) against a plain
per-glyph reading written out here: every pdfium question asked of every glyph, boxes
through `_Frame` and the dataclass constructors. The fast loop asks a glyph's style once per
text object, skips FPDFText_IsGenerated, flips unrotated pages inline and builds its boxes
without the dataclass __init__; none of that may change a single box."""

from __future__ import annotations

import ctypes
import math
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from extract.geometry import BBox
from extract.page import TextBox
from extract.read import pdf
from extract.settings import DEFAULT_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
# White and invisible (render mode 3) text among the visible glyphs.
HIDDEN = ROOT / "samples" / "r2024-hidden-white-01.pdf"


def _per_glyph_boxes(textpage, frame, settings):
    """Every question asked of every glyph (the reader before it was made fast)."""
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    upright_angle = (360 - frame.rotation) % 360
    width, height = frame.display_size
    boxes, hidden, unmapped = [], 0, 0
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code <= 0x20 or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1:
            unmapped += 1
        text_object = pdfium_c.FPDFText_GetTextObject(raw, i)
        if text_object and pdfium_c.FPDFTextObj_GetTextRenderMode(text_object) in (3, 7):
            hidden += 1
            continue
        if pdfium_c.FPDFText_GetFillColor(raw, i, r, g, b, a) and (a.value == 0 or min(r.value, g.value, b.value) >= 245):
            hidden += 1
            continue
        if pdfium_c.FPDFText_GetFontSize(raw, i) < settings.min_font_size_pt:
            hidden += 1
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect):
            continue
        box = frame.box(rect.left, rect.bottom, rect.right, rect.top)
        if box.x1 < 0 or box.bottom < 0 or box.x0 > width or box.top > height:
            hidden += 1
            continue
        ink = None
        if pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            tight = frame.box(left.value, bottom.value, right.value, top.value)
            if tight.width > 0.05 and tight.height > 0.05:
                ink = BBox(tight.x0, tight.top, tight.x1, tight.bottom)
        baseline = None
        angle = round(math.degrees(pdfium_c.FPDFText_GetCharAngle(raw, i)) / 90) * 90 % 360
        if angle == upright_angle and pdfium_c.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y):
            baseline = frame.point(origin_x.value, origin_y.value)[1]
        boxes.append(TextBox(chr(code), BBox(box.x0, box.top, box.x1, box.bottom), 1.0, "text", ink=ink, baseline=baseline))
    return boxes, hidden, unmapped


def _both_readings(path: Path, index: int):
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[index]
        textpage = page.get_textpage()
        frame = pdf.page_frame(page, textpage)
        fast = pdf._text_boxes(textpage, frame, DEFAULT_SETTINGS)
        plain = _per_glyph_boxes(textpage, frame, DEFAULT_SETTINGS)
        textpage.close()
        page.close()
        return frame.rotation, fast, plain
    finally:
        doc.close()


@pytest.fixture(scope="module")
def turned_pdf(tmp_path_factory) -> Path:
    """The hidden-text sample with its content drawn a quarter turn round in user space and
    shown upright by /Rotate 90 (how some producers write landscape pages)."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(str(HIDDEN)))
    page = writer.pages[2]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    page.add_transformation(Transformation().rotate(90).translate(height, 0))
    page.mediabox.upper_right = (height, width)
    page.cropbox.upper_right = (height, width)
    page.rotate(90)
    out = tmp_path_factory.mktemp("turned") / "turned.pdf"
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


@pytest.mark.parametrize("index", [1, 2])
def test_the_fast_glyph_loop_reads_what_a_per_glyph_reading_reads(index):
    rotation, (boxes, hidden, unmapped), (expected, expected_hidden, expected_unmapped) = _both_readings(HIDDEN, index)
    assert rotation == 0
    assert expected_hidden > 0  # the page holds hidden text: the style cache is exercised
    assert len(expected) > 300
    assert (boxes, hidden, unmapped) == (expected, expected_hidden, expected_unmapped)


def test_a_page_turned_in_user_space_reads_the_same_both_ways(turned_pdf):
    rotation, (boxes, hidden, unmapped), (expected, expected_hidden, expected_unmapped) = _both_readings(turned_pdf, 2)
    assert rotation == 90  # the frame path, not the inline flip
    assert expected_hidden > 0 and len(expected) > 300
    assert (boxes, hidden, unmapped) == (expected, expected_hidden, expected_unmapped)
    # and the turned page's glyphs are where the plain page's are, in the display frame
    _, (plain_boxes, _, _), _ = _both_readings(HIDDEN, 2)
    assert [g.text for g in boxes] == [g.text for g in plain_boxes]
    for turned, plain in zip(boxes, plain_boxes):
        assert turned.bbox.as_tuple(1) == pytest.approx(plain.bbox.as_tuple(1), abs=0.05)


def _layered(tmp_path: Path, text_under: bool, small_picture: bool = False) -> Path:
    """Pages of a scan twin's image and a different report's text layer in one page: the
    text under the scan (a scanner's "text under the page image"), the text over it, or a
    small picture of the scan (a seal-sized logo) over the text."""
    import pikepdf

    from conftest import SAMPLES

    scan = pikepdf.open(SAMPLES / "scanned" / "scan-r2022-other-single-01.pdf")
    text = pikepdf.open(SAMPLES / "r2024-wps-narrow-review-01.pdf")
    base, other = (text, scan) if small_picture else (scan, text)
    for index in range(2):
        page = base.pages[index]
        layer = None if small_picture else base.copy_foreign(other.pages[index].as_form_xobject())
        if small_picture:
            # The scan's image itself, drawn last at the page level over the text's corner.
            (name, image), = scan.pages[index].get_images().items()
            if "/XObject" not in page.Resources:
                page.Resources.XObject = pikepdf.Dictionary()
            page.Resources.XObject[pikepdf.Name("/ImSmall")] = base.copy_foreign(image)
            page.contents_add(pikepdf.Stream(base, b"q 120 0 0 170 400 60 cm /ImSmall Do Q"), prepend=False)
        else:
            (page.add_underlay if text_under else page.add_overlay)(layer)
    while len(base.pages) > 2:
        del base.pages[-1]
    path = tmp_path / f"layered-{text_under}-{small_picture}.pdf"
    base.save(path)
    return path


def test_text_painted_over_by_a_scan_is_hidden_and_the_page_goes_to_ocr(tmp_path):
    """What a viewer shows is what is read: a visible text layer drawn under a full-page
    scan (its own numbers, here another report's) is hidden like an invisible OCR layer and
    the page is read by OCR; the same text drawn over the scan, or under a small picture, is
    the page's text."""
    cases = {"under": (_layered(tmp_path, True), True), "over": (_layered(tmp_path, False), False),
             "small picture": (_layered(tmp_path, False, small_picture=True), False)}
    for name, (path, hidden) in cases.items():
        doc = pdf.open_pdf(path, DEFAULT_SETTINGS)
        try:
            for index in range(len(doc)):
                content, images = pdf.read_checked_page(doc, path.name, index, DEFAULT_SETTINGS, with_images=True)
                if hidden:
                    assert not content.boxes and content.hidden_glyphs > 500, (name, index)
                else:
                    assert len(content.boxes) > 500 and content.hidden_glyphs == 0, (name, index)
                assert pdf.needs_ocr(content, images, DEFAULT_SETTINGS, lambda: 0) == hidden, (name, index)
        finally:
            doc.close()


def _with_words(tmp_path: Path, degrees: float, size: int = 20) -> Path:
    """Two pages of a digital sample with grey words drawn over them at `degrees` (a
    watermark of the year and a stamp-like word, in a standard font), rows of them across
    the page."""
    import pikepdf

    from conftest import SAMPLES

    doc = pikepdf.open(SAMPLES / "r2024-wps-narrow-review-01.pdf")
    while len(doc.pages) > 2:
        del doc.pages[-1]
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    font = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for page in doc.pages:
        if "/Font" not in page.Resources:
            page.Resources.Font = pikepdf.Dictionary()
        page.Resources.Font[pikepdf.Name("/FWatermark")] = font
        shows = b"".join(b"BT /FWatermark %d Tf %.4f %.4f %.4f %.4f %d %d Tm (2024 COPY) Tj ET\n"
                         % (size, cos, sin, -sin, cos, x, y) for x in (20, 290) for y in range(40, 700, 110))
        page.contents_add(pikepdf.Stream(doc, b"q 0.7 g\n" + shows + b"Q\n"), prepend=False)
    path = tmp_path / f"words-{degrees:g}-{size}.pdf"
    doc.save(path)
    return path


def test_a_slanted_watermark_is_no_text_of_the_page(tmp_path):
    """A diagonal watermark's glyphs (digits among them, which would join a cell's value)
    are hidden: the page reads exactly as without it. Words set along the page's axes are
    text, as any line is."""
    from conftest import SAMPLES

    def read(path: Path) -> list:
        doc = pdf.open_pdf(path, DEFAULT_SETTINGS)
        try:
            return [pdf.read_page(doc, index, DEFAULT_SETTINGS) for index in range(2)]
        finally:
            doc.close()

    plain = read(SAMPLES / "r2024-wps-narrow-review-01.pdf")
    for page, marked in zip(plain, read(_with_words(tmp_path, 35.0))):
        assert marked.boxes == page.boxes
        assert marked.hidden_glyphs - page.hidden_glyphs >= 80
    for page, level in zip(plain, read(_with_words(tmp_path, 0.0))):
        assert len(level.boxes) - len(page.boxes) >= 80 and level.hidden_glyphs == page.hidden_glyphs
    # Set level but large and pale grey: a watermark too.
    for page, level in zip(plain, read(_with_words(tmp_path, 0.0, size=40))):
        assert level.boxes == page.boxes and level.hidden_glyphs - page.hidden_glyphs >= 50
