"""Issue 15's "done when" for searchable copies, checked on every scanned sample.

    python benchmarks/check_searchable.py [FILE ...] [--dir DIR] [--jobs 2] [--reuse] [--chromium]

For each scanned sample (samples/scanned/*.pdf and *.tif, samples/pre2019/scan-*,
samples/volumes/*scanned*, samples/ofd/*scan*) the pipeline reads the file once, as
`extract FILE --searchable OUT.pdf` does (`--full-text`), in a child process (at most
--jobs at a time: OCR is slow on a shared machine), and writes the copy under DIR.
Then three properties are checked:

- pages: pypdfium2 opens the copy with as many pages as the source has (a PDF's pages
  by pypdfium2, a TIFF's frames by Pillow, an OFD's pages by extract's OFD reader);
- images: every page's image XObjects are byte-identical (pikepdf raw stream bytes) to
  the source's; where the source is not a PDF (TIFF, OFD) the copy's page image is
  compared with the source image: raw bytes when img2pdf passed them through (JPEG),
  else decoded pixels;
- text: every number of the record (each cell whose value is a number, on a scanned
  page) has its digits in the text pdfium extracts from the copy's text layer inside
  the cell's bbox (the record's page frame mapped to PDF user space through the page's
  scan frame, /Rotate and CropBox: `searchable.page_transform`). Misses are listed.

--reuse writes the copies again from the readings pickled by an earlier run (no OCR:
for checking a fix to the writer). --chromium then opens each copy in headless
Chromium's PDF viewer and compares its page count (as tests/test_searchable.py does).
One line per file, then totals.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = Path("/tmp/check_searchable")


@dataclass(frozen=True)
class Reading:
    pages: tuple  # PageContent, with scan frames
    unreadable_pages: tuple
    cells: tuple  # (key, page, bbox, value) of every report's cells


def scanned_samples() -> list[Path]:
    samples = ROOT / "samples"
    files = sorted((samples / "scanned").glob("*.pdf")) + sorted((samples / "scanned").glob("*.tif"))
    files += sorted((samples / "pre2019").glob("scan-*.pdf"))
    files += sorted((samples / "volumes").glob("*scanned*.pdf"))
    files += sorted((samples / "ofd").glob("*scan*.ofd"))
    return files


# ---------------------------------------------------------------- one file (child process)


def read_and_write(source: Path, folder: Path, reuse: bool) -> dict:
    """Read `source` as `extract --searchable` does (or load the pickled reading), write
    its copy, check it; the result as a dict."""
    from dataclasses import replace

    from extract.pipeline import read_reports
    from extract.geometry import BBox
    from extract.scan.searchable import CellText, write_searchable
    from extract.settings import DEFAULT_SETTINGS

    copy = folder / f"{source.name}.pdf"
    pickled = folder / f"{source.name}.reading.pickle"
    started = time.monotonic()
    if reuse and pickled.exists():
        reading = pickle.loads(pickled.read_bytes())
    else:
        found = read_reports(source, replace(DEFAULT_SETTINGS, full_text=True))
        # What the writer and the checks need (the records' classes are made at run time: not picklable).
        reading = Reading(found.pages, found.unreadable_pages, tuple(
            (key, cell.page, cell.bbox, cell.value) for item in found.reports for key, cell in item.report.cells.items()))
        pickled.write_bytes(pickle.dumps(reading))
    read_s = time.monotonic() - started
    if copy.exists():
        copy.unlink()
    # The record's numbers, as the CLI passes them (`record_cells`), from the kept reading.
    cells = [CellText(page, BBox(*bbox), _plain(value)) for _, page, bbox, value in reading.cells
             if page is not None and bbox is not None and not isinstance(value, bool) and isinstance(value, (int, float))]
    written = write_searchable(source, reading.pages, copy, also_keep=[n for n, _ in reading.unreadable_pages],
                               cells=cells)
    result = {"file": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else str(source), "copy": str(copy), "read_s": round(read_s, 1),
              "pdfa": written.pdfa, "note": written.note, "text_pages": written.text_pages, "lines": written.lines}
    result.update(check_pages(source, copy))
    result.update(check_images(source, copy))
    result.update(check_text(copy, reading))
    return result


def source_page_count(source: Path) -> int:
    import pypdfium2 as pdfium

    suffix = source.suffix.lower()
    if suffix in (".tif", ".tiff", ".png", ".jpg", ".jpeg"):
        from PIL import Image

        with Image.open(source) as image:
            return getattr(image, "n_frames", 1)
    if suffix == ".ofd":
        from extract.read.ofd import open_ofd
        from extract.settings import DEFAULT_SETTINGS

        return len(open_ofd(source, DEFAULT_SETTINGS))
    return len(pdfium.PdfDocument(str(source)))


def check_pages(source: Path, copy: Path) -> dict:
    import pypdfium2 as pdfium

    return {"pages_source": source_page_count(source), "pages_copy": len(pdfium.PdfDocument(str(copy)))}


def _images_raw(page) -> list[bytes]:
    return [image.read_raw_bytes() for _, image in sorted(page.get_images().items())]


def check_images(source: Path, copy: Path) -> dict:
    """Pages whose images differ from the source's (1-based), and how they were compared."""
    import numpy as np
    import pikepdf
    from pikepdf import PdfImage

    different: list[int] = []
    suffix = source.suffix.lower()
    with pikepdf.open(copy) as out:
        if suffix == ".pdf":
            with pikepdf.open(source) as src:
                for number, (a, b) in enumerate(zip(src.pages, out.pages), 1):
                    if _images_raw(a) != _images_raw(b):
                        different.append(number)
            return {"images": "bytes", "image_diff_pages": different}
        if suffix == ".ofd":
            from extract.read.ofd import page_image_files
            from extract.read.ofd import open_ofd
            from extract.settings import DEFAULT_SETTINGS

            doc = open_ofd(source, DEFAULT_SETTINGS)
            for number, page in enumerate(out.pages, 1):
                if sorted(_images_raw(page)) != sorted(page_image_files(doc, number - 1)):
                    different.append(number)
            return {"images": "bytes", "image_diff_pages": different}
        from PIL import Image, ImageSequence

        with Image.open(source) as image:
            frames = [np.asarray(frame.convert("RGB") if frame.mode not in ("1", "L", "RGB") else frame)
                      for frame in ImageSequence.Iterator(image)]
        for number, (frame, page) in enumerate(zip(frames, out.pages), 1):
            images = list(page.get_images().values())
            if len(images) != 1:
                different.append(number)
                continue
            pil = PdfImage(images[0]).as_pil_image()
            pixels = np.asarray(pil.convert(frame_mode(frame)) if pil.mode != frame_mode(frame) else pil)
            if pixels.shape != frame.shape or not np.array_equal(pixels.astype(bool) if frame.dtype == bool else pixels,
                                                                frame):
                different.append(number)
        return {"images": "pixels", "image_diff_pages": different}


