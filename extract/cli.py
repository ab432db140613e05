"""Command line: `extract FILE [--json]`, `extract schema`, `extract eval PATH…`,
`extract batch PATH... --db results.sqlite`.

Every failure on an input is one line on stderr naming the file and the reason, with the
exit code documented in `extract.errors.EXIT_CODES`; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

from .errors import EXIT_CODES, ExtractError, NoReportTables
from .options import (
    INTERNAL_ERROR,
    add_full_text,
    add_limits,
    add_ocr,
    bilingual_help,
    fail,
    parse_pages,
    settings_from,
    watchdog,
)

# Subcommands that live beside the stage they drive: name -> "module:function(argv) -> exit code".
_STAGE_SUBCOMMANDS = {
    "batch": "extract.batch.runner:main",
    "review": "extract.review.server:main",
    "export": "extract.export.cli:main",
    "check": "extract.cross_check:main",
    "compare": "extract.compare:main",
    "list": "extract.batch.listing:list_main",
    "summary": "extract.batch.listing:summary_main",
}


def package_version() -> str:
    """The installed package's version (importlib.metadata), else `extract.__version__`."""
    from importlib import metadata

    try:
        return metadata.version("extract")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        from . import __version__

        return __version__


def _summary(report) -> str:
    info = report.report
    lines = [
        f"{report.source.file}: {info.agency or '?'} {info.year or '?'} (template {info.template}), "
        + (f"{report.source.pages} pages" if report.source.pages is not None else f"a {report.source.kind} document")
        + f", {len(report.cells)} cells read",
    ]
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
    from .checks.accounting import cause_note, describe

    lines.append(f"findings: {counts['error']} error, {counts['warning']} warning, {counts['info']} info; "
                 + describe(report.rules))
    for f in report.findings:
        if f.severity != "info":
            lines.append(f"  [{f.severity}] {f.rule}: {f.message}" + cause_note(f))
    return "\n".join(lines)


