"""Two-page spreads (an A3 book-scanner or copier image of two A4 pages side by side) are
cut into their pages; a page printed landscape is never cut; a table's header read on the
title's line is never taken for the agency. A dithered 1-bit page (a fax's photo mode) is
made grey again; a thresholded one is left as it is. The end-to-end readings of the
committed samples are in test_samples.py (samples/make_spread_scans.py)."""

from conftest import SAMPLES
from scanlib import embedded_page_image

from extract.metadata import read_info
from extract.read.images import load_image_pages
from extract.scan.dither import is_dithered, undither
from extract.scan.spread import split_spread
from extract.settings import DEFAULT_SETTINGS

FAX = SAMPLES / "scanned" / "scan-fax-dither-r2023-nulls-dash-01.tif"
GREY_TIFF = SAMPLES / "scanned" / "scan-r2021-split-fullwidth-01.tif"
SPREAD = SAMPLES / "scanned" / "scan-spread-r2024-zeros-small-01.pdf"
# Landscape pages of the office-scan twins: 三 printed across a landscape page (150 DPI),
# 四 on a landscape page (300 DPI), a Word landscape page with a shaded table.
LANDSCAPE = [
    (SAMPLES / "scanned" / "scan-r2025-lo-landscape-01.pdf", 3),
    (SAMPLES / "scanned" / "scan-r2023-bignumbers-thousands-01.pdf", 3),
    (SAMPLES / "scanned" / "scan-r2022-word-shaded-01.pdf", 4),
]


def test_a_spread_is_cut_at_its_fold_left_page_first():
    for index in (0, 1):
        spread = embedded_page_image(SPREAD, index)
        left, right = split_spread(spread)
        width = spread.image.shape[1]
        assert left.image.shape[1] + right.image.shape[1] == width
        # Cut in the fold between the pages (the generator puts the two A4 pages edge to
        # edge, a few pixels apart, inner margins ~25 mm each: 200 px at 200 DPI), never
        # through a page's text.
        assert abs(left.image.shape[1] - width / 2) < 100
        assert left.dpi == right.dpi == spread.dpi
        for page in (left, right):
            assert 0.6 < page.image.shape[1] / page.image.shape[0] < 0.8  # each an A4 portrait page


def test_a_landscape_page_is_left_whole():
    for path, index in LANDSCAPE:
        page = embedded_page_image(path, index)
        assert page.image.shape[1] > page.image.shape[0], path.name  # the landscape page it should be
        assert split_spread(page) == (page,), path.name


def test_a_portrait_page_scanned_turned_is_not_taken_for_a_spread():
    """A portrait page fed sideways makes a landscape image of A3 proportions, and a blank
    band between two paragraphs near its middle looks like a fold: its text lines run
    down the image, not across."""
    import cv2

    spread = embedded_page_image(SPREAD, 0)
    left, _ = split_spread(spread)
    page = left.image[: int(left.image.shape[1] * 1.41)].copy()  # one portrait page
    middle = page.shape[0] // 2
    page[middle - 60 : middle + 60] = 240  # ~15 mm of blank paper between two paragraphs
    turned = cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)
    image = type(spread)(1, turned, spread.dpi)
    assert split_spread(image) == (image,)


