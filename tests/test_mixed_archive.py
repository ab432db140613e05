"""A batch over a mixed archive, 2009-2024 and every input kind, as an archive receives it:
template reports (digital PDF, web page, Word file), pre-2019 reports (digital PDF with and
without a statistics table, web page, Word file, a scan), a document that is no report (a
政府信息公开指南 web page) and a broken file. Only the last two fail, each with its reason;
every report is stored with its era's records."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
REPORTS = {
    "r2019-basic-procurement-01.pdf": "2019",
    "html/gbk-r2021-split-fullwidth-01.html": None,
    "docx/word-r2022-prose-review-01.docx": None,  # 2019 or 2021, as its expected file says
    "pre2019/p2010-basic-01.pdf": "pre2019",
    "pre2019/p2012-prose-township-01.pdf": "pre2019",
    "pre2019/html-p2015-gbk-national-01.html": "pre2019",
    "pre2019/word-p2011-basic-01.docx": "pre2019",
    "pre2019/scan-p2014-serial-01.pdf": "pre2019",
}
GUIDE = """<html><head><meta charset="utf-8"><title>政府信息公开指南</title></head><body>
<h1>云川市教育局政府信息公开指南</h1>
<p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p>
<p>一、主动公开。公开范围、公开形式和公开时限。</p>
<table border="1"><tr><td>受理机构</td><td>地址</td><td>电话</td></tr>
<tr><td>办公室</td><td>云川市建设路1号</td><td>0871-1234567</td></tr></table>
</body></html>"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    present = {}
    for name, template in REPORTS.items():
        source = SAMPLES / name
        target = folder / source.name
        shutil.copyfile(source, target)
        present[target] = template
    (folder / "guide.html").write_text(GUIDE, encoding="utf-8")
    whole = (SAMPLES / "r2019-basic-procurement-01.pdf").read_bytes()
    (folder / "broken.pdf").write_bytes(whole[: len(whole) // 3])
    db = folder / "results.sqlite"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "batch", str(folder), "--db", str(db), "--workers", "2"],
                          capture_output=True, text=True, timeout=900)
    return {"folder": folder, "db": db, "reports": present, "proc": proc}


def _rows(db: Path, sql: str, *args):
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql, args)]


def test_only_the_non_report_and_the_broken_file_fail(archive):
    proc = archive["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr
    docs = {Path(d["path"]).name: d for d in _rows(archive["db"], "SELECT path, status, reason, exit_code FROM documents")}
    failed = {name for name, d in docs.items() if d["status"] != "ok"}
    assert failed == {"guide.html", "broken.pdf"}, {n: docs[n]["reason"] for n in failed}
    assert docs["guide.html"]["exit_code"] == 6 and "not an annual report" in docs["guide.html"]["reason"]
    assert docs["broken.pdf"]["exit_code"] == 4
    assert len(docs) == len(archive["reports"]) + 2


def test_every_report_is_stored_with_its_eras_records(archive):
    db = archive["db"]
    for path, template in archive["reports"].items():
        rows = _rows(db, "SELECT r.template, r.year, r.record FROM reports r JOIN documents d USING (sha256)"
                     " WHERE d.path = ?", str(path))
        assert len(rows) == 1, path.name
        record = json.loads(rows[0]["record"])
        if template is not None:
            assert rows[0]["template"] == template, path.name
        if rows[0]["template"] == "pre2019":
            assert 2008 <= rows[0]["year"] <= 2018
            if "prose" in path.name:
                assert not record["indicators"]
                assert any(f["rule"] == "report.no_statistics_table" for f in record["findings"])
            else:
                assert record["indicators"] and all(i["label"] and i["column"] for i in record["indicators"])
        else:
            assert record["tables"]["applications"]
        if "scan-" not in path.name:
            assert [s for s in record["sections"] if s["number"]], path.name
