"""`extract batch`: an archive's files into one SQLite store, unattended and resumable.

The batch process lists the inputs, hashes each file just before handing it out (a file
whose sha256 is already stored by this extractor version is skipped), and feeds a
persistent pool of workers (local processes, or Ray actors with `--ray`). It alone writes
the database, one transaction per document (`store.write_document`), so a run killed at
any moment loses at most the documents in flight and never leaves a partial or duplicate
row. Ctrl-C stops handing out work and waits for the documents in flight; a second
Ctrl-C kills them (they are not recorded, the next run does them); either way the run
ends with its summary and exit code 130.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Optional, Protocol, Sequence

from ..errors import ExtractError
from ..files import sha256_file
from ..options import add_full_text, add_limits, add_ocr, bilingual_help, fail, settings_from
from ..settings import Settings
from .inputs import collect_inputs
from .pool import Finished, LocalPool, Task
from .progress import Display, Tally
from .store import (
    DocumentResult,
    StoreError,
    done_documents,
    extractor_version,
    open_store,
    write_document,
)
from .worker import worker_settings

INTERRUPTED_EXIT_CODE = 130
DATABASE_EXIT_CODE = 9
# How often the batch process wakes to refresh progress and notice Ctrl-C (seconds).
TICK_S = 0.25


class Backend(Protocol):
    free: int
    in_flight: list[Task]

    def submit(self, task: Task) -> None: ...
    def wait(self, timeout: float) -> list[Finished]: ...
    def kill_in_flight(self) -> list[Task]: ...
    def close(self) -> None: ...


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Interrupts:
    """Counts Ctrl-C (and SIGTERM) while the batch runs; the main loop decides what a
    count means. The handlers are restored afterwards."""

    def __init__(self) -> None:
        self.count = 0
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "_Interrupts":
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.count += 1

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def _has_findings(result_reports) -> bool:
    return any(f["severity"] in ("error", "warning") for _, _, record in result_reports for f in record["findings"])


def _record(db: sqlite3.Connection, done: Finished, version: str, tally: Tally, display: Display) -> None:
    task, result = done.task, done.result
    write_document(db, DocumentResult(
        sha256=task.sha256, path=str(task.path), status=result.status, extractor_version=version,
        reason=result.reason, exit_code=result.exit_code, pages=result.pages, seconds=result.seconds,
        reports=result.reports,
    ))
    if result.searchable is not None:
        tally.searchable[result.searchable] += 1
        if result.searchable == "failed":
            display.note(f"extract: {result.searchable_note}")
    if result.peak_rss_mb is not None:
        tally.peak_worker_rss_mb = max(tally.peak_worker_rss_mb or 0.0, result.peak_rss_mb)
    if result.status == "ok":
        tally.extracted += 1
        tally.reports += len(result.reports)
        tally.pages += result.pages or 0
        tally.with_findings += _has_findings(result.reports)
    else:
        tally.failed += 1
        tally.failures[(result.exit_code, result.reason)] += 1
        display.note(f"extract: {task.path}: {result.reason}")


def searchable_paths(files: Sequence[Path], folder: Path) -> dict[Path, Path]:
    """Where each input's searchable copy goes: its path relative to the inputs' common
    folder, under `folder`; a PDF keeps its name, page images get ".pdf" added
    (scan.tif -> scan.tif.pdf, so it never meets a scan.pdf beside it)."""
    if not files:
        return {}
    resolved = [f.resolve() for f in files]
    root = Path(os.path.commonpath([str(r.parent) for r in resolved]))
    paths = {}
    for path, full in zip(files, resolved):
        relative = full.relative_to(root)
        paths[path] = folder / (relative if relative.suffix.lower() == ".pdf" else relative.with_name(relative.name + ".pdf"))
    return paths


def run_batch(files: Sequence[Path], db: sqlite3.Connection, backend: Backend, display: Display, *,
              redo: bool = False, version: Optional[str] = None, searchable: Optional[dict[Path, Path]] = None) -> bool:
    """Extract `files` into `db`. Returns False when the run was interrupted (Ctrl-C).
    `searchable`: input -> where to write its searchable copy (`searchable_paths`); a file
    already there is never overwritten (counted, and said), and a document already in the
    database is extracted again when its copy is still to be written."""
    tally = display.tally
    version = version or extractor_version()
    done = set() if redo else done_documents(db, version)
    seen: set[str] = set()
    pending = iter(files)
    exhausted = False
    with _Interrupts() as interrupts:
        announced = 0
        while True:
            if interrupts.count != announced:
                announced = interrupts.count
                if announced == 1 and backend.in_flight:
                    display.note(f"batch: stopping after the {len(backend.in_flight)} documents in flight "
                                 "(Ctrl-C again to stop them too)")
            if interrupts.count >= 2:
                tally.interrupted += len(backend.kill_in_flight())
                break
            while not exhausted and not interrupts.count and backend.free:
                path = next(pending, None)
                if path is None:
                    exhausted = True
                    break
                try:
                    sha = sha256_file(path)
                except OSError as exc:
                    tally.unreadable += 1
                    display.note(f"extract: {path}: cannot read the file ({exc.strerror or exc}); not stored")
                    continue
                copy = searchable.get(path) if searchable else None
                if copy is not None and copy.exists():
                    tally.searchable["exists"] += 1
                    display.note(f"extract: {copy}: already exists; searchable copy of {path} not written")
                    copy = None
                if sha in seen:
                    tally.duplicates += 1
                elif sha in done and copy is None:
                    tally.skipped += 1
                else:
                    seen.add(sha)
                    backend.submit(Task(sha, path, copy))
            if not backend.in_flight and (exhausted or interrupts.count):
                break
            for finished in backend.wait(TICK_S):
                if interrupts.count and finished.result.worker_died:
                    tally.interrupted += 1  # the interrupt may have reached it (a Ray node): not its fault
                    continue
                _record(db, finished, version, tally, display)
            display.update()
        return interrupts.count == 0


def _make_backend(args: argparse.Namespace, settings: Settings) -> Backend:
    if args.ray is not None:
        from .ray_pool import RayPool

        return RayPool(args.ray, settings, ship_bytes=args.ship_bytes, actors=args.workers)
    return LocalPool(args.workers or available_cores(), settings)


def main(argv: Sequence[str]) -> int:
    cores = available_cores()
    parser = argparse.ArgumentParser(
        prog="extract batch",
        **bilingual_help(
            "批量提取：把各路径下的每份报告（PDF、OFD、图片、网页、Word 文件）写入 SQLite 数据库，每个文件一个事务；"
            "已存入的文件跳过，中断后可从停下处继续；出错的文件记录原因，不会中止批处理。",
            "Extract every report in PATHs (folders, recursively; glob patterns; @list files with one "
            "path per line; PDFs, OFD, page images, HTML and Word files) into an SQLite database, one transaction per "
            "document. Documents already stored with the same sha256 and extractor version are skipped, so a "
            "killed or interrupted batch resumes where it stopped; a bad file is recorded as failed with its reason "
            "and never stops the batch.",
            exit_codes="0 the batch ran to the end (some documents may have failed: see the summary and the "
            "documents table); 130 interrupted; 3 a PATH is missing; 9 the database cannot be opened or written"),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a folder, a file, a glob pattern, or @LIST (a file of paths)")
    parser.add_argument("--db", type=Path, default=Path("results.sqlite"), help="the SQLite database (default results.sqlite)")
    parser.add_argument("--workers", "--jobs", dest="workers", type=int, default=None,
                        help=f"worker processes (default: the number of cores, {cores}); OCR threads are shared out "
                        "so that workers x threads = cores")
    parser.add_argument("--redo", action="store_true", help="extract again documents already in the database")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress; only the one-line total at the end")
    parser.add_argument("--progress-every", type=float, default=60.0, metavar="S",
                        help="when stderr is not a terminal, print a progress line every S seconds (default 60)")
    parser.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="run the work as Ray actors on the cluster at ADDRESS (e.g. ray://head:10001 or auto), or on "
                        "a local Ray instance when no ADDRESS is given (write --ray=ADDRESS before the PATHs)")
    parser.add_argument("--ship-bytes", action="store_true",
                        help="with --ray: send each file's bytes to the actors instead of its path (no shared filesystem)")
    parser.add_argument("--searchable", type=Path, metavar="DIR",
                        help="also write a searchable copy of every document with scanned pages into DIR, named by its "
                        "path relative to the inputs' common folder (page images: NAME.tif.pdf); digital documents get "
                        "none; an existing file is never overwritten; implies --full-text for them (local workers only)")
    add_ocr(parser)
    add_full_text(parser)
    add_limits(parser)
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.ship_bytes and args.ray is None:
        parser.error("--ship-bytes needs --ray")
    if args.searchable is not None and args.no_ocr:
        parser.error("--searchable needs OCR: it cannot go with --no-ocr")
    if args.searchable is not None and args.ray is not None:
        parser.error("--searchable writes with local workers only (not --ray)")
    if args.searchable is not None and args.searchable.exists() and not args.searchable.is_dir():
        return fail(f"{args.searchable}: not a folder (--searchable takes a folder for the copies)", 2)

    try:
        files = collect_inputs(args.paths)
    except ExtractError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    try:
        db = open_store(args.db)
    except StoreError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)

    workers = args.workers or cores
    settings = worker_settings(settings_from(args), cores // workers)
    display = Display(Tally(total=len(files)), quiet=args.quiet, every_s=args.progress_every)
    backend = None
    cross_year = ""
    try:
        backend = _make_backend(args, settings)
        copies = searchable_paths(files, args.searchable) if args.searchable is not None else None
        completed = run_batch(files, db, backend, display, redo=args.redo, searchable=copies)
        if completed:
            # The archive's own checks: consecutive years of one agency (see `extract check`).
            from ..cross_check import check_database, summary

            cross_year = summary(*check_database(db)).splitlines()[0]
    except (sqlite3.Error, StoreError) as exc:
        display.close()
        reason = exc.reason if isinstance(exc, StoreError) else f"cannot write the database ({exc})"
        return fail(f"{args.db}: {reason}", DATABASE_EXIT_CODE)
    except ExtractError as exc:  # a backend that cannot start (Ray missing or unreachable)
        display.close()
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    finally:
        if backend is not None:
            backend.close()
        db.close()
    display.close()
    if cross_year and not args.quiet:
        print(f"{cross_year} (extract check lists them)", file=sys.stderr)
    return 0 if completed else INTERRUPTED_EXIT_CODE
