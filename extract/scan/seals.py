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
