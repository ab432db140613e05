"""Batch databases for the export, check and compare tests, written through the store
contract (extract/batch/store.py) from records `extract_file` makes of samples."""

from __future__ import annotations

import copy
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

from conftest import SAMPLES

from extract.batch.store import (
    DocumentResult,
    apply_correction,
    open_store,
    write_document,
)
from extract.pipeline import extract_file


@lru_cache(maxsize=None)
def _record_json(name: str) -> str:
    return json.dumps(extract_file(SAMPLES / f"{name}.pdf").model_dump(mode="json"), ensure_ascii=False)


def sample_record(name: str) -> dict[str, Any]:
    """The record `extract samples/<name>.pdf --json` prints (a fresh copy each call)."""
    return json.loads(_record_json(name))


def derived_record(name: str, *, agency: Optional[str] = None, year: Optional[int] = None,
                   values: Optional[dict[str, Any]] = None, tag: str = "") -> dict[str, Any]:
    """A sample's record with another agency, year or values (tables and cells), standing
    for another report of the same layout: the database stores JSON, so this is what the
    batch would have stored for such a report. `tag` gives it its own sha256."""
    record = copy.deepcopy(sample_record(name))
    if agency is not None:
        record["report"]["agency"] = agency
    if year is not None:
        record["report"]["year"] = year
    for key, value in (values or {}).items():
        table, row, column = key.split(".")
        record["tables"][table][row][column] = value
        if key in record["cells"]:
            record["cells"][key]["value"] = value
            record["cells"][key]["text"] = str(value)
    if tag:
        record["source"]["sha256"] = hashlib.sha256((record["source"]["sha256"] + tag).encode()).hexdigest()
        record["source"]["file"] = f"{name}-{tag}.pdf"
    return record


def write_records(db_path: Path, records: Iterable[dict[str, Any]]) -> Path:
    db = open_store(db_path)
    try:
        for record in records:
            src = record["source"]
            write_document(db, DocumentResult(
                sha256=src["sha256"], path=f"samples/{src['file']}", status="ok", extractor_version="test",
                pages=src["pages"], reports=((1, src["pages"], record),)))
    finally:
        db.close()
    return db_path


def correct(db_path: Path, sha: str, key: str, old: Any, new: Any, reviewer: str = "tester") -> None:
    """A reviewer's correction as the review app records it: the audit row and the value in effect."""
    db = open_store(db_path)
    try:
        with db:
            db.execute("INSERT INTO corrections (sha256, first_page, key, old_value, new_value, reviewer)"
                       " VALUES (?,?,?,?,?,?)", (sha, 1, key, json.dumps(old), json.dumps(new), reviewer))
            apply_correction(db, sha, 1, key, new)
    finally:
        db.close()
