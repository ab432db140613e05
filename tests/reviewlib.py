"""Helpers of the review app's tests: batch databases built from samples, the injected
errors samples/README.md lists, and the app run as `extract review` in a subprocess."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from extract.batch.store import (
    DocumentResult,
    extractor_version,
    open_store,
    write_document,
)
from extract.pipeline import extract_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def injected_errors(sample: str) -> dict[str, int]:
    """The cells samples/README.md says were changed in `sample` (without a `scan-` prefix),
    with the delta added: printed = consistent value + delta."""
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    section = text.split("### Error-injected samples", 1)[1]
    for line in section.splitlines():
        if line.startswith(f"| `{sample}` |"):
            return {key: int(delta) for key, delta in re.findall(r"`([a-z_]+\.[a-z_]+\.[a-z_]+)` ([+-]\d+)", line)}
    raise LookupError(f"{sample} is not listed as error-injected in samples/README.md")


def record_of(path: Path, edit: Optional[Callable[[dict], None]] = None) -> dict[str, Any]:
    record = extract_file(path).model_dump(mode="json")
    if edit:
        edit(record)
    return record


def write_record(db_path: Path, path: Path, record: dict[str, Any], sha: Optional[str] = None) -> str:
    """Store one document holding one report, as `extract batch` does."""
    sha = sha or record["source"]["sha256"]
    db = open_store(db_path)
    try:
        write_document(db, DocumentResult(
            sha256=sha, path=str(path), status="ok", extractor_version=extractor_version(),
            pages=record["source"]["pages"], reports=((1, record["source"]["pages"], record),)))
    finally:
        db.close()
    return sha


@dataclass
class Server:
    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_review(db_path: Path, *extra: str, reviewer: str = "test-reviewer") -> Server:
    """`extract review DB --port 0` in a subprocess; its URL from the line it prints once the
    port is bound (a server that fails exits, and the read returns nothing)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "extract.cli", "review", str(db_path), "--port", "0", "--reviewer", reviewer, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise RuntimeError(f"extract review did not start: {process.stderr.read()}")
    match = re.search(r"(http://\S+/)", line)
    assert match, line
    return Server(process, match.group(1))


def run_review(args: Sequence[str], timeout: float = 30.0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract.cli", "review", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def corrections(db_path: Path) -> list[dict[str, Any]]:
    db = open_store(db_path, readonly=True)
    try:
        return [dict(r) for r in db.execute("SELECT * FROM corrections ORDER BY id")]
    finally:
        db.close()
