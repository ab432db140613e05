"""The review app at archive scale (issue 16, item 7), on a database of a few hundred reports
made in SQL from one real batch result (benchmarks/bench_review.py `copy_reports`): server-side
paging, filters, sort and search against the same order computed here from the stored rows;
the report's place in the filtered queue; bulk accept of one rule's cells (audit rows, the
reports validated again); undo; un-mark; the confirmation the server asks before a report with
errors open is marked reviewed; crops with their row and column context; and one browser run
driving all of it from the keyboard."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from reviewlib import ROOT, SAMPLES, injected_errors, record_of, start_review, write_record

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_review import copy_reports  # noqa: E402

from extract.checks.revalidate import revalidate_stored  # noqa: E402
from extract.review import queue  # noqa: E402

SOURCE = SAMPLES / "r2024-error-grandtotal-01.pdf"
REPORTS = 240
TOKEN = "scale-token"
HEADERS = {"X-Review-Token": TOKEN}
# The reading doubt added to the error copy: a low-confidence warning on one cell, as a scan
# would give (a digital sample has none); bulk accept settles it.
DOUBT_RULE = "cell.low_confidence"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A database of REPORTS reports: copies of the sample as read (an error, and a doubtful
    cell) and of the sample with its injected error put right (clean); one in ten signed off."""
    folder = tmp_path_factory.mktemp("scale")
    db_path = folder / "archive.sqlite"
    (key, delta), = injected_errors(SOURCE.stem).items()
    doubtful = "applications.granted.natural_person"

    def add_doubt(record):
        record["findings"].append({"rule": DOUBT_RULE, "severity": "warning", "message": "识别置信度低",
                                   "message_en": "low OCR confidence", "cells": [doubtful], "locations": []})

    record = record_of(SOURCE, add_doubt)
    sha = write_record(db_path, SOURCE, record)
    clean = json.loads(json.dumps(record))
    clean["cells"][key]["value"] -= delta
    clean["findings"] = [f for f in clean["findings"] if f["severity"] == "info"]
    clean["report"]["agency"] = "西湖区人民政府"  # another report, not a copy of the first (shown once)
    clean_sha = "c" * 64
    write_record(db_path, SOURCE.with_name("clean.pdf"), clean, sha=clean_sha)
    db = sqlite3.connect(db_path)
    with db:
        revalidate_stored(db, clean_sha, 1)  # its findings as the rules decide them
    db.close()
    assert copy_reports(db_path, REPORTS) == REPORTS
    return db_path, sha, key, doubtful


def client_for(db_path: Path, reviewer: str = "scale-tester"):
    from starlette.testclient import TestClient

    from extract.review.app import ReviewConfig, create_app

    return TestClient(create_app(ReviewConfig(database=db_path, reviewer=reviewer, token=TOKEN)),
                      base_url="http://127.0.0.1")


def stored_rows(db_path: Path) -> list[dict]:
    """Every report as stored, with what the queue sorts by, counted here from the tables."""
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute(
            "SELECT r.sha256, r.first_page, r.agency, r.year, r.template, r.errors, r.warnings, r.reviewed_at, d.path,"
            " (SELECT COUNT(*) FROM cells c WHERE c.sha256 = r.sha256 AND c.first_page = r.first_page"
            "  AND c.source = 'ocr' AND c.confidence < ?) AS low,"
            " json_extract(r.record, '$.rules.unchecked') AS unchecked,"
            " (SELECT group_concat(rule) FROM findings f WHERE f.sha256 = r.sha256 AND f.first_page = r.first_page) AS rules"
            " FROM reports r JOIN documents d USING (sha256)", (queue.LOW_CONFIDENCE,))]
    finally:
        db.close()


def need_order(row: dict):
    return (row["reviewed_at"] is not None, -row["errors"], -row["warnings"], -row["low"], -(row["unchecked"] or 0),
            row["agency"] or "", row["year"] or 0, row["path"], row["first_page"], row["sha256"])


def keys_of(items) -> list[tuple[str, int]]:
    return [(i.sha256, i.first_page) for i in items]


