"""Text-layer path vs peers, in one process, on the same files and pages.

    python benchmarks/bench_text_layer.py [PDF or folder ...] [--repeat 3] [--no-camelot] [--cpu]

Prints seconds per page (best of --repeat) for extract_file (the whole pipeline: read,
grid, mapping, records, validation), pdfplumber's bare `extract_tables()` on every page,
and camelot lattice on every page; the ratio ours / peer; and peak RSS after each tool
(the process's high-water mark, so later lines include earlier ones).
Defaults: samples/*.pdf and ../shared/real/huaian-2024.pdf.
--cpu measures the process's CPU time instead of wall time: on a machine shared with other
work (2 cores, load 30) wall time swings by 2-3x between runs, CPU time by a few per cent.
Every tool measured here reads in one thread, so the two agree on a quiet machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _files(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [ROOT / "samples", ROOT.parent / "shared" / "real" / "huaian-2024.pdf"]
    files: list[Path] = []
    for p in paths:
        files += sorted(p.glob("*.pdf")) if p.is_dir() else [p]
    return [f for f in files if f.is_file() and _text_layer_only(f)]


def _text_layer_only(path: Path) -> bool:
    """The text-layer path's cost is measured on files read without OCR: a digital report
    with a table pasted as a picture (read by OCR) belongs to bench_scan."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        for page in doc:
            if any(True for _ in page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2)):
                return False
        return True
    finally:
        doc.close()


def _best(fn, repeat: int, clock=time.perf_counter) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = clock()
        fn()
        best = min(best, clock() - t)
    return best


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-camelot", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="CPU time of this process instead of wall time")
    args = parser.parse_args()
    files = _files(args.paths)
    if not files:
        print("no PDFs found", file=sys.stderr)
        return 2

    import pdfplumber
    import pypdfium2

    from extract import extract_file

    pages = {f: len(pypdfium2.PdfDocument(str(f))) for f in files}
    total_pages = sum(pages.values())

    def ours(f: Path) -> None:
        extract_file(f)

    def plumber(f: Path) -> None:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()

    def camelot_lattice(f: Path) -> None:
        import camelot

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            camelot.read_pdf(str(f), pages="all", flavor="lattice")

    tools = [("extract", ours), ("pdfplumber.extract_tables", plumber)]
    if not args.no_camelot:
        tools.append(("camelot lattice", camelot_lattice))

    totals: dict[str, float] = {}
    peaks: dict[str, float] = {}
    clock = "CPU" if args.cpu else "wall"
    print(f"{len(files)} files, {total_pages} pages, best of {args.repeat}, {clock} time")
    print(f"{'file':<40}" + "".join(f"{name:>28}" for name, _ in tools))
    for f in files:
        row = f"{f.name[:39]:<40}"
        for name, fn in tools:
            try:
                seconds = _best(lambda: fn(f), args.repeat, time.process_time if args.cpu else time.perf_counter)
            except Exception as exc:  # a peer failing on a file is a result, not a crash
                row += f"{'failed: ' + type(exc).__name__:>28}"
                continue
            totals[name] = totals.get(name, 0.0) + seconds
            peaks[name] = _peak_mb()
            row += f"{1000 * seconds / pages[f]:>22.1f} ms/pg"
        print(row)
    print()
    ours_total = totals["extract"]
    for name, _ in tools:
        if name not in totals:
            continue
        ratio = ours_total / totals[name]
        print(
            f"{name:<28} {1000 * totals[name] / total_pages:8.1f} ms/page   "
            f"ratio extract/{name}: {ratio:5.2f}   peak RSS after: {peaks[name]:7.1f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