def _run_file(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="extract",
        **bilingual_help(
            "从政府信息公开工作年度报告（PDF、扫描件、OFD、网页或 Word 文件）中提取统计表格，输出经过校验的结构化记录。",
            "Extract the statistical tables of a 政府信息公开工作年度报告 (PDF, scan, OFD, web page or Word file) "
            "as validated records.",
            exit_codes="; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()) + f"; {INTERNAL_ERROR} internal error",
            epilog="子命令 subcommands (each has --help): extract schema | extract eval PATH... | extract batch "
            "PATH... [--db FILE] | extract review DB | extract export DB --format F | extract check DB | "
            "extract compare A B | extract list DB | extract summary DB | extract --version"),
    )
    parser.add_argument(
        "file",
        help="the report: a PDF (digital, scanned or mixed), an OFD (.ofd, GB/T 33190), page images (PNG, JPEG, TIFF), "
        "a saved web page (.html, .htm, .mht) or a Word file (.docx; .doc and .wps through LibreOffice)",
    )
    parser.add_argument("--json", action="store_true", help="print the report record as JSON on stdout")
    parser.add_argument("--out", type=Path, help="write the JSON record to this file")
    parser.add_argument("--pages", type=parse_pages, help="only these pages, e.g. 3-5")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the report has error findings")
    parser.add_argument("--split-only", action="store_true",
                        help="list the reports found in the file (a volume) with their pages, titles and confidence; "
                        "extract nothing (--json: as JSON)")
    parser.add_argument("--debug", metavar="DIR", help="write page images with rulings and cells, and grid dumps, to DIR")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (and --json)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list info findings")
    parser.add_argument("--html", type=Path, metavar="FILE",
                        help="write one self-contained HTML page of the report to FILE: the tables as printed, "
                        "each value with the crop of the page it was read from, the findings")
    parser.add_argument("--searchable", type=Path, metavar="OUT.pdf",
                        help="scans (PDF, page images or a scanned OFD): also write a searchable copy to OUT.pdf, "
                        "the page images untouched with an invisible text layer from the OCR of every line (implies --full-text; "
                        "text-layer pages are copied as they are; PDF/A-2b when pikepdf's validator approves it)")
    add_ocr(parser)
    add_full_text(parser)
    add_limits(parser)
    args = parser.parse_args(argv)

    from .pipeline import read_reports, split_file

    settings = settings_from(args)
    if args.searchable is not None and args.no_ocr:
        parser.error("--searchable needs OCR: it cannot go with --no-ocr")
    if args.searchable is not None and not args.split_only:
        from .scan.searchable import check_output_path

        try:
            check_output_path(args.searchable, Path(args.file))
        except ExtractError as exc:
            return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
        settings = replace(settings, full_text=True)  # every line of every page goes into the copy
    timer = watchdog(args.timeout, args.file)
    try:
        if args.split_only:
            split = split_file(args.file, settings)
        else:
            reading = read_reports(args.file, settings)
            found = reading.reports
            searchable_note = _write_searchable(args, reading) if args.searchable is not None else ""
    except NoReportTables as exc:
        # Not a report (a volume's cover, a guide): no record, but an archive still keeps a
        # searchable copy of every scan it holds.
        if args.searchable is not None and not args.split_only:
            note = _searchable_without_report(args, exc)
            if note and not args.quiet:
                print(note, file=sys.stderr)
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except ExtractError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except Exception as exc:  # a bug of ours: still one line, and a distinct exit code
        return fail(f"{args.file}: internal error: {type(exc).__name__}: {exc}", INTERNAL_ERROR)
    finally:
        timer.cancel()
    if args.split_only:
        return _print_split(args, split)
    if searchable_note and not args.quiet:
        print(searchable_note, file=sys.stderr)
    if len(found) > 1:
        for item in found if args.html else ():  # a volume: one page per report, named by its pages
            page = args.html.with_name(f"{args.html.stem}-p{item.first_page}-{item.last_page}{args.html.suffix}")
            failed = _write_html(item.report, args.file, page)
            if isinstance(failed, int):
                return failed
        return _print_volume(args, found)
    report = found[0].report

    payload = report.model_dump(mode="json")
    if args.out:
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if args.html:
        note = _write_html(report, args.file, args.html)
        if isinstance(note, int):
            return note
    if args.quiet:
        pass
    elif args.json or args.out or args.html:
        text = _summary(report)
        if args.verbose:
            text += "".join(f"\n  [info] {f.rule}: {f.message}" for f in report.findings if f.severity == "info")
        if args.html:
            text += f"\nhtml: {args.html}" + (f" ({note})" if note else "")
        # With an output file or JSON asked for, stdout carries only the JSON; the summary goes to stderr.
        print(text, file=sys.stderr)
    else:
        # No record asked for: the tables as printed and the findings are the output.
        from .show.terminal import print_report

        print_report(report, verbose=args.verbose)
    if args.strict and any(f.severity == "error" for f in report.findings):
        return 1
    return 0


def _searchable_without_report(args: argparse.Namespace, no_report: NoReportTables) -> str:
    """The searchable copy of a scan that holds no report, from the pages the reading read
    before it found no report, written without record cells; one line, or why it could not
    be written."""
    if no_report.pages_read is None:
        return f"searchable: {args.file}: no searchable copy written (the pages were not all read)"
    try:
        return _write_searchable(args, no_report.pages_read)
    except ExtractError as exc:
        return f"searchable: {exc.path}: {exc.reason}"


def _write_searchable(args: argparse.Namespace, reading) -> str:
    """Write the searchable copy of a scan; what was written, as one line. Raises
    ExtractError (exit 2) when it cannot be written."""
    from .scan.searchable import write_reading_copy

    result = write_reading_copy(Path(args.file), reading, args.searchable)
    if result is None:
        return f"searchable: {args.file} has no scanned page; no searchable copy written"
    conformance = f"PDF/A-{result.pdfa}" if result.pdfa else result.note
    return (f"searchable: {result.path} ({result.pages} pages, {result.text_pages} with a text layer of "
            f"{result.lines} OCR lines; {conformance})")


def _write_html(report, source: str, path: Path):
    """Write the static HTML page of a report; its note ("" or why crops are missing), or
    the exit code of a failure to write it."""
    from .show.html_page import write_report_html

    try:
        return write_report_html(report, source, path)
    except OSError as exc:
        return fail(f"{path}: cannot write the HTML page: {exc.strerror or exc}", 2)


