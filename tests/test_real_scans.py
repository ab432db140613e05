"""The real report ../shared/real/huaian-2024.pdf (WPS-made, 6 pages, section 三 split over
pages 4-5) scanned at test time: greyscale, 150 DPI, each page slightly skewed, blurred,
noisy, JPEG-compressed, as an image-only PDF in a tmp dir (never committed). The whole
record must read back as the hand-checked expected JSON."""

from conftest import EXPECTED
from scanlib import grey_office_scan

from extract.evaluate import evaluate_file
from extract.settings import DEFAULT_SETTINGS


def test_grey_150dpi_office_scan_reads_exactly(huaian, tmp_path):
    scan = grey_office_scan(huaian, tmp_path / "huaian-grey-150.pdf", dpi=150, quality=40,
                            max_skew=0.9, noise=7.0, blur=0.6, seed=11)
    result = evaluate_file(scan, EXPECTED / "huaian-2024.expected.json", DEFAULT_SETTINGS)
    assert result.error is None, result.error
    assert result.wrong == []
    assert result.metadata_diffs == []
    assert result.found_findings == result.expected_findings
    assert sum(result.cells.values()) >= 195  # every table compared
