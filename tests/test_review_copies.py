"""Issue 18 in the review app: a report stored more than once is counted once in the queue,
a copy's row names the copy that counts, and a report's page lists its copies and the values
they disagree in (both values and sources, the cell outlined, a link to the other copy at
that cell); a decision on one copy never changes another. In-process (Starlette's
TestClient), no OCR: a digital PDF and its Word-made web page with one value printed
otherwise (27 -> 29), and a lone pre-2019 report of another agency.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from pre2019lib import YEAR_2012_CUMULATIVE, YEAR_2012_THIS, report_html
from reviewlib import SAMPLES, record_of, write_record

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from extract.review.app import ReviewConfig, create_app  # noqa: E402

PDF = SAMPLES / "r2019-basic-procurement-01.pdf"
WEB = SAMPLES / "html" / "word-r2019-basic-procurement-01.html"
# The web copy prints 29 where the report printed 27 (新收政府信息公开申请数量 · 企业).
CHANGED = "applications.new_received.enterprise"
TOKEN = "c" * 32
HEADERS = {"X-Review-Token": TOKEN}


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copies-sources")
    page = WEB.read_bytes()
    assert page.count(b">27<o:p>") == 1
    web = folder / "web.html"
    web.write_bytes(page.replace(b">27<o:p>", b">29<o:p>"))
    lone = report_html(folder / "lone.html", "云川市教育局", 2012, YEAR_2012_THIS, YEAR_2012_CUMULATIVE)
    return {"pdf": (PDF, record_of(PDF)), "web": (web, record_of(web)), "lone": (lone, record_of(lone))}


@pytest.fixture()
def app(tmp_path: Path, records):
    folder = tmp_path / "reports"
    folder.mkdir()
    db_path = tmp_path / "results.sqlite"
    shas = {}
    for name, (path, record) in records.items():
        source = folder / path.name
        shutil.copy(path, source)
        shas[name] = write_record(db_path, source, json.loads(json.dumps(record)))
    client = TestClient(create_app(ReviewConfig(database=db_path, reviewer="copier", token=TOKEN)),
                        base_url="http://127.0.0.1", raise_server_exceptions=False)
    return client, db_path, shas, folder


def _state(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="state">(.*?)</script>', html, re.S).group(1))


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr.*?</tr>", body, re.S)


def test_the_queue_counts_a_report_once_and_a_copy_names_its_canonical(app):
    client, db_path, shas, folder = app
    with sqlite3.connect(db_path) as db:
        canonical = dict(db.execute("SELECT sha256, canonical FROM copies").fetchall())
    # Both are a text layer; the page printing 29 breaks two rules, so the PDF counts.
    assert canonical == {shas["pdf"]: 1, shas["web"]: 0, shas["lone"]: 1}

    page = client.get("/")
    assert page.status_code == 200
    rows = _rows(page.text)
    assert len(rows) == 2
    assert not any("web.html" in r for r in rows)
    assert 'data-total="2"' in page.text and "全部已审核 <b>0</b> / 2 份" in page.text
    (pdf_row,) = [r for r in rows if "r2019-basic-procurement-01.pdf" in r]
    assert "共 2 份副本 2 copies" in pdf_row
    assert 'id="filter-copies" value="with">' in page.text  # unticked

    every = client.get("/?copies=with")
    rows = _rows(every.text)
    assert len(rows) == 3 and 'data-total="3"' in every.text
    assert 'id="filter-copies" value="with" checked' in every.text
    (web_row,) = [r for r in rows if "web.html" in r]
    link = re.search(r'class="canonical-report" href="([^"]+)">([^<]+)</a>', web_row)
    assert link.group(1) == f"/report/{shas['pdf']}/1?copies=with"
    assert link.group(2) == str(folder / PDF.name)
    assert "副本，计数的是 copy of" in web_row
    assert not any("canonical-report" in r for r in rows if "web.html" not in r)

    # Reports whose copies differ: the one that counts, and with copies shown its copy too.
    differ = _rows(client.get("/?status=copies_differ").text)
    assert len(differ) == 1 and "r2019-basic-procurement-01.pdf" in differ[0]
    differ = _rows(client.get("/?status=copies_differ&copies=with").text)
    assert len(differ) == 2 and not any("lone.html" in r for r in differ)

    # The filter travels in the report page's links; a value out of range is refused.
    assert client.get("/?copies=all").status_code == 400
    report = client.get(f"/report/{shas['web']}/1")
    assert "不在当前筛选中 not in the current filter (2)" in report.text
    report = client.get(f"/report/{shas['web']}/1?copies=with")
    assert re.search(r"第 \d / 3 份", report.text)


def test_a_report_page_lists_its_copies_and_where_they_disagree(app):
    client, _, shas, folder = app
    page = client.get(f"/report/{shas['pdf']}/1")
    assert page.status_code == 200
    state = _state(page.text)
    copies = state["copies"]
    assert copies["count"] == 2 and copies["canonical"] is True
    (other,) = copies["others"]
    assert other["path"] == str(folder / "web.html") and other["kind"] == "html" and not other["canonical"]
    # The 29 breaks the web copy's rules (a finding names it): not read with confidence.
    assert other["match"] == "equal_where_confident" and other["url"] == f"/report/{shas['web']}/1"
    assert "网页 web page" in other["kind_words"]
    (diff,) = copies["disagreements"]
    assert (diff["key"], diff["here"], diff["there"]) == (CHANGED, "27", "29")
    assert (diff["source_here"], diff["source_there"], diff["confident"]) == ("text", "html", False)
    assert (diff["now"], diff["changed_since"]) == ("27", False)
    assert diff["other_url"] == f"/report/{shas['web']}/1#cell-{CHANGED}"
    assert "企业" in diff["label"]
    # The cell is outlined (a class the page script keeps when it redraws), the others not.
    assert "copy-disagree" in state["cells"][CHANGED]["classes"]
    assert sum("copy-disagree" in c["classes"] for c in state["cells"].values()) == 1
    assert re.search(rf'<td id="cell-{re.escape(CHANGED)}"[^>]*class="v[^"]*copy-disagree', page.text)
    section = page.text.split('<section id="copies"', 1)[1].split("</section>", 1)[0]
    assert f'href="/report/{shas["web"]}/1">{folder / "web.html"}</a>' in section
    assert "本报告是计数副本" in section and "不会改变其副本" in section and "never its copies" in section
    assert "本报告 here: <b>27</b>" in section and "副本 copy: <b>29</b>" in section
    assert f'href="/report/{shas["web"]}/1#cell-{CHANGED}"' in section
    assert "至少一方识别存疑 one side read with doubt" in section

    # The copy's page, seen from its side, names the canonical report.
    copy = client.get(f"/report/{shas['web']}/1")
    state = _state(copy.text)
    assert state["copies"]["canonical"] is False and state["copies"]["match"] == "equal_where_confident"
    (diff,) = state["copies"]["disagreements"]
    assert (diff["here"], diff["there"], diff["source_here"]) == ("29", "27", "html")
    assert re.search(rf'id="copies-canonical" href="/report/{shas["pdf"]}/1">[^<]*r2019-basic-procurement-01.pdf',
                     copy.text)
    assert "copy-disagree" in state["cells"][CHANGED]["classes"]
    assert "本报告是副本（可信读数相同，仅存疑处不同）" in copy.text
    assert "This is a copy (equal wherever both were read with confidence)" in copy.text

    # A report without copies has no such section.
    lone = client.get(f"/report/{shas['lone']}/1")
    assert _state(lone.text)["copies"] is None and 'id="copies"' not in lone.text


def test_a_decision_on_the_canonical_copy_leaves_its_copy_alone(app):
    client, db_path, shas, _ = app

    def copy_state():
        with sqlite3.connect(db_path) as db:
            cells = db.execute("SELECT key, value_num, corrected FROM cells WHERE sha256 = ? ORDER BY key",
                               (shas["web"],)).fetchall()
            report = db.execute("SELECT reviewed_by, errors FROM reports WHERE sha256 = ?", (shas["web"],)).fetchone()
            audit = db.execute("SELECT COUNT(*) FROM corrections WHERE sha256 = ?", (shas["web"],)).fetchone()
        return cells, report, audit

    before = copy_state()
    answer = client.post(f"/report/{shas['pdf']}/1/cells/{CHANGED}", json={"action": "correct", "value": "29"},
                         headers=HEADERS)
    assert answer.status_code == 200, answer.text
    assert answer.json()["decision"]["new"] == "29"
    # The page's state after the decision still lists the copies.
    copies = answer.json()["state"]["copies"]
    assert copies["others"][0]["path"].endswith("web.html")
    # The comparison is not made again here: the disagreement says what this report holds now.
    (diff,) = copies["disagreements"]
    assert (diff["here"], diff["now"], diff["changed_since"]) == ("27", "29", True)
    assert "审核后现为 now 29" in client.get(f"/report/{shas['pdf']}/1").text
    assert client.post(f"/report/{shas['pdf']}/1/reviewed", json={"reviewed": True, "confirm": True},
                       headers=HEADERS).status_code == 200
    assert copy_state() == before
    assert before[1][0] is None
