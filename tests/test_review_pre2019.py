"""`extract review` on pre-2019 reports (template "pre2019"), over plain HTTP and at the
database level: the queue and report page show the statistics table, any indicator cell can
be opened and corrected (audited, re-validated with `check_indicators`), and the value
suggested for a cell ("规则推算") comes only from the parts_sum rule deciding it alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from pre2019lib import YEAR_2012_CUMULATIVE, YEAR_2012_THIS, report_html
from reviewlib import corrections, record_of, start_review, write_record

from extract.review import data, pages

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

AGENCY = "云川市教育局"
RECEIVED = "indicators.applications_received.this_year"
IN_PERSON = "indicators.applications_in_person.this_year"
REFUSED = "indicators.replies_refused.this_year"


def stored(tmp_path: Path, this_year=None, cumulative=None, name: str = "r") -> tuple[Path, str, dict]:
    """A batch database holding one pre-2019 web page report with the figures given."""
    page = report_html(tmp_path / f"{name}.html", AGENCY, 2012, {**YEAR_2012_THIS, **(this_year or {})},
                       {**YEAR_2012_CUMULATIVE, **(cumulative or {})})
    record = record_of(page)
    assert record["report"]["template"] == "pre2019"
    db_path = tmp_path / f"{name}.sqlite"
    sha = write_record(db_path, page, record)
    return db_path, sha, record


def load(db_path: Path, sha: str) -> data.ReportData:
    db = data.connect(db_path)
    try:
        report = data.load_report(db, sha, 1)
    finally:
        db.close()
    assert report is not None
    return report


def suggested(report: data.ReportData, key: str) -> str:
    return pages.cell_rules(report, key)["expected"]


def candidates(report: data.ReportData, key: str) -> dict[str, str]:
    suggestion = pages.cell_rules(report, key)["suggestion"]
    return {c["key"]: c["value"] for c in suggestion["candidates"]}


def test_suggestion_only_from_parts_sum_alone(tmp_path):
    # 申请总数 printed 27, its channels add up to 25: the parent or any one channel could alone
    # explain it, so no cell gets a value; each is listed as a candidate with its value.
    db_path, sha, _ = stored(tmp_path, {"applications_received": 27})
    report = load(db_path, sha)
    assert suggested(report, RECEIVED) == "" and suggested(report, IN_PERSON) == ""
    assert pages.cell_rules(report, RECEIVED)["suggestion"]["certainty"] == "candidates"
    found = candidates(report, RECEIVED)
    assert found[RECEIVED] == "25" and found[IN_PERSON] == "7"  # 27 - (0 + 15 + 5)
    assert candidates(report, IN_PERSON) == found
    state = pages.state(report, {"found": False, "path": "", "reason": ""})
    assert state["doubtful"][0]["key"] == RECEIVED and state["doubtful"][0]["expected"] == ""
    assert state["cells"][RECEIVED]["label"] == "统计表 · 二、依申请公开情况 › 申请总数 · 本年度"

    # A value the parts_sum rule fixes but that breaks an inequality is no candidate: 7 for
    # 当面申请 (本年度) would exceed its running total of 6.
    db_path, sha, _ = stored(tmp_path, {"applications_received": 27},
                             {"applications_in_person": 6, "applications_received": 96}, name="ineq")
    report = load(db_path, sha)
    statuses = report.rules_for(IN_PERSON)
    assert any(s.rule == "indicators.parts_sum" and s.expected == 7 for s in statuses)
    assert suggested(report, IN_PERSON) == ""
    assert IN_PERSON not in candidates(report, RECEIVED) and candidates(report, RECEIVED)[RECEIVED] == "25"

    # A cell in two parts_sum rules that disagree (答复 25 = 20 + 3 + x gives 2; its reasons
    # 1 + 2 give 3): no suggestion.
    db_path, sha, _ = stored(tmp_path, {"replies_refused": 4, "replies_not_exist": 2}, name="two")
    report = load(db_path, sha)
    fixed = {s.expected for s in report.rules_for(REFUSED) if s.rule == "indicators.parts_sum"}
    assert fixed == {2, 3}
    assert suggested(report, REFUSED) == ""

    # An inequality alone never suggests a value: 行政复议数 running total below the year's.
    db_path, sha, _ = stored(tmp_path, {"review_total": 3}, {"review_total": 1}, name="cum")
    report = load(db_path, sha)
    key = "indicators.review_total.cumulative"
    assert [f.rule for f in report.findings] == ["indicators.cumulative_below_year"]
    assert [s.state for s in report.rules_for(key)] == ["broken"]
    assert suggested(report, key) == ""


def test_pages_and_a_correction_over_http(tmp_path):
    db_path, sha, record = stored(tmp_path, {"applications_received": 27})
    server = start_review(db_path, reviewer="http-pre2019")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            queue = client.get("/")
            assert queue.status_code == 200 and f"/report/{sha}/1" in queue.text and "pre2019" in queue.text
            page = client.get(f"/report/{sha}/1")
            assert page.status_code == 200
            text = page.text
            assert "政府信息公开情况统计表" in text and "指标名称" in text and "计量单位" in text
            assert re.search(r'<th class="label depth-3"[^>]*>（1）非政府信息</th>', text)
            assert re.search(r'<th class="label group"[^>]*>二、依申请公开情况</th>', text)
            assert 'id="sections"' in text and "四、存在的主要问题和改进措施" in text
            state = json.loads(re.search(r'<script type="application/json" id="state">(.*?)</script>', text, re.S).group(1))
            assert set(state["cells"]) == {i["cell"] for i in record["indicators"]}
            assert "error" in state["cells"][RECEIVED]["classes"] and not state["rules_hold"]
            token = re.search(r'<meta name="review-token" content="([^"]+)">', text).group(1)

            # Any indicator cell's rules; an unknown cell is 404.
            other = client.get(f"/report/{sha}/1/cells/indicators.proactive_published.cumulative").json()
            assert [r["rule"] for r in other["rules"]] == ["indicators.part_exceeds_parent",
                                                           "indicators.cumulative_below_year"]
            assert client.get(f"/report/{sha}/1/cells/applications.granted.total").status_code == 404
            assert client.post(f"/report/{sha}/1/cells/indicators.nope.this_year", json={"action": "accept"},
                               headers={"X-Review-Token": token}).status_code == 404

            answer = client.post(f"/report/{sha}/1/cells/{RECEIVED}",
                                 json={"action": "correct", "value": "25", "note": "按分项更正"},
                                 headers={"X-Review-Token": token})
            assert answer.status_code == 200, answer.text
            decision = answer.json()["decision"]
            assert decision["rules_hold"] and decision["old"] == "27" and decision["new"] == "25"
            assert "申请总数" in decision["label"]
            after = answer.json()["state"]
            assert after["report"]["errors"] == 0 and after["status"]["broken"] == 0
            # One rule stays unchecked (a blank running total): its own state, never "all hold".
            assert after["status"]["state"] == "unchecked" and not after["rules_hold"]
            assert "1 条规则未核验" in after["status"]["zh"] and "1 rules unchecked" in after["status"]["en"]
            # The text states 27 applications: the prose check, decided again against the
            # corrected table, now quotes the value in effect.
            (prose,) = [f for f in after["findings"] if f["rule"] == "prose.contradicts_table"]
            assert "27件" in prose["message"] and "表格为25件" in prose["message"]
    finally:
        server.stop()
    (audit,) = corrections(db_path)
    assert (audit["key"], json.loads(audit["old_value"]), json.loads(audit["new_value"]), audit["reviewer"],
            audit["note"]) == (RECEIVED, 27, 25, "http-pre2019", "按分项更正")
    report = load(db_path, sha)
    assert [f.rule for f in report.findings] == ["prose.contradicts_table"] and report.cells[RECEIVED]["value"] == 25 and report.cells[RECEIVED]["read"] == 27


def test_indicators_from_the_store_table_or_the_record(tmp_path):
    """`data.load_indicators` reads the store's `indicators` table and falls back on the
    record's indicators (a database without the rows): the same indicators either way."""
    db_path, sha, record = stored(tmp_path)
    from_table = load(db_path, sha).indicators
    db = data.connect(db_path)
    with db:
        db.execute("DELETE FROM indicators WHERE sha256 = ?", (sha,))
    db.close()
    from_record = load(db_path, sha).indicators
    assert from_table == from_record and len(from_table) == len(record["indicators"]) == 34


def test_a_report_without_a_table_shows_its_sections(tmp_path):
    title = "石桥街道办事处2009年政府信息公开工作年度报告"
    page = tmp_path / "prose.html"
    page.write_text(
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>一、概述</p><p>2009年，我办认真贯彻落实条例，全年主动公开政府信息56条。</p>"
        "<p>二、依申请公开政府信息情况</p><p>2009年未收到有关政府信息公开申请。</p></body></html>", encoding="utf-8")
    record = record_of(page)
    assert record["report"]["template"] == "pre2019" and not record["indicators"]
    db_path = tmp_path / "prose.sqlite"
    sha = write_record(db_path, page, record)
    server = start_review(db_path)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            text = client.get(f"/report/{sha}/1").text
    finally:
        server.stop()
    assert 'id="no-table"' in text and "二、依申请公开政府信息情况" in text and "未收到有关政府信息公开申请" in text
    assert "<table class=\"report-table\"" not in text
