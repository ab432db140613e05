"""The batch store: one SQLite file that analysts query directly (schema in the README).

A *document* is one input file (by sha256); it holds zero reports (it failed, or held no
report table), one, or several (a bound volume). A *report* is keyed by (sha256,
first_page): the same file always yields the same keys, so reruns, corrections and
cross-year findings can refer to a report across runs.

Every document's rows are written in one transaction (`write_document`): a run killed at
any moment leaves each document either absent or complete, never partial or twice.
Corrections (`corrections`) are kept apart from what was printed and read: `cells` carries
the value in effect (`value_num`/`value_text`), the value as read (`read_num`/`read_text`)
and a `corrected` flag, and the `corrections` table is the audit trail.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from ..checks.revalidate import LIVE_DECISION
from ..errors import ExtractError
from ..records import CellValue
from ..template import finding_table

SCHEMA_VERSION = 6
# Schema 5 -> 6 (review at archive scale): corrections.undoes (an undo is an audit row naming the
# decision it takes back) and the indexes the review queue's filters and undo use. (The review
# app keeps its own summary table, review_queue: extract/review/queue.py.)
# Schema 4 -> 5 (findings by table and cause): the findings columns table_name, cause and
# suspect_cell, filled from each report's record, or decided again for a reviewed report.
# Schema 3 -> 4 (copies of one report): the tables copies and copy_disagreements and the view
# canonical_reports, filled from the stored reports (`copies.refresh_copies`).
# Schema 2 -> 3 (pre-2019 reports, sections, prose figures): the tables indicators, sections and
# prose_figures and the view indicator_values, filled from each stored record (`_migrate`).

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,              -- as given to the batch (the last path seen for this content)
    status TEXT NOT NULL,            -- ok | failed
    reason TEXT,                     -- one-line reason when failed
    exit_code INTEGER,               -- the exit code `extract FILE` would give (README)
    extractor_version TEXT NOT NULL, -- a rerun skips documents done by the same version
    pages INTEGER,
    reports INTEGER NOT NULL DEFAULT 0,
    seconds REAL,
    processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS reports (
    sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    first_page INTEGER NOT NULL,     -- 1-based; 1 for a file holding one report
    last_page INTEGER,
    agency TEXT, year INTEGER, template TEXT,
    kind TEXT,                       -- digital | scanned | mixed (| html | docx)
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
    record TEXT NOT NULL,            -- the JSON record exactly as `extract FILE --json` prints it
    reviewed_by TEXT, reviewed_at TEXT,
    rules TEXT,                      -- the rule accounting in effect (JSON, records.RuleAccounting): the
                                     -- record's as read, decided again after each review decision
                                     -- (checks.revalidate); null: the record has none (not recorded)
    PRIMARY KEY (sha256, first_page)
);
CREATE TABLE IF NOT EXISTS cells (
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    key TEXT NOT NULL,               -- table.row.column (the data dictionary's keys)
    table_name TEXT NOT NULL, row_key TEXT NOT NULL, column_key TEXT NOT NULL,
    value_num REAL,                  -- the value in effect (corrected when corrected = 1)
    value_text TEXT,                 -- ... or as printed text for unit-bearing amounts
    read_num REAL, read_text TEXT,   -- the value as extracted, before any correction
    corrected INTEGER NOT NULL DEFAULT 0,
    printed TEXT, page INTEGER,
    bbox TEXT,                       -- JSON [x0, top, x1, bottom], PDF points, top-left origin
    confidence REAL, source TEXT,
    flagged INTEGER NOT NULL DEFAULT 0,  -- named by an error/warning finding, or repaired
    PRIMARY KEY (sha256, first_page, key),
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS findings (
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    rule TEXT NOT NULL, severity TEXT NOT NULL,
    message TEXT, message_en TEXT,
    cells TEXT,                      -- JSON list of cell keys
    locations TEXT,                  -- JSON list of {cell, page, bbox}
    table_name TEXT,                 -- proactive | applications | review_litigation | indicators
                                     -- (pre-2019 statistics tables) | null: the whole report
    cause TEXT,                      -- broken arithmetic rules: publication | reading
    suspect_cell TEXT,               -- with cause: the cell most likely at fault, when one is
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS findings_by_report ON findings(sha256, first_page);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL, first_page INTEGER NOT NULL, key TEXT NOT NULL,
    old_value TEXT, new_value TEXT,  -- JSON values
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    note TEXT,
    undoes INTEGER                   -- an undo: the id of the decision it takes back (null: a decision)
);
CREATE INDEX IF NOT EXISTS corrections_by_report ON corrections(sha256, first_page);
CREATE INDEX IF NOT EXISTS corrections_by_reviewer ON corrections(reviewer, id);
CREATE INDEX IF NOT EXISTS findings_by_rule ON findings(rule, sha256, first_page);
CREATE TABLE IF NOT EXISTS cross_findings (
    rule TEXT NOT NULL, severity TEXT NOT NULL,
    message TEXT, message_en TEXT,
    sha256_a TEXT NOT NULL, first_page_a INTEGER NOT NULL,   -- the earlier year
    sha256_b TEXT NOT NULL, first_page_b INTEGER NOT NULL,   -- the later year
    cells TEXT,                      -- JSON list of cell keys involved
    checked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS indicators (
    -- pre-2019 reports: one row per printed value of a statistics table (records.Indicator);
    -- its value in effect, read value, provenance and flags are the `cells` row of the same key
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    cell TEXT NOT NULL,              -- indicators.<row id>.<column id> = cells.key
    key TEXT,                        -- the vocabulary key (null: a label outside the vocabulary)
    label TEXT NOT NULL,             -- as printed (numbering and 其中 kept)
    path TEXT NOT NULL,              -- JSON list of the labels it nests under, outermost first
    unit TEXT,
    column_label TEXT NOT NULL,      -- the value column's header as printed (Indicator.column)
    column_key TEXT,                 -- this_year | cumulative | previous_year | null
    table_no INTEGER NOT NULL,       -- which statistics table (Indicator.table), 1-based
    row_no INTEGER NOT NULL,         -- the indicator's row in it (Indicator.row), 1-based
    PRIMARY KEY (sha256, first_page, cell),
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS indicators_by_key ON indicators(key, column_key);
CREATE TABLE IF NOT EXISTS sections (
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    seq INTEGER NOT NULL,            -- 1-based, in the report's order
    number TEXT,                     -- 一, 二 … as printed; null for the text before the first
    heading TEXT NOT NULL, text TEXT NOT NULL,
    page_from INTEGER, page_to INTEGER,  -- Section.first_page/last_page; null for web pages, Word
    PRIMARY KEY (sha256, first_page, seq),
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS prose_figures (
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    seq INTEGER NOT NULL,            -- 1-based, in the record's order
    value REAL NOT NULL, unit TEXT,
    text TEXT NOT NULL,              -- the number and unit as printed
    sentence TEXT NOT NULL,
    page INTEGER, bbox TEXT,         -- bbox: JSON [x0, top, x1, bottom]; null for web pages, Word
    section TEXT,                    -- the number of the section it is stated in
    about TEXT,
    cells TEXT NOT NULL,             -- JSON list of the cell keys whose sum it states
    source TEXT, confidence REAL,
    PRIMARY KEY (sha256, first_page, seq),
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE VIEW IF NOT EXISTS indicator_values AS
    SELECT i.*, c.value_num, c.value_text, c.read_num, c.read_text, c.corrected, c.flagged,
           c.printed, c.page, c.confidence, c.source
    FROM indicators i JOIN cells c ON c.sha256 = i.sha256 AND c.first_page = i.first_page AND c.key = i.cell;
CREATE TABLE IF NOT EXISTS copies (
    -- every report: the group of copies of one report it belongs to (extract/batch/copies.py)
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    canonical_sha256 TEXT NOT NULL,  -- the group's canonical report (itself when canonical = 1)
    canonical_first_page INTEGER NOT NULL,
    n_copies INTEGER NOT NULL,       -- reports in the group (1: no other copy)
    canonical INTEGER NOT NULL,      -- 1: the copy that counts
    match TEXT NOT NULL,             -- canonical | identical | equal_where_confident | disagrees
    PRIMARY KEY (sha256, first_page),
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS copies_by_canonical ON copies(canonical_sha256, canonical_first_page);
CREATE INDEX IF NOT EXISTS reports_by_year_agency ON reports(year, agency);
CREATE TABLE IF NOT EXISTS copy_disagreements (
    -- one row per value two copies of one report differ in (rule copies.disagree)
    rule TEXT NOT NULL, severity TEXT NOT NULL,
    sha256_a TEXT NOT NULL, first_page_a INTEGER NOT NULL,   -- the canonical copy
    sha256_b TEXT NOT NULL, first_page_b INTEGER NOT NULL,   -- the other copy
    key TEXT NOT NULL,               -- the cell key
    value_a TEXT, value_b TEXT,      -- JSON values in effect (null: not read)
    source_a TEXT, source_b TEXT, confidence_a REAL, confidence_b REAL,
    confident INTEGER NOT NULL,      -- 1: both sides read with confidence
    message TEXT, message_en TEXT,   -- name both files
    FOREIGN KEY (sha256_a, first_page_a) REFERENCES reports(sha256, first_page) ON DELETE CASCADE,
    FOREIGN KEY (sha256_b, first_page_b) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE VIEW IF NOT EXISTS canonical_reports AS
    -- one row per report that counts: the canonical copy of each group (a report not yet
    -- grouped counts as its own), with the size of its group
    SELECT r.*, COALESCE(k.n_copies, 1) AS n_copies
    FROM reports r LEFT JOIN copies k ON k.sha256 = r.sha256 AND k.first_page = r.first_page
    WHERE k.canonical IS NULL OR k.canonical = 1;
"""