def frame_mode(frame) -> str:
    if frame.dtype == bool:
        return "1"
    return "L" if frame.ndim == 2 else "RGB"


def check_text(copy: Path, reading) -> dict:
    """Every numeric cell on a scanned page: its digits in the text layer inside its bbox."""
    import pikepdf
    import pypdfium2 as pdfium

    from extract.scan.searchable import page_transform

    pages = {p.number: p for p in reading.pages}
    # The copy's pages are the source's pages read (a two-page spread is one page of the
    # copy holding both halves' lines).
    numbers = sorted({p.page_in_source for p in reading.pages} | {n for n, _ in reading.unreadable_pages})
    index_of = {number: index for index, number in enumerate(numbers)}
    doc = pdfium.PdfDocument(str(copy))
    text_pages: dict[int, object] = {}
    checked, digital, misses = 0, 0, []
    with pikepdf.open(copy) as pdf:
        for key, cell_page, bbox, value in reading.cells:
            if cell_page is None or bbox is None or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            content = pages.get(cell_page)
            if content is None or content.scan_frame is None:
                digital += 1
                continue
            index = index_of[content.page_in_source]
            to_pdf = page_transform(pdf.pages[index], content.scan_frame)
            x0, top, x1, bottom = bbox
            corners = [to_pdf(x, y) for x in (x0, x1) for y in (top, bottom)]
            xs, ys = [p[0] for p in corners], [p[1] for p in corners]
            if index not in text_pages:
                text_pages[index] = doc[index].get_textpage()
            found = text_pages[index].get_text_bounded(min(xs), min(ys), max(xs), max(ys))
            digits = re.sub(r"\D", "", _plain(value))
            checked += 1
            if digits not in re.sub(r"\D", "", found):
                misses.append(f"p{cell_page} {key}={value!r} found {found.strip()!r}")
    return {"cells_checked": checked, "cells_digital_pages": digital, "misses": misses}


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- Chromium's viewer


