"""A scanned PDF page is read at its own pixels, not a resampled rendering: pdfium rounds a
page's pixel size up, so a rendering at the scan's resolution still smears a 1 px grey
border over two columns and halves its contrast."""

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from PIL import Image

from extract.read import pdf


def _scan(width=1654, height=2339):
    """A white 200 dpi A4 'scan' with a faint 1 px grey vertical border."""
    image = np.full((height, width), 235, np.uint8)
    image[300:2000, 585] = 175
    image[1000, 200:1400] = 60
    return image


def _scanned_pdf(path, image, dpi=200.0):
    """A PDF page that is one losslessly stored image, as scan-to-PDF software writes it."""
    doc = pdfium.PdfDocument.new()
    height, width = image.shape
    w_pt, h_pt = width * 72.0 / dpi, height * 72.0 / dpi
    page = doc.new_page(w_pt, h_pt)
    picture = pdfium.PdfImage.new(doc)
    picture.set_bitmap(pdfium.PdfBitmap.from_pil(Image.fromarray(image).convert("RGB")))
    picture.set_matrix(pdfium.PdfMatrix().scale(w_pt, h_pt))
    page.insert_obj(picture)
    page.gen_content()
    doc.save(path)


def test_a_page_that_is_one_image_is_read_at_its_own_pixels(tmp_path):
    path = tmp_path / "scan.pdf"
    _scanned_pdf(path, _scan())
    doc = pdfium.PdfDocument(path)
    page = pdf.scanned_page_image(doc, 0, pdf.page_images(doc, 0), 150.0, 300.0)
    assert page.image.shape[:2] == (2339, 1654)
    assert abs(page.dpi - 200.0) < 0.5
    own = (page.image if page.image.ndim == 2 else page.image[:, :, 0]).astype(int)
    assert np.array_equal(own, _scan())
    assert own[1200, 585] <= 185 and own[1200, 583] >= 225 and own[1200, 587] >= 225
    # What rendering gives instead: the border spread out and paler.
    rendered = pdf.render_page(doc, 0, page.dpi).image[:, :, 0].astype(int)
    assert rendered[1200, 580:592].min() > own[1200, 585] + 10


def test_a_page_with_more_than_its_image_is_rendered(tmp_path):
    """Vector marks drawn over the scan (a stamp, a page number) are on the page as
    displayed and not in the image: such a page is rendered."""
    path = tmp_path / "scan.pdf"
    _scanned_pdf(path, _scan())
    doc = pdfium.PdfDocument(path)
    page = doc[0]
    path_obj = raw.FPDFPageObj_CreateNewRect(100, 100, 50, 50)
    raw.FPDFPageObj_SetFillColor(path_obj, 0, 0, 0, 255)
    raw.FPDFPath_SetDrawMode(path_obj, raw.FPDF_FILLMODE_ALTERNATE, False)
    raw.FPDFPage_InsertObject(page, path_obj)
    raw.FPDFPage_GenerateContent(page)
    page.close()
    image = pdf.scanned_page_image(doc, 0, pdf.page_images(doc, 0), 150.0, 300.0).image
    gray = image if image.ndim == 2 else image[:, :, 0]
    # The black square (PDF origin bottom-left: 100-150 pt from the bottom) is in the result.
    y = gray.shape[0] - int(125 / 72 * 200)
    assert gray[y, int(125 / 72 * 200)] < 50


def test_a_turned_page_is_rendered_as_displayed(tmp_path):
    path = tmp_path / "scan.pdf"
    _scanned_pdf(path, _scan())
    doc = pdfium.PdfDocument(path)
    doc[0].set_rotation(90)
    image = pdf.scanned_page_image(doc, 0, pdf.page_images(doc, 0), 150.0, 300.0).image
    assert image.shape[0] < image.shape[1]  # landscape, as displayed