class StoreError(ExtractError):
    """The database cannot be opened or written (locked, read-only, not ours, too old)."""

    exit_code = 9


@dataclass(frozen=True)
class DocumentResult:
    """What one input file gave: its reports (JSON records as `--json` prints them, each
    with its page range) or the reason it failed."""

    sha256: str
    path: str
    status: str  # ok | failed
    extractor_version: str
    reason: Optional[str] = None
    exit_code: int = 0
    pages: Optional[int] = None
    seconds: float = 0.0
    # (first_page, last_page, record) per report found in the file
    reports: tuple[tuple[int, int, dict[str, Any]], ...] = field(default_factory=tuple)


def extractor_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("extract")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        return "0+unknown"


def open_store(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating when absent and writable) a batch database with foreign keys on and
    WAL journaling (readers never block the batch writing). Raises StoreError with a
    one-line reason."""
    path = Path(path)
    if readonly and not path.is_file():
        raise StoreError(str(path), "no such database")
    try:
        uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
        db = sqlite3.connect(uri, uri=True, timeout=10.0)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            _migrate(db, path)
        else:
            _check_version(db, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(str(path), database_error_reason(exc)) from None
    return db


def database_error_reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text:
        return "the database is locked by another process"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only"
    if "not a database" in text or "malformed" in text:
        return "not an extract database (SQLite could not read it)"
    if "unable to open" in text:
        return "cannot open the database file (missing folder or no permission)"
    return f"database error: {text}"


def _stored_version(db: sqlite3.Connection, path: Path) -> int:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        if "reports" in tables:
            raise StoreError(str(path), "made by an older extract (schema 1): start a new database")
        raise StoreError(str(path), "not an extract database")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row is not None else -1


def _check_version(db: sqlite3.Connection, path: Path) -> None:
    version = _stored_version(db, path)
    if version in MIGRATABLE:
        raise StoreError(str(path), f"schema {version} is older than {SCHEMA_VERSION}: upgrade it in place by opening it "
                         "once for writing (`extract check FILE` or a batch does), then read it")
    if version != SCHEMA_VERSION:
        raise StoreError(str(path), f"schema {version if version >= 0 else '?'} is not {SCHEMA_VERSION}: "
                         "start a new database")


# Schema versions `_migrate` upgrades in place.
MIGRATABLE = (2, 3, 4, 5)
# Columns added to a table after its first release (findings: schema 5, corrections and
# reports: schema 6): added to an older file in place.
ADDED_COLUMNS = {"findings": ("table_name TEXT", "cause TEXT", "suspect_cell TEXT"),
                 "corrections": ("undoes INTEGER",), "reports": ("rules TEXT",)}
# Indexes on added columns: made once the columns exist.
ADDED_INDEXES = "CREATE INDEX IF NOT EXISTS corrections_undone ON corrections(undoes);"


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Create the schema in a new file; upgrade a schema-2, -3 or -4 file in place (one
    transaction): the new tables are created and filled from each report's stored record
    (schema 2), the copies recognised (schemas 2 and 3), the findings' table and cause
    recorded (schemas 2 to 4)."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "meta" not in tables:
        _check_version(db, path)  # raises: someone else's file, or schema 1
    old = _stored_version(db, path) if tables else SCHEMA_VERSION
    if old != SCHEMA_VERSION and old not in MIGRATABLE:
        _check_version(db, path)  # raises
    with db:
        db.executescript(SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        if old in MIGRATABLE:
            from .copies import refresh_copies

            if old == 2:
                for row in db.execute("SELECT sha256, first_page, record FROM reports").fetchall():
                    _insert_record_parts(db, row[0], row[1], json.loads(row[2]))
            if old <= 3:
                refresh_copies(db)
            _add_columns(db, refill_findings=old <= 4)
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
        db.executescript(ADDED_INDEXES)
    _check_version(db, path)


def _add_columns(db: sqlite3.Connection, *, refill_findings: bool) -> None:
    """The columns `ADDED_COLUMNS` names, where missing (schema 6: corrections.undoes). Schema
    4 -> 5 (`refill_findings`): the findings' table_name, cause and suspect_cell columns,
    filled from each report's record (the findings of the reading), or decided again with the
    values in effect for a report a person reviewed (as a review does)."""
    added = set()
    for table, columns in ADDED_COLUMNS.items():
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
                added.add(f"{table}.{column.split()[0]}")
    if "reports.rules" in added:  # the record's accounting; a reviewed report's decided again below
        db.execute("UPDATE reports SET rules = json_extract(record, '$.rules') WHERE json_type(record, '$.rules') = 'object'")
    if not refill_findings and "reports.rules" not in added:
        return
    reviewed = {(r[0], r[1]) for r in db.execute("SELECT DISTINCT sha256, first_page FROM corrections")}
    for sha, first, record in db.execute("SELECT sha256, first_page, record FROM reports").fetchall():
        if (sha, first) in reviewed:
            from ..checks.revalidate import revalidate_stored

            revalidate_stored(db, sha, first)
        elif refill_findings:
            db.execute("DELETE FROM findings WHERE sha256 = ? AND first_page = ?", (sha, first))
            _insert_findings(db, sha, first, json.loads(record).get("findings", []))


def done_documents(db: sqlite3.Connection, version: str) -> set[str]:
    """sha256 of documents already extracted by this extractor version (failed ones are retried)."""
    return {r[0] for r in db.execute(
        "SELECT sha256 FROM documents WHERE status = 'ok' AND extractor_version = ?", (version,))}


def _split_value(value: CellValue) -> tuple[Optional[float], Optional[str]]:
    if isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float)):
        return float(value), None
    return None, value


def write_document(db: sqlite3.Connection, result: DocumentResult) -> None:
    """Replace everything stored for this document in one transaction. Corrections are kept
    and applied again to the new reading (they name a report by sha256 and first page)."""
    from .copies import refresh_document

    with db:
        before = [(r[0], r[1]) for r in db.execute("SELECT year, agency FROM reports WHERE sha256 = ?", (result.sha256,))]
        db.execute("DELETE FROM documents WHERE sha256 = ?", (result.sha256,))
        db.execute(
            "INSERT INTO documents (sha256, path, status, reason, exit_code, extractor_version, pages,"
            " reports, seconds) VALUES (?,?,?,?,?,?,?,?,?)",
            (result.sha256, result.path, result.status, result.reason, result.exit_code,
             result.extractor_version, result.pages, len(result.reports), round(result.seconds, 3)),
        )
        for first_page, last_page, record in result.reports:
            _insert_report(db, result.sha256, first_page, last_page, record)
        _reapply_corrections(db, result.sha256)
        refresh_document(db, result.sha256, before)


def _insert_report(db: sqlite3.Connection, sha: str, first: int, last: int, record: dict[str, Any]) -> None:
    info = record.get("report", {})
    findings = record.get("findings", [])
    flagged = {k for f in findings if f["severity"] in ("error", "warning") for k in f.get("cells", ())}
    db.execute(
        "INSERT INTO reports (sha256, first_page, last_page, agency, year, template, kind, errors, warnings,"
        " record, rules) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (sha, first, last, info.get("agency"), info.get("year"), info.get("template"),
         record.get("source", {}).get("kind"),
         sum(f["severity"] == "error" for f in findings), sum(f["severity"] == "warning" for f in findings),
         json.dumps(record, ensure_ascii=False),
         json.dumps(record["rules"]) if isinstance(record.get("rules"), dict) else None),
    )
    rows = []
    for key, c in record.get("cells", {}).items():
        table, row, column = key.split(".")
        num, text = _split_value(c.get("value"))
        rows.append((sha, first, key, table, row, column, num, text, num, text, c.get("text"), c.get("page"),
                     json.dumps(c.get("bbox")), c.get("confidence"), c.get("source"),
                     int(key in flagged or c.get("repair") is not None)))
    db.executemany(
        "INSERT INTO cells (sha256, first_page, key, table_name, row_key, column_key, value_num, value_text,"
        " read_num, read_text, printed, page, bbox, confidence, source, flagged)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    _insert_record_parts(db, sha, first, record)
    _insert_findings(db, sha, first, findings)


def _insert_findings(db: sqlite3.Connection, sha: str, first: int, findings: list[dict[str, Any]]) -> None:
    """A report's findings (JSON, as the record prints them) as `findings` rows."""
    db.executemany(
        "INSERT INTO findings (sha256, first_page, rule, severity, message, message_en, cells, locations,"
        " table_name, cause, suspect_cell) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(sha, first, f["rule"], f["severity"], f["message"], f["message_en"], json.dumps(list(f.get("cells", ()))),
          json.dumps(list(f.get("locations", ())), ensure_ascii=False),
          finding_table(f["rule"], f.get("cells", ())), f.get("cause"), f.get("suspect_cell")) for f in findings],
    )


