"""The review app's reads and writes of the batch database (extract/batch/store.py).

Reads build plain dictionaries for the page; every write (a decision on a cell, a report
marked reviewed) is one transaction: the audit row in `corrections`, the value in effect
through `store.apply_correction`, the report's findings validated again, its counts and
flags. What was printed and read (`cells.read_num`/`read_text`, `reports.record`) is never
written here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

from .. import template as tpl
from ..batch import store
from ..batch.store import StoreError
from ..checks.revalidate import revalidate_stored
from ..records import CellValue, Finding, Indicator
from ..settings import DEFAULT_SETTINGS
from ..table_layout import PRE2019, TABLE_TITLES
from . import queue as review_queue
from . import rules
from .copies import ReportCopies, load_copies
from .queue import QueueItem

LOW_CONFIDENCE = DEFAULT_SETTINGS.min_ocr_confidence
# A request waits this long for the batch (or another writer) to let go of the database.
BUSY_TIMEOUT_S = 5.0

def check_database(path: Path, busy_timeout_s: float = 2.0) -> None:
    """Refuse, with a one-line StoreError, a database the app could not serve: missing, not
    an extract database (or another schema), read-only, or locked by a writer."""
    if not path.is_file():
        raise StoreError(str(path), "no such database")
    try:
        store.open_store(path, readonly=True).close()  # our schema, without creating anything
    except StoreError:
        if _stored_version(path) not in store.MIGRATABLE:
            raise
        store.open_store(path).close()  # an older schema of ours: upgraded in place (the app writes anyway)
    try:
        db = sqlite3.connect(path, timeout=busy_timeout_s)
    except sqlite3.DatabaseError as exc:
        raise StoreError(str(path), store.database_error_reason(exc)) from None
    try:
        db.execute("BEGIN IMMEDIATE")  # takes the write lock: fails when another process writes
        # A file SQLite could only open read-only still grants the lock: a write tells.
        db.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
        db.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        raise StoreError(str(path), store.database_error_reason(exc)) from None
    finally:
        db.close()


def _stored_version(path: Path) -> Optional[int]:
    """The schema version an extract database says it has (None: not one, or unreadable)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            db.close()
        return int(row[0]) if row and str(row[0]).isdigit() else None
    except sqlite3.DatabaseError:
        return None


def connect(path: Path) -> sqlite3.Connection:
    """A connection for one request (SQLite connections stay in the thread that made them)."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    return db


# ------------------------------------------------------------------------------ values


def cell_value(num: Optional[float], text: Optional[str]) -> CellValue:
    """A cell's value from its REAL/TEXT columns: counts come back as integers."""
    if text is not None:
        return text
    if num is None:
        return None
    return int(num) if float(num).is_integer() else float(num)


def cell_label(key: str) -> str:
    """Where a cell is printed, in the report's words: 表 · 行 · 列."""
    table, row, column = key.split(".")
    if table == "applications":
        row_spec = next((r for r in tpl.APPLICATION_RECORD_ROWS if r.key == row), None)
        col_spec = next((c for c in tpl.APPLICATION_COLUMNS if c.key == column), None)
        row_label = (f"{row_spec.group} {row_spec.label}" if row_spec and row_spec.group else
                     row_spec.label if row_spec else row)
        col_label = (f"{col_spec.group} {col_spec.label}" if col_spec and col_spec.group else
                     col_spec.label if col_spec else column)
    elif table == "review_litigation":
        row_spec = next((r for r in tpl.REVIEW_ROWS if r.key == row), None)
        col_spec = next((c for c in tpl.REVIEW_COLUMNS if c.key == column), None)
        row_label = (f"{row_spec.group} {row_spec.label}".strip() if row_spec else row)
        col_label = col_spec.label if col_spec else column
    else:
        specs = [rows.get(row) for rows in tpl.PROACTIVE_ROWS.values()]
        row_label = next((s[0] for s in specs if s), row)
        col_label = next((cols[column] for cols in tpl.PROACTIVE_COLUMNS.values() if column in cols), column)
    return f"{TABLE_TITLES.get(table, table)[:2].rstrip('、')} · {row_label} · {col_label}"


