"""Copies of one report as the review app shows them (issue 18): the group a report belongs
to (`copies`, written by extract/batch/copies.py), its other copies and the values two
copies disagree in (`copy_disagreements`), seen from the report on the page.

The queue counts a report once: by default it shows canonical copies only (`queue.QueueFilter.
copies`); a copy's row names its canonical report. A decision in the app changes the report
it is made on and never its copies: each copy is reviewed on its own page, and the
comparison of copies is made again by `extract check` (or when the batch writes the group).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Optional

from ..records import CellValue

# `copies.match` in words (Chinese, English).
MATCH_WORDS = {
    "canonical": ("计数副本", "the copy that counts"),
    "identical": ("数值完全相同", "every value equal"),
    "equal_where_confident": ("可信读数相同，仅存疑处不同", "equal wherever both were read with confidence"),
    "disagrees": ("可信读数不一致", "values read with confidence differ"),
}


@dataclass(frozen=True)
class Copy:
    """Another stored copy of the report on the page."""

    sha256: str
    first_page: int
    path: str
    kind: Optional[str]
    canonical: bool
    match: str            # copies.match: canonical | identical | equal_where_confident | disagrees


@dataclass(frozen=True)
class Disagreement:
    """A value the report on the page and one of its copies differ in, seen from the page:
    `value_here` is this report's value in effect when the comparison was made, `value_there`
    the other copy's (None: not read)."""

    key: str
    value_here: CellValue
    value_there: CellValue
    source_here: Optional[str]
    source_there: Optional[str]
    confidence_here: Optional[float]
    confidence_there: Optional[float]
    confident: bool       # both sides read with confidence: one of them is misread, or another version
    other: Copy
    message: str
    message_en: str


@dataclass(frozen=True)
class ReportCopies:
    """The report's group of copies: whether it is the canonical copy, its match with the
    canonical one, the others (canonical first) and the disagreements that involve it."""

    canonical: bool
    match: str
    others: tuple[Copy, ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def count(self) -> int:
        return 1 + len(self.others)

    @property
    def canonical_copy(self) -> Optional[Copy]:
        return next((c for c in self.others if c.canonical), None)


def _has_copies_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'copies'").fetchone() is not None


def _json(raw: Optional[str]) -> CellValue:
    try:
        value = json.loads(raw) if raw is not None else None
    except ValueError:
        return raw
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def load_copies(db: sqlite3.Connection, sha: str, first_page: int) -> Optional[ReportCopies]:
    """The report's copies, or None when it has none (a group of one, or never grouped)."""
    if not _has_copies_table(db):
        return None
    here = db.execute("SELECT canonical_sha256, canonical_first_page, canonical, match FROM copies"
                      " WHERE sha256 = ? AND first_page = ?", (sha, first_page)).fetchone()
    if here is None:
        return None
    others = {}
    for row in db.execute(
            "SELECT k.sha256, k.first_page, d.path, r.kind, k.canonical, k.match FROM copies k"
            " JOIN documents d ON d.sha256 = k.sha256"
            " LEFT JOIN reports r ON r.sha256 = k.sha256 AND r.first_page = k.first_page"
            " WHERE k.canonical_sha256 = ? AND k.canonical_first_page = ? AND NOT (k.sha256 = ? AND k.first_page = ?)"
            " ORDER BY k.canonical DESC, d.path, k.first_page", (here[0], here[1], sha, first_page)):
        others[(row[0], row[1])] = Copy(row[0], row[1], row[2], row[3], bool(row[4]), row[5])
    if not others:
        return None
    disagreements = []
    for row in db.execute(
            "SELECT key, sha256_a, first_page_a, sha256_b, first_page_b, value_a, value_b, source_a, source_b,"
            " confidence_a, confidence_b, confident, message, message_en FROM copy_disagreements"
            " WHERE (sha256_a = ? AND first_page_a = ?) OR (sha256_b = ? AND first_page_b = ?) ORDER BY key, rowid",
            (sha, first_page, sha, first_page)):
        here_is_a = (row[1], row[2]) == (sha, first_page)
        other = others.get((row[3], row[4]) if here_is_a else (row[1], row[2]))
        if other is None:  # a row of an older grouping: the other copy left the group
            continue
        mine, theirs = (5, 6) if here_is_a else (6, 5)
        disagreements.append(Disagreement(
            key=row[0], value_here=_json(row[mine]), value_there=_json(row[theirs]),
            source_here=row[mine + 2], source_there=row[theirs + 2],
            confidence_here=row[mine + 4], confidence_there=row[theirs + 4], confident=bool(row[11]),
            other=other, message=row[12] or "", message_en=row[13] or ""))
    return ReportCopies(bool(here[2]), here[3], tuple(others.values()), tuple(disagreements))