def _insert_record_parts(db: sqlite3.Connection, sha: str, first: int, record: dict[str, Any]) -> None:
    """The record's indicators (pre-2019 reports), sections and prose figures as rows."""
    db.executemany(
        "INSERT OR REPLACE INTO indicators (sha256, first_page, cell, key, label, path, unit, column_label, column_key,"
        " table_no, row_no) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(sha, first, i["cell"], i.get("key"), i["label"], json.dumps(list(i.get("path") or ()), ensure_ascii=False),
          i.get("unit"), i["column"], i.get("column_key"), i["table"], i["row"])
         for i in record.get("indicators") or ()])
    db.executemany(
        "INSERT OR REPLACE INTO sections (sha256, first_page, seq, number, heading, text, page_from, page_to)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(sha, first, n, s.get("number"), s["heading"], s["text"], s.get("first_page"), s.get("last_page"))
         for n, s in enumerate(record.get("sections") or (), start=1)])
    db.executemany(
        "INSERT OR REPLACE INTO prose_figures (sha256, first_page, seq, value, unit, text, sentence, page, bbox,"
        " section, about, cells, source, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(sha, first, n, f["value"], f.get("unit"), f["text"], f["sentence"], f.get("page"),
          json.dumps(f.get("bbox")) if f.get("bbox") is not None else None, f.get("section"), f.get("about"),
          json.dumps(list(f.get("cells") or ())), f.get("source"), f.get("confidence"))
         for n, f in enumerate(record.get("prose_figures") or (), start=1)])


