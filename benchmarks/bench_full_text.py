"""What `--full-text` costs on scans: seconds per page of extract_file with and without it.

    python benchmarks/bench_full_text.py [PDF/TIFF ...] [--files 4] [--repeat 1] [--json]

Without --full-text a scanned page's tables are read cell by cell and only the first
page's text above its first table is detected and recognised (the title); with it every
page gets a full-page detection + recognition pass over the text outside its tables (the
tables painted white), so the report's sections and prose figures are read. Runs in one
process, the OCR engine loaded before timing; the two modes alternate per file so that
machine load falls on both. Defaults: the first --files PDFs of samples/scanned/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--files", dest="count", type=int, default=4, help="how many samples by default (4)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "samples" / "scanned").glob("*.pdf"))[: args.count]

    from extract.pipeline import extract_file
    from extract.scan.ocr import get_engine
    from extract.settings import DEFAULT_SETTINGS

    get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)  # model loading is not timed
    rows = []
    for path in files:
        times: dict[bool, list[float]] = {False: [], True: []}
        pages = sections = figures = 0
        for _ in range(args.repeat):
            for full in (False, True):
                started = time.perf_counter()
                report = extract_file(path, full_text=full)
                times[full].append(time.perf_counter() - started)
                pages = report.source.pages or 1
                if full:
                    sections = sum(s.number is not None for s in report.sections)
                    figures = len(report.prose_figures)
        plain, full = (min(times[k]) / pages for k in (False, True))
        rows.append({"file": path.name, "pages": pages, "s_per_page": round(plain, 2),
                     "s_per_page_full_text": round(full, 2), "extra_s_per_page": round(full - plain, 2),
                     "numbered_sections": sections, "prose_figures": figures})
    total_pages = sum(r["pages"] for r in rows)
    summary = {
        "files": len(rows), "pages": total_pages, "cores": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 1),
        "s_per_page": round(sum(r["s_per_page"] * r["pages"] for r in rows) / total_pages, 2),
        "s_per_page_full_text": round(sum(r["s_per_page_full_text"] * r["pages"] for r in rows) / total_pages, 2),
        "median_extra_s_per_page": round(statistics.median(r["extra_s_per_page"] for r in rows), 2),
    }
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['file']:45} {r['pages']:2d} p  {r['s_per_page']:5.2f} s/p  full text {r['s_per_page_full_text']:5.2f} s/p"
              f"  (+{r['extra_s_per_page']:.2f})  sections {r['numbered_sections']}, figures {r['prose_figures']}")
    print(f"all: {summary['pages']} pages, {summary['s_per_page']:.2f} s/page without --full-text, "
          f"{summary['s_per_page_full_text']:.2f} s/page with it (median +{summary['median_extra_s_per_page']:.2f} s/page); "
          f"{summary['cores']} cores, load {summary['load_1min']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