def chromium_page_counts(copies: list[Path]) -> dict[str, object]:
    """Each copy opened in headless Chromium's PDF viewer: its page count (docLength_ of
    the viewer's element, over the DevTools protocol of the extension frame)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browserlib import pdf_viewer_page_count, start_chromium

    counts: dict[str, object] = {}
    driver = start_chromium("900,1200", ["--remote-allow-origins=*"])
    try:
        for copy in copies:
            driver.get("about:blank")
            time.sleep(0.5)
            pages, _ = pdf_viewer_page_count(driver, copy.as_uri(), 60)
            counts[str(copy)] = pages
    finally:
        driver.quit()
    return counts


# ---------------------------------------------------------------- driver


def line(result: dict) -> str:
    if "error" in result:
        return f"FAIL  {result['file']}: {result['error']}"
    pages_ok = result["pages_source"] == result["pages_copy"] and result.get("chromium", result["pages_copy"]) == \
        result["pages_copy"]
    ok = pages_ok and not result["image_diff_pages"] and not result["misses"]
    chromium = f" chromium {result['chromium']}" if "chromium" in result else ""
    text = (f"{'ok  ' if ok else 'FAIL'}  {result['file']}: pages {result['pages_source']}->{result['pages_copy']}"
            f"{chromium}; images ({result['images']}) differ on {result['image_diff_pages'] or 'none'}; "
            f"cells {result['cells_checked'] - len(result['misses'])}/{result['cells_checked']} in their bbox"
            f" (+{result['cells_digital_pages']} on text pages); {result['text_pages']} text pages, "
            f"{result['lines']} lines; {'PDF/A-' + result['pdfa'] if result['pdfa'] else result['note']}; "
            f"read {result['read_s']} s")
    return text + "".join(f"\n      miss {m}" for m in result["misses"][:20])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="copies, readings and results (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="write again from the pickled readings (no OCR)")
    parser.add_argument("--chromium", action="store_true", help="also check the page count in Chromium's viewer")
    parser.add_argument("--report", action="store_true",
                        help="run nothing: print the results already in --dir (with --chromium: check those copies)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child process: one file
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.one:
        try:
            result = read_and_write(args.one.resolve(), args.dir, args.reuse)
        except Exception as exc:  # reported as the file's line, not a traceback
            result = {"file": str(args.one), "error": f"{type(exc).__name__}: {exc}"}
        (args.dir / f"{args.one.name}.result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        return 0

    files = [f.resolve() for f in args.files] or scanned_samples()
    if args.report:
        files = [f for f in files if (args.dir / f"{f.name}.result.json").exists()]
        for f in files:
            print(line(json.loads((args.dir / f"{f.name}.result.json").read_text())))
    running: list[tuple[Path, subprocess.Popen]] = []
    queue = [] if args.report else list(files)
    while queue or running:
        while queue and len(running) < max(1, args.jobs):
            source = queue.pop(0)
            (args.dir / f"{source.name}.result.json").unlink(missing_ok=True)  # no stale result
            command = [sys.executable, __file__, "--one", str(source), "--dir", str(args.dir)]
            running.append((source, subprocess.Popen(command + (["--reuse"] if args.reuse else []))))
        time.sleep(1)
        for item in [r for r in running if r[1].poll() is not None]:
            running.remove(item)
            result_path = args.dir / f"{item[0].name}.result.json"
            if result_path.exists():
                print(line(json.loads(result_path.read_text())), flush=True)
    results = [json.loads((args.dir / f"{f.name}.result.json").read_text()) for f in files
               if (args.dir / f"{f.name}.result.json").exists()]
    if args.chromium:
        counts = chromium_page_counts([Path(r["copy"]) for r in results if "copy" in r])
        for result in results:
            if "copy" in result:
                result["chromium"] = counts.get(result["copy"])
        print("with Chromium's page count:")
        for result in results:
            print(line(result))
    good = [r for r in results if "error" not in r]
    print(f"\n{len(results)} files: pages equal in {sum(r['pages_source'] == r['pages_copy'] for r in good)}"
          + (f", in Chromium {sum(r.get('chromium') == r['pages_copy'] for r in good)}" if args.chromium else "")
          + f"; images identical in {sum(not r['image_diff_pages'] for r in good)}; "
          f"cells in their bbox {sum(r['cells_checked'] - len(r['misses']) for r in good)}/"
          f"{sum(r['cells_checked'] for r in good)} in {sum(not r['misses'] for r in good)} files clean; "
          f"PDF/A-2b {sum(r['pdfa'] == '2b' for r in good)}; errors {len(results) - len(good)}; "
          f"read {sum(r['read_s'] for r in good):.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
