"""Generate deterministic *scanned twins* of the digital samples (tests for the OCR path).

Each twin renders every page of a digital sample ``samples/<source>.pdf`` with pypdfium2,
degrades it like an ordinary office scan (resolution, skew, a page fed sideways or upside
down, uneven lighting, blur, noise, JPEG compression, red seals) and writes

- ``samples/scanned/<name>.pdf``: an image-only PDF (one JPEG per page, no text layer), or
  ``samples/scanned/<name>.tif``: a multi-page grayscale TIFF;
- ``samples/scanned/<name>.expected.json``: the source's expected JSON, unchanged, plus a
  top-level ``"scan"`` key recording the degradations applied.

Usage::

    python samples/make_scans.py              # all twins in TWINS
    python samples/make_scans.py --only NAME  # one twin (repeatable)
    python samples/make_scans.py --list       # print the twin table

Determinism: all randomness comes from ``random.Random(seed)`` and
``numpy.random.default_rng(seed)`` with a fixed seed per twin (and per page), JPEG
encoding is libjpeg via OpenCV, the PDF's /CreationDate and /ID (set by pdfium from the clock) are replaced
by fixed values, and the TIFF carries no date tag. Two runs give byte-identical files with the same library versions
(pypdfium2, OpenCV, Pillow/libtiff) and the same CJK font (the seal text).

Needs: pypdfium2, pdfplumber (to locate the section 三 table and the signature),
numpy, opencv-python-headless, Pillow (seal text with a Noto CJK font, TIFF writing).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import math
import random
import re
import sys
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
OUT = HERE / "scanned"

# --------------------------------------------------------------------------------------
# The twin table. One entry per twin; add entries to add twins.
#
#   source     digital sample name (samples/<source>.pdf and .expected.json)
#   seed       seed of every random draw of the twin
#   format     "pdf" (image-only, JPEG pages) or "tiff" (multi-page, grayscale)
#   dpi        scan resolution (150, 200 or 300)
#   color      "rgb" or "gray"
#   quality    JPEG quality (30-60)
#   skew       maximum |skew| in degrees; each page draws its own skew in
#              [-skew, +skew] (an automatic document feeder skews each sheet differently)
#   rotate     {page index (0-based, or "landscape" = the first landscape page): degrees}
#              the page is fed rotated by that many degrees clockwise (90: a landscape page
#              scanned sideways; 180: upside down). To read it, turn it counter-clockwise.
#   noise      sigma of the additive Gaussian noise (0-255 scale)
#   blur       sigma of the Gaussian blur in pixels at 300 DPI (scaled with the dpi)
#   lighting   depth of the smooth brightness gradient (0.0 none .. 0.2 strong)
#   value_rules  optional: 四's vertical rulings damaged in its value row (the last row of the
#              15-column table), as a 150 DPI scanner's threshold and JPEG leave thin lines
#              there: dict(broken=[k, ...], shifted=[k, ...], faint=[k, ...]), k the index of
#              a column boundary (1..14, left to right: 5 is between 复议 总计 and 直接起诉
#              结果维持, 10 between 直接起诉 总计 and 复议后起诉 结果维持). broken: the line
#              erased over the middle 70 % of the row; shifted: the row's piece moved right
#              by ~1 pt (2 px at 150 DPI) with a gap at each end; faint: lightened to a
#              quarter of its darkness.
#   seals      which seals to stamp: "signature" (over the agency name and date at the end
#              of the report) and/or "table" (overlapping the edge of the section 三 table,
#              on the page that holds 本年新收)
#   seal_text  "curved" (agency name along the ring) or "curved+straight" (plus a straight
#              line under the star)
#   camera     optional: a camera or overhead-scanner capture instead of a flatbed scan,
#              dict(keystone=(lo, hi), curl=px, gutter=depth, desk=grey). Each page draws a
#              perspective tilt of lo..hi (fractions, e.g. 0.03-0.06) on both axes with a
#              random sign (the far edge of the sheet shorter than the near one: the top
#              narrower than the bottom or the reverse, and likewise left against right),
#              a page curl near the binding (horizontal lines bowed by up to `curl` px at
#              the twin's dpi where they meet the binding edge, 0 a third of the page away),
#              and a gutter shadow (brightness loss `gutter` at the binding edge). The
#              binding is on the left of odd pages and on the right of even ones (a bound
#              report photographed open). The sheet is shrunk to fit inside the frame,
#              the rest shows the desk (grey level `desk`).
#              Phone photos (all optional, each drawn per page from the same stream after
#              the keys above, so twins without them are unchanged): fit=(lo, hi), the
#              sheet fills only that share of the frame, off centre (the desk shows around
#              it; default 0.93, centred); roll=deg, the phone turned about its axis by up
#              to that many degrees either way, on top of the keystone; warm=depth, warm
#              uneven light (an off-centre lamp: blue falls by up to `depth`, green by half
#              of it, brightness by a third, towards the far side); shadow=depth, the soft
#              shadow of the hand or phone over one side of the sheet (brightness loss).
# --------------------------------------------------------------------------------------
TWINS: list[dict] = [
    # seed-2024 (real report, 2021 format): a clean colour office scan and a rough one.
    dict(name="scan-seed-2024", source="seed-2024", seed=2401, format="pdf", dpi=200,
         color="rgb", quality=45, skew=1.2, rotate={}, noise=5.0, blur=0.9,
         lighting=0.10, seals=["signature", "table"], seal_text="curved"),
    dict(name="scan-seed-2024-b", source="seed-2024", seed=2402, format="pdf", dpi=300,
         color="gray", quality=35, skew=2.5, rotate={}, noise=7.0, blur=1.2,
         lighting=0.16, seals=["signature"], seal_text="curved+straight"),
    # 2019 format.
    dict(name="scan-r2019-basic-procurement-01", source="r2019-basic-procurement-01",
         seed=1901, format="pdf", dpi=300, color="rgb", quality=30, skew=1.5, rotate={},
         noise=8.0, blur=1.0, lighting=0.14, seals=["signature", "table"],
         seal_text="curved+straight"),
    dict(name="scan-r2020-wrap-bigfont-01", source="r2020-wrap-bigfont-01", seed=2001,
         format="pdf", dpi=150, color="rgb", quality=55, skew=1.0, rotate={}, noise=4.0,
         blur=0.8, lighting=0.08, seals=["signature", "table"], seal_text="curved"),
    dict(name="scan-r2020-split-withheld-repeat-01", source="r2020-split-withheld-repeat-01",
         seed=2002, format="pdf", dpi=200, color="rgb", quality=50, skew=2.5, rotate={},
         noise=5.0, blur=0.9, lighting=0.12, seals=["signature", "table"], seal_text="curved"),
    dict(name="scan-r2023-format2019-late-01", source="r2023-format2019-late-01", seed=2303,
         format="pdf", dpi=150, color="gray", quality=40, skew=1.8, rotate={}, noise=6.0,
         blur=0.9, lighting=0.12, seals=["signature"], seal_text="curved"),
    # 2021 format.
    dict(name="scan-r2021-split-unable-norepeat-01", source="r2021-split-unable-norepeat-01",
         seed=2101, format="pdf", dpi=300, color="rgb", quality=40, skew=2.0, rotate={},
         noise=6.0, blur=1.0, lighting=0.12, seals=["signature", "table"],
         seal_text="curved+straight"),
    dict(name="scan-r2021-split-fullwidth-01", source="r2021-split-fullwidth-01", seed=2102,
         format="tiff", dpi=200, color="gray", quality=50, skew=1.5, rotate={}, noise=4.0,
         blur=0.8, lighting=0.10, seals=["signature", "table"], seal_text="curved"),
    dict(name="scan-r2022-labels-variant-01", source="r2022-labels-variant-01", seed=2201,
         format="pdf", dpi=200, color="rgb", quality=50, skew=0.8, rotate={1: 180},
         noise=4.0, blur=0.8, lighting=0.10, seals=["signature"], seal_text="curved"),
    dict(name="scan-r2022-landscape-review-01", source="r2022-landscape-review-01",
         seed=2202, format="pdf", dpi=200, color="rgb", quality=45, skew=1.5,
         rotate={"landscape": 90}, noise=5.0, blur=0.9, lighting=0.12,
         seals=["signature", "table"], seal_text="curved"),
    dict(name="scan-r2023-bignumbers-thousands-01", source="r2023-bignumbers-thousands-01",
         seed=2301, format="pdf", dpi=300, color="rgb", quality=60, skew=1.0, rotate={},
         noise=5.0, blur=1.0, lighting=0.18, seals=["signature", "table"],
         seal_text="curved"),
    dict(name="scan-r2024-error-grandtotal-01", source="r2024-error-grandtotal-01",
         seed=2404, format="pdf", dpi=150, color="rgb", quality=40, skew=2.2, rotate={},
         noise=6.0, blur=0.8, lighting=0.14, seals=["signature", "table"],
         seal_text="curved+straight"),
    dict(name="scan-r2025-zeros-split-unable-01", source="r2025-zeros-split-unable-01",
         seed=2501, format="pdf", dpi=200, color="gray", quality=35, skew=2.0, rotate={},
         noise=6.0, blur=1.0, lighting=0.15, seals=["signature", "table"], seal_text="curved"),
    # Real-producer layouts (samples/README.md): greyscale office scans of table-only pages
    # (short numbers, shaded label rows, little prose), landscape pages scanned upright.
    dict(name="scan-r2022-word-shaded-01", source="r2022-word-shaded-01", seed=2221,
         format="pdf", dpi=150, color="gray", quality=45, skew=1.2, rotate={}, noise=5.0,
         blur=0.8, lighting=0.10, seals=["signature"], seal_text="curved"),
    dict(name="scan-r2025-lo-landscape-01", source="r2025-lo-landscape-01", seed=2521,
         format="pdf", dpi=150, color="gray", quality=45, skew=1.0, rotate={}, noise=5.0,
         blur=0.8, lighting=0.12, seals=[], seal_text="curved"),
    dict(name="scan-r2023-word-tbrl-01", source="r2023-word-tbrl-01", seed=2321,
         format="pdf", dpi=150, color="gray", quality=40, skew=1.5, rotate={}, noise=6.0,
         blur=0.9, lighting=0.12, seals=["signature", "table"], seal_text="curved"),
    dict(name="scan-r2024-wps-vertical-01", source="r2024-wps-vertical-01", seed=2421,
         format="pdf", dpi=200, color="gray", quality=50, skew=1.5, rotate={}, noise=8.0,
         blur=0.9, lighting=0.12, seals=["signature"], seal_text="curved+straight"),
    dict(name="scan-r2022-other-single-01", source="r2022-other-single-01", seed=2222,
         format="pdf", dpi=150, color="gray", quality=40, skew=1.8, rotate={}, noise=6.0,
         blur=0.8, lighting=0.14, seals=["signature", "table"], seal_text="curved"),
    # Issue 17, failure class 1: WPS-like 四 with narrow columns, 150 DPI grey JPEG, and
    # vertical rulings of the value row broken, shifted or faint (see `value_rules`).
    dict(name="scan-r2024-wps-narrow-review-01", source="r2024-wps-narrow-review-01", seed=2431,
         format="pdf", dpi=150, color="gray", quality=40, skew=1.2, rotate={}, noise=6.0,
         blur=0.9, lighting=0.12, seals=["signature"], seal_text="curved",
         value_rules=dict(broken=[5, 9], shifted=[10], faint=[3, 12])),
    dict(name="scan-r2024-wps-vertical-rules-01", source="r2024-wps-vertical-01", seed=2432,
         format="pdf", dpi=150, color="gray", quality=45, skew=1.0, rotate={}, noise=5.0,
         blur=0.8, lighting=0.10, seals=["signature"], seal_text="curved+straight",
         value_rules=dict(broken=[1, 10], shifted=[5, 13], faint=[7])),
    dict(name="scan-r2022-other-single-rules-01", source="r2022-other-single-01", seed=2433,
         format="pdf", dpi=150, color="gray", quality=42, skew=1.5, rotate={}, noise=6.0,
         blur=0.9, lighting=0.14, seals=["signature"], seal_text="curved",
         value_rules=dict(broken=[4], shifted=[2], faint=[5, 10, 11])),
    # Camera / overhead-scanner captures (issue 17, class 3): keystone on both axes, page
    # curl near the binding, gutter shadow; section 三 split across pages 3-4 in each.
    dict(name="scan-camera-r2021-split-unable-norepeat-01", source="r2021-split-unable-norepeat-01",
         seed=2171, format="pdf", dpi=200, color="rgb", quality=50, skew=0.6, rotate={},
         noise=4.0, blur=0.9, lighting=0.10, seals=["signature"], seal_text="curved",
         camera=dict(keystone=(0.04, 0.06), curl=10.0, gutter=0.35, desk=150)),
    dict(name="scan-camera-r2020-split-withheld-repeat-01", source="r2020-split-withheld-repeat-01",
         seed=2072, format="pdf", dpi=150, color="gray", quality=45, skew=0.8, rotate={},
         noise=5.0, blur=0.8, lighting=0.12, seals=["signature"], seal_text="curved",
         camera=dict(keystone=(0.03, 0.05), curl=7.0, gutter=0.3, desk=165)),
    dict(name="scan-camera-r2025-zeros-split-unable-01", source="r2025-zeros-split-unable-01",
         seed=2573, format="pdf", dpi=200, color="gray", quality=45, skew=0.5, rotate={},
         noise=5.0, blur=0.9, lighting=0.10, seals=["signature"], seal_text="curved",
         camera=dict(keystone=(0.05, 0.06), curl=18.0, gutter=0.4, desk=140)),
    # Phone photos of printed reports (issue 17, class 3, session 7): the sheet filling
    # 78-90 % of the frame off centre on a dark desk, turned a few degrees on top of the
    # keystone, warm uneven lamp light and a hand's shadow, colour JPEG q70-72.
    dict(name="scan-camera-phone-r2022-split-proactive-01", source="r2022-split-proactive-01",
         seed=2281, format="pdf", dpi=150, color="rgb", quality=70, skew=0.5, rotate={},
         noise=4.0, blur=0.9, lighting=0.08, seals=["signature"], seal_text="curved",
         camera=dict(keystone=(0.03, 0.06), curl=10.0, gutter=0.3, desk=120, fit=(0.78, 0.9),
                     roll=3.5, warm=0.25, shadow=0.25)),
    dict(name="scan-camera-phone-r2024-wps-vertical-01", source="r2024-wps-vertical-01",
         seed=2481, format="pdf", dpi=180, color="rgb", quality=72, skew=0.5, rotate={},
         noise=4.0, blur=0.9, lighting=0.08, seals=["signature"], seal_text="curved",
         camera=dict(keystone=(0.04, 0.06), curl=12.0, gutter=0.3, desk=130, fit=(0.78, 0.88),
                     roll=3.0, warm=0.18, shadow=0.35)),
]

A4_MM = (210.0, 297.0)
SEAL_DIAMETER_MM = 40.0
SEAL_RGB = (205, 28, 38)           # stamp-pad red
PAPER_GREY = 246                   # scanned "white" paper
BED_GREY = 228                     # scanner lid / bed visible where a skewed sheet leaves it
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]
DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


# ----------------------------------------------------------------------------- layout
def _lines(words: list[dict], tol: float = 3.0) -> list[dict]:
    """Group pdfplumber words into lines: {text, x0, x1, top, bottom}."""
    lines: list[dict] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        for ln in lines:
            if abs(ln["top"] - w["top"]) <= tol:
                ln["text"] += w["text"]
                ln["x0"] = min(ln["x0"], w["x0"])
                ln["x1"] = max(ln["x1"], w["x1"])
                ln["bottom"] = max(ln["bottom"], w["bottom"])
                break
        else:
            lines.append(dict(text=w["text"], x0=w["x0"], x1=w["x1"], top=w["top"],
                              bottom=w["bottom"]))
    return sorted(lines, key=lambda ln: ln["top"])


def locate(pdf_path: Path) -> dict:
    """Page sizes, the section 三 table (page + bbox) and the signature block, in PDF pt
    with the origin at the top-left (pdfplumber coordinates)."""
    info: dict = {"sizes": [], "table": None, "signature": None}
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            info["sizes"].append((float(page.width), float(page.height)))
            if info["table"] is None:
                hits = [w for w in page.extract_words() if "本年新收" in w["text"]]
                if hits:
                    w = hits[0]
                    best = None
                    for t in page.find_tables():
                        x0, top, x1, bottom = t.bbox
                        if top - 2 <= w["top"] <= bottom + 2 and x0 - 2 <= w["x0"] <= x1 + 2:
                            best = t.bbox
                    if best is None:  # no ruled table found: the word's line to page foot
                        best = (w["x0"] - 6, w["top"] - 6, page.width - w["x0"] + 6,
                                page.height - 72)
                    info["table"] = {"page": i, "bbox": [float(v) for v in best]}
        last = pdf.pages[-1]
        lines = _lines(last.extract_words())
        sig = None
        if lines:
            tail = lines[-3:]
            dates = [ln for ln in tail if DATE_RE.search(ln["text"])]
            if dates:
                d = dates[-1]
                block = [ln for ln in tail if ln["top"] >= d["top"] - 30]
                x0 = min(ln["x0"] for ln in block)
                x1 = max(ln["x1"] for ln in block)
                top = min(ln["top"] for ln in block)
                bottom = max(ln["bottom"] for ln in block)
                sig = {"kind": "name+date", "center": [(x0 + x1) / 2, (top + bottom) / 2]}
            else:  # no signature block (seed-2024): stamp below the last line, right side
                end = lines[-1]["bottom"]
                w, h = last.width, last.height
                sig = {"kind": "after-text",
                       "center": [w * 0.70, min(end + 62.0, h - 70.0)]}
        info["signature"] = sig | {"page": len(pdf.pages) - 1} if sig else None
    return info


# ----------------------------------------------------------------------------- seal
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size=size, index=2)  # index 2: SC in Noto .ttc
    return None


def _star(cx: float, cy: float, r_out: float, rot: float) -> np.ndarray:
    pts = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_out * 0.382
        a = rot - math.pi / 2 + k * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return np.array(pts)


def seal_mask(diameter_px: int, agency: str, style: str, rng: np.random.Generator,
              prng: random.Random) -> np.ndarray:
    """Ink coverage (float32 0..1) of a round official seal, drawn at 4x and reduced."""
    ss = 4
    size = diameter_px * ss + 8 * ss
    c = size / 2
    R = diameter_px * ss / 2
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    ring = max(2, int(R * 0.075))
    draw.ellipse([c - R, c - R, c + R, c + R], outline=255, width=ring)
    star = _star(c, c - R * 0.02, R * 0.30, 0.0)
    draw.polygon([tuple(p) for p in star], fill=255)

    if agency and _font(10) is not None:
        text = agency
        n = len(text)
        span = min(math.radians(250), math.radians(28) * n)  # arc covered by the name
        # Glyph size: at most 0.26 R, and small enough that neighbours do not touch.
        r_mid = R - ring - R * 0.17
        fsize = int(min(R * 0.26, 0.86 * r_mid * span / n))
        font = _font(fsize)
        r_text = R - ring - R * 0.05 - fsize * 0.55
        for k, ch in enumerate(text):
            ang = -math.pi / 2 - span / 2 + span * (k + 0.5) / n  # from left to right over top
            glyph = Image.new("L", (int(fsize * 1.6), int(fsize * 1.6)), 0)
            gd = ImageDraw.Draw(glyph)
            gd.text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(ang + math.pi / 2), resample=Image.BICUBIC)
            gx = c + r_text * math.cos(ang) - glyph.width / 2
            gy = c + r_text * math.sin(ang) - glyph.height / 2
            img.paste(255, (int(round(gx)), int(round(gy))), glyph)
        if style == "curved+straight":
            sfont = _font(int(R * 0.17))
            draw.text((c, c + R * 0.52), "政务公开专用章", font=sfont, fill=255, anchor="mm")

    mask = np.asarray(img, dtype=np.float32) / 255.0
    mask = cv2.resize(mask, (size // ss, size // ss), interpolation=cv2.INTER_AREA)
    # Uneven ink: smooth low-frequency density, a few speckle gaps, soft edges.
    h, w = mask.shape
    lo = rng.random((max(2, h // 24), max(2, w // 24))).astype(np.float32)
    lo = cv2.resize(lo, (w, h), interpolation=cv2.INTER_CUBIC)
    density = 0.70 + 0.30 * np.clip(lo, 0, 1)
    speck = (rng.random((h, w)) > 0.04).astype(np.float32)
    speck = cv2.GaussianBlur(speck, (0, 0), 0.8)
    mask = cv2.GaussianBlur(mask, (0, 0), 0.6) * density * (0.55 + 0.45 * speck)
    # Random stamping angle.
    angle = prng.uniform(-25, 25)
    M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    mask = cv2.warpAffine(mask, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    return np.clip(mask, 0, 1)


def stamp(img: np.ndarray, mask: np.ndarray, cx: float, cy: float, opacity: float) -> None:
    """Multiply-blend the red seal into the RGB image (in place), centred at (cx, cy) px."""
    h, w = mask.shape
    x0, y0 = int(round(cx - w / 2)), int(round(cy - h / 2))
    ix0, iy0 = max(0, x0), max(0, y0)
    ix1, iy1 = min(img.shape[1], x0 + w), min(img.shape[0], y0 + h)
    if ix0 >= ix1 or iy0 >= iy1:
        return
    a = mask[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0, None] * opacity
    red = np.array(SEAL_RGB, dtype=np.float32) / 255.0
    region = img[iy0:iy1, ix0:ix1].astype(np.float32)
    region *= 1.0 - a * (1.0 - red)
    img[iy0:iy1, ix0:ix1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------- degradations
def lighting_field(h: int, w: int, depth: float, prng: random.Random) -> np.ndarray:
    """Smooth multiplicative brightness field in [1-depth, 1]: a linear ramp in a random
    direction plus an off-centre radial falloff (lid not closed, uneven lamp)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx /= w
    yy /= h
    th = prng.uniform(0, 2 * math.pi)
    ramp = (xx - 0.5) * math.cos(th) + (yy - 0.5) * math.sin(th)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    cx, cy = prng.uniform(0.2, 0.8), prng.uniform(0.2, 0.8)
    rad = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    rad /= max(1e-6, float(rad.max()))
    field = 0.6 * ramp + 0.4 * rad ** 2
    return 1.0 - depth * field


