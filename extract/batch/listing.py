"""`extract list DB` (agencies × years) and `extract summary DB` (counts, rules most often
broken, reports that need review), as text or JSON.

Both count each report once: the canonical copy of each group of copies (`copies` table,
extract/batch/copies.py). Rule accounting (checked, held, broken, unchecked) is the one in
effect (`reports.rules`: the record's, decided again after a review decision, so a cell a
reviewer set blank counts its rules unchecked, as errors and warnings count in effect); absent
(records extracted before it existed), the number of unchecked rules is unknown (null in JSON,
`?` in text), never 0.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..options import bilingual_help
from .store import NOT_A_COPY, StoreError, open_store


def _unchecked(rules_json: Optional[str]) -> Optional[int]:
    """The number of unchecked rules from a record's `rules` (None: not recorded)."""
    if rules_json is None:
        return None
    try:
        rules = json.loads(rules_json)
    except (TypeError, ValueError):
        return None
    value = rules.get("unchecked") if isinstance(rules, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, (list, tuple, dict)):
        return len(value)
    return None


def report_rows(db: sqlite3.Connection, *, agency: Optional[str] = None, year: Optional[int] = None,
                with_copies: bool = False) -> list[dict[str, Any]]:
    """One dict per report that counts (its canonical copy; every copy when `with_copies`),
    ordered by agency and year, filtered by an agency name fragment and a year."""
    from ..checks.cross_year import normalise_agency

    where = "" if with_copies else " WHERE" + NOT_A_COPY
    rows = db.execute(
        "SELECT r.sha256, r.first_page, r.agency, r.year, r.template, r.kind, r.errors, r.warnings,"
        " r.reviewed_by, r.reviewed_at, d.path, COALESCE(r.rules, json_extract(r.record, '$.rules')) AS rules,"
        " COALESCE(k.n_copies, 1) AS n_copies, COALESCE(k.canonical, 1) AS canonical, k.match,"
        " k.canonical_sha256, k.canonical_first_page,"
        " (SELECT count(*) FROM copy_disagreements x WHERE x.sha256_a = r.sha256 AND x.first_page_a = r.first_page)"
        "   AS disagreements"
        " FROM reports r JOIN documents d USING (sha256)"
        " LEFT JOIN copies k ON k.sha256 = r.sha256 AND k.first_page = r.first_page" + where +
        " ORDER BY r.agency IS NULL, r.agency, r.year, d.path, r.first_page").fetchall()
    copies: dict[tuple[str, int], list[str]] = {}
    for c in db.execute("SELECT k.canonical_sha256, k.canonical_first_page, d.path FROM copies k"
                        " JOIN documents d USING (sha256) WHERE k.canonical = 0 ORDER BY d.path"):
        copies.setdefault((c[0], c[1]), []).append(c[2])
    wanted = normalise_agency(agency) if agency else None
    out = []
    for r in rows:
        if year is not None and r["year"] != year:
            continue
        if agency and not (r["agency"] and (agency in r["agency"] or wanted in normalise_agency(r["agency"]))):
            continue
        ref = r["sha256"][:12] + (f":{r['first_page']}" if r["first_page"] != 1 else "")
        item = {
            "agency": r["agency"], "year": r["year"], "template": r["template"], "kind": r["kind"],
            "copies": r["n_copies"], "errors": r["errors"], "warnings": r["warnings"],
            "unchecked": _unchecked(r["rules"]), "reviewed": r["reviewed_at"] is not None,
            "reviewed_by": r["reviewed_by"], "disagreements": r["disagreements"],
            "ref": ref, "sha256": r["sha256"], "first_page": r["first_page"], "path": r["path"],
            "copy_paths": copies.get((r["sha256"], r["first_page"]), []),
        }
        if with_copies:
            item["canonical"] = bool(r["canonical"])
            item["match"] = r["match"] or "canonical"
        out.append(item)
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in header]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip() for row in cells)


def _read(path: Path, read: Callable[[sqlite3.Connection], Any]) -> Any:
    """`read(db)` over the database opened read-only, or the exit code of a one-line error
    (StoreError's own code; 9 for a database SQLite cannot read)."""
    from ..options import fail

    try:
        db = open_store(path, readonly=True)
        try:
            return read(db)
        finally:
            db.close()
    except StoreError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except sqlite3.DatabaseError as exc:
        from .store import database_error_reason

        return fail(f"{path}: {database_error_reason(exc)}", 9)


