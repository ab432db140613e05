"""The worker side of a batch: one input file in, its reports (or why it failed) out.

`extract_document` is the one function every backend runs (local worker processes and Ray
actors alike), so a document gives the same stored record whichever ran it. A worker
process (`worker_main`) loads its OCR engine once, on its first scanned page (the engine
is cached per process in `extract.scan.ocr.get_engine`), and keeps it for every later
document.

Test-only fault hook: the environment variable ``EXTRACT_BATCH_TEST_FAULT`` set to
``hang:<text>`` or ``crash:<text>`` makes a worker hang forever (sleep), or die at once
(SIGKILL itself), on every file whose name contains <text>. The batch tests use it to
check the time limit and the replacement of dead workers; it does nothing when unset.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from .. import pipeline
from ..errors import ExtractError, NoReportTables
from ..options import INTERNAL_ERROR
from ..settings import Settings

TEST_FAULT_VARIABLE = "EXTRACT_BATCH_TEST_FAULT"
# Signals the batch process handles for its workers (see worker_main).
WORKER_IGNORES = frozenset({signal.SIGINT, signal.SIGTERM})

# Volumes (several reports in one PDF) bring `extract_reports`; until then one file is one
# report. Looked up once, at import.
_extract_reports = getattr(pipeline, "extract_reports", None)

# (first_page, last_page, record as `extract FILE --json` prints it)
ReportRange = tuple[int, int, dict[str, Any]]


@dataclass(frozen=True)
class WorkResult:
    """What a worker sends back for one document: plain data, pickled once through the
    pipe (a record is tens of kB of JSON-ready dicts)."""

    status: str  # ok | failed
    reason: Optional[str] = None
    exit_code: int = 0
    pages: Optional[int] = None
    seconds: float = 0.0
    reports: tuple[ReportRange, ...] = field(default_factory=tuple)
    peak_rss_mb: Optional[float] = None  # the worker's high-water mark so far (Linux)
    worker_died: bool = False  # no answer: the worker died (crash, OOM, a signal) holding it
    # `--searchable DIR`: "written", "none" (no scanned page) or "failed", and the line that
    # says what (the copy's path and pages, or why not).
    searchable: Optional[str] = None
    searchable_note: Optional[str] = None


def reports_of(path: Path, settings: Settings) -> tuple[ReportRange, ...]:
    """Every report in one file with its page range (1-based, inclusive). The one place
    that knows which pipeline entry point gives them."""
    if _extract_reports is None:
        report = pipeline.extract_file(path, settings)
        return ((1, report.source.pages, report.model_dump(mode="json")),)
    ranges = []
    for item in _extract_reports(path, settings):
        if isinstance(item, tuple):
            first, last, report = item
        else:
            first, last = item.first_page, item.last_page
            report = item.record if hasattr(item, "record") else item.report
        ranges.append((first, last, report.model_dump(mode="json")))
    return tuple(ranges)


def _test_fault(path: Path) -> None:
    spec = os.environ.get(TEST_FAULT_VARIABLE)
    if not spec:
        return
    kind, _, text = spec.partition(":")
    if text and text in path.name:
        if kind == "hang":
            while True:
                time.sleep(3600)
        if kind == "crash":
            os.kill(os.getpid(), signal.SIGKILL)


def peak_rss_mb() -> Optional[float]:
    """This process's peak resident memory (VmHWM), in MB; None where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _reports_and_copy(path: Path, settings: Settings, out: Path) -> tuple[tuple[ReportRange, ...], tuple[str, str]]:
    """The reports, read with every line of every page, and the searchable copy written to
    `out` from the same reading (a failure to write it does not fail the document)."""
    reading = pipeline.read_reports(path, settings)
    reports = tuple((r.first_page, r.last_page, r.report.model_dump(mode="json")) for r in reading.reports)
    return reports, _write_copy(path, reading, out)


def _write_copy(path: Path, reading: "pipeline.FileReading", out: Path) -> tuple[str, str]:
    """Write the searchable copy of a reading's scanned pages: (outcome, the line saying what)."""
    from ..scan.searchable import has_scanned_pages, write_reading_copy

    if not has_scanned_pages(reading.pages):
        return "none", f"{path}: no scanned page, no searchable copy"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        result = write_reading_copy(path, reading, out)
    except (ExtractError, OSError) as exc:
        return "failed", f"{path}: searchable copy not written: {getattr(exc, 'reason', None) or exc}"
    conformance = f"PDF/A-{result.pdfa}" if result.pdfa else result.note
    return "written", f"{out}: {result.text_pages} of {result.pages} pages with a text layer; {conformance}"


def extract_document(path: Path, settings: Settings, searchable: Optional[Path] = None) -> WorkResult:
    """Extract one file; never raises for a bad input (the reason is in the result). With
    `searchable`, also write the searchable copy of its scanned pages there."""
    started = time.monotonic()
    copy: tuple[Optional[str], Optional[str]] = (None, None)
    try:
        _test_fault(path)
        if searchable is not None:
            try:
                reports, copy = _reports_and_copy(path, replace(settings, full_text=True), searchable)
            except NoReportTables as exc:
                # Not a report (a volume's cover, a guide): the document fails, but an archive
                # keeps a searchable copy of every scan, written from the pages as read.
                if exc.pages_read is not None:
                    copy = _write_copy(path, exc.pages_read, searchable)
                raise
        else:
            reports = reports_of(path, settings)
    except ExtractError as exc:
        failure = (exc.reason, exc.exit_code)
    except MemoryError:
        failure = ("out of memory", INTERNAL_ERROR)
    except Exception as exc:  # a bug of ours: recorded with the document, never fatal to the batch
        failure = (f"internal error: {type(exc).__name__}: {exc}", INTERNAL_ERROR)
    else:
        pages = max((r[2]["source"]["pages"] for r in reports), default=None)
        return WorkResult("ok", pages=pages, seconds=time.monotonic() - started, reports=reports,
                          peak_rss_mb=peak_rss_mb(), searchable=copy[0], searchable_note=copy[1])
    return WorkResult("failed", failure[0], failure[1], seconds=time.monotonic() - started,
                      peak_rss_mb=peak_rss_mb(), searchable=copy[0], searchable_note=copy[1])


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the batch process dies (even by SIGKILL), so
    a killed batch never leaves workers running on."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return


def limit_threads(threads: int) -> None:
    """One worker's share of the cores for the libraries that run their own thread pools
    (onnxruntime's is set through Settings.ocr_threads)."""
    try:
        import cv2

        cv2.setNumThreads(threads)
    except ImportError:
        pass


def worker_settings(settings: Settings, threads: int) -> Settings:
    return replace(settings, ocr_threads=max(1, threads))


def worker_main(conn, settings: Settings, parent_pid: int) -> None:
    """A local worker process: documents in, results out, until the pipe closes. Ctrl-C
    (and a service manager's SIGTERM) reaches the whole process group; the batch process
    decides what it means, so workers ignore both (they die with it, see _die_with_parent)."""
    for sig in WORKER_IGNORES:
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, WORKER_IGNORES)
    _die_with_parent()
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        return
    limit_threads(settings.ocr_threads)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        path, searchable = message  # (input path, searchable copy path or None)
        try:
            conn.send(extract_document(Path(path), settings, Path(searchable) if searchable else None))
        except (BrokenPipeError, OSError):
            return