def _finding(row: sqlite3.Row) -> Finding:
    return Finding(rule=row["rule"], severity=row["severity"], message=row["message"] or "",
                   message_en=row["message_en"] or "", cells=tuple(json.loads(row["cells"] or "[]")))


# ------------------------------------------------------------------------------ queue


def queue(db: sqlite3.Connection) -> list[QueueItem]:
    """Every report, by need: errors first, then warnings, then low-confidence cells, then
    rules left unchecked (never taken for clean); those marked reviewed last
    (`queue.every_item`: the queue's order and counts, in SQL)."""
    return review_queue.every_item(db)


def next_in_queue(db: sqlite3.Connection, sha: str, first_page: int) -> Optional[QueueItem]:
    """The report to review after this one: the next one in the queue not yet reviewed."""
    following = review_queue.place(db, review_queue.QueueFilter(), sha, first_page).next_open
    if following is None:
        return None
    return next((i for i in review_queue.every_item(db) if (i.sha256, i.first_page) == following), None)


# ------------------------------------------------------------------------------ one report


@dataclass(frozen=True)
class ReportData:
    """One report as stored: its row, its record, its cells (value in effect and as read),
    its current findings and its audit trail; a pre-2019 report's indicators too (the
    values in its `cells`, `load_indicators`)."""

    row: dict[str, Any]
    record: dict[str, Any]
    cells: dict[str, dict[str, Any]]
    findings: list[Finding]
    corrections: list[dict[str, Any]]
    indicators: tuple[Indicator, ...] = ()
    # Its other stored copies and the values they disagree in (None: no copy).
    copies: Optional[ReportCopies] = None

    @property
    def version(self) -> tpl.TemplateVersion:
        return self.row["template"] or self.record.get("tables", {}).get("template") or "2021"

    @property
    def pre2019(self) -> bool:
        return self.version == PRE2019  # type: ignore[comparison-overlap]

    @property
    def layout(self) -> Optional[tpl.OtherLayout]:
        """The printed layout of （六）其他处理 (None for a pre-2019 report: no template)."""
        if self.pre2019:
            return None
        return tpl.printed_other_layout(self.version, {f.get("rule") for f in self.record.get("findings", [])})

    def cell_keys(self) -> tuple[str, ...]:
        """Every cell a person may decide on, in printed order: the template's, or a pre-2019
        report's indicator cells."""
        if self.pre2019:
            return tuple(i.cell for i in sorted(self.indicators, key=lambda i: (i.table, i.row)))
        return tuple(tpl.all_cell_keys(self.version))

    def values(self) -> dict[str, CellValue]:
        """Every cell of the template (or indicator cell), with the value in effect (None
        where nothing was printed)."""
        values: dict[str, CellValue] = {k: None for k in self.cell_keys()}
        values.update({k: c["value"] for k, c in self.cells.items()})
        return values

    def cell_label(self, key: str) -> str:
        """Where a cell is printed, in the report's words: 表 · 行 · 列 (a statistics table's
        indicator with the labels it nests under)."""
        if not key.startswith("indicators."):
            return cell_label(key)
        ind = next((i for i in self.indicators if i.cell == key), None)
        if ind is None:
            return key
        tables = len({i.table for i in self.indicators})
        table = f"统计表{ind.table}" if tables > 1 else "统计表"
        row = " › ".join((*ind.path, ind.label))
        return f"{table} · {row} · {ind.column}"

    def rules_for(self, key: str) -> list[rules.RuleStatus]:
        """Every rule involving the cell, with the values in effect."""
        if self.pre2019:
            return rules.indicator_rules_for(key, self.indicators, self.values())
        return rules.rules_for(key, self.values(), self.version, self.layout)

    @cached_property
    def _suggestions(self) -> rules.Suggestions:
        if self.pre2019:
            return rules.indicator_suggestions(self.indicators, self.values())
        return rules.template_suggestions(self.values(), self.version, self.layout)

    def suggestion(self, key: str) -> rules.Suggestion:
        """What the rules say the cell should be, and how sure (`rules.Suggestion`): a value
        only when they determine it for this cell alone, else the candidate cells (the
        report's rules searched once, `rules.Suggestions`)."""
        return self._suggestions(key)

    def expected(self, key: str, statuses: Optional[list[rules.RuleStatus]] = None) -> Optional[float]:
        """The value the rules determine for the cell alone, given the others, or None (not
        determined, or several cells could equally explain a broken rule)."""
        suggestion = self.suggestion(key)
        return suggestion.value if suggestion.certainty == "determined" else None

    def reviewed_cells(self) -> set[str]:
        """Cells with a decision in effect (an undo and the decision it took back do not count)."""
        return {c["key"] for c in self.corrections if c.get("live", True)}

    @property
    def rule_accounting(self) -> Optional[dict[str, Any]]:
        """The rule accounting with the values in effect (`reports.rules`, decided again
        after each decision), else the record's as read; None when never recorded."""
        stored = self.row.get("rules")
        if isinstance(stored, str):
            try:
                value = json.loads(stored)
            except ValueError:
                value = None
            if isinstance(value, dict):
                return value
        recorded = self.record.get("rules")
        return recorded if isinstance(recorded, dict) else None


