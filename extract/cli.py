"""Command line: `extract FILE [--json]`, `extract schema`, `extract eval PATH…`,
`extract batch DIR --db results.sqlite`.

Every failure on an input is one line on stderr naming the file and the reason, with the
exit code documented in `extract.errors.EXIT_CODES`; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

from .errors import EXIT_CODES, ExtractError
from .settings import DEFAULT_SETTINGS, Settings

_INTERNAL_ERROR = 10
_SUBCOMMANDS = ("schema", "eval", "batch")


def _parse_pages(spec: str) -> tuple[int, ...]:
    """'4-5,7' -> (4, 5, 7)."""
    pages: list[int] = []
    try:
        for part in spec.split(","):
            if "-" in part:
                lo, hi = part.split("-", 1)
                pages.extend(range(int(lo), int(hi) + 1))
            elif part.strip():
                pages.append(int(part))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad page list {spec!r} (use e.g. 4-5,7)") from None
    if not pages or min(pages) < 1:
        raise argparse.ArgumentTypeError(f"bad page list {spec!r}")
    return tuple(dict.fromkeys(pages))


def _add_limits(parser: argparse.ArgumentParser) -> None:
    d = DEFAULT_SETTINGS
    parser.add_argument("--max-pages", type=int, default=d.max_pages, help=f"refuse PDFs with more pages (default {d.max_pages})")
    parser.add_argument("--max-page-side", type=float, default=d.max_page_side_pt, help=f"refuse pages larger than this, in pt (default {d.max_page_side_pt:g})")
    parser.add_argument("--timeout", type=float, default=d.timeout_s, help=f"give up on a file after this many seconds (default {d.timeout_s:g})")


def _add_ocr(parser: argparse.ArgumentParser) -> None:
    from .scan.ocr import ENGINE_NAMES

    parser.add_argument("--ocr", choices=ENGINE_NAMES, default=DEFAULT_SETTINGS.ocr_engine,
                        help=f"OCR engine for scanned pages (default {DEFAULT_SETTINGS.ocr_engine}; paddle needs the [paddle] extra)")
    parser.add_argument("--no-ocr", action="store_true", help="read the text layer only, never OCR")


def _settings(args: argparse.Namespace) -> Settings:
    return replace(
        DEFAULT_SETTINGS,
        max_pages=args.max_pages,
        max_page_side_pt=args.max_page_side,
        timeout_s=args.timeout,
        pages=getattr(args, "pages", None),
        ocr_engine=getattr(args, "ocr", DEFAULT_SETTINGS.ocr_engine),
        ocr=not getattr(args, "no_ocr", False),
        debug_dir=getattr(args, "debug", None),
    )


def _fail(message: str, code: int) -> int:
    print(f"extract: {message}", file=sys.stderr)
    return code


def _watchdog(seconds: float, path: str) -> threading.Timer:
    """Hard stop for one file: pdfium runs in C with the GIL released, so a Python timer
    thread can still end a process stuck inside a malformed page."""

    def expire() -> None:
        sys.stderr.write(f"extract: {path}: gave up after {seconds:g} s (limit, see --timeout)\n")
        sys.stderr.flush()
        os._exit(7)

    timer = threading.Timer(seconds + 5.0, expire)
    timer.daemon = True
    timer.start()
    return timer


def _summary(report) -> str:
    info = report.report
    lines = [
        f"{report.source.file}: {info.agency or '?'} {info.year or '?'} (template {info.template}), "
        f"{report.source.pages} pages, {len(report.cells)} cells read",
    ]
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
    lines.append(f"findings: {counts['error']} error, {counts['warning']} warning, {counts['info']} info")
    for f in report.findings:
        if f.severity != "info":
            lines.append(f"  [{f.severity}] {f.rule}: {f.message}")
    return "\n".join(lines)


def _run_file(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="extract",
        description="Extract the statistical tables of a 政府信息公开工作年度报告 PDF as validated records.",
        epilog="subcommands: extract schema | extract eval PATH... | extract batch DIR --db FILE\n"
        + "exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()) + f"; {_INTERNAL_ERROR} internal error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="the report: a PDF (digital, scanned or mixed) or page images (PNG, JPEG, TIFF)")
    parser.add_argument("--json", action="store_true", help="print the report record as JSON on stdout")
    parser.add_argument("--out", type=Path, help="write the JSON record to this file")
    parser.add_argument("--pages", type=_parse_pages, help="only these pages, e.g. 3-5")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the report has error findings")
    parser.add_argument("--debug", metavar="DIR", help="write page images with rulings and cells, and grid dumps, to DIR")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (and --json)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list info findings")
    _add_ocr(parser)
    _add_limits(parser)
    args = parser.parse_args(argv)

    from .pipeline import extract_file

    timer = _watchdog(args.timeout, args.file)
    try:
        report = extract_file(args.file, _settings(args))
    except ExtractError as exc:
        return _fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except Exception as exc:  # a bug of ours: still one line, and a distinct exit code
        return _fail(f"{args.file}: internal error: {type(exc).__name__}: {exc}", _INTERNAL_ERROR)
    finally:
        timer.cancel()

    payload = report.model_dump(mode="json")
    if args.out:
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if not args.quiet:
        text = _summary(report)
        if args.verbose:
            text += "".join(f"\n  [info] {f.rule}: {f.message}" for f in report.findings if f.severity == "info")
        # stdout carries only the JSON record; the human summary always goes to stderr.
        print(text, file=sys.stderr)
    if args.strict and any(f.severity == "error" for f in report.findings):
        return 1
    return 0


def _run_schema(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(prog="extract schema", description="Print the JSON Schema of the output.").parse_args(argv)
    from .records import Report

    json.dump(Report.model_json_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _run_eval(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="extract eval",
        description="Run over PDFs with expected JSON (<name>.expected.json beside each PDF or in --expected) "
        "and print per-file results with failure classes (tables missing, rows unmatched, printed values "
        "unplaced, wrong values, null-versus-value), per-table cell accuracy and rule detection. "
        "Exit 1 unless everything matches.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="folders of PDFs, or PDFs")
    parser.add_argument("--expected", type=Path, help="folder holding <name>.expected.json files")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong cell and failure")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON summary (per file and total: cells, findings, failure classes) instead of the text")
    _add_ocr(parser)
    _add_limits(parser)
    args = parser.parse_args(argv)
    from .evaluate import evaluate, format_results, results_json

    results = evaluate(args.paths, args.expected, _settings(args))
    if args.json:
        json.dump(results_json(results), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_results(results, verbose=args.verbose))
    return 0 if results and all(r.perfect for r in results) else 1


def _run_batch(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="extract batch",
        description="Extract every PDF under DIR into an SQLite database. Files already in the database "
        "(same sha256) are skipped, so an interrupted batch resumes; a bad file is recorded with its "
        "error and never stops the batch.",
    )
    parser.add_argument("dir", type=Path)
    parser.add_argument("--db", type=Path, default=Path("results.sqlite"))
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)), help="worker processes")
    parser.add_argument("-q", "--quiet", action="store_true")
    _add_ocr(parser)
    _add_limits(parser)
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        return _fail(f"{args.dir}: not a folder", 3)
    from .batch.runner import run_batch

    summary = run_batch(args.dir, args.db, _settings(args), jobs=args.jobs, progress=not args.quiet)
    print(summary.line(), file=sys.stderr)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in _SUBCOMMANDS and not Path(argv[0]).is_file():
            command, rest = argv[0], argv[1:]
            return {"schema": _run_schema, "eval": _run_eval, "batch": _run_batch}[command](rest)
        return _run_file(argv)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
