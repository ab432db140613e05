"""Pre-2019 reports through the archive tools: `extract batch` stores their indicators,
sections and prose figures (schema 3); every export format carries them; a correction to an
indicator cell re-validates the report; `extract check` compares running totals of one
agency's consecutive years; `extract compare` compares indicator by indicator.

The archive mixes a 2019-template sample (samples/*.pdf), pre-2019 samples of the repository
(a PDF and a prose-only web page, when samples/pre2019 holds them) and pre-2019 web pages
written here (tests/pre2019lib.py): three agencies' 2012 and 2013 reports, one pair
consistent, one with a planted running-total mismatch and a restarted count, one whose 2013
table breaks 申请总数 = the sum of its channels (当面申请数 printed 9 instead of 6).
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES
from pre2019lib import (
    YEAR_2012_CUMULATIVE,
    YEAR_2012_THIS,
    YEAR_2013_CUMULATIVE,
    YEAR_2013_THIS,
    report_html,
)

from extract.batch.store import SCHEMA_VERSION, apply_correction, open_store
from extract.review.data import load_report, revalidate

TEMPLATE_SAMPLE = SAMPLES / "r2019-basic-procurement-01.pdf"
PRE2019_PDF = SAMPLES / "pre2019" / "p2012-cumulative-split-01.pdf"
PRE2019_PROSE = SAMPLES / "pre2019" / "html-p2009-prose-01.html"

EDU, CIVIL, HEALTH = "云川市教育局", "云川市民政局", "云川市卫生局"
PLANTED_CUMULATIVE = 11000  # 民政局 2013 主动公开 历年累计: 9876 + 1500 = 11376 would carry over
IN_PERSON = "indicators.applications_in_person.this_year"


def _run(*args, timeout=600):
    proc = subprocess.run([sys.executable, "-m", "extract.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    files = {}
    for agency, tag in ((EDU, "edu"), (CIVIL, "civil"), (HEALTH, "health")):
        files[(tag, 2012)] = report_html(folder / f"{tag}-2012.html", agency, 2012, YEAR_2012_THIS,
                                         YEAR_2012_CUMULATIVE)
    files[("edu", 2013)] = report_html(folder / "edu-2013.html", EDU, 2013, YEAR_2013_THIS, YEAR_2013_CUMULATIVE)
    # The running total of 主动公开 does not carry over; 行政复议 starts counting again (1 = this year's).
    files[("civil", 2013)] = report_html(
        folder / "civil-2013.html", CIVIL, 2013, YEAR_2013_THIS,
        {**YEAR_2013_CUMULATIVE, "proactive_published": PLANTED_CUMULATIVE, "review_total": 1})
    files[("health", 2013)] = report_html(
        folder / "health-2013.html", HEALTH, 2013, {**YEAR_2013_THIS, "applications_in_person": 9},
        YEAR_2013_CUMULATIVE)
    inputs = [TEMPLATE_SAMPLE, *files.values()]
    inputs += [p for p in (PRE2019_PDF, PRE2019_PROSE) if p.is_file()]
    db = folder / "results.sqlite"
    proc = _run("batch", *inputs, "--db", db, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    return {"db": db, "files": files, "inputs": inputs, "log": proc.stderr}


def _rows(db, sql, *args):
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql, args)]


def _report(db, path):
    return _rows(db, "SELECT r.* FROM reports r JOIN documents d USING (sha256) WHERE d.path = ?", str(path))[0]


def test_batch_stores_every_era_with_indicators_sections_and_figures(archive):
    db = archive["db"]
    assert "Traceback" not in archive["log"]
    docs = _rows(db, "SELECT path, status, reason FROM documents")
    assert len(docs) == len(archive["inputs"]) and all(d["status"] == "ok" for d in docs), docs
    assert _rows(db, "SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"] == str(SCHEMA_VERSION)
    for row in _rows(db, "SELECT sha256, first_page, template, record FROM reports"):
        record = json.loads(row["record"])
        ident = (row["sha256"], row["first_page"])
        indicators = _rows(db, "SELECT * FROM indicators WHERE sha256 = ? AND first_page = ? ORDER BY table_no, row_no,"
                           " cell", *ident)
        assert len(indicators) == len(record["indicators"])
        if row["template"] == "pre2019":
            by_cell = {i["cell"]: i for i in indicators}
            for ind in record["indicators"]:
                stored = by_cell[ind["cell"]]
                assert (stored["key"], stored["label"], json.loads(stored["path"]), stored["unit"],
                        stored["column_label"], stored["column_key"], stored["table_no"], stored["row_no"]) == \
                    (ind["key"], ind["label"], ind["path"], ind["unit"], ind["column"], ind["column_key"],
                     ind["table"], ind["row"])
        else:
            assert row["template"] in ("2019", "2021") and not indicators
        sections = _rows(db, "SELECT * FROM sections WHERE sha256 = ? AND first_page = ? ORDER BY seq", *ident)
        assert [(s["number"], s["heading"], s["text"]) for s in sections] == \
            [(s["number"], s["heading"], s["text"]) for s in record["sections"]]
        figures = _rows(db, "SELECT * FROM prose_figures WHERE sha256 = ? AND first_page = ? ORDER BY seq", *ident)
        assert [(f["value"], f["text"], json.loads(f["cells"])) for f in figures] == \
            [(f["value"], f["text"], f["cells"]) for f in record["prose_figures"]]
    assert _rows(db, "SELECT count(*) AS n FROM sections WHERE sha256 = ?",
                 _report(db, TEMPLATE_SAMPLE)["sha256"])[0]["n"] > 0

    # The analysts' join: an indicator's value in effect by vocabulary key, per agency and year.
    received = _rows(db, "SELECT r.agency, r.year, v.value_num FROM indicator_values v JOIN reports r"
                     " USING (sha256, first_page) WHERE v.key = 'applications_received' AND v.column_key = 'this_year'"
                     " AND r.agency = ? ORDER BY r.year", EDU)
    assert [(r["year"], r["value_num"]) for r in received] == [(2012, 25), (2013, 30)]
    health = _report(db, archive["files"][("health", 2013)])
    rules = {r["rule"] for r in _rows(db, "SELECT rule FROM findings WHERE sha256 = ?", health["sha256"])}
    assert "indicators.parts_sum" in rules and health["errors"] >= 1
    flagged = _rows(db, "SELECT flagged FROM cells WHERE sha256 = ? AND key = ?", health["sha256"], IN_PERSON)
    assert flagged == [{"flagged": 1}]
    # The batch's cross-year step ran over the mix.
    assert "check:" in archive["log"]


def test_every_export_format_loads_back_with_the_indicators(archive, tmp_path):
    pandas = pytest.importorskip("pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    openpyxl = pytest.importorskip("openpyxl")
    db = tmp_path / "r.sqlite"
    shutil.copy(archive["db"], db)
    edu13 = _report(db, archive["files"][("edu", 2013)])
    for fmt in ("csv", "csv-wide", "jsonl", "xlsx", "parquet"):
        proc = _run("export", db, "--format", fmt)
        assert proc.returncode == 0, (fmt, proc.stderr)

    # Long CSV: the existing columns first, in their order, then the indicator columns.
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    assert header[:10] == ["sha256", "first_page", "path", "agency", "year", "template", "table", "row_key",
                           "column_key", "key"]
    assert header[-8:] == ["indicator_key", "indicator_label", "indicator_path", "indicator_unit", "indicator_column",
                           "indicator_column_key", "indicator_table", "indicator_row"]
    mine = {r["key"]: r for r in rows if r["sha256"] == edu13["sha256"]}
    record = json.loads(edu13["record"])
    assert set(mine) == {i["cell"] for i in record["indicators"]}
    row = mine[IN_PERSON]
    assert (row["table"], row["value"], row["indicator_key"], row["indicator_label"], row["indicator_path"],
            row["indicator_unit"], row["indicator_column"], row["indicator_column_key"], row["indicator_table"],
            row["indicator_row"]) == ("indicators", "6", "applications_in_person", "其中：1.当面申请数",
                                      "二、依申请公开情况 › 申请总数", "件", "本年度", "this_year", "1", "4")
    assert any(r["template"] in ("2019", "2021") and r["indicator_key"] == "" for r in rows)
    frame = pandas.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")
    assert frame[(frame.key == IN_PERSON) & (frame.sha256 == edu13["sha256"])].value.tolist() == [6.0]

    # Wide CSV: a column per vocabulary-mapped indicator cell key, labelled in the dictionary.
    wide = pandas.read_csv(tmp_path / "r.wide.csv", encoding="utf-8-sig")
    assert "indicators.applications_received.this_year" in wide.columns
    assert not any(c.startswith("indicators.t") and "_r" in c for c in wide.columns)
    assert wide[wide.sha256 == edu13["sha256"]]["indicators.applications_received.cumulative"].tolist() == [150]
    dictionary = pandas.read_csv(tmp_path / "r.wide.dictionary.csv", encoding="utf-8-sig")
    label = dictionary[dictionary.key == "indicators.applications_received.this_year"].label_pre2019.tolist()
    assert label == ["统计表 | 收到申请数 | 本年度"]

    # JSONL: the record with its indicators, sections and prose figures.
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    pre = [r for r in lines if r["report"]["template"] == "pre2019"]
    assert pre and all("indicators" in r and "sections" in r and "prose_figures" in r for r in pre)
    assert any(r["indicators"] and r["sections"] and r["prose_figures"] for r in pre)

    # Parquet: the same long table, typed (indicator_path a list of strings).
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.num_rows == len(rows)
    assert str(table.schema.field("indicator_path").type) == "list<element: string>"
    data = table.to_pylist()
    hit = next(r for r in data if r["key"] == IN_PERSON and r["sha256"] == edu13["sha256"])
    assert hit["indicator_path"] == ["二、依申请公开情况", "申请总数"] and hit["indicator_row"] == 4

    # XLSX: the statistics table as printed, labels indented by depth, flagged cells coloured.
    from extract.export.stored import load_reports
    from extract.export.xlsx import ERROR_FILL, find_value_cell

    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    index = wb["索引 index"]
    sheets = {(r[1].value, r[2].value): r[-1].value for r in index.iter_rows(min_row=2) if r[0].value}
    templates = {r[-1].value: r[3].value for r in index.iter_rows(min_row=2) if r[0].value}
    ws = wb[sheets[(HEALTH, 2013)]]
    texts = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"指标名称", "计量单位", "本年度", "历年累计", "一、主动公开情况"} <= set(texts)
    assert texts["其中：1.当面申请数"].alignment.indent > (texts["申请总数"].alignment.indent or 0)
    health = next(r for r in load_reports(db) if r.agency == HEALTH and r.year == 2013)
    place = find_value_cell(ws, IN_PERSON, health)
    cell = ws.cell(*place)
    # the broken sum names the part in a comment; the printed parent (申请总数) it compares is red
    assert cell.value == 9 and cell.fill.fill_type is None
    assert "involved in [error] indicators.parts_sum" in cell.comment.text
    parts_sum = next(f for f in health.findings if f.rule == "indicators.parts_sum" and IN_PERSON in f.cells)
    parent = ws.cell(*find_value_cell(ws, parts_sum.suspect_cell or parts_sum.cells[0], health))
    assert parent.fill.start_color.rgb.endswith(ERROR_FILL) and "indicators.parts_sum" in parent.comment.text
    template_sheet = wb[next(name for name, template in templates.items() if template in ("2019", "2021"))]
    assert "三、收到和处理政府信息公开申请情况" in {c.value for row in template_sheet.iter_rows() for c in row}


def test_cross_year_finds_the_planted_running_total_and_stays_silent_on_a_consistent_pair(archive, tmp_path):
    db = tmp_path / "r.sqlite"
    shutil.copy(archive["db"], db)
    proc = _run("check", db)
    assert proc.returncode == 0, proc.stderr
    findings = _rows(db, "SELECT * FROM cross_findings")
    sha = {key: _report(db, path)["sha256"] for key, path in archive["files"].items()}

    def of(tag):
        return [f for f in findings if f["sha256_a"] == sha[(tag, 2012)] and f["sha256_b"] == sha[(tag, 2013)]]

    assert of("edu") == []
    civil = {(f["rule"], f["severity"]): f for f in of("civil")}
    assert set(civil) == {("cross_year.cumulative_mismatch", "warning"), ("cross_year.cumulative_restarted", "info")}
    mismatch = civil[("cross_year.cumulative_mismatch", "warning")]
    assert json.loads(mismatch["cells"]) == ["indicators.proactive_published.cumulative",
                                             "indicators.proactive_published.this_year",
                                             "indicators.proactive_published.cumulative"]
    assert "11000" in mismatch["message"] and "11376" in mismatch["message"]
    assert sha[("civil", 2012)][:12] in mismatch["message"] and sha[("civil", 2013)][:12] in mismatch["message"]
    assert "indicators.review_total.cumulative" in json.loads(civil[("cross_year.cumulative_restarted", "info")]["cells"])
    # 当面申请数 printed 9 in 2013: its running total 36 is not 30 + 9.
    assert [json.loads(f["cells"])[1] for f in of("health")] == [IN_PERSON]
    assert "1 info" in proc.stdout.splitlines()[0]
    assert _run("check", db, "--strict").returncode == 0  # warnings and infos are not errors


def test_correcting_an_indicator_cell_revalidates_the_report(archive, tmp_path):
    db_path = tmp_path / "r.sqlite"
    shutil.copy(archive["db"], db_path)
    health = _report(db_path, archive["files"][("health", 2013)])
    sha = health["sha256"]
    db = open_store(db_path)
    try:
        with db:  # as the review app records a decision
            db.execute("INSERT INTO corrections (sha256, first_page, key, old_value, new_value, reviewer)"
                       " VALUES (?,?,?,?,?,?)", (sha, 1, IN_PERSON, "9", "6", "王芳"))
            apply_correction(db, sha, 1, IN_PERSON, 6)
            errors, _ = revalidate(db, load_report(db, sha, 1))
    finally:
        db.close()
    assert errors == health["errors"] - 1
    rules = [r["rule"] for r in _rows(db_path, "SELECT rule FROM findings WHERE sha256 = ?", sha)]
    assert "indicators.parts_sum" not in rules
    cell = _rows(db_path, "SELECT value_num, read_num, corrected, flagged FROM cells WHERE sha256 = ? AND key = ?",
                 sha, IN_PERSON)[0]
    assert cell == {"value_num": 6.0, "read_num": 9.0, "corrected": 1, "flagged": 0}

    # Exports: the value in effect, the findings decided again; --original as read.
    assert _run("export", db_path, "--format", "jsonl").returncode == 0
    record = next(json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
                  if json.loads(line)["source"]["sha256"] == sha)
    assert next(i["value"] for i in record["indicators"] if i["cell"] == IN_PERSON) == 6
    assert record["cells"][IN_PERSON]["value"] == 9  # provenance keeps the value as read
    assert "indicators.parts_sum" not in {f["rule"] for f in record["findings"]}
    assert _run("export", db_path, "--format", "csv", "--original", "--out", tmp_path / "o.csv").returncode == 0
    with open(tmp_path / "o.csv", encoding="utf-8-sig", newline="") as f:
        original = next(r for r in csv.DictReader(f) if r["sha256"] == sha and r["key"] == IN_PERSON)
    assert (original["value"], original["corrected"]) == ("9", "0")

    # The running totals carry over once corrected.
    assert _run("check", db_path).returncode == 0
    earlier = _report(db_path, archive["files"][("health", 2012)])["sha256"]
    assert _rows(db_path, "SELECT * FROM cross_findings WHERE sha256_a = ? AND sha256_b = ?", earlier, sha) == []

    # A rerun of the batch reads the report again and applies the correction again.
    health_file = archive["files"][("health", 2013)]
    assert _run("batch", health_file, "--db", db_path, "--redo", "--workers", "1").returncode == 0
    assert "indicators.parts_sum" not in [r["rule"] for r in _rows(db_path, "SELECT rule FROM findings WHERE sha256"
                                                                   " = ?", sha)]
    assert _rows(db_path, "SELECT value_num, corrected FROM cells WHERE sha256 = ? AND key = ?", sha, IN_PERSON) == \
        [{"value_num": 6.0, "corrected": 1}]


def test_compare_indicator_by_indicator_and_across_eras(archive, tmp_path):
    db = archive["db"]
    files = archive["files"]
    proc = _run("compare", files[("civil", 2012)], files[("civil", 2013)], "--plain", "--csv", tmp_path / "c.csv")
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "c.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["key"]: r for r in csv.DictReader(f)}
    proactive = rows["indicators.proactive_published.cumulative"]
    assert (proactive["a"], proactive["b"], proactive["change"]) == ("9876", "11000", "+1124")
    assert "cross_year.cumulative_mismatch" in proactive["cross_year"]
    assert rows["indicators.applications_received.this_year"]["label"] == "二、依申请公开情况 › 申请总数（件） | 本年度"
    assert "cross-year rules: 0 error, 1 warning, 1 info" in proc.stdout

    # From the database, by agency and year.
    proc = _run("compare", f"{EDU}:2012", f"{EDU}:2013", "--db", db, "--plain")
    assert proc.returncode == 0 and "indicators.replies_total.cumulative" in proc.stdout
    assert "0 error, 0 warning" in proc.stdout

    # Rows numbered differently (an indicator outside the vocabulary moved down a row) are
    # matched by their labels.
    a = report_html(tmp_path / "a.html", EDU, 2012, YEAR_2012_THIS, YEAR_2012_CUMULATIVE,
                    extra_rows=(("七、公开栏更新次数", "次", 12, 80),))
    b = report_html(tmp_path / "b.html", EDU, 2013, YEAR_2013_THIS, YEAR_2013_CUMULATIVE,
                    extra_rows=(("七、政府信息公开查阅点数", "个", 3, 3), ("八、公开栏更新次数", "次", 10, 90)))
    proc = _run("compare", a, b, "--plain", "--csv", tmp_path / "d.csv")
    with open(tmp_path / "d.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["key"]: r for r in csv.DictReader(f)}
    moved = rows["indicators.t1_r18.cumulative / indicators.t1_r19.cumulative"]
    assert (moved["a"], moved["b"]) == ("80", "90")
    assert (rows["indicators.reading_points.this_year"]["a"], rows["indicators.reading_points.this_year"]["b"]) == ("", "3")

    # A pre-2019 report against a 2019-template one: one line, nothing else compared.
    proc = _run("compare", files[("edu", 2013)], TEMPLATE_SAMPLE, "--plain", "--csv", tmp_path / "e.csv")
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stdout.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "not comparable" in notes[0] and "pre-2019" in notes[0]
    assert "cross-year" not in proc.stdout
    with open(tmp_path / "e.csv", encoding="utf-8-sig", newline="") as f:
        assert [r["key"] for r in csv.DictReader(f)] == ["report.ref", "report.agency", "report.year",
                                                         "report.template"]


def test_a_schema_2_database_is_upgraded_in_place(archive, tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(archive["db"], db)
    with sqlite3.connect(db) as con:  # what the previous release wrote
        con.executescript("DROP VIEW indicator_values; DROP TABLE indicators; DROP TABLE sections;"
                          " DROP TABLE prose_figures; UPDATE meta SET value = '2' WHERE key = 'schema_version';")
    proc = _run("export", db, "--format", "jsonl")
    assert proc.returncode == 9 and "schema 2" in proc.stderr and "extract check" in proc.stderr
    assert _run("check", db).returncode == 0  # opens it for writing: upgrades it
    assert _rows(db, "SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"] == str(SCHEMA_VERSION)
    assert _rows(db, "SELECT count(*) AS n FROM indicators")[0]["n"] == \
        _rows(archive["db"], "SELECT count(*) AS n FROM indicators")[0]["n"] > 0
    assert _rows(db, "SELECT count(*) AS n FROM sections")[0]["n"] == \
        _rows(archive["db"], "SELECT count(*) AS n FROM sections")[0]["n"]
    assert _run("export", db, "--format", "jsonl").returncode == 0


def test_a_pre2019_year_beside_a_template_year_gives_no_finding(tmp_path):
    """2018 (pre-2019) then 2019 (template) of one agency: neither era's rules apply, nothing crashes."""
    from exportlib import sample_record

    from extract.checks.cross_year import YearReport, check_pair, indicator_map
    from extract.export.stored import record_values
    from extract.pipeline import extract_file

    old = extract_file(report_html(tmp_path / "old.html", EDU, 2018, YEAR_2013_THIS, YEAR_2013_CUMULATIVE))
    old = old.model_dump(mode="json")
    new = sample_record("r2019-basic-procurement-01")
    earlier = YearReport("a" * 64, 1, EDU, 2018, record_values(old), indicator_map(old["indicators"]))
    later = YearReport("b" * 64, 1, EDU, 2019, record_values(new), indicator_map(new.get("indicators") or ()))
    assert check_pair(earlier, later) == [] and check_pair(later, earlier) == []
