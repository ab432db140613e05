"""`extract check results.sqlite`: the cross-report rules of `checks.cross_year` over a batch
database. The canonical copy of every report is read with its values in effect (corrections
applied), the rules run, the `cross_findings` table is replaced and a summary printed. A
command over stages (the store, the stored reports, the rules), like `compare`; `extract
batch` runs it at the end of a batch.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Iterable, Optional, Sequence

from .batch.copies import refresh_copies
from .batch.store import StoreError, database_error_reason, open_store
from .checks.cross_year import CheckResult, CrossFinding, YearReport, check_reports, indicator_map
from .compare import finding_lines
from .export.stored import iter_stored_reports
from .options import add_lang, bilingual_help, fail


# ---------------------------------------------------------------- the database


def write_cross_findings(db, findings: Iterable[CrossFinding]) -> None:
    """Replace every row of `cross_findings` (one transaction)."""
    with db:
        db.execute("DELETE FROM cross_findings")
        db.executemany(
            "INSERT INTO cross_findings (rule, severity, message, message_en, sha256_a, first_page_a,"
            " sha256_b, first_page_b, cells) VALUES (?,?,?,?,?,?,?,?,?)",
            [(f.rule, f.severity, f.message, f.message_en, f.earlier.sha256, f.earlier.first_page,
              f.later.sha256, f.later.first_page, json.dumps(list(f.cells))) for f in findings],
        )


def check_database(db) -> tuple[CheckResult, int]:
    """Run the cross-year rules over the canonical copy of every report of a batch database
    (values in effect; copies recognised again first, corrections may have changed them)
    and replace its cross_findings; the result and the number of reports checked."""
    with db:
        refresh_copies(db)
    # Only the values are kept of each report (not its record): thousands fit in memory.
    reports = [YearReport(r.sha256, r.first_page, r.agency, r.year, r.values(), indicator_map(r.indicators))
               for r in iter_stored_reports(db, with_copies=False)]
    result = check_reports(reports)
    write_cross_findings(db, result.findings)
    return result, len(reports)


def summary(result: CheckResult, reports: int, lang: str = "both") -> str:
    """The summary line, the reports not checked, and every finding (`lang`: both, Chinese
    with the English under it; zh; en)."""
    errors = sum(f.severity == "error" for f in result.findings)
    warnings = sum(f.severity == "warning" for f in result.findings)
    infos = len(result.findings) - errors - warnings
    lines = [f"check: {reports} reports, {result.agencies} agencies, {len(result.pairs)} pairs of consecutive "
             f"years: {errors} error, {warnings} warning" + (f", {infos} info" if infos else "")]
    if result.unplaced:
        lines.append(f"  not checked (agency or year unknown): {', '.join(r.ref for r in result.unplaced)}")
    for f in result.findings:
        lines += finding_lines(f.severity, f.rule, f.message, f.message_en, lang)
    return "\n".join(lines)


def copies_summary(path: Path, lang: str = "both") -> str:
    """Lines on the copies of reports (empty when there are none): each report was checked
    once, as its canonical copy; the values its copies disagree in."""
    db = open_store(path, readonly=True)
    try:
        copies = db.execute("SELECT count(*) FROM copies WHERE canonical = 0").fetchone()[0]
        groups = db.execute("SELECT count(*) FROM copies WHERE canonical = 1 AND n_copies > 1").fetchone()[0]
        rows = db.execute("SELECT rule, severity, message, message_en FROM copy_disagreements ORDER BY rowid").fetchall()
    finally:
        db.close()
    if not copies:
        return ""
    lines = [f"\ncopies: {copies} extra copies of {groups} reports, each checked once (its canonical copy); "
             f"{len(rows)} values the copies disagree in (table copy_disagreements)"]
    for rule, severity, message, message_en in rows:
        lines += finding_lines(severity or "warning", rule or "copies.disagree", message, message_en, lang)
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract check",
        **bilingual_help(
            "批处理数据库的跨报告核验：同一机关相邻年度的上年结转与结转下年度继续办理、规章和行政规范性文件的现行有效件数、"
            "2019 年前报告的历年累计数是否衔接；同一报告的多个副本只计一次，副本间不一致的数值单独列出。",
            "Cross-report checks of a batch database: for one agency in consecutive years, "
            "上年结转 (N+1) = 结转下年度继续办理 (N) per applicant column (error), and 现行有效件数 of 规章 and "
            "行政规范性文件 moving with 本年制发 and 本年废止 (warning); pre-2019 reports: 历年累计 (N+1) = 历年累计 (N) + "
            "本年度 (N+1) per vocabulary indicator (warning; info when the count restarted), 上年度 (N+1) = 本年度 (N) "
            "(warning). Each report counted once (its canonical copy); values copies disagree in listed. Uses the "
            "values in effect (corrections applied); replaces the cross_findings table.",
            exit_codes="0 done; 1 --strict and errors were found; 9 database error"),
    )
    parser.add_argument("db", type=Path, help="the batch database")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a cross-report error is found")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    add_lang(parser)
    args = parser.parse_args(argv)

    try:
        if not args.db.is_file():
            raise StoreError(str(args.db), "no such database")
        db = open_store(args.db)
        try:
            result, count = check_database(db)
        finally:
            db.close()
    except StoreError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except sqlite3.DatabaseError as exc:  # while writing: locked, read-only
        return fail(f"{args.db}: {database_error_reason(exc)}", 9)
    text = summary(result, count, args.lang)
    if not args.quiet:
        text += copies_summary(args.db, args.lang)
    print(text.splitlines()[0] if args.quiet else text)
    return 1 if args.strict and any(f.severity == "error" for f in result.findings) else 0
