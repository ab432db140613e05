"""The static HTML page of a scanned sample in a real headless browser (Debian's chromium
driven by Selenium, no browser download, no network): no console errors, the three tables,
error cells highlighted, a finding's link focusing its cell, and for a sample of cells the
crop embedded in the page reading the value the cell shows (recognised again by the
project's OCR engine) and equal to a fresh render of the cell's bbox. A screenshot is saved
in tests/artifacts/ (or $EXTRACT_TEST_ARTIFACTS)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from browserlib import start_chromium
from conftest import ROOT, SAMPLES

SCANNED = SAMPLES / "scanned" / "scan-r2024-error-grandtotal-01.pdf"
ARTIFACTS = Path(os.environ.get("EXTRACT_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))


@pytest.fixture(scope="module")
def browser():
    # No network: every host name fails to resolve, and no proxy is reachable.
    driver = start_chromium("1400,1000", ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                                          "--no-first-run", "--disable-background-networking",
                                          "--disable-component-update"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def scanned_page(tmp_path_factory):
    from extract.pipeline import extract_file
    from extract.show.html_page import write_report_html

    report = extract_file(SCANNED)
    out = tmp_path_factory.mktemp("html") / "scan.html"
    note = write_report_html(report, SCANNED, out)
    assert note == ""
    return report, out


def _hover(browser, element) -> None:
    """Move the mouse onto an element (scrolled into view first: a pointer move does not scroll)."""
    from selenium.webdriver.common.action_chains import ActionChains

    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(browser).move_to_element(element).perform()


def _ink_box(image: np.ndarray, pad: int = 4) -> np.ndarray:
    """The image cut to its dark pixels (and `pad` around): one line of print, as the
    reading cuts lines by their ink (a wide, mostly empty crop makes the recogniser guess)."""
    rows, cols = np.nonzero(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) < 128)
    if not len(rows):
        return image
    return image[max(0, rows.min() - pad): rows.max() + pad + 1, max(0, cols.min() - pad): cols.max() + pad + 1]


def _decode(src: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix)
    return cv2.imdecode(np.frombuffer(base64.b64decode(src[len(prefix):]), np.uint8), cv2.IMREAD_COLOR)


def test_static_page_of_a_scan_in_headless_chromium(browser, scanned_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from extract.records import flatten_tables
    from extract.scan.ocr import get_engine
    from extract.show.crops import DEFAULT_MARGIN_PT, DEFAULT_SCALE, DocumentCrops
    from extract.table_layout import TABLE_TITLES
    from extract.show.marks import shown_value

    report, page = scanned_page
    browser.get(page.as_uri())
    browser.get_log("browser")  # nothing before this page
    browser.get(page.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []

    tables = browser.find_elements(By.CSS_SELECTOR, "table.report-table")
    assert [t.find_element(By.TAG_NAME, "caption").text for t in tables] == list(TABLE_TITLES.values())
    values = flatten_tables(report.tables)

    # Error cells are highlighted (the page's colour, as the browser computed it).
    error_keys = sorted({k for f in report.findings if f.severity == "error" for k in f.cells if k in report.cells})
    assert error_keys, "the sample's injected error names cells"
    for key in error_keys:
        cell = browser.find_element(By.ID, f"cell-{key}")
        assert cell.value_of_css_property("background-color") == "rgba(253, 224, 224, 1)", key

    # A finding's link moves focus to its cell, and the cell's crop shows.
    link = browser.find_element(By.CSS_SELECTOR, "li.finding.error a.cell-link")
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    WebDriverWait(browser, 5).until(lambda b: b.switch_to.active_element.get_attribute("id") == target)
    focused_tip = browser.switch_to.active_element.find_element(By.CSS_SELECTOR, ".tip img")
    WebDriverWait(browser, 5).until(lambda _: focused_tip.is_displayed(), message="no crop shown on focus")
    browser.execute_script("document.activeElement.blur()")

    # A sample of cells: multi-digit values spread over the tables, and some single digits.
    numeric = [k for k, c in report.cells.items() if c.text.isdigit() and c.value is not None]
    long = [k for k in numeric if len(report.cells[k].text) >= 2]
    short = [k for k in numeric if len(report.cells[k].text) == 1]
    sample = long[:: max(1, len(long) // 9)][:9] + short[:: max(1, len(short) // 3)][:3]
    assert len(sample) >= 10
    shown, crops_in_page = [], []
    for key in sample:
        cell = browser.find_element(By.ID, f"cell-{key}")
        tip = cell.find_element(By.CSS_SELECTOR, ".tip img")
        assert not tip.is_displayed()
        _hover(browser, cell)
        # the crop shows on hover (the hover style lands with the next frame)
        # (a crop shown below a cell must not keep the hover when the mouse moves down a column)
        WebDriverWait(browser, 5).until(lambda _: tip.is_displayed(), message=f"no crop shown on hover: {key}")
        shown.append(cell.find_element(By.CSS_SELECTOR, ".val").text)
        crops_in_page.append(_decode(tip.get_attribute("src")))
    assert shown == [shown_value(report, k, values) for k in sample]

    # The embedded crop is the cell's bbox rendered from the source again ...
    with DocumentCrops(SCANNED) as fresh:
        for key, crop in zip(sample, crops_in_page):
            record = report.cells[key]
            assert np.array_equal(crop, fresh.crop(record.page, record.bbox)), key
    # ... and it reads the value the page shows: recognised again without the margin and
    # the rulings around the cell.
    inset = int(np.ceil((DEFAULT_MARGIN_PT + 1.5) * DEFAULT_SCALE))
    inner = [_ink_box(crop[inset:-inset, inset:-inset]) for crop in crops_in_page]
    read = [r.text.replace(" ", "").replace("O", "0").replace("o", "0")
            for r in get_engine("rapidocr").recognize_lines(inner)]
    agree = sum(r == s for r, s in zip(read, shown))
    assert agree >= len(sample) - 1, list(zip(sample, shown, read))
    # The check can fail: the same crops against their neighbours' values mostly disagree.
    assert sum(r == s for r, s in zip(read, shown[1:] + shown[:1])) <= len(sample) // 2

    # A screenshot with a cell's crop showing, for people to look at.
    _hover(browser, browser.find_element(By.ID, f"cell-{error_keys[0]}"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "show-html-scan.png"
    browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")
    assert _is_png(shot)


def _is_png(path: Path) -> bool:
    image = cv2.imread(str(path))
    return image is not None and image.shape[0] > 100 and image.shape[1] > 100
