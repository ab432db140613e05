"""`extract batch`: many reports into one SQLite file, resumable, one process per file.

Each file runs in its own worker process with a hard time limit, so a file that crashes or
hangs the PDF library costs only itself. The parent writes and commits each result as it
arrives: an interrupted batch keeps what it finished and skips it on the next run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..files import sha256_file
from ..options import add_limits, add_ocr, fail, settings_from
from ..read.images import IMAGE_SUFFIXES
from ..settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    status TEXT NOT NULL,            -- ok | error
    error TEXT,                      -- one-line reason when status = error
    exit_code INTEGER,
    agency TEXT, year INTEGER, template TEXT,
    errors INTEGER, warnings INTEGER,
    record TEXT,                     -- the full JSON record (as `extract --json`)
    seconds REAL,
    processed_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS cells (
    sha256 TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
    key TEXT NOT NULL,               -- table.row.column
    value_num REAL, value_text TEXT, -- value as number, or as printed text for unit amounts
    printed TEXT, page INTEGER, confidence REAL, source TEXT,
    PRIMARY KEY (sha256, key)
);
CREATE TABLE IF NOT EXISTS findings (
    sha256 TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
    rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT, message_en TEXT, cells TEXT
);
CREATE INDEX IF NOT EXISTS findings_by_report ON findings(sha256);
"""


@dataclass
class BatchSummary:
    done: int = 0
    skipped: int = 0
    failed: int = 0

    def line(self) -> str:
        return f"batch: {self.done} extracted, {self.failed} failed, {self.skipped} already in the database"


def _worker(path: str, settings: Settings, conn) -> None:
    from ..errors import ExtractError
    from ..pipeline import extract_file

    try:
        report = extract_file(path, settings)
        conn.send(("ok", report.model_dump(mode="json"), None, 0))
    except ExtractError as exc:
        conn.send(("error", None, exc.reason, exc.exit_code))
    except Exception as exc:  # recorded, never fatal to the batch
        conn.send(("error", None, f"internal error: {type(exc).__name__}: {exc}", 10))
    finally:
        conn.close()


def _store(db: sqlite3.Connection, sha: str, path: Path, status: str, record: Optional[dict],
           error: Optional[str], code: int, seconds: float) -> None:
    with db:
        db.execute("DELETE FROM reports WHERE sha256 = ?", (sha,))
        db.execute("DELETE FROM cells WHERE sha256 = ?", (sha,))
        db.execute("DELETE FROM findings WHERE sha256 = ?", (sha,))
        info = (record or {}).get("report", {})
        findings = (record or {}).get("findings", [])
        db.execute(
            "INSERT INTO reports (sha256, path, status, error, exit_code, agency, year, template,"
            " errors, warnings, record, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                sha, str(path), status, error, code, info.get("agency"), info.get("year"), info.get("template"),
                sum(f["severity"] == "error" for f in findings) if record else None,
                sum(f["severity"] == "warning" for f in findings) if record else None,
                json.dumps(record, ensure_ascii=False) if record else None, round(seconds, 3),
            ),
        )
        if record:
            db.executemany(
                "INSERT INTO cells VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        sha, key,
                        c["value"] if isinstance(c["value"], (int, float)) else None,
                        c["value"] if isinstance(c["value"], str) else None,
                        c["text"], c["page"], c["confidence"], c["source"],
                    )
                    for key, c in record["cells"].items()
                ],
            )
            db.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?)",
                [(sha, f["rule"], f["severity"], f["message"], f["message_en"], json.dumps(f["cells"])) for f in findings],
            )


def run_batch(folder: Path, db_path: Path, settings: Settings, jobs: int = 1, progress: bool = True) -> BatchSummary:
    db = sqlite3.connect(db_path)
    db.executescript(SCHEMA)
    known = {row[0] for row in db.execute("SELECT sha256 FROM reports WHERE status = 'ok'")}
    summary = BatchSummary()
    queue: list[tuple[Path, str]] = []
    suffixes = {".pdf"} | IMAGE_SUFFIXES
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes):
        try:
            sha = sha256_file(path)
        except OSError as exc:
            _store(db, f"unreadable:{path}", path, "error", None, f"cannot read the file ({exc.strerror})", 4, 0.0)
            summary.failed += 1
            continue
        if sha in known:
            summary.skipped += 1
        else:
            known.add(sha)  # the same file twice under two names is processed once
            queue.append((path, sha))

    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context()
    running: list[tuple[mp.Process, object, Path, str, float]] = []
    limit = settings.timeout_s + 10.0

    def finish(item, status, record, error, code) -> None:
        proc, _, path, sha, started = item
        _store(db, sha, path, status, record, error, code, time.monotonic() - started)
        if status == "ok":
            summary.done += 1
        else:
            summary.failed += 1
        if progress:
            print(f"{'ok  ' if status == 'ok' else 'FAIL'} {path}{'' if status == 'ok' else ': ' + str(error)}", file=sys.stderr)

    try:
        while queue or running:
            while queue and len(running) < max(1, jobs):
                path, sha = queue.pop(0)
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker, args=(str(path), settings, child), daemon=True)
                proc.start()
                child.close()
                running.append((proc, parent, path, sha, time.monotonic()))
            time.sleep(0.02)
            still = []
            for item in running:
                proc, conn, path, sha, started = item
                if conn.poll():
                    try:
                        status, record, error, code = conn.recv()
                    except (EOFError, OSError):
                        status, record, error, code = "error", None, "worker died while extracting", 10
                    proc.join(1)
                    finish(item, status, record, error, code)
                elif not proc.is_alive():
                    finish(item, "error", None, f"worker died (exit code {proc.exitcode})", 10)
                elif time.monotonic() - started > limit:
                    proc.kill()
                    proc.join(1)
                    finish(item, "error", None, f"gave up after {limit:g} s", 7)
                else:
                    still.append(item)
            running = still
    finally:
        for proc, *_ in running:
            proc.kill()
        db.close()
    return summary


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="extract batch",
        description="Extract every PDF under DIR into an SQLite database. Files already in the database "
        "(same sha256) are skipped, so an interrupted batch resumes; a bad file is recorded with its "
        "error and never stops the batch.",
    )
    parser.add_argument("dir", type=Path)
    parser.add_argument("--db", type=Path, default=Path("results.sqlite"))
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)), help="worker processes")
    parser.add_argument("-q", "--quiet", action="store_true")
    add_ocr(parser)
    add_limits(parser)
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        return fail(f"{args.dir}: not a folder", 3)
    summary = run_batch(args.dir, args.db, settings_from(args), jobs=args.jobs, progress=not args.quiet)
    print(summary.line(), file=sys.stderr)
    return 0
