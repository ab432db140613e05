"""Print too faint for the ink threshold inside a cell that reads as blank.

A laser printer low on toner leaves digits 15-30 grey levels below the paper: the page's
paper/print split (`pixels.ink_mask`) sees nothing, and the cell reads as blank. Here a
blank cell is looked at once more on the grey image, against its own paper: marks the size
and height of a printed line, away from the cell's borders, are cut out with their contrast
stretched, for a second reading. That reading is never taken as read: the cell stands as
unreadable with it as the one candidate, and only the table's rules can settle it (checks/
repair.py), so show-through from the back of the sheet or a smudge never becomes a value.

Pixels, image frame: top-left origin, rows down.
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

# A mark must be this much darker (grey levels) than the cell's paper, and stand out of the
# paper's own noise by this many robust standard deviations: toner-starved digits sit 15-30
# below the paper, JPEG noise at q40-55 within about 5 of it.
_MIN_CONTRAST = 10.0
_NOISE_SIGMAS = 4.0
# The marks together must be a printed line's height: between these shares of the page's
# typical line height (a digit is the line's full height; a dot or a hair is not).
_MIN_HEIGHT_SHARE = 0.5
_MAX_HEIGHT_SHARE = 1.6


def faint_print(gray: np.ndarray, inner: tuple[int, int, int, int], dpi: float,
                line_height: float) -> Optional[tuple[tuple[int, int, int, int], np.ndarray]]:
    """(box, crop) of the faint print in a cell's inside (x0, top, x1, bottom, pixels), the
    crop darkened so that its faintest mark reads like print; None when the cell holds no
    mark of a printed line's size."""
    x0, top, x1, bottom = inner
    margin = max(3, int(dpi / 40))  # a ruling's blurred edge is no print
    x0, top, x1, bottom = x0 + margin, top + margin, x1 - margin, bottom - margin
    if x1 - x0 < 8 or bottom - top < 8 or line_height <= 0:
        return None
    region = cv2.GaussianBlur(gray[top:bottom, x0:x1], (3, 3), 0).astype(np.float32)
    paper = float(np.median(region))
    noise = 1.4826 * float(np.median(np.abs(region - paper)))
    darkness = paper - region
    marks = (darkness >= max(_MIN_CONTRAST, _NOISE_SIGMAS * noise)).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    min_area = max(4, int((dpi / 100) ** 2 * 3))
    h, w = marks.shape
    kept = [
        stats[k] for k in range(1, count)
        if stats[k][cv2.CC_STAT_AREA] >= min_area
        and stats[k][cv2.CC_STAT_LEFT] > 0 and stats[k][cv2.CC_STAT_TOP] > 0
        and stats[k][cv2.CC_STAT_LEFT] + stats[k][cv2.CC_STAT_WIDTH] < w
        and stats[k][cv2.CC_STAT_TOP] + stats[k][cv2.CC_STAT_HEIGHT] < h
    ]
    if not kept:
        return None
    left = min(s[cv2.CC_STAT_LEFT] for s in kept)
    right = max(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH] for s in kept)
    upper = min(s[cv2.CC_STAT_TOP] for s in kept)
    lower = max(s[cv2.CC_STAT_TOP] + s[cv2.CC_STAT_HEIGHT] for s in kept)
    if not _MIN_HEIGHT_SHARE * line_height <= lower - upper <= _MAX_HEIGHT_SHARE * line_height:
        return None
    pad = max(2, int(line_height * 0.25))
    cx0, ctop = max(0, left - pad), max(0, upper - pad)
    cx1, cbottom = min(w, right + pad), min(h, lower + pad)
    depth = max(float(darkness[upper:lower, left:right].max()), 1.0)
    stretched = np.clip(255.0 - darkness[ctop:cbottom, cx0:cx1] * (235.0 / depth), 0, 255).astype(np.uint8)
    box = (x0 + cx0, top + ctop, x0 + cx1, top + cbottom)
    return box, stretched
