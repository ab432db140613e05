"""Orientation of table-only scanned pages: the old decision against the current one.

    python benchmarks/bench_orientation.py [--dpi 150 200] [--limit N] [--verbose]

Test pages are rendered from the table-heavy pages of the digital samples (pages whose
text lies almost all inside ruled tables, landscape pages included), in grey, with the
label cells shaded light grey (as real scans of Word tables with coloured header rows
are), uneven lighting, noise, a slight skew (0-1.5 degrees) and JPEG compression
(quality 40-70), each in all four quarter turns. Deterministic (fixed seeds).

Prints, for the old method (a copy kept here for the comparison only) and the current
`extract.scan.upright_turns`: pages right / total per applied turn, and the seconds per
page of the decision itself (ink analysis included; the recogniser's model is warm).
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
_CJK = re.compile(r"[\u3400-\u9fff]")
# A page is table-only when fewer text-layer characters than this lie outside its tables.
_MAX_PROSE_CHARS = 40


@dataclass(frozen=True)
class BenchPage:
    name: str
    dpi: int
    turns: int  # quarter turns (counter-clockwise) applied to the upright page
    gray: np.ndarray


def table_pages(sample: Path, max_prose_chars: int = _MAX_PROSE_CHARS):
    """(page index, label-cell boxes in points) of the sample's table-only pages."""
    from extract.read import pdf
    from extract.settings import DEFAULT_SETTINGS as S
    from extract.tables.grid import grids_on_page

    doc = pdf.open_pdf(sample, S)
    try:
        for i in range(len(doc)):
            content = pdf.read_page(doc, i, S)
            grids = grids_on_page(content, S)
            if not grids:
                continue
            inside = [b for b in content.boxes if any(_within(b.bbox, g.bbox) for g in grids)]
            if len(content.boxes) - len(inside) >= max_prose_chars:
                continue
            labels = [c.bbox for g in grids for c in g.cells if _CJK.search(c.text)]
            yield i, labels
    finally:
        doc.close()


def _within(box, outer, slack: float = 2.0) -> bool:
    return (outer.x0 - slack <= box.x0 and box.x1 <= outer.x1 + slack
            and outer.top - slack <= box.top and box.bottom <= outer.bottom + slack)


def scanned_page(sample: Path, index: int, labels, dpi: int, seed: int) -> np.ndarray:
    """The page as a grey office scan, upright: label cells shaded, lit unevenly, noisy,
    slightly skewed, JPEG-compressed."""
    import pypdfium2 as pdfium

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(sample))
    try:
        page = doc[index]
        image = page.render(scale=dpi / 72, grayscale=True).to_numpy()
        page.close()
    finally:
        doc.close()
    gray = (image if image.ndim == 2 else image[:, :, 0]).astype(np.float32)
    px = dpi / 72
    shade = float(rng.integers(200, 231)) / 255  # one fill colour per page, as a Word style
    for box in labels:
        y0, y1, x0, x1 = int(box.top * px), int(box.bottom * px), int(box.x0 * px), int(box.x1 * px)
        gray[y0:y1, x0:x1] *= shade  # multiply: print stays dark over the fill
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w]
    gray *= 1.0 - 0.12 * (xx / w + yy / h) / 2
    gray += rng.normal(0, 5, gray.shape)
    skew = float(rng.uniform(0, 1.5)) * (1 if rng.random() < 0.5 else -1)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    gray = cv2.warpAffine(np.clip(gray, 0, 255).astype(np.uint8), matrix, (w, h), borderValue=235)
    ok, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 71))])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def build_pages(samples: list[Path], dpis: list[int]) -> list[BenchPage]:
    pages = []
    for s_i, sample in enumerate(samples):
        for index, labels in table_pages(sample):
            for dpi in dpis:
                upright = scanned_page(sample, index, labels, dpi, seed=1000 * s_i + 10 * index + dpi)
                for turns in range(4):
                    pages.append(BenchPage(f"{sample.stem} p{index + 1}", dpi, turns,
                                          np.ascontiguousarray(np.rot90(upright, turns))))
    return pages