def test_paging_filters_sort_and_search_in_sql(archive):
    db_path, *_ = archive
    rows = stored_rows(db_path)
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    queue.rebuild(db)
    everything = queue.QueueFilter()
    first = queue.page(db, everything, 1)
    assert (len(first.items), first.pages) == (queue.PER_PAGE, -(-REPORTS // queue.PER_PAGE))
    assert first.progress.total == REPORTS and first.progress.total_reviewed == sum(r["reviewed_at"] is not None for r in rows)
    paged = [item for n in range(1, first.pages + 1) for item in queue.page(db, everything, n).items]
    expected = [(r["sha256"], r["first_page"]) for r in sorted(rows, key=need_order)]
    assert keys_of(paged) == expected  # pages neither overlap nor skip, in the need order
    assert queue.page(db, everything, 999).number == first.pages  # past the end: the last page

    def matching(queue_filter, predicate):
        got = queue.every_item(db, queue_filter)
        want = {(r["sha256"], r["first_page"]) for r in rows if predicate(r)}
        assert want and set(keys_of(got)) == want, queue_filter
        assert queue.progress(db, queue_filter).shown == len(want)
        return got

    matching(queue.QueueFilter(status="errors"), lambda r: r["errors"] > 0)
    matching(queue.QueueFilter(status="reviewed"), lambda r: r["reviewed_at"] is not None)
    matching(queue.QueueFilter(status="unreviewed", year=2020), lambda r: r["reviewed_at"] is None and r["year"] == 2020)
    matching(queue.QueueFilter(agency="海淀"), lambda r: "海淀" in (r["agency"] or ""))
    matching(queue.QueueFilter(rule=DOUBT_RULE), lambda r: DOUBT_RULE in (r["rules"] or ""))
    matching(queue.QueueFilter(template="2021", status="warnings"), lambda r: r["template"] == "2021" and r["warnings"] > 0)
    one = next(r for r in rows if r["path"].endswith("-17.pdf"))
    assert keys_of(matching(queue.QueueFilter(search="-17.pdf"), lambda r: r["path"].endswith("-17.pdf"))) == \
        [(one["sha256"], one["first_page"])]
    matching(queue.QueueFilter(search="朝阳"), lambda r: "朝阳" in r["agency"] or "朝阳" in r["path"])
    assert not queue.every_item(db, queue.QueueFilter(search="100%_"))  # LIKE's wildcards taken literally
    by_agency = queue.every_item(db, queue.QueueFilter(sort="agency"))
    assert [i.agency for i in by_agency] == sorted(i.agency for i in by_agency)
    by_year = queue.every_item(db, queue.QueueFilter(sort="year"))
    assert [i.year for i in by_year] == sorted((i.year for i in by_year), reverse=True)

    # A report's place: its position in the filtered queue and its neighbours there.
    errors = queue.QueueFilter(status="errors", sort="agency")
    listed = keys_of(queue.every_item(db, errors))
    k = len(listed) // 2
    place = queue.place(db, errors, *listed[k])
    assert (place.position, place.count, place.previous, place.next) == (k + 1, len(listed), listed[k - 1], listed[k + 1])
    outside = next((r["sha256"], r["first_page"]) for r in rows if r["errors"] == 0)
    assert queue.place(db, errors, *outside).position is None
    db.close()


def test_filters_in_the_url_and_the_report_page_keeps_them(archive):
    db_path, sha, *_ = archive
    with client_for(db_path) as client:
        page = client.get("/?status=errors&sort=agency&page=2")
        assert page.status_code == 200
        links = re.findall(r'href="(/report/[0-9a-f]{64}/1[^"]*)"', page.text)
        assert len(links) == queue.PER_PAGE and all(link.endswith("?status=errors&amp;sort=agency") for link in links)
        assert re.search(r"第 2 / \d+ 页", page.text)
        assert "当前筛选已审核" in page.text and f"/ {REPORTS} 份" in page.text
        report = client.get(links[3].replace("&amp;", "&"))
        assert report.status_code == 200
        assert f"第 {queue.PER_PAGE + 4} / " in report.text  # page 2, fourth row
        for name in ("queue-previous", "queue-following"):
            assert re.search(rf'id="{name}" href="/report/[0-9a-f]{{64}}/1\?status=errors&amp;sort=agency"', report.text)
        assert 'id="queue-back" href="/?status=errors&amp;sort=agency&amp;page=2"' in report.text
        for bad in ("status=bogus", "year=20x", "page=0", "sort=drop", "rule=a;b", "agency=" + "x" * 101, "page=99999999999"):
            answer = client.get("/?" + bad)
            assert answer.status_code == 400, bad
            assert "x-frame-options" in answer.headers


def test_bulk_accept_writes_audit_rows_and_revalidates(archive, tmp_path):
    db_path = tmp_path / "bulk.sqlite"
    db_path.write_bytes(archive[0].read_bytes())
    doubtful = archive[3]
    chosen = {"agency": "区人民政府办公室"}
    with client_for(db_path, reviewer="bulk-tester") as client:
        refused = client.post("/bulk-accept", json={"filter": chosen, "rule": DOUBT_RULE})
        assert refused.status_code == 403
        preview = client.post("/bulk-accept", json={"filter": chosen, "rule": DOUBT_RULE}, headers=HEADERS).json()
        db = sqlite3.connect(db_path)
        targets = db.execute(
            "SELECT r.sha256, r.warnings FROM reports r WHERE r.agency LIKE '%区人民政府办公室%' AND EXISTS"
            " (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256 AND f.first_page = r.first_page AND f.rule = ?)",
            (DOUBT_RULE,)).fetchall()
        assert targets and (preview["cells"], preview["reports"], preview["done"]) == (len(targets), len(targets), False)
        assert db.execute("SELECT COUNT(*) FROM corrections").fetchone()[0] == 0  # a preview writes nothing
        done = client.post("/bulk-accept", json={"filter": chosen, "rule": DOUBT_RULE, "confirm": True, "note": "批量"},
                           headers=HEADERS).json()
        assert (done["cells"], done["reports"], done["done"]) == (len(targets), len(targets), True)
        audit = db.execute("SELECT sha256, key, old_value, new_value, reviewer, at, note FROM corrections").fetchall()
        assert sorted(a[0] for a in audit) == sorted(t[0] for t in targets)
        for _, key, old, new, reviewer, at, note in audit:
            assert (key, old, reviewer, note) == (doubtful, new, "bulk-tester", "批量")
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", at)
        for target_sha, warnings_before in targets:
            # validated again: the reading doubt a person settled is gone, with its count
            rules = {r for (r,) in db.execute("SELECT rule FROM findings WHERE sha256 = ?", (target_sha,))}
            warnings = db.execute("SELECT warnings FROM reports WHERE sha256 = ?", (target_sha,)).fetchone()[0]
            assert DOUBT_RULE not in rules and warnings == warnings_before - 1
        untouched = db.execute("SELECT COUNT(*) FROM findings WHERE rule = ?", (DOUBT_RULE,)).fetchone()[0]
        assert untouched > 0  # reports outside the filter keep theirs
        again = client.post("/bulk-accept", json={"filter": chosen, "rule": DOUBT_RULE}, headers=HEADERS).json()
        assert again["cells"] == 0  # nothing left to decide there
        db.close()


def test_undo_unmark_and_the_confirmation_before_marking_with_errors(archive, tmp_path):
    db_path = tmp_path / "undo.sqlite"
    db_path.write_bytes(archive[0].read_bytes())
    _, sha, key, _ = archive
    (_, delta), = injected_errors(SOURCE.stem).items()
    db = sqlite3.connect(db_path)
    read = db.execute("SELECT value_num FROM cells WHERE sha256 = ? AND key = ?", (sha, key)).fetchone()[0]
    errors_before = db.execute("SELECT errors FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0]
    assert errors_before > 0
    with client_for(db_path, reviewer="undo-tester") as client:
        assert client.post("/undo", json={}, headers=HEADERS).status_code == 409  # nothing yet this session
        url = f"/report/{sha}/1"
        fixed = client.post(f"{url}/cells/{key}", json={"action": "correct", "value": str(int(read - delta))},
                            headers=HEADERS)
        assert fixed.status_code == 200 and fixed.json()["state"]["report"]["errors"] == 0
        undone = client.post("/undo", json={}, headers=HEADERS)
        assert undone.status_code == 200, undone.text
        assert undone.json()["state"]["report"]["errors"] == errors_before
        value, corrected = db.execute("SELECT value_num, corrected FROM cells WHERE sha256 = ? AND key = ?",
                                      (sha, key)).fetchone()
        assert (value, corrected) == (read, 0)
        (first_id, undoes), (undo_id, undo_of) = db.execute(
            "SELECT id, undoes FROM corrections WHERE sha256 = ? ORDER BY id", (sha,)).fetchall()
        assert undoes is None and undo_of == first_id and undo_id > first_id
        assert client.post("/undo", json={}, headers=HEADERS).status_code == 409  # the undo is not undone
        assert db.execute("SELECT errors FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] == errors_before
        # The queue counts it as undecided again.
        assert db.execute("SELECT decisions FROM review_queue WHERE sha256 = ?", (sha,)).fetchone()[0] == 0

        refused = client.post(f"{url}/reviewed", json={}, headers=HEADERS)
        assert refused.status_code == 409 and "confirm" in refused.json()["error"]
        assert db.execute("SELECT reviewed_at FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] is None
        marked = client.post(f"{url}/reviewed", json={"confirm": True}, headers=HEADERS)
        assert marked.status_code == 200 and marked.json()["state"]["report"]["reviewed_by"] == "undo-tester"
        shown = queue.every_item(db, queue.QueueFilter(status="reviewed"))
        assert (sha, 1) in keys_of(shown)
        unmarked = client.post(f"{url}/reviewed", json={"reviewed": False}, headers=HEADERS)
        assert unmarked.status_code == 200 and unmarked.json()["state"]["report"]["reviewed_at"] is None
        assert db.execute("SELECT reviewed_by FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] is None
        assert client.post(f"{url}/reviewed", json={"confirm": "yes"}, headers=HEADERS).status_code == 400
    db.close()


def test_a_crop_with_its_row_and_column_context(archive):
    db_path, sha, key, _ = archive
    with client_for(db_path) as client:
        plain = client.get(f"/crop/{sha}/1/{key}")
        context = client.get(f"/crop/{sha}/1/{key}?context=1")
        assert plain.status_code == context.status_code == 200
        assert client.get(f"/crop/{sha}/1/{key}?context=2").status_code == 400
    cell = cv2.imdecode(np.frombuffer(plain.content, np.uint8), cv2.IMREAD_COLOR)
    mosaic = cv2.imdecode(np.frombuffer(context.content, np.uint8), cv2.IMREAD_COLOR)
    # the cell framed red at the bottom right, the label strip left of it, the header above
    assert mosaic.shape[0] > cell.shape[0] * 2 and mosaic.shape[1] > cell.shape[1] * 2
    corner = mosaic[-cell.shape[0]:, -cell.shape[1]:]
    red = (corner[:, :, 2] > 180) & (corner[:, :, 1] < 80) & (corner[:, :, 0] < 80)
    assert red[0].mean() > 0.8 and red[:, 0].mean() > 0.8
    label_strip = mosaic[-cell.shape[0]:, : mosaic.shape[1] - cell.shape[1] - 2]
    assert (label_strip < 128).mean() > 0.005  # the row's label prints there


def test_keyboard_filter_open_mark_with_confirmation_and_undo(archive, tmp_path):
    """In headless Chromium, from the keyboard only: search the queue, open a report, accept a
    doubtful cell, undo it, and mark the report reviewed after the confirmation it asks for."""
    from browserlib import start_chromium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    db_path = tmp_path / "browser.sqlite"
    db_path.write_bytes(archive[0].read_bytes())
    _, sha, *_ = archive
    driver = start_chromium("1400,1000")
    server = start_review(db_path, reviewer="keyboard-tester")
    try:
        wait = WebDriverWait(driver, 20)
        driver.get(server.url)
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys("/")
        search = driver.switch_to.active_element
        assert search.get_attribute("id") == "filter-search"
        search.send_keys("grandtotal\n")  # the sample's file name: only the report as read
        wait.until(lambda d: "search=" in d.current_url)
        rows = driver.find_elements(By.CSS_SELECTOR, "#queue-table tbody tr")
        assert len(rows) == 1 and "第 1 / 1 页" in driver.page_source
        driver.find_element(By.TAG_NAME, "body").send_keys("j", "\n")
        wait.until(lambda d: f"/report/{sha}/1?search=" in d.current_url)
        assert "第 1 / 1 份" in driver.find_element(By.ID, "queue-nav").text

        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys("d")
        wait.until(lambda d: d.switch_to.active_element.get_attribute("id") == "entry")
        driver.switch_to.active_element.send_keys("\n")  # accept the first doubtful cell
        wait.until(lambda d: "keyboard-tester" in d.find_element(By.ID, "corrections-list").text)
        driver.switch_to.active_element.send_keys("u")  # undo, from the doubtful panel
        wait.until(lambda d: "已撤销 Undone" in d.find_element(By.ID, "decision-result").text)
        driver.switch_to.active_element.send_keys("\ue00c")  # Esc leaves the mode
        driver.find_element(By.TAG_NAME, "body").send_keys("r")
        alert = wait.until(lambda d: d.switch_to.alert)
        assert "errors open" in alert.text
        alert.accept()
        wait.until(lambda d: "Reviewed by keyboard-tester" in d.find_element(By.ID, "reviewed-note").text)
        driver.find_element(By.TAG_NAME, "body").send_keys("q")
        wait.until(lambda d: d.current_url.endswith("/?search=grandtotal"))
        assert "当前筛选已审核 1 / 1 份" in driver.find_element(By.ID, "progress").text
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        server.stop()
        driver.quit()
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT reviewer, undoes FROM corrections ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["keyboard-tester"] * 2 and rows[0][1] is None and rows[1][1] is not None
    assert db.execute("SELECT reviewed_by FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] == "keyboard-tester"
    db.close()