def load_report(db: sqlite3.Connection, sha: str, first_page: int) -> Optional[ReportData]:
    row = db.execute(
        "SELECT r.*, d.path FROM reports r JOIN documents d USING (sha256) WHERE r.sha256 = ? AND r.first_page = ?",
        (sha, first_page)).fetchone()
    if row is None:
        return None
    cells = {}
    for c in db.execute("SELECT * FROM cells WHERE sha256 = ? AND first_page = ?", (sha, first_page)):
        cells[c["key"]] = {
            "value": cell_value(c["value_num"], c["value_text"]),
            "read": cell_value(c["read_num"], c["read_text"]),
            "corrected": bool(c["corrected"]),
            "printed": c["printed"], "page": c["page"],
            "bbox": json.loads(c["bbox"]) if c["bbox"] else None,
            "confidence": c["confidence"], "source": c["source"], "flagged": bool(c["flagged"]),
        }
    findings = [_finding(f) for f in db.execute(
        "SELECT * FROM findings WHERE sha256 = ? AND first_page = ? ORDER BY rowid", (sha, first_page))]
    corrections = [dict(c) for c in db.execute(
        "SELECT id, key, old_value, new_value, reviewer, at, note, undoes,"
        " (undoes IS NULL AND id NOT IN (SELECT undoes FROM corrections WHERE undoes IS NOT NULL)) AS live"
        " FROM corrections WHERE sha256 = ? AND first_page = ? ORDER BY id", (sha, first_page))]
    data = dict(row)
    record = json.loads(data.pop("record"))
    indicators = load_indicators(db, sha, first_page, record, cells) if data.get("template") == PRE2019 else ()
    return ReportData(data, record, cells, findings, corrections, indicators, load_copies(db, sha, first_page))


def load_indicators(db: sqlite3.Connection, sha: str, first_page: int, record: dict[str, Any],
                    cells: dict[str, dict[str, Any]]) -> tuple[Indicator, ...]:
    """A pre-2019 report's indicators (`records.Indicator`, value as read): the store's
    `indicators` table (schema 3), or the record's `indicators` when the table is missing or
    holds none of the report's rows. The one place the review app reads them."""
    rows: list[sqlite3.Row] = []
    try:
        rows = db.execute(
            "SELECT cell, key, label, path, unit, column_label, column_key, table_no, row_no FROM indicators"
            " WHERE sha256 = ? AND first_page = ? ORDER BY table_no, row_no, rowid", (sha, first_page)).fetchall()
    except sqlite3.OperationalError:  # an older database without the table
        rows = []
    if not rows:
        return tuple(Indicator.model_validate(i) for i in record.get("indicators") or ())
    return tuple(
        Indicator(cell=r["cell"], key=r["key"], label=r["label"], path=tuple(json.loads(r["path"] or "[]")),
                  unit=r["unit"], column=r["column_label"], column_key=r["column_key"],
                  value=cells.get(r["cell"], {}).get("read"), table=r["table_no"], row=r["row_no"])
        for r in rows)


