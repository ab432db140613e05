"""Scan path vs one plain full-page PP-OCR pass, in one process, on the same page images.

    python benchmarks/bench_scan.py [PDF/TIFF or folder ...] [--repeat 1] [--memory-pages 10]

Prints each file's ratio (extract / plain pass, seconds over the same pages) and the mean
of those ratios over the files of each resolution (dpi).

For each scanned file: seconds per page of extract_file (the whole pipeline: render,
orientation, deskew, rulings, per-cell recognition, mapping, validation) against a plain
RapidOCR det+rec pass over every page image (the same PP-OCR models, default settings),
rendered at the same resolution; with img2table (its own grid + the same RapidOCR) when
it is installed. Peak memory is measured in a child process that extracts a report of
--memory-pages pages (the first file's pages repeated), so earlier work does not count.
Defaults: samples/scanned/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _files(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [ROOT / "samples" / "scanned"]
    suffixes = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}
    files: list[Path] = []
    for p in paths:
        files += sorted(f for f in p.iterdir() if f.suffix.lower() in suffixes) if p.is_dir() else [p]
    return files


def _page_images(path: Path):
    """The page images the pipeline would OCR, at the resolution it would use."""
    return [image for image, _ in _page_images_dpi(path)]


def _page_images_dpi(path: Path):
    """(page image, dpi) of each page the pipeline would OCR, at the resolution it would use."""
    from extract.read import pdf
    from extract.read.images import IMAGE_SUFFIXES, load_image_pages
    from extract.settings import DEFAULT_SETTINGS as S

    if path.suffix.lower() in IMAGE_SUFFIXES:
        return [(p.image, p.dpi) for p in load_image_pages(path, S)]
    doc = pdf.open_pdf(path, S)
    images = []
    for i in range(len(doc)):
        info = pdf.page_images(doc, i)
        dpi = min(max(info.native_dpi, S.min_render_dpi), S.max_render_dpi)
        images.append((pdf.render_page(doc, i, dpi).image, dpi))
    return images


def _memory_child(path: Path, pages: int) -> float:
    """Peak RSS (MB) of a fresh `extract FILE` process on a `pages`-page scan (the file's
    pages repeated, written by another process: see bench_memory.build)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_memory import build, measure

    with tempfile.TemporaryDirectory() as tmp:
        many = build(Path(tmp) / "many.pdf", pages, [path])
        return measure(many, ["--max-pages", str(max(pages, 50))], {})[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory-pages", type=int, default=10, help="0: no memory child")
    args = parser.parse_args()
    files = _files(args.paths)
    if not files:
        print("no scans found", file=sys.stderr)
        return 2

    import rapidocr
    from rapidocr import RapidOCR

    from extract import extract_file
    from extract.scan.ocr.manifest import pinned_files

    models = pinned_files("rapidocr", Path(rapidocr.__file__).parent)
    pinned = {
        "Det.model_path": str(models["det"]), "Rec.model_path": str(models["rec"]),
        "Cls.model_path": str(models["cls"]), "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 2, "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    plain = RapidOCR(params=dict(pinned))
    try:
        from img2table.document import Image as Img2TableImage
        from img2table.ocr import RapidOCR as Img2TableRapid
    except ImportError:
        Img2TableImage = None

    # Warm both: model loading is not per-page work.
    extract_file(files[0])
    first = _page_images(files[0])[0]
    plain(first)

    totals = {"extract": 0.0, "plain PP-OCR det+rec": 0.0, "img2table+rapidocr": 0.0}
    total_pages = 0
    ratios_by_dpi: dict[str, list[float]] = {}
    print(f"{'file':<46}{'dpi':>5}{'pages':>6}{'extract s/pg':>14}{'plain s/pg':>12}{'ratio':>8}")
    for f in files:
        with_dpi = _page_images_dpi(f)
        images = [image for image, _ in with_dpi]
        dpi = "/".join(str(round(d)) for d in sorted({round(d) for _, d in with_dpi}))
        n = len(images)
        total_pages += n
        best_ours = min(_timed(lambda: extract_file(f)) for _ in range(args.repeat))
        best_plain = min(_timed(lambda: [plain(im) for im in images]) for _ in range(args.repeat))
        totals["extract"] += best_ours
        totals["plain PP-OCR det+rec"] += best_plain
        if Img2TableImage is not None:
            from rapidocr import LangRec

            # The same pinned Chinese models; img2table's default asks for an English one.
            ocr = Img2TableRapid(params={**pinned, "Rec.lang_type": LangRec.CH})
            totals["img2table+rapidocr"] += _timed(lambda: [
                Img2TableImage(src=_png_bytes(im)).extract_tables(ocr=ocr, borderless_tables=False) for im in images
            ])
        ratios_by_dpi.setdefault(dpi, []).append(best_ours / best_plain)
        print(f"{f.name[:45]:<46}{dpi:>5}{n:>6}{best_ours / n:>14.2f}{best_plain / n:>12.2f}{best_ours / best_plain:>8.2f}",
              flush=True)
    print()
    # The mean of the per-file ratios at each resolution: the target holds for every kind of
    # page, so a few cheap files must not hide a dear one in one total.
    for dpi, ratios in sorted(ratios_by_dpi.items()):
        print(f"{dpi:>7} dpi: {len(ratios):>2} files, mean ratio {sum(ratios) / len(ratios):5.2f}, "
              f"worst {max(ratios):5.2f}")
    print()
    for name, seconds in totals.items():
        if seconds:
            print(f"{name:<24} {seconds / total_pages:6.2f} s/page   ratio extract/{name}: {totals['extract'] / seconds:5.2f}")
    if Img2TableImage is None:
        print("img2table: not installed. It needs opencv-contrib-python, which cannot sit beside the OpenCV wheel\n"
              "  rapidocr pulls in: run this script in a separate venv with img2table, rapidocr --no-deps and extract --no-deps")
    if args.memory_pages:
        print(f"peak RSS extracting a {args.memory_pages}-page scan (fresh process): "
              f"{_memory_child(files[0], args.memory_pages):.0f} MB")
    summary = {k: round(v / total_pages, 3) for k, v in totals.items() if v}
    summary["mean ratio by dpi"] = {d: round(sum(r) / len(r), 3) for d, r in sorted(ratios_by_dpi.items())}
    print(json.dumps(summary))
    return 0


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _png_bytes(image) -> bytes:
    import cv2

    return cv2.imencode(".png", image)[1].tobytes()


if __name__ == "__main__":
    sys.exit(main())
