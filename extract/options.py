"""Command-line options and conventions shared by `extract` and its subcommands
(each subcommand lives beside the stage it drives and builds its parser from these)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
from dataclasses import replace

from .settings import DEFAULT_SETTINGS, Settings

INTERNAL_ERROR = 10
# Columns a subcommand's help text is wrapped to (argparse's own lines run to the terminal).
HELP_WIDTH = 100
# A help text's tokens: spaces, one CJK character with the closing punctuation after it (a
# line never starts with "，"), or a run of other characters (a word).
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_HELP_TOKEN = re.compile(rf"\s+|[{_CJK}][，。；：、）》」]*|[^\s{_CJK}]+")


def wrap_display(text: str, width: int = HELP_WIDTH) -> list[str]:
    """`text` in lines of at most `width` terminal columns (a CJK character is two columns
    wide), broken between words or between two CJK characters, never inside a word."""
    import unicodedata

    def columns(token: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in token)

    lines: list[str] = []
    line = ""
    for token in _HELP_TOKEN.findall(text):
        if token.isspace():
            line += " " if line else ""
        elif line and columns(line) + columns(token) > width:
            lines.append(line.rstrip())
            line = token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def bilingual_help(zh: str, en: str, exit_codes: str = "", epilog: str = "") -> dict:
    """The ArgumentParser keywords of a command's help in both languages: the Chinese text
    first, the English text under it, then any epilog and the exit codes (退出码), each
    wrapped to HELP_WIDTH terminal columns."""
    description = "\n".join([*wrap_display(zh), *wrap_display(en)])
    tail = [*(wrap_display(epilog) if epilog else ()),
            *(wrap_display(f"退出码 exit codes: {exit_codes}") if exit_codes else ())]
    return {"description": description, "epilog": "\n".join(tail) or None,
            "formatter_class": argparse.RawDescriptionHelpFormatter}


def parse_pages(spec: str) -> tuple[int, ...]:
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


def add_limits(parser: argparse.ArgumentParser) -> None:
    d = DEFAULT_SETTINGS
    parser.add_argument("--max-pages", type=int, default=d.max_pages, help=f"refuse PDFs with more pages (default {d.max_pages})")
    parser.add_argument("--max-page-side", type=float, default=d.max_page_side_pt, help=f"refuse pages larger than this, in pt (default {d.max_page_side_pt:g})")
    parser.add_argument("--timeout", type=float, default=d.timeout_s, help=f"give up on a file after this many seconds (default {d.timeout_s:g})")


def add_ocr(parser: argparse.ArgumentParser) -> None:
    from .scan.ocr import ENGINE_NAMES

    parser.add_argument("--ocr", choices=ENGINE_NAMES, default=DEFAULT_SETTINGS.ocr_engine,
                        help=f"OCR engine for scanned pages (default {DEFAULT_SETTINGS.ocr_engine}; paddle needs the [paddle] extra)")
    parser.add_argument("--no-ocr", action="store_true", help="read the text layer only, never OCR")


def add_full_text(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full-text", action="store_true",
                        help="scans: OCR every text line of every page for the report's sections and prose figures "
                        "(a full-page pass per page; without it a scan's text is read on its first page only)")


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("both", "zh", "en"), default="both",
                        help="language of the findings' messages: both (Chinese, English under it; default), zh, en")


def settings_from(args: argparse.Namespace) -> Settings:
    return replace(
        DEFAULT_SETTINGS,
        max_pages=args.max_pages,
        max_page_side_pt=args.max_page_side,
        timeout_s=args.timeout,
        pages=getattr(args, "pages", None),
        ocr_engine=getattr(args, "ocr", DEFAULT_SETTINGS.ocr_engine),
        ocr=not getattr(args, "no_ocr", False),
        debug_dir=getattr(args, "debug", None),
        full_text=getattr(args, "full_text", False),
    )


def fail(message: str, code: int) -> int:
    print(f"extract: {message}", file=sys.stderr)
    return code


def watchdog(seconds: float, path: str) -> threading.Timer:
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