def list_main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract list",
        **bilingual_help(
            "按机关和年度列出批处理数据库中的报告，每份报告一行（多个副本只列计数的一份）：模板、副本数、错误、警告、"
            "未核对的规则（记录未说明时为 ?）、是否已审核、报告编号（sha256 前缀[:首页]）与路径。",
            "List the reports of a batch database, one line per agency and year (the canonical copy of "
            "each report): template, copies stored, errors, warnings, unchecked rules ('?' when the record does not "
            "say), reviewed, and the report's reference (sha256 prefix[:first page]) and path.",
            exit_codes="0 listed; 9 database error"),
    )
    parser.add_argument("db", type=Path, help="the batch database")
    parser.add_argument("--agency", metavar="FRAGMENT", help="only agencies whose name contains FRAGMENT")
    parser.add_argument("--year", type=int, metavar="N", help="only reports of year N")
    parser.add_argument("--with-copies", action="store_true", help="one line per stored copy, canonical or not")
    parser.add_argument("--json", action="store_true", help="print a JSON array of objects instead of the table")
    args = parser.parse_args(argv)
    rows = _read(args.db, lambda db: report_rows(db, agency=args.agency, year=args.year, with_copies=args.with_copies))
    if isinstance(rows, int):
        return rows
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    header = ["agency", "year", "template", "copies", "errors", "warnings", "unchecked", "reviewed", "ref", "path"]
    if args.with_copies:
        header.insert(4, "match")
    body = []
    for r in rows:
        line = [r["agency"] or "?", r["year"] or "?", r["template"] or "?", r["copies"], r["errors"], r["warnings"],
                "?" if r["unchecked"] is None else r["unchecked"], r["reviewed_by"] or ("yes" if r["reviewed"] else ""),
                r["ref"], r["path"]]
        if args.with_copies:
            line.insert(4, r["match"])
        body.append(line)
    print(_table(header, body))
    copies = sum(r["copies"] - 1 for r in rows) if not args.with_copies else sum(not r["canonical"] for r in rows)
    print(f"{len(rows)} {'reports' if not args.with_copies else 'stored reports'}"
          + (f" ({copies} further copies not listed: --with-copies)" if copies and not args.with_copies else ""))
    return 0


# ---------------------------------------------------------------- summary

OUTCOMES = ("clean", "unchecked", "warnings_only", "errors", "failed")


def outcome(errors: int, warnings: int, unchecked: Optional[int]) -> str:
    """A report's outcome: errors, warnings only, unchecked (no finding but rules left
    unchecked: never clean), or clean."""
    if errors:
        return "errors"
    if warnings:
        return "warnings_only"
    if unchecked:
        return "unchecked"
    return "clean"


def summarise(db: sqlite3.Connection, *, review_limit: int = 20, top_rules: int = 10) -> dict[str, Any]:
    """The summary `extract summary --json` prints."""
    rows = report_rows(db)
    documents = dict(db.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())
    failed = documents.get("failed", 0)
    outcomes = Counter(outcome(r["errors"], r["warnings"], r["unchecked"]) for r in rows)
    outcomes["failed"] = failed
    rule_rows = db.execute(
        "SELECT f.rule, f.severity, count(*) AS findings, count(DISTINCT f.sha256 || ':' || f.first_page) AS reports"
        " FROM findings f JOIN reports r ON r.sha256 = f.sha256 AND r.first_page = f.first_page"
        " WHERE f.severity IN ('error', 'warning') AND" + NOT_A_COPY +
        " GROUP BY f.rule, f.severity ORDER BY reports DESC, findings DESC, f.rule LIMIT ?", (top_rules,)).fetchall()
    causes = Counter()
    try:
        for cause, n in db.execute(
                "SELECT json_extract(f.value, '$.cause'), count(*) FROM reports r, json_each(r.record, '$.findings') f"
                " WHERE json_extract(f.value, '$.severity') IN ('error', 'warning') AND" + NOT_A_COPY +
                " GROUP BY 1"):
            if cause is not None:
                causes[str(cause)] += n
    except sqlite3.OperationalError:  # an SQLite without JSON functions
        pass
    need = [r for r in rows if not r["reviewed"] and (r["errors"] or r["warnings"] or r["unchecked"]
                                                      or r["disagreements"])]
    need.sort(key=lambda r: (-r["errors"], -r["warnings"], -(r["unchecked"] or 0), -r["disagreements"],
                             r["agency"] or "", r["year"] or 0, r["path"]))
    copies = sum(r["copies"] - 1 for r in rows)
    return {
        "documents": {"total": sum(documents.values()), "ok": documents.get("ok", 0), "failed": failed},
        "reports": len(rows),
        "copies": copies,
        "disagreements": db.execute("SELECT count(*) FROM copy_disagreements").fetchone()[0],
        "outcomes": {k: outcomes.get(k, 0) for k in OUTCOMES},
        "unchecked_known": sum(r["unchecked"] is not None for r in rows),
        "templates": dict(sorted(Counter(r["template"] or "?" for r in rows).items())),
        "kinds": dict(sorted(Counter(r["kind"] or "?" for r in rows).items())),
        "causes": dict(sorted(causes.items())),
        "rules_broken": [{"rule": r["rule"], "severity": r["severity"], "reports": r["reports"],
                          "findings": r["findings"]} for r in rule_rows],
        "needs_review": len(need),
        "review": [{k: r[k] for k in ("ref", "agency", "year", "errors", "warnings", "unchecked", "disagreements",
                                      "copies", "path")} for r in need[:review_limit]],
    }


