"""The command line as a user meets it: real processes, real files."""

import json
import sqlite3
import subprocess
import sys

import pytest
from conftest import SAMPLES

from extract import extract_file


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "extract.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_json_on_stdout_is_the_model_dump(huaian):
    proc = run(huaian, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == extract_file(huaian).model_dump(mode="json")
    assert "Traceback" not in proc.stderr


def test_out_file_and_summary(huaian, tmp_path):
    out = tmp_path / "r.json"
    proc = run(huaian, "--out", out)
    assert proc.returncode == 0
    assert proc.stdout == ""  # stdout is for the JSON record only
    assert "淮安市人民政府" in proc.stderr and "0 error" in proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["report"]["year"] == 2024


def _bad_inputs(tmp_path, huaian):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf at all", encoding="utf-8")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(huaian.read_bytes()[:20000])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 50)
    return {
        "missing": (tmp_path / "nope.pdf", 3, "no such file"),
        "empty": (empty, 4, "empty"),
        "not a pdf": (text, 4, "not a PDF"),
        "truncated": (truncated, 4, "corrupt or truncated"),
        "garbage": (garbage, 4, "corrupt or truncated"),
    }


def test_bad_inputs_get_one_line_and_an_exit_code(tmp_path, huaian):
    for name, (path, code, reason) in _bad_inputs(tmp_path, huaian).items():
        proc = run(path, "--json")
        assert proc.returncode == code, (name, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, (name, proc.stderr)
        assert str(path) in lines[0] and reason in lines[0], (name, lines)
        assert proc.stdout == ""


def test_report_pages_without_tables_are_a_report(huaian):
    """The prose pages of a 2024 report are still a report (its title says so): a record
    whose missing tables are errors, not exit 6, which is for documents that are not reports."""
    proc = run(huaian, "--pages", "1-2", "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["report"]["year"] == 2024 and record["report"]["template"] == "2021"
    missing = [f for f in record["findings"] if f["rule"] == "table.missing"]
    assert len(missing) == 3 and all(f["severity"] == "error" for f in missing)
    assert [s["number"] for s in record["sections"] if s["number"]][:1] == ["一"]


def test_not_a_report_says_what_it_seems(tmp_path):
    guide = tmp_path / "guide.html"
    guide.write_text(
        "<html><head><meta charset='utf-8'></head><body><h1>云川市人民政府信息公开指南</h1>"
        "<p>为了更好地为公民、法人和其他组织提供政府信息公开服务，编制本指南。</p>"
        "<table border='1'><tr><td>受理机构</td><td>地址</td><td>电话</td></tr>"
        "<tr><td>市政府办公室</td><td>人民路1号</td><td>12345678</td></tr></table></body></html>",
        encoding="utf-8",
    )
    proc = run(guide)
    assert proc.returncode == 6
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an annual report" in lines[0] and "云川市人民政府信息公开指南" in lines[0]


def test_limits(huaian):
    proc = run(huaian, "--max-pages", "3")
    assert proc.returncode == 7 and "over the limit of 3" in proc.stderr
    proc = run(huaian, "--max-page-side", "500")
    assert proc.returncode == 7 and "page-size limit" in proc.stderr
    proc = run(huaian, "--pages", "0-2")
    assert proc.returncode == 2 and "bad page list" in proc.stderr


def test_password_protected(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    proc = run(locked)
    assert proc.returncode == 5 and "password-protected" in proc.stderr


def test_schema_describes_the_contract():
    proc = run("schema")
    schema = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert {"source", "report", "tables", "cells", "findings"} <= set(schema["properties"])
    assert "withheld_state_secret" in schema["$defs"]["Applications2021"]["properties"]


def test_strict_exit_code_follows_error_findings(tmp_path):
    broken = sorted(SAMPLES.glob("*.pdf"))
    with_errors = [p for p in broken if json.loads(p.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8")).get("findings")]
    clean = [p for p in broken if p not in with_errors]
    if not with_errors or not clean:
        pytest.skip("needs samples with and without expected findings")
    assert run(with_errors[0], "--strict", "-q").returncode == 1
    assert run(with_errors[0], "-q").returncode == 0
    assert run(clean[0], "--strict", "-q").returncode == 0


def test_eval_reports_full_accuracy_on_the_real_report(huaian):
    from conftest import EXPECTED

    proc = run("eval", huaian, "--expected", EXPECTED)
    assert proc.returncode == 0, proc.stdout
    assert "all                      200      200   100.00%" in proc.stdout


def test_batch_survives_bad_files_and_resumes(tmp_path, huaian):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.pdf").write_bytes(huaian.read_bytes())
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "sub").mkdir()
    (folder / "sub" / "copy.pdf").write_bytes(huaian.read_bytes())  # same content, processed once
    db = tmp_path / "r.sqlite"
    proc = run("batch", folder, "--db", db, "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    assert "1 extracted, 1 failed" in proc.stderr
    con = sqlite3.connect(db)
    rows = dict(con.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())
    assert rows == {"ok": 1, "failed": 1}
    assert con.execute("SELECT value_num FROM cells WHERE key='applications.new_received.total'").fetchone() == (3119,)
    error = con.execute("SELECT reason FROM documents WHERE status='failed'").fetchone()[0]
    assert "corrupt" in error
    con.close()
    again = run("batch", folder, "--db", db)
    # finished files are skipped (both names of the same content); the failed one is retried
    assert "batch: 0 extracted, 1 failed, 2 already in the database" in again.stderr


def test_debug_folder_shows_grids_and_mapping(huaian, tmp_path):
    proc = run(huaian, "-q", "--debug", tmp_path / "dbg")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "dbg").iterdir())
    assert names == ["page-003.png", "page-003.txt", "page-004.png", "page-004.txt", "page-005.png", "page-005.txt"]
    dump = (tmp_path / "dbg" / "page-005.txt").read_text(encoding="utf-8")
    assert "'法提供'" in dump and "-> applications.unable_needs_creation.natural_person" in dump
