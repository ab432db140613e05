"""A scanned volume against the same reports scanned one per file (issue 10's done-when).

    python benchmarks/bench_volume.py [--volume volume-scanned-12] [--json]

Builds the volume with samples/make_volumes.py (the members' scanned twins merged, a
cover, a contents page and a blank page scanned, some title pages fed upside down) in a
temporary folder, then, in one process with the OCR engine loaded beforehand:

- `extract_reports` on the volume: the reports found, their page ranges against the
  expected ones, every cell against the members' expected JSON, and the extra pages
  (cover, contents, blank) reported in a `volume.unassigned_pages` finding;
- `extract_file` on each member twin, one per file (today's path for a single report).

Time per page = seconds / pages (the volume's pages include its three extra pages). Both
wall time and this process's CPU time (all threads: onnxruntime's too) are given; on a
shared machine CPU time is the steadier figure. The done-when asks for a ratio (volume
per page over one-per-file per page) of at most 1.2. Exit 1 if the volume is not exact.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volume", default="volume-scanned-12")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from dataclasses import replace

    import make_volumes

    from extract.evaluate import compare
    from extract.pipeline import extract_file, extract_reports
    from extract.scan.ocr import get_engine
    from extract.settings import DEFAULT_SETTINGS

    settings = replace(DEFAULT_SETTINGS, timeout_s=7200.0)  # a whole volume on a shared machine
    get_engine(settings.ocr_engine, settings.ocr_threads)  # model loading is not timed
    volume = make_volumes.VOLUMES[args.volume]
    with tempfile.TemporaryDirectory() as tmp:
        path, expected_path = make_volumes.build_volume(args.volume, Path(tmp))
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        pages = make_volumes.layout(volume).ranges[-1][1]
        found, wall_v, cpu_v = _timed(lambda: extract_reports(path, settings))

    ranges_expected = [(e["source"]["first_page"], e["source"]["last_page"]) for e in expected]
    ranges_found = [(r.first_page, r.last_page) for r in found]
    exact, cells, correct = 0, 0, 0
    by_range = {(r.first_page, r.last_page): r for r in found}
    per_report = []
    for want, key in zip(expected, ranges_expected):
        item = by_range.get(key)
        if item is None:
            per_report.append({"pages": key, "found": False})
            continue
        result = compare(path, want, item.report.model_dump(mode="json"))
        exact += result.perfect
        cells += sum(result.cells.values())
        correct += sum(result.correct.values())
        per_report.append({"pages": key, "exact": result.perfect, "wrong": [m.describe() for m in result.wrong]})
    told = " ".join(
        f.message_en for r in found for f in r.report.findings if f.rule == "volume.unassigned_pages"
    )
    extra = make_volumes.extra_pages(args.volume)
    # The role a scan's page reads as may differ (a cover with little text reads as blank).
    extra_told = all(re.search(rf"(?<![0-9]){page} \(", told) for page in extra)

    single_wall = single_cpu = 0.0
    single_pages = 0
    for member in volume.members:
        twin = make_volumes._member_path(volume, member)
        report, wall, cpu = _timed(lambda: extract_file(twin, settings))
        single_wall += wall
        single_cpu += cpu
        single_pages += report.source.pages

    figures = {
        "volume": args.volume,
        "reports_expected": len(expected),
        "reports_found": len(found),
        "ranges_right": ranges_found == ranges_expected,
        "reports_exact": exact,
        "cells": cells,
        "cells_correct": correct,
        "extra_pages_reported": extra_told,
        "volume_pages": pages,
        "volume_s_per_page": {"wall": wall_v / pages, "cpu": cpu_v / pages},
        "single_pages": single_pages,
        "single_s_per_page": {"wall": single_wall / single_pages, "cpu": single_cpu / single_pages},
        "ratio": {"wall": (wall_v / pages) / (single_wall / single_pages), "cpu": (cpu_v / pages) / (single_cpu / single_pages)},
        "per_report": per_report,
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(f"{args.volume}: {len(found)}/{len(expected)} reports, page ranges {'right' if figures['ranges_right'] else 'WRONG'}, "
              f"{exact} exact, {correct}/{cells} cells, extra pages {'reported' if extra_told else 'NOT reported'}")
        for row in per_report:
            if not row.get("exact"):
                print(f"  pages {row['pages']}: {row}")
        print(f"volume: {pages} pages, {wall_v / pages:.2f} s/page wall, {cpu_v / pages:.2f} s/page CPU")
        print(f"one per file: {single_pages} pages, {single_wall / single_pages:.2f} s/page wall, "
              f"{single_cpu / single_pages:.2f} s/page CPU")
        print(f"ratio (volume / one per file, per page): wall {figures['ratio']['wall']:.2f}, CPU {figures['ratio']['cpu']:.2f}")
    good = figures["ranges_right"] and exact == len(expected) and extra_told
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