# --- The old decision (before issue 7), copied for this comparison only ---------------

def _old_row_profile_contrast(text_ink: np.ndarray) -> float:
    profile = text_ink.sum(axis=1, dtype=np.float64)
    mean = profile.mean()
    return float(profile.std() / mean) if mean > 0 else 0.0


def _old_sample_lines(gray, ink, dpi, limit):
    smear = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(dpi * 0.06)), 1)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    candidates = [tuple(stats[k][:4]) for k in range(1, count)
                  if dpi * 0.05 < stats[k][3] < dpi * 0.3 and stats[k][2] > 2.5 * stats[k][3]]
    candidates.sort(key=lambda s: -s[2])
    return [gray[y: y + h, x: x + w] for x, y, w, h in candidates[:limit]]


def old_upright_turns(gray, ink, dpi, engine) -> int:
    from extract.scan.pixels import line_masks, turn

    h, v = line_masks(ink, dpi, 0.2)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(cv2.bitwise_or(h, v), np.ones((5, 5), np.uint8))))
    upright, sideways = _old_row_profile_contrast(text_ink), _old_row_profile_contrast(turn(text_ink, 1))
    if upright > 1.4 * sideways:
        quarters = [0]
    elif sideways > 1.4 * upright:
        quarters = [1]
    else:
        quarters = [0, 1]
    best, best_score = quarters[0], -1.0
    for quarter in quarters:
        lines = _old_sample_lines(turn(gray, quarter), turn(text_ink, quarter), dpi, 8)
        if not lines:
            continue
        as_is = engine.recognize_lines(lines)
        flipped = engine.recognize_lines([np.ascontiguousarray(np.rot90(x, 2)) for x in lines])
        for turns, results in ((quarter, as_is), (quarter + 2, flipped)):
            score = sum(r.confidence * len(r.text) for r in results) / max(1, sum(len(r.text) for r in results))
            if score > best_score:
                best, best_score = turns, score
    return best


# --------------------------------------------------------------------------------------

def evaluate(name: str, decide, pages: list[BenchPage], engine, verbose: bool) -> None:
    from extract.scan.pixels import ink_mask

    right = {t: 0 for t in range(4)}
    total = {t: 0 for t in range(4)}
    seconds = 0.0
    for p in pages:
        start = time.perf_counter()
        found = decide(p.gray, ink_mask(p.gray, p.dpi), p.dpi, engine)
        seconds += time.perf_counter() - start
        # Turning by `found` must undo the applied turns.
        ok = (found + p.turns) % 4 == 0
        right[p.turns] += ok
        total[p.turns] += 1
        if verbose and not ok:
            print(f"  {name}: {p.name} {p.dpi} dpi turned {p.turns}: decided {found}")
    per_turn = "  ".join(f"turn {t}: {right[t]}/{total[t]}" for t in range(4))
    print(f"{name:<5} {sum(right.values())}/{len(pages)} right   {per_turn}   {seconds / len(pages):.3f} s/page")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200])
    parser.add_argument("--limit", type=int, default=0, help="only the first N samples")
    parser.add_argument("--only", choices=["old", "new"], help="run one method")
    parser.add_argument("--verbose", action="store_true", help="list the pages decided wrong")
    args = parser.parse_args()

    from extract.scan.ocr import get_engine
    from extract.scan.scanned_page import upright_turns

    samples = sorted((ROOT / "samples").glob("*.pdf"))
    samples = [s for s in samples if "encrypted" not in s.name][: args.limit or None]
    pages = build_pages(samples, args.dpi)
    engine = get_engine("rapidocr")
    engine.recognize_lines([np.full((32, 100), 255, np.uint8)])  # load the models
    print(f"{len(pages)} pages ({len(pages) // 4} table-only page images x 4 turns), dpi {args.dpi}")
    if args.only != "new":
        evaluate("old", old_upright_turns, pages, engine, args.verbose)
    if args.only != "old":
        evaluate("new", upright_turns, pages, engine, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
