"""The review app in a real headless browser (Debian's chromium driven by Selenium, no browser
download), on a batch holding the error-injected scanned sample: the page loads without
console errors, the broken rules' cells are highlighted, the wrong cell is corrected from
the keyboard in the "doubtful only" mode and the page says the rules now hold; the
correction is in SQLite with reviewer and time, and the CSV export carries the corrected
value with the original. A screenshot is saved in tests/artifacts/ (or
$EXTRACT_TEST_ARTIFACTS)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from browserlib import start_chromium
from reviewlib import (
    ROOT,
    SAMPLES,
    corrections,
    injected_errors,
    record_of,
    start_review,
    write_record,
)

SCANNED = SAMPLES / "scanned" / "scan-r2024-error-grandtotal-01.pdf"
REVIEWER = "browser-reviewer"


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium("1600,1400")
    yield driver
    driver.quit()


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_correct_the_injected_error_from_the_keyboard(tmp_path, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    (key, delta), = injected_errors(SCANNED.stem.removeprefix("scan-")).items()
    record = record_of(SCANNED)
    printed = record["cells"][key]["value"]
    consistent = printed - delta
    broken = [f for f in record["findings"] if f["severity"] == "error"]
    assert broken and all(key in f["cells"] for f in broken), "the sample's error is not found by the rules"
    db_path = tmp_path / "results.sqlite"
    sha = write_record(db_path, SCANNED, record)

    server = start_review(db_path, reviewer=REVIEWER)
    wait = WebDriverWait(browser, 60)
    try:
        browser.get(server.url)
        browser.find_element(By.CSS_SELECTOR, f'a[href="/report/{sha}/1"]').click()
        wait.until(lambda d: d.find_element(By.ID, "report-status").text)
        assert console_errors(browser) == []

        # Every cell of every broken rule is highlighted as an error.
        for finding in broken:
            for cell in finding["cells"]:
                classes = browser.find_element(By.ID, f"cell-{cell}").get_attribute("class").split()
                assert "error" in classes, (cell, classes)
        assert "勾稽关系有不成立" in browser.find_element(By.ID, "report-status").text

        # Hovering the wrong cell shows its crop, cut from the scan on demand.
        target = browser.find_element(By.ID, f"cell-{key}")
        ActionChains(browser).move_to_element(target).perform()
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('popover-crop'); return i.complete && i.naturalWidth > 0"))

        # Doubtful-only mode opens on the cell every broken rule names, with the value they expect.
        ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).send_keys("d").perform()
        wait.until(lambda d: d.find_element(By.ID, "doubtful-panel").is_displayed())
        assert "current" in target.get_attribute("class").split()
        assert browser.find_element(By.ID, "doubtful-expected").text == str(consistent)
        assert browser.switch_to.active_element.get_attribute("id") == "entry"
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('doubtful-crop'); return i.complete && i.naturalWidth > 0"))

        # n / p step through the doubtful cells and back.
        ActionChains(browser).send_keys("n").perform()
        wait.until(lambda d: "current" not in target.get_attribute("class").split())
        assert browser.find_element(By.ID, "doubtful-position").text.startswith("2 / ")
        ActionChains(browser).send_keys("p").perform()
        wait.until(lambda d: "current" in target.get_attribute("class").split())

        ActionChains(browser).send_keys(str(consistent)).send_keys("\n").perform()
        wait.until(lambda d: "now hold" in d.find_element(By.ID, "decision-result").text)
        result = browser.find_element(By.ID, "decision-result").text
        assert f"{printed} → {consistent}" in result
        assert "All rules hold" in browser.find_element(By.ID, "report-status").text
        assert target.text == str(consistent)
        assert "corrected" in target.get_attribute("class").split()
        assert "error" not in target.get_attribute("class").split()
        assert console_errors(browser) == []

        artifacts = Path(os.environ.get("EXTRACT_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        shot = artifacts / "review-corrected.png"
        # The whole page in one picture: the window as tall as the page.
        browser.set_window_size(1600, browser.execute_script("return document.documentElement.scrollHeight") + 140)
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        server.stop()

    # The audit trail: who, when, what was read and what it became.
    (audit,) = corrections(db_path)
    assert (audit["key"], json.loads(audit["old_value"]), json.loads(audit["new_value"]), audit["reviewer"]) == (
        key, printed, consistent, REVIEWER)
    at = datetime.strptime(audit["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - at) < timedelta(minutes=10)

    # The export carries the corrected value with the original; --original the reading.
    def exported(*extra: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "extract.cli", "export", str(db_path), "--format", "csv",
                              "--out", "-", "-q", *extra], capture_output=True, text=True, check=True, cwd=ROOT).stdout
        return next(row for row in csv.DictReader(io.StringIO(out)) if row["key"] == key)

    row = exported()
    assert (float(row["value"]), float(row["original_value"]), row["corrected"]) == (consistent, printed, "1")
    assert float(exported("--original")["value"]) == printed


def test_hostile_text_stays_text_and_a_accepts(tmp_path, browser):
    """Markup in an agency name, a printed cell text, a finding message and a file name is
    shown as text (no script runs, no console error); `a` accepts a doubtful value."""
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    sample = SAMPLES / "r2022-error-leaf-01.pdf"
    record = record_of(sample)
    record["report"]["agency"] = hostile
    (key, _), = injected_errors(sample.stem).items()
    record["cells"][key]["text"] = hostile
    error = next(f for f in record["findings"] if f["severity"] == "error" and key in f["cells"])
    error["message"] = hostile
    db_path = tmp_path / "hostile.sqlite"
    sha = write_record(db_path, tmp_path / f"{hostile}.pdf", record)

    server = start_review(db_path, reviewer=REVIEWER)
    wait = WebDriverWait(browser, 60)
    try:
        browser.get(server.url)
        assert hostile in browser.find_element(By.CSS_SELECTOR, "table.queue").text
        browser.get(f"{server.url}report/{sha}/1")
        wait.until(lambda d: d.find_element(By.ID, "findings-list").text)
        assert hostile in browser.find_element(By.TAG_NAME, "h1").text
        assert hostile in browser.find_element(By.ID, "findings-list").text
        assert hostile in browser.find_element(By.ID, "source-missing").text  # the file is gone, and says so
        ActionChains(browser).move_to_element(browser.find_element(By.ID, f"cell-{key}")).perform()
        wait.until(lambda d: hostile in d.find_element(By.ID, "popover-text").text)
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text
        assert browser.execute_script("return document.querySelectorAll('img[src=x], #findings-list script').length") == 0

        ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).send_keys("d").perform()
        wait.until(lambda d: d.find_element(By.ID, "doubtful-panel").is_displayed())
        current = browser.find_element(By.CSS_SELECTOR, "td.v.current").get_attribute("data-key")
        ActionChains(browser).send_keys("a").perform()
        wait.until(lambda d: "confirmed" in d.find_element(By.ID, "decision-result").text)
        assert console_errors(browser) == []
    finally:
        server.stop()
    (audit,) = corrections(db_path)
    assert (audit["key"], audit["old_value"] == audit["new_value"], audit["reviewer"], audit["note"]) == (
        current, True, REVIEWER, "accepted as read")
