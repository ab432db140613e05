"""The batch's work as Ray actors (`extract batch ... --ray [ADDRESS]`).

Each actor is one long-lived worker holding one CPU: it loads the pipeline and its OCR
models once and runs `extract_document`, the same function a local worker process runs, so
the records are the same. Only the batch process (the Ray driver) writes the SQLite
store. Files are read by path (a filesystem every node sees at the same path), or, with
`--ship-bytes`, sent as bytes and written to a temporary file of the same name on the
node (the record names the file, so the name travels too).

The time limit and replacement work as locally: an actor holding a document past the
limit is killed (`ray.kill`) and a new one started; an actor that dies is replaced.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

from ..errors import ExtractError
from ..settings import Settings
from .pool import HARD_LIMIT_GRACE_S, Finished, Task, died_result, time_limit_result
from .worker import WorkResult, extract_document, limit_threads

# A local instance (no ADDRESS) gets this many CPUs, so it shares a workstation politely.
LOCAL_CPUS = 2


class RayUnavailable(ExtractError):
    """Ray is not installed, or the cluster cannot be reached."""

    exit_code = 2


class ExtractActor:
    """One OCR engine per actor: kept (cached per process) across every document it gets."""

    def __init__(self, settings: Settings):
        self._settings = settings
        limit_threads(settings.ocr_threads)

    def extract(self, path: str, data: Optional[bytes]) -> WorkResult:
        if data is None:
            return extract_document(Path(path), self._settings)
        with tempfile.TemporaryDirectory(prefix="extract-batch-") as tmp:
            copy = Path(tmp) / Path(path).name
            copy.write_bytes(data)
            return extract_document(copy, self._settings)


class RayPool:
    def __init__(self, address: str, settings: Settings, *, ship_bytes: bool = False, actors: Optional[int] = None):
        try:
            import ray
        except ImportError:
            raise RayUnavailable("--ray", "Ray is not installed (pip install 'extract[ray]')") from None
        self._ray = ray
        try:
            if address:
                ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
            else:
                ray.init(num_cpus=LOCAL_CPUS, include_dashboard=False, logging_level=logging.WARNING,
                         log_to_driver=False)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError...
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            raise RayUnavailable("--ray", f"cannot start or reach {where} ({type(exc).__name__}: {exc})") from None
        cpus = int(ray.cluster_resources().get("CPU", 1))
        # One CPU per actor, so one onnxruntime thread each.
        self._settings = replace(settings, ocr_threads=1)
        self._limit_s = settings.timeout_s
        self._ship_bytes = ship_bytes
        self._actor_class = ray.remote(num_cpus=1, max_restarts=0)(ExtractActor)
        self._idle = [self._start() for _ in range(max(1, actors or cpus))]
        self._busy: dict[Any, tuple[Any, Task, float]] = {}  # result ref -> (actor, task, started)

    def _start(self):
        return self._actor_class.remote(self._settings)

    @property
    def free(self) -> int:
        return len(self._idle)

    @property
    def in_flight(self) -> list[Task]:
        return [task for _, task, _ in self._busy.values()]

    def submit(self, task: Task) -> None:
        actor = self._idle.pop()
        data = task.path.read_bytes() if self._ship_bytes else None
        ref = actor.extract.remote(str(task.path), data)
        self._busy[ref] = (actor, task, time.monotonic())

    def wait(self, timeout: float) -> list[Finished]:
        if not self._busy:
            time.sleep(timeout)
            return []
        ready, _ = self._ray.wait(list(self._busy), num_returns=len(self._busy), timeout=timeout)
        finished = []
        now = time.monotonic()
        for ref in ready:
            actor, task, started = self._busy.pop(ref)
            try:
                result = self._ray.get(ref)
            except self._ray.exceptions.RayError as exc:  # the actor (or its node) died
                self._ray.kill(actor)
                actor = self._start()
                result = died_result(f"Ray: {type(exc).__name__}", now - started)
            self._idle.append(actor)
            finished.append(Finished(task, result))
        for ref, (actor, task, started) in list(self._busy.items()):
            if now - started > self._limit_s + HARD_LIMIT_GRACE_S:
                del self._busy[ref]
                self._ray.kill(actor)
                self._idle.append(self._start())
                finished.append(Finished(task, time_limit_result(self._limit_s, now - started)))
        return finished

    def kill_in_flight(self) -> list[Task]:
        lost = []
        for actor, task, _ in self._busy.values():
            self._ray.kill(actor)
            lost.append(task)
        self._busy.clear()
        return lost

    def close(self) -> None:
        for actor in self._idle:
            self._ray.kill(actor)
        self._idle.clear()
        self._ray.shutdown()
