"""The real published report in ../shared/real/ (WPS-made; section 三 split over pages 4-5)."""

import pypdfium2 as pdfium
from conftest import huaian_expected

from extract import extract_file
from extract.records import flatten_tables


def test_every_cell_exact(huaian):
    expected, flat = huaian_expected()
    report = extract_file(huaian)
    assert report.report.model_dump() == expected["report"]
    got = flatten_tables(report.tables)
    assert {k: got[k] for k in flat} == flat
    assert [f for f in report.findings if f.severity != "info"] == []


def test_cells_carry_provenance(huaian):
    report = extract_file(huaian)
    first_page = report.cells["applications.unable_not_held.total"]
    second_page = report.cells["applications.unable_needs_creation.total"]
    assert (first_page.page, second_page.page) == (4, 5)
    assert second_page.text == "11" and second_page.source == "text" and second_page.confidence == 1.0
    x0, top, x1, bottom = second_page.bbox
    assert 0 < x0 < x1 <= 595 and 0 < top < bottom <= 842
    assert report.source.kind == "digital" and report.source.pages == 6
    assert len(report.source.sha256) == 64


def test_page_selection_reads_only_those_pages(huaian):
    report = extract_file(huaian, pages=(4, 5))
    assert {c.page for c in report.cells.values()} == {4, 5}
    assert any(f.rule == "cell.missing" for f in report.findings)  # 二's first rows are on page 3


def test_rotated_pages_read_the_same(huaian, tmp_path):
    """A /Rotate on every page changes the user-space frame, not what is printed."""
    _, flat = huaian_expected()
    for angle in (90, 180, 270):
        doc = pdfium.PdfDocument(str(huaian))
        for page in doc:
            page.set_rotation(angle)
        rotated = tmp_path / f"rot{angle}.pdf"
        doc.save(str(rotated))
        doc.close()
        got = flatten_tables(extract_file(rotated).tables)
        assert {k: got[k] for k in flat} == flat, angle


def test_sideways_content_is_turned_upright(huaian, tmp_path):
    """Each page drawn rotated by 90/270 degrees onto a landscape page (inside a form
    XObject, no /Rotate): the reader turns the frame by the text direction."""
    _, flat = huaian_expected()
    for angle, matrix in ((90, (0, 1, -1, 0, 842, 0)), (270, (0, -1, 1, 0, 0, 595))):
        src = pdfium.PdfDocument(str(huaian))
        dst = pdfium.PdfDocument.new()
        for i in range(len(src)):
            xobject = src.page_as_xobject(i, dst)
            form = xobject.as_pageobject()
            form.transform(pdfium.PdfMatrix(*matrix))
            page = dst.new_page(842, 595)
            page.insert_obj(form)
            page.gen_content()
        out = tmp_path / f"sideways{angle}.pdf"
        dst.save(str(out))
        got = flatten_tables(extract_file(out).tables)
        assert {k: got[k] for k in flat} == flat, angle