def _print_volume(args: argparse.Namespace, found) -> int:
    """A file holding several reports: a JSON array of their records (each with
    source.first_page / last_page), and a summary per report on stderr."""
    payload = [item.report.model_dump(mode="json") for item in found]
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        sys.stdout.write(text)
    if args.quiet:
        pass
    elif args.json or args.out or args.html:
        lines = [f"{args.file}: {len(found)} reports"]
        for item in found:
            lines.append(f"pages {item.first_page}-{item.last_page}: " + _summary(item.report).replace("\n", "\n  "))
            if args.verbose:
                lines += [f"  [info] {f.rule}: {f.message}" for f in item.report.findings if f.severity == "info"]
        print("\n".join(lines), file=sys.stderr)
    else:
        # No record asked for: each report's tables as printed and its findings, as for one report.
        from .show.terminal import print_report

        print(f"{args.file}: {len(found)} reports")
        for item in found:
            print(f"\n== pages {item.first_page}-{item.last_page} ==")
            print_report(item.report, verbose=args.verbose)
    if args.strict and any(f.severity == "error" for item in found for f in item.report.findings):
        return 1
    return 0


def _print_split(args: argparse.Namespace, split) -> int:
    """`--split-only`: the reports found and the pages that belong to none."""
    if args.json:
        payload = {
            "reports": [
                {"first_page": r.first_page, "last_page": r.last_page, "title": r.title, "agency": r.agency,
                 "year": r.year, "confidence": r.confidence,
                 "findings": [f.model_dump(mode="json", include={"rule", "severity", "message", "message_en"})
                              for f in r.findings]}
                for r in split.reports
            ],
            "unassigned": [{"page": u.page, "role": u.role, "text": u.text} for u in split.unassigned],
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for r in split.reports:
            print(f"pages {r.first_page}-{r.last_page}\tconfidence {r.confidence:.2f}\t{r.title or '(no title found)'}")
            for f in r.findings:
                print(f"    [{f.severity}] {f.rule}: {f.message}")
        for u in split.unassigned:
            print(f"page {u.page}\tno report ({u.role})\t{u.text}")
    if not split.reports:
        return fail(f"{args.file}: no report found", 6)
    return 0


def _run_schema(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(prog="extract schema", **bilingual_help(
        "打印输出记录的 JSON Schema（字段说明见数据字典）。", "Print the JSON Schema of the output.")).parse_args(argv)
    from .records import Report

    json.dump(Report.model_json_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _run_eval(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="extract eval",
        **bilingual_help(
            "对照预期 JSON 评估提取结果：逐个文件列出失败类别（缺表、行未匹配、数值未定位、数值错误、空值与数值不符）、"
            "各表单元格准确率与规则发现。",
            "Run over PDFs with expected JSON (<name>.expected.json beside each PDF or in --expected) "
            "and print per-file results with failure classes (tables missing, rows unmatched, printed values "
            "unplaced, wrong values, null-versus-value), per-table cell accuracy and rule detection.",
            exit_codes="0 everything matches; 1 otherwise"),
    )
    parser.add_argument("paths", nargs="+", type=Path, help="folders of PDFs, or PDFs")
    parser.add_argument("--expected", type=Path, help="folder holding <name>.expected.json files")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong cell and failure")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON summary (per file and total: cells, findings, failure classes) instead of the text")
    add_ocr(parser)
    add_full_text(parser)
    add_limits(parser)
    args = parser.parse_args(argv)
    from .evaluate import evaluate, format_results, results_json

    results = evaluate(args.paths, args.expected, settings_from(args))
    if args.json:
        json.dump(results_json(results), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_results(results, verbose=args.verbose))
    return 0 if results and all(r.perfect for r in results) else 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--version"], ["-V"]):
        print(f"extract {package_version()}")
        return 0
    try:
        local = {"schema": _run_schema, "eval": _run_eval}
        if argv and (argv[0] in local or argv[0] in _STAGE_SUBCOMMANDS) and not Path(argv[0]).is_file():
            command, rest = argv[0], argv[1:]
            if command in local:
                return local[command](rest)
            module, _, function = _STAGE_SUBCOMMANDS[command].partition(":")
            return getattr(importlib.import_module(module), function)(rest)
        return _run_file(argv)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