def summary_text(s: dict[str, Any]) -> str:
    o = s["outcomes"]
    lines = [
        f"documents: {s['documents']['total']} ({s['documents']['ok']} ok, {s['documents']['failed']} failed)",
        f"reports: {s['reports']} (each counted once" + (f"; {s['copies']} further copies stored, "
                                                        f"{s['disagreements']} values they disagree in"
                                                        if s["copies"] else "") + ")",
        f"outcome: {o['clean']} clean, {o['unchecked']} unchecked (no finding, rules left unchecked), "
        f"{o['warnings_only']} warnings only, {o['errors']} with errors, {o['failed']} failed"
        + ("" if s["unchecked_known"] == s["reports"] else
           f" (unchecked rules known for {s['unchecked_known']} of {s['reports']} reports)"),
        "template: " + ", ".join(f"{k} {v}" for k, v in s["templates"].items()),
        "kind: " + ", ".join(f"{k} {v}" for k, v in s["kinds"].items()),
    ]
    if s["causes"]:
        lines.append("cause of broken rules: " + ", ".join(f"{k} {v}" for k, v in s["causes"].items()))
    if s["rules_broken"]:
        lines.append("rules most often broken (reports, findings):")
        lines += [f"  {r['rule']} [{r['severity']}]: {r['reports']}, {r['findings']}" for r in s["rules_broken"]]
    lines.append(f"need review: {s['needs_review']}" + (" (not reviewed, with errors, warnings, unchecked rules or "
                                                        "copies that disagree; worst first)" if s["needs_review"] else ""))
    if s["review"]:
        lines.append(_table(
            ["  ref", "agency", "year", "errors", "warnings", "unchecked", "path"],
            [["  " + r["ref"], r["agency"] or "?", r["year"] or "?", r["errors"], r["warnings"],
              "?" if r["unchecked"] is None else r["unchecked"], r["path"]] for r in s["review"]]))
        if s["needs_review"] > len(s["review"]):
            lines.append(f"  … and {s['needs_review'] - len(s['review'])} more (--limit)")
    return "\n".join(lines)


def summary_main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract summary",
        **bilingual_help(
            "汇总批处理数据库：文件数、报告数（每份报告只计一次）、结果（无误、有未核对规则、仅有警告、有错误、失败）、"
            "模板、类型、不成立规则的原因、最常不成立的规则，以及需要审核的报告。",
            "Summarise a batch database: documents, reports (each counted once), outcomes (clean, "
            "unchecked, warnings only, errors, failed), templates, kinds, causes of broken rules (when recorded), "
            "the rules most often broken and the reports that need review.",
            exit_codes="0 done; 9 database error"),
    )
    parser.add_argument("db", type=Path, help="the batch database")
    parser.add_argument("--limit", type=int, default=20, help="reports listed as needing review (default 20)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    s = _read(args.db, lambda db: summarise(db, review_limit=args.limit))
    if isinstance(s, int):
        return s
    if args.json:
        json.dump(s, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(summary_text(s))
    return 0
