"""The review app in a real headless browser (Debian chromium + Selenium) on a pre-2019
report: samples/pre2019/p2013-error-replies-01.pdf prints 对申请的答复总数 6 where its 其中
items add up to 5 (`indicators.parts_sum`). The statistics table is shown with its labels
nested, hovering a cell shows its crop, the doubtful-only mode opens on the parent with the
value the parts_sum rule fixes, the reviewer corrects it from the keyboard and the page says
the rule now holds; the correction is audited. A screenshot is saved in tests/artifacts/ (or
$EXTRACT_TEST_ARTIFACTS)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browserlib import start_chromium
from reviewlib import ROOT, SAMPLES, corrections, record_of, start_review, write_record

SAMPLE = SAMPLES / "pre2019" / "p2013-error-replies-01.pdf"
REVIEWER = "pre2019-reviewer"


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium("1500,1300")
    yield driver
    driver.quit()


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_correct_an_indicator_cell_from_the_keyboard(tmp_path, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE.name} not built (samples/make_pre2019.py)")
    record = record_of(SAMPLE)
    assert record["report"]["template"] == "pre2019"
    broken = next(f for f in record["findings"] if f["rule"] == "indicators.parts_sum")
    key = broken["cells"][0]  # the parent: 对申请的答复总数 (本年度)
    printed, consistent = int(broken["printed"]), int(broken["expected"])
    db_path = tmp_path / "results.sqlite"
    sha = write_record(db_path, SAMPLE, record)

    server = start_review(db_path, reviewer=REVIEWER)
    wait = WebDriverWait(browser, 60)
    try:
        browser.get(server.url)
        row = browser.find_element(By.CSS_SELECTOR, f'a[href="/report/{sha}/1"]').find_element(By.XPATH, "./../..")
        assert "pre2019" in row.text
        row.find_element(By.CSS_SELECTOR, "a").click()
        wait.until(lambda d: d.find_element(By.ID, "report-status").text)
        assert console_errors(browser) == []

        # The statistics table as printed: labels nested, a unit column, every indicator cell.
        table = browser.find_element(By.CSS_SELECTOR, "table.report-table")
        assert "指标名称" in table.text and "计量单位" in table.text
        parent = next(i for i in record["indicators"] if i["cell"] == key)
        label = browser.find_element(By.XPATH, f"//th[normalize-space()='{parent['label']}']")
        assert f"depth-{len(parent['path'])}" in label.get_attribute("class").split() or not parent["path"]
        for ind in record["indicators"]:
            assert browser.find_element(By.ID, f"cell-{ind['cell']}")
        for cell in broken["cells"]:
            assert "error" in browser.find_element(By.ID, f"cell-{cell}").get_attribute("class").split()
        assert "勾稽关系有不成立" in browser.find_element(By.ID, "report-status").text

        # Hovering the parent shows its crop, cut from the PDF on demand.
        target = browser.find_element(By.ID, f"cell-{key}")
        ActionChains(browser).move_to_element(target).perform()
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('popover-crop'); return i.complete && i.naturalWidth > 0"))
        assert parent["label"] in browser.find_element(By.ID, "popover-text").text

        # Doubtful only: the parent first. The parts_sum rule could be righted by the parent or
        # by one of its items: no value is suggested, the candidates are listed with theirs.
        ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).send_keys("d").perform()
        wait.until(lambda d: d.find_element(By.ID, "doubtful-panel").is_displayed())
        assert "current" in target.get_attribute("class").split()
        assert browser.find_element(By.ID, "doubtful-expected").text == "—"
        assert "not sure" in browser.find_element(By.ID, "doubtful-certainty").text
        listed = browser.find_element(By.CSS_SELECTOR, f'#doubtful-candidates li[data-key="{key}"]').text
        assert parent["label"] in listed and listed.endswith(f"→ {consistent}")
        assert "✗" in browser.find_element(By.ID, "doubtful-rules").text
        assert browser.switch_to.active_element.get_attribute("id") == "entry"
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('doubtful-crop'); return i.complete && i.naturalWidth > 0"))

        browser.find_element(By.ID, "note").send_keys("表中合计与分项不符，按分项更正")
        browser.find_element(By.ID, "entry").click()
        ActionChains(browser).send_keys(str(consistent)).send_keys("\n").perform()
        wait.until(lambda d: "now hold" in d.find_element(By.ID, "decision-result").text)
        result = browser.find_element(By.ID, "decision-result").text
        assert f"{printed} → {consistent}" in result and parent["label"] in result
        assert "All rules hold" in browser.find_element(By.ID, "report-status").text
        assert target.text == str(consistent)
        classes = target.get_attribute("class").split()
        assert "corrected" in classes and "error" not in classes
        assert REVIEWER in browser.find_element(By.ID, "corrections-list").text
        assert console_errors(browser) == []

        artifacts = Path(os.environ.get("EXTRACT_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        shot = artifacts / "review-pre2019-corrected.png"
        browser.set_window_size(1500, browser.execute_script("return document.documentElement.scrollHeight") + 140)
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        server.stop()

    (audit,) = corrections(db_path)
    assert (audit["key"], json.loads(audit["old_value"]), json.loads(audit["new_value"]), audit["reviewer"],
            audit["note"]) == (key, printed, consistent, REVIEWER, "表中合计与分项不符，按分项更正")
