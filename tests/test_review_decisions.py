"""Issue 16, items 2, 3 and 6 and the language item: a reviewer's decision can never make a
report wrong without the app saying so. In-process (Starlette's TestClient) on real samples:

- a decision that leaves rules unchecked (a cell set blank) shows them as unchecked, its own
  state, in the status, the counts and the queue row: never "all rules hold";
- a value is suggested only when the rules determine it for that cell alone: a broken rule
  that several cells could each explain lists the candidates instead;
- every finding and count is decided again from the stored state after each decision (prose
  figures against the corrected table, accepted cells no longer doubtful), the audit trail is
  in words, a cell set back to its reading is no longer corrected (nor in the export), and a
  source file moved away is noticed when a crop is asked for;
- what the reviewer reads (severity, kind, errors) is in Chinese and English.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from pre2019lib import YEAR_2012_CUMULATIVE, YEAR_2012_THIS, report_html
from reviewlib import SAMPLES, injected_errors, record_of, write_record

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from extract.batch.store import open_store  # noqa: E402
from extract.review import data  # noqa: E402
from extract.review.app import ReviewConfig, create_app  # noqa: E402

UNIQUE = "r2024-error-grandtotal-01"  # （七）总计 of 三 printed 3 too low: three broken rules share it
SHARED = "r2025-error-review-01"  # 四's 行政诉讼 total printed 1 too high: one broken rule, any cell could
TOKEN = "d" * 32
HEADERS = {"X-Review-Token": TOKEN}
IN_PERSON = "indicators.applications_in_person.this_year"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """The two digital samples and a clean pre-2019 web page, each read once."""
    folder = tmp_path_factory.mktemp("sources")
    page = report_html(folder / "pre2019.html", "云川市教育局", 2012, YEAR_2012_THIS, YEAR_2012_CUMULATIVE)
    return {name: (SAMPLES / f"{name}.pdf", record_of(SAMPLES / f"{name}.pdf")) for name in (UNIQUE, SHARED)} | {
        "pre2019": (page, record_of(page))}


@pytest.fixture()
def app(tmp_path: Path, records):
    """A batch database of the three reports (sources copied beside it) and the app over it."""
    folder = tmp_path / "reports"
    folder.mkdir()
    db_path = tmp_path / "results.sqlite"
    shas = {}
    for name, (path, record) in records.items():
        source = folder / path.name
        shutil.copy(path, source)
        shas[name] = write_record(db_path, source, json.loads(json.dumps(record)))
    client = TestClient(create_app(ReviewConfig(database=db_path, reviewer="decider", token=TOKEN)),
                        base_url="http://127.0.0.1", raise_server_exceptions=False)
    return client, db_path, shas, folder


def state_of(client, sha: str) -> dict:
    page = client.get(f"/report/{sha}/1")
    assert page.status_code == 200
    match = re.search(r'<script type="application/json" id="state">(.*?)</script>', page.text, re.S)
    return json.loads(match.group(1))


def decide(client, sha: str, key: str, value=None, note=None) -> dict:
    body = {"action": "accept"} if value is None else {"action": "correct", "value": value}
    if note:
        body["note"] = note
    answer = client.post(f"/report/{sha}/1/cells/{key}", json=body, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    return answer.json()


def queue_row(db_path: Path, sha: str) -> data.QueueItem:
    db = data.connect(db_path)
    try:
        return next(i for i in data.queue(db) if i.sha256 == sha)
    finally:
        db.close()


# ------------------------------------------------------------------------------ item 2


def test_a_blank_leaves_rules_unchecked_never_holding(app):
    client, db_path, shas, _ = app
    sha = shas["pre2019"]
    before = state_of(client, sha)
    assert before["report"]["errors"] == 0
    unchecked_before = before["status"]["unchecked"]
    assert queue_row(db_path, sha).unchecked == unchecked_before

    answer = decide(client, sha, IN_PERSON, "/", note="原件此格为空")
    after = answer["state"]
    # 当面申请 blank: 申请总数 = sum of the channels, 当面申请 <= 申请总数 and its running total
    # can no longer be checked. Unchecked is the report's state, in both languages, not "all hold".
    assert after["report"]["errors"] == 0 and after["cells"][IN_PERSON]["value"] == ""
    unchecked = after["status"]["unchecked"]
    assert unchecked >= unchecked_before + 3
    assert after["status"]["state"] == "unchecked" and not after["rules_hold"]
    assert f"{unchecked} 条规则未核验" in after["status"]["zh"] and f"{unchecked} rules unchecked" in after["status"]["en"]
    assert "全部成立" not in after["status"]["zh"] and "hold" not in after["status"]["en"]
    assert answer["decision"]["unchecked"] >= 3 and not answer["decision"]["rules_hold"]
    # The stored accounting (reports.rules) and the queue row count them too.
    db = sqlite3.connect(db_path)
    stored = json.loads(db.execute("SELECT rules FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0])
    db.close()
    assert stored["unchecked"] == unchecked and stored["by_rule"]["indicators.parts_sum"]["unchecked"] >= 1
    assert queue_row(db_path, sha).unchecked == unchecked
    from extract.batch.listing import report_rows  # `extract list` / `summary` count them in effect too

    db = open_store(db_path, readonly=True)
    assert next(r for r in report_rows(db) if r["sha256"] == sha)["unchecked"] == unchecked
    db.close()

    # Set back to the reading: every rule checked again, and it holds.
    again = decide(client, sha, IN_PERSON, str(YEAR_2012_THIS["applications_in_person"]))["state"]
    assert again["status"]["unchecked"] == unchecked_before
    assert queue_row(db_path, sha).unchecked == unchecked_before


# ------------------------------------------------------------------------------ item 3


def test_a_value_is_suggested_only_when_the_rules_fix_that_cell_alone(app, records):
    client, _, shas, _ = app
    # Three broken rules share one cell: it alone explains them, and its value is determined.
    (key, delta), = injected_errors(UNIQUE).items()
    printed = records[UNIQUE][1]["cells"][key]["value"]
    state = state_of(client, shas[UNIQUE])
    first = state["doubtful"][0]
    assert first["key"] == key and first["expected"] == str(printed - delta)
    assert first["suggestion"]["certainty"] == "determined"
    assert [c["key"] for c in first["suggestion"]["candidates"]] == [key]

    # One broken rule (total = upheld + corrected + other + pending) that several cells could
    # each explain: no cell gets a value; each candidate is listed with the value that would
    # make the rule hold, and the panel says it is not sure.
    (wrong, delta), = injected_errors(SHARED).items()
    printed = records[SHARED][1]["cells"][wrong]["value"]
    state = state_of(client, shas[SHARED])
    assert state["doubtful"] and all(d["expected"] == "" for d in state["doubtful"])
    suggestion = state["doubtful"][0]["suggestion"]
    assert suggestion["certainty"] == "candidates"
    assert "不确定" in suggestion["zh"] and "not sure" in suggestion["en"]
    candidates = {c["key"]: c["value"] for c in suggestion["candidates"]}
    assert len(candidates) >= 2 and candidates[wrong] == str(printed - delta)
    values = state["cells"]
    for cell, value in candidates.items():  # each candidate alone makes the rule hold
        trial = {k: int(c["value"]) for k, c in values.items() if k.startswith(wrong.rsplit(".", 1)[0] + ".")}
        trial[cell] = int(value)
        row = wrong.rsplit(".", 1)[0]
        assert trial[f"{row}.total"] == sum(trial[f"{row}.{c}"] for c in ("upheld", "corrected", "other", "pending"))
    # The same on demand for any cell of the rule.
    other = client.get(f"/report/{shas[SHARED]}/1/cells/{wrong}").json()
    assert other["expected"] == "" and other["suggestion"]["certainty"] == "candidates"


def test_a_doubtful_reading_is_marked_among_the_candidates(tmp_path, records):
    # The arithmetic cannot tell the candidates apart; the one read with low confidence is marked.
    (wrong, _), = injected_errors(SHARED).items()
    record = json.loads(json.dumps(records[SHARED][1]))
    record["cells"][wrong].update(source="ocr", confidence=0.5)
    db_path = tmp_path / "doubt.sqlite"
    sha = write_record(db_path, tmp_path / "gone.pdf", record)
    client = TestClient(create_app(ReviewConfig(database=db_path, reviewer="decider", token=TOKEN)),
                        base_url="http://127.0.0.1", raise_server_exceptions=False)
    suggestion = client.get(f"/report/{sha}/1/cells/{wrong}").json()["suggestion"]
    marked = {c["key"] for c in suggestion["candidates"] if c["doubtful_reading"]}
    assert suggestion["certainty"] == "candidates" and marked == {wrong}


def test_repair_and_suggestions_share_one_constraint_search():
    from extract.checks import constraints, repair
    from extract.review import rules

    assert repair.unique_solution is constraints.unique_solution and repair.components is constraints.components
    assert not hasattr(repair, "_unique_solution") and rules.explanations is constraints.explanations


# ------------------------------------------------------------------------------ item 6


def test_prose_findings_follow_the_corrected_table(app, records):
    client, _, shas, _ = app
    sha = shas[UNIQUE]
    # The text states 28 granted applications, as the table prints them.
    key = "applications.granted.total"
    printed = records[UNIQUE][1]["cells"][key]["value"]
    assert any(f["cells"] == [key] and f["value"] == printed for f in records[UNIQUE][1]["prose_figures"])
    assert not [f for f in state_of(client, sha)["findings"] if f["rule"] == "prose.contradicts_table"]

    after = decide(client, sha, key, str(printed + 2))["state"]
    (prose,) = [f for f in after["findings"] if f["rule"] == "prose.contradicts_table"]
    assert f"{printed}件" in prose["message"] and f"表格为{printed + 2}" in prose["message"]
    assert f"table has {printed + 2}" in prose["message_en"]
    after = decide(client, sha, key, str(printed + 1))["state"]
    (prose,) = [f for f in after["findings"] if f["rule"] == "prose.contradicts_table"]
    assert f"表格为{printed + 1}" in prose["message"]  # the value in effect, never the old one
    after = decide(client, sha, key, str(printed))["state"]
    assert not [f for f in after["findings"] if f["rule"] == "prose.contradicts_table"]
    assert after["status"]["prose_broken"] == 0


def test_audit_in_words_and_a_reverted_cell_is_not_corrected(app, records):
    from extract.export.stored import iter_stored_reports

    client, db_path, shas, _ = app
    sha = shas[UNIQUE]
    (key, delta), = injected_errors(UNIQUE).items()
    printed = records[UNIQUE][1]["cells"][key]["value"]
    decide(client, sha, key, str(printed - delta))
    state = decide(client, sha, key, str(printed))["state"]  # back to the reading
    accepted = "proactive.regulations.issued" if "proactive.regulations.issued" in state["cells"] else next(
        k for k in state["cells"] if k.startswith("proactive."))
    state = decide(client, sha, accepted)["state"]

    words = [(c["what_zh"], c["what_en"]) for c in state["corrections"]]
    assert words[0] == (f"由 {printed} 改为 {printed - delta}", f"changed from {printed} to {printed - delta}")
    assert words[1] == (f"由 {printed - delta} 改回读数 {printed}", f"set back from {printed - delta} to the reading {printed}")
    assert words[2][0].startswith("接受读数") and words[2][1].startswith("accepted the reading")
    page = client.get(f"/report/{sha}/1").text
    assert "accepted as read" not in json.dumps(state["corrections"]) and "null" not in json.dumps(words)
    assert "勾稽关系有不成立" in state["status"]["zh"] and state["report"]["errors"] > 0 and page

    # Set back to the reading: not corrected, neither in the cells table nor in the export.
    db = open_store(db_path, readonly=True)
    assert db.execute("SELECT corrected FROM cells WHERE sha256 = ? AND key = ?", (sha, key)).fetchone()[0] == 0
    stored = next(r for r in iter_stored_reports(db) if r.sha256 == sha)
    db.close()
    assert not stored.cells[key].corrected and stored.cells[key].value == printed
    assert "corrected" not in state["cells"][key]["classes"] and "confirmed" in state["cells"][key]["classes"]


def test_accepted_cells_are_no_longer_doubtful(tmp_path, records):
    # Two cells read by OCR with low confidence: doubtful until a person accepts them.
    record = json.loads(json.dumps(records[UNIQUE][1]))
    low = ["proactive.regulations.issued", "proactive.normative_documents.issued"]
    for key in low:
        record["cells"][key].update(source="ocr", confidence=0.5)
    db_path = tmp_path / "low.sqlite"
    sha = write_record(db_path, tmp_path / "gone.pdf", record)
    client = TestClient(create_app(ReviewConfig(database=db_path, reviewer="decider", token=TOKEN)),
                        base_url="http://127.0.0.1", raise_server_exceptions=False)
    doubtful = {d["key"] for d in state_of(client, sha)["doubtful"]}
    assert set(low) <= doubtful
    state = decide(client, sha, low[0])["state"]
    assert low[0] not in {d["key"] for d in state["doubtful"]} and low[1] in {d["key"] for d in state["doubtful"]}
    assert len(state["doubtful"]) == len(doubtful) - 1
    assert queue_row(db_path, sha).low_confidence == 1


def test_a_source_moved_away_is_noticed_per_crop(app, records):
    client, _, shas, folder = app
    sha = shas[UNIQUE]
    (key, _), = injected_errors(UNIQUE).items()
    assert client.get(f"/crop/{sha}/1/{key}").headers["content-type"] == "image/png"
    assert state_of(client, sha)["source"]["found"]
    moved = folder.parent / "elsewhere"
    moved.mkdir()
    shutil.move(str(folder / f"{UNIQUE}.pdf"), moved / f"{UNIQUE}.pdf")
    crop = client.get(f"/crop/{sha}/1/{key}")
    assert crop.status_code == 404 and "原件未找到" in crop.text and "source file not found" in crop.text
    state = state_of(client, sha)
    assert not state["source"]["found"] and not state_of(client, sha)["source"]["found"]
    # Back where it was: found again.
    shutil.move(str(moved / f"{UNIQUE}.pdf"), folder / f"{UNIQUE}.pdf")
    assert client.get(f"/crop/{sha}/1/{key}").status_code == 200


# ------------------------------------------------------------------------------ language


def test_what_the_reviewer_reads_is_bilingual(app):
    client, _, shas, _ = app
    state = state_of(client, shas[UNIQUE])
    assert state["report"]["kind_words"] == "数字版 PDF digital PDF"
    assert "数字版 PDF digital PDF" in client.get("/").text  # the queue's Kind column too
    for f in state["findings"]:
        assert CJK.search(f["severity_words"]) and f["severity"] in f["severity_words"]
        assert CJK.search(f["message"]) and re.search(r"[a-z]", f["message_en"])
    for answer in (client.get("/no/such/page"), client.get(f"/report/{'0' * 64}/1"),
                   client.get(f"/crop/{shas[UNIQUE]}/1/proactive.nope.issued")):
        assert answer.status_code == 404 and CJK.search(answer.text) and re.search(r"[a-z]{3}", answer.text)


# ------------------------------------------------------------------------------ in a browser


def test_in_a_browser_unchecked_candidates_words_and_a_lost_source(tmp_path, records):
    """What the reviewer sees, in headless chromium: a blank typed from the keyboard leaves
    rules unchecked and the status says so; a broken rule several cells could explain shows
    no value but the candidates; the audit trail in words; badges in both languages; a crop
    that fails once the source is moved away turns into the page's "source missing" note."""
    from browserlib import start_chromium
    from reviewlib import start_review
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    folder = tmp_path / "reports"
    folder.mkdir()
    db_path = tmp_path / "results.sqlite"
    shas = {}
    for name in ("pre2019", SHARED):
        path, record = records[name]
        shutil.copy(path, folder / path.name)
        shas[name] = write_record(db_path, folder / path.name, json.loads(json.dumps(record)))
    (wrong, delta), = injected_errors(SHARED).items()
    consistent = records[SHARED][1]["cells"][wrong]["value"] - delta
    browser = start_chromium("1400,1200")
    server = start_review(db_path, reviewer="browser-decider")
    wait = WebDriverWait(browser, 60)
    status = lambda d: d.find_element(By.ID, "report-status").text  # noqa: E731
    try:
        # A pre-2019 cell set blank from the keyboard: its rules are unchecked, and the page says so.
        browser.get(f"{server.url}report/{shas['pre2019']}/1")
        wait.until(status)
        browser.find_element(By.ID, f"cell-{IN_PERSON}").click()
        wait.until(lambda d: d.find_element(By.ID, "doubtful-panel").is_displayed())
        ActionChains(browser).send_keys("/").send_keys("\n").perform()
        wait.until(lambda d: "rules involving it unchecked" in d.find_element(By.ID, "decision-result").text)
        assert "条规则未核验" in status(browser) and "rules unchecked" in status(browser)
        assert "All rules hold" not in status(browser)
        assert "unsure" in browser.find_element(By.ID, "report-status").get_attribute("class").split()
        trail = browser.find_element(By.ID, "corrections-list").text
        assert "由 5 改为 空白 / changed from 5 to blank" in trail and "null" not in trail

        # The broken 四 rule: no value suggested, the candidates listed with theirs.
        browser.get(f"{server.url}report/{shas[SHARED]}/1")
        wait.until(status)
        assert "错误 error" in browser.find_element(By.ID, "findings-list").text
        ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).send_keys("d").perform()
        wait.until(lambda d: d.find_element(By.ID, "doubtful-panel").is_displayed())
        assert browser.find_element(By.ID, "doubtful-expected").text == "—"
        assert "not sure" in browser.find_element(By.ID, "doubtful-certainty").text
        listed = browser.find_elements(By.CSS_SELECTOR, "#doubtful-candidates li")
        assert len(listed) >= 2
        assert browser.find_element(By.CSS_SELECTOR, f'#doubtful-candidates li[data-key="{wrong}"]').text.endswith(
            f"→ {consistent}")

        # The source moved away while the page is open: the next crop fails and the page says why.
        assert not browser.find_element(By.ID, "source-missing").is_displayed()
        moved = tmp_path / "moved"
        moved.mkdir()
        shutil.move(str(folder / f"{SHARED}.pdf"), moved / f"{SHARED}.pdf")
        ActionChains(browser).send_keys("n").perform()
        wait.until(lambda d: d.find_element(By.ID, "source-missing").is_displayed())
        assert "原件未找到" in browser.find_element(By.ID, "source-missing").text
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "/crop/" not in e["message"]] == []
    finally:
        server.stop()
        browser.quit()
