"""The review queue at archive scale: one page of reports at a time, filtered, sorted and
searched in SQL, a report's place in the filtered queue, and the progress counts.

Filters and sort travel in the URL (`QueueFilter.from_params` / `query`), so a filtered queue
is a link a reviewer can share, and the report page keeps them for its previous/next links.

Everything the queue sorts, filters and shows is kept per report in the table
`review_queue`, the app's own summary: the report's row (agency, year, template, kind,
path, error and warning counts, who signed it off) and the counts that are not columns of
`reports` (cells read with low confidence, doubtful cells, decisions, rules left
unchecked). A `reports` row carries its record (tens of kB of JSON) in the middle, so any
scan of `reports` reads the whole archive; the queue never scans it. The table is built
again when the app starts (`rebuild`: whatever changed the file meanwhile), `refresh`
recounts one report after every write of the app (a decision, an undo, a bulk accept, a
sign-off), and `count_missing` counts the reports without a row (the batch wrote them while
the app runs: a document written again loses its rows with its reports, ON DELETE CASCADE).
Its indexes give each sort order, so a page is an index walk of 50 rows.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, fields, replace
from typing import Mapping, Optional
from urllib.parse import urlencode

from ..checks.revalidate import LIVE_DECISION
from ..settings import DEFAULT_SETTINGS

LOW_CONFIDENCE = DEFAULT_SETTINGS.min_ocr_confidence
PER_PAGE = 50

# Status filters (the `status` parameter): SQL over review_queue r.
STATUSES = {
    "errors": "r.errors > 0",
    "warnings": "r.warnings > 0",
    "unchecked": "r.unchecked > 0",
    "doubtful": "r.doubtful > 0",
    "reviewed": "r.reviewed_at IS NOT NULL",
    "unreviewed": "r.reviewed_at IS NULL",
    # A copy that differs from the report that counts, or the report that counts when one of
    # its copies differs from it (copies.match; the values are in copy_disagreements).
    "copies_differ": ("(EXISTS (SELECT 1 FROM copies k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page"
                      " AND k.canonical = 0 AND k.match != 'identical')"
                      " OR EXISTS (SELECT 1 FROM copies k WHERE k.canonical_sha256 = r.sha256"
                      " AND k.canonical_first_page = r.first_page AND k.canonical = 0 AND k.match != 'identical'))"),
}
STATUS_LABELS = {
    "errors": "有错误 with errors", "warnings": "有警告 with warnings", "unchecked": "有未核对规则 rules unchecked",
    "doubtful": "有可疑单元格 doubtful cells", "reviewed": "已审核 reviewed", "unreviewed": "未审核 not reviewed",
    "copies_differ": "副本间数值不一致 copies differ",
}
TEMPLATES = ("2021", "2019", "pre2019")
CAUSES = {"publication": "公布有误 publication", "reading": "识别有误 reading"}
# A report stored more than once (extract/batch/copies.py) counts once: the queue shows its
# canonical copy unless `copies=with`.
COPIES = {"with": "含副本 with copies"}
_NOT_A_COPY = ("NOT EXISTS (SELECT 1 FROM copies k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page"
               " AND k.canonical = 0)")
# Sort orders as keys that all ascend (a count descends as its negative; a missing agency or
# year sorts as '' or 0), so a report's neighbours are found by comparing row values:
# (keys) < (this report's keys). Every order ends in the report's key, so pages never overlap
# or skip a report, and each has an index of the same expressions (`_TABLE`).
_TIE = ("path", "first_page", "sha256")
_AGENCY, _YEAR = "COALESCE(agency, '')", "COALESCE(year, 0)"
SORT_KEYS = {
    "need": ("(reviewed_at IS NOT NULL)", "-errors", "-warnings", "-low_confidence", "-COALESCE(unchecked, 0)",
             _AGENCY, _YEAR, *_TIE),
    "agency": (_AGENCY, _YEAR, *_TIE),
    "year": ("-" + _YEAR, _AGENCY, *_TIE),
    "errors": ("-errors", "-warnings", _AGENCY, _YEAR, *_TIE),
}
SORTS = {name: ", ".join(keys) for name, keys in SORT_KEYS.items()}
SORT_LABELS = {"need": "按需要 by need", "agency": "按机关 by agency", "year": "按年度 by year",
               "errors": "按错误数 by errors"}
_FROM = "review_queue r"
_RULE = re.compile(r"[a-z0-9_.]{1,80}")
MAX_TEXT = 100


class InvalidFilter(ValueError):
    """A filter parameter out of range; zh and en say which and why."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} · {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class QueueFilter:
    """Which reports the queue shows, in which order. Empty strings and None: no filter."""

    agency: str = ""          # a part of the agency's name
    search: str = ""          # a part of the agency's name or of the file's path
    year: Optional[int] = None
    status: str = ""          # a key of STATUSES
    template: str = ""        # 2019 | 2021 | pre2019
    rule: str = ""            # a finding rule id: reports with such a finding now
    cause: str = ""           # publication | reading: reports with a broken rule of that cause
    copies: str = ""          # "": the canonical copy of each report only (counted once) | with: every copy
    sort: str = "need"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "QueueFilter":
        """The filter a query string names; InvalidFilter for any value out of range."""
        def text(name: str) -> str:
            value = (params.get(name) or "").strip()
            if len(value) > MAX_TEXT:
                raise InvalidFilter(f"{name} 过长", f"{name} is longer than {MAX_TEXT} characters")
            return value

        def choice(name: str, allowed, default: str = "") -> str:
            value = params.get(name) or default
            if value not in allowed:
                raise InvalidFilter(f"{name} 应为 {' / '.join(allowed)} 之一", f"{name} must be one of {', '.join(allowed)}")
            return value

        raw_year = (params.get("year") or "").strip()
        if raw_year and not (raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4):
            raise InvalidFilter("year 应为四位年份", "year must be a four-digit year")
        rule = (params.get("rule") or "").strip()
        if rule and not _RULE.fullmatch(rule):
            raise InvalidFilter("rule 不是规则编号", "rule is not a rule id (a-z, 0-9, _ and .)")
        return cls(agency=text("agency"), search=text("search"), year=int(raw_year) if raw_year else None,
                   status=choice("status", ("", *STATUSES)), template=choice("template", ("", *TEMPLATES)),
                   rule=rule, cause=choice("cause", ("", *CAUSES)), copies=choice("copies", ("", *COPIES)),
                   sort=choice("sort", tuple(SORTS), "need"))

    def params(self) -> dict[str, str]:
        """The parameters that differ from no filter (for links)."""
        default = QueueFilter()
        return {f.name: str(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}

    def query(self, **extra: object) -> str:
        """The query string ('' or '?…') of this filter with `extra` parameters (None: left out)."""
        values = {**self.params(), **{k: str(v) for k, v in extra.items() if v is not None}}
        return "?" + urlencode(values) if values else ""

    def with_(self, **changes: object) -> "QueueFilter":
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        """A filter that leaves reports out (copies hidden is the default: every report counted once)."""
        return any(k not in ("sort", "copies") for k in self.params())

    def where(self) -> tuple[str, dict[str, object]]:
        """SQL condition over review_queue r, with named parameters."""
        clauses: list[str] = []
        args: dict[str, object] = {}
        if self.agency:
            clauses.append("r.agency LIKE :agency ESCAPE '\\'")
            args["agency"] = f"%{_like(self.agency)}%"
        if self.search:
            clauses.append("(r.agency LIKE :search ESCAPE '\\' OR r.path LIKE :search ESCAPE '\\')")
            args["search"] = f"%{_like(self.search)}%"
        if self.year is not None:
            clauses.append("r.year = :year")
            args["year"] = self.year
        if self.status:
            clauses.append(STATUSES[self.status])
        if self.template:
            clauses.append("r.template = :template")
            args["template"] = self.template
        if self.rule:
            clauses.append("EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256"
                           " AND f.first_page = r.first_page AND f.rule = :rule)")
            args["rule"] = self.rule
        if self.cause:
            clauses.append("EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256"
                           " AND f.first_page = r.first_page AND f.cause = :cause)")
            args["cause"] = self.cause
        if not self.copies:
            clauses.append(_NOT_A_COPY)
        return (" AND ".join(clauses) or "1"), args


def _like(text: str) -> str:
    """A LIKE pattern matching `text` literally (ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ------------------------------------------------------------------------------ the summary

_TABLE = f"""
CREATE TABLE IF NOT EXISTS review_queue (
    sha256 TEXT NOT NULL,
    first_page INTEGER NOT NULL,
    last_page INTEGER, agency TEXT, year INTEGER, template TEXT, kind TEXT,
    path TEXT NOT NULL,              -- documents.path
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL,   -- reports' (the values in effect)
    reviewed_by TEXT, reviewed_at TEXT,
    low_confidence INTEGER NOT NULL, -- OCR cells below the confidence bar no person decided on
    doubtful INTEGER NOT NULL,       -- cells flagged or low-confidence no person decided on
    decisions INTEGER NOT NULL,      -- decisions in effect (corrections neither undo nor undone)
    unchecked INTEGER,               -- rules left unchecked (null: never recorded)
    PRIMARY KEY (sha256, first_page),
    FOREIGN KEY (sha256, first_page) REFERENCES reports(sha256, first_page) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS review_queue_by_need ON review_queue({SORTS["need"]});
CREATE INDEX IF NOT EXISTS review_queue_by_agency ON review_queue({SORTS["agency"]});
CREATE INDEX IF NOT EXISTS review_queue_by_year ON review_queue({SORTS["year"]});
CREATE INDEX IF NOT EXISTS review_queue_by_errors ON review_queue({SORTS["errors"]});
CREATE INDEX IF NOT EXISTS review_queue_by_reviewer ON review_queue(reviewed_at IS NULL);
"""
_DECIDED = ("c.key IN (SELECT k.key FROM corrections k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page"
            " AND k." + LIVE_DECISION + ")")
_LOW = "c.source = 'ocr' AND c.confidence < :low"


def _count_sql(db: sqlite3.Connection) -> str:
    """INSERT OR REPLACE of the summary rows of the reports a WHERE clause appended selects."""
    # Rules left unchecked: the accounting in effect (reports.rules, where the store keeps one),
    # else the record's as read.
    unchecked = "CASE WHEN json_type(r.record, '$.rules.unchecked') = 'integer' THEN json_extract(r.record, '$.rules.unchecked') END"
    if "rules" in {row[1] for row in db.execute("PRAGMA table_info(reports)")}:
        unchecked = (f"CASE WHEN json_valid(r.rules) AND json_type(r.rules, '$.unchecked') = 'integer'"
                     f" THEN json_extract(r.rules, '$.unchecked') ELSE {unchecked} END")
    return f"""
INSERT OR REPLACE INTO review_queue (sha256, first_page, last_page, agency, year, template, kind, path, errors,
    warnings, reviewed_by, reviewed_at, low_confidence, doubtful, decisions, unchecked)
SELECT r.sha256, r.first_page, r.last_page, r.agency, r.year, r.template, r.kind, d.path, r.errors, r.warnings,
  r.reviewed_by, r.reviewed_at,
  (SELECT COUNT(*) FROM cells c WHERE c.sha256 = r.sha256 AND c.first_page = r.first_page
     AND {_LOW} AND NOT {_DECIDED}),
  (SELECT COUNT(*) FROM cells c WHERE c.sha256 = r.sha256 AND c.first_page = r.first_page
     AND (c.flagged = 1 OR ({_LOW})) AND NOT {_DECIDED}),
  (SELECT COUNT(*) FROM corrections k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page
     AND k.{LIVE_DECISION}),
  {unchecked}
FROM reports r JOIN documents d ON d.sha256 = r.sha256
"""


def _exists(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review_queue'").fetchone() is not None


def refresh(db: sqlite3.Connection, sha: str, first_page: int) -> None:
    """Recount one report's row (inside the caller's transaction; nothing to do before the
    summary exists: it is made whole when first read)."""
    if not _exists(db):
        return
    db.execute(_count_sql(db) + " WHERE r.sha256 = :sha AND r.first_page = :first",
               {"low": LOW_CONFIDENCE, "sha": sha, "first": first_page})


def count_missing(db: sqlite3.Connection) -> int:
    """Count every report that has no row yet; how many. Every summary row has its report
    (ON DELETE CASCADE), so equal counts mean none is missing: two index counts. Makes the
    table when the database has none yet."""
    if not _exists(db):
        db.executescript(_TABLE)
    reports = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    if reports == db.execute("SELECT COUNT(*) FROM review_queue").fetchone()[0]:
        return 0
    with db:
        return db.execute(_count_sql(db) + " WHERE (r.sha256, r.first_page) IN (SELECT sha256, first_page FROM reports"
                          " EXCEPT SELECT sha256, first_page FROM review_queue)", {"low": LOW_CONFIDENCE}).rowcount


def rebuild(db: sqlite3.Connection) -> int:
    """Make the summary again from the database (when the app starts); how many reports."""
    with db:
        db.execute("DROP TABLE IF EXISTS review_queue")
    db.executescript(_TABLE)
    return count_missing(db)


# ------------------------------------------------------------------------------ reads


@dataclass(frozen=True)
class QueueItem:
    sha256: str
    first_page: int
    last_page: Optional[int]
    path: str
    agency: Optional[str]
    year: Optional[int]
    template: Optional[str]
    kind: Optional[str]
    errors: int
    warnings: int
    low_confidence: int
    corrections: int
    reviewed_by: Optional[str]
    reviewed_at: Optional[str]
    # Rules left unchecked (a blank or unreadable cell), from the record's rule accounting as
    # read; None for a record made before it existed (unknown, never 0).
    unchecked: Optional[int] = None
    doubtful: int = 0
    # Its group of copies (extract/batch/copies.py): how many copies the report has (1: none;
    # None: never grouped) and, for a copy that does not count, the canonical one and its path.
    n_copies: Optional[int] = None
    copy_of_sha256: Optional[str] = None
    copy_of_first_page: Optional[int] = None
    copy_of_path: Optional[str] = None


_COPY = "FROM copies k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page"
_ITEM_COLUMNS = ("sha256, first_page, last_page, path, agency, year, template, kind, errors, warnings,"
                 " low_confidence, decisions AS corrections, reviewed_by, reviewed_at, unchecked, doubtful,"
                 f" (SELECT k.n_copies {_COPY}) AS n_copies,"
                 f" (SELECT k.canonical_sha256 {_COPY} AND k.canonical = 0) AS copy_of_sha256,"
                 f" (SELECT k.canonical_first_page {_COPY} AND k.canonical = 0) AS copy_of_first_page,"
                 " (SELECT d.path FROM copies k JOIN documents d ON d.sha256 = k.canonical_sha256"
                 "  WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page AND k.canonical = 0) AS copy_of_path")


@dataclass(frozen=True)
class Progress:
    shown: int             # reports in the filter
    shown_reviewed: int
    total: int             # reports in the database (canonical copies only, unless copies are shown)
    total_reviewed: int


@dataclass(frozen=True)
class QueuePage:
    items: tuple[QueueItem, ...]
    number: int            # 1-based
    pages: int
    per_page: int
    progress: Progress

    @property
    def first_index(self) -> int:
        """The queue position (1-based) of the page's first item."""
        return (self.number - 1) * self.per_page + 1


def progress(db: sqlite3.Connection, queue_filter: QueueFilter) -> Progress:
    where, args = queue_filter.where()
    shown, shown_reviewed = db.execute(f"SELECT COUNT(*), COUNT(r.reviewed_at) FROM {_FROM} WHERE {where}",
                                       args).fetchone()
    # Overall counts count a report once too, unless copies are shown.
    every, every_args = QueueFilter(copies=queue_filter.copies).where()
    total, total_reviewed = db.execute(f"SELECT COUNT(*), COUNT(r.reviewed_at) FROM {_FROM} WHERE {every}",
                                       every_args).fetchone()
    return Progress(shown, shown_reviewed, total, total_reviewed)


def page(db: sqlite3.Connection, queue_filter: QueueFilter, number: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the filtered queue (a page past the end gives the last page)."""
    count_missing(db)
    counts = progress(db, queue_filter)
    pages = max(1, -(-counts.shown // per_page))
    number = min(max(1, number), pages)
    where, args = queue_filter.where()
    rows = db.execute(f"SELECT {_ITEM_COLUMNS} FROM {_FROM} WHERE {where} ORDER BY {SORTS[queue_filter.sort]}"
                      " LIMIT :limit OFFSET :offset", {**args, "limit": per_page, "offset": (number - 1) * per_page})
    return QueuePage(tuple(_items(rows)), number, pages, per_page, counts)


def every_item(db: sqlite3.Connection, queue_filter: QueueFilter = QueueFilter()) -> list[QueueItem]:
    """The whole filtered queue, in order (for small databases and tests)."""
    count_missing(db)
    where, args = queue_filter.where()
    return _items(db.execute(f"SELECT {_ITEM_COLUMNS} FROM {_FROM} WHERE {where} ORDER BY {SORTS[queue_filter.sort]}",
                             args))


def _items(cursor: sqlite3.Cursor) -> list[QueueItem]:
    """Queue items from a cursor over _ITEM_COLUMNS (whatever the connection's row factory)."""
    names = [d[0] for d in cursor.description]
    return [QueueItem(**dict(zip(names, row))) for row in cursor]


@dataclass(frozen=True)
class Place:
    """A report's place in the filtered queue: its position (None when the filter leaves it
    out: the neighbours are then those it would have), the count, the reports before and
    after it, and the next report not yet reviewed (after it, else from the start)."""

    position: Optional[int]
    count: int
    previous: Optional[tuple[str, int]]
    next: Optional[tuple[str, int]]
    next_open: Optional[tuple[str, int]]


def place(db: sqlite3.Connection, queue_filter: QueueFilter, sha: str, first_page: int) -> Place:
    """Where the report stands in the filtered queue: its sort keys compared, as row values,
    with the others' (a count of the reports before it, and the nearest one each side along
    the sort's index), never the whole queue numbered."""
    count_missing(db)
    keys = SORT_KEYS[queue_filter.sort]
    here = db.execute(f"SELECT {', '.join(keys)} FROM review_queue WHERE sha256 = ? AND first_page = ?",
                      (sha, first_page)).fetchone()
    count = progress(db, queue_filter).shown
    if here is None:
        return Place(None, count, None, None, None)
    where, args = queue_filter.where()
    args = {**args, **{f"here{i}": value for i, value in enumerate(here)}, "sha": sha, "first": first_page}
    row = "(" + ", ".join(keys) + ")"
    mark = "(" + ", ".join(f":here{i}" for i in range(len(keys))) + ")"
    descending = ", ".join(f"{k} DESC" for k in keys)

    def one(condition: str, order: str) -> Optional[tuple[str, int]]:
        found = db.execute(f"SELECT sha256, first_page FROM {_FROM} WHERE ({where}) AND {condition}"
                           f" ORDER BY {order} LIMIT 1", args).fetchone()
        return (found[0], found[1]) if found else None

    inside = db.execute(f"SELECT 1 FROM {_FROM} WHERE ({where}) AND r.sha256 = :sha AND r.first_page = :first",
                        args).fetchone() is not None
    position = None
    if inside:
        position = 1 + db.execute(f"SELECT COUNT(*) FROM {_FROM} WHERE ({where}) AND {row} < {mark}", args).fetchone()[0]
    next_open = (one(f"{row} > {mark} AND r.reviewed_at IS NULL", SORTS[queue_filter.sort])
                 or one(f"{row} < {mark} AND r.reviewed_at IS NULL", SORTS[queue_filter.sort]))
    return Place(position, count, one(f"{row} < {mark}", descending), one(f"{row} > {mark}", SORTS[queue_filter.sort]),
                 next_open)


def rules_present(db: sqlite3.Connection) -> list[str]:
    """Every finding rule in the database, in order (for the bulk-accept menu; a preview
    says how many cells of the filtered reports one would decide). A walk of the
    findings_by_rule index, one step per rule, not per finding."""
    return [row[0] for row in db.execute("""
        WITH RECURSIVE r(rule) AS (
            SELECT MIN(rule) FROM findings
            UNION ALL SELECT (SELECT MIN(rule) FROM findings WHERE rule > r.rule) FROM r WHERE r.rule IS NOT NULL)
        SELECT rule FROM r WHERE rule IS NOT NULL""")]


def bulk_targets(db: sqlite3.Connection, queue_filter: QueueFilter, rule: str) -> list[tuple[str, int, str]]:
    """The cells a bulk accept of `rule` over the filtered reports would decide: every cell a
    finding of that rule names, that no person has decided on yet; (sha256, first_page, key)."""
    where, args = queue_filter.where()
    return [(row[0], row[1], row[2]) for row in db.execute(f"""
        SELECT DISTINCT r.sha256, r.first_page, j.value
        FROM {_FROM} JOIN findings f ON f.sha256 = r.sha256 AND f.first_page = r.first_page AND f.rule = :bulk_rule,
             json_each(f.cells) j
        WHERE {where} AND j.type = 'text' AND j.value NOT IN (
            SELECT k.key FROM corrections k WHERE k.sha256 = r.sha256 AND k.first_page = r.first_page
            AND k.{LIVE_DECISION})
        ORDER BY r.sha256, r.first_page, j.value""", {**args, "bulk_rule": rule})]
