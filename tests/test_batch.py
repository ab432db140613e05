"""`extract batch` as an archive runs it: real processes, real files, killed and resumed.

The batch runs as a subprocess in its own session, so the tests can kill it (SIGKILL,
SIGINT) like a power cut or an operator would, and check that no worker outlives it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES

from extract.batch.inputs import collect_inputs
from extract.batch.worker import TEST_FAULT_VARIABLE
from extract.errors import InputNotFound

DIGITAL = ["r2019-basic-procurement-01.pdf", "r2024-error-grandtotal-01.pdf"]
# The two smallest scanned twins (4 pages each): a few seconds of OCR apiece.
SCANNED = ["scanned/scan-r2022-other-single-01.pdf", "scanned/scan-r2022-labels-variant-01.pdf"]


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "extract.cli", *map(str, args)]


def run(*args, env=None, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=timeout, env=env)


def start(*args, env=None) -> subprocess.Popen:
    return subprocess.Popen(cli(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of a session: the batch and its workers."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            pids.append(int(entry.name))
    return pids


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def stored_documents(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=5)
    try:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the batch has not created its tables yet
        return 0
    finally:
        con.close()


def status_of(db: Path, name: str):
    con = sqlite3.connect(db, timeout=5)
    try:
        row = con.execute("SELECT status FROM documents WHERE path LIKE ?", (f"%{name}",)).fetchone()
    finally:
        con.close()
    return row[0] if row else None


@pytest.fixture
def archive(tmp_path):
    """Good files (digital and scanned) and broken ones, and a list file giving their order:
    digital and broken first, the scans last (so a kill can land inside a scan)."""
    folder = tmp_path / "archive"
    (folder / "scans").mkdir(parents=True)
    good = []
    for name in DIGITAL:
        good.append(folder / Path(name).name)
        good[-1].write_bytes((SAMPLES / name).read_bytes())
    scans = []
    for name in SCANNED:
        scans.append(folder / "scans" / Path(name).name)
        scans[-1].write_bytes((SAMPLES / name).read_bytes())
    whole = (SAMPLES / DIGITAL[0]).read_bytes()
    broken = {
        folder / "truncated.pdf": (whole[: len(whole) // 2], "corrupt or truncated"),
        folder / "notes.pdf": (b"minutes of the meeting, not a PDF\n", "not a PDF"),
        folder / "empty.pdf": (b"", "empty"),
    }
    for path, (data, _) in broken.items():
        path.write_bytes(data)
    listing = tmp_path / "inputs.txt"
    listing.write_text("# archive batch test\n" + "\n".join(str(p) for p in good + list(broken) + scans) + "\n",
                       encoding="utf-8")
    return listing, good + scans, {p: why for p, (_, why) in broken.items()}


def test_killed_batch_resumes_with_every_report_once_and_as_single_extraction(archive, tmp_path):
    listing, good, broken = archive
    db = tmp_path / "results.sqlite"
    before_scans = len(good) - len(SCANNED) + len(broken)

    # One worker, so the documents go in list order; kill the batch (SIGKILL, no chance to
    # clean up) once everything before the scans is stored and the first scan is in flight.
    proc = start("batch", f"@{listing}", "--db", db, "--workers", "1")
    try:
        wait_until(lambda: stored_documents(db) >= before_scans or proc.poll() is not None, 120,
                   "the documents before the scans")
        time.sleep(1.0)  # inside the first scan: loading the OCR models alone takes about that
        assert proc.poll() is None, proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        # the workers die with the batch (no orphan keeps extracting)
        wait_until(lambda: not session_processes(proc.pid), 10, "the workers to die with the batch")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert stored_documents(db) == before_scans  # the scan in flight was lost, nothing partial

    again = run("batch", f"@{listing}", "--db", db)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    done_before = len(good) - len(SCANNED)
    assert f"batch: {len(SCANNED)} extracted, {len(broken)} failed, {done_before} already in the database" in again.stderr
    # the archive's cross-year rules ran over what the batch holds (extract check's summary line)
    assert f"check: {len(good)} reports" in again.stderr

    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    documents = {row["path"]: row for row in con.execute("SELECT * FROM documents")}
    assert set(documents) == {str(p) for p in good} | {str(p) for p in broken}
    for path, why in broken.items():
        row = documents[str(path)]
        assert row["status"] == "failed" and why in row["reason"] and row["exit_code"] == 4, dict(row)
    # exactly one report per good file, no duplicate rows anywhere
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == len(good)
    assert not con.execute("SELECT sha256 FROM reports GROUP BY sha256, first_page HAVING count(*) > 1").fetchall()
    singles = {path: subprocess.Popen(cli(path, "--json"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for path in good}  # side by side: they are independent
    for path in good:
        row = documents[str(path)]
        assert row["status"] == "ok" and row["reports"] == 1, dict(row)
        report = con.execute("SELECT * FROM reports WHERE sha256 = ?", (row["sha256"],)).fetchone()
        stored = json.loads(report["record"])
        out, err = singles[path].communicate(timeout=300)
        assert singles[path].returncode == 0, err
        assert stored == json.loads(out), path.name
        assert (report["first_page"], report["last_page"]) == (1, stored["source"]["pages"])
        assert row["pages"] == stored["source"]["pages"]
        counts = [con.execute(f"SELECT count(*) FROM {table} WHERE sha256 = ?", (row["sha256"],)).fetchone()[0]
                  for table in ("cells", "findings")]
        assert counts == [len(stored["cells"]), len(stored["findings"])]
    kinds = {json.loads(r[0])["source"]["kind"] for r in con.execute("SELECT record FROM reports")}
    assert kinds == {"digital", "scanned"}
    con.close()


def test_hung_and_crashed_workers_are_replaced_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    data = (SAMPLES / DIGITAL[0]).read_bytes()
    for name in ("a-hangs.pdf", "b-crashes.pdf", "c-good.pdf"):
        (folder / name).write_bytes(data[:-1] + name.encode())  # distinct content, same report
    db = tmp_path / "r.sqlite"
    env = dict(os.environ, **{TEST_FAULT_VARIABLE: "hang:hangs"})
    started = time.monotonic()
    proc = run("batch", folder, "--db", db, "--workers", "1", "--timeout", "2", env=env)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(db)
    rows = {Path(p).name: (s, r, c) for p, s, r, c in con.execute("SELECT path, status, reason, exit_code FROM documents")}
    assert rows["a-hangs.pdf"][0] == "failed" and rows["a-hangs.pdf"][2] == 7
    assert "gave up after 2 s" in rows["a-hangs.pdf"][1]
    assert rows["b-crashes.pdf"][0] == "ok" and rows["c-good.pdf"][0] == "ok"
    assert elapsed < 60  # killed at the limit (2 s + grace), not waited for
    con.close()

    env[TEST_FAULT_VARIABLE] = "crash:crashes"
    proc = run("batch", folder, "--db", db, "--workers", "1", "--redo", env=env)
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(db)
    rows = {Path(p).name: (s, r) for p, s, r in con.execute("SELECT path, status, reason FROM documents")}
    assert rows["b-crashes.pdf"] == ("failed", "the worker process died (SIGKILL) while extracting this file")
    assert rows["a-hangs.pdf"][0] == "ok" and rows["c-good.pdf"][0] == "ok"  # before and after the crash
    assert "[exit 10] internal error" in proc.stderr  # the summary by reason
    con.close()


def test_ctrl_c_finishes_the_documents_in_flight_and_a_second_one_stops_them(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    data = (SAMPLES / DIGITAL[0]).read_bytes()
    for name in ("a-slow.pdf", "b.pdf", "c.pdf"):
        (folder / name).write_bytes(data[:-1] + name.encode())
    db = tmp_path / "r.sqlite"
    # "slow": hangs, but under a 3 s limit, so the first Ctrl-C waits for its time-out
    env = dict(os.environ, **{TEST_FAULT_VARIABLE: "hang:slow"})
    proc = start("batch", folder, "--db", db, "--workers", "1", "--timeout", "1", "--progress-every", "0.2", env=env)
    try:
        assert proc.stderr.readline()  # the first progress line: the batch loop runs, a.pdf is handed out
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole process group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "stopping after the 1 documents in flight" in err
    assert "batch: 0 extracted, 1 failed, 0 already in the database" in err  # a-slow timed out; b, c never started
    con = sqlite3.connect(db)
    assert [Path(p).name for (p,) in con.execute("SELECT path FROM documents")] == ["a-slow.pdf"]
    con.close()

    env[TEST_FAULT_VARIABLE] = "hang:b."
    proc = start("batch", folder, "--db", db, "--workers", "1", "--timeout", "600", "--progress-every", "0.2", env=env)
    try:
        assert proc.stderr.readline()
        wait_until(lambda: status_of(db, "a-slow.pdf") == "ok", 60, "a-slow.pdf to be stored again")
        time.sleep(0.5)  # b.pdf is in flight, hanging
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted in flight" in err
    con = sqlite3.connect(db)
    assert sorted(Path(p).name for (p,) in con.execute("SELECT path FROM documents")) == ["a-slow.pdf"]
    con.close()
    wait_until(lambda: not session_processes(proc.pid), 10, "the batch's processes to end")


def test_inputs_from_folders_globs_and_list_files(tmp_path):
    (tmp_path / "a" / "deep").mkdir(parents=True)
    files = [tmp_path / "a" / "x.pdf", tmp_path / "a" / "deep" / "y.PNG", tmp_path / "a" / "deep" / "z.docx",
             tmp_path / "b.pdf", tmp_path / "c.html"]
    for path in files:
        path.write_bytes(b"")
    (tmp_path / "a" / "notes.txt").write_text("not a document")
    listing = tmp_path / "list.txt"
    listing.write_text("# wanted\nb.pdf\n\n  c.html  \n# a.pdf is not wanted\n", encoding="utf-8")

    assert collect_inputs([str(tmp_path / "a")]) == [files[1], files[2], files[0]]  # sorted by path, .txt left out
    assert collect_inputs([f"@{listing}"]) == [files[3], files[4]]
    assert collect_inputs([str(tmp_path / "*.pdf"), str(tmp_path / "**" / "*.pdf")]) == [files[3], files[0]]
    # a file named twice (directly and inside a folder) is listed once, where first named
    assert collect_inputs([str(files[3]), str(tmp_path)])[0] == files[3]
    assert len(collect_inputs([str(files[3]), str(tmp_path)])) == 5
    for spec, why in [(str(tmp_path / "missing.pdf"), "no such file or folder"),
                      (str(tmp_path / "*.tif"), "no files match"), (f"@{tmp_path / 'nolist.txt'}", "no such list file")]:
        with pytest.raises(InputNotFound, match=why):
            collect_inputs([spec])
    # every kind a reader takes: web archives, .shtml pages, .rtf and .wps Word files, OFD
    other = tmp_path / "other"
    other.mkdir()
    kinds = [other / name for name in ("a.mht", "b.shtml", "c.rtf", "d.wps", "e.ofd", "f.tiff")]
    for path in kinds:
        path.write_bytes(b"")
    assert collect_inputs([str(other)]) == kinds


def test_missing_input_is_one_line_and_exit_3(tmp_path):
    proc = run("batch", tmp_path / "nowhere", "--db", tmp_path / "r.sqlite")
    assert proc.returncode == 3
    assert proc.stderr.strip() == f"extract: {tmp_path / 'nowhere'}: no such file or folder"
    assert not (tmp_path / "r.sqlite").exists()  # nothing started


def test_progress_bar_on_a_terminal_and_rerun_after_a_new_extractor_version(tmp_path):
    import pty

    folder = tmp_path / "in"
    folder.mkdir()
    for name in DIGITAL:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    db = tmp_path / "r.sqlite"
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cli("batch", folder, "--db", db), stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the batch ended
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert proc.wait(60) == 0
    text = output.decode("utf-8", "replace")
    assert "\x1b[" in text  # drawn live, with terminal escapes
    assert f"ok {len(DIGITAL)} · failed 1 · findings 1" in text  # the grand-total sample has an error finding
    assert "/min · ETA" in text and f"{len(DIGITAL) + 1}/{len(DIGITAL) + 1}" in text
    assert f"extract: {folder / 'empty.pdf'}: the file is empty" in text  # failures above the bar
    assert "failed, by reason:" in text

    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE documents SET extractor_version = '0.0.1' WHERE path LIKE ?", (f"%{DIGITAL[0]}",))
    con.close()
    again = run("batch", folder, "--db", db, "-q")
    # the document stored by another version is done again; the others are kept
    assert again.stderr.startswith(f"batch: 1 extracted, 1 failed, {len(DIGITAL) - 1} already in the database")
    assert len(again.stderr.strip().splitlines()) == 1  # -q: the totals line only
