"""Copies of one report in a batch database: the same agency's report of one year, stored
more than once (a digital PDF and its scan, a web page crawled twice, a report alone and
inside a bound volume).

Reports are copies when they have the same year, the same template era (pre-2019 or the
2019/2021 templates) and the same agency, names matched tolerantly as the cross-year checks
match them (`checks.cross_year.agency_groups`). Each group of copies has one **canonical**
report, chosen by, in order:

1. the text layer over a scan: kind `digital`, `html`, `docx` before `mixed`, before `scanned`;
2. the more complete reading: more non-null cells, then fewer errors;
3. the earliest stored (`documents.processed_at`), then the sha256 (so the choice is stable).

Each copy is compared with its canonical report cell by cell (values in effect): `match`
says `identical` (every value equal), `equal_where_confident` (values differ only where
one side was not read with confidence: OCR below the confidence threshold, a cell named by
a finding or repaired, or a cell one side did not read), or `disagrees` (a value differs
where both were read with confidence: a misreading of a clean scan, or really another
version of the report). Every differing value is a row of `copy_disagreements` naming both
sources (rule `copies.disagree`).

`refresh_copies` rewrites the `copies` and `copy_disagreements` rows of the years it is
given (all when none), inside the caller's transaction: the schema upgrade and `extract
check` call it for all; `store.write_document` calls `refresh_document`, which rewrites only
the groups of the agencies and years a document's reports had and have.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from functools import lru_cache
from typing import Iterable, Optional

COPY_RULE = "copies.disagree"
# The canonical choice's first criterion: lower is preferred.
KIND_RANK = {"digital": 0, "html": 0, "docx": 0, "mixed": 1, "scanned": 2}
TEXT_SOURCES = ("text", "html", "docx")
VALUE_TOLERANCE = 1e-9


def era(template: Optional[str]) -> str:
    return "pre2019" if template == "pre2019" else "template"


def _min_confidence() -> float:
    from ..settings import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS.min_ocr_confidence


def _groups(rows: list[sqlite3.Row]) -> list[list[sqlite3.Row]]:
    """The reports of one year split into groups of copies (a report alone is a group)."""
    from ..checks.cross_year import agency_groups

    keys = agency_groups(r["agency"] for r in rows if r["agency"] and r["year"] is not None)
    groups: dict[tuple, list[sqlite3.Row]] = defaultdict(list)
    for r in rows:
        if r["agency"] and r["year"] is not None:
            groups[(r["year"], era(r["template"]), keys[r["agency"]])].append(r)
        else:
            groups[("alone", r["sha256"], r["first_page"])].append(r)
    return list(groups.values())


def _cells(db: sqlite3.Connection, sha: str, first_page: int) -> dict[str, sqlite3.Row]:
    return {r["key"]: r for r in db.execute(
        "SELECT key, value_num, value_text, source, confidence, flagged, corrected FROM cells"
        " WHERE sha256 = ? AND first_page = ?", (sha, first_page))}


def _value(cell: Optional[sqlite3.Row]):
    if cell is None:
        return None
    return cell["value_num"] if cell["value_num"] is not None else cell["value_text"]


def _equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= VALUE_TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b


def confident(cell: Optional[sqlite3.Row], threshold: float) -> bool:
    """Read with confidence: a person's correction, or a value from a text layer or markup
    (or OCR at or above the threshold) that no finding names and no repair changed."""
    if cell is None:
        return False
    if cell["corrected"]:
        return True
    if cell["flagged"]:
        return False
    if cell["source"] in TEXT_SOURCES:
        return True
    return cell["source"] == "ocr" and (cell["confidence"] or 0) >= threshold


def _filled(cells: dict[str, sqlite3.Row]) -> int:
    return sum(_value(c) is not None for c in cells.values())


def _json(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, ensure_ascii=False)


def _fmt(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def refresh_copies(db: sqlite3.Connection, years: Optional[Iterable[Optional[int]]] = None) -> None:
    """Rewrite the copies and copy_disagreements rows of the reports of `years` (None: of
    every report). Runs inside the caller's transaction."""
    select = ("SELECT r.sha256, r.first_page, r.agency, r.year, r.template, r.kind, r.errors, d.path,"
              " d.processed_at FROM reports r JOIN documents d USING (sha256)")
    if years is None:
        db.execute("DELETE FROM copy_disagreements")
        db.execute("DELETE FROM copies")
        partitions = [db.execute(select + " WHERE r.year IS ?", (y,)).fetchall()
                      for (y,) in db.execute("SELECT DISTINCT year FROM reports").fetchall()]
    else:
        partitions = []
        for year in set(years):
            where = "(SELECT sha256, first_page FROM reports WHERE year IS ?)"
            db.execute(f"DELETE FROM copy_disagreements WHERE (sha256_a, first_page_a) IN {where}"
                       f" OR (sha256_b, first_page_b) IN {where}", (year, year))
            db.execute(f"DELETE FROM copies WHERE (sha256, first_page) IN {where}", (year,))
            partitions.append(db.execute(select + " WHERE r.year IS ?", (year,)).fetchall())
    threshold = _min_confidence()
    for rows in partitions:
        for group in _groups(rows):
            _write_group(db, group, threshold)


@lru_cache(maxsize=1 << 16)
def _normalised(name: str) -> str:
    from ..checks.cross_year import normalise_agency

    return normalise_agency(name)


