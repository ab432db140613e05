"""`extract review` over plain HTTP (no browser): the queue order, decisions saved with
their audit row and re-validation, the session token and Host/Origin checks, escaping, crops
and a missing source, and the one-line errors for a taken port or a bad database."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest
from reviewlib import (
    SAMPLES,
    corrections,
    injected_errors,
    record_of,
    run_review,
    start_review,
    write_record,
)

from extract.review import actions, data, rules

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

ERROR_SAMPLE = "r2024-error-grandtotal-01"  # （七）总计 of 三 printed 3 too low
CLEAN_SAMPLE = "r2024-zeros-small-01"
ROW_SAMPLE = "r2023-error-rowtotal-01"
HOSTILE = '<script>alert("pwned")</script>'
HOSTILE_TEXT = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return {name: record_of(SAMPLES / f"{name}.pdf") for name in (ERROR_SAMPLE, CLEAN_SAMPLE, ROW_SAMPLE)}


@pytest.fixture()
def batch(tmp_path: Path, records) -> tuple[Path, Path]:
    """A batch database of three reports, their sources copied into one folder."""
    folder = tmp_path / "reports"
    folder.mkdir()
    db_path = tmp_path / "results.sqlite"
    for name, record in records.items():
        source = folder / f"{name}.pdf"
        shutil.copy(SAMPLES / f"{name}.pdf", source)
        write_record(db_path, source, record)
    return db_path, folder


def sha_of(records, name: str) -> str:
    return records[name]["source"]["sha256"]


def token_of(html: str) -> str:
    match = re.search(r'<meta name="review-token" content="([^"]+)">', html)
    assert match, "no session token in the page"
    return match.group(1)


def state_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="state">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


@pytest.fixture()
def server(batch):
    running = start_review(batch[0], reviewer="http-tester")
    yield running
    running.stop()


# ------------------------------------------------------------------------------ database level


def test_queue_puts_errors_first_and_reviewed_last(batch, records):
    db = data.connect(batch[0])
    order = [item.sha256 for item in data.queue(db)]
    error_reports = [sha_of(records, ERROR_SAMPLE), sha_of(records, ROW_SAMPLE)]
    assert set(order[:2]) == set(error_reports) and order[2] == sha_of(records, CLEAN_SAMPLE)
    actions.set_reviewed(db, sha_of(records, ERROR_SAMPLE), 1, "someone")
    order = [item.sha256 for item in data.queue(db)]
    assert order[-1] == sha_of(records, ERROR_SAMPLE)
    row = db.execute("SELECT reviewed_by, reviewed_at FROM reports WHERE sha256 = ?", (sha_of(records, ERROR_SAMPLE),)).fetchone()
    assert row[0] == "someone" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[1])


def test_correction_revalidates_and_keeps_the_reading(batch, records):
    (key, delta), = injected_errors(ERROR_SAMPLE).items()
    sha = sha_of(records, ERROR_SAMPLE)
    db = data.connect(batch[0])
    before = data.load_report(db, sha, 1)
    printed = before.cells[key]["value"]
    statuses = rules.rules_for(key, before.values(), before.version, before.layout)
    assert {s.state for s in statuses} == {"broken"}
    # The rules single the changed cell out (the only cell whose value alone makes them all
    # hold) and fix its value: the consistent one.
    suggestion = before.suggestion(key)
    assert (suggestion.certainty, suggestion.value) == ("determined", printed - delta)
    assert doubtful_first(before) == key
    record_before = db.execute("SELECT record FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0]

    decision = data.decide_cell(db, sha, 1, key, printed - delta, accept=False, reviewer="r1", note="checked the scan")
    assert decision.changed and decision.errors == 0
    assert all(s.state == "holds" for s in decision.statuses) and len(decision.statuses) >= 2
    cell = db.execute("SELECT value_num, read_num, corrected, flagged FROM cells WHERE sha256 = ? AND key = ?", (sha, key)).fetchone()
    assert tuple(cell) == (printed - delta, printed, 1, 0)
    assert db.execute("SELECT errors FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] == 0
    assert not db.execute("SELECT COUNT(*) FROM findings WHERE sha256 = ? AND severity = 'error'", (sha,)).fetchone()[0]
    assert db.execute("SELECT record FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] == record_before
    (audit,) = corrections(batch[0])
    assert (audit["key"], json.loads(audit["old_value"]), json.loads(audit["new_value"]), audit["reviewer"], audit["note"]) == (
        key, printed, printed - delta, "r1", "checked the scan")


def test_queue_by_need_and_highlights_of_doubt(tmp_path, records):
    """Errors, then warnings, then low-confidence cells, then clean reports; low-confidence and
    repaired cells are highlighted as such and are doubtful."""
    from extract.review import pages

    clean = records[CLEAN_SAMPLE]
    key_low, key_repaired = list(clean["cells"])[:2]

    def variant(low: bool, warn: bool, repaired: bool) -> dict:
        record = json.loads(json.dumps(clean))
        if low:
            record["cells"][key_low]["confidence"] = 0.41
            record["cells"][key_low]["source"] = "ocr"
        if warn:
            record["findings"].append({"rule": "cell.low_confidence", "severity": "warning", "message": "低",
                                       "message_en": "low", "cells": [key_low]})
        if repaired:
            record["cells"][key_repaired]["repair"] = "the rules hold only with this value"
        return record

    db_path = tmp_path / "needs.sqlite"
    shas = {}
    for name, record in [("clean", variant(False, False, False)), ("low", variant(True, False, False)),
                         ("warned", variant(True, True, True)), ("errors", records[ERROR_SAMPLE])]:
        shas[name] = write_record(db_path, SAMPLES / f"{name}.pdf", record, sha=name.ljust(64, "0"))
    db = data.connect(db_path)
    # The three variants are copies of one report (counted once by default): every copy here.
    from extract.review import queue

    everything = queue.every_item(db, queue.QueueFilter(copies="with"))
    assert [i.sha256 for i in everything] == [shas[n] for n in ("errors", "warned", "low", "clean")]

    warned = data.load_report(db, shas["warned"], 1)
    view = pages.state(warned, {"found": False, "path": "", "reason": "gone"})
    assert {"low", "warning"} <= set(view["cells"][key_low]["classes"])
    assert "repaired" in view["cells"][key_repaired]["classes"]
    assert [d["key"] for d in view["doubtful"]] == [key_low, key_repaired]
    # Accepting the low-confidence cell settles its reading warning.
    decision = data.decide_cell(db, shas["warned"], 1, key_low, None, accept=True, reviewer="r")
    assert decision.warnings == 0
    after = pages.state(data.load_report(db, shas["warned"], 1), {"found": False, "path": "", "reason": ""})
    assert "confirmed" in after["cells"][key_low]["classes"] and "warning" not in after["cells"][key_low]["classes"]


def doubtful_first(report: data.ReportData) -> str:
    return data.doubtful_keys(report)[0]


def test_accepting_a_value_is_audited_but_not_a_correction(batch, records):
    sha = sha_of(records, ROW_SAMPLE)
    (key, _), = injected_errors(ROW_SAMPLE).items()
    db = data.connect(batch[0])
    decision = data.decide_cell(db, sha, 1, key, None, accept=True, reviewer="r2")
    assert not decision.changed and decision.errors >= 1  # the rule still does not hold
    assert db.execute("SELECT corrected FROM cells WHERE sha256 = ? AND key = ?", (sha, key)).fetchone()[0] == 0
    (audit,) = corrections(batch[0])
    assert audit["old_value"] == audit["new_value"] and audit["note"] == "accepted as read"


# ------------------------------------------------------------------------------ HTTP


def test_pages_load_and_a_decision_needs_the_session_token(server, batch, records):
    sha = sha_of(records, ERROR_SAMPLE)
    (key, delta), = injected_errors(ERROR_SAMPLE).items()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        queue = client.get("/")
        assert queue.status_code == 200 and f"/report/{sha}/1" in queue.text
        page = client.get(f"/report/{sha}/1")
        assert page.status_code == 200
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        state = state_of(page.text)
        assert "error" in state["cells"][key]["classes"]
        token = token_of(page.text)
        url = f"/report/{sha}/1/cells/{key}"
        body = {"action": "correct", "value": "1"}
        refused = [
            client.post(url, json=body),  # no token: what another site's script or form could send
            client.post(url, json=body, headers={"X-Review-Token": "guess"}),
            client.post(url, json=body, headers={"X-Review-Token": token, "Origin": "http://evil.example"}),
            client.post(url, data={"action": "correct", "value": "1"}, headers={"X-Review-Token": token}),
            client.post(f"/report/{sha}/1/reviewed", json={}),
        ]
        assert [r.status_code for r in refused] == [403, 403, 403, 415, 403]
        assert corrections(batch[0]) == []
        # DNS rebinding: a page served under another name gets nothing.
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400

        right = state["cells"][key]["value"]
        answer = client.post(url, json={"action": "correct", "value": str(int(right) - delta)},
                             headers={"X-Review-Token": token, "Origin": server.url.rstrip("/")})
        assert answer.status_code == 200, answer.text
        assert answer.json()["decision"]["rules_hold"] and answer.json()["state"]["rules_hold"]
        assert client.post(url, json={"action": "correct", "value": "abc"}, headers={"X-Review-Token": token}).status_code == 400
        # Any cell's rules, for a cell opened outside the doubtful list.
        other = client.get(f"/report/{sha}/1/cells/review_litigation.review.total").json()
        assert other["rules"] and other["rules"][0]["rule"] == "review_litigation.total"
        assert client.get(f"/report/{sha}/1/cells/not.a.cell").status_code == 404
        marked = client.post(f"/report/{sha}/1/reviewed", json={}, headers={"X-Review-Token": token})
        assert marked.json()["state"]["report"]["reviewed_by"] == "http-tester"
    (audit,) = corrections(batch[0])
    assert audit["reviewer"] == "http-tester" and audit["at"]


def test_next_report_link_and_ctrl_c(server, records):
    import signal

    with httpx.Client(base_url=server.url, timeout=30) as client:
        first = re.findall(r'href="(/report/[0-9a-f]{64}/1)"', client.get("/").text)
        assert len(first) == 3
        page = client.get(first[0]).text
        assert re.search(rf'<a class="next-report" href="{first[1]}">', page)
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=15) == 0
    assert server.process.stderr.read().strip() == "extract review: stopped"


def test_every_value_and_label_is_escaped(tmp_path, records):
    record = json.loads(json.dumps(records[ERROR_SAMPLE]))
    record["report"]["agency"] = HOSTILE
    key = next(iter(record["cells"]))
    record["cells"][key]["text"] = HOSTILE_TEXT
    record["findings"][0]["message"] = HOSTILE
    source = tmp_path / f"{HOSTILE_TEXT}.pdf"  # a file name is shown too
    db_path = tmp_path / "hostile.sqlite"
    sha = write_record(db_path, source, record)
    running = start_review(db_path)
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            for page in (client.get("/"), client.get(f"/report/{sha}/1")):
                assert page.status_code == 200
                assert HOSTILE not in page.text and HOSTILE_TEXT not in page.text
                assert "<script>alert" not in page.text and "<img src=x" not in page.text
            assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in client.get("/").text
            state = state_of(client.get(f"/report/{sha}/1").text)
            assert state["report"]["agency"] == HOSTILE  # intact as data, drawn with textContent
            assert state["cells"][key]["printed"] == HOSTILE_TEXT
    finally:
        running.stop()


def test_crops_and_a_source_found_by_sha256_or_missing(batch, records):
    db_path, folder = batch
    sha = sha_of(records, ERROR_SAMPLE)
    (key, _), = injected_errors(ERROR_SAMPLE).items()
    # The batch's file was renamed since: found again by its content in the batch's folder.
    (folder / f"{ERROR_SAMPLE}.pdf").rename(folder / "renamed.pdf")
    # Another report's file is gone altogether.
    (folder / f"{ROW_SAMPLE}.pdf").unlink()
    running = start_review(db_path)
    try:
        with httpx.Client(base_url=running.url, timeout=60) as client:
            crop = client.get(f"/crop/{sha}/1/{key}")
            assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
            assert crop.content.startswith(b"\x89PNG")
            assert state_of(client.get(f"/report/{sha}/1").text)["source"]["found"]
            gone = sha_of(records, ROW_SAMPLE)
            page = client.get(f"/report/{gone}/1")
            assert re.search(r'<p id="source-missing" class="source-missing">\s*原件未找到', page.text)
            assert "Source file not found" in page.text
            assert not state_of(page.text)["source"]["found"]
            assert client.get(f"/crop/{gone}/1/{key}").status_code == 404
    finally:
        running.stop()


# ------------------------------------------------------------------------------ one-line errors


def test_port_taken_is_one_line(batch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_review([str(batch[0]), "--port", str(port)])
    assert result.returncode == 2
    assert result.stderr.strip() == f"extract: 127.0.0.1:{port}: port {port} is already in use (stop the other server or choose --port)"
    assert result.stdout == ""


def test_database_errors_are_one_line_exit_9(tmp_path, batch):
    missing = run_review([str(tmp_path / "nothing.sqlite")])
    assert (missing.returncode, missing.stderr.strip()) == (9, f"extract: {tmp_path / 'nothing.sqlite'}: no such database")
    assert not (tmp_path / "nothing.sqlite").exists()

    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just some text that is long enough" * 20)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    for path in (text, other, empty):
        result = run_review([str(path)])
        assert result.returncode == 9, result.stderr
        assert result.stderr.count("\n") == 1 and "not an extract database" in result.stderr

    holder = sqlite3.connect(batch[0], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        locked = run_review([str(batch[0])])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert locked.returncode == 9
    assert locked.stderr.strip() == f"extract: {batch[0]}: the database is locked by another process"


def test_read_only_database_is_one_line_exit_9(batch):
    """A database the app may read but not write is refused before serving (chmod for a
    normal user; root writes through modes, so there the file is made immutable)."""
    import os
    import subprocess

    db_path = batch[0]
    db_path.chmod(0o444)
    immutable = False
    if os.access(db_path, os.W_OK):
        immutable = subprocess.run(["chattr", "+i", str(db_path)], capture_output=True).returncode == 0
        if not immutable:
            db_path.chmod(0o644)
            pytest.skip("cannot make a file read-only here (root without chattr)")
    try:
        result = run_review([str(db_path)])
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db_path)], check=True)
        db_path.chmod(0o644)
    assert (result.returncode, result.stderr.strip()) == (9, f"extract: {db_path}: the database is read-only")


def test_without_the_review_extra_one_line_exit_2(batch):
    import subprocess
    import sys

    blocked = ("import sys; sys.modules['starlette'] = None; from extract.review.server import main; "
               f"sys.exit(main([{str(batch[0])!r}]))")
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("extract: review: needs the [review] extra (starlette is missing): "
                                     "pip install 'extract[review]'")


def test_decisions_stand_over_a_new_reading_of_the_document(batch, records):
    """`extract batch --redo` writes the document again: the person's correction is applied
    to the new reading and the report validated again; an accepted cell is not marked
    corrected."""
    (key, delta), = injected_errors(ERROR_SAMPLE).items()
    sha = sha_of(records, ERROR_SAMPLE)
    db = data.connect(batch[0])
    printed = data.load_report(db, sha, 1).cells[key]["value"]
    accepted = next(k for k in records[ERROR_SAMPLE]["cells"] if k != key)
    data.decide_cell(db, sha, 1, key, printed - delta, accept=False, reviewer="r1")
    data.decide_cell(db, sha, 1, accepted, None, accept=True, reviewer="r1")
    db.close()

    write_record(batch[0], batch[1] / f"{ERROR_SAMPLE}.pdf", records[ERROR_SAMPLE])  # the rerun

    db = data.connect(batch[0])
    cell = db.execute("SELECT value_num, read_num, corrected FROM cells WHERE sha256 = ? AND key = ?", (sha, key)).fetchone()
    assert tuple(cell) == (printed - delta, printed, 1)
    assert db.execute("SELECT corrected FROM cells WHERE sha256 = ? AND key = ?", (sha, accepted)).fetchone()[0] == 0
    assert db.execute("SELECT errors FROM reports WHERE sha256 = ?", (sha,)).fetchone()[0] == 0
    assert not db.execute("SELECT COUNT(*) FROM findings WHERE sha256 = ? AND severity = 'error'", (sha,)).fetchone()[0]
