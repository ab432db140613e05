"""A persistent pool of local worker processes, each holding one document at a time.

Workers live for the whole batch, so each loads the pipeline and its OCR models once. The
batch process keeps one pipe per worker and knows which document each one holds, so a
worker that outlives the time limit is killed and replaced and only its own document is
recorded as failed; one that dies (a crash inside pdfium or onnxruntime, the OOM killer)
is replaced the same way.

Workers are started with `spawn`: a fresh interpreter, not a fork of a process that is
running a progress thread and holds the SQLite connection.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Optional

from ..options import INTERNAL_ERROR
from ..settings import Settings
from .worker import WORKER_IGNORES, WorkResult, worker_main

# A worker gets this long past the pipeline's own time limit (which it checks between
# pages) before it is killed: the same grace `extract FILE`'s watchdog gives.
HARD_LIMIT_GRACE_S = 5.0
TIME_LIMIT_EXIT_CODE = 7


@dataclass(frozen=True)
class Task:
    sha256: str
    path: Path
    searchable: Optional[Path] = None  # where to write its searchable copy (`--searchable DIR`)


@dataclass(frozen=True)
class Finished:
    task: Task
    result: WorkResult


def time_limit_result(limit_s: float, seconds: float) -> WorkResult:
    return WorkResult("failed", f"gave up after {limit_s:g} s (time limit, see --timeout); the worker was stopped",
                      TIME_LIMIT_EXIT_CODE, seconds=seconds)


def died_result(how: str, seconds: float) -> WorkResult:
    return WorkResult("failed", f"the worker process died ({how}) while extracting this file", INTERNAL_ERROR,
                      seconds=seconds, worker_died=True)


def how_it_died(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


class _Slot:
    def __init__(self, process: mp.Process, conn: Connection):
        self.process = process
        self.conn = conn
        self.task: Optional[Task] = None
        self.started = 0.0


class LocalPool:
    """`workers` worker processes; `submit` hands a task to a free one, `wait` returns the
    documents that finished (or failed, hung, crashed) meanwhile."""

    def __init__(self, workers: int, settings: Settings):
        self._context = mp.get_context("spawn")
        self._settings = settings
        self._limit_s = settings.timeout_s
        self._slots = [self._start() for _ in range(max(1, workers))]

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main, args=(child, self._settings, os.getpid()), name="extract-batch-worker", daemon=True
        )
        # Ctrl-C goes to the whole process group, and a new worker spends a second
        # importing the pipeline before it can ignore it: it starts with SIGINT and SIGTERM
        # ignored (an ignored disposition survives exec). Here they are blocked meanwhile,
        # and Linux keeps a blocked signal pending even while ignored: one arriving during
        # the start reaches our own handler once it is back.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, WORKER_IGNORES)
        handlers = {sig: signal.signal(sig, signal.SIG_IGN) for sig in WORKER_IGNORES}
        try:
            process.start()
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        return _Slot(process, parent)

    def _replace(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        fresh = self._start()
        slot.process, slot.conn, slot.task = fresh.process, fresh.conn, None

    @property
    def free(self) -> int:
        return sum(slot.task is None for slot in self._slots)

    @property
    def in_flight(self) -> list[Task]:
        return [slot.task for slot in self._slots if slot.task is not None]

    def submit(self, task: Task) -> None:
        slot = next(s for s in self._slots if s.task is None)
        if not slot.process.is_alive():  # died while idle (the OOM killer picks the biggest)
            self._replace(slot)
        slot.task, slot.started = task, time.monotonic()
        try:
            slot.conn.send((str(task.path), str(task.searchable) if task.searchable is not None else None))
        except (BrokenPipeError, OSError):
            pass  # it died just now: `wait` sees the dead process and records the document

    def wait(self, timeout: float) -> list[Finished]:
        busy = [slot for slot in self._slots if slot.task is not None]
        if not busy:
            time.sleep(timeout)
            return []
        now = time.monotonic()
        hard_limit = self._limit_s + HARD_LIMIT_GRACE_S
        first_deadline = min(slot.started + hard_limit for slot in busy)
        ready = set(wait([s.conn for s in busy] + [s.process.sentinel for s in busy],
                         max(0.0, min(timeout, first_deadline - now))))
        finished = []
        now = time.monotonic()
        for slot in busy:
            task, seconds = slot.task, now - slot.started
            if slot.conn in ready or slot.process.sentinel in ready:
                try:
                    result = slot.conn.recv() if slot.conn.poll() else None
                except (EOFError, OSError):
                    result = None
                if result is None:  # no answer: the process is gone
                    slot.process.join(5)
                    result = died_result(how_it_died(slot.process.exitcode), seconds)
                    self._replace(slot)
                slot.task = None
                finished.append(Finished(task, result))
            elif seconds > hard_limit:
                self._replace(slot)
                finished.append(Finished(task, time_limit_result(self._limit_s, seconds)))
        return finished

    def kill_in_flight(self) -> list[Task]:
        """Kill the workers that hold a document (a second Ctrl-C); their documents are
        not recorded, so the next run does them."""
        lost = []
        for slot in self._slots:
            if slot.task is not None:
                lost.append(slot.task)
                slot.process.kill()
                slot.process.join(5)
                slot.task = None
        return lost

    def close(self) -> None:
        for slot in self._slots:
            if slot.task is None and slot.process.is_alive():
                try:
                    slot.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
        deadline = time.monotonic() + 5.0
        for slot in self._slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(5)
            slot.conn.close()
