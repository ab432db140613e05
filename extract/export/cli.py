"""`extract export results.sqlite --format csv|csv-wide|jsonl|xlsx|parquet [--out PATH] [--original]`.

Exit codes: 0 written; 2 usage (also: the format's optional library is missing, or the output
cannot be written); 9 the database cannot be opened (README, exit codes).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from ..batch.store import open_store
from ..errors import ExtractError
from ..options import bilingual_help, fail
from .stored import StoredReport, iter_stored_reports, load_cross_findings

FORMATS = ("csv", "csv-wide", "jsonl", "xlsx", "parquet")
SUFFIXES = {"csv": ".csv", "csv-wide": ".wide.csv", "jsonl": ".jsonl", "xlsx": ".xlsx", "parquet": ".parquet"}
TEXT_FORMATS = ("csv", "csv-wide", "jsonl")


def default_out(db: Path, fmt: str) -> Path:
    """Beside the database: results.sqlite -> results.csv, results.wide.csv, results.jsonl …"""
    return db.with_name(db.stem + SUFFIXES[fmt])


def dictionary_path(out: Path) -> Path:
    """x.csv -> x.dictionary.csv (x.wide.csv -> x.wide.dictionary.csv)."""
    return companion_path(out, "dictionary")


def companion_path(out: Path, name: str) -> Path:
    """A file written beside the main one: x.csv -> x.findings.csv, x.parquet ->
    x.sections.parquet (no suffix: x -> x.findings.csv)."""
    return out.with_name(out.name[: -len(out.suffix)] + f".{name}" + out.suffix) if out.suffix else \
        out.with_name(out.name + f".{name}.csv")


def cross_counts(db: Path) -> dict[tuple[str, int], tuple[int, int]]:
    """(sha256, first_page) -> (errors, warnings) of the cross-report findings naming it."""
    counts: dict[tuple[str, int], list[int]] = {}
    for f in load_cross_findings(db):
        for side in {f.earlier, f.later}:
            c = counts.setdefault(side, [0, 0])
            c[0 if f.severity == "error" else 1] += f.severity in ("error", "warning")
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _write_atomically(out: Path, write: Callable[[Path], int]) -> int:
    """Write to a temporary file beside `out`, then rename: an interrupted export never
    leaves a half-written file under the final name."""
    return _write_all_atomically((out,), lambda paths: write(paths[0]))


def _write_all_atomically(outs: Sequence[Path], write: Callable[[list[Path]], int]) -> int:
    """Several files written together (the main table and its companions), each to a temporary
    file first; renamed only once all are complete."""
    tmps = [out.with_name(f".{out.name}.{os.getpid()}.tmp") for out in outs]
    try:
        count = write(tmps)
        for tmp, out in zip(tmps, outs):
            os.replace(tmp, out)
    finally:
        for tmp in tmps:
            if tmp.exists():
                tmp.unlink()
    return count


def export(db: Path, fmt: str, out: Optional[Path], original: bool,
           with_copies: bool = False) -> tuple[int, list[Path]]:
    """Write the export; returns (number of reports, files written). `out` None: beside the
    database; Path("-"): stdout (text formats only). Each report once (its canonical copy),
    unless `with_copies`."""
    store = open_store(db, readonly=True)
    try:
        return _export(store, db, fmt, out, original, with_copies)
    finally:
        store.close()


class _Counted:
    """Streams the reports (a batch of thousands is never held in memory at once, except
    for XLSX) and counts them as they pass."""

    def __init__(self, reports: Iterator[StoredReport]):
        self.reports, self.count = reports, 0

    def __iter__(self) -> Iterator[StoredReport]:
        for report in self.reports:
            self.count += 1
            yield report


def _export(store, db: Path, fmt: str, out: Optional[Path], original: bool,
            with_copies: bool = False) -> tuple[int, list[Path]]:
    reports = _Counted(iter_stored_reports(store, original=original, with_copies=with_copies))
    to_stdout = out is not None and str(out) == "-"
    target = default_out(db, fmt) if out is None else out
    written: list[Path] = []

    if fmt in TEXT_FORMATS:
        from .csv_long import write_long_csv
        from .stored import mapped_indicator_cells

        indicator_cells = mapped_indicator_cells(store) if fmt == "csv-wide" else ()
        from .csv_wide import write_dictionary_csv, write_wide_csv
        from .jsonl import write_jsonl

        def body(stream) -> int:
            if fmt == "csv":
                return write_long_csv(reports, stream)
            if fmt == "csv-wide":
                return write_wide_csv(reports, stream, cross_counts(db), indicator_cells)
            return write_jsonl(reports, stream)

        # CSV files start with a BOM so that Excel reads them as UTF-8 (not on stdout, and
        # never in JSONL).
        encoding = "utf-8-sig" if fmt != "jsonl" else "utf-8"
        if to_stdout or fmt == "jsonl":
            if to_stdout:
                body(sys.stdout)
            else:
                def to_file(path: Path) -> int:
                    with open(path, "w", encoding=encoding, newline="") as stream:
                        return body(stream)
                _write_atomically(target, to_file)
                written.append(target)
        else:
            # The findings, sections and prose figures beside the CSV (tables.COMPANIONS).
            from .csv_long import write_csv_tables
            from .tables import COMPANIONS

            outs = [target] + [companion_path(target, t.name) for t in COMPANIONS]

            def to_files(paths: list[Path]) -> int:
                with ExitStack() as stack:
                    streams = [stack.enter_context(open(p, "w", encoding=encoding, newline="")) for p in paths]
                    return write_csv_tables(reports, streams[0], dict(zip(COMPANIONS, streams[1:])),
                                            lambda passing, stream: body_of(passing, stream))

            def body_of(passing, stream) -> int:
                if fmt == "csv":
                    return write_long_csv(passing, stream)
                return write_wide_csv(passing, stream, cross_counts(db), indicator_cells)

            _write_all_atomically(outs, to_files)
            written += outs
        if fmt == "csv-wide" and not to_stdout:
            dict_out = dictionary_path(target)

            def dict_file(path: Path) -> int:
                with open(path, "w", encoding="utf-8-sig", newline="") as stream:
                    return write_dictionary_csv(stream, indicator_cells)
            _write_atomically(dict_out, dict_file)
            written.append(dict_out)
    elif to_stdout:
        raise ExtractError("-", f"{fmt} is a binary format: give --out FILE")
    elif fmt == "parquet":
        from .parquet import write_parquet
        from .tables import COMPANIONS

        outs = [target] + [companion_path(target, t.name) for t in COMPANIONS]
        _write_all_atomically(outs, lambda paths: write_parquet(reports, paths[0], dict(zip(COMPANIONS, paths[1:]))))
        written += outs
    else:
        from .xlsx import write_xlsx

        cross = load_cross_findings(db)
        _write_atomically(target, lambda path: write_xlsx(list(reports), path, cross, original=original))
        written.append(target)
    return reports.count, written


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract export",
        **bilingual_help(
            "导出批处理数据库：csv（长表，每个单元格一行）、csv-wide（宽表，每份报告一行）、jsonl、xlsx（按原样排版的表格、"
            "发现、章节）或 parquet；同一报告的多个副本只导出计数的一份（--with-copies 全部导出）；"
            "默认使用审核更正后的值（--original 为原始读数）。",
            "Export a batch database: csv (long: one row per cell), csv-wide (one row per report, "
            "labels in <out>.dictionary.csv), jsonl (one --json record per line), xlsx (an index sheet, one "
            "sheet per report with its tables as printed, findings, sections, prose figures and a legend), parquet "
            "(long form, typed; needs pyarrow). csv, csv-wide and parquet also write <out>.findings, "
            "<out>.sections and <out>.prose_figures beside the main file, with the same columns and types. Each "
            "report once (its canonical copy) unless --with-copies. Values in effect: reviewers' corrections "
            "applied, unless --original.",
            exit_codes="0 written; 2 usage, missing optional library or unwritable output; 9 database error"),
    )
    parser.add_argument("db", type=Path, help="the batch database (extract batch … --db FILE)")
    parser.add_argument("--format", choices=FORMATS, required=True)
    parser.add_argument("--out", type=Path,
                        help="output file (default: beside the database, e.g. results.csv; csv-wide also writes <out>.dictionary.csv; "
                        "'-' for stdout: csv, csv-wide without its dictionary and companion tables, jsonl)")
    parser.add_argument("--original", action="store_true", help="ignore corrections: the values as read")
    parser.add_argument("--with-copies", action="store_true",
                        help="every stored copy of a report (default: each report once, its canonical copy; "
                        "README, 'Copies of one report')")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    args = parser.parse_args(argv)
    try:
        count, written = export(args.db, args.format, args.out, args.original, args.with_copies)
    except ExtractError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except OSError as exc:
        return fail(f"{exc.filename or args.out}: cannot write: {exc.strerror or exc}", 2)
    if not args.quiet:
        where = ", ".join(map(str, written)) or "stdout"
        print(f"export: {count} reports{' (copies included)' if args.with_copies else ''} as {args.format}"
              f"{' (as read)' if args.original else ''} -> {where}",
              file=sys.stderr)
    return 0