def skew(img: np.ndarray, deg: float) -> np.ndarray:
    """Rotate about the centre (counter-clockwise for positive deg), same canvas; the
    uncovered corners show the grey scanner bed, with a faint shadow along the sheet edge."""
    h, w = img.shape[:2]
    if abs(deg) < 1e-3:
        return img
    M = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    out = cv2.warpAffine(img, M, (w, h), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(BED_GREY,) * 3)
    sheet = cv2.warpAffine(np.full((h, w), 255, np.uint8), M, (w, h), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    edge = cv2.morphologyEx(sheet, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    edge = cv2.GaussianBlur(edge.astype(np.float32) / 255.0, (0, 0), 1.2)
    out = out.astype(np.float32) * (1.0 - 0.25 * edge[..., None])
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def camera_draw(twin: dict, page_index: int) -> dict | None:
    """The page's camera geometry, from its own random stream (so that adding `camera` to
    the twin table never changes the draws of the other degradations)."""
    cam = twin.get("camera")
    if not cam:
        return None
    cr = random.Random(twin["seed"] * 7919 + page_index)
    lo, hi = cam["keystone"]
    return {
        # > 0: the top edge is shorter than the bottom one (camera tilted down at the
        # sheet's foot); < 0 the reverse. Likewise the left edge against the right one.
        "keystone_x": round(cr.choice((-1, 1)) * cr.uniform(lo, hi), 4),
        "keystone_y": round(cr.choice((-1, 1)) * cr.uniform(lo, hi), 4),
        "binding": "left" if page_index % 2 == 0 else "right",
        "curl_px": cam["curl"],
        "gutter_depth": cam["gutter"],
    } | _phone_draw(cam, cr)


def _phone_draw(cam: dict, cr: random.Random) -> dict:
    """The phone-photo keys of one page (see `camera` in the twin table), drawn only for
    the keys the twin sets."""
    out: dict = {}
    if "fit" in cam:
        fit = cr.uniform(*cam["fit"])
        # Where the sheet sits in the free margin: 0 left/top .. 1 right/bottom.
        out |= {"fit": round(fit, 3), "place": [round(cr.uniform(0.15, 0.85), 3), round(cr.uniform(0.15, 0.85), 3)]}
    if "roll" in cam:
        out["roll_deg"] = round(cr.uniform(-cam["roll"], cam["roll"]), 2)
    if "warm" in cam:
        # The lamp's position (fractions of the frame) and the cast's depth.
        out |= {"warm": cam["warm"], "lamp": [round(cr.uniform(-0.3, 1.3), 3), round(cr.uniform(-0.3, 0.3), 3)]}
    if "shadow" in cam:
        # A soft shadow edge across the sheet: its angle and where it crosses the centre.
        out |= {"shadow": cam["shadow"], "shadow_angle_deg": round(cr.uniform(0, 360), 1),
                "shadow_offset": round(cr.uniform(0.15, 0.35), 3)}
    return out


def _binding_weight(w: int, binding: str, reach: float) -> np.ndarray:
    """Per column, 1 at the binding edge falling smoothly to 0 at `reach` (fraction of the
    width) from it."""
    d = np.arange(w, dtype=np.float32) / w
    if binding == "right":
        d = d[::-1]
    t = np.clip(1.0 - d / reach, 0.0, 1.0)
    return t * t


def gutter_shadow(img: np.ndarray, binding: str, depth: float) -> np.ndarray:
    """The paper darkens towards the binding (it curves away from the light)."""
    h, w = img.shape[:2]
    field = 1.0 - depth * _binding_weight(w, binding, 0.12)
    out = img.astype(np.float32) * field[None, :, None]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def page_curl(img: np.ndarray, binding: str, curl_px: float) -> np.ndarray:
    """The sheet dips towards the binding, further from the lens, so near it the print
    shrinks towards the page's middle row: a horizontal line bows by up to `curl_px` at the
    binding edge (the most at the top and bottom of the page), a third of the page away
    not at all; columns near the binding are pulled a little towards it too."""
    h, w = img.shape[:2]
    g = _binding_weight(w, binding, 0.35)
    cy = h / 2.0
    shrink = curl_px / cy * g                                  # per column, fraction
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    # Destination (curled) -> source: undo the shrink towards the middle row.
    map_y = cy + (ys - cy) / (1.0 - shrink[None, :])
    lean = (0.5 * curl_px) * g * (1 if binding == "left" else -1)
    map_x = xs + lean[None, :]
    return cv2.remap(img, map_x, map_y, interpolation=cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=(PAPER_GREY,) * 3)


def keystone(img: np.ndarray, kx: float, ky: float, desk: int, fit: float = 0.93,
             place: tuple[float, float] = (0.5, 0.5), roll_deg: float = 0.0) -> tuple[np.ndarray, list]:
    """Perspective of a camera not square to the sheet: the top edge kx shorter than the
    bottom one (a fraction of the width; negative: the bottom shorter) and the left edge ky
    shorter than the right one. The sheet is shrunk to `fit` of the frame, placed at
    `place` (fractions of the free margin), and turned by `roll_deg` (counter-clockwise,
    the phone turned about its axis) about its centre; the rest is desk.
    Returns the image and where the sheet's corners landed (px, TL TR BR BL)."""
    h, w = img.shape[:2]
    mx, my = w * (1 - fit) * place[0], h * (1 - fit) * place[1]
    W, H = w * fit, h * fit
    tl = [mx + max(kx, 0) * W / 2, my + max(ky, 0) * H / 2]
    tr = [mx + W - max(kx, 0) * W / 2, my + max(-ky, 0) * H / 2]
    br = [mx + W - max(-kx, 0) * W / 2, my + H - max(-ky, 0) * H / 2]
    bl = [mx + max(-kx, 0) * W / 2, my + H - max(ky, 0) * H / 2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([tl, tr, br, bl])
    if roll_deg:
        centre = dst.mean(axis=0)
        t = math.radians(roll_deg)
        turn = np.float32([[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]])  # y down
        dst = ((dst - centre) @ turn.T + centre).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(img, matrix, (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=(desk,) * 3)
    return out, [[round(float(v), 1) for v in p] for p in dst]


def phone_light(img: np.ndarray, cam: dict) -> np.ndarray:
    """Light of a phone photo over the whole frame (sheet and desk): a warm lamp off to
    one side (the image's channels are RGB: blue falls by up to `warm`, green by half of
    it, all by a third of it, growing away from the lamp) and a soft-edged shadow of the
    hand or phone over part of the sheet."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gain = np.ones((h, w, 3), np.float32)
    if "warm" in cam:
        lx, ly = cam["lamp"]
        far = np.sqrt((xx / w - lx) ** 2 + (yy / h - ly) ** 2)
        far = 0.4 + 0.6 * far / max(1e-6, float(far.max()))  # the cast is never zero
        depth = cam["warm"]
        for channel, loss in ((0, depth / 3), (1, depth / 2 + depth / 3), (2, depth + depth / 3)):
            gain[..., channel] *= 1.0 - min(0.9, loss) * far
    if "shadow" in cam:
        t = math.radians(cam["shadow_angle_deg"])
        # Signed distance (fraction of the diagonal) beyond a line `shadow_offset` from the
        # centre: the shadow lies on the far side, its edge blurred over ~4 % of the frame.
        d = ((xx - w / 2) * math.cos(t) + (yy - h / 2) * math.sin(t)) / math.hypot(w, h)
        inside = 1.0 / (1.0 + np.exp(-(d - cam["shadow_offset"] / 2) / 0.015))
        gain *= (1.0 - cam["shadow"] * inside)[..., None]
    return np.clip(img.astype(np.float32) * gain + 0.5, 0, 255).astype(np.uint8)


def degrade_page(rgb: np.ndarray, twin: dict, page_rec: dict, rng: np.random.Generator,
                 prng: random.Random) -> np.ndarray:
    img = rgb
    # Paper is not pure white after scanning.
    img = (img.astype(np.float32) * (PAPER_GREY / 255.0))
    # Uneven lighting.
    if twin["lighting"] > 0:
        img *= lighting_field(img.shape[0], img.shape[1], twin["lighting"], prng)[..., None]
    img = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    # Sheet fed rotated (90 = clockwise, 180 = upside down).
    rot = page_rec["rotation"]
    if rot == 90:
        img = cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)
    elif rot == 180:
        img = cv2.rotate(img, cv2.ROTATE_180)
    elif rot == 270:
        img = cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE)
    cam = page_rec.get("camera")
    if cam:  # on the sheet: shadow and curl at the binding
        img = gutter_shadow(img, cam["binding"], cam["gutter_depth"])
        img = page_curl(img, cam["binding"], cam["curl_px"])
    img = skew(img, page_rec["skew_deg"])
    if cam:  # the lens: perspective of the whole sheet
        img, cam["corners_px"] = keystone(img, cam["keystone_x"], cam["keystone_y"],
                                          twin["camera"]["desk"], cam.get("fit", 0.93),
                                          cam.get("place", (0.5, 0.5)), cam.get("roll_deg", 0.0))
        if "warm" in cam or "shadow" in cam:
            img = phone_light(img, cam)
    # Optics: slight blur.
    sigma = twin["blur"] * twin["dpi"] / 300.0
    if sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    # Sensor noise.
    if twin["noise"] > 0:
        noise = rng.normal(0.0, twin["noise"], img.shape[:2]).astype(np.float32)
        img = np.clip(img.astype(np.float32) + noise[..., None] + 0.5, 0, 255).astype(np.uint8)
    if twin["color"] == "gray":
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return img


# ----------------------------------------------------------------------------- twin
def render_pages(pdf_path: Path, dpi: int) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(str(pdf_path))
    pages = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            bmp = page.render(scale=dpi / 72.0, grayscale=False)
            pages.append(np.array(bmp.to_pil().convert("RGB")))
            page.close()
    finally:
        doc.close()
    return pages


def encode_jpeg(img: np.ndarray, quality: int) -> bytes:
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", img, [int(cv2.IMWRITE_JPEG_QUALITY), int(quality),
                                          int(cv2.IMWRITE_JPEG_OPTIMIZE), 1])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def write_pdf(path: Path, jpegs: list[bytes], sizes_pt: list[tuple[float, float]]) -> None:
    pdf = pdfium.PdfDocument.new()
    try:
        for data, (w_pt, h_pt) in zip(jpegs, sizes_pt):
            page = pdf.new_page(w_pt, h_pt)
            image = pdfium.PdfImage.new(pdf)
            image.load_jpeg(io.BytesIO(data), pages=[page], inline=False)
            image.set_matrix(pdfium.PdfMatrix().scale(w_pt, h_pt))
            page.insert_obj(image)
            page.gen_content()
            page.close()
        buf = io.BytesIO()
        pdf.save(buf, version=17)
    finally:
        pdf.close()
    path.write_bytes(_stabilise_pdf(buf.getvalue(), path.stem))


def _stabilise_pdf(data: bytes, key: str) -> bytes:
    """pdfium writes the current time as /CreationDate and a random trailer /ID: replace
    both by values of the same byte length derived from the twin name, so the xref offsets
    stay valid and the file is byte-identical between runs."""
    def date(m: re.Match) -> bytes:
        fixed = b"D:20000101000000+00'00'"
        body = m.group(1)
        return b"/CreationDate(" + (fixed[:len(body)].ljust(len(body), b" ")) + b")"
    head, body, tail = data[:4096], data[4096:-4096], data[-4096:]
    if len(data) <= 8192:
        head, body, tail = data, b"", b""
    head = re.sub(rb"/CreationDate\(([^)]*)\)", date, head)
    digest = hashlib.md5(key.encode("utf-8")).hexdigest().upper().encode()

    def ident(m: re.Match) -> bytes:
        whole, base = bytearray(m.group(0)), m.start(0)
        for g in (1, 2):
            a, b = m.start(g) - base, m.end(g) - base
            whole[a:b] = digest[:b - a].ljust(b - a, b"0")
        return bytes(whole)
    pat = rb"/ID\s*\[\s*<([0-9A-Fa-f]*)>\s*<([0-9A-Fa-f]*)>\s*\]"
    if tail:
        tail = re.sub(pat, ident, tail)
    else:
        head = re.sub(pat, ident, head)
    return head + body + tail


def write_tiff(path: Path, pages: list[np.ndarray], dpi: int, quality: int) -> None:
    """Multi-page grayscale TIFF, JPEG-compressed (LZW does not compress scanner noise:
    ~3 MB a page at 200 DPI). Pillow writes no DateTime tag unless asked."""
    ims = [Image.fromarray(p if p.ndim == 2 else cv2.cvtColor(p, cv2.COLOR_RGB2GRAY))
           for p in pages]
    buf = io.BytesIO()
    ims[0].save(buf, format="TIFF", save_all=True, append_images=ims[1:],
                compression="jpeg", quality=int(quality), dpi=(dpi, dpi))
    path.write_bytes(buf.getvalue())


def resolve_rotate(rotate: dict, sizes: list[tuple[float, float]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for key, deg in rotate.items():
        if key == "landscape":
            idx = next((i for i, (w, h) in enumerate(sizes) if w > h), None)
            if idx is None:
                raise ValueError("twin asks for a landscape page but the source has none")
        else:
            idx = int(key)
        out[idx] = int(deg) % 360
    return out


def locate_review_values(pdf_path: Path) -> dict | None:
    """四's value row: the last row of the first 15-column ruled table, as {page, top,
    bottom, boundaries} in PDF pt (origin top-left); boundaries[k - 1] is the x of column
    boundary k (1..14)."""
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            for table in page.find_tables():
                if len(table.columns) != 15:
                    continue
                cells = table.rows[-1].cells
                if any(c is None for c in cells):
                    continue
                return {"page": i, "top": float(cells[0][1]), "bottom": float(cells[0][3]),
                        "boundaries": [float(c[2]) for c in cells[:-1]]}
    return None


def damage_value_rules(rgb: np.ndarray, row: dict, rules: dict, scale: float) -> None:
    """Break, shift or lighten 四's vertical rulings in its value row (in place; the page
    as rendered, `scale` px per pt). The strip around a ruling is ~2 px either side: the
    row's digits sit mid-column, far from it."""
    top, bottom = int(round(row["top"] * scale)), int(round(row["bottom"] * scale))
    half = max(2, int(round(scale)))
    inset = max(2, int(round(0.8 * scale)))  # keep clear of the horizontal rulings
    y0, y1 = top + inset, bottom - inset
    for kind, indices in rules.items():
        for k in indices:
            x = int(round(row["boundaries"][k - 1] * scale))
            strip = rgb[y0:y1, x - half:x + half + 1].copy()
            if kind == "broken":
                cut = int(0.15 * (bottom - top))
                rgb[top + cut:bottom - cut, x - half:x + half + 1] = 255
            elif kind == "shifted":
                shift = max(2, int(round(scale)))
                gap = max(2, int(round(scale)))
                rgb[y0:y1, x - half:x + half + 1] = 255
                rgb[y0 + gap:y1 - gap, x - half + shift:x + half + 1 + shift] = np.minimum(
                    rgb[y0 + gap:y1 - gap, x - half + shift:x + half + 1 + shift], strip[gap:-gap])
            elif kind == "faint":
                rgb[y0:y1, x - half:x + half + 1] = 255 - (255 - strip.astype(np.int32)) // 4
            else:
                raise ValueError(f"unknown value_rules kind {kind!r}")


def make_twin(twin: dict) -> dict:
    src_pdf = HERE / f"{twin['source']}.pdf"
    src_json = HERE / f"{twin['source']}.expected.json"
    expected = json.loads(src_json.read_text(encoding="utf-8"))
    info = locate(src_pdf)
    dpi = twin["dpi"]
    scale = dpi / 72.0
    prng = random.Random(twin["seed"])
    rotate = resolve_rotate(twin["rotate"], info["sizes"])
    agency = expected.get("report", {}).get("agency", "")

    # Seal placements (pt, top-left origin) before any per-page randomness.
    seals = []
    if "signature" in twin["seals"] and info["signature"]:
        s = info["signature"]
        cx, cy = s["center"]
        cx += prng.uniform(-12, 12)
        cy += prng.uniform(-8, 8)
        seals.append({"kind": "signature", "page": s["page"], "center_pt": [cx, cy]})
    if "table" in twin["seals"] and info["table"]:
        t = info["table"]
        x0, top, x1, bottom = t["bbox"]
        r_pt = SEAL_DIAMETER_MM / 25.4 * 72 / 2
        # Centre just inside the right edge of the table, in its lower two thirds: the
        # seal covers part of the total column and the margin beyond the table.
        cx = x1 - r_pt * prng.uniform(0.15, 0.45)
        lo, hi = top + (bottom - top) * 0.35, bottom - r_pt * 0.5
        cy = prng.uniform(lo, max(lo, hi))
        seals.append({"kind": "table", "page": t["page"], "center_pt": [cx, cy],
                      "table_bbox_pt": [round(v, 1) for v in t["bbox"]]})

    review_values = locate_review_values(src_pdf) if twin.get("value_rules") else None
    if twin.get("value_rules") and review_values is None:
        raise ValueError(f"{twin['name']}: no 15-column 四 in {src_pdf.name} for value_rules")
    pages = render_pages(src_pdf, dpi)
    page_recs = []
    jpegs, out_pages, sizes_pt = [], [], []
    for i, rgb in enumerate(pages):
        pseed = twin["seed"] * 1000 + i
        rng = np.random.default_rng(pseed)
        pp = random.Random(pseed)
        sk = round(pp.uniform(-twin["skew"], twin["skew"]), 2)
        rec = {"page": i + 1, "rotation": rotate.get(i, 0), "skew_deg": sk}
        cam = camera_draw(twin, i)
        if cam:
            rec["camera"] = cam
        page_seals = [s for s in seals if s["page"] == i]
        for j, s in enumerate(page_seals):
            diam_px = int(round(SEAL_DIAMETER_MM / 25.4 * dpi))
            mask = seal_mask(diam_px, agency, twin["seal_text"],
                             np.random.default_rng(pseed * 10 + j), random.Random(pseed * 10 + j))
            opacity = 0.85
            stamp(rgb, mask, s["center_pt"][0] * scale, s["center_pt"][1] * scale, opacity)
        if page_seals:
            rec["seals"] = [{"kind": s["kind"], "center_pt": [round(v, 1) for v in s["center_pt"]],
                             "diameter_mm": SEAL_DIAMETER_MM}
                            | ({"table_bbox_pt": s["table_bbox_pt"]} if "table_bbox_pt" in s else {})
                            for s in page_seals]
        if review_values is not None and review_values["page"] == i:
            damage_value_rules(rgb, review_values, twin["value_rules"], scale)
            rec["value_rules"] = {kind: list(ks) for kind, ks in twin["value_rules"].items()}
        img = degrade_page(rgb, twin, rec, rng, pp)
        w_pt, h_pt = info["sizes"][i]
        if rec["rotation"] in (90, 270):
            w_pt, h_pt = h_pt, w_pt
        sizes_pt.append((w_pt, h_pt))
        page_recs.append(rec)
        if twin["format"] == "pdf":
            jpegs.append(encode_jpeg(img, twin["quality"]))
        else:
            out_pages.append(img)

    OUT.mkdir(exist_ok=True)
    if twin["format"] == "pdf":
        out_path = OUT / f"{twin['name']}.pdf"
        write_pdf(out_path, jpegs, sizes_pt)
    else:
        out_path = OUT / f"{twin['name']}.tif"
        write_tiff(out_path, out_pages, dpi, twin["quality"])

    scan = {
        "source": twin["source"],
        "file": out_path.name,
        "format": twin["format"],
        "seed": twin["seed"],
        "dpi": dpi,
        "color": "gray" if twin["format"] == "tiff" else twin["color"],
        "jpeg_quality": twin["quality"],
        "compression": "jpeg",
        "noise_sigma": twin["noise"],
        "blur_sigma_px": round(twin["blur"] * dpi / 300.0, 3),
        "lighting_depth": twin["lighting"],
        "seal_text": twin["seal_text"] if seals else None,
        "conventions": {
            "rotation": "degrees the sheet was turned clockwise when fed; turn the image "
                        "counter-clockwise by this to read it",
            "skew_deg": "counter-clockwise positive (image y axis down), about the page centre",
            "center_pt": "seal centre on the source page, PDF points, origin top-left",
        } | ({"camera": "keystone_x > 0: the sheet's top edge is shorter than its bottom "
                         "edge by that fraction of the width; keystone_y > 0: its left edge "
                         "shorter than its right; curl_px: bow of a horizontal line at the "
                         "binding edge; corners_px: the sheet's corners in the image "
                         "(TL TR BR BL)"} if twin.get("camera") else {}),
        "pages": page_recs,
    }
    write_expected(twin["name"], expected, scan)
    return {"name": twin["name"], "file": out_path, "pages": len(pages)}


def write_expected(name: str, expected: dict, scan: dict) -> None:
    """``OUT/<name>.expected.json``: the source's expected record with the scan's own
    description under ``"scan"`` (shared by every scan-twin generator)."""
    out = copy.deepcopy(expected)
    out["scan"] = scan
    (OUT / f"{name}.expected.json").write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

README_HEAD = """# Scanned twins

Image-only twins of the digital samples in `samples/`, for testing the OCR path. Each twin is
a degraded "office scan" of every page of its source sample:

- `<name>.pdf`: an image-only PDF, one JPEG per page at the page's physical size (A4
  595×842 pt, or landscape where the source page is landscape and was scanned upright);
  no text layer, no fonts;
- `<name>.tif`: a multi-page grayscale TIFF (JPEG-compressed, DPI tags set);
- `<name>.expected.json`: the source's `<source>.expected.json` with the **same values**
  (the scan must read back the same numbers and findings), plus a top-level `"scan"` key
  recording what was applied: source, seed, dpi, colour, JPEG quality, noise σ, blur σ,
  lighting depth and, per page, `rotation`, `skew_deg` and the seals stamped on it.

Conventions in `"scan"`: `rotation` is the number of degrees the sheet was turned
clockwise when fed (90: a landscape page scanned sideways, the image is portrait;
180: upside down): turn the image counter-clockwise by that much to read it. `skew_deg` is
counter-clockwise positive (image y axis down), about the page centre; the corners it
uncovers show the grey scanner bed. Seal centres are in PDF points on the source page,
origin top-left. Seals are 40 mm red rings with a star and the agency name (some also a
straight line 政务公开专用章), multiply-blended at ~85 % opacity with uneven ink, so the
print under them stays legible; a `table` seal overlaps the right edge of the section 三
table on the page holding 本年新收 and partly covers cells of the 总计 column.

Degradations common to all twins: paper rendered slightly grey (246), a smooth brightness
gradient (linear ramp + off-centre radial falloff, `lighting_depth` = darkest loss),
Gaussian blur (σ in px at the twin's DPI), additive Gaussian noise (σ on 0–255), JPEG.

Camera twins (`scan-camera-*`, issue 17 class 3) imitate a phone or overhead-scanner
capture of a bound report: per page a perspective tilt on both axes (`keystone_x`: the top
edge of the sheet shorter than the bottom one by that fraction of the width, negative the
reverse; `keystone_y`: the left edge shorter than the right), a page curl at the binding
(left on odd pages, right on even ones; horizontal lines bowed by up to `curl_px` where
they meet the binding edge, straight a third of the page away), a gutter shadow there, and the
desk around the shrunk sheet. The sheet's corners in the image are `corners_px`.
Phone-photo twins (`scan-camera-phone-*`) add per page: the sheet filling only `fit` of
the frame at `place` (fractions of the free margin), the phone turned by `roll_deg` on top
of the keystone, a warm lamp (`warm`: blue falls by up to that fraction, green by half of
it, away from the lamp at `lamp`, fractions of the frame) and a hand's soft shadow
(`shadow`: brightness loss beyond a line at `shadow_angle_deg`); colour JPEG q70-72.

## Twins

"""

README_TAIL = """
## Regenerating

```
python samples/make_scans.py              # all twins (skips a twin whose source is missing)
python samples/make_scans.py --only NAME  # one twin (twin or source name; repeatable)
python samples/make_scans.py --list       # the twin table
```

The twins are defined by the `TWINS` table at the top of `samples/make_scans.py`; add an
entry to add a twin. This README is rewritten from the generated `*.expected.json` on
every run. Re-run after a source sample is regenerated.

Needs pypdfium2 (render and write the PDF), pdfplumber (find the section 三 table and the
signature block), numpy, opencv-python-headless, Pillow (seal text, TIFF) and a Noto CJK
font (fonts-noto-cjk) for the seal text.

## Determinism

All randomness comes from `random.Random(seed)` / `numpy.random.default_rng(seed)` with a
fixed seed per twin and page. pdfium writes the current time as `/CreationDate` and a
random trailer `/ID`; both are replaced by fixed values of the same byte length (xref
offsets stay valid). The TIFF has no date tag. Two runs give byte-identical files (checked
with sha256) with the same versions of pypdfium2, OpenCV (libjpeg), Pillow/libtiff and the
CJK font; another version may change bytes but not the values the twins must read back.
"""


def write_readme() -> None:
    rows = ["| twin | file | source | template | pages | dpi | colour | JPEG q | skew per page (°) "
            "| rotated pages | noise σ | blur σ px | lighting | seals (page: kind) "
            "| camera per page (keystone x/y %, binding) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    total = 0
    for t in TWINS:
        ej = OUT / f"{t['name']}.expected.json"
        if not ej.exists():
            continue
        data = json.loads(ej.read_text(encoding="utf-8"))
        sc = data["scan"]
        f = OUT / sc["file"]
        total += f.stat().st_size if f.exists() else 0
        pages = sc["pages"]
        rot = ", ".join(f"p{p['page']}: {p['rotation']}°" for p in pages if p["rotation"]) or "—"
        skews = " ".join(f"{p['skew_deg']:+.2f}" for p in pages)
        seals = ", ".join(f"p{p['page']}: {s['kind']}" for p in pages for s in p.get("seals", []))
        camera = " ".join(f"{100 * p['camera']['keystone_x']:+.1f}/{100 * p['camera']['keystone_y']:+.1f}"
                          f"{p['camera']['binding'][0].upper()}" for p in pages if "camera" in p)
        if camera:
            cams = [p["camera"] for p in pages if "camera" in p]
            camera += f" (curl {cams[0]['curl_px']:g} px, gutter {cams[0]['gutter_depth']:g})"
        rows.append(
            f"| `{t['name']}` | `{sc['file']}` | `{sc['source']}` | {data['report']['template']} "
            f"| {len(pages)} | {sc['dpi']} | {sc['color']} | {sc['jpeg_quality']} | {skews} "
            f"| {rot} | {sc['noise_sigma']:g} | {sc['blur_sigma_px']:g} | {sc['lighting_depth']:g} "
            f"| {seals or '—'} | {camera or '—'} |")
    size = f"\nTotal size of the twin files: {total / 1e6:.1f} MB.\n"
    (OUT / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n" + size + README_TAIL,
                                   encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="generate only this twin (twin name or source name; repeatable)")
    ap.add_argument("--list", action="store_true", help="print the twin table and exit")
    args = ap.parse_args(argv)
    twins = TWINS
    if args.only:
        twins = [t for t in TWINS if t["name"] in args.only or t["source"] in args.only]
        unknown = set(args.only) - {t["name"] for t in twins} - {t["source"] for t in twins}
        if unknown:
            print(f"unknown twin(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
    if args.list:
        for t in twins:
            print(f"{t['name']:45s} {t['source']:35s} {t['format']} {t['dpi']}dpi q{t['quality']}")
        return 0
    missing = [t for t in twins if not ((HERE / f"{t['source']}.pdf").exists()
                                        and (HERE / f"{t['source']}.expected.json").exists())]
    for t in missing:
        print(f"skip {t['name']}: samples/{t['source']}.pdf or .expected.json not found",
              file=sys.stderr)
    for t in twins:
        if t in missing:
            continue
        r = make_twin(t)
        size = r["file"].stat().st_size
        print(f"{r['name']}: {r['file'].name} {r['pages']} pages, {size / 1e6:.2f} MB")
    write_readme()
    return 0


if __name__ == "__main__":
    sys.exit(main())