def test_a_spread_with_one_blank_side_is_left_whole():
    spread = embedded_page_image(SPREAD, 1)
    blank = spread.image.copy()
    blank[:, blank.shape[1] // 2 :] = 235  # the right page blank paper
    page = type(spread)(spread.number, blank, spread.dpi)
    assert split_spread(page) == (page,)


def test_a_template_label_is_never_the_agency():
    findings: list = []
    # The left page's title and the right page's table header on the same lines.
    info = read_info(["梅川市统计局", "申请人情况", "2021年政府信息公开工作年度报告"], "", None, findings)
    assert info.agency is None and info.year == 2021
    assert [f.rule for f in findings] == ["report.agency_label"]
    findings = []
    info = read_info(["本年度办理结果2021年政府信息公开工作年度报告"], "", None, findings)
    assert info.agency is None and [f.rule for f in findings] == ["report.agency_label"]
    findings = []
    info = read_info(["梅川市统计局", "2021年政府信息公开工作年度报告"], "", None, findings)
    assert info.agency == "梅川市统计局" and findings == []


def _specks(gray) -> int:
    """Ink components of at most 3 pixels (200 DPI)."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats((gray < 128).astype("uint8"), connectivity=8)
    return int((stats[1:, cv2.CC_STAT_AREA] <= 3).sum())


def test_dithered_fax_pages_are_made_grey_and_thresholded_ones_left_alone():
    import cv2

    pages = load_image_pages(FAX, DEFAULT_SETTINGS)
    # Pages 2 (error diffusion) and 3 (ordered 4x4) dithered, 1 and 4 thresholded.
    for page in pages:
        gray = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY)
        dithered = page.number in (2, 3)
        assert is_dithered(gray, page.dpi) == dithered, page.number
        made = undither(page)
        if not dithered:
            assert made is page
            continue
        assert made.image.ndim == 2 and made.dpi == page.dpi
        # The dots are integrated: paper and shading read as grey, not as thousands of specks.
        assert _specks(gray) > 20_000 and _specks(made.image) < 0.01 * _specks(gray)
    grey_scan = load_image_pages(GREY_TIFF, DEFAULT_SETTINGS)[0]
    assert undither(grey_scan) is grey_scan


def test_a_spreads_searchable_copy_puts_each_halfs_lines_where_the_spread_shows_them(tmp_path):
    """The spread sample's two images are read as four pages (1-2 from image 1, 3-4 from
    image 2). The searchable copy keeps the two images as its two pages, and each half's
    lines are written on its image where that half lies: the right half's beyond the cut.
    Geometry only (the pipeline's cut and frames, no OCR): one line a half, placed at the
    same spot of each half's page frame and named after its page."""
    import pypdfium2 as pdfium

    from extract.geometry import BBox
    from extract.page import PageContent, TextBox
    from extract.pipeline import _read_from, _scan_sheets
    from extract.scan.scanned_page import scan_frame, straighten
    from extract.scan.searchable import write_searchable

    contents, cuts, spread_pages = [], [], 0
    for index in (0, 1):
        image = embedded_page_image(SPREAD, index)
        sheets = _scan_sheets(image, spread_pages)
        spread_pages += len(sheets) - 1
        assert len(sheets) == 2
        for sheet, left in sheets:
            frame = scan_frame(sheet, straighten(sheet, engine=None, turns=0))
            line = TextBox(f"70{sheet.number}", BBox(100, 100, 160, 115), 0.99, "ocr")
            content = PageContent(sheet.number, 595.0, 842.0, (line,), (), "ocr", scan_frame=frame)
            contents.append(_read_from(content, image, left, True))
            cuts.append((left * image.scale, image.image.shape[1] * image.scale, image.image.shape[0] * image.scale))
    assert [c.number for c in contents] == [1, 2, 3, 4]
    assert [c.page_in_source for c in contents] == [1, 1, 2, 2]
    assert cuts[0][0] == 0 and cuts[1][0] > 0.4 * cuts[1][1]

    result = write_searchable(SPREAD, contents, tmp_path / "copy.pdf", pdfa=False)
    assert (result.pages, result.text_pages, result.lines) == (2, 2, 4)
    doc = pdfium.PdfDocument(str(tmp_path / "copy.pdf"))
    for content, (left, width, height) in zip(contents, cuts):
        page = doc[content.page_in_source - 1]
        sx, sy = page.get_width() / width, page.get_height() / height
        # Where the line lies on the spread (a small deskew moves it by a few points).
        x, y = (130 + left) * sx, page.get_height() - 107 * sy
        found = page.get_textpage().get_text_bounded(x - 20 * sx, y - 15 * sy, x + 20 * sx, y + 15 * sy)
        assert found.strip() == f"70{content.number}", (content.number, found)


def test_a_spreads_cell_crops_come_from_the_half_the_cell_was_read_on():
    """The review's crops of pages 1-4 (the spread sample read as four pages) are the
    halves the reading cut, each in its reading frame: page 2 is image 1's right half, page
    3 image 2's left half (not the source's pages 2 and 3, which do not hold them)."""
    import cv2
    import numpy as np

    from extract.pipeline import _scan_sheets
    from extract.scan.scanned_page import straighten
    from extract.show.crops import DocumentCrops

    read, spread_pages = [], 0
    for index in (0, 1):
        sheets = _scan_sheets(embedded_page_image(SPREAD, index), spread_pages)
        spread_pages += len(sheets) - 1
        read += [straighten(sheet, engine=None, turns=0).gray for sheet, _ in sheets]
    with DocumentCrops(SPREAD, page_turns={n: 0 for n in range(1, 5)}) as crops:
        for number, expected in enumerate(read, start=1):
            raster = crops.page(number)
            gray = cv2.cvtColor(raster.image, cv2.COLOR_BGR2GRAY)
            assert gray.shape == expected.shape, number
            differences = [float(np.abs(gray.astype(int) - other.astype(int)).mean())
                           for other in read if other.shape == gray.shape]
            # Its own half matches closely (a greyscale conversion apart); any other does not.
            assert min(differences) == differences[[o is expected for o in read if o.shape == gray.shape].index(True)]
            assert min(differences) < 6, (number, differences)
        try:
            crops.page(5)
        except Exception as exc:
            assert "page 5 does not exist" in str(exc)
        else:
            raise AssertionError("page 5 of a spread sample read as four pages was cropped")


def test_a_spread_image_without_a_resolution_is_measured_as_two_a4_pages(tmp_path):
    """A spread saved without a resolution tag (a phone photo of an opened volume, a
    converter that drops it) is taken for one A4 page by the image reader, 1.41 times its
    real pixels per inch; cut in two, each half is an A4 page as high as the image."""
    import cv2

    from extract.read.images import load_image_pages

    spread = embedded_page_image(SPREAD, 0)
    path = tmp_path / "spread.png"
    cv2.imwrite(str(path), spread.image)  # OpenCV writes no pHYs: no resolution
    loaded = load_image_pages(path, DEFAULT_SETTINGS)[0]
    assert loaded.dpi_guessed and loaded.dpi > 1.3 * spread.dpi
    left, right = split_spread(loaded)
    assert abs(left.dpi - spread.dpi) < 0.03 * spread.dpi and right.dpi == left.dpi
