"""Page images: ink, skew, orientation and ruling lines, with OpenCV.

Images are numpy arrays, row 0 at the top. Pixel coordinates convert to the pipeline frame
(points, top-left origin) by 72 / dpi. Everything here is a pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import Segment


@dataclass(frozen=True)
class PageImage:
    """One page as pixels. `image` is 8-bit BGR or grey; dpi maps pixels to points."""

    number: int  # 1-based
    image: np.ndarray
    dpi: float

    @property
    def scale(self) -> float:
        """Points per pixel."""
        return 72.0 / self.dpi


def to_gray_without_red(image: np.ndarray) -> np.ndarray:
    """Grey page with red ink (seals, red headers) turned to paper white. A red seal is
    strong in the red channel and weak in green and blue; black print is weak in all
    three. Taking the red channel where a pixel is clearly red keeps text printed under a
    semi-transparent seal: that text is dark in red as well."""
    if image.ndim == 2:
        return image
    b, g, r = (image[:, :, i].astype(np.int16) for i in range(3))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # Red against the mean of the other two channels: JPEG chroma blur turns a seal's
    # edge pink, which a max() test would miss.
    reddish = (r - (g + b) // 2) > 25
    out = gray.copy()
    if not reddish.any():
        return out
    # In the red channel, seal ink on paper is nearly as bright as paper: within about 60
    # of the seal's own level (the 90th percentile over red pixels; ink density varies).
    # Print under the seal stays darker: near 0 under a stamp, around 110-160 under an
    # e-seal blended on top. Red values from 100 below that level up to 60 below it are
    # stretched over the whole grey range: the seal goes white, print under it stays dark.
    seal_level = float(np.percentile(r[reddish], 90))
    low, high = seal_level - 100, seal_level - 60
    out[reddish] = np.clip((r[reddish] - low) * 255 / (high - low), 0, 255).astype(np.uint8)
    return out


def ink_mask(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Binary ink (255) on paper (0), robust to uneven lighting: each pixel is compared
    with its neighbourhood (a window about 1/6 inch wide) and with the page's paper/print
    split."""
    block = max(15, int(dpi / 6) | 1)
    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    # Ink must also be dark on the page's own scale (Otsu's split between paper and
    # print): faint marks a little darker than their surroundings (the pale remains of a
    # red seal, show-through from the back of the sheet) are not print.
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = (gray <= otsu + 10).astype(np.uint8) * 255
    return cv2.bitwise_and(local, dark)


def line_masks(ink: np.ndarray, dpi: float, length_in: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical line pixels: runs of ink longer than `length_in` inches.
    Opening comes first: bridging gaps before it would fuse a row of digits into one long
    run. Small breaks in a scanned line are closed afterwards, on line pixels only."""
    length = max(9, int(dpi * length_in))
    bridge = max(3, int(dpi / 25))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    return h, v


def estimate_skew(ink: np.ndarray, dpi: float) -> float:
    """The rotation (degrees, as cv2.getRotationMatrix2D takes it) that levels the long
    horizontal rulings; 0 when the page has none. In image coordinates (y down) a ruling
    rising to the right has a negative slope and needs a negative (clockwise) turn, so
    the angle of the slope is the correction itself. A short opening kernel lets lines
    tilted by a few degrees survive it."""
    h, _ = line_masks(ink, dpi, 0.08)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(h, connectivity=8)
    min_width = ink.shape[1] / 5
    angles, weights = [], []
    for k in range(1, count):
        x, y, w, hh, _ = stats[k]
        if w < min_width or hh > w / 5:
            continue
        py, px = np.nonzero(labels[y : y + hh, x : x + w] == k)
        slope = np.polyfit(px.astype(np.float64), py.astype(np.float64), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(w)
    if not angles:
        return 0.0
    # Weighted median: long rulings count more than short ones.
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre, keeping the size, filling with white."""
    if abs(degrees) < 0.05:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    fill = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def turn(image: np.ndarray, quarter_turns_ccw: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(image, quarter_turns_ccw % 4))


def ruling_segments(ink: np.ndarray, dpi: float) -> tuple[list[Segment], np.ndarray]:
    """Ruling lines as segments in points, and the mask of their pixels (to erase them
    from cell crops before recognition). A run must be 1/5 inch long: longer than any
    stroke of 10-12 pt text, shorter than the smallest cell side."""
    h, v = line_masks(ink, dpi, 0.2)
    scale = 72.0 / dpi
    max_thickness = max(4, int(dpi / 25))  # 1 mm: thicker runs are filled areas, not lines
    segments: list[Segment] = []
    for mask, orientation in ((h, "h"), (v, "v")):
        # Work on horizontal lines; vertical ones are the same problem transposed.
        along = mask if orientation == "h" else mask.T
        count, labels, stats, _ = cv2.connectedComponentsWithStats(along, connectivity=8)
        for k in range(1, count):
            x, y, w, thick, _ = stats[k]
            for row0, row1, start, end in _line_rows(labels[y : y + thick, x : x + w] == k, max_thickness):
                position, a, b = (y + (row0 + row1) / 2) * scale, (x + start) * scale, (x + end) * scale
                segments.append(Segment(orientation, position, a, b))
    return segments, cv2.bitwise_or(h, v)


def _line_rows(component: np.ndarray, max_thickness: int) -> list[tuple[int, int, int, int]]:
    """The line(s) inside one connected run of line pixels: (first row, last row + 1,
    start column, end column). A thin component is one line. A thick one is a line fused
    with something that crosses it (the arc of a seal, a stamp's border) or a filled
    area: its line is the band of rows that run most of its width, if that band is thin."""
    thick, width = component.shape
    if thick <= max_thickness * 3:
        return [(0, thick, 0, width)]
    counts = component.sum(axis=1)
    full = np.flatnonzero(counts >= 0.8 * width)
    if full.size == 0 or full[-1] - full[0] + 1 > max_thickness * 2:
        return []
    cols = np.flatnonzero(component[full[0] : full[-1] + 1].any(axis=0))
    return [(int(full[0]), int(full[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)]
