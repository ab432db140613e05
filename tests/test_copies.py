"""Copies of one report in a batch database (issue 18): recognised, one canonical copy
counted by `list`, `summary`, `check` and the exports; copies that disagree named; and
`extract --version`.

The archive: a digital PDF and the same report as a web page (their expected JSON agree),
a web page saved twice with different bytes, and one agency's pre-2019 web reports of 2012
(three copies, one with a different value) and 2013. No OCR: a few seconds.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import SAMPLES
from pre2019lib import YEAR_2012_CUMULATIVE, YEAR_2012_THIS, YEAR_2013_CUMULATIVE, YEAR_2013_THIS, report_html

PDF = "r2019-basic-procurement-01"
HTML_TWIN = "html/word-r2019-basic-procurement-01"
CMS = "html/cms-r2020-split-withheld-repeat-01"
AGENCY = "东湖区人民政府"


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _rows(db: Path, sql: str, *params) -> list[sqlite3.Row]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("copies")
    inputs = root / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / f"{PDF}.pdf", inputs / "digital.pdf")
    shutil.copy(SAMPLES / f"{HTML_TWIN}.html", inputs / "web.html")
    page = (SAMPLES / f"{CMS}.html").read_bytes()
    (inputs / "cms-a.html").write_bytes(page)
    (inputs / "cms-b.html").write_bytes(page + b"\n<!-- crawled again -->\n")
    report_html(inputs / "y2012-a.html", AGENCY, 2012, YEAR_2012_THIS, YEAR_2012_CUMULATIVE)
    copy_b = report_html(inputs / "y2012-b.html", AGENCY, 2012, YEAR_2012_THIS, YEAR_2012_CUMULATIVE)
    copy_b.write_text(copy_b.read_text(encoding="utf-8") + "<!-- saved twice -->\n", encoding="utf-8")
    # A third copy of 2012 printing another 行政复议数 and a blank 申诉数: a copy that disagrees
    # (and, with one value fewer, never the canonical one).
    report_html(inputs / "y2012-c.html", AGENCY, 2012, {**YEAR_2012_THIS, "review_total": 1, "complaints_total": None},
                YEAR_2012_CUMULATIVE)
    report_html(inputs / "y2013.html", AGENCY, 2013, YEAR_2013_THIS, YEAR_2013_CUMULATIVE)
    db = root / "results.sqlite"
    proc = _run("batch", inputs, "--db", db, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    return {"root": root, "db": db, "inputs": inputs, "batch": proc}


def test_the_twins_are_one_report():
    a = json.loads((SAMPLES / f"{PDF}.expected.json").read_text(encoding="utf-8"))
    b = json.loads((SAMPLES / f"{HTML_TWIN}.expected.json").read_text(encoding="utf-8"))
    assert a["report"] == b["report"] and a["tables"] == b["tables"]


def test_list_shows_each_agency_year_once_with_its_copies(archive):
    proc = _run("list", archive["db"], "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    pairs = [(r["agency"], r["year"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == 4
    by_pair = {(r["agency"], r["year"]): r for r in rows}
    assert by_pair[("云川市人民政府", 2019)]["copies"] == 2
    assert by_pair[("临江县人民政府办公室", 2020)]["copies"] == 2
    assert by_pair[(AGENCY, 2012)]["copies"] == 3
    assert by_pair[(AGENCY, 2013)]["copies"] == 1
    # The copy printing other values is not canonical (one value fewer); the disagreement is
    # counted on the canonical one.
    y2012 = by_pair[(AGENCY, 2012)]
    assert Path(y2012["path"]).name in ("y2012-a.html", "y2012-b.html")
    assert sorted(Path(p).name for p in y2012["copy_paths"]) == sorted(
        {"y2012-a.html", "y2012-b.html", "y2012-c.html"} - {Path(y2012["path"]).name})
    assert y2012["disagreements"] >= 1
    for r in rows:
        assert set(r) >= {"agency", "year", "template", "copies", "errors", "warnings", "unchecked", "reviewed",
                          "ref", "sha256", "first_page", "path"}
        assert r["unchecked"] is None or isinstance(r["unchecked"], int)
        assert r["reviewed"] is False

    text = _run("list", archive["db"]).stdout
    assert text.count("云川市人民政府") == 1 and "3 further copies" not in text and "4 reports" in text
    only = json.loads(_run("list", archive["db"], "--agency", "东湖", "--year", "2012", "--json").stdout)
    assert [(r["agency"], r["year"], r["copies"]) for r in only] == [(AGENCY, 2012, 3)]
    every = json.loads(_run("list", archive["db"], "--with-copies", "--json").stdout)
    assert len(every) == 8 and sum(r["canonical"] for r in every) == 4


def test_the_canonical_view_and_the_disagreement(archive):
    db = archive["db"]
    assert len(_rows(db, "SELECT * FROM canonical_reports")) == 4
    assert len(_rows(db, "SELECT * FROM reports")) == 8
    matches = {Path(r["path"]).name: r["match"] for r in _rows(
        db, "SELECT d.path, k.match FROM copies k JOIN documents d USING (sha256)")}
    assert matches["y2012-c.html"] == "disagrees"
    assert matches["y2013.html"] == "canonical"
    assert sorted([matches["y2012-a.html"], matches["y2012-b.html"]]) == ["canonical", "identical"]
    assert sorted([matches["cms-a.html"], matches["cms-b.html"]]) == ["canonical", "identical"]
    # A digital PDF and a web page are both a text layer: equally good, one is canonical.
    assert sorted([matches["digital.pdf"], matches["web.html"]]) == ["canonical", "identical"]
    rows = _rows(db, "SELECT x.*, da.path AS path_a, db.path AS path_b FROM copy_disagreements x"
                     " JOIN documents da ON da.sha256 = x.sha256_a JOIN documents db ON db.sha256 = x.sha256_b")
    review = [r for r in rows if r["key"].startswith("indicators.review_total")]
    assert len(review) == 1
    d = review[0]
    assert d["rule"] == "copies.disagree" and d["confident"] == 1
    assert Path(d["path_b"]).name == "y2012-c.html" and json.loads(d["value_b"]) == 1
    assert json.loads(d["value_a"]) == 0
    assert Path(d["path_a"]).name in d["message"] and "y2012-c.html" in d["message"]
    assert "y2012-c.html" in d["message_en"]


def test_check_counts_each_pair_of_years_once(archive):
    proc = _run("check", archive["db"])
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith("check: 4 reports, 3 agencies, 1 pairs of consecutive years"), first
    assert "copies: 4 extra copies of 3 reports" in proc.stdout
    assert "copies.disagree" in proc.stdout and "y2012-c.html" in proc.stdout
    # The batch's own check counted it once too.
    assert "1 pairs of consecutive years" in archive["batch"].stderr


def test_exports_count_a_report_once_unless_asked(archive, tmp_path):
    out = tmp_path / "w.csv"
    proc = _run("export", archive["db"], "--format", "csv-wide", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "export: 4 reports" in proc.stderr
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 and len({(r["agency"], r["year"]) for r in rows}) == 4
    proc = _run("export", archive["db"], "--format", "jsonl", "--out", tmp_path / "all.jsonl", "--with-copies")
    assert proc.returncode == 0 and "8 reports (copies included)" in proc.stderr
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == 8
    proc = _run("export", archive["db"], "--format", "csv", "--out", tmp_path / "l.csv")
    with open(tmp_path / "l.csv", encoding="utf-8-sig", newline="") as f:
        assert len({r["sha256"] for r in csv.DictReader(f)}) == 4


def test_summary_json(archive):
    proc = _run("summary", archive["db"], "--json")
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    assert s["documents"] == {"total": 8, "ok": 8, "failed": 0}
    assert s["reports"] == 4 and s["copies"] == 4 and s["disagreements"] >= 1
    assert sum(s["outcomes"].values()) == 4 and set(s["outcomes"]) == {"clean", "unchecked", "warnings_only",
                                                                       "errors", "failed"}
    assert s["templates"] == {"2019": 2, "pre2019": 2}
    assert sum(s["kinds"].values()) == 4
    assert isinstance(s["rules_broken"], list) and isinstance(s["review"], list)
    # The 2012 report's copies disagree: it needs review.
    assert any(r["agency"] == AGENCY and r["year"] == 2012 for r in s["review"])
    text = _run("summary", archive["db"]).stdout
    assert "reports: 4" in text and "need review:" in text


def test_version():
    proc = _run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"extract {metadata.version('extract')}"


# ---------------------------------------------------------------- through the store contract


def test_a_scan_is_never_canonical_over_the_text_layer(tmp_path):
    from exportlib import derived_record, write_records

    scan = derived_record(PDF, tag="scan", values={"applications.new_received.total": 99})
    scan["source"]["kind"] = "scanned"
    for cell in scan["cells"].values():
        cell["source"], cell["confidence"] = "ocr", 0.97
    scan["cells"]["applications.new_received.total"]["confidence"] = 0.4  # the misread: doubtful
    scan["rules"] = {"checked": 100, "held": 62, "broken": 0, "unchecked": 38}
    digital = derived_record(PDF)
    db = write_records(tmp_path / "r.sqlite", [scan, digital])  # the scan stored first
    rows = {r["sha256"]: r for r in _rows(db, "SELECT * FROM copies")}
    assert rows[digital["source"]["sha256"]]["canonical"] == 1
    assert rows[scan["source"]["sha256"]]["match"] == "equal_where_confident"
    d = _rows(db, "SELECT * FROM copy_disagreements")
    assert [(r["key"], r["confident"], r["source_b"]) for r in d] == [("applications.new_received.total", 0, "ocr")]
    listed = json.loads(_run("list", db, "--json", "--with-copies").stdout)
    # As the record says (rule accounting), unknown (null) for a record without it.
    assert {r["kind"]: r["unchecked"] for r in listed} == {
        "digital": (digital.get("rules") or {}).get("unchecked"), "scanned": 38}
    # The scan rewritten as another agency's: no copy any more.
    other = derived_record(PDF, tag="scan", agency="北湖区教育局")
    write_records(db, [other])
    assert {r["match"] for r in _rows(db, "SELECT * FROM copies")} == {"canonical"}
    assert _rows(db, "SELECT count(*) AS n FROM copy_disagreements")[0]["n"] == 0


def test_a_schema_3_database_is_upgraded_in_place(archive, tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(archive["db"], db)
    with sqlite3.connect(db) as con:  # what the previous release wrote
        con.executescript("DROP VIEW canonical_reports; DROP TABLE copy_disagreements; DROP TABLE copies;"
                          " UPDATE meta SET value = '3' WHERE key = 'schema_version';")
    proc = _run("list", db)
    assert proc.returncode == 9 and "schema 3" in proc.stderr
    assert _run("check", db).returncode == 0  # opens it for writing: upgrades it
    assert len(_rows(db, "SELECT * FROM canonical_reports")) == 4
    assert len(json.loads(_run("list", db, "--json").stdout)) == 4


def test_compare_names_an_agency_year_stored_twice(archive, tmp_path):
    """AGENCY:YEAR matching the copies of one report names its canonical copy."""
    out = tmp_path / "c.csv"
    proc = _run("compare", "--db", archive["db"], f"{AGENCY}:2012", f"{AGENCY}:2013", "--csv", out, "--plain")
    assert proc.returncode == 0, proc.stderr
    canonical = {r["ref"] for r in json.loads(_run("list", archive["db"], "--json").stdout)}
    with open(out, encoding="utf-8-sig", newline="") as f:
        refs = [r for r in csv.DictReader(f) if r["key"] == "report.ref"]
    assert refs and refs[0]["a"] in canonical and refs[0]["b"] in canonical


def test_a_document_write_regroups_as_the_whole_database_would(tmp_path):
    """write_document rewrites only the groups it touches; a full refresh finds the same."""
    from exportlib import derived_record, write_records

    from extract.batch.copies import refresh_copies
    from extract.batch.store import open_store

    names = ["南京市鼓楼区人民政府", "徐州市鼓楼区人民政府", "鼓楼区人民政府", "江苏省淮安市洪泽区人民政府",
             "洪泽区政府", "淮安市洪泽区人民政府"]
    records = [derived_record(PDF, agency=name, tag=f"n{i}") for i, name in enumerate(names)]
    db = write_records(tmp_path / "g.sqlite", records)
    snapshot = "SELECT sha256, canonical_sha256, n_copies, canonical, match FROM copies ORDER BY sha256"
    incremental = [tuple(r) for r in _rows(db, snapshot)]
    con = open_store(db)
    with con:
        refresh_copies(con)
    con.close()
    assert [tuple(r) for r in _rows(db, snapshot)] == incremental
    sizes = sorted(r[2] for r in incremental)
    # 洪泽区 three ways is one report; the two 鼓楼区 are two, and the bare one matches both: alone.
    assert sizes == [1, 1, 1, 3, 3, 3]