def apply_correction(db: sqlite3.Connection, sha: str, first_page: int, key: str, value: CellValue) -> None:
    """Set the value in effect of one cell (inside the caller's transaction). A cell with no
    row yet (nothing was read there) gets one. A cell set back to its read value is no longer
    corrected (the exports then show no correction for it)."""
    num, text = _split_value(value)
    table, row, column = key.split(".")
    updated = db.execute(
        "UPDATE cells SET value_num = ?, value_text = ?,"
        " corrected = CASE WHEN read_num IS ? AND read_text IS ? THEN 0 ELSE 1 END"
        " WHERE sha256 = ? AND first_page = ? AND key = ?",
        (num, text, num, text, sha, first_page, key),
    ).rowcount
    if not updated and value is None:
        return  # nothing was read there, and nothing is: no correction to keep
    if not updated:
        db.execute(
            "INSERT INTO cells (sha256, first_page, key, table_name, row_key, column_key, value_num, value_text,"
            " corrected, flagged) VALUES (?,?,?,?,?,?,?,?,1,1)",
            (sha, first_page, key, table, row, column, num, text),
        )


def _reapply_corrections(db: sqlite3.Connection, sha: str) -> None:
    """A person's latest decision on each cell stands over a new reading: corrections are
    applied again (an accepted value is not a correction), and each report a person
    decided on is validated again with the values in effect, as the review app does."""
    latest = db.execute(
        "SELECT first_page, key, old_value, new_value FROM corrections WHERE id IN"
        " (SELECT MAX(id) FROM corrections WHERE sha256 = ? AND " + LIVE_DECISION + " GROUP BY first_page, key)",
        (sha,)).fetchall()
    reports = {r[0] for r in db.execute("SELECT first_page FROM reports WHERE sha256 = ?", (sha,))}
    decided = set()
    for first_page, key, old_value, new_value in latest:
        if first_page not in reports:
            continue
        decided.add(first_page)
        if json.loads(new_value) != json.loads(old_value):
            apply_correction(db, sha, first_page, key, json.loads(new_value))
    if decided:
        from ..checks.revalidate import revalidate_stored

        for first_page in sorted(decided):
            revalidate_stored(db, sha, first_page)


# Reports that are not the canonical copy of their group (`copies`): left out by default.
NOT_A_COPY = (" NOT EXISTS (SELECT 1 FROM copies k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page"
              " AND k.canonical = 0)")


def iter_reports(db: sqlite3.Connection, *, with_copies: bool = True) -> Iterator[sqlite3.Row]:
    """Every report row (with its document's path), in a stable order; `with_copies=False`:
    only the canonical copy of each report (`copies`)."""
    where = "" if with_copies else " WHERE" + NOT_A_COPY
    yield from db.execute(
        "SELECT r.*, d.path FROM reports r JOIN documents d USING (sha256)" + where +
        " ORDER BY r.agency, r.year, d.path, r.first_page")
