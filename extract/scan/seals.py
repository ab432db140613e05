"""Round seals on a grey page: where a stamp's ring lies, so that what its lettering and star
read as over a table's cells can be told from the print under it.

A red seal is found by its colour (`pixels.seal_mask`) and whitened before reading; a seal
scanned in grey (or turned grey by colour-to-grey conversion) stays as mid-grey ink that
the recogniser reads as stray characters or digits. Official seals (公章) are round, 38-45
mm across, their ring a stroke about 1 mm wide: at a working resolution of 100 dpi the ring
is a clear circle to a Hough transform, while a table's cells, being rectangles, and its
text are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import cv2
import numpy as np

# Radius range of a round official seal's ring (mm): 38-45 mm seals, with margin.
_RADIUS_MM = (17.0, 24.0)
# Resolution (dpi) the rings are looked for at: enough for a 1 mm ring, cheap on any page.
_WORK_DPI = 100.0
# cv2.HoughCircles: Canny's upper threshold, and the accumulator votes a circle needs (at
# _WORK_DPI a ring of 20 mm radius has ~500 edge pixels; a rectangle's corner arcs or a
# line of text gather far fewer on one circle).
_CANNY_HIGH = 100
_MIN_VOTES = 40


@dataclass(frozen=True)
class SealDisc:
    x: float  # centre, pixels of the page image (top-left origin)
    y: float
    radius: float

    def holds(self, x: float, y: float) -> bool:
        return (x - self.x) ** 2 + (y - self.y) ** 2 <= self.radius**2


def seal_discs(gray: np.ndarray, dpi: float) -> list[SealDisc]:
    """The round seals on a grey page (pixels of `gray`), by their rings."""
    scale = _WORK_DPI / dpi
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    scale = small.shape[1] / gray.shape[1]
    blurred = cv2.GaussianBlur(small, (5, 5), 1.5)
    px_per_mm = dpi * scale / 25.4
    low, high = (int(r * px_per_mm) for r in _RADIUS_MM)
    found = cv2.HoughCircles(
        blurred, cv2.HOUGH_GRADIENT, dp=1, minDist=2 * low, param1=_CANNY_HIGH, param2=_MIN_VOTES,
        minRadius=low, maxRadius=high,
    )
    if found is None:
        return []
    return [SealDisc(float(x) / scale, float(y) / scale, float(r) / scale) for x, y, r in found[0]]


# A seal's broad strokes (its ring ~1-1.5 mm, its star, filled) survive an opening with a
# disc this wide (mm); printed digits and table text (strokes 0.2-0.5 mm) do not.
_BROAD_STROKE_MM = 0.6
# Broad-stroke pixels (page pixels) a crop needs before it counts as lying on seal ink.
_MIN_BROAD_PIXELS = 3


def overlaps(discs: Sequence[SealDisc], box: tuple[int, int, int, int]) -> bool:
    """Whether a box (x0, top, x1, bottom, page pixels) reaches into any of the discs."""
    x0, top, x1, bottom = box
    for disc in discs:
        nearest_x = min(max(disc.x, x0), x1)
        nearest_y = min(max(disc.y, top), bottom)
        if disc.holds(nearest_x, nearest_y):
            return True
    return False


def without_seal_strokes(crop: np.ndarray, dpi: float) -> Optional[np.ndarray]:
    """A line crop (grey, page resolution) as black print on white with a grey seal's broad
    strokes taken out, or None when the crop holds none.

    A seal's ring and star are broad strokes of mid-grey ink; printed digits are thin and
    darker. Where a digit crosses the ring the two inks add up (a stamp is printed over
    the page), so the digit's pixels there are darker than the ring alone. The broad
    strokes are what an opening with a ~0.6 mm disc keeps; of them (grown by a pixel), the
    pixels no darker than halfway between the seal's own grey and the print's are whitened, and every other
    ink pixel (the paper/ink split of the crop, Otsu) is kept as print. Specks and flat
    remnants (a ruling's edge) left over are dropped."""
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    paper_split, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (gray < paper_split).astype(np.uint8)
    width = max(3, int(round(dpi / 25.4 * _BROAD_STROKE_MM)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))
    broad = cv2.morphologyEx(ink, cv2.MORPH_OPEN, disc).astype(bool)
    if broad.sum() < _MIN_BROAD_PIXELS * width * width:
        return None
    seal_level = float(np.median(gray[broad]))
    # The print's grey: the darkest ink (a bold digit's strokes may be broad enough to
    # survive the opening themselves, so the print is not looked for outside them).
    print_level = float(np.percentile(gray[ink.astype(bool)], 5))
    cut = (seal_level + print_level) / 2
    # The opening leaves the broad strokes' soft edges out: grown by a pixel they go too.
    seal_ink = cv2.dilate(broad.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & (gray > cut)
    keep = (ink.astype(bool) & ~seal_ink).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(keep, connectivity=8)
    if count > 1:
        largest = stats[1:, cv2.CC_STAT_AREA].max()
        tallest = stats[1:, cv2.CC_STAT_HEIGHT].max()
        small = (stats[:, cv2.CC_STAT_AREA] < 0.2 * largest) | (stats[:, cv2.CC_STAT_HEIGHT] < 0.4 * tallest)
        small[0] = True
        keep[small[labels]] = 0
    return np.where(keep > 0, 0, 255).astype(np.uint8)


def without_seal_ink(crop: np.ndarray, dpi: float, red: Optional[np.ndarray] = None) -> Optional[np.ndarray]:
    """A line crop with the seal's ink taken out, or None when the crop shows no seal ink.

    `red` is the crop's red-ink mask (`pixels.seal_mask`, 255 on 0): a red seal is whitened
    in the grey page already, but at low JPEG quality the chroma blur leaves its strokes'
    edges neither red enough to be found nor light enough to vanish, and a stroke's
    remains beside a number read as a Chinese character ("茶3897"). The red strokes grown by
    about 0.3 mm are whitened where lighter than halfway between the paper and the print
    (print under a stamp stays dark), and so are small dark specks touching them. A grey
    seal's broad strokes go as in
    `without_seal_strokes`."""
    gray = (crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)).copy()
    changed = False
    if red is not None and red.any():
        reach = max(3, int(round(dpi / 25.4 * 0.3)) * 2 + 1)
        grown = cv2.dilate(red, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach))) > 0
        paper = float(np.percentile(gray, 90))
        cut = (paper + float(np.percentile(gray, 2))) / 2
        remains = grown & (gray > cut)
        gray[remains] = int(paper)
        changed = bool(remains.any())
        # Where the stamp's ink was densest the whitening leaves dark specks as dark as
        # print: small pieces (under a fifth of the largest) touching the red ink go too.
        ink = (gray <= cut).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        if count > 2:
            largest = stats[1:, cv2.CC_STAT_AREA].max()
            touching = np.zeros(count, bool)
            touching[np.unique(labels[grown & (ink > 0)])] = True
            specks = touching & (stats[:, cv2.CC_STAT_AREA] < 0.2 * largest)
            specks[0] = False
            if specks.any():
                gray[specks[labels]] = int(paper)
                changed = True
    broad = without_seal_strokes(gray, dpi)
    if broad is not None:
        return broad
    return gray if changed else None
