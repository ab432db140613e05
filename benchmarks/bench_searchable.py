"""`extract --searchable` vs OCRmyPDF-style full-page OCR, per page, in one process.

    python benchmarks/bench_searchable.py [PDF/TIFF or folder ...] [--repeat 1]

For each scanned file, seconds per page of:
- extract: the record alone, as `extract FILE` reads a scan (tables, first page's head);
- extract --searchable: the record read with every line of every page (`--full-text`)
  plus writing the searchable copy (PDF/A-2b, validated as written), i.e. what the
  option costs end to end; the writing alone is also shown;
- plain PP-OCR det+rec: one RapidOCR detection + recognition pass over each whole page
  image (the same pinned PP-OCR models, default settings, at the resolution the pipeline
  reads the page at): what an OCRmyPDF-style tool pays for its text layer before writing
  anything, and without reading the tables.
Defaults: four files of samples/scanned/ (a 300, two 200 and a 150 dpi scan).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench_scan import ROOT, _files, _page_images, _timed

_DEFAULT = ["scan-r2019-basic-procurement-01.pdf", "scan-r2022-landscape-review-01.pdf",
            "scan-r2022-other-single-01.pdf", "scan-r2025-lo-landscape-01.pdf"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    files = _files(args.paths) if args.paths else [ROOT / "samples" / "scanned" / name for name in _DEFAULT]

    import rapidocr
    from rapidocr import RapidOCR

    from extract.scan.searchable import write_searchable
    from extract.pipeline import read_reports
    from extract.scan.ocr.manifest import pinned_files

    models = pinned_files("rapidocr", Path(rapidocr.__file__).parent)
    plain = RapidOCR(params={
        "Det.model_path": str(models["det"]), "Rec.model_path": str(models["rec"]),
        "Cls.model_path": str(models["cls"]), "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 2, "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })
    # Warm both: model loading is not per-page work.
    read_reports(files[0], pages=(1,))
    plain(_page_images(files[0])[0])

    totals = {"extract": 0.0, "extract --searchable": 0.0, "writing the copy": 0.0, "plain PP-OCR det+rec": 0.0}
    total_pages = 0
    print(f"{'file':<40}{'pages':>6}{'extract':>10}{'--searchable':>14}{'writing':>9}{'plain':>8}{'ratio':>7}  (s/page)")
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            images = _page_images(f)
            n = len(images)
            total_pages += n
            ours = min(_timed(lambda: read_reports(f)) for _ in range(args.repeat))
            readings, writes = [], []

            def searchable() -> None:
                reading = read_reports(f, full_text=True)
                out = Path(tmp) / f"{f.stem}-{len(readings)}.pdf"
                writes.append(_timed(lambda: write_searchable(f, reading.pages, out)))
                readings.append(reading)

            with_copy = min(_timed(searchable) for _ in range(args.repeat))
            writing = min(writes)
            full_page = min(_timed(lambda: [plain(im) for im in images]) for _ in range(args.repeat))
            for key, seconds in (("extract", ours), ("extract --searchable", with_copy), ("writing the copy", writing),
                                 ("plain PP-OCR det+rec", full_page)):
                totals[key] += seconds
            print(f"{f.name[:39]:<40}{n:>6}{ours / n:>10.2f}{with_copy / n:>14.2f}{writing / n:>9.2f}"
                  f"{full_page / n:>8.2f}{with_copy / full_page:>7.2f}")
    print()
    for name, seconds in totals.items():
        print(f"{name:<24} {seconds / total_pages:6.2f} s/page")
    print(f"ratio extract --searchable / plain full-page OCR: {totals['extract --searchable'] / totals['plain PP-OCR det+rec']:.2f}")
    print(json.dumps({k: round(v / total_pages, 3) for k, v in totals.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
