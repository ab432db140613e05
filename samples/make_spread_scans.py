"""Generate two scan classes of archives that the office-scan twins (make_scans.py) do not
make, each as deterministic as those:

- ``scanned/scan-spread-<source>.pdf``: a report scanned on a book scanner or an A3 copier
  two pages at a time: every image holds two A4 pages side by side (an A3 landscape sheet,
  200 DPI grey, JPEG), the inner margins meeting at a fold that the scanner's light leaves
  shaded, the two pages a little apart and skewed a little each. A report of an odd number
  of pages ends on an A4 portrait image of its last page alone.
- ``scanned/scan-fax-dither-<source>.tif``: a report faxed or scanned to a 1-bit TIFF
  (CCITT G4, 200 DPI) as fax machines and archive scanners in "photo" mode make it: the
  table pages dithered from a slightly grey, slightly blurred page, one by error diffusion
  (Floyd-Steinberg, Pillow's ``convert("1")``), one by an ordered 4x4 Bayer pattern, so the
  paper's grey and every grey shading turn into dots; the other pages hard-thresholded
  (text mode), the common fax case.

Each ``<name>.expected.json`` is the source's expected JSON with the same values, plus a
``"scan"`` key recording what was done.

Usage::

    python samples/make_spread_scans.py
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_scans import encode_jpeg, render_pages, skew, write_expected, write_pdf  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "scanned"

A4_PT = (595.28, 841.89)
SPREAD = {"name": "scan-spread-r2024-zeros-small-01", "source": "r2024-zeros-small-01", "seed": 8101, "dpi": 200,
          "jpeg_quality": 50, "paper_grey": 240, "fold_depth": 70, "fold_width_mm": 18.0, "noise_sigma": 3.0}
DITHER = {"name": "scan-fax-dither-r2023-nulls-dash-01", "source": "r2023-nulls-dash-01", "seed": 8102, "dpi": 200,
          "paper_grey": 248, "blur_sigma_px": 0.8,
          "dithered_pages": {"2": "floyd-steinberg", "3": "bayer4"}}
# The ordered-dither threshold matrix (Bayer 4x4), thresholds spread over 0-255.
BAYER4 = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], np.float32) + 0.5) * 16.0


def _grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _paper(grey: np.ndarray, paper: int) -> np.ndarray:
    """White paper scanned a little grey: the page's tones mapped from [0, 255] to [0, paper]."""
    return (grey.astype(np.float32) * (paper / 255.0)).astype(np.uint8)


def make_spread(spec: dict) -> None:
    rng = np.random.default_rng(spec["seed"])
    dpi = spec["dpi"]
    pages = render_pages(HERE / f"{spec['source']}.pdf", dpi)
    images, sizes, recs = [], [], []
    for first in range(0, len(pages), 2):
        pair = pages[first : first + 2]
        tilts = [round(float(rng.uniform(-0.5, 0.5)), 2) for _ in pair]
        pair = [_paper(_grey(skew(p, t)), spec["paper_grey"]) for p, t in zip(pair, tilts)]
        if len(pair) == 1:
            image = pair[0]
            sizes.append(A4_PT)
        else:
            h, w = pair[0].shape
            gap = int(rng.integers(0, 12))  # the two sheets a few pixels apart at the fold
            image = np.full((h, 2 * w + gap), spec["paper_grey"], np.uint8)
            image[:, :w] = pair[0]
            image[:, w + gap :] = pair[1]
            # The fold: a shadow deepest where the pages meet, fading over fold_width_mm.
            x = np.arange(image.shape[1], dtype=np.float32)
            sigma = spec["fold_width_mm"] / 25.4 * dpi / 2.5
            shade = spec["fold_depth"] * np.exp(-0.5 * ((x - (w + gap / 2)) / sigma) ** 2)
            image = np.clip(image.astype(np.float32) - shade[None, :], 0, 255)
            image = image.astype(np.uint8)
            sizes.append((2 * A4_PT[0] + gap * 72.0 / dpi, A4_PT[1]))
        noise = rng.normal(0, spec["noise_sigma"], image.shape)
        image = np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        images.append(encode_jpeg(image, spec["jpeg_quality"]))
        recs.append({"image": len(images), "pages": list(range(first + 1, first + 1 + len(pair))), "skew_deg": tilts})
    write_pdf(OUT / f"{spec['name']}.pdf", images, sizes)
    _write_expected(spec, {"format": "pdf", "color": "gray", "images": recs})


def make_dither(spec: dict) -> None:
    dpi = spec["dpi"]
    frames = []
    for number, rgb in enumerate(render_pages(HERE / f"{spec['source']}.pdf", dpi), start=1):
        grey = _paper(_grey(rgb), spec["paper_grey"])
        how = spec["dithered_pages"].get(str(number))
        if how:
            grey = cv2.GaussianBlur(grey, (0, 0), spec["blur_sigma_px"])
        if how == "floyd-steinberg":
            frames.append(Image.fromarray(grey).convert("1"))  # Pillow's default: error diffusion
        elif how == "bayer4":
            h, w = grey.shape
            thresholds = np.tile(BAYER4, (h // 4 + 1, w // 4 + 1))[:h, :w]
            frames.append(Image.fromarray(np.where(grey > thresholds, 255, 0).astype(np.uint8)).convert("1", dither=Image.Dither.NONE))
        else:
            frames.append(Image.fromarray(grey).point(lambda v: 255 if v >= 160 else 0).convert("1", dither=Image.Dither.NONE))
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=(dpi, dpi))
    (OUT / f"{spec['name']}.tif").write_bytes(buf.getvalue())
    _write_expected(spec, {"format": "tiff", "compression": "group4", "color": "bilevel",
                           "dither": "dithered_pages as named, threshold 160 on the others"})


def _write_expected(spec: dict, scan: dict) -> None:
    expected = json.loads((HERE / f"{spec['source']}.expected.json").read_text(encoding="utf-8"))
    write_expected(spec["name"], expected, {**{k: v for k, v in spec.items() if k != "name"}, **scan})


def main() -> int:
    make_spread(SPREAD)
    make_dither(DITHER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
