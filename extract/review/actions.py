"""The review app's writes beyond one decision: a bulk accept of one rule's cells over a
filtered set of reports, the undo of a reviewer's last decision, and a report's sign-off
taken back. Each is one transaction that leaves the audit trail (`corrections`), the values
in effect, the report's findings (re-validated, `checks.revalidate.revalidate_stored`) and
the queue's counts (`queue.refresh`) consistent.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Optional

from ..batch import store
from ..checks.revalidate import LIVE_DECISION, revalidate_stored
from . import queue
from .data import UnknownReport, cell_value


@dataclass(frozen=True)
class BulkResult:
    rule: str
    cells: int
    reports: int


def bulk_preview(db: sqlite3.Connection, queue_filter: queue.QueueFilter, rule: str) -> BulkResult:
    targets = queue.bulk_targets(db, queue_filter, rule)
    return BulkResult(rule, len(targets), len({(sha, first) for sha, first, _ in targets}))


def bulk_accept(db: sqlite3.Connection, queue_filter: queue.QueueFilter, rule: str, *, reviewer: str,
                note: Optional[str] = None) -> BulkResult:
    """Accept, as read, every cell a finding of `rule` names in the filtered reports that no
    person has decided on: one audit row per cell as a single accept writes it (old = new =
    the value in effect, reviewer, UTC time, note), then each report validated again and
    recounted. One transaction: all or nothing."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        targets = queue.bulk_targets(db, queue_filter, rule)
        values = {}
        for sha, first, key in targets:
            row = db.execute("SELECT value_num, value_text FROM cells WHERE sha256 = ? AND first_page = ? AND key = ?",
                             (sha, first, key)).fetchone()
            values[(sha, first, key)] = cell_value(row[0], row[1]) if row else None
        db.executemany(
            "INSERT INTO corrections (sha256, first_page, key, old_value, new_value, reviewer, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sha, first, key, json.dumps(value, ensure_ascii=False), json.dumps(value, ensure_ascii=False),
              reviewer, note or f"accepted as read (bulk: {rule})")
             for (sha, first, key), value in values.items()])
        reports = sorted({(sha, first) for sha, first, _ in targets})
        for sha, first in reports:
            revalidate_stored(db, sha, first)
            queue.refresh(db, sha, first)
    return BulkResult(rule, len(targets), len(reports))


@dataclass(frozen=True)
class Undone:
    """An undo: the decision taken back (its audit id), the report and cell, the value the
    cell had before and has again."""

    undone_id: int
    undo_id: int
    sha256: str
    first_page: int
    key: str
    value_before_undo: object
    value_now: object


def undo_last(db: sqlite3.Connection, reviewer: str, *, after_id: int = 0) -> Optional[Undone]:
    """Take back `reviewer`'s last decision still in effect made after audit row `after_id`
    (the start of the review session): an audit row records the undo (`undoes` = the
    decision's id, old = the value before the undo, new = the value restored), the cell gets
    its value before the decision back (`corrected` only where it differs from the value
    read), and the report is validated again. None when there is nothing to undo."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        last = db.execute(
            "SELECT id, sha256, first_page, key, old_value, new_value FROM corrections"
            " WHERE reviewer = ? AND id > ? AND " + LIVE_DECISION + " ORDER BY id DESC LIMIT 1",
            (reviewer, after_id)).fetchone()
        if last is None:
            return None
        undone_id, sha, first, key = last[0], last[1], last[2], last[3]
        if db.execute("SELECT 1 FROM reports WHERE sha256 = ? AND first_page = ?", (sha, first)).fetchone() is None:
            raise UnknownReport(f"{sha}/{first}")
        row = db.execute("SELECT value_num, value_text FROM cells WHERE sha256 = ? AND first_page = ? AND key = ?",
                         (sha, first, key)).fetchone()
        current = cell_value(row[0], row[1]) if row else None
        restored = json.loads(last[4]) if last[4] is not None else None
        cursor = db.execute(
            "INSERT INTO corrections (sha256, first_page, key, old_value, new_value, reviewer, note, undoes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (sha, first, key, json.dumps(current, ensure_ascii=False), json.dumps(restored, ensure_ascii=False),
             reviewer, f"撤销 undo of #{undone_id}", undone_id))
        if restored != current:
            store.apply_correction(db, sha, first, key, restored)
        # Back to the value read: no longer a correction.
        db.execute("UPDATE cells SET corrected = 0 WHERE sha256 = ? AND first_page = ? AND key = ?"
                   " AND value_num IS read_num AND value_text IS read_text", (sha, first, key))
        revalidate_stored(db, sha, first)
        queue.refresh(db, sha, first)
    return Undone(undone_id, cursor.lastrowid or 0, sha, first, key, current, restored)


def set_reviewed(db: sqlite3.Connection, sha: str, first_page: int, reviewer: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """Sign a report off (`reviewer`, UTC now) or take the sign-off back (None)."""
    with db:
        if reviewer is None:
            updated = db.execute("UPDATE reports SET reviewed_by = NULL, reviewed_at = NULL"
                                 " WHERE sha256 = ? AND first_page = ?", (sha, first_page)).rowcount
        else:
            updated = db.execute(
                "UPDATE reports SET reviewed_by = ?, reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                " WHERE sha256 = ? AND first_page = ?", (reviewer, sha, first_page)).rowcount
        if not updated:
            raise UnknownReport(f"{sha}/{first_page}")
        queue.refresh(db, sha, first_page)
        row = db.execute("SELECT reviewed_by, reviewed_at FROM reports WHERE sha256 = ? AND first_page = ?",
                         (sha, first_page)).fetchone()
    return row[0], row[1]


def open_errors(db: sqlite3.Connection, sha: str, first_page: int) -> int:
    row = db.execute("SELECT errors FROM reports WHERE sha256 = ? AND first_page = ?", (sha, first_page)).fetchone()
    if row is None:
        raise UnknownReport(f"{sha}/{first_page}")
    return int(row[0])