def doubtful_keys(data: ReportData) -> list[str]:
    """The cells a person should look at, most telling first: cells named by more broken
    rules first, and among them the cell the rules single out (the only one whose value
    alone explains them) before cells that only could; then cells of warnings,
    low-confidence and repaired cells a person has not decided on yet; in template order
    within each."""
    order = {k: i for i, k in enumerate(data.cell_keys())}
    decided = data.reviewed_cells()
    errors: dict[str, int] = {}
    warned: set[str] = set()
    for f in data.findings:
        for key in f.cells:
            if f.severity == "error":
                errors[key] = errors.get(key, 0) + 1
            elif f.severity == "warning":
                warned.add(key)
    record_cells = data.record.get("cells", {})
    # A reading a person confirmed or corrected is no longer in doubt (a rule it breaks still is).
    low = {k for k, c in data.cells.items()
           if c["source"] == "ocr" and (c["confidence"] or 0) < LOW_CONFIDENCE and k not in decided}
    repaired = {k for k, c in record_cells.items() if c.get("repair") and k not in decided}
    keys = set(errors) | warned | low | repaired
    singled_out = {k for k in errors if data.suggestion(k).certainty == "determined"}
    return sorted(keys, key=lambda k: (-errors.get(k, 0), k not in singled_out, k not in warned, k not in low,
                                       order.get(k, len(order)), k))


# ------------------------------------------------------------------------------ writes


@dataclass(frozen=True)
class Decision:
    """What became of one decision: the cell's value before and after, and every rule that
    involves the cell as it now stands."""

    key: str
    old_value: CellValue
    new_value: CellValue
    changed: bool
    statuses: list[rules.RuleStatus]
    errors: int
    warnings: int
    label: str = ""


class UnknownReport(LookupError):
    pass


def decide_cell(db: sqlite3.Connection, sha: str, first_page: int, key: str, new_value: CellValue,
                *, accept: bool, reviewer: str, note: Optional[str] = None) -> Decision:
    """Record a person's decision on a cell, in one transaction: accept the value in effect
    (`accept`), or correct it to `new_value`. The report is validated again with the values
    in effect and its findings, counts and flags are replaced."""
    _version(db, sha, first_page)  # UnknownReport before anything is written
    with db:
        db.execute("BEGIN IMMEDIATE")  # read and write under one lock: no decision is lost
        data = load_report(db, sha, first_page)
        if data is None:
            raise UnknownReport(f"{sha}/{first_page}")
        if key not in data.cell_keys():
            raise KeyError(key)
        old = data.cells.get(key, {}).get("value")
        value = old if accept else new_value
        changed = not accept and value != old
        db.execute(
            "INSERT INTO corrections (sha256, first_page, key, old_value, new_value, reviewer, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (sha, first_page, key, json.dumps(old, ensure_ascii=False), json.dumps(value, ensure_ascii=False),
             reviewer, note or ("accepted as read" if accept else None)))
        if changed:
            store.apply_correction(db, sha, first_page, key, value)
        data = load_report(db, sha, first_page)
        assert data is not None
        errors, warnings = revalidate(db, data)
        review_queue.refresh(db, sha, first_page)
    return Decision(key, old, value, changed, data.rules_for(key), errors, warnings, data.cell_label(key))


def _version(db: sqlite3.Connection, sha: str, first_page: int) -> tpl.TemplateVersion:
    row = db.execute("SELECT template FROM reports WHERE sha256 = ? AND first_page = ?", (sha, first_page)).fetchone()
    if row is None:
        raise UnknownReport(f"{sha}/{first_page}")
    return row[0] or "2021"


def revalidate(db: sqlite3.Connection, data: ReportData) -> tuple[int, int]:
    """Replace the report's `findings` rows (and its counts and cell flags) with those of the
    values in effect (`checks.revalidate.revalidate_stored`). The record JSON keeps the
    findings of the reading."""
    result = revalidate_stored(db, data.row["sha256"], data.row["first_page"])
    if result is None:
        raise UnknownReport(f"{data.row['sha256']}/{data.row['first_page']}")
    return result