def _related(names: Iterable[str], affected: Iterable[str]) -> set[str]:
    """The names among `names` whose group may change when reports of the `affected` names
    come or go: every name one of them ends with or that ends with one of them (once
    normalised), and so on until no name is added (a superset of the tolerant match, so
    that `agency_groups` over it groups these names as over all the year's names)."""
    forms = {n: _normalised(n) for n in names}
    closure = {a for a in affected if a in forms}
    frontier = {forms[a] for a in closure}
    while frontier:
        ends = tuple(frontier)
        suffixes = {x[i:] for x in frontier for i in range(len(x))}
        new = {n for n, f in forms.items() if n not in closure and (f.endswith(ends) or f in suffixes)}
        closure |= new
        frontier = {forms[n] for n in new}
    return closure


def refresh_document(db: sqlite3.Connection, sha: str, before: Iterable[tuple[Optional[int], Optional[str]]]) -> None:
    """Rewrite the copies rows a document's write may change: the groups of the (year,
    agency) its reports had (`before`) and have now. Inside the caller's transaction; costs
    one scan of each year's agency names, not a regrouping of the year."""
    now = db.execute("SELECT year, agency FROM reports WHERE sha256 = ?", (sha,)).fetchall()
    affected: dict[Optional[int], set[str]] = defaultdict(set)
    for year, agency in [*before, *((r[0], r[1]) for r in now)]:
        if year is not None and agency:
            affected[year].add(agency)
    select = ("SELECT r.sha256, r.first_page, r.agency, r.year, r.template, r.kind, r.errors, d.path,"
              " d.processed_at FROM reports r JOIN documents d USING (sha256)")
    threshold = _min_confidence()
    # The document's reports that can be no copy (no year or no agency): alone.
    for r in db.execute(select + " WHERE r.sha256 = ? AND (r.year IS NULL OR r.agency IS NULL OR r.agency = '')",
                        (sha,)).fetchall():
        _write_group(db, [r], threshold)
    for year, names in affected.items():
        related = _related((r[0] for r in db.execute(
            "SELECT DISTINCT agency FROM reports WHERE year = ? AND agency IS NOT NULL", (year,))), names)
        if not related:
            continue
        chosen = json.dumps(sorted(related), ensure_ascii=False)
        where = "(SELECT sha256, first_page FROM reports WHERE year = ? AND agency IN (SELECT value FROM json_each(?)))"
        db.execute(f"DELETE FROM copy_disagreements WHERE (sha256_a, first_page_a) IN {where}"
                   f" OR (sha256_b, first_page_b) IN {where}", (year, chosen, year, chosen))
        db.execute(f"DELETE FROM copies WHERE (sha256, first_page) IN {where}", (year, chosen))
        rows = db.execute(select + " WHERE r.year = ? AND r.agency IN (SELECT value FROM json_each(?))",
                          (year, chosen)).fetchall()
        for group in _groups(rows):
            _write_group(db, group, threshold)


def _write_group(db: sqlite3.Connection, group: list[sqlite3.Row], threshold: float) -> None:
    if len(group) == 1:
        r = group[0]
        db.execute("INSERT OR REPLACE INTO copies VALUES (?,?,?,?,1,1,'canonical')",
                   (r["sha256"], r["first_page"], r["sha256"], r["first_page"]))
        return
    cells = {(r["sha256"], r["first_page"]): _cells(db, r["sha256"], r["first_page"]) for r in group}

    def rank(r: sqlite3.Row) -> tuple:
        return (KIND_RANK.get(r["kind"] or "", 1), -_filled(cells[(r["sha256"], r["first_page"])]), r["errors"],
                r["processed_at"] or "", r["sha256"], r["first_page"])

    ordered = sorted(group, key=rank)
    canon = ordered[0]
    a_id = (canon["sha256"], canon["first_page"])
    a_cells = cells[a_id]
    db.execute("INSERT OR REPLACE INTO copies VALUES (?,?,?,?,?,1,'canonical')", (*a_id, *a_id, len(group)))
    for other in ordered[1:]:
        b_id = (other["sha256"], other["first_page"])
        b_cells = cells[b_id]
        diffs = []
        for key in sorted(set(a_cells) | set(b_cells)):
            a, b = a_cells.get(key), b_cells.get(key)
            va, vb = _value(a), _value(b)
            if _equal(va, vb):
                continue
            sure = confident(a, threshold) and confident(b, threshold)
            where = f"{canon['agency']} {canon['year']}"
            diffs.append((
                COPY_RULE, "warning", *a_id, *b_id, key, _json(va), _json(vb), a["source"] if a is not None else None,
                b["source"] if b is not None else None, a["confidence"] if a is not None else None,
                b["confidence"] if b is not None else None, int(sure),
                f"{where}：同一报告的两个副本在 {key} 不一致：{canon['path']}（{canon['kind']}）为{_fmt(va)}，"
                f"{other['path']}（{other['kind']}）为{_fmt(vb)}" + ("" if sure else "（至少一方识别存疑）"),
                f"{where}: two copies of one report differ at {key}: {_fmt(va) if va is not None else 'null'} in "
                f"{canon['path']} ({canon['kind']}), {_fmt(vb) if vb is not None else 'null'} in {other['path']} "
                f"({other['kind']})" + ("" if sure else " (at least one side read with doubt)"),
            ))
        match = "identical" if not diffs else ("disagrees" if any(d[-3] for d in diffs) else "equal_where_confident")
        db.execute("INSERT OR REPLACE INTO copies VALUES (?,?,?,?,?,0,?)", (*b_id, *a_id, len(group), match))
        db.executemany(
            "INSERT INTO copy_disagreements (rule, severity, sha256_a, first_page_a, sha256_b, first_page_b, key,"
            " value_a, value_b, source_a, source_b, confidence_a, confidence_b, confident, message, message_en)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", diffs)
